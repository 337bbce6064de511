/* hackbench: runs Hack programs headless and prints million instructions per second, median of 5 runs.
 * usage: hackbench [--runs N] PROGRAM.asm|PROGRAM.hack ... */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/machine.h"
#include "hack/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = 5, first = 1;
    if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: hackbench [--runs N] PROGRAM.asm|PROGRAM.hack ...\n");
        return 2;
    }
    hack_machine *machine = hack_machine_create();
    int status = 0;
    printf("%-14s %12s %8s  %s\n", "program", "instructions", "median", "MIPS of each run");
    for (int i = first; i < argc; i++) {
        hack_program program;
        hack_diag_list diags;
        hack_program_init(&program);
        hack_diag_list_init(&diags);
        bool ok = hack_path_has_extension(argv[i], ".asm") ? hack_asm_assemble_file(argv[i], &program, &diags)
                                                            : hack_program_load_hack_file(&program, argv[i], &diags);
        hack_diag_list_print(stderr, &diags);
        if (!ok) {
            status = 1;
            continue;
        }
        double mips[100];
        uint64_t cycles = 0;
        for (int r = 0; r < runs; r++) {
            memset(machine->ram, 0, sizeof machine->ram);
            hack_machine_load(machine, program.words, program.count);
            double start = now_seconds();
            hack_run_result result = hack_machine_run(machine, UINT64_MAX);
            double elapsed = now_seconds() - start;
            if (result.reason != HACK_STOP_HALT) {
                fprintf(stderr, "%s: did not halt\n", argv[i]);
                status = 1;
            }
            cycles = result.cycles;
            mips[r] = (double)result.cycles / elapsed / 1e6;
        }
        const char *name = strrchr(argv[i], '/');
        name = name ? name + 1 : argv[i];
        double sorted[100];
        memcpy(sorted, mips, sizeof mips[0] * (size_t)runs);
        qsort(sorted, (size_t)runs, sizeof sorted[0], compare_doubles);
        printf("%-14s %12llu %8.0f  [", name, (unsigned long long)cycles, sorted[runs / 2]);
        for (int r = 0; r < runs; r++) printf("%s%.0f", r ? " " : "", mips[r]);
        printf("]\n");
        hack_diag_list_free(&diags);
        hack_program_free(&program);
    }
    hack_machine_destroy(machine);
    return status;
}
