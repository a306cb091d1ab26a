/*
 * store.h - the SQLite corpus.  The only module that speaks SQL, so that a
 * second backend can be added behind the same functions.
 */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "storyline.h"

#define STORE_SCHEMA_VERSION 1

typedef struct store store;

/* One article as stored (and as read back). */
typedef struct store_row {
    const char *id, *source, *url, *date, *title, *extra, *origin;
    const char *text;
    size_t text_len;
    const char *kinds;        /* one letter per paragraph: b, h, l */
    const char *notes;        /* cleaning notes, '\n' between them, or NULL */
    const unsigned char *hash; /* 16 bytes */
    int64_t n_sentences, n_tokens;
} store_row;

typedef struct store_removal {
    const char *reason, *detail, *text;
    size_t text_len;
} store_removal;

sl_status store_open(const char *path, int readonly, store **out, char *err,
                     size_t errlen);
void store_close(store *st);

/* Transactions: begin if none is open; commit the open one (if any). */
sl_status store_begin(store *st, char *err, size_t errlen);
sl_status store_commit(store *st, char *err, size_t errlen);

/* Look up an id: 1 with hash filled, 0 when absent, -1 on error. */
int store_find(store *st, const char *id, unsigned char hash[16], char *err,
               size_t errlen);

/* Insert an article and its removals (inside the open transaction), unless
 * its id is already stored: then *inserted is 0 and nothing changes.
 * Trying the insert first saves a lookup for every new article. */
sl_status store_insert(store *st, const store_row *row,
                       const store_removal *rem, size_t n_rem, int *inserted,
                       char *err, size_t errlen);

/* Read one article: on_row once, then on_removal for each removal, in
 * order.  The pointers are valid during the callback only.  SL_ENOTFOUND
 * when there is no such id. */
typedef int (*store_row_cb)(void *ud, const store_row *row);
typedef int (*store_removal_cb)(void *ud, const store_removal *rem);
sl_status store_get(store *st, const char *id, store_row_cb on_row,
                    store_removal_cb on_removal, void *ud, char *err,
                    size_t errlen);

/* Every article in ingest order, without text and removals (text_len is
 * set).  A non-zero return from on_row stops. */
sl_status store_list(store *st, store_row_cb on_row, void *ud, char *err,
                     size_t errlen);

sl_status store_stats(store *st, sl_stats *out, char *err, size_t errlen);
sl_status store_removed_counts(store *st, sl_count_cb cb, void *ud, char *err,
                               size_t errlen);

#endif
