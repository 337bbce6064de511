/* A set of source files in memory (the .vm of a program, the .jack of a folder), read from a file or from
 * every file of a folder with a given extension, in name order. */
#ifndef HACK_SOURCES_H
#define HACK_SOURCES_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A place in a source file (1-based; line 0: none). */
typedef struct {
    uint32_t line;
    uint32_t column;
} hack_source_position;

typedef struct {
    char *path; /* for messages and program maps */
    char *text; /* NUL-terminated */
    size_t length;
    /* Where the text was compiled from, when a compiler made it (VM code from Jack): origin_path names the
     * file ("Main.jack", "(os)/Memory.jack") and origins[i] is the place that line i + 1 of text came from
     * (line 0: none). NULL and 0 for text without such a source. */
    char *origin_path;
    hack_source_position *origins;
    size_t origin_count;
} hack_source;

typedef struct {
    hack_source *items;
    size_t count;
} hack_sources;

/* Adds a source from memory (both strings are copied). */
bool hack_sources_add(hack_sources *sources, const char *path, const char *text, size_t length);
/* Records where source index's lines came from (copied): see hack_source.origin_path. */
bool hack_sources_set_origin(hack_sources *sources, size_t index, const char *origin_path,
                             const hack_source_position *origins, size_t origin_count);
/* Reads path: a file, or every file of a folder whose name ends with extension (".vm"). */
bool hack_sources_read(hack_sources *sources, const char *path, const char *extension, hack_diag_list *diags);
/* Removes source index (the others keep their order). */
void hack_sources_remove(hack_sources *sources, size_t index);
void hack_sources_free(hack_sources *sources);

#endif
