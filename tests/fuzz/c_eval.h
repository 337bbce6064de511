/* An evaluator of the C the native tier's translator writes (tier_translate.c), for fuzz_tier_equiv: the
 * function hack_tier_run(st_t *s) run in-process, as a C compiler would run it, without compiling anything.
 *
 * It reads a small subset of C: declarations of uint16_t, uint32_t and uint64_t variables and of pointers
 * to uint16_t; labels, goto, if (else), switch with case and default (break), compound statements; the
 * assignments =, += and -=; expressions of integer constants (decimal, hex, u and l suffixes), variables,
 * s->FIELD, indexing, casts to those types and (void), ~ ! - and the binary operators * + - & ^ | << >>
 * comparisons, && and ||, all with C's integer promotions and usual arithmetic conversions (int and unsigned
 * int of 32 bits, uint64_t unsigned long of 64). Text outside the subset is refused when parsed; behaviour a
 * compiler may do anything with (a signed overflow, an index outside the machine's arrays, a read of a
 * variable before it is set, a shift past the width) stops the run with an error: in generated code each is
 * a bug of the translator. */
#ifndef HACK_FUZZ_C_EVAL_H
#define HACK_FUZZ_C_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct c_eval c_eval;

/* What the function works on: the fields of st_t (machine_private.h's hack_tier_state), and the bounds of the
 * arrays its pointers point to. */
typedef struct {
    uint16_t *ram;
    size_t ram_words;
    const uint16_t *kinds;
    size_t kinds_words;
    uint16_t hook_kind, a, d;
    uint32_t pc;
    uint64_t left;
} c_eval_state;

/* The text's function `name` (its only parameter a pointer to the struct the text declares with typedef).
 * NULL, with the reason in why, when the text is not in the subset. fields gets the struct's fields as the
 * text declares them, "TYPE NAME" each, separated by "; " (to compare with the caller's struct). */
c_eval *c_eval_parse(const char *text, const char *name, char *fields, size_t fields_size, char *why, size_t why_size);

/* Runs the function on state. False, with the reason in why, on undefined behaviour, or when it runs more
 * than step_limit statements. */
bool c_eval_run(const c_eval *program, c_eval_state *state, uint64_t step_limit, char *why, size_t why_size);

void c_eval_free(c_eval *program);

#endif
