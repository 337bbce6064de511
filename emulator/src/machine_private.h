/* Inside the core only: the decoded ROM the run loop dispatches on, and the reference step. */
#ifndef HACK_MACHINE_PRIVATE_H
#define HACK_MACHINE_PRIVATE_H

#include "hack/machine.h"

struct hack_decoded_op {
    uint16_t kind;  /* what the run loop does (run.c) */
    uint16_t value; /* the A value of a fused or lone A-instruction */
    uint16_t word;  /* the C-instruction word */
    uint16_t unused;
};

/* Decodes ROM address pc (and its pairing with pc + 1) into machine->decoded[pc]. */
void hack_decode_at(hack_machine *machine, uint32_t pc);

/* One instruction by the reference path, without counting the cycle; false (and machine->fault set, state
 * untouched) on a fault. */
bool hack_step_uncounted(hack_machine *machine);

#endif
