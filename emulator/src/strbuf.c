#include "hack/strbuf.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hack_strbuf_init(hack_strbuf *buffer)
{
    memset(buffer, 0, sizeof *buffer);
}

void hack_strbuf_free(hack_strbuf *buffer)
{
    free(buffer->text);
    hack_strbuf_init(buffer);
}

void hack_strbuf_reset(hack_strbuf *buffer)
{
    buffer->length = 0;
    if (buffer->text) buffer->text[0] = '\0';
}

/* Room for length more bytes and the NUL. */
static bool reserve(hack_strbuf *buffer, size_t length)
{
    if (length > SIZE_MAX / 2 - buffer->length - 1) {
        buffer->failed = true;
        return false;
    }
    size_t needed = buffer->length + length + 1;
    if (needed <= buffer->capacity) return true;
    size_t capacity = buffer->capacity ? buffer->capacity : 256;
    while (capacity < needed) capacity *= 2;
    char *grown = realloc(buffer->text, capacity);
    if (!grown) {
        buffer->failed = true;
        return false;
    }
    buffer->text = grown;
    buffer->capacity = capacity;
    return true;
}

bool hack_strbuf_append(hack_strbuf *buffer, const char *bytes, size_t length)
{
    assert(buffer && (bytes || length == 0));
    if (!reserve(buffer, length)) return false;
    if (length) memcpy(buffer->text + buffer->length, bytes, length);
    buffer->length += length;
    buffer->text[buffer->length] = '\0';
    return true;
}

bool hack_strbuf_append_char(hack_strbuf *buffer, char c)
{
    return hack_strbuf_append(buffer, &c, 1);
}

bool hack_strbuf_appendv(hack_strbuf *buffer, const char *format, va_list args)
{
    assert(buffer && format);
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (length < 0) { /* an encoding error: nothing sensible to append */
        buffer->failed = true;
        return false;
    }
    if (!reserve(buffer, (size_t)length)) return false;
    vsnprintf(buffer->text + buffer->length, (size_t)length + 1, format, args);
    buffer->length += (size_t)length;
    return true;
}

bool hack_strbuf_appendf(hack_strbuf *buffer, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    bool ok = hack_strbuf_appendv(buffer, format, args);
    va_end(args);
    return ok;
}

const char *hack_strbuf_text(const hack_strbuf *buffer)
{
    return buffer->text ? buffer->text : "";
}

char *hack_strbuf_take(hack_strbuf *buffer, size_t *length)
{
    char *text = buffer->text;
    if (length) *length = buffer->length;
    hack_strbuf_init(buffer);
    return text;
}
