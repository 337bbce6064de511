/* Golden harness for the assembler. A case is a folder holding input.asm and expected.hack (it must assemble
 * to exactly that), expected.err (it must fail with exactly these diagnostics, one "LINE:COLUMN: severity:
 * message" a line), or both (it must assemble to expected.hack, with exactly the warnings of expected.err; with
 * expected.hack alone, there must be no diagnostics at all). Usage: golden_asm CASE_FOLDER */
#include "hack/asm.h"
#include "hack/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *join(const char *folder, const char *name)
{
    size_t n = strlen(folder) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", folder, name);
    return path;
}

static char *read_or_null(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fclose(file);
    char *text;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_textfile_read(path, &text, length, &diags);
    hack_diag_list_free(&diags);
    return ok ? text : NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: golden_asm CASE_FOLDER\n");
        return 2;
    }
    char *input = join(argv[1], "input.asm"), *hack_path = join(argv[1], "expected.hack"),
         *err_path = join(argv[1], "expected.err");
    size_t hack_length = 0, err_length = 0;
    char *expected_hack = read_or_null(hack_path, &hack_length);
    char *expected_err = read_or_null(err_path, &err_length);
    if (!expected_hack && !expected_err) {
        fprintf(stderr, "%s: needs expected.hack, expected.err or both\n", argv[1]);
        return 2;
    }

    hack_program program;
    hack_program_init(&program);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_asm_assemble_file(input, &program, &diags);
    static char actual_err[1 << 16];
    size_t used = 0;
    for (size_t i = 0; i < diags.count && used < sizeof actual_err; i++) {
        static const char *const names[] = {"error", "warning", "note"};
        used += (size_t)snprintf(actual_err + used, sizeof actual_err - used, "%d:%d: %s: %s\n", diags.items[i].line,
                                 diags.items[i].column, names[diags.items[i].severity], diags.items[i].message);
    }
    int status = 0;
    if (expected_hack && strcmp(actual_err, expected_err ? expected_err : "") != 0) {
        fprintf(stderr, "FAIL: diagnostics differ\n--- expected\n%s--- actual\n%s", expected_err ? expected_err : "",
                actual_err);
        status = 1;
    }
    if (expected_hack) {
        if (!ok) {
            fprintf(stderr, "FAIL: expected success, got:\n");
            hack_diag_list_print(stderr, &diags);
            status = 1;
        } else {
            /* Build the text the way a .hack file holds it and compare. */
            size_t size = program.count * 17 + 1;
            char *actual = malloc(size);
            for (size_t i = 0; i < program.count; i++) {
                for (int bit = 0; bit < 16; bit++)
                    actual[i * 17 + (size_t)bit] = (char)('0' + ((program.words[i] >> (15 - bit)) & 1u));
                actual[i * 17 + 16] = '\n';
            }
            actual[program.count * 17] = '\0';
            if (strcmp(actual, expected_hack) != 0) {
                fprintf(stderr, "FAIL: machine code differs from expected.hack\n--- actual\n%s", actual);
                status = 1;
            }
            free(actual);
        }
    } else {
        if (ok) {
            fprintf(stderr, "FAIL: expected errors, but it assembled\n");
            status = 1;
        } else if (strcmp(actual_err, expected_err) != 0) {
            fprintf(stderr, "FAIL: diagnostics differ\n--- expected\n%s--- actual\n%s", expected_err, actual_err);
            status = 1;
        }
    }
    if (status == 0) printf("PASS %s\n", argv[1]);
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    free(expected_hack);
    free(expected_err);
    free(input);
    free(hack_path);
    free(err_path);
    return status;
}
