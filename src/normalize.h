/*
 * normalize.h - Unicode NFC and the matching form.
 *
 * The stored text is NFC; later stages compare the matching form (case
 * folded, quotes and dashes unified, whitespace collapsed), which is
 * derived on demand and never stored in place of the text.
 */
#ifndef SL_NORMALIZE_H
#define SL_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Which BMP code points could change under NFC, one bit each.  Filled on
 * first use (about a millisecond); lives in the cleaner, not in a global. */
typedef struct norm_nfc_table {
    int ready;
    uint8_t bits[0x10000 / 8];
} norm_nfc_table;

/* Validate s[0, n) as utf8_check() does (UTF8_OK, UTF8_INVALID or
 * UTF8_NUL with *bad) and, in the same pass, set *nfc to whether it might
 * change under NFC.  Exact for single code points and conservative for
 * sequences: a text passes only if none of its code points is a combining
 * mark, a "second" of a canonical composition, excluded from composition,
 * or a decomposition that does not recompose to itself. */
int norm_check(norm_nfc_table *t, const char *s, size_t n, size_t *bad, int *nfc);

/* The per-code-point test behind norm_check (exported for tests). */
int norm_nfc_sensitive(norm_nfc_table *t, int32_t cp);

/* Append the NFC form of s[0, n) to out.  BUF_OK, BUF_ENOMEM or
 * BUF_ETOOBIG. */
int norm_nfc(const char *s, size_t n, buf *out);

/* Append the matching form of s[0, n) to out (leading and trailing space
 * dropped, inner runs of whitespace as one space).  BUF_* codes. */
int norm_match_form(const char *s, size_t n, buf *out);

/* The 128-bit XXH3 hash of the matching form of s[0, n), computed in
 * chunks without building the whole form.  out gets 16 bytes, big-endian
 * (high 64 bits first), so hex of it reads like XXH3's canonical form. */
void norm_match_hash(const char *s, size_t n, unsigned char out[16]);

/* Bytes [off, off + len) of a buffer: one paragraph's matching form. */
typedef struct norm_span {
    size_t off, len;
} norm_span;

/* What norm_match_hash() gives for the paragraphs joined by newlines,
 * from their matching forms base[forms[i]] (n of them): the forms that
 * are not empty, one space between them, which is what the walk over the
 * joined text emits. */
void norm_match_hash_forms(const char *base, const norm_span *forms, size_t n,
                           unsigned char out[16]);

#endif
