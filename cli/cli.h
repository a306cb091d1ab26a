/*
 * cli.h - what the files of the storyline command share (main.c, the
 * articles and duplicates; stories.c, the stories).
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stdio.h>

#include "storyline.h"

#define DEFAULT_DB "storyline.db"

/* "storyline CMD: message" and the usage on stderr; returns 2. */
int usage_error(const char *usage, const char *fmt, ...);
/* Open a store (opt may be NULL); NULL after saying why. */
sl_engine *open_engine(const char *db, const sl_options *opt);
/* Open an existing store read-only; NULL after saying why. */
sl_engine *open_existing(const char *db);
/* Parse --db, --json (json may be NULL: refused) and --help; -1 to go on,
 * else the exit status. */
int simple_opts(int argc, char **argv, const char *usage, const char **db, int *json);
/* The input a command reads: the file named arg, or standard input for
 * "-" (*name: "<stdin>", else arg, for messages).  NULL after saying
 * why. */
FILE *open_input(const char *arg, const char **name);
/* Whether s is a date option: YYYY-MM-DD. */
int is_date(const char *s);
/* A positive id (a story's) into *out: 0, or -1 when s is not one. */
int parse_id(const char *s, int64_t *out);
/* s as a JSON string on stdout; json_or_null: null for NULL. */
void print_json_string(const char *s);
void json_or_null(const char *s);

int cmd_stories(int argc, char **argv);
int cmd_story(int argc, char **argv);
int cmd_recluster(int argc, char **argv);
extern const char usage_stories[], usage_story[], usage_recluster[];

int cmd_tag(int argc, char **argv);
extern const char usage_tag[];
int cmd_entities(int argc, char **argv);
int cmd_entity(int argc, char **argv);
extern const char usage_entities[], usage_entity[];
int cmd_attributions(int argc, char **argv);
extern const char usage_attributions[];
int cmd_claims(int argc, char **argv);
extern const char usage_claims[];
/* Find the claims of story's articles (every article's when 0) not found
 * yet, with a progress line on a terminal. */
sl_status claims_analyse(sl_engine *e, int64_t story);
/* The claims section of `storyline story`; the exit status. */
int story_claims(sl_engine *e, int64_t story, int json);
/* Whether s names a stance of data/cues.txt. */
int is_stance(const char *s);
int cmd_search(int argc, char **argv);
extern const char usage_search[];
int cmd_report(int argc, char **argv);
extern const char usage_report[];
int cmd_serve(int argc, char **argv);
extern const char usage_serve[];
/* An article held for a batch (sl_ingest_batch): its fields and raw line
 * (raw may be NULL), copied out of the reader, in one allocation; free()
 * it.  NULL when out of memory. */
typedef struct held {
    sl_article a;
    const char *raw;
    size_t raw_len;
} held;
held *hold(const sl_article *a, const char *raw, size_t raw_len);

/* Read-ahead (readahead.c): batches of held articles read on a thread
 * of their own while the caller works on the one before.  An item is an
 * article (h) or a rejected input (why: the message, naming the input
 * and its position); oom: memory ran out, the batch ends there. */
typedef struct ra_item {
    held *h;
    char *why;
} ra_item;
typedef struct ra_batch {
    ra_item *it;
    size_t n;
    uint64_t read; /* inputs read */
    uint64_t done, total; /* the reader's progress after it (sl_reader_progress) */
    int oom;
} ra_batch;
typedef struct readahead readahead;
/* Run on the reading thread for each article read: its held copy, or
 * NULL with *why (malloc'd) to reject it, or NULL alone when out of
 * memory. */
typedef held *(*ra_take)(void *ud, const sl_reader *r, const sl_article *a, char **why);
/* Batches of at most max_items inputs (articles and rejected ones) or
 * about max_bytes of text and raw lines; threaded 0 reads on the
 * caller's thread, in ra_next.
 * NULL when out of memory. */
readahead *ra_start(sl_reader *r, ra_take take, void *ud, size_t max_items, size_t max_bytes,
                    int threaded);
/* The next batch into *b, in input order: 1, or 0 at the end.  The
 * caller owns it: ra_batch_free. */
int ra_next(readahead *ra, ra_batch *b);
void ra_batch_free(ra_batch *b);
/* Stop reading and free ra (before closing its reader). */
void ra_stop(readahead *ra);
/* A size such as 4096, 64K, 4M or 1G into *out: 0, or -1. */
int parse_cli_size(const char *s, size_t *out);

#endif
