/* The .hack and .sym loaders: what they accept and the located errors for what they do not. A .sym file is
 * not trusted: later code indexes ROM and RAM with its addresses. */
#include "hack/program.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_WORK_DIR
#error "TEST_WORK_DIR must name a folder the tests may write in"
#endif

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

START_TEST(text_is_read_within_its_length)
{
    /* The library gets text and a length, not a C string: a buffer allocated exactly, with no NUL after it,
     * must not be read past (AddressSanitizer would see it), whatever its last line holds. */
    static const char *const texts[] = {"0000000000000010\r\n000000000000001", "0000000000000010\r\n00000000000000100",
                                        "0000000000000010\n0000000000000011", "000000000000001 \t", "1"};
    static const int lines[] = {2, 2, 0, 1, 1}, columns[] = {16, 18, 0, 16, 2};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t length = strlen(texts[i]);
        char *exact = malloc(length);
        memcpy(exact, texts[i], length);
        hack_diag_list_free(&diags);
        bool ok = hack_program_parse_hack(&program, "t.hack", exact, length, &diags);
        free(exact);
        ck_assert_msg(ok == (lines[i] == 0), "text %zu", i);
        if (ok) {
            ck_assert_uint_eq(program.count, 2); /* the last word has no line end */
            continue;
        }
        ck_assert_int_eq(diags.items[0].line, lines[i]);
        ck_assert_int_eq(diags.items[0].column, columns[i]);
    }
}
END_TEST

/* ---- .sym files ---- */

static const char *sym_path(void)
{
    return TEST_WORK_DIR "/t.sym";
}

static void write_sym(const char *text, size_t length)
{
    FILE *file = fopen(sym_path(), "wb");
    ck_assert_ptr_nonnull(file);
    ck_assert_uint_eq(fwrite(text, 1, length, file), length);
    fclose(file);
}

/* Reads text as a .sym file into a fresh program. */
static bool read_sym(const char *text)
{
    write_sym(text, strlen(text));
    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    hack_diag_list_free(&diags);
    return hack_program_read_symbols(&program, sym_path(), &diags);
}

static void expect_sym_error(const char *text, int line, int column, const char *message)
{
    ck_assert_msg(!read_sym(text), "accepted: %s", text);
    ck_assert_uint_eq(diags.error_count, 1);
    char got[300], expected[300];
    snprintf(got, sizeof got, "%d:%d: %s", diags.items[0].line, diags.items[0].column, diags.items[0].message);
    snprintf(expected, sizeof expected, "%d:%d: %s", line, column, message);
    ck_assert_str_eq(got, expected);
    ck_assert_str_eq(diags.items[0].file, sym_path());
}

START_TEST(symbols_sources_and_map_are_read)
{
    /* as a student's editor may leave it: CRLF line ends, tabs, a path with blanks */
    ck_assert(read_sym("16 var i\r\n0 label LOOP\r\n5\tfunction\tMain.main\r\n20 static Main.0\r\n\r\n"
                       "source 0 My Projects/08/Main.vm \r\nmap 0 3 0 7 1\r\nmap 4 4 0 8 3\r\n"));
    const hack_symbol *main_main = hack_symtab_find(&program.symbols, "Main.main", 9);
    ck_assert_ptr_nonnull(main_main);
    ck_assert_int_eq(main_main->kind, HACK_SYMBOL_FUNCTION);
    ck_assert_uint_eq(main_main->value, 5);
    ck_assert_uint_eq(program.symbols.count, 4);
    ck_assert_uint_eq(program.source_file_count, 1);
    ck_assert_str_eq(program.source_files[0], "My Projects/08/Main.vm");
    ck_assert_uint_eq(program.locations[3].line, 7);
    ck_assert(program.locations[0].command_start && !program.locations[3].command_end);
    ck_assert(program.locations[4].command_start && program.locations[4].command_end);
    ck_assert_uint_eq(program.locations[5].line, 0);
}
END_TEST

START_TEST(what_is_written_is_read_back_with_names_of_any_length)
{
    char *long_name = malloc(5001);
    memset(long_name, 'f', 5000);
    memcpy(long_name + 2000, ".", 1);
    long_name[5000] = '\0';
    ck_assert(hack_symtab_add(&program.symbols, long_name, 5000, 32767, HACK_SYMBOL_FUNCTION, NULL));
    ck_assert(hack_symtab_add(&program.symbols, "Main.0", 6, 16, HACK_SYMBOL_STATIC, NULL));
    const char *files[] = {"Main.vm", "(os)/Main.jack"};
    ck_assert(hack_program_add_map(&program, files, 2));
    program.count = 12;
    /* words 0..8 from VM lines 1..3, compiled from Jack lines 10..12; words 9..11 a routine's */
    for (int a = 0; a < 9; a++)
        program.locations[a] = (hack_source_location){(uint32_t)(a / 3 + 1), 0, a % 3 == 0, 0, (uint32_t)(a / 3 + 10), 1,
                                                      HACK_ROUTINE_NONE};
    for (int a = 9; a < 12; a++)
        program.locations[a] = (hack_source_location){0, 0, 0, a == 11, 0, 0, a == 9 ? HACK_ROUTINE_SITE_IN_D
                                                                                     : HACK_ROUTINE_RETURN_LCL3};
    ck_assert(hack_program_write_symbols(&program, sym_path(), &diags));
    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    ck_assert(hack_program_read_symbols(&program, sym_path(), &diags));
    const hack_symbol *found = hack_symtab_find(&program.symbols, long_name, 5000);
    ck_assert_ptr_nonnull(found);
    ck_assert_uint_eq(found->value, 32767);
    ck_assert_str_eq(program.source_files[1], "(os)/Main.jack");
    for (int a = 0; a < 9; a++) {
        ck_assert_uint_eq(program.locations[a].line, (uint32_t)(a / 3 + 1));
        ck_assert_uint_eq(program.locations[a].command_start, a % 3 == 0);
        ck_assert_uint_eq(program.locations[a].jack_line, (uint32_t)(a / 3 + 10));
        ck_assert_uint_eq(program.locations[a].jack_file, 1);
        ck_assert_uint_eq(program.locations[a].routine, HACK_ROUTINE_NONE);
    }
    ck_assert_uint_eq(program.locations[9].routine, HACK_ROUTINE_SITE_IN_D);
    ck_assert_uint_eq(program.locations[10].routine, HACK_ROUTINE_RETURN_LCL3);
    ck_assert(program.locations[11].command_end && !program.locations[10].command_end);
    ck_assert_uint_eq(program.locations[11].jack_line, 0);
    free(long_name);
}
END_TEST

START_TEST(addresses_outside_rom_and_ram_are_refused)
{
    expect_sym_error("16 var i\n60000 static Memory.0\n", 2, 1,
                     "a static's address must be in RAM (0..32767), found '60000'");
    expect_sym_error("65535 function Sys.init\r\n", 1, 1,
                     "a function's address must be in ROM (0..32767), found '65535'");
    expect_sym_error("32768\tlabel\tEND", 1, 1, "a label's address must be in ROM (0..32767), found '32768'");
    expect_sym_error("99999999999999999999999 var x\n", 1, 1,
                     "a var's address must be in RAM (0..32767), found '99999999999999999999999'");
    expect_sym_error("1x var x\n", 1, 1, "a var's address must be in RAM (0..32767), found '1x'");
}
END_TEST

START_TEST(bad_symbol_lines_are_located)
{
    expect_sym_error("16 var i\r\n17 var i\r\n", 2, 8, "'i' is defined twice");
    expect_sym_error("16 register i\n", 1, 4, "expected label, var, function or static, found 'register'");
    expect_sym_error("16\n", 1, 3, "expected label, var, function or static, found ''");
    expect_sym_error("16 var 9lives\n", 1, 8,
                     "expected a name (letters, digits, _ . $ :, not starting with a digit), found '9lives'");
    expect_sym_error("16 var i j\n", 1, 10, "unexpected 'j' after the name");
    expect_sym_error("hello world\n", 1, 1,
                     "expected \"ADDRESS label|var|function|static NAME\", \"project-os\", \"source\" or \"map\"");
}
END_TEST

/* project-os: which OS classes the tools put in (the only ones native code may replace later). */
START_TEST(project_os_lines)
{
    expect_sym_error("project-os Math,Memory\nproject-os Sys\n", 2, 12, "a second 'project-os' line");
    expect_sym_error("project-os\n", 1, 11, "expected the OS classes' names, joined by commas");
    expect_sym_error("project-os Math,,Sys\n", 1, 16, "expected class names joined by commas");
    expect_sym_error("project-os Ma\x1bth\n", 1, 14, "expected class names joined by commas");
    expect_sym_error("project-os Math Sys\n", 1, 17, "unexpected 'Sys' after the OS classes' names");
}
END_TEST

START_TEST(bad_source_lines_are_located)
{
    expect_sym_error("source 4000000000 Main.vm\n", 1, 8, "expected source number 0, found '4000000000'");
    expect_sym_error("source 0 A.vm\nsource 5 B.vm\n", 2, 8, "expected source number 1, found '5'");
    expect_sym_error("source 0 A.vm\nsource 0 B.vm\n", 2, 8, "expected source number 1, found '0'");
    expect_sym_error("source 0 \r\n", 1, 10, "expected the source's path");
    expect_sym_error("source 0 Ma\x1b[2Jin.vm\n", 1, 12, "a source path cannot hold control characters");
}
END_TEST

START_TEST(bad_map_lines_are_located)
{
    expect_sym_error("map 0 3 0 1 0\n", 1, 9,
                     "expected a source number given by a 'source' line above (0 so far), found '0'");
    expect_sym_error("source 0 M.vm\nmap 0 3 1 1 0\n", 2, 9,
                     "expected a source number given by a 'source' line above (1 so far), found '1'");
    expect_sym_error("source 0 M.vm\nmap 40000 40001 0 1 0\n", 2, 5,
                     "expected the first ROM address (0..32767), found '40000'");
    expect_sym_error("source 0 M.vm\nmap 5 3 0 1 0\n", 2, 7, "expected the last ROM address (5..32767), found '3'");
    expect_sym_error("source 0 M.vm\nmap 0 32768 0 1 0\n", 2, 7,
                     "expected the last ROM address (0..32767), found '32768'");
    expect_sym_error("source 0 M.vm\nmap 0 3 0 99999999999 0\n", 2, 11, "expected a line number, found '99999999999'");
    /* flags: bits 0..1, and a hack_routine in bits 2..5 (HACK_ROUTINE_COUNT - 1 = 10 at most) */
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1 44\n", 2, 13, "expected flags 0..43, found '44'");
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1\n", 2, 12, "expected flags 0..43, found ''");
    /* the Jack source and line: both, of a source given above, from line 1 */
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1 0 0\n", 2, 16, "expected the Jack line number (from 1), found ''");
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1 0 5 1\n", 2, 15,
                     "expected the Jack source's number, given by a 'source' line above (1 so far), found '5'");
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1 0 0 0\n", 2, 17, "expected the Jack line number (from 1), found '0'");
    expect_sym_error("source 0 M.vm\nsource 1 M.jack\nmap 0 3 0 1 0 1 7 x\n", 3, 19,
                     "unexpected 'x' after the Jack line");
    ck_assert(read_sym("source 0 M.vm\nsource 1 M.jack\nmap 0 3 0 1 41 1 7\n"));
    ck_assert_uint_eq(program.locations[3].jack_line, 7);
    ck_assert_uint_eq(program.locations[3].routine, HACK_ROUTINE_RETURNED);
    /* runs in ROM order, not overlapping: a file of repeated whole-ROM runs would take hours to read */
    expect_sym_error("source 0 M.vm\nmap 0 3 0 1 0\nmap 2 5 0 1 0\n", 3, 5,
                     "map runs must come in ROM order without overlapping (the previous one ends at 3)");
}
END_TEST

START_TEST(binary_sym_files_are_refused)
{
    static const char with_nul[] = "\x7f" "ELF\x02\x01\x01\0\0\0\x1b[2J";
    write_sym(with_nul, sizeof with_nul - 1);
    hack_diag_list_free(&diags);
    ck_assert(!hack_program_read_symbols(&program, sym_path(), &diags));
    ck_assert_ptr_nonnull(strstr(hack_diag_first_error(&diags), "binary file"));
    /* bytes without a NUL: a line like no other */
    expect_sym_error("\xff\xfe\x1b[2J\x80\x81 \x01\n", 1, 1,
                     "expected \"ADDRESS label|var|function|static NAME\", \"project-os\", \"source\" or \"map\"");
    /* and random ones never hurt the host */
    uint32_t state = 12345;
    for (int round = 0; round < 200; round++) {
        char bytes[256];
        size_t length = 1 + test_random(&state) % sizeof bytes;
        for (size_t i = 0; i < length; i++) {
            uint32_t r = test_random(&state);
            /* mostly the .sym alphabet, so the reader gets past the first field often */
            static const char alphabet[] = "0123456789 \t\n\rmapsourcelabelvarfunctionstatic.$";
            bytes[i] = r % 4 ? alphabet[r % (sizeof alphabet - 1)] : (char)(r >> 8);
        }
        write_sym(bytes, length);
        hack_program_free(&program);
        ck_assert(hack_program_init(&program));
        hack_diag_list_free(&diags);
        hack_program_read_symbols(&program, sym_path(), &diags);
    }
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
    tcase_add_test(tc, text_is_read_within_its_length);
    suite_add_tcase(suite, tc);
    tc = tcase_create("symbols");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, symbols_sources_and_map_are_read);
    tcase_add_test(tc, what_is_written_is_read_back_with_names_of_any_length);
    tcase_add_test(tc, addresses_outside_rom_and_ram_are_refused);
    tcase_add_test(tc, bad_symbol_lines_are_located);
    tcase_add_test(tc, project_os_lines);
    tcase_add_test(tc, bad_source_lines_are_located);
    tcase_add_test(tc, bad_map_lines_are_located);
    tcase_add_test(tc, binary_sym_files_are_refused);
    suite_add_tcase(suite, tc);
    return suite;
}
