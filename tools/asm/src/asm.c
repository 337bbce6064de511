#include "hack/asm.h"

#include "hack/isa.h"
#include "hack/suggest.h"
#include "hack/textfile.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ERRORS = 50, FIRST_VARIABLE = 16, LAST_VARIABLE = HACK_SCREEN - 1 };

/* An @symbol waiting for pass 2. */
typedef struct {
    size_t address;
    const char *name, *line;
    size_t name_length, line_length;
    int line_number, column;
} pending_symbol;

typedef struct {
    const char *file;
    hack_program *program;
    hack_diag_list *diags;
    pending_symbol *pending;
    size_t pending_count, pending_capacity;
    size_t errors;
    bool out_of_memory;
    /* the current line */
    const char *line;
    size_t line_length;
    int line_number;
} assembler;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void error_at(assembler *as, const char *where, const char *format, ...)
{
    as->errors++;
    if (as->errors > MAX_ERRORS) return;
    va_list args;
    va_start(args, format);
    hack_diag_addv(as->diags, HACK_DIAG_ERROR, as->file, as->line_number, (int)(where - as->line) + 1, as->line,
                   as->line_length, format, args);
    va_end(args);
}

static bool is_symbol_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || c == '.' || c == '$' || c == ':';
}

static bool is_symbol_char(char c)
{
    return is_symbol_start(c) || isdigit((unsigned char)c);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p)) p++;
    return p;
}

static size_t symbol_length(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && is_symbol_char(*q)) q++;
    return (size_t)(q - p);
}

static void emit(assembler *as, uint16_t word, const char *where)
{
    if (as->program->count < HACK_ROM_SIZE) {
        as->program->words[as->program->count] = word;
        as->program->asm_lines[as->program->count] = (uint32_t)as->line_number;
    }
    else if (as->program->count == HACK_ROM_SIZE) /* reported once; counting on keeps it from repeating */
        error_at(as, where, "program does not fit in ROM (%d words)", HACK_ROM_SIZE);
    as->program->count++;
}

static void parse_label(assembler *as, const char *p, const char *end)
{
    const char *name = p + 1;
    if (name < end && isdigit((unsigned char)*name)) {
        error_at(as, name, "a label cannot start with a digit");
        return;
    }
    size_t n = symbol_length(name, end);
    if (n == 0) {
        error_at(as, name, "expected a label name after '('");
        return;
    }
    const char *close = name + n;
    if (close >= end || *close != ')') {
        error_at(as, close, "expected ')' after the label name, found %s", close < end ? "junk" : "the end of the line");
        return;
    }
    if (close + 1 < end) {
        error_at(as, close + 1, "junk after the label");
        return;
    }
    uint16_t predefined;
    if (hack_predefined_symbol(name, n, &predefined)) {
        error_at(as, name, "'%.*s' is a predefined symbol and cannot be a label", (int)n, name);
        return;
    }
    size_t address = as->program->count;
    if (address > HACK_ROM_SIZE) return; /* past an instruction that did not fit, which is reported */
    if (address == HACK_ROM_SIZE) {
        /* An @label would load 32768, which an A-instruction cannot hold (it would become a C-instruction). */
        error_at(as, name, "label '%.*s' is at %zu, past the end of ROM: the program fills all %d words", (int)n, name,
                 address, HACK_ROM_SIZE);
        return;
    }
    bool out_of_memory;
    if (!hack_symtab_add(&as->program->symbols, name, n, (uint16_t)address, HACK_SYMBOL_LABEL, &out_of_memory)) {
        if (out_of_memory) {
            as->out_of_memory = true;
            return;
        }
        error_at(as, name, "duplicate label '%.*s'", (int)n, name);
    }
}

static void parse_a_instruction(assembler *as, const char *p, const char *end)
{
    const char *value = p + 1;
    if (value >= end) {
        error_at(as, p, "expected a number or a symbol after '@'");
        return;
    }
    if (isdigit((unsigned char)*value)) {
        unsigned long number = 0;
        const char *q = value;
        while (q < end && isdigit((unsigned char)*q)) {
            if (number <= 32767) number = number * 10 + (unsigned long)(*q - '0');
            q++;
        }
        if (q < end) {
            error_at(as, skip_blanks(q, end),
                     is_symbol_char(*q) ? "a symbol cannot start with a digit" : "junk after the constant");
            return;
        }
        if (number > 32767) {
            error_at(as, value, "constant %.*s is above 32767 (an A-instruction holds 15 bits)", (int)(q - value),
                     value);
            return;
        }
        emit(as, (uint16_t)number, p);
        return;
    }
    size_t n = symbol_length(value, end);
    if (n == 0) {
        error_at(as, value, *value == '-' ? "negative constants are not allowed: use @N then D=-A"
                                          : "expected a number or a symbol after '@'");
        return;
    }
    if (value + n < end) {
        error_at(as, skip_blanks(value + n, end), "junk after the symbol");
        return;
    }
    uint16_t known;
    if (hack_predefined_symbol(value, n, &known)) {
        emit(as, known, p);
        return;
    }
    if (as->pending_count == as->pending_capacity) {
        size_t capacity = as->pending_capacity ? as->pending_capacity * 2 : 256;
        pending_symbol *grown = realloc(as->pending, capacity * sizeof *grown);
        if (!grown) {
            as->out_of_memory = true;
            return;
        }
        as->pending = grown;
        as->pending_capacity = capacity;
    }
    as->pending[as->pending_count++] = (pending_symbol){as->program->count, value, as->line, n, as->line_length,
                                                        as->line_number, (int)(value - as->line) + 1};
    emit(as, 0, p);
}

/* Finds a mnemonic's end: the characters of a dest, comp or jump field, skipping blanks. Copies the field
 * without blanks into out (at most size - 1 characters). */
static size_t squeeze(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;
    for (; p < end; p++) {
        if (is_blank(*p)) continue;
        if (n + 1 < size) out[n] = *p;
        n++;
    }
    out[n < size ? n : size - 1] = '\0';
    return n;
}

static void parse_c_instruction(assembler *as, const char *p, const char *end)
{
    const char *equals = memchr(p, '=', (size_t)(end - p));
    const char *semicolon = memchr(p, ';', (size_t)(end - p));
    if (equals && semicolon && equals > semicolon) equals = NULL; /* '=' after ';' is reported as junk */
    const char *comp_start = equals ? equals + 1 : p;
    const char *comp_end = semicolon ? semicolon : end;
    char field[32];
    int dest = 0, comp, jump = 0;

    if (equals) {
        size_t n = squeeze(p, equals, field, sizeof field);
        dest = n == 0 ? -1 : hack_dest_lookup(field, n);
        if (dest < 0) {
            error_at(as, p, n == 0 ? "expected a dest before '='" : "unknown dest '%s' (use the letters A, D, M, each once)",
                     field);
            return;
        }
    }
    size_t n = squeeze(comp_start, comp_end, field, sizeof field);
    comp = n == 0 ? -1 : hack_comp_lookup(field, n);
    if (comp < 0) {
        const char *where = skip_blanks(comp_start, comp_end);
        if (n == 0) {
            error_at(as, where, "expected a computation");
        } else if (!equals && !semicolon && n < sizeof field && strspn(field, "ADM01+-!&|") < n) {
            error_at(as, where, "unknown instruction '%.*s' (expected @value, (LABEL) or dest=comp;jump)",
                     (int)(comp_end - where), where);
        } else {
            /* Suggest the documented order for a commuted symmetric form such as A+D. */
            char swapped[8] = "";
            if (n == 3 && strchr("+&|", field[1]) && field[2] == 'D' && (field[0] == 'A' || field[0] == 'M'))
                snprintf(swapped, sizeof swapped, "D%c%c", field[1], field[0]);
            if (swapped[0])
                error_at(as, where, "unknown computation '%s' (did you mean '%s'?)", field, swapped);
            else
                error_at(as, where, "unknown computation '%s'", field);
        }
        return;
    }
    if (semicolon) {
        const char *jump_start = skip_blanks(semicolon + 1, end);
        size_t m = squeeze(semicolon + 1, end, field, sizeof field);
        jump = m == 0 ? -1 : hack_jump_lookup(field, m);
        if (jump < 0) {
            error_at(as, m == 0 ? semicolon : jump_start,
                     m == 0 ? "expected a jump after ';'" : "unknown jump '%s' (JGT JEQ JGE JLT JNE JLE JMP)", field);
            return;
        }
    }
    emit(as, (uint16_t)(HACK_C_PREFIX | ((unsigned)comp << 6) | ((unsigned)dest << 3) | (unsigned)jump), p);
}

static void parse_line(assembler *as)
{
    const char *p = as->line, *end = as->line + as->line_length;
    for (const char *q = p; q + 1 < end; q++)
        if (q[0] == '/' && q[1] == '/') {
            end = q;
            break;
        }
    p = skip_blanks(p, end);
    while (end > p && is_blank(end[-1])) end--;
    if (p == end) return;
    if (*p == '(')
        parse_label(as, p, end);
    else if (*p == '@')
        parse_a_instruction(as, p, end);
    else
        parse_c_instruction(as, p, end);
}

/* How a variable is used: by the instruction after each @name. */
typedef struct {
    size_t first_use, jump_use; /* indexes into pending */
    bool jumps;                 /* some @name is followed by a jump: to the variable's address */
    bool touches_m;             /* some @name is followed by an instruction that reads or writes M */
} variable_uses;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void warn_at(assembler *as, const pending_symbol *use, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    hack_diag_addv(as->diags, HACK_DIAG_WARNING, as->file, use->line_number, use->column, use->line, use->line_length,
                   format, args);
    va_end(args);
}

/* A variable that looks like a misspelt label, as the course's assembler would take it (a variable), with a
 * warning: one that some @name jumps to (whatever it is, that jumps into RAM's address space); and one never
 * used as memory (no @name is followed by an instruction using M) whose name differs from a label only in
 * case or by one edit. Variables used as memory are never warned about: a near label is a coincidence. */
static void warn_misspelt_labels(assembler *as, const variable_uses *uses, size_t count)
{
    const hack_symtab *symbols = &as->program->symbols;
    for (size_t v = 0; v < count; v++) {
        const variable_uses *u = &uses[v];
        if (!u->jumps && u->touches_m) continue;
        const pending_symbol *use = &as->pending[u->jumps ? u->jump_use : u->first_use];
        hack_suggestion near;
        hack_suggest_init(&near, use->name, use->name_length);
        const char *same_but_case = NULL, *one_edit = NULL;
        for (size_t i = 0; i < symbols->count; i++) {
            const hack_symbol *label = &symbols->entries[i];
            if (label->kind != HACK_SYMBOL_LABEL) continue;
            size_t n = strlen(label->name);
            if (u->jumps) hack_suggest_consider(&near, label->name, n);
            if (!same_but_case && hack_same_ignoring_case(label->name, n, use->name, use->name_length))
                same_but_case = label->name;
            else if (!one_edit && hack_edit_distance(label->name, n, use->name, use->name_length, 1) <= 1)
                one_edit = label->name;
        }
        size_t best_length = 0;
        const char *best = u->jumps ? hack_suggest_best(&near, &best_length)
                                    : same_but_case ? same_but_case : one_edit;
        if (!u->jumps && !best) continue;
        if (!u->jumps) best_length = strlen(best);
        unsigned address = FIRST_VARIABLE + (unsigned)v;
        if (u->jumps)
            warn_at(as, use,
                    "'%.*s' is not a label: it becomes a variable (RAM[%u]), and the jump after it goes to ROM[%u]"
                    "%s%.*s%s",
                    (int)use->name_length, use->name, address, address, best ? " (did you mean '" : "",
                    best ? (int)best_length : 0, best ? best : "", best ? "'?)" : "");
        else
            warn_at(as, use, "'%.*s' is not a label: it becomes a variable (RAM[%u]) (did you mean '%.*s'?)",
                    (int)use->name_length, use->name, address, (int)best_length, best);
    }
}

static void resolve_symbols(assembler *as)
{
    unsigned next_variable = FIRST_VARIABLE;
    variable_uses *uses = NULL; /* per variable, from 16 up */
    size_t uses_capacity = 0;
    for (size_t i = 0; i < as->pending_count && !as->out_of_memory; i++) {
        const pending_symbol *use = &as->pending[i];
        const hack_symbol *symbol = hack_symtab_find(&as->program->symbols, use->name, use->name_length);
        uint16_t value;
        if (symbol) {
            value = symbol->value;
        } else {
            if (next_variable > LAST_VARIABLE) {
                as->line = use->line;
                as->line_length = use->line_length;
                as->line_number = use->line_number;
                error_at(as, use->name, "too many variables: '%.*s' would be at %u, in screen memory",
                         (int)use->name_length, use->name, next_variable);
                free(uses);
                return;
            }
            value = (uint16_t)next_variable++;
            if (!hack_symtab_add(&as->program->symbols, use->name, use->name_length, value, HACK_SYMBOL_VARIABLE,
                                 &as->out_of_memory)) {
                free(uses);
                return;
            }
            size_t v = value - FIRST_VARIABLE;
            if (v >= uses_capacity) {
                size_t capacity = uses_capacity ? uses_capacity * 2 : 64;
                variable_uses *grown = realloc(uses, capacity * sizeof *grown);
                if (!grown) {
                    as->out_of_memory = true;
                    break;
                }
                uses = grown;
                uses_capacity = capacity;
            }
            uses[v] = (variable_uses){i, 0, false, false};
            symbol = hack_symtab_find(&as->program->symbols, use->name, use->name_length);
        }
        if (use->address < HACK_ROM_SIZE) as->program->words[use->address] = value;
        if (symbol && symbol->kind == HACK_SYMBOL_VARIABLE && (size_t)(value - FIRST_VARIABLE) < uses_capacity &&
            use->address + 1 < as->program->count && use->address + 1 < HACK_ROM_SIZE) {
            variable_uses *u = &uses[value - FIRST_VARIABLE];
            uint16_t next = as->program->words[use->address + 1];
            if (HACK_IS_C_INSTR(next) && HACK_JUMP(next) != 0 && !u->jumps) {
                u->jumps = true;
                u->jump_use = i;
            }
            if (HACK_IS_C_INSTR(next) && (HACK_COMP_USES_M(HACK_COMP(next)) || (HACK_DEST(next) & HACK_DEST_M)))
                u->touches_m = true;
        }
    }
    if (!as->out_of_memory) warn_misspelt_labels(as, uses, next_variable - FIRST_VARIABLE);
    free(uses);
}

bool hack_asm_assemble(const char *name, const char *text, size_t length, hack_program *program,
                       hack_diag_list *diags)
{
    assert((text || length == 0) && program && program->words && diags); /* program initialised */
    if (!hack_textfile_check(name, text, length, diags)) return false;
    assembler as = {.file = name, .program = program, .diags = diags};
    program->count = 0;
    size_t offset = 0;
    while (!as.out_of_memory && hack_textfile_next_line(text, length, &offset, &as.line, &as.line_length)) {
        as.line_number++;
        parse_line(&as);
    }
    if (program->count > HACK_ROM_SIZE)
        hack_diag_add(diags, HACK_DIAG_NOTE, name, 0, 0, NULL, 0,
                      "the program needs %zu words of ROM; the Hack computer has %d", program->count, HACK_ROM_SIZE);
    if (as.errors == 0 && !as.out_of_memory) resolve_symbols(&as);
    if (as.errors > MAX_ERRORS)
        hack_diag_add(diags, HACK_DIAG_NOTE, name, 0, 0, NULL, 0, "%zu more errors not shown", as.errors - MAX_ERRORS);
    if (as.out_of_memory) hack_diag_add(diags, HACK_DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
    if (as.errors == 0 && !as.out_of_memory && program->count == 0)
        hack_diag_add(diags, HACK_DIAG_ERROR, name, 0, 0, NULL, 0, "no instructions: nothing to assemble");
    free(as.pending);
    bool ok = as.errors == 0 && !as.out_of_memory && program->count > 0;
    if (program->count > HACK_ROM_SIZE) program->count = HACK_ROM_SIZE;
    return ok;
}

bool hack_asm_assemble_file(const char *path, hack_program *program, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    bool ok = hack_asm_assemble(path, text, length, program, diags);
    free(text);
    return ok;
}
