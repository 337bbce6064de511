/* hackemu's debugger front ends: `--debug` (commands from stdin, one a line) and the headless `--break` and
 * `--watch` runs; both thin layers over the engine (hack/debugger.h). */
#ifndef HACK_DEBUG_CLI_H
#define HACK_DEBUG_CLI_H

#include "hack/machine.h"
#include "hack/session.h"

#include <stdbool.h>

typedef struct {
    const char *const *breaks; /* --break SPEC */
    int break_count;
    const char *const *watches; /* --watch EXPR */
    int watch_count;
    bool interactive; /* --debug: read commands; otherwise run to the first stop */
    const hack_key_event *keys; /* --keys and --type, in cycle order */
    size_t key_count;
    uint64_t key_cycles; /* --key-cycles: how long a typed key is held */
    const char *program_path; /* the program as named: an assembly file is the source shown */
} hack_cli_debug_options;

/* Returns hackemu's exit status: that of the program's stop, 8 for a headless run stopped at a breakpoint or
 * watchpoint, 64 for a spec that does not resolve. */
int hack_cli_debug(hack_session *session, hack_machine *machine, const hack_cli_debug_options *options);

#endif
