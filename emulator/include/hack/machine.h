/* The Hack computer: 32K ROM, 32K RAM words (screen and keyboard mapped in), A, D, PC and a cycle counter.
 * The caller owns the machine; nothing here prints, exits, sleeps or reads a clock. */
#ifndef HACK_MACHINE_H
#define HACK_MACHINE_H

#include "hack/isa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum {
    HACK_FAULT_NONE,
    HACK_FAULT_ILLEGAL_INSTRUCTION, /* bit 15 set, bits 14..13 not both 1 */
    HACK_FAULT_BAD_READ,            /* M read at an address above the keyboard */
    HACK_FAULT_BAD_WRITE,           /* M written at an address above the keyboard */
    HACK_FAULT_JUMP_PAST_ROM,       /* jump to an address >= 32768 */
    HACK_FAULT_PC_PAST_ROM,         /* ran off the end of ROM */
    HACK_FAULT_BAD_FRAME,           /* a native hook could not return: LCL does not point at a VM frame */
} hack_fault_kind;

typedef struct {
    hack_fault_kind kind;
    uint16_t pc;          /* the instruction at fault */
    uint16_t instruction; /* its word */
    uint32_t address;     /* the memory address or jump target involved */
} hack_fault;

typedef enum {
    HACK_STOP_BUDGET, /* the cycle budget is spent */
    HACK_STOP_HALT,   /* reached the halt idiom (L) @L 0;JMP: PC is at the @L */
    HACK_STOP_FAULT,  /* machine error: see hack_machine_fault; PC is at the faulting instruction */
    HACK_STOP_PROGRAM_END, /* PC reached the first word after the loaded program (a program with no halt loop) */
    HACK_STOP_HOOK,   /* a native hook asked to stop (halt, error, or wait for input): PC is at the hooked
                         function's entry (or, for an observe hook's result, at the return address), so
                         running again calls the hook again */
    HACK_STOP_WATCH,  /* an instruction is about to read or write a watched word (hack_machine_watch_hit); PC is at
                         it: hack_machine_step runs it without looking, and the run can go on */
    HACK_STOP_BREAK,  /* PC is at a breakpoint (hack_machine_set_breakpoint): nothing there has run yet */
} hack_stop_reason;

typedef struct {
    hack_stop_reason reason;
    uint64_t cycles; /* instructions executed by this call */
} hack_run_result;

typedef struct hack_decoded_op hack_decoded_op; /* private: the ROM decoded for the run loop */
typedef struct hack_hook_table hack_hook_table; /* private: the hooks bound to ROM addresses */
typedef struct hack_tier hack_tier;             /* private: the native tier (the hacktier library, tier.c) */
typedef struct hack_tier_ops hack_tier_ops;     /* private: how the core calls it (machine_private.h) */

typedef struct {
    uint16_t pc;      /* the C-instruction about to access the word */
    uint16_t address; /* the watched word */
    bool write;
} hack_watch_hit;

/* The bits of a watch map's byte (hack_machine_set_watch): which code an access must come from to stop the run. */
enum { HACK_WATCH_OTHERS = 0x7F, HACK_WATCH_TRUSTED = 0x80 };

/* Whether an M access to RAM[address] by the instruction at pc stops the run, with the watch map watch (not
 * NULL) and the trusted code trusted (may be NULL). The run loop's test, for those that reason about it. */
static inline bool hack_watch_stops(const uint8_t *watch, const uint8_t *trusted, uint32_t pc, uint32_t address)
{
    return (watch[address] & (trusted && trusted[pc] ? HACK_WATCH_TRUSTED : HACK_WATCH_OTHERS)) != 0;
}

/* The machine. Its fields are the run loop's, which reads them directly for speed; outside the core (scripts,
 * checkers, front ends) go through the functions below: the accessors (hack_machine_ram, hack_machine_pc...),
 * load, reset, poke_rom, the breakpoint, hook and tier functions. Per field: "public" is what those functions
 * show (read through an accessor, or set through one); "private" is the core's alone, its invariants kept by
 * the functions that change it (hand-written changes would leave the decoded ROM, the tier or the hooks out of
 * step). */
typedef struct {
    uint16_t rom[HACK_ROM_SIZE]; /* public to read (hack_machine_rom); written only by load and poke_rom */
    uint16_t ram[HACK_RAM_SIZE]; /* public (hack_machine_ram, hack_machine_set_ram) */
    uint16_t a, d;               /* public (hack_machine_a, _d, _set_a, _set_d) */
    uint16_t pc;     /* public (hack_machine_pc, _set_pc): 0..32767; 32768 only after running off the end of ROM */
    uint64_t cycles; /* public to read (hack_machine_cycles): instructions executed since reset */
    bool relaxed;    /* public (hack_machine_set_relaxed). true: no faults, as the course's web IDE: reads above
                        the keyboard give 0xFFFF, writes there are ignored, illegal words run as C-instructions (as
                        the hardware decodes them), jump targets and the PC wrap to 15 bits */
    bool stop_on_halt; /* public (hack_machine_set_stop_on_halt). true (default): run() stops at the halt idiom
                          instead of spinning in it */
    bool stop_at_program_end; /* public (hack_machine_set_stop_at_program_end). true (default): run() stops when
                                 PC reaches program_size (the hardware would go on through the zeros of empty
                                 ROM, as @0 instructions) */
    uint32_t program_size; /* public to read: words loaded (set by load and poke_rom) */
    hack_fault fault;      /* public to read (hack_machine_fault) */
    hack_decoded_op *decoded; /* private: HACK_ROM_SIZE + 1 entries */
    hack_hook_table *hooks;   /* private (hack_machine_add_hook, hack_machine_has_hooks): NULL until one is bound */
    /* Watching memory (a checker's: the heap sanitizer): NULL = off, and the run loop does no checking at all.
     * watch[i] & HACK_WATCH_OTHERS: stop before an M access to RAM[i] by code that is not trusted (trusted[pc]
     * == 0, or trusted NULL); watch[i] & HACK_WATCH_TRUSTED: stop before one by trusted code. */
    const uint8_t *watch;     /* public through hack_machine_set_watch, hack_machine_watch: HACK_RAM_SIZE entries */
    const uint8_t *trusted;   /* public through hack_machine_set_watch: HACK_ROM_SIZE entries */
    hack_watch_hit watch_hit; /* public to read (hack_machine_watch_hit) */
    hack_tier *tier; /* private (hack_machine_enable_tier, hack_machine_tier_status): NULL when off */
    const hack_tier_ops *tier_ops; /* private: set with tier */
    uint8_t *breakpoints;      /* private (hack_machine_set_breakpoint): per ROM word; NULL until one is set */
    uint32_t breakpoint_count; /* private: breakpoints set */
} hack_machine;

/* ---- accessors: the machine's public face, for code outside the core (scripts, checkers, front ends) ----
 * Static inline, so they cost what the field access did; the run loop (run*.c) uses the fields directly.
 * Addresses must be in range: address < HACK_RAM_SIZE (RAM), < HACK_ROM_SIZE (ROM). */
static inline uint16_t hack_machine_ram(const hack_machine *machine, uint16_t address)
{
    return machine->ram[address];
}
static inline void hack_machine_set_ram(hack_machine *machine, uint16_t address, uint16_t value)
{
    machine->ram[address] = value;
}
/* ROM is read here; it is written with hack_machine_poke_rom (which keeps the decoded ROM in step). */
static inline uint16_t hack_machine_rom(const hack_machine *machine, uint16_t address)
{
    return machine->rom[address];
}
static inline uint16_t hack_machine_pc(const hack_machine *machine) { return machine->pc; }
static inline void hack_machine_set_pc(hack_machine *machine, uint16_t pc) { machine->pc = pc; }
static inline uint16_t hack_machine_a(const hack_machine *machine) { return machine->a; }
static inline void hack_machine_set_a(hack_machine *machine, uint16_t value) { machine->a = value; }
static inline uint16_t hack_machine_d(const hack_machine *machine) { return machine->d; }
static inline void hack_machine_set_d(hack_machine *machine, uint16_t value) { machine->d = value; }
/* Instructions executed since the last load or reset. */
static inline uint64_t hack_machine_cycles(const hack_machine *machine) { return machine->cycles; }
/* The last fault (kind HACK_FAULT_NONE when there was none since the load or reset). */
static inline hack_fault hack_machine_fault(const hack_machine *machine) { return machine->fault; }

/* The run's settings (see the fields). */
static inline void hack_machine_set_relaxed(hack_machine *machine, bool on) { machine->relaxed = on; }
static inline void hack_machine_set_stop_on_halt(hack_machine *machine, bool on) { machine->stop_on_halt = on; }
static inline void hack_machine_set_stop_at_program_end(hack_machine *machine, bool on)
{
    machine->stop_at_program_end = on;
}
/* Whether any hook is bound (hack_machine_add_hook; hack_machine_clear_hooks and hack_machine_load remove them). */
static inline bool hack_machine_has_hooks(const hack_machine *machine) { return machine->hooks != NULL; }

/* Watching memory (see the watch field): watch NULL turns it off (trusted is then ignored and cleared). The
 * maps are the caller's and must outlive their use. */
static inline void hack_machine_set_watch(hack_machine *machine, const uint8_t *watch, const uint8_t *trusted)
{
    machine->watch = watch;
    machine->trusted = watch ? trusted : NULL;
}
/* The watch map in use, or NULL. */
static inline const uint8_t *hack_machine_watch(const hack_machine *machine) { return machine->watch; }
/* What the last HACK_STOP_WATCH stopped on. */
static inline hack_watch_hit hack_machine_watch_hit(const hack_machine *machine) { return machine->watch_hit; }

/* ---- for the run driver (session.c): what it does to the machine beside running it ----
 * Time and watch hits are the run loop's to keep; these are the two ways a driver takes part in them, each
 * with its contract, so that no one outside the core writes the fields. */
/* The trusted code in use with the watch map (hack_machine_set_watch), or NULL: with it, hack_watch_stops says
 * what the run loop would do at an access. */
static inline const uint8_t *hack_machine_trusted(const hack_machine *machine) { return machine->trusted; }
/* The clock moves on while the machine waits for input (a native Keyboard's wait, a program spinning in its
 * halt loop while its front end lets time pass): as if it ran n instructions of a wait loop. Nothing else
 * changes: not the PC, the registers or the RAM. */
static inline void hack_machine_add_idle_cycles(hack_machine *machine, uint64_t n) { machine->cycles += n; }
/* A native hook's access to a watched word (a native Memory.peek or poke), reported as the run loop reports
 * its own: hack_machine_watch_hit gives hit until the run's next watch stop. hit.pc is where the program is
 * (the hooked function's entry), hit.address the word, hit.write whether it was written. */
static inline void hack_machine_note_watch_hit(hack_machine *machine, hack_watch_hit hit)
{
    machine->watch_hit = hit;
}

/* ---- all of RAM at once (snapshots, screens): the memory bench's ----
 * A read-only view of RAM's HACK_RAM_SIZE words (the screen's at HACK_SCREEN), for copying a snapshot or
 * comparing the screen without a call per word. It is the machine's own memory: it changes as the machine runs,
 * and lives as long as the machine. */
static inline const uint16_t *hack_machine_ram_view(const hack_machine *machine) { return machine->ram; }
/* Puts a snapshot back: all HACK_RAM_SIZE words of RAM from words (taken through hack_machine_ram_view). Only
 * RAM changes: registers, PC, cycles and ROM are left as they are. */
static inline void hack_machine_restore_ram(hack_machine *machine, const uint16_t *words)
{
    memcpy(machine->ram, words, sizeof machine->ram);
}

/* ---- RAM in place: the native OS's heap, the web page's RAM table ----
 * The native Memory (hack_heap_create) keeps this pointer and works on the heap's words through it, as
 * Memory.jack's code would, and the web page's script reads and edits RAM through it (a typed array over the
 * words, between runs): writes take effect at once, no watch map sees them, and the pointer lives as long as the
 * machine. Everything else reads and writes RAM through hack_machine_ram and hack_machine_set_ram. */
static inline uint16_t *hack_machine_ram_in_place(hack_machine *machine) { return machine->ram; }

/* ---- the screen and all of RAM at once: the front ends' (drawing a frame, a reset) ---- */
/* The screen's HACK_SCREEN_WORDS words (RAM[HACK_SCREEN..]), read-only, to draw a frame without a call per
 * word. It is the machine's own memory: it changes as the machine runs, and lives as long as the machine. */
static inline const uint16_t *hack_machine_screen(const hack_machine *machine) { return machine->ram + HACK_SCREEN; }
/* All of RAM to zeros (a front end's fresh start); registers, PC, cycles and ROM are left as they are. */
static inline void hack_machine_clear_ram(hack_machine *machine)
{
    memset(machine->ram, 0, sizeof machine->ram);
}

/* A new machine with ROM, RAM and registers cleared, or NULL when memory ran out. */
hack_machine *hack_machine_create(void);
void hack_machine_destroy(hack_machine *machine);

/* Puts count words in ROM (the rest is zeroed) and resets A, D, PC, the cycle count and the fault. RAM is kept
 * (as the course's emulator does), apart from the screen, which is cleared. count <= HACK_ROM_SIZE. Hooks are
 * removed (bind them again for the new program). */
void hack_machine_load(hack_machine *machine, const uint16_t *words, size_t count);

/* Changes one ROM word after loading (keeps the decoded ROM in step; a word past the end extends the program). */
void hack_machine_poke_rom(hack_machine *machine, uint16_t address, uint16_t word);

/* A, D, PC, cycles and fault to zero; RAM and ROM untouched. */
void hack_machine_reset(hack_machine *machine);

/* Runs at most budget instructions. Stops early at a fault, or at the halt idiom when stop_on_halt is set. */
hack_run_result hack_machine_run(hack_machine *machine, uint64_t budget);

/* Executes exactly one instruction by the reference (slow, undecoded) path; false on a fault. */
bool hack_machine_step(hack_machine *machine);

/* ---- breakpoints (a debugger's) ----
 * The run stops with HACK_STOP_BREAK when the PC arrives at a breakpoint, before the instruction (or the
 * hook) there runs; a run that starts on one stops at once. A breakpoint is one more kind of decoded
 * operation, like a hook, so the run loop does no extra work anywhere else, and none at all while no
 * breakpoint is set. To go on from one: remove it, run one instruction, set it again. hack_machine_load
 * removes them all; the native tier stands aside while any is set. False when memory ran out. */
bool hack_machine_set_breakpoint(hack_machine *machine, uint16_t address, bool on);
bool hack_machine_breakpoint_at(const hack_machine *machine, uint16_t address);
void hack_machine_clear_breakpoints(hack_machine *machine);

/* ---- the native tier ----
 * A library of its own, hacktier (threads, a compiler's process, dlopen, the environment), which the front ends
 * that use it link: the core runs without it, and reaches it only through the machine's tier. These three
 * functions are hacktier's (in a build without the tier, HACK_WITH_TIER off, hacktier has only them: the tier
 * is never on).
 * The program translated to C and compiled by the system's C compiler (cc, or $CC) in a background thread,
 * cached in a folder only the user can write; hack_machine_run runs it in turns with the interpreter, with the
 * same results to the instruction: cycles, budget stops, faults, hooks, halts. It is not used while memory is
 * watched, and is set aside when the ROM is poked (translated again) or a hook is bound where the compiled
 * code would run through it. Off by default (hackemu turns it on headless). Nothing of it outlives
 * hack_machine_destroy (or hack_machine_enable_tier again): a compile still running is killed, its files removed. */
typedef struct {
    uint64_t warm_cycles;  /* look for the program in the cache once this many instructions have run since the
                            * load (0: at the first run); found, its code is loaded at once */
    uint64_t hot_cycles;   /* else translate once this many have run (0: at the first run) */
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/hackemu, else $HOME/.cache/hackemu (never a shared folder) */
    const char *compiler;  /* NULL: $CC, else cc; words, as make takes them ("ccache gcc", "gcc -O2") */
    bool eager;            /* compile as soon as translated; else only once the run has lasted as long as the
                            * compile is expected to take (a shorter run never pays for a compile) */
    bool wait;             /* wait for the lookup and the compiler (tests, benchmarks); implies eager */
    /* 0: the whole program is translated. Else, once hot, this many instructions run one at a time, noting
     * the words they reach, and only the blocks reached are translated (less to compile: ready sooner); the
     * rest is the interpreter's, and when it runs more than a quarter of the time (looked at every 100
     * profiles' length of instructions, 10 million at most), the program is profiled and translated again
     * (4 times at most, counting those without the kept words: see tier.c). The profile is kept in the cache
     * with the compiled code: a later run of the same program starts from both. */
    uint64_t profile_steps;
} hack_tier_options;

typedef enum {
    HACK_TIER_OFF,
    HACK_TIER_WAITING,   /* not hot yet */
    HACK_TIER_COMPILING, /* looking in the cache, translating, waiting for the run to be worth a compile, compiling */
    HACK_TIER_READY,
    HACK_TIER_FAILED,    /* no compiler, no cache folder, a failed compile: the interpreter runs everything */
    HACK_TIER_SET_ASIDE, /* compiled, but the ROM or the hooks changed since */
} hack_tier_status;

bool hack_machine_enable_tier(hack_machine *machine, const hack_tier_options *options);
/* The tier's state; why (may be NULL) gets the reason it failed. */
hack_tier_status hack_machine_tier_status(const hack_machine *machine, char *why, size_t size);
/* What the tier did, for a user who asked: its notes (a bad cache entry removed), one a line, then one line:
 * how much it ran and whence its code came, or why it did not run. Empty when the tier is off. */
void hack_machine_tier_report(const hack_machine *machine, char *out, size_t size);

/* ---- hooks: native code bound to a ROM address, normally a VM function's entry ----
 * When the PC arrives at a hooked address (by the VM convention's call: ARG = SP - n - 5, LCL = SP), the run
 * loop calls the hook. The common path of the run loop is unchanged: a hooked address is one more kind of
 * decoded operation, and nothing is tested where there is no hook. */

typedef enum {
    HACK_HOOK_REPLACE, /* native code instead of the function: the Jack body never runs */
    HACK_HOOK_OBSERVE, /* see the call and then its result; the Jack body runs in between */
} hack_hook_kind;

typedef enum {
    HACK_HOOK_CALL,   /* the function was entered: arguments at RAM[arg .. arg + count - 1] */
    HACK_HOOK_RESULT, /* (observe hooks) it returned *value */
} hack_hook_event_kind;

typedef struct {
    hack_hook_event_kind kind;
    uint16_t address; /* the hooked entry */
    uint16_t arg;     /* RAM address of argument 0 */
    uint16_t count;   /* number of arguments (LCL - ARG - 5 at entry) */
    uint16_t value;   /* HACK_HOOK_RESULT: the returned value */
} hack_hook_event;

typedef enum {
    HACK_HOOK_RETURN,  /* perform the VM return with *value as the function's result */
    HACK_HOOK_PROCEED, /* run the function's own code (observe hooks); after a RESULT: go on from the return */
    HACK_HOOK_STOP,    /* stop the run (HACK_STOP_HOOK), state untouched: the next run calls the hook again.
                          On a RESULT: the caller is held at the return (PC at the return address, the
                          function's frame gone); the next run shows the hook the same RESULT again */
    HACK_HOOK_JUMP,    /* the hook set the registers and PC itself (a tail call into other code) */
} hack_hook_action;

typedef hack_hook_action (*hack_hook_fn)(void *context, hack_machine *machine, const hack_hook_event *event,
                                         uint16_t *value);

/* Binds fn to a ROM address. Returns false if the address already has a hook or memory ran out. */
bool hack_machine_add_hook(hack_machine *machine, uint16_t address, hack_hook_kind kind, hack_hook_fn fn,
                           void *context);
/* A binder's call (the native OS, the native Memory, the Output copy): binds fn unless address already has a hook,
 * which is kept. False only when memory ran out, and then the binder must give up as a whole (a native alloc
 * beside the Jack deAlloc would corrupt the heap). */
bool hack_machine_bind_hook(hack_machine *machine, uint16_t address, hack_hook_kind kind, hack_hook_fn fn,
                            void *context);
/* Removes every hook. */
void hack_machine_clear_hooks(hack_machine *machine);
/* Whether a hook (or a return an observe hook waits for) is bound at address. */
bool hack_machine_hooked(const hack_machine *machine, uint16_t address);
/* Whether native code replaces the function at address (a HACK_HOOK_REPLACE hook): its own code never runs.
 * An observe hook (the heap check's, the heap map's tracking) lets it run. */
bool hack_machine_replaced(const hack_machine *machine, uint16_t address);

/* The VM return from the function whose frame is current (LCL), with value as its result: what `return`
 * does. False (and nothing changed) when the frame is not a plausible one. */
bool hack_machine_vm_return(hack_machine *machine, uint16_t value);

/* A one-line description of the machine's fault: "PC 12 (0xFC10 AM=M-1): read of RAM[30000] above the
 * keyboard (24576)". Returns what snprintf would return. */
int hack_fault_describe(const hack_fault *fault, char *buf, size_t size);

#endif
