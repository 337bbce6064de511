#include "hack/heap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LOG_SIZE = 64 };

typedef struct {
    enum { CALL_ALLOC, CALL_FREE, CALL_DEFRAG } kind;
    int32_t argument;
    uint16_t result;
    hack_heap_status status;
} call_record;

struct hack_heap {
    uint16_t *ram;
    uint32_t base, end;
    int32_t head_address;
    uint16_t host_head;
    hack_heap_policy policy;
    bool immediate;
    uint64_t *starts, *frees; /* bit i: word base + i starts a segment / a free segment */
    size_t bitmap_words;
    hack_heap_stats counters;
    call_record log[LOG_SIZE];
    uint64_t log_count;
};

/* ---- bits ---- */

static bool bit_test(const uint64_t *bits, uint32_t i)
{
    return (bits[i >> 6] >> (i & 63)) & 1u;
}

static void bit_set(uint64_t *bits, uint32_t i)
{
    bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void bit_clear(uint64_t *bits, uint32_t i)
{
    bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static int highest_bit(uint64_t w) /* w != 0 */
{
#if defined(__GNUC__)
    return 63 - __builtin_clzll(w);
#else
    int n = 0;
    for (int shift = 32; shift; shift >>= 1)
        if (w >> shift) {
            w >>= shift;
            n += shift;
        }
    return n;
#endif
}

static int lowest_bit(uint64_t w) /* w != 0 */
{
#if defined(__GNUC__)
    return __builtin_ctzll(w);
#else
    int n = 0;
    while (!(w & 1u)) {
        w >>= 1;
        n++;
    }
    return n;
#endif
}

/* The highest set bit below i, or -1. */
static int32_t bit_previous(const uint64_t *bits, uint32_t i)
{
    if (i == 0) return -1;
    i--;
    size_t word = i >> 6;
    uint64_t w = bits[word] & (((uint64_t)2 << (i & 63)) - 1u); /* bits 0..i of the word (all when i = 63) */
    for (;;) {
        if (w) return (int32_t)(word * 64 + (size_t)highest_bit(w));
        if (word == 0) return -1;
        w = bits[--word];
    }
}

/* The lowest set bit at or above i, or -1 (limit = number of bits). */
static int32_t bit_next(const uint64_t *bits, uint32_t i, uint32_t limit)
{
    if (i >= limit) return -1;
    size_t word = i >> 6, words = (limit + 63) / 64;
    uint64_t w = bits[word] & (~(uint64_t)0 << (i & 63));
    for (;;) {
        if (w) {
            uint32_t found = (uint32_t)(word * 64 + (size_t)lowest_bit(w));
            return found < limit ? (int32_t)found : -1;
        }
        if (++word >= words) return -1;
        w = bits[word];
    }
}

/* ---- the emulated words ---- */

static uint16_t get_head(const hack_heap *h)
{
    return h->head_address >= 0 ? h->ram[h->head_address] : h->host_head;
}

static void set_head(hack_heap *h, uint16_t value)
{
    if (h->head_address >= 0)
        h->ram[h->head_address] = value;
    else
        h->host_head = value;
}

static uint16_t size_of(const hack_heap *h, uint32_t b)
{
    return h->ram[b + 1];
}

static bool in_heap(const hack_heap *h, uint32_t b)
{
    return b >= h->base && b + 1 < h->end;
}

static bool address_ordered(const hack_heap *h)
{
    return h->policy != HACK_HEAP_SEED;
}

static void record(hack_heap *h, int kind, int32_t argument, uint16_t result, hack_heap_status status)
{
    call_record *r = &h->log[h->log_count++ % LOG_SIZE];
    r->kind = kind;
    r->argument = argument;
    r->result = result;
    r->status = status;
}

/* ---- life cycle ---- */

hack_heap *hack_heap_create(uint16_t *ram, uint32_t base, uint32_t end, int32_t head_address, hack_heap_policy policy)
{
    if (end > 32768 || end < base + 3) return NULL;
    hack_heap *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->ram = ram;
    h->base = base;
    h->end = end;
    h->head_address = head_address;
    h->policy = policy;
    h->immediate = policy != HACK_HEAP_SEED;
    h->bitmap_words = (end - base + 63) / 64;
    h->starts = calloc(h->bitmap_words, sizeof *h->starts);
    h->frees = calloc(h->bitmap_words, sizeof *h->frees);
    if (!h->starts || !h->frees) {
        hack_heap_destroy(h);
        return NULL;
    }
    return h;
}

void hack_heap_destroy(hack_heap *heap)
{
    if (!heap) return;
    free(heap->starts);
    free(heap->frees);
    free(heap);
}

void hack_heap_init(hack_heap *h)
{
    memset(h->starts, 0, h->bitmap_words * sizeof *h->starts);
    memset(h->frees, 0, h->bitmap_words * sizeof *h->frees);
    h->ram[h->base] = HACK_HEAP_END_OF_LIST;
    h->ram[h->base + 1] = (uint16_t)(h->end - h->base);
    set_head(h, (uint16_t)h->base);
    bit_set(h->starts, 0);
    bit_set(h->frees, 0);
    memset(&h->counters, 0, sizeof h->counters);
    h->log_count = 0;
}

bool hack_heap_attach(hack_heap *h)
{
    memset(h->starts, 0, h->bitmap_words * sizeof *h->starts);
    memset(h->frees, 0, h->bitmap_words * sizeof *h->frees);
    uint32_t b = h->base;
    while (b < h->end) {
        if (!in_heap(h, b)) return false;
        uint16_t size = size_of(h, b);
        if (size < 2 || b + size > h->end) return false;
        bit_set(h->starts, b - h->base);
        b += size;
    }
    uint32_t steps = 0;
    for (uint16_t node = get_head(h); node != HACK_HEAP_END_OF_LIST; node = h->ram[node]) {
        if (!in_heap(h, node) || !bit_test(h->starts, node - h->base) || bit_test(h->frees, node - h->base) ||
            h->ram[node] == HACK_HEAP_LIVE_FLAG || ++steps > h->end - h->base)
            return false;
        bit_set(h->frees, node - h->base);
    }
    return true;
}

hack_heap_policy hack_heap_get_policy(const hack_heap *heap)
{
    return heap->policy;
}

void hack_heap_set_policy(hack_heap *heap, hack_heap_policy policy)
{
    heap->policy = policy;
    heap->immediate = policy != HACK_HEAP_SEED;
    hack_heap_defrag(heap); /* the list in the order the new policy keeps, with no free neighbours */
    heap->counters.defrags--;
}

void hack_heap_set_immediate_coalescing(hack_heap *heap, bool immediate)
{
    /* SEED's LIFO list has no neighbour order to merge in: its frees never merge (hack_heap_check would
     * otherwise count the neighbours it leaves as problems) */
    heap->immediate = immediate && heap->policy != HACK_HEAP_SEED;
    if (immediate) {
        hack_heap_defrag(heap);
        heap->counters.defrags--;
    }
}

/* ---- alloc ---- */

/* Walks the free list for a segment of at least need words; *previous is the node before it (-1 for the
 * head). Returns the segment, -1 when none fits, -2 when the list is broken. */
static int32_t find_segment(const hack_heap *h, uint32_t need, int32_t *previous)
{
    int32_t best = -1, best_previous = -1, prev = -1;
    uint32_t best_size = UINT32_MAX, steps = 0, limit = (h->end - h->base) / 2 + 1;
    for (uint16_t node = get_head(h); node != HACK_HEAP_END_OF_LIST; prev = node, node = h->ram[node]) {
        if (!in_heap(h, node) || !bit_test(h->frees, node - h->base) || ++steps > limit) return -2;
        uint32_t size = size_of(h, node);
        if (size < need) continue;
        if (h->policy != HACK_HEAP_BEST_FIT) {
            *previous = prev;
            return node;
        }
        if (size < best_size) {
            best = node;
            best_previous = prev;
            best_size = size;
            if (size == need) break;
        }
    }
    *previous = best_previous;
    return best;
}

/* Hands out need words from the free segment: from its high end, or all of it when less than 3 would remain. */
static uint16_t take(hack_heap *h, uint32_t segment, int32_t previous, uint32_t need)
{
    uint32_t size = size_of(h, segment);
    if (size - need >= 3) {
        uint32_t block = segment + size - need;
        h->ram[segment + 1] = (uint16_t)(size - need);
        h->ram[block] = HACK_HEAP_LIVE_FLAG;
        h->ram[block + 1] = (uint16_t)need;
        bit_set(h->starts, block - h->base);
        return (uint16_t)(block + 2);
    }
    uint16_t next = h->ram[segment];
    if (previous >= 0)
        h->ram[previous] = next;
    else
        set_head(h, next);
    h->ram[segment] = HACK_HEAP_LIVE_FLAG;
    bit_clear(h->frees, segment - h->base);
    return (uint16_t)(segment + 2);
}

hack_heap_status hack_heap_alloc(hack_heap *h, int32_t size, uint16_t *address)
{
    *address = 0;
    if (size <= 0) {
        h->counters.failed_allocs++;
        record(h, CALL_ALLOC, size, 0, HACK_HEAP_BAD_SIZE);
        return HACK_HEAP_BAD_SIZE;
    }
    uint32_t need = (uint32_t)size + 2;
    hack_heap_status status = HACK_HEAP_NO_ROOM;
    if (need <= h->end - h->base) {
        int32_t previous;
        int32_t segment = find_segment(h, need, &previous);
        if (segment == -1) { /* merge what can be merged, then once more */
            hack_heap_defrag(h);
            segment = find_segment(h, need, &previous);
        }
        if (segment == -2) {
            status = HACK_HEAP_CORRUPT;
        } else if (segment >= 0) {
            *address = take(h, (uint32_t)segment, previous, need);
            status = HACK_HEAP_OK;
        }
    }
    if (status == HACK_HEAP_OK)
        h->counters.allocs++;
    else
        h->counters.failed_allocs++;
    record(h, CALL_ALLOC, size, *address, status);
    return status;
}

/* ---- free ---- */

/* Merges the free segment at b with the free segment right after it, if they touch. */
static void merge_with_next(hack_heap *h, uint32_t b)
{
    uint32_t next = b + size_of(h, b);
    if (next >= h->end || !bit_test(h->frees, next - h->base) || h->ram[b] != next) return;
    h->ram[b] = h->ram[next];
    h->ram[b + 1] = (uint16_t)(size_of(h, b) + size_of(h, next));
    bit_clear(h->starts, next - h->base);
    bit_clear(h->frees, next - h->base);
}

hack_heap_status hack_heap_free(hack_heap *h, uint16_t address)
{
    hack_heap_status status = HACK_HEAP_OK;
    uint32_t b = (uint32_t)address - 2;
    if (address == 0)
        status = HACK_HEAP_FREE_NULL;
    else if (address < h->base + 2 || address >= h->end)
        status = HACK_HEAP_FREE_OUTSIDE;
    else if (!bit_test(h->starts, b - h->base)) {
        /* inside a segment: inside a live block (or its header), or in free memory -- a block freed before
         * and merged away, which is a double free too */
        int32_t segment = bit_previous(h->starts, b - h->base + 1);
        status = segment >= 0 && bit_test(h->frees, (uint32_t)segment) && (uint32_t)address >= h->base + (uint32_t)segment + 2
                     ? HACK_HEAP_FREE_IN_FREE_MEMORY
                     : HACK_HEAP_FREE_NOT_A_BLOCK;
    }
    else if (bit_test(h->frees, b - h->base))
        status = HACK_HEAP_DOUBLE_FREE;
    else {
        /* the header must say what the shadow says */
        int32_t next_start = bit_next(h->starts, b - h->base + 1, h->end - h->base);
        uint32_t shadow_size = (next_start < 0 ? h->end : h->base + (uint32_t)next_start) - b;
        if (h->ram[b] != HACK_HEAP_LIVE_FLAG || size_of(h, b) != shadow_size) status = HACK_HEAP_CORRUPT;
    }
    if (status == HACK_HEAP_OK && address_ordered(h)) {
        int32_t pred = bit_previous(h->frees, b - h->base);
        uint32_t pred_address = pred >= 0 ? h->base + (uint32_t)pred : 0;
        uint16_t next = pred >= 0 ? h->ram[pred_address] : get_head(h);
        if (next != HACK_HEAP_END_OF_LIST && next <= b) {
            status = HACK_HEAP_CORRUPT;
        } else {
            h->ram[b] = next;
            if (pred >= 0)
                h->ram[pred_address] = (uint16_t)b;
            else
                set_head(h, (uint16_t)b);
            bit_set(h->frees, b - h->base);
            if (h->immediate) {
                merge_with_next(h, b);
                if (pred >= 0 && pred_address + size_of(h, pred_address) == b) merge_with_next(h, pred_address);
            }
        }
    } else if (status == HACK_HEAP_OK) { /* SEED: push on the head, no merging */
        h->ram[b] = get_head(h);
        set_head(h, (uint16_t)b);
        bit_set(h->frees, b - h->base);
    }
    if (status == HACK_HEAP_OK)
        h->counters.frees++;
    else
        h->counters.bad_frees++;
    record(h, CALL_FREE, address, 0, status);
    return status;
}

void hack_heap_defrag(hack_heap *h)
{
    uint32_t bits = h->end - h->base;
    int32_t previous = -1;
    set_head(h, HACK_HEAP_END_OF_LIST);
    for (int32_t i = bit_next(h->frees, 0, bits); i >= 0; i = bit_next(h->frees, (uint32_t)i + 1, bits)) {
        uint32_t b = h->base + (uint32_t)i;
        uint32_t size = size_of(h, b);
        for (uint32_t next = b + size; next < h->end && bit_test(h->frees, next - h->base); next = b + size) {
            size += size_of(h, next);
            bit_clear(h->starts, next - h->base);
            bit_clear(h->frees, next - h->base);
        }
        h->ram[b + 1] = (uint16_t)size;
        h->ram[b] = HACK_HEAP_END_OF_LIST;
        if (previous >= 0)
            h->ram[previous] = (uint16_t)b;
        else
            set_head(h, (uint16_t)b);
        previous = (int32_t)b;
    }
    h->counters.defrags++;
    record(h, CALL_DEFRAG, 0, 0, HACK_HEAP_OK);
}

/* ---- queries ---- */

uint16_t hack_heap_largest_free(const hack_heap *h)
{
    uint32_t largest = 0, bits = h->end - h->base;
    for (int32_t i = bit_next(h->frees, 0, bits); i >= 0; i = bit_next(h->frees, (uint32_t)i + 1, bits)) {
        uint32_t size = size_of(h, h->base + (uint32_t)i);
        if (size > largest) largest = size;
    }
    return (uint16_t)(largest >= 2 ? largest - 2 : 0);
}

int32_t hack_heap_free_head(const hack_heap *heap)
{
    uint16_t head = get_head(heap);
    return head == HACK_HEAP_END_OF_LIST ? -1 : head;
}

size_t hack_heap_free_list(const hack_heap *h, uint16_t *bases, size_t max)
{
    size_t n = 0, limit = (h->end - h->base) / 2 + 1;
    for (uint16_t node = get_head(h); node != HACK_HEAP_END_OF_LIST && n <= limit; node = h->ram[node]) {
        if (n < max) bases[n] = node;
        n++;
        if (!in_heap(h, node)) break;
    }
    return n;
}

void hack_heap_get_stats(const hack_heap *h, hack_heap_stats *s)
{
    *s = h->counters;
    s->live_blocks = s->live_words = s->free_segments = s->free_words = s->largest_free_segment = 0;
    uint32_t bits = h->end - h->base;
    for (int32_t i = bit_next(h->starts, 0, bits); i >= 0; i = bit_next(h->starts, (uint32_t)i + 1, bits)) {
        uint32_t b = h->base + (uint32_t)i, size = size_of(h, b);
        if (bit_test(h->frees, (uint32_t)i)) {
            s->free_segments++;
            s->free_words += size;
            if (size > s->largest_free_segment) s->largest_free_segment = size;
        } else {
            s->live_blocks++;
            s->live_words += size;
        }
    }
    s->fragmentation = s->free_words ? 1.0 - (double)s->largest_free_segment / (double)s->free_words : 0.0;
}

/* ---- integrity ---- */

typedef struct {
    hack_heap_problem *items;
    size_t count, max;
} problem_list;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void problem(problem_list *list, uint32_t address, const char *format, ...)
{
    if (list->count < list->max) {
        hack_heap_problem *p = &list->items[list->count];
        p->address = address;
        va_list args;
        va_start(args, format);
        vsnprintf(p->text, sizeof p->text, format, args);
        va_end(args);
    }
    list->count++;
}

size_t hack_heap_check(const hack_heap *h, hack_heap_problem *problems, size_t max)
{
    problem_list list = {problems, 0, max};
    uint32_t words = h->end - h->base;
    uint64_t *starts = calloc(h->bitmap_words, sizeof *starts);
    uint64_t *on_list = calloc(h->bitmap_words, sizeof *on_list);
    if (!starts || !on_list) {
        free(starts);
        free(on_list);
        problem(&list, 0, "out of memory for the check");
        return list.count;
    }
    /* 1. segments tile the heap */
    uint32_t b = h->base, segments = 0, free_segments = 0;
    bool tiled = true, previous_free = false;
    uint32_t previous_base = 0;
    while (b < h->end) {
        if (b + 1 >= h->end) {
            problem(&list, b, "a segment header at %u runs past the end of the heap", (unsigned)b);
            tiled = false;
            break;
        }
        uint16_t size = size_of(h, b), flag = h->ram[b];
        if (size < 2 || b + size > h->end) {
            problem(&list, b, "segment at %u has size %u, which %s", (unsigned)b, (unsigned)size,
                    size < 2 ? "is smaller than its header" : "runs past the end of the heap");
            tiled = false;
            break;
        }
        bool is_free = flag != HACK_HEAP_LIVE_FLAG;
        if (is_free && flag != HACK_HEAP_END_OF_LIST && (flag < h->base || flag >= h->end))
            problem(&list, b, "segment at %u: word %u is %d, neither -100 (live) nor a free-list link", (unsigned)b,
                    (unsigned)b, (int)(int16_t)flag);
        if (is_free && previous_free && h->immediate)
            problem(&list, b, "free segments at %u and %u touch but were not merged", (unsigned)previous_base,
                    (unsigned)b);
        bit_set(starts, b - h->base);
        segments++;
        free_segments += is_free;
        previous_free = is_free;
        previous_base = b;
        b += size;
    }
    if (tiled && b != h->end) problem(&list, b, "segment sizes add up to %u words, not %u", (unsigned)(b - h->base), (unsigned)words);
    /* 2. the free list */
    uint32_t listed = 0, steps = 0;
    int32_t last = -1;
    for (uint16_t node = get_head(h); node != HACK_HEAP_END_OF_LIST; node = h->ram[node]) {
        if (!in_heap(h, node) || !bit_test(starts, node - h->base)) {
            problem(&list, node, "the free list reaches %u, which is not a segment", (unsigned)node);
            break;
        }
        if (bit_test(on_list, node - h->base) || ++steps > segments) {
            problem(&list, node, "the free list loops back to %u", (unsigned)node);
            break;
        }
        if (h->ram[node] == HACK_HEAP_LIVE_FLAG) {
            problem(&list, node, "the free list reaches %u, a live block", (unsigned)node);
            break;
        }
        if (address_ordered(h) && last >= 0 && node <= last)
            problem(&list, node, "the free list goes from %d back to %u: not in address order", (int)last, (unsigned)node);
        bit_set(on_list, node - h->base);
        last = node;
        listed++;
    }
    if (tiled && listed != free_segments)
        problem(&list, 0, "%u free segments but %u on the free list", (unsigned)free_segments, (unsigned)listed);
    /* 3. the shadow agrees (if not, something other than this heap changed the words) */
    for (size_t w = 0; tiled && w < h->bitmap_words; w++)
        if (starts[w] != h->starts[w] || on_list[w] != h->frees[w]) {
            problem(&list, h->base + (uint32_t)w * 64, "the words near %u changed behind the heap's back",
                    (unsigned)(h->base + w * 64));
            break;
        }
    free(starts);
    free(on_list);
    return list.count;
}

/* ---- the report ---- */

typedef struct {
    char *text;
    size_t length, capacity;
    bool failed;
} text_buffer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void append(text_buffer *t, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (n < 0 || t->failed) return;
    if (t->length + (size_t)n + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 4096;
        while (capacity < t->length + (size_t)n + 1) capacity *= 2;
        char *grown = realloc(t->text, capacity);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->text = grown;
        t->capacity = capacity;
    }
    va_start(args, format);
    vsnprintf(t->text + t->length, (size_t)n + 1, format, args);
    va_end(args);
    t->length += (size_t)n;
}

const char *hack_heap_status_text(hack_heap_status status)
{
    switch (status) {
    case HACK_HEAP_OK: return "ok";
    case HACK_HEAP_BAD_SIZE: return "size must be positive (Sys.error 5)";
    case HACK_HEAP_NO_ROOM: return "no free block is large enough, even after defrag (Sys.error 6)";
    case HACK_HEAP_FREE_NULL: return "deAlloc of null";
    case HACK_HEAP_FREE_OUTSIDE: return "deAlloc of an address outside the heap";
    case HACK_HEAP_FREE_NOT_A_BLOCK: return "deAlloc of an address that is not the start of a block (inside a block, or a header)";
    case HACK_HEAP_DOUBLE_FREE: return "deAlloc of a block that is already free (double free)";
    case HACK_HEAP_FREE_IN_FREE_MEMORY: return "deAlloc of an address in free memory (freed before, or never allocated)";
    case HACK_HEAP_CORRUPT: return "the heap's bookkeeping words were overwritten";
    }
    return "?";
}

char *hack_heap_report(const hack_heap *h)
{
    static const char *const policy_names[] = {"first fit", "best fit", "seed (LIFO first fit)"};
    text_buffer t = {0};
    uint32_t words = h->end - h->base;
    append(&t, "heap %u..%u (%u words), %s, free neighbours merged %s\n", (unsigned)h->base, (unsigned)(h->end - 1),
           (unsigned)words, policy_names[h->policy], h->immediate ? "at once" : "on defrag");
    append(&t, "map:\n");
    uint32_t b = h->base;
    for (int n = 0; b + 1 < h->end && n < 100000; n++) {
        uint16_t size = size_of(h, b), flag = h->ram[b];
        if (size < 2 || b + size > h->end) {
            append(&t, "  %5u  (malformed: size %u)\n", (unsigned)b, (unsigned)size);
            break;
        }
        if (flag == HACK_HEAP_LIVE_FLAG)
            append(&t, "  %5u..%-5u live  %5u data words at %u\n", (unsigned)b, (unsigned)(b + size - 1),
                   (unsigned)(size - 2), (unsigned)(b + 2));
        else
            append(&t, "  %5u..%-5u free  %5u words, next %d\n", (unsigned)b, (unsigned)(b + size - 1),
                   (unsigned)size, (int)(int16_t)flag);
        b += size;
    }
    if (words <= 256) { /* a small heap: every word, as the seed printed its chip */
        append(&t, "words:");
        for (uint32_t a = h->base; a < h->end; a++) {
            if ((a - h->base) % 8 == 0) append(&t, "\n  %5u:", (unsigned)a);
            append(&t, " %6d", (int)(int16_t)h->ram[a]);
        }
        append(&t, "\n");
    }
    append(&t, "log (newest first):\n");
    uint64_t shown = h->log_count < LOG_SIZE ? h->log_count : LOG_SIZE;
    for (uint64_t i = 0; i < shown; i++) {
        const call_record *r = &h->log[(h->log_count - 1 - i) % LOG_SIZE];
        if (r->kind == CALL_ALLOC && r->status == HACK_HEAP_OK)
            append(&t, "  alloc(%d) -> %u\n", (int)r->argument, (unsigned)r->result);
        else if (r->kind == CALL_ALLOC)
            append(&t, "  alloc(%d) failed: %s\n", (int)r->argument, hack_heap_status_text(r->status));
        else if (r->kind == CALL_FREE && r->status == HACK_HEAP_OK)
            append(&t, "  deAlloc(%d)\n", (int)r->argument);
        else if (r->kind == CALL_FREE)
            append(&t, "  deAlloc(%d) refused: %s\n", (int)r->argument, hack_heap_status_text(r->status));
        else
            append(&t, "  defrag()\n");
    }
    hack_heap_problem problems[16];
    size_t count = hack_heap_check(h, problems, 16);
    bool malformed = false, sizes = false, list_mismatch = false;
    for (size_t i = 0; i < count && i < 16; i++) {
        if (strstr(problems[i].text, "size") || strstr(problems[i].text, "header")) malformed = true;
        if (strstr(problems[i].text, "add up")) sizes = true;
        if (strstr(problems[i].text, "free list") || strstr(problems[i].text, "free segments")) list_mismatch = true;
    }
    append(&t, "faults:\n  malformed segments: %s\n  sizes add up to the heap: %s\n  free list = the free segments: %s\n",
           malformed ? "YES" : "no", sizes || malformed ? "NO" : "yes", list_mismatch ? "NO" : "yes");
    for (size_t i = 0; i < count && i < 16; i++) append(&t, "  problem: %s\n", problems[i].text);
    append(&t, "free list:");
    uint16_t bases[64];
    size_t listed = hack_heap_free_list(h, bases, 64);
    if (listed == 0) append(&t, " (empty)");
    for (size_t i = 0; i < listed && i < 64; i++) append(&t, "%s%u", i ? " -> " : " ", (unsigned)bases[i]);
    if (listed > 64) append(&t, " -> ... (%zu in all)", listed);
    append(&t, "\n");
    hack_heap_stats s;
    hack_heap_get_stats(h, &s);
    append(&t, "live blocks %u (%u words with headers), free %u words in %u segments, largest free block %u words, "
               "fragmentation %.2f\n",
           (unsigned)s.live_blocks, (unsigned)s.live_words, (unsigned)s.free_words, (unsigned)s.free_segments,
           (unsigned)(s.largest_free_segment >= 2 ? s.largest_free_segment - 2 : 0), s.fragmentation);
    if (t.failed) {
        free(t.text);
        return NULL;
    }
    return t.text;
}
