/* Property: the run loop (the decoded ROM, fused pairs, threaded or switch dispatch) agrees with the
 * reference step (hack_machine_step) on every one of the 65,536 instruction words, from random machine
 * states: random A (biased to the edges: 0, the screen, the keyboard, just above it, the end of ROM), D, RAM
 * words and PC, strict and relaxed. Each word runs
 *   - alone at PC, with a budget of 1 and of 2 (the second instruction is whatever the random ROM holds
 *     where the first one went), and
 *   - fused with a preceding @value (the pair's A-instruction at PC), with a budget of 1 (the budget stops
 *     between the pair's halves) and of 2, with and without stopping at the halt idiom (L) @L ...;JMP;
 * and the two must leave the same A, D, PC, cycle count, fault (kind, PC, word, address) and RAM, and the
 * run must report the cycles and the stop that the steps imply. Built twice: with the dispatch of the build
 * and with the other one (test_run_property.other_dispatch), so both are checked in every build. */
#include "hack/isa.h"
#include "hack/machine.h"
#include "test_support.h"

#include <string.h>

enum { WORDS_PER_TEST = 4096, HALT_JUMP = 7 };

static hack_machine *fast, *ref;
static uint32_t seed;

static uint16_t random_word(void)
{
    return (uint16_t)(test_random(&seed) >> 7);
}

/* A value for A (or for an @value): an edge most of the time, anything otherwise. */
static uint16_t random_address(void)
{
    static const uint16_t edges[] = {0, 1, 15, 16, 255, 256, 2048, 16383, HACK_SCREEN, HACK_SCREEN + 1, 24575,
                                     HACK_KBD, HACK_KBD + 1, 24600, 32766, 32767};
    uint32_t r = test_random(&seed);
    switch (r % 8) {
    case 0: return edges[(r >> 3) % (sizeof edges / sizeof edges[0])];
    case 1: return (uint16_t)(HACK_KBD - 4 + (r >> 3) % 8);
    case 2: return (uint16_t)((r >> 3) % HACK_SCREEN);
    case 3: return (uint16_t)((r >> 3) & 0x7FFF);
    default: return random_word() & 0x7FFFu;
    }
}

static uint16_t random_value(void)
{
    static const uint16_t edges[] = {0, 1, 0xFFFF, 0x7FFF, 0x8000, 0x8001, 0x7FFE, 2};
    uint32_t r = test_random(&seed);
    return r % 4 == 0 ? edges[(r >> 2) % 8] : random_word();
}

static void setup(void)
{
    fast = hack_machine_create();
    ref = hack_machine_create();
    ck_assert_ptr_nonnull(fast);
    ck_assert_ptr_nonnull(ref);
    /* ROM: mostly C-instructions (the jump targets and fall-throughs of the cases), some @, some illegal */
    static uint16_t rom[HACK_ROM_SIZE];
    seed = 0x9E3779B9u;
    for (uint32_t i = 0; i < HACK_ROM_SIZE; i++) {
        uint32_t r = test_random(&seed);
        rom[i] = r % 8 == 0 ? (uint16_t)(random_word() & 0x7FFFu)
               : r % 8 == 1 ? (uint16_t)(0x8000u | (random_word() & 0x5FFFu))
                            : (uint16_t)(0xE000u | (random_word() & 0x1FFFu));
    }
    hack_machine_load(fast, rom, HACK_ROM_SIZE);
    hack_machine_load(ref, rom, HACK_ROM_SIZE);
    for (uint32_t i = 0; i < HACK_RAM_SIZE; i++) fast->ram[i] = ref->ram[i] = random_word();
    fast->stop_at_program_end = ref->stop_at_program_end = false;
}

static void teardown(void)
{
    hack_machine_destroy(fast);
    hack_machine_destroy(ref);
}

static void poke_both(uint16_t address, uint16_t word)
{
    hack_machine_poke_rom(fast, address, word);
    hack_machine_poke_rom(ref, address, word);
}

/* The halt idiom as the run loop knows it: @L at L, then a jump always (0;JMP or any comp not reading M,
 * no dest). */
static bool halt_idiom_at(const hack_machine *m, uint16_t pc)
{
    if (pc + 1u >= HACK_ROM_SIZE || m->rom[pc] != pc) return false;
    uint16_t next = m->rom[pc + 1];
    return HACK_IS_C_INSTR(next) && HACK_JUMP(next) == HALT_JUMP && HACK_DEST(next) == 0 &&
           !HACK_COMP_USES_M(HACK_COMP(next));
}

/* One case: both machines in the same state, PC at pc; the reference steps budget times (stopping at a fault,
 * or before the halt idiom when asked), the fast loop runs with that budget; then they must agree. */
static void check_case(const char *what, uint16_t word, uint16_t pc, uint64_t budget, bool relaxed, bool stop_on_halt)
{
    uint16_t a = random_address(), d = random_value();
    if (test_random(&seed) % 4 == 0) a = random_word(); /* anything, above ROM and RAM too */
    uint16_t m = random_value();
    if (a < HACK_RAM_SIZE) fast->ram[a] = ref->ram[a] = m;
    hack_machine *machines[2] = {fast, ref};
    for (int i = 0; i < 2; i++) {
        machines[i]->a = a;
        machines[i]->d = d;
        machines[i]->pc = pc;
        machines[i]->cycles = 1000;
        machines[i]->fault = (hack_fault){0};
        machines[i]->relaxed = relaxed;
        machines[i]->stop_on_halt = stop_on_halt;
    }

    uint64_t steps = 0;
    bool faulted = false, halted = false;
    uint16_t touched[4];
    int touched_count = 0;
    while (steps < budget) {
        if (stop_on_halt && halt_idiom_at(ref, ref->pc)) {
            halted = true;
            break;
        }
        if (ref->a < HACK_RAM_SIZE) touched[touched_count++] = ref->a;
        if (!hack_machine_step(ref)) {
            faulted = true;
            break;
        }
        steps++;
    }
    hack_run_result run = hack_machine_run(fast, budget);

    hack_stop_reason reason = faulted ? HACK_STOP_FAULT : halted ? HACK_STOP_HALT : HACK_STOP_BUDGET;
    bool same = run.cycles == steps && run.reason == reason && fast->a == ref->a && fast->d == ref->d &&
                fast->pc == ref->pc && fast->cycles == ref->cycles && fast->fault.kind == ref->fault.kind &&
                fast->fault.pc == ref->fault.pc && fast->fault.instruction == ref->fault.instruction &&
                fast->fault.address == ref->fault.address;
    for (int i = 0; i < touched_count; i++) same = same && fast->ram[touched[i]] == ref->ram[touched[i]];
    if (!same)
        ck_abort_msg("%s: word 0x%04X at PC %u, budget %u, %s%s, from A=%u D=%u M=%u:\n"
                     "  run:  %u cycles, stop %d, A=%u D=%u PC=%u cycles=%u fault %d (pc %u word 0x%04X address %u)\n"
                     "  step: %u cycles, stop %d, A=%u D=%u PC=%u cycles=%u fault %d (pc %u word 0x%04X address %u)",
                     what, word, pc, (unsigned)budget, relaxed ? "relaxed" : "strict",
                     stop_on_halt ? ", stop on halt" : "", a, d, m, (unsigned)run.cycles, (int)run.reason, fast->a,
                     fast->d, fast->pc, (unsigned)fast->cycles, (int)fast->fault.kind, fast->fault.pc,
                     fast->fault.instruction, (unsigned)fast->fault.address, (unsigned)steps, (int)reason, ref->a,
                     ref->d, ref->pc, (unsigned)ref->cycles, (int)ref->fault.kind, ref->fault.pc,
                     ref->fault.instruction, (unsigned)ref->fault.address);
}

/* A PC for the case: anywhere, now and then the last words of ROM (running off its end). */
static uint16_t random_pc(uint16_t last)
{
    uint32_t r = test_random(&seed);
    return r % 16 == 0 ? (uint16_t)(last - (r >> 4) % 2) : (uint16_t)((r >> 4) % last);
}

START_TEST(every_word_alone_and_fused_matches_the_reference_step)
{
    seed = 0x12345u + (uint32_t)_i * 7919u;
    const uint32_t first = (uint32_t)_i * WORDS_PER_TEST;
    for (uint32_t w = first; w < first + WORDS_PER_TEST; w++) {
        const uint16_t word = (uint16_t)w;
        for (int relaxed = 0; relaxed < 2; relaxed++) {
            /* alone at PC */
            for (uint64_t budget = 1; budget <= 2; budget++) {
                uint16_t pc = random_pc(HACK_ROM_SIZE - 1);
                poke_both(pc, word);
                check_case("alone", word, pc, budget, relaxed, false);
            }
            /* fused with @value before it (the halt idiom when value is the @'s own address) */
            for (uint64_t budget = 1; budget <= 2; budget++)
                for (int stop_on_halt = 0; stop_on_halt < 2; stop_on_halt++) {
                    uint16_t pc = random_pc(HACK_ROM_SIZE - 2);
                    uint32_t r = test_random(&seed);
                    uint16_t value = r % 4 == 0 ? pc : random_address();
                    poke_both(pc, value);
                    poke_both((uint16_t)(pc + 1), word);
                    check_case("after @value", word, pc, budget, relaxed, stop_on_halt);
                }
        }
    }
    /* nothing written anywhere else */
    ck_assert_msg(memcmp(fast->ram, ref->ram, sizeof fast->ram) == 0, "RAM differs");
    ck_assert_msg(memcmp(fast->rom, ref->rom, sizeof fast->rom) == 0, "ROM differs");
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("run_property");
    TCase *tc = tcase_create("every_word");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_word_alone_and_fused_matches_the_reference_step, 0, 65536 / WORDS_PER_TEST);
    suite_add_tcase(suite, tc);
    return suite;
}
