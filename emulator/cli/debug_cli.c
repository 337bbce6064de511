/* hackemu --debug, --break, --watch: the engine's commands and stops on a terminal or a pipe. */
#define _POSIX_C_SOURCE 200809L
#include "debug_cli.h"

#include "hack/debugger.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_STOPPED = 8, EXIT_LOAD = 1, EXIT_USAGE = 64 };

/* Ctrl+C (SIGINT) while the program runs: the engine stops it between slices and the prompt comes back, as
 * in gdb. At the prompt it does nothing (reads go on: SA_RESTART). */
static volatile sig_atomic_t interrupt_requested;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupt_requested = 1;
}

static void print_to(void *context, const char *text)
{
    fputs(text, context);
    fflush(context);
}

/* The exit status of a program's stop, as hackemu's headless runs give it. */
static int status_of(hack_session_state state)
{
    switch (state) {
    case HACK_SESSION_HALTED: return 0;
    case HACK_SESSION_SYS_ERROR: return 5;
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_STACK_ERROR: return 3;
    case HACK_SESSION_DEBUG: return EXIT_STOPPED;
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: return 2;
    }
    return 3;
}

/* libedit's readline and add_history, loaded (dlopen) the first time a terminal asks for a line: a run that
 * does not debug on a terminal loads no line-editing library (and start-up stays as quick as before). */
typedef struct {
    char *(*readline)(const char *prompt);
    int (*add_history)(const char *line);
} line_editor;

/* Completion (Tab) through libedit's readline interface: its generator is asked for one candidate after
 * another (state 0 first); the candidates are the engine's for the line before the cursor. */
static hack_debugger *completing;
static char **completion_line; /* libedit's rl_line_buffer and rl_point */
static int *completion_point;
static struct {
    char **words;
    size_t count, next;
} found;

static void collect(void *context, const char *word)
{
    (void)context;
    char **grown = realloc(found.words, (found.count + 1) * sizeof *grown);
    char *copy = grown ? strdup(word) : NULL;
    if (grown) found.words = grown;
    if (copy) found.words[found.count++] = copy;
}

static char *complete_word(const char *text, int state)
{
    (void)text; /* the engine breaks words where libedit does (hack_debugger_word_breaks) */
    if (state == 0) {
        for (size_t i = 0; i < found.count; i++) free(found.words[i]);
        found.count = found.next = 0;
        const char *line = completion_line && *completion_line ? *completion_line : "";
        size_t point = completion_point && *completion_point >= 0 ? (size_t)*completion_point : strlen(line);
        char before[512];
        snprintf(before, sizeof before, "%.*s", (int)(point < strlen(line) ? point : strlen(line)), line);
        if (completing) hack_debugger_complete(completing, before, collect, NULL);
    }
    return found.next < found.count ? strdup(found.words[found.next++]) : NULL;
}

static void *symbol(void *library, const char *name)
{
    return library ? dlsym(library, name) : NULL;
}

static const line_editor *load_line_editor(void)
{
    static int state; /* 0 not tried, 1 loaded, -1 not there */
    static line_editor editor;
    if (state == 0) {
        static const char *const names[] = {"libedit.so.2", "libedit.so"};
        void *library = NULL;
        for (size_t i = 0; !library && i < sizeof names / sizeof names[0]; i++)
            library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        void *read = symbol(library, "readline"), *add = symbol(library, "add_history");
        state = read && add ? 1 : -1;
        /* libedit's own SIGINT handler would end the line being read (and signal the process group) */
        int *catch_signals = symbol(library, "rl_catch_signals");
        if (catch_signals) *catch_signals = 0;
        if (state > 0) { /* ISO C has no cast from an object pointer to a function pointer: copied */
            memcpy(&editor.readline, &read, sizeof read);
            memcpy(&editor.add_history, &add, sizeof add);
            char *(*generator)(const char *, int) = complete_word;
            void *entry = symbol(library, "rl_completion_entry_function");
            completion_line = symbol(library, "rl_line_buffer");
            completion_point = symbol(library, "rl_point");
            if (entry) memcpy(entry, &generator, sizeof generator);
            const char **breaks = symbol(library, "rl_basic_word_break_characters");
            if (breaks) *breaks = hack_debugger_word_breaks;
            const char **completer_breaks = symbol(library, "rl_completer_word_break_characters");
            if (completer_breaks) *completer_breaks = hack_debugger_word_breaks;
        }
    }
    return state > 0 ? &editor : NULL;
}

static void forget_completions(void)
{
    for (size_t i = 0; i < found.count; i++) free(found.words[i]);
    free(found.words);
    found.words = NULL;
    found.count = found.next = 0;
    completing = NULL;
}

/* The longest command line taken: a longer one (a runaway paste, a binary file on stdin) is refused whole */
enum { COMMAND_MAX = 1 << 20 };

/* One line from stdin of any length (without its newline), to free, or NULL at its end; line editing and history
 * on a terminal when libedit is installed (Debian: libedit2). A line is never split into two commands. */
static char *read_command(bool terminal)
{
    const line_editor *editor = terminal ? load_line_editor() : NULL;
    if (editor) {
        char *line = editor->readline("(hackdb) ");
        if (line && *line) editor->add_history(line);
        return line;
    }
    if (terminal) {
        fputs("(hackdb) ", stdout);
        fflush(stdout);
    }
    char *line = NULL;
    size_t capacity = 0;
    const ssize_t length = getline(&line, &capacity, stdin);
    if (length < 0) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    if (!terminal) printf("(hackdb) %s\n", strlen(line) > 200 ? "(a long line)" : line); /* a transcript */
    if (length > COMMAND_MAX) {
        fprintf(stderr, "hackemu: a command line of %zd bytes: longer than %d, not run\n", length, COMMAND_MAX);
        line[0] = '#'; /* (a comment does nothing; an empty line would repeat the last command) */
        line[1] = '\0';
    }
    return line;
}

int hack_cli_debug(hack_session *session, hack_machine *machine, const hack_cli_debug_options *options)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    FILE *out = options->interactive ? stdout : stderr;
    /* a line at a time, so that answers, the program's lines and stderr's reports keep their order */
    setvbuf(stdout, NULL, _IOLBF, 0);
    hack_debugger_options engine = {print_to, out, NULL, NULL};
    hack_debugger *debugger = hack_debugger_create(session, machine, &engine, &diags);
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    hack_diag_list_init(&diags);
    if (!debugger) {
        fputs("hackemu: out of memory\n", stderr);
        return EXIT_LOAD;
    }
    int status = 0;
    hack_debugger_set_program_file(debugger, options->program_path); /* an assembly program's text */
    if (!hack_debugger_set_keys(debugger, options->keys, options->key_count, options->key_cycles)) {
        fputs("hackemu: out of memory\n", stderr);
        status = EXIT_LOAD;
    }
    for (int i = 0; i < options->break_count && !status; i++)
        if (!hack_debugger_add_breakpoint(debugger, options->breaks[i], "--break", &diags)) status = EXIT_USAGE;
    for (int i = 0; i < options->watch_count && !status; i++)
        if (!hack_debugger_add_watchpoint(debugger, options->watches[i], "--watch", &diags)) status = EXIT_USAGE;
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    if (status) {
        hack_debugger_free(debugger);
        return status;
    }
    if (options->interactive) {
        bool terminal = isatty(STDIN_FILENO);
        struct sigaction interrupt_action, previous_action;
        memset(&interrupt_action, 0, sizeof interrupt_action);
        interrupt_action.sa_handler = on_interrupt;
        interrupt_action.sa_flags = SA_RESTART;
        sigemptyset(&interrupt_action.sa_mask);
        sigaction(SIGINT, &interrupt_action, &previous_action);
        hack_debugger_set_interrupt(debugger, &interrupt_requested);
        completing = debugger;
        if (terminal) printf("hackemu debugger: `help` lists the commands, `run` starts the program.\n");
        for (char *line; (line = read_command(terminal)) != NULL;) {
            const bool more = hack_debugger_command(debugger, line);
            free(line);
            if (!more) break;
        }
        sigaction(SIGINT, &previous_action, NULL);
        forget_completions();
        status = status_of(hack_debugger_last_state(debugger));
        if (status == 2) status = 0; /* quit before the program ended: the user's choice */
    } else {
        hack_debugger_stop stop = hack_debugger_continue(debugger);
        if (stop == HACK_DEBUGGER_FINISHED) {
            status = status_of(hack_debugger_last_state(debugger));
        } else {
            hack_debugger_command(debugger, "backtrace");
            status = EXIT_STOPPED;
        }
    }
    hack_debugger_free(debugger);
    return status;
}
