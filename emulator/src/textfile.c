#define _POSIX_C_SOURCE 200809L /* (open flags, fdopen) */
#include "hack/textfile.h"
#include "hack/outfile.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
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

FILE *hack_textfile_open_regular(const char *path, hack_diag_list *diags)
{
    /* O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (diags) hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat info;
    const bool known = fstat(fd, &info) == 0;
    if (!known || !S_ISREG(info.st_mode)) {
        const bool folder = known && S_ISDIR(info.st_mode);
        if (diags)
            hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "not read: %s",
                          folder ? "a folder, not a file" : "not a regular file (a FIFO, a device or a socket)");
        close(fd);
        return NULL;
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *file = fdopen(fd, "rb");
    if (!file) {
        if (diags) hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return file;
}

bool hack_textfile_read(const char *path, char **text, size_t *length, hack_diag_list *diags)
{
    *text = NULL;
    *length = 0;
    FILE *file = hack_textfile_open_regular(path, diags);
    if (!file) return false;
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
    assert((text || length == 0) && offset && line_start && line_length);
    if (*offset >= length) return false;
    const char *start = text + *offset;
    const char *newline = memchr(start, '\n', length - *offset);
    size_t n = newline ? (size_t)(newline - start) : length - *offset;
    *line_start = start;
    *line_length = n;
    *offset += n + (newline ? 1 : 0);
    return true;
}
