/* The debugger's engine: running to the next stop and stepping, and telling the stops. The program's sources
 * and tables are in debug_program.c, breakpoints and watchpoints in debug_points.c, the call stack in
 * debug_stack.c, commands in debug_commands.c, names in debug_eval.c. */
#include "debugger_internal.h"

#include "hack/backtrace.h"
#include "hack/stop.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A step that has not reached its line after this many instructions gives up (a loop that never ends). A
 * run goes in slices of SLICE instructions, between which it looks at the front end's interrupt flag
 * (some milliseconds each). */
enum { STEP_LIMIT = 100000000, SLICE = 1 << 20 };

void debug_say(hack_debugger *d, const char *format, ...)
{
    if (!d->options.print) return;
    char text[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text, sizeof text, format, args);
    va_end(args);
    if (n < 0) return;
    if ((size_t)n < sizeof text) {
        d->options.print(d->options.context, text);
        return;
    }
    char *long_text = malloc((size_t)n + 1); /* a long answer (info heap) is told whole */
    if (!long_text) {
        d->options.print(d->options.context, "(out of memory for the answer)\n");
        return;
    }
    va_start(args, format);
    vsnprintf(long_text, (size_t)n + 1, format, args);
    va_end(args);
    d->options.print(d->options.context, long_text);
    free(long_text);
}

hack_debugger *hack_debugger_create(hack_session *session, hack_machine *machine, const hack_debugger_options *options,
                                    hack_diag_list *diags)
{
    const hack_program *program = hack_session_program(session);
    if (!program) return NULL;
    hack_debugger *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->session = session;
    d->machine = machine;
    d->program = program;
    d->options = *options;
    d->next_number = 1;
    d->last_state = HACK_SESSION_BUDGET;
    d->sources = calloc(program->source_file_count + 1, sizeof *d->sources); /* + an assembly file */
    d->watch_map = calloc(HACK_RAM_SIZE, 1);
    if (!d->sources || !d->watch_map) {
        hack_debugger_free(d);
        return NULL;
    }
    debug_read_classes(d, diags);
    debug_mark_prologues(d);
    /* VM code's stack overflows at the push that writes past its top: the driver tells it when that word is
     * watched (the heap check watches it too), instead of a slice of instructions later */
    d->stack_guard = program->locations != NULL;
    if (d->stack_guard) d->watch_map[DEBUG_STACK_TOP]++;
    debug_update_watch_map(d);
    return d;
}

void hack_debugger_set_interrupt(hack_debugger *d, volatile sig_atomic_t *flag)
{
    d->interrupt = flag;
}

void hack_debugger_free(hack_debugger *d)
{
    if (!d) return;
    hack_machine_clear_breakpoints(d->machine);
    hack_session_set_watchpoints(d->session, NULL);
    for (size_t i = 0; i < d->point_count; i++) {
        free(d->points[i].spec);
        free(d->points[i].condition);
        free(d->points[i].addresses);
    }
    free(d->points);
    for (size_t i = 0; i < d->class_count; i++) hack_jack_class_variables_free(&d->classes[i]);
    free(d->classes);
    for (size_t i = 0; d->sources && i <= d->program->source_file_count; i++) {
        free(d->sources[i].text);
        free(d->sources[i].line_starts);
    }
    free(d->sources);
    free(d->asm_path);
    free(d->repeat);
    free(d->prologue);
    free(d->watch_map);
    debug_keys_free(d);
    debug_free_data(d);
    free(d);
}

/* "Main.fact (Main.jack:4)": the innermost frame as call stacks show it (a PC in the translator's shared
 * routines stands for the command that jumped there). Returns the ROM word that stands for it. */
static uint16_t describe_here(const hack_debugger *d, char *buf, size_t size)
{
    hack_backtrace_frame frame = {.pc = hack_machine_pc(d->machine)};
    size_t n = 0;
    if (size) buf[0] = '\0';
    if (hack_backtrace_frames(d->machine, d->program, &frame, 1, NULL) == 1)
        n = hack_backtrace_frame_describe(d->program, &frame, buf, size); /* (cut short: a name of hundreds) */
    if (n >= size) n = size ? size - 1 : 0;
    uint16_t pc = hack_machine_pc(d->machine);
    if (debug_asm_line(d, pc)) /* an assembly program: where in its file */
        snprintf(buf + n, size - n, ", %s:%" PRIu32, debug_source_name(d, d->asm_file), debug_asm_line(d, pc));
    return frame.pc;
}

/* The Jack (or VM, or assembly) source line of pc, as "12\t<text>". */
static void show_source_line(hack_debugger *d, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    size_t length;
    if (!l && debug_asm_line(d, pc)) {
        const char *text = debug_source_line(d, d->asm_file, debug_asm_line(d, pc), &length);
        if (text) debug_say(d, "%" PRIu32 "\t%.*s\n", debug_asm_line(d, pc), (int)length, text);
        return;
    }
    if (!l) return;
    size_t file = l->jack_line ? l->jack_file : l->file;
    uint32_t line = l->jack_line ? l->jack_line : l->line;
    const char *text = debug_source_line(d, file, line, &length);
    if (text) debug_say(d, "%" PRIu32 "\t%.*s\n", line, (int)length, text);
}

bool debug_in_shared_code(const hack_debugger *d, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    return l && l->routine != HACK_ROUTINE_NONE && l->routine != HACK_ROUTINE_BOOTSTRAP && l->routine != HACK_ROUTINE_END;
}

const hack_symbol *debug_label_before(const hack_debugger *d, uint16_t pc)
{
    const hack_symbol *best = NULL;
    for (size_t i = 0; i < d->program->symbols.count; i++) {
        const hack_symbol *s = &d->program->symbols.entries[i];
        if ((s->kind == HACK_SYMBOL_LABEL || s->kind == HACK_SYMBOL_FUNCTION) && s->value <= pc &&
            (!best || s->value > best->value))
            best = s;
    }
    return best;
}

void debug_describe(const hack_debugger *d, uint16_t pc, char *buf, size_t size)
{
    if (debug_in_shared_code(d, pc)) { /* no function's: the last function's symbol is before it */
        const hack_symbol *label = debug_label_before(d, pc);
        snprintf(buf, size, "the translator's shared code (ROM %u, %s)", (unsigned)pc, label ? label->name : "?");
        return;
    }
    size_t n = hack_backtrace_describe(d->program, pc, buf, size);
    if (debug_asm_line(d, pc) && n < size) /* an assembly program: where in its file */
        snprintf(buf + n, size - n, ", %s:%" PRIu32, debug_source_name(d, d->asm_file), debug_asm_line(d, pc));
}

void debug_show_location(hack_debugger *d, uint16_t pc, const char *prefix)
{
    char where[200];
    debug_describe(d, pc, where, sizeof where);
    debug_say(d, "%s%s\n", prefix, where);
    show_source_line(d, pc);
}

void debug_show_here(hack_debugger *d, const char *prefix)
{
    char where[200];
    describe_here(d, where, sizeof where);
    debug_say(d, "%s%s\n", prefix, where);
    const hack_source_location *l = debug_location(d, hack_machine_pc(d->machine));
    if (!l || l->routine == HACK_ROUTINE_NONE) show_source_line(d, hack_machine_pc(d->machine));
}

/* ---- running ---- */

static void refresh_watches(hack_debugger *d)
{
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        if (p->watch) p->old = p->reg ? debug_register_value(d, p->reg) : hack_machine_ram(d->machine, p->address);
    }
}

static bool any_watch(const hack_debugger *d)
{
    for (size_t i = 0; i < d->point_count; i++)
        if (d->points[i].watch && !d->points[i].reg) return true;
    return false;
}

static bool any_register_watch(const hack_debugger *d)
{
    for (size_t i = 0; i < d->point_count; i++)
        if (d->points[i].reg && d->points[i].enabled) return true;
    return false;
}

void debug_update_watch_map(hack_debugger *d)
{
    d->watch_by_step = !hack_session_set_watchpoints(d->session, any_watch(d) || d->stack_guard ? d->watch_map : NULL);
}

/* At most budget instructions through the driver; a breakpoint at the PC is stepped off first. A run that
 * ends on a breakpoint with its budget (a single step) stops there as the run loop would have. */
static hack_session_stop run_once(hack_debugger *d, uint64_t budget)
{
    hack_machine *m = d->machine;
    hack_session_stop stop;
    d->has_step_hit = false; /* a watch stop of this run is the machine's */
    if (hack_machine_breakpoint_at(m, hack_machine_pc(m))) {
        uint16_t pc = hack_machine_pc(m);
        hack_machine_set_breakpoint(m, pc, false);
        stop = hack_session_run(d->session, 1);
        hack_machine_set_breakpoint(m, pc, true);
        if (stop.state == HACK_SESSION_BUDGET && budget > 1 && !hack_machine_breakpoint_at(m, hack_machine_pc(m))) {
            hack_session_stop rest = hack_session_run(d->session, budget - 1);
            rest.cycles += stop.cycles;
            stop = rest;
        }
    } else {
        stop = hack_session_run(d->session, budget);
    }
    if (stop.state == HACK_SESSION_BUDGET && stop.cycles && hack_machine_breakpoint_at(m, hack_machine_pc(m))) {
        stop.state = HACK_SESSION_DEBUG;
        stop.debug = HACK_DEBUG_STOP_BREAKPOINT;
    }
    return stop;
}

/* Whether the instruction at pc (with A as it is before it runs) reads or writes RAM[A]. */
static void accesses(const hack_machine *m, uint16_t pc, bool *reads, bool *writes)
{
    uint16_t word = hack_machine_rom(m, pc);
    *reads = HACK_IS_C_INSTR(word) && HACK_COMP_USES_M(HACK_COMP(word));
    *writes = HACK_IS_C_INSTR(word) && (HACK_DEST(word) & HACK_DEST_M) != 0;
}

/* As run_once; an instruction at a time when the watched words are to be looked at by the debugger (the
 * heap check holds the watch map: a change, or an access of the address, is told as a watchpoint stop at the
 * instruction that made it), or a register is watched (d->register_hit: the watchpoint whose register just
 * changed, told as a stop with no kind). */
static hack_session_stop run_some(hack_debugger *d, uint64_t budget)
{
    const bool words = d->watch_by_step && any_watch(d), registers = any_register_watch(d);
    if (!words && !registers) return run_once(d, budget);
    hack_machine *m = d->machine;
    hack_session_stop stop = {.state = HACK_SESSION_BUDGET, .stack = HACK_STACK_OK, .debug = HACK_DEBUG_STOP_NONE};
    while (stop.cycles < budget) {
        const uint16_t pc = hack_machine_pc(m), a = hack_machine_a(m);
        bool reads, writes;
        accesses(m, pc, &reads, &writes);
        hack_session_stop one = run_once(d, 1);
        stop.cycles += one.cycles;
        if (one.state != HACK_SESSION_BUDGET) {
            one.cycles = stop.cycles;
            return one;
        }
        for (size_t i = 0; i < d->point_count; i++) {
            debug_point *p = &d->points[i];
            if (!p->watch || !p->enabled) continue;
            if (p->reg) {
                uint16_t now = debug_register_value(d, p->reg);
                if (now == p->old || (p->has_value && now != p->value)) {
                    p->old = now;
                    continue;
                }
                d->register_hit = p->number;
                stop.state = HACK_SESSION_DEBUG;
                stop.debug = HACK_DEBUG_STOP_NONE;
                return stop;
            }
            bool accessed = p->address == a && (reads || writes);
            if (words && (hack_machine_ram(m, p->address) != p->old || (accessed && p->access != 'w'))) {
                d->step_hit = (hack_watch_hit){pc, p->address, writes && p->address == a};
                d->has_step_hit = true;
                stop.state = HACK_SESSION_DEBUG;
                stop.debug = HACK_DEBUG_STOP_WATCHPOINT;
                return stop;
            }
        }
    }
    return stop;
}

/* The program stopped for good: what happened (the stop's record, told as the debugger tells it), where, and for
 * an error the source line it stopped at. */
static void report_end(hack_debugger *d, hack_session_stop stop)
{
    d->finished = true;
    d->last_state = stop.state;
    hack_session_finish(d->session); /* the rest of the printed line, the heap check's leaks */
    hack_stop_record *record = malloc(sizeof *record);
    char *text = malloc(4096);
    if (record && text) {
        hack_session_record_stop(d->session, stop, record);
        describe_here(d, record->place, sizeof record->place); /* (with an assembly program's line) */
        if (hack_stop_format(record, HACK_STOP_TEXT_DEBUGGER, NULL, text, 4096)) debug_say(d, "%s", text);
    }
    free(record);
    free(text);
    const hack_source_location *l = debug_location(d, hack_machine_pc(d->machine));
    const bool at_error = stop.state == HACK_SESSION_SYS_ERROR || stop.state == HACK_SESSION_HEAP_ERROR ||
                          stop.state == HACK_SESSION_FAULT;
    if (at_error && (!l || l->routine == HACK_ROUTINE_NONE)) show_source_line(d, hack_machine_pc(d->machine));
}

/* Where the program stopped after a watched access, as `backtrace` shows it, and the line that made the
 * access when it is another one ("Main.fact (Main.jack:5), after Main.jack:4 wrote it"). */
static void show_after_access(hack_debugger *d, uint16_t pc, const char *verb)
{
    char here[200], by[200];
    const uint16_t here_pc = describe_here(d, here, sizeof here);
    debug_describe(d, pc, by, sizeof by);
    const bool assembly = debug_asm_line(d, pc) != 0;
    if (assembly) /* an assembly program: its line says it */
        snprintf(by, sizeof by, "%s:%" PRIu32, debug_source_name(d, d->asm_file), debug_asm_line(d, pc));
    const hack_symbol *function = hack_program_function_at(d->program, here_pc);
    /* in the same function, the access's place is its file and line alone ("Main.fact (Main.jack:4)": Main.jack:4) */
    const char *paren_by = strchr(by, '(');
    const bool same_function = !assembly && function && function == hack_program_function_at(d->program, pc) &&
                               paren_by && by[strlen(by) - 1] == ')';
    if (strcmp(here, by) == 0)
        debug_say(d, "%s\n", here);
    else if (same_function)
        debug_say(d, "%s, after %.*s %s it\n", here, (int)(strlen(paren_by) - 2), paren_by + 1, verb);
    else
        debug_say(d, "%s, after %s %s it\n", here, by, verb);
    const hack_source_location *l = debug_location(d, hack_machine_pc(d->machine));
    if (!l || l->routine == HACK_ROUTINE_NONE) show_source_line(d, hack_machine_pc(d->machine));
}

/* A watched word was accessed by the instruction at hit->pc, which has run: before is the word before it; the
 * watchpoints on it that now say so (a change, a change to the value asked for, a read, any access). */
static bool report_watch(hack_debugger *d, const hack_watch_hit *hit, uint16_t before, bool reads, bool writes)
{
    bool told = false;
    const char *verb = "wrote";
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        if (!p->watch || !p->enabled || p->address != hit->address) continue;
        uint16_t now = hack_machine_ram(d->machine, p->address);
        p->old = now;
        bool changed = now != before;
        bool fires = p->access == 'r' ? reads : p->access == 'a' ? reads || writes : changed;
        if (!fires || (p->has_value && now != p->value) || !debug_point_passes(d, p)) continue;
        if (!told) debug_say(d, "\n");
        if (p->access == 'w' || (p->access == 'a' && changed))
            debug_say(d, "%s %d: %s\nOld value = %d\nNew value = %d\n", debug_point_kind(p), p->number, p->spec,
                      debug_signed(before), debug_signed(now));
        else
            debug_say(d, "%s %d: %s\nValue = %d\n", debug_point_kind(p), p->number, p->spec, debug_signed(now));
        if (!changed) verb = writes ? "wrote" : "read";
        told = true;
    }
    if (told) show_after_access(d, hit->pc, verb);
    return told;
}

static bool handle_stop(hack_debugger *d, hack_session_stop stop, hack_debugger_stop *result);

/* A watchpoint on a frame's word whose frame has returned (the PC at its return address, LCL below the
 * frame): deleted, and the run stops there, as gdb does. */
static bool scope_ended(hack_debugger *d, hack_debugger_stop *result)
{
    const hack_machine *m = d->machine;
    bool ended = false;
    for (size_t i = 0; i < d->point_count;) {
        const debug_point *p = &d->points[i];
        if (!p->scoped || p->addresses[0] != hack_machine_pc(m) || hack_machine_ram(m, 1) >= p->scope_lcl) {
            i++;
            continue;
        }
        if (!ended) debug_say(d, "\n");
        debug_say(d, "%s %d deleted because the program has left the function in which its expression is valid.\n",
                  debug_point_kind(p), p->number);
        debug_point_remove(d, p->number);
        ended = true;
    }
    if (ended) {
        debug_show_here(d, "");
        *result = HACK_DEBUGGER_STOPPED_WATCHPOINT;
    }
    return ended;
}

/* The run stopped at a breakpoint's word: the enabled breakpoints there whose condition holds, the first of
 * which stops the debugger (a function's after its prologue). */
static bool breakpoint_stop(hack_debugger *d, hack_debugger_stop *result)
{
    hack_machine *m = d->machine;
    if (scope_ended(d, result)) return true;
    const uint16_t at = hack_machine_pc(m);
    uint16_t body = 0;
    bool any = false;
    for (size_t i = 0; i < d->point_count; i++)
        for (size_t k = 0; !d->points[i].watch && d->points[i].enabled && k < d->points[i].address_count; k++)
            if (d->points[i].addresses[k] == at) {
                any = true;
                if (d->points[i].body) body = d->points[i].body;
            }
    if (!any) return false; /* a word of finish's own, or of a disabled breakpoint */
    if (body && hack_machine_pc(m) != body) {
        /* a function's entry: through its prologue (its locals pushed) to its first statement */
        for (int i = 0; i < 1000000 && hack_machine_pc(m) != body; i++) {
            hack_session_stop next = run_once(d, 1);
            if (next.state != HACK_SESSION_BUDGET) return handle_stop(d, next, result);
        }
    }
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        bool here = false;
        for (size_t k = 0; !p->watch && k < p->address_count; k++) here |= p->addresses[k] == at;
        if (!here || !debug_point_passes(d, p)) continue;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "\n%s %d, ", debug_point_kind(p), p->number);
        if (p->temporary) debug_point_remove(d, p->number);
        debug_show_here(d, prefix);
        *result = HACK_DEBUGGER_STOPPED_BREAKPOINT;
        return true;
    }
    return false;
}

/* A watched register changed (run_some): told as a watchpoint. */
static bool register_stop(hack_debugger *d, hack_debugger_stop *result)
{
    debug_point *p = debug_point_find(d, d->register_hit);
    if (!p) return false;
    uint16_t before = p->old, now = debug_register_value(d, p->reg);
    p->old = now;
    if (!debug_point_passes(d, p)) return false;
    debug_say(d, "\n%s %d: %s\nOld value = %d\nNew value = %d\n", debug_point_kind(p), p->number, p->spec,
              debug_signed(before), debug_signed(now));
    debug_show_here(d, "");
    *result = HACK_DEBUGGER_STOPPED_WATCHPOINT;
    return true;
}

/* A stop of the driver during a run: true when the debugger stops there (reported), with *result. */
static bool handle_stop(hack_debugger *d, hack_session_stop stop, hack_debugger_stop *result)
{
    hack_machine *m = d->machine;
    switch (stop.state) {
    case HACK_SESSION_BUDGET: return false;
    case HACK_SESSION_DEBUG:
        if (stop.debug == HACK_DEBUG_STOP_BREAKPOINT) return breakpoint_stop(d, result);
        if (stop.debug == HACK_DEBUG_STOP_NONE) return register_stop(d, result);
        if (stop.debug == HACK_DEBUG_STOP_WATCHPOINT) {
            const hack_watch_hit hit = d->has_step_hit ? d->step_hit : hack_machine_watch_hit(m);
            d->has_step_hit = false; /* told now: a later watch stop is another's */
            uint16_t before = hack_machine_ram(m, hit.address);
            bool reads, writes;
            accesses(m, hit.pc, &reads, &writes);
            if (hit.pc == hack_machine_pc(m)) { /* the access has not run: run it, and look */
                hack_session_stop after = hack_session_run(d->session, 1);
                if (after.state != HACK_SESSION_BUDGET) return handle_stop(d, after, result);
            } else { /* looked at by step (run_some): it has run, and the value before is the one kept */
                for (size_t i = 0; i < d->point_count; i++)
                    if (d->points[i].watch && d->points[i].address == hit.address) before = d->points[i].old;
            }
            if (!report_watch(d, &hit, before, reads, writes)) return false;
            *result = HACK_DEBUGGER_STOPPED_WATCHPOINT;
            return true;
        }
        if (hack_machine_hooked(m, hack_machine_pc(m))) /* a call the check reported (a bad free): made on going on */
            debug_show_here(d, "Heap check: stopped at the call reported above, in ");
        else
            debug_show_here(d, "Heap check: stopped before the access reported above, in ");
        *result = HACK_DEBUGGER_STOPPED_HEAP_REPORT;
        return true;
    case HACK_SESSION_WAITING_TIME:
        if (d->skip_wait) { /* a command runs to its end: the wait's time passes at once (the front end's clock) */
            d->skip_wait(d->skip_wait_context, stop.until_ms);
            return false;
        }
        debug_show_here(d, "The program waits in Sys.wait (real time), in ");
        *result = HACK_DEBUGGER_STOPPED_WAITING;
        return true;
    case HACK_SESSION_WAITING_KEY:
        debug_show_here(d, "The program waits for a key (none is scripted: `type TEXT` or `key K` presses some), in ");
        *result = HACK_DEBUGGER_STOPPED_WAITING;
        return true;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_FAULT:
    case HACK_SESSION_STACK_ERROR:
        report_end(d, stop);
        *result = HACK_DEBUGGER_FINISHED;
        return true;
    }
    return false;
}

/* A run command starts: a Ctrl+C that came before it (at the prompt) is not for it. */
static void forget_interrupt(hack_debugger *d)
{
    if (d->interrupt) *d->interrupt = 0;
}

/* Whether Ctrl+C came during the run: then it is told (where the program is) and forgotten. */
static bool interrupted(hack_debugger *d, hack_debugger_stop *result)
{
    if (!d->interrupt || !*d->interrupt) return false;
    *d->interrupt = 0;
    debug_show_here(d, "\nInterrupted (Ctrl+C), in ");
    *result = HACK_DEBUGGER_STOPPED_INTERRUPT;
    return true;
}

static uint64_t slice_of(uint64_t budget)
{
    return budget < SLICE ? budget : SLICE;
}

static bool not_running(hack_debugger *d)
{
    if (!d->finished) return false;
    debug_say(d, "The program is not running: `run` starts it again.\n");
    return true;
}

hack_debugger_stop debug_go(hack_debugger *d, uint64_t budget)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    d->selected_frame = 0;
    d->list_valid = false;
    refresh_watches(d);
    forget_interrupt(d);
    uint64_t done = 0;
    hack_debugger_stop result;
    while (done < budget) {
        hack_session_stop stop = run_some(d, slice_of(budget - done));
        done += stop.cycles;
        if (handle_stop(d, stop, &result) || interrupted(d, &result)) return result;
    }
    debug_show_here(d, "");
    return HACK_DEBUGGER_STOPPED_STEP;
}

hack_debugger_stop hack_debugger_continue(hack_debugger *d)
{
    return debug_go(d, UINT64_MAX);
}

hack_session_state hack_debugger_last_state(const hack_debugger *d)
{
    return d->last_state;
}

/* Whether pc is where a step of this kind ends. */
static bool step_ends_at(const hack_debugger *d, char how, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    if (!l) return true; /* machine code: a step is an instruction */
    if (l->routine != HACK_ROUTINE_NONE || !l->command_start) return false;
    if (how == 'v') return true;
    return l->jack_line ? !d->prologue[pc] : l->line != 0; /* VM code without Jack steps by VM line */
}

hack_debugger_stop debug_step(hack_debugger *d, char how)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    d->selected_frame = 0;
    d->list_valid = false;
    refresh_watches(d);
    forget_interrupt(d);
    hack_machine *m = d->machine;
    const hack_source_location *start = debug_location(d, hack_machine_pc(m));
    const uint16_t start_lcl = hack_machine_ram(m, 1);
    const uint32_t start_line = start ? (start->jack_line ? start->jack_line : start->line) : 0;
    const uint16_t start_file = start ? (start->jack_line ? start->jack_file : start->file) : 0;
    hack_debugger_stop result;
    for (uint64_t n = 0; n < STEP_LIMIT; n++) {
        hack_session_stop stop = run_some(d, 1);
        if (handle_stop(d, stop, &result) || interrupted(d, &result)) return result;
        if (how == 'i') break;
        uint16_t pc = hack_machine_pc(m);
        if (!step_ends_at(d, how, pc)) continue;
        if (how == 'v') break;
        const hack_source_location *l = debug_location(d, pc);
        if (!l) break;
        uint16_t lcl = hack_machine_ram(m, 1);
        if ((how == 'n' || how == 'u') && lcl > start_lcl) continue; /* inside a call the line makes */
        uint32_t line = l->jack_line ? l->jack_line : l->line;
        uint16_t file = l->jack_line ? l->jack_file : l->file;
        if (lcl == start_lcl && line == start_line && file == start_file) continue;
        /* until: not back to an earlier line of the frame (a loop's condition): on past the loop */
        if (how == 'u' && lcl == start_lcl && file == start_file && line < start_line) continue;
        break;
    }
    debug_show_here(d, "");
    if (how == 'i' || how == 'v') {
        char text[40];
        hack_disassemble(hack_machine_rom(m, hack_machine_pc(m)), text, sizeof text);
        debug_say(d, "=> ROM %u: %s\n", (unsigned)hack_machine_pc(m), text);
    }
    return HACK_DEBUGGER_STOPPED_STEP;
}

/* Runs until one of the targets is reached (in any frame, or, unless any_frame, in the selected frame or
 * one outside it), or until the selected frame returns to its caller (finish: when targets is NULL); the
 * program's own stops and the user's breakpoints stop it on the way. */
static hack_debugger_stop run_to(hack_debugger *d, const uint16_t *targets, size_t count, bool any_frame)
{
    hack_machine *m = d->machine;
    debug_frame frame = debug_selected(d), caller;
    const bool has_caller = debug_frame_number(d, (size_t)d->selected_frame + 1, &caller, NULL);
    if (!targets && !has_caller) {
        debug_say(d, "finish: the outermost frame has no caller to return to\n");
        return HACK_DEBUGGER_STOPPED_STEP;
    }
    if (!targets) {
        char line[900];
        debug_frame_text(d, &frame, (size_t)d->selected_frame, line, sizeof line);
        debug_say(d, "Run till exit from %s\n", line);
    }
    d->selected_frame = 0;
    d->list_valid = false;
    refresh_watches(d);
    forget_interrupt(d);
    /* words of its own: the return address into the caller (a recursion's inner returns pass it), the targets */
    uint16_t words[64];
    bool set_here[64];
    size_t n = 0;
    const uint16_t back = (uint16_t)(caller.pc + 1u);
    if (has_caller) words[n++] = back;
    for (size_t i = 0; i < count && n < 64; i++) words[n++] = targets[i];
    for (size_t i = 0; i < n; i++) {
        set_here[i] = !hack_machine_breakpoint_at(m, words[i]);
        hack_machine_set_breakpoint(m, words[i], true);
    }
    hack_debugger_stop result = HACK_DEBUGGER_STOPPED_STEP;
    for (;;) {
        hack_session_stop stop = run_some(d, SLICE);
        if (stop.state == HACK_SESSION_DEBUG && stop.debug == HACK_DEBUG_STOP_BREAKPOINT) {
            const uint16_t pc = hack_machine_pc(m), lcl = hack_machine_ram(m, 1);
            bool returned = has_caller && pc == back && lcl <= caller.lcl, reached = false;
            for (size_t i = 0; i < count; i++)
                reached |= targets[i] == pc && (any_frame || lcl <= frame.lcl);
            if (returned || reached) {
                debug_show_here(d, "");
                if (returned && !reached && !targets)
                    debug_say(d, "Value returned: %d\n",
                              debug_signed(hack_machine_ram(m, (uint16_t)(hack_machine_ram(m, 0) - 1u))));
                break;
            }
        }
        if (handle_stop(d, stop, &result) || interrupted(d, &result)) break;
    }
    for (size_t i = 0; i < n; i++)
        if (set_here[i]) hack_machine_set_breakpoint(m, words[i], false);
    return result;
}

hack_debugger_stop debug_finish(hack_debugger *d)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    return run_to(d, NULL, 0, false);
}

hack_debugger_stop debug_advance(hack_debugger *d, const char *spec, bool any_frame)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    uint16_t *targets = NULL, body;
    size_t count = 0;
    char why[200];
    if (!debug_resolve_location(d, spec, &targets, &count, &body, why, sizeof why)) {
        debug_say(d, "%s: %s: %s\n", any_frame ? "advance" : "until", spec, why);
        free(targets);
        return HACK_DEBUGGER_STOPPED_STEP;
    }
    if (body) targets[0] = body; /* a function: at its first statement */
    hack_debugger_stop result = run_to(d, targets, count, any_frame);
    free(targets);
    return result;
}

hack_debugger_stop debug_run_from_start(hack_debugger *d)
{
    if (d->finished || hack_machine_cycles(d->machine)) debug_reset(d);
    hack_debugger_stop result;
    /* a breakpoint on the first instruction (break *0) stops before it, as a breakpoint anywhere does */
    if (hack_machine_breakpoint_at(d->machine, hack_machine_pc(d->machine)) && breakpoint_stop(d, &result))
        return result;
    return debug_go(d, UINT64_MAX);
}

void debug_reset(hack_debugger *d)
{
    /* as a fresh start: statics, the heap and the screen of the last run are gone (a load keeps RAM, as the
     * course's emulators do when a program is loaded again) */
    hack_machine_clear_ram(d->machine);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_session_reload(d->session, &diags); /* the same program: it loaded before */
    hack_diag_list_free(&diags);
    debug_keys_restart(d); /* the keys the commands pressed are gone */
    if (d->options.after_reset) d->options.after_reset(d->options.reset_context, d->machine);
    for (size_t i = 0; i < d->point_count;) { /* a watch on a frame's word: the frame is gone */
        if (!d->points[i].scoped) {
            i++;
            continue;
        }
        debug_say(d, "%s %d deleted: its frame is gone.\n", debug_point_kind(&d->points[i]), d->points[i].number);
        debug_point_remove(d, d->points[i].number);
    }
    for (size_t i = 0; i < d->point_count; i++)
        for (size_t k = 0; k < d->points[i].address_count; k++)
            hack_machine_set_breakpoint(d->machine, d->points[i].addresses[k], true);
    debug_update_watch_map(d);
    d->finished = false;
    d->last_state = HACK_SESSION_BUDGET;
    d->selected_frame = 0;
    d->list_valid = false;
}

hack_session_stop hack_debugger_run(hack_debugger *d, uint64_t budget, bool *stopped)
{
    *stopped = false;
    if (d->finished) return (hack_session_stop){.state = d->last_state};
    d->selected_frame = 0;
    d->list_valid = false;
    refresh_watches(d);
    hack_session_stop stop = run_some(d, budget);
    hack_debugger_stop result;
    switch (stop.state) {
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: break;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_FAULT:
    case HACK_SESSION_STACK_ERROR:
        d->finished = true;
        d->last_state = stop.state;
        break;
    case HACK_SESSION_DEBUG: *stopped = handle_stop(d, stop, &result); break;
    }
    return stop;
}

bool hack_debugger_finished(const hack_debugger *d)
{
    return d->finished;
}

void hack_debugger_set_wait_skipper(hack_debugger *d, void (*skip)(void *context, uint64_t until_ms), void *context)
{
    d->skip_wait = skip;
    d->skip_wait_context = context;
}
