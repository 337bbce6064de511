/* Reading a whole source file with the checks every tool wants: it exists, it is not too large, it is text. */
#ifndef HACK_TEXTFILE_H
#define HACK_TEXTFILE_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum { HACK_TEXTFILE_MAX_BYTES = 16 * 1024 * 1024 };

/* Reads path into a NUL-terminated buffer (*text, to free) of *length bytes. On failure adds an error to
 * diags ("cannot open", "larger than 16 MiB", "binary file: NUL byte at line N") and returns false. */
bool hack_textfile_read(const char *path, char **text, size_t *length, hack_diag_list *diags);

/* Opens path for reading only when it is a regular file: a FIFO (whose open blocks for ever until a writer
 * comes), a device or a socket is an error naming it, never waited on. NULL with the error in diags (may be
 * NULL: no message). */
#include <stdio.h>
FILE *hack_textfile_open_regular(const char *path, hack_diag_list *diags);

/* Writes length bytes of text to path; on failure adds an error ("cannot write: ...") and returns false. */
bool hack_textfile_write(const char *path, const char *text, size_t length, hack_diag_list *diags);

/* Checks text already in memory the same way (no NUL byte); name is used in the message. */
bool hack_textfile_check(const char *name, const char *text, size_t length, hack_diag_list *diags);

/* Iterates over lines: *line_start and *line_length (without the newline; a trailing CR is kept). Returns false
 * at the end. *offset starts at 0. */
bool hack_textfile_next_line(const char *text, size_t length, size_t *offset, const char **line_start,
                             size_t *line_length);

#endif
