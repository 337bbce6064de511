/* "Did you mean": the name nearest to one that was not found, among the names that exist. Every tool uses
 * it for its messages (jackc's classes and subroutines, hackvm's functions, labels and segments, hackasm's
 * labels), so a near miss is judged the same way everywhere. */
#ifndef HACK_SUGGEST_H
#define HACK_SUGGEST_H

#include "hack/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* The edit distance from a to b: the fewest single-character insertions, deletions, substitutions and swaps
 * of two neighbours that turn one into the other (case matters). When it is above limit, the result is some
 * value above limit (the work stops early). SIZE_MAX when memory ran out. */
size_t hack_edit_distance(const char *a, size_t a_length, const char *b, size_t b_length, size_t limit);

/* Whether a and b differ only in the case of their letters. */
bool hack_same_ignoring_case(const char *a, size_t a_length, const char *b, size_t b_length);

/* The nearest candidate to a word: hack_suggest_init, hack_suggest_consider for each name that exists, then
 * best. A candidate is near when it differs from the word only in case, or by at most one edit for every
 * three characters of the word (one for words of 2 to 5 characters; none for a single character). Of
 * several, the one differing only in case wins, then the fewest edits, then the first considered. The word
 * itself is never suggested. Nothing is copied: candidates must outlive the suggestion. */
typedef struct {
    const char *word;
    size_t length;
    const char *best;
    size_t best_length;
    size_t best_score; /* 0 differs only in case, else 1 + edits */
} hack_suggestion;

void hack_suggest_init(hack_suggestion *suggestion, const char *word, size_t length);
void hack_suggest_consider(hack_suggestion *suggestion, const char *candidate, size_t length);
/* The nearest candidate (its length in *length when length is not NULL), or NULL when none is near. */
const char *hack_suggest_best(const hack_suggestion *suggestion, size_t *length);

/* Every tool's words for it, to append to a message: " (did you mean 'X'?)" for the nearest candidate, or ""
 * when none is near (or memory ran out). The text is kept in hint (emptied first) and valid until its next
 * change. */
const char *hack_suggest_hint(const hack_suggestion *suggestion, hack_strbuf *hint);

#endif
