/* The run loop. The ROM is decoded once into ops that the loop dispatches on with one switch:
 *  - an A-instruction followed by a C-instruction is fused into one op (the word after it keeps its own op,
 *    so jumps into it and single steps still work);
 *  - each documented computation, y source (A or M) and dest gets its own case, so nothing is decoded or
 *    tested at run time but the address checks the hardware spec asks for;
 *  - the common jumps (0;JMP, D;Jcc) have their own cases; everything else takes a generic in-loop path,
 *    and anything that might fault leaves the fast path for the reference step, which reports it exactly.
 * Registers and the remaining budget live in locals; cycles are exact (a fused op only runs when two cycles
 * are left). */
#include "run_private.h"

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
#define RUN_LOOP_NAME run_watched
#define WATCHED 1
#define WATCHED_WORD(address) hack_watch_stops(watch, trusted, pc, address)
#define PROFILED 0
#define TO_ENTRY 0
#define BEFORE_OP(pc) ((void)0)
#define SLOW_MARK(pc) ((void)0)
#include "run_loop.inc"
#if THREADED_DISPATCH
#pragma GCC diagnostic pop
#endif

hack_run_result hack_run_interpreted(hack_machine *machine, uint64_t budget)
{
    return run_plain(machine, budget);
}

/* The loops, plain and watched, called through this table so that each stays a function of its own: the
 * WebAssembly build's optimizer (binaryen) inlines a function called from one place, and the plain loop inlined
 * beside the watched one in hack_machine_run ran at half the speed in browsers (W1 in chromium at 0.18 of the
 * native interpreter, where it runs at 0.56-0.80 on its own). */
static hack_run_result (*const interpreter_loops[2])(hack_machine *machine, uint64_t budget) = {run_plain,
                                                                                               run_watched};

hack_run_result hack_machine_run(hack_machine *machine, uint64_t budget)
{
    const bool watched = machine->watch != NULL;
    if (!watched && machine->tier && !machine->breakpoint_count) return machine->tier_ops->run(machine, budget);
    return interpreter_loops[watched](machine, budget);
}
