/* Hooks in the core: replace, observe (with recursion), stop and jump, an observe hook holding a return, on VM
 * code translated by hackvm, with the frame checked against the VM calling convention. */
#include "hack/machine.h"
#include "hack/vm.h"
#include "test_support.h"

#include <string.h>

static hack_machine *machine;
static hack_program program;

/* Sys.init: temp 0 = Main.mul(6, 7); temp 1 = Main.fib(10); temp 2 = Main.mul(temp 0, 2); then loops.
 * THIS and THAT are set so that the return must restore them. */
static const char sys_vm[] =
    "function Sys.init 0\n"
    "push constant 1111\npop pointer 0\npush constant 2222\npop pointer 1\n"
    "push constant 6\npush constant 7\ncall Main.mul 2\npop temp 0\n"
    "push constant 10\ncall Main.fib 1\npop temp 1\n"
    "push temp 0\npush constant 2\ncall Main.mul 2\npop temp 2\n"
    "label END\ngoto END\n";
static const char main_vm[] =
    "function Main.mul 1\n" /* by repeated addition */
    "push constant 3333\npop pointer 0\n"
    "label LOOP\npush argument 1\npush constant 0\neq\nif-goto DONE\n"
    "push local 0\npush argument 0\nadd\npop local 0\n"
    "push argument 1\npush constant 1\nsub\npop argument 1\ngoto LOOP\n"
    "label DONE\npush local 0\nreturn\n"
    "function Main.fib 0\n"
    "push argument 0\npush constant 2\nlt\nif-goto BASE\n"
    "push argument 0\npush constant 1\nsub\ncall Main.fib 1\n"
    "push argument 0\npush constant 2\nsub\ncall Main.fib 1\nadd\nreturn\n"
    "label BASE\npush argument 0\nreturn\n";

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert(hack_program_init(&program));
    hack_vm_sources sources = {0};
    hack_vm_sources_add(&sources, "Sys.vm", sys_vm, strlen(sys_vm));
    hack_vm_sources_add(&sources, "Main.vm", main_vm, strlen(main_vm));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_vm_options options = {.bootstrap = true, .require_functions = true};
    ck_assert(hack_vm_build(&sources, &options, "t.asm", &program, &diags));
    hack_diag_list_free(&diags);
    hack_vm_sources_free(&sources);
    hack_machine_load(machine, program.words, program.count);
}

static void teardown(void)
{
    hack_machine_destroy(machine);
    hack_program_free(&program);
}

static uint16_t entry(const char *name)
{
    const hack_symbol *s = hack_symtab_find(&program.symbols, name, strlen(name));
    ck_assert_ptr_nonnull(s);
    return s->value;
}

static hack_run_result run_to_end(void)
{
    return hack_machine_run(machine, 5000000);
}

static int calls, results;
static uint16_t last_args[4], seen_results[200];

static hack_hook_action native_mul(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)context;
    ck_assert_int_eq(event->kind, HACK_HOOK_CALL);
    ck_assert_uint_eq(event->count, 2);
    calls++;
    last_args[0] = m->ram[event->arg];
    last_args[1] = m->ram[event->arg + 1];
    *value = (uint16_t)(m->ram[event->arg] * m->ram[event->arg + 1] + 1000); /* recognisably native */
    return HACK_HOOK_RETURN;
}

START_TEST(replace_hook_returns_as_the_convention_does)
{
    ck_assert(hack_machine_add_hook(machine, entry("Main.mul"), HACK_HOOK_REPLACE, native_mul, NULL));
    calls = 0;
    hack_run_result r = run_to_end();
    ck_assert_int_eq(r.reason, HACK_STOP_HALT);
    ck_assert_int_eq(calls, 2);
    ck_assert_uint_eq(machine->ram[5], 1042);
    ck_assert_uint_eq(machine->ram[6], 55);
    ck_assert_uint_eq(machine->ram[7], 3084);
    ck_assert_uint_eq(machine->ram[3], 1111); /* THIS and THAT restored; the Jack body never ran (3333) */
    ck_assert_uint_eq(machine->ram[4], 2222);
    ck_assert_uint_eq(machine->ram[0], 261); /* SP back where Sys.init had it */
    ck_assert_uint_eq(machine->ram[1], 261);
    ck_assert_uint_eq(machine->ram[2], 256);
}
END_TEST

/* A native function that returns into its own entry through a corrupted frame (the frame at LCL names the
 * entry as its return address, LCL and ARG as themselves): each return enters the hook again, with no
 * instruction between. The first 65,536 such hooks in a row cost nothing, as every hook; each one after them
 * costs a cycle, so the budget still ends the run (it used to spin there forever). */
START_TEST(hooks_returning_into_themselves_end_with_the_budget)
{
    const uint16_t mul = entry("Main.mul");
    ck_assert(hack_machine_add_hook(machine, mul, HACK_HOOK_REPLACE, native_mul, NULL));
    machine->pc = mul;
    machine->ram[0] = 3000;
    machine->ram[1] = 3000; /* LCL */
    machine->ram[2] = 2993; /* ARG: two arguments */
    machine->ram[2995] = mul; /* the frame: return address, LCL, ARG */
    machine->ram[2996] = 3000;
    machine->ram[2997] = 2993;
    calls = 0;
    hack_run_result r = hack_machine_run(machine, 1000);
    ck_assert_int_eq(r.reason, HACK_STOP_BUDGET);
    ck_assert_uint_eq(r.cycles, 1000);
    ck_assert_int_eq(calls, 65536 + 1000);
    ck_assert_uint_eq(machine->pc, mul);
    ck_assert_uint_eq(machine->cycles, 1000);
    /* a run of 1 ends too */
    r = hack_machine_run(machine, 1);
    ck_assert_int_eq(r.reason, HACK_STOP_BUDGET);
    ck_assert_uint_eq(r.cycles, 1);
}
END_TEST

static hack_hook_action observe_fib(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)context;
    (void)value;
    if (event->kind == HACK_HOOK_CALL) {
        calls++;
        ck_assert_uint_eq(event->count, 1);
        ck_assert_uint_lt(m->ram[event->arg], 11);
    } else {
        seen_results[results++ % 200] = event->value;
    }
    return HACK_HOOK_PROCEED;
}

START_TEST(observe_hook_sees_calls_and_results_through_recursion)
{
    ck_assert(hack_machine_add_hook(machine, entry("Main.fib"), HACK_HOOK_OBSERVE, observe_fib, NULL));
    calls = results = 0;
    ck_assert_int_eq(run_to_end().reason, HACK_STOP_HALT);
    ck_assert_int_eq(calls, 177); /* fib(10) makes 177 calls */
    ck_assert_int_eq(results, 177);
    ck_assert_uint_eq(seen_results[(results - 1) % 200], 55); /* the outermost returns last */
    ck_assert_uint_eq(machine->ram[6], 55);
    ck_assert_uint_eq(machine->ram[5], 42); /* the Jack multiply ran */
}
END_TEST

static hack_hook_action stop_twice(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)event;
    int *stops = context;
    if ((*stops)++ < 2) return HACK_HOOK_STOP; /* e.g. waiting for a key */
    *value = (uint16_t)(m->ram[event->arg] + m->ram[event->arg + 1]);
    return HACK_HOOK_RETURN;
}

START_TEST(stop_then_reenter)
{
    int stops = 0;
    ck_assert(hack_machine_add_hook(machine, entry("Main.mul"), HACK_HOOK_REPLACE, stop_twice, &stops));
    hack_run_result r = run_to_end();
    ck_assert_int_eq(r.reason, HACK_STOP_HOOK);
    ck_assert_uint_eq(machine->pc, entry("Main.mul"));
    uint16_t sp = machine->ram[0];
    r = run_to_end();
    ck_assert_int_eq(r.reason, HACK_STOP_HOOK);
    ck_assert_uint_eq(r.cycles, 0);
    ck_assert_uint_eq(machine->ram[0], sp); /* nothing changed while it waited */
    ck_assert_int_eq(run_to_end().reason, HACK_STOP_HALT);
    ck_assert_uint_eq(machine->ram[5], 13);
}
END_TEST

static hack_hook_action observe_any(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)context;
    (void)m;
    (void)value;
    if (event->kind == HACK_HOOK_CALL) calls++;
    return HACK_HOOK_PROCEED;
}

START_TEST(hooks_leave_the_fast_path_exact)
{
    /* the same program, hooked on a function never called, runs the same cycles as unhooked */
    hack_run_result plain = run_to_end();
    hack_machine_load(machine, program.words, program.count);
    ck_assert(hack_machine_add_hook(machine, entry("Main.mul") + 3, HACK_HOOK_OBSERVE, observe_any, NULL));
    hack_machine_clear_hooks(machine);
    hack_run_result again = run_to_end();
    ck_assert_uint_eq(plain.cycles, again.cycles);
    /* a hook bound in the middle of a fused pair still fires */
    hack_machine_load(machine, program.words, program.count);
    calls = 0;
    ck_assert(hack_machine_add_hook(machine, entry("Main.mul"), HACK_HOOK_OBSERVE, observe_any, NULL));
    hack_run_result observed = run_to_end();
    ck_assert_uint_eq(observed.cycles, plain.cycles); /* observing costs no cycles */
    ck_assert_int_eq(calls, 2);
}
END_TEST

/* Holds each result of Main.mul twice: the caller waits at the return (as a paced Sys.wait does). */
static hack_hook_action hold_results(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)m;
    (void)value;
    int *holds = context;
    if (event->kind == HACK_HOOK_CALL) return HACK_HOOK_PROCEED;
    seen_results[results++ % 200] = event->value;
    if ((*holds)++ % 3 < 2) return HACK_HOOK_STOP;
    return HACK_HOOK_PROCEED;
}

START_TEST(observe_hook_holds_the_return)
{
    hack_run_result plain = run_to_end();
    uint16_t plain_ram[8];
    memcpy(plain_ram, machine->ram, sizeof plain_ram);
    hack_machine_load(machine, program.words, program.count);
    int holds = 0;
    results = 0;
    ck_assert(hack_machine_add_hook(machine, entry("Main.mul"), HACK_HOOK_OBSERVE, hold_results, &holds));
    hack_run_result r = run_to_end();
    ck_assert_int_eq(r.reason, HACK_STOP_HOOK);
    uint16_t at = machine->pc, sp = machine->ram[0];
    ck_assert_uint_eq(machine->ram[machine->ram[0] - 1], 42); /* the frame is gone, the result on the stack */
    uint64_t cycles = r.cycles;
    r = run_to_end(); /* held again: the same result, nothing runs */
    ck_assert_int_eq(r.reason, HACK_STOP_HOOK);
    ck_assert_uint_eq(r.cycles, 0);
    ck_assert_uint_eq(machine->pc, at);
    ck_assert_uint_eq(machine->ram[0], sp);
    ck_assert_int_eq(results, 2);
    ck_assert_uint_eq(seen_results[1], 42);
    for (;;) { /* released on the third look; the second call is held the same way */
        r = run_to_end();
        cycles += r.cycles;
        if (r.reason != HACK_STOP_HOOK) break;
    }
    ck_assert_int_eq(r.reason, HACK_STOP_HALT);
    ck_assert_int_eq(results, 6);
    ck_assert_uint_eq(seen_results[5], 84);
    ck_assert_uint_eq(cycles, plain.cycles); /* holding changes nothing in what runs */
    ck_assert_mem_eq(machine->ram, plain_ram, sizeof plain_ram);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("hooks");
    TCase *tc = tcase_create("hooks");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, replace_hook_returns_as_the_convention_does);
    tcase_add_test(tc, observe_hook_sees_calls_and_results_through_recursion);
    tcase_add_test(tc, stop_then_reenter);
    tcase_add_test(tc, hooks_leave_the_fast_path_exact);
    tcase_add_test(tc, observe_hook_holds_the_return);
    tcase_add_test(tc, hooks_returning_into_themselves_end_with_the_budget);
    suite_add_tcase(suite, tc);
    return suite;
}
