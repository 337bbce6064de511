/* The native tier against the interpreter (the reference): random programs and every course program
 * available, run in both in small random slices of the budget, compared after every slice (registers, PC,
 * cycles, stop reason, fault, RAM). Slices of 1 to 64 instructions stop inside and between blocks. */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/machine.h"

#include "test_support.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* profile_steps 0: the whole program translated at once; else only the blocks a profile reached (translated
 * again when the interpreter runs too much of the time: every 100 profiles' length of instructions) */
static hack_machine *make_tiered_profiled(uint64_t profile_steps)
{
    hack_machine *m = hack_machine_create();
    ck_assert_ptr_nonnull(m);
    hack_tier_options o = {.wait = true, .cache_dir = TIER_CACHE_DIR, .profile_steps = profile_steps};
    ck_assert(hack_machine_enable_tier(m, &o));
    return m;
}

static hack_machine *make_tiered(void)
{
    return make_tiered_profiled(0);
}

static hack_hook_action skip_hook(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)value;
    (*(int *)context)++;
    m->d = (uint16_t)(m->d + 1);
    m->pc = (uint16_t)((event->address + 1u) % (m->program_size ? m->program_size : 1));
    return HACK_HOOK_JUMP;
}

static uint64_t compared_slices;

/* Runs both from their current state for total instructions in random slices; false at the first difference. */
static void compare_runs(hack_machine *ref, hack_machine *fast, uint64_t total, uint32_t max_slice,
                         const char *what)
{
    uint64_t done = 0;
    while (done < total) {
        uint64_t slice = 1 + next_random() % max_slice;
        hack_run_result r1 = hack_machine_run(ref, slice);
        hack_run_result r2 = hack_machine_run(fast, slice);
        compared_slices++;
        if (r1.reason != r2.reason || r1.cycles != r2.cycles || ref->a != fast->a || ref->d != fast->d ||
            ref->pc != fast->pc || ref->cycles != fast->cycles || ref->fault.kind != fast->fault.kind ||
            ref->fault.pc != fast->fault.pc || ref->fault.address != fast->fault.address ||
            memcmp(ref->ram, fast->ram, sizeof ref->ram) != 0)
            ck_abort_msg("%s: differs after %llu cycles: reason %d/%d cycles %llu/%llu A %u/%u D %u/%u PC %u/%u",
                         what, (unsigned long long)ref->cycles, r1.reason, r2.reason,
                         (unsigned long long)r1.cycles, (unsigned long long)r2.cycles, ref->a, fast->a, ref->d,
                         fast->d, ref->pc, fast->pc);
        done += r1.cycles ? r1.cycles : 1;
        if (r1.reason == HACK_STOP_FAULT || r1.reason == HACK_STOP_HALT || r1.reason == HACK_STOP_PROGRAM_END)
            return;
    }
}

static uint16_t random_word(uint32_t size)
{
    static const uint8_t comps[] = {0x2A, 0x3F, 0x3A, 0x0C, 0x30, 0x70, 0x0D, 0x31, 0x71, 0x0F, 0x33, 0x73,
                                    0x1F, 0x37, 0x77, 0x0E, 0x32, 0x72, 0x02, 0x42, 0x13, 0x53, 0x07, 0x47,
                                    0x00, 0x40, 0x15, 0x55};
    uint32_t kind = next_random() % 100;
    if (kind < 40) { /* an address: a jump target, a variable, sometimes past the keyboard */
        uint32_t v = next_random() % 100;
        if (v < 45) return (uint16_t)(next_random() % size);
        if (v < 90) return (uint16_t)(next_random() % 32);
        if (v < 95) return (uint16_t)(HACK_KBD - 2 + next_random() % 5);
        return (uint16_t)(next_random() & 0x7FFF);
    }
    if (kind == 99) return (uint16_t)(0x8000u | (next_random() & 0x1FFFu)); /* illegal */
    unsigned comp = next_random() % 8 == 0 ? next_random() % 128 : comps[next_random() % sizeof comps];
    unsigned dest = next_random() % 8, jump = next_random() % 4 == 0 ? next_random() % 8 : 0;
    return (uint16_t)(0xE000u | (comp << 6) | (dest << 3) | jump);
}

static void random_programs_with(uint64_t profile_steps, int roms, int trials)
{
    hack_machine *ref = hack_machine_create(), *fast = make_tiered_profiled(profile_steps);
    int hook_calls[2] = {0, 0};
    int programs = 0;
    for (int rom = 0; rom < roms; rom++) {
        const uint32_t size = 2000;
        uint16_t words[2000];
        for (uint32_t i = 0; i < size; i++) words[i] = random_word(size);
        words[size - 2] = (uint16_t)(size - 2); /* a halt at the end */
        words[size - 1] = 0xEA87;
        hack_machine_load(ref, words, size);
        hack_machine_load(fast, words, size);
        if (rom % 2 == 1) { /* hooks bound before the translation */
            for (int h = 0; h < 20; h++) {
                uint16_t at = (uint16_t)(next_random() % size);
                hack_machine_add_hook(ref, at, HACK_HOOK_REPLACE, skip_hook, &hook_calls[0]);
                hack_machine_add_hook(fast, at, HACK_HOOK_REPLACE, skip_hook, &hook_calls[1]);
            }
        }
        for (int trial = 0; trial < trials; trial++, programs++) {
            ref->relaxed = fast->relaxed = trial % 5 == 4;
            for (size_t i = 0; i < 64; i++) ref->ram[i] = fast->ram[i] = (uint16_t)(next_random() % 64);
            ref->a = fast->a = (uint16_t)(next_random() % size);
            ref->d = fast->d = (uint16_t)next_random();
            ref->pc = fast->pc = (uint16_t)(next_random() % size);
            ref->fault = fast->fault = (hack_fault){0};
            if (rom == 4 && trial == 250) { /* a hook bound while the translation runs, where it runs through */
                uint16_t at = (uint16_t)(next_random() % size);
                hack_machine_add_hook(ref, at, HACK_HOOK_REPLACE, skip_hook, &hook_calls[0]);
                hack_machine_add_hook(fast, at, HACK_HOOK_REPLACE, skip_hook, &hook_calls[1]);
            }
            if (rom == 5 && trial == 250) { /* a poke: translated again */
                uint16_t at = (uint16_t)(next_random() % size), word = random_word(size);
                hack_machine_poke_rom(ref, at, word);
                hack_machine_poke_rom(fast, at, word);
            }
            compare_runs(ref, fast, 2000, trial % 3 == 0 ? 4 : 64, "random program");
        }
        /* rom 4 got a hook where the code runs through: set aside, the interpreter ran the rest */
        hack_tier_status status = hack_machine_tier_status(fast, NULL, 0);
        ck_assert(status == HACK_TIER_READY || (rom == 4 && status == HACK_TIER_SET_ASIDE));
    }
    ck_assert_int_eq(hook_calls[0], hook_calls[1]);
    ck_assert_int_ge(programs, roms * trials);
    hack_machine_destroy(ref);
    hack_machine_destroy(fast);
}

START_TEST(random_programs)
{
    random_programs_with(0, 6, 500);
}
END_TEST

/* a profile of 200 instructions reaches a few blocks; the trials start anywhere, so the rest is interpreted
 * until the shares call for a new profile and translation */
START_TEST(random_programs_profiled)
{
    random_programs_with(200, 6, 300);
}
END_TEST

/* The words the tier keeps in locals (R0..R15 at constant addresses) read and written through pointers too;
 * dispatch entries mid-block (a value constant that is a code address), entered by an indirect jump with
 * another A, and by the interpreter stepping on from an exit with the block's A. */
static const char pointers_and_entries[] =
    "    @15\n    D=A\n    @R16\n    M=D\n"
    "(LOOP)\n    @R16\n    A=M\n    M=M+1\n" /* RAM[p]++ through the pointer: the tier leaves, p < 16 */
    "(AFTER)\n    D=M\n    @R0\n    M=D+M\n    @R5\n    M=M+1\n"
    "    @R8\n" /* the interpreter steps from the exit above to MID with A = 8 */
    "(MID)\n    M=M+1\n"
    "    @R16\n    MD=M-1\n    @LOOP\n    D;JGE\n"
    "    @AFTER\n    D=A\n    @R9\n    M=D\n" /* AFTER and MID: values, so dispatch entries */
    "    @MID\n    D=A\n    @R6\n    M=D\n    @R7\n    MD=M+1\n    @3\n    D=D-A\n    @END\n    D;JGE\n"
    "    @R6\n    A=M\n    0;JMP\n" /* to MID with A = MID: the block's A is 8 */
    "(END)\n    @END\n    0;JMP\n";

START_TEST(pointers_to_kept_words_and_mid_block_entries)
{
    hack_program program;
    hack_diag_list diags;
    hack_program_init(&program);
    hack_diag_list_init(&diags);
    ck_assert(hack_asm_assemble("entries.asm", pointers_and_entries, strlen(pointers_and_entries), &program,
                                &diags));
    for (int round = 0; round < 40; round++) {
        hack_machine *ref = hack_machine_create(), *fast = make_tiered();
        hack_machine_load(ref, program.words, program.count);
        hack_machine_load(fast, program.words, program.count);
        for (int i = 0; i < 20; i++) ref->ram[i] = fast->ram[i] = (uint16_t)(next_random() % 7);
        ref->ram[16] = fast->ram[16] = 15;
        ref->ram[7] = fast->ram[7] = 0;
        compare_runs(ref, fast, 5000, round == 0 ? 1 : 1 + (uint32_t)round * 3, "pointers and entries");
        ck_assert_int_eq(fast->ram[7], 3); /* it got to the end */
        ck_assert_int_eq(hack_machine_tier_status(fast, NULL, 0), HACK_TIER_READY);
        hack_machine_destroy(ref);
        hack_machine_destroy(fast);
    }
    hack_program_free(&program);
    hack_diag_list_free(&diags);
}
END_TEST

static int course_programs;

static void run_course_program_with(const char *path, uint64_t profile_steps)
{
    hack_program program;
    hack_diag_list diags;
    hack_program_init(&program);
    hack_diag_list_init(&diags);
    if (hack_asm_assemble_file(path, &program, &diags) && program.count > 0) {
        hack_machine *ref = hack_machine_create(), *fast = make_tiered_profiled(profile_steps);
        hack_machine_load(ref, program.words, program.count);
        hack_machine_load(fast, program.words, program.count);
        for (int i = 0; i < 3; i++) ref->ram[i] = fast->ram[i] = (uint16_t)(next_random() % 100);
        ref->ram[HACK_KBD] = fast->ram[HACK_KBD] = 0;
        compare_runs(ref, fast, 1000000, 5000, path); /* slices of up to 5000 */
        compare_runs(ref, fast, 20000, 7, path);
        ref->ram[HACK_KBD] = fast->ram[HACK_KBD] = 32; /* a key held */
        compare_runs(ref, fast, 1000000, 5000, path);
        course_programs += profile_steps == 0;
        hack_machine_destroy(ref);
        hack_machine_destroy(fast);
    }
    hack_program_free(&program);
    hack_diag_list_free(&diags);
}

static void run_course_program(const char *path)
{
    run_course_program_with(path, 0);
    run_course_program_with(path, 2000); /* what hackemu does, with a shorter profile */
}

static void walk(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".asm") == 0)
            run_course_program(path);
        else if (depth < 6 && !strchr(e->d_name, '.'))
            walk(path, depth + 1);
    }
    closedir(d);
}

START_TEST(course_programs_agree)
{
    walk(N2T_DIR "/classic/projects", 0);
    walk(BENCH_DIR, 0);
    printf("tier: %d course programs, %llu slices compared\n", course_programs, (unsigned long long)compared_slices);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("tier");
    TCase *tc = tcase_create("tier");
    tcase_set_timeout(tc, 110);
    tcase_add_test(tc, random_programs);
    tcase_add_test(tc, random_programs_profiled);
    tcase_add_test(tc, pointers_to_kept_words_and_mid_block_entries);
    tcase_add_test(tc, course_programs_agree);
    suite_add_tcase(suite, tc);
    return suite;
}
