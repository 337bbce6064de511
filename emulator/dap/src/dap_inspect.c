/* Looking at a stopped program: the thread, the call stack at Jack lines, a frame's scopes (arguments,
 * locals, the fields of `this`, the class's statics, the registers), variables with objects and arrays to
 * open, evaluate (print's expressions; the debugger's looking commands in the REPL), setVariable, the text of
 * the project's OS sources, an error's explanation. */
#define _POSIX_C_SOURCE 200809L
#include "dap_internal.h"

#include "hack/heap.h"
#include "hack/heap_check.h"
#include "hack/os.h"
#include "hack/path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An array whose length the heap does not tell shows this many elements. */
enum { ARRAY_SHOWN = 16, MAX_REFS = 100000, MAX_VARIABLES = 512 };
/* The native heap's words (2048..16383), its first block's data past a segment's two header words. */
enum { HEAP_FIRST_BLOCK = 2048 + 2, HEAP_END = 16384 };

void dap_threads(hack_dap_server *s, const json_t *request)
{
    const char *name = s->program_path ? hack_path_base_name(s->program_path) : "Hack";
    json_t *thread = json_pack("{s:i, s:o}", "id", 1, "name", dap_text(name));
    dap_respond(s, request, json_pack("{s:[o]}", "threads", thread));
}

/* ---- sources ---- */

json_t *dap_source_json(hack_dap_server *s, int file)
{
    if (file == -2 && s->asm_path)
        return json_pack("{s:o, s:o}", "name", dap_text(hack_path_base_name(s->asm_path)), "path", dap_text(s->asm_path));
    if (file < 0 || (size_t)file >= s->program.source_file_count) return NULL;
    const char *name = hack_path_base_name(s->program.source_files[file]);
    if (s->paths[file]) return json_pack("{s:o, s:o}", "name", dap_text(name), "path", dap_text(s->paths[file]));
    /* the project's OS has no file on disk: its text comes with a `source` request */
    json_t *source = json_pack("{s:o, s:s, s:s}", "name", dap_text(name), "origin", "hackemu's OS",
                               "presentationHint", "deemphasize");
    if (hack_path_has_extension(name, ".jack")) json_object_set_new(source, "sourceReference", json_integer(file + 1));
    return source;
}

void dap_source(hack_dap_server *s, const json_t *request)
{
    long long reference = dap_integer_argument(request, "sourceReference", 0);
    const json_t *source = dap_argument(request, "source");
    if (json_is_integer(json_object_get(source, "sourceReference")))
        reference = (long long)json_integer_value(json_object_get(source, "sourceReference"));
    const hack_os_class *c = NULL;
    if (reference > 0 && (size_t)reference <= s->program.source_file_count && !s->paths[reference - 1]) {
        char name[64];
        snprintf(name, sizeof name, "%s", hack_path_base_name(s->program.source_files[reference - 1]));
        char *dot = strrchr(name, '.');
        if (dot) *dot = '\0';
        c = hack_os_find_class(name);
    }
    if (!c) {
        dap_fail(s, request, "source: no text for that source (sourceReference %lld)", reference);
        return;
    }
    char *text = malloc(c->length + 1);
    if (!text) {
        dap_fail(s, request, "source: out of memory");
        return;
    }
    memcpy(text, c->source, c->length);
    text[c->length] = '\0';
    dap_respond(s, request, json_pack("{s:o, s:s}", "content", dap_text(text), "mimeType", "text/x-jack"));
    free(text);
}

/* ---- the call stack ---- */

void dap_stack_trace(hack_dap_server *s, const json_t *request)
{
    long long first = dap_integer_argument(request, "startFrame", 0);
    long long levels = dap_integer_argument(request, "levels", 0);
    if (first < 0) first = 0;
    if (levels <= 0 || levels > 1000) levels = 1000;
    hack_debugger_frame *frames = malloc((size_t)levels * sizeof *frames);
    if (!frames) {
        dap_fail(s, request, "stackTrace: out of memory");
        return;
    }
    size_t total;
    size_t count = hack_debugger_frames(s->debugger, (size_t)first, frames, (size_t)levels, &total);
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const hack_debugger_frame *f = &frames[i];
        hack_debugger_place place = f->place;
        if (place.file == -1 && s->asm_path) place = dap_place_of(s, f->pc);
        char name[300];
        if (f->function)
            snprintf(name, sizeof name, "%s%s", f->function, f->in_flux ? " (in the call or return code)" : "");
        else
            snprintf(name, sizeof name, "ROM %u", (unsigned)f->pc);
        json_t *frame = json_pack("{s:I, s:o, s:I, s:i}", "id", (json_int_t)(first + (long long)i + 1), "name",
                                  dap_text(name), "line", (json_int_t)0, "column", s->column_base);
        json_t *source = dap_source_json(s, place.file);
        if (source) {
            json_object_set_new(frame, "source", source);
            json_object_set_new(frame, "line", json_integer((json_int_t)place.line - 1 + s->line_base));
            if (place.file >= 0 && !s->paths[place.file]) /* the project's OS */
                json_object_set_new(frame, "presentationHint", json_string("subtle"));
        }
        char address[16];
        snprintf(address, sizeof address, "%u", (unsigned)f->pc);
        json_object_set_new(frame, "instructionPointerReference", json_string(address));
        json_array_append_new(list, frame);
    }
    free(frames);
    dap_respond(s, request, json_pack("{s:o, s:I}", "stackFrames", list, "totalFrames", (json_int_t)total));
}

/* ---- variable references ---- */

void dap_clear_refs(hack_dap_server *s)
{
    for (size_t i = 0; i < s->ref_count; i++) free(s->refs[i].expression);
    s->ref_count = 0;
}

/* The reference of what ref opens (the same one for the same thing); 0 when there are too many. */
static int add_ref(hack_dap_server *s, dap_ref ref, const char *expression)
{
    for (size_t i = 0; i < s->ref_count; i++) {
        const dap_ref *r = &s->refs[i];
        if (r->kind == ref.kind && r->frame == ref.frame && r->scope == ref.scope && r->address == ref.address &&
            r->length == ref.length && (r->type == ref.type || (r->type && ref.type && strcmp(r->type, ref.type) == 0)))
            return (int)i + 1;
    }
    if (s->ref_count == MAX_REFS) return 0;
    if (s->ref_count == s->ref_capacity) {
        size_t capacity = s->ref_capacity ? 2 * s->ref_capacity : 64;
        dap_ref *grown = realloc(s->refs, capacity * sizeof *grown);
        if (!grown) return 0;
        s->refs = grown;
        s->ref_capacity = capacity;
    }
    ref.expression = dap_strdup(expression);
    s->refs[s->ref_count++] = ref;
    return (int)s->ref_count;
}

static const dap_ref *find_ref(const hack_dap_server *s, long long reference)
{
    return reference >= 1 && (unsigned long long)reference <= s->ref_count ? &s->refs[reference - 1] : NULL;
}

/* The words of the block at address, when the heap says; 0 else. */
static uint16_t block_words(hack_dap_server *s, uint16_t address)
{
    const hack_heap_sanitizer *record = hack_session_block_record(s->session);
    if (!record) {
        /* the project's native heap: the block's segment header (hack/heap.h), read for a length to show only */
        const hack_machine *m = s->machine;
        if (!hack_session_heap(s->session) || address < HEAP_FIRST_BLOCK || address >= HEAP_END) return 0;
        uint16_t size = hack_machine_ram(m, address - 1);
        const uint16_t flag = hack_machine_ram(m, address - 2);
        if (flag != HACK_HEAP_LIVE_FLAG || size < 3 || (uint32_t)address - 2 + size > HEAP_END) return 0;
        return (uint16_t)(size - 2);
    }
    size_t count = hack_heap_sanitizer_live_blocks(record, NULL, 0);
    hack_heap_live_block *blocks = malloc((count ? count : 1) * sizeof *blocks);
    if (!blocks) return 0;
    count = hack_heap_sanitizer_live_blocks(record, blocks, count);
    uint16_t words = 0;
    for (size_t i = 0; i < count; i++)
        if (blocks[i].address == address) words = blocks[i].words;
    free(blocks);
    return words;
}

/* What a value of type opens: an object's fields, an array's elements; 0 for nothing. *named / *indexed:
 * how many. */
static int open_value(hack_dap_server *s, const char *type, uint16_t value, const char *expression, size_t *named,
                      size_t *indexed)
{
    *named = *indexed = 0;
    if (!type || !value) return 0;
    if (strcmp(type, "Array") == 0) {
        uint16_t length = block_words(s, value);
        if (!length) length = ARRAY_SHOWN;
        if ((uint32_t)value + length > HACK_RAM_SIZE) length = (uint16_t)(HACK_RAM_SIZE - value);
        *indexed = length;
        return add_ref(s, (dap_ref){.kind = DAP_REF_ARRAY, .address = value, .length = length}, expression);
    }
    *named = hack_debugger_fields(s->debugger, type, value, NULL, 0);
    if (!*named) return 0;
    return add_ref(s, (dap_ref){.kind = DAP_REF_OBJECT, .type = type, .address = value}, expression);
}

static json_t *variable_json(hack_dap_server *s, const char *name, const char *type, uint16_t value,
                             const char *expression)
{
    char shown[400];
    hack_debugger_format(s->debugger, type, value, shown, sizeof shown);
    size_t named, indexed;
    int reference = open_value(s, type, value, expression, &named, &indexed);
    json_t *v = json_pack("{s:o, s:o, s:o, s:i}", "name", dap_text(name), "value", dap_text(shown), "type",
                          dap_text(type ? type : "word"), "variablesReference", reference);
    if (expression) json_object_set_new(v, "evaluateName", dap_text(expression));
    if (named) json_object_set_new(v, "namedVariables", json_integer((json_int_t)named));
    if (indexed) json_object_set_new(v, "indexedVariables", json_integer((json_int_t)indexed));
    return v;
}

/* ---- scopes ---- */

static const struct {
    hack_debugger_scope scope;
    const char *name, *hint;
} scopes[] = {
    {HACK_DEBUGGER_ARGUMENTS, "Arguments", "arguments"},
    {HACK_DEBUGGER_LOCALS, "Locals", "locals"},
    {HACK_DEBUGGER_FIELDS, "this", NULL},
    {HACK_DEBUGGER_STATICS, "Statics", NULL},
};

/* The class of the frame's function ("Main" of "Main.main"), for statics' names. */
static void frame_class(hack_dap_server *s, size_t frame, char *name, size_t size)
{
    hack_debugger_frame f;
    name[0] = '\0';
    if (hack_debugger_frames(s->debugger, frame, &f, 1, NULL) && f.function)
        snprintf(name, size, "%.*s", (int)strcspn(f.function, "."), f.function);
}

void dap_scopes(hack_dap_server *s, const json_t *request)
{
    long long id = dap_integer_argument(request, "frameId", 0);
    size_t total;
    hack_debugger_frames(s->debugger, 0, NULL, 0, &total);
    if (id < 1 || (unsigned long long)id > total) {
        dap_fail(s, request, "scopes: no frame %lld", id);
        return;
    }
    const size_t frame = (size_t)id - 1;
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        size_t count = hack_debugger_variables(s->debugger, frame, scopes[i].scope, NULL, 0);
        if (!count) continue;
        int reference = add_ref(s, (dap_ref){.kind = DAP_REF_SCOPE, .frame = frame, .scope = scopes[i].scope}, NULL);
        json_t *scope = json_pack("{s:s, s:i, s:I, s:b}", "name", scopes[i].name, "variablesReference", reference,
                                  "namedVariables", (json_int_t)count, "expensive", false);
        if (scopes[i].hint) json_object_set_new(scope, "presentationHint", json_string(scopes[i].hint));
        json_array_append_new(list, scope);
    }
    if (frame == 0) {
        int reference = add_ref(s, (dap_ref){.kind = DAP_REF_REGISTERS}, NULL);
        json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:b}", "name", "Registers", "variablesReference",
                                              reference, "presentationHint", "registers", "expensive", false));
    }
    dap_respond(s, request, json_pack("{s:o}", "scopes", list));
}

/* ---- variables ---- */

static const char *const registers[] = {"A", "D", "PC", "SP", "LCL", "ARG", "THIS", "THAT"};

/* The registers' values (A, D, PC, then RAM[0..4]). */
static uint16_t register_value(const hack_machine *m, size_t i)
{
    return i == 0   ? hack_machine_a(m)
           : i == 1 ? hack_machine_d(m)
           : i == 2 ? hack_machine_pc(m)
                    : hack_machine_ram(m, (uint16_t)(i - 3));
}

/* The name under which print finds a variable of ref. */
static void expression_of(hack_dap_server *s, const dap_ref *ref, const char *name, size_t index, char *out,
                          size_t size)
{
    char owner[200];
    switch (ref->kind) {
    case DAP_REF_SCOPE:
        if (ref->scope == HACK_DEBUGGER_STATICS) {
            frame_class(s, ref->frame, owner, sizeof owner);
            snprintf(out, size, "%s.%s", owner, name);
        } else {
            snprintf(out, size, "%s", name);
        }
        return;
    case DAP_REF_OBJECT:
        if (ref->expression) snprintf(out, size, "%s.%s", ref->expression, name);
        else snprintf(out, size, "RAM[%u]", (unsigned)ref->address); /* (a field's owner without a name) */
        return;
    case DAP_REF_ARRAY:
        if (ref->expression) snprintf(out, size, "%s[%zu]", ref->expression, index);
        else snprintf(out, size, "RAM[%zu]", (size_t)ref->address + index);
        return;
    case DAP_REF_REGISTERS: snprintf(out, size, "%s", name); return;
    }
}

/* The named variables ref holds, into out (up to max). */
static size_t named_variables(hack_dap_server *s, const dap_ref *ref, hack_debugger_variable *out, size_t max)
{
    if (ref->kind == DAP_REF_SCOPE) return hack_debugger_variables(s->debugger, ref->frame, ref->scope, out, max);
    if (ref->kind == DAP_REF_OBJECT) return hack_debugger_fields(s->debugger, ref->type, ref->address, out, max);
    return 0;
}

void dap_variables(hack_dap_server *s, const json_t *request)
{
    const dap_ref *ref = find_ref(s, dap_integer_argument(request, "variablesReference", 0));
    if (!ref) {
        dap_fail(s, request, "variables: no such variablesReference (they last while the program is stopped)");
        return;
    }
    const dap_ref copy = *ref; /* (adding references below may move the table) */
    json_t *list = json_array();
    char expression[400];
    const char *filter = dap_string_argument(request, "filter");
    if (copy.kind == DAP_REF_ARRAY && !(filter && strcmp(filter, "named") == 0)) {
        long long start = dap_integer_argument(request, "start", 0), count = dap_integer_argument(request, "count", 0);
        if (start < 0) start = 0;
        if (count <= 0 || count > copy.length) count = copy.length;
        for (long long i = start; i < start + count && i < copy.length; i++) {
            char name[16];
            snprintf(name, sizeof name, "[%lld]", i);
            expression_of(s, &copy, name, (size_t)i, expression, sizeof expression);
            uint16_t word = hack_machine_ram(s->machine, (uint16_t)(copy.address + i));
            json_array_append_new(list, variable_json(s, name, NULL, word, expression));
        }
    } else if (copy.kind == DAP_REF_REGISTERS) {
        for (size_t i = 0; i < sizeof registers / sizeof registers[0]; i++) {
            json_t *v = variable_json(s, registers[i], NULL, register_value(s->machine, i), registers[i]);
            if (i == 2) json_object_set_new(v, "value", json_sprintf("%u", (unsigned)hack_machine_pc(s->machine)));
            json_array_append_new(list, v);
        }
    } else if (!(filter && strcmp(filter, "indexed") == 0)) {
        hack_debugger_variable variables[MAX_VARIABLES];
        size_t count = named_variables(s, &copy, variables, MAX_VARIABLES);
        if (count > MAX_VARIABLES) count = MAX_VARIABLES;
        for (size_t i = 0; i < count; i++) {
            expression_of(s, &copy, variables[i].name, i, expression, sizeof expression);
            json_array_append_new(list, variable_json(s, variables[i].name, variables[i].type, variables[i].value, expression));
        }
    }
    dap_respond(s, request, json_pack("{s:o}", "variables", list));
}

/* A value the user typed: true, false, null, 'c', or an expression of print (a number, a variable...). */
static bool parse_value(hack_dap_server *s, const char *text, uint16_t *word, char *error, size_t size)
{
    while (isspace((unsigned char)*text)) text++;
    size_t length = strlen(text);
    while (length && isspace((unsigned char)text[length - 1])) length--;
    if (length == 4 && strncmp(text, "true", 4) == 0) *word = 0xFFFF;
    else if ((length == 5 && strncmp(text, "false", 5) == 0) || (length == 4 && strncmp(text, "null", 4) == 0)) *word = 0;
    else if (length == 3 && text[0] == '\'' && text[2] == '\'') *word = (uint16_t)(unsigned char)text[1];
    else {
        hack_debugger_variable v;
        char copy[300];
        snprintf(copy, sizeof copy, "%.*s", (int)length, text);
        if (!hack_debugger_evaluate(s->debugger, copy, &v, error, size)) return false;
        *word = v.value;
    }
    return true;
}

void dap_set_variable(hack_dap_server *s, const json_t *request)
{
    const dap_ref *ref = find_ref(s, dap_integer_argument(request, "variablesReference", 0));
    const char *name = dap_string_argument(request, "name"), *text = dap_string_argument(request, "value");
    if (!ref || !name || !text) {
        dap_fail(s, request, "setVariable: expected variablesReference, name and value");
        return;
    }
    const dap_ref copy = *ref;
    if (copy.kind == DAP_REF_SCOPE) hack_debugger_select_frame(s->debugger, copy.frame);
    uint16_t word;
    char error[300];
    bool parsed = parse_value(s, text, &word, error, sizeof error);
    hack_debugger_select_frame(s->debugger, 0);
    if (!parsed) {
        dap_fail(s, request, "%s", error);
        return;
    }
    hack_machine *m = s->machine;
    const char *type = NULL;
    bool found = false;
    if (copy.kind == DAP_REF_REGISTERS) {
        for (size_t i = 0; i < sizeof registers / sizeof registers[0] && !found; i++) {
            if (strcmp(name, registers[i]) != 0) continue;
            if (i == 2) {
                dap_fail(s, request, "setVariable: PC cannot be set here");
                return;
            }
            if (i == 0) hack_machine_set_a(m, word);
            else if (i == 1) hack_machine_set_d(m, word);
            else hack_machine_set_ram(m, (uint16_t)(i - 3), word);
            found = true;
        }
    } else if (copy.kind == DAP_REF_ARRAY) {
        unsigned long index;
        char end;
        if (sscanf(name, "[%lu%c", &index, &end) == 2 && end == ']' && index < copy.length) {
            hack_machine_set_ram(m, copy.address + index, word);
            found = true;
        }
    } else {
        hack_debugger_variable variables[MAX_VARIABLES];
        size_t count = named_variables(s, &copy, variables, MAX_VARIABLES);
        for (size_t i = 0; i < count && i < MAX_VARIABLES && !found; i++)
            if (strcmp(variables[i].name, name) == 0) {
                hack_machine_set_ram(m, variables[i].address, word);
                type = variables[i].type;
                found = true;
            }
    }
    if (!found) {
        dap_fail(s, request, "setVariable: no variable '%s' there", name);
        return;
    }
    char shown[400];
    hack_debugger_format(s->debugger, type, word, shown, sizeof shown);
    size_t named, indexed;
    int reference = open_value(s, type, word, NULL, &named, &indexed);
    dap_respond(s, request, json_pack("{s:o, s:o, s:i}", "value", dap_text(shown), "type", dap_text(type ? type : "word"),
                                      "variablesReference", reference));
}

/* ---- evaluate ---- */

/* The debugger's commands that only look (in the debug console): the rest would change what the client
 * shows without telling it. */
static bool looking_command(const char *text)
{
    static const char *const words[] = {"print", "p", "x", "info", "i", "backtrace", "bt", "where", "list", "l",
                                        "disassemble", "disas", "help", "h"};
    size_t length = strcspn(text, " /");
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == length && strncmp(text, words[i], length) == 0) return true;
    return false;
}

void dap_evaluate(hack_dap_server *s, const json_t *request)
{
    const char *expression = dap_string_argument(request, "expression");
    const char *context = dap_string_argument(request, "context");
    long long frame_id = dap_integer_argument(request, "frameId", 1);
    if (!expression) {
        dap_fail(s, request, "evaluate: no expression");
        return;
    }
    while (isspace((unsigned char)*expression)) expression++;
    if (frame_id >= 1 && !hack_debugger_select_frame(s->debugger, (size_t)frame_id - 1)) {
        /* a frame in the translator's call code: print says why its variables cannot be told; a frame print
         * cannot select: said here */
        hack_debugger_frame f;
        if (hack_debugger_frames(s->debugger, (size_t)frame_id - 1, &f, 1, NULL) && !f.in_flux) {
            dap_fail(s, request, "frame %lld: its variables cannot be named by an expression here (the Variables "
                                 "view shows them)", frame_id);
            return;
        }
    }
    hack_debugger_variable v;
    char error[400];
    if (hack_debugger_evaluate(s->debugger, expression, &v, error, sizeof error)) {
        hack_debugger_select_frame(s->debugger, 0);
        char shown[400];
        hack_debugger_format(s->debugger, v.type, v.value, shown, sizeof shown);
        size_t named, indexed;
        int reference = open_value(s, v.type, v.value, expression, &named, &indexed);
        json_t *body = json_pack("{s:o, s:o, s:i}", "result", dap_text(shown), "type", dap_text(v.type ? v.type : "word"),
                                 "variablesReference", reference);
        if (named) json_object_set_new(body, "namedVariables", json_integer((json_int_t)named));
        if (indexed) json_object_set_new(body, "indexedVariables", json_integer((json_int_t)indexed));
        dap_respond(s, request, body);
        return;
    }
    if (context && strcmp(context, "repl") == 0 && looking_command(expression)) {
        hack_strbuf_reset(&s->engine_text);
        s->capture = true;
        hack_debugger_command(s->debugger, expression);
        s->capture = false;
        hack_debugger_select_frame(s->debugger, 0);
        char *text = dap_strdup(hack_strbuf_text(&s->engine_text));
        size_t length = text ? strlen(text) : 0;
        while (length && text[length - 1] == '\n') text[--length] = '\0';
        dap_respond(s, request, json_pack("{s:o, s:i}", "result", dap_text(text), "variablesReference", 0));
        free(text);
        return;
    }
    hack_debugger_select_frame(s->debugger, 0);
    dap_fail(s, request, "%s", error);
}

void dap_exception_info(hack_dap_server *s, const json_t *request)
{
    if (!s->exception_text || !s->stopped) {
        dap_fail(s, request, "exceptionInfo: the program did not stop on an error");
        return;
    }
    dap_respond(s, request, json_pack("{s:s, s:o, s:s, s:{s:o}}", "exceptionId", s->exception_id, "description",
                                      dap_text(s->exception_text), "breakMode", "always", "details", "message",
                                      dap_text(s->exception_text)));
}
