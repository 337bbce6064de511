/* The native OS classes: hooks that do in C what os/jack does in Jack, with the same results on the screen
 * and in RAM, where speed or real time pays. They keep their state where the Jack classes keep it (Output's
 * cursor and Screen's color are the Jack classes' statics), and leave the init functions to the Jack code,
 * so the heap is laid out the same in either mode.
 *   Math:   multiply, divide, sqrt
 *   Output: printChar, printString, printInt, println, backSpace, moveCursor
 *   Screen: clearScreen, setColor, drawPixel, drawLine, drawRectangle, drawCircle
 *   Sys:    wait (virtual time: returns at once when no clock is given), error (observed: the host hears of it,
 *           the Jack code draws ERR<code> and halts); a program's own Sys.wait can be paced (pace_wait)
 *   Keyboard: readChar (with a native Output): while no key is down, or the key is not yet released, it stops
 *           the run (HACK_STOP_HOOK) instead of spinning, so a front end can sleep until a key event
 * Errors go through the program's Sys.error, as the Jack code would. */
#ifndef HACK_NATIVE_OS_H
#define HACK_NATIVE_OS_H

#include "hack/machine.h"
#include "hack/program.h"

#include <stdbool.h>

typedef struct hack_native_os hack_native_os;

typedef struct {
    /* which classes to make native (names "Math", "Output", "Screen", "Sys"); a class is made native only
     * when the program has the project's own (the layouts must be ours) */
    bool math, output, screen, sys, keyboard;
    void (*message)(void *context, const char *text); /* Sys.error's report, with the call stack; may be NULL */
    void *message_context;
    /* every character the native Output prints (128 newline, 129 backspace), for a copy on the host */
    void (*print)(void *context, int c);
    void *print_context;
    /* Sys.wait in real time: a clock in milliseconds; the hook stops the run (HACK_STOP_HOOK) until the time
     * has come, so the front end can sleep meanwhile. NULL = virtual time: it returns at once (headless) */
    uint64_t (*now_ms)(void *context);
    void *clock_context;
    /* With now_ms and without a native Sys: the program's own Sys.wait (the course's busy loop, found by its
     * label, "Sys.wait" or "sys.wait" in any case) is paced in real time. Its code runs as it is; an observe
     * hook notes when it was called, and holds its return (HACK_STOP_HOOK, WAITING_TIME) until duration
     * milliseconds have passed since, so the call takes at least the time asked whatever the speed. */
    bool pace_wait;
    /* The program's String is not the project's (a student's, in another layout): Output.printString stays in
     * Jack, the rest of Output native */
    bool foreign_string;
} hack_native_os_options;

hack_native_os *hack_native_os_bind(hack_machine *machine, const hack_program *program,
                                    const hack_native_os_options *options);
void hack_native_os_free(hack_native_os *os);

/* Only the observer of Sys.error (for --os=jack: the host still hears of errors). */
hack_native_os *hack_native_os_observe_errors(hack_machine *machine, const hack_program *program,
                                              const hack_native_os_options *options);

typedef enum {
    HACK_NATIVE_OS_NOT_WAITING,
    HACK_NATIVE_OS_WAITING_TIME, /* in a real-time Sys.wait, until *until_ms */
    HACK_NATIVE_OS_WAITING_KEY,  /* in Keyboard.readChar, for a key to go down or up */
} hack_native_os_wait;

/* Why the run stopped in the native OS, if it is waiting. */
hack_native_os_wait hack_native_os_waiting(const hack_native_os *os, uint64_t *until_ms);

/* Whether the program's own Sys.wait is paced (pace_wait, and it has one). *clock_hz: the clock rate at which
 * its busy loop takes the time asked, measured at bind time by running Sys.wait(1), (2) and (3) on a copy of
 * the machine (cycles per millisecond x 1000); 0 when it could not be measured (the loop did not return, or
 * its cycles do not grow with the duration). */
bool hack_native_os_paced_wait(const hack_native_os *os, uint64_t *clock_hz);

/* The clock rate at which the function at entry, called as Sys.wait(ms), takes ms milliseconds, or 0 (see
 * hack_native_os_paced_wait). The program is run on a machine of its own; nothing else is touched. */
uint64_t hack_native_os_wait_clock(const hack_program *program, uint16_t entry);

/* A native function (of this module or another: the native Memory) enters Sys.error with code in its own
 * place, reusing its frame: the report then says the owner's meaning of the code. */
void hack_native_os_raised(hack_native_os *os, int code);

/* The code Sys.error was called with (0 when it was not: hack_native_os_failed tells). */
int hack_native_os_error_code(const hack_native_os *os);
/* Whether Sys.error was called (with any code, 0 included). */
bool hack_native_os_failed(const hack_native_os *os);

#endif
