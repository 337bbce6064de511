/* Replays saved inputs through a harness's LLVMFuzzerTestOneInput without libFuzzer: each argument is a file
 * or a folder whose files are fed one by one (names in order). A crash, an abort or a sanitizer report fails
 * the test, as it would fail the fuzzer. A missing or empty folder is fine: nothing to replay. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replayed;

static int replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t capacity = 4096, size = 0;
    uint8_t *data = malloc(capacity);
    for (;;) {
        if (!data) {
            fclose(file);
            fprintf(stderr, "replay: out of memory\n");
            return 1;
        }
        size += fread(data + size, 1, capacity - size, file);
        if (size < capacity) break;
        capacity *= 2;
        uint8_t *grown = realloc(data, capacity);
        if (!grown) free(data);
        data = grown;
    }
    fclose(file);
    /* exactly size bytes, as libFuzzer passes them: a copy of that size, so that reading past it is caught */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return 1;
    }
    memcpy(exact, data, size);
    free(data);
    printf("replay: %s (%zu bytes)\n", path, size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    replayed++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_folder(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir) {
        printf("replay: no folder %s, nothing to replay there\n", path);
        return 0;
    }
    char **names = NULL;
    size_t count = 0;
    int failed = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue; /* ., .., and hidden files such as .gitkeep */
        char **grown = realloc(names, (count + 1) * sizeof *names);
        if (!grown) {
            failed = 1;
            break;
        }
        names = grown;
        size_t n = strlen(path) + strlen(entry->d_name) + 2;
        names[count] = malloc(n);
        if (!names[count]) {
            failed = 1;
            break;
        }
        snprintf(names[count++], n, "%s/%s", path, entry->d_name);
    }
    closedir(dir);
    if (count) qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        struct stat info;
        if (!failed && stat(names[i], &info) == 0 && S_ISREG(info.st_mode)) failed = replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return failed;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc && !failed; i++) {
        struct stat info;
        if (stat(argv[i], &info) == 0 && S_ISDIR(info.st_mode))
            failed = replay_folder(argv[i]);
        else if (stat(argv[i], &info) == 0)
            failed = replay_file(argv[i]);
        else
            printf("replay: no %s, nothing to replay there\n", argv[i]);
    }
    printf("replay: %d inputs replayed%s\n", replayed, failed ? ", with errors" : "");
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
