/* Numbers on the command line, checked whole and against their range (cli_numbers.h). */
#include "cli_numbers.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool cli_whole_number(const char *option, const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
    char *end = NULL;
    errno = 0;
    const bool digits = text && isdigit((unsigned char)text[0]); /* (strtoull takes "-5" as a huge number) */
    const unsigned long long v = digits ? strtoull(text, &end, 10) : 0;
    if (!digits || errno || *end || v < min || v > max) {
        fprintf(stderr, "hackemu: %s takes a whole number from %llu to %llu, not '%s'\n", option,
                (unsigned long long)min, (unsigned long long)max, text ? text : "");
        return false;
    }
    *value = v;
    return true;
}

bool cli_seconds(const char *option, const char *text, double min, double max, double *value)
{
    char *end = NULL;
    errno = 0;
    const bool digits = text && (isdigit((unsigned char)text[0]) || text[0] == '.');
    const double v = digits ? strtod(text, &end) : 0;
    if (!digits || errno || *end || !(v >= min && v <= max)) {
        fprintf(stderr, "hackemu: %s takes a number of seconds from %g to %g, not '%s'\n", option, min, max,
                text ? text : "");
        return false;
    }
    *value = v;
    return true;
}
