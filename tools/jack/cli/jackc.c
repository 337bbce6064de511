/* jackc: compiles Jack classes to VM code, one Xxx.vm beside each Xxx.jack, as the course's compiler does. */
#include "hack/outfile.h"
#include "hack/cli_options.h"
#include "hack/jack.h"
#include "hack/path.h"
#include "hack/textfile.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    hack_outfile_check_stdout("jackc");
    hack_outfile_clean_up_on_signals(); /* (an output half written is removed, the old one kept) */
    const char *input = NULL;
    bool xml = false, map = false;
    int inputs = 0;
    const hack_cli_option options[] = {
        {"map", 0, HACK_CLI_FLAG, .flag = &map,
         .help = "also write Xxx.vm.map beside each Xxx.vm: for every VM line, the Jack line and\n"
                 "column it was compiled from (a first line \"jack-map 1 Xxx.jack\", then\n"
                 "\"VMLINE JACKLINE JACKCOLUMN\" a line)"},
        {"xml", 0, HACK_CLI_FLAG, .flag = &xml,
         .help = "instead, write the course's project 10 output: XxxT.xml (tokens) and Xxx.xml\n(parse tree)"},
        {"version", 0, HACK_CLI_VERSION, .help = "print the version"},
        {"help", 'h', HACK_CLI_HELP, .help = "show this help"},
        {.kind = HACK_CLI_TEXT,
         .help = "Exit status: 0 compiled, 1 errors (each as file:line:column; files with errors get no .vm),\n"
                 "64 bad command line."},
        {.kind = HACK_CLI_OPERANDS, .arg = "file or folder", .items = &input, .count = &inputs, .capacity = 1},
        {0}};
    const hack_cli_spec spec = {
        "usage: jackc [options] FILE.jack | FOLDER\n"
        "Compiles each Xxx.jack into Xxx.vm beside it. The files of a folder are one program: calls\n"
        "between them (and to the OS) are checked, and so are calls from a FILE.jack to the other classes\n"
        "of its folder (.jack, or .vm without a .jack).\n",
        options, 15};
    const int status = hack_cli_parse_tool(&spec, argc, argv, "jackc", &input);
    if (status >= 0) return status;
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
