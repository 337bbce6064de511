/* The program image: ROM words plus a symbol table. Every stage produces or consumes one. */
#ifndef HACK_PROGRAM_H
#define HACK_PROGRAM_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HACK_SYMBOL_LABEL,    /* a ROM address */
    HACK_SYMBOL_VARIABLE, /* a RAM address given by the assembler (16 up) */
} hack_symbol_kind;

typedef struct {
    char *name;
    uint16_t value;
    hack_symbol_kind kind;
} hack_symbol;

/* Names to values; entries keep insertion order. */
typedef struct {
    hack_symbol *entries;
    size_t count, capacity;
    uint32_t *slots; /* open addressing: index+1 into entries, 0 = empty */
    size_t slot_count;
} hack_symtab;

void hack_symtab_init(hack_symtab *table);
void hack_symtab_free(hack_symtab *table);
/* Adds name (len bytes). Returns false if it is already there or memory ran out (*out_of_memory set). */
bool hack_symtab_add(hack_symtab *table, const char *name, size_t len, uint16_t value, hack_symbol_kind kind,
                     bool *out_of_memory);
const hack_symbol *hack_symtab_find(const hack_symtab *table, const char *name, size_t len);

typedef struct {
    uint16_t *words; /* HACK_ROM_SIZE capacity */
    size_t count;
    hack_symtab symbols;
} hack_program;

/* Returns false when memory ran out. */
bool hack_program_init(hack_program *program);
void hack_program_free(hack_program *program);

/* Writes the words as .hack text (16 binary digits a line). */
bool hack_program_write_hack(const hack_program *program, const char *path, hack_diag_list *diags);

/* The symbol file beside a .hack ("ADDRESS label|var NAME" a line), so a later run knows the labels. */
bool hack_program_write_symbols(const hack_program *program, const char *path, hack_diag_list *diags);
bool hack_program_read_symbols(hack_program *program, const char *path, hack_diag_list *diags);

/* Loads .hack text: one 16-digit binary word a line; CRLF, blank lines and trailing blanks accepted.
 * name is used in messages. */
bool hack_program_parse_hack(hack_program *program, const char *name, const char *text, size_t length,
                             hack_diag_list *diags);
bool hack_program_load_hack_file(hack_program *program, const char *path, hack_diag_list *diags);

#endif
