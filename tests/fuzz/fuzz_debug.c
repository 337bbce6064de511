/* The debugger's command line: any text, a line at a time, as `hackemu --debug` reads it, on a Jack program
 * with recursion, objects, arrays and strings (tests/debug/Objects and the rest, built once). Checks: no
 * crash, no memory error, no endless command (each run is bounded by the program, which halts, and by the
 * number of lines); every command answers through the print callback. */
#include "fuzz.h"

#include "hack/build.h"
#include "hack/debugger.h"
#include "hack/machine.h"
#include "hack/session.h"

#include <string.h>

#ifndef FUZZ_DEBUG_PROGRAM
#define FUZZ_DEBUG_PROGRAM "tests/debug/Objects"
#endif

enum { MAX_LINES = 48, MAX_LINE = 200 };

static size_t answered;

static void count_answer(void *context, const char *text)
{
    (void)context;
    answered += strlen(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hack_program program;
    static unsigned os_added;
    static int built; /* 0 not yet, 1 built, -1 failed */
    if (built == 0) {
        hack_diag_list diags;
        hack_diag_list_init(&diags);
        hack_build_options options = {.bootstrap = true, .require_functions = true, .add_os = true};
        built = hack_program_init(&program) && hack_build_program(FUZZ_DEBUG_PROGRAM, &options, &program, &diags) &&
                        hack_build_mark_project_os(&program, options.os_added)
                    ? 1
                    : -1;
        os_added = options.os_added;
        fuzz_print_diags(&diags);
        hack_diag_list_free(&diags);
    }
    FUZZ_CHECK(built == 1);
    hack_machine *machine = hack_machine_create();
    if (!machine) return 0;
    hack_session_options session_options = {0};
    hack_session *session = hack_session_create(machine, &session_options);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (session && hack_session_load(session,
                                                 &(hack_launch){.program = &program, .os_added = os_added,
                                                                .code = HACK_LAUNCH_VM, .bootstrapped = true},
                                                 &diags)) {
        hack_debugger_options options = {count_answer, NULL, NULL, NULL};
        hack_debugger *debugger = hack_debugger_create(session, machine, &options, &diags);
        FUZZ_CHECK(debugger != NULL);
        const char *p = (const char *)data, *end = p + size;
        for (int lines = 0; p < end && lines < MAX_LINES; lines++) {
            const char *newline = memchr(p, '\n', (size_t)(end - p));
            size_t length = newline ? (size_t)(newline - p) : (size_t)(end - p);
            char line[MAX_LINE + 1];
            size_t kept = length < MAX_LINE ? length : MAX_LINE;
            memcpy(line, p, kept);
            line[kept] = '\0';
            const char *word = line;
            while (*word == ' ' || *word == '\t') word++;
            /* `screen FILE.png` writes a file: not where a fuzzer chooses the name */
            bool writes = strncmp(word, "screen", 6) == 0 && word[6] != '\0';
            if (strlen(line) == kept && !writes) { /* a NUL inside ends the line there, as fgets would */
                size_t before = answered;
                bool go_on = hack_debugger_command(debugger, line);
                FUZZ_CHECK(answered > before || !go_on || !*word || *word == '#'); /* every command answers */
                if (!go_on) break;
            }
            p += length + (newline ? 1 : 0);
        }
        hack_debugger_free(debugger);
    }
    hack_diag_list_free(&diags);
    hack_session_free(session);
    hack_machine_destroy(machine);
    return 0;
}
