#include "hack/backtrace.h"

#include <stdio.h>
#include <string.h>

static size_t describe(const hack_program *program, uint16_t pc, char *buf, size_t size)
{
    const hack_symbol *function = hack_program_function_at(program, pc);
    const char *name = function ? function->name : "?";
    if (program->locations && pc < program->count && program->locations[pc].line) {
        const hack_source_location *at = &program->locations[pc];
        const char *file = at->file < program->source_file_count ? program->source_files[at->file] : "?";
        const char *slash = strrchr(file, '/');
        return (size_t)snprintf(buf, size, "%s (%s:%u)", name, slash ? slash + 1 : file, (unsigned)at->line);
    }
    return (size_t)snprintf(buf, size, "%s (ROM %u)", name, (unsigned)pc);
}

size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size)
{
    size_t used = 0;
    char where[200];
    if (size == 0) return 0;
    buf[0] = '\0';
    describe(program, machine->pc, where, sizeof where);
    used += (size_t)snprintf(buf + used, size - used, "  in %s\n", where);
    uint16_t frame = machine->ram[1];
    for (int depth = 0; depth < 64 && frame >= 261 && frame < HACK_SCREEN && used < size; depth++) {
        uint16_t return_address = machine->ram[frame - 5];
        if (return_address >= HACK_ROM_SIZE || return_address >= program->count) break;
        const hack_symbol *at = hack_program_function_at(program, return_address);
        if (at && at->value == return_address) break; /* a return lands after a call, never on an entry: the bootstrap */
        describe(program, return_address, where, sizeof where);
        used += (size_t)snprintf(buf + used, size - used, "  called from %s\n", where);
        uint16_t caller = machine->ram[frame - 4];
        if (caller >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller;
    }
    return used < size ? used : size - 1;
}
