#include "machine_private.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hack_machine *hack_machine_create(void)
{
    hack_machine *machine = calloc(1, sizeof *machine);
    if (!machine) return NULL;
    machine->decoded = calloc(HACK_ROM_SIZE + 1, sizeof *machine->decoded);
    if (!machine->decoded) {
        free(machine);
        return NULL;
    }
    machine->stop_on_halt = true;
    machine->stop_at_program_end = true;
    for (uint32_t pc = 0; pc <= HACK_ROM_SIZE; pc++) hack_decode_at(machine, pc); /* ROM all zero */
    hack_machine_reset(machine);
    return machine;
}

void hack_machine_destroy(hack_machine *machine)
{
    if (!machine) return;
    hack_machine_clear_hooks(machine);
    hack_tier_free(machine);
    free(machine->breakpoints);
    free(machine->decoded);
    free(machine);
}

void hack_machine_reset(hack_machine *machine)
{
    machine->a = 0;
    machine->d = 0;
    machine->pc = 0;
    machine->cycles = 0;
    machine->fault = (hack_fault){0};
}

void hack_machine_load(hack_machine *machine, const uint16_t *words, size_t count)
{
    assert(machine && (words || count == 0) && count <= HACK_ROM_SIZE);
    if (count > HACK_ROM_SIZE) count = HACK_ROM_SIZE;
    hack_tier_forget(machine);
    hack_machine_clear_hooks(machine);
    hack_machine_clear_breakpoints(machine);
    /* Every ROM word at or above program_size is zero (pokes past the end extend the program), and decoded as
     * such: only the words below the larger of the old and the new size need copying, clearing and decoding,
     * which makes loading a small program cheap (test scripts and tests load many). */
    const uint32_t old_size = machine->program_size;
    if (count) memcpy(machine->rom, words, count * sizeof *words);
    if (old_size > count) memset(machine->rom + count, 0, (old_size - count) * sizeof *words);
    memset(machine->ram + HACK_SCREEN, 0, HACK_SCREEN_WORDS * sizeof machine->ram[0]);
    machine->program_size = (uint32_t)count;
    const uint32_t extent = old_size > count ? old_size : (uint32_t)count;
    for (uint32_t pc = 0; pc <= extent && pc <= HACK_ROM_SIZE; pc++) hack_decode_at(machine, pc);
    hack_machine_reset(machine);
}

void hack_machine_poke_rom(hack_machine *machine, uint16_t address, uint16_t word)
{
    address &= HACK_ROM_SIZE - 1;
    machine->rom[address] = word;
    hack_tier_rom_changed(machine);
    if (address >= machine->program_size) {
        uint32_t old_end = machine->program_size;
        machine->program_size = address + 1u;
        hack_decode_at(machine, old_end);
        if (machine->program_size < HACK_ROM_SIZE) hack_decode_at(machine, machine->program_size);
    }
    hack_decode_at(machine, address);
    if (address > 0) hack_decode_at(machine, address - 1u); /* it may fuse with the word it follows */
}

bool hack_machine_set_breakpoint(hack_machine *machine, uint16_t address, bool on)
{
    if (address >= HACK_ROM_SIZE) return false;
    if (!machine->breakpoints) {
        if (!on) return true;
        machine->breakpoints = calloc(HACK_ROM_SIZE, 1);
        if (!machine->breakpoints) return false;
    }
    if ((machine->breakpoints[address] != 0) == on) return true;
    machine->breakpoints[address] = on;
    if (on)
        machine->breakpoint_count++;
    else
        machine->breakpoint_count--;
    hack_decode_at(machine, address);
    if (address > 0) hack_decode_at(machine, address - 1u); /* the word before must not fuse across it */
    return true;
}

bool hack_machine_breakpoint_at(const hack_machine *machine, uint16_t address)
{
    return machine->breakpoints && address < HACK_ROM_SIZE && machine->breakpoints[address];
}

void hack_machine_clear_breakpoints(hack_machine *machine)
{
    if (!machine->breakpoints) return;
    for (uint32_t address = 0; address < HACK_ROM_SIZE && machine->breakpoint_count; address++)
        if (machine->breakpoints[address]) hack_machine_set_breakpoint(machine, (uint16_t)address, false);
}

static bool fail(hack_machine *machine, hack_fault_kind kind, uint16_t word, uint32_t address)
{
    machine->fault = (hack_fault){kind, machine->pc, word, address};
    return false;
}

bool hack_step_uncounted(hack_machine *machine)
{
    const bool relaxed = machine->relaxed;
    if (machine->pc >= HACK_ROM_SIZE) {
        if (!relaxed) return fail(machine, HACK_FAULT_PC_PAST_ROM, 0, machine->pc);
        machine->pc &= HACK_ROM_SIZE - 1;
    }
    const uint16_t word = machine->rom[machine->pc];
    if (HACK_IS_A_INSTR(word)) {
        machine->a = word;
        machine->pc++;
        return true;
    }
    if (!HACK_IS_C_INSTR(word) && !relaxed) return fail(machine, HACK_FAULT_ILLEGAL_INSTRUCTION, word, 0);

    const unsigned comp = HACK_COMP(word), dest = HACK_DEST(word), jump = HACK_JUMP(word);
    const uint16_t old_a = machine->a;
    const bool address_ok = old_a <= HACK_KBD;
    uint16_t y = old_a;
    if (HACK_COMP_USES_M(comp)) {
        if (!address_ok && !relaxed) return fail(machine, HACK_FAULT_BAD_READ, word, old_a);
        y = address_ok ? machine->ram[old_a] : 0xFFFFu;
    }
    const uint16_t out = hack_alu(comp & 0x3Fu, machine->d, y);
    if ((dest & HACK_DEST_M) && !address_ok && !relaxed) return fail(machine, HACK_FAULT_BAD_WRITE, word, old_a);
    const bool taken = hack_jump_taken(jump, out);
    if (taken && old_a >= HACK_ROM_SIZE && !relaxed) return fail(machine, HACK_FAULT_JUMP_PAST_ROM, word, old_a);

    if ((dest & HACK_DEST_M) && address_ok) machine->ram[old_a] = out;
    if (dest & HACK_DEST_A) machine->a = out;
    if (dest & HACK_DEST_D) machine->d = out;
    machine->pc = taken ? (uint16_t)(old_a & (HACK_ROM_SIZE - 1)) : (uint16_t)(machine->pc + 1);
    return true;
}

bool hack_machine_step(hack_machine *machine)
{
    if (!hack_step_uncounted(machine)) return false;
    machine->cycles++;
    return true;
}

int hack_fault_describe(const hack_fault *fault, char *buf, size_t size)
{
    char text[40];
    hack_disassemble(fault->instruction, text, sizeof text);
    switch (fault->kind) {
    case HACK_FAULT_NONE: return snprintf(buf, size, "no fault");
    case HACK_FAULT_ILLEGAL_INSTRUCTION:
        hack_disassemble((uint16_t)(fault->instruction | 0x6000u), text, sizeof text);
        return snprintf(buf, size,
                        "PC %u: illegal instruction 0x%04X (bit 15 set but bits 14..13 are not 11; the hardware "
                        "would run it as %s)",
                        (unsigned)fault->pc, (unsigned)fault->instruction, text);
    case HACK_FAULT_BAD_READ:
    case HACK_FAULT_BAD_WRITE:
        return snprintf(buf, size, "PC %u (0x%04X %s): %s RAM[%u], above the keyboard (%d)", (unsigned)fault->pc,
                        (unsigned)fault->instruction, text,
                        fault->kind == HACK_FAULT_BAD_READ ? "read of" : "write to", (unsigned)fault->address,
                        HACK_KBD);
    case HACK_FAULT_JUMP_PAST_ROM:
        return snprintf(buf, size, "PC %u (0x%04X %s): jump to %u, past the end of ROM (32767)",
                        (unsigned)fault->pc, (unsigned)fault->instruction, text, (unsigned)fault->address);
    case HACK_FAULT_PC_PAST_ROM:
        return snprintf(buf, size, "PC %u: ran past the end of ROM (32767)", (unsigned)fault->pc);
    case HACK_FAULT_BAD_FRAME:
        return snprintf(buf, size, "PC %u: a native function cannot return: LCL (%u) is not a VM frame",
                        (unsigned)fault->pc, (unsigned)fault->address);
    }
    return snprintf(buf, size, "unknown fault");
}
