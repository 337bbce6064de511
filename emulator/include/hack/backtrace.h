/* The VM call stack of a running program, from its frames (LCL chain) and its program map. */
#ifndef HACK_BACKTRACE_H
#define HACK_BACKTRACE_H

#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes lines "  in Memory.alloc (Memory.jack:41)", "  called from Main.main (Main.jack:12)", ... innermost
 * first, from the function whose code holds the PC (or that was just entered). Each frame is at its Jack line
 * when the program map has one, else at its VM line ("Main.vm:40"), else at its ROM address. A PC in the
 * translator's shared routines (call, return, eq/gt/lt, call stubs) stands for the command that jumped
 * there, in its function, at its line (see hack_routine). Lines are written whole: when the next one does not
 * fit in size, "  ..." ends the text. Returns the length written. */
size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size);

/* A frame of the call stack: the ROM word that stands for its place (the PC, the call that made the next frame
 * in, or, in the translator's shared routines, the command that jumped there). lost: the PC is in the shared
 * code, whose caller cannot be told (R13, which tells it, was r13, overwritten). */
typedef struct {
    uint16_t pc;
    bool lost;
    uint16_t r13;
} hack_backtrace_frame;

/* The frames hack_backtrace writes a line for, innermost first, up to max (HACK_BACKTRACE_FRAMES: all it
 * writes). Returns how many were stored; *more (may be NULL): the stack goes on past them. */
enum { HACK_BACKTRACE_FRAMES = 66 };
size_t hack_backtrace_frames(const hack_machine *machine, const hack_program *program, hack_backtrace_frame *frames,
                             size_t max, bool *more);

/* The lines hack_backtrace writes for these frames (more: "  ..." after them), as it fits them in size. */
size_t hack_backtrace_write(const hack_program *program, const hack_backtrace_frame *frames, size_t count, bool more,
                            char *buf, size_t size);

/* A frame as its call stack line names it, without "in" or "called from": "Main.main (Main.jack:12)". Returns
 * the length written. */
size_t hack_backtrace_frame_describe(const hack_program *program, const hack_backtrace_frame *frame, char *buf,
                                     size_t size);

/* One place in the program, as the call stacks show it: "Main.main (Main.vm:12)", or "(ROM 7)". */
size_t hack_backtrace_describe(const hack_program *program, uint16_t pc, char *buf, size_t size);

/* The ROM address that stands for where the machine is: the PC, or, in the translator's shared routines, the
 * command that jumped there (as hack_backtrace's first line shows it). */
uint16_t hack_backtrace_place(const hack_machine *machine, const hack_program *program);

#endif
