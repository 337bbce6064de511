/* A teacher's view of a grading (hackemu --test-memory: students' folders x test programs): each student's
 * score under a rubric, a class summary, the graders' formats (Gradescope's results.json, JUnit XML) and
 * root-cause hints beside failures.
 *
 * A test program belongs to a group: the OS class it tests ("Memory", "Math", ...), as os/tests/<Class>/<Program>.
 *
 * The rubric file (hackemu --rubric FILE), a line each:
 *     # a comment (also after an entry)
 *     Blocks 10          a program's points
 *     Memory 40          a group's points, spread evenly over its counted programs that have no line of their
 *                        own (programs of the group named on their own line take their points out of the 40)
 *     default 2          the points of a counted program that neither it nor its group names (default: 1)
 *     skip SeedPolicy    a program (or every program of a group) left out: not graded, not counted
 * Points are whole or decimal numbers (2.5), 0 or more. Names are those of the programs and groups; a name that
 * is neither is an error (a misspelt name would otherwise be graded by default). A program marked optional
 * (a policy check) counts only when the rubric names it on a line of its own. Without a rubric, each counted
 * program is worth one point.
 *
 * Nothing here prints: text goes into a hack_strbuf, errors into a hack_diag_list (FILE:LINE:COLUMN). Any
 * bytes in names, details and the students' files come out as valid UTF-8 (JSON) or valid XML. */
#ifndef HACK_GRADE_REPORT_H
#define HACK_GRADE_REPORT_H

#include "hack/diag.h"
#include "hack/memory_bench.h"
#include "hack/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;  /* "Blocks" */
    const char *group; /* the OS class it tests: "Memory" */
    bool optional;     /* a policy check ("// optional:"): counted only when a rubric names it */
    /* set by hack_rubric_apply */
    bool skipped;      /* the rubric leaves it out */
    bool counted;      /* graded: its failure fails the student (not skipped, not an optional one left alone) */
    double points;     /* what passing it is worth (0 when not counted) */
} hack_grade_program;

typedef struct {
    const char *name;   /* as shown: "bump" */
    const char *folder; /* as given on the command line (NULL for hackemu's own Memories) */
    bool reference;     /* a reference row: shown, never graded (left out of the summary, Gradescope, JUnit) */
} hack_grade_student;

typedef struct {
    const hack_grade_student *students;
    size_t student_count;
    const hack_grade_program *programs;
    size_t program_count;
    const hack_bench_result *results; /* results[student * program_count + program] */
    const char *const *hints;         /* the same shape: a result's hint, or NULL; NULL for none at all */
} hack_grade;

/* ---- the rubric ---- */

typedef enum { HACK_RUBRIC_POINTS, HACK_RUBRIC_DEFAULT, HACK_RUBRIC_SKIP } hack_rubric_kind;

typedef struct {
    hack_rubric_kind kind;
    char *name;    /* the program or group (NULL for default) */
    double points; /* HACK_RUBRIC_POINTS and HACK_RUBRIC_DEFAULT */
    int line, column, value_column; /* of the name (or of "default"/"skip") and of the number or skipped name */
} hack_rubric_entry;

typedef struct {
    char *path;
    char *text; /* the file's text (its lines are quoted in messages) */
    size_t length;
    hack_rubric_entry *entries;
    size_t count;
} hack_rubric;

/* Parses a rubric's text (path names it in messages). False, with an error for each bad line, when a line is
 * not one of the forms above. */
bool hack_rubric_parse(hack_rubric *rubric, const char *path, const char *text, size_t length, hack_diag_list *diags);
/* Reads and parses the file path. */
bool hack_rubric_read(hack_rubric *rubric, const char *path, hack_diag_list *diags);
void hack_rubric_free(hack_rubric *rubric);

/* Sets programs[i].counted and .points from the rubric (NULL: one point per program that is not optional).
 * known: more names a line may give without an error (programs that exist but are not run this time). False,
 * with errors at the rubric's lines, for a name that is neither a program nor a group, a name given twice, a
 * name both skipped and given points, or a group whose programs' own lines add up to more than the group. */
bool hack_rubric_apply(const hack_rubric *rubric, hack_grade_program *programs, size_t program_count,
                       const char *const *known, size_t known_count, hack_diag_list *diags);

/* ---- scores and the summary ---- */

typedef struct {
    double score, max_score; /* points */
    size_t passed, counted;  /* counted programs passed, of counted programs */
} hack_grade_score;

hack_grade_score hack_grade_student_score(const hack_grade *grade, size_t student);

/* Points as text: at most two decimals, no trailing zeros ("10", "4.44", "2.5"); a valid JSON number. */
void hack_grade_points_text(double points, char *buf, size_t size);

typedef enum { HACK_GRADE_TEXT, HACK_GRADE_HTML, HACK_GRADE_JSON, HACK_GRADE_CSV } hack_grade_format;

/* The class summary (students who are not reference rows): per program how many pass; the kinds of failure
 * (verdicts of counted programs), the most common first, with the students who have them; the scores' mean,
 * median and range.
 *   TEXT: lines for a terminal; HTML: a <section> (students linked as #rowN, N their index);
 *   JSON: one object {"students", "programs": [...], "failures": [...], "scores": [...]};
 *   CSV: HACK_GRADE_SUMMARY_CSV_HEADER and a line per program ("program"), kind of failure ("failure") and
 *   student ("score"). */
#define HACK_GRADE_SUMMARY_CSV_HEADER "section,name,group,count,of,students"
void hack_grade_summary(const hack_grade *grade, hack_grade_format format, hack_strbuf *out);

/* A result as a record, one line without its newline: hack_bench_record's CSV or JSON (format HACK_GRADE_CSV or
 * HACK_GRADE_JSON) and then the program's group, its points earned and worth, the student's score and maximum,
 * and the hint ("" for none). */
#define HACK_GRADE_CSV_HEADER HACK_BENCH_CSV_HEADER ",group,points,max_points,score,max_score,hint"
void hack_grade_record(const hack_grade *grade, hack_grade_format format, size_t student, size_t program,
                       hack_strbuf *out);

/* ---- the graders' formats ---- */

/* One student's Gradescope results.json (an object, no newline at its end): "score", "output" and "tests",
 * a test per program that is not skipped ({"name", "score", "max_score", "status": "passed"|"failed", "output"}:
 * an optional program not counted has max_score 0), and "extra_data": {"student": FOLDER}. */
void hack_grade_gradescope(const hack_grade *grade, size_t student, hack_strbuf *out);

/* JUnit XML of every student who is not a reference row: <testsuites>, a <testsuite> per student (its score in
 * <properties>), a <testcase> per program (classname: its group): a <failure> (message: the verdict; text: the
 * detail, the place and the hint) for a counted program that failed, <skipped> for a skipped program or a
 * failed optional one. */
void hack_grade_junit(const hack_grade *grade, hack_strbuf *out);

/* ---- hints ---- */

/* Hints from the result alone (its verdict and the block it names, block_known: never the detail's words): an
 * address below the heap (an offset returned, not an address), a write into word 0 of a live block (the
 * allocator's header inside the block it handed out), a block that ends one word past the heap (an off-by-one).
 * Appends the hint and returns true when one applies. */
bool hack_grade_result_hint(const hack_bench_result *result, hack_strbuf *out);

/* Jack's operators have no precedence (left to right): a comparison followed by arithmetic at the same level
 * of parentheses, `x < size + 2`, is `(x < size) + 2`. Scans a Jack source (comments and strings skipped) and
 * appends a hint per such expression ("File.jack:LINE: ..."), at most max of them, "; " between them. file_name
 * names the file in the hints. Returns how many it found (more than max included). */
size_t hack_grade_precedence_scan(const char *file_name, const char *text, size_t length, size_t max,
                                  hack_strbuf *out);

/* Every hint of a grading: for each result that is not a pass, the hints from its result, and the precedence
 * hints of the student's <group>.jack (read from their folder). An array of student_count x program_count
 * strings (NULL where there is none), or NULL when memory ran out; grade->hints is not read. */
char **hack_grade_find_hints(const hack_grade *grade);
void hack_grade_free_hints(char **hints, size_t count);

/* ---- text for the formats ---- */

/* text as a JSON string (its quotes included): '"', '\\' and control characters escaped, bytes that are not
 * UTF-8 as U+FFFD. */
void hack_grade_json_string(hack_strbuf *out, const char *text);
/* text for XML or HTML (attributes too): & < > " ' escaped, a carriage return as &#13;, other control
 * characters but tab and newline, U+FFFE, U+FFFF and bytes that are not UTF-8 as U+FFFD. */
void hack_grade_xml_text(hack_strbuf *out, const char *text);

#endif
