/* The instruction set table against the book's tables, written out here independently. */
#include "hack/isa.h"
#include "test_support.h"

#include <stdio.h>
#include <string.h>

/* The book's comp table (figure 4.3): mnemonic, a, c1..c6 as text. */
static const struct {
    const char *mnemonic, *bits;
} book_comp[28] = {
    {"0", "0101010"},   {"1", "0111111"},   {"-1", "0111010"},  {"D", "0001100"},   {"A", "0110000"},
    {"!D", "0001101"},  {"!A", "0110001"},  {"-D", "0001111"},  {"-A", "0110011"},  {"D+1", "0011111"},
    {"A+1", "0110111"}, {"D-1", "0001110"}, {"A-1", "0110010"}, {"D+A", "0000010"}, {"D-A", "0010011"},
    {"A-D", "0000111"}, {"D&A", "0000000"}, {"D|A", "0010101"}, {"M", "1110000"},   {"!M", "1110001"},
    {"-M", "1110011"},  {"M+1", "1110111"}, {"M-1", "1110010"}, {"D+M", "1000010"}, {"D-M", "1010011"},
    {"M-D", "1000111"}, {"D&M", "1000000"}, {"D|M", "1010101"},
};

static unsigned bits_value(const char *bits)
{
    unsigned v = 0;
    for (; *bits; bits++) v = v * 2 + (unsigned)(*bits - '0');
    return v;
}

/* What each mnemonic means, as arithmetic on 16-bit two's complement numbers. */
static int mnemonic_meaning(const char *m, int d, int a_or_m)
{
    static const struct {
        const char *name;
        int kind;
    } forms[] = {{"0", 0},   {"1", 1},   {"-1", 2},   {"D", 3},    {"A", 4},    {"M", 4},    {"!D", 5},
                 {"!A", 6},  {"!M", 6},  {"-D", 7},   {"-A", 8},   {"-M", 8},   {"D+1", 9},  {"A+1", 10},
                 {"M+1", 10}, {"D-1", 11}, {"A-1", 12}, {"M-1", 12}, {"D+A", 13}, {"D+M", 13}, {"D-A", 14},
                 {"D-M", 14}, {"A-D", 15}, {"M-D", 15}, {"D&A", 16}, {"D&M", 16}, {"D|A", 17}, {"D|M", 17}};
    int y = a_or_m;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (strcmp(forms[i].name, m) != 0) continue;
        switch (forms[i].kind) {
        case 0: return 0;
        case 1: return 1;
        case 2: return -1;
        case 3: return d;
        case 4: return y;
        case 5: return -d - 1;
        case 6: return -y - 1;
        case 7: return -d;
        case 8: return -y;
        case 9: return d + 1;
        case 10: return y + 1;
        case 11: return d - 1;
        case 12: return y - 1;
        case 13: return d + y;
        case 14: return d - y;
        case 15: return y - d;
        case 16: return d & y;
        case 17: return d | y;
        }
    }
    ck_abort_msg("no meaning for %s", m);
    return 0;
}

static const int samples[] = {0, 1, -1, 2, 7, 0x7FFF, -0x8000, 0x1234, -0x1234, 0x5555, -0x5556, 100, -100};
enum { SAMPLE_COUNT = sizeof samples / sizeof samples[0] };

START_TEST(comp_table_matches_the_book)
{
    for (int i = 0; i < 28; i++) {
        const char *m = book_comp[i].mnemonic;
        ck_assert_int_eq(hack_comp_lookup(m, strlen(m)), (int)bits_value(book_comp[i].bits));
        ck_assert_str_eq(hack_comp_mnemonic(bits_value(book_comp[i].bits)), m);
    }
    int documented = 0;
    for (unsigned comp = 0; comp < 128; comp++) documented += hack_comp_mnemonic(comp) != NULL;
    ck_assert_int_eq(documented, 28);
}
END_TEST

START_TEST(documented_comps_compute_their_meaning)
{
    for (int i = 0; i < 28; i++) {
        unsigned comp = bits_value(book_comp[i].bits);
        for (int x = 0; x < SAMPLE_COUNT; x++)
            for (int y = 0; y < SAMPLE_COUNT; y++) {
                uint16_t expected = (uint16_t)(mnemonic_meaning(book_comp[i].mnemonic, samples[x], samples[y]) & 0xFFFF);
                ck_assert_msg(hack_alu(comp & 0x3F, (uint16_t)samples[x], (uint16_t)samples[y]) == expected,
                              "%s with D=%d y=%d", book_comp[i].mnemonic, samples[x], samples[y]);
            }
    }
}
END_TEST

START_TEST(all_64_alu_controls_follow_the_spec)
{
    for (unsigned c = 0; c < 64; c++)
        for (int x = 0; x < SAMPLE_COUNT; x++)
            for (int y = 0; y < SAMPLE_COUNT; y++)
                ck_assert_msg(hack_alu(c, (uint16_t)samples[x], (uint16_t)samples[y]) == spec_alu(c, samples[x], samples[y]),
                              "control %u x=%d y=%d", c, samples[x], samples[y]);
}
END_TEST

START_TEST(dest_letters_in_any_order)
{
    ck_assert_int_eq(hack_dest_lookup("", 0), 0);
    ck_assert_int_eq(hack_dest_lookup("M", 1), 1);
    ck_assert_int_eq(hack_dest_lookup("D", 1), 2);
    ck_assert_int_eq(hack_dest_lookup("MD", 2), 3);
    ck_assert_int_eq(hack_dest_lookup("DM", 2), 3);
    ck_assert_int_eq(hack_dest_lookup("A", 1), 4);
    ck_assert_int_eq(hack_dest_lookup("AM", 2), 5);
    ck_assert_int_eq(hack_dest_lookup("MA", 2), 5);
    ck_assert_int_eq(hack_dest_lookup("AD", 2), 6);
    ck_assert_int_eq(hack_dest_lookup("DA", 2), 6);
    const char *amd[] = {"AMD", "ADM", "MAD", "MDA", "DAM", "DMA"};
    for (int i = 0; i < 6; i++) ck_assert_int_eq(hack_dest_lookup(amd[i], 3), 7);
    ck_assert_int_eq(hack_dest_lookup("MM", 2), -1);
    ck_assert_int_eq(hack_dest_lookup("X", 1), -1);
    ck_assert_int_eq(hack_dest_lookup("m", 1), -1);
}
END_TEST

START_TEST(jump_mnemonics_and_conditions)
{
    const char *names[8] = {NULL, "JGT", "JEQ", "JGE", "JLT", "JNE", "JLE", "JMP"};
    /* taken for out < 0, = 0, > 0, from the book's jump table */
    const int table[8][3] = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}};
    const uint16_t negative[] = {0x8000, 0xFFFF, 0x9000}, positive[] = {1, 0x7FFF, 300};
    for (int j = 1; j < 8; j++) ck_assert_int_eq(hack_jump_lookup(names[j], 3), j);
    ck_assert_int_eq(hack_jump_lookup("JXX", 3), -1);
    ck_assert_int_eq(hack_jump_lookup("jmp", 3), -1);
    for (unsigned j = 0; j < 8; j++) {
        for (int i = 0; i < 3; i++) {
            ck_assert_int_eq(hack_jump_taken(j, negative[i]), table[j][0]);
            ck_assert_int_eq(hack_jump_taken(j, positive[i]), table[j][2]);
        }
        ck_assert_int_eq(hack_jump_taken(j, 0), table[j][1]);
    }
}
END_TEST

/* The book's predefined symbols (and only those, spelt exactly). */
START_TEST(predefined_symbols)
{
    const struct {
        const char *name;
        uint16_t value;
    } book[] = {{"SP", 0},  {"LCL", 1},   {"ARG", 2},   {"THIS", 3},  {"THAT", 4},    {"R0", 0},     {"R5", 5},
                {"R9", 9},  {"R10", 10},  {"R13", 13},  {"R15", 15},  {"SCREEN", 16384}, {"KBD", 24576}};
    for (size_t i = 0; i < sizeof book / sizeof book[0]; i++) {
        uint16_t value = 65535;
        ck_assert_msg(hack_predefined_symbol(book[i].name, strlen(book[i].name), &value), "%s", book[i].name);
        ck_assert_uint_eq(value, book[i].value);
    }
    char name[16];
    for (int r = 0; r < 16; r++) { /* R0..R15, each its own register */
        uint16_t value = 65535;
        snprintf(name, sizeof name, "R%d", r);
        ck_assert(hack_predefined_symbol(name, strlen(name), &value));
        ck_assert_uint_eq(value, (uint16_t)r);
    }
    const char *others[] = {"R16", "sp", "Screen", "kbd", "R", "R01", "SPX", "", "LOOP"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        uint16_t value = 7;
        ck_assert_msg(!hack_predefined_symbol(others[i], strlen(others[i]), &value), "%s", others[i]);
        ck_assert_uint_eq(value, 7);
    }
    uint16_t value;
    ck_assert(hack_predefined_symbol("SPX", 2, &value)); /* the length given is what counts */
    ck_assert_uint_eq(value, 0);
}
END_TEST

START_TEST(disassembly)
{
    char text[40];
    const struct {
        uint16_t word;
        const char *text;
    } cases[] = {{0x0011, "@17"},           {0xFC88, "M=M-1"},         {0xE301, "D;JGT"},
                 {0xEA87, "0;JMP"},         {0xFDE8, "AM=M+1"},        {0xFC10, "D=M"},
                 {0x8000, "illegal 0x8000"}, {0xEDBF, "AMD=comp(0b0110110);JMP"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_disassemble(cases[i].word, text, sizeof text);
        ck_assert_str_eq(text, cases[i].text);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("isa");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, comp_table_matches_the_book);
    tcase_add_test(tc, dest_letters_in_any_order);
    tcase_add_test(tc, jump_mnemonics_and_conditions);
    tcase_add_test(tc, disassembly);
    tcase_add_test(tc, predefined_symbols);
    suite_add_tcase(suite, tc);
    tc = tcase_create("alu");
    tcase_add_test(tc, documented_comps_compute_their_meaning);
    tcase_add_test(tc, all_64_alu_controls_follow_the_spec);
    suite_add_tcase(suite, tc);
    return suite;
}
