/* The test-script language: formats, headers, comparison, parse errors with their locations, and runs of
 * small scripts written by the test into its own folder. */
#include "hack/asm.h"
#include "hack/script.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_WORK_DIR
#error "TEST_WORK_DIR must name a writable folder"
#endif

static const char *format_value(char kind, int l, int n, int r, uint16_t value)
{
    static char buf[128];
    hack_script_format_value((hack_script_format){kind, l, n, r}, value, buf, sizeof buf);
    return buf;
}

static const char *format_header(int l, int n, int r, const char *name)
{
    static char buf[128];
    hack_script_format_header((hack_script_format){'D', l, n, r}, name, buf, sizeof buf);
    return buf;
}

START_TEST(decimal_format)
{
    ck_assert_str_eq(format_value('D', 2, 6, 2, 257), "     257  ");
    ck_assert_str_eq(format_value('D', 1, 6, 1, 0xFFFF), "     -1 ");
    ck_assert_str_eq(format_value('D', 1, 6, 1, 0x8000), " -32768 ");
    ck_assert_str_eq(format_value('D', 0, 3, 0, 12345), "345"); /* keeps the last n characters */
    ck_assert_str_eq(format_value('D', 0, 1, 0, 7), "7");
}
END_TEST

START_TEST(binary_hex_string_formats)
{
    ck_assert_str_eq(format_value('B', 1, 16, 1, 5), " 0000000000000101 ");
    ck_assert_str_eq(format_value('B', 1, 4, 1, 0xFFF6), " 0110 ");
    ck_assert_str_eq(format_value('B', 1, 1, 1, 3), " 1 ");
    ck_assert_str_eq(format_value('X', 1, 4, 1, 1234), " 04d2 ");
    ck_assert_str_eq(format_value('X', 0, 2, 0, 0xABCD), "cd");
    ck_assert_str_eq(format_value('X', 0, 6, 0, 0xABCD), "00abcd");
    ck_assert_str_eq(format_value('S', 1, 6, 1, 42), " 42     ");
    ck_assert_str_eq(format_value('S', 0, 2, 0, 0xFFFF), "-1");
}
END_TEST

START_TEST(header_centring)
{
    ck_assert_str_eq(format_header(2, 6, 2, "RAM[0]"), "  RAM[0]  ");
    ck_assert_str_eq(format_header(2, 6, 2, "RAM[256]"), " RAM[256] ");
    ck_assert_str_eq(format_header(1, 6, 1, "RAM[16384]"), "RAM[1638");   /* cut to l + n + r */
    ck_assert_str_eq(format_header(1, 6, 2, "A"), "    A    ");           /* 9 wide: 4 before, 4 after */
    ck_assert_str_eq(format_header(1, 4, 1, "PC"), "  PC  ");
    ck_assert_str_eq(format_header(0, 4, 1, "PC"), " PC  ");              /* odd space: the extra goes right */
}
END_TEST

START_TEST(line_matching)
{
    ck_assert(hack_script_lines_match("|  1 |", "|  1 |"));
    ck_assert(hack_script_lines_match("|  1 |\r\n", "|  1 |"));
    ck_assert(hack_script_lines_match("| ** |", "| 42 |"));
    ck_assert(!hack_script_lines_match("| 42 |", "| 43 |"));
    ck_assert(!hack_script_lines_match("| 42 |", "| 42 | "));
    ck_assert(!hack_script_lines_match("*", ""));
}
END_TEST

static void expect_parse_error(const char *text, int line, int column, const char *message)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = hack_script_parse("t.tst", text, strlen(text), &diags);
    ck_assert_msg(script == NULL, "accepted: %s", text);
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_msg(diags.items[0].line == line && diags.items[0].column == column, "%s: at %d:%d, expected %d:%d",
                  text, diags.items[0].line, diags.items[0].column, line, column);
    ck_assert_str_eq(diags.items[0].message, message);
    hack_diag_list_free(&diags);
}

START_TEST(parse_errors_are_located)
{
    expect_parse_error("load X.asm,\nfrobnicate;\n", 2, 1, "unknown command 'frobnicate'");
    expect_parse_error("set RAM[0] 1,\nset B 3;", 2, 5, "unknown variable 'B'");
    expect_parse_error("set RAM[40000] 1;", 1, 5, "unknown variable 'RAM[40000]'");
    expect_parse_error("set RAM[0] 70000;", 1, 12,
                       "value '70000' out of range or malformed (-32768..65535, or %X, %B, %D and digits)");
    expect_parse_error("set PC -1;", 1, 8, "PC must be 0..32767");
    expect_parse_error("set time 5;", 1, 5, "time is read-only");
    expect_parse_error("output-list RAM[0]%Q1.6.1;", 1, 13,
                       "bad format '%Q1.6.1' (expected %Fl.n.r with F one of B D X S, e.g. %D2.6.2)");
    expect_parse_error("output-list RAM[0]%D1.6;", 1, 13,
                       "bad format '%D1.6' (expected %Fl.n.r with F one of B D X S, e.g. %D2.6.2)");
    expect_parse_error("repeat 3 {\n  repeat 2 { ticktock; }\n}", 2, 3,
                       "repeat and while cannot be nested in the test-script language");
    expect_parse_error("repeat 3 {\n  ticktock;\n", 3, 1, "expected '}' to close the loop that starts at line 1");
    expect_parse_error("repeat -2 { ticktock; }", 1, 8, "expected a positive repeat count, found '-2'");
    expect_parse_error("while RAM[0] ~ 3 { ticktock; }", 1, 7,
                       "expected a comparison (= <> < <= > >=) after 'RAM[0]'");
    expect_parse_error("ticktock;\n/* never closed\n", 2, 1, "comment not closed: no '*/' before the end of the file");
    expect_parse_error("echo \"half a string;\n", 1, 6, "string not closed: no '\"' before the end of the line");
    expect_parse_error("ticktock tock;", 1, 10, "expected ',' ';' or '!' to end the ticktock command");
    expect_parse_error("ticktock; }", 1, 11, "'}' without a loop to close");
}
END_TEST

START_TEST(accepts_the_language)
{
    const char *text = "// comment\r\nload Prog.asm, output-file P.out, compare-to P.cmp,\r\n"
                       "output-list RAM[0]%D2.6.2 A%X1.4.1 D%B1.16.1 PC%S1.5.1 time ROM[3]%D1.6.1;\r\n"
                       "/* block\r\n comment */ set RAM[0] %X1F, set A %B101, set D %D-4!\r\n"
                       "repeat { ticktock; } while RAM[0]<>0 { tick, tock; } while D >= -3 { output; }\r\n"
                       "breakpoint PC 3, clear-breakpoints; echo \"hi, there\"; clear-echo; output\r\n";
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = hack_script_parse("t.tst", text, strlen(text), &diags);
    hack_diag_list_print(stderr, &diags);
    ck_assert_ptr_nonnull(script);
    hack_script_free(script);
    hack_diag_list_free(&diags);
}
END_TEST

/* ---- runs ---- */

static char *work_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 512, "%s/%s", TEST_WORK_DIR, name);
    return path;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(work_path(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char messages[1024];

static void collect_message(void *context, const char *text)
{
    (void)context;
    strncat(messages, text, sizeof messages - strlen(messages) - 2);
    strcat(messages, "\n");
}

static hack_script_status run_script(const char *text, hack_script_result *result, uint64_t limit,
                                     const char *load_dir)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = hack_script_parse("t.tst", text, strlen(text), &diags);
    hack_diag_list_print(stderr, &diags);
    ck_assert_ptr_nonnull(script);
    hack_machine *machine = hack_machine_create();
    messages[0] = '\0';
    hack_script_options options = {.script_dir = TEST_WORK_DIR, .load_dir = load_dir, .cycle_limit = limit,
                                   .message = collect_message};
    hack_script_status status = hack_script_run(script, machine, &options, result, &diags);
    hack_machine_destroy(machine);
    hack_script_free(script);
    hack_diag_list_free(&diags);
    return status;
}

/* count.asm: R0 counts up forever, one increment every 4 instructions. */
static const char count_asm[] = "(L)\n@R0\nM=M+1\n@L\n0;JMP\n";

START_TEST(script_passes_and_writes_out_file)
{
    write_file("count.asm", count_asm);
    write_file("count.cmp", "|  RAM[0]  |  time  |\n|       0  |      0 |\n|       5  |     20 |\n|      **  |     41 |\n");
    hack_script_result result;
    hack_script_status status = run_script("load count.asm, output-file count.out, compare-to count.cmp,\n"
                                           "output-list RAM[0]%D2.6.2 time%D1.6.1;\n"
                                           "set RAM[0] 0, output;\n"
                                           "repeat 20 { ticktock; } output;\n"
                                           "repeat 21 { ticktock; } output;\n",
                                           &result, 0, NULL);
    ck_assert_int_eq(status, HACK_SCRIPT_PASSED);
    ck_assert_int_eq(result.lines_compared, 4);
    ck_assert_uint_eq(result.cycles, 41);
    FILE *out = fopen(work_path("count.out"), "r");
    ck_assert_ptr_nonnull(out);
    char line[100];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_str_eq(line, "|  RAM[0]  |  time  |\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_str_eq(line, "|      10  |     41 |\n");
    fclose(out);
}
END_TEST

START_TEST(wrong_value_fails_at_its_line)
{
    write_file("count.asm", count_asm);
    write_file("wrong.cmp", "|  RAM[0]  |\n|       0  |\n|       5  |\n|       7  |\n|       9  |\n");
    hack_script_result result;
    hack_script_status status = run_script("load count.asm, output-file wrong.out, compare-to wrong.cmp,\n"
                                           "output-list RAM[0]%D2.6.2;\nset RAM[0] 0, output;\n"
                                           "repeat 20 { ticktock; } output;\n"
                                           "repeat 12 { ticktock; }\n"
                                           "output;\n"
                                           "output;\n",
                                           &result, 0, NULL);
    ck_assert_int_eq(status, HACK_SCRIPT_COMPARISON_FAILURE);
    ck_assert_int_eq(result.compare_line, 4);
    ck_assert_int_eq(result.script_line, 6);
    ck_assert_str_eq(result.expected, "|       7  |");
    ck_assert_str_eq(result.actual, "|       8  |");
}
END_TEST

/* A line too long to show whole (70 columns, 631 characters): shown around its first difference, and the
 * explanation says at which column the lines part (the compare file made from the output, one character changed
 * at column 600). */
START_TEST(long_lines_say_where_they_differ)
{
    write_file("count.asm", count_asm);
    char script[2000] = "load count.asm, output-file long.out, output-list";
    for (int i = 0; i < 70; i++) strcat(script, " RAM[0]%D1.6.1");
    strcat(script, "; output;");
    hack_script_result result;
    ck_assert_int_eq(run_script(script, &result, 0, NULL), HACK_SCRIPT_PASSED);
    FILE *out = fopen(work_path("long.out"), "r");
    ck_assert_ptr_nonnull(out);
    char header[1000];
    ck_assert_ptr_nonnull(fgets(header, sizeof header, out));
    fclose(out);
    ck_assert_uint_eq(strlen(header), 632); /* 70 columns of 9 characters, the first '|', the newline */
    header[599] = header[599] == 'X' ? 'Y' : 'X';
    write_file("long.cmp", header);
    header[strcspn(header, "\n")] = '\0';
    char *compare = strstr(script, "output-list");
    memmove(compare + 24, compare, strlen(compare) + 1);
    memcpy(compare, "compare-to long.cmp,    ", 24);
    ck_assert_int_eq(run_script(script, &result, 0, NULL), HACK_SCRIPT_COMPARISON_FAILURE);
    ck_assert_int_eq(result.compare_column, 600);
    ck_assert(result.lines_cut);
    ck_assert_str_eq(result.expected + 3 + 40, header + 599); /* "..." then from 40 characters before */
    char text[2000];
    hack_script_explain(&result, "t.tst", 0, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "(long lines: they differ first at column 600)"));
}
END_TEST

/* Breakpoints on PC and RAM run to where a condition can change (machine breakpoints, watched words); with a
 * breakpoint on A among them, the runner goes an instruction at a time. Both report the same, as counted by
 * hand: count.asm reaches PC 2 on every 4th instruction from the 2nd, and R0 is 3 after the 10th. */
START_TEST(breakpoints_at_full_speed_report_as_step_by_step)
{
    write_file("count.asm", count_asm);
    static const char expected[] = "breakpoint reached at time 2 (PC=2)\nbreakpoint reached at time 6 (PC=2)\n"
                                   "breakpoint reached at time 10 (PC=2)\nbreakpoint reached at time 10 (PC=2)\n"
                                   "breakpoint reached at time 14 (PC=2)\nbreakpoint reached at time 18 (PC=2)\n"
                                   "breakpoint reached at time 22 (PC=2)\nbreakpoint reached at time 26 (PC=2)\n"
                                   "breakpoint reached at time 30 (PC=2)\n";
    hack_script_result result;
    ck_assert_int_eq(run_script("load count.asm, set RAM[0] 0, breakpoint PC 2, breakpoint RAM[0] 3,\n"
                                "repeat 30 { ticktock; } ticktock;",
                                &result, 0, NULL),
                     HACK_SCRIPT_PASSED);
    ck_assert_uint_eq(result.cycles, 31);
    ck_assert_str_eq(messages, expected);
    ck_assert_int_eq(run_script("load count.asm, set RAM[0] 0, breakpoint PC 2, breakpoint RAM[0] 3,\n"
                                "breakpoint A 30000, repeat 30 { ticktock; } ticktock;",
                                &result, 0, NULL),
                     HACK_SCRIPT_PASSED);
    ck_assert_str_eq(messages, expected);
    /* on PC alone: the machine breakpoint stops the run there */
    ck_assert_int_eq(run_script("load count.asm, breakpoint PC 3, repeat 12 { ticktock; }", &result, 0, NULL),
                     HACK_SCRIPT_PASSED);
    ck_assert_str_eq(messages, "breakpoint reached at time 3 (PC=3)\nbreakpoint reached at time 7 (PC=3)\n"
                               "breakpoint reached at time 11 (PC=3)\n");
    /* a breakpoint reached by a `set` is seen after the next tick, in both */
    ck_assert_int_eq(run_script("load count.asm, breakpoint RAM[5] 7, set RAM[5] 7, ticktock, ticktock;",
                                &result, 0, NULL),
                     HACK_SCRIPT_PASSED);
    ck_assert_str_eq(messages, "breakpoint reached at time 1 (PC=1)\n");
}
END_TEST

START_TEST(while_breakpoint_limit_and_fault)
{
    write_file("count.asm", count_asm);
    hack_script_result result;
    ck_assert_int_eq(run_script("load count.asm, set RAM[0] 0, breakpoint RAM[0] 3,\n"
                                "while RAM[0] < 5 { ticktock; } echo \"done\";",
                                &result, 0, NULL),
                     HACK_SCRIPT_PASSED);
    ck_assert_uint_eq(result.cycles, 18); /* R0 reaches 5 on the 18th instruction */
    ck_assert_str_eq(messages, "breakpoint reached at time 10 (PC=2)\ndone\n");

    ck_assert_int_eq(run_script("load count.asm, repeat { ticktock; }", &result, 1000, NULL),
                     HACK_SCRIPT_CYCLE_LIMIT);
    ck_assert_uint_eq(result.cycles, 1000);

    write_file("fault.asm", "@30000\nD=M\n");
    ck_assert_int_eq(run_script("load fault.asm, repeat 5 { ticktock; }", &result, 0, NULL),
                     HACK_SCRIPT_MACHINE_FAULT);
    ck_assert_uint_eq(result.cycles, 1);
}
END_TEST

/* A repeat with a count always ends, however many commands it runs; a while, or a repeat without a count, is
 * bounded by the cycle limit: its rounds that run instructions spend cycles, and it stops, at its own line,
 * after as many rounds that run none. */
START_TEST(loops_that_may_never_end_are_bounded_by_the_cycle_limit)
{
    write_file("count.asm", count_asm);
    hack_script_result result;
    /* 80 million rounds, 160 million commands: past the 100 million that once stopped any script */
    ck_assert_int_eq(run_script("load count.asm, repeat 80000000 { tock; }", &result, 0, NULL), HACK_SCRIPT_PASSED);

    ck_assert_int_eq(run_script("load count.asm,\nwhile RAM[0] = 0 {\n  set RAM[1] 1;\n}", &result, 1000, NULL),
                     HACK_SCRIPT_LOOP_LIMIT);
    ck_assert_int_eq(result.script_line, 2);
    ck_assert_uint_eq(result.limit, 1000);
    ck_assert_uint_eq(result.cycles, 0);
    ck_assert_int_eq(run_script("load count.asm,\n\nrepeat {\n  set RAM[1] 1;\n}", &result, 300, NULL),
                     HACK_SCRIPT_LOOP_LIMIT);
    ck_assert_int_eq(result.script_line, 3);
    ck_assert_uint_eq(result.limit, 300);

    /* vmsteps spend the cycles of the instructions they run */
    write_file("spin.vm", "label LOOP\npush constant 1\npop temp 0\ngoto LOOP\n");
    ck_assert_int_eq(run_script("load spin.vm, repeat { vmstep; }", &result, 1000, NULL), HACK_SCRIPT_CYCLE_LIMIT);
    ck_assert_uint_eq(result.cycles, 1000);
    ck_assert_int_eq(run_script("load spin.vm, while RAM[16000] = 0 { vmstep; }", &result, 1000, NULL),
                     HACK_SCRIPT_CYCLE_LIMIT);
    ck_assert_uint_eq(result.cycles, 1000);

    /* the verdict names the loop's line and the option that sets the bound */
    char text[300];
    hack_script_result stopped = {.status = HACK_SCRIPT_LOOP_LIMIT, .script_line = 4, .limit = 1000000000};
    hack_script_explain(&stopped, "W.tst", 0, text, sizeof text);
    ck_assert_str_eq(text, "W.tst:4: stopped this loop after 1000000000 rounds that ran no instruction: a loop that "
                           "never ends? (the default bound: --cycles N to change it)\n");
    stopped.limit = 77;
    hack_script_explain(&stopped, "W.tst", 77, text, sizeof text);
    ck_assert_str_eq(text, "W.tst:4: stopped this loop after 77 rounds that ran no instruction: a loop that never "
                           "ends? (the bound --cycles N sets: a larger N lifts it)\n");
}
END_TEST

/* The options' command limit, for a caller that must bound every run's time (a fuzzer): every command and
 * round counts, in a repeat with a count too. */
START_TEST(command_limit_when_asked)
{
    static const char text[] = "set RAM[0] 1,\nrepeat 100 { tock; }";
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_script *script = hack_script_parse("t.tst", text, strlen(text), &diags);
    ck_assert_ptr_nonnull(script);
    hack_machine *machine = hack_machine_create();
    hack_script_options options = {.script_dir = TEST_WORK_DIR, .command_limit = 10};
    hack_script_result result;
    ck_assert_int_eq(hack_script_run(script, machine, &options, &result, &diags), HACK_SCRIPT_COMMAND_LIMIT);
    ck_assert_int_eq(result.script_line, 2);
    ck_assert_uint_eq(result.limit, 10);
    char verdict[200];
    hack_script_explain(&result, "t.tst", 0, verdict, sizeof verdict);
    ck_assert_str_eq(verdict, "t.tst:2: stopped after 10 script commands (the run's command limit)\n");
    options.command_limit = 0;
    ck_assert_int_eq(hack_script_run(script, machine, &options, &result, &diags), HACK_SCRIPT_PASSED);
    hack_machine_destroy(machine);
    hack_script_free(script);
    hack_diag_list_free(&diags);
}
END_TEST

START_TEST(load_dir_first_and_hack_from_asm)
{
    write_file("count.asm", count_asm);
    write_file("sub/count.asm", "@R0\nM=-1\n(E)\n@E\n0;JMP\n");
    hack_script_result result;
    /* sub/ holds a different count.asm: with load_dir it wins */
    ck_assert_int_eq(run_script("load count.hack, set RAM[0] 0, repeat 10 { ticktock; } "
                                "output-file o.out, output-list RAM[0]%D1.6.1; output;",
                                &result, 0, work_path("sub")),
                     HACK_SCRIPT_PASSED);
    FILE *out = fopen(work_path("o.out"), "r");
    char line[100];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, out));
    ck_assert_str_eq(line, "|     -1 |\n");
    fclose(out);
    ck_assert_int_eq(run_script("load missing.asm;", &result, 0, NULL), HACK_SCRIPT_ERROR);
    ck_assert_int_eq(run_script("output;", &result, 0, NULL), HACK_SCRIPT_ERROR);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("script");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, decimal_format);
    tcase_add_test(tc, binary_hex_string_formats);
    tcase_add_test(tc, header_centring);
    tcase_add_test(tc, line_matching);
    suite_add_tcase(suite, tc);
    tc = tcase_create("parse");
    tcase_add_test(tc, parse_errors_are_located);
    tcase_add_test(tc, accepts_the_language);
    suite_add_tcase(suite, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, script_passes_and_writes_out_file);
    tcase_add_test(tc, wrong_value_fails_at_its_line);
    tcase_add_test(tc, long_lines_say_where_they_differ);
    tcase_add_test(tc, while_breakpoint_limit_and_fault);
    tcase_add_test(tc, breakpoints_at_full_speed_report_as_step_by_step);
    tcase_add_test(tc, loops_that_may_never_end_are_bounded_by_the_cycle_limit);
    tcase_add_test(tc, command_limit_when_asked);
    tcase_add_test(tc, load_dir_first_and_hack_from_asm);
    suite_add_tcase(suite, tc);
    return suite;
}
