/* The growable string: text of any length, and a failure that is reported rather than lost. */
#include "hack/strbuf.h"
#include "test_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(empty_buffer_is_a_valid_string)
{
    hack_strbuf buffer = {0};
    ck_assert_str_eq(hack_strbuf_text(&buffer), "");
    ck_assert_uint_eq(buffer.length, 0);
    ck_assert(!buffer.failed);
    hack_strbuf_reset(&buffer);
    ck_assert_str_eq(hack_strbuf_text(&buffer), "");
    size_t length = 99;
    ck_assert_ptr_null(hack_strbuf_take(&buffer, &length));
    ck_assert_uint_eq(length, 0);
    hack_strbuf_free(&buffer);
}
END_TEST

START_TEST(appends_of_any_length)
{
    hack_strbuf buffer;
    hack_strbuf_init(&buffer);
    ck_assert(hack_strbuf_append(&buffer, "push ", 5));
    ck_assert(hack_strbuf_append_char(&buffer, 'x'));
    ck_assert(hack_strbuf_append(&buffer, "", 0));
    ck_assert_str_eq(hack_strbuf_text(&buffer), "push x");
    /* a name far longer than any fixed line buffer the tools had (255 and 399 characters) */
    char *name = malloc(100001);
    memset(name, 'n', 100000);
    name[100000] = '\0';
    ck_assert(hack_strbuf_appendf(&buffer, " %s.%d", name, 7));
    ck_assert_uint_eq(buffer.length, 6 + 1 + 100000 + 2);
    ck_assert_uint_eq(strlen(buffer.text), buffer.length);
    ck_assert_int_eq(memcmp(buffer.text + buffer.length - 3, "n.7", 3), 0);
    free(name);
    ck_assert(!buffer.failed);
    hack_strbuf_free(&buffer);
    ck_assert_ptr_null(buffer.text);
}
END_TEST

START_TEST(reset_keeps_the_memory)
{
    hack_strbuf buffer = {0};
    ck_assert(hack_strbuf_appendf(&buffer, "%0500d", 1));
    char *memory = buffer.text;
    size_t capacity = buffer.capacity;
    hack_strbuf_reset(&buffer);
    ck_assert_str_eq(hack_strbuf_text(&buffer), "");
    ck_assert(hack_strbuf_appendf(&buffer, "(%s)", "LOOP"));
    ck_assert_str_eq(buffer.text, "(LOOP)");
    ck_assert_ptr_eq(buffer.text, memory);
    ck_assert_uint_eq(buffer.capacity, capacity);
    hack_strbuf_free(&buffer);
}
END_TEST

START_TEST(take_hands_the_text_over)
{
    hack_strbuf buffer = {0};
    ck_assert(hack_strbuf_append(&buffer, "label L\n", 8));
    size_t length;
    char *text = hack_strbuf_take(&buffer, &length);
    ck_assert_str_eq(text, "label L\n");
    ck_assert_uint_eq(length, 8);
    ck_assert_ptr_null(buffer.text);
    ck_assert_uint_eq(buffer.length, 0);
    free(text);
    hack_strbuf_free(&buffer);
}
END_TEST

START_TEST(running_out_of_memory_is_reported)
{
    hack_strbuf buffer = {0};
    ck_assert(hack_strbuf_append(&buffer, "kept", 4));
    /* no allocator can give this much: the append fails, says so, and leaves the text as it was */
    ck_assert(!hack_strbuf_append(&buffer, "x", SIZE_MAX - 2));
    ck_assert(buffer.failed);
    ck_assert_str_eq(hack_strbuf_text(&buffer), "kept");
    ck_assert_uint_eq(buffer.length, 4);
    /* the flag stays, so a caller may check once at the end */
    ck_assert(hack_strbuf_append(&buffer, "!", 1));
    ck_assert(buffer.failed);
    hack_strbuf_free(&buffer);
    ck_assert(!buffer.failed);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("strbuf");
    TCase *tc = tcase_create("strbuf");
    tcase_add_test(tc, empty_buffer_is_a_valid_string);
    tcase_add_test(tc, appends_of_any_length);
    tcase_add_test(tc, reset_keeps_the_memory);
    tcase_add_test(tc, take_hands_the_text_over);
    tcase_add_test(tc, running_out_of_memory_is_reported);
    suite_add_tcase(suite, tc);
    return suite;
}
