/*
 * jsonl.c - a strict, fast parser for one JSON object per line.
 *
 * One pass over the line and no tree: the six known members are unescaped
 * into p->out, every other member is validated and copied as text into
 * p->extra.  Article text is nearly all of the bytes, so the loop that
 * matters is the one over string bodies: it looks at eight bytes at a time
 * for the only bytes that end a plain run ('"', '\\' and controls) and
 * copies each run with one memcpy.
 *
 * Nested values (only ever inside unknown members) are parsed by recursion,
 * capped at MAX_DEPTH levels so that a hostile line cannot exhaust the
 * stack.
 *
 * Duplicate keys are checked among the members of the line's object, the
 * ones storyline reads; nested objects are opaque data and are not checked.
 * Known keys go in a bit set.  Unknown keys are few in practice but a
 * hostile line may hold a million, so they are recorded in spare room of
 * p->out and sorted once the object has been read: n log n, never n^2.
 */
#include "jsonl.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { MAX_DEPTH = 64 };

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Fail fast: pass a -1 or -2 from a callee straight up. */
#define TRY(expr)                 \
    do {                          \
        int rc_ = (expr);         \
        if (rc_) return rc_;      \
    } while (0)

static const char *const field_name[JSONL_NFIELDS] = {
    "id", "source", "url", "date", "title", "text",
};

typedef struct cursor {
    jsonl_parser *p;
    const unsigned char *line; /* where offsets count from */
    const unsigned char *s;    /* the next byte to read */
    const unsigned char *end;
} cursor;

/* An unknown key of the object, kept in p->out for the duplicate check;
 * its unescaped bytes follow it.  Stored unaligned, read with memcpy. */
typedef struct key_rec {
    size_t next; /* offset in p->out of the next record; 0 ends the list */
    size_t len;  /* bytes of the key */
    size_t at;   /* offset in the line of its opening quote */
} key_rec;

typedef struct key_list {
    size_t n, first, last; /* offsets in p->out */
} key_list;

static int fail(cursor *c, const unsigned char *at, const char *msg) {
    snprintf(c->p->err, sizeof c->p->err, "%s", msg);
    c->p->err_off = (size_t)(at - c->line);
    return -1;
}

/* A buf operation failed; at is the start of what was being stored. */
static int buf_fail(cursor *c, int rc, const unsigned char *at) {
    if (rc == BUF_ENOMEM) {
        fail(c, at, "out of memory");
        return -2;
    }
    return fail(c, at, "value too large");
}

static int put(cursor *c, buf *b, const void *src, size_t n,
               const unsigned char *at) {
    int rc = buf_put(b, src, n);
    return rc ? buf_fail(c, rc, at) : 0;
}

static int put_char(cursor *c, buf *b, char ch, const unsigned char *at) {
    int rc = buf_putc(b, ch);
    return rc ? buf_fail(c, rc, at) : 0;
}

static void skip_ws(cursor *c) {
    while (c->s < c->end &&
           (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

static int is_digit(unsigned ch) { return ch - '0' < 10; }

/* At c->s, is there the byte ch?  Saves a bounds check at every use. */
static int at_char(const cursor *c, unsigned char ch) {
    return c->s < c->end && *c->s == ch;
}

/*
 * The offset of the first byte in s[0, n) that ends a plain run of string
 * bytes - '"', '\\' or a byte below 0x20 - or n.  Per 64-bit word, the
 * classic "has a zero byte" test (x - 0x01..) & ~x & 0x80.. runs on the
 * word xored with each of '"' and '\\', and (x - 0x20..) & ~x & 0x80..
 * flags bytes below 0x20 (~x drops bytes >= 0x80).  Borrows can set false
 * flags, but only above a true one, so the lowest flag is exact.
 */
static size_t plain_run(const unsigned char *s, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    /* Sixteen bytes a step where SSE2 is there (all of x86-64). */
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1F);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)); /* v <= 0x1F */
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ONES * '"');
        uint64_t b = w ^ (ONES * '\\');
        uint64_t m = ((q - ONES) & ~q) | ((b - ONES) & ~b) |
                     ((w - ONES * 0x20) & ~w);
        m &= HIGHS;
        if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)__builtin_ctzll(m) / 8;
#else
            break; /* the byte loop below finds it */
#endif
        }
    }
    for (; i < n; i++)
        if (s[i] == '"' || s[i] == '\\' || s[i] < 0x20) break;
    return i;
}

/* Four hex digits at h (not past end) into *v; -1 when they are not. */
static int hex4(const unsigned char *h, const unsigned char *end, unsigned *v) {
    if (end - h < 4) return -1;
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        unsigned ch = h[i], lc = ch | 0x20;
        if (is_digit(ch)) x = x << 4 | (ch - '0');
        else if (lc >= 'a' && lc <= 'f') x = x << 4 | (lc - 'a' + 10);
        else return -1;
    }
    *v = x;
    return 0;
}

static size_t utf8_put(uint32_t cp, unsigned char *o) {
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Decode the escape at s (a backslash, with at least one byte after it)
 * into u; *used is its length in the line.  Returns the bytes written to u,
 * or -1 with the error set.
 */
static int escape(cursor *c, const unsigned char *s, unsigned char u[4],
                  size_t *used) {
    *used = 2;
    switch (s[1]) {
    case '"': case '\\': case '/': u[0] = s[1]; return 1;
    case 'b': u[0] = '\b'; return 1;
    case 'f': u[0] = '\f'; return 1;
    case 'n': u[0] = '\n'; return 1;
    case 'r': u[0] = '\r'; return 1;
    case 't': u[0] = '\t'; return 1;
    case 'u': break;
    default: return fail(c, s, "invalid escape");
    }
    unsigned cp, lo;
    if (hex4(s + 2, c->end, &cp)) return fail(c, s, "invalid \\u escape");
    *used = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(c, s, "invalid \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        /* A high surrogate counts only with a low one right after it. */
        if (c->end - s < 12 || s[6] != '\\' || s[7] != 'u' ||
            hex4(s + 8, c->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return fail(c, s, "invalid \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *used = 12;
    }
    return (int)utf8_put(cp, u);
}

/*
 * Read the string whose opening quote is at c->s and leave c->s after its
 * closing quote.  With dst the unescaped bytes are appended to it, without
 * the string is only checked; *escaped (if wanted) tells whether it held an
 * escape.  On error c->s stays at the opening quote.
 */
static int string(cursor *c, buf *dst, int *escaped) {
    const unsigned char *open = c->s, *s = open + 1;
    int esc = 0;
    for (;;) {
        size_t n = plain_run(s, (size_t)(c->end - s));
        if (dst && n) TRY(put(c, dst, s, n, open));
        s += n;
        if (s == c->end) return fail(c, open, "unterminated string");
        if (*s == '"') break;
        if (*s < 0x20) return fail(c, s, "control character in string");
        if (c->end - s < 2) return fail(c, open, "unterminated string");
        unsigned char u[4];
        size_t used;
        int un = escape(c, s, u, &used);
        if (un < 0) return -1;
        if (dst) TRY(put(c, dst, u, (size_t)un, open));
        s += used;
        esc = 1;
    }
    c->s = s + 1;
    if (escaped) *escaped = esc;
    return 0;
}

static int literal(cursor *c, const char *word, size_t n) {
    if ((size_t)(c->end - c->s) < n || memcmp(c->s, word, n) != 0)
        return fail(c, c->s, "invalid literal");
    c->s += n;
    return 0;
}

/* Check the number at c->s (RFC 8259, section 6) and step over it. */
static int number(cursor *c) {
    const unsigned char *s = c->s, *e = c->end;
    if (s < e && *s == '-') s++;
    if (s == e || !is_digit(*s)) return fail(c, s, "invalid number");
    if (*s == '0') {
        s++;
        if (s < e && is_digit(*s)) return fail(c, s, "invalid number");
    } else {
        while (s < e && is_digit(*s)) s++;
    }
    if (s < e && *s == '.') {
        s++;
        if (s == e || !is_digit(*s)) return fail(c, s, "invalid number");
        while (s < e && is_digit(*s)) s++;
    }
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < e && (*s == '+' || *s == '-')) s++;
        if (s == e || !is_digit(*s)) return fail(c, s, "invalid number");
        while (s < e && is_digit(*s)) s++;
    }
    c->s = s;
    return 0;
}

static int container(cursor *c, int depth);

/* Check the value at c->s, which sits at nesting level depth, and copy it
 * compact to p->extra. */
static int value(cursor *c, int depth) {
    const unsigned char *start = c->s;
    if (c->s == c->end) return fail(c, c->s, "expected a value");
    switch (*c->s) {
    case '{': case '[': return container(c, depth + 1);
    case '"': TRY(string(c, NULL, NULL)); break;
    case 't': TRY(literal(c, "true", 4)); break;
    case 'f': TRY(literal(c, "false", 5)); break;
    case 'n': TRY(literal(c, "null", 4)); break;
    case '-': case '+': case '.':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        TRY(number(c));
        break;
    default: return fail(c, c->s, "expected a value");
    }
    return put(c, &c->p->extra, start, (size_t)(c->s - start), start);
}

/* The object or array at c->s, which opens nesting level depth. */
static int container(cursor *c, int depth) {
    buf *x = &c->p->extra;
    unsigned char open = *c->s, close = open == '{' ? '}' : ']';
    if (depth > MAX_DEPTH) return fail(c, c->s, "nested too deep");
    TRY(put_char(c, x, (char)open, c->s));
    c->s++;
    skip_ws(c);
    if (at_char(c, close)) {
        c->s++;
        return put_char(c, x, (char)close, c->s - 1);
    }
    for (;;) {
        if (open == '{') {
            const unsigned char *key = c->s;
            if (!at_char(c, '"')) return fail(c, c->s, "expected a key");
            TRY(string(c, NULL, NULL));
            TRY(put(c, x, key, (size_t)(c->s - key), key));
            skip_ws(c);
            if (!at_char(c, ':')) return fail(c, c->s, "expected ':' after key");
            c->s++;
            TRY(put_char(c, x, ':', c->s - 1));
            skip_ws(c);
        }
        TRY(value(c, depth));
        skip_ws(c);
        if (at_char(c, ',')) {
            const unsigned char *comma = c->s++;
            TRY(put_char(c, x, ',', comma));
            skip_ws(c);
            if (at_char(c, close)) return fail(c, comma, "trailing comma");
            continue;
        }
        if (at_char(c, close)) {
            c->s++;
            return put_char(c, x, (char)close, c->s - 1);
        }
        return fail(c, c->s,
                    open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int known_field(const void *key, size_t n) {
    for (int f = 0; f < JSONL_NFIELDS; f++)
        if (strlen(field_name[f]) == n && memcmp(field_name[f], key, n) == 0)
            return f;
    return -1;
}

/* `duplicate key "k"`, the key cut short (at a character boundary) and
 * with control bytes shown as '?', so the message stays one short line. */
static int dup_error(cursor *c, const unsigned char *key, size_t n, size_t at) {
    enum { SHOW = 60 };
    char shown[SHOW + 4];
    size_t k = n;
    if (k > SHOW) {
        k = SHOW;
        while (k > 0 && (key[k] & 0xC0) == 0x80) k--;
    }
    for (size_t i = 0; i < k; i++) shown[i] = key[i] < 0x20 ? '?' : (char)key[i];
    memcpy(shown + k, k < n ? "..." : "", k < n ? 4 : 1);
    snprintf(c->p->err, sizeof c->p->err, "duplicate key \"%s\"", shown);
    c->p->err_off = at;
    return -1;
}

/*
 * Read the key at c->s and leave c->s after it.  *field is its known field,
 * or -1; an unknown key is added to keys (unescaped, in p->out) for the
 * duplicate check.
 */
static int member_key(cursor *c, key_list *keys, int *field) {
    buf *o = &c->p->out;
    const unsigned char *at = c->s;
    int escaped;
    TRY(string(c, NULL, &escaped));
    if (!escaped) {
        *field = known_field(at + 1, (size_t)(c->s - at) - 2);
        if (*field >= 0) return 0;
    }
    /* An escaped key is unescaped straight into its record, which is
     * dropped again if the key turns out to be a known one. */
    size_t rec = o->len;
    key_rec r = {0, 0, (size_t)(at - c->line)};
    TRY(put(c, o, &r, sizeof r, at));
    if (escaped) {
        c->s = at;
        TRY(string(c, o, NULL));
    } else {
        TRY(put(c, o, at + 1, (size_t)(c->s - at) - 2, at));
    }
    r.len = o->len - rec - sizeof r;
    *field = known_field(o->p + rec + sizeof r, r.len);
    if (*field >= 0) {
        o->len = rec;
        return 0;
    }
    memcpy(o->p + rec, &r, sizeof r);
    if (keys->n++ == 0)
        keys->first = rec;
    else
        memcpy(o->p + keys->last + offsetof(key_rec, next), &rec, sizeof rec);
    keys->last = rec;
    return 0;
}

/* Order key records by key bytes, then by position in the line. */
static int rec_cmp(const char *base, size_t a, size_t b) {
    key_rec ra, rb;
    memcpy(&ra, base + a, sizeof ra);
    memcpy(&rb, base + b, sizeof rb);
    size_t n = ra.len < rb.len ? ra.len : rb.len;
    int d = memcmp(base + a + sizeof ra, base + b + sizeof rb, n);
    if (d) return d;
    if (ra.len != rb.len) return ra.len < rb.len ? -1 : 1;
    return ra.at < rb.at ? -1 : ra.at > rb.at;
}

static void sift_down(size_t *v, size_t root, size_t n, const char *base) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && rec_cmp(base, v[child], v[child + 1]) < 0) child++;
        if (rec_cmp(base, v[root], v[child]) >= 0) return;
        size_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

/* Heapsort: no extra memory and n log n on any input. */
static void sort_recs(size_t *v, size_t n, const char *base) {
    for (size_t i = n / 2; i-- > 0;) sift_down(v, i, n, base);
    for (size_t end = n; end-- > 1;) {
        size_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end, base);
    }
}

/* Report the first repeated unknown key, in line order, if there is one. */
static int check_dups(cursor *c, const key_list *keys) {
    if (keys->n < 2) return 0;
    buf *o = &c->p->out;
    /* An array of record offsets, in scratch room past the end of p->out
     * (len is not moved); aligned, since malloc'd memory is. */
    size_t pad = (sizeof(size_t) - o->len % sizeof(size_t)) % sizeof(size_t);
    if (keys->n > (SIZE_MAX - pad) / sizeof(size_t))
        return fail(c, c->line, "value too large");
    int rc = buf_reserve(o, pad + keys->n * sizeof(size_t));
    if (rc) return buf_fail(c, rc, c->line);
    size_t *v = (size_t *)(void *)(o->p + o->len + pad);
    size_t off = keys->first;
    for (size_t i = 0; i < keys->n; i++) {
        key_rec r;
        memcpy(&r, o->p + off, sizeof r);
        v[i] = off;
        off = r.next;
    }
    sort_recs(v, keys->n, o->p);
    /* Equal keys are now adjacent and in line order; the first duplicate
     * is the earliest second one of a pair. */
    size_t dup = 0, best = SIZE_MAX;
    for (size_t i = 0; i + 1 < keys->n; i++) {
        key_rec a, b;
        memcpy(&a, o->p + v[i], sizeof a);
        memcpy(&b, o->p + v[i + 1], sizeof b);
        if (a.len == b.len && b.at < best &&
            memcmp(o->p + v[i] + sizeof a, o->p + v[i + 1] + sizeof b, a.len) == 0) {
            best = b.at;
            dup = v[i + 1];
        }
    }
    if (best == SIZE_MAX) return 0;
    key_rec r;
    memcpy(&r, o->p + dup, sizeof r);
    return dup_error(c, (const unsigned char *)o->p + dup + sizeof r, r.len, r.at);
}

/*
 * The value of known field f at c->s: a string is unescaped into p->out at
 * *off (*len bytes, then a NUL), null leaves the field absent, and a
 * number is kept as text for "id".
 */
static int known_value(cursor *c, int f, size_t *off, size_t *len, int *present) {
    buf *o = &c->p->out;
    const unsigned char *at = c->s;
    if (at_char(c, '"')) {
        *off = o->len;
        TRY(string(c, o, NULL));
    } else if (at_char(c, 'n')) {
        return literal(c, "null", 4);
    } else if (f == JSONL_ID && c->s < c->end &&
               (is_digit(*c->s) || *c->s == '-' || *c->s == '+' || *c->s == '.')) {
        TRY(number(c));
        *off = o->len;
        TRY(put(c, o, at, (size_t)(c->s - at), at));
    } else {
        if (c->s == c->end || *c->s == '\0' || !strchr("{[tf-+.0123456789", *c->s))
            return fail(c, c->s, "expected a value");
        snprintf(c->p->err, sizeof c->p->err, "field \"%s\" must be %s",
                 field_name[f], f == JSONL_ID ? "a string or a number" : "a string");
        c->p->err_off = (size_t)(at - c->line);
        return -1;
    }
    *len = o->len - *off;
    *present = 1;
    return put_char(c, o, '\0', at);
}

/* The members of the object whose '{' is at c->s. */
static int object(cursor *c, size_t off[], size_t len[], unsigned *present) {
    buf *x = &c->p->extra;
    key_list keys = {0, 0, 0};
    unsigned seen = 0;
    c->s++;
    skip_ws(c);
    while (!at_char(c, '}')) {
        const unsigned char *key = c->s;
        int f;
        if (!at_char(c, '"')) return fail(c, c->s, "expected a key");
        TRY(member_key(c, &keys, &f));
        const unsigned char *key_end = c->s;
        skip_ws(c);
        if (!at_char(c, ':')) return fail(c, c->s, "expected ':' after key");
        c->s++;
        skip_ws(c);
        if (f >= 0) {
            if (seen & 1u << f) {
                snprintf(c->p->err, sizeof c->p->err, "duplicate key \"%s\"",
                         field_name[f]);
                c->p->err_off = (size_t)(key - c->line);
                return -1;
            }
            seen |= 1u << f;
            int here = 0;
            TRY(known_value(c, f, &off[f], &len[f], &here));
            if (here) *present |= 1u << f;
        } else {
            TRY(put_char(c, x, x->len ? ',' : '{', key));
            TRY(put(c, x, key, (size_t)(key_end - key), key));
            TRY(put_char(c, x, ':', key));
            TRY(value(c, 1));
        }
        skip_ws(c);
        if (at_char(c, ',')) {
            const unsigned char *comma = c->s++;
            skip_ws(c);
            if (at_char(c, '}')) return fail(c, comma, "trailing comma");
        } else if (!at_char(c, '}')) {
            return fail(c, c->s, "expected ',' or '}'");
        }
    }
    c->s++;
    skip_ws(c);
    if (c->s != c->end) return fail(c, c->s, "trailing characters after the object");
    TRY(check_dups(c, &keys));
    if (x->len) TRY(put_char(c, x, '}', c->s));
    return 0;
}

int jsonl_parse(jsonl_parser *p, const char *line, size_t len,
                jsonl_record *rec) {
    static const char nothing[1] = "";
    if (!line) { /* so that no arithmetic is done on a null pointer */
        line = nothing;
        len = 0;
    }
    cursor c = {p, (const unsigned char *)line, (const unsigned char *)line,
                (const unsigned char *)line + len};
    size_t off[JSONL_NFIELDS], vlen[JSONL_NFIELDS];
    unsigned present = 0;

    memset(rec, 0, sizeof *rec);
    buf_reset(&p->out);
    buf_reset(&p->extra);
    p->err[0] = '\0';
    p->err_off = 0;

    skip_ws(&c);
    if (c.s == c.end) return fail(&c, c.line, "empty line");
    if (*c.s != '{') return fail(&c, c.s, "not a JSON object");
    TRY(object(&c, off, vlen, &present));

    /* Only now: p->out may have moved while it grew. */
    for (int f = 0; f < JSONL_NFIELDS; f++) {
        if (!(present & 1u << f)) continue;
        rec->val[f] = p->out.p + off[f];
        rec->len[f] = vlen[f];
    }
    if (p->extra.len) {
        rec->extra = p->extra.p;
        rec->extra_len = p->extra.len;
    }
    return 0;
}

void jsonl_free(jsonl_parser *p) {
    if (!p) return;
    buf_free(&p->out);
    buf_free(&p->extra);
}
