/*
 * clean.c - the cleaning stage: validate, normalise, split into paragraphs,
 * drop boilerplate and repeated paragraphs, mark headings and list items,
 * find the title, segment, hash.
 *
 * Each line of the input is one paragraph (news feeds and scrapers write
 * one paragraph a line; blank lines only separate).  Lines are trimmed and
 * examined in place in the source text; only the survivors are copied, once,
 * into the clean text.  Nothing is allocated per line or per token once the
 * cleaner's arrays have grown to the largest article seen.
 */
#include "clean.h"

#include <stdio.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "normalize.h"
#include "utf8.h"

/* Repeats shorter than this are kept: "Yes." twice in an interview is
 * not a scraper fault. */
#define REPEAT_MIN_BYTES 20
/* A subheading is short. */
#define HEADING_MAX_BYTES 120
#define HEADING_MAX_WORDS 15
/* A first line is the title when it is one short sentence; one that ends
 * in a period must be shorter still (a one-sentence lead is longer). */
#define TITLE_MAX_BYTES 200
#define TITLE_PERIOD_MAX_BYTES 120

static const char NOTE_NFC[] = "unicode: normalised to NFC";
static const char NOTE_TITLE_LINE[] = "title: the first line, which reads as a headline";
static const char NOTE_TITLE_PARA[] = "title: the first paragraph (no headline line)";

/* Length of the whitespace character at s[i] (ASCII blanks, no-break and
 * typographic spaces, zero-width space, a stray BOM), else 0. */
static size_t space_at(const unsigned char *s, size_t i, size_t end) {
    unsigned c = s[i];
    if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r') return 1;
    if (c < 0x80) return 0;
    if (c == 0xC2 && i + 1 < end && s[i + 1] == 0xA0) return 2;
    if (i + 2 >= end) return 0;
    if (c == 0xE2 && s[i + 1] == 0x80 &&
        (s[i + 2] <= 0x8B || s[i + 2] == 0xAF))
        return 3; /* U+2000-200B, U+202F */
    if (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80) return 3;
    if (c == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF) return 3;
    return 0;
}

/* Length of the whitespace character ending at s[end - 1], else 0. */
static size_t space_before(const unsigned char *s, size_t start, size_t end) {
    unsigned last = s[end - 1];
    /* Most lines end in a letter or a stop: no space can end with those. */
    if (last > ' ' && last < 0x80) return 0;
    for (size_t k = 1; k <= 3 && k <= end - start; k++) {
        size_t n = space_at(s, end - k, end);
        if (n == k) return k;
    }
    return 0;
}

/* Does the line open with a list marker: "- ", "* ", "• ", "1. ", "2) "? */
static int list_marker(const unsigned char *s, size_t n) {
    if (n < 2) return 0;
    if ((s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ') return 1;
    if (s[0] != 0xE2 && s[0] != 0xC2 && !(s[0] >= '0' && s[0] <= '9')) return 0;
    static const char *const bullets[] = {"\xE2\x80\xA2 ", "\xC2\xB7 ", "\xE2\x80\x93 ",
                                          "\xE2\x96\xAA ", "\xE2\x97\xA6 ", "\xE2\x96\xBA ",
                                          "\xE2\x97\x8F "};
    for (size_t i = 0; i < sizeof bullets / sizeof *bullets; i++) {
        size_t k = strlen(bullets[i]);
        if (n >= k && memcmp(s, bullets[i], k) == 0) return 1;
    }
    size_t d = 0;
    while (d < n && d < 3 && s[d] >= '0' && s[d] <= '9') d++;
    return d > 0 && d + 1 < n && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ';
}

/* The last character of s[0, n) that is not a closing quote or bracket. */
static unsigned last_mark(const unsigned char *s, size_t n) {
    while (n) {
        unsigned c = s[n - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']') { n--; continue; }
        if (n >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 &&
            (c == 0x9D || c == 0x99)) { n -= 3; continue; } /* ” ’ */
        if (n >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 && c == 0xA6)
            return '.'; /* … */
        return c;
    }
    return 0;
}

static int ends_sentence(unsigned c) { return c == '.' || c == '!' || c == '?'; }

static size_t words(const unsigned char *s, size_t n) {
    size_t w = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ';
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

/* A subheading: short, few words, no closing punctuation, and it opens
 * with a capital, a digit or a quote. */
static int looks_like_heading(const unsigned char *s, size_t n) {
    if (n == 0 || n > HEADING_MAX_BYTES) return 0;
    unsigned last = last_mark(s, n);
    if (ends_sentence(last) || last == ':' || last == ';' || last == ',') return 0;
    if (words(s, n) > HEADING_MAX_WORDS) return 0;
    unsigned c = s[0];
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '"' ||
           c == '\'' || c >= 0x80;
}

/* Record that text src[start, end) was removed. */
static int add_removal(cleaner *c, const char *reason, const char *detail,
                       const char *src, size_t start, size_t end) {
    if (array_grow((void **)&c->rem, &c->cap_rem, c->n_rem + 1, sizeof *c->rem)) return -1;
    clean_removal *r = &c->rem[c->n_rem++];
    r->reason = reason;
    r->detail = detail;
    r->note[0] = '\0';
    r->off = c->removed.len;
    r->len = end - start;
    /* NUL-terminated, so a removal can be handed out as a C string. */
    if (buf_put(&c->removed, src + start, end - start)) return -1;
    return buf_putc(&c->removed, '\0') == BUF_OK ? 0 : -1;
}

/* Split src into trimmed, non-empty lines. */
static int split_lines(cleaner *c, const char *src, size_t len) {
    const unsigned char *s = (const unsigned char *)src;
    size_t pos = 0;
    c->n_lines = 0;
    int any_cr = memchr(src, '\r', len) != NULL; /* rare: look once, not per line */
    while (pos < len) {
        const char *nl = memchr(src + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - src) : len;
        const char *cr = any_cr ? memchr(src + pos, '\r', end - pos) : NULL;
        if (cr && (size_t)(cr - src) + 1 < end) end = (size_t)(cr - src); /* old Mac breaks */
        size_t a = pos, b = end, k;
        pos = end + 1;
        while (a < b && (k = space_at(s, a, b))) a += k;
        while (b > a && (k = space_before(s, a, b))) b -= k;
        if (a == b) continue;
        if (array_grow((void **)&c->lines, &c->cap_lines, c->n_lines + 1, sizeof *c->lines)) return -1;
        clean_line *l = &c->lines[c->n_lines++];
        l->start = a;
        l->end = b;
        l->keep = 1;
        l->same_as = -1;
        l->reason = l->detail = NULL;
        l->kind = list_marker(s + a, b - a) ? SL_PARA_LIST : SL_PARA_BODY;
    }
    return 0;
}

/* The matching form of every line, once: the rules read it, and so do
 * the hash and the fingerprints (a walk over the text each, before). */
static int line_forms(cleaner *c, const char *src) {
    buf_reset(&c->forms);
    for (size_t i = 0; i < c->n_lines; i++) {
        clean_line *l = &c->lines[i];
        l->form.off = c->forms.len;
        if (norm_match_form(src + l->start, l->end - l->start, &c->forms)) return -1;
        l->form.len = c->forms.len - l->form.off;
        if (buf_putc(&c->forms, '\0')) return -1;
    }
    return 0;
}

/* Drop lines that match a boilerplate rule; a block rule takes the run of
 * list items and short unpunctuated lines after it as well. */
static int drop_boilerplate(cleaner *c, const rules *r, const char *src) {
    if (!r) return 0;
    size_t max = rules_max_length(r);
    for (size_t i = 0; i < c->n_lines; i++) {
        clean_line *l = &c->lines[i];
        if (!l->keep || l->end - l->start > max) continue;
        const char *reason, *detail;
        enum rule_scope scope;
        if (rules_match(r, c->forms.p + l->form.off, l->form.len, &reason, &detail, &scope) < 0)
            continue;
        l->keep = 0;
        l->reason = reason;
        l->detail = detail;
        if (scope != RULE_BLOCK) continue;
        while (i + 1 < c->n_lines) {
            clean_line *m = &c->lines[i + 1];
            const unsigned char *t = (const unsigned char *)src + m->start;
            size_t n = m->end - m->start;
            int linkish = m->kind == SL_PARA_LIST ||
                          (n <= HEADING_MAX_BYTES && !ends_sentence(last_mark(t, n)));
            if (!linkish) break;
            m->keep = 0;
            m->reason = reason;
            m->detail = detail;
            i++;
        }
    }
    return 0;
}

/* Drop the second and later copies of a paragraph. */
static int drop_repeats(cleaner *c, const char *src) {
    size_t need = 16;
    while (need < c->n_lines * 2) need *= 2;
    if (need > c->cap_slots) {
        uint64_t *ns = realloc(c->slots, need * sizeof *ns);
        if (!ns) return -1;
        c->slots = ns;
        c->cap_slots = need;
    }
    memset(c->slots, 0, need * sizeof *c->slots);
    size_t mask = need - 1;
    for (size_t i = 0; i < c->n_lines; i++) {
        clean_line *l = &c->lines[i];
        size_t n = l->end - l->start;
        if (!l->keep || n < REPEAT_MIN_BYTES) continue;
        uint64_t h = XXH3_64bits(src + l->start, n);
        for (size_t j = h & mask;; j = (j + 1) & mask) {
            if (c->slots[j] == 0) {
                c->slots[j] = i + 1;
                break;
            }
            clean_line *o = &c->lines[c->slots[j] - 1];
            if (o->end - o->start == n && memcmp(src + o->start, src + l->start, n) == 0) {
                l->keep = 0;
                l->reason = "repeated-paragraph";
                l->same_as = (int32_t)(c->slots[j] - 1);
                break;
            }
        }
    }
    return 0;
}

/* Does the line read as a headline: one short sentence, not a list item,
 * not a lead-in ending in a colon? */
static int looks_like_title(cleaner *c, const char *src, const clean_line *l) {
    const unsigned char *s = (const unsigned char *)src + l->start;
    size_t n = l->end - l->start;
    if (l->kind == SL_PARA_LIST || n > TITLE_MAX_BYTES) return 0;
    unsigned last = last_mark(s, n);
    if (last == ':' || last == ';' || last == ',') return 0;
    if (ends_sentence(last) && n > TITLE_PERIOD_MAX_BYTES) return 0;
    size_t before = c->seg.n_sent;
    if (segment_sentences(&c->seg, src, l->start, l->end)) return -1;
    size_t found = c->seg.n_sent - before;
    c->seg.n_sent = before;
    return found == 1;
}

/* Equal matching forms? (used to drop a first line that repeats the given
 * title) */
static int same_form(cleaner *c, const char *a, size_t na, const char *b, size_t nb) {
    buf_reset(&c->form);
    if (norm_match_form(a, na, &c->form)) return -1;
    size_t mid = c->form.len;
    if (norm_match_form(b, nb, &c->form)) return -1;
    return c->form.len - mid == mid && memcmp(c->form.p, c->form.p + mid, mid) == 0;
}

static sl_status oom(char *err, size_t errlen) {
    snprintf(err, errlen, "out of memory");
    return SL_ENOMEM;
}

sl_status clean_run(cleaner *c, const rules *r, const char *text, size_t len,
                    const char *title, char *err, size_t errlen) {
    buf_reset(&c->nfc);
    buf_reset(&c->text);
    buf_reset(&c->removed);
    buf_reset(&c->title);
    segment_reset(&c->seg);
    c->n_para = c->n_rem = c->n_notes = 0;
    c->n_sentences = c->n_tokens = 0;
    c->title_p = NULL;
    c->title_len = 0;

    size_t skip = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        skip = 3;
        if (add_removal(c, "bom", "a byte order mark before the text", "", 0, 0))
            return oom(err, errlen);
    }
    size_t bad;
    int needs_nfc;
    int u = norm_check(&c->nfct, text + skip, len - skip, &bad, &needs_nfc);
    if (u != UTF8_OK) {
        snprintf(err, errlen, "%s at byte %zu of the text",
                 u == UTF8_NUL ? "NUL byte" : "invalid UTF-8", bad + skip);
        return SL_EUTF8;
    }
    const char *src = text + skip;
    size_t n = len - skip;
    if (needs_nfc) {
        int rc = norm_nfc(src, n, &c->nfc);
        if (rc) return rc == BUF_ETOOBIG ? SL_ETOOBIG : oom(err, errlen);
        if (c->nfc.len != n || memcmp(c->nfc.p, src, n) != 0) c->notes[c->n_notes++] = NOTE_NFC;
        src = c->nfc.p;
        n = c->nfc.len;
    }

    if (split_lines(c, src, n) || line_forms(c, src) || drop_boilerplate(c, r, src) ||
        drop_repeats(c, src))
        return oom(err, errlen);

    /* The title. */
    size_t first = 0;
    while (first < c->n_lines && !c->lines[first].keep) first++;
    if (first == c->n_lines) {
        snprintf(err, errlen, "no text%s", c->n_lines ? " left after cleaning" : "");
        return SL_EEMPTY;
    }
    clean_line *fl = &c->lines[first];
    size_t second = first + 1;
    while (second < c->n_lines && !c->lines[second].keep) second++;
    if (title && *title) {
        int same = second < c->n_lines
                       ? same_form(c, title, strlen(title), src + fl->start, fl->end - fl->start)
                       : 0;
        if (same < 0) return oom(err, errlen);
        if (same) {
            fl->keep = 0;
            fl->reason = "title-repeated";
            fl->detail = "the first line repeats the title";
        }
    } else {
        int t = second < c->n_lines ? looks_like_title(c, src, fl) : 0;
        if (t < 0) return oom(err, errlen);
        if (buf_put(&c->title, src + fl->start, fl->end - fl->start)) return oom(err, errlen);
        c->title_p = c->title.p;
        c->title_len = c->title.len;
        if (t) {
            fl->keep = 0; /* moved to the title, not removed */
            fl->reason = NULL;
            c->notes[c->n_notes++] = NOTE_TITLE_LINE;
        } else {
            c->notes[c->n_notes++] = NOTE_TITLE_PARA;
        }
    }

    /* Kinds, the clean text, the paragraphs, the record of removals. */
    size_t last_kept = c->n_lines;
    for (size_t i = c->n_lines; i-- > 0;)
        if (c->lines[i].keep) { last_kept = i; break; }
    if (last_kept == c->n_lines) {
        snprintf(err, errlen, "no text left after cleaning");
        return SL_EEMPTY;
    }
    /* Paragraph numbers (1-based) of kept lines, for "same as paragraph N". */
    for (size_t i = 0; i < c->n_lines; i++) {
        clean_line *l = &c->lines[i];
        if (!l->keep) {
            if (!l->reason) continue;
            if (add_removal(c, l->reason, l->detail, src, l->start, l->end)) return oom(err, errlen);
            if (l->same_as >= 0) {
                clean_line *o = &c->lines[l->same_as];
                if (o->keep)
                    snprintf(c->rem[c->n_rem - 1].note, sizeof c->rem[0].note,
                             "same as paragraph %d", (int)o->same_as + 1);
                else
                    snprintf(c->rem[c->n_rem - 1].note, sizeof c->rem[0].note,
                             "same as the title");
            }
            continue;
        }
        const unsigned char *s = (const unsigned char *)src + l->start;
        size_t ln = l->end - l->start;
        if (l->kind == SL_PARA_BODY && i < last_kept && looks_like_heading(s, ln))
            l->kind = SL_PARA_HEADING;
        if (c->text.len && buf_putc(&c->text, '\n')) return oom(err, errlen);
        if (array_grow((void **)&c->para, &c->cap_para, c->n_para + 1, sizeof *c->para) ||
            array_grow((void **)&c->pform, &c->cap_pform, c->n_para + 1, sizeof *c->pform))
            return oom(err, errlen);
        c->pform[c->n_para] = l->form;
        /* Reuse same_as on kept lines to remember their paragraph number. */
        l->same_as = (int32_t)c->n_para;
        c->para[c->n_para].start = c->text.len;
        int rc = buf_put(&c->text, s, ln);
        if (rc) return rc == BUF_ETOOBIG ? SL_ETOOBIG : oom(err, errlen);
        c->para[c->n_para].end = c->text.len;
        c->para[c->n_para].kind = (sl_para_kind)l->kind;
        c->n_para++;
    }

    for (size_t i = 0; i < c->n_para && !c->no_segment; i++) {
        if (segment_sentences(&c->seg, c->text.p, c->para[i].start, c->para[i].end) ||
            segment_tokens(&c->seg, c->text.p, c->para[i].start, c->para[i].end))
            return oom(err, errlen);
    }
    c->n_sentences = c->seg.n_sent;
    c->n_tokens = c->seg.n_tok;
    norm_match_hash_forms(c->forms.p, c->pform, c->n_para, c->hash);
    return SL_OK;
}

void clean_free(cleaner *c) {
    if (!c) return;
    buf_free(&c->nfc);
    buf_free(&c->text);
    buf_free(&c->removed);
    buf_free(&c->form);
    buf_free(&c->forms);
    free(c->pform);
    buf_free(&c->title);
    free(c->lines);
    free(c->para);
    free(c->rem);
    free(c->slots);
    segment_free(&c->seg);
    memset(c, 0, sizeof *c);
}
