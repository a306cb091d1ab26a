/*
 * test_stories.c - an article's story terms, and the streaming clusterer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stories.h"
#include "terms.h"

static int has(const term *t, size_t n, unsigned kind, const char *s) {
    uint32_t k = terms_key(kind, s, strlen(s));
    for (size_t i = 0; i < n; i++)
        if (t[i].key == k) return 1;
    return 0;
}

static const term *count_of(const term *t, size_t n, unsigned kind, const char *s) {
    uint32_t k = terms_key(kind, s, strlen(s));
    for (size_t i = 0; i < n; i++)
        if (t[i].key == k) return &t[i];
    return NULL;
}

static void words_names_numbers(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    assert_non_null(tc);
    const char *text = "The spokesman Lin Jian said China's ministry rejected the claims.\n"
                       "Officials counted 155 fighters and 7 prisoners in Kyiv in 2024 and 2150.";
    const term *t;
    size_t n;
    assert_int_equal(terms_of(tc, text, strlen(text), NULL, 0, NULL, 0, "Kyiv rejects claims", &t, &n), 0);
    /* sorted by key, no key twice */
    for (size_t i = 1; i < n; i++) assert_true(t[i - 1].key < t[i].key);
    /* stopwords and one-digit numbers are not terms */
    assert_false(has(t, n, TERM_WORD, "the"));
    assert_false(has(t, n, TERM_NUMBER, "7"));
    assert_true(has(t, n, TERM_NUMBER, "155"));
    /* a year is the date's business; other four-digit numbers count */
    assert_false(has(t, n, TERM_NUMBER, "2024"));
    assert_true(has(t, n, TERM_NUMBER, "2150"));
    /* words are stemmed ("claims", "rejected"), possessives dropped */
    assert_true(has(t, n, TERM_WORD, "claim"));
    assert_true(has(t, n, TERM_WORD, "reject"));
    assert_true(has(t, n, TERM_WORD, "china"));
    /* names: capitalised, not starting a sentence; every capital in a title */
    assert_true(has(t, n, TERM_NAME, "lin"));
    assert_true(has(t, n, TERM_NAME, "jian"));
    assert_true(has(t, n, TERM_NAME, "china")); /* China's, mid-sentence */
    assert_false(has(t, n, TERM_NAME, "officials")); /* starts its sentence */
    const term *kyiv = count_of(t, n, TERM_NAME, "kyiv");
    assert_non_null(kyiv);
    assert_int_equal(kyiv->title, 1);
    assert_int_equal(kyiv->body, 1);
    const term *claim = count_of(t, n, TERM_WORD, "claim");
    assert_int_equal(claim->title, 1);
    assert_int_equal(claim->body, 1);
    terms_free(tc);
}

static void keeps_the_heaviest(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    /* 300 distinct made-up words, the 50 with numbers 7, 13, 19 ... three
     * times: only TERMS_MAX are kept, and those 50 among them */
    char text[300 * 40];
    size_t len = 0;
    for (int i = 0; i < 300; i++)
        for (int r = 0; r < (i % 6 == 1 && i < 300 ? 3 : 1); r++)
            len += (size_t)sprintf(text + len, "zq%dwx ", i);
    const term *t;
    size_t n;
    assert_int_equal(terms_of(tc, text, len, NULL, 0, NULL, 0, NULL, &t, &n), 0);
    assert_int_equal(n, TERMS_MAX);
    for (size_t i = 1; i < n; i++) assert_true(t[i - 1].key < t[i].key);
    for (int i = 1; i < 300; i += 6) {
        char w[16];
        sprintf(w, "zq%dwx", i);
        const term *x = count_of(t, n, TERM_WORD, w);
        assert_non_null(x);
        assert_int_equal(x->body, 3);
    }
    terms_free(tc);
}

static void days(void **state) {
    (void)state;
    assert_int_equal(story_day("1970-01-01"), 0);
    assert_int_equal(story_day("1969-12-31"), -1);
    assert_int_equal(story_day("2000-02-29"), 11016);
    assert_int_equal(story_day("2024-03-01T10:00:00Z"), 19783);
    assert_int_equal(story_day("March 2024"), STORY_NO_DAY);
    assert_int_equal(story_day("2024-13-01"), STORY_NO_DAY);
    assert_int_equal(story_day(NULL), STORY_NO_DAY);
}

/* The terms of a made-up article about one of three events. */
static size_t article(terms_ctx *tc, int event, int variant, term *out) {
    static const char *const base[] = {
        "Harbour workers in Velmora walked out over pay; the dock union said the strike "
        "would last until the port authority raised wages. Ferries to Ostrin were cancelled.",
        "The Tallis observatory found a comet that will pass near Earth in 2031; astronomers "
        "at Tallis said the comet is bright enough to be seen without a telescope.",
        "Farmers near Quarrow lost their wheat harvest to floods after the river burst its "
        "banks; the regional council promised compensation to the farmers of Quarrow.",
    };
    static const char *const extra[] = {"", " Officials met on Monday.", " Reports followed."};
    char text[512];
    snprintf(text, sizeof text, "%s%s", base[event], extra[variant % 3]);
    const term *t;
    size_t n;
    assert_int_equal(terms_of(tc, text, strlen(text), NULL, 0, NULL, 0, NULL, &t, &n), 0);
    memcpy(out, t, n * sizeof *t);
    return n;
}

/* Articles of three events, interleaved: three stories, each article in
 * its event's, ids given in order of first report; the same input gives
 * the same ids. */
static void three_events(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    int64_t first[2][9];
    for (int round = 0; round < 2; round++) {
        story_state *s = story_new(NULL);
        assert_non_null(s);
        int64_t next = 1;
        for (int i = 0; i < 9; i++) {
            term t[TERMS_MAX];
            size_t n = article(tc, i % 3, i / 3, t);
            story_event ev;
            assert_int_equal(story_add(s, t, n, 19000 + i, 0, next, &ev), 0);
            if (ev.created) next++;
            first[round][i] = ev.story;
            if (i < 3) {
                assert_int_equal(ev.created, 1);
                assert_int_equal(ev.story, i + 1);
            } else {
                assert_int_equal(ev.created, 0);
                assert_int_equal(ev.story, i % 3 + 1);
                assert_true(ev.similarity > 0.14);
            }
        }
        story_free(s);
    }
    assert_memory_equal(first[0], first[1], sizeof first[0]);
    terms_free(tc);
}

/* A copy joins its original's story and is not weighed: the document
 * counts do not move. */
static void copies_join_without_weight(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    story_state *s = story_new(NULL);
    term t[TERMS_MAX];
    size_t n = article(tc, 0, 0, t);
    story_event ev;
    assert_int_equal(story_add(s, t, n, 19000, 0, 1, &ev), 0);
    assert_int_equal(story_docs(s), 1);
    assert_int_equal(story_add(s, t, n, 19001, 1, 2, &ev), 0);
    assert_int_equal(ev.story, 1);
    assert_int_equal(ev.created, 0);
    assert_int_equal(story_docs(s), 1);
    story_free(s);
    terms_free(tc);
}

/* The same event years later is another story: time lowers the
 * similarity; without dates it would join. */
static void time_apart(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    story_params p;
    story_params_default(&p);
    story_state *s = story_new(&p);
    term t[TERMS_MAX];
    story_event ev;
    size_t n = article(tc, 1, 0, t);
    assert_int_equal(story_add(s, t, n, 10000, 0, 1, &ev), 0);
    n = article(tc, 1, 1, t);
    assert_int_equal(story_add(s, t, n, 10000 + 100 * 365, 0, 2, &ev), 0);
    assert_int_equal(ev.created, 1);
    n = article(tc, 1, 2, t);
    assert_int_equal(story_add(s, t, n, STORY_NO_DAY, 0, 3, &ev), 0);
    assert_int_equal(ev.created, 0);
    story_free(s);
    terms_free(tc);
}

/* Settings round-trip through their string; bad ones are refused. */
static void settings(void **state) {
    (void)state;
    story_params p;
    story_params_default(&p);
    assert_int_equal(story_params_parse(&p, "th=0.3 wn=0.5 tau=10"), 0);
    assert_true(p.threshold == 0.3 && p.w_names == 0.5 && p.tau == 10);
    char a[200];
    story_params_string(&p, a, sizeof a);
    assert_non_null(strstr(a, "th=0.3"));
    assert_int_equal(story_params_parse(&p, "threshold=2"), -1);
    assert_int_equal(story_params_parse(&p, "th"), -1);
    assert_int_equal(story_params_parse(&p, NULL), 0);
}

/* What a store keeps of the frequencies reads back the same. */
static void frequencies_round_trip(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    story_state *s = story_new(NULL), *r = story_new(NULL);
    term t[TERMS_MAX];
    story_event ev;
    for (int i = 0; i < 6; i++) {
        size_t n = article(tc, i % 3, i / 3, t);
        assert_int_equal(story_add(s, t, n, 19000, 0, i + 1, &ev), 0);
    }
    buf b = {0};
    assert_int_equal(story_df_save(s, &b), 0);
    assert_int_equal(b.len % 8, 0);
    assert_int_equal(story_df_load(r, b.p, b.len), 0);
    story_docs_add(r, story_docs(s));
    size_t n = article(tc, 2, 1, t);
    for (size_t i = 0; i < n; i++) assert_true(story_idf(s, t[i].key) == story_idf(r, t[i].key));
    assert_int_equal(story_df_load(r, b.p, 7), -1);
    buf_free(&b);
    story_free(s);
    story_free(r);
    terms_free(tc);
}

/* Stories of one event started apart (a threshold no article passes) are
 * joined by the merge step: the older id stays. */
static void merge_joins(void **state) {
    (void)state;
    terms_ctx *tc = terms_new();
    story_params p;
    story_params_default(&p);
    p.threshold = 2.0; /* no article joins a story */
    p.merge = 0.1;
    story_state *s = story_new(&p);
    term t[TERMS_MAX];
    story_event ev;
    for (int i = 0; i < 3; i++) {
        size_t n = article(tc, 2, i, t);
        assert_int_equal(story_add(s, t, n, 19000, 0, i + 1, &ev), 0);
        assert_int_equal(ev.created, 1);
    }
    size_t n = article(tc, 0, 0, t); /* another event stays apart */
    assert_int_equal(story_add(s, t, n, 19000, 0, 4, &ev), 0);
    const story_merged *m;
    size_t nm;
    assert_int_equal(story_merge(s, &m, &nm), 0);
    assert_int_equal(nm, 2);
    for (size_t i = 0; i < nm; i++) {
        assert_int_equal(m[i].into, 1);
        assert_true(m[i].from == 2 || m[i].from == 3);
    }
    /* with no merge threshold nothing is joined */
    p.merge = 0;
    story_state *r = story_new(&p);
    for (int i = 0; i < 3; i++) {
        n = article(tc, 2, i, t);
        assert_int_equal(story_add(r, t, n, 19000, 0, i + 1, &ev), 0);
    }
    assert_int_equal(story_merge(r, &m, &nm), 0);
    assert_int_equal(nm, 0);
    story_free(r);
    story_free(s);
    terms_free(tc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_names_numbers),
        cmocka_unit_test(keeps_the_heaviest),
        cmocka_unit_test(days),
        cmocka_unit_test(three_events),
        cmocka_unit_test(copies_join_without_weight),
        cmocka_unit_test(time_apart),
        cmocka_unit_test(settings),
        cmocka_unit_test(frequencies_round_trip),
        cmocka_unit_test(merge_joins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
