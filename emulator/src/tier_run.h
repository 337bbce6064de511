/* Inside the native tier (hacktier): how its run (tier_run.c) and its state (tier.c) meet. The core knows
 * only hack_tier_ops (machine_private.h). */
#ifndef HACK_TIER_RUN_H
#define HACK_TIER_RUN_H

#include "machine_private.h"

/* The compiled code's entry and the state it runs on (tier_translate.c writes the same layout into the C). */
typedef struct {
    uint16_t *ram;
    const uint16_t *kinds; /* &decoded[0].kind: the code reads kinds[pc * 4] */
    uint16_t hook_kind, a, d;
    uint32_t pc;
    uint64_t left;
} hack_tier_state;
typedef void (*hack_tier_fn)(hack_tier_state *state);

/* tier.c. The compiled code when it may run (starts the translation when the program is hot), else NULL and in
 * *interpret_for how many instructions the interpreter may run before asking again; *profile set (fn NULL):
 * run them marking profile[pc] for each (the profiled loop finds the map with hack_tier_profile_map). */
hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile);
/* tier.c. The instructions the compiled code and the interpreter ran while the code was ready, those the
 * profiled loop ran, and the times the code handed back but at hooks (their shares decide whether to
 * translate again). */
void hack_tier_account(hack_machine *machine, uint64_t compiled, uint64_t interpreted, uint64_t profiled,
                       uint64_t exits);
uint8_t *hack_tier_profile_map(hack_machine *machine);
const uint8_t *hack_tier_entry_map(hack_machine *machine); /* the words the code can start at */

/* tier_run.c: hack_machine_run while the tier is on (hack_tier_ops.run). */
hack_run_result hack_tier_run_in_turns(hack_machine *machine, uint64_t budget);

#endif
