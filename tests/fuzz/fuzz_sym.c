/* The .sym loader (hack_program_read_symbols): symbol lines, "source" and "map" lines. The loader reads a
 * path, so the input is written to a file in a private temporary folder (made once, removed at exit). Checks:
 * no crash, no memory error; every symbol read can be found by name; a program map covers the ROM and its
 * file indexes name a source file; the lookups a debugger does (function at a PC) work.
 *
 * Known bug, being fixed elsewhere: addresses >= 32768 are accepted. The harness does not index anything with
 * a symbol's value, so it does not trip on that; without the detour "sym-range" a symbol value >= 32768 is a
 * finding; tests/fuzz/known/sym/ keeps an input that shows it. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "hack/isa.h"
#include "hack/program.h"

#include <string.h>
#include <unistd.h>

static char folder[256], path[300];

static void remove_folder(void)
{
    unlink(path);
    rmdir(folder);
}

/* Every word of the map names a source file that was read. */
FUZZ_NO_COVERAGE static void check_map(const hack_program *program)
{
    if (!program->locations) return;
    for (uint32_t pc = 0; pc < HACK_ROM_SIZE; pc++) {
        const hack_source_location *at = &program->locations[pc];
        FUZZ_CHECK(at->line == 0 || at->file < program->source_file_count);
        if (at->line && at->file < program->source_file_count) /* source paths may be any length now */
            FUZZ_CHECK(program->source_files[at->file] != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        fuzz_make_temp_folder(folder, sizeof folder, "hack-fuzz-sym");
        snprintf(path, sizeof path, "%s/Fuzz.sym", folder);
        atexit(remove_folder);
    }
    FILE *file = fopen(path, "wb");
    if (!file) abort();
    if (size && fwrite(data, 1, size, file) != size) abort();
    if (fclose(file) != 0) abort();

    hack_program program;
    if (!hack_program_init(&program)) return 0;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_program_read_symbols(&program, path, &diags);
    fuzz_print_diags(&diags);
    FUZZ_CHECK(ok || diags.error_count > 0);
    for (size_t i = 0; i < program.symbols.count; i++) {
        const hack_symbol *symbol = &program.symbols.entries[i];
        FUZZ_CHECK(hack_symtab_find(&program.symbols, symbol->name, strlen(symbol->name)) == symbol);
        FUZZ_CHECK(symbol->value < HACK_ROM_SIZE); /* RAM and ROM addresses alike */
    }
    check_map(&program);
    for (uint32_t pc = 0; pc < HACK_ROM_SIZE; pc += 997) {
        const hack_symbol *function = hack_program_function_at(&program, (uint16_t)pc);
        FUZZ_CHECK(!function || (function->kind == HACK_SYMBOL_FUNCTION && function->value <= pc));
    }
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    return 0;
}
