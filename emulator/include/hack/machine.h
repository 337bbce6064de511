/* The Hack computer: 32K ROM, 32K RAM words (screen and keyboard mapped in), A, D, PC and a cycle counter.
 * The caller owns the machine; nothing here prints, exits, sleeps or reads a clock. */
#ifndef HACK_MACHINE_H
#define HACK_MACHINE_H

#include "hack/isa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HACK_FAULT_NONE,
    HACK_FAULT_ILLEGAL_INSTRUCTION, /* bit 15 set, bits 14..13 not both 1 */
    HACK_FAULT_BAD_READ,            /* M read at an address above the keyboard */
    HACK_FAULT_BAD_WRITE,           /* M written at an address above the keyboard */
    HACK_FAULT_JUMP_PAST_ROM,       /* jump to an address >= 32768 */
    HACK_FAULT_PC_PAST_ROM,         /* ran off the end of ROM */
} hack_fault_kind;

typedef struct {
    hack_fault_kind kind;
    uint16_t pc;          /* the instruction at fault */
    uint16_t instruction; /* its word */
    uint32_t address;     /* the memory address or jump target involved */
} hack_fault;

typedef enum {
    HACK_STOP_BUDGET, /* the cycle budget is spent */
    HACK_STOP_HALT,   /* reached the halt idiom (L) @L 0;JMP: PC is at the @L */
    HACK_STOP_FAULT,  /* machine error: see machine->fault; PC is at the faulting instruction */
    HACK_STOP_PROGRAM_END, /* PC reached the first word after the loaded program (a program with no halt loop) */
} hack_stop_reason;

typedef struct {
    hack_stop_reason reason;
    uint64_t cycles; /* instructions executed by this call */
} hack_run_result;

typedef struct hack_decoded_op hack_decoded_op; /* private: the ROM decoded for the run loop */

typedef struct {
    uint16_t rom[HACK_ROM_SIZE];
    uint16_t ram[HACK_RAM_SIZE];
    uint16_t a, d;
    uint16_t pc;     /* 0..32767; 32768 only after running off the end of ROM */
    uint64_t cycles; /* instructions executed since reset */
    bool relaxed;    /* true: no faults, as the course's web IDE: reads above the keyboard give 0xFFFF, writes
                        there are ignored, illegal words run as C-instructions (as the hardware decodes them),
                        jump targets and the PC wrap to 15 bits */
    bool stop_on_halt; /* true (default): run() stops at the halt idiom instead of spinning in it */
    bool stop_at_program_end; /* true (default): run() stops when PC reaches program_size (the hardware would
                                 go on through the zeros of empty ROM, as @0 instructions) */
    uint32_t program_size; /* words loaded */
    hack_fault fault;
    hack_decoded_op *decoded; /* HACK_ROM_SIZE + 1 entries */
} hack_machine;

/* A new machine with ROM, RAM and registers cleared, or NULL when memory ran out. */
hack_machine *hack_machine_create(void);
void hack_machine_destroy(hack_machine *machine);

/* Puts count words in ROM (the rest is zeroed) and resets A, D, PC, the cycle count and the fault. RAM is kept
 * (as the course's emulator does), apart from the screen, which is cleared. count <= HACK_ROM_SIZE. */
void hack_machine_load(hack_machine *machine, const uint16_t *words, size_t count);

/* Changes one ROM word after loading (keeps the decoded ROM in step; a word past the end extends the program). */
void hack_machine_poke_rom(hack_machine *machine, uint16_t address, uint16_t word);

/* A, D, PC, cycles and fault to zero; RAM and ROM untouched. */
void hack_machine_reset(hack_machine *machine);

/* Runs at most budget instructions. Stops early at a fault, or at the halt idiom when stop_on_halt is set. */
hack_run_result hack_machine_run(hack_machine *machine, uint64_t budget);

/* Executes exactly one instruction by the reference (slow, undecoded) path; false on a fault. */
bool hack_machine_step(hack_machine *machine);

/* A one-line description of the machine's fault: "PC 12 (0xFC10 AM=M-1): read of RAM[30000] above the
 * keyboard (24576)". Returns what snprintf would return. */
int hack_fault_describe(const hack_fault *fault, char *buf, size_t size);

#endif
