/* Pacing a program's own Sys.wait in real time (the window's clock, here a fake one): the busy loop runs as it
 * is, its return waits for the time asked, nothing else changes; the clock its loop is tuned for; the project's
 * own Sys.wait and headless runs are left alone. And the window's speed steps and title text (no SDL). */
#include "hack/build.h"
#include "hack/screenshot.h"
#include "hack/session.h"
#include "hack/speed.h"
#include "test_support.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static hack_machine *machine;
static hack_program program;
static hack_session *session;
static unsigned os_added;
static uint64_t fake_now, fake_step;

static uint64_t fake_clock(void *context)
{
    (void)context;
    uint64_t now = fake_now;
    fake_now += fake_step;
    return now;
}

static void setup(void)
{
    machine = hack_machine_create();
    ck_assert_ptr_nonnull(machine);
    ck_assert(hack_program_init(&program));
    session = NULL;
    fake_now = 1000;
    fake_step = 0;
}

static void teardown(void)
{
    hack_session_free(session);
    hack_program_free(&program);
    hack_machine_destroy(machine);
}

static void build(const char *path)
{
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    hack_build_options options = {.bootstrap = true, .require_functions = true, .add_os = true};
    ck_assert_msg(hack_build_program(path, &options, &program, &diags), "%s", hack_diag_first_error(&diags));
    hack_diag_list_free(&diags);
    os_added = options.os_added;
}

static void start(const hack_session_options *options, bool machine_code)
{
    session = hack_session_create(machine, options);
    ck_assert_ptr_nonnull(session);
    const hack_launch launch = {.program = &program, .os_added = os_added,
                                .code = machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM, .bootstrapped = true};
    ck_assert(hack_session_load(session, &launch, NULL));
}

/* OwnWait: four times Sys.wait(300) (its own busy loop, 50 rounds a millisecond), then a black word. */
static const char own_wait[] = VM_DIR "/OwnWait";

START_TEST(own_wait_returns_when_its_time_has_come)
{
    build(own_wait);
    /* headless: virtual time, the loop runs flat out */
    hack_session_options headless = {0};
    start(&headless, false);
    ck_assert(!hack_session_paced_wait(session, NULL));
    hack_session_stop flat = hack_session_run(session, UINT64_MAX);
    ck_assert_int_eq(flat.state, HACK_SESSION_HALTED);
    uint64_t screen = hack_screen_hash(machine->ram + HACK_SCREEN);
    hack_session_free(session);

    hack_session_options window = {.now_ms = fake_clock};
    start(&window, false);
    uint64_t clock_hz = 0;
    ck_assert(hack_session_paced_wait(session, &clock_hz));
    uint64_t total = 0;
    for (int wait = 0; wait < 4; wait++) {
        hack_session_stop stop = hack_session_run(session, UINT64_MAX);
        ck_assert_int_eq(stop.state, HACK_SESSION_WAITING_TIME);
        ck_assert_uint_eq(stop.until_ms, fake_now + 300); /* the clock has not moved: 300 ms from the call */
        ck_assert_uint_gt(stop.cycles, 300 * 50);          /* the program's own loop ran */
        total += stop.cycles;
        ck_assert_uint_eq(machine->ram[HACK_SCREEN + 256 * wait], 0); /* held at the return */
        stop = hack_session_run(session, UINT64_MAX); /* too early: nothing runs */
        ck_assert_int_eq(stop.state, HACK_SESSION_WAITING_TIME);
        ck_assert_uint_eq(stop.cycles, 0);
        fake_now += 299;
        ck_assert_uint_eq(hack_session_run(session, UINT64_MAX).cycles, 0);
        fake_now += 1; /* the time has come: it goes on from the return */
        stop = hack_session_run(session, 20);
        ck_assert_int_eq(stop.state, HACK_SESSION_BUDGET);
        total += stop.cycles;
    }
    hack_session_stop last = hack_session_run(session, UINT64_MAX);
    ck_assert_int_eq(last.state, HACK_SESSION_HALTED);
    total += last.cycles;
    ck_assert_uint_eq(total, flat.cycles); /* the same instructions as headless */
    ck_assert_uint_eq(hack_screen_hash(machine->ram + HACK_SCREEN), screen);
    /* the clock the loop is tuned for: at it, Sys.wait(300) takes 300 ms (the call's overhead aside) */
    ck_assert_uint_gt(clock_hz, 1000000);
    ck_assert_uint_lt(clock_hz, 20000000);
    double seconds = (double)(flat.cycles / 4) / (double)clock_hz;
    ck_assert_msg(seconds > 0.295 && seconds < 0.31, "a wait takes %.3f s at the clock measured", seconds);
}
END_TEST

/* A loop slower than the time asked (a slow target speed) is not held at all: the call takes the longer. */
START_TEST(slow_loop_is_not_held)
{
    build(own_wait);
    fake_step = 1000; /* a second passes between two looks at the clock */
    hack_session_options window = {.now_ms = fake_clock};
    start(&window, false);
    ck_assert_int_eq(hack_session_run(session, UINT64_MAX).state, HACK_SESSION_HALTED);
}
END_TEST

START_TEST(no_pace_runs_flat_out)
{
    build(own_wait);
    hack_session_options window = {.now_ms = fake_clock, .no_pace = true};
    start(&window, false);
    ck_assert(!hack_session_paced_wait(session, NULL));
    ck_assert_int_eq(hack_session_run(session, UINT64_MAX).state, HACK_SESSION_HALTED);
}
END_TEST

/* Snake's Sys is the project's: native by default, and left as it is in Jack (--os=jack). */
START_TEST(project_wait_is_not_paced)
{
    build(SAMPLES_DIR "/Snake");
    ck_assert(os_added != 0);
    hack_session_options native = {.now_ms = fake_clock};
    start(&native, false);
    ck_assert(!hack_session_paced_wait(session, NULL));
    hack_session_free(session);
    hack_session_options jack = {.now_ms = fake_clock, .jack_os = true};
    start(&jack, false);
    ck_assert(!hack_session_paced_wait(session, NULL));
}
END_TEST

/* The course's Pong.asm (when the course's files are here): "(sys.wait)" in lower case is found, and its loop
 * is tuned for about 3.3 MHz. Pong itself never calls Sys.wait: the window runs it at that clock. */
START_TEST(course_pong_wait_is_found)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/classic/projects/06/pong/Pong.asm", N2T_DIR);
    if (access(path, R_OK) != 0) {
        printf("test_pace: %s not found: the course's Pong is not checked\n", path);
        return;
    }
    build(path);
    hack_session_options window = {.now_ms = fake_clock};
    start(&window, true);
    uint64_t clock_hz = 0;
    ck_assert(hack_session_paced_wait(session, &clock_hz));
    ck_assert_msg(clock_hz > 3000000 && clock_hz < 3500000, "clock %llu", (unsigned long long)clock_hz);
}
END_TEST

START_TEST(speed_steps)
{
    ck_assert_uint_eq(hack_speed_faster(3260000), 5000000);
    ck_assert_uint_eq(hack_speed_faster(5000000), 10000000);
    ck_assert_uint_eq(hack_speed_slower(3260000, 0), 2000000);
    ck_assert_uint_eq(hack_speed_slower(2000000, 0), 1000000);
    ck_assert_uint_eq(hack_speed_faster(HACK_SPEED_HIGHEST), 0); /* then full speed */
    ck_assert_uint_eq(hack_speed_faster(0), 0);
    ck_assert_uint_eq(hack_speed_slower(0, 712e6), 500000000); /* from full speed: below what it ran at */
    ck_assert_uint_eq(hack_speed_slower(HACK_SPEED_LOWEST, 0), HACK_SPEED_LOWEST);
    ck_assert_uint_eq(hack_speed_slower(0, 50), HACK_SPEED_LOWEST);
}
END_TEST

START_TEST(speed_text)
{
    char text[128];
    static const struct {
        double hz;
        const char *text;
    } cases[] = {{712e6, "712 MHz"}, {3.26e6, "3.26 MHz"}, {3.2e6, "3.2 MHz"}, {5e6, "5 MHz"},
                 {12.5e6, "12.5 MHz"}, {999.7, "1 kHz"}, {90, "90 Hz"}, {1e9, "1 GHz"}, {78100, "78.1 kHz"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_speed_format(cases[i].hz, text, sizeof text);
        ck_assert_str_eq(text, cases[i].text);
    }
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .cycles = 356000000}, text, sizeof text);
    ck_assert_str_eq(text, "running at 712 MHz");
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .cycles = 1630000, .target = 3260000}, text, sizeof text);
    ck_assert_str_eq(text, "running at 3.26 MHz (target 3.26 MHz)");
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .cycles = 2000000, .wait_seconds = 0.499, .in_wait = true},
                        text, sizeof text);
    ck_assert_str_eq(text, "running at 4 MHz, 99% in Sys.wait");
    /* nothing ran: waiting, never "0 MHz" */
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .wait_seconds = 0.5, .in_wait = true}, text, sizeof text);
    ck_assert_str_eq(text, "waiting in Sys.wait");
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .wait_seconds = 0.5, .in_wait = true, .target = 5000000},
                        text, sizeof text);
    ck_assert_str_eq(text, "waiting in Sys.wait (target 5 MHz)");
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.01, .target = 5000000}, text, sizeof text);
    ck_assert_str_eq(text, "running (target 5 MHz)");
    hack_speed_describe(&(hack_speed_sample){.seconds = 0.5, .waiting_key = true, .target = 1000}, text, sizeof text);
    ck_assert_str_eq(text, "waiting for a key");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pace");
    TCase *tc = tcase_create("pace");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, own_wait_returns_when_its_time_has_come);
    tcase_add_test(tc, slow_loop_is_not_held);
    tcase_add_test(tc, no_pace_runs_flat_out);
    tcase_add_test(tc, project_wait_is_not_paced);
    tcase_add_test(tc, course_pong_wait_is_found);
    tcase_add_test(tc, speed_steps);
    tcase_add_test(tc, speed_text);
    suite_add_tcase(s, tc);
    return s;
}
