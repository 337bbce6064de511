/* The SDL2 window: the screen scaled by a whole number (crisp when resized), the keyboard, speed, pause and
 * single step, reset, screenshots; an error that stops the program said over its screen, and the debug view
 * (debug_panel.h) at any pause and after the program stopped. Emulation runs in slices between frames paced on a monotonic clock; the
 * window never waits on the program, and a paused or halted program burns no CPU (it waits for events).
 * Speed: flat out, or a target (--hz, Ctrl+Up/Ctrl+Down; Ctrl+0 back to full speed), shown in the title with
 * the measured speed. A program with its own Sys.wait (the course's busy loop, which the session paces in real
 * time) starts at the clock that loop is tuned for, and the window says so once on stderr. */
#ifndef HACK_WINDOW_H
#define HACK_WINDOW_H

#include "hack/machine.h"
#include "hack/session.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *name;        /* the program, for the title */
    int scale;               /* 1..8 */
    uint64_t hz;             /* instructions per second to emulate at first; 0 = as fast as possible, or the
                              * clock of the program's own Sys.wait when the session paces it */
    bool start_paused;
    bool start_with_heap_map; /* show the heap map (Ctrl+H) from the start */
    uint64_t budget;         /* pause after this many instructions (0: none) */
    uint64_t screenshot_at;  /* at this cycle, write the window's pixels to screenshot_path (0: never); the
                              * screen in black and white, or the heap map in colour when it is shown */
    const char *screenshot_path;
    bool quit_after_screenshot;
    double quit_after_seconds; /* close by itself after this long (0: never), for measurements */
    bool stats;              /* at the end, print frames per second, emulation speed and CPU time */
    /* The debugger (hack/debugger.h) in the window: it starts at the first pause (Ctrl+P, Ctrl+D, --paused,
     * the budget), which shows the debug view (Ctrl+D hides it), or when Ctrl+D or Ctrl+P asks for the view
     * after the program stopped for good (it takes that stop as its own). With debug set it starts at once, with these
     * breakpoints and watchpoints (specs as --break and --watch take them), and the window starts paused
     * when there are none. */
    bool debug;
    const char *const *breaks;
    int break_count;
    const char *const *watches;
    int watch_count;
    bool print_view; /* the debugger's messages, and at each stop the view's text, also on stdout; and what
                      * the window says of an error that stopped the program ("window message| ...") */
} hack_window_options;

typedef struct {
    void *context;
    /* after Ctrl+R started the program again (the session replays its launch: SP, --set): the front end's own
     * state of the last run to forget; may be NULL */
    void (*reset)(void *context, hack_machine *machine);
    /* the program stopped for good (halt, fault, Sys.error, heap error): tell the user; may be NULL */
    void (*report_stop)(void *context, hack_machine *machine, hack_session_stop stop);
    /* the heap map (Ctrl+H): 512 x 448 RGB pixels and a caption for the title; may be NULL */
    bool (*heap_map)(void *context, uint8_t *rgb, char *caption, size_t size);
    /* what an error that stopped the program means, for the window to show over the screen and in the debug
     * view: a first line (the error), then the call stack with Jack lines; "" when there is nothing to say;
     * may be NULL */
    void (*describe_stop)(void *context, hack_session_stop stop, char *text, size_t size);
} hack_window_callbacks;

/* Milliseconds on the window's monotonic clock (for the native Sys.wait). */
uint64_t hack_window_now_ms(void);

/* Whether a window can be opened here (a display to talk to); false with a one-line reason in why. Checked
 * before SDL starts, so that a run without a display fails at once instead of waiting behind an invisible
 * window. */
bool hack_window_available(char *why, size_t size);

/* Opens the window and runs the session's program (through hack_session_run; Ctrl+R reloads it) until the
 * window is closed. Returns the state the program last stopped in (HACK_SESSION_BUDGET while it was still
 * running), or -1 when the window could not be opened (a message on stderr). */
int hack_window_run(hack_session *session, hack_machine *machine, const hack_window_options *options,
                    const hack_window_callbacks *callbacks);

#endif
