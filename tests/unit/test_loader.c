/* The .hack loader: what it accepts and the located errors for what it does not. */
#include "hack/program.h"
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

static hack_program program;
static hack_diag_list diags;

static void setup(void)
{
    ck_assert(hack_program_init(&program));
    hack_diag_list_init(&diags);
}

static void teardown(void)
{
    hack_program_free(&program);
    hack_diag_list_free(&diags);
}

static bool parse(const char *text)
{
    hack_diag_list_free(&diags);
    return hack_program_parse_hack(&program, "t.hack", text, strlen(text), &diags);
}

static void expect_error(const char *text, int line, int column, const char *message)
{
    ck_assert_msg(!parse(text), "accepted: %s", text);
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_int_eq(diags.items[0].line, line);
    ck_assert_int_eq(diags.items[0].column, column);
    ck_assert_str_eq(diags.items[0].message, message);
}

START_TEST(words_with_crlf_blanks_and_blank_lines)
{
    ck_assert(parse("0000000000000010\r\n1110110000010000  \t\r\n\n   \n0000000000000011"));
    ck_assert_uint_eq(program.count, 3);
    ck_assert_uint_eq(program.words[0], 2);
    ck_assert_uint_eq(program.words[1], 0xEC10);
    ck_assert_uint_eq(program.words[2], 3);
}
END_TEST

START_TEST(errors_are_located)
{
    expect_error("0000000000000010\n000000000000001\n", 2, 16, "expected 16 binary digits, found 15");
    expect_error("0000000000000010\n00000000000000100\n", 2, 18, "expected 16 binary digits, found 17");
    expect_error("0000000020000010\n", 1, 9, "expected 16 binary digits, found '2'");
    expect_error("0000000000000010 1\n", 1, 17, "expected 16 binary digits, found ' '");
    expect_error(" 0000000000000010\n", 1, 1, "expected 16 binary digits, found ' '");
    expect_error("", 0, 0, "no instructions: the file is empty");
    expect_error("\n \r\n", 0, 0, "no instructions: the file is empty");
}
END_TEST

START_TEST(binary_file_is_refused)
{
    const char text[] = "0000000000000010\n\0\x01\x02";
    ck_assert(!hack_program_parse_hack(&program, "t.hack", text, sizeof text - 1, &diags));
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "binary"));
}
END_TEST

START_TEST(more_than_rom_is_refused)
{
    size_t lines = 32769;
    char *text = malloc(lines * 17 + 1);
    for (size_t i = 0; i < lines; i++) memcpy(text + i * 17, "0000000000000001\n", 17);
    text[lines * 17] = '\0';
    ck_assert(!parse(text));
    ck_assert_int_eq(diags.items[0].line, 32769);
    ck_assert_str_eq(diags.items[0].message, "program is longer than the 32768 words of ROM");
    text[32768 * 17] = '\0';
    ck_assert(parse(text));
    ck_assert_uint_eq(program.count, 32768);
    free(text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("loader");
    TCase *tc = tcase_create("hack_text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, words_with_crlf_blanks_and_blank_lines);
    tcase_add_test(tc, errors_are_located);
    tcase_add_test(tc, binary_file_is_refused);
    tcase_add_test(tc, more_than_rom_is_refused);
    suite_add_tcase(suite, tc);
    return suite;
}
