#include "hack/diag.h"

#include <assert.h>
#include <stdint.h>
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
    assert(list && format);
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
        /* Quote at most a screenful of a very long line, not cutting a UTF-8 character in two. */
        if (line_length > MAX_QUOTED) {
            line_length = MAX_QUOTED;
            for (int back = 0; back < 3 && ((unsigned char)line_text[line_length] & 0xC0u) == 0x80u; back++)
                line_length--;
        }
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

/* ---- printing text from files: what reaches the terminal is never a control sequence ---- */

/* The length of the UTF-8 sequence of a printable character at p (1 to 4 bytes), or 0 when the byte at p
 * must be escaped: a control character (C0, DEL or C1, which terminals may obey), or not valid UTF-8
 * (a stray continuation byte, a sequence cut short, overlong, a surrogate or beyond U+10FFFF). */
static size_t printable_length(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    if (c < 0x80) return c >= 0x20 && c != 0x7F ? 1 : 0;
    size_t length;
    uint32_t code;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        code = c & 0x07u;
    } else {
        return 0;
    }
    if (left < length) return 0;
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0u) != 0x80u) return 0;
        code = (code << 6) | (p[i] & 0x3Fu);
    }
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
    if (code >= 0x80 && code <= 0x9F) return 0; /* C1 controls, such as U+009B (CSI) */
    return length;
}

enum { ESCAPE_WIDTH = 4 }; /* "\xHH" */

/* The text with every byte that is not printable shown as \xHH. Tabs stay (the caret line keeps them). */
static void print_escaped(FILE *out, const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < length;) {
        size_t n = printable_length(p + i, length - i);
        if (n > 0) {
            fwrite(p + i, 1, n, out);
            i += n;
        } else if (p[i] == '\t') {
            fputc('\t', out);
            i++;
        } else {
            fprintf(out, "\\x%02x", p[i]);
            i++;
        }
    }
}

/* Blanks as wide as the first bytes bytes of text are when printed escaped, then a caret. */
static void print_caret(FILE *out, const char *text, size_t length, size_t bytes)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < bytes && i < length;) {
        size_t n = printable_length(p + i, length - i);
        if (n > 0) {
            fputc(' ', out); /* one character, one column */
            i += n;
        } else if (p[i] == '\t') {
            fputc('\t', out); /* so the caret lines up under tabbed source */
            i++;
        } else {
            fprintf(out, "%*s", ESCAPE_WIDTH, "");
            i++;
        }
    }
    fputs("^\n", out);
}

void hack_diag_print(FILE *out, const hack_diag *diag)
{
    static const char *const severity_names[] = {"error", "warning", "note"};
    if (diag->file) {
        print_escaped(out, diag->file, strlen(diag->file));
        if (diag->line > 0) fprintf(out, ":%d", diag->line);
        if (diag->line > 0 && diag->column > 0) fprintf(out, ":%d", diag->column);
        fputs(": ", out);
    }
    fprintf(out, "%s: ", severity_names[diag->severity]);
    print_escaped(out, diag->message, strlen(diag->message));
    fputc('\n', out);
    if (diag->source_line) {
        size_t length = strlen(diag->source_line);
        fputs("    ", out);
        print_escaped(out, diag->source_line, length);
        fputc('\n', out);
        if (diag->column > 0 && diag->column <= MAX_QUOTED + 1) {
            fputs("    ", out);
            print_caret(out, diag->source_line, length, (size_t)diag->column - 1);
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
