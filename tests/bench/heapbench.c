/* heapbench: the heap's figures.
 *  1. host time per alloc+free pair with 10, 1,000 and 3,000 live blocks, per policy (median of 5)
 *  2. Hack cycles per alloc+free as native hooks versus os/jack/Memory.jack (tests/bench/HeapCycles)
 *  3. fragmentation of each policy on one fixed trace: requests that failed, largest free block at the end
 * usage: heapbench HEAPCYCLES_FOLDER */
#define _POSIX_C_SOURCE 200809L
#include "hack/build.h"
#include "hack/heap.h"
#include "hack/machine.h"
#include "hack/native_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint16_t ram[32768];
static const char *const policy_names[] = {"first-fit", "best-fit", "seed"};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint32_t next_random(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ns per (free a random live block, alloc a new one) with `live` blocks of 1..2 words kept live */
static double pair_time(hack_heap_policy policy, int live)
{
    static uint16_t blocks[4000];
    double runs[5];
    for (int r = 0; r < 5; r++) {
        hack_heap *heap = hack_heap_create(ram, 2048, 16384, 2047, policy);
        hack_heap_init(heap);
        uint32_t seed = 12345;
        for (int i = 0; i < live; i++)
            if (hack_heap_alloc(heap, 1 + (int)(next_random(&seed) % 2), &blocks[i]) != HACK_HEAP_OK) abort();
        const int pairs = 200000;
        double start = now();
        for (int i = 0; i < pairs; i++) {
            uint32_t slot = next_random(&seed) % (uint32_t)live;
            hack_heap_free(heap, blocks[slot]);
            if (hack_heap_alloc(heap, 1 + (int)(next_random(&seed) % 2), &blocks[slot]) != HACK_HEAP_OK) abort();
        }
        runs[r] = (now() - start) / pairs * 1e9;
        hack_heap_destroy(heap);
    }
    qsort(runs, 5, sizeof runs[0], compare);
    return runs[2];
}

/* Cycles spent inside Memory.alloc and Memory.deAlloc (entry to return), counted by observe hooks. */
typedef struct {
    uint64_t entered, inside, calls;
} body_meter;

static hack_hook_action meter(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    (void)value;
    body_meter *m = context;
    if (event->kind == HACK_HOOK_CALL) {
        m->entered = machine->cycles;
        m->calls++;
    } else {
        m->inside += machine->cycles - m->entered;
    }
    return HACK_HOOK_PROCEED;
}

static uint64_t program_cycles(const char *folder, bool native, body_meter *body)
{
    hack_program program;
    hack_program_init(&program);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options options = {.bootstrap = true, .require_functions = true, .add_os = true};
    if (!hack_build_program(folder, &options, &program, &diags)) {
        hack_diag_list_print(stderr, &diags);
        exit(1);
    }
    hack_machine *machine = hack_machine_create();
    hack_machine_load(machine, program.words, program.count);
    hack_native_memory_options memory_options = {.policy = HACK_HEAP_FIRST_FIT};
    hack_native_memory *memory = native ? hack_native_memory_bind(machine, &program, &memory_options) : NULL;
    if (!native) { /* the Jack bodies are not recursive: entry and return pair up */
        const char *names[] = {"Memory.alloc", "Memory.deAlloc"};
        for (int i = 0; i < 2; i++) {
            const hack_symbol *s = hack_symtab_find(&program.symbols, names[i], strlen(names[i]));
            hack_machine_add_hook(machine, s->value, HACK_HOOK_OBSERVE, meter, body);
        }
    }
    hack_run_result result = hack_machine_run(machine, 4000000000u);
    if (result.reason != HACK_STOP_HALT) fprintf(stderr, "the benchmark program did not halt\n");
    hack_native_memory_free(memory);
    hack_machine_destroy(machine);
    hack_program_free(&program);
    hack_diag_list_free(&diags);
    return result.cycles;
}

/* A fixed trace: phases of many small blocks, some large ones, frees in a scattered pattern. */
static void fragmentation(hack_heap_policy policy, int *failed, unsigned *largest, double *fragmentation_figure)
{
    static uint16_t blocks[3000];
    memset(blocks, 0, sizeof blocks);
    hack_heap *heap = hack_heap_create(ram, 2048, 16384, 2047, policy);
    hack_heap_init(heap);
    uint32_t seed = 99;
    *failed = 0;
    for (int step = 0; step < 60000; step++) {
        uint32_t slot = next_random(&seed) % 3000;
        if (blocks[slot]) {
            hack_heap_free(heap, blocks[slot]);
            blocks[slot] = 0;
        } else {
            uint32_t r = next_random(&seed) % 100;
            int size = r < 70 ? 1 + (int)(r % 8) : r < 95 ? 20 + (int)(r % 40) : 200 + (int)(r * 7);
            if (hack_heap_alloc(heap, size, &blocks[slot]) != HACK_HEAP_OK) {
                blocks[slot] = 0;
                (*failed)++;
            }
        }
    }
    hack_heap_stats stats;
    hack_heap_get_stats(heap, &stats);
    *largest = stats.largest_free_segment >= 2 ? stats.largest_free_segment - 2 : 0;
    *fragmentation_figure = stats.fragmentation;
    hack_heap_destroy(heap);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: heapbench HEAPCYCLES_FOLDER\n");
        return 2;
    }
    printf("host time per alloc+free pair (ns, median of 5; blocks of 1-2 words)\n");
    printf("%-10s %10s %10s %10s\n", "policy", "10 live", "1000 live", "3000 live");
    for (int p = 0; p < 3; p++)
        printf("%-10s %10.1f %10.1f %10.1f\n", policy_names[p], pair_time((hack_heap_policy)p, 10),
               pair_time((hack_heap_policy)p, 1000), pair_time((hack_heap_policy)p, 3000));

    body_meter body = {0};
    uint64_t native = program_cycles(argv[1], true, &body), jack = program_cycles(argv[1], false, &body);
    double pairs = 3000 + 64; /* the loop's pairs, and the 128 first allocs counted as half pairs */
    printf("\nHack cycles for HeapCycles (3,000 deAlloc+alloc pairs, 128 blocks live)\n");
    printf("  whole program, native hooks:         %10llu  (%.0f a pair, with the loop and the calls)\n",
           (unsigned long long)native, (double)native / pairs);
    printf("  whole program, os/jack/Memory.jack:  %10llu  (%.0f a pair)\n", (unsigned long long)jack,
           (double)jack / pairs);
    printf("  inside Memory.alloc + deAlloc, Jack: %10llu  (%.0f a pair; native: 0, the hook returns at once)\n",
           (unsigned long long)body.inside, (double)body.inside / pairs);
    printf("  ratio, whole program: %.1fx fewer cycles with the native heap\n", (double)jack / (double)native);

    printf("\nfragmentation on one fixed trace (60,000 steps, sizes 1-8, 20-59 and 200-900 words)\n");
    printf("%-10s %8s %14s %14s\n", "policy", "failed", "largest free", "fragmentation");
    for (int p = 0; p < 3; p++) {
        int failed;
        unsigned largest;
        double figure;
        fragmentation((hack_heap_policy)p, &failed, &largest, &figure);
        printf("%-10s %8d %14u %14.2f\n", policy_names[p], failed, largest, figure);
    }
    return 0;
}
