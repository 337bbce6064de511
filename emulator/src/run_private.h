/* The run loop's vocabulary, shared by the two files that instantiate run_loop.inc: run.c (the core's loops:
 * plain and watched) and tier_run.c (the native tier's: profiled, and running on to an entry of its code).
 * Private to the core and the tier: the op kinds the ROM is decoded into, the dispatch, the jump conditions. */
#ifndef HACK_RUN_PRIVATE_H
#define HACK_RUN_PRIVATE_H

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

#endif
