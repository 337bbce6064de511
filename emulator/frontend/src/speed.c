#include "hack/speed.h"

#include <stdio.h>

/* The series' n-th value: 100, 200, 500, 1000, ... */
static uint64_t step(int n)
{
    static const uint64_t mantissa[3] = {1, 2, 5};
    uint64_t value = mantissa[n % 3] * HACK_SPEED_LOWEST;
    for (int i = 0; i < n / 3; i++) value *= 10;
    return value;
}

uint64_t hack_speed_faster(uint64_t target)
{
    if (target == 0) return 0;
    for (int n = 0; step(n) <= HACK_SPEED_HIGHEST; n++)
        if (step(n) > target) return step(n);
    return 0;
}

uint64_t hack_speed_slower(uint64_t target, double measured)
{
    double from = target ? (double)target : measured > 0 ? measured : (double)HACK_SPEED_HIGHEST;
    uint64_t below = HACK_SPEED_LOWEST;
    for (int n = 0; step(n) <= HACK_SPEED_HIGHEST; n++)
        if ((double)step(n) < from) below = step(n);
    return below;
}

void hack_speed_format(double hz, char *text, size_t size)
{
    static const char *const units[] = {"Hz", "kHz", "MHz", "GHz"};
    int unit = 0;
    while (unit < 3 && hz >= 999.5) {
        hz /= 1000;
        unit++;
    }
    /* three significant digits, without trailing zeros: 3.19, 3.2, 12.5, 712 */
    int decimals = hz >= 99.95 ? 0 : hz >= 9.995 ? 1 : 2;
    if (unit == 0) decimals = 0;
    char number[32];
    snprintf(number, sizeof number, "%.*f", decimals, hz);
    char *end = number;
    while (*end) end++;
    if (decimals > 0) {
        while (end[-1] == '0') *--end = '\0';
        if (end[-1] == '.') *--end = '\0';
    }
    snprintf(text, size, "%s %s", number, units[unit]);
}

void hack_speed_describe(const hack_speed_sample *sample, char *text, size_t size)
{
    if (sample->waiting_key) {
        snprintf(text, size, "waiting for a key");
        return;
    }
    char speed[32], target[48] = "", waits[40] = "";
    if (sample->target) {
        char value[32];
        hack_speed_format((double)sample->target, value, sizeof value);
        snprintf(target, sizeof target, " (target %s)", value);
    }
    if (sample->cycles == 0 || sample->seconds <= 0) {
        snprintf(text, size, "%s%s", sample->in_wait ? "waiting in Sys.wait" : "running", target);
        return;
    }
    hack_speed_format((double)sample->cycles / sample->seconds, speed, sizeof speed);
    double share = sample->wait_seconds / sample->seconds;
    if (share >= 0.01) /* some of the time went to running instructions: never "100%" */
        snprintf(waits, sizeof waits, ", %.0f%% in Sys.wait", share > 0.99 ? 99.0 : share * 100);
    snprintf(text, size, "running at %s%s%s", speed, target, waits);
}
