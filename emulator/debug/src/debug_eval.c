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
    bool syntax_only; /* names are not looked up: any name is a word (a condition set before its place runs) */
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

/* Takes the operator op when it is next (and not the start of a longer one in not_before). */
static bool take(parser *ps, const char *op, const char *not_before)
{
    skip_blanks(ps);
    size_t n = strlen(op);
    if (strncmp(ps->p, op, n) != 0 || (ps->p[n] && not_before && strchr(not_before, ps->p[n]))) return false;
    ps->p += n;
    return true;
}

static size_t identifier(parser *ps, const char **start)
{
    skip_blanks(ps);
    *start = ps->p;
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_') ps->p++;
    return (size_t)(ps->p - *start);
}

static debug_value plain(uint16_t value, const char *type)
{
    return (debug_value){.value = value, .type = type};
}

static bool word_value(hack_debugger *d, uint16_t address, const char *type, debug_value *out)
{
    *out = (debug_value){
        .has_address = true, .address = address, .value = hack_machine_ram(d->machine, address), .type = type};
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

/* Whether name is a Jack variable, field or static of the selected frame's function and class. */
static bool jack_name(hack_debugger *d, const debug_frame *f, const char *name, size_t length)
{
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    return (sub && debug_find_variable(sub->variables, sub->count, name, length, -1)) ||
           (c && debug_find_variable(c->variables, c->count, name, length, -1));
}

/* A name on its own: a variable of the selected frame, this, a field, a static of its class, a class, a
 * register, or a RAM symbol of the program. */
static bool name_value(parser *ps, const char *name, size_t length, debug_value *out)
{
    hack_debugger *d = ps->d;
    if (ps->syntax_only) {
        *out = (debug_value){.has_address = true};
        return true;
    }
    const debug_frame frame = debug_selected(d), *f = &frame;
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    const hack_jack_variable *v = sub ? debug_find_variable(sub->variables, sub->count, name, length, -1) : NULL;
    if (v && f->in_flux)
        return parse_fail(ps, "'%.*s': the frame is in the middle of its return, its variables are gone: `step` or "
                              "`vmstep` first", name, length);
    if (v) {
        word_value(d, (uint16_t)((v->kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl) + v->index), v->type, out);
        out->frame_word = true;
        return true;
    }
    if (length == 4 && strncmp(name, "this", 4) == 0 && c)
        return word_value(d, f->this_address, c->name, out);
    v = c ? debug_find_variable(c->variables, c->count, name, length, HACK_JACK_FIELD) : NULL;
    if (v && sub && sub->kind != HACK_JACK_FUNCTION) {
        uint16_t object = hack_machine_ram(d->machine, f->this_address);
        if (!object) return parse_fail(ps, "'%.*s': a field, and `this` is null here", name, length);
        return word_value(d, (uint16_t)(object + v->index), v->type, out);
    }
    v = c ? debug_find_variable(c->variables, c->count, name, length, HACK_JACK_STATIC) : NULL;
    if (v && static_value(d, c, v, out)) return true;
    if (debug_class(d, name, length)) {
        *out = (debug_value){.is_class = true, .type = debug_class(d, name, length)->name};
        return true;
    }
    if (length == 1 && (name[0] == 'A' || name[0] == 'D')) {
        *out = plain(name[0] == 'A' ? hack_machine_a(d->machine) : hack_machine_d(d->machine), NULL);
        return true;
    }
    if (length == 2 && strncmp(name, "PC", 2) == 0) {
        *out = plain(hack_machine_pc(d->machine), NULL);
        return true;
    }
    const hack_symbol *s = hack_symtab_find(&d->program->symbols, name, length);
    uint16_t address;
    if ((!s || s->kind == HACK_SYMBOL_VARIABLE || s->kind == HACK_SYMBOL_STATIC) &&
        hack_session_resolve_address(d->program, name, length, &address)) {
        word_value(d, address, NULL, out);
        out->symbol = true;
        return true;
    }
    return parse_fail(ps, "no variable, field, static, class or RAM symbol '%.*s' here", name, length);
}

static bool expression(parser *ps, debug_value *out);

/* [EXPR] after a name: the index. */
static bool index_of(parser *ps, debug_value *index)
{
    if (!take(ps, "[", NULL)) return parse_fail(ps, "expected '['%.*s", "", 0);
    if (!expression(ps, index)) return false;
    if (!take(ps, "]", NULL)) return parse_fail(ps, "expected ']'%.*s", "", 0);
    return true;
}

/* The VM segments of the selected frame by name, as the VM emulator shows them: local[i], argument[i],
 * this[i], that[i], pointer[i], temp[i], static[i] (the frame's class), constant[i]. */
static const char *const segments[] = {"local", "argument", "this", "that", "pointer", "temp", "static", "constant"};

static int segment_of(const char *name, size_t length)
{
    for (size_t i = 0; i < sizeof segments / sizeof segments[0]; i++)
        if (strlen(segments[i]) == length && strncmp(segments[i], name, length) == 0) return (int)i;
    return -1;
}

static bool segment_value(parser *ps, int segment, debug_value *out)
{
    hack_debugger *d = ps->d;
    const hack_machine *m = d->machine;
    debug_value index;
    if (!index_of(ps, &index)) return false;
    if (ps->syntax_only) {
        *out = (debug_value){.has_address = true};
        return true;
    }
    const debug_frame f = debug_selected(d);
    uint16_t i = index.value;
    switch (segment) {
    case 0:
    case 1:
        word_value(d, (uint16_t)((segment == 0 ? f.lcl : f.arg) + i), NULL, out);
        out->frame_word = true;
        return true;
    case 2: /* this and that: the frame's pointers (a caller's are saved in its callee's frame) */
    case 3:
        return word_value(d, (uint16_t)(hack_machine_ram(m, (uint16_t)(f.this_address + segment - 2)) + i), NULL, out);
    case 4:
        if (i > 1) return parse_fail(ps, "pointer has words 0 and 1 (THIS and THAT)%.*s", "", 0);
        return word_value(d, (uint16_t)(f.this_address + i), NULL, out);
    case 5:
        if (i > 7) return parse_fail(ps, "temp has words 0..7 (RAM[5..12])%.*s", "", 0);
        return word_value(d, (uint16_t)(5 + i), NULL, out);
    case 6: {
        const char *dot = f.function ? strchr(f.function->name, '.') : NULL;
        if (!dot) return parse_fail(ps, "static[]: the frame's class is not known%.*s", "", 0);
        char symbol[300];
        snprintf(symbol, sizeof symbol, "%.*s.%u", (int)(dot - f.function->name), f.function->name, (unsigned)i);
        const hack_symbol *s = hack_symtab_find(&d->program->symbols, symbol, strlen(symbol));
        if (!s || s->value >= HACK_RAM_SIZE)
            return parse_fail(ps, "no static %.*s in the program", symbol, strlen(symbol));
        return word_value(d, s->value, NULL, out);
    }
    default: *out = plain(i, NULL); return true;
    }
}

/* $, $$, $N, $$N: a value printed before (the value history). */
static bool history_value(parser *ps, debug_value *out)
{
    hack_debugger *d = ps->d;
    const char *start = ps->p++;
    bool back = *ps->p == '$';
    if (back) ps->p++;
    char *end;
    unsigned long n = strtoul(ps->p, &end, 10);
    bool numbered = end != ps->p;
    ps->p = end;
    if (ps->syntax_only) {
        *out = plain(0, NULL);
        return true;
    }
    size_t which; /* 1-based */
    if (!back && numbered) which = n;
    else if (back) which = d->history_count > (numbered ? n : 1) ? d->history_count - (numbered ? n : 1) : 0;
    else which = d->history_count;
    if (which == 0 || which > d->history_count)
        return parse_fail(ps, "%.*s: no such value in the value history (each print adds one)", start,
                          (size_t)(ps->p - start));
    *out = d->history[which - 1];
    return true;
}

static bool unary(parser *ps, debug_value *out);

static bool primary(parser *ps, debug_value *out)
{
    skip_blanks(ps);
    if (take(ps, "(", NULL)) {
        if (!expression(ps, out)) return false;
        if (!take(ps, ")", NULL)) return parse_fail(ps, "expected ')'%.*s", "", 0);
        return true;
    }
    if (ps->p[0] == '\'' && ps->p[1] && ps->p[2] == '\'') { /* 'A': a character's code */
        *out = plain((uint16_t)(unsigned char)ps->p[1], "char");
        ps->p += 3;
        return true;
    }
    if (isdigit((unsigned char)*ps->p)) {
        char *end;
        bool hex = ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X');
        bool binary = ps->p[0] == '0' && (ps->p[1] == 'b' || ps->p[1] == 'B');
        long value = strtol(ps->p + (hex || binary ? 2 : 0), &end, hex ? 16 : binary ? 2 : 10);
        if (value > 65535) return parse_fail(ps, "%.*s: not a 16-bit value (-32768..65535)", ps->p, (size_t)(end - ps->p));
        ps->p = end;
        *out = plain((uint16_t)value, NULL);
        return true;
    }
    if (*ps->p == '$') return history_value(ps, out);
    if (strncmp(ps->p, "RAM[", 4) == 0) {
        ps->p += 3;
        debug_value index;
        if (!index_of(ps, &index)) return false;
        if (index.value >= HACK_RAM_SIZE) return parse_fail(ps, "RAM has words 0..32767%.*s", "", 0);
        return word_value(ps->d, index.value, NULL, out);
    }
    const char *name;
    size_t length = identifier(ps, &name);
    if (!length)
        return parse_fail(ps, "expected a name, a number or RAM[ADDRESS] at '%.*s'", ps->p, strlen(ps->p));
    skip_blanks(ps);
    if ((length == 4 && strncmp(name, "true", 4) == 0) || (length == 5 && strncmp(name, "false", 5) == 0)) {
        *out = plain(length == 4 ? 0xFFFFu : 0, "boolean"); /* Jack's keywords */
        return true;
    }
    if (length == 4 && strncmp(name, "null", 4) == 0) {
        *out = plain(0, NULL);
        return true;
    }
    int segment = segment_of(name, length);
    if (segment >= 0 && *ps->p == '[') {
        const debug_frame f = debug_selected(ps->d);
        if (!jack_name(ps->d, &f, name, length)) return segment_value(ps, segment, out);
    }
    return name_value(ps, name, length, out);
}

/* A primary with its fields and elements: p.x, a[i], Main.count, RAM[256]. */
static bool postfix(parser *ps, debug_value *out)
{
    skip_blanks(ps);
    const char *start = ps->p;
    if (!primary(ps, out)) return false;
    for (;;) {
        skip_blanks(ps);
        if (*ps->p == '.') {
            ps->p++;
            const char *name;
            size_t length = identifier(ps, &name);
            const hack_jack_class_variables *c = out->type ? debug_class(ps->d, out->type, strlen(out->type)) : NULL;
            if (length && ps->syntax_only) continue;
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
            const char *at = ps->p;
            uint16_t base = out->value;
            bool null_array = base == 0 && out->has_address && !out->symbol;
            debug_value index;
            if (!index_of(ps, &index)) return false;
            /* a variable that holds 0 holds no array: its elements would be RAM[0..], SP, LCL... */
            if (null_array && !ps->syntax_only)
                return parse_fail(ps, "%.*s is null (0): there is no array to index (RAM[N] names a word of RAM)",
                                  start, (size_t)(at - start));
            uint16_t address = (uint16_t)(base + index.value);
            if (address >= HACK_RAM_SIZE) return parse_fail(ps, "the element is outside RAM%.*s", "", 0);
            word_value(ps->d, address, NULL, out);
        } else {
            return true;
        }
    }
}

static bool unary(parser *ps, debug_value *out)
{
    skip_blanks(ps);
    char op = *ps->p;
    if (op == '-' || op == '~' || op == '!' || op == '&' || op == '*') {
        ps->p++;
        if (!unary(ps, out)) return false;
        switch (op) {
        case '-': *out = plain((uint16_t)(0u - out->value), NULL); break;
        case '~': *out = plain((uint16_t)~out->value, NULL); break;
        case '!': *out = plain(out->value ? 0 : 0xFFFFu, "boolean"); break;
        case '&':
            if (!out->has_address) return parse_fail(ps, "'&': the value is no word of RAM%.*s", "", 0);
            *out = plain(out->address, NULL);
            break;
        default:
            if (out->value >= HACK_RAM_SIZE) return parse_fail(ps, "'*': %.*s is not a RAM address", "", 0);
            word_value(ps->d, out->value, NULL, out);
            break;
        }
        return true;
    }
    return postfix(ps, out);
}

/* Arithmetic as the Hack ALU does it, on 16-bit words (signed for / and *, comparisons signed); comparisons
 * and logic give Jack's booleans (true is -1); the precedences are C's. A result is a plain word. */
static bool binary(parser *ps, int level, debug_value *out);

static const struct {
    const char *op, *not_before;
    int level;
} operators[] = {
    {"||", NULL, 0}, {"&&", NULL, 1}, {"|", "|", 2}, {"&", "&", 3},
    {"==", NULL, 4}, {"!=", NULL, 4}, {"<>", NULL, 4}, {"=", "=", 4},
    {"<=", NULL, 5}, {">=", NULL, 5}, {"<", "=>", 5}, {">", "=", 5},
    {"+", NULL, 6}, {"-", NULL, 6}, {"*", NULL, 7}, {"/", NULL, 7},
};
enum { LEVELS = 8 };

static bool apply(parser *ps, const char *op, debug_value *out, const debug_value *right)
{
    int32_t a = (int16_t)out->value, b = (int16_t)right->value;
    uint16_t x = out->value, y = right->value;
    if (strcmp(op, "/") == 0 && b == 0 && ps->syntax_only) b = 1;
    if (strcmp(op, "/") == 0 && b == 0) return parse_fail(ps, "division by zero%.*s", "", 0);
    uint16_t truth = 0xFFFFu;
    if (strcmp(op, "||") == 0) *out = plain(x || y ? truth : 0, "boolean");
    else if (strcmp(op, "&&") == 0) *out = plain(x && y ? truth : 0, "boolean");
    else if (strcmp(op, "|") == 0) *out = plain(x | y, NULL);
    else if (strcmp(op, "&") == 0) *out = plain(x & y, NULL);
    else if (strcmp(op, "==") == 0 || strcmp(op, "=") == 0) *out = plain(x == y ? truth : 0, "boolean");
    else if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0) *out = plain(x != y ? truth : 0, "boolean");
    else if (strcmp(op, "<=") == 0) *out = plain(a <= b ? truth : 0, "boolean");
    else if (strcmp(op, ">=") == 0) *out = plain(a >= b ? truth : 0, "boolean");
    else if (strcmp(op, "<") == 0) *out = plain(a < b ? truth : 0, "boolean");
    else if (strcmp(op, ">") == 0) *out = plain(a > b ? truth : 0, "boolean");
    else if (strcmp(op, "+") == 0) *out = plain((uint16_t)(x + y), NULL);
    else if (strcmp(op, "-") == 0) *out = plain((uint16_t)(x - y), NULL);
    else if (strcmp(op, "*") == 0) *out = plain((uint16_t)((a * b) & 0xFFFF), NULL);
    else *out = plain((uint16_t)((a / (b ? b : 1)) & 0xFFFF), NULL);
    return true;
}

static bool binary(parser *ps, int level, debug_value *out)
{
    if (level == LEVELS) return unary(ps, out);
    if (!binary(ps, level + 1, out)) return false;
    for (;;) {
        const char *op = NULL;
        for (size_t i = 0; i < sizeof operators / sizeof operators[0] && !op; i++)
            if (operators[i].level == level && take(ps, operators[i].op, operators[i].not_before)) op = operators[i].op;
        if (!op) return true;
        debug_value right;
        if (!binary(ps, level + 1, &right) || !apply(ps, op, out, &right)) return false;
    }
}

static bool expression(parser *ps, debug_value *out)
{
    return binary(ps, 0, out);
}

bool debug_check_syntax(hack_debugger *d, const char *text, char *error, size_t size)
{
    parser ps = {.d = d, .p = text, .error = error, .size = size, .syntax_only = true};
    debug_value out;
    if (!expression(&ps, &out)) return false;
    skip_blanks(&ps);
    if (*ps.p) return parse_fail(&ps, "unexpected '%.*s'", ps.p, strlen(ps.p));
    return true;
}

bool debug_evaluate(hack_debugger *d, const char *text, debug_value *out, char *error, size_t size)
{
    parser ps = {.d = d, .p = text, .error = error, .size = size};
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
    const hack_machine *m = d->machine;
    uint16_t array = hack_machine_ram(m, object + chars->index), n = hack_machine_ram(m, object + length->index);
    if (n > 200 || (uint32_t)array + n > HACK_RAM_SIZE) return false;
    size_t used = 0;
    for (uint16_t i = 0; i < n && used + 5 < size; i++) {
        uint16_t ch = hack_machine_ram(m, array + i);
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

void hack_debugger_format(hack_debugger *d, const char *type, uint16_t value, char *text, size_t size)
{
    debug_format_value(d, type, value, text, size);
}
