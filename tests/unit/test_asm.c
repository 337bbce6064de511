/* The assembler: symbols, syntax variants and errors (the golden cases in tests/golden/asm cover more). */
#include "hack/asm.h"
#include "test_support.h"

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

static bool assemble(const char *text)
{
    hack_diag_list_free(&diags);
    hack_symtab_free(&program.symbols);
    return hack_asm_assemble("t.asm", text, strlen(text), &program, &diags);
}

START_TEST(variables_start_at_16_labels_take_addresses)
{
    ck_assert(assemble("@i\nM=1\n(LOOP)\n@j\nM=0\n@i\nD=M\n@LOOP\n0;JMP\n@KBD\n@SCREEN\n@R15\n@THAT\n"));
    const uint16_t expected[] = {16, 0xEFC8, 17, 0xEA88, 16, 0xFC10, 2, 0xEA87, 24576, 16384, 15, 4};
    ck_assert_uint_eq(program.count, 12);
    for (size_t i = 0; i < 12; i++) ck_assert_uint_eq(program.words[i], expected[i]);
    const hack_symbol *loop = hack_symtab_find(&program.symbols, "LOOP", 4);
    ck_assert_ptr_nonnull(loop);
    ck_assert_int_eq(loop->kind, HACK_SYMBOL_LABEL);
    ck_assert_uint_eq(loop->value, 2);
    const hack_symbol *j = hack_symtab_find(&program.symbols, "j", 1);
    ck_assert_int_eq(j->kind, HACK_SYMBOL_VARIABLE);
    ck_assert_uint_eq(j->value, 17);
}
END_TEST

START_TEST(label_used_before_definition_is_not_a_variable)
{
    ck_assert(assemble("@END\n0;JMP\n@x\n(END)\n@END\n0;JMP\n"));
    ck_assert_uint_eq(program.words[0], 3);
    ck_assert_uint_eq(program.words[2], 16);
}
END_TEST

START_TEST(syntax_variants)
{
    /* blanks inside, comments, CRLF, dest letters in any order, symbols with . $ : _ */
    ck_assert(assemble("  AM = M + 1 ; JGT // note\r\nDM=D\r\nMA=M-1\r\n@a.b$c:d_e\r\n(x.y)\r\n@x.y\r\n"));
    ck_assert_uint_eq(program.words[0], 0xFDE9);
    ck_assert_uint_eq(program.words[1], 0xE318);
    ck_assert_uint_eq(program.words[2], 0xFCA8);
    ck_assert_uint_eq(program.words[3], 16);
    ck_assert_uint_eq(program.words[4], 4);
}
END_TEST

START_TEST(several_errors_are_reported)
{
    ck_assert(!assemble("D=X\n@-1\nfoo\n0;JUMP\n"));
    ck_assert_uint_eq(diags.error_count, 4);
    ck_assert_int_eq(diags.items[0].line, 1);
    ck_assert_int_eq(diags.items[3].line, 4);
    ck_assert_int_eq(diags.items[3].column, 3);
}
END_TEST

START_TEST(rom_overflow)
{
    static char text[32769 * 3 + 1];
    for (size_t i = 0; i < 32769; i++) memcpy(text + i * 3, "@1\n", 3);
    ck_assert(!assemble(text));
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_int_eq(diags.items[0].line, 32769);
    text[32768 * 3] = '\0';
    ck_assert(assemble(text));
    ck_assert_uint_eq(program.count, 32768);
}
END_TEST

START_TEST(label_past_a_full_rom_is_an_error)
{
    /* 32768 instructions fill ROM; a label after them would be 32768, which @END cannot load (it would be
     * the C-instruction 0x8000): the label is an error where it is defined, not a silent 32767 */
    static char text[32768 * 5 + 64];
    size_t at = 0;
    for (size_t i = 0; i < 32768; i++, at += 5) memcpy(text + at, "D=0\r\n", 5);
    strcpy(text + at, "\t(END)\r\n\t@END\r\n");
    ck_assert(!assemble(text));
    ck_assert_int_eq(diags.items[0].line, 32769);
    ck_assert_int_eq(diags.items[0].column, 3);
    ck_assert_str_eq(diags.items[0].message, "label 'END' is at 32768, past the end of ROM: the program fills all 32768 words");
    ck_assert_ptr_null(hack_symtab_find(&program.symbols, "END", 3));
    /* the same label one instruction earlier is the last word of ROM */
    strcpy(text + at - 5, "\t(END)\r\n\t@END\r\n");
    ck_assert(assemble(text));
    ck_assert_uint_eq(program.words[32767], 32767);
    /* after an instruction that does not fit, the overflow is the error (once), not every label after it */
    memcpy(text + at - 5, "D=0\r\n", 5);
    strcpy(text + at, "@1\r\n(A)\r\n(B)\r\n");
    ck_assert(!assemble(text));
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_str_eq(diags.items[0].message, "program does not fit in ROM (32768 words)");
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("asm");
    TCase *tc = tcase_create("assemble");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, variables_start_at_16_labels_take_addresses);
    tcase_add_test(tc, label_used_before_definition_is_not_a_variable);
    tcase_add_test(tc, syntax_variants);
    tcase_add_test(tc, several_errors_are_reported);
    tcase_add_test(tc, rom_overflow);
    tcase_add_test(tc, label_past_a_full_rom_is_an_error);
    suite_add_tcase(suite, tc);
    return suite;
}
