/* The native tier's cache readers (tier_cache.c): a profile record and a compiled entry are inputs like any file.
 * The first byte picks the reader, the rest is the file, written into a cache folder of the harness's own (made
 * 0700 once, removed at exit). Checks: no crash, no memory error; a profile is taken only when it is whole and
 * its digest right (then its bits are 0 or 1), else it is removed; an entry is never loaded: one that is not
 * whole and right is removed, one that is but does not load is kept with the loader's reason. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "tier_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char folder[256], cache_path[300];
static const char *const names[] = {
    "prog-0000000000000000000000000000000000000000000000000000000000000000.prof",
    "tier-0000000000000000000000000000000000000000000000000000000000000000.so",
};

static void remove_folder(void)
{
    for (int i = 0; i < 2; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/%s", cache_path, names[i]);
        unlink(path);
    }
    rmdir(cache_path);
    rmdir(folder);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        fuzz_make_temp_folder(folder, sizeof folder, "hack-fuzz-tier");
        snprintf(cache_path, sizeof cache_path, "%s/hackemu", folder);
        atexit(remove_folder);
    }
    if (size < 1) return 0;
    const int reader = data[0] & 1;
    char path[400], why[300], note[800];
    snprintf(path, sizeof path, "%s/%s", cache_path, names[reader]);
    tier_cache cache;
    FUZZ_CHECK(tier_cache_open(&cache, cache_path, NULL, NULL, why, sizeof why));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) abort();
    if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) abort();
    close(fd);
    const uint8_t key[HACK_SHA256_SIZE] = {0};
    struct stat st;
    if (reader == 0) {
        /* the program's size as the record says it (so the harness reaches the checks past the size) */
        uint32_t words = size >= 53 ? (uint32_t)(data[49] | data[50] << 8) % 32769u : 16;
        static uint8_t visited[32768 + 2];
        bool no_kept = false;
        note[0] = '\0';
        const bool taken = tier_cache_read_profile(&cache, key, words, visited, &no_kept, note, sizeof note);
        for (uint32_t i = 0; taken && i < words + 2; i++) FUZZ_CHECK(visited[i] <= 1);
        FUZZ_CHECK(taken || stat(path, &st) != 0); /* refused: removed */
        FUZZ_CHECK(taken || note[0]);
    } else {
        tier_object object;
        note[0] = '\0';
        const tier_entry_result r = tier_cache_load(&cache, key, &object, note, sizeof note);
        /* never loaded (a file that is whole and right but no shared object is kept, with the loader's word) */
        FUZZ_CHECK(r != TIER_ENTRY_LOADED && r != TIER_ENTRY_MISSING && note[0]);
        FUZZ_CHECK(r == TIER_ENTRY_UNLOADABLE || stat(path, &st) != 0);
    }
    tier_cache_close(&cache);
    unlink(path);
    return 0;
}
