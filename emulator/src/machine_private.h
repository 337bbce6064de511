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

/* Whether a hook or a pending return trap sits at address. */
bool hack_hooks_at(const hack_machine *machine, uint32_t address);

typedef enum {
    HACK_HOOK_OUTCOME_RESUME,  /* registers and PC were changed: go on from there */
    HACK_HOOK_OUTCOME_EXECUTE, /* execute the instruction at PC itself */
    HACK_HOOK_OUTCOME_STOP,
    HACK_HOOK_OUTCOME_FAULT,
} hack_hook_outcome;

/* Calls what is bound at machine->pc (registers synced in the machine). */
hack_hook_outcome hack_hooks_dispatch(hack_machine *machine);

/* One instruction by the reference path, without counting the cycle; false (and machine->fault set, state
 * untouched) on a fault. */
bool hack_step_uncounted(hack_machine *machine);

#endif
