/* Semantic checks and VM code generation, in one walk over each class's tree. The whole folder's classes are
 * parsed first, so calls between them (and to the OS) are checked for existence, kind and argument count
 * (what is known of the program's classes is in jack_check.c). */
#define _POSIX_C_SOURCE 200809L
#include "jack_internal.h"

#include "hack/isa.h"
#include "hack/path.h"
#include "hack/strbuf.h"
#include "hack/suggest.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hack_jack_sources_read(hack_jack_sources *sources, const char *path, hack_diag_list *diags)
{
    return hack_sources_read(sources, path, ".jack", diags);
}

void hack_jack_outputs_free(hack_jack_outputs *outputs)
{
    for (size_t i = 0; i < outputs->count; i++) {
        free(outputs->items[i].class_name);
        free(outputs->items[i].vm);
        free(outputs->items[i].positions);
    }
    free(outputs->items);
    outputs->items = NULL;
    outputs->count = 0;
}

/* ---- scopes ---- */

typedef enum { VAR_STATIC, VAR_FIELD, VAR_ARGUMENT, VAR_LOCAL } variable_kind;

typedef struct {
    const char *name, *type;
    variable_kind kind;
    int index;
    position at;
} variable;

typedef struct {
    variable *items; /* grows: a class or subroutine may declare any number */
    int count, capacity;
} scope;

static const char *const segment_names[] = {"static", "this", "argument", "local"};

/* ---- the generator ---- */

typedef struct {
    const folder *f;
    const class_node *c;
    const subroutine *s;
    hack_diag_list *diags;
    int errors;
    scope class_scope, sub_scope;
    int label_counter;
    hack_strbuf vm;
    hack_strbuf hint; /* " (did you mean ...?)" for a message */
    bool failed; /* out of memory */
    position at; /* where the VM commands now written come from */
    hack_source_position *positions; /* per VM line written */
    size_t position_count, position_capacity;
} compiler;

/* One line of VM code, of any length (names come from the source). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void out(compiler *cc, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    bool ok = hack_strbuf_appendv(&cc->vm, format, args) && hack_strbuf_append_char(&cc->vm, '\n');
    va_end(args);
    if (ok && cc->position_count == cc->position_capacity) {
        size_t capacity = cc->position_capacity ? cc->position_capacity * 2 : 256;
        hack_source_position *grown = realloc(cc->positions, capacity * sizeof *grown);
        if (grown) {
            cc->positions = grown;
            cc->position_capacity = capacity;
        } else {
            ok = false;
        }
    }
    if (!ok) {
        cc->failed = true;
        return;
    }
    cc->positions[cc->position_count++] = (hack_source_position){(uint32_t)(cc->at.line > 0 ? cc->at.line : 0),
                                                                 (uint32_t)(cc->at.column > 0 ? cc->at.column : 0)};
}

/* Sets where the next VM commands come from; returns the place before, to put back. */
static position place(compiler *cc, position at)
{
    position before = cc->at;
    cc->at = at;
    return before;
}

static size_t line_length_at(const compiler *cc, const char *line_start)
{
    const char *end = cc->c->source->text + cc->c->source->length;
    const char *newline = memchr(line_start, '\n', (size_t)(end - line_start));
    return (size_t)((newline ? newline : end) - line_start);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void report(compiler *cc, hack_diag_severity severity, position at, const char *format, ...)
{
    if (severity == HACK_DIAG_ERROR) cc->errors++;
    va_list args;
    va_start(args, format);
    hack_diag_addv(cc->diags, severity, cc->c->source->path, at.line, at.column, at.line_start,
                   at.line_start ? line_length_at(cc, at.line_start) : 0, format, args);
    va_end(args);
}

/* The name's latest declaration in the scope (a name declared again is the new one from there on). */
static const variable *lookup_in(const scope *sc, const char *name)
{
    for (int i = sc->count - 1; i >= 0; i--)
        if (strcmp(sc->items[i].name, name) == 0) return &sc->items[i];
    return NULL;
}

static const variable *lookup(const compiler *cc, const char *name)
{
    const variable *v = lookup_in(&cc->sub_scope, name);
    return v ? v : lookup_in(&cc->class_scope, name);
}

static void add_variable(compiler *cc, scope *sc, variable v)
{
    if (sc->count == sc->capacity) {
        int capacity = sc->capacity ? sc->capacity * 2 : 64;
        variable *grown = realloc(sc->items, (size_t)capacity * sizeof *grown);
        if (!grown) {
            cc->failed = true;
            return;
        }
        sc->items = grown;
        sc->capacity = capacity;
    }
    sc->items[sc->count++] = v;
}

static void declare(compiler *cc, scope *sc, const char *name, const char *type, variable_kind kind, position at)
{
    const variable *twin = lookup_in(sc, name);
    if (twin) /* the course's compiler takes it without a word: the new one, with a slot of its own */
        report(cc, HACK_DIAG_WARNING, at,
               "'%s' is declared again (first on line %d): from here on it is this one, as the course's compiler "
               "takes it",
               name, twin->at.line);
    int index = 0;
    for (int i = 0; i < sc->count; i++)
        if (sc->items[i].kind == kind) index++;
    add_variable(cc, sc, (variable){name, type, kind, index, at});
}

static bool in_function(const compiler *cc)
{
    return cc->s->kind == KW_FUNCTION;
}

/* " (did you mean 'count'?)" for an undeclared name near a variable in scope (a field only in a method or
 * constructor), or, with classes, near a class; else "". */
static const char *variable_hint(compiler *cc, const char *name, bool classes)
{
    hack_suggestion s;
    hack_suggest_init(&s, name, strlen(name));
    for (int i = 0; i < cc->sub_scope.count; i++)
        if (strcmp(cc->sub_scope.items[i].name, "this") != 0)
            hack_suggest_consider(&s, cc->sub_scope.items[i].name, strlen(cc->sub_scope.items[i].name));
    for (int i = 0; i < cc->class_scope.count; i++)
        if (cc->class_scope.items[i].kind != VAR_FIELD || !in_function(cc))
            hack_suggest_consider(&s, cc->class_scope.items[i].name, strlen(cc->class_scope.items[i].name));
    if (!hack_suggest_best(&s, NULL) && classes) return jack_suggest_class(cc->f, name, &cc->hint);
    return hack_suggest_hint(&s, &cc->hint);
}

/* A variable as a term or a let target: its segment and index, after the checks. */
static const variable *resolve(compiler *cc, const char *name, position at)
{
    const variable *v = lookup(cc, name);
    if (!v) {
        report(cc, HACK_DIAG_ERROR, at, "undeclared variable '%s'%s", name, variable_hint(cc, name, false));
        return NULL;
    }
    if (v->kind == VAR_FIELD && in_function(cc)) {
        report(cc, HACK_DIAG_ERROR, at, "field '%s' used in function '%s' (a function has no object: make it a method)",
               name, cc->s->name);
        return NULL;
    }
    return v;
}

static void push_variable(compiler *cc, const variable *v)
{
    out(cc, "push %s %d", segment_names[v->kind], v->index);
}

static bool is_primitive(const char *type)
{
    return strcmp(type, "int") == 0 || strcmp(type, "char") == 0 || strcmp(type, "boolean") == 0;
}

static void compile_expression(compiler *cc, const expression *e);

static void compile_arguments(compiler *cc, const call *c)
{
    for (size_t i = 0; i < c->arguments.count; i++) compile_expression(cc, c->arguments.items[i]);
}

static void check_arguments(compiler *cc, const call *c, const signature *sig, const char *class_name)
{
    if ((int)c->arguments.count != sig->parameters)
        report(cc, HACK_DIAG_ERROR, c->name_position, "'%s.%s' takes %d argument%s, given %zu", class_name, c->name,
               sig->parameters, sig->parameters == 1 ? "" : "s", c->arguments.count);
}

static void no_subroutine(compiler *cc, const call *c, const char *class_name)
{
    report(cc, HACK_DIAG_ERROR, c->name_position, "class '%s' has no subroutine '%s'%s", class_name, c->name,
           jack_suggest_subroutine(cc->f, class_name, c->name, &cc->hint));
}

/* Leaves the call's value on the stack. */
static void compile_call(compiler *cc, const call *c)
{
    signature sig;
    lookup_result found;
    int extra = 0;
    const char *class_name;
    position before = place(cc, c->qualifier ? c->qualifier_position : c->name_position);
    if (!c->qualifier) {
        /* name(...): a method of this object (or, for convenience, a function of this class) */
        class_name = cc->c->name;
        if (jack_lookup(cc->f, class_name, c->name, &sig) != LOOKUP_FOUND) {
            no_subroutine(cc, c, class_name);
            return;
        }
        if (sig.kind == KW_METHOD) {
            if (in_function(cc)) {
                report(cc, HACK_DIAG_ERROR, c->name_position,
                       "method '%s' called from function '%s', which has no object to call it on", c->name,
                       cc->s->name);
                return;
            }
            out(cc, "push pointer 0");
            extra = 1;
        } else {
            report(cc, HACK_DIAG_ERROR, c->name_position, "'%s' is a %s: call it as %s.%s(...)", c->name,
                   sig.kind == KW_FUNCTION ? "function" : "constructor", class_name, c->name);
            return;
        }
        check_arguments(cc, c, &sig, class_name);
    } else {
        const variable *v = lookup(cc, c->qualifier);
        if (v) {
            /* object.method(...) */
            if (v->kind == VAR_FIELD && in_function(cc)) {
                report(cc, HACK_DIAG_ERROR, c->qualifier_position,
                       "field '%s' used in function '%s' (a function has no object: make it a method)", v->name,
                       cc->s->name);
                return;
            }
            if (is_primitive(v->type)) {
                report(cc, HACK_DIAG_ERROR, c->qualifier_position, "'%s' is a%s %s, not an object", v->name,
                       v->type[0] == 'i' ? "n" : "", v->type);
                return;
            }
            class_name = v->type;
            found = jack_lookup(cc->f, class_name, c->name, &sig);
            if (found == LOOKUP_FOUND) {
                if (sig.kind != KW_METHOD)
                    report(cc, HACK_DIAG_ERROR, c->name_position, "'%s.%s' is a %s: call it on the class, not on '%s'",
                           class_name, c->name, sig.kind == KW_FUNCTION ? "function" : "constructor", v->name);
                else
                    check_arguments(cc, c, &sig, class_name);
            } else if (found == LOOKUP_NO_SUBROUTINE) {
                no_subroutine(cc, c, class_name);
            } else if (found == LOOKUP_NO_CLASS) {
                report(cc, HACK_DIAG_ERROR, c->qualifier_position,
                       "the class of '%s', '%s', is neither in the folder nor in the OS%s", v->name, class_name,
                       jack_suggest_class(cc->f, class_name, &cc->hint));
            }
            push_variable(cc, v);
            extra = 1;
        } else {
            /* Class.function(...) */
            class_name = c->qualifier;
            found = jack_lookup(cc->f, class_name, c->name, &sig);
            if (found == LOOKUP_FOUND) {
                /* An OS method may be given its object as the first argument, Array.dispose(a), as the course's
                 * compiler allows (it knows nothing of the OS); the folder's own methods may not (it refuses). */
                if (sig.kind == KW_METHOD && !sig.from_os)
                    report(cc, HACK_DIAG_ERROR, c->name_position,
                           "'%s.%s' is a method: call it on an object of class %s", class_name, c->name, class_name);
                else if (sig.kind == KW_METHOD && (int)c->arguments.count != sig.parameters + 1)
                    report(cc, HACK_DIAG_ERROR, c->name_position,
                           "'%s.%s' is a method: call it on an object of class %s, or pass the object first (%d "
                           "argument%s in all, given %zu)",
                           class_name, c->name, class_name, sig.parameters + 1, sig.parameters == 0 ? "" : "s",
                           c->arguments.count);
                else if (sig.kind != KW_METHOD)
                    check_arguments(cc, c, &sig, class_name);
            } else if (found == LOOKUP_NO_SUBROUTINE) {
                no_subroutine(cc, c, class_name);
            } else if (found == LOOKUP_NO_CLASS && islower((unsigned char)class_name[0])) {
                report(cc, HACK_DIAG_ERROR, c->qualifier_position, "undeclared variable '%s'%s", class_name,
                       variable_hint(cc, class_name, true));
            } else if (found == LOOKUP_NO_CLASS) {
                report(cc, HACK_DIAG_ERROR, c->qualifier_position,
                       "class '%s' is neither in the folder nor in the OS%s", class_name,
                       jack_suggest_class(cc->f, class_name, &cc->hint));
            }
        }
    }
    cc->at = before;
    compile_arguments(cc, c);
    before = place(cc, c->qualifier ? c->qualifier_position : c->name_position);
    out(cc, "call %s.%s %d", class_name, c->name, (int)c->arguments.count + extra);
    cc->at = before;
}

static void compile_term_at(compiler *cc, const term *t);

static void compile_term(compiler *cc, const term *t)
{
    position before = place(cc, t->at);
    compile_term_at(cc, t);
    cc->at = before;
}

static void compile_term_at(compiler *cc, const term *t)
{
    const variable *v;
    switch (t->kind) {
    case TERM_INT: out(cc, "push constant %d", t->value); break;
    case TERM_STRING: {
        size_t n = strlen(t->text);
        if (n > 32767) { /* String.new's argument is a VM constant */
            report(cc, HACK_DIAG_ERROR, t->at,
                   "a string constant of %zu characters: the longest a program can make is 32767 (String.new's "
                   "argument is a constant, 0..32767)",
                   n);
            break;
        }
        out(cc, "push constant %zu", n);
        out(cc, "call String.new 1");
        for (size_t i = 0; i < n; i++) {
            out(cc, "push constant %d", (unsigned char)t->text[i]);
            out(cc, "call String.appendChar 2");
        }
        break;
    }
    case TERM_KEYWORD:
        switch (t->kw) {
        case KW_TRUE:
            out(cc, "push constant 0");
            out(cc, "not");
            break;
        case KW_THIS:
            if (in_function(cc)) {
                report(cc, HACK_DIAG_ERROR, t->at, "'this' used in function '%s' (a function has no object)",
                       cc->s->name);
                return;
            }
            out(cc, "push pointer 0");
            break;
        default: out(cc, "push constant 0"); break; /* false, null */
        }
        break;
    case TERM_VARIABLE:
        if ((v = resolve(cc, t->text, t->at)) != NULL) push_variable(cc, v);
        break;
    case TERM_INDEX:
        if ((v = resolve(cc, t->text, t->at)) == NULL) return;
        push_variable(cc, v);
        compile_expression(cc, t->inner);
        out(cc, "add");
        out(cc, "pop pointer 1");
        out(cc, "push that 0");
        break;
    case TERM_CALL: compile_call(cc, &t->call); break;
    case TERM_PARENS: compile_expression(cc, t->inner); break;
    case TERM_UNARY:
        compile_term(cc, t->operand);
        out(cc, t->op == '-' ? "neg" : "not");
        break;
    }
}

static void compile_expression(compiler *cc, const expression *e)
{
    compile_term(cc, e->terms.items[0]);
    for (size_t i = 1; i < e->terms.count; i++) {
        compile_term(cc, e->terms.items[i]);
        position before = place(cc, ((const term *)e->terms.items[i])->at); /* the operator, at its right operand */
        switch (((const term *)e->terms.items[i])->binary_op) {
        case '+': out(cc, "add"); break;
        case '-': out(cc, "sub"); break;
        case '*': out(cc, "call Math.multiply 2"); break;
        case '/': out(cc, "call Math.divide 2"); break;
        case '&': out(cc, "and"); break;
        case '|': out(cc, "or"); break;
        case '<': out(cc, "lt"); break;
        case '>': out(cc, "gt"); break;
        default: out(cc, "eq"); break;
        }
        cc->at = before;
    }
}

static bool returns_void(const subroutine *s)
{
    return s->return_type_is_keyword && strcmp(s->return_type, "void") == 0;
}

static void compile_statements(compiler *cc, const ptr_list *list);

static void compile_statement_at(compiler *cc, const statement *st);

static void compile_statement(compiler *cc, const statement *st)
{
    position before = place(cc, st->at);
    compile_statement_at(cc, st);
    cc->at = before;
}

static void compile_statement_at(compiler *cc, const statement *st)
{
    const variable *v;
    int label;
    switch (st->kind) {
    case ST_LET:
        if ((v = resolve(cc, st->name, st->name_position)) == NULL) return;
        if (st->index) {
            push_variable(cc, v);
            compile_expression(cc, st->index);
            out(cc, "add");
            compile_expression(cc, st->value);
            out(cc, "pop temp 0");
            out(cc, "pop pointer 1");
            out(cc, "push temp 0");
            out(cc, "pop that 0");
        } else {
            compile_expression(cc, st->value);
            out(cc, "pop %s %d", segment_names[v->kind], v->index);
        }
        break;
    case ST_IF:
        /* as the course's compiler does: any value but 0 is true (`if (x & 2)` takes the branch for 2, where
         * `not; if-goto` would take it only for -1), so a student's program behaves as with the course's tools */
        label = cc->label_counter++;
        compile_expression(cc, st->value);
        out(cc, "if-goto IF_TRUE%d", label);
        out(cc, "goto IF_FALSE%d", label);
        out(cc, "label IF_TRUE%d", label);
        compile_statements(cc, &st->body);
        if (st->has_else) out(cc, "goto IF_END%d", label);
        out(cc, "label IF_FALSE%d", label);
        if (st->has_else) {
            compile_statements(cc, &st->else_body);
            out(cc, "label IF_END%d", label);
        }
        break;
    case ST_WHILE:
        label = cc->label_counter++;
        out(cc, "label WHILE_EXP%d", label);
        if (st->body.count == 0 && st->value->terms.count == 1 &&
            ((const term *)st->value->terms.items[0])->kind == TERM_KEYWORD &&
            ((const term *)st->value->terms.items[0])->kw == KW_TRUE) {
            /* while (true) {}: a bare loop, which the translator makes the halt idiom emulators recognise */
            out(cc, "goto WHILE_EXP%d", label);
            break;
        }
        compile_expression(cc, st->value);
        out(cc, "not");
        out(cc, "if-goto WHILE_END%d", label);
        compile_statements(cc, &st->body);
        out(cc, "goto WHILE_EXP%d", label);
        out(cc, "label WHILE_END%d", label);
        break;
    case ST_DO:
        compile_call(cc, &st->call);
        out(cc, "pop temp 0");
        break;
    case ST_RETURN:
        if (st->value) {
            if (returns_void(cc->s))
                report(cc, HACK_DIAG_ERROR, st->at, "'%s' is void: it cannot return a value", cc->s->name);
            compile_expression(cc, st->value);
        } else {
            if (!returns_void(cc->s))
                report(cc, HACK_DIAG_ERROR, st->at, "'%s' returns %s: 'return' needs a value", cc->s->name,
                       cc->s->return_type);
            out(cc, "push constant 0");
        }
        out(cc, "return");
        break;
    }
}

static void compile_statements(compiler *cc, const ptr_list *list)
{
    for (size_t i = 0; i < list->count; i++) compile_statement(cc, list->items[i]);
}

static void compile_subroutine(compiler *cc, const subroutine *s, int field_count)
{
    cc->s = s;
    cc->at = s->at; /* the function command and the prologue: the declaration */
    cc->sub_scope.count = 0;
    cc->label_counter = 0;
    if (s->kind == KW_METHOD) /* argument 0 is this */
        add_variable(cc, &cc->sub_scope, (variable){"this", cc->c->name, VAR_ARGUMENT, 0, s->at});
    for (size_t i = 0; i < s->parameters.count; i++) {
        const declaration *p = s->parameters.items[i];
        declare(cc, &cc->sub_scope, p->names.items[0], p->type, VAR_ARGUMENT, *(position *)p->positions.items[0]);
    }
    int locals = 0;
    for (size_t i = 0; i < s->locals.count; i++) {
        const declaration *d = s->locals.items[i];
        for (size_t k = 0; k < d->names.count; k++) {
            declare(cc, &cc->sub_scope, d->names.items[k], d->type, VAR_LOCAL, *(position *)d->positions.items[k]);
            locals++;
        }
    }
    if (s->kind == KW_CONSTRUCTOR && (s->return_type_is_keyword || strcmp(s->return_type, cc->c->name) != 0))
        report(cc, HACK_DIAG_ERROR, s->name_position, "constructor '%s' must return its class, %s", s->name,
               cc->c->name);
    out(cc, "function %s.%s %d", cc->c->name, s->name, locals);
    if (s->kind == KW_CONSTRUCTOR) {
        out(cc, "push constant %d", field_count);
        out(cc, "call Memory.alloc 1");
        out(cc, "pop pointer 0");
    } else if (s->kind == KW_METHOD) {
        out(cc, "push argument 0");
        out(cc, "pop pointer 0");
    }
    compile_statements(cc, &s->statements);
    if (!jack_never_falls_through(&s->statements))
        report(cc, HACK_DIAG_WARNING, s->end, "'%s' can reach its end without a return", s->name);
}

static char *compile_class(const folder *f, const class_node *c, hack_diag_list *diags, size_t *length, int *errors,
                           hack_source_position **positions, size_t *position_count)
{
    compiler *cc = calloc(1, sizeof *cc);
    if (!cc) return NULL;
    cc->f = f;
    cc->c = c;
    cc->diags = diags;
    if (!hack_strbuf_append(&cc->vm, "", 0)) cc->failed = true; /* a class without subroutines has empty code */
    int fields = 0, statics = 0;
    for (size_t i = 0; i < c->fields.count; i++) {
        const declaration *d = c->fields.items[i];
        for (size_t k = 0; k < d->names.count; k++) {
            declare(cc, &cc->class_scope, d->names.items[k], d->type, d->kind == KW_STATIC ? VAR_STATIC : VAR_FIELD,
                    *(position *)d->positions.items[k]);
            if (d->kind == KW_FIELD) fields++;
            if (d->kind == KW_STATIC && ++statics == HACK_STATIC_WORDS + 1) /* the one that overflows: said once */
                report(cc, HACK_DIAG_ERROR, *(position *)d->positions.items[k],
                       "'%s' is the class's static number %d, but the static segment has %d words (RAM 16..255), "
                       "shared by all the program's classes: past them, statics would sit on the stack",
                       (const char *)d->names.items[k], statics, HACK_STATIC_WORDS);
        }
    }
    for (size_t i = 0; i < c->subroutines.count; i++) {
        const subroutine *s = c->subroutines.items[i];
        for (size_t j = 0; j < i; j++) {
            const subroutine *other = c->subroutines.items[j];
            if (strcmp(other->name, s->name) == 0) {
                cc->s = s;
                report(cc, HACK_DIAG_ERROR, s->name_position, "subroutine '%s' is already declared (line %d)", s->name,
                       other->name_position.line);
            }
        }
        compile_subroutine(cc, s, fields);
    }
    if (cc->failed) hack_diag_add(diags, HACK_DIAG_ERROR, c->source->path, 0, 0, NULL, 0, "out of memory");
    *errors = cc->errors + (cc->failed ? 1 : 0);
    char *vm = cc->failed ? NULL : hack_strbuf_take(&cc->vm, length);
    hack_strbuf_free(&cc->vm);
    hack_strbuf_free(&cc->hint);
    if (vm) {
        *positions = cc->positions;
        *position_count = cc->position_count;
    } else {
        free(cc->positions);
    }
    free(cc->class_scope.items);
    free(cc->sub_scope.items);
    free(cc);
    if (!vm && !*errors) { /* a class without subroutines has no code: its VM file is empty, not missing */
        vm = calloc(1, 1);
        if (!vm) *errors = 1;
    }
    return vm;
}

/* The file name's stem: the class a file of the folder holds. */
static size_t stem_length(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

static bool is_external(const folder *f, const char *name, size_t length)
{
    for (size_t i = 0; i < f->external_count; i++)
        if (f->externals[i].name_length == length && memcmp(f->externals[i].name, name, length) == 0) return true;
    return false;
}

static void add_external(folder *f, const char *path, const char *vm_text, size_t vm_length)
{
    const char *name = hack_path_base_name(path);
    size_t length = stem_length(name);
    for (size_t i = 0; i < f->class_count; i++)
        if (f->classes[i] && f->classes[i]->name && strlen(f->classes[i]->name) == length &&
            memcmp(f->classes[i]->name, name, length) == 0)
            return;
    if (!is_external(f, name, length))
        f->externals[f->external_count++] = (external_class){name, length, vm_text, vm_length};
}

/* The rest of the program: classes read for their declarations (quietly: their own messages are for when
 * they are compiled), and classes compiled elsewhere. */
static void add_context(folder *f, arena *a, const hack_jack_context *context)
{
    hack_diag_list quiet;
    hack_diag_list_init(&quiet);
    for (size_t i = 0; i < context->declarations.count; i++) {
        const hack_jack_source *source = &context->declarations.items[i];
        class_node *c = jack_parse(a, source, &quiet);
        if (c && c->name && !c->errors && !jack_folder_class(f, c->name))
            f->classes[f->class_count++] = c;
        else if (!c || !c->name || c->errors)
            add_external(f, source->path, NULL, 0);
    }
    hack_diag_list_free(&quiet);
    for (size_t i = 0; i < context->compiled.count; i++)
        add_external(f, context->compiled.items[i].path, context->compiled.items[i].text,
                     context->compiled.items[i].length);
}

bool hack_jack_compile(const hack_jack_sources *sources, hack_jack_outputs *outputs, hack_diag_list *diags)
{
    return hack_jack_compile_with(sources, NULL, outputs, diags);
}

bool hack_jack_compile_with(const hack_jack_sources *sources, const hack_jack_context *context,
                            hack_jack_outputs *outputs, hack_diag_list *diags)
{
    assert(sources && outputs && diags);
    size_t declared = context ? context->declarations.count : 0;
    size_t elsewhere = declared + (context ? context->compiled.count : 0);
    outputs->count = sources->count;
    outputs->items = calloc(sources->count ? sources->count : 1, sizeof *outputs->items);
    folder f = {calloc(sources->count + declared + 1, sizeof(class_node *)), sources->count,
                calloc(elsewhere + 1, sizeof(external_class)), 0};
    if (!outputs->items || !f.classes || !f.externals) {
        free(f.classes);
        free(f.externals);
        return false;
    }
    arena a = {0};
    bool ok = true;
    for (size_t i = 0; i < sources->count; i++) {
        f.classes[i] = jack_parse(&a, &sources->items[i], diags);
        class_node *c = f.classes[i];
        if (!c || !c->name) {
            ok = false;
            continue;
        }
        /* The course's rule: Xxx.jack holds class Xxx. */
        const char *file = hack_path_base_name(sources->items[i].path);
        size_t n = strlen(c->name);
        if (strncmp(file, c->name, n) != 0 || strcmp(file + n, ".jack") != 0) {
            hack_diag_add(diags, HACK_DIAG_ERROR, sources->items[i].path, c->name_position.line,
                          c->name_position.column, c->name_position.line_start, 0,
                          "class '%s' must be in a file named %s.jack", c->name, c->name);
            c->errors++;
        }
        for (size_t j = 0; j < i; j++)
            if (f.classes[j] && f.classes[j]->name && strcmp(f.classes[j]->name, c->name) == 0) {
                hack_diag_add(diags, HACK_DIAG_ERROR, sources->items[i].path, c->name_position.line,
                              c->name_position.column, NULL, 0, "class '%s' is declared twice (also in %s)", c->name,
                              sources->items[j].path);
                c->errors++;
            }
        outputs->items[i].class_name = malloc(n + 1);
        if (outputs->items[i].class_name) strcpy(outputs->items[i].class_name, c->name);
    }
    if (context) add_context(&f, &a, context);
    for (size_t i = 0; i < sources->count; i++) {
        class_node *c = f.classes[i];
        if (!c || !c->name) continue;
        if (c->errors) { /* after syntax errors the tree has holes: checking it would only cascade */
            ok = false;
            continue;
        }
        size_t length = 0, position_count = 0;
        int errors = 0;
        hack_source_position *positions = NULL;
        char *vm = compile_class(&f, c, diags, &length, &errors, &positions, &position_count);
        if (errors || c->errors || !vm) {
            free(vm);
            free(positions);
            ok = false;
            continue;
        }
        outputs->items[i].vm = vm;
        outputs->items[i].vm_length = length;
        outputs->items[i].positions = positions;
        outputs->items[i].position_count = position_count;
    }
    if (a.failed) {
        hack_diag_add(diags, HACK_DIAG_ERROR, "jackc", 0, 0, NULL, 0, "out of memory");
        ok = false;
    }
    arena_free(&a);
    free(f.classes);
    free(f.externals);
    return ok;
}

char *hack_jack_map_text(const char *jack_path, const hack_jack_output *output, size_t *length)
{
    hack_strbuf text = {0};
    hack_strbuf_appendf(&text, "jack-map 1 %s %zu %08x\n", hack_path_base_name(jack_path), output->position_count,
                        (unsigned)hack_jack_map_hash(output->vm ? output->vm : "", output->vm_length));
    for (size_t i = 0; i < output->position_count; i++)
        hack_strbuf_appendf(&text, "%zu %u %u\n", i + 1, (unsigned)output->positions[i].line,
                            (unsigned)output->positions[i].column);
    char *result = text.failed ? NULL : hack_strbuf_take(&text, length);
    hack_strbuf_free(&text);
    return result;
}

uint32_t hack_jack_map_hash(const char *text, size_t length)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < length; i++) hash = (hash ^ (uint8_t)text[i]) * 16777619u;
    return hash;
}
