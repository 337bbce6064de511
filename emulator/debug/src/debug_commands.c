/* The debugger's commands (gdb-like text, one a line) and its names: Jack variables of the selected frame,
 * fields, statics, array elements, RAM words and registers, shown with their declared types. */
#include "debugger_internal.h"

#include "hack/path.h"
#include "hack/backtrace.h"
#include "hack/heap.h"
#include "hack/screenshot.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int as_signed(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

/* ---- names ---- */

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

static const debug_frame *selected(hack_debugger *d, debug_frame *frames, size_t *count)
{
    *count = debug_frames(d, frames, DEBUG_MAX_FRAMES);
    if ((size_t)d->selected_frame >= *count) d->selected_frame = (int)*count - 1;
    return &frames[d->selected_frame];
}

static bool word_value(hack_debugger *d, uint16_t address, const char *type, debug_value *out)
{
    *out = (debug_value){true, address, d->machine->ram[address], type, false};
    return true;
}

static const hack_jack_variable *find_in(const hack_jack_variable *list, size_t count, const char *name, size_t length,
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
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count;
    const debug_frame *f = selected(d, frames, &count);
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    const hack_source_location *here = debug_location(d, d->machine->pc);
    bool in_routine = d->selected_frame == 0 && here && here->routine != HACK_ROUTINE_NONE;
    const hack_jack_variable *v = sub ? find_in(sub->variables, sub->count, name, length, -1) : NULL;
    if (v && in_routine)
        return parse_fail(ps, "'%.*s': the PC is in the translator's call or return code, where frames are in "
                              "flux: `step` or `vmstep` first", name, length);
    if (v) return word_value(d, (uint16_t)((v->kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl) + v->index), v->type, out);
    if (length == 4 && strncmp(name, "this", 4) == 0 && c)
        return word_value(d, f->this_address, c->name, out);
    v = c ? find_in(c->variables, c->count, name, length, HACK_JACK_FIELD) : NULL;
    if (v && sub && sub->kind != HACK_JACK_FUNCTION) {
        uint16_t object = d->machine->ram[f->this_address];
        if (!object) return parse_fail(ps, "'%.*s': a field, and `this` is null here", name, length);
        return word_value(d, (uint16_t)(object + v->index), v->type, out);
    }
    v = c ? find_in(c->variables, c->count, name, length, HACK_JACK_STATIC) : NULL;
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
            const hack_jack_variable *v = find_in(c->variables, c->count, name, length,
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

static bool is_primitive(const char *type)
{
    return !type || strcmp(type, "int") == 0 || strcmp(type, "char") == 0 || strcmp(type, "boolean") == 0;
}

/* The text of a String of the project's OS (fields chars, an Array, and length). */
static bool string_text(hack_debugger *d, uint16_t object, char *buf, size_t size)
{
    const hack_jack_class_variables *c = debug_class(d, "String", 6);
    if (!c || !object) return false;
    const hack_jack_variable *chars = find_in(c->variables, c->count, "chars", 5, HACK_JACK_FIELD);
    const hack_jack_variable *length = find_in(c->variables, c->count, "length", 6, HACK_JACK_FIELD);
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

static void format_value(hack_debugger *d, const char *type, uint16_t value, char *buf, size_t size)
{
    if (!type || strcmp(type, "int") == 0) {
        snprintf(buf, size, "%d", as_signed(value));
    } else if (strcmp(type, "boolean") == 0) {
        if (value == 0 || value == 0xFFFFu)
            snprintf(buf, size, "%s", value ? "true" : "false");
        else
            snprintf(buf, size, "%d", as_signed(value));
    } else if (strcmp(type, "char") == 0) {
        if (value >= 32 && value < 127)
            snprintf(buf, size, "%d '%c'", as_signed(value), (char)value);
        else
            snprintf(buf, size, "%d", as_signed(value));
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

static void print_command(hack_debugger *d, const char *text)
{
    bool words = text[0] == '*';
    if (words) text++;
    while (*text == ' ') text++;
    debug_value v;
    char error[300], shown[400];
    if (!*text) {
        debug_say(d, "print: name a variable, a field (this.x, p.x), a static (Main.count), an element (a[3]), "
                     "RAM[ADDRESS] or a register\n");
        return;
    }
    if (!debug_evaluate(d, text, &v, error, sizeof error)) {
        debug_say(d, "print: %s\n", error);
        return;
    }
    if (!words) {
        format_value(d, v.type, v.value, shown, sizeof shown);
        debug_say(d, "%s = %s\n", text, shown);
        return;
    }
    const hack_jack_class_variables *c = v.type ? debug_class(d, v.type, strlen(v.type)) : NULL;
    if (is_primitive(v.type) || !c || strcmp(v.type, "Array") == 0) {
        debug_say(d, "print: *%s: %s; `x/N %s` shows N words from its address\n", text,
                  is_primitive(v.type) ? "not an object" : "an object whose fields are not known", text);
        return;
    }
    if (!v.value) {
        debug_say(d, "*%s = (%s) null\n", text, v.type);
        return;
    }
    char line[2000];
    size_t used = (size_t)snprintf(line, sizeof line, "*%s = (%s) %u {", text, v.type, (unsigned)v.value);
    bool first = true;
    for (size_t i = 0; i < c->count && used < sizeof line; i++) {
        const hack_jack_variable *field = &c->variables[i];
        if (field->kind != HACK_JACK_FIELD || (uint32_t)v.value + field->index >= HACK_RAM_SIZE) continue;
        format_value(d, field->type, d->machine->ram[v.value + field->index], shown, sizeof shown);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s = %s", first ? "" : ", ", field->name, shown);
        first = false;
    }
    debug_say(d, "%s}\n", line);
}

/* x/N ADDRESS: N words of RAM from ADDRESS (a number, RAM symbol, or a variable holding an address). */
static void examine_command(hack_debugger *d, const char *rest)
{
    unsigned long count = 8;
    if (*rest == '/') {
        char *end;
        count = strtoul(rest + 1, &end, 10);
        if (end == rest + 1 || count == 0 || count > 4096) {
            debug_say(d, "x: expected x/N ADDRESS, N from 1 to 4096\n");
            return;
        }
        rest = end;
    }
    while (*rest == ' ') rest++;
    debug_value v;
    char error[300];
    if (!*rest) {
        debug_say(d, "x: expected x/N ADDRESS\n");
        return;
    }
    if (!debug_evaluate(d, rest, &v, error, sizeof error)) {
        debug_say(d, "x: %s\n", error);
        return;
    }
    /* a number is the address; a variable (a pointer, an Array) holds it */
    uint16_t address = v.value;
    bool numeric = isdigit((unsigned char)rest[0]);
    if (numeric) address = v.value;
    for (unsigned long i = 0; i < count && address + i < HACK_RAM_SIZE; i += 8) {
        char line[200];
        size_t used = (size_t)snprintf(line, sizeof line, "%5lu:", address + i);
        for (unsigned long k = i; k < count && k < i + 8 && address + k < HACK_RAM_SIZE; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, " %6d", as_signed(d->machine->ram[address + k]));
        debug_say(d, "%s\n", line);
    }
}

/* ---- the call stack ---- */

static void frame_arguments(hack_debugger *d, const debug_frame *f, char *buf, size_t size)
{
    buf[0] = '\0';
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    size_t used = 0;
    for (size_t i = 0; sub && i < sub->count && used < size; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != HACK_JACK_ARGUMENT) continue;
        char shown[300];
        format_value(d, v->type, d->machine->ram[(uint16_t)(f->arg + v->index)], shown, sizeof shown);
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : " ", v->name, shown);
    }
}

static void frame_line(hack_debugger *d, const debug_frame *frames, size_t i, char *buf, size_t size)
{
    char where[200], args[600];
    hack_backtrace_describe(d->program, frames[i].pc, where, sizeof where);
    frame_arguments(d, &frames[i], args, sizeof args);
    snprintf(buf, size, "#%zu  %s%s", i, where, args);
}

static bool in_routine(hack_debugger *d)
{
    const hack_source_location *here = debug_location(d, d->machine->pc);
    return here && here->routine != HACK_ROUTINE_NONE;
}

static void backtrace_command(hack_debugger *d)
{
    if (in_routine(d)) { /* frames in flux: the driver's call stack, without arguments */
        char stack[4000];
        hack_backtrace(d->machine, d->program, stack, sizeof stack);
        size_t n = 0;
        for (char *line = strtok(stack, "\n"); line; line = strtok(NULL, "\n")) {
            const char *text = line;
            if (strncmp(text, "  in ", 5) == 0) text += 5;
            else if (strncmp(text, "  called from ", 14) == 0) text += 14;
            debug_say(d, "#%zu  %s\n", n++, text);
        }
        return;
    }
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count = debug_frames(d, frames, DEBUG_MAX_FRAMES);
    for (size_t i = 0; i < count; i++) {
        char line[900];
        frame_line(d, frames, i, line, sizeof line);
        debug_say(d, "%s\n", line);
    }
    if (count == DEBUG_MAX_FRAMES) debug_say(d, "(more frames follow)\n");
}

static void frame_command(hack_debugger *d, int which)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count = debug_frames(d, frames, DEBUG_MAX_FRAMES);
    if (which < 0 || (size_t)which >= count) {
        debug_say(d, "frame: there are frames 0..%zu\n", count - 1);
        return;
    }
    d->selected_frame = which;
    char line[900];
    frame_line(d, frames, (size_t)which, line, sizeof line);
    debug_say(d, "%s\n", line);
}

static void variables_command(hack_debugger *d, hack_jack_variable_kind kind)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count;
    const debug_frame *f = selected(d, frames, &count);
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f->function, &c);
    if (!sub) {
        debug_say(d, "No Jack variables known here.\n");
        return;
    }
    bool any = false;
    for (size_t i = 0; i < sub->count; i++) {
        const hack_jack_variable *v = &sub->variables[i];
        if (v->kind != kind) continue;
        char shown[300];
        format_value(d, v->type, d->machine->ram[(uint16_t)((kind == HACK_JACK_ARGUMENT ? f->arg : f->lcl) + v->index)],
                     shown, sizeof shown);
        debug_say(d, "%s %s = %s\n", v->type, v->name, shown);
        any = true;
    }
    if (!any) debug_say(d, "No %s.\n", kind == HACK_JACK_ARGUMENT ? "arguments" : "locals");
}

/* ---- source and code ---- */

static void list_command(hack_debugger *d)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count;
    const debug_frame *f = selected(d, frames, &count);
    const hack_source_location *l = debug_location(d, f->pc);
    if (!l || (!l->jack_line && !l->line)) {
        debug_say(d, "No source here.\n");
        return;
    }
    size_t file = l->jack_line ? l->jack_file : l->file;
    uint32_t line = l->jack_line ? l->jack_line : l->line;
    uint32_t first = line > 5 ? line - 5 : 1;
    for (uint32_t n = first; n < first + 11; n++) {
        size_t length;
        const char *text = debug_source_line(d, file, n, &length);
        if (!text) break;
        debug_say(d, "%s%" PRIu32 "\t%.*s\n", n == line ? ">" : " ", n, (int)length, text);
    }
}

static void disassemble_command(hack_debugger *d)
{
    debug_frame frames[DEBUG_MAX_FRAMES];
    size_t count;
    const debug_frame *f = selected(d, frames, &count);
    uint32_t first = f->pc > 6 ? f->pc - 6u : 0, last = f->pc + 6u;
    for (uint32_t pc = first; pc <= last && pc < HACK_ROM_SIZE && pc < d->program->count; pc++) {
        char text[40], name[200] = "";
        hack_disassemble(d->machine->rom[pc], text, sizeof text);
        const hack_symbol *best = NULL;
        for (size_t i = 0; i < d->program->symbols.count; i++) {
            const hack_symbol *s = &d->program->symbols.entries[i];
            /* functions, and labels but the translator's own ($ret, $$CALL) */
            if ((s->kind == HACK_SYMBOL_FUNCTION || (s->kind == HACK_SYMBOL_LABEL && !strchr(s->name, '$'))) && s->value <= pc &&
                (!best || s->value > best->value))
                best = s;
        }
        if (best && best->value == pc)
            snprintf(name, sizeof name, " <%s>", best->name);
        else if (best)
            snprintf(name, sizeof name, " <%s+%u>", best->name, (unsigned)(pc - best->value));
        debug_say(d, "%s%5u%s  %s\n", pc == f->pc ? "=> " : "   ", (unsigned)pc, name, text);
    }
}

static void line_command(hack_debugger *d)
{
    uint16_t pc = d->machine->pc;
    const hack_source_location *l = debug_location(d, pc);
    const hack_symbol *f = hack_program_function_at(d->program, pc);
    char text[40];
    hack_disassemble(d->machine->rom[pc], text, sizeof text);
    debug_say(d, "PC %u: %s%s%s\n", (unsigned)pc, text, f ? ", in " : "", f ? f->name : "");
    if (l && l->line && l->file < d->program->source_file_count) {
        size_t length;
        const char *vm = debug_source_line(d, l->file, l->line, &length);
        debug_say(d, "VM:   %s:%" PRIu32 "%s%.*s\n", hack_path_base_name(d->program->source_files[l->file]), l->line,
                  vm ? "  " : "", vm ? (int)length : 0, vm ? vm : "");
    }
    if (l && l->jack_line && l->jack_file < d->program->source_file_count) {
        size_t length;
        const char *jack = debug_source_line(d, l->jack_file, l->jack_line, &length);
        while (jack && length && (*jack == ' ' || *jack == '\t')) {
            jack++;
            length--;
        }
        debug_say(d, "Jack: %s:%" PRIu32 "%s%.*s\n", hack_path_base_name(d->program->source_files[l->jack_file]),
                  l->jack_line, jack ? "  " : "", jack ? (int)length : 0, jack ? jack : "");
    }
}

static void breakpoints_command(hack_debugger *d)
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

static void registers_command(hack_debugger *d)
{
    const hack_machine *m = d->machine;
    debug_say(d, "A=%d D=%d PC=%u SP=%u LCL=%u ARG=%u THIS=%u THAT=%u cycles=%" PRIu64 "\n", as_signed(m->a),
              as_signed(m->d), (unsigned)m->pc, (unsigned)m->ram[0], (unsigned)m->ram[1], (unsigned)m->ram[2],
              (unsigned)m->ram[3], (unsigned)m->ram[4], m->cycles);
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
    const uint16_t *screen = d->machine->ram + HACK_SCREEN;
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
    "Running:   run [N] (from the start, or N more instructions), continue (c), step (s), next (n),\n"
    "           finish, stepi (si: an instruction), vmstep (a VM command), reset; an empty line repeats\n"
    "Stopping:  break SPEC (b), tbreak SPEC, watch EXPR [== VALUE], delete [N], info breakpoints\n"
    "           SPEC: File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS, LABEL\n"
    "Looking:   print EXPR (p), print *EXPR (an object's fields), x/N EXPR (RAM words), backtrace (bt),\n"
    "           frame N, up, down, info locals|args|registers|line|heap, list, disassemble, screen [FILE.png]\n"
    "           EXPR: a variable, this, this.x, p.x, Main.count, a[i], RAM[N], A, D, PC, SP, R13...\n"
    "Keyboard:  key K (hold key K down: a code, 'c' or a name such as newline; key 0 releases it),\n"
    "           type TEXT (each key pressed and released; \\n Enter)\n"
    "quit (q)\n";

static void report_added(hack_debugger *d, int number, bool watch, hack_diag_list *diags)
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

static bool is(const char *word, size_t length, const char *name, const char *alias)
{
    return (strlen(name) == length && strncmp(word, name, length) == 0) ||
           (alias && strlen(alias) == length && strncmp(word, alias, length) == 0);
}

bool hack_debugger_command(hack_debugger *d, const char *line)
{
    char text[512];
    while (*line == ' ' || *line == '\t') line++;
    snprintf(text, sizeof text, "%s", line);
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n')) text[--n] = '\0';
    if (!n) {
        if (!d->repeat[0]) return true;
        snprintf(text, sizeof text, "%s", d->repeat);
    }
    if (text[0] == '#') return true; /* a comment, for scripted sessions */
    size_t word_length = strcspn(text, " /");
    const char *rest = text + word_length;
    while (*rest == ' ') rest++;
    const char *word = text;
    d->repeat[0] = '\0';
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (is(word, word_length, "quit", "q")) {
        hack_diag_list_free(&diags);
        return false;
    } else if (is(word, word_length, "break", "b") || is(word, word_length, "tbreak", NULL)) {
        if (!*rest) {
            debug_say(d, "break: expected File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS or a label\n");
        } else {
            int number = hack_debugger_add_breakpoint(d, rest, "break", &diags);
            if (number && word[0] == 't') d->points[d->point_count - 1].temporary = true;
            report_added(d, number, false, &diags);
        }
    } else if (is(word, word_length, "watch", NULL)) {
        report_added(d, *rest ? hack_debugger_add_watchpoint(d, rest, "watch", &diags) : 0, true, &diags);
    } else if (is(word, word_length, "delete", "d")) {
        if (!*rest) {
            while (d->point_count) debug_point_remove(d, d->points[0].number);
            hack_session_set_watchpoints(d->session, NULL);
            debug_say(d, "Deleted every breakpoint and watchpoint.\n");
        } else if (debug_point_remove(d, atoi(rest))) {
            debug_say(d, "Deleted %d.\n", atoi(rest));
        } else {
            debug_say(d, "delete: no breakpoint or watchpoint %s\n", rest);
        }
    } else if (is(word, word_length, "run", "r")) {
        if (*rest) {
            char *end;
            unsigned long long count = strtoull(rest, &end, 10);
            if (*end || count == 0)
                debug_say(d, "run: expected a number of instructions\n");
            else
                debug_go(d, count);
        } else {
            if (d->finished || d->machine->cycles) debug_reset(d);
            debug_go(d, UINT64_MAX);
        }
    } else if (is(word, word_length, "continue", "c")) {
        debug_go(d, UINT64_MAX);
        snprintf(d->repeat, sizeof d->repeat, "continue");
    } else if (is(word, word_length, "step", "s") || is(word, word_length, "next", "n") ||
               is(word, word_length, "stepi", "si") || is(word, word_length, "vmstep", "vs")) {
        char how = word[0] == 'v' ? 'v' : word_length > 1 && word[word_length - 1] == 'i' ? 'i' : word[0];
        debug_step(d, how);
        snprintf(d->repeat, sizeof d->repeat, "%.*s", (int)word_length, word);
    } else if (is(word, word_length, "finish", "fin")) {
        debug_finish(d);
    } else if (is(word, word_length, "reset", NULL)) {
        debug_reset(d);
        debug_say(d, "Back at the start (PC 0).\n");
    } else if (is(word, word_length, "print", "p")) {
        print_command(d, rest);
    } else if (is(word, word_length, "x", NULL)) {
        examine_command(d, text + 1);
    } else if (is(word, word_length, "backtrace", "bt") || is(word, word_length, "where", NULL)) {
        backtrace_command(d);
    } else if (is(word, word_length, "frame", "f")) {
        frame_command(d, *rest ? atoi(rest) : d->selected_frame);
    } else if (is(word, word_length, "up", NULL) || is(word, word_length, "down", NULL)) {
        frame_command(d, d->selected_frame + (word[0] == 'u' ? 1 : -1));
    } else if (is(word, word_length, "list", "l")) {
        list_command(d);
    } else if (is(word, word_length, "disassemble", "disas")) {
        disassemble_command(d);
    } else if (is(word, word_length, "screen", NULL)) {
        screen_command(d, rest);
    } else if (is(word, word_length, "info", "i")) {
        size_t what = strcspn(rest, " ");
        if (is(rest, what, "breakpoints", "b") || is(rest, what, "watchpoints", NULL))
            breakpoints_command(d);
        else if (is(rest, what, "registers", "r"))
            registers_command(d);
        else if (is(rest, what, "locals", NULL))
            variables_command(d, HACK_JACK_LOCAL);
        else if (is(rest, what, "args", NULL))
            variables_command(d, HACK_JACK_ARGUMENT);
        else if (is(rest, what, "line", NULL))
            line_command(d);
        else if (is(rest, what, "heap", NULL))
            heap_command(d);
        else if (is(rest, what, "frame", NULL))
            frame_command(d, d->selected_frame);
        else
            debug_say(d, "info: breakpoints, registers, locals, args, frame, line or heap\n");
    } else if (is(word, word_length, "key", NULL)) {
        debug_key_command(d, rest);
    } else if (is(word, word_length, "type", NULL)) {
        debug_type_command(d, rest);
    } else if (is(word, word_length, "help", "h")) {
        debug_say(d, "%s", help_text);
    } else {
        debug_say(d, "Unknown command '%.*s': `help` lists them.\n", (int)word_length, word);
    }
    hack_diag_list_free(&diags);
    return true;
}
