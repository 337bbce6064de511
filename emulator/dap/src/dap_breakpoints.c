/* Breakpoints as the client sets them: each source's list replaced whole (setBreakpoints), function
 * breakpoints, each made an engine breakpoint (File.jack:LINE, File.vm:LINE, *ADDRESS for a line of an .asm
 * program, or a function's name) once a program is loaded; and, when one is hit, whether it stops: its
 * condition (in the print language, with comparisons), its hit count, or its log message written instead. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "dap_internal.h"

#include "hack/path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *dap_source_key(hack_dap_server *s, const json_t *source)
{
    (void)s;
    const char *path = json_string_value(json_object_get(source, "path"));
    const json_t *reference = json_object_get(source, "sourceReference");
    if (json_is_integer(reference) && json_integer_value(reference) > 0) {
        /* the project's OS: the reference is the file's index + 1 (dap_source_json); kept by name, which
         * does not change */
        const char *name = json_string_value(json_object_get(source, "name"));
        char key[300];
        snprintf(key, sizeof key, "(os)/%s", name ? name : "?");
        return dap_strdup(key);
    }
    if (!path) return NULL;
    char *real = realpath(path, NULL);
    return real ? real : dap_strdup(path);
}

static void free_breakpoint(dap_breakpoint *b)
{
    free(b->source);
    free(b->function);
    free(b->condition);
    free(b->hit_condition);
    free(b->log_message);
}

void dap_free_breakpoints(hack_dap_server *s)
{
    for (size_t i = 0; i < s->breakpoint_count; i++) free_breakpoint(&s->breakpoints[i]);
    free(s->breakpoints);
    s->breakpoints = NULL;
    s->breakpoint_count = 0;
}

/* The program's source file of key: its absolute path, or a file of the project's OS by name. -1: none. */
static int file_of(const hack_dap_server *s, const char *key)
{
    const hack_program *p = &s->program;
    for (size_t i = 0; i < p->source_file_count; i++)
        if ((s->paths[i] && strcmp(s->paths[i], key) == 0) || (!s->paths[i] && strcmp(p->source_files[i], key) == 0))
            return (int)i;
    return -1; /* (a file of the same name elsewhere is another program's) */
}

/* The engine's spec for a line of an .asm program: the first ROM word of that line or of the next with code. */
static bool asm_spec(const hack_dap_server *s, uint32_t line, char *spec, size_t size)
{
    const hack_program *p = &s->program;
    for (uint32_t l = line; l < line + 10; l++)
        for (size_t pc = 0; pc < p->count; pc++)
            if (p->asm_lines[pc] == l) {
                snprintf(spec, size, "*%zu", pc);
                return true;
            }
    return false;
}

/* Makes b an engine breakpoint (the program is loaded). */
static void resolve(hack_dap_server *s, dap_breakpoint *b)
{
    b->verified = false;
    b->number = 0;
    b->message[0] = '\0';
    if (s->no_debug) return;
    char spec[400];
    int file = -1;
    const uint32_t line = b->line + 1 - (uint32_t)s->line_base; /* the engine counts from 1 */
    if (b->function) {
        snprintf(spec, sizeof spec, "%s", b->function);
    } else if (s->asm_path && strcmp(b->source, s->asm_path) == 0) {
        if (!asm_spec(s, line, spec, sizeof spec)) {
            snprintf(b->message, sizeof b->message, "no instruction at or just after line %u", (unsigned)line);
            return;
        }
    } else if ((file = file_of(s, b->source)) >= 0) {
        snprintf(spec, sizeof spec, "%s:%u", hack_path_base_name(s->program.source_files[file]), (unsigned)line);
    } else {
        snprintf(b->message, sizeof b->message, "%s is not part of the program %s", hack_path_base_name(b->source),
                 s->program_path);
        return;
    }
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    b->number = hack_debugger_add_breakpoint(s->debugger, spec, "breakpoint", &diags);
    if (!b->number) snprintf(b->message, sizeof b->message, "%s", hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    if (!b->number) return;
    b->verified = true;
    b->verified_line = b->line;
    hack_debugger_place place;
    if (b->function || !hack_debugger_breakpoint_place(s->debugger, b->number, &place)) return;
    if (s->asm_path && file < 0) {
        hack_debugger_place here = dap_place_of(s, (uint16_t)place.line);
        if (here.file == -2) b->verified_line = here.line - 1 + (uint32_t)s->line_base;
    } else if (place.file == file) {
        b->verified_line = place.line - 1 + (uint32_t)s->line_base; /* a line without code: the next with code */
    }
}

static json_t *breakpoint_json(hack_dap_server *s, const dap_breakpoint *b)
{
    json_t *j = json_pack("{s:i, s:b}", "id", b->id, "verified", b->verified);
    if (b->verified && !b->function) json_object_set_new(j, "line", json_integer(b->verified_line));
    if (!b->verified) {
        const char *why = b->message[0] ? b->message : s->no_debug ? "running without debugging" : "the program is not loaded yet";
        json_object_set_new(j, "message", dap_text(why));
    }
    return j;
}

static void forget(hack_dap_server *s, bool (*which)(const dap_breakpoint *b, const char *key), const char *key)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->breakpoint_count; i++) {
        dap_breakpoint *b = &s->breakpoints[i];
        if (which(b, key)) {
            if (b->number && s->debugger) hack_debugger_remove_point(s->debugger, b->number);
            free_breakpoint(b);
        } else {
            s->breakpoints[kept++] = *b;
        }
    }
    s->breakpoint_count = kept;
}

static bool in_source(const dap_breakpoint *b, const char *key)
{
    return b->source && strcmp(b->source, key) == 0;
}

static bool is_function(const dap_breakpoint *b, const char *key)
{
    (void)key;
    return b->function != NULL;
}

static dap_breakpoint *add(hack_dap_server *s, const json_t *item)
{
    dap_breakpoint *grown = realloc(s->breakpoints, (s->breakpoint_count + 1) * sizeof *grown);
    if (!grown) return NULL;
    s->breakpoints = grown;
    dap_breakpoint *b = &s->breakpoints[s->breakpoint_count++];
    *b = (dap_breakpoint){.id = s->next_breakpoint_id++};
    const char *condition = json_string_value(json_object_get(item, "condition"));
    const char *hit = json_string_value(json_object_get(item, "hitCondition"));
    const char *log = json_string_value(json_object_get(item, "logMessage"));
    b->condition = condition && *condition ? dap_strdup(condition) : NULL;
    b->hit_condition = hit && *hit ? dap_strdup(hit) : NULL;
    b->log_message = log && *log ? dap_strdup(log) : NULL;
    return b;
}

void dap_set_breakpoints(hack_dap_server *s, const json_t *request)
{
    char *key = dap_source_key(s, dap_argument(request, "source"));
    if (!key) {
        dap_fail(s, request, "setBreakpoints: the source has neither a path nor a sourceReference");
        return;
    }
    forget(s, in_source, key);
    json_t *list = json_array();
    const json_t *items = dap_argument(request, "breakpoints");
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item) {
        const json_t *line = json_object_get(item, "line");
        dap_breakpoint *b = json_is_integer(line) && json_integer_value(line) >= s->line_base &&
                                    json_integer_value(line) < 1000000
                                ? add(s, item)
                                : NULL;
        if (!b) {
            json_array_append_new(list, json_pack("{s:b, s:s}", "verified", false, "message", "not a line"));
            continue;
        }
        b->source = dap_strdup(key);
        b->line = (uint32_t)json_integer_value(line);
        if (s->debugger) resolve(s, b);
        json_array_append_new(list, breakpoint_json(s, b));
    }
    free(key);
    dap_respond(s, request, json_pack("{s:o}", "breakpoints", list));
}

void dap_set_function_breakpoints(hack_dap_server *s, const json_t *request)
{
    forget(s, is_function, NULL);
    json_t *list = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(dap_argument(request, "breakpoints"), i, item) {
        const char *name = json_string_value(json_object_get(item, "name"));
        dap_breakpoint *b = name && *name ? add(s, item) : NULL;
        if (!b) {
            json_array_append_new(list, json_pack("{s:b, s:s}", "verified", false, "message", "no function name"));
            continue;
        }
        b->function = dap_strdup(name);
        if (s->debugger) resolve(s, b);
        json_array_append_new(list, breakpoint_json(s, b));
    }
    dap_respond(s, request, json_pack("{s:o}", "breakpoints", list));
}

void dap_apply_breakpoints(hack_dap_server *s)
{
    for (size_t i = 0; i < s->breakpoint_count; i++) {
        dap_breakpoint *b = &s->breakpoints[i];
        if (b->number) continue;
        resolve(s, b);
        dap_event(s, "breakpoint", json_pack("{s:s, s:o}", "reason", "changed", "breakpoint", breakpoint_json(s, b)));
    }
}

/* ---- whether a breakpoint that was hit stops ---- */

/* Where OP (a comparison) is at the top level of text (outside brackets), or NULL. */
static const char *comparison(const char *text, size_t *op_length)
{
    int depth = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '(' || *p == '[') depth++;
        else if (*p == ')' || *p == ']') depth--;
        else if (depth == 0) {
            if ((p[0] == '=' || p[0] == '!' || p[0] == '~' || p[0] == '<' || p[0] == '>') && p[1] == '=') {
                *op_length = 2;
                return p;
            }
            if (p[0] == '=' || p[0] == '<' || p[0] == '>') {
                *op_length = 1;
                return p;
            }
        }
    }
    return NULL;
}

static int as_signed(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

bool dap_condition(hack_dap_server *s, const char *text, bool *value, char *error, size_t size)
{
    hack_debugger_variable v;
    if (hack_debugger_evaluate(s->debugger, text, &v, error, size)) {
        *value = v.value != 0;
        return true;
    }
    size_t op_length;
    const char *op = comparison(text, &op_length);
    if (!op) return false; /* the error of the whole */
    char left[400], right[400];
    snprintf(left, sizeof left, "%.*s", (int)(op - text), text);
    snprintf(right, sizeof right, "%s", op + op_length);
    hack_debugger_variable a, b;
    if (!hack_debugger_evaluate(s->debugger, left, &a, error, size) ||
        !hack_debugger_evaluate(s->debugger, right, &b, error, size))
        return false;
    int x = as_signed(a.value), y = as_signed(b.value);
    switch (op[0]) {
    case '=': *value = x == y; break;
    case '!':
    case '~': *value = x != y; break;
    case '<': *value = op_length == 2 ? x <= y : x < y; break;
    default: *value = op_length == 2 ? x >= y : x > y; break;
    }
    return true;
}

/* "N" (from the Nth time on), ">= N", "> N", "== N", "= N", "< N", "<= N", "% N" (every Nth time). */
static bool hit_count_stops(const char *text, unsigned hits, bool *valid)
{
    while (isspace((unsigned char)*text)) text++;
    char op[3] = "";
    size_t n = 0;
    while (n < 2 && (*text == '=' || *text == '<' || *text == '>' || *text == '%')) op[n++] = *text++;
    op[n] = '\0';
    char *end;
    unsigned long count = strtoul(text, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    *valid = end != text && !*end;
    if (!*valid) return true;
    if (!op[0] || strcmp(op, ">=") == 0) return hits >= count;
    if (strcmp(op, ">") == 0) return hits > count;
    if (strcmp(op, "==") == 0 || strcmp(op, "=") == 0) return hits == count;
    if (strcmp(op, "<") == 0) return hits < count;
    if (strcmp(op, "<=") == 0) return hits <= count;
    if (strcmp(op, "%") == 0) return count && hits % count == 0;
    *valid = false;
    return true;
}

/* A log message with each {EXPR} replaced by its value. */
static void write_log(hack_dap_server *s, const char *message)
{
    hack_strbuf out = {0};
    for (const char *p = message; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            hack_strbuf_append_char(&out, *p++);
            continue;
        }
        char expression[300], error[300], shown[400];
        snprintf(expression, sizeof expression, "%.*s", (int)(close - p - 1), p + 1);
        hack_debugger_variable v;
        if (hack_debugger_evaluate(s->debugger, expression, &v, error, sizeof error)) {
            hack_debugger_format(s->debugger, v.type, v.value, shown, sizeof shown);
            hack_strbuf_append(&out, shown, strlen(shown));
        } else {
            hack_strbuf_appendf(&out, "{%s: %s}", expression, error);
        }
        p = close + 1;
    }
    dap_output(s, "console", hack_strbuf_text(&out));
    hack_strbuf_free(&out);
}

bool dap_breakpoints_stop(hack_dap_server *s, json_t *ids, bool *entry)
{
    int numbers[64];
    size_t count = hack_debugger_breakpoints_here(s->debugger, numbers, 64);
    if (count > 64) count = 64;
    bool stop = false;
    *entry = false;
    hack_debugger_select_frame(s->debugger, 0);
    for (size_t k = 0; k < count; k++) {
        if (s->entry_number && numbers[k] == s->entry_number) {
            hack_debugger_remove_point(s->debugger, s->entry_number);
            s->entry_number = 0;
            *entry = stop = true;
            continue;
        }
        for (size_t i = 0; i < s->breakpoint_count; i++) {
            dap_breakpoint *b = &s->breakpoints[i];
            if (b->number != numbers[k]) continue;
            char error[300], text[400];
            bool holds = true;
            if (b->condition && !dap_condition(s, b->condition, &holds, error, sizeof error)) {
                snprintf(text, sizeof text, "breakpoint condition '%s': %s (stopped)", b->condition, error);
                dap_output(s, "stderr", text);
                holds = true;
            }
            if (!holds) continue;
            b->hits++;
            bool valid = true;
            if (b->hit_condition && !hit_count_stops(b->hit_condition, b->hits, &valid)) continue;
            if (!valid) {
                snprintf(text, sizeof text, "breakpoint hit count '%s': expected N, >= N, > N, == N, < N, <= N or %% N (stopped)",
                         b->hit_condition);
                dap_output(s, "stderr", text);
            }
            if (b->log_message) {
                write_log(s, b->log_message);
                continue;
            }
            stop = true;
            json_array_append_new(ids, json_integer(b->id));
        }
    }
    return stop;
}
