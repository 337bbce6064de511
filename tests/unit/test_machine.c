/* The machine: every computation, dest and jump through both the fast run loop and the reference step,
 * the old-A rules, faults, budgets and stops. Expectations come from the spec, written out here. */
#include "hack/machine.h"
#include "test_support.h"

#include <string.h>

static hack_machine *machine;

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert_ptr_nonnull(machine);
}

static void teardown(void)
{
    hack_machine_destroy(machine);
}

static uint16_t c_instr(unsigned comp7, unsigned dest, unsigned jump)
{
    return (uint16_t)(0xE000u | (comp7 << 6) | (dest << 3) | jump);
}

static bool spec_jump(unsigned jump, uint16_t out)
{
    int v = out >= 0x8000 ? (int)out - 0x10000 : out;
    return ((jump & 4) && v < 0) || ((jump & 2) && v == 0) || ((jump & 1) && v > 0);
}

static const uint16_t values[] = {0, 1, 2, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xFEDC, 17, 24576};
enum { VALUE_COUNT = sizeof values / sizeof values[0] };

/* Values of A: valid M addresses and jump targets, each the address of a halt loop (L) @L 0;JMP. */
static const uint16_t addresses[] = {0, 100, 0x1234, 0x3EDC, 17, 24576, 500, 3000, 0x2000, 16384};
enum { ADDRESS_COUNT = sizeof addresses / sizeof addresses[0], UNDER_TEST = 0x7F00 };

/* ROM: halt loops at every address above; UNDER_TEST holds @a, UNDER_TEST + 1 the instruction under test, and
 * the program ends after it. */
static void layout_setup(void)
{
    setup();
    static uint16_t words[UNDER_TEST + 2];
    for (int i = 0; i < ADDRESS_COUNT; i++) {
        words[addresses[i]] = addresses[i];
        words[addresses[i] + 1] = c_instr(0x2A, 0, 7);
    }
    hack_machine_load(machine, words, UNDER_TEST + 2);
}

typedef enum { VIA_FUSED, VIA_LONE, VIA_STEP } path;

/* Runs one C-instruction: fused with the @a before it, as a lone op of the fast loop, or by the reference
 * step. The run stops at the halt loop it jumps to, or at the program's end. */
static void check_instruction(path via, unsigned comp7, unsigned dest, unsigned jump, uint16_t a, uint16_t d,
                              uint16_t m)
{
    memset(machine->ram, 0, sizeof machine->ram);
    uint16_t word = c_instr(comp7, dest, jump);
    hack_machine_poke_rom(machine, UNDER_TEST, a);
    hack_machine_poke_rom(machine, UNDER_TEST + 1, word);
    hack_machine_reset(machine);
    machine->a = a;
    machine->d = d;
    machine->ram[a] = m;
    machine->pc = via == VIA_FUSED ? UNDER_TEST : UNDER_TEST + 1;
    uint64_t cycles;
    if (via == VIA_STEP)
        cycles = hack_machine_step(machine) ? 1 : 0;
    else
        cycles = hack_machine_run(machine, 100).cycles;

    uint16_t y = (comp7 & 0x40) ? m : a;
    uint16_t out = spec_alu(comp7 & 0x3F, d, y);
    ck_assert_msg(machine->fault.kind == HACK_FAULT_NONE, "unexpected fault");
    ck_assert_uint_eq(cycles, via == VIA_FUSED ? 2 : 1);
    ck_assert_uint_eq(machine->a, (dest & 4) ? out : a);
    ck_assert_uint_eq(machine->d, (dest & 2) ? out : d);
    ck_assert_uint_eq(machine->ram[a], (dest & 1) ? out : m);
    bool jumps = spec_jump(jump, out);
    ck_assert_msg(machine->pc == (jumps ? a : UNDER_TEST + 2), "comp %02x dest %u jump %u a=%u d=%u: pc %u", comp7,
                  dest, jump, a, d, machine->pc);
}

START_TEST(every_computation_all_paths)
{
    const path via = (path)_i;
    for (unsigned comp7 = 0; comp7 < 128; comp7++)
        for (int ai = 0; ai < ADDRESS_COUNT; ai++)
            for (int di = 0; di < VALUE_COUNT; di++) {
                check_instruction(via, comp7, 2, 0, addresses[ai], values[di], values[(ai + di) % VALUE_COUNT]);
            }
}
END_TEST

START_TEST(every_dest_and_jump_all_paths)
{
    const path via = (path)_i;
    static const unsigned comps[] = {0x0C, 0x77, 0x13, 0x2A, 0x3A, 0x3F, 0x36, 0x70};
    for (size_t c = 0; c < sizeof comps / sizeof comps[0]; c++)
        for (unsigned dest = 0; dest < 8; dest++)
            for (unsigned jump = 0; jump < 8; jump++)
                for (int di = 0; di < VALUE_COUNT; di++)
                    for (int ai = 0; ai < ADDRESS_COUNT; ai += 3)
                        check_instruction(via, comps[c], dest, jump, addresses[ai], values[di],
                                          values[(di + 3) % VALUE_COUNT]);
}
END_TEST

START_TEST(memory_written_at_old_a_and_jump_to_old_a)
{
    /* @100, AM=M+1 with RAM[100]=41: RAM[100]=42 and A=42. */
    uint16_t program[] = {100, c_instr(0x77, 5, 0), 7, c_instr(0x0C, 4, 7)};
    hack_machine_load(machine, program, 2);
    machine->ram[100] = 41;
    machine->ram[42] = 999;
    hack_machine_run(machine, 2);
    ck_assert_uint_eq(machine->ram[100], 42);
    ck_assert_uint_eq(machine->ram[42], 999);
    ck_assert_uint_eq(machine->a, 42);
    /* @7, A=D;JMP with D=3000: jumps to 7 (the old A), then A=3000. */
    for (int via = 0; via < 2; via++) {
        hack_machine_load(machine, program, 4);
        machine->pc = 2;
        machine->d = 3000;
        if (via == 0)
            hack_machine_run(machine, 2);
        else {
            hack_machine_step(machine);
            hack_machine_step(machine);
        }
        ck_assert_uint_eq(machine->pc, 7);
        ck_assert_uint_eq(machine->a, 3000);
    }
}
END_TEST

static void expect_fault(hack_fault_kind kind, uint16_t pc, uint32_t address)
{
    ck_assert_int_eq(machine->fault.kind, kind);
    ck_assert_uint_eq(machine->fault.pc, pc);
    ck_assert_uint_eq(machine->pc, pc);
    if (kind != HACK_FAULT_ILLEGAL_INSTRUCTION && kind != HACK_FAULT_PC_PAST_ROM)
        ck_assert_uint_eq(machine->fault.address, address);
}

START_TEST(illegal_instruction_faults_then_relaxed_runs_it)
{
    uint16_t program[] = {5, 0x8000 | (0x0C << 6) | (2 << 3)}; /* @5, then D=A with bits 14..13 = 00 */
    program[1] = (uint16_t)(0x8000u | (0x30u << 6) | (2u << 3));
    hack_machine_load(machine, program, 2);
    hack_run_result result = hack_machine_run(machine, 10);
    ck_assert_int_eq(result.reason, HACK_STOP_FAULT);
    ck_assert_uint_eq(result.cycles, 1);
    expect_fault(HACK_FAULT_ILLEGAL_INSTRUCTION, 1, 0);
    ck_assert_uint_eq(machine->fault.instruction, program[1]);
    char text[160];
    hack_fault_describe(&machine->fault, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "PC 1"));
    ck_assert_ptr_nonnull(strstr(text, "0x8C10"));

    hack_machine_load(machine, program, 2);
    machine->relaxed = true;
    result = hack_machine_run(machine, 10);
    ck_assert_int_eq(result.reason, HACK_STOP_PROGRAM_END);
    ck_assert_uint_eq(machine->d, 5);
}
END_TEST

START_TEST(memory_above_the_keyboard_faults)
{
    /* @24577 D=M (read), @24577 M=D (write), A=-1 then D=M (a computed address), @24576 D=M is fine */
    const struct {
        uint16_t program[3];
        size_t count;
        hack_fault_kind kind;
        uint16_t pc;
        uint32_t address;
    } cases[] = {
        {{24577, c_instr(0x70, 2, 0)}, 2, HACK_FAULT_BAD_READ, 1, 24577},
        {{24577, c_instr(0x0C, 1, 0)}, 2, HACK_FAULT_BAD_WRITE, 1, 24577},
        {{c_instr(0x3A, 4, 0), c_instr(0x70, 2, 0)}, 2, HACK_FAULT_BAD_READ, 1, 0xFFFF},
        {{c_instr(0x3A, 4, 0), c_instr(0x77, 1, 0)}, 2, HACK_FAULT_BAD_READ, 1, 0xFFFF},
        {{c_instr(0x3A, 4, 0), c_instr(0x3F, 1, 0)}, 2, HACK_FAULT_BAD_WRITE, 1, 0xFFFF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int via = 0; via < 2; via++) {
            hack_machine_load(machine, cases[i].program, cases[i].count);
            machine->d = 77;
            hack_run_result result;
            if (via == 0) {
                result = hack_machine_run(machine, 10);
            } else {
                result.cycles = 0;
                while (hack_machine_step(machine)) result.cycles++;
                result.reason = HACK_STOP_FAULT;
            }
            ck_assert_int_eq(result.reason, HACK_STOP_FAULT);
            ck_assert_uint_eq(result.cycles, 1);
            expect_fault(cases[i].kind, cases[i].pc, cases[i].address);
            ck_assert_uint_eq(machine->d, 77); /* nothing changed by the faulting instruction */
        }
    }
    uint16_t keyboard[] = {24576, c_instr(0x70, 2, 0)};
    hack_machine_load(machine, keyboard, 2);
    machine->ram[HACK_KBD] = 65;
    ck_assert_int_eq(hack_machine_run(machine, 10).reason, HACK_STOP_PROGRAM_END);
    ck_assert_uint_eq(machine->d, 65);

    /* relaxed: reads give 0xFFFF, writes are ignored */
    uint16_t relaxed[] = {30000, c_instr(0x70, 2, 0), 30000, c_instr(0x3F, 1, 0)};
    hack_machine_load(machine, relaxed, 4);
    machine->relaxed = true;
    ck_assert_int_eq(hack_machine_run(machine, 10).reason, HACK_STOP_PROGRAM_END);
    ck_assert_uint_eq(machine->d, 0xFFFF);
    ck_assert_uint_eq(machine->ram[30000], 0);
}
END_TEST

START_TEST(jump_and_pc_past_rom)
{
    /* A=-1, 0;JMP: jump to 65535 */
    uint16_t program[] = {c_instr(0x3A, 4, 0), c_instr(0x2A, 0, 7)};
    hack_machine_load(machine, program, 2);
    ck_assert_int_eq(hack_machine_run(machine, 10).reason, HACK_STOP_FAULT);
    expect_fault(HACK_FAULT_JUMP_PAST_ROM, 1, 0xFFFF);
    /* D;JNE with A=-1 taken: also a fault; not taken: fine */
    uint16_t conditional[] = {c_instr(0x3A, 4, 0), c_instr(0x0C, 0, 5)};
    hack_machine_load(machine, conditional, 2);
    machine->d = 1;
    ck_assert_int_eq(hack_machine_run(machine, 10).reason, HACK_STOP_FAULT);
    expect_fault(HACK_FAULT_JUMP_PAST_ROM, 1, 0xFFFF);
    hack_machine_load(machine, conditional, 2);
    machine->d = 0;
    ck_assert_int_eq(hack_machine_run(machine, 10).reason, HACK_STOP_PROGRAM_END);

    /* The last ROM word, then off the end. */
    hack_machine_load(machine, NULL, 0);
    hack_machine_poke_rom(machine, 32767, c_instr(0x3F, 2, 0)); /* D=1 */
    machine->pc = 32767;
    machine->stop_at_program_end = false;
    hack_run_result result = hack_machine_run(machine, 10);
    ck_assert_int_eq(result.reason, HACK_STOP_FAULT);
    ck_assert_uint_eq(result.cycles, 1);
    ck_assert_uint_eq(machine->d, 1);
    ck_assert_int_eq(machine->fault.kind, HACK_FAULT_PC_PAST_ROM);

    /* relaxed: targets and the PC wrap to 15 bits */
    hack_machine_load(machine, program, 2);
    machine->relaxed = true;
    ck_assert_int_eq(hack_machine_run(machine, 2).reason, HACK_STOP_BUDGET);
    ck_assert_uint_eq(machine->pc, 32767);
}
END_TEST

START_TEST(halt_idiom_and_program_end)
{
    /* 0: @3  1: D=A  2: (END) @2  3: 0;JMP -- wait: END is at 2 */
    uint16_t program[] = {3, c_instr(0x30, 2, 0), 2, c_instr(0x2A, 0, 7)};
    hack_machine_load(machine, program, 4);
    hack_run_result result = hack_machine_run(machine, 1000);
    ck_assert_int_eq(result.reason, HACK_STOP_HALT);
    ck_assert_uint_eq(result.cycles, 2);
    ck_assert_uint_eq(machine->pc, 2);
    ck_assert_uint_eq(machine->cycles, 2);
    /* Without halt detection it spins until the budget is spent, exactly. */
    hack_machine_load(machine, program, 4);
    machine->stop_on_halt = false;
    result = hack_machine_run(machine, 1001);
    ck_assert_int_eq(result.reason, HACK_STOP_BUDGET);
    ck_assert_uint_eq(result.cycles, 1001);
    ck_assert_uint_eq(machine->pc, 3); /* 2 + 999 cycles of a 2-word loop: ends after the @ */
    ck_assert_uint_eq(machine->a, 2);
    /* A loop that is not the idiom (jumps elsewhere) is not a halt. */
    machine->stop_on_halt = true;
    uint16_t loop[] = {0, c_instr(0x2A, 0, 7)};
    hack_machine_load(machine, loop, 2);
    ck_assert_int_eq(hack_machine_run(machine, 50).reason, HACK_STOP_HALT); /* (L) @L 0;JMP with L=0 */
    uint16_t not_halt[] = {c_instr(0x0C, 2, 0), 0, c_instr(0x2A, 0, 7)};
    hack_machine_load(machine, not_halt, 3);
    result = hack_machine_run(machine, 50);
    ck_assert_int_eq(result.reason, HACK_STOP_BUDGET);
    ck_assert_uint_eq(result.cycles, 50);
    /* Program end: a program with no halt loop stops after its last word. */
    uint16_t add[] = {2, c_instr(0x30, 2, 0), 3, c_instr(0x02, 2, 0), 0, c_instr(0x0C, 1, 0)};
    hack_machine_load(machine, add, 6);
    result = hack_machine_run(machine, 1000);
    ck_assert_int_eq(result.reason, HACK_STOP_PROGRAM_END);
    ck_assert_uint_eq(result.cycles, 6);
    ck_assert_uint_eq(machine->ram[0], 5);
}
END_TEST

/* A random program of legal words: A-instructions with small addresses and C-instructions of any kind. */
static size_t random_program(uint32_t *seed, uint16_t *words, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t r = test_random(seed);
        if (r % 3 == 0)
            words[i] = (uint16_t)(test_random(seed) % (count + 8));
        else
            words[i] = (uint16_t)(0xE000u | (test_random(seed) & 0x1FFFu));
    }
    return count;
}

START_TEST(fast_loop_matches_reference_step_at_every_budget)
{
    uint32_t seed = 12345u + (uint32_t)_i;
    static uint16_t words[64];
    static uint16_t ram_fast[HACK_RAM_SIZE], ram_ref[HACK_RAM_SIZE];
    size_t count = random_program(&seed, words, 40);
    for (uint64_t budget = 1; budget < 120; budget += 7) {
        /* reference */
        hack_machine_load(machine, words, count);
        memset(machine->ram, 0, sizeof machine->ram);
        machine->stop_at_program_end = false;
        uint64_t steps = 0;
        bool faulted = false;
        while (steps < budget) {
            if (!hack_machine_step(machine)) {
                faulted = true;
                break;
            }
            steps++;
        }
        uint16_t a = machine->a, d = machine->d, pc = machine->pc;
        hack_fault_kind fault = machine->fault.kind;
        memcpy(ram_ref, machine->ram, sizeof ram_ref);
        /* fast */
        hack_machine_load(machine, words, count);
        memset(machine->ram, 0, sizeof machine->ram);
        machine->stop_at_program_end = false;
        machine->stop_on_halt = false;
        hack_run_result result = hack_machine_run(machine, budget);
        memcpy(ram_fast, machine->ram, sizeof ram_fast);
        ck_assert_uint_eq(result.cycles, steps);
        ck_assert_int_eq(result.reason, faulted ? HACK_STOP_FAULT : HACK_STOP_BUDGET);
        ck_assert_int_eq(machine->fault.kind, fault);
        ck_assert_uint_eq(machine->a, a);
        ck_assert_uint_eq(machine->d, d);
        ck_assert_uint_eq(machine->pc, pc);
        ck_assert_msg(memcmp(ram_fast, ram_ref, sizeof ram_ref) == 0, "RAM differs at budget %u", (unsigned)budget);
        ck_assert_uint_eq(machine->cycles, steps);
        if (faulted) break;
    }
}
END_TEST

START_TEST(poke_rom_redecodes)
{
    uint16_t program[] = {5, c_instr(0x30, 2, 0)}; /* @5 D=A */
    hack_machine_load(machine, program, 2);
    hack_machine_poke_rom(machine, 1, c_instr(0x3F, 2, 0)); /* D=1 */
    hack_machine_run(machine, 2);
    ck_assert_uint_eq(machine->d, 1);
    hack_machine_poke_rom(machine, 0, 9);
    hack_machine_poke_rom(machine, 1, c_instr(0x30, 2, 0));
    hack_machine_reset(machine);
    hack_machine_run(machine, 2);
    ck_assert_uint_eq(machine->d, 9);
}
END_TEST

START_TEST(load_clears_screen_keeps_ram)
{
    machine->ram[100] = 7;
    machine->ram[HACK_SCREEN + 5] = 0xFFFF;
    machine->a = machine->d = 3;
    uint16_t program[] = {0};
    hack_machine_load(machine, program, 1);
    ck_assert_uint_eq(machine->ram[100], 7);
    ck_assert_uint_eq(machine->ram[HACK_SCREEN + 5], 0);
    ck_assert_uint_eq(machine->a, 0);
    ck_assert_uint_eq(machine->d, 0);
    ck_assert_uint_eq(machine->pc, 0);
}
END_TEST


/* A breakpoint stops the run before its word, even the C-instruction of a fused @-pair; a run that starts on
 * it stops at once; removed, the program runs on to the same result; a load removes every breakpoint. */
START_TEST(breakpoints_stop_before_their_word)
{
    /* RAM[0] = 5 + 3, then the halt loop at 6 */
    const uint16_t program[] = {5, 0xEC10, 3, 0xE090, 0, 0xE308, 6, 0xEA87};
    hack_machine_load(machine, program, 8);
    ck_assert(hack_machine_set_breakpoint(machine, 3, true));
    ck_assert(hack_machine_breakpoint_at(machine, 3));
    hack_run_result r = hack_machine_run(machine, 100);
    ck_assert_int_eq(r.reason, HACK_STOP_BREAK);
    ck_assert_uint_eq(machine->pc, 3);
    ck_assert_uint_eq(r.cycles, 3);
    ck_assert_uint_eq(machine->a, 3);
    r = hack_machine_run(machine, 100);
    ck_assert_int_eq(r.reason, HACK_STOP_BREAK);
    ck_assert_uint_eq(r.cycles, 0);
    ck_assert(hack_machine_set_breakpoint(machine, 3, false));
    ck_assert(hack_machine_set_breakpoint(machine, 4, true)); /* an A-instruction, reached by a budget of 1 */
    r = hack_machine_run(machine, 1);
    ck_assert_int_eq(r.reason, HACK_STOP_BUDGET);
    r = hack_machine_run(machine, 1);
    ck_assert_int_eq(r.reason, HACK_STOP_BREAK);
    ck_assert_uint_eq(machine->pc, 4);
    hack_machine_clear_breakpoints(machine);
    ck_assert_uint_eq(machine->breakpoint_count, 0);
    r = hack_machine_run(machine, 100);
    ck_assert_int_eq(r.reason, HACK_STOP_HALT);
    ck_assert_uint_eq(machine->ram[0], 8);
    ck_assert_uint_eq(machine->cycles, 6);
    hack_machine_set_breakpoint(machine, 0, true);
    hack_machine_load(machine, program, 8);
    ck_assert(!hack_machine_breakpoint_at(machine, 0));
    ck_assert_int_eq(hack_machine_run(machine, 100).reason, HACK_STOP_HALT);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("machine");
    TCase *tc = tcase_create("instructions");
    tcase_add_checked_fixture(tc, layout_setup, teardown);
    tcase_add_loop_test(tc, every_computation_all_paths, VIA_FUSED, VIA_STEP + 1);
    tcase_add_loop_test(tc, every_dest_and_jump_all_paths, VIA_FUSED, VIA_STEP + 1);
    suite_add_tcase(suite, tc);

    tc = tcase_create("old_a");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, memory_written_at_old_a_and_jump_to_old_a);
    suite_add_tcase(suite, tc);

    tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, illegal_instruction_faults_then_relaxed_runs_it);
    tcase_add_test(tc, memory_above_the_keyboard_faults);
    tcase_add_test(tc, jump_and_pc_past_rom);
    suite_add_tcase(suite, tc);

    tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, halt_idiom_and_program_end);
    tcase_add_loop_test(tc, fast_loop_matches_reference_step_at_every_budget, 0, 200);
    tcase_add_test(tc, poke_rom_redecodes);
    tcase_add_test(tc, load_clears_screen_keeps_ram);
    tcase_add_test(tc, breakpoints_stop_before_their_word);
    suite_add_tcase(suite, tc);
    return suite;
}
