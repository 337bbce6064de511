/* The Hack assembler: .asm text to a program image (ROM words plus the symbol table). */
#ifndef HACK_ASM_H
#define HACK_ASM_H

#include "hack/diag.h"
#include "hack/program.h"

#include <stdbool.h>
#include <stddef.h>

/* Assembles text (name is used in messages) into program, which must be initialised. Labels and variables
 * go into program->symbols. On errors, adds them all (file:line:col with the source line) and returns false.
 * A symbol that looks like a misspelt label gets a warning, and is a variable all the same, as the course's
 * assembler makes it: one that an @name followed by a jump jumps to, and one never used as memory (no @name
 * followed by an instruction using M) that differs from a label only in case or by one edit. */
bool hack_asm_assemble(const char *name, const char *text, size_t length, hack_program *program,
                       hack_diag_list *diags);

bool hack_asm_assemble_file(const char *path, hack_program *program, hack_diag_list *diags);

#endif
