/* The debugger's breakpoints and watchpoints: specs resolved to ROM words and RAM words, set on the machine
 * and the session's watch map, their conditions, ignore counts and enabling, and the commands that list and
 * change them. */
#include "debugger_internal.h"

#include "hack/backtrace.h"
#include "hack/path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether another point than except stops the run at ROM word address. */
static bool stopped_at_by_other(const hack_debugger *d, const debug_point *except, uint16_t address)
{
    for (size_t j = 0; j < d->point_count; j++)
        for (size_t m = 0; &d->points[j] != except && m < d->points[j].address_count; m++)
            if (d->points[j].addresses[m] == address) return true;
    return false;
}

bool debug_point_remove(hack_debugger *d, int number)
{
    for (size_t i = 0; i < d->point_count; i++) {
        debug_point *p = &d->points[i];
        if (p->number != number) continue;
        if (p->watch && !p->reg) d->watch_map[p->address]--;
        for (size_t k = 0; k < p->address_count; k++) /* another point on the same word keeps it */
            if (!stopped_at_by_other(d, p, p->addresses[k])) hack_machine_set_breakpoint(d->machine, p->addresses[k], false);
        free(p->spec);
        free(p->condition);
        free(p->addresses);
        memmove(p, p + 1, (d->point_count - i - 1) * sizeof *p);
        d->point_count--;
        debug_update_watch_map(d);
        return true;
    }
    return false;
}

debug_point *debug_point_find(hack_debugger *d, int number)
{
    for (size_t i = 0; i < d->point_count; i++)
        if (d->points[i].number == number) return &d->points[i];
    return NULL;
}

static debug_point *new_point(hack_debugger *d, const char *spec, size_t spec_length)
{
    debug_point *grown = realloc(d->points, (d->point_count + 1) * sizeof *grown);
    if (!grown) return NULL;
    d->points = grown;
    debug_point *p = &grown[d->point_count];
    memset(p, 0, sizeof *p);
    p->spec = malloc(spec_length + 1);
    if (!p->spec) return NULL;
    memcpy(p->spec, spec, spec_length);
    p->spec[spec_length] = '\0';
    p->number = d->next_number++;
    p->enabled = true;
    p->access = 'w';
    d->point_count++;
    return p;
}

/* The spec without " if CONDITION" (*length), and the condition (NULL: none). */
static const char *split_condition(const char *spec, size_t *length)
{
    const char *at = NULL;
    for (const char *p = strstr(spec, " if "); p; p = strstr(p + 1, " if ")) at = p;
    if (!at && strncmp(spec, "if ", 3) == 0) at = spec - 1;
    *length = at ? (size_t)(at - spec > 0 ? at - spec : 0) : strlen(spec);
    while (*length && spec[*length - 1] == ' ') --*length;
    if (!at) return NULL;
    const char *condition = at + 4;
    while (*condition == ' ') condition++;
    return condition;
}

/* Sets p's condition (NULL or "": none); false with why when it does not evaluate here. */
static bool set_condition(hack_debugger *d, debug_point *p, const char *condition, char *why, size_t size)
{
    char *copy = NULL;
    if (condition && *condition) {
        if (!debug_check_syntax(d, condition, why, size)) return false;
        copy = malloc(strlen(condition) + 1);
        if (!copy) {
            snprintf(why, size, "out of memory");
            return false;
        }
        strcpy(copy, condition);
    }
    free(p->condition);
    p->condition = copy;
    return true;
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
 * check, the window's heap map, a big frame's check) changes nothing: every front end stops at the same line. */
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

bool debug_resolve_location(hack_debugger *d, const char *spec, uint16_t **list, size_t *count, uint16_t *body,
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
    if (colon && d->asm_path && strncmp(spec, debug_source_name(d, d->asm_file), (size_t)(colon - spec)) == 0 &&
        strlen(debug_source_name(d, d->asm_file)) == (size_t)(colon - spec)) { /* Prog.asm:LINE */
        char *end;
        unsigned long line = strtoul(colon + 1, &end, 10);
        for (unsigned long l = line; end != colon + 1 && !*end && l < line + 10 && *count == 0; l++) /* a label, a comment: the next instruction */
            for (uint32_t w = 0; w < p->count; w++)
                if (p->asm_lines[w] == l) return add_address(list, count, (uint16_t)w);
        snprintf(why, size, end == colon + 1 || *end ? "expected Prog.asm:LINE" : "no instruction at or just after that line");
        return false;
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
    size_t spec_length;
    const char *condition = split_condition(spec, &spec_length);
    char location[300], why[300];
    snprintf(location, sizeof location, "%.*s", (int)spec_length, spec);
    uint16_t *list = NULL;
    size_t count = 0;
    uint16_t body;
    if (!*location) return fail(diags, origin, spec, "expected a place before `if`");
    if (!debug_resolve_location(d, location, &list, &count, &body, why, sizeof why)) {
        free(list);
        return fail(diags, origin, location, why);
    }
    debug_point *p = new_point(d, location, strlen(location));
    if (!p) {
        free(list);
        return fail(diags, origin, spec, "out of memory");
    }
    p->addresses = list;
    p->address_count = count;
    p->body = body;
    if (!set_condition(d, p, condition, why, sizeof why)) {
        debug_point_remove(d, p->number);
        d->next_number--;
        return fail(diags, origin, condition, why);
    }
    for (size_t i = 0; i < count; i++)
        if (!hack_machine_set_breakpoint(d->machine, list[i], true)) return fail(diags, origin, spec, "out of memory");
    char where[100];
    uint16_t shown = body ? body : list[0];
    debug_describe(d, shown, where, sizeof where);
    const hack_symbol *f = hack_program_function_at(d->program, shown);
    bool native = count == 1 && f && f->value == shown && hack_machine_replaced(d->machine, shown);
    snprintf(p->where, sizeof p->where, "ROM %u%s: %s%s", (unsigned)shown, count > 1 ? " and more" : "", where,
             native ? ", its entry: it runs natively (its Jack body does not run)" : "");
    return p->number;
}

/* A register of a watchpoint on A, D or PC (0: not one). */
static char register_named(const char *text)
{
    while (*text == ' ') text++;
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ') n--;
    if (n == 1 && (text[0] == 'A' || text[0] == 'D')) return text[0];
    if (n == 2 && strncmp(text, "PC", 2) == 0) return 'P';
    return 0;
}

uint16_t debug_register_value(const hack_debugger *d, char reg)
{
    const hack_machine *m = d->machine;
    return reg == 'A' ? hack_machine_a(m) : reg == 'D' ? hack_machine_d(m) : hack_machine_pc(m);
}

/* A watch on a word of the selected frame ends with the frame: it stops at the frame's return address. */
static void scope_to_frame(hack_debugger *d, debug_point *p)
{
    const debug_frame f = debug_selected(d);
    uint16_t back = f.lcl >= 261 && f.lcl < HACK_SCREEN ? hack_machine_ram(d->machine, f.lcl - 5) : 0;
    if (!debug_is_return_address(d, back)) return; /* the outermost frame: it never returns */
    uint16_t *address = malloc(sizeof *address);
    if (!address) return;
    *address = back;
    p->addresses = address;
    p->address_count = 1;
    p->scoped = true;
    p->scope_lcl = f.lcl;
    hack_machine_set_breakpoint(d->machine, back, true);
}

int hack_debugger_add_watch(hack_debugger *d, const char *spec, hack_debugger_watch_kind kind, const char *origin,
                            hack_diag_list *diags)
{
    size_t spec_length;
    const char *condition = split_condition(spec, &spec_length);
    char expression[300], why[300];
    snprintf(expression, sizeof expression, "%.*s", (int)spec_length, spec);
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
    char reg = register_named(expression);
    debug_value v = {0};
    if (!reg && !debug_evaluate(d, expression, &v, why, sizeof why)) return fail(diags, origin, spec, why);
    if (!reg && !v.has_address) return fail(diags, origin, spec, "not a word of RAM");
    if (reg && kind != HACK_DEBUGGER_WATCH_CHANGE) return fail(diags, origin, spec, "a register is watched for its changes only");
    if (equals) { /* "Main.count == 3" however it was spaced */
        while (equals > expression && equals[-1] == ' ') equals--;
        snprintf(equals, sizeof expression - (size_t)(equals - expression), " == %ld", value);
    }
    debug_point *p = new_point(d, expression, strlen(expression));
    if (!p) return fail(diags, origin, spec, "out of memory");
    p->watch = true;
    p->access = kind == HACK_DEBUGGER_WATCH_READ ? 'r' : kind == HACK_DEBUGGER_WATCH_ACCESS ? 'a' : 'w';
    p->reg = reg;
    p->address = v.address;
    p->has_value = equals != NULL;
    p->value = (uint16_t)value;
    p->old = reg ? debug_register_value(d, reg) : hack_machine_ram(d->machine, v.address);
    if (!set_condition(d, p, condition, why, sizeof why)) {
        p->watch = false; /* not in the watch map yet */
        debug_point_remove(d, p->number);
        d->next_number--;
        return fail(diags, origin, condition, why);
    }
    if (reg) {
        snprintf(p->where, sizeof p->where, "%s, looked at after each instruction", reg == 'P' ? "PC" : reg == 'A' ? "A" : "D");
    } else {
        snprintf(p->where, sizeof p->where, "RAM[%u]", (unsigned)v.address);
        d->watch_map[v.address]++;
        if (v.frame_word) scope_to_frame(d, p);
    }
    debug_update_watch_map(d);
    return p->number;
}

int hack_debugger_add_watchpoint(hack_debugger *d, const char *spec, const char *origin, hack_diag_list *diags)
{
    return hack_debugger_add_watch(d, spec, HACK_DEBUGGER_WATCH_CHANGE, origin, diags);
}

bool debug_point_passes(hack_debugger *d, debug_point *p)
{
    if (!p->enabled) return false;
    if (p->condition) {
        debug_value v;
        char why[300];
        if (!debug_evaluate(d, p->condition, &v, why, sizeof why)) { /* it stops, to say so */
            debug_say(d, "Error in the condition of %d (%s): %s\n", p->number, p->condition, why);
        } else if (!v.value) {
            return false;
        }
    }
    p->hits++;
    if (p->ignore_count) {
        p->ignore_count--;
        return false;
    }
    if (p->once) p->enabled = p->once = false;
    return true;
}

const char *debug_point_kind(const debug_point *p)
{
    if (!p->watch) return p->temporary ? "Temporary breakpoint" : "Breakpoint";
    return p->access == 'r' ? "Read watchpoint" : p->access == 'a' ? "Access watchpoint" : "Watchpoint";
}

static const char *type_column(const debug_point *p)
{
    if (!p->watch) return p->temporary ? "tbreakpoint" : "breakpoint";
    return p->access == 'r' ? "rwatchpoint" : p->access == 'a' ? "awatchpoint" : "watchpoint";
}

void debug_breakpoints_command(hack_debugger *d)
{
    if (!d->point_count) {
        debug_say(d, "No breakpoints or watchpoints.\n");
        return;
    }
    debug_say(d, "Num  Type        Enb Hits  What\n");
    for (size_t i = 0; i < d->point_count; i++) {
        const debug_point *p = &d->points[i];
        debug_say(d, "%-4d %-11s %-3s %4u  %s -> %s\n", p->number, type_column(p), p->enabled ? "y" : "n", p->hits,
                  p->spec, p->where);
        if (p->condition) debug_say(d, "        stop only if %s\n", p->condition);
        if (p->ignore_count) debug_say(d, "        the next %u crossings are ignored\n", p->ignore_count);
        if (p->once) debug_say(d, "        disabled when it next stops the run\n");
        if (p->scoped) debug_say(d, "        deleted when the frame at LCL = %u returns\n", (unsigned)p->scope_lcl);
    }
}

void debug_report_added(hack_debugger *d, int number, bool watch, hack_diag_list *diags)
{
    if (!number) {
        const hack_diag *e = diags->count ? &diags->items[0] : NULL;
        debug_say(d, "%s\n", e ? e->message : "cannot set it");
        return;
    }
    const debug_point *p = &d->points[d->point_count - 1];
    if (watch && strcmp(p->spec, p->where) == 0)
        debug_say(d, "%s %d: %s\n", debug_point_kind(p), number, p->spec);
    else if (watch)
        debug_say(d, "%s %d: %s (%s)\n", debug_point_kind(p), number, p->spec, p->where);
    else
        debug_say(d, "%s %d at %s\n", debug_point_kind(p), number, p->where);
}

/* The numbers a command names ("1 3 5", "2-4"), each passed to fn; none: every point (when all is set). */
static void for_each_number(hack_debugger *d, const char *command, const char *args, bool all,
                            void (*fn)(hack_debugger *d, debug_point *p))
{
    if (!*args) {
        if (!all) {
            debug_say(d, "%s: expected breakpoint numbers\n", command);
            return;
        }
        for (size_t i = 0; i < d->point_count; i++) fn(d, &d->points[i]);
        if (!d->point_count) debug_say(d, "No breakpoints or watchpoints.\n"); /* (every command answers) */
        return;
    }
    for (const char *at = args; *at;) {
        char *end;
        long first = strtol(at, &end, 10), last = first;
        if (end != at && *end == '-') last = strtol(end + 1, &end, 10);
        if (end == at || (*end && *end != ' ') || first <= 0 || last < first || last - first > 10000) {
            debug_say(d, "%s: expected breakpoint numbers (N, N-M), not '%s'\n", command, at);
            return;
        }
        for (long n = first; n <= last; n++) {
            debug_point *p = debug_point_find(d, (int)n);
            if (p) fn(d, p);
            else debug_say(d, "%s: no breakpoint or watchpoint %ld\n", command, n);
        }
        at = end;
        while (*at == ' ') at++;
    }
}

/* (each says what it did: a command always answers, so a script or a pipe sees it was taken) */
static void enable_point(hack_debugger *d, debug_point *p)
{
    p->enabled = true;
    debug_say(d, "%s %d enabled.\n", p->watch ? "Watchpoint" : "Breakpoint", p->number);
}

static void disable_point(hack_debugger *d, debug_point *p)
{
    p->enabled = false;
    debug_say(d, "%s %d disabled.\n", p->watch ? "Watchpoint" : "Breakpoint", p->number);
}

static void enable_once(hack_debugger *d, debug_point *p)
{
    p->enabled = true;
    p->once = true;
    debug_say(d, "%s %d enabled once.\n", p->watch ? "Watchpoint" : "Breakpoint", p->number);
}

static void delete_point(hack_debugger *d, debug_point *p)
{
    const int number = p->number;
    debug_point_remove(d, number);
    debug_say(d, "Deleted %d.\n", number);
}

void debug_delete_command(hack_debugger *d, const char *args)
{
    if (!*args) {
        while (d->point_count) debug_point_remove(d, d->points[0].number);
        debug_say(d, "Deleted every breakpoint and watchpoint.\n");
        return;
    }
    for_each_number(d, "delete", args, false, delete_point);
}

void debug_enable_command(hack_debugger *d, const char *args, bool enable)
{
    if (strncmp(args, "once ", 5) == 0 && enable) {
        for_each_number(d, "enable once", args + 5, false, enable_once);
        return;
    }
    for_each_number(d, enable ? "enable" : "disable", args, true, enable ? enable_point : disable_point);
}

/* condition N [EXPR]: the point stops only when EXPR is not 0 (no EXPR: always). */
void debug_condition_command(hack_debugger *d, const char *args)
{
    char *end;
    long n = strtol(args, &end, 10);
    debug_point *p = end != args ? debug_point_find(d, (int)n) : NULL;
    if (!p) {
        debug_say(d, "condition: expected a breakpoint number, then the condition (none: it always stops)\n");
        return;
    }
    while (*end == ' ') end++;
    char why[300];
    if (!set_condition(d, p, end, why, sizeof why))
        debug_say(d, "condition: %s (the condition of %d is unchanged)\n", why, p->number);
    else if (!*end)
        debug_say(d, "Breakpoint %d now unconditional.\n", p->number);
    else
        debug_say(d, "%s %d stops only if %s.\n", debug_point_kind(p), p->number, p->condition);
}

/* ignore N COUNT: the next COUNT crossings of N go on. */
void debug_ignore_command(hack_debugger *d, const char *args)
{
    char *end;
    long n = strtol(args, &end, 10);
    debug_point *p = end != args ? debug_point_find(d, (int)n) : NULL;
    char *count_end;
    long count = p ? strtol(end, &count_end, 10) : -1;
    if (!p || count_end == end || *count_end || count < 0) {
        debug_say(d, "ignore: expected a breakpoint number and a count\n");
        return;
    }
    p->ignore_count = (unsigned)count;
    if (count == 0)
        debug_say(d, "Will stop next time %d is reached.\n", p->number);
    else
        debug_say(d, "Will ignore the next %ld crossing%s of %d.\n", count, count == 1 ? "" : "s", p->number);
}
