#include "hack/heap_map.h"

#include <string.h>

enum { BASE = 2048, END = 16384, LIVE = 0xFF9C };

static void cell(uint8_t *rgb, int scale, uint32_t word, const uint8_t color[3])
{
    int x = (int)(word % HACK_HEAP_MAP_COLUMNS) * scale, y = (int)(word / HACK_HEAP_MAP_COLUMNS) * scale;
    int width = HACK_HEAP_MAP_COLUMNS * scale;
    for (int dy = 0; dy < scale; dy++)
        for (int dx = 0; dx < scale; dx++) memcpy(rgb + ((size_t)(y + dy) * (size_t)width + (size_t)(x + dx)) * 3, color, 3);
}

void hack_heap_map_render(const uint16_t *ram, const uint16_t *recent, size_t recent_count, int scale, uint8_t *rgb,
                          hack_heap_map_stats *stats)
{
    static const uint8_t white[3] = {255, 255, 255}, header[3] = {70, 70, 70}, blue[2][3] = {{40, 90, 200}, {110, 160, 240}},
                         orange[3] = {240, 140, 20}, broken[3] = {200, 30, 30}, free_header[3] = {205, 205, 205};
    memset(stats, 0, sizeof *stats);
    uint32_t free_words = 0;
    int parity = 0;
    uint32_t b = BASE;
    while (b + 1 < END) {
        uint16_t size = ram[b + 1];
        if (size < 2 || b + size > END) {
            stats->malformed = true;
            for (uint32_t w = b; w < END; w++) cell(rgb, scale, w - BASE, broken);
            break;
        }
        bool live = ram[b] == LIVE;
        bool is_recent = false;
        for (size_t i = 0; live && i < recent_count; i++) is_recent |= recent[i] == b + 2;
        for (uint32_t w = b; w < b + size; w++) {
            /* a free segment's two words in light gray: unmerged neighbours show where each one starts */
            const uint8_t *color = !live ? (w < b + 2 ? free_header : white) : w < b + 2 ? header
                                   : is_recent                               ? orange
                                                                             : blue[parity];
            cell(rgb, scale, w - BASE, color);
        }
        if (live) {
            stats->live_blocks++;
            stats->recent_live += is_recent;
            parity ^= 1;
        } else {
            free_words += size;
            if (size > stats->largest_free) stats->largest_free = size;
        }
        b += size;
    }
    stats->free_words = free_words;
    stats->fragmentation = free_words ? 1.0 - (double)stats->largest_free / (double)free_words : 0.0;
}
