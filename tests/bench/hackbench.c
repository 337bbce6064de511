/* hackbench: runs Hack programs headless and prints million instructions per second, median of 5 runs.
 * usage: hackbench [--runs N] [--load-dir DIR] PROGRAM.asm|PROGRAM.hack|SCRIPT.tst ...
 * A script is timed as a whole (parse, load and run); its figure is its ticktocks per second. */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/machine.h"
#include "hack/path.h"
#include "hack/script.h"

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

static void report(const char *path, uint64_t cycles, const double *mips, int runs)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    double sorted[100];
    memcpy(sorted, mips, sizeof mips[0] * (size_t)runs);
    qsort(sorted, (size_t)runs, sizeof sorted[0], compare_doubles);
    printf("%-14s %12llu %8.0f  [", name, (unsigned long long)cycles, sorted[runs / 2]);
    for (int r = 0; r < runs; r++) printf("%s%.0f", r ? " " : "", mips[r]);
    printf("]\n");
}

static bool time_script(const char *path, const char *load_dir, int runs, double *mips, uint64_t *cycles)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    hack_machine *machine = hack_machine_create();
    bool ok = true;
    for (int r = 0; r < runs && ok; r++) {
        hack_diag_list diags;
        hack_diag_list_init(&diags);
        double start = now_seconds();
        hack_script *script = hack_script_parse_file(path, &diags);
        hack_script_options options = {.script_dir = dir, .load_dir = load_dir};
        hack_script_result result;
        ok = script && hack_script_run(script, machine, &options, &result, &diags) == HACK_SCRIPT_PASSED;
        double elapsed = now_seconds() - start;
        hack_diag_list_print(stderr, &diags);
        if (ok) {
            *cycles = result.cycles;
            mips[r] = (double)result.cycles / elapsed / 1e6;
        }
        hack_script_free(script);
        hack_diag_list_free(&diags);
    }
    hack_machine_destroy(machine);
    return ok;
}

int main(int argc, char **argv)
{
    int runs = 5, first = 1;
    const char *load_dir = NULL;
    while (first + 1 < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--runs") == 0)
            runs = atoi(argv[first + 1]);
        else if (strcmp(argv[first], "--load-dir") == 0)
            load_dir = argv[first + 1];
        else
            break;
        first += 2;
    }
    if (first >= argc || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: hackbench [--runs N] PROGRAM.asm|PROGRAM.hack ...\n");
        return 2;
    }
    hack_machine *machine = hack_machine_create();
    int status = 0;
    printf("%-14s %12s %8s  %s\n", "program", "instructions", "median", "MIPS of each run");
    for (int i = first; i < argc; i++) {
        double mips[100];
        uint64_t cycles = 0;
        if (hack_path_has_extension(argv[i], ".tst")) {
            if (!time_script(argv[i], load_dir, runs, mips, &cycles)) {
                status = 1;
                continue;
            }
            report(argv[i], cycles, mips, runs);
            continue;
        }
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
        report(argv[i], cycles, mips, runs);
        hack_diag_list_free(&diags);
        hack_program_free(&program);
    }
    hack_machine_destroy(machine);
    return status;
}
