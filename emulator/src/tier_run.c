/* The native tier's run (hack_tier_ops.run): its compiled code and the interpreter in turns. Its two
 * interpreter loops are instances of the core's run_loop.inc: one marks the words it runs in the tier's profile,
 * one runs on to a word where the compiled code can start. They live here, in hacktier, so that a program
 * without the tier (the web page, the tools) carries only the core's two loops (run.c). */
#include "run_private.h"
#include "tier_run.h"

#if THREADED_DISPATCH
/* labels as values are the GNU extension this fast path is made of (its portable twin is the switch) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#define RUN_LOOP_NAME run_profiled
#define WATCHED 0
#define WATCHED_WORD(address) 0
#define PROFILED 1
#define TO_ENTRY 0
#define BEFORE_OP(pc) (profile[pc] = profile[(pc) + 1u] = 1)
#define SLOW_MARK(pc) (profile[pc] = 1)
#include "run_loop.inc"
#define RUN_LOOP_NAME run_to_entry
#define WATCHED 0
#define WATCHED_WORD(address) 0
#define PROFILED 0
#define TO_ENTRY 1
#define BEFORE_OP(pc)                    \
    do {                                 \
        if (stops[pc] && ran) goto done; \
        ran = true;                      \
    } while (0)
#define SLOW_MARK(pc) ((void)0)
#include "run_loop.inc"
#if THREADED_DISPATCH
#pragma GCC diagnostic pop
#endif

/* The native tier and the interpreter in turns: the tier runs whole blocks while the budget covers them and
 * leaves at the exact instruction where anything else is due; the interpreter then runs that instruction and
 * on (exactly as it would alone) to the next word where the translated code can start, or for at most
 * INTERPRETER_TURN instructions, and hands back. */
enum { INTERPRETER_TURN = 4096 };

hack_run_result hack_tier_run_in_turns(hack_machine *machine, uint64_t budget)
{
    uint64_t left = budget;
    for (;;) {
        uint64_t interpret_for;
        uint8_t *profile = NULL;
        hack_tier_fn fn = hack_tier_ready(machine, &interpret_for, &profile);
        if (!fn) { /* the interpreter's turn, noting the words it runs when a profile is asked for */
            const uint64_t turn = left < interpret_for ? left : interpret_for;
            hack_run_result r = profile ? run_profiled(machine, turn) : hack_run_interpreted(machine, turn);
            left -= r.cycles;
            if (profile) hack_tier_account(machine, 0, 0, r.cycles ? r.cycles : 1, 0);
            if (r.reason != HACK_STOP_BUDGET || left == 0) return (hack_run_result){r.reason, budget - left};
            continue;
        }
        hack_tier_state state = {.ram = machine->ram, .kinds = &machine->decoded[0].kind, .hook_kind = K_HOOK,
                                 .a = machine->a, .d = machine->d, .pc = machine->pc, .left = left};
        fn(&state);
        machine->a = state.a;
        machine->d = state.d;
        machine->pc = (uint16_t)state.pc;
        machine->cycles += left - state.left;
        const uint64_t compiled = left - state.left, before = state.left;
        left = state.left;
        if (left == 0) {
            hack_tier_account(machine, compiled, 0, 0, 0);
            return (hack_run_result){HACK_STOP_BUDGET, budget};
        }
        const bool at_hook = machine->decoded[machine->pc].kind == K_HOOK;
        hack_run_result r = run_to_entry(machine, left < INTERPRETER_TURN ? left : INTERPRETER_TURN);
        left -= r.cycles;
        hack_tier_account(machine, compiled, before - left, 0, at_hook ? 0 : 1);
        if (r.reason != HACK_STOP_BUDGET || left == 0) return (hack_run_result){r.reason, budget - left};
    }
}
