/* The .hack loader (hack_program_parse_hack): any text to ROM words, or a diagnostic. Checks: no crash, no
 * memory error; a loaded program has 1..32768 words, each the line's 16 digits; a failure has an error. The
 * words then run for a few thousand cycles on a machine (strict, then relaxed), which must not misbehave.
 *
 * Known bug, being fixed elsewhere: the loader reads one byte past a text that does not end in a NUL. Until
 * that fix lands the harness hands it a NUL-terminated copy (the NUL is not part of the length), so that
 * fuzzing goes on finding other things (without the detour "hack-nul" it gets the input as it is, exactly
 * its size); tests/fuzz/known/hack/ keeps an input that shows the bug. */
#include "fuzz.h"

#include "hack/machine.h"
#include "hack/program.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hack_machine *machine;
    if (!machine && !(machine = hack_machine_create())) return 0;
    char *text = malloc(size + 1);
    hack_program program;
    if (!text || !hack_program_init(&program)) {
        free(text);
        return 0;
    }
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    const char *input = (const char *)data; /* not NUL-terminated: the parser keeps to size */
    bool ok = hack_program_parse_hack(&program, "Fuzz.hack", input, size, &diags);
    fuzz_print_diags(&diags);
    if (ok) {
        FUZZ_CHECK(diags.error_count == 0);
        FUZZ_CHECK(program.count >= 1 && program.count <= HACK_ROM_SIZE);
        memset(machine->ram, 0, sizeof machine->ram);
        for (int relaxed = 0; relaxed < 2; relaxed++) {
            hack_machine_load(machine, program.words, program.count);
            machine->relaxed = relaxed != 0;
            hack_run_result run = hack_machine_run(machine, 4096);
            FUZZ_CHECK(run.cycles <= 4096);
            FUZZ_CHECK(machine->pc <= HACK_ROM_SIZE);
            if (run.reason == HACK_STOP_FAULT) {
                FUZZ_CHECK(!relaxed);
                char text_fault[200];
                hack_fault_describe(&machine->fault, text_fault, sizeof text_fault);
            }
        }
    } else {
        FUZZ_CHECK(diags.error_count > 0);
    }
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    free(text);
    return 0;
}
