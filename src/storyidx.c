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
#include <math.h>
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
        le_put(p, t[i].key, 4);
        le_put(p + 4, t[i].title, 2);
        le_put(p + 6, t[i].body, 2);
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
        t[i] = (term){le_get(p, 4), (uint16_t)le_get(p + 4, 2), (uint16_t)le_get(p + 6, 2)};
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
        return engine_err(e, SL_EINVAL, "SL_STORY_PARAMS: expected key=value pairs (th, ww, wn, wd, wt, title, tau, grace, bg, merge)");
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
    int bare; /* terms are read as each article is placed, not held */
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

/* The terms of a stored article from its text (missing_terms). */
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

/* What a batch adds to each story it touches, in the order first met. */
typedef struct tally {
    store_story_add *a;
    size_t n, cap;
    int32_t *slot; /* open addressing over a: index + 1, 0 empty */
    size_t cap_slot;
} tally;

static int tally_add(tally *t, int64_t story, const pending *p, int is_copy) {
    if (2 * (t->n + 1) > t->cap_slot) {
        size_t nc = t->cap_slot ? 2 * t->cap_slot : 256;
        int32_t *ns = calloc(nc, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < t->n; i++) {
            size_t j = (size_t)((uint64_t)t->a[i].id * 0x9e3779b97f4a7c15u >> 32) & (nc - 1);
            while (ns[j]) j = (j + 1) & (nc - 1);
            ns[j] = (int32_t)i + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->cap_slot = nc;
    }
    size_t j = (size_t)((uint64_t)story * 0x9e3779b97f4a7c15u >> 32) & (t->cap_slot - 1);
    while (t->slot[j] && t->a[t->slot[j] - 1].id != story) j = (j + 1) & (t->cap_slot - 1);
    if (!t->slot[j]) {
        if (array_grow((void **)&t->a, &t->cap, t->n + 1, sizeof *t->a)) return -1;
        t->a[t->n] = (store_story_add){story, NULL, NULL, 0, 0, 0};
        t->slot[j] = (int32_t)++t->n;
    }
    store_story_add *x = &t->a[t->slot[j] - 1];
    if (is_copy) x->copies++;
    else x->reports++;
    if (p->day != STORY_NO_DAY && p->date) {
        if (!x->first || p->day > x->last_day) x->last_day = p->day;
        if (!x->first || strcmp(p->date, x->first) < 0) x->first = p->date;
        if (!x->last || strcmp(p->date, x->last) > 0) x->last = p->date;
    }
    return 0;
}

static void tally_free(tally *t) {
    free(t->a);
    free(t->slot);
}

/* The terms of an article stored without them (before stories, or as an
 * exact copy that now stands alone), made from its text and kept. */
static sl_status missing_terms(sl_engine *e, pending *p) {
    text_ud t = {e, p, 0};
    sl_status s = store_text(e->st, p->seq, terms_from_text, &t, e->err, sizeof e->err);
    if (s == SL_OK && t.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s != SL_OK) return s;
    buf b = {0};
    if (storyidx_encode(p->t, p->n, &b)) return engine_err(e, SL_ENOMEM, "out of memory");
    s = store_terms_put(e->st, p->seq, b.p, b.len, e->err, sizeof e->err);
    buf_free(&b);
    return s;
}

typedef struct terms_ud {
    pending *p;
    int failed;
} terms_ud;

static int terms_row(void *ud, const void *blob, size_t n) {
    terms_ud *t = ud;
    if (decode(blob, n, &t->p->t, &t->p->n)) t->failed = 1;
    return t->failed;
}

/* The stored terms of an article, or made from its text when it has
 * none. */
static sl_status stored_terms(sl_engine *e, pending *p) {
    terms_ud t = {p, 0};
    sl_status s = store_terms_of(e->st, p->seq, terms_row, &t, e->err, sizeof e->err);
    if (s == SL_OK && t.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s != SL_OK) return s;
    return p->t ? SL_OK : missing_terms(e, p);
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
    }
    /* (undated ones before any date sort first: STORY_NO_DAY is the least) */
    /* the stories given in this run, by seq (r->p is in seq order now) */
    int64_t *seqs = malloc((r->n ? r->n : 1) * 2 * sizeof *seqs), *given = seqs + r->n;
    if (!seqs) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++) seqs[i] = r->p[i].seq, given[i] = 0;
    int64_t upto = r->n ? seqs[r->n - 1] : e->story_upto;
    tally tl = {0};
    qsort(r->p, r->n, sizeof *r->p, by_day);
    /* The reports first, then the copies: a copy may be dated before its
     * original, and it joins the original's story, which must be known
     * by then (a copy is not weighed, so its turn changes no other). */
    for (size_t k = 0; k < 2 * r->n && s == SL_OK; k++) {
        size_t i = k % r->n;
        pending *p = &r->p[i];
        if ((p->copy_of != 0) != (k >= r->n)) continue;
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
        if (s == SL_OK && !copy_story && !p->t) s = r->bare ? stored_terms(e, p) : missing_terms(e, p);
        story_event ev;
        if (s == SL_OK && story_add(ss, p->t, p->n, p->day, copy_story, e->story_next, &ev))
            s = engine_err(e, SL_ENOMEM, "out of memory");
        if (r->bare) { /* the clusterer keeps what it needs */
            free(p->t);
            p->t = NULL;
        }
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
                                   ev.similarity, p->key_day, e->err, sizeof e->err);
        if (s == SL_OK && tally_add(&tl, ev.story, p, copy_story != 0))
            s = engine_err(e, SL_ENOMEM, "out of memory");
    }
    free(seqs);
    /* one row update a story, not one an article */
    for (size_t i = 0; i < tl.n && s == SL_OK; i++) s = store_story_update(e->st, &tl.a[i], e->err, sizeof e->err);
    tally_free(&tl);
    if (s != SL_OK) return s;
    const story_merged *mg;
    size_t nm;
    if (story_merge(ss, &mg, &nm)) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < nm && s == SL_OK; i++)
        s = store_story_merge(e->st, mg[i].into, mg[i].from, e->err, sizeof e->err);
    const int64_t *closed;
    size_t nc;
    story_closed(ss, &closed, &nc);
    for (size_t i = 0; i < nc && s == SL_OK; i++) s = store_story_close(e->st, closed[i], e->err, sizeof e->err);
    if (s == SL_OK && story_df_save(ss, &e->tblob)) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s == SL_OK) s = store_story_df_put(e->st, e->tblob.p, e->tblob.len, e->err, sizeof e->err);
    char v[32];
    if (s == SL_OK && r->n) {
        e->story_upto = upto; /* the last of the run in ingest order */
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

/* Place the articles stored since the last placing.  bare: read each
 * one's terms as it is placed rather than all of them first (recluster,
 * where they are every article's: memory stays bounded by the open
 * stories and the articles' dates, for one random read an article). */
static sl_status flush_stories(sl_engine *e, int bare) {
    /* Bulk loading (--no-index) knows no copies yet, and --dups-only
     * leaves terms and placing to the rebuild: their articles wait for
     * the first flush after 'storyline reindex' (whoever opens the store
     * meanwhile). */
    if (!e->st || e->opt.readonly || e->opt.no_index || e->opt.dups_only || e->deferred || e->story_ok < 0)
        return SL_OK;
    sl_status s = load(e);
    if (s != SL_OK || e->story_ok < 0) return s;
    run r = {e, NULL, 0, 0, 0, bare};
    s = store_story_articles(e->st, e->story_upto, !bare, collect, &r, e->err, sizeof e->err);
    if (s == SL_OK && r.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (s == SL_OK && r.n) {
        /* all of a batch's placing or none: a failure leaves no story
         * half updated, and the clusterer is loaded again from the store */
        if ((s = store_begin(e->st, e->err, sizeof e->err)) == SL_OK &&
            (s = store_story_savepoint(e->st, 0, e->err, sizeof e->err)) == SL_OK) {
            s = place(e, &r);
            if (s == SL_OK) {
                s = store_story_savepoint(e->st, 1, e->err, sizeof e->err);
            } else {
                char keep[sizeof e->err];
                snprintf(keep, sizeof keep, "%s", e->err);
                store_story_savepoint(e->st, 2, e->err, sizeof e->err);
                snprintf(e->err, sizeof e->err, "%s", keep);
                story_free(e->stories);
                e->stories = NULL;
                e->story_ok = 0;
            }
        }
    }
    run_free(&r);
    return s;
}

/* After a rebuild (reindex) every article stored with --no-index or
 * --dups-only waits, perhaps millions: placed bare, memory stays bounded. */
sl_status storyidx_flush(sl_engine *e) { return flush_stories(e, e->opt.rebuild_index); }

SL_API sl_status sl_recluster(sl_engine *e) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (e->opt.readonly) return engine_err(e, SL_EINVAL, "the store is open read-only");
    sl_status s = sl_commit(e);
    if (s == SL_OK) s = store_begin(e->st, e->err, sizeof e->err);
    if (s == SL_OK) s = store_story_clear(e->st, e->err, sizeof e->err);
    story_free(e->stories);
    e->stories = NULL;
    e->story_ok = 0;
    if (s == SL_OK) s = flush_stories(e, 1);
    if (s == SL_OK) s = store_commit(e->st, e->err, sizeof e->err);
    return s;
}

void storyidx_free(sl_engine *e) {
    story_free(e->stories);
    e->stories = NULL;
    story_free(e->labeller);
    e->labeller = NULL;
    terms_free(e->terms);
    e->terms = NULL;
}

/* ---- reading stories --------------------------------------------------- */

/* The weights to label stories with: the clusterer's, or, when it is not
 * usable (made with other settings), the stored frequencies alone. */
static story_state *weights(sl_engine *e) {
    if (!e->stories && e->story_ok == 0 && load(e) != SL_OK) return NULL;
    if (e->stories) return e->stories;
    if (!e->labeller) {
        e->labeller = story_new(NULL);
        if (e->labeller) store_story_df_get(e->st, load_df, e->labeller, e->err, sizeof e->err);
    }
    return e->labeller;
}

/* One story being described: its entries and their strings. */
typedef struct described {
    sl_engine *e;
    buf str;             /* strings, NUL after each */
    size_t *off;         /* per entry: id, date, source, title, copy_of */
    sl_story_entry *ent;
    term **t;            /* terms of each entry (NULL: none) */
    size_t *nt;
    size_t n, cap;
    int failed;
} described;

#define NO_OFF ((size_t)-1)

static size_t keep_str(described *d, const char *s) {
    if (!s) return NO_OFF;
    size_t off = d->str.len;
    if (buf_puts(&d->str, s) || buf_putc(&d->str, '\0')) d->failed = 1;
    return off;
}

static int on_member(void *ud, const store_member *m) {
    described *d = ud;
    if (array_grow((void **)&d->ent, &d->cap, d->n + 1, sizeof *d->ent)) {
        d->failed = 1;
        return 1;
    }
    size_t cap = d->cap;
    size_t *o = realloc(d->off, cap * 5 * sizeof *o);
    term **t = realloc(d->t, cap * sizeof *t);
    size_t *nt = realloc(d->nt, cap * sizeof *nt);
    if (o) d->off = o;
    if (t) d->t = t;
    if (nt) d->nt = nt;
    if (!o || !t || !nt) {
        d->failed = 1;
        return 1;
    }
    o = d->off + 5 * d->n;
    o[0] = keep_str(d, m->id), o[1] = keep_str(d, m->date), o[2] = keep_str(d, m->source);
    o[3] = keep_str(d, m->title), o[4] = keep_str(d, m->copy_of);
    d->ent[d->n].similarity = m->similarity;
    d->t[d->n] = NULL;
    d->nt[d->n] = 0;
    if (m->terms && decode(m->terms, m->n_terms_bytes, &d->t[d->n], &d->nt[d->n])) d->failed = 1;
    d->n++;
    return d->failed;
}

static const char *at(const described *d, size_t off) {
    return off == NO_OFF ? NULL : d->str.p + off;
}

/* The top terms: the central article's terms (as it wrote them) by how
 * many members share them times their idf. */
typedef struct top_terms {
    story_state *w;
    const described *d;
    struct { double score; size_t off; } best[8];
    size_t n;
    buf *words;
} top_terms;

static void on_term(void *ud, uint32_t key, const char *s, size_t n) {
    top_terms *t = ud;
    if (TERM_KIND(key) == TERM_NUMBER) return;
    /* the same text as a word and as a name: once */
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->words->p + t->best[i].off) == n && memcmp(t->words->p + t->best[i].off, s, n) == 0)
            return;
    double tf = 0;
    for (size_t i = 0; i < t->d->n; i++) {
        const term *x = t->d->t[i];
        size_t lo = 0, hi = t->d->nt[i];
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (x[mid].key < key) lo = mid + 1;
            else hi = mid;
        }
        if (lo < t->d->nt[i] && x[lo].key == key) tf += 1.0 + log(2.0 * x[lo].title + x[lo].body);
    }
    double score = tf * story_idf(t->w, key) + (TERM_KIND(key) == TERM_NAME ? 1e-3 : 0);
    size_t k = t->n < 8 ? t->n++ : 8;
    if (k == 8) {
        if (score <= t->best[7].score) return;
        k = 7;
    }
    for (; k > 0 && t->best[k - 1].score < score; k--) t->best[k] = t->best[k - 1];
    t->best[k].score = score;
    t->best[k].off = t->words->len;
    if (buf_put(t->words, s, n) || buf_putc(t->words, '\0')) t->n = k; /* out of memory: fewer */
}

typedef struct central_text {
    top_terms *t;
    terms_ctx *tc;
    const char *title;
    int failed;
} central_text;

static int on_central(void *ud, const char *id, const char *text, size_t len, const char *kinds,
                      const char *date, const unsigned char *hash) {
    central_text *c = ud;
    (void)id, (void)kinds, (void)date, (void)hash;
    if (terms_each(c->tc, text ? text : "", len, c->title, 1, on_term, c->t)) c->failed = 1;
    return 0;
}

static sl_status describe(sl_engine *e, const store_story *row, sl_story_cb cb, void *ud, int *stop) {
    described d = {e, {0}, NULL, NULL, NULL, NULL, 0, 0, 0};
    sl_status s = store_story_members(e->st, row->id, on_member, &d, e->err, sizeof e->err);
    if (s == SL_OK && d.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    story_state *w = s == SL_OK ? weights(e) : NULL;
    if (s == SL_OK && !w) s = e->err[0] ? SL_ESTORE : engine_err(e, SL_ENOMEM, "out of memory");
    const char **outlets = NULL, *term_text[8];
    buf words = {0};
    sl_story st = {.id = row->id, .first_seen = row->first_seen, .last_update = row->last_update};
    if (s == SL_OK) {
        for (size_t i = 0; i < d.n; i++) {
            const size_t *o = d.off + 5 * i;
            d.ent[i].id = at(&d, o[0]), d.ent[i].date = at(&d, o[1]), d.ent[i].source = at(&d, o[2]);
            d.ent[i].title = at(&d, o[3]), d.ent[i].copy_of = at(&d, o[4]);
            if (d.ent[i].copy_of) st.n_copies++;
            else st.n_articles++;
        }
        /* the label: the most central of (up to 64 of) its reports */
        const term *ct[64];
        size_t cn[64], ci[64], k = 0;
        for (size_t i = 0; i < d.n && k < 64; i++)
            if (!d.ent[i].copy_of && d.t[i]) ct[k] = d.t[i], cn[k] = d.nt[i], ci[k++] = i;
        long c = k ? story_central(w, ct, cn, k) : -1;
        size_t central = c >= 0 ? ci[c] : 0;
        if (d.n) st.label = d.ent[central].title ? d.ent[central].title : d.ent[central].id;
        if (d.n && !e->terms && !(e->terms = terms_new())) s = engine_err(e, SL_ENOMEM, "out of memory");
        int64_t cseq = 0;
        if (s == SL_OK && d.n) {
            /* its seq: the members come with ids; look it up */
            cseq = store_seq(e->st, d.ent[central].id, e->err, sizeof e->err);
            if (cseq < 0) s = SL_ESTORE;
        }
        top_terms tt = {w, &d, {{0, 0}}, 0, &words};
        if (s == SL_OK && cseq > 0) {
            central_text ctx = {&tt, e->terms, d.ent[central].title, 0};
            s = store_text(e->st, cseq, on_central, &ctx, e->err, sizeof e->err);
            if (s == SL_OK && ctx.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < tt.n; i++) term_text[i] = words.p + tt.best[i].off;
        st.terms = term_text;
        st.n_terms = tt.n;
        /* outlets in order of first report */
        outlets = malloc((d.n ? d.n : 1) * sizeof *outlets);
        if (!outlets && s == SL_OK) s = engine_err(e, SL_ENOMEM, "out of memory");
        for (size_t i = 0; s == SL_OK && i < d.n; i++) {
            const char *src = d.ent[i].source;
            if (!src) continue;
            size_t j = 0;
            while (j < st.n_outlets && strcmp(outlets[j], src) != 0) j++;
            if (j == st.n_outlets) outlets[st.n_outlets++] = src;
        }
        st.outlets = outlets;
        st.entries = d.ent;
        st.n_entries = d.n;
    }
    if (s == SL_OK && cb(ud, &st)) *stop = 1;
    free(outlets);
    buf_free(&words);
    buf_free(&d.str);
    for (size_t i = 0; i < d.n; i++) free(d.t[i]);
    free(d.t), free(d.nt), free(d.off), free(d.ent);
    return s;
}

static sl_status readable(sl_engine *e) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    return deferred_refuse(e); /* placed at the rebuild */
}

typedef struct listing {
    sl_engine *e;
    sl_story_cb cb;
    void *ud;
    sl_status s;
    int stop;
} listing;

static int on_story(void *ud, const store_story *row) {
    listing *l = ud;
    l->s = describe(l->e, row, l->cb, l->ud, &l->stop);
    return l->s != SL_OK || l->stop;
}

SL_API sl_status sl_stories(sl_engine *e, const sl_story_filter *f, sl_story_cb cb, void *ud) {
    sl_status s = readable(e);
    if (s != SL_OK) return s;
    sl_story_filter none = {NULL, NULL, 0};
    if (!f) f = &none;
    listing l = {e, cb, ud, SL_OK, 0};
    s = store_stories_each(e->st, (int64_t)f->min_size, f->since, f->until, on_story, &l, e->err,
                           sizeof e->err);
    return s != SL_OK ? s : l.s;
}

typedef struct one_story {
    int64_t id;
    listing *l;
    int found;
} one_story;

static int on_one(void *ud, const store_story *row) {
    one_story *o = ud;
    if (row->id != o->id) return 0;
    o->found = 1;
    return on_story(o->l, row);
}

SL_API sl_status sl_story_get(sl_engine *e, int64_t id, sl_story_cb cb, void *ud) {
    sl_status s = readable(e);
    if (s != SL_OK) return s;
    int64_t real = store_story_resolve(e->st, id, e->err, sizeof e->err);
    if (real < 0) return SL_ESTORE;
    listing l = {e, cb, ud, SL_OK, 0};
    one_story o = {real, &l, 0};
    s = store_story_one(e->st, real, on_one, &o, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    if (!o.found) return engine_err(e, SL_ENOTFOUND, "no story %lld", (long long)id);
    return l.s;
}

SL_API sl_status sl_story_of(sl_engine *e, const char *article_id, int64_t *story) {
    sl_status s = readable(e);
    if (s != SL_OK) return s;
    *story = 0;
    int64_t seq = store_seq(e->st, article_id, e->err, sizeof e->err);
    if (seq < 0) return SL_ESTORE;
    if (!seq) return engine_err(e, SL_ENOTFOUND, "no article '%s'", article_id);
    int64_t st = store_story_of(e->st, seq, e->err, sizeof e->err);
    if (st < 0) return SL_ESTORE;
    *story = st;
    return SL_OK;
}

SL_API const char *sl_stories_stale(sl_engine *e) {
    return e->story_ok < 0 ? e->story_msg : NULL;
}
