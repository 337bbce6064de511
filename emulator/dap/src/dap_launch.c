/* launch: the program built as hackemu builds it (a .jack, .vm, .asm or .hack file, or a folder), the run
 * driver bound with the launch's options (hackemu's run options, as launch.json names them), the debugger
 * engine over them; the absolute path of each source file, so the client opens the student's files. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "dap_internal.h"

#include "hack/build.h"
#include "hack/path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- callbacks of the driver and the engine ---- */

static void on_output_line(void *context, const char *text)
{
    dap_output(context, "stdout", text);
}

static void keep(char **slot, const char *text)
{
    free(*slot);
    *slot = dap_strdup(text);
}

static void on_message(void *context, const char *text)
{
    dap_output(context, "stderr", text); /* (the stop's record keeps the latest, for the stop's explanation) */
}

static void on_heap_report(void *context, const hack_heap_finding *finding, const char *text)
{
    (void)finding;
    hack_dap_server *s = context;
    keep(&s->last_heap_report, text);
    dap_output(s, "stderr", text);
}

static void on_engine_text(void *context, const char *text)
{
    hack_dap_server *s = context;
    if (s->capture) hack_strbuf_append(&s->engine_text, text, strlen(text)); /* else the stop events say it */
}

/* Diagnostics (what was compiled or added on the user's behalf, errors) as output: notes to the console,
 * the rest to stderr. */
static void output_diags(hack_dap_server *s, const hack_diag_list *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        if (!out) return;
        hack_diag_print(out, &diags->items[i]);
        fclose(out);
        dap_output(s, diags->items[i].severity == HACK_DIAG_NOTE ? "console" : "stderr", text);
        free(text);
    }
}

/* ---- the launch's options ---- */

/* "keys": "CYCLE:KEY,..." as hackemu's --keys, in cycle order. */
static bool set_keys(hack_dap_server *s, const char *text, char *why, size_t size)
{
    size_t count = 0;
    for (const char *p = text; *p; p++) count += *p == ',';
    hack_key_event *events = malloc((count + 1) * sizeof *events);
    if (!events) return false;
    size_t n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        errno = 0;
        unsigned long long cycle = strtoull(p, &end, 10);
        unsigned long key = 0;
        bool ok = end != p && *end == ':' && !errno && *p != '-';
        if (ok) {
            const char *k = end + 1;
            key = strtoul(k, &end, 10);
            ok = end != k && key <= 65535 && (*end == ',' || *end == '\0') && (n == 0 || cycle >= events[n - 1].cycle);
        }
        if (!ok) {
            snprintf(why, size, "\"keys\": expected CYCLE:KEYCODE pairs separated by commas, in cycle order "
                                "(e.g. \"2000000:131,2100000:0\")");
            free(events);
            return false;
        }
        events[n++] = (hack_key_event){cycle, (uint16_t)key};
        p = *end ? end + 1 : end;
    }
    bool set = hack_session_set_keys(s->session, events, n);
    free(events);
    if (!set) snprintf(why, size, "out of memory");
    return set;
}

/* "set": ["ADDR=VALUE", ...] as --set, into *writes (a new array, NULL for none). */
static bool parse_sets(hack_dap_server *s, const json_t *sets, hack_ram_write **writes, size_t *count, char *why,
                       size_t size)
{
    *writes = NULL;
    *count = json_array_size(sets);
    if (*count && !(*writes = malloc(*count * sizeof **writes))) {
        snprintf(why, size, "out of memory");
        return false;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(sets, i, item) {
        const char *text = json_string_value(item);
        if (!text || !hack_ram_write_parse(&s->program, text, &(*writes)[i])) {
            snprintf(why, size, "\"set\": %s: expected ADDR=VALUE (ADDR a RAM address 0..32767 or a symbol, VALUE "
                                "-32768..65535)", text ? text : "(not a string)");
            return false;
        }
    }
    return true;
}

/* The session's options from the launch's: "os", "jack", "heap", "nativeMemory", "continueAfterBadFree",
 * "checkHeap" (true, or "no-leaks"), "relaxed". */
static bool session_options(hack_dap_server *s, const json_t *request, hack_session_options *o, char *why, size_t size)
{
    *o = (hack_session_options){.mirror_output = true, .track_allocations = true, .stop_at_heap_report = true,
                                .message = on_message, .heap_report = on_heap_report, .output_line = on_output_line,
                                .context = s};
    const char *os = dap_string_argument(request, "os");
    if (os && strcmp(os, "jack") != 0 && strcmp(os, "native") != 0) {
        snprintf(why, size, "\"os\": \"native\" or \"jack\"");
        return false;
    }
    o->jack_os = os && strcmp(os, "jack") == 0;
    s->jack_classes = dap_strdup(dap_string_argument(request, "jack"));
    o->jack_classes = s->jack_classes;
    const char *heap = dap_string_argument(request, "heap");
    if (heap) {
        o->heap_chosen = true;
        if (strcmp(heap, "first-fit") == 0) o->heap_policy = HACK_HEAP_FIRST_FIT;
        else if (strcmp(heap, "best-fit") == 0) o->heap_policy = HACK_HEAP_BEST_FIT;
        else if (strcmp(heap, "seed") == 0) o->heap_policy = HACK_HEAP_SEED;
        else {
            snprintf(why, size, "\"heap\": first-fit, best-fit or seed");
            return false;
        }
    }
    o->native_memory = dap_bool_argument(request, "nativeMemory", false);
    o->continue_after_bad_free = dap_bool_argument(request, "continueAfterBadFree", false);
    o->relaxed = dap_bool_argument(request, "relaxed", false);
    const json_t *check = dap_argument(request, "checkHeap");
    if (json_is_string(check) && strcmp(json_string_value(check), "no-leaks") == 0) {
        o->check_heap = o->check_heap_no_leaks = true;
    } else if (json_is_boolean(check) || !check) {
        o->check_heap = json_is_true(check);
    } else {
        snprintf(why, size, "\"checkHeap\": true, false or \"no-leaks\"");
        return false;
    }
    return true;
}

/* ---- the source files ---- */

/* path made absolute (real when it exists: the client compares it with the files it opens). */
static char *absolute(const char *path, const char *cwd)
{
    char *real = realpath(path, NULL);
    if (real) return real;
    if (path[0] == '/' || !cwd) return dap_strdup(path);
    size_t length = strlen(cwd) + strlen(path) + 2;
    char *joined = malloc(length);
    if (joined) snprintf(joined, length, "%s/%s", cwd, path);
    return joined;
}

static bool find_paths(hack_dap_server *s, const char *cwd)
{
    const hack_program *p = &s->program;
    s->paths = calloc(p->source_file_count ? p->source_file_count : 1, sizeof *s->paths);
    if (!s->paths) return false;
    for (size_t i = 0; i < p->source_file_count; i++)
        if (strncmp(p->source_files[i], "(os)/", 5) != 0 && !(s->paths[i] = absolute(p->source_files[i], cwd)))
            return false;
    return true;
}

void dap_unload(hack_dap_server *s)
{
    hack_debugger_free(s->debugger);
    s->debugger = NULL;
    hack_session_free(s->session);
    s->session = NULL;
    if (s->have_program) {
        for (size_t i = 0; s->paths && i < s->program.source_file_count; i++) free(s->paths[i]);
        hack_program_free(&s->program);
        s->have_program = false;
    }
    free(s->paths);
    s->paths = NULL;
    hack_machine_destroy(s->machine);
    s->machine = NULL;
    dap_clear_refs(s);
    free(s->refs);
    s->refs = NULL;
    s->ref_capacity = 0;
    free(s->program_path);
    free(s->asm_path);
    free(s->jack_classes);
    free(s->exception_text);
    free(s->last_heap_report);
    s->program_path = s->asm_path = s->jack_classes = s->exception_text = s->last_heap_report = NULL;
}

/* Builds and binds the program; false with why. */
static bool load(hack_dap_server *s, const json_t *request, char *why, size_t size)
{
    const char *program = s->options.fixed_program ? s->options.fixed_program : dap_string_argument(request, "program");
    const char *cwd = dap_string_argument(request, "cwd");
    if (!program || !*program) {
        snprintf(why, size, "launch: \"program\" names the program: a .jack, .vm, .asm or .hack file, or a folder");
        return false;
    }
    char *path = program[0] == '/' || !cwd || s->options.fixed_program ? dap_strdup(program) : absolute(program, cwd);
    s->program_path = path;
    if (!path) return false;
    const long long cycles = dap_integer_argument(request, "cycles", 0);
    if (cycles < 0 || (dap_argument(request, "cycles") && !json_is_integer(dap_argument(request, "cycles")))) {
        snprintf(why, size, "\"cycles\": a number of instructions");
        return false;
    }
    s->cycle_limit = (uint64_t)cycles;
    hack_session_options options;
    if (!session_options(s, request, &options, why, size)) return false;

    hack_diag_list diags;
    hack_diag_list_init(&diags);
    s->machine = hack_machine_create();
    if (!s->machine || !hack_program_init(&s->program)) {
        hack_diag_list_free(&diags);
        snprintf(why, size, "out of memory");
        return false;
    }
    s->have_program = true;
    /* as hackemu builds it: VM and Jack code as the course's VM emulator takes it */
    const bool vm_code = hack_build_is_program_folder(path) || hack_path_has_extension(path, ".vm") ||
                         hack_path_has_extension(path, ".jack");
    hack_build_options build = {.bootstrap = vm_code, .vm_emulator = vm_code};
    bool ok = hack_build_program(path, &build, &s->program, &diags);
    output_diags(s, &diags);
    hack_diag_list_free(&diags);
    hack_diag_list_init(&diags);
    if (!ok) {
        snprintf(why, size, "%s could not be built (the messages are in the debug console)", path);
        return false;
    }
    if (hack_path_has_extension(path, ".asm") && s->program.asm_lines) s->asm_path = absolute(path, cwd);
    /* started as hackemu starts it: a lone VM file with SP = 256, then the "set" words; a reset again so */
    hack_launch launch = {.program = &s->program, .os_added = build.os_added,
                          .code = build.machine_code ? HACK_LAUNCH_MACHINE_CODE : HACK_LAUNCH_VM,
                          .bootstrapped = !vm_code || build.bootstrapped};
    hack_ram_write *writes;
    if (!parse_sets(s, dap_argument(request, "set"), &writes, &launch.write_count, why, size)) {
        free(writes);
        hack_diag_list_free(&diags);
        return false;
    }
    launch.writes = writes;
    s->session = hack_session_create(s->machine, &options);
    ok = s->session && hack_session_load(s->session, &launch, &diags);
    free(writes);
    output_diags(s, &diags);
    hack_diag_list_free(&diags);
    if (!ok) {
        snprintf(why, size, "%s could not be loaded", path);
        return false;
    }
    const char *keys = dap_string_argument(request, "keys");
    if (keys && !set_keys(s, keys, why, size)) return false;
    if (!find_paths(s, cwd)) {
        snprintf(why, size, "out of memory");
        return false;
    }
    hack_debugger_options engine = {on_engine_text, s, NULL, NULL};
    hack_diag_list_init(&diags);
    s->debugger = hack_debugger_create(s->session, s->machine, &engine, &diags);
    output_diags(s, &diags);
    hack_diag_list_free(&diags);
    if (!s->debugger) {
        snprintf(why, size, "out of memory");
        return false;
    }
    return true;
}

void dap_launch(hack_dap_server *s, const json_t *request)
{
    if (s->launched || s->debugger) {
        dap_fail(s, request, "launch: a program is launched already (one a session)");
        return;
    }
    char why[600] = "";
    if (!load(s, request, why, sizeof why)) {
        dap_unload(s);
        dap_fail(s, request, "%s", why[0] ? why : "out of memory");
        return;
    }
    s->no_debug = dap_bool_argument(request, "noDebug", false);
    s->stop_on_entry = dap_bool_argument(request, "stopOnEntry", false) && !s->no_debug;
    s->just_my_code = dap_bool_argument(request, "justMyCode", true);
    s->launched = true;
    dap_apply_breakpoints(s); /* any set before the launch */
    /* the client sends its breakpoints when it hears this; before the launch's response, so that they are
     * set before the launch is over */
    dap_event(s, "initialized", NULL);
    dap_respond(s, request, NULL);
    if (s->configured) dap_start(s);
}
