/* The run driver: each stop means one thing (halt, budget, fault, a heap error, waiting for a key), cycles add
 * up across runs exactly as one run, scripted keys arrive at their cycle, a script's tick lets time pass for a
 * program that stopped, and addresses from the user stay inside RAM. */
#define _POSIX_C_SOURCE 200809L
#include "hack/asm.h"
#include "hack/build.h"
#include "hack/session.h"
#include "hack/stop.h"
#include "hack/vm.h"
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
    const hack_launch launch = {.program = &program, .os_added = os_added,
                                .code = machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM, .bootstrapped = true};
    ck_assert(hack_session_load(session, &launch, NULL));
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

/* A session with options loading the program with its allocation n failing (n from 0: each in turn). */
static bool load_failing_at(const hack_session_options *options, unsigned os_added, long n, hack_diag_list *diags)
{
    session = hack_session_create(machine, options);
    ck_assert_ptr_nonnull(session);
    hack_diag_list_init(diags);
    failed_one = false;
    fail_at = n;
    const hack_launch launch = {
        .program = &program, .os_added = os_added, .code = HACK_LAUNCH_VM, .bootstrapped = true};
    const bool loaded = hack_session_load(session, &launch, diags);
    fail_at = -1;
    return loaded;
}

/* After a load with allocation n failing: loaded, every function of names is hooked; refused, no hook is left
 * bound with the context of a binder that gave up. */
static void assert_all_or_none(bool loaded, long n, const char *const *names, size_t count)
{
    if (!loaded) {
        ck_assert(failed_one);
        ck_assert_msg(!hack_machine_has_hooks(machine), "allocation %ld: hooks left bound", n);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const hack_symbol *f = hack_symtab_find(&program.symbols, names[i], strlen(names[i]));
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(hack_machine_hooked(machine, f->value), "allocation %ld failed: %s not bound", n, names[i]);
    }
}

static void end_load(hack_diag_list *diags)
{
    hack_diag_list_free(diags);
    hack_session_free(session);
    session = NULL;
}

/* Every allocation of a load that asks for the heap check, the native Memory, the native OS and the Output mirror
 * fails in turn: the load either binds all that was asked for, or says it could not (false, and why in diags), and
 * leaves nothing bound. */
START_TEST(a_failed_bind_fails_the_load)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options build = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(SAMPLES_DIR "/bugs/DoubleFree", &build, &program, &diags), "%s",
                  hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    /* all of the native OS and Memory: a native alloc beside the Jack deAlloc would corrupt the heap */
    static const char *const natives[] = {
        "Memory.init",        "Memory.alloc",          "Memory.deAlloc",     "Memory.peek",
        "Memory.poke",        "Math.multiply",         "Math.divide",        "Math.sqrt",
        "Output.printChar",   "Output.printString",    "Output.println",     "Output.moveCursor",
        "Screen.clearScreen", "Screen.setColor",       "Screen.drawPixel",   "Screen.drawLine",
        "Screen.drawRectangle", "Screen.drawCircle",   "Keyboard.readChar",  "Sys.wait",
        "Sys.error"};
    const hack_session_options options = {.check_heap = true, .mirror_output = true};
    size_t refused = 0;
    for (long n = 0;; n++) {
        const bool loaded = load_failing_at(&options, build.os_added, n, &diags);
        assert_all_or_none(loaded, n, natives, sizeof natives / sizeof natives[0]);
        if (loaded) {
            ck_assert_msg(hack_session_block_record(session) != NULL, "allocation %ld failed: no heap check", n);
            ck_assert_msg(hack_session_heap(session) != NULL, "allocation %ld failed: no native Memory", n);
            ck_assert_uint_eq(diags.error_count, 0);
        } else {
            ck_assert_msg(strstr(hack_diag_first_error(&diags), "out of memory"), "allocation %ld: '%s'", n,
                          hack_diag_first_error(&diags));
            refused++;
        }
        end_load(&diags);
        if (!failed_one) break; /* the load ran to its end without a failure: every allocation has failed once */
    }
    ck_assert_uint_ge(refused, 3); /* the heap check, the native Memory and the native OS at least */

    /* the heap check on the program's own Memory (the Jack OS): its observers all bound, or the load refused */
    static const char *const observed[] = {"Memory.init", "Memory.alloc", "Memory.deAlloc", "Memory.peek",
                                           "Memory.poke"};
    const hack_session_options jack = {.check_heap = true, .jack_os = true};
    refused = 0;
    for (long n = 0;; n++) {
        const bool loaded = load_failing_at(&jack, build.os_added, n, &diags);
        assert_all_or_none(loaded, n, observed, sizeof observed / sizeof observed[0]);
        refused += !loaded;
        end_load(&diags);
        if (!failed_one) break;
    }
    ck_assert_uint_ge(refused, 1);
}
END_TEST

#ifndef NDEBUG
static void load_nothing(void *context)
{
    hack_session_load(context, &(hack_launch){.program = NULL}, NULL);
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
    ck_assert(!hack_session_load(session, &(hack_launch){.program = NULL}, &diags));
    ck_assert_str_eq(hack_diag_first_error(&diags), "no program to load");
    hack_diag_list_free(&diags);
    ck_assert(!hack_session_load(session, &(hack_launch){.program = NULL}, NULL));
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

/* VM code translated without a bootstrap, as a lone .vm file is. */
static void translate(const char *text)
{
    hack_vm_sources sources = {NULL, 0};
    ck_assert(hack_vm_sources_add(&sources, "Lone.vm", text, strlen(text)));
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    const hack_vm_options options = {.bootstrap = false};
    ck_assert_msg(hack_vm_build(&sources, &options, "Lone", &program, &diags), "%s", hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    hack_vm_sources_free(&sources);
}

/* The launch is the whole start: a lone VM file starts with SP = 256 as the course's VM emulator starts it, then
 * the RAM writes (--set) are made; a reload makes them all again, from the session's own copy. */
START_TEST(reload_replays_the_launch)
{
    translate("push constant 7\npush constant 8\nadd\npop temp 2\nlabel END\ngoto END\n");
    hack_ram_write writes[] = {{5, 1234}, {6, 65535}, {300, 9}};
    const hack_launch launch = {.program = &program, .code = HACK_LAUNCH_VM, .bootstrapped = false,
                                .writes = writes, .write_count = 3};
    hack_session_options options = {0};
    session = hack_session_create(machine, &options);
    ck_assert_ptr_nonnull(session);
    ck_assert(hack_session_load(session, &launch, NULL));
    writes[0].value = 1; /* the session keeps its own copy */
    ck_assert_uint_eq(machine->ram[0], 256);
    ck_assert_uint_eq(machine->ram[5], 1234);
    ck_assert_uint_eq(machine->ram[6], 65535);
    ck_assert_uint_eq(machine->ram[300], 9);
    ck_assert_uint_eq(machine->pc, 0);

    /* the program runs: 7 + 8 at the stack's bottom, popped into temp 2 (RAM[7]), then the halt idiom */
    hack_session_stop stop = hack_session_run(session, 200);
    ck_assert_int_eq(stop.state, HACK_SESSION_HALTED);
    ck_assert_uint_eq(machine->ram[7], 15);
    ck_assert_uint_eq(machine->ram[0], 256);
    machine->ram[0] = 999;
    machine->ram[5] = machine->ram[6] = machine->ram[300] = 0;

    ck_assert(hack_session_reload(session, NULL));
    ck_assert_uint_eq(machine->ram[0], 256);
    ck_assert_uint_eq(machine->ram[5], 1234);
    ck_assert_uint_eq(machine->ram[6], 65535);
    ck_assert_uint_eq(machine->ram[300], 9);
    ck_assert_uint_eq(machine->pc, 0);
    ck_assert_uint_eq(machine->cycles, 0);
    ck_assert_uint_eq(machine->ram[7], 15); /* the rest of the RAM is as the last run left it */

    /* a write to SP is made after the start, so it is the one that counts, each time */
    hack_ram_write sp = {0, 400};
    const hack_launch moved = {.program = &program, .code = HACK_LAUNCH_VM, .writes = &sp, .write_count = 1};
    ck_assert(hack_session_load(session, &moved, NULL));
    ck_assert_uint_eq(machine->ram[0], 400);
    machine->ram[0] = 256;
    ck_assert(hack_session_reload(session, NULL));
    ck_assert_uint_eq(machine->ram[0], 400);
}
END_TEST

/* Without the bootstrap, a VM program with Sys.init starts there, entered without a frame (the VM emulator's way,
 * a VM test script's); with it, and for machine code, the program starts at ROM 0 and SP is the program's. */
START_TEST(a_start_follows_the_provenance)
{
    translate("function Main.f 0\npush constant 1\nreturn\nfunction Sys.init 0\npush constant 3\nlabel END\ngoto END\n");
    const hack_symbol *init = hack_symtab_find(&program.symbols, "Sys.init", 8);
    ck_assert_ptr_nonnull(init);
    ck_assert_uint_ne(init->value, 0);
    hack_session_options options = {0};
    session = hack_session_create(machine, &options);
    ck_assert_ptr_nonnull(session);
    ck_assert(hack_session_load(session, &(hack_launch){.program = &program, .code = HACK_LAUNCH_VM}, NULL));
    ck_assert_uint_eq(machine->pc, init->value);
    ck_assert_uint_eq(machine->ram[0], 256);
    hack_session_run(session, 100);
    ck_assert_uint_ne(machine->pc, init->value);
    ck_assert(hack_session_reload(session, NULL));
    ck_assert_uint_eq(machine->pc, init->value);

    machine->ram[0] = 7;
    const hack_launch booted = {.program = &program, .code = HACK_LAUNCH_VM, .bootstrapped = true};
    ck_assert(hack_session_load(session, &booted, NULL));
    ck_assert_uint_eq(machine->pc, 0);
    ck_assert_uint_eq(machine->ram[0], 7);
    const hack_launch translated = {.program = &program, .code = HACK_LAUNCH_TRANSLATED};
    ck_assert(hack_session_load(session, &translated, NULL));
    ck_assert_uint_eq(machine->pc, 0);
    ck_assert_uint_eq(machine->ram[0], 7);
    const hack_launch machine_code = {.program = &program, .code = HACK_LAUNCH_MACHINE_CODE};
    ck_assert(hack_session_load(session, &machine_code, NULL));
    ck_assert_uint_eq(machine->pc, 0);
    ck_assert_uint_eq(machine->ram[0], 7);
}
END_TEST

/* --set's ADDR=VALUE: a RAM address or symbol, a value that fits a word (negative ones as two's complement). */
START_TEST(ram_writes_parse)
{
    assemble("@x\nM=1\n");
    hack_ram_write w;
    ck_assert(hack_ram_write_parse(&program, "R1=5", &w));
    ck_assert_uint_eq(w.address, 1);
    ck_assert_uint_eq(w.value, 5);
    ck_assert(hack_ram_write_parse(&program, "SP=-1", &w));
    ck_assert_uint_eq(w.address, 0);
    ck_assert_uint_eq(w.value, 65535);
    ck_assert(hack_ram_write_parse(&program, "x=-32768", &w));
    ck_assert_uint_eq(w.address, 16);
    ck_assert_uint_eq(w.value, 32768);
    ck_assert(hack_ram_write_parse(&program, "32767=65535", &w));
    ck_assert_uint_eq(w.address, 32767);
    static const char *const refused[] = {"R1", "R1=", "=5", "R1=5x", "R1=65536", "R1=-32769", "32768=1", "nowhere=1",
                                          "R1=99999999999999999999"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        ck_assert_msg(!hack_ram_write_parse(&program, refused[i], &w), "%s", refused[i]);
}
END_TEST

/* tests/debug/Errors, stopped as RAM[8000] says (1 Sys.error, 2 a stack overflow, else a machine error), and the
 * record of its stop. */
static hack_stop_record *run_errors(int which)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options build = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(ERRORS_DIR, &build, &program, &diags), "%s", hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    const hack_ram_write choice = {8000, (uint16_t)which};
    const hack_launch launch = {.program = &program, .os_added = build.os_added, .code = HACK_LAUNCH_VM,
                                .bootstrapped = true, .writes = &choice, .write_count = 1};
    messages[0] = '\0';
    hack_session_options options = {.message = collect};
    session = hack_session_create(machine, &options);
    ck_assert_ptr_nonnull(session);
    ck_assert(hack_session_load(session, &launch, NULL));
    const hack_session_stop stop = hack_session_run(session, 50000000);
    hack_stop_record *record = malloc(sizeof *record);
    ck_assert_ptr_nonnull(record);
    hack_session_record_stop(session, stop, record);
    return record;
}

static void expect_text(const hack_stop_record *record, hack_stop_text kind, const char *name, const char *start,
                        const char *within)
{
    char text[8000];
    const size_t n = hack_stop_format(record, kind, name, text, sizeof text);
    ck_assert_uint_eq(n, strlen(text));
    ck_assert_msg(strncmp(text, start, strlen(start)) == 0, "\"%s\" should start with \"%s\"", text, start);
    ck_assert_msg(strstr(text, within), "\"%s\" should hold \"%s\"", text, within);
}

/* A machine error's record: the fault's kind and address, the Jack frames; each reader's words for it. */
START_TEST(a_machine_error_is_recorded_and_told)
{
    hack_stop_record *r = run_errors(3);
    ck_assert_int_eq(r->stop.state, HACK_SESSION_FAULT);
    ck_assert_int_eq(r->fault.kind, HACK_FAULT_BAD_WRITE);
    ck_assert_uint_eq(r->fault.address, 30000);
    ck_assert_uint_eq(r->cycle, machine->cycles);
    ck_assert(r->mapped);
    ck_assert_str_eq(r->place, "Main.poke (Main.jack:14)");
    ck_assert_uint_ge(r->frame_count, 3);
    char frame[200];
    hack_backtrace_frame_describe(&program, &r->frames[1], frame, sizeof frame);
    ck_assert_str_eq(frame, "Main.main (Main.jack:29)");
    char cycle[64];
    snprintf(cycle, sizeof cycle, "Errors: machine error at cycle %llu: PC ", (unsigned long long)r->cycle);
    expect_text(r, HACK_STOP_TEXT_RUN, "Errors", cycle,
                "M=D): write to RAM[30000], above the keyboard (24576)\n  in Main.poke (Main.jack:14)\n"
                "  called from Main.main (Main.jack:29)\n  called from Sys.init (Sys.jack:");
    expect_text(r, HACK_STOP_TEXT_DEBUGGER, NULL, "Machine error: PC ",
                "write to RAM[30000], above the keyboard (24576)\nStopped before it, in Main.poke (Main.jack:14)\n");
    expect_text(r, HACK_STOP_TEXT_DETAIL, NULL, "PC ", "write to RAM[30000], above the keyboard (24576)");
    r->cycle = 77; /* a script counts its own time */
    expect_text(r, HACK_STOP_TEXT_SCRIPT, "E.tst:3", "E.tst:3: machine error at cycle 77: PC ",
                "(24576)\n  in Main.poke (Main.jack:14)\n");
    free(r);
}
END_TEST

/* A Sys.error: its code and where it was called, whatever the state the run ended in says. */
START_TEST(a_sys_error_is_recorded_with_its_code_and_caller)
{
    hack_stop_record *r = run_errors(1);
    ck_assert_int_eq(r->stop.state, HACK_SESSION_SYS_ERROR);
    ck_assert(r->sys_error);
    ck_assert_int_eq(r->sys_error_code, 3);
    ck_assert_uint_ge(r->error_frame_count, 3);
    char frame[200];
    hack_backtrace_frame_describe(&program, &r->error_frames[0], frame, sizeof frame);
    ck_assert_str_eq(frame, "Sys.error (Sys.jack:23)");
    hack_backtrace_frame_describe(&program, &r->error_frames[1], frame, sizeof frame);
    ck_assert_str_eq(frame, "Main.divide (Main.jack:4)");
    ck_assert_msg(strncmp(r->message, "Sys.error(3): Math.divide by zero\n", 34) == 0, "%s", r->message);
    ck_assert_str_eq(r->error_message, r->message);
    ck_assert_ptr_nonnull(strstr(r->error_message, "\n  called from Main.divide (Main.jack:4)\n"));
    expect_text(r, HACK_STOP_TEXT_DEBUGGER, NULL, "The program called Sys.error (reported above): stopped in ", "\n");
    char text[100];
    ck_assert_uint_eq(hack_stop_format(r, HACK_STOP_TEXT_RUN, "Errors", text, sizeof text), 0); /* told already */
    free(r);
}
END_TEST

/* A stack overflow: its words for each reader, the recursion summed up. */
START_TEST(a_stack_overflow_is_recorded_and_told)
{
    hack_stop_record *r = run_errors(2);
    ck_assert_int_eq(r->stop.state, HACK_SESSION_STACK_ERROR);
    ck_assert_int_eq(r->stop.stack, HACK_STACK_OVERFLOW);
    ck_assert_uint_eq(r->sp, machine->ram[0]);
    char start[100];
    snprintf(start, sizeof start, "Errors: stack overflow at cycle %llu: SP = %u, past the top of the stack (2047)\n",
             (unsigned long long)r->cycle, (unsigned)r->sp);
    expect_text(r, HACK_STOP_TEXT_RUN, "Errors", start, "  in Main.deeper (Main.jack:8)\n");
    expect_text(r, HACK_STOP_TEXT_RUN, "Errors", start, "Main.deeper called itself");
    snprintf(start, sizeof start, "Stack overflow: SP = %u, past the top of the stack (2047)\n", (unsigned)r->sp);
    expect_text(r, HACK_STOP_TEXT_DEBUGGER, NULL, start, "Main.deeper called itself");
    expect_text(r, HACK_STOP_TEXT_DETAIL, NULL, "the stack ran into the heap", "");
    free(r);
}
END_TEST

/* The heap check's findings, as the session hands them on: the facts their words tell. */
enum { MAX_FINDINGS = 64 };
static hack_heap_finding findings[MAX_FINDINGS];
static char finding_texts[MAX_FINDINGS][2048];
static size_t finding_count;

static void keep_finding(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)context;
    if (finding_count == MAX_FINDINGS) return;
    findings[finding_count] = *finding;
    snprintf(finding_texts[finding_count++], sizeof finding_texts[0], "%s", text);
}

static void check_sample(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bugs/%s", SAMPLES_DIR, name);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options build = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(path, &build, &program, &diags), "%s", hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    finding_count = 0;
    hack_session_options options = {.check_heap = true, .heap_report = keep_finding};
    start(&options, build.os_added, false);
    hack_session_run(session, 20000000);
    hack_session_finish(session);
    ck_assert_uint_ge(finding_count, 2);
    ck_assert_int_eq(findings[finding_count - 1].kind, HACK_HEAP_FINDING_SUMMARY);
}

/* The frame a finding's text names first ("  in F (File:line)"), against its first frame. */
static void expect_first_frame(size_t i, const char *where)
{
    char frame[200];
    ck_assert_uint_gt(findings[i].frame_count, 0);
    hack_backtrace_frame_describe(&program, &findings[i].frames[0], frame, sizeof frame);
    ck_assert_str_eq(frame, where);
    char line[220];
    snprintf(line, sizeof line, "\n  in %s\n", where);
    ck_assert_msg(strstr(finding_texts[i], line), "%s", finding_texts[i]);
}

START_TEST(heap_findings_carry_their_facts)
{
    check_sample("OffByOne");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_OUT_OF_BOUNDS);
    ck_assert_uint_eq(findings[0].address, 14970);
    ck_assert_uint_eq(findings[0].block, 14960);
    ck_assert_uint_eq(findings[0].block_words, 10);
    ck_assert(findings[0].write);
    expect_first_frame(0, "Main.main (Main.jack:9)");
    ck_assert_int_eq(findings[1].problems, 1);
    teardown();
    setup();

    check_sample("UseAfterFree");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_USE_AFTER_FREE);
    ck_assert_uint_eq(findings[0].address, 14967);
    ck_assert_uint_eq(findings[0].block, 14965);
    ck_assert_uint_eq(findings[0].block_words, 5);
    ck_assert(!findings[0].write);
    teardown();
    setup();

    check_sample("DoubleFree");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_DOUBLE_FREE);
    ck_assert_uint_eq(findings[0].block, 14965);
    ck_assert_uint_eq(findings[0].block_words, 5);
    teardown();
    setup();

    check_sample("Leak");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_LEAK);
    ck_assert_uint_eq(findings[0].block, 14962);
    ck_assert_uint_eq(findings[0].block_words, 8);
    teardown();
    setup();

    /* an allocator of its own that hands out overlapping blocks: what alloc was asked and returned, whose block
     * it overlaps, and first the line of alloc's return */
    check_sample("BrokenAllocator");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_OVERLAP);
    ck_assert_int_eq(findings[0].request, 17);
    ck_assert_uint_eq(findings[0].address, 2063);
    ck_assert_uint_eq(findings[0].block, 2048);
    ck_assert(!findings[0].in_init);
    char frame[200];
    hack_backtrace_frame_describe(&program, &findings[0].frames[0], frame, sizeof frame);
    ck_assert_msg(strncmp(frame, "Memory.alloc (Memory.jack:", 26) == 0, "%s", frame);
    ck_assert_msg(strstr(finding_texts[0], frame), "%s", finding_texts[0]);
}
END_TEST

/* A finding's headline is its text's first line, less "heap check: ", and its facts what follow the words that
 * name its kind: readers show them without reading the text (the memory bench shows the facts). */
static void expect_headline(size_t i, const char *headline, const char *facts)
{
    ck_assert_str_eq(findings[i].headline, headline);
    ck_assert_uint_lt(findings[i].facts_at, strlen(findings[i].headline) + 1);
    ck_assert_str_eq(findings[i].headline + findings[i].facts_at, facts);
    char line[sizeof findings[i].headline + 20];
    snprintf(line, sizeof line, "heap check: %s\n", headline);
    ck_assert_msg(strncmp(finding_texts[i], line, strlen(line)) == 0, "%s", finding_texts[i]);
}

START_TEST(heap_findings_carry_their_headline)
{
    check_sample("OffByOne");
    expect_headline(0, "out of bounds: write to RAM[14970], 1 word past the end of the block 14960..14969 (into the "
                    "next block's header)",
                    "write to RAM[14970], 1 word past the end of the block 14960..14969 (into the next block's "
                    "header)");
    expect_headline(1, "1 problem (0 leaks, 0 words)", "1 problem (0 leaks, 0 words)");
    teardown();
    setup();

    check_sample("UseAfterFree");
    expect_headline(0, "use after free: read of RAM[14967], word 2 of the block 14965..14969, which was freed",
                    "read of RAM[14967], word 2 of the block 14965..14969, which was freed");
    teardown();
    setup();

    check_sample("DoubleFree");
    expect_headline(0, "double free of the block 14965..14969", "the block 14965..14969");
    teardown();
    setup();

    check_sample("Leak");
    expect_headline(0, "leak: the block 14962..14969 (8 words) was never freed; allocated:",
                    "the block 14962..14969 (8 words) was never freed; allocated:");
    teardown();
    setup();

    check_sample("BrokenAllocator"); /* alloc's findings: all facts */
    expect_headline(0, "Memory.alloc(17) returned 2063: the block 2063..2079 overlaps the live block 2048..2063",
                    "Memory.alloc(17) returned 2063: the block 2063..2079 overlaps the live block 2048..2063");
}
END_TEST

/* A heap error of the native Memory: its message is the record's, for the readers that tell it. */
START_TEST(a_heap_error_keeps_the_native_memorys_message)
{
    check_sample("HeapCorruption");
    ck_assert_int_eq(findings[0].kind, HACK_HEAP_FINDING_NO_BLOCK);
    ck_assert_uint_eq(findings[0].address, 2049);
    ck_assert(findings[0].write);
    hack_stop_record *r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(r);
    hack_session_record_stop(session, (hack_session_stop){.state = HACK_SESSION_HEAP_ERROR}, r);
    ck_assert_msg(strncmp(r->heap_message, "Memory.alloc(5): heap corruption: RAM[2049]", 43) == 0, "%s", r->heap_message);
    ck_assert_int_eq(r->heap.kind, HACK_HEAP_FINDING_LEAK); /* the latest finding */
    expect_text(r, HACK_STOP_TEXT_DETAIL, NULL, "Memory.alloc(5): heap corruption: RAM[2049], the size of the free "
                "segment at 2048, is -536", "");
    char text[8000];
    hack_stop_format(r, HACK_STOP_TEXT_DETAIL, NULL, text, sizeof text);
    ck_assert_ptr_null(strchr(text, '\n')); /* its first line */
    free(r);
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
    tcase_add_test(tc, reload_replays_the_launch);
    tcase_add_test(tc, a_start_follows_the_provenance);
    tcase_add_test(tc, ram_writes_parse);
    tcase_add_test(tc, a_machine_error_is_recorded_and_told);
    tcase_add_test(tc, a_sys_error_is_recorded_with_its_code_and_caller);
    tcase_add_test(tc, a_stack_overflow_is_recorded_and_told);
    tcase_add_test(tc, heap_findings_carry_their_facts);
    tcase_add_test(tc, heap_findings_carry_their_headline);
    tcase_add_test(tc, a_heap_error_keeps_the_native_memorys_message);
    suite_add_tcase(s, tc);
    return s;
}
