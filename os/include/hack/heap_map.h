/* A picture of the heap (RAM 2048..16383 laid out as the project's heaps keep it: 2-word headers, -100 for
 * live blocks): one cell per word, 128 words a row, free words white with each free segment's two words
 * light gray (so three unmerged free neighbours do not look like one merged segment), headers of live blocks
 * dark gray, live blocks in two alternating blues so neighbours stand apart, recent blocks orange. */
#ifndef HACK_HEAP_MAP_H
#define HACK_HEAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hack/heap_check.h"

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

/* The same picture for an allocator of any layout (a student's Memory), from the blocks it handed out and has
 * not taken back (blocks, in address order, as the heap check learns them): live blocks in the two blues
 * (recent ones orange), each other word pale yellow: in no live block, so free or the allocator's own
 * (headers, lists). stats: live blocks; free_words and largest_free count the words in no live block and
 * their longest run; fragmentation 1 - longest run / those words. */
void hack_heap_map_render_blocks(const hack_heap_live_block *blocks, size_t count, const uint16_t *recent,
                                 size_t recent_count, int scale, uint8_t *rgb, hack_heap_map_stats *stats);

/* Such a heap as text: the figures above in a line ("N live blocks (W words), F words in no live block ... in R
 * runs, the longest L, fragmentation X"), then the runs of words in no live block, longest first, up to
 * max_lines of them. Returns the length written. */
size_t hack_heap_map_describe_blocks(const hack_heap_live_block *blocks, size_t count, size_t max_lines, char *buf,
                                     size_t size);

#endif
