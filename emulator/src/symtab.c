#include "hack/program.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: short identifiers, no adversary; a hand-written table keeps the core free of dependencies. */
static uint32_t hash_name(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

void hack_symtab_init(hack_symtab *table)
{
    memset(table, 0, sizeof *table);
}

void hack_symtab_free(hack_symtab *table)
{
    for (size_t i = 0; i < table->count; i++) free(table->entries[i].name);
    free(table->entries);
    free(table->slots);
    hack_symtab_init(table);
}

static size_t find_slot(const hack_symtab *table, const char *name, size_t len)
{
    size_t mask = table->slot_count - 1;
    for (size_t i = hash_name(name, len) & mask;; i = (i + 1) & mask) {
        uint32_t slot = table->slots[i];
        if (slot == 0) return i;
        const char *other = table->entries[slot - 1].name;
        if (strlen(other) == len && memcmp(other, name, len) == 0) return i;
    }
}

static bool grow_slots(hack_symtab *table)
{
    size_t count = table->slot_count ? table->slot_count * 2 : 64;
    uint32_t *slots = calloc(count, sizeof *slots);
    if (!slots) return false;
    free(table->slots);
    table->slots = slots;
    table->slot_count = count;
    for (size_t e = 0; e < table->count; e++) {
        const char *name = table->entries[e].name;
        table->slots[find_slot(table, name, strlen(name))] = (uint32_t)(e + 1);
    }
    return true;
}

const hack_symbol *hack_symtab_find(const hack_symtab *table, const char *name, size_t len)
{
    assert(table && (name || len == 0));
    if (table->slot_count == 0) return NULL;
    uint32_t slot = table->slots[find_slot(table, name, len)];
    return slot ? &table->entries[slot - 1] : NULL;
}

bool hack_symtab_add(hack_symtab *table, const char *name, size_t len, uint16_t value, hack_symbol_kind kind,
                     bool *out_of_memory)
{
    assert(table && (name || len == 0));
    if (out_of_memory) *out_of_memory = false;
    if (hack_symtab_find(table, name, len)) return false;
    if ((table->count + 1) * 2 > table->slot_count && !grow_slots(table)) goto no_memory;
    if (table->count == table->capacity) {
        size_t capacity = table->capacity ? table->capacity * 2 : 32;
        hack_symbol *entries = realloc(table->entries, capacity * sizeof *entries);
        if (!entries) goto no_memory;
        table->entries = entries;
        table->capacity = capacity;
    }
    char *copy = malloc(len + 1);
    if (!copy) goto no_memory;
    memcpy(copy, name, len);
    copy[len] = '\0';
    table->entries[table->count] = (hack_symbol){copy, value, kind};
    table->slots[find_slot(table, name, len)] = (uint32_t)(++table->count);
    return true;
no_memory:
    if (out_of_memory) *out_of_memory = true;
    return false;
}
