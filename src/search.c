/*
 * search.c - sl_search: what a user types made into a query FTS5 takes
 * safely, the filters resolved (a story's alias, an entity by any
 * spelling), then store_search (store_search.c) for a page of duplicate
 * groups.
 *
 * The query language is small and never an error: words (all must
 * match, any case, accents folded), "a phrase" in double quotes, OR
 * between alternatives, a word ending in * for a prefix.  Everything else
 * is quoted before FTS5 sees it, so that "U.S." or "9/11" or a stray
 * colon searches for what it says instead of failing as FTS5 syntax.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "store.h"

/* One term of the user's query as an FTS5 string into b: "...", its
 * quotes doubled, a trailing * kept outside (a prefix). */
static int quoted(buf *b, const char *s, size_t n) {
    int prefix = n > 1 && s[n - 1] == '*';
    if (prefix) n--;
    if (buf_putc(b, '"')) return -1;
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '"' && buf_putc(b, '"')) || buf_putc(b, s[i])) return -1;
    return buf_putc(b, '"') || (prefix && buf_putc(b, '*')) ? -1 : 0;
}

/* The user's text as an FTS5 query into b; 0 terms: *terms = 0. */
static int fts_query(buf *b, const char *text, int *terms) {
    buf_reset(b);
    *terms = 0;
    int want_term = 0; /* after OR: the next term is its other side */
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        const char *q = p;
        if (*p == '"') { /* a phrase: to the closing quote, or the end */
            q = strchr(p + 1, '"');
            size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
            if (n) {
                if ((b->len && buf_putc(b, ' ')) || quoted(b, p + 1, n)) return -1;
                ++*terms, want_term = 0;
            }
            p = q ? q + 1 : p + 1 + n;
            continue;
        }
        while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r' && *q != '"') q++;
        size_t n = (size_t)(q - p);
        if (n == 2 && !memcmp(p, "OR", 2) && *terms && !want_term) {
            if (buf_puts(b, " OR")) return -1;
            want_term = 1;
        } else {
            if ((b->len && buf_putc(b, ' ')) || quoted(b, p, n)) return -1;
            ++*terms, want_term = 0;
        }
        p = q;
    }
    if (want_term) b->len -= 3, b->p[b->len] = '\0'; /* a trailing OR */
    return buf_putc(b, '\0') ? -1 : (b->len--, 0);
}

typedef struct hits_ctx {
    int (*cb)(void *, const sl_search_hit *);
    void *ud;
    const char **ids;
    size_t cap_ids;
    char *idbuf;
    int failed;
} hits_ctx;

static int on_hit(void *ud, const store_hit *h) {
    hits_ctx *x = ud;
    if (!x->cb) return 0;
    /* the group's other matching articles, '\n' between their ids */
    free(x->idbuf);
    x->idbuf = h->ids ? strdup(h->ids) : NULL;
    size_t k = 0;
    if ((h->ids && !x->idbuf) ||
        array_grow((void **)&x->ids, &x->cap_ids, (size_t)h->members + 1, sizeof *x->ids))
        return x->failed = 1;
    for (char *p = x->idbuf; p && k < (size_t)h->members;) {
        x->ids[k++] = p;
        if ((p = strchr(p, '\n'))) *p++ = '\0';
    }
    sl_search_hit out = {
        .id = h->id, .title = h->title, .source = h->source, .date = h->date, .story = h->story,
        .score = h->score, .snippet = h->snippet, .title_marked = h->title_marked,
        .copies = x->ids, .n_copies = k,
    };
    return x->cb(x->ud, &out);
}

SL_API sl_status sl_search(sl_engine *e, const sl_search_query *q, sl_search_totals *totals,
                           int (*cb)(void *ud, const sl_search_hit *h), void *ud) {
    if (totals) *totals = (sl_search_totals){0, 0};
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    char stale[64];
    int got = store_meta_get(e->st, "search_stale", stale, sizeof stale, e->err, sizeof e->err);
    if (got < 0) return SL_ESTORE;
    if (got) /* stale says how: "ingested with --no-index" (or --dups-only) */
        return engine_err(e, SL_EVERSION, "articles were %s, which skips the search index; "
                          "run 'storyline reindex' to build it", stale);
    int terms;
    buf match = {0};
    if (fts_query(&match, q->text ? q->text : "", &terms)) {
        buf_free(&match);
        return engine_err(e, SL_ENOMEM, "out of memory");
    }
    if (!terms) {
        buf_free(&match);
        return engine_err(e, SL_EINVAL, "nothing to search for");
    }
    store_query sq = {
        .match = match.p, .source = q->source, .since = q->since, .until = q->until, .stance = q->stance,
        .limit = q->limit ? (int64_t)q->limit : 10, .offset = (int64_t)q->offset, .snippet_words = 16,
    };
    sl_status s = SL_OK;
    if (q->story > 0 && (sq.story = store_story_resolve(e->st, q->story, e->err, sizeof e->err)) < 0) s = SL_ESTORE;
    if (s == SL_OK && q->entity) {
        s = entityidx_find(e, q->entity, &sq.entity);
        if (s == SL_OK && !sq.entity) s = engine_err(e, SL_ENOTFOUND, "no entity '%s'", q->entity);
    }
    hits_ctx x = {.cb = cb, .ud = ud};
    int64_t articles = 0, groups = 0;
    if (s == SL_OK) s = store_search(e->st, &sq, on_hit, &x, &articles, &groups, e->err, sizeof e->err);
    if (s == SL_OK && x.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    if (totals) *totals = (sl_search_totals){(size_t)groups, (size_t)articles};
    free(x.ids), free(x.idbuf);
    buf_free(&match);
    return s;
}
