/* The run loop. The ROM is decoded once into ops that the loop dispatches on with one switch:
 *  - an A-instruction followed by a C-instruction is fused into one op (the word after it keeps its own op,
 *    so jumps into it and single steps still work);
 *  - each documented computation, y source (A or M) and dest gets its own case, so nothing is decoded or
 *    tested at run time but the address checks the hardware spec asks for;
 *  - the common jumps (0;JMP, D;Jcc) have their own cases; everything else takes a generic in-loop path,
 *    and anything that might fault leaves the fast path for the reference step, which reports it exactly.
 * Registers and the remaining budget live in locals; cycles are exact (a fused op only runs when two cycles
 * are left). */
#include "machine_private.h"

/* Each documented computation (isa.h) gets a case per dest, lone or fused with the @ before it. */
enum {
#define FORM_ID(name, mnemonic, bits, value) FORM_##name,
    HACK_COMP_TABLE(FORM_ID)
#undef FORM_ID
    FORM_COUNT
};

/* Op kinds. A computation's kinds are numbered (form * 8 + dest) * 2 + fused. */
enum {
    K_COMPUTE = 0,
    K_LOAD_A = FORM_COUNT * 16,
    K_HALT,      /* fused (L) @L 0;JMP */
    K_JMP_FUSED, /* @L 0;JMP */
    K_JMP,       /* 0;JMP to A */
    K_JD_FUSED,  /* @L D;Jcc: six kinds, by jump bits 1..6 */
    K_JD = K_JD_FUSED + 6,
    K_GENERIC_FUSED = K_JD + 6,
    K_GENERIC,
    K_PROGRAM_END, /* the @0 after the loaded program: stops there when asked */
    K_HOOK,        /* a native hook (or a return an observe hook waits for) is bound here */
    K_SLOW,        /* anything the reference step must do: illegal words, the end of ROM */
    K_BREAK,       /* a breakpoint: the run stops before anything here runs */
    K_COUNT
};

/* Dispatch: a switch in portable C; with GCC or Clang, each handler jumps straight to the next one through a
 * table of label addresses ("labels as values"), which saves the switch's range check and its shared jump.
 * The same handlers serve both; HACK_PORTABLE_DISPATCH keeps the switch (the sanitizer build tests it). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(HACK_PORTABLE_DISPATCH)
#define THREADED_DISPATCH 1
#define HANDLER(kind, label) \
    case kind:               \
    label:
#define NEXT()                          \
    do {                                \
        if (left < 2) break;            \
        BEFORE_OP(pc);                  \
        op = &ops[pc];                  \
        goto *dispatch_table[op->kind]; \
    } while (0)
#else
#define THREADED_DISPATCH 0
#define HANDLER(kind, label) case kind:
#define NEXT() continue
#endif

/* Hooks in a row, with no instruction between, that cost no cycle; each one after them costs one (run_loop.inc). */
enum { FREE_HOOK_STREAK = 65536 };

#define COMPUTE_KIND(form, dest, fused) (K_COMPUTE + ((form) * 8 + (dest)) * 2 + (fused))

/* form + 1 for each 7-bit comp with a case of its own; 0 = none (the 100 undocumented ones). */
static const uint8_t form_of_comp[128] = {
#define FORM_OF_COMP(name, mnemonic, bits, value) [bits] = FORM_##name + 1,
    HACK_COMP_TABLE(FORM_OF_COMP)
#undef FORM_OF_COMP
};

static bool touches_memory(uint16_t word)
{
    return HACK_COMP_USES_M(HACK_COMP(word)) || (HACK_DEST(word) & HACK_DEST_M);
}

static void decode_op(hack_machine *machine, uint32_t pc, hack_decoded_op *op);

void hack_decode_at(hack_machine *machine, uint32_t pc)
{
    hack_decoded_op *op = &machine->decoded[pc];
    *op = (hack_decoded_op){K_SLOW, 0, 0, 0};
    if (pc >= HACK_ROM_SIZE) return;
    decode_op(machine, pc, op);
    if (machine->tier) hack_tier_note_decode(machine, pc);
}

static void decode_op(hack_machine *machine, uint32_t pc, hack_decoded_op *op)
{
    uint16_t word = machine->rom[pc];
    bool fused = false;
    if (machine->breakpoints && machine->breakpoints[pc]) {
        op->kind = K_BREAK;
        return;
    }
    if (machine->hooks && hack_hooks_at(machine, pc)) {
        op->kind = K_HOOK;
        return;
    }
    if (pc == machine->program_size && word == 0) {
        op->kind = K_PROGRAM_END;
        return;
    }
    if (HACK_IS_A_INSTR(word)) {
        op->kind = K_LOAD_A;
        op->value = word;
        uint16_t next = pc + 1 < HACK_ROM_SIZE ? machine->rom[pc + 1] : 0;
        /* Fuse with the next C-instruction unless a constant address above the keyboard would fault there:
         * that is left to the next word's own op, which checks. */
        if (!HACK_IS_C_INSTR(next) || pc + 1 >= HACK_ROM_SIZE) return;
        if (machine->hooks && hack_hooks_at(machine, pc + 1)) return; /* the next word must dispatch */
        if (machine->breakpoints && machine->breakpoints[pc + 1]) return;
        if (word > HACK_KBD && touches_memory(next)) return;
        fused = true;
        word = next;
    } else if (!HACK_IS_C_INSTR(word)) {
        return; /* illegal: K_SLOW */
    }
    op->word = word;
    const unsigned comp = HACK_COMP(word), dest = HACK_DEST(word), jump = HACK_JUMP(word);
    const bool y_is_m = HACK_COMP_USES_M(comp);
    if (jump == 0) {
        const unsigned form_plus_1 = form_of_comp[comp];
        op->kind = form_plus_1 ? (uint16_t)COMPUTE_KIND(form_plus_1 - 1u, dest, fused)
                               : (fused ? K_GENERIC_FUSED : K_GENERIC);
    } else if (dest == 0 && !y_is_m && jump == 7) {
        op->kind = fused ? (op->value == pc ? K_HALT : K_JMP_FUSED) : K_JMP;
    } else if (dest == 0 && comp == 0x0C) {
        op->kind = (uint16_t)((fused ? K_JD_FUSED : K_JD) + jump - 1);
    } else {
        op->kind = fused ? K_GENERIC_FUSED : K_GENERIC;
    }
}

bool hack_decoded_exits(const hack_machine *machine, uint32_t pc)
{
    const unsigned kind = machine->decoded[pc].kind;
    return kind == K_HOOK || kind == K_HALT || kind == K_PROGRAM_END || kind == K_SLOW || kind == K_BREAK;
}

uint16_t hack_decoded_hook_kind(void)
{
    return K_HOOK;
}

/* Jump conditions on a 16-bit two's complement value, without signed conversions. */
#define COND_JGT(v) ((uint16_t)((v) - 1u) < 0x7FFFu)
#define COND_JEQ(v) ((v) == 0)
#define COND_JGE(v) (((v) & 0x8000u) == 0)
#define COND_JLT(v) (((v) & 0x8000u) != 0)
#define COND_JNE(v) ((v) != 0)
#define COND_JLE(v) ((uint16_t)((v) - 1u) >= 0x7FFFu)


/* An M access to a watched word, outside trusted code, stops the run before it happens. */
#define WATCH_HIT(address, written, fused_part)                                                       \
    do {                                                                                              \
        if (fused_part) { /* the A-instruction of the pair has run */                                 \
            pc++;                                                                                     \
            left--;                                                                                   \
        }                                                                                             \
        machine->watch_hit = (hack_watch_hit){(uint16_t)pc, (uint16_t)(address), (written)};          \
        reason = HACK_STOP_WATCH;                                                                     \
        goto done;                                                                                    \
    } while (0)

#if THREADED_DISPATCH
/* labels as values are the GNU extension this fast path is made of (its portable twin is the switch) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
/* The loop alone; with the heap check's watch map; marking the native tier's profile; and running on to a word
 * where the native tier's code can start (after at least one instruction). */
#define RUN_LOOP_NAME run_plain
#define WATCHED 0
#define WATCHED_WORD(address) 0
#define PROFILED 0
#define TO_ENTRY 0
#define BEFORE_OP(pc) ((void)0)
#define SLOW_MARK(pc) ((void)0)
#include "run_loop.inc"
#undef RUN_LOOP_NAME
#undef WATCHED
#undef WATCHED_WORD
#undef PROFILED
#undef TO_ENTRY
#undef BEFORE_OP
#undef SLOW_MARK
#define RUN_LOOP_NAME run_watched
#define WATCHED 1
#define WATCHED_WORD(address) hack_watch_stops(watch, trusted, pc, address)
#define PROFILED 0
#define TO_ENTRY 0
#define BEFORE_OP(pc) ((void)0)
#define SLOW_MARK(pc) ((void)0)
#include "run_loop.inc"
#undef RUN_LOOP_NAME
#undef WATCHED
#undef WATCHED_WORD
#undef PROFILED
#undef TO_ENTRY
#undef BEFORE_OP
#undef SLOW_MARK
#define RUN_LOOP_NAME run_profiled
#define WATCHED 0
#define WATCHED_WORD(address) 0
#define PROFILED 1
#define TO_ENTRY 0
#define BEFORE_OP(pc) (profile[pc] = profile[(pc) + 1u] = 1)
#define SLOW_MARK(pc) (profile[pc] = 1)
#include "run_loop.inc"
#undef RUN_LOOP_NAME
#undef WATCHED
#undef WATCHED_WORD
#undef PROFILED
#undef TO_ENTRY
#undef BEFORE_OP
#undef SLOW_MARK
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
#undef RUN_LOOP_NAME
#undef WATCHED
#undef WATCHED_WORD
#undef PROFILED
#undef TO_ENTRY
#undef BEFORE_OP
#undef SLOW_MARK
#if THREADED_DISPATCH
#pragma GCC diagnostic pop
#endif

/* The native tier and the interpreter in turns: the tier runs whole blocks while the budget covers them and
 * leaves at the exact instruction where anything else is due; the interpreter then runs that instruction and
 * on (exactly as it would alone) to the next word where the translated code can start, or for at most
 * INTERPRETER_TURN instructions, and hands back. */
enum { INTERPRETER_TURN = 4096 };

static hack_run_result run_tiered(hack_machine *machine, uint64_t budget)
{
    uint64_t left = budget;
    for (;;) {
        uint64_t interpret_for;
        uint8_t *profile = NULL;
        hack_tier_fn fn = hack_tier_ready(machine, &interpret_for, &profile);
        if (!fn && profile) { /* the interpreter noting the words it runs */
            hack_run_result r = run_profiled(machine, left < interpret_for ? left : interpret_for);
            left -= r.cycles;
            hack_tier_account(machine, 0, 0, r.cycles ? r.cycles : 1, 0);
            if (r.reason != HACK_STOP_BUDGET || left == 0) return (hack_run_result){r.reason, budget - left};
            continue;
        }
        if (!fn) {
            hack_run_result r = run_plain(machine, left < interpret_for ? left : interpret_for);
            left -= r.cycles;
            if (r.reason != HACK_STOP_BUDGET || left == 0) return (hack_run_result){r.reason, budget - left};
            continue;
        }
        hack_tier_state state = {machine->ram, &machine->decoded[0].kind, K_HOOK, machine->a, machine->d,
                                 machine->pc, left};
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

hack_run_result hack_machine_run(hack_machine *machine, uint64_t budget)
{
    if (machine->watch) return run_watched(machine, budget);
    return machine->tier && !machine->breakpoint_count ? run_tiered(machine, budget) : run_plain(machine, budget);
}
