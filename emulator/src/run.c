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
        op = &ops[pc];                  \
        goto *dispatch_table[op->kind]; \
    } while (0)
#else
#define THREADED_DISPATCH 0
#define HANDLER(kind, label) case kind:
#define NEXT() continue
#endif

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

void hack_decode_at(hack_machine *machine, uint32_t pc)
{
    hack_decoded_op *op = &machine->decoded[pc];
    *op = (hack_decoded_op){K_SLOW, 0, 0, 0};
    if (pc >= HACK_ROM_SIZE) return;

    uint16_t word = machine->rom[pc];
    bool fused = false;
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

/* Jump conditions on a 16-bit two's complement value, without signed conversions. */
#define COND_JGT(v) ((uint16_t)((v) - 1u) < 0x7FFFu)
#define COND_JEQ(v) ((v) == 0)
#define COND_JGE(v) (((v) & 0x8000u) == 0)
#define COND_JLT(v) (((v) & 0x8000u) != 0)
#define COND_JNE(v) ((v) != 0)
#define COND_JLE(v) ((uint16_t)((v) - 1u) >= 0x7FFFu)

#if THREADED_DISPATCH
/* labels as values are the GNU extension this fast path is made of (its portable twin is the switch) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
hack_run_result hack_machine_run(hack_machine *machine, uint64_t budget)
{
    const hack_decoded_op *const ops = machine->decoded;
    uint16_t *const ram = machine->ram;
    uint16_t a = machine->a, d = machine->d;
    uint32_t pc = machine->pc;
    uint64_t left = budget;
    hack_stop_reason reason = HACK_STOP_BUDGET;
    const hack_decoded_op *op;
#if THREADED_DISPATCH
#define COMPUTE_LABEL(form, bits, expr, dest, fused) [COMPUTE_KIND(FORM_##form, dest, fused)] = &&L_##form##_##dest##_##fused,
#define COMPUTE_LABELS_DEST(form, bits, expr, dest) \
    COMPUTE_LABEL(form, bits, expr, dest, 0) COMPUTE_LABEL(form, bits, expr, dest, 1)
#define COMPUTE_LABELS(form, mnemonic, bits, expr)                                               \
    COMPUTE_LABELS_DEST(form, bits, expr, 0) COMPUTE_LABELS_DEST(form, bits, expr, 1)             \
    COMPUTE_LABELS_DEST(form, bits, expr, 2) COMPUTE_LABELS_DEST(form, bits, expr, 3)             \
    COMPUTE_LABELS_DEST(form, bits, expr, 4) COMPUTE_LABELS_DEST(form, bits, expr, 5)             \
    COMPUTE_LABELS_DEST(form, bits, expr, 6) COMPUTE_LABELS_DEST(form, bits, expr, 7)
    static const void *const dispatch_table[K_COUNT] = {
        HACK_COMP_TABLE(COMPUTE_LABELS)
        [K_LOAD_A] = &&L_LOAD_A, [K_HALT] = &&L_HALT, [K_JMP_FUSED] = &&L_JMP_FUSED, [K_JMP] = &&L_JMP,
        [K_JD_FUSED + 0] = &&L_JD_FUSED_1, [K_JD_FUSED + 1] = &&L_JD_FUSED_2, [K_JD_FUSED + 2] = &&L_JD_FUSED_3,
        [K_JD_FUSED + 3] = &&L_JD_FUSED_4, [K_JD_FUSED + 4] = &&L_JD_FUSED_5, [K_JD_FUSED + 5] = &&L_JD_FUSED_6,
        [K_JD + 0] = &&L_JD_1, [K_JD + 1] = &&L_JD_2, [K_JD + 2] = &&L_JD_3, [K_JD + 3] = &&L_JD_4,
        [K_JD + 4] = &&L_JD_5, [K_JD + 5] = &&L_JD_6, [K_GENERIC_FUSED] = &&L_GENERIC_FUSED,
        [K_GENERIC] = &&L_GENERIC, [K_PROGRAM_END] = &&L_PROGRAM_END, [K_HOOK] = &&L_HOOK, [K_SLOW] = &&L_SLOW,
    };
#endif

    for (;;) {
        while (left >= 2) {
            op = &ops[pc];
            switch (op->kind) {
#define COMPUTE_CASE(form, bits, expr, dest, fused)                                                  \
    HANDLER(COMPUTE_KIND(FORM_##form, dest, fused), L_##form##_##dest##_##fused) {                    \
        if (fused) a = op->value;                                                                    \
        if (!(fused) && (HACK_COMP_USES_M(bits) || ((dest) & HACK_DEST_M)) && a > HACK_KBD) goto slow; \
        const uint16_t y = HACK_COMP_USES_M(bits) ? ram[a] : a;                                      \
        (void)y;                                                                                     \
        const uint16_t out = (uint16_t)(expr);                                                       \
        if ((dest) & HACK_DEST_M) ram[a] = out;                                                      \
        if ((dest) & HACK_DEST_D) d = out;                                                           \
        if ((dest) & HACK_DEST_A) a = out;                                                           \
        pc += 1u + (fused);                                                                          \
        left -= 1u + (fused);                                                                        \
        NEXT();                                                                                      \
        break;                                                                                       \
    }
#define COMPUTE_CASES_DEST(form, bits, expr, dest) \
    COMPUTE_CASE(form, bits, expr, dest, 0) COMPUTE_CASE(form, bits, expr, dest, 1)
#define COMPUTE_CASES(form, mnemonic, bits, expr)                                                    \
    COMPUTE_CASES_DEST(form, bits, expr, 0) COMPUTE_CASES_DEST(form, bits, expr, 1)                  \
    COMPUTE_CASES_DEST(form, bits, expr, 2) COMPUTE_CASES_DEST(form, bits, expr, 3)                  \
    COMPUTE_CASES_DEST(form, bits, expr, 4) COMPUTE_CASES_DEST(form, bits, expr, 5)                  \
    COMPUTE_CASES_DEST(form, bits, expr, 6) COMPUTE_CASES_DEST(form, bits, expr, 7)
                HACK_COMP_TABLE(COMPUTE_CASES)

            HANDLER(K_LOAD_A, L_LOAD_A)
                a = op->value;
                pc++;
                left--;
                NEXT();
                break;
            HANDLER(K_PROGRAM_END, L_PROGRAM_END)
                if (machine->stop_at_program_end) {
                    reason = HACK_STOP_PROGRAM_END;
                    goto done;
                }
                a = 0;
                pc++;
                left--;
                NEXT();
                break;
            HANDLER(K_HALT, L_HALT)
                if (machine->stop_on_halt) {
                    reason = HACK_STOP_HALT;
                    goto done;
                }
                /* Spinning in (L) @L 0;JMP until the budget is spent: only its parity shows. */
                a = op->value;
                pc += (uint32_t)(left & 1u);
                left = 0;
                break;
            HANDLER(K_JMP_FUSED, L_JMP_FUSED)
                a = op->value;
                pc = a;
                left -= 2;
                NEXT();
                break;
            HANDLER(K_JMP, L_JMP)
                if (a >= HACK_ROM_SIZE) goto slow;
                pc = a;
                left--;
                NEXT();
                break;
#define JUMP_ON_D_CASES(cond, bits)                  \
    HANDLER(K_JD_FUSED + (bits) - 1, L_JD_FUSED_##bits) \
        a = op->value;                               \
        pc = cond(d) ? a : pc + 2u;                  \
        left -= 2;                                   \
        NEXT();                                      \
        break;                                       \
    HANDLER(K_JD + (bits) - 1, L_JD_##bits)          \
        if (cond(d)) {                               \
            if (a >= HACK_ROM_SIZE) goto slow;       \
            pc = a;                                  \
        } else {                                     \
            pc++;                                    \
        }                                            \
        left--;                                      \
        NEXT();                                      \
        break;
                JUMP_ON_D_CASES(COND_JGT, 1)
                JUMP_ON_D_CASES(COND_JEQ, 2)
                JUMP_ON_D_CASES(COND_JGE, 3)
                JUMP_ON_D_CASES(COND_JLT, 4)
                JUMP_ON_D_CASES(COND_JNE, 5)
                JUMP_ON_D_CASES(COND_JLE, 6)

            HANDLER(K_GENERIC_FUSED, L_GENERIC_FUSED)
                a = op->value; /* the A-instruction is done; the C part follows as a lone op */
                pc++;
                left--;
                goto generic;
            HANDLER(K_GENERIC, L_GENERIC)
            generic : {
                const uint16_t word = op->word;
                const unsigned comp = HACK_COMP(word), dest = HACK_DEST(word);
                const bool memory_ok = a <= HACK_KBD;
                if (!memory_ok && (HACK_COMP_USES_M(comp) || (dest & HACK_DEST_M))) goto slow;
                const uint16_t out = hack_alu(comp & 0x3Fu, d, HACK_COMP_USES_M(comp) ? ram[a] : a);
                const bool taken = hack_jump_taken(HACK_JUMP(word), out);
                if (taken && a >= HACK_ROM_SIZE) goto slow;
                const uint16_t target = a;
                if (dest & HACK_DEST_M) ram[a] = out;
                if (dest & HACK_DEST_A) a = out;
                if (dest & HACK_DEST_D) d = out;
                pc = taken ? target : pc + 1u;
                left--;
                NEXT();
                break;
            }
            HANDLER(K_HOOK, L_HOOK)
                goto hook;
            HANDLER(K_SLOW, L_SLOW)
            default:
                goto slow;
            }
        }
        if (left == 0) break;
        if (ops[pc].kind == K_HALT && machine->stop_on_halt) {
            reason = HACK_STOP_HALT;
            break;
        }
        if (ops[pc].kind == K_PROGRAM_END && machine->stop_at_program_end) {
            reason = HACK_STOP_PROGRAM_END;
            break;
        }
        if (ops[pc].kind == K_HOOK) goto hook;
        goto slow;
    hook:
        machine->a = a;
        machine->d = d;
        machine->pc = (uint16_t)pc;
        machine->cycles += budget - left; /* hooks may read the time (the run adds it up again at the end) */
        hack_hook_outcome outcome = hack_hooks_dispatch(machine);
        machine->cycles -= budget - left;
        switch (outcome) {
        case HACK_HOOK_OUTCOME_RESUME:
            a = machine->a;
            d = machine->d;
            pc = machine->pc;
            continue;
        case HACK_HOOK_OUTCOME_STOP: reason = HACK_STOP_HOOK; goto done_synced;
        case HACK_HOOK_OUTCOME_FAULT: reason = HACK_STOP_FAULT; goto done_synced;
        case HACK_HOOK_OUTCOME_EXECUTE: break;
        }
    slow:
        /* One instruction by the reference path: it faults exactly, or relaxes exactly. */
        machine->a = a;
        machine->d = d;
        machine->pc = (uint16_t)pc;
        if (!hack_step_uncounted(machine)) {
            reason = HACK_STOP_FAULT;
            goto done_synced;
        }
        a = machine->a;
        d = machine->d;
        pc = machine->pc;
        left--;
    }
done:
    machine->a = a;
    machine->d = d;
    machine->pc = (uint16_t)pc;
done_synced:
    machine->cycles += budget - left;
    return (hack_run_result){reason, budget - left};
}
#if THREADED_DISPATCH
#pragma GCC diagnostic pop
#endif
