/* The test-script language's runner: executes the commands script_parse.c made of a script. */
#include "script_parse.h"

#include "hack/asm.h"
#include "hack/backtrace.h"
#include "hack/build.h"
#include "hack/path.h"
#include "hack/program.h"
#include "hack/outfile.h"
#include "hack/strbuf.h"
#include "hack/textfile.h"
#include "hack/vm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A cell of output is at most l + n + r characters, each of them 3 digits at most (parse_format) */
enum { MAX_BREAKPOINTS = 64, MAX_CELL = 3 * 999 + 1 };

typedef struct {
    const hack_script *script;
    hack_machine *machine;
    const hack_script_options *options;
    hack_script_result *result;
    hack_diag_list *diags;
    FILE *out;           /* the output file's stream (output.file), NULL before output-file */
    hack_outfile output;
    char *compare_text;
    size_t compare_length, compare_offset;
    const script_command *output_list;
    struct {
        script_variable var;
        int32_t value;
        bool was_hit;
    } breakpoints[MAX_BREAKPOINTS];
    int breakpoint_count;
    uint8_t *watched; /* the RAM words of the breakpoints, while set as watched words (set_machine_breakpoints) */
    uint64_t time;
    hack_script_status status;
    bool stop;
    hack_program program; /* the loaded program, with its map when it came from VM code */
    bool has_program;
    hack_session *session; /* runs the loaded program (the options' or the runner's own) */
    uint64_t cycle_limit, command_limit, output_limit; /* command_limit: 0, none */
    uint64_t commands;     /* executed so far, loops included (for command_limit) */
    uint64_t output_bytes; /* written to the output file */
    uint64_t message_bytes; /* of echo text and breakpoint notes */
    /* VM code loaded as the VM emulator loads it: its sources (the goto test), and the vmstep map */
    hack_vm_sources *vm_sources;
    uint8_t *empty_before; /* per ROM word: see map_empty_commands */
    uint8_t *goto_at;      /* per ROM word: 1 at the first word of a goto or if-goto command */
    unsigned pending_empty; /* steps owed to such commands before the command at PC */
    bool starts_on_label;   /* the program's first command is a label (see map_empty_commands) */
    hack_strbuf line;          /* the output line being built, of any length (every column is compared) */
    hack_strbuf expected_line; /* the compare file's line it is compared with */
} runner;

static void run_error(runner *r, const script_command *c, const char *format, ...);

/* Echo text and breakpoint notes, within the limit on what a script may print. */
static void message(runner *r, const script_command *c, const char *text)
{
    r->message_bytes += strlen(text) + 1;
    if (r->message_bytes > HACK_SCRIPT_DEFAULT_MESSAGE_BYTES) {
        run_error(r, c, "the script has printed more than %llu bytes of messages: stopped (a loop without end?)",
                  (unsigned long long)HACK_SCRIPT_DEFAULT_MESSAGE_BYTES);
        return;
    }
    if (r->options->message) r->options->message(r->options->message_context, text);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void run_error(runner *r, const script_command *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    hack_diag_addv(r->diags, HACK_DIAG_ERROR, r->script->name, c->line, c->column, NULL, 0, format, args);
    va_end(args);
    r->status = HACK_SCRIPT_ERROR;
    r->stop = true;
}

static char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir) dir = name[0] == '/' ? "" : ".";
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path) snprintf(path, n, "%s%s%s", dir, *dir ? "/" : "", name);
    return path;
}

/* A file or a folder to load is there (stat: a FIFO is not opened, so never waited on; reading it is refused) */
static bool file_exists(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && (S_ISREG(info.st_mode) || S_ISDIR(info.st_mode));
}

static int32_t as_signed(uint16_t v)
{
    return v >= 0x8000u ? (int32_t)v - 0x10000 : (int32_t)v;
}

/* RAM[RAM[base] + index]: the VM's segment[i] */
static uint16_t segment_address(const hack_machine *m, unsigned base, uint16_t index)
{
    return (uint16_t)((hack_machine_ram(m, (uint16_t)base) + index) & (HACK_RAM_SIZE - 1));
}

static const hack_source_location *location_now(const runner *r)
{
    if (!r->has_program || !r->program.locations || hack_machine_pc(r->machine) >= HACK_ROM_SIZE) return NULL;
    return &r->program.locations[hack_machine_pc(r->machine)];
}

static uint16_t read_variable(const runner *r, script_variable var)
{
    hack_machine *m = r->machine;
    switch (var.kind) {
    case SCRIPT_VAR_A: return hack_machine_a(m);
    case SCRIPT_VAR_D: return hack_machine_d(m);
    case SCRIPT_VAR_PC: return hack_machine_pc(m);
    case SCRIPT_VAR_RAM: return hack_machine_ram(m, var.index);
    case SCRIPT_VAR_ROM: return hack_machine_rom(m, var.index);
    case SCRIPT_VAR_TIME: return (uint16_t)r->time;
    case SCRIPT_VAR_LOCAL_I: return hack_machine_ram(m, segment_address(m, 1, var.index));
    case SCRIPT_VAR_ARGUMENT_I: return hack_machine_ram(m, segment_address(m, 2, var.index));
    case SCRIPT_VAR_THIS_I: return hack_machine_ram(m, segment_address(m, 3, var.index));
    case SCRIPT_VAR_THAT_I: return hack_machine_ram(m, segment_address(m, 4, var.index));
    case SCRIPT_VAR_LINE: return location_now(r) ? (uint16_t)location_now(r)->line : 0;
    case SCRIPT_VAR_CURRENT_FUNCTION: return 0;
    }
    return 0;
}

static void write_variable(runner *r, script_variable var, int32_t value)
{
    hack_machine *m = r->machine;
    uint16_t v = (uint16_t)(value & 0xFFFF);
    switch (var.kind) {
    case SCRIPT_VAR_A: hack_machine_set_a(m, v); break;
    case SCRIPT_VAR_D: hack_machine_set_d(m, v); break;
    case SCRIPT_VAR_PC: hack_machine_set_pc(m, v); break;
    case SCRIPT_VAR_RAM: hack_machine_set_ram(m, var.index, v); break;
    case SCRIPT_VAR_ROM: hack_machine_poke_rom(m, var.index, v); break;
    case SCRIPT_VAR_LOCAL_I: hack_machine_set_ram(m, segment_address(m, 1, var.index), v); break;
    case SCRIPT_VAR_ARGUMENT_I: hack_machine_set_ram(m, segment_address(m, 2, var.index), v); break;
    case SCRIPT_VAR_THIS_I: hack_machine_set_ram(m, segment_address(m, 3, var.index), v); break;
    case SCRIPT_VAR_THAT_I: hack_machine_set_ram(m, segment_address(m, 4, var.index), v); break;
    case SCRIPT_VAR_TIME:
    case SCRIPT_VAR_LINE:
    case SCRIPT_VAR_CURRENT_FUNCTION: break;
    }
}

/* Where a file the script names is: the load folder first, then the script's. NULL if in neither. */
static char *find_file(runner *r, const char *name)
{
    const char *dirs[2] = {r->options->load_dir, r->options->script_dir ? r->options->script_dir : "."};
    for (int i = 0; i < 2; i++) {
        if (!dirs[i]) continue;
        char *candidate = join_path(dirs[i], name);
        if (candidate && file_exists(candidate)) return candidate;
        free(candidate);
    }
    return NULL;
}

/* The folder holding VM code for the script: the load folder if it has .vm files, else the script's. */
static char *vm_folder(runner *r)
{
    const char *dirs[2] = {r->options->load_dir, r->options->script_dir ? r->options->script_dir : "."};
    for (int i = 0; i < 2; i++)
        if (dirs[i] && hack_build_is_program_folder(dirs[i])) {
            char *copy = malloc(strlen(dirs[i]) + 1);
            if (copy) strcpy(copy, dirs[i]);
            return copy;
        }
    return NULL;
}

/* How a program is loaded. */
typedef enum {
    LOAD_MACHINE_CODE, /* a .hack or .asm, as it is */
    LOAD_VM,           /* VM code as the course's VM emulator loads it */
    LOAD_TRANSLATED,   /* --translate: the .asm a CPU script names, made from VM code as a VM translator would */
} load_kind;

/* Builds the program to load. VM code: the OS classes a whole program lacks are added (the runner then
 * starts it at Sys.init, without a frame, as the VM emulator does); translated: with the bootstrap when it
 * is a whole program, as the course's VM translator writes a folder's .asm. */
static bool build_program(runner *r, const char *path, load_kind kind, unsigned *os_added)
{
    hack_build_options build = {.vm_emulator = kind != LOAD_MACHINE_CODE, .bootstrap = kind == LOAD_TRANSLATED};
    bool ok = hack_build_program(path, &build, &r->program, r->diags);
    *os_added = build.os_added;
    return ok;
}

/* Where VM code for a VM-emulator script is: `load,` the folder; `load X.vm` a file; `load Folder`. */
static char *vm_path(runner *r, const script_command *c)
{
    if (!c->text) return vm_folder(r);
    char *path = find_file(r, c->text);
    if (path && (hack_path_has_extension(path, ".vm") || hack_build_is_program_folder(path))) return path;
    free(path);
    return NULL;
}

/* The label that `jump` names (in its function, as the emulator scopes labels) is followed by another
 * command of its file that is a label: the jump lands on that one, a step of its own (see map_empty_commands).
 * commands: those of jump's file. */
static bool label_before_label(const hack_vm_command *commands, size_t count, const hack_vm_command *jump)
{
    for (size_t k = 0; k < count; k++)
        if (commands[k].kind == HACK_VM_COMMAND_LABEL && commands[k].function == jump->function &&
            commands[k].name_length == jump->name_length &&
            memcmp(commands[k].name, jump->name, jump->name_length) == 0)
            return k + 1 < count && commands[k + 1].kind == HACK_VM_COMMAND_LABEL;
    return false;
}

/* The vmstep map of VM code just loaded, as the course's VM emulator counts its steps (VMProgram.java's
 * updateSymbolTable, buildProgram and getNextInstruction; CPU.java's executeInstruction):
 * - a `function` command is a step of its own when a call enters it (our translation makes no code for one
 *   without locals: empty_before counts those before each command);
 * - a label reached by running on is no step: the emulator steps over every label after the command it ran;
 * - a label's address is that of the command after it, so a goto or taken if-goto lands there and steps over
 *   nothing: when that command is another label, the jump's landing is a step that does nothing (goto_at
 *   marks such jumps GOTO_LANDS_ON_LABEL);
 * - a program started at its first command (no Sys.init) that is a label runs that label as a step.
 * Labels belong to their function, as in the emulator (the name before the first function is its own). */
enum { GOTO_PLAIN = 1, GOTO_IF = 2, GOTO_LANDS_ON_LABEL = 4 };

/* The steps of one source's commands (count of them, read by the VM parser), whose ROM words the program's
 * map names as file f. */
static void map_file(runner *r, size_t f, const hack_vm_command *commands, size_t count)
{
    const hack_program *p = &r->program;
    uint32_t lines = 0;
    for (size_t k = 0; k < count; k++)
        if (commands[k].line > lines) lines = commands[k].line;
    uint32_t *first = calloc((size_t)lines + 1, sizeof *first); /* per line, its command's first ROM address + 1 */
    if (!first) return;
    for (size_t a = 0; a < p->count; a++) {
        const hack_source_location *at = &p->locations[a];
        if (at->file == f && at->command_start && at->line <= lines && !first[at->line]) first[at->line] = (uint32_t)a + 1;
    }
    if (p->count && p->locations[0].file == f && count && commands[0].kind == HACK_VM_COMMAND_LABEL)
        r->starts_on_label = true;
    size_t pending = 0;
    for (size_t k = 0; k < count; k++) {
        const hack_vm_command *vm = &commands[k];
        if (vm->kind == HACK_VM_COMMAND_LABEL) continue;
        if (vm->kind == HACK_VM_COMMAND_FUNCTION) pending = 0;
        uint32_t word = first[vm->line];
        if (!word) {
            pending++;
            continue;
        }
        r->empty_before[word - 1] = (uint8_t)(pending > 255 ? 255 : pending);
        if (vm->kind == HACK_VM_COMMAND_GOTO || vm->kind == HACK_VM_COMMAND_IF_GOTO)
            r->goto_at[word - 1] = (uint8_t)((vm->kind == HACK_VM_COMMAND_GOTO ? GOTO_PLAIN : GOTO_IF) |
                                             (label_before_label(commands, count, vm) ? GOTO_LANDS_ON_LABEL : 0));
        pending = 0;
    }
    free(first);
}

static void map_empty_commands(runner *r, const hack_vm_sources *sources)
{
    free(r->empty_before);
    free(r->goto_at);
    r->starts_on_label = false;
    r->empty_before = calloc(HACK_ROM_SIZE + 1, 1);
    r->goto_at = calloc(HACK_ROM_SIZE + 1, 1);
    const hack_program *p = &r->program;
    if (!r->empty_before || !r->goto_at || !p->locations) return;
    hack_diag_list quiet; /* the code was built from these sources: the translator has read them without error */
    hack_diag_list_init(&quiet);
    hack_vm_commands commands;
    bool read = hack_vm_read_commands(sources, &commands, &quiet);
    hack_diag_list_free(&quiet);
    if (!read) return;
    for (size_t f = 0; f < p->source_file_count; f++) {
        size_t s = 0;
        while (s < sources->count && strcmp(sources->items[s].path, p->source_files[f]) != 0) s++;
        if (s == sources->count) continue;
        /* the commands of a source are together, in the order of the sources */
        size_t from = 0;
        while (from < commands.count && commands.items[from].file != s) from++;
        size_t to = from;
        while (to < commands.count && commands.items[to].file == s) to++;
        map_file(r, f, commands.items + from, to - from);
    }
    hack_vm_commands_free(&commands);
}

/* How the VM command at ROM word pc jumps: 0, or GOTO_PLAIN or GOTO_IF with GOTO_LANDS_ON_LABEL. */
static uint8_t goto_kind(const runner *r, uint16_t pc)
{
    return r->goto_at && pc < HACK_ROM_SIZE ? r->goto_at[pc] : 0;
}

/* The program loaded before is done with: its run ends (the heap check's last reports), then it is freed. */
static void unload_program(runner *r)
{
    if (r->vm_sources) hack_vm_sources_free(r->vm_sources);
    free(r->vm_sources);
    r->vm_sources = NULL;
    free(r->empty_before);
    r->empty_before = NULL;
    free(r->goto_at);
    r->goto_at = NULL;
    if (!r->has_program) return;
    hack_session_unload(r->session);
    hack_program_free(&r->program);
    r->has_program = false;
}

/* X.asm beside a missing X.hack, or NULL. */
static char *find_asm(runner *r, const char *hack_name)
{
    char *asm_name = hack_path_with_extension(hack_name, ".asm");
    char *path = asm_name ? find_file(r, asm_name) : NULL;
    free(asm_name);
    return path;
}

static void load_program(runner *r, const script_command *c)
{
    char *path = NULL;
    load_kind kind = LOAD_MACHINE_CODE;
    if (!c->text || hack_path_has_extension(c->text, ".vm") ||
        ((path = find_file(r, c->text)) != NULL && hack_path_is_folder(path))) {
        free(path);
        path = vm_path(r, c);
        kind = LOAD_VM;
    } else if (!path && hack_path_has_extension(c->text, ".hack") && (path = find_asm(r, c->text)) != NULL) {
        /* the user's own assembly, assembled as the course's assembler would (byte for byte) */
        hack_diag_add(r->diags, HACK_DIAG_NOTE, r->script->name, c->line, c->column, NULL, 0,
                      "%s not found: assembled %s with hackemu's assembler", c->text, path);
    } else if (!path && r->options->translate) {
        /* --translate: X.asm (or X.hack) not there: made from X.asm, X.vm, or the folder's VM code */
        char *asm_name = hack_path_with_extension(c->text, ".asm");
        char *vm_name = hack_path_with_extension(c->text, ".vm");
        if (asm_name && hack_path_has_extension(c->text, ".hack")) path = find_file(r, asm_name);
        if (!path && vm_name && (path = find_file(r, vm_name)) != NULL) kind = LOAD_TRANSLATED;
        if (!path && (path = vm_folder(r)) != NULL) kind = LOAD_TRANSLATED;
        if (path)
            hack_diag_add(r->diags, HACK_DIAG_NOTE, r->script->name, c->line, c->column, NULL, 0,
                          "%s not found: %s %s with hackemu's own %s (--translate)", c->text,
                          kind == LOAD_TRANSLATED ? "translated" : "assembled", path,
                          kind == LOAD_TRANSLATED ? "VM translator" : "assembler");
        free(asm_name);
        free(vm_name);
    }
    if (!path) {
        const char *dirs = r->options->load_dir ? r->options->load_dir : "";
        if (kind == LOAD_MACHINE_CODE && !r->options->translate &&
            (hack_path_has_extension(c->text, ".asm") || hack_path_has_extension(c->text, ".hack")))
            run_error(r, c,
                      "cannot load '%s': not found in %s%s%s (make it with your %s, or run with --translate to have "
                      "hackemu make it)",
                      c->text, dirs, *dirs ? " or " : "", r->options->script_dir ? r->options->script_dir : ".",
                      hack_path_has_extension(c->text, ".asm") ? "VM translator" : "assembler");
        else
            run_error(r, c, "cannot load '%s': not found in %s%s%s", c->text ? c->text : "the folder's .vm files",
                      dirs, *dirs ? " or " : "", r->options->script_dir ? r->options->script_dir : ".");
        return;
    }
    unload_program(r);
    r->has_program = hack_program_init(&r->program);
    /* a VM program starts as the VM emulator starts it: the stack at 256, and Sys.init entered without a frame
     * when there is one (the session does it: the build put in no bootstrap) */
    hack_launch launch = {.program = &r->program,
                          .code = kind == LOAD_MACHINE_CODE ? HACK_LAUNCH_MACHINE_CODE
                                  : kind == LOAD_VM         ? HACK_LAUNCH_VM
                                                            : HACK_LAUNCH_TRANSLATED};
    if (r->has_program && build_program(r, path, kind, &launch.os_added) &&
        hack_session_load(r->session, &launch, r->diags)) {
        /* As the course's emulators: no halt detection, the PC runs on through empty ROM. */
        hack_machine_set_stop_on_halt(r->machine, false);
        hack_machine_set_stop_at_program_end(r->machine, false);
        hack_machine_set_relaxed(r->machine, r->options->relaxed);
        r->pending_empty = 0;
        if (kind == LOAD_VM) {
            hack_diag_list quiet; /* the notes of this second reading were given by the first */
            hack_diag_list_init(&quiet);
            r->vm_sources = calloc(1, sizeof *r->vm_sources);
            bool read = r->vm_sources && hack_build_vm_sources(path, r->vm_sources, &quiet);
            hack_diag_list_free(&quiet);
            if (read) {
                map_empty_commands(r, r->vm_sources);
                if (r->empty_before) r->pending_empty = r->empty_before[hack_machine_pc(r->machine)];
                if (hack_machine_pc(r->machine) == 0 && r->starts_on_label) r->pending_empty++;
            }
        }
    } else {
        run_error(r, c, "could not load '%s'", path);
    }
    free(path);
}

/* What a stop of the program means for the script: a fault or a heap error ends it. */
static bool program_stopped(runner *r, const script_command *c, hack_session_state state)
{
    if (state != HACK_SESSION_FAULT && state != HACK_SESSION_HEAP_ERROR) return false;
    r->status = state == HACK_SESSION_FAULT ? HACK_SCRIPT_MACHINE_FAULT : HACK_SCRIPT_PROGRAM_STOPPED;
    r->stop = true;
    r->result->script_line = c->line;
    hack_session_record_stop(r->session, (hack_session_stop){.state = state}, &r->result->stop);
    r->result->stop.cycle = r->result->cycles; /* time as the script counts it */
    return true;
}

/* Runs one VM command, as the course's VM emulator steps (see map_empty_commands): to the start of the next
 * command, or through a command that makes no instructions. */
static void vm_step(runner *r, const script_command *c)
{
    if (!r->has_program || !r->program.locations) {
        run_error(r, c, "vmstep needs VM code: load a .vm file or the folder");
        return;
    }
    if (r->pending_empty) {
        r->pending_empty--;
        r->time++;
        return;
    }
    enum { MAX_INSTRUCTIONS_PER_STEP = 1 << 24 };
    const uint16_t start = hack_machine_pc(r->machine);
    const bool starts_command = start < r->program.count && r->program.locations[start].command_start;
    const uint8_t jump = starts_command ? goto_kind(r, start) : 0;
    const hack_machine *m = r->machine;
    const bool jumps = (jump & GOTO_PLAIN) ||
                       ((jump & GOTO_IF) &&
                        hack_machine_ram(m, (uint16_t)((hack_machine_ram(m, 0) - 1u) & (HACK_RAM_SIZE - 1u))) != 0);
    for (uint32_t n = 0; n < MAX_INSTRUCTIONS_PER_STEP; n++) {
        if (r->result->cycles >= r->cycle_limit) { /* the cycles of vmsteps count as those of ticktocks */
            r->stop = true;
            r->status = HACK_SCRIPT_CYCLE_LIMIT;
            return;
        }
        uint16_t before = hack_machine_pc(r->machine);
        bool ends = before < r->program.count && r->program.locations[before].command_end;
        uint64_t done;
        hack_session_state state = hack_session_tick(r->session, 1, &done);
        r->result->cycles += done;
        if (program_stopped(r, c, state)) return;
        uint16_t pc = hack_machine_pc(r->machine);
        if (ends || pc >= r->program.count || r->program.locations[pc].command_start) {
            r->time++;
            /* a jump lands on the command after its label: functions before it are no steps, a label is one */
            if (jumps) r->pending_empty = (jump & GOTO_LANDS_ON_LABEL) ? 1 : 0;
            else if (r->empty_before && pc < r->program.count) r->pending_empty = r->empty_before[pc];
            return;
        }
        if (state != HACK_SESSION_BUDGET) { /* it spins in place (waits, or halted in the OS): a step of time */
            r->time++;
            return;
        }
    }
    run_error(r, c, "vmstep ran %d instructions without reaching a VM command", MAX_INSTRUCTIONS_PER_STEP);
}

/* Finishes the output file: written whole, it takes its name (hack_outfile: a run stopped by a signal leaves the
 * .out that was there) */
static void close_output(runner *r)
{
    if (!r->out) return;
    if (!hack_outfile_commit(&r->output, r->diags) && r->status == HACK_SCRIPT_PASSED) r->status = HACK_SCRIPT_ERROR;
    r->out = NULL;
}

/* An output file is a name in the output folder, and never one of the run's inputs: not a path (../x.out,
 * /tmp/x.out), not a script, compare file or program (output-file Mult.asm would replace the program tested) */
static bool output_name_allowed(runner *r, const script_command *c)
{
    const char *name = c->text;
    static const char *const inputs[] = {".tst", ".cmp", ".asm", ".hack", ".vm", ".jack", ".sym"};
    if (!*name || strchr(name, '/') || strchr(name, '\\') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        run_error(r, c, "output-file '%s': the output file must be a name in the output folder (%s), not a path", name,
                  r->options->out_dir ? "--out-dir" : "the script's folder");
        return false;
    }
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (hack_path_has_extension(name, inputs[i])) {
            run_error(r, c, "output-file '%s': a %s file is an input of a run, not its output (name it NAME.out)",
                      name, inputs[i]);
            return false;
        }
    return true;
}

static void open_output(runner *r, const script_command *c)
{
    close_output(r);
    if (!output_name_allowed(r, c)) return;
    const char *dir = r->options->out_dir ? r->options->out_dir : r->options->script_dir;
    char *path = join_path(dir, c->text);
    if (!path) {
        run_error(r, c, "out of memory");
        return;
    }
    if (hack_outfile_open(&r->output, path, r->diags)) r->out = r->output.file;
    else {
        r->stop = true;
        r->status = HACK_SCRIPT_ERROR;
    }
    free(path);
}

static void open_compare(runner *r, const script_command *c)
{
    free(r->compare_text);
    r->compare_text = NULL;
    r->compare_offset = 0;
    r->result->lines_compared = 0;
    char *path = join_path(r->options->script_dir, c->text);
    if (!path || !hack_textfile_read(path, &r->compare_text, &r->compare_length, r->diags))
        run_error(r, c, "cannot read the compare file '%s'", c->text);
    free(path);
}

/* Copies a line that failed to compare into a result's field, which holds 511 characters: a longer line is shown
 * from a little before its first difference (at column `from`), marked with "..." where it was cut. Returns
 * whether it was cut. */
static bool copy_around(char *to, size_t size, const char *from_text, size_t from)
{
    size_t n = strlen(from_text), start = 0;
    if (n >= size && from > 40) start = from - 40;
    if (start) {
        snprintf(to, size, "...%s", from_text + start);
    } else {
        snprintf(to, size, "%s", from_text);
    }
    const bool cut_end = strlen(to) == size - 1 && size - 1 > 3;
    if (cut_end) memcpy(to + size - 4, "...", 3);
    return start > 0 || cut_end;
}

/* Where two lines first differ ('*' in the expected line matches anything), 0-based */
static size_t first_difference(const char *expected, const char *actual)
{
    size_t i = 0;
    while (expected[i] && actual[i] && (expected[i] == '*' || expected[i] == actual[i])) i++;
    return i;
}

/* Writes one line to the output file and compares it, whole, with the next compare-file line. */
static void emit_line(runner *r, const script_command *c, const char *line)
{
    if (!r->out) {
        run_error(r, c, "output before output-file: there is no output file to write to");
        return;
    }
    r->output_bytes += strlen(line) + 1;
    if (r->output_bytes > r->output_limit) {
        run_error(r, c, "the output file has grown past %llu bytes: stopped (a loop that outputs without end?)",
                  (unsigned long long)r->output_limit);
        return;
    }
    fprintf(r->out, "%s\n", line);
    if (!r->compare_text) return;
    r->result->lines_compared++;
    const char *expected;
    size_t expected_length;
    hack_strbuf_reset(&r->expected_line);
    if (hack_textfile_next_line(r->compare_text, r->compare_length, &r->compare_offset, &expected, &expected_length)) {
        while (expected_length > 0 && expected[expected_length - 1] == '\r') expected_length--;
        hack_strbuf_append(&r->expected_line, expected, expected_length);
    } else {
        hack_strbuf_append(&r->expected_line, "(the compare file has no more lines)", 36);
    }
    if (r->expected_line.failed) {
        run_error(r, c, "out of memory comparing the output");
        return;
    }
    const char *expected_text = hack_strbuf_text(&r->expected_line);
    if (!hack_script_lines_match(expected_text, line)) {
        r->status = HACK_SCRIPT_COMPARISON_FAILURE;
        r->stop = true;
        r->result->compare_line = r->result->lines_compared;
        const size_t at = first_difference(expected_text, line);
        r->result->compare_column = (int)at + 1;
        const bool cut = copy_around(r->result->expected, sizeof r->result->expected, expected_text, at);
        r->result->lines_cut = copy_around(r->result->actual, sizeof r->result->actual, line, at) || cut;
    }
}

/* Emits the line built in r->line (every cell appended, then the closing '|') */
static void emit_built_line(runner *r, const script_command *c)
{
    hack_strbuf_append_char(&r->line, '|');
    if (r->line.failed) {
        run_error(r, c, "out of memory building an output line");
        return;
    }
    emit_line(r, c, hack_strbuf_text(&r->line));
}

static void output_header(runner *r, const script_command *c)
{
    char cell[MAX_CELL];
    hack_strbuf_reset(&r->line);
    for (size_t i = 0; i < c->item_count; i++) {
        hack_strbuf_append_char(&r->line, '|');
        hack_strbuf_append(&r->line, cell, hack_script_format_header(c->items[i].format, c->items[i].name, cell, sizeof cell));
    }
    emit_built_line(r, c);
}

static void output_values(runner *r, const script_command *c)
{
    if (!r->output_list) {
        run_error(r, c, "output before output-list: no variables to output");
        return;
    }
    char cell[MAX_CELL];
    hack_strbuf_reset(&r->line);
    const script_command *list = r->output_list;
    for (size_t i = 0; i < list->item_count; i++) {
        hack_strbuf_append_char(&r->line, '|');
        size_t n;
        if (list->items[i].var.kind == SCRIPT_VAR_CURRENT_FUNCTION) {
            const hack_symbol *f =
                r->has_program ? hack_program_function_at(&r->program, hack_machine_pc(r->machine)) : NULL;
            n = hack_script_format_text(list->items[i].format, f ? f->name : "", cell, sizeof cell);
        } else {
            n = hack_script_format_value(list->items[i].format, read_variable(r, list->items[i].var), cell, sizeof cell);
        }
        hack_strbuf_append(&r->line, cell, n);
    }
    emit_built_line(r, c);
}

static bool compare(int32_t a, script_comparison op, int32_t b)
{
    switch (op) {
    case SCRIPT_OP_EQ: return a == b;
    case SCRIPT_OP_NE: return a != b;
    case SCRIPT_OP_LT: return a < b;
    case SCRIPT_OP_LE: return a <= b;
    case SCRIPT_OP_GT: return a > b;
    case SCRIPT_OP_GE: return a >= b;
    }
    return false;
}

static bool variable_equals(const runner *r, script_variable var, int32_t value)
{
    return read_variable(r, var) == (uint16_t)(value & 0xFFFF);
}

static void check_breakpoints(runner *r, const script_command *c)
{
    for (int i = 0; i < r->breakpoint_count; i++) {
        bool hit = variable_equals(r, r->breakpoints[i].var, r->breakpoints[i].value);
        if (hit && !r->breakpoints[i].was_hit) {
            char text[2048];
            int n = snprintf(text, sizeof text, "breakpoint reached at time %llu (PC=%u)", (unsigned long long)r->time,
                             (unsigned)hack_machine_pc(r->machine));
            /* in VM or Jack code, where: the call stack (its lines end in newlines: the last is dropped) */
            const hack_program *p = &r->program;
            if (n > 0 && (size_t)n + 1 < sizeof text && r->has_program &&
                (p->locations || hack_program_function_at(p, HACK_ROM_SIZE - 1))) {
                text[n] = '\n';
                size_t length = hack_backtrace(r->machine, p, text + n + 1, sizeof text - (size_t)n - 1);
                text[length ? (size_t)n + length : (size_t)n] = '\0';
            }
            message(r, c, text);
        }
        r->breakpoints[i].was_hit = hit;
    }
}

/* Breakpoints on PC and on RAM words, where only the program's instructions change those words (no native
 * hooks, no heap check holding the watch map), are the debugger's machine breakpoints and watched words: the
 * run stops where a condition can change, instead of going an instruction at a time. Sets them; false when
 * the breakpoints are not all of that kind. */
static bool set_machine_breakpoints(runner *r, bool on)
{
    if (on) {
        if (hack_machine_has_hooks(r->machine)) return false;
        for (int i = 0; i < r->breakpoint_count; i++)
            if (r->breakpoints[i].var.kind != SCRIPT_VAR_PC && r->breakpoints[i].var.kind != SCRIPT_VAR_RAM)
                return false;
        if (!r->watched) r->watched = calloc(HACK_RAM_SIZE, 1);
        if (!r->watched) return false;
    }
    for (int i = 0; i < r->breakpoint_count; i++) {
        int32_t value = r->breakpoints[i].value;
        if (r->breakpoints[i].var.kind == SCRIPT_VAR_PC && value >= 0 && value < HACK_ROM_SIZE)
            hack_machine_set_breakpoint(r->machine, (uint16_t)value, on);
        else if (r->breakpoints[i].var.kind == SCRIPT_VAR_RAM)
            r->watched[r->breakpoints[i].var.index] = on;
    }
    if (!on) return hack_session_set_watchpoints(r->session, NULL);
    if (hack_session_set_watchpoints(r->session, r->watched)) return true;
    set_machine_breakpoints(r, false); /* the heap check has the watch map */
    return false;
}

/* n ticktocks of the program, their time counted into *done and the script's clock. False when the program
 * stopped the script (a machine error, a stopped native heap: program_stopped); *state: the session's. */
static bool tick_program(runner *r, const script_command *c, uint64_t n, uint64_t *done, hack_session_state *state)
{
    uint64_t ran;
    *state = hack_session_tick(r->session, n, &ran);
    *done += ran;
    r->time += ran;
    r->result->cycles += ran;
    return !program_stopped(r, c, *state);
}

/* Runs n ticktocks with machine breakpoints (set_machine_breakpoints): the conditions are looked at after the
 * first tick (a `set` may have changed them), and where the run stops: at a PC breakpoint, and after each
 * instruction that reads or writes a watched word. Returns the ticks done. */
static uint64_t run_to_breakpoints(runner *r, const script_command *c, uint64_t n)
{
    uint64_t done = 0;
    bool first = true;
    while (done < n) {
        hack_session_state state;
        if (!tick_program(r, c, first ? 1 : n - done, &done, &state)) break;
        if (state == HACK_SESSION_DEBUG) {
            uint16_t pc = hack_machine_pc(r->machine);
            bool at_breakpoint = hack_machine_breakpoint_at(r->machine, pc);
            if (at_breakpoint) check_breakpoints(r, c); /* PC == value: reached */
            if (done == n) break;
            /* run the instruction there (the access, or the word under the breakpoint), then look again */
            if (at_breakpoint) hack_machine_set_breakpoint(r->machine, pc, false);
            bool going = tick_program(r, c, 1, &done, &state);
            if (at_breakpoint) hack_machine_set_breakpoint(r->machine, pc, true);
            if (!going) break;
            check_breakpoints(r, c);
        } else if (first) {
            check_breakpoints(r, c);
        }
        first = false;
    }
    return done;
}

/* Runs n ticktocks, exactly, within the cycle limit: on the instructions run (result->cycles), as vm_step
 * counts them too (a VM script's time counts vmsteps instead). */
static void run_cycles(runner *r, const script_command *c, uint64_t n)
{
    const uint64_t limit = r->cycle_limit, spent = r->result->cycles;
    if (spent + n > limit) {
        n = limit - spent;
        r->stop = true;
        r->status = HACK_SCRIPT_CYCLE_LIMIT;
    }
    if (r->breakpoint_count && set_machine_breakpoints(r, true)) {
        run_to_breakpoints(r, c, n);
        set_machine_breakpoints(r, false);
        return;
    }
    uint64_t chunk = r->breakpoint_count ? 1 : n;
    for (uint64_t done = 0; done < n;) {
        hack_session_state state;
        if (!tick_program(r, c, n - done < chunk ? n - done : chunk, &done, &state)) return;
        if (r->breakpoint_count) check_breakpoints(r, c);
    }
}

static void run_commands(runner *r, const script_command *commands, size_t count);

/* Counts one more command or loop iteration against the options' command limit, when they set one; false (the
 * script stopped) past it. */
static bool count_command(runner *r, const script_command *c)
{
    if (!r->command_limit || ++r->commands <= r->command_limit) return true;
    r->status = HACK_SCRIPT_COMMAND_LIMIT;
    r->stop = true;
    r->result->script_line = c->line;
    r->result->limit = r->command_limit;
    return false;
}

/* One round of a loop that may never end (a while, a repeat without a count), within the budget --cycles sets:
 * a round that ran instructions (ticktocks, vmsteps) spent cycles, which the cycle limit bounds; a round that
 * ran none (set, echo, a vmstep over a label...) spends one of the loop's idle rounds, as many as the cycle
 * limit (this run of the loop's: *idle counts them). When they are spent, the script stops at the loop's line. */
static void loop_round(runner *r, const script_command *loop, uint64_t *idle)
{
    const uint64_t cycles_before = r->result->cycles;
    run_commands(r, loop->body, loop->body_count);
    if (r->stop || r->result->cycles != cycles_before || ++*idle < r->cycle_limit) return;
    r->status = HACK_SCRIPT_LOOP_LIMIT;
    r->stop = true;
    r->result->script_line = loop->line;
    r->result->limit = r->cycle_limit;
}

/* A loop body made only of ticktocks runs as one budget. */
static uint64_t ticktocks_only(const script_command *body, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (body[i].kind != SCRIPT_CMD_TICKTOCK) return 0;
    return count;
}

/* A repeat without a count: a body of ticktocks alone runs in large steps (each round ticks, so the cycle
 * limit ends it, exact at the limit); any other body goes round within the budget (loop_round). */
static void repeat_forever(runner *r, const script_command *c, uint64_t ticks)
{
    if (c->body_count == 0) { /* an empty forever loop does nothing forever */
        count_command(r, c);
        return;
    }
    uint64_t idle = 0;
    while (!r->stop && count_command(r, c)) {
        if (ticks)
            run_cycles(r, c, ticks * 65536);
        else
            loop_round(r, c, &idle);
    }
}

static void run_command(runner *r, const script_command *c)
{
    switch (c->kind) {
    case SCRIPT_CMD_LOAD: load_program(r, c); break;
    case SCRIPT_CMD_OUTPUT_FILE: open_output(r, c); break;
    case SCRIPT_CMD_COMPARE_TO: open_compare(r, c); break;
    case SCRIPT_CMD_OUTPUT_LIST:
        r->output_list = c;
        output_header(r, c);
        break;
    case SCRIPT_CMD_OUTPUT: output_values(r, c); break;
    case SCRIPT_CMD_SET: write_variable(r, c->var, c->value); break;
    case SCRIPT_CMD_TICK: /* the instruction happens on the tick; the tock completes the time unit */
    case SCRIPT_CMD_TICKTOCK: run_cycles(r, c, 1); break;
    case SCRIPT_CMD_TOCK: break;
    case SCRIPT_CMD_VMSTEP: vm_step(r, c); break;
    case SCRIPT_CMD_ECHO: message(r, c, c->text); break;
    case SCRIPT_CMD_CLEAR_ECHO: break;
    case SCRIPT_CMD_BREAKPOINT:
        if (r->breakpoint_count == MAX_BREAKPOINTS) {
            run_error(r, c, "at most %d breakpoints", MAX_BREAKPOINTS);
            break;
        }
        r->breakpoints[r->breakpoint_count].var = c->var;
        r->breakpoints[r->breakpoint_count].value = c->value;
        r->breakpoints[r->breakpoint_count].was_hit = variable_equals(r, c->var, c->value);
        r->breakpoint_count++;
        break;
    case SCRIPT_CMD_CLEAR_BREAKPOINTS: r->breakpoint_count = 0; break;
    case SCRIPT_CMD_REPEAT: {
        uint64_t ticks = ticktocks_only(c->body, c->body_count);
        if (ticks && !c->forever) {
            run_cycles(r, c, c->count * ticks);
            break;
        }
        if (c->forever) {
            repeat_forever(r, c, ticks);
            break;
        }
        /* a count: it ends (count times the body), so no bound on its rounds, only the cycle limit on their
         * ticktocks (and the options' command limit, when they set one) */
        for (uint64_t i = 0; i < c->count && !r->stop && count_command(r, c); i++)
            run_commands(r, c->body, c->body_count);
        break;
    }
    case SCRIPT_CMD_WHILE: {
        uint64_t idle = 0;
        while (!r->stop && compare(as_signed(read_variable(r, c->var)), c->op, c->value) && count_command(r, c))
            loop_round(r, c, &idle);
        break;
    }
    }
}

static void run_commands(runner *r, const script_command *commands, size_t count)
{
    for (size_t i = 0; i < count && !r->stop; i++) {
        if (!count_command(r, &commands[i])) return;
        run_command(r, &commands[i]);
        if (r->stop && r->result->script_line == 0) r->result->script_line = commands[i].line;
    }
}

hack_script_status hack_script_run(const hack_script *script, hack_machine *machine, const hack_script_options *options,
                                   hack_script_result *result, hack_diag_list *diags)
{
    memset(result, 0, sizeof *result);
    runner r = {.script = script, .machine = machine, .options = options, .result = result, .diags = diags,
                .status = HACK_SCRIPT_PASSED, .session = options->session,
                .cycle_limit = options->cycle_limit ? options->cycle_limit : HACK_SCRIPT_DEFAULT_CYCLES,
                .command_limit = options->command_limit,
                .output_limit = options->output_limit ? options->output_limit : HACK_SCRIPT_DEFAULT_OUTPUT_BYTES};
    hack_session *own = NULL;
    if (!r.session) {
        hack_session_options plain = {.test_script = true, .relaxed = options->relaxed};
        r.session = own = hack_session_create(machine, &plain);
        if (!own) {
            hack_diag_add(diags, HACK_DIAG_ERROR, script->name, 0, 0, NULL, 0, "out of memory");
            result->status = HACK_SCRIPT_ERROR;
            return HACK_SCRIPT_ERROR;
        }
    }
    hack_machine_set_stop_on_halt(machine, false);
    hack_machine_set_stop_at_program_end(machine, false);
    run_commands(&r, script->commands, script->command_count);
    close_output(&r);
    free(r.compare_text);
    hack_strbuf_free(&r.line);
    hack_strbuf_free(&r.expected_line);
    unload_program(&r);
    hack_session_free(own);
    free(r.watched);
    result->status = r.status;
    return r.status;
}
