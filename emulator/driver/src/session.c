/* The run driver: binding a program's native OS, Memory, heap check and Output mirror, and running it to a
 * stop with one meaning (see session.h). */
#include "hack/session.h"

#include "hack/backtrace.h"
#include "hack/heap_check.h"
#include "hack/heap_map.h"
#include "hack/native_memory.h"
#include "hack/native_os.h"
#include "hack/os.h"
#include "hack/output_mirror.h"
#include "hack/stop.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RECENT = 8, DEFAULT_REPORT_LIMIT = 20 };
/* How often (in instructions) and how far (one round of at most this many) to look for an endless loop. */
enum { LOOP_CHECK_INTERVAL = 1 << 22, LOOP_ROUND_MAX = 2048, LOOP_WRITES_MAX = 64 };
/* The stack: 256..2047. SP is looked at after every slice of this many instructions (a recursion grows by a
 * frame in some tens of instructions, so it is caught within a few thousand words of the heap). */
enum { STACK_BOTTOM = 256, STACK_TOP = 2048, STACK_SLICE = 1 << 14, SAMPLES = 64, FRAME_SPAN = 1024 };

struct hack_session {
    hack_machine *machine;
    hack_session_options options;
    const hack_program *program;
    hack_launch launch;         /* as loaded, for a reload; its writes are the session's copy */
    hack_ram_write *writes;
    unsigned os_added;          /* the OS classes that may run natively */
    bool machine_code;
    hack_native_memory *memory;
    hack_native_os *native_os;
    hack_output_mirror *mirror;
    hack_heap_sanitizer *check;
    bool check_finished;          /* its findings reported: it only tracks blocks now */
    bool restarted;               /* the program jumped back to ROM 0 (restart_trap) */
    uint16_t overflowing_frame;   /* the locals of a function whose frame would pass the stack's top (big_frame) */
    uint16_t overflow_sp;         /* and SP when it was called */
    bool stack_started;           /* SP has been seen inside the stack once (the bootstrap has run) */
    hack_heap_sanitizer *tracker; /* without the heap check: the blocks of a Jack Memory, for the heap map */
    int heap_problems; /* of the programs loaded before, and of this one once finished */
    uint16_t recent[RECENT]; /* a ring of the latest blocks handed out */
    size_t recent_next;
    hack_key_event *keys;
    size_t key_count, key_next;
    uint64_t since_loop_check; /* instructions run since the last look for an endless loop */
    bool watch_stack;          /* VM code outside test scripts: SP is checked */
    int32_t return_routine, return_routine_end; /* the shared VM return routine's ROM words, or -1 */
    int32_t native_peek; /* Memory.peek's entry when native code answers it (the loop check reads through it), or -1 */
    int32_t native_wait; /* Sys.wait's, when native code answers it at once (no clock): a no-op to the loop check */
    uint16_t samples[SAMPLES]; /* where the latest slices ended (hack_backtrace_place) */
    size_t sample_count;
    const uint8_t *watchpoints; /* the debugger's watched words, or NULL */
    uint16_t floor_from;        /* under the heap check: the words [floor_from, 256) are watched (0: none) */
    uint8_t *floor_map;         /* the session's own watch map for them, when the check watches nothing */
    char last_message[4096];    /* the OS's latest message in this program, for the stop's record */
    char heap_message[4096];    /* the native Memory's first */
    hack_backtrace_frame error_frames[HACK_HEAP_FINDING_FRAMES]; /* where Sys.error was called first */
    size_t error_frame_count;
    char error_message[4096];   /* and what the OS said of it */
    hack_heap_finding last_finding; /* the heap check's latest finding in this program */
    bool run_reported_access;  /* the last run stopped at a heap report: its access runs first */
};


static void message(hack_session *s, const char *text)
{
    snprintf(s->last_message, sizeof s->last_message, "%s", text);
    if (s->options.message) s->options.message(s->options.context, text);
}

static void os_message(void *context, const char *text)
{
    hack_session *s = context;
    /* the OS tells of a Sys.error as it is called: where the program is now is where it called it */
    if (!s->error_message[0] && hack_native_os_failed(s->native_os)) {
        s->error_frame_count = hack_backtrace_frames(s->machine, s->program, s->error_frames, HACK_HEAP_FINDING_FRAMES, NULL);
        snprintf(s->error_message, sizeof s->error_message, "%s", text);
    }
    message(s, text);
}

static void memory_message(void *context, const char *text)
{
    hack_session *s = context;
    if (!s->heap_message[0]) snprintf(s->heap_message, sizeof s->heap_message, "%s", text);
    os_message(s, text);
}

static void heap_report(void *context, const hack_heap_finding *finding, const char *text)
{
    hack_session *s = context;
    if (finding->kind != HACK_HEAP_FINDING_SUMMARY) s->last_finding = *finding;
    if (s->options.heap_report) s->options.heap_report(s->options.context, finding, text);
}

static void output_line(void *context, const char *text)
{
    const hack_session *s = context;
    if (s->options.output_line) s->options.output_line(s->options.context, text);
}

static void put_output_char(void *context, int c)
{
    hack_output_mirror_put(context, c);
}

static void note_recent_allocation(void *context, uint16_t address, uint16_t words)
{
    (void)words;
    hack_session *s = context;
    s->recent[s->recent_next++ % RECENT] = address;
}

/* The native Memory's events: the latest blocks for the heap map, and everything for the heap check. */
static void memory_event(void *context, hack_native_memory_event kind, uint16_t address, uint16_t words,
                         const char *why)
{
    hack_session *s = context;
    if (kind == HACK_MEMORY_ALLOC) note_recent_allocation(s, address, words);
    if (kind == HACK_MEMORY_SYS_ERROR) hack_native_os_raised(s->native_os, address);
    if (!s->check) return;
    switch (kind) {
    case HACK_MEMORY_INIT: hack_heap_sanitizer_on_init(s->check); break;
    case HACK_MEMORY_ALLOC: hack_heap_sanitizer_on_alloc(s->check, address, words); break;
    case HACK_MEMORY_FREE: hack_heap_sanitizer_on_free(s->check, address); break;
    case HACK_MEMORY_BAD_FREE: hack_heap_sanitizer_on_bad_free(s->check, address, why); break;
    case HACK_MEMORY_SYS_ERROR: break;
    case HACK_MEMORY_PEEK:
    case HACK_MEMORY_POKE: /* a watched word, reached through the native peek or poke: the check reports it */
        if (hack_machine_watch(s->machine) && hack_watch_stops(hack_machine_watch(s->machine), NULL, 0, address)) {
            /* native code: untrusted */
            hack_machine_note_watch_hit(s->machine,
                                        (hack_watch_hit){hack_machine_pc(s->machine), address, kind == HACK_MEMORY_POKE});
            hack_heap_sanitizer_on_watch(s->check);
        }
        break;
    }
}

/* A debugger's hold at the heap check's findings in the native Memory (stop_at_heap_report). */
static bool call_entered(void *context)
{
    const hack_session *s = context;
    return hack_heap_sanitizer_entered(s->check);
}

static bool call_held(void *context)
{
    const hack_session *s = context;
    return hack_heap_sanitizer_held(s->check);
}

/* A Jack Memory without the heap check: its allocations, seen as Memory.alloc returns, for the heap map. */
/* Whether class name runs natively: the project's own (added to the program), the OS mode native, not kept
 * in Jack by jack_classes. */
static bool is_native(const hack_session *s, const char *name)
{
    const hack_os_class *c = hack_os_find_class(name);
    if (s->options.jack_os || !c ||
        !(s->os_added & (1u << (unsigned)(c - hack_os_classes))))
        return false;
    const char *list = s->options.jack_classes;
    if (list) {
        size_t n = strlen(name);
        for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
            if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return false;
    }
    return true;
}

/* finish: the program's run is over (its leaks are reported); otherwise it is abandoned (a reset). */
static void unbind(hack_session *s, bool finish)
{
    if (s->floor_map && hack_machine_watch(s->machine) == s->floor_map) hack_machine_set_watch(s->machine, NULL, NULL);
    free(s->floor_map);
    s->floor_map = NULL;
    s->floor_from = 0;
    if (finish) hack_session_finish(s);
    hack_output_mirror_free(s->mirror);
    hack_native_memory_free(s->memory);
    hack_native_os_free(s->native_os);
    hack_heap_sanitizer_free(s->check);
    hack_heap_sanitizer_free(s->tracker);
    s->mirror = NULL;
    s->memory = NULL;
    s->native_os = NULL;
    s->check = NULL;
    s->check_finished = false;
    s->tracker = NULL;
}

/* The heap check (check_heap), and the native Memory when it is to run; without a native Memory, the check
 * observes the program's own. NULL, or what could not be bound (memory ran out). */
static const char *bind_heap(hack_session *s)
{
    const hack_session_options *o = &s->options;
    int limit = o->check_report_limit > 0 ? o->check_report_limit : DEFAULT_REPORT_LIMIT;
    s->check = o->check_heap ? hack_heap_sanitizer_create(s->machine, s->program, limit, heap_report, s) : NULL;
    if (o->check_heap && !s->check) return "out of memory for the heap check";
    if (s->check && o->check_heap_no_leaks) hack_heap_sanitizer_report_leaks(s->check, false);
    if (s->check && o->stop_at_heap_report) hack_heap_sanitizer_hold_at_findings(s->check, true);
    bool native;
    native = is_native(s, "Memory") || o->native_memory;
    if (s->machine_code && o->test_script) /* as the course's emulators run it, unless a policy is asked for */
        native = o->native_memory || (o->heap_chosen && is_native(s, "Memory"));
    if (native) {
        /* under the heap check, bad frees are its findings: reported there, and the run goes on */
        hack_native_memory_options memory_options = {o->heap_policy, o->continue_after_bad_free || s->check != NULL,
                                                     memory_message, s, memory_event, s, s->check != NULL,
                                                     s->check ? call_entered : NULL, s->check ? call_held : NULL};
        s->memory = hack_native_memory_bind(s->machine, s->program, &memory_options);
        /* (a program without Memory.alloc, or whose symbols it refused, runs its own Memory code) */
        if (!s->memory && hack_native_memory_applies(s->program)) return "out of memory for the native Memory";
    }
    if (s->check && !s->memory) {
        const hack_heap_observing observing = hack_heap_sanitizer_observe_jack_memory(s->check);
        if (observing == HACK_HEAP_OBSERVE_NO_MEMORY) return "out of memory for the heap check";
        if (observing == HACK_HEAP_OBSERVING)
            hack_heap_sanitizer_listen_allocations(s->check, note_recent_allocation, s);
        else
            message(s, "--check-heap: the program has no Memory.alloc function (a .hack needs its .sym beside it), "
                       "so there are no blocks to check");
    } else if (!s->memory && o->track_allocations) {
        /* the blocks a Jack Memory hands out and takes back, for a heap map of any layout */
        s->tracker = hack_heap_sanitizer_create(s->machine, s->program, 0, NULL, NULL);
        if (!s->tracker) return "out of memory for the tracking of allocations";
        hack_heap_sanitizer_track_only(s->tracker);
        const hack_heap_observing observing = hack_heap_sanitizer_observe_jack_memory(s->tracker);
        if (observing == HACK_HEAP_OBSERVE_NO_MEMORY) return "out of memory for the tracking of allocations";
        if (observing == HACK_HEAP_OBSERVING) {
            hack_heap_sanitizer_listen_allocations(s->tracker, note_recent_allocation, s);
        } else {
            hack_heap_sanitizer_free(s->tracker);
            s->tracker = NULL;
        }
    }
    hack_heap_sanitizer *record = s->check ? s->check : s->tracker;
    if (record && o->heap_timeline) hack_heap_sanitizer_record_timeline(record);
    return NULL;
}

/* The native OS classes and the Output mirror. NULL, or what could not be bound (memory ran out). */
static const char *bind_os(hack_session *s)
{
    const hack_session_options *o = &s->options;
    static const char *const classes[] = {"Math", "Output", "Screen", "Sys", "Keyboard"};
    bool native[5];
    bool any = false;
    for (int i = 0; i < 5; i++) any |= native[i] = is_native(s, classes[i]);
    const hack_os_class *sys = hack_os_find_class("Sys"); /* a Sys.wait of the project's own is not paced */
    bool pace = !o->no_pace && !(sys && (s->os_added & (1u << (unsigned)(sys - hack_os_classes))));
    hack_native_os_options os_options = {native[0], native[1], native[2], native[3], native[4], os_message, s,
                                         NULL, NULL, o->now_ms, o->context, pace, false};
    const hack_os_class *string = hack_os_find_class("String");
    os_options.foreign_string = !(string && (s->os_added & (1u << (unsigned)(string - hack_os_classes))));
    if (o->mirror_output) {
        if (native[1]) {
            s->mirror = hack_output_mirror_create(output_line, s);
            os_options.print = put_output_char;
            os_options.print_context = s->mirror;
        } else {
            s->mirror = hack_output_mirror_bind(s->machine, s->program, output_line, s);
        }
        /* (without an Output.printChar there is nothing to mirror) */
        if (!s->mirror && (native[1] || hack_symtab_find(&s->program->symbols, "Output.printChar", 16)))
            return "out of memory for the copy of Output's text";
    }
    s->native_os = any ? hack_native_os_bind(s->machine, s->program, &os_options)
                       : hack_native_os_observe_errors(s->machine, s->program, &os_options);
    if (!s->native_os) return "out of memory for the native OS";
    if (s->machine_code && (any || s->memory)) { /* machine code runs native code only as its .sym allows */
        char names[80] = "";
        for (int i = 0; i < 5; i++)
            if (native[i]) snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ", classes[i]);
        if (s->memory) snprintf(names + strlen(names), sizeof names - strlen(names), "Memory, ");
        names[strlen(names) - 2] = '\0';
        char text[300];
        snprintf(text, sizeof text, "note: its .sym says hackemu's OS supplied %s: %s run%s natively (--os=jack "
                 "runs their code)", s->program->project_os ? s->program->project_os : "Memory", names,
                 strchr(names, ',') ? "" : "s");
        message(s, text);
    }
    return NULL;
}

hack_session *hack_session_create(hack_machine *machine, const hack_session_options *options)
{
    hack_session *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->machine = machine;
    s->options = *options;
    return s;
}

void hack_session_free(hack_session *session)
{
    if (!session) return;
    unbind(session, false);
    free(session->keys);
    free(session->writes);
    free(session);
}

/* At ROM 0 after the start: the program went back to its bootstrap. */
static hack_hook_action restart_trap(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_session *s = context;
    if (e->kind != HACK_HOOK_CALL || hack_machine_cycles(m) == 0) return HACK_HOOK_PROCEED;
    s->restarted = true;
    return HACK_HOOK_STOP;
}

/* Under the heap check, a checked run (the interpreter's loop that looks at watched words, already), a stack
 * underflow is seen at once: the words below the stack that no static variable uses are watched, and the first
 * access of one with SP at or below it is the stack's, a pop's read or a push's write; the slice stops there, at
 * the command, and stack_state names it. The plain run loop looks at nothing of the kind (a test on every write
 * of SP would slow every program, and the native tier could not run): there SP is looked at after each slice
 * and at a fault, and the translator warns, before the run, of a command that takes more than its function
 * pushed. */
static void watch_stack_floor(hack_session *s)
{
    uint32_t from = 16; /* above the static variables the program uses */
    for (size_t i = 0; i < s->program->symbols.count; i++) {
        const hack_symbol *v = &s->program->symbols.entries[i];
        if ((v->kind == HACK_SYMBOL_STATIC || v->kind == HACK_SYMBOL_VARIABLE) && v->value >= from &&
            v->value < STACK_BOTTOM)
            from = (uint32_t)v->value + 1;
    }
    if (from >= STACK_BOTTOM) return;
    if (hack_heap_sanitizer_watch_floor(s->check, (uint16_t)from, STACK_BOTTOM)) {
        s->floor_from = (uint16_t)from;
        return;
    }
    if (hack_machine_watch(s->machine) || !(s->floor_map = calloc(HACK_RAM_SIZE, 1))) return;
    memset(s->floor_map + from, HACK_WATCH_OTHERS | HACK_WATCH_TRUSTED, STACK_BOTTOM - from);
    hack_machine_set_watch(s->machine, s->floor_map, NULL);
    s->floor_from = (uint16_t)from;
}

/* A stop at a word of the stack's floor that is not the stack's (SP is above it): a pointer's access, which the
 * heap check does not report (the program's own, or anyone's under the session's own map). */
static bool floor_passing(const hack_session *s)
{
    const hack_machine *m = s->machine;
    const hack_watch_hit hit = hack_machine_watch_hit(m);
    if (!s->floor_from || hit.address < s->floor_from || hit.address >= STACK_BOTTOM || hack_machine_ram(m, 0) <= hit.address)
        return false;
    const uint8_t *trusted = hack_machine_trusted(m);
    return hack_machine_watch(m) == s->floor_map || !trusted || !trusted[hit.pc];
}

/* A function with many locals pushes its whole frame in one loop: it can cross from the stack far into the heap
 * between two looks at SP, and return before the next (1,900 locals from SP = 271 zeroed RAM[2048..2123], blamed
 * later on the heap). Its entry is watched: a call whose frame would pass the top stops there, before the push. */
enum { BIG_FRAME = 64 };

static hack_hook_action big_frame(void *context, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_session *s = context;
    if (e->kind != HACK_HOOK_CALL) return HACK_HOOK_PROCEED;
    const uint16_t locals = hack_machine_rom(m, e->address) & 0x7FFFu, sp = hack_machine_ram(m, 0);
    if ((uint32_t)sp + locals <= STACK_TOP) return HACK_HOOK_PROCEED;
    s->overflowing_frame = locals;
    s->overflow_sp = sp;
    return HACK_HOOK_STOP;
}

/* The entries of functions with BIG_FRAME locals or more: the translator's "@N, D=A, (F$$locals) ..." */
static void watch_big_frames(hack_session *s)
{
    const hack_machine *m = s->machine;
    const hack_program *p = s->program;
    for (size_t i = 0; i < p->symbols.count; i++) {
        const hack_symbol *f = &p->symbols.entries[i];
        if (f->kind != HACK_SYMBOL_FUNCTION || (size_t)f->value + 1 >= p->count) continue;
        const uint16_t first = hack_machine_rom(m, f->value);
        if (!HACK_IS_A_INSTR(first) || first < BIG_FRAME) continue;
        char loop[300]; /* the translator's label of the loop that pushes the locals, two words on */
        const int n = snprintf(loop, sizeof loop, "%s$$locals", f->name);
        const hack_symbol *l = n > 0 && (size_t)n < sizeof loop ? hack_symtab_find(&p->symbols, loop, (size_t)n) : NULL;
        if (!l || l->value != f->value + 2u) continue;
        if (!hack_machine_hooked(m, f->value)) hack_machine_add_hook(s->machine, f->value, HACK_HOOK_OBSERVE, big_frame, s);
    }
}

/* Keeps the launch for a reload, with a copy of its writes (a reload passes the session's own launch). */
static bool keep_launch(hack_session *s, const hack_launch *launch)
{
    if (launch == &s->launch) return true;
    hack_ram_write *writes = NULL;
    if (launch->write_count) {
        writes = malloc(launch->write_count * sizeof *writes);
        if (!writes) return false;
        memcpy(writes, launch->writes, launch->write_count * sizeof *writes);
    }
    free(s->writes);
    s->writes = writes;
    s->launch = *launch;
    s->launch.writes = writes;
    return true;
}

/* The program starts as its launch says: VM code without a bootstrap as the course's VM emulator starts a
 * lone file (SP = 256, at Sys.init when there is one), then the RAM writes (--set). */
static void start(hack_session *s)
{
    const hack_launch *l = &s->launch;
    if (l->code == HACK_LAUNCH_VM && !l->bootstrapped) {
        hack_machine_set_ram(s->machine, 0, 256);
        const hack_symbol *init = hack_symtab_find(&l->program->symbols, "Sys.init", 8);
        if (init && init->kind == HACK_SYMBOL_FUNCTION) hack_machine_set_pc(s->machine, init->value);
    }
    for (size_t i = 0; i < l->write_count; i++) hack_machine_set_ram(s->machine, l->writes[i].address, l->writes[i].value);
}

/* hack_session_load's false, with its error in diags (when there is a list). */
static bool load_failed(hack_diag_list *diags, const char *text)
{
    if (diags) hack_diag_add(diags, HACK_DIAG_ERROR, NULL, 0, 0, NULL, 0, "%s", text);
    return false;
}

/* A bind that could not be made (memory ran out): nothing of this load stays bound, so no hook is left with the
 * context of a binder that gave up (the program's own code is all there is to run). */
static bool load_refused(hack_session *s, hack_diag_list *diags, const char *text)
{
    unbind(s, false);
    hack_machine_clear_hooks(s->machine);
    return load_failed(diags, text);
}

bool hack_session_load(hack_session *session, const hack_launch *launch, hack_diag_list *diags)
{
    assert(session && launch && launch->program);
    if (!launch || !launch->program) return load_failed(diags, "no program to load"); /* (a caller's bug: nothing changes) */
    hack_session *s = session;
    const hack_program *program = launch->program;
    const bool machine_code = launch->code == HACK_LAUNCH_MACHINE_CODE;
    unbind(s, s->options.test_script); /* a script's programs are checked one after the other */
    if (!keep_launch(s, launch)) {
        s->program = NULL;
        if (diags) hack_diag_add(diags, HACK_DIAG_ERROR, NULL, 0, 0, NULL, 0, "out of memory");
        return false;
    }
    s->program = program;
    s->os_added = launch->os_added;
    s->machine_code = machine_code;
    if (machine_code) { /* its .sym says which OS classes the tools put in: only those are ours */
        s->os_added = 0;
        for (size_t i = 0; i < hack_os_class_count; i++)
            if (hack_program_has_project_os(program, hack_os_classes[i].name)) s->os_added |= 1u << i;
    }
    s->recent_next = 0;
    s->key_next = 0;
    s->last_message[0] = s->heap_message[0] = '\0';
    s->error_frame_count = 0;
    s->error_message[0] = '\0';
    s->last_finding = (hack_heap_finding){.kind = HACK_HEAP_FINDING_NONE};
    hack_machine_load(s->machine, program->words, program->count);
    hack_machine_set_relaxed(s->machine, s->options.relaxed);
    s->watch_stack = program->locations != NULL && !s->options.test_script;
    s->sample_count = 0;
    s->stack_started = false;
    s->return_routine = s->return_routine_end = -1;
    const hack_symbol *ret = hack_symtab_find(&program->symbols, "$$RETURN", 8);
    if (ret && ret->kind == HACK_SYMBOL_LABEL) {
        /* the routine runs to its jump through R14: its words up to the next label or the end */
        s->return_routine = ret->value;
        s->return_routine_end = (int32_t)program->count;
        for (size_t i = 0; i < program->symbols.count; i++) {
            const hack_symbol *other = &program->symbols.entries[i];
            if ((other->kind == HACK_SYMBOL_LABEL || other->kind == HACK_SYMBOL_FUNCTION) && other->value > ret->value &&
                other->value < s->return_routine_end)
                s->return_routine_end = other->value;
        }
    }
    s->run_reported_access = false;
    const char *unbound = bind_heap(s);
    if (unbound) return load_refused(s, diags, unbound);
    if (s->check && s->watch_stack) watch_stack_floor(s);
    if (s->watchpoints && !s->check) {
        hack_machine_set_watch(s->machine, s->watchpoints, NULL);
    }
    unbound = bind_os(s);
    if (unbound) return load_refused(s, diags, unbound);
    s->restarted = false;
    /* VM code never jumps to its bootstrap: a return through a corrupted frame (its return address 0) does,
     * and the program would start over and over; the word is watched from the first instruction on */
    if (s->watch_stack && !hack_machine_hooked(s->machine, 0))
        hack_machine_add_hook(s->machine, 0, HACK_HOOK_OBSERVE, restart_trap, s);
    s->overflowing_frame = 0;
    if (s->watch_stack) watch_big_frames(s);
    const hack_symbol *peek = hack_symtab_find(&program->symbols, "Memory.peek", 11);
    s->native_peek = peek && hack_machine_replaced(s->machine, peek->value) ? peek->value : -1;
    const hack_symbol *wait = hack_symtab_find(&program->symbols, "Sys.wait", 8);
    s->native_wait = wait && !s->options.now_ms && hack_machine_replaced(s->machine, wait->value) ? wait->value : -1;
    start(s);
    return true;
}

bool hack_session_set_watchpoints(hack_session *session, const uint8_t *map)
{
    hack_machine *m = session->machine;
    if (session->check) return map == NULL;
    if (hack_machine_watch(m) == session->watchpoints) hack_machine_set_watch(m, map, NULL);
    session->watchpoints = map;
    return true;
}

void hack_session_unload(hack_session *session)
{
    unbind(session, true);
    session->program = NULL;
}

bool hack_session_reload(hack_session *session, hack_diag_list *diags)
{
    if (!session->program) return false;
    return hack_session_load(session, &session->launch, diags);
}

bool hack_session_set_keys(hack_session *session, const hack_key_event *events, size_t count)
{
    hack_key_event *copy = count ? malloc(count * sizeof *copy) : NULL;
    if (count && !copy) return false;
    if (count) memcpy(copy, events, count * sizeof *copy);
    free(session->keys);
    session->keys = copy;
    session->key_count = count;
    session->key_next = 0;
    return true;
}

/* The stack after a slice that stopped for reason: overflowed, underflowed, or (a fault in the return
 * routine) a corrupted frame. */
static hack_stack_error stack_state(hack_session *s, hack_stop_reason reason)
{
    const hack_machine *m = s->machine;
    uint16_t sp = hack_machine_ram(m, 0);
    /* while the bootstrap sets SP (a debugger's first steps), there is no stack to look at yet */
    if (!s->stack_started) {
        const uint16_t pc = hack_machine_pc(m);
        const hack_source_location *at = pc < s->program->count ? &s->program->locations[pc] : NULL;
        if ((sp < STACK_BOTTOM || sp > STACK_TOP) && at && at->routine == HACK_ROUTINE_BOOTSTRAP)
            return HACK_STACK_OK;
        s->stack_started = true;
    }
    /* a stack that grew through the heap; an SP further out was set there by a stray write, which shows
     * as the machine error it leads to */
    /* a stack that grew is close above the innermost frame (LCL); an SP far from it was written there, by a
     * write through a null pointer (RAM[0] is SP) or a wild one */
    uint16_t lcl = hack_machine_ram(m, 1);
    if (sp > STACK_TOP && sp <= HACK_SCREEN)
        return lcl >= STACK_BOTTOM && lcl <= sp && sp - lcl < FRAME_SPAN ? HACK_STACK_OVERFLOW
                                                                         : HACK_STACK_SP_OVERWRITTEN;
    if (sp >= HACK_RAM_SIZE) return HACK_STACK_UNDERFLOW; /* SP went below 0 */
    if (sp < STACK_BOTTOM) return lcl >= STACK_BOTTOM && lcl - sp > 64 ? HACK_STACK_SP_OVERWRITTEN : HACK_STACK_UNDERFLOW;
    /* a push about to write the first heap word (the heap check stops before it): SP is still 2048 */
    const hack_watch_hit hit = hack_machine_watch_hit(m);
    if (reason == HACK_STOP_WATCH && sp == STACK_TOP && hit.write && hit.address == STACK_TOP)
        return HACK_STACK_OVERFLOW;
    const hack_fault fault = hack_machine_fault(m);
    if (reason == HACK_STOP_FAULT &&
        (fault.kind == HACK_FAULT_BAD_FRAME || /* a native function's return */
         (s->return_routine >= 0 && fault.pc >= s->return_routine && fault.pc < s->return_routine_end)))
        return HACK_STACK_BAD_FRAME;
    return HACK_STACK_OK;
}

/* A hook stopped the run: what it means. */
static hack_session_stop stopped_in_hook(hack_session *s, hack_session_stop stop)
{
    if (s->restarted) {
        stop.state = HACK_SESSION_STACK_ERROR;
        stop.stack = HACK_STACK_RESTART;
        return stop;
    }
    if (s->overflowing_frame) {
        stop.state = HACK_SESSION_STACK_ERROR;
        stop.stack = HACK_STACK_OVERFLOW;
        return stop;
    }
    if (s->check && hack_heap_sanitizer_holding(s->check)) { /* a finding in a hooked call: it is made again */
        stop.state = HACK_SESSION_DEBUG;
        stop.debug = HACK_DEBUG_STOP_HEAP_REPORT;
        return stop;
    }
    uint64_t until = 0;
    switch (hack_native_os_waiting(s->native_os, &until)) {
    case HACK_NATIVE_OS_WAITING_KEY: stop.state = HACK_SESSION_WAITING_KEY; return stop;
    case HACK_NATIVE_OS_WAITING_TIME:
        stop.state = HACK_SESSION_WAITING_TIME;
        stop.until_ms = until;
        return stop;
    case HACK_NATIVE_OS_NOT_WAITING: break;
    }
    if (hack_native_memory_failed(s->memory))
        stop.state = HACK_SESSION_HEAP_ERROR;
    else if (hack_native_os_failed(s->native_os))
        stop.state = HACK_SESSION_SYS_ERROR;
    else
        stop.state = HACK_SESSION_HALTED;
    return stop;
}

/* Whether the words written in a round of a loop hold what they held before it. */
static bool ram_as_before(const hack_machine *m, const uint16_t *written, const uint16_t *before, int writes)
{
    for (int i = 0; i < writes; i++)
        if (hack_machine_ram(m, written[i]) != before[i]) return false;
    return true;
}

/* Follows one round of the loop the PC is in, instruction by instruction (each one counted in *ran, as
 * the program really runs it), and tells whether the machine came back to where it was with nothing changed:
 * a fixed point it can never leave. Anything that could bring change (the keyboard, a hook, a watched word,
 * a fault) ends the look with false. */
static bool at_fixed_point(hack_session *s, uint64_t budget, uint64_t *ran, bool *reads_keyboard)
{
    hack_machine *m = s->machine;
    /* the keyboard is an input only while keys may still come: a run's scripted keys all pressed, a loop that
     * reads it and changes nothing else waits for a key that never comes (the Jack OS's keyPressed loop) */
    const bool keys_to_come = s->key_next < s->key_count;
    *reads_keyboard = false;
    const uint16_t pc0 = hack_machine_pc(m), a0 = hack_machine_a(m), d0 = hack_machine_d(m);
    uint16_t written[LOOP_WRITES_MAX], before[LOOP_WRITES_MAX];
    int writes = 0;
    /* (nothing in the round changes the watch: stepping and a VM return leave it) */
    const uint8_t *const watch = hack_machine_watch(m), *const trusted = hack_machine_trusted(m);
    *ran = 0;
    for (uint64_t n = 0; n < LOOP_ROUND_MAX && *ran < budget; n++) {
        const uint16_t pc = hack_machine_pc(m);
        const bool peek = (int32_t)pc == s->native_peek, wait = (int32_t)pc == s->native_wait;
        if (hack_machine_breakpoint_at(m, pc)) return false; /* the run stops there */
        if (pc < HACK_ROM_SIZE && (peek || wait)) {
            /* the native Memory.peek (which the Jack OS's keyPressed calls) or a Sys.wait that takes no time: its
             * read, and its return's writes (the result at ARG, SP, LCL, ARG, THIS, THAT), looked at as the
             * loop's own */
            const uint16_t arg = hack_machine_ram(m, 2);
            const uint16_t argument = hack_machine_ram(m, arg & (HACK_RAM_SIZE - 1)), address = peek ? argument : 0;
            if (wait && (int16_t)argument < 0) return false; /* (its error: the run's) */
            if (address > HACK_KBD || (address == HACK_KBD && keys_to_come)) return false;
            if (peek && address == HACK_KBD) *reads_keyboard = true;
            const uint16_t touched[] = {0, 1, 2, 3, 4, arg};
            /* a word the debugger or the heap check watches: the run reports the access (native code: untrusted) */
            if (watch && peek && hack_watch_stops(watch, NULL, 0, address)) return false;
            for (size_t k = 0; k < sizeof touched / sizeof touched[0]; k++)
                if (watch && touched[k] < HACK_RAM_SIZE && hack_watch_stops(watch, NULL, 0, touched[k])) return false;
            for (size_t k = 0; k < sizeof touched / sizeof touched[0]; k++) {
                int i = 0;
                while (i < writes && written[i] != touched[k]) i++;
                if (i < writes) continue;
                if (writes == LOOP_WRITES_MAX || touched[k] >= HACK_RAM_SIZE) return false;
                written[writes] = touched[k];
                before[writes++] = hack_machine_ram(m, touched[k]);
            }
            if (!hack_machine_vm_return(m, peek ? hack_machine_ram(m, address) : 0)) return false;
            ++*ran;
            if (hack_machine_pc(m) == pc0 && hack_machine_a(m) == a0 && hack_machine_d(m) == d0)
                return ram_as_before(m, written, before, writes);
            continue;
        }
        if (pc >= HACK_ROM_SIZE || hack_machine_hooked(m, pc)) return false;
        const uint16_t word = hack_machine_rom(m, pc), a = hack_machine_a(m);
        if (HACK_IS_C_INSTR(word)) {
            const bool reads = HACK_COMP_USES_M(HACK_COMP(word)), writes_m = (HACK_DEST(word) & HACK_DEST_M) != 0;
            if (reads && !writes_m && a == HACK_KBD && !keys_to_come && !(watch && hack_watch_stops(watch, trusted, pc, a)))
                *reads_keyboard = true;
            else if ((reads || writes_m) && (a >= HACK_KBD || (watch && hack_watch_stops(watch, trusted, pc, a))))
                return false;
            if (writes_m) {
                int i = 0;
                while (i < writes && written[i] != a) i++;
                if (i == writes) {
                    if (writes == LOOP_WRITES_MAX) return false;
                    written[writes] = a;
                    before[writes++] = hack_machine_ram(m, a);
                }
            }
        }
        if (!hack_machine_step(m)) return false; /* the fault happens again in the normal run */
        ++*ran;
        if (hack_machine_pc(m) == pc0 && hack_machine_a(m) == a0 && hack_machine_d(m) == d0)
            return ram_as_before(m, written, before, writes);
    }
    return false;
}

hack_session_stop hack_session_run(hack_session *session, uint64_t budget)
{
    hack_session *s = session;
    hack_machine *m = s->machine;
    hack_session_stop stop = {.state = HACK_SESSION_BUDGET, .stack = HACK_STACK_OK, .debug = HACK_DEBUG_STOP_NONE};
    if (s->run_reported_access) { /* the access a heap report stopped before */
        s->run_reported_access = false;
        if (hack_machine_pc(m) == hack_machine_watch_hit(m).pc && budget > 0) {
            if (!hack_machine_step(m)) {
                stop.state = HACK_SESSION_FAULT;
                return stop;
            }
            stop.cycles++;
        }
    }
    for (;;) {
        while (s->key_next < s->key_count && s->keys[s->key_next].cycle <= hack_machine_cycles(m))
            hack_machine_set_ram(m, HACK_KBD, s->keys[s->key_next++].key);
        if (stop.cycles >= budget) return stop;
        uint64_t slice = budget - stop.cycles;
        if (s->key_next < s->key_count && s->keys[s->key_next].cycle - hack_machine_cycles(m) < slice)
            slice = s->keys[s->key_next].cycle - hack_machine_cycles(m);
        if (!s->options.test_script && s->since_loop_check < LOOP_CHECK_INTERVAL &&
            LOOP_CHECK_INTERVAL - s->since_loop_check < slice)
            slice = LOOP_CHECK_INTERVAL - s->since_loop_check; /* a look for an endless loop is due then */
        if (s->watch_stack && slice > STACK_SLICE) slice = STACK_SLICE;
        hack_run_result part = hack_machine_run(m, slice);
        stop.cycles += part.cycles;
        s->since_loop_check += part.cycles;
        if (s->watch_stack) {
            s->samples[s->sample_count++ % SAMPLES] = hack_backtrace_place(m, s->program);
            hack_stack_error broken = stack_state(s, part.reason);
            if (broken != HACK_STACK_OK) {
                stop.state = HACK_SESSION_STACK_ERROR;
                stop.stack = broken;
                return stop;
            }
        }
        switch (part.reason) {
        case HACK_STOP_BUDGET:
            if (s->since_loop_check >= LOOP_CHECK_INTERVAL && !s->options.test_script && stop.cycles < budget) {
                s->since_loop_check = 0;
                uint64_t ran;
                bool reads_keyboard;
                bool fixed = at_fixed_point(s, budget - stop.cycles, &ran, &reads_keyboard);
                stop.cycles += ran;
                if (fixed && reads_keyboard) { /* a wait for a key, as the native Keyboard.readChar's */
                    stop.state = HACK_SESSION_WAITING_KEY;
                    return stop;
                }
                if (fixed) { /* after Sys.error, the course's OS loops in Sys.halt */
                    stop.state = hack_native_os_failed(s->native_os) ? HACK_SESSION_SYS_ERROR : HACK_SESSION_HALTED;
                    stop.endless_loop = true;
                    return stop;
                }
                if (hack_machine_fault(m).kind != HACK_FAULT_NONE) {
                    stop.state = HACK_SESSION_FAULT;
                    return stop;
                }
            }
            break;
        case HACK_STOP_WATCH: /* report the access, run it, go on */
            if (floor_passing(s)) {
                if (!hack_machine_step(m)) {
                    stop.state = HACK_SESSION_FAULT;
                    return stop;
                }
                stop.cycles++;
                break;
            }
            if (s->watchpoints && hack_machine_watch(m) == s->watchpoints) { /* the debugger's: it looks before and after */
                s->run_reported_access = true;
                stop.state = HACK_SESSION_DEBUG;
                stop.debug = HACK_DEBUG_STOP_WATCHPOINT;
                return stop;
            }
            if (s->check) hack_heap_sanitizer_on_watch(s->check);
            if (s->check && s->options.stop_at_heap_report) {
                s->run_reported_access = true;
                stop.state = HACK_SESSION_DEBUG;
                stop.debug = HACK_DEBUG_STOP_HEAP_REPORT;
                return stop;
            }
            if (!hack_machine_step(m)) {
                stop.state = HACK_SESSION_FAULT;
                return stop;
            }
            stop.cycles++;
            break;
        case HACK_STOP_BREAK:
            stop.state = HACK_SESSION_DEBUG;
            stop.debug = HACK_DEBUG_STOP_BREAKPOINT;
            return stop;
        case HACK_STOP_HALT:
        case HACK_STOP_PROGRAM_END:
            stop.state = hack_native_os_failed(s->native_os) ? HACK_SESSION_SYS_ERROR : HACK_SESSION_HALTED;
            return stop;
        case HACK_STOP_FAULT: stop.state = HACK_SESSION_FAULT; return stop;
        case HACK_STOP_HOOK:
            stop = stopped_in_hook(s, stop);
            if (stop.state == HACK_SESSION_WAITING_KEY && s->key_next < s->key_count) {
                /* nothing happens until the next key event (the slice ended at it at the latest) */
                const uint64_t now = hack_machine_cycles(m), next = s->keys[s->key_next].cycle;
                if (next > now) hack_machine_add_idle_cycles(m, next - now);
                stop.state = HACK_SESSION_BUDGET;
                break;
            }
            return stop;
        }
    }
}

hack_session_state hack_session_tick(hack_session *session, uint64_t n, uint64_t *done)
{
    *done = 0;
    while (*done < n) {
        hack_session_stop stop = hack_session_run(session, n - *done);
        *done += stop.cycles;
        switch (stop.state) {
        case HACK_SESSION_BUDGET:
            if (stop.cycles == 0) return stop.state; /* cannot happen: a budget left always runs */
            break;
        case HACK_SESSION_FAULT:
        case HACK_SESSION_HEAP_ERROR:
        case HACK_SESSION_STACK_ERROR:
        case HACK_SESSION_DEBUG: return stop.state;
        case HACK_SESSION_HALTED:
        case HACK_SESSION_SYS_ERROR:
        case HACK_SESSION_WAITING_KEY:
        case HACK_SESSION_WAITING_TIME:
            /* the program spins where it is: its time passes */
            hack_machine_add_idle_cycles(session->machine, n - *done);
            *done = n;
            return stop.state;
        }
    }
    return HACK_SESSION_BUDGET;
}

int hack_session_finish(hack_session *session)
{
    hack_output_mirror_free(session->mirror); /* hands over the unfinished last line */
    session->mirror = NULL;
    int found = 0;
    if (session->check && !session->check_finished) {
        found = hack_heap_sanitizer_finish(session->check);
        /* kept, silent, for what it knows of the blocks (the heap map, the memory bench's figures) */
        hack_heap_sanitizer_track_only(session->check);
        session->check_finished = true;
    }
    session->heap_problems += found;
    return found;
}

const hack_heap_sanitizer *hack_session_block_record(const hack_session *session)
{
    return session->check ? session->check : session->tracker;
}

int hack_session_heap_problems(const hack_session *session)
{
    return session->heap_problems;
}

const hack_program *hack_session_program(const hack_session *session)
{
    return session->program;
}

hack_heap *hack_session_heap(hack_session *session)
{
    return session->memory ? hack_native_memory_heap(session->memory) : NULL;
}

bool hack_session_paced_wait(const hack_session *session, uint64_t *clock_hz)
{
    return hack_native_os_paced_wait(session->native_os, clock_hz);
}

size_t hack_session_hot_spot(const hack_session *session, char *buf, size_t size)
{
    size_t count = session->sample_count < SAMPLES ? session->sample_count : SAMPLES;
    if (!session->program || count == 0 || size == 0) return 0;
    /* the function and line the most samples point at */
    char where[SAMPLES][160];
    for (size_t i = 0; i < count; i++)
        hack_backtrace_describe(session->program, session->samples[i], where[i], sizeof where[i]);
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < count; i++) {
        size_t same = 0;
        for (size_t j = 0; j < count; j++) same += strcmp(where[i], where[j]) == 0;
        if (same > best_count) {
            best_count = same;
            best = i;
        }
    }
    return (size_t)snprintf(buf, size, "%s", where[best]);
}

size_t hack_session_describe_stack(const hack_session *session, char *buf, size_t size)
{
    const hack_machine *m = session->machine;
    const hack_program *program = session->program;
    size_t used = 0;
    if (size == 0 || !program) return 0;
    buf[0] = '\0';
    char where[200], previous[200] = "";
    /* the innermost frame as the call stacks show it (a PC in a shared routine is its caller's) */
    hack_backtrace(m, program, where, sizeof where);
    char *end = strchr(where, '\n');
    if (end) end[1] = '\0';
    used += (size_t)snprintf(buf + used, size - used, "%s", where);
    uint16_t frame = hack_machine_ram(m, 1);
    unsigned long repeats = 0;
    int lines = 0;
    /* frames are a chain through the saved LCL; a recursion is told once, with its count */
    for (unsigned long depth = 0; depth < HACK_RAM_SIZE && frame >= 5 && frame < HACK_RAM_SIZE && used < size; depth++) {
        uint16_t return_address = hack_machine_ram(m, (uint16_t)(frame - 5));
        if (return_address >= program->count) break;
        const hack_symbol *at = hack_program_function_at(program, return_address);
        if (at && at->value == return_address) break; /* the bootstrap */
        hack_backtrace_describe(program, (uint16_t)(return_address - 1), where, sizeof where); /* the call */
        const hack_symbol *f = hack_program_function_at(program, return_address);
        const char *name = f ? f->name : where;
        if (strcmp(name, previous) == 0) {
            repeats++;
        } else {
            if (repeats > 1 && used < size)
                used += (size_t)snprintf(buf + used, size - used, "  ... %s called itself %lu times\n", previous, repeats);
            repeats = 0;
            snprintf(previous, sizeof previous, "%s", name);
            if (lines++ < 40 && used < size) used += (size_t)snprintf(buf + used, size - used, "  called from %s\n", where);
        }
        uint16_t caller = hack_machine_ram(m, (uint16_t)(frame - 4));
        if (caller >= frame) break; /* frames grow upwards: anything else is not a frame */
        frame = caller;
    }
    if (repeats > 1 && used < size)
        used += (size_t)snprintf(buf + used, size - used, "  ... %s called itself %lu times\n", previous, repeats);
    return used < size ? used : size - 1;
}

size_t hack_session_recent_allocations(const hack_session *session, uint16_t *addresses, size_t capacity)
{
    size_t count = session->recent_next < RECENT ? session->recent_next : RECENT;
    if (count > capacity) count = capacity;
    for (size_t i = 0; i < count; i++)
        addresses[i] = session->recent[(session->recent_next - count + i) % RECENT];
    return count;
}

bool hack_session_resolve_address(const hack_program *program, const char *text, size_t length, uint16_t *address)
{
    if (length == 0) return false;
    if (text[0] >= '0' && text[0] <= '9') {
        uint32_t value = 0;
        for (size_t i = 0; i < length; i++) {
            if (text[i] < '0' || text[i] > '9') return false;
            value = value * 10 + (uint32_t)(text[i] - '0');
            if (value >= HACK_RAM_SIZE) return false;
        }
        *address = (uint16_t)value;
        return true;
    }
    uint16_t value;
    if (hack_predefined_symbol(text, length, &value)) {
        *address = value;
        return true;
    }
    const hack_symbol *symbol = program ? hack_symtab_find(&program->symbols, text, length) : NULL;
    if (!symbol || symbol->value >= HACK_RAM_SIZE) return false; /* a hostile .sym can say anything */
    *address = symbol->value;
    return true;
}

bool hack_ram_write_parse(const hack_program *program, const char *text, hack_ram_write *write)
{
    const char *equals = strchr(text, '=');
    if (!equals || equals[1] == '\0') return false;
    char *end;
    errno = 0;
    const long value = strtol(equals + 1, &end, 10);
    if (*end != '\0' || errno || value < -32768 || value > 65535) return false;
    if (!hack_session_resolve_address(program, text, (size_t)(equals - text), &write->address)) return false;
    write->value = (uint16_t)value;
    return true;
}

/* ---- what a stop means ---- */

void hack_session_record_stop(const hack_session *session, hack_session_stop stop, hack_stop_record *record)
{
    const hack_machine *m = session->machine;
    const hack_program *program = session->program;
    *record = (hack_stop_record){.stop = stop,
                                 .cycle = hack_machine_cycles(m),
                                 .pc = hack_machine_pc(m),
                                 .sp = hack_machine_ram(m, 0),
                                 .lcl = hack_machine_ram(m, 1),
                                 .fault = hack_machine_fault(m)};
    if (stop.state == HACK_SESSION_STACK_ERROR && stop.stack == HACK_STACK_OVERFLOW) {
        record->call_locals = session->overflowing_frame;
        record->call_sp = session->overflowing_frame ? session->overflow_sp : 0;
    }
    record->sys_error = hack_native_os_failed(session->native_os);
    record->sys_error_code = hack_native_os_error_code(session->native_os);
    record->error_frame_count = session->error_frame_count;
    snprintf(record->error_message, sizeof record->error_message, "%s", session->error_message);
    memcpy(record->error_frames, session->error_frames, session->error_frame_count * sizeof *record->error_frames);
    record->heap = session->last_finding;
    snprintf(record->message, sizeof record->message, "%s", session->last_message);
    snprintf(record->heap_message, sizeof record->heap_message, "%s", session->heap_message);
    if (!program) return;
    record->mapped = program->locations || hack_program_function_at(program, HACK_ROM_SIZE - 1);
    bool more;
    record->frame_count = hack_backtrace_frames(m, program, record->frames, HACK_BACKTRACE_FRAMES, &more);
    hack_backtrace_write(program, record->frames, record->frame_count, more, record->backtrace, sizeof record->backtrace);
    if (record->frame_count)
        hack_backtrace_frame_describe(program, &record->frames[0], record->place, sizeof record->place);
    if (stop.state == HACK_SESSION_BUDGET) hack_session_hot_spot(session, record->hot_spot, sizeof record->hot_spot);
    if (stop.state == HACK_SESSION_STACK_ERROR)
        hack_session_describe_stack(session, record->stack, sizeof record->stack);
}

size_t hack_session_explain_stop(const hack_session *session, hack_session_stop stop, const char *name, char *buf,
                                 size_t size)
{
    if (!size) return 0;
    hack_stop_record *record = malloc(sizeof *record);
    if (!record) {
        buf[0] = '\0';
        return 0;
    }
    hack_session_record_stop(session, stop, record);
    const size_t n = hack_stop_format(record, HACK_STOP_TEXT_RUN, name, buf, size);
    free(record);
    return n;
}

/* ---- the heap map ---- */

bool hack_session_render_heap_map(const hack_session *session, int scale, uint8_t *rgb, char *caption, size_t size)
{
    hack_heap_map_stats stats;
    uint16_t recent[8];
    size_t recent_count = hack_session_recent_allocations(session, recent, 8);
    hack_heap_map_render(hack_machine_ram_view(session->machine), recent, recent_count, scale, rgb, &stats);
    const hack_heap_sanitizer *record = hack_session_block_record(session);
    if (stats.malformed && record) {
        /* an allocator of its own: drawn from the blocks it handed out */
        size_t count = hack_heap_sanitizer_live_blocks(record, NULL, 0);
        hack_heap_live_block *blocks = malloc((count ? count : 1) * sizeof *blocks);
        if (blocks) {
            count = hack_heap_sanitizer_live_blocks(record, blocks, count);
            hack_heap_map_render_blocks(blocks, count, recent, recent_count, scale, rgb, &stats);
            free(blocks);
            snprintf(caption, size,
                     "heap (an allocator of its own, seen through its calls): %u live blocks, %u words in no live "
                     "block (yellow: free or the allocator's own), longest run %u, fragmentation %.2f",
                     (unsigned)stats.live_blocks, (unsigned)stats.free_words, (unsigned)stats.largest_free,
                     stats.fragmentation);
            return true;
        }
    }
    if (stats.malformed)
        snprintf(caption, size, "heap: not in this project's layout (an allocator of its own?)");
    else
        snprintf(caption, size,
                 "heap: %u live blocks, %u free words, largest free block %u, fragmentation %.2f, %u latest "
                 "allocations in orange",
                 (unsigned)stats.live_blocks, (unsigned)stats.free_words,
                 (unsigned)(stats.largest_free >= 2 ? stats.largest_free - 2 : 0), stats.fragmentation,
                 (unsigned)stats.recent_live);
    return !stats.malformed;
}
