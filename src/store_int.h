/*
 * store_int.h - what the files of the store module share (store.c, the
 * articles and the duplicate index; store_stories.c, the stories).  Not
 * for the stages: they see store.h.
 */
#ifndef SL_STORE_INT_H
#define SL_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_MAX_STMT 32 /* statements store_stories.c prepares on first use */
#define STORE_ENT_STMT 17 /* and store_entities.c */
#define STORE_CLM_STMT 16 /* and store_claims.c */
#define STORE_N_STMT 27   /* store.c's own, in stmt_sql[] */

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[STORE_N_STMT];
    sqlite3_stmt *sst[STORE_MAX_STMT];
    sqlite3_stmt *est[STORE_ENT_STMT];
    sqlite3_stmt *cst[STORE_CLM_STMT];
    int in_tx;
    char *path;
    struct search_map *smap; /* store_search.c's, made on first use */
    unsigned searched;       /* searches made on this connection */
};

typedef struct search_map search_map;
void store_search_map_free(store *st);

/* The message "what: sqlite's error" into err; SL_ESTORE. */
sl_status store_fail(store *st, char *err, size_t errlen, const char *what);
/* The statement cached in *slot, prepared from sql on first use; NULL
 * after saying why in err. */
sqlite3_stmt *store_prepared(store *st, sqlite3_stmt **slot, const char *sql, char *err, size_t errlen);
/* Bind v, or NULL when v is NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
const char *store_col_text(sqlite3_stmt *s, int i);
/* Run sql (statements, no rows); SL_OK, or SL_ESTORE after saying
 * "what: sqlite's error" in err. */
sl_status store_exec(store *st, const char *sql, const char *what, char *err, size_t errlen);
/* Step a statement that returns no rows, reset it; SL_OK or SL_ESTORE. */
sl_status store_step_done(store *st, sqlite3_stmt *s, char *err, size_t errlen, const char *what);

#endif
