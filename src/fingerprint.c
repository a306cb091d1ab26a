/*
 * fingerprint.c - words, shingles, one-permutation MinHash, LSH bands and
 * paragraph hashes of a clean text.
 *
 * One-permutation hashing (Li, Owen, Zhang 2012) puts each shingle hash in
 * one of K bins by its high bits and keeps the smallest low bits per bin:
 * one hash per shingle instead of K, which is what makes fingerprinting
 * cheap enough for ingest.  Bins left empty (short texts) borrow from the
 * next filled bin with an offset, so two texts still agree on a bin with
 * probability close to their Jaccard similarity.
 */
#include "fingerprint.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "normalize.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *fp_params_string(void) {
    return "fp" STR(FP_VERSION) " shingle=" STR(FP_SHINGLE) " k=" STR(FP_K) " rows=" STR(
        FP_ROWS) " bands=" STR(FP_BANDS) " para=" STR(FP_PARA_WORDS);
}

#ifndef __SSE2__
/* Word characters of the matching form: ASCII letters, digits and '_' (as
 * \w), and any non-ASCII byte (letters of other scripts; punctuation that
 * matters was made ASCII by the matching form). */
static const unsigned char word_byte[256] = {
#define A(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_' || (c) >= 0x80)
#define X8(b) A(b), A(b + 1), A(b + 2), A(b + 3), A(b + 4), A(b + 5), A(b + 6), A(b + 7)
#define X64(b) X8(b), X8(b + 8), X8(b + 16), X8(b + 24), X8(b + 32), X8(b + 40), X8(b + 48), X8(b + 56)
    X64(0), X64(64), X64(128), X64(192),
#undef X64
#undef X8
#undef A
};
#endif

static inline uint64_t rotl(uint64_t x, int r) {
    r &= 63;
    return r ? (x << r) | (x >> (64 - r)) : x;
}

/* Insertion sort of v[0, n). */
static void insertion_u64(uint64_t *v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
}

/* LSD radix sort of v[0, n) on bytes through tmp, skipping bytes that
 * are equal in all. */
static void radix_u64(uint64_t *v, uint64_t *tmp, size_t n) {
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++) count[d][(v[i] >> (8 * d)) & 255]++;
    uint64_t *src = v, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        size_t *c = count[d];
        if (c[(v[0] >> (8 * d)) & 255] == n) continue; /* one value: no move */
        size_t sum = 0;
        for (int k = 0; k < 256; k++) {
            size_t t = c[k];
            c[k] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) dst[c[(src[i] >> (8 * d)) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

/* Sort v[0, n) of hash values.  Hashes spread evenly over 64 bits, so
 * one pass into about n/4 buckets by their top bits leaves a few values
 * per bucket, which insertion sort finishes: three passes over the data
 * instead of the radix sort's nine (the radix sort was a seventh of the
 * time of dedup, qsort() before it a sixth).  A crowded bucket (many
 * equal values, or a hostile input) goes to the radix sort, so the worst
 * case stays O(n).  0, or -1 when memory runs out. */
#define SORT_BITS 12 /* at most 4,096 buckets (32 KiB of counts) */
static int sort_u64(fp_ctx *ctx, uint64_t *v, size_t n) {
    if (n < 48) {
        insertion_u64(v, n);
        return 0;
    }
    if (array_grow((void **)&ctx->tmp, &ctx->cap_tmp, n, sizeof *ctx->tmp)) return -1;
    if (n > (size_t)16 << SORT_BITS) { /* a huge text: buckets would be crowded */
        radix_u64(v, ctx->tmp, n);
        return 0;
    }
    int bits = 1;
    while (bits < SORT_BITS && ((size_t)4 << bits) < n) bits++;
    size_t nb = (size_t)1 << bits;
    size_t start[(1 << SORT_BITS) + 1];
    memset(start, 0, (nb + 1) * sizeof *start);
    int shift = 64 - bits;
    for (size_t i = 0; i < n; i++) start[(v[i] >> shift) + 1]++;
    for (size_t b = 0; b < nb; b++) start[b + 1] += start[b];
    /* scatter: start[b] is bucket b's next free slot, then its end */
    uint64_t *t = ctx->tmp;
    for (size_t i = 0; i < n; i++) t[start[v[i] >> shift]++] = v[i];
    size_t from = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t to = start[b], k = to - from;
        if (k <= 32) insertion_u64(t + from, k);
        else radix_u64(t + from, v + from, k); /* v[from, to) is free scratch */
        from = to;
    }
    memcpy(v, t, n * sizeof *v);
    return 0;
}

/* Common words (data/common-words.txt, compiled in) are never topic
 * words: a set of their hashes, built once. */
extern const char sl_data_common_words_txt[];
extern const unsigned long sl_data_common_words_txt_len;
#define COMMON_SLOTS 4096 /* a power of two, well above the list's length */
static uint64_t common[COMMON_SLOTS];
/* A bit per slot: some word's probe starts there.  Most words are not
 * common, and the 512 bytes of bits answer them from the nearest cache
 * where the 32 KiB of slots did not (a fifth of fp_words went to that
 * load). */
static uint64_t common_home[COMMON_SLOTS / 64];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static uint64_t word_hash(const unsigned char *s, size_t n) {
    return XXH3_64bits(s, n) & ~(uint64_t)1;
}

static void common_load(void) {
    const char *p = sl_data_common_words_txt, *end = p + sl_data_common_words_txt_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n && p[0] != '#') {
            uint64_t h = word_hash((const unsigned char *)p, n) | 1; /* never 0 */
            size_t i = (size_t)(h >> 20) & (COMMON_SLOTS - 1);
            common_home[i / 64] |= (uint64_t)1 << (i % 64);
            while (common[i] && common[i] != h) i = (i + 1) & (COMMON_SLOTS - 1);
            common[i] = h;
        }
        p += n + 1;
    }
}

static int is_common(uint64_t h) {
    h |= 1;
    size_t home = (size_t)(h >> 20) & (COMMON_SLOTS - 1);
    if (!(common_home[home / 64] >> (home % 64) & 1)) return 0;
    for (size_t i = home; common[i]; i = (i + 1) & (COMMON_SLOTS - 1))
        if (common[i] == h) return 1;
    return 0;
}

/* Append the hash of the word s[0, n) to ctx->words (room made by the
 * caller).  The low bit marks a topic word: FP_TOPIC_BYTES or longer,
 * not a number, not a common word. */
static inline void add_word(fp_ctx *ctx, const unsigned char *s, size_t n) {
    uint64_t h = word_hash(s, n);
    if (n >= FP_TOPIC_BYTES) {
        int digits = 1;
        for (size_t k = 0; k < n && digits; k++) digits = s[k] >= '0' && s[k] <= '9';
        if (!digits && !is_common(h)) h |= 1;
    }
    ctx->words[ctx->n_words++] = h;
}

#ifdef __SSE2__
/* Bit i set when s[i] is a word byte of the matching form, for the
 * k <= 16 bytes at s: ASCII letters (the form is lower case), digits and
 * '_' (as \w), and any non-ASCII byte (letters of other scripts;
 * punctuation that matters was made ASCII by the matching form). */
static inline unsigned word_mask16(const unsigned char *s, size_t k) {
    unsigned char tail[16];
    const unsigned char *p = s;
    if (k < 16) { /* never read past the form */
        memset(tail, 0, sizeof tail);
        memcpy(tail, s, k);
        p = tail;
    }
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    /* bytes >= 0x80 (other scripts) have their sign bit set */
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(lower, digit), under)) |
           (unsigned)_mm_movemask_epi8(v);
}
#endif

/* Append the word hashes of form[0, n) to ctx->words; returns how many,
 * or -1 when memory runs out.  Words are found sixteen bytes a step: a
 * mask of word bytes, whose rising and falling edges are the words'
 * starts and ends (the byte loop was a third of fingerprinting). */
static long add_words(fp_ctx *ctx, const unsigned char *s, size_t n) {
    /* at most one word per two bytes */
    if (array_grow((void **)&ctx->words, &ctx->cap_words, ctx->n_words + n / 2 + 1,
                   sizeof *ctx->words))
        return -1;
    size_t before = ctx->n_words;
#ifdef __SSE2__
    size_t start = 0;
    unsigned carry = 0; /* the byte before this block is a word byte */
    for (size_t base = 0; base < n; base += 16) {
        size_t k = n - base < 16 ? n - base : 16;
        unsigned m = word_mask16(s + base, k);
        unsigned prev = ((m << 1) | carry) & 0xffff;
        unsigned edges = (m ^ prev) & 0xffff; /* starts and ends, alternating */
        carry = (m >> 15) & 1;
        while (edges) {
            unsigned b = (unsigned)__builtin_ctz(edges);
            edges &= edges - 1;
            if (m >> b & 1) start = base + b;
            else add_word(ctx, s + start, base + b - start);
        }
    }
    if (carry) add_word(ctx, s + start, n - start);
#else
    for (size_t i = 0; i < n;) {
        if (!word_byte[s[i]]) { i++; continue; }
        size_t j = i;
        while (j < n && word_byte[s[j]]) j++;
        add_word(ctx, s + i, j - i);
        i = j;
    }
#endif
    return (long)(ctx->n_words - before);
}

/* How many shingles nw words make: FP_SHINGLE consecutive words each,
 * across paragraphs; a text shorter than that is one shingle of all its
 * words. */
static size_t n_shingles_of(size_t nw) {
    return nw >= FP_SHINGLE ? nw - FP_SHINGLE + 1 : (nw ? 1 : 0);
}

/* The shingle hashes of words[0, nw) in text order, n_shingles_of(nw)
 * of them. */
static void seq_of(const uint64_t *w, size_t nw, uint64_t *seq) {
    if (nw >= FP_SHINGLE) {
        for (size_t i = 0; i + FP_SHINGLE <= nw; i++)
            seq[i] = mix64(w[i] ^ rotl(w[i + 1], 13) ^ rotl(w[i + 2], 26) ^ rotl(w[i + 3], 39) ^
                           rotl(w[i + 4], 52));
    } else if (nw) {
        uint64_t h = 0;
        for (size_t i = 0; i < nw; i++) h ^= rotl(w[i], (int)(13 * i));
        seq[0] = mix64(h);
    }
}

/* The shingles of ctx->words (f->words, f->n_words; paragraphs in
 * f->paras): in text order (seq), sorted and unique (shingles), and the
 * paragraphs' keys. */
static int shingle(fp_ctx *ctx, fingerprint *f) {
    size_t nw = f->n_words, ns = n_shingles_of(nw);
    if (array_grow((void **)&ctx->sh, &ctx->cap_sh, ns + 1, sizeof *ctx->sh) ||
        array_grow((void **)&ctx->sh32, &ctx->cap_sh32, ns + 1, sizeof *ctx->sh32))
        return -1;
    if (array_grow((void **)&ctx->seq, &ctx->cap_seq, ns + 1, sizeof *ctx->seq)) return -1;
    const uint64_t *w = f->words;
    seq_of(w, nw, ctx->seq);
    f->seq = ctx->seq;
    f->n_seq = ns;
    /* A paragraph's key is the least of its shingles under another hash:
     * a verbatim copy has the same key, and an edited copy that keeps a
     * share s of the paragraph's shingles keeps the key with probability
     * about s / (2 - s) (bottom-1 MinHash of the paragraph).  Only
     * shingles with a topic word compete when there are any: a run of
     * function words ("it was one of the") is shared by unrelated
     * paragraphs and would bring candidates that are not copies. */
    for (size_t p = 0; p < f->n_paras; p++) {
        fp_para *q = &ctx->paras[p]; /* f->paras is ctx->paras */
        uint64_t key = UINT64_MAX, plain = UINT64_MAX;
        for (size_t i = q->first; i + FP_SHINGLE <= q->first + q->words; i++) {
            uint64_t h = mix64(ctx->seq[i] ^ 0x2545F4914F6CDD1DULL);
            int topic = (int)((w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4]) & 1);
            if (topic && h < key) key = h;
            if (h < plain) plain = h;
        }
        q->hash = key != UINT64_MAX ? key : plain;
    }
    /* the set compared is of the top 32 bits: half the bytes to write,
     * read back and merge; two texts of a thousand shingles each share
     * a value by chance about once in 4,000 comparisons (2^20 pairs of
     * 2^32 values), one shingle in a thousand, which moves no verdict */
    if (ns) memcpy(ctx->sh, ctx->seq, ns * sizeof *ctx->sh);
    if (sort_u64(ctx, ctx->sh, ns)) return -1;
    size_t u = 0;
    for (size_t i = 0; i < ns; i++) {
        uint32_t h = (uint32_t)(ctx->sh[i] >> 32);
        if (u == 0 || h != ctx->sh32[u - 1]) ctx->sh32[u++] = h;
    }
    f->shingles = ctx->sh32;
    f->n_shingles = u;
    return 0;
}

void fp_rebuild(const uint64_t *words, size_t n_words, const uint32_t *shingles, size_t n_shingles,
                const fp_para *paras, size_t n_paras, fingerprint *f) {
    f->words = words;
    f->n_words = n_words;
    f->seq = NULL; /* made by fp_decide if it needs them */
    f->n_seq = n_shingles_of(n_words);
    f->shingles = shingles;
    f->n_shingles = n_shingles;
    f->paras = paras;
    f->n_paras = n_paras;
    f->words_only = 0;
}

int fp_words(fp_ctx *ctx, const char *text, size_t len, const sl_paragraph *paras,
             size_t n_paras, const char *form_base, const norm_span *forms, fingerprint *f) {
    (void)len;
    pthread_once(&common_once, common_load);
    ctx->n_words = 0;
    size_t np = 0;
    for (size_t p = 0; p < n_paras; p++) {
        const char *form;
        size_t flen;
        if (forms) {
            form = form_base + forms[p].off;
            flen = forms[p].len;
        } else {
            buf_reset(&ctx->form);
            if (norm_match_form(text + paras[p].start, paras[p].end - paras[p].start, &ctx->form))
                return -1;
            form = ctx->form.p;
            flen = ctx->form.len;
        }
        size_t first = ctx->n_words;
        long nw = add_words(ctx, (const unsigned char *)form, flen);
        if (nw < 0) return -1;
        if (nw < FP_PARA_WORDS) continue;
        if (array_grow((void **)&ctx->paras, &ctx->cap_paras, np + 1, sizeof *ctx->paras)) return -1;
        ctx->paras[np].index = (uint32_t)p;
        ctx->paras[np].first = (uint32_t)first;
        ctx->paras[np].words = (uint32_t)nw;
        np++;
    }
    f->paras = ctx->paras;
    f->n_paras = np;
    f->words = ctx->words;
    f->n_words = ctx->n_words;
    f->words_only = 1;
    return 0;
}

int fp_compute(fp_ctx *ctx, const char *text, size_t len, const sl_paragraph *paras,
               size_t n_paras, const char *form_base, const norm_span *forms, fingerprint *f) {
    if (fp_words(ctx, text, len, paras, n_paras, form_base, forms, f)) return -1;
    f->words_only = 0;
    if (shingle(ctx, f)) return -1;

    /* One-permutation MinHash: the high bits pick the bin, the low bits
     * compete in it. */
    uint8_t filled[FP_K] = {0};
    for (int b = 0; b < FP_K; b++) f->sig[b] = UINT32_MAX;
    size_t ns = f->n_seq; /* a repeated shingle does not move a minimum */
    for (size_t i = 0; i < ns; i++) {
        uint64_t h = ctx->seq[i];
        unsigned bin = (unsigned)(((h >> 32) * FP_K) >> 32);
        uint32_t v = (uint32_t)h;
        if (!filled[bin] || v < f->sig[bin]) f->sig[bin] = v;
        filled[bin] = 1;
    }
    /* Densification: an empty bin takes the next filled bin's value,
     * shifted by how far it had to look, so that empty bins of two texts
     * agree only when their neighbours do. */
    if (ns) {
        for (int b = 0; b < FP_K; b++) {
            if (filled[b]) continue;
            int j = b, d = 0;
            while (!filled[j]) {
                j = (j + 1) % FP_K;
                d++;
            }
            f->sig[b] = f->sig[j] + (uint32_t)d * 0x9E3779B9u;
        }
    }
    return 0;
}

void fp_ctx_free(fp_ctx *ctx) {
    if (!ctx) return;
    buf_free(&ctx->form);
    free(ctx->words);
    free(ctx->sh);
    free(ctx->sh32);
    free(ctx->d_sh);
    free(ctx->seq);
    free(ctx->paras);
    free(ctx->tmp);
    free(ctx->d_inter);
    free(ctx->d_in);
    free(ctx->d_set.slot);
    memset(ctx, 0, sizeof *ctx);
}

uint64_t fp_band_key(const fingerprint *f, int b) {
    return XXH3_64bits_withSeed(f->sig + b * FP_ROWS, FP_ROWS * sizeof *f->sig, (uint64_t)b);
}

/* Sorted unique sets, merged four against four: each of a's four is
 * compared with b's four in every rotation, and the block whose last
 * value is smaller moves on (Schlegel, Willhalm and Lehner's block
 * merge, SSE2).  A near copy shares most values, which made the jumps of
 * a plain merge random, and the merge a sixth of the stream deduper's
 * indexing thread; the tail is the plain merge without jumps. */
size_t fp_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out) {
    size_t i = 0, j = 0, n = 0;
#ifdef __SSE2__
    while (i + 4 <= na && j + 4 <= nb) {
        __m128i va = _mm_loadu_si128((const __m128i *)(const void *)(a + i));
        __m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(b + j));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi32(va, vb), _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x39))),
            _mm_or_si128(_mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x4e)),
                         _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x93))));
        unsigned hit = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(m)); /* bit k: a[i + k] is in b */
        if (out)
            for (unsigned k = 0; k < 4; k++)
                if (hit >> k & 1) out[n++] = a[i + k];
        if (!out) n += (size_t)__builtin_popcount(hit);
        uint32_t amax = a[i + 3], bmax = b[j + 3];
        i += amax <= bmax ? 4 : 0;
        j += bmax <= amax ? 4 : 0;
    }
#endif
    while (i < na && j < nb) {
        uint32_t x = a[i], y = b[j];
        if (out) out[n] = x;
        n += x == y;
        i += x <= y;
        j += y <= x;
    }
    return n;
}

double fp_jaccard(size_t inter, size_t na, size_t nb) {
    size_t uni = na + nb - inter;
    return uni ? (double)inter / (double)uni : 1.0;
}

double fp_containment(size_t inter, size_t na) { return na ? (double)inter / (double)na : 0.0; }

/* The shingles both articles have, for the paragraph tests below, in an
 * open-addressing table at most half full: a near copy shares most of its
 * shingles, and a probe or two per shingle costs a third of what a binary
 * search behind a bit filter did (callgrind, ingest of dedup-dev).  The
 * hashes are uniform already, so their low bits are the slot.  0, or -1
 * when memory runs out. */
static int shared_init(fp_shared *s, const uint32_t *v, size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > s->cap) {
        uint32_t *p = realloc(s->slot, cap * sizeof *p);
        if (!p) return -1;
        s->slot = p;
        s->cap = cap;
    }
    s->mask = cap - 1;
    s->has_zero = 0;
    memset(s->slot, 0, cap * sizeof *s->slot);
    for (size_t i = 0; i < n; i++) {
        if (!v[i]) {
            s->has_zero = 1;
            continue;
        }
        size_t k = (size_t)v[i] & s->mask;
        while (s->slot[k]) k = (k + 1) & s->mask;
        s->slot[k] = v[i];
    }
    return 0;
}

static inline int shared_has(const fp_shared *s, uint32_t h) {
    if (!h) return s->has_zero;
    for (size_t k = (size_t)h & s->mask;; k = (k + 1) & s->mask) {
        if (s->slot[k] == h) return 1;
        if (!s->slot[k]) return 0;
    }
}

/* Is paragraph p of a mostly in the other article: at least
 * FP_PARA_CONTAINED of the shingles inside it shared?  An edited copy of a
 * paragraph keeps most of its shingles; a sentence quoted inside another
 * paragraph does not make the paragraph contained. */
static int para_contained(const uint64_t *seq, const fp_para *p, const fp_shared *s) {
    if (p->words < FP_SHINGLE) return 0;
    size_t n = p->words - FP_SHINGLE + 1, hit = 0;
    size_t need = (size_t)ceil(FP_PARA_CONTAINED * (double)n);
    const uint64_t *q = seq + p->first;
    for (size_t i = 0; i < n && hit < need && hit + (n - i) >= need; i++)
        hit += (size_t)shared_has(s, (uint32_t)(q[i] >> 32));
    return hit >= need;
}

/* Mark the paragraphs of a contained in the other article (in[i]); their
 * count, words, and up to cap paragraph numbers.  a's shingles in text
 * order are made in x when fp_rebuild left them out.  -1: out of memory. */
static long contained_paras(fp_ctx *x, const fingerprint *a, const fp_shared *s, uint8_t *in,
                            uint32_t *idx, size_t cap, size_t *words) {
    size_t n = 0;
    *words = 0;
    const uint64_t *seq = a->seq;
    if (!seq && a->n_paras) {
        if (array_grow((void **)&x->seq, &x->cap_seq, a->n_seq + 1, sizeof *x->seq)) return -1;
        seq_of(a->words, a->n_words, x->seq);
        seq = x->seq;
    }
    for (size_t i = 0; i < a->n_paras; i++) {
        in[i] = (uint8_t)para_contained(seq, &a->paras[i], s);
        if (!in[i]) continue;
        if (n < cap) idx[n] = a->paras[i].index;
        n++;
        *words += a->paras[i].words;
    }
    return (long)n;
}

/* The topic words of a outside its contained paragraphs, sorted into out;
 * how many, or -1 when memory runs out. */
static long rest_words(fp_ctx *x, const fingerprint *a, const uint8_t *in, uint64_t *out) {
    size_t n = 0, w = 0;
    for (size_t i = 0; i <= a->n_paras; i++) {
        size_t end = i < a->n_paras ? a->paras[i].first : a->n_words;
        for (; w < end; w++)
            if (a->words[w] & 1) out[n++] = a->words[w];
        if (i < a->n_paras && in[i]) w += a->paras[i].words;
    }
    return sort_u64(x, out, n) ? -1 : (long)n;
}

/* Cosine of the term-frequency vectors of two sorted word lists. */
static double tf_cosine(const uint64_t *a, size_t na, const uint64_t *b, size_t nb) {
    double dot = 0, qa = 0, qb = 0;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        uint64_t h = i < na && (j >= nb || a[i] <= b[j]) ? a[i] : b[j];
        size_t ca = 0, cb = 0;
        while (i < na && a[i] == h) { ca++; i++; }
        while (j < nb && b[j] == h) { cb++; j++; }
        dot += (double)ca * (double)cb;
        qa += (double)ca * (double)ca;
        qb += (double)cb * (double)cb;
    }
    return qa > 0 && qb > 0 ? dot / sqrt(qa * qb) : 0.0;
}

int fp_decide_shingles(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
                       fp_verdict *v) {
    memset(v, 0, offsetof(fp_verdict, shared));
    /* d_sh holds the shared shingles */
    if (array_grow((void **)&x->d_sh, &x->cap_d_sh, a->n_shingles + 1, sizeof *x->d_sh)) return -1;
    size_t inter = fp_intersect(a->shingles, a->n_shingles, b->shingles, b->n_shingles, x->d_sh);
    x->d_n_sh = inter;
    size_t small = a->n_shingles < b->n_shingles ? a->n_shingles : b->n_shingles;
    v->jaccard = fp_jaccard(inter, a->n_shingles, b->n_shingles);
    v->containment = fp_containment(inter, small);
    if (memcmp(a->exact, b->exact, 16) == 0) {
        v->kind = SL_DUP_EXACT;
        v->jaccard = v->containment = 1.0;
    } else if (v->jaccard >= r->near_jaccard && v->containment >= r->near_containment) {
        v->kind = SL_DUP_NEAR;
    }
    /* Shared passages, found from both sides: the words that a holds of b
     * and b of a; the smaller is the evidence.  Positions pair up in text
     * order.  A passage of partial_min_words words in paragraphs of at
     * least FP_PARA_WORDS has at least this many shingles in common: */
    size_t least = (size_t)(FP_PARA_CONTAINED *
                            (double)(FP_PARA_WORDS - FP_SHINGLE + 1)) *
                   ((r->partial_min_words + FP_PARA_WORDS - 1) / FP_PARA_WORDS);
    if (!v->kind && inter < least) return 0;
    if (v->kind && !r->near_evidence) return 0;
    return 1;
}

int fp_decide_rest(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
                   fp_verdict *v) {
    /* d_inter holds the topic words of both */
    if (array_grow((void **)&x->d_inter, &x->cap_d_inter, a->n_words + b->n_words + 1, sizeof *x->d_inter) ||
        array_grow((void **)&x->d_in, &x->cap_d_in, a->n_paras + b->n_paras + 1, sizeof *x->d_in))
        return -1;
    fp_shared *s = &x->d_set;
    if (shared_init(s, x->d_sh, x->d_n_sh)) return -1;
    uint8_t *ina = x->d_in, *inb = x->d_in + a->n_paras;
    uint32_t ia[64], ib[64];
    size_t wa, wb;
    long la = contained_paras(x, a, s, ina, ia, 64, &wa);
    long lb = la < 0 ? -1 : contained_paras(x, b, s, inb, ib, 64, &wb);
    if (lb < 0) return -1;
    size_t na = (size_t)la, nb = (size_t)lb;
    v->paragraphs = na < nb ? na : nb;
    v->words = wa < wb ? wa : wb;
    for (size_t i = 0; i < v->paragraphs && i < 64; i++) {
        v->shared[i][0] = ia[i];
        v->shared[i][1] = ib[i];
    }
    if (v->kind || v->words < r->partial_min_words) return 0;
    /* The topic words outside the passage. */
    uint64_t *iv = x->d_inter;
    long ta = rest_words(x, a, ina, iv);
    long tb = ta < 0 ? -1 : rest_words(x, b, inb, iv + ta);
    if (tb < 0) return -1;
    v->topic = tf_cosine(iv, (size_t)ta, iv + ta, (size_t)tb);
    if (v->topic < r->partial_max_topic) v->kind = SL_DUP_PARTIAL;
    return 0;
}

int fp_decide(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
              fp_verdict *v) {
    int more = fp_decide_shingles(x, a, b, r, v);
    return more == 1 ? fp_decide_rest(x, a, b, r, v) : more;
}
