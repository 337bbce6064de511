/* A growable string: text built a piece at a time, of any length (generated code, names from a user's files),
 * so nothing is cut at a fixed buffer's size. */
#ifndef HACK_STRBUF_H
#define HACK_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *text;    /* NUL-terminated once anything was appended; NULL before */
    size_t length; /* bytes, without the NUL */
    size_t capacity;
    bool failed;   /* an append ran out of memory: the text is incomplete (stays set until free) */
} hack_strbuf;

/* An empty buffer; so is one set to {0}. */
void hack_strbuf_init(hack_strbuf *buffer);
/* Frees the text; the buffer is empty again and can be reused. */
void hack_strbuf_free(hack_strbuf *buffer);
/* Empties the text, keeping its memory for the next one (failed stays as it is). */
void hack_strbuf_reset(hack_strbuf *buffer);

/* Each returns false when memory ran out (and sets failed; the text is left as it was). */
bool hack_strbuf_append(hack_strbuf *buffer, const char *bytes, size_t length);
bool hack_strbuf_append_char(hack_strbuf *buffer, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
bool hack_strbuf_appendf(hack_strbuf *buffer, const char *format, ...);
bool hack_strbuf_appendv(hack_strbuf *buffer, const char *format, va_list args);

/* The text, or "" when there is none: always a valid C string. */
const char *hack_strbuf_text(const hack_strbuf *buffer);

/* Hands the text over to the caller (to free; NULL when nothing was appended) and empties the buffer. */
char *hack_strbuf_take(hack_strbuf *buffer, size_t *length);

#endif
