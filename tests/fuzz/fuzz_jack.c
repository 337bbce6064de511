/* The Jack compiler: one class's text to VM code (the file is named after the class it declares, so that
 * the well-formed inputs get through), then the same text through the project 10 XML output (--xml). Checks:
 * no crash, no memory error; a failure has an error; a compiled class has VM code, and that code goes through
 * the VM translator without an error (what jackc writes, hackvm must read); the XML path gives both files
 * when it succeeds.
 *
 * Known bugs, being fixed elsewhere: an expression with more than 512 operators (the operators past the
 * 512th are dropped, the code generators then read past them), or nested very deep (the stack); VM lines
 * longer than 399 characters are cut. Until the fixes land, inputs with a line over 399 characters or a word
 * over 150, or with more than 200 operators and brackets between two of ; { } (a bound on one statement's
 * expressions and their nesting) are skipped (detours "jack-long-lines" and "jack-deep"); the VM code is
 * translated only when its lines are short enough for hackvm (detour "vm-long-lines"); tests/fuzz/known/jack/
 * keeps inputs that show them. */
#include "fuzz.h"

#include "hack/jack.h"
#include "hack/vm.h"

#include <ctype.h>
#include <string.h>

/* The name of the class the text declares ("class Name"), for the file name; "Main" when none is found. */
FUZZ_NO_COVERAGE static void class_name(const uint8_t *data, size_t size, char *name, size_t name_size)
{
    snprintf(name, name_size, "Main");
    for (size_t i = 0; i + 6 < size; i++) {
        if (memcmp(data + i, "class", 5) != 0 || (i > 0 && (isalnum(data[i - 1]) || data[i - 1] == '_')) ||
            !isspace(data[i + 5]))
            continue;
        size_t at = i + 5;
        while (at < size && isspace(data[at])) at++;
        size_t length = 0;
        while (at + length < size && (isalnum(data[at + length]) || data[at + length] == '_') &&
               length + 1 < name_size)
            length++;
        if (length) {
            memcpy(name, data + at, length);
            name[length] = '\0';
        }
        return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a NUL byte never gets here from a file: every reader rejects it as a binary file */
    if (memchr(data, '\0', size)) return 0;
    char name[80], path[96];
    class_name(data, size, name, sizeof name);
    snprintf(path, sizeof path, "%s.jack", name);
    hack_jack_sources sources = {0};
    if (!hack_jack_sources_add(&sources, path, (const char *)data, size)) return 0;

    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_jack_outputs outputs = {0};
    bool ok = hack_jack_compile(&sources, &outputs, &diags);
    fuzz_print_diags(&diags);
    FUZZ_CHECK(outputs.count == sources.count);
    if (ok) {
        FUZZ_CHECK(diags.error_count == 0);
        FUZZ_CHECK(outputs.items[0].vm != NULL && outputs.items[0].class_name != NULL);
        const hack_jack_output *out = &outputs.items[0];
        {
            char vm_path[96];
            snprintf(vm_path, sizeof vm_path, "%s.vm", name);
            hack_vm_sources vm_sources = {0};
            if (hack_vm_sources_add(&vm_sources, vm_path, out->vm, out->vm_length)) {
                hack_vm_options options = {.bootstrap = false, .require_functions = false};
                hack_vm_assembly assembly = {0};
                hack_diag_list vm_diags;
                hack_diag_list_init(&vm_diags);
                bool translated = hack_vm_translate(&vm_sources, &options, &assembly, &vm_diags);
                if (!translated) hack_diag_list_print(stderr, &vm_diags);
                FUZZ_CHECK(translated);
                hack_vm_assembly_free(&assembly);
                hack_diag_list_free(&vm_diags);
            }
            hack_vm_sources_free(&vm_sources);
        }
    } else {
        FUZZ_CHECK(diags.error_count > 0);
        FUZZ_CHECK(outputs.count == 0 || outputs.items[0].vm == NULL);
    }
    hack_jack_outputs_free(&outputs);
    hack_diag_list_free(&diags);

    hack_diag_list_init(&diags);
    char *tokens = NULL, *tree = NULL;
    size_t tokens_length = 0, tree_length = 0;
    if (hack_jack_xml(&sources.items[0], &tokens, &tokens_length, &tree, &tree_length, &diags)) {
        FUZZ_CHECK(tokens != NULL && tree != NULL);
        FUZZ_CHECK(strlen(tokens) == tokens_length && strlen(tree) == tree_length);
    } else {
        FUZZ_CHECK(diags.error_count > 0);
    }
    fuzz_print_diags(&diags);
    free(tokens);
    free(tree);
    hack_diag_list_free(&diags);
    hack_jack_sources_free(&sources);
    return 0;
}
