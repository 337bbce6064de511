/* The debugger's names: Jack variables of the selected frame, fields, statics, array elements, RAM words and
 * registers, evaluated to RAM words with their declared types (debug_evaluate), and values shown as their
 * types say (debug_format_value). */
#include "debugger_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    hack_debugger *d;
    const char *p;
    char *error;
    size_t size;
    bool failed;
} parser;

static bool parse_fail(parser *ps, const char *format, const char *name, size_t length)
{
    if (!ps->failed) snprintf(ps->error, ps->size, format, (int)length, name);
    ps->failed = true;
    return false;
}

static void skip_blanks(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t') ps->p++;
}

static size_t identifier(parser *ps, const char **start)
{
    skip_blanks(ps);
    *start = ps->p;
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '$') ps->p++;
    return (size_t)(ps->p - *start);
}

static bool word_value(hack_debugger *d, uint16_t address, const char *type, debug_value *out)
{
    *out = (debug_value){true, address, d->machine->ram[address], type, false};
    return true;
}

const hack_jack_variable *debug_find_variable(const hack_jack_variable *list, size_t count, const char *name, size_t length,
                                         int kind)
{
    for (size_t i = count; i-- > 0;) /* the latest declaration of a name declared twice, as jackc takes it */
        if ((kind < 0 || (int)list[i].kind == kind) && strlen(list[i].name) == length &&
            strncmp(list[i].name, name, length) == 0)
            return &list[i];
    return NULL;
}

/* A static of class c, by the program's symbol Class.index. */
static bool static_value(hack_debugger *d, const hack_jack_class_variables *c, const hack_jack_variable *v, debug_value *out)
{
    char symbol[300];
    snprintf(symbol, sizeof symbol, "%s.%u", c->name, (unsigned)v->index);
    const hack_symbol *s = hack_symtab_find(&d->program->symbols, symbol, strlen(symbol));
    if (!s || s->value >= HACK_RAM_SIZE) return false;
    return word_value(d, s->value, v->type, out);
}

/* A name on its own: a variable of the selected frame, this, a field, a static of its class, a class, a
 * register, or a RAM symbol of the program. */
static bool name_value(parser *ps, const char *name, size_t length, debug_value *out)
{
    hack_debugger *d = ps->d;
    const debug_frame frame = debug_selected(d), *f = &frame;
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    const hack_jack_variable *v = sub ? debug_find_variable(sub->variables, sub->count, name, length, -1) : NULL;
    if (v && f->in_flux)
        return parse_fail(ps, "'%.*s': the frame is in the middle of its return, its variables are gone: `step` or "
                              "`vmstep` first", name, length);
    if (v) return word_value(d, (uint16_t)((v->kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl) + v->index), v->type, out);
    if (length == 4 && strncmp(name, "this", 4) == 0 && c)
        return word_value(d, f->this_address, c->name, out);
    v = c ? debug_find_variable(c->variables, c->count, name, length, HACK_JACK_FIELD) : NULL;
    if (v && sub && sub->kind != HACK_JACK_FUNCTION) {
        uint16_t object = d->machine->ram[f->this_address];
        if (!object) return parse_fail(ps, "'%.*s': a field, and `this` is null here", name, length);
        return word_value(d, (uint16_t)(object + v->index), v->type, out);
    }
    v = c ? debug_find_variable(c->variables, c->count, name, length, HACK_JACK_STATIC) : NULL;
    if (v && static_value(d, c, v, out)) return true;
    if (debug_class(d, name, length)) {
        *out = (debug_value){false, 0, 0, NULL, true};
        out->type = debug_class(d, name, length)->name;
        return true;
    }
    if (length == 1 && (name[0] == 'A' || name[0] == 'D')) {
        *out = (debug_value){false, 0, name[0] == 'A' ? d->machine->a : d->machine->d, NULL, false};
        return true;
    }
    if (length == 2 && strncmp(name, "PC", 2) == 0) {
        *out = (debug_value){false, 0, d->machine->pc, NULL, false};
        return true;
    }
    const hack_symbol *s = hack_symtab_find(&d->program->symbols, name, length);
    uint16_t address;
    if ((!s || s->kind == HACK_SYMBOL_VARIABLE || s->kind == HACK_SYMBOL_STATIC) &&
        hack_session_resolve_address(d->program, name, length, &address))
        return word_value(d, address, NULL, out);
    return parse_fail(ps, "no variable, field, static, class or RAM symbol '%.*s' here", name, length);
}

static bool expression(parser *ps, debug_value *out);

static bool postfix(parser *ps, debug_value *out);

static bool primary(parser *ps, debug_value *out)
{
    skip_blanks(ps);
    if (*ps->p == '-' && !isdigit((unsigned char)ps->p[1])) { /* -n: a negated value */
        ps->p++;
        if (!postfix(ps, out)) return false;
        *out = (debug_value){false, 0, (uint16_t)(0u - out->value), NULL, false};
        return true;
    }
    if (*ps->p == '(') {
        ps->p++;
        if (!expression(ps, out)) return false;
        skip_blanks(ps);
        if (*ps->p != ')') return parse_fail(ps, "expected ')'%.*s", "", 0);
        ps->p++;
        return true;
    }
    if (isdigit((unsigned char)*ps->p) || *ps->p == '-') {
        char *end;
        long value = strtol(ps->p, &end, 10);
        if (end == ps->p) return parse_fail(ps, "'%.*s': not a number", ps->p, 1);
        if (value < -32768 || value > 65535)
            return parse_fail(ps, "%.*s: not a 16-bit value (-32768..65535)", ps->p, (int)(end - ps->p));
        ps->p = end;
        *out = (debug_value){false, 0, (uint16_t)value, NULL, false};
        return true;
    }
    if (strncmp(ps->p, "RAM[", 4) == 0) {
        ps->p += 4;
        debug_value index;
        if (!expression(ps, &index)) return false;
        skip_blanks(ps);
        if (*ps->p != ']') return parse_fail(ps, "expected ']'%.*s", "", 0);
        ps->p++;
        if (index.value >= HACK_RAM_SIZE) return parse_fail(ps, "RAM has words 0..32767%.*s", "", 0);
        return word_value(ps->d, index.value, NULL, out);
    }
    const char *name;
    size_t length = identifier(ps, &name);
    if (!length) return parse_fail(ps, "expected a name, a number or RAM[ADDRESS] at '%.*s'", ps->p, strlen(ps->p));
    return name_value(ps, name, length, out);
}

/* A primary with its fields and elements: p.x, a[i], Main.count, RAM[256]. */
static bool postfix(parser *ps, debug_value *out)
{
    if (!primary(ps, out)) return false;
    for (;;) {
        skip_blanks(ps);
        if (*ps->p == '.') {
            ps->p++;
            const char *name;
            size_t length = identifier(ps, &name);
            const hack_jack_class_variables *c = out->type ? debug_class(ps->d, out->type, strlen(out->type)) : NULL;
            if (!length || !c) return parse_fail(ps, "'.%.*s': the value has no class with fields", name, length);
            const hack_jack_variable *v = debug_find_variable(c->variables, c->count, name, length,
                                                  out->is_class ? HACK_JACK_STATIC : HACK_JACK_FIELD);
            if (!v && out->is_class && isdigit((unsigned char)name[0])) { /* Class.3: a static by its number */
                char symbol[300];
                snprintf(symbol, sizeof symbol, "%s.%.*s", c->name, (int)length, name);
                const hack_symbol *s = hack_symtab_find(&ps->d->program->symbols, symbol, strlen(symbol));
                if (s && s->value < HACK_RAM_SIZE) {
                    word_value(ps->d, s->value, NULL, out);
                    continue;
                }
            }
            if (!v)
                return parse_fail(ps, out->is_class ? "the class has no static '%.*s'" : "the class has no field '%.*s'",
                                  name, length);
            if (out->is_class) {
                if (!static_value(ps->d, c, v, out)) return parse_fail(ps, "static '%.*s' is not in the program", name, length);
                continue;
            }
            if (!out->value) return parse_fail(ps, "'.%.*s': the object is null", name, length);
            word_value(ps->d, (uint16_t)(out->value + v->index), v->type, out);
        } else if (*ps->p == '[') {
            ps->p++;
            debug_value index;
            uint16_t base = out->value;
            if (!expression(ps, &index)) return false;
            skip_blanks(ps);
            if (*ps->p != ']') return parse_fail(ps, "expected ']'%.*s", "", 0);
            ps->p++;
            uint16_t address = (uint16_t)(base + index.value);
            if (address >= HACK_RAM_SIZE) return parse_fail(ps, "the element is outside RAM%.*s", "", 0);
            word_value(ps->d, address, NULL, out);
        } else {
            return true;
        }
    }
}

/* Arithmetic as the Hack ALU does it, on 16-bit words (signed for / and *): * and / before + and -, left to
 * right; a result is a plain word, not a RAM word. */
static bool product(parser *ps, debug_value *out)
{
    if (!postfix(ps, out)) return false;
    for (;;) {
        skip_blanks(ps);
        char op = *ps->p;
        if (op != '*' && op != '/') return true;
        ps->p++;
        debug_value right;
        if (!postfix(ps, &right)) return false;
        int32_t a = (int16_t)out->value, b = (int16_t)right.value;
        if (op == '/' && b == 0) return parse_fail(ps, "division by zero%.*s", "", 0);
        int32_t r = op == '*' ? a * b : a / b;
        *out = (debug_value){false, 0, (uint16_t)(r & 0xFFFF), NULL, false};
    }
}

static bool expression(parser *ps, debug_value *out)
{
    if (!product(ps, out)) return false;
    for (;;) {
        skip_blanks(ps);
        char op = *ps->p;
        if (op != '+' && op != '-') return true;
        ps->p++;
        debug_value right;
        if (!product(ps, &right)) return false;
        uint16_t r = op == '+' ? (uint16_t)(out->value + right.value) : (uint16_t)(out->value - right.value);
        *out = (debug_value){false, 0, r, NULL, false};
    }
}

bool debug_evaluate(hack_debugger *d, const char *text, debug_value *out, char *error, size_t size)
{
    parser ps = {d, text, error, size, false};
    if (!expression(&ps, out)) return false;
    skip_blanks(&ps);
    if (*ps.p) return parse_fail(&ps, "unexpected '%.*s'", ps.p, strlen(ps.p));
    if (out->is_class) return parse_fail(&ps, "'%.*s' is a class: name one of its statics (Class.name)", text, strlen(text));
    return true;
}

/* ---- showing values ---- */

bool debug_is_primitive(const char *type)
{
    return !type || strcmp(type, "int") == 0 || strcmp(type, "char") == 0 || strcmp(type, "boolean") == 0;
}

/* The text of a String of the project's OS (fields chars, an Array, and length). */
static bool string_text(hack_debugger *d, uint16_t object, char *buf, size_t size)
{
    const hack_jack_class_variables *c = debug_class(d, "String", 6);
    if (!c || !object) return false;
    const hack_jack_variable *chars = debug_find_variable(c->variables, c->count, "chars", 5, HACK_JACK_FIELD);
    const hack_jack_variable *length = debug_find_variable(c->variables, c->count, "length", 6, HACK_JACK_FIELD);
    if (!chars || !length || (uint32_t)object + chars->index >= HACK_RAM_SIZE || (uint32_t)object + length->index >= HACK_RAM_SIZE)
        return false;
    const uint16_t *ram = d->machine->ram;
    uint16_t array = ram[object + chars->index], n = ram[object + length->index];
    if (n > 200 || (uint32_t)array + n > HACK_RAM_SIZE) return false;
    size_t used = 0;
    for (uint16_t i = 0; i < n && used + 5 < size; i++) {
        uint16_t ch = ram[array + i];
        if (ch >= 32 && ch < 127 && ch != '"' && ch != '\\')
            buf[used++] = (char)ch;
        else
            used += (size_t)snprintf(buf + used, size - used, "\\%u", (unsigned)ch);
    }
    buf[used] = '\0';
    return true;
}

void debug_format_value(hack_debugger *d, const char *type, uint16_t value, char *buf, size_t size)
{
    if (!type || strcmp(type, "int") == 0) {
        snprintf(buf, size, "%d", debug_signed(value));
    } else if (strcmp(type, "boolean") == 0) {
        if (value == 0 || value == 0xFFFFu)
            snprintf(buf, size, "%s", value ? "true" : "false");
        else
            snprintf(buf, size, "%d", debug_signed(value));
    } else if (strcmp(type, "char") == 0) {
        if (value >= 32 && value < 127)
            snprintf(buf, size, "%d '%c'", debug_signed(value), (char)value);
        else
            snprintf(buf, size, "%d", debug_signed(value));
    } else if (value == 0) {
        snprintf(buf, size, "(%s) null", type);
    } else {
        char text[300];
        if (strcmp(type, "String") == 0 && string_text(d, value, text, sizeof text))
            snprintf(buf, size, "(%s) %u \"%s\"", type, (unsigned)value, text);
        else
            snprintf(buf, size, "(%s) %u", type, (unsigned)value);
    }
}
