/* SHA-256 against the examples of FIPS 180-4 (and its companion vectors): the tier's cache keys and checks by it. */
#include "hack/sha256.h"
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

static void check(const void *bytes, size_t count, const char *expected)
{
    uint8_t digest[HACK_SHA256_SIZE];
    char hex[2 * HACK_SHA256_SIZE + 1];
    hack_sha256(bytes, count, digest);
    hack_sha256_hex(digest, hex);
    ck_assert_str_eq(hex, expected);
    /* the same bytes given in pieces of every size from 1 to 130 */
    for (size_t piece = 1; piece <= 130; piece++) {
        hack_sha256_context context;
        hack_sha256_init(&context);
        for (size_t at = 0; at < count; at += piece)
            hack_sha256_update(&context, (const uint8_t *)bytes + at, count - at < piece ? count - at : piece);
        hack_sha256_final(&context, digest);
        hack_sha256_hex(digest, hex);
        ck_assert_str_eq(hex, expected);
    }
}

START_TEST(the_standards_examples)
{
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *long_message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    check(long_message, strlen(long_message), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(a_million_a)
{
    char *a = malloc(1000000);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    uint8_t digest[HACK_SHA256_SIZE];
    char hex[2 * HACK_SHA256_SIZE + 1];
    hack_sha256(a, 1000000, digest);
    hack_sha256_hex(digest, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("sha256");
    TCase *tc = tcase_create("sha256");
    tcase_add_test(tc, the_standards_examples);
    tcase_add_test(tc, a_million_a);
    suite_add_tcase(suite, tc);
    return suite;
}
