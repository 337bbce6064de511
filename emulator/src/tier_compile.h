/* The native tier's compiler: $CC (words, as make takes them) found on PATH and known by its files, run on one
 * translation in a private folder with nothing of hackemu's: stdin from /dev/null, its output to a log, no other
 * descriptor, a process group of its own at the lowest priority, and a watcher that kills that group as soon
 * as hackemu lets go of it or dies, however it dies. Nothing outlives hackemu. */
#ifndef HACK_TIER_COMPILE_H
#define HACK_TIER_COMPILE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char **words;    /* $CC split at blanks ('...' and "..." quote), NULL-terminated */
    size_t count;
    char *path;      /* words[0] found: the file run */
    char *identity;  /* what the cache keys on: each program word's path, size, time and inode */
} tier_compiler;

/* Splits and finds the compiler (cc when CC is NULL or empty). False with the reason in why. */
bool tier_compiler_find(const char *cc, tier_compiler *compiler, char *why, size_t size);
void tier_compiler_free(tier_compiler *compiler);

/* How a compile can be called off from another thread: lock guards *life (the watcher's pipe, -1 when none);
 * cancel set and *life closed under the lock stop the compile at once. */
typedef struct {
    pthread_mutex_t *lock;
    int *life;
    atomic_bool *cancel;
} tier_cancel;

typedef enum {
    TIER_COMPILE_OK,
    TIER_COMPILE_FAILED,    /* why says how (the compiler's first lines, or what could not be done) */
    TIER_COMPILE_CANCELLED,
} tier_compile_result;

/* Runs FLAGS... (the compiler's own words after them) -o OUTPUT SOURCE with the folder work_fd (named
 * work_name in the folder cache_fd) as its current folder and TMPDIR, its output to LOG there; waits for it (or
 * for a cancel). Cancelled, or when hackemu dies, the watcher also empties and removes the work folder. */
tier_compile_result tier_compile_run(const tier_compiler *compiler, const char *const *flags, int cache_fd,
                                     int work_fd, const char *work_name, const char *output, const char *source, const char *log,
                                     const tier_cancel *cancel, char *why, size_t size);

/* The fd number past which none is open in this process, for closing everything in a child. */
int tier_open_max(void);

#endif
