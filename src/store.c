/*
 * store.c - the corpus in one SQLite file.
 *
 * WAL journal, synchronous=NORMAL: a killed process loses at most the open
 * transaction, never a committed one, and the file stays consistent.  The
 * schema version is PRAGMA user_version; migrations[] upgrades an older
 * file step by step, each step in its own transaction.  Statements are
 * prepared once per handle.
 */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* migrations[v] takes a store from version v to v + 1. */
static const char *const migrations[] = {
    /* 0 -> 1: articles and what cleaning removed from them */
    "CREATE TABLE articles(\n"
    "  seq INTEGER PRIMARY KEY,       -- ingest order\n"
    "  id TEXT NOT NULL UNIQUE,       -- the source's id\n"
    "  hash BLOB NOT NULL,            -- XXH3-128 of the matching form\n"
    "  source TEXT, url TEXT, date TEXT, title TEXT,\n"
    "  text TEXT NOT NULL,            -- clean text, paragraphs joined by \\n\n"
    "  kinds TEXT NOT NULL,           -- per paragraph: b body, h heading, l list\n"
    "  extra TEXT,                    -- unknown input fields, a JSON object\n"
    "  origin TEXT,                   -- file and line it came from\n"
    "  notes TEXT,                    -- cleaning notes, \\n-separated\n"
    "  n_sentences INTEGER NOT NULL,\n"
    "  n_tokens INTEGER NOT NULL);\n"
    "CREATE INDEX articles_hash ON articles(hash);\n"
    "CREATE TABLE removed(\n"
    "  article INTEGER NOT NULL REFERENCES articles(seq) ON DELETE CASCADE,\n"
    "  n INTEGER NOT NULL,            -- order within the article\n"
    "  reason TEXT NOT NULL,\n"
    "  detail TEXT,\n"
    "  text TEXT NOT NULL,\n"
    "  PRIMARY KEY(article, n)) WITHOUT ROWID;\n",
};
#define N_MIGRATIONS (sizeof migrations / sizeof *migrations)

enum {
    S_FIND, S_INSERT, S_INSERT_REM, S_GET, S_GET_REM, S_LIST, N_STMT
};

static const char *const stmt_sql[N_STMT] = {
    [S_FIND] = "SELECT hash FROM articles WHERE id = ?1",
    [S_INSERT] = "INSERT INTO articles(id, hash, source, url, date, title, text, kinds,"
                 " extra, origin, notes, n_sentences, n_tokens)"
                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                 " ON CONFLICT(id) DO NOTHING",
    [S_INSERT_REM] = "INSERT INTO removed(article, n, reason, detail, text)"
                     " VALUES(?1, ?2, ?3, ?4, ?5)",
    [S_GET] = "SELECT seq, id, source, url, date, title, extra, origin, text, kinds,"
              " notes, hash, n_sentences, n_tokens FROM articles WHERE id = ?1",
    [S_GET_REM] = "SELECT reason, detail, text FROM removed WHERE article = ?1 ORDER BY n",
    [S_LIST] = "SELECT seq, id, source, url, date, title, extra, origin, length(CAST(text AS BLOB)),"
               " kinds, notes, hash, n_sentences, n_tokens FROM articles ORDER BY seq",
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[N_STMT];
    int in_tx;
    char *path;
};

static sl_status fail(store *st, char *err, size_t errlen, const char *what) {
    snprintf(err, errlen, "%s: %s", what, st && st->db ? sqlite3_errmsg(st->db) : "no database");
    return SL_ESTORE;
}

static int exec(store *st, const char *sql) {
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static int user_version(store *st, int *v) {
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static sl_status migrate(store *st, char *err, size_t errlen) {
    int v = 0;
    if (user_version(st, &v) != SQLITE_OK) return fail(st, err, errlen, "reading the schema version");
    if (v > (int)N_MIGRATIONS) {
        snprintf(err, errlen,
                 "%s: schema version %d is newer than this storyline understands (%d); "
                 "use a newer storyline", st->path, v, (int)N_MIGRATIONS);
        return SL_EVERSION;
    }
    for (; v < (int)N_MIGRATIONS; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(st, "BEGIN IMMEDIATE") != SQLITE_OK) return fail(st, err, errlen, "migrating");
        /* Another process may have migrated while we waited for the lock. */
        int now = 0;
        if (user_version(st, &now) != SQLITE_OK) goto bad;
        if (now > v) {
            exec(st, "COMMIT");
            v = now - 1;
            continue;
        }
        if (exec(st, migrations[v]) != SQLITE_OK || exec(st, pragma) != SQLITE_OK) goto bad;
        if (exec(st, "COMMIT") != SQLITE_OK) goto bad;
        continue;
    bad:;
        sl_status s = fail(st, err, errlen, "migrating the schema");
        exec(st, "ROLLBACK");
        return s;
    }
    return SL_OK;
}

sl_status store_open(const char *path, int readonly, store **out, char *err,
                     size_t errlen) {
    *out = NULL;
    store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        snprintf(err, errlen, "out of memory");
        return SL_ENOMEM;
    }
    /* Readers open read-write too (but never create) and then refuse
     * writes with query_only: a connection opened SQLITE_OPEN_READONLY does
     * not recover the WAL index after a writer was killed, and reads an
     * old snapshot.  A file we may not write is still opened read-only. */
    int flags = readonly ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK && readonly) {
        sqlite3_close(st->db);
        st->db = NULL;
        rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY, NULL);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return SL_ESTORE;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 10000);
    /* A file that is not a database fails here, on its first read. */
    int v = 0;
    if (user_version(st, &v) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a storyline store: %s", path, sqlite3_errmsg(st->db));
        store_close(st);
        return SL_ESTORE;
    }
    sl_status s = SL_OK;
    if (!readonly) {
        /* A new store gets 64 KiB pages (SQLite's largest): articles are a
         * few KB each and appended, and on a 512 MB bench the bare inserts
         * took 2.4 s with 64 KiB pages against 5.2 s with the 4 KiB
         * default (fewer overflow chains, fewer pages through the WAL).
         * It must be set before the first table exists. */
        if (v == 0) exec(st, "PRAGMA page_size = 65536");
        if (exec(st, "PRAGMA journal_mode = WAL") != SQLITE_OK ||
            exec(st, "PRAGMA synchronous = NORMAL") != SQLITE_OK)
            s = fail(st, err, errlen, path);
        else
            s = migrate(st, err, errlen);
    } else if (v == 0) {
        snprintf(err, errlen, "%s: not a storyline store (empty); ingest something first", path);
        s = SL_ESTORE;
    } else if (v > (int)N_MIGRATIONS) {
        snprintf(err, errlen, "%s: schema version %d is newer than this storyline understands (%d)",
                 path, v, (int)N_MIGRATIONS);
        s = SL_EVERSION;
    } else if (v < (int)N_MIGRATIONS) {
        snprintf(err, errlen, "%s: schema version %d is older than %d; open it once for writing to migrate",
                 path, v, (int)N_MIGRATIONS);
        s = SL_EVERSION;
    }
    if (s == SL_OK) {
        if (readonly) exec(st, "PRAGMA query_only = 1");
        exec(st, "PRAGMA foreign_keys = ON");
        exec(st, "PRAGMA cache_size = -8192"); /* 8 MiB: memory stays flat */
        for (int i = 0; i < N_STMT; i++) {
            if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &st->stmt[i], NULL) != SQLITE_OK) {
                s = fail(st, err, errlen, "preparing statements");
                break;
            }
        }
    }
    if (s != SL_OK) {
        store_close(st);
        return s;
    }
    *out = st;
    return SL_OK;
}

void store_close(store *st) {
    if (!st) return;
    if (st->in_tx) exec(st, "COMMIT");
    for (int i = 0; i < N_STMT; i++) sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

sl_status store_begin(store *st, char *err, size_t errlen) {
    if (st->in_tx) return SL_OK;
    if (exec(st, "BEGIN IMMEDIATE") != SQLITE_OK) return fail(st, err, errlen, "starting a transaction");
    st->in_tx = 1;
    return SL_OK;
}

sl_status store_commit(store *st, char *err, size_t errlen) {
    if (!st->in_tx) return SL_OK;
    if (exec(st, "COMMIT") != SQLITE_OK) return fail(st, err, errlen, "committing");
    st->in_tx = 0;
    return SL_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

int store_find(store *st, const char *id, unsigned char hash[16], char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_FIND];
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        const void *h = sqlite3_column_blob(s, 0);
        if (h && sqlite3_column_bytes(s, 0) == 16) memcpy(hash, h, 16);
        else memset(hash, 0, 16);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        fail(st, err, errlen, "looking up an id");
        found = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return found;
}

sl_status store_insert(store *st, const store_row *r, const store_removal *rem,
                       size_t n_rem, int *inserted, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_INSERT];
    bind_text(s, 1, r->id);
    sqlite3_bind_blob(s, 2, r->hash, 16, SQLITE_STATIC);
    bind_text(s, 3, r->source);
    bind_text(s, 4, r->url);
    bind_text(s, 5, r->date);
    bind_text(s, 6, r->title);
    sqlite3_bind_text(s, 7, r->text, (int)r->text_len, SQLITE_STATIC);
    bind_text(s, 8, r->kinds);
    bind_text(s, 9, r->extra);
    bind_text(s, 10, r->origin);
    bind_text(s, 11, r->notes);
    sqlite3_bind_int64(s, 12, r->n_sentences);
    sqlite3_bind_int64(s, 13, r->n_tokens);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return fail(st, err, errlen, "storing an article");
    *inserted = sqlite3_changes(st->db) > 0;
    if (!*inserted) return SL_OK; /* the id is taken: the caller looks */
    sqlite3_int64 seq = sqlite3_last_insert_rowid(st->db);
    s = st->stmt[S_INSERT_REM];
    for (size_t i = 0; i < n_rem; i++) {
        sqlite3_bind_int64(s, 1, seq);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, rem[i].reason);
        bind_text(s, 4, rem[i].detail);
        sqlite3_bind_text(s, 5, rem[i].text, (int)rem[i].text_len, SQLITE_STATIC);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (rc != SQLITE_DONE) return fail(st, err, errlen, "storing what cleaning removed");
    }
    return SL_OK;
}

static const char *col_text(sqlite3_stmt *s, int i) {
    return (const char *)sqlite3_column_text(s, i);
}

/* Fill a row from a S_GET or S_LIST result. */
static void read_row(sqlite3_stmt *s, store_row *r, int with_text) {
    r->id = col_text(s, 1);
    r->source = col_text(s, 2);
    r->url = col_text(s, 3);
    r->date = col_text(s, 4);
    r->title = col_text(s, 5);
    r->extra = col_text(s, 6);
    r->origin = col_text(s, 7);
    if (with_text) {
        r->text = col_text(s, 8);
        r->text_len = (size_t)sqlite3_column_bytes(s, 8);
    } else {
        r->text = NULL;
        r->text_len = (size_t)sqlite3_column_int64(s, 8);
    }
    r->kinds = col_text(s, 9);
    r->notes = col_text(s, 10);
    r->hash = sqlite3_column_bytes(s, 11) == 16 ? sqlite3_column_blob(s, 11) : NULL;
    r->n_sentences = sqlite3_column_int64(s, 12);
    r->n_tokens = sqlite3_column_int64(s, 13);
}

sl_status store_get(store *st, const char *id, store_row_cb on_row,
                    store_removal_cb on_removal, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_GET];
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sl_status out = SL_OK;
    sqlite3_int64 seq = 0;
    if (rc == SQLITE_ROW) {
        store_row r;
        read_row(s, &r, 1);
        seq = sqlite3_column_int64(s, 0);
        if (on_row(ud, &r)) out = SL_ENOMEM;
    } else if (rc == SQLITE_DONE) {
        snprintf(err, errlen, "no article with id '%s'", id);
        out = SL_ENOTFOUND;
    } else {
        out = fail(st, err, errlen, "reading an article");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (out != SL_OK) return out;
    s = st->stmt[S_GET_REM];
    sqlite3_bind_int64(s, 1, seq);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_removal m = {col_text(s, 0), col_text(s, 1), col_text(s, 2),
                           (size_t)sqlite3_column_bytes(s, 2)};
        if (on_removal(ud, &m)) {
            out = SL_ENOMEM;
            break;
        }
    }
    if (out == SL_OK && rc != SQLITE_DONE) out = fail(st, err, errlen, "reading removals");
    sqlite3_reset(s);
    return out;
}

sl_status store_list(store *st, store_row_cb on_row, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_LIST];
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_row r;
        read_row(s, &r, 0);
        if (on_row(ud, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sl_status out = rc == SQLITE_DONE ? SL_OK : fail(st, err, errlen, "listing articles");
    sqlite3_reset(s);
    return out;
}

static int64_t one_int(store *st, const char *sql, int *ok) {
    sqlite3_stmt *s;
    int64_t v = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        *ok = 0;
        return 0;
    }
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    else *ok = 0;
    sqlite3_finalize(s);
    return v;
}

sl_status store_stats(store *st, sl_stats *o, char *err, size_t errlen) {
    int ok = 1;
    memset(o, 0, sizeof *o);
    o->articles = (uint64_t)one_int(st, "SELECT count(*) FROM articles", &ok);
    o->sources = (uint64_t)one_int(st, "SELECT count(DISTINCT source) FROM articles", &ok);
    o->text_bytes = (uint64_t)one_int(st, "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM articles", &ok);
    o->paragraphs = (uint64_t)one_int(st, "SELECT coalesce(sum(length(kinds)), 0) FROM articles", &ok);
    o->sentences = (uint64_t)one_int(st, "SELECT coalesce(sum(n_sentences), 0) FROM articles", &ok);
    o->tokens = (uint64_t)one_int(st, "SELECT coalesce(sum(n_tokens), 0) FROM articles", &ok);
    o->removed = (uint64_t)one_int(st, "SELECT count(*) FROM removed", &ok);
    o->distinct_texts = (uint64_t)one_int(st, "SELECT count(DISTINCT hash) FROM articles", &ok);
    o->db_bytes = (uint64_t)(one_int(st, "PRAGMA page_count", &ok) *
                             one_int(st, "PRAGMA page_size", &ok));
    o->schema_version = (int)one_int(st, "PRAGMA user_version", &ok);
    return ok ? SL_OK : fail(st, err, errlen, "computing statistics");
}

sl_status store_removed_counts(store *st, sl_count_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT reason, count(*) AS c FROM removed GROUP BY reason"
                           " ORDER BY c DESC, reason",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(st, err, errlen, "counting removals");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, col_text(s, 0), (uint64_t)sqlite3_column_int64(s, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SL_OK : fail(st, err, errlen, "counting removals");
}
