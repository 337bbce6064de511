/* tierbench: the native tier as a user meets it, whole hackemu processes, paired: for each workload and each round,
 * the interpreter alone (HACK_TIER=off), the tier from an empty cache (cold: what a first run costs), and the tier
 * from a cache a previous run filled (warm). Prints the medians, the cold/interpreter ratio (issue 21: at most
 * 1.05) and the warm speed in million instructions a second (the workload's --count).
 * usage: tierbench [--runs N] WORK_DIR HACKEMU -- LABEL ARG... [-- LABEL ARG...]...
 * WORK_DIR holds the caches (made 0700, removed after). Each workload's ARGs follow `hackemu --headless -q --count`. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_time.h"

extern char **environ;

/* Removes a cache folder made by remove_tree's caller (files and one level of folders). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                char sub[2048];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                struct stat st;
                if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                    remove_tree(sub);
                else
                    unlink(sub);
            }
        closedir(d);
    }
    rmdir(path);
}

/* One run: wall seconds (negative on failure); *cycles from its --count line. */
static double run(const char *hackemu, char **args, int count, const char *tier, const char *cache,
                  const char *work, unsigned long long *cycles)
{
    char **argv = calloc((size_t)count + 5, sizeof *argv);
    size_t n = 0;
    while (environ[n]) n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!argv || !env) return -1;
    int k = 0;
    argv[k++] = (char *)hackemu;
    argv[k++] = "--headless";
    argv[k++] = "-q";
    argv[k++] = "--count";
    for (int i = 0; i < count; i++) argv[k++] = args[i];
    size_t e = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "HACK_TIER=", 10) != 0 && strncmp(environ[i], "XDG_CACHE_HOME=", 15) != 0)
            env[e++] = environ[i];
    char tier_variable[64], cache_variable[2100];
    snprintf(tier_variable, sizeof tier_variable, "HACK_TIER=%s", tier);
    snprintf(cache_variable, sizeof cache_variable, "XDG_CACHE_HOME=%s", cache);
    env[e++] = tier_variable;
    env[e++] = cache_variable;
    char output[2100];
    snprintf(output, sizeof output, "%s/output", work);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
    const double start = now_seconds();
    pid_t pid;
    int status = 0;
    bool ok = posix_spawn(&pid, hackemu, &files, NULL, argv, env) == 0 && waitpid(pid, &status, 0) == pid &&
              WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2);
    const double elapsed = now_seconds() - start;
    posix_spawn_file_actions_destroy(&files);
    free(argv);
    free(env);
    FILE *f = fopen(output, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "cycles=%llu", cycles) == 1) break;
    if (f) fclose(f);
    return ok ? elapsed : -1;
}

int main(int argc, char **argv)
{
    int runs = 5, first = 1;
    if (argc > 3 && strcmp(argv[1], "--runs") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (argc - first < 4 || runs < 1 || runs > 99 || strcmp(argv[first + 2], "--") != 0) {
        fputs("usage: tierbench [--runs N] WORK_DIR HACKEMU -- LABEL ARG... [-- LABEL ARG...]...\n", stderr);
        return 64;
    }
    const char *work = argv[first], *hackemu = argv[first + 1];
    mkdir(work, 0700);
    printf("%-12s %14s  %9s %9s %9s  %10s  %s\n", "workload", "instructions", "interp s", "cold s", "warm s",
           "cold/interp", "warm M instr/s");
    int status = 0;
    for (int i = first + 3; i < argc;) {
        const char *label = argv[i++];
        int count = 0;
        while (i + count < argc && strcmp(argv[i + count], "--") != 0) count++;
        char **args = argv + i;
        i += count + 1;
        double interpreter[100], cold[100], warm[100];
        unsigned long long cycles = 0;
        char warm_cache[2048], cold_cache[2048];
        snprintf(warm_cache, sizeof warm_cache, "%s/warm", work);
        remove_tree(warm_cache);
        mkdir(warm_cache, 0700);
        /* the warm cache: a run that waits for its compile (not timed) */
        bool ok = run(hackemu, args, count, "wait", warm_cache, work, &cycles) >= 0;
        for (int r = 0; ok && r < runs; r++) {
            snprintf(cold_cache, sizeof cold_cache, "%s/cold", work);
            remove_tree(cold_cache);
            mkdir(cold_cache, 0700);
            interpreter[r] = run(hackemu, args, count, "off", cold_cache, work, &cycles);
            cold[r] = run(hackemu, args, count, "", cold_cache, work, &cycles);
            warm[r] = run(hackemu, args, count, "", warm_cache, work, &cycles);
            ok = interpreter[r] >= 0 && cold[r] >= 0 && warm[r] >= 0;
            remove_tree(cold_cache);
        }
        remove_tree(warm_cache);
        if (!ok) {
            fprintf(stderr, "tierbench: %s failed\n", label);
            status = 1;
            continue;
        }
        double ratios[100];
        for (int r = 0; r < runs; r++) ratios[r] = cold[r] / interpreter[r];
        const double ratio = median(ratios, runs), w = median(warm, runs);
        printf("%-12s %14llu  %9.3f %9.3f %9.3f  %10.2f  %.0f\n", label, cycles, median(interpreter, runs),
               median(cold, runs), w, ratio, (double)cycles / w / 1e6);
        fflush(stdout);
    }
    rmdir(work);
    return status;
}
