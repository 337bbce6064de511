#include "hack/program.h"
#include "hack/outfile.h"

#include "hack/isa.h"
#include "hack/textfile.h"

#include <errno.h>
#include <stdarg.h>
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
    free(program->project_os);
    program->project_os = NULL;
}

bool hack_program_set_project_os(hack_program *program, const char *names)
{
    free(program->project_os);
    program->project_os = NULL;
    if (!names || !*names) return true;
    program->project_os = malloc(strlen(names) + 1);
    if (!program->project_os) return false;
    strcpy(program->project_os, names);
    return true;
}

bool hack_program_has_project_os(const hack_program *program, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = program->project_os; p && *p;) {
        const char *end = strchr(p, ',');
        size_t length = end ? (size_t)(end - p) : strlen(p);
        if (length == n && strncmp(p, name, n) == 0) return true;
        p = end ? end + 1 : p + length;
    }
    return false;
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

bool hack_program_write_hack(const hack_program *program, const char *path, hack_diag_list *diags)
{
    hack_outfile out;
    if (!hack_outfile_open(&out, path, diags)) return false;
    FILE *file = out.file;
    char line[18];
    line[16] = '\n';
    line[17] = '\0';
    for (size_t i = 0; i < program->count; i++) {
        for (int bit = 0; bit < 16; bit++) line[bit] = (char)('0' + ((program->words[i] >> (15 - bit)) & 1u));
        fputs(line, file);
    }
    return hack_outfile_commit(&out, diags);
}

bool hack_program_write_symbols(const hack_program *program, const char *path, hack_diag_list *diags)
{
    hack_outfile out;
    if (!hack_outfile_open(&out, path, diags)) return false;
    FILE *file = out.file;
    for (size_t i = 0; i < program->symbols.count; i++) {
        const hack_symbol *symbol = &program->symbols.entries[i];
        fprintf(file, "%u %s %s\n", (unsigned)symbol->value, kind_names[symbol->kind], symbol->name);
    }
    if (program->project_os) fprintf(file, "project-os %s\n", program->project_os);
    if (program->locations) {
        for (size_t i = 0; i < program->source_file_count; i++)
            fprintf(file, "source %zu %s\n", i, program->source_files[i]);
        /* Runs of words from the same line and command. */
        for (size_t first = 0; first < program->count;) {
            const hack_source_location *at = &program->locations[first];
            size_t last = first;
            while (last + 1 < program->count && !program->locations[last].command_end &&
                   !program->locations[last + 1].command_start && program->locations[last + 1].line == at->line &&
                   program->locations[last + 1].file == at->file &&
                   program->locations[last + 1].jack_line == at->jack_line &&
                   program->locations[last + 1].jack_file == at->jack_file &&
                   program->locations[last + 1].routine == at->routine)
                last++;
            unsigned flags = (at->command_start ? 1u : 0u) | (program->locations[last].command_end ? 2u : 0u) |
                             (unsigned)at->routine << 2;
            if (at->jack_line)
                fprintf(file, "map %zu %zu %u %u %u %u %u\n", first, last, (unsigned)at->file, (unsigned)at->line,
                        flags, (unsigned)at->jack_file, (unsigned)at->jack_line);
            else if (at->line || flags)
                fprintf(file, "map %zu %zu %u %u %u\n", first, last, (unsigned)at->file, (unsigned)at->line, flags);
            first = last + 1;
        }
    }
    return hack_outfile_commit(&out, diags);
}

/* ---- reading a .sym file: everything in it is checked, since later code indexes ROM and RAM with it ---- */

typedef struct {
    const char *start;
    size_t length;
} field;

typedef struct {
    hack_program *program;
    const char *path;
    hack_diag_list *diags;
    const char *line; /* the current line, without its line end */
    size_t line_length;
    int line_number;
    int32_t last_mapped; /* the last ROM word of the previous map line (-1: none yet) */
} symbol_reader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool symbol_error(symbol_reader *r, const char *at, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    hack_diag_addv(r->diags, HACK_DIAG_ERROR, r->path, r->line_number, (int)(at - r->line) + 1, r->line,
                   r->line_length, format, args);
    va_end(args);
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The next run of non-blanks from *p (empty at the end of the line). */
static field next_field(symbol_reader *r, const char **p)
{
    const char *end = r->line + r->line_length;
    while (*p < end && is_blank(**p)) (*p)++;
    const char *start = *p;
    while (*p < end && !is_blank(**p)) (*p)++;
    return (field){start, (size_t)(*p - start)};
}

static bool field_is(field f, const char *text)
{
    return f.length == strlen(text) && memcmp(f.start, text, f.length) == 0;
}

/* A decimal number no larger than limit. */
static bool field_number(field f, uint32_t limit, uint32_t *value)
{
    if (f.length == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < f.length; i++) {
        if (f.start[i] < '0' || f.start[i] > '9') return false;
        v = v * 10 + (uint64_t)(f.start[i] - '0');
        if (v > limit) return false;
    }
    *value = (uint32_t)v;
    return true;
}

/* Names are assembly symbols: letters, digits, _ . $ :, not starting with a digit. */
static bool is_symbol_name(field f)
{
    if (f.length == 0 || (f.start[0] >= '0' && f.start[0] <= '9')) return false;
    for (size_t i = 0; i < f.length; i++) {
        unsigned char c = (unsigned char)f.start[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '$' && c != ':') return false;
    }
    return true;
}

static bool nothing_after(symbol_reader *r, const char **p, const char *what)
{
    field junk = next_field(r, p);
    if (junk.length == 0) return true;
    return symbol_error(r, junk.start, "unexpected '%.*s' after %s", (int)junk.length, junk.start, what);
}

/* ADDRESS label|var|function|static NAME */
static bool read_symbol_line(symbol_reader *r, field address, const char **p)
{
    field kind = next_field(r, p);
    int kind_index = -1;
    for (int k = 0; k < 4; k++)
        if (field_is(kind, kind_names[k])) kind_index = k;
    if (kind_index < 0)
        return symbol_error(r, kind.length ? kind.start : *p, "expected label, var, function or static, found '%.*s'",
                            (int)kind.length, kind.start);
    /* Labels and functions are ROM addresses, variables and statics RAM addresses: both 15 bits. */
    bool in_rom = kind_index == HACK_SYMBOL_LABEL || kind_index == HACK_SYMBOL_FUNCTION;
    uint32_t value;
    if (!field_number(address, (in_rom ? HACK_ROM_SIZE : HACK_RAM_SIZE) - 1, &value))
        return symbol_error(r, address.start, "a %s's address must be in %s (0..%d), found '%.*s'",
                            kind_names[kind_index], in_rom ? "ROM" : "RAM", (in_rom ? HACK_ROM_SIZE : HACK_RAM_SIZE) - 1,
                            (int)address.length, address.start);
    field name = next_field(r, p);
    if (!is_symbol_name(name))
        return symbol_error(r, name.length ? name.start : *p,
                            "expected a name (letters, digits, _ . $ :, not starting with a digit), found '%.*s'",
                            (int)name.length, name.start);
    if (!nothing_after(r, p, "the name")) return false;
    bool out_of_memory;
    if (hack_symtab_add(&r->program->symbols, name.start, name.length, (uint16_t)value, (hack_symbol_kind)kind_index,
                        &out_of_memory))
        return true;
    if (out_of_memory) return symbol_error(r, r->line, "out of memory");
    return symbol_error(r, name.start, "'%.*s' is defined twice", (int)name.length, name.start);
}

/* source INDEX PATH: the sources are numbered from 0, in order; PATH is the rest of the line. */
static bool read_source_line(symbol_reader *r, const char **p)
{
    hack_program *program = r->program;
    field index = next_field(r, p);
    uint32_t value;
    if (!field_number(index, UINT16_MAX, &value) || value != program->source_file_count)
        return symbol_error(r, index.length ? index.start : *p, "expected source number %zu, found '%.*s'",
                            program->source_file_count, (int)index.length, index.start);
    const char *path = *p, *end = r->line + r->line_length;
    while (path < end && is_blank(*path)) path++;
    while (end > path && is_blank(end[-1])) end--;
    if (path == end) return symbol_error(r, path, "expected the source's path");
    for (const char *c = path; c < end; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            return symbol_error(r, c, "a source path cannot hold control characters");
    if (!program->locations && !hack_program_add_map(program, NULL, 0)) return symbol_error(r, r->line, "out of memory");
    char **grown = realloc(program->source_files, (program->source_file_count + 1) * sizeof *grown);
    if (!grown) return symbol_error(r, r->line, "out of memory");
    program->source_files = grown;
    size_t length = (size_t)(end - path);
    char *copy = malloc(length + 1);
    if (!copy) return symbol_error(r, r->line, "out of memory");
    memcpy(copy, path, length);
    copy[length] = '\0';
    grown[program->source_file_count++] = copy;
    return true;
}

/* map FIRST LAST FILE LINE FLAGS [JACKFILE JACKLINE]: ROM words FIRST..LAST came from line LINE of source
 * FILE (and it from line JACKLINE of source JACKFILE). The runs come in ROM order without overlapping, as
 * hack_program_write_symbols writes them, so reading is linear. */
static bool read_map_line(symbol_reader *r, const char **p)
{
    hack_program *program = r->program;
    field fields[7];
    for (int i = 0; i < 5; i++) fields[i] = next_field(r, p);
    uint32_t first, last, file, line, flags, jack_file = 0, jack_line = 0;
    if (!field_number(fields[0], HACK_ROM_SIZE - 1, &first))
        return symbol_error(r, fields[0].length ? fields[0].start : *p, "expected the first ROM address (0..%d), found '%.*s'",
                            HACK_ROM_SIZE - 1, (int)fields[0].length, fields[0].start);
    if ((int32_t)first <= r->last_mapped)
        return symbol_error(r, fields[0].start, "map runs must come in ROM order without overlapping (the previous one ends at %d)",
                            (int)r->last_mapped);
    if (!field_number(fields[1], HACK_ROM_SIZE - 1, &last) || last < first)
        return symbol_error(r, fields[1].length ? fields[1].start : *p,
                            "expected the last ROM address (%u..%d), found '%.*s'", (unsigned)first, HACK_ROM_SIZE - 1,
                            (int)fields[1].length, fields[1].start);
    if (!field_number(fields[2], UINT16_MAX, &file) || file >= program->source_file_count)
        return symbol_error(r, fields[2].length ? fields[2].start : *p,
                            "expected a source number given by a 'source' line above (%zu so far), found '%.*s'",
                            program->source_file_count, (int)fields[2].length, fields[2].start);
    if (!field_number(fields[3], UINT32_MAX, &line))
        return symbol_error(r, fields[3].length ? fields[3].start : *p, "expected a line number, found '%.*s'",
                            (int)fields[3].length, fields[3].start);
    const uint32_t max_flags = 3u | (uint32_t)(HACK_ROUTINE_COUNT - 1) << 2;
    if (!field_number(fields[4], max_flags, &flags))
        return symbol_error(r, fields[4].length ? fields[4].start : *p, "expected flags 0..%u, found '%.*s'",
                            (unsigned)max_flags, (int)fields[4].length, fields[4].start);
    fields[5] = next_field(r, p);
    if (fields[5].length) { /* the Jack source of the command */
        fields[6] = next_field(r, p);
        if (!field_number(fields[5], UINT16_MAX, &jack_file) || jack_file >= program->source_file_count)
            return symbol_error(r, fields[5].start,
                                "expected the Jack source's number, given by a 'source' line above (%zu so far), "
                                "found '%.*s'",
                                program->source_file_count, (int)fields[5].length, fields[5].start);
        if (!field_number(fields[6], UINT32_MAX, &jack_line) || jack_line == 0)
            return symbol_error(r, fields[6].length ? fields[6].start : *p,
                                "expected the Jack line number (from 1), found '%.*s'", (int)fields[6].length,
                                fields[6].start);
        if (!nothing_after(r, p, "the Jack line")) return false;
    }
    for (uint32_t address = first; address <= last; address++)
        program->locations[address] = (hack_source_location){
            line,      (uint16_t)file,           (uint8_t)(address == first && (flags & 1u)),
            (uint8_t)(address == last && (flags & 2u)), jack_line, (uint16_t)jack_file, (uint8_t)(flags >> 2)};
    r->last_mapped = (int32_t)last;
    return true;
}

/* project-os NAMES: the OS classes the tools put in, names joined by commas, once. */
static bool read_project_os_line(symbol_reader *r, const char **p)
{
    field names = next_field(r, p);
    if (r->program->project_os) return symbol_error(r, names.start, "a second 'project-os' line");
    if (names.length == 0) return symbol_error(r, *p, "expected the OS classes' names, joined by commas");
    for (size_t i = 0; i < names.length; i++) {
        char c = names.start[i];
        bool name_char = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!name_char && !(c == ',' && i > 0 && i + 1 < names.length && names.start[i + 1] != ','))
            return symbol_error(r, names.start + i, "expected class names joined by commas");
    }
    if (!nothing_after(r, p, "the OS classes' names")) return false;
    char *copy = malloc(names.length + 1);
    if (!copy) return symbol_error(r, names.start, "out of memory");
    memcpy(copy, names.start, names.length);
    copy[names.length] = '\0';
    r->program->project_os = copy;
    return true;
}

bool hack_program_read_symbols(hack_program *program, const char *path, hack_diag_list *diags)
{
    char *text;
    size_t length;
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    symbol_reader r = {.program = program, .path = path, .diags = diags, .last_mapped = -1};
    size_t offset = 0;
    bool ok = true;
    while (ok && hack_textfile_next_line(text, length, &offset, &r.line, &r.line_length)) {
        r.line_number++;
        if (r.line_length > 0 && r.line[r.line_length - 1] == '\r') r.line_length--;
        const char *p = r.line;
        field first = next_field(&r, &p);
        if (first.length == 0) continue;
        if (first.start[0] >= '0' && first.start[0] <= '9')
            ok = read_symbol_line(&r, first, &p);
        else if (field_is(first, "source"))
            ok = read_source_line(&r, &p);
        else if (field_is(first, "map"))
            ok = read_map_line(&r, &p);
        else if (field_is(first, "project-os"))
            ok = read_project_os_line(&r, &p);
        else
            ok = symbol_error(&r, first.start, "expected \"ADDRESS label|var|function|static NAME\", "
                                               "\"project-os\", \"source\" or \"map\"");
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
            /* Only bytes of the line are looked at: the text need not end in a NUL. */
            unsigned char c = digits < end ? (unsigned char)line[digits] : 0;
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
