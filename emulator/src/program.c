#include "hack/program.h"

#include "hack/isa.h"
#include "hack/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hack_program_init(hack_program *program)
{
    memset(program, 0, sizeof *program);
    hack_symtab_init(&program->symbols);
    program->words = calloc(HACK_ROM_SIZE, sizeof *program->words);
    program->asm_lines = calloc(HACK_ROM_SIZE, sizeof *program->asm_lines);
    if (program->words && program->asm_lines) return true;
    hack_program_free(program);
    return false;
}

static void free_map(hack_program *program)
{
    for (size_t i = 0; i < program->source_file_count; i++) free(program->source_files[i]);
    free(program->source_files);
    free(program->locations);
    program->source_files = NULL;
    program->source_file_count = 0;
    program->locations = NULL;
}

void hack_program_free(hack_program *program)
{
    free(program->words);
    free(program->asm_lines);
    program->words = NULL;
    program->asm_lines = NULL;
    program->count = 0;
    hack_symtab_free(&program->symbols);
    free_map(program);
}

bool hack_program_add_map(hack_program *program, const char *const *files, size_t file_count)
{
    free_map(program);
    program->locations = calloc(HACK_ROM_SIZE, sizeof *program->locations);
    program->source_files = calloc(file_count ? file_count : 1, sizeof *program->source_files);
    if (!program->locations || !program->source_files) {
        free_map(program);
        return false;
    }
    for (size_t i = 0; i < file_count; i++) {
        program->source_files[i] = malloc(strlen(files[i]) + 1);
        if (!program->source_files[i]) {
            program->source_file_count = i;
            free_map(program);
            return false;
        }
        strcpy(program->source_files[i], files[i]);
    }
    program->source_file_count = file_count;
    return true;
}

const hack_symbol *hack_program_function_at(const hack_program *program, uint16_t pc)
{
    const hack_symbol *best = NULL;
    for (size_t i = 0; i < program->symbols.count; i++) {
        const hack_symbol *symbol = &program->symbols.entries[i];
        if (symbol->kind == HACK_SYMBOL_FUNCTION && symbol->value <= pc && (!best || symbol->value > best->value))
            best = symbol;
    }
    return best;
}

static const char *const kind_names[] = {"label", "var", "function", "static"};

static FILE *open_for_writing(const char *path, hack_diag_list *diags)
{
    FILE *file = fopen(path, "w");
    if (!file) hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
    return file;
}

static bool close_written(FILE *file, const char *path, hack_diag_list *diags)
{
    bool ok = !ferror(file);
    if (fclose(file) != 0) ok = false;
    if (!ok) hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "write failed: %s", strerror(errno));
    return ok;
}

bool hack_program_write_hack(const hack_program *program, const char *path, hack_diag_list *diags)
{
    FILE *file = open_for_writing(path, diags);
    if (!file) return false;
    char line[18];
    line[16] = '\n';
    line[17] = '\0';
    for (size_t i = 0; i < program->count; i++) {
        for (int bit = 0; bit < 16; bit++) line[bit] = (char)('0' + ((program->words[i] >> (15 - bit)) & 1u));
        fputs(line, file);
    }
    return close_written(file, path, diags);
}

bool hack_program_write_symbols(const hack_program *program, const char *path, hack_diag_list *diags)
{
    FILE *file = open_for_writing(path, diags);
    if (!file) return false;
    for (size_t i = 0; i < program->symbols.count; i++) {
        const hack_symbol *symbol = &program->symbols.entries[i];
        fprintf(file, "%u %s %s\n", (unsigned)symbol->value, kind_names[symbol->kind], symbol->name);
    }
    if (program->locations) {
        for (size_t i = 0; i < program->source_file_count; i++)
            fprintf(file, "source %zu %s\n", i, program->source_files[i]);
        /* Runs of words from the same line and command. */
        for (size_t first = 0; first < program->count;) {
            const hack_source_location *at = &program->locations[first];
            size_t last = first;
            while (last + 1 < program->count && !program->locations[last].command_end &&
                   !program->locations[last + 1].command_start && program->locations[last + 1].line == at->line &&
                   program->locations[last + 1].file == at->file)
                last++;
            unsigned flags = (at->command_start ? 1u : 0u) | (program->locations[last].command_end ? 2u : 0u);
            if (at->line || flags)
                fprintf(file, "map %zu %zu %u %u %u\n", first, last, (unsigned)at->file, (unsigned)at->line, flags);
            first = last + 1;
        }
    }
    return close_written(file, path, diags);
}

static bool read_map_line(hack_program *program, const char *copy)
{
    unsigned long first, last, file, line, start;
    char name[400];
    size_t index;
    if (sscanf(copy, "source %zu %399s", &index, name) == 2) {
        if (!program->locations && !hack_program_add_map(program, NULL, 0)) return false;
        if (index != program->source_file_count) return false;
        char **grown = realloc(program->source_files, (index + 1) * sizeof *grown);
        if (!grown) return false;
        program->source_files = grown;
        grown[index] = malloc(strlen(name) + 1);
        if (!grown[index]) return false;
        strcpy(grown[index], name);
        program->source_file_count++;
        return true;
    }
    if (sscanf(copy, "map %lu %lu %lu %lu %lu", &first, &last, &file, &line, &start) == 5) {
        if (first > last || last >= HACK_ROM_SIZE || file >= program->source_file_count || start > 3) return false;
        for (unsigned long address = first; address <= last; address++)
            program->locations[address] = (hack_source_location){
                (uint32_t)line, (uint16_t)file, (uint8_t)(address == first && (start & 1u)),
                (uint8_t)(address == last && (start & 2u))};
        return true;
    }
    return false;
}

bool hack_program_read_symbols(hack_program *program, const char *path, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    size_t offset = 0;
    const char *line;
    size_t line_length;
    int line_number = 0;
    bool ok = true;
    while (ok && hack_textfile_next_line(text, length, &offset, &line, &line_length)) {
        line_number++;
        char copy[512];
        if (line_length >= sizeof copy) line_length = sizeof copy - 1;
        memcpy(copy, line, line_length);
        copy[line_length] = '\0';
        unsigned value;
        char kind[16], name[400];
        if (copy[0] == '\0' || copy[0] == '\r') continue;
        int kind_index = -1;
        if (sscanf(copy, "%u %15s %399s", &value, kind, name) == 3 && value <= 0xFFFFu)
            for (int k = 0; k < 4; k++)
                if (strcmp(kind, kind_names[k]) == 0) kind_index = k;
        if (kind_index < 0) {
            if (read_map_line(program, copy)) continue;
            hack_diag_add(diags, HACK_DIAG_ERROR, path, line_number, 1, line, line_length,
                          "expected \"ADDRESS label|var|function|static NAME\", \"source\" or \"map\"");
            ok = false;
            break;
        }
        bool out_of_memory;
        hack_symtab_add(&program->symbols, name, strlen(name), (uint16_t)value, (hack_symbol_kind)kind_index,
                        &out_of_memory);
        if (out_of_memory) ok = false;
    }
    free(text);
    return ok;
}

bool hack_program_parse_hack(hack_program *program, const char *name, const char *text, size_t length,
                             hack_diag_list *diags)
{
    if (!hack_textfile_check(name, text, length, diags)) return false;
    size_t offset = 0;
    const char *line;
    size_t line_length;
    int line_number = 0;
    program->count = 0;
    while (hack_textfile_next_line(text, length, &offset, &line, &line_length)) {
        line_number++;
        size_t end = line_length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) end--;
        if (end == 0) continue;
        size_t digits = 0;
        while (digits < end && (line[digits] == '0' || line[digits] == '1')) digits++;
        if (digits != 16 || end != 16) {
            unsigned char c = (unsigned char)line[digits];
            if (digits < end && c >= 0x20 && c < 0x7F)
                hack_diag_add(diags, HACK_DIAG_ERROR, name, line_number, (int)digits + 1, line, line_length,
                              "expected 16 binary digits, found '%c'", c);
            else if (digits < end)
                hack_diag_add(diags, HACK_DIAG_ERROR, name, line_number, (int)digits + 1, line, line_length,
                              "expected 16 binary digits, found byte 0x%02X", c);
            else
                hack_diag_add(diags, HACK_DIAG_ERROR, name, line_number, (int)end + 1, line, line_length,
                              "expected 16 binary digits, found %zu", digits);
            return false;
        }
        if (program->count == HACK_ROM_SIZE) {
            hack_diag_add(diags, HACK_DIAG_ERROR, name, line_number, 1, line, line_length,
                          "program is longer than the %d words of ROM", HACK_ROM_SIZE);
            return false;
        }
        uint16_t word = 0;
        for (int bit = 0; bit < 16; bit++) word = (uint16_t)((word << 1) | (uint16_t)(line[bit] - '0'));
        program->words[program->count++] = word;
    }
    if (program->count == 0) {
        hack_diag_add(diags, HACK_DIAG_ERROR, name, 0, 0, NULL, 0, "no instructions: the file is empty");
        return false;
    }
    return true;
}

bool hack_program_load_hack_file(hack_program *program, const char *path, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    bool ok = hack_program_parse_hack(program, path, text, length, diags);
    free(text);
    return ok;
}
