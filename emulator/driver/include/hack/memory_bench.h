/* The OS test bench: a student's class (their project 12 folder's Memory.jack or .vm by default; any OS class with
 * class_under_test) run against one Jack test program under the heap check, with a cycle budget, to a verdict a
 * teacher can trust.
 *
 * The program is built from the test program's folder, Check (os/tests/Check.jack) and the student's class (with
 * student_os, every OS class the student wrote); the rest of the OS is the project's, native where it can be. It
 * runs with the heap check (leaks not counted: they are the test program's, not the allocator's), and its stop,
 * the heap check's findings, its reports and the values and screen it leaves become one verdict.
 *
 * The test programs' convention (os/tests/CLASS/NAME/Main.jack; os/tests/README.md says it for authors):
 *   - a line "// purpose: ..." says what the program checks (its first such line);
 *   - a line "// expect: Sys.error(N)" says the program must end in Sys.error(N) (a full heap: 6, a size of
 *     0 or less: 5), "// expect: Sys.halt" that it must halt; otherwise it must reach Check.pass() (or print
 *     "PASS", a line of its own) and halt;
 *   - a line "// optional: TEXT" marks a check of policy, not of correctness (shown, not counted);
 *   - a failed check calls Check.fail(id, ...) named by "// fail ID: TEXT" (or prints "FAIL <check>: <detail>",
 *     e.g. "FAIL contents: block 3 word 2 expected 7 got 0") and ends the program; the checks "full-heap" (alloc
 *     returned 0 or garbage on a full heap) and "merge" (a large block failed after everything was freed) have
 *     verdicts of their own; Check.step(id) ("// step ID: TEXT") says what the program is doing;
 *   - Check.value(id, v) ("// value ID: TEXT") reports values, and "// compare: screen [within 1]" the screen: both
 *     judged against the program's reference run on the project's OS (hack_bench_expect);
 *   - "// keys: TEXT" types keys from Main.main's start; "// wait: A B MS" judges Sys.wait's cycles;
 *   - a line "// figures: ..." marks the program whose figures a table shows; where it calls Main.probe()
 *     (an empty function), the bench measures fragmentation: it runs the program again to that call and
 *     tries requests there (by halves) for the largest that still succeeds;
 *   - a course-style test (a .tst with its .cmp beside Main.jack, such as the course's MemoryTest) needs no
 *     PASS: when it has halted, the RAM words its .cmp names must hold the .cmp's values.
 * Every run gives figures of the allocator from the calls the heap check saw: Hack cycles per alloc and
 * deAlloc (median, max), peak words in live blocks, and on request the heap over time.
 * Nothing here prints. The functions are thread-safe: each run has its own machine and session. */
#ifndef HACK_MEMORY_BENCH_H
#define HACK_MEMORY_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HACK_BENCH_PASS,
    HACK_BENCH_BUILD_ERROR,    /* the student's classes or the test program do not build (or no Memory) */
    HACK_BENCH_WRONG_RESULT,   /* the program reported a failed check (or ended without PASS) */
    HACK_BENCH_OUTSIDE_HEAP,   /* alloc returned a block not inside 2048..16383 (0 and -1 on a heap with room:
                                  HACK_BENCH_NULL_WITH_ROOM) */
    HACK_BENCH_OVERLAP,        /* alloc returned a block overlapping a live block */
    HACK_BENCH_BAD_ACCESS,     /* memory outside every live block was used (found by the heap check) */
    HACK_BENCH_WRONG_ERROR,    /* Sys.error with another code than due, or where none was due */
    HACK_BENCH_MISSING_ERROR,  /* the Sys.error that was due never came */
    HACK_BENCH_FULL_HEAP,      /* on a full heap, alloc returned 0 or garbage instead of Sys.error(6) */
    HACK_BENCH_NO_MERGING,     /* a large block failed after everything was freed */
    HACK_BENCH_STACK_OVERFLOW, /* the stack ran into the heap (recursion) */
    HACK_BENCH_MACHINE_ERROR,  /* a machine error, a broken frame, a stopped native heap */
    HACK_BENCH_NO_PROGRESS,    /* the budget ran out inside one call of the student's Memory */
    HACK_BENCH_TOO_SLOW,       /* the budget ran out, the program still making progress */
    HACK_BENCH_NO_ROOM,        /* Sys.error(6) for a request that a run of free words could hold (freed
                                  space not found again) */
    HACK_BENCH_CORRUPTS,       /* the allocator's own code wrote into a live block (the program's data) */
    HACK_BENCH_WRONG_VALUE,    /* a value the program reported differs from the project's OS's */
    HACK_BENCH_WRONG_PIXELS,   /* the screen differs from the one the project's OS leaves */
    HACK_BENCH_MISSING_CLASS,  /* the student's folder has no such class (X.jack or X.vm) */
    HACK_BENCH_NULL_WITH_ROOM, /* alloc returned 0 or -1 (no block) while a run of free words could hold the
                                  request */
    HACK_BENCH_OTHER_POLICY,   /* an optional (policy) program's check failed: the allocator follows another
                                  policy (result.policy names the one it follows); not a fault */
    HACK_BENCH_VERDICT_COUNT
} hack_bench_verdict;

/* "pass", "wrong result", ... */
const char *hack_bench_verdict_name(hack_bench_verdict verdict);
/* A short mark for a table cell: "ok", "WRONG", "OUT", ... */
const char *hack_bench_verdict_mark(hack_bench_verdict verdict);

/* Whose Memory a run uses. */
typedef enum {
    HACK_BENCH_STUDENT,      /* the student folder's Memory.jack or Memory.vm */
    HACK_BENCH_PROJECT_JACK, /* hackemu's own Memory.jack (a reference row) */
    HACK_BENCH_NATIVE,       /* hackemu's native Memory (a reference row: no Hack cycles in its calls) */
} hack_bench_memory;

/* What a program gives with the project's own OS (its reference run): the values it reported through
 * Check.value and the screen it left. A program that compares either is judged against it. */
typedef struct {
    bool ran;             /* the reference run reached its end as the program's header says it must */
    char problem[256];    /* why not: the program itself is broken */
    int16_t *values;
    size_t value_count;
    uint16_t *screen;     /* HACK_SCREEN_WORDS words */
} hack_bench_expected;

typedef struct {
    bool student_os;  /* every OS class of the student's (default: only the class under test) */
    const char *class_under_test; /* the student's class the program tests ("Math"; NULL: "Memory"); every
                                     other class is the project's, native where it can be. "" with student_os:
                                     the student's whole OS, no class required (the project's fill in) */
    const hack_bench_expected *expected; /* the program's reference run (NULL: made when the program needs it) */
    bool judge_screen_at_halt; /* a program with no header of the project's (the course's ScreenTest): it passes
                                  when it halts with the screen of its reference run */
    uint64_t budget;  /* cycles for one program (0: 200 million) */
    hack_bench_memory memory;
    bool timeline;    /* record the heap over time (result.timeline) */
} hack_bench_options;

/* The costly OS functions whose Hack cycles per call the bench measures (in the student's Jack code; a native
 * function takes none): from a call's entry to its return, recursive calls inside counted in the outer one. */
enum { HACK_BENCH_TIMED_COUNT = 6 };
extern const char *const hack_bench_timed_functions[HACK_BENCH_TIMED_COUNT]; /* "Math.multiply", ... */
typedef struct {
    uint32_t calls;
    uint64_t cycles; /* in all of them */
    uint32_t max;
} hack_bench_timing;

/* What the run showed of the allocator (from the calls the heap check saw). */
typedef struct {
    bool measured;                    /* the program ran and the check saw its calls */
    uint64_t allocs, frees;
    uint32_t alloc_median, alloc_max; /* Hack cycles from Memory.alloc's entry to its return (0: native) */
    uint32_t free_median, free_max;   /* the same for Memory.deAlloc */
    uint32_t peak_live_words;         /* the most words in live blocks at once */
    uint16_t lowest, highest;         /* the words any block covered */
    int32_t largest_request;          /* at Main.probe: the largest alloc that still succeeds (-1: not probed) */
} hack_bench_figures;

typedef struct {
    hack_bench_verdict verdict;
    bool optional;      /* the program checks policy, not correctness: its failure does not count */
    char detail[512];   /* what went wrong ("FAIL contents: ...", "Memory.alloc(5) returned 16383: ...") */
    char place[256];    /* where: "Memory.alloc (Memory.jack:41)" (empty when not known) */
    char policy[32];    /* an optional (policy) program's: the allocator's policy, "first fit", "best fit", "next fit",
                           "seed LIFO" (a LIFO free list, as the seed's), "no reuse", "other" ("": not found) */
    char note[512];     /* what the heap check found that does not count (an alloc in Memory.init before the heap
                           was set up), with where ("": nothing) */
    char found_in[512]; /* a missing class (HACK_BENCH_MISSING_CLASS): the folder below the student's that has it,
                           as "STUDENT/SUB" (a folder of folders: grade that one), "" when none was found */
    uint64_t cycles;    /* of the run */
    hack_bench_figures figures;
    hack_bench_timing timings[HACK_BENCH_TIMED_COUNT];
    /* a wrong-pixels verdict: the first wrong pixel (its screen word and bit) and whether it is lit */
    uint16_t pixel_word;
    uint8_t pixel_bit;
    bool pixel_lit;
    /* the block a heap verdict is about, as numbers (the detail says them in words), for readers that decide by
     * them (the graders' hints): block outside the heap: address is what alloc returned, block_first..block_last
     * the words it hands out (block_last may pass the RAM's end); the allocator wrote into a live block: address
     * is the word written, in the live block block_first..block_last. block_known false: none (other verdicts) */
    bool block_known;
    uint16_t address;
    uint32_t block_first, block_last;
    /* with options.timeline: the heap over time (hack_heap_sanitizer_timeline's columns, copied) */
    uint8_t *timeline;
    uint64_t *timeline_cycles;
    size_t timeline_columns;
} hack_bench_result;

/* A result as a record of the graders' formats, one line without its newline: CSV (its columns in
 * HACK_BENCH_CSV_HEADER) or a JSON object. folder: the student as the user named them; program: the test program's
 * name; reference: a reference row (not graded). Returns the length written (cut to size). */
#define HACK_BENCH_CSV_HEADER                                                                                   \
    "folder,program,verdict,detail,place,cycles,optional,reference,policy,note,allocs,alloc_median,alloc_max,"  \
    "frees,free_median,free_max,peak_live_words,largest_request"
typedef enum { HACK_BENCH_CSV, HACK_BENCH_JSON } hack_bench_format;
size_t hack_bench_record(hack_bench_format format, const char *folder, const char *program, bool reference,
                         const hack_bench_result *result, char *buf, size_t size);

/* A result's heap over time as RGB pixels: left to right its timeline_columns moments, top to bottom the heap in
 * HACK_HEAP_TIMELINE_BANDS bands, each cell scale x scale pixels, the darker the more of a band's words are in live
 * blocks. rgb holds timeline_columns * scale x HACK_HEAP_TIMELINE_BANDS * scale pixels, 3 bytes each. */
void hack_bench_timeline_rgb(const hack_bench_result *result, int scale, uint8_t *rgb);

/* Frees what a result holds (its timeline). */
void hack_bench_result_free(hack_bench_result *result);

/* A test program: its header lines. A course-style test (a folder with Main.jack, X.tst and X.cmp, such as
 * the course's MemoryTest) is checked by the RAM words its .cmp names, read when the program has halted. */
/* A name the header gives one of Check's reports: "// value 3: Math.multiply(-32768, -1)". */
typedef struct {
    char kind; /* 'v' value, 'f' fail, 's' step */
    int id;
    char text[120];
} hack_bench_label;

typedef struct {
    char purpose[256];
    int expect_error;  /* "// expect: Sys.error(N)" */
    bool expect_halt;  /* "// expect: Sys.halt": the program must halt without reporting its end */
    bool compare_screen; /* "// compare: screen" */
    bool screen_tolerance; /* "// compare: screen within 1": a pixel one away from the reference's is forgiven */
    bool check_inits;      /* "// inits:": Sys.init calls Memory.init first, then every other OS init, before Main.main */
    bool screen_row_up;    /* "// compare: screen or a row up": the reference's screen moved up a pixel row passes too */
    char keys[256];    /* "// keys: TEXT", escapes decoded (\n 128, \b 129) */
    size_t key_count;
    hack_bench_label labels[128];
    size_t label_count;
    /* "// wait: A B MS": between Check.step(A) and Check.step(B) the program called Sys.wait(MS); the waits must
     * take time (at least 1,000 cycles a millisecond) in proportion to MS (within 30% of each other) */
    struct {
        int from, to, ms;
    } waits[4];
    size_t wait_count;
    bool optional;     /* "// optional: ..." */
    bool policy;       /* an optional line that names a policy: a failed check is "another policy" */
    bool figures;      /* "// figures: ...": the program whose figures a table shows */
    char cmp[4096];    /* a course-style test's .cmp ("" for none) */
} hack_bench_program;

/* Reads a program folder's header lines. False when the folder has no readable Main.jack. */
bool hack_bench_read_program(const char *program_folder, hack_bench_program *program);

/* The program's reference run, with the project's OS (native). Fills expected (ran false, with the problem,
 * when the program did not end as its header says); free it with hack_bench_expected_free. budget: 0 for the
 * default. */
void hack_bench_expect(const char *program_folder, uint64_t budget, bool judge_screen_at_halt,
                       hack_bench_expected *expected);
void hack_bench_expected_free(hack_bench_expected *expected);

/* Runs program_folder (a folder with Main.jack) with the Memory of student_folder (NULL for the reference
 * Memories of options.memory). Always fills result. */
void hack_bench_run(const char *student_folder, const char *program_folder, const hack_bench_options *options,
                    hack_bench_result *result);

#endif
