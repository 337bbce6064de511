/* Diagnostics with a source location, shared by every library of the project. Libraries collect them in a
 * list and return; only the caller (a CLI, a test) decides whether and where to print them. */
#ifndef HACK_DIAG_H
#define HACK_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { HACK_DIAG_ERROR, HACK_DIAG_WARNING, HACK_DIAG_NOTE } hack_diag_severity;

typedef struct {
    hack_diag_severity severity;
    char *file;        /* may be NULL */
    int line, column;  /* 1-based; 0 when not known */
    char *message;
    char *source_line; /* the text of the line, without its newline, or NULL */
} hack_diag;

typedef struct {
    hack_diag *items;
    size_t count, capacity;
    size_t error_count;
} hack_diag_list;

void hack_diag_list_init(hack_diag_list *list);
void hack_diag_list_free(hack_diag_list *list);

/* Adds a diagnostic. line_text/line_length give the source line to quote (line_text may be NULL). */
#if defined(__GNUC__)
__attribute__((format(printf, 8, 9)))
#endif
void hack_diag_add(hack_diag_list *list, hack_diag_severity severity, const char *file, int line, int column,
                   const char *line_text, size_t line_length, const char *format, ...);
void hack_diag_addv(hack_diag_list *list, hack_diag_severity severity, const char *file, int line, int column,
                    const char *line_text, size_t line_length, const char *format, va_list args);

/* "file:line:col: error: message", then the source line and a caret under the column. */
void hack_diag_print(FILE *out, const hack_diag *diag);
void hack_diag_list_print(FILE *out, const hack_diag_list *list);

/* The first error's message, or "" (handy in tests). */
const char *hack_diag_first_error(const hack_diag_list *list);

#endif
