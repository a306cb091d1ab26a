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
#include "store_int.h"

#include <pthread.h>
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
    /* 1 -> 2: duplicate detection.  The fingerprints themselves are not
     * stored: a candidate is verified by fingerprinting its stored text
     * again, which keeps the index to its postings. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE postings(\n"
    "  key INTEGER NOT NULL,          -- 32 bits of an LSH band key or a paragraph hash\n"
    "  article INTEGER NOT NULL,      -- articles.seq\n"
    "  PRIMARY KEY(key, article)) WITHOUT ROWID;\n"
    "CREATE TABLE dups(\n"
    "  a INTEGER NOT NULL,            -- the later article (seq)\n"
    "  b INTEGER NOT NULL,            -- the earlier one\n"
    "  kind INTEGER NOT NULL,         -- 1 exact, 2 near, 3 partial\n"
    "  similarity REAL NOT NULL,      -- word 5-shingle Jaccard\n"
    "  containment REAL NOT NULL,     -- of the smaller shingle set in the larger\n"
    "  paragraphs INTEGER NOT NULL,   -- shared whole paragraphs\n"
    "  words INTEGER NOT NULL,        -- their words\n"
    "  shared TEXT,                   -- 'i:j,...' paragraph numbers in a and b\n"
    "  PRIMARY KEY(a, b)) WITHOUT ROWID;\n"
    "CREATE INDEX dups_b ON dups(b);\n",
    /* 2 -> 3: postings in two tiers (see dupindex.c): the recent
     * articles' keys, one row per article, appended cheaply; and the rest
     * merged into buckets of varint-coded postings (postings.h), 4 bytes a
     * posting where a row each cost 14.  The old index is dropped and
     * rebuilt on the next open for writing (or by 'storyline reindex'). */
    "DROP TABLE postings;\n"
    "CREATE TABLE postings(\n"
    "  bucket INTEGER PRIMARY KEY,    -- high 16 bits of the keys\n"
    "  data BLOB NOT NULL);           -- (low 16 bits, article) varint-coded\n"
    "CREATE TABLE recent(\n"
    "  article INTEGER PRIMARY KEY,   -- articles.seq, posted since the last merge\n"
    "  keys BLOB NOT NULL);           -- its 32-bit keys, little-endian\n"
    "DELETE FROM dups;\n"
    "DELETE FROM meta WHERE key = 'fingerprint';\n",
    /* 2 -> 3: stories (store_stories.c).  Stores from before have none;
     * 'storyline recluster' makes them. */
    "CREATE TABLE story_terms(\n"
    "  article INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,\n"
    "  terms BLOB NOT NULL);          -- (key u32, title u16, body u16) little-endian\n"
    "CREATE TABLE stories(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  first_seen TEXT, last_update TEXT, -- dates of its earliest and latest article\n"
    "  last_day INTEGER,              -- last_update as days since 1970, for the clusterer\n"
    "  articles INTEGER NOT NULL,     -- independent reports\n"
    "  copies INTEGER NOT NULL,       -- exact and near copies folded into them\n"
    "  open INTEGER NOT NULL);        -- 1 while it can take new articles\n"
    "CREATE INDEX stories_open ON stories(open) WHERE open = 1;\n"
    "CREATE TABLE story_members(\n"
    "  article INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,\n"
    "  story INTEGER NOT NULL,\n"
    "  copy_of INTEGER,               -- the article it copies (its story's), or NULL\n"
    "  similarity REAL NOT NULL,      -- to the story when it joined\n"
    "  day INTEGER NOT NULL);         -- placed by: its date as days since 1970,\n"
    "                                 -- or the date before it in ingest order\n"
    "CREATE INDEX story_members_story ON story_members(story, article);\n"
    "CREATE TABLE story_alias(\n"
    "  alias INTEGER PRIMARY KEY,     -- a story merged into another\n"
    "  story INTEGER NOT NULL);\n"
    "CREATE TABLE story_df(\n"
    "  part INTEGER PRIMARY KEY,      -- 0: the one part so far\n"
    "  data BLOB NOT NULL);           -- (term key u32, articles with it u32) little-endian\n",
    /* 4 -> 5: an article's rows in other tables go with it by a trigger.
     * The REFERENCES above still say what points where, but they are not
     * enforced (foreign_keys stays off): enforcing them made every row
     * put beside an article look up the article's own row, a random read
     * of a 64 KiB page of text, 40,000 of them in a recluster of 100,000
     * articles. */
    "CREATE TRIGGER articles_gone AFTER DELETE ON articles BEGIN\n"
    "  DELETE FROM removed WHERE article = old.seq;\n"
    "  DELETE FROM story_terms WHERE article = old.seq;\n"
    "  DELETE FROM story_members WHERE article = old.seq;\n"
    "END;\n",
    /* 5 -> 6: named entities (store_entities.c): one row an entity, one a
     * mention; the trigger takes an article's mentions with it too */
    "CREATE TABLE entities(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key TEXT NOT NULL UNIQUE,      -- the folded name (src/canon.h)\n"
    "  name TEXT NOT NULL,            -- as shown\n"
    "  type TEXT NOT NULL,            -- PER, ORG, LOC or MISC\n"
    "  surname TEXT);                 -- a person's last word, for its short mentions\n"
    "CREATE INDEX entities_surname ON entities(surname) WHERE surname IS NOT NULL;\n"
    "CREATE TABLE mentions(           -- an article's mentions of an entity in one spelling\n"
    "  article INTEGER NOT NULL REFERENCES articles(seq),\n"
    "  entity INTEGER NOT NULL REFERENCES entities(id),\n"
    "  text TEXT NOT NULL,            -- the spelling\n"
    "  type TEXT NOT NULL,            -- the tagger's, for the first of them\n"
    "  n INTEGER NOT NULL,            -- how many\n"
    "  spans TEXT NOT NULL,           -- 'start-end ...': bytes into the clean text\n"
    "  PRIMARY KEY(article, entity, text)) WITHOUT ROWID;\n"
    "CREATE INDEX mentions_entity ON mentions(entity, article);\n"
    "CREATE TABLE entity_links(\n"
    "  entity INTEGER NOT NULL,       -- a demonym (Chinese) ...\n"
    "  kind TEXT NOT NULL,            -- 'demonym of'\n"
    "  target INTEGER NOT NULL,       -- ... and its country (China)\n"
    "  PRIMARY KEY(entity, kind)) WITHOUT ROWID;\n"
    "DROP TRIGGER articles_gone;\n"
    "CREATE TRIGGER articles_gone AFTER DELETE ON articles BEGIN\n"
    "  DELETE FROM removed WHERE article = old.seq;\n"
    "  DELETE FROM story_terms WHERE article = old.seq;\n"
    "  DELETE FROM story_members WHERE article = old.seq;\n"
    "  DELETE FROM mentions WHERE article = old.seq;\n"
    "END;\n",
    /* 6 -> 7: claims (store_claims.c): who said what in an article, found
     * when first asked for (the tagger costs about a millisecond an
     * article, too much for every ingest); claims_done marks the articles
     * analysed, those with no claim too */
    "CREATE TABLE claims(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article INTEGER NOT NULL,      -- articles.seq\n"
    "  n INTEGER NOT NULL,            -- order in the article\n"
    "  speaker TEXT,                  -- the name the source stands for, or NULL\n"
    "  entity INTEGER,                -- its canonical entity (entities.id), or NULL\n"
    "  source TEXT,                   -- the source as written, or NULL\n"
    "  cue TEXT NOT NULL,\n"
    "  stance TEXT NOT NULL,          -- assert, deny, urge, ... (data/cues.txt)\n"
    "  negated INTEGER NOT NULL,      -- a negation before or in the cue\n"
    "  direct INTEGER NOT NULL,       -- the content is a quotation\n"
    "  content TEXT NOT NULL,         -- its spans' words, ' ... ' between them\n"
    "  spans TEXT NOT NULL,           -- 's|c|t start-end ...': bytes into the clean text,\n"
    "                                 -- 'S|C|T start-end ...' into the title\n"
    "  vals TEXT);                    -- the numbers in the content, '\\n' between them\n"
    "CREATE INDEX claims_article ON claims(article);\n"
    "CREATE INDEX claims_entity ON claims(entity) WHERE entity IS NOT NULL;\n"
    "CREATE TABLE claims_done(article INTEGER PRIMARY KEY);\n"
    "DROP TRIGGER articles_gone;\n"
    "CREATE TRIGGER articles_gone AFTER DELETE ON articles BEGIN\n"
    "  DELETE FROM removed WHERE article = old.seq;\n"
    "  DELETE FROM story_terms WHERE article = old.seq;\n"
    "  DELETE FROM story_members WHERE article = old.seq;\n"
    "  DELETE FROM mentions WHERE article = old.seq;\n"
    "  DELETE FROM claims WHERE article = old.seq;\n"
    "  DELETE FROM claims_done WHERE article = old.seq;\n"
    "END;\n",
    /* 7 -> 8: full-text search (store_search.c): an FTS5 index of the
     * titles and clean texts, its content the articles table's own (no
     * second copy of the text), kept in step by triggers in the same
     * transaction as each insert and removal; built once here for the
     * articles already stored */
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq',\n"
    "  tokenize='unicode61 remove_diacritics 2');\n"
    "INSERT INTO articles_fts(articles_fts) VALUES('rebuild');\n"
    "CREATE TRIGGER articles_fts_in AFTER INSERT ON articles BEGIN\n"
    "  INSERT INTO articles_fts(rowid, title, text) VALUES(new.seq, new.title, new.text);\n"
    "END;\n"
    "CREATE TRIGGER articles_fts_out AFTER DELETE ON articles BEGIN\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES('delete', old.seq, old.title, old.text);\n"
    "END;\n",
    /* 8 -> 9: bulk loading (ingest --no-index) skips the full-text index
     * too, which about doubles its speed; meta 'search_stale' says so, and
     * 'storyline reindex' rebuilds the index and removes it.  (An article
     * never indexed must not be 'delete'd from an external-content index:
     * both triggers wait while the index is stale.) */
    "DROP TRIGGER articles_fts_in;\n"
    "DROP TRIGGER articles_fts_out;\n"
    "CREATE TRIGGER articles_fts_in AFTER INSERT ON articles\n"
    "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_stale') BEGIN\n"
    "  INSERT INTO articles_fts(rowid, title, text) VALUES(new.seq, new.title, new.text);\n"
    "END;\n"
    "CREATE TRIGGER articles_fts_out AFTER DELETE ON articles\n"
    "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_stale') BEGIN\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES('delete', old.seq, old.title, old.text);\n"
    "END;\n",
    /* 9 -> 10: new articles are indexed at commit, in one statement
     * (store_search_sync), not by a trigger on each insert.  FTS5 writes
     * out what it holds in memory at the start of every statement that
     * writes it, so a trigger made one small segment per article and
     * SQLite copied every page each one touched into a statement journal
     * first: 1,000 articles in batches of 100 wrote 280 MB of journal.
     * And a text is indexed once: an exact copy of an earlier article
     * (the same hash) is indexed by its title alone, and a search finds
     * it through its original (store_search.c); wire copy made most of
     * the index and of its cost.  meta 'search_upto' is the highest seq
     * indexed; the articles up to it are indexed by that rule, and the
     * removal trigger keeps the rule: it takes out what the article was
     * indexed with and gives the next copy of an original the text.  The
     * index is made again, by that rule, when migrate() commits.
     * And a seq is never given twice: SQLite gives the next article
     * max(seq) + 1, so after the newest was removed its successor took
     * its seq, and what goes by seq (search_upto, stories_upto) took the
     * new article for one seen; meta 'seq_high' keeps the highest
     * removed, and S_INSERT numbers above it. */
    "DROP TRIGGER articles_fts_in;\n"
    "DROP TRIGGER articles_fts_out;\n"
    "INSERT INTO articles_fts(articles_fts) VALUES('delete-all');\n"
    "INSERT INTO meta(key, value) VALUES('search_upto', '0')\n"
    "  ON CONFLICT(key) DO UPDATE SET value = excluded.value;\n"
    "CREATE TRIGGER articles_fts_out AFTER DELETE ON articles\n"
    "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_stale')\n"
    "   AND old.seq <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_upto') BEGIN\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text)\n"
    "   SELECT 'delete', old.seq, old.title,\n"
    "    CASE WHEN EXISTS (SELECT 1 FROM articles o WHERE o.hash = old.hash AND o.seq < old.seq)\n"
    "     THEN '' ELSE old.text END;\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text)\n"
    "   SELECT 'delete', n.seq, n.title, '' FROM articles n\n"
    "    WHERE n.seq = (SELECT min(x.seq) FROM articles x WHERE x.hash = old.hash AND x.seq > old.seq)\n"
    "     AND n.seq <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_upto')\n"
    "     AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.hash = old.hash AND o.seq < old.seq);\n"
    "  INSERT INTO articles_fts(rowid, title, text)\n"
    "   SELECT n.seq, n.title, n.text FROM articles n\n"
    "    WHERE n.seq = (SELECT min(x.seq) FROM articles x WHERE x.hash = old.hash AND x.seq > old.seq)\n"
    "     AND n.seq <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_upto')\n"
    "     AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.hash = old.hash AND o.seq < old.seq);\n"
    "END;\n"
    "CREATE TRIGGER articles_seq_high AFTER DELETE ON articles BEGIN\n"
    "  INSERT INTO meta(key, value) VALUES('seq_high', old.seq)\n"
    "   ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));\n"
    "END;\n",
};
#define N_MIGRATIONS (sizeof migrations / sizeof *migrations)

enum {
    S_FIND, S_INSERT, S_INSERT_REM, S_GET, S_GET_REM, S_LIST,
    S_BUCKET_GET, S_BUCKET_PUT, S_BUCKET_DEL, S_RECENT_PUT, S_RECENT_DEL, S_RECENT_ALL,
    S_MAX_SEQ, S_DATA_VERSION, S_BY_HASH, S_TEXT, S_DUP_ADD, S_DUPS_OF, S_DUPS_ALL,
    S_SEQ, S_DEL, S_DUPS_DEL, S_META_GET, S_META_SET, S_SET_HASH, S_RELATED, S_TITLE, N_STMT
};
_Static_assert(N_STMT == STORE_N_STMT, "store_int.h: STORE_N_STMT");

/* Writes are upserts, never INSERT OR REPLACE: a REPLACE may delete
 * rows, so SQLite copies each page the statement touches into a statement
 * journal first, 64 KiB a page here (store_stories.c measured it). */
static const char *const stmt_sql[N_STMT] = {
    [S_FIND] = "SELECT hash FROM articles WHERE id = ?1",
    [S_INSERT] = "INSERT INTO articles(seq, id, hash, source, url, date, title, text, kinds,"
                 " extra, origin, notes, n_sentences, n_tokens)"
                 " VALUES(max(coalesce((SELECT max(seq) FROM articles), 0),"
                 "  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq_high'), 0)) + 1,"
                 "  ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                 " ON CONFLICT(id) DO NOTHING",
    [S_INSERT_REM] = "INSERT INTO removed(article, n, reason, detail, text)"
                     " VALUES(?1, ?2, ?3, ?4, ?5)",
    [S_GET] = "SELECT seq, id, source, url, date, title, extra, origin, text, kinds,"
              " notes, hash, n_sentences, n_tokens FROM articles WHERE id = ?1",
    [S_GET_REM] = "SELECT reason, detail, text FROM removed WHERE article = ?1 ORDER BY n",
    [S_BUCKET_GET] = "SELECT data FROM postings WHERE bucket = ?1",
    [S_BUCKET_PUT] = "INSERT INTO postings(bucket, data) VALUES(?1, ?2)"
                      " ON CONFLICT(bucket) DO UPDATE SET data = excluded.data",
    [S_BUCKET_DEL] = "DELETE FROM postings WHERE bucket = ?1",
    [S_RECENT_PUT] = "INSERT INTO recent(article, keys) VALUES(?1, ?2)"
                      " ON CONFLICT(article) DO UPDATE SET keys = excluded.keys",
    [S_RECENT_DEL] = "DELETE FROM recent WHERE article = ?1",
    [S_RECENT_ALL] = "SELECT article, keys FROM recent ORDER BY article",
    [S_MAX_SEQ] = "SELECT max(seq) FROM articles",
    [S_DATA_VERSION] = "PRAGMA data_version",
    [S_BY_HASH] = "SELECT seq FROM articles WHERE hash = ?1",
    [S_TEXT] = "SELECT id, text, kinds, date, hash FROM articles WHERE seq = ?1",
    [S_TITLE] = "SELECT title FROM articles WHERE seq = ?1",
    [S_DUP_ADD] = "INSERT INTO dups(a, b, kind, similarity, containment, paragraphs,"
                  " words, shared) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                  " ON CONFLICT(a, b) DO UPDATE SET kind = excluded.kind,"
                  " similarity = excluded.similarity, containment = excluded.containment,"
                  " paragraphs = excluded.paragraphs, words = excluded.words, shared = excluded.shared",
    [S_DUPS_OF] = "SELECT x.id, d.kind, d.similarity, d.containment, d.paragraphs, d.words, d.shared"
                  " FROM dups d JOIN articles x ON x.seq = d.b WHERE d.a = ?1"
                  " UNION ALL"
                  " SELECT x.id, d.kind, d.similarity, d.containment, d.paragraphs, d.words, d.shared"
                  " FROM dups d JOIN articles x ON x.seq = d.a WHERE d.b = ?1",
    [S_DUPS_ALL] = "SELECT d.a, d.b, x.id, y.id, d.kind, d.similarity, d.containment, d.paragraphs,"
                   " d.words, d.shared, x.date, y.date, length(CAST(x.text AS BLOB)),"
                   " length(CAST(y.text AS BLOB))"
                   " FROM dups d JOIN articles x ON x.seq = d.a JOIN articles y ON y.seq = d.b"
                   " ORDER BY d.b, d.a",
    [S_SEQ] = "SELECT seq FROM articles WHERE id = ?1",
    [S_DEL] = "DELETE FROM articles WHERE seq = ?1",
    [S_DUPS_DEL] = "DELETE FROM dups WHERE a = ?1 OR b = ?1",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [S_SET_HASH] = "UPDATE articles SET hash = ?2 WHERE seq = ?1",
    [S_RELATED] = "SELECT a FROM dups WHERE b = ?1 UNION SELECT b FROM dups WHERE a = ?1 ORDER BY 1",
    [S_LIST] = "SELECT seq, id, source, url, date, title, extra, origin, length(CAST(text AS BLOB)),"
               " kinds, notes, hash, n_sentences, n_tokens FROM articles ORDER BY seq",
};

sl_status store_fail(store *st, char *err, size_t errlen, const char *what) {
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
    if (user_version(st, &v) != SQLITE_OK) return store_fail(st, err, errlen, "reading the schema version");
    if (v > (int)N_MIGRATIONS) {
        snprintf(err, errlen,
                 "%s: schema version %d is newer than this storyline understands (%d); "
                 "use a newer storyline", st->path, v, (int)N_MIGRATIONS);
        return SL_EVERSION;
    }
    if (v == (int)N_MIGRATIONS) return SL_OK;
    /* All steps in one transaction: a process killed while migrating
     * leaves the store as it was, never half-way (a reader refuses an
     * older version). */
    if (exec(st, "BEGIN IMMEDIATE") != SQLITE_OK) return store_fail(st, err, errlen, "migrating");
    /* Another process may have migrated while we waited for the lock. */
    if (user_version(st, &v) != SQLITE_OK) goto bad;
    for (; v < (int)N_MIGRATIONS; v++)
        if (exec(st, migrations[v]) != SQLITE_OK) goto bad;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", (int)N_MIGRATIONS);
    if (exec(st, pragma) != SQLITE_OK) goto bad;
    sl_status ss = store_search_sync(st, err, errlen); /* the articles before: indexed */
    if (ss != SL_OK) {
        exec(st, "ROLLBACK");
        return ss;
    }
    if (exec(st, "COMMIT") != SQLITE_OK) goto bad;
    return SL_OK;
bad:;
    sl_status s = store_fail(st, err, errlen, "migrating the schema");
    exec(st, "ROLLBACK");
    return s;
}

/* SQLite's memory statistics (on by default) take one mutex of the whole
 * process on every malloc and free: the server's two read threads spent
 * a fifth of a search waiting for each other on it.  We never read them.
 * In a program that has set SQLite up already this is refused
 * (SQLITE_MISUSE) and changes nothing. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

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
    /* An engine is used by one thread at a time (storyline.h), so its
     * connection needs no mutex of its own: under load the server's
     * searches spent 6 % of their time taking and giving them. */
    pthread_once(&sqlite_once, sqlite_setup);
    int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK && readonly) {
        sqlite3_close(st->db);
        st->db = NULL;
        rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
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
            s = store_fail(st, err, errlen, path);
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
        /* Every connection maps the file (SQLite caps the map at 2 GiB
         * here): a page read is then a look into the kernel's cache, not a
         * read() that copies it.  A search walks many pages of the
         * full-text index (the copies were 7 % of a loaded server's time),
         * and an ingest reads each candidate copy's text back, at random
         * in a store that outgrows the page cache: 200,000 articles of the
         * scale corpus ingested with --dups-only in 28.8 s mapped against
         * 38.6 s, kernel time 12.2 -> 4.1 s.  Writes still go through the
         * WAL.  The pages mapped count in the process's RSS but are the
         * kernel's cache, shared and reclaimable (bench/rss.c reports
         * anonymous memory apart). */
        if (readonly) exec(st, "PRAGMA query_only = 1");
        exec(st, "PRAGMA mmap_size = 4294967296");
        /* The page cache is bounded, so memory stays flat however large
         * the store.  A writer gets more: its indexes keyed by hash and by
         * id take inserts at random places, and once their pages no longer
         * fit the cache every insert reads a page back and spills a dirty
         * one.  A million articles of the scale corpus ingested with
         * --dups-only (batches of 20,000) took 120 s and wrote 37.9 GB
         * through a 32 MiB cache, 97 s and 10.4 GB through 64 MiB, and
         * 99 s through 128 MiB. */
        exec(st, readonly ? "PRAGMA cache_size = -32768" : "PRAGMA cache_size = -65536");
        for (int i = 0; i < N_STMT; i++) {
            if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &st->stmt[i], NULL) != SQLITE_OK) {
                s = store_fail(st, err, errlen, "preparing statements");
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
    if (st->in_tx) {
        char err[256];
        if (store_commit(st, err, sizeof err) != SL_OK) store_rollback(st);
    }
    for (int i = 0; i < N_STMT; i++) sqlite3_finalize(st->stmt[i]);
    for (int i = 0; i < STORE_MAX_STMT; i++) sqlite3_finalize(st->sst[i]);
    for (int i = 0; i < STORE_ENT_STMT; i++) sqlite3_finalize(st->est[i]);
    for (int i = 0; i < STORE_CLM_STMT; i++) sqlite3_finalize(st->cst[i]);
    store_search_map_free(st);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

sl_status store_begin(store *st, char *err, size_t errlen) {
    if (st->in_tx) return SL_OK;
    if (exec(st, "BEGIN IMMEDIATE") != SQLITE_OK) return store_fail(st, err, errlen, "starting a transaction");
    st->in_tx = 1;
    return SL_OK;
}

sl_status store_commit(store *st, char *err, size_t errlen) {
    if (!st->in_tx) return SL_OK;
    sl_status s = store_search_sync(st, err, errlen);
    if (s != SL_OK) return s;
    if (exec(st, "COMMIT") != SQLITE_OK) return store_fail(st, err, errlen, "committing");
    st->in_tx = 0;
    return SL_OK;
}

sl_status store_exec(store *st, const char *sql, const char *what, char *err, size_t errlen) {
    return exec(st, sql) == SQLITE_OK ? SL_OK : store_fail(st, err, errlen, what);
}

sqlite3_stmt *store_prepared(store *st, sqlite3_stmt **slot, const char *sql, char *err, size_t errlen) {
    if (!*slot && sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        store_fail(st, err, errlen, "preparing a statement");
        return NULL;
    }
    return *slot;
}

void store_rollback(store *st) {
    if (st->in_tx) exec(st, "ROLLBACK");
    st->in_tx = 0;
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v) {
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
        store_fail(st, err, errlen, "looking up an id");
        found = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return found;
}

sl_status store_insert(store *st, const store_row *r, const store_removal *rem,
                       size_t n_rem, int *inserted, int64_t *seq_out, char *err,
                       size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_INSERT];
    store_bind_text(s, 1, r->id);
    sqlite3_bind_blob(s, 2, r->hash, 16, SQLITE_STATIC);
    store_bind_text(s, 3, r->source);
    store_bind_text(s, 4, r->url);
    store_bind_text(s, 5, r->date);
    store_bind_text(s, 6, r->title);
    sqlite3_bind_text(s, 7, r->text, (int)r->text_len, SQLITE_STATIC);
    store_bind_text(s, 8, r->kinds);
    store_bind_text(s, 9, r->extra);
    store_bind_text(s, 10, r->origin);
    store_bind_text(s, 11, r->notes);
    sqlite3_bind_int64(s, 12, r->n_sentences);
    sqlite3_bind_int64(s, 13, r->n_tokens);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return store_fail(st, err, errlen, "storing an article");
    *inserted = sqlite3_changes(st->db) > 0;
    if (!*inserted) return SL_OK; /* the id is taken: the caller looks */
    sqlite3_int64 seq = sqlite3_last_insert_rowid(st->db);
    *seq_out = seq;
    s = st->stmt[S_INSERT_REM];
    for (size_t i = 0; i < n_rem; i++) {
        sqlite3_bind_int64(s, 1, seq);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        store_bind_text(s, 3, rem[i].reason);
        store_bind_text(s, 4, rem[i].detail);
        sqlite3_bind_text(s, 5, rem[i].text, (int)rem[i].text_len, SQLITE_STATIC);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (rc != SQLITE_DONE) return store_fail(st, err, errlen, "storing what cleaning removed");
    }
    return SL_OK;
}

const char *store_col_text(sqlite3_stmt *s, int i) {
    return (const char *)sqlite3_column_text(s, i);
}

/* Fill a row from a S_GET or S_LIST result. */
static void read_row(sqlite3_stmt *s, store_row *r, int with_text) {
    r->id = store_col_text(s, 1);
    r->source = store_col_text(s, 2);
    r->url = store_col_text(s, 3);
    r->date = store_col_text(s, 4);
    r->title = store_col_text(s, 5);
    r->extra = store_col_text(s, 6);
    r->origin = store_col_text(s, 7);
    if (with_text) {
        r->text = store_col_text(s, 8);
        r->text_len = (size_t)sqlite3_column_bytes(s, 8);
    } else {
        r->text = NULL;
        r->text_len = (size_t)sqlite3_column_int64(s, 8);
    }
    r->kinds = store_col_text(s, 9);
    r->notes = store_col_text(s, 10);
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
        out = store_fail(st, err, errlen, "reading an article");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (out != SL_OK) return out;
    s = st->stmt[S_GET_REM];
    sqlite3_bind_int64(s, 1, seq);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_removal m = {store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                           (size_t)sqlite3_column_bytes(s, 2)};
        if (on_removal(ud, &m)) {
            out = SL_ENOMEM;
            break;
        }
    }
    if (out == SL_OK && rc != SQLITE_DONE) out = store_fail(st, err, errlen, "reading removals");
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
    sl_status out = rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "listing articles");
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
    return ok ? SL_OK : store_fail(st, err, errlen, "computing statistics");
}

sl_status store_removed_counts(store *st, sl_count_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT reason, count(*) AS c FROM removed GROUP BY reason"
                           " ORDER BY c DESC, reason",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "counting removals");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, store_col_text(s, 0), (uint64_t)sqlite3_column_int64(s, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "counting removals");
}

/* ---- duplicate index --------------------------------------------------- */

sl_status store_step_done(store *st, sqlite3_stmt *s, char *err, size_t errlen, const char *what) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, what);
}

int store_meta_get(store *st, const char *key, char *out, size_t n, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_META_GET];
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        snprintf(out, n, "%s", store_col_text(s, 0) ? store_col_text(s, 0) : "");
        found = 1;
    } else if (rc != SQLITE_DONE) {
        store_fail(st, err, errlen, "reading the store's settings");
        found = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return found;
}

sl_status store_meta_set(store *st, const char *key, const char *value, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_META_SET];
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    return store_step_done(st, s, err, errlen, "writing the store's settings");
}

sl_status store_title(store *st, int64_t seq, char **out, char *err, size_t errlen) {
    *out = NULL;
    sqlite3_stmt *s = st->stmt[S_TITLE];
    sqlite3_bind_int64(s, 1, seq);
    int rc = sqlite3_step(s);
    sl_status r = SL_OK;
    const char *t = rc == SQLITE_ROW ? store_col_text(s, 0) : NULL;
    if (t && !(*out = strdup(t))) r = SL_ENOMEM;
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = store_fail(st, err, errlen, "reading a title");
    sqlite3_reset(s);
    return r;
}

sl_status store_meta_del(store *st, const char *key, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "DELETE FROM meta WHERE key = ?1", -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "writing the store's settings");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sl_status r = store_step_done(st, s, err, errlen, "writing the store's settings");
    sqlite3_finalize(s);
    return r;
}

sl_status store_bucket_get(store *st, uint32_t bucket, buf *out, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_BUCKET_GET];
    sqlite3_bind_int64(s, 1, bucket);
    buf_reset(out);
    int rc = sqlite3_step(s);
    sl_status r = SL_OK;
    if (rc == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(s, 0);
        int n = sqlite3_column_bytes(s, 0);
        if (n > 0 && buf_put(out, p, (size_t)n)) r = SL_ENOMEM;
    } else if (rc != SQLITE_DONE) {
        r = store_fail(st, err, errlen, "reading the duplicate index");
    }
    sqlite3_reset(s);
    if (r == SL_ENOMEM) snprintf(err, errlen, "out of memory");
    return r;
}

sl_status store_bucket_put(store *st, uint32_t bucket, const void *data, size_t n, char *err,
                           size_t errlen) {
    sqlite3_stmt *s = st->stmt[n ? S_BUCKET_PUT : S_BUCKET_DEL];
    sqlite3_bind_int64(s, 1, bucket);
    if (n) sqlite3_bind_blob(s, 2, data, (int)n, SQLITE_STATIC);
    return store_step_done(st, s, err, errlen, "writing the duplicate index");
}

sl_status store_recent_put(store *st, int64_t seq, const uint32_t *keys, size_t n, char *err,
                           size_t errlen) {
    unsigned char small[256], *b = small;
    if (n * 4 > sizeof small && !(b = malloc(n * 4))) {
        snprintf(err, errlen, "out of memory");
        return SL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        le_put(b + 4 * i, keys[i], 4);
    sqlite3_stmt *s = st->stmt[S_RECENT_PUT];
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_blob(s, 2, b, (int)(n * 4), SQLITE_STATIC);
    sl_status r = store_step_done(st, s, err, errlen, "writing the duplicate index");
    if (b != small) free(b);
    return r;
}

sl_status store_recent_del(store *st, int64_t seq, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_RECENT_DEL];
    sqlite3_bind_int64(s, 1, seq);
    return store_step_done(st, s, err, errlen, "writing the duplicate index");
}

sl_status store_recent_clear(store *st, char *err, size_t errlen) {
    if (exec(st, "DELETE FROM recent") != SQLITE_OK) return store_fail(st, err, errlen, "writing the duplicate index");
    return SL_OK;
}

sl_status store_recent_all(store *st, store_keys_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_RECENT_ALL];
    uint32_t *keys = NULL;
    size_t cap = 0;
    int rc;
    sl_status r = SL_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1) / 4;
        if (array_grow((void **)&keys, &cap, n + 1, sizeof *keys)) {
            r = SL_ENOMEM;
            break;
        }
        for (size_t i = 0; i < n; i++)
            keys[i] = le_get(b + 4 * i, 4);
        if (cb(ud, sqlite3_column_int64(s, 0), keys, n)) {
            r = SL_ENOMEM;
            break;
        }
    }
    if (r == SL_OK && rc != SQLITE_DONE) r = store_fail(st, err, errlen, "reading the duplicate index");
    if (r == SL_ENOMEM) snprintf(err, errlen, "out of memory");
    sqlite3_reset(s);
    free(keys);
    return r;
}

/* One integer from a prepared statement (one_int prepares each time:
 * these run once per article). */
static int64_t one_value(store *st, int which, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[which];
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    if (rc != SQLITE_ROW) store_fail(st, err, errlen, "reading the store");
    sqlite3_reset(s);
    return v;
}

int64_t store_max_seq(store *st, char *err, size_t errlen) { return one_value(st, S_MAX_SEQ, err, errlen); }

int64_t store_data_version(store *st, char *err, size_t errlen) {
    return one_value(st, S_DATA_VERSION, err, errlen);
}

sl_status store_by_hash(store *st, const unsigned char hash[16], store_seq_cb cb, void *ud,
                        char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_BY_HASH];
    sqlite3_bind_blob(s, 1, hash, 16, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, sqlite3_column_int64(s, 0))) break;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "looking up a hash");
}

sl_status store_hashes_after(store *st, int64_t after, store_hash_cb cb, void *ud, char *err,
                             size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT hash FROM articles INDEXED BY articles_hash WHERE seq > ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "reading hashes");
    sqlite3_bind_int64(s, 1, after);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (sqlite3_column_bytes(s, 0) == 16 && cb(ud, sqlite3_column_blob(s, 0))) break;
    sl_status r = rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "reading hashes");
    sqlite3_finalize(s);
    return r;
}

sl_status store_text(store *st, int64_t seq, store_text_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_TEXT];
    sqlite3_bind_int64(s, 1, seq);
    int rc = sqlite3_step(s);
    sl_status out = SL_OK;
    if (rc == SQLITE_ROW) {
        const void *h = sqlite3_column_blob(s, 4);
        if (cb(ud, store_col_text(s, 0), store_col_text(s, 1), (size_t)sqlite3_column_bytes(s, 1),
               store_col_text(s, 2), store_col_text(s, 3),
               sqlite3_column_bytes(s, 4) == 16 ? h : NULL))
            out = SL_ENOMEM;
    } else if (rc == SQLITE_DONE) {
        out = SL_ENOTFOUND;
    } else {
        out = store_fail(st, err, errlen, "reading an article");
    }
    sqlite3_reset(s);
    return out;
}

sl_status store_dup_add(store *st, int64_t a, int64_t b, const store_dup *d, char *err,
                        size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_DUP_ADD];
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_int64(s, 2, b);
    sqlite3_bind_int(s, 3, d->kind);
    sqlite3_bind_double(s, 4, d->similarity);
    sqlite3_bind_double(s, 5, d->containment);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)d->paragraphs);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)d->words);
    store_bind_text(s, 8, d->shared);
    return store_step_done(st, s, err, errlen, "storing a duplicate relation");
}

sl_status store_dups_of(store *st, int64_t seq, store_dup_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_DUPS_OF];
    sqlite3_bind_int64(s, 1, seq);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_dup d = {sqlite3_column_int(s, 1), sqlite3_column_double(s, 2),
                       sqlite3_column_double(s, 3), (size_t)sqlite3_column_int64(s, 4),
                       (size_t)sqlite3_column_int64(s, 5), store_col_text(s, 6)};
        if (cb(ud, 0, 0, NULL, store_col_text(s, 0), &d, NULL, NULL, 0, 0)) break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "reading relations");
}

sl_status store_dups_all(store *st, store_dup_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_DUPS_ALL];
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_dup d = {sqlite3_column_int(s, 4), sqlite3_column_double(s, 5),
                       sqlite3_column_double(s, 6), (size_t)sqlite3_column_int64(s, 7),
                       (size_t)sqlite3_column_int64(s, 8), store_col_text(s, 9)};
        if (cb(ud, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), store_col_text(s, 2),
               store_col_text(s, 3), &d, store_col_text(s, 10), store_col_text(s, 11),
               (size_t)sqlite3_column_int64(s, 12), (size_t)sqlite3_column_int64(s, 13))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "reading relations");
}

int64_t store_seq(store *st, const char *id, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_SEQ];
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    int64_t seq = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        store_fail(st, err, errlen, "looking up an id");
        seq = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return seq;
}

sl_status store_delete(store *st, int64_t seq, char *err, size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_DUPS_DEL];
    sqlite3_bind_int64(s, 1, seq);
    sl_status r = store_step_done(st, s, err, errlen, "removing relations");
    if (r != SL_OK) return r;
    s = st->stmt[S_DEL];
    sqlite3_bind_int64(s, 1, seq);
    return store_step_done(st, s, err, errlen, "removing an article");
}

sl_status store_related(store *st, int64_t seq, store_seq_cb cb, void *ud, char *err,
                        size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_RELATED];
    sqlite3_bind_int64(s, 1, seq);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, sqlite3_column_int64(s, 0))) {
            sqlite3_reset(s);
            return SL_ENOMEM;
        }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "reading relations");
}

sl_status store_set_hash(store *st, int64_t seq, const unsigned char hash[16], char *err,
                         size_t errlen) {
    sqlite3_stmt *s = st->stmt[S_SET_HASH];
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_blob(s, 2, hash, 16, SQLITE_STATIC);
    return store_step_done(st, s, err, errlen, "updating a hash");
}

sl_status store_index_clear(store *st, char *err, size_t errlen) {
    if (exec(st, "DELETE FROM postings; DELETE FROM recent; DELETE FROM dups;") != SQLITE_OK)
        return store_fail(st, err, errlen, "clearing the duplicate index");
    return SL_OK;
}

sl_status store_seqs(store *st, store_seq_cb cb, void *ud, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT seq FROM articles ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, err, errlen, "listing articles");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ud, sqlite3_column_int64(s, 0))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SL_OK : store_fail(st, err, errlen, "listing articles");
}
