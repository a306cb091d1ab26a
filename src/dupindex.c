/*
 * dupindex.c - duplicate detection in a store: the index, check, rm, dups.
 *
 * Each stored article is posted under 32 bits of each of its LSH band keys
 * and of each paragraph key.  A new article's candidates are the articles
 * posted under its keys and those with its content hash; each candidate
 * is fingerprinted again from its stored clean text and judged by
 * fp_decide(), the same decision the stream deduper makes.  So the index
 * on disk is only postings.
 *
 * Postings live in two tiers, as in a log-structured merge tree:
 *  - recent: the keys of the articles posted since the last merge, one
 *    row per article (an append), and in memory a multimap of them,
 *    loaded when the store is opened or another process changed it;
 *  - merged: 65,536 buckets of varint-coded postings (postings.h).
 * When the recent tier reaches a quarter of the merged one (at least
 * MERGE_MIN articles, at most MERGE_MAX), it is merged in bucket order.
 * A posting per row, inserted where its random key falls, cost each batch
 * a write of most pages of the index once the store outgrew the page
 * cache (3.8 MB/s ingest at 1M articles), and 14 bytes a posting; merging
 * writes each bucket once per merge, 4 bytes a posting.  Opening a store
 * reads at most MERGE_MAX articles' keys.
 *
 * The fingerprint parameters are stored in the meta table; a store built
 * with others refuses duplicate work (SL_EVERSION) until it is rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "judge.h"
#include "pool.h"
#include "postings.h"
#include "terms.h"
#include "normalize.h"

/* ---- the merged buckets read so far ----------------------------------------------
 *
 * Each article looks up the buckets of its ten to thirty keys.  Read from
 * SQLite, a lookup was a B-tree descent and a copy, and once the store
 * outgrew the 2 GiB SQLite maps, mostly a pread(): 15 % of the writing
 * thread at a million articles.  So the engine keeps a copy of each
 * bucket it read or wrote, until another connection changes the store or
 * the recent tier is loaded again (recent_fresh), or a commit fails.
 * Nothing is read ahead: a check reads its few buckets, an ingest the
 * buckets its articles touch.  The copies are the merged tier itself,
 * about 60 bytes an article at a million; past BC_MAX_BYTES no more are
 * kept. */
#define POST_N_BUCKETS 65536
#define BC_MAX_BYTES ((size_t)256 << 20)

struct bucket_copy {
    unsigned char *p;
    uint32_t len;
    uint32_t cap; /* 0: not kept */
};

static void bc_clear(sl_engine *e) {
    if (!e->bc) return;
    for (size_t b = 0; b < POST_N_BUCKETS; b++) free(e->bc[b].p);
    memset(e->bc, 0, POST_N_BUCKETS * sizeof *e->bc);
    e->bc_bytes = 0;
}

/* Keep data[0, n) as bucket b's copy; when it cannot, forget the old one. */
static void bc_put(sl_engine *e, uint32_t b, const void *data, size_t n) {
    if (!e->bc && !(e->bc = calloc(POST_N_BUCKETS, sizeof *e->bc))) return;
    struct bucket_copy *c = &e->bc[b];
    if (n >= UINT32_MAX) goto forget;
    if (n + 1 > c->cap) {
        size_t cap = n + n / 4 + 16;
        if (e->bc_bytes - c->cap + cap > BC_MAX_BYTES || cap >= UINT32_MAX) goto forget;
        unsigned char *p = realloc(c->p, cap);
        if (!p) goto forget;
        e->bc_bytes += cap - c->cap;
        c->p = p;
        c->cap = (uint32_t)cap;
    }
    if (n) memcpy(c->p, data, n);
    c->len = (uint32_t)n;
    return;
forget:
    e->bc_bytes -= c->cap;
    free(c->p);
    *c = (struct bucket_copy){0};
}

/* Bucket b's blob, from the copy or from the store (and then kept). */
static sl_status bucket_of(sl_engine *e, uint32_t b, const unsigned char **p, size_t *n) {
    if (e->bc && e->bc[b].cap) {
        *p = e->bc[b].p;
        *n = e->bc[b].len;
        return SL_OK;
    }
    sl_status s = store_bucket_get(e->st, b, &e->bucket, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    bc_put(e, b, e->bucket.p, e->bucket.len);
    *p = (const unsigned char *)e->bucket.p;
    *n = e->bucket.len;
    return SL_OK;
}

void dupindex_forget(sl_engine *e) {
    e->recent_ok = 0;
    bc_clear(e);
    judge_job *jb;
    while (e->judge && (jb = judge_done(e->judge, 1))) judge_release(e->judge, jb);
}

void dupindex_free(sl_engine *e) {
    judge_stop(e->judge);
    e->judge = NULL;
    fp_ctx_free(&e->fpa);
    judge_scratch_free(&e->jw);
    free(e->keys);
    free(e->cand);
    free(e->pairs);
    free(e->cpara);
    free(e->links);
    buf_free(&e->shared);
    buf_free(&e->scratch);
    buf_free(&e->bucket);
    bc_clear(e);
    free(e->bc);
    mm_clear(&e->recent);
    free(e->run);
    free(e->old);
    free(e->merged);
}

static sl_status usable(sl_engine *e) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (e->fp_state != 1) return engine_err(e, SL_EVERSION, "%s", e->fp_msg);
    return SL_OK;
}

/* ---- candidates ------------------------------------------------------------ */

/* Candidates verified per article, those sharing the most keys first: near
 * copies share many band keys and come first; a key shared by a crowd
 * (a story copied everywhere) cannot make one article cost hundreds of
 * verifications. */
#define MAX_VERIFY JUDGE_MAX_CAND

static int add_cand(void *ud, int64_t seq) {
    sl_engine *e = ud;
    if (array_grow((void **)&e->cand, &e->cap_cand, e->n_cand + 1, sizeof *e->cand)) return -1;
    e->cand[e->n_cand++] = seq;
    return 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Candidate seqs packed with their hit count, for sorting: most hits
 * first, then the earlier article. */
static int cmp_hits(const void *a, const void *b) {
    const int64_t *x = a, *y = b;
    if (x[1] != y[1]) return x[1] > y[1] ? -1 : 1;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- the two tiers of postings ---------------------------------------------- */

#define MERGE_MIN 8192
#define MERGE_MAX 65536

static sl_status damaged(sl_engine *e, uint32_t bucket) {
    return engine_err(e, SL_ESTORE, "the duplicate index is damaged (bucket %u); run 'storyline reindex'",
                      bucket);
}

static int load_one(void *ud, int64_t seq, const uint32_t *keys, size_t n) {
    sl_engine *e = ud;
    if (seq <= 0 || seq > MM_MAX_VALUE) return 0;
    for (size_t i = 0; i < n; i++)
        if (mm_add(&e->recent, keys[i], (uint32_t)seq)) return -1;
    e->n_recent++;
    return 0;
}

/* The recent tier in memory as the store has it: loaded once, and again
 * after another connection committed or a removal. */
static sl_status recent_fresh(sl_engine *e) {
    int64_t v = store_data_version(e->st, e->err, sizeof e->err);
    if (v < 0) return SL_ESTORE;
    if (e->recent_ok && v == e->recent_version) return SL_OK;
    bc_clear(e); /* the merged tier may have changed too */
    mm_clear(&e->recent);
    e->n_recent = 0;
    sl_status s = store_recent_all(e->st, load_one, e, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    int64_t max = store_max_seq(e->st, e->err, sizeof e->err);
    if (max < 0) return SL_ESTORE;
    e->n_merged = max > (int64_t)e->n_recent ? (size_t)max - e->n_recent : 0;
    e->recent_version = v;
    e->recent_ok = 1;
    return SL_OK;
}

/* Candidates from both tiers for e->keys, into e->cand (an article once
 * per key it shares).  A key listing MM_CAP articles or more is a phrase
 * or boilerplate many articles share: no evidence, and verifying its
 * articles would cost more as the store grows. */
static sl_status posted(sl_engine *e) {
    sl_status s = recent_fresh(e);
    if (s != SL_OK) return s;
    uint32_t v[2 * MM_CAP];
    const unsigned char *bp = NULL;
    size_t bn = 0;
    for (size_t i = 0; i < e->n_keys; i++) {
        uint32_t k = e->keys[i];
        size_t n0 = mm_get(&e->recent, k, v);
        if (i == 0 || POST_BUCKET(k) != POST_BUCKET(e->keys[i - 1])) {
            s = bucket_of(e, POST_BUCKET(k), &bp, &bn);
            if (s != SL_OK) return s;
        }
        size_t n1 = post_find(bp, bn, k, v + n0, MM_CAP);
        if (n1 == (size_t)-1) return damaged(e, POST_BUCKET(k));
        if (n0 + n1 >= MM_CAP) continue;
        for (size_t j = 0; j < n0 + n1; j++)
            if (add_cand(e, v[j])) return engine_err(e, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

static int run_add(void *ud, uint32_t key, uint32_t seq) {
    sl_engine *e = ud;
    if (array_grow((void **)&e->run, &e->cap_run, e->n_run + 1, sizeof *e->run)) return -1;
    e->run[e->n_run++] = post_value(key, seq);
    return 0;
}

/* Rewrite bucket b as its postings merged with add[0, n_add) (sorted),
 * less those of seq drop (when not 0) under keys drop_keys[0, n_drop). */
static sl_status rewrite_bucket(sl_engine *e, uint32_t b, const uint64_t *add, size_t n_add,
                                int64_t drop, const uint32_t *drop_keys, size_t n_drop) {
    const unsigned char *bp;
    size_t bn;
    sl_status s = bucket_of(e, b, &bp, &bn);
    if (s != SL_OK) return s;
    size_t n_old = 0;
    int rc = post_decode(b, bp, bn, &e->old, &n_old, &e->cap_old);
    if (rc == -2) return damaged(e, b);
    if (rc || array_grow((void **)&e->merged, &e->cap_merged, n_old + n_add + 1, sizeof *e->merged))
        return engine_err(e, SL_ENOMEM, "out of memory");
    size_t n = post_merge(e->old, n_old, add, n_add, MM_CAP, e->merged);
    if (drop) {
        size_t u = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = e->merged[i];
            if (post_seq(x) == (uint64_t)drop &&
                bsearch(&(uint32_t){post_key(x)}, drop_keys, n_drop, sizeof *drop_keys, cmp_u32))
                continue;
            e->merged[u++] = x;
        }
        n = u;
    }
    if (post_encode(e->merged, n, &e->bucket)) return engine_err(e, SL_ENOMEM, "out of memory");
    s = store_bucket_put(e->st, b, e->bucket.p, e->bucket.len, e->err, sizeof e->err);
    if (s == SL_OK) bc_put(e, b, e->bucket.p, e->bucket.len);
    else dupindex_forget(e);
    return s;
}

/* Merge the recent tier into the buckets, in bucket order. */
static sl_status merge(sl_engine *e) {
    e->n_run = 0;
    if (mm_each(&e->recent, run_add, e)) return engine_err(e, SL_ENOMEM, "out of memory");
    if (e->n_run) qsort(e->run, e->n_run, sizeof *e->run, cmp_u64);
    sl_status s = SL_OK;
    for (size_t i = 0, j; s == SL_OK && i < e->n_run; i = j) {
        uint32_t b = POST_BUCKET(post_key(e->run[i]));
        for (j = i + 1; j < e->n_run && POST_BUCKET(post_key(e->run[j])) == b; j++) {}
        s = rewrite_bucket(e, b, e->run + i, j - i, 0, NULL, 0);
    }
    if (s == SL_OK) s = store_recent_clear(e->st, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    mm_clear(&e->recent);
    e->n_merged += e->n_recent;
    e->n_recent = 0;
    return SL_OK;
}

/* Post seq under e->keys: a row and the memory of the recent tier. */
static sl_status post(sl_engine *e, int64_t seq) {
    if (seq > MM_MAX_VALUE) return engine_err(e, SL_ETOOBIG, "too many articles for the duplicate index");
    sl_status s = recent_fresh(e); /* an exact copy came without a lookup */
    if (s != SL_OK) return s;
    s = store_recent_put(e->st, seq, e->keys, e->n_keys, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    for (size_t i = 0; i < e->n_keys; i++)
        if (mm_add(&e->recent, e->keys[i], (uint32_t)seq)) return engine_err(e, SL_ENOMEM, "out of memory");
    e->n_recent++;
    size_t limit = e->n_merged / 4;
    if (limit < MERGE_MIN) limit = MERGE_MIN;
    if (limit > MERGE_MAX) limit = MERGE_MAX;
    return e->n_recent >= limit ? merge(e) : SL_OK;
}

/* Take seq's postings under e->keys out of both tiers. */
static sl_status unpost(sl_engine *e, int64_t seq) {
    sl_status s = recent_fresh(e); /* the copies must be the store's */
    for (size_t i = 0, j; s == SL_OK && i < e->n_keys; i = j) {
        uint32_t b = POST_BUCKET(e->keys[i]);
        for (j = i + 1; j < e->n_keys && POST_BUCKET(e->keys[j]) == b; j++) {}
        s = rewrite_bucket(e, b, NULL, 0, seq, e->keys + i, j - i);
    }
    if (s == SL_OK) s = store_recent_del(e->st, seq, e->err, sizeof e->err);
    e->recent_ok = 0; /* loaded again when next needed */
    return s;
}

/* The earliest stored article with exactly this text, or 0. */
static int first_seq(void *ud, int64_t seq) {
    int64_t *first = ud;
    if (!*first || seq < *first) *first = seq;
    return 0;
}

/* The posting keys of e->fa (its LSH bands and paragraph keys) into
 * e->keys.  0, or -1 when memory runs out. */
static int keys_of_fa(sl_engine *e) {
    e->n_keys = 0;
    if (array_grow((void **)&e->keys, &e->cap_keys, FP_BANDS + e->fa.n_paras, sizeof *e->keys))
        return -1;
    for (int b = 0; b < FP_BANDS && e->fa.n_shingles; b++)
        e->keys[e->n_keys++] = (uint32_t)fp_band_key(&e->fa, b);
    for (size_t i = 0; i < e->fa.n_paras; i++) e->keys[e->n_keys++] = (uint32_t)e->fa.paras[i].hash;
    /* sorted and unique: a key is posted once, buckets come in order */
    if (e->n_keys) qsort(e->keys, e->n_keys, sizeof *e->keys, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < e->n_keys; i++)
        if (!u || e->keys[i] != e->keys[u - 1]) e->keys[u++] = e->keys[i];
    e->n_keys = u;
    return 0;
}

/* Fingerprint the article in e->fa and collect its keys and candidates
 * (unique, without self).  f, when not NULL, was made on another thread;
 * f->words_only (the worker took the article for an exact copy) is
 * enough for an exact copy, and anything else is fingerprinted here.
 * Without f the fingerprint is whole: sl_check judges an exact copy's
 * original on it. */
static sl_status candidates(sl_engine *e, int64_t self, const char *text, size_t len,
                            const sl_paragraph *paras, size_t n_paras, const unsigned char hash[16],
                            const fingerprint *f) {
    e->n_cand = 0;
    e->exact_of = 0;
    sl_status s = store_by_hash(e->st, hash, first_seq, &e->exact_of, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    if (e->exact_of == self) e->exact_of = 0;
    if (f && (e->exact_of || !f->words_only)) {
        e->fa = *f;
    } else if (fp_compute(&e->fpa, text, len, paras, n_paras, NULL, NULL, &e->fa)) {
        return engine_err(e, SL_ENOMEM, "out of memory");
    }
    memcpy(e->fa.exact, hash, 16);
    if (e->exact_of) return SL_OK; /* an exact copy: its group is known */
    if (keys_of_fa(e)) return engine_err(e, SL_ENOMEM, "out of memory");
    s = posted(e);
    if (s != SL_OK) return s;
    if (e->n_cand) qsort(e->cand, e->n_cand, sizeof *e->cand, cmp_i64);
    /* (seq, hits) pairs, in place of the sorted list; the buffer is kept */
    if (array_grow((void **)&e->pairs, &e->cap_pairs, 2 * e->n_cand + 2, sizeof *e->pairs))
        return engine_err(e, SL_ENOMEM, "out of memory");
    int64_t *pairs = e->pairs;
    size_t u = 0;
    for (size_t i = 0; i < e->n_cand; i++) {
        if (e->cand[i] == self) continue;
        if (u && pairs[2 * (u - 1)] == e->cand[i]) {
            pairs[2 * (u - 1) + 1]++;
            continue;
        }
        pairs[2 * u] = e->cand[i];
        pairs[2 * u + 1] = 1;
        u++;
    }
    if (u) qsort(pairs, u, 2 * sizeof *pairs, cmp_hits);
    if (u > MAX_VERIFY) u = MAX_VERIFY;
    for (size_t i = 0; i < u; i++) e->cand[i] = pairs[2 * i];
    e->n_cand = u;
    return SL_OK;
}

/* The verdict on one candidate, and its id (copied: the row goes away). */
typedef struct judged {
    sl_engine *e;
    fp_verdict v;
    char id[512];
    int failed;
} judged;

static int judge_row(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                     const char *date, const unsigned char *hash) {
    judged *j = ud;
    sl_engine *e = j->e;
    (void)kinds;
    (void)date;
    if (judge_one(&e->jw, &e->fpa, &e->fa, text, len, hash, &j->v)) {
        j->failed = 1;
        return -1;
    }
    snprintf(j->id, sizeof j->id, "%s", id ? id : "");
    return 0;
}

static sl_status judge_here(sl_engine *e, int64_t cand, judged *j) {
    j->e = e;
    j->failed = 0;
    j->v.kind = 0;
    sl_status s = store_text(e->st, cand, judge_row, j, e->err, sizeof e->err);
    if (s == SL_ENOTFOUND) return SL_OK; /* removed meanwhile */
    if (j->failed) return engine_err(e, SL_ENOMEM, "out of memory");
    return s;
}

/* "i:j,..." of a verdict's shared paragraphs. */
static const char *shared_text(sl_engine *e, const fp_verdict *v) {
    buf_reset(&e->shared);
    size_t n = v->paragraphs < 64 ? v->paragraphs : 64;
    for (size_t i = 0; i < n; i++) {
        char one[32];
        snprintf(one, sizeof one, "%s%u:%u", i ? "," : "", v->shared[i][0], v->shared[i][1]);
        if (buf_puts(&e->shared, one)) return NULL;
    }
    return n ? e->shared.p : NULL;
}

/* The relations of article a and candidate c, c's verdict v. */
static sl_status relation_put(sl_engine *e, int64_t a, int64_t c, const fp_verdict *v) {
    if (!v->kind) return SL_OK;
    store_dup d = {v->kind, v->jaccard, v->containment, v->paragraphs, v->words, shared_text(e, v)};
    /* a is the later article (re-indexing after rm may meet later ones) */
    return store_dup_add(e->st, a > c ? a : c, a > c ? c : a, &d, e->err, sizeof e->err);
}

/* Write the relations of a job the judge thread has done, and release it. */
static sl_status write_job(sl_engine *e, judge_job *jb) {
    sl_status s = jb->failed ? engine_err(e, SL_ENOMEM, "out of memory") : SL_OK;
    for (size_t i = 0; s == SL_OK && i < jb->n; i++) s = relation_put(e, jb->seq, jb->cand[i], &jb->v[i]);
    judge_release(e->judge, jb);
    return s;
}

/* Write the relations of the jobs done (all of them, waiting, with
 * wait), oldest first. */
static sl_status collect(sl_engine *e, int wait) {
    judge_job *jb;
    sl_status s = SL_OK;
    while (s == SL_OK && e->judge && (jb = judge_done(e->judge, wait))) s = write_job(e, jb);
    return s;
}

sl_status dupindex_settle(sl_engine *e) { return collect(e, 1); }

/* The judge thread, started when first needed: none on one core. */
static judge *judge_of(sl_engine *e) {
    if (e->judge || e->judge_off) return e->judge;
    unsigned cores = e->opt.threads ? e->opt.threads : pool_cores();
    if (cores < 2 || !(e->judge = judge_start())) e->judge_off = 1;
    return e->judge;
}

/* A candidate's row, added to the job being filled. */
typedef struct handed {
    judge_job *jb;
    int64_t cand;
} handed;

static int hand_row(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                    const char *date, const unsigned char *hash) {
    const handed *h = ud;
    (void)id, (void)kinds, (void)date;
    return judge_add(h->jb, h->cand, text, len, hash);
}

/* Hand e->cand over to the judge thread j, their texts copied. */
static sl_status hand_over(sl_engine *e, judge *j, int64_t seq) {
    sl_status s = collect(e, 0);
    if (s == SL_OK && judge_pending(j) >= JUDGE_QUEUE) s = write_job(e, judge_done(j, 1));
    if (s != SL_OK) return s;
    judge_job *jb = judge_open(j, seq, &e->fa);
    if (!jb) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < e->n_cand; i++) {
        handed h = {jb, e->cand[i]};
        s = store_text(e->st, e->cand[i], hand_row, &h, e->err, sizeof e->err);
        if (s == SL_ENOTFOUND) continue; /* removed meanwhile */
        if (s != SL_OK) return s == SL_ENOMEM ? engine_err(e, SL_ENOMEM, "out of memory") : s;
    }
    judge_submit(j, jb);
    return SL_OK;
}

sl_status dupindex_add(sl_engine *e, int64_t seq, const char *text, size_t len,
                       const sl_paragraph *paras, size_t n_paras, const unsigned char hash[16],
                       const fingerprint *f) {
    if (e->opt.no_index) {
        /* Bulk loading: say once, in the store, that the index is behind. */
        if (e->fp_state == 1) {
            sl_status m = store_meta_set(e->st, "fingerprint", "stale: ingested with --no-index",
                                         e->err, sizeof e->err);
            /* and the full-text index: store_search_sync waits while this is set */
            if (m == SL_OK) m = store_meta_set(e->st, "search_stale", "ingested with --no-index", e->err, sizeof e->err);
            if (m != SL_OK) return m;
            e->fp_state = 2;
        }
        return SL_OK;
    }
    sl_status s = candidates(e, seq, text, len, paras, n_paras, hash, f);
    if (s != SL_OK) return s;
    if (e->exact_of) {
        /* One link to the earliest copy makes the group.  The keys are the
         * same as that copy's, so they are not posted again (sl_remove
         * posts them for the next copy when the first one goes). */
        store_dup d = {SL_DUP_EXACT, 1.0, 1.0, e->fa.n_paras, e->fa.n_words, NULL};
        return store_dup_add(e->st, seq, e->exact_of, &d, e->err, sizeof e->err);
    }
    judge *jt = e->n_cand ? judge_of(e) : NULL;
    if (jt && (s = hand_over(e, jt, seq)) != SL_OK) return s;
    for (size_t i = 0; !jt && i < e->n_cand; i++) {
        judged j;
        if ((s = judge_here(e, e->cand[i], &j)) != SL_OK) return s;
        if ((s = relation_put(e, seq, e->cand[i], &j.v)) != SL_OK) return s;
    }
    return post(e, seq);
}

/* ---- opening: parameters, first indexing, rebuilds --------------------- */

static int count_one(void *ud, int64_t seq) {
    (void)seq;
    (*(int64_t *)ud)++;
    return 1; /* one is enough to know */
}

/* A stored article, copied out of its row: judging candidates reads other
 * rows with the same statement, so nothing may run inside the callback. */
typedef struct reread {
    char *text;
    size_t len;
    unsigned char hash[16];
    int has_hash, failed;
} reread;

static int copy_row(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                    const char *date, const unsigned char *hash) {
    reread *r = ud;
    (void)id, (void)kinds, (void)date;
    r->text = malloc(len + 1);
    if (!r->text) {
        r->failed = 1;
        return -1;
    }
    memcpy(r->text, text ? text : "", len);
    r->text[len] = '\0';
    r->len = len;
    r->has_hash = hash != NULL;
    if (hash) memcpy(r->hash, hash, 16);
    return 0;
}

static int has_terms(void *ud, const void *blob, size_t n) {
    (void)blob, (void)n;
    *(int *)ud = 1;
    return 1;
}

/* The story terms of an article stored without them (ingest --dups-only),
 * made as ingest makes them: from its segmented text (e->seg) and title. */
static sl_status terms_if_none(sl_engine *e, int64_t seq, const char *text, size_t len) {
    int has = 0;
    sl_status s = store_terms_of(e->st, seq, has_terms, &has, e->err, sizeof e->err);
    if (s != SL_OK || has) return s;
    char *title = NULL;
    if ((s = store_title(e->st, seq, &title, e->err, sizeof e->err)) != SL_OK) return s;
    const term *t;
    size_t n;
    if ((!e->terms && !(e->terms = terms_new())) ||
        terms_of(e->terms, text, len, e->seg.sent, e->seg.n_sent, e->seg.tok, e->seg.n_tok, title, &t, &n) ||
        storyidx_encode(t, n, &e->tblob))
        s = engine_err(e, SL_ENOMEM, "out of memory");
    free(title);
    return s == SL_OK ? store_terms_put(e->st, seq, e->tblob.p, e->tblob.len, e->err, sizeof e->err) : s;
}

/* Index one stored article again. */
static sl_status reindex_one(sl_engine *e, int64_t seq) {
    reread r = {0};
    sl_status s = store_text(e->st, seq, copy_row, &r, e->err, sizeof e->err);
    if (r.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s != SL_OK) {
        free(r.text);
        return s;
    }
    /* The matching form may have changed since the hash was stored. */
    unsigned char h[16];
    norm_match_hash(r.text, r.len, h);
    if (!r.has_hash || memcmp(h, r.hash, 16) != 0) s = store_set_hash(e->st, seq, h, e->err, sizeof e->err);
    size_t np = s == SL_OK ? judge_paragraphs(&e->cpara, &e->cap_cpara, r.text, r.len) : 0;
    sl_paragraph *own = NULL;
    if (s == SL_OK && (np == (size_t)-1 || !(own = malloc((np ? np : 1) * sizeof *own))))
        s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s == SL_OK) {
        if (np) memcpy(own, e->cpara, np * sizeof *own); /* judging reuses cpara */
        s = dupindex_add(e, seq, r.text, r.len, own, np, h, NULL);
    }
    /* its named entities again (a store from before them has none), unless
     * it is an exact copy: its original's stand for it */
    if (s == SL_OK) s = store_mentions_clear(e->st, seq, e->err, sizeof e->err);
    if (s == SL_OK && !e->exact_of) {
        segment_reset(&e->seg);
        for (size_t i = 0; i < np && s == SL_OK; i++)
            if (segment_sentences(&e->seg, r.text, own[i].start, own[i].end) ||
                segment_tokens(&e->seg, r.text, own[i].start, own[i].end))
                s = engine_err(e, SL_ENOMEM, "out of memory");
        const sl_mention *m;
        const ent_ref *refs;
        size_t nm = 0;
        if (s == SL_OK)
            s = entities_in(e, r.text, e->seg.sent, e->seg.n_sent, e->seg.tok, e->seg.n_tok, &m, &nm);
        if (s == SL_OK) s = entityidx_load(e);
        if (s == SL_OK) s = entityidx_local(e, r.text, m, nm, &refs);
        if (s == SL_OK) s = entityidx_put(e, seq, refs, nm, e->rstr.p);
        if (s == SL_OK) s = terms_if_none(e, seq, r.text, r.len);
    }
    free(own);
    free(r.text);
    return s;
}

/* Index every stored article again, in ingest order, in one transaction. */
static sl_status rebuild(sl_engine *e) {
    sl_status s = store_begin(e->st, e->err, sizeof e->err);
    if (s == SL_OK) s = store_index_clear(e->st, e->err, sizeof e->err);
    e->recent_ok = 0;
    e->n_cand = 0;
    if (s == SL_OK) s = store_seqs(e->st, add_cand, e, e->err, sizeof e->err);
    size_t n = e->n_cand;
    int64_t *seqs = malloc((n ? n : 1) * sizeof *seqs);
    if (!seqs) return engine_err(e, SL_ENOMEM, "out of memory");
    if (n) memcpy(seqs, e->cand, n * sizeof *seqs);
    e->fp_state = 1; /* the index being built is the current one */
    for (size_t i = 0; s == SL_OK && i < n; i++) s = reindex_one(e, seqs[i]);
    free(seqs);
    if (s == SL_OK) s = dupindex_settle(e);
    /* the search index too: stale after bulk loading, and it holds each
     * text once, by hashes that may have changed above */
    if (s == SL_OK) s = store_search_rebuild(e->st, e->err, sizeof e->err);
    /* every article's entities were found again above: none waits now
     * (ingest --dups-only); the stories' placing follows at sl_close() */
    if (s == SL_OK) s = store_meta_del(e->st, "deferred", e->err, sizeof e->err);
    if (s == SL_OK) s = store_meta_set(e->st, "fingerprint", fp_params_string(), e->err, sizeof e->err);
    if (s == SL_OK) s = store_commit(e->st, e->err, sizeof e->err);
    return s;
}

sl_status dupindex_open(sl_engine *e) {
    char stored[128];
    int found = store_meta_get(e->st, "fingerprint", stored, sizeof stored, e->err, sizeof e->err);
    if (found < 0) return SL_ESTORE;
    const char *mine = fp_params_string();
    if (found && strcmp(stored, mine) == 0 && !e->opt.rebuild_index) {
        e->fp_state = 1;
        return SL_OK;
    }
    if (found && strncmp(stored, "stale", 5) == 0 && !e->opt.rebuild_index) {
        e->fp_state = e->opt.no_index ? 2 : -1;
        snprintf(e->fp_msg, sizeof e->fp_msg,
                 "articles were ingested with --no-index; run 'storyline reindex' to find their duplicates");
        return SL_OK;
    }
    int64_t any = 0;
    sl_status s = store_seqs(e->st, count_one, &any, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    if (e->opt.readonly) {
        e->fp_state = -1;
        if (found)
            snprintf(e->fp_msg, sizeof e->fp_msg,
                     "the duplicate index was built with '%s', this storyline uses '%s'; "
                     "run 'storyline reindex' to rebuild it", stored, mine);
        else
            snprintf(e->fp_msg, sizeof e->fp_msg,
                     "this store has no duplicate index yet; run 'storyline reindex'");
        return SL_OK; /* reading articles still works */
    }
    if (found && any && !e->opt.rebuild_index) {
        e->fp_state = -1;
        snprintf(e->fp_msg, sizeof e->fp_msg,
                 "the duplicate index was built with '%s', this storyline uses '%s'; "
                 "run 'storyline reindex' to rebuild it", stored, mine);
        return SL_OK;
    }
    /* A new store, one from before duplicate detection, or a rebuild. */
    s = rebuild(e);
    if (s != SL_OK) {
        e->fp_state = -1;
        snprintf(e->fp_msg, sizeof e->fp_msg, "the duplicate index could not be built: %.180s", e->err);
        return s;
    }
    e->fp_state = 1;
    return SL_OK;
}

/* ---- check, rm, relations -------------------------------------------------- */

SL_API sl_status sl_check(sl_engine *e, const sl_article *a, sl_match_cb cb, void *ud) {
    sl_status s = usable(e);
    if (s != SL_OK) return s;
    const sl_doc *d;
    if ((s = sl_clean(e, a, &d)) != SL_OK) return s;
    if ((s = candidates(e, 0, d->text, d->text_len, d->paragraphs, d->n_paragraphs, d->hash, NULL)) != SL_OK)
        return s;
    if (e->exact_of && add_cand(e, e->exact_of)) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < e->n_cand; i++) {
        judged j;
        if ((s = judge_here(e, e->cand[i], &j)) != SL_OK) return s;
        if (!j.v.kind) continue;
        sl_dup_match m = {.id = j.id, .kind = (sl_dup_kind)j.v.kind, .similarity = j.v.jaccard,
                          .containment = j.v.containment, .shared_paragraphs = j.v.paragraphs,
                          .shared_words = j.v.words};
        if (cb(ud, &m)) break;
    }
    return SL_OK;
}

typedef struct keys_of {
    sl_engine *e;
    sl_status s;
} keys_of;

static int unpost_row(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                      const char *date, const unsigned char *hash) {
    keys_of *k = ud;
    sl_engine *e = k->e;
    (void)id;
    (void)kinds;
    (void)date;
    if (judge_fingerprint(&e->fpa, &e->cpara, &e->cap_cpara, text, len, hash, &e->fa) || keys_of_fa(e)) {
        k->s = engine_err(e, SL_ENOMEM, "out of memory");
        return -1;
    }
    return 0;
}

SL_API sl_status sl_remove(sl_engine *e, const char *id) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (!id) return engine_err(e, SL_EINVAL, "no id");
    int64_t seq = store_seq(e->st, id, e->err, sizeof e->err);
    if (seq < 0) return SL_ESTORE;
    if (seq == 0) return engine_err(e, SL_ENOTFOUND, "no article with id '%s'", id);
    sl_status s = dupindex_settle(e); /* its relations are all written */
    if (s == SL_OK) s = store_begin(e->st, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    keys_of k = {e, SL_OK};
    int64_t *related = NULL;
    size_t n_related = 0;
    if (e->fp_state > 0) {
        s = store_text(e->st, seq, unpost_row, &k, e->err, sizeof e->err);
        if (k.s != SL_OK) s = k.s;
        if (s == SL_OK) s = unpost(e, seq);
        e->n_cand = 0;
        if (s == SL_OK) s = store_related(e->st, seq, add_cand, e, e->err, sizeof e->err);
        if (s == SL_OK && e->n_cand) {
            n_related = e->n_cand;
            related = malloc(n_related * sizeof *related);
            if (!related) s = engine_err(e, SL_ENOMEM, "out of memory");
            else memcpy(related, e->cand, n_related * sizeof *related);
        }
    }
    if (s == SL_OK) s = store_delete(e->st, seq, e->err, sizeof e->err);
    /* The articles it linked must find their groups again without it (an
     * exact copy may now be the first of its text, and post its keys). */
    for (size_t i = 0; s == SL_OK && i < n_related; i++) s = reindex_one(e, related[i]);
    free(related);
    if (s == SL_OK) return sl_commit(e);
    return s;
}

/* Relations of one article: strings in e->scratch, fixed up at the end. */
typedef struct link_ctx {
    sl_engine *e;
    size_t n;
    int failed;
} link_ctx;

static int add_link(void *ud, int64_t a, int64_t b, const char *a_id, const char *b_id,
                    const store_dup *d, const char *a_date, const char *b_date, size_t a_len,
                    size_t b_len) {
    link_ctx *c = ud;
    sl_engine *e = c->e;
    (void)a, (void)b, (void)a_id, (void)a_date, (void)b_date, (void)a_len, (void)b_len;
    if (array_grow((void **)&e->links, &e->cap_links, c->n + 1, sizeof *e->links)) goto oom;
    sl_dup_link *l = &e->links[c->n++];
    memset(l, 0, sizeof *l);
    l->kind = (sl_dup_kind)d->kind;
    l->similarity = d->similarity;
    l->containment = d->containment;
    l->paragraphs = d->paragraphs;
    l->words = d->words;
    /* offsets for now: the buffer may move */
    l->b = (const char *)(uintptr_t)(e->scratch.len + 1);
    if (buf_put(&e->scratch, b_id ? b_id : "", b_id ? strlen(b_id) + 1 : 1)) goto oom;
    l->shared = (const char *)(uintptr_t)(d->shared ? e->scratch.len + 1 : 0);
    if (d->shared && buf_put(&e->scratch, d->shared, strlen(d->shared) + 1)) goto oom;
    return 0;
oom:
    c->failed = 1;
    return -1;
}

sl_status dupindex_links(sl_engine *e, const char *id, sl_dup_link **links, size_t *n) {
    *links = NULL;
    *n = 0;
    if (e->fp_state != 1) return SL_OK;
    int64_t seq = store_seq(e->st, id, e->err, sizeof e->err);
    if (seq <= 0) return seq < 0 ? SL_ESTORE : SL_OK;
    sl_status s = dupindex_settle(e);
    if (s != SL_OK) return s;
    buf_reset(&e->scratch);
    link_ctx c = {e, 0, 0};
    s = store_dups_of(e->st, seq, add_link, &c, e->err, sizeof e->err);
    if (c.failed) return engine_err(e, SL_ENOMEM, "out of memory");
    if (s != SL_OK) return s;
    for (size_t i = 0; i < c.n; i++) {
        e->links[i].b = e->scratch.p + ((uintptr_t)e->links[i].b - 1);
        e->links[i].shared = e->links[i].shared ? e->scratch.p + ((uintptr_t)e->links[i].shared - 1) : NULL;
    }
    *links = e->links;
    *n = c.n;
    return SL_OK;
}

/* ---- dups: groups and partial links ----------------------------------------- */

typedef struct rel {
    int64_t a, b;
    size_t a_id, b_id, shared; /* offsets into e->scratch (+1; 0 none) */
    store_dup d;
} rel;

typedef struct node {
    int64_t seq;
    size_t id, date; /* offsets (+1; 0 none) */
    size_t len;
    size_t parent;
    size_t best; /* at a root: the group's representative */
} node;

typedef struct dups_ctx {
    sl_engine *e;
    rel *rels;
    size_t n_rels, cap_rels;
    node *nodes;
    size_t n_nodes, cap_nodes;
    int failed;
} dups_ctx;

static size_t put_off(sl_engine *e, const char *s, int *failed) {
    if (!s) return 0;
    size_t off = e->scratch.len + 1;
    if (buf_put(&e->scratch, s, strlen(s) + 1)) *failed = 1;
    return off;
}

static int add_node(dups_ctx *c, int64_t seq, size_t id, size_t date, size_t len) {
    if (array_grow((void **)&c->nodes, &c->cap_nodes, c->n_nodes + 1, sizeof *c->nodes)) return -1;
    c->nodes[c->n_nodes++] = (node){seq, id, date, len, 0, 0};
    return 0;
}

static int collect_rel(void *ud, int64_t a, int64_t b, const char *a_id, const char *b_id,
                       const store_dup *d, const char *a_date, const char *b_date, size_t a_len,
                       size_t b_len) {
    dups_ctx *c = ud;
    sl_engine *e = c->e;
    if (array_grow((void **)&c->rels, &c->cap_rels, c->n_rels + 1, sizeof *c->rels)) goto oom;
    rel *r = &c->rels[c->n_rels++];
    r->a = a;
    r->b = b;
    r->d = *d;
    r->a_id = put_off(e, a_id, &c->failed);
    r->b_id = put_off(e, b_id, &c->failed);
    r->shared = put_off(e, d->shared, &c->failed);
    r->d.shared = NULL;
    if (d->kind != SL_DUP_PARTIAL &&
        (add_node(c, a, r->a_id, put_off(e, a_date, &c->failed), a_len) ||
         add_node(c, b, r->b_id, put_off(e, b_date, &c->failed), b_len)))
        goto oom;
    return c->failed ? -1 : 0;
oom:
    c->failed = 1;
    return -1;
}

static int cmp_node(const void *x, const void *y) {
    const node *a = x, *b = y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static size_t node_of(const dups_ctx *c, int64_t seq) {
    size_t lo = 0, hi = c->n_nodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->nodes[mid].seq < seq) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static size_t root(dups_ctx *c, size_t x) {
    while (c->nodes[x].parent != x) x = c->nodes[x].parent = c->nodes[c->nodes[x].parent].parent;
    return x;
}

static const char *at(const sl_engine *e, size_t off) { return off ? e->scratch.p + off - 1 : NULL; }

/* Does a come before b as a representative: earlier date, then longer,
 * then stored first? */
static int better(const sl_engine *e, const node *a, const node *b) {
    const char *da = at(e, a->date), *db = at(e, b->date);
    if (da && db) {
        int cmp = strcmp(da, db);
        if (cmp) return cmp < 0;
    } else if (!da != !db) {
        return da != NULL;
    }
    if (a->len != b->len) return a->len > b->len;
    return a->seq < b->seq;
}

static sl_dup_link link_of(const sl_engine *e, const rel *r) {
    return (sl_dup_link){at(e, r->a_id), at(e, r->b_id), (sl_dup_kind)r->d.kind, r->d.similarity,
                         r->d.containment, r->d.paragraphs, r->d.words, at(e, r->shared)};
}

SL_API sl_status sl_dups(sl_engine *e, sl_group_cb cb, void *ud) {
    sl_status s = usable(e);
    if (s == SL_OK) s = dupindex_settle(e);
    if (s != SL_OK) return s;
    buf_reset(&e->scratch);
    dups_ctx c = {.e = e};
    s = store_dups_all(e->st, collect_rel, &c, e->err, sizeof e->err);
    if (c.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    const char **members = NULL;
    sl_dup_link *links = NULL;
    size_t *mstart = NULL, *lstart = NULL;
    if (s != SL_OK) goto done;
    /* nodes: unique by seq, in ingest order */
    if (c.n_nodes) qsort(c.nodes, c.n_nodes, sizeof *c.nodes, cmp_node);
    size_t u = 0;
    for (size_t i = 0; i < c.n_nodes; i++)
        if (u == 0 || c.nodes[i].seq != c.nodes[u - 1].seq) c.nodes[u++] = c.nodes[i];
    c.n_nodes = u;
    for (size_t i = 0; i < u; i++) c.nodes[i].parent = c.nodes[i].best = i;
    for (size_t i = 0; i < c.n_rels; i++) {
        if (c.rels[i].d.kind == SL_DUP_PARTIAL) continue;
        size_t x = root(&c, node_of(&c, c.rels[i].a)), y = root(&c, node_of(&c, c.rels[i].b));
        if (x != y) c.nodes[x > y ? x : y].parent = x < y ? x : y; /* the older root stays */
    }
    /* Bucket members and links by their group (a counting sort on the
     * root, stable, so members stay in ingest order): one pass over each,
     * not one per group. */
    members = malloc((u ? u : 1) * sizeof *members);
    links = malloc((c.n_rels ? c.n_rels : 1) * sizeof *links);
    mstart = calloc(u + 1, sizeof *mstart);
    lstart = calloc(u + 1, sizeof *lstart);
    if (!members || !links || !mstart || !lstart) {
        s = engine_err(e, SL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < u; i++) mstart[root(&c, i) + 1]++;
    for (size_t i = 0; i < c.n_rels; i++)
        if (c.rels[i].d.kind != SL_DUP_PARTIAL) lstart[root(&c, node_of(&c, c.rels[i].b)) + 1]++;
    for (size_t g = 0; g < u; g++) {
        mstart[g + 1] += mstart[g];
        lstart[g + 1] += lstart[g];
    }
    /* fill, advancing each group's start; starts are restored after */
    for (size_t i = 0; i < u; i++) {
        size_t g = root(&c, i);
        members[mstart[g]++] = at(e, c.nodes[i].id);
    }
    for (size_t i = 0; i < c.n_rels; i++) {
        if (c.rels[i].d.kind == SL_DUP_PARTIAL) continue;
        size_t g = root(&c, node_of(&c, c.rels[i].b));
        links[lstart[g]++] = link_of(e, &c.rels[i]);
    }
    for (size_t g = u; g-- > 0;) {
        mstart[g + 1] = mstart[g];
        lstart[g + 1] = lstart[g];
    }
    mstart[0] = lstart[0] = 0;
    /* the representative of each group, at its root */
    for (size_t i = 0; i < u; i++) {
        size_t g = root(&c, i);
        if (better(e, &c.nodes[i], &c.nodes[c.nodes[g].best])) c.nodes[g].best = i;
    }
    /* Each group at its oldest member (roots are the smallest index). */
    for (size_t g = 0; g < u; g++) {
        if (c.nodes[g].parent != g) continue;
        sl_dup_kind kind = SL_DUP_EXACT;
        double low = 1.0;
        for (size_t i = lstart[g]; i < lstart[g + 1]; i++) {
            if (links[i].kind == SL_DUP_NEAR) kind = SL_DUP_NEAR;
            if (links[i].similarity < low) low = links[i].similarity;
        }
        sl_dup_group grp = {kind,
                            members + mstart[g],
                            mstart[g + 1] - mstart[g],
                            at(e, c.nodes[c.nodes[g].best].id),
                            low,
                            links + lstart[g],
                            lstart[g + 1] - lstart[g]};
        if (cb(ud, &grp)) goto done;
    }
    for (size_t i = 0; i < c.n_rels; i++) {
        const rel *r = &c.rels[i];
        if (r->d.kind != SL_DUP_PARTIAL) continue;
        const char *two[2] = {at(e, r->b_id), at(e, r->a_id)};
        sl_dup_link l = link_of(e, r);
        sl_dup_group grp = {SL_DUP_PARTIAL, two, 2, NULL, r->d.similarity, &l, 1};
        if (cb(ud, &grp)) break;
    }
done:
    free(members);
    free(links);
    free(mstart);
    free(lstart);
    free(c.rels);
    free(c.nodes);
    return s;
}
