/* The debugger's engine: the program's variable tables and sources, breakpoints and watchpoints, running
 * to the next stop and stepping. Commands and names are in debug_commands.c. */
#include "debugger_internal.h"

#include "hack/path.h"
#include "hack/backtrace.h"
#include "hack/os.h"
#include "hack/textfile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A step that has not reached its line after this many instructions gives up (a loop that never ends). */
enum { STEP_LIMIT = 100000000 };

void debug_say(hack_debugger *d, const char *format, ...)
{
    char text[4096];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    if (d->options.print) d->options.print(d->options.context, text);
}

const hack_source_location *debug_location(const hack_debugger *d, uint32_t pc)
{
    return d->program->locations && pc < d->program->count ? &d->program->locations[pc] : NULL;
}

/* The text of a program source: the file, or the OS's Jack the tools carry ("(os)/Memory.jack"). */
static void read_source(const hack_debugger *d, size_t index, source_text *s)
{
    s->tried = true;
    const char *path = d->program->source_files[index];
    if (strncmp(path, "(os)/", 5) == 0) {
        char name[64];
        snprintf(name, sizeof name, "%s", path + 5);
        char *dot = strrchr(name, '.');
        if (!dot || strcmp(dot, ".jack") != 0) return;
        *dot = '\0';
        const hack_os_class *c = hack_os_find_class(name);
        if (!c) return;
        s->text = malloc(c->length + 1);
        if (!s->text) return;
        memcpy(s->text, c->source, c->length);
        s->text[c->length] = '\0';
        s->length = c->length;
    } else {
        hack_diag_list quiet;
        hack_diag_list_init(&quiet);
        if (!hack_textfile_read(path, &s->text, &s->length, &quiet)) s->text = NULL;
        hack_diag_list_free(&quiet);
        if (!s->text) return;
    }
    size_t lines = 1;
    for (size_t i = 0; i < s->length; i++) lines += s->text[i] == '\n';
    s->line_starts = malloc(lines * sizeof *s->line_starts);
    if (!s->line_starts) {
        free(s->text);
        s->text = NULL;
        return;
    }
    s->line_starts[0] = 0;
    s->line_count = 1;
    for (size_t i = 0; i < s->length; i++)
        if (s->text[i] == '\n') s->line_starts[s->line_count++] = i + 1;
}

const char *debug_source_line(hack_debugger *d, size_t file, uint32_t line, size_t *length)
{
    if (file >= d->program->source_file_count || line == 0) return NULL;
    source_text *s = &d->sources[file];
    if (!s->tried) read_source(d, file, s);
    if (!s->text || line > s->line_count) return NULL;
    size_t start = s->line_starts[line - 1];
    size_t end = line < s->line_count ? s->line_starts[line] - 1 : s->length;
    if (end > start && s->text[end - 1] == '\r') end--;
    *length = end - start;
    return s->text + start;
}

/* The variable tables of every Jack source the map names. */
static void read_classes(hack_debugger *d, hack_diag_list *diags)
{
    const hack_program *p = d->program;
    d->classes = calloc(p->source_file_count ? p->source_file_count : 1, sizeof *d->classes);
    if (!d->classes) return;
    for (size_t i = 0; i < p->source_file_count; i++) {
        const char *path = p->source_files[i];
        size_t n = strlen(path);
        if (n < 5 || strcmp(path + n - 5, ".jack") != 0) continue;
        source_text *s = &d->sources[i];
        if (!s->tried) read_source(d, i, s);
        if (!s->text) {
            hack_diag_add(diags, HACK_DIAG_NOTE, path, 0, 0, NULL, 0,
                          "cannot read the Jack source: its variables have no names in the debugger");
            continue;
        }
        hack_source source = {(char *)path, s->text, s->length, NULL, NULL, 0};
        hack_diag_list quiet;
        hack_diag_list_init(&quiet);
        if (hack_jack_class_variables_read(&source, &d->classes[d->class_count], &quiet)) d->class_count++;
        hack_diag_list_free(&quiet);
    }
}

const hack_jack_class_variables *debug_class(const hack_debugger *d, const char *name, size_t length)
{
    for (size_t i = 0; i < d->class_count; i++)
        if (strlen(d->classes[i].name) == length && strncmp(d->classes[i].name, name, length) == 0) return &d->classes[i];
    return NULL;
}

const hack_jack_subroutine_variables *debug_subroutine(const hack_debugger *d, const hack_symbol *function,
                                                       const hack_jack_class_variables **class_out)
{
    *class_out = NULL;
    if (!function) return NULL;
    const char *dot = strchr(function->name, '.');
    if (!dot) return NULL;
    const hack_jack_class_variables *c = debug_class(d, function->name, (size_t)(dot - function->name));
    *class_out = c;
    for (size_t i = 0; c && i < c->subroutine_count; i++)
        if (strcmp(c->subroutines[i].name, dot + 1) == 0) return &c->subroutines[i];
    return NULL;
}

/* Marks each function's words before its first statement: the function command's pushes, a method's
 * `this`, a constructor's allocation (all at the declaration's line). A step never stops there, and a
 * breakpoint on a function is at the first statement, as in other debuggers. */
static void mark_prologues(hack_debugger *d)
{
    const hack_program *p = d->program;
    d->prologue = calloc(p->count ? p->count : 1, 1);
    if (!d->prologue || !p->locations) return;
    for (size_t i = 0; i < p->symbols.count; i++) {
        const hack_symbol *f = &p->symbols.entries[i];
        if (f->kind != HACK_SYMBOL_FUNCTION || f->value >= p->count) continue;
        uint32_t end = (uint32_t)p->count;
        for (size_t j = 0; j < p->symbols.count; j++) {
            const hack_symbol *g = &p->symbols.entries[j];
            if (g->kind == HACK_SYMBOL_FUNCTION && g->value > f->value && g->value < end) end = g->value;
        }
        const hack_source_location *entry = &p->locations[f->value];
        if (!entry->jack_line) continue;
        /* the prologue's words are at the declaration's line; a function without locals has none, and its
         * first word is already its first statement's */
        const hack_jack_class_variables *c;
        const hack_jack_subroutine_variables *sub = debug_subroutine(d, f, &c);
        uint32_t declaration = sub && sub->line ? sub->line : entry->jack_line;
        uint32_t body = f->value;
        for (uint32_t w = f->value; w < end; w++) {
            const hack_source_location *l = &p->locations[w];
            if (l->routine == HACK_ROUTINE_NONE && l->command_start && l->jack_line &&
                (l->jack_line != declaration || l->jack_file != entry->jack_file)) {
                body = w;
                break;
            }
        }
        memset(d->prologue + f->value, 1, body - f->value);
    }
}

hack_debugger *hack_debugger_create(hack_session *session, hack_machine *machine, const hack_debugger_options *options,
                                    hack_diag_list *diags)
{
    const hack_program *program = hack_session_program(session);
    if (!program) return NULL;
    hack_debugger *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->session = session;
    d->machine = machine;
    d->program = program;
    d->options = *options;
    d->next_number = 1;
    d->last_state = HACK_SESSION_BUDGET;
    d->sources = calloc(program->source_file_count ? program->source_file_count : 1, sizeof *d->sources);
    d->watch_map = calloc(HACK_RAM_SIZE, 1);
    if (!d->sources || !d->watch_map) {
        hack_debugger_free(d);
        return NULL;
    }
    read_classes(d, diags);
    mark_prologues(d);
    return d;
}

void hack_debugger_free(hack_debugger *d)
{
    if (!d) return;
    hack_machine_clear_breakpoints(d->machine);
    hack_session_set_watchpoints(d->session, NULL);
    for (size_t i = 0; i < d->point_count; i++) {
        free(d->points[i].spec);
        free(d->points[i].addresses);
    }
    free(d->points);
    for (size_t i = 0; i < d->class_count; i++) hack_jack_class_variables_free(&d->classes[i]);
    free(d->classes);
    for (size_t i = 0; d->sources && i < d->program->source_file_count; i++) {
        free(d->sources[i].text);
        free(d->sources[i].line_starts);
    }
    free(d->sources);
    free(d->prologue);
    free(d->watch_map);
    free(d);
}

/* ---- the call stack ---- */

static bool is_return_address(const hack_debugger *d, uint32_t address)
{
    if (address == 0 || address >= d->program->count) return false;
    const hack_source_location *call = debug_location(d, address - 1);
    if (call) return call->routine == HACK_ROUTINE_NONE;
    const hack_symbol *at = hack_program_function_at(d->program, (uint16_t)address);
    return !(at && at->value == address);
}

size_t debug_frames(const hack_debugger *d, debug_frame *frames, size_t max)
{
    const uint16_t *ram = d->machine->ram;
    if (max == 0) return 0;
    size_t count = 0;
    frames[count++] = (debug_frame){d->machine->pc, ram[1], ram[2], 3, hack_program_function_at(d->program, d->machine->pc)};
    uint32_t frame = ram[1];
    while (count < max && frame >= 261 && frame < HACK_SCREEN) {
        uint32_t return_address = ram[frame - 5];
        if (!is_return_address(d, return_address)) break;
        uint16_t caller_lcl = ram[frame - 4];
        frames[count++] = (debug_frame){(uint16_t)(return_address - 1), caller_lcl, ram[frame - 3], (uint16_t)(frame - 2),
                                        hack_program_function_at(d->program, (uint16_t)(return_address - 1))};
        if (caller_lcl >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller_lcl;
    }
    return count;
}

/* "Main.fact (Main.jack:4)": the innermost frame as call stacks show it (a PC in the translator's shared
 * routines stands for the command that jumped there). */
static void describe_here(const hack_debugger *d, char *buf, size_t size)
{
    char stack[400];
    hack_backtrace(d->machine, d->program, stack, sizeof stack);
    char *end = strchr(stack, '\n');
    if (end) *end = '\0';
    const char *text = strncmp(stack, "  in ", 5) == 0 ? stack + 5 : stack;
    size_t n = strlen(text);
    if (n >= size) n = size - 1; /* cut short: a name of hundreds of characters */
    memcpy(buf, text, n);
    buf[n] = '\0';
}

/* The Jack (or VM) source line of pc, as "12\t<text>". */
static void show_source_line(hack_debugger *d, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    if (!l) return;
    size_t file = l->jack_line ? l->jack_file : l->file;
    uint32_t line = l->jack_line ? l->jack_line : l->line;
    size_t length;
    const char *text = debug_source_line(d, file, line, &length);
    if (text) debug_say(d, "%" PRIu32 "\t%.*s\n", line, (int)length, text);
}

void debug_show_location(hack_debugger *d, uint16_t pc, const char *prefix)
{
    char where[200];
    hack_backtrace_describe(d->program, pc, where, sizeof where);
    debug_say(d, "%s%s\n", prefix, where);
    show_source_line(d, pc);
}

void debug_show_here(hack_debugger *d, const char *prefix)
{
    char where[200];
    describe_here(d, where, sizeof where);
    debug_say(d, "%s%s\n", prefix, where);
    const hack_source_location *l = debug_location(d, d->machine->pc);
    if (!l || l->routine == HACK_ROUTINE_NONE) show_source_line(d, d->machine->pc);
}

/* ---- breakpoints and watchpoints ---- */

bool debug_point_remove(hack_debugger *d, int number)
{
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        if (p->number != number) continue;
        if (p->watch) {
            d->watch_map[p->address]--;
        } else {
            for (size_t k = 0; k < p->address_count; k++) {
                bool shared = false; /* another breakpoint on the same word keeps it */
                for (size_t j = 0; j < d->point_count; j++)
                    for (size_t m = 0; j != i && !d->points[j].watch && m < d->points[j].address_count; m++)
                        shared |= d->points[j].addresses[m] == p->addresses[k];
                if (!shared) hack_machine_set_breakpoint(d->machine, p->addresses[k], false);
            }
        }
        free(p->spec);
        free(p->addresses);
        memmove(p, p + 1, (d->point_count - i - 1) * sizeof *p);
        d->point_count--;
        return true;
    }
    return false;
}

static debug_point *new_point(hack_debugger *d, const char *spec)
{
    debug_point *grown = realloc(d->points, (d->point_count + 1) * sizeof *grown);
    if (!grown) return NULL;
    d->points = grown;
    debug_point *p = &grown[d->point_count];
    memset(p, 0, sizeof *p);
    p->spec = malloc(strlen(spec) + 1);
    if (!p->spec) return NULL;
    strcpy(p->spec, spec);
    p->number = d->next_number++;
    d->point_count++;
    return p;
}

static bool add_address(uint16_t **list, size_t *count, uint16_t address)
{
    for (size_t i = 0; i < *count; i++)
        if ((*list)[i] == address) return true;
    uint16_t *grown = realloc(*list, (*count + 1) * sizeof *grown);
    if (!grown) return false;
    *list = grown;
    grown[(*count)++] = address;
    return true;
}

/* The first word of each run of ROM words from (file, line): Jack when jack is set, else VM. */
static bool line_addresses(const hack_debugger *d, size_t file, uint32_t line, bool jack, uint16_t **list, size_t *count)
{
    const hack_program *p = d->program;
    bool previous = false;
    for (uint32_t w = 0; w < p->count; w++) {
        const hack_source_location *l = &p->locations[w];
        bool match = jack ? (l->jack_line == line && l->jack_file == file) : (l->line == line && l->file == file);
        match = match && l->routine == HACK_ROUTINE_NONE;
        if (match && !previous && l->command_start && !(jack && d->prologue[w]) && !add_address(list, count, (uint16_t)w))
            return false;
        previous = match;
    }
    return true;
}

/* The word a function breakpoint stops at: its first statement, or its entry when it runs natively (a
 * replacing hook: its Jack body never runs) or has no Jack. A hook that only observes the calls (the heap
 * check, the window's heap map) changes nothing: every front end stops at the same line. */
static uint16_t function_stop(const hack_debugger *d, const hack_symbol *f)
{
    if (hack_machine_replaced(d->machine, f->value)) return f->value;
    uint32_t w = f->value;
    while (w < d->program->count && d->prologue[w]) w++;
    return w < d->program->count ? (uint16_t)w : f->value;
}

static int fail(hack_diag_list *diags, const char *origin, const char *spec, const char *why)
{
    hack_diag_add(diags, HACK_DIAG_ERROR, origin, 0, 0, NULL, 0, "%s: %s", spec, why);
    return 0;
}

/* Resolves a breakpoint spec into ROM words. */
static bool resolve_break(hack_debugger *d, const char *spec, uint16_t **list, size_t *count, uint16_t *body,
                          char *why, size_t size)
{
    *body = 0;
    const hack_program *p = d->program;
    const char *colon = strrchr(spec, ':');
    if (spec[0] == '*') { /* a ROM address */
        char *end;
        unsigned long address = strtoul(spec + 1, &end, 10);
        if (end == spec + 1 || *end || address >= p->count) {
            snprintf(why, size, "not a ROM address of the program (0..%zu)", p->count ? p->count - 1 : 0);
            return false;
        }
        return add_address(list, count, (uint16_t)address);
    }
    if (colon) { /* File.jack:LINE or File.vm:LINE */
        char *end;
        unsigned long line = strtoul(colon + 1, &end, 10);
        size_t name_length = (size_t)(colon - spec);
        bool jack = name_length > 5 && strncmp(colon - 5, ".jack", 5) == 0;
        bool vm = name_length > 3 && strncmp(colon - 3, ".vm", 3) == 0;
        if (end == colon + 1 || *end || line == 0 || (!jack && !vm)) {
            snprintf(why, size, "expected File.jack:LINE or File.vm:LINE");
            return false;
        }
        if (!p->locations) {
            snprintf(why, size, "the program has no map of its sources (a .hack needs its .sym)");
            return false;
        }
        for (size_t f = 0; f < p->source_file_count; f++) {
            const char *base = hack_path_base_name(p->source_files[f]);
            if (strlen(base) != name_length || strncmp(base, spec, name_length) != 0) continue;
            /* a line without code (a declaration, a brace, a comment): the next one with code, as close by */
            for (unsigned long l = line; l < line + 10 && *count == 0; l++)
                if (!line_addresses(d, f, (uint32_t)l, jack, list, count)) return false;
            if (*count) return true;
            snprintf(why, size, "no code at or just after that line");
            return false;
        }
        snprintf(why, size, "no source file of that name in the program");
        return false;
    }
    const hack_symbol *s = hack_symtab_find(&p->symbols, spec, strlen(spec));
    if (s && s->kind == HACK_SYMBOL_FUNCTION) {
        *body = function_stop(d, s);
        if (*body == s->value) *body = 0;
        return add_address(list, count, (uint16_t)s->value);
    }
    if (s && s->kind == HACK_SYMBOL_LABEL && s->value < p->count) return add_address(list, count, s->value);
    snprintf(why, size, "no function, label, File.jack:LINE, File.vm:LINE or *ADDRESS of that name");
    return false;
}

int hack_debugger_add_breakpoint(hack_debugger *d, const char *spec, const char *origin, hack_diag_list *diags)
{
    uint16_t *list = NULL;
    size_t count = 0;
    char why[160];
    uint16_t body;
    if (!resolve_break(d, spec, &list, &count, &body, why, sizeof why)) {
        free(list);
        return fail(diags, origin, spec, why);
    }
    debug_point *p = new_point(d, spec);
    if (!p) {
        free(list);
        return fail(diags, origin, spec, "out of memory");
    }
    p->addresses = list;
    p->address_count = count;
    p->body = body;
    for (size_t i = 0; i < count; i++)
        if (!hack_machine_set_breakpoint(d->machine, list[i], true)) return fail(diags, origin, spec, "out of memory");
    char where[100];
    uint16_t shown = body ? body : list[0];
    hack_backtrace_describe(d->program, shown, where, sizeof where);
    snprintf(p->where, sizeof p->where, "ROM %u%s: %s", (unsigned)shown, count > 1 ? " and more" : "", where);
    return p->number;
}

int hack_debugger_add_watchpoint(hack_debugger *d, const char *spec, const char *origin, hack_diag_list *diags)
{
    char expression[200], why[200];
    snprintf(expression, sizeof expression, "%s", spec);
    char *equals = strstr(expression, "==");
    long value = 0;
    if (equals) {
        char *end;
        value = strtol(equals + 2, &end, 10);
        while (*end == ' ') end++;
        if (end == equals + 2 || *end || value < -32768 || value > 65535)
            return fail(diags, origin, spec, "expected EXPRESSION == VALUE (-32768..65535)");
        *equals = '\0';
    }
    debug_value v;
    if (!debug_evaluate(d, expression, &v, why, sizeof why)) return fail(diags, origin, spec, why);
    if (!v.has_address) return fail(diags, origin, spec, "not a word of RAM");
    debug_point *p = new_point(d, spec);
    if (!p) return fail(diags, origin, spec, "out of memory");
    p->watch = true;
    p->address = v.address;
    p->has_value = equals != NULL;
    p->value = (uint16_t)value;
    p->old = d->machine->ram[v.address];
    snprintf(p->where, sizeof p->where, "RAM[%u]", (unsigned)v.address);
    d->watch_map[v.address]++;
    d->watch_by_step = !hack_session_set_watchpoints(d->session, d->watch_map);
    return p->number;
}

/* ---- running ---- */

static void refresh_watches(hack_debugger *d)
{
    for (size_t i = 0; i < d->point_count; i++)
        if (d->points[i].watch) d->points[i].old = d->machine->ram[d->points[i].address];
}

static bool any_watch(const hack_debugger *d)
{
    for (size_t i = 0; i < d->point_count; i++)
        if (d->points[i].watch) return true;
    return false;
}

/* At most budget instructions through the driver; a breakpoint at the PC is stepped off first. A run that
 * ends on a breakpoint with its budget (a single step) stops there as the run loop would have. */
static hack_session_stop run_once(hack_debugger *d, uint64_t budget)
{
    hack_machine *m = d->machine;
    hack_session_stop stop;
    if (hack_machine_breakpoint_at(m, m->pc)) {
        uint16_t pc = m->pc;
        hack_machine_set_breakpoint(m, pc, false);
        stop = hack_session_run(d->session, 1);
        hack_machine_set_breakpoint(m, pc, true);
        if (stop.state == HACK_SESSION_BUDGET && budget > 1 && !hack_machine_breakpoint_at(m, m->pc)) {
            hack_session_stop rest = hack_session_run(d->session, budget - 1);
            rest.cycles += stop.cycles;
            stop = rest;
        }
    } else {
        stop = hack_session_run(d->session, budget);
    }
    if (stop.state == HACK_SESSION_BUDGET && stop.cycles && hack_machine_breakpoint_at(m, m->pc)) {
        stop.state = HACK_SESSION_DEBUG;
        stop.debug = HACK_DEBUG_STOP_BREAKPOINT;
    }
    return stop;
}

/* As run_once; with the heap check holding the watch map, the watched words are looked at after each
 * instruction instead (a change is told as a watchpoint stop at the instruction that made it). */
static hack_session_stop run_some(hack_debugger *d, uint64_t budget)
{
    if (!d->watch_by_step || !any_watch(d)) return run_once(d, budget);
    hack_machine *m = d->machine;
    hack_session_stop stop = {HACK_SESSION_BUDGET, 0, 0, false, HACK_STACK_OK, HACK_DEBUG_STOP_NONE};
    while (stop.cycles < budget) {
        uint16_t pc = m->pc;
        hack_session_stop one = run_once(d, 1);
        stop.cycles += one.cycles;
        if (one.state != HACK_SESSION_BUDGET) {
            one.cycles = stop.cycles;
            return one;
        }
        for (size_t i = 0; i < d->point_count; i++) {
            const debug_point *p = &d->points[i];
            if (p->watch && m->ram[p->address] != p->old) {
                m->watch_hit = (hack_watch_hit){pc, p->address, true};
                stop.state = HACK_SESSION_DEBUG;
                stop.debug = HACK_DEBUG_STOP_WATCHPOINT;
                return stop;
            }
        }
    }
    return stop;
}

static int as_signed(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

/* The program stopped for good: what happened, where. */
static void report_end(hack_debugger *d, hack_session_stop stop)
{
    hack_machine *m = d->machine;
    d->finished = true;
    d->last_state = stop.state;
    hack_session_finish(d->session); /* the rest of the printed line, the heap check's leaks */
    char text[300];
    switch (stop.state) {
    case HACK_SESSION_HALTED:
        if (stop.endless_loop) {
            describe_here(d, text, sizeof text);
            debug_say(d, "The program halted in %s, a loop that can no longer change anything.\n", text);
        } else {
            debug_say(d, "The program halted.\n");
        }
        break;
    case HACK_SESSION_SYS_ERROR: debug_show_here(d, "The program called Sys.error (reported above): stopped in "); break;
    case HACK_SESSION_HEAP_ERROR: debug_show_here(d, "Heap error (reported above): stopped in "); break;
    case HACK_SESSION_FAULT:
        hack_fault_describe(&m->fault, text, sizeof text);
        debug_say(d, "Machine error: %s\n", text);
        debug_show_here(d, "Stopped before it, in ");
        break;
    case HACK_SESSION_STACK_ERROR: {
        uint16_t sp = m->ram[0];
        if (stop.stack == HACK_STACK_OVERFLOW)
            debug_say(d, "Stack overflow: SP = %u, past the top of the stack (2047)\n", (unsigned)sp);
        else if (stop.stack == HACK_STACK_UNDERFLOW)
            debug_say(d, "Stack underflow: SP = %d, below the bottom of the stack (256)\n", as_signed(sp));
        else if (stop.stack == HACK_STACK_SP_OVERWRITTEN)
            debug_say(d, "The stack pointer was overwritten: SP = %d, far from the frame at LCL = %u\n", as_signed(sp),
                      (unsigned)m->ram[1]);
        else if (stop.stack == HACK_STACK_RESTART)
            debug_say(d, "The program jumped back to its start (ROM 0): a return through a corrupted frame\n");
        else
            debug_say(d, "A return found a corrupted frame (LCL = %u)\n", (unsigned)m->ram[1]);
        char stack[2000];
        hack_session_describe_stack(d->session, stack, sizeof stack);
        debug_say(d, "%s", stack);
        break;
    }
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME:
    case HACK_SESSION_DEBUG: break;
    }
}

/* A watchpoint stop: before is the word before the instruction ran; the watchpoints on it that now say so
 * (a change, or the value asked for). */
static bool report_watch(hack_debugger *d, const hack_watch_hit *hit, uint16_t before)
{
    bool told = false;
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        if (!p->watch || p->address != hit->address) continue;
        uint16_t now = d->machine->ram[p->address];
        p->old = now;
        if (now == before || (p->has_value && now != p->value)) continue;
        p->hits++;
        if (!told) debug_say(d, "\n");
        debug_say(d, "Watchpoint %d: %s\nOld value = %d\nNew value = %d\n", p->number, p->spec, as_signed(before),
                  as_signed(now));
        told = true;
    }
    if (told) debug_show_location(d, hit->pc, "");
    return told;
}

/* A stop of the driver during a run: true when the debugger stops there (reported), with *result. */
static bool handle_stop(hack_debugger *d, hack_session_stop stop, hack_debugger_stop *result)
{
    hack_machine *m = d->machine;
    switch (stop.state) {
    case HACK_SESSION_BUDGET: return false;
    case HACK_SESSION_DEBUG:
        if (stop.debug == HACK_DEBUG_STOP_BREAKPOINT) {
            debug_point *hit = NULL;
            for (size_t i = 0; i < d->point_count && !hit; i++)
                for (size_t k = 0; !d->points[i].watch && k < d->points[i].address_count; k++)
                    if (d->points[i].addresses[k] == m->pc) hit = &d->points[i];
            if (!hit) return false; /* a word of finish's own */
            if (hit->body && m->pc != hit->body) {
                /* a function's entry: through its prologue (its locals pushed) to its first statement */
                for (int i = 0; i < 1000000 && m->pc != hit->body; i++) {
                    hack_session_stop next = run_once(d, 1);
                    if (next.state != HACK_SESSION_BUDGET) return handle_stop(d, next, result);
                }
            }
            hit->hits++;
            char prefix[64];
            snprintf(prefix, sizeof prefix, "\n%s %d, ", hit->temporary ? "Temporary breakpoint" : "Breakpoint",
                     hit->number);
            if (hit->temporary) debug_point_remove(d, hit->number);
            debug_show_here(d, prefix);
            *result = HACK_DEBUGGER_STOPPED_BREAKPOINT;
            return true;
        }
        if (stop.debug == HACK_DEBUG_STOP_WATCHPOINT) {
            const hack_watch_hit hit = m->watch_hit;
            uint16_t before = m->ram[hit.address];
            if (hit.pc == m->pc) { /* the access has not run: run it, and look */
                hack_session_stop after = hack_session_run(d->session, 1);
                if (after.state != HACK_SESSION_BUDGET) return handle_stop(d, after, result);
            } else { /* looked at by step (run_some): it has run, and the value before is the one kept */
                for (size_t i = 0; i < d->point_count; i++)
                    if (d->points[i].watch && d->points[i].address == hit.address) before = d->points[i].old;
            }
            if (!report_watch(d, &hit, before)) return false;
            *result = HACK_DEBUGGER_STOPPED_WATCHPOINT;
            return true;
        }
        debug_show_here(d, "Heap check: stopped before the access reported above, in ");
        *result = HACK_DEBUGGER_STOPPED_HEAP_REPORT;
        return true;
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME:
        debug_show_here(d, "The program waits for a key (none is scripted), in ");
        *result = HACK_DEBUGGER_STOPPED_WAITING;
        return true;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_FAULT:
    case HACK_SESSION_STACK_ERROR:
        report_end(d, stop);
        *result = HACK_DEBUGGER_FINISHED;
        return true;
    }
    return false;
}

static bool not_running(hack_debugger *d)
{
    if (!d->finished) return false;
    debug_say(d, "The program is not running: `run` starts it again.\n");
    return true;
}

hack_debugger_stop debug_go(hack_debugger *d, uint64_t budget)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    d->selected_frame = 0;
    refresh_watches(d);
    uint64_t done = 0;
    hack_debugger_stop result;
    while (done < budget) {
        hack_session_stop stop = run_some(d, budget - done);
        done += stop.cycles;
        if (handle_stop(d, stop, &result)) return result;
    }
    debug_show_here(d, "");
    return HACK_DEBUGGER_STOPPED_STEP;
}

hack_debugger_stop hack_debugger_continue(hack_debugger *d)
{
    return debug_go(d, UINT64_MAX);
}

hack_session_state hack_debugger_last_state(const hack_debugger *d)
{
    return d->last_state;
}

/* Whether pc is where a step of this kind ends. */
static bool step_ends_at(const hack_debugger *d, char how, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    if (!l) return true; /* machine code: a step is an instruction */
    if (l->routine != HACK_ROUTINE_NONE || !l->command_start) return false;
    if (how == 'v') return true;
    return l->jack_line ? !d->prologue[pc] : l->line != 0; /* VM code without Jack steps by VM line */
}

hack_debugger_stop debug_step(hack_debugger *d, char how)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    d->selected_frame = 0;
    refresh_watches(d);
    hack_machine *m = d->machine;
    const hack_source_location *start = debug_location(d, m->pc);
    const uint16_t start_lcl = m->ram[1];
    const uint32_t start_line = start ? (start->jack_line ? start->jack_line : start->line) : 0;
    const uint16_t start_file = start ? (start->jack_line ? start->jack_file : start->file) : 0;
    hack_debugger_stop result;
    for (uint64_t n = 0; n < STEP_LIMIT; n++) {
        hack_session_stop stop = run_some(d, 1);
        if (handle_stop(d, stop, &result)) return result;
        if (how == 'i') break;
        uint16_t pc = m->pc;
        if (!step_ends_at(d, how, pc)) continue;
        if (how == 'v') break;
        const hack_source_location *l = debug_location(d, pc);
        if (!l) break;
        uint16_t lcl = m->ram[1];
        if (how == 'n' && lcl > start_lcl) continue; /* inside a call the line makes */
        uint32_t line = l->jack_line ? l->jack_line : l->line;
        uint16_t file = l->jack_line ? l->jack_file : l->file;
        if (lcl == start_lcl && line == start_line && file == start_file) continue;
        break;
    }
    debug_show_here(d, "");
    if (how == 'i' || how == 'v') {
        char text[40];
        hack_disassemble(m->rom[m->pc], text, sizeof text);
        debug_say(d, "=> ROM %u: %s\n", (unsigned)m->pc, text);
    }
    return HACK_DEBUGGER_STOPPED_STEP;
}

hack_debugger_stop debug_finish(hack_debugger *d)
{
    if (not_running(d)) return HACK_DEBUGGER_FINISHED;
    hack_machine *m = d->machine;
    debug_frame frames[2];
    const hack_source_location *here = debug_location(d, m->pc);
    if ((here && here->routine != HACK_ROUTINE_NONE) || debug_frames(d, frames, 2) < 2) {
        debug_say(d, "finish: the function has no caller to return to here (in the translator's call or return "
                     "code, or the outermost function): `step` first\n");
        return HACK_DEBUGGER_STOPPED_STEP;
    }
    d->selected_frame = 0;
    refresh_watches(d);
    char where[200];
    describe_here(d, where, sizeof where);
    debug_say(d, "Run till exit from %s\n", where);
    const uint16_t start_lcl = m->ram[1], back = (uint16_t)(frames[1].pc + 1);
    const bool user_break = hack_machine_breakpoint_at(m, back);
    hack_machine_set_breakpoint(m, back, true); /* the return address: a recursion's inner returns pass it */
    hack_debugger_stop result = HACK_DEBUGGER_STOPPED_STEP;
    for (;;) {
        hack_session_stop stop = run_some(d, UINT64_MAX);
        if (stop.state == HACK_SESSION_DEBUG && stop.debug == HACK_DEBUG_STOP_BREAKPOINT && m->pc == back &&
            m->ram[1] < start_lcl) {
            debug_show_here(d, "");
            debug_say(d, "Value returned: %d\n", as_signed(m->ram[(uint16_t)(m->ram[0] - 1u)]));
            break;
        }
        if (handle_stop(d, stop, &result)) break;
    }
    if (!user_break) hack_machine_set_breakpoint(m, back, false);
    return result;
}

void debug_reset(hack_debugger *d)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_session_reload(d->session, &diags); /* the same program: it loaded before */
    hack_diag_list_free(&diags);
    if (d->options.after_reset) d->options.after_reset(d->options.reset_context, d->machine);
    for (size_t i = 0; i < d->point_count; i++)
        for (size_t k = 0; !d->points[i].watch && k < d->points[i].address_count; k++)
            hack_machine_set_breakpoint(d->machine, d->points[i].addresses[k], true);
    d->watch_by_step = !hack_session_set_watchpoints(d->session, any_watch(d) ? d->watch_map : NULL);
    d->finished = false;
    d->last_state = HACK_SESSION_BUDGET;
    d->selected_frame = 0;
}

hack_session_stop hack_debugger_run(hack_debugger *d, uint64_t budget, bool *stopped)
{
    *stopped = false;
    if (d->finished) return (hack_session_stop){.state = d->last_state};
    d->selected_frame = 0;
    refresh_watches(d);
    hack_session_stop stop = run_some(d, budget);
    hack_debugger_stop result;
    switch (stop.state) {
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: break;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_FAULT:
    case HACK_SESSION_STACK_ERROR:
        d->finished = true;
        d->last_state = stop.state;
        break;
    case HACK_SESSION_DEBUG: *stopped = handle_stop(d, stop, &result); break;
    }
    return stop;
}

bool hack_debugger_finished(const hack_debugger *d)
{
    return d->finished;
}
