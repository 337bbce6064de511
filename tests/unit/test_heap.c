/* The native heap: the seed's tests and worked example (its exact addresses), scenario tables, bad calls that
 * must change nothing, and a model-based random test per policy. */
#define _POSIX_C_SOURCE 200809L
#include "hack/heap.h"
#include "hack/heap_map.h"
#include "test_abort.h"
#include "test_support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHIP = 64, HEAP_PTR = 5 };

static uint16_t chip[32768];
static hack_heap *heap;

static void seed_setup(void)
{
    memset(chip, 0, sizeof chip);
    heap = hack_heap_create(chip, HEAP_PTR, CHIP, -1, HACK_HEAP_SEED);
    ck_assert_ptr_nonnull(heap);
    hack_heap_init(heap);
}

static void teardown(void)
{
    hack_heap_destroy(heap);
    heap = NULL;
}

static int16_t word(uint32_t address)
{
    return (int16_t)chip[address];
}

static uint16_t alloc_ok(int32_t size)
{
    uint16_t address;
    ck_assert_int_eq(hack_heap_alloc(heap, size, &address), HACK_HEAP_OK);
    return address;
}

static void expect_free_list(const uint16_t *expected, size_t count)
{
    uint16_t bases[64];
    size_t n = hack_heap_free_list(heap, bases, 64);
    ck_assert_uint_eq(n, count);
    for (size_t i = 0; i < count; i++) ck_assert_uint_eq(bases[i], expected[i]);
}

static void expect_clean(void)
{
    hack_heap_problem problems[8];
    size_t n = hack_heap_check(heap, problems, 8);
    ck_assert_msg(n == 0, "integrity: %s", n ? problems[0].text : "");
}

/* ---- the seed's tests (SEED.md), chip 64, heap_ptr 5 ---- */

START_TEST(seed_startup)
{
    ck_assert_int_eq(word(5), -1);
    ck_assert_int_eq(word(6), 59);
    ck_assert_int_eq(hack_heap_free_head(heap), 5);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(word(i), 0); /* the stack is never touched */
}
END_TEST

START_TEST(seed_worked_example)
{
    const int sizes[] = {7, 10, 4, 8, 5, 9};
    const uint16_t expected[] = {57, 45, 39, 29, 22, 11};
    for (int i = 0; i < 6; i++) ck_assert_uint_eq(alloc_ok(sizes[i]), expected[i]);
    ck_assert_int_eq(hack_heap_free(heap, 45), HACK_HEAP_OK);
    ck_assert_int_eq(hack_heap_free(heap, 57), HACK_HEAP_OK);
    ck_assert_int_eq(hack_heap_free(heap, 11), HACK_HEAP_OK);
    const uint16_t before[] = {9, 55, 43, 5};
    expect_free_list(before, 4);
    expect_clean();
    hack_heap_defrag(heap);
    const uint16_t after[] = {5, 43};
    expect_free_list(after, 2);
    ck_assert_int_eq(word(6), 15);
    ck_assert_int_eq(word(44), 21);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(word(i), 0);
    expect_clean();
}
END_TEST

START_TEST(seed_alloc_carves_the_high_end)
{
    ck_assert_uint_eq(alloc_ok(15), 49);
    ck_assert_int_eq(word(47), -100);
    ck_assert_int_eq(word(48), 17);
    ck_assert_uint_eq(alloc_ok(8), 39);
    ck_assert_int_eq(word(38), 10);
    ck_assert_int_eq(hack_heap_free_head(heap), 5);
    ck_assert_int_eq(hack_heap_free(heap, 39), HACK_HEAP_OK);
    ck_assert_int_eq(hack_heap_free_head(heap), 37);
    const uint16_t list[] = {37, 5};
    expect_free_list(list, 2);
}
END_TEST

START_TEST(seed_too_large_fails)
{
    uint16_t address = 99;
    ck_assert_int_eq(hack_heap_alloc(heap, 65, &address), HACK_HEAP_NO_ROOM);
    ck_assert_uint_eq(address, 0);
    ck_assert_int_eq(word(5), -1);
    ck_assert_int_eq(word(6), 59);
}
END_TEST

START_TEST(seed_data_cells_read_and_write)
{
    uint16_t a = alloc_ok(10), b = alloc_ok(3);
    for (int i = 0; i < 10; i++) chip[a + i] = (uint16_t)(100 + i);
    for (int i = 0; i < 3; i++) chip[b + i] = (uint16_t)(200 + i);
    for (int i = 0; i < 10; i++) ck_assert_int_eq(word(a + (uint32_t)i), 100 + i);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(word(b + (uint32_t)i), 200 + i);
    expect_clean();
}
END_TEST

START_TEST(seed_whole_remainder_then_full)
{
    ck_assert_uint_eq(alloc_ok(20), 44);
    ck_assert_uint_eq(alloc_ok(20), 22);
    ck_assert_uint_eq(alloc_ok(13), 7); /* the 15-word remainder, whole */
    ck_assert_int_eq(hack_heap_free_head(heap), -1);
    uint16_t address;
    ck_assert_int_eq(hack_heap_alloc(heap, 10, &address), HACK_HEAP_NO_ROOM);
    expect_clean();
}
END_TEST

START_TEST(seed_defrag_layouts)
{
    /* 1: three adjacent freed blocks and the remainder merge into one */
    uint16_t a = alloc_ok(5), b = alloc_ok(5), c = alloc_ok(5); /* 59, 52, 45: 7-word blocks from the top */
    ck_assert_uint_eq(a, 59);
    ck_assert_uint_eq(c, 45);
    hack_heap_free(heap, b);
    hack_heap_free(heap, a);
    hack_heap_free(heap, c);
    const uint16_t lifo3[] = {43, 57, 50, 5};
    expect_free_list(lifo3, 4);
    hack_heap_defrag(heap);
    const uint16_t one[] = {5};
    expect_free_list(one, 1);
    ck_assert_int_eq(word(6), 59);
    expect_clean();
    /* 2: nothing adjacent: the same segments, the list now in address order */
    hack_heap_init(heap);
    a = alloc_ok(5);              /* 59 */
    alloc_ok(5);                  /* 52 */
    c = alloc_ok(5);              /* 45 */
    alloc_ok(5);                  /* 38; the remainder 5..35 */
    hack_heap_free(heap, c);
    hack_heap_free(heap, a);
    const uint16_t lifo[] = {57, 43, 5};
    expect_free_list(lifo, 3);
    hack_heap_defrag(heap);
    const uint16_t ordered[] = {5, 43, 57};
    expect_free_list(ordered, 3);
    ck_assert_int_eq(word(6), 31);
    ck_assert_int_eq(word(44), 7);
    ck_assert_int_eq(word(58), 7);
    expect_clean();
    /* 3: an alloc that fails before a defrag succeeds after: 12 words need two freed 7-word neighbours */
    hack_heap_init(heap);
    for (int i = 0; i < 8; i++) alloc_ok(5); /* 59 52 45 38 31 24 17 10; 3 words left at 5 */
    hack_heap_free(heap, 52);
    hack_heap_free(heap, 45);
    const uint16_t split[] = {43, 50, 5};
    expect_free_list(split, 3);
    hack_heap_defrag(heap);
    const uint16_t merged[] = {5, 43};
    expect_free_list(merged, 2);
    ck_assert_uint_eq(alloc_ok(12), 45);
    expect_clean();
}
END_TEST

START_TEST(seed_alloc_defrags_when_nothing_fits)
{
    for (int i = 0; i < 8; i++) alloc_ok(5);
    hack_heap_free(heap, 52);
    hack_heap_free(heap, 45);
    /* no single segment holds 12 data words, but the two freed neighbours do once merged */
    ck_assert_uint_eq(alloc_ok(12), 45);
    expect_clean();
}
END_TEST

/* ---- bad calls change nothing ---- */

static void expect_refused(hack_heap_status status, uint16_t address)
{
    static uint16_t before[32768];
    memcpy(before, chip, sizeof chip);
    int32_t head = hack_heap_free_head(heap);
    ck_assert_int_eq(hack_heap_free(heap, address), status);
    ck_assert_msg(memcmp(before, chip, sizeof chip) == 0, "deAlloc(%u) changed the heap", (unsigned)address);
    ck_assert_int_eq(hack_heap_free_head(heap), head);
}

START_TEST(bad_frees_leave_the_heap_as_it_was)
{
    hack_heap_set_policy(heap, (hack_heap_policy)_i);
    uint16_t a = alloc_ok(6), b = alloc_ok(4);
    uint16_t c = alloc_ok(3);
    hack_heap_free(heap, c);
    expect_refused(HACK_HEAP_FREE_NULL, 0);
    expect_refused(HACK_HEAP_FREE_OUTSIDE, 3);
    expect_refused(HACK_HEAP_FREE_OUTSIDE, CHIP);
    expect_refused(HACK_HEAP_FREE_OUTSIDE, 30000);
    expect_refused(HACK_HEAP_FREE_NOT_A_BLOCK, (uint16_t)(a + 1)); /* inside a block */
    expect_refused(HACK_HEAP_FREE_NOT_A_BLOCK, (uint16_t)(a + 5));
    expect_refused(HACK_HEAP_FREE_HEADER, (uint16_t)(a - 1)); /* its header */
    expect_refused(HACK_HEAP_FREE_HEADER, (uint16_t)(a - 2));
    /* c was freed: in SEED it stays a free segment of its own (a double free), elsewhere it merged away */
    expect_refused(_i == HACK_HEAP_SEED ? HACK_HEAP_DOUBLE_FREE : HACK_HEAP_FREE_IN_FREE_MEMORY, c);
    /* an overwritten header: the block's size word clobbered */
    chip[b - 1] = 40;
    expect_refused(HACK_HEAP_CORRUPT, b);
    chip[b - 1] = 6;
    chip[b - 2] = 0;
    expect_refused(HACK_HEAP_CORRUPT, b);
    chip[b - 2] = (uint16_t)-100;
    ck_assert_int_eq(hack_heap_free(heap, b), HACK_HEAP_OK);
    expect_clean();
    /* bad sizes */
    uint16_t address;
    static uint16_t before[32768];
    memcpy(before, chip, sizeof chip);
    ck_assert_int_eq(hack_heap_alloc(heap, 0, &address), HACK_HEAP_BAD_SIZE);
    ck_assert_int_eq(hack_heap_alloc(heap, -5, &address), HACK_HEAP_BAD_SIZE);
    ck_assert(memcmp(before, chip, sizeof chip) == 0);
}
END_TEST

START_TEST(double_free_never_loops)
{
    /* the seed's gap: a double free made a cycle; here the second is refused and the list stays a list */
    uint16_t a = alloc_ok(4);
    ck_assert_int_eq(hack_heap_free(heap, a), HACK_HEAP_OK);
    ck_assert_int_eq(hack_heap_free(heap, a), HACK_HEAP_DOUBLE_FREE);
    uint16_t bases[64];
    ck_assert_uint_eq(hack_heap_free_list(heap, bases, 64), 2);
    expect_clean();
    char *report = hack_heap_report(heap);
    ck_assert_ptr_nonnull(report);
    ck_assert_ptr_nonnull(strstr(report, "deAlloc(60) refused"));
    free(report);
}
END_TEST

/* ---- first fit and best fit: scenario tables ---- */

typedef struct {
    char op;  /* 'a' alloc, 'f' free, 'd' defrag */
    int value;
    int expect; /* address returned by alloc */
    uint16_t free_list[6];
    int list_length;
} step;

static void run_steps(hack_heap_policy policy, const step *steps, size_t count)
{
    hack_heap_set_policy(heap, policy);
    for (size_t i = 0; i < count; i++) {
        const step *s = &steps[i];
        if (s->op == 'a')
            ck_assert_msg(alloc_ok(s->value) == s->expect, "step %zu: alloc(%d) != %d", i, s->value, s->expect);
        else if (s->op == 'f')
            ck_assert_int_eq(hack_heap_free(heap, (uint16_t)s->value), HACK_HEAP_OK);
        else
            hack_heap_defrag(heap);
        uint16_t bases[16];
        size_t n = hack_heap_free_list(heap, bases, 16);
        ck_assert_msg(n == (size_t)s->list_length, "step %zu: free list of %zu, expected %d", i, n, s->list_length);
        for (int k = 0; k < s->list_length; k++)
            ck_assert_msg(bases[k] == s->free_list[k], "step %zu: free list[%d] = %u, expected %u", i, k, bases[k],
                          s->free_list[k]);
        expect_clean();
    }
}

START_TEST(first_fit_scenario)
{
    /* 7-word blocks from the top: 57, 50, 43, 36 (returning 59, 52, 45, 38); the rest is 5..35 */
    const step steps[] = {
        {'a', 5, 59, {5}, 1},         {'a', 5, 52, {5}, 1},         {'a', 5, 45, {5}, 1},
        {'a', 5, 38, {5}, 1},         {'f', 52, 0, {5, 50}, 2},     {'f', 59, 0, {5, 50}, 2}, /* 50+57 merged */
        {'a', 3, 33, {5, 50}, 2},     /* first fit: 5 is first in address order and fits; carved from its top */
        {'f', 38, 0, {5, 36, 50}, 3}, {'f', 45, 0, {5, 36}, 2},     /* 36, 43 and 50 merge */
        {'a', 24, 7, {36}, 1},        /* 5 has 26 words: 24 + 2 leaves none, so all of it goes */
    };
    run_steps(HACK_HEAP_FIRST_FIT, steps, sizeof steps / sizeof steps[0]);
    ck_assert_int_eq(word(37), 28); /* 36..63 */
}
END_TEST

START_TEST(best_fit_scenario)
{
    const step steps[] = {
        {'a', 5, 59, {5}, 1},  {'a', 10, 47, {5}, 1}, {'a', 5, 40, {5}, 1}, {'a', 3, 35, {5}, 1},
        {'a', 4, 29, {5}, 1},                /* the rest is 5..26 */
        {'f', 47, 0, {5, 45}, 2},            /* a 12-word hole at 45 */
        {'f', 35, 0, {5, 33, 45}, 3},        /* a 5-word hole at 33 */
        {'a', 3, 35, {5, 45}, 2},            /* best fit: the 5-word hole exactly, though 5 comes first */
        {'a', 8, 47, {5}, 1},                /* 10 of the 12 words: 2 would remain, so all of it */
    };
    run_steps(HACK_HEAP_BEST_FIT, steps, sizeof steps / sizeof steps[0]);
}
END_TEST

/* ---- the model-based random test ---- */

typedef struct {
    uint16_t address, size; /* data words */
    uint16_t pattern;
} live_block;

START_TEST(random_against_a_model)
{
    const hack_heap_policy policy = (hack_heap_policy)_i;
    const uint32_t base = 2048, end = 16384;
    uint32_t seed = 20261126u + (uint32_t)policy;
    fprintf(stderr, "random heap test: policy %d, seed %u\n", (int)policy, (unsigned)seed);
    memset(chip, 0, sizeof chip);
    hack_heap_destroy(heap);
    heap = hack_heap_create(chip, base, end, 2047, policy);
    hack_heap_init(heap);
    static live_block live[8000];
    size_t live_count = 0;
    static uint8_t owner[32768]; /* 1 where a live block's data is, in the model */
    memset(owner, 0, sizeof owner);
    uint64_t failed = 0;
    for (int op = 0; op < 100000; op++) {
        uint32_t r = test_random(&seed);
        bool do_alloc = live_count == 0 || (r % 100) < (live_count < 400 ? 60u : 45u);
        if (do_alloc) {
            uint16_t size = (uint16_t)(1 + test_random(&seed) % ((r & 0x100) ? 200u : 12u));
            uint16_t address;
            hack_heap_status status = hack_heap_alloc(heap, size, &address);
            if (status == HACK_HEAP_NO_ROOM) {
                /* the model agrees: no run of free words (between live blocks and their headers) is long enough */
                failed++;
                uint32_t run = 0, longest = 0;
                for (uint32_t a = base; a < end; a++) {
                    bool used = owner[a] || (a + 2 < end && owner[a + 2] == 2) || (a + 1 < end && owner[a + 1] == 2);
                    run = used ? 0 : run + 1;
                    if (run > longest) longest = run;
                }
                if (!(longest < (uint32_t)size + 2)) ck_abort_msg("seed %u op %d: alloc(%u) failed with %u free words in a row",
                              (unsigned)seed, op, size, longest);
                continue;
            }
            if (status != HACK_HEAP_OK) ck_abort_msg("op %d: alloc(%u): %s", op, size, hack_heap_status_text(status));
            if (!(address >= base + 2 && address + size <= end)) ck_abort_msg("op %d: block %u+%u outside the heap", op,
                          address, size);
            for (uint32_t a = address - 2; a < (uint32_t)address + size; a++)
                if (!(!owner[a])) ck_abort_msg("seed %u op %d: block %u (+%u) overlaps a live block at %u", (unsigned)seed, op,
                              address, size, (unsigned)a);
            /* the block may be up to 2 words longer (a whole segment handed over rather than leave a sliver) */
            uint16_t extent = (uint16_t)(chip[address - 1] - 2);
            if (!(extent >= size && extent <= size + 2)) ck_abort_msg("op %d: block of %u words for alloc(%u)", op, extent, size);
            owner[address] = 2; /* first data word marks a block start for the run count above */
            for (uint32_t a = address + 1u; a < (uint32_t)address + extent; a++) owner[a] = 1;
            uint16_t pattern = (uint16_t)test_random(&seed);
            for (uint32_t k = 0; k < extent; k++) chip[address + k] = (uint16_t)(pattern + k);
            live[live_count++] = (live_block){address, extent, pattern};
        } else {
            size_t index = test_random(&seed) % live_count;
            live_block b = live[index];
            for (uint32_t k = 0; k < b.size; k++)
                if (!(chip[b.address + k] == (uint16_t)(b.pattern + k))) ck_abort_msg("seed %u op %d: block %u lost its data",
                              (unsigned)seed, op, b.address);
            if (hack_heap_free(heap, b.address) != HACK_HEAP_OK) ck_abort_msg("op %d: deAlloc(%u) refused", op, b.address);
            for (uint32_t a = b.address; a < (uint32_t)b.address + b.size; a++) owner[a] = 0;
            live[index] = live[--live_count];
        }
        if (op % 7 == 0 || op > 99000) {
            hack_heap_problem problems[4];
            size_t n = hack_heap_check(heap, problems, 4);
            if (!(n == 0)) ck_abort_msg("seed %u op %d: %s", (unsigned)seed, op, n ? problems[0].text : "");
        }
    }
    for (size_t i = 0; i < live_count; i++)
        for (uint32_t k = 0; k < live[i].size; k++)
            if (chip[live[i].address + k] != (uint16_t)(live[i].pattern + k)) ck_abort_msg("block %u lost its data", live[i].address);
    ck_assert_uint_gt(failed + 1, 0);
}
END_TEST

/* ---- words the program overwrote: found by the calls that read them, named, never obeyed ---- */

enum { BASE = 2048, END = 16384, HEAD = 2047 };

static uint16_t outside_pattern(uint32_t address)
{
    return (uint16_t)(address * 7u + 3u);
}

/* The native layout (heap 2048..16383, the head in RAM[2047]), every other word of the RAM a known pattern,
 * and blocks allocated from the top: a (10 words), b (20), c (5), d (8), e (3); b and d freed. */
typedef struct {
    uint16_t a, b, c, d, e;
} layout;

static layout native_layout(hack_heap_policy policy)
{
    hack_heap_destroy(heap);
    for (uint32_t i = 0; i < 32768; i++) chip[i] = outside_pattern(i);
    heap = hack_heap_create(chip, BASE, END, HEAD, policy);
    ck_assert_ptr_nonnull(heap);
    hack_heap_init(heap);
    layout l = {alloc_ok(10), alloc_ok(20), alloc_ok(5), alloc_ok(8), alloc_ok(3)};
    /* the addresses follow from carving the high end: independent of the policy */
    ck_assert_uint_eq(l.a, 16374);
    ck_assert_uint_eq(l.c, 16345);
    ck_assert_uint_eq(l.e, 16330);
    ck_assert_int_eq(hack_heap_free(heap, l.b), HACK_HEAP_OK);
    ck_assert_int_eq(hack_heap_free(heap, l.d), HACK_HEAP_OK);
    expect_clean();
    return l;
}

static void expect_outside_untouched(void)
{
    for (uint32_t i = 0; i < 32768; i++)
        if ((i < BASE && i != HEAD) || i >= END)
            if (chip[i] != outside_pattern(i)) ck_abort_msg("RAM[%u] outside the heap was changed", (unsigned)i);
}

typedef enum { DO_ALLOC, DO_FREE, DO_DEFRAG, DO_LARGEST, CALL_KINDS } call_kind;
static const char *const call_names[CALL_KINDS] = {"alloc", "deAlloc", "defrag", "largestFree"};

/* One call of each kind; the block alloc returned (0 for none) in *block. */
static hack_heap_status call(call_kind kind, const layout *l, uint16_t *block)
{
    uint16_t words;
    *block = 0;
    switch (kind) {
    case DO_ALLOC: return hack_heap_alloc(heap, 3, block);
    case DO_FREE: return hack_heap_free(heap, l->e);
    case DO_DEFRAG: return hack_heap_defrag(heap);
    default: return hack_heap_largest_free(heap, &words);
    }
}

/* The call finds the overwritten word: it reports it (the word, what it says, what the heap recorded, in the
 * text too), returns no block and changes no word at all. Putting the word back makes the heap whole. */
static void expect_found(call_kind kind, const layout *l, uint32_t word, uint16_t value, const char *says)
{
    static uint16_t before[32768];
    uint16_t recorded = chip[word];
    chip[word] = value;
    memcpy(before, chip, sizeof chip);
    uint16_t block;
    hack_heap_status status = call(kind, l, &block);
    const hack_heap_error *e = hack_heap_last_error(heap);
    ck_assert_msg(status == HACK_HEAP_CORRUPT, "%s with RAM[%u] = %d: %s", call_names[kind], (unsigned)word,
                  (int)(int16_t)value, hack_heap_status_text(status));
    ck_assert_uint_eq(block, 0);
    ck_assert_msg(memcmp(before, chip, sizeof chip) == 0, "%s changed words while reporting corruption", call_names[kind]);
    ck_assert_int_eq(e->status, HACK_HEAP_CORRUPT);
    ck_assert_int_eq(e->address, (int32_t)word);
    ck_assert_uint_eq(e->found, value);
    ck_assert_uint_eq(e->recorded, recorded);
    char name[16];
    snprintf(name, sizeof name, "RAM[%u]", (unsigned)word);
    ck_assert_msg(strncmp(e->text, "heap corruption: ", 17) == 0 && strstr(e->text, name) && strstr(e->text, says),
                  "%s: \"%s\" should name %s and say \"%s\"", call_names[kind], e->text, name, says);
    expect_outside_untouched();
    chip[word] = recorded;
    ck_assert_int_eq(call(kind, l, &block), HACK_HEAP_OK);
    if (kind == DO_ALLOC) ck_assert(block >= BASE + 2 && block + 3u <= END);
    expect_clean();
    expect_outside_untouched();
}

typedef enum { LINK, SIZE } segment_word;
typedef enum { VALUE, ITSELF, INSIDE_C, HEADER_OF_C, RECORDED_PLUS, RECORDED_MINUS } value_kind;

typedef struct {
    segment_word word;
    value_kind kind;
    int value;
    const char *says;
} corruption;

static const corruption corruptions[] = {
    {SIZE, VALUE, 20000, "is 20000 (past the end of the heap)"},
    {SIZE, VALUE, -536, "is -536 (less than its two header words)"},
    {SIZE, VALUE, 0, "is 0 (less than its two header words)"},
    {SIZE, RECORDED_PLUS, 1, "the heap manager recorded"}, /* plausible, one word too many */
    {SIZE, RECORDED_MINUS, 1, "the heap manager recorded"},
    {LINK, VALUE, 60000, "is -5536 (outside the heap)"},
    {LINK, VALUE, 100, "is 100 (outside the heap)"},
    {LINK, ITSELF, 0, "(the segment itself: a cycle)"},
    {LINK, INSIDE_C, 0, "is 16346 (inside the live block at 16345..16349)"},
    {LINK, HEADER_OF_C, 0, "is 16343 (the header of the live block at 16345..16349)"},
};

static uint16_t corrupt_value(const corruption *c, uint32_t segment, uint16_t recorded)
{
    switch (c->kind) {
    case ITSELF: return (uint16_t)segment;
    case INSIDE_C: return 16346;
    case HEADER_OF_C: return 16343;
    case RECORDED_PLUS: return (uint16_t)(recorded + c->value);
    case RECORDED_MINUS: return (uint16_t)(recorded - c->value);
    default: return (uint16_t)c->value;
    }
}

START_TEST(corrupt_first_free_segment_found_by_every_call)
{
    /* the first segment on the list is read by every call: alloc starts its walk there, deAlloc of e links
     * next to it (first fit, best fit: it is e's neighbour below; seed: the head e is pushed on), defrag and
     * largestFree read every free segment */
    for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++)
        for (int kind = 0; kind < CALL_KINDS; kind++) {
            layout l = native_layout((hack_heap_policy)_i);
            uint32_t segment = (uint32_t)hack_heap_free_head(heap);
            uint32_t word = corruptions[i].word == LINK ? segment : segment + 1;
            expect_found((call_kind)kind, &l, word, corrupt_value(&corruptions[i], segment, chip[word]), corruptions[i].says);
        }
}
END_TEST

START_TEST(corrupt_last_free_segment_found_by_defrag_and_largest_free)
{
    for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++) {
        layout l = native_layout((hack_heap_policy)_i);
        uint16_t list[8];
        size_t n = hack_heap_free_list(heap, list, 8);
        ck_assert_uint_eq(n, 3);
        uint32_t segment = list[2], word = corruptions[i].word == LINK ? segment : segment + 1;
        uint16_t value = corrupt_value(&corruptions[i], segment, chip[word]);
        /* an alloc served before it is reached does not read it, and is right all the same */
        uint16_t recorded = chip[word], block;
        chip[word] = value;
        if (_i != HACK_HEAP_BEST_FIT) { /* best fit reads the whole list */
            ck_assert_int_eq(hack_heap_alloc(heap, 3, &block), HACK_HEAP_OK);
            ck_assert(block >= BASE + 2 && block + 3u <= END);
            ck_assert_int_eq(hack_heap_free(heap, block), HACK_HEAP_OK);
        }
        chip[word] = recorded;
        expect_found(DO_DEFRAG, &l, word, value, corruptions[i].says);
        l = native_layout((hack_heap_policy)_i);
        expect_found(DO_LARGEST, &l, word, value, corruptions[i].says);
    }
}
END_TEST

START_TEST(a_link_back_up_the_list_is_a_cycle)
{
    layout l = native_layout((hack_heap_policy)_i);
    uint16_t list[8];
    ck_assert_uint_eq(hack_heap_free_list(heap, list, 8), 3);
    expect_found(DO_DEFRAG, &l, list[2], list[0], "(a free segment earlier on the list: a cycle)");
    l = native_layout((hack_heap_policy)_i);
    expect_found(DO_LARGEST, &l, list[0], list[2], "(a free segment, but not the next one on the list)");
}
END_TEST

START_TEST(overwritten_head_found_by_every_call)
{
    const struct {
        uint16_t value;
        const char *says;
    } heads[] = {
        {60000, "the head of the free list, is -5536 (outside the heap); the heap manager recorded"},
        {0, "the head of the free list, is 0 (outside the heap)"},
        {0xFFFF, "the head of the free list, is -1 (the end of the list)"},
        {16346, "the head of the free list, is 16346 (inside the live block at 16345..16349)"},
        {16374, "the head of the free list, is 16374 (inside the live block at 16374..16383)"},
        {2100, "the head of the free list, is 2100 (inside the free segment at 2048..16327)"},
        {0, "(a free segment, but not the first one on the list)"}, /* the last segment on the list */
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        for (int kind = 0; kind < CALL_KINDS; kind++) {
            layout l = native_layout((hack_heap_policy)_i);
            uint16_t list[8];
            hack_heap_free_list(heap, list, 8);
            uint16_t value = i == sizeof heads / sizeof heads[0] - 1 ? list[2] : heads[i].value;
            expect_found((call_kind)kind, &l, HEAD, value, heads[i].says);
        }
}
END_TEST

START_TEST(overwritten_live_header_found_by_its_deAlloc)
{
    const struct {
        uint32_t offset; /* from the block's address */
        uint16_t value;
        const char *says;
    } headers[] = {
        {1, 20000, "the size of the live block at 16345..16349, is 20000 (past the end of the heap); the heap manager recorded 7"},
        {1, (uint16_t)-536, "is -536 (less than its two header words)"},
        {1, 0, "is 0 (less than its two header words)"},
        {1, 8, "is 8; the heap manager recorded 7"},
        {2, 0, "RAM[16343], the header of the live block at 16345..16349, is 0; it must be -100 (live)"},
        {2, 0xFFFF, "is -1; it must be -100"},
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        layout l = native_layout((hack_heap_policy)_i);
        uint32_t word = l.c - headers[i].offset;
        static uint16_t before[32768];
        uint16_t recorded = chip[word];
        chip[word] = headers[i].value;
        memcpy(before, chip, sizeof chip);
        ck_assert_int_eq(hack_heap_free(heap, l.c), HACK_HEAP_CORRUPT);
        ck_assert(memcmp(before, chip, sizeof chip) == 0);
        const hack_heap_error *e = hack_heap_last_error(heap);
        ck_assert_int_eq(e->address, (int32_t)word);
        ck_assert_msg(strstr(e->text, headers[i].says), "\"%s\" should say \"%s\"", e->text, headers[i].says);
        /* nothing else reads a live block's header: the heap goes on around it */
        uint16_t block;
        ck_assert_int_eq(hack_heap_alloc(heap, 4, &block), HACK_HEAP_OK);
        ck_assert_int_eq(hack_heap_defrag(heap), HACK_HEAP_OK);
        chip[word] = recorded;
        ck_assert_int_eq(hack_heap_free(heap, l.c), HACK_HEAP_OK);
        expect_clean();
        expect_outside_untouched();
    }
}
END_TEST

START_TEST(the_reported_example)
{
    /* the program: Memory.poke(2049, -536) after one alloc, then an alloc */
    native_layout((hack_heap_policy)_i);
    hack_heap_init(heap);
    alloc_ok(10);
    chip[2049] = (uint16_t)-536;
    uint16_t block = 1;
    ck_assert_int_eq(hack_heap_alloc(heap, 5, &block), HACK_HEAP_CORRUPT);
    ck_assert_uint_eq(block, 0);
    ck_assert_str_eq(hack_heap_last_error(heap)->text,
                     "heap corruption: RAM[2049], the size of the free segment at 2048, is -536 (less than its two "
                     "header words); the heap manager recorded 14324");
    chip[2049] = (uint16_t)-1;
    ck_assert_int_eq(hack_heap_alloc(heap, 40, &block), HACK_HEAP_CORRUPT);
    ck_assert_uint_eq(block, 0);
    expect_outside_untouched();
}
END_TEST

START_TEST(deAlloc_of_a_header_says_whose)
{
    layout l = native_layout((hack_heap_policy)_i);
    static uint16_t before[32768];
    memcpy(before, chip, sizeof chip);
    ck_assert_int_eq(hack_heap_free(heap, (uint16_t)(l.c - 2)), HACK_HEAP_FREE_HEADER);
    ck_assert_str_eq(hack_heap_last_error(heap)->text, "deAlloc of 16343: that is the header of the live block at "
                                                       "16345..16349 (to free it, pass the address alloc returned, 16345)");
    ck_assert_int_eq(hack_heap_free(heap, (uint16_t)(l.c - 1)), HACK_HEAP_FREE_HEADER);
    ck_assert_ptr_nonnull(strstr(hack_heap_last_error(heap)->text, "deAlloc of 16344: that is the header of the live block at 16345..16349"));
    ck_assert_int_eq(hack_heap_free(heap, (uint16_t)(l.c + 2)), HACK_HEAP_FREE_NOT_A_BLOCK);
    ck_assert_str_eq(hack_heap_last_error(heap)->text,
                     "deAlloc of 16347: that is word 2 of the live block at 16345..16349, not its first (alloc returned 16345)");
    /* a freed block's header is free memory, and the lowest words of the heap a header too */
    ck_assert_int_eq(hack_heap_free(heap, (uint16_t)(l.d - 2)), HACK_HEAP_FREE_IN_FREE_MEMORY);
    ck_assert_int_eq(hack_heap_free(heap, BASE), HACK_HEAP_FREE_IN_FREE_MEMORY);
    ck_assert_int_eq(hack_heap_free(heap, BASE - 1), HACK_HEAP_FREE_OUTSIDE);
    ck_assert(memcmp(before, chip, sizeof chip) == 0);
    ck_assert_int_eq(hack_heap_free(heap, l.c), HACK_HEAP_OK);
}
END_TEST

START_TEST(create_refuses_a_head_outside_the_ram_or_inside_the_heap)
{
    const int32_t bad[] = {32768, 60000, 65535, BASE, 3000, END - 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_ptr_null(hack_heap_create(chip, BASE, END, bad[i], HACK_HEAP_FIRST_FIT));
    ck_assert_ptr_null(hack_heap_create(chip, BASE, 40000, HEAD, HACK_HEAP_FIRST_FIT));
    ck_assert_ptr_null(hack_heap_create(chip, 100, 102, -1, HACK_HEAP_FIRST_FIT));
    hack_heap *h = hack_heap_create(chip, BASE, END, END, HACK_HEAP_FIRST_FIT); /* the first word after it is fine */
    ck_assert_ptr_nonnull(h);
    hack_heap_destroy(h);
}
END_TEST

/* Each call that needs hack_heap_init first, made before it. */
static void alloc_uninitialized(void *h)
{
    uint16_t address;
    hack_heap_alloc(h, 3, &address);
}

static void free_uninitialized(void *h)
{
    hack_heap_free(h, BASE + 2);
}

static void defrag_uninitialized(void *h)
{
    hack_heap_defrag(h);
}

static void largest_free_uninitialized(void *h)
{
    uint16_t words;
    hack_heap_largest_free(h, &words);
}

static void set_policy_uninitialized(void *h)
{
    hack_heap_set_policy(h, HACK_HEAP_SEED);
}

/* A call before hack_heap_init is the caller's bug (the shadow has no layout yet, and following it read outside
 * the heap manager's arrays): a debug build stops at the assertion, a release build refuses the call and changes
 * nothing. Either way the queries see no layout, and hack_heap_init makes the heap usable. */
START_TEST(calls_before_init_are_refused)
{
    for (size_t i = 0; i < sizeof chip / sizeof chip[0]; i++) chip[i] = (uint16_t)(i * 7919u);
    static uint16_t before[32768];
    memcpy(before, chip, sizeof chip);
    hack_heap *h = hack_heap_create(chip, BASE, END, HEAD, HACK_HEAP_FIRST_FIT);
    ck_assert_ptr_nonnull(h);
    void (*const calls[])(void *) = {alloc_uninitialized, free_uninitialized, defrag_uninitialized,
                                     largest_free_uninitialized, set_policy_uninitialized};
#ifdef NDEBUG
    (void)calls;
    uint16_t address = 1, words = 1;
    ck_assert_int_eq(hack_heap_alloc(h, 3, &address), HACK_HEAP_NOT_INITIALIZED);
    ck_assert_uint_eq(address, 0);
    ck_assert_int_eq(hack_heap_last_error(h)->status, HACK_HEAP_NOT_INITIALIZED);
    ck_assert_int_eq(hack_heap_free(h, BASE + 2), HACK_HEAP_NOT_INITIALIZED);
    ck_assert_int_eq(hack_heap_defrag(h), HACK_HEAP_NOT_INITIALIZED);
    ck_assert_int_eq(hack_heap_largest_free(h, &words), HACK_HEAP_NOT_INITIALIZED);
    ck_assert_uint_eq(words, 0);
    ck_assert_int_eq(hack_heap_set_policy(h, HACK_HEAP_SEED), HACK_HEAP_NOT_INITIALIZED);
    ck_assert_int_eq(hack_heap_get_policy(h), HACK_HEAP_FIRST_FIT);
    ck_assert_str_eq(hack_heap_status_text(HACK_HEAP_NOT_INITIALIZED),
                     "the heap is not initialized (Memory.init has not run)");
#else
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        ck_assert_msg(test_aborts(calls[i], h), "call %zu before hack_heap_init did not fail its assertion", i);
#endif
    ck_assert(memcmp(before, chip, sizeof chip) == 0);
    uint16_t bases[4];
    ck_assert_uint_eq(hack_heap_free_list(h, bases, 4), 0);
    ck_assert_int_eq(hack_heap_free_head(h), -1);
    hack_heap_problem problems[4];
    ck_assert_uint_eq(hack_heap_check(h, problems, 4), 1);
    ck_assert_ptr_nonnull(strstr(problems[0].text, "not initialized"));
    hack_heap_stats stats;
    hack_heap_get_stats(h, &stats);
    ck_assert_uint_eq(stats.free_segments + stats.live_blocks + stats.allocs, 0);
    char *report = hack_heap_report(h);
    ck_assert_ptr_nonnull(report);
    ck_assert_ptr_nonnull(strstr(report, "not initialized"));
    free(report);

    hack_heap_init(h);
    uint16_t block;
    ck_assert_int_eq(hack_heap_alloc(h, 3, &block), HACK_HEAP_OK);
    ck_assert_uint_eq(block, END - 3);
    hack_heap_destroy(h);
}
END_TEST

/* A value a wild write might leave: the layout's own numbers, near misses, addresses, anything. */
static uint16_t wild_value(uint32_t *seed, uint16_t old)
{
    switch (test_random(seed) % 10) {
    case 0: return HACK_HEAP_END_OF_LIST;
    case 1: return HACK_HEAP_LIVE_FLAG;
    case 2: return (uint16_t)(test_random(seed) % 4);
    case 3: return (uint16_t)(old + 1);
    case 4: return (uint16_t)(old - 1);
    case 5: return (uint16_t)(BASE + test_random(seed) % (END - BASE));
    case 6: return (uint16_t)(END - BASE - test_random(seed) % 8);
    case 7: return (uint16_t)-(int)(test_random(seed) % 1000);
    default: return (uint16_t)test_random(seed);
    }
}

/* A word worth overwriting: the head, a header of a live block or a free segment, or any heap word. */
static uint32_t wild_address(uint32_t *seed, const live_block *live, size_t live_count)
{
    uint32_t r = test_random(seed) % 8;
    if (r == 0) return HEAD;
    if (r <= 2 && live_count) return live[test_random(seed) % live_count].address - 1u - test_random(seed) % 2;
    if (r <= 4) {
        uint16_t list[64];
        size_t n = hack_heap_free_list(heap, list, 64);
        if (n) return list[test_random(seed) % (n < 64 ? n : 64)] + test_random(seed) % 2;
    }
    return BASE + test_random(seed) % (END - BASE);
}

START_TEST(random_wild_writes_never_hurt_the_host)
{
    const hack_heap_policy policy = (hack_heap_policy)_i;
    uint32_t seed = 424242u + (uint32_t)policy;
    fprintf(stderr, "random wild-write heap test: policy %d, seed %u\n", (int)policy, (unsigned)seed);
    native_layout(policy);
    hack_heap_init(heap);
    static live_block live[8000];
    size_t live_count = 0;
    static uint8_t owner[32768]; /* 1 where a live block (header or data) is, in the model */
    memset(owner, 0, sizeof owner);
    unsigned found = 0, writes = 0;
    for (int op = 0; op < 40000; op++) {
        uint32_t r = test_random(&seed) % 100;
        if (r < 20) { /* the program writes somewhere */
            uint32_t address = wild_address(&seed, live, live_count);
            chip[address] = wild_value(&seed, chip[address]);
            writes++;
            continue;
        }
        hack_heap_status status;
        size_t freed = SIZE_MAX; /* the model's block that a successful deAlloc freed */
        if (r < 55 || live_count == 0) {
            uint16_t size = (uint16_t)(1 + test_random(&seed) % ((r & 1) ? 150u : 10u)), block;
            status = hack_heap_alloc(heap, size, &block);
            if (status == HACK_HEAP_OK) {
                if (!(block >= BASE + 2 && (uint32_t)block + size <= END))
                    ck_abort_msg("seed %u op %d: alloc(%u) returned %u, outside the heap", (unsigned)seed, op, size, block);
                uint16_t extent = (uint16_t)(chip[block - 1] - 2); /* the size word, just written */
                if (!(extent >= size && extent <= size + 2u))
                    ck_abort_msg("op %d: block of %u words for alloc(%u)", op, extent, size);
                for (uint32_t a = block - 2u; a < (uint32_t)block + extent; a++)
                    if (owner[a]) ck_abort_msg("op %d: block %u (+%u) overlaps a live block at %u", op, block, extent, (unsigned)a);
                memset(owner + block - 2, 1, extent + 2u);
                live[live_count++] = (live_block){block, extent, 0};
            } else if (status != HACK_HEAP_NO_ROOM && status != HACK_HEAP_CORRUPT) {
                ck_abort_msg("op %d: alloc(%u): %s", op, size, hack_heap_status_text(status));
            }
        } else if (r < 85) {
            size_t index = test_random(&seed) % live_count;
            status = hack_heap_free(heap, live[index].address);
            if (status == HACK_HEAP_OK) freed = index;
            else if (status != HACK_HEAP_CORRUPT)
                ck_abort_msg("op %d: deAlloc(%u) of a live block: %s", op, live[index].address, hack_heap_status_text(status));
        } else if (r < 92) {
            uint16_t address = (uint16_t)(BASE - 8 + test_random(&seed) % (END - BASE + 16));
            status = hack_heap_free(heap, address);
            if (status == HACK_HEAP_OK) { /* only a live block's address is taken */
                for (size_t k = 0; k < live_count; k++)
                    if (live[k].address == address) freed = k;
                if (freed == SIZE_MAX) ck_abort_msg("op %d: deAlloc(%u) of no live block accepted", op, address);
            }
        } else if (r < 96) {
            status = hack_heap_defrag(heap);
        } else {
            uint16_t words;
            status = hack_heap_largest_free(heap, &words);
            if (status == HACK_HEAP_OK && words > END - BASE - 2) ck_abort_msg("op %d: largestFree %u", op, words);
        }
        if (freed != SIZE_MAX) {
            memset(owner + live[freed].address - 2, 0, live[freed].size + 2u);
            live[freed] = live[--live_count];
        }
        if (status == HACK_HEAP_CORRUPT) { /* the named word really says what the report says; put it back */
            const hack_heap_error *e = hack_heap_last_error(heap);
            if (!(e->address == HEAD || (e->address >= BASE && e->address < END)))
                ck_abort_msg("op %d: corruption reported at RAM[%d]", op, (int)e->address);
            if (!(chip[e->address] == e->found && e->found != e->recorded))
                ck_abort_msg("op %d: RAM[%d] is %u, reported %u, recorded %u", op, (int)e->address, chip[e->address],
                             e->found, e->recorded);
            chip[e->address] = e->recorded;
            found++;
        }
        if (op % 400 == 0) { /* the read-only tools cope with any words */
            hack_heap_problem problems[4];
            hack_heap_check(heap, problems, 4);
            char *report = hack_heap_report(heap);
            ck_assert_ptr_nonnull(report);
            free(report);
            hack_heap_stats stats;
            hack_heap_get_stats(heap, &stats);
            expect_outside_untouched();
        }
    }
    expect_outside_untouched();
    fprintf(stderr, "  %u wild writes, %u corruptions found (and put back), %zu blocks live at the end\n", writes, found,
            live_count);
    ck_assert_uint_gt(found, 100);
    ck_assert_uint_gt(writes, 1000);
}
END_TEST

/* The heap map: three free segments side by side (the seed policy leaves them unmerged) show three
 * boundaries, where one merged segment shows one. */
START_TEST(heap_map_shows_free_segment_boundaries)
{
    static uint16_t ram[32768];
    static uint8_t rgb[HACK_HEAP_MAP_COLUMNS * HACK_HEAP_MAP_ROWS * 3];
    memset(ram, 0, sizeof ram);
    const uint32_t starts[] = {2048, 2058, 2070}; /* free, free, free, then one live block to the end */
    ram[2048] = 2058;
    ram[2049] = 10;
    ram[2058] = 2070;
    ram[2059] = 12;
    ram[2070] = 0xFFFF;
    ram[2071] = 14;
    ram[2084] = 0xFF9C;
    ram[2085] = (uint16_t)(16384 - 2084);
    hack_heap_map_stats stats;
    hack_heap_map_render(ram, NULL, 0, 1, rgb, &stats);
    ck_assert(!stats.malformed);
    ck_assert_uint_eq(stats.free_words, 36);
    ck_assert_uint_eq(stats.live_blocks, 1);
    for (int i = 0; i < 3; i++) {
        const uint8_t *first = rgb + (starts[i] - 2048) * 3, *data = rgb + (starts[i] + 2 - 2048) * 3;
        ck_assert_msg(first[0] != 255 && first[0] == first[1], "segment %d's first word is not marked", i);
        ck_assert_msg(data[0] == 255 && data[1] == 255 && data[2] == 255, "segment %d's data is not white", i);
    }
}
END_TEST

/* A heap of another layout, drawn from its blocks: three live blocks with gaps of 1 (a header), 100 and the rest. */
START_TEST(heap_map_of_any_layout_from_blocks)
{
    static uint8_t rgb[HACK_HEAP_MAP_COLUMNS * HACK_HEAP_MAP_ROWS * 3];
    const hack_heap_live_block blocks[] = {{2049, 10}, {2060, 40}, {2200, 16}}; /* gaps 2048, 2059, 2100..2199 */
    hack_heap_map_stats stats;
    hack_heap_map_render_blocks(blocks, 3, NULL, 0, 1, rgb, &stats);
    ck_assert_uint_eq(stats.live_blocks, 3);
    ck_assert_uint_eq(stats.free_words, 14336 - 66);
    ck_assert_uint_eq(stats.largest_free, 16384 - 2216);
    const uint8_t *gap = rgb + (2059 - 2048) * 3, *live = rgb + (2060 - 2048) * 3, *next = rgb + (2200 - 2048) * 3;
    ck_assert(gap[0] > 200 && gap[2] < 220); /* pale yellow */
    ck_assert(live[2] > live[0]);           /* blue */
    ck_assert(memcmp(live, next, 3) != 0);  /* neighbours in the other blue */
    char text[2000];
    hack_heap_map_describe_blocks(blocks, 3, 2, text, sizeof text);
    ck_assert_msg(strstr(text, "3 live blocks (66 words), 14270 words in no live block") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "in 4 runs, the longest 14168") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "   2216..16383  14168 words in no live block\n   2100.. 2199    100 words") != NULL,
                  "%s", text); /* longest first */
    ck_assert_msg(strstr(text, "(2 shorter runs not shown)") != NULL, "%s", text);
}
END_TEST

/* The report's three fault checks, from the problems the integrity check finds: each overwritten word (of the
 * native layout) fails the checks it fails, as the report has always said it (the lines were taken from it), and
 * the problems say what they are. */
#define FAULTS_CLEAN "faults:\n  malformed segments: no\n  sizes add up to the heap: yes\n  free list = the free segments: yes\n"
#define FAULTS_LIST "faults:\n  malformed segments: no\n  sizes add up to the heap: yes\n  free list = the free segments: NO\n"
#define FAULTS_ALL "faults:\n  malformed segments: YES\n  sizes add up to the heap: NO\n  free list = the free segments: NO\n"

START_TEST(report_fault_summary)
{
    static const struct {
        uint32_t word;
        uint16_t value;
        hack_heap_problem_kind kind; /* the problem about the word itself */
        const char *faults;          /* the report's three lines */
    } cases[] = {
        {0, 0, HACK_HEAP_PROBLEM_NO_CHECK, FAULTS_CLEAN},
        {HEAD, 16343, HACK_HEAP_PROBLEM_HEAD_WORD, FAULTS_ALL},   /* the head: a live block's header */
        {HEAD, 16346, HACK_HEAP_PROBLEM_HEAD_WORD, FAULTS_LIST},   /* the head: inside a live block */
        {BASE, 16343, HACK_HEAP_PROBLEM_LINK_WORD, FAULTS_ALL},   /* the first free segment's link: a header */
        {BASE, 16346, HACK_HEAP_PROBLEM_LINK_WORD, FAULTS_LIST},   /* ... inside a live block */
        {16343, 0, HACK_HEAP_PROBLEM_FLAG_WORD, FAULTS_ALL},      /* c's flag */
        {16344, 8, HACK_HEAP_PROBLEM_SIZE_WORD, FAULTS_ALL},      /* c's size, one word too many */
        {16344, 1, HACK_HEAP_PROBLEM_BAD_SIZE, FAULTS_ALL},       /* c's size, less than its header */
        {BASE + 1, 20000, HACK_HEAP_PROBLEM_BAD_SIZE, FAULTS_ALL}, /* the first free segment's size, past the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        layout l = native_layout(HACK_HEAP_FIRST_FIT);
        (void)l;
        if (i) chip[cases[i].word] = cases[i].value;
        hack_heap_problem problems[16];
        const size_t n = hack_heap_check(heap, problems, 16);
        bool named = i == 0 && n == 0;
        for (size_t k = 0; k < n && k < 16; k++) named |= problems[k].kind == cases[i].kind;
        ck_assert_msg(named, "case %zu: no problem of kind %d (%zu problems, the first: %s)", i, (int)cases[i].kind, n,
                      n ? problems[0].text : "");
        char *report = hack_heap_report(heap);
        ck_assert_ptr_nonnull(report);
        const char *faults = strstr(report, "faults:\n");
        ck_assert_ptr_nonnull(faults);
        char lines[300];
        const char *end = strstr(faults, "  free list = the free segments: ");
        ck_assert_ptr_nonnull(end);
        end = strchr(end, '\n');
        snprintf(lines, sizeof lines, "%.*s", (int)(end - faults + 1), faults);
        ck_assert_str_eq(lines, cases[i].faults);
        free(report);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("heap");
    TCase *tc = tcase_create("seed");
    tcase_add_checked_fixture(tc, seed_setup, teardown);
    tcase_add_test(tc, seed_startup);
    tcase_add_test(tc, seed_worked_example);
    tcase_add_test(tc, seed_alloc_carves_the_high_end);
    tcase_add_test(tc, seed_too_large_fails);
    tcase_add_test(tc, seed_data_cells_read_and_write);
    tcase_add_test(tc, seed_whole_remainder_then_full);
    tcase_add_test(tc, seed_defrag_layouts);
    tcase_add_test(tc, seed_alloc_defrags_when_nothing_fits);
    suite_add_tcase(suite, tc);
    tc = tcase_create("bad_calls");
    tcase_add_checked_fixture(tc, seed_setup, teardown);
    tcase_add_loop_test(tc, bad_frees_leave_the_heap_as_it_was, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_test(tc, double_free_never_loops);
    suite_add_tcase(suite, tc);
    tc = tcase_create("corruption");
    tcase_add_checked_fixture(tc, seed_setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, corrupt_first_free_segment_found_by_every_call, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, corrupt_last_free_segment_found_by_defrag_and_largest_free, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, a_link_back_up_the_list_is_a_cycle, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, overwritten_head_found_by_every_call, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, overwritten_live_header_found_by_its_deAlloc, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, the_reported_example, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_loop_test(tc, deAlloc_of_a_header_says_whose, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_test(tc, report_fault_summary);
    tcase_add_test(tc, create_refuses_a_head_outside_the_ram_or_inside_the_heap);
    tcase_add_test(tc, calls_before_init_are_refused);
    tcase_add_loop_test(tc, random_wild_writes_never_hurt_the_host, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    suite_add_tcase(suite, tc);
    tc = tcase_create("policies");
    tcase_add_checked_fixture(tc, seed_setup, teardown);
    tcase_add_test(tc, first_fit_scenario);
    tcase_add_test(tc, best_fit_scenario);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_against_a_model, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    tcase_add_test(tc, heap_map_shows_free_segment_boundaries);
    tcase_add_test(tc, heap_map_of_any_layout_from_blocks);
    suite_add_tcase(suite, tc);
    return suite;
}
