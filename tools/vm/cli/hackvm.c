/* hackvm: translates VM code to Hack assembly, as the course's VM translator does. */
#define _POSIX_C_SOURCE 200809L
#include "hack/outfile.h"
#include "hack/build.h"
#include "hack/cli_options.h"
#include "hack/path.h"
#include "hack/textfile.h"
#include "hack/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether list holds a diagnostic that says what d says, at the same place. */
static bool said_before(const hack_diag_list *list, const hack_diag *d)
{
    for (size_t i = 0; i < list->count; i++) {
        const hack_diag *e = &list->items[i];
        if (e->severity == d->severity && e->line == d->line && e->column == d->column && same_text(e->file, d->file) &&
            same_text(e->message, d->message))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("hackvm");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL, *output = NULL;
    int bootstrap = -1; /* -1: decided by the input (a folder gets it) */
    bool write_hack = false, write_map = false, with_os = false;
    int inputs = 0;
    const hack_cli_option rows[] = { /* (not "options": that name is the translator's, below) */
        {"bootstrap", 0, HACK_CLI_SET, .integer = &bootstrap, .value = 1,
         .help = "add the bootstrap code (default for a folder)"},
        {"no-bootstrap", 0, HACK_CLI_SET, .integer = &bootstrap, .value = 0,
         .help = "leave it out (default for a file)"},
        {"hack", 0, HACK_CLI_FLAG, .flag = &write_hack, .help = "also assemble, writing the .hack beside the .asm"},
        {"with-os", 0, HACK_CLI_FLAG, .flag = &with_os,
         .help = "add the project's Jack OS classes the program calls but lacks (compiled from\n"
                 "the Jack the tools carry): a standalone program any Hack emulator can run;\n"
                 "a function the program defines itself is kept in place of the OS's"},
        {"map", 0, HACK_CLI_FLAG, .flag = &write_map,
         .help = "also write the program map beside it (.sym): function entries, statics and,\n"
                 "for every ROM word, the VM file and line it came from, and the Jack line\n"
                 "when the VM code was compiled from Jack (in memory, or by jackc --map)"},
        {NULL, 'o', HACK_CLI_STRING, "FILE.asm", "where to write the assembly", .string = &output},
        {"version", 0, HACK_CLI_VERSION, .help = "print the version"},
        {"help", 'h', HACK_CLI_HELP, .help = "show this help"},
        {.kind = HACK_CLI_TEXT,
         .help = "Exit status: 0 translated, 1 errors in the VM code (each as file:line:column), 64 bad command line."},
        {.kind = HACK_CLI_OPERANDS, .arg = "file or folder", .items = &input, .count = &inputs, .capacity = 1},
        {0}};
    const hack_cli_spec spec = {
        "usage: hackvm [options] FILE.vm | FOLDER\n"
        "Translates FILE.vm into FILE.asm, or every .vm file of FOLDER into FOLDER/FOLDER.asm, as the\n"
        "course's VM translator does (a folder gets the bootstrap: SP = 256, call Sys.init). A folder's\n"
        ".jack files without a .vm (or newer than it) are compiled in memory first.\n",
        rows, 21};
    const int status = hack_cli_parse_tool(&spec, argc, argv, "hackvm", &input);
    if (status >= 0) return status;
    struct stat info;
    bool folder = stat(input, &info) == 0 && S_ISDIR(info.st_mode);
    if (bootstrap < 0) bootstrap = folder;

    /* FOLDER/FOLDER.asm or FILE.asm */
    char *asm_path = NULL;
    if (output) {
        asm_path = malloc(strlen(output) + 1);
        strcpy(asm_path, output);
    } else if (folder) {
        size_t n = strlen(input);
        while (n > 1 && input[n - 1] == '/') n--;
        const char *base = input + n;
        while (base > input && base[-1] != '/') base--;
        size_t base_length = (size_t)(input + n - base);
        asm_path = malloc(n + base_length + 6);
        sprintf(asm_path, "%.*s/%.*s.asm", (int)n, input, (int)base_length, base);
    } else {
        asm_path = hack_path_with_extension(input, ".asm");
    }

    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_sources sources = {0};
    hack_vm_options options = {.bootstrap = bootstrap != 0, .require_functions = bootstrap != 0, .suggest_os = with_os};
    hack_vm_assembly assembly = {0};
    unsigned os_added = 0;
    bool ok = hack_build_vm_sources(input, &sources, &diags) &&
              (!with_os || hack_build_add_os(&sources, options.bootstrap, &os_added, &diags)) &&
              hack_vm_translate(&sources, &options, &assembly, &diags) &&
              hack_textfile_write(asm_path, assembly.text, assembly.length, &diags);
    /* The assembled program and its map come from a second translation of the same sources: what it says that
     * the first one said (its warnings) is said once; the rest (the assembler's errors and notes) is added. */
    hack_diag_list again;
    hack_diag_list_init(&again);
    if (ok && (write_hack || write_map)) {
        hack_program program;
        ok = hack_program_init(&program) && hack_vm_build(&sources, &options, asm_path, &program, &again) &&
             hack_build_mark_project_os(&program, os_added);
        if (ok && program.count > 0 && write_hack)
            fprintf(stderr, "hackvm: %zu words of ROM (%.0f%% of 32K)\n", program.count, 100.0 * (double)program.count / 32768);
        char *hack_path = hack_path_with_extension(asm_path, ".hack");
        char *sym_path = hack_path_with_extension(asm_path, ".sym");
        if (ok && write_hack) ok = hack_program_write_hack(&program, hack_path, &diags);
        if (ok && write_map) ok = hack_program_write_symbols(&program, sym_path, &diags);
        free(hack_path);
        free(sym_path);
        hack_program_free(&program);
    }
    hack_diag_list_print(stderr, &diags);
    for (size_t i = 0; i < again.count; i++)
        if (!said_before(&diags, &again.items[i])) hack_diag_print(stderr, &again.items[i]);
    hack_diag_list_free(&again);
    hack_diag_list_free(&diags);
    hack_vm_assembly_free(&assembly);
    hack_vm_sources_free(&sources);
    free(asm_path);
    return ok ? 0 : 1;
}
