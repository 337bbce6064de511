/* Drawing text and rectangles in ARGB pixels (canvas.h). */
#include "canvas.h"

extern const uint16_t hack_os_font[127][11]; /* the OS's font (os/font/font.txt), 8 x 11 pixels a character */

void canvas_fill(canvas *c, int x, int y, int w, int h, uint32_t colour)
{
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x + w > c->w) w = c->w - x;
    if (y + h > c->h) h = c->h - y;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) c->pixels[(size_t)(y + j) * (size_t)c->pitch + (size_t)(x + i)] = colour;
}

void canvas_text(canvas *c, int x, int y, const char *s, size_t n, int scale, uint32_t colour)
{
    for (size_t k = 0; k < n && s[k]; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (ch < 32 || ch > 126) ch = '?';
        int cell_x = x + (int)k * CANVAS_FONT_W * scale;
        if (cell_x >= c->w) break;
        for (int row = 0; row < CANVAS_FONT_H; row++) {
            uint16_t bits = hack_os_font[ch][row];
            for (int col = 0; bits && col < CANVAS_FONT_W; col++)
                if (bits >> col & 1u) canvas_fill(c, cell_x + col * scale, y + row * scale, scale, scale, colour);
        }
    }
}

void canvas_row(canvas *c, int x, int y, const char *text, text_row row, int scale, uint32_t colour)
{
    const int cell = CANVAS_FONT_W * scale;
    x += row.indent * cell;
    canvas_text(c, x, y, text + row.start, row.length, scale, colour);
    if (row.ellipsis) /* three dots on the baseline of the next cell */
        for (int dot = 0; dot < 3; dot++)
            canvas_fill(c, x + (int)row.length * cell + (1 + 2 * dot) * scale, y + 8 * scale, scale, scale, colour);
}
