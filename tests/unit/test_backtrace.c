/* Call stacks (hack_backtrace) of a Jack program, at every instruction it runs: Jack lines everywhere, and a
 * PC inside the translator's shared routines (call, return, eq/gt/lt, call stubs) shown as the command that
 * jumped there, never as "?" or a routine's ROM address. The program map is also written to a .sym and read
 * back, and the call stacks from it must be the same. */
#include "hack/backtrace.h"
#include "hack/jack.h"
#include "hack/machine.h"
#include "hack/vm.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line numbers below are counted in these texts. */
static const char main_jack[] = "class Main {\n"                                    /* 1 */
                                "    static int total;\n"                           /* 2 */
                                "\n"                                                /* 3 */
                                "    function void main() {\n"                      /* 4 */
                                "        var int i;\n"                              /* 5 */
                                "        let i = 0;\n"                              /* 6 */
                                "        while (i < 4) {\n"                         /* 7 */
                                "            let total = total + Main.twice(i);\n"  /* 8 */
                                "            let i = i + 1;\n"                      /* 9 */
                                "        }\n"                                       /* 10 */
                                "        do Main.leaf();\n"                         /* 11 */
                                "        let total = total + Main.twice(1) + Main.twice(2);\n" /* 12 */
                                "        let total = total + Main.sum(4);\n"        /* 13 */
                                "        return;\n"                                 /* 14 */
                                "    }\n"                                           /* 15 */
                                "\n"                                                /* 16 */
                                "    function int twice(int x) {\n"                 /* 17 */
                                "        if (x > 2) {\n"                            /* 18 */
                                "            return x + x;\n"                       /* 19 */
                                "        }\n"                                       /* 20 */
                                "        if (x = 0) {\n"                            /* 21 */
                                "            return 0;\n"                           /* 22 */
                                "        }\n"                                       /* 23 */
                                "        return Main.add(x, x);\n"                  /* 24 */
                                "    }\n"                                           /* 25 */
                                "\n"                                                /* 26 */
                                "    function int add(int a, int b) {\n"            /* 27 */
                                "        return a + b;\n"                           /* 28 */
                                "    }\n"                                           /* 29 */
                                "\n"                                                /* 30 */
                                "    function void leaf() {\n"                      /* 31 */
                                "        return;\n"                                 /* 32 */
                                "    }\n"                                           /* 33 */
                                "\n"                                                /* 34 */
                                "    function int sum(int n) {\n"                   /* 35 */
                                "        if (n < 2) {\n"                            /* 36 */
                                "            return 1;\n"                           /* 37 */
                                "        }\n"                                       /* 38 */
                                "        return n + Main.sum(n - 1);\n"             /* 39 */
                                "    }\n"                                           /* 40 */
                                "}\n";

static const char sys_jack[] = "class Sys {\n"                 /* 1 */
                               "    function void init() {\n"  /* 2 */
                               "        do Main.main();\n"     /* 3 */
                               "        while (true) {}\n"     /* 4 */
                               "    }\n"                       /* 5 */
                               "}\n";

static hack_machine *machine;
static hack_program program, reread;

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert_ptr_nonnull(machine);
    ck_assert(hack_program_init(&program));
    ck_assert(hack_program_init(&reread));
}

static void teardown(void)
{
    hack_machine_destroy(machine);
    hack_program_free(&program);
    hack_program_free(&reread);
}

/* Compiles the two classes in memory (as tools/build does) and translates them with the bootstrap. */
static void build(void)
{
    hack_jack_sources jack = {0};
    ck_assert(hack_jack_sources_add(&jack, "dir/Main.jack", main_jack, strlen(main_jack)));
    ck_assert(hack_jack_sources_add(&jack, "dir/Sys.jack", sys_jack, strlen(sys_jack)));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_jack_outputs outputs = {0};
    ck_assert(hack_jack_compile(&jack, &outputs, &diags));
    hack_vm_sources sources = {0};
    const char *vm_paths[] = {"dir/Main.vm", "dir/Sys.vm"};
    for (size_t i = 0; i < outputs.count; i++) {
        ck_assert(hack_vm_sources_add(&sources, vm_paths[i], outputs.items[i].vm, outputs.items[i].vm_length));
        ck_assert(hack_sources_set_origin(&sources, i, jack.items[i].path, outputs.items[i].positions,
                                          outputs.items[i].position_count));
    }
    hack_vm_options options = {.bootstrap = true, .require_functions = true};
    ck_assert(hack_vm_build(&sources, &options, "dir", &program, &diags));
    ck_assert_uint_eq(diags.error_count, 0);
    hack_diag_list_free(&diags);
    hack_jack_outputs_free(&outputs);
    hack_jack_sources_free(&jack);
    hack_vm_sources_free(&sources);
}

static uint16_t function_entry(const char *name)
{
    const hack_symbol *symbol = hack_symtab_find(&program.symbols, name, strlen(name));
    ck_assert_ptr_nonnull(symbol);
    return symbol->value;
}

START_TEST(jackc_records_a_place_for_every_vm_line)
{
    hack_jack_sources jack = {0};
    ck_assert(hack_jack_sources_add(&jack, "Main.jack", main_jack, strlen(main_jack)));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_jack_outputs outputs = {0};
    ck_assert(hack_jack_compile(&jack, &outputs, &diags));
    const hack_jack_output *out = &outputs.items[0];
    ck_assert_ptr_nonnull(out->vm);
    size_t vm_lines = 0;
    for (size_t i = 0; i < out->vm_length; i++) vm_lines += out->vm[i] == '\n';
    ck_assert_uint_eq(out->position_count, vm_lines);
    /* the first command is the function of line 4; "call Main.sum 1" is at line 13, column 29 */
    ck_assert_uint_eq(out->positions[0].line, 4);
    const char *call = strstr(out->vm, "call Main.sum 1");
    ck_assert_ptr_nonnull(call);
    size_t line_index = 0;
    for (const char *c = out->vm; c < call; c++) line_index += *c == '\n';
    ck_assert_uint_eq(out->positions[line_index].line, 13);
    ck_assert_uint_eq(out->positions[line_index].column, 29);
    for (size_t i = 0; i < out->position_count; i++) ck_assert_uint_ne(out->positions[i].line, 0);
    /* the map jackc --map writes */
    size_t length;
    char *text = hack_jack_map_text("some/dir/Main.jack", out, &length);
    ck_assert_ptr_nonnull(text);
    char header[80];
    snprintf(header, sizeof header, "jack-map 1 Main.jack %zu %08x\n1 4 5\n", vm_lines,
             (unsigned)hack_jack_map_hash(out->vm, out->vm_length));
    ck_assert(strncmp(text, header, strlen(header)) == 0);
    ck_assert_uint_eq(hack_jack_map_hash("", 0), 2166136261u);
    ck_assert_uint_eq(hack_jack_map_hash("a", 1), 0xe40c292cu);
    free(text);
    hack_jack_outputs_free(&outputs);
    hack_jack_sources_free(&jack);
    hack_diag_list_free(&diags);
}
END_TEST

START_TEST(backtrace_at_every_instruction)
{
    build();
    /* the same map through a .sym file */
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    const char *sym = TEST_WORK_DIR "/backtrace.sym";
    ck_assert(hack_program_write_symbols(&program, sym, &diags));
    ck_assert(hack_program_read_symbols(&reread, sym, &diags));
    hack_diag_list_free(&diags);
    memcpy(reread.words, program.words, program.count * sizeof *program.words);
    reread.count = program.count;

    hack_machine_load(machine, program.words, program.count);
    hack_run_result result = hack_machine_run(machine, 1000000);
    ck_assert_int_eq(result.reason, HACK_STOP_HALT);
    const uint64_t cycles = result.cycles;
    ck_assert_uint_eq(machine->ram[16], 0 + 2 + 4 + 6 + 2 + 4 + (4 + 3 + 2 + 1)); /* Main.0, total */

    memset(machine->ram, 0, HACK_RAM_SIZE * sizeof machine->ram[0]);
    hack_machine_load(machine, program.words, program.count);
    const uint16_t sum = function_entry("Main.sum");
    char text[4096], again[4096], outside[4096] = "";
    bool seen[HACK_ROUTINE_COUNT] = {false};
    int deepest = 0;
    for (uint64_t cycle = 0; cycle < cycles; cycle++) {
        const uint16_t pc = machine->pc;
        const hack_routine routine = (hack_routine)program.locations[pc].routine;
        seen[routine] = true;
        size_t length = hack_backtrace(machine, &program, text, sizeof text);
        ck_assert_uint_eq(length, strlen(text));
        ck_assert_msg(length > 0 && text[length - 1] == '\n', "cycle %llu: '%s'", (unsigned long long)cycle, text);
        ck_assert_msg(!strchr(text, '?') && !strstr(text, "$$") && !strstr(text, "ROM") &&
                          !strstr(text, ".vm:") && !strstr(text, "shared code") && !strstr(text, "..."),
                      "cycle %llu, PC %u: '%s'", (unsigned long long)cycle, (unsigned)pc, text);
        hack_backtrace(machine, &reread, again, sizeof again);
        ck_assert_str_eq(again, text);
        if (routine >= HACK_ROUTINE_SITE_IN_D) {
            /* inside a routine: the call stack of the command that jumped there, unchanged */
            ck_assert_msg(strcmp(text, outside) == 0, "cycle %llu, PC %u in routine state %d:\n%s\nexpected:\n%s",
                          (unsigned long long)cycle, (unsigned)pc, (int)routine, text, outside);
        } else {
            memcpy(outside, text, length + 1);
        }
        if (pc == sum && machine->ram[machine->ram[2]] == 1) {
            deepest++;
            ck_assert_str_eq(text, "  in Main.sum (Main.jack:36)\n"
                                   "  called from Main.sum (Main.jack:39)\n"
                                   "  called from Main.sum (Main.jack:39)\n"
                                   "  called from Main.sum (Main.jack:39)\n"
                                   "  called from Main.main (Main.jack:13)\n"
                                   "  called from Sys.init (Sys.jack:3)\n");
            /* too small a buffer: whole lines, then "  ..." */
            char small[100];
            size_t n = hack_backtrace(machine, &program, small, sizeof small);
            ck_assert_str_eq(small, "  in Main.sum (Main.jack:36)\n"
                                    "  called from Main.sum (Main.jack:39)\n"
                                    "  ...\n");
            ck_assert_uint_eq(n, strlen(small));
        }
        ck_assert(hack_machine_step(machine));
    }
    ck_assert_int_eq(deepest, 1);
    for (int r = HACK_ROUTINE_BOOTSTRAP; r < HACK_ROUTINE_COUNT; r++)
        if (r != HACK_ROUTINE_END) ck_assert_msg(seen[r], "routine state %d never ran", r);
}
END_TEST

START_TEST(an_overwritten_r13_is_said_not_guessed)
{
    build();
    hack_machine_load(machine, program.words, program.count);
    /* run into the return routine of Main.leaf, past its first two words, then spoil R13 */
    const uint16_t leaf = function_entry("Main.leaf");
    while (machine->pc != leaf) ck_assert(hack_machine_step(machine));
    while (program.locations[machine->pc].routine != HACK_ROUTINE_SITE_IN_R13) ck_assert(hack_machine_step(machine));
    char text[1000];
    hack_backtrace(machine, &program, text, sizeof text);
    ck_assert_str_eq(text, "  in Main.leaf (Main.jack:32)\n"
                           "  called from Main.main (Main.jack:11)\n"
                           "  called from Sys.init (Sys.jack:3)\n");
    machine->ram[13] = 40000;
    hack_backtrace(machine, &program, text, sizeof text);
    ck_assert_msg(strstr(text, "whose caller cannot be told: R13 = 40000") != NULL, "%s", text);
}
END_TEST

/* A place is described alone ("Main.leaf (Main.jack:32)", no lead, no newline), and one too long for its buffer is
 * cut there, not left out: a function of 300 characters in machine code (no program map). */
START_TEST(a_place_is_described_alone_and_cut_to_fit)
{
    build();
    hack_machine_load(machine, program.words, program.count);
    const uint16_t leaf = function_entry("Main.leaf");
    char place[200];
    hack_backtrace_describe(&program, leaf, place, sizeof place);
    ck_assert_str_eq(place, "Main.leaf (Main.jack:32)"); /* (its entry: at its first statement, line 32) */
    hack_program bare;
    ck_assert(hack_program_init(&bare));
    char name[301];
    memset(name, 'x', 300);
    memcpy(name, "Long.", 5);
    name[300] = '\0';
    ck_assert(hack_symtab_add(&bare.symbols, name, 300, 0, HACK_SYMBOL_FUNCTION, 0));
    ck_assert_uint_eq(hack_backtrace_describe(&bare, 3, place, 40), 39);
    ck_assert_str_eq(place, "Long.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    char whole[400];
    hack_backtrace_describe(&bare, 3, whole, sizeof whole);
    ck_assert_uint_eq(strlen(whole), 300 + strlen(" (ROM 3)"));
    ck_assert_str_eq(whole + 300, " (ROM 3)");
    hack_program_free(&bare);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("backtrace");
    TCase *tc = tcase_create("jack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, jackc_records_a_place_for_every_vm_line);
    tcase_add_test(tc, backtrace_at_every_instruction);
    tcase_add_test(tc, an_overwritten_r13_is_said_not_guessed);
    tcase_add_test(tc, a_place_is_described_alone_and_cut_to_fit);
    suite_add_tcase(suite, tc);
    return suite;
}
