/* jackc: compiles Jack classes to VM code, one Xxx.vm beside each Xxx.jack, as the course's compiler does. */
#include "hack/outfile.h"
#include "hack/jack.h"
#include "hack/path.h"
#include "hack/textfile.h"

#include "hack/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: jackc [options] FILE.jack | FOLDER\n"
          "Compiles each Xxx.jack into Xxx.vm beside it. The files of a folder are one program: calls\n"
          "between them (and to the OS) are checked, and so are calls from a FILE.jack to the other classes\n"
          "of its folder (.jack, or .vm without a .jack).\n"
          "  --map        also write Xxx.vm.map beside each Xxx.vm: for every VM line, the Jack line and\n"
          "               column it was compiled from (a first line \"jack-map 1 Xxx.jack\", then\n"
          "               \"VMLINE JACKLINE JACKCOLUMN\" a line)\n"
          "  --xml        instead, write the course's project 10 output: XxxT.xml (tokens) and Xxx.xml\n"
          "               (parse tree)\n"
          "  --version    print the version\n"
          "  -h, --help   show this help\n"
          "Exit status: 0 compiled, 1 errors (each as file:line:column; files with errors get no .vm),\n"
          "64 bad command line.\n",
          out);
}

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("jackc");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL;
    bool xml = false, map = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            fputs(HACK_VERSION_LINE("jackc"), stdout);
            return 0;
        } else if (strcmp(argv[i], "--xml") == 0) {
            xml = true;
        } else if (strcmp(argv[i], "--map") == 0) {
            map = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "jackc: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return HACK_EXIT_USAGE;
        } else if (!input) {
            input = argv[i];
        } else {
            fprintf(stderr, "jackc: one file or folder at a time\n");
            return HACK_EXIT_USAGE;
        }
    }
    if (!input) {
        usage(stderr);
        return HACK_EXIT_USAGE;
    }
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_jack_sources sources = {0};
    bool ok = hack_jack_sources_read(&sources, input, &diags);
    if (ok && xml) {
        for (size_t i = 0; i < sources.count; i++) {
            char *tokens, *tree;
            size_t tokens_length, tree_length;
            if (!hack_jack_xml(&sources.items[i], &tokens, &tokens_length, &tree, &tree_length, &diags)) {
                ok = false;
                continue;
            }
            char *stem = hack_path_with_extension(sources.items[i].path, "");
            char *tree_path = hack_path_with_extension(sources.items[i].path, ".xml");
            char *tokens_path = malloc(strlen(stem) + 6);
            sprintf(tokens_path, "%sT.xml", stem);
            ok = hack_textfile_write(tokens_path, tokens, tokens_length, &diags) &&
                 hack_textfile_write(tree_path, tree, tree_length, &diags) && ok;
            free(stem);
            free(tree_path);
            free(tokens_path);
            free(tokens);
            free(tree);
        }
    } else if (ok) {
        hack_jack_outputs outputs = {0};
        hack_jack_context context;
        ok = hack_jack_context_read(&context, input) && hack_jack_compile_with(&sources, &context, &outputs, &diags);
        hack_jack_context_free(&context);
        for (size_t i = 0; i < outputs.count; i++) {
            if (!outputs.items[i].vm) continue;
            char *vm_path = hack_path_with_extension(sources.items[i].path, ".vm");
            if (!hack_textfile_write(vm_path, outputs.items[i].vm, outputs.items[i].vm_length, &diags)) ok = false;
            if (map && vm_path) {
                size_t length;
                char *text = hack_jack_map_text(sources.items[i].path, &outputs.items[i], &length);
                char *map_path = malloc(strlen(vm_path) + 5);
                if (text && map_path) {
                    sprintf(map_path, "%s.map", vm_path);
                    if (!hack_textfile_write(map_path, text, length, &diags)) ok = false;
                } else {
                    fputs("jackc: out of memory\n", stderr);
                    ok = false;
                }
                free(map_path);
                free(text);
            }
            free(vm_path);
        }
        hack_jack_outputs_free(&outputs);
    }
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    hack_jack_sources_free(&sources);
    return ok ? 0 : 1;
}
