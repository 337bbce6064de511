/* The native tier: the ROM translated to C (tier_translate.c), compiled by the system's C compiler
 * (tier_compile.c) into a shared object kept in a cache only the user can write (tier_cache.c), loaded, and run
 * by hack_machine_run in turns with the interpreter (tier_run.c), which stays the reference: the translated code leaves to it
 * (at the exact instruction, with the exact count) whenever anything but plain straight-line work is due.
 *
 * The translation: one C function, a label per block start (the program's first word, each word after a jump,
 * each direct jump target), so the C compiler sees the program's loops; one budget check per block (the block
 * runs only when the budget covers all of it; otherwise the interpreter runs its last instructions); A tracked
 * as a constant within a block (so @SP AM=M+1 needs no address check); R0..R15 read or written at constant
 * addresses kept in locals (registers) from entry to every way out, an access through A below the highest of
 * them leaving to the interpreter; an exit before any instruction that could fault (an address above the
 * keyboard, a jump past ROM), at any address the interpreter decodes as a hook, the halt idiom, the end of the
 * program or an illegal word, and at an indirect jump to a word the dispatch does not know or that holds a
 * hook (a return an observe hook waits for). A constant the next word reads as a value (@RET D=A, and as often
 * @25 D=A) may be a return address: the dispatch enters there mid-block (with the rest of the block's budget,
 * and only when A is what the block has there). With a profile (profile_steps), only the blocks it reached are
 * translated; the others leave at their first word. After an exit, the interpreter runs on to a word the
 * code can start at (tier_run.c). A translation that hands back too often (not at hooks) is made again without
 * the kept words (no_kept). Hooks bound after the translation on a word the code runs through, pokes to ROM
 * and loads set the translation aside (it resumes when the hook goes; a poked ROM is translated again).
 *
 * When: the work is a job over a snapshot of the machine. Soon after the start (warm_cycles) a job looks for the
 * program's profile in the cache, in the interpreter's thread (a tenth of a millisecond: a thread would cost more,
 * on a machine of two cores as much as a few milliseconds); found, a background thread translates the same blocks
 * and loads their compiled code. Otherwise, once hot (hot_cycles), the program is profiled, and a job
 * (in a background thread) translates, then waits until the program has run as long as the compile is expected to take (a run that ends
 * sooner costs nothing: the compile never starts), compiles at the lowest priority, stores the object and the
 * profile, and loads it. A job still working when the tier is freed is called off: its compiler killed, its
 * work folder removed, its thread joined. */
#define _POSIX_C_SOURCE 200809L
#include "tier_run.h"

#include "hack/sha256.h"
#include "hack/version.h"
#include "tier_cache.h"
#include "tier_compile.h"
#include "tier_translate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* what the compiler is given before CC's own words (which win); GCC's register allocator over one region with
 * the priority algorithm compiles the translation's one large function in 60% of the time, for code as fast */
static const char *const COMPILE_FLAGS[] = {"-O1", "-fPIC", "-shared", "-w", NULL};
static const char *const GCC_COMPILE_FLAGS[] = {"-O1", "-fPIC", "-shared", "-w", "-fira-region=one",
                                                "-fira-algorithm=priority", NULL};

/* The compile's expected wall time: a fixed part (the compiler's start, the link) and a part per byte of C
 * (gcc 12 on this project's translations, 2 KB to 600 KB of C: see the README). */
#define COMPILE_FIXED_SECONDS 0.03
#define COMPILE_SECONDS_PER_BYTE 2.4e-6

enum { SMALL_PROGRAM = 4096 }; /* words */

typedef enum { JOB_WORKING, JOB_READY, JOB_NOT_CACHED, JOB_FAILED, JOB_CANCELLED } job_state;
typedef enum { PHASE_PREPARING, PHASE_WAITING, PHASE_COMPILING } job_phase; /* what a working job does */

typedef struct {
    /* the inputs: a snapshot of the machine and the settings */
    bool lookup; /* a warm start: the program's profile from the cache; none: JOB_NOT_CACHED */
    bool eager;  /* compile as soon as translated */
    uint16_t *rom;
    uint32_t size;
    uint8_t *exits;   /* size + 1 */
    uint8_t *visited; /* size + 2; NULL: the whole program (then no profile is kept) */
    bool no_kept;
    const char *cc, *cache_dir, *xdg_cache_home, *home; /* the tier's: they outlive the job */
    struct timespec run_start;
    /* between the threads */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_bool cancel;
    int life; /* the compile's watcher pipe (tier_compile.h) */
    atomic_int state;
    atomic_int phase;
    double expected; /* the compile's expected wall time (set before PHASE_WAITING) */
    double started;  /* seconds into the run when the compile started (set before PHASE_COMPILING) */
    /* what job_prepare found, for job_finish */
    tier_compiler compiler;
    tier_cache cache;
    const char *const *flags;
    char header[1024];
    uint8_t program[HACK_SHA256_SIZE];
    char *text; /* the translation (job_load) */
    uint8_t key[HACK_SHA256_SIZE];
    /* the outputs, read once the state is not JOB_WORKING */
    uint8_t *direct, *entries;
    tier_object object;
    hack_tier_fn fn;
    bool from_cache;
    double compile_seconds;
    size_t text_size; /* bytes of C */
    char error[700];
    char note[700];
} tier_job;

struct hack_tier {
    hack_tier_options options;
    char *cc, *cache_dir, *xdg_cache_home, *home;
    tier_job *job;            /* the translation being looked up, compiled or run; NULL: none asked for yet */
    uint8_t *direct;          /* per ROM word: the translated code reaches it without the dispatch check */
    uint8_t *compiled_exit;   /* per ROM word: the translated code leaves to the interpreter there */
    uint8_t *entries;         /* per ROM word: the translated code can start there (and goes on) */
    uint8_t *visited;         /* per ROM word: reached while profiled (profile_steps): its block is translated */
    uint64_t profiled;        /* instructions profiled so far */
    bool profile_done;        /* the translation may start (profile_steps 0: at once) */
    bool looked_up;           /* the cache was asked for this program's profile */
    bool failed;              /* no compiler, no cache folder...: the interpreter runs everything */
    bool started;             /* run_start is set */
    struct timespec run_start;
    unsigned retranslations;  /* profiled again because the interpreter ran too much of the time */
    uint64_t window_compiled, window_interpreted; /* instructions since the last look at the shares */
    uint64_t window_exits;    /* times the code handed back, but at hooks, in that window */
    uint64_t native_total;    /* instructions the compiled code ran */
    bool no_kept;             /* R0..R15 not kept in locals: the code handed back too often (accesses to them
                               * through A: a VM translator's pop temp 0 through R13) */
    uint32_t mismatches;      /* words the code runs through that now hold a hook: the tier is set aside */
    bool stale;               /* the ROM changed since the translation */
    bool active;              /* job READY, its tables filled */
    bool from_cache;          /* the running code came from the cache */
    double compile_seconds;   /* the last compile's wall time */
    size_t text_size;         /* and the bytes of C it compiled */
    char why[700];            /* why it failed */
    char notes[1400];         /* what it did to the cache (a bad entry removed), for HACK_TIER=on */
};

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* ---- the job, in its thread ---- */

/* Waits until the program has run for `seconds` (false: called off meanwhile). */
static bool wait_until_run_for(tier_job *job, double seconds)
{
    struct timespec deadline = job->run_start;
    const double whole = (double)(long long)seconds;
    deadline.tv_sec += (time_t)whole;
    deadline.tv_nsec += (long)((seconds - whole) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&job->lock);
    while (!atomic_load(&job->cancel) && seconds_since(&job->run_start) < seconds)
        pthread_cond_timedwait(&job->wake, &job->lock, &deadline); /* the condition's clock: monotonic */
    const bool go = !atomic_load(&job->cancel);
    pthread_mutex_unlock(&job->lock);
    return go;
}

/* A program's key: what names its profile. Not SHA-256: it is computed in the interpreter's thread in every run
 * past a quarter of a million instructions, and this takes a few microseconds; two programs that met on one key
 * would only share a profile, and a translation is exact whatever its profile (the compiled code itself is
 * named and checked by the SHA-256 of its text). Four 64-bit lanes, 8 bytes at a time, mixed by multiply and
 * shift; the header (compiler, version, flags) by its SHA-256. */
static void mix_in(uint64_t lanes[4], const void *bytes, size_t count)
{
    const uint8_t *p = bytes;
    for (size_t i = 0; i < count; i += 8) {
        uint64_t word = 0;
        memcpy(&word, p + i, count - i < 8 ? count - i : 8);
        uint64_t *lane = &lanes[(i / 8) & 3];
        *lane = (*lane ^ word) * 0x9e3779b97f4a7c15ull;
        *lane ^= *lane >> 31;
    }
    for (unsigned i = 0; i < 4; i++) lanes[i] = (lanes[i] ^ count) * 0xff51afd7ed558ccdull;
}

static void program_key(const tier_job *job, const char *header, uint8_t key[HACK_SHA256_SIZE])
{
    uint64_t lanes[4] = {0xcbf29ce484222325ull, 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull};
    uint8_t digest[HACK_SHA256_SIZE];
    hack_sha256(header, strlen(header), digest);
    mix_in(lanes, digest, sizeof digest);
    mix_in(lanes, job->rom, (size_t)job->size * sizeof *job->rom); /* (host byte order: a cache serves one machine) */
    mix_in(lanes, job->exits, job->size);
    for (unsigned round = 0; round < 3; round++)
        for (unsigned i = 0; i < 4; i++) {
            lanes[i] ^= lanes[(i + 1) & 3] >> 29;
            lanes[i] *= 0xc4ceb9fe1a85ec53ull;
        }
    for (unsigned i = 0; i < 4; i++)
        for (unsigned b = 0; b < 8; b++) key[8 * i + b] = (uint8_t)(lanes[i] >> (8 * b));
}

static job_state compile_and_store(tier_job *job, const tier_cache *cache, const tier_compiler *compiler,
                                   const char *const *flags, const char *text, const uint8_t key[HACK_SHA256_SIZE],
                                   const uint8_t program[HACK_SHA256_SIZE])
{
    char work_name[64];
    int work = tier_cache_work_open(cache, work_name, job->error, sizeof job->error);
    if (work < 0) return JOB_FAILED;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    job_state state = JOB_FAILED;
    if (tier_cache_work_write(work, "tier.c", text, strlen(text), job->error, sizeof job->error)) {
        const tier_cancel cancel = {&job->lock, &job->life, &job->cancel};
        tier_compile_result r = tier_compile_run(compiler, flags, cache->fd, work, work_name, "tier.so", "tier.c", "compiler.log",
                                                 &cancel, job->error, sizeof job->error);
        job->compile_seconds = seconds_since(&start);
        if (r == TIER_COMPILE_CANCELLED)
            state = JOB_CANCELLED;
        else if (r == TIER_COMPILE_OK && tier_cache_store(cache, work, "tier.so", key, job->error, sizeof job->error))
            state = JOB_WORKING; /* stored: loaded below */
    }
    char ignored[300];
    if (state == JOB_WORKING && job->visited)
        tier_cache_write_profile(cache, work, program, job->size, job->visited, job->no_kept, ignored, sizeof ignored);
    tier_cache_work_remove(cache, work, work_name);
    return state;
}

static void keep_profile(tier_job *job, const tier_cache *cache, const uint8_t program[HACK_SHA256_SIZE])
{
    char work_name[64], ignored[300];
    int work = tier_cache_work_open(cache, work_name, ignored, sizeof ignored);
    if (work < 0) return;
    tier_cache_write_profile(cache, work, program, job->size, job->visited, job->no_kept, ignored, sizeof ignored);
    tier_cache_work_remove(cache, work, work_name);
}

/* The first part of a job, where it is asked for: the compiler found, the cache opened, the program's key, and
 * for a lookup its profile. JOB_WORKING: go on (job_finish); else done. Cheap enough for the interpreter's thread
 * (a tenth of a millisecond), so a program the cache does not know costs no thread. */
static job_state job_prepare(tier_job *job)
{
    if (!tier_compiler_find(job->cc, &job->compiler, job->error, sizeof job->error)) return JOB_FAILED;
    if (!tier_cache_open(&job->cache, job->cache_dir, job->xdg_cache_home, job->home, job->error, sizeof job->error))
        return JOB_FAILED;
    const char *base = strrchr(job->compiler.path, '/');
    job->flags = strstr(base ? base + 1 : job->compiler.path, "gcc") ? GCC_COMPILE_FLAGS : COMPILE_FLAGS;
    /* the compiler named in the text, its identity whole by its digest (it has no bound) */
    uint8_t identity[HACK_SHA256_SIZE];
    char identity_hex[2 * HACK_SHA256_SIZE + 1];
    hack_sha256(job->compiler.identity, strlen(job->compiler.identity), identity);
    hack_sha256_hex(identity, identity_hex);
    size_t used = (size_t)snprintf(job->header, sizeof job->header, "hackemu %s; %.300s; compiler %s", HACK_VERSION,
                                   job->compiler.path, identity_hex);
    for (const char *const *flag = job->flags; *flag && used < sizeof job->header; flag++)
        used += (size_t)snprintf(job->header + used, sizeof job->header - used, " %s", *flag);
    for (char *p = job->header; *p; p++)
        if (*p == '*' && p[1] == '/') *p = '?'; /* it is a C comment */
    program_key(job, job->header, job->program);
    if (job->lookup && !tier_cache_read_profile(&job->cache, job->program, job->size, job->visited, &job->no_kept,
                                                job->note, sizeof job->note))
        return JOB_NOT_CACHED;
    return JOB_WORKING;
}

/* The translation, and its compiled code loaded from the cache when it is there. JOB_WORKING: not there
 * (job_compile goes on with job->text). */
static job_state job_load(tier_job *job)
{
    const tier_translation translation = {job->rom,    job->size,     job->exits,  job->visited, job->no_kept,
                                          hack_decoded_hook_kind(), job->header, job->direct, job->entries};
    job->text = tier_translate(&translation);
    if (!job->text) {
        snprintf(job->error, sizeof job->error, "out of memory");
        return JOB_FAILED;
    }
    job->text_size = strlen(job->text);
    hack_sha256(job->text, job->text_size, job->key);
    char note[700] = "";
    tier_entry_result found = tier_cache_load(&job->cache, job->key, &job->object, note, sizeof note);
    if (note[0]) snprintf(job->note, sizeof job->note, "%s", note);
    if (found == TIER_ENTRY_UNLOADABLE) {
        snprintf(job->error, sizeof job->error, "%s", note);
        job->note[0] = '\0';
        return JOB_FAILED;
    }
    if (found != TIER_ENTRY_LOADED) return JOB_WORKING;
    job->from_cache = true;
    if (!job->lookup && job->visited) keep_profile(job, &job->cache, job->program); /* the code was there, not its profile */
    return JOB_READY;
}

/* Not in the cache: compiled once the run has lasted as long as the compile should take, stored, loaded. */
static job_state job_compile(tier_job *job)
{
    job->expected = COMPILE_FIXED_SECONDS + COMPILE_SECONDS_PER_BYTE * (double)job->text_size;
    atomic_store(&job->phase, PHASE_WAITING);
    if (!job->eager && !wait_until_run_for(job, job->expected)) return JOB_CANCELLED;
    job->started = seconds_since(&job->run_start);
    atomic_store(&job->phase, PHASE_COMPILING);
    job_state state = compile_and_store(job, &job->cache, &job->compiler, job->flags, job->text, job->key, job->program);
    if (state == JOB_WORKING) {
        char note[700] = "";
        const tier_entry_result found = tier_cache_load(&job->cache, job->key, &job->object, note, sizeof note);
        state = found == TIER_ENTRY_LOADED ? JOB_READY : JOB_FAILED;
        if (state == JOB_FAILED) snprintf(job->error, sizeof job->error, "the compiled code did not load: %.600s", note);
    }
    tier_cache_trim(&job->cache);
    return state;
}

static void *job_thread(void *arg)
{
    tier_job *job = arg;
    job_state state = job->text ? JOB_WORKING : job_load(job);
    if (state == JOB_WORKING) state = job_compile(job);
    if (state == JOB_READY) memcpy(&job->fn, &job->object.entry, sizeof job->fn);
    atomic_store(&job->state, state);
    return NULL;
}

/* ---- the job, from the machine's side ---- */

static void job_free(tier_job *job)
{
    if (!job) return;
    if (job->thread_started) {
        pthread_mutex_lock(&job->lock);
        atomic_store(&job->cancel, true);
        if (job->life >= 0) close(job->life); /* the watcher kills the compiler's group */
        job->life = -1;
        pthread_cond_broadcast(&job->wake);
        pthread_mutex_unlock(&job->lock);
        pthread_join(job->thread, NULL);
    }
    tier_object_unload(&job->object);
    tier_compiler_free(&job->compiler);
    tier_cache_close(&job->cache);
    free(job->text);
    pthread_mutex_destroy(&job->lock);
    pthread_cond_destroy(&job->wake);
    free(job->rom);
    free(job->exits);
    free(job->visited);
    free(job->direct);
    free(job->entries);
    free(job);
}

static void start_job(hack_machine *machine, hack_tier *tier, bool lookup)
{
    const uint32_t n = machine->program_size;
    tier_job *job = calloc(1, sizeof *job);
    if (!job) return;
    job->object.fd = -1;
    job->cache.fd = -1;
    job->life = -1;
    atomic_init(&job->cancel, false);
    atomic_init(&job->state, JOB_WORKING);
    atomic_init(&job->phase, PHASE_PREPARING);
    pthread_mutex_init(&job->lock, NULL);
    pthread_condattr_t clock;
    pthread_condattr_init(&clock);
    pthread_condattr_setclock(&clock, CLOCK_MONOTONIC);
    pthread_cond_init(&job->wake, &clock);
    pthread_condattr_destroy(&clock);
    job->lookup = lookup;
    job->eager = tier->options.eager || tier->options.wait;
    job->size = n;
    job->no_kept = tier->no_kept;
    job->cc = tier->cc;
    job->cache_dir = tier->cache_dir;
    job->xdg_cache_home = tier->xdg_cache_home;
    job->home = tier->home;
    job->run_start = tier->run_start;
    job->rom = malloc(((size_t)n + 1) * sizeof *job->rom);
    job->exits = calloc((size_t)n + 1, 1);
    job->direct = calloc(HACK_ROM_SIZE + 1, 1);
    job->entries = calloc(HACK_ROM_SIZE + 1, 1);
    const bool profiled = lookup || tier->options.profile_steps;
    if (profiled) job->visited = calloc((size_t)n + 2, 1);
    tier->job = job;
    tier->stale = false;
    tier->mismatches = 0;
    if (!job->rom || !job->exits || !job->direct || !job->entries || (profiled && !job->visited)) {
        snprintf(job->error, sizeof job->error, "out of memory");
        atomic_store(&job->state, JOB_FAILED);
        return;
    }
    memcpy(job->rom, machine->rom, (size_t)n * sizeof *job->rom);
    for (uint32_t pc = 0; pc < n; pc++) job->exits[pc] = hack_decoded_exits(machine, pc);
    if (profiled && !lookup) memcpy(job->visited, tier->visited, (size_t)n + 2);
    job_state prepared = job_prepare(job);
    /* a small program found in the cache is loaded here and now (its translation and check take less than a
     * thread's start) */
    if (prepared == JOB_WORKING && lookup && n <= SMALL_PROGRAM) prepared = job_load(job);
    if (prepared != JOB_WORKING) {
        if (prepared == JOB_READY) memcpy(&job->fn, &job->object.entry, sizeof job->fn);
        atomic_store(&job->state, prepared);
        return;
    }
    if (pthread_create(&job->thread, NULL, job_thread, job) != 0) {
        snprintf(job->error, sizeof job->error, "cannot start a thread");
        atomic_store(&job->state, JOB_FAILED);
        return;
    }
    job->thread_started = true;
    if (tier->options.wait)
        while (atomic_load(&job->state) == JOB_WORKING) {
            struct timespec pause = {0, 200000};
            nanosleep(&pause, NULL);
        }
}

static void add_note(hack_tier *tier, const char *note)
{
    const size_t used = strlen(tier->notes);
    if (note[0] && used + strlen(note) + 2 < sizeof tier->notes)
        snprintf(tier->notes + used, sizeof tier->notes - used, "%s%s", used ? "\n" : "", note);
}

/* ---- the machine's side ---- */

static void tier_free(hack_machine *machine);
static void tier_forget(hack_machine *machine);
static void tier_rom_changed(hack_machine *machine);
static void tier_note_decode(hack_machine *machine, uint32_t pc);

/* How the core reaches the tier (machine_private.h): set with machine->tier. */
static const hack_tier_ops tier_ops = {.run = hack_tier_run_in_turns,
                                       .free = tier_free,
                                       .forget = tier_forget,
                                       .rom_changed = tier_rom_changed,
                                       .note_decode = tier_note_decode};

bool hack_machine_enable_tier(hack_machine *machine, const hack_tier_options *options)
{
    if (machine->tier) tier_free(machine);
    hack_tier *tier = calloc(1, sizeof *tier);
    if (!tier) return false;
    tier->options = options ? *options : (hack_tier_options){0};
    const char *cc = tier->options.compiler;
    if (!cc || !*cc) cc = getenv("CC");
    tier->cc = strdup(cc ? cc : "");
    tier->cache_dir = strdup(tier->options.cache_dir ? tier->options.cache_dir : "");
    tier->xdg_cache_home = strdup(getenv("XDG_CACHE_HOME") ? getenv("XDG_CACHE_HOME") : "");
    tier->home = strdup(getenv("HOME") ? getenv("HOME") : "");
    tier->options.compiler = tier->options.cache_dir = NULL; /* the caller's strings are not kept */
    tier->direct = calloc(HACK_ROM_SIZE + 1, 1);
    tier->compiled_exit = calloc(HACK_ROM_SIZE + 1, 1);
    tier->entries = calloc(HACK_ROM_SIZE + 1, 1);
    tier->visited = calloc(HACK_ROM_SIZE + 2, 1); /* the run loop marks pc and pc + 1, pc up to the ROM size */
    tier->profile_done = tier->options.profile_steps == 0;
    machine->tier = tier;
    machine->tier_ops = &tier_ops;
    if (!tier->cc || !tier->cache_dir || !tier->xdg_cache_home || !tier->home || !tier->direct ||
        !tier->compiled_exit || !tier->entries || !tier->visited) {
        tier_free(machine);
        return false;
    }
    return true;
}

static void tier_free(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (!tier) return;
    machine->tier = NULL;
    job_free(tier->job);
    free(tier->cc);
    free(tier->cache_dir);
    free(tier->xdg_cache_home);
    free(tier->home);
    free(tier->direct);
    free(tier->compiled_exit);
    free(tier->entries);
    free(tier->visited);
    free(tier);
}

static void tier_forget(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (!tier) return;
    job_free(tier->job);
    tier->job = NULL;
    tier->active = false;
    tier->stale = false;
    tier->mismatches = 0;
    memset(tier->visited, 0, HACK_ROM_SIZE + 2);
    tier->profiled = 0;
    tier->profile_done = tier->options.profile_steps == 0;
    tier->retranslations = 0;
    tier->window_compiled = tier->window_interpreted = tier->window_exits = 0;
    tier->native_total = 0;
    tier->no_kept = false;
    tier->looked_up = false;
    tier->failed = false;
    tier->started = false;
    tier->from_cache = false;
    tier->compile_seconds = 0;
    tier->why[0] = tier->notes[0] = '\0';
}

static void tier_rom_changed(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (tier && tier->job) tier->stale = true;
}

static void tier_note_decode(hack_machine *machine, uint32_t pc)
{
    hack_tier *tier = machine->tier;
    if (!tier || !tier->active || pc >= HACK_ROM_SIZE || !tier->direct[pc] || tier->compiled_exit[pc]) return;
    /* a word the code runs through: count it while the interpreter would stop there */
    const bool exits = hack_decoded_exits(machine, pc);
    if (exits && !(tier->direct[pc] & 2)) {
        tier->direct[pc] |= 2;
        tier->mismatches++;
    } else if (!exits && (tier->direct[pc] & 2)) {
        tier->direct[pc] &= 1;
        tier->mismatches--;
    }
}

/* The shares are looked at every hundred profiles' length of instructions, WHOLE_WINDOW at most: a translation
 * the interpreter ran more than a quarter of is profiled again; one that handed back more than once per
 * EXIT_SPACING instructions it ran (not counting hooks) is translated again without the kept words, whose
 * accesses through A hand back. */
enum { SHARE_WINDOW_PROFILES = 100, WHOLE_WINDOW = 10000000, EXIT_SPACING = 100, MAX_RETRANSLATIONS = 4 };

void hack_tier_account(hack_machine *machine, uint64_t compiled, uint64_t interpreted, uint64_t profiled,
                       uint64_t exits)
{
    hack_tier *tier = machine->tier;
    tier->window_compiled += compiled;
    tier->window_interpreted += interpreted;
    tier->window_exits += exits;
    tier->native_total += compiled;
    tier->profiled += profiled;
    if (tier->profiled >= tier->options.profile_steps) tier->profile_done = true;
}

uint8_t *hack_tier_profile_map(hack_machine *machine)
{
    return machine->tier->visited;
}

const uint8_t *hack_tier_entry_map(hack_machine *machine)
{
    return machine->tier->entries;
}

/* The job's work, taken over once it is done: its tables when its code is ready. */
static void take_job_result(hack_machine *machine, hack_tier *tier, int state)
{
    tier_job *job = tier->job;
    if (job->note[0]) add_note(tier, job->note);
    job->note[0] = '\0';
    if (state == JOB_READY) {
        const uint32_t n = job->size;
        memcpy(tier->direct, job->direct, HACK_ROM_SIZE + 1);
        memcpy(tier->entries, job->entries, HACK_ROM_SIZE + 1);
        memset(tier->compiled_exit, 0, HACK_ROM_SIZE + 1);
        memcpy(tier->compiled_exit, job->exits, n);
        if (job->lookup) { /* the cached profile is this run's */
            tier->no_kept = job->no_kept;
            tier->profile_done = true;
        }
        tier->from_cache = job->from_cache;
        if (!job->from_cache) {
            tier->compile_seconds = job->compile_seconds;
            tier->text_size = job->text_size;
        }
        tier->active = true;
        tier->mismatches = 0;
        for (uint32_t pc = 0; pc < HACK_ROM_SIZE; pc++) tier->direct[pc] &= 1;
        for (uint32_t pc = 0; pc < machine->program_size; pc++) tier_note_decode(machine, pc);
        return;
    }
    if (state == JOB_FAILED) {
        tier->failed = true;
        snprintf(tier->why, sizeof tier->why, "%s", job->error);
    }
    job_free(job); /* JOB_NOT_CACHED: the program is profiled once hot; JOB_FAILED: the interpreter goes on */
    tier->job = NULL;
}

hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile)
{
    hack_tier *tier = machine->tier;
    *interpret_for = UINT64_MAX;
    *profile = NULL;
    if (!tier->started) {
        clock_gettime(CLOCK_MONOTONIC, &tier->run_start);
        tier->started = true;
    }
    if (tier->failed) return NULL;
    uint64_t window = WHOLE_WINDOW;
    if (tier->options.profile_steps && SHARE_WINDOW_PROFILES * tier->options.profile_steps < window)
        window = SHARE_WINDOW_PROFILES * tier->options.profile_steps;
    if (tier->active && tier->window_compiled + tier->window_interpreted >= window) {
        /* the interpreter ran more than a quarter of the time: the profile missed code that runs now */
        const bool profile_again = tier->options.profile_steps &&
                                   tier->window_interpreted * 4 > tier->window_compiled + tier->window_interpreted;
        const bool drop_kept = !tier->no_kept && tier->window_exits * EXIT_SPACING > tier->window_compiled;
        if ((profile_again || drop_kept) && tier->retranslations < MAX_RETRANSLATIONS && !tier->stale &&
            !tier->mismatches) {
            tier->retranslations++;
            if (profile_again) {
                memset(tier->visited, 0, HACK_ROM_SIZE + 2);
                tier->profiled = 0;
                tier->profile_done = false;
            }
            if (drop_kept) tier->no_kept = true;
            job_free(tier->job);
            tier->job = NULL;
            tier->active = false;
            tier->looked_up = true;
        }
        tier->window_compiled = tier->window_interpreted = tier->window_exits = 0;
    }
    if (!tier->job || tier->stale) {
        if (machine->program_size == 0) return NULL;
        if (tier->job) { /* the ROM was poked: the translation goes */
            job_free(tier->job);
            tier->job = NULL;
            tier->active = false;
            tier->looked_up = true;
        }
        if (!tier->looked_up) {
            if (machine->cycles < tier->options.warm_cycles) {
                *interpret_for = tier->options.warm_cycles - machine->cycles;
                return NULL;
            }
            tier->looked_up = true;
            start_job(machine, tier, true);
        } else {
            if (machine->cycles < tier->options.hot_cycles) {
                *interpret_for = tier->options.hot_cycles - machine->cycles;
                return NULL;
            }
            if (!tier->profile_done) { /* the caller runs these one at a time and marks the words reached */
                *profile = tier->visited;
                *interpret_for = tier->options.profile_steps - tier->profiled;
                return NULL;
            }
            start_job(machine, tier, false);
        }
        if (!tier->job) return NULL;
    }
    if (!tier->active) {
        const int state = atomic_load(&tier->job->state);
        if (state == JOB_WORKING) {
            *interpret_for = 1u << 20; /* look again in about a millisecond */
            return NULL;
        }
        take_job_result(machine, tier, state);
        if (!tier->active) {
            *interpret_for = 1; /* on to the next step at once */
            return NULL;
        }
    }
    return tier->mismatches ? NULL : tier->job->fn;
}

hack_tier_status hack_machine_tier_status(const hack_machine *machine, char *why, size_t size)
{
    const hack_tier *tier = machine->tier;
    if (!tier) return HACK_TIER_OFF;
    if (tier->failed) {
        if (why) snprintf(why, size, "%s", tier->why);
        return HACK_TIER_FAILED;
    }
    if (tier->active) return tier->stale || tier->mismatches ? HACK_TIER_SET_ASIDE : HACK_TIER_READY;
    if (!tier->job) return HACK_TIER_WAITING;
    return HACK_TIER_COMPILING;
}

void hack_machine_tier_report(const hack_machine *machine, char *out, size_t size)
{
    const hack_tier *tier = machine->tier;
    size_t used = 0;
    out[0] = '\0';
    if (!tier) return;
    if (tier->notes[0]) used = (size_t)snprintf(out, size, "%s\n", tier->notes);
    if (used >= size) return;
    char *line = out + used;
    const size_t room = size - used;
    const uint64_t total = machine->cycles;
    if (tier->failed) {
        snprintf(line, room, "did not run: %s", tier->why);
    } else if (tier->native_total) {
        const char *how = tier->from_cache ? "its code loaded from the cache" : "compiled in";
        if (tier->from_cache)
            snprintf(line, room, "ran %.1f%% of the %llu instructions, %s", 100.0 * (double)tier->native_total / (double)total,
                     (unsigned long long)total, how);
        else
            snprintf(line, room, "ran %.1f%% of the %llu instructions, %s %.2f s (%zu KB of C)",
                     100.0 * (double)tier->native_total / (double)total, (unsigned long long)total, how,
                     tier->compile_seconds, (tier->text_size + 1023) / 1024);
    } else if (tier->job && !tier->active) {
        const double ran = tier->started ? seconds_since(&tier->run_start) : 0.0;
        const int phase = atomic_load(&tier->job->phase);
        if (phase == PHASE_WAITING && !tier->options.eager)
            snprintf(line, room, "did not run: the program ended after %.2f s, before a compile of about %.2f s was "
                     "worth starting", ran, tier->job->expected);
        else if (phase == PHASE_COMPILING)
            snprintf(line, room, "did not run: the program ended after %.2f s, during the compile (started at %.2f s, "
                     "about %.2f s expected)", ran, tier->job->started, tier->job->expected);
        else
            snprintf(line, room, "did not run: the program ended after %.2f s, before its code was ready", ran);
    } else if (tier->active) {
        snprintf(line, room, "did not run: its code was ready, but the program ran none of it");
    } else {
        snprintf(line, room, "did not run: the program ended before it was hot (%llu of %llu instructions)",
                 (unsigned long long)total, (unsigned long long)tier->options.hot_cycles);
    }
}
