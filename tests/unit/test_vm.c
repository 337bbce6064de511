/* The VM translator, judged by running its code on the core and checking the machine against the VM's
 * semantics (computed here), never by comparing assembly text. */
#include "hack/machine.h"
#include "hack/strbuf.h"
#include "hack/vm.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hack_machine *machine;
static hack_program program;

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert(hack_program_init(&program));
}

static void teardown(void)
{
    hack_machine_destroy(machine);
    hack_program_free(&program);
}

/* Translates the files (name, text pairs; NULL-terminated) into program and loads it, the RAM at -1. */
static void build_and_load(const char *const *files, bool bootstrap)
{
    hack_vm_sources sources = {0};
    for (; files[0]; files += 2) ck_assert(hack_vm_sources_add(&sources, files[0], files[1], strlen(files[1])));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    hack_vm_options options = {.bootstrap = bootstrap, .require_functions = bootstrap};
    bool ok = hack_vm_build(&sources, &options, "test.asm", &program, &diags);
    hack_diag_list_print(stderr, &diags);
    ck_assert(ok);
    hack_diag_list_free(&diags);
    hack_vm_sources_free(&sources);
    for (int i = 0; i < HACK_RAM_SIZE; i++) machine->ram[i] = 0xFFFF;
    hack_machine_load(machine, program.words, program.count);
}

/* Builds and loads the files, sets SP=256, LCL=300, ARG=400, THIS=3000, THAT=3010, and runs to the halt
 * loop after the last command. */
static uint64_t run_files(const char *const *files, bool bootstrap)
{
    build_and_load(files, bootstrap);
    machine->ram[0] = 256;
    machine->ram[1] = 300;
    machine->ram[2] = 400;
    machine->ram[3] = 3000;
    machine->ram[4] = 3010;
    hack_run_result result = hack_machine_run(machine, 10000000);
    ck_assert_msg(result.reason == HACK_STOP_HALT, "did not reach the halt loop (reason %d)", (int)result.reason);
    return result.cycles;
}

static uint64_t run_vm(const char *text)
{
    const char *files[] = {"Test.vm", text, NULL};
    return run_files(files, false);
}

static int16_t word_at(int address)
{
    uint16_t v = machine->ram[address];
    return (int16_t)(v >= 0x8000 ? (int)v - 0x10000 : (int)v);
}

/* VM code that pushes any 16-bit value: push constant for v >= 0, else the complement of -v-1. */
static void push_value(char *buf, size_t size, int v)
{
    if (v >= 0)
        snprintf(buf, size, "push constant %d\n", v);
    else
        snprintf(buf, size, "push constant %d\nnot\n", -v - 1);
}

static const int edge_values[] = {0, 1, -1, 2, -2, 100, -100, 32767, -32767, -32768, 16384, -16384};
enum { EDGE_COUNT = sizeof edge_values / sizeof edge_values[0] };

static int wrap(int v)
{
    v &= 0xFFFF;
    return v >= 0x8000 ? v - 0x10000 : v;
}

START_TEST(arithmetic_and_comparisons_on_edge_values)
{
    static const char *const ops[] = {"add", "sub", "and", "or", "eq", "gt", "lt"};
    for (size_t op = 0; op < sizeof ops / sizeof ops[0]; op++) {
        /* one program per operator: every pair, each result popped into consecutive RAM from 5000 */
        static char text[200000];
        size_t at = 0;
        text[0] = '\0';
        at += (size_t)snprintf(text + at, sizeof text - at, "push constant 5000\npop pointer 1\n");
        int index = 0;
        for (int i = 0; i < EDGE_COUNT; i++)
            for (int j = 0; j < EDGE_COUNT; j++) {
                char x[64], y[64];
                push_value(x, sizeof x, edge_values[i]);
                push_value(y, sizeof y, edge_values[j]);
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s%s\npop that %d\n", x, y, ops[op], index++);
            }
        run_vm(text);
        index = 0;
        for (int i = 0; i < EDGE_COUNT; i++)
            for (int j = 0; j < EDGE_COUNT; j++) {
                int x = edge_values[i], y = edge_values[j], expected = 0;
                switch (op) {
                case 0: expected = wrap(x + y); break;
                case 1: expected = wrap(x - y); break;
                case 2: expected = wrap(x & y); break;
                case 3: expected = wrap(x | y); break;
                case 4: expected = x == y ? -1 : 0; break;
                case 5: expected = x > y ? -1 : 0; break; /* true integer order: no overflow */
                case 6: expected = x < y ? -1 : 0; break;
                }
                ck_assert_msg(word_at(5000 + index) == expected, "%d %s %d = %d, expected %d", x, ops[op], y,
                              word_at(5000 + index), expected);
                index++;
            }
        ck_assert_int_eq(word_at(0), 256); /* the stack is back where it started */
    }
}
END_TEST

START_TEST(unary_operators)
{
    static char text[20000];
    size_t at = (size_t)snprintf(text, sizeof text, "push constant 5000\npop pointer 1\n");
    for (int i = 0; i < EDGE_COUNT; i++) {
        char x[64];
        push_value(x, sizeof x, edge_values[i]);
        at += (size_t)snprintf(text + at, sizeof text - at, "%sneg\npop that %d\n%snot\npop that %d\n", x, 2 * i, x,
                               2 * i + 1);
    }
    run_vm(text);
    for (int i = 0; i < EDGE_COUNT; i++) {
        ck_assert_int_eq(word_at(5000 + 2 * i), wrap(-edge_values[i]));
        ck_assert_int_eq(word_at(5000 + 2 * i + 1), wrap(-edge_values[i] - 1));
    }
}
END_TEST

START_TEST(every_segment_push_and_pop)
{
    /* pop a distinct value into each segment slot, then push them all back and sum them into temp 0 */
    static const struct {
        const char *segment;
        int base; /* RAM address of index 0 (THIS/THAT after the pointer pops below) */
        int indices[4];
    } segments[] = {
        {"local", 300, {0, 1, 5, 9}},  {"argument", 400, {0, 2, 6, 20}}, {"this", 3000, {0, 1, 2, 40}},
        {"that", 3010, {0, 3, 7, 100}}, {"temp", 5, {1, 2, 6, 7}},
    };
    static char text[20000];
    size_t at = 0;
    int value = 11, expected_sum = 0;
    for (size_t s = 0; s < sizeof segments / sizeof segments[0]; s++)
        for (int k = 0; k < 4; k++) {
            at += (size_t)snprintf(text + at, sizeof text - at, "push constant %d\npop %s %d\n", value,
                                   segments[s].segment, segments[s].indices[k]);
            expected_sum += value;
            value += 7;
        }
    at += (size_t)snprintf(text + at, sizeof text - at, "push constant 0\n");
    for (size_t s = 0; s < sizeof segments / sizeof segments[0]; s++)
        for (int k = 0; k < 4; k++)
            at += (size_t)snprintf(text + at, sizeof text - at, "push %s %d\nadd\n", segments[s].segment,
                                   segments[s].indices[k]);
    at += (size_t)snprintf(text + at, sizeof text - at, "pop temp 0\n");
    run_vm(text);
    value = 11;
    for (size_t s = 0; s < sizeof segments / sizeof segments[0]; s++)
        for (int k = 0; k < 4; k++) {
            int address = segments[s].base + segments[s].indices[k];
            if (!(s == 4 && segments[s].indices[k] == 0)) /* temp 0 now holds the sum */
                ck_assert_msg(word_at(address) == value, "%s %d at RAM[%d]: %d, expected %d", segments[s].segment,
                              segments[s].indices[k], address, word_at(address), value);
            value += 7;
        }
    ck_assert_int_eq(word_at(5), wrap(expected_sum));
    ck_assert_int_eq(word_at(0), 256);
}
END_TEST

START_TEST(pointer_and_static)
{
    const char *files[] = {"A.vm", "push constant 4000\npop pointer 0\npush constant 5000\npop pointer 1\n"
                                   "push constant 7\npop this 2\npush constant 8\npop that 3\n"
                                   "push constant 21\npop static 0\npush constant 22\npop static 3\n"
                                   "push pointer 0\npop temp 0\npush pointer 1\npop temp 1\n",
                           "B.vm", "push constant 31\npop static 0\npush static 0\npush static 0\nadd\npop temp 2\n",
                           NULL};
    run_files(files, false);
    ck_assert_int_eq(word_at(3), 4000);
    ck_assert_int_eq(word_at(4), 5000);
    ck_assert_int_eq(word_at(4002), 7);
    ck_assert_int_eq(word_at(5003), 8);
    ck_assert_int_eq(word_at(5), 4000);
    ck_assert_int_eq(word_at(6), 5000);
    ck_assert_int_eq(word_at(7), 62);
    /* A.0, A.3 and B.0 are three distinct statics from 16 up */
    const hack_symbol *a0 = hack_symtab_find(&program.symbols, "A.0", 3);
    const hack_symbol *a3 = hack_symtab_find(&program.symbols, "A.3", 3);
    const hack_symbol *b0 = hack_symtab_find(&program.symbols, "B.0", 3);
    ck_assert_ptr_nonnull(a0);
    ck_assert_ptr_nonnull(b0);
    ck_assert_int_eq(a0->kind, HACK_SYMBOL_STATIC);
    ck_assert_int_eq(word_at(a0->value), 21);
    ck_assert_int_eq(word_at(a3->value), 22);
    ck_assert_int_eq(word_at(b0->value), 31);
    ck_assert_uint_ne(a0->value, b0->value);
}
END_TEST

/* Sys.init calls Main.fib(n) (recursive), Main.sum3 with three arguments and locals, and a function
 * called from many places (through a shared stub); results go to temp. */
static const char sys_vm[] = "function Sys.init 0\n"
                             "push constant 20\ncall Main.fib 1\npop temp 0\n"
                             "push constant 1\npush constant 2\npush constant 3\ncall Main.sum3 3\npop temp 1\n"
                             "push constant 5\ncall Main.twice 1\npush constant 6\ncall Main.twice 1\nadd\n"
                             "push constant 7\ncall Main.twice 1\nadd\npush constant 8\ncall Main.twice 1\nadd\n"
                             "pop temp 2\n"
                             "push constant 77\npop pointer 0\npush constant 88\npop pointer 1\n"
                             "call Main.clobber 0\npop temp 3\npush pointer 0\npop temp 4\npush pointer 1\npop temp 5\n"
                             "label END\ngoto END\n";
static const char main_vm[] = "function Main.fib 0\n"
                              "push argument 0\npush constant 2\nlt\nif-goto BASE\n"
                              "push argument 0\npush constant 1\nsub\ncall Main.fib 1\n"
                              "push argument 0\npush constant 2\nsub\ncall Main.fib 1\nadd\nreturn\n"
                              "label BASE\npush argument 0\nreturn\n"
                              "function Main.sum3 4\n" /* locals must start at 0 */
                              "push local 0\npush local 1\nadd\npush local 2\nadd\npush local 3\nadd\n"
                              "push argument 0\nadd\npush argument 1\nadd\npush argument 2\nadd\nreturn\n"
                              "function Main.twice 1\npush argument 0\npush argument 0\nadd\npop local 0\n"
                              "push local 0\nreturn\n"
                              "function Main.clobber 0\npush constant 1\npop pointer 0\npush constant 2\npop pointer 1\n"
                              "label BASE\npush constant 9\nreturn\n";

START_TEST(calls_returns_recursion_and_frames)
{
    const char *files[] = {"Main.vm", main_vm, "Sys.vm", sys_vm, NULL};
    /* with the bootstrap: SP = 256, call Sys.init; the halt is Sys.init's own loop */
    build_and_load(files, true);
    machine->stop_on_halt = false;
    hack_run_result result = hack_machine_run(machine, 20000000);
    ck_assert_int_eq(result.reason, HACK_STOP_BUDGET);
    ck_assert_int_eq(word_at(5), 6765);          /* fib(20) */
    ck_assert_int_eq(word_at(6), 6);             /* 0+0+0+0 + 1+2+3 */
    ck_assert_int_eq(word_at(7), 2 * (5 + 6 + 7 + 8));
    ck_assert_int_eq(word_at(8), 9);
    ck_assert_int_eq(word_at(9), 77);            /* THIS and THAT restored by return */
    ck_assert_int_eq(word_at(10), 88);
    ck_assert_int_eq(word_at(0), 261);           /* Sys.init's frame: SP as the bootstrap left it */
    ck_assert_int_eq(word_at(1), 261);
    ck_assert_int_eq(word_at(2), 256);
    const hack_symbol *fib = hack_symtab_find(&program.symbols, "Main.fib", 8);
    ck_assert_ptr_nonnull(fib);
    ck_assert_int_eq(fib->kind, HACK_SYMBOL_FUNCTION);
    ck_assert_ptr_nonnull(hack_symtab_find(&program.symbols, "$$CALL.Main.twice.1", 19)); /* 4 sites: a stub */
}
END_TEST

START_TEST(zero_argument_return_keeps_the_return_address)
{
    /* with no arguments, ARG points at the return-address slot that *ARG = result overwrites */
    const char *files[] = {"Sys.vm", "function Sys.init 0\ncall Sys.seven 0\npop temp 0\nlabel L\ngoto L\n"
                                     "function Sys.seven 3\npush constant 7\nreturn\n",
                           NULL};
    build_and_load(files, true);
    machine->stop_on_halt = false;
    hack_machine_run(machine, 5000);
    ck_assert_int_eq(word_at(5), 7);
    ck_assert_int_eq(word_at(0), 261);
}
END_TEST

START_TEST(program_map_names_every_word)
{
    run_vm("push constant 1\n\n// a comment\npush constant 2\nadd\nlabel L\npush constant 3\npop temp 0\n");
    ck_assert_ptr_nonnull(program.locations);
    ck_assert_uint_eq(program.source_file_count, 1);
    ck_assert_str_eq(program.source_files[0], "Test.vm");
    /* the first word of each command with code starts it; the words carry the command's line */
    const uint32_t command_lines[] = {1, 4, 5, 7, 8};
    size_t starts = 0;
    for (size_t a = 0; a < program.count; a++) {
        const hack_source_location *at = &program.locations[a];
        if (!at->command_start || at->line == 0) continue;
        ck_assert_uint_eq(at->line, command_lines[starts]);
        starts++;
    }
    ck_assert_uint_eq(starts, 5);
    ck_assert_uint_eq(program.locations[0].line, 1);
    ck_assert_uint_eq(program.locations[1].line, 1);
}
END_TEST

static void expect_vm_error(const char *text, bool whole_program, const char *expected)
{
    hack_vm_sources srcs = {0};
    hack_vm_sources_add(&srcs, "dir/Bad.vm", text, strlen(text));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_options options = {.bootstrap = whole_program, .require_functions = whole_program};
    hack_vm_assembly assembly;
    ck_assert_msg(!hack_vm_translate(&srcs, &options, &assembly, &diags), "accepted: %s", text);
    ck_assert_uint_ge(diags.error_count, 1);
    char got[400];
    snprintf(got, sizeof got, "%d:%d: %s", diags.items[0].line, diags.items[0].column, diags.items[0].message);
    ck_assert_str_eq(got, expected);
    ck_assert_str_eq(diags.items[0].file, "dir/Bad.vm");
    hack_diag_list_free(&diags);
    hack_vm_sources_free(&srcs);
}

START_TEST(errors_with_file_line_and_column)
{
    expect_vm_error("push constant 1\nfrobnicate\n", false, "2:1: unknown command 'frobnicate'");
    expect_vm_error("push stack 1\n", false,
                    "1:6: unknown segment 'stack' (constant local argument this that temp pointer static)");
    expect_vm_error("push pointer 2\n", false, "1:14: pointer index must be 0..1, found '2'");
    expect_vm_error("  pop temp 8\n", false, "1:12: temp index must be 0..7, found '8'");
    expect_vm_error("push constant 40000\n", false, "1:15: constant index must be 0..32767, found '40000'");
    expect_vm_error("push constant -1\n", false, "1:15: constant index must be 0..32767, found '-1'");
    expect_vm_error("pop constant 3\n", false, "1:5: pop constant: a constant cannot be assigned");
    expect_vm_error("push local\n", false, "1:11: push needs 2 arguments");
    expect_vm_error("add 3\n", false, "1:5: unexpected '3' after the add command");
    expect_vm_error("function F 0\ngoto NOWHERE\nreturn\n", false, "2:6: label 'NOWHERE' not found in F");
    expect_vm_error("function F 0\nlabel A\nlabel A\nreturn\n", false, "3:7: duplicate label 'A' (first at line 2)");
    expect_vm_error("function F 0\nreturn\nfunction F 1\nreturn\n", false,
                    "3:10: duplicate function 'F' (first defined at dir/Bad.vm:1)");
    expect_vm_error("push constant 1\nreturn\n", false, "2:1: return outside a function");
    expect_vm_error("function Sys.init 0\ncall Missing.f 2\nreturn\n", true, "2:6: function 'Missing.f' not found");
    expect_vm_error("function 9lives 0\n", false,
                    "1:10: '9lives' is not a valid name (letters, digits, _ . $ :, not starting with a digit)");
    expect_vm_error("function F x\n", false, "1:12: expected the number of local variables (0..32767), found 'x'");
}
END_TEST

START_TEST(labels_are_scoped_by_function)
{
    /* the same label in two functions: each goto stays in its own function */
    const char *files[] = {"Sys.vm", "function Sys.init 0\ncall Sys.a 0\ncall Sys.b 0\nadd\npop temp 0\nlabel L\ngoto L\n"
                                     "function Sys.a 0\ngoto DONE\npush constant 99\nreturn\nlabel DONE\n"
                                     "push constant 1\nreturn\n"
                                     "function Sys.b 0\ngoto DONE\nlabel DONE\npush constant 2\nreturn\n",
                           NULL};
    build_and_load(files, true);
    machine->stop_on_halt = false;
    hack_machine_run(machine, 5000);
    ck_assert_int_eq(word_at(5), 3);
}
END_TEST

START_TEST(names_of_any_length)
{
    /* a 1,000-character function called from three places (so it gets a stub), a 300-character label, a
     * comparison whose return label carries the long name, statics of a file with a 250-character name */
    hack_strbuf function = {0}, label = {0}, stem = {0}, file = {0}, main = {0};
    hack_strbuf_append(&function, "Long.", 5);
    for (int i = 0; i < 1000; i++) hack_strbuf_append_char(&function, (char)('a' + i % 26));
    for (int i = 0; i < 300; i++) hack_strbuf_append_char(&label, i % 2 ? 'L' : '_');
    for (int i = 0; i < 250; i++) hack_strbuf_append_char(&stem, 'S');
    hack_strbuf_appendf(&file, "dir/%s.vm", stem.text);
    const char *f = function.text, *l = label.text;
    hack_strbuf_appendf(&main,
                        "function Sys.init 0\r\n\tcall %s 0\r\n\tcall %s 0\r\n\tcall %s 0\r\n\tadd\r\n\tadd\r\n"
                        "\tpop temp 0\r\nlabel %s\r\n\tgoto %s\r\n"
                        "function %s 0\r\n\tpush constant 1\r\n\tpush constant 1\r\n\teq\r\n\tif-goto %s\r\n"
                        "\tpush constant 99\r\n\treturn\r\nlabel %s\r\n\tpush constant 7\r\n\tpop static 3\r\n"
                        "\tpush static 3\r\n\treturn\r\n",
                        f, f, f, l, l, f, l, l);
    ck_assert(!function.failed && !label.failed && !main.failed);
    const char *files[] = {file.text, main.text, NULL};
    build_and_load(files, true);
    machine->stop_on_halt = false;
    hack_machine_run(machine, 5000);
    ck_assert_int_eq(word_at(5), 21);
    const hack_symbol *entry = hack_symtab_find(&program.symbols, f, function.length);
    ck_assert_ptr_nonnull(entry);
    ck_assert_int_eq(entry->kind, HACK_SYMBOL_FUNCTION);
    char static_name[300];
    snprintf(static_name, sizeof static_name, "%s.3", stem.text);
    const hack_symbol *variable = hack_symtab_find(&program.symbols, static_name, strlen(static_name));
    ck_assert_ptr_nonnull(variable);
    ck_assert_int_eq(variable->kind, HACK_SYMBOL_STATIC);
    hack_strbuf_free(&function);
    hack_strbuf_free(&label);
    hack_strbuf_free(&stem);
    hack_strbuf_free(&file);
    hack_strbuf_free(&main);
}
END_TEST

START_TEST(rom_overflow_names_the_vm_line)
{
    /* 12 words of bootstrap, then 11 a pair of commands: the pop of pair 2978 (line 5958) crosses 32768 */
    hack_strbuf text = {0};
    hack_strbuf_appendf(&text, "// too big for ROM\r\nfunction Sys.init 0\r\n");
    for (int i = 0; i < 3000; i++) hack_strbuf_appendf(&text, "\tpush constant 7\r\n\tpop temp 0\r\n");
    hack_strbuf_appendf(&text, "label END\r\ngoto END\r\n");
    hack_vm_sources sources = {0};
    ck_assert(hack_vm_sources_add(&sources, "Big/Sys.vm", text.text, text.length));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_options options = {.bootstrap = true, .require_functions = true};
    ck_assert(!hack_vm_build(&sources, &options, "Big", &program, &diags));
    ck_assert_uint_eq(diags.error_count, 1);
    const hack_diag *error = &diags.items[0];
    ck_assert_str_eq(error->file, "Big/Sys.vm");
    ck_assert_int_eq(error->line, 5958);
    ck_assert_int_eq(error->column, 2);
    ck_assert_str_eq(error->source_line, "\tpop temp 0");
    ck_assert_str_eq(error->message, "program does not fit in ROM (32768 words)");
    /* and the whole program's size, without a line of the assembly nobody sees */
    ck_assert_uint_eq(diags.count, 2);
    ck_assert_str_eq(diags.items[1].file, "Big");
    ck_assert_int_eq(diags.items[1].line, 0);
    ck_assert_str_eq(diags.items[1].message, "the program needs 33054 words of ROM; the Hack computer has 32768");
    hack_diag_list_free(&diags);
    hack_vm_sources_free(&sources);
    hack_strbuf_free(&text);
}
END_TEST

/* The commands as the parser reads them (for a tool stepping through VM code): kinds, names, lines, the
 * function each is in (per file: -1 before the first), comments and blank lines skipped; an error located. */
START_TEST(commands_read_by_the_parser)
{
    hack_vm_sources sources = {0};
    const char *a = "// A\nlabel START\n\nfunction A.f 0 // entry\n  label LOOP\npush constant 1\nif-goto LOOP\n"
                    "goto END\nfunction A.g 1\nreturn\n";
    const char *b = "label OUT\nfunction B.h 0\ncall A.f 0\nreturn\n";
    ck_assert(hack_vm_sources_add(&sources, "A.vm", a, strlen(a)));
    ck_assert(hack_vm_sources_add(&sources, "B.vm", b, strlen(b)));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_commands commands;
    ck_assert(hack_vm_read_commands(&sources, &commands, &diags));
    ck_assert_uint_eq(diags.count, 0);
    static const struct {
        hack_vm_command_kind kind;
        const char *name;
        uint16_t file;
        uint32_t line;
        int function;
    } expected[] = {
        {HACK_VM_COMMAND_LABEL, "START", 0, 2, -1},     {HACK_VM_COMMAND_FUNCTION, "A.f", 0, 4, 1},
        {HACK_VM_COMMAND_LABEL, "LOOP", 0, 5, 1},       {HACK_VM_COMMAND_OTHER, NULL, 0, 6, 1},
        {HACK_VM_COMMAND_IF_GOTO, "LOOP", 0, 7, 1},     {HACK_VM_COMMAND_GOTO, "END", 0, 8, 1},
        {HACK_VM_COMMAND_FUNCTION, "A.g", 0, 9, 6},     {HACK_VM_COMMAND_OTHER, NULL, 0, 10, 6},
        {HACK_VM_COMMAND_LABEL, "OUT", 1, 1, -1},       {HACK_VM_COMMAND_FUNCTION, "B.h", 1, 2, 9},
        {HACK_VM_COMMAND_OTHER, "A.f", 1, 3, 9},        {HACK_VM_COMMAND_OTHER, NULL, 1, 4, 9},
    };
    ck_assert_uint_eq(commands.count, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < commands.count; i++) {
        const hack_vm_command *c = &commands.items[i];
        ck_assert_int_eq(c->kind, expected[i].kind);
        ck_assert_uint_eq(c->file, expected[i].file);
        ck_assert_uint_eq(c->line, expected[i].line);
        ck_assert_int_eq(c->function, expected[i].function);
        if (expected[i].name) {
            ck_assert_uint_eq(c->name_length, strlen(expected[i].name));
            ck_assert(memcmp(c->name, expected[i].name, c->name_length) == 0);
        }
    }
    hack_vm_commands_free(&commands);
    ck_assert_ptr_null(commands.items);
    hack_vm_sources_free(&sources);
    hack_diag_list_free(&diags);

    const char *bad = "push constant 1\n  frobnicate\n";
    sources = (hack_vm_sources){0};
    ck_assert(hack_vm_sources_add(&sources, "Bad.vm", bad, strlen(bad)));
    hack_diag_list_init(&diags);
    ck_assert(!hack_vm_read_commands(&sources, &commands, &diags));
    ck_assert_uint_eq(commands.count, 0);
    ck_assert_uint_eq(diags.error_count, 1);
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_int_eq(diags.items[0].column, 3);
    hack_vm_sources_free(&sources);
    hack_diag_list_free(&diags);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("vm");
    TCase *tc = tcase_create("commands");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, arithmetic_and_comparisons_on_edge_values);
    tcase_add_test(tc, unary_operators);
    tcase_add_test(tc, every_segment_push_and_pop);
    tcase_add_test(tc, pointer_and_static);
    suite_add_tcase(suite, tc);
    tc = tcase_create("functions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, calls_returns_recursion_and_frames);
    tcase_add_test(tc, zero_argument_return_keeps_the_return_address);
    tcase_add_test(tc, labels_are_scoped_by_function);
    tcase_add_test(tc, names_of_any_length);
    suite_add_tcase(suite, tc);
    tc = tcase_create("map_and_errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, program_map_names_every_word);
    tcase_add_test(tc, errors_with_file_line_and_column);
    tcase_add_test(tc, rom_overflow_names_the_vm_line);
    tcase_add_test(tc, commands_read_by_the_parser);
    suite_add_tcase(suite, tc);
    return suite;
}
