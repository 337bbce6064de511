#define _POSIX_C_SOURCE 200809L
#include "hack/sources.h"

#include "hack/path.h"
#include "hack/textfile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool hack_sources_add(hack_sources *sources, const char *path, const char *text, size_t length)
{
    hack_source *grown = realloc(sources->items, (sources->count + 1) * sizeof *grown);
    if (!grown) return false;
    sources->items = grown;
    hack_source *source = &grown[sources->count];
    *source = (hack_source){0};
    source->path = malloc(strlen(path) + 1);
    source->text = malloc(length + 1);
    if (!source->path || !source->text) {
        free(source->path);
        free(source->text);
        return false;
    }
    strcpy(source->path, path);
    memcpy(source->text, text, length);
    source->text[length] = '\0';
    source->length = length;
    sources->count++;
    return true;
}

bool hack_sources_set_origin(hack_sources *sources, size_t index, const char *origin_path,
                             const hack_source_position *origins, size_t origin_count)
{
    if (index >= sources->count || !origin_path) return false;
    hack_source *source = &sources->items[index];
    char *path = malloc(strlen(origin_path) + 1);
    hack_source_position *copy = malloc((origin_count ? origin_count : 1) * sizeof *copy);
    if (!path || !copy) {
        free(path);
        free(copy);
        return false;
    }
    strcpy(path, origin_path);
    if (origin_count) memcpy(copy, origins, origin_count * sizeof *copy);
    free(source->origin_path);
    free(source->origins);
    source->origin_path = path;
    source->origins = copy;
    source->origin_count = origin_count;
    return true;
}

static void free_source(hack_source *source)
{
    free(source->path);
    free(source->text);
    free(source->origin_path);
    free(source->origins);
}

void hack_sources_remove(hack_sources *sources, size_t index)
{
    if (index >= sources->count) return;
    free_source(&sources->items[index]);
    memmove(sources->items + index, sources->items + index + 1, (sources->count - index - 1) * sizeof *sources->items);
    sources->count--;
}

void hack_sources_free(hack_sources *sources)
{
    for (size_t i = 0; i < sources->count; i++) free_source(&sources->items[i]);
    free(sources->items);
    sources->items = NULL;
    sources->count = 0;
}

static bool add_file(hack_sources *sources, const char *path, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    bool ok = hack_sources_add(sources, path, text, length);
    free(text);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool hack_sources_read(hack_sources *sources, const char *path, const char *extension, hack_diag_list *diags)
{
    struct stat info;
    if (stat(path, &info) != 0 || !S_ISDIR(info.st_mode)) return add_file(sources, path, diags);
    DIR *dir = opendir(path);
    if (!dir) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot open the folder");
        return false;
    }
    char **names = NULL;
    size_t count = 0;
    bool ok = true;
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        size_t n = strlen(entry->d_name);
        if (n <= strlen(extension) || !hack_path_has_extension(entry->d_name, extension)) continue;
        char **grown = realloc(names, (count + 1) * sizeof *grown);
        char *full = malloc(strlen(path) + n + 2);
        if (grown) names = grown;
        if (!grown || !full) {
            free(full);
            ok = false;
            break;
        }
        sprintf(full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", entry->d_name);
        names[count++] = full;
    }
    closedir(dir);
    if (ok && count == 0) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "the folder has no %s files", extension);
        ok = false;
    }
    if (names) qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        if (ok) ok = add_file(sources, names[i], diags);
        free(names[i]);
    }
    free(names);
    return ok;
}
