/* The heap manager of the Jack OS, native, working directly on emulated RAM (2048..16383 in the emulator, or
 * any range of any word array: a 64-word chip in the unit tests).
 *
 * Layout, in the emulated words themselves (so Memory.peek shows it), the same for every policy:
 *
 *     segment at b:  word b     next free segment (or -1 at the end of the list) when free; -100 when live
 *                    word b+1   the segment's size in words, these two included
 *                    b+2 ...    the block's data: alloc returns b+2
 *
 * Segments tile the heap from base to end. The head of the free list is a word too (head_address; the native
 * Memory binds it to the Memory class's first static, as os/jack/Memory.jack keeps it), or kept here when
 * head_address is negative (the seed's own chip, whose every word outside the heap is "stack").
 *
 * Policies (all carve a block from the high end of the segment they choose, and hand over the whole
 * segment when less than 3 words would remain):
 *   FIRST_FIT  free list in address order; the first segment that fits; neighbours merged when freed
 *   BEST_FIT   the same list; the smallest segment that fits (the lowest of equals)
 *   SEED       the study this project grew from: the list in LIFO order, first fit in that order, freed
 *              blocks pushed on the head, merging only on defrag
 * When nothing fits, alloc merges every run of free neighbours (defrag) and tries once more.
 *
 * Host-side shadow bitmaps (which words start segments, which of those are free) make validation and merging
 * O(1); the emulated words stay the truth: a header that disagrees with the shadow is reported as corruption
 * and nothing is changed. */
#ifndef HACK_HEAP_H
#define HACK_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HACK_HEAP_LIVE_FLAG = 0xFF9C /* -100 */, HACK_HEAP_END_OF_LIST = 0xFFFF /* -1 */ };

typedef enum { HACK_HEAP_FIRST_FIT, HACK_HEAP_BEST_FIT, HACK_HEAP_SEED } hack_heap_policy;

typedef enum {
    HACK_HEAP_OK,
    HACK_HEAP_BAD_SIZE,          /* alloc of size <= 0: Sys.error(5) */
    HACK_HEAP_NO_ROOM,           /* nothing fits, even after defrag: Sys.error(6) */
    HACK_HEAP_FREE_NULL,         /* deAlloc(0) */
    HACK_HEAP_FREE_OUTSIDE,      /* not an address in the heap */
    HACK_HEAP_FREE_NOT_A_BLOCK,  /* inside a block or a header, not a block's first word */
    HACK_HEAP_DOUBLE_FREE,       /* the block is already free */
    HACK_HEAP_FREE_IN_FREE_MEMORY, /* in free memory: freed before (and merged), or never allocated */
    HACK_HEAP_CORRUPT,           /* the emulated bookkeeping was overwritten: see hack_heap_check */
} hack_heap_status;

typedef struct hack_heap hack_heap;

/* A heap over ram[base..end-1] (end <= 32768, end - base >= 3). NULL when memory ran out. */
hack_heap *hack_heap_create(uint16_t *ram, uint32_t base, uint32_t end, int32_t head_address, hack_heap_policy policy);
void hack_heap_destroy(hack_heap *heap);

/* Memory.init: one free segment over the whole heap. */
void hack_heap_init(hack_heap *heap);

/* Rebuilds the shadow from the emulated words (after someone else changed them). False when they do not
 * describe a heap (see hack_heap_check). */
bool hack_heap_attach(hack_heap *heap);

hack_heap_policy hack_heap_get_policy(const hack_heap *heap);
/* Switching to or from SEED re-links the free list in the new policy's order. */
void hack_heap_set_policy(hack_heap *heap, hack_heap_policy policy);
/* Merge freed neighbours at once (default for FIRST_FIT and BEST_FIT) or only on defrag (SEED's way; SEED
 * always merges on defrag only, whatever is asked here). */
void hack_heap_set_immediate_coalescing(hack_heap *heap, bool immediate);

/* Memory.alloc: *address = the block's first data word. */
hack_heap_status hack_heap_alloc(hack_heap *heap, int32_t size, uint16_t *address);
/* Memory.deAlloc: only the address of a live block; anything else changes nothing. */
hack_heap_status hack_heap_free(hack_heap *heap, uint16_t address);
/* Memory.defrag: merges every run of adjacent free segments, free list in address order. Live blocks never
 * move. */
void hack_heap_defrag(hack_heap *heap);

/* The largest block alloc could return now (data words), 0 when none. */
uint16_t hack_heap_largest_free(const hack_heap *heap);
/* The head of the free list (a segment base), or -1. */
int32_t hack_heap_free_head(const hack_heap *heap);
/* The free list, segment bases in list order; returns its length (at most max are stored). */
size_t hack_heap_free_list(const hack_heap *heap, uint16_t *bases, size_t max);

typedef struct {
    uint32_t live_blocks, live_words; /* words include headers */
    uint32_t free_segments, free_words, largest_free_segment;
    double fragmentation; /* 1 - largest free segment / free words: 0 when the free space is one piece */
    uint64_t allocs, frees, failed_allocs, bad_frees, defrags;
} hack_heap_stats;

void hack_heap_get_stats(const hack_heap *heap, hack_heap_stats *stats);

/* A problem found by the integrity check. */
typedef struct {
    uint32_t address;
    char text[120];
} hack_heap_problem;

/* Read-only check of the emulated words: segments tile the heap, flags and sizes make sense, the free list
 * ends, visits exactly the free segments, in address order where the policy wants it, and (with immediate
 * merging) no two free segments touch. Returns the number of problems (at most max are stored). */
size_t hack_heap_check(const hack_heap *heap, hack_heap_problem *problems, size_t max);

/* The seed's status report: every word, the log of calls newest first, the three fault checks, the free
 * list; plus live blocks, free words, largest free block and fragmentation. A new string (free it), or NULL. */
char *hack_heap_report(const hack_heap *heap);

const char *hack_heap_status_text(hack_heap_status status);

#endif
