#include "hack/textfile.h"
#include "hack/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hack_textfile_check(const char *name, const char *text, size_t length, hack_diag_list *diags)
{
    const char *nul = memchr(text, '\0', length);
    if (!nul) return true;
    int line = 1;
    for (const char *p = text; p < nul; p++)
        if (*p == '\n') line++;
    hack_diag_add(diags, HACK_DIAG_ERROR, name, line, 0, NULL, 0,
                  "this is a binary file, not text (NUL byte at offset %zu)", (size_t)(nul - text));
    return false;
}

bool hack_textfile_read(const char *path, char **text, size_t *length, hack_diag_list *diags)
{
    *text = NULL;
    *length = 0;
    FILE *file = fopen(path, "rb");
    if (!file) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot open: %s", strerror(errno));
        return false;
    }
    size_t capacity = 4096, used = 0;
    char *buffer = malloc(capacity);
    bool ok = buffer != NULL;
    while (ok) {
        if (used + 1 >= capacity) {
            if (capacity > HACK_TEXTFILE_MAX_BYTES) {
                hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "file is larger than %d MiB",
                              HACK_TEXTFILE_MAX_BYTES / (1024 * 1024));
                ok = false;
                break;
            }
            char *grown = realloc(buffer, capacity * 2);
            if (!grown) {
                ok = false;
                break;
            }
            buffer = grown;
            capacity *= 2;
        }
        size_t got = fread(buffer + used, 1, capacity - 1 - used, file);
        used += got;
        if (got == 0) {
            if (ferror(file)) {
                hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "read error: %s", strerror(errno));
                ok = false;
            }
            break;
        }
    }
    fclose(file);
    if (ok && used > HACK_TEXTFILE_MAX_BYTES) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "file is larger than %d MiB",
                      HACK_TEXTFILE_MAX_BYTES / (1024 * 1024));
        ok = false;
    }
    if (ok) ok = hack_textfile_check(path, buffer, used, diags);
    if (!ok) {
        if (!buffer && diags->error_count == 0)
            hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "out of memory");
        free(buffer);
        return false;
    }
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    return true;
}

bool hack_textfile_write(const char *path, const char *text, size_t length, hack_diag_list *diags)
{
    hack_outfile out;
    if (!hack_outfile_open(&out, path, diags)) return false;
    if (fwrite(text, 1, length, out.file) != length) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "write failed: %s", strerror(errno));
        hack_outfile_abandon(&out);
        return false;
    }
    return hack_outfile_commit(&out, diags);
}

bool hack_textfile_next_line(const char *text, size_t length, size_t *offset, const char **line_start,
                             size_t *line_length)
{
    if (*offset >= length) return false;
    const char *start = text + *offset;
    const char *newline = memchr(start, '\n', length - *offset);
    size_t n = newline ? (size_t)(newline - start) : length - *offset;
    *line_start = start;
    *line_length = n;
    *offset += n + (newline ? 1 : 0);
    return true;
}
