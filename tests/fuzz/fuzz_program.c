/* The whole path hackemu takes on a Jack folder: the input is cut at its NUL bytes into up to 3 classes (the
 * first is Main.jack, the others are named after the class they declare, else Class1 and Class2; a third
 * part keeps any further NULs, which the reader refuses), written into a private folder of the harness's own
 * (fuzz_make_work_folder: under the build, never /tmp; emptied after each input), built as hackemu builds a
 * folder (hack_build_program with the VM emulator's options, the OS classes it lacks added), then loaded in
 * the run driver with hackemu's session options and run for 200,000 instructions, without and then with the
 * heap check (each from a new machine), and the stop explained as hackemu explains it.
 *
 * Checks: no crash, no memory error; a failed build has an error; a built program fits the ROM; the run
 * ends in one of the driver's states (never a debugger's stop or a real-time wait, which this run cannot
 * ask for), within its budget; the explanation starts with the program's name for a machine error, a broken
 * stack, a spent budget, a wait for a key and an endless halt, and is empty for the other stops, where a
 * Sys.error or a stopped native heap was told through the message callback instead; no control byte of
 * the input reaches the diagnostics, the messages, the heap check's reports, the printed lines or the
 * explanation; and no file is written anywhere, nor read outside the folder (every open, fopen, mkstemp
 * and rename goes through the harness, linked with -Wl,--wrap: while the build and the run go on, they are
 * refused and the property fails), and the folder holds only the classes written into it. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "hack/build.h"
#include "hack/machine.h"
#include "hack/session.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

enum { MAX_CLASSES = 3, BUDGET = 200000 };

static char folder[300];
static bool sandboxed;
static char violation[600]; /* the first file opened where it must not be */
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

/* ---- the fence: every file the build and the run open ---- */

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_mkstemp(char *template);
int __wrap_mkstemp(char *template);
int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);

static bool starts_with(const char *path, const char *prefix)
{
    return prefix && *prefix && strncmp(path, prefix, strlen(prefix)) == 0;
}

/* False (noted in violation) for a write anywhere, or a read outside the folder. */
static bool allowed(const char *path, bool writes, const char *how)
{
    if (!sandboxed || starts_with(path, artifact_prefix) || starts_with(path, exact_artifact_path)) return true;
    const size_t n = strlen(folder);
    const bool inside = strncmp(path, folder, n) == 0 && path[n] == '/' && !strstr(path, "/..");
    if (!writes && inside) return true;
    if (!violation[0]) snprintf(violation, sizeof violation, "%s %s %s", how, writes ? "for writing" : "for reading", path);
    errno = EACCES;
    return false;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return allowed(path, strpbrk(mode, "wa+") != NULL, "fopen") ? __real_fopen(path, mode) : NULL;
}

int __wrap_open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & O_CREAT) {
        va_list args;
        va_start(args, flags);
        mode = va_arg(args, unsigned);
        va_end(args);
    }
    const bool writes = (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
    return allowed(path, writes, "open") ? __real_open(path, flags, mode) : -1;
}

int __wrap_mkstemp(char *template)
{
    return allowed(template, true, "mkstemp") ? __real_mkstemp(template) : -1;
}

int __wrap_rename(const char *from, const char *to)
{
    return allowed(to, true, "rename") && allowed(from, true, "rename") ? __real_rename(from, to) : -1;
}

/* ---- the folder ---- */

static void remove_folder(void)
{
    fuzz_empty_folder(folder);
    rmdir(folder);
}

/* The name of the class the text declares ("class Name"), or "" when none is found. */
FUZZ_NO_COVERAGE static void class_name(const char *text, size_t size, char *name, size_t name_size)
{
    name[0] = '\0';
    for (size_t i = 0; i + 6 < size; i++) {
        if (memcmp(text + i, "class", 5) != 0 || (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_')) ||
            !isspace((unsigned char)text[i + 5]))
            continue;
        size_t at = i + 5;
        while (at < size && isspace((unsigned char)text[at])) at++;
        size_t length = 0;
        while (at + length < size && (isalnum((unsigned char)text[at + length]) || text[at + length] == '_') &&
               length + 1 < name_size)
            length++;
        memcpy(name, text + at, length);
        name[length] = '\0';
        return;
    }
}

static void write_class(const char *name, const uint8_t *text, size_t size)
{
    char path[sizeof folder + 100];
    snprintf(path, sizeof path, "%s/%.80s.jack", folder, name);
    FILE *file = __real_fopen(path, "wb");
    if (!file || (size && fwrite(text, 1, size, file) != size) || fclose(file) != 0) abort();
}

/* ---- what the run tells ---- */

/* Nothing but printable text, newlines and tabs (the escapes a message shows of the input's bytes). */
FUZZ_NO_COVERAGE static bool printable(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if ((*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7F) return false;
    return true;
}

typedef struct {
    size_t messages, reports, lines;
} told;

static void on_message(void *context, const char *text)
{
    ((told *)context)->messages++;
    FUZZ_CHECK(printable(text) && text[0]);
}

static void on_heap_report(void *context, const hack_heap_finding *finding, const char *text)
{
    FUZZ_CHECK(finding->kind != HACK_HEAP_FINDING_NONE);
    ((told *)context)->reports++;
    FUZZ_CHECK(printable(text) && text[0]);
}

static void on_output_line(void *context, const char *text)
{
    ((told *)context)->lines++;
    FUZZ_CHECK(printable(text) && !strchr(text, '\n'));
}

/* One run of the built program, as hackemu runs it headless (the native tier aside: it starts only after
 * 250,000 instructions, past this budget). */
static void run(const hack_program *program, unsigned os_added, bool machine_code, bool bootstrapped, bool check_heap)
{
    hack_machine *machine = hack_machine_create();
    if (!machine) abort();
    told counts = {0};
    hack_session_options options = {.check_heap = check_heap, .mirror_output = true, .message = on_message,
                                    .heap_report = on_heap_report, .output_line = on_output_line, .context = &counts};
    hack_session *session = hack_session_create(machine, &options);
    if (!session) abort();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    sandboxed = true;
    const hack_launch launch = {.program = program, .os_added = os_added,
                                .code = machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM,
                                .bootstrapped = bootstrapped}; /* a lone file: SP = 256, as hackemu starts it */
    const bool loaded = hack_session_load(session, &launch, &diags);
    sandboxed = false;
    fuzz_print_diags(&diags);
    FUZZ_CHECK(loaded || diags.error_count > 0);
    if (loaded) {
        FUZZ_CHECK(hack_session_set_keys(session, NULL, 0));
        sandboxed = true;
        const hack_session_stop stop = hack_session_run(session, BUDGET);
        const int problems = hack_session_finish(session);
        sandboxed = false;
        FUZZ_CHECK(stop.state <= HACK_SESSION_STACK_ERROR && stop.state != HACK_SESSION_WAITING_TIME);
        FUZZ_CHECK(stop.cycles <= BUDGET && (stop.state != HACK_SESSION_BUDGET || stop.cycles == BUDGET));
        FUZZ_CHECK(problems >= 0 && (check_heap || problems == 0));
        static const char name[] = "Fuzz";
        char text[8000];
        const size_t length = hack_session_explain_stop(session, stop, name, text, sizeof text);
        FUZZ_CHECK(length == strlen(text) && printable(text));
        const bool explained = stop.state == HACK_SESSION_FAULT || stop.state == HACK_SESSION_STACK_ERROR ||
                               stop.state == HACK_SESSION_BUDGET || stop.state == HACK_SESSION_WAITING_KEY ||
                               ((stop.state == HACK_SESSION_HALTED || stop.state == HACK_SESSION_SYS_ERROR) &&
                                stop.endless_loop);
        if (explained) {
            FUZZ_CHECK(strncmp(text, name, sizeof name - 1) == 0 && text[sizeof name - 1] == ':');
            FUZZ_CHECK(text[length - 1] == '\n');
        } else {
            FUZZ_CHECK(length == 0);
        }
        if (stop.state == HACK_SESSION_SYS_ERROR || stop.state == HACK_SESSION_HEAP_ERROR)
            FUZZ_CHECK(counts.messages > 0); /* told through the callback */
        if (stop.state == HACK_SESSION_FAULT) FUZZ_CHECK(machine->fault.kind != HACK_FAULT_NONE);
    }
    hack_diag_list_free(&diags);
    hack_session_free(session);
    hack_machine_destroy(machine);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        fuzz_make_work_folder(folder, sizeof folder, "program");
        atexit(remove_folder);
    }
    /* the classes: cut at the first two NULs */
    const uint8_t *part = data, *end = data + size;
    char names[MAX_CLASSES][80];
    size_t classes = 0;
    while (classes < MAX_CLASSES) {
        const uint8_t *nul = classes + 1 < MAX_CLASSES ? memchr(part, '\0', (size_t)(end - part)) : NULL;
        const size_t length = (size_t)((nul ? nul : end) - part);
        if (classes == 0) {
            snprintf(names[0], sizeof names[0], "Main");
        } else {
            /* (a name cut short of the buffer, so that a taken one always has room for a _ more) */
            class_name((const char *)part, length, names[classes], sizeof names[classes] - MAX_CLASSES);
            if (!names[classes][0]) snprintf(names[classes], sizeof names[classes], "Class%zu", classes);
            for (size_t other = 0; other < classes; other++) /* a name taken: another, with _ added */
                if (strcmp(names[classes], names[other]) == 0) {
                    strcat(names[classes], "_");
                    other = (size_t)-1;
                }
        }
        write_class(names[classes], part, length);
        classes++;
        if (!nul) break;
        part = nul + 1;
    }

    hack_program program;
    if (!hack_program_init(&program)) abort();
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    /* hackemu's load_program for a folder */
    hack_build_options build = {.bootstrap = true, .vm_emulator = true};
    violation[0] = '\0';
    sandboxed = true;
    const bool built = hack_build_program(folder, &build, &program, &diags);
    sandboxed = false;
    fuzz_print_diags(&diags);
    if (violation[0]) fprintf(stderr, "fuzz_program: the build opened %s\n", violation);
    FUZZ_CHECK(!violation[0]);
    if (built) {
        FUZZ_CHECK(diags.error_count == 0);
        FUZZ_CHECK(program.count > 0 && program.count <= HACK_ROM_SIZE);
        for (int check_heap = 0; check_heap < 2; check_heap++) {
            run(&program, build.os_added, build.machine_code, build.bootstrapped, check_heap);
            if (violation[0]) fprintf(stderr, "fuzz_program: the run opened %s\n", violation);
            FUZZ_CHECK(!violation[0]);
        }
    } else {
        FUZZ_CHECK(diags.error_count > 0);
    }
    hack_diag_list_free(&diags);
    hack_program_free(&program);
    /* nothing was written into the folder: only the classes are there */
    FUZZ_CHECK(fuzz_empty_folder(folder) == classes);
    return 0;
}
