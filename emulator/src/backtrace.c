#include "hack/backtrace.h"

#include <stdio.h>
#include <string.h>

/* Appends "  <how> Function (File.vm:12)" and a newline at buf + *used, as much as fits in size: names are
 * written whole (a Jack name may be any length), and *used counts the whole line either way. */
static void describe(const hack_program *program, uint16_t pc, const char *how, char *buf, size_t size, size_t *used)
{
    char *at = *used < size ? buf + *used : NULL;
    size_t room = *used < size ? size - *used : 0;
    const hack_symbol *function = hack_program_function_at(program, pc);
    const char *name = function ? function->name : "?";
    int n;
    if (program->locations && pc < program->count && program->locations[pc].line) {
        const hack_source_location *where = &program->locations[pc];
        const char *file = where->file < program->source_file_count ? program->source_files[where->file] : "?";
        const char *slash = strrchr(file, '/');
        n = snprintf(at, room, "  %s %s (%s:%u)\n", how, name, slash ? slash + 1 : file, (unsigned)where->line);
    } else {
        n = snprintf(at, room, "  %s %s (ROM %u)\n", how, name, (unsigned)pc);
    }
    if (n > 0) *used += (size_t)n;
}

size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0) return 0;
    buf[0] = '\0';
    describe(program, machine->pc, "in", buf, size, &used);
    uint16_t frame = machine->ram[1];
    for (int depth = 0; depth < 64 && frame >= 261 && frame < HACK_SCREEN && used < size; depth++) {
        uint16_t return_address = machine->ram[frame - 5];
        if (return_address >= HACK_ROM_SIZE || return_address >= program->count) break;
        const hack_symbol *at = hack_program_function_at(program, return_address);
        if (at && at->value == return_address) break; /* a return lands after a call, never on an entry: the bootstrap */
        describe(program, return_address, "called from", buf, size, &used);
        uint16_t caller = machine->ram[frame - 4];
        if (caller >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller;
    }
    return used < size ? used : size - 1;
}

size_t hack_backtrace_describe(const hack_program *program, uint16_t pc, char *buf, size_t size)
{
    if (size == 0) return 0;
    buf[0] = '\0';
    size_t used = 0;
    describe(program, pc, "", buf, size, &used); /* "   Name (File:line)\n": the line without its frame */
    size_t length = strlen(buf), start = 0;
    while (buf[start] == ' ') start++;
    if (length > 0 && buf[length - 1] == '\n') buf[--length] = '\0';
    memmove(buf, buf + start, length - start + 1);
    return length - start;
}
