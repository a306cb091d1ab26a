/*
 * storyidx.c - stories in the engine: the clusterer (stories.h) fed with
 * the articles of each batch in date order, what it decides written to the
 * store in the batch's transaction, and the stories read back (sl_stories,
 * sl_story_get, sl_recluster).
 *
 * At each commit the articles stored since the last one are placed, by
 * their date (an article with no date takes the date of the article
 * before it in ingest order, so it stays where it arrived), then ingest
 * order.  The clusterer's state (open stories, document frequencies) is
 * loaded from the store the first time a process needs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "stories.h"
#include "terms.h"

/* ---- terms as stored: 8 bytes each, little-endian ------------------------ */

int storyidx_encode(const term *t, size_t n, buf *out) {
    buf_reset(out);
    if (buf_reserve(out, 8 * n)) return -1;
    unsigned char *p = (unsigned char *)out->p;
    for (size_t i = 0; i < n; i++, p += 8) {
        uint32_t k = t[i].key;
        p[0] = (unsigned char)k, p[1] = (unsigned char)(k >> 8);
        p[2] = (unsigned char)(k >> 16), p[3] = (unsigned char)(k >> 24);
        p[4] = (unsigned char)t[i].title, p[5] = (unsigned char)(t[i].title >> 8);
        p[6] = (unsigned char)t[i].body, p[7] = (unsigned char)(t[i].body >> 8);
    }
    out->len = 8 * n;
    return 0;
}

/* Decode n bytes into a new array (*out, freed by the caller). */
static int decode(const void *blob, size_t n, term **out, size_t *count) {
    size_t k = n / 8;
    term *t = malloc((k ? k : 1) * sizeof *t);
    if (!t) return -1;
    const unsigned char *p = blob;
    for (size_t i = 0; i < k; i++, p += 8)
        t[i] = (term){(uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24,
                      (uint16_t)(p[4] | p[5] << 8), (uint16_t)(p[6] | p[7] << 8)};
    *out = t;
    *count = k;
    return 0;
}

/* ---- loading the clusterer ----------------------------------------------- */

static int load_df(void *ud, const void *blob, size_t n) {
    return story_df_load(ud, blob, n);
}

typedef struct members {
    term *t[STORY_MEMBERS];
    size_t n[STORY_MEMBERS];
    size_t k;
    int failed;
} members;

static int add_member(void *ud, const void *blob, size_t n) {
    members *m = ud;
    if (m->k == STORY_MEMBERS) return 1;
    if (decode(blob, n, &m->t[m->k], &m->n[m->k])) {
        m->failed = 1;
        return 1;
    }
    m->k++;
    return 0;
}

typedef struct reopen_ud {
    sl_engine *e;
    sl_status s;
} reopen_ud;

static int reopen(void *ud, int64_t id, int has_day, int32_t last_day) {
    reopen_ud *r = ud;
    sl_engine *e = r->e;
    members m = {0};
    r->s = store_story_recent_terms(e->st, id, STORY_MEMBERS, add_member, &m, e->err, sizeof e->err);
    if (r->s == SL_OK && m.failed) r->s = engine_err(e, SL_ENOMEM, "out of memory");
    /* oldest first, as they joined */
    const term *t[STORY_MEMBERS];
    size_t n[STORY_MEMBERS];
    for (size_t i = 0; i < m.k; i++) t[i] = m.t[m.k - 1 - i], n[i] = m.n[m.k - 1 - i];
    if (r->s == SL_OK &&
        story_reopen(e->stories, id, has_day ? last_day : STORY_NO_DAY, t, n, m.k))
        r->s = engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < m.k; i++) free(m.t[i]);
    return r->s != SL_OK;
}

static sl_status load(sl_engine *e) {
    if (e->stories) return SL_OK;
    story_params p;
    story_params_default(&p);
    if (story_params_parse(&p, getenv("SL_STORY_PARAMS")))
        return engine_err(e, SL_EINVAL, "SL_STORY_PARAMS: expected key=value pairs (th, ww, wn, wd, title, tau, grace)");
    char mine[200], stored[200];
    story_params_string(&p, mine, sizeof mine);
    int found = store_meta_get(e->st, "stories", stored, sizeof stored, e->err, sizeof e->err);
    if (found < 0) return SL_ESTORE;
    if (found && strcmp(stored, mine) != 0) {
        e->story_ok = -1;
        snprintf(e->story_msg, sizeof e->story_msg,
                 "the stories were made with '%s', this storyline uses '%s'; run "
                 "'storyline recluster' to rebuild them", stored, mine);
        return SL_OK;
    }
    if (!(e->stories = story_new(&p))) return engine_err(e, SL_ENOMEM, "out of memory");
    char v[64];
    found = store_meta_get(e->st, "story_docs", v, sizeof v, e->err, sizeof e->err);
    if (found < 0) return SL_ESTORE;
    if (found) story_docs_add(e->stories, strtoull(v, NULL, 10));
    found = store_meta_get(e->st, "stories_upto", v, sizeof v, e->err, sizeof e->err);
    if (found < 0) return SL_ESTORE;
    e->story_upto = found ? strtoll(v, NULL, 10) : 0;
    sl_status s = store_story_df_get(e->st, load_df, e->stories, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    reopen_ud r = {e, SL_OK};
    s = store_story_open_each(e->st, reopen, &r, e->err, sizeof e->err);
    if (s == SL_OK) s = r.s;
    if (s != SL_OK) return s;
    int64_t max = store_story_max_id(e->st, e->err, sizeof e->err);
    if (max < 0) return SL_ESTORE;
    e->story_next = max + 1;
    e->story_ok = 1;
    if (!found && !e->opt.readonly) /* no stories yet: say which settings make them */
        return store_meta_set(e->st, "stories", mine, e->err, sizeof e->err);
    return SL_OK;
}

/* ---- placing the articles of a batch -------------------------------------- */

typedef struct pending {
    int64_t seq, copy_of, story;
    char *date;
    int32_t day, key_day; /* its own day; the day it is sorted by */
    term *t;
    size_t n;
} pending;

typedef struct run {
    sl_engine *e;
    pending *p;
    size_t n, cap;
    int failed;
} run;

static int collect(void *ud, int64_t seq, const char *date, const void *blob, size_t n,
                   int64_t copy_of) {
    run *r = ud;
    if (array_grow((void **)&r->p, &r->cap, r->n + 1, sizeof *r->p)) {
        r->failed = 1;
        return 1;
    }
    pending *p = &r->p[r->n];
    memset(p, 0, sizeof *p);
    p->seq = seq;
    p->copy_of = copy_of;
    p->day = story_day(date);
    if (date && !(p->date = strdup(date))) r->failed = 1;
    if (blob && decode(blob, n, &p->t, &p->n)) r->failed = 1;
    r->n++;
    return r->failed;
}

static int by_day(const void *a, const void *b) {
    const pending *x = a, *y = b;
    if (x->key_day != y->key_day) return x->key_day < y->key_day ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_seq(const void *a, const void *b) {
    int64_t x = ((const pending *)a)->seq, y = ((const pending *)b)->seq;
    return (x > y) - (x < y);
}

/* The terms of a stored article that has none (stored before stories). */
typedef struct text_ud {
    sl_engine *e;
    pending *p;
    int failed;
} text_ud;

static int terms_from_text(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                           const char *date, const unsigned char *hash) {
    text_ud *t = ud;
    (void)id, (void)kinds, (void)date, (void)hash;
    const term *out;
    size_t n;
    if (terms_of(t->e->terms, text ? text : "", len, NULL, 0, NULL, 0, NULL, &out, &n) ||
        !(t->p->t = malloc((n ? n : 1) * sizeof *out))) {
        t->failed = 1;
        return 1;
    }
    memcpy(t->p->t, out, n * sizeof *out);
    t->p->n = n;
    return 0;
}

static sl_status place(sl_engine *e, run *r) {
    story_state *ss = e->stories;
    sl_status s = SL_OK;
    if (!e->terms && !(e->terms = terms_new())) return engine_err(e, SL_ENOMEM, "out of memory");
    /* an undated article keeps its place: the day of the one before it */
    int32_t last = STORY_NO_DAY;
    for (size_t i = 0; i < r->n; i++) {
        pending *p = &r->p[i];
        if (p->day != STORY_NO_DAY) last = p->day;
        p->key_day = p->day != STORY_NO_DAY ? p->day : last;
        if (!p->t) {
            text_ud t = {e, p, 0};
            s = store_text(e->st, p->seq, terms_from_text, &t, e->err, sizeof e->err);
            if (s == SL_OK && t.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
            if (s != SL_OK) return s;
            buf b = {0};
            if (storyidx_encode(p->t, p->n, &b)) return engine_err(e, SL_ENOMEM, "out of memory");
            s = store_terms_put(e->st, p->seq, b.p, b.len, e->err, sizeof e->err);
            buf_free(&b);
            if (s != SL_OK) return s;
        }
    }
    /* the first undated ones sort before everything dated */
    for (size_t i = 0; i < r->n && r->p[i].key_day == STORY_NO_DAY; i++) r->p[i].key_day = INT32_MIN + 1;
    /* the stories given in this run, by seq (r->p is in seq order now) */
    int64_t *seqs = malloc((r->n ? r->n : 1) * 2 * sizeof *seqs), *given = seqs + r->n;
    if (!seqs) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++) seqs[i] = r->p[i].seq, given[i] = 0;
    qsort(r->p, r->n, sizeof *r->p, by_day);
    for (size_t i = 0; i < r->n && s == SL_OK; i++) {
        pending *p = &r->p[i];
        int64_t copy_story = 0;
        if (p->copy_of) {
            /* its original: placed in this run already, or stored */
            size_t lo = 0, hi = r->n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (seqs[mid] < p->copy_of) lo = mid + 1;
                else hi = mid;
            }
            if (lo < r->n && seqs[lo] == p->copy_of) copy_story = given[lo];
            if (!copy_story && p->copy_of <= e->story_upto) {
                copy_story = store_story_of(e->st, p->copy_of, e->err, sizeof e->err);
                if (copy_story < 0) s = SL_ESTORE;
            }
        }
        story_event ev;
        if (s == SL_OK && story_add(ss, p->t, p->n, p->day, copy_story, e->story_next, &ev))
            s = engine_err(e, SL_ENOMEM, "out of memory");
        if (s != SL_OK) break;
        if (ev.created) e->story_next++;
        p->story = ev.story;
        size_t lo = 0, hi = r->n; /* note it by seq */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (seqs[mid] < p->seq) lo = mid + 1;
            else hi = mid;
        }
        given[lo] = ev.story;
        s = store_story_member_put(e->st, p->seq, ev.story, copy_story ? p->copy_of : 0,
                                   ev.similarity, e->err, sizeof e->err);
        if (s == SL_OK)
            s = store_story_update(e->st, ev.story, p->date, p->day != STORY_NO_DAY, p->day,
                                   copy_story != 0, e->err, sizeof e->err);
    }
    free(seqs);
    if (s != SL_OK) return s;
    const int64_t *closed;
    size_t nc;
    story_closed(ss, &closed, &nc);
    for (size_t i = 0; i < nc && s == SL_OK; i++) s = store_story_close(e->st, closed[i], e->err, sizeof e->err);
    if (s == SL_OK && story_df_save(ss, &e->tblob)) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s == SL_OK) s = store_story_df_put(e->st, e->tblob.p, e->tblob.len, e->err, sizeof e->err);
    char v[32];
    qsort(r->p, r->n, sizeof *r->p, by_seq);
    if (s == SL_OK && r->n) {
        e->story_upto = r->p[r->n - 1].seq;
        snprintf(v, sizeof v, "%lld", (long long)e->story_upto);
        s = store_meta_set(e->st, "stories_upto", v, e->err, sizeof e->err);
    }
    if (s == SL_OK) {
        snprintf(v, sizeof v, "%llu", (unsigned long long)story_docs(ss));
        s = store_meta_set(e->st, "story_docs", v, e->err, sizeof e->err);
    }
    return s;
}

static void run_free(run *r) {
    for (size_t i = 0; i < r->n; i++) {
        free(r->p[i].date);
        free(r->p[i].t);
    }
    free(r->p);
}

sl_status storyidx_flush(sl_engine *e) {
    if (!e->st || e->opt.readonly || e->story_ok < 0) return SL_OK;
    sl_status s = load(e);
    if (s != SL_OK || e->story_ok < 0) return s;
    run r = {e, NULL, 0, 0, 0};
    s = store_story_articles(e->st, e->story_upto, collect, &r, e->err, sizeof e->err);
    if (s == SL_OK && r.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s == SL_OK && r.n) {
        if ((s = store_begin(e->st, e->err, sizeof e->err)) == SL_OK) s = place(e, &r);
    }
    run_free(&r);
    return s;
}

SL_API sl_status sl_recluster(sl_engine *e) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (e->opt.readonly) return engine_err(e, SL_EINVAL, "the store is open read-only");
    sl_status s = sl_commit(e);
    if (s == SL_OK) s = store_begin(e->st, e->err, sizeof e->err);
    if (s == SL_OK) s = store_story_clear(e->st, e->err, sizeof e->err);
    story_free(e->stories);
    e->stories = NULL;
    e->story_ok = 0;
    if (s == SL_OK) s = storyidx_flush(e);
    if (s == SL_OK) s = store_commit(e->st, e->err, sizeof e->err);
    return s;
}

void storyidx_free(sl_engine *e) {
    story_free(e->stories);
    e->stories = NULL;
    terms_free(e->terms);
    e->terms = NULL;
}
