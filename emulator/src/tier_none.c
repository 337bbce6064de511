/* A build without the native tier (the web page's: no compiler, no processes, no dlopen): hacktier has only the
 * tier's public functions, and the tier is never on (machine->tier stays NULL, so the core runs the
 * interpreter alone). */
#include "hack/machine.h"

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
