/*
 * postings.c - the bucket blobs of postings.h: encoding, decoding,
 * lookup and merge.  Pure functions, tested alone.
 */
#include "postings.h"

#include <string.h>

static int put_varint(buf *b, uint32_t x) {
    unsigned char t[5];
    size_t n = 0;
    do {
        t[n++] = (unsigned char)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
        x >>= 7;
    } while (x);
    return buf_put(b, t, n);
}

/* The varint at *i of p[0, n); -1 when it runs past the end or 32 bits. */
static int64_t get_varint(const unsigned char *p, size_t n, size_t *i) {
    uint64_t x = 0;
    for (int shift = 0; shift < 35 && *i < n; shift += 7) {
        unsigned char c = p[(*i)++];
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return x > UINT32_MAX ? -1 : (int64_t)x;
    }
    return -1;
}

int post_encode(const uint64_t *v, size_t n, buf *out) {
    buf_reset(out);
    uint32_t lo = 0, seq = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = post_key(v[i]) & 0xffff, s = post_seq(v[i]);
        if (i && k != lo) seq = 0;
        if (put_varint(out, k - lo) || put_varint(out, s - seq)) return -1;
        lo = k;
        seq = s;
    }
    return 0;
}

/* Walk a blob: each posting's low key bits and seq in turn.  Returns 1
 * with the next one, 0 at the end, -1 when malformed. */
typedef struct walker {
    const unsigned char *p;
    size_t n, i;
    uint32_t lo, seq;
    int started;
} walker;

static int next(walker *w) {
    if (w->i >= w->n) return 0;
    int64_t dk = get_varint(w->p, w->n, &w->i);
    int64_t ds = dk < 0 ? -1 : get_varint(w->p, w->n, &w->i);
    if (ds < 0 || w->lo + (uint64_t)dk > 0xffff) return -1;
    if (dk || !w->started) w->seq = 0;
    if ((uint64_t)w->seq + (uint64_t)ds > UINT32_MAX) return -1;
    w->lo += (uint32_t)dk;
    w->seq += (uint32_t)ds;
    w->started = 1;
    return 1;
}

int post_decode(uint32_t bucket, const unsigned char *p, size_t n, uint64_t **v, size_t *nv,
                size_t *cap) {
    walker w = {p, n, 0, 0, 0, 0};
    int rc;
    while ((rc = next(&w)) == 1) {
        if (array_grow((void **)v, cap, *nv + 1, sizeof **v)) return -1;
        (*v)[(*nv)++] = post_value(bucket << 16 | w.lo, w.seq);
    }
    return rc < 0 ? -2 : 0;
}

size_t post_find(const unsigned char *p, size_t n, uint32_t key, uint32_t *out, size_t max) {
    walker w = {p, n, 0, 0, 0, 0};
    uint32_t lo = key & 0xffff;
    size_t found = 0;
    int rc;
    while ((rc = next(&w)) == 1) {
        if (w.lo < lo) continue;
        if (w.lo > lo) break;
        if (found < max) out[found] = w.seq;
        found++;
    }
    return rc < 0 ? (size_t)-1 : found;
}

size_t post_merge(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t cap,
                  uint64_t *out) {
    size_t i = 0, j = 0, n = 0, run = 0;
    while (i < na || j < nb) {
        uint64_t x;
        if (j >= nb || (i < na && a[i] <= b[j])) x = a[i++];
        else x = b[j++];
        if (n && out[n - 1] == x) continue;
        run = n && post_key(out[n - 1]) == post_key(x) ? run + 1 : 1;
        if (run > cap) continue;
        out[n++] = x;
    }
    return n;
}
