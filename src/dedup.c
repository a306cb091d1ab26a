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
 * Postings of one key are capped (MM_CAP): a paragraph that a
 * thousand articles share is boilerplate, not evidence of copying.
 *
 * Memory: what verification needs of an article (its words, sorted
 * shingles and paragraphs) goes to an unlinked scratch file and is read
 * back for each candidate; memory holds the ids,
 * dates, union-find and the postings, whose slots are 8 bytes (32 bits of
 * the key, the doc or a list).  A key fragment that two keys share only
 * adds a candidate, which verification then drops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fingerprint.h"
#include "multimap.h"
#include "pool.h"
#include "storyline.h"

#define NONE UINT32_MAX

/* One article cleaned and fingerprinted, in one allocation: the arrays of
 * f, the id and the date follow the struct.  Made on any thread; freed
 * once the article is indexed. */
typedef struct prep {
    sl_status st;
    char *err;             /* when st is not SL_OK */
    char *id, *date;       /* date NULL: undated sorts last */
    size_t length;         /* clean text bytes */
    const char *record;    /* its scratch record (rec_size bytes) */
    size_t rec_size;
    fingerprint f;
} prep;

typedef struct doc {
    uint64_t off;          /* its fingerprint in the scratch file */
    const char *id;        /* in the string arena */
    const char *date;      /* or NULL: undated sorts last */
    uint32_t length;       /* clean text bytes (at most UINT32_MAX) */
    uint32_t parent;       /* union-find */
    uint32_t best;         /* at a root: the group's representative */
    uint32_t stamp;        /* last query that saw it as a candidate */
    uint32_t twin;         /* the next exact copy of the first article of
                              its text (which alone is posted), or NONE */
    uint32_t n_shingles;   /* in its record (texts are under 4 GiB) */
} doc;

/* What one thread needs to prepare articles: an engine to clean with and
 * fingerprint scratch.  Worker 0 is the calling thread, with the
 * deduper's engine. */
typedef struct worker {
    sl_engine *e;
    fp_ctx fp;
} worker;


/* Strings that live as long as the deduper, in blocks that never move. */
typedef struct arena {
    char *block;
    size_t used, size;
    char **all;
    size_t n_all, cap_all;
} arena;

/* The scratch file: records are laid out by the threads that prepare
 * the articles, copied into buf by the indexing thread (for articles that
 * are not exact copies of one before), written 4 MiB at a time, and read
 * back with pread (or from buf while they are there).  A pwrite per
 * article instead doubled the system time on a VM. */
typedef struct scratch {
    int fd;
    uint64_t flushed;     /* bytes in the file */
    char *buf;
    size_t len, cap;
    uint64_t *rd, *rd_rest; /* a fingerprint read back from the file */
    size_t cap_rd, cap_rd_rest;
} scratch;

struct sl_dedup {
    sl_engine *e;
    sl_dedup_options opt;
    doc *docs;
    size_t n_docs, cap_docs;
    multimap exact, bands, paras;
    arena strings;
    scratch sc;
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
    opt->evidence = 1;
}

/* A copy of s[0, n) that lives as long as the arena. */
static const char *arena_str(arena *a, const char *s, size_t n) {
    if (a->used + n + 1 > a->size) {
        size_t size = n + 1 > 1 << 20 ? n + 1 : 1 << 20;
        char *b = malloc(size);
        if (!b) return NULL;
        if (array_grow((void **)&a->all, &a->cap_all, a->n_all + 1, sizeof *a->all)) {
            free(b);
            return NULL;
        }
        a->all[a->n_all++] = b;
        a->block = b;
        a->used = 0;
        a->size = size;
    }
    char *d = a->block + a->used;
    memcpy(d, s, n);
    d[n] = '\0';
    a->used += n + 1;
    return d;
}

static void arena_free(arena *a) {
    for (size_t i = 0; i < a->n_all; i++) free(a->all[i]);
    free(a->all);
    memset(a, 0, sizeof *a);
}

/* Open an unlinked file in $TMPDIR (or /tmp). */
static int scratch_open(scratch *sc) {
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/storyline-dedup-XXXXXX", dir);
    sc->fd = mkstemp(path);
    if (sc->fd < 0) return -1;
    unlink(path);
    return 0;
}

/* A record: a header (words, shingles | paragraphs << 32, exact hash),
 * the sorted shingles (4 bytes each, padded to 8), the words and the
 * paragraphs, back to back: a candidate decided on its shingles, as most
 * are, is read no further (scratch_shingles, then scratch_rest). */
#define HEAD_BYTES 32
#define R8(x) (((x) + 7) & ~(size_t)7)
static size_t record_size(const fingerprint *f) {
    return HEAD_BYTES + R8(f->n_shingles * 4) + f->n_words * 8 + f->n_paras * sizeof(fp_para);
}

static int scratch_flush(scratch *sc) {
    for (size_t done = 0; done < sc->len;) {
        ssize_t w = pwrite(sc->fd, sc->buf + done, sc->len - done, (off_t)(sc->flushed + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    sc->flushed += sc->len;
    sc->len = 0;
    return 0;
}

/* Append the record rec[0, size); its offset in *off.  0, or -1. */
static int scratch_put(scratch *sc, const void *rec, size_t size, uint64_t *off) {
    if (sc->len + size > sc->cap && sc->len && scratch_flush(sc)) return -1;
    if (array_grow((void **)&sc->buf, &sc->cap, size > (4u << 20) ? size : (4u << 20), 1)) return -1;
    *off = sc->flushed + sc->len;
    memcpy(sc->buf + sc->len, rec, size);
    sc->len += size;
    return 0;
}

/* n bytes at off: in buf while they are there, else read into *dst
 * (grown to fit).  NULL when they cannot be read. */
static const void *scratch_at(scratch *sc, uint64_t off, size_t n, uint64_t **dst, size_t *cap) {
    if (off >= sc->flushed) return sc->buf + (off - sc->flushed);
    if (array_grow((void **)dst, cap, n / 8 + 1, 8)) return NULL;
    return pread(sc->fd, *dst, n, (off_t)off) == (ssize_t)n ? *dst : NULL;
}

/* The exact hash of the fingerprint at off. */
static int scratch_exact(scratch *sc, uint64_t off, unsigned char h[16]) {
    const uint64_t *head = scratch_at(sc, off, HEAD_BYTES, &sc->rd, &sc->cap_rd);
    if (!head) return -1;
    memcpy(h, &head[2], 16);
    return 0;
}

/* The head and the n_shingles shingles of the record at off, in f, whose
 * words and paragraphs are left out (until scratch_rest).  Valid until
 * the next call. */
static int scratch_shingles(scratch *sc, uint64_t off, size_t n_shingles, fingerprint *f) {
    const uint64_t *head = scratch_at(sc, off, HEAD_BYTES + R8(n_shingles * 4), &sc->rd, &sc->cap_rd);
    if (!head) return -1;
    fp_rebuild(NULL, (size_t)head[0], (const uint32_t *)(const void *)(head + 4), n_shingles, NULL,
               (size_t)(head[1] >> 32), f);
    memcpy(f->exact, &head[2], 16);
    return 0;
}

/* The words and paragraphs of the record at off into f (from
 * scratch_shingles). */
static int scratch_rest(scratch *sc, uint64_t off, fingerprint *f) {
    size_t at = HEAD_BYTES + R8(f->n_shingles * 4);
    const uint64_t *words = scratch_at(sc, off + at, f->n_words * 8 + f->n_paras * sizeof(fp_para),
                                       &sc->rd_rest, &sc->cap_rd_rest);
    if (!words) return -1;
    fp_rebuild(words, f->n_words, f->shingles, f->n_shingles,
               (const fp_para *)(const void *)(words + f->n_words), f->n_paras, f);
    return 0;
}

static void scratch_close(scratch *sc) {
    if (sc->fd >= 0) close(sc->fd);
    free(sc->buf);
    free(sc->rd);
    free(sc->rd_rest);
    memset(sc, 0, sizeof *sc);
}

SL_API sl_status sl_dedup_open(sl_engine *e, const sl_dedup_options *opt, sl_dedup **out) {
    sl_dedup *d = calloc(1, sizeof *d);
    *out = d;
    if (!d) return SL_ENOMEM;
    d->e = e;
    d->sc.fd = -1;
    if (opt) d->opt = *opt;
    else sl_dedup_options_init(&d->opt);
    unsigned n = d->opt.threads ? d->opt.threads : pool_cores();
    if (n > 64) n = 64;
    d->w = calloc(n, sizeof *d->w);
    if (!d->w) return SL_ENOMEM;
    d->n_w = n;
    d->w[0].e = e;
    if (scratch_open(&d->sc))
        return engine_err(e, SL_EIO, "cannot make a scratch file in %s: %s",
                          getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
    return SL_OK;
}

SL_API void sl_dedup_close(sl_dedup *d) {
    if (!d) return;
    free(d->docs);
    arena_free(&d->strings);
    scratch_close(&d->sc);
    mm_clear(&d->exact);
    mm_clear(&d->bands);
    mm_clear(&d->paras);
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

static sl_status oom(sl_dedup *d) { return engine_err(d->e, SL_ENOMEM, "out of memory"); }

static int candidate(sl_dedup *d, uint32_t c) {
    if (d->docs[c].stamp == d->stamp) return 0;
    d->docs[c].stamp = d->stamp;
    if (array_grow((void **)&d->cand, &d->cap_cand, d->n_cand + 1, sizeof *d->cand)) return -1;
    d->cand[d->n_cand++] = c;
    return 0;
}

/* Collect the docs listed under key as candidates (once each).  A full
 * list is a phrase or a boilerplate paragraph that many articles share: no
 * evidence, and verifying its articles would cost more as the stream
 * grows.  (The exact list never fills: exact copies are not posted.) */
static int collect(sl_dedup *d, const multimap *m, uint64_t key) {
    uint32_t v[MM_CAP];
    size_t n = mm_get(m, (uint32_t)(key >> 32), v);
    if (n >= MM_CAP) return 0;
    for (size_t i = 0; i < n; i++)
        if (candidate(d, v[i])) return -1;
    return 0;
}

static uint64_t exact_key(const unsigned char h[16]) {
    uint64_t k;
    memcpy(&k, h, 8);
    return k;
}

static sl_status scratch_lost(sl_dedup *d) {
    return engine_err(d->e, SL_EIO, "cannot read the scratch file back: %s", strerror(errno));
}

/* Verify candidate c against the new article p; append a match. */
static sl_status verify(sl_dedup *d, const prep *p, uint32_t c) {
    const doc *o = &d->docs[c];
    fingerprint of;
    fp_rules r = {d->opt.near_threshold, FP_NEAR_CONTAINMENT, d->opt.partial_min_words,
                  FP_PARTIAL_TOPIC, d->opt.evidence};
    fp_verdict v;
    if (scratch_shingles(&d->sc, o->off, o->n_shingles, &of)) return scratch_lost(d);
    int more = fp_decide_shingles(&d->fp, &p->f, &of, &r, &v);
    if (more == 1) {
        if (scratch_rest(&d->sc, o->off, &of)) return scratch_lost(d);
        more = fp_decide_rest(&d->fp, &p->f, &of, &r, &v);
    }
    if (more) return oom(d);
    if (!v.kind) return SL_OK;
    /* A partial copy of an article is one of its exact copies too (they
     * are not posted); near and exact copies join its group instead. */
    for (uint32_t t = c; t != NONE; t = v.kind == SL_DUP_PARTIAL ? d->docs[t].twin : NONE) {
        if (array_grow((void **)&d->m, &d->cap_m, d->n_m + 1, sizeof *d->m)) return oom(d);
        d->m[d->n_m++] = (sl_dup_match){.doc = t, .id = d->docs[t].id, .kind = (sl_dup_kind)v.kind,
                                        .similarity = v.jaccard, .containment = v.containment,
                                        .shared_paragraphs = v.paragraphs, .shared_words = v.words};
    }
    return SL_OK;
}

/* Copy n items of size sz from src to *at (aligned to 8) and advance. */
static void *put(char **at, const void *src, size_t n, size_t sz) {
    void *dst = *at;
    if (n) memcpy(dst, src, n * sz);
    *at += (n * sz + 7) & ~(size_t)7;
    return dst;
}

/* Clean and fingerprint a with w's engine and scratch, and lay out its
 * scratch record.  NULL when memory runs out; else a prep whose st says
 * whether the article was usable. */
static prep *prepare(worker *w, const sl_article *a) {
    const sl_doc *clean;
    /* Duplicates need no sentences or tokens: a sixth of cleaning. */
    w->e->cl.no_segment = 1;
    sl_status st = sl_clean(w->e, a, &clean);
    w->e->cl.no_segment = 0;
    fingerprint f;
    if (st == SL_OK && fp_compute(&w->fp, clean->text, clean->text_len, clean->paragraphs,
                                  clean->n_paragraphs, w->e->cl.forms.p, w->e->cl.pform, &f))
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
    size_t rec = record_size(&f);
    size_t size = R8(sizeof(prep)) + rec + R8(f.n_seq * 8) + R8(lid) + R8(ldate);
    prep *p = malloc(size);
    if (!p) return NULL;
    char *at = (char *)p + ((sizeof *p + 7) & ~(size_t)7);
    p->st = SL_OK;
    p->err = NULL;
    p->length = clean->text_len;
    p->rec_size = rec;
    p->f = f;
    memcpy(p->f.exact, clean->hash, 16);
    /* the record, in the layout scratch_shingles and scratch_rest read */
    p->record = at;
    uint64_t head[4] = {f.n_words, f.n_shingles | (uint64_t)f.n_paras << 32, 0, 0};
    memcpy(&head[2], clean->hash, 16);
    put(&at, head, 4, 8);
    p->f.shingles = put(&at, f.shingles, f.n_shingles, 4);
    p->f.words = put(&at, f.words, f.n_words, 8);
    p->f.paras = put(&at, f.paras, f.n_paras, sizeof(fp_para));
    p->f.seq = put(&at, f.seq, f.n_seq, 8);
    p->id = put(&at, id, lid, 1);
    p->date = clean->date ? put(&at, clean->date, ldate, 1) : NULL;
    return p;
}

/* The doc whose text is the same as p's after normalisation: one posted
 * under p's exact key (only the first article of a text is) whose full
 * 128-bit hash agrees; or NONE. */
static uint32_t exact_copy_of(sl_dedup *d, const prep *p) {
    uint32_t v[MM_CAP];
    size_t n = mm_get(&d->exact, (uint32_t)(exact_key(p->f.exact) >> 32), v);
    for (size_t i = 0; i < n; i++) {
        unsigned char h[16];
        if (scratch_exact(&d->sc, d->docs[v[i]].off, h) == 0 && memcmp(h, p->f.exact, 16) == 0)
            return v[i];
    }
    return NONE;
}

/* Find what p copies or is copied by among the docs so far, then add it.
 * The matches are in d->m.  Errors come with their message on d->e.  An
 * exact copy is matched
 * with the first article of its text only, is verified only against
 * articles outside that one's group, and posts nothing: whatever would
 * find it finds that article. */
static sl_status index_prep(sl_dedup *d, prep *p) {
    if (d->n_docs >= MM_MAX_VALUE) /* doc numbers fit in 31 bits */
        return engine_err(d->e, SL_ETOOBIG, "too many articles for one deduper");
    const fingerprint *f = &p->f;
    d->n_m = d->n_cand = 0;
    if (++d->stamp == 0) {
        for (size_t i = 0; i < d->n_docs; i++) d->docs[i].stamp = 0;
        d->stamp = 1;
    }
    uint32_t same = exact_copy_of(d, p), group = NONE;
    if (same != NONE) {
        if (array_grow((void **)&d->m, &d->cap_m, 1, sizeof *d->m)) return oom(d);
        d->m[d->n_m++] = (sl_dup_match){.doc = same, .id = d->docs[same].id, .kind = SL_DUP_EXACT,
                                        .similarity = 1.0, .containment = 1.0,
                                        .shared_paragraphs = f->n_paras, .shared_words = f->n_words};
        group = find(d, same);
        d->docs[same].stamp = d->stamp;
    }
    uint64_t keys[FP_BANDS];
    for (int b = 0; b < FP_BANDS; b++) {
        keys[b] = fp_band_key(f, b);
        mm_prefetch(&d->bands, (uint32_t)(keys[b] >> 32));
    }
    for (size_t i = 0; i < f->n_paras; i++) mm_prefetch(&d->paras, (uint32_t)(f->paras[i].hash >> 32));
    if (collect(d, &d->exact, exact_key(f->exact))) return oom(d);
    for (int b = 0; b < FP_BANDS; b++)
        if (f->n_shingles && collect(d, &d->bands, keys[b])) return oom(d);
    for (size_t i = 0; i < f->n_paras; i++)
        if (collect(d, &d->paras, f->paras[i].hash)) return oom(d);
    for (size_t i = 0; i < d->n_cand; i++) {
        /* an exact copy is already in its twin's group: only relations
         * outside it (partial copies, other groups) are new */
        if (group != NONE && find(d, d->cand[i]) == group) continue;
        sl_status s = verify(d, p, d->cand[i]);
        if (s != SL_OK) return s;
    }

    if (array_grow((void **)&d->docs, &d->cap_docs, d->n_docs + 1, sizeof *d->docs)) return oom(d);
    uint32_t me = (uint32_t)d->n_docs;
    doc *nd = &d->docs[me];
    *nd = (doc){.parent = me, .best = me, .stamp = d->stamp, .twin = NONE,
                .n_shingles = (uint32_t)f->n_shingles,
                .length = p->length > UINT32_MAX ? UINT32_MAX : (uint32_t)p->length};
    nd->id = arena_str(&d->strings, p->id, strlen(p->id));
    nd->date = p->date ? arena_str(&d->strings, p->date, strlen(p->date)) : NULL;
    if (!nd->id || (p->date && !nd->date)) return oom(d);
    if (same != NONE) {
        nd->off = d->docs[same].off; /* the same fingerprint */
        nd->twin = d->docs[same].twin;
        d->docs[same].twin = me;
    } else {
        if (scratch_put(&d->sc, p->record, p->rec_size, &nd->off))
            return engine_err(d->e, SL_EIO, "cannot write the scratch file: %s", strerror(errno));
        if (mm_add(&d->exact, (uint32_t)(exact_key(f->exact) >> 32), me)) return oom(d);
        for (int b = 0; b < FP_BANDS && f->n_shingles; b++)
            if (mm_add(&d->bands, (uint32_t)(keys[b] >> 32), me)) return oom(d);
        for (size_t i = 0; i < f->n_paras; i++)
            if (mm_add(&d->paras, (uint32_t)(f->paras[i].hash >> 32), me)) return oom(d);
    }
    d->n_docs++;
    for (size_t i = 0; i < d->n_m; i++)
        if (d->m[i].kind != SL_DUP_PARTIAL) unite(d, (uint32_t)d->m[i].doc, me);
    return SL_OK;
}

SL_API sl_status sl_dedup_add(sl_dedup *d, const sl_article *a, const sl_dup_match **out,
                              size_t *n_out) {
    prep *p = prepare(&d->w[0], a);
    if (!p) return oom(d);
    sl_status st = p->st; /* a cleaning error has its message on d->e */
    if (st == SL_OK) st = index_prep(d, p);
    free(p);
    if (st != SL_OK) return st;
    *out = d->m;
    *n_out = d->n_m;
    return SL_OK;
}

/* A batch through the pool: items prepared on every worker, indexed in
 * order. */
typedef struct batch {
    sl_dedup *d;
    const sl_article *a;
    prep **item;
    sl_dedup_cb cb;
    void *ud;
    sl_status st;
} batch;

static void batch_prepare(void *ctx, unsigned w, size_t i) {
    batch *b = ctx;
    b->item[i] = prepare(&b->d->w[w], &b->a[i]);
}

static int batch_consume(void *ctx, size_t i) {
    batch *b = ctx;
    sl_dedup *d = b->d;
    prep *p = b->item[i];
    b->item[i] = NULL;
    int stop;
    if (!p) {
        b->st = oom(d);
        stop = 1;
    } else if (p->st != SL_OK) {
        stop = b->cb(b->ud, &b->a[i], p->st, p->err, NULL, 0);
    } else if ((b->st = index_prep(d, p)) != SL_OK) {
        stop = 1;
    } else {
        stop = b->cb(b->ud, &b->a[i], SL_OK, NULL, d->m, d->n_m);
    }
    free(p);
    return stop;
}

SL_API sl_status sl_dedup_add_batch(sl_dedup *d, const sl_article *a, size_t n,
                                    sl_dedup_cb cb, void *ud) {
    if (!n) return SL_OK;
    batch b = {d, a, calloc(n, sizeof *b.item), cb, ud, SL_OK};
    if (!b.item) return oom(d);
    /* Helpers only when there is enough to share. */
    unsigned workers = 1;
    for (unsigned t = 1; t < d->n_w && n >= 4 * t; t++) {
        worker *w = &d->w[t];
        if (!w->e && sl_open(NULL, &d->e->opt, &w->e) != SL_OK) {
            sl_close(w->e);
            w->e = NULL;
            break;
        }
        workers = t + 1;
    }
    pool_fns f = {&b, batch_prepare, batch_consume};
    if (pool_run(&f, n, workers, 0)) b.st = oom(d);
    for (size_t i = 0; i < n; i++) free(b.item[i]); /* left after a stop */
    free(b.item);
    return b.st;
}
