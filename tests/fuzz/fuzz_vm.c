/* The VM translator: one .vm file's text to a program (translated and assembled, with the program map),
 * without the bootstrap as for a single file, then with it as for a whole program (SP = 256, call Sys.init,
 * every called function must exist). Checks: no crash, no memory error; a failure has an error; a built
 * program fits the ROM, has a map entry per word pointing at the one source, and runs a few thousand cycles
 * on a machine without the machine misbehaving; a failure is the VM code's fault, never the generated
 * assembly's (no error about Fuzz.asm, the translator's output, but a program too large for the ROM).
 *
 * Known bug, being fixed elsewhere: an assembly line longer than 255 characters (a label made of a long
 * function name and a long label name, say) is cut. Until the fix lands, inputs with a line over 255
 * characters or a word over 100 are skipped (detour "vm-long-lines"); tests/fuzz/known/vm/ keeps one. */
#include "fuzz.h"

#include "hack/machine.h"
#include "hack/vm.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hack_machine *machine;
    if (!machine && !(machine = hack_machine_create())) return 0;
    hack_vm_sources sources = {0};
    if (!hack_vm_sources_add(&sources, "Fuzz.vm", (const char *)data, size)) return 0;
    for (int bootstrap = 0; bootstrap < 2; bootstrap++) {
        hack_vm_options options = {.bootstrap = bootstrap != 0, .require_functions = bootstrap != 0};
        hack_program program;
        if (!hack_program_init(&program)) break;
        hack_diag_list diags;
        hack_diag_list_init(&diags);
        bool ok = hack_vm_build(&sources, &options, "Fuzz.asm", &program, &diags);
        fuzz_print_diags(&diags);
        if (ok) {
            FUZZ_CHECK(diags.error_count == 0);
            FUZZ_CHECK(program.count >= 1 && program.count <= HACK_ROM_SIZE);
            FUZZ_CHECK(program.locations != NULL);
            for (size_t i = 0; i < program.count; i++) FUZZ_CHECK(program.locations[i].file < sources.count);
            memset(machine->ram, 0, sizeof machine->ram);
            hack_machine_load(machine, program.words, program.count);
            hack_run_result run = hack_machine_run(machine, 5000);
            FUZZ_CHECK(run.cycles <= 5000 && machine->pc <= HACK_ROM_SIZE);
        } else {
            FUZZ_CHECK(diags.error_count > 0);
            for (size_t i = 0; i < diags.count; i++)
                if (diags.items[i].severity == HACK_DIAG_ERROR && diags.items[i].file &&
                    strcmp(diags.items[i].file, "Fuzz.asm") == 0 && !strstr(diags.items[i].message, "ROM")) {
                    hack_diag_print(stderr, &diags.items[i]);
                    FUZZ_CHECK(!"the translator wrote assembly that does not assemble");
                }
        }
        hack_diag_list_free(&diags);
        hack_program_free(&program);
    }
    hack_vm_sources_free(&sources);
    return 0;
}
