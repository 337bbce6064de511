/* The Debug Adapter Protocol's framing (hack/dap_wire.h). */
#include "hack/dap_wire.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hack_dap_reader_init(hack_dap_reader *r)
{
    *r = (hack_dap_reader){.body = SIZE_MAX};
}

void hack_dap_reader_free(hack_dap_reader *r)
{
    free(r->buffer);
    hack_dap_reader_init(r);
}

static void drop(hack_dap_reader *r, size_t n)
{
    if (n > r->used) n = r->used;
    memmove(r->buffer, r->buffer + n, r->used - n);
    r->used -= n;
}

/* The body handed out last is no longer in use: the byte under its NUL back, and its bytes gone. */
static void release(hack_dap_reader *r)
{
    if (!r->handing) return;
    r->buffer[r->handed] = r->saved;
    drop(r, r->handed);
    r->handing = false;
}

bool hack_dap_reader_add(hack_dap_reader *r, const char *bytes, size_t length)
{
    release(r);
    if (r->skip) { /* a refused body's bytes never enter the buffer */
        size_t n = length < r->skip ? length : r->skip;
        r->skip -= n;
        bytes += n;
        length -= n;
    }
    /* one byte more than the bytes: the NUL after a body that ends the buffer */
    if (length >= SIZE_MAX - r->used - 1) return false;
    if (r->used + length + 1 > r->capacity) {
        size_t capacity = r->capacity ? r->capacity : 4096;
        while (capacity < r->used + length + 1) capacity *= 2;
        char *grown = realloc(r->buffer, capacity);
        if (!grown) return false;
        r->buffer = grown;
        r->capacity = capacity;
    }
    if (length) memcpy(r->buffer + r->used, bytes, length);
    r->used += length;
    return true;
}

static hack_dap_read fail(char *error, size_t size, const char *format, unsigned long long value)
{
    snprintf(error, size, format, value);
    return HACK_DAP_READ_ERROR;
}

/* "Content-Length: 123" (the name in any case, blanks around the number). Returns -1 for another field, 0
 * for a Content-Length that is no number, 1 with *value. */
static int content_length(const char *line, size_t length, unsigned long long *value)
{
    static const char name[] = "content-length:";
    const size_t n = sizeof name - 1;
    if (length < n) return -1;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)line[i]) != name[i]) return -1;
    size_t i = n;
    while (i < length && (line[i] == ' ' || line[i] == '\t')) i++;
    size_t digits = 0;
    *value = 0;
    for (; i < length && isdigit((unsigned char)line[i]); i++, digits++) {
        if (*value > (ULLONG_MAX - 9) / 10) return 0;
        *value = *value * 10 + (unsigned long long)(line[i] - '0');
    }
    while (i < length && (line[i] == ' ' || line[i] == '\t')) i++;
    return digits && i == length ? 1 : 0;
}

/* Reads the header block at the buffer's start: NONE when it is not whole yet. */
static hack_dap_read read_header(hack_dap_reader *r, char *error, size_t size)
{
    size_t start = 0;
    bool has_length = false, bad_length = false;
    unsigned long long length = 0;
    for (;;) {
        const char *newline = memchr(r->buffer + start, '\n', r->used - start);
        if (!newline) {
            if (r->used <= HACK_DAP_MAX_HEADER) return HACK_DAP_READ_NONE;
            drop(r, r->used);
            r->lost = true;
            return fail(error, size, "a header block longer than %llu bytes without its end: dropped",
                        HACK_DAP_MAX_HEADER);
        }
        size_t end = (size_t)(newline - r->buffer), line_length = end - start;
        if (line_length && r->buffer[end - 1] == '\r') line_length--;
        if (end + 1 > HACK_DAP_MAX_HEADER) {
            drop(r, end + 1);
            r->lost = true;
            return fail(error, size, "a header block longer than %llu bytes: dropped", HACK_DAP_MAX_HEADER);
        }
        if (line_length == 0) { /* the block's end */
            drop(r, end + 1);
            break;
        }
        unsigned long long value;
        int field = content_length(r->buffer + start, line_length, &value);
        if (field == 1) {
            has_length = true;
            length = value;
        } else if (field == 0) {
            bad_length = true;
        }
        start = end + 1;
    }
    if (bad_length || !has_length) {
        snprintf(error, size, "%s", bad_length ? "a Content-Length that is not a number: the message is dropped"
                                               : "a header block without Content-Length: dropped");
        r->lost = true; /* (its body, if it has one, is not a header: the next message starts at a Content-Length) */
        return HACK_DAP_READ_ERROR;
    }
    if (length > HACK_DAP_MAX_BODY) {
        size_t here = r->used < length ? r->used : (size_t)length;
        drop(r, here);
        r->skip = (size_t)(length - here);
        return fail(error, size, "a message of %llu bytes, more than the 4 MiB allowed: skipped", length);
    }
    r->body = (size_t)length;
    return HACK_DAP_READ_NONE;
}

/* After a broken header: drops the bytes before the next "Content-Length:" (any case; a body ends with no newline,
 * so the next header may follow it on the same line); false while none has come yet (a tail that may be the
 * start of one is kept) */
static bool find_next_header(hack_dap_reader *r)
{
    static const char field[] = "content-length:";
    const size_t n = sizeof field - 1;
    for (size_t at = 0; at < r->used; at++) {
        size_t k = 0;
        while (k < n && at + k < r->used && tolower((unsigned char)r->buffer[at + k]) == field[k]) k++;
        if (k == n) {
            drop(r, at);
            r->lost = false;
            return true;
        }
        if (at + k == r->used) { /* the buffer ends in what may yet become one */
            drop(r, at);
            return false;
        }
    }
    drop(r, r->used);
    return false;
}

hack_dap_read hack_dap_reader_next(hack_dap_reader *r, const char **body, size_t *length, char *error, size_t size)
{
    release(r);
    if (r->body == SIZE_MAX && r->lost && !find_next_header(r)) return HACK_DAP_READ_NONE;
    if (r->body == SIZE_MAX) {
        if (!r->used) return HACK_DAP_READ_NONE;
        hack_dap_read header = read_header(r, error, size);
        if (header != HACK_DAP_READ_NONE || r->body == SIZE_MAX) return header;
    }
    if (r->used < r->body) return HACK_DAP_READ_NONE;
    /* the body is at the buffer's start; a NUL after it, on a byte kept aside (there is always room for it) */
    *length = r->body;
    r->saved = r->buffer[r->body];
    r->buffer[r->body] = '\0';
    *body = r->buffer;
    r->handed = r->body;
    r->handing = true;
    r->body = SIZE_MAX;
    return HACK_DAP_READ_MESSAGE;
}
