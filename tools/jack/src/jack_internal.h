/* Inside the Jack compiler: tokens, the syntax tree and the arena that holds it. */
#ifndef HACK_JACK_INTERNAL_H
#define HACK_JACK_INTERNAL_H

#include "hack/jack.h"
#include "hack/strbuf.h"

#include <stdint.h>

/* ---- arena: everything of one compilation, freed at once ---- */
typedef struct arena_block arena_block;
typedef struct {
    arena_block *blocks;
    bool failed;
} arena;

void *arena_alloc(arena *a, size_t size);
char *arena_strndup(arena *a, const char *text, size_t length);
void arena_free(arena *a);

/* A growable array of pointers in the arena. */
typedef struct {
    void **items;
    size_t count, capacity;
} ptr_list;
void ptr_list_push(arena *a, ptr_list *list, void *item);

/* ---- tokens ---- */
typedef enum { TOK_KEYWORD, TOK_SYMBOL, TOK_INT, TOK_STRING, TOK_IDENTIFIER, TOK_EOF, TOK_ERROR } token_kind;

typedef enum {
    KW_CLASS, KW_CONSTRUCTOR, KW_FUNCTION, KW_METHOD, KW_FIELD, KW_STATIC, KW_VAR, KW_INT, KW_CHAR, KW_BOOLEAN,
    KW_VOID, KW_TRUE, KW_FALSE, KW_NULL, KW_THIS, KW_LET, KW_DO, KW_IF, KW_ELSE, KW_WHILE, KW_RETURN, KW_COUNT
} keyword;

extern const char *const jack_keyword_names[KW_COUNT];

typedef struct {
    token_kind kind;
    keyword kw;      /* TOK_KEYWORD */
    char symbol;     /* TOK_SYMBOL */
    int value;       /* TOK_INT */
    const char *start; /* in the source; for a string, its first character inside the quotes */
    size_t length;
    int line, column;
    const char *line_start;
} token;

typedef struct {
    const char *path, *text, *end, *p, *line_start;
    int line;
    hack_diag_list *diags;
    int errors;
} lexer;

void lexer_init(lexer *lx, const hack_jack_source *source, hack_diag_list *diags);
token lexer_next(lexer *lx);

/* ---- the syntax tree ---- */
typedef struct {
    int line, column;
    const char *line_start;
} position;

typedef struct expression expression;

typedef enum { TERM_INT, TERM_STRING, TERM_KEYWORD, TERM_VARIABLE, TERM_INDEX, TERM_CALL, TERM_PARENS, TERM_UNARY } term_kind;

typedef struct {
    const char *qualifier; /* Class or variable before the dot, or NULL */
    const char *name;
    position qualifier_position, name_position;
    ptr_list arguments; /* expression* */
} call;

typedef struct term term;
struct term {
    term_kind kind;
    position at;
    int value;           /* TERM_INT */
    keyword kw;          /* TERM_KEYWORD */
    const char *text;    /* string constant or variable name */
    expression *inner;   /* TERM_INDEX subscript, TERM_PARENS */
    char op;             /* TERM_UNARY: '-' or '~' */
    char binary_op;      /* in an expression, the operator before this term ('\0' for the first term) */
    term *operand;       /* TERM_UNARY */
    call call;           /* TERM_CALL */
};

struct expression {
    position at;
    ptr_list terms; /* term*, each with the operator before it: an expression may be any length */
};

typedef enum { ST_LET, ST_IF, ST_WHILE, ST_DO, ST_RETURN } statement_kind;

typedef struct statement statement;
struct statement {
    statement_kind kind;
    position at;
    const char *name;        /* let target */
    position name_position;
    expression *index;       /* let a[i] */
    expression *value;       /* let value, if/while condition, return value (may be NULL) */
    ptr_list body;           /* if-then, while body: statement* */
    ptr_list else_body;
    bool has_else;
    call call;               /* do */
};

typedef struct {
    const char *type; /* int, char, boolean or a class name */
    bool type_is_keyword;
    position type_position;
    ptr_list names;     /* const char* */
    ptr_list positions; /* position* */
    keyword kind;       /* KW_STATIC, KW_FIELD or KW_VAR */
} declaration;

typedef struct {
    keyword kind; /* KW_CONSTRUCTOR, KW_FUNCTION, KW_METHOD */
    const char *return_type;
    bool return_type_is_keyword;
    const char *name;
    position at, name_position;
    ptr_list parameters; /* declaration* with one name each */
    ptr_list locals;     /* declaration* (var lines) */
    ptr_list statements;
    position end; /* the closing brace */
} subroutine;

typedef struct {
    const char *name;
    position name_position;
    ptr_list fields;      /* declaration* (static and field lines) */
    ptr_list subroutines; /* subroutine* */
    const hack_jack_source *source;
    int errors;
} class_node;

/* How deep expressions (parentheses, calls, subscripts, unary operators) and statements (if and while
 * blocks) may nest: the parser and the compiler recurse once a level, and this keeps them well inside the
 * host's stack (even under AddressSanitizer). Deeper code gets an error, not a crash. */
enum { JACK_MAX_NESTING = 500 };

/* Parses one source into a class; syntax errors go to diags (several, where recovery is sound).
 * Returns NULL only when nothing usable was parsed. xml, when not NULL, receives the parse tree. */
class_node *jack_parse(arena *a, const hack_jack_source *source, hack_diag_list *diags);

/* ---- what is known of the program's classes, for checking calls (jack_check.c) ---- */

/* A class of the program that is not compiled here and has no Jack to read: from a .vm file (its functions
 * are known by name), or a .jack file that could not be parsed (only its name is known). */
typedef struct {
    const char *name;
    size_t name_length;
    const char *vm_text; /* NULL: only the name is known */
    size_t vm_length;
} external_class;

typedef struct {
    class_node **classes; /* the classes compiled (index as in the sources), then those read for declarations */
    size_t class_count;
    external_class *externals;
    size_t external_count;
} folder;

typedef struct {
    const char *class_name, *name;
    keyword kind;
    int parameters;
    bool returns_void;
    bool from_os; /* the OS's API: none of the folder's classes has this class's name */
} signature;

typedef enum {
    LOOKUP_FOUND,         /* the signature is known */
    LOOKUP_NO_SUBROUTINE, /* the class is known, and has no such subroutine */
    LOOKUP_UNCHECKED,     /* the class was compiled elsewhere: only its name (or its functions' names) is known */
    LOOKUP_NO_CLASS       /* no class of that name in the folder, nor in the OS */
} lookup_result;

/* class_name.name: in the folder's classes (which override the OS's), its compiled classes, the OS's API. */
lookup_result jack_lookup(const folder *f, const char *class_name, const char *name, signature *out);
const class_node *jack_folder_class(const folder *f, const char *name);

/* " (did you mean 'Output'?)" when a class (or a subroutine of the class) has a name near name, else "". The
 * text is in buffer. */
const char *jack_suggest_class(const folder *f, const char *name, hack_strbuf *buffer);
const char *jack_suggest_subroutine(const folder *f, const char *class_name, const char *name, hack_strbuf *buffer);

/* Whether control can never run past the end of the statements: every path returns, loops for ever (a
 * `while` whose condition is always true, such as true, ~0 or ~(0 = 1)) or halts (Sys.halt, Sys.error). */
bool jack_never_falls_through(const ptr_list *statements);

#endif
