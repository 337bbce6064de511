/* The Jack compiler (book chapters 9-11): Jack classes to VM code, the course's conventions exactly
 * (constructors allocate with Memory.alloc, methods get this as argument 0, arrays go through `that`).
 * Errors point at file:line:column with the source line; several are reported per file where the parser
 * can recover, and semantic errors (undeclared names, `this` in a function, calls to classes that are
 * neither in the folder nor in the OS, wrong kinds and argument counts for the folder's own subroutines and
 * the OS's, values returned from void subroutines...) are found before any VM code is written, with the
 * nearest name when one is near ("did you mean 'printInt'?"). A file with errors gets no VM code. */
#ifndef HACK_JACK_H
#define HACK_JACK_H

#include "hack/diag.h"
#include "hack/sources.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef hack_source hack_jack_source;
typedef hack_sources hack_jack_sources;

/* Reads File.jack, or every .jack file of a folder (in name order). */
bool hack_jack_sources_read(hack_jack_sources *sources, const char *path, hack_diag_list *diags);
#define hack_jack_sources_add hack_sources_add
#define hack_jack_sources_free hack_sources_free

typedef struct {
    char *class_name; /* the class the source declares (NULL if it could not be parsed) */
    char *vm;         /* its VM code, or NULL when the source has errors */
    size_t vm_length;
    /* Where each VM command came from in the .jack: positions[i] for VM line i + 1 (one command a line). A
     * function command is at its subroutine's declaration; a call at the called name (or its qualifier, in
     * Class.f or obj.m); a push at its term; an operator at its right operand; what a statement adds itself
     * (the pop of a let, the jumps of an if or while, a do's pop, a return) at the statement's keyword. */
    hack_source_position *positions;
    size_t position_count;
} hack_jack_output;

typedef struct {
    hack_jack_output *items; /* one per source, in the same order */
    size_t count;
} hack_jack_outputs;

/* Compiles the sources as one program (a folder): calls between them are checked. Returns true when no
 * source has errors; outputs has an entry per source either way. Expressions, statements and names may be of
 * any length; expressions (parentheses, calls, subscripts, unary operators) and if/while blocks may each nest
 * 500 levels deep, and deeper code is an error at the first token too deep ("expressions nested deeper than
 * 500 levels"), never a crash. */
bool hack_jack_compile(const hack_jack_sources *sources, hack_jack_outputs *outputs, hack_diag_list *diags);

/* The rest of the program that some Jack sources belong to: classes compiled elsewhere, which their calls
 * may name. A call to a class that is neither among the sources, nor here, nor in the OS is an error (with
 * the nearest class name: "did you mean 'Output'?"). */
typedef struct {
    hack_sources declarations; /* .jack files read only for their classes' subroutines (no code, no messages) */
    hack_sources compiled;     /* .vm files of classes without a .jack: their functions are known by name */
} hack_jack_context;

/* The context of path, as given to hack_jack_sources_read: for a file, the other .jack files of its folder;
 * for both, the folder's .vm files whose class has no .jack (a class compiled elsewhere, the course's OS).
 * Files that cannot be read are left out. False only when memory ran out. */
bool hack_jack_context_read(hack_jack_context *context, const char *path);
void hack_jack_context_free(hack_jack_context *context);

/* hack_jack_compile with the rest of the program (context NULL: the sources are the whole program). */
bool hack_jack_compile_with(const hack_jack_sources *sources, const hack_jack_context *context,
                            hack_jack_outputs *outputs, hack_diag_list *diags);
void hack_jack_outputs_free(hack_jack_outputs *outputs);

/* The map jackc --map writes beside Xxx.vm, as Xxx.vm.map: the text of
 *     jack-map 1 Xxx.jack VMLINES VMHASH
 *     VMLINE JACKLINE JACKCOLUMN
 *     ...
 * a line per VM command, in order. The first line names the format's version, the Jack file (its base name)
 * and the .vm it was written for: its number of lines and hack_jack_map_hash of its text, in 8 hex digits, so
 * that a .vm written again by another compiler is not taken for this one. Returns NULL when memory ran out;
 * *length gets the text's length. */
char *hack_jack_map_text(const char *jack_path, const hack_jack_output *output, size_t *length);

/* FNV-1a (32 bits) of text: the VMHASH of a map. */
uint32_t hack_jack_map_hash(const char *text, size_t length);

/* The course's project 10 output for one source: the token list (XxxT.xml) and the parse tree (Xxx.xml),
 * CRLF line ends, as the course's files have them. Syntax only. */
bool hack_jack_xml(const hack_jack_source *source, char **tokens_xml, size_t *tokens_length, char **tree_xml,
                   size_t *tree_length, hack_diag_list *diags);

#endif
