/* hackbench: runs Hack programs headless and prints million instructions per second, median of 5 runs.
 * usage: hackbench [--runs N] [--load-dir DIR] [--tier] [--cycles N] PROGRAM.asm|PROGRAM.hack|FOLDER|SCRIPT.tst ...
 * A FOLDER of Jack or VM files is built with the bootstrap and the OS classes it lacks, all in Jack (no native
 * hooks are bound), as any Hack emulator would run it.
 * --tier: each program also in the native tier, in the same run, with the ratio of the medians and a check that
 * both end in the same state. --cycles: the budget of the following programs (else they must halt).
 * A script is timed as a whole (parse, load and run); its figure is its ticktocks per second.
 * --startup HACKEMU PROGRAM: also the wall time of `HACKEMU --headless -q PROGRAM` from spawn to exit, median
 * of 51 runs (start-up: the dynamic loader, parsing, a few instructions).
 * (The native tier in whole processes, cold and warm: tierbench.) */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/build.h"
#include "hack/machine.h"
#include "hack/path.h"
#include "hack/script.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_time.h"

extern char **environ;

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

/* FNV-1a over RAM, A, D, PC and the cycle count */
static uint64_t state_hash(const hack_machine *m)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < HACK_RAM_SIZE; i++) h = (h ^ m->ram[i]) * 1099511628211ull;
    h = (h ^ m->a) * 1099511628211ull;
    h = (h ^ m->d) * 1099511628211ull;
    h = (h ^ m->pc) * 1099511628211ull;
    return (h ^ m->cycles) * 1099511628211ull;
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

/* Median wall time of spawning hackemu on a tiny program headless, in milliseconds; negative on failure. */
static double time_startup(const char *hackemu, const char *program, int runs, double *low, double *high)
{
    double times[101];
    for (int r = 0; r < runs; r++) {
        char *args[] = {(char *)hackemu, "--headless", "-q", (char *)program, NULL};
        double start = now_seconds();
        pid_t pid;
        if (posix_spawn(&pid, hackemu, NULL, NULL, args, environ) != 0) return -1;
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
        times[r] = (now_seconds() - start) * 1e3;
    }
    qsort(times, (size_t)runs, sizeof times[0], compare_doubles);
    *low = times[0];
    *high = times[runs - 1];
    return times[runs / 2];
}

int main(int argc, char **argv)
{
    const char *startup_hackemu = NULL, *startup_program = NULL;
    int runs = 5, first = 1;
    bool tier = false;
    uint64_t budget = UINT64_MAX;
    const char *load_dir = NULL;
    while (first + 1 < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--runs") == 0)
            runs = atoi(argv[first + 1]);
        else if (strcmp(argv[first], "--load-dir") == 0)
            load_dir = argv[first + 1];
        else if (strcmp(argv[first], "--cycles") == 0)
            budget = strtoull(argv[first + 1], NULL, 10);
        else if (strcmp(argv[first], "--tier") == 0) {
            tier = true;
            first--;
        } else if (strcmp(argv[first], "--startup") == 0 && first + 2 < argc) {
            startup_hackemu = argv[first + 1];
            startup_program = argv[first + 2];
            first++;
        } else
            break;
        first += 2;
    }
    if (first >= argc || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: hackbench [--runs N] PROGRAM.asm|PROGRAM.hack ...\n");
        return 2;
    }
    hack_machine *machine = hack_machine_create();
    hack_machine *tier_machine = hack_machine_create();
    if (tier) hack_machine_enable_tier(tier_machine, &(hack_tier_options){.wait = true});
    double interpreted[100];
    int status = 0;
    printf("%-14s %12s %8s  %s\n", "program", "instructions", "median", "MIPS of each run");
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc) { /* the budget of the programs that follow */
            budget = strtoull(argv[++i], NULL, 10);
            continue;
        }
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
        bool ok;
        if (hack_build_is_program_folder(argv[i])) {
            hack_build_options options = {.bootstrap = true, .require_functions = true, .add_os = true};
            ok = hack_build_program(argv[i], &options, &program, &diags);
            if (ok) { /* only the notes on the OS classes added: not shown */
                hack_diag_list_free(&diags);
                hack_diag_list_init(&diags);
            }
        } else if (hack_path_has_extension(argv[i], ".asm"))
            ok = hack_asm_assemble_file(argv[i], &program, &diags);
        else
            ok = hack_program_load_hack_file(&program, argv[i], &diags);
        hack_diag_list_print(stderr, &diags);
        if (!ok) {
            status = 1;
            continue;
        }
        /* the interpreter, then the native tier (compiled before the timed runs: its compile time is shown
         * apart), on the same program with the same budget; their final states must agree */
        uint64_t hash[2] = {0, 0};
        for (int tiered = 0; tiered <= (tier ? 1 : 0); tiered++) {
            hack_machine *m = tiered ? tier_machine : machine;
            double compile_ms = 0;
            for (int r = 0; r < runs; r++) {
                memset(m->ram, 0, sizeof m->ram);
                hack_machine_load(m, program.words, program.count);
                if (tiered) {
                    double start = now_seconds();
                    hack_run_result warm = hack_machine_run(m, 1); /* starts (and waits for) the compiler */
                    (void)warm;
                    compile_ms = (now_seconds() - start) * 1e3;
                    memset(m->ram, 0, sizeof m->ram);
                    hack_machine_reset(m);
                }
                double start = now_seconds();
                hack_run_result result = hack_machine_run(m, budget);
                double elapsed = now_seconds() - start;
                if (result.reason != HACK_STOP_HALT && !(budget != UINT64_MAX && result.reason == HACK_STOP_BUDGET)) {
                    fprintf(stderr, "%s: did not halt\n", argv[i]);
                    status = 1;
                }
                cycles = result.cycles;
                mips[r] = (double)result.cycles / elapsed / 1e6;
            }
            hash[tiered] = state_hash(m);
            if (!tiered) {
                report(argv[i], cycles, mips, runs);
                memcpy(interpreted, mips, sizeof interpreted);
                continue;
            }
            char why[256] = "";
            if (hack_machine_tier_status(m, why, sizeof why) != HACK_TIER_READY) {
                fprintf(stderr, "%s: the native tier is not running (%s)\n", argv[i], why);
                status = 1;
            }
            char label[300];
            snprintf(label, sizeof label, "  native tier");
            report(label, cycles, mips, runs);
            printf("  tier/interpreter %.2fx (medians; compile or cache load %.0f ms)%s\n",
                   median(mips, runs) / median(interpreted, runs), compile_ms,
                   hash[0] == hash[1] ? "" : "  STATES DIFFER");
            if (hash[0] != hash[1]) status = 1;
        }
        hack_diag_list_free(&diags);
        hack_program_free(&program);
    }
    hack_machine_destroy(machine);
    hack_machine_destroy(tier_machine);
    if (startup_hackemu) {
        double low = 0, high = 0;
        double median = time_startup(startup_hackemu, startup_program, 51, &low, &high);
        if (median < 0) {
            fprintf(stderr, "hackbench: %s --headless %s failed\n", startup_hackemu, startup_program);
            return 1;
        }
        printf("start-up: hackemu --headless on a 6-instruction program: %.2f ms median of 51 runs [%.2f..%.2f]\n",
               median, low, high);
    }
    return status;
}
