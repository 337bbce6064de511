/* The VM call stack of a running program, from its frames (LCL chain) and its program map. */
#ifndef HACK_BACKTRACE_H
#define HACK_BACKTRACE_H

#include "hack/machine.h"
#include "hack/program.h"

#include <stddef.h>

/* Writes lines "  in Memory.alloc (Memory.jack:41)", "  called from Main.main (Main.jack:12)", ... innermost
 * first, from the function whose code holds the PC (or that was just entered). Each frame is at its Jack line
 * when the program map has one, else at its VM line ("Main.vm:40"), else at its ROM address. A PC in the
 * translator's shared routines (call, return, eq/gt/lt, call stubs) stands for the command that jumped
 * there, in its function, at its line (see hack_routine). Lines are written whole: when the next one does not
 * fit in size, "  ..." ends the text. Returns the length written. */
size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size);

/* One place in the program, as the call stacks show it: "Main.main (Main.vm:12)", or "(ROM 7)". */
size_t hack_backtrace_describe(const hack_program *program, uint16_t pc, char *buf, size_t size);

/* The ROM address that stands for where the machine is: the PC, or, in the translator's shared routines, the
 * command that jumped there (as hack_backtrace's first line shows it). */
uint16_t hack_backtrace_place(const hack_machine *machine, const hack_program *program);

#endif
