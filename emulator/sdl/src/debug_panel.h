/* The window's debug view (shown while the program is paused, or has stopped for good): the source around the
 * current line (Jack, or VM, or the ROM disassembled) with the line and the breakpoints marked and a cursor,
 * the registers, the call stack with each frame's locals and fields, the Hack screen when there is room, the
 * debugger's messages, and a command field that takes what `hackemu --debug` takes (break, watch, print,
 * x/N, info ...). It is a front end of the debugger's engine (hack/debugger.h): what it shows is what the
 * engine's commands answer, and its keys are those commands. It draws into pixels of its own with the OS's
 * font at a scale chosen from the window's size, cutting and wrapping its text at spaces (text_layout.h). */
#ifndef HACK_DEBUG_PANEL_H
#define HACK_DEBUG_PANEL_H

#include "canvas.h"
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

/* The program stopped (a breakpoint, a step): the view is made again, its cursor on the line. */
void debug_panel_stopped(debug_panel *panel);
/* The user paused it, or it stopped for good: as debug_panel_stopped, with the innermost frame of the
 * program's own code selected (a pause lands in Sys.wait or Output more often than not). */
void debug_panel_paused(debug_panel *panel);
/* A message of the front end's own (what a stop for good means), shown as the debugger's are. */
void debug_panel_say(debug_panel *panel, const char *text);

typedef enum {
    PANEL_KEY_IGNORED,
    PANEL_KEY_DONE,
    PANEL_KEY_CONTINUE, /* the window runs the program on (c, F5, `continue`) */
    PANEL_KEY_RUN,      /* `run`: the window starts the program again and runs it */
    PANEL_KEY_RESET,    /* `reset`: the window starts the program again, paused */
    PANEL_KEY_QUIT,     /* `quit` */
} panel_key;
/* A key while the view is shown. Enter starts a command (also ':'); while one is typed the keys edit it (Enter
 * runs it, Esc drops it, Up and Down go through the earlier ones). Otherwise: F10 or n next, F11 or s step,
 * Shift+F11 or f finish, F9 or b a breakpoint on the cursor's line, i an instruction, u and d up and down the
 * call stack, Up/Down/PageUp/PageDown the cursor, F5 or c continue. */
panel_key debug_panel_key(debug_panel *panel, SDL_Keycode key, uint16_t mod);
/* Text typed (SDL's text input, UTF-8): into the command being typed; ':' starts one. False when not taken. */
bool debug_panel_text_input(debug_panel *panel, const char *text);
/* Whether a command is being typed (every key is the view's then). */
bool debug_panel_typing(const debug_panel *panel);

/* Draws the view into the canvas, with the Hack screen in it when there is room. */
void debug_panel_render(debug_panel *panel, const uint16_t *screen, canvas *c);

#endif
