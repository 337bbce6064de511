/* The tools' command lines read from one table (hack/cli_options.h): each kind of value, ranges, trailing
 * garbage, unknown options and their suggestions, the order of operands, and the usage made from the table. */
#include "hack/cli_options.h"
#include "test_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a made-up tool's command line sets. */
typedef struct {
    bool quiet, verbose, heap_given;
    int bootstrap, scale, heap, check;
    uint64_t cycles;
    double seconds;
    const char *output, *classes;
    const char *sets[2], *operands[1];
    int set_count, operand_count;
} values;

static bool only_letters(const char *value, char *why, size_t size)
{
    for (const char *p = value; *p; p++)
        if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z')) {
            snprintf(why, size, "'%s' is not a name", value);
            return false;
        }
    return true;
}

static const hack_cli_choice heap_choices[] = {{"first-fit", 1, NULL, false}, {"best-fit", 2, NULL, false}, {0}};
static const hack_cli_choice check_choices[] = {
    {NULL, 1, "check everything", true}, {"no-leaks", 2, "check, but not for leaks", false}, {0}};

static values v;
static hack_cli_option table[32];
static hack_cli_spec spec = {"usage: tool [options] FILE\nDoes things.\n", table, 16};

static void setup(void)
{
    memset(&v, 0, sizeof v);
    v.bootstrap = -1;
    const hack_cli_option rows[] = {
        {.kind = HACK_CLI_TEXT, .help = "Running:"},
        {"quiet", 'q', HACK_CLI_FLAG, .help = "say less", .flag = &v.quiet},
        {NULL, 'v', HACK_CLI_FLAG, .help = "say more", .flag = &v.verbose},
        {"bootstrap", 0, HACK_CLI_SET, .help = "add it", .integer = &v.bootstrap, .value = 1},
        {"no-bootstrap", 0, HACK_CLI_SET, .help = "leave it out", .integer = &v.bootstrap, .value = 0},
        {"cycles", 0, HACK_CLI_U64, "N", "stop after N\ninstructions", .u64 = &v.cycles, .min = 1, .max = UINT64_MAX},
        {"scale", 0, HACK_CLI_INT, "N", "N x N pixels", .integer = &v.scale, .min = 1, .max = 8},
        {"quit-after", 0, HACK_CLI_SECONDS, "S", "close after S seconds", .seconds = &v.seconds, .min = 0, .max = 100},
        {NULL, 'o', HACK_CLI_STRING, "FILE", "write to FILE", .string = &v.output},
        {"jack", 0, HACK_CLI_STRING, "=CLASS,...", "keep these in Jack", .string = &v.classes, .check = only_letters},
        {"set", 0, HACK_CLI_LIST, "ADDR=VALUE", "put a value", .items = v.sets, .count = &v.set_count, .capacity = 2},
        {.kind = HACK_CLI_TEXT, .help = "\nThe heap:"},
        {"heap", 0, HACK_CLI_CHOICE, "=POLICY", "the policy", .integer = &v.heap, .choices = heap_choices,
         .seen = &v.heap_given},
        {"check-heap", 0, HACK_CLI_CHOICE, .integer = &v.check, .choices = check_choices},
        {"hidden", 0, HACK_CLI_FLAG, .flag = &v.verbose},
        {"test-memory", 0, HACK_CLI_SEE, .arg = "FOLDER...", .help = "grade a class"},
        {"cycles", 0, HACK_CLI_SEE, .arg = "N", .help = "in the window: pause at N"},
        {.kind = HACK_CLI_OPERANDS, .arg = "program", .items = v.operands, .count = &v.operand_count, .capacity = 1},
        {"version", 0, HACK_CLI_VERSION, .help = "print the version"},
        {"help", 'h', HACK_CLI_HELP, .help = "show this help"},
        {.kind = HACK_CLI_TEXT, .help = "Exit status: 0."},
        {0}};
    memcpy(table, rows, sizeof rows);
}

static char error[300];

/* Parses the arguments given (after the tool's name), ended by NULL. */
static hack_cli_action parse(const char *first, ...)
{
    char *argv[40] = {"tool"};
    int argc = 1;
    va_list args;
    va_start(args, first);
    for (const char *a = first; a && argc < 39; a = va_arg(args, const char *)) argv[argc++] = (char *)a;
    va_end(args);
    argv[argc] = NULL;
    return hack_cli_parse(&spec, argc, argv, error, sizeof error);
}

static void refused(const char *expected, hack_cli_action action)
{
    ck_assert_int_eq(action, HACK_CLI_ERROR);
    ck_assert_str_eq(error, expected);
}

START_TEST(every_kind_stored)
{
    ck_assert_int_eq(parse("-q", "--cycles", "123", "--scale=8", "--quit-after", "2.5", "-o", "out.hack",
                           "--jack=Output", "--set", "R0=1", "--set", "R1=2", "--heap", "best-fit",
                           "--check-heap=no-leaks", "--no-bootstrap", "prog.asm", NULL),
                     HACK_CLI_RUN);
    ck_assert(v.quiet && !v.verbose);
    ck_assert_uint_eq(v.cycles, 123);
    ck_assert_int_eq(v.scale, 8);
    ck_assert(v.seconds == 2.5);
    ck_assert_str_eq(v.output, "out.hack");
    ck_assert_str_eq(v.classes, "Output");
    ck_assert_int_eq(v.set_count, 2);
    ck_assert_str_eq(v.sets[0], "R0=1");
    ck_assert_str_eq(v.sets[1], "R1=2");
    ck_assert_int_eq(v.heap, 2);
    ck_assert(v.heap_given);
    ck_assert_int_eq(v.check, 2);
    ck_assert_int_eq(v.bootstrap, 0);
    ck_assert_int_eq(v.operand_count, 1);
    ck_assert_str_eq(v.operands[0], "prog.asm");
}
END_TEST

START_TEST(defaults_and_bare_values)
{
    ck_assert_int_eq(parse("--check-heap", "--bootstrap", "x", NULL), HACK_CLI_RUN);
    ck_assert_int_eq(v.check, 1); /* the value is optional: alone it is the bare choice */
    ck_assert_int_eq(v.bootstrap, 1);
    ck_assert(!v.heap_given && v.heap == 0 && v.cycles == 0 && !v.output);
    setup();
    ck_assert_int_eq(parse("x", NULL), HACK_CLI_RUN);
    ck_assert_int_eq(v.bootstrap, -1); /* untouched when not given */
}
END_TEST

START_TEST(letters_together_and_attached_values)
{
    ck_assert_int_eq(parse("-qv", "-oout.hack", "x", NULL), HACK_CLI_RUN);
    ck_assert(v.quiet && v.verbose);
    ck_assert_str_eq(v.output, "out.hack");
    setup();
    ck_assert_int_eq(parse("-vo", "o.hack", "x", NULL), HACK_CLI_RUN);
    ck_assert(v.verbose);
    ck_assert_str_eq(v.output, "o.hack");
}
END_TEST

START_TEST(numbers_checked_whole_and_in_range)
{
    refused("--scale takes a whole number from 1 to 8, not '12abc'", parse("--scale", "12abc", "x", NULL));
    setup();
    refused("--scale takes a whole number from 1 to 8, not '9'", parse("--scale", "9", NULL));
    setup();
    refused("--scale takes a whole number from 1 to 8, not '0'", parse("--scale=0", NULL));
    setup();
    refused("--scale takes a whole number from 1 to 8, not '-5'", parse("--scale", "-5", NULL));
    setup();
    refused("--scale takes a whole number from 1 to 8, not ' 5'", parse("--scale", " 5", NULL));
    setup();
    refused("--scale takes a whole number from 1 to 8, not ''", parse("--scale=", NULL));
    setup();
    refused("--cycles takes a whole number from 1 up (below 2^64), not '18446744073709551616'",
            parse("--cycles", "18446744073709551616", NULL));
    setup();
    ck_assert_int_eq(parse("--cycles", "18446744073709551615", NULL), HACK_CLI_RUN);
    ck_assert_uint_eq(v.cycles, UINT64_MAX);
    setup();
    refused("--quit-after takes a number of seconds from 0 to 100, not '1.5s'", parse("--quit-after", "1.5s", NULL));
    setup();
    refused("--quit-after takes a number of seconds from 0 to 100, not 'nan'", parse("--quit-after", "nan", NULL));
    setup();
    refused("--quit-after takes a number of seconds from 0 to 100, not '100.5'", parse("--quit-after", "100.5", NULL));
    setup();
    ck_assert_int_eq(parse("--quit-after", ".5", NULL), HACK_CLI_RUN);
    ck_assert(v.seconds == 0.5);
}
END_TEST

START_TEST(whole_numbers)
{
    uint64_t n = 7;
    ck_assert(hack_cli_whole_number("0", 0, 10, &n) && n == 0);
    ck_assert(hack_cli_whole_number("10", 0, 10, &n) && n == 10);
    ck_assert(!hack_cli_whole_number("11", 0, 10, &n) && n == 10);
    ck_assert(!hack_cli_whole_number("+1", 0, 10, &n));
    ck_assert(!hack_cli_whole_number("1 ", 0, 10, &n));
    ck_assert(!hack_cli_whole_number("0x1", 0, 10, &n));
    ck_assert(!hack_cli_whole_number(NULL, 0, 10, &n));
}
END_TEST

START_TEST(values_refused)
{
    refused("--heap takes first-fit or best-fit, not 'bestfit' (did you mean 'best-fit'?)",
            parse("--heap=bestfit", NULL));
    setup();
    refused("--heap takes first-fit or best-fit, not 'worst'", parse("--heap", "worst", NULL));
    setup();
    refused("--check-heap takes no-leaks, not 'leaks'", parse("--check-heap=leaks", NULL));
    setup();
    refused("--jack: 'Out put' is not a name", parse("--jack=Out put", NULL));
    setup();
    refused("at most 2 uses of --set", parse("--set", "a", "--set", "b", "--set", "c", NULL));
    setup();
    refused("--cycles needs a value (N)", parse("x", "--cycles", NULL));
    setup();
    refused("-o needs a value (FILE)", parse("x", "-o", NULL));
    setup();
    refused("--jack needs a value (CLASS,...)", parse("--jack", NULL));
    setup();
    refused("--quiet takes no value ('--quiet=yes')", parse("--quiet=yes", NULL));
}
END_TEST

START_TEST(unknown_options)
{
    refused("unknown option '--bogus'", parse("--bogus", "x", NULL));
    setup();
    refused("unknown option '--qiuet' (did you mean '--quiet'?)", parse("--qiuet", NULL));
    setup();
    refused("unknown option '--Scale=2' (did you mean '--scale'?)", parse("--Scale=2", NULL));
    setup();
    /* the rows that only document an option are suggested too (hackemu's --test-memory is read before) */
    refused("unknown option '--test-memroy' (did you mean '--test-memory'?)", parse("--test-memroy", NULL));
    setup();
    refused("unknown option '-x'", parse("-x", NULL));
    setup();
    refused("unknown option '-qx'", parse("-qx", NULL));
    setup();
    /* a long name after one dash is not -h followed by other letters: no help, an error */
    refused("unknown option '-help' (did you mean '--help'?)", parse("-help", NULL));
    setup();
    refused("unknown option '-cycles' (did you mean '--cycles'?)", parse("-cycles", "5", NULL));
    setup();
    refused("unknown option '-quiet' (did you mean '--quiet'?)", parse("-quiet", NULL));
    ck_assert(!v.quiet); /* nothing of it was taken */
    setup();
    refused("ambiguous option '--s': it could be --scale or --set", parse("--s", "1", NULL));
    setup();
    refused("ambiguous option '--c': it could be --cycles or --check-heap", parse("--c=1", NULL));
    setup();
    /* a start of one name is that option (getopt_long's way) */
    ck_assert_msg(parse("--quie", "--cyc", "5", NULL) == HACK_CLI_RUN, "%s", error);
    ck_assert(v.quiet);
    ck_assert_uint_eq(v.cycles, 5);
}
END_TEST

START_TEST(operands_in_order)
{
    refused("one program at a time ('a.asm' and 'b.asm')", parse("a.asm", "-q", "b.asm", NULL));
    ck_assert(v.quiet); /* read in order: -q came before b.asm */
    setup();
    ck_assert_int_eq(parse("-q", "--", "-file-", NULL), HACK_CLI_RUN);
    ck_assert_str_eq(v.operands[0], "-file-");
    setup();
    ck_assert_int_eq(parse("-", NULL), HACK_CLI_RUN);
    ck_assert_str_eq(v.operands[0], "-");
    setup();
    refused("one program at a time ('a' and 'b')", parse("a", "--", "b", NULL));
    setup();
    /* a value is taken whole, even one that looks like an option */
    ck_assert_int_eq(parse("-o", "--quiet", "x", NULL), HACK_CLI_RUN);
    ck_assert_str_eq(v.output, "--quiet");
    ck_assert(!v.quiet);
}
END_TEST

START_TEST(no_operands_allowed)
{
    hack_cli_option rows[] = {{"quiet", 'q', HACK_CLI_FLAG, .flag = &v.quiet}, {0}};
    hack_cli_spec small = {"usage: small\n", rows, 10};
    char *argv[] = {"small", "-q", "file", NULL};
    ck_assert_int_eq(hack_cli_parse(&small, 3, argv, error, sizeof error), HACK_CLI_ERROR);
    ck_assert_str_eq(error, "unexpected argument 'file'");
}
END_TEST

START_TEST(help_and_version_answered_where_met)
{
    ck_assert_int_eq(parse("x", "--help", "--bogus", NULL), HACK_CLI_SHOW_HELP);
    setup();
    ck_assert_int_eq(parse("-h", NULL), HACK_CLI_SHOW_HELP);
    setup();
    ck_assert_int_eq(parse("--version", "--scale", "100", NULL), HACK_CLI_SHOW_VERSION);
    setup();
    /* an error before them is the answer */
    refused("--scale takes a whole number from 1 to 8, not '100'", parse("--scale", "100", "--help", NULL));
    setup();
    /* a fresh parse each time: what an earlier one read is not carried over */
    ck_assert_int_eq(parse("-q", NULL), HACK_CLI_RUN);
    ck_assert_int_eq(parse("-v", NULL), HACK_CLI_RUN);
    ck_assert_int_eq(parse("-qv", NULL), HACK_CLI_RUN);
}
END_TEST

START_TEST(usage_made_from_the_table)
{
    char *text = hack_cli_usage(&spec);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "usage: tool [options] FILE\n"
                           "Does things.\n"
                           "Running:\n"
                           "  -q, --quiet   say less\n"
                           "  -v            say more\n"
                           "  --bootstrap   add it\n"
                           "  --no-bootstrap  leave it out\n"
                           "  --cycles N    stop after N\n"
                           "                instructions\n"
                           "  --scale N     N x N pixels\n"
                           "  --quit-after S  close after S seconds\n"
                           "  -o FILE       write to FILE\n"
                           "  --jack=CLASS,...  keep these in Jack\n"
                           "  --set ADDR=VALUE  put a value\n"
                           "\n"
                           "The heap:\n"
                           "  --heap=POLICY the policy\n"
                           "  --check-heap  check everything\n"
                           "  --check-heap=no-leaks  check, but not for leaks\n"
                           "  --test-memory FOLDER...  grade a class\n"
                           "  --cycles N    in the window: pause at N\n"
                           "  --version     print the version\n"
                           "  -h, --help    show this help\n"
                           "Exit status: 0.\n");
    free(text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cli_options");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, every_kind_stored);
    tcase_add_test(tc, defaults_and_bare_values);
    tcase_add_test(tc, letters_together_and_attached_values);
    tcase_add_test(tc, numbers_checked_whole_and_in_range);
    tcase_add_test(tc, whole_numbers);
    tcase_add_test(tc, values_refused);
    tcase_add_test(tc, unknown_options);
    tcase_add_test(tc, operands_in_order);
    tcase_add_test(tc, no_operands_allowed);
    tcase_add_test(tc, help_and_version_answered_where_met);
    tcase_add_test(tc, usage_made_from_the_table);
    suite_add_tcase(s, tc);
    return s;
}
