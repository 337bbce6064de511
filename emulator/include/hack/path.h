/* Small path helpers for the tools. */
#ifndef HACK_PATH_H
#define HACK_PATH_H

#include <stdbool.h>

/* A new string: path with its extension (from the last '.' after the last '/') replaced by extension
 * (given with its dot), or appended when there is none. NULL when memory ran out. */
char *hack_path_with_extension(const char *path, const char *extension);

/* Whether path ends with extension (given with its dot), ignoring case. */
bool hack_path_has_extension(const char *path, const char *extension);

/* The file's name in path: what follows its last '/' (the whole path when there is none). */
const char *hack_path_base_name(const char *path);

/* A new string: folder/name (no second '/' when folder ends with one). NULL when memory ran out. */
char *hack_path_join(const char *folder, const char *name);

/* Whether path names a folder. */
bool hack_path_is_folder(const char *path);

#endif
