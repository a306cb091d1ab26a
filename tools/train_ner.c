/*
 * train_ner.c - learn the named-entity model of src/ner.h from CoNLL text.
 *
 *   train_ner [--bits B] [--epochs N] LEXICON TRAIN.conll DEV.conll OUT.model
 *
 * LEXICON is data/ner-lexicon.txt (tools/ner_lexicon.c): what unlabelled
 * news says of words, read by features and written into the model.
 * An averaged structured perceptron: each training sentence is decoded
 * with Viterbi under the current weights and, where it is wrong, the
 * features of the gold tags gain one and those of the predicted tags lose
 * one (transitions alike).  The average over every step is kept; after
 * each epoch it is scored on DEV (entity-level exact match, as
 * conlleval), and the best epoch's average is written.  The test file is
 * never read here.  Documents are visited in an order shuffled by a
 * fixed seed, so a run is repeatable, and each one's sentences in their
 * own order, as the tagger reads them: the tags the current weights gave
 * a word earlier in the document are features of it (ner_history), so
 * the model learns how far to trust them.
 *
 * CoNLL input: the token in the first column, the IOB2 tag in the last,
 * a blank line between sentences; a -DOCSTART- line starts a document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ner.h"
#include "perceptron.h"

typedef struct sentence {
    size_t first, n; /* tokens[first, first + n) */
} sentence;

typedef struct corpus {
    buf text;           /* the tokens' bytes, NUL after each */
    size_t *off;        /* per token */
    uint8_t *gold;
    size_t n_tok, cap_tok;
    sentence *sent;
    size_t n_sent, cap_sent;
    size_t *doc;        /* the first sentence of each document */
    size_t n_doc, cap_doc;
    uint32_t *rows;     /* per token: its feature rows (NER_MAX_FEATURES) */
    uint8_t *nrows;     /* per token: how many */
    uint32_t *prev, *begin; /* per token, as ner_scratch has them, but
                             * numbered in the corpus */
    uint8_t *pred;      /* per token: the tags the last decoding gave */
} corpus;

static int tag_of(const char *s) {
    for (int t = 0; t < NER_TAGS; t++)
        if (!strcmp(s, ner_tag_names[t])) return t;
    return -1;
}

static void die(const char *msg) {
    fprintf(stderr, "train_ner: %s\n", msg);
    exit(1);
}

static FILE *open_or_die(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void read_conll(const char *path, corpus *c) {
    FILE *f = open_or_die(path);
    char line[4096];
    size_t start = 0, lineno = 0;
    for (;;) {
        char *got = fgets(line, sizeof line, f);
        lineno++;
        size_t len = got ? strlen(line) : 0;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        int doc = got && !strncmp(line, "-DOCSTART-", 10);
        if (!got || !len || doc) {
            if (c->n_tok > start) {
                c->sent = pc_grow(c->sent, &c->cap_sent, c->n_sent + 1, sizeof *c->sent);
                c->sent[c->n_sent++] = (sentence){start, c->n_tok - start};
            }
            if (doc || !c->n_doc) {
                c->doc = pc_grow(c->doc, &c->cap_doc, c->n_doc + 1, sizeof *c->doc);
                c->doc[c->n_doc++] = c->n_sent;
            }
            start = c->n_tok;
            if (!got) break;
            continue;
        }
        char *sp = strchr(line, ' '), *last = strrchr(line, ' ');
        if (!sp) sp = strchr(line, '\t'), last = strrchr(line, '\t');
        if (!sp) {
            fprintf(stderr, "train_ner: %s:%zu: expected a token and a tag\n", path, lineno);
            exit(1);
        }
        int t = tag_of(last + 1);
        if (t < 0) {
            fprintf(stderr, "train_ner: %s:%zu: '%s' is not an IOB2 tag\n", path, lineno, last + 1);
            exit(1);
        }
        size_t need = c->n_tok + 1, cap = c->cap_tok;
        c->off = pc_grow(c->off, &cap, need, sizeof *c->off);
        cap = c->cap_tok;
        c->gold = pc_grow(c->gold, &cap, need, 1);
        c->cap_tok = cap;
        c->off[c->n_tok] = c->text.len;
        c->gold[c->n_tok] = (uint8_t)t;
        c->n_tok++;
        if (buf_put(&c->text, line, (size_t)(sp - line)) || buf_putc(&c->text, '\0')) die("out of memory");
    }
    fclose(f);
}

/* ---- the lexicon ---------------------------------------------------------- */

static ner_lexicon lexicon;

static void read_lexicon(const char *path) {
    FILE *f = open_or_die(path);
    char line[512];
    size_t n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) n += line[0] != '#';
    uint32_t bits = 4;
    while (((size_t)1 << bits) < 2 * n + 2) bits++;
    ner_lex *slot = calloc((size_t)1 << bits, sizeof *slot);
    if (!slot) die("out of memory");
    rewind(f);
    size_t mask = ((size_t)1 << bits) - 1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#') continue;
        char word[256];
        unsigned cl, co, ca;
        if (sscanf(line, "%255[^\t]\t%u\t%u\t%u", word, &cl, &co, &ca) != 4 || !cl || cl > 65535 || co > 255 || ca > 255) {
            fprintf(stderr, "train_ner: %s:%zu: expected word, cluster, coarse, case\n", path, lineno);
            exit(1);
        }
        uint64_t key = ner_word_key(word, strlen(word));
        size_t j = (size_t)key & mask;
        while (slot[j].key && slot[j].key != key) j = (j + 1) & mask;
        slot[j] = (ner_lex){key, (uint16_t)cl, (uint8_t)co, (uint8_t)ca, 0};
    }
    fclose(f);
    lexicon = (ner_lexicon){bits, slot};
}

/* ---- features ------------------------------------------------------------- */

/* The feature rows of every token, document by document: they do not
 * change as the weights learn. */
static void featurize(corpus *c, uint32_t bits) {
    c->rows = malloc(c->n_tok * NER_MAX_FEATURES * sizeof *c->rows);
    c->nrows = malloc(c->n_tok);
    c->prev = malloc(c->n_tok * sizeof *c->prev);
    c->begin = malloc(c->n_tok * sizeof *c->begin);
    c->pred = calloc(c->n_tok, 1);
    ner_tok *t = malloc(c->n_tok * sizeof *t);
    if (!c->rows || !c->nrows || !c->prev || !c->begin || !c->pred || !t) die("out of memory");
    ner_scratch s = {0};
    for (size_t d = 0; d < c->n_doc; d++) {
        size_t s0 = c->doc[d], s1 = d + 1 < c->n_doc ? c->doc[d + 1] : c->n_sent;
        if (s0 == s1) continue;
        size_t first = c->sent[s0].first, n = 0;
        for (size_t q = s0; q < s1; q++)
            for (size_t i = 0; i < c->sent[q].n; i++, n++) {
                const char *w = c->text.p + c->off[first + n];
                t[n] = (ner_tok){w, (uint32_t)strlen(w), i == 0};
            }
        if (ner_prepare(&s, &lexicon, t, n)) die("out of memory");
        for (size_t i = 0; i < n; i++) {
            c->nrows[first + i] = (uint8_t)ner_features(&s, i, bits, c->rows + (first + i) * NER_MAX_FEATURES);
            c->prev[first + i] = s.prev[i] == NER_NONE ? NER_NONE : (uint32_t)first + s.prev[i];
            c->begin[first + i] = (uint32_t)first + s.begin[i];
        }
    }
    ner_scratch_free(&s);
    free(t);
}

/* ---- learning --------------------------------------------------------- */

/* Scores of every token of sentence se under weights w (the current or
 * the averaged), then Viterbi into c->pred; the history rows of each
 * token into hist (two a token), their number into nhist. */
static void decode(const float *w, const float *trans, corpus *c, const sentence *se, uint32_t bits,
                   float *score, uint8_t *back, uint32_t *hist, uint8_t *nhist) {
    for (size_t i = 0; i < se->n; i++) {
        size_t at = se->first + i;
        float *sc = score + i * NER_TAGS;
        memset(sc, 0, NER_TAGS * sizeof *sc);
        pc_add(w, NER_TAGS, c->rows + at * NER_MAX_FEATURES, c->nrows[at], sc);
        nhist[i] = (uint8_t)ner_history(c->prev, c->begin, c->pred, at, bits, hist + 2 * i);
        pc_add(w, NER_TAGS, hist + 2 * i, nhist[i], sc);
    }
    chain_viterbi(NER_TAGS, trans, score, back, se->n, c->pred + se->first);
}

/* Room to decode the longest sentence of a corpus in. */
typedef struct work {
    float *score;
    uint8_t *back, *nhist;
    uint32_t *hist;
    size_t *cg, *cp;
} work;

static void work_init(work *w, size_t maxn) {
    w->score = malloc(maxn * NER_TAGS * sizeof *w->score);
    w->back = malloc(maxn * NER_TAGS);
    w->nhist = malloc(maxn);
    w->hist = malloc(2 * maxn * sizeof *w->hist);
    w->cg = malloc(maxn * sizeof *w->cg);
    w->cp = malloc(maxn * sizeof *w->cp);
    if (!w->score || !w->back || !w->nhist || !w->hist || !w->cg || !w->cp) die("out of memory");
}

static double score_dev(const float *avg, const float *avgtrans, corpus *dev, uint32_t bits, work *w) {
    size_t tp = 0, np = 0, ng = 0;
    for (size_t q = 0; q < dev->n_sent; q++) {
        const sentence *se = &dev->sent[q];
        decode(avg, avgtrans, dev, se, bits, w->score, w->back, w->hist, w->nhist);
        pc_count(dev->gold + se->first, dev->pred + se->first, se->n, w->cg, w->cp, &tp, &ng, &np);
    }
    return pc_f1(tp, ng, np);
}

/* One model learnt from tr with documents shuffled by seed: the average
 * of its best epoch on dev into best, besttrans; that epoch's dev F1. */
static double learn(corpus *tr, corpus *dev, uint32_t bits, int epochs, uint64_t seed, size_t *order, work *wk,
                    float *avg, float *avgtrans, float *best, float *besttrans) {
    perceptron m;
    pc_init(&m, NER_TAGS, bits);
    size_t n = pc_size(&m), nt = (NER_TAGS + 1) * NER_TAGS;
    for (size_t i = 0; i < tr->n_doc; i++) order[i] = i;
    uint64_t rng = seed ? seed : 1;
    double best_f1 = -1;
    int best_epoch = 0;
    for (int e = 1; e <= epochs; e++) {
        /* documents in a shuffled order (Fisher-Yates, xorshift), each
         * read in its own order: what the tagger said of a word earlier
         * in a document is a feature */
        for (size_t i = tr->n_doc; i > 1; i--) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            size_t j = rng % i, x = order[i - 1];
            order[i - 1] = order[j], order[j] = x;
        }
        size_t wrong = 0;
        for (size_t d = 0; d < tr->n_doc; d++) {
            size_t s0 = tr->doc[order[d]], s1 = order[d] + 1 < tr->n_doc ? tr->doc[order[d] + 1] : tr->n_sent;
            for (size_t q = s0; q < s1; q++) {
                const sentence *se = &tr->sent[q];
                const uint8_t *gold = tr->gold + se->first, *pred = tr->pred + se->first;
                const uint32_t *rows = tr->rows + se->first * NER_MAX_FEATURES;
                const uint8_t *nrows = tr->nrows + se->first;
                decode(m.w, m.trans, tr, se, bits, wk->score, wk->back, wk->hist, wk->nhist);
                int diff = 0;
                for (size_t i = 0; i < se->n; i++) {
                    if (gold[i] == pred[i]) continue;
                    pc_update(&m, rows + i * NER_MAX_FEATURES, nrows[i], gold[i], 1.0f);
                    pc_update(&m, rows + i * NER_MAX_FEATURES, nrows[i], pred[i], -1.0f);
                    pc_update(&m, wk->hist + 2 * i, wk->nhist[i], gold[i], 1.0f);
                    pc_update(&m, wk->hist + 2 * i, wk->nhist[i], pred[i], -1.0f);
                    diff = 1;
                }
                pc_update_trans(&m, gold, pred, se->n);
                wrong += diff;
                m.step++;
            }
        }
        pc_average(&m, avg, avgtrans);
        double f1 = score_dev(avg, avgtrans, dev, bits, wk);
        fprintf(stderr, "train_ner: epoch %d: %zu of %zu sentences wrong; dev F1 %.4f\n", e, wrong, tr->n_sent, f1);
        if (f1 > best_f1) {
            best_f1 = f1, best_epoch = e;
            memcpy(best, avg, n * sizeof *avg);
            memcpy(besttrans, avgtrans, nt * sizeof *avgtrans);
        }
    }
    fprintf(stderr, "train_ner: keeping epoch %d (dev F1 %.4f)\n", best_epoch, best_f1);
    pc_free(&m);
    return best_f1;
}

int main(int argc, char **argv) {
    uint32_t bits = 20;
    int epochs = 12, models = 1;
    uint64_t seed = 20240601;
    /* --models K (first, when given): K models, each from documents in
     * its own shuffled order (seeds S, S + 1, ...), their weights averaged */
    if (argc > 2 && !strcmp(argv[1], "--models")) {
        models = atoi(argv[2]);
        if (models < 1) die("--models needs a number of models, at least 1");
        argv[2] = argv[0];
        argv += 2, argc -= 2;
    }
    int a = pc_options(argc, argv, &bits, &epochs, &seed);
    if (argc - a != 4)
        die("usage: train_ner [--models K] [--bits B] [--epochs N] [--seed S] LEXICON TRAIN.conll DEV.conll OUT.model");
    corpus tr = {0}, dev = {0};
    read_lexicon(argv[a++]);
    read_conll(argv[a], &tr);
    read_conll(argv[a + 1], &dev);
    fprintf(stderr, "train_ner: %zu sentences (%zu tokens) to learn from, %zu to choose the epoch by\n",
            tr.n_sent, tr.n_tok, dev.n_sent);
    size_t n = ((size_t)1 << bits) * NER_TAGS, nt = (NER_TAGS + 1) * NER_TAGS;
    float *avg = malloc(n * sizeof *avg), *best = malloc(n * sizeof *best), *sum = calloc(n, sizeof *sum);
    float avgtrans[(NER_TAGS + 1) * NER_TAGS], besttrans[(NER_TAGS + 1) * NER_TAGS];
    float sumtrans[(NER_TAGS + 1) * NER_TAGS] = {0};
    if (!avg || !best || !sum) die("out of memory");
    featurize(&tr, bits);
    featurize(&dev, bits);
    size_t *order = malloc(tr.n_doc * sizeof *order), maxn = 1;
    for (size_t i = 0; i < tr.n_sent; i++)
        if (tr.sent[i].n > maxn) maxn = tr.sent[i].n;
    for (size_t i = 0; i < dev.n_sent; i++)
        if (dev.sent[i].n > maxn) maxn = dev.sent[i].n;
    if (!order) die("out of memory");
    work wk;
    work_init(&wk, maxn);
    for (int k = 0; k < models; k++) {
        learn(&tr, &dev, bits, epochs, seed + (uint64_t)k, order, &wk, avg, avgtrans, best, besttrans);
        for (size_t i = 0; i < n; i++) sum[i] += best[i] / (float)models;
        for (size_t i = 0; i < nt; i++) sumtrans[i] += besttrans[i] / (float)models; /* -inf stays -inf */
    }
    if (models > 1)
        fprintf(stderr, "train_ner: the average of %d models: dev F1 %.4f\n", models,
                score_dev(sum, sumtrans, &dev, bits, &wk));
    chain_header h = {NER_TAGS, bits, NER_FEATURES_VERSION, lexicon.bits, 0};
    pc_write(argv[a + 2], NER_MAGIC, h, sum, n, sumtrans, lexicon.slot, sizeof(ner_lex) << lexicon.bits);
    return 0;
}
