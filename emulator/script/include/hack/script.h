/* The course's test-script language (.tst with .cmp), driving the core headless:
 *   load, output-file, compare-to, output-list, output, set, tick, tock, ticktock, vmstep, repeat, while,
 *   echo, clear-echo, breakpoint, clear-breakpoints; commands end with ',' ';' or '!'; // and slash-star
 *   comments. CPU scripts load .hack or .asm; VM-emulator scripts load a .vm file or the folder's .vm files,
 *   translated on the fly, and use the VM's variables (sp, local, argument[i], temp[i], currentFunction...).
 * Parsing and running are separate: a parsed script can be run many times. Nothing here prints; echo text and
 * notes go to a callback, and problems come back as diagnostics with the script's file:line:column. */
#ifndef HACK_SCRIPT_H
#define HACK_SCRIPT_H

#include "hack/diag.h"
#include "hack/machine.h"
#include "hack/program.h"
#include "hack/session.h"
#include "hack/stop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hack_script hack_script;

/* Parses script text; name is used in messages. NULL (with diagnostics) on syntax errors. */
hack_script *hack_script_parse(const char *name, const char *text, size_t length, hack_diag_list *diags);
hack_script *hack_script_parse_file(const char *path, hack_diag_list *diags);
void hack_script_free(hack_script *script);

/* A value format %Fl.n.r: F in B D X S, l spaces, the value in n characters, r spaces. */
typedef struct {
    char kind; /* 'B', 'D', 'X' or 'S' */
    int left, width, right;
} hack_script_format;

/* Formats a 16-bit value as one output-list cell, without the '|' separators (l + n + r characters):
 * B binary and X lower-case hex, zero-padded to n digits; D signed decimal and S right- or left-aligned in
 * n; a longer text keeps its last n characters. Returns the length written (buf holds at least l+n+r+1). */
size_t hack_script_format_value(hack_script_format format, uint16_t value, char *buf, size_t size);

/* A text (currentFunction) in a cell, as a value of the same format would be placed. */
size_t hack_script_format_text(hack_script_format format, const char *text, char *buf, size_t size);

/* A column header: name centred in l + n + r characters (the extra space on the right), cut when longer. */
size_t hack_script_format_header(hack_script_format format, const char *name, char *buf, size_t size);

/* Whether an output line matches a compare-file line: same length, '*' in the expected line matches any
 * character. Trailing CR or LF on either is ignored. */
bool hack_script_lines_match(const char *expected, const char *actual);

typedef enum {
    HACK_SCRIPT_PASSED,             /* ran to the end; every output line matched */
    HACK_SCRIPT_COMPARISON_FAILURE, /* an output line differed from the compare file */
    HACK_SCRIPT_CYCLE_LIMIT,        /* the cycle limit of the options was reached */
    HACK_SCRIPT_MACHINE_FAULT,      /* the program faulted (hack_machine_fault) */
    HACK_SCRIPT_PROGRAM_STOPPED,    /* the native Memory stopped the program (a bad deAlloc, a corrupted heap:
                                       reported through the session's message) */
    HACK_SCRIPT_LOOP_LIMIT,         /* a while, or a repeat without a count, went round as many times as the
                                       cycle limit without running an instruction (a loop that never ends?) */
    HACK_SCRIPT_COMMAND_LIMIT,      /* the command limit of the options was reached (only when they set one) */
    HACK_SCRIPT_ERROR,              /* a script error at run time: missing file, bad load, ... (diagnostics) */
} hack_script_status;

typedef struct {
    hack_script_status status;
    int script_line;     /* where the script stopped (1-based), 0 at the end */
    int compare_line;    /* on a comparison failure: the compare-file line, header included */
    int compare_column;  /* and the first column (1-based) where the two lines differ; lines are compared whole */
    char expected[512];  /* on a comparison failure: the two lines (a longer line from a little before the */
    char actual[512];    /* difference, "..." where it was cut) */
    bool lines_cut;      /* either line was too long for its field: shown in part */
    uint64_t cycles;     /* ticktocks run */
    uint64_t limit;      /* on a loop or command limit: the limit that was reached */
    hack_stop_record stop; /* the program's stop that ended the script (a machine error, a heap error), its cycle
                              the script's count */
    int lines_compared;
} hack_script_result;

/* The limits when the options give none: a few seconds of running at full speed. */
#define HACK_SCRIPT_DEFAULT_CYCLES 1000000000ull
#define HACK_SCRIPT_DEFAULT_OUTPUT_BYTES (64ull * 1024 * 1024)
#define HACK_SCRIPT_DEFAULT_MESSAGE_BYTES (1024ull * 1024) /* echo text and breakpoint notes */

typedef struct {
    const char *script_dir; /* relative file names resolve here (the script's folder); NULL = "." */
    const char *load_dir;   /* when set, `load` looks here first (to test your own programs) */
    const char *out_dir;    /* when set, output files are written here instead of script_dir */
    /* stop after this many ticktocks (0: HACK_SCRIPT_DEFAULT_CYCLES). The same budget bounds the loops that may
     * never end: a while, or a repeat without a count, stops after as many rounds that ran no instruction (each
     * run of one counts from 0); its rounds that ran some spend the ticktocks. A repeat with a count always
     * ends: the limit never stops its rounds, only its ticktocks. */
    uint64_t cycle_limit;
    bool relaxed;           /* the machine's relaxed mode */
    /* a CPU script's `load X.asm` (or X.hack) that is not there: make it from X.asm, X.vm or the folder's VM
     * code (a note says so) instead of the error the course's CPU emulator gives */
    bool translate;
    /* the run driver that loads and runs each program the script loads (what it binds: the native Memory,
     * the heap check); NULL: a plain one of the runner's own */
    hack_session *session;
    /* commands executed, every loop iteration counted (0: no limit). For a caller that must bound how long any
     * script may take (a fuzzer): a repeat with a count ends, but `repeat 100000000000 { set RAM[0] 1; }` takes
     * days; the script's users never need it (the cycle limit bounds the loops that may never end). */
    uint64_t command_limit;
    /* bytes of output file, so that no script fills the disk (0: HACK_SCRIPT_DEFAULT_OUTPUT_BYTES) */
    uint64_t output_limit;
    /* echo text, breakpoint notes; may be NULL */
    void (*message)(void *context, const char *text);
    void *message_context;
} hack_script_options;

/* What a script's end means, as every front end says it: "End of script - Comparison ended successfully (N
 * lines, C cycles)", "NAME:LINE: Comparison failure at line N" with the expected and actual lines, a limit, a
 * machine error with its call stack. cycle_limit: the options' (0: the default, which the text names). Empty
 * for HACK_SCRIPT_ERROR (its diagnostics say it). Returns the length written. */
size_t hack_script_explain(const hack_script_result *result, const char *name, uint64_t cycle_limit, char *buf,
                           size_t size);

/* Runs the script on machine. Returns the status, with details in *result and diagnostics for errors. */
hack_script_status hack_script_run(const hack_script *script, hack_machine *machine, const hack_script_options *options,
                                   hack_script_result *result, hack_diag_list *diags);

#endif
