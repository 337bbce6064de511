/* The debugger's breakpoints and watchpoints: specs resolved to ROM words and RAM words, set on the machine
 * and the session's watch map, and listed. */
#include "debugger_internal.h"

#include "hack/backtrace.h"
#include "hack/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * hook: its Jack body never runs) or has no Jack. */
static uint16_t function_stop(const hack_debugger *d, const hack_symbol *f)
{
    if (hack_machine_hooked(d->machine, f->value)) return f->value;
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
    debug_describe(d, shown, where, sizeof where);
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
    debug_update_watch_map(d);
    return p->number;
}

void debug_breakpoints_command(hack_debugger *d)
{
    if (!d->point_count) {
        debug_say(d, "No breakpoints or watchpoints.\n");
        return;
    }
    debug_say(d, "Num  Type        Hits  What\n");
    for (size_t i = 0; i < d->point_count; i++) {
        const debug_point *p = &d->points[i];
        debug_say(d, "%-4d %-11s %4u  %s -> %s\n", p->number, p->watch ? "watchpoint" : p->temporary ? "tbreakpoint" : "breakpoint",
                  p->hits, p->spec, p->where);
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
        debug_say(d, "Watchpoint %d: %s\n", number, p->spec);
    else if (watch)
        debug_say(d, "Watchpoint %d: %s (%s)\n", number, p->spec, p->where);
    else
        debug_say(d, "%s %d at %s\n", p->temporary ? "Temporary breakpoint" : "Breakpoint", number, p->where);
}
