/* hackemu --test-memory FOLDER...: every student's Memory against every test program, in parallel, as a
 * table (or CSV, or JSON). Exit status 0 when everyone passes every program (optional ones aside), 7 else. */
#define _POSIX_C_SOURCE 200809L
#include "test_memory.h"

#include "hack/memory_bench.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HACK_MEMORY_TESTS_DIR
#define HACK_MEMORY_TESTS_DIR "os/tests"
#endif

enum { EXIT_ALL_PASS = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 64, EXIT_FAILURES = 7 };

typedef enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON } format;

typedef struct {
    char **students;
    size_t student_count;
    char **programs; /* folders */
    char **program_names;
    size_t program_count;
    hack_bench_options bench;
    hack_bench_result *results; /* student * program_count + program */
    atomic_size_t next;
} job_list;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* The test programs: the folders of dir that hold a Main.jack, in name order (only those named in only). */
static bool find_programs(const char *dir, char **only, size_t only_count, job_list *jobs)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hackemu: --test-memory: cannot read the test programs in %s: %s\n", dir, strerror(errno));
        return false;
    }
    size_t capacity = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        bool wanted = only_count == 0;
        for (size_t i = 0; i < only_count; i++) wanted |= strcmp(only[i], e->d_name) == 0;
        if (!wanted) continue;
        char main_path[4096];
        snprintf(main_path, sizeof main_path, "%s/%s/Main.jack", dir, e->d_name);
        if (access(main_path, R_OK) != 0) continue;
        if (jobs->program_count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            char **grown = realloc(jobs->program_names, capacity * sizeof *grown);
            if (!grown) break;
            jobs->program_names = grown;
        }
        char *name = malloc(strlen(e->d_name) + 1);
        if (!name) break;
        strcpy(name, e->d_name);
        jobs->program_names[jobs->program_count++] = name;
    }
    closedir(d);
    qsort(jobs->program_names, jobs->program_count, sizeof *jobs->program_names, compare_names);
    jobs->programs = calloc(jobs->program_count ? jobs->program_count : 1, sizeof *jobs->programs);
    for (size_t i = 0; jobs->programs && i < jobs->program_count; i++) {
        size_t n = strlen(dir) + strlen(jobs->program_names[i]) + 2;
        jobs->programs[i] = malloc(n);
        if (jobs->programs[i]) snprintf(jobs->programs[i], n, "%s/%s", dir, jobs->program_names[i]);
    }
    if (jobs->program_count == 0) fprintf(stderr, "hackemu: --test-memory: no test programs in %s\n", dir);
    return jobs->program_count > 0 && jobs->programs;
}

static void *worker(void *context)
{
    job_list *jobs = context;
    size_t total = jobs->student_count * jobs->program_count;
    for (;;) {
        size_t i = atomic_fetch_add(&jobs->next, 1);
        if (i >= total) return NULL;
        size_t student = i / jobs->program_count, program = i % jobs->program_count;
        hack_bench_run(jobs->students[student], jobs->programs[program], &jobs->bench, &jobs->results[i]);
    }
}

static void run_all(job_list *jobs, long threads)
{
    size_t total = jobs->student_count * jobs->program_count;
    if (threads < 1) threads = 1;
    if ((size_t)threads > total) threads = (long)total;
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    long started = 0;
    for (long t = 1; ids && t < threads; t++) {
        if (pthread_create(&ids[t], NULL, worker, jobs) != 0) break;
        started = t;
    }
    worker(jobs); /* this thread works too */
    for (long t = 1; t <= started; t++) pthread_join(ids[t], NULL);
    free(ids);
}

static bool counts(const hack_bench_result *r)
{
    return r->verdict != HACK_BENCH_PASS && !r->optional;
}

static void csv_field(FILE *out, const char *text)
{
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"') fputc('"', out);
        fputc(*c == '\n' ? ' ' : *c, out);
    }
    fputc('"', out);
}

static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void print_records(const job_list *jobs, format f)
{
    FILE *out = stdout;
    if (f == FORMAT_CSV) fputs("folder,program,verdict,detail,place,cycles,optional\n", out);
    if (f == FORMAT_JSON) fputs("[\n", out);
    size_t total = jobs->student_count * jobs->program_count;
    for (size_t i = 0; i < total; i++) {
        const hack_bench_result *r = &jobs->results[i];
        const char *folder = jobs->students[i / jobs->program_count];
        const char *program = jobs->program_names[i % jobs->program_count];
        if (f == FORMAT_CSV) {
            csv_field(out, folder);
            fputc(',', out);
            csv_field(out, program);
            fputc(',', out);
            csv_field(out, hack_bench_verdict_name(r->verdict));
            fputc(',', out);
            csv_field(out, r->detail);
            fputc(',', out);
            csv_field(out, r->place);
            fprintf(out, ",%llu,%s\n", (unsigned long long)r->cycles, r->optional ? "yes" : "no");
        } else {
            fputs("  {\"folder\": ", out);
            json_string(out, folder);
            fputs(", \"program\": ", out);
            json_string(out, program);
            fputs(", \"verdict\": ", out);
            json_string(out, hack_bench_verdict_name(r->verdict));
            fputs(", \"detail\": ", out);
            json_string(out, r->detail);
            fputs(", \"place\": ", out);
            json_string(out, r->place);
            fprintf(out, ", \"cycles\": %llu, \"optional\": %s}%s\n", (unsigned long long)r->cycles,
                    r->optional ? "true" : "false", i + 1 < total ? "," : "");
        }
    }
    if (f == FORMAT_JSON) fputs("]\n", out);
}

static const char *short_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    const char *p = path + n;
    while (p > path && p[-1] != '/') p--;
    return p;
}

static void print_table(const job_list *jobs)
{
    FILE *out = stdout;
    int name_width = 7;
    for (size_t s = 0; s < jobs->student_count; s++) {
        int n = (int)strcspn(short_name(jobs->students[s]), "/");
        if (n > name_width) name_width = n;
    }
    fprintf(out, "%-*s", name_width, "student");
    for (size_t p = 0; p < jobs->program_count; p++) {
        int w = (int)strlen(jobs->program_names[p]);
        if (w < 7) w = 7;
        fprintf(out, " %-*s", w, jobs->program_names[p]);
    }
    fputs("  passed  Mcycles\n", out);
    for (size_t s = 0; s < jobs->student_count; s++) {
        const char *name = short_name(jobs->students[s]);
        fprintf(out, "%-*.*s", name_width, (int)strcspn(name, "/"), name);
        size_t passed = 0, counted = 0;
        unsigned long long cycles = 0;
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *r = &jobs->results[s * jobs->program_count + p];
            int w = (int)strlen(jobs->program_names[p]);
            if (w < 7) w = 7;
            char mark[32];
            snprintf(mark, sizeof mark, "%s%s", hack_bench_verdict_mark(r->verdict),
                     r->optional && r->verdict != HACK_BENCH_PASS ? "*" : "");
            fprintf(out, " %-*s", w, mark);
            if (!r->optional) {
                counted++;
                passed += r->verdict == HACK_BENCH_PASS;
            }
            cycles += r->cycles;
        }
        fprintf(out, "  %2zu/%-3zu %8.1f\n", passed, counted, (double)cycles / 1e6);
    }
    /* then each failure, with its detail and place */
    bool any = false;
    for (size_t s = 0; s < jobs->student_count; s++)
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *r = &jobs->results[s * jobs->program_count + p];
            if (r->verdict == HACK_BENCH_PASS) continue;
            if (!any) fputs("\n", out);
            any = true;
            fprintf(out, "%s %s: %s%s: %s%s%s\n", jobs->students[s], jobs->program_names[p],
                    hack_bench_verdict_name(r->verdict), r->optional ? " (optional)" : "", r->detail,
                    r->place[0] ? " at " : "", r->place);
        }
    fputs("\nmarks: ok pass; WRONG wrong result; OUTSIDE block outside the heap; OVERLAP overlapping blocks; ACCESS "
          "memory outside live blocks;\nERRCODE wrong Sys.error; NOERROR missing Sys.error; FULL 0 or garbage on a "
          "full heap; NOMERGE no merging; STACK stack overflow;\nFAULT machine error; LOOP no progress; SLOW too slow; "
          "BUILD does not build; * an optional (policy) check\n",
          out);
}

static void usage(FILE *out)
{
    fputs("usage: hackemu --test-memory FOLDER... [options]\n"
          "Runs each student's Memory (FOLDER/Memory.jack or Memory.vm) against the project's test programs,\n"
          "each under the heap check (leaks not counted), and prints a verdict per student and program.\n"
          "  -j N              run N programs at a time (default: the number of cores)\n"
          "  --format=FORMAT   table (default), csv or json (one record per student and program)\n"
          "  --student-os      the student's other OS classes too (default: only their Memory; the rest native)\n"
          "  --cycles N        the budget of one program (default 200 million)\n"
          "  --programs DIR    the test programs (default: the project's os/tests)\n"
          "  --program NAME    only this program (repeatable)\n"
          "Exit status: 0 every student passes every program, 7 some failed, 1 bad input, 64 bad command line.\n",
          out);
}

int hack_cli_test_memory(int argc, char **argv)
{
    job_list jobs = {0};
    format f = FORMAT_TABLE;
    const char *programs_dir = HACK_MEMORY_TESTS_DIR;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    char **only = calloc((size_t)argc, sizeof *only);
    size_t only_count = 0;
    jobs.students = calloc((size_t)argc, sizeof *jobs.students);
    if (!only || !jobs.students) return EXIT_BAD_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--test-memory") == 0) continue;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            free(only);
            free(jobs.students);
            return 0;
        } else if (strcmp(arg, "-j") == 0 && next) {
            threads = strtol(next, NULL, 10);
            i++;
        } else if (strncmp(arg, "-j", 2) == 0 && arg[2]) {
            threads = strtol(arg + 2, NULL, 10);
        } else if (strcmp(arg, "--format=table") == 0) {
            f = FORMAT_TABLE;
        } else if (strcmp(arg, "--format=csv") == 0) {
            f = FORMAT_CSV;
        } else if (strcmp(arg, "--format=json") == 0) {
            f = FORMAT_JSON;
        } else if (strcmp(arg, "--student-os") == 0) {
            jobs.bench.student_os = true;
        } else if (strcmp(arg, "--cycles") == 0 && next) {
            jobs.bench.budget = strtoull(next, NULL, 10);
            i++;
        } else if (strcmp(arg, "--programs") == 0 && next) {
            programs_dir = next;
            i++;
        } else if (strcmp(arg, "--program") == 0 && next) {
            only[only_count++] = argv[++i];
        } else if (arg[0] == '-') {
            fprintf(stderr, "hackemu: --test-memory: unknown option %s\n", arg);
            usage(stderr);
            free(only);
            free(jobs.students);
            return EXIT_USAGE;
        } else if (!is_dir(arg)) {
            fprintf(stderr, "hackemu: --test-memory: %s is not a folder\n", arg);
            free(only);
            free(jobs.students);
            return EXIT_BAD_INPUT;
        } else {
            jobs.students[jobs.student_count++] = argv[i];
        }
    }
    int status = EXIT_BAD_INPUT;
    if (jobs.student_count == 0) {
        fputs("hackemu: --test-memory: no student folders given\n", stderr);
        usage(stderr);
        status = EXIT_USAGE;
    } else if (find_programs(programs_dir, only, only_count, &jobs)) {
        jobs.results = calloc(jobs.student_count * jobs.program_count, sizeof *jobs.results);
        if (jobs.results) {
            run_all(&jobs, threads);
            if (f == FORMAT_TABLE)
                print_table(&jobs);
            else
                print_records(&jobs, f);
            status = EXIT_ALL_PASS;
            for (size_t i = 0; i < jobs.student_count * jobs.program_count; i++)
                if (counts(&jobs.results[i])) status = EXIT_FAILURES;
        }
    }
    for (size_t i = 0; i < jobs.program_count; i++) {
        free(jobs.program_names[i]);
        if (jobs.programs) free(jobs.programs[i]);
    }
    free(jobs.program_names);
    free(jobs.programs);
    free(jobs.results);
    free(jobs.students);
    free(only);
    return status;
}
