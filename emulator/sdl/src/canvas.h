/* ARGB pixels the window draws its text in (the debug view, the message over a stopped program, the heap
 * map's margins): rectangles, and text in the OS's font (8 x 11 pixels a character, os/font/font.txt) at a
 * whole-number scale, so that it is as crisp as the Hack screen beside it. */
#ifndef HACK_CANVAS_H
#define HACK_CANVAS_H

#include "text_layout.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t *pixels;
    int w, h, pitch; /* pitch in pixels */
} canvas;

enum {
    CANVAS_FONT_W = 8,  /* a character cell, in font dots */
    CANVAS_FONT_H = 11,
    CANVAS_LINE_H = 12, /* a row of text: the cell and a dot between rows */
};

/* Clipped to the canvas. */
void canvas_fill(canvas *c, int x, int y, int w, int h, uint32_t colour);
/* n characters of s with the first cell's top left at x, y (characters outside 32..126 as '?'). */
void canvas_text(canvas *c, int x, int y, const char *s, size_t n, int scale, uint32_t colour);
/* A row of text_layout: its indent, its characters, and its ellipsis (three dots in one cell). */
void canvas_row(canvas *c, int x, int y, const char *text, text_row row, int scale, uint32_t colour);

#endif
