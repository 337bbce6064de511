/* hackasm: assembles File.asm into File.hack beside it, as the course's assembler does. */
#include "hack/outfile.h"
#include "hack/asm.h"
#include "hack/path.h"

#include "hack/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: hackasm [options] FILE.asm\n"
          "Assembles FILE.asm into FILE.hack beside it.\n"
          "  -o FILE      write the machine code to FILE instead\n"
          "  --symbols    also write the symbol table (labels and variables) to FILE.sym,\n"
          "               so that hackemu can name addresses when it runs the .hack\n"
          "  --version    print the version\n"
          "  -h, --help   show this help\n"
          "Exit status: 0 assembled, 1 errors in the source (each reported as file:line:column), 64 bad\n"
          "command line.\n"
          "A symbol that looks like a misspelt label (jumped to, or never used as memory and a letter away\n"
          "from a label) gets a warning; it is still a variable, as the course's assembler makes it.\n",
          out);
}

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("hackasm");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL, *output = NULL;
    bool symbols = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            fputs(HACK_VERSION_LINE("hackasm"), stdout);
            return 0;
        } else if (strcmp(argv[i], "--symbols") == 0) {
            symbols = true;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            output = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "hackasm: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return HACK_EXIT_USAGE;
        } else if (!input) {
            input = argv[i];
        } else {
            fprintf(stderr, "hackasm: one input file at a time ('%s' and '%s')\n", input, argv[i]);
            return HACK_EXIT_USAGE;
        }
    }
    if (!input) {
        usage(stderr);
        return HACK_EXIT_USAGE;
    }

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
