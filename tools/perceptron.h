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

static void pc_die(const char *msg) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
}

static size_t pc_size(const perceptron *m) { return ((size_t)1 << m->bits) * (size_t)m->tags; }

static void pc_init(perceptron *m, int tags, uint32_t bits) {
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

/* Add the weights of rows[0, k) to sc[tags]. */
static void pc_add(const float *w, int tags, const uint32_t *rows, size_t k, float *sc) {
    for (size_t j = 0; j < k; j++) {
        const float *r = w + (size_t)rows[j] * tags;
        for (int b = 0; b < tags; b++) sc[b] += r[b];
    }
}

static void pc_update(perceptron *m, const uint32_t *rows, size_t k, int tag, float d) {
    for (size_t j = 0; j < k; j++) {
        size_t at = (size_t)rows[j] * m->tags + (size_t)tag;
        m->w[at] += d;
        m->u[at] += m->step * d;
    }
}

/* The transitions' part of learning from one sequence, gold against
 * predicted tags. */
static void pc_update_trans(perceptron *m, const uint8_t *gold, const uint8_t *pred, size_t n) {
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
static void pc_average(const perceptron *m, float *avg, float *avgtrans) {
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
static size_t pc_chunks(const uint8_t *tags, size_t n, size_t *out) {
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
static void pc_count(const uint8_t *gold, const uint8_t *pred, size_t n, size_t *cg, size_t *cp, size_t *tp,
                     size_t *ng, size_t *np) {
    size_t a = pc_chunks(gold, n, cg), b = pc_chunks(pred, n, cp);
    *ng += a, *np += b;
    for (size_t i = 0, j = 0; i < a && j < b;) { /* both in order of start */
        if (cg[i] == cp[j]) ++*tp, i++, j++;
        else if ((cg[i] >> 24 & 0xFFFFFF) < (cp[j] >> 24 & 0xFFFFFF)) i++;
        else j++;
    }
}

static double pc_f1(size_t tp, size_t ng, size_t np) {
    double p = np ? (double)tp / np : 0, r = ng ? (double)tp / ng : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* Write a model: header (chain.h), transitions, the kind's section
 * extra[0, nextra), then the weights as int16 times a scale. */
static void pc_write(const char *path, const char magic[8], chain_header h, const float *avg, size_t n,
                     const float *trans, const void *extra, size_t nextra) {
    float mx = 0;
    for (size_t i = 0; i < n; i++) mx = fabsf(avg[i]) > mx ? fabsf(avg[i]) : mx;
    h.scale = mx > 0 ? mx / 32767.0f : 1.0f;
    size_t tsize = sizeof(float) * (h.tags + 1) * h.tags;
    size_t size = CHAIN_HEADER + tsize + nextra + n * sizeof(int16_t);
    unsigned char *p = calloc(1, size);
    if (!p) pc_die("out of memory");
    memcpy(p + CHAIN_HEADER, trans, tsize);
    if (nextra) memcpy(p + CHAIN_HEADER + tsize, extra, nextra);
    int16_t *q = (int16_t *)(p + CHAIN_HEADER + tsize + nextra);
    for (size_t i = 0; i < n; i++) q[i] = (int16_t)lrintf(avg[i] / h.scale);
    chain_write_header(p, size, magic, &h);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, size, f) != size || fclose(f)) {
        perror(path);
        exit(1);
    }
    free(p);
    fprintf(stderr, "wrote %s (%zu bytes)\n", path, size);
}

#endif
