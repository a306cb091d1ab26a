/*
 * ner_lexicon.c - make data/ner-lexicon.txt, what the named-entity tagger
 * knows of words beyond its labelled training data (src/ner.h):
 *
 *   build/ner_lexicon FILE.jsonl|FILE.conll... > data/ner-lexicon.txt
 *
 * From unlabelled news text, for every word (in lower case) seen at least
 * MIN_COUNT times:
 *   cluster  one of K_FINE classes of words that occur between the same
 *            neighbours (spherical k-means over counts of the most
 *            frequent words just left and right of it): "Tuesday" and
 *            "Friday" share one, "Mr" and "Mrs" another, surnames
 *            gather;
 *   coarse   one of K_COARSE such classes, the same method;
 *   case     how the word is written inside a sentence: 0 never seen
 *            there, 1 almost always in lower case, 2 mostly, 3 mostly
 *            capitalised, 4 almost always (a name) - what tells "The" at
 *            the start of a sentence, or a word in a capitals headline,
 *            from a name.
 * JSONL articles are cleaned and split as ingest does; CoNLL files give
 * their first column (tokens) and blank lines (sentences), no tags.  The
 * shipped file is made from news-base, PolNeAR's training articles and
 * CoNLL-2003's training tokens (`make ner-model`); no test file is read.
 * k-means starts from seeded k-means++, so a run is repeatable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "storyline.h"

#define MIN_COUNT 3
#define CONTEXT 600  /* the most frequent words, as neighbours */
#define K_FINE 256
#define K_COARSE 32
#define ITERS 12

typedef struct word {
    char *text;
    unsigned count, inner_cap, inner_low; /* inside a sentence: capitalised, lower */
    int ctx;                              /* rank among the neighbours, or -1 */
    float *v;                             /* its context counts, 2 * (CONTEXT + 1) */
    uint16_t *si;                         /* the same, sparse: the dimensions used */
    float *sv;
    unsigned nnz;
} word;

static word *words;
static size_t n_words, cap_words;
static size_t *slot; /* open addressing into words, 0 empty */
static size_t cap_slot = 1 << 18;
static unsigned *seq; /* the corpus as word indexes, SEQ_END between sentences */
static size_t n_seq, cap_seq;
#define SEQ_END ((unsigned)-1)

static void die(const char *m) {
    fprintf(stderr, "ner_lexicon: %s\n", m);
    exit(1);
}

static size_t hash(const char *s, size_t n) {
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void rehash(void) {
    size_t nc = cap_slot * 2;
    size_t *ns = calloc(nc, sizeof *ns);
    if (!ns) die("out of memory");
    for (size_t i = 0; i < n_words; i++) {
        size_t j = hash(words[i].text, strlen(words[i].text)) & (nc - 1);
        while (ns[j]) j = (j + 1) & (nc - 1);
        ns[j] = i + 1;
    }
    free(slot);
    slot = ns, cap_slot = nc;
}

/* The word of s[0, n) in lower case (ASCII, as the tagger folds). */
static unsigned intern(const char *s, size_t n) {
    char low[128];
    if (n >= sizeof low) n = sizeof low - 1;
    for (size_t i = 0; i < n; i++) low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    low[n] = '\0';
    if (!slot && !(slot = calloc(cap_slot, sizeof *slot))) die("out of memory");
    size_t j = hash(low, n) & (cap_slot - 1);
    while (slot[j]) {
        word *w = &words[slot[j] - 1];
        if (!strcmp(w->text, low)) return (unsigned)(slot[j] - 1);
        j = (j + 1) & (cap_slot - 1);
    }
    if (n_words == cap_words) {
        cap_words = cap_words ? 2 * cap_words : 1 << 16;
        if (!(words = realloc(words, cap_words * sizeof *words))) die("out of memory");
    }
    words[n_words] = (word){.text = strdup(low), .ctx = -1};
    if (!words[n_words].text) die("out of memory");
    slot[j] = ++n_words;
    if (2 * n_words > cap_slot) rehash();
    return (unsigned)(n_words - 1);
}

static void push(unsigned w) {
    if (n_seq == cap_seq) {
        cap_seq = cap_seq ? 2 * cap_seq : 1 << 20;
        if (!(seq = realloc(seq, cap_seq * sizeof *seq))) die("out of memory");
    }
    seq[n_seq++] = w;
}

/* One token of a sentence; first: it starts the sentence. */
static void token(const char *s, size_t n, int first) {
    int letters = 0, upper0 = s[0] >= 'A' && s[0] <= 'Z';
    for (size_t i = 0; i < n; i++) letters |= (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z');
    unsigned w = intern(s, n);
    words[w].count++;
    if (letters && !first) {
        if (upper0) words[w].inner_cap++;
        else words[w].inner_low++;
    }
    push(w);
}

static void read_conll(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    char line[4096];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, " \t\r\n");
        if (!n || !strncmp(line, "-DOCSTART-", 10)) {
            if (!first) push(SEQ_END);
            first = 1;
            continue;
        }
        token(line, n, first);
        first = 0;
    }
    if (!first) push(SEQ_END);
    fclose(f);
}

static void read_jsonl(const char *path, sl_engine *e) {
    sl_reader *r;
    const char *paths[] = {path};
    if (sl_reader_open(paths, 1, SL_FORMAT_JSONL, (size_t)16 << 20, &r) != SL_OK) die("out of memory");
    const sl_article *a;
    sl_status s;
    while ((s = sl_reader_next(r, &a)) != SL_DONE) {
        const sl_doc *d;
        const sl_span *sent;
        const sl_token *tok;
        size_t ns, nt;
        if (s != SL_OK || sl_clean(e, a, &d) != SL_OK || sl_segment(e, d, &sent, &ns, &tok, &nt) != SL_OK)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < ns; i++) {
            int first = 1;
            while (k < nt && tok[k].start < sent[i].end) {
                if (tok[k].start >= sent[i].start) {
                    token(d->text + tok[k].start, tok[k].end - tok[k].start, first);
                    first = 0;
                }
                k++;
            }
            if (!first) push(SEQ_END);
        }
    }
    sl_reader_close(r);
}

static int by_count(const void *a, const void *b) {
    const word *x = *(word *const *)a, *y = *(word *const *)b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

static double dot(const word *w, const float *c) {
    double x = 0;
    for (unsigned i = 0; i < w->nnz; i++) x += (double)w->sv[i] * c[w->si[i]];
    return x;
}

/* Spherical k-means of the words in use[0, n) into k classes. */
static void kmeans(word **use, size_t n, size_t k, int *out) {
    size_t dim = 2 * (CONTEXT + 1);
    float *c = calloc(k * dim, sizeof *c);
    double *best = malloc(n * sizeof *best);
    if (!c || !best) die("out of memory");
    /* k-means++, seeded: each next centre a word far from those chosen */
    uint64_t rng = 20240601;
    for (size_t i = 0; i < n; i++) best[i] = 2.0;
    size_t pick = 0;
    for (size_t j = 0; j < k; j++) {
        float *cj = c + j * dim;
        for (unsigned q = 0; q < use[pick]->nnz; q++) cj[use[pick]->si[q]] = use[pick]->sv[q];
        double total = 0;
        for (size_t i = 0; i < n; i++) {
            double dist = 1.0 - dot(use[i], cj);
            if (dist < best[i]) best[i] = dist;
            total += best[i] * best[i];
        }
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        double at = (double)(rng >> 11) / 9007199254740992.0 * total;
        for (pick = 0; pick + 1 < n && (at -= best[pick] * best[pick]) > 0; pick++) {}
    }
    for (int it = 0; it < ITERS; it++) {
        size_t moved = 0;
        for (size_t i = 0; i < n; i++) {
            int arg = 0;
            double top = -2;
            for (size_t j = 0; j < k; j++) {
                double d = dot(use[i], c + j * dim);
                if (d > top) top = d, arg = (int)j;
            }
            if (it == 0 || out[i] != arg) moved++;
            out[i] = arg;
        }
        memset(c, 0, k * dim * sizeof *c);
        for (size_t i = 0; i < n; i++)
            for (unsigned q = 0; q < use[i]->nnz; q++) c[(size_t)out[i] * dim + use[i]->si[q]] += use[i]->sv[q];
        for (size_t j = 0; j < k; j++) {
            double norm = 0;
            for (size_t d = 0; d < dim; d++) norm += (double)c[j * dim + d] * c[j * dim + d];
            norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
            for (size_t d = 0; d < dim; d++) c[j * dim + d] = (float)(c[j * dim + d] * norm);
        }
        fprintf(stderr, "ner_lexicon: k=%zu, round %d: %zu words moved\n", k, it + 1, moved);
        if (!moved) break;
    }
    free(c);
    free(best);
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage: ner_lexicon FILE.jsonl|FILE.conll...");
    sl_engine *e;
    if (sl_open(NULL, NULL, &e) != SL_OK) die("cannot open an engine");
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (n > 6 && !strcmp(argv[i] + n - 6, ".conll")) read_conll(argv[i]);
        else read_jsonl(argv[i], e);
    }
    sl_close(e);
    /* the neighbours: the CONTEXT most frequent words */
    word **order = malloc(n_words * sizeof *order);
    if (!order) die("out of memory");
    for (size_t i = 0; i < n_words; i++) order[i] = &words[i];
    qsort(order, n_words, sizeof *order, by_count);
    for (size_t i = 0; i < n_words && i < CONTEXT; i++) order[i]->ctx = (int)i;
    size_t n_use = 0;
    while (n_use < n_words && order[n_use]->count >= MIN_COUNT) n_use++;
    size_t dim = 2 * (CONTEXT + 1);
    for (size_t i = 0; i < n_use; i++)
        if (!(order[i]->v = calloc(dim, sizeof(float)))) die("out of memory");
    /* left neighbour in [0, CONTEXT], right in [CONTEXT + 1, ...]; the
     * last of each half: a sentence edge */
    for (size_t i = 0; i < n_seq; i++) {
        if (seq[i] == SEQ_END) continue;
        word *w = &words[seq[i]];
        if (!w->v) continue;
        unsigned l = i > 0 ? seq[i - 1] : SEQ_END, r = i + 1 < n_seq ? seq[i + 1] : SEQ_END;
        int lc = l == SEQ_END ? CONTEXT : words[l].ctx, rc = r == SEQ_END ? CONTEXT : words[r].ctx;
        if (lc >= 0) w->v[lc] += 1;
        if (rc >= 0) w->v[CONTEXT + 1 + rc] += 1;
    }
    for (size_t i = 0; i < n_use; i++) { /* log counts, unit length */
        double norm = 0;
        for (size_t d = 0; d < dim; d++) {
            float x = order[i]->v[d] > 0 ? (float)log1p(order[i]->v[d]) : 0;
            order[i]->v[d] = x;
            norm += (double)x * x;
        }
        norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
        word *w = order[i];
        for (size_t d = 0; d < dim; d++) w->nnz += w->v[d] > 0;
        w->si = malloc((w->nnz + 1) * sizeof *w->si);
        w->sv = malloc((w->nnz + 1) * sizeof *w->sv);
        if (!w->si || !w->sv) die("out of memory");
        unsigned q = 0;
        for (size_t d = 0; d < dim; d++)
            if (w->v[d] > 0) w->si[q] = (uint16_t)d, w->sv[q++] = (float)(w->v[d] * norm);
        free(w->v);
        w->v = NULL;
    }
    fprintf(stderr, "ner_lexicon: %zu tokens, %zu words, %zu seen %d times or more\n", n_seq, n_words,
            n_use, MIN_COUNT);
    int *fine = malloc(n_use * sizeof *fine), *coarse = malloc(n_use * sizeof *coarse);
    if (!fine || !coarse) die("out of memory");
    kmeans(order, n_use, K_FINE, fine);
    kmeans(order, n_use, K_COARSE, coarse);
    printf("# storyline NER lexicon, format 1 (tools/ner_lexicon.c, make ner-model):\n");
    printf("# word (lower case), cluster 1-%d, coarse cluster 1-%d, case 0-4; most frequent first\n",
           K_FINE, K_COARSE);
    for (size_t i = 0; i < n_use; i++) {
        const word *w = order[i];
        unsigned in = w->inner_cap + w->inner_low;
        double r = in ? (double)w->inner_cap / in : 0;
        int cs = !in ? 0 : r < 0.1 ? 1 : r < 0.5 ? 2 : r < 0.9 ? 3 : 4;
        printf("%s\t%d\t%d\t%d\n", w->text, fine[i] + 1, coarse[i] + 1, cs);
    }
    return 0;
}
