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

/* The native tier (the hacktier library, tier.c): the run loop's side. The core calls it only through the
 * functions hack_machine_enable_tier puts in machine->tier_ops beside machine->tier, so hackcore itself has no
 * threads, processes, dlopen or getenv, and a front end without the tier does not link them. */
typedef struct {
    uint16_t *ram;
    const uint16_t *kinds; /* &decoded[0].kind: the tier reads kinds[pc * 4] */
    uint16_t hook_kind, a, d;
    uint32_t pc;
    uint64_t left;
} hack_tier_state;
typedef void (*hack_tier_fn)(hack_tier_state *state);
struct hack_tier_ops {
    /* The compiled code when it may run (starts the translation when the program is hot), else NULL and in
     * *interpret_for how many instructions the interpreter may run before asking again. */
    hack_tier_fn (*ready)(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile);
    /* *profile set (fn NULL): run up to *interpret_for instructions marking profile[pc] for each (the
     * profiled run loop finds the map with profile_map), and say how many with account. It also takes the
     * instructions the compiled code and the interpreter ran while the code was ready, and the times the code
     * handed back but at hooks (their shares decide whether to translate again). */
    void (*account)(hack_machine *machine, uint64_t compiled, uint64_t interpreted, uint64_t profiled,
                    uint64_t exits);
    uint8_t *(*profile_map)(hack_machine *machine);
    const uint8_t *(*entry_map)(hack_machine *machine); /* the words the code can start at */
    void (*free)(hack_machine *machine);
    void (*forget)(hack_machine *machine);      /* a new program: drop the translation */
    void (*rom_changed)(hack_machine *machine); /* a poke: translate again */
    void (*note_decode)(hack_machine *machine, uint32_t pc);
};

/* The run loop's calls (machine->tier set: the tiered run is taken only then). */
static inline hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile)
{
    return machine->tier_ops->ready(machine, interpret_for, profile);
}

static inline void hack_tier_account(hack_machine *machine, uint64_t compiled, uint64_t interpreted,
                                     uint64_t profiled, uint64_t exits)
{
    machine->tier_ops->account(machine, compiled, interpreted, profiled, exits);
}

static inline uint8_t *hack_tier_profile_map(hack_machine *machine)
{
    return machine->tier_ops->profile_map(machine);
}

static inline const uint8_t *hack_tier_entry_map(hack_machine *machine)
{
    return machine->tier_ops->entry_map(machine);
}

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
