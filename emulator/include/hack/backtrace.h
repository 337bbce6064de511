/* The VM call stack of a running program, from its frames (LCL chain) and its program map. */
#ifndef HACK_BACKTRACE_H
#define HACK_BACKTRACE_H

#include "hack/machine.h"
#include "hack/program.h"

#include <stddef.h>

/* Writes lines "  in Memory.alloc", "  called from Main.main (Main.vm:12)", ... innermost first, for the
 * function whose code holds the PC (or that was just entered). Returns the length written. */
size_t hack_backtrace(const hack_machine *machine, const hack_program *program, char *buf, size_t size);

/* One place in the program, as the call stacks show it: "Main.main (Main.vm:12)", or "(ROM 7)". */
size_t hack_backtrace_describe(const hack_program *program, uint16_t pc, char *buf, size_t size);

#endif
