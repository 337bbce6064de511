#ifndef HACK_TEST_SUPPORT_H
#define HACK_TEST_SUPPORT_H

#include <check.h>
#include <stdint.h>

/* Each test file defines its suite. */
Suite *make_suite(void);

/* A small deterministic generator for randomised tests (xorshift32). */
static inline uint32_t test_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

#endif
