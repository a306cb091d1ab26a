/*
 * terms.c - an article's terms for story clustering (see terms.h).
 */
#include "terms.h"

#include <libstemmer.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "utf8.h"

extern const char sl_data_stopwords_txt[];
extern const unsigned long sl_data_stopwords_txt_len;
extern const char sl_data_terms_df_txt[];
extern const unsigned long sl_data_terms_df_txt_len;

/* ---- shared tables, built once ------------------------------------------ */

/* Open addressing, key -> value; keys are never 0 (terms_key sets a bit). */
typedef struct table {
    uint32_t *key, *val;
    uint32_t mask;
} table;

static int table_init(table *t, size_t n) {
    size_t cap = 64;
    while (cap < 2 * n) cap *= 2;
    t->key = calloc(cap, sizeof *t->key);
    t->val = calloc(cap, sizeof *t->val);
    t->mask = (uint32_t)cap - 1;
    return t->key && t->val ? 0 : -1;
}

static uint32_t *table_slot(const table *t, uint32_t key) {
    uint32_t i = (key * 2654435761u) & t->mask;
    while (t->key[i] && t->key[i] != key) i = (i + 1) & t->mask;
    return &t->key[i];
}

static uint32_t table_get(const table *t, uint32_t key) {
    if (!t->key) return 0;
    uint32_t *k = table_slot(t, key);
    return *k ? t->val[k - t->key] : 0;
}

static int table_has(const table *t, uint32_t key) {
    return t->key && *table_slot(t, key) != 0;
}

static table stop, bg;
static uint32_t bg_docs;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Lines of an embedded file, '#' comments skipped. */
static const char *next_line(const char **p, const char *end, size_t *n) {
    while (*p < end) {
        const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        *p = s + len + 1;
        if (len && s[len - 1] == '\r') len--;
        if (!len || s[0] == '#') continue;
        *n = len;
        return s;
    }
    return NULL;
}

static void load(void) {
    const char *p = sl_data_stopwords_txt, *end = p + sl_data_stopwords_txt_len, *s;
    size_t n, count = 0;
    while (next_line(&p, end, &n)) count++;
    if (table_init(&stop, count)) return;
    p = sl_data_stopwords_txt;
    while ((s = next_line(&p, end, &n))) {
        uint32_t *k = table_slot(&stop, terms_key(TERM_NAME, s, n));
        *k = terms_key(TERM_NAME, s, n);
    }
    /* terms-df.txt: "N<TAB>docs", then "kind<TAB>text<TAB>df" lines */
    p = sl_data_terms_df_txt;
    end = p + sl_data_terms_df_txt_len;
    count = 0;
    while (next_line(&p, end, &n)) count++;
    if (table_init(&bg, count)) return;
    p = sl_data_terms_df_txt;
    while ((s = next_line(&p, end, &n))) {
        const char *t1 = memchr(s, '\t', n);
        if (!t1) continue;
        if (t1 - s == 1 && s[0] == 'N') {
            bg_docs = (uint32_t)strtoul(t1 + 1, NULL, 10);
            continue;
        }
        const char *t2 = memchr(t1 + 1, '\t', (size_t)(s + n - t1 - 1));
        if (!t2 || t1 - s != 1) continue;
        unsigned kind = s[0] == 'w' ? TERM_WORD : s[0] == 'n' ? TERM_NAME : TERM_NUMBER;
        uint32_t key = terms_key(kind, t1 + 1, (size_t)(t2 - t1 - 1));
        uint32_t *k = table_slot(&bg, key);
        *k = key;
        bg.val[k - bg.key] = (uint32_t)strtoul(t2 + 1, NULL, 10);
    }
}

/* A key from the 64-bit hash of a term's text. */
static inline uint32_t key_of(unsigned kind, uint64_t h64) {
    uint32_t h = (uint32_t)h64 & 0x3fffffffu;
    return (kind << 30) | (h ? h : 1);
}

uint32_t terms_key(unsigned kind, const char *s, size_t n) {
    return key_of(kind, XXH3_64bits(s, n));
}

uint32_t terms_bg_docs(void) {
    pthread_once(&once, load);
    return bg_docs;
}

uint32_t terms_bg_df(uint32_t key) {
    pthread_once(&once, load);
    return table_get(&bg, key);
}

/* ---- one article ---------------------------------------------------------- */

/* Stems of words seen, direct-mapped by a 64-bit hash of the word: the
 * English stemmer costs about 2,300 instructions a word (callgrind), and
 * news repeats its words.  With 32,768 entries the bench file's
 * vocabulary thrashed the cache (a stem missed for one word in twelve,
 * a third of all term work); 131,072 entries of 8 bytes (1 MiB a
 * thread) miss mostly on words never seen. */
#define STEM_CACHE 131072

typedef struct stem_entry {
    uint32_t word; /* the hash's high half, | 1; 0 empty */
    uint32_t key;  /* terms_key(TERM_WORD, stem) */
} stem_entry;

struct terms_ctx {
    struct sb_stemmer *stem;
    stem_entry *cache;
    segmenter seg;  /* for text given without its segments, and titles */
    buf low;        /* one word in lower case */
    term *t;        /* distinct terms so far */
    size_t n, cap;
    uint64_t *slot; /* open addressing: generation << 32 | index into t */
    uint32_t gen;   /* this article's generation, from 1 */
    size_t cap_slot;
    struct ranked *rank; /* keep_best's scratch */
    size_t cap_rank;
    buf words;      /* terms_each: each term's text, NUL after each */
    size_t *text_off;
    size_t cap_off;
};

terms_ctx *terms_new(void) {
    pthread_once(&once, load);
    terms_ctx *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->stem = sb_stemmer_new("english", NULL);
    t->cache = calloc(STEM_CACHE, sizeof *t->cache);
    if (!t->stem || !t->cache) {
        if (t->stem) sb_stemmer_delete(t->stem);
        free(t->cache);
        free(t);
        return NULL;
    }
    return t;
}

void terms_free(terms_ctx *t) {
    if (!t) return;
    sb_stemmer_delete(t->stem);
    free(t->cache);
    segment_free(&t->seg);
    buf_free(&t->low);
    buf_free(&t->words);
    free(t->t);
    free(t->slot);
    free(t->rank);
    free(t->text_off);
    free(t);
}

/* Weekdays and months are capitalised by convention, not because they
 * name something the story is about. */
static int calendar(const char *s, size_t n) {
    static const char *const w[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
                                    "saturday", "sunday", "january", "february", "march",
                                    "april", "june", "july", "august", "september", "october",
                                    "november", "december"};
    if (n < 4 || n > 9 || !strchr("mtwfsjando", s[0])) return 0;
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        if (w[i][0] == s[0] && strlen(w[i]) == n && memcmp(w[i], s, n) == 0) return 1;
    return 0;
}

/* Count one term (in the title or the text); its text goes to t->words
 * when terms_each wants it.  0 or -1. */
static int count(terms_ctx *t, uint32_t key, const char *shown, size_t shown_n, int in_title,
                 int keep) {
    if (t->n * 2 + 2 > t->cap_slot) {
        size_t nc = t->cap_slot ? t->cap_slot * 2 : 1024;
        uint64_t *ns = calloc(nc, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < t->n; i++) {
            size_t j = (t->t[i].key * 2654435761u) & (nc - 1);
            while ((uint32_t)(ns[j] >> 32) == t->gen) j = (j + 1) & (nc - 1);
            ns[j] = (uint64_t)t->gen << 32 | (uint32_t)i;
        }
        free(t->slot);
        t->slot = ns;
        t->cap_slot = nc;
    }
    /* a slot is (article generation << 32 | index): one of an earlier
     * article is free, so nothing is cleared between articles */
    size_t mask = t->cap_slot - 1, j = (key * 2654435761u) & mask;
    while ((uint32_t)(t->slot[j] >> 32) == t->gen && t->t[(uint32_t)t->slot[j]].key != key)
        j = (j + 1) & mask;
    if ((uint32_t)(t->slot[j] >> 32) != t->gen) {
        if (array_grow((void **)&t->t, &t->cap, t->n + 1, sizeof *t->t)) return -1;
        if (keep) {
            if (array_grow((void **)&t->text_off, &t->cap_off, t->n + 1, sizeof *t->text_off))
                return -1;
            t->text_off[t->n] = t->words.len;
            if (buf_put(&t->words, shown, shown_n) || buf_putc(&t->words, '\0')) return -1;
        }
        t->t[t->n] = (term){key, 0, 0};
        t->slot[j] = (uint64_t)t->gen << 32 | (uint32_t)t->n++;
    }
    term *x = &t->t[(uint32_t)t->slot[j]];
    if (in_title) {
        if (x->title < UINT16_MAX) x->title++;
    } else if (x->body < UINT16_MAX) {
        x->body++;
    }
    return 0;
}

/* Lower-case s[0, n) into t->low, dropping a possessive 's; whether the
 * word starts with a capital letter.  -1 when memory runs out. */
static int lower(terms_ctx *t, const char *s, size_t n) {
    buf_reset(&t->low);
    if (n >= 2 && s[n - 1] == 's' && s[n - 2] == '\'') n -= 2;
    else if (n >= 4 && s[n - 1] == 's' && (unsigned char)s[n - 2] == 0x99 &&
             (unsigned char)s[n - 3] == 0x80 && (unsigned char)s[n - 4] == 0xe2)
        n -= 4; /* ’s */
    int cap = n && s[0] >= 'A' && s[0] <= 'Z';
    /* ASCII words (most) straight into the buffer */
    size_t i = 0;
    if (buf_reserve(&t->low, n)) return -1;
    for (; i < n && (unsigned char)s[i] < 0x80; i++) {
        char c = s[i];
        t->low.p[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    t->low.len = i;
    t->low.p[i] = '\0';
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (buf_putc(&t->low, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c))) return -1;
            i++;
            continue;
        }
        int32_t cp;
        size_t k = utf8_decode((const unsigned char *)s + i, &cp);
        if (!k) k = 1, cp = 0xfffd;
        if (i == 0) cap = utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        if (buf_put(&t->low, (const char *)enc, (size_t)m)) return -1;
        i += k;
    }
    return cap;
}

/* The terms of the tokens tok[0, n_tok) of text, sentence starts from
 * sent (NULL: every word may be a name, as in a title). */
static int scan(terms_ctx *t, const char *text, const sl_span *sent, size_t n_sent,
                const sl_token *tok, size_t n_tok, int in_title, int keep) {
    size_t si = 0;
    int first = 1; /* the next word starts its sentence */
    for (size_t i = 0; i < n_tok; i++) {
        const sl_token *k = &tok[i];
        if (sent) {
            while (si < n_sent && sent[si].end <= k->start) {
                si++;
                first = 1;
            }
        }
        const char *s = text + k->start;
        size_t n = k->end - k->start;
        if (k->kind == SL_TOK_NUMBER) {
            size_t digits = 0;
            for (size_t j = 0; j < n; j++) digits += s[j] >= '0' && s[j] <= '9';
            /* a year says when, which the date says better, and stories
             * of different events share "2016"; a count, an age or a toll
             * tells events apart */
            int year = n == 4 && digits == 4 && (s[0] == '1' ? s[1] == '9' : s[0] == '2' && s[1] == '0');
            if (digits >= 2 && !year && count(t, terms_key(TERM_NUMBER, s, n), s, n, in_title, keep))
                return -1;
            first = 0;
            continue;
        }
        if (k->kind != SL_TOK_WORD) continue;
        int cap = lower(t, s, n);
        if (cap < 0) return -1;
        int starts = first;
        first = 0;
        const char *w = t->low.p;
        size_t wn = t->low.len;
        if (wn < 2) continue;
        uint64_t h64 = XXH3_64bits(w, wn); /* one hash: stopword, name, stem cache */
        uint32_t name = key_of(TERM_NAME, h64);
        if (table_has(&stop, name)) continue;
        if (cap && (!sent || !starts) && !calendar(w, wn) && count(t, name, w, wn, in_title, keep))
            return -1;
        uint32_t h = (uint32_t)(h64 >> 32) | 1;
        stem_entry *c = &t->cache[(h64 >> 8) & (STEM_CACHE - 1)];
        if (c->word == h && keep != 1) {
            if (count(t, c->key, w, wn, in_title, keep)) return -1;
            continue;
        }
        const sb_symbol *st = sb_stemmer_stem(t->stem, (const sb_symbol *)w, (int)wn);
        if (!st) return -1;
        size_t sn = (size_t)sb_stemmer_length(t->stem);
        c->word = h;
        c->key = terms_key(TERM_WORD, (const char *)st, sn);
        if (count(t, c->key, keep == 2 ? w : (const char *)st, keep == 2 ? wn : sn, in_title, keep))
            return -1;
    }
    return 0;
}

static int gather(terms_ctx *t, const char *text, size_t len, const sl_span *sent, size_t n_sent,
                  const sl_token *tok, size_t n_tok, const char *title, int keep) {
    /* a new generation empties the count table (at the wrap, really) */
    if (++t->gen == 0) {
        if (t->slot) memset(t->slot, 0, t->cap_slot * sizeof *t->slot);
        t->gen = 1;
    }
    t->n = 0;
    buf_reset(&t->words);
    if (!tok) {
        segment_reset(&t->seg);
        for (size_t start = 0; start < len;) {
            const char *nl = memchr(text + start, '\n', len - start);
            size_t end = nl ? (size_t)(nl - text) : len;
            if (segment_sentences(&t->seg, text, start, end) ||
                segment_tokens(&t->seg, text, start, end))
                return -1;
            start = end + 1;
        }
        /* copies: the title below reuses the segmenter */
        if (scan(t, text, t->seg.sent, t->seg.n_sent, t->seg.tok, t->seg.n_tok, 0, keep)) return -1;
    } else if (scan(t, text, sent, n_sent, tok, n_tok, 0, keep)) {
        return -1;
    }
    if (title && *title) {
        segment_reset(&t->seg);
        size_t tl = strlen(title);
        if (segment_tokens(&t->seg, title, 0, tl)) return -1;
        if (scan(t, title, NULL, 0, t->seg.tok, t->seg.n_tok, 1, keep)) return -1;
    }
    return 0;
}

/* Weight against the background, to choose the terms kept. */
static double bg_weight(const term *x) {
    double tf = 2.0 * x->title + x->body;
    double df = terms_bg_df(x->key);
    return (1.0 + log(tf)) * log((bg_docs + 1.0) / (df + 0.5));
}

typedef struct ranked {
    double w;
    term t;
} ranked;

/* x ranks before y: heavier, then the lower key (a total order, so the
 * terms kept do not depend on the order they came in). */
static inline int before(const ranked *x, const ranked *y) {
    return x->w > y->w || (x->w == y->w && x->t.key < y->t.key);
}

/* Put the k first (by `before`) of r[0, n) in r[0, k), in any order. */
static void select_first(ranked *r, size_t n, size_t k) {
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        ranked pivot = r[lo + (hi - lo) / 2], tmp;
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (before(&r[i], &pivot)) i++;
            while (before(&pivot, &r[j])) j--;
            if (i <= j) {
                tmp = r[i], r[i] = r[j], r[j] = tmp;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j + 1;
        else if (k >= i) lo = i;
        else return;
    }
}

/* By key, in four passes of a byte through tmp (an insertion sort of 96
 * random keys was a tenth of all term work). */
static void sort_by_key(term *t, term *tmp, size_t n) {
    term *from = t, *to = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((from[i].key >> shift) & 255) + 1]++;
        for (size_t b = 1; b <= 256; b++) count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++) to[count[(from[i].key >> shift) & 255]++] = from[i];
        term *x = from;
        from = to, to = x;
    }
    /* an even number of passes: the result is back in t */
}

/* Keep the TERMS_MAX terms of highest weight (glibc's qsort of a few
 * hundred terms by weight cost as much as finding them). */
static int keep_best(terms_ctx *t) {
    if (t->n <= TERMS_MAX) return 0;
    if (array_grow((void **)&t->rank, &t->cap_rank, t->n, sizeof *t->rank)) return -1;
    ranked *r = t->rank;
    for (size_t i = 0; i < t->n; i++) r[i] = (ranked){bg_weight(&t->t[i]), t->t[i]};
    select_first(r, t->n, TERMS_MAX);
    for (size_t i = 0; i < TERMS_MAX; i++) t->t[i] = r[i].t;
    t->n = TERMS_MAX;
    return 0;
}

int terms_of(terms_ctx *t, const char *text, size_t len, const sl_span *sent, size_t n_sent,
             const sl_token *tok, size_t n_tok, const char *title, const term **out, size_t *n) {
    if (gather(t, text, len, sent, n_sent, tok, n_tok, title, 0) || keep_best(t)) return -1;
    term tmp[TERMS_MAX];
    sort_by_key(t->t, tmp, t->n);
    *out = t->t;
    *n = t->n;
    return 0;
}

int terms_each(terms_ctx *t, const char *text, size_t len, const char *title, int surface,
               void (*cb)(void *ud, uint32_t key, const char *s, size_t n), void *ud) {
    /* keep: 1 the stems, 2 the words as written */
    if (gather(t, text, len, NULL, 0, NULL, 0, title, surface ? 2 : 1)) return -1;
    for (size_t i = 0; i < t->n; i++) {
        const char *s = t->words.p + t->text_off[i];
        cb(ud, t->t[i].key, s, strlen(s));
    }
    return 0;
}
