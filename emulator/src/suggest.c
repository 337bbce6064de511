#include "hack/suggest.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t smallest(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t hack_edit_distance(const char *a, size_t a_length, const char *b, size_t b_length, size_t limit)
{
    size_t gap = a_length > b_length ? a_length - b_length : b_length - a_length;
    if (gap > limit) return gap; /* at least that many insertions or deletions */
    if (b_length == 0) return a_length;
    /* Three rows of the table (the one before the previous one for swaps), on the stack for short names. */
    enum { ON_STACK = 64 };
    size_t stack_rows[3 * ON_STACK];
    size_t *rows = b_length + 1 <= ON_STACK ? stack_rows : malloc(3 * (b_length + 1) * sizeof *rows);
    if (!rows) return SIZE_MAX;
    size_t *before = rows, *previous = rows + (b_length + 1), *current = rows + 2 * (b_length + 1);
    for (size_t j = 0; j <= b_length; j++) previous[j] = j;
    size_t result = SIZE_MAX;
    for (size_t i = 1; i <= a_length; i++) {
        current[0] = i;
        size_t row_min = current[0];
        for (size_t j = 1; j <= b_length; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t d = smallest(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            current[j] = d;
            if (d < row_min) row_min = d;
        }
        if (row_min > limit) { /* every way on costs more */
            result = row_min;
            break;
        }
        size_t *spare = before;
        before = previous;
        previous = current;
        current = spare;
    }
    if (result == SIZE_MAX) result = previous[b_length];
    if (rows != stack_rows) free(rows);
    return result;
}

bool hack_same_ignoring_case(const char *a, size_t a_length, const char *b, size_t b_length)
{
    if (a_length != b_length) return false;
    for (size_t i = 0; i < a_length; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return false;
    return true;
}

void hack_suggest_init(hack_suggestion *suggestion, const char *word, size_t length)
{
    assert(suggestion && (word || length == 0));
    *suggestion = (hack_suggestion){word, length, NULL, 0, SIZE_MAX};
}

/* How many edits a word of this length may be away from a name and still be a near miss of it. */
static size_t edits_allowed(size_t length)
{
    if (length < 2) return 0;
    return length / 3 > 1 ? length / 3 : 1;
}

void hack_suggest_consider(hack_suggestion *suggestion, const char *candidate, size_t length)
{
    if (!candidate || suggestion->best_score == 0) return;
    if (length == suggestion->length && memcmp(candidate, suggestion->word, length) == 0) return;
    size_t score;
    if (hack_same_ignoring_case(candidate, length, suggestion->word, suggestion->length)) {
        score = 0;
    } else {
        size_t allowed = edits_allowed(suggestion->length);
        if (allowed == 0 || suggestion->best_score < 2) return;
        /* only fewer edits than the best so far can win */
        size_t limit = suggestion->best_score <= allowed + 1 ? suggestion->best_score - 2 : allowed;
        size_t edits = hack_edit_distance(suggestion->word, suggestion->length, candidate, length, limit);
        if (edits > limit) return;
        score = edits + 1;
    }
    if (score < suggestion->best_score) {
        suggestion->best = candidate;
        suggestion->best_length = length;
        suggestion->best_score = score;
    }
}

const char *hack_suggest_hint(const hack_suggestion *suggestion, hack_strbuf *hint)
{
    assert(suggestion && hint);
    hack_strbuf_reset(hint);
    size_t length;
    const char *best = hack_suggest_best(suggestion, &length);
    if (best) hack_strbuf_appendf(hint, " (did you mean '%.*s'?)", (int)length, best);
    return hack_strbuf_text(hint);
}

const char *hack_suggest_best(const hack_suggestion *suggestion, size_t *length)
{
    if (length) *length = suggestion->best ? suggestion->best_length : 0;
    return suggestion->best;
}
