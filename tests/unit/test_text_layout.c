/* The window's text layout: cut and wrapped at spaces, never inside a number (hand-worked rows). */
#include "text_layout.h"
#include "test_support.h"

#include <stdio.h>
#include <string.h>

/* The rows as the window draws them: indent spaces, the characters, "~" for the ellipsis; "|" between rows. */
static void render(const char *text, const text_row *rows, size_t count, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%*s%.*s%s", i ? "|" : "", rows[i].indent, "",
                                 (int)rows[i].length, text + rows[i].start, rows[i].ellipsis ? "~" : "");
}

static const char *wrapped(const char *text, int columns, int indent, size_t max)
{
    static char out[1000];
    text_row rows[32];
    size_t count = text_wrap(text, columns, indent, rows, max < 32 ? max : 32);
    render(text, rows, count, out, sizeof out);
    return out;
}

static const char *fitted(const char *text, int columns)
{
    static char out[300];
    text_row row = text_fit(text, strlen(text), columns);
    render(text, &row, 1, out, sizeof out);
    return out;
}

static const char *fitted_code(const char *text, int columns)
{
    static char out[300];
    text_row row = text_fit_code(text, strlen(text), columns);
    render(text, &row, 1, out, sizeof out);
    return out;
}

START_TEST(registers_wrap_between_numbers)
{
    /* the "THAT=1" / "3963": a row ends after a whole word */
    const char *registers = "A=12 D=267 PC=12 SP=273 LCL=273 ARG=267 THIS=0 THAT=13963 cycles=99185";
    ck_assert_str_eq(wrapped(registers, 20, 2, 10), "A=12 D=267 PC=12|  SP=273 LCL=273|  ARG=267 THIS=0|  THAT=13963|  cycles=99185");
    ck_assert_str_eq(wrapped(registers, 32, 0, 10), "A=12 D=267 PC=12 SP=273 LCL=273|ARG=267 THIS=0 THAT=13963|cycles=99185");
    ck_assert_str_eq(wrapped("short", 20, 2, 10), "short");
    ck_assert_str_eq(wrapped("this=(Game) 14959, key=32 ' '", 28, 4, 10), "this=(Game) 14959, key=32|    ' '");
    ck_assert_str_eq(wrapped("", 20, 2, 10), "");
}
END_TEST

START_TEST(what_does_not_fit_ends_in_an_ellipsis)
{
    /* out of rows: the last row keeps the words that fit and the ellipsis */
    ck_assert_str_eq(wrapped("one two three four five six", 10, 0, 2), "one two|three~");
    /* a word longer than a row: its head and the ellipsis, the rest of it left out, the next word goes on */
    ck_assert_str_eq(wrapped("x 123456789012345 y", 8, 0, 5), "x|1234567~|y");
    /* cut to a room: after the last whole word, with a column for the ellipsis */
    ck_assert_str_eq(fitted("    do Output.printString(\"SNAKE\");", 20), "    do~");
    ck_assert_str_eq(fitted("#0  Main.fact (Main.jack:4) n=5", 28), "#0  Main.fact (Main.jack:4)~");
    ck_assert_str_eq(fitted("THAT=13963", 8), "THAT=13~");
    ck_assert_str_eq(fitted("fits exactly", 12), "fits exactly");
}
END_TEST

START_TEST(code_is_cut_between_words_and_numbers)
{
    ck_assert_str_eq(fitted_code("    do Output.printString(\"SNAKE\");", 20), "    do Output.~");
    ck_assert_str_eq(fitted_code("let x = 12345 + y;", 12), "let x =~");
    ck_assert_str_eq(fitted_code("let a[0] = 1;", 9), "let a[0]~");
    ck_assert_str_eq(fitted_code("identifier_too_long_for_the_room", 10), "identifie~");
    ck_assert_str_eq(fitted_code("short;", 10), "short;");
}
END_TEST

START_TEST(text_scale_grows_with_the_window)
{
    ck_assert_int_eq(text_scale(1024, 512), 2); /* the window's default size: twice the font's dots */
    ck_assert_int_eq(text_scale(1280, 800), 2);
    ck_assert_int_eq(text_scale(1920, 1080), 2);
    ck_assert_int_eq(text_scale(2560, 1440), 3);
    ck_assert_int_eq(text_scale(3840, 2160), 4);
    ck_assert_int_eq(text_scale(7680, 4320), 4);
    ck_assert_int_eq(text_scale(640, 480), 1); /* a small window keeps a readable number of columns */
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("text_layout");
    TCase *tc = tcase_create("text_layout");
    tcase_add_test(tc, registers_wrap_between_numbers);
    tcase_add_test(tc, what_does_not_fit_ends_in_an_ellipsis);
    tcase_add_test(tc, code_is_cut_between_words_and_numbers);
    tcase_add_test(tc, text_scale_grows_with_the_window);
    suite_add_tcase(suite, tc);
    return suite;
}
