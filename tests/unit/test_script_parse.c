/* The test-script parser alone (script_parse.h, private to the library): the commands it makes of a small
 * script, each at its line and column, and an error collected with its location (never printed). Nothing
 * runs: no machine, no files. */
#include "script_parse.h"
#include "test_support.h"

#include <string.h>

static hack_script *parse(const char *text, hack_diag_list *diags)
{
    hack_diag_list_init(diags);
    return hack_script_parse("T.tst", text, strlen(text), diags);
}

static void assert_at(const script_command *c, script_command_kind kind, int line, int column)
{
    ck_assert_int_eq(c->kind, kind);
    ck_assert_int_eq(c->line, line);
    ck_assert_int_eq(c->column, column);
}

START_TEST(commands_with_their_locations)
{
    hack_diag_list diags;
    hack_script *script = parse("// a comment\n"
                                "load Max.asm, output-file Max.out,\n"
                                "  output-list RAM[2]%D2.6.2 A;\n"
                                "set RAM[0] %X1F, /* skipped */ echo \"hi there\";\n"
                                "repeat 3 {\n"
                                "  ticktock;\n"
                                "}\n"
                                "while local[1] <> -2 { vmstep; output; }\n",
                                &diags);
    ck_assert_ptr_nonnull(script);
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_str_eq(script->name, "T.tst");
    ck_assert_uint_eq(script->command_count, 7);
    const script_command *c = script->commands;
    assert_at(&c[0], SCRIPT_CMD_LOAD, 2, 1);
    ck_assert_str_eq(c[0].text, "Max.asm");
    assert_at(&c[1], SCRIPT_CMD_OUTPUT_FILE, 2, 15);
    ck_assert_str_eq(c[1].text, "Max.out");
    assert_at(&c[2], SCRIPT_CMD_OUTPUT_LIST, 3, 3);
    ck_assert_uint_eq(c[2].item_count, 2);
    ck_assert_str_eq(c[2].items[0].name, "RAM[2]");
    ck_assert_int_eq(c[2].items[0].var.kind, SCRIPT_VAR_RAM);
    ck_assert_int_eq(c[2].items[0].var.index, 2);
    ck_assert_int_eq(c[2].items[0].format.kind, 'D');
    ck_assert_int_eq(c[2].items[0].format.left, 2);
    ck_assert_int_eq(c[2].items[0].format.width, 6);
    ck_assert_int_eq(c[2].items[0].format.right, 2);
    ck_assert_str_eq(c[2].items[1].name, "A");
    ck_assert_int_eq(c[2].items[1].var.kind, SCRIPT_VAR_A);
    ck_assert_int_eq(c[2].items[1].format.kind, 'B'); /* no format given: binary */
    assert_at(&c[3], SCRIPT_CMD_SET, 4, 1);
    ck_assert_int_eq(c[3].var.kind, SCRIPT_VAR_RAM);
    ck_assert_int_eq(c[3].value, 31);
    assert_at(&c[4], SCRIPT_CMD_ECHO, 4, 32);
    ck_assert_str_eq(c[4].text, "hi there");
    assert_at(&c[5], SCRIPT_CMD_REPEAT, 5, 1);
    ck_assert(!c[5].forever);
    ck_assert_uint_eq(c[5].count, 3);
    ck_assert_uint_eq(c[5].body_count, 1);
    assert_at(&c[5].body[0], SCRIPT_CMD_TICKTOCK, 6, 3);
    assert_at(&c[6], SCRIPT_CMD_WHILE, 8, 1);
    ck_assert_int_eq(c[6].var.kind, SCRIPT_VAR_LOCAL_I);
    ck_assert_int_eq(c[6].var.index, 1);
    ck_assert_int_eq(c[6].op, SCRIPT_OP_NE);
    ck_assert_int_eq(c[6].value, -2);
    ck_assert_uint_eq(c[6].body_count, 2);
    assert_at(&c[6].body[0], SCRIPT_CMD_VMSTEP, 8, 24);
    assert_at(&c[6].body[1], SCRIPT_CMD_OUTPUT, 8, 32);
    hack_script_free(script);
    hack_diag_list_free(&diags);
}
END_TEST

START_TEST(an_error_is_collected_at_its_line_and_column)
{
    hack_diag_list diags;
    hack_script *script = parse("set RAM[0] 1,\n  ticktock;\n  set B 3;\n", &diags);
    ck_assert_ptr_null(script);
    ck_assert_uint_eq(diags.count, 1); /* one error: the rest of the parse is not trusted */
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_str_eq(diags.items[0].file, "T.tst");
    ck_assert_int_eq(diags.items[0].line, 3);
    ck_assert_int_eq(diags.items[0].column, 7);
    ck_assert_str_eq(diags.items[0].message, "unknown variable 'B'");
    ck_assert_str_eq(diags.items[0].source_line, "  set B 3;");
    hack_diag_list_free(&diags);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("script_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, commands_with_their_locations);
    tcase_add_test(tc, an_error_is_collected_at_its_line_and_column);
    suite_add_tcase(suite, tc);
    return suite;
}
