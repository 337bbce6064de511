/* The native heap: the seed's tests and worked example (its exact addresses), scenario tables, bad calls that
 * must change nothing, and a model-based random test per policy. */
#include "hack/heap.h"
#include "test_support.h"

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
    expect_refused(HACK_HEAP_FREE_NOT_A_BLOCK, (uint16_t)(a - 1)); /* its header */
    expect_refused(HACK_HEAP_FREE_NOT_A_BLOCK, (uint16_t)(a - 2));
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
    tc = tcase_create("policies");
    tcase_add_checked_fixture(tc, seed_setup, teardown);
    tcase_add_test(tc, first_fit_scenario);
    tcase_add_test(tc, best_fit_scenario);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_against_a_model, HACK_HEAP_FIRST_FIT, HACK_HEAP_SEED + 1);
    suite_add_tcase(suite, tc);
    return suite;
}
