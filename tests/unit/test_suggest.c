/* "Did you mean": the edit distance (checked against a plain model on random words) and what counts as a
 * near miss. */
#include "hack/suggest.h"
#include "test_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t distance(const char *a, const char *b)
{
    return hack_edit_distance(a, strlen(a), b, strlen(b), SIZE_MAX - 1);
}

/* The model: the optimal string alignment distance, the whole table. */
static size_t model_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t d[20][20];
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + (a[i - 1] != b[j - 1]) < best) best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

START_TEST(edit_distances)
{
    ck_assert_uint_eq(distance("", ""), 0);
    ck_assert_uint_eq(distance("", "abc"), 3);
    ck_assert_uint_eq(distance("multiplyy", "multiply"), 1); /* a letter too many */
    ck_assert_uint_eq(distance("Ouput", "Output"), 1);       /* one too few */
    ck_assert_uint_eq(distance("printint", "printInt"), 1);  /* case matters */
    ck_assert_uint_eq(distance("pirntInt", "printInt"), 1);  /* two neighbours swapped */
    ck_assert_uint_eq(distance("kitten", "sitting"), 3);
    /* random words of a small alphabet agree with the model, and the limit only ever cuts large distances */
    uint32_t state = 12345;
    for (int round = 0; round < 20000; round++) {
        char a[12], b[12];
        size_t n = test_random(&state) % 10, m = test_random(&state) % 10;
        for (size_t i = 0; i < n; i++) a[i] = (char)('a' + test_random(&state) % 3);
        for (size_t i = 0; i < m; i++) b[i] = (char)('a' + test_random(&state) % 3);
        a[n] = b[m] = '\0';
        size_t expected = model_distance(a, b);
        ck_assert_uint_eq(distance(a, b), expected);
        size_t limit = test_random(&state) % 4;
        size_t limited = hack_edit_distance(a, n, b, m, limit);
        if (expected <= limit)
            ck_assert_uint_eq(limited, expected);
        else
            ck_assert_uint_gt(limited, limit);
    }
}
END_TEST

START_TEST(long_names)
{
    /* names of any length: 1,000 characters, one apart */
    char *a = malloc(1001), *b = malloc(1001);
    memset(a, 'x', 1000);
    memcpy(b, a, 1000);
    a[1000] = b[1000] = '\0';
    b[500] = 'y';
    ck_assert_uint_eq(hack_edit_distance(a, 1000, b, 1000, 3), 1);
    ck_assert_uint_eq(hack_edit_distance(a, 1000, b, 999, 0), 1); /* the length alone is over the limit */
    free(a);
    free(b);
}
END_TEST

static const char *suggest(const char *word, const char *const *names)
{
    hack_suggestion s;
    hack_suggest_init(&s, word, strlen(word));
    for (; *names; names++) hack_suggest_consider(&s, *names, strlen(*names));
    return hack_suggest_best(&s, NULL);
}

START_TEST(near_misses)
{
    const char *segments[] = {"constant", "local", "argument", "this", "that", "temp", "pointer", "static", NULL};
    ck_assert_str_eq(suggest("locl", segments), "local");
    ck_assert_str_eq(suggest("LOCAL", segments), "local");   /* only the case differs: always near */
    ck_assert_str_eq(suggest("ths", segments), "this");      /* the first of the nearest */
    ck_assert_str_eq(suggest("argumnet", segments), "argument");
    ck_assert_ptr_null(suggest("stack", segments));          /* 2 edits for 5 letters: too far */
    ck_assert_ptr_null(suggest("local", segments));          /* the word itself is no suggestion */
    const char *labels[] = {"LOOP", "END", "loop2", NULL};
    ck_assert_str_eq(suggest("loop", labels), "LOOP");       /* the case-only difference beats an edit */
    ck_assert_str_eq(suggest("ENDD", labels), "END");
    const char *names[] = {"a", "b", NULL};
    ck_assert_ptr_null(suggest("c", names));                 /* a single character is near only by case */
    ck_assert_str_eq(suggest("A", names), "a");
    /* longer words allow an edit for every three characters */
    const char *functions[] = {"Math.multiply", "Output.printInt", NULL};
    ck_assert_str_eq(suggest("Mth.multipy", functions), "Math.multiply");
    ck_assert_ptr_null(suggest("Screen.drawPixel", functions));
}
END_TEST

/* The words every tool appends to its message, kept in the caller's buffer, which is emptied each time. */
START_TEST(hint_text)
{
    hack_strbuf hint = {0};
    hack_suggestion s;
    hack_suggest_init(&s, "pussh", 5);
    hack_suggest_consider(&s, "pop", 3);
    hack_suggest_consider(&s, "push", 4);
    ck_assert_str_eq(hack_suggest_hint(&s, &hint), " (did you mean 'push'?)");
    hack_suggest_init(&s, "Main.mian", 9);
    hack_suggest_consider(&s, "Main.main()", 9); /* a candidate's length is what counts, not its NUL */
    ck_assert_str_eq(hack_suggest_hint(&s, &hint), " (did you mean 'Main.main'?)");
    hack_suggest_init(&s, "stack", 5);
    hack_suggest_consider(&s, "static", 6);
    ck_assert_str_eq(hack_suggest_hint(&s, &hint), ""); /* none near: nothing, not the last hint */
    hack_strbuf_free(&hint);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("suggest");
    TCase *tc = tcase_create("suggest");
    tcase_add_test(tc, edit_distances);
    tcase_add_test(tc, long_names);
    tcase_add_test(tc, near_misses);
    tcase_add_test(tc, hint_text);
    suite_add_tcase(suite, tc);
    return suite;
}
