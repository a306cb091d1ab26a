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
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "normalize.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *fp_params_string(void) {
    return "fp" STR(FP_VERSION) " shingle=" STR(FP_SHINGLE) " k=" STR(FP_K) " rows=" STR(
        FP_ROWS) " bands=" STR(FP_BANDS) " para=" STR(FP_PARA_WORDS);
}

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

/* A 64-bit finaliser (from MurmurHash3): spreads every input bit. */
static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t rotl(uint64_t x, int r) {
    r &= 63;
    return r ? (x << r) | (x >> (64 - r)) : x;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Common words (data/common-words.txt, compiled in) are never topic
 * words: a set of their hashes, built once. */
extern const char sl_data_common_words_txt[];
extern const unsigned long sl_data_common_words_txt_len;
#define COMMON_SLOTS 4096 /* a power of two, well above the list's length */
static uint64_t common[COMMON_SLOTS];
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
            while (common[i] && common[i] != h) i = (i + 1) & (COMMON_SLOTS - 1);
            common[i] = h;
        }
        p += n + 1;
    }
}

static int is_common(uint64_t h) {
    h |= 1;
    for (size_t i = (size_t)(h >> 20) & (COMMON_SLOTS - 1); common[i]; i = (i + 1) & (COMMON_SLOTS - 1))
        if (common[i] == h) return 1;
    return 0;
}

/* Append the word hashes of form[0, n) to ctx->words; returns how many. */
static long add_words(fp_ctx *ctx, const unsigned char *s, size_t n) {
    long count = 0;
    for (size_t i = 0; i < n;) {
        if (!word_byte[s[i]]) { i++; continue; }
        size_t j = i;
        while (j < n && word_byte[s[j]]) j++;
        if (array_grow((void **)&ctx->words, &ctx->cap_words, ctx->n_words + 1, sizeof *ctx->words))
            return -1;
        /* The low bit marks a topic word: FP_TOPIC_BYTES or longer, not a
         * number, not a common word. */
        uint64_t h = word_hash(s + i, j - i);
        if (j - i >= FP_TOPIC_BYTES) {
            int digits = 1;
            for (size_t k = i; k < j && digits; k++) digits = s[k] >= '0' && s[k] <= '9';
            if (!digits && !is_common(h)) h |= 1;
        }
        ctx->words[ctx->n_words++] = h;
        count++;
        i = j;
    }
    return count;
}

int fp_compute(fp_ctx *ctx, const char *text, size_t len, const sl_paragraph *paras,
               size_t n_paras, fingerprint *f) {
    (void)len;
    pthread_once(&common_once, common_load);
    ctx->n_words = 0;
    size_t np = 0;
    for (size_t p = 0; p < n_paras; p++) {
        buf_reset(&ctx->form);
        if (norm_match_form(text + paras[p].start, paras[p].end - paras[p].start, &ctx->form))
            return -1;
        size_t first = ctx->n_words;
        long nw = add_words(ctx, (const unsigned char *)ctx->form.p, ctx->form.len);
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

    /* Shingles: FP_SHINGLE consecutive words, across paragraphs; a text
     * shorter than that is one shingle of all its words. */
    size_t nw = ctx->n_words, ns = nw >= FP_SHINGLE ? nw - FP_SHINGLE + 1 : (nw ? 1 : 0);
    if (array_grow((void **)&ctx->sh, &ctx->cap_sh, ns + 1, sizeof *ctx->sh)) return -1;
    if (array_grow((void **)&ctx->seq, &ctx->cap_seq, ns + 1, sizeof *ctx->seq)) return -1;
    const uint64_t *w = ctx->words;
    if (nw >= FP_SHINGLE) {
        for (size_t i = 0; i < ns; i++)
            ctx->seq[i] = mix64(w[i] ^ rotl(w[i + 1], 13) ^ rotl(w[i + 2], 26) ^
                               rotl(w[i + 3], 39) ^ rotl(w[i + 4], 52));
    } else if (nw) {
        uint64_t h = 0;
        for (size_t i = 0; i < nw; i++) h ^= rotl(w[i], (int)(13 * i));
        ctx->seq[0] = mix64(h);
    }
    f->seq = ctx->seq;
    f->n_seq = ns;
    /* A paragraph's key is the least of its shingles under another hash:
     * a verbatim copy has the same key, and an edited copy that keeps a
     * share s of the paragraph's shingles keeps the key with probability
     * about s / (2 - s) (bottom-1 MinHash of the paragraph). */
    for (size_t p = 0; p < np; p++) {
        const fp_para *q = &ctx->paras[p];
        uint64_t key = UINT64_MAX;
        for (size_t i = q->first; i + FP_SHINGLE <= q->first + q->words; i++) {
            uint64_t h = mix64(ctx->seq[i] ^ 0x2545F4914F6CDD1DULL);
            if (h < key) key = h;
        }
        ctx->paras[p].hash = key;
    }
    if (ns) memcpy(ctx->sh, ctx->seq, ns * sizeof *ctx->sh);
    qsort(ctx->sh, ns, sizeof *ctx->sh, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < ns; i++)
        if (u == 0 || ctx->sh[i] != ctx->sh[u - 1]) ctx->sh[u++] = ctx->sh[i];
    f->shingles = ctx->sh;
    f->n_shingles = u;

    /* One-permutation MinHash: the high bits pick the bin, the low bits
     * compete in it. */
    uint8_t filled[FP_K] = {0};
    for (int b = 0; b < FP_K; b++) f->sig[b] = UINT32_MAX;
    for (size_t i = 0; i < u; i++) {
        uint64_t h = ctx->sh[i];
        unsigned bin = (unsigned)(((h >> 32) * FP_K) >> 32);
        uint32_t v = (uint32_t)h;
        if (!filled[bin] || v < f->sig[bin]) f->sig[bin] = v;
        filled[bin] = 1;
    }
    /* Densification: an empty bin takes the next filled bin's value,
     * shifted by how far it had to look, so that empty bins of two texts
     * agree only when their neighbours do. */
    if (u) {
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
    free(ctx->seq);
    free(ctx->paras);
    memset(ctx, 0, sizeof *ctx);
}

uint64_t fp_band_key(const fingerprint *f, int b) {
    return XXH3_64bits_withSeed(f->sig + b * FP_ROWS, FP_ROWS * sizeof *f->sig, (uint64_t)b);
}

size_t fp_intersect(const uint64_t *a, size_t na, const uint64_t *b, size_t nb) {
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else {
            n++;
            i++;
            j++;
        }
    }
    return n;
}

double fp_jaccard(size_t inter, size_t na, size_t nb) {
    size_t uni = na + nb - inter;
    return uni ? (double)inter / (double)uni : 1.0;
}

double fp_containment(size_t inter, size_t na) { return na ? (double)inter / (double)na : 0.0; }

static int has_shingle(const uint64_t *set, size_t n, uint64_t h) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && set[lo] == h;
}

/* Is paragraph p of a mostly found in b: at least FP_PARA_CONTAINED of
 * the shingles inside it are shingles of b?  An edited copy of a
 * paragraph keeps most of its shingles; a sentence quoted inside another
 * paragraph does not make the paragraph contained. */
static int para_contained(const fingerprint *a, const fp_para *p, const fingerprint *b) {
    if (p->words < FP_SHINGLE) return 0;
    size_t n = p->words - FP_SHINGLE + 1, hit = 0;
    const uint64_t *s = a->seq + p->first;
    for (size_t i = 0; i < n; i++) hit += (size_t)has_shingle(b->shingles, b->n_shingles, s[i]);
    return (double)hit >= FP_PARA_CONTAINED * (double)n;
}

/* The topic words of a outside its paragraphs contained in b, sorted. */
static size_t rest_words(const fingerprint *a, const fingerprint *b, uint64_t *out) {
    size_t n = 0, w = 0;
    for (size_t i = 0; i <= a->n_paras; i++) {
        size_t end = i < a->n_paras ? a->paras[i].first : a->n_words;
        for (; w < end; w++)
            if (a->words[w] & 1) out[n++] = a->words[w];
        if (i < a->n_paras && para_contained(a, &a->paras[i], b)) w += a->paras[i].words;
    }
    qsort(out, n, sizeof *out, cmp_u64);
    return n;
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

double fp_topic(const fingerprint *a, const fingerprint *b) {
    uint64_t *wa = malloc((a->n_words + b->n_words + 1) * sizeof *wa);
    if (!wa) return 0.0;
    size_t na = rest_words(a, b, wa);
    size_t nb = rest_words(b, a, wa + na);
    double c = tf_cosine(wa, na, wa + na, nb);
    free(wa);
    return c;
}

/* The paragraphs of a contained in b: their count, words and positions. */
static size_t contained_paras(const fingerprint *a, const fingerprint *b, uint32_t *idx,
                              size_t cap, size_t *words) {
    size_t n = 0;
    *words = 0;
    for (size_t i = 0; i < a->n_paras; i++) {
        if (!para_contained(a, &a->paras[i], b)) continue;
        if (n < cap) idx[n] = a->paras[i].index;
        n++;
        *words += a->paras[i].words;
    }
    return n;
}

void fp_decide(const fingerprint *a, const fingerprint *b, const fp_rules *r, fp_verdict *v) {
    size_t inter = fp_intersect(a->shingles, a->n_shingles, b->shingles, b->n_shingles);
    size_t small = a->n_shingles < b->n_shingles ? a->n_shingles : b->n_shingles;
    v->jaccard = fp_jaccard(inter, a->n_shingles, b->n_shingles);
    v->containment = fp_containment(inter, small);
    /* Shared passages, found from both sides: the words that a holds of b
     * and b of a; the smaller is the evidence.  Positions pair up in text
     * order. */
    uint32_t ia[64], ib[64];
    size_t wa, wb;
    size_t na = inter ? contained_paras(a, b, ia, 64, &wa) : (wa = 0);
    size_t nb = inter ? contained_paras(b, a, ib, 64, &wb) : (wb = 0);
    v->topic = 0;
    v->paragraphs = na < nb ? na : nb;
    v->words = wa < wb ? wa : wb;
    for (size_t i = 0; i < v->paragraphs && i < 64; i++) {
        v->shared[i][0] = ia[i];
        v->shared[i][1] = ib[i];
    }
    if (memcmp(a->exact, b->exact, 16) == 0) {
        v->kind = SL_DUP_EXACT;
        v->jaccard = v->containment = 1.0;
    } else if (v->jaccard >= r->near_jaccard && v->containment >= r->near_containment) {
        v->kind = SL_DUP_NEAR;
    } else if (v->words >= r->partial_min_words &&
               (v->topic = fp_topic(a, b)) < r->partial_max_topic) {
        v->kind = SL_DUP_PARTIAL;
    } else {
        v->kind = 0;
    }
}
