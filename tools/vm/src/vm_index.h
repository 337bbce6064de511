/* Inside the VM translator: the names of a parsed program found in constant time (a program may have a
 * million labels), each name with its first definition: functions by name, labels by file, function and name. */
#ifndef HACK_VM_INDEX_H
#define HACK_VM_INDEX_H

#include "vm_parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t file, scope; /* a label: its file, and its enclosing function's command + 2 (1 outside any); a
                            function: 0, 0 */
    const char *name;
    size_t length;
    const vm_command *first;
} vm_index_entry;

typedef struct {
    vm_index_entry *slots; /* open addressing; first == NULL: empty */
    size_t mask;
} vm_index;

/* Indexes the program's function and label definitions (the first of each name). False: out of memory. */
bool vm_index_build(vm_index *index, const vm_program *program);
void vm_index_free(vm_index *index);

/* The first definition of function NAME, or NULL */
const vm_command *vm_index_function(const vm_index *index, const char *name, size_t length);
/* The first definition of the label a label, goto or if-goto command names, in its file and function, or NULL */
const vm_command *vm_index_label(const vm_index *index, const vm_command *use);

#endif
