#define _POSIX_C_SOURCE 200809L
#include "hack/path.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *hack_path_with_extension(const char *path, const char *extension)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t stem = (dot && (!slash || dot > slash + 1)) ? (size_t)(dot - path) : strlen(path);
    size_t ext = strlen(extension);
    char *result = malloc(stem + ext + 1);
    if (!result) return NULL;
    memcpy(result, path, stem);
    memcpy(result + stem, extension, ext + 1);
    return result;
}

bool hack_path_has_extension(const char *path, const char *extension)
{
    size_t n = strlen(path), e = strlen(extension);
    if (n < e) return false;
    for (size_t i = 0; i < e; i++)
        if (tolower((unsigned char)path[n - e + i]) != tolower((unsigned char)extension[i])) return false;
    return true;
}

bool hack_path_is_folder(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

const char *hack_path_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *hack_path_join(const char *folder, const char *name)
{
    const size_t f = strlen(folder), n = strlen(name);
    const bool slash = f > 0 && folder[f - 1] != '/';
    char *out = malloc(f + slash + n + 1);
    if (!out) return NULL;
    memcpy(out, folder, f);
    if (slash) out[f] = '/';
    memcpy(out + f + slash, name, n + 1);
    return out;
}
