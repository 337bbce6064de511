/* The web page's glue (app.js calls these): one program at a time, built from the files the page put in the
 * in-memory file system, run through the same driver as hackemu, with the same notes and the same stop
 * explanations (hack_session_explain_stop). Nothing here knows about the page: the page reads the RAM for its
 * canvas, writes the keyboard word, and shows the text. */
#define _POSIX_C_SOURCE 200809L
#include "hack/build.h"
#include "hack/debugger.h"
#include "hack/heap_check.h"
#include "hack/heap_map.h"
#include "hack/diag.h"
#include "hack/machine.h"
#include "hack/memory_bench.h"
#include "hack/os.h"
#include "hack/path.h"
#include "hack/program.h"
#include "hack/script.h"
#include "hack/session.h"
#include "hack/strbuf.h"
#include "hack_web.h"

#include <emscripten/emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    hack_machine *machine;
    hack_program program;
    bool program_ready;
    hack_session *session;
    char name[256];    /* the program as the user named it (in messages) */
    hack_strbuf text;  /* notes, messages, printed lines, the last stop's meaning: taken by hw_take_text */
    char *taken;
    hack_session_state last;
    int heap_problems; /* found by the heap check in the run that ended */
    hack_debugger *debugger; /* the debugger, when the page debugs the program */
} page;

/* The explanation of the stop that ended the last run (hw_stop_text), apart from the printed lines */
static char stop_text[8000];

static void add_text(const char *text)
{
    hack_strbuf_append(&page.text, text, strlen(text));
}

static void add_line(void *context, const char *text)
{
    (void)context;
    add_text(text);
    if (!*text || text[strlen(text) - 1] != '\n') add_text("\n");
}

static void add_finding_line(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)finding;
    add_line(context, text);
}

/* What the OS and the heap check said during the current run (a bad deAlloc, a corrupted heap: said as it
 * happens, before the run stops), for the status line with the stop's explanation */
static hack_strbuf run_said;

static void add_said(void *context, const char *text)
{
    add_line(context, text);
    hack_strbuf_append(&run_said, text, strlen(text));
    if (!*text || text[strlen(text) - 1] != '\n') hack_strbuf_append_char(&run_said, '\n');
}

static void add_finding(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)finding;
    add_said(context, text);
}

static void add_diags(const hack_diag_list *diags)
{
    char *buffer = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    if (!out) return;
    hack_diag_list_print(out, diags);
    fclose(out);
    if (buffer) add_text(buffer);
    free(buffer);
}

/* The clock of Sys.wait: the page's, moved on by the time the debugger's commands let pass at once */
static uint64_t skipped_ms;

static uint64_t now_ms(void *context)
{
    (void)context;
    return (uint64_t)emscripten_get_now() + skipped_ms;
}

static void skip_wait(void *context, uint64_t until_ms)
{
    const uint64_t now = now_ms(context);
    if (until_ms > now) skipped_ms += until_ms - now;
}

static void unload(void)
{
    hack_debugger_free(page.debugger);
    page.debugger = NULL;
    hack_session_free(page.session);
    page.session = NULL;
    if (page.program_ready) hack_program_free(&page.program);
    page.program_ready = false;
}

/* Builds PATH (a file or a folder of the in-memory file system) and binds it to the machine, as hackemu does:
 * a Jack or VM program gets the OS classes it lacks and the bootstrap, and the notes say so. 1: loaded. */
EMSCRIPTEN_KEEPALIVE int hw_load(const char *path, int flags)
{
    const bool check_heap = flags & HW_CHECK_HEAP, debug = flags & HW_DEBUG;
    unload();
    hack_strbuf_reset(&page.text); /* (what the program before left unsaid, a line it had not ended) */
    stop_text[0] = '\0';
    if (!page.machine) page.machine = hack_machine_create();
    if (!page.machine || !hack_program_init(&page.program)) {
        add_text("out of memory\n");
        return 0;
    }
    page.program_ready = true;
    const char *base = strrchr(path, '/');
    snprintf(page.name, sizeof page.name, "%s", base && base[1] ? base + 1 : path);
    const bool vm_code = hack_build_is_program_folder(path) || hack_path_has_extension(path, ".vm") ||
                         hack_path_has_extension(path, ".jack");
    hack_build_options build = {.bootstrap = vm_code, .vm_emulator = vm_code};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_build_program(path, &build, &page.program, &diags);
    /* a lone .vm file starts with SP = 256, as the VM emulator starts it (and a reset again so) */
    const hack_launch launch = {.program = &page.program, .os_added = build.os_added,
                                .code = build.machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM,
                                .bootstrapped = !vm_code || build.bootstrapped};
    const hack_session_options options = {.mirror_output = true,
                                          .check_heap = check_heap,
                                          .stop_at_heap_report = debug,
                                          .track_allocations = (flags & HW_HEAP_MAP) != 0,
                                          .now_ms = now_ms,
                                          .message = add_said,
                                          .heap_report = add_finding,
                                          .output_line = add_line};
    if (ok) page.session = hack_session_create(page.machine, &options);
    ok = ok && page.session && hack_session_load(page.session, &launch, &diags);
    add_diags(&diags);
    hack_diag_list_free(&diags);
    if (!ok) {
        unload();
        return 0;
    }
    page.last = HACK_SESSION_BUDGET;
    page.heap_problems = 0;
    if (debug) { /* the engine of hackemu --debug, its answers in the text */
        const hack_debugger_options debugging = {.print = add_line};
        hack_diag_list_init(&diags);
        page.debugger = hack_debugger_create(page.session, page.machine, &debugging, &diags);
        if (page.debugger) hack_debugger_set_wait_skipper(page.debugger, skip_wait, NULL); /* (step over Sys.wait) */
        add_diags(&diags);
        hack_diag_list_free(&diags);
    }
    return 1;
}

/* Runs the test script PATH (a .tst of the in-memory file system) as hackemu does: its program loaded, its
 * output written beside it (NAME.out), compared with its .cmp. The verdict (hack_script_explain) and the notes are
 * in the text; the machine keeps the end state for the page to show. Returns the hack_script_status. */
EMSCRIPTEN_KEEPALIVE int hw_test(const char *path, int check_heap)
{
    unload();
    if (!page.machine) page.machine = hack_machine_create();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = page.machine ? hack_script_parse_file(path, &diags) : NULL;
    const hack_session_options options = {.test_script = true,
                                          .check_heap = check_heap != 0,
                                          .message = add_line,
                                          .heap_report = add_finding_line};
    page.session = script ? hack_session_create(page.machine, &options) : NULL;
    hack_script_result result = {.status = HACK_SCRIPT_ERROR};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (page.session) {
        /* translate: a CPU script that loads X.asm made from X.vm, as hackemu --translate (no command line here) */
        const hack_script_options script_options = {
            .script_dir = dir, .session = page.session, .message = add_line, .translate = true};
        hack_script_run(script, page.machine, &script_options, &result, &diags);
    }
    add_diags(&diags);
    hack_diag_list_free(&diags);
    char verdict[4000];
    if (hack_script_explain(&result, path, 0, verdict, sizeof verdict)) add_text(verdict);
    page.heap_problems = page.session ? hack_session_heap_problems(page.session) : 0;
    hack_script_free(script);
    return result.status;
}

/* The memory bench, one run at a time (the page runs them between frames, so it stays responsive): student's
 * Memory (the folder student, or hackemu's own: memory 1 its Memory.jack, 2 its native Memory) against the test
 * program in program_folder, as hackemu --test-memory runs it. Returns the result as a JSON record (folder and
 * program as named here); the CSV records gather for hw_bench_csv. */
static hack_strbuf bench_csv;

static uint8_t timeline_rgb[HACK_HEAP_TIMELINE_COLUMNS * 2 * HACK_HEAP_TIMELINE_BANDS * 2 * 3];
static int timeline_width; /* pixels; 0: the last run has no heap over time */

EMSCRIPTEN_KEEPALIVE const char *hw_bench(const char *student, const char *program_folder, const char *folder,
                                          const char *program, int memory, int reference, int timeline)
{
    static char json[4096];
    const hack_bench_options options = {.memory = memory == 1   ? HACK_BENCH_PROJECT_JACK
                                                  : memory == 2 ? HACK_BENCH_NATIVE
                                                                : HACK_BENCH_STUDENT,
                                        .timeline = timeline != 0};
    hack_bench_result result;
    hack_bench_run(memory ? NULL : student, program_folder, &options, &result);
    /* the heap over time, as the report draws it (2 x 2 pixels a cell) */
    timeline_width = 0;
    if (result.timeline_columns && result.timeline_columns <= HACK_HEAP_TIMELINE_COLUMNS) {
        hack_bench_timeline_rgb(&result, 2, timeline_rgb);
        timeline_width = (int)result.timeline_columns * 2;
    }
    char csv[4096];
    hack_bench_record(HACK_BENCH_CSV, folder, program, reference != 0, &result, csv, sizeof csv);
    if (!bench_csv.length) hack_strbuf_append(&bench_csv, HACK_BENCH_CSV_HEADER "\n", strlen(HACK_BENCH_CSV_HEADER) + 1);
    hack_strbuf_appendf(&bench_csv, "%s\n", csv);
    hack_bench_record(HACK_BENCH_JSON, folder, program, reference != 0, &result, json, sizeof json);
    hack_bench_result_free(&result);
    return json;
}

/* The last run's heap over time (hw_bench with timeline): RGB pixels, hw_bench_timeline_width() x 448; NULL when
 * it has none. */
EMSCRIPTEN_KEEPALIVE uint8_t *hw_bench_timeline(void)
{
    return timeline_width ? timeline_rgb : NULL;
}

EMSCRIPTEN_KEEPALIVE int hw_bench_timeline_width(void)
{
    return timeline_width;
}

/* Whether a test program is the one whose figures (and heap over time) the table shows ("// figures:"). */
EMSCRIPTEN_KEEPALIVE int hw_bench_is_figures(const char *program_folder)
{
    hack_bench_program info;
    return hack_bench_read_program(program_folder, &info) && info.figures;
}

/* The CSV of the runs since hw_bench_reset, as hackemu --test-memory --format=csv prints it. */
EMSCRIPTEN_KEEPALIVE const char *hw_bench_csv(void)
{
    return hack_strbuf_text(&bench_csv);
}

EMSCRIPTEN_KEEPALIVE void hw_bench_reset(void)
{
    hack_strbuf_reset(&bench_csv);
}

/* The table cell's mark of a verdict named as in the records ("pass" -> "ok", "overlap" -> "OVERLAP"). */
EMSCRIPTEN_KEEPALIVE const char *hw_bench_mark(const char *verdict_name)
{
    for (int v = 0; v < HACK_BENCH_VERDICT_COUNT; v++)
        if (strcmp(hack_bench_verdict_name((hack_bench_verdict)v), verdict_name) == 0)
            return hack_bench_verdict_mark((hack_bench_verdict)v);
    return "?";
}

/* A test program's purpose line, and whether it is optional (a check of policy). */
EMSCRIPTEN_KEEPALIVE const char *hw_bench_program(const char *program_folder)
{
    static char text[300];
    hack_bench_program info;
    if (!hack_bench_read_program(program_folder, &info)) return "";
    snprintf(text, sizeof text, "%s%s", info.optional ? "optional: " : "", info.purpose);
    return text;
}

/* After a run: a stop for good ends the run (the heap check's last word) and is explained in the text. */
static int after_run(hack_session_stop stop)
{
    page.last = stop.state;
    if (stop.state != HACK_SESSION_BUDGET && stop.state != HACK_SESSION_WAITING_KEY &&
        stop.state != HACK_SESSION_WAITING_TIME) {
        page.heap_problems = hack_session_finish(page.session);
        char explained[sizeof stop_text];
        explained[0] = '\0';
        if (hack_session_explain_stop(page.session, stop, page.name, explained, sizeof explained)) add_text(explained);
        snprintf(stop_text, sizeof stop_text, "%s%s", hack_strbuf_text(&run_said), explained);
    }
    hack_strbuf_reset(&run_said);
    return stop.state;
}

/* What ended the program (hack_session_explain_stop's words), for the status line; "" while it has not ended or
 * when it halted without a word. */
EMSCRIPTEN_KEEPALIVE const char *hw_stop_text(void)
{
    return stop_text;
}

/* ---- the debugger (hw_load with debug) ---- */

/* One command line of hackemu --debug's (break, step, next, finish, print, info locals, bt, x/8 ADDR...); its
 * answer is in the text. 0 when there is no debugger (or the command was quit). */
EMSCRIPTEN_KEEPALIVE int hw_debug(const char *line)
{
    return page.debugger && hack_debugger_command(page.debugger, line);
}

/* Runs at most budget instructions as `continue` does. Returns 100 when the debugger stopped there (a
 * breakpoint, a watchpoint, the heap check: told in the text), else the stop's hack_session_state (an end is
 * explained in the text, as hw_run does). */
EMSCRIPTEN_KEEPALIVE int hw_debug_run(double budget)
{
    if (!page.debugger) return hw_run(budget);
    bool stopped = false;
    const hack_session_stop stop = hack_debugger_run(page.debugger, budget >= 1 ? (uint64_t)budget : 1, &stopped);
    if (stopped) return 100;
    if (stop.state == HACK_SESSION_DEBUG) return HACK_SESSION_BUDGET; /* a watched word read, not changed: on */
    return after_run(stop);
}

/* Where the selected frame is: "File.jack:LINE" (or "ROM:WORD"), "" without a debugger. */
EMSCRIPTEN_KEEPALIVE const char *hw_debug_here(void)
{
    static char here[300];
    here[0] = '\0';
    if (!page.debugger) return here;
    const hack_debugger_place place = hack_debugger_here(page.debugger);
    snprintf(here, sizeof here, "%s:%u", hack_debugger_place_file(page.debugger, place), (unsigned)place.line);
    return here;
}

/* A breakpoint on FILE:LINE set or removed (as clicking a line does); 1 when one is there now. */
/* The index of the program's source file named FILE (its base name), -1 for none. */
static int source_index(const char *file)
{
    for (size_t i = 0; page.program_ready && i < page.program.source_file_count; i++)
        if (strcmp(hack_path_base_name(page.program.source_files[i]), file) == 0) return (int)i;
    return -1;
}

EMSCRIPTEN_KEEPALIVE int hw_debug_toggle(const char *file, int line)
{
    const int i = source_index(file);
    if (!page.debugger || i < 0) return 0;
    return hack_debugger_toggle_breakpoint(page.debugger, (hack_debugger_place){i, (uint32_t)line});
}

/* Whether a breakpoint stops on FILE:LINE (for the source pane's marks). */
EMSCRIPTEN_KEEPALIVE int hw_debug_has_break(const char *file, int line)
{
    const int i = source_index(file);
    if (!page.debugger || i < 0) return 0;
    char text[8];
    bool on = false;
    hack_debugger_place_text(page.debugger, (hack_debugger_place){i, (uint32_t)line}, text, sizeof text, &on);
    return on;
}

/* The program from its start again, as a fresh start would: RAM cleared, everything bound anew. */
EMSCRIPTEN_KEEPALIVE int hw_reset(void)
{
    if (!page.session) return 0;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    const bool ok = hack_session_reload(page.session, &diags);
    add_diags(&diags);
    hack_diag_list_free(&diags);
    page.last = HACK_SESSION_BUDGET;
    page.heap_problems = 0;
    return ok;
}

/* Runs at most budget instructions. Returns the stop's state (hack_session_state); for a stop that ends the
 * run, or one that means something to the user, its explanation is in the text. */
EMSCRIPTEN_KEEPALIVE int hw_run(double budget)
{
    if (!page.session) return HACK_SESSION_HALTED;
    return after_run(hack_session_run(page.session, budget >= 1 ? (uint64_t)budget : 1));
}

/* The clock a program's own Sys.wait loop is tuned for (the course's Pong.asm: 3.26 MHz), so the page can run
 * it at that speed as the window does; 0: the program has none (the project's Sys.wait keeps real time). */
EMSCRIPTEN_KEEPALIVE double hw_paced_clock(void)
{
    uint64_t hz = 0;
    if (!page.session || !hack_session_paced_wait(page.session, &hz)) return 0;
    return (double)hz;
}

/* The Jack source of a class of hackemu's OS ("Sys"), for the source pane; "" for none. */
EMSCRIPTEN_KEEPALIVE const char *hw_os_source(const char *class_name)
{
    for (size_t i = 0; i < hack_os_class_count; i++)
        if (strcmp(hack_os_classes[i].name, class_name) == 0) return hack_os_classes[i].source;
    return "";
}

/* An address as the user gives it (a number, R0..R15, SP, LCL, ARG, THIS, THAT, SCREEN, KBD, or a variable of the
 * program), as --set and the debugger take it; -1 for none. */
EMSCRIPTEN_KEEPALIVE int hw_resolve(const char *text)
{
    uint16_t address;
    if (!page.program_ready || !hack_session_resolve_address(&page.program, text, strlen(text), &address)) return -1;
    return address;
}

/* The heap map of the machine now (hack_session_render_heap_map at scale 2: 256 x 224 RGB pixels, 3 bytes
 * each), its caption in hw_heap_caption; NULL when the heap is not one it can draw. */
enum { MAP_SCALE = 2 };
static uint8_t heap_map[HACK_HEAP_MAP_COLUMNS * MAP_SCALE * HACK_HEAP_MAP_ROWS * MAP_SCALE * 3];
static char heap_caption[400];

EMSCRIPTEN_KEEPALIVE uint8_t *hw_heap_map(void)
{
    heap_caption[0] = '\0';
    if (!page.session) return NULL;
    const bool drawn = hack_session_render_heap_map(page.session, MAP_SCALE, heap_map, heap_caption, sizeof heap_caption);
    return drawn ? heap_map : NULL;
}

EMSCRIPTEN_KEEPALIVE const char *hw_heap_caption(void)
{
    return heap_caption;
}

/* Where a program that runs on is spending its time ("Main.loop (Main.jack:12)"), for the status line. */
EMSCRIPTEN_KEEPALIVE const char *hw_where(void)
{
    static char spot[300];
    spot[0] = '\0';
    if (page.session) hack_session_hot_spot(page.session, spot, sizeof spot);
    return spot;
}

/* Problems the heap check found in the run that ended (0 without it). */
EMSCRIPTEN_KEEPALIVE int hw_heap_problems(void)
{
    return page.heap_problems;
}

EMSCRIPTEN_KEEPALIVE double hw_cycles(void)
{
    return page.machine ? (double)hack_machine_cycles(page.machine) : 0;
}

/* The RAM (32K words): the screen at 16384, the keyboard at 24576. The page reads and edits it in place (its
 * RAM table), so this is the machine's own array, not a read-only view. */
EMSCRIPTEN_KEEPALIVE uint16_t *hw_ram(void)
{
    if (!page.machine) page.machine = hack_machine_create();
    return page.machine ? hack_machine_ram_in_place(page.machine) : NULL;
}

EMSCRIPTEN_KEEPALIVE void hw_key(int code)
{
    if (page.machine) hack_machine_set_ram(page.machine, HACK_KBD, (uint16_t)code);
}

/* Keys held down from given cycles on, as hackemu's --keys: "CYCLE:CODE,CYCLE:CODE,..." (0 releases); while the
 * program waits for a key, time jumps to the next one. 1: taken. */
EMSCRIPTEN_KEEPALIVE int hw_set_keys(const char *spec)
{
    if (!page.session) return 0;
    size_t count = 0, capacity = 16;
    hack_key_event *events = malloc(capacity * sizeof *events);
    const char *p = spec;
    while (events && *p) {
        char *end;
        const unsigned long long cycle = strtoull(p, &end, 10);
        if (end == p || *end != ':') break;
        p = end + 1;
        const unsigned long code = strtoul(p, &end, 10);
        if (end == p || code > 0xFFFF) break;
        p = *end == ',' ? end + 1 : end;
        if (count == capacity) {
            hack_key_event *grown = realloc(events, (capacity *= 2) * sizeof *events);
            if (!grown) break;
            events = grown;
        }
        events[count++] = (hack_key_event){cycle, (uint16_t)code};
        if (*end != ',') break;
    }
    const bool ok = events && *p == '\0' && hack_session_set_keys(page.session, events, count);
    if (!ok) add_text("keys: CYCLE:CODE pairs separated by commas, in cycle order\n");
    free(events);
    return ok;
}

/* What was said since the last call (a string the page copies at once). */
EMSCRIPTEN_KEEPALIVE const char *hw_take_text(void)
{
    free(page.taken);
    page.taken = hack_strbuf_take(&page.text, NULL);
    hack_strbuf_init(&page.text);
    return page.taken ? page.taken : "";
}

int main(void)
{
    hack_strbuf_init(&page.text);
    hack_strbuf_init(&bench_csv);
    return 0;
}
