/* The teacher's view of a grading (hack/grade_report.h): the rubric's format and its errors at FILE:LINE:COLUMN,
 * the points it gives, the scores, the summary, the graders' formats checked by a JSON parser and an XML checker
 * of this file's own (Gradescope's required keys and types, JUnit's elements and counts; any bytes in, valid
 * UTF-8 out), and each hint: where its pattern is, and not where it is not. */
#include "hack/grade_report.h"
#include "test_support.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- an independent JSON parser: syntax, UTF-8 of strings, the values, for looking keys up ---- */

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_type;

typedef struct json {
    json_type type;
    double number;
    bool boolean;
    char *string;      /* J_STRING: decoded, UTF-8 */
    struct json *items; /* J_ARRAY, J_OBJECT */
    char **keys;        /* J_OBJECT */
    size_t count;
} json;

static void json_free(json *v)
{
    free(v->string);
    for (size_t i = 0; i < v->count; i++) {
        json_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') (*p)++;
}

/* A code point's UTF-8, appended. */
static void put_utf8(char *out, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | cp >> 6);
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | cp >> 12);
        out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | cp >> 18);
        out[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Decodes one UTF-8 character at p into *cp: its length, 0 when not valid (overlong, surrogate, past U+10FFFF). */
static size_t decode_utf8(const unsigned char *p, unsigned *cp)
{
    size_t n;
    unsigned v, min;
    if (p[0] < 0x80) return *cp = p[0], 1;
    if ((p[0] & 0xE0) == 0xC0) n = 2, v = p[0] & 0x1F, min = 0x80;
    else if ((p[0] & 0xF0) == 0xE0) n = 3, v = p[0] & 0x0F, min = 0x800;
    else if ((p[0] & 0xF8) == 0xF0) n = 4, v = p[0] & 0x07, min = 0x10000;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

static bool parse_value(const char **p, json *v);

static bool parse_string(const char **p, char **out)
{
    if (**p != '"') return false;
    (*p)++;
    size_t cap = strlen(*p) * 4 + 4, n = 0;
    char *s = malloc(cap);
    for (;;) {
        const unsigned char c = (unsigned char)**p;
        if (c == '"') break;
        if (c < 0x20) { /* the end, or a raw control character: not JSON */
            free(s);
            return false;
        }
        if (c == '\\') {
            const char e = (*p)[1];
            *p += 2;
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                s[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            } else if (e == 'u') {
                unsigned cp = 0;
                for (int i = 0; i < 4; i++) {
                    const char h = (*p)[i];
                    if (!strchr("0123456789abcdefABCDEF", h) || !h) {
                        free(s);
                        return false;
                    }
                    cp = cp * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                *p += 4;
                if (cp >= 0xD800 && cp <= 0xDFFF) { /* (no surrogate pair comes from the module) */
                    free(s);
                    return false;
                }
                put_utf8(s, &n, cp);
            } else {
                free(s);
                return false;
            }
            continue;
        }
        unsigned cp;
        const size_t length = decode_utf8((const unsigned char *)*p, &cp);
        if (!length) {
            free(s);
            return false;
        }
        memcpy(s + n, *p, length);
        n += length;
        *p += length;
    }
    (*p)++;
    s[n] = '\0';
    *out = s;
    return true;
}

static bool parse_value(const char **p, json *v)
{
    memset(v, 0, sizeof *v);
    skip_space(p);
    const char c = **p;
    if (c == '{' || c == '[') {
        const bool object = c == '{';
        v->type = object ? J_OBJECT : J_ARRAY;
        (*p)++;
        skip_space(p);
        if (**p == (object ? '}' : ']')) {
            (*p)++;
            return true;
        }
        for (;;) {
            v->items = realloc(v->items, (v->count + 1) * sizeof *v->items);
            if (object) {
                v->keys = realloc(v->keys, (v->count + 1) * sizeof *v->keys);
                skip_space(p);
                if (!parse_string(p, &v->keys[v->count])) return false;
                skip_space(p);
                if (*(*p)++ != ':') {
                    free(v->keys[v->count]);
                    return false;
                }
            }
            if (!parse_value(p, &v->items[v->count])) {
                if (object) free(v->keys[v->count]);
                json_free(&v->items[v->count]);
                return false;
            }
            v->count++;
            skip_space(p);
            if (**p == ',') {
                (*p)++;
                continue;
            }
            if (**p == (object ? '}' : ']')) {
                (*p)++;
                return true;
            }
            return false;
        }
    }
    if (c == '"') {
        v->type = J_STRING;
        return parse_string(p, &v->string);
    }
    if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "false", 5) == 0) {
        v->type = J_BOOL;
        v->boolean = c == 't';
        *p += v->boolean ? 4 : 5;
        return true;
    }
    if (strncmp(*p, "null", 4) == 0) {
        *p += 4;
        return true;
    }
    /* a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    const char *start = *p;
    if (**p == '-') (*p)++;
    if (**p == '0') (*p)++;
    else if (**p >= '1' && **p <= '9') while (**p >= '0' && **p <= '9') (*p)++;
    else return false;
    if (**p == '.') {
        (*p)++;
        if (!(**p >= '0' && **p <= '9')) return false;
        while (**p >= '0' && **p <= '9') (*p)++;
    }
    if (**p == 'e' || **p == 'E') {
        (*p)++;
        if (**p == '+' || **p == '-') (*p)++;
        if (!(**p >= '0' && **p <= '9')) return false;
        while (**p >= '0' && **p <= '9') (*p)++;
    }
    v->type = J_NUMBER;
    v->number = strtod(start, NULL);
    return true;
}

/* The whole text as one JSON value (false: not JSON). */
static bool parse_json(const char *text, json *v)
{
    const char *p = text;
    if (!parse_value(&p, v)) {
        json_free(v);
        return false;
    }
    skip_space(&p);
    if (*p) {
        json_free(v);
        return false;
    }
    return true;
}

static const json *key(const json *object, const char *name)
{
    if (object->type != J_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->keys[i], name) == 0) return &object->items[i];
    return NULL;
}

/* ---- an independent XML checker: well-formed (UTF-8, characters XML allows, tags nested, attributes quoted,
 * entities known), and how many of each element ---- */

static bool xml_entity(const char **p)
{
    static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(*p, names[i], strlen(names[i])) == 0) {
            *p += strlen(names[i]);
            return true;
        }
    if ((*p)[1] != '#') return false;
    const char *q = *p + 2;
    const bool hex = *q == 'x';
    if (hex) q++;
    unsigned long cp = strtoul(q, (char **)&q, hex ? 16 : 10);
    if (*q != ';' || !(cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                       (cp >= 0x10000 && cp <= 0x10FFFF)))
        return false;
    *p = q + 1;
    return true;
}

static bool xml_name(const char **p, char *name, size_t size)
{
    size_t n = 0;
    while ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || (**p >= '0' && **p <= '9') || **p == '_' ||
           **p == '-' || **p == ':' || **p == '.') {
        if (n + 1 < size) name[n++] = **p;
        (*p)++;
    }
    name[n] = '\0';
    return n > 0;
}

/* Well-formed, with *count the elements named element. */
static bool xml_well_formed(const char *text, const char *element, size_t *count)
{
    for (const unsigned char *c = (const unsigned char *)text; *c;) {
        unsigned cp;
        const size_t n = decode_utf8(c, &cp);
        if (!n || (cp < 0x20 && cp != 9 && cp != 10 && cp != 13) || cp == 0xFFFE || cp == 0xFFFF) return false;
        c += n;
    }
    const char *p = text;
    if (strncmp(p, "<?xml ", 6) == 0) {
        p = strstr(p, "?>");
        if (!p) return false;
        p += 2;
    }
    char stack[64][64];
    size_t depth = 0, roots = 0;
    *count = 0;
    while (*p) {
        if (*p == '&') {
            if (!xml_entity(&p)) return false;
            continue;
        }
        if (*p == '>') return false; /* (allowed by XML, but the module escapes it: a sign of a bug) */
        if (*p != '<') {
            if (depth == 0 && !(*p == ' ' || *p == '\n')) return false;
            p++;
            continue;
        }
        p++;
        char name[64];
        if (*p == '/') {
            p++;
            if (!xml_name(&p, name, sizeof name) || *p++ != '>' || depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return false;
            depth--;
            continue;
        }
        if (!xml_name(&p, name, sizeof name)) return false;
        if (strcmp(name, element) == 0) (*count)++;
        if (depth == 0) roots++;
        for (;;) {
            const char *before = p;
            while (*p == ' ' || *p == '\n') p++;
            if (*p == '/' && p[1] == '>') {
                p += 2;
                break;
            }
            if (*p == '>') {
                p++;
                if (depth == 64) return false;
                strcpy(stack[depth++], name);
                break;
            }
            char attribute[64];
            if (p == before || !xml_name(&p, attribute, sizeof attribute) || *p++ != '=' || *p++ != '"') return false;
            while (*p != '"') {
                if (!*p || *p == '<') return false;
                if (*p == '&') {
                    if (!xml_entity(&p)) return false;
                } else {
                    p++;
                }
            }
            p++;
        }
    }
    return depth == 0 && roots == 1;
}

/* ---- a grading to show: three students (one a reference row) and four programs ---- */

static hack_grade_program programs[4];
static hack_grade_student students[3];
static hack_bench_result results[3 * 4];

static void make_grading(hack_grade *g)
{
    programs[0] = (hack_grade_program){.name = "Blocks", .group = "Memory"};
    programs[1] = (hack_grade_program){.name = "FullHeap", .group = "Memory"};
    programs[2] = (hack_grade_program){.name = "Merge", .group = "Memory"};
    programs[3] = (hack_grade_program){.name = "SeedPolicy", .group = "Memory", .optional = true};
    students[0] = (hack_grade_student){"ada", "class/ada", false};
    students[1] = (hack_grade_student){"bob", "class/bob", false};
    students[2] = (hack_grade_student){"hackemu native", NULL, true};
    memset(results, 0, sizeof results);
    /* ada passes all but SeedPolicy; bob fails FullHeap and Merge; the reference passes everything */
    results[0 * 4 + 3].verdict = HACK_BENCH_WRONG_RESULT;
    snprintf(results[0 * 4 + 3].detail, sizeof results[0].detail, "FAIL policy: alloc(10) expected 3264 got 3283");
    results[1 * 4 + 1].verdict = HACK_BENCH_NO_PROGRESS;
    snprintf(results[1 * 4 + 1].detail, sizeof results[0].detail, "it spins in <Memory.alloc> & \"more\"");
    snprintf(results[1 * 4 + 1].place, sizeof results[0].place, "Memory.alloc (Memory.jack:37)");
    results[1 * 4 + 2].verdict = HACK_BENCH_NO_MERGING;
    snprintf(results[1 * 4 + 2].detail, sizeof results[0].detail, "Sys.error(6) at merge");
    ck_assert(hack_rubric_apply(NULL, programs, 4, NULL, 0, NULL));
    *g = (hack_grade){students, 3, programs, 4, results, NULL};
}

/* ---- text for the formats ---- */

START_TEST(json_strings_are_valid_utf8_whatever_the_bytes)
{
    hack_strbuf out = {0};
    /* quotes, backslash, a control character, UTF-8 kept (é, an emoji), then bytes that are not UTF-8: a lone
     * continuation byte, a cut sequence, an overlong '/', a surrogate, a byte past U+10FFFF */
    hack_grade_json_string(&out, "a\"b\\c\x01\n\t\r \xC3\xA9 \xF0\x9F\x98\x80 \x80 \xE2\x82 \xC0\xAF \xED\xA0\x80 \xF5\x80\x80\x80");
    json v;
    ck_assert_msg(parse_json(hack_strbuf_text(&out), &v), "not JSON: %s", hack_strbuf_text(&out));
    ck_assert(strncmp(hack_strbuf_text(&out), "\"a\\\"b\\\\c\\u0001\\n\\t\\r ", 20) == 0);
    ck_assert_int_eq(v.type, J_STRING);
    ck_assert_str_eq(v.string, "a\"b\\c\x01\n\t\r \xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
                               "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                               "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    json_free(&v);
    hack_strbuf_free(&out);
}
END_TEST

START_TEST(xml_text_is_well_formed_whatever_the_bytes)
{
    hack_strbuf out = {0};
    hack_strbuf_append(&out, "<a b=\"", 6);
    hack_grade_xml_text(&out, "<&>\"' \x01\x1b \xFF \xEF\xBF\xBF \xC3\xA9\n\t");
    hack_strbuf_append(&out, "\">", 2);
    hack_grade_xml_text(&out, "]]> </a> &amp; \x02");
    hack_strbuf_append(&out, "</a>", 4);
    size_t count;
    ck_assert_msg(xml_well_formed(hack_strbuf_text(&out), "a", &count), "not XML: %s", hack_strbuf_text(&out));
    ck_assert_uint_eq(count, 1);
    ck_assert_ptr_nonnull(strstr(hack_strbuf_text(&out), "&lt;&amp;&gt;&quot;&#39; \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD"
                                                         " \xEF\xBF\xBD \xC3\xA9\n\t"));
    hack_strbuf_free(&out);
}
END_TEST

START_TEST(points_as_text)
{
    char text[64];
    const struct {
        double points;
        const char *text;
    } cases[] = {{10, "10"}, {0, "0"}, {2.5, "2.5"}, {40.0 / 9.0, "4.44"}, {40.0 / 9.0 * 9.0, "40"}, {0.005, "0.01"},
                 {1.0 / 3.0, "0.33"}, {99.999, "100"}, {-0.0, "0"}, {1234567, "1234567"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_grade_points_text(cases[i].points, text, sizeof text);
        ck_assert_str_eq(text, cases[i].text);
    }
}
END_TEST

/* ---- the rubric ---- */

static bool parse(const char *text, hack_rubric *rubric, hack_diag_list *diags)
{
    hack_diag_list_init(diags);
    return hack_rubric_parse(rubric, "grades.rubric", text, strlen(text), diags);
}

START_TEST(rubric_lines)
{
    hack_rubric rubric;
    hack_diag_list diags;
    ck_assert(parse("# points for project 12\n\nBlocks 10   # the basics\r\n  Memory 40\ndefault 2.5\nskip SeedPolicy\n"
                    "Full-Heap.2 0",
                    &rubric, &diags));
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_uint_eq(rubric.count, 5);
    ck_assert_int_eq(rubric.entries[0].kind, HACK_RUBRIC_POINTS);
    ck_assert_str_eq(rubric.entries[0].name, "Blocks");
    ck_assert(rubric.entries[0].points == 10.0);
    ck_assert_int_eq(rubric.entries[0].line, 3);
    ck_assert_int_eq(rubric.entries[1].column, 3);
    ck_assert_int_eq(rubric.entries[2].kind, HACK_RUBRIC_DEFAULT);
    ck_assert(rubric.entries[2].points == 2.5);
    ck_assert_int_eq(rubric.entries[3].kind, HACK_RUBRIC_SKIP);
    ck_assert_str_eq(rubric.entries[3].name, "SeedPolicy");
    ck_assert_str_eq(rubric.entries[4].name, "Full-Heap.2");
    hack_rubric_free(&rubric);
    hack_diag_list_free(&diags);
}
END_TEST

START_TEST(rubric_errors_at_line_and_column)
{
    const struct {
        const char *text;
        int line, column;
        const char *message;
    } cases[] = {
        {"Blocks 10\nMerge\n", 2, 6, "'Merge' needs its points (a number)"},
        {"Blocks ten", 1, 8, "'ten' is not a number of points (such as 10 or 2.5)"},
        {"Blocks -1", 1, 8, "'-1' is not a number of points (such as 10 or 2.5)"},
        {"Blocks 1.", 1, 8, "'1.' is not a number of points (such as 10 or 2.5)"},
        {"  Blocks 10 extra # comment", 1, 13, "unexpected 'extra' after the entry (a '#' starts a comment)"},
        {"@Blocks 1", 1, 1, "expected a program or group name, 'default' or 'skip', not '@'"},
        {"Blo@cks 1", 1, 4, "'@' cannot be part of a name (letters, digits, '_', '-', '.' and '/')"},
        {"\n\nskip", 3, 5, "skip needs the program or group to leave out"},
        {"skip Seed:Policy", 1, 10, "':' cannot be part of a name (letters, digits, '_', '-', '.' and '/')"},
        {"default", 1, 8, "default needs its points (a number)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_rubric rubric;
        hack_diag_list diags;
        ck_assert_msg(!parse(cases[i].text, &rubric, &diags), "%s", cases[i].text);
        ck_assert_uint_eq(diags.count, 1);
        ck_assert_str_eq(diags.items[0].file, "grades.rubric");
        ck_assert_int_eq(diags.items[0].line, cases[i].line);
        ck_assert_int_eq(diags.items[0].column, cases[i].column);
        ck_assert_str_eq(diags.items[0].message, cases[i].message);
        hack_rubric_free(&rubric);
        hack_diag_list_free(&diags);
    }
    /* every bad line is reported, not only the first */
    hack_rubric rubric;
    hack_diag_list diags;
    ck_assert(!parse("Blocks\nMerge 1\nReuse x\n", &rubric, &diags));
    ck_assert_uint_eq(diags.count, 2);
    ck_assert_int_eq(diags.items[1].line, 3);
    ck_assert_uint_eq(rubric.count, 1);
    hack_rubric_free(&rubric);
    hack_diag_list_free(&diags);
}
END_TEST

static hack_grade_program memory_programs[5];

static void five_programs(void)
{
    const char *names[] = {"Blocks", "FullHeap", "Merge", "SeedPolicy", "Policy2"};
    for (size_t i = 0; i < 5; i++)
        memory_programs[i] = (hack_grade_program){.name = names[i], .group = "Memory", .optional = i >= 3};
}

static bool apply(const char *text, hack_diag_list *diags)
{
    hack_rubric rubric;
    five_programs();
    bool ok = parse(text, &rubric, diags);
    static const char *const known[] = {"Stress"};
    ok = ok && hack_rubric_apply(&rubric, memory_programs, 5, known, 1, diags);
    hack_rubric_free(&rubric);
    return ok;
}

START_TEST(rubric_points)
{
    hack_diag_list diags;
    /* no rubric: a point per program that is not optional */
    five_programs();
    ck_assert(hack_rubric_apply(NULL, memory_programs, 5, NULL, 0, NULL));
    for (size_t i = 0; i < 5; i++) {
        ck_assert(memory_programs[i].counted == (i < 3));
        ck_assert(memory_programs[i].points == (i < 3 ? 1.0 : 0.0));
        ck_assert(!memory_programs[i].skipped);
    }
    /* a group's 40: Blocks takes its own 4 out of it, the rest spread over the other counted ones; an optional
     * program named on its own line counts; a skipped one does not; Stress (known, not run) is no error */
    ck_assert(apply("Memory 40\nBlocks 4\nSeedPolicy 2\nskip Policy2\nStress 7\n", &diags));
    ck_assert(memory_programs[0].points == 4.0 && memory_programs[0].counted);
    ck_assert(memory_programs[1].points == 17.0 && memory_programs[2].points == 17.0);
    ck_assert(memory_programs[3].counted && memory_programs[3].points == 2.0);
    ck_assert(memory_programs[4].skipped && !memory_programs[4].counted && memory_programs[4].points == 0.0);
    hack_diag_list_free(&diags);
    /* default */
    ck_assert(apply("default 2.5", &diags));
    ck_assert(memory_programs[1].points == 2.5 && memory_programs[3].points == 0.0 && !memory_programs[3].counted);
    hack_diag_list_free(&diags);
    /* skip a whole group */
    ck_assert(apply("skip Memory", &diags));
    for (size_t i = 0; i < 5; i++) ck_assert(memory_programs[i].skipped && !memory_programs[i].counted);
    hack_diag_list_free(&diags);
}
END_TEST

START_TEST(rubric_names_checked)
{
    const struct {
        const char *text;
        int line, column;
        const char *message;
    } cases[] = {
        {"Blokcs 3", 1, 1, "no test program or group is named 'Blokcs' (did you mean 'Blocks'?)"},
        {"skip Nothing", 1, 6, "no test program or group is named 'Nothing'"},
        {"Blocks 1\nBlocks 2", 2, 1, "'Blocks' is given again (line 1 gave it)"},
        {"skip Merge\nMerge 2", 2, 1, "'Merge' is both skipped and given points (line 1)"},
        {"default 1\ndefault 2", 2, 1, "default is given again (line 1 gave it)"},
        {"Memory 5\nBlocks 3\nMerge 3", 1, 8, "Memory is worth 5, but its programs' own lines already give 6"},
        {"skip Memory\n\nBlocks 3", 3, 1, "'Blocks' is given points, but its group Memory is skipped (line 1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_diag_list diags;
        ck_assert_msg(!apply(cases[i].text, &diags), "%s", cases[i].text);
        ck_assert_uint_eq(diags.count, 1);
        ck_assert_int_eq(diags.items[0].line, cases[i].line);
        ck_assert_int_eq(diags.items[0].column, cases[i].column);
        ck_assert_str_eq(diags.items[0].message, cases[i].message);
        ck_assert_ptr_nonnull(diags.items[0].source_line); /* the line is quoted */
        hack_diag_list_free(&diags);
    }
}
END_TEST

/* ---- scores, summary, records ---- */

START_TEST(scores)
{
    hack_grade g;
    make_grading(&g);
    hack_grade_score s = hack_grade_student_score(&g, 0);
    ck_assert(s.score == 3.0 && s.max_score == 3.0 && s.passed == 3 && s.counted == 3); /* SeedPolicy not counted */
    s = hack_grade_student_score(&g, 1);
    ck_assert(s.score == 1.0 && s.max_score == 3.0 && s.passed == 1);
}
END_TEST

START_TEST(summary_text_and_json)
{
    hack_grade g;
    make_grading(&g);
    hack_strbuf out = {0};
    hack_grade_summary(&g, HACK_GRADE_TEXT, &out);
    const char *t = hack_strbuf_text(&out);
    ck_assert_msg(strstr(t, "class summary: 2 students, 4 programs\n"), "%s", t); /* the reference row not counted */
    ck_assert_msg(strstr(t, "Memory.Blocks        2/2    pass  (1 point)\n"), "%s", t);
    ck_assert_msg(strstr(t, "Memory.FullHeap      1/2    pass"), "%s", t);
    ck_assert_msg(strstr(t, "Memory.SeedPolicy    1/2    pass  (optional, not counted)\n"), "%s", t);
    ck_assert_msg(strstr(t, "no progress                              1: bob\n"), "%s", t);
    ck_assert_msg(!strstr(t, "wrong result"), "%s", t); /* ada's optional failure is no failure kind */
    ck_assert_msg(strstr(t, "scores (of 3): mean 2, median 2, lowest 1, highest 3\n"), "%s", t);
    hack_strbuf_reset(&out);
    hack_grade_summary(&g, HACK_GRADE_JSON, &out);
    json v;
    ck_assert_msg(parse_json(hack_strbuf_text(&out), &v), "%s", hack_strbuf_text(&out));
    ck_assert(key(&v, "students")->number == 2);
    const json *p = key(&v, "programs");
    ck_assert(p && p->type == J_ARRAY && p->count == 4);
    ck_assert_str_eq(key(&p->items[1], "name")->string, "FullHeap");
    ck_assert(key(&p->items[1], "passed")->number == 1);
    const json *f = key(&v, "failures");
    ck_assert(f && f->count == 2); /* no progress, no merging: bob each */
    ck_assert_str_eq(key(&f->items[0], "students")->items[0].string, "bob");
    const json *s = key(&v, "scores");
    ck_assert(s && s->count == 2 && key(&s->items[1], "score")->number == 1);
    json_free(&v);
    /* CSV: the header, then a line per program, failure kind and student */
    hack_strbuf_reset(&out);
    hack_grade_summary(&g, HACK_GRADE_CSV, &out);
    t = hack_strbuf_text(&out);
    ck_assert(strncmp(t, HACK_GRADE_SUMMARY_CSV_HEADER "\n", strlen(HACK_GRADE_SUMMARY_CSV_HEADER) + 1) == 0);
    size_t lines = 0;
    for (const char *c = t; *c; c++) lines += *c == '\n';
    ck_assert_uint_eq(lines, 1 + 4 + 2 + 2);
    ck_assert_msg(strstr(t, "\"score\",\"class/bob\",\"\",1,3,\"\"\n"), "%s", t);
    /* HTML: links to each student's section */
    hack_strbuf_reset(&out);
    hack_grade_summary(&g, HACK_GRADE_HTML, &out);
    ck_assert(strstr(hack_strbuf_text(&out), "<a href=\"#row1\">bob</a>"));
    hack_strbuf_free(&out);
}
END_TEST

/* A class a student did not hand in: a program's passes are of the students who have its class, the others said
 * apart (not "0/12 pass" for a class only 3 wrote) */
START_TEST(summary_without_the_class)
{
    hack_grade g;
    make_grading(&g);
    results[1 * 4 + 0].verdict = HACK_BENCH_MISSING_CLASS; /* bob has no Memory for Blocks */
    hack_strbuf out = {0};
    hack_grade_summary(&g, HACK_GRADE_TEXT, &out);
    const char *t = hack_strbuf_text(&out);
    ck_assert_msg(strstr(t, "Memory.Blocks        1/1    pass  (1 point; 1 without the class)\n"), "%s", t);
    ck_assert_msg(strstr(t, "Memory.Merge         1/2    pass  (1 point)\n"), "%s", t);
    hack_strbuf_reset(&out);
    hack_grade_summary(&g, HACK_GRADE_JSON, &out);
    json v;
    ck_assert_msg(parse_json(hack_strbuf_text(&out), &v), "%s", hack_strbuf_text(&out));
    const json *p = key(&v, "programs");
    ck_assert(key(&p->items[0], "passed")->number == 1 && key(&p->items[0], "with_class")->number == 1);
    ck_assert(key(&p->items[2], "with_class")->number == 2);
    json_free(&v);
    hack_strbuf_reset(&out);
    hack_grade_summary(&g, HACK_GRADE_HTML, &out);
    ck_assert(strstr(hack_strbuf_text(&out), " 1/1 (1 without the class)</td>"));
    hack_strbuf_free(&out);
}
END_TEST

/* CSV fields, quotes doubled inside quoted fields. */
static size_t csv_fields(const char *line)
{
    size_t n = 1;
    bool quoted = false;
    for (const char *c = line; *c; c++) {
        if (*c == '"') quoted = !quoted;
        else if (*c == ',' && !quoted) n++;
    }
    return n;
}

START_TEST(records)
{
    hack_grade g;
    make_grading(&g);
    const char *hints[12] = {0};
    hints[1 * 4 + 1] = "a hint, with \"quotes\"";
    g.hints = hints;
    hack_strbuf out = {0};
    hack_grade_record(&g, HACK_GRADE_CSV, 1, 1, &out);
    ck_assert_uint_eq(csv_fields(hack_strbuf_text(&out)), csv_fields(HACK_GRADE_CSV_HEADER));
    ck_assert_msg(strstr(hack_strbuf_text(&out), ",\"Memory\",0,1,1,3,\"a hint, with \"\"quotes\"\"\""), "%s",
                  hack_strbuf_text(&out));
    hack_strbuf_reset(&out);
    hack_grade_record(&g, HACK_GRADE_JSON, 0, 0, &out);
    json v;
    ck_assert_msg(parse_json(hack_strbuf_text(&out), &v), "%s", hack_strbuf_text(&out));
    ck_assert_str_eq(key(&v, "folder")->string, "class/ada");
    ck_assert_str_eq(key(&v, "verdict")->string, "pass");
    ck_assert_str_eq(key(&v, "group")->string, "Memory");
    ck_assert(key(&v, "points")->number == 1 && key(&v, "max_points")->number == 1);
    ck_assert(key(&v, "score")->number == 3 && key(&v, "max_score")->number == 3);
    ck_assert_str_eq(key(&v, "hint")->string, "");
    json_free(&v);
    hack_strbuf_free(&out);
}
END_TEST

/* ---- the graders' formats ---- */

START_TEST(gradescope_schema)
{
    hack_grade g;
    make_grading(&g);
    students[1].folder = "class/b\xF6" "b"; /* a Latin-1 name: not UTF-8 */
    const char *hints[12] = {0};
    hints[1 * 4 + 1] = "look at line 37";
    g.hints = hints;
    programs[2].skipped = true; /* Merge left out by a rubric */
    programs[2].counted = false;
    programs[2].points = 0;
    hack_strbuf out = {0};
    hack_grade_gradescope(&g, 1, &out);
    json v;
    ck_assert_msg(parse_json(hack_strbuf_text(&out), &v), "not JSON: %s", hack_strbuf_text(&out));
    ck_assert_int_eq(v.type, J_OBJECT);
    const json *score = key(&v, "score"), *tests = key(&v, "tests"), *output = key(&v, "output");
    ck_assert(score && score->type == J_NUMBER && score->number == 1.0);
    ck_assert(output && output->type == J_STRING);
    ck_assert(tests && tests->type == J_ARRAY && tests->count == 3); /* Merge skipped: no test */
    double sum = 0;
    for (size_t i = 0; i < tests->count; i++) {
        const json *t = &tests->items[i];
        const json *name = key(t, "name"), *s = key(t, "score"), *max = key(t, "max_score"),
                   *status = key(t, "status"), *text = key(t, "output");
        ck_assert(name && name->type == J_STRING);
        ck_assert(s && s->type == J_NUMBER && max && max->type == J_NUMBER && s->number <= max->number);
        ck_assert(status && status->type == J_STRING &&
                  (strcmp(status->string, "passed") == 0 || strcmp(status->string, "failed") == 0));
        ck_assert(text && text->type == J_STRING);
        sum += s->number;
    }
    ck_assert(sum == score->number);
    ck_assert_str_eq(key(&tests->items[0], "name")->string, "Memory.Blocks");
    ck_assert_str_eq(key(&tests->items[1], "status")->string, "failed");
    ck_assert_str_eq(key(&tests->items[1], "output")->string, "no progress: it spins in <Memory.alloc> & \"more\" at "
                                                              "Memory.alloc (Memory.jack:37)\nhint: look at line 37");
    ck_assert(key(&tests->items[2], "max_score")->number == 0); /* the optional SeedPolicy: not counted */
    ck_assert_str_eq(key(key(&v, "extra_data"), "student")->string, "class/b\xEF\xBF\xBD" "b");
    json_free(&v);
    hack_strbuf_free(&out);
    students[1].folder = "class/bob";
}
END_TEST

START_TEST(junit_xml)
{
    hack_grade g;
    make_grading(&g);
    students[0].name = "a\x01<d>a\xFF"; /* any bytes in a name */
    hack_strbuf out = {0};
    hack_grade_junit(&g, &out);
    const char *x = hack_strbuf_text(&out);
    size_t n;
    ck_assert_msg(xml_well_formed(x, "testcase", &n), "not XML: %s", x);
    ck_assert_uint_eq(n, 2 * 4); /* two students (no reference row), four programs */
    ck_assert(xml_well_formed(x, "testsuite", &n) && n == 2);
    ck_assert(xml_well_formed(x, "failure", &n) && n == 2);  /* bob's FullHeap and Merge */
    ck_assert(xml_well_formed(x, "skipped", &n) && n == 1);  /* ada's optional SeedPolicy, failed */
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ";
    ck_assert(strncmp(x, head, strlen(head)) == 0);
    ck_assert_msg(strstr(x, "tests=\"8\" failures=\"2\" errors=\"0\" skipped=\"1\""), "%s", x);
    ck_assert_msg(strstr(x, "<testcase name=\"FullHeap\" classname=\"Memory\">\n      <failure message=\"no progress\" "
                            "type=\"LOOP\">no progress: it spins in &lt;Memory.alloc&gt; &amp; &quot;more&quot; at "
                            "Memory.alloc (Memory.jack:37)</failure>"),
                  "%s", x);
    ck_assert_msg(strstr(x, "<property name=\"score\" value=\"1\"/>"), "%s", x);
    hack_strbuf_free(&out);
    students[0].name = "ada";
}
END_TEST

/* ---- hints ---- */

/* A result whose verdict is about a block: what alloc returned (or the word written) and the block's first and
 * last words, as the bench keeps them; its detail left empty. */
static bool block_hint(hack_bench_verdict verdict, uint16_t address, uint32_t first, uint32_t last, hack_strbuf *out)
{
    hack_bench_result r = {.verdict = verdict, .block_known = true, .address = address, .block_first = first,
                           .block_last = last};
    hack_strbuf_reset(out);
    return hack_grade_result_hint(&r, out);
}

START_TEST(hints_from_results)
{
    hack_strbuf out = {0};
    /* an offset: a small number, the block far below the heap (alloc(16) returned 1: the block 1..16) */
    ck_assert(block_hint(HACK_BENCH_OUTSIDE_HEAP, 1, 1, 16, &out));
    ck_assert_str_eq(hack_strbuf_text(&out), "alloc returned 1, far below the heap (2048..16383): an offset into the heap "
                                             "rather than an address? Return the heap's base plus the offset");
    /* a block that reaches into the heap from below is no offset; nor one past its end by more than a word */
    ck_assert(!block_hint(HACK_BENCH_OUTSIDE_HEAP, 2033, 2033, 2051, &out));
    ck_assert(!block_hint(HACK_BENCH_OUTSIDE_HEAP, 16468, 16468, 16483, &out));
    /* 0 is no offset (and no block) */
    ck_assert(!block_hint(HACK_BENCH_OUTSIDE_HEAP, 0, 0, 15, &out));
    /* one word past the heap */
    ck_assert(block_hint(HACK_BENCH_OUTSIDE_HEAP, 16369, 16369, 16384, &out));
    ck_assert(strstr(hack_strbuf_text(&out), "the block ends at 16384, one word past the heap's last word (16383)"));
    /* the allocator's header in word 0 of a block it handed out (RAM[16368] in 16368..16383); not another word */
    ck_assert(block_hint(HACK_BENCH_CORRUPTS, 16368, 16368, 16383, &out));
    ck_assert(strstr(hack_strbuf_text(&out), "the allocator wrote into word 0 of a block it had handed out"));
    ck_assert(!block_hint(HACK_BENCH_CORRUPTS, 3233, 3216, 3234, &out));
    /* the same numbers under another verdict say nothing */
    ck_assert(!block_hint(HACK_BENCH_WRONG_RESULT, 1, 1, 16, &out));
    ck_assert(!block_hint(HACK_BENCH_PASS, 16368, 16368, 16383, &out));
    hack_strbuf_free(&out);
}
END_TEST

/* The hints decide by the block's numbers, never by the detail's words (which a failed check's message, the test
 * program's own text, could echo): a detail that reads like a finding, with no block known, gives none. */
START_TEST(hints_ignore_the_details_words)
{
    hack_strbuf out = {0};
    static const struct {
        hack_bench_verdict verdict;
        const char *detail;
    } cases[] = {
        {HACK_BENCH_OUTSIDE_HEAP, "Memory.alloc(16) returned 1: the block 1..16 is not inside the heap"},
        {HACK_BENCH_OUTSIDE_HEAP, "Memory.alloc(16) returned 16369: the block 16369..16384 is not inside the heap"},
        {HACK_BENCH_CORRUPTS, "during Memory.alloc(17): RAM[16368], word 0 of the block 16368..16383, which the "
                              "program owns"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hack_bench_result r = {.verdict = cases[i].verdict};
        snprintf(r.detail, sizeof r.detail, "%s", cases[i].detail);
        hack_strbuf_reset(&out);
        ck_assert_msg(!hack_grade_result_hint(&r, &out), "a hint from the words of \"%s\": %s", cases[i].detail,
                      hack_strbuf_text(&out));
    }
    hack_strbuf_free(&out);
}
END_TEST

static size_t scan(const char *source, hack_strbuf *out)
{
    hack_strbuf_reset(out);
    return hack_grade_precedence_scan("Memory.jack", source, strlen(source), 3, out);
}

START_TEST(precedence_found)
{
    hack_strbuf out = {0};
    ck_assert_uint_eq(scan("class Memory {\n  function int alloc(int size) {\n    if (seg[0] > size + 3) {", &out), 1);
    ck_assert_str_eq(hack_strbuf_text(&out), "Memory.jack:3: `seg[0] > size + 3` is read as `(seg[0] > size) + 3`: Jack "
                                             "has no operator precedence (left to right); write `seg[0] > (size + 3)`");
    ck_assert_uint_eq(scan("while (x < size + 2) { }", &out), 1);
    ck_assert(strstr(hack_strbuf_text(&out), "`(x < size) + 2`"));
    /* in a let, after its assignment; in a return; in a call's argument; across lines */
    ck_assert_uint_eq(scan("let a = b = c + 1;", &out), 1);
    ck_assert(strstr(hack_strbuf_text(&out), "`b = c + 1` is read as `(b = c) + 1`"));
    ck_assert_uint_eq(scan("return x < y * 2;", &out), 1);
    ck_assert_uint_eq(scan("do f(a, x > y -\n 1);", &out), 1);
    ck_assert_msg(strstr(hack_strbuf_text(&out), "Memory.jack:1: `x > y - 1` is read as `(x > y) - 1`"), "%s",
                  hack_strbuf_text(&out));
    ck_assert_uint_eq(scan("let a[i] = (p < q / 2);", &out), 1);
    /* more than max: counted */
    ck_assert_uint_eq(scan("let a = x<y+1; let b = x<y+1; let c = x<y+1; let d = x<y+1; let e = x<y+1;", &out), 5);
    ck_assert_msg(strstr(hack_strbuf_text(&out), "; and 2 more"), "%s", hack_strbuf_text(&out));
    hack_strbuf_free(&out);
}
END_TEST

START_TEST(precedence_not_found)
{
    hack_strbuf out = {0};
    const char *clean[] = {
        "let x = y + 1;",                        /* the assignment's '=' */
        "let a[i + 1] = b - 2;",                 /* an index before it */
        "if (x < (size + 2)) {}",                /* parenthesised */
        "if (x < -1) {}",                        /* a unary minus */
        "if (x + 1 < y) {}",                     /* arithmetic before the comparison is right */
        "if ((x < y) + 1) {}",                   /* the comparison in parentheses */
        "// if (x < y + 1)\n/* x < y + 1\n */",  /* comments */
        "do Output.printString(\"x < y + 1\");", /* a string */
        "do f(x < y, z + 1);",                   /* separate arguments */
        "if (~(x < y) & (z = 1)) { let z = z + 1; }",
        "let b = a[x < y] + 1;",                 /* inside brackets: its own level */
        "if (x < y) { let z = 1 + 2; }",
    };
    for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++)
        ck_assert_msg(scan(clean[i], &out) == 0, "%s: %s", clean[i], hack_strbuf_text(&out));
    /* line numbers count the lines of comments */
    ck_assert_uint_eq(scan("/* one\ntwo */\n// three\nlet a = x = y + 1;", &out), 1);
    ck_assert(strncmp(hack_strbuf_text(&out), "Memory.jack:4: ", 15) == 0);
    /* nested too deep, unbalanced, cut short: no crash, nothing made up */
    char deep[2000];
    memset(deep, '(', 600);
    strcpy(deep + 600, "x < y + 1");
    ck_assert_uint_eq(scan(deep, &out), 0);
    ck_assert_uint_eq(scan(")))] x < y", &out), 0);
    ck_assert_uint_eq(scan("if (x < y +", &out), 0);
    hack_strbuf_free(&out);
}
END_TEST

START_TEST(hints_of_a_grading)
{
    /* the planted precedence bug of tests/memory_bench/precedence: its failures get the hint, its passes none */
    hack_grade_program two[2] = {{.name = "Blocks", .group = "Memory"}, {.name = "FullHeap", .group = "Memory"}};
    hack_grade_student who[2] = {{"precedence", MEMORY_BENCH_DIR "/precedence", false}, {"hackemu native", NULL, true}};
    hack_bench_result r[4] = {{.verdict = HACK_BENCH_PASS}, {.verdict = HACK_BENCH_FULL_HEAP},
                              {.verdict = HACK_BENCH_PASS}, {.verdict = HACK_BENCH_NO_PROGRESS}};
    const hack_grade g = {who, 2, two, 2, r, NULL};
    char **hints = hack_grade_find_hints(&g);
    ck_assert_ptr_nonnull(hints);
    ck_assert_ptr_null(hints[0]);
    ck_assert_ptr_nonnull(hints[1]);
    ck_assert_msg(strncmp(hints[1], "Memory.jack:32: `seg[0] > size + 3`", 35) == 0, "%s", hints[1]);
    ck_assert_ptr_null(hints[2]);
    ck_assert_ptr_null(hints[3]); /* hackemu's own Memory: no folder, no file */
    hack_grade_free_hints(hints, 4);
    /* the correct first fit: nothing found */
    who[0].folder = MEMORY_BENCH_DIR "/firstfit";
    hints = hack_grade_find_hints(&g);
    ck_assert_ptr_null(hints[1]);
    hack_grade_free_hints(hints, 4);
}
END_TEST

/* The bench shows a heap finding's facts, as the heap check put them in its headline (the finding's own words,
 * which the verdict's name says, left out), and a finding that does not count as a note, its headline whole. */
START_TEST(the_bench_shows_a_findings_facts)
{
    const hack_bench_options options = {.memory = HACK_BENCH_STUDENT};
    hack_bench_result r = {0};
    hack_bench_run(MEMORY_BENCH_DIR "/clobber", OS_TESTS_DIR "/Memory/Blocks", &options, &r);
    ck_assert_int_eq(r.verdict, HACK_BENCH_CORRUPTS);
    ck_assert_str_eq(r.detail, "during Memory.alloc(17): RAM[16368], word 0 of the block 16368..16383, which the "
                               "program owns");
    ck_assert_str_eq(r.place, "Memory.alloc (Memory.jack:29)");
    hack_bench_result_free(&r);

    r = (hack_bench_result){0};
    hack_bench_run(MEMORY_BENCH_DIR "/initarray", OS_TESTS_DIR "/Memory/Blocks", &options, &r);
    ck_assert_int_eq(r.verdict, HACK_BENCH_PASS);
    ck_assert_str_eq(r.note, "in Memory.init, before the heap was set up: Memory.alloc(1) returned 0, not a block "
                             "(14336 words in no live block, the longest run 14336) at Memory.init (Memory.jack:10)");
    hack_bench_result_free(&r);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("grade_report");
    TCase *tc = tcase_create("grade_report");
    tcase_add_test(tc, json_strings_are_valid_utf8_whatever_the_bytes);
    tcase_add_test(tc, xml_text_is_well_formed_whatever_the_bytes);
    tcase_add_test(tc, points_as_text);
    tcase_add_test(tc, rubric_lines);
    tcase_add_test(tc, rubric_errors_at_line_and_column);
    tcase_add_test(tc, rubric_points);
    tcase_add_test(tc, rubric_names_checked);
    tcase_add_test(tc, scores);
    tcase_add_test(tc, summary_text_and_json);
    tcase_add_test(tc, summary_without_the_class);
    tcase_add_test(tc, records);
    tcase_add_test(tc, gradescope_schema);
    tcase_add_test(tc, junit_xml);
    tcase_add_test(tc, hints_from_results);
    tcase_add_test(tc, hints_ignore_the_details_words);
    tcase_add_test(tc, the_bench_shows_a_findings_facts);
    tcase_add_test(tc, precedence_found);
    tcase_add_test(tc, precedence_not_found);
    tcase_add_test(tc, hints_of_a_grading);
    suite_add_tcase(suite, tc);
    return suite;
}
