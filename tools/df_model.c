/*
 * df_model.c - make data/terms-df.txt, the background document
 * frequencies that story clustering starts from (src/terms.h).
 *
 *   build/df_model FILE.jsonl... > data/terms-df.txt
 *
 * Each article is cleaned as ingest cleans it and its distinct terms
 * (words stemmed, names, numbers) are counted once; terms in at least
 * MIN_DF articles are written, most frequent first.  The shipped model is
 * made from ../shared/data/news-base/articles.jsonl (`make df-model`), a
 * news corpus with no event labels, so no evaluation corpus is learnt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storyline.h"
#include "terms.h"

#define MIN_DF 2

typedef struct entry {
    char *text;
    unsigned kind;
    unsigned df;
} entry;

static entry *tab;
static size_t cap = 1 << 16, used;

static size_t hash(unsigned kind, const char *s, size_t n) {
    size_t h = 1469598103934665603ull ^ kind;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void grow(void);

static void add(void *ud, uint32_t key, const char *s, size_t n) {
    (void)ud;
    unsigned kind = TERM_KIND(key);
    if (2 * (used + 1) > cap) grow();
    size_t i = hash(kind, s, n) & (cap - 1);
    while (tab[i].text && !(tab[i].kind == kind && strlen(tab[i].text) == n &&
                            memcmp(tab[i].text, s, n) == 0))
        i = (i + 1) & (cap - 1);
    if (!tab[i].text) {
        tab[i].text = strndup(s, n);
        tab[i].kind = kind;
        if (!tab[i].text) {
            fprintf(stderr, "df_model: out of memory\n");
            exit(1);
        }
        used++;
    }
    tab[i].df++;
}

static void grow(void) {
    entry *old = tab;
    size_t oc = cap;
    cap *= 2;
    tab = calloc(cap, sizeof *tab);
    if (!tab) {
        fprintf(stderr, "df_model: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < oc; i++) {
        if (!old[i].text) continue;
        size_t j = hash(old[i].kind, old[i].text, strlen(old[i].text)) & (cap - 1);
        while (tab[j].text) j = (j + 1) & (cap - 1);
        tab[j] = old[i];
    }
    free(old);
}

static int by_df(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (!x->text || !y->text) return !x->text - !y->text;
    if (x->df != y->df) return x->df > y->df ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return strcmp(x->text, y->text);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: df_model FILE.jsonl... > data/terms-df.txt\n");
        return 2;
    }
    tab = calloc(cap, sizeof *tab);
    sl_engine *e = NULL;
    sl_reader *r = NULL;
    terms_ctx *t = terms_new();
    if (!tab || !t || sl_open(NULL, NULL, &e) != SL_OK ||
        sl_reader_open((const char *const *)argv + 1, (size_t)argc - 1, SL_FORMAT_AUTO, 0, &r) != SL_OK) {
        fprintf(stderr, "df_model: cannot start: %s\n", e ? sl_errmsg(e) : "out of memory");
        return 1;
    }
    unsigned long docs = 0;
    const sl_article *a;
    sl_status s;
    while ((s = sl_reader_next(r, &a)) != SL_DONE) {
        const sl_doc *d;
        if (s != SL_OK || sl_clean(e, a, &d) != SL_OK) continue;
        if (terms_each(t, d->text, d->text_len, d->title, 0, add, NULL)) {
            fprintf(stderr, "df_model: out of memory\n");
            return 1;
        }
        docs++;
    }
    qsort(tab, cap, sizeof *tab, by_df); /* empty slots (df 0) sort last */
    printf("# storyline background document frequencies, format 1: in how many of %lu\n"
           "# news articles each term occurs (w: stemmed word, n: name, d: number),\n"
           "# terms in %d or more; made by tools/df_model.c (make df-model).\n",
           docs, MIN_DF);
    printf("N\t%lu\n", docs);
    static const char kinds[] = "wnd";
    for (size_t i = 0; i < cap && tab[i].text; i++)
        if (tab[i].df >= MIN_DF) printf("%c\t%s\t%u\n", kinds[tab[i].kind], tab[i].text, tab[i].df);
    sl_reader_close(r);
    sl_close(e);
    terms_free(t);
    return 0;
}
