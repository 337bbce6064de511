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

/* The ALU as the spec defines it from its control bits (zx nx zy ny f no), phrased arithmetically
 * (~v = -v - 1) rather than bitwise, as an independent model for the core's ALU. */
static inline uint16_t spec_alu(unsigned c, int x, int y)
{
    if (c & 32) x = 0;
    if (c & 16) x = -x - 1;
    if (c & 8) y = 0;
    if (c & 4) y = -y - 1;
    int out = (c & 2) ? x + y : (x & y);
    if (c & 1) out = -out - 1;
    return (uint16_t)(out & 0xFFFF);
}

#endif
