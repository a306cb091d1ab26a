/*
 * engine.h - the engine's state, shared by the files that implement the
 * public API (engine.c, dupindex.c).  Not for programs: they see the
 * opaque sl_engine of storyline.h.
 */
#ifndef SL_ENGINE_H
#define SL_ENGINE_H

#include <stdatomic.h>

#include "buf.h"
#include "clean.h"
#include "fingerprint.h"
#include "judge.h"
#include "multimap.h"
#include "rules.h"
#include "segment.h"
#include "store.h"
#include "storyline.h"

/* The tagger's room for one document, some 230 bytes a token: the
 * model's scratch and the tokens gathered, their bytes and tags.  A
 * cleaning slot of sl_ingest_batch borrows its worker's while it tags, so
 * that its slots hold what the writer needs and no tagger scratch (peak
 * memory of an ingest of 150 MB of news: 140 -> 116 MB; a slot each had
 * kept the room its longest article needed). */
typedef struct ner_room {
    struct ner_scratch *s;
    uint8_t *tags;
    struct ner_tok *tok;
    sl_span *span;        /* each tok's bytes in the text */
    size_t cap;
} ner_room;

struct sl_engine {
    sl_options opt;
    rules *rules;
    int rules_borrowed;   /* a slot's: the rules are its parent's */
    store *st;            /* NULL in a dry run */
    cleaner cl;
    char err[1024];
    unsigned pending;     /* articles in the open transaction */
    size_t pending_bytes;
    buf kbuf;             /* kind letters of the article being stored */
    buf nbuf;             /* its notes, '\n' between them */
    buf tbuf;             /* the given title, trimmed and NFC */
    store_removal *srem;
    size_t cap_srem;
    /* the doc handed out by sl_get / sl_clean */
    sl_doc doc;
    buf dstr;             /* its strings, back to back */
    sl_paragraph *para;
    size_t cap_para;
    sl_removal *rem;
    size_t n_rem, cap_rem;
    size_t *rem_off;      /* offsets of reason, detail, text while building */
    const char *notes[16];
    buf json;
    buf form;
    segmenter seg;
    int doc_stored;         /* doc came from the store (sl_get) */
    /* the duplicate index (dupindex.c) */
    int fp_state;           /* 1 usable; 2 ingesting with --no-index;
                               0 no store; -1 built with other parameters
                               or stale (fp_msg says) */
    char fp_msg[256];
    fp_ctx fpa;             /* the article at hand */
    fingerprint fa;
    judge_scratch jw;       /* a candidate judged on this thread */
    struct judge *judge;    /* the thread that judges while ingesting */
    int judge_off;          /* 1: judge here (one core, or no thread) */
    uint32_t *keys;         /* its posting keys */
    size_t n_keys, cap_keys;
    int64_t exact_of;       /* the earliest article with the same text */
    int64_t *cand;          /* candidate seqs */
    size_t n_cand, cap_cand;
    int64_t *pairs;         /* (seq, hits) while ranking them */
    size_t cap_pairs;
    sl_paragraph *cpara;    /* a stored text's paragraphs */
    size_t cap_cpara;
    buf shared;             /* "i:j,..." of one relation */
    buf scratch;            /* dups: strings of the relations */
    sl_dup_link *links;     /* relations of one article, for JSON */
    size_t cap_links;
    /* postings: the recent tier in memory, merge scratch */
    multimap recent;
    int recent_ok;          /* recent holds the store's recent tier */
    int64_t recent_version; /* data_version it was loaded at */
    size_t n_recent, n_merged; /* articles in each tier (merged: about) */
    buf bucket;             /* one bucket's blob */
    struct bucket_copy *bc; /* the merged buckets read so far (dupindex.c) */
    size_t bc_bytes;        /* their bytes */
    uint64_t *run, *old, *merged;
    size_t n_run, cap_run, cap_old, cap_merged;
    /* sl_ingest_batch: articles cleaned and fingerprinted ahead, each in a
     * slot of its own (an engine with no store, a fingerprint) */
    struct ingest_slot *slots;
    unsigned n_slots;
    /* stories (storyidx.c) */
    /* named entities (entities.c), the model loaded on first use */
    struct ner_model *ner;
    ner_room nr;          /* the document being tagged */
    sl_mention *mentions;
    size_t cap_mentions;
    struct claims_ctx *claims; /* the attribution tagger (claims.c), on first use */
    struct canon *canon;  /* data/entities.txt, loaded on first use (entityidx.c) */
    int canon_borrowed;   /* a slot's: its parent's */
    buf ekey;             /* a key being made */
    struct ent_ref *refs; /* an article's mentions, resolved as far as can be */
    size_t cap_refs;
    buf rstr;             /* their strings */
    struct ent_cache *ecache; /* the writer's key -> entity id */
    struct story_state *stories; /* the clusterer, loaded on first use */
    struct story_state *labeller; /* frequencies alone, when stories is unusable */
    int story_ok;           /* 1 loaded; 0 not yet; -1 made with other
                               settings (story_msg says) */
    char story_msg[512];
    struct terms_ctx *terms; /* for articles stored without terms */
    struct terms_ctx *wterms[64]; /* one per sl_ingest_batch worker */
    ner_room wroom[64];     /* the same */
    int64_t story_next;     /* the id the next new story takes */
    int64_t story_upto;     /* articles up to this seq are placed */
    /* articles stored with opt.dups_only wait for a rebuild (engine.c,
     * "analyses deferred") */
    int deferred;
    buf tblob;              /* one article's terms, encoded */
    /* The exact keys (first 8 bytes) of articles this engine stored
     * lately, direct-mapped: a batch worker that meets one skips the story
     * terms of what will be an exact copy (they join their original's
     * story unweighed).  Written by the storing thread only; a worker
     * that reads a stale slot just does the work.  NULL until needed. */
    _Atomic uint64_t *stored_keys;
};
#define STORED_KEYS 131072 /* a power of two; 1 MiB */
#define TERMS_SKIPPED ((size_t)-1)

/* Set the engine's message and return s. */
sl_status engine_err(sl_engine *e, sl_status s, const char *fmt, ...);
/* The whole of a file into out (at most max bytes).  0; 1 it could not be
 * read, 2 it is larger: msg says which. */
int engine_read_file(const char *path, size_t max, buf *out, char *msg, size_t n);
/* entities.c: what sl_close frees of the tagger */
void entities_free(sl_engine *e);
void ner_room_free(ner_room *r);
/* The named entities of text split into sentences and tokens (as the
 * cleaner split it); *out lives until the next call on e. */
sl_status entities_in(sl_engine *e, const char *text, const sl_span *sent, size_t n_sent,
                      const sl_token *tok, size_t n_tok, const sl_mention **out, size_t *n);
/* The tokens of text[0, len) (a line is a paragraph) and their named-
 * entity tags, the alias data's names added: e->nr.tok, e->nr.span
 * (bytes in text) and e->nr.tags hold *n of them, until the next call. */
sl_status entities_tokens(sl_engine *e, const char *text, size_t len, size_t *n);
/* claims.c: what sl_close frees of the attribution tagger */
void claims_free(sl_engine *e);
/* Whether w[0, n) is a cue word or names a statement (data/cues.txt):
 * not what a claim is about. */
int claims_saying(sl_engine *e, const char *w, size_t n);
/* The attribution tagger's tokens of text[0, len) (entities_tokens, with
 * paragraphs): *tok and *span (bytes in text) hold *n of them, until the
 * next call.  For the trainer, which must see what sl_attributions_of
 * sees. */
struct at_tok;
sl_status claims_tokens(sl_engine *e, const char *text, size_t len, const struct at_tok **tok,
                        const sl_span **span, size_t *n);
/* entityidx.c: an article's mentions resolved to entities and stored.
 * entityidx_local does what needs no store (on a cleaning worker, with
 * e->canon loaded or borrowed): *out and the strings (e->rstr) live until
 * the next call on e; entityidx_put stores them on the writer. */
typedef struct ent_ref {
    size_t start, end;
    const char *mtype, *etype;  /* the tagger's type, the entity's */
    size_t text, key, name;     /* offsets into the strings (name: NO_OFF, the text) */
    size_t ckey, cname;         /* a demonym's country, or NO_OFF */
    const char *ctype;
    int words;                  /* in key */
} ent_ref;
sl_status entityidx_load(sl_engine *e);
sl_status entityidx_local(sl_engine *e, const char *text, const sl_mention *m, size_t n,
                          const ent_ref **out);
sl_status entityidx_put(sl_engine *e, int64_t seq, const ent_ref *r, size_t n, const char *str);
void entityidx_forget(sl_engine *e);
/* The entity a name means, by any spelling (sl_entity_get): *id, 0 when
 * none. */
sl_status entityidx_find(sl_engine *e, const char *name, int64_t *id);
void entityidx_free(sl_engine *e);

/* The duplicate index (dupindex.c). */
/* After the store is open: check the fingerprint parameters, index an
 * unindexed store, or rebuild when asked.  Sets fp_state. */
sl_status dupindex_open(sl_engine *e);
/* Index the article stored as seq (text, paragraphs, hash, and its
 * fingerprint when it was made already, else NULL): find and store its
 * relations, post its keys. */
sl_status dupindex_add(sl_engine *e, int64_t seq, const char *text, size_t len,
                       const sl_paragraph *paras, size_t n_paras, const unsigned char hash[16],
                       const fingerprint *f);
/* Relations of a stored article, for JSON. */
sl_status dupindex_links(sl_engine *e, const char *id, sl_dup_link **links, size_t *n);
void dupindex_free(sl_engine *e);
/* Drop what the engine holds of the duplicate index (the recent tier, the
 * buckets read, verdicts not written): after a failed commit it may hold
 * what was rolled back. */
void dupindex_forget(sl_engine *e);
/* Write the relations of the candidates still being judged (before a
 * commit, and before anything reads relations). */
sl_status dupindex_settle(sl_engine *e);

/* Stories (storyidx.c). */
struct term;
/* Place the articles stored since the last call in stories, in the open
 * transaction (sl_commit calls it before committing). */
sl_status storyidx_flush(sl_engine *e);
void storyidx_free(sl_engine *e);

/* Analyses deferred by opt.dups_only (engine.c): at open, whether any
 * wait; the mark an ingest leaves; and the SL_EVERSION of the calls that
 * need what waits. */
sl_status deferred_open(sl_engine *e);
sl_status deferred_mark(sl_engine *e);
sl_status deferred_refuse(sl_engine *e);
/* Terms as the store keeps them: 8 bytes each, little-endian. */
int storyidx_encode(const struct term *t, size_t n, buf *out);

#endif
