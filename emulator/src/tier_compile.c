/* The native tier's compiler, run so that nothing of it outlives hackemu (tier_compile.h).
 *
 * Two processes: a watcher, forked from the tier's thread, and the compiler, forked by the watcher into a process
 * group of its own. The watcher holds the read end of a pipe whose only write end is hackemu's: when hackemu
 * closes it (a cancel, the end of the run) or dies (an exit, a signal, even SIGKILL), the watcher sees the end of
 * the pipe, kills the compiler's whole group (the driver and its cc1, as, ld) and exits. Between fork and exec
 * both run only async-signal-safe calls. Every descriptor hackemu opens here is close-on-exec and above 2; the
 * compiler gets /dev/null for stdin, its log for stdout and stderr, and nothing else. */
#define _XOPEN_SOURCE 700 /* realpath */
#ifdef __linux__
#define _DEFAULT_SOURCE /* syscall, for close_range */
#endif
#include "tier_compile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

extern char **environ;

/* the watcher's exit statuses */
enum { WATCH_OK = 0, WATCH_COMPILER_FAILED = 1, WATCH_NO_FORK = 2, WATCH_CANCELLED = 3, WATCH_LOST = 4, WATCH_SIGNALLED = 64 };

/* Words as make's $(CC) has them for the common cases: blanks separate, '...' and "..." keep blanks. */
static bool split_words(const char *text, tier_compiler *compiler)
{
    size_t capacity = 4;
    compiler->words = calloc(capacity, sizeof *compiler->words);
    if (!compiler->words) return false;
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n') p++;
        if (!*p) return true;
        char word[PATH_MAX];
        size_t n = 0;
        char quote = 0;
        for (; *p && (quote || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
            if (!quote && (*p == '\'' || *p == '"'))
                quote = *p;
            else if (quote && *p == quote)
                quote = 0;
            else if (n + 1 < sizeof word)
                word[n++] = *p;
            else
                return false; /* longer than any path: not cut (another program could be run) */
        }
        if (compiler->count + 2 > capacity) {
            capacity *= 2;
            char **grown = realloc(compiler->words, capacity * sizeof *grown);
            if (!grown) return false;
            compiler->words = grown;
        }
        compiler->words[compiler->count] = strndup(word, n);
        if (!compiler->words[compiler->count]) return false;
        compiler->words[++compiler->count] = NULL;
    }
}

/* NAME as the shell finds a command: itself when it has a slash, else the first executable file on PATH;
 * the result made absolute (the compiler runs in the work folder). NULL when there is none. */
static char *find_program(const char *name)
{
    if (strchr(name, '/')) return realpath(name, NULL);
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    for (const char *dir = path;; dir++) {
        const char *end = strchr(dir, ':');
        const size_t n = end ? (size_t)(end - dir) : strlen(dir);
        char candidate[PATH_MAX];
        if (snprintf(candidate, sizeof candidate, "%.*s%s%s", (int)n, n ? dir : ".", "/", name) <
            (int)sizeof candidate) {
            struct stat st;
            if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
                return realpath(candidate, NULL);
        }
        if (!end) return NULL;
        dir = end;
    }
}

bool tier_compiler_find(const char *cc, tier_compiler *compiler, char *why, size_t size)
{
    memset(compiler, 0, sizeof *compiler);
    bool blank = true;
    for (const char *p = cc ? cc : ""; *p; p++) blank = blank && (*p == ' ' || *p == '\t' || *p == '\n');
    if (blank) cc = "cc";
    if (!split_words(cc, compiler) || compiler->count == 0) {
        snprintf(why, size, "CC (\"%.200s\") names no compiler (or a word longer than any path)", cc);
        return false;
    }
    compiler->path = find_program(compiler->words[0]);
    if (!compiler->path) {
        snprintf(why, size, "the compiler %s was not found%s", compiler->words[0],
                 strchr(compiler->words[0], '/') ? "" : " on PATH");
        return false;
    }
    /* the identity: every word, and for each that names a program (the compiler, or the one a launcher such
     * as ccache runs) its file's path, size, time and inode, so an upgraded compiler is a new key */
    size_t capacity = 256;
    compiler->identity = calloc(capacity, 1);
    for (size_t i = 0; compiler->identity && i < compiler->count; i++) {
        char part[PATH_MAX + 128];
        int n = snprintf(part, sizeof part, "%s%s", i ? " " : "", compiler->words[i]);
        char *program = i == 0 ? compiler->path : compiler->words[i][0] == '-' ? NULL : find_program(compiler->words[i]);
        struct stat st;
        if (n < 0 || (size_t)n >= sizeof part) n = (int)sizeof part - 1;
        if (program && stat(program, &st) == 0)
            n += snprintf(part + n, sizeof part - (size_t)n, " [%s %lld %lld %llu]", program, (long long)st.st_size,
                          (long long)st.st_mtime, (unsigned long long)st.st_ino);
        if (n < 0 || (size_t)n >= sizeof part) n = (int)sizeof part - 1;
        if (program != compiler->path) free(program);
        const size_t used = strlen(compiler->identity);
        if (used + (size_t)n + 1 > capacity) {
            capacity = (used + (size_t)n + 1) * 2;
            char *grown = realloc(compiler->identity, capacity);
            if (!grown) {
                free(compiler->identity);
                compiler->identity = NULL;
                break;
            }
            compiler->identity = grown;
        }
        memcpy(compiler->identity + used, part, (size_t)n + 1);
    }
    if (!compiler->identity) {
        snprintf(why, size, "out of memory");
        return false;
    }
    return true;
}

void tier_compiler_free(tier_compiler *compiler)
{
    for (size_t i = 0; compiler->words && i < compiler->count; i++) free(compiler->words[i]);
    free(compiler->words);
    free(compiler->path);
    free(compiler->identity);
    memset(compiler, 0, sizeof *compiler);
}

int tier_open_max(void)
{
    long n = sysconf(_SC_OPEN_MAX);
    if (n <= 0 || n > 65536) n = 65536;
    return (int)n;
}

/* ---- in the children: async-signal-safe calls only ---- */

static void close_from(int first, int open_max)
{
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)first, ~0u, 0u) == 0) return;
#endif
    for (int fd = first; fd < open_max; fd++) close(fd);
}

static void set_signal(int signal_number, void (*handler)(int))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, NULL);
}

typedef struct {
    const char *path;
    char *const *argv, *const *envp;
    int work_fd, cache_fd, devnull, log_fd, exec_report, result, life, open_max;
    const char *work_name; /* the work folder's name in the cache folder */
} child_plan;

/* Empties the work folder (fd work) and removes it from the cache folder (fd cache): what a watcher does when
 * hackemu is gone. Async-signal-safe: the entries are read with getdents64 on Linux; elsewhere the folder is
 * left to a later run's trim. */
static void remove_work_folder(int work, int cache, const char *name)
{
#if defined(__linux__) && defined(SYS_getdents64)
    static char entries[4096];
    for (int round = 0; round < 64; round++) {
        const long n = syscall(SYS_getdents64, work, entries, sizeof entries);
        if (n <= 0) break;
        for (long at = 0; at < n;) {
            /* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name */
            unsigned short length;
            memcpy(&length, entries + at + 16, sizeof length);
            const char *entry = entries + at + 19;
            if (!(entry[0] == '.' && (entry[1] == '\0' || (entry[1] == '.' && entry[2] == '\0'))))
                unlinkat(work, entry, 0);
            if (length == 0) break;
            at += length;
        }
    }
    unlinkat(cache, name, AT_REMOVEDIR);
#else
    (void)work;
    (void)cache;
    (void)name;
#endif
}

static void run_compiler(const child_plan *plan)
{
    setpgid(0, 0);
    static const int reset[] = {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) set_signal(reset[i], SIG_DFL);
    setpriority(PRIO_PROCESS, 0, 19); /* it works when hackemu does not need the core */
    umask(077);                       /* what it writes is the user's alone, whatever hackemu's umask */
    if (fchdir(plan->work_fd) != 0) _exit(126);
    if (dup2(plan->devnull, 0) < 0 || dup2(plan->log_fd, 1) < 0 || dup2(plan->log_fd, 2) < 0) _exit(126);
    /* the exec report: fd 3, closed by a successful exec; nothing else stays open */
    if (plan->exec_report != 3 && dup2(plan->exec_report, 3) < 0) _exit(126);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    close_from(4, plan->open_max);
    execve(plan->path, plan->argv, plan->envp);
    int error = errno;
    ssize_t ignored = write(3, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

/* The outcome, told through the pipe at fd 6 (hackemu may not see the exit status: SIGCHLD ignored). */
static void watcher_exit(int code)
{
    const unsigned char byte = (unsigned char)code;
    ssize_t ignored = write(6, &byte, 1);
    (void)ignored;
    _exit(code);
}

static void run_watcher(const child_plan *plan)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    set_signal(SIGCHLD, SIG_DFL); /* ignored (inherited through exec), the kernel would reap the compiler itself */
    const pid_t compiler = fork();
    if (compiler < 0) {
        const unsigned char byte = WATCH_NO_FORK;
        ssize_t ignored = write(plan->result, &byte, 1);
        (void)ignored;
        _exit(WATCH_NO_FORK);
    }
    if (compiler == 0) run_compiler(plan);
    setpgid(compiler, compiler); /* also here: no instant when a kill of the group could miss it */
    /* the watcher keeps nothing of hackemu's but the pipe, and the work folder to empty if it must */
    static const int ignored[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) set_signal(ignored[i], SIG_IGN);
    dup2(plan->devnull, 0);
    dup2(plan->devnull, 1);
    dup2(plan->devnull, 2);
    /* 3: the pipe, 4: the work folder, 5: the cache folder, 6: where the outcome is told (moved up first: none
     * of them is clobbered) */
    const int life = fcntl(plan->life, F_DUPFD, 10), work = fcntl(plan->work_fd, F_DUPFD, 10),
              cache = fcntl(plan->cache_fd, F_DUPFD, 10), result = fcntl(plan->result, F_DUPFD, 10);
    dup2(life, 3);
    dup2(work, 4);
    dup2(cache, 5);
    dup2(result, 6);
    close_from(7, plan->open_max);
    for (;;) {
        struct pollfd pipe_end = {3, POLLIN, 0};
        if (poll(&pipe_end, 1, 5) > 0) { /* hackemu let go of the compile, or is gone */
            kill(-compiler, SIGKILL);
            while (waitpid(compiler, NULL, 0) < 0 && errno == EINTR) {
            }
            /* hackemu may be gone (a signal): what the compile wrote goes too */
            remove_work_folder(4, 5, plan->work_name);
            watcher_exit(WATCH_CANCELLED);
        }
        siginfo_t info;
        memset(&info, 0, sizeof info);
        const int waited = waitid(P_PID, (id_t)compiler, &info, WEXITED | WNOHANG | WNOWAIT);
        if (waited != 0 && errno != EINTR) watcher_exit(WATCH_LOST); /* (no such child: never, SIGCHLD default) */
        if (waited == 0 && info.si_pid == compiler) {
            kill(-compiler, SIGKILL); /* what the driver left of its group (it still holds the group's id) */
            int status = 0;
            pid_t reaped;
            while ((reaped = waitpid(compiler, &status, 0)) < 0 && errno == EINTR) {
            }
            if (reaped != compiler) watcher_exit(WATCH_LOST);
            if (WIFEXITED(status)) watcher_exit(WEXITSTATUS(status) == 0 ? WATCH_OK : WATCH_COMPILER_FAILED);
            watcher_exit(WATCH_SIGNALLED + (WIFSIGNALED(status) ? WTERMSIG(status) & 63 : 0));
        }
    }
}

/* ---- in the tier's thread ---- */

/* Descriptors above 2 (a hackemu started with 0, 1 or 2 closed must not hand them to the compiler). */
static int above_stdio(int fd)
{
    if (fd < 0 || fd > 2) return fd;
    const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

/* the compiler's environment: hackemu's, with TMPDIR its work folder (its temporary files stay there) */
static char **compiler_environment(void)
{
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "TMPDIR=", 7) != 0) env[k++] = environ[i];
    env[k++] = (char *)"TMPDIR=.";
    env[k] = NULL;
    return env;
}

/* the first lines the compiler wrote, on one line */
static void log_summary(int work_fd, const char *log, char *out, size_t size)
{
    out[0] = '\0';
    int fd = openat(work_fd, log, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    char text[2048];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return;
    text[n] = '\0';
    size_t used = 0;
    unsigned lines = 0;
    char *rest = NULL;
    for (char *line = strtok_r(text, "\n", &rest); line && lines < 2; line = strtok_r(NULL, "\n", &rest)) {
        while (*line == ' ') line++;
        if (!*line) continue;
        int w = snprintf(out + used, size - used, "%s%s", lines ? "; " : "", line);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
        lines++;
    }
}

tier_compile_result tier_compile_run(const tier_compiler *compiler, const char *const *flags, int cache_fd,
                                     int work_fd, const char *work_name, const char *output, const char *source, const char *log,
                                     const tier_cancel *cancel, char *why, size_t size)
{
    tier_compile_result result = TIER_COMPILE_FAILED;
    size_t flag_count = 0;
    while (flags[flag_count]) flag_count++;
    char **argv = calloc(compiler->count + flag_count + 4, sizeof *argv);
    char **envp = compiler_environment();
    int devnull = above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC));
    int log_fd = above_stdio(openat(work_fd, log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    int report[2] = {-1, -1}, life[2] = {-1, -1}, outcome[2] = {-1, -1};
    if (!argv || !envp) {
        snprintf(why, size, "out of memory");
        goto out;
    }
    if (devnull < 0 || log_fd < 0 || pipe(report) != 0 || pipe(life) != 0 || pipe(outcome) != 0) {
        snprintf(why, size, "cannot prepare the compile: %s", strerror(errno));
        goto out;
    }
    for (int i = 0; i < 2; i++) {
        report[i] = above_stdio(report[i]);
        life[i] = above_stdio(life[i]);
        outcome[i] = above_stdio(outcome[i]);
        if (report[i] >= 0) fcntl(report[i], F_SETFD, FD_CLOEXEC);
        if (life[i] >= 0) fcntl(life[i], F_SETFD, FD_CLOEXEC);
        if (outcome[i] >= 0) fcntl(outcome[i], F_SETFD, FD_CLOEXEC);
    }
    size_t k = 0;
    argv[k++] = compiler->words[0];
    for (size_t i = 0; i < flag_count; i++) argv[k++] = (char *)flags[i];
    for (size_t i = 1; i < compiler->count; i++) argv[k++] = compiler->words[i]; /* CC's own flags win */
    argv[k++] = (char *)"-o";
    argv[k++] = (char *)output;
    argv[k++] = (char *)source;
    argv[k] = NULL;
    const child_plan plan = {compiler->path, argv, envp,   work_fd,         cache_fd, devnull, log_fd, report[1],
                             outcome[1],     life[0], tier_open_max(), work_name};

    pthread_mutex_lock(cancel->lock);
    if (atomic_load(cancel->cancel)) {
        pthread_mutex_unlock(cancel->lock);
        result = TIER_COMPILE_CANCELLED;
        goto out;
    }
    *cancel->life = life[1]; /* from now on a cancel closes it */
    life[1] = -1;
    const pid_t watcher = fork();
    pthread_mutex_unlock(cancel->lock);
    if (watcher == 0) run_watcher(&plan); /* (never returns) */
    if (watcher < 0) {
        snprintf(why, size, "cannot start the compiler: %s", strerror(errno));
        goto out;
    }
    close(report[1]);
    report[1] = -1;
    close(life[0]);
    life[0] = -1;
    close(outcome[1]);
    outcome[1] = -1;
    int exec_error = 0;
    ssize_t got, got_outcome;
    while ((got = read(report[0], &exec_error, sizeof exec_error)) < 0 && errno == EINTR) {
    }
    unsigned char told = WATCH_LOST;
    while ((got_outcome = read(outcome[0], &told, 1)) < 0 && errno == EINTR) {
    }
    while (waitpid(watcher, NULL, 0) < 0 && errno == EINTR) { /* (ECHILD when SIGCHLD is ignored: reaped) */
    }
    pthread_mutex_lock(cancel->lock);
    if (*cancel->life >= 0) close(*cancel->life);
    *cancel->life = -1;
    const bool cancelled = atomic_load(cancel->cancel);
    pthread_mutex_unlock(cancel->lock);
    const int code = got_outcome == 1 ? told : WATCH_LOST; /* (no word from the watcher: never a success) */
    char lines[600];
    if (cancelled || code == WATCH_CANCELLED) {
        result = TIER_COMPILE_CANCELLED;
    } else if (got == (ssize_t)sizeof exec_error) {
        snprintf(why, size, "cannot run the compiler %s: %s", compiler->path, strerror(exec_error));
    } else if (code == WATCH_OK) {
        result = TIER_COMPILE_OK;
    } else if (code == WATCH_COMPILER_FAILED) {
        log_summary(work_fd, log, lines, sizeof lines);
        snprintf(why, size, "the compiler (%s) failed%s%s", compiler->words[0], lines[0] ? ": " : "", lines);
    } else if (code >= WATCH_SIGNALLED && code < WATCH_SIGNALLED + 64) {
        log_summary(work_fd, log, lines, sizeof lines);
        snprintf(why, size, "the compiler (%s) was killed by signal %d%s%s", compiler->words[0],
                 code - WATCH_SIGNALLED, lines[0] ? ": " : "", lines);
    } else if (code == WATCH_NO_FORK) {
        snprintf(why, size, "cannot start the compiler: no process could be made");
    } else if (code == WATCH_LOST) {
        snprintf(why, size, "the compiler's watcher ended without a word");
    } else {
        snprintf(why, size, "cannot start the compiler (its watcher ended with status %d)", code);
    }
out:
    for (int i = 0; i < 2; i++) {
        if (report[i] >= 0) close(report[i]);
        if (life[i] >= 0) close(life[i]);
        if (outcome[i] >= 0) close(outcome[i]);
    }
    if (devnull >= 0) close(devnull);
    if (log_fd >= 0) close(log_fd);
    free(argv);
    free(envp);
    return result;
}
