/*
 * fuzz_jsonl.c - libFuzzer target for the JSONL line parser.
 *
 *   clang -fsanitize=fuzzer,address -Iinclude -Isrc src/jsonl.c \
 *       tests/fuzz/fuzz_jsonl.c -o fuzz_jsonl && ./fuzz_jsonl -max_total_time=60
 *
 * Beyond "no crash, no sanitizer report", a parsed line must give a
 * well-formed record, and extra, being the unknown members as a compact
 * object, must parse back to itself with no known field.  Each input is
 * parsed twice with the same parser: reuse must not change the result.
 * A broken invariant aborts, which is how a fuzz target reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

static void check(int ok) {
    if (!ok) abort();
}

/* Invariants of one call's result. */
static void check_result(int rc, const jsonl_parser *p, const jsonl_record *r,
                         size_t size) {
    check(rc == 0 || rc == -1 || rc == -2);
    if (rc != 0) {
        check(p->err[0] != '\0');
        check(memchr(p->err, '\0', sizeof p->err) != NULL);
        check(p->err_off <= size);
        for (int f = 0; f < JSONL_NFIELDS; f++) check(r->val[f] == NULL);
        check(r->extra == NULL);
        return;
    }
    check(p->err[0] == '\0');
    for (int f = 0; f < JSONL_NFIELDS; f++) {
        if (!r->val[f]) {
            check(r->len[f] == 0);
            continue;
        }
        check(r->val[f][r->len[f]] == '\0');
        /* Unescaping never makes a string longer. */
        check(r->len[f] < size);
    }
    if (!r->extra) {
        check(r->extra_len == 0);
        return;
    }
    check(r->extra_len >= 2 && r->extra_len <= size);
    check(r->extra[0] == '{' && r->extra[r->extra_len - 1] == '}');
    check(r->extra[r->extra_len] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    jsonl_parser p, q;
    jsonl_record r, r2, rx;
    memset(&p, 0, sizeof p);
    memset(&q, 0, sizeof q);
    const char *line = (const char *)data;

    int rc = jsonl_parse(&p, line, size, &r);
    check_result(rc, &p, &r, size);

    if (rc == 0 && r.extra) {
        /* Copy extra out: parsing into q must not touch p's buffers, but
         * the copy keeps the check independent of that. */
        size_t n = r.extra_len;
        char *x = malloc(n + 1);
        if (x) {
            memcpy(x, r.extra, n + 1);
            int rcx = jsonl_parse(&q, x, n, &rx);
            check(rcx == 0 || rcx == -2);
            if (rcx == 0) {
                for (int f = 0; f < JSONL_NFIELDS; f++) check(rx.val[f] == NULL);
                check(rx.extra_len == n && memcmp(rx.extra, x, n) == 0);
            }
            free(x);
        }
    }

    /* Same parser, same input: the same answer. */
    size_t err_off = p.err_off;
    char err[sizeof p.err];
    memcpy(err, p.err, sizeof err);
    size_t lens[JSONL_NFIELDS];
    for (int f = 0; f < JSONL_NFIELDS; f++) lens[f] = r.len[f];
    size_t extra_len = r.extra_len;

    int rc2 = jsonl_parse(&p, line, size, &r2);
    check_result(rc2, &p, &r2, size);
    if (rc != -2 && rc2 != -2) {
        check(rc2 == rc);
        if (rc == 0) {
            for (int f = 0; f < JSONL_NFIELDS; f++) check(r2.len[f] == lens[f]);
            check(r2.extra_len == extra_len);
        } else {
            check(p.err_off == err_off && strcmp(p.err, err) == 0);
        }
    }

    jsonl_free(&p);
    jsonl_free(&q);
    return 0;
}
