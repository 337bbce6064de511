/* Inside the VM translator: parsed commands. */
#ifndef HACK_VM_PARSE_H
#define HACK_VM_PARSE_H

#include "hack/vm.h"

typedef enum {
    VM_ADD, VM_SUB, VM_NEG, VM_EQ, VM_GT, VM_LT, VM_AND, VM_OR, VM_NOT,
    VM_PUSH, VM_POP, VM_LABEL, VM_GOTO, VM_IF_GOTO, VM_FUNCTION, VM_CALL, VM_RETURN,
} vm_op;

typedef enum { SEG_CONSTANT, SEG_LOCAL, SEG_ARGUMENT, SEG_THIS, SEG_THAT, SEG_TEMP, SEG_POINTER, SEG_STATIC } vm_segment;

typedef struct {
    vm_op op;
    vm_segment segment;
    int32_t number;   /* segment index, local count or argument count */
    const char *name; /* label or function name, in the source text */
    size_t name_length;
    uint16_t file;
    uint32_t line;
    int column;          /* of the name or number, for messages */
    const char *line_text;
    size_t line_length;
    int function;     /* index of the enclosing function command, -1 outside any */
} vm_command;

typedef struct {
    vm_command *items;
    size_t count, capacity;
} vm_program;

/* Parses every source into commands; syntax errors go to diags. */
bool vm_parse(const hack_vm_sources *sources, vm_program *program, hack_diag_list *diags);
void vm_program_free(vm_program *program);

#endif
