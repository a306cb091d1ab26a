/*
 * postings.h - the on-disk form of a store's duplicate postings.
 *
 * A posting is a 32-bit key (an LSH band key or a paragraph key) and the
 * seq of an article posted under it, handled as one 64-bit value
 * key << 32 | seq, so sorting the values sorts by key, then article.
 *
 * Postings are kept in 65,536 buckets, one SQLite row each, by the key's
 * high 16 bits.  A bucket's blob holds its postings sorted, each as two
 * LEB128 varints: the step from the previous key's low 16 bits, and the
 * seq (the step from the previous seq under the same key).  About 4 bytes
 * a posting, where a row per posting costs 14 in SQLite.
 */
#ifndef SL_POSTINGS_H
#define SL_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define POST_BUCKET(key) ((uint32_t)(key) >> 16)

static inline uint64_t post_value(uint32_t key, uint32_t seq) { return (uint64_t)key << 32 | seq; }
static inline uint32_t post_key(uint64_t v) { return (uint32_t)(v >> 32); }
static inline uint32_t post_seq(uint64_t v) { return (uint32_t)v; }

/* Append the postings of bucket's blob p[0, n) to *v (growing it).
 * 0; -1 when memory runs out; -2 when the blob is malformed. */
int post_decode(uint32_t bucket, const unsigned char *p, size_t n, uint64_t **v, size_t *nv,
                size_t *cap);

/* The blob of postings v[0, n) (sorted, unique, all in one bucket) into
 * out (replaced).  0, or -1 when memory runs out. */
int post_encode(const uint64_t *v, size_t n, buf *out);

/* The seqs posted under key in a bucket's blob, up to max of them into
 * out; returns how many there are (more than max when the list is
 * longer), or (size_t)-1 when the blob is malformed. */
size_t post_find(const unsigned char *p, size_t n, uint32_t key, uint32_t *out, size_t max);

/* Merge sorted a and b into out (room for na + nb): unique values, and at
 * most cap of them per key (the lowest seqs).  Returns their number. */
size_t post_merge(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t cap,
                  uint64_t *out);

#endif
