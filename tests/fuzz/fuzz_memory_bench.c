/* The memory bench (hackemu --test-memory) on a student's Memory: the input is their Memory.jack, written into
 * a private folder of the harness's own (fuzz_make_work_folder: under the build, never /tmp), and run by
 * hack_bench_run against one of three of the bench's test programs (os/tests/Memory), chosen by the input's length
 * modulo 3, each with a small budget so that an input takes a few milliseconds: SizeZero (alloc(0) must end
 * in Sys.error(5)), FullHeap (a full heap must end in Sys.error(6)) and Blocks (blocks inside the heap whose
 * contents survive; it prints FAIL lines made of the program's strings, which the student's Memory may have
 * overwritten). A length that is a multiple of 5 also records the heap over time.
 *
 * Checks: no crash, no memory error; the verdict is one of the bench's, named by its own table (what a
 * teacher reads of the verdict never comes from the student's code); a failure has a detail, a pass has
 * none; the detail and the place are one line of printable text, whatever bytes the student's Memory made
 * the program print or the compiler quote; the graders' records (CSV and JSON) are one line each, with the
 * verdict's name in them; the cycles stay within the budget and the quarter more the bench may take to
 * tell no progress from slowness; nothing is written into the student's folder. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include "hack/memory_bench.h"

#ifndef FUZZ_BENCH_PROGRAMS
#define FUZZ_BENCH_PROGRAMS "os/tests/Memory"
#endif

static char folder[300];

static void remove_folder(void)
{
    fuzz_empty_folder(folder);
    rmdir(folder);
}

/* One line of printable ASCII: no control byte, no newline, nothing above 0x7E. */
FUZZ_NO_COVERAGE static bool one_printable_line(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c > 0x7E) return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const char *name;
        uint64_t budget;
    } programs[3] = {{"SizeZero", 300000}, {"FullHeap", 400000}, {"Blocks", 1500000}};
    if (!folder[0]) {
        fuzz_make_work_folder(folder, sizeof folder, "memory-bench");
        atexit(remove_folder);
    }
    char path[sizeof folder + 20];
    snprintf(path, sizeof path, "%s/Memory.jack", folder);
    FILE *file = fopen(path, "wb");
    if (!file || (size && fwrite(data, 1, size, file) != size) || fclose(file) != 0) abort();

    const int chosen = (int)(size % 3);
    char program[sizeof FUZZ_BENCH_PROGRAMS + 20];
    snprintf(program, sizeof program, "%s/%s", FUZZ_BENCH_PROGRAMS, programs[chosen].name);
    const hack_bench_options options = {.budget = programs[chosen].budget, .memory = HACK_BENCH_STUDENT,
                                        .timeline = size % 5 == 0};
    hack_bench_result result;
    hack_bench_run(folder, program, &options, &result);

    FUZZ_CHECK(result.verdict < HACK_BENCH_VERDICT_COUNT);
    const char *name = hack_bench_verdict_name(result.verdict);
    FUZZ_CHECK(strcmp(name, "?") != 0 && strcmp(hack_bench_verdict_mark(result.verdict), "?") != 0);
    if (result.verdict == HACK_BENCH_PASS)
        FUZZ_CHECK(!result.detail[0] && !result.place[0]);
    else
        FUZZ_CHECK(result.detail[0]);
    if (!one_printable_line(result.detail) || !one_printable_line(result.place))
        fprintf(stderr, "fuzz_memory_bench: %s: detail \"%s\", place \"%s\"\n", name, result.detail, result.place);
    FUZZ_CHECK(one_printable_line(result.detail));
    FUZZ_CHECK(one_printable_line(result.place));
    FUZZ_CHECK(result.cycles <= programs[chosen].budget + programs[chosen].budget / 4);
    FUZZ_CHECK(!options.timeline || !result.timeline_columns || (result.timeline && result.timeline_cycles));

    char record[4096], quoted[200];
    for (int format = 0; format < 2; format++) {
        const size_t length = hack_bench_record(format ? HACK_BENCH_JSON : HACK_BENCH_CSV, "student", programs[chosen].name,
                                                false, &result, record, sizeof record);
        FUZZ_CHECK(length == strlen(record) && one_printable_line(record));
        snprintf(quoted, sizeof quoted, "\"%s\"", name);
        FUZZ_CHECK(strstr(record, quoted) != NULL);
    }
    hack_bench_result_free(&result);
    /* the bench wrote nothing into the student's folder */
    FUZZ_CHECK(fuzz_empty_folder(folder) == 1);
    return 0;
}
