/* A Jack class's variable table (jack_variables.h), from its parse tree: the same numbering as the code
 * generator's (statics and fields in declaration order, a method's `this` as argument 0, locals in order). */
#include "hack/jack_variables.h"

#include "jack_internal.h"

#include <stdlib.h>
#include <string.h>

static char *copy(const char *text)
{
    size_t n = strlen(text ? text : "");
    char *out = malloc(n + 1);
    if (out) memcpy(out, text ? text : "", n + 1);
    return out;
}

static bool add(hack_jack_variable **list, size_t *count, const char *name, const char *type,
                hack_jack_variable_kind kind, uint16_t index)
{
    hack_jack_variable *grown = realloc(*list, (*count + 1) * sizeof *grown);
    if (!grown) return false;
    *list = grown;
    hack_jack_variable *v = &grown[*count];
    v->name = copy(name);
    v->type = copy(type);
    v->kind = kind;
    v->index = index;
    ++*count;
    return v->name && v->type;
}

/* Adds each name of the declarations, numbered from *next on. */
static bool add_declarations(hack_jack_variable **list, size_t *count, const ptr_list *declarations,
                             keyword only, hack_jack_variable_kind kind, uint16_t *next)
{
    for (size_t i = 0; i < declarations->count; i++) {
        const declaration *d = declarations->items[i];
        if (only != KW_COUNT && d->kind != only) continue;
        for (size_t j = 0; j < d->names.count; j++)
            if (!add(list, count, d->names.items[j], d->type, kind, (*next)++)) return false;
    }
    return true;
}

bool hack_jack_class_variables_read(const hack_source *source, hack_jack_class_variables *out,
                                    hack_diag_list *diags)
{
    memset(out, 0, sizeof *out);
    arena a = {0};
    const class_node *c = jack_parse(&a, source, diags);
    bool ok = c && c->name && !a.failed;
    uint16_t statics = 0, fields = 0;
    if (ok) {
        out->name = copy(c->name);
        ok = out->name && add_declarations(&out->variables, &out->count, &c->fields, KW_STATIC, HACK_JACK_STATIC, &statics) &&
             add_declarations(&out->variables, &out->count, &c->fields, KW_FIELD, HACK_JACK_FIELD, &fields);
    }
    if (ok && c->subroutines.count) {
        out->subroutines = calloc(c->subroutines.count, sizeof *out->subroutines);
        ok = out->subroutines != NULL;
    }
    for (size_t i = 0; ok && i < c->subroutines.count; i++) {
        const subroutine *s = c->subroutines.items[i];
        hack_jack_subroutine_variables *v = &out->subroutines[out->subroutine_count++];
        v->name = copy(s->name);
        v->kind = s->kind == KW_METHOD ? HACK_JACK_METHOD : s->kind == KW_CONSTRUCTOR ? HACK_JACK_CONSTRUCTOR
                                                                                    : HACK_JACK_FUNCTION;
        v->line = (uint32_t)s->at.line;
        uint16_t arguments = 0, locals = 0;
        ok = v->name != NULL;
        if (ok && s->kind == KW_METHOD) ok = add(&v->variables, &v->count, "this", c->name, HACK_JACK_ARGUMENT, arguments++);
        ok = ok && add_declarations(&v->variables, &v->count, &s->parameters, KW_COUNT, HACK_JACK_ARGUMENT, &arguments) &&
             add_declarations(&v->variables, &v->count, &s->locals, KW_COUNT, HACK_JACK_LOCAL, &locals);
    }
    arena_free(&a);
    if (!ok) hack_jack_class_variables_free(out);
    return ok;
}

static void free_list(hack_jack_variable *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].name);
        free(list[i].type);
    }
    free(list);
}

void hack_jack_class_variables_free(hack_jack_class_variables *variables)
{
    free(variables->name);
    free_list(variables->variables, variables->count);
    for (size_t i = 0; i < variables->subroutine_count; i++) {
        free(variables->subroutines[i].name);
        free_list(variables->subroutines[i].variables, variables->subroutines[i].count);
    }
    free(variables->subroutines);
    memset(variables, 0, sizeof *variables);
}
