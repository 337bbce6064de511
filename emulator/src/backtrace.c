#include "hack/path.h"
#include "hack/backtrace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MAX_FRAMES = 64 }; /* callers; with the innermost frame(s) and the "more" mark: HACK_BACKTRACE_FRAMES */
_Static_assert(MAX_FRAMES + 2 == HACK_BACKTRACE_FRAMES, "room for every frame hack_backtrace writes");

/* The text being written: whole lines only, and "  ...\n" once when the next line does not fit. */
typedef struct {
    char *buf;
    size_t size, used;
    bool full;
} text_out;

static const char ellipsis[] = "  ...\n";

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add_line(text_out *o, const char *format, ...)
{
    if (o->full) return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    /* room for the line and, after it, the ellipsis a later line may need, and the NUL */
    if (n < 0 || o->used + (size_t)n + sizeof ellipsis > o->size) {
        o->full = true;
        if (o->used + sizeof ellipsis <= o->size) {
            memcpy(o->buf + o->used, ellipsis, sizeof ellipsis);
            o->used += sizeof ellipsis - 1;
        }
        return;
    }
    va_start(args, format);
    vsnprintf(o->buf + o->used, o->size - o->used, format, args);
    va_end(args);
    o->used += (size_t)n;
}

static const hack_source_location *location(const hack_program *program, uint32_t pc)
{
    return program->locations && pc < program->count ? &program->locations[pc] : NULL;
}

/* The nearest label at or before pc, for machine code without functions. */
static const hack_symbol *label_at(const hack_program *program, uint32_t pc)
{
    const hack_symbol *best = NULL;
    for (size_t i = 0; i < program->symbols.count; i++) {
        const hack_symbol *symbol = &program->symbols.entries[i];
        if (symbol->kind == HACK_SYMBOL_LABEL && symbol->value <= pc && (!best || symbol->value > best->value))
            best = symbol;
    }
    return best;
}

/* One line for the code at pc: "  in Main.main (Main.jack:12)" when it came from Jack, "(Main.vm:40)" from VM
 * code with no Jack source, "(ROM 1234)" from machine code; how is "in" or "called from", or NULL for the place
 * alone, with no lead and no newline ("Main.main (Main.jack:12)"). */
static void describe(text_out *o, const hack_program *program, uint32_t pc, const char *how)
{
    char lead[32] = "";
    if (how) snprintf(lead, sizeof lead, "  %s ", how);
    const char *end = how ? "\n" : "";
    const hack_source_location *where = location(program, pc);
    if (where && where->routine == HACK_ROUTINE_BOOTSTRAP) {
        add_line(o, "%sthe bootstrap (SP = 256, call Sys.init)%s", lead, end);
        return;
    }
    if (where && where->routine == HACK_ROUTINE_END) {
        add_line(o, "%sthe halt loop after the program's last command%s", lead, end);
        return;
    }
    const hack_symbol *function = hack_program_function_at(program, (uint16_t)pc);
    const char *file = NULL;
    unsigned line = 0;
    if (where && where->jack_line && where->jack_file < program->source_file_count) {
        file = program->source_files[where->jack_file];
        line = (unsigned)where->jack_line;
    } else if (where && where->line && where->file < program->source_file_count) {
        file = program->source_files[where->file];
        line = (unsigned)where->line;
    }
    if (function && file)
        add_line(o, "%s%s (%s:%u)%s", lead, function->name, hack_path_base_name(file), line, end);
    else if (file) /* VM code outside any function (a project 7 test) */
        add_line(o, "%s%s:%u%s", lead, hack_path_base_name(file), line, end);
    else if (function)
        add_line(o, "%s%s (ROM %u)%s", lead, function->name, (unsigned)pc, end);
    else {
        const hack_symbol *label = label_at(program, pc);
        if (label && label->value == pc)
            add_line(o, "%sROM %u (%s)%s", lead, (unsigned)pc, label->name, end);
        else if (label)
            add_line(o, "%sROM %u (%s+%u)%s", lead, (unsigned)pc, label->name, (unsigned)(pc - label->value), end);
        else
            add_line(o, "%sROM %u%s", lead, (unsigned)pc, end);
    }
}

/* Whether a frame's return address leads back into a caller worth showing: it must follow a call command in a
 * function's code. The bootstrap's call ends the stack, and so does anything that is not a return address. */
static bool is_return_address(const hack_program *program, uint32_t address)
{
    if (address == 0 || address >= HACK_ROM_SIZE || address >= program->count) return false;
    const hack_source_location *call = location(program, address - 1);
    if (call) return call->routine == HACK_ROUTINE_NONE;
    /* no map: a return lands after a call, never on an entry (the bootstrap's lands on the first function) */
    const hack_symbol *at = hack_program_function_at(program, (uint16_t)address);
    return !(at && at->value == address);
}

/* The frames of the call stack, innermost first, into frames (room for HACK_BACKTRACE_FRAMES); *more: the stack goes on
 * past them. */
static size_t walk_frames(const hack_machine *machine, const hack_program *program, hack_backtrace_frame *frames,
                          bool *more)
{
    size_t n = 0;
    *more = false;
    const uint16_t *ram = machine->ram;
    const hack_source_location *here = location(program, machine->pc);
    hack_routine state = here ? (hack_routine)here->routine : HACK_ROUTINE_NONE;
    uint32_t frame = ram[1];       /* LCL: the innermost function's frame */
    int32_t first_return = -1;     /* that frame's return address, when it is not in the frame (a return) */
    bool walk = true;
    switch (state) {
    case HACK_ROUTINE_NONE:
    case HACK_ROUTINE_COUNT: frames[n++] = (hack_backtrace_frame){machine->pc, false, 0}; break;
    case HACK_ROUTINE_BOOTSTRAP:
    case HACK_ROUTINE_END:
        frames[n++] = (hack_backtrace_frame){machine->pc, false, 0};
        walk = false;
        break;
    default: {
        /* A shared routine: it stands for the command that jumped to it, at site - 1 (see hack_routine). */
        uint32_t site = state == HACK_ROUTINE_SITE_IN_D ? machine->d : ram[13];
        const hack_source_location *from = site >= 1 && site < program->count ? location(program, site - 1) : NULL;
        if (!from || (from->routine != HACK_ROUTINE_NONE && from->routine != HACK_ROUTINE_BOOTSTRAP)) {
            /* R13 was overwritten (by the program: RAM[13] is only a word of RAM to it) */
            frames[n++] = (hack_backtrace_frame){machine->pc, true, ram[13]};
            walk = false;
            break;
        }
        frames[n++] = (hack_backtrace_frame){(uint16_t)(site - 1), false, 0};
        if (from->routine == HACK_ROUTINE_BOOTSTRAP) {
            walk = false;
        } else if (state == HACK_ROUTINE_CALL_PUSHED) {
            frame = frame >= 4 ? ram[frame - 4] : 0; /* the new frame's saved LCL: the caller's */
        } else if (state >= HACK_ROUTINE_RETURN_LCL0 && state <= HACK_ROUTINE_RETURN_LCL3) {
            frame += (uint32_t)(state - HACK_ROUTINE_RETURN_LCL0);
            first_return = ram[14];
        } else if (state == HACK_ROUTINE_RETURNED) {
            /* the returning function's frame is gone: LCL is its caller's, which R14 returns into */
            if (is_return_address(program, ram[14])) frames[n++] = (hack_backtrace_frame){(uint16_t)(ram[14] - 1u), false, 0};
            else walk = false;
        }
        break;
    }
    }
    for (int depth = 0; walk && frame >= 261 && frame < HACK_SCREEN; depth++) {
        uint32_t return_address = first_return >= 0 ? (uint32_t)first_return : ram[frame - 5];
        first_return = -1;
        if (!is_return_address(program, return_address)) break;
        if (depth == MAX_FRAMES) {
            *more = true;
            break;
        }
        frames[n++] = (hack_backtrace_frame){(uint16_t)(return_address - 1), false, 0};
        uint32_t caller = ram[frame - 4];
        if (caller >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller;
    }
    return n;
}

/* One frame's line; how is "in" or "called from", or NULL for the place alone (see describe). */
static void describe_frame(text_out *o, const hack_program *program, const hack_backtrace_frame *f, const char *how)
{
    if (f->lost) {
        char lead[32] = "";
        if (how) snprintf(lead, sizeof lead, "  %s ", how);
        add_line(o, "%sthe translator's shared code (ROM %u), whose caller cannot be told: R13 = %u%s", lead,
                 (unsigned)f->pc, (unsigned)f->r13, how ? "\n" : "");
    } else {
        describe(o, program, f->pc, how);
    }
}

size_t hack_backtrace_write(const hack_program *program, const hack_backtrace_frame *frames, size_t count, bool more,
                            char *buf, size_t size)
{
    if (size == 0) return 0;
    buf[0] = '\0';
    text_out o = {buf, size, 0, false};
    for (size_t i = 0; i < count; i++) describe_frame(&o, program, &frames[i], i ? "called from" : "in");
    if (more) add_line(&o, "%s", ellipsis);
    return o.used;
}

size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size)
{
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES];
    bool more;
    const size_t n = walk_frames(machine, program, frames, &more);
    return hack_backtrace_write(program, frames, n, more, buf, size);
}

size_t hack_backtrace_frames(const hack_machine *machine, const hack_program *program, hack_backtrace_frame *frames,
                             size_t max, bool *more)
{
    hack_backtrace_frame all[HACK_BACKTRACE_FRAMES];
    bool beyond;
    size_t n = walk_frames(machine, program, all, &beyond);
    if (more) *more = beyond || n > max;
    if (n > max) n = max;
    memcpy(frames, all, n * sizeof *frames);
    return n;
}

size_t hack_backtrace_frame_describe(const hack_program *program, const hack_backtrace_frame *frame, char *buf,
                                     size_t size)
{
    if (size == 0) return 0;
    /* written whole into room enough for any name, then cut to size (a place is cut, not left out) */
    char place[2048];
    text_out o = {place, sizeof place, 0, false};
    place[0] = '\0';
    describe_frame(&o, program, frame, NULL);
    const size_t length = o.used < size ? o.used : size - 1;
    memcpy(buf, place, length);
    buf[length] = '\0';
    return length;
}

uint16_t hack_backtrace_place(const hack_machine *machine, const hack_program *program)
{
    const hack_source_location *here = location(program, machine->pc);
    hack_routine state = here ? (hack_routine)here->routine : HACK_ROUTINE_NONE;
    if (state == HACK_ROUTINE_NONE || state == HACK_ROUTINE_COUNT || state == HACK_ROUTINE_BOOTSTRAP ||
        state == HACK_ROUTINE_END)
        return machine->pc;
    uint32_t site = state == HACK_ROUTINE_SITE_IN_D ? machine->d : machine->ram[13];
    const hack_source_location *from = site >= 1 && site < program->count ? location(program, site - 1) : NULL;
    return from && from->routine == HACK_ROUTINE_NONE ? (uint16_t)(site - 1) : machine->pc;
}

size_t hack_backtrace_describe(const hack_program *program, uint16_t pc, char *buf, size_t size)
{
    const hack_backtrace_frame frame = {pc, false, 0};
    return hack_backtrace_frame_describe(program, &frame, buf, size);
}
