/* The heap sanitizer of `hackemu --check-heap`: it watches the heap words that no live block owns (headers,
 * free memory) through the machine's watch map, and reports, with the Jack call stack of the access and of
 * the block's allocation:
 *   - a read or write outside every live block (past a block's end into a header or free memory),
 *   - use after free (a word of a freed block),
 *   - bad frees (double free, not a block) that the native heap refuses,
 *   - at the end, leaks: live blocks the program allocated and never freed (blocks of the OS's own, and
 *     strings, which Jack programs make for every string constant and rarely free, are not counted).
 * It learns of blocks from the allocator: events of the native Memory, or observe hooks on a Jack Memory,
 * whose own code is trusted to touch headers and free memory but not live blocks: a write of the allocator
 * into a block it handed out is reported too ("the allocator wrote into a live block"), as is a write of its own
 * through a pointer into the words below the stack (SP, LCL, ..., the static variables: "the allocator wrote
 * outside the heap"). Memory.peek and Memory.poke are the program's accesses, checked as its own, when the
 * program calls them; called from Memory's own functions, they are the allocator's (as its array accesses are).
 * A finding about what alloc returned names alloc's return line first; one made while Memory.init runs says
 * "in Memory.init, before the heap was set up". */
#ifndef HACK_HEAP_CHECK_H
#define HACK_HEAP_CHECK_H

#include "hack/backtrace.h"
#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hack_heap_sanitizer hack_heap_sanitizer;

/* What a finding is about, for a reader that decides by it (the memory bench) rather than by its words. */
typedef enum {
    HACK_HEAP_FINDING_NONE,
    HACK_HEAP_FINDING_NO_BLOCK,          /* a read or write in the heap but in no live block (a header, free memory) */
    HACK_HEAP_FINDING_OUT_OF_BOUNDS,     /* past the end of a live block (block), into a header or free memory */
    HACK_HEAP_FINDING_USE_AFTER_FREE,    /* a word of the freed block block */
    HACK_HEAP_FINDING_DOUBLE_FREE,       /* a free of block, which this check saw freed */
    HACK_HEAP_FINDING_BAD_FREE,          /* a free of address, which is not a live block */
    HACK_HEAP_FINDING_WROTE_INTO_BLOCK,  /* the allocator wrote into the live block block */
    HACK_HEAP_FINDING_WROTE_OUTSIDE_HEAP, /* the allocator wrote through a pointer below the heap (null?) */
    HACK_HEAP_FINDING_SIZE_NOT_REFUSED,  /* alloc(request <= 0) returned address instead of ending in Sys.error(5) */
    HACK_HEAP_FINDING_NOT_A_BLOCK,       /* alloc(request) returned 0 or a negative address: no block */
    HACK_HEAP_FINDING_OUTSIDE_HEAP,      /* alloc(request) returned a block that is not inside the heap */
    HACK_HEAP_FINDING_OVERLAP,           /* alloc(request) returned a block overlapping the live block block */
    HACK_HEAP_FINDING_LEAK,              /* at the end: block was never freed */
    HACK_HEAP_FINDING_SUMMARY,           /* at the end: the count of problems (not a problem itself) */
} hack_heap_finding_kind;

enum { HACK_HEAP_FINDING_FRAMES = 16, HACK_HEAP_HEADLINE = 240 };

/* A finding's facts, as its text tells them. */
typedef struct {
    hack_heap_finding_kind kind;
    /* the text's first line without its lead "heap check: " and its newline, for readers that show it (the text
     * is made from it: "heap check: " + headline + "\n" + the call stacks; at most HACK_HEAP_HEADLINE - 1 chars):
     * "out of bounds: write to RAM[14970], 1 word past the end of the block 14960..14969 (into free memory)". A
     * finding made while Memory.init runs has "in Memory.init, before the heap was set up: " first. */
    char headline[HACK_HEAP_HEADLINE];
    /* where the facts start in headline: after the words that name the kind and what parts them from the facts,
     * for the kinds whose headline opens with such words: "use after free: ", "out of bounds: ", "double free of ",
     * "bad free of ", "leak: ", "the allocator wrote into a live block" and "the allocator wrote outside the heap"
     * (then " during Memory.alloc(17): RAM[...]..." or ": RAM[...]...", the facts "during Memory.alloc(17):
     * RAM[...]..." or "RAM[...]..."). 0 for the others, whose headline is all facts (an access in no live block,
     * what alloc returned, the summary). headline + facts_at: the facts. */
    uint8_t facts_at;
    uint16_t address;            /* the word read or written, the address freed, or what alloc returned */
    uint16_t block, block_words; /* the live or freed block the finding is about (0 0: none) */
    int16_t request;             /* alloc's findings, and the allocator's writes during an alloc: its size */
    bool during_alloc;           /* an allocator's write made while a Jack Memory.alloc ran */
    bool write;                  /* an access: a write (else a read) */
    bool in_init;                /* made while Memory.init ran, before the heap was set up */
    uint32_t free_words, longest_free; /* alloc gave no block in the heap: the words in no live block, longest run */
    int problems;                /* SUMMARY: the problems found in all */
    /* the finding's first call stack (the access's, the free's, alloc's return and its caller's), innermost
     * first, as its text shows it */
    hack_backtrace_frame frames[HACK_HEAP_FINDING_FRAMES];
    size_t frame_count;
} hack_heap_finding;

/* report: one finding (several lines of text), and its facts. max_reports: how many are written out (the rest
 * are counted). */
hack_heap_sanitizer *hack_heap_sanitizer_create(hack_machine *machine, const hack_program *program, int max_reports,
                                        void (*report)(void *context, const hack_heap_finding *finding,
                                                       const char *text),
                                        void *context);
void hack_heap_sanitizer_free(hack_heap_sanitizer *check);

/* For a Jack Memory (no native one): observe hooks on Memory.init, alloc and deAlloc, its code trusted. */
typedef enum {
    HACK_HEAP_OBSERVING,        /* all the hooks are bound */
    HACK_HEAP_NO_ALLOCATOR,     /* the program has no Memory.alloc function (no allocator to learn blocks from: a
                                   program that does not use the heap, or a .hack without its .sym); the check is
                                   then of no use, and watches nothing */
    HACK_HEAP_OBSERVE_NO_MEMORY, /* memory ran out binding a hook: the check would miss calls (the caller gives up) */
} hack_heap_observing;
hack_heap_observing hack_heap_sanitizer_observe_jack_memory(hack_heap_sanitizer *check);

/* Tells fn of every block the sanitizer learns of (the heap map's latest allocations, with a Jack Memory). */
void hack_heap_sanitizer_listen_allocations(hack_heap_sanitizer *check,
                                            void (*fn)(void *context, uint16_t address, uint16_t words),
                                            void *context);

/* Events from a native allocator (called at the hooked function's entry, so the call stack is the caller's). */
void hack_heap_sanitizer_on_init(hack_heap_sanitizer *check);
void hack_heap_sanitizer_on_alloc(hack_heap_sanitizer *check, uint16_t address, uint16_t words);
void hack_heap_sanitizer_on_free(hack_heap_sanitizer *check, uint16_t address);
void hack_heap_sanitizer_on_bad_free(hack_heap_sanitizer *check, uint16_t address, const char *why);

/* The run stopped with HACK_STOP_WATCH: report the access (the caller then steps over it and goes on). */
void hack_heap_sanitizer_on_watch(hack_heap_sanitizer *check);

/* Watches, besides what the check watches, any code's access of the words [from, to) below the stack (the static
 * variables' words no static uses: the stack's floor, which a stack underflow reaches first). Those hits are the
 * caller's to tell apart (the stack's, or a pointer's); on_watch ignores the program's own accesses there, as
 * always. False (nothing watched) when the check watches no word. */
bool hack_heap_sanitizer_watch_floor(hack_heap_sanitizer *check, uint16_t from, uint16_t to);

/* For a debugger: a finding made inside a hook (a native Memory function, the observe hooks of a Jack Memory)
 * holds the run at that call: the hook stops the run (HACK_HOOK_STOP) before the call goes on, and when the
 * run goes on the call is made again, without being checked or reported again. Off by default. */
void hack_heap_sanitizer_hold_at_findings(hack_heap_sanitizer *check, bool hold);
/* For hooks that tell the check about their call: entered, at the hook's entry, says whether this call was
 * held (it is then made without telling the check); held, after telling it, whether a finding holds the run
 * here (the hook then stops the run). */
bool hack_heap_sanitizer_entered(hack_heap_sanitizer *check);
bool hack_heap_sanitizer_held(hack_heap_sanitizer *check);
/* Whether the run is held at a finding now (until the call is made again). */
bool hack_heap_sanitizer_holding(const hack_heap_sanitizer *check);

/* Whether finish reports leaks (default true): --check-heap=no-leaks, and the memory bench, where the leaks are
 * the test program's and not the allocator's. */
void hack_heap_sanitizer_report_leaks(hack_heap_sanitizer *check, bool report);

/* Tracking only: the check learns blocks from the allocator as always, but watches no word and reports
 * nothing (what the heap map and the memory bench need of a student's allocator, without a heap check). */
void hack_heap_sanitizer_track_only(hack_heap_sanitizer *check);

/* ---- what the check knows of the heap, for pictures and figures ---- */

typedef struct {
    uint16_t address, words;
} hack_heap_live_block;

/* The live blocks in address order, up to capacity. Returns how many there are (all of them). */
size_t hack_heap_sanitizer_live_blocks(const hack_heap_sanitizer *check, hack_heap_live_block *blocks,
                                       size_t capacity);

typedef struct {
    uint64_t allocs, frees;             /* calls that returned a block / freed a live one */
    uint32_t alloc_median, alloc_max;   /* Hack cycles from a Jack Memory.alloc's entry to its return */
    uint32_t free_median, free_max;     /* the same for Memory.deAlloc (0 with a native Memory) */
    uint32_t live_words, peak_live_words; /* words in live blocks now, and at most */
    uint16_t lowest, highest;           /* the words any block ever covered (0 and 0: none) */
    bool in_alloc;                      /* a Jack Memory.alloc call has not returned (it ended in Sys.error...) */
    int16_t request;                    /* the size of the latest alloc call */
    uint32_t free_words, longest_free;  /* words in no live block now, and their longest run */
} hack_heap_call_stats;

void hack_heap_sanitizer_stats(const hack_heap_sanitizer *check, hack_heap_call_stats *stats);

/* The heap over time: after every few allocs and frees (fewer as the run goes on: at most
 * HACK_HEAP_TIMELINE_COLUMNS columns, merged two into one when full), how many words of each band of 64 heap
 * words are in live blocks. */
enum { HACK_HEAP_TIMELINE_BAND = 64, HACK_HEAP_TIMELINE_BANDS = 224, HACK_HEAP_TIMELINE_COLUMNS = 256 };
void hack_heap_sanitizer_record_timeline(hack_heap_sanitizer *check);
/* columns: count columns of HACK_HEAP_TIMELINE_BANDS bytes (0..64 each); cycles: the cycle of each. */
size_t hack_heap_sanitizer_timeline(const hack_heap_sanitizer *check, const uint8_t **columns,
                                    const uint64_t **cycles);

/* At the end: the leaks, then a summary line. Returns the number of problems found in all. */
int hack_heap_sanitizer_finish(hack_heap_sanitizer *check);

#endif
