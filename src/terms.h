/*
 * terms.h - what story clustering knows of an article: its terms.
 *
 * Three kinds of term, from the clean text and the title:
 *   words    stemmed (libstemmer's English), lower case, stopwords
 *            (data/stopwords.txt) dropped;
 *   names    capitalised words that do not start a sentence (every
 *            capitalised word of a title), lower case, not stemmed: what
 *            tells two similar events apart (two stars' rehab stays);
 *   numbers  of two digits or more, as written (ages, tolls, sums, years).
 * Each term is a 32-bit key: its kind in the top two bits, a hash of its
 * text below.  An article keeps its TERMS_MAX terms of highest weight
 * against background document frequencies (data/terms-df.txt, made from
 * a news corpus by tools/df_model.c), sorted by key.
 */
#ifndef SL_TERMS_H
#define SL_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "segment.h"

#define TERMS_MAX 96     /* terms kept an article */
#define TERM_WORD 0u
#define TERM_NAME 1u
#define TERM_NUMBER 2u
#define TERM_KIND(k) ((k) >> 30)

typedef struct term {
    uint32_t key;
    uint16_t title; /* times in the title */
    uint16_t body;  /* times in the text */
} term;

typedef struct terms_ctx terms_ctx;

/* A context per thread (libstemmer's stemmers are not shared).  NULL when
 * memory runs out. */
terms_ctx *terms_new(void);
void terms_free(terms_ctx *t);

/*
 * The terms of one article: text[0, len) with its sentences and tokens
 * (from the segmenter; NULL to segment here) and its title (may be NULL).
 * *out points into t until the next call; *n of them, sorted by key.
 * 0, or -1 when memory runs out.
 */
int terms_of(terms_ctx *t, const char *text, size_t len, const sl_span *sent, size_t n_sent,
             const sl_token *tok, size_t n_tok, const char *title, const term **out, size_t *n);

/* The key of a term's text (lower case; stemmed for words). */
uint32_t terms_key(unsigned kind, const char *s, size_t n);

/* Background document frequencies: the documents counted, and the count
 * of a key (0 when unknown). */
uint32_t terms_bg_docs(void);
uint32_t terms_bg_df(uint32_t key);

/* As terms_of, with the term texts too: cb(ud, key, text, n) once per
 * distinct term, in the order of first use.  A word's text is its stem,
 * or with surface set the word as its first use wrote it (lower case). */
int terms_each(terms_ctx *t, const char *text, size_t len, const char *title, int surface,
               void (*cb)(void *ud, uint32_t key, const char *s, size_t n), void *ud);

#endif
