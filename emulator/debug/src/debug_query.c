/* The engine for front ends that ask for data rather than text (the editor's Debug Adapter Protocol server):
 * the call stack as records, the variables of a frame's scopes and of an object, expressions, breakpoints by
 * number and where a step would end. */
#include "debugger_internal.h"

#include <stdio.h>
#include <string.h>

/* A frame with what names its variables. */
typedef struct {
    hack_debugger_frame frame;
    const hack_symbol *function;
    uint16_t lcl, arg, this_address;
} query_frame;

/* What a walk of the stack collects: the frames first..first+max-1, or the one frame `first` (max 1). */
typedef struct {
    size_t first, max, count;
    hack_debugger_frame *list; /* may be NULL */
    query_frame *one;          /* may be NULL: frame `first` with its segment registers */
} frame_visit;

static hack_debugger_place place_of(const hack_debugger *d, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    if (l && l->jack_line && l->jack_file < d->program->source_file_count)
        return (hack_debugger_place){l->jack_file, l->jack_line};
    if (l && l->line && l->file < d->program->source_file_count) return (hack_debugger_place){l->file, l->line};
    return (hack_debugger_place){-1, pc};
}

static void visit(const hack_debugger *d, frame_visit *v, uint16_t pc, uint16_t lcl, uint16_t arg,
                  uint16_t this_address, bool in_flux)
{
    size_t index = v->count++;
    if (index < v->first || index - v->first >= v->max) return;
    const hack_symbol *function = hack_program_function_at(d->program, pc);
    query_frame f = {{pc, function ? function->name : NULL, place_of(d, pc), in_flux}, function, lcl, arg, this_address};
    if (v->list) v->list[index - v->first] = f.frame;
    if (v->one) *v->one = f;
}

/* The frames as the engine's commands see them (debug_stack.c's walk of the LCL chain, with the translator's
 * shared routines told apart) */
static void walk(const hack_debugger *d, frame_visit *v)
{
    debug_frame_walk w;
    debug_walk_start(d, &w);
    debug_frame f;
    while (debug_walk_next(d, &w, &f)) visit(d, v, f.pc, f.lcl, f.arg, f.this_address, f.in_flux);
}

size_t hack_debugger_frames(hack_debugger *d, size_t first, hack_debugger_frame *frames, size_t max, size_t *total)
{
    frame_visit v = {first, max, 0, frames, NULL};
    walk(d, &v);
    if (total) *total = v.count;
    return v.count <= first ? 0 : v.count - first < max ? v.count - first : max;
}

/* Frame `index` with its segment registers; false when there is none, or it is in flux. */
static bool frame_at(const hack_debugger *d, size_t index, query_frame *out)
{
    frame_visit v = {index, 1, 0, NULL, out};
    walk(d, &v);
    return v.count > index && !out->frame.in_flux;
}

bool hack_debugger_select_frame(hack_debugger *d, size_t frame)
{
    query_frame f;
    d->selected_frame = 0;
    if (!frame_at(d, frame, &f)) return false;
    /* the commands name the frames of the engine's walk (the same ones outside the shared routines) */
    debug_frame_walk walk;
    debug_walk_start(d, &walk);
    debug_frame at;
    for (int i = 0; debug_walk_next(d, &walk, &at); i++)
        if (at.pc == f.frame.pc && at.lcl == f.lcl && at.arg == f.arg) {
            d->selected_frame = i;
            return true;
        }
    return false;
}

static size_t add_variable(size_t count, hack_debugger_variable *out, size_t max, const hack_jack_variable *v,
                           uint32_t address, const hack_machine *m)
{
    if (address >= HACK_RAM_SIZE) return count;
    if (count < max)
        out[count] = (hack_debugger_variable){v->name, v->type, true, (uint16_t)address,
                                              hack_machine_ram(m, (uint16_t)address)};
    return count + 1;
}

/* The fields of class c in the object at object. */
static size_t fields_of(const hack_debugger *d, const hack_jack_class_variables *c, uint16_t object,
                        hack_debugger_variable *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; c && object && i < c->count; i++)
        if (c->variables[i].kind == HACK_JACK_FIELD)
            count =
                add_variable(count, out, max, &c->variables[i], (uint32_t)object + c->variables[i].index, d->machine);
    return count;
}

size_t hack_debugger_variables(hack_debugger *d, size_t frame, hack_debugger_scope scope, hack_debugger_variable *out,
                               size_t max)
{
    query_frame f;
    if (!frame_at(d, frame, &f)) return 0;
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f.function, &c);
    const hack_machine *m = d->machine;
    size_t count = 0;
    switch (scope) {
    case HACK_DEBUGGER_ARGUMENTS:
    case HACK_DEBUGGER_LOCALS: {
        hack_jack_variable_kind kind = scope == HACK_DEBUGGER_ARGUMENTS ? HACK_JACK_ARGUMENT : HACK_JACK_LOCAL;
        uint16_t base = kind == HACK_JACK_ARGUMENT ? f.arg : f.lcl;
        for (size_t i = 0; sub && i < sub->count; i++)
            if (sub->variables[i].kind == kind)
                count = add_variable(count, out, max, &sub->variables[i], (uint32_t)base + sub->variables[i].index, m);
        return count;
    }
    case HACK_DEBUGGER_FIELDS:
        if (!sub || sub->kind == HACK_JACK_FUNCTION) return 0;
        return fields_of(d, c, hack_machine_ram(m, f.this_address), out, max);
    case HACK_DEBUGGER_STATICS:
        for (size_t i = 0; c && i < c->count; i++) {
            const hack_jack_variable *v = &c->variables[i];
            if (v->kind != HACK_JACK_STATIC) continue;
            /* a static is the program's symbol Class.index (none when no code uses it) */
            char symbol[300];
            snprintf(symbol, sizeof symbol, "%s.%u", c->name, (unsigned)v->index);
            const hack_symbol *s = hack_symtab_find(&d->program->symbols, symbol, strlen(symbol));
            if (s) count = add_variable(count, out, max, v, s->value, m);
        }
        return count;
    }
    return 0;
}

size_t hack_debugger_fields(hack_debugger *d, const char *type, uint16_t object, hack_debugger_variable *out, size_t max)
{
    const hack_jack_class_variables *c = type ? debug_class(d, type, strlen(type)) : NULL;
    return fields_of(d, c, object, out, max);
}

bool hack_debugger_evaluate(hack_debugger *d, const char *expression, hack_debugger_variable *out, char *error,
                            size_t size)
{
    debug_value v;
    if (!debug_evaluate(d, expression, &v, error, size)) return false;
    *out = (hack_debugger_variable){NULL, v.type, v.has_address, v.address, v.value};
    return true;
}

bool hack_debugger_remove_point(hack_debugger *d, int number)
{
    return debug_point_remove(d, number);
}

bool hack_debugger_breakpoint_place(hack_debugger *d, int number, hack_debugger_place *place)
{
    for (size_t i = 0; i < d->point_count; i++) {
        const debug_point *p = &d->points[i];
        if (p->number != number || p->watch || !p->address_count) continue;
        *place = place_of(d, p->body ? p->body : p->addresses[0]);
        return true;
    }
    return false;
}

size_t hack_debugger_breakpoints_here(const hack_debugger *d, int *numbers, size_t max)
{
    const uint16_t pc = hack_machine_pc(d->machine);
    size_t count = 0;
    for (size_t i = 0; i < d->point_count; i++) {
        const debug_point *p = &d->points[i];
        bool here = !p->watch && p->body && p->body == pc;
        for (size_t k = 0; !p->watch && !here && k < p->address_count; k++)
            here = p->addresses[k] == pc && !p->body; /* a function's: at its first statement, not its entry */
        if (!here) continue;
        if (count < max) numbers[count] = p->number;
        count++;
    }
    return count;
}

bool hack_debugger_statement_at(const hack_debugger *d, uint16_t pc)
{
    const hack_source_location *l = debug_location(d, pc);
    if (!l) return true;
    if (l->routine != HACK_ROUTINE_NONE || !l->command_start) return false;
    return l->jack_line ? !(d->prologue && d->prologue[pc]) : l->line != 0;
}
