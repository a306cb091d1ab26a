/*
 * train_attrib.c - learn the attribution model of src/attrib.h from
 * articles with their attributions marked.
 *
 *   train_attrib [--bits B] [--epochs N] [--seed S] TRAIN.jsonl DEV.jsonl OUT.model
 *
 * One article a line, as PolNeAR's files have them: {"id", "text",
 * "attributions": [{"source": [[start, end], ...], "cue": [...],
 * "content": [...]}, ...]}, offsets in characters.  Each text is split
 * and its names tagged as sl_attributions_of does (claims_tokens); a token
 * takes the role of the first attribution span it overlaps, B- where a
 * span's fragment starts.
 *
 * Two stages, each an averaged structured perceptron (perceptron.h) over
 * paragraphs in a shuffled order.  The first reads the text; the second
 * also what the first said (attrib.h), so it is trained on first-stage
 * tags of the training articles made by first stages that did not see
 * them (FOLDS of them, each trained without one part), as the tagger
 * will meet text it never saw.  After each epoch a stage's average is
 * scored on DEV (exact spans of the three roles, as conlleval counts
 * chunks) and the best epoch's is kept.  The test file is never read.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "engine.h"
#include "perceptron.h"

#define FOLDS 4

extern const char sl_data_cues_txt[];
extern const unsigned long sl_data_cues_txt_len;

static void die(const char *msg) {
    fprintf(stderr, "train_attrib: %s\n", msg);
    exit(1);
}

typedef struct article {
    char *text, *id;
    size_t len;
    json_t *atts;
} article;

typedef struct para {
    size_t first, n, art;
} para;

typedef struct corpus {
    article *art;
    size_t n_art, cap_art;
    uint32_t *rows;               /* per token: AT_MAX_FEATURES */
    uint8_t *nrows, *gold, *prior; /* per token */
    size_t n_tok, cap_rows, cap_nrows, cap_gold;
    para *par;
    size_t n_par, cap_par;
} corpus;

static void load(const char *path, corpus *c) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        json_t *jt = o ? json_object_get(o, "text") : NULL;
        if (!json_is_string(jt)) {
            fprintf(stderr, "train_attrib: %s:%zu: not an article with a text (%s)\n", path, lineno,
                    o ? "no text" : jerr.text);
            json_decref(o);
            continue;
        }
        const char *id = json_string_value(json_object_get(o, "id"));
        c->art = pc_grow(c->art, &c->cap_art, c->n_art + 1, sizeof *c->art);
        article *a = &c->art[c->n_art++];
        a->len = json_string_length(jt);
        a->text = malloc(a->len + 1);
        a->id = strdup(id ? id : "?");
        if (!a->text || !a->id) die("out of memory");
        memcpy(a->text, json_string_value(jt), a->len + 1);
        a->atts = json_incref(json_object_get(o, "attributions"));
        json_decref(o);
    }
    free(line);
    fclose(f);
}

/* The byte offset of each character of s (and of its end). */
static size_t *char_bytes(const char *s, size_t len, size_t *nchars) {
    size_t *at = malloc((len + 1) * sizeof *at), k = 0;
    if (!at) die("out of memory");
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) at[k++] = i;
    at[k] = len;
    *nchars = k;
    return at;
}

static const char *const role_keys[] = {NULL, "source", "cue", "content"};

/* Gold tags of the n tokens (byte spans sp) from an article's
 * attributions. */
static void gold_tags(const article *a, const sl_span *sp, size_t n, uint8_t *gold) {
    size_t nchars, *cb = char_bytes(a->text, a->len, &nchars);
    uint32_t *owner = calloc(n + 1, sizeof *owner); /* 1 + which fragment, 0 none */
    if (!owner) die("out of memory");
    memset(gold, AT_O, n);
    uint32_t frag = 0;
    size_t ai;
    json_t *at;
    json_array_foreach(a->atts, ai, at) {
        for (int role = ROLE_SOURCE; role <= ROLE_CONTENT; role++) {
            json_t *spans = json_object_get(at, role_keys[role]), *f;
            size_t fi;
            json_array_foreach(spans, fi, f) {
                json_int_t cs = json_integer_value(json_array_get(f, 0)), ce = json_integer_value(json_array_get(f, 1));
                if (cs < 0 || ce < cs || (size_t)ce > nchars) {
                    fprintf(stderr, "train_attrib: %s: span [%lld, %lld) outside the text\n", a->id, (long long)cs,
                            (long long)ce);
                    continue;
                }
                size_t bs = cb[cs], be = cb[ce];
                frag++;
                for (size_t i = 0; i < n; i++)
                    if (sp[i].start < be && sp[i].end > bs && !owner[i]) {
                        owner[i] = frag;
                        gold[i] = (uint8_t)(2 * role - 1);
                    }
            }
        }
    }
    for (size_t i = 1; i < n; i++)
        if (owner[i] && owner[i] == owner[i - 1]) gold[i] = (uint8_t)(gold[i] + 1); /* I- */
    free(owner);
    free(cb);
}

/* Every token's feature rows, for the first stage (with_prior 0) or the
 * second (reading c->prior); the first time also the gold tags and the
 * paragraphs. */
static void featurize(corpus *c, sl_engine *e, const cue_words *cw, uint32_t bits, int with_prior) {
    int first_time = !c->gold;
    size_t base = 0;
    at_scratch s = {0};
    for (size_t k = 0; k < c->n_art; k++) {
        const article *a = &c->art[k];
        const at_tok *t;
        const sl_span *sp;
        size_t n;
        if (claims_tokens(e, a->text, a->len, &t, &sp, &n) != SL_OK) {
            fprintf(stderr, "train_attrib: %s: %s\n", a->id, sl_errmsg(e));
            exit(1);
        }
        c->rows = pc_grow(c->rows, &c->cap_rows, (base + n) * AT_MAX_FEATURES, sizeof *c->rows);
        c->nrows = pc_grow(c->nrows, &c->cap_nrows, base + n, 1);
        if (first_time) {
            c->gold = pc_grow(c->gold, &c->cap_gold, base + n, 1);
            gold_tags(a, sp, n, c->gold + base);
        }
        if (at_prepare(&s, cw, t, n)) die("out of memory");
        for (size_t i = 0; i < n; i++) {
            c->nrows[base + i] = (uint8_t)at_features(&s, t, n, i, with_prior ? c->prior + base : NULL, bits,
                                                      c->rows + (base + i) * AT_MAX_FEATURES);
            if (first_time && (i == 0 || t[i].para_first)) {
                c->par = pc_grow(c->par, &c->cap_par, c->n_par + 1, sizeof *c->par);
                c->par[c->n_par++] = (para){base + i, 0, k};
            }
            if (first_time) c->par[c->n_par - 1].n++;
        }
        base += n;
    }
    c->n_tok = base;
    if (!c->prior && !(c->prior = calloc(base, 1))) die("out of memory");
    at_scratch_free(&s);
}

/* Room to decode the longest paragraph in. */
typedef struct work {
    float *score;
    uint8_t *back, *pred;
    size_t *cg, *cp;
} work;

static void decode(const float *w, const float *trans, const corpus *c, const para *p, work *wk, uint8_t *out) {
    for (size_t i = 0; i < p->n; i++) {
        float *sc = wk->score + i * AT_TAGS;
        memset(sc, 0, AT_TAGS * sizeof *sc);
        pc_add(w, AT_TAGS, c->rows + (p->first + i) * AT_MAX_FEATURES, c->nrows[p->first + i], sc);
    }
    chain_viterbi(AT_TAGS, trans, wk->score, wk->back, p->n, out);
}

static double score(const float *w, const float *trans, const corpus *c, work *wk) {
    size_t tp = 0, ng = 0, np = 0;
    for (size_t q = 0; q < c->n_par; q++) {
        decode(w, trans, c, &c->par[q], wk, wk->pred);
        pc_count(c->gold + c->par[q].first, wk->pred, c->par[q].n, wk->cg, wk->cp, &tp, &ng, &np);
    }
    return pc_f1(tp, ng, np);
}

/* Learn from the paragraphs of tr whose article is not in fold skip
 * (-1: all) for epochs; with dev, keep the epoch that scores best on it
 * (its number into *kept), else the last.  The average weights and
 * transitions into w and trans. */
static void learn(const char *what, const corpus *tr, int skip, const corpus *dev, int epochs, uint64_t seed,
                  uint32_t bits, work *wk, float *w, float *trans, int *kept) {
    perceptron m;
    pc_init(&m, AT_TAGS, bits);
    size_t n = pc_size(&m), nt = (AT_TAGS + 1) * AT_TAGS, np = 0;
    float *avg = malloc(n * sizeof *avg), avgtrans[(AT_TAGS + 1) * AT_TAGS];
    size_t *order = malloc(tr->n_par * sizeof *order);
    if (!avg || !order) die("out of memory");
    for (size_t i = 0; i < tr->n_par; i++)
        if (skip < 0 || tr->par[i].art % FOLDS != (size_t)skip) order[np++] = i;
    uint64_t rng = seed ? seed : 1;
    double best = -1;
    for (int ep = 1; ep <= epochs; ep++) {
        for (size_t i = np; i > 1; i--) { /* Fisher-Yates, xorshift */
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            size_t j = rng % i, x = order[i - 1];
            order[i - 1] = order[j], order[j] = x;
        }
        size_t wrong = 0;
        for (size_t q = 0; q < np; q++) {
            const para *p = &tr->par[order[q]];
            const uint8_t *gold = tr->gold + p->first;
            decode(m.w, m.trans, tr, p, wk, wk->pred);
            int diff = 0;
            for (size_t i = 0; i < p->n; i++) {
                if (gold[i] == wk->pred[i]) continue;
                const uint32_t *rows = tr->rows + (p->first + i) * AT_MAX_FEATURES;
                pc_update(&m, rows, tr->nrows[p->first + i], gold[i], 1.0f);
                pc_update(&m, rows, tr->nrows[p->first + i], wk->pred[i], -1.0f);
                diff = 1;
            }
            pc_update_trans(&m, gold, wk->pred, p->n);
            wrong += diff;
            m.step++;
        }
        if (!dev && ep < epochs) continue;
        pc_average(&m, avg, avgtrans);
        double f1 = dev ? score(avg, avgtrans, dev, wk) : 0;
        if (dev) fprintf(stderr, "train_attrib: %s, epoch %d: %zu of %zu paragraphs wrong; dev span F1 %.4f\n", what,
                         ep, wrong, np, f1);
        if (!dev || f1 > best) {
            best = f1, *kept = ep;
            memcpy(w, avg, n * sizeof *avg);
            memcpy(trans, avgtrans, nt * sizeof *avgtrans);
        }
    }
    if (dev) fprintf(stderr, "train_attrib: %s: keeping epoch %d (dev span F1 %.4f)\n", what, *kept, best);
    free(avg);
    free(order);
    pc_free(&m);
}

/* First-stage tags of the paragraphs of c in fold only (-1: all) into
 * c->prior. */
static void predict(const float *w, const float *trans, corpus *c, int only, work *wk) {
    for (size_t q = 0; q < c->n_par; q++)
        if (only < 0 || c->par[q].art % FOLDS == (size_t)only)
            decode(w, trans, c, &c->par[q], wk, c->prior + c->par[q].first);
}

int main(int argc, char **argv) {
    uint32_t bits = 18;
    int epochs = 20;
    uint64_t seed = 20240601;
    int a = pc_options(argc, argv, &bits, &epochs, &seed);
    if (argc - a != 3) die("usage: train_attrib [--bits B] [--epochs N] [--seed S] TRAIN.jsonl DEV.jsonl OUT.model");
    char msg[256];
    cue_words *cw = cues_parse(sl_data_cues_txt, sl_data_cues_txt_len, "cues.txt", msg, sizeof msg);
    if (!cw) die(msg);
    sl_engine *e;
    if (sl_open(NULL, NULL, &e) != SL_OK) die("cannot open an engine");
    corpus tr = {0}, dev = {0};
    load(argv[a], &tr);
    load(argv[a + 1], &dev);
    featurize(&tr, e, cw, bits, 0);
    featurize(&dev, e, cw, bits, 0);
    fprintf(stderr, "train_attrib: %zu articles (%zu paragraphs, %zu tokens) to learn from, %zu to choose epochs by\n",
            tr.n_art, tr.n_par, tr.n_tok, dev.n_art);
    size_t maxn = 1, n = ((size_t)1 << bits) * AT_TAGS, nt = (AT_TAGS + 1) * AT_TAGS;
    for (size_t i = 0; i < tr.n_par; i++) maxn = tr.par[i].n > maxn ? tr.par[i].n : maxn;
    for (size_t i = 0; i < dev.n_par; i++) maxn = dev.par[i].n > maxn ? dev.par[i].n : maxn;
    work wk = {malloc(maxn * AT_TAGS * sizeof(float)), malloc(maxn * AT_TAGS), malloc(maxn),
               malloc(maxn * sizeof(size_t)), malloc(maxn * sizeof(size_t))};
    float *w[AT_STAGES], trans[AT_STAGES][(AT_TAGS + 1) * AT_TAGS], *fw = malloc(n * sizeof *fw), ft[(AT_TAGS + 1) * AT_TAGS];
    for (int st = 0; st < AT_STAGES; st++) w[st] = malloc(n * sizeof *w[st]);
    if (!wk.score || !wk.back || !wk.pred || !wk.cg || !wk.cp || !w[0] || !w[1] || !fw) die("out of memory");
    int e1, kept;
    learn("stage 1", &tr, -1, &dev, epochs, seed, bits, &wk, w[0], trans[0], &e1);
    predict(w[0], trans[0], &dev, -1, &wk);
    for (int f = 0; f < FOLDS; f++) { /* the training articles' first-stage tags, each part unseen */
        learn("a fold", &tr, f, NULL, e1, seed + (uint64_t)f + 1, bits, &wk, fw, ft, &kept);
        predict(fw, ft, &tr, f, &wk);
        fprintf(stderr, "train_attrib: fold %d of %d tagged\n", f + 1, FOLDS);
    }
    featurize(&tr, e, cw, bits, 1);
    featurize(&dev, e, cw, bits, 1);
    learn("stage 2", &tr, -1, &dev, epochs, seed, bits, &wk, w[1], trans[1], &kept);
    /* the file: both stages, one scale */
    chain_header h = {AT_TAGS, bits, AT_FEATURES_VERSION, AT_STAGES, 0};
    h.scale = pc_scale((const float *const *)w, AT_STAGES, n);
    size_t tsize = nt * sizeof(float), size = CHAIN_HEADER + AT_STAGES * (tsize + n * sizeof(int16_t));
    unsigned char *p = calloc(1, size), *q = p + CHAIN_HEADER;
    if (!p) die("out of memory");
    for (int st = 0; st < AT_STAGES; st++) {
        memcpy(q, trans[st], tsize);
        pc_put_weights(q + tsize, w[st], n, h.scale);
        q += tsize + n * sizeof(int16_t);
    }
    pc_save(argv[a + 2], p, size, AT_MAGIC, &h);
    free(p);
    sl_close(e);
    cues_free(cw);
    return 0;
}
