/*
 * dedup.c - exact, near and partial copies in a stream of articles.
 *
 * Candidates come from three postings: the exact hash, the LSH band keys
 * of the MinHash signature, and the paragraph hashes (partial copies, and
 * truncated copies whose Jaccard is too low for the bands to catch).  Each
 * candidate is then verified on the shingle sets and the shared
 * paragraphs; a collision alone never makes a relation.  Exact and near
 * copies are joined into groups with union-find; each group's
 * representative is the earliest article, then the longest.
 *
 * Postings of one key are capped (POSTING_CAP): a paragraph that a
 * thousand articles share is boilerplate, not evidence of copying.
 */
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "storyline.h"

#define POSTING_CAP 64
#define NONE UINT32_MAX


typedef struct doc {
    char *id;
    char *date;            /* or NULL: undated sorts last */
    size_t length;         /* clean text bytes */
    unsigned char exact[16];
    uint64_t *sh;          /* sorted shingles */
    uint32_t n_sh;
    uint64_t *seq;         /* shingles in text order */
    uint32_t n_seq;
    uint64_t *words;
    uint32_t n_words;
    uint32_t n_paras;
    fp_para *paras;
    uint32_t parent;       /* union-find */
    uint32_t best;         /* at a root: the group's representative */
    uint32_t stamp;        /* last query that saw it as a candidate */
} doc;

/* A multimap from 64-bit keys to lists of docs: open addressing over
 * slots, lists threaded through one array of postings. */
typedef struct slot {
    uint64_t key;
    uint32_t head;  /* posting index + 1; 0: empty slot */
    uint32_t count;
} slot;

typedef struct posting {
    uint32_t doc;
    uint32_t next;  /* posting index + 1; 0: end */
} posting;

typedef struct multimap {
    slot *slots;
    size_t cap, used;
    posting *post;
    size_t n_post, cap_post;
} multimap;

struct sl_dedup {
    sl_engine *e;
    sl_dedup_options opt;
    doc *docs;
    size_t n_docs, cap_docs;
    multimap exact, bands, paras;
    fp_ctx fp;
    fingerprint f;
    sl_dup_match *m;
    size_t n_m, cap_m;
    uint32_t stamp;
    uint32_t *cand;
    size_t n_cand, cap_cand;
};

SL_API const char *sl_dup_kind_name(sl_dup_kind k) {
    switch (k) {
    case SL_DUP_EXACT: return "exact";
    case SL_DUP_NEAR: return "near";
    case SL_DUP_PARTIAL: return "partial";
    }
    return "unknown";
}

SL_API void sl_dedup_options_init(sl_dedup_options *opt) {
    opt->near_threshold = FP_NEAR_JACCARD;
    opt->partial_min_words = FP_PARTIAL_WORDS;
}

static slot *mm_find(const multimap *m, uint64_t key) {
    if (!m->cap) return NULL;
    for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->slots[i].head) return NULL;
        if (m->slots[i].key == key) return &m->slots[i];
    }
}

static int mm_rehash(multimap *m, size_t ncap) {
    slot *ns = calloc(ncap, sizeof *ns);
    if (!ns) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].head) continue;
        size_t j = (size_t)(m->slots[i].key * 0x9E3779B97F4A7C15ULL) & (ncap - 1);
        while (ns[j].head) j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

/* Add doc under key, unless the key already lists POSTING_CAP docs. */
static int mm_add(multimap *m, uint64_t key, uint32_t d) {
    if ((m->used + 1) * 4 > m->cap * 3 && mm_rehash(m, m->cap ? m->cap * 2 : 1024)) return -1;
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);
    while (m->slots[i].head && m->slots[i].key != key) i = (i + 1) & (m->cap - 1);
    slot *s = &m->slots[i];
    if (s->head && s->count >= POSTING_CAP) return 0;
    if (array_grow((void **)&m->post, &m->cap_post, m->n_post + 1, sizeof *m->post)) return -1;
    m->post[m->n_post] = (posting){d, s->head};
    if (!s->head) {
        s->key = key;
        m->used++;
    }
    s->head = (uint32_t)++m->n_post;
    s->count++;
    return 0;
}

static void mm_free(multimap *m) {
    free(m->slots);
    free(m->post);
    memset(m, 0, sizeof *m);
}

SL_API sl_status sl_dedup_open(sl_engine *e, const sl_dedup_options *opt, sl_dedup **out) {
    sl_dedup *d = calloc(1, sizeof *d);
    *out = d;
    if (!d) return SL_ENOMEM;
    d->e = e;
    if (opt) d->opt = *opt;
    else sl_dedup_options_init(&d->opt);
    return SL_OK;
}

SL_API void sl_dedup_close(sl_dedup *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n_docs; i++) {
        free(d->docs[i].id);
        free(d->docs[i].date);
        free(d->docs[i].sh);
        free(d->docs[i].seq);
        free(d->docs[i].words);
        free(d->docs[i].paras);
    }
    free(d->docs);
    mm_free(&d->exact);
    mm_free(&d->bands);
    mm_free(&d->paras);
    fp_ctx_free(&d->fp);
    free(d->m);
    free(d->cand);
    free(d);
}

SL_API size_t sl_dedup_count(const sl_dedup *d) { return d->n_docs; }

SL_API const char *sl_dedup_id(const sl_dedup *d, size_t i) {
    return i < d->n_docs ? d->docs[i].id : NULL;
}

static uint32_t find(sl_dedup *d, uint32_t x) {
    while (d->docs[x].parent != x) {
        d->docs[x].parent = d->docs[d->docs[x].parent].parent; /* halve the path */
        x = d->docs[x].parent;
    }
    return x;
}

/* Does a come before b as a representative: earlier date, then longer,
 * then added first? */
static int better(const doc *a, uint32_t ia, const doc *b, uint32_t ib) {
    if (a->date && b->date) {
        int c = strcmp(a->date, b->date);
        if (c) return c < 0;
    } else if (a->date != b->date) {
        return a->date != NULL;
    }
    if (a->length != b->length) return a->length > b->length;
    return ia < ib;
}

static void unite(sl_dedup *d, uint32_t a, uint32_t b) {
    a = find(d, a);
    b = find(d, b);
    if (a == b) return;
    uint32_t ba = d->docs[a].best, bb = d->docs[b].best;
    uint32_t best = better(&d->docs[ba], ba, &d->docs[bb], bb) ? ba : bb;
    if (b < a) { uint32_t t = a; a = b; b = t; } /* the older root stays */
    d->docs[b].parent = a;
    d->docs[a].best = best;
}

SL_API size_t sl_dedup_representative(sl_dedup *d, size_t i) {
    if (i >= d->n_docs) return i;
    return d->docs[find(d, (uint32_t)i)].best;
}

/* Collect the docs listed under key as candidates (once each). */
static int collect(sl_dedup *d, const multimap *m, uint64_t key) {
    const slot *s = mm_find(m, key);
    if (!s) return 0;
    for (uint32_t p = s->head; p; p = m->post[p - 1].next) {
        uint32_t c = m->post[p - 1].doc;
        if (d->docs[c].stamp == d->stamp) continue;
        d->docs[c].stamp = d->stamp;
        if (array_grow((void **)&d->cand, &d->cap_cand, d->n_cand + 1, sizeof *d->cand)) return -1;
        d->cand[d->n_cand++] = c;
    }
    return 0;
}

static uint64_t exact_key(const unsigned char h[16]) {
    uint64_t k;
    memcpy(&k, h, 8);
    return k;
}

/* Verify candidate c against the new fingerprint; append a match. */
static int verify(sl_dedup *d, uint32_t c) {
    const doc *o = &d->docs[c];
    fingerprint other = {.shingles = o->sh, .n_shingles = o->n_sh, .paras = o->paras,
                         .n_paras = o->n_paras, .seq = o->seq, .n_seq = o->n_seq,
                         .words = o->words, .n_words = o->n_words};
    memcpy(other.exact, o->exact, 16);
    fp_rules rules = {d->opt.near_threshold, FP_NEAR_CONTAINMENT, d->opt.partial_min_words,
                      FP_PARTIAL_TOPIC};
    fp_verdict v;
    fp_decide(&d->f, &other, &rules, &v);
    if (!v.kind) return 0;
    if (array_grow((void **)&d->m, &d->cap_m, d->n_m + 1, sizeof *d->m)) return -1;
    d->m[d->n_m++] = (sl_dup_match){.doc = c, .id = o->id, .kind = (sl_dup_kind)v.kind,
                                    .similarity = v.jaccard, .containment = v.containment,
                                    .shared_paragraphs = v.paragraphs, .shared_words = v.words};
    return 0;
}

static char *dupstr(const char *s) { return s ? strdup(s) : NULL; }

SL_API sl_status sl_dedup_add(sl_dedup *d, const sl_article *a, const sl_dup_match **out,
                              size_t *n_out) {
    const sl_doc *clean;
    sl_status st = sl_clean(d->e, a, &clean);
    if (st != SL_OK) return st;
    if (d->n_docs >= NONE - 1) return SL_ETOOBIG;
    fingerprint *f = &d->f;
    if (fp_compute(&d->fp, clean->text, clean->text_len, clean->paragraphs, clean->n_paragraphs, f))
        return SL_ENOMEM;
    memcpy(f->exact, clean->hash, 16);

    /* Candidates. */
    d->n_m = d->n_cand = 0;
    if (++d->stamp == 0) {
        for (size_t i = 0; i < d->n_docs; i++) d->docs[i].stamp = 0;
        d->stamp = 1;
    }
    if (collect(d, &d->exact, exact_key(f->exact))) return SL_ENOMEM;
    uint64_t keys[FP_BANDS];
    for (int b = 0; b < FP_BANDS; b++) {
        keys[b] = fp_band_key(f, b);
        if (f->n_shingles && collect(d, &d->bands, keys[b])) return SL_ENOMEM;
    }
    for (size_t i = 0; i < f->n_paras; i++)
        if (collect(d, &d->paras, f->paras[i].hash)) return SL_ENOMEM;
    for (size_t i = 0; i < d->n_cand; i++)
        if (verify(d, d->cand[i])) return SL_ENOMEM;

    /* Add it. */
    if (array_grow((void **)&d->docs, &d->cap_docs, d->n_docs + 1, sizeof *d->docs)) return SL_ENOMEM;
    uint32_t me = (uint32_t)d->n_docs;
    doc *nd = &d->docs[me];
    memset(nd, 0, sizeof *nd);
    nd->id = dupstr(clean->id ? clean->id : "");
    nd->date = dupstr(clean->date);
    nd->length = clean->text_len;
    memcpy(nd->exact, f->exact, 16);
    nd->n_sh = (uint32_t)f->n_shingles;
    nd->sh = malloc((f->n_shingles ? f->n_shingles : 1) * sizeof *nd->sh);
    nd->n_words = (uint32_t)f->n_words;
    nd->words = malloc((f->n_words ? f->n_words : 1) * sizeof *nd->words);
    nd->n_seq = (uint32_t)f->n_seq;
    nd->seq = malloc((f->n_seq ? f->n_seq : 1) * sizeof *nd->seq);
    nd->n_paras = (uint32_t)f->n_paras;
    nd->paras = malloc((f->n_paras ? f->n_paras : 1) * sizeof *nd->paras);
    if (!nd->id || !nd->sh || !nd->seq || !nd->words || !nd->paras || (clean->date && !nd->date)) {
        free(nd->id);
        free(nd->date);
        free(nd->sh);
        free(nd->seq);
        free(nd->words);
        free(nd->paras);
        return SL_ENOMEM;
    }
    if (f->n_shingles) memcpy(nd->sh, f->shingles, f->n_shingles * sizeof *nd->sh);
    if (f->n_words) memcpy(nd->words, f->words, f->n_words * sizeof *nd->words);
    if (f->n_seq) memcpy(nd->seq, f->seq, f->n_seq * sizeof *nd->seq);
    if (f->n_paras) memcpy(nd->paras, f->paras, f->n_paras * sizeof *nd->paras);
    nd->parent = nd->best = me;
    nd->stamp = d->stamp;
    d->n_docs++;
    if (mm_add(&d->exact, exact_key(f->exact), me)) return SL_ENOMEM;
    for (int b = 0; b < FP_BANDS && f->n_shingles; b++)
        if (mm_add(&d->bands, keys[b], me)) return SL_ENOMEM;
    for (size_t i = 0; i < f->n_paras; i++)
        if (mm_add(&d->paras, f->paras[i].hash, me)) return SL_ENOMEM;
    for (size_t i = 0; i < d->n_m; i++)
        if (d->m[i].kind != SL_DUP_PARTIAL) unite(d, (uint32_t)d->m[i].doc, me);
    *out = d->m;
    *n_out = d->n_m;
    return SL_OK;
}
