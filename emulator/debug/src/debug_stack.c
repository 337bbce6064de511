/* The debugger's call stack: the VM frames from the LCL chain, and the commands that show them (backtrace,
 * frame, up, down, info args, info locals). */
#include "debugger_internal.h"

#include "hack/backtrace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool debug_is_return_address(const hack_debugger *d, uint32_t address)
{
    if (address == 0 || address >= d->program->count) return false;
    const hack_source_location *call = debug_location(d, address - 1);
    if (call) return call->routine == HACK_ROUTINE_NONE;
    const hack_symbol *at = hack_program_function_at(d->program, (uint16_t)address);
    return !(at && at->value == address);
}

static debug_frame frame_at(const hack_debugger *d, uint32_t pc, uint16_t lcl, uint16_t arg, uint16_t this_address)
{
    return (debug_frame){.pc = (uint16_t)pc, .lcl = lcl, .arg = arg, .this_address = this_address,
                         .function = hack_program_function_at(d->program, (uint16_t)pc)};
}

/* The innermost frame when the PC is in the translator's shared code (call, return, comparisons): the
 * command that jumped there, in its function (as hack_backtrace shows it), with its own segment pointers
 * where they are still to be found. w->frame: the LCL the walk goes on from; w->first_return: that frame's
 * return address when it is no longer in the frame. False when the routine's caller cannot be told (R13
 * overwritten by the program): only the PC is a frame then. */
static bool routine_frame(const hack_debugger *d, hack_routine state, debug_frame *top, debug_frame_walk *w)
{
    const hack_machine *m = d->machine;
    uint16_t place = hack_backtrace_place(m, d->program);
    if (place == hack_machine_pc(m)) return false;
    *top = frame_at(d, place, hack_machine_ram(m, 1), hack_machine_ram(m, 2), 3);
    if (state == HACK_ROUTINE_CALL_PUSHED) { /* LCL is the callee's new frame; the caller's pointers are in it */
        *top = frame_at(d, place, hack_machine_ram(m, w->frame - 4), hack_machine_ram(m, w->frame - 3),
                        (uint16_t)(w->frame - 2));
        w->frame = hack_machine_ram(m, w->frame - 4);
    } else if (state >= HACK_ROUTINE_RETURN_LCL0 && state <= HACK_ROUTINE_RETURN_LCL3) {
        /* LCL walks down the returning frame, ARG is the caller's before the end: its variables are gone */
        w->frame += (uint32_t)(state - HACK_ROUTINE_RETURN_LCL0);
        w->first_return = hack_machine_ram(m, 14);
        top->lcl = (uint16_t)w->frame;
        top->in_flux = true;
    } else if (state == HACK_ROUTINE_RETURNED) {
        /* the returning frame is gone: LCL, ARG, THIS and THAT are its caller's, R14 the address into it */
        top->in_flux = true;
        w->returned_to = hack_machine_ram(m, 14);
    }
    return true;
}

void debug_walk_start(const hack_debugger *d, debug_frame_walk *w)
{
    const hack_machine *m = d->machine;
    const uint16_t pc = hack_machine_pc(d->machine);
    const hack_source_location *here = debug_location(d, pc);
    const hack_routine state = here ? (hack_routine)here->routine : HACK_ROUTINE_NONE;
    *w = (debug_frame_walk){.frame = hack_machine_ram(m, 1), .first_return = -1, .returned_to = -1};
    w->top = frame_at(d, pc, hack_machine_ram(m, 1), hack_machine_ram(m, 2), 3);
    switch (state) {
    case HACK_ROUTINE_NONE:
    case HACK_ROUTINE_COUNT: break;
    case HACK_ROUTINE_BOOTSTRAP:
    case HACK_ROUTINE_END: w->done = true; break;
    default:
        if (!routine_frame(d, state, &w->top, w)) {
            w->top.function = NULL; /* the shared code is no function's */
            w->top.in_flux = true;
            w->done = true;
        }
        break;
    }
}

bool debug_walk_next(const hack_debugger *d, debug_frame_walk *w, debug_frame *out)
{
    const hack_machine *m = d->machine;
    if (!w->started) {
        w->started = true;
        *out = w->top;
        return true;
    }
    if (w->done) return false;
    if (w->returned_to >= 0) { /* the caller a return is going back to: its frame is at LCL */
        uint32_t back = (uint32_t)w->returned_to;
        w->returned_to = -1;
        w->done = !debug_is_return_address(d, back);
        if (w->done) return false;
        *out = frame_at(d, back - 1, hack_machine_ram(m, 1), hack_machine_ram(m, 2), 3);
        return true;
    }
    uint32_t frame = w->frame;
    if (frame < 261 || frame >= HACK_SCREEN) return w->done = true, false;
    uint32_t return_address = w->first_return >= 0 ? (uint32_t)w->first_return : hack_machine_ram(m, frame - 5);
    w->first_return = -1;
    if (!debug_is_return_address(d, return_address)) return w->done = true, false;
    uint16_t caller_lcl = hack_machine_ram(m, frame - 4);
    *out = frame_at(d, return_address - 1, caller_lcl, hack_machine_ram(m, frame - 3), (uint16_t)(frame - 2));
    if (caller_lcl >= frame) w->done = true; /* frames grow upwards: anything else is not a frame */
    w->frame = caller_lcl;
    return true;
}

size_t debug_frames(const hack_debugger *d, debug_frame *frames, size_t max)
{
    debug_frame_walk walk;
    debug_walk_start(d, &walk);
    size_t count = 0;
    while (count < max && debug_walk_next(d, &walk, &frames[count])) count++;
    return count;
}

bool debug_frame_number(const hack_debugger *d, size_t n, debug_frame *out, size_t *count)
{
    debug_frame_walk walk;
    debug_walk_start(d, &walk);
    debug_frame f;
    size_t i = 0;
    bool found = false;
    while (debug_walk_next(d, &walk, &f)) {
        if (i == n) {
            *out = f;
            found = true;
            if (!count) break;
        }
        i++;
    }
    if (count) *count = i;
    return found;
}

debug_frame debug_selected(hack_debugger *d)
{
    debug_frame f;
    size_t count;
    if (d->selected_frame < 0) d->selected_frame = 0;
    if (!debug_frame_number(d, (size_t)d->selected_frame, &f, &count)) { /* fewer frames now: the outermost */
        d->selected_frame = count ? (int)count - 1 : 0;
        debug_frame_number(d, (size_t)d->selected_frame, &f, NULL);
    }
    return f;
}

static void frame_arguments(hack_debugger *d, const debug_frame *f, char *buf, size_t size)
{
    buf[0] = '\0';
    if (f->in_flux) return;
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    size_t used = 0;
    for (size_t i = 0; sub && i < sub->count && used < size; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != HACK_JACK_ARGUMENT) continue;
        char shown[300];
        uint16_t word = hack_machine_ram(d->machine, (uint16_t)(f->arg + v->index));
        debug_format_value(d, v->type, word, shown, sizeof shown);
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : " ", v->name, shown);
    }
}

/* "#1  Main.fact (Main.jack:8) n=4" */
void debug_frame_text(hack_debugger *d, const debug_frame *f, size_t number, char *buf, size_t size)
{
    char where[200], args[600];
    debug_describe(d, f->pc, where, sizeof where);
    if (debug_in_shared_code(d, f->pc)) /* only when the caller is not known */
        snprintf(where + strlen(where), sizeof where - strlen(where), ", whose caller cannot be told: R13 = %u",
                 (unsigned)hack_machine_ram(d->machine, 13));
    frame_arguments(d, f, args, sizeof args);
    snprintf(buf, size, "#%zu  %s%s", number, where, args);
}

/* The frame's variables of a kind, one a line: "int n = 5" (indent before each). */
static bool show_variables(hack_debugger *d, const debug_frame *f, hack_jack_variable_kind kind, const char *indent)
{
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    bool any = false;
    for (size_t i = 0; sub && i < sub->count; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != kind) continue;
        char shown[300];
        uint16_t base = kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl;
        debug_format_value(d, v->type, hack_machine_ram(d->machine, (uint16_t)(base + v->index)), shown, sizeof shown);
        debug_say(d, "%s%s %s = %s\n", indent, v->type, v->name, shown);
        any = true;
    }
    return any;
}

enum { BACKTRACE_SHOWN = 64 }; /* frames a plain backtrace shows (a runaway recursion has thousands) */

/* backtrace [full] [N|-N]: the innermost N frames, or the outermost N; full: each with its locals. */
void debug_backtrace_command(hack_debugger *d, const char *args)
{
    bool full = false, limited = false;
    long limit = BACKTRACE_SHOWN;
    char text[100];
    snprintf(text, sizeof text, "%s", args);
    for (char *word = strtok(text, " \t"); word; word = strtok(NULL, " \t")) {
        char *end;
        long n = strtol(word, &end, 10);
        if (strcmp(word, "full") == 0 || strcmp(word, "-full") == 0) {
            full = true;
        } else if (end != word && !*end && n != 0 && !limited) {
            limit = n;
            limited = true;
        } else {
            debug_say(d, "backtrace: expected [full] [N] (the innermost N frames) or [-N] (the outermost N)\n");
            return;
        }
    }
    size_t count;
    debug_frame f;
    debug_frame_number(d, 0, &f, &count);
    size_t first = 0, last = count; /* frames first..last-1 */
    if (limit > 0 && (size_t)limit < count) last = (size_t)limit;
    if (limit < 0 && (size_t)-limit < count) first = count - (size_t)-limit;
    debug_frame_walk walk;
    debug_walk_start(d, &walk);
    for (size_t i = 0; i < last && debug_walk_next(d, &walk, &f); i++) {
        if (i < first) continue;
        char line[900];
        debug_frame_text(d, &f, i, line, sizeof line);
        debug_say(d, "%s\n", line);
        if (!full) continue;
        if (f.in_flux)
            debug_say(d, "        (its variables are gone: it is in the middle of its return)\n");
        else if (!show_variables(d, &f, HACK_JACK_LOCAL, "        "))
            debug_say(d, "        No locals.\n");
    }
    if (last < count)
        debug_say(d, "(%zu more frames: `backtrace %zu` shows them all, `backtrace -N` the outermost N)\n", count - last,
                  count);
}

static void select_frame(hack_debugger *d, size_t which)
{
    debug_frame f;
    debug_frame_number(d, which, &f, NULL);
    d->selected_frame = (int)which;
    d->list_valid = false;
    char line[900];
    debug_frame_text(d, &f, which, line, sizeof line);
    debug_say(d, "%s\n", line);
}

void debug_frame_command(hack_debugger *d, const char *args)
{
    if (!*args) {
        debug_selected(d);
        select_frame(d, (size_t)d->selected_frame);
        return;
    }
    char *end;
    long which = strtol(args, &end, 10);
    size_t count;
    debug_frame f;
    debug_frame_number(d, 0, &f, &count);
    if (end == args || *end || which < 0 || (size_t)which >= count) {
        debug_say(d, "frame: expected a frame number, 0..%zu\n", count - 1);
        return;
    }
    select_frame(d, (size_t)which);
}

/* up [N] (toward the outermost frame) and down [N]: by N frames, as far as there are frames. */
void debug_up_down_command(hack_debugger *d, bool up, const char *args)
{
    long n = 1;
    if (*args) {
        char *end;
        n = strtol(args, &end, 10);
        if (end == args || *end || n < 0) {
            debug_say(d, "%s: expected a number of frames\n", up ? "up" : "down");
            return;
        }
    }
    debug_selected(d);
    size_t count;
    debug_frame f;
    debug_frame_number(d, 0, &f, &count);
    size_t at = (size_t)d->selected_frame, target = at;
    if (up) target = (size_t)n >= count - 1 - at ? count - 1 : at + (size_t)n;
    else target = (size_t)n >= at ? 0 : at - (size_t)n;
    if (target == at && n > 0) {
        debug_say(d, up ? "Initial frame selected; you cannot go up.\n"
                        : "Bottom (innermost) frame selected; you cannot go down.\n");
        return;
    }
    select_frame(d, target);
}

void debug_variables_command(hack_debugger *d, hack_jack_variable_kind kind)
{
    debug_frame f = debug_selected(d);
    const hack_jack_class_variables *c;
    if (f.in_flux) {
        debug_say(d, "The frame is in the middle of its return: its variables are gone (`step` or `vmstep` first).\n");
        return;
    }
    if (!debug_subroutine(d, f.function, &c)) {
        debug_say(d, "No Jack variables known here.\n");
        return;
    }
    if (!show_variables(d, &f, kind, "")) debug_say(d, "No %s.\n", kind == HACK_JACK_ARGUMENT ? "arguments" : "locals");
}

/* How many locals the frame's function declares (its Jack table; 0 when unknown). */
static uint16_t local_count(hack_debugger *d, const debug_frame *f)
{
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    uint16_t n = 0;
    for (size_t i = 0; sub && i < sub->count; i++)
        if (sub->variables[i].kind == HACK_JACK_LOCAL && sub->variables[i].index + 1u > n) n = (uint16_t)(sub->variables[i].index + 1u);
    return n;
}

/* The selected frame's working stack: from above its locals to SP (frame 0), or to the frame record of the
 * frame it called (its pushed arguments included). False when it is not known (a frame in flux). */
static bool working_stack(hack_debugger *d, uint16_t *first, uint16_t *end)
{
    debug_frame f = debug_selected(d), inner;
    if (f.in_flux) return false;
    *first = (uint16_t)(f.lcl + local_count(d, &f));
    if (d->selected_frame == 0) *end = hack_machine_ram(d->machine, 0);
    else if (debug_frame_number(d, (size_t)d->selected_frame - 1, &inner, NULL) && inner.lcl >= 5) *end = (uint16_t)(inner.lcl - 5u);
    else return false;
    if (debug_in_shared_code(d, hack_machine_pc(d->machine)) && d->selected_frame <= 1)
        return false; /* a call or return under way */
    return *end >= *first && *end - *first < 2048;
}

void debug_info_stack_command(hack_debugger *d)
{
    uint16_t first, end;
    debug_selected(d);
    if (!working_stack(d, &first, &end)) {
        debug_say(d, "The working stack of frame #%d is not known here (a call or return is under way: `stepi` on).\n",
                  d->selected_frame);
        return;
    }
    if (first == end) {
        debug_say(d, "The working stack of frame #%d is empty (it would start at RAM[%u]).\n", d->selected_frame,
                  (unsigned)first);
        return;
    }
    debug_say(d, "Working stack of frame #%d, RAM[%u..%u], its top last:\n", d->selected_frame, (unsigned)first,
              (unsigned)(end - 1));
    for (uint16_t a = first; a < end; a++)
        debug_say(d, "%7u: %d\n", (unsigned)a, debug_signed(hack_machine_ram(d->machine, a)));
}

/* " LCL = 276: 1 local at RAM[276]", "...: 2 locals at RAM[276..277]", "...: no locals" */
static void say_words(hack_debugger *d, const char *what, uint16_t first, unsigned count, const char *noun)
{
    if (count == 0)
        debug_say(d, "%s %u: no %ss\n", what, (unsigned)first, noun);
    else if (count == 1)
        debug_say(d, "%s %u: 1 %s at RAM[%u]\n", what, (unsigned)first, noun, (unsigned)first);
    else
        debug_say(d, "%s %u: %u %ss at RAM[%u..%u]\n", what, (unsigned)first, count, noun, (unsigned)first,
                  (unsigned)(first + count - 1));
}

/* info frame: the selected frame's place, caller, return address, segments and saved words. */
void debug_info_frame_command(hack_debugger *d)
{
    const hack_machine *m = d->machine;
    debug_frame f = debug_selected(d), other;
    const size_t k = (size_t)d->selected_frame;
    char line[900];
    debug_frame_text(d, &f, k, line, sizeof line);
    debug_say(d, "Stack level %zu: %s\n", k, line + strcspn(line, " ") + 2);
    debug_say(d, " pc = ROM %u%s%s\n", (unsigned)f.pc, k ? " (its call)" : "",
              debug_in_shared_code(d, hack_machine_pc(d->machine)) && k == 0
                  ? " (the PC is in the translator's shared code)"
                  : "");
    bool has_caller = debug_frame_number(d, k + 1, &other, NULL);
    if (has_caller) debug_say(d, " called by frame #%zu (%s)", k + 1, other.function ? other.function->name : "?");
    else debug_say(d, " the outermost frame");
    if (k > 0 && debug_frame_number(d, k - 1, &other, NULL))
        debug_say(d, ", caller of frame #%zu (%s)", k - 1, other.function ? other.function->name : "?");
    debug_say(d, "\n");
    if (f.in_flux) {
        debug_say(d, " in the middle of its return: its segments are no longer its own\n");
        return;
    }
    if (f.lcl >= 261 && f.lcl < HACK_SCREEN && has_caller) {
        uint16_t record = (uint16_t)(f.lcl - 5u);
        debug_say(d, " saved by its call at RAM[%u..%u]: return address %u, LCL %u, ARG %u, THIS %u, THAT %u\n",
                  (unsigned)record, (unsigned)(f.lcl - 1u), (unsigned)hack_machine_ram(m, record),
                  (unsigned)hack_machine_ram(m, record + 1), (unsigned)hack_machine_ram(m, record + 2),
                  (unsigned)hack_machine_ram(m, record + 3), (unsigned)hack_machine_ram(m, record + 4));
        unsigned args = f.lcl - 5u >= f.arg ? (unsigned)(f.lcl - 5u - f.arg) : 0;
        say_words(d, " ARG =", f.arg, args, "argument");
    } else {
        debug_say(d, " ARG = %u\n", (unsigned)f.arg);
    }
    say_words(d, " LCL =", f.lcl, local_count(d, &f), "local");
    debug_say(d, " THIS = %u, THAT = %u%s\n", (unsigned)hack_machine_ram(m, f.this_address),
              (unsigned)hack_machine_ram(m, (uint16_t)(f.this_address + 1u)), k ? " (saved by the call it made)" : "");
    uint16_t first, end;
    if (working_stack(d, &first, &end)) say_words(d, " working stack from", first, (unsigned)(end - first), "word");
}
