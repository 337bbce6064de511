/* Code generation. Every VM command becomes a short, fixed sequence; what is long and common (call, return,
 * eq/gt/lt) is a routine after the program, reached with the return address in D. Routines and stubs:
 *   $$CALLn    D = function, R13 = return address: pushes the frame, sets ARG = SP - n - 5 and LCL, jumps.
 *   $$RETURN   D = the return command's site (its own return label, never jumped to): kept in R13; restores
 *              the caller's frame and jumps to the return address (saved in R14 before *ARG is written).
 *   $$EQ $$GT $$LT   D = return address: pops y, replaces x with the truth value; gt/lt never overflow.
 *   $$CALL.f.n a stub for a function called from 3 or more places: R13 = D, D = f, goto $$CALLn.
 *   $$END      the halt loop after the last command.
 * Call stacks: the routines' words belong to no function. Each VM command that jumps to one hands it the
 * address after its jump (its "site") in D, and the routine keeps it in R13 from its second word on, so a PC
 * inside a routine stands for the command at site - 1, in its function, at its line. The return command pays
 * two words for this (a return without it could not tell which of a function's returns is running). Each
 * routine word is marked in the program map with a hack_routine saying where the site is and, where the
 * routine has moved LCL, how to find the frames: call stacks read the machine through it, exactly, at any
 * instruction. A change to a routine here must keep its marks right (the unit test
 * backtrace_at_every_instruction checks every word of every routine). */
#define _POSIX_C_SOURCE 200809L
#include "hack/vm.h"

#include "hack/asm.h"
#include "hack/isa.h"
#include "hack/os_api.h"
#include "hack/strbuf.h"
#include "hack/suggest.h"
#include "hack/textfile.h"
#include "vm_index.h"
#include "vm_parse.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hack_vm_sources_read(hack_vm_sources *sources, const char *path, hack_diag_list *diags)
{
    return hack_sources_read(sources, path, ".vm", diags);
}

/* ---- assembly text with the origin of every line ---- */

typedef struct {
    hack_vm_assembly *out;      /* its origins; the text grows in text, handed over at the end */
    hack_strbuf text;
    size_t origin_capacity;
    hack_vm_line_origin origin; /* of the command being translated */
    bool command_pending;       /* its first instruction is still to come */
    bool failed;
} builder;

/* One line of assembly, of any length (names come from the sources). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void emit(builder *b, const char *format, ...)
{
    hack_vm_assembly *out = b->out;
    if (out->line_count == b->origin_capacity) {
        size_t capacity = b->origin_capacity ? b->origin_capacity * 2 : 4096;
        hack_vm_line_origin *grown = realloc(out->origins, capacity * sizeof *grown);
        if (!grown) {
            b->failed = true;
            return;
        }
        out->origins = grown;
        b->origin_capacity = capacity;
    }
    size_t start = b->text.length;
    va_list args;
    va_start(args, format);
    bool ok = hack_strbuf_appendv(&b->text, format, args) && hack_strbuf_append_char(&b->text, '\n');
    va_end(args);
    if (!ok) {
        b->failed = true;
        return;
    }
    char first = b->text.text[start];
    hack_vm_line_origin origin = b->origin;
    origin.command_start = 0;
    if (first != '(' && first != '/' && b->command_pending) {
        origin.command_start = 1;
        b->command_pending = false;
    }
    out->origins[out->line_count++] = origin;
}

static void begin_command(builder *b, uint16_t file, uint32_t line)
{
    b->origin = (hack_vm_line_origin){.line = line, .file = file, .routine = HACK_ROUTINE_NONE};
    b->command_pending = true;
}

/* The routine state of the lines emitted from now on (see hack_routine). */
static void routine_state(builder *b, hack_routine state)
{
    b->origin.routine = (uint8_t)state;
}

/* ---- names ---- */

typedef struct {
    const char *name;
    size_t length;
} name_ref;

static bool same_name(const char *a, size_t a_length, const char *b, size_t b_length)
{
    return a_length == b_length && memcmp(a, b, a_length) == 0;
}

/* The base name of a source path without .vm: the prefix of its statics. */
static name_ref file_stem(const hack_vm_source *source)
{
    const char *start = strrchr(source->path, '/');
    start = start ? start + 1 : source->path;
    size_t length = strlen(start);
    if (length > 3 && strcmp(start + length - 3, ".vm") == 0) length -= 3;
    return (name_ref){start, length};
}

/* The scope of labels: the enclosing function, or the file outside any function. */
static name_ref label_scope(const vm_program *program, const hack_vm_sources *sources, const vm_command *c)
{
    if (c->function >= 0) {
        const vm_command *f = &program->items[c->function];
        return (name_ref){f->name, f->name_length};
    }
    return file_stem(&sources->items[c->file]);
}

/* ---- checks before generating ---- */

static void command_diag(hack_diag_list *diags, hack_diag_severity severity, const hack_vm_sources *sources,
                         const vm_command *c, const char *format, va_list args)
{
    hack_diag_addv(diags, severity, sources->items[c->file].path, (int)c->line, c->column, c->line_text,
                   c->line_length, format, args);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void command_error(hack_diag_list *diags, const hack_vm_sources *sources, const vm_command *c,
                          const char *format, ...)
{
    va_list args;
    va_start(args, format);
    command_diag(diags, HACK_DIAG_ERROR, sources, c, format, args);
    va_end(args);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void command_error_kind(hack_diag_list *diags, hack_diag_severity severity, const hack_vm_sources *sources,
                               const vm_command *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    command_diag(diags, severity, sources, c, format, args);
    va_end(args);
}

static const vm_command *find_function(const vm_program *program, const char *name, size_t length)
{
    for (size_t i = 0; i < program->count; i++) {
        const vm_command *c = &program->items[i];
        if (c->op == VM_FUNCTION && same_name(c->name, c->name_length, name, length)) return c;
    }
    return NULL;
}

/* The OS's functions as "Class.name", for near misses of a program the OS is to be added to. */
typedef struct {
    hack_strbuf text;
    size_t *starts; /* of each name in text; NULL when there are none */
} os_names;

static void os_names_make(os_names *names)
{
    names->starts = calloc(hack_os_api_count, sizeof *names->starts);
    for (size_t i = 0; names->starts && i < hack_os_api_count; i++) {
        names->starts[i] = names->text.length;
        hack_strbuf_appendf(&names->text, "%s.%s", hack_os_api[i].class_name, hack_os_api[i].name);
    }
    if (names->text.failed) {
        free(names->starts);
        names->starts = NULL;
    }
}

static void os_names_free(os_names *names)
{
    hack_strbuf_free(&names->text);
    free(names->starts);
}

/* The function nearest to a call's name: among the program's, and the OS's when names has them. */
static const char *function_hint(const vm_program *program, const os_names *names, const vm_command *call,
                                 hack_strbuf *hint)
{
    hack_suggestion near;
    hack_suggest_init(&near, call->name, call->name_length);
    for (size_t i = 0; i < program->count; i++)
        if (program->items[i].op == VM_FUNCTION)
            hack_suggest_consider(&near, program->items[i].name, program->items[i].name_length);
    for (size_t i = 0; names->starts && i < hack_os_api_count; i++) {
        size_t end = i + 1 < hack_os_api_count ? names->starts[i + 1] : names->text.length;
        hack_suggest_consider(&near, names->text.text + names->starts[i], end - names->starts[i]);
    }
    return hack_suggest_hint(&near, hint);
}

/* The label nearest to a jump's, among those of its scope. */
static const char *label_hint(const vm_program *program, const hack_vm_sources *sources, const vm_command *jump,
                              name_ref scope, hack_strbuf *hint)
{
    hack_suggestion near;
    hack_suggest_init(&near, jump->name, jump->name_length);
    for (size_t j = 0; j < program->count; j++) {
        const vm_command *d = &program->items[j];
        if (d->op != VM_LABEL || d->file != jump->file) continue;
        name_ref other = label_scope(program, sources, d);
        if (same_name(other.name, other.length, scope.name, scope.length))
            hack_suggest_consider(&near, d->name, d->name_length);
    }
    return hack_suggest_hint(&near, hint);
}

/* Whether c is the first use of its static (File.i) in the program: seen holds a bit per index, per file */
static bool first_static_use(uint8_t ***seen, size_t files, const vm_command *c)
{
    if (c->number < 0 || c->number > 32767) return false; /* (the parser refuses it) */
    if (!*seen) *seen = calloc(files, sizeof **seen);
    if (!*seen) return false;
    uint8_t **bits = &(*seen)[c->file];
    if (!*bits) *bits = calloc(32768 / 8, 1);
    if (!*bits) return false;
    const uint8_t mask = (uint8_t)(1u << (c->number & 7));
    if ((*bits)[c->number >> 3] & mask) return false;
    (*bits)[c->number >> 3] |= mask;
    return true;
}

static void free_static_uses(uint8_t **seen, size_t files)
{
    for (size_t i = 0; seen && i < files; i++) free(seen[i]);
    free(seen);
}

/* What is wrong with a file's shape, said before it runs: a file with no commands (it ran as a jump back to
 * ROM 0), and a function whose last command is neither return nor goto (it ran on into the code after it, whose
 * frame it is not: a heap "corrupted" far from the cause). Warnings: the course's tools take both. */
static void check_shape(const vm_program *program, const hack_vm_sources *sources, hack_diag_list *diags)
{
    size_t *per_file = calloc(sources->count ? sources->count : 1, sizeof *per_file);
    for (size_t i = 0; per_file && i < program->count; i++) per_file[program->items[i].file]++;
    for (size_t f = 0; per_file && f < sources->count; f++)
        if (!per_file[f])
            hack_diag_add(diags, HACK_DIAG_WARNING, sources->items[f].path, 0, 0, NULL, 0,
                          "no VM commands in this file (it is empty, or only comments)");
    free(per_file);
    for (size_t i = 0; i < program->count; i++) {
        const vm_command *c = &program->items[i];
        const vm_command *next = i + 1 < program->count ? &program->items[i + 1] : NULL;
        if (c->function < 0 || (next && next->file == c->file && next->op != VM_FUNCTION)) continue;
        if (c->op == VM_RETURN || c->op == VM_GOTO || c->op == VM_FUNCTION) continue;
        const vm_command *f = &program->items[c->function];
        command_error_kind(diags, HACK_DIAG_WARNING, sources, c,
                           "function '%.*s' ends here without a return: it runs on into %s", (int)f->name_length,
                           f->name, next ? "the code after it, as if it were part of it" : "the end of the program");
    }
}

/* ---- the stack of each function, followed through its code ----
 * A function's working stack starts empty at its entry (SP = LCL + its locals); a command that takes more values
 * than the function has pushed takes them from below that base: its locals, its caller's frame, and, from
 * Sys.init, the words below 256. At run time hackemu sees that only where the stack pointer leaves the stack
 * altogether (after a slice of instructions, or at a fault), far from the command and often never; here it is
 * seen before the program runs, at the command. The depth is followed from the entry along every jump: a
 * command reached with fewer values than it takes, on some path from the entry, is named (a warning: the
 * course's tools run such code, and the path may be one the data never takes). A label reached further on with
 * fewer values than before (an if whose arms push differently) is followed again with the fewer; a loop back to
 * a label is not (hand-written code may loop with another depth each time round, as it pops what it pushed). */

/* Values a command takes from the stack, and puts back. */
static void stack_effect(const vm_command *c, int32_t *takes, int32_t *gives)
{
    static const struct {
        int8_t takes, gives;
    } effects[] = {[VM_ADD] = {2, 1},    [VM_SUB] = {2, 1},      [VM_NEG] = {1, 1},       [VM_EQ] = {2, 1},
                   [VM_GT] = {2, 1},     [VM_LT] = {2, 1},       [VM_AND] = {2, 1},       [VM_OR] = {2, 1},
                   [VM_NOT] = {1, 1},    [VM_PUSH] = {0, 1},     [VM_POP] = {1, 0},       [VM_LABEL] = {0, 0},
                   [VM_GOTO] = {0, 0},   [VM_IF_GOTO] = {1, 0},  [VM_FUNCTION] = {0, 0},  [VM_CALL] = {0, 1},
                   [VM_RETURN] = {1, 0}};
    *takes = c->op == VM_CALL ? c->number : effects[c->op].takes;
    *gives = effects[c->op].gives;
}

static const char *const op_names[] = {[VM_ADD] = "add",   [VM_SUB] = "sub",         [VM_NEG] = "neg",
                                       [VM_EQ] = "eq",     [VM_GT] = "gt",           [VM_LT] = "lt",
                                       [VM_AND] = "and",   [VM_OR] = "or",           [VM_NOT] = "not",
                                       [VM_PUSH] = "push", [VM_POP] = "pop",         [VM_LABEL] = "label",
                                       [VM_GOTO] = "goto", [VM_IF_GOTO] = "if-goto", [VM_FUNCTION] = "function",
                                       [VM_CALL] = "call", [VM_RETURN] = "return"};

typedef struct {
    int32_t *depth; /* per command: values on the function's stack before it (-1: not reached) */
    size_t *work;   /* commands to follow (each at most once at a time: queued) */
    bool *queued;
} stack_scratch;

/* Follows the function whose command is at index f (its body: the commands after it that it encloses); warns at
 * the first command found short. */
static void check_function_stack(const vm_program *program, const hack_vm_sources *sources, const vm_index *index,
                                 size_t f, const stack_scratch *x, hack_diag_list *diags)
{
    size_t end = f + 1;
    while (end < program->count && program->items[end].function == (int)f && program->items[end].op != VM_FUNCTION)
        end++;
    for (size_t i = f + 1; i < end; i++) {
        x->depth[i] = -1;
        x->queued[i] = false;
    }
    size_t pending = 0;
    if (f + 1 < end) {
        x->depth[f + 1] = 0;
        x->queued[f + 1] = true;
        x->work[pending++] = f + 1;
    }
    while (pending > 0) {
        const size_t i = x->work[--pending];
        x->queued[i] = false;
        const vm_command *c = &program->items[i];
        int32_t takes, gives;
        stack_effect(c, &takes, &gives);
        if (x->depth[i] < takes) {
            const vm_command *fn = &program->items[f];
            char pushed[32];
            snprintf(pushed, sizeof pushed, x->depth[i] == 0 ? "nothing" : "only %d", (int)x->depth[i]);
            command_error_kind(diags, HACK_DIAG_WARNING, sources, c,
                               "stack underflow: this %s takes %d value%s from the stack, and %.*s has pushed %s "
                               "here, so it reaches below the function's stack base (into its locals, or its "
                               "caller's frame)",
                               op_names[c->op], (int)takes, takes == 1 ? "" : "s", (int)fn->name_length, fn->name,
                               pushed);
            return;
        }
        const int32_t after = x->depth[i] - takes + gives;
        size_t next[2], count = 0;
        if (c->op == VM_GOTO || c->op == VM_IF_GOTO) {
            const vm_command *target = vm_index_label(index, c);
            if (target) next[count++] = (size_t)(target - program->items);
        }
        if (c->op != VM_GOTO && c->op != VM_RETURN && i + 1 < end) next[count++] = i + 1; /* (followed first) */
        for (size_t k = 0; k < count; k++) {
            const size_t to = next[k];
            if (to <= f || to >= end || (x->depth[to] >= 0 && (to <= i || x->depth[to] <= after))) continue;
            x->depth[to] = after;
            if (!x->queued[to]) {
                x->queued[to] = true;
                x->work[pending++] = to;
            }
        }
    }
}

static void check_stack_depths(const vm_program *program, const hack_vm_sources *sources, const vm_index *index,
                               hack_diag_list *diags)
{
    const size_t n = program->count ? program->count : 1;
    stack_scratch x = {malloc(n * sizeof *x.depth), malloc(n * sizeof *x.work), malloc(n * sizeof *x.queued)};
    for (size_t i = 0; x.depth && x.work && x.queued && i < program->count; i++)
        if (program->items[i].op == VM_FUNCTION) check_function_stack(program, sources, index, i, &x, diags);
    free(x.depth);
    free(x.work);
    free(x.queued);
}

static bool check_program(const vm_program *program, const hack_vm_sources *sources, const hack_vm_options *options,
                          hack_diag_list *diags)
{
    size_t before = diags->error_count;
    hack_strbuf hint = {0};
    os_names names = {0};
    vm_index index;
    if (!vm_index_build(&index, program)) {
        hack_diag_add(diags, HACK_DIAG_ERROR, "hackvm", 0, 0, NULL, 0, "out of memory");
        return false;
    }
    uint8_t **statics_seen = NULL;
    unsigned statics = 0;
    if (options->require_functions && options->suggest_os) os_names_make(&names);
    for (size_t i = 0; i < program->count; i++) {
        const vm_command *c = &program->items[i];
        if (c->op == VM_FUNCTION) {
            const vm_command *first = vm_index_function(&index, c->name, c->name_length);
            if (first != c) {
                command_error(diags, sources, c, "duplicate function '%.*s' (first defined at %s:%u)",
                              (int)c->name_length, c->name, sources->items[first->file].path, (unsigned)first->line);
            }
            if (c->name_length >= 2 && c->name[0] == '$' && c->name[1] == '$')
                command_error(diags, sources, c, "names starting with $$ are reserved for the translator");
        } else if (c->op == VM_CALL && options->require_functions && !vm_index_function(&index, c->name, c->name_length)) {
            command_error(diags, sources, c, "function '%.*s' not found%s", (int)c->name_length, c->name,
                          function_hint(program, &names, c, &hint));
        } else if (c->op == VM_LABEL || c->op == VM_GOTO || c->op == VM_IF_GOTO) {
            /* Labels live in the same function (or, outside functions, the same file). */
            const vm_command *definition = vm_index_label(&index, c);
            if (!definition) {
                name_ref scope = label_scope(program, sources, c);
                command_error(diags, sources, c, "label '%.*s' not found in %.*s%s", (int)c->name_length, c->name,
                              (int)scope.length, scope.name, label_hint(program, sources, c, scope, &hint));
            } else if (c->op == VM_LABEL && definition != c) {
                command_error(diags, sources, c, "duplicate label '%.*s' (first at line %u)", (int)c->name_length,
                              c->name, (unsigned)definition->line);
            }
        } else if ((c->op == VM_PUSH || c->op == VM_POP) && c->segment == SEG_STATIC && /* (each File.i gets a
                                                          word from 16 on, in the order the code first names it) */
                   first_static_use(&statics_seen, sources->count, c) && ++statics == HACK_STATIC_WORDS + 1) {
            command_error(diags, sources, c,
                          "the program's static number %u: the static segment has %d words (RAM 16..255), shared by "
                          "all its files; past them, statics would sit on the stack",
                          statics, HACK_STATIC_WORDS);
        }
    }
    free_static_uses(statics_seen, sources->count);
    check_shape(program, sources, diags);
    if (diags->error_count == before) check_stack_depths(program, sources, &index, diags);
    vm_index_free(&index);
    hack_strbuf_free(&hint);
    os_names_free(&names);
    return diags->error_count == before;
}

/* ---- code generation ---- */

enum { STUB_THRESHOLD = 3, MAX_ARGUMENTS = 32768 };

typedef struct {
    const vm_program *program;
    const hack_vm_sources *sources;
    builder b;
    unsigned return_counter;
    bool uses_eq, uses_gt, uses_lt, uses_return;
    bool *call_variant_used; /* per argument count: a $$CALLn routine is needed */
    /* call sites per callee and argument count, to decide on stubs */
    struct call_count {
        const char *name;
        size_t length;
        int32_t arguments;
        unsigned sites;
    } *calls;
    size_t call_count;
    hack_strbuf label, routine; /* names built for a command: any length */
} generator;

static const char *const segment_base[] = {[SEG_LOCAL] = "LCL", [SEG_ARGUMENT] = "ARG", [SEG_THIS] = "THIS",
                                           [SEG_THAT] = "THAT"};

static void push_d(generator *g)
{
    emit(&g->b, "@SP");
    emit(&g->b, "AM=M+1");
    emit(&g->b, "A=A-1");
    emit(&g->b, "M=D");
}

static void pop_d(generator *g)
{
    emit(&g->b, "@SP");
    emit(&g->b, "AM=M-1");
    emit(&g->b, "D=M");
}

/* A = the address of segment[index] for local/argument/this/that (D is free to use). */
static void address_of(generator *g, const vm_command *c)
{
    const char *base = segment_base[c->segment];
    if (c->number <= 2) {
        emit(&g->b, "@%s", base);
        emit(&g->b, c->number == 0 ? "A=M" : "A=M+1");
        if (c->number == 2) emit(&g->b, "A=A+1");
    } else {
        emit(&g->b, "@%d", (int)c->number);
        emit(&g->b, "D=A");
        emit(&g->b, "@%s", base);
        emit(&g->b, "A=D+M");
    }
}

static void fixed_address(generator *g, const vm_command *c)
{
    name_ref stem;
    switch (c->segment) {
    case SEG_TEMP: emit(&g->b, "@%d", 5 + (int)c->number); break;
    case SEG_POINTER: emit(&g->b, c->number == 0 ? "@THIS" : "@THAT"); break;
    default: /* the static File.i */
        stem = file_stem(&g->sources->items[c->file]);
        emit(&g->b, "@%.*s.%d", (int)stem.length, stem.name, (int)c->number);
        break;
    }
}

static void gen_push(generator *g, const vm_command *c)
{
    switch (c->segment) {
    case SEG_CONSTANT:
        if (c->number <= 1) {
            emit(&g->b, "@SP");
            emit(&g->b, "AM=M+1");
            emit(&g->b, "A=A-1");
            emit(&g->b, "M=%d", (int)c->number);
            return;
        }
        emit(&g->b, "@%d", (int)c->number);
        emit(&g->b, "D=A");
        break;
    case SEG_LOCAL:
    case SEG_ARGUMENT:
    case SEG_THIS:
    case SEG_THAT:
        address_of(g, c);
        emit(&g->b, "D=M");
        break;
    default:
        fixed_address(g, c);
        emit(&g->b, "D=M");
        break;
    }
    push_d(g);
}

static void gen_pop(generator *g, const vm_command *c)
{
    switch (c->segment) {
    case SEG_LOCAL:
    case SEG_ARGUMENT:
    case SEG_THIS:
    case SEG_THAT:
        if (c->number <= 5) { /* walk to the address: 6 + index words */
            pop_d(g);
            emit(&g->b, "@%s", segment_base[c->segment]);
            emit(&g->b, "A=M");
            for (int i = 0; i < c->number; i++) emit(&g->b, "A=A+1");
            emit(&g->b, "M=D");
        } else { /* compute the address into R13 first: 11 words */
            address_of(g, c);
            emit(&g->b, "D=A");
            emit(&g->b, "@R13");
            emit(&g->b, "M=D");
            pop_d(g);
            emit(&g->b, "@R13");
            emit(&g->b, "A=M");
            emit(&g->b, "M=D");
        }
        break;
    default:
        pop_d(g);
        fixed_address(g, c);
        emit(&g->b, "M=D");
        break;
    }
}

static void gen_binary(generator *g, const char *operation)
{
    emit(&g->b, "@SP");
    emit(&g->b, "AM=M-1");
    emit(&g->b, "D=M");
    emit(&g->b, "A=A-1");
    emit(&g->b, "%s", operation);
}

static void gen_unary(generator *g, const char *operation)
{
    emit(&g->b, "@SP");
    emit(&g->b, "A=M-1");
    emit(&g->b, "%s", operation);
}

/* A new label for a call or comparison to return to, scoped by the function: in g->label. */
static const char *return_label(generator *g, const vm_command *c)
{
    name_ref scope = label_scope(g->program, g->sources, c);
    hack_strbuf_reset(&g->label);
    hack_strbuf_appendf(&g->label, "%.*s$ret.%u", (int)scope.length, scope.name, g->return_counter++);
    return hack_strbuf_text(&g->label);
}

/* D = the return label's address, then off to a routine; the label follows. */
static void call_routine(generator *g, const vm_command *c, const char *routine)
{
    const char *label = return_label(g, c);
    emit(&g->b, "@%s", label);
    emit(&g->b, "D=A");
    emit(&g->b, "@%s", routine);
    emit(&g->b, "0;JMP");
    emit(&g->b, "(%s)", label);
}

static struct call_count *call_entry(generator *g, const vm_command *c)
{
    for (size_t i = 0; i < g->call_count; i++)
        if (g->calls[i].arguments == c->number && same_name(g->calls[i].name, g->calls[i].length, c->name, c->name_length))
            return &g->calls[i];
    return NULL;
}

static void gen_call(generator *g, const vm_command *c)
{
    struct call_count *entry = call_entry(g, c);
    g->call_variant_used[c->number] = true;
    if (entry && entry->sites >= STUB_THRESHOLD) {
        hack_strbuf_reset(&g->routine);
        hack_strbuf_appendf(&g->routine, "$$CALL.%.*s.%d", (int)c->name_length, c->name, (int)c->number);
        call_routine(g, c, hack_strbuf_text(&g->routine));
        return;
    }
    /* R13 = return address, D = the function, then the shared call routine. */
    const char *label = return_label(g, c);
    emit(&g->b, "@%s", label);
    emit(&g->b, "D=A");
    emit(&g->b, "@R13");
    emit(&g->b, "M=D");
    emit(&g->b, "@%.*s", (int)c->name_length, c->name);
    emit(&g->b, "D=A");
    emit(&g->b, "@$$CALL%d", (int)c->number);
    emit(&g->b, "0;JMP");
    emit(&g->b, "(%s)", label);
}

/* next: the command after c (NULL at the end). */
static void gen_function(generator *g, const vm_command *c, const vm_command *next)
{
    emit(&g->b, "(%.*s)", (int)c->name_length, c->name);
    g->b.out->origins[g->b.out->line_count - 1].is_function = 1;
    int locals = (int)c->number;
    if (locals == 0) {
        /* A label right at the entry (a Jack function without locals whose first statement is a while) would
         * make the entry a jump target: hooks and breakpoints at the entry, which stand for a call, would see
         * every round of the loop as one. One word (A is free at an entry) keeps the two apart. */
        if (next && next->op == VM_LABEL) emit(&g->b, "@SP");
        return;
    }
    if (locals <= 2) {
        emit(&g->b, "@SP");
        emit(&g->b, "A=M");
        emit(&g->b, "M=0");
        if (locals == 2) {
            emit(&g->b, "A=A+1");
            emit(&g->b, "M=0");
        }
        emit(&g->b, "D=A+1");
        emit(&g->b, "@SP");
        emit(&g->b, "M=D");
        return;
    }
    emit(&g->b, "@%d", locals);
    emit(&g->b, "D=A");
    emit(&g->b, "(%.*s$$locals)", (int)c->name_length, c->name);
    emit(&g->b, "@SP");
    emit(&g->b, "AM=M+1");
    emit(&g->b, "A=A-1");
    emit(&g->b, "M=0");
    emit(&g->b, "@%.*s$$locals", (int)c->name_length, c->name);
    emit(&g->b, "D=D-1;JGT");
}

static void gen_command(generator *g, const vm_command *c)
{
    name_ref scope;
    switch (c->op) {
    case VM_ADD: gen_binary(g, "M=D+M"); break;
    case VM_SUB: gen_binary(g, "M=M-D"); break;
    case VM_AND: gen_binary(g, "M=D&M"); break;
    case VM_OR: gen_binary(g, "M=D|M"); break;
    case VM_NEG: gen_unary(g, "M=-M"); break;
    case VM_NOT: gen_unary(g, "M=!M"); break;
    case VM_EQ:
        g->uses_eq = true;
        call_routine(g, c, "$$EQ");
        break;
    case VM_GT:
        g->uses_gt = true;
        call_routine(g, c, "$$GT");
        break;
    case VM_LT:
        g->uses_lt = true;
        call_routine(g, c, "$$LT");
        break;
    case VM_PUSH: gen_push(g, c); break;
    case VM_POP: gen_pop(g, c); break;
    case VM_LABEL:
        scope = label_scope(g->program, g->sources, c);
        emit(&g->b, "(%.*s$%.*s)", (int)scope.length, scope.name, (int)c->name_length, c->name);
        break;
    case VM_GOTO:
        scope = label_scope(g->program, g->sources, c);
        emit(&g->b, "@%.*s$%.*s", (int)scope.length, scope.name, (int)c->name_length, c->name);
        emit(&g->b, "0;JMP");
        break;
    case VM_IF_GOTO:
        scope = label_scope(g->program, g->sources, c);
        pop_d(g);
        emit(&g->b, "@%.*s$%.*s", (int)scope.length, scope.name, (int)c->name_length, c->name);
        emit(&g->b, "D;JNE");
        break;
    case VM_FUNCTION: gen_function(g, c, c + 1 < g->program->items + g->program->count ? c + 1 : NULL); break;
    case VM_CALL: gen_call(g, c); break;
    case VM_RETURN: /* the site in D, for call stacks (see the top of this file) */
        g->uses_return = true;
        call_routine(g, c, "$$RETURN");
        break;
    }
}

static void emit_lines(generator *g, const char *const *lines)
{
    for (; *lines; lines++) emit(&g->b, "%s", *lines);
}

/* A routine's entry: its label, and its first two words, which keep the site (in D) in R13. */
static void routine_entry(generator *g, const char *label)
{
    routine_state(&g->b, HACK_ROUTINE_SITE_IN_D);
    emit(&g->b, "(%s)", label);
    emit(&g->b, "@R13");
    emit(&g->b, "M=D");
    routine_state(&g->b, HACK_ROUTINE_SITE_IN_R13);
}

/* Pushes the frame (D = function, R13 = return address) and sets LCL = SP, D = SP. */
static const char *const call_frame[] = {
    "@R14", "M=D",                                 /* R14 = function */
    "@R13", "D=M", "@SP", "A=M", "M=D",            /* return address */
    "@LCL", "D=M", "@SP", "AM=M+1", "M=D",         /* LCL */
    "@ARG", "D=M", "@SP", "AM=M+1", "M=D",         /* ARG */
    "@THIS", "D=M", "@SP", "AM=M+1", "M=D",        /* THIS */
    "@THAT", "D=M", "@SP", "AM=M+1", "M=D",        /* THAT */
    "@SP", "MD=M+1", "@LCL", "M=D",                /* SP += 5 (in all), LCL = SP */
    NULL};

/* $$RETURN after its entry, in parts: after each, LCL or R14 has changed (the routine states of the parts). */
static const char *const return_address[] = {
    "@5", "D=A", "@LCL", "A=M-D", "D=M", "@R14", "M=D", /* return address, before *ARG can overwrite it */
    NULL};
static const char *const return_value[] = {
    "@SP", "AM=M-1", "D=M", "@ARG", "A=M", "M=D",       /* *ARG = return value */
    "D=A+1", "@SP", "M=D",                              /* SP = ARG + 1 */
    "@LCL", "AM=M-1",                                   /* LCL walks down the frame; restored last */
    NULL};
static const char *const return_that[] = {"D=M", "@THAT", "M=D", "@LCL", "AM=M-1", NULL};
static const char *const return_this[] = {"D=M", "@THIS", "M=D", "@LCL", "AM=M-1", NULL};
static const char *const return_arg_lcl[] = {"D=M", "@ARG", "M=D", "@LCL", "A=M-1", "D=M", "@LCL", "M=D", NULL};
static const char *const return_jump[] = {"@R14", "A=M", "0;JMP", NULL}; /* the end of a return command */

/* x = *(SP-2), y = *(SP-1); the result replaces x. R13 holds the return address. */
static const char *const compare_tail[] = {
    "($$FALSE)", "@SP", "A=M-1", "M=0", "@R13", "A=M", "0;JMP",
    "($$TRUE)", "@SP", "A=M-1", "M=-1", "@R13", "A=M", "0;JMP",
    NULL};

static const char *const eq_routine[] = {
    "@SP", "AM=M-1", "D=M", "A=A-1", "D=M-D", "@$$TRUE", "D;JEQ", "@$$FALSE", "0;JMP",
    NULL};

/* x > y without overflow: different signs decide by the sign of x; same signs subtract safely. */
static const char *const gt_routine[] = {
    "@SP", "AM=M-1", "D=M", "@R14", "M=D", /* R14 = y */
    "@SP", "A=M-1", "D=M", "@$$GT.xneg", "D;JLT",
    "@R14", "D=M", "@$$TRUE", "D;JLT", "@$$GT.same", "0;JMP",      /* x >= 0 > y */
    "($$GT.xneg)", "@R14", "D=M", "@$$FALSE", "D;JGE",             /* x < 0 <= y */
    "($$GT.same)", "@SP", "A=M-1", "D=M", "@R14", "D=D-M", "@$$TRUE", "D;JGT", "@$$FALSE", "0;JMP",
    NULL};

static const char *const lt_routine[] = {
    "@SP", "AM=M-1", "D=M", "@R14", "M=D",
    "@SP", "A=M-1", "D=M", "@$$LT.xneg", "D;JLT",
    "@R14", "D=M", "@$$FALSE", "D;JLT", "@$$LT.same", "0;JMP",     /* x >= 0 > y */
    "($$LT.xneg)", "@R14", "D=M", "@$$TRUE", "D;JGE",              /* x < 0 <= y */
    "($$LT.same)", "@SP", "A=M-1", "D=M", "@R14", "D=D-M", "@$$TRUE", "D;JLT", "@$$FALSE", "0;JMP",
    NULL};

static void gen_routines(generator *g)
{
    begin_command(&g->b, 0, 0);
    g->b.command_pending = false;
    for (size_t i = 0; i < g->call_count; i++) {
        const struct call_count *entry = &g->calls[i];
        if (entry->sites < STUB_THRESHOLD) continue;
        hack_strbuf_reset(&g->routine);
        hack_strbuf_appendf(&g->routine, "$$CALL.%.*s.%d", (int)entry->length, entry->name, (int)entry->arguments);
        routine_entry(g, hack_strbuf_text(&g->routine));
        emit(&g->b, "@%.*s", (int)entry->length, entry->name);
        emit(&g->b, "D=A");
        emit(&g->b, "@$$CALL%d", (int)entry->arguments);
        emit(&g->b, "0;JMP");
    }
    for (int n = 0; n < MAX_ARGUMENTS; n++) {
        if (!g->call_variant_used[n]) continue;
        routine_state(&g->b, HACK_ROUTINE_SITE_IN_R13);
        emit(&g->b, "($$CALL%d)", n);
        emit_lines(g, call_frame);
        routine_state(&g->b, HACK_ROUTINE_CALL_PUSHED); /* LCL is the callee's frame now */
        if (n + 5 <= 32767) {
            emit(&g->b, "@%d", n + 5);
            emit(&g->b, "D=D-A");
        } else { /* an A-instruction holds 15 bits: ARG = SP - n - 5 in two steps */
            emit(&g->b, "@%d", n);
            emit(&g->b, "D=D-A");
            emit(&g->b, "@5");
            emit(&g->b, "D=D-A");
        }
        emit(&g->b, "@ARG");
        emit(&g->b, "M=D");
        emit(&g->b, "@R14");
        emit(&g->b, "A=M");
        emit(&g->b, "0;JMP");
    }
    if (g->uses_return) {
        routine_entry(g, "$$RETURN");
        emit_lines(g, return_address);
        routine_state(&g->b, HACK_ROUTINE_RETURN_LCL0); /* the return address is in R14 */
        emit_lines(g, return_value);
        routine_state(&g->b, HACK_ROUTINE_RETURN_LCL1);
        emit_lines(g, return_that);
        routine_state(&g->b, HACK_ROUTINE_RETURN_LCL2);
        emit_lines(g, return_this);
        routine_state(&g->b, HACK_ROUTINE_RETURN_LCL3);
        emit_lines(g, return_arg_lcl);
        routine_state(&g->b, HACK_ROUTINE_RETURNED); /* LCL is the caller's again */
        emit_lines(g, return_jump);
        /* Returning completes the command wherever it lands (a VM-emulator script may fake the frame). */
        g->b.out->origins[g->b.out->line_count - 1].command_end = 1;
    }
    if (g->uses_eq) {
        routine_entry(g, "$$EQ");
        emit_lines(g, eq_routine);
    }
    if (g->uses_gt) {
        routine_entry(g, "$$GT");
        emit_lines(g, gt_routine);
    }
    if (g->uses_lt) {
        routine_entry(g, "$$LT");
        emit_lines(g, lt_routine);
    }
    routine_state(&g->b, HACK_ROUTINE_SITE_IN_R13);
    if (g->uses_eq || g->uses_gt || g->uses_lt) emit_lines(g, compare_tail);
}

static bool count_calls(generator *g)
{
    for (size_t i = 0; i < g->program->count; i++) {
        const vm_command *c = &g->program->items[i];
        if (c->op != VM_CALL) continue;
        struct call_count *entry = call_entry(g, c);
        if (!entry) {
            struct call_count *grown = realloc(g->calls, (g->call_count + 1) * sizeof *grown);
            if (!grown) return false;
            g->calls = grown;
            entry = &g->calls[g->call_count++];
            *entry = (struct call_count){c->name, c->name_length, c->number, 0};
        }
        entry->sites++;
    }
    return true;
}

void hack_vm_assembly_free(hack_vm_assembly *assembly)
{
    free(assembly->text);
    free(assembly->origins);
    memset(assembly, 0, sizeof *assembly);
}

bool hack_vm_translate(const hack_vm_sources *sources, const hack_vm_options *options, hack_vm_assembly *assembly,
                       hack_diag_list *diags)
{
    assert(sources && options && assembly && diags);
    memset(assembly, 0, sizeof *assembly);
    vm_program program = {0};
    if (!vm_parse(sources, &program, diags) || !check_program(&program, sources, options, diags)) {
        vm_program_free(&program);
        return false;
    }
    if (sources->count == 0) {
        hack_diag_add(diags, HACK_DIAG_ERROR, "hackvm", 0, 0, NULL, 0, "no VM files to translate");
        vm_program_free(&program);
        return false;
    }
    generator g = {.program = &program, .sources = sources, .b = {.out = assembly},
                   .call_variant_used = calloc(MAX_ARGUMENTS, sizeof(bool))};
    bool ok = g.call_variant_used && count_calls(&g);
    if (ok && options->bootstrap) {
        begin_command(&g.b, 0, 0);
        routine_state(&g.b, HACK_ROUTINE_BOOTSTRAP);
        emit(&g.b, "// bootstrap: SP = 256, call Sys.init");
        emit(&g.b, "@256");
        emit(&g.b, "D=A");
        emit(&g.b, "@SP");
        emit(&g.b, "M=D");
        vm_command init = {.op = VM_CALL, .name = "Sys.init", .name_length = 8, .number = 0, .function = -1,
                           .file = 0};
        if (!find_function(&program, "Sys.init", 8))
            hack_diag_add(diags, HACK_DIAG_WARNING, sources->count ? sources->items[0].path : "", 0, 0, NULL, 0,
                          "no Sys.init: the bootstrap calls a function that does not exist");
        gen_call(&g, &init);
    }
    for (size_t i = 0; ok && i < program.count; i++) {
        const vm_command *c = &program.items[i];
        begin_command(&g.b, c->file, c->line);
        const hack_vm_source *source = &sources->items[c->file];
        if (source->origins && c->line >= 1 && c->line <= source->origin_count)
            g.b.origin.jack_line = source->origins[c->line - 1].line;
        gen_command(&g, c);
    }
    /* After the last command: a halt loop, a command of its own for vmstep. */
    begin_command(&g.b, 0, 0);
    routine_state(&g.b, HACK_ROUTINE_END);
    emit(&g.b, "($$END)");
    emit(&g.b, "@$$END");
    emit(&g.b, "0;JMP");
    gen_routines(&g);
    ok = ok && !g.b.failed && !g.label.failed && !g.routine.failed;
    if (ok) assembly->text = hack_strbuf_take(&g.b.text, &assembly->length);
    hack_strbuf_free(&g.b.text);
    hack_strbuf_free(&g.label);
    hack_strbuf_free(&g.routine);
    free(g.calls);
    free(g.call_variant_used);
    vm_program_free(&program);
    if (!ok) {
        hack_diag_add(diags, HACK_DIAG_ERROR, "hackvm", 0, 0, NULL, 0, "out of memory");
        hack_vm_assembly_free(assembly);
    }
    return ok;
}

/* Line number (1-based) of a source's text, without its line end; false when there is no such line. */
static bool source_line(const hack_vm_source *source, uint32_t number, const char **line, size_t *length)
{
    size_t offset = 0;
    for (uint32_t n = 1; hack_textfile_next_line(source->text, source->length, &offset, line, length); n++)
        if (n == number) return true;
    return false;
}

/* The assembler's messages are about the generated assembly, which the user never sees: each is told at the
 * VM line whose code it concerns (for a ROM overflow, the command whose code crossed the end of ROM), or, for
 * the translator's own code, about the whole program (name) without a line. */
static void relay_assembler_diags(const hack_vm_sources *sources, const hack_vm_assembly *assembly, const char *name,
                                  const hack_diag_list *from, hack_diag_list *diags)
{
    for (size_t i = 0; i < from->count; i++) {
        const hack_diag *d = &from->items[i];
        if (d->line <= 0 || (size_t)d->line > assembly->line_count) {
            hack_diag_add(diags, d->severity, d->file, d->line, d->column, NULL, 0, "%s", d->message);
            continue;
        }
        const hack_vm_line_origin *origin = &assembly->origins[d->line - 1];
        const char *line;
        size_t length;
        if (origin->line == 0 || origin->file >= sources->count ||
            !source_line(&sources->items[origin->file], origin->line, &line, &length)) {
            hack_diag_add(diags, d->severity, name, 0, 0, NULL, 0, "%s", d->message);
            continue;
        }
        size_t column = 0;
        while (column < length && (line[column] == ' ' || line[column] == '\t')) column++;
        hack_diag_add(diags, d->severity, sources->items[origin->file].path, (int)origin->line, (int)column + 1, line,
                      length, "%s", d->message);
    }
}

bool hack_vm_build(const hack_vm_sources *sources, const hack_vm_options *options, const char *name,
                   hack_program *program, hack_diag_list *diags)
{
    assert(program && program->words); /* initialised */
    hack_vm_assembly assembly;
    if (!hack_vm_translate(sources, options, &assembly, diags)) return false;
    hack_diag_list assembler_diags;
    hack_diag_list_init(&assembler_diags);
    bool ok = hack_asm_assemble(name, assembly.text, assembly.length, program, &assembler_diags);
    relay_assembler_diags(sources, &assembly, name, &assembler_diags, diags);
    size_t errors_kept = 0;
    for (size_t i = 0; i < assembler_diags.count; i++)
        if (assembler_diags.items[i].severity == HACK_DIAG_ERROR) errors_kept++;
    if (assembler_diags.error_count > errors_kept) /* some could not be kept: memory ran out */
        hack_diag_add(diags, HACK_DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
    hack_diag_list_free(&assembler_diags);
    /* The map's files: the VM sources, then the Jack files some were compiled from. */
    const char **files = calloc(sources->count ? 2 * sources->count : 1, sizeof *files);
    uint16_t *jack_index = calloc(sources->count ? sources->count : 1, sizeof *jack_index);
    ok = ok && files && jack_index;
    size_t file_count = 0;
    for (size_t i = 0; ok && i < sources->count; i++) files[file_count++] = sources->items[i].path;
    for (size_t i = 0; ok && i < sources->count; i++)
        if (sources->items[i].origin_path) {
            jack_index[i] = (uint16_t)file_count;
            files[file_count++] = sources->items[i].origin_path;
        }
    ok = ok && file_count <= UINT16_MAX && hack_program_add_map(program, files, file_count);
    free(files);
    if (ok) {
        for (size_t a = 0; a < program->count; a++) {
            uint32_t line = program->asm_lines[a];
            if (line == 0 || line > assembly.line_count) continue;
            const hack_vm_line_origin *origin = &assembly.origins[line - 1];
            bool from_jack = origin->jack_line && origin->file < sources->count && sources->items[origin->file].origin_path;
            program->locations[a] = (hack_source_location){
                origin->line, origin->file, origin->command_start, origin->command_end,
                from_jack ? origin->jack_line : 0, from_jack ? jack_index[origin->file] : 0, origin->routine};
        }
        /* Name the kinds: the labels of function commands, the variables File.i of the sources. */
        size_t offset = 0;
        const char *line;
        size_t line_length;
        for (size_t index = 0; hack_textfile_next_line(assembly.text, assembly.length, &offset, &line, &line_length);
             index++) {
            if (index >= assembly.line_count || !assembly.origins[index].is_function || line_length < 3) continue;
            const hack_symbol *found = hack_symtab_find(&program->symbols, line + 1, line_length - 2);
            if (found) program->symbols.entries[found - program->symbols.entries].kind = HACK_SYMBOL_FUNCTION;
        }
        for (size_t i = 0; i < program->symbols.count; i++) {
            hack_symbol *symbol = &program->symbols.entries[i];
            for (size_t f = 0; symbol->kind == HACK_SYMBOL_VARIABLE && f < sources->count; f++) {
                name_ref stem = file_stem(&sources->items[f]);
                if (strncmp(symbol->name, stem.name, stem.length) == 0 && symbol->name[stem.length] == '.')
                    symbol->kind = HACK_SYMBOL_STATIC;
            }
        }
    }
    free(jack_index);
    hack_vm_assembly_free(&assembly);
    return ok;
}
