/* The native tier's translation of a ROM into C (tier_translate.c). */
#ifndef HACK_TIER_TRANSLATE_H
#define HACK_TIER_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const uint16_t *rom;    /* the program's words */
    uint32_t size;          /* how many */
    const uint8_t *exits;   /* per word (size + 1): the interpreter must run it (a hook, the halt idiom, the end) */
    const uint8_t *visited; /* per word (size + 2): reached while profiled; NULL: translate every block */
    bool no_kept;           /* R0..R15 not kept in locals */
    uint16_t hook_kind;     /* the decoded op kind of a hook (the dispatch reads kinds[pc * 4]) */
    const char *header;     /* the first line's comment: what compiles the text (the cache's key covers it) */
    uint8_t *direct;        /* out, HACK_ROM_SIZE + 1: the code reaches the word without the dispatch */
    uint8_t *entries;       /* out, HACK_ROM_SIZE + 1: the code can start at the word (and goes on) */
} tier_translation;

/* The C text (malloc'd), or NULL when memory ran out. */
char *tier_translate(const tier_translation *translation);

#endif
