/* Printing diagnostics: what a file holds reaches the terminal as text, never as a control sequence, and the
 * caret stays under the column it names. */
#include "hack/diag.h"
#include "test_support.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char printed[4096];

/* Adds one diagnostic quoting line (column 1-based), prints it, and keeps what was printed in printed. */
static const char *print_one(const char *message, const char *line, int column)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_diag_add(&diags, HACK_DIAG_ERROR, "Main.jack", 3, column, line, line ? strlen(line) : 0, "%s", message);
    FILE *out = tmpfile();
    ck_assert_ptr_nonnull(out);
    hack_diag_list_print(out, &diags);
    rewind(out);
    size_t n = fread(printed, 1, sizeof printed - 1, out);
    printed[n] = '\0';
    fclose(out);
    hack_diag_list_free(&diags);
    return printed;
}

static bool has_control_bytes(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F) return true;
    return false;
}

START_TEST(plain_text_is_printed_as_it_is)
{
    ck_assert_str_eq(print_one("undeclared variable 'y'", "    let y = 1;", 9),
                     "Main.jack:3:9: error: undeclared variable 'y'\n"
                     "        let y = 1;\n"
                     "            ^\n");
}
END_TEST

START_TEST(control_bytes_are_escaped)
{
    /* an escape sequence that would clear the screen, in the message's quoted text and in the source line */
    const char *out = print_one("unexpected '\x1b[2J'", "let x = 1;\x1b[2J\x07", 11);
    ck_assert(!has_control_bytes(out));
    ck_assert_str_eq(out, "Main.jack:3:11: error: unexpected '\\x1b[2J'\n"
                          "    let x = 1;\\x1b[2J\\x07\n"
                          "              ^\n");
    /* DEL, and a carriage return inside the line (not at its end) */
    out = print_one("x", "a\x7f\rb", 4);
    ck_assert_str_eq(out, "Main.jack:3:4: error: x\n"
                          "    a\\x7f\\x0db\n"
                          "             ^\n");
}
END_TEST

START_TEST(tabs_stay_and_the_caret_follows_them)
{
    const char *out = print_one("unexpected byte", "\t\tlet x = 1\x1b", 12);
    ck_assert_str_eq(out, "Main.jack:3:12: error: unexpected byte\n"
                          "    \t\tlet x = 1\\x1b\n"
                          "    \t\t         ^\n");
}
END_TEST

START_TEST(utf8_text_stays_and_invalid_bytes_are_escaped)
{
    /* é (2 bytes) and € (3 bytes) are one character each: the caret counts them so */
    const char *out = print_one("unexpected character", "let é€ = 1;", 11);
    ck_assert_str_eq(out, "Main.jack:3:11: error: unexpected character\n"
                          "    let é€ = 1;\n"
                          "           ^\n");
    /* a stray continuation byte, a cut sequence, an overlong '/', a surrogate, Latin-1 text */
    out = print_one("m", "\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|caf\xe9", 1);
    ck_assert_str_eq(out, "Main.jack:3:1: error: m\n"
                          "    \\x80|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80|caf\\xe9\n"
                          "    ^\n");
    /* C1 controls, such as U+009B (CSI, which some terminals obey), are escaped even when well encoded */
    out = print_one("\xc2\x9b" "31m", NULL, 0);
    ck_assert_str_eq(out, "Main.jack:3: error: \\xc2\\x9b31m\n");
}
END_TEST

START_TEST(file_names_are_escaped_too)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_diag_add(&diags, HACK_DIAG_WARNING, "bad\x1b]0;title\x07.vm", 1, 0, NULL, 0, "m");
    FILE *out = tmpfile();
    hack_diag_list_print(out, &diags);
    rewind(out);
    size_t n = fread(printed, 1, sizeof printed - 1, out);
    printed[n] = '\0';
    fclose(out);
    hack_diag_list_free(&diags);
    ck_assert_str_eq(printed, "bad\\x1b]0;title\\x07.vm:1: warning: m\n");
}
END_TEST

START_TEST(a_long_line_is_cut_between_characters)
{
    /* 199 ASCII bytes, then é: the 200-byte quote must not end with half of it */
    char line[260];
    memset(line, 'a', 199);
    strcpy(line + 199, "\xc3\xa9 and more");
    const char *out = print_one("m", line, 1);
    ck_assert_ptr_null(strstr(out, "\\x"));
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("diag");
    TCase *tc = tcase_create("print");
    tcase_add_test(tc, plain_text_is_printed_as_it_is);
    tcase_add_test(tc, control_bytes_are_escaped);
    tcase_add_test(tc, tabs_stay_and_the_caret_follows_them);
    tcase_add_test(tc, utf8_text_stays_and_invalid_bytes_are_escaped);
    tcase_add_test(tc, file_names_are_escaped_too);
    tcase_add_test(tc, a_long_line_is_cut_between_characters);
    suite_add_tcase(suite, tc);
    return suite;
}
