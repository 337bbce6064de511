/* The debugger's view of the program: its source files (Jack, VM, an assembly file) read when first asked
 * for, the Jack variable tables parsed from them, and each function's prologue. */
#include "debugger_internal.h"

#include "hack/os.h"
#include "hack/path.h"
#include "hack/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const hack_source_location *debug_location(const hack_debugger *d, uint32_t pc)
{
    return d->program->locations && pc < d->program->count ? &d->program->locations[pc] : NULL;
}

/* The text of a program source: the file, or the OS's Jack the tools carry ("(os)/Memory.jack"). */
static void read_source(const hack_debugger *d, size_t index, source_text *s)
{
    s->tried = true;
    const char *path = index == d->asm_file && d->asm_path ? d->asm_path : d->program->source_files[index];
    if (strncmp(path, "(os)/", 5) == 0) {
        char name[64];
        snprintf(name, sizeof name, "%s", path + 5);
        char *dot = strrchr(name, '.');
        if (!dot || strcmp(dot, ".jack") != 0) return;
        *dot = '\0';
        const hack_os_class *c = hack_os_find_class(name);
        if (!c) return;
        s->text = malloc(c->length + 1);
        if (!s->text) return;
        memcpy(s->text, c->source, c->length);
        s->text[c->length] = '\0';
        s->length = c->length;
    } else {
        hack_diag_list quiet;
        hack_diag_list_init(&quiet);
        if (!hack_textfile_read(path, &s->text, &s->length, &quiet)) s->text = NULL;
        hack_diag_list_free(&quiet);
        if (!s->text) return;
    }
    size_t lines = 1;
    for (size_t i = 0; i < s->length; i++) lines += s->text[i] == '\n';
    s->line_starts = malloc(lines * sizeof *s->line_starts);
    if (!s->line_starts) {
        free(s->text);
        s->text = NULL;
        return;
    }
    s->line_starts[0] = 0;
    s->line_count = 1;
    for (size_t i = 0; i < s->length; i++)
        if (s->text[i] == '\n') s->line_starts[s->line_count++] = i + 1;
    if (s->line_count > 1 && s->text[s->length - 1] == '\n') s->line_count--; /* the last line's newline ends it */
}

size_t debug_source_count(const hack_debugger *d)
{
    return d->program->source_file_count + (d->asm_path != NULL);
}

const char *debug_source_name(const hack_debugger *d, size_t file)
{
    if (d->asm_path && file == d->asm_file) return hack_path_base_name(d->asm_path);
    return file < d->program->source_file_count ? hack_path_base_name(d->program->source_files[file]) : "?";
}

uint32_t debug_asm_line(const hack_debugger *d, uint16_t pc)
{
    return d->asm_path && d->program->asm_lines && pc < d->program->count ? d->program->asm_lines[pc] : 0;
}

bool hack_debugger_set_program_file(hack_debugger *d, const char *path)
{
    if (d->program->locations || !d->program->asm_lines || !path || !hack_path_has_extension(path, ".asm")) return false;
    char *copy = malloc(strlen(path) + 1);
    if (!copy) return false;
    strcpy(copy, path);
    free(d->asm_path);
    d->asm_path = copy;
    d->asm_file = d->program->source_file_count;
    source_text *s = &d->sources[d->asm_file];
    free(s->text);
    free(s->line_starts);
    memset(s, 0, sizeof *s);
    return true;
}

const char *debug_source_line(hack_debugger *d, size_t file, uint32_t line, size_t *length)
{
    if (file >= debug_source_count(d) || line == 0) return NULL;
    source_text *s = &d->sources[file];
    if (!s->tried) read_source(d, file, s);
    if (!s->text || line > s->line_count) return NULL;
    size_t start = s->line_starts[line - 1];
    size_t end = line < s->line_count ? s->line_starts[line] - 1 : s->length;
    if (end > start && s->text[end - 1] == '\n') end--;
    if (end > start && s->text[end - 1] == '\r') end--;
    *length = end - start;
    return s->text + start;
}

/* The variable tables of every Jack source the map names. */
void debug_read_classes(hack_debugger *d, hack_diag_list *diags)
{
    const hack_program *p = d->program;
    d->classes = calloc(p->source_file_count ? p->source_file_count : 1, sizeof *d->classes);
    if (!d->classes) return;
    for (size_t i = 0; i < p->source_file_count; i++) {
        const char *path = p->source_files[i];
        size_t n = strlen(path);
        if (n < 5 || strcmp(path + n - 5, ".jack") != 0) continue;
        source_text *s = &d->sources[i];
        if (!s->tried) read_source(d, i, s);
        if (!s->text) {
            hack_diag_add(diags, HACK_DIAG_NOTE, path, 0, 0, NULL, 0,
                          "cannot read the Jack source: its variables have no names in the debugger");
            continue;
        }
        hack_source source = {.path = (char *)path, .text = s->text, .length = s->length};
        hack_diag_list quiet;
        hack_diag_list_init(&quiet);
        if (hack_jack_class_variables_read(&source, &d->classes[d->class_count], &quiet)) d->class_count++;
        hack_diag_list_free(&quiet);
    }
}

const hack_jack_class_variables *debug_class(const hack_debugger *d, const char *name, size_t length)
{
    for (size_t i = 0; i < d->class_count; i++)
        if (strlen(d->classes[i].name) == length && strncmp(d->classes[i].name, name, length) == 0) return &d->classes[i];
    return NULL;
}

const hack_jack_subroutine_variables *debug_subroutine(const hack_debugger *d, const hack_symbol *function,
                                                       const hack_jack_class_variables **class_out)
{
    *class_out = NULL;
    if (!function) return NULL;
    const char *dot = strchr(function->name, '.');
    if (!dot) return NULL;
    const hack_jack_class_variables *c = debug_class(d, function->name, (size_t)(dot - function->name));
    *class_out = c;
    for (size_t i = 0; c && i < c->subroutine_count; i++)
        if (strcmp(c->subroutines[i].name, dot + 1) == 0) return &c->subroutines[i];
    return NULL;
}

/* Marks each function's words before its first statement: the function command's pushes, a method's
 * `this`, a constructor's allocation (all at the declaration's line). A step never stops there, and a
 * breakpoint on a function is at the first statement, as in other debuggers. */
void debug_mark_prologues(hack_debugger *d)
{
    const hack_program *p = d->program;
    d->prologue = calloc(p->count ? p->count : 1, 1);
    if (!d->prologue || !p->locations) return;
    for (size_t i = 0; i < p->symbols.count; i++) {
        const hack_symbol *f = &p->symbols.entries[i];
        if (f->kind != HACK_SYMBOL_FUNCTION || f->value >= p->count) continue;
        uint32_t end = (uint32_t)p->count;
        for (size_t j = 0; j < p->symbols.count; j++) {
            const hack_symbol *g = &p->symbols.entries[j];
            if (g->kind == HACK_SYMBOL_FUNCTION && g->value > f->value && g->value < end) end = g->value;
        }
        const hack_source_location *entry = &p->locations[f->value];
        if (!entry->jack_line) continue;
        /* the prologue's words are at the declaration's line; a function without locals has none, and its
         * first word is already its first statement's */
        const hack_jack_class_variables *c;
        const hack_jack_subroutine_variables *sub = debug_subroutine(d, f, &c);
        uint32_t declaration = sub && sub->line ? sub->line : entry->jack_line;
        uint32_t body = f->value;
        for (uint32_t w = f->value; w < end; w++) {
            const hack_source_location *l = &p->locations[w];
            if (l->routine == HACK_ROUTINE_NONE && l->command_start && l->jack_line &&
                (l->jack_line != declaration || l->jack_file != entry->jack_file)) {
                body = w;
                break;
            }
        }
        memset(d->prologue + f->value, 1, body - f->value);
    }
}
