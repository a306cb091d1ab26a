/*
 * test_postings.c - the in-memory multimap and the bucket blobs of the
 * store's duplicate postings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "multimap.h"
#include "pool.h"
#include "postings.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted unique postings of one bucket, some keys with several seqs. */
static size_t bucket_values(uint32_t bucket, uint64_t *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t lo = (uint32_t)(next_rand() % 40); /* few keys: lists */
        uint32_t seq = (uint32_t)(next_rand() % 3000000) + 1;
        v[i] = post_value(bucket << 16 | lo, seq);
    }
    qsort(v, n, sizeof *v, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || v[i] != v[u - 1]) v[u++] = v[i];
    return u;
}

static void blob_round_trip(void **state) {
    (void)state;
    uint64_t v[500], *back = NULL;
    size_t n = bucket_values(0xbeef, v, 500), nb = 0, cap = 0;
    buf b = {0};
    assert_int_equal(post_encode(v, n, &b), 0);
    assert_true(b.len < n * 5); /* varints: a few bytes a posting */
    assert_int_equal(post_decode(0xbeef, (unsigned char *)b.p, b.len, &back, &nb, &cap), 0);
    assert_int_equal(nb, n);
    assert_memory_equal(back, v, n * sizeof *v);
    /* the seqs of one key, in order, and how many there are */
    uint32_t key = post_key(v[n / 2]), out[8];
    size_t want = 0;
    for (size_t i = 0; i < n; i++) want += post_key(v[i]) == key;
    size_t got = post_find((unsigned char *)b.p, b.len, key, out, 8);
    assert_int_equal(got, want);
    for (size_t i = 0, j = 0; i < n && j < 8 && j < want; i++)
        if (post_key(v[i]) == key) assert_int_equal(out[j++], post_seq(v[i]));
    assert_int_equal(post_find((unsigned char *)b.p, b.len, 0xbeef0000u | 41, out, 8), 0);
    /* a cut blob is malformed, not misread */
    nb = 0;
    unsigned char cut[3] = {0x05, 0x80, 0x80};
    assert_int_equal(post_decode(1, cut, sizeof cut, &back, &nb, &cap), -2);
    assert_int_equal(post_find(cut, sizeof cut, 5, out, 8), (size_t)-1);
    free(back);
    buf_free(&b);
}

static void empty_blob_is_empty_bucket(void **state) {
    (void)state;
    buf b = {0};
    assert_int_equal(post_encode(NULL, 0, &b), 0);
    assert_int_equal(b.len, 0);
    uint32_t out[1];
    assert_int_equal(post_find(NULL, 0, 7, out, 1), 0);
    buf_free(&b);
}

static void merge_is_sorted_unique_and_capped(void **state) {
    (void)state;
    uint64_t a[] = {post_value(7, 1), post_value(7, 3), post_value(9, 2)};
    uint64_t b[] = {post_value(7, 2), post_value(7, 3), post_value(7, 4), post_value(8, 1)};
    uint64_t out[7];
    size_t n = post_merge(a, 3, b, 4, 3, out);
    uint64_t want[] = {post_value(7, 1), post_value(7, 2), post_value(7, 3), post_value(8, 1),
                       post_value(9, 2)};
    assert_int_equal(n, 5); /* 7:3 once; 7:4 over the cap of 3 */
    assert_memory_equal(out, want, sizeof want);
}

static void multimap_lists_and_caps(void **state) {
    (void)state;
    multimap m = {0};
    uint32_t out[MM_CAP];
    for (uint32_t i = 0; i < 100000; i++) assert_int_equal(mm_add(&m, i * 2654435761u, i), 0);
    for (uint32_t i = 0; i < 100000; i += 997) {
        assert_int_equal(mm_get(&m, i * 2654435761u, out), 1);
        assert_int_equal(out[0], i);
    }
    for (uint32_t v = 0; v < 3; v++) assert_int_equal(mm_add(&m, 5u * 2654435761u, 1000000 + v), 0);
    assert_int_equal(mm_get(&m, 5u * 2654435761u, out), 4);
    assert_int_equal(out[0], 1000002); /* newest first */
    assert_int_equal(out[3], 5);
    for (uint32_t v = 0; v < 2 * MM_CAP; v++) assert_int_equal(mm_add(&m, 0xdead, v), 0);
    assert_int_equal(mm_get(&m, 0xdead, out), MM_CAP); /* full */
    assert_int_equal(mm_get(&m, 0xdeae, out), 0);
    assert_int_equal(mm_add(&m, 1, MM_MAX_VALUE + 1u), -1);
    mm_clear(&m);
    assert_int_equal(mm_get(&m, 0xdead, out), 0);
}

/* The pool consumes in order whatever thread prepared, and never holds
 * more than the window prepared ahead. */
typedef struct order {
    size_t n, window;
    size_t *made;       /* prepared value of item i */
    size_t consumed;
    _Atomic size_t ahead, most;
    int bad;
} order;

static void ord_prepare(void *ctx, unsigned w, size_t i) {
    order *o = ctx;
    size_t a = ++o->ahead;
    size_t m = o->most;
    while (a > m && !__atomic_compare_exchange_n((size_t *)&o->most, &m, a, 0, __ATOMIC_SEQ_CST,
                                                  __ATOMIC_SEQ_CST)) {}
    o->made[i] = i * 3 + 1;
}

static int ord_consume(void *ctx, size_t i) {
    order *o = ctx;
    if (i != o->consumed || o->made[i] != i * 3 + 1) o->bad = 1;
    o->consumed++;
    o->ahead--;
    return i == 4000; /* a stop */
}

static void pool_keeps_order_and_window(void **state) {
    (void)state;
    order o = {.n = 5000, .window = 4};
    o.made = calloc(o.n, sizeof *o.made);
    pool_fns f = {&o, ord_prepare, ord_consume};
    assert_int_equal(pool_run(&f, o.n, 3, o.window), 0);
    assert_false(o.bad);
    assert_int_equal(o.consumed, 4001); /* nothing after the stop */
    assert_true(o.most <= o.window);
    free(o.made);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blob_round_trip),
        cmocka_unit_test(empty_blob_is_empty_bucket),
        cmocka_unit_test(merge_is_sorted_unique_and_capped),
        cmocka_unit_test(multimap_lists_and_caps),
        cmocka_unit_test(pool_keeps_order_and_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
