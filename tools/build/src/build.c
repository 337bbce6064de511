#define _POSIX_C_SOURCE 200809L
#include "hack/build.h"

#include "hack/asm.h"
#include "hack/jack.h"
#include "hack/os.h"
#include "hack/path.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_folder(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

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
    return is_folder(path) && (folder_has(path, ".vm") || folder_has(path, ".jack"));
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
        ok = vm_path && hack_vm_sources_add(sources, vm_path, outputs.items[i].vm, outputs.items[i].vm_length);
        free(vm_path);
    }
    hack_jack_outputs_free(&outputs);
    return ok;
}

bool hack_build_vm_sources(const char *path, hack_vm_sources *sources, hack_diag_list *diags)
{
    if (!is_folder(path)) {
        if (hack_path_has_extension(path, ".jack")) {
            hack_jack_sources jack = {0};
            bool ok = hack_jack_sources_read(&jack, path, diags) && add_compiled(sources, path, &jack, NULL, diags);
            hack_jack_sources_free(&jack);
            return ok;
        }
        return hack_vm_sources_read(sources, path, diags);
    }
    if (!folder_has(path, ".jack")) return hack_vm_sources_read(sources, path, diags);
    /* Jack compiled in memory: all classes are compiled together (calls between them are checked), and
     * used where there is no .vm; a .vm is taken as it is, even when its .jack is newer (it may come from the
     * user's own compiler: what runs is their code, unless they delete the .vm). */
    hack_jack_sources jack = {0};
    if (!hack_jack_sources_read(&jack, path, diags)) {
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
                ok = hack_vm_sources_add(sources, existing.items[i].path, existing.items[i].text, existing.items[i].length);
        }
        hack_vm_sources_free(&existing);
    }
    free(use_compiled);
    hack_jack_sources_free(&jack);
    return ok;
}

/* The class a VM source defines: its file's base name. */
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
            ok = hack_vm_sources_add(sources, path, compiled.items[i].vm, compiled.items[i].vm_length);
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

bool hack_build_program(const char *path, hack_build_options *options, hack_program *program,
                        hack_diag_list *diags)
{
    if (!is_folder(path)) {
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
        /* as the course's VM emulator: a whole program calls Sys.init (its own, or the OS's) */
        bool whole = is_folder(path) || hack_build_defines_function(&sources, "Main.main") ||
                     hack_build_defines_function(&sources, "Sys.init");
        add_os = require = whole;
        bootstrap = bootstrap && whole;
    }
    ok = ok && (!add_os || hack_build_add_os(&sources, bootstrap || options->vm_emulator, &options->os_added, diags));
    options->has_sys_init = ok && hack_build_defines_function(&sources, "Sys.init");
    options->bootstrapped = bootstrap && options->has_sys_init;
    hack_vm_options vm_options = {.bootstrap = options->bootstrapped, .require_functions = require, .suggest_os = add_os};
    ok = ok && hack_vm_build(&sources, &vm_options, path, program, diags) &&
         hack_build_mark_project_os(program, options->os_added);
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
    size_t n = strlen(name);
    for (size_t i = 0; i < sources->count; i++) {
        const char *text = sources->items[i].text, *end = text + sources->items[i].length;
        for (const char *p = text; p < end && (p = strstr(p, "function")) != NULL; p += 8) {
            if (p != text && p[-1] != '\n' && p[-1] != ' ' && p[-1] != '\t') continue;
            const char *q = p + 8;
            if (*q != ' ' && *q != '\t') continue;
            while (*q == ' ' || *q == '\t') q++;
            if (strncmp(q, name, n) == 0 && (q[n] == ' ' || q[n] == '\t' || q[n] == '\r' || q[n] == '\n' || !q[n]))
                return true;
        }
    }
    return false;
}
