/* The native tier's translation: the ROM as one C function (see tier.c for what it does and why). Pure: it reads
 * a snapshot of the machine (its ROM, the words the interpreter must run) and writes text and tables, so it runs
 * in the tier's background thread. */
#include "tier_translate.h"

#include "hack/isa.h"
#include "hack/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *alu_expression(unsigned comp, const char *y, char *buf, size_t size)
{
    /* the hardware's six control bits, folded by the C compiler */
    char x[64], yy[96], out[256];
    snprintf(x, sizeof x, "%s", comp & 0x20 ? "0" : "d");
    if (comp & 0x10) snprintf(x, sizeof x, "%s", comp & 0x20 ? "0xFFFFu" : "(uint16_t)~d");
    snprintf(yy, sizeof yy, "%s", comp & 0x08 ? "0" : y);
    if (comp & 0x04) {
        char t[96];
        snprintf(t, sizeof t, "(uint16_t)~%s", comp & 0x08 ? "0u" : y);
        snprintf(yy, sizeof yy, "%s", t);
    }
    snprintf(out, sizeof out, comp & 0x02 ? "(uint16_t)(%s + %s)" : "(uint16_t)(%s & %s)", x, yy);
    if (comp & 0x01)
        snprintf(buf, size, "(uint16_t)~%s", out);
    else
        snprintf(buf, size, "%s", out);
    return buf;
}

static const char *const conditions[8] = {"0", "(uint16_t)(t - 1u) < 0x7FFFu", "t == 0", "(t & 0x8000u) == 0",
                                          "(t & 0x8000u) != 0", "t != 0", "(uint16_t)(t - 1u) >= 0x7FFFu", "1"};

enum { PROMOTE_LIMIT = 16 }; /* R0..R15 (SP, LCL, ARG, THIS, THAT, temp, R13..R15): kept in locals */

/* a C-instruction whose computation takes A as a value (y is A and not zeroed) */
static bool reads_a(uint16_t word)
{
    const unsigned comp = HACK_COMP(word);
    return !HACK_COMP_USES_M(comp) && (comp & 0x08u) == 0;
}

static bool is_jump(uint16_t word)
{
    return HACK_IS_C_INSTR(word) && HACK_JUMP(word) != 0;
}

char *tier_translate(const tier_translation *t)
{
    const uint32_t n = t->size;
    const uint16_t *rom = t->rom;
    const uint8_t *const exits = t->exits;
    uint8_t *start = calloc(HACK_ROM_SIZE + 1, 1), *entry = calloc(HACK_ROM_SIZE + 1, 1);
    uint8_t *translated = calloc(HACK_ROM_SIZE + 1, 1);
    hack_strbuf out;
    hack_strbuf_init(&out);
    if (!start || !entry || !translated) goto fail;
    memset(t->direct, 0, HACK_ROM_SIZE + 1);
    memset(t->entries, 0, HACK_ROM_SIZE + 1);
    start[0] = entry[0] = 1;
    for (uint32_t i = 0; i < n; i++) {
        const uint16_t w = rom[i];
        if (exits[i]) start[i] = start[i + 1] = 1;
        if (is_jump(w)) start[i + 1] = entry[i + 1] = 1;
        if (HACK_IS_A_INSTR(w) && w < n && i + 1 < n) {
            const uint16_t next = rom[i + 1];
            /* a jump target, or a value the next word reads (a return address): @R15 M=D is no code address */
            if (HACK_IS_C_INSTR(next) && is_jump(next)) start[w] = entry[w] = 1;
            /* a value the next word reads may be a return address (an indirect jump's target): the dispatch
             * enters there, but the block goes on through it (@25 D=A is most often the number 25) */
            if (HACK_IS_C_INSTR(next) && reads_a(next)) entry[w] = 1;
        }
    }
    start[n] = 1;
    /* With a profile, only the blocks it reached are translated: the others leave at their first word. */
    uint32_t block_end = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (start[i]) {
            block_end = i;
            while (block_end < n && !is_jump(rom[block_end]) && !start[block_end + 1]) block_end++;
            if (block_end >= n) block_end = n - 1;
            bool reached = !t->visited || exits[i];
            for (uint32_t j = i; j <= block_end && !reached; j++) reached = t->visited[j] != 0;
            for (uint32_t j = i; j <= block_end; j++) translated[j] = reached;
        }
    }
    /* The low words the code reads or writes at a constant address live in locals while it runs (loaded on
     * entry, stored on every way out), so the C compiler keeps them in registers; an access through A to any
     * word below the highest of them leaves to the interpreter (after the locals are stored). */
    bool promoted[PROMOTE_LIMIT] = {false};
    unsigned low = 0; /* the words below this one are the interpreter's when addressed through A */
    for (uint32_t i = 0; i + 1 < n && !t->no_kept; i++)
        if (HACK_IS_A_INSTR(rom[i]) && rom[i] < PROMOTE_LIMIT && HACK_IS_C_INSTR(rom[i + 1]) &&
            !exits[i + 1] && translated[i + 1] &&
            (HACK_COMP_USES_M(HACK_COMP(rom[i + 1])) || (HACK_DEST(rom[i + 1]) & HACK_DEST_M))) {
            promoted[rom[i]] = true;
            if (rom[i] + 1u > low) low = rom[i] + 1u;
        }
    hack_strbuf_appendf(&out, "/* %s */\n", t->header); /* the cache's key: the whole text */
    hack_strbuf_appendf(&out,
                        "#include <stdint.h>\n"
                        "typedef struct { uint16_t *ram; const uint16_t *kinds; uint16_t hook_kind, a, d; "
                        "uint32_t pc; uint64_t left; } st_t;\n"
                        "void hack_tier_run(st_t *s)\n{\n"
                        "  uint16_t *const ram = s->ram; const uint16_t *const kinds = s->kinds;\n"
                        "  uint16_t a = s->a, d = s->d, t, jt; uint32_t pc = s->pc; uint64_t left = s->left;\n"
                        "  (void)t; (void)jt;\n");
    for (unsigned k = 0; k < low; k++)
        if (promoted[k]) hack_strbuf_appendf(&out, "  uint16_t r%u = ram[%u];\n", k, k);
    hack_strbuf_appendf(&out,
                        "dispatch:\n"
                        "  if (pc >= %u || kinds[pc * 4u] == %u) goto done;\n"
                        "  switch (pc) {\n",
                        n, (unsigned)t->hook_kind);
    for (uint32_t i = 0; i < n; i++)
        if (entry[i] && translated[i]) {
            hack_strbuf_appendf(&out, "  case %u: goto %c%u;\n", i, start[i] ? 'L' : 'E', i);
            t->entries[i] = !exits[i];
        }
    hack_strbuf_appendf(&out, "  default: goto done;\n  }\n");
    block_end = 0;
    int32_t known = -1; /* A's value when the translation knows it */
    for (uint32_t i = 0; i < n; i++) {
        if (!translated[i]) {
            if (start[i]) hack_strbuf_appendf(&out, "L%u: pc = %uu; goto done;\n", i, i);
            continue;
        }
        if (start[i]) {
            known = -1;
            if (exits[i]) {
                hack_strbuf_appendf(&out, "L%u: pc = %uu; goto done;\n", i, i);
                continue;
            }
            block_end = i;
            while (block_end < n && !is_jump(rom[block_end]) && !start[block_end + 1]) block_end++;
            /* block = i .. block_end inclusive (block_end may be n when it runs to the end: then n - 1) */
            if (block_end >= n) block_end = n - 1;
            hack_strbuf_appendf(&out, "L%u: if (left < %uu) { pc = %uu; goto done; } left -= %uu;\n", i,
                                block_end - i + 1, i, block_end - i + 1);
        } else {
            t->direct[i] = 1; /* fallen into */
        }
        const uint32_t remaining = block_end - i + 1; /* instructions of the block from i on, i included */
        if (!start[i] && entry[i]) {
            /* the dispatch's way in, mid-block: the rest of the block's budget, and A as the block has it */
            char same_a[48] = "";
            if (known >= 0 && !HACK_IS_A_INSTR(rom[i])) snprintf(same_a, sizeof same_a, " || a != %uu", known);
            hack_strbuf_appendf(&out,
                                "  goto M%u;\nE%u: if (left < %uu%s) { pc = %uu; goto done; } left -= %uu;\nM%u:\n",
                                i, i, remaining, same_a, i, remaining, i);
        }
        const uint16_t w = rom[i];
        if (HACK_IS_A_INSTR(w)) {
            hack_strbuf_appendf(&out, "  a = %uu;\n", w);
            known = w;
            if (i == block_end) {
                t->direct[i + 1] = 1;
                hack_strbuf_appendf(&out, "  goto L%u;\n", i + 1);
            }
            continue;
        }
        const unsigned comp = HACK_COMP(w), dest = HACK_DEST(w), jump = HACK_JUMP(w);
        const bool memory = HACK_COMP_USES_M(comp) || (dest & HACK_DEST_M);
        char exit_here[96], address[32], alu[512];
        snprintf(exit_here, sizeof exit_here, "{ pc = %uu; left += %uu; goto done; }", i, remaining);
        if (memory) {
            if (known >= 0 && known > HACK_KBD) {
                hack_strbuf_appendf(&out, "  %s\n", exit_here);
                known = -1;
                continue;
            }
            if (known < 0 && low == 0)
                hack_strbuf_appendf(&out, "  if (a > %uu) %s\n", (unsigned)HACK_KBD, exit_here);
            else if (known < 0)
                hack_strbuf_appendf(&out, "  if ((uint16_t)(a - %uu) > %uu) %s\n", low, (unsigned)HACK_KBD - low,
                                    exit_here);
            if (known >= 0 && known < PROMOTE_LIMIT && promoted[known])
                snprintf(address, sizeof address, "r%u", (unsigned)known);
            else if (known >= 0)
                snprintf(address, sizeof address, "ram[%u]", (unsigned)known);
            else
                snprintf(address, sizeof address, "ram[a]");
        }
        char y[48];
        if (HACK_COMP_USES_M(comp))
            snprintf(y, sizeof y, "%s", address);
        else
            snprintf(y, sizeof y, "a");
        hack_strbuf_appendf(&out, "  t = %s;\n", alu_expression(comp & 0x3Fu, y, alu, sizeof alu));
        if (jump) {
            if (known >= 0 && known >= HACK_ROM_SIZE) /* (never: an A-instruction loads 15 bits) */
                hack_strbuf_appendf(&out, "  if (%s) %s\n", conditions[jump], exit_here);
            else if (known < 0)
                hack_strbuf_appendf(&out, "  if ((%s) && a >= %uu) %s\n", conditions[jump], (unsigned)HACK_ROM_SIZE,
                                    exit_here);
            hack_strbuf_appendf(&out, "  jt = a;\n");
        }
        if (dest & HACK_DEST_M) hack_strbuf_appendf(&out, "  %s = t;\n", address);
        if (dest & HACK_DEST_A) hack_strbuf_appendf(&out, "  a = t;\n");
        if (dest & HACK_DEST_D) hack_strbuf_appendf(&out, "  d = t;\n");
        if (jump) {
            const int32_t target = known;
            if (target >= 0 && (uint32_t)target < n && start[target]) {
                t->direct[target] = 1;
                hack_strbuf_appendf(&out, "  if (%s) goto L%d;\n", conditions[jump], target);
            } else {
                hack_strbuf_appendf(&out, "  if (%s) { pc = jt; goto dispatch; }\n", conditions[jump]);
            }
        }
        if (dest & HACK_DEST_A) known = -1;
        if (i == block_end) {
            if (jump != 7) t->direct[i + 1] = 1; /* it falls through */
            hack_strbuf_appendf(&out, "  goto L%u;\n", i + 1);
        }
    }
    hack_strbuf_appendf(&out, "L%u: pc = %uu;\ndone:\n", n, n);
    for (unsigned k = 0; k < low; k++)
        if (promoted[k]) hack_strbuf_appendf(&out, "  ram[%u] = r%u;\n", k, k);
    hack_strbuf_appendf(&out, "  s->a = a; s->d = d; s->pc = pc; s->left = left;\n}\n");
    free(start);
    free(entry);
    free(translated);
    return hack_strbuf_take(&out, NULL);
fail:
    free(start);
    free(entry);
    free(translated);
    hack_strbuf_free(&out);
    return NULL;
}

