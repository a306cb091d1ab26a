/*
 * chain.h - what the linear-chain taggers share (ner.h finds names,
 * attrib.h who said what): IOB2 tags, Viterbi decoding, and the header of
 * their model files.
 *
 * Tags: 0 is O; for the k-th type (k = 1, 2, ...) 2k - 1 is B-k and 2k is
 * I-k.  A model file starts with a 64-byte header, little-endian:
 *
 *     char magic[8]       7 bytes naming the kind, then the format number
 *     u32 tags            the tags, O included
 *     u32 bits            the feature table has 1 << bits rows
 *     u32 features        the feature version the model was trained with
 *     u32 extra           what the kind wants (NER: the lexicon's bits)
 *     f32 scale           a weight is its int16 times scale
 *     u32 reserved        0
 *     u64 checksum        XXH64 (seed 0) of everything after the header
 *     24 bytes            0
 *
 * and goes on with f32 transitions [tags + 1][tags] (from tag, the last
 * row the start, to tag; -inf where IOB2 forbids), then the kind's own.
 */
#ifndef SL_CHAIN_H
#define SL_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"

#define CHAIN_HEADER 64
#define CHAIN_MAX_TAGS 16

/* Whether IOB2 allows tag b after tag a (a == tags: the start). */
int chain_allowed(int a, int b, int tags);

/* Viterbi over per-token scores score[n][tags] and transitions
 * trans[tags + 1][tags]: the best tags into out[n].  back is scratch of
 * n * tags. */
void chain_viterbi(int tags, const float *trans, float *score, uint8_t *back, size_t n, uint8_t *out);

/* What the taggers' features are made of: the ASCII lower case of
 * w[0, len) into low (at most cap bytes), its length; the shape of
 * s[0, n) into out (X upper, x lower or non-ASCII, d digit, the byte
 * else; one letter a character; collapsed: runs of one class as one),
 * its length; and the row of feature f of a template in a table of
 * 1 << bits rows. */
size_t chain_lower(const char *w, size_t len, char *low, size_t cap);
size_t chain_shape(const char *s, size_t n, char *out, size_t cap, int collapsed);
static inline uint32_t chain_row(uint64_t f, uint64_t template, uint32_t bits) {
    return (uint32_t)(mix64(f + template * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* Room for bytes at *p (realloc): 0, or -1 leaving *p as it was.
 * CHAIN_GROW(p, n): room for n of what p points to. */
static inline int chain_realloc(void **p, size_t bytes) {
    void *q = realloc(*p, bytes);
    if (!q) return -1;
    *p = q;
    return 0;
}
#define CHAIN_GROW(p, n) chain_realloc((void **)&(p), (n) * sizeof *(p))

typedef struct chain_header {
    uint32_t tags, bits, features, extra;
    float scale;
} chain_header;

/* Read the header of a model file data[0, n) of the kind magic (8
 * bytes, the last the format this build reads) into h.  0, or -1 with a
 * message naming kind in err. */
int chain_read_header(const void *data, size_t n, const char magic[8], const char *kind, chain_header *h,
                      char *err, size_t errlen);
/* Whether the file is the size want that its header implies, and its
 * checksum matches.  0, or -1 with a message in err. */
int chain_check(const void *data, size_t n, size_t want, const char *kind, char *err, size_t errlen);
/* Write the header of a model file p[0, size) whose body is in place. */
void chain_write_header(unsigned char *p, size_t size, const char magic[8], const chain_header *h);

/* A copy of a built-in model data[0, n) in memory the kernel is asked to
 * back with 2 MiB pages, or data itself when there is no memory for it.
 * Kept for the life of the process: call it once (pthread_once). */
const void *chain_hot(const void *data, size_t n);

#endif
