/* The native tier's cache (tier_cache.h). Every access goes through the folder's descriptor, opened without
 * following a link and checked once: what it holds cannot be swapped behind it. Every file is opened without
 * following a link and checked (a regular file of this user's that no one else can write) before it is read. */
#define _POSIX_C_SOURCE 200809L
#include "tier_cache.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum {
    OBJECT_LIMIT = 256 << 20, /* a compiled translation is a few MB at most */
    PROFILE_MAGIC_SIZE = 8,
    PROFILE_HEADER = 8 + 4 + 4 + HACK_SHA256_SIZE + 4,
    KEEP_OBJECTS = 64,
    KEEP_PROFILES = 256,
};
static const char TRAILER_MAGIC[8] = {'H', 'A', 'C', 'K', 'T', 'I', 'E', 'R'};
static const char PROFILE_MAGIC[8] = {'H', 'A', 'C', 'K', 'P', 'R', 'O', 'F'};

static void put_le(uint8_t *at, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) at[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(const uint8_t *at, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++) value |= (uint64_t)at[i] << (8 * i);
    return value;
}

/* ---- the folder ---- */

/* Whether someone else may write what st describes: anyone may, or its group may and the group is not the
 * user's private group (a group of the user's own name with no other member, as Debian makes for each user,
 * whose folders a umask of 002 leaves group-writable). */
static bool writable_by_others(const struct stat *st)
{
    if (st->st_mode & S_IWOTH) return true;
    if (!(st->st_mode & S_IWGRP)) return false;
    if (st->st_gid != getegid()) return true;
    char buffer[4096];
    struct passwd user, *u = NULL;
    struct group group, *g = NULL;
    if (getpwuid_r(geteuid(), &user, buffer, sizeof buffer / 2, &u) != 0 || !u) return true;
    if (getgrgid_r(st->st_gid, &group, buffer + sizeof buffer / 2, sizeof buffer / 2, &g) != 0 || !g) return true;
    if (strcmp(g->gr_name, u->pw_name) != 0) return true;
    for (char **member = g->gr_mem; *member; member++)
        if (strcmp(*member, u->pw_name) != 0) return true;
    return false;
}

static bool checked_folder(int fd, const char *path, char *why, size_t size)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, size, "the cache folder %s is not a folder", path);
        return false;
    }
    if (st.st_uid != geteuid()) {
        snprintf(why, size, "the cache folder %s belongs to user %ld, not to you: not used", path, (long)st.st_uid);
        return false;
    }
    if (writable_by_others(&st)) {
        snprintf(why, size, "the cache folder %s can be written by others (mode %04o): not used", path,
                 (unsigned)(st.st_mode & 07777));
        return false;
    }
    int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat up;
    const bool shared = parent < 0 || fstat(parent, &up) != 0 || writable_by_others(&up) ||
                        (up.st_uid != geteuid() && up.st_uid != 0);
    if (parent >= 0) close(parent);
    if (shared) {
        snprintf(why, size, "the cache folder %s is in a folder others can write or own (a shared folder): not used",
                 path);
        return false;
    }
    return true;
}

bool tier_cache_open(tier_cache *cache, const char *configured, const char *xdg_cache_home, const char *home,
                     char *why, size_t size)
{
    cache->fd = -1;
    int n;
    if (configured && *configured)
        n = snprintf(cache->path, sizeof cache->path, "%s", configured);
    else if (xdg_cache_home && xdg_cache_home[0] == '/')
        n = snprintf(cache->path, sizeof cache->path, "%s/hackemu", xdg_cache_home);
    else if (home && home[0] == '/')
        n = snprintf(cache->path, sizeof cache->path, "%s/.cache/hackemu", home);
    else {
        snprintf(why, size, "no cache folder (neither XDG_CACHE_HOME nor HOME is set to a folder)");
        return false;
    }
    if (n < 0 || (size_t)n >= sizeof cache->path) {
        snprintf(why, size, "the cache folder's name is too long");
        return false;
    }
    /* the missing folders, made for this user alone */
    char partial[sizeof cache->path];
    memcpy(partial, cache->path, (size_t)n + 1);
    for (char *p = partial + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(partial, 0700);
        *p = '/';
    }
    if (mkdir(cache->path, 0700) != 0 && errno != EEXIST) {
        snprintf(why, size, "cannot make the cache folder %s: %s", cache->path, strerror(errno));
        return false;
    }
    int fd = open(cache->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        struct stat st;
        if (error == ELOOP || (lstat(cache->path, &st) == 0 && S_ISLNK(st.st_mode)))
            snprintf(why, size, "the cache folder %s is a symbolic link: not used", cache->path);
        else
            snprintf(why, size, "cannot open the cache folder %s: %s", cache->path, strerror(error));
        return false;
    }
    if (!checked_folder(fd, cache->path, why, size)) {
        close(fd);
        return false;
    }
    cache->fd = fd;
    return true;
}

void tier_cache_close(tier_cache *cache)
{
    if (cache->fd >= 0) close(cache->fd);
    cache->fd = -1;
}

/* A file of the cache opened for reading: a regular file of this user's that no one else can write, or -1
 * with the reason it is not right (NULL: there is none, or it cannot be opened now, which is no defect). */
static int open_entry(int dir, const char *name, int flags, struct stat *st, const char **problem)
{
    *problem = NULL;
    int fd = openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP) *problem = "a symbolic link";
        else if (errno == EISDIR) *problem = "not a regular file";
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) *problem = "not a regular file";
    else if (st->st_uid != geteuid()) *problem = "not yours";
    else if (writable_by_others(st)) *problem = "writable by others";
    if (*problem) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Removes a bad entry (a folder in its place too, when empty), and says so in note. */
static void remove_entry(const tier_cache *cache, const char *name, const char *problem, char *note, size_t size)
{
    if (unlinkat(cache->fd, name, 0) == 0 || unlinkat(cache->fd, name, AT_REMOVEDIR) == 0)
        snprintf(note, size, "the cache entry %s/%.16s... was %s: removed", cache->path, name, problem);
    else
        snprintf(note, size, "the cache entry %s/%.16s... was %s, and cannot be removed: %s", cache->path, name,
                 problem, strerror(errno));
}

static bool read_at(int fd, void *buffer, size_t count, off_t offset)
{
    uint8_t *p = buffer;
    while (count) {
        ssize_t n = pread(fd, p, count, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        count -= (size_t)n;
        offset += n;
    }
    return true;
}

static bool digest_of(int fd, uint64_t count, uint8_t digest[HACK_SHA256_SIZE])
{
    static const size_t CHUNK = 1 << 16;
    uint8_t *buffer = malloc(CHUNK);
    if (!buffer) return false;
    hack_sha256_context context;
    hack_sha256_init(&context);
    bool ok = true;
    for (uint64_t at = 0; ok && at < count; at += CHUNK) {
        const size_t n = count - at < CHUNK ? (size_t)(count - at) : CHUNK;
        ok = read_at(fd, buffer, n, (off_t)at);
        if (ok) hack_sha256_update(&context, buffer, n);
    }
    free(buffer);
    hack_sha256_final(&context, digest);
    return ok;
}

void tier_cache_trailer(uint64_t object_size, const uint8_t object_digest[HACK_SHA256_SIZE],
                        const uint8_t key[HACK_SHA256_SIZE], uint8_t trailer[TIER_TRAILER_SIZE])
{
    memset(trailer, 0, TIER_TRAILER_SIZE);
    memcpy(trailer, TRAILER_MAGIC, 8);
    put_le(trailer + 8, TIER_TRAILER_FORMAT, 4);
    put_le(trailer + 16, object_size, 8);
    memcpy(trailer + 24, object_digest, HACK_SHA256_SIZE);
    memcpy(trailer + 24 + HACK_SHA256_SIZE, key, HACK_SHA256_SIZE);
}

static void entry_name(char *name, size_t size, const char *prefix, const uint8_t key[HACK_SHA256_SIZE],
                       const char *suffix)
{
    char hex[2 * HACK_SHA256_SIZE + 1];
    hack_sha256_hex(key, hex);
    snprintf(name, size, "%s%s%s", prefix, hex, suffix);
}

/* An entry that could not be read now (no memory, an I/O error): not removed. */
static const char UNREADABLE[] = "unreadable";

/* What is wrong with an object file, or NULL: its size, trailer, key, digest and ELF header. */
static const char *object_problem(int fd, const struct stat *st, const uint8_t key[HACK_SHA256_SIZE])
{
    if (st->st_size < TIER_TRAILER_SIZE + 64) return st->st_size == 0 ? "empty" : "cut short";
    if (st->st_size > OBJECT_LIMIT) return "too large";
    const uint64_t object_size = (uint64_t)st->st_size - TIER_TRAILER_SIZE;
    uint8_t trailer[TIER_TRAILER_SIZE], elf[4];
    if (!read_at(fd, trailer, sizeof trailer, (off_t)object_size) || !read_at(fd, elf, 4, 0)) return UNREADABLE;
    if (memcmp(trailer, TRAILER_MAGIC, 8) != 0 || get_le(trailer + 8, 4) != TIER_TRAILER_FORMAT)
        return "cut short or not a cache entry (no trailer)";
    if (get_le(trailer + 16, 8) != object_size) return "cut short (its size is not the one recorded)";
    if (memcmp(trailer + 24 + HACK_SHA256_SIZE, key, HACK_SHA256_SIZE) != 0)
        return "another translation's (its key is not its name's)";
    uint8_t digest[HACK_SHA256_SIZE];
    if (!digest_of(fd, object_size, digest)) return UNREADABLE;
    if (memcmp(digest, trailer + 24, HACK_SHA256_SIZE) != 0) return "damaged (its bytes are not the ones recorded)";
    if (memcmp(elf, "\177ELF", 4) != 0 && memcmp(elf, "\317\372\355\376", 4) != 0) return "not a shared object";
    return NULL;
}

tier_entry_result tier_cache_load(const tier_cache *cache, const uint8_t key[HACK_SHA256_SIZE], tier_object *object,
                                  char *note, size_t size)
{
    object->library = object->entry = NULL;
    object->fd = -1;
    char name[128];
    entry_name(name, sizeof name, "tier-", key, ".so");
    struct stat st;
    const char *problem;
    int fd = open_entry(cache->fd, name, O_RDONLY, &st, &problem);
    if (fd >= 0) problem = object_problem(fd, &st, key);
    if (!problem && fd >= 0) {
        /* the very file checked (its descriptor stays open while it is loaded, so the name is unique); without
         * /proc, its path in the checked folder, which only this user can write */
        char path[sizeof cache->path + 160];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (access(path, F_OK) != 0) snprintf(path, sizeof path, "%s/%s", cache->path, name);
        void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        void *entry = library ? dlsym(library, "hack_tier_run") : NULL;
        if (entry) {
            object->library = library;
            object->entry = entry;
            object->fd = fd;
            utimensat(cache->fd, name, NULL, AT_SYMLINK_NOFOLLOW); /* used now: kept longer */
            return TIER_ENTRY_LOADED;
        }
        const char *error = dlerror();
        snprintf(note, size, "the cache entry %s/%.16s... was checked whole but does not load: %.300s", cache->path,
                 name, error ? error : "no hack_tier_run in it");
        if (library) dlclose(library);
        close(fd);
        return TIER_ENTRY_UNLOADABLE; /* compiling it again would make the same: kept */
    }
    if (fd >= 0) close(fd);
    if (!problem) return TIER_ENTRY_MISSING;
    if (problem == UNREADABLE) {
        snprintf(note, size, "the cache entry %s/%.16s... could not be read now: not used", cache->path, name);
        return TIER_ENTRY_MISSING;
    }
    remove_entry(cache, name, problem, note, size);
    return TIER_ENTRY_REMOVED;
}

void tier_object_unload(tier_object *object)
{
    if (object->library) dlclose(object->library);
    if (object->fd >= 0) close(object->fd);
    object->library = object->entry = NULL;
    object->fd = -1;
}

/* ---- work folders ---- */

int tier_cache_work_open(const tier_cache *cache, char name[64], char *why, size_t size)
{
    static atomic_uint counter; /* (several machines' tiers may make folders at once) */
    for (int attempt = 0; attempt < 100; attempt++) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        uint8_t seed[32], digest[HACK_SHA256_SIZE];
        const unsigned long long mix[4] = {(unsigned long long)now.tv_nsec, (unsigned long long)now.tv_sec,
                                           (unsigned long long)getpid(), (unsigned long long)atomic_fetch_add(&counter, 1)};
        memcpy(seed, mix, sizeof seed);
        hack_sha256(seed, sizeof seed, digest);
        snprintf(name, 64, "work-%ld-%02x%02x%02x%02x", (long)getpid(), digest[0], digest[1], digest[2], digest[3]);
        if (mkdirat(cache->fd, name, 0700) != 0) {
            if (errno == EEXIST) continue;
            snprintf(why, size, "cannot write in the cache folder %s: %s", cache->path, strerror(errno));
            return -1;
        }
        int fd = openat(cache->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            snprintf(why, size, "cannot open a work folder in %s: %s", cache->path, strerror(errno));
            unlinkat(cache->fd, name, AT_REMOVEDIR);
        }
        return fd;
    }
    snprintf(why, size, "cannot make a work folder in %s", cache->path);
    return -1;
}

static void empty_folder(int fd, int depth)
{
    int copy = dup(fd);
    DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
    if (!d) {
        if (copy >= 0) close(copy);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (unlinkat(fd, e->d_name, 0) == 0 || depth >= 4) continue;
        int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) continue;
        empty_folder(sub, depth + 1); /* what the compiler made there */
        close(sub);
        unlinkat(fd, e->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

void tier_cache_work_remove(const tier_cache *cache, int work_fd, const char *name)
{
    if (work_fd < 0) return;
    empty_folder(work_fd, 0);
    close(work_fd);
    unlinkat(cache->fd, name, AT_REMOVEDIR);
}

bool tier_cache_work_write(int work_fd, const char *file, const void *bytes, size_t count, char *why, size_t size)
{
    int fd = openat(work_fd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const uint8_t *p = bytes;
    bool ok = fd >= 0;
    while (ok && count) {
        ssize_t n = write(fd, p, count);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) {
            p += n;
            count -= (size_t)n;
        }
    }
    const int error = errno;
    if (fd >= 0 && close(fd) != 0 && ok) ok = false;
    if (!ok) snprintf(why, size, "cannot write in the cache folder: %s", strerror(error ? error : EIO));
    return ok;
}

bool tier_cache_store(const tier_cache *cache, int work_fd, const char *file, const uint8_t key[HACK_SHA256_SIZE],
                      char *why, size_t size)
{
    struct stat st;
    int fd = openat(work_fd, file, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || fchmod(fd, 0600) != 0) {
        snprintf(why, size, "the compiler wrote no object (%s)", fd < 0 ? strerror(errno) : "not a file of yours");
        if (fd >= 0) close(fd);
        return false;
    }
    uint8_t digest[HACK_SHA256_SIZE], trailer[TIER_TRAILER_SIZE];
    bool ok = st.st_size > 0 && st.st_size <= OBJECT_LIMIT && digest_of(fd, (uint64_t)st.st_size, digest);
    if (!ok) {
        snprintf(why, size, "the compiler's object is empty or too large");
    } else {
        tier_cache_trailer((uint64_t)st.st_size, digest, key, trailer);
        ssize_t n = pwrite(fd, trailer, sizeof trailer, st.st_size);
        ok = n == (ssize_t)sizeof trailer;
        if (!ok) snprintf(why, size, "cannot write in the cache folder %s: %s", cache->path, n < 0 ? strerror(errno) : "short write");
    }
    if (close(fd) != 0 && ok) {
        snprintf(why, size, "cannot write in the cache folder %s: %s", cache->path, strerror(errno));
        ok = false;
    }
    char name[128];
    entry_name(name, sizeof name, "tier-", key, ".so");
    if (ok && renameat(work_fd, file, cache->fd, name) != 0) {
        snprintf(why, size, "cannot write in the cache folder %s: %s", cache->path, strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- profiles ---- */

bool tier_cache_read_profile(const tier_cache *cache, const uint8_t program[HACK_SHA256_SIZE], uint32_t program_size,
                             uint8_t *visited, bool *no_kept, char *note, size_t size)
{
    char name[128];
    entry_name(name, sizeof name, "prog-", program, ".prof");
    struct stat st;
    const char *problem;
    int fd = open_entry(cache->fd, name, O_RDONLY, &st, &problem);
    uint8_t *record = NULL;
    const size_t bits = ((size_t)program_size + 7) / 8, expected = PROFILE_HEADER + bits + HACK_SHA256_SIZE;
    if (fd >= 0) {
        record = st.st_size == (off_t)expected ? malloc(expected) : NULL;
        if (!record || !read_at(fd, record, expected, 0)) {
            problem = "cut short or of another size";
        } else {
            uint8_t digest[HACK_SHA256_SIZE];
            hack_sha256(record, expected - HACK_SHA256_SIZE, digest);
            if (memcmp(record, PROFILE_MAGIC, PROFILE_MAGIC_SIZE) != 0 || get_le(record + 8, 4) != TIER_TRAILER_FORMAT)
                problem = "not a profile";
            else if (memcmp(digest, record + expected - HACK_SHA256_SIZE, HACK_SHA256_SIZE) != 0)
                problem = "damaged";
            else if (memcmp(record + 16, program, HACK_SHA256_SIZE) != 0 ||
                     get_le(record + 16 + HACK_SHA256_SIZE, 4) != program_size)
                problem = "another program's";
        }
        close(fd);
    }
    if (fd >= 0 && !problem) {
        *no_kept = get_le(record + 12, 4) != 0;
        memset(visited, 0, (size_t)program_size + 2);
        for (uint32_t i = 0; i < program_size; i++) visited[i] = (record[PROFILE_HEADER + i / 8] >> (i % 8)) & 1;
        utimensat(cache->fd, name, NULL, AT_SYMLINK_NOFOLLOW);
    }
    free(record);
    if (problem) remove_entry(cache, name, problem, note, size);
    return fd >= 0 && !problem;
}

bool tier_cache_write_profile(const tier_cache *cache, int work_fd, const uint8_t program[HACK_SHA256_SIZE],
                              uint32_t program_size, const uint8_t *visited, bool no_kept, char *why, size_t size)
{
    const size_t bits = ((size_t)program_size + 7) / 8, total = PROFILE_HEADER + bits + HACK_SHA256_SIZE;
    uint8_t *record = calloc(total, 1);
    if (!record) {
        snprintf(why, size, "out of memory");
        return false;
    }
    memcpy(record, PROFILE_MAGIC, PROFILE_MAGIC_SIZE);
    put_le(record + 8, TIER_TRAILER_FORMAT, 4);
    put_le(record + 12, no_kept, 4);
    memcpy(record + 16, program, HACK_SHA256_SIZE);
    put_le(record + 16 + HACK_SHA256_SIZE, program_size, 4);
    for (uint32_t i = 0; i < program_size; i++)
        if (visited[i]) record[PROFILE_HEADER + i / 8] |= (uint8_t)(1u << (i % 8));
    hack_sha256(record, total - HACK_SHA256_SIZE, record + total - HACK_SHA256_SIZE);
    char name[128];
    entry_name(name, sizeof name, "prog-", program, ".prof");
    bool ok = tier_cache_work_write(work_fd, "profile", record, total, why, size);
    free(record);
    if (ok && renameat(work_fd, "profile", cache->fd, name) != 0) {
        snprintf(why, size, "cannot write in the cache folder %s: %s", cache->path, strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- trimming ---- */

typedef struct {
    char name[96];
    time_t mtime;
} aged;

static void keep_newest(int dir, aged *entries, size_t count, size_t keep)
{
    while (count > keep) {
        size_t oldest = 0;
        for (size_t i = 1; i < count; i++)
            if (entries[i].mtime < entries[oldest].mtime) oldest = i;
        unlinkat(dir, entries[oldest].name, 0);
        entries[oldest] = entries[--count];
    }
}

static bool has_suffix(const char *name, const char *suffix)
{
    const size_t n = strlen(name), m = strlen(suffix);
    return n >= m && strcmp(name + n - m, suffix) == 0;
}

void tier_cache_trim(const tier_cache *cache)
{
    int copy = dup(cache->fd);
    DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
    if (!d) {
        if (copy >= 0) close(copy);
        return;
    }
    rewinddir(d);
    aged *objects = NULL, *profiles = NULL;
    size_t object_count = 0, profile_count = 0, object_room = 0, profile_room = 0;
    const time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        struct stat st;
        if (strlen(name) >= sizeof objects->name || fstatat(cache->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        long pid = 0;
        if (strncmp(name, "work-", 5) == 0 && S_ISDIR(st.st_mode) && sscanf(name + 5, "%ld", &pid) == 1) {
            /* a work folder whose process is gone (killed mid-compile), or a day old */
            if ((pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) || now - st.st_mtime > 86400) {
                int fd = openat(cache->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0) tier_cache_work_remove(cache, fd, name);
            }
            continue;
        }
        const bool object = strncmp(name, "tier-", 5) == 0 && has_suffix(name, ".so");
        const bool profile = strncmp(name, "prog-", 5) == 0 && has_suffix(name, ".prof");
        if (!object && !profile) continue;
        aged **list = object ? &objects : &profiles;
        size_t *count = object ? &object_count : &profile_count, *room = object ? &object_room : &profile_room;
        if (*count == *room) {
            *room = *room ? *room * 2 : 64;
            aged *grown = realloc(*list, *room * sizeof *grown);
            if (!grown) break;
            *list = grown;
        }
        memcpy((*list)[*count].name, name, strlen(name) + 1); /* shorter than the name field: checked above */
        (*list)[(*count)++].mtime = st.st_mtime;
    }
    closedir(d);
    keep_newest(cache->fd, objects, object_count, KEEP_OBJECTS);
    keep_newest(cache->fd, profiles, profile_count, KEEP_PROFILES);
    free(objects);
    free(profiles);
}
