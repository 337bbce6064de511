/* Golden harness for the Jack compiler. A case is a folder of .jack files (one program) and expected.err:
 * the diagnostics exactly, one "File.jack:LINE:COLUMN: severity: message" a line (file names without their
 * folder). Usage: golden_jack CASE_FOLDER */
#include "hack/jack.h"
#include "hack/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: golden_jack CASE_FOLDER\n");
        return 2;
    }
    char expected_path[1024];
    snprintf(expected_path, sizeof expected_path, "%s/expected.err", argv[1]);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    char *expected;
    size_t expected_length;
    if (!hack_textfile_read(expected_path, &expected, &expected_length, &diags)) {
        hack_diag_list_print(stderr, &diags);
        return 2;
    }
    hack_jack_sources sources = {0};
    hack_jack_outputs outputs = {0};
    bool ok = hack_jack_sources_read(&sources, argv[1], &diags) && hack_jack_compile(&sources, &outputs, &diags);
    static char actual[1 << 16];
    size_t used = 0;
    for (size_t i = 0; i < diags.count && used < sizeof actual; i++) {
        static const char *const names[] = {"error", "warning", "note"};
        const char *file = diags.items[i].file ? diags.items[i].file : "";
        const char *slash = strrchr(file, '/');
        used += (size_t)snprintf(actual + used, sizeof actual - used, "%s:%d:%d: %s: %s\n", slash ? slash + 1 : file,
                                 diags.items[i].line, diags.items[i].column, names[diags.items[i].severity],
                                 diags.items[i].message);
    }
    int status = 0;
    if (strcmp(actual, expected) != 0) {
        fprintf(stderr, "FAIL: diagnostics differ\n--- expected\n%s--- actual\n%s", expected, actual);
        status = 1;
    }
    /* A file with errors gets no VM code; a clean one does. */
    for (size_t i = 0; i < outputs.count; i++) {
        bool has_errors = false;
        for (size_t d = 0; d < diags.count; d++)
            if (diags.items[d].severity == HACK_DIAG_ERROR && diags.items[d].file &&
                strcmp(diags.items[d].file, sources.items[i].path) == 0)
                has_errors = true;
        if (has_errors == (outputs.items[i].vm != NULL)) {
            fprintf(stderr, "FAIL: %s %s VM code\n", sources.items[i].path, has_errors ? "has errors but got" : "is clean but got no");
            status = 1;
        }
    }
    (void)ok;
    if (status == 0) printf("PASS %s\n", argv[1]);
    hack_jack_outputs_free(&outputs);
    hack_jack_sources_free(&sources);
    hack_diag_list_free(&diags);
    free(expected);
    return status;
}
