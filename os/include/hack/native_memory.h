/* The native Memory class: hooks that bind Memory.init, alloc, deAlloc, defrag, peek, poke and largestFree of
 * a loaded program to the native heap (hack/heap.h) on its RAM 2048..16383. The free-list head lives in the
 * Memory class's first static (Memory.0), as os/jack/Memory.jack keeps it, or in RAM[2047] when the program
 * has no such static. */
#ifndef HACK_NATIVE_MEMORY_H
#define HACK_NATIVE_MEMORY_H

#include "hack/heap.h"
#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>

typedef void (*hack_os_message_fn)(void *context, const char *text);

typedef enum {
    HACK_MEMORY_INIT,
    HACK_MEMORY_ALLOC,
    HACK_MEMORY_FREE,
    HACK_MEMORY_BAD_FREE,
    HACK_MEMORY_SYS_ERROR, /* alloc enters Sys.error in its own place: address is the code (5 or 6) */
    HACK_MEMORY_PEEK,      /* Memory.peek(address), before it reads (words is 0) */
    HACK_MEMORY_POKE,      /* Memory.poke(address, words), before it writes */
} hack_native_memory_event;

typedef struct {
    hack_heap_policy policy;
    bool continue_after_bad_free; /* a bad deAlloc is reported and ignored, instead of halting */
    hack_os_message_fn message;   /* where the clear messages (with the Jack call stack) go; may be NULL */
    void *message_context;
    /* what a checker wants to know (may be NULL): init (address 0), alloc (the block and the words asked
     * for), free (the block), a refused free (the address and why) */
    void (*event)(void *context, hack_native_memory_event kind, uint16_t address, uint16_t words, const char *why);
    void *event_context;
    bool bad_free_reported_by_event; /* the event's receiver reports bad frees (no message here) */
    /* A checker's hold at its findings (both may be NULL; see hack_heap_sanitizer_hold_at_findings): entered,
     * when a hook that tells events is entered, says whether this call was held (it is then made without
     * telling); held, after the events, whether a finding holds the run here (the hook stops the run). */
    bool (*entered)(void *event_context);
    bool (*held)(void *event_context);
} hack_native_memory_options;

typedef struct hack_native_memory hack_native_memory;

/* Binds the hooks for the Memory functions the program has (by their symbols). Returns NULL when the program
 * has no Memory.alloc, when its symbols put a Memory function or Sys.error past the ROM or Memory.0 (the head
 * of the free list) outside 16..2047 (said through options->message: the program then runs its own Memory
 * code, if any), or when memory ran out. program must outlive the binding. */
hack_native_memory *hack_native_memory_bind(hack_machine *machine, const hack_program *program,
                                            const hack_native_memory_options *options);
/* Whether hack_native_memory_bind binds this program (it has Memory.alloc, and its symbols put the functions and
 * Memory.0 where they may be): when it does, a NULL from the bind means memory ran out. Nothing is said. */
bool hack_native_memory_applies(const hack_program *program);
void hack_native_memory_free(hack_native_memory *memory);

hack_heap *hack_native_memory_heap(hack_native_memory *memory);

/* Whether the run stopped because of a heap error (bad size, no room without Sys.error, a bad deAlloc, heap
 * corruption: a bookkeeping word the program overwrote, found by alloc, deAlloc, defrag or largestFree). */
bool hack_native_memory_failed(const hack_native_memory *memory);

#endif
