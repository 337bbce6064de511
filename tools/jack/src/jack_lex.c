#include "jack_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

struct arena_block {
    arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    arena_block *block = a->blocks;
    if (!block || block->used + size > block->size) {
        size_t capacity = size > 65536 ? size : 65536;
        block = malloc(sizeof *block + capacity);
        if (!block) {
            a->failed = true;
            return NULL;
        }
        block->next = a->blocks;
        block->used = 0;
        block->size = capacity;
        a->blocks = block;
    }
    void *p = block->data + block->used;
    block->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *text, size_t length)
{
    char *copy = arena_alloc(a, length + 1);
    if (!copy) return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

void arena_free(arena *a)
{
    for (arena_block *block = a->blocks, *next; block; block = next) {
        next = block->next;
        free(block);
    }
    a->blocks = NULL;
}

void ptr_list_push(arena *a, ptr_list *list, void *item)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        void **items = arena_alloc(a, capacity * sizeof *items);
        if (!items) return;
        if (list->count) memcpy(items, list->items, list->count * sizeof *items);
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = item;
}

/* ---- tokens ---- */

const char *const jack_keyword_names[KW_COUNT] = {
    "class", "constructor", "function", "method", "field", "static", "var", "int", "char", "boolean", "void",
    "true", "false", "null", "this", "let", "do", "if", "else", "while", "return",
};

void lexer_init(lexer *lx, const hack_jack_source *source, hack_diag_list *diags)
{
    memset(lx, 0, sizeof *lx);
    lx->path = source->path;
    lx->text = lx->p = lx->line_start = source->text;
    lx->end = source->text + source->length;
    lx->line = 1;
    lx->diags = diags;
}

static size_t rest_of_line(const char *start, const char *end)
{
    const char *newline = memchr(start, '\n', (size_t)(end - start));
    return (size_t)((newline ? newline : end) - start);
}

static void lex_error(lexer *lx, const char *at, int line, const char *line_start, const char *message, char c)
{
    lx->errors++;
    if (c)
        hack_diag_add(lx->diags, HACK_DIAG_ERROR, lx->path, line, (int)(at - line_start) + 1, line_start,
                      rest_of_line(line_start, lx->end), message, c);
    else
        hack_diag_add(lx->diags, HACK_DIAG_ERROR, lx->path, line, (int)(at - line_start) + 1, line_start,
                      rest_of_line(line_start, lx->end), "%s", message);
}

static void newline(lexer *lx)
{
    lx->line++;
    lx->line_start = lx->p + 1;
}

token lexer_next(lexer *lx)
{
    for (;;) {
        while (lx->p < lx->end && isspace((unsigned char)*lx->p)) {
            if (*lx->p == '\n') newline(lx);
            lx->p++;
        }
        if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n') lx->p++;
            continue;
        }
        if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '*') {
            const char *open = lx->p, *open_line_start = lx->line_start;
            int open_line = lx->line;
            lx->p += 2;
            while (lx->p + 1 < lx->end && !(lx->p[0] == '*' && lx->p[1] == '/')) {
                if (*lx->p == '\n') newline(lx);
                lx->p++;
            }
            if (lx->p + 1 >= lx->end) {
                lex_error(lx, open, open_line, open_line_start, "comment not closed: no '*/' before the end of the file", 0);
                lx->p = lx->end;
            } else {
                lx->p += 2;
            }
            continue;
        }
        break;
    }
    token t = {.start = lx->p, .line = lx->line, .column = (int)(lx->p - lx->line_start) + 1,
               .line_start = lx->line_start};
    if (lx->p >= lx->end) {
        t.kind = TOK_EOF;
        return t;
    }
    char c = *lx->p;
    if (isalpha((unsigned char)c) || c == '_') {
        const char *q = lx->p;
        while (q < lx->end && (isalnum((unsigned char)*q) || *q == '_')) q++;
        t.length = (size_t)(q - lx->p);
        lx->p = q;
        t.kind = TOK_IDENTIFIER;
        for (int k = 0; k < KW_COUNT; k++)
            if (strlen(jack_keyword_names[k]) == t.length && memcmp(jack_keyword_names[k], t.start, t.length) == 0) {
                t.kind = TOK_KEYWORD;
                t.kw = (keyword)k;
            }
        return t;
    }
    if (isdigit((unsigned char)c)) {
        const char *q = lx->p;
        long value = 0;
        while (q < lx->end && isdigit((unsigned char)*q)) {
            if (value <= 32767) value = value * 10 + (*q - '0');
            q++;
        }
        t.length = (size_t)(q - lx->p);
        t.kind = TOK_INT;
        t.value = value > 32767 ? 32767 : (int)value;
        if (value > 32767) lex_error(lx, lx->p, lx->line, lx->line_start, "integer constant above 32767", 0);
        if (q < lx->end && (isalpha((unsigned char)*q) || *q == '_'))
            lex_error(lx, q, lx->line, lx->line_start, "a name cannot start with a digit", 0);
        lx->p = q;
        return t;
    }
    if (c == '"') {
        const char *q = lx->p + 1;
        while (q < lx->end && *q != '"' && *q != '\n') q++;
        if (q >= lx->end || *q != '"') {
            lex_error(lx, lx->p, lx->line, lx->line_start, "string not closed: no '\"' before the end of the line", 0);
            t.kind = TOK_ERROR;
            lx->p = q;
            return t;
        }
        t.kind = TOK_STRING;
        t.start = lx->p + 1;
        t.length = (size_t)(q - lx->p - 1);
        lx->p = q + 1;
        return t;
    }
    if (strchr("{}()[].,;+-*/&|<>=~", c)) {
        t.kind = TOK_SYMBOL;
        t.symbol = c;
        t.length = 1;
        lx->p++;
        return t;
    }
    lex_error(lx, lx->p, lx->line, lx->line_start,
              (unsigned char)c >= 0x20 && (unsigned char)c < 0x7F ? "unexpected character '%c'"
                                                                  : "unexpected byte (not Jack text)",
              (unsigned char)c >= 0x20 && (unsigned char)c < 0x7F ? c : 0);
    t.kind = TOK_ERROR;
    t.length = 1;
    lx->p++;
    return t;
}
