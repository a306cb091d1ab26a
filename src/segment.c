/*
 * segment.c - sentences and tokens as byte spans into clean text.
 *
 * Speed is the point here (segmentation runs on every paragraph ingested),
 * so both scanners look at bytes, not code points.  A 256-entry class table
 * answers for ASCII, which is nearly all of English news; only bytes >= 0x80
 * go through utf8proc for a code point and its Unicode category.
 *
 * Sentences: a vector search finds the few bytes that can end one (. ! ?
 * and U+2026), and the rules of segment.h are applied there by looking a
 * few characters either way.
 *
 * Tokens: a block scanner turns 64 bytes at a time into bit masks and reads
 * the tokens off them (see block_tokens); a byte-at-a-time scanner, which
 * is also the whole implementation where SSE2 is missing, takes over for
 * the spots the masks cannot decide.
 *
 * Nothing is allocated but the two span arrays, which grow by doubling and
 * are kept by segment_reset().
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* SSE2 is in every x86-64; elsewhere (or built with -DSEGMENT_SCALAR, the
 * reference for testing) the byte-at-a-time scanners do all the work. */
#if defined(__SSE2__) && !defined(SEGMENT_SCALAR)
#include <emmintrin.h>
#define SEGMENT_BLOCKS 1
#endif

/*
 * Character classes.  The order matters: word characters come first (so
 * one compare tells a word character, letters before digits), then the
 * bytes the sentence scanner stops at, contiguous for the same reason.
 * C_E2 and C_HI are byte classes only: a lead byte to decode.
 */
enum {
    C_UP, /* uppercase or titlecase letter (Lu, Lt) */
    C_LO, /* lowercase letter (Ll) */
    C_LT, /* other letter (Lm, Lo): no case */
    C_MK, /* combining mark (M*) */
    C_DG, /* number (N*) */
    C_DT, /* . */
    C_BG, /* ! ? */
    C_E2, /* byte 0xE2: may be U+2026, curly quotes, dashes */
    C_HI, /* any other byte >= 0x80 */
    C_SP, /* ASCII whitespace, Z* */
    C_CM, /* , */
    C_EL, /* U+2026 horizontal ellipsis */
    C_AP, /* ' : apostrophe, and an opening or closing quote */
    C_RQ, /* U+2019 right single quote: apostrophe, closing quote */
    C_HY, /* - U+2010 U+2011: hyphens that may join a word */
    C_DQ, /* " : opening or closing quote */
    C_OP, /* ( [ { and Ps, Pi: opening brackets and quotes */
    C_CL, /* ) ] } and Pe, Pf: closing brackets and quotes */
    C_SY, /* $ % & @ # + = < > ^ ` | ~ and S* */
    C_PU, /* anything else */
    C_COUNT
};

#define IS_WORD(k) ((k) <= C_DG)
#define IS_ALPHA(k) ((k) < C_DG)

static const unsigned char byte_class[256] = {
    C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, /* 00 */
    C_PU, C_SP, C_SP, C_SP, C_SP, C_SP, C_PU, C_PU, /* 08 */
    C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, /* 10 */
    C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, C_PU, /* 18 */
    C_SP, C_BG, C_DQ, C_SY, C_SY, C_SY, C_SY, C_AP, /* 20 */
    C_OP, C_CL, C_PU, C_SY, C_CM, C_HY, C_DT, C_PU, /* 28 */
    C_DG, C_DG, C_DG, C_DG, C_DG, C_DG, C_DG, C_DG, /* 30 */
    C_DG, C_DG, C_PU, C_PU, C_SY, C_SY, C_SY, C_BG, /* 38 */
    C_SY, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, /* 40 */
    C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, /* 48 */
    C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, C_UP, /* 50 */
    C_UP, C_UP, C_UP, C_OP, C_PU, C_CL, C_SY, C_PU, /* 58 */
    C_SY, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, /* 60 */
    C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, /* 68 */
    C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, C_LO, /* 70 */
    C_LO, C_LO, C_LO, C_OP, C_SY, C_CL, C_SY, C_PU, /* 78 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* 80 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* 88 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* 90 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* 98 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* A0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* A8 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* B0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* B8 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* C0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* C8 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* D0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* D8 */
    C_HI, C_HI, C_E2, C_HI, C_HI, C_HI, C_HI, C_HI, /* E0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* E8 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* F0 */
    C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, /* F8 */
};

/* What the sentence scanner asks of a character. */
enum {
    F_SPACE = 1,   /* separates */
    F_CLOSER = 2,  /* may follow a sentence end inside the sentence */
    F_STARTER = 4, /* may begin a sentence */
    F_JOIN = 8     /* apostrophe or hyphen: inside a word between letters */
};

static const unsigned char class_flags[C_COUNT] = {
    [C_UP] = F_STARTER,
    [C_DG] = F_STARTER,
    [C_SP] = F_SPACE,
    [C_AP] = F_JOIN | F_CLOSER | F_STARTER,
    [C_RQ] = F_JOIN | F_CLOSER,
    [C_HY] = F_JOIN,
    [C_DQ] = F_CLOSER | F_STARTER,
    [C_OP] = F_STARTER,
    [C_CL] = F_CLOSER,
};

/* Class of the code point at s[0, avail), s[0] >= 0x80; its length in *len. */
static unsigned decode_class(const unsigned char *s, size_t avail, size_t *len) {
    /* The punctuation and spaces of news text first, without utf8proc. */
    if (s[0] == 0xE2 && avail >= 3 && s[1] == 0x80) {
        *len = 3;
        switch (s[2]) {
        case 0x90: case 0x91: return C_HY;     /* U+2010 U+2011 */
        case 0x93: case 0x94: return C_PU;     /* en and em dash */
        case 0x98: case 0x9C: return C_OP;     /* opening curly quotes */
        case 0x99: return C_RQ;                /* U+2019 */
        case 0x9D: return C_CL;                /* closing double quote */
        case 0xA6: return C_EL;                /* U+2026 */
        default: break;
        }
    } else if (s[0] == 0xC2 && avail >= 2 && s[1] == 0xA0) {
        *len = 2;
        return C_SP;                           /* U+00A0 */
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s, (utf8proc_ssize_t)avail, &cp);
    if (n <= 0) { /* cannot happen on valid input; keep going byte-wise */
        *len = 1;
        return C_PU;
    }
    *len = (size_t)n;
    switch (cp) {
    case 0x2019: return C_RQ;
    case 0x2010: case 0x2011: return C_HY;
    case 0x2026: return C_EL;
    default: break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return C_UP;
    case UTF8PROC_CATEGORY_LL: return C_LO;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: return C_LT;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return C_MK;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return C_DG;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return C_SP;
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PI: return C_OP;
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PF: return C_CL;
    case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO: return C_SY;
    default: return C_PU;
    }
}

/* Class and length of the character at s[i], i < end. */
static inline unsigned class_at(const unsigned char *s, size_t i, size_t end,
                                size_t *len) {
    if (s[i] < 0x80) {
        *len = 1;
        return byte_class[s[i]];
    }
    return decode_class(s + i, end - i, len);
}

/* Start of the character that ends at i (i > lo). */
static inline size_t char_before(const unsigned char *s, size_t lo, size_t i) {
    size_t j = i - 1;
    while (j > lo && (s[j] & 0xC0) == 0x80) j--;
    return j;
}

static int grow(void **p, size_t *cap, size_t size) {
    size_t nc = *cap ? *cap * 2 : 256;
    if (nc < *cap || nc > (size_t)-1 / size) return -1;
    void *np = realloc(*p, nc * size);
    if (!np) return -1;
    *p = np;
    *cap = nc;
    return 0;
}

void segment_reset(segmenter *s) {
    s->n_sent = 0;
    s->n_tok = 0;
}

void segment_free(segmenter *s) {
    if (!s) return;
    free(s->sent);
    free(s->tok);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- sentences */

/*
 * Is s[a, a + len) one of the header's abbreviations?  Case matters: "No."
 * is one, "no." ends a sentence.  (e.g. and i.e. are initialisms.)  This
 * runs at every sentence end, so it switches on the first letter rather
 * than walking a list.
 */
static int abbrev_word(const unsigned char *w, size_t len) {
#define IS(lit) (len == sizeof lit - 1 && memcmp(w, lit, sizeof lit - 1) == 0)
    switch (w[0]) {
    case 'A': return IS("Apr") || IS("Aug");
    case 'C': return IS("Co") || IS("Col") || IS("Capt") || IS("Corp");
    case 'D': return IS("Dr") || IS("Dec");
    case 'F': return IS("Feb");
    case 'G': return IS("Gen") || IS("Gov");
    case 'I': return IS("Inc");
    case 'J': return IS("Jr") || IS("Jan") || IS("Jun") || IS("Jul");
    case 'L': return IS("Lt") || IS("Ltd");
    case 'M': return IS("Mr") || IS("Ms") || IS("Mrs") || IS("Mar");
    case 'N': return IS("No") || IS("Nos") || IS("Nov");
    case 'O': return IS("Oct");
    case 'P': return IS("Prof");
    case 'R': return IS("Rep") || IS("Rev");
    case 'S': return IS("St") || IS("Sr") || IS("Sen") || IS("Sgt") || IS("Sep") ||
                     IS("Sept");
    case 'a': return IS("approx");
    case 'e': return IS("etc");
    case 'v': return IS("vs");
    default: return 0;
    }
#undef IS
}

/*
 * Is the period at s[dot] part of an abbreviation?  The word before it is
 * taken back to whitespace or punctuation, but through apostrophes,
 * hyphens and dots, so that the "s" of "Kyiv's." is no single initial and
 * "U.S." is seen whole.
 */
static int is_abbrev(const unsigned char *s, size_t lo, size_t dot) {
    /* Most sentences end in a longer lowercase word or a number: if the
     * last three bytes are lowercase letters the word must end like one of
     * the few lowercase-ended abbreviations. */
    if (dot - lo >= 3 && byte_class[s[dot - 1]] == C_LO &&
        byte_class[s[dot - 2]] == C_LO && byte_class[s[dot - 3]] == C_LO) {
#define K3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
        uint32_t w = K3(s[dot - 3], s[dot - 2], s[dot - 1]);
        if (w != K3('r', 'o', 'f') && w != K3('a', 'p', 't') && w != K3('e', 'p', 't') &&
            w != K3('o', 'r', 'p') && w != K3('r', 'o', 'x') && w != K3('e', 't', 'c'))
            return 0;
#undef K3
    }
    if (dot == lo || (unsigned)(s[dot - 1] - '0') < 10) return 0;
    size_t a = dot;
    while (a > lo) {
        unsigned k;
        size_t p;
        if (s[a - 1] < 0x80) {
            p = a - 1;
            k = byte_class[s[p]];
        } else {
            size_t n;
            p = char_before(s, lo, a);
            k = decode_class(s + p, dot - p, &n);
        }
        if (!IS_WORD(k) && k != C_DT && !(class_flags[k] & F_JOIN)) break;
        a = p;
    }
    if (a == dot) return 0;

    /* A single letter (J. Smith), or single letters joined by dots
     * (U.S., e.g.). */
    size_t i = a;
    for (;;) {
        size_t n;
        if (!IS_ALPHA(class_at(s, i, dot, &n))) break;
        i += n;
        if (i == dot) return 1;
        if (s[i] != '.') break;
        i++;
    }
    return abbrev_word(s + a, dot - a);
}

static int push_sentence(segmenter *sg, size_t start, size_t end) {
    if (sg->n_sent == sg->cap_sent &&
        grow((void **)&sg->sent, &sg->cap_sent, sizeof *sg->sent))
        return -1;
    sg->sent[sg->n_sent].start = start;
    sg->sent[sg->n_sent].end = end;
    sg->n_sent++;
    return 0;
}

/* First non-space at or after i. */
static inline size_t skip_space(const unsigned char *s, size_t i, size_t end) {
    while (i < end) {
        if (s[i] < 0x80) {
            if (byte_class[s[i]] != C_SP) break;
            i++;
        } else {
            size_t n;
            if (decode_class(s + i, end - i, &n) != C_SP) break;
            i += n;
        }
    }
    return i;
}

/* End of text[lo, i) without its trailing spaces. */
static size_t trim_back(const unsigned char *s, size_t lo, size_t i) {
    while (i > lo) {
        size_t p = char_before(s, lo, i), n;
        if (!(class_flags[class_at(s, p, i, &n)] & F_SPACE)) break;
        i = p;
    }
    return i;
}

/* The first byte at or after i that may begin a sentence end: . ! ? or
 * the lead byte of U+2026 (E2 80 A6).  Curly quotes and dashes share that
 * lead byte, so the vector loop also looks two bytes on. */
static inline size_t find_stop(const unsigned char *s, size_t i, size_t end) {
#ifdef SEGMENT_BLOCKS
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'),
                  ques = _mm_set1_epi8('?'), e2 = _mm_set1_epi8((char)0xE2),
                  a6 = _mm_set1_epi8((char)0xA6);
    while (end - i >= 18) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 2));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
            _mm_or_si128(_mm_cmpeq_epi8(v, ques),
                         _mm_and_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(w, a6))));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) return i + (unsigned)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < end && (unsigned)byte_class[s[i]] - C_DT > C_E2 - C_DT) i++;
    return i;
}

int segment_sentences(segmenter *sg, const char *text, size_t start,
                      size_t end) {
    const unsigned char *s = (const unsigned char *)text;
    size_t b = skip_space(s, start, end); /* start of the current sentence */
    size_t i = b;
    while ((i = find_stop(s, i, end)) < end) {
        /* The run of terminators: . ! ? ... and U+2026 in any mix. */
        size_t t = i;
        int dots = 0, others = 0;
        while (i < end) {
            if (s[i] == '.') {
                dots++;
                i++;
            } else if (s[i] == '!' || s[i] == '?') {
                others++;
                i++;
            } else if (s[i] == 0xE2 && end - i >= 3 && s[i + 1] == 0x80 &&
                       s[i + 2] == 0xA6) {
                others++;
                i += 3;
            } else {
                break;
            }
        }
        if (i == t) { /* 0xE2 that is not an ellipsis */
            i++;
            continue;
        }
        /* Closing quotes and brackets stay with the sentence. */
        size_t n;
        while (i < end && (class_flags[class_at(s, i, end, &n)] & F_CLOSER))
            i += n;
        size_t e = i;
        size_t next = skip_space(s, e, end);
        if (next == e || next == end) continue;
        if (!(class_flags[class_at(s, next, end, &n)] & F_STARTER)) continue;
        if (dots == 1 && !others && is_abbrev(s, b, t)) continue;
        if (push_sentence(sg, b, e)) return -1;
        b = i = next;
    }
    if (b < end) {
        size_t e = trim_back(s, b, end);
        if (e > b && push_sentence(sg, b, e)) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ tokens */

static inline int push_token(segmenter *sg, size_t start, size_t end,
                             sl_token_kind kind) {
    if (sg->n_tok == sg->cap_tok &&
        grow((void **)&sg->tok, &sg->cap_tok, sizeof *sg->tok))
        return -1;
    sl_token *t = &sg->tok[sg->n_tok++];
    t->start = start;
    t->end = end;
    t->kind = kind;
    return 0;
}

static inline int is_ascii_letter(unsigned c) {
    return byte_class[c] <= C_LO;
}

static inline int is_ascii_digit(unsigned c) {
    return c - '0' < 10;
}

/*
 * End of the word that starts at s[i] with a character of class k and
 * length n; its kind in *kind.
 */
static size_t word_end(const unsigned char *s, size_t i, size_t n, unsigned k,
                       size_t end, sl_token_kind *kind) {
    *kind = SL_TOK_WORD;
    /* A dotted initialism (U.S., e.g., a.m.) is one word with its dots:
     * later stages look for "U.S.", not "U" "." "S" ".". */
    if (n == 1 && IS_ALPHA(k) && end - i >= 4 && s[i + 1] == '.' &&
        is_ascii_letter(s[i + 2]) && s[i + 3] == '.') {
        size_t j = i + 4;
        while (end - j >= 2 && is_ascii_letter(s[j]) && s[j + 1] == '.') j += 2;
        return j;
    }
    int alpha = IS_ALPHA(k);
    size_t j = i + n;
    for (;;) {
        /* The common case: a run of ASCII letters and digits. */
        while (j < end) {
            unsigned c = byte_class[s[j]];
            if (!IS_WORD(c)) break;
            alpha |= IS_ALPHA(c);
            j++;
        }
        if (j >= end) break;
        unsigned c = s[j];
        if (c == '.' || c == ',') {
            /* 1,000.5 - and only between digits, so "2022." ends. */
            if (end - j >= 2 && is_ascii_digit(s[j + 1]) &&
                is_ascii_digit(s[j - 1])) {
                j += 2;
                continue;
            }
            break;
        }
        size_t m;
        unsigned kc = class_at(s, j, end, &m);
        if (IS_WORD(kc)) {
            alpha |= IS_ALPHA(kc);
            j += m;
            continue;
        }
        if (!(class_flags[kc] & F_JOIN)) break;
        /* An apostrophe or hyphen stays only with a word character after
         * it: "states'" gives "states" and "'". */
        if (j + m >= end) break;
        size_t m2;
        unsigned k2 = class_at(s, j + m, end, &m2);
        if (!IS_WORD(k2)) break;
        alpha |= IS_ALPHA(k2);
        j += m + m2;
    }
    if (k == C_DG && !alpha) *kind = SL_TOK_NUMBER;
    return j;
}

/*
 * Tokens from s[i] on, a byte at a time, until a token ends at or after
 * target (or at end).  This is the reference: the block scanner below
 * hands it everything that is not plain ASCII.  Returns the position
 * reached, or (size_t)-1 when memory runs out.
 */
static size_t scalar_tokens(segmenter *sg, const unsigned char *s, size_t i,
                            size_t end, size_t target) {
    while (i < end && i < target) {
        unsigned k = byte_class[s[i]];
        if (k == C_SP) {
            i++;
            continue;
        }
        size_t n = 1;
        if (s[i] >= 0x80) k = decode_class(s + i, end - i, &n);
        size_t b = i;
        sl_token_kind kind;
        if (IS_WORD(k)) {
            i = word_end(s, i, n, k, end, &kind);
        } else if (k == C_SP) {
            i += n;
            continue;
        } else if (k == C_DT && end - i >= 3 && s[i + 1] == '.' &&
                   s[i + 2] == '.') {
            i += 3;
            kind = SL_TOK_PUNCT;
        } else {
            i += n;
            kind = k == C_SY ? SL_TOK_SYMBOL : SL_TOK_PUNCT;
        }
        if (push_token(sg, b, i, kind)) return (size_t)-1;
    }
    return i;
}

#ifdef SEGMENT_BLOCKS
/*
 * The block scanner.  In the byte scanner every token costs a mispredicted
 * branch or two, which caps it near 300 MB/s.  Here 64 bytes at a time
 * become bit masks (letters, digits, spaces, bytes >= 0x80), and tokens
 * fall out of bit arithmetic: a word is a run of word bits, any other
 * non-space byte is a token of its own.  The few bytes that need a closer
 * look are found by shifting masks a byte either way and are checked one
 * by one: a non-word byte between two word bytes may join them (' - between
 * word characters, , . between digits), a letter-dot pattern may be an
 * initialism.  The common non-ASCII characters of news text (curly quotes,
 * dashes, U+2026, U+00A0) are read in place; anything else non-ASCII, and
 * initialisms and "...", go to the byte scanner for a token or two.
 *
 * Whether a token ends depends on up to four bytes after it (a three-byte
 * U+2019 and the letter after it), so only tokens that end before bit 60 of
 * a full block are taken, and the next block starts at the first token not
 * taken.  The byte scanner is the reference: the two must agree on every
 * input (tests/unit/test_segment.c checks tokens across block edges).
 */
#define BLOCK 64
#define BLOCK_SAFE 60

typedef struct block_masks {
    uint64_t high, letter, digit, space;
} block_masks;

static inline uint64_t lanes(__m128i m) {
    return (uint64_t)(uint16_t)_mm_movemask_epi8(m);
}

/* Is x - lo < n, as unsigned bytes?  SSE2 compares only signed bytes, so
 * both sides are moved by 0x80. */
static inline __m128i in_range(__m128i x, unsigned char lo, unsigned char n) {
    __m128i d = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
    return _mm_cmplt_epi8(d, _mm_set1_epi8((char)(0x80 + n)));
}

static inline void block_load(const unsigned char *p, block_masks *m) {
    m->high = m->letter = m->digit = m->space = 0;
    for (int q = 0; q < 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * q));
        int sh = 16 * q;
        m->high |= lanes(v) << sh;
        m->letter |= lanes(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26)) << sh;
        m->digit |= lanes(in_range(v, '0', 10)) << sh;
        m->space |= lanes(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                       in_range(v, '\t', 5))) << sh;
    }
}

#define BIT(m, k) (((m) >> (k)) & 1)

/* The kind of a block token by its last byte: a letter or digit ends a word
 * (or a number), a continuation byte a three-byte punctuation mark. */
#define W_ SL_TOK_WORD
#define P_ SL_TOK_PUNCT
#define S_ SL_TOK_SYMBOL
static const unsigned char kind_by_last[256] = {
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, S_, S_, S_, S_, P_, P_, P_, P_, S_, P_, P_, P_, P_,
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, P_, P_, S_, S_, S_, P_,
    S_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_,
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, P_, P_, P_, S_, P_,
    S_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_,
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, P_, S_, P_, S_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,
};
#undef W_
#undef P_
#undef S_

static int block_tokens(segmenter *sg, const unsigned char *s, size_t i,
                        size_t end) {
    unsigned char pad[BLOCK];
    while (i < end) {
        size_t n = end - i;
        const unsigned char *p = s + i;
        block_masks m;
        if (n >= BLOCK) {
            block_load(p, &m);
        } else {
            /* The last bytes: the 64 bytes that end at end, shifted down
             * (a copy would stall the loads that follow it), or a copy
             * when the text is shorter than that.  Past the end come
             * spaces: they make no token and join nothing. */
            unsigned sh = (unsigned)(BLOCK - n);
            if (end >= BLOCK) {
                block_load(s + end - BLOCK, &m);
                m.high >>= sh;
                m.letter >>= sh;
                m.digit >>= sh;
                m.space = (m.space >> sh) | (~(uint64_t)0 << n);
            } else {
                memcpy(pad, p, n);
                memset(pad + n, ' ', sh);
                p = pad;
                block_load(p, &m);
            }
        }
        if (sg->cap_tok - sg->n_tok < BLOCK &&
            grow((void **)&sg->tok, &sg->cap_tok, sizeof *sg->tok))
            return -1;

        uint64_t word = m.letter | m.digit;
        uint64_t space = m.space;
        unsigned lim = n < BLOCK ? (unsigned)n : BLOCK_SAFE;

        /* The non-ASCII characters of English news - curly quotes, dashes,
         * U+2026, no-break spaces - are read here: three-byte punctuation
         * (first and last bytes in p3s, p3e), some of which may join a word
         * (U+2019, U+2010, U+2011: in p3j).  Any other sends the byte
         * scanner from h on. */
        uint64_t p3s = 0, p3e = 0, p3j = 0;
        unsigned h = 2 * BLOCK; /* none */
        unsigned avail = n < BLOCK ? (unsigned)n : BLOCK; /* never read past */
        for (uint64_t c = m.high; c;) {
            unsigned k = (unsigned)__builtin_ctzll(c);
            if (p[k] == 0xE2 && k + 3 <= avail && k <= BLOCK - 4 && p[k + 1] == 0x80) {
                unsigned b3 = p[k + 2];
                if (b3 == 0x99 || b3 == 0x90 || b3 == 0x91) {
                    p3j |= (uint64_t)1 << k;
                } else if (b3 != 0x98 && b3 != 0x9C && b3 != 0x9D && b3 != 0x93 &&
                           b3 != 0x94 && b3 != 0xA6) {
                    h = k;
                    break;
                }
                p3s |= (uint64_t)1 << k;
                p3e |= (uint64_t)4 << k;
                c &= ~((uint64_t)7 << k);
            } else if (p[k] == 0xC2 && k + 2 <= avail && p[k + 1] == 0xA0) {
                space |= (uint64_t)3 << k;
                c &= ~((uint64_t)3 << k);
            } else {
                h = k;
                break;
            }
        }
        uint64_t other = ~word & ~space & ~m.high; /* one-byte tokens */

        /* Dotted initialisms (letter . letter .) and "..." are left to the
         * byte scanner too. */
        for (uint64_t c = (m.letter & (other >> 1) & (m.letter >> 2) & (other >> 3)) |
                          (other & (other >> 1) & (other >> 2));
             c; c &= c - 1) {
            unsigned k = (unsigned)__builtin_ctzll(c);
            if (k >= h) break;
            if (p[k + 1] == '.' && p[k + 3] == '.') h = k; /* initialism */
            if (p[k] == '.' && p[k + 1] == '.' && p[k + 2] == '.') h = k;
            if (h == k) break;
        }
        /* A token is taken when it ends four bytes before the hard byte:
         * a joiner between them (up to three bytes) may join it to what
         * the hard byte starts. */
        unsigned cut = lim;
        if (h < lim + 4) cut = h >= 4 ? h - 4 : 0;

        /* Joiners: ' and - between word bytes, , and . between digits,
         * U+2019 U+2010 U+2011 between word bytes. */
        uint64_t word0 = word;
        for (uint64_t c = other & (word0 << 1) & (word0 >> 1); c; c &= c - 1) {
            unsigned k = (unsigned)__builtin_ctzll(c);
            unsigned b = p[k];
            uint64_t join = (b == '\'') | (b == '-') |
                            (((b == '.') | (b == ',')) & BIT(m.digit, k - 1) &
                             BIT(m.digit, k + 1));
            word |= join << k;
        }
        for (uint64_t c = p3j & (word0 << 1) & (word0 >> 3); c; c &= c - 1)
            word |= (uint64_t)7 << __builtin_ctzll(c);
        other &= ~word;
        p3s &= ~word;
        p3e &= ~word;
        uint64_t starts = (word & ~(word << 1)) | other | p3s;
        uint64_t ends = ((word & ~(word >> 1)) | other | p3e) &
                        (cut >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << cut) - 1));

        /* Numbers: words that start with a digit and hold no letter.  In
         * x = digits and joiners, adding a word's first bit carries through
         * its digits to the first byte that is not one: a letter, or the
         * byte after the word.  Marked at the word's last byte. */
        uint64_t x = word & ~m.letter;
        uint64_t num = ((((x + (starts & m.digit)) & ~x) & ~m.letter) >> 1) & word;

        /* A token's kind follows from its last byte (a word ends in a
         * letter or digit), plus one for a number. */
        sl_token *t = sg->tok + sg->n_tok;
        while (ends) {
            size_t a = (size_t)__builtin_ctzll(starts);
            size_t b = (size_t)__builtin_ctzll(ends);
            t->start = i + a;
            t->end = i + b + 1;
            t->kind = (sl_token_kind)(kind_by_last[p[b]] + BIT(num, b));
            t++;
            starts &= starts - 1;
            ends &= ends - 1;
        }
        sg->n_tok = (size_t)(t - sg->tok);
        unsigned next = starts ? (unsigned)__builtin_ctzll(starts) : BLOCK;
        if (next > cut) {
            /* Only spaces before the cut; do not stop inside a U+00A0. */
            next = cut;
            while (next && next < n && (p[next] & 0xC0) == 0x80) next--;
        }
        size_t block = i;
        i += next;
        if (h < lim) {
            /* The byte scanner takes the tokens up to and over the hard
             * byte. */
            i = scalar_tokens(sg, s, i, end, block + h + 1);
            if (i == (size_t)-1) return -1;
        } else if (next == 0) {
            /* A token longer than the block. */
            i = scalar_tokens(sg, s, i, end, i + 1);
            if (i == (size_t)-1) return -1;
        }
    }
    return 0;
}
#endif

int segment_tokens(segmenter *sg, const char *text, size_t start, size_t end) {
    const unsigned char *s = (const unsigned char *)text;
#ifdef SEGMENT_BLOCKS
    return block_tokens(sg, s, start, end);
#else
    return scalar_tokens(sg, s, start, end, end) == (size_t)-1 ? -1 : 0;
#endif
}
