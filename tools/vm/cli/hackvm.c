/* hackvm: translates VM code to Hack assembly, as the course's VM translator does. */
#define _POSIX_C_SOURCE 200809L
#include "hack/outfile.h"
#include "hack/build.h"
#include "hack/path.h"
#include "hack/textfile.h"
#include "hack/vm.h"

#include "hack/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *out)
{
    fputs("usage: hackvm [options] FILE.vm | FOLDER\n"
          "Translates FILE.vm into FILE.asm, or every .vm file of FOLDER into FOLDER/FOLDER.asm, as the\n"
          "course's VM translator does (a folder gets the bootstrap: SP = 256, call Sys.init). A folder's\n"
          ".jack files without a .vm (or newer than it) are compiled in memory first.\n"
          "  --bootstrap        add the bootstrap code (default for a folder)\n"
          "  --no-bootstrap     leave it out (default for a file)\n"
          "  --hack             also assemble, writing the .hack beside the .asm\n"
          "  --with-os          add the project's Jack OS classes the program calls but lacks (compiled from\n"
          "                     the Jack the tools carry): a standalone program any Hack emulator can run;\n"
          "                     a function the program defines itself is kept in place of the OS's\n"
          "  --map              also write the program map beside it (.sym): function entries, statics and,\n"
          "                     for every ROM word, the VM file and line it came from, and the Jack line\n"
          "                     when the VM code was compiled from Jack (in memory, or by jackc --map)\n"
          "  -o FILE.asm        where to write the assembly\n"
          "  --version          print the version\n"
          "  -h, --help         show this help\n"
          "Exit status: 0 translated, 1 errors in the VM code (each as file:line:column), 64 bad command line.\n",
          out);
}

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("hackvm");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL, *output = NULL;
    int bootstrap = -1;
    bool write_hack = false, write_map = false, with_os = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            fputs(HACK_VERSION_LINE("hackvm"), stdout);
            return 0;
        } else if (strcmp(argv[i], "--bootstrap") == 0) {
            bootstrap = 1;
        } else if (strcmp(argv[i], "--no-bootstrap") == 0) {
            bootstrap = 0;
        } else if (strcmp(argv[i], "--hack") == 0) {
            write_hack = true;
        } else if (strcmp(argv[i], "--with-os") == 0) {
            with_os = true;
        } else if (strcmp(argv[i], "--map") == 0) {
            write_map = true;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            output = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "hackvm: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return HACK_EXIT_USAGE;
        } else if (!input) {
            input = argv[i];
        } else {
            fprintf(stderr, "hackvm: one file or folder at a time\n");
            return HACK_EXIT_USAGE;
        }
    }
    if (!input) {
        usage(stderr);
        return HACK_EXIT_USAGE;
    }
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
    if (ok && (write_hack || write_map)) {
        hack_program program;
        ok = hack_program_init(&program) && hack_vm_build(&sources, &options, asm_path, &program, &diags) &&
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
    hack_diag_list_free(&diags);
    hack_vm_assembly_free(&assembly);
    hack_vm_sources_free(&sources);
    free(asm_path);
    return ok ? 0 : 1;
}
