#include "hack/heap_map.h"

#include <stdio.h>
#include <stdlib.h>
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

/* The words in no live block: how many, how many runs, the longest. */
/* The words in no live block: how many, how many runs, the longest; with list (room for count + 1 runs), each
 * run's start and length in address order. */
static void free_runs(const hack_heap_live_block *blocks, size_t count, uint32_t *words, uint32_t *runs,
                      uint32_t *longest, uint32_t (*list)[2])
{
    *words = *runs = *longest = 0;
    uint32_t at = BASE;
    for (size_t i = 0; i <= count; i++) {
        uint32_t start = i < count ? blocks[i].address : END;
        if (start > at) {
            uint32_t n = start - at;
            if (list) {
                list[*runs][0] = at;
                list[*runs][1] = n;
            }
            *words += n;
            *runs += 1;
            if (n > *longest) *longest = n;
        }
        if (i < count && (uint32_t)blocks[i].address + blocks[i].words > at)
            at = (uint32_t)blocks[i].address + blocks[i].words;
        if (at > END) at = END;
    }
}

void hack_heap_map_render_blocks(const hack_heap_live_block *blocks, size_t count, const uint16_t *recent,
                                 size_t recent_count, int scale, uint8_t *rgb, hack_heap_map_stats *stats)
{
    static const uint8_t unowned[3] = {250, 240, 190}, blue[2][3] = {{40, 90, 200}, {110, 160, 240}},
                         orange[3] = {240, 140, 20};
    memset(stats, 0, sizeof *stats);
    for (uint32_t w = BASE; w < END; w++) cell(rgb, scale, w - BASE, unowned);
    int parity = 0;
    for (size_t i = 0; i < count; i++) {
        bool is_recent = false;
        for (size_t r = 0; r < recent_count; r++) is_recent |= recent[r] == blocks[i].address;
        for (uint32_t w = blocks[i].address; w < (uint32_t)blocks[i].address + blocks[i].words && w < END; w++)
            if (w >= BASE) cell(rgb, scale, w - BASE, is_recent ? orange : blue[parity]);
        parity ^= 1;
        stats->recent_live += is_recent;
    }
    stats->live_blocks = (uint32_t)count;
    uint32_t runs;
    free_runs(blocks, count, &stats->free_words, &runs, &stats->largest_free, NULL);
    stats->fragmentation =
        stats->free_words ? 1.0 - (double)stats->largest_free / (double)stats->free_words : 0.0;
}

static int compare_runs_longest_first(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b; /* start, length */
    if (x[1] != y[1]) return x[1] < y[1] ? 1 : -1;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

size_t hack_heap_map_describe_blocks(const hack_heap_live_block *blocks, size_t count, size_t max_lines, char *buf,
                                     size_t size)
{
    if (!size) return 0;
    buf[0] = '\0';
    uint32_t (*list)[2] = malloc((count + 1) * sizeof *list); /* the runs, to list longest first */
    uint32_t words, runs, longest, live_words = 0;
    free_runs(blocks, count, &words, &runs, &longest, list);
    for (size_t i = 0; i < count; i++) live_words += blocks[i].words;
    int n = snprintf(buf, size,
                     "heap (from the allocator's calls): %zu live block%s (%u words), %u words in no live block "
                     "(free, or the allocator's own) in %u run%s, the longest %u, fragmentation %.2f\n",
                     count, count == 1 ? "" : "s", (unsigned)live_words, (unsigned)words, (unsigned)runs,
                     runs == 1 ? "" : "s", (unsigned)longest, words ? 1.0 - (double)longest / (double)words : 0.0);
    if (n < 0 || (size_t)n >= size || !list) {
        free(list);
        return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
    }
    size_t used = (size_t)n, r = runs;
    /* the runs, longest first: where a large request could still go */
    qsort(list, r, sizeof *list, compare_runs_longest_first);
    for (size_t i = 0; i < r && i < max_lines; i++) {
        n = snprintf(buf + used, size - used, "  %5u..%5u  %5u words in no live block\n", (unsigned)list[i][0],
                     (unsigned)(list[i][0] + list[i][1] - 1), (unsigned)list[i][1]);
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
    if (r > max_lines) {
        n = snprintf(buf + used, size - used, "  (%zu shorter runs not shown)\n", r - max_lines);
        if (n > 0 && (size_t)n < size - used) used += (size_t)n;
    }
    free(list);
    return used;
}
