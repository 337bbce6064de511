/* Whether the display the environment names answers, asked before SDL is: when neither X11 nor Wayland can be
 * reached, SDL falls back to its offscreen driver (the program runs in no window, and nothing says why), and
 * Xlib waits minutes for an X server over TCP that does not answer (WSL without an X server, a firewall). */
#ifndef HACK_DISPLAY_PROBE_H
#define HACK_DISPLAY_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* An X display name ("[host]:N[.S]"): something listens on its socket (a local one, or TCP port 6000 + N of
 * host, given at most timeout_ms to answer). False with a one-line reason in why when nothing does. A name of
 * a form it does not know (a socket path, another protocol) counts as answering: SDL will say. */
bool hack_display_probe_x11(const char *display, int timeout_ms, char *why, size_t size);

/* A Wayland display name (WAYLAND_DISPLAY: a socket in runtime_dir, XDG_RUNTIME_DIR, or an absolute path):
 * the compositor listens there. False with a reason in why when it does not. */
bool hack_display_probe_wayland(const char *display, const char *runtime_dir, char *why, size_t size);

#endif
