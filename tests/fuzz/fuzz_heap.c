/* The native heap (os/src/heap.c) driven by random calls: alloc of random sizes, free of live blocks and of
 * random addresses, defrag, policy switches, the queries, the check and the report; and between the calls,
 * random writes of random values into the heap's words (a Jack program scribbling over its heap). The heap
 * lies where the OS puts it, RAM[2048..16383] of a machine's 32K words (allocated at exactly that size, so
 * that a touch outside the machine is a sanitizer report), the free list's head in RAM[16] or in the host.
 *
 * Checks, always: no crash, no memory error; a block alloc returns lies inside 2048..16383 whole; the heap
 * writes no RAM word outside the heap but its head word. Until the first write of the harness into the heap
 * (while the bookkeeping is intact): alloc fails only when it must, blocks never overlap, a live block's
 * data is never changed by the heap, free takes exactly the live blocks, and hack_heap_check finds nothing.
 *
 * The input is a list of operations, a byte each and its arguments (random bytes work as well as any).
 *
 * Known bug, being fixed elsewhere: the heap trusts corrupted size and link words (alloc can then write
 * outside the heap, even outside RAM). Until the fix lands, the harness writes only words that are not a
 * segment's two header words (as the words describe the segments) nor the head (detour "heap-headers");
 * tests/fuzz/known/heap/ keeps inputs that show it. */
#include "fuzz.h"

#include "hack/heap.h"
#include "hack/isa.h"

#include <string.h>

enum { BASE = 2048, END = 16384, HEAD = 16, MAX_LIVE = 8192, MAX_OPS = 1000 };

typedef struct {
    const uint8_t *p, *end;
} reader;

static unsigned byte(reader *r)
{
    return r->p < r->end ? *r->p++ : 0;
}

static unsigned word(reader *r)
{
    unsigned high = byte(r);
    return high << 8 | byte(r);
}

typedef struct {
    uint16_t address; /* data word 0 */
    uint16_t size;    /* data words */
    uint16_t tag;     /* the pattern in its data */
    bool written;     /* the harness wrote into its data: the pattern is not checked */
} block;

FUZZ_NO_COVERAGE static uint16_t pattern(const block *b, uint32_t i)
{
    return (uint16_t)(b->tag * 31u + i * 7u + 1u);
}

/* The words outside the heap that nobody but the heap's head may change. */
FUZZ_NO_COVERAGE static void fill_outside(uint16_t *ram)
{
    for (uint32_t i = 0; i < HACK_RAM_SIZE; i++)
        if (i < BASE || i >= END) ram[i] = (uint16_t)(i * 2654435761u >> 7);
}

FUZZ_NO_COVERAGE static void check_outside(const uint16_t *ram, int32_t head)
{
    for (uint32_t i = 0; i < HACK_RAM_SIZE; i++)
        if ((i < BASE || i >= END) && (int32_t)i != head) FUZZ_CHECK(ram[i] == (uint16_t)(i * 2654435761u >> 7));
}

/* Whether address is one of a segment's two header words, walking the segments from the heap's base as the
 * words describe them (exact while the heap is intact). */
FUZZ_NO_COVERAGE static bool header_word(const uint16_t *ram, uint32_t address)
{
    for (uint32_t at = BASE; at < END;) {
        if (address == at || address == at + 1) return true;
        if (address < at || at + 1 >= END) return false;
        uint32_t size = ram[at + 1];
        if (size < 2) return true; /* not a heap any more: call it a header */
        at += size;
    }
    return false;
}

FUZZ_NO_COVERAGE static void check_no_overlap(const block *live, size_t count, uint32_t address, uint32_t size)
{
    for (size_t i = 0; i < count; i++)
        FUZZ_CHECK(address + size + 2 <= live[i].address || (uint32_t)live[i].address + live[i].size + 2 <= address);
}

FUZZ_NO_COVERAGE static void fill_block(uint16_t *ram, const block *b)
{
    for (uint32_t i = 0; i < b->size; i++) ram[b->address + i] = pattern(b, i);
}

FUZZ_NO_COVERAGE static void check_blocks(const uint16_t *ram, const block *live, size_t count)
{
    for (size_t i = 0; i < count; i++)
        for (uint32_t w = 0; w < live[i].size && !live[i].written; w++)
            FUZZ_CHECK(ram[live[i].address + w] == pattern(&live[i], w));
}

FUZZ_NO_COVERAGE static void mark_written(block *live, size_t count, uint32_t address)
{
    for (size_t i = 0; i < count; i++)
        if (address >= live[i].address && address < (uint32_t)live[i].address + live[i].size) live[i].written = true;
}

FUZZ_NO_COVERAGE static size_t find_block(const block *live, size_t count, uint16_t address)
{
    for (size_t i = 0; i < count; i++)
        if (live[i].address == address) return i;
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t *ram = malloc(HACK_RAM_SIZE * sizeof *ram);
    block *live = malloc(MAX_LIVE * sizeof *live);
    if (!ram || !live) {
        free(ram);
        free(live);
        return 0;
    }
    reader in = {data, data + size};
    unsigned setup = byte(&in);
    int32_t head = (setup & 4) ? HEAD : -1;
    memset(ram, 0, HACK_RAM_SIZE * sizeof *ram);
    fill_outside(ram);
    hack_heap *heap = hack_heap_create(ram, BASE, END, head, (hack_heap_policy)(setup % 3));
    if (!heap) {
        free(ram);
        free(live);
        return 0;
    }
    hack_heap_init(heap);
    size_t live_count = 0;
    bool intact = true; /* no write of the harness has touched the heap's words yet */
    uint16_t next_tag = 1;
    int reports = 0;
    static int trace = -1; /* HACK_FUZZ_TRACE=1: print each operation (to follow a finding) */
    if (trace < 0) trace = getenv("HACK_FUZZ_TRACE") != NULL;
    for (int ops = 0; ops < MAX_OPS && in.p < in.end; ops++) {
        unsigned op = byte(&in) % 16;
        if (trace) fprintf(stderr, "op %u (bytes %u..), %zu live%s\n", op, (unsigned)(in.p - data), live_count,
                           intact ? "" : ", not intact");
        switch (op) {
        case 0:
        case 1:
        case 2: { /* alloc: small, medium, any */
            int32_t want = op == 0 ? (int32_t)(byte(&in) % 16) + 1
                         : op == 1 ? (int32_t)(word(&in) % 2048) + 1
                                   : (int32_t)(int16_t)word(&in);
            uint16_t address = 0;
            hack_heap_status status = hack_heap_alloc(heap, want, &address);
            if (trace) fprintf(stderr, "  alloc(%d) = %u: %s\n", (int)want, address, hack_heap_status_text(status));
            if (status == HACK_HEAP_OK) {
                /* whatever was written into the heap's words, a block is inside the heap and over no live block
                 * (the heap keeps its own record of the layout) */
                FUZZ_CHECK(want > 0);
                FUZZ_CHECK(address >= BASE + 2 && (uint32_t)address + (uint32_t)want <= END);
                check_no_overlap(live, live_count, address, (uint32_t)want);
                if (live_count < MAX_LIVE) {
                    block b = {address, (uint16_t)want, next_tag++, false};
                    fill_block(ram, &b);
                    live[live_count++] = b;
                } else {
                    intact = false; /* no room to follow it: stop the exact checks */
                }
            } else if (intact) {
                FUZZ_CHECK(status == (want <= 0 ? HACK_HEAP_BAD_SIZE : HACK_HEAP_NO_ROOM));
                uint16_t largest = 0;
                if (status == HACK_HEAP_NO_ROOM)
                    FUZZ_CHECK(hack_heap_largest_free(heap, &largest) == HACK_HEAP_OK && largest < want);
            } else {
                FUZZ_CHECK(status == HACK_HEAP_BAD_SIZE || status == HACK_HEAP_NO_ROOM || status == HACK_HEAP_CORRUPT);
            }
            break;
        }
        case 3:
        case 4: { /* free a live block */
            if (live_count == 0) break;
            size_t i = byte(&in) % live_count;
            hack_heap_status status = hack_heap_free(heap, live[i].address);
            if (intact) FUZZ_CHECK(status == HACK_HEAP_OK);
            if (status == HACK_HEAP_OK || intact) live[i] = live[--live_count];
            break;
        }
        case 5: { /* free any address */
            uint16_t address = (uint16_t)word(&in);
            if (byte(&in) & 1) address = (uint16_t)(BASE - 4 + address % (END - BASE + 8));
            hack_heap_status status = hack_heap_free(heap, address);
            size_t found = find_block(live, live_count, address);
            if (intact) FUZZ_CHECK((status == HACK_HEAP_OK) == (found < live_count));
            if (status == HACK_HEAP_OK && found < live_count) live[found] = live[--live_count];
            break;
        }
        case 6: {
            hack_heap_status status = hack_heap_defrag(heap);
            if (intact) FUZZ_CHECK(status == HACK_HEAP_OK);
            break;
        }
        case 7:
        case 8:
        case 9: { /* a program writes into the heap: anywhere, or at a block's header words or the next ones */
            uint32_t address = BASE + word(&in) % (END - BASE);
            uint16_t value = (uint16_t)word(&in);
            if (op == 9 && live_count) {
                const block *b = &live[byte(&in) % live_count];
                unsigned k = byte(&in) % 4;
                address = k < 2 ? (uint32_t)b->address - 2 + k : (uint32_t)b->address + b->size + (k - 2);
                if (address >= END) address = END - 1;
            }
            bool header = header_word(ram, address);
            if (ram[address] == value) break;
            ram[address] = value;
            if (header) intact = false;
            mark_written(live, live_count, address);
            break;
        }
        case 10: /* the head word */
            if (head >= 0) ram[head] = (uint16_t)word(&in);
            intact = false;
            break;
        case 11: { /* the queries */
            uint16_t largest = 0;
            hack_heap_status status = hack_heap_largest_free(heap, &largest);
            if (intact) FUZZ_CHECK(status == HACK_HEAP_OK);
            if (status == HACK_HEAP_OK) FUZZ_CHECK(largest < END - BASE);
            uint16_t bases[64];
            size_t n = hack_heap_free_list(heap, bases, 64);
            /* (a list broken by a write ends at its first node outside the heap, shown as the last) */
            for (size_t i = 0; i + 1 < n && i < 64; i++) FUZZ_CHECK(bases[i] >= BASE && bases[i] < END);
            hack_heap_stats stats;
            hack_heap_get_stats(heap, &stats);
            if (intact) FUZZ_CHECK(stats.live_blocks == live_count);
            break;
        }
        case 12: { /* the check, and the data of every live block */
            hack_heap_problem problems[8];
            size_t found = hack_heap_check(heap, problems, 8);
            if (intact) {
                for (size_t i = 0; i < found && i < 8; i++)
                    fprintf(stderr, "heap check: %u: %s\n", (unsigned)problems[i].address, problems[i].text);
                FUZZ_CHECK(found == 0);
                check_blocks(ram, live, live_count);
            }
            break;
        }
        case 13: { /* defrag, which reads every free segment: a corrupted word is found, never followed */
            hack_heap_status status = hack_heap_defrag(heap);
            if (intact) FUZZ_CHECK(status == HACK_HEAP_OK);
            break;
        }
        case 14: { /* switch the policy */
            unsigned how = byte(&in);
            if (trace) fprintf(stderr, "  policy %u\n", how % 3);
            hack_heap_status status = hack_heap_set_policy(heap, (hack_heap_policy)(how % 3));
            if (intact) FUZZ_CHECK(status == HACK_HEAP_OK);
            break;
        }
        case 15: { /* init; or the report, at most once an input (it prints every word: slow) */
            unsigned how = byte(&in);
            if (how & 1) {
                hack_heap_init(heap);
                live_count = 0;
                intact = true;
            } else if ((how & 0x0E) == 0x0E && reports++ < 1) {
                free(hack_heap_report(heap));
            }
            break;
        }
        }
    }
    check_outside(ram, head);
    if (intact) {
        hack_heap_problem problems[8];
        FUZZ_CHECK(hack_heap_check(heap, problems, 8) == 0);
    }
    hack_heap_destroy(heap);
    free(ram);
    free(live);
    return 0;
}
