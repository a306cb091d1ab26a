/*
 * rules.c - parse and match boilerplate rules (format in
 * data/boilerplate.rules).
 *
 * Matching runs only on short paragraphs (max-length), on their matching
 * form, so the cost per article is small whatever the number of rules.
 */
#include "rules.h"

#include <regex.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>

enum match_kind { M_EXACT, M_PREFIX, M_SUFFIX, M_CONTAINS, M_REGEX };

typedef struct rule {
    size_t max_length;   /* the max-length in force where it was defined */
    char *name;
    char *detail;        /* "boilerplate.rules:12" */
    enum rule_scope scope;
    enum match_kind kind;
    char *pattern;
    size_t pattern_len;
    regex_t re;          /* when kind == M_REGEX */
} rule;

struct rules {
    rule *v;
    size_t n, cap;
    size_t max_length;   /* the largest of the rules' */
    size_t cur_length;   /* while parsing: the last max-length directive */
    /* The anchored regex rules as one alternation: one regexec() rejects a
     * paragraph that none of them matches, instead of one call per rule.  glibc's regexec
     * costs about a microsecond per call even on a miss, and short
     * paragraphs are common. */
    regex_t any;
    int has_any;
    /* Literal prefixes that every match of the gate starts with (one of
     * them), read from the patterns, so that most short paragraphs skip
     * regexec() after a few byte compares.  all_pass: a pattern was too
     * complex to read, every paragraph goes to regexec(). */
    struct prefix {
        unsigned char len;
        char s[23];
    } pre[128];
    size_t n_pre;
    /* pre[] in order of first byte: those starting with byte c are
     * pre[by_first[c], by_first[c + 1]) */
    unsigned char by_first[257];
    int all_pass;
};

static char *dupn(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void rules_free(rules *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->v[i].kind == M_REGEX) regfree(&r->v[i].re);
        free(r->v[i].name);
        free(r->v[i].detail);
        free(r->v[i].pattern);
    }
    if (r->has_any) regfree(&r->any);
    free(r->v);
    free(r);
}

size_t rules_max_length(const rules *r) { return r->max_length; }

int rules_gate_exact(const rules *r) { return !r->all_pass; }

/* Next space-separated field of line[*i, n); returns its length. */
static size_t field(const char *line, size_t n, size_t *i, const char **f) {
    while (*i < n && (line[*i] == ' ' || line[*i] == '\t')) (*i)++;
    *f = line + *i;
    size_t s = *i;
    while (*i < n && line[*i] != ' ' && line[*i] != '\t') (*i)++;
    return *i - s;
}

static int is(const char *f, size_t n, const char *word) {
    return n == strlen(word) && memcmp(f, word, n) == 0;
}

static int anchored(const rule *ru) { return ru->kind == M_REGEX && ru->pattern[0] == '^'; }

static int quantifier(char c) { return c == '?' || c == '*' || c == '{'; }

/* Skip one character (a UTF-8 sequence counts as one). */
static const char *next_char(const char *p) {
    p++;
    while ((*p & 0xC0) == 0x80) p++;
    return p;
}

static int special(char c) {
    return c == '(' || c == ')' || c == '[' || c == ']' || c == '.' || c == '*' || c == '+' ||
           c == '?' || c == '{' || c == '}' || c == '|' || c == '^' || c == '$' || c == '\\';
}

static int add_prefix(rules *r, const char *s, size_t len) {
    if (len == 0 || r->n_pre == sizeof r->pre / sizeof *r->pre) return 0;
    if (len > sizeof r->pre[0].s) len = sizeof r->pre[0].s; /* a shorter prefix is still one */
    r->pre[r->n_pre].len = (unsigned char)len;
    memcpy(r->pre[r->n_pre].s, s, len);
    r->n_pre++;
    return 1;
}

/*
 * Add to r the literal prefixes that a match of the regex at p (just after
 * '^') must start with.  Reads only the simple shapes our rules use: a run
 * of literal characters (escaped punctuation included), a bracket
 * expression of bytes and ranges, or a group of alternatives that each
 * start so.  A character made optional by ? * {} is not part of a prefix.
 * Returns 0 when unsure ('.', a negated class, an optional first
 * element...): the caller then sends every paragraph to regexec().
 */
static int prefixes(const char *p, rules *r) {
    if (*p == '(') {
        int depth = 0;
        const char *alt = p + 1;
        for (const char *q = p + 1; *q; q++) {
            if (*q == '\\' && q[1]) { q++; continue; }
            if (*q == '(') depth++;
            else if (*q == ')' && depth > 0) depth--;
            else if ((*q == '|' || *q == ')') && depth == 0) {
                if (q == alt || !prefixes(alt, r)) return 0;
                if (*q == ')') return !quantifier(q[1]);
                alt = q + 1;
            }
        }
        return 0;
    }
    if (*p == '[') {
        /* A bracket expression of single bytes and ranges, not negated. */
        const char *q = p + 1;
        unsigned char set[32] = {0};
        if (*q == '^') return 0;
        do {
            unsigned char a = (unsigned char)*q, b = a;
            if (!a || a == '[' || a >= 0x80) return 0; /* classes, multibyte */
            if (q[1] == '-' && q[2] && q[2] != ']') {
                b = (unsigned char)q[2];
                q += 2;
            }
            for (unsigned x = a; x <= b; x++) set[x >> 3] |= (unsigned char)(1u << (x & 7));
            q++;
        } while (*q != ']');
        if (quantifier(q[1])) return 0;
        for (unsigned x = 0; x < 256; x++) {
            char c = (char)x;
            if ((set[x >> 3] >> (x & 7) & 1) && !add_prefix(r, &c, 1)) return 0;
        }
        return 1;
    }
    char lit[sizeof r->pre[0].s];
    size_t n = 0, last = 0; /* last: where the last character began */
    const char *q = p;
    while (*q && n < sizeof lit) {
        const char *c = q;
        if (*q == '\\') {
            if (!q[1] || (q[1] >= 'a' && q[1] <= 'z') || (q[1] >= 'A' && q[1] <= 'Z') ||
                (q[1] >= '0' && q[1] <= '9'))
                break; /* \b, \w, \1 are not literals */
            c = q + 1;
        } else if (special(*q)) {
            break;
        }
        const char *e = next_char(c);
        if ((size_t)(e - c) > sizeof lit - n) break;
        last = n;
        memcpy(lit + n, c, (size_t)(e - c));
        n += (size_t)(e - c);
        q = e;
    }
    if (quantifier(*q)) n = last; /* the last character is optional */
    return add_prefix(r, lit, n);
}

/* Compile the gate: "^((p1)|(p2)|...)" over the anchored regex rules with
 * their own '^' taken off.  glibc tries a pattern anchored at its very
 * start at position 0 only; with the anchors inside the groups it tries
 * every position.  0, or -1 on failure. */
static int build_gate(rules *r) {
    size_t len = 4;
    for (size_t i = 0; i < r->n; i++)
        if (anchored(&r->v[i])) len += r->v[i].pattern_len + 3;
    if (len == 4) return 0;
    char *pat = malloc(len);
    if (!pat) return -1;
    size_t k = 0;
    pat[k++] = '^';
    pat[k++] = '(';
    int first = 1;
    r->n_pre = 0;
    for (size_t i = 0; i < r->n && !r->all_pass; i++)
        if (anchored(&r->v[i]) && !prefixes(r->v[i].pattern + 1, r)) r->all_pass = 1;
    /* by first byte (a counting sort; n_pre <= 128 fits the offsets) */
    struct prefix sorted[sizeof r->pre / sizeof *r->pre];
    size_t count[257] = {0};
    for (size_t i = 0; i < r->n_pre; i++) count[(unsigned char)r->pre[i].s[0] + 1]++;
    for (size_t c = 0; c < 256; c++) count[c + 1] += count[c];
    for (size_t c = 0; c <= 256; c++) r->by_first[c] = (unsigned char)count[c];
    for (size_t i = 0; i < r->n_pre; i++) sorted[count[(unsigned char)r->pre[i].s[0]]++] = r->pre[i];
    memcpy(r->pre, sorted, r->n_pre * sizeof *sorted);
    for (size_t i = 0; i < r->n; i++) {
        if (!anchored(&r->v[i])) continue;
        if (!first) pat[k++] = '|';
        first = 0;
        pat[k++] = '(';
        memcpy(pat + k, r->v[i].pattern + 1, r->v[i].pattern_len - 1);
        k += r->v[i].pattern_len - 1;
        pat[k++] = ')';
    }
    pat[k++] = ')';
    pat[k] = '\0';
    int rc = regcomp(&r->any, pat, REG_EXTENDED | REG_NOSUB);
    free(pat);
    if (rc) return -1;
    r->has_any = 1;
    return 0;
}

rules *rules_parse(const char *text, size_t n, const char *name, char *err,
                   size_t errlen) {
    rules *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->cur_length = 200;
    size_t lineno = 0;
    for (size_t pos = 0; pos < n;) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        pos += len + 1;
        lineno++;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
            len--;
        size_t i = 0;
        const char *f1, *f2, *f3;
        size_t n1 = field(line, len, &i, &f1);
        if (n1 == 0 || f1[0] == '#') continue;
        size_t n2 = field(line, len, &i, &f2);
        if (is(f1, n1, "max-length")) {
            char num[32];
            if (n2 == 0 || n2 >= sizeof num) goto bad_directive;
            memcpy(num, f2, n2);
            num[n2] = '\0';
            char *end;
            unsigned long v = strtoul(num, &end, 10);
            if (*end || v == 0) goto bad_directive;
            r->cur_length = v;
            continue;
        bad_directive:
            snprintf(err, errlen, "%s:%zu: max-length needs a positive number",
                     name, lineno);
            rules_free(r);
            return NULL;
        }
        size_t n3 = field(line, len, &i, &f3);
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        const char *pat = line + i;
        size_t npat = len - i;
        rule ru = {0};
        if (is(f2, n2, "line")) ru.scope = RULE_LINE;
        else if (is(f2, n2, "block")) ru.scope = RULE_BLOCK;
        else {
            snprintf(err, errlen, "%s:%zu: scope must be line or block, not '%.*s'",
                     name, lineno, (int)n2, f2);
            rules_free(r);
            return NULL;
        }
        if (is(f3, n3, "exact")) ru.kind = M_EXACT;
        else if (is(f3, n3, "prefix")) ru.kind = M_PREFIX;
        else if (is(f3, n3, "suffix")) ru.kind = M_SUFFIX;
        else if (is(f3, n3, "contains")) ru.kind = M_CONTAINS;
        else if (is(f3, n3, "regex")) ru.kind = M_REGEX;
        else {
            snprintf(err, errlen,
                     "%s:%zu: match must be exact, prefix, suffix, contains or regex, not '%.*s'",
                     name, lineno, (int)n3, f3);
            rules_free(r);
            return NULL;
        }
        if (npat == 0) {
            snprintf(err, errlen, "%s:%zu: rule '%.*s' has no pattern", name,
                     lineno, (int)n1, f1);
            rules_free(r);
            return NULL;
        }
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 16;
            rule *nv = realloc(r->v, nc * sizeof *nv);
            if (!nv) goto nomem;
            r->v = nv;
            r->cap = nc;
        }
        ru.name = dupn(f1, n1);
        ru.pattern = dupn(pat, npat);
        ru.pattern_len = npat;
        char det[512];
        snprintf(det, sizeof det, "rule %.*s, %s:%zu", (int)n1, f1, name, lineno);
        ru.detail = dupn(det, strlen(det));
        if (!ru.name || !ru.pattern || !ru.detail) {
            free(ru.name);
            free(ru.pattern);
            free(ru.detail);
            goto nomem;
        }
        if (ru.kind == M_REGEX) {
            int rc = regcomp(&ru.re, ru.pattern, REG_EXTENDED | REG_NOSUB);
            if (rc) {
                char msg[200];
                regerror(rc, &ru.re, msg, sizeof msg);
                snprintf(err, errlen, "%s:%zu: bad regular expression: %s", name,
                         lineno, msg);
                free(ru.name);
                free(ru.pattern);
                free(ru.detail);
                rules_free(r);
                return NULL;
            }
        }
        ru.max_length = r->cur_length;
        if (ru.max_length > r->max_length) r->max_length = ru.max_length;
        r->v[r->n++] = ru;
    }
    if (build_gate(r) != 0) goto nomem;
    return r;
nomem:
    snprintf(err, errlen, "out of memory");
    rules_free(r);
    return NULL;
}

/* Does s[0, n) contain p[0, m)?  Sixteen positions a step, comparing
 * the first and the last byte of p at each and the rest only where both
 * agree: most paragraphs go by at two compares per sixteen bytes (glibc's
 * memmem was a tenth of cleaning, on rules that match almost nothing). */
static int contains(const char *s, size_t n, const char *p, size_t m) {
    if (m == 0) return 1;
    if (m > n) return 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i first = _mm_set1_epi8(p[0]), last = _mm_set1_epi8(p[m - 1]);
    size_t starts = n - m + 1; /* positions where p could begin */
    if (starts >= 16) {
        for (;; i += 16) {
            if (i + 16 > starts) i = starts - 16; /* the last step overlaps the one before */
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + m - 1));
            unsigned hits = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
            while (hits) {
                unsigned k = (unsigned)__builtin_ctz(hits);
                if (memcmp(s + i + k, p, m) == 0) return 1;
                hits &= hits - 1;
            }
            if (i + 16 == starts) return 0;
        }
    }
#endif
    for (; i + m <= n; i++)
        if (s[i] == p[0] && s[i + m - 1] == p[m - 1] && memcmp(s + i, p, m) == 0) return 1;
    return 0;
}

int rules_match(const rules *r, const char *form, size_t n,
                const char **reason, const char **detail,
                enum rule_scope *scope) {
    if (n > r->max_length) return -1;
    int maybe = 0;
    if (r->has_any) {
        unsigned char c0 = (unsigned char)form[0];
        int pass = r->all_pass;
        for (size_t i = r->by_first[c0]; i < r->by_first[c0 + 1] && !pass; i++)
            pass = n >= r->pre[i].len && memcmp(form, r->pre[i].s, r->pre[i].len) == 0;
        maybe = pass && regexec(&r->any, form, 0, NULL, 0) == 0;
    }
    for (size_t i = 0; i < r->n; i++) {
        const rule *ru = &r->v[i];
        int hit = 0;
        if (n > ru->max_length) continue;
        switch (ru->kind) {
        case M_EXACT:
            hit = n == ru->pattern_len && memcmp(form, ru->pattern, n) == 0;
            break;
        case M_PREFIX:
            hit = n >= ru->pattern_len && memcmp(form, ru->pattern, ru->pattern_len) == 0;
            break;
        case M_SUFFIX:
            hit = n >= ru->pattern_len &&
                  memcmp(form + n - ru->pattern_len, ru->pattern, ru->pattern_len) == 0;
            break;
        case M_CONTAINS:
            hit = contains(form, n, ru->pattern, ru->pattern_len);
            break;
        case M_REGEX:
            hit = (maybe || !anchored(ru)) && regexec(&ru->re, form, 0, NULL, 0) == 0;
            break;
        }
        if (hit) {
            *reason = ru->name;
            *detail = ru->detail;
            *scope = ru->scope;
            return (int)i;
        }
    }
    return -1;
}
