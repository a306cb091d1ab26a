/*
 * normalize.c - NFC with utf8proc behind a quick check, and the matching
 * form with its hash.
 *
 * utf8proc_map() allocates and walks every code point; almost all news text
 * is ASCII plus curly quotes and dashes, which NFC leaves alone, so we ask
 * utf8proc's property table first and only normalise text that holds a
 * code point that could change.
 */
#include "normalize.h"

#include <stdint.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "utf8.h"

/* Could cp change under NFC, alone or with its neighbours? */
static int nfc_sensitive(int32_t cp) {
    if (cp >= 0x1100 && cp <= 0x11FF) return 1; /* Hangul jamo compose */
    if (cp >= 0xAC00 && cp <= 0xD7A3) return 1; /* Hangul syllables */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    return p->combining_class != 0 || p->decomp_seqindex != UINT16_MAX ||
           p->comb_index != UINT16_MAX || p->comp_exclusion;
}

int norm_nfc_needed(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) { i++; continue; }
        int32_t cp;
        i += utf8_decode(s + i, &cp);
        if (nfc_sensitive(cp)) return 1;
    }
    return 0;
}

int norm_nfc(const char *s, size_t n, buf *out) {
    utf8proc_uint8_t *res = NULL;
    utf8proc_ssize_t len =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &res,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (len < 0) {
        /* Only UTF8PROC_ERROR_NOMEM is possible on validated input. */
        return BUF_ENOMEM;
    }
    int rc = buf_put(out, res, (size_t)len);
    free(res);
    return rc;
}

/* The matching form of one non-ASCII code point, or 0 to keep it as is
 * (after case folding).  Returns ' ' for Unicode spaces. */
static int32_t unify(int32_t cp) {
    switch (cp) {
    case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
    case 0x2028: case 0x2029: case 0x0085:
        return ' ';
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
    case 0x00B4: case 0x02BC: case 0xFF07:
        return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB:
    case 0x00BB: case 0x2033: case 0xFF02:
        return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
        return '-';
    default:
        if (cp >= 0x2000 && cp <= 0x200A) return ' ';
        return 0;
    }
}

/*
 * The one walk behind both the form and its hash: emit() receives runs of
 * output bytes.  space tracks whether a space is pending, so runs of
 * whitespace collapse and trailing whitespace vanishes.
 */
typedef int (*emit_fn)(void *ud, const char *p, size_t n);

static int walk(const char *str, size_t n, emit_fn emit, void *ud) {
    const unsigned char *s = (const unsigned char *)str;
    char chunk[4096 + 32];
    size_t k = 0;
    int pending = 0, started = 0, rc;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        int32_t out_cp;
        if (c < 0x80) {
            i++;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
                c == '\f') {
                pending = started;
                continue;
            }
            out_cp = (c >= 'A' && c <= 'Z') ? (int32_t)(c + 32) : (int32_t)c;
            if (pending) { chunk[k++] = ' '; pending = 0; }
            chunk[k++] = (char)out_cp;
            started = 1;
        } else {
            int32_t cp;
            i += utf8_decode(s + i, &cp);
            int32_t u = unify(cp);
            if (u == ' ') { pending = started; continue; }
            if (pending) { chunk[k++] = ' '; pending = 0; }
            started = 1;
            if (u) {
                chunk[k++] = (char)u;
            } else {
                utf8proc_int32_t folded[8];
                int last = 0;
                utf8proc_ssize_t m = utf8proc_decompose_char(
                    cp, folded, 8, UTF8PROC_CASEFOLD, &last);
                if (m < 1 || m > 8) { folded[0] = cp; m = 1; }
                for (utf8proc_ssize_t j = 0; j < m; j++) {
                    if (k + 4 > 4096) {
                        if ((rc = emit(ud, chunk, k))) return rc;
                        k = 0;
                    }
                    k += utf8_encode(folded[j], chunk + k);
                }
            }
        }
        if (k >= 4096) {
            if ((rc = emit(ud, chunk, k))) return rc;
            k = 0;
        }
    }
    return k ? emit(ud, chunk, k) : 0;
}

static int emit_buf(void *ud, const char *p, size_t n) { return buf_put(ud, p, n); }

int norm_match_form(const char *s, size_t n, buf *out) {
    return walk(s, n, emit_buf, out);
}

static int emit_hash(void *ud, const char *p, size_t n) {
    XXH3_128bits_update(ud, p, n);
    return 0;
}

void norm_match_hash(const char *s, size_t n, unsigned char out[16]) {
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    walk(s, n, emit_hash, &st);
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    memcpy(out, c.digest, 16);
}
