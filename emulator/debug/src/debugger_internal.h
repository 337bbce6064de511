/* Inside the debugger: its state, and what its modules offer each other (debugger.c runs the program). */
#ifndef HACK_DEBUGGER_INTERNAL_H
#define HACK_DEBUGGER_INTERNAL_H

#include "hack/debugger.h"
#include "hack/jack_variables.h"
#include "hack/program.h"

#include <stdarg.h>

typedef struct {
    int number;
    bool watch, temporary;
    bool enabled, once; /* once: disabled when it next stops the run (enable once) */
    char access;          /* a watchpoint's: 'w' a change (watch), 'r' a read (rwatch), 'a' any access (awatch) */
    char reg;             /* a register watchpoint's register ('A', 'D', 'P' for PC), looked at after each
                           * instruction; 0: a RAM word's */
    char *spec;           /* as given (without its condition) */
    char *condition;      /* it stops only when this expression is not 0 (break ... if EXPR, condition N); NULL */
    unsigned ignore_count; /* crossings to go on from before it stops (ignore N COUNT) */
    char where[200];      /* what it resolved to, for info breakpoints */
    /* ROM words where the run stops for it: a breakpoint's; a scoped watchpoint's return address */
    uint16_t *addresses;
    size_t address_count;
    /* a function's breakpoint: at its entry (once a call, where a loop at its first statement is not), then
     * run through the prologue to body, its first statement, where it stops (0: none) */
    uint16_t body;
    uint16_t address;     /* a watchpoint's RAM word */
    bool has_value;       /* watch X == value: only when it becomes value */
    uint16_t value;
    uint16_t old;         /* the word (or register) when last looked at */
    /* a watchpoint on a local or an argument: its frame's LCL; it is deleted when the frame returns to its
     * return address (addresses[0]) */
    bool scoped;
    uint16_t scope_lcl;
    unsigned hits;
} debug_point;

/* A value of the debugger's expressions: a RAM word (with its address) or a computed word. */
typedef struct {
    bool has_address;
    uint16_t address;
    uint16_t value;
    const char *type; /* a declared Jack type, or NULL (a plain word) */
    bool is_class;    /* the expression named a class (for Class.static) */
    bool frame_word;  /* a word of the selected frame: a local or an argument (local[i], argument[i]) */
    bool symbol;      /* a RAM symbol (R13, SCREEN, an assembly variable): the name of an address */
} debug_value;

typedef struct {
    char *text; /* NULL: not read (or not readable) */
    size_t length;
    size_t *line_starts;
    size_t line_count;
    bool tried;
} source_text;

/* An expression shown at each stop (display). */
typedef struct {
    int number;
    char *expression;
    char format; /* print's /FMT letter, or 0 */
    bool enabled;
} debug_display;

/* A frame of the VM call stack: its PC (a caller's: its call; in the translator's shared code: the command
 * that jumped there), and its segment registers. */
typedef struct {
    uint16_t pc, lcl, arg;
    uint16_t this_address; /* the word holding its THIS: RAM[3], or the saved THIS in its callee's frame */
    const hack_symbol *function;
    bool in_flux; /* the innermost frame, in the middle of its return: its segments are no longer its own */
} debug_frame;

struct hack_debugger {
    hack_session *session;
    hack_machine *machine;
    const hack_program *program;
    hack_debugger_options options;
    volatile sig_atomic_t *interrupt; /* the front end's Ctrl+C, or NULL */
    hack_jack_class_variables *classes;
    size_t class_count;
    source_text *sources; /* per program source file, and the assembly file (asm_file) */
    char *asm_path;       /* an assembly program's file (hack_debugger_set_program_file), or NULL */
    size_t asm_file;      /* its index among the sources: after the program's */
    uint8_t *prologue;    /* per ROM word: a function's words before its first statement */
    debug_point *points;
    size_t point_count;
    int next_number;
    uint8_t *watch_map;   /* per RAM word: watchpoints on it */
    bool watch_by_step;   /* the heap check holds the watch map: watched words are looked at each instruction */
    bool stack_guard;     /* VM code: the word past the top of the stack is watched (a push there overflows) */
    bool finished;        /* the program stopped for good */
    hack_session_state last_state;
    int selected_frame;
    char *repeat;         /* the command an empty line repeats (debug_set_repeat), or NULL */
    void (*skip_wait)(void *context, uint64_t until_ms); /* hack_debugger_set_wait_skipper */
    void *skip_wait_context;
    /* keys: the front end's (hack_debugger_set_keys), given to the session again at each reset, and those
     * given to the session now (the front end's and the key and type commands') */
    hack_key_event *keys, *pending_keys;
    size_t key_count, pending_key_count;
    uint64_t key_hold_cycles;
    /* list: the file and lines listed last (list_valid), until the program moves or a frame is selected */
    size_t list_file;
    uint32_t list_first, list_last;
    bool list_valid;
    int register_hit;     /* the register watchpoint whose register changed (run_some) */
    /* the watched word's access run_some found by stepping (its pc: the instruction, which has run), told by the
     * stop that follows; the machine's own hit (hack_machine_watch_hit) is the run loop's and the session's */
    hack_watch_hit step_hit;
    bool has_step_hit;
    debug_value *history; /* the values print showed: $1, $2... */
    char **history_texts; /* the expressions they came from */
    size_t history_count;
    debug_display *displays;
    size_t display_count;
    int display_number;
};

enum { DEBUG_KEY_HOLD = 100000 }; /* cycles a typed key is held, as hackemu --type holds it */

static inline int debug_signed(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

enum { DEBUG_STACK_TOP = 2048 }; /* the first word past the stack (256..2047) */

/* debug_program.c */
void debug_read_classes(hack_debugger *d, hack_diag_list *diags); /* the Jack variable tables of the sources */
/* Marks each function's words before its first statement (d->prologue). */
void debug_mark_prologues(hack_debugger *d);

/* debugger.c */
/* The session's watch map: the debugger's when a watchpoint or the stack guard needs it. */
void debug_update_watch_map(hack_debugger *d);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void debug_say(hack_debugger *d, const char *format, ...);
const hack_source_location *debug_location(const hack_debugger *d, uint32_t pc);
/* The source line's text (without its newline), or NULL. */
const char *debug_source_line(hack_debugger *d, size_t file, uint32_t line, size_t *length);
/* A source file's name ("Main.jack", "Sum.asm"), and how many source files there are (the assembly file last). */
const char *debug_source_name(const hack_debugger *d, size_t file);
size_t debug_source_count(const hack_debugger *d);
/* The assembly line of an assembly program's ROM word (0: not one, or none). */
uint32_t debug_asm_line(const hack_debugger *d, uint16_t pc);
/* The Jack class and subroutine tables of a function ("Main.fact"); either may be NULL. */
const hack_jack_class_variables *debug_class(const hack_debugger *d, const char *name, size_t length);
const hack_jack_subroutine_variables *debug_subroutine(const hack_debugger *d, const hack_symbol *function,
                                                       const hack_jack_class_variables **class_out);
/* Whether pc is in the translator's shared code (call, return, comparisons), which is no function's. */
bool debug_in_shared_code(const hack_debugger *d, uint16_t pc);
/* The label or function a ROM word is at or after ("$$CALL1"), or NULL. */
const hack_symbol *debug_label_before(const hack_debugger *d, uint16_t pc);
/* A ROM word as call stacks show it ("Main.main (Main.jack:12)"), or as the translator's shared code. */
void debug_describe(const hack_debugger *d, uint16_t pc, char *buf, size_t size);
void debug_show_location(hack_debugger *d, uint16_t pc, const char *prefix);
void debug_show_here(hack_debugger *d, const char *prefix);
hack_debugger_stop debug_go(hack_debugger *d, uint64_t budget);
/* 'i' instruction, 'v' VM command, 's' step, 'n' next, 'u' until (next, but not back to an earlier line) */
hack_debugger_stop debug_step(hack_debugger *d, char how);
hack_debugger_stop debug_finish(hack_debugger *d); /* out of the selected frame */
/* until LOC (any_frame false) and advance LOC: to the place, or until the selected frame returns. */
hack_debugger_stop debug_advance(hack_debugger *d, const char *spec, bool any_frame);
hack_debugger_stop debug_run_from_start(hack_debugger *d); /* run: from the start, RAM cleared */
void debug_reset(hack_debugger *d);

/* debug_commands.c: the names of the commands (info: of info's), for completion; returns how many there are */
size_t debug_command_names(const char **names, size_t capacity, bool info);
/* The name of the command a word names (an abbreviation, a unique prefix), or NULL; says nothing. */
const char *debug_command_named(const char *word);

/* debug_complete.c */
void debug_complete_command(hack_debugger *d, const char *text);

/* debug_data.c */
void debug_print_command(hack_debugger *d, const char *args);
void debug_examine_command(hack_debugger *d, const char *args);
void debug_display_command(hack_debugger *d, const char *args);
void debug_undisplay_command(hack_debugger *d, const char *args);
void debug_info_display_command(hack_debugger *d);
void debug_show_displays(hack_debugger *d); /* at a stop */
void debug_set_command(hack_debugger *d, const char *args);
void debug_show_values_command(hack_debugger *d);
void debug_free_data(hack_debugger *d);

/* debug_source.c */
void debug_list_command(hack_debugger *d, const char *args);
void debug_disassemble_command(hack_debugger *d);
void debug_line_command(hack_debugger *d);

/* debug_keys.c */
bool debug_keys_restart(hack_debugger *d); /* the front end's keys from cycle 0 (a reset) */
void debug_keys_free(hack_debugger *d);
void debug_key_command(hack_debugger *d, const char *rest);
void debug_type_command(hack_debugger *d, const char *text);

/* debug_stack.c: the frames innermost first, one at a time (a runaway recursion has thousands) */
typedef struct {
    debug_frame top;
    uint32_t frame;        /* the LCL the walk goes on from */
    int32_t first_return;  /* that frame's return address when it is not in the frame (a return), or -1 */
    int32_t returned_to;   /* a return's address into its caller, whose frame is at LCL, or -1 */
    bool started, done;
} debug_frame_walk;
void debug_walk_start(const hack_debugger *d, debug_frame_walk *walk);
bool debug_walk_next(const hack_debugger *d, debug_frame_walk *walk, debug_frame *frame);
/* The first max frames; returns how many there are of them. */
size_t debug_frames(const hack_debugger *d, debug_frame *frames, size_t max);
/* debug_commands.c: the command an empty line repeats (NULL: none) */
void debug_set_repeat(hack_debugger *d, const char *text);
bool debug_is_return_address(const hack_debugger *d, uint32_t address);
/* Frame n (0: the innermost); *count (may be NULL): how many frames there are. False when there is no frame n. */
bool debug_frame_number(const hack_debugger *d, size_t n, debug_frame *frame, size_t *count);
/* The selected frame (d->selected_frame: the outermost when fewer frames are left now). */
debug_frame debug_selected(hack_debugger *d);
void debug_backtrace_command(hack_debugger *d, const char *args);
void debug_frame_command(hack_debugger *d, const char *args);
void debug_up_down_command(hack_debugger *d, bool up, const char *args);
void debug_variables_command(hack_debugger *d, hack_jack_variable_kind kind);
/* "#1  Main.fact (Main.jack:8) n=4" */
void debug_frame_text(hack_debugger *d, const debug_frame *f, size_t number, char *buf, size_t size);
void debug_info_frame_command(hack_debugger *d);
void debug_info_stack_command(hack_debugger *d);

/* debug_points.c */
bool debug_point_remove(hack_debugger *d, int number);
debug_point *debug_point_find(hack_debugger *d, int number);
/* A place (File.jack:LINE, Class.function, File.vm:LINE, *ADDRESS, LABEL) as ROM words; *body: a function's
 * first statement (0: none). False with why. */
bool debug_resolve_location(hack_debugger *d, const char *spec, uint16_t **list, size_t *count, uint16_t *body,
                            char *why, size_t size);
/* Whether p stops the run now that it is reached: enabled, its condition true, no crossings left to ignore
 * (counts the hit). */
bool debug_point_passes(hack_debugger *d, debug_point *p);
const char *debug_point_kind(const debug_point *p); /* "Breakpoint", "Read watchpoint"... */
uint16_t debug_register_value(const hack_debugger *d, char reg);
void debug_breakpoints_command(hack_debugger *d);
void debug_delete_command(hack_debugger *d, const char *args);
void debug_enable_command(hack_debugger *d, const char *args, bool enable);
void debug_condition_command(hack_debugger *d, const char *args);
void debug_ignore_command(hack_debugger *d, const char *args);
/* What break, tbreak or watch set (number), or why not (diags). */
void debug_report_added(hack_debugger *d, int number, bool watch, hack_diag_list *diags);

/* debug_eval.c: names to RAM words */
bool debug_evaluate(hack_debugger *d, const char *text, debug_value *out, char *error, size_t size);
/* Whether text is an expression, its names not looked up (a condition, before its place runs). */
bool debug_check_syntax(hack_debugger *d, const char *text, char *error, size_t size);
/* The latest declaration of name in list of the kind (-1: any). */
const hack_jack_variable *debug_find_variable(const hack_jack_variable *list, size_t count, const char *name,
                                              size_t length, int kind);
bool debug_is_primitive(const char *type); /* int, char, boolean, or no type */
/* value as its Jack type shows it: 5, true, 65 'A', (String) 14967 "hi", (Point) null */
void debug_format_value(hack_debugger *d, const char *type, uint16_t value, char *buf, size_t size);

#endif
