/*
 * test_dedup.c - fingerprints and the stream deduper on texts made here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "judge.h"
#include "storyline.h"

/* A text of n pseudo-random words from a 5,000-word vocabulary, one
 * paragraph per 40 words; seed picks the words. */
static char *words_text(unsigned seed, size_t n) {
    char *s = malloc(n * 12 + 16);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        k += (size_t)sprintf(s + k, "w%u%c", (seed >> 8) % 5000, (i + 1) % 40 ? ' ' : '\n');
    }
    s[k] = '\0';
    return s;
}

static void paragraphs_of(const char *t, sl_paragraph *p, size_t *n) {
    size_t start = 0, len = strlen(t);
    *n = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || t[i] == '\n') {
            if (i > start) p[(*n)++] = (sl_paragraph){start, i, SL_PARA_BODY};
            start = i + 1;
        }
}

static void fingerprint_of(fp_ctx *ctx, const char *t, fingerprint *f, uint32_t **sh) {
    sl_paragraph p[4096];
    size_t np;
    paragraphs_of(t, p, &np);
    assert_int_equal(fp_compute(ctx, t, strlen(t), p, np, NULL, NULL, f), 0);
    *sh = malloc(f->n_shingles * sizeof **sh + 1);
    memcpy(*sh, f->shingles, f->n_shingles * sizeof **sh);
}

static void identical_and_disjoint(void **state) {
    (void)state;
    fp_ctx ctx = {0};
    fingerprint a, b;
    uint32_t *sa, *sb;
    char *t = words_text(1, 400), *u = words_text(2, 400);
    fingerprint_of(&ctx, t, &a, &sa);
    uint32_t siga[FP_K];
    memcpy(siga, a.sig, sizeof siga);
    assert_int_equal(a.n_words, 400);
    assert_int_equal(a.n_paras, 10);
    fingerprint_of(&ctx, t, &b, &sb);
    assert_memory_equal(siga, b.sig, sizeof siga);
    assert_true(fp_jaccard(fp_intersect(sa, a.n_shingles, sb, b.n_shingles, NULL), a.n_shingles,
                           b.n_shingles) == 1.0);
    free(sb);
    fingerprint_of(&ctx, u, &b, &sb);
    double j = fp_jaccard(fp_intersect(sa, a.n_shingles, sb, b.n_shingles, NULL), a.n_shingles, b.n_shingles);
    assert_true(j < 0.01);
    free(sa);
    free(sb);
    free(t);
    free(u);
    fp_ctx_free(&ctx);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The shingle set is the top halves of the text-order shingles, sorted
 * and made unique, whatever their number (insertion sort, buckets, the radix fallback for
 * huge texts) and however many are equal (a crowded bucket). */
static void shingles_sorted_and_unique(void **state) {
    (void)state;
    fp_ctx ctx = {0};
    size_t sizes[] = {3, 40, 400, 5000, 80000};
    for (int variant = 0; variant < 2; variant++) {
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            char *t = words_text(11 + (unsigned)k, sizes[k]);
            if (variant) /* a text of two alternating phrases: few, repeated shingles */
                for (size_t i = 0; t[i]; i++)
                    if (t[i] >= '0' && t[i] <= '9') t[i] = (i / 40) % 2 ? '1' : '2';
            fingerprint f;
            uint32_t *sh;
            fingerprint_of(&ctx, t, &f, &sh);
            uint32_t *want = malloc(f.n_seq * sizeof *want + 1);
            for (size_t i = 0; i < f.n_seq; i++) want[i] = (uint32_t)(f.seq[i] >> 32);
            qsort(want, f.n_seq, sizeof *want, cmp_u32);
            size_t u = 0;
            for (size_t i = 0; i < f.n_seq; i++)
                if (!u || want[i] != want[u - 1]) want[u++] = want[i];
            assert_int_equal(f.n_shingles, u);
            assert_memory_equal(sh, want, u * sizeof *want);
            free(want);
            free(sh);
            free(t);
        }
    }
    fp_ctx_free(&ctx);
}

/* fp_intersect (four against four, then one by one) finds what a plain
 * merge finds, in order, for sets of every length mod 4 and every share
 * in common, runs of shared values longer and shorter than a block. */
static void intersect_matches_plain_merge(void **state) {
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 400; round++) {
        size_t na = (size_t)(round % 37), nb = (size_t)((round * 7) % 41);
        uint32_t a[64], b[64], got[64], want[64];
        /* increasing values; b takes a's value at the same step with a
         * probability that varies by round */
        uint32_t va = 0, vb = 0;
        for (size_t i = 0; i < 64; i++) {
            seed = seed * 1103515245u + 12345u;
            va += 1 + (seed >> 28);
            a[i] = va;
        }
        size_t k = 0;
        for (size_t i = 0; i < 64 && k < nb; i++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 8 < (uint32_t)(round % 9)) b[k++] = a[i];
            else if (a[i] > vb + 1) b[k++] = vb = a[i] - 1;
            if (k) vb = b[k - 1];
        }
        nb = k;
        size_t n = 0, i = 0, j = 0;
        while (i < na && j < nb) {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else want[n++] = a[i++], j++;
        }
        assert_int_equal(fp_intersect(a, na, b, nb, got), n);
        assert_memory_equal(got, want, n * sizeof *got);
        assert_int_equal(fp_intersect(b, nb, a, na, NULL), n);
    }
}

/* The share of equal one-permutation MinHash values tracks the Jaccard
 * similarity of the shingle sets. */
static void minhash_estimates_jaccard(void **state) {
    (void)state;
    fp_ctx ctx = {0};
    char *base = words_text(7, 800);
    for (int keep = 200; keep <= 800; keep += 200) {
        /* the first `keep` words of base, then other words */
        char *other = words_text(99 + (unsigned)keep, 800);
        size_t cut = 0, w = 0;
        while (w < (size_t)keep && base[cut]) w += base[cut++] == ' ' || base[cut - 1] == '\n';
        char *mix = malloc(strlen(base) + strlen(other) + 2);
        memcpy(mix, base, cut);
        strcpy(mix + cut, other + cut < other + strlen(other) ? other + cut : "");
        fingerprint a, b;
        uint32_t *sa, *sb;
        fingerprint_of(&ctx, base, &a, &sa);
        uint32_t siga[FP_K];
        memcpy(siga, a.sig, sizeof siga);
        size_t na = a.n_shingles;
        fingerprint_of(&ctx, mix, &b, &sb);
        double j = fp_jaccard(fp_intersect(sa, na, sb, b.n_shingles, NULL), na, b.n_shingles);
        int same = 0;
        for (int i = 0; i < FP_K; i++) same += siga[i] == b.sig[i];
        double est = (double)same / FP_K;
        assert_true(est > j - 0.15 && est < j + 0.15);
        free(sa);
        free(sb);
        free(mix);
        free(other);
    }
    free(base);
    fp_ctx_free(&ctx);
}

typedef struct fix {
    sl_engine *e;
    sl_dedup *d;
} fix;

static int setup(void **state) {
    fix *f = calloc(1, sizeof *f);
    if (sl_open(NULL, NULL, &f->e) != SL_OK || sl_dedup_open(f->e, NULL, &f->d) != SL_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fix *f = *state;
    sl_dedup_close(f->d);
    sl_close(f->e);
    free(f);
    return 0;
}

static size_t add(fix *f, const char *id, const char *date, const char *text,
                  const sl_dup_match **m) {
    sl_article a = {.id = id, .date = date, .title = "t", .text = text, .text_len = strlen(text)};
    size_t n = 99;
    assert_int_equal(sl_dedup_add(f->d, &a, m, &n), SL_OK);
    return n;
}

static void kinds_of_copies(void **state) {
    fix *f = *state;
    const sl_dup_match *m;
    char *orig = words_text(11, 400);
    assert_int_equal(add(f, "orig", "2026-01-02", orig, &m), 0);
    /* exact: the same words with other case and spacing */
    char *shout = strdup(orig);
    for (char *p = shout; *p; p++)
        if (*p == 'w') *p = 'W';
    assert_int_equal(add(f, "shout", "2026-01-01", shout, &m), 1);
    assert_int_equal(m[0].kind, SL_DUP_EXACT);
    assert_string_equal(m[0].id, "orig");
    /* near: a few words changed */
    char *edit = strdup(orig);
    for (size_t i = 0, w = 0; edit[i]; i++)
        if (edit[i] == ' ' && ++w % 60 == 0) edit[i + 1] = 'x';
    /* shout is orig's exact copy: it is met through orig, not twice */
    assert_int_equal(add(f, "edit", "2026-01-03", edit, &m), 1);
    assert_string_equal(m[0].id, "orig");
    assert_int_equal(m[0].kind, SL_DUP_NEAR);
    assert_true(m[0].similarity > 0.5 && m[0].similarity < 1.0);
    /* partial: two of orig's paragraphs amid 320 words of its own */
    char *own = words_text(12, 320);
    char *host = malloc(strlen(own) + strlen(orig) + 4);
    const char *p2 = strchr(strchr(orig, '\n') + 1, '\n') + 1; /* third paragraph */
    const char *p4 = strchr(strchr(p2, '\n') + 1, '\n') + 1;   /* fifth */
    size_t half = strlen(own) / 2;
    while (own[half] != '\n') half++;
    memcpy(host, own, half + 1);
    memcpy(host + half + 1, p2, (size_t)(p4 - p2));
    strcpy(host + half + 1 + (p4 - p2), own + half + 1);
    size_t n = add(f, "host", "2026-01-04", host, &m);
    assert_int_equal(n, 3); /* orig, its exact copy (through orig) and its edited copy */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m[i].kind, SL_DUP_PARTIAL);
        /* the edited copy changed a word in one of the two passages:
         * most of that paragraph is still there, so it still counts */
        assert_int_equal(m[i].shared_paragraphs, 2);
        assert_int_equal(m[i].shared_words, 80);
    }
    /* the group of orig: shout is the earliest, so it represents it */
    assert_int_equal(sl_dedup_representative(f->d, 0), 1);
    assert_int_equal(sl_dedup_representative(f->d, 2), 1);
    assert_int_equal(sl_dedup_representative(f->d, 3), 3); /* partial: its own */
    free(orig);
    free(shout);
    free(edit);
    free(own);
    free(host);
}

/* Paragraph i (from 0) of a words_text: a pointer and a length. */
static const char *para_at(const char *t, int i, size_t *len) {
    while (i-- > 0) t = strchr(t, '\n') + 1;
    const char *nl = strchr(t, '\n');
    *len = nl ? (size_t)(nl - t + 1) : strlen(t);
    return t;
}

/* Two write-ups of one event share a passage (a statement both quote) but
 * also their topic words; the same passage amid unrelated text is a
 * partial copy. */
static void shared_passage_on_one_topic_is_not_a_copy(void **state) {
    fix *f = *state;
    char *orig = words_text(21, 400);
    const sl_dup_match *m;
    assert_int_equal(add(f, "orig", NULL, orig, &m), 0);
    size_t n3, n4;
    const char *p3 = para_at(orig, 3, &n3);
    para_at(orig, 4, &n4);
    /* same topic: orig's last five paragraphs with the words reversed (no
     * shingle in common), then the passage */
    char *same = calloc(1, strlen(orig) + n3 + n4 + 2);
    size_t k = 0;
    for (int i = 5; i < 10; i++) {
        size_t n;
        const char *p = para_at(orig, i, &n);
        const char *end = p + n - 1; /* the newline */
        while (end > p) {
            const char *w = end;
            while (w > p && w[-1] != ' ') w--;
            memcpy(same + k, w, (size_t)(end - w));
            k += (size_t)(end - w);
            same[k++] = ' ';
            end = w > p ? w - 1 : p;
        }
        same[k - 1] = '\n';
    }
    memcpy(same + k, p3, n3 + n4);
    assert_int_equal(add(f, "same-event", NULL, same, &m), 0);
    /* another topic: new words around the same passage */
    char *own = words_text(22, 200);
    char *other = calloc(1, strlen(own) + n3 + n4 + 2);
    strcpy(other, own);
    memcpy(other + strlen(own), "\n", 1);
    memcpy(other + strlen(own) + 1, p3, n3 + n4);
    size_t n = add(f, "lifted", NULL, other, &m);
    assert_int_equal(n, 2); /* it lifts from both */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m[i].kind, SL_DUP_PARTIAL);
        assert_int_equal(m[i].shared_paragraphs, 2);
    }
    free(orig);
    free(same);
    free(own);
    free(other);
}

typedef struct seen {
    size_t n, errors;
    char log[4096];
    size_t len;
} seen;

static int note(void *ud, const sl_article *a, sl_status s, const char *err,
                const sl_dup_match *m, size_t n) {
    seen *v = ud;
    v->n++;
    if (s != SL_OK) {
        v->errors++;
        assert_non_null(err);
        v->len += (size_t)snprintf(v->log + v->len, sizeof v->log - v->len, "%s:error;", a->id);
        return 0;
    }
    v->len += (size_t)snprintf(v->log + v->len, sizeof v->log - v->len, "%s:", a->id);
    for (size_t i = 0; i < n; i++)
        v->len += (size_t)snprintf(v->log + v->len, sizeof v->log - v->len, "%s/%s,", m[i].id,
                                   sl_dup_kind_name(m[i].kind));
    v->len += (size_t)snprintf(v->log + v->len, sizeof v->log - v->len, ";");
    return 0;
}

/* A batch on several threads gives what one add after another gives, in
 * order (also when it skips the evidence of near copies), and a bad
 * article in it is reported without stopping the rest. */
static void batch_matches_one_by_one(void **state) {
    (void)state;
    enum { N = 40 };
    char *text[N], id[N][16];
    sl_article as[N];
    for (int i = 0; i < N; i++) {
        /* groups of copies: every fourth article starts a new text */
        text[i] = words_text(100 + (unsigned)(i / 4), 200);
        if (i % 4 == 3) text[i][5] = 'x'; /* a near copy */
        snprintf(id[i], sizeof id[i], "a%02d", i);
        as[i] = (sl_article){.id = id[i], .text = text[i], .text_len = strlen(text[i])};
    }
    text[17][10] = (char)0xff; /* not UTF-8 */
    seen one = {0}, many = {0};
    for (int round = 0; round < 2; round++) {
        sl_engine *e;
        sl_dedup *d;
        sl_dedup_options o;
        sl_dedup_options_init(&o);
        o.threads = round ? 3 : 1;
        o.evidence = !round;
        assert_int_equal(sl_open(NULL, NULL, &e), SL_OK);
        assert_int_equal(sl_dedup_open(e, &o, &d), SL_OK);
        if (round == 0) {
            for (int i = 0; i < N; i++) {
                const sl_dup_match *m;
                size_t n;
                sl_status s = sl_dedup_add(d, &as[i], &m, &n);
                note(&one, &as[i], s, s == SL_OK ? NULL : sl_errmsg(e), m, s == SL_OK ? n : 0);
            }
        } else {
            assert_int_equal(sl_dedup_add_batch(d, as, N, note, &many), SL_OK);
        }
        assert_int_equal(sl_dedup_count(d), N - 1);
        sl_dedup_close(d);
        sl_close(e);
    }
    assert_int_equal(many.n, N);
    assert_int_equal(many.errors, 1);
    assert_string_equal(one.log, many.log);
    assert_non_null(strstr(many.log, "a17:error;"));
    assert_non_null(strstr(many.log, ";a01:a00/exact,;a02:a00/exact,;a03:a00/near,;a04:;"));
    assert_non_null(strstr(many.log, ";a16:;a17:error;a18:a16/exact,;"));
    for (int i = 0; i < N; i++) free(text[i]);
}

static void same_sentence_is_not_a_copy(void **state) {
    fix *f = *state;
    const sl_dup_match *m;
    /* two texts that share one short sentence: no relation */
    char *a = words_text(21, 200), *b = words_text(22, 200);
    char *a2 = malloc(strlen(a) + 64), *b2 = malloc(strlen(b) + 64);
    sprintf(a2, "%s\nThe minister said the talks would go on.", a);
    sprintf(b2, "The minister said the talks would go on.\n%s", b);
    add(f, "a", NULL, a2, &m);
    assert_int_equal(add(f, "b", NULL, b2, &m), 0);
    free(a);
    free(b);
    free(a2);
    free(b2);
}

/* ---- the store's index: recent and merged postings ------------------------ */

typedef struct found {
    char id[64];
    sl_dup_kind kind;
    int n;
} found;

static int on_match(void *ud, const sl_dup_match *m) {
    found *f = ud;
    if (!f->n++) {
        snprintf(f->id, sizeof f->id, "%s", m->id);
        f->kind = m->kind;
    }
    return 0;
}

static found check_text(sl_engine *e, const char *text) {
    found f = {{0}, 0, 0};
    sl_article a = {.id = "query", .text = text, .text_len = strlen(text)};
    assert_int_equal(sl_check(e, &a, on_match, &f), SL_OK);
    return f;
}

/* check_text of text with five letters at `at` made "zzzzz": a near copy. */
static found check_edited(sl_engine *e, const char *text, size_t at) {
    char *copy = strdup(text);
    memcpy(copy + at, "zzzzz", 5);
    found f = check_text(e, copy);
    free(copy);
    return f;
}

/* A fresh directory for a test's store, and the store's path in it. */
static void tmp_store(char dir[21], char path[64]) {
    strcpy(dir, "/tmp/sl_dedup_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, 64, "%s/s.db", dir);
}

/* Remove that directory and the store in it. */
static void rm_tree(const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Two handles on the store at path: *w stored `text` as "first" and
 * committed before *r was opened. */
static void two_handles(const char *path, const char *text, sl_engine **w, sl_engine **r) {
    sl_outcome out;
    sl_article a = {.id = "first", .text = text, .text_len = strlen(text)};
    assert_int_equal(sl_open(path, NULL, w), SL_OK);
    assert_int_equal(sl_ingest(*w, &a, &out), SL_OK);
    assert_int_equal(sl_commit(*w), SL_OK);
    assert_int_equal(sl_open(path, NULL, r), SL_OK);
}

/* Past the first merge of the recent postings into the buckets (8,192
 * articles), copies of merged and of recent articles are found, again
 * after the store is opened anew, and not after their original goes. */
static void store_index_across_merge(void **state) {
    (void)state;
    char dir[21], path[64], id[32];
    tmp_store(dir, path);
    sl_engine *e;
    assert_int_equal(sl_open(path, NULL, &e), SL_OK);
    char *orig = words_text(7, 400);
    sl_article a = {.id = "orig", .date = "2024-01-01", .text = orig, .text_len = strlen(orig)};
    sl_outcome out;
    assert_int_equal(sl_ingest(e, &a, &out), SL_OK);
    enum { N = 8300 };
    for (unsigned i = 0; i < N; i++) {
        char *t = words_text(1000 + i, 120);
        snprintf(id, sizeof id, "a%05u", i);
        sl_article b = {.id = id, .text = t, .text_len = strlen(t)};
        assert_int_equal(sl_ingest(e, &b, &out), SL_OK);
        free(t);
    }
    assert_int_equal(sl_commit(e), SL_OK);
    for (int reopen = 0; reopen < 2; reopen++) {
        /* orig was merged: an edited copy of it is near */
        found f = check_edited(e, orig, 100);
        assert_int_equal(f.n, 1);
        assert_string_equal(f.id, "orig");
        assert_int_equal(f.kind, SL_DUP_NEAR);
        /* a recent one, still in the recent tier */
        char *t = words_text(1000 + N - 5, 120);
        f = check_text(e, t);
        assert_int_equal(f.n, 1);
        assert_string_equal(f.id, "a08295");
        assert_int_equal(f.kind, SL_DUP_EXACT);
        free(t);
        /* two of orig's paragraphs amid new text: partial */
        char *x = words_text(99, 200), *y = words_text(98, 200);
        size_t lo = 0;
        for (int k = 0; k < 4; k++) lo = (size_t)(strchr(orig + lo, '\n') - orig) + 1;
        size_t hi = lo;
        for (int k = 0; k < 2; k++) hi = (size_t)(strchr(orig + hi, '\n') - orig) + 1;
        char *mix = malloc(strlen(x) + strlen(y) + hi - lo + 4);
        sprintf(mix, "%s\n%.*s%s", x, (int)(hi - lo), orig + lo, y);
        f = check_text(e, mix);
        assert_int_equal(f.n, 1);
        assert_string_equal(f.id, "orig");
        assert_int_equal(f.kind, SL_DUP_PARTIAL);
        free(x), free(y), free(mix);
        sl_close(e);
        assert_int_equal(sl_open(path, NULL, &e), SL_OK);
    }
    /* gone from both tiers with its article */
    assert_int_equal(sl_remove(e, "orig"), SL_OK);
    assert_int_equal(sl_remove(e, "a08295"), SL_OK);
    assert_int_equal(check_text(e, orig).n, 0);
    char *t = words_text(1000 + N - 5, 120);
    assert_int_equal(check_text(e, t).n, 0);
    free(t);
    sl_close(e);
    free(orig);
    rm_tree(dir);
}

/* A second handle on the store sees what the first stores after it
 * opened: its recent postings are loaded again when another connection
 * has committed. */
static void reader_sees_later_ingest(void **state) {
    (void)state;
    char dir[21], path[64];
    tmp_store(dir, path);
    sl_engine *w, *r;
    sl_outcome out;
    char *t1 = words_text(11, 300), *t2 = words_text(12, 300);
    two_handles(path, t1, &w, &r);
    assert_int_equal(check_text(r, t1).n, 1); /* loads the recent tier */
    assert_int_equal(check_text(r, t2).n, 0);
    sl_article b = {.id = "second", .text = t2, .text_len = strlen(t2)};
    assert_int_equal(sl_ingest(w, &b, &out), SL_OK);
    assert_int_equal(sl_commit(w), SL_OK);
    found f = check_text(r, t2);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.id, "second");
    sl_close(r);
    sl_close(w);
    free(t1), free(t2);
    rm_tree(dir);
}

/* A handle keeps the buckets it has read; when another connection merges
 * the recent postings into them, it reads them again: an edited copy of
 * an article merged since is found by both handles. */
static void reader_sees_later_merge(void **state) {
    (void)state;
    char dir[21], path[64], id[32];
    tmp_store(dir, path);
    sl_engine *w, *r;
    sl_outcome out;
    char *t0 = words_text(31, 200), *late = words_text(32, 400);
    two_handles(path, t0, &w, &r);
    assert_int_equal(check_edited(r, late, 100).n, 0); /* reads late's buckets */
    sl_article b = {.id = "late", .text = late, .text_len = strlen(late)};
    assert_int_equal(sl_ingest(w, &b, &out), SL_OK);
    for (unsigned i = 0; i < 8300; i++) { /* past the first merge (8,192) */
        char *t = words_text(5000 + i, 120);
        snprintf(id, sizeof id, "f%05u", i);
        sl_article c = {.id = id, .text = t, .text_len = strlen(t)};
        assert_int_equal(sl_ingest(w, &c, &out), SL_OK);
        free(t);
    }
    assert_int_equal(sl_commit(w), SL_OK);
    for (int k = 0; k < 2; k++) {
        found f = check_edited(k ? r : w, late, 100);
        assert_int_equal(f.n, 1);
        assert_string_equal(f.id, "late");
        assert_int_equal(f.kind, SL_DUP_NEAR);
    }
    sl_close(r);
    sl_close(w);
    free(t0), free(late);
    rm_tree(dir);
}

static int ingest_ok(void *ud, const sl_article *a, sl_status s, sl_outcome outcome, const char *err) {
    (void)a, (void)outcome, (void)err;
    if (s != SL_OK) (*(int *)ud)++;
    return 0;
}

/* A batch's workers take an article whose text they saw stored for an
 * exact copy and find only its words; when its original is gone by then,
 * the writer fingerprints it whole, so that copies of it are found. */
static void copy_of_removed_article_is_indexed(void **state) {
    (void)state;
    char dir[21], path[64], id[2][8][16];
    tmp_store(dir, path);
    sl_engine *e;
    assert_int_equal(sl_open(path, NULL, &e), SL_OK);
    char *orig = words_text(21, 300), *other[2][8];
    sl_article as[2][8];
    int errors = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 8; i++) {
            other[round][i] = words_text(200 + (unsigned)(round * 8 + i), 150);
            snprintf(id[round][i], sizeof id[round][i], "r%d-%d", round, i);
            /* orig at another place the second time: another slot, whose
             * scratch holds another text's fingerprint */
            const char *t = i == 3 + 2 * round ? orig : other[round][i];
            as[round][i] = (sl_article){.id = id[round][i], .text = t, .text_len = strlen(t)};
        }
        assert_int_equal(sl_ingest_batch(e, as[round], 8, ingest_ok, &errors), SL_OK);
        assert_int_equal(sl_commit(e), SL_OK);
        if (round == 0) assert_int_equal(sl_remove(e, "r0-3"), SL_OK);
    }
    assert_int_equal(errors, 0);
    found f = check_edited(e, orig, 50);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.id, "r1-5");
    assert_int_equal(f.kind, SL_DUP_NEAR);
    sl_close(e);
    free(orig);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 8; i++) free(other[round][i]);
    rm_tree(dir);
}

/* The judging thread gives the verdicts judge_one gives on the caller's
 * thread, job by job in the order handed over, though the article's
 * fingerprint it was given is overwritten by the next one at once; with
 * JUDGE_QUEUE jobs out it takes no more until one is taken back. */
static void judge_thread_matches_judge_one(void **state) {
    (void)state;
    enum { N = 3 * JUDGE_QUEUE, C = 3 };
    char *art[N], *cand[N][C];
    unsigned char hash[N][C][16]; /* the first candidate has its article's */
    for (unsigned k = 0; k < N; k++) {
        art[k] = words_text(100 + k, 300);
        cand[k][0] = strdup(art[k]);                  /* the same text */
        cand[k][1] = strdup(art[k]);
        memcpy(cand[k][1], "w1 w2 w3 w4", 11);        /* a light edit */
        cand[k][2] = words_text(900 + k, 300);        /* another text */
        for (unsigned c = 0; c < C; c++) memset(hash[k][c], (int)(1 + c), 16);
    }
    /* what judge_one says, here */
    fp_verdict want[N][C];
    fp_ctx actx = {0};
    judge_scratch w = {0};
    fingerprint a;
    uint32_t *sh;
    for (unsigned k = 0; k < N; k++) {
        fingerprint_of(&actx, art[k], &a, &sh);
        free(sh);
        memcpy(a.exact, hash[k][0], 16);
        for (unsigned c = 0; c < C; c++)
            assert_int_equal(judge_one(&w, &actx, &a, cand[k][c], strlen(cand[k][c]), hash[k][c], &want[k][c]), 0);
    }
    assert_int_equal(want[0][0].kind, SL_DUP_EXACT);
    assert_int_equal(want[0][1].kind, SL_DUP_NEAR);
    assert_int_equal(want[0][2].kind, 0);
    /* the same on the thread */
    judge *j = judge_start();
    assert_non_null(j);
    unsigned got = 0;
    for (unsigned k = 0; k < N; k++) {
        if (judge_pending(j) == JUDGE_QUEUE) {
            fingerprint_of(&actx, art[k], &a, &sh);
            free(sh);
            assert_null(judge_open(j, k, &a));
            judge_job *jb = judge_done(j, 1);
            assert_non_null(jb);
            assert_int_equal(jb->seq, got);
            for (unsigned c = 0; c < C; c++) {
                assert_int_equal(jb->v[c].kind, want[got][c].kind);
                assert_true(jb->v[c].jaccard == want[got][c].jaccard);
            }
            judge_release(j, jb);
            got++;
        }
        fingerprint_of(&actx, art[k], &a, &sh);
        free(sh);
        memcpy(a.exact, hash[k][0], 16);
        judge_job *jb = judge_open(j, k, &a);
        assert_non_null(jb);
        for (unsigned c = 0; c < C; c++)
            assert_int_equal(judge_add(jb, c, cand[k][c], strlen(cand[k][c]), hash[k][c]), 0);
        judge_submit(j, jb);
        memset(&a, 0, sizeof a);
    }
    for (judge_job *jb; (jb = judge_done(j, 1)); got++) {
        assert_int_equal(jb->seq, got);
        for (unsigned c = 0; c < C; c++) {
            assert_int_equal(jb->cand[c], c);
            assert_int_equal(jb->v[c].kind, want[got][c].kind);
            assert_true(jb->v[c].jaccard == want[got][c].jaccard);
        }
        judge_release(j, jb);
    }
    assert_int_equal(got, N);
    assert_int_equal(judge_pending(j), 0);
    judge_stop(j);
    judge_scratch_free(&w);
    fp_ctx_free(&actx);
    for (unsigned k = 0; k < N; k++) {
        free(art[k]);
        for (unsigned c = 0; c < C; c++) free(cand[k][c]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_and_disjoint),
        cmocka_unit_test(minhash_estimates_jaccard),
        cmocka_unit_test(shingles_sorted_and_unique),
        cmocka_unit_test(intersect_matches_plain_merge),
        cmocka_unit_test_setup_teardown(kinds_of_copies, setup, teardown),
        cmocka_unit_test_setup_teardown(same_sentence_is_not_a_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(shared_passage_on_one_topic_is_not_a_copy, setup, teardown),
        cmocka_unit_test(batch_matches_one_by_one),
        cmocka_unit_test(store_index_across_merge),
        cmocka_unit_test(reader_sees_later_merge),
        cmocka_unit_test(reader_sees_later_ingest),
        cmocka_unit_test(copy_of_removed_article_is_indexed),
        cmocka_unit_test(judge_thread_matches_judge_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
