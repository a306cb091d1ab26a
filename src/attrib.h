/*
 * attrib.h - who said what: a linear-chain tagger (chain.h) that marks
 * each token of a document as part of an attribution's source (who),
 * cue (the words that attribute: "said", "according to", a colon) or
 * content (what is attributed), then groups the spans into attributions.
 *
 * The model is data, as for names (ner.h): tools/train_attrib.c learns it
 * from PolNeAR's training articles and writes data/attrib.model, linked
 * into the library.  After the header of chain.h ("SLATR\0\0" and the
 * format; extra: AT_STAGES), for each stage f32 trans[AT_TAGS + 1][AT_TAGS]
 * then i16 w[1 << bits][AT_TAGS], one scale for both.
 *
 * The cue words (data/cues.txt, cues_parse) give a cue its stance and
 * tell negations; the tagger also reads them as features.
 */
#ifndef SL_ATTRIB_H
#define SL_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"

enum { AT_O, AT_B_SRC, AT_I_SRC, AT_B_CUE, AT_I_CUE, AT_B_CON, AT_I_CON, AT_TAGS };
enum { ROLE_SOURCE = 1, ROLE_CUE, ROLE_CONTENT }; /* a tag's (t + 1) / 2 */

/* Bumped whenever at_features changes what it emits. */
#define AT_FEATURES_VERSION 2
#define AT_MAX_FEATURES 64

extern const char AT_MAGIC[8];

/* ---- cue words -------------------------------------------------------- */

enum { STANCE_ASSERT, STANCE_DENY, STANCE_URGE, STANCE_ACCUSE, STANCE_WARN, STANCE_PROMISE,
       STANCE_ACKNOWLEDGE, STANCE_QUESTION, STANCES };
extern const char *const stance_names[STANCES];

typedef struct cue_words cue_words;
/* Read data/cues.txt's format from text[0, n) (name in messages).  NULL
 * with a message naming the line in err. */
cue_words *cues_parse(const char *text, size_t n, const char *name, char *err, size_t errlen);
void cues_free(cue_words *c);
/* What the data says of the word w[0, n) (any case) as a cue: 1 + its
 * stance, or CUE_NEGATION, or 0.  cues_listed: the same, or CUE_SAYING
 * for a word that only names a statement ("allegations"): not a cue, but
 * not what a claim is about either. */
#define CUE_NEGATION (STANCES + 1)
#define CUE_SAYING (STANCES + 2)
int cues_word(const cue_words *c, const char *w, size_t n);
int cues_listed(const cue_words *c, const char *w, size_t n);

/* ---- the tagger --------------------------------------------------------- */

/* A token of a document: bytes of UTF-8; its sentence's and paragraph's
 * starts, the named-entity tag the NER tagger gave it, and what the NER
 * lexicon says of the word (words between the same neighbours share a
 * class: verbs of saying gather, as do determiners). */
typedef struct at_tok {
    const char *s;
    uint32_t n;
    uint8_t sent_first, para_first, ner;
    uint8_t coarse;    /* the NER lexicon's classes of the word (ner.h), 0: unknown */
    uint16_t cluster;
} at_tok;

/* Whether token t is the string s. */
static inline int at_is(const at_tok *t, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return t->n == n && !__builtin_memcmp(t->s, s, n);
}

/* Where a token stands towards quotation marks (at_scratch.quote). */
enum { AT_Q_OUT, AT_Q_IN, AT_Q_OPEN, AT_Q_CLOSE, AT_Q_SINGLE };

typedef struct at_scratch {
    uint64_t *h;        /* per token: hashes of its forms */
    uint8_t *cue, *quote; /* per token: cues_word; in or at a quotation */
    uint32_t *sent, *para; /* per token: its sentence's and paragraph's first token */
    uint32_t *lcue, *rcue; /* the nearest cue word left, right in the sentence, or AT_NONE */
    float *score;
    uint8_t *back;
    uint8_t *first;     /* per token: the first stage's tag */
    uint32_t *rows;     /* per token: its feature rows (AT_MAX_FEATURES) */
    uint8_t *nbase, *nall; /* per token: how many the first stage reads, the second */
    size_t cap;
} at_scratch;
#define AT_NONE UINT32_MAX
void at_scratch_free(at_scratch *s);

int at_prepare(at_scratch *s, const cue_words *cw, const at_tok *t, size_t n);
/* The feature rows of token i into out[AT_MAX_FEATURES]; their number.
 * prior: NULL for the first stage; for the second, the first stage's
 * tags of the document, read around i ("a cue two tokens on"). */
size_t at_features(const at_scratch *s, const at_tok *t, size_t n, size_t i, const uint8_t *prior, uint32_t bits,
                   uint32_t *out);

/* Two stages: the second reads what the first said (stacking). */
#define AT_STAGES 2
typedef struct at_model {
    uint32_t bits;
    float scale;
    float trans[AT_STAGES][(AT_TAGS + 1) * AT_TAGS];
    const int16_t *w[AT_STAGES];
    void *owned;
} at_model;

at_model *at_load(const void *data, size_t n, char *err, size_t errlen);
at_model *at_default(char *err, size_t errlen);
void at_free(at_model *m);

/* Tag the document t[0, n) into tags[n], paragraph by paragraph, the
 * first stage then the second.  0, or -1 when memory runs out. */
int at_tag(const at_model *m, at_scratch *s, const cue_words *cw, const at_tok *t, size_t n, uint8_t *tags);

/* ---- attributions ---------------------------------------------------------- */

/* A span of tokens [first, end) in a role of attribution attr. */
typedef struct at_frag {
    uint32_t attr, role, first, end;
} at_frag;

/* Group the tagged spans of a document into attributions: each cue is
 * one, with the source nearest it (in its sentence, else its paragraph)
 * and the contents nearest it (in its sentence, else its paragraph, else
 * the one before: a quotation that runs on); content with no cue near is
 * an attribution of its own.  Fragments into out (room for n), ordered by
 * attribution, then role, then place; their number, or AT_NOMEM when
 * memory runs out.  The attributions' number into *n_attr. */
#define AT_NOMEM ((size_t)-1)
size_t at_group(const at_scratch *s, const at_tok *t, size_t n, const uint8_t *tags, at_frag *out,
                size_t *n_attr);

#endif
