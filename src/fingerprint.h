/*
 * fingerprint.h - what duplicate detection knows of an article.
 *
 * From the matching form of the clean text: the words (runs of letters and
 * digits, as \w+ reads them), their 5-word shingles as 64-bit hashes, a
 * one-permutation MinHash signature over the shingles (with densification
 * for empty bins) cut into LSH bands, and a hash of each paragraph long
 * enough to matter for partial copies.  Verification compares the shingle
 * sets themselves (Jaccard, containment), never the signature alone.
 *
 * The parameters are part of a corpus: fp_params_string() is stored with
 * it and compared when it is opened again.
 */
#ifndef SL_FINGERPRINT_H
#define SL_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "normalize.h"
#include "storyline.h"

#define FP_SHINGLE 5     /* words per shingle */
#define FP_K 128         /* MinHash values (one-permutation bins) */
#define FP_ROWS 3        /* values per LSH band */
#define FP_BANDS 8       /* bands: FP_ROWS * FP_BANDS <= FP_K.  The paragraph
                            keys find most near copies: on dev, 8 bands of
                            3 find the same pairs as 16 of 4 (and 32 of 4);
                            with each article's paragraphs joined into one,
                            near recall 0.997 against 0.999, for half the
                            band postings (memory and store) */
#define FP_PARA_WORDS 10 /* paragraphs shorter than this are not fingerprinted */
#define FP_VERSION 3     /* bump when anything above or the hashing changes */

/* The default decision (see fp_decide), chosen on ../shared/data/dedup-dev
 * (make eval): near copies there have Jaccard >= 0.278 and containment
 * >= 0.70 (all but 0.1 %); partial copies and hard negatives have Jaccard
 * < 0.13; a passage lifted into another article is at most 60 % of it by
 * the definition of a partial copy, so containment 0.65 keeps a short
 * article built around a few paragraphs of another a partial copy.
 *
 * A partial copy is a passage of paragraphs, 30 words or more, that each
 * article holds of the other; a paragraph is held when 60 % of the
 * shingles inside it are in the other article, so lightly edited copies
 * count (verbatim only: recall 0.88 on dev; 60 %: 0.99).  Articles about
 * one event written independently quote the same statements and the same
 * agency paragraphs; what tells them from a lifted passage is the rest of
 * the text: their topic words outside the shared passage (FP_TOPIC_BYTES
 * or longer, not numbers, not in data/common-words.txt) have a cosine of
 * 0.2 and more, while an article that lifts a passage into a story of its
 * own stays under 0.15 (dev: every gold partial pair under 0.15; 0 of
 * 2,594 same-event negatives over the line at 0.15, 1 at 0.2). */
#define FP_NEAR_JACCARD 0.25
#define FP_NEAR_CONTAINMENT 0.65
#define FP_PARTIAL_WORDS 30
#define FP_PARA_CONTAINED 0.6
#define FP_PARTIAL_TOPIC 0.15
#define FP_TOPIC_BYTES 4 /* topic words: 4 bytes or more */

/* The parameters as one string, e.g. "fp3 shingle=5 k=128 rows=3 bands=8
 * para=10", to store with a corpus and compare on open. */
const char *fp_params_string(void);

typedef struct fp_para {
    uint64_t hash;  /* of the paragraph's word sequence */
    uint32_t index; /* paragraph number in the clean text, from 0 */
    uint32_t first; /* its first word in the document's word sequence */
    uint32_t words;
} fp_para;

typedef struct fingerprint {
    unsigned char exact[16]; /* XXH3-128 of the matching form */
    uint32_t sig[FP_K];      /* one-permutation MinHash */
    const uint32_t *shingles; /* the top 32 bits of the shingle hashes,
                                 sorted, unique; n_shingles of them */
    size_t n_shingles;
    const uint64_t *seq;     /* shingle i starts at word i; n_seq of them
                                (NULL after fp_rebuild) */
    size_t n_seq;
    const uint64_t *words;   /* word hashes, low bit set on topic words */
    size_t n_words;
    const fp_para *paras;    /* fingerprinted paragraphs, in order */
    size_t n_paras;
    int words_only;          /* fp_words made it: no shingles, signature
                                or paragraph keys yet */
} fingerprint;

/* The shingles two articles share, as an open-addressing set. */
typedef struct fp_shared {
    uint32_t *slot;  /* 0 is an empty slot */
    size_t mask, cap;
    int has_zero;    /* the shingle hash 0, which no slot can hold */
} fp_shared;

/* Scratch space reused across documents. */
typedef struct fp_ctx {
    buf form;          /* matching form of one paragraph */
    uint64_t *words;   /* word hashes of the document */
    size_t n_words, cap_words;
    uint64_t *seq;     /* shingle hashes in text order */
    uint64_t *sh;      /* the same, sorted */
    uint32_t *sh32;    /* their top 32 bits, unique: the shingle set */
    uint64_t *tmp;     /* the radix sort's other half */
    size_t cap_seq, cap_sh, cap_sh32, cap_tmp;
    fp_para *paras;
    size_t cap_paras;
    /* fp_decide's scratch */
    uint32_t *d_sh;
    uint64_t *d_inter;
    size_t cap_d_sh, cap_d_inter;
    uint8_t *d_in;
    size_t cap_d_in;
    size_t d_n_sh; /* shared shingles in d_sh */
    fp_shared d_set;
} fp_ctx;

/*
 * Fingerprint text[0, len) (clean text, paragraphs at paras).  forms,
 * when not NULL, holds the paragraphs' matching forms at form_base (what
 * the cleaner made); else they are made here.  The arrays of f point
 * into ctx and stay valid until the next call.  0, or -1 when memory
 * runs out.
 */
int fp_compute(fp_ctx *ctx, const char *text, size_t len, const sl_paragraph *paras,
               size_t n_paras, const char *form_base, const norm_span *forms, fingerprint *f);
void fp_ctx_free(fp_ctx *ctx);

/* The first step of fp_compute alone: the words and the paragraphs that
 * are fingerprinted (n_words, n_paras: what the link of an exact copy to
 * its original records), about a third of the work.  f->words_only is
 * set. */
int fp_words(fp_ctx *ctx, const char *text, size_t len, const sl_paragraph *paras,
             size_t n_paras, const char *form_base, const norm_span *forms, fingerprint *f);

/* A fingerprint again from what fp_compute made of a text: its words,
 * sorted shingles and paragraphs (borrowed: f points to them).  The
 * shingles in text order are left out (seq NULL): fp_decide makes them
 * from the words only for a candidate whose paragraphs it compares, a
 * twentieth of the stream deduper's time when made for every one.  Not
 * exact or sig. */
void fp_rebuild(const uint64_t *words, size_t n_words, const uint32_t *shingles, size_t n_shingles,
                const fp_para *paras, size_t n_paras, fingerprint *f);

/* Thresholds of the decision below. */
typedef struct fp_rules {
    double near_jaccard;       /* near: Jaccard at or above */
    double near_containment;   /* ... and containment of the smaller */
    size_t partial_min_words;  /* partial: words in shared paragraphs */
    double partial_max_topic;  /* ... and topic cosine of the rest below */
    int near_evidence;         /* 1: find the shared paragraphs of exact and
                                  near copies too (0 leaves them 0; a
                                  tenth of the stream deduper's time) */
} fp_rules;

/* What one candidate is to a new article, decided on the shingle sets and
 * the paragraph hashes (never on a key collision).  shared[] gets the
 * (new, other) paragraph numbers of the shared paragraphs, up to 64. */
typedef struct fp_verdict {
    int kind;                  /* 0 none, else an sl_dup_kind */
    double jaccard, containment;
    size_t paragraphs, words;
    double topic;              /* fp_topic, when it was needed */
    uint32_t shared[64][2];
} fp_verdict;

/* 0, or -1 when memory runs out.  x is scratch space: a or b may point
 * into it only when neither comes from fp_rebuild (x's seq then holds
 * the rebuilt one's text-order shingles). */
int fp_decide(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
              fp_verdict *v);

/* fp_decide in two steps, for a b whose words and paragraphs are dear to
 * fetch: fp_decide_shingles needs only b's counts and shingles and
 * returns 0 when v is final, 1 when it needs the words and paragraphs
 * (which fp_decide_rest then reads in b, x as the first step left it),
 * -1 when memory runs out; so does fp_decide_rest.  Most candidates are
 * decided on their shingles (in the stream deduper two in three). */
int fp_decide_shingles(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
                       fp_verdict *v);
int fp_decide_rest(fp_ctx *x, const fingerprint *a, const fingerprint *b, const fp_rules *r,
                   fp_verdict *v);

/* The key of LSH band b (0 <= b < FP_BANDS). */
uint64_t fp_band_key(const fingerprint *f, int b);

/* |A ∩ B| for sorted unique arrays; the shared values go to out (room
 * for the smaller) unless it is NULL. */
size_t fp_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out);

/* Jaccard |A ∩ B| / |A ∪ B|, and containment of A in B |A ∩ B| / |A|,
 * given the size of the intersection. */
double fp_jaccard(size_t inter, size_t na, size_t nb);
double fp_containment(size_t inter, size_t na);

#endif
