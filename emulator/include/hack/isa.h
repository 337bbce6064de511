/* The Hack instruction set: one description shared by the assembler, the disassembler, the core's decoder
 * and the tests.
 *
 *   A-instruction   0vvv vvvv vvvv vvvv    A := v (15 bits)
 *   C-instruction   111a cccc ccdd djjj
 *                      |  |      |  +-- j1 j2 j3: jump if out < 0, out = 0, out > 0
 *                      |  |      +----- d1 d2 d3: store out in A, D, M (M at the A held before the instruction)
 *                      |  +------------ c1..c6 = zx nx zy ny f no (all 64 combinations are defined)
 *                      +--------------- y operand: 0 = A, 1 = M
 *   Any other word with bit 15 set (bits 14..13 not both 1) is illegal.
 */
#ifndef HACK_ISA_H
#define HACK_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    HACK_ROM_SIZE = 32768,
    HACK_RAM_SIZE = 32768,
    HACK_SCREEN = 16384,
    HACK_SCREEN_WORDS = 8192,
    HACK_KBD = 24576,
    HACK_SCREEN_WIDTH = 512,
    HACK_SCREEN_HEIGHT = 256,
    /* the VM's static segment: RAM 16..255, shared by all of a program's classes (the stack starts at 256) */
    HACK_STATIC_BASE = 16,
    HACK_STATIC_WORDS = 240,
};

/* Bit fields of a C-instruction. */
#define HACK_C_PREFIX 0xE000u
#define HACK_IS_A_INSTR(w) (((w) & 0x8000u) == 0)
#define HACK_IS_C_INSTR(w) (((w) & 0xE000u) == 0xE000u)
#define HACK_COMP(w) (((w) >> 6) & 0x7Fu) /* a c1 c2 c3 c4 c5 c6 */
#define HACK_DEST(w) (((w) >> 3) & 0x7u)
#define HACK_JUMP(w) ((w) & 0x7u)
#define HACK_DEST_A 4u
#define HACK_DEST_D 2u
#define HACK_DEST_M 1u
#define HACK_COMP_USES_M(comp) (((comp) & 0x40u) != 0)

/* The 28 documented computations: X(name, mnemonic, comp bits a+c1..c6, value as an expression of the
 * operands d and y, where y is A or M as the a bit says). */
#define HACK_COMP_TABLE(X)              \
    X(ZERO, "0", 0x2A, 0)               \
    X(ONE, "1", 0x3F, 1)                \
    X(NEG_ONE, "-1", 0x3A, 0xFFFFu)     \
    X(D, "D", 0x0C, d)                  \
    X(A, "A", 0x30, y)                  \
    X(M, "M", 0x70, y)                  \
    X(NOT_D, "!D", 0x0D, ~d)            \
    X(NOT_A, "!A", 0x31, ~y)            \
    X(NOT_M, "!M", 0x71, ~y)            \
    X(NEG_D, "-D", 0x0F, 0u - d)        \
    X(NEG_A, "-A", 0x33, 0u - y)        \
    X(NEG_M, "-M", 0x73, 0u - y)        \
    X(D_PLUS_1, "D+1", 0x1F, d + 1u)    \
    X(A_PLUS_1, "A+1", 0x37, y + 1u)    \
    X(M_PLUS_1, "M+1", 0x77, y + 1u)    \
    X(D_MINUS_1, "D-1", 0x0E, d - 1u)   \
    X(A_MINUS_1, "A-1", 0x32, y - 1u)   \
    X(M_MINUS_1, "M-1", 0x72, y - 1u)   \
    X(D_PLUS_A, "D+A", 0x02, d + y)     \
    X(D_PLUS_M, "D+M", 0x42, d + y)     \
    X(D_MINUS_A, "D-A", 0x13, d - y)    \
    X(D_MINUS_M, "D-M", 0x53, d - y)    \
    X(A_MINUS_D, "A-D", 0x07, y - d)    \
    X(M_MINUS_D, "M-D", 0x47, y - d)    \
    X(D_AND_A, "D&A", 0x00, d & y)      \
    X(D_AND_M, "D&M", 0x40, d & y)      \
    X(D_OR_A, "D|A", 0x15, d | y)       \
    X(D_OR_M, "D|M", 0x55, d | y)

/* Jump mnemonics, indexed by j1j2j3 (index 0 = no jump). */
#define HACK_JUMP_TABLE(X) \
    X(NONE, "", 0)         \
    X(JGT, "JGT", 1)       \
    X(JEQ, "JEQ", 2)       \
    X(JGE, "JGE", 3)       \
    X(JLT, "JLT", 4)       \
    X(JNE, "JNE", 5)       \
    X(JLE, "JLE", 6)       \
    X(JMP, "JMP", 7)

/* The assembly language's predefined symbols: X(name, value). The assembler resolves them, and every front
 * end that takes an address from a user (hack_session_resolve_address) accepts them. */
#define HACK_PREDEFINED_SYMBOL_TABLE(X)                                                                     \
    X("SP", 0) X("LCL", 1) X("ARG", 2) X("THIS", 3) X("THAT", 4)                                            \
    X("R0", 0) X("R1", 1) X("R2", 2) X("R3", 3) X("R4", 4) X("R5", 5) X("R6", 6) X("R7", 7)                 \
    X("R8", 8) X("R9", 9) X("R10", 10) X("R11", 11) X("R12", 12) X("R13", 13) X("R14", 14) X("R15", 15)     \
    X("SCREEN", HACK_SCREEN) X("KBD", HACK_KBD)

/* The ALU as the hardware defines it, for any 6 control bits (c1..c6 in bits 5..0). */
uint16_t hack_alu(unsigned control, uint16_t x, uint16_t y);

/* Whether a jump with bits j1j2j3 is taken for this ALU output. */
bool hack_jump_taken(unsigned jump, uint16_t out);

/* Mnemonic of a 7-bit comp (a + c1..c6), or NULL when it is not one of the 28 documented ones. */
const char *hack_comp_mnemonic(unsigned comp);

/* Comp bits for one of the 28 documented mnemonics of length len, or -1. */
int hack_comp_lookup(const char *mnemonic, size_t len);

/* Dest bits for a set of the letters A, D, M in any order, each at most once ("" = 0), or -1. */
int hack_dest_lookup(const char *letters, size_t len);

/* Jump bits for "JGT".."JMP", or -1. */
int hack_jump_lookup(const char *mnemonic, size_t len);

/* The value of the predefined symbol name (len bytes: SP, LCL, ARG, THIS, THAT, R0..R15, SCREEN, KBD, case
 * sensitive) in *value; false when name is none of them. */
bool hack_predefined_symbol(const char *name, size_t len, uint16_t *value);

/* Writes a readable form of an instruction word ("@17", "AM=M-1", "D;JGT", "illegal 0x8000"; undocumented
 * computations as "comp(0b1101110)"). Returns what snprintf would return. */
int hack_disassemble(uint16_t word, char *buf, size_t size);

#endif
