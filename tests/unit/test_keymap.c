/* The keyboard map against MACHINE.md's table, without a display. */
#include "hack/keymap.h"
#include "test_support.h"

START_TEST(special_keys_have_their_codes)
{
    const struct {
        SDL_Keycode key;
        uint16_t code;
    } table[] = {
        {SDLK_RETURN, 128}, {SDLK_BACKSPACE, 129}, {SDLK_LEFT, 130},   {SDLK_UP, 131},       {SDLK_RIGHT, 132},
        {SDLK_DOWN, 133},   {SDLK_HOME, 134},      {SDLK_END, 135},    {SDLK_PAGEUP, 136},   {SDLK_PAGEDOWN, 137},
        {SDLK_INSERT, 138}, {SDLK_DELETE, 139},    {SDLK_ESCAPE, 140}, {SDLK_F1, 141},       {SDLK_F12, 152},
        {SDLK_F6, 146},     {SDLK_KP_ENTER, 128},  {SDLK_SPACE, 32},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        ck_assert_uint_eq(hack_keymap_code(table[i].key, KMOD_NONE), table[i].code);
        ck_assert_uint_eq(hack_keymap_code(table[i].key, KMOD_LSHIFT), table[i].code);
    }
}
END_TEST

/* The course's CPU emulator (Hack.Utilities.Definitions.getKeyCode) gives a letter key's code, 65..90, whatever
 * Shift says: the course's Square quits on 'q' by testing for 81. */
START_TEST(letters_are_capitals_with_or_without_shift)
{
    for (SDL_Keycode k = SDLK_a; k <= SDLK_z; k++) {
        const uint16_t capital = (uint16_t)(65 + (k - SDLK_a));
        ck_assert_uint_eq(hack_keymap_code(k, KMOD_NONE), capital);
        ck_assert_uint_eq(hack_keymap_code(k, KMOD_LSHIFT), capital);
        ck_assert_uint_eq(hack_keymap_code(k, KMOD_CAPS), capital);
        ck_assert_uint_eq(hack_keymap_code(k, KMOD_CAPS | KMOD_RSHIFT), capital);
    }
    ck_assert_uint_eq(hack_keymap_code(SDLK_q, KMOD_NONE), 81);
    ck_assert_uint_eq(hack_keymap_code(SDLK_z, KMOD_NONE), 90);
}
END_TEST

START_TEST(shift_gives_the_symbols_of_other_keys)
{
    const char *digits = "1234567890", *symbols = "!@#$%^&*()";
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(hack_keymap_code((SDL_Keycode)digits[i], KMOD_NONE), (uint16_t)digits[i]);
        ck_assert_uint_eq(hack_keymap_code((SDL_Keycode)digits[i], KMOD_RSHIFT), (uint16_t)symbols[i]);
    }
    ck_assert_uint_eq(hack_keymap_code(SDLK_MINUS, KMOD_LSHIFT), '_');
    ck_assert_uint_eq(hack_keymap_code(SDLK_SLASH, KMOD_LSHIFT), '?');
    ck_assert_uint_eq(hack_keymap_code(SDLK_QUOTE, KMOD_LSHIFT), '"');
    ck_assert_uint_eq(hack_keymap_code(SDLK_PERIOD, KMOD_NONE), '.');
    ck_assert_uint_eq(hack_keymap_code(SDLK_KP_5, KMOD_NONE), '5');
    ck_assert_uint_eq(hack_keymap_code(SDLK_LSHIFT, KMOD_NONE), 0); /* a modifier alone is no key */
    ck_assert_uint_eq(hack_keymap_code(SDLK_TAB, KMOD_NONE), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("keymap");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, special_keys_have_their_codes);
    tcase_add_test(tc, letters_are_capitals_with_or_without_shift);
    tcase_add_test(tc, shift_gives_the_symbols_of_other_keys);
    suite_add_tcase(suite, tc);
    return suite;
}
