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
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"

/* Columns of a hit; weights of bm25(): title, text. */
#define TITLE_WEIGHT "10.0"
#define TEXT_WEIGHT "1.0"

sl_status store_search(store *st, const store_query *q, int (*cb)(void *ud, const store_hit *h), void *ud,
                       char *err, size_t errlen) {
    /* The filters are part of the statement, so it is prepared for each
     * search (a few tens of microseconds beside the match). */
    char sql[4096];
    /* Ranked first, then the page: snippets and titles marked for the
     * page's hits only (made for every hit, a common word cost a second
     * on 100,000 articles), and an article's row read only for a filter
     * on its outlet or date. */
    int need_article = q->source || q->since || q->until;
    int n = snprintf(sql, sizeof sql,
        "WITH hits AS ("
        " SELECT f.rowid AS seq, coalesce(m.copy_of, f.rowid) AS grp,"
        "  bm25(articles_fts, " TITLE_WEIGHT ", " TEXT_WEIGHT ") AS score"
        " FROM articles_fts f LEFT JOIN story_members m ON m.article = f.rowid%s"
        " WHERE articles_fts MATCH ?1%s%s%s%s%s%s),"
        " ranked AS MATERIALIZED ("
        " SELECT seq, grp, score, row_number() OVER (PARTITION BY grp ORDER BY score, seq) AS rn,"
        "  count(*) OVER (PARTITION BY grp) AS members, count(*) OVER () AS articles FROM hits),"
        " page AS ("
        " SELECT seq, grp, score, members, articles, count(*) OVER () AS groups FROM ranked WHERE rn = 1"
        " ORDER BY score, seq LIMIT ?3 OFFSET ?4)"
        " SELECT p.seq, a.id, a.title, a.source, a.date, coalesce(m.story, 0), p.score,"
        "  (SELECT snippet(articles_fts, 1, char(1), char(2), '...', ?2) FROM articles_fts"
        "   WHERE articles_fts MATCH ?1 AND rowid = p.seq),"
        "  (SELECT highlight(articles_fts, 0, char(1), char(2)) FROM articles_fts"
        "   WHERE articles_fts MATCH ?1 AND rowid = p.seq),"
        "  p.members,"
        "  (SELECT group_concat(x.id, char(10)) FROM ranked r JOIN articles x ON x.seq = r.seq"
        "   WHERE r.grp = p.grp AND r.rn > 1),"
        "  p.articles, p.groups"
        " FROM page p JOIN articles a ON a.seq = p.seq LEFT JOIN story_members m ON m.article = p.seq"
        " ORDER BY p.score, p.seq",
        need_article ? " JOIN articles a ON a.seq = f.rowid" : "",
        q->story > 0 ? " AND m.story = ?5" : "",
        q->entity > 0 ? " AND EXISTS (SELECT 1 FROM mentions x WHERE x.entity = ?6"
                        " AND x.article IN (f.rowid, coalesce(m.copy_of, f.rowid)))" : "",
        q->source ? " AND a.source = ?7" : "",
        q->since ? " AND substr(a.date, 1, 10) >= ?8" : "",
        q->until ? " AND substr(a.date, 1, 10) <= ?9" : "",
        q->stance ? " AND EXISTS (SELECT 1 FROM claims c WHERE c.article = f.rowid AND c.stance = ?10"
                    " AND NOT c.negated)" : "");
    if (n < 0 || (size_t)n >= sizeof sql) {
        snprintf(err, errlen, "search: statement too long");
        return SL_ERROR;
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) return store_fail(st, err, errlen, "searching");
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, q->snippet_words > 0 ? q->snippet_words : 16);
    sqlite3_bind_int64(s, 3, q->limit);
    sqlite3_bind_int64(s, 4, q->offset);
    if (q->story > 0) sqlite3_bind_int64(s, 5, q->story);
    if (q->entity > 0) sqlite3_bind_int64(s, 6, q->entity);
    store_bind_text(s, 7, q->source);
    store_bind_text(s, 8, q->since);
    store_bind_text(s, 9, q->until);
    store_bind_text(s, 10, q->stance);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_hit h = {
            .seq = sqlite3_column_int64(s, 0), .id = store_col_text(s, 1), .title = store_col_text(s, 2),
            .source = store_col_text(s, 3), .date = store_col_text(s, 4), .story = sqlite3_column_int64(s, 5),
            .score = -sqlite3_column_double(s, 6), .snippet = store_col_text(s, 7),
            .title_marked = store_col_text(s, 8), .members = sqlite3_column_int64(s, 9),
            .ids = store_col_text(s, 10), .articles = sqlite3_column_int64(s, 11),
            .groups = sqlite3_column_int64(s, 12),
        };
        stop = cb(ud, &h);
    }
    sl_status r = SL_OK;
    if (!stop && rc != SQLITE_DONE) {
        /* a query FTS5 refuses is the caller's error, not the store's */
        r = store_fail(st, err, errlen, "searching");
        if (rc == SQLITE_ERROR) r = SL_EINVAL;
    }
    sqlite3_finalize(s);
    return r;
}

sl_status store_search_rebuild(store *st, char *err, size_t errlen) {
    if (sqlite3_exec(st->db,
                     "INSERT INTO articles_fts(articles_fts) VALUES('rebuild');"
                     "DELETE FROM meta WHERE key = 'search_stale'",
                     NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "rebuilding the search index");
    return SL_OK;
}
