/* The course's project 10 output, rebuilt from the tokens and the syntax tree: XxxT.xml lists the tokens,
 * Xxx.xml the parse tree, two spaces of indent a level, CRLF line ends. */
#include "jack_internal.h"

#include "hack/strbuf.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    hack_strbuf text; /* its failed flag says memory ran out */
    int depth;
} xml_buffer;

static void put(xml_buffer *x, const char *s, size_t n)
{
    hack_strbuf_append(&x->text, s, n);
}

static void put_escaped(xml_buffer *x, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': put(x, "&lt;", 4); break;
        case '>': put(x, "&gt;", 4); break;
        case '&': put(x, "&amp;", 5); break;
        case '"': put(x, "&quot;", 6); break;
        default: put(x, &s[i], 1); break;
        }
    }
}

static void indent(xml_buffer *x)
{
    for (int i = 0; i < x->depth; i++) put(x, "  ", 2);
}

/* <tag> text </tag> on a line of its own */
static void leaf(xml_buffer *x, const char *tag, const char *text, size_t n)
{
    indent(x);
    put(x, "<", 1);
    put(x, tag, strlen(tag));
    put(x, "> ", 2);
    put_escaped(x, text, n);
    put(x, " </", 3);
    put(x, tag, strlen(tag));
    put(x, ">\r\n", 3);
}

static void open_tag(xml_buffer *x, const char *tag)
{
    indent(x);
    put(x, "<", 1);
    put(x, tag, strlen(tag));
    put(x, ">\r\n", 3);
    x->depth++;
}

static void close_tag(xml_buffer *x, const char *tag)
{
    x->depth--;
    indent(x);
    put(x, "</", 2);
    put(x, tag, strlen(tag));
    put(x, ">\r\n", 3);
}

static void symbol(xml_buffer *x, char c)
{
    leaf(x, "symbol", &c, 1);
}

static void keyword_leaf(xml_buffer *x, keyword k)
{
    leaf(x, "keyword", jack_keyword_names[k], strlen(jack_keyword_names[k]));
}

static void identifier(xml_buffer *x, const char *name)
{
    leaf(x, "identifier", name, strlen(name));
}

static void type_leaf(xml_buffer *x, const char *type, bool is_keyword)
{
    leaf(x, is_keyword ? "keyword" : "identifier", type, strlen(type));
}

static void xml_expression(xml_buffer *x, const expression *e);

static void xml_call(xml_buffer *x, const call *c)
{
    if (c->qualifier) {
        identifier(x, c->qualifier);
        symbol(x, '.');
    }
    identifier(x, c->name);
    symbol(x, '(');
    open_tag(x, "expressionList");
    for (size_t i = 0; i < c->arguments.count; i++) {
        if (i) symbol(x, ',');
        xml_expression(x, c->arguments.items[i]);
    }
    close_tag(x, "expressionList");
    symbol(x, ')');
}

static void xml_term(xml_buffer *x, const term *t)
{
    char number[16];
    open_tag(x, "term");
    switch (t->kind) {
    case TERM_INT:
        snprintf(number, sizeof number, "%d", t->value);
        leaf(x, "integerConstant", number, strlen(number));
        break;
    case TERM_STRING: leaf(x, "stringConstant", t->text, strlen(t->text)); break;
    case TERM_KEYWORD: keyword_leaf(x, t->kw); break;
    case TERM_VARIABLE: identifier(x, t->text); break;
    case TERM_INDEX:
        identifier(x, t->text);
        symbol(x, '[');
        xml_expression(x, t->inner);
        symbol(x, ']');
        break;
    case TERM_CALL: xml_call(x, &t->call); break;
    case TERM_PARENS:
        symbol(x, '(');
        xml_expression(x, t->inner);
        symbol(x, ')');
        break;
    case TERM_UNARY:
        symbol(x, t->op);
        xml_term(x, t->operand);
        break;
    }
    close_tag(x, "term");
}

static void xml_expression(xml_buffer *x, const expression *e)
{
    open_tag(x, "expression");
    for (size_t i = 0; i < e->terms.count; i++) {
        const term *t = e->terms.items[i];
        if (i) symbol(x, t->binary_op);
        xml_term(x, t);
    }
    close_tag(x, "expression");
}

static void xml_statements(xml_buffer *x, const ptr_list *list);

static void xml_block(xml_buffer *x, const ptr_list *list)
{
    symbol(x, '{');
    xml_statements(x, list);
    symbol(x, '}');
}

static void xml_statement(xml_buffer *x, const statement *s)
{
    switch (s->kind) {
    case ST_LET:
        open_tag(x, "letStatement");
        keyword_leaf(x, KW_LET);
        identifier(x, s->name);
        if (s->index) {
            symbol(x, '[');
            xml_expression(x, s->index);
            symbol(x, ']');
        }
        symbol(x, '=');
        xml_expression(x, s->value);
        symbol(x, ';');
        close_tag(x, "letStatement");
        break;
    case ST_IF:
        open_tag(x, "ifStatement");
        keyword_leaf(x, KW_IF);
        symbol(x, '(');
        xml_expression(x, s->value);
        symbol(x, ')');
        xml_block(x, &s->body);
        if (s->has_else) {
            keyword_leaf(x, KW_ELSE);
            xml_block(x, &s->else_body);
        }
        close_tag(x, "ifStatement");
        break;
    case ST_WHILE:
        open_tag(x, "whileStatement");
        keyword_leaf(x, KW_WHILE);
        symbol(x, '(');
        xml_expression(x, s->value);
        symbol(x, ')');
        xml_block(x, &s->body);
        close_tag(x, "whileStatement");
        break;
    case ST_DO:
        open_tag(x, "doStatement");
        keyword_leaf(x, KW_DO);
        xml_call(x, &s->call);
        symbol(x, ';');
        close_tag(x, "doStatement");
        break;
    case ST_RETURN:
        open_tag(x, "returnStatement");
        keyword_leaf(x, KW_RETURN);
        if (s->value) xml_expression(x, s->value);
        symbol(x, ';');
        close_tag(x, "returnStatement");
        break;
    }
}

static void xml_statements(xml_buffer *x, const ptr_list *list)
{
    open_tag(x, "statements");
    for (size_t i = 0; i < list->count; i++) xml_statement(x, list->items[i]);
    close_tag(x, "statements");
}

static void xml_declaration(xml_buffer *x, const declaration *d, const char *tag)
{
    open_tag(x, tag);
    keyword_leaf(x, d->kind);
    type_leaf(x, d->type, d->type_is_keyword);
    for (size_t i = 0; i < d->names.count; i++) {
        if (i) symbol(x, ',');
        identifier(x, d->names.items[i]);
    }
    symbol(x, ';');
    close_tag(x, tag);
}

static void xml_class(xml_buffer *x, const class_node *c)
{
    open_tag(x, "class");
    keyword_leaf(x, KW_CLASS);
    identifier(x, c->name);
    symbol(x, '{');
    for (size_t i = 0; i < c->fields.count; i++) xml_declaration(x, c->fields.items[i], "classVarDec");
    for (size_t i = 0; i < c->subroutines.count; i++) {
        const subroutine *s = c->subroutines.items[i];
        open_tag(x, "subroutineDec");
        keyword_leaf(x, s->kind);
        type_leaf(x, s->return_type, s->return_type_is_keyword);
        identifier(x, s->name);
        symbol(x, '(');
        open_tag(x, "parameterList");
        for (size_t p = 0; p < s->parameters.count; p++) {
            const declaration *d = s->parameters.items[p];
            if (p) symbol(x, ',');
            type_leaf(x, d->type, d->type_is_keyword);
            identifier(x, d->names.items[0]);
        }
        close_tag(x, "parameterList");
        symbol(x, ')');
        open_tag(x, "subroutineBody");
        symbol(x, '{');
        for (size_t v = 0; v < s->locals.count; v++) xml_declaration(x, s->locals.items[v], "varDec");
        xml_statements(x, &s->statements);
        symbol(x, '}');
        close_tag(x, "subroutineBody");
        close_tag(x, "subroutineDec");
    }
    symbol(x, '}');
    close_tag(x, "class");
}

static void xml_tokens(xml_buffer *x, const hack_jack_source *source, hack_diag_list *diags)
{
    static const char *const tags[] = {"keyword", "symbol", "integerConstant", "stringConstant", "identifier"};
    lexer lx;
    hack_diag_list ignored; /* the parse reports lexical errors once */
    hack_diag_list_init(&ignored);
    lexer_init(&lx, source, &ignored);
    (void)diags;
    put(x, "<tokens>\r\n", 10);
    for (token t = lexer_next(&lx); t.kind != TOK_EOF; t = lexer_next(&lx)) {
        if (t.kind == TOK_ERROR) continue;
        char number[16];
        if (t.kind == TOK_INT) {
            snprintf(number, sizeof number, "%d", t.value);
            leaf(x, tags[t.kind], number, strlen(number));
        } else {
            leaf(x, tags[t.kind], t.start, t.length);
        }
    }
    put(x, "</tokens>\r\n", 11);
    hack_diag_list_free(&ignored);
}

bool hack_jack_xml(const hack_jack_source *source, char **tokens_xml, size_t *tokens_length, char **tree_xml,
                   size_t *tree_length, hack_diag_list *diags)
{
    *tokens_xml = *tree_xml = NULL;
    arena a = {0};
    size_t errors = diags->error_count;
    class_node *c = jack_parse(&a, source, diags);
    bool ok = c && c->errors == 0 && diags->error_count == errors && !a.failed;
    if (ok) {
        xml_buffer tokens = {0}, tree = {0};
        xml_tokens(&tokens, source, diags);
        xml_class(&tree, c);
        ok = !tokens.text.failed && !tree.text.failed;
        if (!ok) hack_diag_add(diags, HACK_DIAG_ERROR, source->path, 0, 0, NULL, 0, "out of memory");
        if (ok) {
            *tokens_xml = hack_strbuf_take(&tokens.text, tokens_length);
            *tree_xml = hack_strbuf_take(&tree.text, tree_length);
        }
        hack_strbuf_free(&tokens.text);
        hack_strbuf_free(&tree.text);
    }
    arena_free(&a);
    return ok;
}
