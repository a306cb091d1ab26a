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
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fingerprint.h"
#include "storyline.h"

#define POSTING_CAP 64
#define NONE UINT32_MAX


/* One article cleaned and fingerprinted, in one allocation: the arrays of
 * f, the id and the date follow the struct.  Made on any thread; a doc
 * keeps it once the article is added. */
typedef struct prep {
    sl_status st;
    char *err;             /* when st is not SL_OK */
    char *id, *date;       /* date NULL: undated sorts last */
    size_t length;         /* clean text bytes */
    fingerprint f;
} prep;

typedef struct doc {
    prep *p;
    uint32_t parent;       /* union-find */
    uint32_t best;         /* at a root: the group's representative */
    uint32_t stamp;        /* last query that saw it as a candidate */
} doc;

/* What one thread needs to prepare articles: an engine to clean with and
 * fingerprint scratch.  Worker 0 is the calling thread, with the
 * deduper's engine. */
typedef struct worker {
    sl_engine *e;
    fp_ctx fp;
} worker;

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
    fp_ctx fp;                  /* decision scratch */
    worker *w;                  /* w[0] is the caller's */
    unsigned n_w;
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
    opt->threads = 0;
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
    unsigned n = d->opt.threads;
    if (!n) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (unsigned)c : 1;
    }
    if (n > 64) n = 64;
    d->w = calloc(n, sizeof *d->w);
    if (!d->w) return SL_ENOMEM;
    d->n_w = n;
    d->w[0].e = e;
    return SL_OK;
}

SL_API void sl_dedup_close(sl_dedup *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n_docs; i++) free(d->docs[i].p);
    free(d->docs);
    mm_free(&d->exact);
    mm_free(&d->bands);
    mm_free(&d->paras);
    fp_ctx_free(&d->fp);
    for (unsigned i = 0; d->w && i < d->n_w; i++) {
        if (i) sl_close(d->w[i].e);
        fp_ctx_free(&d->w[i].fp);
    }
    free(d->w);
    free(d->m);
    free(d->cand);
    free(d);
}

SL_API size_t sl_dedup_count(const sl_dedup *d) { return d->n_docs; }

SL_API const char *sl_dedup_id(const sl_dedup *d, size_t i) {
    return i < d->n_docs ? d->docs[i].p->id : NULL;
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
static int better(const prep *a, uint32_t ia, const prep *b, uint32_t ib) {
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
    uint32_t best = better(d->docs[ba].p, ba, d->docs[bb].p, bb) ? ba : bb;
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

/* Verify candidate c against the new article p; append a match. */
static int verify(sl_dedup *d, const prep *p, uint32_t c) {
    const prep *o = d->docs[c].p;
    fp_rules r = {d->opt.near_threshold, FP_NEAR_CONTAINMENT, d->opt.partial_min_words,
                  FP_PARTIAL_TOPIC};
    fp_verdict v;
    if (fp_decide(&d->fp, &p->f, &o->f, &r, &v)) return -1;
    if (!v.kind) return 0;
    if (array_grow((void **)&d->m, &d->cap_m, d->n_m + 1, sizeof *d->m)) return -1;
    d->m[d->n_m++] = (sl_dup_match){.doc = c, .id = o->id, .kind = (sl_dup_kind)v.kind,
                                    .similarity = v.jaccard, .containment = v.containment,
                                    .shared_paragraphs = v.paragraphs, .shared_words = v.words};
    return 0;
}

/* Copy n items of size sz from src to *at (aligned to 8) and advance. */
static void *put(char **at, const void *src, size_t n, size_t sz) {
    void *dst = *at;
    if (n) memcpy(dst, src, n * sz);
    *at += (n * sz + 7) & ~(size_t)7;
    return dst;
}

/* Clean and fingerprint a with w's engine and scratch.  NULL when memory
 * runs out; else a prep whose st says whether the article was usable. */
static prep *prepare(worker *w, const sl_article *a) {
    const sl_doc *clean;
    sl_status st = sl_clean(w->e, a, &clean);
    fingerprint f;
    if (st == SL_OK && fp_compute(&w->fp, clean->text, clean->text_len, clean->paragraphs,
                                  clean->n_paragraphs, &f))
        st = SL_ENOMEM;
    if (st != SL_OK) {
        const char *msg = sl_errmsg(w->e);
        prep *p = calloc(1, sizeof *p + strlen(msg) + 1);
        if (!p) return NULL;
        p->st = st;
        p->err = strcpy((char *)(p + 1), msg);
        return p;
    }
    const char *id = clean->id ? clean->id : "";
    size_t lid = strlen(id) + 1, ldate = clean->date ? strlen(clean->date) + 1 : 0;
#define R8(x) (((x) + 7) & ~(size_t)7)
    size_t size = R8(sizeof(prep)) + R8(f.n_words * 8) + R8(f.n_seq * 8) +
                  R8(f.n_shingles * 8) + R8(f.n_paras * sizeof(fp_para)) + R8(lid) + R8(ldate);
#undef R8
    prep *p = malloc(size);
    if (!p) return NULL;
    char *at = (char *)p + ((sizeof *p + 7) & ~(size_t)7);
    p->st = SL_OK;
    p->err = NULL;
    p->length = clean->text_len;
    p->f = f;
    memcpy(p->f.exact, clean->hash, 16);
    p->f.words = put(&at, f.words, f.n_words, 8);
    p->f.seq = put(&at, f.seq, f.n_seq, 8);
    p->f.shingles = put(&at, f.shingles, f.n_shingles, 8);
    p->f.paras = put(&at, f.paras, f.n_paras, sizeof(fp_para));
    p->id = put(&at, id, lid, 1);
    p->date = clean->date ? put(&at, clean->date, ldate, 1) : NULL;
    return p;
}

/* Find what p copies or is copied by among the docs so far, then add it
 * (the doc takes p).  The matches are in d->m. */
static sl_status index_prep(sl_dedup *d, prep *p) {
    if (d->n_docs >= NONE - 1) return SL_ETOOBIG;
    const fingerprint *f = &p->f;
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
        if (verify(d, p, d->cand[i])) return SL_ENOMEM;

    if (array_grow((void **)&d->docs, &d->cap_docs, d->n_docs + 1, sizeof *d->docs)) return SL_ENOMEM;
    uint32_t me = (uint32_t)d->n_docs;
    if (mm_add(&d->exact, exact_key(f->exact), me)) return SL_ENOMEM;
    for (int b = 0; b < FP_BANDS && f->n_shingles; b++)
        if (mm_add(&d->bands, keys[b], me)) return SL_ENOMEM;
    for (size_t i = 0; i < f->n_paras; i++)
        if (mm_add(&d->paras, f->paras[i].hash, me)) return SL_ENOMEM;
    d->docs[me] = (doc){.p = p, .parent = me, .best = me, .stamp = d->stamp};
    d->n_docs++;
    for (size_t i = 0; i < d->n_m; i++)
        if (d->m[i].kind != SL_DUP_PARTIAL) unite(d, (uint32_t)d->m[i].doc, me);
    return SL_OK;
}

SL_API sl_status sl_dedup_add(sl_dedup *d, const sl_article *a, const sl_dup_match **out,
                              size_t *n_out) {
    prep *p = prepare(&d->w[0], a);
    if (!p) return engine_err(d->e, SL_ENOMEM, "out of memory");
    sl_status st = p->st;
    if (st == SL_OK) st = index_prep(d, p);
    if (st != SL_OK) {
        free(p);
        return st == SL_ENOMEM ? engine_err(d->e, st, "out of memory") : st;
    }
    *out = d->m;
    *n_out = d->n_m;
    return SL_OK;
}

/* A batch: the items are prepared by every worker, taken in turn from
 * next; ready[i] is set once item i is. */
typedef struct batch {
    sl_dedup *d;
    const sl_article *a;
    size_t n;
    prep **item;
    _Atomic size_t next;
    _Atomic unsigned char *ready;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} batch;

/* Prepare the next unclaimed item; 0 when none is left. */
static int prepare_next(batch *b, worker *w) {
    size_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->n) return 0;
    b->item[i] = prepare(w, &b->a[i]);
    pthread_mutex_lock(&b->mu);
    atomic_store(&b->ready[i], 1);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    return 1;
}

typedef struct job {
    batch *b;
    worker *w;
} job;

static void *work(void *arg) {
    job *j = arg;
    while (prepare_next(j->b, j->w)) {}
    return NULL;
}

SL_API sl_status sl_dedup_add_batch(sl_dedup *d, const sl_article *a, size_t n,
                                    sl_dedup_cb cb, void *ud) {
    if (!n) return SL_OK;
    batch b = {.d = d, .a = a, .n = n};
    b.item = calloc(n, sizeof *b.item);
    b.ready = calloc(n, sizeof *b.ready);
    job jobs[64];
    pthread_t th[64];
    unsigned started = 0;
    sl_status st = SL_OK;
    if (!b.item || !b.ready) {
        st = engine_err(d->e, SL_ENOMEM, "out of memory");
        goto out;
    }
    atomic_init(&b.next, 0);
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);
    /* Helpers only when there is enough to share. */
    for (unsigned t = 1; t < d->n_w && n >= 4 * t; t++) {
        worker *w = &d->w[t];
        if (!w->e && sl_open(NULL, &d->e->opt, &w->e) != SL_OK) {
            sl_close(w->e);
            w->e = NULL;
            break;
        }
        jobs[t] = (job){&b, w};
        if (pthread_create(&th[t], NULL, work, &jobs[t])) break;
        started = t;
    }
    int stop = 0;
    for (size_t i = 0; i < n; i++) {
        /* While item i is not ready, prepare others rather than wait. */
        while (!atomic_load(&b.ready[i])) {
            if (prepare_next(&b, &d->w[0])) continue;
            pthread_mutex_lock(&b.mu);
            while (!atomic_load(&b.ready[i])) pthread_cond_wait(&b.cv, &b.mu);
            pthread_mutex_unlock(&b.mu);
        }
        prep *p = b.item[i];
        b.item[i] = NULL;
        if (stop) {
            free(p);
            continue;
        }
        if (!p) {
            st = engine_err(d->e, SL_ENOMEM, "out of memory");
            stop = 1;
            continue;
        }
        sl_status s = p->st;
        if (s == SL_OK) {
            s = index_prep(d, p);
            if (s != SL_OK) {
                free(p);
                st = engine_err(d->e, s, s == SL_ENOMEM ? "out of memory" : "too many articles");
                stop = 1;
                continue;
            }
            if (cb(ud, &a[i], SL_OK, NULL, d->m, d->n_m)) stop = 1;
        } else {
            if (cb(ud, &a[i], s, p->err, NULL, 0)) stop = 1;
            free(p);
        }
    }
    for (unsigned t = 1; t <= started; t++) pthread_join(th[t], NULL);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cv);
out:
    if (b.item)
        for (size_t i = 0; i < n; i++) free(b.item[i]);
    free(b.item);
    free((void *)b.ready);
    return st;
}
