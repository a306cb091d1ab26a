/*
 * store_entities.c - named entities in the store: the entities, each
 * article's mentions of them, and links between them (schema in store.c,
 * migration 5 -> 6).
 */
#include <string.h>

#include "store.h"
#include "store_int.h"

enum {
    E_GET, E_MAKE, E_SURNAME, E_MOVE, E_DROP, E_MENTION, E_LINK, E_LIST, E_ONE, E_VARIANTS,
    E_ARTICLES, E_LINKS, E_BY_TEXT, E_MOVE_LINKS, E_CLEAR, E_MOVE_CLAIMS, E_PERSON, E_N
};
_Static_assert(E_N <= STORE_ENT_STMT, "store_int.h: STORE_ENT_STMT");

#define COUNTS " count(DISTINCT m.article), count(DISTINCT a.source)" \
               " FROM entities e JOIN mentions m ON m.entity = e.id JOIN articles a ON a.seq = m.article"

static const char *const sql[E_N] = {
    [E_GET] = "SELECT id FROM entities WHERE key = ?1",
    [E_PERSON] = "SELECT id FROM entities WHERE key = ?1 AND type = 'PER'",
    [E_MAKE] = "INSERT INTO entities(key, name, type, surname) VALUES(?1, ?2, ?3, ?4)",
    [E_SURNAME] = "SELECT id FROM entities WHERE surname = ?1 AND key <> ?2 AND type = 'PER' LIMIT 2",
    [E_MOVE] = "UPDATE OR REPLACE mentions SET entity = ?2 WHERE entity = ?1",
    [E_DROP] = "DELETE FROM entities WHERE id = ?1",
    [E_MENTION] = "INSERT INTO mentions(article, entity, text, type, n, spans) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                  " ON CONFLICT(article, entity, text) DO UPDATE SET n = excluded.n, spans = excluded.spans",
    [E_LINK] = "INSERT INTO entity_links(entity, kind, target) VALUES(?1, ?2, ?3)"
               " ON CONFLICT(entity, kind) DO UPDATE SET target = excluded.target",
    [E_LIST] = "SELECT e.id, e.name, e.type," COUNTS
               " WHERE (?1 = 0 OR m.article IN (SELECT article FROM story_members WHERE story = ?1))"
               " AND (?2 IS NULL OR e.type = ?2)"
               " GROUP BY e.id ORDER BY count(DISTINCT m.article) DESC, e.name, e.id",
    [E_ONE] = "SELECT e.id, e.name, e.type," COUNTS " WHERE e.id = ?1 GROUP BY e.id",
    [E_VARIANTS] = "SELECT text, sum(n) FROM mentions WHERE entity = ?1 GROUP BY text"
                   " ORDER BY sum(n) DESC, text",
    [E_ARTICLES] = "SELECT a.id, a.date, a.source, a.title, coalesce(s.story, 0)"
                   " FROM (SELECT DISTINCT article FROM mentions WHERE entity = ?1) m"
                   " JOIN articles a ON a.seq = m.article LEFT JOIN story_members s ON s.article = m.article"
                   " ORDER BY a.seq",
    [E_LINKS] = "SELECT l.kind, t.name FROM entity_links l JOIN entities t ON t.id = l.target"
                " WHERE l.entity = ?1 ORDER BY l.kind",
    [E_BY_TEXT] = "SELECT entity FROM mentions WHERE text = ?1 LIMIT 1",
    [E_MOVE_LINKS] = "UPDATE OR IGNORE entity_links SET entity = ?2 WHERE entity = ?1",
    [E_MOVE_CLAIMS] = "UPDATE claims SET entity = ?2 WHERE entity = ?1",
    [E_CLEAR] = "DELETE FROM mentions WHERE article = ?1",
};

static sqlite3_stmt *q(store *st, int i, char *err, size_t errlen) {
    return store_prepared(st, &st->est[i], sql[i], err, errlen);
}

/* The first column of the first row of s (bound already), 0 when there
 * is no row; -1 after an error. */
static int64_t first(store *st, sqlite3_stmt *s, char *err, size_t errlen, const char *what) {
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) v = -1, store_fail(st, err, errlen, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return v;
}

int64_t store_entity_get(store *st, const char *key, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_GET, err, errlen);
    if (!s) return -1;
    store_bind_text(s, 1, key);
    return first(st, s, err, errlen, "finding an entity");
}

int64_t store_entity_person(store *st, const char *key, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_PERSON, err, errlen);
    if (!s) return -1;
    store_bind_text(s, 1, key);
    return first(st, s, err, errlen, "finding a person");
}

int64_t store_entity_make(store *st, const char *key, const char *name, const char *type,
                          const char *surname, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_MAKE, err, errlen);
    if (!s) return -1;
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, name);
    store_bind_text(s, 3, type);
    store_bind_text(s, 4, surname);
    if (store_step_done(st, s, err, errlen, "storing an entity") != SL_OK) return -1;
    return sqlite3_last_insert_rowid(st->db);
}

int64_t store_entity_by_surname(store *st, const char *surname, const char *not_key, char *err,
                                size_t errlen) {
    sqlite3_stmt *s = q(st, E_SURNAME, err, errlen);
    if (!s) return -1;
    store_bind_text(s, 1, surname);
    store_bind_text(s, 2, not_key);
    int64_t id = 0, n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) id = sqlite3_column_int64(s, 0), n++;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return store_fail(st, err, errlen, "finding a surname"), -1;
    return n > 1 ? -2 : id;
}

static sl_status two_ids(store *st, int i, int64_t a, int64_t b, char *err, size_t errlen, const char *what) {
    sqlite3_stmt *s = q(st, i, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, a);
    if (b) sqlite3_bind_int64(s, 2, b);
    return store_step_done(st, s, err, errlen, what);
}

sl_status store_entity_merge(store *st, int64_t from, int64_t into, char *err, size_t errlen) {
    sl_status s = two_ids(st, E_MOVE, from, into, err, errlen, "moving mentions");
    if (s == SL_OK) s = two_ids(st, E_MOVE_LINKS, from, into, err, errlen, "moving links");
    if (s == SL_OK) s = two_ids(st, E_MOVE_CLAIMS, from, into, err, errlen, "moving claims");
    if (s == SL_OK) s = two_ids(st, E_DROP, from, 0, err, errlen, "dropping an entity");
    return s;
}

sl_status store_mentions_put(store *st, int64_t article, int64_t entity, const char *text, const char *type,
                             int64_t n, const char *spans, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_MENTION, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, article);
    sqlite3_bind_int64(s, 2, entity);
    store_bind_text(s, 3, text);
    store_bind_text(s, 4, type);
    sqlite3_bind_int64(s, 5, n);
    store_bind_text(s, 6, spans);
    return store_step_done(st, s, err, errlen, "storing mentions");
}

sl_status store_mentions_clear(store *st, int64_t article, char *err, size_t errlen) {
    return two_ids(st, E_CLEAR, article, 0, err, errlen, "clearing mentions");
}

sl_status store_entity_link(store *st, int64_t entity, const char *kind, int64_t target, char *err,
                            size_t errlen) {
    sqlite3_stmt *s = q(st, E_LINK, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, entity);
    store_bind_text(s, 2, kind);
    sqlite3_bind_int64(s, 3, target);
    return store_step_done(st, s, err, errlen, "storing a link");
}

static sl_status each(store *st, sqlite3_stmt *s, int (*row)(sqlite3_stmt *, void *, void *), void *cb,
                      void *ud, char *err, size_t errlen, const char *what) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (row(s, cb, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, what);
}

typedef int (*entity_cb)(void *, const store_entity *);

static int entity_row(sqlite3_stmt *s, void *cb, void *ud) {
    store_entity e = {sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                      sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)};
    return ((entity_cb)cb)(ud, &e);
}

sl_status store_entities(store *st, int64_t story, const char *type,
                         int (*cb)(void *ud, const store_entity *e), void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_LIST, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, story);
    store_bind_text(s, 2, type);
    return each(st, s, entity_row, (void *)cb, ud, err, errlen, "listing entities");
}

sl_status store_entity_one(store *st, int64_t id, int (*cb)(void *ud, const store_entity *e), void *ud,
                           char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_ONE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return each(st, s, entity_row, (void *)cb, ud, err, errlen, "reading an entity");
}

typedef int (*variant_cb)(void *, const char *, int64_t);

static int variant_row(sqlite3_stmt *s, void *cb, void *ud) {
    return ((variant_cb)cb)(ud, store_col_text(s, 0), sqlite3_column_int64(s, 1));
}

sl_status store_entity_variants(store *st, int64_t id, int (*cb)(void *ud, const char *text, int64_t n),
                                void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_VARIANTS, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return each(st, s, variant_row, (void *)cb, ud, err, errlen, "reading spellings");
}

typedef int (*article_cb)(void *, const char *, const char *, const char *, const char *, int64_t);

static int article_row(sqlite3_stmt *s, void *cb, void *ud) {
    return ((article_cb)cb)(ud, store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                            store_col_text(s, 3), sqlite3_column_int64(s, 4));
}

sl_status store_entity_articles(store *st, int64_t id,
                                int (*cb)(void *ud, const char *id, const char *date, const char *source,
                                          const char *title, int64_t story),
                                void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_ARTICLES, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return each(st, s, article_row, (void *)cb, ud, err, errlen, "reading an entity's articles");
}

typedef int (*link_cb)(void *, const char *, const char *);

static int link_row(sqlite3_stmt *s, void *cb, void *ud) {
    return ((link_cb)cb)(ud, store_col_text(s, 0), store_col_text(s, 1));
}

sl_status store_entity_links(store *st, int64_t id, int (*cb)(void *ud, const char *kind, const char *name),
                             void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_LINKS, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return each(st, s, link_row, (void *)cb, ud, err, errlen, "reading links");
}

int64_t store_entity_by_text(store *st, const char *text, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, E_BY_TEXT, err, errlen);
    if (!s) return -1;
    store_bind_text(s, 1, text);
    return first(st, s, err, errlen, "finding a spelling");
}
