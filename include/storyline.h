/*
 * storyline.h - the whole public API of the storyline library.
 *
 * storyline turns a stream of news articles into clean, segmented text kept
 * in a crash-safe SQLite corpus (and, in later stages, duplicate groups,
 * stories, entities and claims).  Programs (the `storyline` command, the
 * server) include this header and nothing else.
 *
 * Conventions
 *   - Every function that can fail returns an sl_status; SL_OK is 0.  Codes
 *     are never renumbered.  sl_strerror() names a code; the engine and the
 *     reader keep a message for their last error (sl_errmsg(),
 *     sl_reader_errmsg()), valid until the next call on the same handle.
 *   - Handles are opaque.  Destructors accept NULL and do nothing.
 *   - Strings are UTF-8.  Pointers returned by the library are borrowed:
 *     valid until the next call on the same handle, unless stated otherwise.
 *   - The library never prints, never exits and never aborts on input.
 *   - There is no global state: two engines may live in one process; one
 *     engine must not be used by two threads at once.
 */
#ifndef STORYLINE_H
#define STORYLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SL_API __attribute__((visibility("default")))
#else
#define SL_API
#endif

#define SL_VERSION "0.1.0"

/* Status codes.  Append new codes; never renumber. */
typedef enum sl_status {
    SL_OK = 0,        /* success */
    SL_DONE = 1,      /* an iteration has nothing more; not an error */
    SL_ERROR = 2,     /* an error with no more specific code */
    SL_ENOMEM = 3,    /* out of memory */
    SL_EINVAL = 4,    /* invalid argument from the caller */
    SL_EIO = 5,       /* a file or directory could not be read or written */
    SL_EUTF8 = 6,     /* text is not valid UTF-8, or holds a NUL */
    SL_EJSON = 7,     /* a JSON line is malformed */
    SL_ETOOBIG = 8,   /* an input is larger than its cap */
    SL_EEMPTY = 9,    /* an article has no text */
    SL_ESTORE = 10,   /* the SQLite store failed */
    SL_ENOTFOUND = 11,/* no such article */
    SL_ECONFLICT = 12,/* the id is already stored with different text */
    SL_EVERSION = 13, /* the store was made by a newer storyline */
    SL_ERULES = 14,   /* a rules data file is malformed */
    SL_EMODEL = 15    /* a model built into storyline is unusable */
} sl_status;

/* A static English description of a status code.  Never NULL. */
SL_API const char *sl_strerror(sl_status code);

/* The library version, e.g. "0.1.0".  Static. */
SL_API const char *sl_version(void);

/* ------------------------------------------------------------------------
 * Articles as they arrive
 * ------------------------------------------------------------------------ */

/*
 * One incoming article.  Every string is NUL-terminated UTF-8 except text,
 * which has a length (a NUL inside it is rejected as SL_EUTF8).  Fields may
 * be NULL when absent.
 */
typedef struct sl_article {
    const char *id;     /* the source's id; NULL: derived from the content hash */
    const char *source; /* outlet or host, e.g. "www.example.com" */
    const char *url;
    const char *date;   /* as given, ideally ISO 8601 */
    const char *title;  /* NULL: taken from the text (see sl_ingest) */
    const char *text;   /* raw body text */
    size_t text_len;
    const char *extra;  /* a JSON object holding the fields storyline does not
                           know, kept verbatim; NULL when there are none */
    const char *origin; /* where it came from, for messages: "feed.jsonl:17" */
} sl_article;

/* ------------------------------------------------------------------------
 * Readers: directory trees of .txt files, .jsonl/.ndjson files, stdin
 * ------------------------------------------------------------------------ */

typedef enum sl_format {
    SL_FORMAT_AUTO = 0,  /* by extension (.txt, .jsonl, .ndjson); stdin and
                            other names by their first byte ('{' is JSONL) */
    SL_FORMAT_TXT = 1,   /* one article per file; the stem is the id */
    SL_FORMAT_JSONL = 2  /* one JSON object per line: id, source, url, date,
                            title, text; other fields kept in extra */
} sl_format;

typedef struct sl_reader sl_reader;

/*
 * Open a reader over paths[0..n-1]: files, directories (walked recursively,
 * in byte order of names, hidden entries and files of other extensions
 * skipped) or "-" for standard input.  Files are read in a streaming way:
 * memory does not grow with the input.  A text file or a JSON line longer
 * than max_article_bytes (0: 4 MiB) is rejected.  Paths that cannot be read
 * are reported by sl_reader_next() in their turn, not here.
 *
 * Returns SL_OK, SL_ENOMEM or SL_EINVAL.  The caller frees *out with
 * sl_reader_close().
 */
SL_API sl_status sl_reader_open(const char *const *paths, size_t n,
                                sl_format format, size_t max_article_bytes,
                                sl_reader **out);

/*
 * The next article.  On SL_OK *out is borrowed until the next call.
 * SL_DONE: no more input.  Any other code rejects one input (a malformed
 * line, an unreadable file, an oversize article): sl_reader_errmsg() names
 * the input and the position, and the next call goes on with the rest.
 */
SL_API sl_status sl_reader_next(sl_reader *r, const sl_article **out);

/* The bytes the last article came from, as read: its JSON line (without
 * the newline), or the whole text file.  Borrowed until the next call;
 * sets *format to the format it was read in. */
SL_API void sl_reader_raw(const sl_reader *r, const char **bytes, size_t *len,
                          sl_format *format);

/* The message of the last rejection: "feed.jsonl:17: byte 40: ...". */
SL_API const char *sl_reader_errmsg(const sl_reader *r);

/* Bytes consumed so far, and the total when known before reading (regular
 * files), else 0. */
SL_API void sl_reader_progress(const sl_reader *r, uint64_t *done,
                               uint64_t *total);

SL_API void sl_reader_close(sl_reader *r);

/* ------------------------------------------------------------------------
 * The engine: cleaning, segmentation and the store
 * ------------------------------------------------------------------------ */

typedef struct sl_engine sl_engine;

/* Options for sl_open().  Start from sl_options_init(); fields may be added
 * at the end in later versions. */
typedef struct sl_options {
    int readonly;             /* open the store read-only */
    const char *rules_path;   /* boilerplate rules file; NULL: built-in copy
                                 of data/boilerplate.rules */
    size_t max_article_bytes; /* cap on one article's text (default 4 MiB) */
    unsigned batch_articles;  /* articles per transaction (default 20000) */
    size_t batch_bytes;       /* text bytes per transaction (default 64 MiB) */
    int rebuild_index;        /* rebuild the duplicate index on open (after
                                 the fingerprint parameters changed) */
    int no_index;             /* ingest without duplicate detection (bulk
                                 loading): the index is marked stale, and
                                 duplicate calls refuse until a rebuild */
    unsigned threads;         /* sl_ingest_batch: threads that clean and
                                 fingerprint (0: one per core) */
    const char *ner_model_path; /* named-entity model file (make ner-model);
                                 NULL: the one built in */
    int dups_only;            /* ingest finds duplicates and nothing else:
                                 named entities, stories and the search
                                 index wait for a rebuild (opt.rebuild_index,
                                 `storyline reindex`), and the calls that
                                 read them, and ingest without dups_only,
                                 refuse with SL_EVERSION until then */
} sl_options;

SL_API void sl_options_init(sl_options *opt);

/*
 * Open (and create or migrate) the store at path, or, with path NULL, an
 * engine with no store that only cleans and segments (a dry run).  opt may
 * be NULL for the defaults.
 *
 * As with sqlite3_open(), *out is set whenever memory allows, even on
 * failure, so that sl_errmsg(*out) tells why; always sl_close() it.
 * Errors: SL_ENOMEM, SL_ESTORE, SL_EVERSION, SL_ERULES, SL_EIO.
 */
SL_API sl_status sl_open(const char *path, const sl_options *opt,
                         sl_engine **out);

/* Commit what is pending and close.  NULL is a no-op. */
SL_API void sl_close(sl_engine *e);

/* The message of the engine's last error.  Never NULL. */
SL_API const char *sl_errmsg(const sl_engine *e);

typedef enum sl_outcome {
    SL_STORED = 1,  /* new article, stored (or cleaned, in a dry run) */
    SL_PRESENT = 2  /* same id and same text already stored: nothing changed */
} sl_outcome;

/*
 * Clean, segment and store one article, inside the current batch
 * transaction (committed every batch_articles articles or batch_bytes bytes,
 * and by sl_commit() and sl_close()).
 *
 * Cleaning: a BOM is dropped; the text must be valid UTF-8 without NUL
 * (SL_EUTF8, the message gives the byte offset); it is normalised to NFC,
 * split into paragraphs at line breaks; repeated paragraphs and boilerplate
 * (by the rules file) are removed and recorded; headings and list items are
 * marked.  With no title, a short first line that reads as a headline
 * becomes the title, else the first paragraph is the title (and stays in
 * the text).  The article's id is a.id, or "h" and 16 hex digits of the
 * content hash when a.id is NULL.
 *
 * Returns SL_OK with *outcome set, or rejects the article and stores
 * nothing: SL_EUTF8, SL_EEMPTY (no text left), SL_ETOOBIG, SL_ECONFLICT
 * (the id is stored with other text), SL_ESTORE, SL_ENOMEM.
 */
SL_API sl_status sl_ingest(sl_engine *e, const sl_article *a,
                           sl_outcome *outcome);

/*
 * Ingest a[0, n) as sl_ingest() would one after another, with the same
 * result, but cleaned and fingerprinted on opt.threads threads while the
 * caller's thread stores them in order.  cb gets each article's outcome
 * in input order: s and, when s is not SL_OK, the message; a non-zero
 * return stops the batch there.  Returns SL_OK, or SL_ENOMEM when the
 * threads' state could not be made (nothing was ingested).
 */
typedef int (*sl_ingest_cb)(void *ud, const sl_article *a, sl_status s, sl_outcome outcome,
                            const char *err);
SL_API sl_status sl_ingest_batch(sl_engine *e, const sl_article *a, size_t n, sl_ingest_cb cb,
                                 void *ud);

/* Commit the batch in flight.  SL_OK or SL_ESTORE. */
SL_API sl_status sl_commit(sl_engine *e);

/* A number that changes whenever another connection (another engine or
 * process) commits to the store: what answers kept by a reader are valid
 * for (SQLite's data_version).  -1 with no store or on error. */
SL_API int64_t sl_data_version(sl_engine *e);

/* ------------------------------------------------------------------------
 * Stored articles
 * ------------------------------------------------------------------------ */

typedef enum sl_para_kind {
    SL_PARA_BODY = 0,
    SL_PARA_HEADING = 1, /* a subheading inside the body */
    SL_PARA_LIST = 2     /* a list item ("- ...", "1. ...") */
} sl_para_kind;

typedef struct sl_span {
    size_t start, end; /* byte offsets into the clean text, end exclusive */
} sl_span;

typedef struct sl_paragraph {
    size_t start, end;
    sl_para_kind kind;
} sl_paragraph;

/* What cleaning removed, and why. */
typedef struct sl_removal {
    const char *reason; /* "repeated-paragraph", "boilerplate", "bom", ... */
    const char *detail; /* e.g. the rule name and where it is defined */
    const char *text;   /* the removed text */
} sl_removal;

/* A clean article.  Borrowed from the engine until its next call. */
typedef struct sl_doc {
    const char *id, *source, *url, *date, *title;
    const char *extra;  /* JSON object of unknown input fields, or NULL */
    const char *origin; /* where it was read from */
    const char *text;   /* clean text: paragraphs joined by '\n' */
    size_t text_len;
    const sl_paragraph *paragraphs;
    size_t n_paragraphs;
    const sl_removal *removed;
    size_t n_removed;
    const char *const *notes; /* cleaning steps that changed no text away,
                                 e.g. "title: the first line" */
    size_t n_notes;
    unsigned char hash[16];   /* 128-bit hash of the matching form */
    size_t n_sentences, n_tokens;
} sl_doc;

/*
 * Clean and segment an article without storing it.  *out is borrowed until
 * the next call on e.  Errors as sl_ingest() (never SL_ECONFLICT).
 */
SL_API sl_status sl_clean(sl_engine *e, const sl_article *a,
                          const sl_doc **out);

/* The stored article with this id.  SL_OK, SL_ENOTFOUND or SL_ESTORE. */
SL_API sl_status sl_get(sl_engine *e, const char *id, const sl_doc **out);

/*
 * Call cb for every stored article in ingest order; in the sl_doc only id,
 * source, url, date, title, origin, text_len, hash, n_sentences and n_tokens
 * are filled.  cb returns non-zero to stop.  SL_OK or SL_ESTORE.
 */
typedef int (*sl_doc_cb)(void *ud, const sl_doc *d);
SL_API sl_status sl_list(sl_engine *e, sl_doc_cb cb, void *ud);

/*
 * Segmentation of a doc from sl_get() or sl_clean(): its sentences and
 * tokens as byte spans into d->text, in order.  Sentences never cross a
 * paragraph.  The arrays are borrowed until the next call on e.
 */
typedef enum sl_token_kind {
    SL_TOK_WORD = 1,   /* letters, with internal ' ’ - (China's, dual-use) */
    SL_TOK_NUMBER = 2, /* digits with separators (1,000.5) */
    SL_TOK_PUNCT = 3,
    SL_TOK_SYMBOL = 4  /* $ % & ... */
} sl_token_kind;

typedef struct sl_token {
    size_t start, end;
    sl_token_kind kind;
} sl_token;

SL_API sl_status sl_segment(sl_engine *e, const sl_doc *d,
                            const sl_span **sentences, size_t *n_sentences,
                            const sl_token **tokens, size_t *n_tokens);

/*
 * The matching form of text: case-folded, quotes and dashes unified,
 * whitespace collapsed to one space.  Later stages compare this form; the
 * stored text is never changed.  *out is borrowed until the next call on e.
 */
SL_API sl_status sl_match_form(sl_engine *e, const char *text, size_t len,
                               const char **out, size_t *out_len);

/* Corpus figures. */
typedef struct sl_stats {
    uint64_t articles;      /* stored articles */
    uint64_t sources;       /* distinct outlets */
    uint64_t text_bytes;    /* bytes of clean text */
    uint64_t paragraphs, sentences, tokens;
    uint64_t removed;       /* removal records */
    uint64_t distinct_texts;/* distinct content hashes */
    uint64_t db_bytes;      /* size of the store on disk */
    int schema_version;
} sl_stats;

SL_API sl_status sl_stats_get(sl_engine *e, sl_stats *out);

/* Call cb with each removal reason and its count, most frequent first. */
typedef int (*sl_count_cb)(void *ud, const char *key, uint64_t count);
SL_API sl_status sl_removed_counts(sl_engine *e, sl_count_cb cb, void *ud);

/* Flags for sl_doc_json(). */
#define SL_JSON_SUMMARY 1  /* only the listing fields */
#define SL_JSON_SEGMENTS 2 /* add "segments": sentence and token spans */

/*
 * The doc as one line of JSON (no newline): {"id", "source", "url", "date",
 * "title", "text", "paragraphs": [{"kind", "start", "end", "text"}],
 * "removed": [{"reason", "detail", "text"}], "notes", "sentences",
 * "tokens", "hash", "origin", "extra"}, absent fields as null; a doc from
 * sl_get() also has "duplicates": [{"id", "kind", "similarity",
 * "containment", "paragraphs", "words", "shared"}].
 * With SL_JSON_SUMMARY: id, source, url, date, title, bytes, sentences,
 * tokens, hash and origin.  With SL_JSON_SEGMENTS also "segments":
 * {"sentences": [[start, end], ...], "tokens": [[start, end, kind], ...]}
 * in byte offsets into text, kind one of "word", "number", "punct",
 * "symbol".  *out is borrowed until the next call on e.
 */
SL_API sl_status sl_doc_json(sl_engine *e, const sl_doc *d, int flags,
                             const char **out);

/* ------------------------------------------------------------------------
 * Duplicates: exact, near and partial copies
 * ------------------------------------------------------------------------ */

typedef enum sl_dup_kind {
    SL_DUP_EXACT = 1,  /* the same clean text after normalisation */
    SL_DUP_NEAR = 2,   /* word 5-shingle Jaccard at or above the threshold */
    SL_DUP_PARTIAL = 3 /* shares whole paragraphs (30 words or more) */
} sl_dup_kind;

/* "exact", "near", "partial". */
SL_API const char *sl_dup_kind_name(sl_dup_kind k);

/* A verified relation between the article just added and an earlier one. */
typedef struct sl_dup_match {
    size_t doc;               /* the earlier article, by order of adding */
    const char *id;           /* its id */
    sl_dup_kind kind;
    double similarity;        /* shingle Jaccard of the two */
    double containment;       /* of the smaller shingle set in the larger */
    size_t shared_paragraphs; /* whole paragraphs both hold */
    size_t shared_words;      /* words in those paragraphs */
} sl_dup_match;

/*
 * In a store, every article is fingerprinted at ingest and compared with
 * the stored articles that share an LSH band key, a paragraph or the
 * content hash; the verified relations are kept.  The fingerprint
 * parameters are stored with the corpus: a store built with others gives
 * SL_EVERSION from the calls below until it is rebuilt (opt.rebuild_index,
 * `storyline reindex`).
 */

/* Which stored articles a copies, or copy it, without storing a.  cb gets
 * each verified match (doc is 0, id the stored id) and returns non-zero to
 * stop.  Errors as sl_clean(), SL_ESTORE, SL_EVERSION, SL_EINVAL. */
typedef int (*sl_match_cb)(void *ud, const sl_dup_match *m);
SL_API sl_status sl_check(sl_engine *e, const sl_article *a, sl_match_cb cb, void *ud);

/* Remove an article, its index entries and its relations.  SL_OK,
 * SL_ENOTFOUND, SL_ESTORE. */
SL_API sl_status sl_remove(sl_engine *e, const char *id);

/* One piece of evidence: a verified relation between two articles. */
typedef struct sl_dup_link {
    const char *a, *b;       /* the later and the earlier article */
    sl_dup_kind kind;
    double similarity, containment;
    size_t paragraphs, words;
    const char *shared;      /* shared paragraphs "i:j,..." (numbers in a and b) */
} sl_dup_link;

/* A group of exact and near copies (kind exact when every link is exact),
 * or one partial link (two members). */
typedef struct sl_dup_group {
    sl_dup_kind kind;
    const char *const *members;  /* in ingest order */
    size_t n_members;
    const char *representative;  /* earliest date, then longest, then first
                                    stored; NULL for a partial link */
    double similarity;           /* the lowest similarity among the links */
    const sl_dup_link *links;
    size_t n_links;
} sl_dup_group;

/* Every group, then every partial link.  Pointers are valid during cb.
 * SL_OK, SL_ESTORE, SL_ENOMEM, SL_EVERSION. */
typedef int (*sl_group_cb)(void *ud, const sl_dup_group *g);
SL_API sl_status sl_dups(sl_engine *e, sl_group_cb cb, void *ud);

/* Duplicates in a stream, with no store: */

typedef struct sl_dedup sl_dedup;

/* Thresholds; start from sl_dedup_options_init(). */
typedef struct sl_dedup_options {
    double near_threshold;     /* Jaccard for near (default chosen on dev data) */
    size_t partial_min_words;  /* shared paragraph words for partial (30) */
    unsigned threads;          /* for sl_dedup_add_batch; 0: one per core */
    int evidence;              /* 1 (default): shared_paragraphs and
                                  shared_words of exact and near matches
                                  too; 0 leaves them 0, which is faster
                                  (partial matches always have them) */
} sl_dedup_options;

SL_API void sl_dedup_options_init(sl_dedup_options *opt);

/*
 * A duplicate finder over a stream of articles, in memory.  Articles are
 * cleaned with e (which may be a dry-run engine, sl_open(NULL, ...)), which
 * must outlive d.  opt may be NULL.  SL_OK or SL_ENOMEM.
 */
SL_API sl_status sl_dedup_open(sl_engine *e, const sl_dedup_options *opt, sl_dedup **out);
SL_API void sl_dedup_close(sl_dedup *d);

/*
 * Clean and fingerprint a, find every earlier article it copies or that
 * copies it (each candidate verified on the shingle sets and paragraphs,
 * never on a hash collision alone), then add it.  *m (n of them) is
 * borrowed until the next call.  Errors as sl_clean(), message on e.
 */
SL_API sl_status sl_dedup_add(sl_dedup *d, const sl_article *a, const sl_dup_match **m,
                              size_t *n);

/*
 * Add a[0, n) in order, as n calls of sl_dedup_add() would, with the
 * cleaning and fingerprinting spread over opt.threads threads (the caller's
 * included) while the index is searched and grown in order.  cb gets each
 * article in order: s is SL_OK with its matches (borrowed during the
 * call), or the article's error with its message in err (the batch goes
 * on).  cb returns nonzero to stop.  SL_OK, or SL_ENOMEM/SL_ETOOBIG (the
 * articles before the failure were added), message on e.
 */
typedef int (*sl_dedup_cb)(void *ud, const sl_article *a, sl_status s, const char *err,
                           const sl_dup_match *m, size_t n);
SL_API sl_status sl_dedup_add_batch(sl_dedup *d, const sl_article *a, size_t n,
                                    sl_dedup_cb cb, void *ud);

/* Articles added so far; the id of one; the representative of its group
 * of exact and near copies (the earliest by date, then the longest, then
 * the first added). */
SL_API size_t sl_dedup_count(const sl_dedup *d);
SL_API const char *sl_dedup_id(const sl_dedup *d, size_t doc);
SL_API size_t sl_dedup_representative(sl_dedup *d, size_t doc);

/* ------------------------------------------------------------------------
 * Stories: articles about one event, grouped as they arrive
 * ------------------------------------------------------------------------ */

/* One article of a story's timeline. */
typedef struct sl_story_entry {
    const char *id, *date, *source, *title; /* date, source, title may be NULL */
    const char *copy_of; /* the article it copies (exact or near), or NULL:
                            an independent report */
    double similarity;   /* to the story when it joined (1 for a copy; 0
                            for the article that started it) */
} sl_story_entry;

typedef struct sl_story {
    int64_t id;
    const char *label;          /* the title of its most central article */
    const char *const *terms;   /* its most telling terms, up to 8 */
    size_t n_terms;
    const char *first_seen, *last_update; /* dates of its articles, or NULL */
    size_t n_articles;          /* independent reports */
    size_t n_copies;            /* exact and near copies folded under them */
    const char *const *outlets; /* distinct sources, in order of first report */
    size_t n_outlets;
    const sl_story_entry *entries; /* every article: by date, then ingest order */
    size_t n_entries;
} sl_story;

/* Everything borrowed until the callback returns; non-zero stops. */
typedef int (*sl_story_cb)(void *ud, const sl_story *s);

typedef struct sl_story_filter {
    const char *since, *until; /* stories with articles in [since, until]
                                  (YYYY-MM-DD; NULL: open) */
    size_t min_size;           /* articles, copies included (0: all) */
} sl_story_filter;

/* The stories, largest first.  f may be NULL.  SL_OK, SL_ESTORE. */
SL_API sl_status sl_stories(sl_engine *e, const sl_story_filter *f, sl_story_cb cb, void *ud);

/* One story by id; the id of a story merged into another gives that one.
 * SL_OK, SL_ENOTFOUND, SL_ESTORE. */
SL_API sl_status sl_story_get(sl_engine *e, int64_t id, sl_story_cb cb, void *ud);

/* Make every story again from the stored articles, in date order, with
 * the current settings (after an upgrade that changed them).  Ids are
 * given anew from 1.  SL_OK, SL_ESTORE, SL_ENOMEM. */
SL_API sl_status sl_recluster(sl_engine *e);

/* Why new articles are not being placed in stories (the stories were
 * made with other settings: sl_recluster() makes them again), or NULL. */
SL_API const char *sl_stories_stale(sl_engine *e);

/* The story of a stored article: its id, 0 when it has none yet. */
SL_API sl_status sl_story_of(sl_engine *e, const char *article_id, int64_t *story);

/* ---- named entities -------------------------------------------------------- */

/* A named entity in a text: bytes [start, end), and its type: "PER",
 * "ORG", "LOC" or "MISC" (the CoNLL-2003 types). */
typedef struct sl_mention {
    size_t start, end;
    const char *type;
} sl_mention;

/* Tag a document of n tokens (each tok[i] of len[i] bytes of UTF-8) with
 * the built-in model; first[i] is nonzero where a sentence starts (first
 * NULL: the tokens are one sentence).  A document is read whole: how a
 * word is used in one of its sentences tells of it in the others.
 * tags[i] gets "O", "B-PER", "I-PER", ... (IOB2; static strings).
 * SL_OK, SL_ENOMEM, SL_EMODEL. */
SL_API sl_status sl_tag_tokens(sl_engine *e, const char *const *tok, const size_t *len,
                               const unsigned char *first, size_t n, const char **tags);

/* The named entities of text[0, len) (UTF-8; split into sentences and
 * tokens as sl_segment does, a line break ends a paragraph).  *out
 * lives until the next call on e.  SL_OK, SL_EUTF8 (err says the byte),
 * SL_ENOMEM, SL_EMODEL. */
SL_API sl_status sl_entities_of(sl_engine *e, const char *text, size_t len, const sl_mention **out,
                                size_t *n);

/* ---- attributions: who said what ------------------------------------------ */

/* A statement attributed in a text: its source (who), cue (the words that
 * attribute: "said", "according to", a colon) and content (what), each
 * as byte spans into the text (several when a quotation is split around
 * its cue; the source may have none), the stance of the cue from the cue
 * words (data/cues.txt): "assert", "deny", "urge", "accuse", "warn",
 * "promise", "acknowledge" or "question", whether a negation stands just
 * before or in the cue ("did not deny": stance deny, negated), whether the
 * content is a quotation (direct), the numbers in the content ("155",
 * "$200 billion") as spans too, and the name the source stands for. */
typedef struct sl_attribution {
    const sl_span *source, *cue, *content, *values;
    size_t n_source, n_cue, n_content, n_values;
    const char *stance;
    int negated, direct;
    /* who the source is: the person, organisation or place named in it
     * ("Spokesperson Lin Jian": Lin Jian; "China"), or for "he" or "she"
     * the person named last before it; with no source ("Zelensky made a
     * claim that ..."), the person (else organisation) named nearest
     * before the cue in its sentence; start == end when none */
    sl_span speaker;
} sl_attribution;

/* The attributions of text[0, len) (UTF-8; a line break ends a
 * paragraph), in the order of their cues.  *out lives until the next
 * call on e.  SL_OK, SL_EUTF8 (err says the byte), SL_ENOMEM,
 * SL_EMODEL. */
SL_API sl_status sl_attributions_of(sl_engine *e, const char *text, size_t len,
                                    const sl_attribution **out, size_t *n);

/* ---- canonical entities ------------------------------------------------------ */

/* An entity of the store: the names of one person, body, place or other
 * thing resolved across spellings and articles (data/entities.txt and the
 * rules of storyline(1)). */
typedef struct sl_entity {
    int64_t id;
    const char *name, *type;       /* "PER", "ORG", "LOC", "MISC" */
    size_t articles, outlets;      /* that mention it */
    const char *const *variants;   /* spellings met, most mentioned first */
    size_t n_variants;
    const char *const *article_ids; /* in ingest order */
    size_t n_article_ids;
    const char *link_kind;         /* "demonym of", or NULL */
    const char *link_name;         /* the entity it links to ("China") */
} sl_entity;

typedef int (*sl_entity_cb)(void *ud, const sl_entity *en);

typedef struct sl_entity_filter {
    int64_t story;    /* mentioned in this story's articles (0: any) */
    const char *type; /* of this type (NULL: any) */
} sl_entity_filter;

/* The entities, most articles first.  f may be NULL.  SL_OK, SL_ESTORE. */
SL_API sl_status sl_entities(sl_engine *e, const sl_entity_filter *f, sl_entity_cb cb, void *ud);

/* An article that mentions an entity, and its story. */
typedef struct sl_entity_article {
    const char *id, *date, *source, *title;
    int64_t story; /* 0: in none yet */
} sl_entity_article;

/* The entity a name means, by any spelling: cb once with it, then art
 * (may be NULL) once for each article that mentions it.  SL_OK,
 * SL_ENOTFOUND, SL_ESTORE. */
SL_API sl_status sl_entity_get(sl_engine *e, const char *name, sl_entity_cb cb,
                               int (*art)(void *ud, const sl_entity_article *a), void *ud);

/* ---- claims: attributions stored, across outlets ------------------------------ */

/* A claim: an attribution of a stored article (sl_attribution), its
 * speaker resolved to an entity, and its claim group: within a story,
 * the claims of one speaker with much the same content, whichever outlet
 * carries them.  A denial's group disputes the groups whose content it
 * denies. */
typedef struct sl_claim {
    int64_t id, group, story;  /* story 0: its article is in none yet */
    const char *article, *date, *outlet; /* date, outlet may be NULL */
    const char *speaker;       /* the name the source stands for, or NULL */
    int64_t entity;            /* the speaker's entity (0: none) ... */
    const char *entity_name;   /* ... and its name, or NULL */
    const char *source;        /* the source as written, or NULL */
    const char *cue, *stance, *content; /* several spans: " ... " between */
    int negated, direct;
    int copy;                  /* its article is an exact or near copy of
                                  another (sl_story_entry.copy_of) */
    const char *const *values; /* numbers in the content, as written */
    size_t n_values;
    const int64_t *disputes;   /* the groups its group disputes */
    size_t n_disputes;
    int selected;              /* it passes the filter (a group is given
                                  when one of its claims does) */
} sl_claim;

/* A claim group: its claims by date (the first is the first report),
 * how many articles carry it (reports: those not copies), and outlets,
 * what it disputes and what disputes it (group ids). */
typedef struct sl_claim_group {
    int64_t id, story;
    const sl_claim *claims;
    size_t n_claims, n_articles, n_reports, n_outlets;
    const int64_t *disputes, *disputed_by;
    size_t n_disputes, n_disputed_by;
} sl_claim_group;

typedef struct sl_claim_filter {
    int64_t story;       /* of this story's articles (0: any) */
    const char *speaker; /* by an entity's name in any spelling, else words
                            of the speaker or source (NULL: any) */
    const char *stance;  /* "deny", ... (NULL: any) */
} sl_claim_filter;

/* Find the claims of the stored articles (of story's when > 0) not
 * analysed yet, and store them; after an upgrade of the tagger, every
 * article's again.  Commands that show claims call it first; it costs
 * about a millisecond an article.  progress (may be NULL) gets the
 * articles done and to do now and then; non-zero stops (what is done
 * stays).  SL_OK, SL_ESTORE (also a store opened read-only with articles
 * to analyse), SL_ENOMEM, SL_EMODEL. */
SL_API sl_status sl_claims_update(sl_engine *e, int64_t story,
                                  int (*progress)(void *ud, size_t done, size_t total), void *ud);

/* The claim groups (of f->story, or every story's, by story), each
 * story's in order of their first report; a group passes the filter when
 * one of its claims does.  cb's arguments are borrowed until it returns;
 * non-zero stops.  SL_OK, SL_ESTORE, SL_ENOMEM. */
SL_API sl_status sl_claim_groups(sl_engine *e, const sl_claim_filter *f,
                                 int (*cb)(void *ud, const sl_claim_group *g), void *ud);

/* ---- search ------------------------------------------------------------------- */

/* A search: words (all must match; any case, accents folded), "a phrase"
 * in double quotes, OR between alternatives, word* for a prefix; nothing
 * else is syntax.  Filters may be 0/NULL. */
typedef struct sl_search_query {
    const char *text;
    int64_t story;        /* in this story (an alias resolves) */
    const char *entity;   /* naming this entity, by any spelling */
    const char *source;   /* from this outlet */
    const char *since, *until; /* dated within [since, until] (YYYY-MM-DD) */
    const char *stance;   /* with a claim of this stance, not negated (claims
                             must have been found: sl_claims_update) */
    size_t limit, offset; /* a page of groups (limit 0: 10) */
} sl_search_query;

/* A hit: the best matching article of a duplicate group (an original and
 * the exact and near copies folded under it), its BM25 score (title
 * weighted ten times the text; higher is better), a snippet of its text
 * and its title with each match between the bytes 0x01 and 0x02, and the
 * ids of the group's other matching articles. */
typedef struct sl_search_hit {
    const char *id, *title, *source, *date; /* title, source, date may be NULL */
    int64_t story;
    double score;
    const char *snippet, *title_marked;
    const char *const *copies;
    size_t n_copies;
} sl_search_hit;

typedef struct sl_search_totals {
    size_t groups, articles; /* that match, over every page */
} sl_search_totals;

/* The hits of a page, best first, cb once each (borrowed until it
 * returns; non-zero stops); totals (may be NULL) whatever the page.
 * SL_OK, SL_EINVAL (nothing to search for), SL_ENOTFOUND (no such
 * entity), SL_EVERSION (articles were bulk loaded, opt.no_index, and the
 * index waits for a reindex), SL_ESTORE. */
SL_API sl_status sl_search(sl_engine *e, const sl_search_query *q, sl_search_totals *totals,
                           int (*cb)(void *ud, const sl_search_hit *h), void *ud);

#ifdef __cplusplus
}
#endif
#endif /* STORYLINE_H */
