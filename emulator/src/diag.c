#include "hack/diag.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_QUOTED = 200 };

static char *duplicate(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (!copy) return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

void hack_diag_list_init(hack_diag_list *list)
{
    memset(list, 0, sizeof *list);
}

void hack_diag_list_free(hack_diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].file);
        free(list->items[i].message);
        free(list->items[i].source_line);
    }
    free(list->items);
    hack_diag_list_init(list);
}

void hack_diag_addv(hack_diag_list *list, hack_diag_severity severity, const char *file, int line, int column,
                    const char *line_text, size_t line_length, const char *format, va_list args)
{
    if (severity == HACK_DIAG_ERROR) list->error_count++;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        hack_diag *items = realloc(list->items, capacity * sizeof *items);
        if (!items) return; /* the error count still says something went wrong */
        list->items = items;
        list->capacity = capacity;
    }
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    char *message = malloc(length > 0 ? (size_t)length + 1 : 1);
    if (!message) return;
    vsnprintf(message, (size_t)length + 1, format, args);

    hack_diag *diag = &list->items[list->count++];
    diag->severity = severity;
    diag->file = file ? duplicate(file, strlen(file)) : NULL;
    diag->line = line;
    diag->column = column;
    diag->message = message;
    diag->source_line = NULL;
    if (line_text) {
        while (line_length > 0 && (line_text[line_length - 1] == '\n' || line_text[line_length - 1] == '\r'))
            line_length--;
        /* Quote at most a screenful of a very long line. */
        if (line_length > MAX_QUOTED) line_length = MAX_QUOTED;
        diag->source_line = duplicate(line_text, line_length);
    }
}

void hack_diag_add(hack_diag_list *list, hack_diag_severity severity, const char *file, int line, int column,
                   const char *line_text, size_t line_length, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    hack_diag_addv(list, severity, file, line, column, line_text, line_length, format, args);
    va_end(args);
}

void hack_diag_print(FILE *out, const hack_diag *diag)
{
    static const char *const severity_names[] = {"error", "warning", "note"};
    if (diag->file) {
        fputs(diag->file, out);
        if (diag->line > 0) fprintf(out, ":%d", diag->line);
        if (diag->line > 0 && diag->column > 0) fprintf(out, ":%d", diag->column);
        fputs(": ", out);
    }
    fprintf(out, "%s: %s\n", severity_names[diag->severity], diag->message);
    if (diag->source_line) {
        fprintf(out, "    %s\n", diag->source_line);
        if (diag->column > 0 && diag->column <= MAX_QUOTED + 1) {
            fputs("    ", out);
            /* Keep tabs so the caret lines up under tabbed source. */
            for (int i = 0; i < diag->column - 1 && diag->source_line[i]; i++)
                fputc(diag->source_line[i] == '\t' ? '\t' : ' ', out);
            fputs("^\n", out);
        }
    }
}

void hack_diag_list_print(FILE *out, const hack_diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) hack_diag_print(out, &list->items[i]);
}

const char *hack_diag_first_error(const hack_diag_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].severity == HACK_DIAG_ERROR) return list->items[i].message;
    return "";
}
