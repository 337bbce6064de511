/* The VM program's names in a hash table (vm_index.h): the label check was a scan of the whole program for each
 * label, 13.8 s for 80,000 labels. */
#include "vm_index.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_key(uint32_t file, uint32_t scope, const char *name, size_t length)
{
    uint32_t h = 2166136261u ^ file ^ (scope * 16777619u); /* FNV-1a over the name, seeded by the numbers */
    for (size_t i = 0; i < length; i++) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h ^ (h >> 15);
}

static vm_index_entry *slot_for(const vm_index *index, uint32_t file, uint32_t scope, const char *name, size_t length)
{
    size_t at = hash_key(file, scope, name, length) & index->mask;
    for (;;) {
        vm_index_entry *e = &index->slots[at];
        if (!e->first ||
            (e->file == file && e->scope == scope && e->length == length && memcmp(e->name, name, length) == 0))
            return e;
        at = (at + 1) & index->mask;
    }
}

static void insert(vm_index *index, uint32_t file, uint32_t scope, const vm_command *c)
{
    vm_index_entry *e = slot_for(index, file, scope, c->name, c->name_length);
    if (!e->first) *e = (vm_index_entry){file, scope, c->name, c->name_length, c};
}

bool vm_index_build(vm_index *index, const vm_program *program)
{
    size_t definitions = 0;
    for (size_t i = 0; i < program->count; i++)
        if (program->items[i].op == VM_FUNCTION || program->items[i].op == VM_LABEL) definitions++;
    size_t capacity = 16;
    while (capacity < definitions * 2) capacity *= 2; /* at most half full */
    index->slots = calloc(capacity, sizeof *index->slots);
    index->mask = capacity - 1;
    if (!index->slots) return false;
    for (size_t i = 0; i < program->count; i++) {
        const vm_command *c = &program->items[i];
        if (c->op == VM_FUNCTION) insert(index, 0, 0, c);
        else if (c->op == VM_LABEL) insert(index, c->file, (uint32_t)(c->function + 2), c);
    }
    return true;
}

void vm_index_free(vm_index *index)
{
    free(index->slots);
    index->slots = NULL;
}

const vm_command *vm_index_function(const vm_index *index, const char *name, size_t length)
{
    return slot_for(index, 0, 0, name, length)->first;
}

const vm_command *vm_index_label(const vm_index *index, const vm_command *use)
{
    return slot_for(index, use->file, (uint32_t)(use->function + 2), use->name, use->name_length)->first;
}
