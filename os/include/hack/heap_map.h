/* A picture of the heap (RAM 2048..16383 laid out as the project's heaps keep it: 2-word headers, -100 for
 * live blocks): one cell per word, 128 words a row, free words white with each free segment's two words
 * light gray (so three unmerged free neighbours do not look like one merged segment), headers of live blocks
 * dark gray, live blocks in two alternating blues so neighbours stand apart, recent blocks orange. */
#ifndef HACK_HEAP_MAP_H
#define HACK_HEAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HACK_HEAP_MAP_COLUMNS = 128, HACK_HEAP_MAP_ROWS = 112 };

typedef struct {
    uint32_t live_blocks, free_words, largest_free;
    uint32_t recent_live; /* of the recent blocks, how many are live (and highlighted) */
    double fragmentation;
    bool malformed; /* the words do not describe a heap (an allocator of another layout) */
} hack_heap_map_stats;

/* Fills rgb (HACK_HEAP_MAP_COLUMNS * scale x HACK_HEAP_MAP_ROWS * scale pixels, 3 bytes each) from ram;
 * recent: data addresses of blocks to highlight. */
void hack_heap_map_render(const uint16_t *ram, const uint16_t *recent, size_t recent_count, int scale, uint8_t *rgb,
                          hack_heap_map_stats *stats);

#endif
