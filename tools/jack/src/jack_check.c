/* What the compiler knows of the program around the classes it compiles, for checking calls: the folder's
 * classes (compiled, or read for their declarations only), classes compiled elsewhere (.vm files), and the
 * OS's API; near misses for the names that are not there; and whether control can run off the end of a
 * subroutine's statements. */
#define _POSIX_C_SOURCE 200809L
#include "jack_internal.h"

#include "hack/os_api.h"
#include "hack/path.h"
#include "hack/suggest.h"
#include "hack/textfile.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the program's classes ---- */

const class_node *jack_folder_class(const folder *f, const char *name)
{
    for (size_t i = 0; i < f->class_count; i++)
        if (f->classes[i] && f->classes[i]->name && strcmp(f->classes[i]->name, name) == 0) return f->classes[i];
    return NULL;
}

static const external_class *find_external(const folder *f, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < f->external_count; i++)
        if (f->externals[i].name_length == n && memcmp(f->externals[i].name, name, n) == 0) return &f->externals[i];
    return NULL;
}

/* Calls the function with each name "Class.f" that a line "function Class.f n" of the VM code defines (the
 * whole name, and where its part after the dot starts). */
typedef void vm_function_visitor(void *context, const char *name, size_t length, size_t dot);

static void each_vm_function(const external_class *e, vm_function_visitor *visit, void *context)
{
    size_t offset = 0;
    const char *line;
    size_t length;
    while (hack_textfile_next_line(e->vm_text, e->vm_length, &offset, &line, &length)) {
        const char *p = line, *end = line + length;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if ((size_t)(end - p) < 9 || memcmp(p, "function", 8) != 0 || (p[8] != ' ' && p[8] != '\t')) continue;
        p += 8;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        const char *name = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '/') p++;
        const char *dot = memchr(name, '.', (size_t)(p - name));
        if (dot) visit(context, name, (size_t)(p - name), (size_t)(dot + 1 - name));
    }
}

typedef struct {
    const char *name; /* the subroutine looked for */
    bool found;
} vm_search;

static void match_vm_function(void *context, const char *name, size_t length, size_t dot)
{
    vm_search *search = context;
    size_t n = strlen(search->name);
    if (length - dot == n && memcmp(name + dot, search->name, n) == 0) search->found = true;
}

static signature from_subroutine(const char *class_name, const subroutine *s)
{
    return (signature){class_name, s->name, s->kind, (int)s->parameters.count,
                       s->return_type_is_keyword && strcmp(s->return_type, "void") == 0, false};
}

lookup_result jack_lookup(const folder *f, const char *class_name, const char *name, signature *out)
{
    const class_node *c = jack_folder_class(f, class_name);
    if (c && c->errors) return LOOKUP_UNCHECKED; /* its tree has holes, after syntax errors reported there */
    if (c) { /* the folder's own class: it overrides the OS's */
        for (size_t i = 0; i < c->subroutines.count; i++) {
            const subroutine *s = c->subroutines.items[i];
            if (strcmp(s->name, name) == 0) {
                *out = from_subroutine(class_name, s);
                return LOOKUP_FOUND;
            }
        }
        return LOOKUP_NO_SUBROUTINE;
    }
    const external_class *e = find_external(f, class_name);
    if (e) {
        if (!e->vm_text) return LOOKUP_UNCHECKED;
        vm_search search = {name, false};
        each_vm_function(e, match_vm_function, &search);
        return search.found ? LOOKUP_UNCHECKED : LOOKUP_NO_SUBROUTINE;
    }
    if (!hack_os_api_has_class(class_name, strlen(class_name))) {
        /* Sys.init calls the program's Main.main: the OS compiled on its own does not have it */
        if (strcmp(class_name, "Main") == 0 && strcmp(name, "main") == 0) return LOOKUP_UNCHECKED;
        return LOOKUP_NO_CLASS;
    }
    for (size_t i = 0; i < hack_os_api_count; i++) {
        const hack_os_subroutine *s = &hack_os_api[i];
        if (strcmp(s->class_name, class_name) == 0 && strcmp(s->name, name) == 0) {
            static const keyword kinds[] = {[HACK_OS_FUNCTION] = KW_FUNCTION, [HACK_OS_METHOD] = KW_METHOD,
                                            [HACK_OS_CONSTRUCTOR] = KW_CONSTRUCTOR};
            *out = (signature){.class_name = class_name, .name = name, .kind = kinds[s->kind],
                               .parameters = s->parameters, .returns_void = s->returns_void, .from_os = true};
            return LOOKUP_FOUND;
        }
    }
    return LOOKUP_NO_SUBROUTINE;
}

/* ---- near misses ---- */

const char *jack_suggest_class(const folder *f, const char *name, hack_strbuf *buffer)
{
    hack_suggestion s;
    hack_suggest_init(&s, name, strlen(name));
    for (size_t i = 0; i < f->class_count; i++)
        if (f->classes[i] && f->classes[i]->name)
            hack_suggest_consider(&s, f->classes[i]->name, strlen(f->classes[i]->name));
    for (size_t i = 0; i < f->external_count; i++)
        hack_suggest_consider(&s, f->externals[i].name, f->externals[i].name_length);
    for (size_t i = 0; i < hack_os_api_count; i++)
        hack_suggest_consider(&s, hack_os_api[i].class_name, strlen(hack_os_api[i].class_name));
    return hack_suggest_hint(&s, buffer);
}

static void consider_vm_function(void *context, const char *name, size_t length, size_t dot)
{
    hack_suggest_consider(context, name + dot, length - dot);
}

const char *jack_suggest_subroutine(const folder *f, const char *class_name, const char *name, hack_strbuf *buffer)
{
    hack_suggestion s;
    hack_suggest_init(&s, name, strlen(name));
    const class_node *c = jack_folder_class(f, class_name);
    const external_class *e = c ? NULL : find_external(f, class_name);
    if (c) {
        for (size_t i = 0; i < c->subroutines.count; i++) {
            const subroutine *sub = c->subroutines.items[i];
            hack_suggest_consider(&s, sub->name, strlen(sub->name));
        }
    } else if (e) {
        if (e->vm_text) each_vm_function(e, consider_vm_function, &s);
    } else {
        for (size_t i = 0; i < hack_os_api_count; i++)
            if (strcmp(hack_os_api[i].class_name, class_name) == 0)
                hack_suggest_consider(&s, hack_os_api[i].name, strlen(hack_os_api[i].name));
    }
    return hack_suggest_hint(&s, buffer);
}

/* ---- flow: can control run past the statements? ---- */

/* The value of a term or expression made of constants only, as the VM computes it (16 bits; comparisons
 * give -1 or 0; left to right, as Jack has no precedence). False when it is not constant (or uses * or /,
 * which are OS calls). */
static bool constant_expression(const expression *e, int *value);

static int16_t wrap(int32_t v)
{
    return (int16_t)(uint16_t)(uint32_t)v;
}

static bool constant_term(const term *t, int *value)
{
    int v;
    switch (t->kind) {
    case TERM_INT: *value = t->value; return true;
    case TERM_KEYWORD:
        if (t->kw == KW_THIS) return false;
        *value = t->kw == KW_TRUE ? -1 : 0; /* false, null */
        return true;
    case TERM_PARENS: return constant_expression(t->inner, value);
    case TERM_UNARY:
        if (!constant_term(t->operand, &v)) return false;
        *value = t->op == '-' ? wrap(-v) : wrap(~v);
        return true;
    default: return false;
    }
}

static bool constant_expression(const expression *e, int *value)
{
    int left, right;
    if (!constant_term(e->terms.items[0], &left)) return false;
    for (size_t i = 1; i < e->terms.count; i++) {
        const term *t = e->terms.items[i];
        if (!constant_term(t, &right)) return false;
        switch (t->binary_op) {
        case '+': left = wrap(left + right); break;
        case '-': left = wrap(left - right); break;
        case '&': left = wrap(left & right); break;
        case '|': left = wrap(left | right); break;
        case '<': left = left < right ? -1 : 0; break;
        case '>': left = left > right ? -1 : 0; break;
        case '=': left = left == right ? -1 : 0; break;
        default: return false; /* * and / */
        }
    }
    *value = left;
    return true;
}

/* Whether a condition is always true as `if` and `while` test it: their code jumps on `not`, so only -1
 * (all bits set: true, ~0, ~false, ~(0 = 1), 1 = 1, -1) is true; while (1) leaves at once. */
static bool always_true(const expression *e)
{
    int value;
    return e && constant_expression(e, &value) && value == -1;
}

static bool always_false(const expression *e)
{
    int value;
    return e && constant_expression(e, &value) && value != -1;
}

/* Control never goes on after the statement: it returns, loops for ever, or halts the machine. */
static bool never_falls_through(const statement *st)
{
    switch (st->kind) {
    case ST_RETURN: return true;
    case ST_WHILE: return always_true(st->value); /* only a return leaves it: Jack has no break */
    case ST_IF:
        if (always_true(st->value)) return jack_never_falls_through(&st->body);
        if (always_false(st->value)) return st->has_else && jack_never_falls_through(&st->else_body);
        return st->has_else && jack_never_falls_through(&st->body) && jack_never_falls_through(&st->else_body);
    case ST_DO: /* the OS documents both as halting the program */
        return st->call.qualifier && strcmp(st->call.qualifier, "Sys") == 0 &&
               (strcmp(st->call.name, "halt") == 0 || strcmp(st->call.name, "error") == 0);
    default: return false;
    }
}

bool jack_never_falls_through(const ptr_list *statements)
{
    for (size_t i = 0; i < statements->count; i++)
        if (never_falls_through(statements->items[i])) return true;
    return false;
}

/* ---- the rest of the program, read from the folder ---- */

void hack_jack_context_free(hack_jack_context *context)
{
    hack_sources_free(&context->declarations);
    hack_sources_free(&context->compiled);
}

/* The length of a file name's stem: the name without its extension. */
static size_t stem_length(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether names (file names of a folder) has stem.jack. */
static bool has_jack(char *const *names, size_t count, const char *stem, size_t length)
{
    for (size_t i = 0; i < count; i++)
        if (hack_path_has_extension(names[i], ".jack") && stem_length(names[i]) == length &&
            memcmp(names[i], stem, length) == 0)
            return true;
    return false;
}

bool hack_jack_context_read(hack_jack_context *context, const char *path)
{
    memset(context, 0, sizeof *context);
    struct stat info;
    bool is_folder = stat(path, &info) == 0 && S_ISDIR(info.st_mode);
    /* the directory, and the file compiled in it (NULL for a directory) */
    const char *file = is_folder ? NULL : hack_path_base_name(path);
    size_t directory_length = is_folder ? strlen(path) : (size_t)(file - path);
    char *directory = malloc(directory_length + 2);
    if (!directory) return false;
    if (directory_length == 0) {
        strcpy(directory, ".");
    } else {
        memcpy(directory, path, directory_length);
        directory[directory_length] = '\0';
    }
    DIR *dir = opendir(directory);
    if (!dir) {
        free(directory);
        return true; /* nothing more is known */
    }
    char **names = NULL;
    size_t count = 0;
    bool ok = true;
    for (struct dirent *entry; ok && (entry = readdir(dir)) != NULL;) {
        const char *name = entry->d_name;
        if (!(hack_path_has_extension(name, ".jack") && strlen(name) > 5) &&
            !(hack_path_has_extension(name, ".vm") && strlen(name) > 3))
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *grown);
        char *copy = malloc(strlen(name) + 1);
        if (grown) names = grown;
        if (!grown || !copy) {
            free(copy);
            ok = false;
            break;
        }
        strcpy(copy, name);
        names[count++] = copy;
    }
    closedir(dir);
    if (names) qsort(names, count, sizeof *names, compare_names);
    hack_diag_list ignored; /* a file that cannot be read is left out: the compiler does not need it */
    hack_diag_list_init(&ignored);
    for (size_t i = 0; ok && i < count; i++) {
        const char *name = names[i];
        bool jack = hack_path_has_extension(name, ".jack");
        if (jack ? is_folder || strcmp(name, file) == 0 : has_jack(names, count, name, stem_length(name)))
            continue; /* compiled now; or a .vm compiled from a .jack of the directory */
        char *full = malloc(strlen(directory) + strlen(name) + 2);
        if (!full) {
            ok = false;
            break;
        }
        sprintf(full, "%s%s%s", directory, directory[strlen(directory) - 1] == '/' ? "" : "/", name);
        char *text;
        size_t length;
        if (hack_textfile_read(full, &text, &length, &ignored)) {
            ok = hack_sources_add(jack ? &context->declarations : &context->compiled, full, text, length);
            free(text);
        }
        free(full);
    }
    hack_diag_list_free(&ignored);
    for (size_t i = 0; i < count; i++) free(names[i]);
    free(names);
    free(directory);
    if (!ok) hack_jack_context_free(context);
    return ok;
}
