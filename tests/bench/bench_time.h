/* What the benchmarks share: a monotonic clock and the median of runs. */
#ifndef HACK_BENCH_TIME_H
#define HACK_BENCH_TIME_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of up to 100 values (they are left as they are). */
static inline double median(const double *values, int runs)
{
    double sorted[100];
    memcpy(sorted, values, sizeof values[0] * (size_t)runs);
    qsort(sorted, (size_t)runs, sizeof sorted[0], compare_doubles);
    return sorted[runs / 2];
}

#endif
