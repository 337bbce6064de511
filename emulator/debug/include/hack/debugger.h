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

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hack_debugger hack_debugger;

typedef struct {
    void (*print)(void *context, const char *text); /* answers and stops: whole lines, each ending in '\n' */
    void *context;
    /* after a reset has started the program again (the session replays its launch: SP, --set): the front end's
     * own state of the last run to forget; may be NULL */
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

/* A flag the front end's SIGINT handler sets (Ctrl+C); NULL: none. A run, continue, step, next or finish
 * looks at it between slices of instructions, stops there (HACK_DEBUGGER_STOPPED_INTERRUPT, told through
 * print) and clears it; each of them clears it when it starts, so a Ctrl+C at the prompt interrupts nothing
 * later. */
void hack_debugger_set_interrupt(hack_debugger *debugger, volatile sig_atomic_t *flag);

/* The file the program was loaded from. For an assembly program (.asm) its text is the program's source:
 * list shows it with its labels, break takes Prog.asm:LINE, stops show the line as it was written (@R2, not
 * @2). False (and nothing changes) for any other program, or when memory ran out. */
bool hack_debugger_set_program_file(hack_debugger *debugger, const char *path);

/* The front end's scripted keys (--keys, --type: hack_key_event, in cycle order), given to the session now and
 * again at each reset; hold_cycles: how long the type command holds each key (0: 100,000, as --type). The
 * commands `key K` and `type TEXT` press keys from the cycle the program is at until the next reset. False
 * when memory ran out. */
bool hack_debugger_set_keys(hack_debugger *debugger, const hack_key_event *events, size_t count, uint64_t hold_cycles);

/* Breakpoint and watchpoint specs as the commands take them ("Main.jack:12", "Main.count == 3", "A == 5"), each
 * with an optional condition ("Main.fact if n < 3"): it stops only when the condition is not 0. Returns the
 * new point's number (from 1), or 0 with an error in diags (file: origin, e.g. "--break"). A watchpoint on a
 * local or an argument is deleted when its frame returns. */
int hack_debugger_add_breakpoint(hack_debugger *debugger, const char *spec, const char *origin, hack_diag_list *diags);
int hack_debugger_add_watchpoint(hack_debugger *debugger, const char *spec, const char *origin, hack_diag_list *diags);
/* A watchpoint that stops when the word changes (as add_watchpoint; also on A, D or PC, looked at after each
 * instruction), is read (rwatch), or is read or written (awatch). */
typedef enum { HACK_DEBUGGER_WATCH_CHANGE, HACK_DEBUGGER_WATCH_READ, HACK_DEBUGGER_WATCH_ACCESS } hack_debugger_watch_kind;
int hack_debugger_add_watch(hack_debugger *debugger, const char *spec, hack_debugger_watch_kind kind, const char *origin,
                            hack_diag_list *diags);

typedef enum {
    HACK_DEBUGGER_STOPPED_BREAKPOINT, /* at a breakpoint */
    HACK_DEBUGGER_STOPPED_WATCHPOINT, /* a watched word changed */
    HACK_DEBUGGER_STOPPED_STEP,       /* a step, next, finish or run N is done */
    HACK_DEBUGGER_STOPPED_HEAP_REPORT, /* the heap check reported an access (the run can go on) */
    HACK_DEBUGGER_STOPPED_WAITING,    /* the program waits for a key (none is scripted: `key`, `type`) */
    HACK_DEBUGGER_FINISHED,           /* the program stopped for good: halted, Sys.error, machine or stack
                                         error (hack_debugger_last_state says which) */
    HACK_DEBUGGER_STOPPED_INTERRUPT,  /* the front end's interrupt flag was set (Ctrl+C); the run can go on */
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

/* Completion of a command line being typed (line: the text before the cursor): the candidates for its last
 * word, each whole, sorted, passed to fn (may be NULL): the command names, info's subcommands, places after
 * break, tbreak, until, advance and list (functions, File.jack:, labels), names after print, display, x,
 * watch, set var and `if` (the selected frame's variables, its class's fields and statics, an object's
 * fields after "p.", classes, registers, VM segments). Returns how many. The word is what follows the last
 * of hack_debugger_word_breaks in line (a line editor breaks words there too). */
size_t hack_debugger_complete(hack_debugger *debugger, const char *line, void (*fn)(void *context, const char *word),
                              void *context);
extern const char hack_debugger_word_breaks[];

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

/* ---- for front ends that ask for data rather than text (the editor's Debug Adapter Protocol server) ---- */

/* A frame of the call stack. */
typedef struct {
    uint16_t pc;                /* the ROM word it is at (a caller's: its call) */
    const char *function;       /* "Main.fact"; NULL in machine code without functions */
    hack_debugger_place place;  /* its Jack line, else its VM line, else its ROM word */
    bool in_flux;               /* in the translator's call or return code, where its variables cannot be told */
} hack_debugger_frame;

/* The call stack, innermost first: frames first.. into frames (at most max). Returns how many were written;
 * *total (may be NULL) gets how many there are. A PC in the translator's shared routines stands for the
 * command that jumped there, as in the backtrace. */
size_t hack_debugger_frames(hack_debugger *debugger, size_t first, hack_debugger_frame *frames, size_t max,
                            size_t *total);

/* Makes frame (an index of hack_debugger_frames) the one that print and the commands name variables in, as
 * `frame N` does. False when they cannot name its variables (a frame in flux, or past the commands' 64): the
 * innermost frame is selected then. */
bool hack_debugger_select_frame(hack_debugger *debugger, size_t frame);

typedef enum {
    HACK_DEBUGGER_ARGUMENTS, /* a method's `this` first */
    HACK_DEBUGGER_LOCALS,
    HACK_DEBUGGER_FIELDS,    /* of `this`: a method's or a constructor's object */
    HACK_DEBUGGER_STATICS,   /* of the frame's class */
} hack_debugger_scope;

/* A Jack variable, a field, an element, or the value of an expression. */
typedef struct {
    const char *name;  /* as declared (NULL for an expression's value) */
    const char *type;  /* its declared Jack type ("int", "boolean", "Point", "Array"), or NULL: a plain word */
    bool in_ram;       /* it is a word of RAM (address): an expression's value may be a plain number */
    uint16_t address;
    uint16_t value;
} hack_debugger_variable;

/* The variables of one scope of frame, in declaration order. Returns how many there are (0 when the frame's
 * Jack names are not known, or it is in flux); the first max go to out. */
size_t hack_debugger_variables(hack_debugger *debugger, size_t frame, hack_debugger_scope scope,
                               hack_debugger_variable *out, size_t max);

/* The fields of object, an instance of class type. Returns how many there are (0: type is no class whose
 * fields are known, or object is null); the first max go to out. */
size_t hack_debugger_fields(hack_debugger *debugger, const char *type, uint16_t object, hack_debugger_variable *out,
                            size_t max);

/* A value as print shows it: "-3", "true", "65 'A'", "(Point) 14960", (String) 15000 "hi", "(Point) null". */
void hack_debugger_format(hack_debugger *debugger, const char *type, uint16_t value, char *text, size_t size);

/* An expression as print takes it (i, this.x, a[i + 1], Main.count, RAM[256], SP...), in the selected frame.
 * False with the reason in error. */
bool hack_debugger_evaluate(hack_debugger *debugger, const char *expression, hack_debugger_variable *out,
                            char *error, size_t size);

/* Removes breakpoint or watchpoint number (as `delete N`, silently). False when there is none. */
bool hack_debugger_remove_point(hack_debugger *debugger, int number);

/* Where breakpoint number stops: the first line it resolved to. False when there is no such breakpoint. */
bool hack_debugger_breakpoint_place(hack_debugger *debugger, int number, hack_debugger_place *place);

/* The breakpoints that stop at the PC now (after a breakpoint stop: those that were hit). Returns how many
 * there are; the first max numbers go to numbers. */
size_t hack_debugger_breakpoints_here(const hack_debugger *debugger, int *numbers, size_t max);

/* Whether a step by Jack line (or by VM line, for VM code without Jack) would end at ROM word pc: the first
 * word of a statement, past a function's prologue, outside the translator's shared routines. Machine code
 * without a map: every word. */
bool hack_debugger_statement_at(const hack_debugger *debugger, uint16_t pc);

/* For a front end that runs Sys.wait in real time (the session's now_ms: the web page): a command that runs to
 * its end (step, next, finish, until, advance, continue) and meets such a wait lets its time pass at once, through
 * skip, which moves the front end's clock to until_ms, as if the wait were stepped over. Without it such a command
 * stops at the wait and says so. hack_debugger_run leaves waits to the front end (it paces them). */
void hack_debugger_set_wait_skipper(hack_debugger *debugger, void (*skip)(void *context, uint64_t until_ms),
                                    void *context);

#endif
