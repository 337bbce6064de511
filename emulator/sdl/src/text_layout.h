/* Text in a fixed-width grid (the window's panes), at a scale of the font chosen from the window's size: a line
 * cut to its room, or wrapped into rows, always at spaces (source code: between words), so that a number or a
 * name is never split across rows ("THAT=1" / "3963"). What does not fit is cut after its last whole word and
 * ends in an ellipsis; a word longer than a whole row is the only thing cut inside (it keeps its head and the
 * ellipsis). No SDL here: the rules are tested on their own. */
#ifndef HACK_TEXT_LAYOUT_H
#define HACK_TEXT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* The scale of the font's dots for a window of w x h pixels: 2 at the default size (1024 x 512) and up to
 * 2399 x 1349, 3 from 2400 x 1350, 4 from 3200 x 1800; 1 below 800 x 400. */
int text_scale(int w, int h);

typedef struct {
    size_t start, length; /* the characters of the text in the row */
    int indent;           /* columns left blank before them */
    bool ellipsis;        /* the text was cut here: an ellipsis follows, in one more column */
} text_row;

/* The head of text[0..length) that fits in columns (at least 2): all of it, or the words that fit with room
 * for the ellipsis. */
text_row text_fit(const char *text, size_t length, int columns);

/* As text_fit, for source code: cut at the last place that is not inside a word or a number (after a '.', a
 * '(' or a space), so that a long line keeps as much of itself as fits. */
text_row text_fit_code(const char *text, size_t length, int columns);

/* text (one line) in rows of columns characters, broken at spaces (dropped there); the rows after the first
 * begin indent columns in. Writes at most max rows (the last one cut, with an ellipsis, when more would be
 * needed); returns how many it wrote. */
size_t text_wrap(const char *text, int columns, int indent, text_row *rows, size_t max);

#endif
