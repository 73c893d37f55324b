/* Timing helpers shared by the benchmark programs (host only).
 *
 * Every figure is measured against its reference in the same process, the
 * two interleaved: each round times the subject and then the reference, each
 * for at least a minimum time, and the median over the rounds is reported,
 * so a burst of load from elsewhere on the machine hits both sides alike. */
#ifndef ABOTA_BENCH_UTIL_H
#define ABOTA_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One unit of work; returns the bytes it processed. */
typedef uint64_t (*bench_fn)(void *arg);

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* BENCH_QUICK=1: short runs for CI, where only "it runs" matters. */
static inline int bench_quick(void)
{
    const char *q = getenv("BENCH_QUICK");
    return q && q[0] && strcmp(q, "0") != 0;
}

/* Bytes per second of fn over at least min_s seconds. */
static inline double bench_rate_once(bench_fn fn, void *arg, double min_s)
{
    uint64_t bytes = 0;
    double t0 = bench_now(), t;
    do {
        bytes += fn(arg);
        t = bench_now();
    } while (t - t0 < min_s);
    return (double)bytes / (t - t0);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

#define BENCH_MAX_ROUNDS 15

/* Medians over `rounds` interleaved rounds, in MB/s (10^6 bytes/s). */
static inline void bench_pair(bench_fn a, void *a_arg, bench_fn b, void *b_arg, double min_s,
                              int rounds, double *a_mbps, double *b_mbps)
{
    double ra[BENCH_MAX_ROUNDS], rb[BENCH_MAX_ROUNDS];
    if (rounds > BENCH_MAX_ROUNDS)
        rounds = BENCH_MAX_ROUNDS;
    if (rounds < 1)
        rounds = 1;
    a(a_arg); /* warm caches and the branch predictor */
    b(b_arg);
    for (int i = 0; i < rounds; i++) {
        ra[i] = bench_rate_once(a, a_arg, min_s) / 1e6;
        rb[i] = bench_rate_once(b, b_arg, min_s) / 1e6;
    }
    *a_mbps = bench_median(ra, rounds);
    *b_mbps = bench_median(rb, rounds);
}

/* Run length per side and rounds for the current mode. */
static inline void bench_budget(double *min_s, int *rounds)
{
    if (bench_quick()) {
        *min_s = 0.01;
        *rounds = 3;
    } else {
        *min_s = 0.05;
        *rounds = 7;
    }
}

#endif
