/* The window's speed, without SDL: the targets the speed keys step through, and the text of the title's speed
 * part. Speeds are instructions a second; a target of 0 is full speed (as fast as the host goes). */
#ifndef HACK_SPEED_H
#define HACK_SPEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The targets are the 1-2-5 series from 100 Hz to 1 GHz. */
enum { HACK_SPEED_LOWEST = 100 };
#define HACK_SPEED_HIGHEST UINT64_C(1000000000)

/* Faster (Ctrl+Up): the next target above target (which need not be on the series); above the highest, full
 * speed. Full speed stays full speed. */
uint64_t hack_speed_faster(uint64_t target);

/* Slower (Ctrl+Down): the next target below target; from full speed, the one below measured (the speed the
 * program ran at), so that the change shows at once. Never below the lowest. */
uint64_t hack_speed_slower(uint64_t target, double measured);

/* A speed as text, at most three significant digits: "712 MHz", "3.19 MHz", "500 kHz", "1 GHz", "90 Hz". */
void hack_speed_format(double hz, char *text, size_t size);

/* What the window saw over the last interval. */
typedef struct {
    double seconds;      /* how long the interval was */
    uint64_t cycles;     /* instructions run in it */
    double wait_seconds; /* of that time, how long the program waited in a real-time Sys.wait */
    bool in_wait;        /* it waits in Sys.wait now */
    bool waiting_key;    /* it waits for a key (the native Keyboard.readChar) */
    uint64_t target;     /* the target speed; 0: full speed */
} hack_speed_sample;

/* The title's speed part: "running at 712 MHz", "running at 3.19 MHz (target 3.2 MHz)", "running at 1.2 MHz,
 * 97% in Sys.wait" (the speed over the whole interval, waits included); when nothing ran, "waiting in
 * Sys.wait" or "running", with the target if there is one; "waiting for a key". Never "0 MHz". */
void hack_speed_describe(const hack_speed_sample *sample, char *text, size_t size);

#endif
