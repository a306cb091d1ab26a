/*
 * check_latency.c - latency of sl_check() against a store, for bench/.
 *
 *   check_latency STORE ARTICLES.jsonl [N]
 *
 * Opens STORE read-only, checks the first N articles (default 1000) of the
 * JSONL file one by one, and prints the matches found and the latency
 * percentiles (p50, p90, p99, max) in milliseconds.  Use articles that are
 * not in the store, some of them copies of stored ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "storyline.h"

static int count(void *ud, const sl_dup_match *m) {
    (void)m;
    (*(size_t *)ud)++;
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: check_latency STORE ARTICLES.jsonl [N]\n");
        return 2;
    }
    size_t want = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000;
    sl_options opt;
    sl_options_init(&opt);
    opt.readonly = 1;
    sl_engine *e;
    if (sl_open(argv[1], &opt, &e) != SL_OK) {
        fprintf(stderr, "check_latency: %s: %s\n", argv[1], sl_errmsg(e));
        return 1;
    }
    const char *paths[] = {argv[2]};
    sl_reader *r;
    if (sl_reader_open(paths, 1, SL_FORMAT_AUTO, opt.max_article_bytes, &r) != SL_OK) return 1;
    double *ms = malloc(want * sizeof *ms);
    size_t n = 0, matches = 0, with = 0;
    const sl_article *a;
    sl_status s;
    while (n < want && (s = sl_reader_next(r, &a)) != SL_DONE) {
        if (s != SL_OK) continue;
        struct timespec t0, t1;
        size_t before = matches;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        s = sl_check(e, a, count, &matches);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (s != SL_OK) {
            fprintf(stderr, "check_latency: %s\n", sl_errmsg(e));
            continue;
        }
        with += matches > before;
        ms[n++] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
    if (!n) {
        fprintf(stderr, "check_latency: no article checked\n");
        return 1;
    }
    qsort(ms, n, sizeof *ms, cmp_double);
    printf("check: %zu articles, %zu with matches (%zu matches); latency ms p50 %.3f p90 %.3f "
           "p99 %.3f max %.3f\n",
           n, with, matches, ms[n / 2], ms[n * 9 / 10], ms[n * 99 / 100], ms[n - 1]);
    free(ms);
    sl_reader_close(r);
    sl_close(e);
    return 0;
}
