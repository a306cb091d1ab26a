/*
 * segment.c - sentences and tokens as byte spans, one pass each.
 *
 * Both scanners work on bytes: a 256-entry class table answers for ASCII,
 * which is nearly all of English news, and only bytes >= 0x80 go through
 * utf8proc for a code point and its Unicode category.  The sentence scanner
 * looks only at the few bytes that can start a sentence end (. ! ? and the
 * lead byte of U+2026) and decides there, looking a few characters either
 * way; nothing is allocated but the two span arrays, which grow by doubling
 * and are kept by segment_reset().
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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

/* Abbreviations that take a period, by the header's list; case matters
 * ("No." is one, "no." ends a sentence).  e.g. and i.e. are initialisms. */
static const char *const abbrevs[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col",
    "Sgt", "Capt", "St", "Jr", "Sr", "Rev",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
    "Nov", "Dec",
    "etc", "vs", "approx", "No", "Nos", "Inc", "Ltd", "Co", "Corp",
};
#define ABBREV_MAX 6

/*
 * Is the period at s[dot] part of an abbreviation?  The word before it is
 * taken back to whitespace or punctuation, but through apostrophes,
 * hyphens and dots, so that the "s" of "Kyiv's." is no single initial and
 * "U.S." is seen whole.
 */
static int is_abbrev(const unsigned char *s, size_t lo, size_t dot) {
    size_t a = dot;
    while (a > lo) {
        size_t p = char_before(s, lo, a), n;
        unsigned k = class_at(s, p, dot, &n);
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

    size_t len = dot - a;
    if (len > ABBREV_MAX) return 0;
    for (size_t j = 0; j < sizeof abbrevs / sizeof abbrevs[0]; j++)
        if (strlen(abbrevs[j]) == len && memcmp(abbrevs[j], s + a, len) == 0)
            return 1;
    return 0;
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
static size_t skip_space(const unsigned char *s, size_t i, size_t end) {
    while (i < end) {
        size_t n;
        if (!(class_flags[class_at(s, i, end, &n)] & F_SPACE)) break;
        i += n;
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

int segment_sentences(segmenter *sg, const char *text, size_t start,
                      size_t end) {
    const unsigned char *s = (const unsigned char *)text;
    size_t b = skip_space(s, start, end); /* start of the current sentence */
    size_t i = b;
    while (i < end) {
        unsigned k = byte_class[s[i]];
        if (k - C_DT > C_E2 - C_DT) {
            i++;
            continue;
        }
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

int segment_tokens(segmenter *sg, const char *text, size_t start, size_t end) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = start;
    while (i < end) {
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
        if (push_token(sg, b, i, kind)) return -1;
    }
    return 0;
}
