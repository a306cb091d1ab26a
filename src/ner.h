/*
 * ner.h - named entities: PER, ORG, LOC and MISC (the CoNLL-2003 types),
 * tagged in IOB2 by a linear model over hashed features of each token and
 * its neighbours, decoded with Viterbi (first-order transitions).
 *
 * The model is data: tools/train_ner.c learns it from CoNLL-format text
 * (an averaged structured perceptron) and writes data/ner.model, which
 * the build links into the library (ner_default).  The file format:
 *
 *   header, 64 bytes, little-endian (chain.h):
 *     "SLNER\0\0\2"      magic (the last byte: format 2)
 *     u32 tags           NER_TAGS
 *     u32 bits           the feature table has 1 << bits rows
 *     u32 features       NER_FEATURES_VERSION the model was trained with
 *     u32 lex_bits       the lexicon has 1 << lex_bits slots
 *     f32 scale          a weight is its int16 times scale
 *     u32 reserved       0
 *     u64 checksum       XXH64 (seed 0) of everything after the header
 *     24 bytes           0
 *   f32 trans[NER_TAGS + 1][NER_TAGS]   from tag (the last row: the start)
 *                                       to tag; -inf where IOB2 forbids
 *   ner_lex lex[1 << lex_bits]          data/ner-lexicon.txt as an open-
 *                                       addressing table (key 0: empty)
 *   i16 w[1 << bits][NER_TAGS]
 */
#ifndef SL_NER_H
#define SL_NER_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"

enum { NER_O, NER_B_PER, NER_I_PER, NER_B_ORG, NER_I_ORG, NER_B_LOC, NER_I_LOC, NER_B_MISC,
       NER_I_MISC, NER_TAGS };

/* Bumped whenever ner_features changes what it emits: a model trained
 * with other features is refused. */
#define NER_FEATURES_VERSION 3
#define NER_MAX_FEATURES 56 /* features a token at most */

extern const char *const ner_tag_names[NER_TAGS]; /* "O", "B-PER", ... */
extern const char NER_MAGIC[8];                  /* "SLNER\0\0" and the format */

/* A token of a document: bytes of UTF-8, not NUL-terminated; first is
 * nonzero where a sentence starts (the document's first token always
 * does). */
typedef struct ner_tok {
    const char *s;
    uint32_t n;
    uint32_t first;
} ner_tok;

/* What the lexicon (tools/ner_lexicon.c) says of a word: its key is the
 * hash of its lower-case form (ner_word_key). */
typedef struct ner_lex {
    uint64_t key;
    uint16_t cluster;  /* 1..; 0: not in the lexicon */
    uint8_t coarse, lcase;
    uint32_t zero;
} ner_lex;

typedef struct ner_lexicon {
    uint32_t bits;
    const ner_lex *slot;
} ner_lexicon;

/* The lexicon key of a word (its lower-case form, as the tagger folds). */
uint64_t ner_word_key(const char *s, size_t n);
/* The entry of key, or NULL. */
const ner_lex *ner_lookup(const ner_lexicon *l, uint64_t key);

typedef struct ner_model {
    uint32_t bits;
    ner_lexicon lex;
    float scale;
    float trans[NER_TAGS + 1][NER_TAGS];
    const int16_t *w;  /* [1 << bits][NER_TAGS] */
    void *owned;       /* what ner_free frees (the weights when copied) */
} ner_model;

/* Read a model from data[0, n) (kept, not copied: it must outlive the
 * model).  NULL with a message naming what is wrong in err. */
ner_model *ner_load(const void *data, size_t n, char *err, size_t errlen);
/* The model built into the library (data/ner.model at build time). */
ner_model *ner_default(char *err, size_t errlen);
void ner_free(ner_model *m);

/* Per-thread scratch for features and decoding, reused across calls;
 * everything per token of the document being tagged. */
typedef struct ner_scratch {
    uint64_t *th;       /* hashes of its forms (NER_FORMS each) */
    float *score;       /* NER_TAGS */
    uint8_t *back;      /* NER_TAGS */
    uint32_t *begin, *end; /* its sentence: [begin, end) */
    uint32_t *prev, *next; /* the document's previous and next token with
                            * its lower-case form, or NER_NONE */
    uint8_t *caps;      /* its sentence is set in capitals (a headline) */
    size_t cap;
    uint32_t *slot;     /* a hash table of forms, while prev is found */
    size_t cap_slot;
} ner_scratch;
#define NER_NONE UINT32_MAX
void ner_scratch_free(ner_scratch *s);

/* The feature rows of token i of the document ner_prepare was given, into
 * out[NER_MAX_FEATURES]; their number.  Call ner_prepare on the document
 * first.  Shared by the tagger and the trainer.  Besides the token and
 * its sentence, a token's features tell the contexts in which the same
 * word (in any case) stands elsewhere in the document: "Bolton" alone in
 * a results table is told by "Bolton manager" three sentences on. */
int ner_prepare(ner_scratch *s, const ner_lexicon *lex, const ner_tok *t, size_t n);
size_t ner_features(const ner_scratch *s, size_t i, uint32_t bits, uint32_t *out);

/* What the tagger said of the same word earlier in the document: rows
 * from the tags of the two nearest occurrences of token i's lower-case
 * form (prev, from ner_prepare) in sentences before its own (begin),
 * already decoded into tags.  Into out[2]; their number (0 when there
 * are none). */
size_t ner_history(const uint32_t *prev, const uint32_t *begin, const uint8_t *tags, size_t i,
                   uint32_t bits, uint32_t *out);

/* Tag the document t[0, n) (its sentences marked by first) into tags[n].
 * 0, or -1 when memory runs out. */
int ner_tag(const ner_model *m, ner_scratch *s, const ner_tok *t, size_t n, uint8_t *tags);

/* Whether IOB2 allows tag b after tag a (a == NER_TAGS: the start). */
static inline int ner_allowed(int a, int b) { return chain_allowed(a, b, NER_TAGS); }

#endif
