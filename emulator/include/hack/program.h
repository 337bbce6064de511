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
    HACK_SYMBOL_FUNCTION, /* a VM function's entry address */
    HACK_SYMBOL_STATIC,   /* a VM static variable's RAM address (File.i) */
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

/* Whose the translator's own words are, for call stacks. The shared routines and call stubs (call, return,
 * eq/gt/lt) are entered by a jump from a VM command, which hands them its "site": the address right after
 * its jump (a call's or a comparison's return address; a return passes the same, its own label). The site is
 * in D on the routine's first words, and in R13 after. A PC inside a routine stands for the command that
 * jumped there: the function whose code holds site - 1, at that word's line. Where the routine has moved LCL
 * (a call that has pushed the callee's frame, a return that walks down its frame and then restores the
 * caller's), the state says how to find the frames. */
typedef enum {
    HACK_ROUTINE_NONE,        /* a function's own code, or code not from VM */
    HACK_ROUTINE_BOOTSTRAP,   /* SP = 256, call Sys.init: before any function */
    HACK_ROUTINE_END,         /* the halt loop after the last command */
    HACK_ROUTINE_SITE_IN_D,   /* a routine's first words: the site is in D; LCL is its caller's frame */
    HACK_ROUTINE_SITE_IN_R13, /* the site is in R13; LCL is the caller's frame */
    HACK_ROUTINE_CALL_PUSHED, /* a call after LCL = SP: LCL is the new frame of the callee, not yet entered */
    HACK_ROUTINE_RETURN_LCL0, /* a return: the returning function's own return address is in R14 (its frame slot
                                 may hold the return value already); its frame is at LCL */
    HACK_ROUTINE_RETURN_LCL1, /* ... at LCL + 1, LCL + 2, LCL + 3: LCL walks down the frame restoring THAT, THIS,
                                 ARG */
    HACK_ROUTINE_RETURN_LCL2,
    HACK_ROUTINE_RETURN_LCL3,
    HACK_ROUTINE_RETURNED,    /* a return after LCL is restored: LCL is the caller's frame, R14 the address it
                                 returns to */
    HACK_ROUTINE_COUNT
} hack_routine;

/* Where a ROM word came from in VM code (and the Jack the VM code was compiled from). */
typedef struct {
    uint32_t line;         /* 1-based line in the source file; 0 = the translator's own code (shared routines) */
    uint16_t file;         /* index into hack_program.source_files */
    uint8_t command_start; /* 1 on the first word of a VM command */
    uint8_t command_end;   /* 1 on a word after which a VM command is complete wherever it jumps (return) */
    uint32_t jack_line;    /* the line of the Jack source the VM command was compiled from; 0 = none */
    uint16_t jack_file;    /* its index into hack_program.source_files (when jack_line is not 0) */
    uint8_t routine;       /* a hack_routine: HACK_ROUTINE_NONE for a function's own words */
} hack_source_location;

typedef struct {
    uint16_t *words; /* HACK_ROM_SIZE capacity */
    size_t count;
    hack_symtab symbols;
    uint32_t *asm_lines; /* per ROM word: the .asm line it came from (0 = not from assembly) */
    /* The program map, for programs translated from VM code (NULL / 0 otherwise). */
    hack_source_location *locations; /* per ROM word */
    char **source_files;
    size_t source_file_count;
    /* The OS classes that the tools (not the program's author) put in, as "Array,Math,Sys", or NULL: only
     * these may be replaced by native code when the program is run again as machine code. Kept in the .sym
     * ("project-os NAMES"). */
    char *project_os;
} hack_program;

/* Sets the names of the OS classes the tools put in (copied; NULL or "" for none). False when memory ran out. */
bool hack_program_set_project_os(hack_program *program, const char *names);

/* Whether class name is one of the program's project_os classes. */
bool hack_program_has_project_os(const hack_program *program, const char *name);

/* Returns false when memory ran out. */
bool hack_program_init(hack_program *program);
void hack_program_free(hack_program *program);

/* Writes the words as .hack text (16 binary digits a line). */
bool hack_program_write_hack(const hack_program *program, const char *path, hack_diag_list *diags);

/* The symbol file beside a .hack, so a later run knows the labels (and, for VM code, the program map):
 * lines "ADDRESS label|var|function|static NAME", "project-os NAME,NAME,...", "source INDEX PATH" and
 * "map FIRST LAST FILE LINE FLAGS [JACKFILE JACKLINE]"
 * (ROM words FIRST..LAST came from line LINE of source FILE, and that VM command from line JACKLINE of the
 * source JACKFILE when it was compiled from Jack; FLAGS bit 0: FIRST begins a VM command, bit 1: LAST ends
 * one, bits 2..5: the words' hack_routine). Files written before the Jack fields and the routine bits existed
 * read as they did. Reading checks everything, since later code indexes ROM and RAM with it: addresses
 * 0..32767, names that are assembly symbols and defined once, sources numbered 0, 1, ... in order, map runs
 * inside ROM, in order, of sources given above, Jack lines from 1, routines that exist; the first problem is
 * an error at file:line:column. Lines may be of any length, with CRLF ends. */
bool hack_program_write_symbols(const hack_program *program, const char *path, hack_diag_list *diags);
bool hack_program_read_symbols(hack_program *program, const char *path, hack_diag_list *diags);

/* Loads .hack text: one 16-digit binary word a line; CRLF, blank lines and trailing blanks accepted.
 * name is used in messages. */
bool hack_program_parse_hack(hack_program *program, const char *name, const char *text, size_t length,
                             hack_diag_list *diags);
bool hack_program_load_hack_file(hack_program *program, const char *path, hack_diag_list *diags);

/* Gives the program a map (locations for every ROM word, all zero) and its source file names. */
bool hack_program_add_map(hack_program *program, const char *const *files, size_t file_count);

/* The function whose code holds ROM address pc (the FUNCTION symbol with the largest entry <= pc), or NULL. */
const hack_symbol *hack_program_function_at(const hack_program *program, uint16_t pc);

#endif
