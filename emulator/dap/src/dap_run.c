/* Running: continue, step in, over and out, an instruction, a slice at a time through the engine
 * (hack_debugger_run), so the server reads its input between slices; pause; and each stop told to the client
 * (a breakpoint, a step done, an error with its explanation, the end). */
#include "dap_internal.h"

#include "hack/backtrace.h"
#include "hack/stop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hack_debugger_place dap_place_of(hack_dap_server *s, uint16_t pc)
{
    const hack_program *p = &s->program;
    const hack_source_location *l = p->locations && pc < p->count ? &p->locations[pc] : NULL;
    if (l && l->jack_line && l->jack_file < p->source_file_count) return (hack_debugger_place){l->jack_file, l->jack_line};
    if (l && l->line && l->file < p->source_file_count) return (hack_debugger_place){l->file, l->line};
    if (s->asm_path && pc < p->count && p->asm_lines[pc]) return (hack_debugger_place){-2, p->asm_lines[pc]};
    return (hack_debugger_place){-1, pc};
}

static bool same_place(hack_debugger_place a, hack_debugger_place b)
{
    return a.file == b.file && a.line == b.line;
}

/* hackemu's exit status for the way a program ended. */
static int exit_code(hack_session_state state)
{
    switch (state) {
    case HACK_SESSION_HALTED: return 0;
    case HACK_SESSION_SYS_ERROR: return 5;
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: return 2;
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_STACK_ERROR:
    case HACK_SESSION_DEBUG: return 3;
    }
    return 3;
}

/* The operation is over: the machine's breakpoint it set is taken away. */
static void end_operation(hack_dap_server *s)
{
    if (s->return_break_ours) hack_machine_set_breakpoint(s->machine, s->return_address, false);
    s->return_break_ours = s->returning = false;
    s->op = DAP_OP_NONE;
    s->pause_requested = false;
}

void dap_end(hack_dap_server *s)
{
    end_operation(s);
    if (s->ended) return;
    s->ended = true;
    s->stopped = false;
    if (s->finished) dap_event(s, "exited", json_pack("{s:i}", "exitCode", s->exit_code)); /* (not when ended by the client) */
    dap_event(s, "terminated", NULL);
}

static void stop(hack_dap_server *s, const char *reason, const char *description, const char *text, json_t *ids)
{
    end_operation(s);
    s->stopped = true;
    dap_clear_refs(s);
    if (strcmp(reason, "exception") != 0) {
        free(s->exception_text);
        s->exception_text = NULL;
    }
    hack_debugger_select_frame(s->debugger, 0);
    json_t *body = json_pack("{s:s, s:i, s:b}", "reason", reason, "threadId", 1, "allThreadsStopped", true);
    if (description) json_object_set_new(body, "description", dap_text(description));
    if (text) json_object_set_new(body, "text", dap_text(text));
    if (ids) json_object_set_new(body, "hitBreakpointIds", ids);
    dap_event(s, "stopped", body);
}

/* An error: the program has stopped for good, and can be looked at until the client goes on. */
static void stop_on_error(hack_dap_server *s, const char *id, const char *text)
{
    free(s->exception_text);
    s->exception_text = dap_strdup(text);
    s->exception_id = id;
    char first[200];
    size_t n = strcspn(text, "\n");
    snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), text);
    stop(s, "exception", first, text, NULL);
}

enum { TEXT_SIZE = 8000 };

/* What a stop means, from its record (hack_session_record_stop) told by the one formatter, as hackemu and the
 * window tell it: "NAME: machine error at cycle N: ..." with the Jack call stack, or, for a Sys.error or a heap
 * error, what the OS said (the record's message). NULL when memory ran out. */
static char *explanation(hack_dap_server *s, const hack_stop_record *record)
{
    char *text = malloc(TEXT_SIZE);
    if (!text) return NULL;
    const hack_session_state state = record->stop.state;
    if (!hack_stop_format(record, HACK_STOP_TEXT_RUN, s->program_path, text, TEXT_SIZE) &&
        (state == HACK_SESSION_SYS_ERROR || state == HACK_SESSION_HEAP_ERROR))
        snprintf(text, TEXT_SIZE, "%s", record->message);
    if (!text[0]) snprintf(text, TEXT_SIZE, "The program stopped."); /* (a stop nothing was said of) */
    return text;
}

/* The stop the last run ended in, recorded (NULL when memory ran out). */
static hack_stop_record *record_stop(hack_dap_server *s, hack_session_stop run)
{
    hack_stop_record *record = malloc(sizeof *record);
    if (record) hack_session_record_stop(s->session, run, record);
    return record;
}

/* The program stopped for good. A halt ends the session, told as the debugger tells it ("The program halted.",
 * or where it halted in an endless loop); an error stops where it happened. */
static void program_over(hack_dap_server *s, hack_session_stop run)
{
    s->finished = true;
    s->exit_code = exit_code(run.state);
    int problems = hack_session_finish(s->session); /* the rest of the printed line, leaks (reported above) */
    hack_stop_record *record = record_stop(s, run);
    if (run.state == HACK_SESSION_HALTED) {
        if (problems && s->exit_code == 0) s->exit_code = 6;
        char text[TEXT_SIZE];
        if (record && hack_stop_format(record, HACK_STOP_TEXT_DEBUGGER, NULL, text, sizeof text))
            dap_output(s, "console", text);
        free(record);
        dap_end(s);
        return;
    }
    const char *id = "error";
    switch (run.state) {
    case HACK_SESSION_SYS_ERROR: id = "Sys.error"; break;
    case HACK_SESSION_HEAP_ERROR: id = "heap error"; break;
    case HACK_SESSION_FAULT: id = "machine error"; break;
    case HACK_SESSION_STACK_ERROR: id = "stack error"; break;
    case HACK_SESSION_BUDGET: id = "cycle budget spent"; break;
    default: break;
    }
    char *text = record ? explanation(s, record) : NULL;
    /* what the OS said of a Sys.error or a heap error was written when it said it */
    const bool said = (run.state == HACK_SESSION_SYS_ERROR || run.state == HACK_SESSION_HEAP_ERROR) && record &&
                      record->message[0];
    if (text) {
        if (!said) dap_output(s, "stderr", text);
        stop_on_error(s, id, text);
    }
    free(text);
    free(record);
}

/* After a run of the engine: whether the operation is over (the client was told why). */
static bool after_run(hack_dap_server *s, hack_session_stop run, bool stopped)
{
    if (stopped) {
        if (run.state == HACK_SESSION_DEBUG && run.debug == HACK_DEBUG_STOP_BREAKPOINT) {
            json_t *ids = json_array();
            bool entry;
            if (!dap_breakpoints_stop(s, ids, &entry)) {
                json_decref(ids);
                return false;
            }
            if (entry && !json_array_size(ids)) {
                json_decref(ids);
                stop(s, "entry", NULL, NULL, NULL);
            } else {
                stop(s, "breakpoint", NULL, NULL, ids);
            }
            return true;
        }
        if (run.state == HACK_SESSION_DEBUG && run.debug == HACK_DEBUG_STOP_HEAP_REPORT) {
            if (!s->heap_stops) return false;
            free(s->exception_text);
            s->exception_text = dap_strdup(s->last_heap_report ? s->last_heap_report : "heap check finding");
            s->exception_id = "heap check";
            stop(s, "exception", "Heap check: a bad access (see the debug console)", s->exception_text, NULL);
            return true;
        }
        stop(s, "data breakpoint", NULL, NULL, NULL);
        return true;
    }
    switch (run.state) {
    case HACK_SESSION_BUDGET:
        if (s->cycle_limit && hack_machine_cycles(s->machine) >= s->cycle_limit) {
            program_over(s, run);
            return true;
        }
        return false;
    case HACK_SESSION_WAITING_TIME:
    case HACK_SESSION_DEBUG: return false; /* a breakpoint of the operation's own: it looks */
    case HACK_SESSION_WAITING_KEY: {
        hack_stop_record *record = record_stop(s, run);
        char *text = record ? explanation(s, record) : NULL;
        stop(s, "pause", "Waiting for a key (launch.json: \"keys\" scripts them)", text, NULL);
        free(text);
        free(record);
        return true;
    }
    case HACK_SESSION_HALTED:
    case HACK_SESSION_FAULT:
    case HACK_SESSION_SYS_ERROR:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_STACK_ERROR: program_over(s, run); return true;
    }
    return false;
}

/* At most budget instructions through the engine (and no more than the launch's "cycles" allow). */
static hack_session_stop run(hack_dap_server *s, uint64_t budget, bool *stopped)
{
    if (s->cycle_limit) {
        const uint64_t now = hack_machine_cycles(s->machine);
        uint64_t left = s->cycle_limit > now ? s->cycle_limit - now : 0;
        if (left == 0) {
            *stopped = false;
            return (hack_session_stop){.state = HACK_SESSION_BUDGET};
        }
        if (budget > left) budget = left;
    }
    return hack_debugger_run(s->debugger, budget, stopped);
}

/* Runs to the return address (over a call, or out of the function), through recursion's inner returns. */
static void run_to_return(hack_dap_server *s, uint16_t address, uint16_t below)
{
    s->returning = true;
    s->return_address = address;
    s->return_below = below;
    s->return_break_ours = !hack_machine_breakpoint_at(s->machine, address);
    if (s->return_break_ours) hack_machine_set_breakpoint(s->machine, address, true);
}

static bool returned(const hack_dap_server *s)
{
    return hack_machine_pc(s->machine) == s->return_address && hack_machine_ram(s->machine, 1) < s->return_below;
}

/* Whether the code at pc is the project's OS (not the student's: a step in goes over it, "justMyCode"). */
static bool project_os(const hack_dap_server *s, uint16_t pc)
{
    hack_debugger_place place = dap_place_of((hack_dap_server *)s, pc);
    return place.file >= 0 && !s->paths[place.file];
}

/* A step by Jack line (by VM line in VM code; an instruction in machine code): over the calls it makes
 * (next), or into them. */
static void step(hack_dap_server *s, uint64_t budget)
{
    hack_machine *m = s->machine;
    uint64_t done = 0;
    while (done < budget && s->op != DAP_OP_NONE) {
        bool stopped;
        if (s->returning) {
            hack_session_stop r = run(s, budget - done, &stopped);
            done += r.cycles ? r.cycles : 1;
            if (!stopped && r.state == HACK_SESSION_DEBUG && returned(s)) {
                if (s->return_break_ours) hack_machine_set_breakpoint(m, s->return_address, false);
                s->returning = s->return_break_ours = false;
                if (s->op == DAP_OP_STEP_OUT) {
                    stop(s, "step", NULL, NULL, NULL);
                    return;
                }
            } else if (after_run(s, r, stopped)) {
                return;
            }
            continue;
        }
        hack_session_stop r = run(s, 1, &stopped);
        done++;
        if (after_run(s, r, stopped)) return;
        if (s->op == DAP_OP_INSTRUCTION) {
            stop(s, "step", NULL, NULL, NULL);
            return;
        }
        const uint16_t pc = hack_machine_pc(m), lcl = hack_machine_ram(m, 1);
        const hack_symbol *function = hack_program_function_at(&s->program, pc);
        const bool entry = function && function->value == pc && lcl > s->start_lcl && lcl >= 5;
        if (entry && (s->op == DAP_OP_STEP_OVER || (s->just_my_code && project_os(s, pc)))) {
            /* a call's entry: on to its return, to the frame that made it (its saved LCL) */
            const uint16_t back = hack_machine_ram(m, (uint16_t)(lcl - 5));
            const uint16_t caller_lcl = hack_machine_ram(m, (uint16_t)(lcl - 4));
            run_to_return(s, back, (uint16_t)(caller_lcl + 1u));
            continue;
        }
        if (!hack_debugger_statement_at(s->debugger, pc)) continue;
        if (s->op == DAP_OP_STEP_OVER && lcl > s->start_lcl) continue;
        if (lcl == s->start_lcl && same_place(dap_place_of(s, pc), s->start_place)) continue;
        stop(s, "step", NULL, NULL, NULL);
        return;
    }
}

/* A pause: out of the translator's call and return code first, where the frames are in flux. */
static void pause_here(hack_dap_server *s)
{
    const hack_program *p = &s->program;
    for (int i = 0; i < 10000 && p->locations && hack_machine_pc(s->machine) < p->count &&
                    p->locations[hack_machine_pc(s->machine)].routine != HACK_ROUTINE_NONE;
         i++) {
        bool stopped;
        hack_session_stop r = run(s, 1, &stopped);
        if (after_run(s, r, stopped)) return;
    }
    stop(s, "pause", NULL, NULL, NULL);
}

void dap_work(hack_dap_server *s, uint64_t budget)
{
    if (s->pause_requested) {
        pause_here(s);
        return;
    }
    if (s->op == DAP_OP_CONTINUE) {
        bool stopped;
        hack_session_stop r = run(s, budget, &stopped);
        after_run(s, r, stopped);
        return;
    }
    step(s, budget);
}

void dap_resume(hack_dap_server *s, const json_t *request, dap_op op)
{
    if (s->ended) {
        dap_fail(s, request, "the program has ended");
        return;
    }
    if (s->finished) { /* an error stopped it for good: going on ends the session */
        dap_respond(s, request, op == DAP_OP_CONTINUE ? json_pack("{s:b}", "allThreadsContinued", true) : NULL);
        dap_end(s);
        return;
    }
    if (s->op != DAP_OP_NONE) { /* continue while it runs: it goes on */
        dap_respond(s, request, json_pack("{s:b}", "allThreadsContinued", true));
        return;
    }
    hack_machine *m = s->machine;
    if (op == DAP_OP_STEP_OUT) {
        hack_debugger_frame frames[2];
        size_t total;
        hack_debugger_frames(s->debugger, 0, frames, 2, &total);
        if (total < 2 || frames[0].in_flux) {
            dap_fail(s, request, total < 2 ? "stepOut: the outermost function has no caller to return to"
                                           : "stepOut: in the translator's call or return code: step first");
            return;
        }
        run_to_return(s, (uint16_t)(frames[1].pc + 1u), hack_machine_ram(m, 1));
    }
    dap_respond(s, request, op == DAP_OP_CONTINUE ? json_pack("{s:b}", "allThreadsContinued", true) : NULL);
    s->op = op;
    s->stopped = false;
    dap_clear_refs(s);
    s->start_lcl = hack_machine_ram(m, 1);
    s->start_place = dap_place_of(s, hack_backtrace_place(m, &s->program));
}

void dap_pause(hack_dap_server *s, const json_t *request)
{
    dap_respond(s, request, NULL);
    if (s->op != DAP_OP_NONE) s->pause_requested = true;
}

void dap_start(hack_dap_server *s)
{
    if (!s->debugger || s->ended) return;
    s->op = DAP_OP_CONTINUE;
    if (!s->stop_on_entry) return;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    s->entry_number = hack_debugger_add_breakpoint(s->debugger, "Main.main", "stopOnEntry", &diags);
    hack_diag_list_free(&diags);
    if (!s->entry_number) stop(s, "entry", NULL, NULL, NULL); /* no Main.main: at the first instruction */
}
