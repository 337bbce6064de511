/* Golden harness for the VM translator. A case is a folder of .vm files, translated as hackvm translates a
 * folder (one program: the bootstrap, and every function called must exist), and expected.err: the
 * diagnostics exactly, one "File.vm:LINE:COLUMN: severity: message" a line (file names without their folder).
 * A case whose folder name starts with "with_os" is translated as with --with-os: the OS's API is among the
 * names suggested for a call not found. Usage: golden_vm CASE_FOLDER */
#include "hack/textfile.h"
#include "hack/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: golden_vm CASE_FOLDER\n");
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
    const char *case_name = strrchr(argv[1], '/');
    case_name = case_name && case_name[1] ? case_name + 1 : argv[1];
    hack_vm_sources sources = {0};
    hack_vm_options options = {.bootstrap = true, .require_functions = true,
                               .suggest_os = strncmp(case_name, "with_os", 7) == 0};
    hack_vm_assembly assembly = {0};
    bool ok = hack_vm_sources_read(&sources, argv[1], &diags) &&
              hack_vm_translate(&sources, &options, &assembly, &diags);
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
    if (ok != (diags.error_count == 0)) {
        fprintf(stderr, "FAIL: translated %s, with %zu errors\n", ok ? "" : "not", diags.error_count);
        status = 1;
    }
    if (status == 0) printf("PASS %s\n", argv[1]);
    hack_vm_assembly_free(&assembly);
    hack_vm_sources_free(&sources);
    hack_diag_list_free(&diags);
    free(expected);
    return status;
}
