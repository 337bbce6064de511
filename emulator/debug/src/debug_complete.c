/* Completion of a command line being typed: the command names, info's subcommands, places (functions,
 * source files, labels) and names (the selected frame's variables, its class's fields and statics, classes,
 * an object's fields after "p.", registers, VM segments), for a front end's line editor and the complete
 * command. */
#include "debugger_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a word of a command line stops at, for completion: the same set as the CLI's line editor uses. */
const char hack_debugger_word_breaks[] = " \t(+-*/=<>&|!~[,";

typedef struct {
    char **words;
    size_t count, capacity;
    const char *prefix; /* the word typed so far */
    size_t prefix_length;
} candidates;

/* Adds text (then suffix) when it starts with the word typed, once. */
static void offer(candidates *c, const char *text, size_t length, const char *suffix)
{
    if (length < c->prefix_length || strncmp(text, c->prefix, c->prefix_length) != 0) return;
    size_t n = length + strlen(suffix);
    for (size_t i = 0; i < c->count; i++)
        if (strlen(c->words[i]) == n && strncmp(c->words[i], text, length) == 0 && strcmp(c->words[i] + length, suffix) == 0)
            return;
    if (c->count == c->capacity) {
        size_t capacity = c->capacity ? 2 * c->capacity : 32;
        char **grown = realloc(c->words, capacity * sizeof *grown);
        if (!grown) return;
        c->words = grown;
        c->capacity = capacity;
    }
    char *word = malloc(n + 1);
    if (!word) return;
    memcpy(word, text, length);
    strcpy(word + length, suffix);
    c->words[c->count++] = word;
}

static void offer_text(candidates *c, const char *text)
{
    offer(c, text, strlen(text), "");
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Places: functions, the source files (File.jack:), labels of assembly (not the translator's own). */
static void offer_places(hack_debugger *d, candidates *c)
{
    const hack_symtab *symbols = &d->program->symbols;
    for (size_t i = 0; i < symbols->count; i++) {
        const hack_symbol *s = &symbols->entries[i];
        if (s->kind == HACK_SYMBOL_FUNCTION || (s->kind == HACK_SYMBOL_LABEL && !strchr(s->name, '$') && !d->program->locations))
            offer_text(c, s->name);
    }
    for (size_t f = 0; f < debug_source_count(d); f++) offer(c, debug_source_name(d, f), strlen(debug_source_name(d, f)), ":");
}

static void offer_variables(candidates *c, const hack_jack_variable *list, size_t count, int kind, const char *before)
{
    char name[300];
    for (size_t i = 0; i < count; i++)
        if (kind < 0 || (int)list[i].kind == kind) {
            snprintf(name, sizeof name, "%s%s", before, list[i].name);
            offer_text(c, name);
        }
}

/* Names: after "X." an object's fields or a class's statics; else the selected frame's variables, its class's
 * fields and statics, this, the classes, the registers and the VM segments. */
static void offer_names(hack_debugger *d, candidates *c)
{
    const char *dot = strrchr(c->prefix, '.');
    if (dot) {
        char before[300], object[300];
        snprintf(object, sizeof object, "%.*s", (int)(dot - c->prefix), c->prefix);
        snprintf(before, sizeof before, "%.*s", (int)(dot - c->prefix + 1), c->prefix);
        const hack_jack_class_variables *klass = debug_class(d, object, strlen(object));
        if (klass) {
            offer_variables(c, klass->variables, klass->count, HACK_JACK_STATIC, before);
            return;
        }
        debug_value v;
        char error[300];
        if (debug_evaluate(d, object, &v, error, sizeof error) && v.type && (klass = debug_class(d, v.type, strlen(v.type))))
            offer_variables(c, klass->variables, klass->count, HACK_JACK_FIELD, before);
        return;
    }
    const debug_frame f = debug_selected(d);
    const hack_jack_class_variables *klass;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f.function, &klass);
    if (sub) offer_variables(c, sub->variables, sub->count, -1, "");
    if (klass) {
        offer_variables(c, klass->variables, klass->count, -1, "");
        if (sub && sub->kind != HACK_JACK_FUNCTION) offer_text(c, "this");
    }
    for (size_t i = 0; i < d->class_count; i++) offer_text(c, d->classes[i].name);
    static const char *const fixed[] = {"A", "D", "PC", "SP", "LCL", "ARG", "THIS", "THAT", "SCREEN", "KBD",
                                        "RAM[", "local[", "argument[", "this[", "that[", "pointer[", "temp[",
                                        "static[", "true", "false", "null"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) offer_text(c, fixed[i]);
    char name[8];
    for (int i = 0; i < 16; i++) {
        snprintf(name, sizeof name, "R%d", i);
        offer_text(c, name);
    }
    const hack_symtab *symbols = &d->program->symbols; /* an assembly program's variables */
    for (size_t i = 0; i < symbols->count; i++)
        if (symbols->entries[i].kind == HACK_SYMBOL_VARIABLE) offer_text(c, symbols->entries[i].name);
}

size_t hack_debugger_complete(hack_debugger *d, const char *line, void (*fn)(void *context, const char *word), void *context)
{
    while (*line == ' ' || *line == '\t') line++;
    size_t first_length = strcspn(line, " /");
    const char *word = line;
    for (const char *p = line; *p; p++)
        if (strchr(hack_debugger_word_breaks, *p)) word = p + 1;
    candidates c = {NULL, 0, 0, word, strlen(word)};
    const char *names[64];
    if (word == line) { /* the command itself */
        size_t n = debug_command_names(names, 64, false);
        for (size_t i = 0; i < n && i < 64; i++) offer_text(&c, names[i]);
    } else {
        char command[32];
        snprintf(command, sizeof command, "%.*s", (int)first_length, line);
        const char *canonical = debug_command_named(command);
        const char *rest = line + first_length;
        while (*rest == ' ') rest++;
        if (!canonical) {
        } else if (strcmp(canonical, "info") == 0 && word == rest) {
            size_t n = debug_command_names(names, 64, true);
            for (size_t i = 0; i < n && i < 64; i++) offer_text(&c, names[i]);
        } else if (strcmp(canonical, "help") == 0) {
            size_t n = debug_command_names(names, 64, false);
            for (size_t i = 0; i < n && i < 64; i++) offer_text(&c, names[i]);
        } else if (strstr(" break tbreak until advance list ", canonical) && word == rest) {
            offer_places(d, &c);
        } else if (strstr(" print x display watch rwatch awatch set condition ", canonical) ||
                   ((strcmp(canonical, "break") == 0 || strcmp(canonical, "tbreak") == 0) && strstr(rest, " if "))) {
            offer_names(d, &c);
        }
    }
    if (c.count) qsort(c.words, c.count, sizeof *c.words, compare_words);
    for (size_t i = 0; i < c.count; i++) {
        if (fn) fn(context, c.words[i]);
        free(c.words[i]);
    }
    free(c.words);
    return c.count;
}

typedef struct {
    hack_debugger *d;
    const char *line;
    size_t keep; /* the line's length before the word completed */
} complete_context;

static void say_completion(void *context, const char *word)
{
    const complete_context *cc = context;
    debug_say(cc->d, "%.*s%s\n", (int)cc->keep, cc->line, word);
}

/* complete TEXT: each completion of TEXT, a line each, as gdb's complete command says them. */
void debug_complete_command(hack_debugger *d, const char *text)
{
    const char *word = text;
    for (const char *p = text; *p; p++)
        if (strchr(hack_debugger_word_breaks, *p)) word = p + 1;
    complete_context cc = {d, text, (size_t)(word - text)};
    hack_debugger_complete(d, text, say_completion, &cc);
}
