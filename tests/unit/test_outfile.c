/* Output files written whole or not at all (outfile.h): the target keeps its old text until a complete new one
 * takes its place, and nothing is left beside it (after an error, an abandon, or SIGTERM half way). */
#define _POSIX_C_SOURCE 200809L
#include "hack/outfile.h"
#include "test_support.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char folder[512];
static char target[600];

static void make_folder(void)
{
    snprintf(folder, sizeof folder, "%s/outfileXXXXXX", TEST_WORK_DIR);
    ck_assert_ptr_nonnull(mkdtemp(folder));
    snprintf(target, sizeof target, "%s/Prog.hack", folder);
    FILE *f = fopen(target, "w");
    ck_assert_ptr_nonnull(f);
    fputs("old\n", f);
    fclose(f);
}

static int entries(void) /* files in the folder */
{
    DIR *dir = opendir(folder);
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(dir);
    return n;
}

static void check_target(const char *expected)
{
    char text[64] = {0};
    FILE *f = fopen(target, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    ck_assert_str_eq(text, expected);
}

static void remove_folder(void)
{
    unlink(target);
    ck_assert_int_eq(rmdir(folder), 0); /* (fails when something was left in it) */
}

START_TEST(a_committed_file_replaces_the_target)
{
    make_folder();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile out;
    ck_assert(hack_outfile_open(&out, target, &diags));
    fputs("0000000000000001\n", out.file);
    check_target("old\n"); /* not yet */
    ck_assert_int_eq(entries(), 2);
    ck_assert(hack_outfile_commit(&out, &diags));
    check_target("0000000000000001\n");
    ck_assert_int_eq(entries(), 1);
    hack_diag_list_free(&diags);
    remove_folder();
}
END_TEST

START_TEST(an_abandoned_file_leaves_the_target_as_it_was)
{
    make_folder();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile out;
    ck_assert(hack_outfile_open(&out, target, &diags));
    fputs("0000000000", out.file);
    hack_outfile_abandon(&out);
    check_target("old\n");
    ck_assert_int_eq(entries(), 1);
    hack_diag_list_free(&diags);
    remove_folder();
}
END_TEST

/* A tool writing an output is ended by the signal half way (a line cut): it ends by that signal, as it would
 * have, the target keeps its old text and nothing is left beside it. */
static void signal_half_way(int signal_number)
{
    make_folder();
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        hack_outfile_clean_up_on_signals();
        hack_diag_list diags;
        hack_diag_list_init(&diags);
        hack_outfile out;
        if (!hack_outfile_open(&out, target, &diags)) _exit(3);
        fputs("00000000", out.file); /* cut mid-line */
        fflush(out.file);
        raise(signal_number);
        _exit(4); /* (not reached) */
    }
    int status = 0;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == signal_number);
    check_target("old\n");
    ck_assert_int_eq(entries(), 1);
    remove_folder();
}

START_TEST(sigterm_half_way_leaves_the_target_and_nothing_else)
{
    signal_half_way(SIGTERM);
}
END_TEST

START_TEST(a_replaced_file_keeps_its_mode)
{
    make_folder();
    ck_assert_int_eq(chmod(target, 0600), 0); /* a file the user made private stays private */
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile out;
    ck_assert(hack_outfile_open(&out, target, &diags));
    fputs("new\n", out.file);
    ck_assert(hack_outfile_commit(&out, &diags));
    struct stat info;
    ck_assert_int_eq(stat(target, &info), 0);
    ck_assert_int_eq(info.st_mode & 07777, 0600);
    check_target("new\n");
    hack_diag_list_free(&diags);
    remove_folder();
}
END_TEST

START_TEST(a_link_and_a_device_are_written_in_place)
{
    make_folder();
    char link[700];
    snprintf(link, sizeof link, "%s/Link.hack", folder);
    ck_assert_int_eq(symlink("Prog.hack", link), 0);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile out;
    ck_assert(hack_outfile_open(&out, link, &diags));
    fputs("through\n", out.file);
    ck_assert(hack_outfile_commit(&out, &diags));
    struct stat info;
    ck_assert_int_eq(lstat(link, &info), 0);
    ck_assert(S_ISLNK(info.st_mode)); /* the link is still a link: the file it names was written */
    check_target("through\n");
    /* a FIFO (as /dev/null or /dev/stdout, which were replaced by regular files when run as root) is written to,
     * not replaced: a reader takes what comes (the test's own FIFO: a regression must not harm the machine) */
    char fifo[700];
    snprintf(fifo, sizeof fifo, "%s/Pipe.hack", folder);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t reader = fork();
    ck_assert_int_ge(reader, 0);
    if (reader == 0) {
        FILE *in = fopen(fifo, "r");
        char got[32] = {0};
        _exit(in && fgets(got, sizeof got, in) && strcmp(got, "piped\n") == 0 ? 0 : 1);
    }
    ck_assert(hack_outfile_open(&out, fifo, &diags));
    fputs("piped\n", out.file);
    ck_assert(hack_outfile_commit(&out, &diags));
    int status = 0;
    ck_assert_int_eq(waitpid(reader, &status, 0), reader);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(lstat(fifo, &info), 0);
    ck_assert(S_ISFIFO(info.st_mode));
    unlink(fifo);
    unlink(link);
    hack_diag_list_free(&diags);
    remove_folder();
}
END_TEST

START_TEST(sigpipe_half_way_leaves_nothing)
{
    signal_half_way(SIGPIPE); /* (hackemu P.tst | head: the reader gone) */
}
END_TEST

START_TEST(a_folder_that_cannot_be_written_is_an_error_naming_the_file)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_outfile out;
    ck_assert(!hack_outfile_open(&out, TEST_WORK_DIR "/no-such-folder/Prog.hack", &diags));
    ck_assert_int_eq((int)diags.error_count, 1);
    hack_diag_list_free(&diags);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("outfile");
    TCase *tc = tcase_create("outfile");
    tcase_add_test(tc, a_committed_file_replaces_the_target);
    tcase_add_test(tc, an_abandoned_file_leaves_the_target_as_it_was);
    tcase_add_test(tc, sigterm_half_way_leaves_the_target_and_nothing_else);
    tcase_add_test(tc, a_folder_that_cannot_be_written_is_an_error_naming_the_file);
    tcase_add_test(tc, a_replaced_file_keeps_its_mode);
    tcase_add_test(tc, a_link_and_a_device_are_written_in_place);
    tcase_add_test(tc, sigpipe_half_way_leaves_nothing);
    suite_add_tcase(suite, tc);
    return suite;
}
