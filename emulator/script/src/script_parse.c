/* The test-script language's parser: text to the list of commands (script_parse.h), errors as diagnostics
 * with the script's file:line:column; nothing here runs a command. */
#include "script_parse.h"

#include "hack/textfile.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

typedef enum { T_WORD, T_STRING, T_END_COMMAND, T_OPEN, T_CLOSE, T_EOF } token_kind;

typedef struct {
    token_kind kind;
    const char *start;
    size_t length;
    int line, column;
} token;

typedef struct {
    const char *name, *text, *end, *p, *line_start;
    int line;
    token current;
    hack_diag_list *diags;
    bool failed;
} parser;

static size_t line_length_from(const char *start, const char *end)
{
    const char *newline = memchr(start, '\n', (size_t)(end - start));
    return (size_t)((newline ? newline : end) - start);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void parse_error(parser *ps, const token *at, const char *format, ...)
{
    if (ps->failed) return; /* one error: after it the rest of the parse is not trustworthy */
    ps->failed = true;
    const char *line_start = at->start - (at->column - 1);
    va_list args;
    va_start(args, format);
    hack_diag_addv(ps->diags, HACK_DIAG_ERROR, ps->name, at->line, at->column, line_start,
                   line_length_from(line_start, ps->end), format, args);
    va_end(args);
}

static bool is_word_char(const char *p, const char *end)
{
    char c = *p;
    if (isspace((unsigned char)c) || c == ',' || c == ';' || c == '!' || c == '{' || c == '}' || c == '"')
        return false;
    if (c == '/' && p + 1 < end && (p[1] == '/' || p[1] == '*')) return false;
    return true;
}

static void advance(parser *ps)
{
    for (;;) {
        while (ps->p < ps->end && isspace((unsigned char)*ps->p)) {
            if (*ps->p == '\n') {
                ps->line++;
                ps->line_start = ps->p + 1;
            }
            ps->p++;
        }
        if (ps->p + 1 < ps->end && ps->p[0] == '/' && ps->p[1] == '/') {
            while (ps->p < ps->end && *ps->p != '\n') ps->p++;
            continue;
        }
        if (ps->p + 1 < ps->end && ps->p[0] == '/' && ps->p[1] == '*') {
            token open = {T_EOF, ps->p, 2, ps->line, (int)(ps->p - ps->line_start) + 1};
            ps->p += 2;
            while (ps->p + 1 < ps->end && !(ps->p[0] == '*' && ps->p[1] == '/')) {
                if (*ps->p == '\n') {
                    ps->line++;
                    ps->line_start = ps->p + 1;
                }
                ps->p++;
            }
            if (ps->p + 1 >= ps->end) {
                parse_error(ps, &open, "comment not closed: no '*/' before the end of the file");
                ps->p = ps->end;
            } else {
                ps->p += 2;
            }
            continue;
        }
        break;
    }
    token *t = &ps->current;
    t->start = ps->p;
    t->line = ps->line;
    t->column = (int)(ps->p - ps->line_start) + 1;
    t->length = 1;
    if (ps->p >= ps->end) {
        t->kind = T_EOF;
        t->length = 0;
        return;
    }
    char c = *ps->p;
    if (c == ',' || c == ';' || c == '!') {
        t->kind = T_END_COMMAND;
        ps->p++;
    } else if (c == '{') {
        t->kind = T_OPEN;
        ps->p++;
    } else if (c == '}') {
        t->kind = T_CLOSE;
        ps->p++;
    } else if (c == '"') {
        const char *close = ps->p + 1;
        while (close < ps->end && *close != '"' && *close != '\n') close++;
        if (close >= ps->end || *close != '"') {
            parse_error(ps, t, "string not closed: no '\"' before the end of the line");
            ps->p = close;
            t->kind = T_EOF;
            return;
        }
        t->kind = T_STRING;
        t->start = ps->p + 1;
        t->length = (size_t)(close - ps->p - 1);
        t->column++;
        ps->p = close + 1;
    } else {
        t->kind = T_WORD;
        const char *q = ps->p;
        while (q < ps->end && is_word_char(q, ps->end)) q++;
        t->length = (size_t)(q - ps->p);
        ps->p = q;
    }
}

static bool word_is(const token *t, const char *word)
{
    return t->kind == T_WORD && strlen(word) == t->length && memcmp(t->start, word, t->length) == 0;
}

static char *copy_token(const token *t)
{
    char *text = malloc(t->length + 1);
    if (!text) return NULL;
    memcpy(text, t->start, t->length);
    text[t->length] = '\0';
    return text;
}

static bool parse_unsigned(const char *s, size_t n, uint64_t limit, uint64_t *value)
{
    if (n == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > limit) return false;
    }
    *value = v;
    return true;
}

/* CPU: A, D, PC, time, RAM[i], ROM[i]. VM: sp, local, argument, this, that (RAM[0..4]), local[i],
 * argument[i], this[i], that[i], temp[i], currentFunction, line. */
static bool parse_variable(const char *s, size_t n, script_variable *var)
{
    static const struct {
        const char *name;
        script_variable_kind kind;
        uint16_t index;
    } simple[] = {{"A", SCRIPT_VAR_A, 0},       {"D", SCRIPT_VAR_D, 0},         {"PC", SCRIPT_VAR_PC, 0},
                  {"time", SCRIPT_VAR_TIME, 0}, {"sp", SCRIPT_VAR_RAM, 0},      {"local", SCRIPT_VAR_RAM, 1},
                  {"argument", SCRIPT_VAR_RAM, 2}, {"this", SCRIPT_VAR_RAM, 3}, {"that", SCRIPT_VAR_RAM, 4},
                  {"currentFunction", SCRIPT_VAR_CURRENT_FUNCTION, 0},   {"line", SCRIPT_VAR_LINE, 0}};
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (strlen(simple[i].name) == n && memcmp(simple[i].name, s, n) == 0) {
            *var = (script_variable){simple[i].kind, simple[i].index};
            return true;
        }
    static const struct {
        const char *prefix;
        script_variable_kind kind;
        uint64_t limit;
        uint16_t offset;
    } indexed[] = {{"RAM[", SCRIPT_VAR_RAM, 32767, 0},        {"ROM[", SCRIPT_VAR_ROM, 32767, 0},
                   {"local[", SCRIPT_VAR_LOCAL_I, 32767, 0},  {"argument[", SCRIPT_VAR_ARGUMENT_I, 32767, 0},
                   {"this[", SCRIPT_VAR_THIS_I, 32767, 0},    {"that[", SCRIPT_VAR_THAT_I, 32767, 0},
                   {"temp[", SCRIPT_VAR_RAM, 7, 5}};
    for (size_t i = 0; i < sizeof indexed / sizeof indexed[0]; i++) {
        size_t p = strlen(indexed[i].prefix);
        if (n > p + 1 && memcmp(s, indexed[i].prefix, p) == 0 && s[n - 1] == ']') {
            uint64_t index;
            if (!parse_unsigned(s + p, n - p - 1, indexed[i].limit, &index)) return false;
            *var = (script_variable){indexed[i].kind, (uint16_t)(index + indexed[i].offset)};
            return true;
        }
    }
    return false;
}

/* A value: decimal (-32768..65535), or %D, %X (hex), %B (binary) followed by digits. */
static bool parse_value(const char *s, size_t n, int32_t *value)
{
    int base = 10;
    if (n >= 2 && s[0] == '%') {
        switch (s[1]) {
        case 'D': base = 10; break;
        case 'X': base = 16; break;
        case 'B': base = 2; break;
        default: return false;
        }
        s += 2;
        n -= 2;
    }
    bool negative = false;
    if (n > 0 && s[0] == '-' && base == 10) {
        negative = true;
        s++;
        n--;
    }
    if (n == 0 || n > 20) return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int digit;
        char c = (char)tolower((unsigned char)s[i]);
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return false;
        if (digit >= base) return false;
        v = v * base + digit;
        if (v > 65535) return false;
    }
    if (negative) v = -v;
    if (v < -32768) return false;
    *value = (int32_t)v;
    return true;
}

static bool parse_format(const char *s, size_t n, hack_script_format *format)
{
    /* %Fl.n.r */
    if (n < 7 || s[0] != '%' || !strchr("BDXS", s[1]) || s[1] == '\0') return false;
    int parts[3], part = 0, digits = 0, v = 0;
    for (size_t i = 2; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (digits == 0 || part == 3) return false;
            parts[part++] = v;
            v = 0;
            digits = 0;
        } else if (isdigit((unsigned char)s[i]) && digits < 3) {
            v = v * 10 + (s[i] - '0');
            digits++;
        } else {
            return false;
        }
    }
    if (part != 3) return false;
    *format = (hack_script_format){s[1], parts[0], parts[1], parts[2]};
    return true;
}

static void free_commands(script_command *commands, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(commands[i].text);
        for (size_t j = 0; j < commands[i].item_count; j++) free(commands[i].items[j].name);
        free(commands[i].items);
        free_commands(commands[i].body, commands[i].body_count);
    }
    free(commands);
}

static script_command *append_command(script_command **list, size_t *count, size_t *capacity)
{
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 16;
        script_command *bigger = realloc(*list, grown * sizeof *bigger);
        if (!bigger) return NULL;
        *list = bigger;
        *capacity = grown;
    }
    script_command *c = &(*list)[(*count)++];
    memset(c, 0, sizeof *c);
    return c;
}

static bool expect_word(parser *ps, const script_command *c, const char *what)
{
    advance(ps);
    if (ps->current.kind == T_WORD) return true;
    (void)c;
    parse_error(ps, &ps->current, "expected %s", what);
    return false;
}

static void expect_end(parser *ps, const char *command_name)
{
    advance(ps);
    if (ps->current.kind == T_END_COMMAND) {
        advance(ps);
        return;
    }
    if (ps->current.kind == T_CLOSE || ps->current.kind == T_EOF) return; /* tolerated before '}' and at the end */
    parse_error(ps, &ps->current, "expected ',' ';' or '!' to end the %s command", command_name);
}

static bool parse_block(parser *ps, script_command **list, size_t *count, bool nested);

static script_comparison parse_operator(const char *s, size_t n, bool *ok)
{
    static const struct {
        const char *text;
        script_comparison op;
    } ops[] = {{"=", SCRIPT_OP_EQ},  {"<>", SCRIPT_OP_NE}, {"<", SCRIPT_OP_LT},
               {"<=", SCRIPT_OP_LE}, {">", SCRIPT_OP_GT},  {">=", SCRIPT_OP_GE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i].text) == n && memcmp(ops[i].text, s, n) == 0) {
            *ok = true;
            return ops[i].op;
        }
    *ok = false;
    return SCRIPT_OP_EQ;
}

/* The loop head: repeat [N] { or while VAR OP VALUE { */
static bool parse_loop(parser *ps, script_command *c, bool nested)
{
    if (nested) {
        parse_error(ps, &ps->current, "repeat and while cannot be nested in the test-script language");
        return false;
    }
    advance(ps);
    if (c->kind == SCRIPT_CMD_REPEAT) {
        if (ps->current.kind == T_WORD) {
            if (!parse_unsigned(ps->current.start, ps->current.length, UINT64_MAX / 65536, &c->count) ||
                c->count == 0) {
                parse_error(ps, &ps->current, "expected a positive repeat count, found '%.*s'",
                            (int)ps->current.length, ps->current.start);
                return false;
            }
            advance(ps);
        } else {
            c->forever = true;
        }
    } else {
        /* while: three words, or one word holding them all (RAM[0]<>0) */
        token t = ps->current;
        if (t.kind != T_WORD) {
            parse_error(ps, &t, "expected a condition after while");
            return false;
        }
        const char *s = t.start, *end = t.start + t.length;
        const char *op_start = s;
        while (op_start < end && !strchr("<>=", *op_start)) op_start++;
        const char *name_end = op_start;
        const char *op_end, *value_start, *value_end;
        token value_token = t;
        if (op_start < end) {
            op_end = op_start;
            while (op_end < end && strchr("<>=", *op_end)) op_end++;
            value_start = op_end;
            value_end = end;
            if (value_start == value_end) {
                advance(ps);
                value_token = ps->current;
                value_start = value_token.start;
                value_end = value_token.start + value_token.length;
            }
        } else {
            advance(ps);
            token op = ps->current;
            op_start = op.start;
            op_end = op.start + op.length;
            advance(ps);
            value_token = ps->current;
            value_start = value_token.start;
            value_end = value_token.start + value_token.length;
        }
        bool ok;
        if (!parse_variable(s, (size_t)(name_end - s), &c->var)) {
            parse_error(ps, &t, "unknown variable '%.*s'", (int)(name_end - s), s);
            return false;
        }
        c->op = parse_operator(op_start, (size_t)(op_end - op_start), &ok);
        if (!ok) {
            parse_error(ps, &t, "expected a comparison (= <> < <= > >=) after '%.*s'", (int)(name_end - s), s);
            return false;
        }
        if (!parse_value(value_start, (size_t)(value_end - value_start), &c->value)) {
            parse_error(ps, &value_token, "expected a value (-32768..65535, or %%X, %%B, %%D and digits)");
            return false;
        }
        advance(ps);
    }
    if (ps->current.kind != T_OPEN) {
        parse_error(ps, &ps->current, "expected '{' to open the loop body");
        return false;
    }
    advance(ps);
    size_t capacity = 0;
    (void)capacity;
    if (!parse_block(ps, &c->body, &c->body_count, true)) return false;
    if (ps->current.kind != T_CLOSE) {
        parse_error(ps, &ps->current, "expected '}' to close the loop that starts at line %d", c->line);
        return false;
    }
    advance(ps);
    if (ps->current.kind == T_END_COMMAND) advance(ps); /* a terminator after '}' is harmless */
    return true;
}

static bool parse_command(parser *ps, script_command *c, bool nested)
{
    token head = ps->current;
    c->line = head.line;
    c->column = head.column;
    static const struct {
        const char *name;
        script_command_kind kind;
    } names[] = {
        {"load", SCRIPT_CMD_LOAD},         {"output-file", SCRIPT_CMD_OUTPUT_FILE},
        {"compare-to", SCRIPT_CMD_COMPARE_TO}, {"output-list", SCRIPT_CMD_OUTPUT_LIST},
        {"output", SCRIPT_CMD_OUTPUT},     {"set", SCRIPT_CMD_SET},
        {"tick", SCRIPT_CMD_TICK},         {"tock", SCRIPT_CMD_TOCK},
        {"ticktock", SCRIPT_CMD_TICKTOCK}, {"vmstep", SCRIPT_CMD_VMSTEP}, {"echo", SCRIPT_CMD_ECHO},
        {"clear-echo", SCRIPT_CMD_CLEAR_ECHO}, {"breakpoint", SCRIPT_CMD_BREAKPOINT},
        {"clear-breakpoints", SCRIPT_CMD_CLEAR_BREAKPOINTS}, {"repeat", SCRIPT_CMD_REPEAT},
        {"while", SCRIPT_CMD_WHILE},
    };
    size_t i = 0;
    while (i < sizeof names / sizeof names[0] && !word_is(&head, names[i].name)) i++;
    if (head.kind != T_WORD || i == sizeof names / sizeof names[0]) {
        if (head.kind == T_WORD)
            parse_error(ps, &head, "unknown command '%.*s'", (int)head.length, head.start);
        else
            parse_error(ps, &head, "expected a command");
        return false;
    }
    c->kind = names[i].kind;
    const char *name = names[i].name;
    switch (c->kind) {
    case SCRIPT_CMD_REPEAT:
    case SCRIPT_CMD_WHILE: return parse_loop(ps, c, nested);
    case SCRIPT_CMD_LOAD:
        advance(ps);
        if (ps->current.kind == T_WORD) {
            c->text = copy_token(&ps->current);
            advance(ps);
        }
        if (ps->current.kind == T_END_COMMAND)
            advance(ps);
        else if (ps->current.kind != T_CLOSE && ps->current.kind != T_EOF)
            parse_error(ps, &ps->current, "expected ',' ';' or '!' to end the load command");
        return !ps->failed;
    case SCRIPT_CMD_OUTPUT_FILE:
    case SCRIPT_CMD_COMPARE_TO:
        if (!expect_word(ps, c, "a file name")) return false;
        c->text = copy_token(&ps->current);
        break;
    case SCRIPT_CMD_ECHO:
        advance(ps);
        if (ps->current.kind != T_STRING && ps->current.kind != T_WORD) {
            parse_error(ps, &ps->current, "expected the text to echo, in double quotes");
            return false;
        }
        c->text = copy_token(&ps->current);
        break;
    case SCRIPT_CMD_SET:
    case SCRIPT_CMD_BREAKPOINT:
        if (!expect_word(ps, c, "a variable (A, D, PC, RAM[i], ROM[i])")) return false;
        if (!parse_variable(ps->current.start, ps->current.length, &c->var)) {
            parse_error(ps, &ps->current, "unknown variable '%.*s'", (int)ps->current.length, ps->current.start);
            return false;
        }
        if (c->kind == SCRIPT_CMD_SET &&
            (c->var.kind == SCRIPT_VAR_TIME || c->var.kind == SCRIPT_VAR_CURRENT_FUNCTION ||
             c->var.kind == SCRIPT_VAR_LINE)) {
            parse_error(ps, &ps->current, "%.*s is read-only", (int)ps->current.length, ps->current.start);
            return false;
        }
        if (!expect_word(ps, c, "a value")) return false;
        if (!parse_value(ps->current.start, ps->current.length, &c->value)) {
            parse_error(ps, &ps->current, "value '%.*s' out of range or malformed (-32768..65535, or %%X, %%B, %%D "
                        "and digits)", (int)ps->current.length, ps->current.start);
            return false;
        }
        if (c->kind == SCRIPT_CMD_SET && c->var.kind == SCRIPT_VAR_PC && (c->value < 0 || c->value > 32767)) {
            parse_error(ps, &ps->current, "PC must be 0..32767");
            return false;
        }
        break;
    case SCRIPT_CMD_OUTPUT_LIST: {
        size_t capacity = 0;
        for (;;) {
            advance(ps);
            if (ps->current.kind != T_WORD) break;
            const token *t = &ps->current;
            const char *percent = memchr(t->start, '%', t->length);
            size_t name_length = percent ? (size_t)(percent - t->start) : t->length;
            script_output_item item = {.format = {'B', 1, 1, 1}};
            if (!parse_variable(t->start, name_length, &item.var)) {
                parse_error(ps, t, "unknown variable '%.*s'", (int)name_length, t->start);
                return false;
            }
            if (percent && !parse_format(percent, t->length - name_length, &item.format)) {
                parse_error(ps, t, "bad format '%.*s' (expected %%Fl.n.r with F one of B D X S, e.g. %%D2.6.2)",
                            (int)(t->length - name_length), percent);
                return false;
            }
            if (c->item_count == capacity) {
                capacity = capacity ? capacity * 2 : 8;
                script_output_item *grown = realloc(c->items, capacity * sizeof *grown);
                if (!grown) return false;
                c->items = grown;
            }
            item.name = malloc(name_length + 1);
            if (!item.name) return false;
            memcpy(item.name, t->start, name_length);
            item.name[name_length] = '\0';
            c->items[c->item_count++] = item;
        }
        if (c->item_count == 0) {
            parse_error(ps, &ps->current, "expected the variables to output");
            return false;
        }
        if (ps->current.kind == T_END_COMMAND)
            advance(ps);
        else if (ps->current.kind != T_CLOSE && ps->current.kind != T_EOF)
            parse_error(ps, &ps->current, "expected ',' ';' or '!' to end the output-list command");
        return !ps->failed;
    }
    default: break;
    }
    expect_end(ps, name);
    return !ps->failed;
}

static bool parse_block(parser *ps, script_command **list, size_t *count, bool nested)
{
    size_t capacity = 0;
    while (!ps->failed && ps->current.kind != T_EOF && ps->current.kind != T_CLOSE) {
        if (ps->current.kind == T_END_COMMAND) { /* an empty command */
            advance(ps);
            continue;
        }
        script_command *c = append_command(list, count, &capacity);
        if (!c) return false;
        if (!parse_command(ps, c, nested)) return false;
    }
    return !ps->failed;
}

hack_script *hack_script_parse(const char *name, const char *text, size_t length, hack_diag_list *diags)
{
    if (!hack_textfile_check(name, text, length, diags)) return NULL;
    hack_script *script = calloc(1, sizeof *script);
    if (!script) return NULL;
    script->name = malloc(strlen(name) + 1);
    if (script->name) strcpy(script->name, name);
    parser ps = {.name = name, .text = text, .end = text + length, .p = text, .line_start = text, .line = 1,
                 .diags = diags};
    advance(&ps);
    bool ok = parse_block(&ps, &script->commands, &script->command_count, false);
    if (ok && ps.current.kind == T_CLOSE) {
        parse_error(&ps, &ps.current, "'}' without a loop to close");
        ok = false;
    }
    if (!ok || ps.failed) {
        if (!ps.failed) hack_diag_add(diags, HACK_DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        hack_script_free(script);
        return NULL;
    }
    return script;
}

hack_script *hack_script_parse_file(const char *path, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return NULL;
    hack_script *script = hack_script_parse(path, text, length, diags);
    free(text);
    return script;
}

void hack_script_free(hack_script *script)
{
    if (!script) return;
    free_commands(script->commands, script->command_count);
    free(script->name);
    free(script);
}

