/* The debugger: one engine for Hack and Jack programs, on the run driver (hack_session), for every front end.
 *   - Breakpoints on a Jack line (Main.jack:12), a function (Memory.alloc: its first statement, or its entry
 *     when it runs natively), a VM line (Main.vm:40), a ROM address (*123) or a label; watchpoints on a RAM
 *     word or a Jack variable (Main.count, i, this.x, a[3]), that stop when a program instruction changes it
 *     (or makes it a given value). They are the machine's breakpoints and the driver's watch map, so a run
 *     with none set is the plain run loop.
 *   - The program's own stops (a halt, Sys.error, a machine error, a stack overflow, a heap check finding)
 *     stop the debugger where they happened, at their Jack line.
 *   - Stepping: an instruction, a VM command, a Jack line into calls (step) or over them (next), out of the
 *     function (finish); continue; run N instructions; reset.
 *   - Inspection by Jack name: locals, arguments, fields, statics with their declared types (what jackc
 *     declared: the Jack sources the program map names are parsed again when the debugger starts), the call
 *     stack with Jack lines and arguments, registers, RAM, the ROM disassembled, the heap, the screen.
 * Commands are gdb-like text (hack_debugger_command), answered in stable plain text through a callback; the
 * same things are offered as functions for front ends that need no text. Nothing here prints or exits. */
#ifndef HACK_DEBUGGER_H
#define HACK_DEBUGGER_H

#include "hack/diag.h"
#include "hack/machine.h"
#include "hack/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hack_debugger hack_debugger;

typedef struct {
    void (*print)(void *context, const char *text); /* answers and stops: whole lines, each ending in '\n' */
    void *context;
    /* after a reset has loaded the program again (a front end's own settings, e.g. --set); may be NULL */
    void (*after_reset)(void *reset_context, hack_machine *machine);
    void *reset_context;
} hack_debugger_options;

/* A debugger for the program loaded in session (hack_session_load first); it must outlive neither. Jack
 * sources named by the program map that cannot be read are noted in diags (their variables have no names).
 * NULL when memory ran out. */
hack_debugger *hack_debugger_create(hack_session *session, hack_machine *machine, const hack_debugger_options *options,
                                    hack_diag_list *diags);
/* Removes the breakpoints and watchpoints from the machine and the session, and frees the debugger. */
void hack_debugger_free(hack_debugger *debugger);

/* Breakpoint and watchpoint specs as the commands take them ("Main.jack:12", "Main.count == 3"). Returns the
 * new point's number (from 1), or 0 with an error in diags (file: origin, e.g. "--break"). */
int hack_debugger_add_breakpoint(hack_debugger *debugger, const char *spec, const char *origin, hack_diag_list *diags);
int hack_debugger_add_watchpoint(hack_debugger *debugger, const char *spec, const char *origin, hack_diag_list *diags);

typedef enum {
    HACK_DEBUGGER_STOPPED_BREAKPOINT, /* at a breakpoint */
    HACK_DEBUGGER_STOPPED_WATCHPOINT, /* a watched word changed */
    HACK_DEBUGGER_STOPPED_STEP,       /* a step, next, finish or run N is done */
    HACK_DEBUGGER_STOPPED_HEAP_REPORT, /* the heap check reported an access (the run can go on) */
    HACK_DEBUGGER_STOPPED_WAITING,    /* the program waits for a key (none is scripted) */
    HACK_DEBUGGER_FINISHED,           /* the program stopped for good: halted, Sys.error, machine or stack
                                         error (hack_debugger_last_state says which) */
} hack_debugger_stop;

/* Goes on until the next stop, which is described through print (location and source line). */
hack_debugger_stop hack_debugger_continue(hack_debugger *debugger);

/* The driver's state at the last stop of the program (for exit statuses). */
hack_session_state hack_debugger_last_state(const hack_debugger *debugger);

/* Runs one command line: break SPEC, tbreak SPEC, watch SPEC, delete [N], info breakpoints|registers|locals|
 * args|frame|line|heap, run [N], continue, step, next, finish, stepi, vmstep, reset, print EXPR, x/N ADDR,
 * backtrace, frame N, up, down, list, disassemble, screen FILE.png, help, quit. An empty line repeats the
 * previous step or continue command. Returns false when the command was quit. */
bool hack_debugger_command(hack_debugger *debugger, const char *line);

/* ---- for front ends that draw (the window's debug view) ---- */

/* A place in the program's text: a line of a source file (file: its index in the program's map), or, for
 * machine code without one (file -1), the ROM word at `line`. */
typedef struct {
    int file;
    uint32_t line;
} hack_debugger_place;

/* Where the selected frame is: its Jack line, else its VM line, else its ROM word. */
hack_debugger_place hack_debugger_here(hack_debugger *debugger);
/* The base name of the place's file ("Main.jack"), or "ROM" for machine code. */
const char *hack_debugger_place_file(const hack_debugger *debugger, hack_debugger_place place);
/* How many lines the place's file has (ROM: the program's words). */
uint32_t hack_debugger_place_lines(hack_debugger *debugger, hack_debugger_place place);
/* The text of the place's line (the source line, or the ROM word disassembled with its label) into text;
 * *breakpoint tells whether a breakpoint stops on it. False past the end of the file. */
bool hack_debugger_place_text(hack_debugger *debugger, hack_debugger_place place, char *text, size_t size,
                              bool *breakpoint);
/* A breakpoint on the place's line: removes those on it, or sets one (File.jack:LINE, File.vm:LINE or *ADDR),
 * told through print as the break and delete commands tell it. Returns whether one is on it now. */
bool hack_debugger_toggle_breakpoint(hack_debugger *debugger, hack_debugger_place place);
/* Whether the program has stopped for good (halted, Sys.error, machine error...): `reset` starts it again. */
bool hack_debugger_finished(const hack_debugger *debugger);
/* The front end ran the program without the debugger (hack_session_run) and it stopped for good: the debugger,
 * made afterwards to look at where, takes the stop as its own (finished, as after hack_debugger_run). */
void hack_debugger_program_ended(hack_debugger *debugger, hack_session_stop stop);

/* The call stack's frame that `frame N`, `up` and `down` chose (0: the innermost). */
int hack_debugger_selected_frame(const hack_debugger *debugger);
/* The innermost frame in the program's own code: not in a class of the OS that the tools added (a pause lands
 * in Sys.wait or Output more often than not, where the student has nothing to look at). 0 when there is none. */
int hack_debugger_own_frame(hack_debugger *debugger);
/* Whether frame N is in a Jack function (not a method or constructor): it has no `this`. */
bool hack_debugger_frame_is_function(hack_debugger *debugger, int frame);

/* For a front end with its own run loop: at most budget instructions as `continue` runs them. *stopped is set
 * when the debugger stops there (a breakpoint, a watchpoint, the heap check's report), told through print
 * as `continue` tells it. Whatever else stopped the run is returned as it is and not told: the budget spent,
 * the program waiting (for a key, or in a real-time Sys.wait), and its end (a halt, Sys.error, a machine or
 * stack error: the debugger takes it as finished, and the front end reports it as it would without one). */
hack_session_stop hack_debugger_run(hack_debugger *debugger, uint64_t budget, bool *stopped);

#endif
