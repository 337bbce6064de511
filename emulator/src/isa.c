#include "hack/isa.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

uint16_t hack_alu(unsigned control, uint16_t x, uint16_t y)
{
    if (control & 0x20u) x = 0;          /* zx */
    if (control & 0x10u) x = (uint16_t)~x; /* nx */
    if (control & 0x08u) y = 0;          /* zy */
    if (control & 0x04u) y = (uint16_t)~y; /* ny */
    uint16_t out = (control & 0x02u) ? (uint16_t)(x + y) : (uint16_t)(x & y); /* f */
    if (control & 0x01u) out = (uint16_t)~out; /* no */
    return out;
}

bool hack_jump_taken(unsigned jump, uint16_t out)
{
    if (out & 0x8000u) return (jump & 4u) != 0;
    if (out == 0) return (jump & 2u) != 0;
    return (jump & 1u) != 0;
}

typedef struct {
    const char *mnemonic;
    unsigned bits;
} comp_entry;

static const comp_entry comp_table[] = {
#define COMP_ENTRY(name, mnemonic, bits, value) {mnemonic, bits},
    HACK_COMP_TABLE(COMP_ENTRY)
#undef COMP_ENTRY
};

static const char *const jump_names[8] = {
#define JUMP_NAME(name, mnemonic, bits) [bits] = mnemonic,
    HACK_JUMP_TABLE(JUMP_NAME)
#undef JUMP_NAME
};

const char *hack_comp_mnemonic(unsigned comp)
{
    for (size_t i = 0; i < sizeof comp_table / sizeof comp_table[0]; i++)
        if (comp_table[i].bits == comp) return comp_table[i].mnemonic;
    return NULL;
}

int hack_comp_lookup(const char *mnemonic, size_t len)
{
    for (size_t i = 0; i < sizeof comp_table / sizeof comp_table[0]; i++)
        if (strlen(comp_table[i].mnemonic) == len && memcmp(comp_table[i].mnemonic, mnemonic, len) == 0)
            return (int)comp_table[i].bits;
    return -1;
}

int hack_dest_lookup(const char *letters, size_t len)
{
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned bit;
        switch (letters[i]) {
        case 'A': bit = HACK_DEST_A; break;
        case 'D': bit = HACK_DEST_D; break;
        case 'M': bit = HACK_DEST_M; break;
        default: return -1;
        }
        if (bits & bit) return -1;
        bits |= bit;
    }
    return (int)bits;
}

int hack_jump_lookup(const char *mnemonic, size_t len)
{
    for (int j = 1; j < 8; j++)
        if (strlen(jump_names[j]) == len && memcmp(jump_names[j], mnemonic, len) == 0) return j;
    return -1;
}

typedef struct {
    const char *name;
    uint16_t value;
} predefined_symbol;

static const predefined_symbol predefined_symbols[] = {
#define PREDEFINED_SYMBOL(name, value) {name, value},
    HACK_PREDEFINED_SYMBOL_TABLE(PREDEFINED_SYMBOL)
#undef PREDEFINED_SYMBOL
};

bool hack_predefined_symbol(const char *name, size_t len, uint16_t *value)
{
    assert((name || len == 0) && value);
    for (size_t i = 0; i < sizeof predefined_symbols / sizeof predefined_symbols[0]; i++)
        if (strlen(predefined_symbols[i].name) == len && memcmp(predefined_symbols[i].name, name, len) == 0) {
            *value = predefined_symbols[i].value;
            return true;
        }
    return false;
}

int hack_disassemble(uint16_t word, char *buf, size_t size)
{
    if (HACK_IS_A_INSTR(word)) return snprintf(buf, size, "@%u", (unsigned)word);
    if (!HACK_IS_C_INSTR(word)) return snprintf(buf, size, "illegal 0x%04X", (unsigned)word);

    static const char *const dest_names[8] = {"", "M=", "D=", "MD=", "A=", "AM=", "AD=", "AMD="};
    unsigned comp = HACK_COMP(word);
    const char *mnemonic = hack_comp_mnemonic(comp);
    char comp_text[16];
    if (mnemonic) {
        snprintf(comp_text, sizeof comp_text, "%s", mnemonic);
    } else {
        char bits[8];
        for (int i = 0; i < 7; i++) bits[i] = (char)('0' + ((comp >> (6 - i)) & 1u));
        bits[7] = '\0';
        snprintf(comp_text, sizeof comp_text, "comp(0b%s)", bits);
    }
    unsigned jump = HACK_JUMP(word);
    return snprintf(buf, size, "%s%s%s%s", dest_names[HACK_DEST(word)], comp_text, jump ? ";" : "",
                    jump_names[jump]);
}
