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

START_TEST(sigterm_half_way_leaves_the_target_and_nothing_else)
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
        raise(SIGTERM);
        _exit(4); /* (not reached) */
    }
    int status = 0;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM); /* it ended by the signal, as it would have */
    check_target("old\n");
    ck_assert_int_eq(entries(), 1);
    remove_folder();
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
    suite_add_tcase(suite, tc);
    return suite;
}
