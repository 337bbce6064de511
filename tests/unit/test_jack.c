/* The Jack compiler, judged by behaviour: small programs compiled with a tiny test OS (tests/fixtures/testos),
 * translated, run on the core, and their printed log or RAM checked; and the course's project 11 programs,
 * compiled by us and by the course's compiler (its reference .vm), must behave the same. */
#include "hack/jack.h"
#include "hack/machine.h"
#include "hack/strbuf.h"
#include "hack/vm.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TESTOS_DIR
#error "TESTOS_DIR must name the test OS folder"
#endif
#ifndef N2T_DIR
#define N2T_DIR ""
#endif

enum { LOG = 7000, DONE = 6999, KEYS = 6400, INTS = 6500 };

static hack_machine *machine;
static int preset_address, preset_value; /* one RAM word a program reads, set before it runs */

static void setup(void)
{
    machine = hack_machine_create();
}

static void teardown(void)
{
    hack_machine_destroy(machine);
}

/* Adds the test OS, compiled, to vm (skipping classes the program brings itself). */
static void add_compiled(hack_vm_sources *vm, const hack_jack_sources *jack)
{
    hack_jack_outputs outputs = {0};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    bool ok = hack_jack_compile(jack, &outputs, &diags);
    hack_diag_list_print(stderr, &diags);
    ck_assert_msg(ok, "compile errors: %s", hack_diag_first_error(&diags));
    for (size_t i = 0; i < outputs.count; i++) {
        hack_strbuf path = {0};
        hack_strbuf_appendf(&path, "%s.vm", outputs.items[i].class_name);
        ck_assert(hack_vm_sources_add(vm, path.text, outputs.items[i].vm, outputs.items[i].vm_length));
        hack_strbuf_free(&path);
    }
    hack_jack_outputs_free(&outputs);
    hack_diag_list_free(&diags);
}

/* Runs VM code until Sys.halt marks RAM[DONE]; RAM[KEYS..] and RAM[INTS..] from the arrays given. */
static void run_vm(const hack_vm_sources *vm, const int *keys, size_t key_count, const int *ints, size_t int_count)
{
    hack_program program;
    ck_assert(hack_program_init(&program));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_options options = {.bootstrap = true, .require_functions = true};
    bool ok = hack_vm_build(vm, &options, "test.asm", &program, &diags);
    hack_diag_list_print(stderr, &diags);
    ck_assert(ok);
    memset(machine->ram, 0, sizeof machine->ram);
    for (size_t i = 0; i < key_count; i++) machine->ram[KEYS + i] = (uint16_t)keys[i];
    for (size_t i = 0; i < int_count; i++) machine->ram[INTS + i] = (uint16_t)ints[i];
    if (preset_address) machine->ram[preset_address] = (uint16_t)preset_value;
    hack_machine_load(machine, program.words, program.count);
    uint64_t cycles = 0;
    while (machine->ram[DONE] == 0 && cycles < 200000000) {
        hack_run_result r = hack_machine_run(machine, 100000);
        ck_assert_msg(r.reason != HACK_STOP_FAULT, "machine fault");
        cycles += r.cycles;
    }
    ck_assert_msg(machine->ram[DONE] == 1, "the program did not finish");
    hack_program_free(&program);
    hack_diag_list_free(&diags);
}

static hack_jack_sources test_os(void)
{
    hack_jack_sources sources = {0};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    ck_assert(hack_jack_sources_read(&sources, TESTOS_DIR, &diags));
    hack_diag_list_free(&diags);
    return sources;
}

/* Compiles classes (name, text pairs, NULL-terminated) with the test OS and runs them. */
static void run_jack(const char *const *classes)
{
    hack_jack_sources sources = test_os();
    for (; classes[0]; classes += 2) {
        hack_strbuf path = {0};
        hack_strbuf_appendf(&path, "%s.jack", classes[0]);
        ck_assert(hack_jack_sources_add(&sources, path.text, classes[1], strlen(classes[1])));
        hack_strbuf_free(&path);
    }
    hack_vm_sources vm = {0};
    add_compiled(&vm, &sources);
    run_vm(&vm, NULL, 0, NULL, 0);
    hack_vm_sources_free(&vm);
    hack_jack_sources_free(&sources);
}

static int16_t ram(int address)
{
    return (int16_t)(machine->ram[address] >= 0x8000 ? (int)machine->ram[address] - 0x10000 : machine->ram[address]);
}

static void expect_log(const int *expected, int count)
{
    ck_assert_int_eq(ram(LOG), count);
    for (int i = 0; i < count; i++)
        ck_assert_msg(ram(LOG + 1 + i) == expected[i], "log[%d] = %d, expected %d", i, ram(LOG + 1 + i), expected[i]);
}

START_TEST(expressions_left_to_right_without_precedence)
{
    const char *main_jack = "class Main { function void main() {\n"
                            "  do Output.printInt(1 + 2 * 3);\n"           /* (1+2)*3 = 9 */
                            "  do Output.printInt(2 * (3 + 4) - 5 / 2);\n" /* ((14)-5)/2 = 4 */
                            "  do Output.printInt(-5 + 3);\n"
                            "  do Output.printInt(~0);\n"
                            "  do Output.printInt(7 - 10);\n"
                            "  do Output.printInt(-32767 - 1);\n"
                            "  do Output.printInt(100 / -7);\n"
                            "  do Output.printInt((5 & 3) | 8);\n"
                            "  do Output.printInt(3 < 4);\n"
                            "  do Output.printInt(3 > 4);\n"
                            "  do Output.printInt(-2 = -2);\n"
                            "  do Output.printInt(~(1 = 2));\n"
                            "  return; } }\n";
    const char *classes[] = {"Main", main_jack, NULL};
    run_jack(classes);
    const int expected[] = {9, 4, -2, -1, -3, -32768, -14, 9, -1, 0, -1, -1};
    expect_log(expected, 12);
}
END_TEST

START_TEST(statements_and_control_flow)
{
    const char *main_jack = "class Main { function void main() {\n"
                            "  var int i, sum; var boolean done;\n"
                            "  let i = 0; let sum = 0;\n"
                            "  while (i < 10) { let sum = sum + i; let i = i + 1; }\n"
                            "  do Output.printInt(sum);\n"
                            "  if (sum > 40) { do Output.printInt(1); } else { do Output.printInt(2); }\n"
                            "  if (sum < 40) { do Output.printInt(3); } else { do Output.printInt(4); }\n"
                            "  if (false) { do Output.printInt(5); }\n"
                            "  let done = false; let i = 0;\n"
                            "  while (~done) { let i = i + 1; if (i = 3) { let done = true; } }\n"
                            "  do Output.printInt(i);\n"
                            "  do Output.printInt(Main.fib(15));\n"
                            "  return; }\n"
                            "function int fib(int n) { if (n < 2) { return n; } return Main.fib(n - 1) + Main.fib(n - 2); }\n"
                            "}\n";
    const char *classes[] = {"Main", main_jack, NULL};
    run_jack(classes);
    const int expected[] = {45, 1, 4, 3, 610};
    expect_log(expected, 5);
}
END_TEST

START_TEST(objects_methods_fields_and_statics)
{
    const char *point = "class Point {\n"
                        "  field int x, y; static int count;\n"
                        "  constructor Point new(int ax, int ay) { let x = ax; let y = ay; let count = count + 1; return this; }\n"
                        "  method int getX() { return x; }\n"
                        "  method int sum() { return getX() + y; }\n"
                        "  method Point plus(Point other) { return Point.new(x + other.getX(), y + other.getY()); }\n"
                        "  method int getY() { return y; }\n"
                        "  function int count() { return count; }\n"
                        "  method void dispose() { do Memory.deAlloc(this); return; }\n"
                        "}\n";
    const char *main_jack = "class Main { function void main() {\n"
                            "  var Point p, q, r;\n"
                            "  let p = Point.new(3, 4); let q = Point.new(10, 20);\n"
                            "  let r = p.plus(q);\n"
                            "  do Output.printInt(r.getX()); do Output.printInt(r.getY()); do Output.printInt(r.sum());\n"
                            "  do Output.printInt(Point.count());\n"
                            "  do Output.printInt(p.sum());\n"
                            "  do r.dispose();\n"
                            "  do Output.printInt(null = 0);\n"
                            "  return; } }\n";
    const char *classes[] = {"Main", main_jack, "Point", point, NULL};
    run_jack(classes);
    const int expected[] = {13, 24, 37, 3, 7, -1};
    expect_log(expected, 6);
}
END_TEST

START_TEST(arrays_and_strings)
{
    const char *main_jack = "class Main { function void main() {\n"
                            "  var Array a, b; var int i; var String s;\n"
                            "  let a = Array.new(5); let b = Array.new(3);\n"
                            "  let i = 0; while (i < 5) { let a[i] = i * i; let i = i + 1; }\n"
                            "  let b[0] = a; let b[1] = 2;\n"
                            "  let a[a[1]] = a[a[2]] + 100;\n" /* a[1] = a[4] + 100 = 116 */
                            "  do Output.printInt(a[1]);\n"
                            "  let a = b[0]; do Output.printInt(a[b[1]]);\n" /* a[2] = 4 */
                            "  let s = \"Hi <&>\";\n"
                            "  do Output.printString(s); do Output.printInt(s.length());\n"
                            "  let s = String.new(6); do s.setInt(-1234); do Output.printInt(s.intValue());\n"
                            "  do Output.printString(s);\n"
                            "  return; } }\n";
    const char *classes[] = {"Main", main_jack, NULL};
    run_jack(classes);
    const int expected[] = {116, 4, 'H', 'i', ' ', '<', '&', '>', 6, -1234, '-', '1', '2', '3', '4'};
    expect_log(expected, 15);
}
END_TEST

/* ---- what no file can do: expressions and names of any length; nesting beyond the limit is an error ---- */

START_TEST(expressions_of_any_length)
{
    /* more operators than the 512 the parser once kept: 600 ones, and 1,400 terms of + 2 - 1 */
    hack_strbuf main = {0};
    hack_strbuf_appendf(&main, "class Main {\r\n\tfunction void main() {\r\n\t\tdo Output.printInt(1");
    for (int i = 1; i < 600; i++) hack_strbuf_appendf(&main, "+1");
    hack_strbuf_appendf(&main, ");\r\n\t\tdo Output.printInt(0");
    for (int i = 0; i < 700; i++) hack_strbuf_appendf(&main, " + 2 - 1");
    hack_strbuf_appendf(&main, ");\r\n\t\treturn;\r\n\t}\r\n}\r\n");
    const char *classes[] = {"Main", main.text, NULL};
    run_jack(classes);
    const int expected[] = {600, 700};
    expect_log(expected, 2);
    hack_strbuf_free(&main);
}
END_TEST

START_TEST(scopes_of_any_size)
{
    /* 700 locals in one function: more than the 512 a scope once held */
    hack_strbuf main = {0};
    hack_strbuf_appendf(&main, "class Main {\n  function void main() {\n    var int v0");
    for (int i = 1; i < 700; i++) hack_strbuf_appendf(&main, ", v%d", i);
    hack_strbuf_appendf(&main, ";\n    let v699 = 3;\n    let v0 = v699 + 4;\n    do Output.printInt(v0);\n"
                               "    return;\n  }\n}\n");
    const char *classes[] = {"Main", main.text, NULL};
    run_jack(classes);
    const int expected[] = {7};
    expect_log(expected, 1);
    hack_strbuf_free(&main);
}
END_TEST

START_TEST(names_of_any_length)
{
    /* a class named with 240 characters (a file name has at most 255 bytes), a 1,000-character function and
     * 500-character static and local names: every VM line written for them is whole */
    hack_strbuf class_name = {0}, function = {0}, variable = {0}, main = {0}, other = {0};
    for (int i = 0; i < 240; i++) hack_strbuf_append_char(&class_name, i ? (char)('a' + i % 26) : 'C');
    for (int i = 0; i < 1000; i++) hack_strbuf_append_char(&function, (char)('a' + i % 26));
    for (int i = 0; i < 500; i++) hack_strbuf_append_char(&variable, i % 3 ? 'v' : '_');
    const char *c = class_name.text, *f = function.text, *v = variable.text;
    hack_strbuf_appendf(&other,
                        "class %s {\r\n\tstatic int %s;\r\n\tfunction int %s(int %s) {\r\n"
                        "\t\tlet %s = %s + 1;\r\n\t\treturn %s;\r\n\t}\r\n}\r\n",
                        c, v, f, v, v, v, v);
    hack_strbuf_appendf(&main, "class Main {\r\n\tfunction void main() {\r\n\t\tvar int %s;\r\n"
                               "\t\tlet %s = %s.%s(41);\r\n\t\tdo Output.printInt(%s);\r\n\t\treturn;\r\n\t}\r\n}\r\n",
                        v, v, c, f, v);
    const char *classes[] = {"Main", main.text, c, other.text, NULL};
    run_jack(classes);
    const int expected[] = {42};
    expect_log(expected, 1);
    hack_strbuf_free(&class_name);
    hack_strbuf_free(&function);
    hack_strbuf_free(&variable);
    hack_strbuf_free(&main);
    hack_strbuf_free(&other);
}
END_TEST

/* Compiles one Main.jack (with the test OS): true when it compiles; *diags gets the messages. */
static bool compile_main(const char *text, hack_diag_list *diags)
{
    hack_jack_sources sources = test_os();
    ck_assert(hack_jack_sources_add(&sources, "Main.jack", text, strlen(text)));
    hack_jack_outputs outputs = {0};
    hack_diag_list_init(diags);
    bool ok = hack_jack_compile(&sources, &outputs, diags);
    hack_jack_outputs_free(&outputs);
    hack_jack_sources_free(&sources);
    return ok;
}

START_TEST(messages_quote_names_whole)
{
    hack_strbuf name = {0}, text = {0};
    for (int i = 0; i < 1000; i++) hack_strbuf_append_char(&name, 'n');
    hack_strbuf_appendf(&text, "class Main {\n  function void main() {\n    var int x;\n    let x = 1 %s;\n"
                               "    return;\n  }\n}\n", name.text);
    hack_diag_list diags;
    ck_assert(!compile_main(text.text, &diags));
    hack_strbuf expected = {0};
    hack_strbuf_appendf(&expected, "expected ';', found '%s'", name.text);
    ck_assert_str_eq(hack_diag_first_error(&diags), expected.text);
    hack_diag_list_free(&diags);
    hack_strbuf_free(&name);
    hack_strbuf_free(&text);
    hack_strbuf_free(&expected);
}
END_TEST

/* main's statement, with open and close repeated depth times around the middle. */
static char *nested(const char *before, const char *open, int depth, const char *middle, const char *close,
                    const char *after)
{
    hack_strbuf text = {0};
    hack_strbuf_appendf(&text, "class Main {\r\n\tfunction int f(int x) { return x; }\r\n"
                               "\tfunction void main() {\r\n\t\tvar int x;\r\n%s", before);
    for (int i = 0; i < depth; i++) hack_strbuf_appendf(&text, "%s", open);
    hack_strbuf_appendf(&text, "%s", middle);
    for (int i = 0; i < depth; i++) hack_strbuf_appendf(&text, "%s", close);
    hack_strbuf_appendf(&text, "%s\r\n\t\treturn;\r\n\t}\r\n}\r\n", after);
    ck_assert(!text.failed);
    return hack_strbuf_take(&text, NULL);
}

/* The text compiles (expected NULL) or gives exactly one error, "LINE:COLUMN: message". */
static void expect_nesting(char *text, const char *expected)
{
    hack_diag_list diags;
    bool ok = compile_main(text, &diags);
    if (!expected) {
        ck_assert_msg(ok, "refused: %s", hack_diag_first_error(&diags));
    } else {
        ck_assert(!ok);
        ck_assert_uint_eq(diags.error_count, 1);
        char got[200];
        snprintf(got, sizeof got, "%d:%d: %s", diags.items[0].line, diags.items[0].column, diags.items[0].message);
        ck_assert_str_eq(got, expected);
        ck_assert_str_eq(diags.items[0].file, "Main.jack");
    }
    hack_diag_list_free(&diags);
    free(text);
}

START_TEST(nesting_up_to_the_limit_compiles)
{
    /* a term inside 499 parentheses is 500 levels deep: the limit, which still compiles (and, in the
     * sanitizer build, fits the host stack with room to spare) */
    expect_nesting(nested("\t\tlet x = ", "(", 499, "1", ")", ";"), NULL);
    expect_nesting(nested("\t\tlet x = ", "Main.f(", 499, "1", ")", ";"), NULL);
    expect_nesting(nested("\t\tlet x = ", "-", 499, "1", "", ";"), NULL);
    expect_nesting(nested("\t\tlet x = ", "x[", 499, "1", "]", ";"), NULL);
    /* 500 nested blocks, and at the bottom an expression 500 levels deep */
    char *deepest = nested("", "\t\twhile (x < 1) {", 500, "let x = Main.f(Main.f(Main.f(-(((1)))))); ", "}", "");
    expect_nesting(deepest, NULL);
}
END_TEST

START_TEST(nesting_beyond_the_limit_is_an_error)
{
    /* line 5 is "\t\tlet x = " then the nesting: the 501st level starts at column 11 + 500 */
    expect_nesting(nested("\t\tlet x = ", "(", 500, "1", ")", ";"), "5:511: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tlet x = ", "(", 10000, "1", ")", ";"), "5:511: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tlet x = ", "-", 10000, "1", "", ";"), "5:511: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tlet x = ", "~", 10000, "x", "", ";"), "5:511: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tlet x = ", "Main.f(", 10000, "1", ")", ";"),
                   "5:3511: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tlet x = ", "x[", 10000, "1", "]", ";"), "5:1011: expressions nested deeper than 500 levels");
    expect_nesting(nested("\t\tdo Main.f(", "Main.f(", 10000, "1", ")", ");"),
                   "5:3513: expressions nested deeper than 500 levels");
    /* blocks: the 501st '{' (each "if (x) {" is 8 characters) */
    expect_nesting(nested("", "if (x) {", 10000, "", "}", ""), "5:4008: statements nested deeper than 500 levels");
    expect_nesting(nested("", "while (x) {", 10000, "", "}", ""), "5:5511: statements nested deeper than 500 levels");
    expect_nesting(nested("", "if (x) {} else {", 10000, "", "}", ""), "5:8008: statements nested deeper than 500 levels");
    /* the error does not hide what follows it */
    hack_diag_list diags;
    char *text = nested("\t\tlet x = ", "(", 600, "1", ")", "; let ;");
    ck_assert(!compile_main(text, &diags));
    ck_assert_uint_eq(diags.error_count, 2);
    ck_assert_str_eq(diags.items[1].message, "expected a variable name after 'let', found ';'");
    hack_diag_list_free(&diags);
    free(text);
}
END_TEST

/* ---- the course's project 11 programs: ours and the course compiler's reference .vm behave the same ---- */

static bool n2t_present(const char *relative)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", N2T_DIR, relative);
    FILE *f = fopen(path, "r");
    if (f) fclose(f);
    return f != NULL;
}

/* The log and a RAM range after running program (ours or the reference) with the test OS. */
static void run_course_program(const char *name, bool reference, const int *keys, size_t key_count,
                               const int *ints, size_t int_count, const int *preset_ram, int16_t *log_out,
                               int16_t *ram_out, int ram_from, int ram_count)
{
    char dir[600];
    hack_vm_sources vm = {0};
    hack_jack_sources os = test_os();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (reference) {
        snprintf(dir, sizeof dir, "%s/classic/reference/11/%s", N2T_DIR, name);
        ck_assert(hack_vm_sources_read(&vm, dir, &diags));
        add_compiled(&vm, &os);
    } else {
        snprintf(dir, sizeof dir, "%s/classic/projects/11/%s", N2T_DIR, name);
        ck_assert(hack_jack_sources_read(&os, dir, &diags));
        add_compiled(&vm, &os);
    }
    hack_diag_list_free(&diags);
    (void)preset_ram;
    run_vm(&vm, keys, key_count, ints, int_count);
    for (int i = 0; i <= 600 && i <= ram(LOG); i++) log_out[i] = ram(LOG + i);
    for (int i = 0; i < ram_count; i++) ram_out[i] = ram(ram_from + i);
    hack_vm_sources_free(&vm);
    hack_jack_sources_free(&os);
}

static void same_behaviour(const char *name, const int *keys, size_t key_count, const int *ints, size_t int_count,
                           int ram_from, int ram_count, int min_log)
{
    if (!n2t_present("classic/reference/11/Seven/Main.vm")) {
        fprintf(stderr, "course files not found at %s: project 11 comparison skipped\n", N2T_DIR);
        return;
    }
    static int16_t log_ours[601], log_theirs[601], ram_ours[64], ram_theirs[64];
    memset(log_ours, 0, sizeof log_ours);
    memset(log_theirs, 0, sizeof log_theirs);
    run_course_program(name, false, keys, key_count, ints, int_count, NULL, log_ours, ram_ours, ram_from, ram_count);
    run_course_program(name, true, keys, key_count, ints, int_count, NULL, log_theirs, ram_theirs, ram_from, ram_count);
    ck_assert_int_ge(log_ours[0], min_log);
    ck_assert_int_eq(log_ours[0], log_theirs[0]);
    for (int i = 1; i <= log_ours[0] && i <= 600; i++)
        ck_assert_msg(log_ours[i] == log_theirs[i], "%s: log[%d] %d vs %d", name, i, log_ours[i], log_theirs[i]);
    for (int i = 0; i < ram_count; i++)
        ck_assert_msg(ram_ours[i] == ram_theirs[i], "%s: RAM[%d] %d vs %d", name, ram_from + i, ram_ours[i],
                      ram_theirs[i]);
}

START_TEST(course_seven)
{
    same_behaviour("Seven", NULL, 0, NULL, 0, 0, 0, 1);
    if (n2t_present("classic/reference/11/Seven/Main.vm")) ck_assert_int_eq(ram(LOG + 1), 7);
}
END_TEST

START_TEST(course_average)
{
    const int ints[] = {4, 10, 20, 33, -7};
    same_behaviour("Average", NULL, 0, ints, 5, 0, 0, 2);
}
END_TEST

START_TEST(course_convert_to_bin)
{
    /* ConvertToBin reads RAM[8000] and writes its bits to RAM[8001..8016] */
    preset_address = 8000;
    preset_value = 0x5A3C;
    same_behaviour("ConvertToBin", NULL, 0, NULL, 0, 8000, 17, 0);
    preset_address = 0;
    if (n2t_present("classic/reference/11/Seven/Main.vm")) {
        for (int bit = 0; bit < 16; bit++) ck_assert_int_eq(ram(8001 + bit), (0x5A3C >> bit) & 1);
    }
}
END_TEST

START_TEST(course_square_game)
{
    /* up, right, grow (x), shrink (z), left, down, then q: each key once, with idle polls between */
    const int keys[] = {0, 131, 0, 132, 0, 88, 0, 90, 0, 130, 0, 133, 0, 81};
    same_behaviour("Square", keys, sizeof keys / sizeof keys[0], NULL, 0, 0, 0, 10);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("jack");
    TCase *tc = tcase_create("programs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, expressions_left_to_right_without_precedence);
    tcase_add_test(tc, statements_and_control_flow);
    tcase_add_test(tc, objects_methods_fields_and_statics);
    tcase_add_test(tc, arrays_and_strings);
    suite_add_tcase(suite, tc);
    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, expressions_of_any_length);
    tcase_add_test(tc, scopes_of_any_size);
    tcase_add_test(tc, names_of_any_length);
    tcase_add_test(tc, messages_quote_names_whole);
    tcase_add_test(tc, nesting_up_to_the_limit_compiles);
    tcase_add_test(tc, nesting_beyond_the_limit_is_an_error);
    suite_add_tcase(suite, tc);
    tc = tcase_create("course");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, course_seven);
    tcase_add_test(tc, course_average);
    tcase_add_test(tc, course_convert_to_bin);
    tcase_add_test(tc, course_square_game);
    suite_add_tcase(suite, tc);
    return suite;
}
