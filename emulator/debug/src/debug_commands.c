#define _POSIX_C_SOURCE 200809L /* (strdup, strndup) */
/* The debugger's commands: gdb-like text, one a line, read here (a table of commands: their names, gdb's
 * abbreviations and any unique prefix) and answered here or in the module that owns what they look at
 * (debug_stack.c, debug_points.c, debug_data.c, debug_source.c, debug_keys.c). */
#include "debugger_internal.h"

#include "hack/heap.h"
#include "hack/screenshot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void registers_command(hack_debugger *d)
{
    const hack_machine *m = d->machine;
    debug_say(d, "A=%d D=%d PC=%u SP=%u LCL=%u ARG=%u THIS=%u THAT=%u cycles=%" PRIu64 "\n",
              debug_signed(hack_machine_a(m)), debug_signed(hack_machine_d(m)), (unsigned)hack_machine_pc(m),
              (unsigned)hack_machine_ram(m, 0), (unsigned)hack_machine_ram(m, 1), (unsigned)hack_machine_ram(m, 2),
              (unsigned)hack_machine_ram(m, 3), (unsigned)hack_machine_ram(m, 4), hack_machine_cycles(m));
}

static void heap_command(hack_debugger *d)
{
    hack_heap *heap = hack_session_heap(d->session);
    char *report = heap ? hack_heap_report(heap) : NULL;
    if (report)
        debug_say(d, "%s", report);
    else
        debug_say(d, "No native heap in this run (the program's own Memory, or --os=jack): x/N 2048 shows its words.\n");
    free(report);
}

static void screen_command(hack_debugger *d, const char *path)
{
    const uint16_t *screen = hack_machine_screen(d->machine);
    if (!*path) {
        unsigned long black = 0;
        for (size_t i = 0; i < HACK_SCREEN_WORDS; i++)
            for (uint16_t w = screen[i]; w; w &= (uint16_t)(w - 1)) black++;
        debug_say(d, "screen: %lu black pixels, hash %016llx (`screen FILE.png` writes it)\n", black,
                  (unsigned long long)hack_screen_hash(screen));
        return;
    }
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (hack_screenshot_write_png(screen, 1, path, &diags))
        debug_say(d, "wrote %s\n", path);
    else
        debug_say(d, "screen: %s\n", hack_diag_first_error(&diags) ? hack_diag_first_error(&diags) : "cannot write");
    hack_diag_list_free(&diags);
}

static const char help_text[] =
    "Running:   run [N] (from the start, or N more instructions), continue (c) [N: ignore this breakpoint\n"
    "           N-1 more times], step (s), next (n), until (u) [LOC], advance LOC, finish (fin; from the\n"
    "           selected frame), stepi (si: an instruction), vmstep (a VM command), reset; Ctrl+C stops a run;\n"
    "           an empty line repeats a step, continue or list\n"
    "Stopping:  break LOC [if EXPR] (b), tbreak LOC (tb), watch EXPR [== VALUE] [if EXPR], rwatch EXPR,\n"
    "           awatch EXPR, watch A|D|PC [== VALUE], delete [N...] (d), disable [N...], enable [once] [N...],\n"
    "           condition N [EXPR], ignore N COUNT, info breakpoints (i b)\n"
    "           LOC: File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS, LABEL\n"
    "Looking:   print[/FMT] EXPR (p), print *EXPR (an object's fields), x/NFMT EXPR (RAM words), display[/FMT]\n"
    "           EXPR (disp; at each stop), undisplay [N], set var TARGET = EXPR, backtrace [full] [N] (bt),\n"
    "           frame N (f), up [N], down [N], info locals|args|registers|frame|stack|line|heap|display,\n"
    "           list [LINE|FILE:LINE|FUNCTION|A,B|-] (l), disassemble, screen [FILE.png]\n"
    "           EXPR: a variable, this, this.x, p.x, Main.count, a[i], RAM[N], A, D, PC, SP, R13, local[i],\n"
    "           argument[i], this[i], that[i], temp[i], pointer[i], static[i], 'c', 0x1F, $N (the Nth value\n"
    "           printed; $ the last; show values lists them), with + - * / & | ~ ! == != < > <= >= && ||\n"
    "           (= is == as in Jack)\n"
    "           FMT: x hex, d decimal, u unsigned, t or b binary, c character, o octal\n"
    "Keyboard:  key K (hold key K down: a code, 'c' or a name such as newline; key 0 releases it),\n"
    "           type TEXT (each key pressed and released; \\n Enter)\n"
    "quit (q); a command may be any unique start of its name\n";

static void help_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_say(d, "%s", help_text);
}

/* ---- running ---- */

static void after_run(hack_debugger *d)
{
    if (!d->finished) debug_show_displays(d);
}

static void run_command(hack_debugger *d, const char *args)
{
    if (!*args) {
        debug_run_from_start(d);
    } else {
        char *end;
        unsigned long long count = strtoull(args, &end, 10);
        if (*end || count == 0 || args[0] == '-') {
            debug_say(d, "run: expected a number of instructions\n");
            return;
        }
        debug_go(d, count);
    }
    after_run(d);
}

/* continue [N]: N - 1 more crossings of the breakpoint it stopped at are ignored, as in gdb. */
static void continue_command(hack_debugger *d, const char *args)
{
    if (*args) {
        char *end;
        long n = strtol(args, &end, 10);
        if (*end || n < 1) {
            debug_say(d, "continue: expected a count of crossings\n");
            return;
        }
        for (size_t i = 0; i < d->point_count; i++)
            for (size_t k = 0; !d->points[i].watch && k < d->points[i].address_count; k++)
                if (d->points[i].addresses[k] == hack_machine_pc(d->machine) && n > 1) {
                    d->points[i].ignore_count = (unsigned)(n - 1);
                    debug_say(d, "Will ignore the next %ld crossings of %d.\n", n - 1, d->points[i].number);
                }
    }
    debug_go(d, UINT64_MAX);
    after_run(d);
}

static void step_command(hack_debugger *d, char how, const char *args)
{
    char *end;
    long count = *args ? strtol(args, &end, 10) : 1;
    if (*args && (*end || count < 1)) {
        debug_say(d, "expected a number of steps\n");
        return;
    }
    for (long i = 0; i < count; i++)
        if (debug_step(d, how) != HACK_DEBUGGER_STOPPED_STEP) break;
    after_run(d);
}

static void step_line(hack_debugger *d, const char *args) { step_command(d, 's', args); }
static void next_line(hack_debugger *d, const char *args) { step_command(d, 'n', args); }
static void step_instruction(hack_debugger *d, const char *args) { step_command(d, 'i', args); }
static void step_vm_command(hack_debugger *d, const char *args) { step_command(d, 'v', args); }

static void until_command(hack_debugger *d, const char *args)
{
    if (*args) debug_advance(d, args, false);
    else debug_step(d, 'u');
    after_run(d);
}

static void advance_command(hack_debugger *d, const char *args)
{
    if (!*args) {
        debug_say(d, "advance: expected a place (File.jack:LINE, Class.function, ...)\n");
        return;
    }
    debug_advance(d, args, true);
    after_run(d);
}

static void finish_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_finish(d);
    after_run(d);
}

static void reset_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_reset(d);
    debug_say(d, "Back at the start (PC 0).\n");
}

/* ---- breakpoints ---- */

static void add_point(hack_debugger *d, const char *args, const char *command, int kind)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    int number = 0;
    if (!*args)
        debug_say(d, kind < 0 ? "%s: expected File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS or a label\n"
                              : "%s: expected a variable, a field, an element, RAM[N] or a register\n", command);
    else if (kind < 0)
        number = hack_debugger_add_breakpoint(d, args, command, &diags);
    else
        number = hack_debugger_add_watch(d, args, (hack_debugger_watch_kind)kind, command, &diags);
    if (number && command[0] == 't') debug_point_find(d, number)->temporary = true;
    if (*args) debug_report_added(d, number, kind >= 0, &diags);
    hack_diag_list_free(&diags);
}

static void break_command(hack_debugger *d, const char *args) { add_point(d, args, "break", -1); }
static void tbreak_command(hack_debugger *d, const char *args) { add_point(d, args, "tbreak", -1); }
static void watch_command(hack_debugger *d, const char *args) { add_point(d, args, "watch", HACK_DEBUGGER_WATCH_CHANGE); }
static void rwatch_command(hack_debugger *d, const char *args) { add_point(d, args, "rwatch", HACK_DEBUGGER_WATCH_READ); }
static void awatch_command(hack_debugger *d, const char *args) { add_point(d, args, "awatch", HACK_DEBUGGER_WATCH_ACCESS); }
static void enable_command(hack_debugger *d, const char *args) { debug_enable_command(d, args, true); }
static void disable_command(hack_debugger *d, const char *args) { debug_enable_command(d, args, false); }

/* ---- looking ---- */

static void up_command(hack_debugger *d, const char *args) { debug_up_down_command(d, true, args); }
static void down_command(hack_debugger *d, const char *args) { debug_up_down_command(d, false, args); }

static void list_command(hack_debugger *d, const char *args)
{
    debug_list_command(d, args);
    debug_set_repeat(d, "list");
}

static void disassemble_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_disassemble_command(d);
}

static void locals_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_variables_command(d, HACK_JACK_LOCAL);
}

static void args_command(hack_debugger *d, const char *args)
{
    (void)args;
    debug_variables_command(d, HACK_JACK_ARGUMENT);
}

#define NO_ARGS(name, call)                                                                                           \
    static void name(hack_debugger *d, const char *args)                                                             \
    {                                                                                                                  \
        (void)args;                                                                                                    \
        call;                                                                                                          \
    }
NO_ARGS(info_breakpoints, debug_breakpoints_command(d))
NO_ARGS(info_registers, registers_command(d))
NO_ARGS(info_frame, debug_info_frame_command(d))
NO_ARGS(info_stack, debug_info_stack_command(d))
NO_ARGS(info_line, debug_line_command(d))
NO_ARGS(info_heap, heap_command(d))
NO_ARGS(info_display, debug_info_display_command(d))

typedef struct {
    const char *name;
    const char *aliases; /* gdb's abbreviations, each followed by a space: they win over other prefixes */
    void (*run)(hack_debugger *d, const char *args);
    bool repeats;        /* an empty line runs it again */
} command;

static const command info_commands[] = {
    {"breakpoints", "b br break watchpoints ", info_breakpoints, false},
    {"registers", "r reg ", info_registers, false},
    {"locals", "lo ", locals_command, false},
    {"args", "ar ", args_command, false},
    {"frame", "f ", info_frame, false},
    {"stack", "s ", info_stack, false},
    {"line", "li ", info_line, false},
    {"heap", NULL, info_heap, false},
    {"display", "disp ", info_display, false},
};

static const command *find(const command *table, size_t count, const char *word, size_t length, hack_debugger *d,
                           const char *what);

static void info_command(hack_debugger *d, const char *args)
{
    size_t length = strcspn(args, " ");
    const char *rest = args + length;
    while (*rest == ' ') rest++;
    if (!length) {
        debug_say(d, "info: breakpoints, registers, locals, args, frame, stack, line, heap or display\n");
        return;
    }
    const command *c = find(info_commands, sizeof info_commands / sizeof info_commands[0], args, length, d, "info");
    if (c) c->run(d, rest);
}

static void screen_args(hack_debugger *d, const char *args) { screen_command(d, args); }

static void show_command(hack_debugger *d, const char *args)
{
    if (strcmp(args, "values") == 0 || strcmp(args, "values ") == 0) debug_show_values_command(d);
    else debug_say(d, "show: values (the value history) is what there is to show\n");
}

static const command commands[] = {
    {"run", "r ", run_command, false},
    {"continue", "c cont fg ", continue_command, true},
    {"step", "s ", step_line, true},
    {"next", "n ", next_line, true},
    {"stepi", "si ", step_instruction, true},
    {"vmstep", "vs ", step_vm_command, true},
    {"until", "u ", until_command, true},
    {"advance", NULL, advance_command, false},
    {"finish", "fin ", finish_command, false},
    {"reset", NULL, reset_command, false},
    {"break", "b br brea ", break_command, false},
    {"tbreak", "tb ", tbreak_command, false},
    {"watch", NULL, watch_command, false},
    {"rwatch", NULL, rwatch_command, false},
    {"awatch", NULL, awatch_command, false},
    {"delete", "d ", debug_delete_command, false},
    {"disable", "dis disa ", disable_command, false},
    {"enable", "en ", enable_command, false},
    {"condition", NULL, debug_condition_command, false},
    {"ignore", NULL, debug_ignore_command, false},
    {"print", "p inspect ", debug_print_command, false},
    {"x", NULL, debug_examine_command, false},
    {"display", "disp ", debug_display_command, false},
    {"undisplay", "undisp ", debug_undisplay_command, false},
    {"set", NULL, debug_set_command, false},
    {"backtrace", "bt where ", debug_backtrace_command, false},
    {"frame", "f ", debug_frame_command, false},
    {"up", NULL, up_command, false},
    {"down", NULL, down_command, false},
    {"list", "l ", list_command, false},
    {"disassemble", "disas ", disassemble_command, false},
    {"info", "i inf ", info_command, false},
    {"screen", NULL, screen_args, false},
    {"show", NULL, show_command, false},
    {"complete", NULL, debug_complete_command, false},
    {"key", NULL, debug_key_command, false},
    {"type", NULL, debug_type_command, false},
    {"help", "h ", help_command, false},
    {"quit", "q exit ", NULL, false},
};

/* The command a word names: its name, one of gdb's abbreviations, or a unique start of one name. */
/* d NULL: nothing is said. */
static const command *find(const command *table, size_t count, const char *word, size_t length, hack_debugger *d,
                           const char *what)
{
    const command *prefixed = NULL;
    size_t prefixes = 0;
    for (size_t i = 0; i < count; i++) {
        const command *c = &table[i];
        if (strlen(c->name) == length && strncmp(c->name, word, length) == 0) return c;
        for (const char *a = c->aliases; a && *a; a += strcspn(a, " ") + 1)
            if (strcspn(a, " ") == length && strncmp(a, word, length) == 0) return c;
        if (strlen(c->name) > length && strncmp(c->name, word, length) == 0) {
            prefixed = c;
            prefixes++;
        }
    }
    if (prefixes == 1) return prefixed;
    if (!d) return NULL;
    if (prefixes == 0) {
        debug_say(d, "Unknown %s%s'%.*s': `help` lists them.\n", what, what[0] ? " command " : "command ", (int)length, word);
        return NULL;
    }
    char names[400] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof names; i++)
        if (strlen(table[i].name) > length && strncmp(table[i].name, word, length) == 0)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", table[i].name);
    debug_say(d, "Ambiguous %s%s'%.*s': %s.\n", what, what[0] ? " command " : "command ", (int)length, word, names);
    return NULL;
}

/* The command an empty line repeats (NULL: none) */
void debug_set_repeat(hack_debugger *d, const char *text)
{
    free(d->repeat);
    d->repeat = text ? strdup(text) : NULL;
}

bool hack_debugger_command(hack_debugger *d, const char *line)
{
    while (*line == ' ' || *line == '\t') line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' || line[n - 1] == '\n')) n--;
    if (!n && !d->repeat) return true;
    char *text = n ? strndup(line, n) : strdup(d->repeat); /* (a line of any length: never cut, never split) */
    if (!text) {
        debug_say(d, "out of memory\n");
        return true;
    }
    bool more = true;
    if (text[0] != '#') { /* (# a comment, for scripted sessions) */
        size_t word_length = strcspn(text, " /");
        const char *rest = text + word_length;
        while (*rest == ' ') rest++;
        debug_set_repeat(d, NULL);
        const command *c = find(commands, sizeof commands / sizeof commands[0], text, word_length, d, "");
        if (c && !c->run) more = false; /* quit */
        else if (c) {
            if (c->repeats) debug_set_repeat(d, text);
            c->run(d, rest);
        }
    }
    free(text);
    return more;
}

/* ---- for completion ---- */

const char *debug_command_named(const char *word)
{
    const command *c = find(commands, sizeof commands / sizeof commands[0], word, strlen(word), NULL, "");
    return c ? c->name : NULL;
}

size_t debug_command_names(const char **names, size_t capacity, bool info)
{
    const command *table = info ? info_commands : commands;
    size_t count = info ? sizeof info_commands / sizeof info_commands[0] : sizeof commands / sizeof commands[0];
    for (size_t i = 0; i < count && i < capacity; i++) names[i] = table[i].name;
    return count;
}
