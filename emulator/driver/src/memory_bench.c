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
#include "hack/heap_check.h"
#include "hack/strbuf.h"
#include "hack/vm.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { DEFAULT_BUDGET = 200000000, FIRST_HEAP = 2048 };

static const char *const verdict_names[HACK_BENCH_VERDICT_COUNT] = {
    "pass", "build error", "wrong result", "block outside the heap", "overlapping blocks",
    "use of memory outside live blocks", "wrong Sys.error", "missing Sys.error", "0 or garbage on a full heap",
    "no merging", "stack overflow", "machine error", "no progress", "too slow", "Sys.error(6) with room left",
    "the allocator wrote into a live block"};
static const char *const verdict_marks[HACK_BENCH_VERDICT_COUNT] = {
    "ok", "BUILD", "WRONG", "OUTSIDE", "OVERLAP", "ACCESS", "ERRCODE", "NOERROR", "FULL", "NOMERGE", "STACK",
    "FAULT", "LOOP", "SLOW", "NOROOM", "CORRUPT"};

const char *hack_bench_verdict_name(hack_bench_verdict verdict)
{
    return verdict < HACK_BENCH_VERDICT_COUNT ? verdict_names[verdict] : "?";
}

const char *hack_bench_verdict_mark(hack_bench_verdict verdict)
{
    return verdict < HACK_BENCH_VERDICT_COUNT ? verdict_marks[verdict] : "?";
}

/* ---- the test program's header ---- */

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
        } else if (strncmp(p, "optional:", 9) == 0) {
            program->optional = true;
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

static bool build(const char *student, const char *folder, bool student_os, hack_program *program,
                  unsigned *os_added, hack_bench_result *result)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_sources sources = {0}, theirs = {0};
    bool ok = hack_build_vm_sources(folder, &sources, &diags);
    if (!ok) {
        first_error(&diags, result->detail, sizeof result->detail);
        goto out;
    }
    if (student && !hack_build_vm_sources(student, &theirs, &diags)) {
        ok = false;
        first_error(&diags, result->detail, sizeof result->detail);
        goto out;
    }
    /* a program folder's own Memory (a course test folder holding the course's skeleton) gives way */
    for (size_t i = 0; i < sources.count; i++)
        if (source_is_class(&sources.items[i], "Memory")) {
            hack_vm_sources_remove(&sources, i);
            break;
        }
    bool memory = student == NULL; /* a reference row: the project's Memory */
    for (size_t i = 0; ok && student && i < theirs.count; i++) {
        const hack_source *s = &theirs.items[i];
        if (!source_is_class(s, "Memory") && !(student_os && is_os_class(s))) continue;
        memory |= source_is_class(s, "Memory");
        ok = hack_vm_sources_add(&sources, s->path, s->text, s->length) &&
             (!s->origin_path || /* the Jack lines it was compiled from, for the student's reports */
              hack_sources_set_origin(&sources, sources.count - 1, s->origin_path, s->origins, s->origin_count));
    }
    if (ok && !memory) {
        ok = false;
        snprintf(result->detail, sizeof result->detail, "%s has no Memory.jack or Memory.vm", student);
        goto out;
    }
    ok = ok && hack_build_add_os(&sources, true, os_added, &diags);
    hack_vm_options vm_options = {.bootstrap = true, .require_functions = true};
    ok = ok && hack_vm_build(&sources, &vm_options, folder, program, &diags) &&
         hack_build_mark_project_os(program, *os_added);
    if (!ok) first_error(&diags, result->detail, sizeof result->detail);
out:
    hack_vm_sources_free(&sources);
    hack_vm_sources_free(&theirs);
    hack_diag_list_free(&diags);
    return ok;
}

/* ---- the run ---- */

typedef struct {
    char fail[512];       /* the first FAIL line */
    bool passed;          /* a PASS line */
    char step[256];       /* the last STEP line: what the program was doing */
    char last[256];       /* the last line printed */
    char heap[1024];      /* the first finding of the heap check */
    char sys_error[1024]; /* the first Sys.error message */
    int error_code;
    char message[1024];   /* the first other message */
} run_log;

static void on_output(void *context, const char *text)
{
    run_log *log = context;
    if (strncmp(text, "FAIL", 4) == 0 && !log->fail[0]) copy_text(log->fail, sizeof log->fail, text, strlen(text));
    if (strcmp(text, "PASS") == 0) log->passed = true;
    if (strncmp(text, "STEP ", 5) == 0) copy_text(log->step, sizeof log->step, text + 5, strlen(text + 5));
    copy_text(log->last, sizeof log->last, text, strlen(text));
}

/* The first line of text. */
static void first_line(char *buf, size_t size, const char *text)
{
    copy_text(buf, size, text, strcspn(text, "\n"));
}

/* The first frame of a call stack in text ("  in F (File:line)" or "  called from F ..." lines; other lines,
 * such as a report's first, are passed over) whose function starts with want (any, when NULL) and not with
 * skip (a class prefix such as "Sys."), into buf as "F (File:line)". False when there is none. */
static bool frame_in(const char *text, const char *want, const char *skip, char *buf, size_t size)
{
    buf[0] = '\0';
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *p = line;
        while (*p == ' ') p++;
        if (strncmp(p, "in ", 3) == 0)
            p += 3;
        else if (strncmp(p, "called from ", 12) == 0)
            p += 12;
        else
            continue;
        if ((want && strncmp(p, want, strlen(want)) != 0) || (skip && strncmp(p, skip, strlen(skip)) == 0)) continue;
        first_line(buf, size, p);
        return true;
    }
    return false;
}

static void on_heap_report(void *context, const char *text)
{
    run_log *log = context;
    /* leaks are the test program's, and the summary line says nothing new */
    if (strncmp(text, "heap check: leak", 16) == 0) return;
    if (strncmp(text, "heap check: ", 12) == 0 && text[12] >= '0' && text[12] <= '9') return;
    /* a test program's own Memory.peek or poke of a word in no block (the course's MemoryTest pokes RAM[8000])
     * is the program's business, not the allocator's: a student's Jack peek and poke are not checked either */
    char access[256];
    frame_in(text, NULL, NULL, access, sizeof access);
    if (strncmp(access, "Memory.poke ", 12) == 0 || strncmp(access, "Memory.peek ", 12) == 0) return;
    if (!log->heap[0]) copy_text(log->heap, sizeof log->heap, text, strlen(text));
}

static void on_message(void *context, const char *text)
{
    run_log *log = context;
    if (strncmp(text, "Sys.error(", 10) == 0) {
        if (!log->sys_error[0]) {
            copy_text(log->sys_error, sizeof log->sys_error, text, strlen(text));
            log->error_code = atoi(text + 10);
        }
    } else if (!log->message[0] && strncmp(text, "note:", 5) != 0) {
        copy_text(log->message, sizeof log->message, text, strlen(text));
    }
}

/* The frame (LCL) of the innermost call of a Memory function, 0 when none. */
static uint32_t memory_frame(const hack_machine *m, const hack_program *program, uint16_t *return_address)
{
    uint16_t pc = m->pc, lcl = m->ram[1];
    for (int depth = 0; depth < 400; depth++) {
        const hack_symbol *f = hack_program_function_at(program, pc);
        bool in_memory = f && strncmp(f->name, "Memory.", 7) == 0;
        if (depth == 0) { /* the PC may be in the translator's shared routines: whose call or return it is */
            char stack[256];
            hack_backtrace(m, program, stack, sizeof stack);
            in_memory = strncmp(stack, "  in Memory.", 12) == 0;
        }
        if (in_memory) {
            *return_address = lcl >= 5 && lcl < HACK_RAM_SIZE ? m->ram[lcl - 5] : 0;
            return lcl;
        }
        if (lcl < 5 || lcl >= HACK_RAM_SIZE) return 0;
        pc = m->ram[lcl - 5];
        lcl = m->ram[lcl - 4];
        if (pc >= HACK_ROM_SIZE) return 0;
    }
    return 0;
}

static void classify(hack_bench_result *r, const run_log *log, hack_session *session, hack_machine *machine,
                     hack_session_stop stop, int expect, bool stuck, uint64_t budget, const hack_heap_call_stats *heap)
{
    const hack_program *program = hack_session_program(session);
    bool merging = strncmp(log->step, "merge", 5) == 0; /* the Merge program's large request */
    /* the heap check's findings come first: they happened before anything the program could see */
    if (log->heap[0]) {
        const char *h = log->heap;
        first_line(r->detail, sizeof r->detail, h + 12);
        frame_in(h, NULL, NULL, r->place, sizeof r->place);
        if (strstr(h, "a size of 0 or less")) {
            r->verdict = HACK_BENCH_MISSING_ERROR;
            return;
        }
        if (strstr(h, "not a block") || strstr(h, "is not inside the heap")) {
            /* 0, -1 or garbage: on a heap with no room for the request, that is a full heap (or, for Merge's
             * large block, no merging); with room left, the allocator lost its way */
            const char *call = strstr(h, "Memory.alloc("), *run = strstr(h, "the longest run ");
            long request = call ? strtol(call + 13, NULL, 10) : 0;
            long longest = run ? strtol(run + 16, NULL, 10) : 0;
            bool room = request > 0 && request + 2 <= longest;
            r->verdict = room      ? HACK_BENCH_OUTSIDE_HEAP
                         : merging ? HACK_BENCH_NO_MERGING
                                   : HACK_BENCH_FULL_HEAP;
            return;
        }
        if (strstr(h, "the allocator wrote into a live block")) {
            /* during an alloc of 0 or less, that is the Sys.error(5) it never called */
            const char *during = strstr(h, " during Memory.alloc(");
            long request = during ? strtol(during + 21, NULL, 10) : 1;
            if (request <= 0) {
                r->verdict = HACK_BENCH_MISSING_ERROR;
                char what[sizeof r->detail];
                memcpy(what, r->detail, sizeof what);
                snprintf(r->detail, sizeof r->detail, "Memory.alloc(%ld) did not end in Sys.error(5): %.400s", request,
                         what);
            } else {
                r->verdict = HACK_BENCH_CORRUPTS; /* its name says what the finding's first words say */
                static const char said[] = "the allocator wrote into a live block";
                if (strncmp(r->detail, said, sizeof said - 1) == 0) {
                    const char *rest = r->detail + sizeof said - 1;
                    while (*rest == ' ' || *rest == ':') rest++;
                    memmove(r->detail, rest, strlen(rest) + 1);
                }
            }
            return;
        }
        r->verdict = strstr(h, "overlaps the live block") ? HACK_BENCH_OVERLAP : HACK_BENCH_BAD_ACCESS;
        return;
    }
    if (log->fail[0]) {
        copy_text(r->detail, sizeof r->detail, log->fail, strlen(log->fail));
        const char *check = log->fail + 4;
        while (*check == ' ') check++;
        r->verdict = strncmp(check, "full-heap", 9) == 0 ? HACK_BENCH_FULL_HEAP
                     : strncmp(check, "merge", 5) == 0   ? HACK_BENCH_NO_MERGING
                                                         : HACK_BENCH_WRONG_RESULT;
        snprintf(r->place, sizeof r->place, "%s", "the test program's check");
        return;
    }
    switch (stop.state) {
    case HACK_SESSION_STACK_ERROR: {
        char text[2048];
        hack_session_describe_stack(session, text, sizeof text);
        r->verdict = stop.stack == HACK_STACK_OVERFLOW ? HACK_BENCH_STACK_OVERFLOW : HACK_BENCH_MACHINE_ERROR;
        snprintf(r->detail, sizeof r->detail, "%s",
                 stop.stack == HACK_STACK_OVERFLOW    ? "the stack ran into the heap"
                 : stop.stack == HACK_STACK_UNDERFLOW ? "the stack fell below 256"
                 : stop.stack == HACK_STACK_SP_OVERWRITTEN
                     ? "the stack pointer SP was overwritten (a write through a null pointer? RAM[0] is SP)"
                 : stop.stack == HACK_STACK_RESTART
                     ? "the program jumped back to its start (ROM 0): a return through a corrupted frame"
                     : "a return found a corrupted frame");
        if (!frame_in(text, "Memory.", NULL, r->place, sizeof r->place)) { /* the student's frame, when there */
            first_line(r->place, sizeof r->place, text);
            const char *p = r->place;
            while (*p == ' ') p++;
            if (strncmp(p, "in ", 3) == 0) p += 3;
            memmove(r->place, p, strlen(p) + 1);
        }
        return;
    }
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR: {
        r->verdict = HACK_BENCH_MACHINE_ERROR;
        if (stop.state == HACK_SESSION_FAULT)
            hack_fault_describe(&machine->fault, r->detail, sizeof r->detail);
        else
            first_line(r->detail, sizeof r->detail, log->message);
        hack_backtrace_describe(program, machine->pc, r->place, sizeof r->place);
        return;
    }
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_DEBUG: /* never: the bench sets no breakpoints */
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: {
        char spot[256] = "";
        hack_session_hot_spot(session, spot, sizeof spot);
        snprintf(r->place, sizeof r->place, "%s", spot);
        if (stop.state != HACK_SESSION_BUDGET) {
            r->verdict = HACK_BENCH_MACHINE_ERROR;
            snprintf(r->detail, sizeof r->detail, "the program waits for input");
        } else if (stuck) {
            r->verdict = HACK_BENCH_NO_PROGRESS;
            snprintf(r->detail, sizeof r->detail, "one call of Memory did not return in %llu cycles%s%s",
                     (unsigned long long)(budget / 4), expect == 6 ? " (on a full heap)" : "",
                     spot[0] ? ": it spins in " : "");
            if (spot[0])
                snprintf(r->detail + strlen(r->detail), sizeof r->detail - strlen(r->detail), "%s", spot);
        } else {
            r->verdict = HACK_BENCH_TOO_SLOW;
            snprintf(r->detail, sizeof r->detail, "did not finish within %llu cycles", (unsigned long long)budget);
        }
        return;
    }
    case HACK_SESSION_SYS_ERROR:
        first_line(r->detail, sizeof r->detail, log->sys_error[0] ? log->sys_error : "Sys.error");
        frame_in(log->sys_error, NULL, "Sys.", r->place, sizeof r->place);
        bool failed_alloc = heap && heap->in_alloc && heap->request > 0; /* raised inside Memory.alloc */
        bool room = failed_alloc && (uint32_t)heap->request + 2 <= heap->longest_free;
        if (expect && log->error_code == expect) {
            r->verdict = HACK_BENCH_PASS;
            r->detail[0] = r->place[0] = '\0';
        } else if (merging && failed_alloc) {
            r->verdict = HACK_BENCH_NO_MERGING;
            snprintf(r->detail, sizeof r->detail, "Sys.error(%d) at %s", log->error_code, log->step);
        } else if (!expect && failed_alloc && log->error_code == 6) {
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
    case HACK_SESSION_HALTED: {
        char stack[2048], mine[256];
        hack_backtrace(machine, program, stack, sizeof stack);
        if (!log->passed && frame_in(stack, "Memory.", NULL, mine, sizeof mine)) { /* Memory halted it (Sys.halt) */
            r->verdict = expect ? HACK_BENCH_MISSING_ERROR : HACK_BENCH_WRONG_RESULT;
            snprintf(r->detail, sizeof r->detail, "the program halted inside %s%s", mine,
                     expect ? " instead of calling Sys.error" : "");
            snprintf(r->place, sizeof r->place, "%s", mine);
            return;
        }
        if (expect) {
            r->verdict = HACK_BENCH_MISSING_ERROR;
            snprintf(r->detail, sizeof r->detail, "the program ended without Sys.error(%d)%s%s", expect,
                     log->last[0] ? ": " : "", log->last);
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
        long got = (int16_t)m->ram[address];
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

/* Memory.alloc(n) called from the state at Main.probe: whether it returns a block inside the heap that
 * overlaps no live block. The call returns to Main.probe's entry, where the hook stops it. */
static bool request_succeeds(probe_state *p, uint16_t n)
{
    hack_machine *m = p->machine;
    memcpy(m->ram, p->ram, HACK_RAM_SIZE * sizeof *m->ram);
    uint16_t sp = m->ram[0];
    if (sp + 6u >= FIRST_HEAP) return false;
    m->ram[sp] = n;
    m->ram[sp + 1] = p->probe; /* the return address */
    m->ram[sp + 2] = m->ram[1];
    m->ram[sp + 3] = m->ram[2];
    m->ram[sp + 4] = m->ram[3];
    m->ram[sp + 5] = m->ram[4];
    m->ram[0] = (uint16_t)(sp + 6);
    m->ram[1] = (uint16_t)(sp + 6);
    m->ram[2] = sp;
    m->pc = p->alloc;
    hack_session_run(p->session, PROBE_BUDGET);
    if (m->pc != p->probe || m->ram[0] != sp + 1) return false;
    uint32_t start = m->ram[sp], end = start + n;
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
    if (p->machine->pc != p->probe || !record) return false;
    size_t count = hack_heap_sanitizer_live_blocks(record, NULL, 0);
    hack_heap_live_block *blocks = realloc(p->blocks, (count ? count : 1) * sizeof *blocks);
    if (!blocks) return false;
    p->blocks = blocks;
    p->block_count = hack_heap_sanitizer_live_blocks(record, p->blocks, count);
    memcpy(p->ram, p->machine->ram, HACK_RAM_SIZE * sizeof *p->ram);
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
    if (!p.session || !p.ram || !hack_session_load(p.session, program, os_added, false, &diags) ||
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

void hack_bench_run(const char *student_folder, const char *program_folder, const hack_bench_options *options,
                    hack_bench_result *result)
{
    static const hack_bench_options defaults = {0};
    if (!options) options = &defaults;
    memset(result, 0, sizeof *result);
    result->figures.largest_request = -1;
    uint64_t budget = options->budget ? options->budget : DEFAULT_BUDGET;
    hack_bench_program info;
    if (!hack_bench_read_program(program_folder, &info)) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        snprintf(result->detail, sizeof result->detail, "%s/Main.jack cannot be read", program_folder);
        return;
    }
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
    if (!build(student, program_folder, options->student_os, &program, &os_added, result)) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        hack_program_free(&program);
        hack_machine_destroy(machine);
        return;
    }
    run_log *log = calloc(1, sizeof *log);
    hack_session_options so = {.check_heap = true, .check_heap_no_leaks = true, .check_report_limit = 1,
                               .mirror_output = true, .message = on_message, .heap_report = on_heap_report,
                               .output_line = on_output, .context = log, .heap_timeline = options->timeline,
                               .jack_classes = options->memory == HACK_BENCH_PROJECT_JACK ? "Memory" : NULL};
    hack_session *session = log ? hack_session_create(machine, &so) : NULL;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (!session || !hack_session_load(session, &program, os_added, false, &diags)) {
        result->verdict = HACK_BENCH_BUILD_ERROR;
        if (session)
            first_error(&diags, result->detail, sizeof result->detail);
        else
            snprintf(result->detail, sizeof result->detail, "out of memory");
    } else {
        hack_session_stop stop = hack_session_run(session, budget);
        uint64_t cycles = stop.cycles;
        bool stuck = false;
        if (stop.state == HACK_SESSION_BUDGET && !log->heap[0] && !log->fail[0]) {
            /* inside one call of Memory for a quarter of the budget more: no progress */
            uint16_t return_before = 0, return_after = 0;
            uint32_t frame = memory_frame(machine, &program, &return_before);
            if (frame) {
                hack_session_stop probe = hack_session_run(session, budget / 4);
                cycles += probe.cycles;
                if (probe.state == HACK_SESSION_BUDGET)
                    stuck = memory_frame(machine, &program, &return_after) == frame && return_after == return_before;
                else
                    stop = probe; /* it finished after all: judged on that, though slow */
            }
        }
        uint16_t ignored;
        /* (a finding of the heap check or a failed check came first, and stands) */
        bool endless_in_memory = stop.state == HACK_SESSION_HALTED && stop.endless_loop && !log->heap[0] &&
                                 !log->fail[0] && memory_frame(machine, &program, &ignored) != 0;
        result->cycles = cycles;
        hack_session_finish(session);
        take_figures(result, session, options->timeline);
        if (info.cmp[0]) log->passed = true; /* a course-style test prints no PASS: its RAM is checked */
        if (endless_in_memory) { /* a loop that can never end, inside the student's Memory: no progress */
            result->verdict = HACK_BENCH_NO_PROGRESS;
            char where[256], stack[512];
            hack_backtrace(machine, &program, stack, sizeof stack);
            const char *first = strncmp(stack, "  in ", 5) == 0 ? stack + 5 : stack;
            first_line(where, sizeof where, first);
            snprintf(result->detail, sizeof result->detail,
                     "a call of Memory is caught in a loop that can never end%s: it spins in %s",
                     expect == 6 ? " (on a full heap)" : "", where);
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
        if (result->verdict == HACK_BENCH_PASS && cycles > budget) {
            result->verdict = HACK_BENCH_TOO_SLOW;
            snprintf(result->detail, sizeof result->detail, "finished after %llu cycles, over the budget of %llu",
                     (unsigned long long)cycles, (unsigned long long)budget);
        }
        hack_session_unload(session);
        if (result->verdict == HACK_BENCH_PASS)
            result->figures.largest_request = probe_largest_request(&program, os_added, &so, options->memory == HACK_BENCH_NATIVE);
    }
    hack_diag_list_free(&diags);
    hack_session_free(session);
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
        hack_strbuf_appendf(&out, ",%llu,%s,%s,%llu,%u,%u,%llu,%u,%u,%u,%d", (unsigned long long)r->cycles,
                            r->optional ? "yes" : "no", reference ? "yes" : "no", (unsigned long long)g->allocs,
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
        hack_strbuf_appendf(&out,
                            ", \"cycles\": %llu, \"optional\": %s, \"reference\": %s, \"allocs\": %llu, "
                            "\"alloc_median\": %u, \"alloc_max\": %u, \"frees\": %llu, \"free_median\": %u, "
                            "\"free_max\": %u, \"peak_live_words\": %u, \"largest_request\": %d}",
                            (unsigned long long)r->cycles, r->optional ? "true" : "false", reference ? "true" : "false",
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
