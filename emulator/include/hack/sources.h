/* A set of source files in memory (the .vm of a program, the .jack of a folder), read from a file or from
 * every file of a folder with a given extension, in name order. */
#ifndef HACK_SOURCES_H
#define HACK_SOURCES_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *path; /* for messages and program maps */
    char *text; /* NUL-terminated */
    size_t length;
} hack_source;

typedef struct {
    hack_source *items;
    size_t count;
} hack_sources;

/* Adds a source from memory (both strings are copied). */
bool hack_sources_add(hack_sources *sources, const char *path, const char *text, size_t length);
/* Reads path: a file, or every file of a folder whose name ends with extension (".vm"). */
bool hack_sources_read(hack_sources *sources, const char *path, const char *extension, hack_diag_list *diags);
void hack_sources_free(hack_sources *sources);

#endif
