/* test_attrib.c - the cue words are read as documented, a damaged model
 * is refused, and tagged spans group into attributions as attrib.h says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "attrib.h"

extern const unsigned char sl_attrib_model[];
extern const unsigned char sl_attrib_model_end[];

static void reads_cue_words(void **state) {
    static const char data[] = "# comment\n\ndeny\tdenied\tdenies\nnegation\tnot\tn't\n";
    char err[256];
    cue_words *c = cues_parse(data, sizeof data - 1, "cues", err, sizeof err);
    assert_non_null(c);
    assert_int_equal(cues_word(c, "Denied", 6), 1 + STANCE_DENY);
    assert_int_equal(cues_word(c, "not", 3), CUE_NEGATION);
    assert_int_equal(cues_word(c, "said", 4), 0);
    cues_free(c);
    static const char bad[] = "deny\tdenied\nsulk\tsulked\n";
    assert_null(cues_parse(bad, sizeof bad - 1, "cues", err, sizeof err));
    assert_non_null(strstr(err, "cues:2:"));
    static const char twice[] = "deny\tdenied\nassert\tdenied\n";
    assert_null(cues_parse(twice, sizeof twice - 1, "cues", err, sizeof err));
    assert_non_null(strstr(err, "listed twice"));
}

static void refuses_damaged_models(void **state) {
    char err[256];
    size_t n = (size_t)(sl_attrib_model_end - sl_attrib_model);
    at_model *m = at_default(err, sizeof err);
    assert_non_null(m);
    at_free(m);
    unsigned char *p = malloc(n);
    assert_non_null(p);
    memcpy(p, sl_attrib_model, n);
    p[n - 7] ^= 1;
    assert_null(at_load(p, n, err, sizeof err));
    assert_non_null(strstr(err, "checksum"));
    assert_null(at_load(p, n - 1, err, sizeof err));
    assert_non_null(strstr(err, "bytes"));
    memcpy(p, "SLNER\0\0\2", 8);
    assert_null(at_load(p, n, err, sizeof err));
    assert_non_null(strstr(err, "not a storyline attribution model"));
    free(p);
}

/* Tokens of words[] with sentence and paragraph starts marked "|" and
 * "||" in the list; the tags given by letter: s source, c cue, t content,
 * capitals where a span starts. */
static size_t doc(const char *const *words, const char *tags, at_tok *t, uint8_t *g) {
    size_t n = 0;
    int sent = 1, para = 1;
    for (size_t i = 0; words[i]; i++) {
        if (!strcmp(words[i], "|") || !strcmp(words[i], "||")) {
            sent = 1, para = words[i][1] == '|';
            continue;
        }
        t[n] = (at_tok){words[i], (uint32_t)strlen(words[i]), (uint8_t)sent, (uint8_t)para, 0, 0, 0};
        sent = para = 0;
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        const char *k = strchr("-SsCcTt", tags[i]);
        g[i] = (uint8_t)(k - "-SsCcTt");
    }
    return n;
}

static void groups_spans(void **state) {
    /* "Lin said X. | Y, he added. || “Z" (a quotation that runs on) */
    const char *const words[] = {"Lin", "said", "X", ".", "|", "Y", ",", "he", "added", ".", "||",
                                 "\xE2\x80\x9C", "Z", NULL};
    const char tags[] = "SCT-T-SC-Tt";
    at_tok t[16];
    uint8_t g[16];
    size_t n = doc(words, tags, t, g);
    assert_int_equal(n, 11);
    at_scratch s = {0};
    assert_int_equal(at_prepare(&s, NULL, t, n), 0);
    at_frag f[16];
    size_t na, nf = at_group(&s, t, n, g, f, &na);
    assert_int_equal(na, 2);
    assert_int_equal(nf, 7);
    /* attribution 0: Lin said X */
    assert_true(f[0].attr == 0 && f[0].role == ROLE_SOURCE && f[0].first == 0 && f[0].end == 1);
    assert_true(f[1].attr == 0 && f[1].role == ROLE_CUE && f[1].first == 1);
    assert_true(f[2].attr == 0 && f[2].role == ROLE_CONTENT && f[2].first == 2 && f[2].end == 3);
    /* attribution 1: Y, he added, and the paragraph after it */
    assert_true(f[3].attr == 1 && f[3].role == ROLE_SOURCE && f[3].first == 6);
    assert_true(f[4].attr == 1 && f[4].role == ROLE_CUE && f[4].first == 7);
    assert_true(f[5].attr == 1 && f[5].role == ROLE_CONTENT && f[5].first == 4 && f[5].end == 5);
    assert_true(f[6].attr == 1 && f[6].role == ROLE_CONTENT && f[6].first == 9 && f[6].end == 11);
    /* content with no cue near is an attribution of its own */
    const char *const alone[] = {"Z", "Z", NULL};
    n = doc(alone, "Tt", t, g);
    assert_int_equal(at_prepare(&s, NULL, t, n), 0);
    nf = at_group(&s, t, n, g, f, &na);
    assert_int_equal(na, 1);
    assert_int_equal(nf, 1);
    assert_true(f[0].role == ROLE_CONTENT && f[0].first == 0 && f[0].end == 2);
    at_scratch_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_cue_words),
        cmocka_unit_test(refuses_damaged_models),
        cmocka_unit_test(groups_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
