/* hackasm: assembles File.asm into File.hack beside it, as the course's assembler does. */
#include "hack/outfile.h"
#include "hack/asm.h"
#include "hack/cli_options.h"
#include "hack/path.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("hackasm");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL, *output = NULL;
    bool symbols = false;
    int inputs = 0;
    const hack_cli_option options[] = {
        {NULL, 'o', HACK_CLI_STRING, "FILE", "write the machine code to FILE instead", .string = &output},
        {"symbols", 0, HACK_CLI_FLAG, .flag = &symbols,
         .help = "also write the symbol table (labels and variables) to FILE.sym,\n"
                 "so that hackemu can name addresses when it runs the .hack"},
        {"version", 0, HACK_CLI_VERSION, .help = "print the version"},
        {"help", 'h', HACK_CLI_HELP, .help = "show this help"},
        {.kind = HACK_CLI_TEXT,
         .help = "Exit status: 0 assembled, 1 errors in the source (each reported as file:line:column), 64 bad\n"
                 "command line.\n"
                 "A symbol that looks like a misspelt label (jumped to, or never used as memory and a letter away\n"
                 "from a label) gets a warning; it is still a variable, as the course's assembler makes it."},
        {.kind = HACK_CLI_OPERANDS, .arg = "input file", .items = &input, .count = &inputs, .capacity = 1},
        {0}};
    const hack_cli_spec spec = {"usage: hackasm [options] FILE.asm\nAssembles FILE.asm into FILE.hack beside it.\n",
                                options, 15};
    const int status = hack_cli_parse_tool(&spec, argc, argv, "hackasm", &input);
    if (status >= 0) return status;

    hack_program program;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (!hack_program_init(&program)) {
        fputs("hackasm: out of memory\n", stderr);
        return 1;
    }
    char *hack_path = output ? NULL : hack_path_with_extension(input, ".hack");
    char *sym_path = hack_path_with_extension(output ? output : input, ".sym");
    bool ok = hack_asm_assemble_file(input, &program, &diags) &&
              hack_program_write_hack(&program, output ? output : hack_path, &diags) &&
              (!symbols || hack_program_write_symbols(&program, sym_path, &diags));
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    free(hack_path);
    free(sym_path);
    return ok ? 0 : 1;
}
