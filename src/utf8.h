/*
 * utf8.h - UTF-8 validation and decoding on the hot path.
 *
 * Validation is the first thing every article meets, so it has a fast
 * path: eight bytes at a time while they are ASCII and not NUL.
 */
#ifndef SL_UTF8_H
#define SL_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { UTF8_OK = 0, UTF8_INVALID = 1, UTF8_NUL = 2 };

/* The length of the well-formed multibyte sequence at s (s[0] >= 0x80,
 * avail bytes readable), or 0 when it is ill-formed: Unicode Table 3-7,
 * so no overlongs, no surrogates, nothing past U+10FFFF. */
static inline size_t utf8_seq(const unsigned char *s, size_t avail) {
    unsigned c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c == 0xE0) { need = 2; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) need = 2;
    else if (c == 0xED) { need = 2; hi = 0x9F; } /* no surrogates */
    else if (c >= 0xEE && c <= 0xEF) need = 2;
    else if (c == 0xF0) { need = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) need = 3;
    else if (c == 0xF4) { need = 3; hi = 0x8F; }
    else return 0;
    if (need >= avail) return 0; /* truncated */
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return need + 1;
}

/* Skip from s[i] over whole 8-byte words of ASCII with no NUL: the fast
 * path of every validating walk.  Returns where the walk goes on. */
static inline size_t utf8_skip_ascii(const unsigned char *s, size_t i, size_t n) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w & highs) || ((w - ones) & ~w & highs)) break;
        i += 8;
    }
    return i;
}

/*
 * Check s[0, n): well-formed UTF-8 (no overlongs, no surrogates, nothing
 * past U+10FFFF) with no NUL byte.  Returns UTF8_OK, or UTF8_INVALID /
 * UTF8_NUL with *bad set to the offset of the first offending byte.
 */
int utf8_check(const char *s, size_t n, size_t *bad);

/* Decode the code point at s (valid UTF-8, at least one byte); returns its
 * length in bytes. */
static inline size_t utf8_decode(const unsigned char *s, int32_t *cp) {
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    if (s[0] < 0xE0) { *cp = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F); return 2; }
    if (s[0] < 0xF0) {
        *cp = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) |
          (s[3] & 0x3F);
    return 4;
}

/* Encode cp into out (room for 4 bytes); returns the length. */
size_t utf8_encode(int32_t cp, char *out);

#endif
