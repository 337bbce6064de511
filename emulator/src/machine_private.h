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

/* The native tier (the hacktier library): the core calls it only through the functions hack_machine_enable_tier
 * puts in machine->tier_ops beside machine->tier, so hackcore itself has no threads, processes, dlopen or
 * getenv, and a front end without the tier links neither them nor the tier's run loops (tier_run.c). */
struct hack_tier_ops {
    /* hack_machine_run's work while the tier is on (and no breakpoint set): the compiled code and the
     * interpreter in turns, with the same results to the instruction as the interpreter alone. */
    hack_run_result (*run)(hack_machine *machine, uint64_t budget);
    void (*free)(hack_machine *machine);
    void (*forget)(hack_machine *machine);      /* a new program: drop the translation */
    void (*rom_changed)(hack_machine *machine); /* a poke: translate again */
    void (*note_decode)(hack_machine *machine, uint32_t pc);
};

/* run.c: the interpreter's plain loop, which the tier's turns use where its code cannot run. */
hack_run_result hack_run_interpreted(hack_machine *machine, uint64_t budget);

/* The machine's: nothing without a tier. */
static inline void hack_tier_free(hack_machine *machine)
{
    if (machine->tier) machine->tier_ops->free(machine);
}

static inline void hack_tier_forget(hack_machine *machine)
{
    if (machine->tier) machine->tier_ops->forget(machine);
}

static inline void hack_tier_rom_changed(hack_machine *machine)
{
    if (machine->tier) machine->tier_ops->rom_changed(machine);
}

static inline void hack_tier_note_decode(hack_machine *machine, uint32_t pc)
{
    if (machine->tier) machine->tier_ops->note_decode(machine, pc);
}
/* run.c: whether the interpreter's op at pc must run in the interpreter (hook, halt, end, illegal word) */
bool hack_decoded_exits(const hack_machine *machine, uint32_t pc);
uint16_t hack_decoded_hook_kind(void);

#endif
