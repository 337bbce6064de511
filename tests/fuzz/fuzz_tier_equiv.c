/* The native tier against the interpreter, without a C compiler: a small Hack program made from the input is
 * loaded in two machines, the reference (the interpreter alone) and one with the tier on, whose translation
 * (tier_translate, the same text the tier compiles) runs in-process through an evaluator of its C (c_eval.c:
 * the subset of C the translator writes, with C's promotions and conversions). The tier's run is the real one
 * (tier_run.c: its turns, hand-offs and both of its interpreter loops), built into the harness with the
 * translator, without the rest of the tier (tier.c: the jobs, the cache, the compiler): the harness defines the
 * tier's side that tier_run.c calls (tier_run.h), so where the tier would hand the run its compiled function it
 * hands the evaluator, with the translation's entry table. Both run the same budget in
 * the same slices; after every slice the stop reason, the cycles run, A, D, PC, the cycle count, the fault
 * and the whole RAM must be equal. Checks too: the translation is in the subset, its st_t is the state's
 * struct (tier_run.h's hack_tier_state, field for field), and it does nothing a compiler may take as
 * undefined (a signed overflow, an index outside RAM or the decoded ROM, a variable read before it is set),
 * and it ends within its budget.
 *
 * The input: byte 0 flags: 1 relaxed mode, 2 R0..R15 not kept in locals (no_kept), 4 a profile (only the
 * blocks it reached translated; and the run starts with profiling turns), 8 hooks bound (a native function that skips a word), 16 and 32 the slices
 * (the whole budget, 1..64, 1..4, 1..1024 instructions), 64 A, D and PC from the input, 128 the machine runs
 * on through halts and the program's end (as test scripts run it). Bytes 1 and 2: the budget, 1..16384
 * instructions; byte 3: a seed for the slices, the hooks and the profile; bytes 4..19: R0..R15 (a byte below
 * 0x80 is the value, one below 0xC0 a multiple of 64, others small negative numbers); with flag 64, six bytes of A, D and PC; then the program,
 * two bytes a word (up to 512 words): b0 & 0x80, a C-instruction 0xE000 | (b0 & 0x1F) << 8 | b1 (an illegal
 * word when b0 & 0x60 and b1 & 7 are all ones); else an A-instruction, by (b0 >> 5) & 3: R0..R31, an address
 * in the program, 0..8191, or the screen and the keyboard (SCREEN + 0..4095, or KBD - 2048 .. KBD + 2047),
 * with the 13 low bits.
 *
 * The evaluator itself is checked against the C compiler when HACK_FUZZ_TIER_CC names one (CTest's replay
 * does, with the build's compiler): each translation is also compiled and loaded, and every call of it runs
 * both, from the same state, to the same result. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "c_eval.h"
#include "hack/isa.h"
#include "hack/machine.h"
#include "tier_run.h"
#include "tier_translate.h"

#include <dlfcn.h>
#include <sys/wait.h>

enum { MAX_WORDS = 512, MAX_BUDGET = 16384 };

/* the translation being run, its entry table, and (HACK_FUZZ_TIER_CC) its compiled twin */
static c_eval *program;
static const char *text;
static uint8_t *direct, *entries;
static hack_tier_fn compiled;
static void *compiled_handle;


static void report(const char *what, const char *why)
{
    fprintf(stderr, "fuzz_tier_equiv: %s: %s\nthe translation:\n%s\n", what, why, text ? text : "(none)");
}

/* The translation's function, as the run loop calls the compiled one. */
static void run_translation(hack_tier_state *s)
{
    static uint16_t ram_before[HACK_RAM_SIZE];
    const hack_tier_state before = *s;
    if (compiled) memcpy(ram_before, s->ram, sizeof ram_before);
    c_eval_state state = {s->ram, HACK_RAM_SIZE, s->kinds, (HACK_ROM_SIZE + 1) * 4, s->hook_kind, s->a, s->d, s->pc,
                          s->left};
    char why[300];
    /* a block's instructions cost a few statements each, a dispatch a few more */
    if (!c_eval_run(program, &state, 16 * (s->left + 1) + 4096, why, sizeof why)) {
        report("the translation's C did something undefined, or did not end", why);
        FUZZ_CHECK(!"the translation runs as C");
    }
    FUZZ_CHECK(state.left <= s->left && state.pc <= HACK_ROM_SIZE);
    s->a = state.a;
    s->d = state.d;
    s->pc = state.pc;
    s->left = state.left;
    if (compiled) { /* the compiler's run from the same state */
        static uint16_t ram_evaluated[HACK_RAM_SIZE];
        memcpy(ram_evaluated, s->ram, sizeof ram_evaluated);
        memcpy(s->ram, ram_before, sizeof ram_before);
        hack_tier_state c = before;
        compiled(&c);
        if (c.a != s->a || c.d != s->d || c.pc != s->pc || c.left != s->left ||
            memcmp(ram_evaluated, s->ram, sizeof ram_evaluated) != 0) {
            char differ[200];
            snprintf(differ, sizeof differ, "compiled A %u D %u PC %u left %llu, evaluated A %u D %u PC %u left %llu",
                     c.a, c.d, c.pc, (unsigned long long)c.left, s->a, s->d, s->pc, (unsigned long long)s->left);
            report("the evaluator and the compiler differ", differ);
            FUZZ_CHECK(!"the evaluator runs the C as the compiler does");
        }
    }
}

/* ---- the tier's side of tier_run.c (tier_run.h), the harness's ---- */

/* With flag 4, the first asks (1 to 4) hand the run a profiling turn of 1 to 200 instructions instead of the code,
 * as the tier does while a program is hot but not yet translated: tier_run.c's profiled loop, and its hand-over
 * to the code, are compared with the interpreter too. */
static unsigned profile_turns;
static uint64_t profile_turn_length[4];
static uint8_t profile_marks[HACK_ROM_SIZE + 2];

hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile)
{
    (void)machine;
    *interpret_for = UINT64_MAX;
    *profile = NULL;
    if (profile_turns > 0) {
        *interpret_for = profile_turn_length[--profile_turns];
        *profile = profile_marks;
        return NULL;
    }
    return program ? run_translation : NULL;
}

const uint8_t *hack_tier_entry_map(hack_machine *machine)
{
    (void)machine;
    return entries;
}

void hack_tier_account(hack_machine *machine, uint64_t native, uint64_t interpreted, uint64_t profiled,
                       uint64_t exits)
{
    (void)machine, (void)native, (void)interpreted, (void)profiled, (void)exits;
}

uint8_t *hack_tier_profile_map(hack_machine *machine)
{
    (void)machine;
    return profile_marks;
}

static void harness_tier_nothing(hack_machine *machine)
{
    (void)machine;
}

static void harness_tier_note_decode(hack_machine *machine, uint32_t pc)
{
    (void)machine, (void)pc;
}

/* The machine's tier: tier_run.c's run; nothing to free, forget or translate again. */
static const hack_tier_ops harness_tier_ops = {.run = hack_tier_run_in_turns,
                                               .free = harness_tier_nothing,
                                               .forget = harness_tier_nothing,
                                               .rom_changed = harness_tier_nothing,
                                               .note_decode = harness_tier_note_decode};
static char harness_tier_token; /* machine->tier must only be set: tier_run.c never looks inside it */

/* ---- the compiler's twin (HACK_FUZZ_TIER_CC) ---- */

static char work[300];

static void remove_work(void)
{
    fuzz_empty_folder(work);
    rmdir(work);
}

/* Compiles the text into a shared object and loads it; aborts when the compiler refuses the text. */
static void compile_twin(const char *cc)
{
    static unsigned serial;
    if (!work[0]) {
        fuzz_make_work_folder(work, sizeof work, "tier-equiv");
        atexit(remove_work);
    }
    char source[400], object[400];
    snprintf(source, sizeof source, "%s/tier.c", work);
    snprintf(object, sizeof object, "%s/tier-%u.so", work, serial++); /* a new name: dlopen keeps old ones */
    FILE *file = fopen(source, "w");
    if (!file || fputs(text, file) < 0 || fclose(file) != 0) abort();
    char words[400];
    snprintf(words, sizeof words, "%s", cc);
    char *argv[24];
    int argc = 0;
    for (char *word = strtok(words, " "); word && argc < 16; word = strtok(NULL, " ")) argv[argc++] = word;
    char *flags[] = {"-O1", "-fPIC", "-shared", "-w", "-o", object, source, NULL};
    for (int i = 0; flags[i]; i++) argv[argc++] = flags[i];
    argv[argc] = NULL;
    pid_t child = fork();
    if (child == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        report("the compiler refused the translation", cc);
        FUZZ_CHECK(!"the translation compiles");
    }
    compiled_handle = dlopen(object, RTLD_NOW | RTLD_LOCAL);
    void *entry = compiled_handle ? dlsym(compiled_handle, "hack_tier_run") : NULL;
    if (!entry) {
        report("the compiled translation did not load", dlerror());
        abort();
    }
    memcpy(&compiled, &entry, sizeof compiled);
    unlink(object);
    unlink(source);
}

static void unload_twin(void)
{
    if (compiled_handle) dlclose(compiled_handle);
    compiled_handle = NULL;
    compiled = NULL;
}

/* ---- the input ---- */

static uint32_t seed;

static uint32_t next_random(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

FUZZ_NO_COVERAGE static uint16_t word_from(uint8_t b0, uint8_t b1, uint32_t size)
{
    const uint16_t low = (uint16_t)((b0 & 0x1Fu) << 8 | b1);
    if (b0 & 0x80) {
        if ((b0 & 0x60) == 0x60 && (b1 & 7) == 7) return (uint16_t)(0x8000u | low); /* illegal */
        return (uint16_t)(0xE000u | low);
    }
    switch ((b0 >> 5) & 3) {
    case 0: return (uint16_t)(low % 32);
    case 1: return (uint16_t)(low % size);
    case 2: return low;
    default: return (uint16_t)(low & 0x1000 ? HACK_KBD - 2048u + (low & 0xFFFu) : HACK_SCREEN + (unsigned)low);
    }
}

/* R0..R15 at the start: small numbers, pointers (SP = 256 is 0x84), small negative numbers */
static uint16_t ram_value(uint8_t b)
{
    return b < 0x80 ? b : b < 0xC0 ? (uint16_t)((b - 0x80u) * 64u) : (uint16_t)(0xFF00u | b);
}

static hack_hook_action skip_hook(void *context, hack_machine *m, const hack_hook_event *event, uint16_t *value)
{
    (void)context;
    (void)value;
    m->d = (uint16_t)(m->d + 1);
    m->pc = (uint16_t)((event->address + 1u) % (m->program_size ? m->program_size : 1));
    return HACK_HOOK_JUMP;
}

static void differ(const char *what, const hack_machine *ref, const hack_machine *fast, hack_run_result r1,
                   hack_run_result r2)
{
    char why[400];
    int n = snprintf(why, sizeof why,
                     "%s after %llu cycles: reason %d/%d, ran %llu/%llu, A %u/%u, D %u/%u, PC %u/%u, fault %d/%d",
                     what, (unsigned long long)ref->cycles, r1.reason, r2.reason, (unsigned long long)r1.cycles,
                     (unsigned long long)r2.cycles, ref->a, fast->a, ref->d, fast->d, ref->pc, fast->pc,
                     ref->fault.kind, fast->fault.kind);
    for (uint32_t i = 0; i < HACK_RAM_SIZE && n > 0 && (size_t)n < sizeof why; i++)
        if (ref->ram[i] != fast->ram[i]) {
            snprintf(why + n, sizeof why - (size_t)n, ", first RAM difference RAM[%u] %u/%u", i, ref->ram[i],
                     fast->ram[i]);
            break;
        }
    report("the tier and the interpreter differ", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 22) return 0;
    const uint8_t flags = data[0];
    const uint64_t budget = 1 + (uint64_t)(data[1] | data[2] << 8) % MAX_BUDGET;
    seed = 0x9E3779B9u ^ (uint32_t)data[3] << 8 ^ flags;
    size_t at = 20;
    uint16_t a = 0, d = 0, pc = 0;
    if (flags & 64) {
        if (size < at + 6) return 0;
        a = (uint16_t)(data[at] | data[at + 1] << 8);
        d = (uint16_t)(data[at + 2] | data[at + 3] << 8);
        pc = (uint16_t)(data[at + 4] | data[at + 5] << 8);
        at += 6;
    }
    uint32_t n = (uint32_t)((size - at) / 2);
    if (n == 0) return 0;
    if (n > MAX_WORDS) n = MAX_WORDS;
    static uint16_t words[MAX_WORDS];
    for (uint32_t i = 0; i < n; i++) words[i] = word_from(data[at + 2 * i], data[at + 2 * i + 1], n);

    /* two machines for every input (a load resets all but the RAM, which is cleared here) */
    static hack_machine *ref, *fast;
    if (!ref) {
        ref = hack_machine_create();
        fast = hack_machine_create();
        if (!ref || !fast) abort();
        fast->tier = (hack_tier *)(void *)&harness_tier_token;
        fast->tier_ops = &harness_tier_ops;
    }
    hack_machine *both[2] = {ref, fast};
    uint16_t hooked[4];
    int hooks = flags & 8 ? 1 + (int)(next_random() % 4) : 0;
    for (int h = 0; h < hooks; h++) hooked[h] = (uint16_t)(next_random() % n);
    for (int m = 0; m < 2; m++) {
        hack_machine *machine = both[m];
        hack_machine_load(machine, words, n);
        memset(machine->ram, 0, sizeof machine->ram);
        for (int i = 0; i < 16; i++)
            machine->ram[i] = ram_value(data[4 + i]);
        machine->a = a;
        machine->d = d;
        machine->pc = (uint16_t)(pc % n);
        machine->relaxed = flags & 1;
        machine->stop_on_halt = machine->stop_at_program_end = !(flags & 128);
        for (int h = 0; h < hooks; h++) /* (one hook a word: a second is refused) */
            FUZZ_CHECK(hack_machine_hooked(machine, hooked[h]) ||
                       hack_machine_add_hook(machine, hooked[h], HACK_HOOK_REPLACE, skip_hook, NULL));
    }

    /* the translation, as the tier makes it from the loaded machine */
    static uint8_t exits[MAX_WORDS + 1], visited[MAX_WORDS + 2];
    if (!direct) direct = malloc(HACK_ROM_SIZE + 1);
    if (!entries) entries = malloc(HACK_ROM_SIZE + 1);
    if (!direct || !entries) abort();
    for (uint32_t i = 0; i < n; i++) exits[i] = hack_decoded_exits(fast, i);
    exits[n] = 0;
    const uint32_t profile_bits = next_random();
    for (uint32_t i = 0; i < n + 2; i++) visited[i] = (profile_bits >> (i % 32)) & 1;
    const tier_translation translation = {fast->rom, n,     exits,  flags & 4 ? visited : NULL, (flags & 2) != 0,
                                          hack_decoded_hook_kind(), "fuzz", direct, entries};
    char *translated = tier_translate(&translation);
    FUZZ_CHECK(translated != NULL);
    text = translated;
    char why[300], fields[300];
    program = c_eval_parse(translated, "hack_tier_run", fields, sizeof fields, why, sizeof why);
    if (!program) report("the translation is not in the C the evaluator reads", why);
    FUZZ_CHECK(program != NULL);
    /* the struct the code is handed: tier_run.h's hack_tier_state, field for field */
    FUZZ_CHECK(strcmp(fields, "uint16_t *ram; const uint16_t *kinds; uint16_t hook_kind; uint16_t a; uint16_t d; "
                              "uint32_t pc; uint64_t left") == 0);
    const char *cc = getenv("HACK_FUZZ_TIER_CC");
    if (cc && *cc) compile_twin(cc);
    profile_turns = flags & 4 ? 1 + next_random() % 4 : 0;
    for (unsigned i = 0; i < profile_turns; i++) profile_turn_length[i] = 1 + next_random() % 200;

    /* the same budget in the same slices, compared after each */
    static const uint32_t max_slices[4] = {MAX_BUDGET, 64, 4, 1024};
    uint32_t max_slice = max_slices[(flags >> 4) & 3];
    /* every word hooked: the hooks may jump from one to the next forever, where each run's first 65,536 cost
     * nothing (run_loop.inc): one run for the whole budget, not thousands of them */
    bool all_hooked = hooks > 0;
    for (uint32_t i = 0; i < n && all_hooked; i++) all_hooked = hack_machine_hooked(ref, (uint16_t)i);
    if (all_hooked) max_slice = MAX_BUDGET;
    uint64_t done = 0;
    while (done < budget) {
        uint64_t slice = 1 + next_random() % max_slice;
        if (slice > budget - done) slice = budget - done;
        hack_run_result r1 = hack_machine_run(ref, slice);
        hack_run_result r2 = hack_machine_run(fast, slice);
        const bool same = r1.reason == r2.reason && r1.cycles == r2.cycles && ref->a == fast->a &&
                          ref->d == fast->d && ref->pc == fast->pc && ref->cycles == fast->cycles &&
                          ref->fault.kind == fast->fault.kind && ref->fault.pc == fast->fault.pc &&
                          ref->fault.address == fast->fault.address &&
                          memcmp(ref->ram, fast->ram, sizeof ref->ram) == 0;
        if (!same) differ("state", ref, fast, r1, r2);
        FUZZ_CHECK(same);
        done += r1.cycles ? r1.cycles : 1;
        if (r1.reason != HACK_STOP_BUDGET) break;
    }
    unload_twin();
    c_eval_free(program);
    program = NULL;
    free(translated);
    text = NULL;
    return 0;
}
