/* The debugger's commands on data: print (with a format, into the value history), x (RAM words), display
 * (expressions shown at each stop) and set var (a RAM word or a register written). */
#include "debugger_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* /FMT after a command: x hex, d signed, u unsigned, t or b binary (16 digits), c a character, o octal; a count
 * (x's) before it. Size letters gdb takes (h, w, g) are accepted and mean nothing: a word is 16 bits. */
static bool read_format(const char **text, char *format, unsigned long *count)
{
    *format = 0;
    if (**text != '/') return true;
    const char *p = *text + 1;
    char *end;
    unsigned long n = strtoul(p, &end, 10);
    if (end != p) {
        if (!count || n == 0 || n > HACK_RAM_SIZE) return false;
        *count = n;
        p = end;
    }
    for (; *p && *p != ' '; p++) {
        if (strchr("xdutbco", *p)) *format = *p == 'b' ? 't' : *p;
        else if (!strchr("hwg", *p)) return false;
    }
    while (*p == ' ') p++;
    *text = p;
    return true;
}

/* A word in a format (format 0: as its type says). */
static void format_word(hack_debugger *d, const char *type, uint16_t value, char format, char *buf, size_t size)
{
    char number[40];
    switch (format) {
    case 'x': snprintf(number, sizeof number, "0x%x", (unsigned)value); break;
    case 'd': snprintf(number, sizeof number, "%d", debug_signed(value)); break;
    case 'u': snprintf(number, sizeof number, "%u", (unsigned)value); break;
    case 'o': snprintf(number, sizeof number, "0%o", (unsigned)value); break;
    case 't':
        for (int bit = 15; bit >= 0; bit--) number[15 - bit] = (char)('0' + ((value >> bit) & 1));
        number[16] = '\0';
        break;
    case 'c':
        if (value >= 32 && value < 127) snprintf(number, sizeof number, "%d '%c'", debug_signed(value), (char)value);
        else snprintf(number, sizeof number, "%d", debug_signed(value));
        break;
    default: debug_format_value(d, type, value, buf, size); return;
    }
    if (!debug_is_primitive(type) && value) snprintf(buf, size, "(%s) %s", type, number);
    else snprintf(buf, size, "%s", number);
}

static void remember(hack_debugger *d, const char *text, const debug_value *v)
{
    debug_value *grown = realloc(d->history, (d->history_count + 1) * sizeof *grown);
    char **texts = realloc(d->history_texts, (d->history_count + 1) * sizeof *texts);
    if (texts) d->history_texts = texts;
    char *copy = malloc(strlen(text) + 1);
    if (!grown || !texts || !copy) {
        if (grown) d->history = grown;
        free(copy);
        return;
    }
    strcpy(copy, text);
    d->history = grown;
    d->history_texts[d->history_count] = copy;
    d->history[d->history_count++] = *v;
}

/* show values: the value history, "$1: n = 5" ($N in an expression is that value, $ the last, $$ the one
 * before it, $$N the Nth before the last). */
void debug_show_values_command(hack_debugger *d)
{
    if (!d->history_count) {
        debug_say(d, "The value history is empty: each print adds its value ($1, $2...).\n");
        return;
    }
    for (size_t i = 0; i < d->history_count; i++) {
        char shown[400];
        debug_format_value(d, d->history[i].type, d->history[i].value, shown, sizeof shown);
        debug_say(d, "$%zu: %s = %s\n", i + 1, d->history_texts[i], shown);
    }
}

/* "*p = (Point) 14968 {x = 1, y = 2}": an object's fields. False (said) when v is no object of known fields. */
static bool show_fields(hack_debugger *d, const char *text, const debug_value *v, char format, const char *prefix)
{
    const hack_jack_class_variables *c = v->type ? debug_class(d, v->type, strlen(v->type)) : NULL;
    if (debug_is_primitive(v->type) || !c || strcmp(v->type, "Array") == 0) {
        debug_say(d, "print: *%s: %s; `x/N %s` shows N words from its address\n", text,
                  debug_is_primitive(v->type) ? "not an object" : "an object whose fields are not known", text);
        return false;
    }
    if (!v->value) {
        debug_say(d, "%s*%s = (%s) null\n", prefix, text, v->type);
        return true;
    }
    char line[2000], shown[400];
    size_t used = (size_t)snprintf(line, sizeof line, "%s*%s = (%s) %u {", prefix, text, v->type, (unsigned)v->value);
    bool first = true;
    for (size_t i = 0; i < c->count && used < sizeof line; i++) {
        const hack_jack_variable *field = &c->variables[i];
        if (field->kind != HACK_JACK_FIELD || (uint32_t)v->value + field->index >= HACK_RAM_SIZE) continue;
        format_word(d, field->type, hack_machine_ram(d->machine, v->value + field->index), format, shown, sizeof shown);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s = %s", first ? "" : ", ", field->name, shown);
        first = false;
    }
    debug_say(d, "%s}\n", line);
    return true;
}

/* print[/FMT] EXPR, print *EXPR: "n = 5", the value $1 of the value history from then on (show values lists
 * them: front ends read print's answers, which keep their form). prefix: a display's "1: " (NULL: print's). */
static bool show_value(hack_debugger *d, const char *command, const char *text, char format, const char *prefix)
{
    bool fields = text[0] == '*' && !prefix;
    if (fields) text++;
    while (*text == ' ') text++;
    debug_value v;
    char error[300], shown[400];
    if (!*text) {
        debug_say(d, "%s: name a variable, a field (this.x, p.x), a static (Main.count), an element (a[3]), "
                     "RAM[ADDRESS], a register, local[i], argument[i]... or $N\n", command);
        return false;
    }
    if (!debug_evaluate(d, text, &v, error, sizeof error)) {
        debug_say(d, "%s: %s\n", command, error);
        return false;
    }
    const bool printing = !prefix;
    if (printing) prefix = "";
    if (fields) {
        if (show_fields(d, text, &v, format, prefix)) remember(d, text - 1, &v);
        return true;
    }
    format_word(d, v.type, v.value, format, shown, sizeof shown);
    debug_say(d, "%s%s = %s\n", prefix, text, shown);
    if (printing) remember(d, text, &v);
    return true;
}

void debug_print_command(hack_debugger *d, const char *args)
{
    char format;
    if (!read_format(&args, &format, NULL)) {
        debug_say(d, "print: expected print/FMT EXPR, FMT one of x d u t b c o\n");
        return;
    }
    show_value(d, "print", args, format, NULL);
}

/* x[/NFMT] ADDRESS: N words of RAM from ADDRESS: a number, a RAM symbol (SCREEN, R13, an assembly variable)
 * or &EXPR is the address; a Jack variable (a pointer, an Array) holds it. */
void debug_examine_command(hack_debugger *d, const char *args)
{
    unsigned long count = 8;
    char format;
    if (!read_format(&args, &format, &count)) {
        debug_say(d, "x: expected x/NFMT ADDRESS: N from 1 to 32768, FMT one of x d u t b c o\n");
        return;
    }
    debug_value v;
    char error[300];
    if (!*args) {
        debug_say(d, "x: expected x/N ADDRESS\n");
        return;
    }
    if (!debug_evaluate(d, args, &v, error, sizeof error)) {
        debug_say(d, "x: %s\n", error);
        return;
    }
    uint16_t address = v.symbol ? v.address : v.value;
    if (address >= HACK_RAM_SIZE) {
        debug_say(d, "x: %d is not a RAM address (0..32767)\n", debug_signed(address));
        return;
    }
    const unsigned long per_line = format == 't' ? 4 : 8;
    for (unsigned long i = 0; i < count && address + i < HACK_RAM_SIZE; i += per_line) {
        char line[400];
        size_t used = (size_t)snprintf(line, sizeof line, "%5lu:", address + i);
        for (unsigned long k = i; k < count && k < i + per_line && address + k < HACK_RAM_SIZE; k++) {
            char shown[60];
            if (format) format_word(d, NULL, hack_machine_ram(d->machine, address + k), format, shown, sizeof shown);
            else snprintf(shown, sizeof shown, "%6d", debug_signed(hack_machine_ram(d->machine, address + k)));
            used += (size_t)snprintf(line + used, sizeof line - used, " %s", shown);
        }
        debug_say(d, "%s\n", line);
    }
    if (address + count > HACK_RAM_SIZE)
        debug_say(d, "(RAM ends at 32767: %lu words shown)\n", (unsigned long)(HACK_RAM_SIZE - address));
}

/* ---- display ---- */

static void show_display(hack_debugger *d, const debug_display *shown)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%d: ", shown->number);
    show_value(d, "display", shown->expression, shown->format, prefix);
}

void debug_show_displays(hack_debugger *d)
{
    for (size_t i = 0; i < d->display_count; i++)
        if (d->displays[i].enabled) show_display(d, &d->displays[i]);
}

void debug_display_command(hack_debugger *d, const char *args)
{
    char format;
    if (!*args) {
        size_t enabled = 0;
        for (size_t i = 0; i < d->display_count; i++) enabled += d->displays[i].enabled;
        if (!enabled) debug_say(d, "No expressions to display (display EXPR adds one).\n"); /* (every command answers) */
        debug_show_displays(d);
        return;
    }
    if (!read_format(&args, &format, NULL) || !*args) {
        debug_say(d, "display: expected display[/FMT] EXPR, FMT one of x d u t b c o\n");
        return;
    }
    debug_value v;
    char error[300];
    if (!debug_evaluate(d, args, &v, error, sizeof error)) {
        debug_say(d, "display: %s\n", error);
        return;
    }
    debug_display *grown = realloc(d->displays, (d->display_count + 1) * sizeof *grown);
    char *copy = malloc(strlen(args) + 1);
    if (!grown || !copy) {
        if (grown) d->displays = grown;
        free(copy);
        debug_say(d, "display: out of memory\n");
        return;
    }
    strcpy(copy, args);
    d->displays = grown;
    debug_display *added = &d->displays[d->display_count++];
    *added = (debug_display){++d->display_number, copy, format, true};
    show_display(d, added);
}

void debug_undisplay_command(hack_debugger *d, const char *args)
{
    if (!*args) {
        for (size_t i = 0; i < d->display_count; i++) free(d->displays[i].expression);
        d->display_count = 0;
        debug_say(d, "Deleted every display.\n");
        return;
    }
    for (const char *at = args; *at;) {
        char *end;
        long n = strtol(at, &end, 10);
        size_t i = 0;
        while (i < d->display_count && d->displays[i].number != n) i++;
        if (end == at || i == d->display_count) {
            debug_say(d, "undisplay: no display %.*s\n", (int)strcspn(at, " "), at);
            return;
        }
        free(d->displays[i].expression);
        memmove(&d->displays[i], &d->displays[i + 1], (d->display_count - i - 1) * sizeof *d->displays);
        d->display_count--;
        at = end;
        while (*at == ' ') at++;
    }
}

void debug_info_display_command(hack_debugger *d)
{
    if (!d->display_count) {
        debug_say(d, "No displays.\n");
        return;
    }
    debug_say(d, "Auto-display expressions now in effect:\nNum Enb Expression\n");
    for (size_t i = 0; i < d->display_count; i++) {
        const debug_display *shown = &d->displays[i];
        char format[4] = "";
        if (shown->format) snprintf(format, sizeof format, "/%c", shown->format);
        debug_say(d, "%-3d %-3s %s%s%s\n", shown->number, shown->enabled ? "y" : "n", format, format[0] ? " " : "",
                  shown->expression);
    }
}

void debug_free_data(hack_debugger *d)
{
    for (size_t i = 0; i < d->display_count; i++) free(d->displays[i].expression);
    free(d->displays);
    for (size_t i = 0; i < d->history_count; i++) free(d->history_texts[i]);
    free(d->history_texts);
    free(d->history);
}

/* ---- set var ---- */

/* The = of an assignment: not part of ==, !=, <= or >=. */
static const char *assignment(const char *text)
{
    for (const char *p = text; (p = strchr(p, '=')) != NULL; p++) {
        bool before = p > text && strchr("=!<>", p[-1]), after = p[1] == '=';
        if (!before && !after) return p;
        if (after) p++;
    }
    return NULL;
}

/* set var TARGET = EXPR: a RAM word (a variable, a field, an element, RAM[N], local[i]...) or A, D, PC. */
void debug_set_command(hack_debugger *d, const char *args)
{
    if (strncmp(args, "var ", 4) == 0) args += 4;
    else if (strncmp(args, "variable ", 9) == 0) args += 9;
    while (*args == ' ') args++;
    const char *equals = assignment(args);
    if (!equals) {
        debug_say(d, "set var: expected set var TARGET = VALUE (a variable, a field, an element, RAM[N], A, D, PC)\n");
        return;
    }
    char target[300];
    size_t n = (size_t)(equals - args);
    while (n && args[n - 1] == ' ') n--;
    snprintf(target, sizeof target, "%.*s", (int)n, args);
    debug_value to, value;
    char error[300];
    if (!debug_evaluate(d, equals + 1, &value, error, sizeof error)) {
        debug_say(d, "set var: %s\n", error);
        return;
    }
    hack_machine *m = d->machine;
    if (strcmp(target, "A") == 0 || strcmp(target, "D") == 0 || strcmp(target, "PC") == 0) {
        if (target[0] == 'P' && value.value >= HACK_ROM_SIZE) {
            debug_say(d, "set var: PC takes a ROM address (0..32767)\n");
            return;
        }
        if (target[0] == 'A') hack_machine_set_a(m, value.value);
        else if (target[0] == 'D') hack_machine_set_d(m, value.value);
        else hack_machine_set_pc(m, value.value);
        d->selected_frame = 0;
        return;
    }
    if (!debug_evaluate(d, target, &to, error, sizeof error)) {
        debug_say(d, "set var: %s\n", error);
        return;
    }
    if (!to.has_address) {
        debug_say(d, "set var: %s is not a word of RAM or a register\n", target);
        return;
    }
    hack_machine_set_ram(m, to.address, value.value);
}
