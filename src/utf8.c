/*
 * utf8.c - UTF-8 validation.
 *
 * The checker follows the well-formed byte sequences of Unicode (Table
 * 3-7, utf8_seq() in utf8.h).  Runs of ASCII are skipped a word at a time; a word with a zero
 * byte drops to the byte loop so that a NUL is found at its exact offset.
 */
#include "utf8.h"

#include <string.h>

int utf8_check(const char *str, size_t n, size_t *bad) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        i = utf8_skip_ascii(s, i, n); /* eight ASCII bytes, no NUL, at a time */
        if (i >= n) break;
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0) { *bad = i; return UTF8_NUL; }
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (!k) { *bad = i; return UTF8_INVALID; }
        i += k;
    }
    return UTF8_OK;
}

size_t utf8_encode(int32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}
