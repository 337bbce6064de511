/* The parser: recursive descent over the grammar of the book's chapter 10, one function a rule (the rule in
 * the comment above it). After a syntax error it skips to the next statement or declaration, so that one
 * mistake gives one message and later mistakes are still found. */
#include "jack_internal.h"

#include "hack/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    arena *a;
    lexer lx;
    token current, next;
    hack_diag_list *diags;
    const hack_jack_source *source;
    bool panic; /* after an error, until the parser is back in step */
    int errors;
    int term_depth, block_depth; /* how deep the recursion is: at most JACK_MAX_NESTING each */
} parser;

static void advance(parser *ps)
{
    ps->current = ps->next;
    do {
        ps->next = lexer_next(&ps->lx);
    } while (ps->next.kind == TOK_ERROR); /* the lexer has reported it */
}

static position pos_of(const token *t)
{
    return (position){t->line, t->column, t->line_start};
}

/* The token as a message names it: an identifier whole, however long. */
static void describe(const token *t, hack_strbuf *out)
{
    switch (t->kind) {
    case TOK_KEYWORD: hack_strbuf_appendf(out, "'%s'", jack_keyword_names[t->kw]); break;
    case TOK_SYMBOL: hack_strbuf_appendf(out, "'%c'", t->symbol); break;
    case TOK_INT: hack_strbuf_appendf(out, "the number %d", t->value); break;
    case TOK_STRING: hack_strbuf_appendf(out, "a string"); break;
    case TOK_IDENTIFIER: hack_strbuf_appendf(out, "'%.*s'", (int)t->length, t->start); break;
    default: hack_strbuf_appendf(out, "the end of the file"); break;
    }
}

static size_t line_length(const parser *ps, const char *line_start)
{
    const char *end = ps->source->text + ps->source->length;
    const char *newline = memchr(line_start, '\n', (size_t)(end - line_start));
    return (size_t)((newline ? newline : end) - line_start);
}

/* "expected X, found Y" at the current token, once until the parser has recovered. */
static void expected(parser *ps, const char *what)
{
    if (ps->panic) return;
    ps->panic = true;
    ps->errors++;
    hack_strbuf found = {0};
    describe(&ps->current, &found);
    hack_diag_add(ps->diags, HACK_DIAG_ERROR, ps->source->path, ps->current.line, ps->current.column,
                  ps->current.line_start, line_length(ps, ps->current.line_start), "expected %s, found %s", what,
                  hack_strbuf_text(&found));
    hack_strbuf_free(&found);
}

/* Code nested deeper than the parser recurses: one error, at the token that goes one level too deep. */
static void too_deep(parser *ps, const char *what)
{
    if (ps->panic) return;
    ps->panic = true;
    ps->errors++;
    hack_diag_add(ps->diags, HACK_DIAG_ERROR, ps->source->path, ps->current.line, ps->current.column,
                  ps->current.line_start, line_length(ps, ps->current.line_start), "%s nested deeper than %d levels",
                  what, JACK_MAX_NESTING);
}

static bool is_symbol(const token *t, char c)
{
    return t->kind == TOK_SYMBOL && t->symbol == c;
}

static bool is_keyword(const token *t, keyword k)
{
    return t->kind == TOK_KEYWORD && t->kw == k;
}

static bool accept_symbol(parser *ps, char c)
{
    if (!is_symbol(&ps->current, c)) return false;
    advance(ps);
    return true;
}

static bool expect_symbol(parser *ps, char c)
{
    if (accept_symbol(ps, c)) return true;
    char what[8];
    snprintf(what, sizeof what, "'%c'", c);
    expected(ps, what);
    return false;
}

static const char *expect_identifier(parser *ps, const char *what, position *at)
{
    if (ps->current.kind != TOK_IDENTIFIER) {
        expected(ps, what);
        return NULL;
    }
    if (at) *at = pos_of(&ps->current);
    const char *name = arena_strndup(ps->a, ps->current.start, ps->current.length);
    advance(ps);
    return name;
}

static bool is_statement_start(const token *t)
{
    return t->kind == TOK_KEYWORD &&
           (t->kw == KW_LET || t->kw == KW_DO || t->kw == KW_IF || t->kw == KW_WHILE || t->kw == KW_RETURN);
}

/* After an error inside statements: skip past the next ';', or to a '}' or a statement keyword, passing
 * over whole blocks the broken statement opened (the body of a broken while, say). */
static void sync_statement(parser *ps)
{
    if (!ps->panic) return;
    int depth = 0;
    while (ps->current.kind != TOK_EOF) {
        if (is_symbol(&ps->current, '{')) {
            depth++;
        } else if (is_symbol(&ps->current, '}')) {
            if (depth == 0) break;
            if (--depth == 0) {
                advance(ps);
                break;
            }
        } else if (depth == 0 && is_symbol(&ps->current, ';')) {
            advance(ps);
            break;
        } else if (depth == 0 && is_statement_start(&ps->current)) {
            break;
        }
        advance(ps);
    }
    ps->panic = false;
}

static expression *parse_expression(parser *ps);

/* expressionList: (expression (',' expression)*)? */
static void parse_expression_list(parser *ps, ptr_list *list)
{
    if (is_symbol(&ps->current, ')')) return;
    do {
        expression *e = parse_expression(ps);
        if (e) ptr_list_push(ps->a, list, e);
    } while (!ps->panic && accept_symbol(ps, ','));
}

/* subroutineCall: name '(' expressionList ')' | (className | varName) '.' name '(' expressionList ')'
 * (the first name is already read) */
static void parse_call_rest(parser *ps, call *c, const char *first, position first_at)
{
    if (accept_symbol(ps, '.')) {
        c->qualifier = first;
        c->qualifier_position = first_at;
        c->name = expect_identifier(ps, "a subroutine name after '.'", &c->name_position);
    } else {
        c->name = first;
        c->name_position = first_at;
    }
    if (expect_symbol(ps, '(')) {
        parse_expression_list(ps, &c->arguments);
        expect_symbol(ps, ')');
    }
}

static term *parse_term(parser *ps);

/* term: integerConstant | stringConstant | keywordConstant | varName | varName '[' expression ']' |
 *       subroutineCall | '(' expression ')' | unaryOp term */
static term *parse_term_here(parser *ps)
{
    term *t = arena_alloc(ps->a, sizeof *t);
    if (!t) return NULL;
    t->at = pos_of(&ps->current);
    const token cur = ps->current;
    switch (cur.kind) {
    case TOK_INT:
        t->kind = TERM_INT;
        t->value = cur.value;
        advance(ps);
        return t;
    case TOK_STRING:
        t->kind = TERM_STRING;
        t->text = arena_strndup(ps->a, cur.start, cur.length);
        advance(ps);
        return t;
    case TOK_KEYWORD:
        if (cur.kw == KW_TRUE || cur.kw == KW_FALSE || cur.kw == KW_NULL || cur.kw == KW_THIS) {
            t->kind = TERM_KEYWORD;
            t->kw = cur.kw;
            advance(ps);
            return t;
        }
        break;
    case TOK_IDENTIFIER: {
        const char *name = arena_strndup(ps->a, cur.start, cur.length);
        advance(ps);
        if (is_symbol(&ps->current, '[')) {
            advance(ps);
            t->kind = TERM_INDEX;
            t->text = name;
            t->inner = parse_expression(ps);
            expect_symbol(ps, ']');
        } else if (is_symbol(&ps->current, '(') || is_symbol(&ps->current, '.')) {
            t->kind = TERM_CALL;
            parse_call_rest(ps, &t->call, name, t->at);
        } else {
            t->kind = TERM_VARIABLE;
            t->text = name;
        }
        return t;
    }
    case TOK_SYMBOL:
        if (cur.symbol == '(') {
            advance(ps);
            t->kind = TERM_PARENS;
            t->inner = parse_expression(ps);
            expect_symbol(ps, ')');
            return t;
        }
        if (cur.symbol == '-' || cur.symbol == '~') {
            advance(ps);
            t->kind = TERM_UNARY;
            t->op = cur.symbol;
            t->operand = parse_term(ps);
            return t->operand ? t : NULL;
        }
        break;
    default: break;
    }
    expected(ps, "an expression");
    return NULL;
}

/* Every nesting of expressions (parentheses, arguments, subscripts, unary operators) passes through here. */
static term *parse_term(parser *ps)
{
    if (ps->term_depth == JACK_MAX_NESTING) {
        too_deep(ps, "expressions");
        return NULL;
    }
    ps->term_depth++;
    term *t = parse_term_here(ps);
    ps->term_depth--;
    return t;
}

static bool is_binary_op(const token *t)
{
    return t->kind == TOK_SYMBOL && strchr("+-*/&|<>=", t->symbol) != NULL;
}

/* expression: term (op term)* -- evaluated left to right, no precedence */
static expression *parse_expression(parser *ps)
{
    expression *e = arena_alloc(ps->a, sizeof *e);
    if (!e) return NULL;
    e->at = pos_of(&ps->current);
    term *t = parse_term(ps);
    if (!t) return NULL;
    ptr_list_push(ps->a, &e->terms, t);
    while (is_binary_op(&ps->current)) {
        char op = ps->current.symbol;
        advance(ps);
        t = parse_term(ps);
        if (!t) return NULL;
        t->binary_op = op;
        ptr_list_push(ps->a, &e->terms, t);
    }
    return e;
}

static void parse_statements(parser *ps, ptr_list *list);

/* Passes over a block (from its '{' to the matching '}') without parsing it: no recursion. */
static void skip_block(parser *ps)
{
    int depth = 0;
    do {
        if (is_symbol(&ps->current, '{')) depth++;
        if (is_symbol(&ps->current, '}')) depth--;
        advance(ps);
    } while (depth > 0 && ps->current.kind != TOK_EOF);
}

/* '{' statements '}' */
static void parse_block(parser *ps, ptr_list *list)
{
    if (!is_symbol(&ps->current, '{')) {
        expected(ps, "'{'");
        return;
    }
    if (ps->block_depth == JACK_MAX_NESTING) {
        too_deep(ps, "statements");
        skip_block(ps);
        return;
    }
    advance(ps);
    ps->block_depth++;
    parse_statements(ps, list);
    ps->block_depth--;
    expect_symbol(ps, '}');
}

/* statement: letStatement | ifStatement | whileStatement | doStatement | returnStatement */
static statement *parse_statement(parser *ps)
{
    statement *s = arena_alloc(ps->a, sizeof *s);
    if (!s) return NULL;
    s->at = pos_of(&ps->current);
    keyword kw = ps->current.kw;
    advance(ps);
    switch (kw) {
    case KW_LET: /* 'let' varName ('[' expression ']')? '=' expression ';' */
        s->kind = ST_LET;
        s->name = expect_identifier(ps, "a variable name after 'let'", &s->name_position);
        if (!s->name) return NULL;
        if (accept_symbol(ps, '[')) {
            s->index = parse_expression(ps);
            if (!expect_symbol(ps, ']')) return NULL;
        }
        if (!expect_symbol(ps, '=')) return NULL;
        s->value = parse_expression(ps);
        if (!s->value) return NULL;
        expect_symbol(ps, ';');
        return s;
    case KW_IF: /* 'if' '(' expression ')' '{' statements '}' ('else' '{' statements '}')? */
        s->kind = ST_IF;
        if (!expect_symbol(ps, '(')) return NULL;
        s->value = parse_expression(ps);
        if (!s->value || !expect_symbol(ps, ')')) return NULL;
        parse_block(ps, &s->body);
        if (is_keyword(&ps->current, KW_ELSE)) {
            advance(ps);
            s->has_else = true;
            parse_block(ps, &s->else_body);
        }
        return s;
    case KW_WHILE: /* 'while' '(' expression ')' '{' statements '}' */
        s->kind = ST_WHILE;
        if (!expect_symbol(ps, '(')) return NULL;
        s->value = parse_expression(ps);
        if (!s->value || !expect_symbol(ps, ')')) return NULL;
        parse_block(ps, &s->body);
        return s;
    case KW_DO: { /* 'do' subroutineCall ';' */
        s->kind = ST_DO;
        position first_at;
        const char *first = expect_identifier(ps, "a subroutine call after 'do'", &first_at);
        if (!first) return NULL;
        parse_call_rest(ps, &s->call, first, first_at);
        expect_symbol(ps, ';');
        return s;
    }
    default: /* 'return' expression? ';' */
        s->kind = ST_RETURN;
        if (!is_symbol(&ps->current, ';')) s->value = parse_expression(ps);
        expect_symbol(ps, ';');
        return s;
    }
}

/* statements: statement* */
static void parse_statements(parser *ps, ptr_list *list)
{
    while (ps->current.kind != TOK_EOF && !is_symbol(&ps->current, '}')) {
        if (!is_statement_start(&ps->current)) {
            expected(ps, "a statement (let, if, while, do, return)");
            advance(ps);
            sync_statement(ps);
            continue;
        }
        statement *s = parse_statement(ps);
        if (s && !ps->panic) ptr_list_push(ps->a, list, s);
        sync_statement(ps);
    }
}

static bool is_type_start(const token *t)
{
    return t->kind == TOK_IDENTIFIER ||
           (t->kind == TOK_KEYWORD && (t->kw == KW_INT || t->kw == KW_CHAR || t->kw == KW_BOOLEAN));
}

/* type: 'int' | 'char' | 'boolean' | className */
static bool parse_type(parser *ps, declaration *d, bool allow_void)
{
    d->type_position = pos_of(&ps->current);
    if (is_type_start(&ps->current) || (allow_void && is_keyword(&ps->current, KW_VOID))) {
        d->type_is_keyword = ps->current.kind == TOK_KEYWORD;
        d->type = d->type_is_keyword ? jack_keyword_names[ps->current.kw]
                                     : arena_strndup(ps->a, ps->current.start, ps->current.length);
        advance(ps);
        return true;
    }
    expected(ps, allow_void ? "a type (int, char, boolean, void or a class name)"
                            : "a type (int, char, boolean or a class name)");
    return false;
}

/* classVarDec: ('static' | 'field') type varName (',' varName)* ';'    varDec: 'var' type varName (',' varName)* ';' */
static declaration *parse_declaration(parser *ps)
{
    declaration *d = arena_alloc(ps->a, sizeof *d);
    if (!d) return NULL;
    d->kind = ps->current.kw;
    advance(ps);
    if (!parse_type(ps, d, false)) return NULL;
    do {
        position *at = arena_alloc(ps->a, sizeof *at);
        const char *name = expect_identifier(ps, "a variable name", at);
        if (!name) return NULL;
        ptr_list_push(ps->a, &d->names, (void *)name);
        ptr_list_push(ps->a, &d->positions, at);
    } while (accept_symbol(ps, ','));
    if (!expect_symbol(ps, ';')) return NULL;
    return d;
}

/* subroutineDec: ('constructor' | 'function' | 'method') ('void' | type) subroutineName '(' parameterList ')'
 *                subroutineBody
 * parameterList: ((type varName) (',' type varName)*)?
 * subroutineBody: '{' varDec* statements '}' */
static subroutine *parse_subroutine(parser *ps)
{
    subroutine *s = arena_alloc(ps->a, sizeof *s);
    if (!s) return NULL;
    s->kind = ps->current.kw;
    s->at = pos_of(&ps->current);
    advance(ps);
    declaration type = {0};
    if (!parse_type(ps, &type, true)) return NULL;
    s->return_type = type.type;
    s->return_type_is_keyword = type.type_is_keyword;
    s->name = expect_identifier(ps, "a subroutine name", &s->name_position);
    if (!s->name || !expect_symbol(ps, '(')) return NULL;
    if (!is_symbol(&ps->current, ')')) {
        do {
            declaration *p = arena_alloc(ps->a, sizeof *p);
            if (!p || !parse_type(ps, p, false)) return NULL;
            position *at = arena_alloc(ps->a, sizeof *at);
            const char *name = expect_identifier(ps, "a parameter name", at);
            if (!name) return NULL;
            ptr_list_push(ps->a, &p->names, (void *)name);
            ptr_list_push(ps->a, &p->positions, at);
            ptr_list_push(ps->a, &s->parameters, p);
        } while (accept_symbol(ps, ','));
    }
    if (!expect_symbol(ps, ')') || !expect_symbol(ps, '{')) return NULL;
    while (is_keyword(&ps->current, KW_VAR)) {
        declaration *d = parse_declaration(ps);
        if (!d) {
            sync_statement(ps);
            continue;
        }
        ptr_list_push(ps->a, &s->locals, d);
    }
    parse_statements(ps, &s->statements);
    s->end = pos_of(&ps->current);
    expect_symbol(ps, '}');
    return s;
}

static bool is_member_start(const token *t)
{
    return t->kind == TOK_KEYWORD && (t->kw == KW_CONSTRUCTOR || t->kw == KW_FUNCTION || t->kw == KW_METHOD ||
                                      t->kw == KW_STATIC || t->kw == KW_FIELD);
}

/* class: 'class' className '{' classVarDec* subroutineDec* '}' */
class_node *jack_parse(arena *a, const hack_jack_source *source, hack_diag_list *diags)
{
    parser ps = {.a = a, .diags = diags, .source = source};
    lexer_init(&ps.lx, source, diags);
    advance(&ps);
    advance(&ps);
    class_node *c = arena_alloc(a, sizeof *c);
    if (!c) return NULL;
    c->source = source;
    if (!is_keyword(&ps.current, KW_CLASS)) {
        expected(&ps, "'class'");
        c->errors = ps.errors + ps.lx.errors;
        return c;
    }
    advance(&ps);
    c->name = expect_identifier(&ps, "the class name", &c->name_position);
    if (c->name && expect_symbol(&ps, '{')) {
        while (ps.current.kind != TOK_EOF && !is_symbol(&ps.current, '}')) {
            ps.panic = false;
            if (is_keyword(&ps.current, KW_STATIC) || is_keyword(&ps.current, KW_FIELD)) {
                declaration *d = parse_declaration(&ps);
                if (d && !ps.panic) ptr_list_push(a, &c->fields, d);
            } else if (is_member_start(&ps.current)) {
                subroutine *s = parse_subroutine(&ps);
                if (s && !ps.panic) ptr_list_push(a, &c->subroutines, s);
            } else {
                expected(&ps, "a declaration (static, field, constructor, function or method)");
            }
            if (ps.panic) /* skip to the next member */
                while (ps.current.kind != TOK_EOF && !is_member_start(&ps.current)) advance(&ps);
        }
        if (!ps.panic && expect_symbol(&ps, '}') && ps.current.kind != TOK_EOF)
            expected(&ps, "the end of the file after the class");
    }
    c->errors = ps.errors + ps.lx.errors;
    return c;
}
