#define _POSIX_C_SOURCE 200809L
#include "hack/build.h"

#include "hack/asm.h"
#include "hack/jack.h"
#include "hack/os.h"
#include "hack/path.h"
#include "hack/textfile.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Whether the folder has files ending in extension. */
static bool folder_has(const char *path, const char *extension)
{
    DIR *dir = opendir(path);
    if (!dir) return false;
    bool found = false;
    for (struct dirent *entry; !found && (entry = readdir(dir)) != NULL;)
        found = hack_path_has_extension(entry->d_name, extension) && strlen(entry->d_name) > strlen(extension);
    closedir(dir);
    return found;
}

bool hack_build_is_program_folder(const char *path)
{
    return hack_path_is_folder(path) && (folder_has(path, ".vm") || folder_has(path, ".jack"));
}

static bool newer_than(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0) return false;
    if (stat(b, &sb) != 0) return true; /* b missing */
    return sa.st_mtime > sb.st_mtime;
}

/* Names joined by ", " for a note. */
typedef struct {
    char *text;
    size_t length, count;
} hack_strlist;

static void strlist_add(hack_strlist *list, const char *name)
{
    size_t n = strlen(name), extra = list->length ? 2 : 0;
    char *grown = realloc(list->text, list->length + extra + n + 1);
    if (!grown) return;
    if (extra) memcpy(grown + list->length, ", ", 2);
    memcpy(grown + list->length + extra, name, n + 1);
    list->text = grown;
    list->length += extra + n;
    list->count++;
}

/* Compiles the Jack sources read from path (all of them one program, with the classes compiled elsewhere
 * that path's folder holds) and adds their VM code under the .vm names. */
static bool add_compiled(hack_vm_sources *sources, const char *path, const hack_jack_sources *jack, const bool *wanted,
                         hack_diag_list *diags)
{
    hack_jack_outputs outputs = {0};
    hack_jack_context context;
    bool ok = hack_jack_context_read(&context, path) && hack_jack_compile_with(jack, &context, &outputs, diags);
    hack_jack_context_free(&context);
    for (size_t i = 0; ok && i < outputs.count; i++) {
        if (wanted && !wanted[i]) continue;
        char *vm_path = hack_path_with_extension(jack->items[i].path, ".vm");
        ok = vm_path && hack_vm_sources_add(sources, vm_path, outputs.items[i].vm, outputs.items[i].vm_length) &&
             hack_sources_set_origin(sources, sources->count - 1, jack->items[i].path, outputs.items[i].positions,
                                     outputs.items[i].position_count);
        free(vm_path);
    }
    hack_jack_outputs_free(&outputs);
    return ok;
}

/* ---- jackc --map's Xxx.vm.map beside a .vm read from disk ---- */

typedef struct {
    const char *path, *line;
    size_t line_length;
    int line_number;
    hack_diag_list *diags;
} map_reader;

/* The next blank-separated field of the line from *at (empty at its end). */
static const char *map_field(const map_reader *m, size_t *at, size_t *length)
{
    while (*at < m->line_length && (m->line[*at] == ' ' || m->line[*at] == '\t')) (*at)++;
    size_t start = *at;
    while (*at < m->line_length && m->line[*at] != ' ' && m->line[*at] != '\t') (*at)++;
    *length = *at - start;
    return m->line + start;
}

static bool map_number(const char *text, size_t length, uint32_t *value)
{
    if (length == 0 || length > 10) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9') return false;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    if (v > UINT32_MAX) return false;
    *value = (uint32_t)v;
    return true;
}

/* A map that cannot be used: a note where, and the VM lines are shown instead. */
static bool map_refused(const map_reader *m, const char *at, const char *why)
{
    int column = at && m->line ? (int)(at - m->line) + 1 : 0;
    hack_diag_add(m->diags, HACK_DIAG_NOTE, m->path, m->line ? m->line_number : 0, column, m->line,
                  m->line ? m->line_length : 0, "%s: the map is not used (call stacks show VM lines)", why);
    return false;
}

/* Reads the map text written for source (see hack_jack_map_text): every line is checked, the first against
 * the .vm's own line count and hash. Fills positions (one per VM line) and the Jack file's base name. */
static bool read_jack_map(map_reader *m, const char *text, size_t length, const hack_source *source,
                          hack_source_position *positions, size_t vm_lines, char **jack_name)
{
    size_t offset = 0, at, n;
    if (!hack_textfile_next_line(text, length, &offset, &m->line, &m->line_length))
        return map_refused(m, NULL, "empty");
    m->line_number = 1;
    if (m->line_length && m->line[m->line_length - 1] == '\r') m->line_length--;
    at = 0;
    const char *f = map_field(m, &at, &n);
    if (n != 8 || memcmp(f, "jack-map", 8) != 0) return map_refused(m, f, "expected 'jack-map 1 Xxx.jack LINES HASH'");
    f = map_field(m, &at, &n);
    if (n != 1 || *f != '1') return map_refused(m, f, "expected version 1");
    const char *name = map_field(m, &at, &n);
    size_t name_length = n;
    bool name_ok = name_length > 5 && memcmp(name + name_length - 5, ".jack", 5) == 0;
    for (size_t i = 0; i < name_length && name_ok; i++)
        name_ok = (unsigned char)name[i] >= 0x20 && name[i] != 0x7F && name[i] != '/' && name[i] != '\\';
    if (!name_ok) return map_refused(m, name, "expected the Jack file's name (Xxx.jack)");
    uint32_t lines, hash = 0;
    f = map_field(m, &at, &n);
    if (!map_number(f, n, &lines)) return map_refused(m, f, "expected the .vm's number of lines");
    f = map_field(m, &at, &n);
    bool hash_ok = n == 8;
    for (size_t i = 0; i < n && hash_ok; i++) {
        char c = f[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        hash_ok = digit >= 0;
        hash = hash * 16 + (uint32_t)(digit >= 0 ? digit : 0);
    }
    if (!hash_ok) return map_refused(m, f, "expected the .vm's hash (8 hex digits)");
    map_field(m, &at, &n);
    if (n) return map_refused(m, m->line + at - n, "unexpected text after the hash");
    if (lines != vm_lines || hash != hack_jack_map_hash(source->text, source->length))
        return map_refused(m, NULL, "written for another version of the .vm (it was compiled again since)");
    for (uint32_t expected = 1; expected <= lines; expected++) {
        if (!hack_textfile_next_line(text, length, &offset, &m->line, &m->line_length)) {
            m->line = NULL;
            return map_refused(m, NULL, "it ends before the last VM line");
        }
        m->line_number++;
        if (m->line_length && m->line[m->line_length - 1] == '\r') m->line_length--;
        at = 0;
        uint32_t values[3];
        static const char *const what[] = {"the VM line number", "the Jack line", "the Jack column"};
        for (int k = 0; k < 3; k++) {
            f = map_field(m, &at, &n);
            if (!map_number(f, n, &values[k]) || (k == 0 && values[0] != expected)) {
                char why[60];
                snprintf(why, sizeof why, "expected %s%s", what[k], k == 0 ? " (in order, from 1)" : "");
                return map_refused(m, f, why);
            }
        }
        map_field(m, &at, &n);
        if (n) return map_refused(m, m->line + at - n, "unexpected text after the column");
        positions[expected - 1] = (hack_source_position){values[1], values[2]};
    }
    const char *rest;
    size_t rest_length;
    if (hack_textfile_next_line(text, length, &offset, &rest, &rest_length)) {
        m->line = NULL;
        return map_refused(m, NULL, "more lines than the .vm has");
    }
    *jack_name = malloc(name_length + 1);
    if (!*jack_name) return false;
    memcpy(*jack_name, name, name_length);
    (*jack_name)[name_length] = '\0';
    return true;
}

/* The Jack lines of a .vm read from disk, from the Xxx.vm.map that jackc --map wrote beside it, when the map
 * was written for this very .vm; a map that is broken or was written for another .vm is ignored, with a note.
 * Returns false only when memory ran out. */
static bool attach_jack_map(hack_vm_sources *sources, size_t index, hack_diag_list *diags)
{
    hack_source *source = &sources->items[index];
    char *map_path = malloc(strlen(source->path) + 5);
    if (!map_path) return false;
    sprintf(map_path, "%s.map", source->path);
    struct stat info;
    if (stat(map_path, &info) != 0) {
        free(map_path);
        return true;
    }
    size_t vm_lines = 0, offset = 0, line_length;
    const char *line;
    while (hack_textfile_next_line(source->text, source->length, &offset, &line, &line_length)) vm_lines++;
    hack_diag_list read_diags;
    hack_diag_list_init(&read_diags);
    char *text = NULL, *jack_name = NULL;
    size_t length;
    map_reader m = {.path = map_path, .diags = diags};
    hack_source_position *positions = calloc(vm_lines ? vm_lines : 1, sizeof *positions);
    bool ok = positions != NULL;
    if (ok && !hack_textfile_read(map_path, &text, &length, &read_diags))
        map_refused(&m, NULL, read_diags.count ? read_diags.items[0].message : "cannot read it");
    else if (ok && read_jack_map(&m, text, length, source, positions, vm_lines, &jack_name)) {
        const char *slash = strrchr(source->path, '/');
        size_t folder = slash ? (size_t)(slash - source->path) + 1 : 0;
        char *jack_path = malloc(folder + strlen(jack_name) + 1);
        ok = jack_path != NULL;
        if (ok) {
            memcpy(jack_path, source->path, folder);
            strcpy(jack_path + folder, jack_name);
            ok = hack_sources_set_origin(sources, index, jack_path, positions, vm_lines);
        }
        free(jack_path);
    }
    hack_diag_list_free(&read_diags);
    free(jack_name);
    free(text);
    free(positions);
    free(map_path);
    return ok;
}

/* Attaches the maps of the sources from index first on (read from disk). */
static bool attach_jack_maps(hack_vm_sources *sources, size_t first, hack_diag_list *diags)
{
    bool ok = true;
    for (size_t i = first; ok && i < sources->count; i++) ok = attach_jack_map(sources, i, diags);
    return ok;
}

bool hack_build_vm_sources(const char *path, hack_vm_sources *sources, hack_diag_list *diags)
{
    return hack_build_vm_sources_with(path, NULL, sources, diags);
}

/* Appends the extra classes to jack (their .vm never exists: they are compiled). */
static bool add_extra(hack_jack_sources *jack, const hack_jack_sources *extra)
{
    for (size_t i = 0; extra && i < extra->count; i++)
        if (!hack_jack_sources_add(jack, extra->items[i].path, extra->items[i].text, extra->items[i].length))
            return false;
    return true;
}

bool hack_build_vm_sources_with(const char *path, const hack_jack_sources *extra, hack_vm_sources *sources,
                                hack_diag_list *diags)
{
    size_t first = sources->count;
    if (extra && extra->count && (!hack_path_is_folder(path) || !folder_has(path, ".jack"))) {
        /* VM code, or a lone file: the extra classes are compiled with it as their context */
        bool ok = hack_build_vm_sources_with(path, NULL, sources, diags);
        return ok && add_compiled(sources, path, extra, NULL, diags);
    }
    if (!hack_path_is_folder(path)) {
        if (hack_path_has_extension(path, ".jack")) {
            hack_jack_sources jack = {0};
            bool ok = hack_jack_sources_read(&jack, path, diags) && add_compiled(sources, path, &jack, NULL, diags);
            hack_jack_sources_free(&jack);
            return ok;
        }
        return hack_vm_sources_read(sources, path, diags) && attach_jack_maps(sources, first, diags);
    }
    if (!folder_has(path, ".jack"))
        return hack_vm_sources_read(sources, path, diags) && attach_jack_maps(sources, first, diags);
    /* Jack compiled in memory: all classes are compiled together (calls between them are checked), and
     * used where there is no .vm; a .vm is taken as it is, even when its .jack is newer (it may come from the
     * user's own compiler: what runs is their code, unless they delete the .vm). */
    hack_jack_sources jack = {0};
    if (!hack_jack_sources_read(&jack, path, diags) || !add_extra(&jack, extra)) {
        hack_jack_sources_free(&jack);
        return false;
    }
    bool *use_compiled = calloc(jack.count ? jack.count : 1, sizeof *use_compiled);
    bool ok = use_compiled != NULL;
    hack_strlist compiled_names = {0}, stale_names = {0};
    for (size_t i = 0; ok && i < jack.count; i++) {
        char *vm_path = hack_path_with_extension(jack.items[i].path, ".vm");
        struct stat info;
        use_compiled[i] = vm_path && stat(vm_path, &info) != 0;
        const char *base = strrchr(jack.items[i].path, '/');
        base = base ? base + 1 : jack.items[i].path;
        if (use_compiled[i]) strlist_add(&compiled_names, base);
        else if (vm_path && newer_than(jack.items[i].path, vm_path)) strlist_add(&stale_names, base);
        free(vm_path);
    }
    ok = ok && add_compiled(sources, path, &jack, use_compiled, diags);
    if (ok && compiled_names.length)
        hack_diag_add(diags, HACK_DIAG_NOTE, path, 0, 0, NULL, 0, "compiled %s in memory (no .vm beside %s)",
                      compiled_names.text, compiled_names.count == 1 ? "it" : "them");
    if (ok && stale_names.length)
        hack_diag_add(diags, HACK_DIAG_NOTE, path, 0, 0, NULL, 0,
                      "%s %s newer than %s .vm: running the .vm as it is (compile again, or delete the .vm to have "
                      "hackemu compile the .jack)",
                      stale_names.text, stale_names.count == 1 ? "is" : "are", stale_names.count == 1 ? "its" : "their");
    free(compiled_names.text);
    free(stale_names.text);
    if (ok && folder_has(path, ".vm")) {
        hack_vm_sources existing = {0};
        ok = hack_vm_sources_read(&existing, path, diags);
        for (size_t i = 0; ok && i < existing.count; i++) {
            bool replaced = false;
            for (size_t j = 0; j < sources->count; j++)
                if (strcmp(sources->items[j].path, existing.items[i].path) == 0) replaced = true;
            if (!replaced)
                ok = hack_vm_sources_add(sources, existing.items[i].path, existing.items[i].text,
                                         existing.items[i].length) &&
                     attach_jack_map(sources, sources->count - 1, diags);
        }
        hack_vm_sources_free(&existing);
    }
    free(use_compiled);
    hack_jack_sources_free(&jack);
    return ok;
}

/* The class a VM source defines: its file's base name. */
/* Whether some source has a "function NAME" command (name NULL: any function) */
static bool defines(const hack_vm_sources *sources, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (size_t i = 0; i < sources->count; i++) {
        const char *text = sources->items[i].text, *end = text + sources->items[i].length;
        for (const char *p = text; p < end && (p = strstr(p, "function")) != NULL; p += 8) {
            if (p != text && p[-1] != '\n' && p[-1] != ' ' && p[-1] != '\t') continue;
            const char *q = p + 8;
            if (*q != ' ' && *q != '\t') continue;
            while (*q == ' ' || *q == '\t') q++;
            if (!name) return true;
            if (strncmp(q, name, n) == 0 && (q[n] == ' ' || q[n] == '\t' || q[n] == '\r' || q[n] == '\n' || !q[n]))
                return true;
        }
    }
    return false;
}

static bool defines_class(const hack_vm_sources *sources, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sources->count; i++) {
        const char *base = strrchr(sources->items[i].path, '/');
        base = base ? base + 1 : sources->items[i].path;
        if (strncmp(base, name, n) == 0 && strcmp(base + n, ".vm") == 0) return true;
    }
    return false;
}

/* Whether some source calls a function of class name ("call Name.f n"). */
static bool calls_class(const char *text, size_t length, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; (p = strstr(p, "call ")) != NULL && p < text + length; p += 5) {
        const char *q = p + 5;
        while (*q == ' ' || *q == '\t') q++;
        if (strncmp(q, name, n) == 0 && q[n] == '.') return true;
    }
    return false;
}

bool hack_build_add_os(hack_vm_sources *sources, bool with_sys, unsigned *added, hack_diag_list *diags)
{
    *added = 0;
    /* All of the OS compiled once; then the classes the program needs, and the ones those need. */
    hack_jack_sources os = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < hack_os_class_count; i++) {
        char path[64];
        snprintf(path, sizeof path, "(os)/%s.jack", hack_os_classes[i].name);
        ok = hack_jack_sources_add(&os, path, hack_os_classes[i].source, hack_os_classes[i].length);
    }
    hack_jack_outputs compiled = {0};
    ok = ok && hack_jack_compile(&os, &compiled, diags);
    for (bool grew = ok; grew;) {
        grew = false;
        for (size_t i = 0; i < hack_os_class_count && ok; i++) {
            const char *name = hack_os_classes[i].name;
            if ((*added & (1u << i)) || defines_class(sources, name)) continue;
            bool needed = with_sys && strcmp(name, "Sys") == 0; /* the bootstrap calls Sys.init */
            for (size_t s = 0; s < sources->count && !needed; s++)
                needed = calls_class(sources->items[s].text, sources->items[s].length, name);
            if (!needed) continue;
            char path[64];
            snprintf(path, sizeof path, "(os)/%s.vm", name);
            ok = hack_vm_sources_add(sources, path, compiled.items[i].vm, compiled.items[i].vm_length) &&
                 hack_sources_set_origin(sources, sources->count - 1, os.items[i].path, compiled.items[i].positions,
                                         compiled.items[i].position_count);
            *added |= 1u << i;
            grew = true;
        }
    }
    hack_strlist names = {0};
    for (size_t i = 0; i < hack_os_class_count; i++)
        if (*added & (1u << i)) strlist_add(&names, hack_os_classes[i].name);
    if (ok && names.length)
        hack_diag_add(diags, HACK_DIAG_NOTE, NULL, 0, 0, NULL, 0,
                      "the program lacks %s: added %s from hackemu's OS", names.text,
                      names.count == 1 ? "it" : "them");
    free(names.text);
    hack_jack_outputs_free(&compiled);
    hack_jack_sources_free(&os);
    return ok;
}

/* Whether begin..end is an identifier: letters, digits and '_', not starting with a digit. */
static bool is_identifier(const char *begin, const char *end)
{
    if (begin == end || isdigit((unsigned char)*begin)) return false;
    for (const char *c = begin; c < end; c++)
        if (!isalnum((unsigned char)*c) && *c != '_') return false;
    return true;
}

/* A label shaped Class.function is a VM function's entry in assembly that a VM translator wrote (its other
 * labels carry a '$'): seen as a function, for call stacks and hooks. */
static bool looks_like_vm_function(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot && is_identifier(name, dot) && is_identifier(dot + 1, dot + 1 + strlen(dot + 1));
}

/* Whether some ROM word came from a VM command (not only the translator's bootstrap and halt loop) */
static bool has_vm_commands(const hack_program *program)
{
    for (size_t i = 0; program->locations && i < program->count; i++)
        if (program->locations[i].command_start && program->locations[i].line != 0) return true;
    return !program->locations;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder with no VM or Jack code: its only .asm (or, without one, its only .hack), as a path to free; NULL with
 * an error when it has none or several (they are named) */
static char *folder_machine_program(const char *path, hack_diag_list *diags)
{
    static const char *const kinds[] = {".asm", ".hack"};
    char *chosen = NULL;
    for (size_t k = 0; k < 2 && !chosen; k++) {
        DIR *dir = opendir(path);
        if (!dir) break;
        hack_strlist names = {0};
        char *names_found[8];
        size_t found = 0;
        for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
            if (!hack_path_has_extension(entry->d_name, kinds[k]) || strlen(entry->d_name) <= strlen(kinds[k])) continue;
            char *candidate = hack_path_join(path, entry->d_name);
            struct stat info; /* a file (a link to one): not a folder named x.asm, nor a link back to the folder */
            const bool file = candidate && stat(candidate, &info) == 0 && S_ISREG(info.st_mode);
            free(candidate);
            if (!file) continue;
            if (found < 8) names_found[found] = strdup(entry->d_name);
            found++;
        }
        closedir(dir);
        const size_t kept = found < 8 ? found : 8;
        qsort(names_found, kept, sizeof *names_found, compare_names);
        for (size_t i = 0; i < kept; i++) strlist_add(&names, names_found[i] ? names_found[i] : "?");
        if (found == 1 && names_found[0]) {
            chosen = hack_path_join(path, names_found[0]);
            hack_diag_add(diags, HACK_DIAG_NOTE, path, 0, 0, NULL, 0,
                          "running %s, the folder's program (it has no .jack or .vm files)", names_found[0]);
        } else if (found > 1) {
            hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0,
                          "this folder has no .jack or .vm files and %zu %s programs (%s%s): name the one to run",
                          found, k == 0 ? "assembly" : "machine code", names.text ? names.text : "",
                          found > kept ? ", ..." : "");
            for (size_t i = 0; i < kept; i++) free(names_found[i]);
            free(names.text);
            return NULL;
        }
        for (size_t i = 0; i < kept; i++) free(names_found[i]);
        free(names.text);
    }
    if (!chosen)
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0,
                      "no program in this folder: no .jack, .vm, .asm or .hack files");
    return chosen;
}

bool hack_build_program(const char *path, hack_build_options *options, hack_program *program,
                        hack_diag_list *diags)
{
    assert(path && options && program && program->words && diags); /* program initialised */
    options->machine_code = false;
    if (hack_path_is_folder(path) && !hack_build_is_program_folder(path)) {
        char *only = folder_machine_program(path, diags);
        bool ok = only && hack_build_program(only, options, program, diags);
        free(only);
        return ok;
    }
    if (!hack_path_is_folder(path)) {
        options->machine_code = hack_path_has_extension(path, ".asm") || hack_path_has_extension(path, ".hack");
        if (hack_path_has_extension(path, ".asm")) {
            if (!hack_asm_assemble_file(path, program, diags)) return false;
            for (size_t i = 0; i < program->symbols.count; i++) {
                hack_symbol *symbol = &program->symbols.entries[i];
                if (symbol->kind == HACK_SYMBOL_LABEL && looks_like_vm_function(symbol->name))
                    symbol->kind = HACK_SYMBOL_FUNCTION;
            }
            return true;
        }
        if (hack_path_has_extension(path, ".hack")) {
            if (!hack_program_load_hack_file(program, path, diags)) return false;
            /* the symbols (and program map) beside it, when hackasm or hackvm wrote them */
            char *sym_path = hack_path_with_extension(path, ".sym");
            struct stat info;
            bool ok = !sym_path || stat(sym_path, &info) != 0 || hack_program_read_symbols(program, sym_path, diags);
            free(sym_path);
            return ok;
        }
        if (!hack_path_has_extension(path, ".vm") && !hack_path_has_extension(path, ".jack")) {
            hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0,
                          "expected a .hack, .asm, .vm or .jack file, or a folder of .vm/.jack files");
            return false;
        }
    }
    hack_vm_sources sources = {0};
    options->os_added = 0;
    bool ok = hack_build_vm_sources(path, &sources, diags);
    bool bootstrap = options->bootstrap, add_os = options->add_os, require = options->require_functions;
    if (ok && options->vm_emulator) {
        /* as the course's VM emulator: a whole program calls Sys.init (its own, or the OS's); VM commands outside
         * any function (project 7's tests) run from the first one, with no bootstrap */
        const bool has_main = defines(&sources, "Main.main"), has_init = defines(&sources, "Sys.init");
        bool whole = has_main || has_init || (hack_path_is_folder(path) && defines(&sources, NULL));
        if (whole && !has_main && !has_init) {
            hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0,
                          "no Main.main here: a program starts at Main.main (called by Sys.init), and this folder's "
                          "classes have none (a Main.jack with function void main(), or your own Sys.init)");
            ok = false;
        }
        add_os = require = whole;
        bootstrap = bootstrap && whole;
    }
    ok = ok && (!add_os || hack_build_add_os(&sources, bootstrap || options->vm_emulator, &options->os_added, diags));
    options->has_sys_init = ok && hack_build_defines_function(&sources, "Sys.init");
    options->bootstrapped = bootstrap && options->has_sys_init;
    hack_vm_options vm_options = {.bootstrap = options->bootstrapped, .require_functions = require, .suggest_os = add_os};
    ok = ok && hack_vm_build(&sources, &vm_options, path, program, diags) &&
         hack_build_mark_project_os(program, options->os_added);
    if (ok && !has_vm_commands(program)) { /* (it would run as a jump back to ROM 0) */
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0,
                      "no VM commands here (empty, or only comments): nothing to run");
        ok = false;
    }
    hack_vm_sources_free(&sources);
    return ok;
}

bool hack_build_mark_project_os(hack_program *program, unsigned os_added)
{
    hack_strlist names = {0};
    for (size_t i = 0; i < hack_os_class_count; i++)
        if (os_added & (1u << i)) strlist_add(&names, hack_os_classes[i].name);
    for (char *c = names.text; c && *c; c++) /* "Array, Math" -> "Array,Math" */
        if (*c == ' ') memmove(c, c + 1, strlen(c));
    bool ok = names.count == 0 || names.text ? hack_program_set_project_os(program, names.text) : false;
    free(names.text);
    return ok;
}

bool hack_build_defines_function(const hack_vm_sources *sources, const char *name)
{
    return defines(sources, name);
}
