/* hackemu: runs a Hack program. This front end is the headless runner: it runs until the program halts or a
 * cycle budget is spent, then prints what was asked. */
#define _POSIX_C_SOURCE 200809L
#include "hack/outfile.h"
#include "hack/asm.h"
#include "hack/backtrace.h"
#include "hack/build.h"
#include "hack/cli_options.h"
#include "hack/machine.h"
#include "hack/path.h"
#include "hack/program.h"
#include "hack/script.h"
#include "hack/session.h"
#include "hack/stop.h"
#include "hack/heap.h"
#include "hack/heap_map.h"
#include "hack/screenshot.h"
#include "hack/version.h"
#ifdef HACK_WITH_SDL
#include "hack/window.h"
#endif

#ifdef HACK_WITH_DAP
#include "hack/dap.h"
#endif

#include "hack/os.h"
#include "debug_cli.h"
#include "test_memory.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    EXIT_HALTED = 0,
    EXIT_BAD_INPUT = 1,
    EXIT_BUDGET_SPENT = 2,
    EXIT_MACHINE_FAULT = 3,
    EXIT_COMPARISON_FAILURE = 4,
    EXIT_SYS_ERROR = 5,
    EXIT_HEAP_PROBLEMS = 6,
    EXIT_BREAKPOINT = 8, /* a headless run stopped at a breakpoint or watchpoint (--break, --watch) */
    EXIT_USAGE = 64
};
enum { MAX_REQUESTS = 64 };
enum { CHECK_HEAP = 1, CHECK_HEAP_NO_LEAKS = 2 }; /* --check-heap, --check-heap=no-leaks */

typedef struct {
    const char *program_path;
    int program_count;
    const char *symbols_path;
    const char *load_dir, *out_dir;
    const char *screenshot_path;
    const char *export_path;
    const char *heap_map_path;
    const char *jack_classes; /* classes kept in Jack under --os=native, comma-separated */
    int scale;
    int jack_os;     /* --os=jack */
    int check_heap;  /* 0, CHECK_HEAP or CHECK_HEAP_NO_LEAKS */
    int heap_policy; /* a hack_heap_policy */
    bool screen_hash, quiet_output, heap_chosen, native_memory, continue_after_bad_free, heap_report;
    uint64_t budget;
    bool relaxed, headless, print_registers, print_cycles, quiet, translate, dap;
    /* as given, for resolving after the program (and its symbols) are loaded */
    const char *sets[MAX_REQUESTS], *dumps[MAX_REQUESTS]; /* --set, --ram */
    int set_count, dump_count;
    const char *keys;      /* "CYCLE:CODE,..." */
    const char *type_text; /* typed a key at a time */
    uint64_t key_cycles;   /* how long --type holds (and then releases) each key */
    uint64_t hz;           /* the window's emulated clock rate (0: full speed) */
    bool start_paused, stats, show_heap_map, no_pace;
    double quit_after;
    bool debug; /* --debug: the debugger's commands from stdin */
    bool debug_view, print_view; /* --debug-view: the debugger in the window; --print-view: its text on stdout */
    const char *breaks[MAX_REQUESTS], *watches[MAX_REQUESTS]; /* --break, --watch */
    int break_count, watch_count;
} options;

/* --jack=CLASS,...: each a class of the OS ("--jack=Nope" was taken and did nothing) */
static bool known_os_classes(const char *list, char *why, size_t size)
{
    for (const char *p = list; *p;) {
        const size_t n = strcspn(p, ",");
        bool known = false;
        for (size_t i = 0; i < hack_os_class_count && !known; i++)
            known = strlen(hack_os_classes[i].name) == n && strncmp(hack_os_classes[i].name, p, n) == 0;
        if (!known) {
            int used = snprintf(why, size, "'%.*s' is not a class of the OS (", (int)(n < 100 ? n : 100), p);
            for (size_t i = 0; i < hack_os_class_count && used >= 0 && (size_t)used < size; i++)
                used += snprintf(why + used, size - (size_t)used, "%s%s", i ? ", " : "", hack_os_classes[i].name);
            if (used >= 0 && (size_t)used < size) snprintf(why + used, size - (size_t)used, ")");
            return false;
        }
        p += n + (p[n] == ',');
    }
    return true;
}

#define SYNOPSIS "usage: hackemu [options] PROGRAM\n       hackemu [options] SCRIPT.tst\n"

static const hack_cli_choice os_choices[] = {
    {"native", 0, "native code where the project has it (Memory, Math, Output, Screen, Sys),\nJack for the rest (default)",
     false},
    {"jack", 1, "the whole OS in Jack, as any Hack emulator would run it", false},
    {0}};
static const hack_cli_choice heap_choices[] = {{"first-fit", HACK_HEAP_FIRST_FIT, NULL, false},
                                               {"best-fit", HACK_HEAP_BEST_FIT, NULL, false},
                                               {"seed", HACK_HEAP_SEED, NULL, false},
                                               {0}};
static const hack_cli_choice check_heap_choices[] = {
    {NULL, CHECK_HEAP,
     "the heap sanitizer: reads and writes outside live blocks, use\n"
     "after free, bad frees, leaks at the end, each with its call stacks; exit 6\n"
     "(window, headless, and test scripts: each program a script loads)", true},
    {"no-leaks", CHECK_HEAP_NO_LEAKS, "the heap check without leak reports", false},
    {0}};

enum { OPTION_ROWS = 64 };
typedef struct {
    hack_cli_option rows[OPTION_ROWS];
} option_table;

/* hackemu's options: the one table the parser reads and the usage is made from, in the usage's order (opt:
 * where the values go). A new option is a row here, its field in options, and its use. */
static option_table option_rows(options *o)
{
    return (option_table){{
        {.kind = HACK_CLI_TEXT,
         .help = "Runs a Hack program in a window (--headless: without one): PROGRAM.hack (machine code),\n"
                 "PROGRAM.asm, PROGRAM.vm, PROGRAM.jack, or a folder of .vm/.jack files (compiled and translated in\n"
                 "memory, the OS classes it lacks added, with the bootstrap); or a test script of the course\n"
                 "(.tst, with its .cmp), which always runs headless.\n"},
        {"headless", 0, HACK_CLI_FLAG, .help = "run without a window (for scripts and tests)", .flag = &o->headless},
        {"cycles", 0, HACK_CLI_U64, "N", "stop after N instructions (default: until the program halts)",
         .u64 = &o->budget, .min = 1, .max = UINT64_MAX},
        {"set", 0, HACK_CLI_LIST, "ADDR=VALUE", "put VALUE in RAM[ADDR] before the run (repeatable)",
         .items = o->sets, .count = &o->set_count, .capacity = MAX_REQUESTS},
        {"ram", 0, HACK_CLI_LIST, "ADDR[-ADDR]", "print RAM words after the run, one 'RAM[i]=v' a line (repeatable)",
         .items = o->dumps, .count = &o->dump_count, .capacity = MAX_REQUESTS},
        {"regs", 0, HACK_CLI_FLAG, .help = "print A, D and PC after the run", .flag = &o->print_registers},
        {"count", 0, HACK_CLI_FLAG, .help = "print the number of instructions executed ('cycles=N')",
         .flag = &o->print_cycles},
        {"relaxed", 0, HACK_CLI_FLAG, .flag = &o->relaxed,
         .help = "no machine errors: reads above the keyboard give -1, writes there are\n"
                 "ignored, illegal instruction words run as C-instructions"},
        {"symbols", 0, HACK_CLI_STRING, "FILE", "symbol file for a .hack (default: PROGRAM.sym beside it, if any)",
         .string = &o->symbols_path},
        {"quiet", 'q', HACK_CLI_FLAG, .help = "say nothing on stderr about why the run stopped", .flag = &o->quiet},
        {"screenshot", 0, HACK_CLI_STRING, "FILE",
         "after the run, write the screen as a PNG (--scale N: N x N pixels each)", .string = &o->screenshot_path},
        {"screen-hash", 0, HACK_CLI_FLAG, .help = "after the run, print 'screen=HASH' (equal screens, equal hashes)",
         .flag = &o->screen_hash},
        {"no-output", 0, HACK_CLI_FLAG, .flag = &o->quiet_output,
         .help = "do not copy what the program prints with Output to stdout (a line per\nprintln; on by default)"},
        {"keys", 0, HACK_CLI_STRING, "C:K,...",
         "hold key code K from cycle C on (K = 0 releases); e.g. 2000000:131,2100000:0", .string = &o->keys},
        {"debug", 0, HACK_CLI_FLAG, .flag = &o->debug,
         .help = "the debugger: commands from stdin, one a line (break Main.jack:12, run,\n"
                 "step, next, finish, print i, backtrace, watch Main.count, help...)"},
        {"break", 0, HACK_CLI_LIST, "SPEC",
         "headless: stop at File.jack:LINE, Class.function, File.vm:LINE, *ROMADDR\n"
         "or a label, print where and the call stack, exit 8 (repeatable)",
         .items = o->breaks, .count = &o->break_count, .capacity = MAX_REQUESTS},
        {"watch", 0, HACK_CLI_LIST, "EXPR",
         "headless: stop when a program instruction changes a RAM word or a Jack\n"
         "static (Main.count, RAM[2050], EXPR == VALUE), as --break (repeatable)",
         .items = o->watches, .count = &o->watch_count, .capacity = MAX_REQUESTS},
        {"dap", 0, HACK_CLI_FLAG, .flag = &o->dap,
         .help = "the Debug Adapter Protocol on stdin and stdout, for an editor's debugger\n"
                 "(VS Code: the README's \"Debugging in VS Code\"); the launch names the program"},
        {"type", 0, HACK_CLI_STRING, "TEXT",
         "type TEXT from cycle 1,000,000 on, each key held 100,000 cycles then released\n"
         "for as long ('\\n' Enter, '\\b' backspace, '\\e' Esc); --key-cycles N changes it",
         .string = &o->type_text},
        {"key-cycles", 0, HACK_CLI_U64, "N", .u64 = &o->key_cycles, .min = 1, .max = UINT64_MAX}, /* (in --type's) */

        {.kind = HACK_CLI_TEXT,
         .help = "\nThe OS (for VM and Jack programs: each OS class the program lacks is added):"},
        {"os", 0, HACK_CLI_CHOICE, "=OS", .integer = &o->jack_os, .choices = os_choices},
        {"jack", 0, HACK_CLI_STRING, "=CLASS,...",
         "under --os=native, keep these classes in Jack (e.g. --jack=Output,Screen)", .string = &o->jack_classes,
         .check = known_os_classes},
        {"heap", 0, HACK_CLI_CHOICE, "=POLICY", "the native heap's policy: first-fit (default), best-fit, seed",
         .integer = &o->heap_policy, .choices = heap_choices, .seen = &o->heap_chosen},
        {"native-memory", 0, HACK_CLI_FLAG, .flag = &o->native_memory,
         .help = "the native Memory even when the program brings its own Memory class"},
        {"continue-after-bad-free", 0, HACK_CLI_FLAG, .flag = &o->continue_after_bad_free,
         .help = "report a bad Memory.deAlloc and go on, instead of halting"},
        {"heap-report", 0, HACK_CLI_FLAG, .flag = &o->heap_report,
         .help = "at the end, print the heap's status report (a program's own Memory: its live\n"
                 "blocks, learned from its calls, and the runs of words between them)"},
        {"check-heap", 0, HACK_CLI_CHOICE, .integer = &o->check_heap, .choices = check_heap_choices},
        {"test-memory", 0, HACK_CLI_SEE, .arg = "FOLDER...", /* (main hands these to test_memory.c) */
         .help = "test each student's Memory against the project's test programs\n"
                 "(hackemu --test-memory --help says more)"},
        {"test-os", 0, HACK_CLI_SEE, .arg = "FOLDER...",
         .help = "grade each student's whole project 12, class by class (--test-os --help)"},
        {"heap-map", 0, HACK_CLI_STRING, "FILE.png",
         "after the run, a picture of the heap: a cell per word, free white, headers\n"
         "gray, live blocks blue, the latest allocations orange (in the window: Ctrl+H);\n"
         "a program's own Memory of another layout: its blocks, learned from its calls",
         .string = &o->heap_map_path},
        {"export", 0, HACK_CLI_STRING, "FILE.hack",
         "do not run: write the program with the whole OS in Jack as a standalone\n"
         "FILE.hack (and FILE.sym) that any Hack emulator can run",
         .string = &o->export_path},

        {.kind = HACK_CLI_TEXT, .help = "\nThe window (the default, when built with SDL2):"},
        {"scale", 0, HACK_CLI_INT, "N", "N x N pixels for each Hack pixel (default 2; the window can be resized)",
         .integer = &o->scale, .min = 1, .max = 8},
        {"hz", 0, HACK_CLI_U64, "N",
         "emulate N instructions a second (default: as fast as the host goes, or the\n"
         "clock a program's own Sys.wait loop is tuned for)",
         .u64 = &o->hz, .min = 1, .max = UINT64_MAX},
        {"no-pace", 0, HACK_CLI_FLAG, .flag = &o->no_pace,
         .help = "run a program's own Sys.wait (the course's busy loop) flat out: no real time"},
        {"paused", 0, HACK_CLI_FLAG, .help = "start paused", .flag = &o->start_paused},
        {"show-heap-map", 0, HACK_CLI_FLAG, .flag = &o->show_heap_map,
         .help = "start with the heap map shown (Ctrl+H toggles it; --screenshot takes it)"},
        {"cycles", 0, HACK_CLI_SEE, .arg = "N",
         .help = "pause at cycle N; with --screenshot, save the window's pixels then and quit"},
        {"stats", 0, HACK_CLI_FLAG, .help = "at the end, print frames per second, speed, and CPU time",
         .flag = &o->stats},
        {"debug-view", 0, HACK_CLI_FLAG, .flag = &o->debug_view,
         .help = "the debugger in the window: --break and --watch set in it, paused at the\n"
                 "start when there are none (every pause shows the debug view anyway)"},
        {"print-view", 0, HACK_CLI_FLAG, .flag = &o->print_view,
         .help = "the debugger's messages and, at each stop, the view's text on stdout (and\n"
                 "what the window says of an error, 'window message| ...')"},
        {"quit-after", 0, HACK_CLI_SECONDS, "S", "close by itself after S seconds", .seconds = &o->quit_after,
         .min = 0, .max = 1000000},
        {.kind = HACK_CLI_TEXT,
         .help = "  Keys: Ctrl+P pause/resume, Ctrl+N one instruction (paused), Ctrl+R restart, Ctrl+S screenshot\n"
                 "  (a new hackemu-N.png; Ctrl+Shift+S: the whole window), Ctrl+H the heap map (and back), Ctrl+D\n"
                 "  the debug view (and back), Ctrl+Up/Ctrl+Down faster/slower, Ctrl+0 full speed, Ctrl+Q quit;\n"
                 "  every other key goes to the program (RAM[24576]; a letter as its capital, as on the course's\n"
                 "  emulator). An error that stops the program is said over the screen (Esc hides it); Ctrl+D or\n"
                 "  Ctrl+P then show the debug view where it stopped. In the debug view: n or F10 next, s or F11\n"
                 "  step, f or Shift+F11 finish, c or F5 continue, b or F9 a breakpoint on the cursor's line (Up,\n"
                 "  Down, PageUp, PageDown move it), i one instruction, u and d up and down the call stack, Enter\n"
                 "  (or :) a command as --debug takes it (print, watch, x/8, info locals, help...).\n"},

        {.kind = HACK_CLI_TEXT, .help = "Test scripts:"},
        {"cycles", 0, HACK_CLI_SEE, .arg = "N",
         .help = "stop the script after N ticktocks (default: a billion), and a 'while' or a\n"
                 "'repeat {' without a count after N rounds that run no instruction (a\n"
                 "'repeat 100 {' always ends)"},
        {"load-dir", 0, HACK_CLI_STRING, "DIR",
         "look for the programs that 'load' names in DIR first (to test your own\n"
         "Mult.asm against the course's Mult.tst without copying files)",
         .string = &o->load_dir},
        {"out-dir", 0, HACK_CLI_STRING, "DIR",
         "write the .out file in DIR (made when missing) instead of the script's folder", .string = &o->out_dir},
        {"translate", 0, HACK_CLI_FLAG, .flag = &o->translate,
         .help = "a CPU script's program (X.asm, X.hack) that is not there is made by hackemu\n"
                 "(from X.asm, X.vm or the folder's VM code) instead of being an error"},
        {"version", 0, HACK_CLI_VERSION, .help = "print the version"},
        {"help", 'h', HACK_CLI_HELP, .help = "show this help"},
        {.kind = HACK_CLI_OPERANDS, .arg = "program", .items = &o->program_path, .count = &o->program_count,
         .capacity = 1},
        {.kind = HACK_CLI_TEXT,
         .help = "\nADDR is a number, a predefined symbol (R0..R15, SP, LCL, ARG, THIS, THAT, SCREEN, KBD) or a\n"
                 "variable or label of the program. VALUE is a decimal number from -32768 to 65535.\n"
                 "A program halts at the idiom (END) @END 0;JMP, or when it runs past its last instruction.\n"
                 "Headless runs that last long enough compile the program's hot code with cc ($CC) in the background,\n"
                 "kept in ~/.cache/hackemu, with the same results; HACK_TIER=off: interpreter only; HACK_TIER=on:\n"
                 "say what it did, or why it did not run.\n"
                 "\n"
                 "Exit status: 0 halted (script: every line matched), 1 the program or script could not be\n"
                 "loaded, 2 the cycle budget was spent before it halted, 3 machine error (illegal instruction,\n"
                 "memory access above the keyboard, jump past ROM), 4 comparison failure, 5 the program called\n"
                 "Sys.error (its code and call stack are shown), 6 the heap check found problems, 8 a headless\n"
                 "run stopped at a --break or --watch, 64 bad command line."},
        {0}}};
}

static hack_cli_spec option_spec(const option_table *table)
{
    return (hack_cli_spec){SYNOPSIS, table->rows, 22};
}

static void usage(FILE *out)
{
    options unused = {0};
    const option_table table = option_rows(&unused);
    const hack_cli_spec spec = option_spec(&table);
    hack_cli_write_usage(&spec, out);
}

/* Reads the command line into opt; says whether to run, show the help or the version, or what was wrong. */
static hack_cli_action parse_args(int argc, char **argv, options *opt, char *error, size_t size)
{
    const option_table table = option_rows(opt);
    const hack_cli_spec spec = option_spec(&table);
    const hack_cli_action action = hack_cli_parse(&spec, argc, argv, error, size);
    /* --debug is headless; --break and --watch are headless runs, but in the window's debugger */
    if (opt->debug || ((opt->break_count || opt->watch_count) && !opt->debug_view)) opt->headless = true;
    return action;
}

static int compare_events(const void *a, const void *b)
{
    const hack_key_event *x = a, *y = b;
    return (x->cycle > y->cycle) - (x->cycle < y->cycle);
}

/* The key presses of --keys and --type, in time order; NULL (and *count 0) for none, or on a bad spec. */
static hack_key_event *key_schedule(const options *opt, size_t *count, bool *ok)
{
    *count = 0;
    *ok = true;
    size_t capacity = 16 + (opt->keys ? strlen(opt->keys) : 0) + 2 * (opt->type_text ? strlen(opt->type_text) : 0);
    hack_key_event *events = malloc(capacity * sizeof *events);
    if (!events) return NULL;
    for (const char *p = opt->keys; p && *p;) {
        char *end;
        errno = 0;
        unsigned long long cycle = isdigit((unsigned char)*p) ? strtoull(p, &end, 10) : 0;
        if (!isdigit((unsigned char)*p) || errno || *end != ':') break; /* (a cycle past 2^64 saturated) */
        const char *code = end + 1;
        unsigned long key = isdigit((unsigned char)*code) ? strtoul(code, &end, 10) : 99999;
        if (errno || key > 65535 || (*end != ',' && *end != '\0')) break;
        events[(*count)++] = (hack_key_event){cycle, (uint16_t)key};
        p = *end ? end + 1 : end;
    }
    if (opt->keys) {
        /* a spec that did not parse to its end is refused */
        size_t commas = 0;
        for (const char *p = opt->keys; *p; p++) commas += *p == ',';
        if (*count != commas + 1) *ok = false;
    }
    uint64_t at = 1000000;
    for (const char *p = opt->type_text; p && *p; p++) {
        uint16_t key = (uint16_t)(unsigned char)*p;
        if (*p == '\\' && (p[1] == 'n' || p[1] == 'b' || p[1] == 'e')) {
            key = p[1] == 'n' ? 128 : p[1] == 'b' ? 129 : 140;
            p++;
        }
        events[(*count)++] = (hack_key_event){at, key};
        events[(*count)++] = (hack_key_event){at + opt->key_cycles, 0};
        at += 2 * opt->key_cycles;
    }
    qsort(events, *count, sizeof *events, compare_events);
    return events;
}

static int as_signed(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

/* The --set words, for the launch (writes: room for MAX_REQUESTS). */
static bool parse_sets(const options *opt, const hack_program *program, hack_ram_write *writes)
{
    for (int i = 0; i < opt->set_count; i++)
        if (!hack_ram_write_parse(program, opt->sets[i], &writes[i])) {
            fprintf(stderr, "hackemu: --set %s: expected ADDR=VALUE (ADDR a RAM address 0..32767 or a symbol, VALUE "
                            "-32768..65535)\n",
                    opt->sets[i]);
            return false;
        }
    return true;
}

static bool print_dump(const hack_machine *machine, const hack_program *program, const char *text)
{
    const char *dash = strchr(text, '-');
    size_t first_length = dash ? (size_t)(dash - text) : strlen(text);
    uint16_t first, last;
    if (!hack_session_resolve_address(program, text, first_length, &first) ||
        (dash && !hack_session_resolve_address(program, dash + 1, strlen(dash + 1), &last)) ||
        (dash && last < first)) {
        fprintf(stderr, "hackemu: --ram %s: expected ADDR or FIRST-LAST (RAM addresses 0..32767 or symbols)\n", text);
        return false;
    }
    if (!dash) last = first;
    for (uint32_t address = first; address <= last; address++)
        printf("RAM[%" PRIu32 "]=%d\n", address, as_signed(hack_machine_ram(machine, (uint16_t)address)));
    return true;
}

/* Builds the program, and says in *launch where it came from. VM and Jack code as the course's VM emulator
 * takes it: a whole program gets the OS classes it lacks and the bootstrap; a lone .vm without Sys.init or
 * Main.main runs from its first command with SP = 256 (not bootstrapped). */
static bool load_program(const options *opt, hack_program *program, hack_launch *launch, hack_diag_list *diags)
{
    const char *path = opt->program_path;
    bool vm_code = hack_build_is_program_folder(path) || hack_path_has_extension(path, ".vm") ||
                   hack_path_has_extension(path, ".jack");
    hack_build_options build = {.bootstrap = vm_code, .vm_emulator = vm_code};
    const bool machine_code = hack_path_has_extension(path, ".hack") || hack_path_has_extension(path, ".asm");
    *launch = (hack_launch){.program = program, .code = machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM};
    if (opt->symbols_path && hack_path_has_extension(path, ".hack"))
        return hack_program_load_hack_file(program, path, diags) &&
               hack_program_read_symbols(program, opt->symbols_path, diags);
    bool ok = hack_build_program(path, &build, program, diags);
    launch->os_added = build.os_added;
    launch->code = build.machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM;
    launch->bootstrapped = !vm_code || build.bootstrapped;
    return ok;
}

static void print_output_line(void *context, const char *text)
{
    (void)context;
    printf("%s\n", text);
}

static void print_os_message(void *context, const char *text)
{
    (void)context;
    fprintf(stderr, "hackemu: %s", text);
    if (text[0] && text[strlen(text) - 1] != '\n') fputc('\n', stderr);
}

static void print_check_report(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)context;
    (void)finding;
    fputs(text, stderr);
}

static void print_message(void *context, const char *text)
{
    (void)context;
    printf("%s\n", text);
    fflush(stdout);
}

#ifdef HACK_WITH_SDL
static uint64_t window_clock(void *context)
{
    (void)context;
    return hack_window_now_ms();
}
#endif

/* What the options ask the run driver to bind. */
static hack_session_options session_options(const options *opt, bool window, bool test_script)
{
    hack_session_options o = {.jack_os = opt->jack_os, .jack_classes = opt->jack_classes,
                              .native_memory = opt->native_memory, .heap_policy = (hack_heap_policy)opt->heap_policy,
                              .heap_chosen = opt->heap_chosen, .continue_after_bad_free = opt->continue_after_bad_free,
                              .check_heap = opt->check_heap != 0, .check_heap_no_leaks = opt->check_heap == CHECK_HEAP_NO_LEAKS,
                              .relaxed = opt->relaxed,
                              .mirror_output = !opt->quiet_output && !test_script, .test_script = test_script,
                              .track_allocations = window || opt->heap_map_path != NULL || opt->heap_report,
                              .message = print_os_message, .heap_report = print_check_report,
                              .output_line = print_output_line};
#ifdef HACK_WITH_SDL
    if (window) o.now_ms = window_clock;
#endif
    o.no_pace = opt->no_pace;
    o.stop_at_heap_report = opt->debug || opt->debug_view || opt->break_count || opt->watch_count;
    return o;
}

/* --out-dir: the folder and those above it, made when missing (mkdir -p), as the user's umask has them */
static bool make_folders(const char *path)
{
    char *partial = strdup(path);
    if (!partial) return false;
    bool ok = true;
    for (char *p = partial + 1; ok && *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        ok = mkdir(partial, 0777) == 0 || errno == EEXIST;
        *p = '/';
    }
    ok = ok && (mkdir(partial, 0777) == 0 || errno == EEXIST);
    free(partial);
    struct stat info;
    return ok && stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

static int run_script(const options *opt)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = hack_script_parse_file(opt->program_path, &diags);
    hack_machine *machine = script ? hack_machine_create() : NULL;
    hack_session_options so = session_options(opt, false, true);
    hack_session *session = machine ? hack_session_create(machine, &so) : NULL;
    int status = EXIT_BAD_INPUT;
    bool script_failed = false;
    char *dir = opt->program_path ? malloc(strlen(opt->program_path) + 2) : NULL;
    if (script && session && dir && opt->out_dir && !make_folders(opt->out_dir)) {
        fprintf(stderr, "hackemu: --out-dir %s: cannot make it: %s\n", opt->out_dir, strerror(errno));
        script_failed = true;
    }
    if (script && session && dir && !script_failed) {
        /* Names in the script are relative to its folder. */
        strcpy(dir, opt->program_path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(dir, ".");
        hack_script_options script_options = {.script_dir = dir, .load_dir = opt->load_dir, .out_dir = opt->out_dir,
                                              .cycle_limit = opt->budget, .relaxed = opt->relaxed,
                                              .translate = opt->translate, .session = session, .message = print_message};
        hack_script_result result;
        hack_script_run(script, machine, &script_options, &result, &diags);
        hack_diag_list_print(stderr, &diags); /* notes of what was made on the user's behalf, errors */
        hack_diag_list_free(&diags);
        hack_diag_list_init(&diags);
        char text[4000];
        hack_script_explain(&result, opt->program_path, opt->budget, text, sizeof text);
        const bool limit = result.status == HACK_SCRIPT_CYCLE_LIMIT || result.status == HACK_SCRIPT_LOOP_LIMIT ||
                           result.status == HACK_SCRIPT_COMMAND_LIMIT;
        if (result.status == HACK_SCRIPT_PASSED)
            fputs(text, stdout);
        else if (!(limit && opt->quiet))
            fputs(text, stderr);
        switch (result.status) {
        case HACK_SCRIPT_PASSED: status = EXIT_HALTED; break;
        case HACK_SCRIPT_COMPARISON_FAILURE: status = EXIT_COMPARISON_FAILURE; break;
        case HACK_SCRIPT_CYCLE_LIMIT:
        case HACK_SCRIPT_LOOP_LIMIT:
        case HACK_SCRIPT_COMMAND_LIMIT: status = EXIT_BUDGET_SPENT; break;
        case HACK_SCRIPT_MACHINE_FAULT:
        case HACK_SCRIPT_PROGRAM_STOPPED: status = EXIT_MACHINE_FAULT; break;
        case HACK_SCRIPT_ERROR: status = EXIT_BAD_INPUT; break;
        }
        if (hack_session_heap_problems(session) && status == EXIT_HALTED) status = EXIT_HEAP_PROBLEMS;
    } else if (script) {
        fputs("hackemu: out of memory\n", stderr);
    }
    free(dir);
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    hack_script_free(script);
    hack_session_free(session);
    hack_machine_destroy(machine);
    return status;
}

enum { MAP_SCALE = 4 };

/* The heap map's pixels and a caption of its figures; false when the words are no heap of this layout. */
static bool write_heap_map(const hack_session *session, const char *path, hack_diag_list *diags)
{
    const int width = HACK_HEAP_MAP_COLUMNS * MAP_SCALE, height = HACK_HEAP_MAP_ROWS * MAP_SCALE;
    uint8_t *rgb = malloc((size_t)width * (size_t)height * 3);
    char caption[200];
    if (!rgb) return false;
    hack_session_render_heap_map(session, MAP_SCALE, rgb, caption, sizeof caption);
    bool ok = hack_png_write_rgb(rgb, width, height, path, diags);
    hack_diag_list_print(stderr, diags);
    if (ok) printf("%s\n", caption);
    free(rgb);
    return ok;
}

/* The exit status for the state the program stopped in. */
static int exit_status(hack_session_state state)
{
    switch (state) {
    case HACK_SESSION_HALTED: return EXIT_HALTED;
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: return EXIT_BUDGET_SPENT;
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_STACK_ERROR: return EXIT_MACHINE_FAULT;
    case HACK_SESSION_SYS_ERROR: return EXIT_SYS_ERROR;
    case HACK_SESSION_DEBUG: return EXIT_BREAKPOINT;
    }
    return EXIT_MACHINE_FAULT;
}

/* What a stop means (the stop's record, told as the window and the page tell it), after "hackemu: ". */
static void report_stop(const options *opt, const hack_session *session, hack_session_stop stop)
{
    hack_stop_record *record = malloc(sizeof *record);
    char text[8000];
    if (!record) return;
    hack_session_record_stop(session, stop, record);
    if (hack_stop_format(record, HACK_STOP_TEXT_RUN, opt->program_path, text, sizeof text))
        fprintf(stderr, "hackemu: %s", text);
    free(record);
}

#ifdef HACK_WITH_SDL
typedef struct {
    const options *opt;
    hack_session *session;
    hack_machine *machine;
} window_context;

static bool window_heap_map(void *context, uint8_t *rgb, char *caption, size_t size)
{
    window_context *w = context;
    return hack_session_render_heap_map(w->session, MAP_SCALE, rgb, caption, size);
}

static void window_report(void *context, hack_machine *machine, hack_session_stop stop)
{
    window_context *w = context;
    (void)machine;
    if (stop.state == HACK_SESSION_FAULT || stop.state == HACK_SESSION_STACK_ERROR) report_stop(w->opt, w->session, stop);
}

/* What the window shows over a program an error stopped: as hackemu says it on stderr (a machine or stack
 * error as the stop's record tells it, a Sys.error or heap error by the OS's message), with the Jack call stack. */
static void window_describe_stop(void *context, hack_session_stop stop, char *text, size_t size)
{
    window_context *w = context;
    hack_stop_record *record = malloc(sizeof *record);
    text[0] = '\0';
    if (!record) return;
    hack_session_record_stop(w->session, stop, record);
    if (!hack_stop_format(record, HACK_STOP_TEXT_RUN, w->opt->program_path, text, size) &&
        (stop.state == HACK_SESSION_SYS_ERROR || stop.state == HACK_SESSION_HEAP_ERROR))
        snprintf(text, size, "%s", record->message);
    free(record);
}

static int run_window(const options *opt, hack_session *session, hack_machine *machine)
{
    const char *name = strrchr(opt->program_path, '/');
    name = name && name[1] ? name + 1 : opt->program_path;
    hack_window_options w = {.name = name, .scale = opt->scale ? opt->scale : 2, .hz = opt->hz,
                             .start_paused = opt->start_paused, .start_with_heap_map = opt->show_heap_map,
                             .quit_after_seconds = opt->quit_after, .stats = opt->stats, .debug = opt->debug_view,
                             .breaks = opt->breaks, .break_count = opt->break_count, .watches = opt->watches,
                             .watch_count = opt->watch_count, .print_view = opt->print_view};
    if (opt->screenshot_path && opt->budget) {
        w.screenshot_at = opt->budget;
        w.screenshot_path = opt->screenshot_path;
        w.quit_after_screenshot = true;
    } else {
        w.budget = opt->budget;
    }
    window_context context = {opt, session, machine};
    hack_window_callbacks callbacks = {&context, NULL, window_report, window_heap_map, window_describe_stop};
    return hack_window_run(session, machine, &w, &callbacks);
}
#endif

/* After a headless run: what the options ask to see. Returns the exit status, changed if something failed. */
static int print_results(const options *opt, hack_session *session, hack_machine *machine, int status,
                         hack_diag_list *diags)
{
    const hack_program *program = hack_session_program(session);
    if (opt->print_registers)
        printf("A=%d D=%d PC=%u\n", as_signed(hack_machine_a(machine)), as_signed(hack_machine_d(machine)),
               (unsigned)hack_machine_pc(machine));
    if (opt->print_cycles) printf("cycles=%" PRIu64 "\n", hack_machine_cycles(machine));
    for (int i = 0; i < opt->dump_count; i++)
        if (!print_dump(machine, program, opt->dumps[i])) status = EXIT_USAGE;
    if (opt->screen_hash)
        printf("screen=%016llx\n", (unsigned long long)hack_screen_hash(hack_machine_screen(machine)));
    if (opt->screenshot_path &&
        !hack_screenshot_write_png(hack_machine_screen(machine), opt->scale ? opt->scale : 1, opt->screenshot_path,
                                   diags)) {
        hack_diag_list_print(stderr, diags);
        status = EXIT_BAD_INPUT;
    }
    if (opt->heap_map_path && !write_heap_map(session, opt->heap_map_path, diags)) status = EXIT_BAD_INPUT;
    hack_heap *heap = hack_session_heap(session);
    if (opt->heap_report && heap) {
        char *report = hack_heap_report(heap);
        if (report) fputs(report, stdout);
        free(report);
    } else if (opt->heap_report && hack_session_block_record(session)) {
        /* the program's own Memory: what its calls tell of the blocks */
        const hack_heap_sanitizer *record = hack_session_block_record(session);
        size_t count = hack_heap_sanitizer_live_blocks(record, NULL, 0);
        hack_heap_live_block *blocks = malloc((count ? count : 1) * sizeof *blocks);
        char *text = malloc(1 << 16);
        if (blocks && text) {
            count = hack_heap_sanitizer_live_blocks(record, blocks, count);
            hack_heap_map_describe_blocks(blocks, count, 8, text, 1 << 16);
            fputs(text, stdout);
        }
        free(blocks);
        free(text);
    } else if (opt->heap_report) {
        fputs("hackemu: --heap-report: the program has no Memory.alloc to learn its heap from\n", stderr);
    }
    return status;
}

/* Runs a program headless, with the scripted keys, to its stop. */
static int run_headless(const options *opt, hack_session *session, hack_machine *machine, hack_diag_list *diags)
{
    size_t key_count;
    bool keys_ok;
    hack_key_event *keys = key_schedule(opt, &key_count, &keys_ok);
    if (!keys_ok) {
        fprintf(stderr, "hackemu: --keys takes CYCLE:KEYCODE pairs separated by commas (a cycle below 2^64, a code 0..65535)\n");
        free(keys);
        return EXIT_USAGE;
    }
    bool keys_set = hack_session_set_keys(session, keys, key_count);
    free(keys);
    if (!keys_set) {
        fputs("hackemu: out of memory\n", stderr);
        return EXIT_BAD_INPUT;
    }
    hack_session_stop stop = hack_session_run(session, opt->budget ? opt->budget : UINT64_MAX);
    int heap_problems = hack_session_finish(session);
    fflush(stdout);
    const bool quiet_about = stop.state == HACK_SESSION_BUDGET || stop.endless_loop;
    if (!(opt->quiet && quiet_about)) report_stop(opt, session, stop);
    int status = print_results(opt, session, machine, exit_status(stop.state), diags);
    if (heap_problems && status == EXIT_HALTED) status = EXIT_HEAP_PROBLEMS;
    return status;
}

static int export_program(const options *opt, const hack_program *program, hack_diag_list *diags)
{
    char *sym_path = hack_path_with_extension(opt->export_path, ".sym");
    bool written = sym_path && hack_program_write_hack(program, opt->export_path, diags) &&
                   hack_program_write_symbols(program, sym_path, diags);
    hack_diag_list_print(stderr, diags);
    if (written)
        printf("wrote %s: %zu words of ROM (%.0f%% of 32768), and %s\n", opt->export_path, program->count,
               100.0 * (double)program->count / HACK_ROM_SIZE, sym_path);
    free(sym_path);
    return written ? EXIT_HALTED : EXIT_BAD_INPUT;
}

/* --dap: the editor's debugger, the Debug Adapter Protocol on stdin and stdout (the launch names the program) */
static int serve_dap(int argc)
{
    if (argc != 2) {
        fputs("hackemu: --dap takes no other arguments: the editor's launch names the program\n", stderr);
        return EXIT_USAGE;
    }
#ifdef HACK_WITH_DAP
    signal(SIGPIPE, SIG_IGN); /* the editor gone: a write fails, and the server ends */
    return hack_dap_serve(0, 1) == 0 ? EXIT_HALTED : EXIT_BAD_INPUT;
#else
    fputs("hackemu: this hackemu was built without --dap (its build lacked jansson: libjansson-dev)\n", stderr);
    return EXIT_USAGE;
#endif
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--test-memory") == 0) return hack_cli_test_memory(argc, argv);
        if (strcmp(argv[i], "--test-os") == 0) return hack_cli_test_os(argc, argv);
    }
    options opt = {.key_cycles = 100000};
    char error[1000];
    const hack_cli_action action = parse_args(argc, argv, &opt, error, sizeof error);
    if (action == HACK_CLI_RUN && opt.dap) return serve_dap(argc);
    hack_outfile_check_stdout("hackemu"); /* (a program's printed lines reach a file line by line) */
    hack_outfile_clean_up_on_signals();   /* (--export and .out files: the old one kept, no half file) */
    if (action == HACK_CLI_SHOW_HELP) {
        usage(stdout);
        return EXIT_HALTED;
    }
    if (action == HACK_CLI_SHOW_VERSION) {
        fputs(HACK_VERSION_LINE("hackemu"), stdout);
        return EXIT_HALTED;
    }
    if (action == HACK_CLI_ERROR || !opt.program_path) {
        if (action == HACK_CLI_ERROR)
            fprintf(stderr, "hackemu: %s\n", error);
        else
            fputs(SYNOPSIS, stderr);
        fputs("Try 'hackemu --help'.\n", stderr);
        return EXIT_USAGE;
    }
    if (hack_path_has_extension(opt.program_path, ".tst")) return run_script(&opt);

    bool window = false;
#ifdef HACK_WITH_SDL
    window = !opt.headless && !opt.export_path;
    char why[1000];
    if (window && !hack_window_available(why, sizeof why)) {
        fprintf(stderr, "hackemu: %s\n", why);
        return EXIT_BAD_INPUT;
    }
#endif
    hack_program program;
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_machine *machine = hack_machine_create();
    /* Headless, the native tier (tier.c): a program whose profile and code are in the cache runs them after a
     * quarter of a million instructions; else, past 50 million, the blocks the next million reach are compiled with the
     * system's C compiler in the background (once the run has lasted as long as the compile should take), the
     * interpreter meanwhile and wherever the compiled code hands back. HACK_TIER=off keeps the interpreter
     * alone; HACK_TIER=on says what the tier did (or why it did not run); eager compiles at the start without
     * waiting for the run to be worth it, wait also waits for the compile (tests, benchmarks). */
    const char *tier = getenv("HACK_TIER");
    const bool tier_eager = tier && (strcmp(tier, "eager") == 0 || strcmp(tier, "wait") == 0);
    const bool tier_asked = tier && (strcmp(tier, "on") == 0 || tier_eager);
    if (machine && !window && !(tier && strcmp(tier, "off") == 0))
        hack_machine_enable_tier(machine, &(hack_tier_options){.warm_cycles = tier_eager ? 0 : 250000,
                                                               .hot_cycles = tier_eager ? 0 : 50000000,
                                                               .profile_steps = 1000000,
                                                               .eager = tier_eager,
                                                               .wait = tier && strcmp(tier, "wait") == 0});
    if (!machine || !hack_program_init(&program)) {
        fputs("hackemu: out of memory\n", stderr);
        hack_machine_destroy(machine);
        return EXIT_BAD_INPUT;
    }
    int status = EXIT_BAD_INPUT;
    hack_session *session = NULL;
    hack_launch launch;
    hack_ram_write writes[MAX_REQUESTS];
    bool loaded = load_program(&opt, &program, &launch, &diags);
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags); /* said once: what comes later is new */
    hack_diag_list_init(&diags);
    if (!loaded) goto out;
    if (opt.export_path) {
        status = export_program(&opt, &program, &diags);
        goto out;
    }
    if (!parse_sets(&opt, &program, writes)) {
        status = EXIT_USAGE;
        goto out;
    }
    launch.writes = writes;
    launch.write_count = (size_t)opt.set_count;
    hack_session_options so = session_options(&opt, window, false);
    session = hack_session_create(machine, &so);
    if (!session || !hack_session_load(session, &launch, &diags)) {
        hack_diag_list_print(stderr, &diags);
        goto out;
    }
#ifdef HACK_WITH_SDL
    if (window) {
        int state = run_window(&opt, session, machine);
        int heap_problems = hack_session_finish(session);
        status = state < 0 ? EXIT_BAD_INPUT : exit_status((hack_session_state)state);
        if (status == EXIT_BUDGET_SPENT) status = EXIT_HALTED; /* closed while it ran: the user's choice */
        if (heap_problems && status == EXIT_HALTED) status = EXIT_HEAP_PROBLEMS;
        goto out;
    }
#endif
    if (opt.debug || opt.break_count || opt.watch_count) {
        size_t key_count;
        bool keys_ok;
        hack_key_event *keys = key_schedule(&opt, &key_count, &keys_ok);
        if (!keys_ok) {
            fprintf(stderr, "hackemu: --keys takes CYCLE:KEYCODE pairs separated by commas (a cycle below 2^64, a code 0..65535)\n");
            free(keys);
            status = EXIT_USAGE;
            goto out;
        }
        hack_cli_debug_options debug = {opt.breaks, opt.break_count, opt.watches, opt.watch_count, opt.debug,
                                        keys, key_count, opt.key_cycles, opt.program_path};
        status = hack_cli_debug(session, machine, &debug);
        free(keys);
        goto out;
    }
    status = run_headless(&opt, session, machine, &diags);
    if (tier_asked) {
        char report[2200];
        hack_machine_tier_report(machine, report, sizeof report);
        char *rest = NULL;
        for (char *line = strtok_r(report, "\n", &rest); line; line = strtok_r(NULL, "\n", &rest))
            fprintf(stderr, "hackemu: note: native tier: %s\n", line);
    }

out:
    hack_session_free(session);
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    hack_machine_destroy(machine);
    return status;
}
