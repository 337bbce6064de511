/* hackemu --test-memory and --test-os: the test bench's front end (hack/memory_bench.h does the work). */
#ifndef HACK_CLI_TEST_MEMORY_H
#define HACK_CLI_TEST_MEMORY_H

/* The whole command line (argv[0] is hackemu); returns the exit status. */
int hack_cli_test_memory(int argc, char **argv);
/* --test-os: every OS class of each student's project 12, each against its battery (os/tests/CLASS). */
int hack_cli_test_os(int argc, char **argv);

#endif
