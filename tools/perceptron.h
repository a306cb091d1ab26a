/*
 * perceptron.h - the averaged structured perceptron that the trainers
 * (train_ner.c, train_attrib.c) share: weights over hashed feature rows,
 * one per tag, and IOB2 transitions, learnt from sequences decoded with
 * Viterbi (chain.h) under the current weights; the average over every
 * step is what is kept.  Header-only: each tool is one file.
 */
#ifndef SL_PERCEPTRON_H
#define SL_PERCEPTRON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"

typedef struct perceptron {
    int tags;
    uint32_t bits;
    float *w;       /* [1 << bits][tags] */
    double *u;      /* the sum of step * change, for the average */
    float *trans;   /* [tags + 1][tags] */
    double *utrans;
    double step;
} perceptron;

static inline void pc_die(const char *msg) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
}

/* p with room for need items of size bytes (*cap of them now), doubled
 * as it grows; out of memory ends the program. */
static inline void *pc_grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return p;
    size_t nc = *cap ? *cap * 2 : 1024;
    while (nc < need) nc *= 2;
    p = realloc(p, nc * size);
    if (!p) pc_die("out of memory");
    *cap = nc;
    return p;
}

static inline size_t pc_size(const perceptron *m) { return ((size_t)1 << m->bits) * (size_t)m->tags; }

static inline void pc_init(perceptron *m, int tags, uint32_t bits) {
    *m = (perceptron){.tags = tags, .bits = bits, .step = 1};
    size_t n = pc_size(m), t = (size_t)(tags + 1) * tags;
    m->w = calloc(n, sizeof *m->w);
    m->u = calloc(n, sizeof *m->u);
    m->trans = calloc(t, sizeof *m->trans);
    m->utrans = calloc(t, sizeof *m->utrans);
    if (!m->w || !m->u || !m->trans || !m->utrans) pc_die("out of memory");
    for (int a = 0; a <= tags; a++)
        for (int b = 0; b < tags; b++) m->trans[a * tags + b] = chain_allowed(a, b, tags) ? 0 : -1e30f;
}

/* The options the trainers share, --bits B, --epochs N and --seed S,
 * into *bits, *epochs, *seed; the index of the first operand. */
static inline int pc_options(int argc, char **argv, uint32_t *bits, int *epochs, uint64_t *seed) {
    int a = 1;
    for (; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a += 2) {
        if (a + 1 >= argc) pc_die("an option needs a value");
        if (!strcmp(argv[a], "--bits")) *bits = (uint32_t)atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "--epochs")) *epochs = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "--seed")) *seed = strtoull(argv[a + 1], NULL, 10);
        else pc_die("options: --bits B, --epochs N, --seed S");
    }
    if (*bits < 8 || *bits > 26 || *epochs < 1) pc_die("--bits 8 to 26, --epochs at least 1");
    return a;
}

static inline void pc_free(perceptron *m) {
    free(m->w), free(m->u), free(m->trans), free(m->utrans);
    memset(m, 0, sizeof *m);
}

/* Add the weights of rows[0, k) to sc[tags]. */
static inline void pc_add(const float *w, int tags, const uint32_t *rows, size_t k, float *sc) {
    for (size_t j = 0; j < k; j++) {
        const float *r = w + (size_t)rows[j] * tags;
        for (int b = 0; b < tags; b++) sc[b] += r[b];
    }
}

static inline void pc_update(perceptron *m, const uint32_t *rows, size_t k, int tag, float d) {
    for (size_t j = 0; j < k; j++) {
        size_t at = (size_t)rows[j] * m->tags + (size_t)tag;
        m->w[at] += d;
        m->u[at] += m->step * d;
    }
}

/* The transitions' part of learning from one sequence, gold against
 * predicted tags. */
static inline void pc_update_trans(perceptron *m, const uint8_t *gold, const uint8_t *pred, size_t n) {
    int pg = m->tags, pp = m->tags, T = m->tags;
    for (size_t i = 0; i < n; i++) {
        if (gold[i] != pred[i] || pg != pp) {
            m->trans[pg * T + gold[i]] += 1, m->utrans[pg * T + gold[i]] += m->step;
            m->trans[pp * T + pred[i]] -= 1, m->utrans[pp * T + pred[i]] -= m->step;
        }
        pg = gold[i], pp = pred[i];
    }
}

/* The average weights and transitions so far. */
static inline void pc_average(const perceptron *m, float *avg, float *avgtrans) {
    size_t n = pc_size(m);
    for (size_t i = 0; i < n; i++) avg[i] = m->w[i] - (float)(m->u[i] / m->step);
    for (int a = 0; a <= m->tags; a++)
        for (int b = 0; b < m->tags; b++) {
            size_t at = (size_t)a * m->tags + b;
            avgtrans[at] = chain_allowed(a, b, m->tags) ? m->trans[at] - (float)(m->utrans[at] / m->step) : -1e30f;
        }
}

/* Chunks (type, start, end) of a tag sequence, as conlleval counts them,
 * packed type << 48 | start << 24 | end into out; their number. */
static inline size_t pc_chunks(const uint8_t *tags, size_t n, size_t *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int t = tags[i];
        if (t == 0) continue;
        int type = (t + 1) / 2;
        if (!(t & 1) && i > 0 && tags[i - 1] != 0 && (tags[i - 1] + 1) / 2 == type) continue;
        size_t j = i + 1;
        while (j < n && tags[j] != 0 && !(tags[j] & 1) && (tags[j] + 1) / 2 == type) j++;
        out[k++] = (size_t)type << 48 | i << 24 | j;
    }
    return k;
}

/* Matching chunks of gold and pred into *tp, and their numbers. */
static inline void pc_count(const uint8_t *gold, const uint8_t *pred, size_t n, size_t *cg, size_t *cp, size_t *tp,
                     size_t *ng, size_t *np) {
    size_t a = pc_chunks(gold, n, cg), b = pc_chunks(pred, n, cp);
    *ng += a, *np += b;
    for (size_t i = 0, j = 0; i < a && j < b;) { /* both in order of start */
        if (cg[i] == cp[j]) ++*tp, i++, j++;
        else if ((cg[i] >> 24 & 0xFFFFFF) < (cp[j] >> 24 & 0xFFFFFF)) i++;
        else j++;
    }
}

static inline double pc_f1(size_t tp, size_t ng, size_t np) {
    double p = np ? (double)tp / np : 0, r = ng ? (double)tp / ng : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* The scale that maps the largest weight of tables[0, k) (n each) to
 * 32767. */
static inline float pc_scale(const float *const *tables, int k, size_t n) {
    float mx = 0;
    for (int t = 0; t < k; t++)
        for (size_t i = 0; i < n; i++) mx = fabsf(tables[t][i]) > mx ? fabsf(tables[t][i]) : mx;
    return mx > 0 ? mx / 32767.0f : 1.0f;
}

static inline void pc_put_weights(unsigned char *at, const float *avg, size_t n, float scale) {
    int16_t *q = (int16_t *)at;
    for (size_t i = 0; i < n; i++) q[i] = (int16_t)lrintf(avg[i] / scale);
}

/* Put the header on p[0, size) (its body in place) and write it out. */
static inline void pc_save(const char *path, unsigned char *p, size_t size, const char magic[8], const chain_header *h) {
    chain_write_header(p, size, magic, h);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, size, f) != size || fclose(f)) {
        perror(path);
        exit(1);
    }
    fprintf(stderr, "wrote %s (%zu bytes)\n", path, size);
}

/* Write a model: header (chain.h), transitions, the kind's section
 * extra[0, nextra), then the weights as int16 times a scale. */
static inline void pc_write(const char *path, const char magic[8], chain_header h, const float *avg, size_t n,
                     const float *trans, const void *extra, size_t nextra) {
    h.scale = pc_scale(&avg, 1, n);
    size_t tsize = sizeof(float) * (h.tags + 1) * h.tags;
    size_t size = CHAIN_HEADER + tsize + nextra + n * sizeof(int16_t);
    unsigned char *p = calloc(1, size);
    if (!p) pc_die("out of memory");
    memcpy(p + CHAIN_HEADER, trans, tsize);
    if (nextra) memcpy(p + CHAIN_HEADER + tsize, extra, nextra);
    pc_put_weights(p + CHAIN_HEADER + tsize + nextra, avg, n, h.scale);
    pc_save(path, p, size, magic, &h);
    free(p);
}

#endif
