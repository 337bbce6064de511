/* What the web page (app.js) calls in the WebAssembly build (hack_web.c). One program at a time. */
#ifndef HACK_WEB_H
#define HACK_WEB_H

#include <stdint.h>

/* Builds PATH (a file or a folder of the in-memory file system) and binds it as hackemu does, with the heap
 * check when check_heap is not 0. 1: loaded. */
int hw_load(const char *path, int check_heap);
/* The Jack source of a class of hackemu's OS ("Sys"), or "". */
const char *hw_os_source(const char *class_name);
/* The clock a program's own Sys.wait loop is tuned for (Hz), 0 for none. */
double hw_paced_clock(void);
/* Runs the test script PATH (.tst) as hackemu does (its .out beside it); returns the hack_script_status, the
 * verdict in the text. */
int hw_test(const char *path, int check_heap);
/* The program from its start again, as a fresh start would. 1: done. */
int hw_reset(void);
/* Runs at most budget instructions; returns the stop's hack_session_state. */
int hw_run(double budget);
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

#endif
