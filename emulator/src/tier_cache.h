/* The native tier's cache (tier_cache.c): a folder only the user can write, holding
 *  - compiled translations, tier-KEY.so, KEY the SHA-256 of the translation's C text (which names the compiler,
 *    its identity and hackemu's version); each ends with a trailer recording its size, KEY and the SHA-256 of
 *    its bytes, all checked before the file is mapped;
 *  - profiles, prog-KEY.prof, KEY the SHA-256 of a program (its ROM, the words the interpreter must run, the
 *    compiler and hackemu's version): which words it reached when it was profiled, so a later run of the same
 *    program translates the same blocks at once instead of interpreting and profiling again;
 *  - work folders, work-PID-XXXXXX, where one compile runs; removed when it ends, or by a later run when the
 *    process that made it is gone.
 * Nothing is written in place: files are made in a work folder (created exclusively) and renamed into the cache.
 * A bad entry is removed (and compiled again by the caller). */
#ifndef HACK_TIER_CACHE_H
#define HACK_TIER_CACHE_H

#include "hack/sha256.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int fd;          /* the folder, opened without following a link and checked; -1 when none */
    char path[1024]; /* for messages */
} tier_cache;

/* The folder: `configured` when given, else $XDG_CACHE_HOME/hackemu, else $HOME/.cache/hackemu (either only when
 * absolute; with neither there is no cache). Made when missing (0700, its missing parents too), then checked:
 * not a symbolic link, a folder, owned by this user, writable by no one else, in a folder of this user's (or
 * root's) that no one else can write (not a shared folder such as /tmp). "No one else": the user's private group
 * (of the user's name, no other member) may write. False, with the reason in why, when there is no such folder. */
bool tier_cache_open(tier_cache *cache, const char *configured, const char *xdg_cache_home, const char *home,
                     char *why, size_t size);
void tier_cache_close(tier_cache *cache);

/* A compiled translation, loaded. */
typedef struct {
    void *library;
    void *entry; /* its hack_tier_run */
    int fd;      /* held while it is loaded (its name for the loader on Linux: /proc/self/fd/N) */
} tier_object;

typedef enum {
    TIER_ENTRY_LOADED,
    TIER_ENTRY_MISSING,
    TIER_ENTRY_REMOVED,    /* it was there but not right (cut, a link, another key, not ours...): removed; note says */
    TIER_ENTRY_UNLOADABLE, /* right, but the loader refused it (note: why); kept: compiled again it would be the same */
} tier_entry_result;

/* Finds tier-KEY.so, checks it whole and loads it. */
tier_entry_result tier_cache_load(const tier_cache *cache, const uint8_t key[HACK_SHA256_SIZE], tier_object *object,
                                  char *note, size_t size);
void tier_object_unload(tier_object *object);

/* A work folder of this process's, made exclusively (its fd, and its name in name); -1 with why. */
int tier_cache_work_open(const tier_cache *cache, char name[64], char *why, size_t size);
/* Removes the work folder and everything in it. */
void tier_cache_work_remove(const tier_cache *cache, int work_fd, const char *name);

/* Writes `count` bytes as FILE in the work folder (created exclusively). False with why. */
bool tier_cache_work_write(int work_fd, const char *file, const void *bytes, size_t count, char *why, size_t size);

/* Gives the compiled object FILE of the work folder its trailer and renames it into the cache as tier-KEY.so. */
bool tier_cache_store(const tier_cache *cache, int work_fd, const char *file, const uint8_t key[HACK_SHA256_SIZE],
                      char *why, size_t size);

/* The profile of a program: visited has program_size + 2 bytes (1: reached). Reads false when there is none
 * or it is not right (then removed, with a note). */
bool tier_cache_read_profile(const tier_cache *cache, const uint8_t program[HACK_SHA256_SIZE], uint32_t program_size,
                             uint8_t *visited, bool *no_kept, char *note, size_t size);
bool tier_cache_write_profile(const tier_cache *cache, int work_fd, const uint8_t program[HACK_SHA256_SIZE],
                              uint32_t program_size, const uint8_t *visited, bool no_kept, char *why, size_t size);

/* Keeps the 64 compiled translations and 256 profiles used last; removes the work folders of processes that
 * are gone. */
void tier_cache_trim(const tier_cache *cache);

/* The trailer's layout, for tests that make entries by hand: the object's bytes, then these TIER_TRAILER_SIZE
 * bytes: "HACKTIER", the format (4 bytes, little-endian), 4 zero bytes, the object's size (8, little-endian), the
 * SHA-256 of the object's bytes, KEY. */
enum { TIER_TRAILER_SIZE = 88, TIER_TRAILER_FORMAT = 1 };
void tier_cache_trailer(uint64_t object_size, const uint8_t object_digest[HACK_SHA256_SIZE],
                        const uint8_t key[HACK_SHA256_SIZE], uint8_t trailer[TIER_TRAILER_SIZE]);

#endif
