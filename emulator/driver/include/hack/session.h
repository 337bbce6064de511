/* The run driver: a program on a machine with everything hackemu binds around it (the native OS classes, the
 * native Memory, the heap check, the copy of Output's text, scripted keys), run to a stop that means one thing
 * whoever runs it. The headless runner, the window and the test-script runner all run programs through it, so
 * a stop in a hook, a watched access or a wait for input is handled the same way everywhere.
 * Nothing here prints: messages (OS errors, heap reports) and the program's printed lines go to callbacks. */
#ifndef HACK_SESSION_H
#define HACK_SESSION_H

#include "hack/diag.h"
#include "hack/heap.h"
#include "hack/heap_check.h"
#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    /* The OS. A class of the project's OS that the build added runs natively unless jack_os is set or
     * jack_classes ("Output,Screen") keeps it in Jack. */
    bool jack_os;
    const char *jack_classes;
    bool native_memory;           /* the native Memory even for a program's own Memory class */
    hack_heap_policy heap_policy; /* of the native Memory */
    bool heap_chosen;             /* a policy was asked for (test scripts: then the native Memory is bound) */
    bool continue_after_bad_free; /* a bad deAlloc is reported and ignored instead of stopping the run */
    bool check_heap;              /* the heap sanitizer */
    bool check_heap_no_leaks;     /* with it: no leak reports (--check-heap=no-leaks) */
    int check_report_limit;       /* findings written out (the rest are counted); 0: 20 */
    bool relaxed;                 /* the machine's relaxed mode */
    bool mirror_output;           /* Output's text to output_line, a line at a time */
    bool test_script;             /* bound by a test script: each program's run finished when the next is
                                     loaded; machine code gets the native Memory only when heap_chosen */
    /* Sys.wait in real time (the window): milliseconds on a monotonic clock; NULL: virtual time */
    uint64_t (*now_ms)(void *context);
    bool no_pace;                 /* with now_ms: leave a Sys.wait the program brings itself unpaced */
    bool track_allocations;       /* keep the latest allocations and the live blocks (the heap map) with a
                                     Jack Memory too, of any layout */
    bool heap_timeline;           /* the heap check (or tracking) records the heap over time */
    /* OS errors with their call stacks, bad frees: one a call, one or more lines (no "hackemu: " prefix) */
    void (*message)(void *context, const char *text);
    /* the heap check's findings, each a finished text of several lines, and its facts */
    void (*heap_report)(void *context, const hack_heap_finding *finding, const char *text);
    /* a line the program printed with Output, without its newline */
    void (*output_line)(void *context, const char *text);
    void *context;
    /* A debugger's: a heap check finding stops the run before the access it reports, or at the call of a
     * hooked Memory function it reports (HACK_SESSION_DEBUG) */
    bool stop_at_heap_report;
} hack_session_options;

typedef struct hack_session hack_session;

/* A key held down from a cycle on (0 releases it), for runs without a keyboard. */
typedef struct {
    uint64_t cycle;
    uint16_t key;
} hack_key_event;

/* The options are copied (the strings in them must outlive the session). NULL when memory ran out. */
hack_session *hack_session_create(hack_machine *machine, const hack_session_options *options);
/* Unbinds and frees the session (not the machine, not the program). */
void hack_session_free(hack_session *session);

/* A RAM word set before the program runs (hackemu's --set, a debug launch's "set"). */
typedef struct {
    uint16_t address, value;
} hack_ram_write;

/* Where the program came from, which decides how it starts. */
typedef enum {
    HACK_LAUNCH_MACHINE_CODE, /* a .hack or .asm: its .sym says which OS classes the tools put in */
    HACK_LAUNCH_VM,           /* VM or Jack code, as the course's VM emulator takes it */
    HACK_LAUNCH_TRANSLATED,   /* VM code translated to run as machine code from ROM 0 (a CPU script's --translate) */
} hack_launch_code;

/* What a run starts from, all of it: the program, its provenance and the RAM words set before it runs. A load
 * starts the program so, and a reload (a reset) starts it so again. */
typedef struct {
    const hack_program *program; /* must outlive the binding */
    unsigned os_added;           /* the OS classes the build added (hack_build_options.os_added), the only ones
                                    that may run natively; for machine code its .sym says instead */
    hack_launch_code code;
    /* VM code: the build put in the bootstrap (SP = 256, call Sys.init). Without it the program starts as the
     * course's VM emulator starts a lone file: SP = 256, at Sys.init (entered without a frame) when there is
     * one, else at its first command. */
    bool bootstrapped;
    const hack_ram_write *writes; /* after the start, in order (copied) */
    size_t write_count;
} hack_launch;

/* Loads the launch's program (launch->program not NULL) into the machine, binds what the options ask for, and starts it as the launch
 * says (SP, the PC, the RAM writes). False (with an error in diags) when something could not be bound or
 * memory ran out. Loading again unbinds the previous program first. */
bool hack_session_load(hack_session *session, const hack_launch *launch, hack_diag_list *diags);

/* The program's run is over: hack_session_finish, then everything is unbound (the program may be freed). */
void hack_session_unload(hack_session *session);

/* Starts the same launch again, as a reset does: the machine starts over, everything is bound anew, and the
 * program starts as it did (SP = 256 for a lone VM file, the RAM writes). The rest of the RAM is left as it is. */
bool hack_session_reload(hack_session *session, hack_diag_list *diags);

/* "ADDR=VALUE" (--set): ADDR as hack_session_resolve_address takes it, VALUE -32768..65535. False for any other
 * text. */
bool hack_ram_write_parse(const hack_program *program, const char *text, hack_ram_write *write);

/* Scripted keys for runs without a keyboard, in cycle order (copied). While the program waits for a key in
 * the native Keyboard, time jumps to the next event. */
bool hack_session_set_keys(hack_session *session, const hack_key_event *events, size_t count);

typedef enum {
    HACK_SESSION_BUDGET,       /* the budget is spent; the program can go on */
    HACK_SESSION_HALTED,       /* it halted (the halt idiom, or it ran past its last instruction) */
    HACK_SESSION_FAULT,        /* machine error: hack_machine_fault */
    HACK_SESSION_SYS_ERROR,    /* the program called Sys.error and halted (reported to message) */
    HACK_SESSION_HEAP_ERROR,   /* the native Memory stopped it: a bad deAlloc, a corrupted heap (reported) */
    HACK_SESSION_WAITING_KEY,  /* the native Keyboard waits for a key to go down or up, and none is scripted */
    HACK_SESSION_WAITING_TIME, /* a real-time Sys.wait until until_ms: run again when the time has come */
    HACK_SESSION_STACK_ERROR,  /* VM code broke its stack: see stop.stack (hack_session_describe_stack) */
    HACK_SESSION_DEBUG,        /* a debugger's stop (stop.debug says which); the program can go on. Only when
                                  a breakpoint, a watchpoint or stop_at_heap_report is set */
} hack_session_state;

typedef enum {
    HACK_DEBUG_STOP_NONE,
    HACK_DEBUG_STOP_BREAKPOINT,  /* PC is at a breakpoint (hack_machine_set_breakpoint); nothing there has run */
    HACK_DEBUG_STOP_WATCHPOINT,  /* an instruction is about to read or write a word of the watchpoints
                                    (hack_machine_watch_hit): PC is at it, and running again runs it first */
    HACK_DEBUG_STOP_HEAP_REPORT, /* the heap check reported the access hack_machine_watch_hit; PC is at the
                                    instruction, which has not run: running again runs it. Or it reported a
                                    call to a hooked Memory function (a bad free, a native peek or poke):
                                    PC is at the function's entry, and running again makes the call */
} hack_debug_stop;

typedef enum {
    HACK_STACK_OK,
    HACK_STACK_OVERFLOW,  /* SP passed the top of the stack (2047) into the heap */
    HACK_STACK_UNDERFLOW, /* SP fell below the bottom of the stack (256) */
    HACK_STACK_BAD_FRAME, /* a return found a frame that is no frame (LCL or the return address corrupted) */
    HACK_STACK_SP_OVERWRITTEN, /* SP is far from the innermost frame (LCL): written by a stray write, through a
                                  null pointer (RAM[0] is SP) or a wild one, not grown there */
    HACK_STACK_RESTART,   /* the program jumped back to ROM 0, its bootstrap (a return to address 0, through a
                             corrupted frame): it would start over and over */
} hack_stack_error;

typedef struct {
    hack_session_state state;
    uint64_t cycles;   /* instructions executed by this call (watched accesses included) */
    uint64_t until_ms; /* HACK_SESSION_WAITING_TIME */
    bool endless_loop; /* HALTED or SYS_ERROR: in a loop that can no longer change anything (hack_session_run) */
    hack_stack_error stack; /* STACK_ERROR: which */
    hack_debug_stop debug;  /* DEBUG: which */
} hack_session_stop;

/* Runs at most budget instructions (UINT64_MAX: no limit). Watched accesses are reported to the heap check
 * and stepped over; a hook that stops the run is turned into the state it means. Running again after
 * BUDGET or WAITING_* goes on; after any other state the program has stopped for good.
 * Besides the halt idiom, a program halts when it is caught in a loop that can no longer change anything
 * (HALTED with endless_loop): every few million instructions the driver follows one round of the loop the
 * PC is in, and when the round writes only the values already there, reads no keyboard, runs no hook and
 * comes back to the same A, D and PC, the machine is at a fixed point (a Jack `while (true) {}`, the course's
 * Sys.halt). Not in test scripts, where a halted program's time passes as on the course's emulators. */
hack_session_stop hack_session_run(hack_session *session, uint64_t budget);

/* A debugger's watched words: map[i] != 0 stops the run before each instruction that reads or writes RAM[i]
 * (HACK_DEBUG_STOP_WATCHPOINT); NULL: none. The map must outlive its use (set NULL before freeing it). It is
 * the machine's watch map, so it costs nothing while NULL. False when the heap check holds the machine's
 * watch map: the caller then has to look at the words itself, an instruction at a time. */
bool hack_session_set_watchpoints(hack_session *session, const uint8_t *map);

/* VM code's stack is watched (not in test scripts, whose VM-emulator tests set SP as they please): SP is
 * looked at every few thousand instructions, at every watched access and at every stop, so a runaway
 * recursion stops as a stack overflow (before the heap check reports every word it overwrites, and before
 * it reaches the screen); a machine error in the return routine is a corrupted frame. */

/* The call stack of a stack error, summarising recursion: "Main.fact (Main.jack:5) called itself 1,200
 * times". Returns the length written. */
size_t hack_session_describe_stack(const hack_session *session, char *buf, size_t size);

/* What a stop means, for a person, as every front end says it: the stop's record (hack_session_record_stop)
 * told by hack_stop_format as HACK_STOP_TEXT_RUN: for a machine error, a broken stack, a halt in a loop that can
 * no longer change anything, a budget spent (where it was spinning) and a wait for a key that no one will press,
 * a first line "NAME: ..." (name: the program as the user named it) and the call stack on the lines after it;
 * empty for the other stops. Returns the length written. */
size_t hack_session_explain_stop(const hack_session *session, hack_session_stop stop, const char *name, char *buf,
                                 size_t size);

/* Where a program that has not halted spends its time: the function and line seen most often in the last
 * million or so instructions ("Memory.alloc (Memory.jack:41)"). Returns the length written (0: not known). */
size_t hack_session_hot_spot(const hack_session *session, char *buf, size_t size);

/* A test script's tick: exactly n instructions of time pass, whatever the program does. A program that
 * halts, stops in the native OS or waits for a key spins in place, as it would on the course's emulators,
 * so its time is counted without running anything. Returns the state of the last stop: FAULT and
 * HEAP_ERROR end early (*done: the cycles that passed). */
hack_session_state hack_session_tick(hack_session *session, uint64_t n, uint64_t *done);

/* Ends the run: the rest of Output's last line, the heap check's leaks and summary. Returns the number of
 * problems the heap check found in this program (0 without it). Called again, returns 0. */
int hack_session_finish(hack_session *session);

/* What the heap check, or the tracking of a Jack Memory (track_allocations), knows of the blocks: the live
 * ones, figures, the timeline (after hack_session_finish too). NULL when neither runs. */
const hack_heap_sanitizer *hack_session_block_record(const hack_session *session);

/* Heap problems the check found in every program loaded so far (test scripts load several). */
int hack_session_heap_problems(const hack_session *session);

/* What the session has bound; NULL when none. */
const hack_program *hack_session_program(const hack_session *session);
hack_heap *hack_session_heap(hack_session *session); /* the native heap */

/* With now_ms (and not no_pace), a Sys.wait that the program brings itself (a .hack/.asm's, or a VM class
 * Sys that is not the project's) is paced in real time: its busy loop runs, and its return waits until the
 * time asked has passed (HACK_SESSION_WAITING_TIME meanwhile). True when this program's is; *clock_hz: the
 * clock rate its loop is tuned for (0: unknown; see hack_native_os_paced_wait). */
bool hack_session_paced_wait(const hack_session *session, uint64_t *clock_hz);

/* The heap map (hack/heap_map.h) of the machine now, HACK_HEAP_MAP_COLUMNS * scale x HACK_HEAP_MAP_ROWS * scale
 * RGB pixels, the latest allocations in orange: the project's layout read from the RAM, or, for an allocator of its
 * own, the blocks its calls handed out (when the heap check or track_allocations follows them); the caption
 * says which, with the figures. False when the heap is not in the project's layout and its blocks are not known. */
bool hack_session_render_heap_map(const hack_session *session, int scale, uint8_t *rgb, char *caption, size_t size);

/* The latest blocks allocated (up to 8, oldest first), for the heap map. Returns how many. */
size_t hack_session_recent_allocations(const hack_session *session, uint16_t *addresses, size_t capacity);

/* An address given by the user (--set, --ram, the debugger): a number 0..32767, a predefined symbol (R0..R15,
 * SP, LCL, ARG, THIS, THAT, SCREEN, KBD) or a RAM symbol of the program (a variable or static). Any other
 * text, or a symbol outside RAM, is refused. */
bool hack_session_resolve_address(const hack_program *program, const char *text, size_t length, uint16_t *address);

#endif
