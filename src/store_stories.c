/*
 * store_stories.c - stories in the store: each article's terms, which
 * story it is in, the stories, and the clusterer's document frequencies
 * (schema in store.c, migration 2 -> 3).
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"

enum {
    Q_TERMS_PUT, Q_ARTICLES, Q_ARTICLES_BARE, Q_STORY_OF, Q_MEMBER_PUT, Q_STORY_UPDATE, Q_STORY_CLOSE,
    Q_DF_PUT, Q_DF_ALL, Q_OPEN, Q_RECENT_TERMS, Q_MAX_ID, Q_LIST, Q_MEMBERS, Q_RESOLVE,
    Q_TERMS_OF, Q_ALIAS_PUT, Q_ONE, Q_N
};
_Static_assert(Q_N <= STORE_MAX_STMT, "store_int.h: STORE_MAX_STMT");

static const char *const sql[Q_N] = {
    /* upserts, not INSERT OR REPLACE: a REPLACE may delete rows, which
     * makes SQLite copy every page the statement touches into a statement
     * journal first (64 KiB pages): 136,000 instructions a member put
     * against about 25,000 (callgrind, 6,000 bench articles) */
    [Q_TERMS_PUT] = "INSERT INTO story_terms(article, terms) VALUES(?1, ?2)"
                    " ON CONFLICT(article) DO UPDATE SET terms = excluded.terms",
    /* articles after ?1, with their terms and the earliest article they
     * are an exact or near copy of */
    [Q_ARTICLES] = "SELECT a.seq, a.date, t.terms,"
                   " (SELECT min(d.b) FROM dups d WHERE d.a = a.seq AND d.kind IN (1, 2))"
                   " FROM articles a LEFT JOIN story_terms t ON t.article = a.seq"
                   " WHERE a.seq > ?1 ORDER BY a.seq",
    /* the same without the terms (read one by one as they are placed) */
    [Q_ARTICLES_BARE] = "SELECT a.seq, a.date, NULL,"
                        " (SELECT min(d.b) FROM dups d WHERE d.a = a.seq AND d.kind IN (1, 2))"
                        " FROM articles a WHERE a.seq > ?1 ORDER BY a.seq",
    [Q_STORY_OF] = "SELECT story FROM story_members WHERE article = ?1",
    [Q_MEMBER_PUT] = "INSERT INTO story_members(article, story, copy_of, similarity, day)"
                     " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(article) DO UPDATE SET"
                     " story = excluded.story, copy_of = excluded.copy_of,"
                     " similarity = excluded.similarity, day = excluded.day",
    [Q_STORY_UPDATE] =
        "INSERT INTO stories(id, first_seen, last_update, last_day, articles, copies, open)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1)"
        " ON CONFLICT(id) DO UPDATE SET"
        " first_seen = CASE WHEN ?2 IS NOT NULL AND (first_seen IS NULL OR ?2 < first_seen)"
        "   THEN ?2 ELSE first_seen END,"
        " last_update = CASE WHEN ?3 IS NOT NULL AND (last_update IS NULL OR ?3 > last_update)"
        "   THEN ?3 ELSE last_update END,"
        " last_day = CASE WHEN ?4 IS NOT NULL AND (last_day IS NULL OR ?4 > last_day)"
        "   THEN ?4 ELSE last_day END,"
        " articles = articles + ?5, copies = copies + ?6",
    [Q_STORY_CLOSE] = "UPDATE stories SET open = 0 WHERE id = ?1",
    [Q_DF_PUT] = "INSERT INTO story_df(part, data) VALUES(0, ?1)"
                 " ON CONFLICT(part) DO UPDATE SET data = excluded.data",
    [Q_DF_ALL] = "SELECT data FROM story_df WHERE part = 0",
    [Q_OPEN] = "SELECT id, last_day FROM stories WHERE open = 1 ORDER BY id",
    [Q_RECENT_TERMS] = "SELECT t.terms FROM story_members m JOIN story_terms t ON t.article = m.article"
                       " WHERE m.story = ?1 AND m.copy_of IS NULL ORDER BY m.article DESC LIMIT ?2",
    [Q_MAX_ID] = "SELECT coalesce(max(id), 0) FROM (SELECT max(id) AS id FROM stories"
                 " UNION ALL SELECT max(alias) FROM story_alias)",
    [Q_LIST] = "SELECT s.id, s.first_seen, s.last_update, s.articles, s.copies"
               " FROM stories s WHERE s.articles + s.copies >= ?1"
               " AND (?2 IS NULL OR s.last_update IS NULL OR s.last_update >= ?2)"
               " AND (?3 IS NULL OR s.first_seen IS NULL OR s.first_seen <= ?3)"
               " ORDER BY s.articles + s.copies DESC, s.first_seen, s.id",
    [Q_MEMBERS] = "SELECT a.seq, a.id, a.date, a.source, a.title, c.id, m.similarity, t.terms"
                  " FROM story_members m JOIN articles a ON a.seq = m.article"
                  " LEFT JOIN articles c ON c.seq = m.copy_of"
                  " LEFT JOIN story_terms t ON t.article = m.article"
                  " WHERE m.story = ?1 ORDER BY m.day, a.seq",
    [Q_RESOLVE] = "SELECT story FROM story_alias WHERE alias = ?1",
    [Q_TERMS_OF] = "SELECT terms FROM story_terms WHERE article = ?1",
    [Q_ONE] = "SELECT s.id, s.first_seen, s.last_update, s.articles, s.copies"
              " FROM stories s WHERE s.id = ?1",
    [Q_ALIAS_PUT] = "INSERT INTO story_alias(alias, story) VALUES(?1, ?2)"
                    " ON CONFLICT(alias) DO UPDATE SET story = excluded.story",
};

static sqlite3_stmt *q(store *st, int i, char *err, size_t errlen) {
    return store_prepared(st, &st->sst[i], sql[i], err, errlen);
}

/* Run s to its end, rows to cb (which returns non-zero to stop). */
static sl_status rows(store *st, sqlite3_stmt *s, int (*cb)(void *, sqlite3_stmt *), void *ud,
                      char *err, size_t errlen, const char *what) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, s)) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, what);
}

sl_status store_terms_put(store *st, int64_t seq, const void *blob, size_t n, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_TERMS_PUT, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_blob(s, 2, n ? blob : "", (int)n, SQLITE_STATIC);
    return store_step_done(st, s, err, errlen, "storing an article's terms");
}

typedef struct articles_ud {
    store_article_cb cb;
    void *ud;
} articles_ud;

static int article_row(void *ud, sqlite3_stmt *s) {
    articles_ud *a = ud;
    int has = sqlite3_column_type(s, 2) != SQLITE_NULL;
    return a->cb(a->ud, sqlite3_column_int64(s, 0), store_col_text(s, 1),
                 has ? sqlite3_column_blob(s, 2) : NULL, has ? (size_t)sqlite3_column_bytes(s, 2) : 0,
                 sqlite3_column_int64(s, 3));
}

sl_status store_story_articles(store *st, int64_t after, int with_terms, store_article_cb cb,
                               void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, with_terms ? Q_ARTICLES : Q_ARTICLES_BARE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, after);
    articles_ud a = {cb, ud};
    return rows(st, s, article_row, &a, err, errlen, "reading articles for stories");
}

/* One integer from a statement with one int64 parameter (0 when no row). */
static int64_t one(store *st, int which, int64_t arg, int bind, char *err, size_t errlen, int *ok) {
    sqlite3_stmt *s = q(st, which, err, errlen);
    *ok = 0;
    if (!s) return 0;
    if (bind) sqlite3_bind_int64(s, 1, arg);
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) *ok = 1;
    else store_fail(st, err, errlen, "reading stories");
    return v;
}

int64_t store_story_of(store *st, int64_t seq, char *err, size_t errlen) {
    int ok;
    int64_t v = one(st, Q_STORY_OF, seq, 1, err, errlen, &ok);
    return ok ? v : -1;
}

int64_t store_story_resolve(store *st, int64_t id, char *err, size_t errlen) {
    /* aliases are flattened when written, so one step is enough */
    int ok;
    int64_t v = one(st, Q_RESOLVE, id, 1, err, errlen, &ok);
    if (!ok) return -1;
    return v ? v : id;
}

int64_t store_story_max_id(store *st, char *err, size_t errlen) {
    int ok;
    int64_t v = one(st, Q_MAX_ID, 0, 0, err, errlen, &ok);
    return ok ? v : -1;
}

sl_status store_story_member_put(store *st, int64_t seq, int64_t story, int64_t copy_of, double sim,
                                 int32_t day, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_MEMBER_PUT, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_int64(s, 2, story);
    if (copy_of) sqlite3_bind_int64(s, 3, copy_of);
    else sqlite3_bind_null(s, 3);
    sqlite3_bind_double(s, 4, sim);
    sqlite3_bind_int(s, 5, day);
    return store_step_done(st, s, err, errlen, "storing a story member");
}

sl_status store_story_update(store *st, const store_story_add *a, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_STORY_UPDATE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, a->id);
    store_bind_text(s, 2, a->first);
    store_bind_text(s, 3, a->last);
    if (a->first) sqlite3_bind_int(s, 4, a->last_day);
    else sqlite3_bind_null(s, 4);
    sqlite3_bind_int64(s, 5, a->reports);
    sqlite3_bind_int64(s, 6, a->copies);
    return store_step_done(st, s, err, errlen, "storing a story");
}

sl_status store_story_close(store *st, int64_t id, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_STORY_CLOSE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return store_step_done(st, s, err, errlen, "closing a story");
}

sl_status store_story_alias(store *st, int64_t alias, int64_t story, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_ALIAS_PUT, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, alias);
    sqlite3_bind_int64(s, 2, story);
    return store_step_done(st, s, err, errlen, "storing a story alias");
}

sl_status store_story_df_put(store *st, const void *blob, size_t n, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_DF_PUT, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_blob(s, 1, n ? blob : "", (int)n, SQLITE_STATIC);
    return store_step_done(st, s, err, errlen, "storing term frequencies");
}

typedef struct open_ud {
    int (*cb)(void *, int64_t, int, int32_t);
    void *ud;
} open_ud;

static int open_row(void *ud, sqlite3_stmt *s) {
    open_ud *o = ud;
    int has = sqlite3_column_type(s, 1) != SQLITE_NULL;
    return o->cb(o->ud, sqlite3_column_int64(s, 0), has, has ? sqlite3_column_int(s, 1) : 0);
}

sl_status store_story_open_each(store *st, int (*cb)(void *, int64_t id, int has_day, int32_t last_day),
                                void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_OPEN, err, errlen);
    if (!s) return SL_ESTORE;
    open_ud o = {cb, ud};
    return rows(st, s, open_row, &o, err, errlen, "reading open stories");
}

typedef struct blob_ud {
    int (*cb)(void *, const void *, size_t);
    void *ud;
} blob_ud;

static int blob_row(void *ud, sqlite3_stmt *s) {
    blob_ud *b = ud;
    return b->cb(b->ud, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
}

sl_status store_story_recent_terms(store *st, int64_t story, int limit,
                                   int (*cb)(void *, const void *terms, size_t n), void *ud,
                                   char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_RECENT_TERMS, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, story);
    sqlite3_bind_int(s, 2, limit);
    blob_ud b = {cb, ud};
    return rows(st, s, blob_row, &b, err, errlen, "reading a story's members");
}

sl_status store_terms_of(store *st, int64_t seq, int (*cb)(void *, const void *terms, size_t n),
                         void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_TERMS_OF, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, seq);
    blob_ud b = {cb, ud};
    return rows(st, s, blob_row, &b, err, errlen, "reading an article's terms");
}

sl_status store_story_clear(store *st, char *err, size_t errlen) {
    if (sqlite3_exec(st->db,
                     "DELETE FROM stories; DELETE FROM story_members; DELETE FROM story_alias;"
                     " DELETE FROM story_df; DELETE FROM meta WHERE key IN ('stories', 'story_docs', 'stories_upto')",
                     NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "clearing stories");
    return SL_OK;
}

typedef struct list_ud {
    store_story_cb cb;
    void *ud;
} list_ud;

static int list_row(void *ud, sqlite3_stmt *s) {
    list_ud *l = ud;
    store_story r = {sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                     sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)};
    return l->cb(l->ud, &r);
}

sl_status store_stories_each(store *st, int64_t min_size, const char *since, const char *until,
                             store_story_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_LIST, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, min_size);
    store_bind_text(s, 2, since);
    store_bind_text(s, 3, until);
    list_ud l = {cb, ud};
    return rows(st, s, list_row, &l, err, errlen, "listing stories");
}

typedef struct member_ud {
    store_member_cb cb;
    void *ud;
} member_ud;

static int member_row(void *ud, sqlite3_stmt *s) {
    member_ud *m = ud;
    int has = sqlite3_column_type(s, 7) != SQLITE_NULL;
    store_member r = {sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                      store_col_text(s, 3), store_col_text(s, 4), store_col_text(s, 5),
                      sqlite3_column_double(s, 6), has ? sqlite3_column_blob(s, 7) : NULL,
                      has ? (size_t)sqlite3_column_bytes(s, 7) : 0};
    return m->cb(m->ud, &r);
}

sl_status store_story_members(store *st, int64_t story, store_member_cb cb, void *ud, char *err,
                              size_t errlen) {
    sqlite3_stmt *s = q(st, Q_MEMBERS, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, story);
    member_ud m = {cb, ud};
    return rows(st, s, member_row, &m, err, errlen, "reading a story");
}

sl_status store_story_df_get(store *st, int (*cb)(void *, const void *blob, size_t n), void *ud,
                             char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_DF_ALL, err, errlen);
    if (!s) return SL_ESTORE;
    blob_ud b = {cb, ud};
    return rows(st, s, blob_row, &b, err, errlen, "reading term frequencies");
}

sl_status store_story_one(store *st, int64_t id, store_story_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, Q_ONE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    list_ud l = {cb, ud};
    return rows(st, s, list_row, &l, err, errlen, "reading a story");
}

/* Story ?2 into story ?1.  Run statement by statement with the two ids
 * bound: a formatted string of them outgrew its buffer once the ids had
 * six digits (a merge on a 1M-article corpus failed). */
static const char q_merge[] =
    "UPDATE story_members SET story = ?1 WHERE story = ?2;"
    "UPDATE stories SET"
    " first_seen = (SELECT CASE WHEN f.first_seen IS NOT NULL AND (s.first_seen IS NULL"
    "   OR f.first_seen < s.first_seen) THEN f.first_seen ELSE s.first_seen END"
    "   FROM stories f, stories s WHERE f.id = ?2 AND s.id = ?1),"
    " last_update = (SELECT CASE WHEN f.last_update IS NOT NULL AND (s.last_update IS NULL"
    "   OR f.last_update > s.last_update) THEN f.last_update ELSE s.last_update END"
    "   FROM stories f, stories s WHERE f.id = ?2 AND s.id = ?1),"
    " last_day = max(coalesce(last_day, -2147483648),"
    "   coalesce((SELECT last_day FROM stories WHERE id = ?2), -2147483648)),"
    " articles = articles + (SELECT articles FROM stories WHERE id = ?2),"
    " copies = copies + (SELECT copies FROM stories WHERE id = ?2)"
    " WHERE id = ?1;"
    "DELETE FROM stories WHERE id = ?2;"
    "UPDATE story_alias SET story = ?1 WHERE story = ?2;"
    "INSERT INTO story_alias(alias, story) VALUES(?2, ?1)"
    " ON CONFLICT(alias) DO UPDATE SET story = excluded.story;";

sl_status store_story_merge(store *st, int64_t into, int64_t from, char *err, size_t errlen) {
    const char *next = q_merge;
    while (*next) {
        sqlite3_stmt *s;
        const char *tail;
        if (sqlite3_prepare_v2(st->db, next, -1, &s, &tail) != SQLITE_OK)
            return store_fail(st, err, errlen, "merging two stories");
        if (!s) break; /* only white space left */
        sqlite3_bind_int64(s, 1, into);
        sqlite3_bind_int64(s, 2, from);
        int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) return store_fail(st, err, errlen, "merging two stories");
        next = tail;
    }
    return SL_OK;
}

sl_status store_story_savepoint(store *st, int op, char *err, size_t errlen) {
    static const char *const sql_of[] = {"SAVEPOINT stories", "RELEASE stories",
                                         "ROLLBACK TO stories; RELEASE stories"};
    if (sqlite3_exec(st->db, sql_of[op], NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "placing articles in stories");
    return SL_OK;
}
