#include "hack/program.h"

#include "hack/isa.h"
#include "hack/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hack_program_init(hack_program *program)
{
    hack_symtab_init(&program->symbols);
    program->count = 0;
    program->words = calloc(HACK_ROM_SIZE, sizeof *program->words);
    return program->words != NULL;
}

void hack_program_free(hack_program *program)
{
    free(program->words);
    program->words = NULL;
    program->count = 0;
    hack_symtab_free(&program->symbols);
}

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
        fprintf(file, "%u %s %s\n", (unsigned)symbol->value, symbol->kind == HACK_SYMBOL_LABEL ? "label" : "var",
                symbol->name);
    }
    return close_written(file, path, diags);
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
        if (sscanf(copy, "%u %15s %399s", &value, kind, name) != 3 || value > 0xFFFFu ||
            (strcmp(kind, "label") != 0 && strcmp(kind, "var") != 0)) {
            hack_diag_add(diags, HACK_DIAG_ERROR, path, line_number, 1, line, line_length,
                          "expected \"ADDRESS label|var NAME\"");
            ok = false;
            break;
        }
        bool out_of_memory;
        hack_symtab_add(&program->symbols, name, strlen(name), (uint16_t)value,
                        kind[0] == 'l' ? HACK_SYMBOL_LABEL : HACK_SYMBOL_VARIABLE, &out_of_memory);
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
