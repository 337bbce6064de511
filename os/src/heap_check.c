#include "hack/heap_check.h"

#include "hack/backtrace.h"
#include "hack/isa.h"
#include "hack/os.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    HEAP_BASE = 2048,
    HEAP_END = 16384,
    LOW_WORDS = 256, /* the VM's registers (SP, LCL, ARG, THIS, THAT, temp, R13..R15) and the static variables */
    WATCH_HEADER = 1,
    WATCH_FREE = 2,
    WATCH_FLOOR = 4, /* the stack's floor (hack_heap_sanitizer_watch_floor) */
    STACK_TEXT = 1500,
    MAX_TIMED_CALLS = 1 << 20, /* call durations kept for the medians */
    MAX_CALL_DEPTH = 64,       /* nested calls of alloc (a recursive allocator) timed */
};

/* Durations of calls, for a median and a maximum. */
typedef struct {
    uint32_t *items;
    size_t count, capacity;
    uint32_t max;
    uint64_t started[MAX_CALL_DEPTH]; /* the cycle of each call in progress */
    int depth;
} call_times;

/* A call stack kept for later reports: its frames, made text only when a report shows them (and looked at as
 * frames when the check decides whose a block is). All the frames hack_backtrace writes, so the text is the
 * one it would have written then; 6 bytes a frame, less than the text would take. */
typedef struct {
    uint8_t count; /* <= HACK_BACKTRACE_FRAMES */
    bool more;     /* the stack went on past them */
    hack_backtrace_frame frames[];
} kept_stack;

typedef struct {
    uint16_t words;
    bool live;
    kept_stack *allocated; /* call stack at alloc */
    kept_stack *freed;     /* call stack at free */
} block_info;

struct hack_heap_sanitizer {
    hack_machine *machine;
    const hack_program *program;
    void (*report)(void *context, const hack_heap_finding *finding, const char *text);
    void *context;
    int max_reports, problems;
    uint8_t watch[HACK_RAM_SIZE];
    uint8_t trusted[HACK_ROM_SIZE];
    uint8_t memory_code[HACK_ROM_SIZE]; /* a Jack Memory's own functions (peek and poke aside) */
    uint16_t peek_poke[2][2];          /* the ROM words [from, to) of Memory.peek and of Memory.poke */
    bool in_init;                      /* a Jack Memory.init has not returned */
    uint16_t owner[HACK_RAM_SIZE];     /* data word -> its live block's address */
    uint16_t was_owner[HACK_RAM_SIZE]; /* data word of a freed block -> that block's address */
    block_info blocks[HACK_RAM_SIZE];  /* by block address */
    uint16_t pending_alloc_size;       /* Jack Memory: the size of the alloc in progress */
    void (*allocation_listener)(void *context, uint16_t address, uint16_t words);
    void *allocation_listener_context;
    int alloc_depth;
    bool no_leaks;   /* finish reports no leaks */
    /* a debugger's hold at findings made in hooks: a finding since the hook was entered, and the call held */
    bool hold, found, holding;
    uint16_t held_pc;
    uint64_t held_cycles;
    bool track_only; /* no watched words, no reports */
    call_times alloc_times, free_times;
    uint64_t allocs, frees;
    uint32_t live_words, peak_live_words;
    uint16_t lowest, highest;
    /* the timeline (record_timeline) */
    uint8_t *timeline;        /* HACK_HEAP_TIMELINE_COLUMNS columns of HACK_HEAP_TIMELINE_BANDS */
    uint64_t timeline_cycles[HACK_HEAP_TIMELINE_COLUMNS];
    size_t timeline_count;
    uint64_t timeline_interval, events_since_column;
    uint16_t band_live[HACK_HEAP_TIMELINE_BANDS];
};

/* The call stack of now, kept (NULL when memory ran out: reports then show no stack). */
static kept_stack *keep_stack(const hack_heap_sanitizer *c)
{
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES];
    bool more;
    const size_t count = hack_backtrace_frames(c->machine, c->program, frames, HACK_BACKTRACE_FRAMES, &more);
    kept_stack *kept = malloc(sizeof *kept + count * sizeof *frames);
    if (!kept) return NULL;
    kept->count = (uint8_t)count;
    kept->more = more;
    memcpy(kept->frames, frames, count * sizeof *frames);
    return kept;
}

/* A kept stack as hack_backtrace wrote it when it was kept (in STACK_TEXT), or "" for none: its lines in buf
 * (STACK_TEXT chars), which it returns. */
static const char *stack_lines(const hack_heap_sanitizer *c, const kept_stack *kept, char buf[STACK_TEXT])
{
    buf[0] = '\0';
    if (kept) hack_backtrace_write(c->program, kept->frames, kept->count, kept->more, buf, STACK_TEXT);
    return buf;
}

/* A finding of kind about address, with the call stack of now (its first stack). */
static hack_heap_finding finding_here(const hack_heap_sanitizer *c, hack_heap_finding_kind kind, uint16_t address)
{
    hack_heap_finding f = {.kind = kind, .address = address};
    f.frame_count = hack_backtrace_frames(c->machine, c->program, f.frames, HACK_HEAP_FINDING_FRAMES, NULL);
    return f;
}

/* Every report's first line starts so; the rest of that line is the finding's headline. */
static const char lead[] = "heap check: ";

/* The finding's headline: the words that name its kind, with what parts them from the facts ("out of bounds: "),
 * then the facts (facts_at marks where they start). */
static void set_headline(hack_heap_finding *f, const char *words, const char *facts)
{
    const size_t at = strlen(words);
    assert(at < sizeof f->headline); /* (the words are a few) */
    memcpy(f->headline, words, at);
    snprintf(f->headline + at, sizeof f->headline - at, "%.*s", (int)(sizeof f->headline - 1 - at), facts);
    f->facts_at = (uint8_t)at;
}

/* A report's first line in text (size chars): the lead, the finding's headline, a newline. Returns its length
 * (0 when it does not fit), after which the report's call stacks go. */
static size_t start_text(char *text, size_t size, const hack_heap_finding *f)
{
    const int n = snprintf(text, size, "%s%s\n", lead, f->headline);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static void emit(hack_heap_sanitizer *c, const hack_heap_finding *finding, const char *text)
{
    if (c->track_only) return;
    c->found = true;
    c->problems++;
    if (c->problems <= c->max_reports && c->report) c->report(c->context, finding, text);
}

/* The machine no longer stops on this check's watched words (unless another watch map replaced it). */
static void stop_watching(hack_heap_sanitizer *c)
{
    if (hack_machine_watch(c->machine) == c->watch) hack_machine_set_watch(c->machine, NULL, NULL);
}

hack_heap_sanitizer *hack_heap_sanitizer_create(hack_machine *machine, const hack_program *program, int max_reports,
                                        void (*report)(void *context, const hack_heap_finding *finding,
                                                       const char *text),
                                        void *context)
{
    assert(machine && program);
    hack_heap_sanitizer *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->machine = machine;
    c->program = program;
    c->max_reports = max_reports;
    c->report = report;
    c->context = context;
    hack_heap_sanitizer_on_init(c);
    hack_machine_set_watch(machine, c->watch, c->trusted);
    return c;
}

void hack_heap_sanitizer_free(hack_heap_sanitizer *c)
{
    if (!c) return;
    stop_watching(c);
    for (size_t i = 0; i < HACK_RAM_SIZE; i++) {
        free(c->blocks[i].allocated);
        free(c->blocks[i].freed);
    }
    free(c->alloc_times.items);
    free(c->free_times.items);
    free(c->timeline);
    free(c);
}

void hack_heap_sanitizer_on_init(hack_heap_sanitizer *c)
{
    for (uint32_t a = HEAP_BASE; a < HEAP_END; a++) {
        c->watch[a] = WATCH_FREE;
        c->owner[a] = 0;
        c->was_owner[a] = 0;
        c->blocks[a].live = false;
    }
    c->live_words = 0;
    memset(c->band_live, 0, sizeof c->band_live);
}

/* A word comes into a live block (+1) or leaves it (-1). */
static void count_live_word(hack_heap_sanitizer *c, uint32_t address, int change)
{
    c->live_words += (uint32_t)change;
    c->band_live[(address - HEAP_BASE) / HACK_HEAP_TIMELINE_BAND] += (uint16_t)change;
}

/* After an alloc or a free: a column of the timeline now and then. */
static void timeline_event(hack_heap_sanitizer *c)
{
    if (!c->timeline || ++c->events_since_column < c->timeline_interval) return;
    c->events_since_column = 0;
    if (c->timeline_count == HACK_HEAP_TIMELINE_COLUMNS) { /* full: keep every other column, half as often */
        for (size_t i = 0; i < HACK_HEAP_TIMELINE_COLUMNS / 2; i++) {
            memcpy(c->timeline + i * HACK_HEAP_TIMELINE_BANDS, c->timeline + (2 * i + 1) * HACK_HEAP_TIMELINE_BANDS,
                   HACK_HEAP_TIMELINE_BANDS);
            c->timeline_cycles[i] = c->timeline_cycles[2 * i + 1];
        }
        c->timeline_count = HACK_HEAP_TIMELINE_COLUMNS / 2;
        c->timeline_interval *= 2;
    }
    uint8_t *column = c->timeline + c->timeline_count * HACK_HEAP_TIMELINE_BANDS;
    for (size_t b = 0; b < HACK_HEAP_TIMELINE_BANDS; b++) column[b] = (uint8_t)c->band_live[b];
    c->timeline_cycles[c->timeline_count++] = hack_machine_cycles(c->machine);
}

void hack_heap_sanitizer_record_timeline(hack_heap_sanitizer *c)
{
    if (!c->timeline) c->timeline = calloc(HACK_HEAP_TIMELINE_COLUMNS, HACK_HEAP_TIMELINE_BANDS);
    c->timeline_interval = 1;
}

size_t hack_heap_sanitizer_timeline(const hack_heap_sanitizer *c, const uint8_t **columns, const uint64_t **cycles)
{
    *columns = c->timeline;
    *cycles = c->timeline_cycles;
    return c->timeline ? c->timeline_count : 0;
}

void hack_heap_sanitizer_track_only(hack_heap_sanitizer *c)
{
    c->track_only = true;
    c->no_leaks = true;
    stop_watching(c);
}

size_t hack_heap_sanitizer_live_blocks(const hack_heap_sanitizer *c, hack_heap_live_block *blocks, size_t capacity)
{
    size_t n = 0;
    for (uint32_t a = HEAP_BASE; a < HEAP_END; a++)
        if (c->blocks[a].live) {
            if (n < capacity) blocks[n] = (hack_heap_live_block){(uint16_t)a, c->blocks[a].words};
            n++;
        }
    return n;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t median(const call_times *t)
{
    if (t->count == 0) return 0;
    uint32_t *sorted = malloc(t->count * sizeof *sorted);
    if (!sorted) return 0;
    memcpy(sorted, t->items, t->count * sizeof *sorted);
    qsort(sorted, t->count, sizeof *sorted, compare_u32);
    uint32_t m = sorted[t->count / 2];
    free(sorted);
    return m;
}

/* The heap words in no live block, and the longest run of them. */
static void free_room(const hack_heap_sanitizer *c, uint32_t *free_words, uint32_t *longest)
{
    uint32_t run = 0;
    *free_words = *longest = 0;
    for (uint32_t a = HEAP_BASE; a < HEAP_END; a++) {
        run = c->owner[a] ? 0 : run + 1;
        *free_words += !c->owner[a];
        if (run > *longest) *longest = run;
    }
}

void hack_heap_sanitizer_stats(const hack_heap_sanitizer *c, hack_heap_call_stats *stats)
{
    *stats = (hack_heap_call_stats){c->allocs,          c->frees,       median(&c->alloc_times),
                                    c->alloc_times.max, median(&c->free_times), c->free_times.max,
                                    c->live_words,      c->peak_live_words, c->lowest, c->highest,
                                    c->alloc_times.depth > 0, (int16_t)c->pending_alloc_size, 0, 0};
    free_room(c, &stats->free_words, &stats->longest_free);
}

static void call_started(call_times *t, uint64_t cycle)
{
    if (t->depth < MAX_CALL_DEPTH) t->started[t->depth] = cycle;
    t->depth++;
}

static void call_ended(call_times *t, uint64_t cycle)
{
    if (t->depth <= 0) return;
    t->depth--;
    if (t->depth >= MAX_CALL_DEPTH) return;
    uint64_t took = cycle - t->started[t->depth];
    uint32_t d = took > UINT32_MAX ? UINT32_MAX : (uint32_t)took;
    if (d > t->max) t->max = d;
    if (t->count == t->capacity && t->capacity < MAX_TIMED_CALLS) {
        size_t capacity = t->capacity ? 2 * t->capacity : 256;
        uint32_t *grown = realloc(t->items, capacity * sizeof *grown);
        if (!grown) return;
        t->items = grown;
        t->capacity = capacity;
    }
    if (t->count < t->capacity) t->items[t->count++] = d;
}

void hack_heap_sanitizer_listen_allocations(hack_heap_sanitizer *c,
                                            void (*fn)(void *context, uint16_t address, uint16_t words),
                                            void *context)
{
    c->allocation_listener = fn;
    c->allocation_listener_context = context;
}

void hack_heap_sanitizer_on_alloc(hack_heap_sanitizer *c, uint16_t address, uint16_t words)
{
    if (address < HEAP_BASE || address >= HEAP_END) return;
    if (c->allocation_listener) c->allocation_listener(c->allocation_listener_context, address, words);
    block_info *b = &c->blocks[address];
    free(b->allocated);
    free(b->freed);
    b->allocated = c->track_only ? NULL : keep_stack(c); /* tracking keeps no stacks: it is on in the window */
    b->freed = NULL;
    b->words = words;
    b->live = true;
    /* the two words before a block are its header in this project's heaps; a student's allocator may have none,
     * and its words stay watched as free until they are part of a block */
    for (uint32_t a = address - 2u; a < address; a++)
        if (a >= HEAP_BASE && !c->owner[a]) c->watch[a] = WATCH_HEADER;
    for (uint32_t a = address; a < (uint32_t)address + words && a < HEAP_END; a++) {
        if (!c->owner[a]) count_live_word(c, a, +1);
        c->watch[a] = HACK_WATCH_TRUSTED; /* the program's now: the allocator's own code has no business there */
        c->owner[a] = address;
        c->was_owner[a] = 0;
    }
    uint32_t end = (uint32_t)address + words - 1u < HEAP_END ? (uint32_t)address + words - 1u : HEAP_END - 1u;
    if (!c->lowest || address < c->lowest) c->lowest = address;
    if (end > c->highest) c->highest = (uint16_t)end;
    if (c->live_words > c->peak_live_words) c->peak_live_words = c->live_words;
    c->allocs++;
    timeline_event(c);
}

void hack_heap_sanitizer_on_free(hack_heap_sanitizer *c, uint16_t address)
{
    if (address < HEAP_BASE || address >= HEAP_END || !c->blocks[address].live) return;
    block_info *b = &c->blocks[address];
    b->live = false;
    free(b->freed);
    b->freed = c->track_only ? NULL : keep_stack(c);
    for (uint32_t a = address; a < (uint32_t)address + b->words && a < HEAP_END; a++) {
        if (c->owner[a]) count_live_word(c, a, -1);
        c->watch[a] = WATCH_FREE;
        c->owner[a] = 0;
        c->was_owner[a] = address;
    }
    for (uint32_t a = address - 2u; a < address; a++)
        if (a >= HEAP_BASE && !c->owner[a]) c->watch[a] = WATCH_FREE;
    c->frees++;
    timeline_event(c);
}

void hack_heap_sanitizer_on_bad_free(hack_heap_sanitizer *c, uint16_t address, const char *why)
{
    char text[3 * STACK_TEXT + 400];
    const block_info *b = address < HACK_RAM_SIZE ? &c->blocks[address] : NULL;
    const bool double_free = b && b->allocated && !b->live;
    hack_heap_finding f = finding_here(c, double_free ? HACK_HEAP_FINDING_DOUBLE_FREE : HACK_HEAP_FINDING_BAD_FREE, address);
    if (double_free) {
        f.block = address;
        f.block_words = b->words;
    }
    char facts[HACK_HEAP_HEADLINE];
    if (double_free) { /* this check saw it freed: say so, and where */
        snprintf(facts, sizeof facts, "the block %u..%u", (unsigned)address, (unsigned)(address + b->words - 1));
        set_headline(&f, "double free of ", facts);
    } else {
        snprintf(facts, sizeof facts, "%u: %s", (unsigned)address, why);
        set_headline(&f, "bad free of ", facts);
    }
    const size_t n = start_text(text, sizeof text, &f);
    if (n) {
        size_t used = n;
        used += hack_backtrace(c->machine, c->program, text + used, sizeof text - used);
        char allocated[STACK_TEXT], freed[STACK_TEXT];
        if (double_free && used < sizeof text)
            snprintf(text + used, sizeof text - used, "  the block was allocated:\n%s  and first freed:\n%s",
                     stack_lines(c, b->allocated, allocated), stack_lines(c, b->freed, freed));
    }
    emit(c, &f, text);
}

bool hack_heap_sanitizer_watch_floor(hack_heap_sanitizer *c, uint16_t from, uint16_t to)
{
    if (c->track_only || hack_machine_watch(c->machine) != c->watch) return false;
    for (uint32_t a = from; a < to && a < LOW_WORDS; a++) c->watch[a] |= WATCH_FLOOR;
    return true;
}

/* The live block that ends just below address (within a few words), or 0. */
static uint16_t block_below(const hack_heap_sanitizer *c, uint16_t address)
{
    for (uint32_t a = address; a > HEAP_BASE && a + 8 > address; a--)
        if (c->owner[a - 1]) return c->owner[a - 1];
    return 0;
}

void hack_heap_sanitizer_on_watch(hack_heap_sanitizer *c)
{
    const hack_watch_hit watch_hit = hack_machine_watch_hit(c->machine);
    const hack_watch_hit *hit = &watch_hit;
    const char *access = hit->write ? "write to" : "read of";
    char text[3 * STACK_TEXT + 600];
    int n;
    if (hit->address < LOW_WORDS) { /* the allocator's own code, through a pointer: a null one, most often */
        if (!hit->write) return;      /* a read does no harm (what it leads to is found where it does) */
        if (!c->trusted[hit->pc]) return; /* the program's own, at the stack's floor: not the heap's business */
        static const char *const registers[16] = {
            "SP, the stack pointer", "LCL, the frame pointer", "ARG, the arguments pointer", "THIS", "THAT",
            "temp 0", "temp 1", "temp 2", "temp 3", "temp 4", "temp 5", "temp 6", "temp 7", "R13", "R14", "R15"};
        hack_heap_finding f = finding_here(c, HACK_HEAP_FINDING_WROTE_OUTSIDE_HEAP, hit->address);
        f.write = true;
        f.during_alloc = c->alloc_times.depth > 0;
        f.request = (int16_t)c->pending_alloc_size;
        char during[64] = "", facts[HACK_HEAP_HEADLINE];
        if (c->alloc_times.depth > 0)
            snprintf(during, sizeof during, "during Memory.alloc(%d): ", (int)(int16_t)c->pending_alloc_size);
        snprintf(facts, sizeof facts, "%sRAM[%u] (%s), through a pointer to no heap word (null?)", during,
                 (unsigned)hit->address, hit->address < 16 ? registers[hit->address] : "a static variable");
        set_headline(&f, during[0] ? "the allocator wrote outside the heap " : "the allocator wrote outside the heap: ",
                     facts);
        n = (int)start_text(text, sizeof text, &f);
        if (n > 0) n += snprintf(text + n, sizeof text - (size_t)n, "  the write:\n");
        if (n > 0 && (size_t)n < sizeof text)
            hack_backtrace(c->machine, c->program, text + n, sizeof text - (size_t)n);
        emit(c, &f, text);
        return;
    }
    uint16_t live = c->owner[hit->address];
    if (live) { /* the allocator's own code in a live block: a write corrupts what the program keeps there */
        if (!hit->write) return;
        const block_info *b = &c->blocks[live];
        hack_heap_finding f = finding_here(c, HACK_HEAP_FINDING_WROTE_INTO_BLOCK, hit->address);
        f.write = true;
        f.block = live;
        f.block_words = b->words;
        f.during_alloc = c->alloc_times.depth > 0;
        f.request = (int16_t)c->pending_alloc_size;
        char during[64] = "", facts[HACK_HEAP_HEADLINE];
        if (c->alloc_times.depth > 0)
            snprintf(during, sizeof during, "during Memory.alloc(%d): ", (int)(int16_t)c->pending_alloc_size);
        snprintf(facts, sizeof facts, "%sRAM[%u], word %u of the block %u..%u, which the program owns", during,
                 (unsigned)hit->address, (unsigned)(hit->address - live), (unsigned)live,
                 (unsigned)(live + b->words - 1));
        set_headline(&f,
                     during[0] ? "the allocator wrote into a live block " : "the allocator wrote into a live block: ",
                     facts);
        n = (int)start_text(text, sizeof text, &f);
        if (n > 0) n += snprintf(text + n, sizeof text - (size_t)n, "  the write:\n");
        if (n > 0 && (size_t)n < sizeof text) {
            size_t used = (size_t)n;
            used += hack_backtrace(c->machine, c->program, text + used, sizeof text - used);
            char allocated[STACK_TEXT];
            if (used < sizeof text)
                snprintf(text + used, sizeof text - used, "  the block was allocated:\n%s",
                         stack_lines(c, b->allocated, allocated));
        }
        emit(c, &f, text);
        return;
    }
    uint16_t freed = c->was_owner[hit->address];
    uint16_t below = block_below(c, hit->address);
    hack_heap_finding f = finding_here(c, HACK_HEAP_FINDING_NO_BLOCK, hit->address);
    f.write = hit->write;
    char here[STACK_TEXT], allocated[STACK_TEXT], freed_at[STACK_TEXT]; /* the access's stack, the block's */
    char facts[HACK_HEAP_HEADLINE];
    hack_backtrace(c->machine, c->program, here, sizeof here);
    if (freed && !c->blocks[freed].live) {
        const block_info *b = &c->blocks[freed];
        f.kind = HACK_HEAP_FINDING_USE_AFTER_FREE;
        f.block = freed;
        f.block_words = b->words;
        snprintf(facts, sizeof facts, "%s RAM[%u], word %u of the block %u..%u, which was freed", access,
                 (unsigned)hit->address, (unsigned)(hit->address - freed), (unsigned)freed,
                 (unsigned)(freed + b->words - 1));
        set_headline(&f, "use after free: ", facts);
        const size_t used = start_text(text, sizeof text, &f);
        snprintf(text + used, sizeof text - used, "  the access:\n%s  the block was allocated:\n%s  and freed:\n%s",
                 here, stack_lines(c, b->allocated, allocated), stack_lines(c, b->freed, freed_at));
    } else if (below) {
        const block_info *b = &c->blocks[below];
        f.kind = HACK_HEAP_FINDING_OUT_OF_BOUNDS;
        f.block = below;
        f.block_words = b->words;
        snprintf(facts, sizeof facts, "%s RAM[%u], %u word%s past the end of the block %u..%u (%s)", access,
                 (unsigned)hit->address, (unsigned)(hit->address - (below + b->words) + 1),
                 hit->address - (below + b->words) == 0 ? "" : "s", (unsigned)below, (unsigned)(below + b->words - 1),
                 c->watch[hit->address] == WATCH_HEADER ? "into the next block's header" : "into free memory");
        set_headline(&f, "out of bounds: ", facts);
        const size_t used = start_text(text, sizeof text, &f);
        snprintf(text + used, sizeof text - used, "  the access:\n%s  the block was allocated:\n%s", here,
                 stack_lines(c, b->allocated, allocated));
    } else {
        snprintf(f.headline, sizeof f.headline, "%s RAM[%u], in the heap but in no live block (%s)", access,
                 (unsigned)hit->address, c->watch[hit->address] == WATCH_HEADER ? "a block header" : "free memory");
        const size_t used = start_text(text, sizeof text, &f);
        snprintf(text + used, sizeof text - used, "  the access:\n%s", here);
    }
    emit(c, &f, text);
}

/* The function a frame is in, as its call stack line names it, or NULL: a line in no function (machine code,
 * the bootstrap, the halt loop after the program, shared code whose caller is lost). */
static const hack_symbol *frame_function(const hack_program *p, const hack_backtrace_frame *frame)
{
    if (frame->lost) return NULL;
    const hack_source_location *at = p->locations && frame->pc < p->count ? &p->locations[frame->pc] : NULL;
    if (at && (at->routine == HACK_ROUTINE_BOOTSTRAP || at->routine == HACK_ROUTINE_END)) return NULL;
    return hack_program_function_at(p, frame->pc);
}

/* Whether function (may be NULL) is one of the OS's classes' (Memory.alloc, Sys.init...). */
static bool os_function(const hack_symbol *function)
{
    const char *dot = function ? strchr(function->name, '.') : NULL;
    char class_name[32];
    if (!dot || (size_t)(dot - function->name) >= sizeof class_name) return false; /* (no OS class is that long) */
    memcpy(class_name, function->name, (size_t)(dot - function->name));
    class_name[dot - function->name] = '\0';
    return hack_os_find_class(class_name) != NULL;
}

/* A block is the program's when some frame of its allocation is not the OS's (frames past those kept are taken
 * for the program's), and it is not a string's (no frame is String.new). */
static bool programs_block(const hack_heap_sanitizer *c, const kept_stack *allocated)
{
    if (!allocated) return false;
    bool programs = allocated->more;
    for (size_t i = 0; i < allocated->count; i++) {
        const hack_symbol *function = frame_function(c->program, &allocated->frames[i]);
        if (function && strcmp(function->name, "String.new") == 0) return false;
        if (!os_function(function)) programs = true;
    }
    return programs;
}

void hack_heap_sanitizer_report_leaks(hack_heap_sanitizer *c, bool report)
{
    c->no_leaks = !report;
}

int hack_heap_sanitizer_finish(hack_heap_sanitizer *c)
{
    int leaks = 0, leaked_words = 0;
    for (uint32_t a = HEAP_BASE; a < HEAP_END && !c->no_leaks; a++) {
        const block_info *b = &c->blocks[a];
        if (!b->live || !programs_block(c, b->allocated)) continue;
        leaks++;
        leaked_words += b->words;
        hack_heap_finding f = {.kind = HACK_HEAP_FINDING_LEAK, .address = (uint16_t)a, .block = (uint16_t)a,
                               .block_words = b->words}; /* (no frames: its stack is the allocation's, in the text) */
        char text[STACK_TEXT + 200], allocated[STACK_TEXT], facts[HACK_HEAP_HEADLINE];
        snprintf(facts, sizeof facts, "the block %u..%u (%u words) was never freed; allocated:", (unsigned)a,
                 (unsigned)(a + b->words - 1), (unsigned)b->words);
        set_headline(&f, "leak: ", facts);
        const size_t used = start_text(text, sizeof text, &f);
        snprintf(text + used, sizeof text - used, "%s", stack_lines(c, b->allocated, allocated));
        emit(c, &f, text);
    }
    if (c->track_only) return 0;
    hack_heap_finding f = {.kind = HACK_HEAP_FINDING_SUMMARY, .problems = c->problems};
    snprintf(f.headline, sizeof f.headline, "%d problem%s (%d leak%s, %d words)%s", c->problems,
             c->problems == 1 ? "" : "s", leaks, leaks == 1 ? "" : "s", leaked_words,
             c->problems > c->max_reports ? "; only the first are shown" : "");
    char summary[sizeof lead + sizeof f.headline];
    start_text(summary, sizeof summary, &f);
    if (c->report) c->report(c->context, &f, summary);
    return c->problems;
}

/* ---- a debugger's hold at findings made in hooks ---- */

void hack_heap_sanitizer_hold_at_findings(hack_heap_sanitizer *c, bool hold)
{
    c->hold = hold;
    c->holding = false;
}

bool hack_heap_sanitizer_entered(hack_heap_sanitizer *c)
{
    c->found = false;
    if (!c->holding || hack_machine_pc(c->machine) != c->held_pc || hack_machine_cycles(c->machine) != c->held_cycles)
        return false;
    c->holding = false;
    return true;
}

bool hack_heap_sanitizer_held(hack_heap_sanitizer *c)
{
    if (!c->hold || !c->found) return false;
    c->found = false;
    c->holding = true;
    c->held_pc = hack_machine_pc(c->machine);
    c->held_cycles = hack_machine_cycles(c->machine);
    return true;
}

bool hack_heap_sanitizer_holding(const hack_heap_sanitizer *c)
{
    return c->holding;
}

/* ---- a Jack Memory, seen through observe hooks ---- */

static hack_hook_action observe_init(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)m;
    (void)value;
    hack_heap_sanitizer *c = context;
    if (e->kind == HACK_HOOK_CALL) hack_heap_sanitizer_on_init(c);
    c->in_init = e->kind == HACK_HOOK_CALL;
    return HACK_HOOK_PROCEED;
}

/* A finding about what a call of Memory.alloc returned (its headline made, its text not yet): made while
 * Memory.init runs, the heap is not set up yet, and its headline says so first (the memory bench takes it as a
 * note). Its headline is all facts, the mark with them. */
static void mark_call_finding(const hack_heap_sanitizer *c, hack_heap_finding *f)
{
    static const char in_init[] = "in Memory.init, before the heap was set up: ";
    f->in_init = c->in_init;
    if (!c->in_init) return;
    char headline[sizeof f->headline];
    snprintf(headline, sizeof headline, "%s%.*s", in_init, (int)(sizeof headline - sizeof in_init), f->headline);
    memcpy(f->headline, headline, sizeof headline);
}

/* The return command's place, when it is one of function's (R13 keeps the shared return's site), or -1. */
static int32_t return_site(const hack_heap_sanitizer *c, const hack_machine *m, uint16_t function)
{
    uint16_t site = hack_machine_ram(m, 13);
    const hack_symbol *f = site > 0 && site < HACK_ROM_SIZE ? hack_program_function_at(c->program, site - 1u) : NULL;
    return f && f->value == function ? site - 1 : -1;
}

/* The call stack at the return of a Jack Memory function (its hook's RESULT: the frame is back at the caller's):
 * first the function's own return command, at its line ("  in Memory.alloc (Memory.jack:36)", from the site the
 * translator's shared return keeps in R13, when it is one of the function's), then the caller's frames. Up to
 * max (> 0) of them; *more (may be NULL): the stack goes on past them. */
static size_t frames_at_return(const hack_heap_sanitizer *c, const hack_machine *m, uint16_t function,
                               hack_backtrace_frame *frames, size_t max, bool *more)
{
    size_t count = 0;
    const int32_t site = return_site(c, m, function);
    if (site >= 0) frames[count++] = (hack_backtrace_frame){(uint16_t)site, false, 0};
    return count + hack_backtrace_frames(m, c->program, frames + count, max - count, more);
}

/* A finding about what alloc (at function) returned, of kind, with the stack stack_at_return writes. */
static hack_heap_finding finding_at_return(const hack_heap_sanitizer *c, const hack_machine *m, uint16_t function,
                                           hack_heap_finding_kind kind, uint16_t returned, int16_t request)
{
    hack_heap_finding f = {.kind = kind, .address = returned, .request = request};
    f.frame_count = frames_at_return(c, m, function, f.frames, HACK_HEAP_FINDING_FRAMES, NULL);
    return f;
}

/* The stack at the return as lines, in STACK_TEXT at most (as every stack of a report: the report's other parts
 * keep their room). Returns the length written. */
static size_t stack_at_return(const hack_heap_sanitizer *c, const hack_machine *m, uint16_t function, char *buf,
                              size_t size)
{
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES + 1];
    bool more;
    const size_t count = frames_at_return(c, m, function, frames, sizeof frames / sizeof frames[0], &more);
    /* room for the return's own line (a place of up to 256 characters) above the callers' STACK_TEXT */
    const size_t room = STACK_TEXT + 256;
    return hack_backtrace_write(c->program, frames, count, more, buf, size < room ? size : room);
}

static hack_hook_action observe_alloc(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_heap_sanitizer *c = context;
    if (e->kind == HACK_HOOK_CALL) {
        c->pending_alloc_size = e->count ? hack_machine_ram(m, e->arg) : 0;
        call_started(&c->alloc_times, hack_machine_cycles(m));
        return HACK_HOOK_PROCEED;
    }
    call_ended(&c->alloc_times, hack_machine_cycles(m));
    /* the result: the frame is back at the caller's, so the stack is the caller's (as with the native heap), below
     * the line of alloc's return */
    int16_t size = (int16_t)c->pending_alloc_size;
    char text[2 * STACK_TEXT + 400];
    if (size <= 0) { /* the course's contract: Sys.error(5), no block */
        hack_heap_finding f = finding_at_return(c, m, e->address, HACK_HEAP_FINDING_SIZE_NOT_REFUSED, e->value, size);
        snprintf(f.headline, sizeof f.headline,
                 "Memory.alloc(%d) returned %d: a size of 0 or less must end in Sys.error(5)", (int)size,
                 (int)(int16_t)e->value);
        mark_call_finding(c, &f);
        const size_t n = start_text(text, sizeof text, &f);
        if (n) stack_at_return(c, m, e->address, text + n, sizeof text - n);
        emit(c, &f, text);
        return HACK_HOOK_PROCEED;
    }
    uint32_t start = e->value, end = (uint32_t)e->value + (uint32_t)size; /* data words start..end-1 */
    if (start < HEAP_BASE || end > HEAP_END) {
        /* 0, -1 or an offset: how much room there was tells a full heap from an allocator that lost its way */
        uint32_t free_words, longest;
        free_room(c, &free_words, &longest);
        const bool none = start == 0 || start >= 0x8000u;
        hack_heap_finding f = finding_at_return(c, m, e->address,
                                                none ? HACK_HEAP_FINDING_NOT_A_BLOCK : HACK_HEAP_FINDING_OUTSIDE_HEAP,
                                                e->value, size);
        f.free_words = free_words;
        f.longest_free = longest;
        if (none)
            snprintf(f.headline, sizeof f.headline,
                     "Memory.alloc(%d) returned %d, not a block (%u words in no live block, the longest run %u)",
                     (int)size, (int)(int16_t)start, (unsigned)free_words, (unsigned)longest);
        else
            snprintf(f.headline, sizeof f.headline,
                     "Memory.alloc(%d) returned %u: the block %u..%u is not inside the heap (%d..%d; %u words in no "
                     "live block, the longest run %u)",
                     (int)size, (unsigned)start, (unsigned)start, (unsigned)(end - 1), HEAP_BASE, HEAP_END - 1,
                     (unsigned)free_words, (unsigned)longest);
        mark_call_finding(c, &f);
        const size_t n = start_text(text, sizeof text, &f);
        if (n) stack_at_return(c, m, e->address, text + n, sizeof text - n);
        emit(c, &f, text);
        return HACK_HOOK_PROCEED;
    }
    for (uint32_t a = start; a < end; a++)
        if (c->owner[a]) {
            const block_info *other = &c->blocks[c->owner[a]];
            hack_heap_finding f = finding_at_return(c, m, e->address, HACK_HEAP_FINDING_OVERLAP, e->value, size);
            f.block = c->owner[a];
            f.block_words = other->words;
            snprintf(f.headline, sizeof f.headline,
                     "Memory.alloc(%d) returned %u: the block %u..%u overlaps the live block %u..%u", (int)size,
                     (unsigned)start, (unsigned)start, (unsigned)(end - 1), (unsigned)c->owner[a],
                     (unsigned)(c->owner[a] + other->words - 1));
            mark_call_finding(c, &f);
            const size_t n = start_text(text, sizeof text, &f);
            if (n) {
                size_t used = n;
                used += stack_at_return(c, m, e->address, text + used, sizeof text - used);
                char allocated[STACK_TEXT];
                if (used < sizeof text)
                    snprintf(text + used, sizeof text - used, "  the live block was allocated:\n%s",
                             stack_lines(c, other->allocated, allocated));
            }
            emit(c, &f, text);
            break; /* recorded all the same: the program will use it, and reports about it would only repeat */
        }
    hack_heap_sanitizer_on_alloc(c, e->value, (uint16_t)size);
    return HACK_HOOK_PROCEED;
}

static hack_hook_action observe_free(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_heap_sanitizer *c = context;
    if (e->kind != HACK_HOOK_CALL) {
        call_ended(&c->free_times, hack_machine_cycles(m));
        return HACK_HOOK_PROCEED;
    }
    if (hack_heap_sanitizer_entered(c)) return HACK_HOOK_PROCEED; /* held here: told already */
    call_started(&c->free_times, hack_machine_cycles(m));
    uint16_t address = e->count ? hack_machine_ram(m, e->arg) : 0;
    if (address >= HEAP_BASE && address < HEAP_END && c->blocks[address].live)
        hack_heap_sanitizer_on_free(c, address);
    else
        hack_heap_sanitizer_on_bad_free(c, address,
                                    address >= HEAP_BASE && address < HEAP_END && c->blocks[address].allocated
                                        ? "the block is already free (double free)"
                                        : "not the address of a live block");
    return hack_heap_sanitizer_held(c) ? HACK_HOOK_STOP : HACK_HOOK_PROCEED;
}

/* Whether the instruction at pc is the translator's own access of a fixed word below LOW_WORDS (SP, LCL, ...,
 * temp, pointer, a static variable): an A-instruction @k (k < LOW_WORDS), or the C-instruction after one. Such
 * an access is never a pointer's: trusted or not, it touches no heap word. */
static bool fixed_low_access(const hack_program *p, uint32_t pc)
{
    if (pc >= p->count) return false;
    const uint16_t word = p->words[pc];
    if (!HACK_IS_C_INSTR(word)) return !(word & 0x8000u) && word < LOW_WORDS;
    return pc > 0 && !(p->words[pc - 1] & 0x8000u) && p->words[pc - 1] < LOW_WORDS;
}

/* Trusts the code [from, to) (or not): the allocator's own, which may touch headers and free words, and whose
 * writes into live blocks or through a pointer below LOW_WORDS are findings. */
static void trust_code(hack_heap_sanitizer *c, uint32_t from, uint32_t to, bool trusted)
{
    for (uint32_t pc = from; pc < to; pc++) c->trusted[pc] = trusted && !fixed_low_access(c->program, pc);
}

/* Memory.peek or Memory.poke entered: called from Memory's own functions, it is the allocator's access (as an
 * array access in Memory would be); called from anywhere else, the program's. */
static hack_hook_action observe_peek_poke(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_heap_sanitizer *c = context;
    if (e->kind != HACK_HOOK_CALL) return HACK_HOOK_PROCEED;
    uint16_t lcl = hack_machine_ram(m, 1);
    uint16_t return_address = lcl >= 5 && lcl < HACK_RAM_SIZE ? hack_machine_ram(m, (uint16_t)(lcl - 5)) : 0;
    bool allocator = return_address < HACK_ROM_SIZE && c->memory_code[return_address];
    for (int i = 0; i < 2; i++) trust_code(c, c->peek_poke[i][0], c->peek_poke[i][1], allocator);
    return HACK_HOOK_PROCEED;
}

hack_heap_observing hack_heap_sanitizer_observe_jack_memory(hack_heap_sanitizer *c)
{
    const hack_symtab *symbols = &c->program->symbols;
    const hack_symbol *alloc = hack_symtab_find(symbols, "Memory.alloc", 12);
    if (!alloc) {
        stop_watching(c);
        return HACK_HEAP_NO_ALLOCATOR;
    }
    /* Memory's own code may touch headers and free memory (but not live blocks, nor, through a pointer, the VM's
     * registers and static variables below the stack); its peek and poke are the program's way to any word, checked
     * as the program's own accesses (as the native ones are), unless Memory's own functions call them */
    for (size_t i = 0; i < symbols->count; i++) {
        const hack_symbol *s = &symbols->entries[i];
        if (s->kind != HACK_SYMBOL_FUNCTION || strncmp(s->name, "Memory.", 7) != 0) continue;
        uint32_t end = HACK_ROM_SIZE;
        for (size_t j = 0; j < symbols->count; j++)
            if (symbols->entries[j].kind == HACK_SYMBOL_FUNCTION && symbols->entries[j].value > s->value &&
                symbols->entries[j].value < end)
                end = symbols->entries[j].value;
        if (end > c->program->count) end = (uint32_t)c->program->count;
        if (s->value >= end) continue;
        int peek_poke = strcmp(s->name, "Memory.peek") == 0 ? 0 : strcmp(s->name, "Memory.poke") == 0 ? 1 : -1;
        if (peek_poke >= 0) {
            c->peek_poke[peek_poke][0] = (uint16_t)s->value;
            c->peek_poke[peek_poke][1] = (uint16_t)end;
            continue;
        }
        memset(c->memory_code + s->value, 1, end - s->value);
        trust_code(c, s->value, end, true);
    }
    for (uint32_t a = 0; a < LOW_WORDS; a++) c->watch[a] = HACK_WATCH_TRUSTED;
    static const struct {
        const char *name;
        hack_hook_fn fn;
    } hooks[] = {{"Memory.init", observe_init},
                 {"Memory.alloc", observe_alloc},
                 {"Memory.deAlloc", observe_free},
                 {"Memory.peek", observe_peek_poke},
                 {"Memory.poke", observe_peek_poke}};
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
        const hack_symbol *s = hack_symtab_find(symbols, hooks[i].name, strlen(hooks[i].name));
        if (s && !hack_machine_bind_hook(c->machine, s->value, HACK_HOOK_OBSERVE, hooks[i].fn, c)) {
            stop_watching(c);
            return HACK_HEAP_OBSERVE_NO_MEMORY;
        }
    }
    return HACK_HEAP_OBSERVING;
}
