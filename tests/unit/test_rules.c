/*
 * test_rules.c - the rules file format and the shipped boilerplate rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "normalize.h"
#include "rules.h"

extern const char sl_data_boilerplate_rules[];
extern const unsigned long sl_data_boilerplate_rules_len;

static rules *shipped(void) {
    char err[256];
    rules *r = rules_parse(sl_data_boilerplate_rules, sl_data_boilerplate_rules_len,
                           "boilerplate.rules", err, sizeof err);
    assert_non_null(r);
    return r;
}

/* The rule name that matches text (through its matching form), or NULL. */
static const char *which(const rules *r, const char *text) {
    buf b = {0};
    norm_match_form(text, strlen(text), &b);
    const char *reason = NULL, *detail;
    enum rule_scope scope;
    int hit = rules_match(r, b.p ? b.p : "", b.len, &reason, &detail, &scope);
    buf_free(&b);
    return hit >= 0 ? reason : NULL;
}

static void shipped_rules_match_boilerplate(void **state) {
    (void)state;
    rules *r = shipped();
    /* every shipped regex can be gated by its literal prefixes */
    assert_true(rules_gate_exact(r));
    assert_string_equal(which(r, "Read more:"), "read-more");
    assert_string_equal(which(r, "READ MORE"), "read-more");
    assert_string_equal(which(r, "Related Articles"), "related");
    assert_string_equal(which(r, "Share this article"), "share-prompt");
    assert_string_equal(which(r, "Share on Facebook"), "share-prompt");
    assert_string_equal(which(r, "Follow us on Twitter and Facebook"), "follow-prompt");
    assert_string_equal(which(r, "Subscribe to our newsletter for daily updates"), "subscribe-prompt");
    assert_string_equal(which(r, "Click here to sign up for breaking news alerts"), "subscribe-prompt");
    assert_string_equal(which(r, "\xC2\xA9 2026 Harbour Gazette. All rights reserved."), "copyright");
    assert_string_equal(which(r, "Copyright 2026 Example Media Ltd"), "copyright");
    assert_string_equal(which(r, "Advertisement"), "advertisement");
    assert_string_equal(which(r, "Sign up for the Lakeside Post morning newsletter to get the "
                                 "day\xE2\x80\x99s top stories delivered every weekday."),
                        "subscribe-prompt");
    assert_string_equal(which(r, "We use cookies to improve your experience. By continuing to "
                                 "browse you agree to our use of cookies."),
                        "cookie-notice");
    assert_string_equal(which(r, "Share | Tweet | Email"), "share-prompt");
    assert_string_equal(which(r, "Share on Facebook Share on Twitter Share via Email"), "share-prompt");
    assert_string_equal(which(r, "Click here to download our app."), "app-prompt");
    assert_string_equal(which(r, "Photo: Harbour Gazette"), "image-credit");
    assert_string_equal(which(r, "Image copyright Example Images"), "image-credit");
    assert_string_equal(which(r, "Have a news tip? Write to the newsroom."), "tip-prompt");
    assert_string_equal(which(r, "Please support our journalism with a donation."), "membership-prompt");
    assert_string_equal(which(r, "Download our app for alerts on the go."), "app-prompt");
    assert_string_equal(which(r, "Continue reading the main story"), "advertisement");
    assert_string_equal(which(r, "Turn on notifications to hear first."), "subscribe-prompt");
    /* a sign-up widget kept as one paragraph longer than the 200 bytes of
     * the other rules */
    const char *widget = "Newsletter Sign Up Continue reading the main story Please verify "
                         "you\xE2\x80\x99re not a robot by clicking the box. Invalid email "
                         "address. Please re-enter. You must select a newsletter to subscribe "
                         "to. Sign Up You agree to receive occasional updates.";
    assert_true(strlen(widget) > 200);
    assert_string_equal(which(r, widget), "newsletter-widget");
    rules_free(r);
}

static void shipped_rules_spare_real_text(void **state) {
    (void)state;
    rules *r = shipped();
    assert_null(which(r, "Share prices rose 5% on Monday after the results."));
    assert_null(which(r, "Readers wrote in to say more was needed."));
    assert_null(which(r, "She said she would follow the court's ruling closely."));
    assert_null(which(r, "Subscribers to the service pay $10 a month, the company said."));
    assert_null(which(r, "The union urged members to sign up for the strike ballot by Friday."));
    assert_null(which(r, "Related parties were named in the filing."));
    assert_null(which(r, "Photographs released on Monday showed the damage to the pier."));
    assert_null(which(r, "Share prices and email traffic both rose after the announcement."));
    assert_null(which(r, "The council said it would get the app working again by Friday."));
    assert_null(which(r, "We use the ferry every day, one commuter said."));
    assert_null(which(r, "Image quality improved after the upgrade, engineers said."));
    /* longer than max-length: never boilerplate, whatever it starts with */
    char lng[400];
    memset(lng, 'x', sizeof lng);
    memcpy(lng, "Share this article ", 19);
    lng[sizeof lng - 1] = '\0';
    assert_null(which(r, lng));
    rules_free(r);
}

static void parse_errors_name_the_line(void **state) {
    (void)state;
    char err[256];
    const char *bad_scope = "# c\n\nx  page  exact  foo\n";
    assert_null(rules_parse(bad_scope, strlen(bad_scope), "my.rules", err, sizeof err));
    assert_string_equal(err, "my.rules:3: scope must be line or block, not 'page'");
    const char *bad_match = "x line glob foo\n";
    assert_null(rules_parse(bad_match, strlen(bad_match), "my.rules", err, sizeof err));
    assert_non_null(strstr(err, "my.rules:1: match must be"));
    const char *bad_re = "ok line exact a\nx line regex (unclosed\n";
    assert_null(rules_parse(bad_re, strlen(bad_re), "my.rules", err, sizeof err));
    assert_non_null(strstr(err, "my.rules:2: bad regular expression"));
    const char *no_pat = "x line exact\n";
    assert_null(rules_parse(no_pat, strlen(no_pat), "my.rules", err, sizeof err));
    assert_string_equal(err, "my.rules:1: rule 'x' has no pattern");
    const char *bad_max = "max-length lots\n";
    assert_null(rules_parse(bad_max, strlen(bad_max), "my.rules", err, sizeof err));
    assert_string_equal(err, "my.rules:1: max-length needs a positive number");
}

static void kinds_and_scope(void **state) {
    (void)state;
    char err[256];
    const char *src = "max-length 30\n"
                      "a line exact hello world\n"
                      "b block prefix see:\n"
                      "c line suffix -- end\n"
                      "d line contains sponsored\n";
    rules *r = rules_parse(src, strlen(src), "t.rules", err, sizeof err);
    assert_non_null(r);
    assert_int_equal(rules_max_length(r), 30);
    const char *reason, *detail;
    enum rule_scope scope;
    assert_int_equal(rules_match(r, "hello world", 11, &reason, &detail, &scope), 0);
    assert_int_equal(scope, RULE_LINE);
    assert_string_equal(detail, "rule a, t.rules:2");
    assert_int_equal(rules_match(r, "hello world!", 12, &reason, &detail, &scope), -1);
    assert_int_equal(rules_match(r, "see: other things", 17, &reason, &detail, &scope), 1);
    assert_int_equal(scope, RULE_BLOCK);
    assert_int_equal(rules_match(r, "the -- end", 10, &reason, &detail, &scope), 2);
    assert_int_equal(rules_match(r, "a sponsored post", 16, &reason, &detail, &scope), 3);
    /* over max-length */
    const char *lng = "a sponsored post that goes on and on";
    assert_int_equal(rules_match(r, lng, strlen(lng), &reason, &detail, &scope), -1);
    rules_free(r);
    /* max-length holds for the rules after it: the longest is the gate */
    const char *two = "max-length 20\n"
                      "d line contains sponsored\n"
                      "max-length 60\n"
                      "e line contains goes on\n";
    r = rules_parse(two, strlen(two), "u.rules", err, sizeof err);
    assert_non_null(r);
    assert_int_equal(rules_max_length(r), 60);
    assert_int_equal(rules_match(r, "a sponsored post", 16, &reason, &detail, &scope), 0);
    assert_int_equal(rules_match(r, lng, strlen(lng), &reason, &detail, &scope), 1);
    assert_string_equal(reason, "e");
    rules_free(r);
}

/* The first-byte gate in front of the regexes must never hide a match:
 * patterns whose first byte it cannot read (classes, '.', optional groups,
 * escapes like \(, multibyte literals) still match. */
static void gate_does_not_hide_matches(void **state) {
    (void)state;
    char err[256];
    const char *src = "opt   line regex ^(x|y)?zed$\n"
                      "cls   line regex ^[pq]uux$\n"
                      "dot   line regex ^.ing$\n"
                      "esc   line regex ^\\(c\\) corp$\n"
                      "multi line regex ^(\xC2\xA9|copy) notice$\n"
                      "star  line regex ^a*b$\n"
                      "neg   line regex ^[^k]oo$\n"
                      "optc  line regex ^[m]?oon$\n";
    rules *r = rules_parse(src, strlen(src), "g.rules", err, sizeof err);
    assert_non_null(r);
    const char *reason, *detail;
    enum rule_scope scope;
    const char *hits[][2] = {{"zed", "opt"},      {"yzed", "opt"},   {"quux", "cls"},
                             {"ring", "dot"},     {"(c) corp", "esc"}, {"\xC2\xA9 notice", "multi"},
                             {"copy notice", "multi"}, {"b", "star"}, {"aab", "star"},
                             {"zoo", "neg"}, {"oon", "optc"}, {"moon", "optc"}};
    for (size_t i = 0; i < sizeof hits / sizeof *hits; i++) {
        assert_true(rules_match(r, hits[i][0], strlen(hits[i][0]), &reason, &detail, &scope) >= 0);
        assert_string_equal(reason, hits[i][1]);
    }
    assert_int_equal(rules_match(r, "none", 4, &reason, &detail, &scope), -1);
    rules_free(r);
    /* when every pattern is readable the gate is exact, and still right */
    const char *simple = "a line regex ^(share|tweet) this$\nb line regex ^\xC2\xA9 2026\n"
                         "c line regex ^([0-9]+|no) comments$\n";
    r = rules_parse(simple, strlen(simple), "s.rules", err, sizeof err);
    assert_non_null(r);
    assert_true(rules_match(r, "tweet this", 10, &reason, &detail, &scope) >= 0);
    assert_true(rules_match(r, "\xC2\xA9 2026", 7, &reason, &detail, &scope) >= 0);
    assert_int_equal(rules_match(r, "share that", 10, &reason, &detail, &scope), -1);
    assert_true(rules_match(r, "12 comments", 11, &reason, &detail, &scope) >= 0);
    assert_true(rules_match(r, "no comments", 11, &reason, &detail, &scope) >= 0);
    rules_free(r);
}

/* A contains rule finds its pattern at every offset of a paragraph of
 * any length (the sixteen-byte steps and the byte tail), and nowhere
 * else: near misses that share the first and last byte do not match. */
static void contains_at_every_offset(void **state) {
    (void)state;
    char err[256];
    const char *src = "max-length 100\nw line contains widget\n";
    rules *r = rules_parse(src, strlen(src), "c.rules", err, sizeof err);
    assert_non_null(r);
    const char *reason, *detail;
    enum rule_scope scope;
    char line[101];
    for (size_t len = 0; len <= 100; len++) {
        for (size_t at = 0; at + 6 <= len || (at == 0 && len < 6); at++) {
            memset(line, '.', len);
            line[len] = '\0';
            if (len >= 6) memcpy(line + at, "widget", 6);
            int want = len >= 6;
            assert_int_equal(rules_match(r, line, len, &reason, &detail, &scope), want ? 0 : -1);
            if (len >= 6) { /* same first and last byte, other middle */
                memcpy(line + at, "wXdget", 6);
                assert_int_equal(rules_match(r, line, len, &reason, &detail, &scope), -1);
            }
            if (len < 6) break;
        }
    }
    rules_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_rules_match_boilerplate),
        cmocka_unit_test(shipped_rules_spare_real_text),
        cmocka_unit_test(parse_errors_name_the_line),
        cmocka_unit_test(kinds_and_scope),
        cmocka_unit_test(gate_does_not_hide_matches),
        cmocka_unit_test(contains_at_every_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
