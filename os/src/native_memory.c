#include "hack/native_memory.h"

#include "hack/backtrace.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The head of the free list is a static (16..255 in the VM's mapping) or, without one, RAM[2047]: below the
 * heap, above the VM's registers. */
enum { HEAP_BASE = 2048, HEAP_END = 16384, FALLBACK_HEAD = 2047, HEAD_LOWEST = 16 };

struct hack_native_memory {
    hack_heap *heap;
    const hack_program *program;
    hack_native_memory_options options;
    int32_t sys_error; /* Sys.error's entry, -1 when the program has none */
    bool failed;
};

static int32_t function_address(const hack_program *program, const char *name)
{
    const hack_symbol *s = hack_symtab_find(&program->symbols, name, strlen(name));
    return s && (s->kind == HACK_SYMBOL_FUNCTION || s->kind == HACK_SYMBOL_LABEL) ? (int32_t)s->value : -1;
}

static void report(hack_native_memory *memory, hack_machine *machine, const char *what)
{
    if (!memory->options.message) return;
    char text[2048];
    int n = snprintf(text, sizeof text, "%s\n", what);
    if (n > 0 && (size_t)n < sizeof text) hack_backtrace(machine, memory->program, text + n, sizeof text - (size_t)n);
    memory->options.message(memory->options.message_context, text);
}

/* A failed call, reported with the Jack call stack: the heap's own account when it has one (which word is
 * corrupted, whose header a deAlloc was given), else what the status means. */
static void report_failure(hack_native_memory *memory, hack_machine *machine, const char *call, const char *note)
{
    const hack_heap_error *error = hack_heap_last_error(memory->heap);
    char what[400];
    snprintf(what, sizeof what, "%s: %s%s", call, error->text[0] ? error->text : hack_heap_status_text(error->status),
             note);
    report(memory, machine, what);
}

/* Heap corruption stops the run whatever the options say (--continue-after-bad-free, the heap check): the
 * program wrote over the heap's bookkeeping, and its Jack Memory would go on from words nobody can trust. */
static hack_hook_action stop_for_corruption(hack_native_memory *memory, hack_machine *machine, const char *call)
{
    report_failure(memory, machine, call, "");
    memory->failed = true;
    return HACK_HOOK_STOP;
}

/* The RAM index of the hooked call's argument i: ARG is the program's to set, so it is kept inside the RAM. */
static uint16_t argument_address(const hack_hook_event *event, int i)
{
    return (uint16_t)((event->arg + i) & (HACK_RAM_SIZE - 1));
}

static void tell(hack_native_memory *memory, hack_native_memory_event kind, uint16_t address, uint16_t words,
                 const char *why);

/* Sys.error(code) in the program's own Jack code, so the screen shows ERR<code> as the OS specifies: the
 * hooked call's one argument becomes the code and Sys.error is entered in its place. */
static hack_hook_action raise_error(hack_native_memory *memory, hack_machine *machine, const hack_hook_event *event,
                                    int code)
{
    memory->failed = true;
    if (memory->sys_error < 0 || event->count != 1) return HACK_HOOK_STOP;
    hack_machine_set_ram(machine, argument_address(event, 0), (uint16_t)code);
    hack_machine_set_pc(machine, (uint16_t)memory->sys_error);
    tell(memory, HACK_MEMORY_SYS_ERROR, (uint16_t)code, 0, NULL);
    return HACK_HOOK_JUMP;
}

static int16_t argument(const hack_machine *machine, const hack_hook_event *event, int i)
{
    uint16_t v = event->count > i ? hack_machine_ram(machine, argument_address(event, i)) : 0;
    return (int16_t)(v >= 0x8000u ? (int)v - 0x10000 : (int)v);
}

static void tell(hack_native_memory *memory, hack_native_memory_event kind, uint16_t address, uint16_t words,
                 const char *why)
{
    if (memory->options.event) memory->options.event(memory->options.event_context, kind, address, words, why);
}

/* The checker's hold (hack_native_memory_options): the call was held before, or a finding holds it now. */
static bool entered_held_call(const hack_native_memory *memory)
{
    return memory->options.entered && memory->options.entered(memory->options.event_context);
}

static bool held(const hack_native_memory *memory)
{
    return memory->options.held && memory->options.held(memory->options.event_context);
}

static hack_hook_action memory_init(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    (void)machine;
    (void)event;
    hack_heap_init(((hack_native_memory *)context)->heap);
    tell(context, HACK_MEMORY_INIT, 0, 0, NULL);
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action memory_alloc(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    hack_native_memory *memory = context;
    int16_t size = argument(machine, event, 0);
    uint16_t address;
    hack_heap_status status = hack_heap_alloc(memory->heap, size, &address);
    if (status == HACK_HEAP_OK) {
        tell(memory, HACK_MEMORY_ALLOC, address, (uint16_t)size, NULL);
        *value = address;
        return HACK_HOOK_RETURN;
    }
    char call[32];
    snprintf(call, sizeof call, "Memory.alloc(%d)", (int)size);
    if (status == HACK_HEAP_CORRUPT) return stop_for_corruption(memory, machine, call);
    report_failure(memory, machine, call, "");
    return raise_error(memory, machine, event, status == HACK_HEAP_BAD_SIZE ? 5 : 6);
}

static hack_hook_action memory_free(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    hack_native_memory *memory = context;
    uint16_t address = (uint16_t)argument(machine, event, 0);
    hack_heap_status status = hack_heap_free(memory->heap, address);
    *value = 0;
    if (status == HACK_HEAP_OK) {
        tell(memory, HACK_MEMORY_FREE, address, 0, NULL);
        return HACK_HOOK_RETURN;
    }
    char call[32];
    snprintf(call, sizeof call, "Memory.deAlloc(%u)", (unsigned)address);
    if (status == HACK_HEAP_CORRUPT) return stop_for_corruption(memory, machine, call);
    if (entered_held_call(memory)) return HACK_HOOK_RETURN; /* told when the run was held here: ignored now */
    tell(memory, HACK_MEMORY_BAD_FREE, address, 0, hack_heap_status_text(status));
    if (held(memory)) return HACK_HOOK_STOP;
    if (!memory->options.bad_free_reported_by_event)
        report_failure(memory, machine, call, memory->options.continue_after_bad_free ? " (ignored)" : "");
    if (memory->options.continue_after_bad_free) return HACK_HOOK_RETURN;
    memory->failed = true;
    return HACK_HOOK_STOP;
}

static hack_hook_action memory_defrag(void *context, hack_machine *machine, const hack_hook_event *event,
                                      uint16_t *value)
{
    (void)event;
    hack_native_memory *memory = context;
    *value = 0;
    if (hack_heap_defrag(memory->heap) != HACK_HEAP_OK) return stop_for_corruption(memory, machine, "Memory.defrag()");
    return HACK_HOOK_RETURN;
}

static hack_hook_action memory_largest(void *context, hack_machine *machine, const hack_hook_event *event,
                                       uint16_t *value)
{
    (void)event;
    hack_native_memory *memory = context;
    if (hack_heap_largest_free(memory->heap, value) != HACK_HEAP_OK)
        return stop_for_corruption(memory, machine, "Memory.largestFree()");
    return HACK_HOOK_RETURN;
}

/* peek and poke are told to the event receiver first: they reach any word, as the program's own code would,
 * so the heap check sees them as it sees the program's reads and writes */
/* An address peek or poke cannot reach as the Jack OS's `ram[address]` would (above the keyboard, or negative):
 * the function's own Jack code runs instead, so the machine reports it exactly as under --os=jack (the fault
 * with Memory.poke's line in strict mode; in relaxed mode, -1 read and the write ignored). */
static bool beyond_memory(const hack_machine *machine, const hack_hook_event *event)
{
    return (uint16_t)argument(machine, event, 0) > HACK_KBD;
}

static hack_hook_action memory_peek(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    if (beyond_memory(machine, event)) return HACK_HOOK_PROCEED;
    uint16_t address = (uint16_t)argument(machine, event, 0) & (HACK_RAM_SIZE - 1);
    if (!entered_held_call(context)) {
        tell(context, HACK_MEMORY_PEEK, address, 0, NULL);
        if (held(context)) return HACK_HOOK_STOP;
    }
    *value = hack_machine_ram(machine, address);
    return HACK_HOOK_RETURN;
}

static hack_hook_action memory_poke(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    if (beyond_memory(machine, event)) return HACK_HOOK_PROCEED;
    uint16_t address = (uint16_t)argument(machine, event, 0) & (HACK_RAM_SIZE - 1);
    if (!entered_held_call(context)) {
        tell(context, HACK_MEMORY_POKE, address, (uint16_t)argument(machine, event, 1), NULL);
        if (held(context)) return HACK_HOOK_STOP;
    }
    hack_machine_set_ram(machine, address, (uint16_t)argument(machine, event, 1));
    *value = 0;
    return HACK_HOOK_RETURN;
}

static const struct {
    const char *name;
    hack_hook_fn fn;
} hooked_functions[] = {
    {"Memory.init", memory_init},       {"Memory.alloc", memory_alloc}, {"Memory.deAlloc", memory_free},
    {"Memory.defrag", memory_defrag},   {"Memory.peek", memory_peek},   {"Memory.poke", memory_poke},
    {"Memory.largestFree", memory_largest},
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void refuse(const hack_native_memory_options *options, const char *format, ...)
{
    if (!options->message) return;
    char text[400];
    int n = snprintf(text, sizeof text, "the native Memory is not bound: ");
    va_list args;
    va_start(args, format);
    if (n > 0 && (size_t)n < sizeof text) vsnprintf(text + n, sizeof text - (size_t)n, format, args);
    va_end(args);
    options->message(options->message_context, text);
}

static bool in_rom(const hack_program *program, const hack_native_memory_options *options, const char *name)
{
    int32_t address = function_address(program, name);
    if (address < HACK_ROM_SIZE) return true;
    refuse(options, "the program's symbols put %s at ROM address %d, past the end of the ROM (%d words)", name,
           (int)address, HACK_ROM_SIZE);
    return false;
}

/* The addresses the program's symbols give, checked before anything indexes with them: a .sym is input like
 * any other, and a hostile one could put a function past the ROM (Sys.error is jumped to) or the free-list
 * head past the RAM or inside the heap. */
static bool addresses_valid(const hack_program *program, const hack_native_memory_options *options, int32_t head)
{
    for (size_t i = 0; i < sizeof hooked_functions / sizeof hooked_functions[0]; i++)
        if (!in_rom(program, options, hooked_functions[i].name)) return false;
    if (!in_rom(program, options, "Sys.error")) return false;
    if (head < HEAD_LOWEST || head >= HEAP_BASE) {
        refuse(options, "the program's symbols put Memory.0, the head of the free list, at RAM[%d], outside the "
                        "statics and the stack (%d..%d)",
               (int)head, HEAD_LOWEST, HEAP_BASE - 1);
        return false;
    }
    return true;
}

/* Where the program keeps the head of the free list: its Memory.0, else RAM[2047]. */
static int32_t head_address_of(const hack_program *program)
{
    const hack_symbol *head = hack_symtab_find(&program->symbols, "Memory.0", 8);
    return head && head->kind == HACK_SYMBOL_STATIC ? head->value : FALLBACK_HEAD;
}

bool hack_native_memory_applies(const hack_program *program)
{
    assert(program);
    const hack_native_memory_options quiet = {0}; /* (no message: nothing is refused here) */
    return function_address(program, "Memory.alloc") >= 0 && addresses_valid(program, &quiet, head_address_of(program));
}

hack_native_memory *hack_native_memory_bind(hack_machine *machine, const hack_program *program,
                                            const hack_native_memory_options *options)
{
    assert(machine && program && options);
    if (function_address(program, "Memory.alloc") < 0) return NULL;
    int32_t head_address = head_address_of(program);
    if (!addresses_valid(program, options, head_address)) return NULL;
    hack_native_memory *memory = calloc(1, sizeof *memory);
    if (!memory) return NULL;
    memory->program = program;
    memory->options = *options;
    memory->sys_error = function_address(program, "Sys.error");
    memory->heap =
        hack_heap_create(hack_machine_ram_in_place(machine), HEAP_BASE, HEAP_END, head_address, options->policy);
    if (!memory->heap) {
        free(memory);
        return NULL;
    }
    /* A program may call alloc before init (or have no init): start with an empty heap. */
    hack_heap_init(memory->heap);
    for (size_t i = 0; i < sizeof hooked_functions / sizeof hooked_functions[0]; i++) {
        int32_t address = function_address(program, hooked_functions[i].name);
        if (address >= 0 &&
            !hack_machine_bind_hook(machine, (uint16_t)address, HACK_HOOK_REPLACE, hooked_functions[i].fn, memory)) {
            hack_native_memory_free(memory); /* all or none: the caller clears the hooks bound so far */
            return NULL;
        }
    }
    return memory;
}

void hack_native_memory_free(hack_native_memory *memory)
{
    if (!memory) return;
    hack_heap_destroy(memory->heap);
    free(memory);
}

hack_heap *hack_native_memory_heap(hack_native_memory *memory)
{
    return memory->heap;
}

bool hack_native_memory_failed(const hack_native_memory *memory)
{
    return memory && memory->failed;
}
