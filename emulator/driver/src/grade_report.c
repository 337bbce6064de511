/* A teacher's view of a grading: rubric, scores, class summary, Gradescope and JUnit, root-cause hints
 * (hack/grade_report.h). */
#include "hack/grade_report.h"

#include "hack/suggest.h"
#include "hack/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A program as the summary and Gradescope name it: "Memory.Blocks" (its group, then its name), or its name alone
 * when that names its group already ("Math/Divide", as --test-os names programs). */
static void shown_name(const hack_grade_program *program, char *buf, size_t size)
{
    const size_t n = strlen(program->group);
    if (strncmp(program->name, program->group, n) == 0 && program->name[n] == '/')
        snprintf(buf, size, "%.400s", program->name);
    else
        snprintf(buf, size, "%.200s.%.200s", program->group, program->name);
}
/* ---- text for the formats ---- */

/* The length of a whole UTF-8 sequence at p (its shortest form, no surrogate, at most U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *p)
{
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
#define CONT(x) (((x) & 0xC0) == 0x80)
    if (c >= 0xC2 && c <= 0xDF) return CONT(p[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return p[1] >= lo && p[1] <= hi && CONT(p[2]) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return p[1] >= lo && p[1] <= hi && CONT(p[2]) && CONT(p[3]) ? 4 : 0;
    }
#undef CONT
    return 0;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void hack_grade_json_string(hack_strbuf *out, const char *text)
{
    hack_strbuf_append_char(out, '"');
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        const size_t n = utf8_length(p);
        if (n == 0) {
            hack_strbuf_append(out, "\\ufffd", 6);
            p++;
        } else if (*p == '"' || *p == '\\') {
            hack_strbuf_appendf(out, "\\%c", *p);
            p++;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            hack_strbuf_appendf(out, "\\%c", *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r');
            p++;
        } else if (*p < 0x20) {
            hack_strbuf_appendf(out, "\\u%04x", *p);
            p++;
        } else {
            hack_strbuf_append(out, (const char *)p, n);
            p += n;
        }
    }
    hack_strbuf_append_char(out, '"');
}

void hack_grade_xml_text(hack_strbuf *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        const size_t n = utf8_length(p);
        /* XML 1.0 has no U+FFFE, U+FFFF, and no control character but tab, newline and carriage return */
        const bool noncharacter = n == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
        if (n == 0 || noncharacter || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')) {
            hack_strbuf_append(out, replacement, 3);
            p += n ? n : 1;
            continue;
        }
        switch (*p) {
        case '&': hack_strbuf_append(out, "&amp;", 5); break;
        case '<': hack_strbuf_append(out, "&lt;", 4); break;
        case '>': hack_strbuf_append(out, "&gt;", 4); break;
        case '"': hack_strbuf_append(out, "&quot;", 6); break;
        case '\'': hack_strbuf_append(out, "&#39;", 5); break;
        case '\r': hack_strbuf_append(out, "&#13;", 5); break; /* (a parser would make it a newline) */
        default: hack_strbuf_append(out, (const char *)p, n);
        }
        p += n;
    }
}

static void csv_field(hack_strbuf *out, const char *text)
{
    hack_strbuf_append_char(out, '"');
    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == '"') hack_strbuf_append_char(out, '"');
        hack_strbuf_append_char(out, *c == '\n' || *c == '\r' ? ' ' : *c);
    }
    hack_strbuf_append_char(out, '"');
}

void hack_grade_points_text(double points, char *buf, size_t size)
{
    if (!size) return;
    if (points != points || points > 1e15 || points < -1e15) points = 0.0; /* (never, from a rubric's numbers) */
    const long long hundredths = (long long)(points * 100.0 + (points < 0 ? -0.5 : 0.5));
    const long long magnitude = hundredths < 0 ? -hundredths : hundredths;
    const char *sign = hundredths < 0 ? "-" : "";
    if (magnitude % 100 == 0)
        snprintf(buf, size, "%s%lld", sign, magnitude / 100);
    else if (magnitude % 10 == 0)
        snprintf(buf, size, "%s%lld.%lld", sign, magnitude / 100, magnitude % 100 / 10);
    else
        snprintf(buf, size, "%s%lld.%02lld", sign, magnitude / 100, magnitude % 100);
}

static void append_points(hack_strbuf *out, double points)
{
    char text[64];
    hack_grade_points_text(points, text, sizeof text);
    hack_strbuf_append(out, text, strlen(text));
}

/* ---- the rubric ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '/'; /* (--test-os names a program with its class: "Math/Divide") */
}

/* A number of points: digits, then at most one '.' and more digits. */
static bool parse_points(const char *word, size_t length, double *points)
{
    size_t i = 0, digits = 0;
    while (i < length && word[i] >= '0' && word[i] <= '9') i++, digits++;
    if (digits && i < length && word[i] == '.') {
        i++;
        const size_t whole = digits;
        while (i < length && word[i] >= '0' && word[i] <= '9') i++, digits++;
        if (digits == whole) return false; /* "1." */
    }
    if (i != length || digits == 0 || length > 20) return false;
    char text[32];
    memcpy(text, word, length);
    text[length] = '\0';
    *points = strtod(text, NULL);
    return *points <= 1e6;
}

static bool add_entry(hack_rubric *rubric, hack_rubric_entry entry)
{
    hack_rubric_entry *grown = realloc(rubric->entries, (rubric->count + 1) * sizeof *grown);
    if (!grown) {
        free(entry.name);
        return false;
    }
    rubric->entries = grown;
    rubric->entries[rubric->count++] = entry;
    return true;
}

static char *copy_text(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

bool hack_rubric_parse(hack_rubric *rubric, const char *path, const char *text, size_t length, hack_diag_list *diags)
{
    memset(rubric, 0, sizeof *rubric);
    rubric->path = copy_text(path, strlen(path));
    rubric->text = copy_text(text, length);
    rubric->length = length;
    if (!rubric->path || !rubric->text) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "out of memory");
        return false;
    }
    bool ok = true;
    size_t offset = 0, line_length;
    const char *line;
    for (int number = 1; hack_textfile_next_line(rubric->text, length, &offset, &line, &line_length); number++) {
        size_t i = 0;
#define FAIL_AT(column, ...)                                                                                         \
    do {                                                                                                             \
        hack_diag_add(diags, HACK_DIAG_ERROR, path, number, (int)(column) + 1, line, line_length, __VA_ARGS__);      \
        ok = false;                                                                                                  \
        goto next_line;                                                                                              \
    } while (0)
        while (i < line_length && is_blank(line[i])) i++;
        if (i == line_length || line[i] == '#') continue;
        const size_t first = i;
        while (i < line_length && is_name_char(line[i])) i++;
        const size_t first_length = i - first;
        if (first_length == 0)
            FAIL_AT(first, "expected a program or group name, 'default' or 'skip', not '%c'", line[first]);
        if (i < line_length && !is_blank(line[i]) && line[i] != '#')
            FAIL_AT(i, "'%c' cannot be part of a name (letters, digits, '_', '-', '.' and '/')", line[i]);
        while (i < line_length && is_blank(line[i])) i++;
        const size_t second = i;
        while (i < line_length && !is_blank(line[i]) && line[i] != '#') i++;
        const size_t second_length = i - second;
        while (i < line_length && is_blank(line[i])) i++;
        const bool is_skip = first_length == 4 && memcmp(line + first, "skip", 4) == 0;
        const bool is_default = first_length == 7 && memcmp(line + first, "default", 7) == 0;
        if (second_length == 0) {
            if (is_skip) FAIL_AT(second, "skip needs the program or group to leave out");
            if (is_default) FAIL_AT(second, "default needs its points (a number)");
            FAIL_AT(second, "'%.*s' needs its points (a number)", (int)first_length, line + first);
        }
        if (i < line_length && line[i] != '#')
            FAIL_AT(i, "unexpected '%.*s' after the entry (a '#' starts a comment)", (int)strcspn(line + i, " \t\r#"),
                    line + i);
        hack_rubric_entry entry = {.line = number, .column = (int)first + 1, .value_column = (int)second + 1};
        if (is_skip) {
            for (size_t k = second; k < second + second_length; k++)
                if (!is_name_char(line[k]))
                    FAIL_AT(k, "'%c' cannot be part of a name (letters, digits, '_', '-', '.' and '/')", line[k]);
            entry.kind = HACK_RUBRIC_SKIP;
            entry.name = copy_text(line + second, second_length);
        } else {
            if (!parse_points(line + second, second_length, &entry.points))
                FAIL_AT(second, "'%.*s' is not a number of points (such as 10 or 2.5)", (int)second_length,
                        line + second);
            entry.kind = is_default ? HACK_RUBRIC_DEFAULT : HACK_RUBRIC_POINTS;
            entry.name = is_default ? NULL : copy_text(line + first, first_length);
        }
        if ((entry.kind != HACK_RUBRIC_DEFAULT && !entry.name) || !add_entry(rubric, entry)) {
            hack_diag_add(diags, HACK_DIAG_ERROR, path, number, 0, NULL, 0, "out of memory");
            return false;
        }
    next_line:;
#undef FAIL_AT
    }
    return ok;
}

bool hack_rubric_read(hack_rubric *rubric, const char *path, hack_diag_list *diags)
{
    char *text = NULL;
    size_t length = 0;
    memset(rubric, 0, sizeof *rubric);
    if (!hack_textfile_read(path, &text, &length, diags)) return false;
    const bool ok = hack_rubric_parse(rubric, path, text, length, diags);
    free(text);
    return ok;
}

void hack_rubric_free(hack_rubric *rubric)
{
    for (size_t i = 0; i < rubric->count; i++) free(rubric->entries[i].name);
    free(rubric->entries);
    free(rubric->path);
    free(rubric->text);
    memset(rubric, 0, sizeof *rubric);
}

/* The text of a rubric's line (for the message's quote). */
static void rubric_line(const hack_rubric *rubric, int number, const char **start, size_t *length)
{
    size_t offset = 0;
    *start = NULL;
    *length = 0;
    for (int n = 1; hack_textfile_next_line(rubric->text, rubric->length, &offset, start, length); n++)
        if (n == number) return;
    *start = NULL;
    *length = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void rubric_error(const hack_rubric *rubric, hack_diag_list *diags, int line, int column, const char *format, ...)
{
    const char *text;
    size_t length;
    rubric_line(rubric, line, &text, &length);
    va_list args;
    va_start(args, format);
    hack_diag_addv(diags, HACK_DIAG_ERROR, rubric->path, line, column, text, length, format, args);
    va_end(args);
}

static bool names_program(const hack_grade_program *p, const char *name)
{
    return strcmp(p->name, name) == 0;
}

bool hack_rubric_apply(const hack_rubric *rubric, hack_grade_program *programs, size_t program_count,
                       const char *const *known, size_t known_count, hack_diag_list *diags)
{
    double fallback = 1.0;
    bool ok = true;
    const size_t count = rubric ? rubric->count : 0;
    /* each line's name: a program, a group, or one of known (which then does nothing) */
    enum { UNKNOWN, PROGRAM, GROUP, ELSEWHERE };
    int *what = calloc(count ? count : 1, sizeof *what);
    if (!what) return false;
    const hack_rubric_entry *default_entry = NULL;
    for (size_t e = 0; e < count; e++) {
        const hack_rubric_entry *entry = &rubric->entries[e];
        if (entry->kind == HACK_RUBRIC_DEFAULT) {
            if (default_entry) {
                rubric_error(rubric, diags, entry->line, entry->column, "default is given again (line %d gave it)",
                             default_entry->line);
                ok = false;
            }
            default_entry = entry;
            fallback = entry->points;
            continue;
        }
        for (size_t p = 0; p < program_count && !what[e]; p++)
            if (names_program(&programs[p], entry->name)) what[e] = PROGRAM;
        for (size_t p = 0; p < program_count && !what[e]; p++)
            if (strcmp(programs[p].group, entry->name) == 0) what[e] = GROUP;
        for (size_t k = 0; k < known_count && !what[e]; k++)
            if (strcmp(known[k], entry->name) == 0) what[e] = ELSEWHERE;
        const int column = entry->kind == HACK_RUBRIC_SKIP ? entry->value_column : entry->column;
        if (!what[e]) {
            hack_suggestion suggestion;
            hack_suggest_init(&suggestion, entry->name, strlen(entry->name));
            for (size_t p = 0; p < program_count; p++) {
                hack_suggest_consider(&suggestion, programs[p].name, strlen(programs[p].name));
                hack_suggest_consider(&suggestion, programs[p].group, strlen(programs[p].group));
            }
            for (size_t k = 0; k < known_count; k++) hack_suggest_consider(&suggestion, known[k], strlen(known[k]));
            if (entry->kind == HACK_RUBRIC_POINTS) {
                hack_suggest_consider(&suggestion, "default", 7);
                hack_suggest_consider(&suggestion, "skip", 4);
            }
            size_t length;
            const char *best = hack_suggest_best(&suggestion, &length);
            if (best)
                rubric_error(rubric, diags, entry->line, column,
                             "no test program or group is named '%s' (did you mean '%.*s'?)", entry->name, (int)length,
                             best);
            else
                rubric_error(rubric, diags, entry->line, column, "no test program or group is named '%s'",
                             entry->name);
            ok = false;
            continue;
        }
        for (size_t earlier = 0; earlier < e; earlier++) {
            const hack_rubric_entry *other = &rubric->entries[earlier];
            if (other->kind == HACK_RUBRIC_DEFAULT || strcmp(other->name, entry->name) != 0) continue;
            if (other->kind == entry->kind)
                rubric_error(rubric, diags, entry->line, column, "'%s' is given again (line %d gave it)", entry->name,
                             other->line);
            else
                rubric_error(rubric, diags, entry->line, column, "'%s' is both skipped and given points (line %d)",
                             entry->name, other->line);
            ok = false;
            break;
        }
    }
    /* each program: skipped, its own points, its group's share (below) or the default */
    bool *own = calloc(program_count ? program_count : 1, sizeof *own);
    if (!own) {
        free(what);
        return false;
    }
    for (size_t p = 0; p < program_count; p++) {
        hack_grade_program *program = &programs[p];
        const hack_rubric_entry *skip = NULL, *points = NULL, *group_skip = NULL;
        for (size_t e = 0; e < count; e++) {
            const hack_rubric_entry *entry = &rubric->entries[e];
            if (entry->kind == HACK_RUBRIC_DEFAULT) continue;
            if (what[e] == PROGRAM && names_program(program, entry->name)) {
                if (entry->kind == HACK_RUBRIC_SKIP) skip = entry;
                else points = entry;
            } else if (what[e] == GROUP && entry->kind == HACK_RUBRIC_SKIP && strcmp(program->group, entry->name) == 0) {
                group_skip = entry;
            }
        }
        if (points && group_skip) {
            rubric_error(rubric, diags, points->line, points->column,
                         "'%s' is given points, but its group %s is skipped (line %d)", program->name, program->group,
                         group_skip->line);
            ok = false;
        }
        program->skipped = skip || group_skip;
        program->counted = !program->skipped && (points || !program->optional);
        program->points = !program->counted ? 0.0 : points ? points->points : fallback;
        own[p] = points != NULL;
    }
    /* a group's points: what its programs' own lines leave, spread over its other counted programs */
    for (size_t e = 0; e < count; e++) {
        const hack_rubric_entry *entry = &rubric->entries[e];
        if (what[e] != GROUP || entry->kind != HACK_RUBRIC_POINTS) continue;
        double given = 0.0;
        size_t share = 0;
        for (size_t p = 0; p < program_count; p++) {
            if (strcmp(programs[p].group, entry->name) != 0 || !programs[p].counted) continue;
            if (own[p])
                given += programs[p].points;
            else
                share++;
        }
        if (given > entry->points + 1e-9) {
            char a[64], b[64];
            hack_grade_points_text(entry->points, a, sizeof a);
            hack_grade_points_text(given, b, sizeof b);
            rubric_error(rubric, diags, entry->line, entry->value_column,
                         "%s is worth %s, but its programs' own lines already give %s", entry->name, a, b);
            ok = false;
            continue;
        }
        for (size_t p = 0; p < program_count; p++)
            if (strcmp(programs[p].group, entry->name) == 0 && programs[p].counted && !own[p])
                programs[p].points = (entry->points - given) / (double)share;
    }
    free(own);
    free(what);
    return ok;
}

/* ---- scores ---- */

static const hack_bench_result *result_of(const hack_grade *g, size_t student, size_t program)
{
    return &g->results[student * g->program_count + program];
}

static const char *hint_of(const hack_grade *g, size_t student, size_t program)
{
    return g->hints ? g->hints[student * g->program_count + program] : NULL;
}

static bool passes(const hack_grade *g, size_t student, size_t program)
{
    return result_of(g, student, program)->verdict == HACK_BENCH_PASS;
}

hack_grade_score hack_grade_student_score(const hack_grade *g, size_t student)
{
    hack_grade_score s = {0};
    for (size_t p = 0; p < g->program_count; p++) {
        const hack_grade_program *program = &g->programs[p];
        if (!program->counted) continue;
        s.counted++;
        s.max_score += program->points;
        if (passes(g, student, p)) {
            s.passed++;
            s.score += program->points;
        }
    }
    return s;
}

static const char *student_folder(const hack_grade_student *s)
{
    return s->folder ? s->folder : s->name;
}

/* ---- the class summary ---- */

typedef struct {
    hack_bench_verdict verdict;
    size_t *students; /* indexes */
    size_t count;
} failure_kind;

static int compare_kinds(const void *a, const void *b)
{
    const failure_kind *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return (int)x->verdict - (int)y->verdict;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    size_t students;          /* graded students (not reference rows) */
    size_t *passed;           /* per program */
    size_t *tried;            /* per program: the students who have its class (not MISSING_CLASS) */
    failure_kind kinds[HACK_BENCH_VERDICT_COUNT];
    size_t kind_count;        /* kinds with students, sorted */
    double mean, median, lowest, highest, max_score;
    bool ok;
} summary;

static void summary_free(summary *s)
{
    free(s->passed);
    free(s->tried);
    for (size_t k = 0; k < HACK_BENCH_VERDICT_COUNT; k++) free(s->kinds[k].students);
}

static summary summarize(const hack_grade *g)
{
    summary s = {0};
    s.passed = calloc(g->program_count ? g->program_count : 1, sizeof *s.passed);
    s.tried = calloc(g->program_count ? g->program_count : 1, sizeof *s.tried);
    if (!s.tried) s.passed = (free(s.passed), NULL);
    double *scores = calloc(g->student_count ? g->student_count : 1, sizeof *scores);
    for (size_t k = 0; k < HACK_BENCH_VERDICT_COUNT; k++) {
        s.kinds[k].verdict = (hack_bench_verdict)k;
        s.kinds[k].students = calloc(g->student_count ? g->student_count : 1, sizeof *s.kinds[k].students);
        if (!s.kinds[k].students) s.passed = (free(s.passed), NULL);
    }
    if (!s.passed || !scores) {
        free(scores);
        return s;
    }
    for (size_t st = 0; st < g->student_count; st++) {
        if (g->students[st].reference) continue;
        bool has[HACK_BENCH_VERDICT_COUNT] = {0};
        for (size_t p = 0; p < g->program_count; p++) {
            const hack_bench_verdict v = result_of(g, st, p)->verdict;
            if (v != HACK_BENCH_MISSING_CLASS) s.tried[p]++; /* (a class not handed in: said apart) */
            if (v == HACK_BENCH_PASS) s.passed[p]++;
            else if (g->programs[p].counted && v < HACK_BENCH_VERDICT_COUNT) has[v] = true;
        }
        for (size_t k = 0; k < HACK_BENCH_VERDICT_COUNT; k++)
            if (has[k]) s.kinds[k].students[s.kinds[k].count++] = st;
        const hack_grade_score score = hack_grade_student_score(g, st);
        scores[s.students++] = score.score;
        s.max_score = score.max_score;
    }
    qsort(s.kinds, HACK_BENCH_VERDICT_COUNT, sizeof s.kinds[0], compare_kinds);
    while (s.kind_count < HACK_BENCH_VERDICT_COUNT && s.kinds[s.kind_count].count) s.kind_count++;
    if (s.students) {
        qsort(scores, s.students, sizeof *scores, compare_doubles);
        double sum = 0;
        for (size_t i = 0; i < s.students; i++) sum += scores[i];
        s.mean = sum / (double)s.students;
        s.median = s.students % 2 ? scores[s.students / 2]
                                  : (scores[s.students / 2 - 1] + scores[s.students / 2]) / 2.0;
        s.lowest = scores[0];
        s.highest = scores[s.students - 1];
    }
    free(scores);
    s.ok = true;
    return s;
}

enum { SUMMARY_NAMES = 12 }; /* students named per kind of failure in the text (the rest counted) */

static const char *program_note(const hack_grade_program *p)
{
    if (p->counted) return "";
    return p->skipped ? "skipped" : "optional, not counted";
}

static void summary_text(const hack_grade *g, const summary *s, hack_strbuf *out)
{
    char a[64], b[64], c[64], d[64], m[64];
    hack_strbuf_appendf(out, "class summary: %zu student%s, %zu program%s\n", s->students, s->students == 1 ? "" : "s",
                        g->program_count, g->program_count == 1 ? "" : "s");
    int width = 7;
    for (size_t p = 0; p < g->program_count; p++) {
        char name[600];
        shown_name(&g->programs[p], name, sizeof name);
        if ((int)strlen(name) > width) width = (int)strlen(name);
    }
    for (size_t p = 0; p < g->program_count; p++) {
        const hack_grade_program *program = &g->programs[p];
        char name[600];
        shown_name(program, name, sizeof name);
        hack_grade_points_text(program->points, a, sizeof a);
        hack_strbuf_appendf(out, "  %-*s %4zu/%-4zu pass", width, name, s->passed[p], s->tried[p]);
        if (program->counted)
            hack_strbuf_appendf(out, "  (%s point%s", a, strcmp(a, "1") == 0 ? "" : "s");
        else
            hack_strbuf_appendf(out, "  (%s", program_note(program));
        if (s->tried[p] < s->students)
            hack_strbuf_appendf(out, "; %zu without the class", s->students - s->tried[p]);
        hack_strbuf_appendf(out, ")\n");
    }
    if (s->kind_count) {
        hack_strbuf_appendf(out, "failures of counted programs, the most common first (students who have them):\n");
        for (size_t k = 0; k < s->kind_count; k++) {
            const failure_kind *kind = &s->kinds[k];
            hack_strbuf_appendf(out, "  %-8s %-38s %3zu: ", hack_bench_verdict_mark(kind->verdict),
                                hack_bench_verdict_name(kind->verdict), kind->count);
            for (size_t i = 0; i < kind->count && i < SUMMARY_NAMES; i++)
                hack_strbuf_appendf(out, "%s%s", i ? ", " : "", g->students[kind->students[i]].name);
            if (kind->count > SUMMARY_NAMES) hack_strbuf_appendf(out, " and %zu more", kind->count - SUMMARY_NAMES);
            hack_strbuf_append_char(out, '\n');
        }
    } else if (s->students) {
        hack_strbuf_appendf(out, "no failures of counted programs\n");
    }
    if (s->students) {
        hack_grade_points_text(s->mean, a, sizeof a);
        hack_grade_points_text(s->median, b, sizeof b);
        hack_grade_points_text(s->lowest, c, sizeof c);
        hack_grade_points_text(s->highest, d, sizeof d);
        hack_grade_points_text(s->max_score, m, sizeof m);
        hack_strbuf_appendf(out, "scores (of %s): mean %s, median %s, lowest %s, highest %s\n", m, a, b, c, d);
    }
}

static void summary_html(const hack_grade *g, const summary *s, hack_strbuf *out)
{
    char a[64], b[64], c[64], d[64], m[64];
    hack_strbuf_appendf(out, "<section id=\"summary\">\n<h2>Class summary</h2>\n<p>%zu student%s, %zu program%s.</p>\n",
                        s->students, s->students == 1 ? "" : "s", g->program_count, g->program_count == 1 ? "" : "s");
    hack_strbuf_appendf(out, "<table><tr><th>group</th><th>program</th><th>points</th><th>students passing</th></tr>\n");
    for (size_t p = 0; p < g->program_count; p++) {
        const hack_grade_program *program = &g->programs[p];
        hack_strbuf_appendf(out, "<tr><td>");
        hack_grade_xml_text(out, program->group);
        hack_strbuf_appendf(out, "</td><td>");
        hack_grade_xml_text(out, program->name);
        hack_strbuf_appendf(out, "</td><td>");
        if (program->counted) {
            append_points(out, program->points);
        } else {
            hack_strbuf_appendf(out, "%s", program_note(program));
        }
        const unsigned share = s->tried[p] ? (unsigned)(100 * s->passed[p] / s->tried[p]) : 0u;
        hack_strbuf_appendf(out, "</td><td><span class=\"bar\" style=\"width:%upx\"></span> %zu/%zu", share,
                            s->passed[p], s->tried[p]);
        if (s->tried[p] < s->students) hack_strbuf_appendf(out, " (%zu without the class)", s->students - s->tried[p]);
        hack_strbuf_appendf(out, "</td></tr>\n");
    }
    hack_strbuf_appendf(out, "</table>\n");
    if (s->kind_count) {
        hack_strbuf_appendf(out, "<p>Failures of counted programs, the most common first:</p>\n<ul>\n");
        for (size_t k = 0; k < s->kind_count; k++) {
            const failure_kind *kind = &s->kinds[k];
            hack_strbuf_appendf(out, "<li><b>");
            hack_grade_xml_text(out, hack_bench_verdict_name(kind->verdict));
            hack_strbuf_appendf(out, "</b> (%zu student%s): ", kind->count, kind->count == 1 ? "" : "s");
            for (size_t i = 0; i < kind->count; i++) {
                hack_strbuf_appendf(out, "%s<a href=\"#row%zu\">", i ? ", " : "", kind->students[i]);
                hack_grade_xml_text(out, g->students[kind->students[i]].name);
                hack_strbuf_appendf(out, "</a>");
            }
            hack_strbuf_appendf(out, "</li>\n");
        }
        hack_strbuf_appendf(out, "</ul>\n");
    }
    if (s->students) {
        hack_grade_points_text(s->mean, a, sizeof a);
        hack_grade_points_text(s->median, b, sizeof b);
        hack_grade_points_text(s->lowest, c, sizeof c);
        hack_grade_points_text(s->highest, d, sizeof d);
        hack_grade_points_text(s->max_score, m, sizeof m);
        hack_strbuf_appendf(out, "<p>Scores (of %s): mean %s, median %s, lowest %s, highest %s.</p>\n", m, a, b, c, d);
    }
    hack_strbuf_appendf(out, "</section>\n");
}

static void summary_json(const hack_grade *g, const summary *s, hack_strbuf *out)
{
    hack_strbuf_appendf(out, "{\"students\": %zu, \"programs\": [", s->students);
    for (size_t p = 0; p < g->program_count; p++) {
        const hack_grade_program *program = &g->programs[p];
        hack_strbuf_appendf(out, "%s\n  {\"name\": ", p ? "," : "");
        hack_grade_json_string(out, program->name);
        hack_strbuf_appendf(out, ", \"group\": ");
        hack_grade_json_string(out, program->group);
        hack_strbuf_appendf(out, ", \"optional\": %s, \"counted\": %s, \"points\": ", program->optional ? "true" : "false",
                            program->counted ? "true" : "false");
        append_points(out, program->points);
        hack_strbuf_appendf(out, ", \"passed\": %zu, \"with_class\": %zu}", s->passed[p], s->tried[p]);
    }
    hack_strbuf_appendf(out, "],\n \"failures\": [");
    for (size_t k = 0; k < s->kind_count; k++) {
        const failure_kind *kind = &s->kinds[k];
        hack_strbuf_appendf(out, "%s\n  {\"verdict\": ", k ? "," : "");
        hack_grade_json_string(out, hack_bench_verdict_name(kind->verdict));
        hack_strbuf_appendf(out, ", \"mark\": ");
        hack_grade_json_string(out, hack_bench_verdict_mark(kind->verdict));
        hack_strbuf_appendf(out, ", \"students\": [");
        for (size_t i = 0; i < kind->count; i++) {
            if (i) hack_strbuf_appendf(out, ", ");
            hack_grade_json_string(out, g->students[kind->students[i]].name);
        }
        hack_strbuf_appendf(out, "]}");
    }
    hack_strbuf_appendf(out, "],\n \"scores\": [");
    bool first = true;
    for (size_t st = 0; st < g->student_count; st++) {
        if (g->students[st].reference) continue;
        const hack_grade_score score = hack_grade_student_score(g, st);
        hack_strbuf_appendf(out, "%s\n  {\"student\": ", first ? "" : ",");
        first = false;
        hack_grade_json_string(out, g->students[st].name);
        hack_strbuf_appendf(out, ", \"folder\": ");
        hack_grade_json_string(out, student_folder(&g->students[st]));
        hack_strbuf_appendf(out, ", \"score\": ");
        append_points(out, score.score);
        hack_strbuf_appendf(out, ", \"max_score\": ");
        append_points(out, score.max_score);
        hack_strbuf_appendf(out, ", \"passed\": %zu, \"counted\": %zu}", score.passed, score.counted);
    }
    hack_strbuf_appendf(out, "],\n \"mean\": ");
    append_points(out, s->mean);
    hack_strbuf_appendf(out, ", \"median\": ");
    append_points(out, s->median);
    hack_strbuf_appendf(out, "}");
}

static void summary_csv(const hack_grade *g, const summary *s, hack_strbuf *out)
{
    hack_strbuf_appendf(out, HACK_GRADE_SUMMARY_CSV_HEADER "\n");
    for (size_t p = 0; p < g->program_count; p++) {
        hack_strbuf_appendf(out, "\"program\",");
        csv_field(out, g->programs[p].name);
        hack_strbuf_append_char(out, ',');
        csv_field(out, g->programs[p].group);
        hack_strbuf_appendf(out, ",%zu,%zu,\"\"\n", s->passed[p], s->tried[p]); /* of those with the class */
    }
    for (size_t k = 0; k < s->kind_count; k++) {
        const failure_kind *kind = &s->kinds[k];
        hack_strbuf_appendf(out, "\"failure\",");
        csv_field(out, hack_bench_verdict_name(kind->verdict));
        hack_strbuf_appendf(out, ",\"\",%zu,%zu,", kind->count, s->students);
        hack_strbuf students = {0};
        for (size_t i = 0; i < kind->count; i++) {
            if (i) hack_strbuf_append(&students, "; ", 2);
            const char *name = g->students[kind->students[i]].name;
            hack_strbuf_append(&students, name, strlen(name));
        }
        csv_field(out, hack_strbuf_text(&students));
        hack_strbuf_free(&students);
        hack_strbuf_append_char(out, '\n');
    }
    for (size_t st = 0; st < g->student_count; st++) {
        if (g->students[st].reference) continue;
        const hack_grade_score score = hack_grade_student_score(g, st);
        hack_strbuf_appendf(out, "\"score\",");
        csv_field(out, student_folder(&g->students[st]));
        hack_strbuf_appendf(out, ",\"\",");
        append_points(out, score.score);
        hack_strbuf_append_char(out, ',');
        append_points(out, score.max_score);
        hack_strbuf_appendf(out, ",\"\"\n");
    }
}

void hack_grade_summary(const hack_grade *g, hack_grade_format format, hack_strbuf *out)
{
    summary s = summarize(g);
    if (!s.ok) {
        out->failed = true;
    } else {
        switch (format) {
        case HACK_GRADE_TEXT: summary_text(g, &s, out); break;
        case HACK_GRADE_HTML: summary_html(g, &s, out); break;
        case HACK_GRADE_JSON: summary_json(g, &s, out); break;
        case HACK_GRADE_CSV: summary_csv(g, &s, out); break;
        }
    }
    summary_free(&s);
}

/* ---- records ---- */

void hack_grade_record(const hack_grade *g, hack_grade_format format, size_t student, size_t program,
                       hack_strbuf *out)
{
    const hack_grade_student *who = &g->students[student];
    const hack_grade_program *what = &g->programs[program];
    const hack_bench_result *result = result_of(g, student, program);
    const bool json = format == HACK_GRADE_JSON;
    char record[8192];
    size_t n = hack_bench_record(json ? HACK_BENCH_JSON : HACK_BENCH_CSV, student_folder(who), what->name,
                                 who->reference, result, record, sizeof record);
    if (json && n && record[n - 1] == '}') n--;
    hack_strbuf_append(out, record, n);
    const hack_grade_score score = hack_grade_student_score(g, student);
    const double earned = what->counted && result->verdict == HACK_BENCH_PASS ? what->points : 0.0;
    const char *hint = hint_of(g, student, program);
    if (json) {
        hack_strbuf_append(out, ", \"group\": ", 11);
        hack_grade_json_string(out, what->group);
        hack_strbuf_append(out, ", \"points\": ", 12);
        append_points(out, earned);
        hack_strbuf_append(out, ", \"max_points\": ", 16);
        append_points(out, what->points);
        hack_strbuf_append(out, ", \"score\": ", 11);
        append_points(out, score.score);
        hack_strbuf_append(out, ", \"max_score\": ", 15);
        append_points(out, score.max_score);
        hack_strbuf_append(out, ", \"hint\": ", 10);
        hack_grade_json_string(out, hint ? hint : "");
        hack_strbuf_append_char(out, '}');
    } else {
        hack_strbuf_append_char(out, ',');
        csv_field(out, what->group);
        hack_strbuf_append_char(out, ',');
        append_points(out, earned);
        hack_strbuf_append_char(out, ',');
        append_points(out, what->points);
        hack_strbuf_append_char(out, ',');
        append_points(out, score.score);
        hack_strbuf_append_char(out, ',');
        append_points(out, score.max_score);
        hack_strbuf_append_char(out, ',');
        csv_field(out, hint ? hint : "");
    }
}

/* ---- Gradescope and JUnit ---- */

/* "verdict: detail at place", and the hint on a line of its own. */
static void failure_text(const hack_grade *g, size_t student, size_t program, hack_strbuf *out)
{
    const hack_bench_result *r = result_of(g, student, program);
    hack_strbuf_appendf(out, "%s", hack_bench_verdict_name(r->verdict));
    if (r->detail[0]) hack_strbuf_appendf(out, ": %s", r->detail);
    if (r->place[0]) hack_strbuf_appendf(out, " at %s", r->place);
    const char *hint = hint_of(g, student, program);
    if (hint) hack_strbuf_appendf(out, "\nhint: %s", hint);
}

void hack_grade_gradescope(const hack_grade *g, size_t student, hack_strbuf *out)
{
    const hack_grade_score score = hack_grade_student_score(g, student);
    char a[64], b[64];
    hack_grade_points_text(score.score, a, sizeof a);
    hack_grade_points_text(score.max_score, b, sizeof b);
    hack_strbuf text = {0};
    hack_strbuf_appendf(&text, "%zu of %zu test programs pass: %s of %s points.", score.passed, score.counted, a, b);
    hack_strbuf_appendf(out, "{\"score\": %s, \"output\": ", a);
    hack_grade_json_string(out, hack_strbuf_text(&text));
    hack_strbuf_appendf(out, ",\n \"tests\": [");
    bool first = true;
    for (size_t p = 0; p < g->program_count; p++) {
        const hack_grade_program *program = &g->programs[p];
        if (program->skipped) continue;
        const bool ok = passes(g, student, p);
        hack_strbuf_reset(&text);
        char name[600];
        shown_name(program, name, sizeof name);
        hack_strbuf_append(&text, name, strlen(name));
        hack_strbuf_appendf(out, "%s\n  {\"name\": ", first ? "" : ",");
        first = false;
        hack_grade_json_string(out, hack_strbuf_text(&text));
        hack_strbuf_appendf(out, ", \"score\": ");
        append_points(out, ok ? program->points : 0.0);
        hack_strbuf_appendf(out, ", \"max_score\": ");
        append_points(out, program->points);
        hack_strbuf_appendf(out, ", \"status\": \"%s\", \"output\": ", ok ? "passed" : "failed");
        hack_strbuf_reset(&text);
        if (ok)
            hack_strbuf_appendf(&text, "pass");
        else
            failure_text(g, student, p, &text);
        if (!program->counted) hack_strbuf_appendf(&text, "\n(optional: not counted)");
        hack_grade_json_string(out, hack_strbuf_text(&text));
        hack_strbuf_append_char(out, '}');
    }
    hack_strbuf_appendf(out, "],\n \"extra_data\": {\"student\": ");
    hack_grade_json_string(out, student_folder(&g->students[student]));
    hack_strbuf_appendf(out, "}}");
    hack_strbuf_free(&text);
}

void hack_grade_junit(const hack_grade *g, hack_strbuf *out)
{
    size_t tests = 0, failures = 0, skipped = 0;
    for (size_t st = 0; st < g->student_count; st++) {
        if (g->students[st].reference) continue;
        for (size_t p = 0; p < g->program_count; p++) {
            tests++;
            if (!g->programs[p].counted) skipped += g->programs[p].skipped || !passes(g, st, p);
            else failures += !passes(g, st, p);
        }
    }
    hack_strbuf_appendf(out,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hackemu grading\" tests=\"%zu\" "
                        "failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
                        tests, failures, skipped);
    hack_strbuf text = {0};
    for (size_t st = 0; st < g->student_count; st++) {
        const hack_grade_student *who = &g->students[st];
        if (who->reference) continue;
        size_t suite_failures = 0, suite_skipped = 0;
        for (size_t p = 0; p < g->program_count; p++) {
            if (!g->programs[p].counted) suite_skipped += g->programs[p].skipped || !passes(g, st, p);
            else suite_failures += !passes(g, st, p);
        }
        hack_strbuf_appendf(out, "  <testsuite name=\"");
        hack_grade_xml_text(out, who->name);
        hack_strbuf_appendf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", g->program_count,
                            suite_failures, suite_skipped);
        const hack_grade_score score = hack_grade_student_score(g, st);
        hack_strbuf_appendf(out, "    <properties>\n      <property name=\"folder\" value=\"");
        hack_grade_xml_text(out, student_folder(who));
        hack_strbuf_appendf(out, "\"/>\n      <property name=\"score\" value=\"");
        append_points(out, score.score);
        hack_strbuf_appendf(out, "\"/>\n      <property name=\"max_score\" value=\"");
        append_points(out, score.max_score);
        hack_strbuf_appendf(out, "\"/>\n    </properties>\n");
        for (size_t p = 0; p < g->program_count; p++) {
            const hack_grade_program *program = &g->programs[p];
            const hack_bench_result *r = result_of(g, st, p);
            hack_strbuf_appendf(out, "    <testcase name=\"");
            hack_grade_xml_text(out, program->name);
            hack_strbuf_appendf(out, "\" classname=\"");
            hack_grade_xml_text(out, program->group);
            hack_strbuf_appendf(out, "\"");
            const bool ok = r->verdict == HACK_BENCH_PASS;
            if (ok && !program->skipped) {
                hack_strbuf_appendf(out, "/>\n");
                continue;
            }
            hack_strbuf_appendf(out, ">\n");
            hack_strbuf_reset(&text);
            if (!program->counted) {
                if (program->skipped)
                    hack_strbuf_appendf(&text, "skipped by the rubric");
                else
                    hack_strbuf_appendf(&text, "optional (not counted): %s",
                                        hack_bench_verdict_name(r->verdict));
                hack_strbuf_appendf(out, "      <skipped message=\"");
                hack_grade_xml_text(out, hack_strbuf_text(&text));
                hack_strbuf_appendf(out, "\"/>\n");
            } else {
                hack_strbuf_appendf(out, "      <failure message=\"");
                hack_grade_xml_text(out, hack_bench_verdict_name(r->verdict));
                hack_strbuf_appendf(out, "\" type=\"");
                hack_grade_xml_text(out, hack_bench_verdict_mark(r->verdict));
                hack_strbuf_appendf(out, "\">");
                failure_text(g, st, p, &text);
                hack_grade_xml_text(out, hack_strbuf_text(&text));
                hack_strbuf_appendf(out, "</failure>\n");
            }
            hack_strbuf_appendf(out, "    </testcase>\n");
        }
        hack_strbuf_appendf(out, "  </testsuite>\n");
    }
    hack_strbuf_appendf(out, "</testsuites>\n");
    hack_strbuf_free(&text);
}

/* ---- hints ---- */

enum { HEAP_BASE = 2048, HEAP_END = 16384, OFFSET_LIMIT = 1024 };

bool hack_grade_result_hint(const hack_bench_result *r, hack_strbuf *out)
{
    /* (from the block's numbers the bench kept, never from the detail's words) */
    if (!r->block_known) return false;
    if (r->verdict == HACK_BENCH_OUTSIDE_HEAP) {
        const long address = r->address, last = (long)r->block_last;
        /* a small number, the block far below the heap (one that reaches into it is a pointer gone astray) */
        if (address > 0 && address < OFFSET_LIMIT && last < HEAP_BASE) {
            hack_strbuf_appendf(out,
                                "alloc returned %ld, far below the heap (%d..%d): an offset into the heap rather "
                                "than an address? Return the heap's base plus the offset",
                                address, HEAP_BASE, HEAP_END - 1);
            return true;
        }
        if (last == HEAP_END) {
            hack_strbuf_appendf(out,
                                "the block ends at %d, one word past the heap's last word (%d): an off-by-one? A "
                                "header word left out when a segment is split, or a heap set up one word too large",
                                HEAP_END, HEAP_END - 1);
            return true;
        }
        return false;
    }
    if (r->verdict == HACK_BENCH_CORRUPTS && r->address == r->block_first) { /* word 0 of the block */
        hack_strbuf_appendf(out, "the allocator wrote into word 0 of a block it had handed out: is its own header (a "
                                 "size or a link) kept in the block's first word? The header goes before the block: "
                                 "return the address after it, and leave a block's words alone until deAlloc");
        return true;
    }
    return false;
}

/* The precedence scan: tokens of Jack, a level per parenthesis or bracket. */
typedef struct {
    const char *start;   /* the expression's first token at this level (NULL: none yet) */
    const char *cmp_end; /* just after the last comparison operator (NULL: none) */
    int cmp_line;
    const char *arith;   /* the arithmetic operator after a comparison (NULL: none) */
    char arith_op, cmp_op;
} scan_level;

enum { SCAN_DEPTH = 256, SCAN_QUOTE = 90 };

/* text[a..b) with its whitespace runs as single spaces, trimmed. */
static void append_collapsed(hack_strbuf *out, const char *a, const char *b)
{
    bool space = false, any = false;
    for (const char *c = a; c < b; c++) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
            space = any;
            continue;
        }
        if (space) hack_strbuf_append_char(out, ' ');
        space = false;
        any = true;
        hack_strbuf_append_char(out, *c);
    }
}

typedef struct {
    const char *file;
    size_t found, max;
    hack_strbuf *out;
} scan_state;

static void scan_finish(scan_state *state, scan_level *level, const char *end)
{
    if (level->arith && level->start && end) {
        state->found++;
        if (state->found <= state->max) {
            hack_strbuf *out = state->out;
            if (state->found > 1) hack_strbuf_append(out, "; ", 2);
            hack_strbuf_appendf(out, "%s:%d: ", state->file, level->cmp_line);
            hack_strbuf whole = {0};
            append_collapsed(&whole, level->start, end);
            if (whole.length <= SCAN_QUOTE && !whole.failed) {
                hack_strbuf_appendf(out, "`%s` is read as `(", hack_strbuf_text(&whole));
                append_collapsed(out, level->start, level->arith);
                hack_strbuf_appendf(out, ") ");
                append_collapsed(out, level->arith, end);
                hack_strbuf_appendf(out, "`: Jack has no operator precedence (left to right); write `");
                append_collapsed(out, level->start, level->cmp_end);
                hack_strbuf_appendf(out, " (");
                append_collapsed(out, level->cmp_end, end);
                hack_strbuf_appendf(out, ")`");
            } else {
                hack_strbuf_appendf(out,
                                    "a comparison '%c' followed by '%c' at the same level of parentheses is read as "
                                    "(... %c ...) %c ...: Jack has no operator precedence (left to right)",
                                    level->cmp_op, level->arith_op, level->cmp_op, level->arith_op);
            }
            hack_strbuf_free(&whole);
        }
    }
    memset(level, 0, sizeof *level);
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool word_is(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(p, word, n) == 0;
}

size_t hack_grade_precedence_scan(const char *file_name, const char *text, size_t length, size_t max,
                                  hack_strbuf *out)
{
    scan_state state = {.file = file_name, .max = max, .out = out};
    scan_level levels[SCAN_DEPTH];
    memset(levels, 0, sizeof levels);
    size_t depth = 0, too_deep = 0; /* levels past SCAN_DEPTH are counted, not scanned */
    long let_depth = -1;            /* after `let`: the level whose first '=' assigns */
    bool operand = false;           /* the last token ends an operand (a '-' after it is binary) */
    int line = 1;
    const char *p = text, *end = text + length;
    while (p < end) {
        const char c = *p;
        if (c == '\n') {
            line++;
            p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
            continue;
        }
        if (c == '/' && p + 1 < end && p[1] == '/') {
            while (p < end && *p != '\n') p++;
            continue;
        }
        if (c == '/' && p + 1 < end && p[1] == '*') {
            p += 2;
            while (p < end && !(*p == '*' && p + 1 < end && p[1] == '/')) line += *p++ == '\n';
            p = p < end ? p + 2 : end;
            continue;
        }
        scan_level *level = too_deep ? NULL : &levels[depth];
        if (level && !level->start && c != ')' && c != ']' && c != ';' && c != ',' && c != '{' && c != '}')
            level->start = p;
        if (c == '"') { /* a string: to its closing quote (Jack strings have no escapes and no newline) */
            p++;
            while (p < end && *p != '"' && *p != '\n') p++;
            if (p < end && *p == '"') p++;
            operand = true;
            continue;
        }
        if (c >= '0' && c <= '9') {
            while (p < end && *p >= '0' && *p <= '9') p++;
            operand = true;
            continue;
        }
        if (is_ident_start(c)) {
            const char *word = p;
            while (p < end && is_ident_char(*p)) p++;
            const size_t n = (size_t)(p - word);
            if (word_is(word, n, "true") || word_is(word, n, "false") || word_is(word, n, "null") ||
                word_is(word, n, "this") || !(word_is(word, n, "let") || word_is(word, n, "do") ||
                                              word_is(word, n, "if") || word_is(word, n, "while") ||
                                              word_is(word, n, "return") || word_is(word, n, "else") ||
                                              word_is(word, n, "var") || word_is(word, n, "field") ||
                                              word_is(word, n, "static") || word_is(word, n, "function") ||
                                              word_is(word, n, "method") || word_is(word, n, "constructor") ||
                                              word_is(word, n, "class"))) {
                operand = true;
                continue;
            }
            /* a statement's keyword: what came before it at this level has ended */
            if (level) {
                scan_finish(&state, level, word);
                if (word_is(word, n, "let")) let_depth = (long)depth;
            }
            operand = false;
            continue;
        }
        p++;
        switch (c) {
        case '(':
        case '[':
            if (too_deep || depth + 1 == SCAN_DEPTH)
                too_deep++;
            else
                memset(&levels[++depth], 0, sizeof levels[0]);
            operand = false;
            break;
        case ')':
        case ']':
            if (too_deep) {
                too_deep--;
            } else if (depth > 0) {
                scan_finish(&state, level, p - 1);
                depth--;
            }
            operand = true;
            break;
        case ';':
        case ',':
        case '{':
        case '}':
            if (level) scan_finish(&state, level, p - 1);
            if (c != ',') let_depth = -1;
            operand = false;
            break;
        case '=':
            if (level && let_depth == (long)depth) { /* let x[i] = ...: the assignment */
                scan_finish(&state, level, NULL);
                let_depth = -1;
                operand = false;
                break;
            }
            /* a '=' elsewhere compares */
            /* fall through */
        case '<':
        case '>':
            if (level) {
                level->cmp_end = p;
                level->cmp_op = c;
                level->cmp_line = line;
            }
            operand = false;
            break;
        case '+':
        case '-':
        case '*':
        case '/':
            if (level && operand && level->cmp_end && !level->arith) {
                level->arith = p - 1;
                level->arith_op = c;
            }
            operand = false;
            break;
        default: /* '.', '~', '&', '|' and anything else */
            operand = false;
            break;
        }
    }
    /* (an expression the text ends in, cut short, is not quoted) */
    if (state.found > state.max) hack_strbuf_appendf(out, "; and %zu more", state.found - state.max);
    return state.found;
}

enum { PRECEDENCE_HINTS = 3 }; /* quoted per file (the rest counted) */

char **hack_grade_find_hints(const hack_grade *g)
{
    const size_t total = g->student_count * g->program_count;
    char **hints = calloc(total ? total : 1, sizeof *hints);
    if (!hints) return NULL;
    /* a student's precedence hints, per group (the first program of each group reads its file) */
    char **scans = calloc(g->program_count ? g->program_count : 1, sizeof *scans);
    if (!scans) {
        free(hints);
        return NULL;
    }
    hack_strbuf hint = {0};
    for (size_t st = 0; st < g->student_count; st++) {
        memset(scans, 0, g->program_count * sizeof *scans);
        for (size_t p = 0; p < g->program_count; p++) {
            const hack_bench_result *r = result_of(g, st, p);
            if (r->verdict == HACK_BENCH_PASS) continue;
            size_t first = 0; /* the group's first program */
            while (strcmp(g->programs[first].group, g->programs[p].group) != 0) first++;
            if (!scans[first] && g->students[st].folder) {
                hack_strbuf scan = {0}, path = {0};
                hack_strbuf_appendf(&path, "%s/%s.jack", g->students[st].folder, g->programs[p].group);
                char *text = NULL;
                size_t length = 0;
                hack_diag_list diags;
                hack_diag_list_init(&diags);
                if (!path.failed && hack_textfile_read(hack_strbuf_text(&path), &text, &length, &diags)) {
                    char file[300];
                    snprintf(file, sizeof file, "%.200s.jack", g->programs[p].group);
                    hack_grade_precedence_scan(file, text, length, PRECEDENCE_HINTS, &scan);
                }
                free(text);
                hack_diag_list_free(&diags);
                hack_strbuf_free(&path);
                scans[first] = scan.length && !scan.failed ? hack_strbuf_take(&scan, NULL) : NULL;
                if (!scans[first]) scans[first] = calloc(1, 1); /* "": scanned, nothing found */
                hack_strbuf_free(&scan);
            }
            hack_strbuf_reset(&hint);
            hack_grade_result_hint(r, &hint);
            if (scans[first] && scans[first][0]) {
                if (hint.length) hack_strbuf_append(&hint, "; ", 2);
                hack_strbuf_append(&hint, scans[first], strlen(scans[first]));
            }
            if (hint.length && !hint.failed) hints[st * g->program_count + p] = hack_strbuf_take(&hint, NULL);
        }
        for (size_t p = 0; p < g->program_count; p++) free(scans[p]);
    }
    hack_strbuf_free(&hint);
    free(scans);
    return hints;
}

void hack_grade_free_hints(char **hints, size_t count)
{
    if (!hints) return;
    for (size_t i = 0; i < count; i++) free(hints[i]);
    free(hints);
}
