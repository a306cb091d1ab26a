/*
 * ner.c - the named-entity tagger of ner.h: features, model file, Viterbi.
 */
#include "ner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "chain.h"

const char *const ner_tag_names[NER_TAGS] = {"O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
                                             "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

/* ---- features ------------------------------------------------------------ */

/* The forms of a token that features are made of, each hashed once. */
enum { F_WORD, F_LOWER, F_PRE1, F_PRE4 = F_PRE1 + 3, F_SUF1, F_SUF4 = F_SUF1 + 3, F_SHAPE,
       F_LONGSHAPE, F_CLUSTER, F_COARSE, F_CASE, NER_FORMS };

static uint64_t hash(const char *s, size_t n, unsigned form) {
    return XXH3_64bits_withSeed(s, n, form + 1);
}

/* The length of the first k characters of s[0, n) (UTF-8), and of the
 * last k. */
static size_t first_chars(const char *s, size_t n, int k) {
    size_t i = 0;
    while (i < n && k > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        k--;
    }
    return i;
}

static size_t last_chars(const char *s, size_t n, int k) {
    size_t i = n;
    while (i > 0 && k > 0) {
        i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
        k--;
    }
    return n - i;
}

uint64_t ner_word_key(const char *s, size_t n) {
    char low[64];
    uint64_t k = hash(low, chain_lower(s, n, low, sizeof low), F_LOWER);
    return k ? k : 1;
}

const ner_lex *ner_lookup(const ner_lexicon *l, uint64_t key) {
    if (!l || !l->slot) return NULL;
    size_t mask = ((size_t)1 << l->bits) - 1;
    for (size_t j = (size_t)key & mask;; j = (j + 1) & mask) {
        if (l->slot[j].key == key) return &l->slot[j];
        if (!l->slot[j].key) return NULL;
    }
}

/* Whether the sentence t[0, n) is set in capitals (a headline): most of
 * its words are. */
static int all_caps(const ner_tok *t, size_t n) {
    size_t words = 0, caps = 0;
    for (size_t i = 0; i < n; i++) {
        int lower = 0, upper = 0;
        for (uint32_t j = 0; j < t[i].n; j++) {
            unsigned char c = (unsigned char)t[i].s[j];
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower || upper) words++, caps += upper && !lower;
    }
    return words >= 3 && caps * 10 >= words * 8;
}

static int reserve(ner_scratch *s, size_t n) {
    if (n + 2 > s->cap) {
        size_t nc = (n + 2) * 2;
        if (CHAIN_GROW(s->th, nc * NER_FORMS) || CHAIN_GROW(s->score, nc * NER_TAGS) ||
            CHAIN_GROW(s->back, nc * NER_TAGS) || CHAIN_GROW(s->begin, nc) || CHAIN_GROW(s->end, nc) ||
            CHAIN_GROW(s->prev, nc) || CHAIN_GROW(s->next, nc) || CHAIN_GROW(s->caps, nc))
            return -1;
        s->cap = nc;
    }
    size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want > s->cap_slot) {
        if (CHAIN_GROW(s->slot, want)) return -1;
        s->cap_slot = want;
    }
    return 0;
}

int ner_prepare(ner_scratch *s, const ner_lexicon *lex, const ner_tok *t, size_t n) {
    if (reserve(s, n)) return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t *h = s->th + i * NER_FORMS;
        const char *w = t[i].s;
        size_t len = t[i].n;
        char low[64], sh[16];
        size_t ln = chain_lower(w, len, low, sizeof low);
        h[F_WORD] = hash(w, len, F_WORD);
        h[F_LOWER] = hash(low, ln, F_LOWER);
        const ner_lex *x = ner_lookup(lex, h[F_LOWER] ? h[F_LOWER] : 1);
        /* small numbers, apart from every hash by the form's tag */
        h[F_CLUSTER] = (uint64_t)F_CLUSTER << 56 | (x ? x->cluster : 0);
        h[F_COARSE] = (uint64_t)F_COARSE << 56 | (x ? x->coarse : 0);
        h[F_CASE] = (uint64_t)F_CASE << 56 | (x ? x->lcase : 0);
        for (int k = 0; k < 4; k++) {
            h[F_PRE1 + k] = hash(low, first_chars(low, ln, k + 1), F_PRE1 + k);
            size_t m = last_chars(low, ln, k + 1);
            h[F_SUF1 + k] = hash(low + ln - m, m, F_SUF1 + k);
        }
        h[F_SHAPE] = hash(sh, chain_shape(w, len, sh, sizeof sh, 1), F_SHAPE);
        h[F_LONGSHAPE] = hash(sh, chain_shape(w, len, sh, 8, 0), F_LONGSHAPE);
    }
    /* the sentences */
    for (size_t b = 0; b < n;) {
        size_t e = b + 1;
        while (e < n && !t[e].first) e++;
        uint8_t caps = (uint8_t)all_caps(t + b, e - b);
        for (size_t i = b; i < e; i++) s->begin[i] = (uint32_t)b, s->end[i] = (uint32_t)e, s->caps[i] = caps;
        b = e;
    }
    /* each token's neighbours in the document by lower-case form */
    size_t mask = s->cap_slot - 1;
    memset(s->slot, 0xFF, s->cap_slot * sizeof *s->slot);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = s->th[i * NER_FORMS + F_LOWER];
        size_t j = (size_t)key & mask;
        while (s->slot[j] != NER_NONE && s->th[(size_t)s->slot[j] * NER_FORMS + F_LOWER] != key) j = (j + 1) & mask;
        uint32_t p = s->slot[j];
        s->prev[i] = p;
        s->next[i] = NER_NONE;
        if (p != NER_NONE) s->next[p] = (uint32_t)i;
        s->slot[j] = (uint32_t)i;
    }
    return 0;
}

/* Beyond the sentence: one hash a form for the start, one for the end. */
#define EDGE_START 0x5bd1e9955bd1e995ULL
#define EDGE_END 0x2545f4914f6cdd1dULL
/* The contexts of the same word elsewhere in the document: this many
 * occurrences before the token and as many after. */
#define NER_AROUND 2


size_t ner_features(const ner_scratch *s, size_t i, uint32_t bits, uint32_t *out) {
    const size_t b = s->begin[i], e = s->end[i];
    const uint64_t *h0 = s->th + i * NER_FORMS;
    const uint64_t *hp = i > b ? h0 - NER_FORMS : NULL, *hn = i + 1 < e ? h0 + NER_FORMS : NULL;
    const uint64_t *hp2 = i > b + 1 ? h0 - 2 * NER_FORMS : NULL, *hn2 = i + 2 < e ? h0 + 2 * NER_FORMS : NULL;
#define AT(p, f, edge) ((p) ? (p)[f] : (edge) + (f))
    uint64_t lp = AT(hp, F_LOWER, EDGE_START), ln = AT(hn, F_LOWER, EDGE_END);
    uint64_t sp = AT(hp, F_SHAPE, EDGE_START), sn = AT(hn, F_SHAPE, EDGE_END);
    uint64_t f[NER_MAX_FEATURES];
    size_t k = 0;
    int caps = s->caps[i], first = i == b;
    f[k++] = 1;
    f[k++] = h0[F_WORD];
    f[k++] = h0[F_LOWER];
    for (int j = 0; j < 4; j++) f[k++] = h0[F_PRE1 + j];
    for (int j = 0; j < 4; j++) f[k++] = h0[F_SUF1 + j];
    f[k++] = h0[F_SHAPE];
    f[k++] = h0[F_LONGSHAPE];
    f[k++] = lp;
    f[k++] = ln;
    f[k++] = AT(hp2, F_LOWER, EDGE_START * 3);
    f[k++] = AT(hn2, F_LOWER, EDGE_END * 3);
    f[k++] = sp * 31 + h0[F_SHAPE];
    f[k++] = h0[F_SHAPE] * 31 + sn;
    f[k++] = lp * 31 + h0[F_LOWER];
    f[k++] = h0[F_LOWER] * 31 + ln;
    f[k++] = (uint64_t)first * 7 + h0[F_SHAPE];
    f[k++] = AT(hp, F_WORD, EDGE_START);
    f[k++] = AT(hn, F_WORD, EDGE_END);
    f[k++] = caps ? h0[F_LOWER] + 11 : 13;
    f[k++] = (sp * 31 + h0[F_SHAPE]) * 31 + sn;
    f[k++] = lp * 31 + h0[F_SHAPE];
    f[k++] = h0[F_SHAPE] * 31 + ln;
    f[k++] = AT(hp, F_SUF1 + 2, EDGE_START);
    f[k++] = AT(hn, F_SUF1 + 2, EDGE_END);
    /* what unlabelled news says of the words (the lexicon) */
    f[k++] = h0[F_CLUSTER];
    f[k++] = AT(hp, F_CLUSTER, EDGE_START);
    f[k++] = AT(hn, F_CLUSTER, EDGE_END);
    f[k++] = h0[F_COARSE];
    f[k++] = AT(hp, F_COARSE, EDGE_START) * 31 + h0[F_COARSE];
    f[k++] = h0[F_COARSE] * 31 + AT(hn, F_COARSE, EDGE_END);
    f[k++] = h0[F_CLUSTER] * 31 + h0[F_SHAPE];
    f[k++] = (h0[F_CASE] * 31 + h0[F_SHAPE]) * 3 + (uint64_t)first + 2 * (uint64_t)caps;
    f[k++] = AT(hp, F_CASE, EDGE_START) * 31 + h0[F_CASE];
    /* each template its own rows: the template's number in the mix */
    for (size_t j = 0; j < k; j++) out[j] = chain_row(f[j], j + 1, bits);
    /* the same word elsewhere in the document: its neighbours, and how
     * it is written there (one template each, whichever occurrence) */
    for (int dir = 0; dir < 2; dir++) {
        uint32_t o = dir ? s->next[i] : s->prev[i];
        for (int c = 0; c < NER_AROUND && o != NER_NONE; c++, o = dir ? s->next[o] : s->prev[o]) {
            const uint64_t *ho = s->th + (size_t)o * NER_FORMS;
            const uint64_t *op = o > s->begin[o] ? ho - NER_FORMS : NULL;
            const uint64_t *on = o + 1 < s->end[o] ? ho + NER_FORMS : NULL;
            uint64_t where = (uint64_t)(o == s->begin[o]) + 2 * (uint64_t)s->caps[o];
            out[k++] = chain_row(AT(op, F_LOWER, EDGE_START), 101, bits);
            out[k++] = chain_row(AT(on, F_LOWER, EDGE_END), 102, bits);
            out[k++] = chain_row((ho[F_SHAPE] * 31 + h0[F_SHAPE]) * 4 + where, 103, bits);
        }
    }
#undef AT
    return k;
}

#define NER_SAME_SENTENCE 64
size_t ner_history(const uint32_t *prev, const uint32_t *begin, const uint8_t *tags, size_t i,
                   uint32_t bits, uint32_t *out) {
    int said[2] = {NER_TAGS, NER_TAGS}, k = 0, same = 0;
    /* Occurrences in its own sentence are passed over, at most
     * NER_SAME_SENTENCE of them: a word said thousands of times in one
     * endless sentence must not cost a walk back through all of them from
     * each (that was quadratic). */
    for (uint32_t o = prev[i]; o != NER_NONE && k < 2 && same < NER_SAME_SENTENCE; o = prev[o])
        if (o < begin[i]) said[k++] = tags[o];
        else same++;
    if (!k) return 0;
    out[0] = chain_row((uint64_t)said[0], 111, bits);
    out[1] = chain_row((uint64_t)said[0] * 16 + (uint64_t)said[1], 112, bits);
    return 2;
}

/* ---- decoding ------------------------------------------------------------ */

int ner_tag(const ner_model *m, ner_scratch *s, const ner_tok *t, size_t n, uint8_t *tags) {
    if (!n) return 0;
    if (ner_prepare(s, &m->lex, t, n)) return -1;
    /* The rows of the next token are asked for while this one's are
     * added: they are random reads in a table larger than the cache. */
    uint32_t rows[2][NER_MAX_FEATURES];
    size_t kn = ner_features(s, 0, m->bits, rows[0]);
    for (size_t i = 0; i < n; i++) {
        const uint32_t *r = rows[i & 1];
        size_t k = kn;
        if (i + 1 < n) {
            uint32_t *next = rows[(i + 1) & 1];
            kn = ner_features(s, i + 1, m->bits, next);
            for (size_t j = 0; j < kn; j++) __builtin_prefetch(m->w + (size_t)next[j] * NER_TAGS);
        }
        int32_t acc[NER_TAGS] = {0};
        for (size_t j = 0; j < k; j++) {
            const int16_t *w = m->w + (size_t)r[j] * NER_TAGS;
            for (int b = 0; b < NER_TAGS; b++) acc[b] += w[b];
        }
        float *sc = s->score + i * NER_TAGS;
        for (int b = 0; b < NER_TAGS; b++) sc[b] = (float)acc[b] * m->scale;
    }
    /* sentence by sentence, in order: what was said of a word before */
    for (size_t b = 0; b < n; b = s->end[b]) {
        for (size_t i = b; i < s->end[b]; i++) {
            uint32_t h[2];
            size_t k = ner_history(s->prev, s->begin, tags, i, m->bits, h);
            float *sc = s->score + i * NER_TAGS;
            for (size_t j = 0; j < k; j++) {
                const int16_t *w = m->w + (size_t)h[j] * NER_TAGS;
                for (int c = 0; c < NER_TAGS; c++) sc[c] += (float)w[c] * m->scale;
            }
        }
        chain_viterbi(NER_TAGS, &m->trans[0][0], s->score + b * NER_TAGS, s->back + b * NER_TAGS,
                      s->end[b] - b, tags + b);
    }
    return 0;
}

void ner_scratch_free(ner_scratch *s) {
    free(s->th);
    free(s->score);
    free(s->back);
    free(s->begin), free(s->end), free(s->prev), free(s->next), free(s->caps), free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- the model file -------------------------------------------------------- */

const char NER_MAGIC[8] = {'S', 'L', 'N', 'E', 'R', 0, 0, 2};

ner_model *ner_load(const void *data, size_t n, char *err, size_t errlen) {
    const unsigned char *p = data;
    chain_header h;
    if (chain_read_header(data, n, NER_MAGIC, "NER", &h, err, errlen)) return NULL;
    if (h.tags != NER_TAGS || h.bits < 8 || h.bits > 26 || h.extra > 24) {
        snprintf(err, errlen, "NER model has %u tags and %u bits; expected %d tags, 8 to 26 bits", h.tags,
                 h.bits, NER_TAGS);
        return NULL;
    }
    if (h.features != NER_FEATURES_VERSION) {
        snprintf(err, errlen, "NER model was trained with features version %u; this build has %d (retrain: make ner-model)",
                 h.features, NER_FEATURES_VERSION);
        return NULL;
    }
    size_t trans = sizeof(float) * (NER_TAGS + 1) * NER_TAGS, rows = (size_t)1 << h.bits;
    size_t lex = sizeof(ner_lex) << h.extra;
    size_t want = CHAIN_HEADER + trans + lex + rows * NER_TAGS * sizeof(int16_t);
    if (chain_check(data, n, want, "NER", err, errlen)) return NULL;
    ner_model *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->bits = h.bits;
    m->scale = h.scale;
    memcpy(m->trans, p + CHAIN_HEADER, trans);
    /* 64 + 360 bytes: the lexicon is 8-byte aligned when the data is */
    m->lex = (ner_lexicon){h.extra, (const ner_lex *)(p + CHAIN_HEADER + trans)};
    m->w = (const int16_t *)(p + CHAIN_HEADER + trans + lex);
    return m;
}

#ifndef NER_NO_DEFAULT /* the trainer has no model yet */
/* data/ner.model, linked in by the build (ner_model.S) */
extern const unsigned char sl_ner_model[];
extern const unsigned char sl_ner_model_end[];

static const void *ner_hot;
static pthread_once_t ner_hot_once = PTHREAD_ONCE_INIT;
static void ner_hot_make(void) { ner_hot = chain_hot(sl_ner_model, (size_t)(sl_ner_model_end - sl_ner_model)); }

/* Every engine's tagger reads the one copy (each batch slot has one). */
ner_model *ner_default(char *err, size_t errlen) {
    pthread_once(&ner_hot_once, ner_hot_make);
    return ner_load(ner_hot, (size_t)(sl_ner_model_end - sl_ner_model), err, errlen);
}
#endif

void ner_free(ner_model *m) {
    if (!m) return;
    free(m->owned);
    free(m);
}
