/* Output files written whole or not at all (outfile.h). POSIX: mkstemp, rename, sigaction. */
#define _POSIX_C_SOURCE 200809L
#include "hack/outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The files being written, for the signal handler to remove: a fixed table, so the handler only reads it */
enum { PENDING_MAX = 64 };
static char *volatile pending[PENDING_MAX];

/* The signals that end a tool and are cleaned up after (hack_outfile_clean_up_on_signals); blocked while the
 * table changes, so a temporary file is never made without being in it */
static const int ending_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGXFSZ};

static void block_ending_signals(sigset_t *previous)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof ending_signals / sizeof ending_signals[0]; i++) sigaddset(&set, ending_signals[i]);
    sigprocmask(SIG_BLOCK, &set, previous);
}

static bool remember(char *temp)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (!pending[i]) {
            pending[i] = temp;
            return true;
        }
    return false;
}

static void forget(const char *temp)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending[i] == temp) pending[i] = NULL;
}

/* The umask, read once (reading it means setting it: done before any thread runs, see clean_up_on_signals) */
static mode_t file_mask(void)
{
    static bool known;
    static mode_t mask;
    if (!known) {
        mask = umask(0);
        umask(mask);
        known = true;
    }
    return mask;
}

static bool open_in_place(hack_outfile *out, const char *path, hack_diag_list *diags)
{
    free(out->temp);
    out->temp = NULL;
    out->file = fopen(path, "w");
    if (!out->file) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
        hack_outfile_abandon(out);
        return false;
    }
    return true;
}

bool hack_outfile_open(hack_outfile *out, const char *path, hack_diag_list *diags)
{
    *out = (hack_outfile){0};
    const size_t n = strlen(path);
    out->path = malloc(n + 1);
    out->temp = malloc(n + 8);
    if (!out->path || !out->temp) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "out of memory");
        hack_outfile_abandon(out);
        return false;
    }
    memcpy(out->path, path, n + 1);
#ifdef __EMSCRIPTEN__
    /* the page's in-memory files: no other process, no signal, and its rename leaves the renamed file unreadable
     * (emscripten 3.1.6): written in place */
    return open_in_place(out, path, diags);
#endif
    /* Only a regular file (or none yet) is replaced: a device (-o /dev/stdout, /dev/null), a FIFO or a socket is
     * written to as it is, and so is a symbolic link (the file it names is the one the user means) */
    struct stat existing;
    const bool exists = lstat(path, &existing) == 0;
    if (exists && !S_ISREG(existing.st_mode)) return open_in_place(out, path, diags);
    memcpy(out->temp, path, n);
    memcpy(out->temp + n, ".XXXXXX", 8);
    sigset_t previous;
    block_ending_signals(&previous);
    const int fd = mkstemp(out->temp); /* O_CREAT | O_EXCL, 0600, in the target's folder */
    const bool tracked = fd >= 0 && remember(out->temp);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    if (fd < 0) { /* a folder we may not write in, holding a file we may: written in place, as before */
        if (exists && (errno == EACCES || errno == EPERM || errno == EROFS)) return open_in_place(out, path, diags);
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
        free(out->temp);
        out->temp = NULL;
        hack_outfile_abandon(out);
        return false;
    }
    if (!tracked) { /* (more outputs at once than the table holds: no file may be left behind by a signal) */
        close(fd);
        unlink(out->temp);
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: too many output files at once");
        free(out->temp);
        out->temp = NULL;
        hack_outfile_abandon(out);
        return false;
    }
    /* the mode of the file it replaces, or the one a new file gets (0666 less the umask), as fopen would */
    if (fchmod(fd, exists ? existing.st_mode & 07777 : 0666 & ~file_mask()) != 0) { /* (0600 stays: safe) */
    }
    out->file = fdopen(fd, "w");
    if (!out->file) {
        close(fd);
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
        hack_outfile_abandon(out);
        return false;
    }
    return true;
}

bool hack_outfile_commit(hack_outfile *out, hack_diag_list *diags)
{
    bool ok = out->file && !ferror(out->file);
    int error = ok ? 0 : EIO;
    if (out->file && fclose(out->file) != 0 && ok) {
        ok = false;
        error = errno;
    }
    out->file = NULL;
    if (ok && out->temp && rename(out->temp, out->path) != 0) {
        ok = false;
        error = errno;
    }
    if (!ok) hack_diag_add(diags, HACK_DIAG_ERROR, out->path, 0, 0, NULL, 0, "write failed: %s", strerror(error));
    else {
        forget(out->temp);
        free(out->temp);
        out->temp = NULL; /* (renamed: nothing to remove) */
    }
    hack_outfile_abandon(out);
    return ok;
}

void hack_outfile_abandon(hack_outfile *out)
{
    if (out->file) fclose(out->file);
    if (out->temp) {
        unlink(out->temp);
        forget(out->temp);
    }
    free(out->temp);
    free(out->path);
    *out = (hack_outfile){0};
}

static void remove_pending(int signal_number)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending[i]) unlink(pending[i]); /* (async-signal-safe) */
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void hack_outfile_clean_up_on_signals(void)
{
    (void)file_mask(); /* (read now, while the tool has one thread) */
    for (size_t i = 0; i < sizeof ending_signals / sizeof ending_signals[0]; i++) {
        struct sigaction action;
        if (sigaction(ending_signals[i], NULL, &action) != 0 || action.sa_handler == SIG_IGN) continue; /* (nohup) */
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_pending;
        sigemptyset(&action.sa_mask);
        sigaction(ending_signals[i], &action, NULL);
    }
}

static const char *stdout_tool = "hack";

static void check_stdout_at_exit(void)
{
    errno = 0;
    const bool flushed = fflush(stdout) == 0;
    if (flushed && !ferror(stdout)) return;
    if (!flushed && errno)
        fprintf(stderr, "%s: writing the standard output failed: %s\n", stdout_tool, strerror(errno));
    else /* (a line written earlier failed: its error is gone) */
        fprintf(stderr, "%s: writing the standard output failed (a full disk, or a closed pipe?)\n", stdout_tool);
    _exit(1); /* (in an atexit handler: the status a failed write deserves, as gnulib's close_stdout does) */
}

void hack_outfile_check_stdout(const char *tool_name)
{
    stdout_tool = tool_name;
    setvbuf(stdout, NULL, _IOLBF, 0);
    atexit(check_stdout_at_exit);
}
