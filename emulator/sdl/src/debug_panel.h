/* The window's debug view (shown while the program is paused): the source around the current line (Jack, or
 * VM, or the ROM disassembled) with the line and the breakpoints marked and a cursor, the registers, the call
 * stack with each frame's locals, the debugger's last messages, the stack's top words and the heap. It is a
 * front end of the debugger's engine (hack/debugger.h): what it shows is what the engine's commands answer,
 * and its keys are those commands. It draws into pixels of its own (the OS's bitmap font), so the window needs
 * no more of SDL than it uses for the screen. */
#ifndef HACK_DEBUG_PANEL_H
#define HACK_DEBUG_PANEL_H

#include "hack/debugger.h"

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct debug_panel debug_panel;

/* A debugger on the session's program. reset: the front end's settings after a reset (may be NULL). echo:
 * where the debugger's messages and, at each stop, the view's text lines also go (NULL: nowhere). */
debug_panel *debug_panel_create(hack_session *session, hack_machine *machine,
                                void (*reset)(void *context, hack_machine *machine), void *context, FILE *echo);
void debug_panel_free(debug_panel *panel);
hack_debugger *debug_panel_debugger(debug_panel *panel);

/* The program stopped (a pause, a breakpoint, a step): the view is made again, its cursor on the line. */
void debug_panel_stopped(debug_panel *panel);

typedef enum { PANEL_KEY_IGNORED, PANEL_KEY_DONE, PANEL_KEY_CONTINUE } panel_key;
/* A key while paused: F10 or n next, F11 or s step, Shift+F11 or f finish, F9 or b a breakpoint on the
 * cursor's line, i an instruction, Up/Down/PageUp/PageDown the cursor, F5 or c continue (the window runs the
 * program on: PANEL_KEY_CONTINUE). */
panel_key debug_panel_key(debug_panel *panel, SDL_Keycode key, uint16_t mod);

/* Drawing in ARGB pixels (pitch in pixels), clipped: a rectangle, and text in the OS's font (8 x 11 pixels a
 * character times scale; at most columns characters) with its cell's top left at x, y. */
typedef struct {
    uint32_t *pixels;
    int w, h, pitch;
} canvas;
void debug_panel_fill(canvas *c, int x, int y, int w, int h, uint32_t colour);
void debug_panel_text(canvas *c, int x, int y, const char *s, int columns, int scale, uint32_t colour);

/* Draws the view into w x h ARGB pixels (pitch in pixels), with the Hack screen in it. */
void debug_panel_render(debug_panel *panel, const uint16_t *screen, uint32_t *pixels, int w, int h, int pitch);

#endif
