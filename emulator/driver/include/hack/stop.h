/* How a run ended, once: the session records a stop's facts (what stopped it, where, with the Jack frames, and the
 * finding's data), and one formatter turns the record into the message each reader shows. hackemu, the window,
 * the page and the debug adapter say "NAME: machine error at cycle N: ..."; the debugger says "Machine error:
 * ..."; a test script names its line; the memory bench keeps a short detail. Readers that decide something
 * (an exit status, a verdict) read the record's fields, never the words. */
#ifndef HACK_STOP_H
#define HACK_STOP_H

#include "hack/backtrace.h"
#include "hack/heap_check.h"
#include "hack/machine.h"
#include "hack/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    hack_session_stop stop;      /* the state, which stack error or debugger's stop, endless_loop, the cycles run */
    uint64_t cycle;              /* the machine's instruction count at the stop */
    uint16_t pc, sp, lcl;        /* the machine then (SP and LCL: RAM[0] and RAM[1]) */
    hack_fault fault;            /* a machine error (FAULT, a corrupted frame): its kind, address, PC */
    uint16_t call_locals, call_sp; /* a stack overflow caught at a call's entry: its locals and SP (0 0: none) */
    int sys_error_code;          /* SYS_ERROR: the code Sys.error was called with */
    hack_heap_finding heap;      /* the heap check's latest finding in this program (kind NONE: none) */
    bool sys_error;              /* Sys.error was called (whatever the state: a Sys.halt may still be looping) */
    /* where the program called Sys.error first (its frames then, innermost first: Sys.error's own), and what the
     * OS said of it ("Sys.error(3): Math.divide by zero" and the call stack) */
    hack_backtrace_frame error_frames[HACK_HEAP_FINDING_FRAMES];
    size_t error_frame_count;
    char error_message[4096];
    bool mapped;                 /* the program has functions or a program map: its call stack means something */
    /* the call stack, innermost first (hack_backtrace_frames): where the program is, and who called it (ROM
     * places of the program that ran) */
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES];
    size_t frame_count;
    char backtrace[8192];        /* the same told (hack_backtrace): "  in Main.f (Main.jack:3)\n  called from ..." */
    char place[256];             /* the innermost frame as call stacks name it ("Main.main (Main.jack:3)") */
    char hot_spot[256];          /* BUDGET: where the program spent its time lately ("" when not known) */
    char stack[8192];            /* a stack error: the call stack with its recursion summed up
                                    (hack_session_describe_stack) */
    char message[4096];          /* the OS's latest message in this program (a Sys.error's, a bad free's), or "" */
    char heap_message[4096];     /* the native Memory's first message in this program (what stopped a HEAP_ERROR:
                                    a bad free, a corrupted heap, no room), or "" */
} hack_stop_record;

/* The facts of the stop the session's last run ended in (stop: what hack_session_run returned), for
 * hack_stop_format; the machine is read as it is now, so record before anything runs again. */
void hack_session_record_stop(const hack_session *session, hack_session_stop stop, hack_stop_record *record);

typedef enum {
    /* hackemu, the window, the page, the debug adapter: a machine or stack error, a halt in a loop that can no
     * longer change anything, a budget spent, a wait for a key no one will press, as "NAME: ..." with the call
     * stack on the lines after; nothing for the other stops */
    HACK_STOP_TEXT_RUN,
    /* the debugger's end of a run: "The program halted.", "Machine error: ...\nStopped before it, in PLACE",
     * "Stack overflow: ...", with the stack; nothing for a budget, a wait or a debugger's stop. The debug
     * adapter ends a halted program's session with its halt line */
    HACK_STOP_TEXT_DEBUGGER,
    /* a test script whose program stopped it: "NAME: machine error at cycle N: ..." with the call stack of a
     * program with functions, "NAME: the program was stopped at cycle N (reported above)" (name: "X.tst:LINE") */
    HACK_STOP_TEXT_SCRIPT,
    /* a test bench's one-line detail of an error: "the stack ran into the heap", the machine error, the native
     * Memory's message's first line */
    HACK_STOP_TEXT_DETAIL,
} hack_stop_text;

/* The message for a record, as the reader of kind says it; name: the program as the user named it. Returns
 * the length written (0: nothing to say for this stop). */
size_t hack_stop_format(const hack_stop_record *record, hack_stop_text kind, const char *name, char *buf,
                        size_t size);

#endif
