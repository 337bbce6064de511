/* The SDL2 window: the screen scaled by a whole number (crisp when resized), the keyboard, speed, pause and
 * single step, reset, screenshots. Emulation runs in slices between frames paced on a monotonic clock; the
 * window never waits on the program, and a paused or halted program burns no CPU (it waits for events). */
#ifndef HACK_WINDOW_H
#define HACK_WINDOW_H

#include "hack/machine.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *name;        /* the program, for the title */
    int scale;               /* 1..8 */
    uint64_t hz;             /* instructions per second to emulate; 0 = as fast as possible */
    bool start_paused;
    bool start_with_heap_map; /* show the heap map (Ctrl+H) from the start */
    uint64_t budget;         /* pause after this many instructions (0: none) */
    uint64_t screenshot_at;  /* at this cycle, write the window's pixels to screenshot_path (0: never); the
                              * screen in black and white, or the heap map in colour when it is shown */
    const char *screenshot_path;
    bool quit_after_screenshot;
    double quit_after_seconds; /* close by itself after this long (0: never), for measurements */
    bool stats;              /* at the end, print frames per second, emulation speed and CPU time */
} hack_window_options;

typedef struct {
    void *context;
    void (*reset)(void *context, hack_machine *machine); /* load the program again and rebind its hooks */
    /* why the run stopped in a hook, when it is waiting: 1 for time (until *until_ms), 2 for a key; 0 if not */
    int (*waiting)(void *context, uint64_t *until_ms);
    void (*report_stop)(void *context, hack_machine *machine, hack_run_result result); /* halt, fault, error */
    /* the heap map (Ctrl+H): 512 x 448 RGB pixels and a caption for the title; may be NULL */
    bool (*heap_map)(void *context, uint8_t *rgb, char *caption, size_t size);
    /* the run stopped at a watched word (the heap check): report it; the window steps over it and goes on */
    void (*watch)(void *context, hack_machine *machine);
} hack_window_callbacks;

/* Milliseconds on the window's monotonic clock (for the native Sys.wait). */
uint64_t hack_window_now_ms(void);

/* Opens the window and runs until it is closed. Returns the reason the program last stopped (BUDGET while it
 * was still running), or -1 when the window could not be opened (a message on stderr). */
int hack_window_run(hack_machine *machine, const hack_window_options *options, const hack_window_callbacks *callbacks);

#endif
