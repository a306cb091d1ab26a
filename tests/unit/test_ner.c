/* test_ner.c - the NER model file is checked before use; tagging keeps
 * IOB2 well formed; a document's sentences and the same word's other
 * occurrences are found, and what was said of a word earlier in a
 * document is a feature of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ner.h"

extern const unsigned char sl_ner_model[];
extern const unsigned char sl_ner_model_end[];

static size_t model_size(void) { return (size_t)(sl_ner_model_end - sl_ner_model); }

static void loads_the_built_in_model(void **state) {
    char err[256] = "";
    ner_model *m = ner_default(err, sizeof err);
    assert_non_null(m);
    assert_true(m->bits >= 8 && m->scale > 0);
    ner_free(m);
}

/* A copy with one byte changed, or cut short, or another header. */
static void refuses_damaged_models(void **state) {
    size_t n = model_size();
    unsigned char *p = malloc(n);
    assert_non_null(p);
    char err[256];
    memcpy(p, sl_ner_model, n);
    p[n / 2] ^= 0x40;
    assert_null(ner_load(p, n, err, sizeof err));
    assert_non_null(strstr(err, "checksum"));
    memcpy(p, sl_ner_model, n);
    assert_null(ner_load(p, n - 2, err, sizeof err));
    assert_non_null(strstr(err, "bytes"));
    p[16] = NER_FEATURES_VERSION + 1;
    assert_null(ner_load(p, n, err, sizeof err));
    assert_non_null(strstr(err, "features version"));
    memcpy(p, "PK\3\4", 4);
    assert_null(ner_load(p, n, err, sizeof err));
    assert_non_null(strstr(err, "not a storyline NER model"));
    free(p);
}

static void tags_are_iob2(void **state) {
    char err[256];
    ner_model *m = ner_default(err, sizeof err);
    assert_non_null(m);
    const char *words[] = {"The", "European", "Commission", "and", "Lin", "Jian", "met", "in",
                           "New", "York", "on", "Monday", "."};
    size_t n = sizeof words / sizeof *words;
    ner_tok t[sizeof words / sizeof *words];
    for (size_t i = 0; i < n; i++) t[i] = (ner_tok){words[i], (uint32_t)strlen(words[i]), i == 0};
    uint8_t tags[sizeof words / sizeof *words];
    ner_scratch s = {0};
    assert_int_equal(ner_tag(m, &s, t, n, tags), 0);
    for (size_t i = 0; i < n; i++) assert_true(ner_allowed(i ? tags[i - 1] : NER_TAGS, tags[i]));
    assert_int_equal(tags[4], NER_B_PER);
    assert_int_equal(tags[5], NER_I_PER);
    assert_int_equal(tags[8], NER_B_LOC);
    assert_int_equal(tags[9], NER_I_LOC);
    assert_int_equal(tags[12], NER_O);
    ner_scratch_free(&s);
    ner_free(m);
}

/* Two sentences: "Bolton won . | BOLTON beat Bolton" */
static void finds_sentences_and_occurrences(void **state) {
    const char *words[] = {"Bolton", "won", ".", "BOLTON", "beat", "Bolton"};
    const uint32_t first[] = {1, 0, 0, 1, 0, 0};
    ner_tok t[6];
    for (size_t i = 0; i < 6; i++) t[i] = (ner_tok){words[i], (uint32_t)strlen(words[i]), first[i]};
    ner_scratch s = {0};
    assert_int_equal(ner_prepare(&s, NULL, t, 6), 0);
    assert_int_equal(s.begin[2], 0);
    assert_int_equal(s.end[2], 3);
    assert_int_equal(s.begin[4], 3);
    assert_int_equal(s.end[5], 6);
    /* one chain through the three spellings, in either case */
    assert_int_equal(s.prev[0], NER_NONE);
    assert_int_equal(s.next[0], 3);
    assert_int_equal(s.prev[3], 0);
    assert_int_equal(s.next[3], 5);
    assert_int_equal(s.prev[5], 3);
    assert_int_equal(s.next[5], NER_NONE);
    assert_int_equal(s.prev[1], NER_NONE);
    assert_int_equal(s.next[1], NER_NONE);
    /* the other occurrences add features: more rows than a lone word */
    uint32_t a[NER_MAX_FEATURES], b[NER_MAX_FEATURES];
    assert_true(ner_features(&s, 0, 17, a) > ner_features(&s, 1, 17, b));
    /* history: none for the first "Bolton" or for one whose only earlier
     * occurrence is in its own sentence; two rows else, which change
     * with what was said */
    uint8_t tags[6] = {NER_B_ORG, NER_O, NER_O, NER_B_ORG, NER_O, NER_O};
    uint32_t h[2], g[2];
    assert_int_equal(ner_history(s.prev, s.begin, tags, 0, 17, h), 0);
    assert_int_equal(ner_history(s.prev, s.begin, tags, 1, 17, h), 0);
    assert_int_equal(ner_history(s.prev, s.begin, tags, 3, 17, h), 2);
    assert_int_equal(ner_history(s.prev, s.begin, tags, 5, 17, h), 2); /* 0, past 3 */
    tags[0] = NER_B_LOC;
    assert_int_equal(ner_history(s.prev, s.begin, tags, 5, 17, g), 2);
    assert_true(h[0] != g[0]);
    ner_scratch_free(&s);
}

static void allowed_follows_iob2(void **state) {
    assert_true(ner_allowed(NER_TAGS, NER_B_ORG));
    assert_false(ner_allowed(NER_TAGS, NER_I_ORG));
    assert_false(ner_allowed(NER_O, NER_I_PER));
    assert_false(ner_allowed(NER_B_PER, NER_I_LOC));
    assert_true(ner_allowed(NER_B_PER, NER_I_PER));
    assert_true(ner_allowed(NER_I_MISC, NER_I_MISC));
    assert_true(ner_allowed(NER_I_MISC, NER_B_MISC));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_the_built_in_model),
        cmocka_unit_test(refuses_damaged_models),
        cmocka_unit_test(tags_are_iob2),
        cmocka_unit_test(finds_sentences_and_occurrences),
        cmocka_unit_test(allowed_follows_iob2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
