/* Inside the Debug Adapter Protocol server: its state, and what its files offer each other.
 *   dap_server.c       messages in and out, the requests that set things up and end them
 *   dap_launch.c       launch: the program built, the run driver and the engine bound
 *   dap_breakpoints.c  breakpoints as the client sets them, and whether one that was hit stops
 *   dap_run.c          continue, steps, pause, a slice at a time, and what each stop is told as
 *   dap_inspect.c      the call stack, scopes, variables, evaluate, setVariable, sources */
#ifndef HACK_DAP_INTERNAL_H
#define HACK_DAP_INTERNAL_H

#include "hack/dap.h"
#include "hack/dap_wire.h"
#include "hack/debugger.h"
#include "hack/program.h"
#include "hack/session.h"
#include "hack/strbuf.h"

#include <jansson.h>

/* A breakpoint as the client set it: in a source (path, or a sourceReference of the project's OS) at a
 * line, or on a function; and the engine's breakpoint it became (number 0: not set). */
typedef struct {
    int id;
    char *source;   /* the source's key (dap_source_key); NULL: a function breakpoint */
    char *function; /* a function breakpoint's name */
    uint32_t line;  /* asked for (the client's numbering) */
    char *condition, *hit_condition, *log_message; /* NULL when none */
    unsigned hits;  /* times it was reached with its condition true */
    int number;
    bool verified;
    uint32_t verified_line; /* where it stops (the client's numbering) */
    char message[240];      /* why it is not verified */
} dap_breakpoint;

typedef enum { DAP_OP_NONE, DAP_OP_CONTINUE, DAP_OP_STEP_IN, DAP_OP_STEP_OVER, DAP_OP_STEP_OUT, DAP_OP_INSTRUCTION } dap_op;

/* What a variablesReference opens (valid while the program stays stopped). */
typedef enum { DAP_REF_SCOPE, DAP_REF_OBJECT, DAP_REF_ARRAY, DAP_REF_REGISTERS } dap_ref_kind;

typedef struct {
    dap_ref_kind kind;
    size_t frame;              /* a scope's frame (an index of hack_debugger_frames) */
    hack_debugger_scope scope;
    const char *type;          /* an object's class (the engine's name, alive with the program) */
    uint16_t address;          /* an object's or an array's first word */
    uint16_t length;           /* an array's elements shown */
    char *expression;          /* how print names it (a watch's evaluateName), or NULL */
} dap_ref;

struct hack_dap_server {
    hack_dap_options options;
    hack_dap_reader reader;
    long long seq;             /* of the last message sent */
    int line_base, column_base; /* 1, or 0 when the client counts from 0 */
    bool done;                 /* disconnected, or the client cannot be written to */
    bool write_failed;
    bool launched, configured; /* launch and configurationDone have been answered */
    bool no_debug;             /* "Run without debugging": breakpoints are not set */
    bool finished;             /* the program stopped for good (an error: it can still be looked at) */
    bool ended;                /* exited and terminated have been sent */
    int exit_code;             /* hackemu's exit status for the way it ended */

    /* the program and what runs it */
    hack_program program;
    bool have_program;
    hack_machine *machine;
    hack_session *session;
    hack_debugger *debugger;
    char *program_path;        /* as the launch named it, for messages */
    char *asm_path;            /* an .asm program's absolute path: its lines are those of asm_lines */
    char *jack_classes;        /* the session's jack_classes (it keeps the pointer) */
    char **paths;              /* per program source file: its absolute path, NULL for the project's OS */
    uint64_t cycle_limit;      /* "cycles": the run ends after so many instructions (0: none) */
    bool stop_on_entry;
    bool just_my_code;         /* a step in goes over the project's OS ("justMyCode", on by default) */
    int entry_number;          /* the engine's breakpoint at Main.main for stopOnEntry (0: none) */
    bool heap_stops;           /* the exception filter "heap": a heap check finding stops the program */

    /* breakpoints */
    dap_breakpoint *breakpoints;
    size_t breakpoint_count;
    int next_breakpoint_id;

    /* the operation under way */
    dap_op op;
    bool pause_requested;
    uint16_t start_lcl;             /* the frame a step started in */
    hack_debugger_place start_place; /* and its line */
    bool returning;                 /* running to return_address (over a call, or out of the function) */
    uint16_t return_address, return_below; /* done when LCL < return_below there */
    bool return_break_ours;         /* the machine's breakpoint there was set for it */

    /* the stop being looked at */
    bool stopped;
    dap_ref *refs;
    size_t ref_count, ref_capacity;
    char *exception_text;      /* an error's explanation (exceptionInfo) */
    const char *exception_id;

    /* texts that came through callbacks */
    hack_strbuf engine_text;   /* what the engine said while capture is set (a REPL command) */
    bool capture;
    char *last_heap_report;    /* the heap check's last finding */
};

/* dap_server.c: messages out. dap_respond and dap_event take over body (may be NULL). */
void dap_respond(hack_dap_server *s, const json_t *request, json_t *body);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void dap_fail(hack_dap_server *s, const json_t *request, const char *format, ...);
void dap_event(hack_dap_server *s, const char *event, json_t *body);
/* An output event: category "stdout", "stderr" or "console"; a newline is added when text lacks one. */
void dap_output(hack_dap_server *s, const char *category, const char *text);
/* A JSON string of text, any bytes that are not UTF-8 shown as '?' (never NULL but when memory ran out). */
json_t *dap_text(const char *text);
/* Argument helpers: the member of request's arguments, or the default. */
const json_t *dap_argument(const json_t *request, const char *name);
const char *dap_string_argument(const json_t *request, const char *name);
long long dap_integer_argument(const json_t *request, const char *name, long long otherwise);
bool dap_bool_argument(const json_t *request, const char *name, bool otherwise);
char *dap_strdup(const char *text); /* NULL for NULL */

/* dap_launch.c */
void dap_launch(hack_dap_server *s, const json_t *request);
void dap_unload(hack_dap_server *s);

/* dap_breakpoints.c */
void dap_set_breakpoints(hack_dap_server *s, const json_t *request);
void dap_set_function_breakpoints(hack_dap_server *s, const json_t *request);
/* Sets the client's breakpoints in the engine (after launch), telling the client of each that changed. */
void dap_apply_breakpoints(hack_dap_server *s);
void dap_free_breakpoints(hack_dap_server *s);
/* After a breakpoint stop: whether the breakpoints there stop (their conditions, hit counts; log messages
 * are written instead); *ids gets the client's ids of those that do. */
bool dap_breakpoints_stop(hack_dap_server *s, json_t *ids, bool *entry);
/* An expression's value as a condition: nonzero is true; EXPR OP EXPR with OP one of = == != ~= < <= > >=
 * compares the two as signed words. False with error when it cannot be evaluated. */
bool dap_condition(hack_dap_server *s, const char *text, bool *value, char *error, size_t size);
/* The source's key: the real path of a file, or "(os)/NAME" for a sourceReference of the project's OS. */
char *dap_source_key(hack_dap_server *s, const json_t *source);

/* dap_run.c */
void dap_resume(hack_dap_server *s, const json_t *request, dap_op op);
void dap_pause(hack_dap_server *s, const json_t *request);
/* configurationDone: the program starts (or stops on entry). */
void dap_start(hack_dap_server *s);
void dap_work(hack_dap_server *s, uint64_t budget);
/* The program is over for the client: exited (exit_code) and terminated, once. */
void dap_end(hack_dap_server *s);

/* dap_inspect.c */
void dap_threads(hack_dap_server *s, const json_t *request);
void dap_stack_trace(hack_dap_server *s, const json_t *request);
void dap_scopes(hack_dap_server *s, const json_t *request);
void dap_variables(hack_dap_server *s, const json_t *request);
void dap_set_variable(hack_dap_server *s, const json_t *request);
void dap_evaluate(hack_dap_server *s, const json_t *request);
void dap_source(hack_dap_server *s, const json_t *request);
void dap_exception_info(hack_dap_server *s, const json_t *request);
/* A source object for file index file (NULL when it has none to show). */
json_t *dap_source_json(hack_dap_server *s, int file);
/* Forgets the variable references (the program goes on). */
void dap_clear_refs(hack_dap_server *s);
/* The place of pc: its Jack line, else VM line, else (assembly) its .asm line, else its ROM word. */
hack_debugger_place dap_place_of(hack_dap_server *s, uint16_t pc);

#endif
