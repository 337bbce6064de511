/* The run driver: each stop means one thing (halt, budget, fault, a heap error, waiting for a key), cycles add
 * up across runs exactly as one run, scripted keys arrive at their cycle, a script's tick lets time pass for a
 * program that stopped, and addresses from the user stay inside RAM. */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/build.h"
#include "hack/session.h"
#include "test_abort.h"
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

/* Allocation failures on demand: this executable is linked with --wrap=malloc,calloc,realloc (tests/CMakeLists.txt),
 * so every allocation of the libraries comes here; fail_at counts down to the one that fails (-1: none). */
void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *pointer, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *pointer, size_t size);

static long fail_at = -1;
static bool failed_one;

static bool fails_now(void)
{
    if (fail_at < 0 || fail_at-- > 0) return false;
    failed_one = true;
    return true;
}

void *__wrap_malloc(size_t size)
{
    return fails_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    return fails_now() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *pointer, size_t size)
{
    return fails_now() ? NULL : __real_realloc(pointer, size);
}

static hack_machine *machine;
static hack_program program;
static hack_session *session;

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert_ptr_nonnull(machine);
    ck_assert(hack_program_init(&program));
    session = NULL;
}

static void teardown(void)
{
    hack_session_free(session);
    hack_program_free(&program);
    hack_machine_destroy(machine);
}

static void assemble(const char *text)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    ck_assert_msg(hack_asm_assemble("test.asm", text, strlen(text), &program, &diags), "%s",
                  hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
}

static void start(const hack_session_options *options, unsigned os_added, bool machine_code)
{
    session = hack_session_create(machine, options);
    ck_assert_ptr_nonnull(session);
    ck_assert(hack_session_load(session, &program, os_added, machine_code, NULL));
}

/* RAM[0] = 1 + 2 + ... + 100, then the halt idiom: 8 instructions before the loop, 10 a round. */
static const char sum_asm[] = "@i\nM=1\n@R0\nM=0\n(LOOP)\n@i\nD=M\n@100\nD=D-A\n@END\nD;JGT\n"
                              "@i\nD=M\n@R0\nM=D+M\n@i\nM=M+1\n@LOOP\n0;JMP\n(END)\n@END\n0;JMP\n";

START_TEST(halts_and_budget_runs_add_up)
{
    assemble(sum_asm);
    hack_session_options options = {0};
    start(&options, 0, true);
    hack_session_stop whole = hack_session_run(session, UINT64_MAX);
    ck_assert_int_eq(whole.state, HACK_SESSION_HALTED);
    ck_assert_uint_eq(machine->ram[0], 5050);
    uint64_t total = whole.cycles;

    /* the same program in runs of 7 instructions: BUDGET each time, the same total */
    ck_assert(hack_session_reload(session, NULL));
    machine->ram[0] = 0;
    uint64_t sum = 0;
    hack_session_stop part;
    do {
        part = hack_session_run(session, 7);
        sum += part.cycles;
        if (part.state == HACK_SESSION_BUDGET) ck_assert_uint_eq(part.cycles, 7);
    } while (part.state == HACK_SESSION_BUDGET);
    ck_assert_int_eq(part.state, HACK_SESSION_HALTED);
    ck_assert_uint_eq(sum, total);
    ck_assert_uint_eq(machine->cycles, total);
    ck_assert_uint_eq(machine->ram[0], 5050);
}
END_TEST

START_TEST(fault_is_a_fault)
{
    assemble("@30000\nD=M\n(END)\n@END\n0;JMP\n");
    hack_session_options options = {0};
    start(&options, 0, true);
    hack_session_stop stop = hack_session_run(session, 100);
    ck_assert_int_eq(stop.state, HACK_SESSION_FAULT);
    ck_assert_int_eq(machine->fault.kind, HACK_FAULT_BAD_READ);
    ck_assert_uint_eq(stop.cycles, 1); /* the @30000 ran, the read did not */
}
END_TEST

/* Copies the keyboard to RAM[1] for ever. */
START_TEST(scripted_keys_arrive_at_their_cycle)
{
    assemble("(LOOP)\n@KBD\nD=M\n@R1\nM=D\n@LOOP\n0;JMP\n");
    hack_session_options options = {0};
    start(&options, 0, true);
    hack_key_event keys[] = {{1000, 65}, {2000, 0}};
    ck_assert(hack_session_set_keys(session, keys, 2));
    hack_session_stop stop = hack_session_run(session, 999);
    ck_assert_int_eq(stop.state, HACK_SESSION_BUDGET);
    ck_assert_uint_eq(machine->ram[HACK_KBD], 0);
    stop = hack_session_run(session, 500);
    ck_assert_uint_eq(machine->ram[HACK_KBD], 65);
    ck_assert_uint_eq(machine->ram[1], 65);
    stop = hack_session_run(session, 1000);
    ck_assert_uint_eq(machine->ram[HACK_KBD], 0);
    ck_assert_uint_eq(machine->cycles, 2499);
}
END_TEST

/* A script's ticks: a halted program's time still passes (the course's emulators run the halt loop). */
START_TEST(tick_lets_time_pass_after_a_halt)
{
    assemble(sum_asm);
    hack_session_options options = {.test_script = true};
    start(&options, 0, true);
    machine->stop_on_halt = true; /* the session sees a halt; the tick must still count the whole time */
    uint64_t done;
    hack_session_state state = hack_session_tick(session, 5000, &done);
    ck_assert_int_eq(state, HACK_SESSION_HALTED);
    ck_assert_uint_eq(done, 5000);
    ck_assert_uint_eq(machine->cycles, 5000);
    ck_assert_uint_eq(machine->ram[0], 5050);
}
END_TEST

static char messages[4096];

static void collect(void *context, const char *text)
{
    (void)context;
    strncat(messages, text, sizeof messages - strlen(messages) - 1);
}

/* A double free with the native Memory: the run stops as a heap error (reported with the Jack call stack),
 * and a script's tick ends there instead of spinning on a hook that stops again and again. */
START_TEST(native_memory_bad_free_is_a_heap_error)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options build = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(SAMPLES_DIR "/bugs/DoubleFree", &build, &program, &diags), "%s",
                  hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    messages[0] = '\0';
    hack_session_options options = {.message = collect};
    start(&options, build.os_added, false);
    hack_session_stop stop = hack_session_run(session, 10000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_HEAP_ERROR);
    ck_assert_ptr_nonnull(strstr(messages, "Memory.deAlloc"));
    ck_assert_ptr_nonnull(strstr(messages, "called from Main.main"));

    /* the same in a script, with the native Memory asked for */
    hack_session_free(session);
    hack_session_options script = {.test_script = true, .native_memory = true, .message = collect};
    start(&script, build.os_added, false);
    uint64_t done;
    hack_session_state state = hack_session_tick(session, 10000000, &done);
    ck_assert_int_eq(state, HACK_SESSION_HEAP_ERROR);
    ck_assert_uint_lt(done, 10000000);
}
END_TEST

/* Every allocation of a load that asks for the heap check, the native Memory, the native OS and the Output mirror
 * fails in turn: the load either binds all that was asked for, or says it could not (false, and why in diags). */
START_TEST(a_failed_bind_fails_the_load)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options build = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(SAMPLES_DIR "/bugs/DoubleFree", &build, &program, &diags), "%s",
                  hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    hack_session_options options = {.check_heap = true, .mirror_output = true};
    size_t refused = 0;
    for (long n = 0;; n++) {
        session = hack_session_create(machine, &options);
        ck_assert_ptr_nonnull(session);
        hack_diag_list_init(&diags);
        failed_one = false;
        fail_at = n;
        const bool loaded = hack_session_load(session, &program, build.os_added, false, &diags);
        fail_at = -1;
        if (loaded) {
            ck_assert_msg(hack_session_block_record(session) != NULL, "allocation %ld failed: no heap check", n);
            ck_assert_msg(hack_session_heap(session) != NULL, "allocation %ld failed: no native Memory", n);
            ck_assert_uint_eq(diags.error_count, 0);
        } else {
            ck_assert(failed_one);
            ck_assert_msg(strstr(hack_diag_first_error(&diags), "out of memory"), "allocation %ld: '%s'", n,
                          hack_diag_first_error(&diags));
            refused++;
        }
        hack_diag_list_free(&diags);
        hack_session_free(session);
        session = NULL;
        if (!failed_one) break; /* the load ran to its end without a failure: every allocation has failed once */
    }
    ck_assert_uint_ge(refused, 3); /* the heap check, the native Memory and the native OS at least */
}
END_TEST

#ifndef NDEBUG
static void load_nothing(void *context)
{
    hack_session_load(context, NULL, 0, false, NULL);
}
#endif

/* A load of no program is a caller's bug: a debug build stops at the assertion, a release build refuses it and
 * leaves the session as it was. */
START_TEST(a_load_of_no_program_is_refused)
{
    assemble(sum_asm);
    hack_session_options options = {0};
    start(&options, 0, true);
#ifdef NDEBUG
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    ck_assert(!hack_session_load(session, NULL, 0, true, &diags));
    ck_assert_str_eq(hack_diag_first_error(&diags), "no program to load");
    hack_diag_list_free(&diags);
    ck_assert(!hack_session_load(session, NULL, 0, true, NULL));
    ck_assert_ptr_eq(hack_session_program(session), &program);
    ck_assert_int_eq(hack_session_run(session, UINT64_MAX).state, HACK_SESSION_HALTED);
    ck_assert_uint_eq(machine->ram[0], 5050);
#else
    ck_assert(test_aborts(load_nothing, session));
#endif
}
END_TEST

/* A loop that writes the same values again and again is a halt; one that reads the keyboard waits for a key when none
 * is to come; one that counts runs on. */
START_TEST(endless_loops_halt)
{
    assemble("@5\nD=A\n@R0\nM=D\n(LOOP)\n@R1\nM=0\nM=-1\nM=0\n@LOOP\n0;JMP\n");
    hack_session_options options = {0};
    start(&options, 0, true);
    hack_session_stop stop = hack_session_run(session, 100000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_HALTED);
    ck_assert(stop.endless_loop);
    ck_assert_uint_lt(stop.cycles, 10000000); /* found within the first looks, not at the budget */
    ck_assert_uint_eq(stop.cycles, machine->cycles);
    hack_session_free(session);
    session = NULL;

    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    assemble("(LOOP)\n@KBD\nD=M\n@R1\nM=0\n@LOOP\n0;JMP\n"); /* waits on the keyboard */
    start(&options, 0, true);
    /* a key scripted later: input will come, the loop runs on */
    const hack_key_event later[] = {{30000000, 65}};
    ck_assert(hack_session_set_keys(session, later, 1));
    stop = hack_session_run(session, 20000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_BUDGET);
    ck_assert_uint_eq(stop.cycles, 20000000);
    /* no key to come: it waits for one, as the native Keyboard.readChar's wait says */
    ck_assert(hack_session_set_keys(session, NULL, 0));
    stop = hack_session_run(session, 20000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_WAITING_KEY);
    ck_assert_uint_lt(stop.cycles, 10000000);
    hack_session_free(session);
    session = NULL;

    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    assemble("(LOOP)\n@R1\nM=M+1\n@LOOP\n0;JMP\n"); /* counts: never the same state twice in a row */
    start(&options, 0, true);
    stop = hack_session_run(session, 20000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_BUDGET);
    ck_assert_uint_eq(machine->ram[1], (uint16_t)5000000); /* 4 instructions a round */

    /* a test script's program spins on: its time passes, as on the course's emulators */
    hack_session_free(session);
    session = NULL;
    hack_program_free(&program);
    ck_assert(hack_program_init(&program));
    assemble("(LOOP)\n@R1\nM=0\n@LOOP\n0;JMP\n");
    hack_session_options script = {.test_script = true};
    start(&script, 0, true);
    stop = hack_session_run(session, 20000000);
    ck_assert_int_eq(stop.state, HACK_SESSION_BUDGET);
}
END_TEST

START_TEST(addresses_stay_in_ram)
{
    assemble("@x\nM=1\n@y\nM=1\n");
    bool out_of_memory;
    /* a hostile symbol file could bind a name anywhere */
    ck_assert(hack_symtab_add(&program.symbols, "far", 3, 60000, HACK_SYMBOL_VARIABLE, &out_of_memory));
    uint16_t address;
    ck_assert(hack_session_resolve_address(&program, "32767", 5, &address));
    ck_assert_uint_eq(address, 32767);
    ck_assert(!hack_session_resolve_address(&program, "32768", 5, &address));
    ck_assert(!hack_session_resolve_address(&program, "99999999999999999999", 20, &address));
    ck_assert(hack_session_resolve_address(&program, "R13", 3, &address));
    ck_assert_uint_eq(address, 13);
    ck_assert(hack_session_resolve_address(&program, "y", 1, &address));
    ck_assert_uint_eq(address, 17);
    ck_assert(!hack_session_resolve_address(&program, "far", 3, &address));
    ck_assert(!hack_session_resolve_address(&program, "nowhere", 7, &address));
    ck_assert(!hack_session_resolve_address(&program, "", 0, &address));
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("run driver");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, halts_and_budget_runs_add_up);
    tcase_add_test(tc, fault_is_a_fault);
    tcase_add_test(tc, scripted_keys_arrive_at_their_cycle);
    tcase_add_test(tc, tick_lets_time_pass_after_a_halt);
    tcase_add_test(tc, native_memory_bad_free_is_a_heap_error);
    tcase_add_test(tc, a_failed_bind_fails_the_load);
    tcase_add_test(tc, a_load_of_no_program_is_refused);
    tcase_add_test(tc, endless_loops_halt);
    tcase_add_test(tc, addresses_stay_in_ram);
    suite_add_tcase(s, tc);
    return s;
}
