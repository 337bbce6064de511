/* A Debug Adapter Protocol server (the protocol editors such as VS Code speak to debuggers) over the debugger
 * engine (hack/debugger.h): `hackemu --dap` on stdin and stdout. It launches a program (a .jack, .vm, .asm or
 * .hack file, or a folder) with hackemu's run options, sets breakpoints on Jack, VM and assembly lines
 * (conditions in the print language, hit counts, log messages), pauses, continues, steps in, over and out,
 * shows the call stack at Jack lines, the scopes of a frame (arguments, locals, the fields of `this`, the
 * class's statics, the registers) with objects and arrays to open, evaluates print expressions, sends what
 * the program prints and the heap check's findings as output, and stops on errors with their explanation.
 *
 * The server reads whatever bytes come (hack_dap_server_feed) and runs the program a slice at a time
 * (hack_dap_server_work), so a front end keeps reading while the program runs and a `pause` is heard: no
 * threads. Nothing here reads or writes a file descriptor, prints or exits: messages go to a callback.
 * hack_dap_serve is the loop over two file descriptors. */
#ifndef HACK_DAP_H
#define HACK_DAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hack_dap_server hack_dap_server;

typedef struct {
    /* a whole framed message to the client (Content-Length header and JSON); false when it could not be sent
     * (the server then ends) */
    bool (*write)(void *context, const char *bytes, size_t length);
    void *context;
    /* when not NULL, every launch runs this program whatever it names (the fuzz harness: no paths of its input) */
    const char *fixed_program;
} hack_dap_options;

/* NULL when memory ran out. */
hack_dap_server *hack_dap_server_create(const hack_dap_options *options);
void hack_dap_server_free(hack_dap_server *server);

/* Bytes from the client, in pieces of any size: each whole message is answered at once. */
void hack_dap_server_feed(hack_dap_server *server, const char *bytes, size_t length);

/* Whether the program is running (continue, a step): call hack_dap_server_work until it is not. */
bool hack_dap_server_busy(const hack_dap_server *server);

/* Runs the program for at most about budget instructions (less when it stops). */
void hack_dap_server_work(hack_dap_server *server, uint64_t budget);

/* Whether the session is over (disconnect, or the client could not be written to). */
bool hack_dap_server_done(const hack_dap_server *server);

/* The client's input has ended: the program is abandoned. */
void hack_dap_server_end(hack_dap_server *server);

/* Serves one client on in (read) and out (written) until it disconnects or in ends. Returns 0, or 1 when
 * memory ran out or out could not be written. A caller that is a process of its own ignores SIGPIPE first,
 * so that a client gone is a failed write. */
int hack_dap_serve(int in, int out);

#endif
