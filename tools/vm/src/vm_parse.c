#include "vm_parse.h"

#include "hack/suggest.h"
#include "hack/textfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start;
    size_t length;
} word;

static const struct {
    const char *name;
    vm_op op;
    int arguments; /* words after the command */
} command_names[] = {
    {"add", VM_ADD, 0},         {"sub", VM_SUB, 0},       {"neg", VM_NEG, 0},
    {"eq", VM_EQ, 0},           {"gt", VM_GT, 0},         {"lt", VM_LT, 0},
    {"and", VM_AND, 0},         {"or", VM_OR, 0},         {"not", VM_NOT, 0},
    {"push", VM_PUSH, 2},       {"pop", VM_POP, 2},       {"label", VM_LABEL, 1},
    {"goto", VM_GOTO, 1},       {"if-goto", VM_IF_GOTO, 1}, {"function", VM_FUNCTION, 2},
    {"call", VM_CALL, 2},       {"return", VM_RETURN, 0},
};

static const struct {
    const char *name;
    vm_segment segment;
    int32_t limit; /* largest index */
} segment_names[] = {
    {"constant", SEG_CONSTANT, 32767}, {"local", SEG_LOCAL, 32767}, {"argument", SEG_ARGUMENT, 32767},
    {"this", SEG_THIS, 32767},         {"that", SEG_THAT, 32767},   {"temp", SEG_TEMP, 7},
    {"pointer", SEG_POINTER, 1},       {"static", SEG_STATIC, 32767},
};

static const char *command_name(size_t i)
{
    return command_names[i].name;
}

static const char *segment_name(size_t i)
{
    return segment_names[i].name;
}

/* The nearest of count names to an unknown word, for its message: " (did you mean 'X'?)" or "" (in hint). */
static const char *name_hint(word w, const char *(*name)(size_t i), size_t count, hack_strbuf *hint)
{
    hack_suggestion near;
    hack_suggest_init(&near, w.start, w.length);
    for (size_t i = 0; i < count; i++) hack_suggest_consider(&near, name(i), strlen(name(i)));
    return hack_suggest_hint(&near, hint);
}

static bool word_is(word w, const char *text)
{
    return strlen(text) == w.length && memcmp(w.start, text, w.length) == 0;
}

static bool is_identifier(word w)
{
    if (w.length == 0 || isdigit((unsigned char)w.start[0])) return false;
    for (size_t i = 0; i < w.length; i++) {
        char c = w.start[i];
        if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '$' && c != ':') return false;
    }
    return true;
}

static bool parse_number(word w, int32_t *value)
{
    if (w.length == 0 || w.length > 9) return false;
    int32_t v = 0;
    for (size_t i = 0; i < w.length; i++) {
        if (!isdigit((unsigned char)w.start[i])) return false;
        v = v * 10 + (w.start[i] - '0');
    }
    *value = v;
    return true;
}

void vm_program_free(vm_program *program)
{
    free(program->items);
    memset(program, 0, sizeof *program);
}

bool vm_parse(const hack_vm_sources *sources, vm_program *program, hack_diag_list *diags)
{
    size_t errors_before = diags->error_count;
    for (size_t f = 0; f < sources->count; f++) {
        const hack_vm_source *source = &sources->items[f];
        if (!hack_textfile_check(source->path, source->text, source->length, diags)) continue;
        size_t offset = 0;
        const char *line;
        size_t line_length;
        uint32_t line_number = 0;
        int function = -1;
        while (hack_textfile_next_line(source->text, source->length, &offset, &line, &line_length)) {
            line_number++;
            size_t end = line_length;
            for (size_t i = 0; i + 1 < line_length; i++)
                if (line[i] == '/' && line[i + 1] == '/') {
                    end = i;
                    break;
                }
            word words[4];
            int count = 0;
            bool too_many = false;
            for (size_t i = 0; i < end;) {
                while (i < end && isspace((unsigned char)line[i])) i++;
                if (i >= end) break;
                size_t start = i;
                while (i < end && !isspace((unsigned char)line[i])) i++;
                if (count == 4) {
                    too_many = true;
                    break;
                }
                words[count++] = (word){line + start, i - start};
            }
            if (count == 0) continue;
#define ERROR_AT(w, ...)                                                                                     \
    hack_diag_add(diags, HACK_DIAG_ERROR, source->path, (int)line_number, (int)((w).start - line) + 1, line, \
                  line_length, __VA_ARGS__)
            size_t c = 0;
            while (c < sizeof command_names / sizeof command_names[0] && !word_is(words[0], command_names[c].name))
                c++;
            if (c == sizeof command_names / sizeof command_names[0]) {
                hack_strbuf hint = {0};
                ERROR_AT(words[0], "unknown command '%.*s'%s", (int)words[0].length, words[0].start,
                         name_hint(words[0], command_name, c, &hint));
                hack_strbuf_free(&hint);
                continue;
            }
            const int wanted = command_names[c].arguments;
            if (count - 1 < wanted) {
                word at = {line + end, 0};
                while (at.start > line && isspace((unsigned char)at.start[-1])) at.start--;
                ERROR_AT(at, "%s needs %d argument%s", command_names[c].name, wanted, wanted == 1 ? "" : "s");
                continue;
            }
            if (count - 1 > wanted || too_many) {
                ERROR_AT(words[wanted + 1], "unexpected '%.*s' after the %s command", (int)words[wanted + 1].length,
                         words[wanted + 1].start, command_names[c].name);
                continue;
            }
            vm_command command = {.op = command_names[c].op, .file = (uint16_t)f, .line = line_number, .column = 1,
                                  .line_text = line, .line_length = line_length, .function = function};
            switch (command.op) {
            case VM_PUSH:
            case VM_POP: {
                size_t s = 0;
                while (s < sizeof segment_names / sizeof segment_names[0] && !word_is(words[1], segment_names[s].name))
                    s++;
                if (s == sizeof segment_names / sizeof segment_names[0]) {
                    hack_strbuf hint = {0};
                    const char *near = name_hint(words[1], segment_name, s, &hint);
                    ERROR_AT(words[1], "unknown segment '%.*s'%s", (int)words[1].length, words[1].start,
                             *near ? near : " (constant local argument this that temp pointer static)");
                    hack_strbuf_free(&hint);
                    continue;
                }
                command.segment = segment_names[s].segment;
                if (!parse_number(words[2], &command.number) || command.number > segment_names[s].limit) {
                    ERROR_AT(words[2], "%s index must be 0..%d, found '%.*s'", segment_names[s].name,
                             (int)segment_names[s].limit, (int)words[2].length, words[2].start);
                    continue;
                }
                if (command.op == VM_POP && command.segment == SEG_CONSTANT) {
                    ERROR_AT(words[1], "pop constant: a constant cannot be assigned");
                    continue;
                }
                command.column = (int)(words[2].start - line) + 1;
                break;
            }
            case VM_FUNCTION:
            case VM_CALL:
                if (!parse_number(words[2], &command.number) || command.number > 32767) {
                    ERROR_AT(words[2], "expected the number of %s (0..32767), found '%.*s'",
                             command.op == VM_FUNCTION ? "local variables" : "arguments", (int)words[2].length,
                             words[2].start);
                    continue;
                }
                /* fall through */
            case VM_LABEL:
            case VM_GOTO:
            case VM_IF_GOTO:
                if (!is_identifier(words[1])) {
                    ERROR_AT(words[1], "'%.*s' is not a valid name (letters, digits, _ . $ :, not starting with a digit)",
                             (int)words[1].length, words[1].start);
                    continue;
                }
                command.name = words[1].start;
                command.name_length = words[1].length;
                command.column = (int)(words[1].start - line) + 1;
                break;
            case VM_RETURN:
                if (function < 0) {
                    ERROR_AT(words[0], "return outside a function");
                    continue;
                }
                break;
            default: break;
            }
#undef ERROR_AT
            if (program->count == program->capacity) {
                size_t capacity = program->capacity ? program->capacity * 2 : 256;
                vm_command *grown = realloc(program->items, capacity * sizeof *grown);
                if (!grown) {
                    hack_diag_add(diags, HACK_DIAG_ERROR, source->path, 0, 0, NULL, 0, "out of memory");
                    return false;
                }
                program->items = grown;
                program->capacity = capacity;
            }
            if (command.op == VM_FUNCTION) {
                function = (int)program->count;
                command.function = function;
            }
            program->items[program->count++] = command;
        }
    }
    return diags->error_count == errors_before;
}

static hack_vm_command_kind command_kind(vm_op op)
{
    switch (op) {
    case VM_LABEL: return HACK_VM_COMMAND_LABEL;
    case VM_FUNCTION: return HACK_VM_COMMAND_FUNCTION;
    case VM_GOTO: return HACK_VM_COMMAND_GOTO;
    case VM_IF_GOTO: return HACK_VM_COMMAND_IF_GOTO;
    default: return HACK_VM_COMMAND_OTHER;
    }
}

bool hack_vm_read_commands(const hack_vm_sources *sources, hack_vm_commands *commands, hack_diag_list *diags)
{
    memset(commands, 0, sizeof *commands);
    vm_program program = {0};
    if (!vm_parse(sources, &program, diags)) {
        vm_program_free(&program);
        return false;
    }
    if (program.count) {
        commands->items = malloc(program.count * sizeof *commands->items);
        if (!commands->items) {
            hack_diag_add(diags, HACK_DIAG_ERROR, NULL, 0, 0, NULL, 0, "out of memory");
            vm_program_free(&program);
            return false;
        }
    }
    for (size_t i = 0; i < program.count; i++) {
        const vm_command *c = &program.items[i];
        commands->items[i] = (hack_vm_command){.kind = command_kind(c->op), .name = c->name,
                                               .name_length = c->name_length, .file = c->file, .line = c->line,
                                               .function = c->function};
    }
    commands->count = program.count;
    vm_program_free(&program);
    return true;
}

void hack_vm_commands_free(hack_vm_commands *commands)
{
    free(commands->items);
    memset(commands, 0, sizeof *commands);
}
