/*
 * attrib.c - the attribution tagger of attrib.h: cue words, features,
 * model file, decoding and grouping.
 */
#include "attrib.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"

const char AT_MAGIC[8] = {'S', 'L', 'A', 'T', 'R', 0, 0, 1};

const char *const stance_names[STANCES] = {"assert", "deny", "urge", "accuse", "warn", "promise",
                                           "acknowledge", "question"};

/* ---- cue words ------------------------------------------------------------ */

struct cue_words {
    uint64_t *key;  /* 0: empty */
    uint8_t *val;
    size_t mask;
};

static uint64_t word_key(const char *w, size_t n) {
    char low[64];
    if (n > sizeof low) return 1; /* no cue word is as long */
    uint64_t k = XXH3_64bits(low, chain_lower(w, n, low, sizeof low));
    return k > 1 ? k : 2;
}

static int cue_put(cue_words *c, const char *w, size_t n, int val) {
    uint64_t k = word_key(w, n);
    size_t j = (size_t)k & c->mask;
    while (c->key[j] && c->key[j] != k) j = (j + 1) & c->mask;
    if (c->key[j]) return -1; /* listed twice */
    c->key[j] = k, c->val[j] = (uint8_t)val;
    return 0;
}

int cues_listed(const cue_words *c, const char *w, size_t n) {
    if (!c) return 0;
    uint64_t k = word_key(w, n);
    for (size_t j = (size_t)k & c->mask; c->key[j]; j = (j + 1) & c->mask)
        if (c->key[j] == k) return c->val[j];
    return 0;
}

int cues_word(const cue_words *c, const char *w, size_t n) {
    int v = cues_listed(c, w, n);
    return v == CUE_SAYING ? 0 : v;
}

void cues_free(cue_words *c) {
    if (!c) return;
    free(c->key), free(c->val), free(c);
}

cue_words *cues_parse(const char *text, size_t n, const char *name, char *err, size_t errlen) {
    size_t words = 0;
    for (size_t i = 0; i < n; i++) words += text[i] == '\t';
    size_t cap = 64;
    while (cap < 2 * words + 2) cap *= 2;
    cue_words *c = calloc(1, sizeof *c);
    if (c) c->key = calloc(cap, sizeof *c->key), c->val = calloc(cap, 1), c->mask = cap - 1;
    if (!c || !c->key || !c->val) {
        cues_free(c);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t lineno = 0;
    for (size_t p = 0; p < n;) {
        size_t q = p;
        while (q < n && text[q] != '\n') q++;
        lineno++;
        if (q > p && text[p] != '#') {
            size_t f = p;
            while (f < q && text[f] != '\t') f++;
            int val = -1;
            for (int s = 0; s < STANCES; s++)
                if (strlen(stance_names[s]) == f - p && !memcmp(text + p, stance_names[s], f - p)) val = s + 1;
            if (f - p == 8 && !memcmp(text + p, "negation", 8)) val = CUE_NEGATION;
            if (f - p == 6 && !memcmp(text + p, "saying", 6)) val = CUE_SAYING;
            if (val < 0 || f == q) {
                snprintf(err, errlen, "%s:%zu: expected a stance (assert, deny, urge, accuse, warn, promise, "
                         "acknowledge, question), negation or saying, then words parted by tabs", name, lineno);
                cues_free(c);
                return NULL;
            }
            while (f < q) {
                size_t w = ++f;
                while (f < q && text[f] != '\t') f++;
                if (f > w && cue_put(c, text + w, f - w, val)) {
                    snprintf(err, errlen, "%s:%zu: '%.*s' is listed twice", name, lineno, (int)(f - w), text + w);
                    cues_free(c);
                    return NULL;
                }
            }
        }
        p = q + 1;
    }
    return c;
}

/* ---- features ---------------------------------------------------------------- */

enum { H_LOWER, H_WORD, H_SHAPE, H_SUF3, H_PRE3, FORMS };

static uint64_t hash(const char *s, size_t n, unsigned form) {
    return XXH3_64bits_withSeed(s, n, form + 101);
}

void at_scratch_free(at_scratch *s) {
    free(s->h), free(s->cue), free(s->quote), free(s->sent), free(s->para), free(s->lcue), free(s->rcue);
    free(s->score), free(s->back), free(s->first), free(s->rows), free(s->nbase), free(s->nall);
    memset(s, 0, sizeof *s);
}

static int reserve(at_scratch *s, size_t n) {
    if (n + 1 <= s->cap) return 0;
    size_t nc = (n + 1) * 2;
    if (CHAIN_GROW(s->h, nc * FORMS) || CHAIN_GROW(s->cue, nc) || CHAIN_GROW(s->quote, nc) ||
        CHAIN_GROW(s->sent, nc) || CHAIN_GROW(s->para, nc) || CHAIN_GROW(s->lcue, nc) || CHAIN_GROW(s->rcue, nc) ||
        CHAIN_GROW(s->score, nc * AT_TAGS) || CHAIN_GROW(s->back, nc * AT_TAGS) || CHAIN_GROW(s->first, nc) ||
        CHAIN_GROW(s->rows, nc * AT_MAX_FEATURES) || CHAIN_GROW(s->nbase, nc) || CHAIN_GROW(s->nall, nc))
        return -1;
    s->cap = nc;
    return 0;
}

int at_prepare(at_scratch *s, const cue_words *cw, const at_tok *t, size_t n) {
    if (reserve(s, n)) return -1;
    int in = 0;
    uint32_t sent = 0, para = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t *h = s->h + i * FORMS;
        char low[64], sh[16];
        size_t ln = chain_lower(t[i].s, t[i].n, low, sizeof low);
        h[H_LOWER] = hash(low, ln, H_LOWER);
        h[H_WORD] = hash(t[i].s, t[i].n, H_WORD);
        h[H_SHAPE] = hash(sh, chain_shape(t[i].s, t[i].n, sh, sizeof sh, 1), H_SHAPE);
        h[H_SUF3] = hash(low + (ln > 3 ? ln - 3 : 0), ln > 3 ? 3 : ln, H_SUF3);
        h[H_PRE3] = hash(low, ln > 3 ? 3 : ln, H_PRE3);
        s->cue[i] = (uint8_t)cues_word(cw, t[i].s, t[i].n);
        if (i == 0 || t[i].para_first) para = (uint32_t)i, in = 0;
        if (i == 0 || t[i].sent_first || t[i].para_first) sent = (uint32_t)i;
        s->sent[i] = sent, s->para[i] = para;
        /* “ opens, ” closes, " does what the state wants */
        if (at_is(&t[i], "\xE2\x80\x9C") || (at_is(&t[i], "\"") && !in)) s->quote[i] = AT_Q_OPEN, in = 1;
        else if (at_is(&t[i], "\xE2\x80\x9D") || (at_is(&t[i], "\"") && in)) s->quote[i] = AT_Q_CLOSE, in = 0;
        else if (at_is(&t[i], "\xE2\x80\x98") || at_is(&t[i], "\xE2\x80\x99") || at_is(&t[i], "'")) s->quote[i] = AT_Q_SINGLE;
        else s->quote[i] = in ? AT_Q_IN : AT_Q_OUT;
    }
    /* the nearest cue word each side, in the sentence */
    for (size_t i = 0; i < n; i++) {
        uint32_t l = AT_NONE;
        if (i > 0 && s->sent[i - 1] == s->sent[i])
            l = s->cue[i - 1] && s->cue[i - 1] != CUE_NEGATION ? (uint32_t)(i - 1) : s->lcue[i - 1];
        s->lcue[i] = l;
    }
    for (size_t i = n; i-- > 0;) {
        uint32_t r = AT_NONE;
        if (i + 1 < n && s->sent[i + 1] == s->sent[i])
            r = s->cue[i + 1] && s->cue[i + 1] != CUE_NEGATION ? (uint32_t)(i + 1) : s->rcue[i + 1];
        s->rcue[i] = r;
    }
    return 0;
}


/* A distance in tokens as a few classes: 0 none, 1, 2, 3, 4-5, 6-9, 10+. */
static uint64_t far(size_t i, uint32_t j) {
    if (j == AT_NONE) return 0;
    size_t d = j > i ? j - i : i - j;
    return d <= 3 ? d : d <= 5 ? 4 : d <= 9 ? 5 : 6;
}

#define EDGE 0x5bd1e9955bd1e995ULL

/* The nearest token left (dir -1) or right of i in its sentence (para:
 * its paragraph) whose first-stage tag is a cue's, as a distance class. */
static uint64_t near_cue(const at_scratch *s, const uint8_t *prior, size_t n, size_t i, int dir, int para) {
    const uint32_t *unit = para ? s->para : s->sent;
    for (size_t d = 1; d <= 40; d++) {
        if (dir < 0 ? i < d : i + d >= n) break;
        size_t j = dir < 0 ? i - d : i + d;
        if (unit[j] != unit[i]) break;
        if (prior[j] == AT_B_CUE || prior[j] == AT_I_CUE) return far(i, (uint32_t)j);
    }
    return 0;
}

/* What the first stage said around token i (prior: its tags). */
static size_t stacked(const at_scratch *s, size_t n, size_t i, const uint8_t *prior, uint32_t bits, uint32_t *out) {
    const uint64_t *h = s->h + i * FORMS;
    uint64_t p0 = prior[i], q = s->quote[i];
#define P(d) ((d) < 0 ? (i >= (size_t)-(d) && s->para[i + (d)] == s->para[i] ? prior[i + (d)] : 15) \
                      : (i + (d) < n && s->para[i + (d)] == s->para[i] ? prior[i + (d)] : 15))
    uint64_t pm1 = P(-1), pp1 = P(1), pm2 = P(-2), pp2 = P(2), pm3 = P(-3), pp3 = P(3);
#undef P
    uint64_t lc = near_cue(s, prior, n, i, -1, 0), rc = near_cue(s, prior, n, i, 1, 0);
    uint64_t lcp = near_cue(s, prior, n, i, -1, 1), rcp = near_cue(s, prior, n, i, 1, 1);
    uint64_t f[16];
    size_t k = 0;
    f[k++] = p0;
    f[k++] = pm1 * 16 + p0;
    f[k++] = p0 * 16 + pp1;
    f[k++] = (pm2 * 16 + pm1) * 16 + p0;
    f[k++] = (p0 * 16 + pp1) * 16 + pp2;
    f[k++] = pm3 * 16 + pp3;
    f[k++] = (lc * 8 + rc) * 16 + p0;
    f[k++] = (lcp * 8 + rcp) * 16 + p0;
    f[k++] = h[H_LOWER] * 16 + p0;
    f[k++] = (q * 16 + p0) * 8 + lc;
    f[k++] = h[H_SHAPE] * 64 + rc * 8 + lc;
    for (size_t j = 0; j < k; j++) out[j] = chain_row(f[j], 200 + j, bits);
    return k;
}

/* The rows of token i that both stages read. */
static size_t base_features(const at_scratch *s, const at_tok *t, size_t n, size_t i, uint32_t bits, uint32_t *out) {
    const uint64_t *h = s->h + i * FORMS;
    int hp = i > s->sent[i], hp2 = i > s->sent[i] + 1;
    int hn = i + 1 < n && s->sent[i + 1] == s->sent[i];
    int hn2 = hn && i + 2 < n && s->sent[i + 2] == s->sent[i];
    uint64_t lp = hp ? s->h[(i - 1) * FORMS + H_LOWER] : EDGE, ln = hn ? s->h[(i + 1) * FORMS + H_LOWER] : EDGE * 3;
    uint64_t lp2 = hp2 ? s->h[(i - 2) * FORMS + H_LOWER] : EDGE * 5, ln2 = hn2 ? s->h[(i + 2) * FORMS + H_LOWER] : EDGE * 7;
    uint64_t sp = hp ? s->h[(i - 1) * FORMS + H_SHAPE] : EDGE, sn = hn ? s->h[(i + 1) * FORMS + H_SHAPE] : EDGE * 3;
    uint64_t ner = t[i].ner, nerp = hp ? t[i - 1].ner : 15, nern = hn ? t[i + 1].ner : 15;
    uint64_t q = s->quote[i], qp = hp ? s->quote[i - 1] : 7;
    uint64_t cue = s->cue[i], cuep = hp ? s->cue[i - 1] : 15, cuen = hn ? s->cue[i + 1] : 15;
    uint64_t lf = far(i, s->lcue[i]), rf = far(i, s->rcue[i]);
    uint64_t lw = s->lcue[i] == AT_NONE ? 0 : s->h[(size_t)s->lcue[i] * FORMS + H_LOWER];
    uint64_t rw = s->rcue[i] == AT_NONE ? 0 : s->h[(size_t)s->rcue[i] * FORMS + H_LOWER];
    size_t pos = i - s->sent[i];
    uint64_t posc = pos <= 2 ? pos : pos <= 5 ? 3 : pos <= 10 ? 4 : 5;
    int last = !hn, head = s->para[i] == 0;
    uint64_t pq = s->quote[s->para[i]]; /* how the paragraph starts */
    uint64_t f[AT_MAX_FEATURES];
    size_t k = 0;
    f[k++] = 1;
    f[k++] = h[H_LOWER];
    f[k++] = h[H_WORD];
    f[k++] = h[H_SHAPE];
    f[k++] = h[H_SUF3];
    f[k++] = h[H_PRE3];
    f[k++] = lp;
    f[k++] = ln;
    f[k++] = lp2;
    f[k++] = ln2;
    f[k++] = lp * 31 + h[H_LOWER];
    f[k++] = h[H_LOWER] * 31 + ln;
    f[k++] = ner;
    f[k++] = nerp * 16 + ner;
    f[k++] = ner * 16 + nern;
    f[k++] = h[H_SHAPE] * 8 + q;
    f[k++] = q * 8 + qp;
    f[k++] = cue;
    f[k++] = cuep;
    f[k++] = cuen;
    f[k++] = lf;
    f[k++] = rf;
    f[k++] = lw * 8 + lf;
    f[k++] = rw * 8 + rf;
    f[k++] = i == s->sent[i] ? h[H_SHAPE] : 3;
    f[k++] = last ? h[H_LOWER] : 5;
    f[k++] = h[H_SHAPE] * 2 + (uint64_t)head;
    f[k++] = posc;
    f[k++] = q * 8 + lf;
    f[k++] = (sp * 31 + h[H_SHAPE]) * 31 + sn;
    f[k++] = ner * 8 + rf;
    f[k++] = ner * 8 + lf;
    f[k++] = h[H_LOWER] * 8 + q;
    f[k++] = pq * 8 + q;
    f[k++] = (lf * 8 + rf) * 8 + q;
    f[k++] = cuep * 16 + cue;
    f[k++] = h[H_LOWER] * 8 + rf;
    f[k++] = h[H_LOWER] * 8 + lf;
    f[k++] = (h[H_SHAPE] * 8 + rf) * 8 + lf;
    /* the lexicon's classes: of the word, its neighbours, and with the cues */
    uint64_t cl = t[i].cluster + 1, clp = hp ? t[i - 1].cluster + 1 : 0, cln = hn ? t[i + 1].cluster + 1 : 0;
    uint64_t co = t[i].coarse + 1, cop = hp ? t[i - 1].coarse + 1 : 0, con = hn ? t[i + 1].coarse + 1 : 0;
    f[k++] = cl;
    f[k++] = clp * 1024 + cl;
    f[k++] = cl * 1024 + cln;
    f[k++] = (cop * 64 + co) * 64 + con;
    f[k++] = (co * 8 + rf) * 8 + lf;
    f[k++] = cl * 8 + q;
    for (size_t j = 0; j < k; j++) out[j] = chain_row(f[j], j + 1, bits);
    return k;
}

size_t at_features(const at_scratch *s, const at_tok *t, size_t n, size_t i, const uint8_t *prior, uint32_t bits,
                   uint32_t *out) {
    size_t k = base_features(s, t, n, i, bits, out);
    return prior ? k + stacked(s, n, i, prior, bits, out + k) : k;
}

/* ---- the model file ----------------------------------------------------------- */

at_model *at_load(const void *data, size_t n, char *err, size_t errlen) {
    chain_header h;
    if (chain_read_header(data, n, AT_MAGIC, "attribution", &h, err, errlen)) return NULL;
    if (h.tags != AT_TAGS || h.bits < 8 || h.bits > 26 || h.extra != AT_STAGES) {
        snprintf(err, errlen, "attribution model has %u tags, %u bits, %u stages; expected %d tags, 8 to 26 bits, "
                 "%d stages", h.tags, h.bits, h.extra, AT_TAGS, AT_STAGES);
        return NULL;
    }
    if (h.features != AT_FEATURES_VERSION) {
        snprintf(err, errlen, "attribution model was trained with features version %u; this build has %d "
                 "(retrain: make attrib-model)", h.features, AT_FEATURES_VERSION);
        return NULL;
    }
    size_t trans = sizeof(float) * (AT_TAGS + 1) * AT_TAGS, w = ((size_t)1 << h.bits) * AT_TAGS * sizeof(int16_t);
    size_t want = CHAIN_HEADER + AT_STAGES * (trans + w);
    if (chain_check(data, n, want, "attribution", err, errlen)) return NULL;
    at_model *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->bits = h.bits;
    m->scale = h.scale;
    const unsigned char *p = (const unsigned char *)data + CHAIN_HEADER;
    for (int st = 0; st < AT_STAGES; st++, p += trans + w) {
        memcpy(m->trans[st], p, trans);
        m->w[st] = (const int16_t *)(p + trans);
    }
    return m;
}

/* data/attrib.model, linked in by the build (attrib_model.S) */
extern const unsigned char sl_attrib_model[];
extern const unsigned char sl_attrib_model_end[];

static const void *at_hot;
static pthread_once_t at_hot_once = PTHREAD_ONCE_INIT;
static void at_hot_make(void) {
    at_hot = chain_hot(sl_attrib_model, (size_t)(sl_attrib_model_end - sl_attrib_model));
}

at_model *at_default(char *err, size_t errlen) {
    pthread_once(&at_hot_once, at_hot_make);
    return at_load(at_hot, (size_t)(sl_attrib_model_end - sl_attrib_model), err, errlen);
}

void at_free(at_model *m) {
    if (!m) return;
    free(m->owned);
    free(m);
}

/* One stage: the scores of the rows stored for each token (k[i] of
 * them) under the stage's weights, then Viterbi a paragraph at a time.
 * The rows of the next token are asked for while this one's are added,
 * as ner_tag does: the table is larger than the cache. */
static void stage(const at_model *m, int st, at_scratch *s, size_t n, const uint8_t *k, uint8_t *tags) {
    for (size_t i = 0; i < n; i++) {
        const uint32_t *r = s->rows + i * AT_MAX_FEATURES;
        if (i + 1 < n)
            for (size_t j = 0; j < k[i + 1]; j++) __builtin_prefetch(m->w[st] + (size_t)r[AT_MAX_FEATURES + j] * AT_TAGS);
        int32_t acc[AT_TAGS] = {0};
        for (size_t j = 0; j < k[i]; j++) {
            const int16_t *w = m->w[st] + (size_t)r[j] * AT_TAGS;
            for (int b = 0; b < AT_TAGS; b++) acc[b] += w[b];
        }
        float *sc = s->score + i * AT_TAGS;
        for (int b = 0; b < AT_TAGS; b++) sc[b] = (float)acc[b] * m->scale;
    }
    for (size_t b = 0; b < n;) {
        size_t e = b + 1;
        while (e < n && s->para[e] == b) e++;
        chain_viterbi(AT_TAGS, m->trans[st], s->score + b * AT_TAGS, s->back + b * AT_TAGS, e - b, tags + b);
        b = e;
    }
}

int at_tag(const at_model *m, at_scratch *s, const cue_words *cw, const at_tok *t, size_t n, uint8_t *tags) {
    if (!n) return 0;
    if (at_prepare(s, cw, t, n)) return -1;
    /* the first stage's rows are the second's too, with what it said */
    for (size_t i = 0; i < n; i++)
        s->nbase[i] = (uint8_t)base_features(s, t, n, i, m->bits, s->rows + i * AT_MAX_FEATURES);
    stage(m, 0, s, n, s->nbase, s->first);
    for (size_t i = 0; i < n; i++)
        s->nall[i] = (uint8_t)(s->nbase[i] + stacked(s, n, i, s->first, m->bits,
                                                     s->rows + i * AT_MAX_FEATURES + s->nbase[i]));
    stage(m, 1, s, n, s->nall, tags);
    return 0;
}

/* ---- grouping ------------------------------------------------------------------ */

typedef struct chunk {
    uint32_t role, first, end, attr;
} chunk;

/* Tokens between two spans (0 when they touch or overlap). */
static size_t gap(const chunk *a, const chunk *b) {
    if (a->end <= b->first) return b->first - a->end;
    if (b->end <= a->first) return a->first - b->end;
    return 0;
}

/* The cue nearest x among cues[0, nc) (in order, none overlapping x) in
 * x's sentence (same = 1) or paragraph (same = 0), or -1.  Sentences and
 * paragraphs are runs of tokens, so the nearest is the last cue before x
 * or the first after it (the one before on a tie): a binary search, not a
 * scan, so that a document of many fragments costs n log n. */
static long nearest_cue(const at_scratch *s, const chunk *cues, size_t nc, const chunk *x, int same_sentence) {
    size_t lo = 0, hi = nc;
    while (lo < hi) { /* the first cue after x */
        size_t mid = lo + (hi - lo) / 2;
        if (cues[mid].first < x->first) lo = mid + 1;
        else hi = mid;
    }
    long best = -1;
    size_t bd = 0;
    for (size_t c = lo ? lo - 1 : lo; c < nc && c <= lo; c++) {
        int ok = same_sentence ? s->sent[cues[c].first] == s->sent[x->first] || s->sent[cues[c].first] == s->sent[x->end - 1]
                               : s->para[cues[c].first] == s->para[x->first];
        if (!ok) continue;
        size_t d = gap(&cues[c], x);
        if (best < 0 || d < bd) best = (long)c, bd = d;
    }
    return best;
}

static int by_attr(const void *a, const void *b) {
    const at_frag *x = a, *y = b;
    if (x->attr != y->attr) return x->attr < y->attr ? -1 : 1;
    if (x->role != y->role) return x->role < y->role ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

size_t at_group(const at_scratch *s, const at_tok *t, size_t n, const uint8_t *tags, at_frag *out,
                size_t *n_attr) {
    /* the chunks, in order */
    chunk *ch = malloc((n + 1) * sizeof *ch);
    size_t nch = 0;
    *n_attr = 0;
    if (!ch) return AT_NOMEM;
    for (size_t i = 0; i < n;) {
        if (tags[i] == AT_O) {
            i++;
            continue;
        }
        uint32_t role = (tags[i] + 1) / 2;
        size_t j = i + 1;
        while (j < n && tags[j] == 2 * role && s->para[j] == s->para[i]) j++;
        ch[nch++] = (chunk){role, (uint32_t)i, (uint32_t)j, UINT32_MAX};
        i = j;
    }
    chunk *cues = malloc((nch + 1) * sizeof *cues);
    if (!cues) {
        free(ch);
        return AT_NOMEM;
    }
    size_t nc = 0;
    for (size_t c = 0; c < nch; c++)
        if (ch[c].role == ROLE_CUE) ch[c].attr = (uint32_t)nc, cues[nc++] = ch[c];
    uint32_t next = (uint32_t)nc;
    for (size_t c = 0; c < nch; c++) {
        chunk *x = &ch[c];
        if (x->role == ROLE_CUE) continue;
        long k = nearest_cue(s, cues, nc, x, 1);
        if (k < 0) k = nearest_cue(s, cues, nc, x, 0);
        if (k < 0 && x->role == ROLE_CONTENT && s->quote[s->para[x->first]] == AT_Q_OPEN && s->para[x->first] > 0) {
            /* a quotation that runs on from the paragraph before: its last cue */
            uint32_t prev = s->para[s->para[x->first] - 1];
            for (size_t q = nc; q-- > 0;)
                if (s->para[cues[q].first] == prev) {
                    k = (long)q;
                    break;
                }
        }
        if (k >= 0) x->attr = cues[k].attr;
        else if (x->role == ROLE_CONTENT) x->attr = next++;
    }
    size_t m = 0;
    for (size_t c = 0; c < nch; c++)
        if (ch[c].attr != UINT32_MAX) out[m++] = (at_frag){ch[c].attr, ch[c].role, ch[c].first, ch[c].end};
    qsort(out, m, sizeof *out, by_attr);
    *n_attr = next;
    free(ch);
    free(cues);
    (void)t;
    return m;
}
