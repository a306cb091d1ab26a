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
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "utf8.h"

/* Can cp be the second of a canonical composition pair?  utf8proc 2.9
 * replaced the packed comb_index with explicit fields. */
#if UTF8PROC_VERSION_MAJOR > 2 || (UTF8PROC_VERSION_MAJOR == 2 && UTF8PROC_VERSION_MINOR >= 9)
#define IS_SECOND(p) ((p)->comb_issecond)
#else
#define IS_SECOND(p) ((p)->comb_index != UINT16_MAX && (p)->comb_index >= 0x8000)
#endif

/* The test from the properties alone; a code point with a decomposition
 * returns -1: it is stable only if NFC maps it to itself. */
static int sensitive_by_property(int32_t cp) {
    if (cp >= 0x1100 && cp <= 0x11FF) return 1; /* Hangul jamo compose */
    if (cp >= 0xAC00 && cp <= 0xD7A3) return 1; /* Hangul syllables */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0 || p->comp_exclusion || IS_SECOND(p)) return 1;
    return p->decomp_seqindex != UINT16_MAX ? -1 : 0;
}

/* Does NFC leave the single code point cp as it is?  (Precomposed letters
 * such as U+00E9 do; singletons such as U+212B do not.) */
static int stable_alone(int32_t cp) {
    utf8proc_uint8_t in[8];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t m = utf8proc_map(in, n, &out, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    int same = m == n && memcmp(in, out, (size_t)n) == 0;
    free(out);
    return same;
}

static void fill_table(norm_nfc_table *t) {
    memset(t->bits, 0, sizeof t->bits);
    for (int32_t cp = 0x80; cp < 0x10000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        int s = sensitive_by_property(cp);
        if (s < 0) s = !stable_alone(cp);
        if (s) t->bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    t->ready = 1;
}

int norm_nfc_sensitive(norm_nfc_table *t, int32_t cp) {
    if (cp < 0x80) return 0;
    if (cp < 0x10000) {
        if (!t->ready) fill_table(t);
        return (t->bits[cp >> 3] >> (cp & 7)) & 1;
    }
    /* Outside the BMP: any decomposition takes the slow path. */
    return sensitive_by_property(cp) != 0;
}



int norm_check(norm_nfc_table *t, const char *str, size_t n, size_t *bad, int *nfc) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    *nfc = 0;
    while (i < n) {
        i = utf8_skip_ascii(s, i, n);
        if (i >= n) break;
        if (s[i] < 0x80) {
            if (s[i] == 0) { *bad = i; return UTF8_NUL; }
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (!k) { *bad = i; return UTF8_INVALID; }
        if (!*nfc) {
            int32_t cp;
            utf8_decode(s + i, &cp);
            *nfc = norm_nfc_sensitive(t, cp);
        }
        i += k;
    }
    return UTF8_OK;
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

/* The matching form of one non-ASCII code point: an ASCII replacement,
 * ' ' for Unicode spaces, DROP for invisible format characters, ELLIPSIS
 * for "...", or 0 to keep it (after case folding). */
enum { DROP = -1, ELLIPSIS = -2 };

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
    /* Invisible format characters (soft hyphen, zero-width spaces and
     * joiners, direction marks, word joiner, BOM) vanish: a copy that
     * gained one inside a word is the same text. */
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0x200E:
    case 0x200F: case 0x2060: case 0xFEFF:
        return DROP;
    case 0x2026:
        return ELLIPSIS; /* ... */
    default:
        if (cp >= 0x2000 && cp <= 0x200A) return ' ';
        return 0;
    }
}

/* ASCII in the matching form: lower case, 0 for whitespace. */
static const unsigned char ascii_form[128] = {
#define R(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define W(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\v' || (c) == '\f' ? 0 : R(c))
#define X8(b) W(b), W(b + 1), W(b + 2), W(b + 3), W(b + 4), W(b + 5), W(b + 6), W(b + 7)
    X8(0), X8(8), X8(16), X8(24), X8(32), X8(40), X8(48), X8(56),
    X8(64), X8(72), X8(80), X8(88), X8(96), X8(104), X8(112), X8(120),
#undef X8
#undef W
#undef R
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* A bit 7 in each byte of w that is zero; exact when no byte has bit 7
 * set (no carries between bytes). */
static inline uint64_t zero_bytes(uint64_t w) { return ~(w + ONES * 0x7F) & HIGHS; }

/*
 * Eight ASCII bytes that the matching form copies but for case: printable
 * (0x21..0x7E) or single spaces.  Returns 1 and the word in lower case in
 * *out, or 0 when the word needs the byte loop.
 */
static int plain_word(uint64_t w, uint64_t *out) {
    if (w & HIGHS) return 0;                        /* non-ASCII */
    if (~(w + ONES * (0x80 - 0x20)) & HIGHS) return 0; /* control bytes */
    if (zero_bytes(w ^ (ONES * 0x7F))) return 0;     /* DEL */
    uint64_t sp = zero_bytes(w ^ (ONES * 0x20));
    if (sp & (sp << 8)) return 0;                    /* two spaces in a row */
    uint64_t ge_a = (w + ONES * (0x80 - 'A')) & HIGHS;
    uint64_t gt_z = (w + ONES * (0x80 - 'Z' - 1)) & HIGHS;
    *out = w | ((ge_a & ~gt_z) >> 2);                /* A..Z + 0x20 */
    return 1;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* How many of the sixteen bytes at p, from the first, the matching form
 * copies as they are but for case (printable ASCII, single spaces); *out
 * gets them lowered.  SSE2 is baseline on x86-64. */
static unsigned plain_prefix(const unsigned char *p, __m128i *out) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    /* signed compare: bytes >= 0x80 are negative and count as control */
    __m128i ctrl = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    __m128i sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
    unsigned spaces = (unsigned)_mm_movemask_epi8(sp);
    /* not plain: non-ASCII, control, DEL, and a space right after a space */
    unsigned bad = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(sp, ctrl)) |
                   (spaces & (spaces << 1));
    __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
    *out = _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    return bad ? (unsigned)__builtin_ctz(bad) : 16;
}
#endif

/*
 * The one walk behind both the form and its hash: emit() receives runs of
 * output bytes.  pending is set when whitespace was skipped after output,
 * so runs of whitespace collapse and trailing whitespace vanishes.
 */
typedef int (*emit_fn)(void *ud, const char *p, size_t n);

static int walk(const char *str, size_t n, emit_fn emit, void *ud) {
    const unsigned char *s = (const unsigned char *)str;
    char chunk[4096 + 64];
    size_t k = 0;
    int pending = 0, started = 0, rc;
    for (size_t i = 0; i < n;) {
        if (k >= 4096) {
            if ((rc = emit(ud, chunk, k))) return rc;
            k = 0;
        }
        /* Fast path: eight plain ASCII bytes that continue the output.  The
         * last output byte is never a space here, so a word may start with
         * one unless a space is already pending; a space at its end is left
         * pending (it could be trailing, or the first of a run). */
#ifdef __SSE2__
        __m128i lv;
        unsigned run;
        if (started && i + 16 <= n && !(pending && s[i] == ' ') &&
            (run = plain_prefix(s + i, &lv)) > 0) {
            if (pending) { chunk[k++] = ' '; pending = 0; }
            _mm_storeu_si128((__m128i *)(chunk + k), lv);
            if (s[i + run - 1] == ' ') { /* keep the space pending */
                k += run - 1;
                pending = 1;
            } else {
                k += run;
            }
            i += run;
            continue;
        }
#endif
        uint64_t w, lw;
        if (started && i + 8 <= n && (memcpy(&w, s + i, 8), plain_word(w, &lw)) &&
            !(pending && s[i] == ' ')) {
            if (pending) { chunk[k++] = ' '; pending = 0; }
            memcpy(chunk + k, &lw, 8);
            if (s[i + 7] == ' ') { /* keep the space pending */
                k += 7;
                pending = 1;
            } else {
                k += 8;
            }
            i += 8;
            continue;
        }
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            unsigned char o = ascii_form[c];
            if (!o) { /* whitespace */
                pending = started;
                continue;
            }
            if (pending) { chunk[k++] = ' '; pending = 0; }
            chunk[k++] = (char)o;
            started = 1;
            continue;
        }
        int32_t cp;
        i += utf8_decode(s + i, &cp);
        int32_t u = unify(cp);
        if (u == ' ') { pending = started; continue; }
        if (u == DROP) continue;
        if (pending) { chunk[k++] = ' '; pending = 0; }
        started = 1;
        if (u == ELLIPSIS) {
            memcpy(chunk + k, "...", 3);
            k += 3;
            continue;
        }
        if (u) { chunk[k++] = (char)u; continue; }
        if (utf8proc_get_property(cp)->casefold_seqindex == UINT16_MAX) {
            k += utf8_encode(cp, chunk + k); /* no case to fold: as is */
            continue;
        }
        utf8proc_int32_t folded[8];
        int last = 0;
        utf8proc_ssize_t m = utf8proc_decompose_char(cp, folded, 8, UTF8PROC_CASEFOLD, &last);
        if (m < 1 || m > 8) { folded[0] = cp; m = 1; }
        for (utf8proc_ssize_t j = 0; j < m; j++) {
            if (k + 4 > 4096 + 32) {
                if ((rc = emit(ud, chunk, k))) return rc;
                k = 0;
            }
            k += utf8_encode(folded[j], chunk + k);
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

static void digest(XXH3_state_t *st, unsigned char out[16]) {
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    memcpy(out, c.digest, 16);
}

void norm_match_hash(const char *s, size_t n, unsigned char out[16]) {
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    walk(s, n, emit_hash, &st);
    digest(&st, out);
}

void norm_match_hash_forms(const char *base, const norm_span *forms, size_t n,
                           unsigned char out[16]) {
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        if (!forms[i].len) continue;
        if (any) XXH3_128bits_update(&st, " ", 1);
        XXH3_128bits_update(&st, base + forms[i].off, forms[i].len);
        any = 1;
    }
    digest(&st, out);
}
