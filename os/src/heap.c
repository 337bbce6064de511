#include "hack/heap.h"

#include "hack/strbuf.h"

#include <assert.h>
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
    hack_heap_policy policy;
    bool initialized; /* hack_heap_init has run: before it there is no layout (no segment, the head none) */
    /* The shadow (see heap.h): the layout as this file made it, indexed by word - base. The emulated words are
     * compared with it, never obeyed. */
    uint16_t head;            /* the head of the free list: a free segment's base, or -1 */
    uint64_t *starts, *frees; /* bit i: word base + i starts a segment / a free segment */
    uint64_t *nonempty;       /* bit w: frees[w] has a bit set (so the free segment below a block is found in
                               * a few steps, not a walk down the heap) */
    uint16_t *expected;       /* at a segment's start b: its two words as they must read (expected[b - base] the
                               * next free segment or -1 when free, -100 when live; then its size), laid out
                               * as in the emulated RAM, so checking a segment is one compare of both; segments
                               * are at least 3 words long, so they never overlap */
    size_t bitmap_words;
    hack_heap_stats counters;
    hack_heap_error error; /* of the latest call */
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

/* ---- the emulated words: read only to compare them with the shadow, written only from it ---- */

static bool in_range(const hack_heap *h, uint32_t address)
{
    return address - h->base < h->end - h->base; /* one compare: below base wraps around */
}

/* The shadow only holds addresses in the heap; the range test keeps a bug here from ever becoming a read or
 * a write past the emulated RAM (a read outside gives 0, which then disagrees with the shadow). */
static uint16_t load(const hack_heap *h, uint32_t address)
{
    return in_range(h, address) ? h->ram[address] : 0;
}

static void store(hack_heap *h, uint32_t address, uint16_t value)
{
    if (in_range(h, address)) h->ram[address] = value;
}

/* The head word as the program left it (hack_heap_create made sure head_address is in the RAM). */
static uint16_t head_word(const hack_heap *h)
{
    return h->head_address >= 0 ? h->ram[h->head_address] : h->head;
}

static uint16_t size_of(const hack_heap *h, uint32_t b)
{
    return h->expected[b - h->base + 1];
}

static uint16_t link_of(const hack_heap *h, uint32_t b)
{
    return h->expected[b - h->base];
}

static bool is_free(const hack_heap *h, uint32_t b)
{
    return bit_test(h->frees, b - h->base);
}

static void set_free(hack_heap *h, uint32_t b)
{
    uint32_t i = b - h->base;
    bit_set(h->frees, i);
    bit_set(h->nonempty, i >> 6);
}

static void clear_free(hack_heap *h, uint32_t b)
{
    uint32_t i = b - h->base;
    bit_clear(h->frees, i);
    if (!h->frees[i >> 6]) bit_clear(h->nonempty, i >> 6);
}

/* The highest free segment below b (an offset from base), or -1. */
static int32_t free_below(const hack_heap *h, uint32_t b)
{
    uint32_t i = b - h->base;
    if (i == 0) return -1;
    i--;
    uint64_t w = h->frees[i >> 6] & (((uint64_t)2 << (i & 63)) - 1u); /* bits 0..i of the word */
    if (w) return (int32_t)((i & ~63u) + (uint32_t)highest_bit(w));
    int32_t word = bit_previous(h->nonempty, i >> 6);
    return word < 0 ? -1 : word * 64 + highest_bit(h->frees[word]);
}

static bool address_ordered(const hack_heap *h)
{
    return h->policy != HACK_HEAP_SEED;
}

/* The start of the segment that holds word a of the heap (the first segment always starts at base). */
static uint32_t segment_of(const hack_heap *h, uint32_t a)
{
    return h->base + (uint32_t)bit_previous(h->starts, a - h->base + 1);
}

/* ---- changes: the shadow and its mirror in the emulated words together ---- */

static void set_head(hack_heap *h, uint16_t head)
{
    h->head = head;
    if (h->head_address >= 0) h->ram[h->head_address] = head;
}

static void set_link(hack_heap *h, uint32_t b, uint16_t link)
{
    h->expected[b - h->base] = link;
    store(h, b, link);
}

static void set_size(hack_heap *h, uint32_t b, uint16_t size)
{
    h->expected[b - h->base + 1] = size;
    store(h, b + 1, size);
}

static void mark_live(hack_heap *h, uint32_t b)
{
    h->expected[b - h->base] = HACK_HEAP_LIVE_FLAG;
    store(h, b, HACK_HEAP_LIVE_FLAG);
}

static void start_live_block(hack_heap *h, uint32_t b, uint16_t size)
{
    bit_set(h->starts, b - h->base);
    mark_live(h, b);
    set_size(h, b, size);
}

static void record(hack_heap *h, int kind, int32_t argument, uint16_t result, hack_heap_status status)
{
    call_record *r = &h->log[h->log_count++ % LOG_SIZE];
    r->kind = kind;
    r->argument = argument;
    r->result = result;
    r->status = status;
}

/* ---- words that disagree with the shadow: what to say about them ---- */

typedef struct {
    uint32_t address;
    uint16_t found, recorded;
    hack_heap_problem_kind kind;
    bool into_header; /* the word points at a live block's header */
    char text[280];
} word_problem;

/* Whether the free segment `to` comes before `from` on the list (so a link from `from` to it closes a loop). */
static bool listed_before(const hack_heap *h, uint32_t to, uint32_t from)
{
    uint32_t steps = 0, limit = h->end - h->base;
    for (uint32_t node = h->head; node != HACK_HEAP_END_OF_LIST && node != from && steps++ < limit;
         node = link_of(h, node))
        if (node == to) return true;
    return false;
}

/* What a link (or the head: from < 0) that says v points at. True when it is a live block's header. */
static bool describe_target(const hack_heap *h, uint16_t v, int32_t from, char *out, size_t size)
{
    if (v == HACK_HEAP_END_OF_LIST) {
        snprintf(out, size, "-1 (the end of the list)");
        return false;
    }
    if (!in_range(h, v) || v + 1u >= h->end) {
        snprintf(out, size, "%d (outside the heap)", (int)(int16_t)v);
        return false;
    }
    uint32_t s = segment_of(h, v), last = s + size_of(h, s) - 1;
    if (!is_free(h, s)) {
        snprintf(out, size, "%u (%s the live block at %u..%u)", (unsigned)v, v < s + 2 ? "the header of" : "inside",
                 (unsigned)s + 2, (unsigned)last);
        return v < s + 2;
    }
    if (v != s)
        snprintf(out, size, "%u (inside the free segment at %u..%u)", (unsigned)v, (unsigned)s, (unsigned)last);
    else if ((int32_t)v == from)
        snprintf(out, size, "%u (the segment itself: a cycle)", (unsigned)v);
    else if (from >= 0 && listed_before(h, v, (uint32_t)from))
        snprintf(out, size, "%u (a free segment earlier on the list: a cycle)", (unsigned)v);
    else
        snprintf(out, size, "%u (a free segment, but not the %s one on the list)", (unsigned)v,
                 from < 0 ? "first" : "next");
    return false;
}

static void describe_recorded(uint16_t v, char *out, size_t size)
{
    if (v == HACK_HEAP_END_OF_LIST)
        snprintf(out, size, "-1 (the end of the list)");
    else
        snprintf(out, size, "%u", (unsigned)v);
}

static const char *size_remark(const hack_heap *h, uint32_t b, uint16_t size)
{
    if ((int16_t)size < 2) return " (less than its two header words)";
    if (size > h->end - b) return " (past the end of the heap)";
    return "";
}

/* False when the head word says what the shadow says; else true, and what is wrong in *p. */
static bool head_disagrees(const hack_heap *h, word_problem *p)
{
    uint16_t found = head_word(h);
    if (found == h->head) return false;
    char what[96], recorded[48];
    const bool into_header = describe_target(h, found, -1, what, sizeof what);
    describe_recorded(h->head, recorded, sizeof recorded);
    *p = (word_problem){.address = (uint32_t)h->head_address, .found = found, .recorded = h->head,
                        .kind = HACK_HEAP_PROBLEM_HEAD_WORD, .into_header = into_header};
    snprintf(p->text, sizeof p->text, "RAM[%u], the head of the free list, is %s; the heap manager recorded %s",
             (unsigned)h->head_address, what, recorded);
    return true;
}

/* The same for the two words of the segment at b. */
static bool segment_disagrees(const hack_heap *h, uint32_t b, word_problem *p)
{
    uint16_t first = load(h, b), size = load(h, b + 1), recorded_first = link_of(h, b), recorded_size = size_of(h, b);
    char whose[48];
    if (is_free(h, b))
        snprintf(whose, sizeof whose, "the free segment at %u", (unsigned)b);
    else
        snprintf(whose, sizeof whose, "the live block at %u..%u", (unsigned)b + 2, (unsigned)(b + recorded_size - 1));
    if (first != recorded_first && is_free(h, b)) {
        char what[96], recorded[48];
        const bool into_header = describe_target(h, first, (int32_t)b, what, sizeof what);
        describe_recorded(recorded_first, recorded, sizeof recorded);
        *p = (word_problem){.address = b, .found = first, .recorded = recorded_first,
                            .kind = HACK_HEAP_PROBLEM_LINK_WORD, .into_header = into_header};
        snprintf(p->text, sizeof p->text, "RAM[%u], the link of %s, is %s; the heap manager recorded %s", (unsigned)b,
                 whose, what, recorded);
    } else if (first != recorded_first) {
        *p = (word_problem){.address = b, .found = first, .recorded = recorded_first,
                            .kind = HACK_HEAP_PROBLEM_FLAG_WORD};
        snprintf(p->text, sizeof p->text, "RAM[%u], the header of %s, is %d; it must be -100 (live)", (unsigned)b,
                 whose, (int)(int16_t)first);
    } else if (size != recorded_size) {
        *p = (word_problem){.address = b + 1, .found = size, .recorded = recorded_size,
                            .kind = HACK_HEAP_PROBLEM_SIZE_WORD};
        snprintf(p->text, sizeof p->text, "RAM[%u], the size of %s, is %d%s; the heap manager recorded %u",
                 (unsigned)b + 1, whose, (int)(int16_t)size, size_remark(h, b, size), (unsigned)recorded_size);
    } else {
        return false;
    }
    return true;
}

/* ---- the checks every call makes before it acts (the fast paths inline, the reports out of the way) ---- */

/* The latest call's error starts empty: only a failing call fills it in. */
static void begin(hack_heap *h)
{
    h->error.status = HACK_HEAP_OK;
    h->error.address = -1;
    h->error.text[0] = '\0';
}

static hack_heap_status finish(hack_heap *h, hack_heap_status status)
{
    h->error.status = status;
    return status;
}

#if defined(__GNUC__)
#define COLD __attribute__((cold, noinline))
#else
#define COLD
#endif

static COLD void report_corruption(hack_heap *h, const word_problem *p)
{
    h->error.address = (int32_t)p->address;
    h->error.found = p->found;
    h->error.recorded = p->recorded;
    snprintf(h->error.text, sizeof h->error.text, "heap corruption: %s", p->text);
}

static COLD bool head_corrupt(hack_heap *h)
{
    word_problem p;
    if (head_disagrees(h, &p)) report_corruption(h, &p);
    return false;
}

static COLD bool segment_corrupt(hack_heap *h, uint32_t b)
{
    word_problem p;
    if (segment_disagrees(h, b, &p)) report_corruption(h, &p);
    return false;
}

static bool head_intact(hack_heap *h)
{
    return h->head_address < 0 || h->ram[h->head_address] == h->head || head_corrupt(h);
}

/* The two words of the segment at b (free or live) say what the shadow says. */
static bool intact(hack_heap *h, uint32_t b)
{
    uint32_t i = b - h->base;
    /* i < end - base - 1: both words in the heap, in one test */
    return (i < h->end - h->base - 1 && memcmp(&h->ram[b], &h->expected[i], 2 * sizeof *h->ram) == 0) ||
           segment_corrupt(h, b);
}

/* The head and every free segment: what defrag and largestFree read. */
static bool free_list_intact(hack_heap *h)
{
    if (!head_intact(h)) return false;
    uint32_t bits = h->end - h->base;
    for (int32_t i = bit_next(h->frees, 0, bits); i >= 0; i = bit_next(h->frees, (uint32_t)i + 1, bits))
        if (!intact(h, h->base + (uint32_t)i)) return false;
    return true;
}

/* The precondition of every call that follows the shadow: before hack_heap_init its bitmaps are empty and the
 * head is no segment, and a walk from it would index outside them. A caller's bug, so asserted; a release
 * build refuses the call instead. */
static bool initialized(const hack_heap *h)
{
    assert(h->initialized && "hack_heap_init must come first");
    return h->initialized;
}

/* ---- life cycle ---- */

hack_heap *hack_heap_create(uint16_t *ram, uint32_t base, uint32_t end, int32_t head_address, hack_heap_policy policy)
{
    assert(ram);
    if (end > 32768 || end < 3 || base > end - 3 || (unsigned)policy > HACK_HEAP_SEED) return NULL;
    if (head_address >= 32768 || (head_address >= 0 && (uint32_t)head_address >= base && (uint32_t)head_address < end))
        return NULL; /* the head must be a word of the RAM, and not one of the heap's */
    hack_heap *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->ram = ram;
    h->base = base;
    h->end = end;
    h->head_address = head_address;
    h->policy = policy;
    h->bitmap_words = (end - base + 63) / 64;
    h->starts = calloc(h->bitmap_words, sizeof *h->starts);
    h->frees = calloc(h->bitmap_words, sizeof *h->frees);
    h->nonempty = calloc((h->bitmap_words + 63) / 64, sizeof *h->nonempty);
    h->expected = calloc(end - base, sizeof *h->expected);
    if (!h->starts || !h->frees || !h->nonempty || !h->expected) {
        hack_heap_destroy(h);
        return NULL;
    }
    begin(h);
    return h;
}

void hack_heap_destroy(hack_heap *heap)
{
    if (!heap) return;
    free(heap->starts);
    free(heap->frees);
    free(heap->nonempty);
    free(heap->expected);
    free(heap);
}

void hack_heap_init(hack_heap *h)
{
    assert(h);
    memset(h->starts, 0, h->bitmap_words * sizeof *h->starts);
    memset(h->frees, 0, h->bitmap_words * sizeof *h->frees);
    memset(h->nonempty, 0, (h->bitmap_words + 63) / 64 * sizeof *h->nonempty);
    bit_set(h->starts, 0);
    set_free(h, h->base);
    set_link(h, h->base, HACK_HEAP_END_OF_LIST);
    set_size(h, h->base, (uint16_t)(h->end - h->base));
    set_head(h, (uint16_t)h->base);
    memset(&h->counters, 0, sizeof h->counters);
    h->log_count = 0;
    h->initialized = true;
    begin(h);
}

/* Merges every run of adjacent free segments and links them in address order: defrag's work. The shadow says
 * where they are; the caller has checked their words. */
static void relink(hack_heap *h)
{
    uint32_t bits = h->end - h->base;
    int32_t previous = -1;
    set_head(h, HACK_HEAP_END_OF_LIST);
    for (int32_t i = bit_next(h->frees, 0, bits); i >= 0; i = bit_next(h->frees, (uint32_t)i + 1, bits)) {
        uint32_t b = h->base + (uint32_t)i;
        uint32_t size = size_of(h, b);
        for (uint32_t next = b + size; next < h->end && is_free(h, next); next = b + size) {
            size += size_of(h, next);
            bit_clear(h->starts, next - h->base);
            clear_free(h, next);
        }
        set_size(h, b, (uint16_t)size);
        set_link(h, b, HACK_HEAP_END_OF_LIST);
        if (previous >= 0)
            set_link(h, (uint32_t)previous, (uint16_t)b);
        else
            set_head(h, (uint16_t)b);
        previous = (int32_t)b;
    }
}

hack_heap_policy hack_heap_get_policy(const hack_heap *heap)
{
    assert(heap);
    return heap->policy;
}

hack_heap_status hack_heap_set_policy(hack_heap *h, hack_heap_policy policy)
{
    assert(h && (unsigned)policy <= HACK_HEAP_SEED);
    begin(h);
    if (!initialized(h)) return finish(h, HACK_HEAP_NOT_INITIALIZED);
    if (!free_list_intact(h)) return finish(h, HACK_HEAP_CORRUPT);
    h->policy = policy;
    relink(h); /* the list in the order the new policy keeps, with no free neighbours */
    return finish(h, HACK_HEAP_OK);
}

/* ---- alloc ---- */

/* Walks the free list (the shadow's links) for a segment of at least need words, checking the words of every
 * segment it visits; *previous is the node before it (-1 for the head). Returns the segment, -1 when none
 * fits (then it has checked them all), -2 when a visited segment's words were overwritten. */
static int32_t find_segment(hack_heap *h, uint32_t need, int32_t *previous)
{
    int32_t best = -1, best_previous = -1, prev = -1;
    uint32_t best_size = UINT32_MAX;
    for (uint32_t node = h->head; node != HACK_HEAP_END_OF_LIST; prev = (int32_t)node, node = link_of(h, node)) {
        if (!intact(h, node)) return -2;
        uint32_t size = size_of(h, node);
        if (size < need) continue;
        if (h->policy != HACK_HEAP_BEST_FIT) {
            *previous = prev;
            return (int32_t)node;
        }
        if (size < best_size) {
            best = (int32_t)node;
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
        set_size(h, segment, (uint16_t)(size - need));
        start_live_block(h, block, (uint16_t)need);
        return (uint16_t)(block + 2);
    }
    uint16_t next = link_of(h, segment);
    if (previous >= 0)
        set_link(h, (uint32_t)previous, next);
    else
        set_head(h, next);
    mark_live(h, segment);
    clear_free(h, segment);
    return (uint16_t)(segment + 2);
}

static hack_heap_status allocate(hack_heap *h, uint32_t need, uint16_t *address)
{
    if (need > h->end - h->base) return HACK_HEAP_NO_ROOM;
    int32_t previous;
    int32_t segment = find_segment(h, need, &previous);
    if (segment == -1) { /* merge what can be merged (the walk checked every free segment), then once more */
        relink(h);
        h->counters.defrags++;
        record(h, CALL_DEFRAG, 0, 0, HACK_HEAP_OK);
        segment = find_segment(h, need, &previous);
    }
    if (segment == -2) return HACK_HEAP_CORRUPT;
    if (segment == -1) return HACK_HEAP_NO_ROOM;
    *address = take(h, (uint32_t)segment, previous, need);
    return HACK_HEAP_OK;
}

hack_heap_status hack_heap_alloc(hack_heap *h, int32_t size, uint16_t *address)
{
    assert(h && address);
    begin(h);
    *address = 0;
    if (!initialized(h)) return finish(h, HACK_HEAP_NOT_INITIALIZED);
    hack_heap_status status;
    if (size <= 0)
        status = HACK_HEAP_BAD_SIZE;
    else if (!head_intact(h))
        status = HACK_HEAP_CORRUPT;
    else
        status = allocate(h, (uint32_t)size + 2, address);
    if (status == HACK_HEAP_OK)
        h->counters.allocs++;
    else
        h->counters.failed_allocs++;
    record(h, CALL_ALLOC, size, *address, status);
    return finish(h, status);
}

/* ---- free ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static COLD hack_heap_status refuse(hack_heap *h, hack_heap_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(h->error.text, sizeof h->error.text, format, args);
    va_end(args);
    return status;
}

/* What the address given to deAlloc is, by the shadow: HACK_HEAP_OK for a live block whose header is intact. */
static hack_heap_status classify_free(hack_heap *h, uint16_t address)
{
    if (address == 0) return HACK_HEAP_FREE_NULL;
    if (!in_range(h, address)) return HACK_HEAP_FREE_OUTSIDE;
    if (!head_intact(h)) return HACK_HEAP_CORRUPT;
    uint32_t s = segment_of(h, address);
    if (address == s + 2) {
        if (is_free(h, s)) return HACK_HEAP_DOUBLE_FREE;
        return intact(h, s) ? HACK_HEAP_OK : HACK_HEAP_CORRUPT;
    }
    if (is_free(h, s)) return HACK_HEAP_FREE_IN_FREE_MEMORY; /* freed before (and merged), or never allocated */
    unsigned first = (unsigned)s + 2, last = (unsigned)(s + size_of(h, s) - 1);
    if (address < s + 2)
        return refuse(h, HACK_HEAP_FREE_HEADER,
                      "deAlloc of %u: that is the header of the live block at %u..%u (to free it, pass the address "
                      "alloc returned, %u)",
                      (unsigned)address, first, last, first);
    return refuse(h, HACK_HEAP_FREE_NOT_A_BLOCK,
                  "deAlloc of %u: that is word %u of the live block at %u..%u, not its first (alloc returned %u)",
                  (unsigned)address, (unsigned)address - first, first, last, first);
}

/* The free segment next, right after b, joins it. */
static void merge(hack_heap *h, uint32_t b, uint32_t next)
{
    set_link(h, b, link_of(h, next));
    set_size(h, b, (uint16_t)(size_of(h, b) + size_of(h, next)));
    bit_clear(h->starts, next - h->base);
    clear_free(h, next);
}

/* FIRST_FIT and BEST_FIT: b goes between the free segments around it, and merges with those it touches. */
static hack_heap_status insert_in_order(hack_heap *h, uint32_t b)
{
    int32_t pred = free_below(h, b);
    uint32_t pred_address = pred >= 0 ? h->base + (uint32_t)pred : 0;
    uint16_t next = pred >= 0 ? link_of(h, pred_address) : h->head;
    if ((pred >= 0 && !intact(h, pred_address)) || (next != HACK_HEAP_END_OF_LIST && !intact(h, next)))
        return HACK_HEAP_CORRUPT;
    set_link(h, b, next);
    if (pred >= 0)
        set_link(h, pred_address, (uint16_t)b);
    else
        set_head(h, (uint16_t)b);
    set_free(h, b);
    if (next != HACK_HEAP_END_OF_LIST && b + size_of(h, b) == next) merge(h, b, next);
    if (pred >= 0 && pred_address + size_of(h, pred_address) == b) merge(h, pred_address, b);
    return HACK_HEAP_OK;
}

/* SEED: b is pushed on the head, no merging. */
static hack_heap_status push(hack_heap *h, uint32_t b)
{
    if (h->head != HACK_HEAP_END_OF_LIST && !intact(h, h->head)) return HACK_HEAP_CORRUPT;
    set_link(h, b, h->head);
    set_head(h, (uint16_t)b);
    set_free(h, b);
    return HACK_HEAP_OK;
}

hack_heap_status hack_heap_free(hack_heap *h, uint16_t address)
{
    assert(h);
    begin(h);
    if (!initialized(h)) return finish(h, HACK_HEAP_NOT_INITIALIZED);
    hack_heap_status status = classify_free(h, address);
    if (status == HACK_HEAP_OK) status = address_ordered(h) ? insert_in_order(h, address - 2u) : push(h, address - 2u);
    if (status == HACK_HEAP_OK)
        h->counters.frees++;
    else
        h->counters.bad_frees++;
    record(h, CALL_FREE, address, 0, status);
    return finish(h, status);
}

hack_heap_status hack_heap_defrag(hack_heap *h)
{
    assert(h);
    begin(h);
    if (!initialized(h)) return finish(h, HACK_HEAP_NOT_INITIALIZED);
    hack_heap_status status = free_list_intact(h) ? HACK_HEAP_OK : HACK_HEAP_CORRUPT;
    if (status == HACK_HEAP_OK) {
        relink(h);
        h->counters.defrags++;
    }
    record(h, CALL_DEFRAG, 0, 0, status);
    return finish(h, status);
}

/* ---- queries ---- */

hack_heap_status hack_heap_largest_free(hack_heap *h, uint16_t *words)
{
    assert(h && words);
    begin(h);
    *words = 0;
    if (!initialized(h)) return finish(h, HACK_HEAP_NOT_INITIALIZED);
    if (!free_list_intact(h)) return finish(h, HACK_HEAP_CORRUPT);
    uint32_t largest = 0, bits = h->end - h->base;
    for (int32_t i = bit_next(h->frees, 0, bits); i >= 0; i = bit_next(h->frees, (uint32_t)i + 1, bits)) {
        uint32_t size = size_of(h, h->base + (uint32_t)i);
        if (size > largest) largest = size;
    }
    *words = (uint16_t)(largest >= 2 ? largest - 2 : 0);
    return finish(h, HACK_HEAP_OK);
}

const hack_heap_error *hack_heap_last_error(const hack_heap *heap)
{
    assert(heap);
    return &heap->error;
}

int32_t hack_heap_free_head(const hack_heap *heap)
{
    assert(heap);
    return !heap->initialized || heap->head == HACK_HEAP_END_OF_LIST ? -1 : heap->head;
}

size_t hack_heap_free_list(const hack_heap *h, uint16_t *bases, size_t max)
{
    assert(h && (bases || max == 0));
    size_t n = 0;
    if (!h->initialized) return 0; /* no list yet (and h->head is no segment) */
    for (uint32_t node = h->head; node != HACK_HEAP_END_OF_LIST && n < h->end - h->base; node = link_of(h, node)) {
        if (n < max) bases[n] = (uint16_t)node;
        n++;
    }
    return n;
}

void hack_heap_get_stats(const hack_heap *h, hack_heap_stats *s)
{
    assert(h && s);
    *s = h->counters;
    s->live_blocks = s->live_words = s->free_segments = s->free_words = s->largest_free_segment = 0;
    uint32_t bits = h->end - h->base;
    for (int32_t i = bit_next(h->starts, 0, bits); i >= 0; i = bit_next(h->starts, (uint32_t)i + 1, bits)) {
        uint32_t size = size_of(h, h->base + (uint32_t)i);
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
__attribute__((format(printf, 4, 5)))
#endif
static void problem(problem_list *list, hack_heap_problem_kind kind, uint32_t address, const char *format, ...)
{
    if (list->count < list->max) {
        hack_heap_problem *p = &list->items[list->count];
        p->address = address;
        p->kind = kind;
        p->into_header = false;
        va_list args;
        va_start(args, format);
        vsnprintf(p->text, sizeof p->text, format, args);
        va_end(args);
    }
    list->count++;
}

static void word_disagrees(problem_list *list, const word_problem *p)
{
    problem(list, p->kind, p->address, "%s", p->text);
    if (list->count <= list->max) list->items[list->count - 1].into_header = p->into_header;
}

size_t hack_heap_check(const hack_heap *h, hack_heap_problem *problems, size_t max)
{
    assert(h && (problems || max == 0));
    problem_list list = {problems, 0, max};
    if (!h->initialized) { /* no layout to compare the words with */
        problem(&list, HACK_HEAP_PROBLEM_NOT_INITIALIZED, h->base, "the heap is not initialized (hack_heap_init, Memory.init, has not run)");
        return list.count;
    }
    uint32_t words = h->end - h->base;
    uint64_t *starts = calloc(h->bitmap_words, sizeof *starts);
    uint64_t *on_list = calloc(h->bitmap_words, sizeof *on_list);
    if (!starts || !on_list) {
        free(starts);
        free(on_list);
        problem(&list, HACK_HEAP_PROBLEM_NO_CHECK, 0, "out of memory for the check");
        return list.count;
    }
    /* 1. segments tile the heap */
    uint32_t b = h->base, segments = 0, free_segments = 0;
    bool tiled = true, previous_free = false;
    uint32_t previous_base = 0;
    while (b < h->end) {
        if (b + 1 >= h->end) {
            problem(&list, HACK_HEAP_PROBLEM_HEADER_PAST_END, b, "a segment header at %u runs past the end of the heap", (unsigned)b);
            tiled = false;
            break;
        }
        uint16_t flag = load(h, b), size = load(h, b + 1);
        if (size < 2 || b + size > h->end) {
            problem(&list, HACK_HEAP_PROBLEM_BAD_SIZE, b, "segment at %u has size %u, which %s", (unsigned)b, (unsigned)size,
                    size < 2 ? "is smaller than its header" : "runs past the end of the heap");
            tiled = false;
            break;
        }
        bool is_free = flag != HACK_HEAP_LIVE_FLAG;
        if (is_free && flag != HACK_HEAP_END_OF_LIST && (flag < h->base || flag >= h->end))
            problem(&list, HACK_HEAP_PROBLEM_BAD_FLAG, b, "segment at %u: word %u is %d, neither -100 (live) nor a free-list link", (unsigned)b,
                    (unsigned)b, (int)(int16_t)flag);
        if (is_free && previous_free && address_ordered(h))
            problem(&list, HACK_HEAP_PROBLEM_NOT_MERGED, b, "free segments at %u and %u touch but were not merged", (unsigned)previous_base,
                    (unsigned)b);
        bit_set(starts, b - h->base);
        segments++;
        free_segments += is_free;
        previous_free = is_free;
        previous_base = b;
        b += size;
    }
    if (tiled && b != h->end) problem(&list, HACK_HEAP_PROBLEM_SIZES, b, "segment sizes add up to %u words, not %u", (unsigned)(b - h->base), (unsigned)words);
    /* 2. the free list */
    uint32_t listed = 0, steps = 0;
    int32_t last = -1;
    for (uint16_t node = head_word(h); node != HACK_HEAP_END_OF_LIST; node = load(h, node)) {
        if (!in_range(h, node) || node + 1u >= h->end || !bit_test(starts, node - h->base)) {
            problem(&list, HACK_HEAP_PROBLEM_LIST_NOT_SEGMENT, node, "the free list reaches %u, which is not a segment", (unsigned)node);
            break;
        }
        if (bit_test(on_list, node - h->base) || ++steps > segments) {
            problem(&list, HACK_HEAP_PROBLEM_LIST_LOOP, node, "the free list loops back to %u", (unsigned)node);
            break;
        }
        if (load(h, node) == HACK_HEAP_LIVE_FLAG) {
            problem(&list, HACK_HEAP_PROBLEM_LIST_LIVE, node, "the free list reaches %u, a live block", (unsigned)node);
            break;
        }
        if (address_ordered(h) && last >= 0 && node <= last)
            problem(&list, HACK_HEAP_PROBLEM_LIST_ORDER, node, "the free list goes from %d back to %u: not in address order", (int)last, (unsigned)node);
        bit_set(on_list, node - h->base);
        last = node;
        listed++;
    }
    if (tiled && listed != free_segments)
        problem(&list, HACK_HEAP_PROBLEM_LIST_COUNT, 0, "%u free segments but %u on the free list", (unsigned)free_segments, (unsigned)listed);
    /* 3. every bookkeeping word says what the heap manager recorded (if not, the program overwrote it) */
    word_problem p;
    if (head_disagrees(h, &p)) word_disagrees(&list, &p);
    for (int32_t i = bit_next(h->starts, 0, words); i >= 0; i = bit_next(h->starts, (uint32_t)i + 1, words))
        if (segment_disagrees(h, h->base + (uint32_t)i, &p)) word_disagrees(&list, &p);
    free(starts);
    free(on_list);
    return list.count;
}

/* ---- the report ---- */

const char *hack_heap_status_text(hack_heap_status status)
{
    switch (status) {
    case HACK_HEAP_OK: return "ok";
    case HACK_HEAP_BAD_SIZE: return "size must be positive (Sys.error 5)";
    case HACK_HEAP_NO_ROOM: return "no free block is large enough, even after defrag (Sys.error 6)";
    case HACK_HEAP_FREE_NULL: return "deAlloc of null";
    case HACK_HEAP_FREE_OUTSIDE: return "deAlloc of an address outside the heap";
    case HACK_HEAP_FREE_NOT_A_BLOCK: return "deAlloc of an address inside a block, not the start alloc returned";
    case HACK_HEAP_FREE_HEADER: return "deAlloc of a block's header, not the address alloc returned";
    case HACK_HEAP_DOUBLE_FREE: return "deAlloc of a block that is already free (double free)";
    case HACK_HEAP_FREE_IN_FREE_MEMORY: return "deAlloc of an address in free memory (freed before, or never allocated)";
    case HACK_HEAP_CORRUPT: return "heap corruption: the program overwrote the heap's bookkeeping words";
    case HACK_HEAP_NOT_INITIALIZED: return "the heap is not initialized (Memory.init has not run)";
    }
    return "?";
}

/* Which of the report's three fault checks a problem fails: the segments malformed (a header or a size wrong, a
 * link or the head pointing into a live block's header), their sizes not adding up to the heap, the free list not
 * the free segments (its head, its links, touching free segments). */
static void fault_summary(const hack_heap_problem *p, bool *malformed, bool *sizes, bool *list_mismatch)
{
    switch (p->kind) {
    case HACK_HEAP_PROBLEM_HEADER_PAST_END:
    case HACK_HEAP_PROBLEM_BAD_SIZE:
    case HACK_HEAP_PROBLEM_FLAG_WORD:
    case HACK_HEAP_PROBLEM_SIZE_WORD: *malformed = true; break;
    case HACK_HEAP_PROBLEM_SIZES: *malformed = *sizes = true; break;
    case HACK_HEAP_PROBLEM_NOT_MERGED:
    case HACK_HEAP_PROBLEM_LIST_NOT_SEGMENT:
    case HACK_HEAP_PROBLEM_LIST_LOOP:
    case HACK_HEAP_PROBLEM_LIST_LIVE:
    case HACK_HEAP_PROBLEM_LIST_ORDER:
    case HACK_HEAP_PROBLEM_LIST_COUNT: *list_mismatch = true; break;
    case HACK_HEAP_PROBLEM_HEAD_WORD:
        *list_mismatch = true;
        if (p->into_header) *malformed = true;
        break;
    case HACK_HEAP_PROBLEM_LINK_WORD:
        if (p->into_header) *malformed = true;
        break;
    case HACK_HEAP_PROBLEM_NO_CHECK:
    case HACK_HEAP_PROBLEM_NOT_INITIALIZED:
    case HACK_HEAP_PROBLEM_BAD_FLAG: break;
    }
}

char *hack_heap_report(const hack_heap *h)
{
    assert(h);
    static const char *const policy_names[] = {"first fit", "best fit", "seed (LIFO first fit)"};
    hack_strbuf t = {0};
    uint32_t words = h->end - h->base;
    hack_strbuf_appendf(&t, "heap %u..%u (%u words), %s, free neighbours merged %s\n", (unsigned)h->base,
                        (unsigned)(h->end - 1), (unsigned)words, policy_names[h->policy],
                        address_ordered(h) ? "at once" : "on defrag");
    hack_strbuf_appendf(&t, "map:\n");
    uint32_t b = h->base;
    for (int n = 0; b + 1 < h->end && n < 100000; n++) {
        uint16_t flag = load(h, b), size = load(h, b + 1);
        if (size < 2 || b + size > h->end) {
            hack_strbuf_appendf(&t, "  %5u  (malformed: size %u)\n", (unsigned)b, (unsigned)size);
            break;
        }
        if (flag == HACK_HEAP_LIVE_FLAG)
            hack_strbuf_appendf(&t, "  %5u..%-5u live  %5u data words at %u\n", (unsigned)b,
                                (unsigned)(b + size - 1), (unsigned)(size - 2), (unsigned)(b + 2));
        else
            hack_strbuf_appendf(&t, "  %5u..%-5u free  %5u words, next %d\n", (unsigned)b, (unsigned)(b + size - 1),
                                (unsigned)size, (int)(int16_t)flag);
        b += size;
    }
    if (words <= 256) { /* a small heap: every word, as the seed printed its chip */
        hack_strbuf_appendf(&t, "words:");
        for (uint32_t a = h->base; a < h->end; a++) {
            if ((a - h->base) % 8 == 0) hack_strbuf_appendf(&t, "\n  %5u:", (unsigned)a);
            hack_strbuf_appendf(&t, " %6d", (int)(int16_t)h->ram[a]);
        }
        hack_strbuf_appendf(&t, "\n");
    }
    hack_strbuf_appendf(&t, "log (newest first):\n");
    uint64_t shown = h->log_count < LOG_SIZE ? h->log_count : LOG_SIZE;
    for (uint64_t i = 0; i < shown; i++) {
        const call_record *r = &h->log[(h->log_count - 1 - i) % LOG_SIZE];
        const char *why = hack_heap_status_text(r->status);
        if (r->kind == CALL_ALLOC && r->status == HACK_HEAP_OK)
            hack_strbuf_appendf(&t, "  alloc(%d) -> %u\n", (int)r->argument, (unsigned)r->result);
        else if (r->kind == CALL_ALLOC)
            hack_strbuf_appendf(&t, "  alloc(%d) failed: %s\n", (int)r->argument, why);
        else if (r->kind == CALL_FREE && r->status == HACK_HEAP_OK)
            hack_strbuf_appendf(&t, "  deAlloc(%d)\n", (int)r->argument);
        else if (r->kind == CALL_FREE)
            hack_strbuf_appendf(&t, "  deAlloc(%d) refused: %s\n", (int)r->argument, why);
        else if (r->status == HACK_HEAP_OK)
            hack_strbuf_appendf(&t, "  defrag()\n");
        else
            hack_strbuf_appendf(&t, "  defrag() refused: %s\n", why);
    }
    hack_heap_problem problems[16];
    size_t count = hack_heap_check(h, problems, 16);
    bool malformed = false, sizes = false, list_mismatch = false;
    for (size_t i = 0; i < count && i < 16; i++) fault_summary(&problems[i], &malformed, &sizes, &list_mismatch);
    hack_strbuf_appendf(&t, "faults:\n  malformed segments: %s\n  sizes add up to the heap: %s\n  free list = the free segments: %s\n",
           malformed ? "YES" : "no", sizes || malformed ? "NO" : "yes", list_mismatch ? "NO" : "yes");
    for (size_t i = 0; i < count && i < 16; i++) hack_strbuf_appendf(&t, "  problem: %s\n", problems[i].text);
    hack_strbuf_appendf(&t, "free list:");
    uint16_t bases[64];
    size_t listed = hack_heap_free_list(h, bases, 64);
    if (listed == 0) hack_strbuf_appendf(&t, " (empty)");
    for (size_t i = 0; i < listed && i < 64; i++)
        hack_strbuf_appendf(&t, "%s%u", i ? " -> " : " ", (unsigned)bases[i]);
    if (listed > 64) hack_strbuf_appendf(&t, " -> ... (%zu in all)", listed);
    hack_strbuf_appendf(&t, "\n");
    hack_heap_stats s;
    hack_heap_get_stats(h, &s);
    hack_strbuf_appendf(&t,
                        "live blocks %u (%u words with headers), free %u words in %u segments, largest free block "
                        "%u words, fragmentation %.2f\n",
                        (unsigned)s.live_blocks, (unsigned)s.live_words, (unsigned)s.free_words,
                        (unsigned)s.free_segments,
                        (unsigned)(s.largest_free_segment >= 2 ? s.largest_free_segment - 2 : 0), s.fragmentation);
    if (t.failed) { /* an incomplete report: none */
        hack_strbuf_free(&t);
        return NULL;
    }
    return hack_strbuf_take(&t, NULL);
}
