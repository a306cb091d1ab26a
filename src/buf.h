/*
 * buf.h - a growable byte buffer with a hard cap (curl's dynbuf idea).
 *
 * Every buffer that grows with input has a cap, so a hostile feed gets
 * an error instead of an out-of-memory kill.  Buffers are reused across
 * articles: reset keeps the memory, so steady-state ingest allocates
 * nothing.
 */
#ifndef SL_BUF_H
#define SL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *p;    /* bytes, NUL-terminated after buf_put* when room allowed */
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated */
    size_t max; /* cap on len; 0 means 1 GiB */
} buf;

enum { BUF_OK = 0, BUF_ENOMEM = -1, BUF_ETOOBIG = -2 };

/* Make room for need more bytes (plus a NUL).  BUF_OK, BUF_ENOMEM or
 * BUF_ETOOBIG when len + need would pass max. */
static inline int buf_reserve(buf *b, size_t need) {
    size_t max = b->max ? b->max : ((size_t)1 << 30);
    if (need > max || b->len > max - need) return BUF_ETOOBIG;
    size_t want = b->len + need + 1;
    if (want <= b->cap) return BUF_OK;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < want) ncap *= 2;
    char *np = realloc(b->p, ncap);
    if (!np) return BUF_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return BUF_OK;
}

static inline int buf_put(buf *b, const void *s, size_t n) {
    int rc = buf_reserve(b, n);
    if (rc) return rc;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return BUF_OK;
}

static inline int buf_putc(buf *b, char c) {
    if (b->len + 2 > b->cap) {
        int rc = buf_reserve(b, 1);
        if (rc) return rc;
    } else if (b->max && b->len >= b->max) {
        return BUF_ETOOBIG;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return BUF_OK;
}

static inline int buf_puts(buf *b, const char *s) { return buf_put(b, s, strlen(s)); }

static inline void buf_reset(buf *b) {
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

/* Little-endian integers in blobs the store keeps (postings, terms,
 * frequencies): the same bytes on every machine. */
static inline void le_put(unsigned char *p, uint32_t v, int bytes) {
    for (int k = 0; k < bytes; k++) p[k] = (unsigned char)(v >> (8 * k));
}

static inline uint32_t le_get(const unsigned char *p, int bytes) {
    uint32_t v = 0;
    for (int k = 0; k < bytes; k++) v |= (uint32_t)p[k] << (8 * k);
    return v;
}

/* Make room for need elements of size bytes in the array *p of *cap,
 * doubling from 64.  0, or -1 when memory runs out (*p is unchanged). */
/* A 64-bit finaliser (from MurmurHash3): spreads every input bit. */
static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline int array_grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np) return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static inline void buf_free(buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

#endif
