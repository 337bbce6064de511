/* What the web page (app.js) calls in the WebAssembly build (hack_web.c). One program at a time. */
#ifndef HACK_WEB_H
#define HACK_WEB_H

#include <stdint.h>

/* Builds PATH (a file or a folder of the in-memory file system) and binds it as hackemu does; flags: the heap
 * check, the debugger (hackemu --debug's engine), the allocations followed for the heap map. 1: loaded. */
enum { HW_CHECK_HEAP = 1, HW_DEBUG = 2, HW_HEAP_MAP = 4 };
int hw_load(const char *path, int flags);
/* The heap map now (256 x 224 RGB pixels), NULL when the heap cannot be drawn; its caption (figures, or why). */
uint8_t *hw_heap_map(void);
const char *hw_heap_caption(void);
/* The debugger: a command line (its answer in the text); a run in slices as `continue` (100: it stopped);
 * where the selected frame is ("Main.jack:12"); a breakpoint toggled on, or looked up at, FILE:LINE. */
int hw_debug(const char *line);
int hw_debug_run(double budget);
const char *hw_debug_here(void);
int hw_debug_toggle(const char *file, int line);
int hw_debug_has_break(const char *file, int line);
/* The Jack source of a class of hackemu's OS ("Sys"), or "". */
const char *hw_os_source(const char *class_name);
/* The clock a program's own Sys.wait loop is tuned for (Hz), 0 for none. */
double hw_paced_clock(void);
/* Runs the test script PATH (.tst) as hackemu does (its .out beside it); returns the hack_script_status, the
 * verdict in the text. */
int hw_test(const char *path, int check_heap);
/* The memory bench, one run: student's Memory (memory 0; 1: hackemu's Memory.jack, 2: its native one) against a
 * test program folder; the JSON record (named folder, program). Its CSV record gathers for hw_bench_csv. */
const char *hw_bench(const char *student, const char *program_folder, const char *folder, const char *program,
                     int memory, int reference, int timeline);
/* With timeline: the run's heap over time (RGB, hw_bench_timeline_width() x 448), NULL for none. */
uint8_t *hw_bench_timeline(void);
int hw_bench_timeline_width(void);
/* Whether a test program is the one whose figures the table shows ("// figures:"). */
int hw_bench_is_figures(const char *program_folder);
/* The CSV of the runs since hw_bench_reset, as hackemu --test-memory --format=csv prints it. */
const char *hw_bench_csv(void);
void hw_bench_reset(void);
/* The table cell's mark of a verdict named as in the records ("pass" -> "ok"). */
const char *hw_bench_mark(const char *verdict_name);
/* A test program's purpose ("optional: ..." for a check of policy), or "". */
const char *hw_bench_program(const char *program_folder);
/* The program from its start again, as a fresh start would. 1: done. */
int hw_reset(void);
/* Runs at most budget instructions; returns the stop's hack_session_state. */
int hw_run(double budget);
/* An address as --set takes it (a number, SP, SCREEN, a variable of the program); -1 for none. */
int hw_resolve(const char *text);
/* Where a running program spends its time ("Main.loop (Main.jack:12)"), or "". */
const char *hw_where(void);
/* Problems the heap check found in the run that ended (0 without it). */
int hw_heap_problems(void);
/* Instructions run since the load. */
double hw_cycles(void);
/* The RAM, 32K words (the screen at 16384, the keyboard at 24576). */
uint16_t *hw_ram(void);
/* The key held down (0: none), with the course's codes. */
void hw_key(int code);
/* Keys held down from given cycles on, as hackemu's --keys: "CYCLE:CODE,..." (0 releases). 1: taken. */
int hw_set_keys(const char *spec);
/* The notes, messages, printed lines and stop explanations since the last call. */
const char *hw_take_text(void);
/* What ended the program, in hack_session_explain_stop's words ("" while it runs, or when it halted silently) */
const char *hw_stop_text(void);

#endif
