/* A build without the native tier (the web page's: no compiler, no processes, no dlopen): the interpreter
 * runs everything, and the tier's hooks into the machine and the run loop do nothing. */
#include "machine_private.h"

#include <stdio.h>

bool hack_machine_enable_tier(hack_machine *machine, const hack_tier_options *options)
{
    (void)machine;
    (void)options;
    return false;
}

hack_tier_status hack_machine_tier_status(const hack_machine *machine, char *why, size_t size)
{
    (void)machine;
    if (why && size) snprintf(why, size, "this build has no native tier");
    return HACK_TIER_OFF;
}

void hack_machine_tier_report(const hack_machine *machine, char *out, size_t size)
{
    (void)machine;
    if (size) out[0] = '\0';
}

hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile)
{
    (void)machine;
    *interpret_for = UINT64_MAX;
    *profile = NULL;
    return NULL;
}

void hack_tier_account(hack_machine *machine, uint64_t compiled, uint64_t interpreted, uint64_t profiled,
                       uint64_t exits)
{
    (void)machine;
    (void)compiled;
    (void)interpreted;
    (void)profiled;
    (void)exits;
}

uint8_t *hack_tier_profile_map(hack_machine *machine)
{
    (void)machine;
    return NULL;
}

const uint8_t *hack_tier_entry_map(hack_machine *machine)
{
    (void)machine;
    return NULL;
}

void hack_tier_free(hack_machine *machine)
{
    (void)machine;
}

void hack_tier_forget(hack_machine *machine)
{
    (void)machine;
}

void hack_tier_rom_changed(hack_machine *machine)
{
    (void)machine;
}

void hack_tier_note_decode(hack_machine *machine, uint32_t pc)
{
    (void)machine;
    (void)pc;
}
