/* Output files written whole or not at all: the text goes to a new file beside the target (created exclusively,
 * so nothing planted there is followed or reused), which is renamed over the target only when everything was
 * written. A run stopped half way (an error, a full disk, SIGTERM) leaves the target as it was: never a .hack cut
 * mid-line that later loads as "expected 16 binary digits". Only a regular file (or none) is replaced, keeping its
 * mode: a device (/dev/null, /dev/stdout), a FIFO or a symbolic link is written to in place, as fopen would,
 * and so is a file in a folder that may not be written. */
#ifndef HACK_OUTFILE_H
#define HACK_OUTFILE_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    FILE *file;  /* write here */
    char *path;  /* the target */
    char *temp;  /* the file being written, beside it */
} hack_outfile;

/* Starts writing path. False (with an error naming path) when the file beside it cannot be made. */
bool hack_outfile_open(hack_outfile *out, const char *path, hack_diag_list *diags);

/* Finishes: when every write succeeded, the new file takes the target's place (with the replaced file's mode, or
 * a new file's); otherwise it is removed and the error is added. Either way out is closed. */
bool hack_outfile_commit(hack_outfile *out, hack_diag_list *diags);

/* Gives up: the new file is removed, the target left as it was. */
void hack_outfile_abandon(hack_outfile *out);

/* For a command-line tool, called first thing: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM and SIGXFSZ
 * remove the files being written before the process ends by the signal as it would have. */
void hack_outfile_clean_up_on_signals(void);

/* For a command-line tool's standard output: line-buffered (a line printed is not lost when the tool is stopped
 * by a signal or a timeout), and checked at exit: a write that failed (a full disk, a closed pipe) ends the tool
 * with status 1 and a message naming it, not 0. */
void hack_outfile_check_stdout(const char *tool_name);

#endif
