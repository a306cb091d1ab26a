/*
 * store_claims.c - claims in the store: who said what in each article,
 * and which articles were analysed (schema in store.c, migration 6 -> 7).
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"

enum { C_PUT, C_DONE, C_CLEAR, C_CLEAR_DONE, C_TODO_COUNT, C_TODO_COUNT_AFTER, C_TODO, C_TODO_COUNT_STORY,
       C_TODO_STORY, C_EACH, C_EACH_STORY, C_MENTIONS, C_DEMONYM, C_ORIGINAL, C_COPY, C_UPTO, C_N };
_Static_assert(C_N <= STORE_CLM_STMT, "store_int.h: STORE_CLM_STMT");

#define NOT_DONE " NOT EXISTS (SELECT 1 FROM claims_done d WHERE d.article = a.seq)"
#define IN_STORY " FROM story_members m JOIN articles a ON a.seq = m.article WHERE m.story = ?3 AND"
#define EACH "SELECT c.id, c.article, c.n, coalesce(c.entity, 0), c.speaker, c.source, c.cue, c.stance," \
             " c.content, c.spans, c.vals, c.negated, c.direct, a.id, a.date, a.source, x.name," \
             " coalesce(m.story, 0), m.copy_of IS NOT NULL" \
             " FROM claims c JOIN articles a ON a.seq = c.article" \
             " LEFT JOIN story_members m ON m.article = c.article" \
             " LEFT JOIN entities x ON x.id = c.entity"
#define ORDER " ORDER BY 18, a.date IS NULL, a.date, c.article, c.n"

static const char *const sql[C_N] = {
    [C_PUT] = "INSERT INTO claims(article, n, speaker, entity, source, cue, stance, negated, direct,"
              " content, spans, vals) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [C_DONE] = "INSERT INTO claims_done(article) VALUES(?1) ON CONFLICT(article) DO NOTHING",
    [C_CLEAR] = "DELETE FROM claims",
    [C_CLEAR_DONE] = "DELETE FROM claims_done",
    /* all of them: the seqs from an index (no text is read); those after
     * ?1, from the table's rows after it, new articles only */
    [C_TODO_COUNT] = "SELECT count(*) FROM articles a WHERE" NOT_DONE,
    [C_TODO_COUNT_AFTER] = "SELECT count(*) FROM articles a WHERE a.seq > ?1 AND" NOT_DONE,
    [C_TODO] = "SELECT a.seq, a.text, a.title FROM articles a WHERE" NOT_DONE " AND a.seq > ?1 ORDER BY a.seq LIMIT ?2",
    [C_TODO_COUNT_STORY] = "SELECT count(*)" IN_STORY NOT_DONE,
    [C_TODO_STORY] = "SELECT a.seq, a.text, a.title" IN_STORY NOT_DONE " AND a.seq > ?1 ORDER BY a.seq LIMIT ?2",
    [C_EACH] = EACH ORDER,
    [C_EACH_STORY] = EACH " WHERE m.story = ?1" ORDER,
    [C_MENTIONS] = "SELECT entity, type, spans FROM mentions WHERE article = ?1",
    [C_DEMONYM] = "SELECT target FROM entity_links WHERE entity = ?1 AND kind = 'demonym of'",
    /* the earliest article with the same clean text, analysed already (the
     * same hash is the same matching form: the text itself may differ, in
     * its quotation marks say, and claims hold offsets into it) */
    [C_ORIGINAL] = "SELECT o.seq FROM articles a JOIN articles o ON o.hash = a.hash AND o.seq < a.seq"
                   " JOIN claims_done d ON d.article = o.seq WHERE a.seq = ?1 AND o.text = a.text"
                   " ORDER BY o.seq LIMIT 1",
    /* meta 'claims_upto': every article up to it is analysed (a new
     * article's seq is higher: seqs are never given twice, meta
     * seq_high).  It holds while that article's claims_done row does: a
     * new tagger takes every row (store_claims_clear), and a removal of
     * that article its own, after which one scan from the first finds
     * where to go on from. */
    [C_UPTO] = "SELECT d.article FROM meta m JOIN claims_done d ON d.article = CAST(m.value AS INTEGER)"
               " WHERE m.key = 'claims_upto'",
    /* its text's claims (not its title's: spans in capitals), numbered on
     * from ?3 */
    [C_COPY] = "INSERT INTO claims(article, n, speaker, entity, source, cue, stance, negated, direct,"
               " content, spans, vals)"
               " SELECT ?2, ?3 + row_number() OVER (ORDER BY n) - 1, speaker, entity, source, cue, stance,"
               " negated, direct, content, spans, vals FROM claims"
               " WHERE article = ?1 AND NOT coalesce(spans GLOB '[SCT]*', 0)",
};

static int int_row(void *ud, sqlite3_stmt *s);

static sqlite3_stmt *q(store *st, int i, char *err, size_t errlen) {
    return store_prepared(st, &st->cst[i], sql[i], err, errlen);
}

/* Step s to the end, rows to row(); reset it.  SL_OK or SL_ESTORE. */
static sl_status rows(store *st, sqlite3_stmt *s, int (*row)(void *, sqlite3_stmt *), void *ud, char *err,
                      size_t errlen, const char *what) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (row(ud, s)) {
            rc = SQLITE_DONE;
            break;
        }
    sl_status r = rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r;
}

sl_status store_claim_put(store *st, const store_claim *c, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_PUT, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, c->article);
    sqlite3_bind_int64(s, 2, c->n);
    store_bind_text(s, 3, c->speaker);
    if (c->entity > 0) sqlite3_bind_int64(s, 4, c->entity);
    store_bind_text(s, 5, c->source);
    store_bind_text(s, 6, c->cue);
    store_bind_text(s, 7, c->stance);
    sqlite3_bind_int(s, 8, c->negated);
    sqlite3_bind_int(s, 9, c->direct);
    store_bind_text(s, 10, c->content);
    store_bind_text(s, 11, c->spans);
    store_bind_text(s, 12, c->values);
    return store_step_done(st, s, err, errlen, "storing a claim");
}

sl_status store_claims_done(store *st, int64_t article, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_DONE, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, article);
    return store_step_done(st, s, err, errlen, "marking an article analysed");
}

int64_t store_claims_original(store *st, int64_t article, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_ORIGINAL, err, errlen);
    int64_t n = 0;
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, article);
    if (rows(st, s, int_row, &n, err, errlen, "looking for an analysed original") != SL_OK) return -1;
    return n;
}

sl_status store_claims_copy(store *st, int64_t from, int64_t to, int64_t n, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_COPY, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    sqlite3_bind_int64(s, 3, n);
    return store_step_done(st, s, err, errlen, "copying an original's claims");
}

sl_status store_claims_clear(store *st, char *err, size_t errlen) {
    sqlite3_stmt *a = q(st, C_CLEAR, err, errlen), *b = a ? q(st, C_CLEAR_DONE, err, errlen) : NULL;
    if (!b) return SL_ESTORE;
    sl_status s = store_step_done(st, a, err, errlen, "forgetting claims");
    return s == SL_OK ? store_step_done(st, b, err, errlen, "forgetting claims") : s;
}

/* The row's first column as an integer, into *ud. */
static int int_row(void *ud, sqlite3_stmt *s) {
    *(int64_t *)ud = sqlite3_column_int64(s, 0);
    return 0;
}

int64_t store_claims_todo_count(store *st, int64_t story, int64_t after, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, story > 0 ? C_TODO_COUNT_STORY : after > 0 ? C_TODO_COUNT_AFTER : C_TODO_COUNT, err, errlen);
    int64_t n = 0;
    if (s && story > 0) sqlite3_bind_int64(s, 3, story);
    if (s && story <= 0 && after > 0) sqlite3_bind_int64(s, 1, after);
    if (!s || rows(st, s, int_row, &n, err, errlen, "counting articles to analyse") != SL_OK) return -1;
    return n;
}

int64_t store_claims_upto(store *st, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_UPTO, err, errlen);
    int64_t n = 0;
    if (!s || rows(st, s, int_row, &n, err, errlen, "reading how far claims are found") != SL_OK) return -1;
    return n;
}

sl_status store_claims_upto_set(store *st, int64_t seq, char *err, size_t errlen) {
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)seq);
    return store_meta_set(st, "claims_upto", v, err, errlen);
}

typedef struct todo_ctx {
    int (*cb)(void *, int64_t, const char *, size_t, const char *);
    void *ud;
} todo_ctx;

static int todo_row(void *ud, sqlite3_stmt *s) {
    todo_ctx *t = ud;
    const char *text = (const char *)sqlite3_column_text(s, 1);
    return t->cb(t->ud, sqlite3_column_int64(s, 0), text ? text : "", (size_t)sqlite3_column_bytes(s, 1),
                 store_col_text(s, 2));
}

sl_status store_claims_todo(store *st, int64_t story, int64_t after, int limit,
                            int (*cb)(void *ud, int64_t seq, const char *text, size_t len, const char *title),
                            void *ud,
                            char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, story > 0 ? C_TODO_STORY : C_TODO, err, errlen);
    if (!s) return SL_ESTORE;
    if (story > 0) sqlite3_bind_int64(s, 3, story);
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int(s, 2, limit);
    todo_ctx t = {cb, ud};
    return rows(st, s, todo_row, &t, err, errlen, "reading articles to analyse");
}

typedef struct each_ctx {
    int (*cb)(void *, const store_claim *);
    void *ud;
} each_ctx;

static int each_row(void *ud, sqlite3_stmt *s) {
    each_ctx *x = ud;
    store_claim c = {
        .id = sqlite3_column_int64(s, 0), .article = sqlite3_column_int64(s, 1),
        .n = sqlite3_column_int64(s, 2), .entity = sqlite3_column_int64(s, 3),
        .speaker = store_col_text(s, 4), .source = store_col_text(s, 5), .cue = store_col_text(s, 6),
        .stance = store_col_text(s, 7), .content = store_col_text(s, 8), .spans = store_col_text(s, 9),
        .values = store_col_text(s, 10), .negated = sqlite3_column_int(s, 11),
        .direct = sqlite3_column_int(s, 12), .article_id = store_col_text(s, 13),
        .date = store_col_text(s, 14), .outlet = store_col_text(s, 15),
        .entity_name = store_col_text(s, 16), .story = sqlite3_column_int64(s, 17),
        .copy = sqlite3_column_int(s, 18),
    };
    return x->cb(x->ud, &c);
}

sl_status store_claims_each(store *st, int64_t story, int (*cb)(void *ud, const store_claim *c), void *ud,
                            char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, story > 0 ? C_EACH_STORY : C_EACH, err, errlen);
    if (!s) return SL_ESTORE;
    if (story > 0) sqlite3_bind_int64(s, 1, story);
    each_ctx x = {cb, ud};
    return rows(st, s, each_row, &x, err, errlen, "reading claims");
}

typedef struct mention_ctx {
    int (*cb)(void *, int64_t, const char *, const char *);
    void *ud;
} mention_ctx;

static int mention_row(void *ud, sqlite3_stmt *s) {
    mention_ctx *m = ud;
    return m->cb(m->ud, sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2));
}

sl_status store_mentions_of(store *st, int64_t article,
                            int (*cb)(void *ud, int64_t entity, const char *type, const char *spans), void *ud,
                            char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_MENTIONS, err, errlen);
    if (!s) return SL_ESTORE;
    sqlite3_bind_int64(s, 1, article);
    mention_ctx m = {cb, ud};
    return rows(st, s, mention_row, &m, err, errlen, "reading mentions");
}

int64_t store_demonym_of(store *st, int64_t entity, char *err, size_t errlen) {
    sqlite3_stmt *s = q(st, C_DEMONYM, err, errlen);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, entity);
    int64_t id = 0;
    if (rows(st, s, int_row, &id, err, errlen, "reading a demonym's country") != SL_OK) return -1;
    return id;
}
