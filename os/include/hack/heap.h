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
 * The heap manager's own record of the layout lives on the host (a shadow: which words start segments, which
 * of those are free, each segment's two words, the head). It is the truth; the emulated words mirror it, and a
 * program can overwrite them. Before it acts, every call compares the words it reads with the shadow:
 *   alloc                 the head, and each segment on the free list up to the one it takes (best fit: all)
 *   deAlloc               the head, the block's two header words, and the free segments it is linked between
 *                         (SEED: the segment at the head)
 *   defrag, largestFree   the head and every free segment
 * A word that disagrees is reported as HACK_HEAP_CORRUPT (hack_heap_last_error names it, what it says and what
 * was recorded) and the call changes nothing; a word no call has read yet is found by the first that does.
 * The heap never follows a link, trusts a size or computes an address from an emulated word, and every index
 * it writes is range-checked, so no value a program writes can make it hand out a block outside the heap or
 * over a live one, write outside the heap and its head word, or loop. */
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
    HACK_HEAP_FREE_NOT_A_BLOCK,  /* inside a live block, not its first word */
    HACK_HEAP_FREE_HEADER,       /* a live block's header (b or b+1), not the address alloc returned (b+2) */
    HACK_HEAP_DOUBLE_FREE,       /* the block is already free */
    HACK_HEAP_FREE_IN_FREE_MEMORY, /* in free memory: freed before (and merged), or never allocated */
    HACK_HEAP_CORRUPT,           /* a bookkeeping word was overwritten: hack_heap_last_error says which */
    HACK_HEAP_NOT_INITIALIZED,   /* a call before hack_heap_init (a caller's bug: asserted in debug builds) */
} hack_heap_status;

typedef struct hack_heap hack_heap;

/* A heap over ram[base..end-1] (end <= 32768, end - base >= 3), its head in ram[head_address] (outside the
 * heap, below 32768) or on the host (head_address negative). NULL when these are out of range or memory ran
 * out. */
hack_heap *hack_heap_create(uint16_t *ram, uint32_t base, uint32_t end, int32_t head_address, hack_heap_policy policy);
void hack_heap_destroy(hack_heap *heap);

/* Memory.init: one free segment over the whole heap. Every call below needs it first: before it, alloc,
 * free, defrag, largest_free and set_policy change nothing and return HACK_HEAP_NOT_INITIALIZED (an
 * assertion fails in debug builds), the free list is empty and the check reports the one problem. */
void hack_heap_init(hack_heap *heap);

hack_heap_policy hack_heap_get_policy(const hack_heap *heap);
/* Re-links the free list in the new policy's order, merging free neighbours (a defrag). HACK_HEAP_CORRUPT,
 * and nothing changed, when the words disagree with the shadow. */
hack_heap_status hack_heap_set_policy(hack_heap *heap, hack_heap_policy policy);

/* Memory.alloc: *address = the block's first data word. */
hack_heap_status hack_heap_alloc(hack_heap *heap, int32_t size, uint16_t *address);
/* Memory.deAlloc: only the address of a live block; anything else changes nothing. */
hack_heap_status hack_heap_free(hack_heap *heap, uint16_t address);
/* Memory.defrag: merges every run of adjacent free segments, free list in address order. Live blocks never
 * move. HACK_HEAP_OK or HACK_HEAP_CORRUPT. */
hack_heap_status hack_heap_defrag(hack_heap *heap);
/* Memory.largestFree: *words = the largest block alloc could return now (data words), 0 when none.
 * HACK_HEAP_OK or HACK_HEAP_CORRUPT. */
hack_heap_status hack_heap_largest_free(hack_heap *heap, uint16_t *words);

/* The outcome of the latest alloc, deAlloc, defrag, largestFree or set_policy: why it failed (status
 * HACK_HEAP_OK when it did not). */
typedef struct {
    hack_heap_status status;
    int32_t address;          /* HACK_HEAP_CORRUPT: the word that disagrees (-1 otherwise) */
    uint16_t found, recorded; /* HACK_HEAP_CORRUPT: what it says, what the heap manager recorded */
    char text[300];           /* the whole story when there is more to say than hack_heap_status_text ("" if not):
                               * "heap corruption: RAM[2049], the size of the free segment at 2048, is -536; ..." */
} hack_heap_error;

const hack_heap_error *hack_heap_last_error(const hack_heap *heap);

/* The heap manager's record (not the emulated words): the head of the free list (a segment base) or -1, and
 * the free list, segment bases in list order (returns its length, at most max stored). */
int32_t hack_heap_free_head(const hack_heap *heap);
size_t hack_heap_free_list(const hack_heap *heap, uint16_t *bases, size_t max);

typedef struct {
    uint32_t live_blocks, live_words; /* words include headers */
    uint32_t free_segments, free_words, largest_free_segment;
    double fragmentation; /* 1 - largest free segment / free words: 0 when the free space is one piece */
    uint64_t allocs, frees, failed_allocs, bad_frees, defrags;
} hack_heap_stats;

/* The heap manager's figures (from its record, not the emulated words). */
void hack_heap_get_stats(const hack_heap *heap, hack_heap_stats *stats);

/* What the integrity check found wrong. */
typedef enum {
    HACK_HEAP_PROBLEM_NO_CHECK,         /* the check could not run (out of memory) */
    HACK_HEAP_PROBLEM_NOT_INITIALIZED,  /* the heap has not been set up (hack_heap_init has not run) */
    HACK_HEAP_PROBLEM_HEADER_PAST_END,  /* a segment's header runs past the end of the heap */
    HACK_HEAP_PROBLEM_BAD_SIZE,         /* a segment's size is smaller than its header, or runs past the end */
    HACK_HEAP_PROBLEM_BAD_FLAG,         /* a segment's first word is neither -100 (live) nor a free-list link */
    HACK_HEAP_PROBLEM_NOT_MERGED,       /* two free segments touch (where freed neighbours are merged at once) */
    HACK_HEAP_PROBLEM_SIZES,            /* the segments' sizes do not add up to the heap */
    HACK_HEAP_PROBLEM_LIST_NOT_SEGMENT, /* the free list reaches a word that starts no segment */
    HACK_HEAP_PROBLEM_LIST_LOOP,        /* the free list comes back to a segment */
    HACK_HEAP_PROBLEM_LIST_LIVE,        /* the free list reaches a live block */
    HACK_HEAP_PROBLEM_LIST_ORDER,       /* the free list is not in address order (where the policy wants it) */
    HACK_HEAP_PROBLEM_LIST_COUNT,       /* the free list does not hold every free segment */
    HACK_HEAP_PROBLEM_HEAD_WORD,        /* the free list's head word says other than the heap manager recorded */
    HACK_HEAP_PROBLEM_LINK_WORD,        /* a free segment's link word says other than recorded */
    HACK_HEAP_PROBLEM_FLAG_WORD,        /* a live block's first header word is not -100 */
    HACK_HEAP_PROBLEM_SIZE_WORD,        /* a segment's size word says other than recorded */
} hack_heap_problem_kind;

/* A problem found by the integrity check. */
typedef struct {
    uint32_t address;
    hack_heap_problem_kind kind;
    bool into_header; /* HEAD_WORD, LINK_WORD: the word points at a live block's header */
    char text[280];
} hack_heap_problem;

/* Read-only check of the emulated words: segments tile the heap, flags and sizes make sense, the free list
 * ends, visits exactly the free segments, in address order where the policy wants it, and (where freed
 * neighbours are merged at once) no two free segments touch; and every bookkeeping word says what the heap
 * manager recorded. Returns the number of problems (at most max are stored). */
size_t hack_heap_check(const hack_heap *heap, hack_heap_problem *problems, size_t max);

/* The seed's status report: every word, the log of calls newest first, the three fault checks, the free
 * list; plus live blocks, free words, largest free block and fragmentation. A new string (free it), or NULL.
 * The map and the checks read the emulated words as they are (whatever the program wrote); the free list and
 * the figures are the heap manager's. */
char *hack_heap_report(const hack_heap *heap);

const char *hack_heap_status_text(hack_heap_status status);

#endif
