/* The Debug Adapter Protocol's framing: each message is a header block ("Content-Length: N", other fields
 * ignored, each line ending in CRLF or LF, then an empty line) followed by N bytes of JSON. The reader takes
 * the bytes as they come, in pieces of any size, and hands out whole bodies; it never trusts a length: a
 * header block too long, one without Content-Length or with a bad one is an error and is dropped, and so is
 * a body longer than the cap (its bytes are skipped as they arrive, so the next message is read as it should
 * be). Nothing here knows JSON. */
#ifndef HACK_DAP_WIRE_H
#define HACK_DAP_WIRE_H

#include <stdbool.h>
#include <stddef.h>

enum {
    HACK_DAP_MAX_HEADER = 8192,        /* bytes of a header block */
    HACK_DAP_MAX_BODY = 4 * 1024 * 1024 /* bytes of a message's JSON */
};

typedef struct {
    char *buffer; /* bytes received and not handed out yet */
    size_t used, capacity;
    size_t skip;  /* bytes of a refused body still to come, to be dropped */
    size_t body;  /* after a header block was read: the length of the body awaited (SIZE_MAX: none) */
    size_t handed;   /* the body handed out last (at the buffer's start), dropped at the next call */
    bool handing;    /* one was handed out */
    char saved;      /* the byte its NUL stands on */
    bool lost;       /* after a broken header: the bytes up to the next "Content-Length:" line are not a message */
} hack_dap_reader;

void hack_dap_reader_init(hack_dap_reader *reader);
void hack_dap_reader_free(hack_dap_reader *reader);

/* Adds bytes received. False when memory ran out (the bytes are lost; the reader stays usable). */
bool hack_dap_reader_add(hack_dap_reader *reader, const char *bytes, size_t length);

typedef enum {
    HACK_DAP_READ_NONE,    /* no whole message yet: add more bytes */
    HACK_DAP_READ_MESSAGE, /* *body (NUL-terminated, *length bytes) is valid until the next call */
    HACK_DAP_READ_ERROR,   /* the bytes did not frame a message: why in error; call again for the rest */
} hack_dap_read;

hack_dap_read hack_dap_reader_next(hack_dap_reader *reader, const char **body, size_t *length, char *error,
                                   size_t size);

#endif
