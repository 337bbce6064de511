/* The native tier: the ROM translated to C, compiled by the system's C compiler in a background thread into a
 * shared object (cached by the hash of the translation), loaded with dlopen, and run by hack_machine_run in
 * turns with the interpreter, which stays the reference: the translated code leaves to it (at the exact
 * instruction, with the exact count) whenever anything but plain straight-line work is due.
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
 * code can start at (run.c). A translation that hands back too often (not at hooks) is made again without
 * the kept words (no_kept). Hooks bound after the translation on a word the code runs through, pokes to ROM
 * and loads set the translation aside (it resumes when the hook goes; a poked ROM is translated again). */
#define _POSIX_C_SOURCE 200809L
#include "machine_private.h"

#include "hack/strbuf.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct {
    atomic_int refs;
    atomic_int state; /* HACK_TIER_COMPILING, HACK_TIER_READY, HACK_TIER_FAILED */
    char *source;
    char *compiler, *cache_dir;
    void *library;
    hack_tier_fn fn;
    char error[1400];
} tier_job;

struct hack_tier {
    hack_tier_options options;
    char *compiler, *cache_dir;
    tier_job *job;            /* the translation being compiled or loaded; NULL: none asked for yet */
    uint8_t *direct;          /* per ROM word: the translated code reaches it without the dispatch check */
    uint8_t *compiled_exit;   /* per ROM word: the translated code leaves to the interpreter there */
    uint8_t *entries;         /* per ROM word: the translated code can start there (and goes on) */
    uint8_t *visited;         /* per ROM word: reached while profiled (profile_steps): its block is translated */
    uint64_t profiled;        /* instructions profiled so far */
    bool profile_done;        /* the translation may start (profile_steps 0: at once) */
    unsigned retranslations;  /* profiled again because the interpreter ran too much of the time */
    uint64_t window_compiled, window_interpreted; /* instructions since the last look at the shares */
    uint64_t window_exits;    /* times the code handed back, but at hooks, in that window */
    bool no_kept;             /* R0..R15 not kept in locals: the code handed back too often (accesses to them
                               * through A: a VM translator's pop temp 0 through R13) */
    uint32_t mismatches;      /* words the code runs through that now hold a hook: the tier is set aside */
    bool stale;               /* the ROM changed since the translation */
    bool active;              /* job READY, its tables filled */
};

static void job_release(tier_job *job)
{
    if (!job) return;
    if (atomic_fetch_sub(&job->refs, 1) != 1) return;
    if (job->library) dlclose(job->library);
    free(job->source);
    free(job->compiler);
    free(job->cache_dir);
    free(job);
}

static char *duplicate(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy) memcpy(copy, text, n);
    return copy;
}

static uint64_t fnv1a(const char *text)
{
    uint64_t h = 1469598103934665603ull;
    for (; *text; text++) h = (h ^ (uint8_t)*text) * 1099511628211ull;
    return h;
}

static bool make_dirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(buf, 0755);
        *p = '/';
    }
    return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

/* The cache keeps the CACHE_KEEP compiled programs used last (a load touches its file); what a compile
 * that was killed left (a source or a partial object, an hour old) goes too. */
enum { CACHE_KEEP = 64 };

static void trim_cache(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct entry {
        char name[256];
        time_t mtime;
    } *kept = NULL;
    size_t count = 0, capacity = 0;
    const time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        const size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "tier-", 5) != 0 || n >= sizeof kept->name) continue;
        char path[1400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0) continue;
        if (n > 3 && strcmp(e->d_name + n - 3, ".so") == 0) {
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 128;
                struct entry *grown = realloc(kept, capacity * sizeof *kept);
                if (!grown) break;
                kept = grown;
            }
            memcpy(kept[count].name, e->d_name, n + 1);
            kept[count++].mtime = st.st_mtime;
        } else if (now - st.st_mtime > 3600) {
            remove(path);
        }
    }
    closedir(d);
    while (count > CACHE_KEEP) { /* the oldest goes */
        size_t oldest = 0;
        for (size_t i = 1; i < count; i++)
            if (kept[i].mtime < kept[oldest].mtime) oldest = i;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, kept[oldest].name);
        remove(path);
        kept[oldest] = kept[--count];
    }
    free(kept);
}

/* sh -c COMPILE_SCRIPT COMPILER TMP SRC SO */
#define COMPILE_FLAGS "-O1 -fPIC -shared -w"
static const char COMPILE_SCRIPT[] = "exec >/dev/null 2>&1; \"$0\" " COMPILE_FLAGS " -o \"$1\" \"$2\" && mv -f \"$1\" \"$3\"; "
                                     "s=$?; rm -f \"$1\" \"$2\"; exit $s";

static void *compile_thread(void *arg)
{
    tier_job *job = arg;
    char so[1100], src[1100], tmp[1200];
    const uint64_t hash = fnv1a(job->source);
    snprintf(so, sizeof so, "%s/tier-%016llx.so", job->cache_dir, (unsigned long long)hash);
    if (access(so, R_OK) != 0) {
        if (!make_dirs(job->cache_dir)) {
            snprintf(job->error, sizeof job->error, "cannot make the cache folder %s", job->cache_dir);
            atomic_store(&job->state, HACK_TIER_FAILED);
            job_release(job);
            return NULL;
        }
        snprintf(src, sizeof src, "%s/tier-%016llx-%ld.c", job->cache_dir, (unsigned long long)hash, (long)getpid());
        snprintf(tmp, sizeof tmp, "%s.%ld.tmp", so, (long)getpid());
        FILE *f = fopen(src, "w");
        bool written = f && fputs(job->source, f) >= 0;
        if (f && fclose(f) != 0) written = false;
        if (written) {
            /* by the shell, in a process group of its own and silent: when this process ends (or is
             * interrupted) first, the compile still finishes, lands in the cache and leaves nothing behind */
            char *args[] = {"sh", "-c", (char *)COMPILE_SCRIPT, job->compiler, tmp, src, so, NULL};
            posix_spawnattr_t attributes;
            pid_t pid;
            int status = -1;
            bool spawned = posix_spawnattr_init(&attributes) == 0;
            if (spawned) {
                posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
                posix_spawnattr_setpgroup(&attributes, 0);
                spawned = posix_spawnp(&pid, "sh", NULL, &attributes, args, environ) == 0;
                posix_spawnattr_destroy(&attributes);
            }
            if (spawned) waitpid(pid, &status, 0);
        } else {
            remove(src);
        }
        if (access(so, R_OK) != 0) {
            snprintf(job->error, sizeof job->error, "the compiler (%s) failed", job->compiler);
            atomic_store(&job->state, HACK_TIER_FAILED);
            job_release(job);
            return NULL;
        }
        trim_cache(job->cache_dir);
    } else {
        utimensat(AT_FDCWD, so, NULL, 0); /* used now: kept longer */
    }
    job->library = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    void *symbol = job->library ? dlsym(job->library, "hack_tier_run") : NULL;
    if (!symbol) {
        const char *e = dlerror();
        snprintf(job->error, sizeof job->error, "cannot load %.1100s: %.200s", so, e ? e : "no entry");
        atomic_store(&job->state, HACK_TIER_FAILED);
    } else {
        memcpy(&job->fn, &symbol, sizeof symbol);
        atomic_store(&job->state, HACK_TIER_READY);
    }
    job_release(job);
    return NULL;
}

/* ---- the translation ---- */

static const char *alu_expression(unsigned comp, const char *y, char *buf, size_t size)
{
    /* the hardware's six control bits, folded by the C compiler */
    char x[64], yy[96], out[256];
    snprintf(x, sizeof x, "%s", comp & 0x20 ? "0" : "d");
    if (comp & 0x10) snprintf(x, sizeof x, "%s", comp & 0x20 ? "0xFFFFu" : "(uint16_t)~d");
    snprintf(yy, sizeof yy, "%s", comp & 0x08 ? "0" : y);
    if (comp & 0x04) {
        char t[96];
        snprintf(t, sizeof t, "(uint16_t)~%s", comp & 0x08 ? "0u" : y);
        snprintf(yy, sizeof yy, "%s", t);
    }
    snprintf(out, sizeof out, comp & 0x02 ? "(uint16_t)(%s + %s)" : "(uint16_t)(%s & %s)", x, yy);
    if (comp & 0x01)
        snprintf(buf, size, "(uint16_t)~%s", out);
    else
        snprintf(buf, size, "%s", out);
    return buf;
}

static const char *const conditions[8] = {"0", "(uint16_t)(t - 1u) < 0x7FFFu", "t == 0", "(t & 0x8000u) == 0",
                                          "(t & 0x8000u) != 0", "t != 0", "(uint16_t)(t - 1u) >= 0x7FFFu", "1"};

enum { PROMOTE_LIMIT = 16 }; /* R0..R15 (SP, LCL, ARG, THIS, THAT, temp, R13..R15): kept in locals */

/* a C-instruction whose computation takes A as a value (y is A and not zeroed) */
static bool reads_a(uint16_t word)
{
    const unsigned comp = HACK_COMP(word);
    return !HACK_COMP_USES_M(comp) && (comp & 0x08u) == 0;
}

static bool is_jump(uint16_t word)
{
    return HACK_IS_C_INSTR(word) && HACK_JUMP(word) != 0;
}

/* Translates ROM[0 .. program_size) into C; fills the tier's tables. NULL when memory ran out. */
static char *translate(hack_machine *machine, hack_tier *tier)
{
    const uint32_t n = machine->program_size;
    const uint16_t *rom = machine->rom;
    uint8_t *start = calloc(HACK_ROM_SIZE + 1, 1), *entry = calloc(HACK_ROM_SIZE + 1, 1);
    uint8_t *translated = calloc(HACK_ROM_SIZE + 1, 1);
    hack_strbuf out;
    hack_strbuf_init(&out);
    if (!start || !entry || !translated) goto fail;
    memset(tier->direct, 0, HACK_ROM_SIZE);
    memset(tier->compiled_exit, 0, HACK_ROM_SIZE);
    memset(tier->entries, 0, HACK_ROM_SIZE + 1);
    for (uint32_t i = 0; i < n; i++) tier->compiled_exit[i] = hack_decoded_exits(machine, i);
    start[0] = entry[0] = 1;
    for (uint32_t i = 0; i < n; i++) {
        const uint16_t w = rom[i];
        if (tier->compiled_exit[i]) start[i] = start[i + 1] = 1;
        if (is_jump(w)) start[i + 1] = entry[i + 1] = 1;
        if (HACK_IS_A_INSTR(w) && w < n && i + 1 < n) {
            const uint16_t next = rom[i + 1];
            /* a jump target, or a value the next word reads (a return address): @R15 M=D is no code address */
            if (HACK_IS_C_INSTR(next) && is_jump(next)) start[w] = entry[w] = 1;
            /* a value the next word reads may be a return address (an indirect jump's target): the dispatch
             * enters there, but the block goes on through it (@25 D=A is most often the number 25) */
            if (HACK_IS_C_INSTR(next) && reads_a(next)) entry[w] = 1;
        }
    }
    start[n] = 1;
    /* With a profile, only the blocks it reached are translated: the others leave at their first word. */
    uint32_t block_end = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (start[i]) {
            block_end = i;
            while (block_end < n && !is_jump(rom[block_end]) && !start[block_end + 1]) block_end++;
            if (block_end >= n) block_end = n - 1;
            bool reached = !tier->options.profile_steps || tier->compiled_exit[i];
            for (uint32_t j = i; j <= block_end && !reached; j++) reached = tier->visited[j] != 0;
            for (uint32_t j = i; j <= block_end; j++) translated[j] = reached;
        }
    }
    /* The low words the code reads or writes at a constant address live in locals while it runs (loaded on
     * entry, stored on every way out), so the C compiler keeps them in registers; an access through A to any
     * word below the highest of them leaves to the interpreter (after the locals are stored). */
    bool promoted[PROMOTE_LIMIT] = {false};
    unsigned low = 0; /* the words below this one are the interpreter's when addressed through A */
    for (uint32_t i = 0; i + 1 < n && !tier->no_kept; i++)
        if (HACK_IS_A_INSTR(rom[i]) && rom[i] < PROMOTE_LIMIT && HACK_IS_C_INSTR(rom[i + 1]) &&
            !tier->compiled_exit[i + 1] && translated[i + 1] &&
            (HACK_COMP_USES_M(HACK_COMP(rom[i + 1])) || (HACK_DEST(rom[i + 1]) & HACK_DEST_M))) {
            promoted[rom[i]] = true;
            if (rom[i] + 1u > low) low = rom[i] + 1u;
        }
    hack_strbuf_appendf(&out, "/* %s " COMPILE_FLAGS " */\n", tier->compiler); /* the cache's key: the whole text */
    hack_strbuf_appendf(&out,
                        "#include <stdint.h>\n"
                        "typedef struct { uint16_t *ram; const uint16_t *kinds; uint16_t hook_kind, a, d; "
                        "uint32_t pc; uint64_t left; } st_t;\n"
                        "void hack_tier_run(st_t *s)\n{\n"
                        "  uint16_t *const ram = s->ram; const uint16_t *const kinds = s->kinds;\n"
                        "  uint16_t a = s->a, d = s->d, t, jt; uint32_t pc = s->pc; uint64_t left = s->left;\n"
                        "  (void)t; (void)jt;\n");
    for (unsigned k = 0; k < low; k++)
        if (promoted[k]) hack_strbuf_appendf(&out, "  uint16_t r%u = ram[%u];\n", k, k);
    hack_strbuf_appendf(&out,
                        "dispatch:\n"
                        "  if (pc >= %u || kinds[pc * 4u] == %u) goto done;\n"
                        "  switch (pc) {\n",
                        n, (unsigned)hack_decoded_hook_kind());
    for (uint32_t i = 0; i < n; i++)
        if (entry[i] && translated[i]) {
            hack_strbuf_appendf(&out, "  case %u: goto %c%u;\n", i, start[i] ? 'L' : 'E', i);
            tier->entries[i] = !tier->compiled_exit[i];
        }
    hack_strbuf_appendf(&out, "  default: goto done;\n  }\n");
    block_end = 0;
    int32_t known = -1; /* A's value when the translation knows it */
    for (uint32_t i = 0; i < n; i++) {
        if (!translated[i]) {
            if (start[i]) hack_strbuf_appendf(&out, "L%u: pc = %uu; goto done;\n", i, i);
            continue;
        }
        if (start[i]) {
            known = -1;
            if (tier->compiled_exit[i]) {
                hack_strbuf_appendf(&out, "L%u: pc = %uu; goto done;\n", i, i);
                continue;
            }
            block_end = i;
            while (block_end < n && !is_jump(rom[block_end]) && !start[block_end + 1]) block_end++;
            /* block = i .. block_end inclusive (block_end may be n when it runs to the end: then n - 1) */
            if (block_end >= n) block_end = n - 1;
            hack_strbuf_appendf(&out, "L%u: if (left < %uu) { pc = %uu; goto done; } left -= %uu;\n", i,
                                block_end - i + 1, i, block_end - i + 1);
        } else {
            tier->direct[i] = 1; /* fallen into */
        }
        const uint32_t remaining = block_end - i + 1; /* instructions of the block from i on, i included */
        if (!start[i] && entry[i]) {
            /* the dispatch's way in, mid-block: the rest of the block's budget, and A as the block has it */
            char same_a[48] = "";
            if (known >= 0 && !HACK_IS_A_INSTR(rom[i])) snprintf(same_a, sizeof same_a, " || a != %uu", known);
            hack_strbuf_appendf(&out,
                                "  goto M%u;\nE%u: if (left < %uu%s) { pc = %uu; goto done; } left -= %uu;\nM%u:\n",
                                i, i, remaining, same_a, i, remaining, i);
        }
        const uint16_t w = rom[i];
        if (HACK_IS_A_INSTR(w)) {
            hack_strbuf_appendf(&out, "  a = %uu;\n", w);
            known = w;
            if (i == block_end) {
                tier->direct[i + 1] = 1;
                hack_strbuf_appendf(&out, "  goto L%u;\n", i + 1);
            }
            continue;
        }
        const unsigned comp = HACK_COMP(w), dest = HACK_DEST(w), jump = HACK_JUMP(w);
        const bool memory = HACK_COMP_USES_M(comp) || (dest & HACK_DEST_M);
        char exit_here[96], address[32], alu[512];
        snprintf(exit_here, sizeof exit_here, "{ pc = %uu; left += %uu; goto done; }", i, remaining);
        if (memory) {
            if (known >= 0 && known > HACK_KBD) {
                hack_strbuf_appendf(&out, "  %s\n", exit_here);
                known = -1;
                continue;
            }
            if (known < 0 && low == 0)
                hack_strbuf_appendf(&out, "  if (a > %uu) %s\n", (unsigned)HACK_KBD, exit_here);
            else if (known < 0)
                hack_strbuf_appendf(&out, "  if ((uint16_t)(a - %uu) > %uu) %s\n", low, (unsigned)HACK_KBD - low,
                                    exit_here);
            if (known >= 0 && known < PROMOTE_LIMIT && promoted[known])
                snprintf(address, sizeof address, "r%u", (unsigned)known);
            else if (known >= 0)
                snprintf(address, sizeof address, "ram[%u]", (unsigned)known);
            else
                snprintf(address, sizeof address, "ram[a]");
        }
        char y[48];
        if (HACK_COMP_USES_M(comp))
            snprintf(y, sizeof y, "%s", address);
        else
            snprintf(y, sizeof y, "a");
        hack_strbuf_appendf(&out, "  t = %s;\n", alu_expression(comp & 0x3Fu, y, alu, sizeof alu));
        if (jump) {
            if (known >= 0 && known >= HACK_ROM_SIZE) /* (never: an A-instruction loads 15 bits) */
                hack_strbuf_appendf(&out, "  if (%s) %s\n", conditions[jump], exit_here);
            else if (known < 0)
                hack_strbuf_appendf(&out, "  if ((%s) && a >= %uu) %s\n", conditions[jump], (unsigned)HACK_ROM_SIZE,
                                    exit_here);
            hack_strbuf_appendf(&out, "  jt = a;\n");
        }
        if (dest & HACK_DEST_M) hack_strbuf_appendf(&out, "  %s = t;\n", address);
        if (dest & HACK_DEST_A) hack_strbuf_appendf(&out, "  a = t;\n");
        if (dest & HACK_DEST_D) hack_strbuf_appendf(&out, "  d = t;\n");
        if (jump) {
            const int32_t target = known;
            if (target >= 0 && (uint32_t)target < n && start[target]) {
                tier->direct[target] = 1;
                hack_strbuf_appendf(&out, "  if (%s) goto L%d;\n", conditions[jump], target);
            } else {
                hack_strbuf_appendf(&out, "  if (%s) { pc = jt; goto dispatch; }\n", conditions[jump]);
            }
        }
        if (dest & HACK_DEST_A) known = -1;
        if (i == block_end) {
            if (jump != 7) tier->direct[i + 1] = 1; /* it falls through */
            hack_strbuf_appendf(&out, "  goto L%u;\n", i + 1);
        }
    }
    hack_strbuf_appendf(&out, "L%u: pc = %uu;\ndone:\n", n, n);
    for (unsigned k = 0; k < low; k++)
        if (promoted[k]) hack_strbuf_appendf(&out, "  ram[%u] = r%u;\n", k, k);
    hack_strbuf_appendf(&out, "  s->a = a; s->d = d; s->pc = pc; s->left = left;\n}\n");
    free(start);
    free(entry);
    free(translated);
    return hack_strbuf_take(&out, NULL);
fail:
    free(start);
    free(entry);
    free(translated);
    hack_strbuf_free(&out);
    return NULL;
}

/* ---- the machine's side ---- */

bool hack_machine_enable_tier(hack_machine *machine, const hack_tier_options *options)
{
    if (machine->tier) hack_tier_free(machine);
    hack_tier *tier = calloc(1, sizeof *tier);
    if (!tier) return false;
    tier->options = options ? *options : (hack_tier_options){0};
    const char *cc = tier->options.compiler;
    if (!cc || !*cc) cc = getenv("CC");
    if (!cc || !*cc) cc = "cc";
    char dir[1024];
    const char *chosen = tier->options.cache_dir, *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (chosen && *chosen)
        snprintf(dir, sizeof dir, "%s", chosen);
    else if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/hackemu", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.cache/hackemu", home);
    else
        snprintf(dir, sizeof dir, "/tmp/hackemu-cache-%ld", (long)getuid());
    tier->compiler = duplicate(cc);
    tier->cache_dir = duplicate(dir);
    tier->direct = calloc(HACK_ROM_SIZE + 1, 1);
    tier->compiled_exit = calloc(HACK_ROM_SIZE + 1, 1);
    tier->entries = calloc(HACK_ROM_SIZE + 1, 1);
    tier->visited = calloc(HACK_ROM_SIZE + 2, 1); /* the run loop marks pc and pc + 1, pc up to the ROM size */
    tier->profile_done = tier->options.profile_steps == 0;
    if (!tier->compiler || !tier->cache_dir || !tier->direct || !tier->compiled_exit || !tier->entries ||
        !tier->visited) {
        machine->tier = tier;
        hack_tier_free(machine);
        return false;
    }
    machine->tier = tier;
    return true;
}

void hack_tier_free(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (!tier) return;
    machine->tier = NULL;
    job_release(tier->job);
    free(tier->compiler);
    free(tier->cache_dir);
    free(tier->direct);
    free(tier->compiled_exit);
    free(tier->entries);
    free(tier->visited);
    free(tier);
}

void hack_tier_forget(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (!tier) return;
    job_release(tier->job);
    tier->job = NULL;
    tier->active = false;
    tier->stale = false;
    tier->mismatches = 0;
    memset(tier->visited, 0, HACK_ROM_SIZE + 2);
    tier->profiled = 0;
    tier->profile_done = tier->options.profile_steps == 0;
    tier->retranslations = 0;
    tier->window_compiled = tier->window_interpreted = tier->window_exits = 0;
    tier->no_kept = false;
}

void hack_tier_rom_changed(hack_machine *machine)
{
    hack_tier *tier = machine->tier;
    if (tier && tier->job) tier->stale = true;
}

void hack_tier_note_decode(hack_machine *machine, uint32_t pc)
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

static void start_job(hack_machine *machine, hack_tier *tier)
{
    tier_job *job = calloc(1, sizeof *job);
    if (!job) return;
    atomic_init(&job->refs, 2);
    atomic_init(&job->state, HACK_TIER_COMPILING);
    job->source = translate(machine, tier);
    job->compiler = duplicate(tier->compiler);
    job->cache_dir = duplicate(tier->cache_dir);
    tier->job = job;
    tier->stale = false;
    tier->mismatches = 0;
    if (!job->source || !job->compiler || !job->cache_dir) {
        atomic_store(&job->state, HACK_TIER_FAILED);
        atomic_store(&job->refs, 1);
        return;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, compile_thread, job) != 0) {
        atomic_store(&job->state, HACK_TIER_FAILED);
        atomic_store(&job->refs, 1);
        return;
    }
    pthread_detach(thread);
    if (tier->options.wait)
        while (atomic_load(&job->state) == HACK_TIER_COMPILING) {
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
}

/* The shares are looked at every hundred profiles' length of instructions, WHOLE_WINDOW at most: a translation the interpreter ran more than a quarter of is profiled again; one that handed
 * back more than once per EXIT_SPACING instructions it ran (not counting hooks) is translated again without
 * the kept words, whose accesses through A hand back. */
enum { SHARE_WINDOW_PROFILES = 100, WHOLE_WINDOW = 10000000, EXIT_SPACING = 100, MAX_RETRANSLATIONS = 4 };

void hack_tier_account(hack_machine *machine, uint64_t compiled, uint64_t interpreted, uint64_t profiled,
                       uint64_t exits)
{
    hack_tier *tier = machine->tier;
    tier->window_compiled += compiled;
    tier->window_interpreted += interpreted;
    tier->window_exits += exits;
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

hack_tier_fn hack_tier_ready(hack_machine *machine, uint64_t *interpret_for, uint8_t **profile)
{
    hack_tier *tier = machine->tier;
    *interpret_for = UINT64_MAX;
    *profile = NULL;
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
                tier->profiled = 0;
                tier->profile_done = false;
            }
            if (drop_kept) tier->no_kept = true;
            job_release(tier->job);
            tier->job = NULL;
            tier->active = false;
        }
        tier->window_compiled = tier->window_interpreted = tier->window_exits = 0;
    }
    if (!tier->job || tier->stale) {
        if (machine->program_size == 0) return NULL;
        if (machine->cycles < tier->options.hot_cycles) {
            *interpret_for = tier->options.hot_cycles - machine->cycles;
            return NULL;
        }
        if (!tier->profile_done) { /* the caller runs these one at a time and marks the words reached */
            *profile = tier->visited;
            *interpret_for = tier->options.profile_steps - tier->profiled;
            return NULL;
        }
        if (tier->job) job_release(tier->job);
        tier->job = NULL;
        tier->active = false;
        start_job(machine, tier);
        if (!tier->job) return NULL;
    }
    if (!tier->active) {
        const int state = atomic_load(&tier->job->state);
        if (state == HACK_TIER_COMPILING) *interpret_for = 1u << 20; /* look again in about a millisecond */
        if (state != HACK_TIER_READY) return NULL;
        tier->active = true;
        tier->mismatches = 0;
        for (uint32_t pc = 0; pc < HACK_ROM_SIZE; pc++) tier->direct[pc] &= 1;
        for (uint32_t pc = 0; pc < machine->program_size; pc++) hack_tier_note_decode(machine, pc);
    }
    return tier->mismatches ? NULL : tier->job->fn;
}

hack_tier_status hack_machine_tier_status(const hack_machine *machine, char *why, size_t size)
{
    const hack_tier *tier = machine->tier;
    if (!tier) return HACK_TIER_OFF;
    if (!tier->job) return HACK_TIER_WAITING;
    int state = atomic_load(&tier->job->state);
    if (state == HACK_TIER_FAILED && why) snprintf(why, size, "%s", tier->job->error);
    if (state == HACK_TIER_READY && (tier->stale || tier->mismatches)) return HACK_TIER_SET_ASIDE;
    return (hack_tier_status)state;
}
