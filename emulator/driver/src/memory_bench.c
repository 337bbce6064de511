#define _POSIX_C_SOURCE 200809L
#include "hack/textfile.h"
#include "hack/memory_bench.h"
#include "hack/grade_report.h"

#include "hack/backtrace.h"
#include "hack/build.h"
#include "hack/machine.h"
#include "hack/os.h"
#include "hack/path.h"
#include "hack/program.h"
#include "hack/session.h"
#include "hack/stop.h"
#include "hack/heap_check.h"
#include "hack/jack.h"
#include "hack/strbuf.h"
#include "hack/vm.h"
#include "hack/os_api.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DEFAULT_BUDGET = 200000000, FIRST_HEAP = 2048, STEP_CYCLES = 16 /* steps whose cycle is kept */ };

/* os/tests/Check.jack, carried in the tools (made by os/embed.cmake) */
extern const hack_os_class hack_bench_classes[];
extern const size_t hack_bench_class_count;

static const char *const verdict_names[HACK_BENCH_VERDICT_COUNT] = {
    "pass", "build error", "wrong result", "block outside the heap", "overlapping blocks",
    "use of memory outside live blocks", "wrong Sys.error", "missing Sys.error", "0 or garbage on a full heap",
    "no merging", "stack overflow", "machine error", "no progress", "too slow", "Sys.error(6) with room left",
    "the allocator wrote into a live block", "wrong value", "wrong pixels", "no such class",
    "returned 0/-1 with room left", "another policy"};
static const char *const verdict_marks[HACK_BENCH_VERDICT_COUNT] = {
    "ok", "BUILD", "WRONG", "OUTSIDE", "OVERLAP", "ACCESS", "ERRCODE", "NOERROR", "FULL", "NOMERGE", "STACK",
    "FAULT", "LOOP", "SLOW", "NOROOM", "CORRUPT", "VALUE", "PIXELS", "MISSING", "NULL", "POLICY"};

const char *hack_bench_verdict_name(hack_bench_verdict verdict)
{
    return verdict < HACK_BENCH_VERDICT_COUNT ? verdict_names[verdict] : "?";
}

const char *hack_bench_verdict_mark(hack_bench_verdict verdict)
{
    return verdict < HACK_BENCH_VERDICT_COUNT ? verdict_marks[verdict] : "?";
}

/* ---- the test program's header ---- */

/* A test program (VM code with its bootstrap, built here) on the session. */
static bool load(hack_session *session, const hack_program *program, unsigned os_added, hack_diag_list *diags)
{
    const hack_launch launch = {.program = program, .os_added = os_added, .code = HACK_LAUNCH_VM, .bootstrapped = true};
    return hack_session_load(session, &launch, diags);
}

static void copy_text(char *to, size_t size, const char *from, size_t length)
{
    if (!size) return;
    if (length >= size) length = size - 1;
    memcpy(to, from, length);
    to[length] = '\0';
}

/* A course-style test's .cmp in folder: X.cmp beside an X.tst. */
static void find_cmp(const char *folder, char *cmp, size_t size)
{
    cmp[0] = '\0';
    DIR *d = opendir(folder);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".tst") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%.*s.cmp", folder, (int)(n - 4), e->d_name);
        if (access(path, R_OK) == 0) {
            copy_text(cmp, size, path, strlen(path));
            break;
        }
    }
    closedir(d);
}

/* "// keys: TEXT": the keys typed, one a character; \n is the newline key (128), \b backspace (129), \\ a
 * backslash. A space after the colon is not a key. */
static void read_keys(const char *text, size_t length, hack_bench_program *program)
{
    size_t i = 0;
    if (i < length && text[i] == ' ') i++;
    for (; i < length && program->key_count < sizeof program->keys; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\\' && i + 1 < length) {
            char e = text[++i];
            c = e == 'n' ? 128 : e == 'b' ? 129 : (unsigned char)e;
        }
        program->keys[program->key_count++] = (char)c;
    }
}

/* "// value ID: TEXT", "// fail ID: TEXT", "// step ID: TEXT": the names of Check's reports. */
static bool read_label(const char *p, size_t length, hack_bench_program *program)
{
    static const struct { const char *word; char kind; } kinds[] = {{"value ", 'v'}, {"fail ", 'f'}, {"step ", 's'}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = strlen(kinds[k].word);
        if (strncmp(p, kinds[k].word, n) != 0 || p[n] < '0' || p[n] > '9') continue;
        char *end;
        long id = strtol(p + n, &end, 10);
        if (*end != ':' || id > 32767 || program->label_count == sizeof program->labels / sizeof program->labels[0])
            return false;
        const char *text = end + 1;
        while (*text == ' ') text++;
        hack_bench_label *label = &program->labels[program->label_count++];
        label->kind = kinds[k].kind;
        label->id = (int)id;
        size_t used = (size_t)(text - p);
        copy_text(label->text, sizeof label->text, text, used < length ? length - used : 0);
        return true;
    }
    return false;
}

/* How many labels of kind the header gives. */
static size_t label_count(const hack_bench_program *program, char kind)
{
    size_t n = 0;
    for (size_t i = 0; i < program->label_count; i++) n += program->labels[i].kind == kind;
    return n;
}

/* The text of a report's label, or NULL. */
static const char *label_text(const hack_bench_program *program, char kind, int id)
{
    for (size_t i = 0; i < program->label_count; i++)
        if (program->labels[i].kind == kind && program->labels[i].id == id) return program->labels[i].text;
    return NULL;
}

bool hack_bench_read_program(const char *program_folder, hack_bench_program *program)
{
    memset(program, 0, sizeof *program);
    char path[4096];
    snprintf(path, sizeof path, "%s/Main.jack", program_folder);
    FILE *f = hack_textfile_open_regular(path, NULL);
    if (!f) return false;
    char line[1024];
    bool have_purpose = false;
    while (fgets(line, sizeof line, f)) {
        const char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "//", 2) != 0) continue;
        p += 2;
        while (*p == ' ') p++;
        size_t length = strcspn(p, "\r\n");
        if (strncmp(p, "purpose:", 8) == 0 && !have_purpose) {
            const char *t = p + 8;
            while (*t == ' ') t++;
            copy_text(program->purpose, sizeof program->purpose, t, length - (size_t)(t - p));
            have_purpose = true;
        } else if (strncmp(p, "expect: Sys.error(", 18) == 0) {
            program->expect_error = atoi(p + 18);
        } else if (strncmp(p, "expect: Sys.halt", 16) == 0) {
            program->expect_halt = true;
        } else if (strncmp(p, "compare: screen", 15) == 0) {
            program->compare_screen = true;
            /* "// compare: screen within 1": a pixel lit on one screen and not the other is forgiven when the other
             * lights a neighbour (a line's or a circle's edge drawn one pixel aside) */
            program->screen_tolerance = strstr(p, "within 1") != NULL;
            /* "// compare: screen or a row up": the characters of the course's Output.jack skeleton's map land one pixel
             * row higher than the course's compiled OS draws them; a screen that is the reference's moved up a row
             * passes too */
            program->screen_row_up = strstr(p, "or a row up") != NULL;
        } else if (strncmp(p, "wait:", 5) == 0 && program->wait_count < sizeof program->waits / sizeof program->waits[0]) {
            int from, to, ms;
            if (sscanf(p + 5, "%d %d %d", &from, &to, &ms) == 3 && from >= 0 && from < STEP_CYCLES && to >= 0 &&
                to < STEP_CYCLES && ms > 0 && ms < 32768) {
                program->waits[program->wait_count].from = from;
                program->waits[program->wait_count].to = to;
                program->waits[program->wait_count++].ms = ms;
            }
        } else if (strncmp(p, "inits:", 6) == 0) {
            program->check_inits = true;
        } else if (strncmp(p, "keys:", 5) == 0) {
            read_keys(p + 5, length - 5, program);
        } else if (read_label(p, length, program)) {
        } else if (strncmp(p, "optional:", 9) == 0) {
            program->optional = true;
            /* a policy check (Memory's SeedPolicy): its failure is another policy, not a fault */
            program->policy = strstr(p, "policy") != NULL;
        } else if (strncmp(p, "figures:", 8) == 0) {
            program->figures = true;
        }
    }
    fclose(f);
    find_cmp(program_folder, program->cmp, sizeof program->cmp);
    if (program->cmp[0] && !have_purpose)
        snprintf(program->purpose, sizeof program->purpose, "a course-style test: the RAM words its .cmp names");
    return true;
}

/* ---- building the program ---- */

/* The class a source defines (its file's base name without .vm) is name. */
static bool source_is_class(const hack_source *source, const char *name)
{
    const char *base = hack_path_base_name(source->path);
    size_t n = strlen(name);
    return strncmp(base, name, n) == 0 && strcmp(base + n, ".vm") == 0;
}

static bool is_os_class(const hack_source *source)
{
    for (size_t i = 0; i < hack_os_class_count; i++)
        if (source_is_class(source, hack_os_classes[i].name)) return true;
    return false;
}

static void first_error(const hack_diag_list *diags, char *buf, size_t size)
{
    for (size_t i = 0; i < diags->count; i++)
        if (diags->items[i].severity == HACK_DIAG_ERROR) {
            const hack_diag *d = &diags->items[i];
            if (d->line) /* (a file's own problem has no line: "Memory.jack: not read: ...") */
                snprintf(buf, size, "%s:%u: %s", d->file ? d->file : "", (unsigned)d->line, d->message ? d->message : "");
            else
                snprintf(buf, size, "%s: %s", d->file ? d->file : "", d->message ? d->message : "");
            return;
        }
    snprintf(buf, size, "the program could not be built");
}

/* Whether folder brings its own Check.jack (run alone, a test program has it beside its Main.jack). */
static bool has_own_check(const char *folder)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/Check.jack", folder);
    return access(path, F_OK) == 0;
}

/* Whether the project's OS serves Class.function (name "Math.multiply"): the course's API names it. */
static bool in_os_api(const char *name, size_t length)
{
    for (size_t i = 0; i < hack_os_api_count; i++) {
        const size_t c = strlen(hack_os_api[i].class_name), f = strlen(hack_os_api[i].name);
        if (c + 1 + f == length && strncmp(name, hack_os_api[i].class_name, c) == 0 && name[c] == '.' &&
            strncmp(name + c + 1, hack_os_api[i].name, f) == 0)
            return true;
    }
    return false;
}

static bool regular_file(const char *path, struct stat *info)
{
    return stat(path, info) == 0 && S_ISREG(info->st_mode);
}

/* Appends text to a result's note ("; " between notes). */
static void add_note(hack_bench_result *result, const char *text)
{
    size_t n = strlen(result->note);
    snprintf(result->note + n, sizeof result->note - n, "%s%s", n ? "; " : "", text);
}

/* Where under student (three folders deep at most) a file name is, for a student who handed in a folder of
 * folders ("projects/12/Math.jack"): its folder relative to student, or false. */
static bool find_below(const char *student, const char *name, char *found, size_t size, int depth)
{
    DIR *d = depth > 0 ? opendir(student) : NULL;
    if (!d) return false;
    struct dirent *e;
    bool hit = false;
    while (!hit && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        struct stat info;
        int n = snprintf(path, sizeof path, "%s/%s", student, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path || lstat(path, &info) != 0 || !S_ISDIR(info.st_mode))
            continue; /* (symbolic links not followed) */
        char inside[4096];
        n = snprintf(inside, sizeof inside, "%s/%s", path, name);
        if (n < 0 || (size_t)n >= sizeof inside) continue;
        if (regular_file(inside, &info)) {
            snprintf(found, size, "%s", e->d_name);
            hit = true;
        } else {
            char deeper[1024];
            if (find_below(path, name, deeper, sizeof deeper, depth - 1)) {
                snprintf(found, size, "%.200s/%.700s", e->d_name, deeper);
                hit = true;
            }
        }
    }
    closedir(d);
    return hit;
}

/* The student's class name, compiled alone (the folder's other classes read for their declarations only, so that
 * an error in another file is not this class's) into sources: their name.vm when they have one, taken as it is as
 * hackemu takes it (a newer name.jack is noted), else name.jack. *missing when they have neither. */
static bool add_student_class(const char *student, const char *name, hack_vm_sources *sources, bool *missing,
                              hack_bench_result *result, hack_diag_list *diags)
{
    char vm[4096], jack[4096];
    snprintf(vm, sizeof vm, "%s/%s.vm", student, name);
    snprintf(jack, sizeof jack, "%s/%s.jack", student, name);
    struct stat vm_info, jack_info;
    /* (a file that is there but no regular file, a FIFO, is read and refused by the build, not called missing) */
    const bool has_vm = stat(vm, &vm_info) == 0 && !S_ISDIR(vm_info.st_mode),
               has_jack = stat(jack, &jack_info) == 0 && !S_ISDIR(jack_info.st_mode);
    *missing = !has_vm && !has_jack;
    if (*missing) return false;
    if (has_vm && has_jack && jack_info.st_mtime > vm_info.st_mtime) {
        char note[256];
        snprintf(note, sizeof note, "%s.jack is newer than %s.vm: the .vm was graded, as hackemu runs it (compile "
                 "again, or delete the .vm)", name, name);
        add_note(result, note);
    }
    hack_vm_sources one = {0};
    bool ok = hack_build_vm_sources(has_vm ? vm : jack, &one, diags);
    for (size_t i = 0; ok && i < one.count; i++) {
        const hack_source *s = &one.items[i];
        ok = hack_vm_sources_add(sources, s->path, s->text, s->length) &&
             (!s->origin_path || /* the Jack lines it was compiled from, for the student's reports */
              hack_sources_set_origin(sources, sources->count - 1, s->origin_path, s->origins, s->origin_count));
    }
    hack_vm_sources_free(&one);
    return ok;
}

/* Whether sources have a class name. */
static bool has_class(const hack_vm_sources *sources, const char *name)
{
    for (size_t i = 0; i < sources->count; i++)
        if (source_is_class(&sources->items[i], name)) return true;
    return false;
}

/* The student's classes their added code needs: a call to a function neither sources define nor the course's API
 * names (their Screen calling Math.twoToThe, their Math calling MathUtil.twice) brings in the student's class of
 * that name, which may need others in turn (sources from first on are theirs). */
static bool add_student_helpers(const char *student, hack_vm_sources *sources, size_t first, hack_bench_result *result,
                                hack_diag_list *diags)
{
    bool ok = true;
    for (size_t i = first; ok && i < sources->count; i++) {
        /* (the text, not the source: adding a class may move the sources) */
        const char *text = sources->items[i].text, *line;
        const size_t text_length = sources->items[i].length;
        size_t offset = 0, line_length;
        while (ok && hack_textfile_next_line(text, text_length, &offset, &line, &line_length)) {
            size_t at = 0; /* a call command (not a comment that names one) */
            while (at < line_length && (line[at] == ' ' || line[at] == '\t')) at++;
            if (line_length - at < 5 || memcmp(line + at, "call", 4) != 0 || (line[at + 4] != ' ' && line[at + 4] != '\t'))
                continue;
            const char *name = line + at + 4;
            while (*name == ' ' || *name == '\t') name++;
            size_t length = strcspn(name, " \t\r\n");
            const char *dot = memchr(name, '.', length);
            char function[256], class_name[128];
            if (!dot || length >= sizeof function || (size_t)(dot - name) >= sizeof class_name) continue;
            snprintf(function, sizeof function, "%.*s", (int)length, name);
            snprintf(class_name, sizeof class_name, "%.*s", (int)(dot - name), name);
            if (hack_build_defines_function(sources, function) || in_os_api(name, length) ||
                has_class(sources, class_name) || strcmp(class_name, "Check") == 0 || strcmp(class_name, "Main") == 0)
                continue;
            bool missing;
            if (!add_student_class(student, class_name, sources, &missing, result, diags) && !missing) ok = false;
            if (ok && !missing) {
                char note[256];
                const char *caller = hack_path_base_name(sources->items[i].path);
                snprintf(note, sizeof note, "with the student's %.60s too (their %.*s calls %.100s)", class_name,
                         (int)strcspn(caller, "."), caller, function);
                add_note(result, note);
            }
        }
    }
    return ok;
}

/* Builds the program of folder with the student's class under test (every OS class of theirs with student_os) and
 * the classes of theirs it calls that the course's API does not name, each compiled alone; the project's OS for the
 * rest, and Check. */
static bool build(const char *student, const char *folder, const char *tested, bool student_os, hack_program *program,
                  unsigned *os_added, hack_bench_result *result)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_sources sources = {0};
    /* Check (os/tests/Check.jack, carried in the tools) is part of every test program */
    hack_sources check = {0};
    bool ok = has_own_check(folder) || hack_sources_add(&check, "(bench)/Check.jack", hack_bench_classes[0].source,
                                                        hack_bench_classes[0].length);
    ok = ok && hack_build_vm_sources_with(folder, &check, &sources, &diags);
    hack_sources_free(&check);
    if (!ok) {
        first_error(&diags, result->detail, sizeof result->detail);
        goto out;
    }
    /* a program folder's own copy of the class (a course test folder holding the course's skeleton) gives way;
     * with the student's whole OS, every OS class of the folder does */
    for (size_t i = sources.count; i-- > 0;)
        if (source_is_class(&sources.items[i], tested) || (student && student_os && is_os_class(&sources.items[i])))
            hack_vm_sources_remove(&sources, i);
    const size_t theirs = sources.count;
    if (student && tested[0]) {
        bool missing;
        ok = add_student_class(student, tested, &sources, &missing, result, &diags);
        if (missing) {
            char file[128], below[1024];
            snprintf(file, sizeof file, "%s.jack", tested);
            int n = snprintf(result->detail, sizeof result->detail, "%s has no %s.jack or %s.vm", student, tested, tested);
            if (find_below(student, file, below, sizeof below, 3)) {
                snprintf(result->found_in, sizeof result->found_in, "%.200s/%.200s", student, below);
                if (n > 0 && (size_t)n < sizeof result->detail)
                    snprintf(result->detail + n, sizeof result->detail - (size_t)n, " (there is one in %.401s: grade that folder)",
                             result->found_in);
            }
            result->verdict = HACK_BENCH_MISSING_CLASS;
            goto out;
        }
    }
    for (size_t c = 0; ok && student && student_os && c < hack_os_class_count; c++) {
        bool missing; /* (a class they have not written is the project's) */
        if (!add_student_class(student, hack_os_classes[c].name, &sources, &missing, result, &diags) && !missing) ok = false;
    }
    ok = ok && (!student || add_student_helpers(student, &sources, theirs, result, &diags));
    ok = ok && hack_build_add_os_whole_classes(&sources, true, os_added, &diags); /* theirs is theirs, whole */
    hack_vm_options vm_options = {.bootstrap = true, .require_functions = true};
    ok = ok && hack_vm_build(&sources, &vm_options, folder, program, &diags) &&
         hack_build_mark_project_os(program, *os_added);
    if (!ok) first_error(&diags, result->detail, sizeof result->detail);
out:
    hack_vm_sources_free(&sources);
    hack_diag_list_free(&diags);
    return ok;
}

/* ---- the run ---- */

/* An OS class's init function watched for its call ("// inits:") */
typedef struct {
    struct run_log_s *log;
    int index; /* in init_functions */
} init_watch;

typedef struct run_log_s {
    char fail[512];       /* the first FAIL line */
    hack_bench_verdict fail_verdict; /* what its check's label says it is (full-heap, merge), else a wrong result */
    bool passed;          /* a PASS line */
    char step[256];       /* the last STEP line: what the program was doing */
    char last[256];       /* the last line printed */
    bool heap_found;      /* the heap check found what decides: the first finding that counts, */
    hack_heap_finding heap_finding; /* this one */
    bool noted;           /* the first finding that does not count (one made before the heap was set up) */
    hack_heap_finding note_finding;
    char prefix[40];      /* the class under test's functions: "Memory." */
    /* Check's reports */
    const hack_bench_program *info;
    hack_session *session;
    int16_t *values;      /* Check.value's, in order */
    uint16_t *value_sites; /* the return address of each (the test program's line) */
    int16_t *value_ids;    /* the id each was given (its label) */
    size_t value_count, value_capacity;
    bool out_of_memory;
    uint64_t step_cycles[STEP_CYCLES]; /* when Check.step(id) was called (0: not) */
    /* "// inits:": the OS inits called, in order, and those called before Main.main */
    bool inits_called[5], inits_before_main[5], main_started;
    bool init_returned; /* Sys.init returned (it must halt) */
    uint8_t init_order[5];
    int init_count;
    init_watch init_watches[5];
} run_log;

/* ---- Check: the test program's reports, natively ---- */

static hack_hook_action check_value(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    run_log *log = context;
    *value = 0;
    if (e->count < 2) return HACK_HOOK_RETURN;
    if (log->value_count == log->value_capacity) {
        size_t capacity = log->value_capacity ? 2 * log->value_capacity : 64;
        int16_t *values = realloc(log->values, capacity * sizeof *values);
        if (values) log->values = values;
        uint16_t *sites = realloc(log->value_sites, capacity * sizeof *sites);
        if (sites) log->value_sites = sites;
        int16_t *ids = realloc(log->value_ids, capacity * sizeof *ids);
        if (ids) log->value_ids = ids;
        if (!values || !sites || !ids || capacity > 65536) {
            log->out_of_memory = true;
            return HACK_HOOK_RETURN;
        }
        log->value_capacity = capacity;
    }
    log->values[log->value_count] = (int16_t)hack_machine_ram(m, (uint16_t)(e->arg + 1));
    log->value_ids[log->value_count] = (int16_t)hack_machine_ram(m, e->arg);
    /* the call pushed its return address after the arguments */
    log->value_sites[log->value_count++] = hack_machine_ram(m, (uint16_t)(e->arg + e->count));
    return HACK_HOOK_RETURN;
}

/* "FAIL " and the label's text with %1..%4 replaced by the numbers (or the numbers alone, with no label). */
/* The verdict a failed check stands for, by its label's first word (the test program's header names them:
 * "full-heap ...", "merge ..."); anything else is a wrong result. */
static hack_bench_verdict verdict_of_check(const char *label)
{
    while (label && *label == ' ') label++;
    if (!label) return HACK_BENCH_WRONG_RESULT;
    return strncmp(label, "full-heap", 9) == 0 ? HACK_BENCH_FULL_HEAP
           : strncmp(label, "merge", 5) == 0   ? HACK_BENCH_NO_MERGING
                                               : HACK_BENCH_WRONG_RESULT;
}

static hack_hook_action check_fail(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    run_log *log = context;
    *value = 0;
    int id = e->count > 0 ? (int16_t)hack_machine_ram(m, e->arg) : 0, numbers[4] = {0};
    for (int i = 0; i < 4 && i + 1 < e->count; i++) numbers[i] = (int16_t)hack_machine_ram(m, (uint16_t)(e->arg + 1 + i));
    if (log->fail[0]) return HACK_HOOK_STOP;
    const char *label = log->info ? label_text(log->info, 'f', id) : NULL;
    log->fail_verdict = verdict_of_check(label);
    hack_strbuf text;
    hack_strbuf_init(&text);
    hack_strbuf_append(&text, "FAIL ", 5);
    if (!label) {
        hack_strbuf_appendf(&text, "check %d: %d %d %d %d", id, numbers[0], numbers[1], numbers[2], numbers[3]);
    } else {
        for (const char *c = label; *c; c++)
            if (c[0] == '%' && c[1] >= '1' && c[1] <= '4')
                hack_strbuf_appendf(&text, "%d", numbers[*++c - '1']);
            else
                hack_strbuf_append_char(&text, *c);
    }
    const char *t = hack_strbuf_text(&text);
    copy_text(log->fail, sizeof log->fail, t, strlen(t));
    hack_strbuf_free(&text);
    return HACK_HOOK_STOP; /* the run ends here */
}

static hack_hook_action check_step(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    run_log *log = context;
    *value = 0;
    int id = e->count > 0 ? (int16_t)hack_machine_ram(m, e->arg) : 0;
    const char *label = log->info ? label_text(log->info, 's', id) : NULL;
    if (id >= 0 && id < STEP_CYCLES) log->step_cycles[id] = hack_machine_cycles(m);
    if (label)
        copy_text(log->step, sizeof log->step, label, strlen(label));
    else
        snprintf(log->step, sizeof log->step, "step %d", id);
    return HACK_HOOK_RETURN;
}

static hack_hook_action check_pass(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)m;
    (void)e;
    run_log *log = context;
    *value = 0;
    log->passed = true;
    return HACK_HOOK_STOP; /* the end */
}

/* The header's keys, typed from Main.main's start: each held for a while and released, so that a readChar
 * that waits for the key to go down and then up sees each once. */
enum { KEY_PERIOD = 100000 };

/* The OS classes' init functions a Sys.init must call before Main.main, Memory's first ("// inits:"). */
static const char *const init_functions[] = {"Memory.init", "Math.init", "Screen.init", "Output.init", "Keyboard.init"};
enum { INIT_COUNT = sizeof init_functions / sizeof init_functions[0] };
/* whether the course's compiled OS's init of each allocates (Math.vm, Screen.vm, Output.vm call Array.new or
 * String.new in their init): those must follow Memory.init */
static const bool init_allocates[INIT_COUNT] = {false, true, true, true, false};

static hack_hook_action note_init(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value);

/* Sys.init returning (it must halt): noted, and the run stopped there, before the return runs into the code
 * after the bootstrap */
static hack_hook_action sys_init_returns(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)m;
    (void)value;
    run_log *log = context;
    if (e->kind != HACK_HOOK_RESULT) return HACK_HOOK_PROCEED;
    log->init_returned = true;
    return HACK_HOOK_STOP;
}

static hack_hook_action main_starts(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    run_log *log = context;
    if (e->kind != HACK_HOOK_CALL || !log->info) return HACK_HOOK_PROCEED;
    if (!log->main_started) { /* which inits Sys.init called before it */
        log->main_started = true;
        memcpy(log->inits_before_main, log->inits_called, sizeof log->inits_before_main);
    }
    if (!log->info->key_count) return HACK_HOOK_PROCEED;
    hack_key_event events[2 * sizeof log->info->keys];
    size_t n = 0;
    for (size_t i = 0; i < log->info->key_count; i++) {
        uint64_t at = hack_machine_cycles(m) + (uint64_t)(i + 1) * KEY_PERIOD;
        events[n++] = (hack_key_event){at, (uint8_t)log->info->keys[i]};
        events[n++] = (hack_key_event){at + KEY_PERIOD / 2, 0};
    }
    hack_session_set_keys(log->session, events, n);
    return HACK_HOOK_PROCEED;
}

/* ---- the costly functions' cycles per call ---- */

const char *const hack_bench_timed_functions[HACK_BENCH_TIMED_COUNT] = {
    "Math.multiply", "Math.divide", "Math.sqrt", "Screen.drawLine", "Screen.drawCircle", "Output.printString"};

typedef struct {
    hack_bench_timing *timing;
    uint64_t start;
    uint32_t depth; /* calls in progress: only the outermost is timed */
} timer;

static hack_hook_action time_call(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    timer *t = context;
    if (e->kind == HACK_HOOK_CALL) {
        if (t->depth++ == 0) t->start = hack_machine_cycles(m);
    } else if (t->depth && --t->depth == 0) {
        uint64_t took = hack_machine_cycles(m) - t->start;
        t->timing->calls++;
        t->timing->cycles += took;
        if (took > t->timing->max) t->timing->max = took > UINT32_MAX ? UINT32_MAX : (uint32_t)took;
    }
    return HACK_HOOK_PROCEED;
}

/* Times the costly functions the program has in Jack (not those native code replaces: they are hooked). */
static void bind_timers(hack_machine *m, const hack_program *program, timer *timers, hack_bench_result *result)
{
    for (size_t i = 0; i < HACK_BENCH_TIMED_COUNT; i++) {
        timers[i] = (timer){.timing = &result->timings[i]};
        const char *name = hack_bench_timed_functions[i];
        const hack_symbol *f = hack_symtab_find(&program->symbols, name, strlen(name));
        if (f && f->kind == HACK_SYMBOL_FUNCTION && !hack_machine_hooked(m, (uint16_t)f->value))
            hack_machine_add_hook(m, (uint16_t)f->value, HACK_HOOK_OBSERVE, time_call, &timers[i]);
    }
}

/* Binds Check's functions and the keys to the loaded program. */
static bool bind_checks(hack_machine *m, const hack_program *program, run_log *log)
{
    static const struct {
        const char *name;
        hack_hook_kind kind;
        hack_hook_fn fn;
    } hooks[] = {{"Check.value", HACK_HOOK_REPLACE, check_value},
                 {"Check.fail", HACK_HOOK_REPLACE, check_fail},
                 {"Check.step", HACK_HOOK_REPLACE, check_step},
                 {"Check.pass", HACK_HOOK_REPLACE, check_pass},
                 {"Main.main", HACK_HOOK_OBSERVE, main_starts}};
    const bool inits = log->info && log->info->check_inits;
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
        const hack_symbol *f = hack_symtab_find(&program->symbols, hooks[i].name, strlen(hooks[i].name));
        if (!f || f->kind != HACK_SYMBOL_FUNCTION) continue;
        if (hooks[i].fn == main_starts && (!log->info || (!log->info->key_count && !inits))) continue;
        if (!hack_machine_add_hook(m, (uint16_t)f->value, hooks[i].kind, hooks[i].fn, log)) return false;
    }
    const hack_symbol *sys_init = hack_symtab_find(&program->symbols, "Sys.init", 8);
    if (inits && sys_init && sys_init->kind == HACK_SYMBOL_FUNCTION && !hack_machine_hooked(m, (uint16_t)sys_init->value))
        hack_machine_add_hook(m, (uint16_t)sys_init->value, HACK_HOOK_OBSERVE, sys_init_returns, log);
    for (int i = 0; inits && i < INIT_COUNT; i++) {
        const hack_symbol *f = hack_symtab_find(&program->symbols, init_functions[i], strlen(init_functions[i]));
        log->init_watches[i] = (init_watch){log, i};
        if (f && f->kind == HACK_SYMBOL_FUNCTION && !hack_machine_hooked(m, (uint16_t)f->value))
            hack_machine_add_hook(m, (uint16_t)f->value, HACK_HOOK_OBSERVE, note_init, &log->init_watches[i]);
    }
    return true;
}

static hack_hook_action note_init(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)m;
    (void)value;
    init_watch *w = context;
    if (e->kind == HACK_HOOK_CALL) {
        if (!w->log->inits_called[w->index]) w->log->init_order[w->log->init_count++] = (uint8_t)w->index;
        w->log->inits_called[w->index] = true;
    }
    return HACK_HOOK_PROCEED;
}

/* "// inits:": Sys.init called every init before Main.main, Memory.init first. */
static void judge_inits(hack_bench_result *r, const run_log *log, const hack_program *program)
{
    const char *wrong = NULL;
    char why[256] = "";
    for (int i = 0; i < INIT_COUNT && !wrong; i++)
        if (hack_symtab_find(&program->symbols, init_functions[i], strlen(init_functions[i])) &&
            !log->inits_before_main[i]) {
            wrong = init_functions[i];
            snprintf(why, sizeof why, "Sys.init did not call %s before Main.main", wrong);
        }
    /* an init before Memory.init is wrong where the course's own init of that class allocates (Math's, Screen's
     * and Output's make arrays): with the course's classes that Sys.init would allocate on no heap. Keyboard.init
     * allocates nothing there, so calling it first is harmless. */
    for (int k = 0; !wrong && k < log->init_count && log->init_order[k] != 0; k++)
        if (init_allocates[log->init_order[k]]) {
            wrong = "Memory.init";
            snprintf(why, sizeof why,
                     "Sys.init called %s before Memory.init (the course's %s allocates: with it, on no heap yet)",
                     init_functions[log->init_order[k]], init_functions[log->init_order[k]]);
        }
    if (!wrong && log->init_returned) {
        wrong = "Sys.halt";
        snprintf(why, sizeof why,
                 "Sys.init returned after Main.main: it must halt (the course's Sys.init calls Sys.halt; a return "
                 "runs into whatever code follows the bootstrap)");
    }
    if (!wrong) return;
    r->verdict = HACK_BENCH_WRONG_RESULT;
    snprintf(r->detail, sizeof r->detail, "%s", why);
    const hack_symbol *init = hack_symtab_find(&program->symbols, "Sys.init", 8);
    if (init) hack_backtrace_describe(program, (uint16_t)init->value, r->place, sizeof r->place);
}

static void on_output(void *context, const char *text)
{
    run_log *log = context;
    if (strncmp(text, "FAIL", 4) == 0 && !log->fail[0]) { /* a check the program printed: "FAIL <label>" */
        copy_text(log->fail, sizeof log->fail, text, strlen(text));
        log->fail_verdict = verdict_of_check(text + 4);
    }
    if (strcmp(text, "PASS") == 0) log->passed = true;
    if (strncmp(text, "STEP ", 5) == 0) copy_text(log->step, sizeof log->step, text + 5, strlen(text + 5));
    copy_text(log->last, sizeof log->last, text, strlen(text));
}

/* The first line of text. */
static void first_line(char *buf, size_t size, const char *text)
{
    copy_text(buf, size, text, strcspn(text, "\n"));
}

/* The function a frame is in ("Memory.alloc"), or "" for a frame in no function (the bootstrap, the halt loop
 * after the last command, the translator's shared code whose caller is lost, code outside functions). */
static const char *frame_function(const hack_program *program, const hack_backtrace_frame *frame)
{
    const hack_source_location *at = program->locations && frame->pc < program->count ? &program->locations[frame->pc] : NULL;
    if (frame->lost || (at && (at->routine == HACK_ROUTINE_BOOTSTRAP || at->routine == HACK_ROUTINE_END))) return "";
    const hack_symbol *f = hack_program_function_at(program, frame->pc);
    return f ? f->name : "";
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Memory.peek or Memory.poke */
static bool is_peek_poke(const char *function)
{
    return strcmp(function, "Memory.peek") == 0 || strcmp(function, "Memory.poke") == 0;
}

/* Where a finding (or a stop) happened, as the student would look for it: the innermost of its frames that is
 * neither the project's OS (Array.new, String.new: the student's call is further out) nor, when Memory's own code
 * called it, Memory.peek or poke (the allocator's line is its caller's), nor of a class that starts with skip.
 * The first frame when there is no such frame. False when there are no frames. */
static bool student_frame(const hack_program *program, const hack_backtrace_frame *frames, size_t n, const char *skip,
                          char *buf, size_t size)
{
    buf[0] = '\0';
    if (!n) return false;
    for (size_t i = 0; i < n; i++) {
        const char *function = frame_function(program, &frames[i]);
        char class_name[128];
        copy_text(class_name, sizeof class_name, function, strcspn(function, "."));
        if (function[0] && hack_program_has_project_os(program, class_name)) continue;
        if (skip && function[0] && starts_with(function, skip)) continue;
        if (is_peek_poke(function) && i + 1 < n && starts_with(frame_function(program, &frames[i + 1]), "Memory."))
            continue;
        hack_backtrace_frame_describe(program, &frames[i], buf, size);
        return true;
    }
    hack_backtrace_frame_describe(program, &frames[0], buf, size);
    return true;
}

/* The index of the innermost frame of the function want ("Memory.init"), or of a class (want ends with a dot:
 * "Memory."), or of any frame (want ""): n when there is none. */
static size_t frame_index(const hack_program *program, const hack_backtrace_frame *frames, size_t n, const char *want)
{
    const size_t length = strlen(want);
    for (size_t i = 0; i < n; i++) {
        const char *function = frame_function(program, &frames[i]);
        const bool named = length && want[length - 1] == '.' ? function[0] && starts_with(function, want)
                                                              : strcmp(function, want) == 0;
        if (!want[0] || named) return i;
    }
    return n;
}

/* That frame (frame_index) as "F (File:line)". False when there is none. */
static bool frame_named(const hack_program *program, const hack_backtrace_frame *frames, size_t n, const char *want,
                        char *buf, size_t size)
{
    buf[0] = '\0';
    const size_t i = frame_index(program, frames, n, want);
    if (i == n) return false;
    hack_backtrace_frame_describe(program, &frames[i], buf, size);
    return true;
}

static void on_heap_report(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)text; /* (the finding tells what the bench shows: its headline, its facts) */
    run_log *log = context;
    const hack_program *program = hack_session_program(log->session);
    /* leaks are the test program's, and the summary line says nothing new */
    if (finding->kind == HACK_HEAP_FINDING_LEAK || finding->kind == HACK_HEAP_FINDING_SUMMARY) return;
    /* a test program's own Memory.peek or poke of a word in no block (the course's MemoryTest pokes RAM[8000])
     * is the program's business, not the allocator's: a student's Jack peek and poke are not checked either.
     * (Called from Memory's own functions, they are the allocator's, and count.) */
    const size_t n = finding->frame_count;
    const char *innermost = n ? frame_function(program, &finding->frames[0]) : "";
    if (n && is_peek_poke(innermost) && !(n > 1 && starts_with(frame_function(program, &finding->frames[1]), "Memory.")))
        return;
    /* what the allocator did when called before its heap was set up (Array.new in Memory.init) is a note */
    if (finding->in_init) {
        if (!log->noted) {
            log->noted = true;
            log->note_finding = *finding;
        }
        return;
    }
    /* so are a course test's own writes of its results (ArrayTest's and MathTest's RAM[8000..] through an Array) */
    if (n && log->info && log->info->cmp[0] && starts_with(innermost, "Main.")) return;
    /* every finding is seen (the bench takes them all); the first that counts decides: it came first */
    if (!log->heap_found) {
        log->heap_found = true;
        log->heap_finding = *finding;
    }
}

/* The frame (LCL) of the innermost call of a function of the class under test (prefix "Memory."), 0 when none;
 * *return_address: where it returns to; *place (may be NULL): where it is, as call stacks name it (the PC, or the
 * call it made). The whole call stack is searched, through the saved LCLs: a recursion deeper than the frames
 * hack_backtrace_frames keeps does not hide the class's call (a stack overflow's). */
static uint32_t memory_frame(const hack_machine *m, const hack_program *program, const char *prefix,
                             uint16_t *return_address, hack_backtrace_frame *place)
{
    if (!prefix[0]) return 0; /* the student's whole OS: no one class to be stuck in */
    uint16_t pc = hack_machine_pc(m), lcl = hack_machine_ram(m, 1);
    for (int depth = 0; depth < HACK_RAM_SIZE / 5; depth++) { /* (a frame takes 5 words at least) */
        const hack_symbol *f = hack_program_function_at(program, pc);
        bool in_memory = f && strncmp(f->name, prefix, strlen(prefix)) == 0;
        hack_backtrace_frame at = {(uint16_t)(pc - 1), false, 0}; /* (deeper than the PC: the call made there) */
        if (depth == 0) /* the PC may be in the translator's shared routines: whose call or return it is */
            in_memory = hack_backtrace_frames(m, program, &at, 1, NULL) && starts_with(frame_function(program, &at), prefix);
        if (in_memory) {
            *return_address = lcl >= 5 && lcl < HACK_RAM_SIZE ? hack_machine_ram(m, (uint16_t)(lcl - 5)) : 0;
            if (place) *place = at;
            return lcl;
        }
        if (lcl < 5 || lcl >= HACK_RAM_SIZE) return 0;
        pc = hack_machine_ram(m, (uint16_t)(lcl - 5));
        lcl = hack_machine_ram(m, (uint16_t)(lcl - 4));
        if (pc == 0 || pc >= HACK_ROM_SIZE) return 0; /* (0: no return address; the bootstrap is at 0) */
    }
    return 0;
}

/* Whether Sys.halt is in the call stack (the innermost frames first: a halt calls little). */
static bool in_sys_halt(const hack_machine *m, const hack_program *program)
{
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES];
    const size_t n = hack_backtrace_frames(m, program, frames, HACK_BACKTRACE_FRAMES, NULL);
    for (size_t i = 0; i < n; i++)
        if (strcmp(frame_function(program, &frames[i]), "Sys.halt") == 0) return true;
    return false;
}

/* Whether the program called Sys.error (its stop's record says so). */
static bool sys_error_called(const hack_session *session)
{
    hack_stop_record *record = malloc(sizeof *record);
    if (!record) return false;
    hack_session_record_stop(session, (hack_session_stop){.state = HACK_SESSION_HALTED}, record);
    const bool called = record->sys_error;
    free(record);
    return called;
}

/* Runs the program up to budget cycles, looking between slices of it whether it is in Sys.halt (*halting): a halt
 * that loops doing something (counting, calling Sys.wait) is no fixed point the session can see, and would run to
 * the end of the budget; a Sys.halt that returns is seen to return. */
static hack_session_stop run_watching_halt(hack_session *session, const hack_machine *m, const hack_program *program,
                                           uint64_t budget, bool *halting)
{
    const uint64_t slice = budget / 16 ? budget / 16 : budget;
    uint64_t total = 0;
    hack_session_stop stop;
    *halting = false;
    for (;;) {
        stop = hack_session_run(session, budget - total < slice ? budget - total : slice);
        total += stop.cycles;
        if (stop.state != HACK_SESSION_BUDGET || total >= budget) break;
        if (in_sys_halt(m, program)) {
            *halting = true;
            break;
        }
    }
    stop.cycles = total;
    return stop;
}

static void classify_stop(hack_bench_result *r, const run_log *log, const hack_stop_record *record,
                          const hack_machine *machine, const hack_program *program, int expect, bool stuck,
                          uint64_t budget, const hack_heap_call_stats *heap, bool merging);

/* The block a verdict is about, for the readers that decide by it (hack_bench_result's block_known). */
static void set_block(hack_bench_result *r, uint16_t address, uint32_t first, uint32_t last)
{
    r->block_known = true;
    r->address = address;
    r->block_first = first;
    r->block_last = last;
}

/* The verdict of the heap check's finding that decides (the first that counts), with its detail and place. */
static void classify_finding(hack_bench_result *r, const run_log *log, const hack_program *program, bool merging)
{
    const hack_heap_finding *f = &log->heap_finding;
    snprintf(r->detail, sizeof r->detail, "%s", f->headline);
    student_frame(program, f->frames, f->frame_count, NULL, r->place, sizeof r->place);
    switch (f->kind) {
    case HACK_HEAP_FINDING_SIZE_NOT_REFUSED: r->verdict = HACK_BENCH_MISSING_ERROR; return;
    case HACK_HEAP_FINDING_NOT_A_BLOCK:
    case HACK_HEAP_FINDING_OUTSIDE_HEAP: {
        /* 0, -1 or garbage: on a heap with no room for the request, that is a full heap (or, for Merge's
         * large block, no merging); with room left, the allocator lost its way */
        const bool room = f->request > 0 && (uint32_t)f->request + 2 <= f->longest_free;
        r->verdict = room && f->kind == HACK_HEAP_FINDING_NOT_A_BLOCK ? HACK_BENCH_NULL_WITH_ROOM /* 0, -1: no block */
                     : room                                            ? HACK_BENCH_OUTSIDE_HEAP
                     : merging                                         ? HACK_BENCH_NO_MERGING
                                                                       : HACK_BENCH_FULL_HEAP;
        if (r->verdict == HACK_BENCH_OUTSIDE_HEAP) /* (room: the request is more than 0) */
            set_block(r, f->address, f->address, (uint32_t)f->address + (uint32_t)f->request - 1);
        return;
    }
    case HACK_HEAP_FINDING_WROTE_INTO_BLOCK: {
        /* during an alloc of 0 or less, that is the Sys.error(5) it never called */
        const long request = f->during_alloc ? f->request : 1;
        if (request <= 0) {
            r->verdict = HACK_BENCH_MISSING_ERROR;
            snprintf(r->detail, sizeof r->detail, "Memory.alloc(%ld) did not end in Sys.error(5): %.400s", request,
                     f->headline);
        } else {
            r->verdict = HACK_BENCH_CORRUPTS; /* its name says what the finding's own words say: its facts alone */
            set_block(r, f->address, f->block, (uint32_t)f->block + f->block_words - 1);
            snprintf(r->detail, sizeof r->detail, "%s", f->headline + f->facts_at);
        }
        return;
    }
    case HACK_HEAP_FINDING_OVERLAP: r->verdict = HACK_BENCH_OVERLAP; return;
    default: r->verdict = HACK_BENCH_BAD_ACCESS; return;
    }
}

static void classify(hack_bench_result *r, const run_log *log, hack_session *session, hack_machine *machine,
                     hack_session_stop stop, int expect, bool stuck, uint64_t budget, const hack_heap_call_stats *heap)
{
    const hack_program *program = hack_session_program(session);
    bool merging = strncmp(log->step, "merge", 5) == 0; /* the Merge program's large request */
    /* the heap check's findings come first: they happened before anything the program could see */
    if (log->heap_found) {
        classify_finding(r, log, program, merging);
        return;
    }
    hack_stop_record *record = malloc(sizeof *record);
    if (!record) {
        r->verdict = HACK_BENCH_BUILD_ERROR;
        snprintf(r->detail, sizeof r->detail, "out of memory");
        return;
    }
    hack_session_record_stop(session, stop, record);
    classify_stop(r, log, record, machine, program, expect, stuck, budget, heap, merging);
    free(record);
}

/* The verdict of how the run stopped (no finding of the heap check, no failed check decided it). */
static void classify_stop(hack_bench_result *r, const run_log *log, const hack_stop_record *record,
                          const hack_machine *machine, const hack_program *program, int expect, bool stuck,
                          uint64_t budget, const hack_heap_call_stats *heap, bool merging)
{
    const hack_session_stop stop = record->stop;
    if (log->fail[0]) {
        copy_text(r->detail, sizeof r->detail, log->fail, strlen(log->fail));
        r->verdict = log->fail_verdict;
        snprintf(r->place, sizeof r->place, "%s", "the test program's check");
        return;
    }
    switch (stop.state) {
    case HACK_SESSION_STACK_ERROR: {
        r->verdict = stop.stack == HACK_STACK_OVERFLOW ? HACK_BENCH_STACK_OVERFLOW : HACK_BENCH_MACHINE_ERROR;
        hack_stop_format(record, HACK_STOP_TEXT_DETAIL, NULL, r->detail, sizeof r->detail);
        /* the class under test's innermost frame, however deep the recursion above it, else where the PC is (the
         * machine is as the record found it: nothing ran since) */
        hack_backtrace_frame mine;
        uint16_t returns;
        if (memory_frame(machine, program, log->prefix, &returns, &mine))
            hack_backtrace_frame_describe(program, &mine, r->place, sizeof r->place);
        else
            snprintf(r->place, sizeof r->place, "%s", record->place);
        return;
    }
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR: {
        r->verdict = HACK_BENCH_MACHINE_ERROR;
        hack_stop_format(record, HACK_STOP_TEXT_DETAIL, NULL, r->detail, sizeof r->detail);
        /* the class under test's frame (an Output that allocates without freeing: the call in Output, not the
         * Sys.error the native Memory ended in), else where the PC is */
        if (!log->prefix[0] ||
            !frame_named(program, record->frames, record->frame_count, log->prefix, r->place, sizeof r->place))
            hack_backtrace_describe(program, record->pc, r->place, sizeof r->place);
        return;
    }
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_DEBUG: /* never: the bench sets no breakpoints */
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: {
        const char *spot = record->hot_spot;
        snprintf(r->place, sizeof r->place, "%s", spot);
        if (stop.state != HACK_SESSION_BUDGET) {
            /* every key typed (the header's) has been read, and it waits for one more */
            const size_t keys = log->info ? log->info->key_count : 0;
            r->verdict = expect ? HACK_BENCH_MISSING_ERROR : HACK_BENCH_WRONG_RESULT;
            snprintf(r->detail, sizeof r->detail, "the program waits for a key after the %zu typed%s", keys,
                     expect ? " instead of calling Sys.error" : "");
        } else if (stuck) {
            r->verdict = HACK_BENCH_NO_PROGRESS;
            snprintf(r->detail, sizeof r->detail, "one call of %.*s did not return in %llu cycles%s%s",
                     (int)strcspn(log->prefix, "."), log->prefix, (unsigned long long)(budget / 4), expect == 6 ? " (on a full heap)" : "",
                     spot[0] ? ": it spins in " : "");
            if (spot[0])
                snprintf(r->detail + strlen(r->detail), sizeof r->detail - strlen(r->detail), "%s", spot);
        } else {
            r->verdict = HACK_BENCH_TOO_SLOW;
            snprintf(r->detail, sizeof r->detail, "did not finish within %llu cycles", (unsigned long long)budget);
            if (heap && heap->allocs && heap->alloc_median && strcmp(log->prefix, "Memory.") == 0) {
                /* every call returned, so the allocator is slow, not stuck: say how slow (the course's own
                 * Memory.vm takes ~45,000 cycles a call in the Objects program, and needs 432 million) */
                size_t n = strlen(r->detail);
                snprintf(r->detail + n, sizeof r->detail - n,
                         ": slow, not stuck: Memory.alloc took %u cycles a call (the median of %llu calls; at most %u)",
                         (unsigned)heap->alloc_median, (unsigned long long)heap->allocs, (unsigned)heap->alloc_max);
            }
        }
        return;
    }
    case HACK_SESSION_SYS_ERROR: {
        first_line(r->detail, sizeof r->detail, record->error_message[0] ? record->error_message : "Sys.error");
        student_frame(program, record->error_frames, record->error_frame_count, "Sys.", r->place, sizeof r->place);
        const int code = record->sys_error_code;
        bool failed_alloc = heap && heap->in_alloc && heap->request > 0; /* raised inside Memory.alloc */
        bool room = failed_alloc && (uint32_t)heap->request + 2 <= heap->longest_free;
        if (expect && code == expect) {
            r->verdict = HACK_BENCH_PASS;
            r->detail[0] = r->place[0] = '\0';
        } else if (merging && failed_alloc) {
            r->verdict = HACK_BENCH_NO_MERGING;
            snprintf(r->detail, sizeof r->detail, "Sys.error(%d) at %s", code, log->step);
        } else if (!expect && failed_alloc && code == 6) {
            /* out of room where a correct allocator has plenty: freed space not found again, or not merged */
            r->verdict = room ? HACK_BENCH_NO_ROOM : HACK_BENCH_NO_MERGING;
            snprintf(r->detail, sizeof r->detail,
                     room ? "Sys.error(6) for alloc(%d) while %u words were in no live block, %u of them in one run (freed "
                                 "space not reused, or not merged)"
                          : "Sys.error(6) for alloc(%d): %u words were in no live block, but in runs of at most %u "
                            "(freed blocks not merged)",
                     (int)heap->request, (unsigned)heap->free_words, (unsigned)heap->longest_free);
        } else {
            r->verdict = HACK_BENCH_WRONG_ERROR;
            if (expect) {
                char due[64];
                snprintf(due, sizeof due, " (Sys.error(%d) was due)", expect);
                size_t n = strlen(r->detail);
                snprintf(r->detail + n, sizeof r->detail - n, "%s", due);
            } else {
                size_t n = strlen(r->detail);
                snprintf(r->detail + n, sizeof r->detail - n, " (no Sys.error was due)");
            }
        }
        return;
    }
    case HACK_SESSION_HALTED: {
        char mine[256];
        if (!log->passed && /* Memory halted it (Sys.halt) */
            frame_named(program, record->frames, record->frame_count, log->prefix, mine, sizeof mine)) {
            r->verdict = expect ? HACK_BENCH_MISSING_ERROR : HACK_BENCH_WRONG_RESULT;
            snprintf(r->detail, sizeof r->detail, "the program halted inside %s%s", mine,
                     expect ? " instead of calling Sys.error" : "");
            snprintf(r->place, sizeof r->place, "%s", mine);
            return;
        }
        if (expect) {
            r->verdict = HACK_BENCH_MISSING_ERROR;
            /* what it was doing: its last step (Check.step: "alloc(0) returned"), or its last printed line */
            const char *doing = log->step[0] ? log->step : log->last;
            snprintf(r->detail, sizeof r->detail, "the program ended without Sys.error(%d)%s%.400s", expect,
                     doing[0] ? ", after: " : "", doing);
        } else if (!log->passed) {
            r->verdict = HACK_BENCH_WRONG_RESULT;
            snprintf(r->detail, sizeof r->detail, "the program ended without printing PASS%s%s",
                     log->last[0] ? "; its last line: " : "", log->last);
        } else {
            r->verdict = HACK_BENCH_PASS;
        }
        return;
    }
    }
}

/* ---- a course-style test: the RAM words its .cmp names ---- */

/* The cells of a .cmp line ("|  RAM[8000]  |  333 |"), trimmed, into cells (at most max). */
static size_t split_cells(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = strchr(line, '|');
    while (p && n < max) {
        char *start = p + 1, *end = strchr(start, '|');
        if (!end) break;
        *end = '\0';
        while (*start == ' ') start++;
        char *tail = end;
        while (tail > start && tail[-1] == ' ') *--tail = '\0';
        cells[n++] = start;
        p = end;
    }
    return n;
}

/* Compares the machine's RAM with the .cmp's last line, column by column (RAM[N] columns only). False with a
 * detail at the first difference. */
static bool check_cmp(const char *cmp_path, const hack_machine *m, char *detail, size_t size)
{
    FILE *f = hack_textfile_open_regular(cmp_path, NULL);
    if (!f) {
        snprintf(detail, size, "cannot read %.300s", cmp_path);
        return false;
    }
    char header[2048] = "", last[2048] = "", line[2048];
    while (fgets(line, sizeof line, f)) {
        if (!strchr(line, '|')) continue;
        if (!header[0])
            memcpy(header, line, sizeof header);
        else
            memcpy(last, line, sizeof last);
    }
    fclose(f);
    char *names[64], *values[64];
    size_t columns = split_cells(header, names, 64), given = split_cells(last, values, 64);
    const char *file = strrchr(cmp_path, '/') ? strrchr(cmp_path, '/') + 1 : cmp_path;
    if (!last[0] || given < columns) {
        snprintf(detail, size, "%.300s has no line of values", file);
        return false;
    }
    for (size_t i = 0; i < columns; i++) {
        unsigned address; /* "RAM[8000]", or "RAM[17000" cut to the column's width as the course's are */
        if (sscanf(names[i], "RAM[%u", &address) != 1 || address >= HACK_RAM_SIZE) continue;
        if (strchr(values[i], '*')) continue;
        long expected = strtol(values[i], NULL, 10);
        long got = (int16_t)hack_machine_ram(m, (uint16_t)address);
        if (got != expected) {
            snprintf(detail, size, "FAIL RAM[%u] is %ld, %.300s expects %ld", address, got, file, expected);
            return false;
        }
    }
    return true;
}

/* ---- the largest request that still succeeds, at Main.probe ---- */

enum { PROBE_BUDGET = 4000000, HEAP_WORDS = 16384 - FIRST_HEAP };

static hack_hook_action stop_here(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)context;
    (void)m;
    (void)e;
    (void)value;
    return HACK_HOOK_STOP;
}

typedef struct {
    hack_session *session;
    hack_machine *machine;
    uint16_t *ram;                /* the machine at Main.probe */
    hack_heap_live_block *blocks; /* the live blocks there */
    size_t block_count;
    uint16_t probe, alloc;        /* Main.probe's and Memory.alloc's entries */
} probe_state;

/* function(argument), called from where the machine stands (at the stop address p->probe, hooked), as a VM call
 * returning there: whether it returned, and its result. */
static bool call_function(probe_state *p, uint16_t function, uint16_t argument, uint16_t *result)
{
    hack_machine *m = p->machine;
    const uint16_t sp = hack_machine_ram(m, 0);
    if (sp + 6u >= FIRST_HEAP) return false;
    hack_machine_set_ram(m, sp, argument);
    hack_machine_set_ram(m, (uint16_t)(sp + 1), p->probe); /* the return address */
    for (uint16_t i = 1; i <= 4; i++) /* the caller's LCL, ARG, THIS, THAT */
        hack_machine_set_ram(m, (uint16_t)(sp + 1 + i), hack_machine_ram(m, i));
    hack_machine_set_ram(m, 0, (uint16_t)(sp + 6));
    hack_machine_set_ram(m, 1, (uint16_t)(sp + 6));
    hack_machine_set_ram(m, 2, sp);
    hack_machine_set_pc(m, function);
    hack_session_run(p->session, PROBE_BUDGET);
    if (hack_machine_pc(m) != p->probe || hack_machine_ram(m, 0) != sp + 1) return false;
    *result = hack_machine_ram(m, sp);
    hack_machine_set_ram(m, 0, sp); /* the result popped: the next call starts where this one did */
    return true;
}

/* Memory.alloc(n) called from the state at Main.probe: whether it returns a block inside the heap that
 * overlaps no live block. The call returns to Main.probe's entry, where the hook stops it. */
static bool request_succeeds(probe_state *p, uint16_t n)
{
    hack_machine *m = p->machine;
    hack_machine_restore_ram(m, p->ram);
    uint16_t block;
    if (!call_function(p, p->alloc, n, &block)) return false;
    uint32_t start = block, end = start + n;
    if (start < FIRST_HEAP || end > 16384) return false;
    for (size_t i = 0; i < p->block_count; i++)
        if (start < (uint32_t)p->blocks[i].address + p->blocks[i].words && p->blocks[i].address < end) return false;
    return true;
}

/* Runs the loaded program to Main.probe and keeps its RAM and live blocks there. */
static bool run_to_probe(probe_state *p, hack_diag_list *diags)
{
    (void)diags;
    if (!hack_machine_hooked(p->machine, p->probe) &&
        !hack_machine_add_hook(p->machine, p->probe, HACK_HOOK_REPLACE, stop_here, NULL))
        return false;
    hack_session_run(p->session, DEFAULT_BUDGET);
    const hack_heap_sanitizer *record = hack_session_block_record(p->session);
    if (hack_machine_pc(p->machine) != p->probe || !record) return false;
    size_t count = hack_heap_sanitizer_live_blocks(record, NULL, 0);
    hack_heap_live_block *blocks = realloc(p->blocks, (count ? count : 1) * sizeof *blocks);
    if (!blocks) return false;
    p->blocks = blocks;
    p->block_count = hack_heap_sanitizer_live_blocks(record, p->blocks, count);
    memcpy(p->ram, hack_machine_ram_view(p->machine), HACK_RAM_SIZE * sizeof *p->ram);
    return true;
}

/* Runs the program again to Main.probe and finds the largest request that succeeds there (-1: no probe). */
static int32_t probe_largest_request(const hack_program *program, unsigned os_added, const hack_session_options *base,
                                     bool native_memory)
{
    const hack_symbol *probe = hack_symtab_find(&program->symbols, "Main.probe", 10);
    const hack_symbol *alloc = hack_symtab_find(&program->symbols, "Memory.alloc", 12);
    if (!probe || !alloc || probe->kind != HACK_SYMBOL_FUNCTION || alloc->kind != HACK_SYMBOL_FUNCTION) return -1;
    int32_t largest = -1;
    probe_state p = {.probe = (uint16_t)probe->value, .alloc = (uint16_t)alloc->value};
    p.machine = hack_machine_create();
    hack_session_options options = *base;
    options.message = NULL;
    options.heap_report = NULL;
    options.output_line = NULL;
    options.mirror_output = false;
    options.heap_timeline = false;
    p.session = p.machine ? hack_session_create(p.machine, &options) : NULL;
    p.ram = malloc(HACK_RAM_SIZE * sizeof *p.ram);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (!p.session || !p.ram || !load(p.session, program, os_added, &diags) ||
        !run_to_probe(&p, &diags))
        goto out;
    /* the largest n that succeeds, by halves (requests that fail above one that succeeds are assumed) */
    uint32_t good = 0, bad = HEAP_WORDS + 1;
    while (bad - good > 1) {
        uint32_t mid = good + (bad - good) / 2;
        bool succeeded = request_succeeds(&p, (uint16_t)mid);
        if (succeeded)
            good = mid;
        else
            bad = mid;
        /* a failed request may have ended in Sys.error or broken the allocator's state, and the native Memory
         * keeps a record of its blocks outside the RAM: then the next request starts from a new run */
        if (bad - good > 1 && (!succeeded || native_memory) &&
            !(hack_session_reload(p.session, &diags) && run_to_probe(&p, &diags)))
            goto out;
    }
    largest = (int32_t)good;
out:
    hack_diag_list_free(&diags);
    hack_session_free(p.session);
    hack_machine_destroy(p.machine);
    free(p.ram);
    free(p.blocks);
    return largest;
}

/* ---- the allocator's policy (for an optional, policy program) ----
 * From Main.main's entry (the OS set up, the heap fresh): four blocks with a 1-word block after each (so that
 * freed ones are never neighbours), every other free word then allocated (the largest requests that succeed,
 * found by halves), the four freed (the 40-word one last), and requests whose blocks land in one of the holes:
 *   alloc(10): the 12-word hole: best fit; the 40-word hole (freed last): a LIFO free list, the seed's; the
 *   lowest hole: first fit or next fit, told apart by alloc(30) (only the 40-word hole holds it) and then
 *   alloc(14): the lowest hole that holds it (first fit), or the first after the 40-word one (next fit);
 *   no block at all: no reuse of freed blocks. */

enum { POLICY_HOLES = 4, POLICY_FILLS = 4 };
static const uint16_t hole_words[POLICY_HOLES] = {24, 40, 12, 20};
static const int free_order[POLICY_HOLES] = {0, 2, 3, 1};

typedef struct {
    probe_state p;
    uint16_t dealloc;
    uint16_t holes[POLICY_HOLES];
    uint16_t fills[POLICY_FILLS];
    size_t fill_count;
    bool native;  /* the native Memory, which keeps its heap's record outside the RAM: every start runs again */
    bool started; /* the program ran once: the next start reloads it */
    bool saved;   /* p.ram holds the RAM after the four blocks and their neighbours */
} policy_probe;

static bool policy_alloc(policy_probe *q, uint16_t n, uint16_t *block)
{
    return call_function(&q->p, q->p.alloc, n, block) && *block >= FIRST_HEAP && (uint32_t)*block + n <= 16384;
}

/* The program run to Main.main, the four blocks and their neighbours allocated (or, with a Jack Memory, whose
 * state is all in the RAM, the RAM as it was then), then the fills so far. */
static bool policy_start(policy_probe *q, hack_diag_list *diags)
{
    hack_machine *m = q->p.machine;
    if (q->saved && !q->native) {
        hack_machine_restore_ram(m, q->p.ram);
    } else {
        if (q->started && !hack_session_reload(q->p.session, diags)) return false;
        q->started = true;
        if (!hack_machine_hooked(m, q->p.probe) && !hack_machine_add_hook(m, q->p.probe, HACK_HOOK_REPLACE, stop_here, NULL))
            return false;
        hack_session_run(q->p.session, DEFAULT_BUDGET);
        if (hack_machine_pc(m) != q->p.probe) return false;
        uint16_t block;
        for (int i = 0; i < POLICY_HOLES; i++)
            if (!policy_alloc(q, hole_words[i], &q->holes[i]) || !policy_alloc(q, 1, &block)) return false;
        memcpy(q->p.ram, hack_machine_ram_view(m), HACK_RAM_SIZE * sizeof *q->p.ram);
        q->saved = true;
    }
    uint16_t block;
    for (size_t i = 0; i < q->fill_count; i++)
        if (!policy_alloc(q, q->fills[i], &block)) return false;
    return true;
}

/* From the start: the heap filled up (the fills found), the four blocks freed. */
static bool policy_holes(policy_probe *q, hack_diag_list *diags)
{
    if (!policy_start(q, diags)) return false;
    uint16_t ignored;
    for (int i = 0; i < POLICY_HOLES; i++)
        if (!call_function(&q->p, q->dealloc, q->holes[free_order[i]], &ignored)) return false;
    return true;
}

/* The hole a block of n words lies in (its header may be below the freed block's first word), or -1. */
static int hole_of(const policy_probe *q, uint16_t block, uint16_t n)
{
    for (int i = 0; i < POLICY_HOLES; i++)
        if (block + 4u >= q->holes[i] && (uint32_t)block + n <= (uint32_t)q->holes[i] + hole_words[i]) return i;
    return -1;
}

/* The lowest hole of at least n words (of those not in skip), or -1. */
static int lowest_hole(const policy_probe *q, uint16_t n, int skip)
{
    int best = -1;
    for (int i = 0; i < POLICY_HOLES; i++)
        if (i != skip && hole_words[i] >= n && (best < 0 || q->holes[i] < q->holes[best])) best = i;
    return best;
}

/* The first hole of at least n words above hole `from` in address order, around to the lowest (next fit). */
static int next_hole(const policy_probe *q, int from, uint16_t n)
{
    int best = -1;
    for (int i = 0; i < POLICY_HOLES; i++)
        if (i != from && hole_words[i] >= n && q->holes[i] > q->holes[from] && (best < 0 || q->holes[i] < q->holes[best]))
            best = i;
    return best >= 0 ? best : lowest_hole(q, n, from);
}

static void probe_policy(const hack_program *program, unsigned os_added, const hack_session_options *base,
                         bool native_memory, char *policy, size_t size)
{
    policy[0] = '\0';
    const hack_symbol *main_fn = hack_symtab_find(&program->symbols, "Main.main", 9);
    const hack_symbol *alloc = hack_symtab_find(&program->symbols, "Memory.alloc", 12);
    const hack_symbol *dealloc = hack_symtab_find(&program->symbols, "Memory.deAlloc", 14);
    if (!main_fn || !alloc || !dealloc) return;
    policy_probe q = {.p = {.probe = (uint16_t)main_fn->value, .alloc = (uint16_t)alloc->value},
                      .dealloc = (uint16_t)dealloc->value, .native = native_memory};
    q.p.machine = hack_machine_create();
    hack_session_options options = *base;
    options.message = NULL;
    options.heap_report = NULL;
    options.output_line = NULL;
    options.mirror_output = false;
    options.heap_timeline = false;
    options.check_heap = false; /* (the RAM is set back between the tries: no record of blocks would hold) */
    q.p.session = q.p.machine ? hack_session_create(q.p.machine, &options) : NULL;
    q.p.ram = malloc(HACK_RAM_SIZE * sizeof *q.p.ram);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (!q.p.session || !q.p.ram || !load(q.p.session, program, os_added, &diags)) goto out;
    /* every free word allocated: the largest request that succeeds, again, while one does */
    while (q.fill_count < POLICY_FILLS) {
        uint32_t good = 0, bad = HEAP_WORDS + 1;
        while (bad - good > 1) {
            uint32_t mid = good + (bad - good) / 2;
            uint16_t block;
            if (!policy_start(&q, &diags)) goto out;
            if (policy_alloc(&q, (uint16_t)mid, &block))
                good = mid;
            else
                bad = mid;
        }
        if (good == 0) break;
        q.fills[q.fill_count++] = (uint16_t)good;
    }
    uint16_t block;
    if (!policy_holes(&q, &diags)) goto out;
    if (!policy_alloc(&q, 10, &block)) {
        snprintf(policy, size, "no reuse");
        goto out;
    }
    int got = hole_of(&q, block, 10), lowest = lowest_hole(&q, 10, -1);
    if (got == 2) { /* the smallest hole that holds it */
        snprintf(policy, size, "best fit");
    } else if (got == free_order[POLICY_HOLES - 1]) { /* the hole freed last */
        snprintf(policy, size, "seed LIFO");
    } else if (got >= 0 && got == lowest) {
        snprintf(policy, size, "first fit");
        /* next fit goes on from the hole of the last alloc: the 40-word one, after alloc(30) */
        if (policy_holes(&q, &diags) && policy_alloc(&q, 30, &block) && hole_of(&q, block, 30) == 1 &&
            policy_alloc(&q, 14, &block) && hole_of(&q, block, 14) == next_hole(&q, 1, 14) &&
            hole_of(&q, block, 14) != lowest_hole(&q, 14, 1))
            snprintf(policy, size, "next fit");
    } else {
        snprintf(policy, size, "other");
    }
out:
    hack_diag_list_free(&diags);
    hack_session_free(q.p.session);
    hack_machine_destroy(q.p.machine);
    free(q.p.ram);
}

/* ---- one run ---- */

void hack_bench_result_free(hack_bench_result *result)
{
    free(result->timeline);
    free(result->timeline_cycles);
    result->timeline = NULL;
    result->timeline_cycles = NULL;
    result->timeline_columns = 0;
}

static void take_figures(hack_bench_result *result, const hack_session *session, bool timeline)
{
    const hack_heap_sanitizer *record = hack_session_block_record(session);
    result->figures.largest_request = -1;
    if (!record) return;
    hack_heap_call_stats stats;
    hack_heap_sanitizer_stats(record, &stats);
    result->figures = (hack_bench_figures){true, stats.allocs, stats.frees, stats.alloc_median, stats.alloc_max,
                                           stats.free_median, stats.free_max, stats.peak_live_words, stats.lowest,
                                           stats.highest, -1};
    if (!timeline) return;
    const uint8_t *columns;
    const uint64_t *cycles;
    size_t n = hack_heap_sanitizer_timeline(record, &columns, &cycles);
    if (!n) return;
    result->timeline = malloc(n * HACK_HEAP_TIMELINE_BANDS);
    result->timeline_cycles = malloc(n * sizeof *cycles);
    if (!result->timeline || !result->timeline_cycles) {
        hack_bench_result_free(result);
        return;
    }
    memcpy(result->timeline, columns, n * HACK_HEAP_TIMELINE_BANDS);
    memcpy(result->timeline_cycles, cycles, n * sizeof *cycles);
    result->timeline_columns = n;
}

/* ---- which code drew a pixel ---- */

/* Who made a write, from its call stack's frames: the code to name first, and the test program's call under it. */
typedef struct {
    hack_backtrace_frame inner; /* the class under test's innermost frame (not Memory.poke's, through which it
                                   wrote), else the innermost */
    hack_backtrace_frame test;  /* the test program's innermost frame (a function of Main) */
    bool has_test;              /* there is one, and it is not inner */
} blame;

/* The blame of the write the machine stands at (a watchpoint's stop); false when there are no frames. prefix:
 * the class under test's functions ("Screen."; "": none). */
static bool blame_here(const hack_machine *m, const hack_program *program, const char *prefix, blame *out)
{
    hack_backtrace_frame frames[HACK_BACKTRACE_FRAMES];
    const size_t n = hack_backtrace_frames(m, program, frames, HACK_BACKTRACE_FRAMES, NULL);
    if (!n) return false;
    size_t inner = prefix[0] ? frame_index(program, frames, n, prefix) : n;
    if (inner == n) inner = 0;
    const size_t test = frame_index(program, frames, n, "Main.");
    *out = (blame){.inner = frames[inner], .has_test = test < n && test != inner};
    if (test < n) out->test = frames[test];
    return true;
}

/* "Screen.drawLine (Screen.jack:52), called from Main.main (Main.jack:14)": the blame as the detail names it. */
static void blame_text(const hack_program *program, const blame *b, char *buf, size_t size)
{
    char inner[256], test[256];
    hack_backtrace_frame_describe(program, &b->inner, inner, sizeof inner);
    if (!b->has_test) {
        snprintf(buf, size, "%.250s", inner);
        return;
    }
    hack_backtrace_frame_describe(program, &b->test, test, sizeof test);
    snprintf(buf, size, "%.200s, called from %.200s", inner, test);
}

/* Runs program again with the screen word watched, and finds the last write that left the pixel's bit at the
 * value it has at the end. The project's OS classes run in Jack, so that every write is an instruction (a native
 * Memory.poke writes unseen). False when no instruction wrote it so (it was never drawn). */
static bool blame_pixel(const hack_program *program, unsigned os_added, const char *prefix, size_t word,
                        unsigned bit, uint64_t budget, blame *found)
{
    hack_machine *m = hack_machine_create();
    uint8_t *map = calloc(HACK_RAM_SIZE, 1);
    run_log *log = calloc(1, sizeof *log);
    hack_session_options so = {.jack_os = true, .context = log};
    hack_session *session = m && map && log ? hack_session_create(m, &so) : NULL;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool written = false;
    if (session && load(session, program, os_added, &diags) && bind_checks(m, program, log)) {
        const uint16_t address = (uint16_t)(HACK_SCREEN + word), mask = (uint16_t)(1u << bit);
        map[address] = HACK_WATCH_OTHERS;
        hack_session_set_watchpoints(session, map);
        blame pending;
        bool is_pending = false;
        bool before = hack_machine_ram(m, address) & mask;
        for (uint64_t spent = 0; spent < budget;) {
            hack_session_stop stop = hack_session_run(session, budget - spent);
            spent += stop.cycles;
            const bool now = hack_machine_ram(m, address) & mask;
            if (now != before && is_pending) { /* that write changed it */
                *found = pending;
                written = true;
            }
            before = now;
            is_pending = false;
            if (stop.state != HACK_SESSION_DEBUG || stop.debug != HACK_DEBUG_STOP_WATCHPOINT) break;
            if (hack_machine_watch_hit(m).write) is_pending = blame_here(m, program, prefix, &pending);
        }
        hack_session_set_watchpoints(session, NULL);
        hack_session_unload(session);
    }
    hack_diag_list_free(&diags);
    hack_session_free(session);
    hack_machine_destroy(m);
    free(map);
    free(log);
    return written;
}

/* Whether screen is expected moved up one pixel row (its first row dropped, an empty row at the bottom). */
static bool moved_up_a_row(const uint16_t *screen, const uint16_t *expected)
{
    for (size_t w = 0; w < HACK_SCREEN_WORDS; w++)
        if (screen[w] != (w + 32 < HACK_SCREEN_WORDS ? expected[w + 32] : 0)) return false;
    for (size_t w = 0; w < 32; w++) /* (its first row held nothing, or something moved off the screen) */
        if (expected[w]) return false;
    return true;
}

/* Whether screen (HACK_SCREEN_WORDS words) lights a pixel next to pixel (x + 512 y), diagonals included. */
static bool neighbour_lit(const uint16_t *screen, size_t pixel)
{
    const long x = (long)(pixel % 512), y = (long)(pixel / 512);
    for (long dy = -1; dy <= 1; dy++)
        for (long dx = -1; dx <= 1; dx++) {
            const long nx = x + dx, ny = y + dy;
            if ((dx || dy) && nx >= 0 && nx < 512 && ny >= 0 && ny < 256 &&
                ((screen[ny * 32 + nx / 16] >> (nx % 16)) & 1))
                return true;
        }
    return false;
}

/* The values and the screen of a run against its reference run's: the verdict's detail at the first difference. */
static void compare_with_expected(hack_bench_result *r, const run_log *log, const hack_machine *m,
                                  const hack_program *program, const hack_bench_program *info,
                                  const hack_bench_expected *expected)
{
    for (size_t i = 0; i < log->value_count && i < expected->value_count; i++) {
        if (log->values[i] == expected->values[i]) continue;
        r->verdict = HACK_BENCH_WRONG_VALUE;
        char site[256];
        hack_backtrace_describe(program, log->value_sites[i], site, sizeof site);
        const char *label = label_text(info, 'v', log->value_ids[i]);
        if (label)
            snprintf(r->detail, sizeof r->detail, "%.300s is %d, hackemu's OS gives %d", label, log->values[i],
                     expected->values[i]);
        else
            snprintf(r->detail, sizeof r->detail, "value %d (the %zu. reported) is %d, hackemu's OS gives %d",
                     log->value_ids[i], i + 1, log->values[i], expected->values[i]);
        snprintf(r->place, sizeof r->place, "%s", site);
        return;
    }
    if (log->value_count != expected->value_count) {
        r->verdict = HACK_BENCH_WRONG_VALUE;
        snprintf(r->detail, sizeof r->detail, "%zu values reported, with hackemu's OS %zu", log->value_count,
                 expected->value_count);
        return;
    }
    if (!info->compare_screen || !expected->screen) return;
    const uint16_t *screen = hack_machine_ram_view(m) + HACK_SCREEN;
    if (info->screen_row_up && moved_up_a_row(screen, expected->screen)) {
        add_note(r, "the text is one pixel row higher than the course's compiled OS draws it (as the course's "
                    "Output.jack skeleton's map places it): accepted");
        return;
    }
    size_t differ = 0, forgiven = 0, first = 0;
    for (size_t w = 0; w < HACK_SCREEN_WORDS; w++) {
        uint16_t x = screen[w] ^ expected->screen[w];
        for (unsigned bit = 0; x; bit++) {
            if (!(x & (1u << bit))) continue;
            x &= (uint16_t)~(1u << bit);
            const size_t pixel = w * 16 + bit;
            /* lit here and not there: forgiven where the other screen lights a neighbour */
            const uint16_t *other = (screen[w] >> bit) & 1 ? expected->screen : screen;
            if (info->screen_tolerance && neighbour_lit(other, pixel)) {
                forgiven++;
                continue;
            }
            if (!differ) first = pixel;
            differ++;
        }
    }
    if (!differ) return;
    r->verdict = HACK_BENCH_WRONG_PIXELS;
    const size_t word = first / 16, bit = first % 16;
    const bool lit = (screen[word] >> bit) & 1;
    snprintf(r->detail, sizeof r->detail,
             "%zu pixel%s from hackemu's OS's screen; the first, at x = %zu, y = %zu, is %s where it should be %s",
             differ, differ == 1 ? " differs" : "s differ", (word % 32) * 16 + bit, word / 32, lit ? "black" : "white",
             lit ? "white" : "black");
    if (forgiven) {
        size_t n = strlen(r->detail);
        snprintf(r->detail + n, sizeof r->detail - n, " (and %zu within a pixel of it, forgiven)", forgiven);
    }
    if (log->step[0]) snprintf(r->place, sizeof r->place, "after: %.240s", log->step);
    r->pixel_word = (uint16_t)word;
    r->pixel_bit = (uint8_t)bit;
    r->pixel_lit = lit;
}

/* Line n of the test program's Main.jack, trimmed ("" when it cannot be read). */
static void test_line(const char *program_folder, long n, char *buf, size_t size)
{
    buf[0] = '\0';
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/Main.jack", program_folder);
    FILE *f = hack_textfile_open_regular(path, NULL);
    for (long i = 1; f && fgets(line, sizeof line, f); i++)
        if (i == n) {
            const char *p = line;
            while (*p == ' ' || *p == '\t') p++;
            copy_text(buf, size, p, strcspn(p, "\r\n"));
            break;
        }
    if (f) fclose(f);
}

/* The Main.jack line of a frame of the test program (0: none: the frame is not Main's, or has no Jack line). */
static long main_jack_line(const hack_program *program, const hack_backtrace_frame *frame)
{
    const hack_source_location *at = program->locations && frame->pc < program->count ? &program->locations[frame->pc] : NULL;
    if (!at || !at->jack_line || at->jack_file >= program->source_file_count) return 0;
    if (!starts_with(frame_function(program, frame), "Main.") ||
        strcmp(hack_path_base_name(program->source_files[at->jack_file]), "Main.jack") != 0)
        return 0;
    return (long)at->jack_line;
}

/* Names the code behind the first wrong pixel: the student's write that left it wrong ("drawn by
 * Screen.drawPixel (Screen.jack:43), called from Main.main (Main.jack:8)"), and the call of the test program after
 * which hackemu's OS leaves it right, with its source line. The place: the first frame named. */
static void blame_wrong_pixel(hack_bench_result *r, const hack_program *program, unsigned os_added, uint64_t budget,
                              const char *program_folder, const char *prefix)
{
    blame theirs;
    const bool written = blame_pixel(program, os_added, prefix, r->pixel_word, r->pixel_bit, budget, &theirs);
    /* the right value's last write on hackemu's OS (in Jack, so that its writes are seen): the test program's
     * frame, "Main.main (Main.jack:12)", with its source line */
    char ours[512] = "", frame[256] = "";
    hack_program reference;
    hack_bench_result scratch;
    memset(&scratch, 0, sizeof scratch);
    unsigned added = 0;
    if (hack_program_init(&reference)) {
        blame right;
        if (build(NULL, program_folder, "", false, &reference, &added, &scratch) &&
            blame_pixel(&reference, added, "", r->pixel_word, r->pixel_bit, budget, &right)) {
            const hack_backtrace_frame *call = right.has_test ? &right.test : &right.inner;
            char source[256] = "";
            hack_backtrace_frame_describe(&reference, call, frame, sizeof frame);
            const long line = main_jack_line(&reference, call);
            if (line) test_line(program_folder, line, source, sizeof source);
            snprintf(ours, sizeof ours, "%.250s%s%.200s", frame, source[0] ? ": " : "", source);
        }
        hack_program_free(&reference);
    }
    size_t n = strlen(r->detail);
    const char *did = r->pixel_lit ? "drawn" : "erased", *not_done = r->pixel_lit ? "never erased" : "never drawn";
    if (written) {
        char by[512];
        blame_text(program, &theirs, by, sizeof by);
        n += (size_t)snprintf(r->detail + n, sizeof r->detail - n, ": %s by %.300s", did, by);
        hack_backtrace_frame_describe(program, &theirs.inner, r->place, sizeof r->place);
    } else {
        n += (size_t)snprintf(r->detail + n, sizeof r->detail - n, ": %s", not_done);
        snprintf(r->place, sizeof r->place, "%s", frame);
    }
    if (ours[0] && n < sizeof r->detail)
        snprintf(r->detail + n, sizeof r->detail - n, "; hackemu's OS %s it in %.300s",
                 r->pixel_lit ? "clears" : "draws", ours);
}

/* The header's waits: each took time, in proportion to its duration. */
static void judge_waits(hack_bench_result *r, const run_log *log, const hack_bench_program *info)
{
    double least = 0, most = 0;
    int least_ms = 0, most_ms = 0;
    for (size_t i = 0; i < info->wait_count; i++) {
        const uint64_t from = log->step_cycles[info->waits[i].from], to = log->step_cycles[info->waits[i].to];
        const int ms = info->waits[i].ms;
        if (!from || !to || to < from) continue;
        const double per_ms = (double)(to - from) / ms;
        if (per_ms < 1000) {
            r->verdict = HACK_BENCH_WRONG_RESULT;
            snprintf(r->detail, sizeof r->detail,
                     "Sys.wait(%d) took %llu cycles: it hardly waits (even a fast emulator runs a few thousand "
                     "instructions a millisecond)",
                     ms, (unsigned long long)(to - from));
            return;
        }
        if (!least || per_ms < least) least = per_ms, least_ms = ms;
        if (per_ms > most) most = per_ms, most_ms = ms;
    }
    if (least && most > 1.3 * least) {
        r->verdict = HACK_BENCH_WRONG_RESULT;
        snprintf(r->detail, sizeof r->detail,
                 "Sys.wait's time is not in proportion to its duration: %.0f cycles a millisecond in Sys.wait(%d), %.0f "
                 "in Sys.wait(%d)",
                 least, least_ms, most, most_ms);
    }
}

static void bench_run(const char *student_folder, const char *program_folder, const hack_bench_options *options,
                      hack_bench_result *result, hack_bench_expected *capture);

void hack_bench_expected_free(hack_bench_expected *expected)
{
    free(expected->values);
    free(expected->screen);
    memset(expected, 0, sizeof *expected);
}

void hack_bench_expect(const char *program_folder, uint64_t budget, bool judge_screen_at_halt,
                       hack_bench_expected *expected)
{
    memset(expected, 0, sizeof *expected);
    hack_bench_options options = {.budget = budget, .memory = HACK_BENCH_NATIVE, .judge_screen_at_halt = judge_screen_at_halt};
    hack_bench_result result;
    bench_run(NULL, program_folder, &options, &result, expected);
    expected->ran = result.verdict == HACK_BENCH_PASS;
    if (!expected->ran)
        snprintf(expected->problem, sizeof expected->problem, "with the project's OS: %s: %.200s",
                 hack_bench_verdict_name(result.verdict), result.detail);
    hack_bench_result_free(&result);
}

void hack_bench_run(const char *student_folder, const char *program_folder, const hack_bench_options *options,
                    hack_bench_result *result)
{
    static const hack_bench_options defaults = {0};
    if (!options) options = &defaults;
    hack_bench_program info;
    hack_bench_expected made = {0};
    hack_bench_options with = *options;
    /* a program that reports values or compares its screen is judged against its reference run */
    if (!options->expected && hack_bench_read_program(program_folder, &info) &&
        (info.compare_screen || label_count(&info, 'v') || (options->judge_screen_at_halt && !info.cmp[0]))) {
        hack_bench_expect(program_folder, options->budget, options->judge_screen_at_halt, &made);
        with.expected = &made;
    }
    bench_run(student_folder, program_folder, &with, result, NULL);
    hack_bench_expected_free(&made);
}

static void bench_run(const char *student_folder, const char *program_folder, const hack_bench_options *options,
                      hack_bench_result *result, hack_bench_expected *capture)
{
    memset(result, 0, sizeof *result);
    result->figures.largest_request = -1;
    uint64_t budget = options->budget ? options->budget : DEFAULT_BUDGET;
    /* the class under test; "" for the student's whole OS, where no class is required (the project's fill in) */
    const char *tested = options->class_under_test ? options->class_under_test : "Memory";
    hack_bench_program info;
    if (!hack_bench_read_program(program_folder, &info)) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        snprintf(result->detail, sizeof result->detail, "%s/Main.jack cannot be read", program_folder);
        return;
    }
    if (options->judge_screen_at_halt && !info.cmp[0]) info.expect_halt = info.compare_screen = true;
    int expect = info.expect_error;
    result->optional = info.optional;
    const char *student = options->memory == HACK_BENCH_STUDENT ? student_folder : NULL;
    if (options->memory == HACK_BENCH_STUDENT && !student) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        snprintf(result->detail, sizeof result->detail, "no student folder");
        return;
    }
    hack_program program;
    hack_machine *machine = hack_machine_create();
    if (!machine || !hack_program_init(&program)) {
        hack_machine_destroy(machine);
        result->verdict = HACK_BENCH_BUILD_ERROR;
        snprintf(result->detail, sizeof result->detail, "out of memory");
        return;
    }
    unsigned os_added = 0;
    if (!build(student, program_folder, tested, options->student_os, &program, &os_added, result)) {
        if (result->verdict != HACK_BENCH_MISSING_CLASS) result->verdict = HACK_BENCH_BUILD_ERROR;
        hack_program_free(&program);
        hack_machine_destroy(machine);
        return;
    }
    run_log *log = calloc(1, sizeof *log);
    if (log) {
        log->info = &info;
        snprintf(log->prefix, sizeof log->prefix, "%s%s", tested, tested[0] ? "." : "");
    }
    /* (with "// inits:" no heap check: it watches Memory.init itself) */
    hack_session_options so = {.check_heap = !info.check_inits, .check_heap_no_leaks = true, .check_report_limit = INT_MAX,
                               .mirror_output = true, .heap_report = on_heap_report,
                               .output_line = on_output, .context = log, .heap_timeline = options->timeline,
                               .jack_classes = options->memory == HACK_BENCH_PROJECT_JACK ? tested : NULL,
                               /* (with "// inits:" the OS's inits are watched: none may be native) */
                               .jack_os = (options->memory == HACK_BENCH_PROJECT_JACK && !tested[0]) || info.check_inits};
    hack_session *session = log ? hack_session_create(machine, &so) : NULL;
    if (session) log->session = session;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    timer timers[HACK_BENCH_TIMED_COUNT];
    if (!session || !load(session, &program, os_added, &diags) ||
        !bind_checks(machine, &program, log)) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        if (session)
            first_error(&diags, result->detail, sizeof result->detail);
        else
            snprintf(result->detail, sizeof result->detail, "out of memory");
    } else {
        bind_timers(machine, &program, timers, result);
        bool halting = false;
        hack_session_stop stop = run_watching_halt(session, machine, &program, budget, &halting);
        uint64_t cycles = stop.cycles;
        bool stuck = false;
        if (halting) {
            /* a Sys.halt that loops doing something (counting, calling Sys.wait) has halted all the same: Sys.halt
             * never returns, however it spends its time */
            stop.state = sys_error_called(session) ? HACK_SESSION_SYS_ERROR : HACK_SESSION_HALTED;
            stop.endless_loop = true;
        }
        if (stop.state == HACK_SESSION_BUDGET && !log->heap_found && !log->fail[0]) {
            /* inside one call of Memory for a quarter of the budget more: no progress */
            uint16_t return_before = 0, return_after = 0;
            uint32_t frame = memory_frame(machine, &program, log->prefix, &return_before, NULL);
            if (frame) {
                hack_session_stop probe = hack_session_run(session, budget / 4);
                cycles += probe.cycles;
                if (probe.state == HACK_SESSION_BUDGET)
                    stuck = memory_frame(machine, &program, log->prefix, &return_after, NULL) == frame &&
                            return_after == return_before;
                else
                    stop = probe; /* it finished after all: judged on that, though slow */
            }
        }
        uint16_t ignored;
        /* (a finding of the heap check or a failed check came first, and stands) */
        bool endless_in_memory = stop.state == HACK_SESSION_HALTED && stop.endless_loop && !log->heap_found &&
                                 !info.expect_halt &&
                                 !log->fail[0] && memory_frame(machine, &program, log->prefix, &ignored, NULL) != 0;
        result->cycles = cycles;
        hack_session_finish(session);
        take_figures(result, session, options->timeline);
        if (info.cmp[0]) log->passed = true; /* a course-style test prints no PASS: its RAM is checked */
        if (info.expect_halt && stop.state == HACK_SESSION_HALTED && !log->passed && !log->fail[0])
            log->passed = true; /* the program was to halt, not to report its end */
        if (endless_in_memory) { /* a loop that can never end, inside the student's Memory: no progress */
            result->verdict = HACK_BENCH_NO_PROGRESS;
            char where[256] = "";
            hack_backtrace_frame here;
            if (hack_backtrace_frames(machine, &program, &here, 1, NULL))
                hack_backtrace_frame_describe(&program, &here, where, sizeof where);
            snprintf(result->detail, sizeof result->detail,
                     "a call of %.*s is caught in a loop that can never end%s: it spins in %s",
                     (int)strcspn(log->prefix, "."), log->prefix, expect == 6 ? " (on a full heap)" : "", where);
            snprintf(result->place, sizeof result->place, "%s", where);
        } else {
            hack_heap_call_stats heap;
            const hack_heap_sanitizer *record = hack_session_block_record(session);
            if (record) hack_heap_sanitizer_stats(record, &heap);
            classify(result, log, session, machine, stop, expect, stuck, budget, record ? &heap : NULL);
        }
        if (result->verdict == HACK_BENCH_PASS && info.cmp[0] &&
            !check_cmp(info.cmp, machine, result->detail, sizeof result->detail)) {
            result->verdict = HACK_BENCH_WRONG_RESULT;
            snprintf(result->place, sizeof result->place, "the course's test");
        }
        const hack_symbol *wait = hack_symtab_find(&program.symbols, "Sys.wait", 8);
        if (result->verdict == HACK_BENCH_PASS && wait && !hack_machine_replaced(machine, (uint16_t)wait->value))
            judge_waits(result, log, &info); /* (a native Sys.wait takes no cycles: it waits in real time) */
        if (result->verdict == HACK_BENCH_PASS && info.check_inits) judge_inits(result, log, &program);
        if (result->verdict == HACK_BENCH_PASS && options->expected && options->expected->ran)
            compare_with_expected(result, log, machine, &program, &info, options->expected);
        if (result->verdict == HACK_BENCH_WRONG_PIXELS)
            blame_wrong_pixel(result, &program, os_added, budget, program_folder, log->prefix);
        if (capture && result->verdict == HACK_BENCH_PASS) { /* the reference run's values and screen */
            capture->values = log->values;
            capture->value_count = log->value_count;
            log->values = NULL;
            capture->screen = malloc(HACK_SCREEN_WORDS * sizeof *capture->screen);
            if (capture->screen)
                memcpy(capture->screen, hack_machine_ram_view(machine) + HACK_SCREEN,
                       HACK_SCREEN_WORDS * sizeof *capture->screen);
        }
        if (result->verdict == HACK_BENCH_PASS && cycles > budget) {
            result->verdict = HACK_BENCH_TOO_SLOW;
            snprintf(result->detail, sizeof result->detail, "finished after %llu cycles, over the budget of %llu",
                     (unsigned long long)cycles, (unsigned long long)budget);
        }
        if (info.policy && result->verdict == HACK_BENCH_WRONG_RESULT && log->fail[0])
            result->verdict = HACK_BENCH_OTHER_POLICY; /* a policy, not a fault: which one, found below */
        if (log->noted) { /* what did not count, as a note: the finding's headline, at its call in Memory.init */
            char where[256];
            const hack_heap_finding *f = &log->note_finding;
            if (!frame_named(&program, f->frames, f->frame_count, "Memory.init", where, sizeof where))
                student_frame(&program, f->frames, f->frame_count, NULL, where, sizeof where);
            snprintf(result->note, sizeof result->note, "%.300s%s%.200s", f->headline, where[0] ? " at " : "", where);
        }
        hack_session_unload(session);
        if (result->verdict == HACK_BENCH_PASS)
            result->figures.largest_request = probe_largest_request(&program, os_added, &so, options->memory == HACK_BENCH_NATIVE);
        if (info.policy && (result->verdict == HACK_BENCH_PASS || result->verdict == HACK_BENCH_OTHER_POLICY))
            probe_policy(&program, os_added, &so, options->memory == HACK_BENCH_NATIVE, result->policy,
                         sizeof result->policy);
    }
    hack_diag_list_free(&diags);
    hack_session_free(session);
    if (log) {
        free(log->values);
        free(log->value_sites);
        free(log->value_ids);
    }
    free(log);
    hack_program_free(&program);
    hack_machine_destroy(machine);
}

/* ---- the graders' formats ---- */

static void csv_field(hack_strbuf *out, const char *text)
{
    hack_strbuf_append_char(out, '"');
    for (const char *c = text; *c; c++) {
        if (*c == '"') hack_strbuf_append_char(out, '"');
        hack_strbuf_append_char(out, *c == '\n' ? ' ' : *c);
    }
    hack_strbuf_append_char(out, '"');
}

/* (bytes that are not UTF-8, in a folder's name, as U+FFFD: the record stays valid JSON) */
static void json_string(hack_strbuf *out, const char *text)
{
    hack_grade_json_string(out, text);
}

size_t hack_bench_record(hack_bench_format format, const char *folder, const char *program, bool reference,
                         const hack_bench_result *r, char *buf, size_t size)
{
    if (!size) return 0;
    const hack_bench_figures *g = &r->figures;
    hack_strbuf out;
    hack_strbuf_init(&out);
    if (format == HACK_BENCH_CSV) {
        csv_field(&out, folder);
        hack_strbuf_append_char(&out, ',');
        csv_field(&out, program);
        hack_strbuf_append_char(&out, ',');
        csv_field(&out, hack_bench_verdict_name(r->verdict));
        hack_strbuf_append_char(&out, ',');
        csv_field(&out, r->detail);
        hack_strbuf_append_char(&out, ',');
        csv_field(&out, r->place);
        hack_strbuf_appendf(&out, ",%llu,%s,%s,", (unsigned long long)r->cycles, r->optional ? "yes" : "no",
                            reference ? "yes" : "no");
        csv_field(&out, r->policy);
        hack_strbuf_append_char(&out, ',');
        csv_field(&out, r->note);
        hack_strbuf_appendf(&out, ",%llu,%u,%u,%llu,%u,%u,%u,%d", (unsigned long long)g->allocs,
                            (unsigned)g->alloc_median, (unsigned)g->alloc_max, (unsigned long long)g->frees,
                            (unsigned)g->free_median, (unsigned)g->free_max, (unsigned)g->peak_live_words,
                            (int)g->largest_request);
    } else {
        hack_strbuf_append(&out, "{\"folder\": ", 11);
        json_string(&out, folder);
        hack_strbuf_append(&out, ", \"program\": ", 13);
        json_string(&out, program);
        hack_strbuf_append(&out, ", \"verdict\": ", 13);
        json_string(&out, hack_bench_verdict_name(r->verdict));
        hack_strbuf_append(&out, ", \"detail\": ", 12);
        json_string(&out, r->detail);
        hack_strbuf_append(&out, ", \"place\": ", 11);
        json_string(&out, r->place);
        hack_strbuf_appendf(&out, ", \"cycles\": %llu, \"optional\": %s, \"reference\": %s, \"policy\": ",
                            (unsigned long long)r->cycles, r->optional ? "true" : "false", reference ? "true" : "false");
        json_string(&out, r->policy);
        hack_strbuf_append(&out, ", \"note\": ", 10);
        json_string(&out, r->note);
        hack_strbuf_appendf(&out,
                            ", \"allocs\": %llu, "
                            "\"alloc_median\": %u, \"alloc_max\": %u, \"frees\": %llu, \"free_median\": %u, "
                            "\"free_max\": %u, \"peak_live_words\": %u, \"largest_request\": %d}",
                            (unsigned long long)g->allocs, (unsigned)g->alloc_median, (unsigned)g->alloc_max,
                            (unsigned long long)g->frees, (unsigned)g->free_median, (unsigned)g->free_max,
                            (unsigned)g->peak_live_words, (int)g->largest_request);
    }
    const char *text = hack_strbuf_text(&out);
    const size_t n = strlen(text) < size ? strlen(text) : size - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    hack_strbuf_free(&out);
    return n;
}

void hack_bench_timeline_rgb(const hack_bench_result *result, int scale, uint8_t *rgb)
{
    const int width = (int)result->timeline_columns * scale, height = HACK_HEAP_TIMELINE_BANDS * scale;
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) {
            const uint8_t live = result->timeline[(size_t)(x / scale) * HACK_HEAP_TIMELINE_BANDS + (size_t)(y / scale)];
            const double share = (double)live / HACK_HEAP_TIMELINE_BAND;
            uint8_t *px = rgb + ((size_t)y * (size_t)width + (size_t)x) * 3;
            px[0] = (uint8_t)(255 - share * (255 - 30));
            px[1] = (uint8_t)(255 - share * (255 - 80));
            px[2] = (uint8_t)(255 - share * (255 - 190));
        }
}
