/* The screen as pixels: its hash, and its picture as a PNG (through whichever PNG writer the build has). */
#include "hack/isa.h"
#include "hack/screenshot.h"

#include <stdlib.h>

uint64_t hack_screen_hash(const uint16_t *words)
{
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < HACK_SCREEN_WORDS; i++) {
        h = (h ^ (words[i] & 0xFFu)) * 1099511628211u;
        h = (h ^ (words[i] >> 8)) * 1099511628211u;
    }
    return h;
}

bool hack_screenshot_write_png(const uint16_t *words, int scale, const char *path, hack_diag_list *diags)
{
    if (scale < 1 || scale > 8) scale = 1;
    const int width = HACK_SCREEN_WIDTH * scale, height = HACK_SCREEN_HEIGHT * scale;
    uint8_t *pixels = malloc((size_t)width * (size_t)height);
    if (!pixels) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "out of memory");
        return false;
    }
    for (int y = 0; y < height; y++) {
        const uint16_t *line = words + (y / scale) * 32;
        for (int x = 0; x < width; x++) {
            int px = x / scale;
            pixels[(size_t)y * (size_t)width + (size_t)x] = (line[px >> 4] >> (px & 15)) & 1u ? 0 : 255; /* 1 is black */
        }
    }
    bool ok = hack_png_write_gray(pixels, width, height, path, diags);
    free(pixels);
    return ok;
}
