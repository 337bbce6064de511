/* Death tests for assertions: whether a call ends the process with SIGABRT (a failed assert), run in a child
 * so the test goes on. The unit tests run without Check's fork (CK_FORK=no), so the fork is here. The file
 * that includes this defines _POSIX_C_SOURCE first. */
#ifndef HACK_TEST_ABORT_H
#define HACK_TEST_ABORT_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static inline bool test_aborts(void (*call)(void *context), void *context)
{
    fflush(NULL); /* nothing buffered is written twice */
    pid_t child = fork();
    if (child < 0) return false;
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY); /* the expected assertion message stays out of the log */
        if (null >= 0) dup2(null, STDERR_FILENO);
        call(context);
        _exit(0); /* returned: no assertion failed */
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) return false;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#endif
