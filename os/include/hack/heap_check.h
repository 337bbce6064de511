/* The heap sanitizer of `hackemu --check-heap`: it watches the heap words that no live block owns (headers,
 * free memory) through the machine's watch map, and reports, with the Jack call stack of the access and of
 * the block's allocation:
 *   - a read or write outside every live block (past a block's end into a header or free memory),
 *   - use after free (a word of a freed block),
 *   - bad frees (double free, not a block) that the native heap refuses,
 *   - at the end, leaks: live blocks the program allocated and never freed (blocks of the OS's own, and
 *     strings, which Jack programs make for every string constant and rarely free, are not counted).
 * It learns of blocks from the allocator: events of the native Memory, or observe hooks on a Jack Memory
 * (whose own code is trusted to touch headers). */
#ifndef HACK_HEAP_CHECK_H
#define HACK_HEAP_CHECK_H

#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct hack_heap_sanitizer hack_heap_sanitizer;

/* report: one finding (several lines). max_reports: how many are written out (the rest are counted). */
hack_heap_sanitizer *hack_heap_sanitizer_create(hack_machine *machine, const hack_program *program, int max_reports,
                                        void (*report)(void *context, const char *text), void *context);
void hack_heap_sanitizer_free(hack_heap_sanitizer *check);

/* For a Jack Memory (no native one): observe hooks on Memory.init, alloc and deAlloc, its code trusted.
 * False when the program has no Memory.alloc function (no allocator to learn blocks from: a program that
 * does not use the heap, or a .hack without its .sym); the check is then of no use, and watches nothing. */
bool hack_heap_sanitizer_observe_jack_memory(hack_heap_sanitizer *check);

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

/* Whether finish reports leaks (default true): --check-heap=no-leaks, and the memory bench, where the leaks are
 * the test program's and not the allocator's. */
void hack_heap_sanitizer_report_leaks(hack_heap_sanitizer *check, bool report);

/* At the end: the leaks, then a summary line. Returns the number of problems found in all. */
int hack_heap_sanitizer_finish(hack_heap_sanitizer *check);

#endif
