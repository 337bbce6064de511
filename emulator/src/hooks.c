/* Hooks: native functions bound to ROM addresses. A hooked address decodes to K_HOOK; the run loop calls
 * hack_hooks_dispatch there and nowhere else. Observe hooks see the result by trapping the return address
 * until the matching return lands there (matched by the stack pointer, so recursion is fine); one that stops
 * the run there keeps the trap, so the next run shows it the result again. */
#include "machine_private.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint16_t address;
    hack_hook_kind kind;
    hack_hook_fn fn;
    void *context;
} hook_entry;

typedef struct {
    uint16_t return_address, arg;
    uint32_t hook;
} pending_return;

struct hack_hook_table {
    hook_entry *entries;
    size_t count, capacity;
    int32_t *index_at;    /* per ROM address: hook index, -1 for none */
    uint16_t *traps_at;   /* per ROM address: pending returns that land there */
    pending_return *pending;
    size_t pending_count, pending_capacity;
};

bool hack_hooks_at(const hack_machine *machine, uint32_t address)
{
    const hack_hook_table *t = machine->hooks;
    return t && address < HACK_ROM_SIZE && (t->index_at[address] >= 0 || t->traps_at[address] > 0);
}

static void redecode_around(hack_machine *machine, uint16_t address)
{
    hack_decode_at(machine, address);
    if (address > 0) hack_decode_at(machine, address - 1u); /* it must not fuse across a hooked address */
}

bool hack_machine_add_hook(hack_machine *machine, uint16_t address, hack_hook_kind kind, hack_hook_fn fn,
                           void *context)
{
    if (address >= HACK_ROM_SIZE || !fn) return false;
    hack_hook_table *t = machine->hooks;
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t) return false;
        t->index_at = malloc(HACK_ROM_SIZE * sizeof *t->index_at);
        t->traps_at = calloc(HACK_ROM_SIZE, sizeof *t->traps_at);
        if (!t->index_at || !t->traps_at) {
            free(t->index_at);
            free(t->traps_at);
            free(t);
            return false;
        }
        for (size_t i = 0; i < HACK_ROM_SIZE; i++) t->index_at[i] = -1;
        machine->hooks = t;
    }
    if (t->index_at[address] >= 0) return false;
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 16;
        hook_entry *grown = realloc(t->entries, capacity * sizeof *grown);
        if (!grown) return false;
        t->entries = grown;
        t->capacity = capacity;
    }
    t->entries[t->count] = (hook_entry){address, kind, fn, context};
    t->index_at[address] = (int32_t)t->count++;
    redecode_around(machine, address);
    return true;
}

void hack_machine_clear_hooks(hack_machine *machine)
{
    hack_hook_table *t = machine->hooks;
    if (!t) return;
    machine->hooks = NULL;
    for (size_t i = 0; i < t->count; i++) redecode_around(machine, t->entries[i].address);
    for (size_t i = 0; i < t->pending_count; i++) redecode_around(machine, t->pending[i].return_address);
    free(t->entries);
    free(t->index_at);
    free(t->traps_at);
    free(t->pending);
    free(t);
}

bool hack_machine_vm_return(hack_machine *machine, uint16_t value)
{
    uint16_t *ram = machine->ram;
    uint16_t frame = ram[1], arg = ram[2];
    if (frame < 5 || frame >= HACK_SCREEN || arg >= HACK_SCREEN) return false;
    uint16_t return_address = ram[frame - 5];
    if (return_address >= HACK_ROM_SIZE) return false;
    ram[arg] = value;
    ram[0] = (uint16_t)(arg + 1);
    ram[4] = ram[frame - 1];
    ram[3] = ram[frame - 2];
    ram[2] = ram[frame - 3];
    ram[1] = ram[frame - 4];
    machine->pc = return_address;
    return true;
}

/* The call as the VM convention lays it out. LCL and ARG are whatever the program left there: an ARG past
 * the RAM is folded into it, and the arguments counted only up to the end of RAM, so that a hook reading
 * RAM[arg + i] (i < count) stays inside the machine. */
static hack_hook_event call_event(const hack_machine *machine, uint16_t address)
{
    uint16_t lcl = machine->ram[1], arg = machine->ram[2] & (HACK_RAM_SIZE - 1);
    uint32_t count = lcl < HACK_RAM_SIZE && lcl >= arg + 5u ? lcl - arg - 5u : 0u;
    return (hack_hook_event){HACK_HOOK_CALL, address, arg, (uint16_t)count, 0};
}

/* What the run loop does after a hook: */
hack_hook_outcome hack_hooks_dispatch(hack_machine *machine)
{
    hack_hook_table *t = machine->hooks;
    const uint16_t pc = machine->pc;
    /* 1. a return an observe hook waits for lands here */
    while (t->traps_at[pc] > 0 && t->pending_count > 0) {
        pending_return *top = &t->pending[t->pending_count - 1];
        if (top->return_address != pc || machine->ram[0] != (uint16_t)(top->arg + 1)) break;
        const hook_entry *hook = &t->entries[top->hook];
        hack_hook_event event = {HACK_HOOK_RESULT, hook->address, top->arg, 0, machine->ram[top->arg]};
        uint16_t ignored = 0;
        /* STOP holds the caller at the return: the return stays pending, and the next run sees it again */
        if (hook->fn(hook->context, machine, &event, &ignored) == HACK_HOOK_STOP) return HACK_HOOK_OUTCOME_STOP;
        t->pending_count--;
        if (--t->traps_at[pc] == 0) redecode_around(machine, pc);
    }
    /* 2. a hooked function is entered */
    int32_t index = t->index_at[pc];
    if (index < 0) return HACK_HOOK_OUTCOME_EXECUTE;
    hook_entry hook = t->entries[index];
    hack_hook_event event = call_event(machine, pc);
    uint16_t value = 0;
    hack_hook_action action = hook.fn(hook.context, machine, &event, &value);
    switch (action) {
    case HACK_HOOK_RETURN:
        if (!hack_machine_vm_return(machine, value)) {
            machine->fault = (hack_fault){HACK_FAULT_BAD_FRAME, pc, machine->rom[pc], machine->ram[1]};
            return HACK_HOOK_OUTCOME_FAULT;
        }
        return HACK_HOOK_OUTCOME_RESUME;
    case HACK_HOOK_STOP: return HACK_HOOK_OUTCOME_STOP;
    case HACK_HOOK_JUMP: return HACK_HOOK_OUTCOME_RESUME;
    case HACK_HOOK_PROCEED:
        if (hook.kind == HACK_HOOK_OBSERVE && machine->ram[1] >= 5 && machine->ram[1] < HACK_RAM_SIZE) {
            uint16_t return_address = machine->ram[machine->ram[1] - 5];
            if (return_address < HACK_ROM_SIZE) {
                if (t->pending_count == t->pending_capacity) {
                    size_t capacity = t->pending_capacity ? t->pending_capacity * 2 : 64;
                    pending_return *grown = realloc(t->pending, capacity * sizeof *grown);
                    if (!grown) return HACK_HOOK_OUTCOME_EXECUTE; /* the result goes unseen */
                    t->pending = grown;
                    t->pending_capacity = capacity;
                }
                t->pending[t->pending_count++] = (pending_return){return_address, event.arg, (uint32_t)index};
                if (t->traps_at[return_address]++ == 0) redecode_around(machine, return_address);
            }
        }
        return HACK_HOOK_OUTCOME_EXECUTE;
    }
    return HACK_HOOK_OUTCOME_EXECUTE;
}

bool hack_machine_bind_hook(hack_machine *machine, uint16_t address, hack_hook_kind kind, hack_hook_fn fn,
                            void *context)
{
    return hack_machine_add_hook(machine, address, kind, fn, context) || hack_machine_hooked(machine, address);
}

bool hack_machine_hooked(const hack_machine *machine, uint16_t address)
{
    return machine->hooks && hack_hooks_at(machine, address);
}

bool hack_machine_replaced(const hack_machine *machine, uint16_t address)
{
    const hack_hook_table *t = machine->hooks;
    return t && address < HACK_ROM_SIZE && t->index_at[address] >= 0 &&
           t->entries[t->index_at[address]].kind == HACK_HOOK_REPLACE;
}
