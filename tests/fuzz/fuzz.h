/* Shared by the fuzz harnesses (libFuzzer's entry point) and by the replay driver that feeds saved inputs
 * through the same entry point in the normal build (replay_main.c). */
#ifndef HACK_FUZZ_H
#define HACK_FUZZ_H

#include "hack/diag.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each harness defines it: one input, 0 always (a finding is a crash, an abort or a sanitizer report). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Defined by the harnesses that need libFuzzer's command line (called once by libFuzzer, never by replay). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* On a harness's own loops over many words (its model, its checks): no coverage instrumentation there, whose
 * comparison tracing would otherwise take most of the time and tell the fuzzer nothing (not inlined: the
 * instrumentation comes after inlining). */
#if defined(__clang__)
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FUZZ_NO_COVERAGE
#endif

/* A property the harness checks does not hold: report it and abort, which the fuzzer takes as a finding. */
#define FUZZ_CHECK(condition)                                                                   \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #condition); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

/* Whether to step around a known bug whose fix is under way (README.md in this folder lists them): yes,
 * unless the environment has HACK_FUZZ_NO_DETOURS=1 (or "all"), or a comma-separated list of the detours to
 * drop (e.g. "diag-control,vm-long-lines"), to check a fix or to find the bug again. */
static inline int fuzz_detour(const char *name)
{
    const char *no = getenv("HACK_FUZZ_NO_DETOURS");
    if (!no || !*no || strcmp(no, "0") == 0) return 1;
    if (strcmp(no, "1") == 0 || strcmp(no, "all") == 0) return 0;
    size_t n = strlen(name);
    for (const char *p = no; (p = strstr(p, name)) != NULL; p += n)
        if ((p == no || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 0;
    return 1;
}

/* Prints the diagnostics as a terminal would get them, and checks that no control byte of the input gets
 * through (they are shown escaped, as \x1b): only newlines and tabs. */
static inline void fuzz_print_diags(const hack_diag_list *diags)
{
    static FILE *sink;
    if (!sink) sink = tmpfile();
    if (!sink) return;
    rewind(sink);
    hack_diag_list_print(sink, diags);
    long length = ftell(sink);
    rewind(sink);
    for (long i = 0; i < length; i++) {
        int c = fgetc(sink);
        FUZZ_CHECK(c == EOF || c >= 0x20 || c == '\n' || c == '\t');
    }
}

/* Makes a private temporary folder (template "...-XXXXXX" in folder[size]): in $TMPDIR when set, else in
 * /dev/shm where there is one (memory: rewriting a file there costs no disk flush), else in /tmp. Aborts on
 * failure. Needs _POSIX_C_SOURCE 200809L (mkdtemp, access) in the file that includes this. */
#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200809L
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
static inline void fuzz_make_temp_folder(char *folder, size_t size, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    if ((size_t)snprintf(folder, size, "%s/%s-XXXXXX", tmp, prefix) >= size || !mkdtemp(folder)) {
        fprintf(stderr, "fuzz: cannot make a temporary folder in %s\n", tmp);
        abort();
    }
}

/* Makes a private folder (template "WORK/PREFIX-XXXXXX" in folder[size]) under the harness's own work
 * folder, never in a shared one such as /tmp: WORK is $HACK_FUZZ_WORK_DIR when set, else FUZZ_WORK_DIR (the
 * build's fuzz-work/, set by CMakeLists.txt), made 0700 when missing and refused unless it is a folder of
 * this user's that no one else can write. Aborts on failure. */
#ifndef FUZZ_WORK_DIR
#define FUZZ_WORK_DIR "fuzz-work"
#endif
static inline void fuzz_make_work_folder(char *folder, size_t size, const char *prefix)
{
    const char *work = getenv("HACK_FUZZ_WORK_DIR");
    if (!work || !*work) work = FUZZ_WORK_DIR;
    struct stat info;
    if (mkdir(work, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fuzz: cannot make the work folder %s: %s\n", work, strerror(errno));
        abort();
    }
    if (lstat(work, &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != getuid() || (info.st_mode & 022)) {
        fprintf(stderr, "fuzz: %s is not a folder of this user's that only this user can write\n", work);
        abort();
    }
    if ((size_t)snprintf(folder, size, "%s/%s-XXXXXX", work, prefix) >= size || !mkdtemp(folder)) {
        fprintf(stderr, "fuzz: cannot make a folder in %s\n", work);
        abort();
    }
}

/* Removes everything inside folder (files, and folders with what they hold; symbolic links themselves, not
 * what they point to). Returns the number of entries removed. */
#include <dirent.h>
static inline size_t fuzz_empty_folder(const char *folder)
{
    size_t removed = 0;
    DIR *dir = opendir(folder);
    if (!dir) return 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", folder, entry->d_name) >= sizeof path) continue;
        struct stat info;
        if (lstat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
            removed += fuzz_empty_folder(path);
            rmdir(path);
        } else {
            unlink(path);
        }
        removed++;
    }
    closedir(dir);
    return removed;
}
#endif

/* Every word of data (a run of bytes that are not blanks) is at most max bytes long. */
FUZZ_NO_COVERAGE static inline int fuzz_words_at_most(const uint8_t *data, size_t size, size_t max)
{
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
            run = 0;
        } else if (++run > max) {
            return 0;
        }
    }
    return 1;
}

/* Every line of data is at most max bytes long (without its newline). The harnesses use it to step around
 * known bugs with long lines while their fixes are under way (see README.md in this folder). */
FUZZ_NO_COVERAGE static inline int fuzz_lines_at_most(const uint8_t *data, size_t size, size_t max)
{
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n') {
            run = 0;
        } else if (++run > max) {
            return 0;
        }
    }
    return 1;
}

#endif
