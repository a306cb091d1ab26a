/*
 * chain.c - IOB2 transitions, Viterbi and model headers of chain.h.
 */
#include "chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "buf.h"

size_t chain_lower(const char *w, size_t len, char *low, size_t cap) {
    size_t ln = len < cap ? len : cap;
    for (size_t j = 0; j < ln; j++) {
        unsigned char c = (unsigned char)w[j];
        low[j] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return ln;
}

size_t chain_shape(const char *s, size_t n, char *out, size_t cap, int collapsed) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80) continue; /* one letter a character */
        char x = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : c >= '0' && c <= '9' ? 'd'
               : c >= 0x80 ? 'x' : (char)c;
        if (collapsed && k && out[k - 1] == x) continue;
        out[k++] = x;
    }
    return k;
}

int chain_allowed(int a, int b, int tags) {
    if (b == 0 || (b & 1)) return 1; /* O and B-X follow anything */
    return a != tags && a != 0 && (a + 1) / 2 == (b + 1) / 2; /* I-X after B-X, I-X */
}

void chain_viterbi(int tags, const float *trans, float *score, uint8_t *back, size_t n, uint8_t *out) {
    if (!n) return;
    const float *start = trans + (size_t)tags * tags;
    for (int b = 0; b < tags; b++) score[b] += start[b];
    for (size_t i = 1; i < n; i++) {
        float *prev = score + (i - 1) * tags, *cur = score + i * tags;
        for (int b = 0; b < tags; b++) {
            int arg = 0;
            float best = prev[0] + trans[b];
            for (int a = 1; a < tags; a++) {
                float v = prev[a] + trans[(size_t)a * tags + b];
                if (v > best) best = v, arg = a;
            }
            cur[b] += best;
            back[i * tags + b] = (uint8_t)arg;
        }
    }
    int t = 0;
    const float *last = score + (n - 1) * tags;
    for (int b = 1; b < tags; b++)
        if (last[b] > last[t]) t = b;
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)t;
        if (i) t = back[i * tags + t];
    }
}

int chain_read_header(const void *data, size_t n, const char magic[8], const char *kind, chain_header *h,
                      char *err, size_t errlen) {
    const unsigned char *p = data;
    if (n < CHAIN_HEADER || memcmp(p, magic, 7) != 0) {
        snprintf(err, errlen, "not a storyline %s model (no %.5s header)", kind, magic);
        return -1;
    }
    if (p[7] != (unsigned char)magic[7]) {
        snprintf(err, errlen, "%s model format %u; this build reads format %u", kind, p[7],
                 (unsigned char)magic[7]);
        return -1;
    }
    h->tags = le_get(p + 8, 4), h->bits = le_get(p + 12, 4);
    h->features = le_get(p + 16, 4), h->extra = le_get(p + 20, 4);
    uint32_t sc = le_get(p + 24, 4);
    memcpy(&h->scale, &sc, sizeof h->scale);
    return 0;
}

int chain_check(const void *data, size_t n, size_t want, const char *kind, char *err, size_t errlen) {
    const unsigned char *p = data;
    if (n != want) {
        snprintf(err, errlen, "%s model is %zu bytes; its header says %zu", kind, n, want);
        return -1;
    }
    uint64_t sum = le_get(p + 32, 4) | (uint64_t)le_get(p + 36, 4) << 32;
    if (XXH64(p + CHAIN_HEADER, n - CHAIN_HEADER, 0) != sum) {
        snprintf(err, errlen, "%s model checksum does not match: the file is damaged", kind);
        return -1;
    }
    return 0;
}

void chain_write_header(unsigned char *p, size_t size, const char magic[8], const chain_header *h) {
    memset(p, 0, CHAIN_HEADER);
    memcpy(p, magic, 8);
    le_put(p + 8, h->tags, 4);
    le_put(p + 12, h->bits, 4);
    le_put(p + 16, h->features, 4);
    le_put(p + 20, h->extra, 4);
    uint32_t sc;
    memcpy(&sc, &h->scale, 4);
    le_put(p + 24, sc, 4);
    uint64_t sum = XXH64(p + CHAIN_HEADER, size - CHAIN_HEADER, 0);
    le_put(p + 32, (uint32_t)sum, 4);
    le_put(p + 36, (uint32_t)(sum >> 32), 4);
}

/* The weights are read at random, a few dozen rows a token, from tables
 * of megabytes: in 4 KiB pages nearly every row is a miss in the TLB as
 * well as the cache, and huge pages took 6 to 9 % off the attribution
 * tagger's time (storyline attributions on news-base, alternating runs).
 * The built-in models are in the program's file, whose pages are small. */
const void *chain_hot(const void *data, size_t n) {
    size_t huge = (size_t)2 << 20, size = (n + huge - 1) / huge * huge;
    void *p = size ? aligned_alloc(huge, size) : NULL;
    if (!p) return data;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* advice: without it, small pages */
#endif
    memcpy(p, data, n);
    return p;
}
