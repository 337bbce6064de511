/* The evaluator of the translator's C (c_eval.h): parsed once into expression trees and a list of operations
 * (assignments, jumps, switches), run by a loop over that list. Values carry their C type (int, unsigned int,
 * unsigned long, or a pointer to one of the state's arrays), so every promotion and conversion is C's. */
#include "c_eval.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_VARS = 64, MAX_NAME = 48, MAX_FIELDS = 16 };

/* the types of values (after the integer promotions: a uint16_t is read as an int) */
typedef enum { CT_INT, CT_UINT, CT_ULONG, CT_PTR } ctype;
/* the types of objects (variables, fields, array elements) */
typedef enum { ST_U16, ST_U32, ST_U64, ST_PTR } stype;
enum { ARRAY_RAM = 1, ARRAY_KINDS = 2 };

typedef struct {
    ctype type;
    int64_t s;  /* CT_INT */
    uint64_t u; /* CT_UINT (below 2^32), CT_ULONG */
    int array;  /* CT_PTR */
} value;

typedef enum { E_NUM, E_VAR, E_FIELD, E_INDEX, E_UNARY, E_BINARY, E_CAST, E_AND, E_OR } ekind;

typedef struct {
    ekind kind;
    int op;     /* E_UNARY, E_BINARY: the operator's first character, or a code of the two-character ones */
    int left, right;
    int slot;   /* E_VAR: the variable; E_FIELD: the field (FIELD_*) */
    stype cast; /* E_CAST */
    value number;
} expr;

typedef enum { OP_ASSIGN, OP_EVAL, OP_JUMP, OP_JUMP_IF_FALSE, OP_SWITCH, OP_RETURN } opkind;

typedef struct {
    opkind kind;
    int assign; /* '=', '+', '-' */
    int lhs, rhs;
    int label;  /* OP_JUMP, OP_JUMP_IF_FALSE: the label; OP_SWITCH: the end's (break, or no default) */
    int cases, case_count, default_label;
} op;

typedef struct {
    uint64_t value;
    int label;
} switch_case;

typedef struct {
    char name[MAX_NAME];
    int position; /* the op it stands before; -1 until defined */
} label;

typedef struct {
    char name[MAX_NAME];
    stype type;
} variable;

/* the fields st_t may have: the state's */
enum { FIELD_RAM, FIELD_KINDS, FIELD_HOOK_KIND, FIELD_A, FIELD_D, FIELD_PC, FIELD_LEFT, FIELD_COUNT };
static const struct {
    const char *name;
    stype type;
} state_fields[FIELD_COUNT] = {{"ram", ST_PTR}, {"kinds", ST_PTR}, {"hook_kind", ST_U16}, {"a", ST_U16},
                               {"d", ST_U16},   {"pc", ST_U32},    {"left", ST_U64}};

struct c_eval {
    expr *exprs;
    size_t expr_count, expr_capacity;
    op *ops;
    size_t op_count, op_capacity;
    switch_case *cases;
    size_t case_count, case_capacity;
    label *labels;
    size_t label_count, label_capacity;
    variable vars[MAX_VARS];
    size_t var_count;
    bool field_declared[FIELD_COUNT];
};

/* ---- the text's tokens ---- */

typedef enum { TK_END, TK_IDENT, TK_NUMBER, TK_PUNCT } tkind;

typedef struct {
    tkind kind;
    const char *start;
    size_t length;
    value number;
} token;

typedef struct {
    const char *text, *at;
    token tok;
    c_eval *program;
    char *why;
    size_t why_size;
    jmp_buf fail;
    /* the switch being parsed (one at a time: a switch in a switch is not in the subset) */
    int switch_end, switch_default;
    bool in_switch;
    char struct_name[MAX_NAME], param[MAX_NAME];
    char *fields;
    size_t fields_size;
    stype field_type[FIELD_COUNT];
} parser;

static unsigned line_of(const parser *p, const char *at)
{
    unsigned line = 1;
    for (const char *c = p->text; c < at; c++) line += *c == '\n';
    return line;
}

static void parse_error(parser *p, const char *format, ...)
{
    int n = snprintf(p->why, p->why_size, "line %u: ", line_of(p, p->tok.start ? p->tok.start : p->at));
    va_list args;
    va_start(args, format);
    if (n >= 0 && (size_t)n < p->why_size) vsnprintf(p->why + n, p->why_size - (size_t)n, format, args);
    va_end(args);
    longjmp(p->fail, 1);
}

static void next(parser *p)
{
    const char *c = p->at;
    for (;;) {
        while (isspace((unsigned char)*c)) c++;
        if (c[0] == '/' && c[1] == '*') {
            const char *end = strstr(c + 2, "*/");
            if (!end) {
                p->tok.start = c;
                parse_error(p, "a comment that does not end");
            }
            c = end + 2;
        } else if (c[0] == '/' && c[1] == '/') {
            while (*c && *c != '\n') c++;
        } else if (c[0] == '#') { /* a preprocessor line (#include <stdint.h>) */
            while (*c && *c != '\n') c++;
        } else {
            break;
        }
    }
    token t = {TK_END, c, 0, {0}};
    if (!*c) {
        p->tok = t;
        p->at = c;
        return;
    }
    if (isalpha((unsigned char)*c) || *c == '_') {
        t.kind = TK_IDENT;
        while (isalnum((unsigned char)c[t.length]) || c[t.length] == '_') t.length++;
    } else if (isdigit((unsigned char)*c)) {
        t.kind = TK_NUMBER;
        char *end;
        unsigned long long v = strtoull(c, &end, 0);
        bool hex = c[0] == '0' && (c[1] == 'x' || c[1] == 'X');
        if (c[0] == '0' && !hex && end - c > 1) {
            p->tok = t;
            parse_error(p, "an octal constant");
        }
        int u = 0, l = 0;
        while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L') {
            if (*end == 'u' || *end == 'U')
                u++;
            else
                l++;
            end++;
        }
        if (isalnum((unsigned char)*end) || *end == '_' || *end == '.' || u > 1 || l > 2) {
            p->tok = t;
            parse_error(p, "a constant outside the subset");
        }
        /* C's type of an integer constant: the first of its list that holds the value */
        if (!u && !l && v <= 0x7FFFFFFFull)
            t.number = (value){CT_INT, (int64_t)v, 0, 0};
        else if (!l && (u || hex) && v <= 0xFFFFFFFFull)
            t.number = (value){CT_UINT, 0, v, 0};
        else if (u || (hex && v > 0x7FFFFFFFFFFFFFFFull))
            t.number = (value){CT_ULONG, 0, v, 0};
        else {
            p->tok = t;
            parse_error(p, "a constant of type long (not in the subset)");
        }
        t.length = (size_t)(end - c);
    } else {
        static const char *const two[] = {"->", "+=", "-=", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--",
                                          "*=", "/=", "%=", "&=", "|=", "^="};
        t.kind = TK_PUNCT;
        t.length = 1;
        for (size_t i = 0; i < sizeof two / sizeof *two; i++)
            if (c[0] == two[i][0] && c[1] == two[i][1]) t.length = 2;
        if (t.length == 1 && !strchr("{}()[];:,=+-*/%&|^~!<>?.", *c)) {
            p->tok = t;
            parse_error(p, "a character outside the subset: '%c'", *c);
        }
    }
    p->tok = t;
    p->at = c + t.length;
}

static bool is(const parser *p, const char *text)
{
    return p->tok.kind != TK_END && p->tok.length == strlen(text) && memcmp(p->tok.start, text, p->tok.length) == 0 &&
           p->tok.kind != TK_NUMBER;
}

static void expect(parser *p, const char *text)
{
    if (!is(p, text)) parse_error(p, "'%s' expected, not '%.*s'", text, (int)p->tok.length, p->tok.start);
    next(p);
}

static void take_name(parser *p, char *name)
{
    if (p->tok.kind != TK_IDENT) parse_error(p, "a name expected, not '%.*s'", (int)p->tok.length, p->tok.start);
    if (p->tok.length >= MAX_NAME) parse_error(p, "a name too long");
    memcpy(name, p->tok.start, p->tok.length);
    name[p->tok.length] = '\0';
    next(p);
}

/* ---- building the program ---- */

static void *grow(parser *p, void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity) return items;
    size_t more = *capacity ? 2 * *capacity : 64;
    void *grown = realloc(items, more * size);
    if (!grown) parse_error(p, "out of memory");
    *capacity = more;
    return grown;
}

static int new_expr(parser *p, expr e)
{
    c_eval *g = p->program;
    g->exprs = grow(p, g->exprs, &g->expr_capacity, g->expr_count, sizeof *g->exprs);
    g->exprs[g->expr_count] = e;
    return (int)g->expr_count++;
}

static int new_op(parser *p, op o)
{
    c_eval *g = p->program;
    g->ops = grow(p, g->ops, &g->op_capacity, g->op_count, sizeof *g->ops);
    g->ops[g->op_count] = o;
    return (int)g->op_count++;
}

static int label_named(parser *p, const char *name)
{
    c_eval *g = p->program;
    for (size_t i = 0; i < g->label_count; i++)
        if (strcmp(g->labels[i].name, name) == 0) return (int)i;
    g->labels = grow(p, g->labels, &g->label_capacity, g->label_count, sizeof *g->labels);
    label *l = &g->labels[g->label_count];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->position = -1;
    return (int)g->label_count++;
}

static int new_label(parser *p)
{
    char name[MAX_NAME];
    snprintf(name, sizeof name, " %zu", p->program->label_count); /* (a name no C label has) */
    return label_named(p, name);
}

static void place_label(parser *p, int id)
{
    label *l = &p->program->labels[id];
    if (l->position >= 0) parse_error(p, "the label %s twice", l->name);
    l->position = (int)p->program->op_count;
}

static int variable_named(const c_eval *g, const char *name)
{
    for (size_t i = 0; i < g->var_count; i++)
        if (strcmp(g->vars[i].name, name) == 0) return (int)i;
    return -1;
}

/* ---- expressions ---- */

static bool is_type_word(const parser *p)
{
    return is(p, "uint16_t") || is(p, "uint32_t") || is(p, "uint64_t") || is(p, "const") || is(p, "void");
}

/* A type name after '(' of a cast: (uint16_t), (uint32_t), (uint64_t), (void). Returns -1 for void. */
static int cast_type(parser *p)
{
    int type = is(p, "uint16_t") ? ST_U16 : is(p, "uint32_t") ? ST_U32 : is(p, "uint64_t") ? ST_U64 : -1;
    if (type < 0 && !is(p, "void")) parse_error(p, "a cast outside the subset");
    next(p);
    if (is(p, "*")) parse_error(p, "a cast to a pointer");
    expect(p, ")");
    return type;
}

static int parse_expression(parser *p);
static int parse_unary(parser *p);

static int parse_primary(parser *p)
{
    if (p->tok.kind == TK_NUMBER) {
        expr e = {.kind = E_NUM, .number = p->tok.number};
        next(p);
        return new_expr(p, e);
    }
    if (is(p, "(")) {
        next(p);
        int e = parse_expression(p);
        expect(p, ")");
        return e;
    }
    char name[MAX_NAME];
    take_name(p, name);
    if (strcmp(name, p->param) == 0) {
        expect(p, "->");
        char field[MAX_NAME];
        take_name(p, field);
        for (int f = 0; f < FIELD_COUNT; f++)
            if (strcmp(field, state_fields[f].name) == 0) {
                if (!p->program->field_declared[f]) parse_error(p, "%s has no field %s", p->struct_name, field);
                return new_expr(p, (expr){.kind = E_FIELD, .slot = f});
            }
        parse_error(p, "the field %s is not the state's", field);
    }
    int slot = variable_named(p->program, name);
    if (slot < 0) parse_error(p, "%s is not declared", name);
    return new_expr(p, (expr){.kind = E_VAR, .slot = slot});
}

static int parse_postfix(parser *p)
{
    int e = parse_primary(p);
    while (is(p, "[")) {
        next(p);
        int index = parse_expression(p);
        expect(p, "]");
        e = new_expr(p, (expr){.kind = E_INDEX, .left = e, .right = index});
    }
    if (is(p, "++") || is(p, "--") || is(p, ".")) parse_error(p, "'%.*s' is outside the subset", (int)p->tok.length, p->tok.start);
    return e;
}

static int parse_unary(parser *p)
{
    if (is(p, "~") || is(p, "!") || is(p, "-") || is(p, "+")) {
        int unary_op = p->tok.start[0];
        next(p);
        int operand = parse_unary(p);
        return new_expr(p, (expr){.kind = E_UNARY, .op = unary_op, .left = operand});
    }
    if (is(p, "(")) {
        /* a cast, or a parenthesised expression */
        const char *at = p->at;
        token saved = p->tok;
        next(p);
        if (is_type_word(p)) {
            int type = cast_type(p);
            int operand = parse_unary(p);
            if (type < 0) return new_expr(p, (expr){.kind = E_CAST, .cast = ST_PTR, .left = operand}); /* (void) */
            return new_expr(p, (expr){.kind = E_CAST, .cast = (stype)type, .left = operand});
        }
        p->at = at;
        p->tok = saved;
    }
    return parse_postfix(p);
}

/* binary operators by precedence, lowest first; two-character ones coded as c0 * 256 + c1 */
static const char *const levels[][4] = {{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="},
                                        {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};
enum { LEVELS = sizeof levels / sizeof *levels };

static int parse_level(parser *p, int level)
{
    if (level == LEVELS) return parse_unary(p);
    int left = parse_level(p, level + 1);
    for (;;) {
        const char *found = NULL;
        for (int i = 0; i < 4 && levels[level][i]; i++)
            if (is(p, levels[level][i])) found = levels[level][i];
        if (!found) return left;
        next(p);
        int right = parse_level(p, level + 1);
        int code = found[1] ? found[0] * 256 + found[1] : found[0];
        if (strcmp(found, "&&") == 0)
            left = new_expr(p, (expr){.kind = E_AND, .left = left, .right = right});
        else if (strcmp(found, "||") == 0)
            left = new_expr(p, (expr){.kind = E_OR, .left = left, .right = right});
        else
            left = new_expr(p, (expr){.kind = E_BINARY, .op = code, .left = left, .right = right});
    }
}

static int parse_expression(parser *p)
{
    if (is(p, "?")) parse_error(p, "'?' is outside the subset");
    int e = parse_level(p, 0);
    if (is(p, "?") || is(p, ",")) parse_error(p, "'%.*s' is outside the subset", (int)p->tok.length, p->tok.start);
    return e;
}

/* ---- statements ---- */

static void parse_statement(parser *p);

/* const? TYPE, then declarators: *? const? NAME (= expression)?, separated by commas, then ';' */
static void parse_declaration(parser *p)
{
    if (is(p, "const")) next(p);
    if (!is(p, "uint16_t") && !is(p, "uint32_t") && !is(p, "uint64_t")) parse_error(p, "a type outside the subset");
    stype base = is(p, "uint16_t") ? ST_U16 : is(p, "uint32_t") ? ST_U32 : ST_U64;
    next(p);
    for (;;) {
        stype type = base;
        if (is(p, "*")) {
            if (base != ST_U16) parse_error(p, "a pointer to other than uint16_t");
            type = ST_PTR;
            next(p);
            if (is(p, "const")) next(p);
        }
        c_eval *g = p->program;
        char name[MAX_NAME];
        take_name(p, name);
        if (variable_named(g, name) >= 0 || strcmp(name, p->param) == 0) parse_error(p, "%s declared again", name);
        if (g->var_count == MAX_VARS) parse_error(p, "more than %d variables", MAX_VARS);
        int slot = (int)g->var_count++;
        snprintf(g->vars[slot].name, sizeof g->vars[slot].name, "%s", name);
        g->vars[slot].type = type;
        if (is(p, "=")) {
            next(p);
            int init = parse_level(p, 0);
            int lhs = new_expr(p, (expr){.kind = E_VAR, .slot = slot});
            new_op(p, (op){.kind = OP_ASSIGN, .assign = '=', .lhs = lhs, .rhs = init});
        }
        if (is(p, ";")) break;
        expect(p, ",");
    }
    next(p);
}

static void parse_compound(parser *p)
{
    expect(p, "{");
    while (!is(p, "}")) {
        if (p->tok.kind == TK_END) parse_error(p, "'}' expected");
        if (is(p, "const") || is(p, "uint16_t") || is(p, "uint32_t") || is(p, "uint64_t"))
            parse_declaration(p);
        else
            parse_statement(p);
    }
    next(p);
}

static void parse_statement(parser *p)
{
    if (is(p, "{")) {
        parse_compound(p);
    } else if (is(p, ";")) {
        next(p);
    } else if (is(p, "if")) {
        next(p);
        expect(p, "(");
        int condition = parse_expression(p);
        expect(p, ")");
        int otherwise = new_label(p);
        new_op(p, (op){.kind = OP_JUMP_IF_FALSE, .rhs = condition, .label = otherwise});
        parse_statement(p);
        if (is(p, "else")) {
            next(p);
            int end = new_label(p);
            new_op(p, (op){.kind = OP_JUMP, .label = end});
            place_label(p, otherwise);
            parse_statement(p);
            place_label(p, end);
        } else {
            place_label(p, otherwise);
        }
    } else if (is(p, "switch")) {
        if (p->in_switch) parse_error(p, "a switch inside a switch (not in the subset)");
        next(p);
        expect(p, "(");
        int subject = parse_expression(p);
        expect(p, ")");
        c_eval *g = p->program;
        p->switch_end = new_label(p);
        p->switch_default = -1;
        p->in_switch = true;
        int at = new_op(p, (op){.kind = OP_SWITCH, .rhs = subject});
        size_t first_case = g->case_count;
        parse_statement(p);
        g->ops[at].cases = (int)first_case;
        g->ops[at].case_count = (int)(g->case_count - first_case);
        g->ops[at].default_label = p->switch_default >= 0 ? p->switch_default : p->switch_end;
        g->ops[at].label = p->switch_end;
        for (size_t i = first_case; i < g->case_count; i++)
            for (size_t j = first_case; j < i; j++)
                if (g->cases[i].value == g->cases[j].value)
                    parse_error(p, "case %llu twice", (unsigned long long)g->cases[i].value);
        place_label(p, p->switch_end);
        p->in_switch = false;
    } else if (is(p, "case")) {
        if (!p->in_switch) parse_error(p, "case outside a switch");
        next(p);
        if (p->tok.kind != TK_NUMBER) parse_error(p, "a case that is not a constant");
        value v = p->tok.number;
        next(p);
        expect(p, ":");
        c_eval *g = p->program;
        g->cases = grow(p, g->cases, &g->case_capacity, g->case_count, sizeof *g->cases);
        int l = new_label(p);
        g->cases[g->case_count++] = (switch_case){v.type == CT_INT ? (uint64_t)v.s : v.u, l};
        place_label(p, l);
        if (!is(p, "}")) parse_statement(p);
    } else if (is(p, "default")) {
        if (!p->in_switch || p->switch_default >= 0) parse_error(p, "default outside a switch, or twice");
        next(p);
        expect(p, ":");
        p->switch_default = new_label(p);
        place_label(p, p->switch_default);
        if (!is(p, "}")) parse_statement(p);
    } else if (is(p, "goto")) {
        next(p);
        char name[MAX_NAME];
        take_name(p, name);
        expect(p, ";");
        new_op(p, (op){.kind = OP_JUMP, .label = label_named(p, name)});
    } else if (is(p, "break")) {
        if (!p->in_switch) parse_error(p, "break outside a switch");
        next(p);
        expect(p, ";");
        new_op(p, (op){.kind = OP_JUMP, .label = p->switch_end});
    } else if (is(p, "return")) {
        next(p);
        expect(p, ";");
        new_op(p, (op){.kind = OP_RETURN});
    } else if (is(p, "while") || is(p, "for") || is(p, "do") || is(p, "continue")) {
        parse_error(p, "'%.*s' is outside the subset", (int)p->tok.length, p->tok.start);
    } else if (p->tok.kind == TK_IDENT && p->at[strspn(p->at, " \t")] == ':') {
        char name[MAX_NAME];
        take_name(p, name);
        expect(p, ":");
        place_label(p, label_named(p, name));
        if (!is(p, "}")) parse_statement(p);
    } else {
        int e = parse_expression(p);
        if (is(p, "=") || is(p, "+=") || is(p, "-=")) {
            int assign = p->tok.start[0];
            next(p);
            ekind k = p->program->exprs[e].kind;
            if (k != E_VAR && k != E_FIELD && k != E_INDEX) parse_error(p, "an assignment to what is not an object");
            int rhs = parse_expression(p);
            new_op(p, (op){.kind = OP_ASSIGN, .assign = assign, .lhs = e, .rhs = rhs});
        } else {
            new_op(p, (op){.kind = OP_EVAL, .rhs = e});
        }
        expect(p, ";");
    }
}

/* typedef struct { FIELDS } NAME; */
static void parse_typedef(parser *p)
{
    expect(p, "typedef");
    expect(p, "struct");
    expect(p, "{");
    size_t used = 0;
    p->fields[0] = '\0';
    while (!is(p, "}")) {
        bool constant = is(p, "const");
        if (constant) next(p);
        if (!is(p, "uint16_t") && !is(p, "uint32_t") && !is(p, "uint64_t")) parse_error(p, "a field type outside the subset");
        char base[16];
        snprintf(base, sizeof base, "%.*s", (int)p->tok.length, p->tok.start);
        stype type = is(p, "uint16_t") ? ST_U16 : is(p, "uint32_t") ? ST_U32 : ST_U64;
        next(p);
        for (;;) {
            bool pointer = is(p, "*");
            if (pointer) next(p);
            char name[MAX_NAME];
            take_name(p, name);
            if (pointer && type != ST_U16) parse_error(p, "a pointer to other than uint16_t");
            int n = snprintf(p->fields + used, p->fields_size - used, "%s%s%s %s%s", used ? "; " : "",
                             constant ? "const " : "", base, pointer ? "*" : "", name);
            if (n > 0 && used + (size_t)n < p->fields_size) used += (size_t)n;
            for (int f = 0; f < FIELD_COUNT; f++)
                if (strcmp(name, state_fields[f].name) == 0) {
                    if (p->program->field_declared[f]) parse_error(p, "the field %s twice", name);
                    p->program->field_declared[f] = true;
                    p->field_type[f] = pointer ? ST_PTR : type;
                    if (p->field_type[f] != state_fields[f].type) parse_error(p, "the field %s is not of its type", name);
                }
            if (is(p, ";")) break;
            expect(p, ",");
        }
        next(p);
    }
    next(p);
    take_name(p, p->struct_name);
    expect(p, ";");
}

c_eval *c_eval_parse(const char *text, const char *name, char *fields, size_t fields_size, char *why, size_t why_size)
{
    static char no_fields[1];
    parser *p = calloc(1, sizeof *p);
    if (p) p->program = calloc(1, sizeof *p->program);
    if (!p || !p->program) {
        free(p);
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    p->text = p->at = text;
    p->why = why;
    p->why_size = why_size;
    p->fields = fields_size ? fields : no_fields;
    p->fields_size = fields_size ? fields_size : 1;
    p->fields[0] = '\0';
    p->switch_default = -1;
    if (setjmp(p->fail)) { /* (p is not changed after setjmp: what it points to is in memory) */
        c_eval_free(p->program);
        free(p);
        return NULL;
    }
    next(p);
    bool found = false;
    while (p->tok.kind != TK_END) {
        if (is(p, "typedef")) {
            parse_typedef(p);
            continue;
        }
        /* void NAME(STRUCT *PARAM) { ... } */
        expect(p, "void");
        char function[MAX_NAME], type[MAX_NAME];
        take_name(p, function);
        if (strcmp(function, name) != 0 || found) parse_error(p, "a function other than one %s", name);
        expect(p, "(");
        take_name(p, type);
        if (!p->struct_name[0] || strcmp(type, p->struct_name) != 0) parse_error(p, "%s is not the struct declared", type);
        expect(p, "*");
        take_name(p, p->param);
        expect(p, ")");
        parse_compound(p);
        new_op(p, (op){.kind = OP_RETURN});
        found = true;
    }
    if (!found) parse_error(p, "no function %s", name);
    for (size_t i = 0; i < p->program->label_count; i++)
        if (p->program->labels[i].position < 0) {
            p->tok.start = NULL;
            parse_error(p, "goto %s, a label never defined", p->program->labels[i].name);
        }
    c_eval *program = p->program;
    free(p);
    return program;
}

void c_eval_free(c_eval *program)
{
    if (!program) return;
    free(program->exprs);
    free(program->ops);
    free(program->cases);
    free(program->labels);
    free(program);
}

/* ---- running ---- */

typedef struct {
    const c_eval *program;
    c_eval_state *state;
    value vars[MAX_VARS];
    bool set[MAX_VARS];
    char *why;
    size_t why_size;
    jmp_buf fail;
} machine;

static void run_error(machine *m, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(m->why, m->why_size, format, args);
    va_end(args);
    longjmp(m->fail, 1);
}

static value load(stype type, uint64_t bits, int array)
{
    switch (type) {
    case ST_U16: return (value){CT_INT, (int64_t)(bits & 0xFFFFu), 0, 0}; /* promoted to int */
    case ST_U32: return (value){CT_UINT, 0, bits & 0xFFFFFFFFu, 0};
    case ST_U64: return (value){CT_ULONG, 0, bits, 0};
    case ST_PTR: break;
    }
    return (value){CT_PTR, 0, 0, array};
}

/* the value's bits modulo 2^64 (two's complement for an int) */
static uint64_t bits_of(value v)
{
    return v.type == CT_INT ? (uint64_t)v.s : v.u;
}

static value convert(value v, ctype to)
{
    if (to == CT_INT) return v; /* (the usual conversions convert to int only from int) */
    uint64_t bits = bits_of(v);
    return (value){to, 0, to == CT_UINT ? bits & 0xFFFFFFFFu : bits, 0};
}

static ctype common_type(value a, value b)
{
    if (a.type == CT_ULONG || b.type == CT_ULONG) return CT_ULONG;
    if (a.type == CT_UINT || b.type == CT_UINT) return CT_UINT;
    return CT_INT;
}

static value int_result(machine *m, int64_t v, const char *what)
{
    if (v < INT32_MIN || v > INT32_MAX) run_error(m, "signed overflow in %s: %lld", what, (long long)v);
    return (value){CT_INT, v, 0, 0};
}

static value unsigned_result(ctype type, uint64_t v)
{
    return (value){type, 0, type == CT_UINT ? v & 0xFFFFFFFFu : v, 0};
}

static void need_integer(machine *m, value v)
{
    if (v.type == CT_PTR) run_error(m, "a pointer used as a number");
}

static bool truth(machine *m, value v)
{
    need_integer(m, v);
    return v.type == CT_INT ? v.s != 0 : v.u != 0;
}

static uint16_t *element(machine *m, value base, value index, bool write)
{
    if (base.type != CT_PTR) run_error(m, "indexing what is not a pointer");
    need_integer(m, index);
    if (index.type == CT_INT && index.s < 0) run_error(m, "a negative index %lld", (long long)index.s);
    uint64_t i = bits_of(index);
    c_eval_state *s = m->state;
    if (base.array == ARRAY_RAM) {
        if (i >= s->ram_words) run_error(m, "ram[%llu]: past the RAM's %zu words", (unsigned long long)i, s->ram_words);
        return &s->ram[i];
    }
    if (write) run_error(m, "a write to kinds[], which is const");
    if (i >= s->kinds_words) run_error(m, "kinds[%llu]: past its %zu words", (unsigned long long)i, s->kinds_words);
    return (uint16_t *)&s->kinds[i];
}

static value field_value(const c_eval_state *s, int field)
{
    switch (field) {
    case FIELD_RAM: return load(ST_PTR, 0, ARRAY_RAM);
    case FIELD_KINDS: return load(ST_PTR, 0, ARRAY_KINDS);
    case FIELD_HOOK_KIND: return load(ST_U16, s->hook_kind, 0);
    case FIELD_A: return load(ST_U16, s->a, 0);
    case FIELD_D: return load(ST_U16, s->d, 0);
    case FIELD_PC: return load(ST_U32, s->pc, 0);
    default: return load(ST_U64, s->left, 0);
    }
}

static value eval(machine *m, int index)
{
    const expr *e = &m->program->exprs[index];
    switch (e->kind) {
    case E_NUM: return e->number;
    case E_VAR:
        if (!m->set[e->slot]) run_error(m, "%s read before it is set", m->program->vars[e->slot].name);
        return m->vars[e->slot];
    case E_FIELD: return field_value(m->state, e->slot);
    case E_INDEX: {
        value base = eval(m, e->left), i = eval(m, e->right);
        return load(ST_U16, *element(m, base, i, false), 0);
    }
    case E_CAST: {
        if (e->cast == ST_PTR) { /* (void): evaluated for nothing; (void)NAME reads nothing */
            if (m->program->exprs[e->left].kind != E_VAR) eval(m, e->left);
            return (value){CT_INT, 0, 0, 0};
        }
        value v = eval(m, e->left);
        need_integer(m, v);
        return load(e->cast, bits_of(v), 0);
    }
    case E_AND: return (value){CT_INT, truth(m, eval(m, e->left)) && truth(m, eval(m, e->right)), 0, 0};
    case E_OR: return (value){CT_INT, truth(m, eval(m, e->left)) || truth(m, eval(m, e->right)), 0, 0};
    case E_UNARY: {
        value v = eval(m, e->left);
        need_integer(m, v);
        switch (e->op) {
        case '!': return (value){CT_INT, !truth(m, v), 0, 0};
        case '+': return v;
        case '-': return v.type == CT_INT ? int_result(m, -v.s, "-") : unsigned_result(v.type, 0 - v.u);
        default: return v.type == CT_INT ? (value){CT_INT, ~v.s, 0, 0} : unsigned_result(v.type, ~v.u); /* ~ */
        }
    }
    case E_BINARY: break;
    }
    value a = eval(m, e->left), b = eval(m, e->right);
    need_integer(m, a);
    need_integer(m, b);
    const int o = e->op;
    if (o == '<' * 256 + '<' || o == '>' * 256 + '>') { /* the left operand's type; the right's count in range */
        const int width = a.type == CT_ULONG ? 64 : 32;
        if ((b.type == CT_INT && b.s < 0) || bits_of(b) >= (uint64_t)width) run_error(m, "a shift by %lld", (long long)bits_of(b));
        const unsigned n = (unsigned)bits_of(b);
        if (a.type != CT_INT) return unsigned_result(a.type, o == '<' * 256 + '<' ? a.u << n : a.u >> n);
        if (o == '>' * 256 + '>') return (value){CT_INT, a.s >> n, 0, 0};
        if (a.s < 0) run_error(m, "a left shift of a negative int");
        return int_result(m, (int64_t)((uint64_t)a.s << n), "<<");
    }
    const ctype type = common_type(a, b);
    a = convert(a, type);
    b = convert(b, type);
    if (type == CT_INT) {
        switch (o) {
        case '+': return int_result(m, a.s + b.s, "+");
        case '-': return int_result(m, a.s - b.s, "-");
        case '*': return int_result(m, a.s * b.s, "*");
        case '/':
        case '%':
            if (b.s == 0) run_error(m, "a division by zero");
            return int_result(m, o == '/' ? a.s / b.s : a.s % b.s, "/");
        case '&': return (value){CT_INT, a.s & b.s, 0, 0};
        case '|': return (value){CT_INT, a.s | b.s, 0, 0};
        case '^': return (value){CT_INT, a.s ^ b.s, 0, 0};
        case '<': return (value){CT_INT, a.s < b.s, 0, 0};
        case '>': return (value){CT_INT, a.s > b.s, 0, 0};
        case '<' * 256 + '=': return (value){CT_INT, a.s <= b.s, 0, 0};
        case '>' * 256 + '=': return (value){CT_INT, a.s >= b.s, 0, 0};
        case '=' * 256 + '=': return (value){CT_INT, a.s == b.s, 0, 0};
        case '!' * 256 + '=': return (value){CT_INT, a.s != b.s, 0, 0};
        default: break;
        }
    } else {
        switch (o) {
        case '+': return unsigned_result(type, a.u + b.u);
        case '-': return unsigned_result(type, a.u - b.u);
        case '*': return unsigned_result(type, a.u * b.u);
        case '/':
        case '%':
            if (b.u == 0) run_error(m, "a division by zero");
            return unsigned_result(type, o == '/' ? a.u / b.u : a.u % b.u);
        case '&': return unsigned_result(type, a.u & b.u);
        case '|': return unsigned_result(type, a.u | b.u);
        case '^': return unsigned_result(type, a.u ^ b.u);
        case '<': return (value){CT_INT, a.u < b.u, 0, 0};
        case '>': return (value){CT_INT, a.u > b.u, 0, 0};
        case '<' * 256 + '=': return (value){CT_INT, a.u <= b.u, 0, 0};
        case '>' * 256 + '=': return (value){CT_INT, a.u >= b.u, 0, 0};
        case '=' * 256 + '=': return (value){CT_INT, a.u == b.u, 0, 0};
        case '!' * 256 + '=': return (value){CT_INT, a.u != b.u, 0, 0};
        default: break;
        }
    }
    run_error(m, "an operator outside the subset");
    return a;
}

/* lhs = value (converted to the object's type), or lhs += / -= value */
static void assign(machine *m, const op *o)
{
    const expr *lhs = &m->program->exprs[o->lhs];
    value v = eval(m, o->rhs);
    if (o->assign != '=') {
        value old = eval(m, o->lhs);
        need_integer(m, old);
        need_integer(m, v);
        const ctype type = common_type(old, v);
        old = convert(old, type);
        v = convert(v, type);
        if (type == CT_INT)
            v = int_result(m, o->assign == '+' ? old.s + v.s : old.s - v.s, o->assign == '+' ? "+=" : "-=");
        else
            v = unsigned_result(type, o->assign == '+' ? old.u + v.u : old.u - v.u);
    }
    stype type;
    if (lhs->kind == E_VAR)
        type = m->program->vars[lhs->slot].type;
    else if (lhs->kind == E_FIELD)
        type = state_fields[lhs->slot].type;
    else
        type = ST_U16;
    if ((type == ST_PTR) != (v.type == CT_PTR)) run_error(m, "a pointer assigned a number, or a number a pointer");
    if (lhs->kind == E_VAR) {
        m->vars[lhs->slot] = type == ST_PTR ? v : load(type, bits_of(v), 0);
        m->set[lhs->slot] = true;
        return;
    }
    if (lhs->kind == E_INDEX) {
        value base = eval(m, lhs->left), i = eval(m, lhs->right);
        *element(m, base, i, true) = (uint16_t)bits_of(v);
        return;
    }
    c_eval_state *s = m->state;
    const uint64_t bits = bits_of(v);
    switch (lhs->slot) {
    case FIELD_A: s->a = (uint16_t)bits; break;
    case FIELD_D: s->d = (uint16_t)bits; break;
    case FIELD_HOOK_KIND: s->hook_kind = (uint16_t)bits; break;
    case FIELD_PC: s->pc = (uint32_t)bits; break;
    case FIELD_LEFT: s->left = bits; break;
    default: run_error(m, "an assignment to the state's pointers");
    }
}

bool c_eval_run(const c_eval *program, c_eval_state *state, uint64_t step_limit, char *why, size_t why_size)
{
    machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    m->program = program;
    m->state = state;
    m->why = why;
    m->why_size = why_size;
    if (setjmp(m->fail)) {
        free(m);
        return false;
    }
    uint64_t steps = 0;
    for (size_t at = 0; at < program->op_count;) {
        if (++steps > step_limit) run_error(m, "more than %llu statements", (unsigned long long)step_limit);
        const op *o = &program->ops[at];
        switch (o->kind) {
        case OP_ASSIGN:
            assign(m, o);
            at++;
            break;
        case OP_EVAL:
            eval(m, o->rhs);
            at++;
            break;
        case OP_JUMP: at = (size_t)program->labels[o->label].position; break;
        case OP_JUMP_IF_FALSE:
            at = truth(m, eval(m, o->rhs)) ? at + 1 : (size_t)program->labels[o->label].position;
            break;
        case OP_SWITCH: {
            value v = eval(m, o->rhs);
            need_integer(m, v);
            /* the case constants are converted to the subject's promoted type */
            const uint64_t subject = bits_of(v), mask = v.type == CT_ULONG ? UINT64_MAX : v.type == CT_UINT ? 0xFFFFFFFFu : UINT64_MAX;
            int target = o->default_label;
            for (int i = 0; i < o->case_count; i++)
                if ((program->cases[o->cases + i].value & mask) == subject) {
                    target = program->cases[o->cases + i].label;
                    break;
                }
            at = (size_t)program->labels[target].position;
            break;
        }
        case OP_RETURN: at = program->op_count; break;
        }
    }
    free(m);
    return true;
}
