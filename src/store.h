/*
 * store.h - the SQLite corpus.  The only module that speaks SQL, so that a
 * second backend can be added behind the same functions.
 */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "storyline.h"

#define STORE_SCHEMA_VERSION 2

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
/* Undo the open transaction (if any). */
void store_rollback(store *st);

/* Look up an id: 1 with hash filled, 0 when absent, -1 on error. */
int store_find(store *st, const char *id, unsigned char hash[16], char *err,
               size_t errlen);

/* Insert an article and its removals (inside the open transaction), unless
 * its id is already stored: then *inserted is 0 and nothing changes.
 * Trying the insert first saves a lookup for every new article. */
sl_status store_insert(store *st, const store_row *row,
                       const store_removal *rem, size_t n_rem, int *inserted,
                       int64_t *seq, char *err, size_t errlen);

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

/* ---- the duplicate index ------------------------------------------------ */

/* A relation between two stored articles. */
typedef struct store_dup {
    int kind; /* sl_dup_kind */
    double similarity, containment;
    size_t paragraphs, words;
    const char *shared; /* "i:j,..." or NULL */
} store_dup;

typedef int (*store_seq_cb)(void *ud, int64_t seq);
typedef int (*store_text_cb)(void *ud, const char *id, const char *text, size_t len,
                             const char *kinds, const char *date, const unsigned char *hash);
/* For store_dups_all: both ends (a later than b); for store_dups_of: only
 * the other end's id in b_id, the rest 0/NULL. */
typedef int (*store_dup_cb)(void *ud, int64_t a, int64_t b, const char *a_id, const char *b_id,
                            const store_dup *d, const char *a_date, const char *b_date,
                            size_t a_len, size_t b_len);

/* The meta table: 1 found (value in out), 0 absent, -1 error. */
int store_meta_get(store *st, const char *key, char *out, size_t n, char *err, size_t errlen);
sl_status store_meta_set(store *st, const char *key, const char *value, char *err, size_t errlen);
sl_status store_meta_del(store *st, const char *key, char *err, size_t errlen);
/* The title of article seq, malloc'd into *out (NULL when it has none). */
sl_status store_title(store *st, int64_t seq, char **out, char *err, size_t errlen);

/* The duplicate postings (dupindex.c).  A bucket's blob (postings.h)
 * into out, empty when there is none; a blob of n == 0 bytes deletes the
 * bucket. */
sl_status store_bucket_get(store *st, uint32_t bucket, buf *out, char *err, size_t errlen);
sl_status store_bucket_put(store *st, uint32_t bucket, const void *data, size_t n, char *err,
                           size_t errlen);
/* The keys of articles posted since the last merge, one row each. */
typedef int (*store_keys_cb)(void *ud, int64_t seq, const uint32_t *keys, size_t n);
sl_status store_recent_put(store *st, int64_t seq, const uint32_t *keys, size_t n, char *err,
                           size_t errlen);
sl_status store_recent_del(store *st, int64_t seq, char *err, size_t errlen);
sl_status store_recent_clear(store *st, char *err, size_t errlen);
sl_status store_recent_all(store *st, store_keys_cb cb, void *ud, char *err, size_t errlen);
/* The highest seq (0 when empty), or -1 on error. */
int64_t store_max_seq(store *st, char *err, size_t errlen);
/* Changes when another connection commits (PRAGMA data_version); -1 on error. */
int64_t store_data_version(store *st, char *err, size_t errlen);
/* Articles with this content hash. */
sl_status store_by_hash(store *st, const unsigned char hash[16], store_seq_cb cb, void *ud,
                        char *err, size_t errlen);
/* The content hashes of the articles with seq above after, in no order
 * (read from the hash index, not the rows). */
typedef int (*store_hash_cb)(void *ud, const unsigned char hash[16]);
sl_status store_hashes_after(store *st, int64_t after, store_hash_cb cb, void *ud, char *err,
                             size_t errlen);
/* One article's id, text, paragraph kinds, date and hash. SL_ENOTFOUND. */
sl_status store_text(store *st, int64_t seq, store_text_cb cb, void *ud, char *err, size_t errlen);
sl_status store_dup_add(store *st, int64_t a, int64_t b, const store_dup *d, char *err,
                        size_t errlen);
sl_status store_dups_of(store *st, int64_t seq, store_dup_cb cb, void *ud, char *err, size_t errlen);
/* Every relation, by the earlier article then the later. */
sl_status store_dups_all(store *st, store_dup_cb cb, void *ud, char *err, size_t errlen);
/* The seq of an id: > 0, 0 when absent, -1 on error. */
int64_t store_seq(store *st, const char *id, char *err, size_t errlen);
/* Remove an article, what cleaning removed from it and its relations
 * (its postings are the caller's: it knows the keys). */
sl_status store_delete(store *st, int64_t seq, char *err, size_t errlen);
/* The articles related to seq (either side of a relation), in order. */
sl_status store_related(store *st, int64_t seq, store_seq_cb cb, void *ud, char *err,
                        size_t errlen);
sl_status store_set_hash(store *st, int64_t seq, const unsigned char hash[16], char *err,
                         size_t errlen);
/* Forget every posting and relation (before re-indexing). */
sl_status store_index_clear(store *st, char *err, size_t errlen);
/* Every article's seq, in ingest order. */
sl_status store_seqs(store *st, store_seq_cb cb, void *ud, char *err, size_t errlen);

/* ---- stories (store_stories.c) ------------------------------------------ */

/* An article's terms (terms.h, as a blob of 8-byte records). */
sl_status store_terms_put(store *st, int64_t seq, const void *blob, size_t n, char *err, size_t errlen);
sl_status store_terms_of(store *st, int64_t seq, int (*cb)(void *, const void *terms, size_t n),
                         void *ud, char *err, size_t errlen);
/* Articles after seq `after`, in ingest order: date, terms (NULL when
 * none are stored, or always without with_terms) and the earliest article
 * it is an exact or near copy of (0: none).  cb returns non-zero to stop. */
typedef int (*store_article_cb)(void *ud, int64_t seq, const char *date, const void *terms,
                                size_t n, int64_t copy_of);
sl_status store_story_articles(store *st, int64_t after, int with_terms, store_article_cb cb,
                               void *ud, char *err, size_t errlen);
/* The story of an article (0: none), the story an id now stands for
 * (itself unless merged), the largest story id ever given; -1 on error. */
int64_t store_story_of(store *st, int64_t seq, char *err, size_t errlen);
int64_t store_story_resolve(store *st, int64_t id, char *err, size_t errlen);
int64_t store_story_max_id(store *st, char *err, size_t errlen);
/* day: the one it was placed by (its date's, or the article's before it
 * in ingest order), which orders the timeline. */
sl_status store_story_member_put(store *st, int64_t seq, int64_t story, int64_t copy_of, double sim,
                                 int32_t day, char *err, size_t errlen);
/* A batch's articles of story id, creating it: reports and copies more,
 * its dates widened to [first, last] (NULL: no dated article) and its
 * last day to last_day. */
typedef struct store_story_add {
    int64_t id;
    const char *first, *last;
    int32_t last_day;
    int64_t reports, copies;
} store_story_add;
sl_status store_story_update(store *st, const store_story_add *a, char *err, size_t errlen);
sl_status store_story_close(store *st, int64_t id, char *err, size_t errlen);
sl_status store_story_alias(store *st, int64_t alias, int64_t story, char *err, size_t errlen);
/* Story from becomes part of into: its articles, counts and dates; its id
 * an alias of into (and so are the ids that were aliases of it). */
sl_status store_story_merge(store *st, int64_t into, int64_t from, char *err, size_t errlen);
/* The clusterer's document frequencies, as one blob (stories.h). */
sl_status store_story_df_put(store *st, const void *blob, size_t n, char *err, size_t errlen);
sl_status store_story_df_get(store *st, int (*cb)(void *, const void *blob, size_t n), void *ud,
                             char *err, size_t errlen);
sl_status store_story_open_each(store *st, int (*cb)(void *, int64_t id, int has_day, int32_t last_day),
                                void *ud, char *err, size_t errlen);
/* The terms of a story's last `limit` independent members, newest first. */
sl_status store_story_recent_terms(store *st, int64_t story, int limit,
                                   int (*cb)(void *, const void *terms, size_t n), void *ud,
                                   char *err, size_t errlen);
/* Placing a batch in stories as one step inside the open transaction:
 * op 0 starts it, 1 keeps it, 2 undoes it. */
sl_status store_story_savepoint(store *st, int op, char *err, size_t errlen);
/* Forget every story (before a recluster). */
sl_status store_story_clear(store *st, char *err, size_t errlen);

typedef struct store_story {
    int64_t id;
    const char *first_seen, *last_update;
    int64_t articles, copies;
} store_story;
typedef int (*store_story_cb)(void *ud, const store_story *s);
/* Stories with at least min_size articles (copies included) that overlap
 * [since, until] (either may be NULL), the largest first. */
sl_status store_stories_each(store *st, int64_t min_size, const char *since, const char *until,
                             store_story_cb cb, void *ud, char *err, size_t errlen);

/* The story id, as store_stories_each gives it. */
sl_status store_story_one(store *st, int64_t id, store_story_cb cb, void *ud, char *err, size_t errlen);

typedef struct store_member {
    int64_t seq;
    const char *id, *date, *source, *title;
    const char *copy_of; /* id of the article it copies, or NULL */
    double similarity;
    const void *terms;
    size_t n_terms_bytes;
} store_member;
typedef int (*store_member_cb)(void *ud, const store_member *m);
/* A story's articles by date, then ingest order. */
sl_status store_story_members(store *st, int64_t story, store_member_cb cb, void *ud, char *err,
                              size_t errlen);

/* ---- named entities (store_entities.c) ------------------------------------ */

/* The entity of a key: its id, 0 when there is none, -1 on error. */
int64_t store_entity_get(store *st, const char *key, char *err, size_t errlen);
/* The same for a person (type PER) only. */
int64_t store_entity_person(store *st, const char *key, char *err, size_t errlen);
/* A new entity; its id, or -1. */
int64_t store_entity_make(store *st, const char *key, const char *name, const char *type,
                          const char *surname, char *err, size_t errlen);
/* The one person (other than key's) with this surname: its id; 0 when
 * there is none, -2 when there are several, -1 on error. */
int64_t store_entity_by_surname(store *st, const char *surname, const char *not_key, char *err,
                                size_t errlen);
/* Move the mentions and links of entity from to into, and drop from. */
sl_status store_entity_merge(store *st, int64_t from, int64_t into, char *err, size_t errlen);
/* An article's n mentions of entity spelt text, at spans ("start-end ..."). */
sl_status store_mentions_put(store *st, int64_t article, int64_t entity, const char *text, const char *type,
                             int64_t n, const char *spans, char *err, size_t errlen);
sl_status store_entity_link(store *st, int64_t entity, const char *kind, int64_t target, char *err,
                            size_t errlen);
/* Forget an article's mentions (before it is tagged again). */
sl_status store_mentions_clear(store *st, int64_t article, char *err, size_t errlen);

typedef struct store_entity {
    int64_t id;
    const char *name, *type;
    int64_t articles, outlets;
} store_entity;

/* Entities (mentioned in story's articles when story > 0; of type when
 * not NULL), most articles first. */
sl_status store_entities(store *st, int64_t story, const char *type,
                         int (*cb)(void *ud, const store_entity *e), void *ud, char *err, size_t errlen);
/* One entity by id (cb once, or not at all). */
sl_status store_entity_one(store *st, int64_t id, int (*cb)(void *ud, const store_entity *e), void *ud,
                           char *err, size_t errlen);
/* An entity's spellings, most mentioned first. */
sl_status store_entity_variants(store *st, int64_t id, int (*cb)(void *ud, const char *text, int64_t n),
                                void *ud, char *err, size_t errlen);
/* The articles that mention it, in ingest order: id, date, source,
 * title, story (0: none). */
sl_status store_entity_articles(store *st, int64_t id,
                                int (*cb)(void *ud, const char *id, const char *date, const char *source,
                                          const char *title, int64_t story),
                                void *ud, char *err, size_t errlen);
/* Its links: kind and the other entity's name. */
sl_status store_entity_links(store *st, int64_t id, int (*cb)(void *ud, const char *kind, const char *name),
                             void *ud, char *err, size_t errlen);
/* The entity of a mention spelt exactly text: its id, 0 none, -1 error. */
int64_t store_entity_by_text(store *st, const char *text, char *err, size_t errlen);

/* ---- claims (store_claims.c) ------------------------------------------------ */

/* One claim as stored, and as read back (then with its article's id,
 * date, outlet and story, whether the article copies another of it, and
 * its entity's name). */
typedef struct store_claim {
    int64_t id, article, n, entity; /* entity 0: none */
    const char *speaker, *source, *cue, *stance, *content, *spans, *values;
    int negated, direct;
    const char *article_id, *date, *outlet, *entity_name;
    int64_t story;
    int copy;
} store_claim;

sl_status store_claim_put(store *st, const store_claim *c, char *err, size_t errlen);
/* Mark an article analysed (its claims, if any, are stored). */
sl_status store_claims_done(store *st, int64_t article, char *err, size_t errlen);
/* The earliest article with the very same clean text as article (not
 * only the same hash) that is analysed already: its seq, 0 when none, -1
 * on error. */
int64_t store_claims_original(store *st, int64_t article, char *err, size_t errlen);
/* The claims of from's text (not of its title) as to's, numbered from n. */
sl_status store_claims_copy(store *st, int64_t from, int64_t to, int64_t n, char *err, size_t errlen);
/* Forget every claim (the tagger changed: they are found again). */
sl_status store_claims_clear(store *st, char *err, size_t errlen);
/* Articles not analysed yet (of story when > 0, else after seq `after`):
 * their number, or -1 on error. */
int64_t store_claims_todo_count(store *st, int64_t story, int64_t after, char *err, size_t errlen);
/* The seq up to which every article is analysed (0: none known), or -1;
 * and setting it, in the transaction that stores their claims. */
int64_t store_claims_upto(store *st, char *err, size_t errlen);
sl_status store_claims_upto_set(store *st, int64_t seq, char *err, size_t errlen);
/* Up to limit of them after seq `after`, in ingest order, with their
 * clean text and title (may be NULL).  cb returns non-zero to stop. */
sl_status store_claims_todo(store *st, int64_t story, int64_t after, int limit,
                            int (*cb)(void *ud, int64_t seq, const char *text, size_t len, const char *title),
                            void *ud,
                            char *err, size_t errlen);
/* Claims (of story's articles when story > 0), by story, then their
 * articles' dates and ingest order, then order in the article. */
sl_status store_claims_each(store *st, int64_t story, int (*cb)(void *ud, const store_claim *c), void *ud,
                            char *err, size_t errlen);
/* An article's mentions: entity, the tagger's type and 'start-end ...'. */
sl_status store_mentions_of(store *st, int64_t article,
                            int (*cb)(void *ud, int64_t entity, const char *type, const char *spans), void *ud,
                            char *err, size_t errlen);
/* The country a demonym entity links to: its id, 0 none, -1 error. */
int64_t store_demonym_of(store *st, int64_t entity, char *err, size_t errlen);

/* ---- search (store_search.c) ------------------------------------------------ */

typedef struct store_query {
    const char *match;          /* an FTS5 query */
    int64_t story, entity;      /* 0: any */
    const char *source, *since, *until, *stance; /* NULL: any */
    int64_t limit, offset;      /* of groups */
    int snippet_words;
} store_query;

/* A group's best hit: its article, its BM25 score (higher is better),
 * a snippet of its text and its title with each match between \1 and \2,
 * how many of its group match (members, itself included) and the others'
 * ids ('\n' between; NULL when none). */
typedef struct store_hit {
    int64_t seq, story, members;
    const char *id, *title, *source, *date, *snippet, *title_marked, *ids;
    double score;
} store_hit;

/* The groups of a page, best first, and the totals (matching articles
 * and groups, also past the last page).  SL_EINVAL when FTS5 refuses the
 * query (err says why). */
sl_status store_search(store *st, const store_query *q, int (*cb)(void *ud, const store_hit *h), void *ud,
                       int64_t *articles, int64_t *groups, char *err, size_t errlen);
/* Index the articles stored since the last commit (store_commit does,
 * unless the index is stale). */
sl_status store_search_sync(store *st, char *err, size_t errlen);
/* Index every article again and drop meta 'search_stale' (set by bulk
 * loading, which skips the index). */
sl_status store_search_rebuild(store *st, char *err, size_t errlen);

#endif
