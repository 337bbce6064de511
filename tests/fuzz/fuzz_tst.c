/* The test-script language: parse any text; when it parses, run it on a machine that holds a small fixed
 * program, with a cycle limit (5,000 ticktocks), in a private temporary folder:
 *     ROOT/in   the script's folder: Prog.asm, Prog.hack (the same program), Prog.cmp, and a VM program
 *               (Sys.vm, Main.vm), which a `load` of a missing .hack or .asm is made from, as hackemu
 *               --translate makes it (for an input whose length has bit 1 set: not made, the course's error)
 *     ROOT/out  the output folder: emptied after each input
 * The script's own file names are fuzzed too (absolute, with ..), so every fopen goes through __wrap_fopen
 * (linked with -Wl,--wrap=fopen): while the script is parsed and run, an absolute path is opened only under
 * ROOT for reading and under ROOT/out for writing, with no ".." in it (and /dev/null, and libFuzzer's
 * artifact paths); anything else fails as a missing file would. Checks: no
 * crash, no memory error, no write outside the folder; a parse failure has an error; the run stops with a
 * status that agrees with its result.
 *
 * The course's scripts of projects 4 to 8 (run.sh gives them as seeds when the course's files are there) run
 * on their own programs: when the course is there (HACK_N2T_DIR, else ../shared/n2t beside the project), each
 * of its folders of those projects that holds a .tst is copied at the start into ROOT/in/EDITION-NAME
 * (project 4's Mult.asm and Fill.asm, which the course leaves for the student to write, are the project's own
 * from tests/integration/programs/04), and a script that names a file of one of them (Mult.cmp,
 * FibonacciElement.out, SimpleAdd.asm...) runs with that folder as its own: the first such folder, or the
 * other edition's for an input of odd length (its .cmp and programs are read, but never written, as any file
 * under ROOT). Other scripts run in ROOT/in as before.
 *
 * A harness limit, not a bug: a script with a `load` inside a loop, or with more than 4 loads, is parsed but
 * not run. Every load builds the program again (reads, translates, assembles, decodes the whole ROM), and
 * thousands of them, as many as the cycle limit lets a loop go round, pass libFuzzer's timeout
 * (regressions/tst/load-in-a-loop-timeout.tst); a few dozen make a slow input. Nor is a script with a vmstep
 * and a ROM[...] word: a word poked into the ROM can make a loop inside one VM command, where a vmstep runs its
 * 16 million instructions one tick at a time before it says so (a second natively, 20 under the sanitizers:
 * regressions/tst/vmstep-in-a-poked-rom-timeout.tst); unpoked VM code reaches a command within a few.
 *
 * Every loop ends: a `while` or a `repeat` without a count after as many rounds that run no instruction as
 * the cycle limit, a loop of `vmstep` at the cycle limit (its instructions count), and a `repeat` with a huge
 * count (it ends, but may take days) at the command limit this harness sets. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "hack/asm.h"
#include "hack/machine.h"
#include "hack/script.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256], in_dir[300], out_dir[300];
static hack_machine *machine;
static hack_program program;

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

/* Set while the code under test runs: only then are its file names fenced in. */
static bool sandboxed;
/* Where libFuzzer writes a finding, which its crash and timeout handlers may do while sandboxed is set
 * (from its command line; its default, ./crash-..., is relative, and the paths of the code under test
 * are all absolute: ROOT/in/NAME, ROOT/out/NAME, or /NAME). */
static const char *artifact_prefix, *exact_artifact_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int i = 1; i < *argc; i++) {
        const char *arg = (*argv)[i];
        if (strncmp(arg, "-artifact_prefix=", 17) == 0) artifact_prefix = arg + 17;
        if (strncmp(arg, "-exact_artifact_path=", 21) == 0) exact_artifact_path = arg + 21;
    }
    return 0;
}

static bool starts_with(const char *path, const char *prefix)
{
    return prefix && *prefix && strncmp(path, prefix, strlen(prefix)) == 0;
}

static bool under(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/' && !strstr(path, "/..");
}

/* Every fopen of the program (this harness's, the libraries', libFuzzer's) comes here. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (sandboxed && path[0] == '/' && !starts_with(path, artifact_prefix) && !starts_with(path, exact_artifact_path)) {
        bool writes = strpbrk(mode, "wa+") != NULL;
        if (strcmp(path, "/dev/null") != 0 && !under(path, writes ? out_dir : root)) {
            errno = EACCES;
            return NULL;
        }
    }
    return __real_fopen(path, mode);
}

static void write_file(const char *folder, const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = __real_fopen(path, "w");
    if (!file || fputs(text, file) < 0 || fclose(file) != 0) abort();
}

static void remove_root(void)
{
    fuzz_empty_folder(root);
    rmdir(root);
}

/* ---- the course's folders of projects 4 to 8 ---- */

#ifndef FUZZ_N2T_DIR
#define FUZZ_N2T_DIR "../shared/n2t"
#endif
#ifndef FUZZ_PROJECT_DIR
#define FUZZ_PROJECT_DIR "."
#endif

enum { MAX_COURSE_FOLDERS = 128, MAX_COURSE_NAMES = 16 };

typedef struct {
    char dir[400];                    /* ROOT/in/EDITION-NAME */
    char names[MAX_COURSE_NAMES][64]; /* without extension: the folder's own name, its scripts' and .cmp files'
                                         (identity names), then its programs' (Sys, Main...: shared) */
    int name_count, identity_count;
} course_folder;

static course_folder course[MAX_COURSE_FOLDERS];
static int course_count;

static bool has_extension(const char *name, const char *extension)
{
    size_t n = strlen(name), e = strlen(extension);
    return n > e && strcmp(name + n - e, extension) == 0;
}

static void add_name(course_folder *folder, const char *name, size_t length)
{
    if (folder->name_count == MAX_COURSE_NAMES || length == 0 || length >= sizeof folder->names[0]) return;
    for (int i = 0; i < folder->name_count; i++)
        if (strlen(folder->names[i]) == length && strncmp(folder->names[i], name, length) == 0) return;
    memcpy(folder->names[folder->name_count], name, length);
    folder->names[folder->name_count++][length] = '\0';
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = __real_fopen(from, "rb");
    if (!in) return false;
    FILE *out = __real_fopen(to, "wb");
    bool ok = out != NULL;
    char buffer[8192];
    size_t n;
    while (ok && (n = fread(buffer, 1, sizeof buffer, in)) > 0) ok = fwrite(buffer, 1, n, out) == n;
    fclose(in);
    if (out && fclose(out) != 0) ok = false;
    return ok;
}

/* Copies source (a course folder holding a .tst) into ROOT/in/EDITION-NAME: its programs and .cmp files. */
static void add_course_folder(const char *source, const char *edition, const char *name, int project)
{
    if (course_count == MAX_COURSE_FOLDERS) return;
    course_folder *folder = &course[course_count];
    memset(folder, 0, sizeof *folder);
    if ((size_t)snprintf(folder->dir, sizeof folder->dir, "%s/%s-%s", in_dir, edition, name) >= sizeof folder->dir ||
        mkdir(folder->dir, 0700) != 0)
        return;
    add_name(folder, name, strlen(name));
    DIR *dir = opendir(source);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) /* the identity names first */
        if (has_extension(entry->d_name, ".tst") || has_extension(entry->d_name, ".cmp"))
            add_name(folder, entry->d_name, (size_t)(strrchr(entry->d_name, '.') - entry->d_name));
    folder->identity_count = folder->name_count;
    if (dir) rewinddir(dir);
    while (dir && (entry = readdir(dir)) != NULL) {
        const char *file = entry->d_name;
        if (!has_extension(file, ".vm") && !has_extension(file, ".asm") && !has_extension(file, ".hack") &&
            !has_extension(file, ".cmp"))
            continue;
        char from[1600], to[800];
        bool named = (size_t)snprintf(from, sizeof from, "%s/%s", source, file) < sizeof from &&
                     (size_t)snprintf(to, sizeof to, "%s/%s", folder->dir, file) < sizeof to;
        /* project 4's programs are the student's to write: the project's own stand in for the skeletons */
        if (named && project == 4 && has_extension(file, ".asm"))
            named = (size_t)snprintf(from, sizeof from, "%s/tests/integration/programs/04/%s", FUZZ_PROJECT_DIR, file) <
                    sizeof from;
        if (named && copy_file(from, to)) add_name(folder, file, (size_t)(strrchr(file, '.') - file));
    }
    if (dir) closedir(dir);
    course_count++;
}

/* The folders under N2T/EDITION/projects/0P/... (P 4..8, at most 3 levels down) that hold a .tst. */
static void find_course_folders(const char *path, const char *edition, int project, int depth)
{
    DIR *dir = opendir(path);
    if (!dir) return;
    struct dirent *entry;
    bool script = false;
    char sub[64][256];
    int subs = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        if (has_extension(entry->d_name, ".tst")) script = true;
        else if (!strchr(entry->d_name, '.') && subs < 64 && strlen(entry->d_name) < sizeof sub[0])
            snprintf(sub[subs++], sizeof sub[0], "%s", entry->d_name);
    }
    closedir(dir);
    if (script) add_course_folder(path, edition, strrchr(path, '/') + 1, project);
    for (int i = 0; depth < 3 && i < subs; i++) {
        char next[1200];
        if ((size_t)snprintf(next, sizeof next, "%s/%s", path, sub[i]) < sizeof next)
            find_course_folders(next, edition, project, depth + 1);
    }
}

static void set_up_course(void)
{
    const char *n2t = getenv("HACK_N2T_DIR");
    if (!n2t || !*n2t) n2t = FUZZ_N2T_DIR;
    static const char *const editions[] = {"2e", "classic"};
    for (int e = 0; e < 2; e++)
        for (int project = 4; project <= 8; project++) {
            char path[800];
            snprintf(path, sizeof path, "%s/%s/projects/%02d", n2t, editions[e], project);
            find_course_folders(path, editions[e], project, 0);
        }
}

/* The first course folder (the second, of the other edition, for an input of odd length) whose identity names
 * (identity) or whose program names (not identity) the script names as NAME.EXTENSION. */
FUZZ_NO_COVERAGE static const char *course_folder_named(const uint8_t *data, size_t size, bool identity)
{
    const char *found = NULL;
    for (size_t i = 0; i < size; i++) {
        if (data[i] != '.' || i == 0) continue;
        size_t start = i;
        while (start > 0 && (isalnum(data[start - 1]) || data[start - 1] == '_')) start--;
        if (start == i) continue;
        for (int f = 0; f < course_count; f++)
            for (int n = identity ? 0 : course[f].identity_count;
                 n < (identity ? course[f].identity_count : course[f].name_count); n++)
                if (strlen(course[f].names[n]) == i - start &&
                    strncmp(course[f].names[n], (const char *)data + start, i - start) == 0) {
                    if (!(size & 1)) return course[f].dir;
                    if (!found) found = course[f].dir;
                    else if (found != course[f].dir) return course[f].dir;
                }
    }
    return found;
}

/* The course folder of the script: the first whose folder, script or .cmp name the script names (NAME.cmp,
 * NAME.out, NAME.tst), else the first that holds a program it names (NAME.asm, NAME.vm); the second such (the
 * other edition) for an input of odd length. */
FUZZ_NO_COVERAGE static const char *course_folder_of(const uint8_t *data, size_t size)
{
    const char *by_identity = course_folder_named(data, size, true);
    return by_identity ? by_identity : course_folder_named(data, size, false);
}

static const char prog_asm[] =
    "// R2 = R0 + R1, then counts in R3 and draws on the screen, forever\n"
    "@R0\nD=M\n@R1\nD=D+M\n@R2\nM=D\n"
    "(LOOP)\n@R3\nM=M+1\nD=M\n@SCREEN\nA=D+A\nM=!M\n@KBD\nD=M\n@LOOP\nD;JEQ\n"
    "(END)\n@END\n0;JMP\n";
static const char prog_cmp[] = "|RAM[0]|RAM[1]|RAM[2]|\n|     3|     4|     7|\n";
static const char sys_vm[] = "function Sys.init 0\ncall Main.main 0\npop temp 0\nlabel HALT\ngoto HALT\n";
static const char main_vm[] =
    "function Main.main 1\npush constant 10\npop local 0\nlabel LOOP\npush local 0\npush constant 0\neq\n"
    "if-goto DONE\npush local 0\npush constant 1\nsub\npop local 0\npush local 0\npop static 0\ngoto LOOP\n"
    "label DONE\npush constant 0\nreturn\n";

static void set_up(void)
{
    fuzz_make_temp_folder(root, sizeof root, "hack-fuzz-tst");
    snprintf(in_dir, sizeof in_dir, "%s/in", root);
    snprintf(out_dir, sizeof out_dir, "%s/out", root);
    if (mkdir(in_dir, 0700) != 0 || mkdir(out_dir, 0700) != 0) abort();
    atexit(remove_root);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (!hack_program_init(&program) || !hack_asm_assemble("Prog.asm", prog_asm, strlen(prog_asm), &program, &diags))
        abort();
    hack_diag_list_free(&diags);
    write_file(in_dir, "Prog.asm", prog_asm);
    char hack_path[400];
    snprintf(hack_path, sizeof hack_path, "%s/Prog.hack", in_dir);
    hack_diag_list_init(&diags);
    if (!hack_program_write_hack(&program, hack_path, &diags)) abort();
    hack_diag_list_free(&diags);
    write_file(in_dir, "Prog.cmp", prog_cmp);
    write_file(in_dir, "Sys.vm", sys_vm);
    write_file(in_dir, "Main.vm", main_vm);
    set_up_course();
    if (!(machine = hack_machine_create())) abort();
    /* the fence holds: no writing outside ROOT/out, no reading outside ROOT */
    char escape[400];
    snprintf(escape, sizeof escape, "%s/../escape", out_dir);
    sandboxed = true;
    FILE *escaped = fopen(escape, "w"), *read_outside = fopen("/etc/hostname", "r");
    sandboxed = false;
    FUZZ_CHECK(escaped == NULL && read_outside == NULL);
}

/* Reads the script's words as its lexer does (comments and strings skipped; braces only open loop bodies,
 * anything else does not parse): *ticking whether every repeat and while body holds a tick or ticktock of
 * its own, *loading whether a loop body holds a load (at any depth), *loads the number of loads,
 * *steps_poked_rom whether it has both a vmstep and a ROM[...] word. */
FUZZ_NO_COVERAGE static void scan_loops(const uint8_t *data, size_t size, bool *ticking, bool *loading, int *loads,
                                        bool *steps_poked_rom)
{
    *ticking = true;
    *loading = false;
    *loads = 0;
    bool vmstep = false, rom = false;
    *steps_poked_rom = false;
    enum { MAX_DEPTH = 64 };
    bool ticks[MAX_DEPTH];
    int depth = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        char c = *p;
        if (p + 1 < end && c == '/' && p[1] == '/') {
            while (p < end && *p != '\n') p++;
        } else if (p + 1 < end && c == '/' && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/')) p++;
            p = p + 1 < end ? p + 2 : end;
        } else if (c == '"') {
            p++;
            while (p < end && *p != '"' && *p != '\n') p++;
            if (p < end) p++;
        } else if (c == '{') {
            if (depth == MAX_DEPTH) {
                *ticking = false;
                return;
            }
            ticks[depth++] = false;
            p++;
        } else if (c == '}') {
            if (depth > 0 && !ticks[--depth]) *ticking = false;
            p++;
        } else if (strchr(" \t\n\r\v\f,;!", c) && c) {
            p++;
        } else {
            const char *start = p;
            while (p < end && !(strchr(" \t\n\r\v\f,;!{}\"", *p) && *p) &&
                   !(*p == '/' && p + 1 < end && (p[1] == '/' || p[1] == '*')))
                p++;
            if (p == start) {
                p++;
                continue;
            }
            size_t n = (size_t)(p - start);
            bool tick = (n == 4 && memcmp(start, "tick", 4) == 0) || (n == 8 && memcmp(start, "ticktock", 8) == 0);
            if (tick && depth > 0) ticks[depth - 1] = true;
            if (n == 4 && memcmp(start, "load", 4) == 0) {
                ++*loads;
                if (depth > 0) *loading = true;
            }
            if (n == 6 && memcmp(start, "vmstep", 6) == 0) vmstep = true;
            if (n > 4 && memcmp(start, "ROM[", 4) == 0) rom = true;
            *steps_poked_rom = vmstep && rom;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!machine) set_up();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    sandboxed = true;
    hack_script *script = hack_script_parse("Fuzz.tst", (const char *)data, size, &diags);
    sandboxed = false;
    fuzz_print_diags(&diags);
    if (!script) {
        FUZZ_CHECK(diags.error_count > 0);
        hack_diag_list_free(&diags);
        return 0;
    }
    hack_diag_list_free(&diags);
    bool ticking, loading, steps_poked_rom;
    int loads;
    scan_loops(data, size, &ticking, &loading, &loads, &steps_poked_rom);
    (void)ticking; /* loops without ticktock end at the loop bound (the cycle limit's) or the command limit */
    if (loading || loads > 4 || steps_poked_rom) {
        hack_script_free(script);
        return 0;
    }
    memset(machine->ram, 0, sizeof machine->ram);
    hack_machine_load(machine, program.words, program.count);
    machine->relaxed = false;
    const char *script_dir = course_folder_of(data, size);
    /* a CPU script's load of a missing .asm or .hack makes it from the folder's VM code, as hackemu --translate
     * does (and for an input whose length has bit 1 set, it is the error the course's CPU emulator gives) */
    hack_script_options options = {.script_dir = script_dir ? script_dir : in_dir, .out_dir = out_dir, .cycle_limit = 5000,
                                   .translate = (size & 2) == 0,
                                   .command_limit = 100000, .output_limit = 1 << 20};
    hack_script_result result;
    hack_diag_list_init(&diags);
    sandboxed = true;
    hack_script_status status = hack_script_run(script, machine, &options, &result, &diags);
    sandboxed = false;
    fuzz_print_diags(&diags);
    FUZZ_CHECK(status == result.status);
    FUZZ_CHECK(status != HACK_SCRIPT_ERROR || diags.error_count > 0);
    FUZZ_CHECK(status != HACK_SCRIPT_MACHINE_FAULT || machine->fault.kind != HACK_FAULT_NONE);
    hack_diag_list_free(&diags);
    hack_script_free(script);
    fuzz_empty_folder(out_dir);
    return 0;
}
