/* The variables of a Jack class, as the compiler lays them out: each static, field, argument and local with
 * its declared type and its index in its VM segment. For a debugger, which names what it finds in RAM: a
 * program's map says which Jack file and line each ROM word came from, and this says what the names of that
 * file's functions mean there. Syntax only (a class with semantic errors still gets its table). */
#ifndef HACK_JACK_VARIABLES_H
#define HACK_JACK_VARIABLES_H

#include "hack/diag.h"
#include "hack/sources.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HACK_JACK_STATIC,   /* the VM's static segment: the program's symbol Class.index */
    HACK_JACK_FIELD,    /* this segment: RAM[THIS + index] */
    HACK_JACK_ARGUMENT, /* RAM[ARG + index]; a method's argument 0 is `this` */
    HACK_JACK_LOCAL,    /* RAM[LCL + index] */
} hack_jack_variable_kind;

typedef struct {
    char *name;
    char *type; /* int, char, boolean, or a class name (Array, String, Point...) */
    hack_jack_variable_kind kind;
    uint16_t index;
} hack_jack_variable;

typedef enum { HACK_JACK_FUNCTION, HACK_JACK_METHOD, HACK_JACK_CONSTRUCTOR } hack_jack_subroutine_kind;

typedef struct {
    char *name; /* "fact": the VM function is Class.fact */
    hack_jack_subroutine_kind kind;
    uint32_t line;               /* of its declaration */
    hack_jack_variable *variables; /* its arguments (with a method's `this`) then its locals */
    size_t count;
} hack_jack_subroutine_variables;

typedef struct {
    char *name;
    hack_jack_variable *variables; /* statics and fields */
    size_t count;
    hack_jack_subroutine_variables *subroutines;
    size_t subroutine_count;
} hack_jack_class_variables;

/* Parses source for its class's variables. False (with the syntax errors in diags) when it has no class
 * to speak of, or memory ran out. */
bool hack_jack_class_variables_read(const hack_source *source, hack_jack_class_variables *out,
                                    hack_diag_list *diags);
void hack_jack_class_variables_free(hack_jack_class_variables *variables);

#endif
