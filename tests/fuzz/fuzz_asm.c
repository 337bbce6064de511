/* The assembler: any text to a program image, or diagnostics. Checks: no crash, no memory error; an
 * assembled program fits the ROM; a failure comes with at least one error; each word disassembles. */
#include "fuzz.h"

#include "hack/asm.h"
#include "hack/isa.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hack_program program;
    if (!hack_program_init(&program)) return 0;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_asm_assemble("Fuzz.asm", (const char *)data, size, &program, &diags);
    fuzz_print_diags(&diags);
    if (ok) {
        FUZZ_CHECK(diags.error_count == 0);
        FUZZ_CHECK(program.count <= HACK_ROM_SIZE);
        char text[64];
        for (size_t i = 0; i < program.count; i++) hack_disassemble(program.words[i], text, sizeof text);
        for (size_t i = 0; i < program.symbols.count; i++)
            FUZZ_CHECK(hack_symtab_find(&program.symbols, program.symbols.entries[i].name,
                                        strlen(program.symbols.entries[i].name)) == &program.symbols.entries[i]);
    } else {
        FUZZ_CHECK(diags.error_count > 0);
    }
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    return 0;
}
