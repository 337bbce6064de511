/* The debugger's call stack: the VM frames from the LCL chain, and the commands that show them (backtrace,
 * frame, up, down, info args, info locals). */
#include "debugger_internal.h"

#include "hack/backtrace.h"

#include <stdio.h>
#include <string.h>

static bool is_return_address(const hack_debugger *d, uint32_t address)
{
    if (address == 0 || address >= d->program->count) return false;
    const hack_source_location *call = debug_location(d, address - 1);
    if (call) return call->routine == HACK_ROUTINE_NONE;
    const hack_symbol *at = hack_program_function_at(d->program, (uint16_t)address);
    return !(at && at->value == address);
}

size_t debug_frames(const hack_debugger *d, debug_frame *frames, size_t max)
{
    const uint16_t *ram = d->machine->ram;
    if (max == 0) return 0;
    size_t count = 0;
    frames[count++] = (debug_frame){d->machine->pc, ram[1], ram[2], 3, hack_program_function_at(d->program, d->machine->pc)};
    uint32_t frame = ram[1];
    while (count < max && frame >= 261 && frame < HACK_SCREEN) {
        uint32_t return_address = ram[frame - 5];
        if (!is_return_address(d, return_address)) break;
        uint16_t caller_lcl = ram[frame - 4];
        frames[count++] = (debug_frame){(uint16_t)(return_address - 1), caller_lcl, ram[frame - 3], (uint16_t)(frame - 2),
                                        hack_program_function_at(d->program, (uint16_t)(return_address - 1))};
        if (caller_lcl >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller_lcl;
    }
    return count;
}

static void frame_arguments(hack_debugger *d, const debug_frame *f, char *buf, size_t size)
{
    buf[0] = '\0';
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    size_t used = 0;
    for (size_t i = 0; sub && i < sub->count && used < size; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != HACK_JACK_ARGUMENT) continue;
        char shown[300];
        debug_format_value(d, v->type, d->machine->ram[(uint16_t)(f->arg + v->index)], shown, sizeof shown);
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : " ", v->name, shown);
    }
}

static void frame_line(hack_debugger *d, const debug_frame *frames, size_t i, char *buf, size_t size)
{
    char where[200], args[600];
    hack_backtrace_describe(d->program, frames[i].pc, where, sizeof where);
    frame_arguments(d, &frames[i], args, sizeof args);
    snprintf(buf, size, "#%zu  %s%s", i, where, args);
}

static bool in_routine(hack_debugger *d)
{
    const hack_source_location *here = debug_location(d, d->machine->pc);
    return here && here->routine != HACK_ROUTINE_NONE;
}

void debug_backtrace_command(hack_debugger *d)
{
    if (in_routine(d)) { /* frames in flux: the driver's call stack, without arguments */
        char stack[4000];
        hack_backtrace(d->machine, d->program, stack, sizeof stack);
        size_t n = 0;
        for (char *line = strtok(stack, "\n"); line; line = strtok(NULL, "\n")) {
            const char *text = line;
            if (strncmp(text, "  in ", 5) == 0) text += 5;
            else if (strncmp(text, "  called from ", 14) == 0) text += 14;
            debug_say(d, "#%zu  %s\n", n++, text);
        }
        return;
    }
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count = debug_frames(d, frames, DEBUG_MAX_FRAMES);
    for (size_t i = 0; i < count; i++) {
        char line[900];
        frame_line(d, frames, i, line, sizeof line);
        debug_say(d, "%s\n", line);
    }
    if (count == DEBUG_MAX_FRAMES) debug_say(d, "(more frames follow)\n");
}

void debug_frame_command(hack_debugger *d, int which)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count = debug_frames(d, frames, DEBUG_MAX_FRAMES);
    if (which < 0 || (size_t)which >= count) {
        debug_say(d, "frame: there are frames 0..%zu\n", count - 1);
        return;
    }
    d->selected_frame = which;
    char line[900];
    frame_line(d, frames, (size_t)which, line, sizeof line);
    debug_say(d, "%s\n", line);
}

void debug_variables_command(hack_debugger *d, hack_jack_variable_kind kind)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count;
    const debug_frame *f = debug_selected_frame(d, frames, &count);
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    if (!sub) {
        debug_say(d, "No Jack variables known here.\n");
        return;
    }
    bool any = false;
    for (size_t i = 0; i < sub->count; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != kind) continue;
        char shown[300];
        debug_format_value(d, v->type, d->machine->ram[(uint16_t)((kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl) + v->index)],
                     shown, sizeof shown);
        debug_say(d, "%s %s = %s\n", v->type, v->name, shown);
        any = true;
    }
    if (!any) debug_say(d, "No %s.\n", kind == HACK_JACK_ARGUMENT ? "arguments" : "locals");
}
