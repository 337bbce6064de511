/* Numbers on hackemu's command line, checked whole and against their range: "12abc", "-5" or "100000" for an
 * option that takes 1..8 is an error naming the option and the range, never a silent 0 or 1. */
#ifndef HACK_CLI_NUMBERS_H
#define HACK_CLI_NUMBERS_H

#include <stdbool.h>
#include <stdint.h>

/* A whole number in min..max (decimal); false, with the message on stderr, otherwise. */
bool cli_whole_number(const char *option, const char *text, uint64_t min, uint64_t max, uint64_t *value);

/* A number of seconds (decimal, a fraction allowed) in min..max; false, with the message on stderr, otherwise. */
bool cli_seconds(const char *option, const char *text, double min, double max, double *value);

#endif
