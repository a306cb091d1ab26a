/*
 * store_search.c - full-text search over the stored articles (SQLite FTS5,
 * schema in store.c, migration 7 -> 8): BM25 with the title weighted above
 * the text, the hits of one duplicate group collapsed into one (its best
 * hit, with the number and ids of the others), filters, and paging over
 * groups with the number of groups.
 *
 * A duplicate group is an original and the exact and near copies its story
 * folds under it (story_members.copy_of names a copy's earliest original),
 * so a group's key is the original's seq.
 *
 * The index is written at commit (store_search_sync, called by
 * store_commit) and holds a text once: an exact copy of an earlier
 * article is indexed by its title, and a match of the original's text
 * counts for its copies (migration 9 -> 10 says why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "store_int.h"

/* Columns of a hit; weights of bm25(): title, text. */
#define TITLE_WEIGHT "10.0"
#define TEXT_WEIGHT "1.0"

/* A matching article: its group and score (bm25: lower is better), and
 * the indexed article it matched through (itself, or its original). */
typedef struct match {
    int64_t seq, grp, via;
    double score;
} match;

static int better(const match *a, const match *b) {
    return a->score < b->score || (a->score == b->score && a->seq < b->seq);
}

static int by_group(const void *x, const void *y) {
    const match *a = x, *b = y;
    if (a->grp != b->grp) return a->grp < b->grp ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return (a->score > b->score) - (a->score < b->score);
}

/* A group: its matches at m[first .. first+n), in seq order, and the one
 * ranked first. */
typedef struct mgroup {
    const match *best;
    size_t first, n;
} mgroup;

static int by_best(const void *x, const void *y) {
    const match *a = ((const mgroup *)x)->best, *b = ((const mgroup *)y)->best;
    return better(a, b) ? -1 : better(b, a);
}

static int add_match(match **m, size_t *k, size_t *cap, match x) {
    if (*k == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        match *g = realloc(*m, nc * sizeof *g);
        if (!g) return -1;
        *m = g, *cap = nc;
    }
    (*m)[(*k)++] = x;
    return 0;
}

/* ---- the search map ---------------------------------------------------------- */

/* Every article's duplicate group, story and exact copies, in memory,
 * for a search with no filter but a story.  A common word matches
 * thousands of articles, and finding each one's group and story and its
 * original's copies in SQL, a B-tree search each, took most of a search:
 * 25 of 28 ms for the 6,690 articles matching "trump" (19,557 with their
 * copies) on the 120,000-article bench store, where FTS5 and bm25 take
 * 3.  Made again when the store has changed since (data_version says
 * other connections committed, total_changes that this one wrote) and a
 * search needs it (map_for): two scans of narrow rows, about 40 ms for
 * those 120,000 articles. */
struct search_map {
    int64_t version, changes; /* when it was made */
    size_t n;                 /* it knows seqs [0, n) */
    int64_t *grp;             /* the article it copies (story_members.copy_of), or 0: itself */
    int64_t *story;           /* its story, or 0 */
    uint32_t *cstart;         /* the later articles with the text of seq s, when s
                               * is the first: cp[cstart[s], cstart[s + 1]) */
    int64_t *cp;
    uint32_t *gnum;           /* a search's scratch (0 between searches): group
                               * seq -> its number in the search, from 1 */
};

void store_search_map_free(store *st) {
    search_map *m = st->smap;
    if (!m) return;
    free(m->grp), free(m->story), free(m->cstart), free(m->cp), free(m->gnum);
    free(m);
    st->smap = NULL;
}

static sqlite3_stmt *prep(store *st, const char *sql, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK) return s;
    store_fail(st, err, errlen, "searching");
    return NULL;
}

/* Fill m (n set, arrays allocated) from the store. */
static sl_status map_fill(store *st, search_map *m, char *err, size_t errlen) {
    sqlite3_stmt *s = prep(st, "SELECT article, coalesce(copy_of, 0), story FROM story_members", err, errlen);
    if (!s) return SL_ESTORE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t a = sqlite3_column_int64(s, 0);
        if (a <= 0 || (uint64_t)a >= m->n) continue;
        m->grp[a] = sqlite3_column_int64(s, 1);
        m->story[a] = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail(st, err, errlen, "searching");
    /* the copies: runs of one hash in the index's order, the first of a
     * run the original that is indexed with its text */
    if (!(s = prep(st, "SELECT hash, seq FROM articles ORDER BY hash, seq", err, errlen))) return SL_ESTORE;
    int64_t *pair = NULL, orig = 0;
    size_t np = 0, cap = 0;
    unsigned char last[16];
    int have = 0;
    sl_status r = SL_OK;
    while (r == SL_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const void *h = sqlite3_column_blob(s, 0);
        int64_t seq = sqlite3_column_int64(s, 1);
        if (!h || sqlite3_column_bytes(s, 0) != 16 || seq <= 0 || (uint64_t)seq >= m->n) {
            have = 0;
            continue;
        }
        if (have && !memcmp(h, last, 16)) {
            if (np + 2 > cap) {
                size_t nc = cap ? 2 * cap : 1024;
                int64_t *g = realloc(pair, nc * sizeof *g);
                if (!g) {
                    r = SL_ENOMEM;
                    break;
                }
                pair = g, cap = nc;
            }
            pair[np++] = orig, pair[np++] = seq;
            continue;
        }
        memcpy(last, h, 16), have = 1, orig = seq;
    }
    sqlite3_finalize(s);
    if (r == SL_OK && rc != SQLITE_DONE) r = store_fail(st, err, errlen, "searching");
    if (r == SL_OK && !(m->cp = malloc((np / 2 + 1) * sizeof *m->cp))) r = SL_ENOMEM;
    if (r == SL_OK) { /* counted by original, then placed */
        for (size_t i = 0; i < np; i += 2) m->cstart[pair[i] + 1]++;
        for (size_t i = 1; i <= m->n; i++) m->cstart[i] += m->cstart[i - 1];
        for (size_t i = 0; i < np; i += 2) m->cp[m->cstart[pair[i]]++] = pair[i + 1];
        for (size_t i = m->n; i > 0; i--) m->cstart[i] = m->cstart[i - 1]; /* back to the starts */
        m->cstart[0] = 0;
    }
    free(pair);
    if (r == SL_ENOMEM) snprintf(err, errlen, "out of memory");
    return r;
}

/* Whether the map is of the store as it is now. */
static int map_fresh(store *st, const search_map *m, int64_t *version, char *err, size_t errlen) {
    *version = store_data_version(st, err, errlen);
    return m && *version >= 0 && m->version == *version && m->changes == (int64_t)sqlite3_total_changes64(st->db);
}

/* The map made again; NULL after saying why in err, or with err empty
 * when the store is too large for it (copies are counted in 32 bits). */
static search_map *map_make(store *st, int64_t version, char *err, size_t errlen) {
    store_search_map_free(st);
    *err = '\0';
    int64_t top = store_max_seq(st, err, errlen);
    if (top < 0 || (uint64_t)top >= UINT32_MAX) return NULL;
    search_map *m = calloc(1, sizeof *m);
    if (!m) goto oom;
    st->smap = m;
    m->version = version, m->changes = (int64_t)sqlite3_total_changes64(st->db), m->n = (size_t)top + 1;
    if (!(m->grp = calloc(m->n, sizeof *m->grp)) || !(m->story = calloc(m->n, sizeof *m->story)) ||
        !(m->cstart = calloc(m->n + 1, sizeof *m->cstart)) || !(m->gnum = calloc(m->n, sizeof *m->gnum)))
        goto oom;
    if (map_fill(st, m, err, errlen) != SL_OK) {
        store_search_map_free(st);
        return NULL;
    }
    return m;
oom:
    store_search_map_free(st);
    snprintf(err, errlen, "out of memory");
    return NULL;
}

/* The map for this search, or NULL (err empty) when SQL should find the
 * groups instead: on a connection's first search (a command that
 * searches once would make it for one search), and, once the store has
 * changed, for a query matching few articles: making the map costs about
 * a third of a microsecond an article stored, the SQL about five a
 * match, so a server taking new articles all the time makes it again
 * only for searches that gain from it. */
static search_map *map_for(store *st, const store_query *q, char *err, size_t errlen) {
    *err = '\0';
    if (st->searched++ == 0) return NULL;
    int64_t v;
    if (map_fresh(st, st->smap, &v, err, errlen)) return st->smap;
    if (v < 0) return NULL;
    sqlite3_stmt *s = prep(st, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1", err, errlen);
    if (!s) return NULL;
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    int64_t top = n >= 0 ? store_max_seq(st, err, errlen) : -1;
    if (n < 0 || top < 0 || n * 64 < top) { /* SQL says what was wrong with the query */
        *err = '\0';
        return NULL;
    }
    return map_make(st, v, err, errlen);
}

/* The matches of a search with no filter but a story, through the map:
 * FTS5 for the articles whose text or title matches, the map for their
 * groups, stories and copies (what the statement below finds in SQL). */
static sl_status matches_mapped(store *st, search_map *mp, const store_query *q, match **out, size_t *n,
                                char *err, size_t errlen) {
    sqlite3_stmt *s = prep(st,
        "SELECT rowid, bm25(articles_fts, " TITLE_WEIGHT ", " TEXT_WEIGHT ") FROM articles_fts"
        " WHERE articles_fts MATCH ?1", err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    match *m = NULL;
    size_t k = 0, cap = 0;
    int rc, oom = 0;
    while (!oom && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        double score = sqlite3_column_double(s, 1);
        int known = seq > 0 && (uint64_t)seq < mp->n;
        size_t from = known ? mp->cstart[seq] : 0, to = known ? mp->cstart[seq + 1] : 0;
        for (size_t i = from; i <= to && !oom; i++) {
            int64_t x = i < to ? mp->cp[i] : seq; /* its copies, then itself */
            int in = x > 0 && (uint64_t)x < mp->n;
            if (q->story > 0 && (!in || mp->story[x] != q->story)) continue;
            int64_t g = in && mp->grp[x] ? mp->grp[x] : x;
            oom = add_match(&m, &k, &cap, (match){x, g, seq, score});
        }
    }
    sl_status r = SL_OK;
    if (oom) {
        r = SL_ENOMEM;
        snprintf(err, errlen, "out of memory");
    } else if (rc != SQLITE_DONE) {
        r = store_fail(st, err, errlen, "searching");
        if (rc == SQLITE_ERROR) r = SL_EINVAL; /* a query FTS5 refuses */
    }
    sqlite3_finalize(s);
    if (r != SL_OK) {
        free(m);
        return r;
    }
    *out = m, *n = k;
    return SL_OK;
}

/* The matches in groups, each group's in by_group's order, as qsort by
 * by_group leaves them but for the order of the groups (which the ranking
 * after sets): the groups counted through the map's scratch, the
 * matches placed by group, then each group's few sorted.  A sort of all
 * of them (19,557 for the commonest word of the bench store) was a
 * seventh of a search. */
static sl_status by_group_mapped(search_map *mp, match **mm, size_t n, char *err, size_t errlen) {
    match *m = *mm;
    for (size_t i = 0; i < n; i++)
        if (m[i].grp <= 0 || (uint64_t)m[i].grp >= mp->n) { /* not of the map (cannot be): sort them all */
            qsort(m, n, sizeof *m, by_group);
            return SL_OK;
        }
    if (n < 2) return SL_OK;
    match *out = malloc(n * sizeof *out);
    size_t *start = calloc(n + 2, sizeof *start), ng = 0;
    if (!out || !start) {
        free(out), free(start);
        snprintf(err, errlen, "out of memory");
        return SL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t *g = &mp->gnum[m[i].grp];
        if (!*g) *g = (uint32_t)++ng;
        start[*g + 1]++;
    }
    for (size_t g = 1; g <= ng + 1; g++) start[g] += start[g - 1];
    for (size_t i = 0; i < n; i++) out[start[mp->gnum[m[i].grp]]++] = m[i];
    for (size_t i = 0; i < n; i++) mp->gnum[m[i].grp] = 0; /* the scratch 0 again */
    for (size_t g = 1, from = 0; g <= ng; from = start[g++]) /* start[g]: the end of group g now */
        if (start[g] - from > 1) qsort(out + from, start[g] - from, sizeof *out, by_group);
    free(start);
    free(m);
    *mm = out;
    return SL_OK;
}

/* Every match with its group, filtered; into *out (n of them). */
static sl_status matches(store *st, const store_query *q, match **out, size_t *n, search_map **used, char *err,
                         size_t errlen) {
    *used = NULL;
    if (!q->entity && !q->source && !q->since && !q->until && !q->stance) {
        search_map *mp = map_for(st, q, err, errlen);
        if (mp) return matches_mapped(st, *used = mp, q, out, n, err, errlen);
        if (*err) return SL_ESTORE;
    }
    /* The filters are part of the statement, so it is prepared for each
     * search (a few tens of microseconds beside the match); an article's
     * row is read only for a filter on its outlet or date. */
    char sql[2048];
    int need_article = q->source || q->since || q->until;
    int len = snprintf(sql, sizeof sql,
        /* the index holds a text once (store_search_sync): a match of
         * an original's text is a match of its exact copies too, scored
         * alike; an article matched both ways is dropped again in C */
        "WITH direct AS MATERIALIZED (SELECT rowid AS seq, bm25(articles_fts, " TITLE_WEIGHT ", " TEXT_WEIGHT ") AS score"
        "  FROM articles_fts WHERE articles_fts MATCH ?1),"
        " hits AS (SELECT seq, seq AS via, score FROM direct UNION ALL"
        "  SELECT x.seq, d.seq, d.score FROM direct d JOIN articles o ON o.seq = d.seq"
        "  JOIN articles x ON x.hash = o.hash AND x.seq > o.seq"
        "  WHERE NOT EXISTS (SELECT 1 FROM articles e WHERE e.hash = o.hash AND e.seq < o.seq))"
        "SELECT f.seq, coalesce(m.copy_of, f.seq), f.via, f.score"
        " FROM hits f LEFT JOIN story_members m ON m.article = f.seq%s"
        " WHERE 1%s%s%s%s%s%s",
        need_article ? " JOIN articles a ON a.seq = f.seq" : "",
        q->story > 0 ? " AND m.story = ?5" : "",
        q->entity > 0 ? " AND EXISTS (SELECT 1 FROM mentions x WHERE x.entity = ?6"
                        " AND x.article IN (f.seq, coalesce(m.copy_of, f.seq)))" : "",
        q->source ? " AND a.source = ?7" : "",
        q->since ? " AND substr(a.date, 1, 10) >= ?8" : "",
        q->until ? " AND substr(a.date, 1, 10) <= ?9" : "",
        q->stance ? " AND EXISTS (SELECT 1 FROM claims c WHERE c.article = f.seq AND c.stance = ?10"
                    " AND NOT c.negated)" : "");
    if (len < 0 || (size_t)len >= sizeof sql) {
        snprintf(err, errlen, "search: statement too long");
        return SL_ERROR;
    }
    sqlite3_stmt *s = prep(st, sql, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    if (q->story > 0) sqlite3_bind_int64(s, 5, q->story);
    if (q->entity > 0) sqlite3_bind_int64(s, 6, q->entity);
    store_bind_text(s, 7, q->source);
    store_bind_text(s, 8, q->since);
    store_bind_text(s, 9, q->until);
    store_bind_text(s, 10, q->stance);
    match *m = NULL;
    size_t k = 0, cap = 0;
    int rc;
    sl_status r = SL_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (add_match(&m, &k, &cap, (match){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                                             sqlite3_column_int64(s, 2), sqlite3_column_double(s, 3)})) {
            r = SL_ENOMEM;
            snprintf(err, errlen, "out of memory");
            break;
        }
    if (r == SL_OK && rc != SQLITE_DONE) {
        /* a query FTS5 refuses is the caller's error, not the store's */
        r = store_fail(st, err, errlen, "searching");
        if (rc == SQLITE_ERROR) r = SL_EINVAL;
    }
    sqlite3_finalize(s);
    if (r != SL_OK) {
        free(m);
        return r;
    }
    *out = m, *n = k;
    return SL_OK;
}

/* The page's groups: ranked and collapsed here rather than by window
 * functions in SQL, which took two thirds of a search for a common word
 * (80 -> 30 ms for 13,852 matches on 100,000 articles). */
static sl_status search(store *st, const store_query *q, int (*cb)(void *ud, const store_hit *h), void *ud,
                        int64_t *articles, int64_t *groups, char *err, size_t errlen) {
    match *m;
    size_t n;
    search_map *mp;
    *articles = *groups = 0;
    sl_status r = matches(st, q, &m, &n, &mp, err, errlen);
    if (r != SL_OK) return r;
    if (mp) r = by_group_mapped(mp, &m, n, err, errlen);
    else if (n) qsort(m, n, sizeof *m, by_group); /* m is NULL when none matched */
    if (r != SL_OK) {
        free(m);
        return r;
    }
    /* an article matched by its own title and through its original: its
     * better match (sorted first) */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || m[i].seq != m[k - 1].seq) m[k++] = m[i];
    n = k;
    mgroup *g = malloc((n ? n : 1) * sizeof *g);
    if (!g) {
        free(m);
        snprintf(err, errlen, "out of memory");
        return SL_ENOMEM;
    }
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ng || m[i].grp != g[ng - 1].best->grp) g[ng++] = (mgroup){&m[i], i, 0};
        else if (better(&m[i], g[ng - 1].best)) g[ng - 1].best = &m[i];
        g[ng - 1].n++;
    }
    qsort(g, ng, sizeof *g, by_best);
    *articles = (int64_t)n, *groups = (int64_t)ng;
    /* the page's hits: the article, its snippet and marked title, and the
     * ids of the group's other matches */
    sqlite3_stmt *s = prep(st,
            "SELECT a.id, a.title, a.source, a.date, coalesce(m.story, 0),"
            " (SELECT snippet(articles_fts, 1, char(1), char(2), '...', ?3) FROM articles_fts"
            "   WHERE articles_fts MATCH ?1 AND rowid = ?4),"
            " (SELECT highlight(articles_fts, 0, char(1), char(2)) FROM articles_fts"
            "   WHERE articles_fts MATCH ?1 AND rowid = ?2)"
            " FROM articles a LEFT JOIN story_members m ON m.article = a.seq WHERE a.seq = ?2", err, errlen);
    sqlite3_stmt *ids = s ? prep(st, "SELECT id FROM articles WHERE seq = ?1", err, errlen) : NULL;
    if (!ids) r = SL_ESTORE;
    buf others = {0};
    int stop = 0;
    for (int64_t p = q->offset; r == SL_OK && !stop && p < (int64_t)ng && p < q->offset + q->limit; p++) {
        const mgroup *h = &g[p];
        buf_reset(&others);
        for (size_t i = h->first; i < h->first + h->n && r == SL_OK; i++) {
            if (&m[i] == h->best) continue;
            sqlite3_bind_int64(ids, 1, m[i].seq);
            if (sqlite3_step(ids) == SQLITE_ROW &&
                ((others.len && buf_putc(&others, '\n')) || buf_puts(&others, store_col_text(ids, 0)))) {
                snprintf(err, errlen, "out of memory");
                r = SL_ENOMEM;
            }
            sqlite3_reset(ids);
        }
        if (r != SL_OK) break;
        sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, h->best->seq);
        sqlite3_bind_int(s, 3, q->snippet_words > 0 ? q->snippet_words : 16);
        sqlite3_bind_int64(s, 4, h->best->via); /* its text's snippet: the original's */
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            store_hit hit = {
                .seq = h->best->seq, .id = store_col_text(s, 0), .title = store_col_text(s, 1),
                .source = store_col_text(s, 2), .date = store_col_text(s, 3), .story = sqlite3_column_int64(s, 4),
                .score = -h->best->score, .snippet = store_col_text(s, 5), .title_marked = store_col_text(s, 6),
                .members = (int64_t)h->n, .ids = others.len ? others.p : NULL,
            };
            if (!hit.title_marked) hit.title_marked = hit.title; /* matched by its text alone */
            stop = cb(ud, &hit);
        } else if (rc != SQLITE_DONE) {
            r = store_fail(st, err, errlen, "searching");
        }
        sqlite3_reset(s);
    }
    buf_free(&others);
    sqlite3_finalize(s);
    sqlite3_finalize(ids);
    free(g);
    free(m);
    return r;
}

/* In one read transaction, so that the map, the matches and the page
 * are of one state of the store while others write. */
sl_status store_search(store *st, const store_query *q, int (*cb)(void *ud, const store_hit *h), void *ud,
                       int64_t *articles, int64_t *groups, char *err, size_t errlen) {
    if (st->in_tx) return search(st, q, cb, ud, articles, groups, err, errlen);
    sl_status r = store_exec(st, "BEGIN", "searching", err, errlen);
    if (r == SL_OK) r = search(st, q, cb, ud, articles, groups, err, errlen);
    if (r == SL_OK) return store_exec(st, "COMMIT", "searching", err, errlen);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

/* The articles above search_upto into the index, unless it is stale: an
 * exact copy of an earlier article by its title only (migration 9 -> 10
 * says why), and search_upto raised to the newest. */
#define SYNC_SQL                                                                                     \
    "INSERT INTO articles_fts(rowid, title, text)"                                                   \
    " SELECT a.seq, a.title,"                                                                        \
    "  CASE WHEN EXISTS (SELECT 1 FROM articles o WHERE o.hash = a.hash AND o.seq < a.seq)"          \
    "   THEN '' ELSE a.text END"                                                                     \
    " FROM articles a"                                                                               \
    " WHERE a.seq > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_upto')"             \
    " AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_stale') ORDER BY a.seq;"                \
    "UPDATE meta SET value = (SELECT max(seq) FROM articles)"                                        \
    " WHERE key = 'search_upto' AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_stale')"      \
    " AND CAST(value AS INTEGER) < (SELECT coalesce(max(seq), 0) FROM articles)"

sl_status store_search_sync(store *st, char *err, size_t errlen) {
    return store_exec(st, SYNC_SQL, "indexing new articles for search", err, errlen);
}

sl_status store_search_rebuild(store *st, char *err, size_t errlen) {
    return store_exec(st,
                      "INSERT INTO articles_fts(articles_fts) VALUES('delete-all');"
                      "DELETE FROM meta WHERE key = 'search_stale';"
                      "INSERT INTO meta(key, value) VALUES('search_upto', '0')"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value;" SYNC_SQL,
                      "rebuilding the search index", err, errlen);
}
