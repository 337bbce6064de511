/* hackemu --test-memory FOLDER...: every student's Memory against every test program, in parallel, as a
 * table (or CSV, or JSON), with figures of each allocator beside reference rows (hackemu's Memory in Jack
 * and native, and any --reference folder such as the course's compiled OS), and an HTML report on request;
 * a score per student (a rubric's points), a class summary, root-cause hints beside failures, and the graders'
 * formats (Gradescope's results.json, JUnit XML) through hack/grade_report.h.
 * Exit status 0 when everyone passes every counted program (optional and skipped ones aside), 7 else. */
#define _POSIX_C_SOURCE 200809L
#include "hack/cli_options.h"
#include "test_memory.h"

#include "hack/textfile.h"
#include "hack/outfile.h"
#include "hack/grade_report.h"
#include "hack/heap_check.h"
#include "hack/memory_bench.h"
#include "hack/screenshot.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef HACK_MEMORY_TESTS_DIR
#define HACK_MEMORY_TESTS_DIR "os/tests/Memory"
#endif
#ifndef HACK_OS_TESTS_DIR
#define HACK_OS_TESTS_DIR "os/tests"
#endif

/* --test-os: the OS classes in the course's order, each a folder of programs in the tests folder */
static const char *const os_classes[] = {"Math", "String", "Array", "Output", "Screen", "Keyboard", "Memory", "Sys"};
enum { OS_CLASS_COUNT = sizeof os_classes / sizeof os_classes[0] };
#define WHOLE_OS "OS" /* the group of programs run with the student's whole OS (--add-program under --test-os) */

static const char *mode = "--test-memory"; /* or --test-os: for messages */

enum { EXIT_ALL_PASS = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 64, EXIT_FAILURES = 7 };

typedef enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON, FORMAT_GRADESCOPE, FORMAT_JUNIT } format;

/* The group of every program --test-memory runs: the OS class they test. */
static const char memory_group[] = "Memory";

/* A row of the table: a student, or a reference Memory (not graded). */
typedef struct {
    const char *folder; /* NULL for hackemu's own Memories */
    char name[160];
    hack_bench_memory memory;
    bool reference;
} row;

typedef struct {
    row *rows;
    size_t row_count;
    char **programs; /* folders */
    char **program_names;
    const char **program_groups; /* --test-os: the class each program tests (WHOLE_OS: all of them) */
    hack_bench_expected *expected; /* each program's reference run, made once */
    bool whole_os;                 /* --test-os */
    hack_bench_program *program_info;
    size_t program_count;
    size_t figures_program; /* the program whose figures the table shows (program_count: none) */
    size_t merge_program;   /* the program named Merge (program_count: none) */
    hack_bench_options bench;
    bool timeline; /* for the report: the figures program's heap over time */
    hack_bench_result *results; /* row * program_count + program */
    atomic_size_t next;
    atomic_size_t done;     /* runs finished (the progress line) */
    char **known;           /* every program of the folder, those --program left out included (the rubric) */
    size_t known_count;
    /* the teacher's view (hack/grade_report.h): the same rows and programs */
    hack_grade_student *students;
    hack_grade_program *graded;
    char **hints;
    hack_grade grade;
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

static const char *short_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    const char *p = path + n;
    while (p > path && p[-1] != '/') p--;
    return p;
}

static bool add_program(job_list *jobs, size_t *capacity, const char *folder, const char *name, const char *group)
{
    if (jobs->program_count == *capacity) {
        *capacity = *capacity ? 2 * *capacity : 16;
        char **names = realloc(jobs->program_names, *capacity * sizeof *names);
        if (names) jobs->program_names = names;
        char **folders = realloc(jobs->programs, *capacity * sizeof *folders);
        if (folders) jobs->programs = folders;
        const char **groups = realloc(jobs->program_groups, *capacity * sizeof *groups);
        if (groups) jobs->program_groups = groups;
        if (!names || !folders || !groups) return false;
    }
    jobs->program_groups[jobs->program_count] = group;
    /* under --test-os a program is named with its class, "Math/Divide" (names repeat across classes) */
    const bool qualified = jobs->whole_os && strcmp(group, WHOLE_OS) != 0;
    size_t n = strcspn(name, "/"), g = qualified ? strlen(group) + 1 : 0;
    char *copy = malloc(g + n + 1), *path = malloc(strlen(folder) + 1);
    if (!copy || !path) {
        free(copy);
        free(path);
        return false;
    }
    if (qualified) snprintf(copy, g + 1, "%s/", group);
    memcpy(copy + g, name, n);
    copy[g + n] = '\0';
    strcpy(path, folder);
    jobs->program_names[jobs->program_count] = copy;
    jobs->programs[jobs->program_count++] = path;
    return true;
}

/* The test programs of one folder: its folders that hold a Main.jack, in name order (only those named in only:
 * "Blocks", or "Math/Divide" and "Math" under --test-os). */
static bool find_programs_in(const char *dir, const char *group, const char *const *only, size_t only_count,
                             job_list *jobs, size_t *capacity)
{
    char **names = NULL;
    size_t name_count = 0, name_capacity = 0;
    DIR *d = dir ? opendir(dir) : NULL;
    if (dir && !d) {
        fprintf(stderr, "hackemu: %s: cannot read the test programs in %s: %s\n", mode, dir, strerror(errno));
        return false;
    }
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        bool wanted = only_count == 0;
        for (size_t i = 0; i < only_count; i++) {
            size_t n = group ? strlen(group) : 0;
            wanted |= strcmp(only[i], e->d_name) == 0 || (group && strcmp(only[i], group) == 0) ||
                      (group && strncmp(only[i], group, n) == 0 && only[i][n] == '/' &&
                       strcmp(only[i] + n + 1, e->d_name) == 0);
        }
        char main_path[4096];
        snprintf(main_path, sizeof main_path, "%s/%s/Main.jack", dir, e->d_name);
        if (access(main_path, R_OK) != 0) continue;
        if (!wanted) {
            char **grown = realloc(jobs->known, (jobs->known_count + 1) * sizeof *grown);
            if (grown) {
                jobs->known = grown;
                jobs->known[jobs->known_count] = malloc(strlen(e->d_name) + 1);
                if (jobs->known[jobs->known_count]) strcpy(jobs->known[jobs->known_count++], e->d_name);
            }
            continue;
        }
        if (name_count == name_capacity) {
            name_capacity = name_capacity ? 2 * name_capacity : 16;
            char **grown = realloc(names, name_capacity * sizeof *grown);
            if (!grown) break;
            names = grown;
        }
        names[name_count] = malloc(strlen(e->d_name) + 1);
        if (names[name_count]) strcpy(names[name_count++], e->d_name);
    }
    if (d) closedir(d);
    if (name_count) qsort(names, name_count, sizeof *names, compare_names); /* (names is NULL when none) */
    bool ok = true;
    for (size_t i = 0; i < name_count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ok = ok && add_program(jobs, capacity, path, names[i], group);
        free(names[i]);
    }
    free(names);
    return ok;
}

/* The test programs: those of dir (under --test-os, of each class's folder in dir), then the extra folders. */
static bool find_programs(const char *dir, const char *const *only, size_t only_count, const char *const *extra,
                          size_t extra_count, job_list *jobs)
{
    size_t capacity = 0;
    bool ok = true;
    for (size_t c = 0; ok && jobs->whole_os && c < OS_CLASS_COUNT; c++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, os_classes[c]);
        if (is_dir(path)) ok = find_programs_in(path, os_classes[c], only, only_count, jobs, &capacity);
    }
    if (!jobs->whole_os) ok = find_programs_in(dir, NULL, only, only_count, jobs, &capacity);
    for (size_t i = 0; ok && i < extra_count; i++) {
        char main_path[4096];
        snprintf(main_path, sizeof main_path, "%s/Main.jack", extra[i]);
        if (access(main_path, R_OK) != 0) {
            fprintf(stderr, "hackemu: %s: %s has no Main.jack\n", mode, extra[i]);
            return false;
        }
        ok = add_program(jobs, &capacity, extra[i], short_name(extra[i]), jobs->whole_os ? WHOLE_OS : NULL);
    }
    if (jobs->program_count == 0) fprintf(stderr, "hackemu: %s: no test programs in %s\n", mode, dir);
    jobs->program_info = calloc(jobs->program_count ? jobs->program_count : 1, sizeof *jobs->program_info);
    if (!jobs->program_info) return false;
    jobs->figures_program = jobs->merge_program = jobs->program_count;
    for (size_t i = 0; i < jobs->program_count; i++) {
        hack_bench_read_program(jobs->programs[i], &jobs->program_info[i]);
        if (jobs->program_info[i].figures && jobs->figures_program == jobs->program_count) jobs->figures_program = i;
        if (strcmp(jobs->program_names[i], "Merge") == 0) jobs->merge_program = i;
    }
    return ok && jobs->program_count > 0;
}

static void *worker(void *context)
{
    job_list *jobs = context;
    size_t total = jobs->row_count * jobs->program_count;
    for (;;) {
        size_t i = atomic_fetch_add(&jobs->next, 1);
        if (i >= total) return NULL;
        size_t r = i / jobs->program_count, program = i % jobs->program_count;
        hack_bench_options options = jobs->bench;
        options.memory = jobs->rows[r].memory;
        options.timeline = jobs->timeline && program == jobs->figures_program;
        if (jobs->whole_os) {
            const char *group = jobs->program_groups[program];
            options.student_os = strcmp(group, WHOLE_OS) == 0;
            options.class_under_test = options.student_os ? "" : group;
            /* the course's programs (ScreenTest) print no PASS: their screen is judged when they halt */
            options.judge_screen_at_halt = options.student_os;
        }
        if (jobs->expected) options.expected = &jobs->expected[program];
        hack_bench_run(jobs->rows[r].folder, jobs->programs[program], &options, &jobs->results[i]);
        atomic_fetch_add(&jobs->done, 1);
    }
}

/* The progress line on a terminal: "graded N/M runs", written again as runs finish, until all are done. */
typedef struct {
    job_list *jobs;
    atomic_bool stop;
    int width; /* of the last line written */
} progress;

static void *show_progress(void *context)
{
    progress *shown = context;
    const size_t total = shown->jobs->row_count * shown->jobs->program_count;
    size_t last = SIZE_MAX;
    while (!atomic_load(&shown->stop)) {
        const size_t done = atomic_load(&shown->jobs->done);
        if (done != last) {
            int n = fprintf(stderr, "\rgraded %zu/%zu runs", done, total);
            if (n > shown->width) shown->width = n;
            fflush(stderr);
            last = done;
        }
        const struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void run_all(job_list *jobs, long threads)
{
    size_t total = jobs->row_count * jobs->program_count;
    if (threads < 1) threads = 1;
    if ((size_t)threads > total) threads = (long)total;
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    long started = 0;
    for (long t = 1; ids && t < threads; t++) {
        if (pthread_create(&ids[t], NULL, worker, jobs) != 0) break;
        started = t;
    }
    progress shown = {.jobs = jobs};
    atomic_init(&shown.stop, false);
    pthread_t progress_id;
    const bool showing = isatty(STDERR_FILENO) && pthread_create(&progress_id, NULL, show_progress, &shown) == 0;
    worker(jobs); /* this thread works too */
    for (long t = 1; t <= started; t++) pthread_join(ids[t], NULL);
    free(ids);
    if (showing) {
        atomic_store(&shown.stop, true);
        pthread_join(progress_id, NULL);
        if (shown.width > 0) fprintf(stderr, "\r%*s\r", shown.width, ""); /* cleared */
        fflush(stderr);
    }
}

static const hack_bench_result *result_at(const job_list *jobs, size_t r, size_t program)
{
    return &jobs->results[r * jobs->program_count + program];
}

/* A failure that fails the student: of a student (not a reference row), in a program the rubric counts. */
static bool counts(const job_list *jobs, size_t r, size_t program)
{
    const hack_bench_result *result = result_at(jobs, r, program);
    return !jobs->rows[r].reference && result->verdict != HACK_BENCH_PASS && jobs->graded[program].counted;
}

static const char *hint_at(const job_list *jobs, size_t r, size_t program)
{
    return jobs->hints ? jobs->hints[r * jobs->program_count + program] : NULL;
}

/* Text the library wrote, to out (false when memory ran out on the way). */
static bool put(FILE *out, hack_strbuf *text)
{
    const bool ok = !text->failed;
    if (ok) fwrite(hack_strbuf_text(text), 1, text->length, out);
    hack_strbuf_free(text);
    return ok;
}

/* "7/9" or, with a rubric's points, "37.5/50" */
static void score_text(const job_list *jobs, size_t r, char *buf, size_t size)
{
    const hack_grade_score score = hack_grade_student_score(&jobs->grade, r);
    char a[64], b[64];
    hack_grade_points_text(score.score, a, sizeof a);
    hack_grade_points_text(score.max_score, b, sizeof b);
    snprintf(buf, size, "%s/%s", a, b);
}

/* The figures a row shows: those of its figures program. */
static const hack_bench_figures *row_figures(const job_list *jobs, size_t r)
{
    if (jobs->figures_program == jobs->program_count) return NULL;
    const hack_bench_result *result = result_at(jobs, r, jobs->figures_program);
    return result->figures.measured ? &result->figures : NULL;
}

/* "yes", "no" (a no-merging verdict anywhere), or "-" (not known). */
static const char *merges(const job_list *jobs, size_t r)
{
    for (size_t p = 0; p < jobs->program_count; p++)
        if (result_at(jobs, r, p)->verdict == HACK_BENCH_NO_MERGING) return "no";
    if (jobs->merge_program < jobs->program_count &&
        result_at(jobs, r, jobs->merge_program)->verdict == HACK_BENCH_PASS)
        return "yes";
    return "-";
}

/* A table cell: the verdict's mark ("*" after it for an optional program's), or the policy an optional program
 * found ("first fit"): a policy is not a fault. */
static void cell_mark(const hack_bench_result *result, char *buf, size_t size)
{
    if (result->optional && result->policy[0] &&
        (result->verdict == HACK_BENCH_PASS || result->verdict == HACK_BENCH_OTHER_POLICY))
        snprintf(buf, size, "%s", result->policy);
    else
        snprintf(buf, size, "%s%s", hack_bench_verdict_mark(result->verdict),
                 result->optional && result->verdict != HACK_BENCH_PASS ? "*" : "");
}

/* Whether a result's place needs no saying: there is none, or the detail ends with it ("it spins in X"). */
static bool place_said(const hack_bench_result *result)
{
    const size_t d = strlen(result->detail), n = strlen(result->place);
    return !n || (d >= n && strcmp(result->detail + d - n, result->place) == 0);
}

/* A row's note (what the heap check found that did not count), from its first program that has one, or NULL. */
static const char *row_note(const job_list *jobs, size_t r)
{
    for (size_t p = 0; p < jobs->program_count; p++)
        if (result_at(jobs, r, p)->note[0]) return result_at(jobs, r, p)->note;
    return NULL;
}

/* ---- CSV and JSON ---- */

static const char *row_folder(const row *r)
{
    return r->folder ? r->folder : r->name;
}

static void print_records(const job_list *jobs, format f)
{
    FILE *out = stdout;
    if (f == FORMAT_CSV) fputs(HACK_GRADE_CSV_HEADER "\n", out);
    if (f == FORMAT_JSON) fputs("[\n", out);
    const size_t total = jobs->row_count * jobs->program_count;
    hack_strbuf record = {0};
    for (size_t i = 0; i < total; i++) {
        hack_strbuf_reset(&record);
        hack_grade_record(&jobs->grade, f == FORMAT_CSV ? HACK_GRADE_CSV : HACK_GRADE_JSON, i / jobs->program_count,
                          i % jobs->program_count, &record);
        if (f == FORMAT_CSV)
            fprintf(out, "%s\n", hack_strbuf_text(&record));
        else
            fprintf(out, "  %s%s\n", hack_strbuf_text(&record), i + 1 < total ? "," : "");
    }
    hack_strbuf_free(&record);
    if (f == FORMAT_JSON) fputs("]\n", out);
}

/* The class summary alone (--summary), in the format asked for. */
static bool print_summary(const job_list *jobs, format f)
{
    hack_strbuf text = {0};
    hack_grade_summary(&jobs->grade, f == FORMAT_CSV ? HACK_GRADE_CSV : f == FORMAT_JSON ? HACK_GRADE_JSON : HACK_GRADE_TEXT,
                       &text);
    if (f == FORMAT_JSON) hack_strbuf_append_char(&text, '\n');
    return put(stdout, &text);
}

/* ---- the graders' formats ---- */

static bool print_junit(const job_list *jobs)
{
    hack_strbuf text = {0};
    hack_grade_junit(&jobs->grade, &text);
    return put(stdout, &text);
}

/* One student's results.json on stdout; several in a JSON array; with out_dir, DIR/<student>/results.json each. */
static bool write_gradescope(const job_list *jobs, const char *out_dir)
{
    size_t students = 0;
    for (size_t r = 0; r < jobs->row_count; r++) students += !jobs->rows[r].reference;
    bool ok = true;
    if (!out_dir && students > 1) fputs("[\n", stdout);
    size_t written = 0;
    for (size_t r = 0; r < jobs->row_count && ok; r++) {
        if (jobs->rows[r].reference) continue;
        hack_strbuf text = {0};
        hack_grade_gradescope(&jobs->grade, r, &text);
        hack_strbuf_append_char(&text, '\n');
        if (text.failed) {
            hack_strbuf_free(&text);
            fputs("hackemu: --test-memory: out of memory\n", stderr);
            return false;
        }
        if (!out_dir) {
            if (students > 1 && written) fputs(",\n", stdout);
            fwrite(hack_strbuf_text(&text), 1, text.length - (students > 1), stdout); /* (the array's comma follows) */
            written++;
            hack_strbuf_free(&text);
            continue;
        }
        char dir[4096], path[4200];
        snprintf(dir, sizeof dir, "%s/%s", out_dir, jobs->rows[r].name);
        snprintf(path, sizeof path, "%s/results.json", dir);
        hack_diag_list diags;
        hack_diag_list_init(&diags);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "hackemu: --out-dir: cannot make %s: %s\n", dir, strerror(errno));
            ok = false;
        } else if (!hack_textfile_write(path, hack_strbuf_text(&text), text.length, &diags)) {
            fputs("hackemu: --out-dir: ", stderr);
            hack_diag_list_print(stderr, &diags);
            ok = false;
        }
        hack_diag_list_free(&diags);
        hack_strbuf_free(&text);
    }
    if (!out_dir && students > 1) fputs("\n]\n", stdout);
    return ok;
}

/* ---- the table ---- */

static int column_width(const job_list *jobs, size_t p)
{
    int w = (int)strlen(jobs->program_names[p]);
    return w < 7 ? 7 : w;
}

/* "123/4567" or "-" */
static void pair(char *buf, size_t size, uint32_t a, uint32_t b, bool known)
{
    if (known)
        snprintf(buf, size, "%u/%u", (unsigned)a, (unsigned)b);
    else
        snprintf(buf, size, "-");
}

static void print_table(const job_list *jobs)
{
    FILE *out = stdout;
    int name_width = 7;
    for (size_t r = 0; r < jobs->row_count; r++) {
        int n = (int)strlen(jobs->rows[r].name);
        if (n > name_width) name_width = n;
    }
    int score_width = 5;
    for (size_t r = 0; r < jobs->row_count; r++) {
        char score[140];
        score_text(jobs, r, score, sizeof score);
        if ((int)strlen(score) > score_width) score_width = (int)strlen(score);
    }
    fprintf(out, "%-*s", name_width, "student");
    for (size_t p = 0; p < jobs->program_count; p++) fprintf(out, " %-*s", column_width(jobs, p), jobs->program_names[p]);
    fprintf(out, "  passed  %*s  Mcycles   alloc med/max  free med/max   peak  largest  merges\n", score_width, "score");
    for (size_t r = 0; r < jobs->row_count; r++) {
        if (jobs->rows[r].reference && (r == 0 || !jobs->rows[r - 1].reference)) {
            fputs("(reference rows, not graded)\n", out);
        }
        fprintf(out, "%-*s", name_width, jobs->rows[r].name);
        size_t passed = 0, counted = 0;
        unsigned long long cycles = 0;
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *result = result_at(jobs, r, p);
            char mark[40];
            cell_mark(result, mark, sizeof mark);
            if (!jobs->graded[p].counted && !result->optional && result->verdict != HACK_BENCH_PASS)
                snprintf(mark + strlen(mark), sizeof mark - strlen(mark), "*"); /* skipped by the rubric */
            fprintf(out, " %-*s", column_width(jobs, p), mark);
            if (jobs->graded[p].counted) {
                counted++;
                passed += result->verdict == HACK_BENCH_PASS;
            }
            cycles += result->cycles;
        }
        char score[140];
        score_text(jobs, r, score, sizeof score);
        const hack_bench_figures *g = row_figures(jobs, r);
        bool native = jobs->rows[r].memory == HACK_BENCH_NATIVE;
        char alloc[32], freed[32], peak[16], largest[16];
        pair(alloc, sizeof alloc, g ? g->alloc_median : 0, g ? g->alloc_max : 0, g && !native);
        pair(freed, sizeof freed, g ? g->free_median : 0, g ? g->free_max : 0, g && !native);
        if (g && native) {
            snprintf(alloc, sizeof alloc, "native");
            snprintf(freed, sizeof freed, "native");
        }
        snprintf(peak, sizeof peak, g ? "%u" : "-", g ? (unsigned)g->peak_live_words : 0u);
        if (g && g->largest_request >= 0)
            snprintf(largest, sizeof largest, "%d", (int)g->largest_request);
        else
            snprintf(largest, sizeof largest, "-");
        fprintf(out, "  %2zu/%-3zu %*s %8.1f  %14s %13s %6s %8s  %s\n", passed, counted, score_width, score,
                (double)cycles / 1e6, alloc, freed, peak, largest, merges(jobs, r));
    }
    /* then each failure, with its detail and place, and [N] for a hint (the hints below, each once) */
    bool any = false;
    const char **notes = calloc(jobs->row_count * jobs->program_count + 1, sizeof *notes);
    size_t note_count = 0;
    for (size_t r = 0; r < jobs->row_count; r++)
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *result = result_at(jobs, r, p);
            if (result->verdict == HACK_BENCH_PASS) continue;
            if (!any) fputs("\n", out);
            any = true;
            char note[96] = "";
            if (jobs->graded[p].skipped)
                snprintf(note, sizeof note, " (skipped)");
            else if (!jobs->graded[p].counted)
                snprintf(note, sizeof note, " (optional%s%s)", result->policy[0] ? "; its policy: " : "",
                         result->policy);
            fprintf(out, "%s %s: %s%s: %s%s%s", row_folder(&jobs->rows[r]), jobs->program_names[p],
                    hack_bench_verdict_name(result->verdict), note, result->detail, place_said(result) ? "" : " at ",
                    place_said(result) ? "" : result->place);
            const char *hint = hint_at(jobs, r, p);
            if (hint && notes) {
                size_t n = 0;
                while (n < note_count && strcmp(notes[n], hint) != 0) n++;
                if (n == note_count) notes[note_count++] = hint;
                fprintf(out, " [%zu]", n + 1);
            }
            fputc('\n', out);
        }
    /* and what did not count, once a student */
    for (size_t r = 0; r < jobs->row_count; r++) {
        const char *row_note_text = row_note(jobs, r);
        if (!row_note_text) continue;
        if (!any) fputs("\n", out);
        any = true;
        fprintf(out, "%s: note (not counted): %s\n", row_folder(&jobs->rows[r]), row_note_text);
    }
    if (note_count) fputs("\nhints:\n", out);
    for (size_t n = 0; n < note_count; n++) fprintf(out, "[%zu] %s\n", n + 1, notes[n]);
    free(notes);
    fputs("\nmarks: ok pass; WRONG wrong result; OUTSIDE block outside the heap; OVERLAP overlapping blocks; ACCESS "
          "memory outside live blocks;\nERRCODE wrong Sys.error; NOERROR missing Sys.error; FULL 0 or garbage on a "
          "full heap; NOMERGE no merging; STACK stack overflow;\nFAULT machine error; LOOP no progress; SLOW too slow; "
          "BUILD does not build;\nNOROOM Sys.error(6) with room left; NULL returned 0/-1 with room left; CORRUPT the "
          "allocator wrote into a live block;\n* an optional (policy) check, whose cell names the allocator's policy "
          "when found (first fit, best fit, next fit,\nseed LIFO: a LIFO free list as the seed's, no reuse, other), or "
          "a program the rubric skips;\npassed: counted programs passed; score: the rubric's points (without --rubric, "
          "a point per counted program)\n",
          out);
    if (jobs->figures_program < jobs->program_count)
        fprintf(out,
                "figures (in %s): Hack cycles per Memory.alloc and per Memory.deAlloc call, median/max; peak: the most "
                "words in live\nblocks at once; largest: the largest alloc that still succeeds after its random "
                "operations (fragmentation);\nmerges: whether a large block succeeds after everything was freed\n",
                jobs->program_names[jobs->figures_program]);
}

/* ---- the HTML report ---- */

/* (any bytes of a folder's name or a student's line as valid UTF-8: the page says it is) */
static void html_text(FILE *out, const char *text)
{
    hack_strbuf escaped = {0};
    hack_grade_xml_text(&escaped, text);
    put(out, &escaped);
}

static void base64(FILE *out, const uint8_t *bytes, size_t size)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)bytes[i] << 16;
        if (i + 1 < size) v |= (uint32_t)bytes[i + 1] << 8;
        if (i + 2 < size) v |= bytes[i + 2];
        fputc(digits[(v >> 18) & 63], out);
        fputc(digits[(v >> 12) & 63], out);
        fputc(i + 1 < size ? digits[(v >> 6) & 63] : '=', out);
        fputc(i + 2 < size ? digits[v & 63] : '=', out);
    }
}

enum { TIMELINE_SCALE = 2 }; /* pixels a cell of the heap over time */

/* The heap over time as an <img>: time to the right, addresses 2048 (top) to 16383 (bottom), each band the
 * darker the more of its words are in live blocks. */
static void html_timeline(FILE *out, const hack_bench_result *result)
{
    size_t columns = result->timeline_columns;
    if (!columns) {
        fputs("<p class=\"note\">No heap timeline (the program did not run its allocations).</p>\n", out);
        return;
    }
    int width = (int)columns * TIMELINE_SCALE, height = HACK_HEAP_TIMELINE_BANDS * TIMELINE_SCALE;
    uint8_t *rgb = malloc((size_t)width * (size_t)height * 3);
    if (!rgb) return;
    hack_bench_timeline_rgb(result, TIMELINE_SCALE, rgb);
    uint8_t *png = NULL;
    size_t size = 0;
    if (hack_png_encode_rgb(rgb, width, height, &png, &size)) {
        fprintf(out, "<figure><img alt=\"the heap over time\" width=\"%d\" height=\"%d\" src=\"data:image/png;base64,",
                width, height);
        base64(out, png, size);
        fprintf(out,
                "\"><figcaption>The heap over time: left to right, %zu moments from the first allocation to the "
                "last (cycle %llu); top to bottom, addresses 2048 to 16383 in bands of %d words, the darker the "
                "more of a band's words are in live blocks.</figcaption></figure>\n",
                columns, (unsigned long long)result->timeline_cycles[columns - 1], HACK_HEAP_TIMELINE_BAND);
    }
    free(png);
    free(rgb);
}

/* The source line a place names ("Memory.alloc (Memory.jack:54)"), read from the student's folder, or "". */
static void source_line(const char *folder, const char *place, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *open = strrchr(place, '(');
    const char *colon = open ? strchr(open, ':') : NULL;
    if (!folder || !open || !colon || colon - open - 1 > 200) return;
    long line = strtol(colon + 1, NULL, 10);
    if (line <= 0) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s", folder, (int)(colon - open - 1), open + 1);
    FILE *f = hack_textfile_open_regular(path, NULL);
    if (!f) return;
    char text[1024];
    for (long n = 1; fgets(text, sizeof text, f); n++) {
        if (n < line) continue;
        const char *t = text;
        while (*t == ' ' || *t == '\t') t++;
        snprintf(buf, size, "%.*s", (int)strcspn(t, "\r\n"), t);
        break;
    }
    fclose(f);
}

static bool write_report(const job_list *jobs, const char *path)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile report;
    if (!hack_outfile_open(&report, path, &diags)) {
        fputs("hackemu: --report: ", stderr);
        hack_diag_list_print(stderr, &diags);
        hack_diag_list_free(&diags);
        return false;
    }
    FILE *out = report.file;
    const char *title = jobs->whole_os ? "Project 12 (the OS) test bench" : "Memory.jack test bench";
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n", title);
    fputs(
          "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}td.ok{background:#dfd}td.bad{background:#fcc}"
          "td.opt{background:#ffe9b3}tr.ref td{color:#555;font-style:italic}code{background:#f4f4f4}code.src{background:#eef}"
          ".note{color:#666}figure{margin:0.5em 0}img{border:1px solid #999;image-rendering:pixelated}"
          ".bar{display:inline-block;height:0.8em;background:#7b7}.hint{color:#735}</style>\n"
          "</head><body>\n",
          out);
    fprintf(out, "<h1>%s</h1>\n", title);
    hack_strbuf summary = {0};
    hack_grade_summary(&jobs->grade, HACK_GRADE_HTML, &summary);
    put(out, &summary);
    fputs("<h2>The students</h2>\n", out);
    /* the table */
    fputs("<table><tr><th>student</th>", out);
    for (size_t p = 0; p < jobs->program_count; p++) {
        fputs("<th title=\"", out);
        html_text(out, jobs->program_info[p].purpose);
        fputs("\">", out);
        html_text(out, jobs->program_names[p]);
        fputs("</th>", out);
    }
    fputs("<th>passed</th><th>score</th><th>alloc cycles<br>med/max</th><th>deAlloc cycles<br>med/max</th><th>peak live "
          "words</th><th>largest request<br>after stress</th><th>merges</th></tr>\n",
          out);
    for (size_t r = 0; r < jobs->row_count; r++) {
        fprintf(out, "<tr%s><td><a href=\"#row%zu\">", jobs->rows[r].reference ? " class=\"ref\"" : "", r);
        html_text(out, jobs->rows[r].name);
        fputs("</a></td>", out);
        size_t passed = 0, counted = 0;
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *result = result_at(jobs, r, p);
            bool ok = result->verdict == HACK_BENCH_PASS;
            fprintf(out, "<td class=\"%s\" title=\"", ok ? "ok" : !jobs->graded[p].counted ? "opt" : "bad");
            html_text(out, hack_bench_verdict_name(result->verdict));
            fputs("\">", out);
            char mark[40];
            cell_mark(result, mark, sizeof mark);
            html_text(out, mark);
            fputs("</td>", out);
            if (jobs->graded[p].counted) {
                counted++;
                passed += ok;
            }
        }
        const hack_bench_figures *g = row_figures(jobs, r);
        bool native = jobs->rows[r].memory == HACK_BENCH_NATIVE;
        char score[140];
        score_text(jobs, r, score, sizeof score);
        fprintf(out, "<td>%zu/%zu</td><td>%s</td>", passed, counted, score);
        if (g && !native)
            fprintf(out, "<td>%u/%u</td><td>%u/%u</td>", (unsigned)g->alloc_median, (unsigned)g->alloc_max,
                    (unsigned)g->free_median, (unsigned)g->free_max);
        else
            fprintf(out, "<td>%s</td><td>%s</td>", native ? "native" : "-", native ? "native" : "-");
        if (g)
            fprintf(out, "<td>%u</td>", (unsigned)g->peak_live_words);
        else
            fputs("<td>-</td>", out);
        if (g && g->largest_request >= 0)
            fprintf(out, "<td>%d</td>", (int)g->largest_request);
        else
            fputs("<td>-</td>", out);
        fprintf(out, "<td>%s</td></tr>\n", merges(jobs, r));
    }
    fputs("</table>\n<h2>The test programs</h2>\n<ul>\n", out);
    for (size_t p = 0; p < jobs->program_count; p++) {
        fputs("<li><b>", out);
        html_text(out, jobs->program_names[p]);
        fputs("</b>: ", out);
        html_text(out, jobs->program_info[p].purpose);
        if (jobs->program_info[p].optional) fputs(" (optional: a policy, not correctness)", out);
        if (jobs->graded[p].skipped) {
            fputs(" (skipped by the rubric)", out);
        } else if (jobs->graded[p].counted) {
            char points[64];
            hack_grade_points_text(jobs->graded[p].points, points, sizeof points);
            fprintf(out, " (%s point%s)", points, strcmp(points, "1") == 0 ? "" : "s");
        }
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    /* each row */
    for (size_t r = 0; r < jobs->row_count; r++) {
        fprintf(out, "<h2 id=\"row%zu\">", r);
        html_text(out, jobs->rows[r].name);
        if (jobs->rows[r].reference) fputs(" (reference)", out);
        fputs("</h2>\n<p class=\"note\">", out);
        html_text(out, row_folder(&jobs->rows[r]));
        fputs("</p>\n", out);
        bool any = false;
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *result = result_at(jobs, r, p);
            if (result->verdict == HACK_BENCH_PASS) continue;
            if (!any) fputs("<ul>\n", out);
            any = true;
            fputs("<li><b>", out);
            html_text(out, jobs->program_names[p]);
            fputs("</b>: ", out);
            html_text(out, hack_bench_verdict_name(result->verdict));
            if (!jobs->graded[p].counted) fputs(jobs->graded[p].skipped ? " (skipped)" : " (optional)", out);
            fputs(": <code>", out);
            html_text(out, result->detail);
            fputs("</code>", out);
            if (result->place[0]) {
                fputs(" at <code>", out);
                html_text(out, result->place);
                fputs("</code>", out);
                char line[300];
                source_line(jobs->rows[r].folder, result->place, line, sizeof line);
                if (line[0]) {
                    fputs(": <code class=\"src\">", out);
                    html_text(out, line);
                    fputs("</code>", out);
                }
            }
            const char *hint = hint_at(jobs, r, p);
            if (hint) {
                fputs("<div class=\"hint\">hint: ", out);
                html_text(out, hint);
                fputs("</div>", out);
            }
            fputs("</li>\n", out);
        }
        fputs(any ? "</ul>\n" : "<p>Passes every program.</p>\n", out);
        if (row_note(jobs, r)) {
            fputs("<p class=\"note\">Not counted: <code>", out);
            html_text(out, row_note(jobs, r));
            fputs("</code></p>\n", out);
        }
        if (jobs->figures_program < jobs->program_count) {
            fputs("<p>", out);
            html_text(out, jobs->program_names[jobs->figures_program]);
            fputs(", the heap over time:</p>\n", out);
            html_timeline(out, result_at(jobs, r, jobs->figures_program));
        }
    }
    fputs("</body></html>\n", out);
    const bool ok = hack_outfile_commit(&report, &diags); /* (whole, or the old report kept) */
    if (!ok) {
        fputs("hackemu: --report: ", stderr);
        hack_diag_list_print(stderr, &diags);
    }
    hack_diag_list_free(&diags);
    return ok;
}

/* --test-os's part of the usage, before --test-memory's */
static const hack_cli_option os_usage_rows[] = {
    {.kind = HACK_CLI_TEXT,
     .help = "Grades each student's whole project 12 (FOLDER/Math.jack ... Sys.jack, or .vm) class by class: each\n"
             "program of os/tests/CLASS runs with the student's CLASS and the rest of the OS hackemu's (native), under\n"
             "the heap check; its values and screen are judged against the same program on hackemu's OS. A table\n"
             "has a column per class (programs passed, or 'missing'), then each failure with the student's line, the\n"
             "costly functions' Hack cycles per call, and the class summary. The options are --test-memory's:"},
    {"program", 0, HACK_CLI_SEE, .arg = "CLASS or CLASS/NAME",
     .help = "only these (repeatable); a rubric names programs 'Math/Divide' and\ngroups 'Math'"},
    {"add-program", 0, HACK_CLI_SEE, .arg = "DIR",
     .help = "one of the course's test programs (projects/12/MathTest, ScreenTest...), run on the\n"
             "student's whole OS (the classes they have not written are hackemu's), judged by\n"
             "its .cmp or by its screen when it halts"},
    {"reference", 0, HACK_CLI_SEE, .arg = "DIR",
     .help = "one more reference row, such as the course's compiled OS (its tools/OS)"},
    {"programs", 0, HACK_CLI_SEE, .arg = "DIR", .help = "the batteries (default: the project's os/tests)"},
    {.kind = HACK_CLI_TEXT, .help = ""},
    {0}};

static void usage(const hack_cli_spec *spec, FILE *out)
{
    if (strcmp(mode, "--test-os") == 0)
        hack_cli_write_usage(&(hack_cli_spec){"usage: hackemu --test-os FOLDER... [options]\n", os_usage_rows, 20}, out);
    hack_cli_write_usage(spec, out);
}

/* The last k components of path ("a/alice/Memory/", 2: "alice/Memory"), as a start and a length; the whole path
 * when it has fewer. */
static const char *path_suffix(const char *path, int k, size_t *length)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    const char *p = path + n;
    for (int seen = 0; p > path; p--)
        if (p[-1] == '/' && ++seen == k) break;
    *length = (size_t)(path + n - p);
    return p;
}

/* Students' rows by the last component of their folders, or, where two would read the same (a/alice/Memory and
 * b/alice/Memory), by the shortest suffix of their paths that tells them apart. */
static void name_rows(job_list *jobs)
{
    for (size_t r = 0; r < jobs->row_count; r++) {
        const char *folder = jobs->rows[r].folder;
        if (!folder) continue;
        size_t length = 0;
        const char *name = path_suffix(folder, 1, &length);
        for (int k = 2; k < 64; k++) {
            bool clash = false;
            for (size_t o = 0; o < jobs->row_count && !clash; o++) {
                size_t other_length;
                const char *other = jobs->rows[o].folder ? path_suffix(jobs->rows[o].folder, k - 1, &other_length)
                                                         : NULL;
                clash = o != r && other && other_length == length && strncmp(other, name, length) == 0;
            }
            if (!clash) break;
            size_t longer;
            const char *more = path_suffix(folder, k, &longer);
            if (longer == length) break; /* the whole path: the same folder named twice */
            name = more;
            length = longer;
        }
        snprintf(jobs->rows[r].name, sizeof jobs->rows[r].name, "%.*s", (int)length, name);
    }
}

static void add_row(job_list *jobs, const char *folder, const char *name, hack_bench_memory memory, bool reference)
{
    row *r = &jobs->rows[jobs->row_count++];
    r->folder = folder;
    r->memory = memory;
    r->reference = reference;
    const char *shown = name ? name : short_name(folder);
    snprintf(r->name, sizeof r->name, "%.*s", (int)strcspn(shown, "/"), shown);
}

/* The teacher's view of the rows and programs: the rubric's points (errors: false), checked before anything runs. */
static bool prepare_grade(job_list *jobs, const char *rubric_path)
{
    jobs->students = calloc(jobs->row_count, sizeof *jobs->students);
    jobs->graded = calloc(jobs->program_count, sizeof *jobs->graded);
    if (!jobs->students || !jobs->graded) return false;
    for (size_t r = 0; r < jobs->row_count; r++)
        jobs->students[r] = (hack_grade_student){jobs->rows[r].name, jobs->rows[r].folder, jobs->rows[r].reference};
    for (size_t p = 0; p < jobs->program_count; p++)
        jobs->graded[p] = (hack_grade_program){.name = jobs->program_names[p],
                                               .group = jobs->program_groups[p] ? jobs->program_groups[p] : memory_group,
                                               .optional = jobs->program_info[p].optional};
    jobs->grade = (hack_grade){.students = jobs->students, .student_count = jobs->row_count, .programs = jobs->graded,
                               .program_count = jobs->program_count};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_rubric rubric = {0};
    bool ok = !rubric_path || hack_rubric_read(&rubric, rubric_path, &diags);
    ok = ok && hack_rubric_apply(rubric_path ? &rubric : NULL, jobs->graded, jobs->program_count,
                                 (const char *const *)jobs->known, jobs->known_count, &diags);
    if (!ok) hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    hack_rubric_free(&rubric);
    return ok;
}

/* --out-dir names a folder per student: their names must be distinct and name no other place. */
static bool distinct_names(const job_list *jobs)
{
    for (size_t r = 0; r < jobs->row_count; r++) {
        const char *name = jobs->rows[r].name;
        if (jobs->rows[r].reference) continue;
        if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            fprintf(stderr, "hackemu: --out-dir: the folder %s has no name of its own to write under\n",
                    row_folder(&jobs->rows[r]));
            return false;
        }
        for (size_t other = 0; other < r; other++)
            if (!jobs->rows[other].reference && strcmp(jobs->rows[other].name, name) == 0) {
                fprintf(stderr, "hackemu: --out-dir: %s and %s would both write %s/results.json\n",
                        row_folder(&jobs->rows[other]), row_folder(&jobs->rows[r]), name);
                return false;
            }
    }
    return true;
}

/* Each program's reference run with the project's OS, for those that compare values or the screen. A program
 * that does not pass with the project's OS is said to be broken (its verdicts are then not judged against it). */
static bool make_expected(job_list *jobs)
{
    jobs->expected = calloc(jobs->program_count ? jobs->program_count : 1, sizeof *jobs->expected);
    if (!jobs->expected) return false;
    for (size_t p = 0; p < jobs->program_count; p++) {
        const hack_bench_program *info = &jobs->program_info[p];
        bool values = false;
        for (size_t i = 0; i < info->label_count; i++) values |= info->labels[i].kind == 'v';
        bool course = jobs->whole_os && strcmp(jobs->program_groups[p], WHOLE_OS) == 0 && !info->cmp[0];
        if (!values && !info->compare_screen && !course) continue;
        hack_bench_expect(jobs->programs[p], jobs->bench.budget, course, &jobs->expected[p]);
        if (!jobs->expected[p].ran)
            fprintf(stderr, "hackemu: %s: the test program %s is broken: %s\n", mode, jobs->programs[p],
                    jobs->expected[p].problem);
    }
    return true;
}

/* --test-os's table: a column per class, each cell the programs passed of the class's; then each failure. */
static void print_os_table(const job_list *jobs)
{
    FILE *out = stdout;
    const char *groups[OS_CLASS_COUNT + 1];
    size_t group_count = 0;
    for (size_t p = 0; p < jobs->program_count; p++) {
        bool seen = false;
        for (size_t g = 0; g < group_count; g++) seen |= strcmp(groups[g], jobs->program_groups[p]) == 0;
        if (!seen && group_count < OS_CLASS_COUNT + 1) groups[group_count++] = jobs->program_groups[p];
    }
    int name_width = 7;
    for (size_t r = 0; r < jobs->row_count; r++) {
        int n = (int)strlen(jobs->rows[r].name);
        if (n > name_width) name_width = n;
    }
    fprintf(out, "%-*s", name_width, "student");
    for (size_t g = 0; g < group_count; g++) fprintf(out, " %8s", groups[g]);
    fputs("   passed    score\n", out);
    for (size_t r = 0; r < jobs->row_count; r++) {
        if (jobs->rows[r].reference && (r == 0 || !jobs->rows[r - 1].reference))
            fputs("(reference rows, not graded)\n", out);
        fprintf(out, "%-*s", name_width, jobs->rows[r].name);
        size_t all_passed = 0, all_counted = 0;
        for (size_t g = 0; g < group_count; g++) {
            size_t passed = 0, counted = 0, missing = 0, unbuilt = 0, programs = 0;
            for (size_t p = 0; p < jobs->program_count; p++) {
                const hack_bench_result *result = result_at(jobs, r, p);
                if (strcmp(jobs->program_groups[p], groups[g]) != 0) continue;
                programs++;
                if (!jobs->graded[p].counted) continue; /* optional, or skipped by the rubric */
                counted++;
                passed += result->verdict == HACK_BENCH_PASS;
                missing += result->verdict == HACK_BENCH_MISSING_CLASS;
                unbuilt += result->verdict == HACK_BENCH_BUILD_ERROR;
            }
            char cell[32];
            if (!counted && programs)
                snprintf(cell, sizeof cell, "skipped");
            else if (missing && missing == counted)
                snprintf(cell, sizeof cell, "missing");
            else if (unbuilt && unbuilt == counted)
                snprintf(cell, sizeof cell, "BUILD");
            else if (passed == counted)
                snprintf(cell, sizeof cell, "ok");
            else
                snprintf(cell, sizeof cell, "%zu/%zu", passed, counted);
            fprintf(out, " %8s", cell);
            all_passed += passed;
            all_counted += counted;
        }
        const hack_grade_score score = hack_grade_student_score(&jobs->grade, r);
        char got[32], of[32];
        hack_grade_points_text(score.score, got, sizeof got);
        hack_grade_points_text(score.max_score, of, sizeof of);
        fprintf(out, "   %zu/%-5zu %s/%s\n", all_passed, all_counted, got, of);
    }
    bool any = false;
    for (size_t r = 0; r < jobs->row_count; r++)
        for (size_t p = 0; p < jobs->program_count; p++) {
            const hack_bench_result *result = result_at(jobs, r, p);
            if (result->verdict == HACK_BENCH_PASS) continue;
            if (!any) fputs("\n", out);
            any = true;
            if (result->verdict == HACK_BENCH_MISSING_CLASS) { /* said once for the row, below */
                any = any || p > 0;
                continue;
            }
            /* a class that does not build: said once, for all its programs */
            const hack_bench_result *before = p ? result_at(jobs, r, p - 1) : NULL;
            if (result->verdict == HACK_BENCH_BUILD_ERROR && before && before->verdict == HACK_BENCH_BUILD_ERROR &&
                strcmp(jobs->program_groups[p - 1], jobs->program_groups[p]) == 0 &&
                strcmp(before->detail, result->detail) == 0)
                continue;
            if (result->verdict == HACK_BENCH_BUILD_ERROR) {
                size_t same = 0;
                for (size_t q = p; q < jobs->program_count && strcmp(jobs->program_groups[q], jobs->program_groups[p]) == 0 &&
                                   result_at(jobs, r, q)->verdict == HACK_BENCH_BUILD_ERROR &&
                                   strcmp(result_at(jobs, r, q)->detail, result->detail) == 0;
                     q++)
                    same++;
                if (same > 1) {
                    fprintf(out, "%s %s: build error (its %zu programs): %s\n", row_folder(&jobs->rows[r]),
                            jobs->program_groups[p], same, result->detail);
                    continue;
                }
            }
            fprintf(out, "%s %s: %s%s: %s%s%s\n", row_folder(&jobs->rows[r]), jobs->program_names[p],
                    hack_bench_verdict_name(result->verdict),
                    jobs->graded[p].skipped ? " (skipped)" : !jobs->graded[p].counted ? " (optional)" : "",
                    result->detail, place_said(result) ? "" : " at ", place_said(result) ? "" : result->place);
        }
    for (size_t r = 0; r < jobs->row_count; r++) { /* the classes a student has not written, a line each */
        char names[256] = "";
        for (size_t p = 0; p < jobs->program_count; p++)
            if (result_at(jobs, r, p)->verdict == HACK_BENCH_MISSING_CLASS &&
                (p == 0 || strcmp(jobs->program_groups[p - 1], jobs->program_groups[p]) != 0))
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "",
                         jobs->program_groups[p]);
        if (names[0]) fprintf(out, "%s: no %s (.jack or .vm): not graded\n", row_folder(&jobs->rows[r]), names);
        for (size_t p = 0; p < jobs->program_count; p++) { /* a folder of folders: where the classes are */
            const hack_bench_result *missing = result_at(jobs, r, p);
            if (missing->verdict != HACK_BENCH_MISSING_CLASS || !missing->found_in[0]) continue;
            fprintf(out, "%s: (there is one in %s: grade that folder)\n", row_folder(&jobs->rows[r]), missing->found_in);
            break;
        }
        const char *note = row_note(jobs, r);
        if (note) fprintf(out, "%s: note (not counted): %s\n", row_folder(&jobs->rows[r]), note);
    }
    /* the figures: Hack cycles per call of the costly functions, each from one program (the same calls for every
     * row), where the row passed it */
    static const char *const figure_programs[HACK_BENCH_TIMED_COUNT] = {"Math/Multiply", "Math/Divide", "Math/Sqrt",
                                                                        "Screen/Lines", "Screen/Circle",
                                                                        "Output/PrintString"};
    fprintf(out, "\n%-*s", name_width, "cycles per call");
    for (size_t t = 0; t < HACK_BENCH_TIMED_COUNT; t++) fprintf(out, " %13s", hack_bench_timed_functions[t]);
    fprintf(out, " %13s %13s\n", "Memory.alloc", "deAlloc");
    for (size_t r = 0; r < jobs->row_count; r++) {
        fprintf(out, "%-*s", name_width, jobs->rows[r].name);
        bool native = jobs->rows[r].memory == HACK_BENCH_NATIVE;
        for (size_t t = 0; t < HACK_BENCH_TIMED_COUNT; t++) {
            uint64_t calls = 0, cycles = 0;
            for (size_t p = 0; p < jobs->program_count; p++) {
                const hack_bench_result *result = result_at(jobs, r, p);
                if (strcmp(jobs->program_names[p], figure_programs[t]) != 0 || result->verdict != HACK_BENCH_PASS)
                    continue;
                calls += result->timings[t].calls;
                cycles += result->timings[t].cycles;
            }
            char cell[32];
            if (calls)
                snprintf(cell, sizeof cell, "%llu", (unsigned long long)(cycles / calls));
            else
                snprintf(cell, sizeof cell, "%s", native ? "native" : "-");
            fprintf(out, " %13s", cell);
        }
        const hack_bench_figures *g = row_figures(jobs, r);
        char alloc[32], freed[32];
        pair(alloc, sizeof alloc, g ? g->alloc_median : 0, g ? g->alloc_max : 0, g && !native);
        pair(freed, sizeof freed, g ? g->free_median : 0, g ? g->free_max : 0, g && !native);
        fprintf(out, " %13s %13s\n", native ? "native" : alloc, native ? "native" : freed);
    }
    fprintf(out, "(the mean per call, from the call to its return, in %s, %s, %s, %s, %s and %s where the row "
                 "passed them; Memory: median/max in its figures program)\n",
            figure_programs[0], figure_programs[1], figure_programs[2], figure_programs[3], figure_programs[4],
            figure_programs[5]);
    fprintf(out, "\neach class's programs run with the student's class and the rest of the OS hackemu's (native)%s\n",
            group_count && strcmp(groups[group_count - 1], WHOLE_OS) == 0
                ? "; OS: the course's programs with the student's whole OS"
                : "");
}

/* hackemu --test-memory, and --test-os (whole_os) */
static int test_bench(int argc, char **argv, bool whole_os)
{
    job_list jobs = {.whole_os = whole_os};
    mode = whole_os ? "--test-os" : "--test-memory";
    int f = FORMAT_TABLE; /* a format */
    const char *programs_dir = whole_os ? HACK_OS_TESTS_DIR : HACK_MEMORY_TESTS_DIR, *report = NULL, *rubric = NULL,
               *out_dir = NULL;
    int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    bool no_references = false, summary_only = false, mode_given = false;
    const char **only = calloc((size_t)argc, sizeof *only), **extra = calloc((size_t)argc, sizeof *extra);
    const char **reference_dirs = calloc((size_t)argc, sizeof *reference_dirs);
    const char **folders = calloc((size_t)argc, sizeof *folders);
    int only_count = 0, extra_count = 0, reference_count = 0, folder_count = 0;
    jobs.rows = calloc((size_t)argc + 2, sizeof *jobs.rows);
    int status = EXIT_BAD_INPUT;
    if (!only || !extra || !reference_dirs || !folders || !jobs.rows) goto out;
    static const hack_cli_choice formats[] = {{"table", FORMAT_TABLE, NULL, false}, {"csv", FORMAT_CSV, NULL, false},
                                              {"json", FORMAT_JSON, NULL, false},
                                              {"gradescope", FORMAT_GRADESCOPE, NULL, false},
                                              {"junit", FORMAT_JUNIT, NULL, false}, {0}};
    const hack_cli_option options[] = {
        {NULL, 'j', HACK_CLI_INT, "N", "run N programs at a time (default: the number of cores)", .integer = &threads,
         .min = 1, .max = 256},
        {"format", 0, HACK_CLI_CHOICE, "=FORMAT", .integer = &f, .choices = formats,
         .help = "table (default: then a class summary), csv or json (a record per student and\n"
                 "program, with the points and the hint), gradescope (results.json: one object for\n"
                 "one student, an array for several) or junit (JUnit XML: a testsuite per student,\n"
                 "a testcase per program); the last two run no reference rows"},
        {"summary", 0, HACK_CLI_FLAG, .flag = &summary_only,
         .help = "only the class summary: per program how many pass, the most common failures and\n"
                 "who has them, the scores (as text, or with --format=csv|json)"},
        {"rubric", 0, HACK_CLI_STRING, "FILE", .string = &rubric,
         .help = "points per program or group (a line each: 'Blocks 10', 'Memory 40' spread over\n"
                 "its programs, 'default 2', 'skip SeedPolicy', '#' comments); default: a point\n"
                 "per program that is not optional"},
        {"out-dir", 0, HACK_CLI_STRING, "DIR", "with --format=gradescope: DIR/<student>/results.json for each student",
         .string = &out_dir},
        {"report", 0, HACK_CLI_STRING, "FILE", .string = &report,
         .help = "also write an HTML report: the class summary, failures with their Jack lines and\n"
                 "hints, the heap over time"},
        {"student-os", 0, HACK_CLI_FLAG, .flag = &jobs.bench.student_os,
         .help = "the student's other OS classes too (default: only their Memory; the rest native)"},
        {"cycles", 0, HACK_CLI_U64, "N", "the budget of one program (default 200 million)", .u64 = &jobs.bench.budget,
         .min = 1, .max = UINT64_MAX},
        {"programs", 0, HACK_CLI_STRING, "DIR", "the test programs (default: the project's os/tests/Memory)",
         .string = &programs_dir},
        {"program", 0, HACK_CLI_LIST, "NAME", "only this program (repeatable)", .items = only, .count = &only_count,
         .capacity = argc},
        {"add-program", 0, HACK_CLI_LIST, "DIR", .items = extra, .count = &extra_count, .capacity = argc,
         .help = "one more test program: a folder with Main.jack, such as the course's\n"
                 "projects/12/MemoryTest (its .tst/.cmp: the RAM words the .cmp names are checked)"},
        {"reference", 0, HACK_CLI_LIST, "DIR", .items = reference_dirs, .count = &reference_count, .capacity = argc,
         .help = "one more reference row, not graded: a folder with a Memory.vm or Memory.jack,\n"
                 "such as the course's tools/OS (its compiled Memory)"},
        {"no-reference", 0, HACK_CLI_FLAG, .help = "without hackemu's own reference rows", .flag = &no_references},
        {"test-memory", 0, HACK_CLI_FLAG, .flag = &mode_given}, /* (main's choice of this code) */
        {"test-os", 0, HACK_CLI_FLAG, .flag = &mode_given},
        {"help", 'h', HACK_CLI_HELP, .help = NULL}, /* (not in the usage, as before) */
        {.kind = HACK_CLI_OPERANDS, .arg = "student folder", .items = folders, .count = &folder_count, .capacity = argc},
        {.kind = HACK_CLI_TEXT,
         .help = "Hints beside failures name a pattern found: a comparison followed by arithmetic in the student's\n"
                 "Memory.jack (Jack reads `x < size + 2` as `(x < size) + 2`), an offset returned for an address, the\n"
                 "allocator's header inside a block it handed out, a block one word past the heap.\n"
                 "On a terminal, stderr shows how many runs are graded.\n"
                 "Exit status: 0 every student passes every counted program, 7 some failed, 1 bad input (a rubric's\n"
                 "errors as FILE:LINE:COLUMN), 64 bad command line."},
        {0}};
    const hack_cli_spec spec = {
        "usage: hackemu --test-memory FOLDER... [options]\n"
        "Runs each student's Memory (FOLDER/Memory.jack or Memory.vm) against the project's test programs,\n"
        "each under the heap check (leaks not counted), and prints a verdict per student and program, with\n"
        "figures of each allocator beside hackemu's own Memory (in Jack and native).\n",
        options, 20};
    char error[1000];
    const hack_cli_action action = hack_cli_parse(&spec, argc, argv, error, sizeof error);
    if (action != HACK_CLI_RUN) {
        if (action == HACK_CLI_ERROR) fprintf(stderr, "hackemu: %s: %s\nTry 'hackemu %s --help'.\n", mode, error, mode);
        if (action != HACK_CLI_ERROR) usage(&spec, stdout);
        status = action == HACK_CLI_ERROR ? EXIT_USAGE : EXIT_ALL_PASS;
        goto out;
    }
    for (int i = 0; i < folder_count; i++) {
        if (!is_dir(folders[i])) {
            fprintf(stderr, "hackemu: %s: %s is not a folder\n", mode, folders[i]);
            goto out;
        }
        add_row(&jobs, folders[i], NULL, HACK_BENCH_STUDENT, false);
    }
    if (jobs.row_count == 0) {
        fprintf(stderr, "hackemu: %s: no student folders given\n", mode);
        usage(&spec, stderr);
        status = EXIT_USAGE;
        goto out;
    }
    const bool graders = f == FORMAT_GRADESCOPE || f == FORMAT_JUNIT;
    if (out_dir && f != FORMAT_GRADESCOPE) {
        fputs("hackemu: --test-memory: --out-dir goes with --format=gradescope\n", stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (summary_only && graders) {
        fputs("hackemu: --test-memory: --summary is a table, CSV or JSON, not Gradescope's or JUnit's\n", stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (out_dir && !distinct_names(&jobs)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (out_dir && !is_dir(out_dir) && mkdir(out_dir, 0777) != 0) {
        fprintf(stderr, "hackemu: --out-dir: cannot make %s: %s\n", out_dir, strerror(errno));
        goto out;
    }
    for (int i = 0; i < reference_count; i++) {
        if (!is_dir(reference_dirs[i])) {
            fprintf(stderr, "hackemu: %s: --reference %s is not a folder\n", mode, reference_dirs[i]);
            goto out;
        }
        if (!graders) add_row(&jobs, reference_dirs[i], NULL, HACK_BENCH_STUDENT, true);
    }
    if (!no_references && !graders) { /* (a grader's format shows no reference row: none is run) */
        add_row(&jobs, NULL, whole_os ? "hackemu OS in Jack" : "hackemu Memory.jack", HACK_BENCH_PROJECT_JACK, true);
        add_row(&jobs, NULL, "hackemu native", HACK_BENCH_NATIVE, true);
    }
    name_rows(&jobs);
    if (find_programs(programs_dir, only, (size_t)only_count, extra, (size_t)extra_count, &jobs) && prepare_grade(&jobs, rubric)) {
        jobs.timeline = report != NULL;
        jobs.results = calloc(jobs.row_count * jobs.program_count, sizeof *jobs.results);
        if (jobs.results && make_expected(&jobs)) {
            run_all(&jobs, threads);
            jobs.grade.results = jobs.results;
            jobs.hints = hack_grade_find_hints(&jobs.grade);
            jobs.grade.hints = (const char *const *)jobs.hints;
            status = EXIT_ALL_PASS;
            for (size_t r = 0; r < jobs.row_count; r++)
                for (size_t p = 0; p < jobs.program_count; p++)
                    if (counts(&jobs, r, p)) status = EXIT_FAILURES;
            bool written = true;
            if (summary_only) {
                written = print_summary(&jobs, f);
            } else if (f == FORMAT_TABLE) {
                if (whole_os)
                    print_os_table(&jobs);
                else
                    print_table(&jobs);
                fputc('\n', stdout);
                written = print_summary(&jobs, f);
            } else if (f == FORMAT_GRADESCOPE) {
                written = write_gradescope(&jobs, out_dir);
            } else if (f == FORMAT_JUNIT) {
                written = print_junit(&jobs);
            } else {
                print_records(&jobs, f);
            }
            if (!written) status = EXIT_BAD_INPUT;
            if (report && !write_report(&jobs, report)) status = EXIT_BAD_INPUT;
            hack_grade_free_hints(jobs.hints, jobs.row_count * jobs.program_count);
            for (size_t i = 0; i < jobs.row_count * jobs.program_count; i++) hack_bench_result_free(&jobs.results[i]);
        }
    }
out:
    for (size_t i = 0; i < jobs.program_count; i++) {
        free(jobs.program_names[i]);
        free(jobs.programs[i]);
    }
    for (size_t i = 0; jobs.expected && i < jobs.program_count; i++) hack_bench_expected_free(&jobs.expected[i]);
    free(jobs.expected);
    for (size_t i = 0; i < jobs.known_count; i++) free(jobs.known[i]);
    free(jobs.known);
    free(jobs.students);
    free(jobs.graded);
    free(jobs.program_names);
    free(jobs.program_groups);
    free(jobs.programs);
    free(jobs.program_info);
    free(jobs.results);
    free(jobs.rows);
    free(only);
    free(extra);
    free(reference_dirs);
    free(folders);
    return status;
}

int hack_cli_test_memory(int argc, char **argv)
{
    return test_bench(argc, argv, false);
}

int hack_cli_test_os(int argc, char **argv)
{
    return test_bench(argc, argv, true);
}
