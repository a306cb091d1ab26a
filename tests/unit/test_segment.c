/*
 * test_segment.c - sentence and token spans from segment.c.
 *
 * Every test states the exact strings it expects: the helpers join the
 * spans' text (sentences with " || ", tokens as KIND:text with spaces) and
 * compare one string, so a failure shows the whole segmentation at once.
 * All example sentences are made up for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "segment.h"

/* ------------------------------------------------------------- helpers */

/* Append n bytes of s to a growing string. */
static void cat(char **out, size_t *len, size_t *cap, const char *s, size_t n) {
    if (*len + n + 1 > *cap) {
        size_t nc = *cap ? *cap : 256;
        while (nc < *len + n + 1) nc *= 2;
        char *p = realloc(*out, nc);
        assert_non_null(p);
        *out = p;
        *cap = nc;
    }
    memcpy(*out + *len, s, n);
    *len += n;
    (*out)[*len] = '\0';
}

static int is_space_byte(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Spans s->sent[from..] must be in order, inside [start, end), non-empty
 * and without ASCII space at either edge; their texts joined by " || "
 * must equal want[] joined the same way. */
static void check_sents(const segmenter *sg, size_t from, const char *text,
                        size_t start, size_t end, const char *const *want,
                        size_t n_want) {
    char *got = NULL, *exp = NULL;
    size_t gl = 0, gc = 0, el = 0, ec = 0;
    cat(&got, &gl, &gc, "", 0);
    cat(&exp, &el, &ec, "", 0);
    size_t prev = start;
    for (size_t i = from; i < sg->n_sent; i++) {
        sl_span sp = sg->sent[i];
        assert_true(sp.start >= prev);
        assert_true(sp.start < sp.end);
        assert_true(sp.end <= end);
        assert_false(is_space_byte((unsigned char)text[sp.start]));
        assert_false(is_space_byte((unsigned char)text[sp.end - 1]));
        prev = sp.end;
        if (i > from) cat(&got, &gl, &gc, " || ", 4);
        cat(&got, &gl, &gc, text + sp.start, sp.end - sp.start);
    }
    for (size_t i = 0; i < n_want; i++) {
        if (i) cat(&exp, &el, &ec, " || ", 4);
        cat(&exp, &el, &ec, want[i], strlen(want[i]));
    }
    assert_string_equal(got, exp);
    assert_int_equal(sg->n_sent - from, n_want);
    free(got);
    free(exp);
}

static void expect_sents(const char *text, const char *const *want, size_t n_want) {
    segmenter sg = {0};
    size_t n = strlen(text);
    assert_int_equal(segment_sentences(&sg, text, 0, n), 0);
    check_sents(&sg, 0, text, 0, n, want, n_want);
    segment_free(&sg);
}

#define SENTS(text, ...)                                                     \
    do {                                                                     \
        static const char *const want_[] = {__VA_ARGS__};                    \
        expect_sents(text, want_, sizeof want_ / sizeof want_[0]);           \
    } while (0)

static char kind_char(sl_token_kind k) {
    switch (k) {
    case SL_TOK_WORD: return 'W';
    case SL_TOK_NUMBER: return 'N';
    case SL_TOK_PUNCT: return 'P';
    case SL_TOK_SYMBOL: return 'S';
    }
    return '?';
}

/* Tokens s->tok[from..] as "W:China's P:." joined by spaces. */
static void check_toks(const segmenter *sg, size_t from, const char *text,
                       size_t start, size_t end, const char *want) {
    char *got = NULL;
    size_t gl = 0, gc = 0;
    cat(&got, &gl, &gc, "", 0);
    size_t prev = start;
    for (size_t i = from; i < sg->n_tok; i++) {
        sl_token t = sg->tok[i];
        assert_true(t.start >= prev);
        assert_true(t.start < t.end);
        assert_true(t.end <= end);
        prev = t.end;
        char k[3] = {kind_char(t.kind), ':', '\0'};
        if (i > from) cat(&got, &gl, &gc, " ", 1);
        cat(&got, &gl, &gc, k, 2);
        cat(&got, &gl, &gc, text + t.start, t.end - t.start);
    }
    assert_string_equal(got, want);
    free(got);
}

static void expect_toks(const char *text, const char *want) {
    segmenter sg = {0};
    size_t n = strlen(text);
    assert_int_equal(segment_tokens(&sg, text, 0, n), 0);
    check_toks(&sg, 0, text, 0, n, want);
    segment_free(&sg);
}

/* --------------------------------------------------- sentences: basics */

static void sent_empty(void **state) {
    (void)state;
    expect_sents("", NULL, 0);
    segmenter sg = {0};
    assert_int_equal(segment_sentences(&sg, "abc", 1, 1), 0);
    assert_int_equal(sg.n_sent, 0);
    segment_free(&sg);
}

static void sent_whitespace_only(void **state) {
    (void)state;
    expect_sents("   \t  ", NULL, 0);
    expect_sents("\xC2\xA0 \xE2\x80\x83\xE3\x80\x80", NULL, 0); /* NBSP, em space, ideographic space */
}

static void sent_no_final_punct(void **state) {
    (void)state;
    SENTS("Markets rallied on Monday", "Markets rallied on Monday");
    SENTS("Prices rose. Shares fell", "Prices rose.", "Shares fell");
}

static void sent_simple_split(void **state) {
    (void)state;
    SENTS("Prices rose. Shares fell.", "Prices rose.", "Shares fell.");
    SENTS("One.", "One.");
}

static void sent_question_exclamation(void **state) {
    (void)state;
    SENTS("Is it over? No! It goes on.", "Is it over?", "No!", "It goes on.");
    SENTS("Really?! Yes.", "Really?!", "Yes.");
}

static void sent_trimmed(void **state) {
    (void)state;
    SENTS("  Hello there.   Bye now.  ", "Hello there.", "Bye now.");
    SENTS("\tHello there.\t\tBye now.\t", "Hello there.", "Bye now.");
}

static void sent_needs_whitespace(void **state) {
    (void)state;
    SENTS("Visit example.com today. Now go.", "Visit example.com today.", "Now go.");
    SENTS("It ended.Then nothing.", "It ended.Then nothing.");
}

static void sent_lowercase_does_not_split(void **state) {
    (void)state;
    SENTS("It was approx. five miles away. The road was shut.",
          "It was approx. five miles away.", "The road was shut.");
    SENTS("He paused. then he went on.", "He paused. then he went on.");
    SENTS("Why? because it rained.", "Why? because it rained.");
}

/* ------------------------------------------------ sentences: abbreviations */

static void sent_titles(void **state) {
    (void)state;
    SENTS("Mr. Smith met Dr. Jones. They talked.",
          "Mr. Smith met Dr. Jones.", "They talked.");
    static const char *const titles[] = {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov",
        "Lt", "Col", "Sgt", "Capt", "St", "Jr", "Sr", "Rev"};
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        char text[96];
        snprintf(text, sizeof text, "We met %s. Alder at noon.", titles[i]);
        const char *want[] = {text};
        expect_sents(text, want, 1);
    }
}

static void sent_months(void **state) {
    (void)state;
    static const char *const months[] = {
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
        "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"};
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++) {
        char text[96];
        snprintf(text, sizeof text, "The vote is due on %s. 5 in the capital.", months[i]);
        const char *want[] = {text};
        expect_sents(text, want, 1);
    }
    SENTS("It opened in Sept. Then it closed in May. Nobody came.",
          "It opened in Sept. Then it closed in May.", "Nobody came.");
}

static void sent_latin_and_business(void **state) {
    (void)state;
    SENTS("It needs rare metals, e.g. Lithium and cobalt.",
          "It needs rare metals, e.g. Lithium and cobalt.");
    SENTS("It needs one metal, i.e. Lithium. Prices rose.",
          "It needs one metal, i.e. Lithium.", "Prices rose.");
    SENTS("They sold cars, bikes, etc. Sales rose.", "They sold cars, bikes, etc. Sales rose.");
    SENTS("France vs. Germany ended in a draw.", "France vs. Germany ended in a draw.");
    SENTS("He lives at No. 10 on the square.", "He lives at No. 10 on the square.");
    SENTS("See Nos. 4 and 5 below.", "See Nos. 4 and 5 below.");
    SENTS("Acme Inc. And Beta Ltd. Signed with Gamma Co. And Delta Corp. Today.",
          "Acme Inc. And Beta Ltd. Signed with Gamma Co. And Delta Corp. Today.");
}

static void sent_abbrev_case_matters(void **state) {
    (void)state;
    /* "no." is the word no, not the abbreviation No. */
    SENTS("She said no. Then she left.", "She said no.", "Then she left.");
    SENTS("It was a big Mrx. Then it ended.", "It was a big Mrx.", "Then it ended.");
}

static void sent_initialisms(void **state) {
    (void)state;
    SENTS("U.S. President Donald Trump spoke. He then left.",
          "U.S. President Donald Trump spoke.", "He then left.");
    SENTS("The U.N. Security Council met. The U.K. Government and the E.U. Commission agreed.",
          "The U.N. Security Council met.",
          "The U.K. Government and the E.U. Commission agreed.");
}

static void sent_single_initials(void **state) {
    (void)state;
    SENTS("J. Smith and A. B. Jones wrote it. It sold well.",
          "J. Smith and A. B. Jones wrote it.", "It sold well.");
}

static void sent_apostrophe_s_is_no_initial(void **state) {
    (void)state;
    /* The "s" after an apostrophe is not a single initial. */
    SENTS("The car was Anna's. Then it was Tom's.", "The car was Anna's.", "Then it was Tom's.");
    SENTS("The car was Anna\xE2\x80\x99s. Then it was Kyiv\xE2\x80\x99s.",
          "The car was Anna\xE2\x80\x99s.", "Then it was Kyiv\xE2\x80\x99s.");
}

/* ----------------------------------------------- sentences: quotes, numbers */

static void sent_curly_quote_closes(void **state) {
    (void)state;
    SENTS("He said \xE2\x80\x9Cwe won.\xE2\x80\x9D Then it rained.",
          "He said \xE2\x80\x9Cwe won.\xE2\x80\x9D", "Then it rained.");
    SENTS("She wrote \xE2\x80\x98it is over.\xE2\x80\x99 Then she left.",
          "She wrote \xE2\x80\x98it is over.\xE2\x80\x99", "Then she left.");
}

static void sent_ascii_quote_closes(void **state) {
    (void)state;
    SENTS("He said \"we won.\" Then it rained.", "He said \"we won.\"", "Then it rained.");
    SENTS("He said 'we won.' Then it rained.", "He said 'we won.'", "Then it rained.");
}

static void sent_quote_comma_stays(void **state) {
    (void)state;
    SENTS("\"Stop,\" he said.", "\"Stop,\" he said.");
    SENTS("\"Stop!\" he said. She did.", "\"Stop!\" he said.", "She did.");
    SENTS("\xE2\x80\x9CWhy?\xE2\x80\x9D she asked.", "\xE2\x80\x9CWhy?\xE2\x80\x9D she asked.");
}

static void sent_opening_quote_starts(void **state) {
    (void)state;
    SENTS("She left. \xE2\x80\x9CWe won,\xE2\x80\x9D he said.",
          "She left.", "\xE2\x80\x9CWe won,\xE2\x80\x9D he said.");
    SENTS("She left. \"We won,\" he said.", "She left.", "\"We won,\" he said.");
    SENTS("She left. 'We won,' he said.", "She left.", "'We won,' he said.");
}

static void sent_brackets(void **state) {
    (void)state;
    SENTS("(It was late.) Nobody came.", "(It was late.)", "Nobody came.");
    SENTS("He left. (Nobody saw him.) The end.", "He left.", "(Nobody saw him.)", "The end.");
    SENTS("He said (\xE2\x80\x9Cgo.\xE2\x80\x9D) Then he went.",
          "He said (\xE2\x80\x9Cgo.\xE2\x80\x9D)", "Then he went.");
}

static void sent_numbers(void **state) {
    (void)state;
    SENTS("It cost 1,000.5 dollars and rose 3.5 percent.",
          "It cost 1,000.5 dollars and rose 3.5 percent.");
    SENTS("Sales were flat in 2022. China then bought more.",
          "Sales were flat in 2022.", "China then bought more.");
    SENTS("Sales fell in 2021. 2022 was better.", "Sales fell in 2021.", "2022 was better.");
}

static void sent_ellipsis(void **state) {
    (void)state;
    SENTS("He waited... Then he left.", "He waited...", "Then he left.");
    SENTS("He waited\xE2\x80\xA6 Then he left.", "He waited\xE2\x80\xA6", "Then he left.");
    SENTS("He waited... and then left.", "He waited... and then left.");
    SENTS("It was... odd. Yes.", "It was... odd.", "Yes.");
}

static void sent_ellipsis_at_every_offset(void **state) {
    (void)state;
    /* Moves U+2026 and "..." over every position of the vector search. */
    for (size_t lead = 0; lead < 40; lead++) {
        char text[128], first[128];
        size_t n = 0;
        for (size_t k = 0; k < lead; k++) text[n++] = 'x';
        if (lead) text[n++] = ' ';
        snprintf(first, sizeof first, "%.*swaited\xE2\x80\xA6", (int)n, text);
        snprintf(text + n, sizeof text - n, "waited\xE2\x80\xA6 Then he left... Then more.");
        const char *want[] = {first, "Then he left...", "Then more."};
        expect_sents(text, want, 3);
    }
}

static void sent_dashes_and_curly_not_terminators(void **state) {
    (void)state;
    /* 0xE2 lead bytes of dashes and quotes are not sentence ends. */
    SENTS("Rates \xE2\x80\x93 and fees \xE2\x80\x94 rose. Then fell.",
          "Rates \xE2\x80\x93 and fees \xE2\x80\x94 rose.", "Then fell.");
}

/* ---------------------------------------------- sentences: Unicode, ranges */

static void sent_multibyte_letters(void **state) {
    (void)state;
    SENTS("Zelenskyy met M\xC3\xBCller in Kyiv\xE2\x80\x99s centre. They then left.",
          "Zelenskyy met M\xC3\xBCller in Kyiv\xE2\x80\x99s centre.", "They then left.");
    /* An uppercase non-ASCII letter starts a sentence. */
    SENTS("He left. \xC3\x89mile stayed.", "He left.", "\xC3\x89mile stayed.");
    /* A lowercase one does not. */
    SENTS("He left. \xC3\xA9mile stayed.", "He left. \xC3\xA9mile stayed.");
}

static void sent_unicode_spaces(void **state) {
    (void)state;
    SENTS("Prices rose.\xC2\xA0Shares fell.", "Prices rose.", "Shares fell.");
    SENTS("\xC2\xA0Prices rose.\xE2\x80\x89Shares fell.\xC2\xA0",
          "Prices rose.", "Shares fell.");
}

static void sent_range_offsets(void **state) {
    (void)state;
    const char *text = "Skip this. Then this one. And this.\nNot this.";
    size_t end = strchr(text, '\n') - text;
    segmenter sg = {0};
    assert_int_equal(segment_sentences(&sg, text, 11, end), 0);
    static const char *const want[] = {"Then this one.", "And this."};
    check_sents(&sg, 0, text, 11, end, want, 2);
    assert_int_equal(sg.sent[0].start, 11);
    assert_int_equal(sg.sent[0].end, 25);
    assert_int_equal(sg.sent[1].start, 26);
    assert_int_equal(sg.sent[1].end, end);
    segment_free(&sg);
}

static void sent_long_paragraph(void **state) {
    (void)state;
    enum { N = 500 };
    char *text = malloc(N * 64);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < N; i++) {
        if (i) text[len++] = ' ';
        len += (size_t)sprintf(text + len, "Item %d cost 1,%03d.5 dollars in the U.S. today.", i, i);
    }
    segmenter sg = {0};
    assert_int_equal(segment_sentences(&sg, text, 0, len), 0);
    assert_int_equal(sg.n_sent, N);
    for (int i = 0; i < N; i++) {
        char want[96];
        int wl = snprintf(want, sizeof want, "Item %d cost 1,%03d.5 dollars in the U.S. today.", i, i);
        assert_int_equal(sg.sent[i].end - sg.sent[i].start, (size_t)wl);
        assert_memory_equal(text + sg.sent[i].start, want, (size_t)wl);
    }
    assert_true(sg.cap_sent >= N);
    segment_free(&sg);
    free(text);
}

static void sent_append_and_reset(void **state) {
    (void)state;
    const char *a = "First one. Second one.";
    const char *b = "Third one! Fourth one?";
    segmenter sg = {0};
    assert_int_equal(segment_sentences(&sg, a, 0, strlen(a)), 0);
    assert_int_equal(sg.n_sent, 2);
    /* A second call appends. */
    assert_int_equal(segment_sentences(&sg, b, 0, strlen(b)), 0);
    static const char *const wb[] = {"Third one!", "Fourth one?"};
    check_sents(&sg, 2, b, 0, strlen(b), wb, 2);
    /* Reset forgets the spans but keeps the memory. */
    sl_span *mem = sg.sent;
    size_t cap = sg.cap_sent;
    segment_reset(&sg);
    assert_int_equal(sg.n_sent, 0);
    assert_int_equal(sg.n_tok, 0);
    assert_ptr_equal(sg.sent, mem);
    assert_int_equal(sg.cap_sent, cap);
    assert_int_equal(segment_sentences(&sg, b, 0, strlen(b)), 0);
    check_sents(&sg, 0, b, 0, strlen(b), wb, 2);
    assert_ptr_equal(sg.sent, mem);
    segment_free(&sg);
    assert_null(sg.sent);
    assert_int_equal(sg.cap_sent, 0);
    segment_free(&sg); /* twice is fine */
    segment_free(NULL);
}

/* ---------------------------------------------------------------- tokens */

static void tok_empty(void **state) {
    (void)state;
    expect_toks("", "");
    expect_toks(" \t \xC2\xA0\xE3\x80\x80 ", "");
}

static void tok_simple(void **state) {
    (void)state;
    expect_toks("Shares fell, then rose.",
                "W:Shares W:fell P:, W:then W:rose P:.");
}

static void tok_apostrophes(void **state) {
    (void)state;
    expect_toks("China's plan", "W:China's W:plan");
    expect_toks("China\xE2\x80\x99s plan", "W:China\xE2\x80\x99s W:plan");
    expect_toks("Zelenskyy\xE2\x80\x99s visit", "W:Zelenskyy\xE2\x80\x99s W:visit");
    expect_toks("Russia\xE2\x80\x99s", "W:Russia\xE2\x80\x99s");
    expect_toks("don't", "W:don't");
}

static void tok_trailing_apostrophe(void **state) {
    (void)state;
    expect_toks("states\xE2\x80\x99 rights", "W:states P:\xE2\x80\x99 W:rights");
    expect_toks("states' rights", "W:states P:' W:rights");
    expect_toks("the states\xE2\x80\x99.", "W:the W:states P:\xE2\x80\x99 P:.");
    expect_toks("rock 'n' roll", "W:rock P:' W:n P:' W:roll");
}

static void tok_hyphens(void **state) {
    (void)state;
    expect_toks("dual-use goods", "W:dual-use W:goods");
    expect_toks("COVID-19 cases", "W:COVID-19 W:cases");
    expect_toks("a 19-year-old", "W:a W:19-year-old");
    expect_toks("dual\xE2\x80\x90use", "W:dual\xE2\x80\x90use"); /* U+2010 */
    expect_toks("pre- and post-war", "W:pre P:- W:and W:post-war");
    expect_toks("a--b", "W:a P:- P:- W:b");
    expect_toks("-5", "P:- N:5");
}

static void tok_dashes(void **state) {
    (void)state;
    expect_toks("rates \xE2\x80\x93 and fees\xE2\x80\x94rose",
                "W:rates P:\xE2\x80\x93 W:and W:fees P:\xE2\x80\x94 W:rose");
}

static void tok_numbers(void **state) {
    (void)state;
    expect_toks("1,000.5 200 23 2022", "N:1,000.5 N:200 N:23 N:2022");
    expect_toks("in 2022.", "W:in N:2022 P:.");
    expect_toks("1,000, then", "N:1,000 P:, W:then");
    expect_toks("3.5%", "N:3.5 S:%");
    expect_toks("2022-23", "N:2022-23");
    expect_toks("v1.2", "W:v1.2");
    expect_toks("a.5", "W:a P:. N:5");
}

static void tok_digit_words(void **state) {
    (void)state;
    expect_toks("10th 5G 3D", "W:10th W:5G W:3D");
}

static void tok_symbols(void **state) {
    (void)state;
    expect_toks("$200", "S:$ N:200");
    expect_toks("\xC2\xA3" "5 \xE2\x82\xAC" "6", "S:\xC2\xA3 N:5 S:\xE2\x82\xAC N:6");
    expect_toks("& @ # + = < > ^ ~ |", "S:& S:@ S:# S:+ S:= S:< S:> S:^ S:~ S:|");
    expect_toks("\xC2\xA9\xE2\x84\xA2", "S:\xC2\xA9 S:\xE2\x84\xA2"); /* (c) TM */
    expect_toks("$$", "S:$ S:$");
}

static void tok_punct(void **state) {
    (void)state;
    expect_toks("\xE2\x80\x9CWe won,\xE2\x80\x9D he said.",
                "P:\xE2\x80\x9C W:We W:won P:, P:\xE2\x80\x9D W:he W:said P:.");
    expect_toks("\"Stop,\" he said.", "P:\" W:Stop P:, P:\" W:he W:said P:.");
    expect_toks("(a) [b]: c; d/e * f_g", "P:( W:a P:) P:[ W:b P:] P:: W:c P:; W:d P:/ W:e P:* W:f P:_ W:g");
}

static void tok_ellipsis(void **state) {
    (void)state;
    expect_toks("Wait... then", "W:Wait P:... W:then");
    expect_toks("Wait\xE2\x80\xA6 then", "W:Wait P:\xE2\x80\xA6 W:then");
    expect_toks("a.... b", "W:a P:... P:. W:b");
    expect_toks("a.. b", "W:a P:. P:. W:b");
}

static void tok_initialisms(void **state) {
    (void)state;
    expect_toks("U.S. President", "W:U.S. W:President");
    expect_toks("in the U.K.", "W:in W:the W:U.K.");
    expect_toks("e.g. this, i.e. that", "W:e.g. W:this P:, W:i.e. W:that");
    expect_toks("the U.S.A. team", "W:the W:U.S.A. W:team");
    expect_toks("J. Smith", "W:J P:. W:Smith");
    expect_toks("U.S.-led", "W:U.S. P:- W:led");
}

static void tok_multibyte_letters(void **state) {
    (void)state;
    expect_toks("M\xC3\xBCller visited Kyiv\xE2\x80\x99s \xC3\x89lys\xC3\xA9" "e.",
                "W:M\xC3\xBCller W:visited W:Kyiv\xE2\x80\x99s W:\xC3\x89lys\xC3\xA9" "e P:.");
    /* Combining marks (Devanagari) stay inside the word. */
    expect_toks("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80 ok",
                "W:\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80 W:ok");
    /* Cyrillic and Greek letters. */
    expect_toks("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xCE\xB1\xCE\xB2",
                "W:\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 W:\xCE\xB1\xCE\xB2");
    /* Non-ASCII digits make a number. */
    expect_toks("\xD9\xA1\xD9\xA2", "N:\xD9\xA1\xD9\xA2");
}

static void tok_unicode_spaces(void **state) {
    (void)state;
    expect_toks("a\xC2\xA0" "b\xE2\x80\x89" "c\xE3\x80\x80" "d\xE2\x80\xA8" "e",
                "W:a W:b W:c W:d W:e");
    expect_toks("5\xC2\xA0%", "N:5 S:%");
}

static void tok_range_offsets(void **state) {
    (void)state;
    const char *text = "skip Kyiv\xE2\x80\x99s 1,000 $\nnot";
    size_t end = strchr(text, '\n') - text;
    segmenter sg = {0};
    assert_int_equal(segment_tokens(&sg, text, 5, end), 0);
    check_toks(&sg, 0, text, 5, end, "W:Kyiv\xE2\x80\x99s N:1,000 S:$");
    assert_int_equal(sg.tok[0].start, 5);
    assert_int_equal(sg.tok[0].end, 13);
    assert_int_equal(sg.tok[0].kind, SL_TOK_WORD);
    assert_int_equal(sg.tok[1].start, 14);
    assert_int_equal(sg.tok[1].end, 19);
    assert_int_equal(sg.tok[1].kind, SL_TOK_NUMBER);
    assert_int_equal(sg.tok[2].start, 20);
    assert_int_equal(sg.tok[2].end, 21);
    assert_int_equal(sg.tok[2].kind, SL_TOK_SYMBOL);
    /* The range ends inside a word: the word ends there too. */
    segment_reset(&sg);
    assert_int_equal(segment_tokens(&sg, text, 0, 7), 0);
    check_toks(&sg, 0, text, 0, 7, "W:skip W:Ky");
    segment_free(&sg);
}

static void tok_long_paragraph(void **state) {
    (void)state;
    enum { N = 3000 };
    char *text = malloc(N * 32);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < N; i++) len += (size_t)sprintf(text + len, "w%d, %d.5 ", i, i);
    segmenter sg = {0};
    assert_int_equal(segment_tokens(&sg, text, 0, len), 0);
    assert_int_equal(sg.n_tok, 3 * N);
    for (int i = 0; i < N; i++) {
        char w[32], num[32];
        int wl = snprintf(w, sizeof w, "w%d", i);
        int nl = snprintf(num, sizeof num, "%d.5", i);
        const sl_token *t = &sg.tok[3 * i];
        assert_int_equal(t[0].kind, SL_TOK_WORD);
        assert_int_equal(t[0].end - t[0].start, (size_t)wl);
        assert_memory_equal(text + t[0].start, w, (size_t)wl);
        assert_int_equal(t[1].kind, SL_TOK_PUNCT);
        assert_int_equal(t[2].kind, SL_TOK_NUMBER);
        assert_int_equal(t[2].end - t[2].start, (size_t)nl);
        assert_memory_equal(text + t[2].start, num, (size_t)nl);
    }
    segment_free(&sg);
    free(text);
}

/* Pieces with known tokens, for texts long enough to cross block edges. */
static const char *const edge_pieces[][2] = {
    {"China\xE2\x80\x99s", "W:China\xE2\x80\x99s"},
    {"states\xE2\x80\x99", "W:states P:\xE2\x80\x99"},
    {"dual-use", "W:dual-use"},
    {"COVID-19", "W:COVID-19"},
    {"1,000.5", "N:1,000.5"},
    {"2022.", "N:2022 P:."},
    {"U.S.", "W:U.S."},
    {"e.g.", "W:e.g."},
    {"\xE2\x80\x9CStop,\xE2\x80\x9D", "P:\xE2\x80\x9C W:Stop P:, P:\xE2\x80\x9D"},
    {"$200", "S:$ N:200"},
    {"Wait...", "W:Wait P:..."},
    {"then\xE2\x80\xA6", "W:then P:\xE2\x80\xA6"},
    {"M\xC3\xBCller", "W:M\xC3\xBCller"},
    {"Kyiv\xE2\x80\x99s", "W:Kyiv\xE2\x80\x99s"},
    {"10th", "W:10th"},
    {"a\xE2\x80\x94" "b", "W:a P:\xE2\x80\x94 W:b"},
    {"pre-", "W:pre P:-"},
    {"rock'n'roll", "W:rock'n'roll"},
    {"x\xC2\xA0y", "W:x W:y"},
    {"3.5%", "N:3.5 S:%"},
    {"(a)", "P:( W:a P:)"},
    {"2022\xE2\x80\x93" "23", "N:2022 P:\xE2\x80\x93 N:23"},
    {"l\xE2\x80\x99\xC3\xA9t\xC3\xA9", "W:l\xE2\x80\x99\xC3\xA9t\xC3\xA9"},
    {"dual\xE2\x80\x90use", "W:dual\xE2\x80\x90use"},
    {"it's", "W:it's"},
    {"\xE2\x80\x98" "a\xE2\x80\x99", "P:\xE2\x80\x98 W:a P:\xE2\x80\x99"},
    {"5G", "W:5G"},
    {"A.", "W:A P:."},
};

static void tok_block_edges(void **state) {
    (void)state;
    /* A leading word of every length from 0 to 70 bytes shifts each piece
     * over every position of a 64-byte block, and makes tokens longer than
     * a block. */
    for (size_t lead = 0; lead <= 70; lead++) {
        char *text = NULL, *want = NULL;
        size_t tl = 0, tc = 0, wl = 0, wc = 0;
        cat(&text, &tl, &tc, "", 0);
        cat(&want, &wl, &wc, "", 0);
        if (lead) {
            for (size_t k = 0; k < lead; k++) cat(&text, &tl, &tc, "x", 1);
            cat(&want, &wl, &wc, "W:", 2);
            cat(&want, &wl, &wc, text, lead);
        }
        for (int rep = 0; rep < 3; rep++) {
            for (size_t k = 0; k < sizeof edge_pieces / sizeof edge_pieces[0]; k++) {
                if (tl) cat(&text, &tl, &tc, " ", 1);
                if (wl) cat(&want, &wl, &wc, " ", 1);
                cat(&text, &tl, &tc, edge_pieces[k][0], strlen(edge_pieces[k][0]));
                cat(&want, &wl, &wc, edge_pieces[k][1], strlen(edge_pieces[k][1]));
            }
        }
        expect_toks(text, want);
        free(text);
        free(want);
    }
}

static void tok_long_word(void **state) {
    (void)state;
    char text[300];
    memset(text, 'a', 200);
    memcpy(text + 200, "-b c", 5);
    char want[320];
    memcpy(want, "W:", 2);
    memcpy(want + 2, text, 202);
    memcpy(want + 204, " W:c", 5);
    expect_toks(text, want);
}

/* Tokens never cross an ASCII space, so a text must give the same tokens
 * whole as space-separated chunk by chunk - short chunks and long texts go
 * different ways through the block scanner.  Texts are made of pieces in
 * a fixed pseudo-random order. */
static void tok_whole_equals_chunks(void **state) {
    (void)state;
    static const char *const pieces[] = {
        "a", "Z", "word", "Word", "1", "9", ".", ",", "'", "-", " ", " ", " ",
        "...", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x93",
        "\xC3\xA9", "\xC2\xA0", "$", "%", "U.S.", "e.g.", "?", "\xE2\x80\xA6",
        "(", ")", "\"", "1,000.5", "\xE2\x80\x90", "\xE3\x80\x80", "\xE2\x82\xAC",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t rng = 12345;
    segmenter whole = {0}, part = {0};
    for (int it = 0; it < 3000; it++) {
        char text[2048];
        size_t len = 0;
        rng = rng * 1103515245u + 12345u;
        int n = (int)(rng >> 16) % 120;
        for (int k = 0; k < n; k++) {
            rng = rng * 1103515245u + 12345u;
            const char *pc = pieces[(rng >> 16) % np];
            size_t l = strlen(pc);
            if (len + l >= sizeof text) break;
            memcpy(text + len, pc, l);
            len += l;
        }
        segment_reset(&whole);
        segment_reset(&part);
        assert_int_equal(segment_tokens(&whole, text, 0, len), 0);
        for (size_t a = 0; a < len;) {
            size_t b = a;
            while (b < len && text[b] != ' ') b++;
            assert_int_equal(segment_tokens(&part, text, a, b), 0);
            a = b + 1;
        }
        assert_int_equal(whole.n_tok, part.n_tok);
        for (size_t k = 0; k < whole.n_tok; k++) {
            assert_int_equal(whole.tok[k].start, part.tok[k].start);
            assert_int_equal(whole.tok[k].end, part.tok[k].end);
            assert_int_equal(whole.tok[k].kind, part.tok[k].kind);
        }
    }
    segment_free(&whole);
    segment_free(&part);
}

static void tok_and_sent_reuse(void **state) {
    (void)state;
    const char *a = "Mr. Smith won 1,000 votes. He left.";
    const char *b = "U.S. shares rose 2%.";
    segmenter sg = {0};
    assert_int_equal(segment_sentences(&sg, a, 0, strlen(a)), 0);
    assert_int_equal(segment_tokens(&sg, a, 0, strlen(a)), 0);
    static const char *const wa[] = {"Mr. Smith won 1,000 votes.", "He left."};
    check_sents(&sg, 0, a, 0, strlen(a), wa, 2);
    check_toks(&sg, 0, a, 0, strlen(a),
               "W:Mr P:. W:Smith W:won N:1,000 W:votes P:. W:He W:left P:.");
    sl_token *mem = sg.tok;
    segment_reset(&sg);
    assert_int_equal(segment_sentences(&sg, b, 0, strlen(b)), 0);
    assert_int_equal(segment_tokens(&sg, b, 0, strlen(b)), 0);
    static const char *const wb[] = {"U.S. shares rose 2%."};
    check_sents(&sg, 0, b, 0, strlen(b), wb, 1);
    check_toks(&sg, 0, b, 0, strlen(b), "W:U.S. W:shares W:rose N:2 S:% P:.");
    assert_ptr_equal(sg.tok, mem);
    segment_free(&sg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sent_empty),
        cmocka_unit_test(sent_whitespace_only),
        cmocka_unit_test(sent_no_final_punct),
        cmocka_unit_test(sent_simple_split),
        cmocka_unit_test(sent_question_exclamation),
        cmocka_unit_test(sent_trimmed),
        cmocka_unit_test(sent_needs_whitespace),
        cmocka_unit_test(sent_lowercase_does_not_split),
        cmocka_unit_test(sent_titles),
        cmocka_unit_test(sent_months),
        cmocka_unit_test(sent_latin_and_business),
        cmocka_unit_test(sent_abbrev_case_matters),
        cmocka_unit_test(sent_initialisms),
        cmocka_unit_test(sent_single_initials),
        cmocka_unit_test(sent_apostrophe_s_is_no_initial),
        cmocka_unit_test(sent_curly_quote_closes),
        cmocka_unit_test(sent_ascii_quote_closes),
        cmocka_unit_test(sent_quote_comma_stays),
        cmocka_unit_test(sent_opening_quote_starts),
        cmocka_unit_test(sent_brackets),
        cmocka_unit_test(sent_numbers),
        cmocka_unit_test(sent_ellipsis),
        cmocka_unit_test(sent_ellipsis_at_every_offset),
        cmocka_unit_test(sent_dashes_and_curly_not_terminators),
        cmocka_unit_test(sent_multibyte_letters),
        cmocka_unit_test(sent_unicode_spaces),
        cmocka_unit_test(sent_range_offsets),
        cmocka_unit_test(sent_long_paragraph),
        cmocka_unit_test(sent_append_and_reset),
        cmocka_unit_test(tok_empty),
        cmocka_unit_test(tok_simple),
        cmocka_unit_test(tok_apostrophes),
        cmocka_unit_test(tok_trailing_apostrophe),
        cmocka_unit_test(tok_hyphens),
        cmocka_unit_test(tok_dashes),
        cmocka_unit_test(tok_numbers),
        cmocka_unit_test(tok_digit_words),
        cmocka_unit_test(tok_symbols),
        cmocka_unit_test(tok_punct),
        cmocka_unit_test(tok_ellipsis),
        cmocka_unit_test(tok_initialisms),
        cmocka_unit_test(tok_multibyte_letters),
        cmocka_unit_test(tok_unicode_spaces),
        cmocka_unit_test(tok_range_offsets),
        cmocka_unit_test(tok_long_paragraph),
        cmocka_unit_test(tok_block_edges),
        cmocka_unit_test(tok_long_word),
        cmocka_unit_test(tok_whole_equals_chunks),
        cmocka_unit_test(tok_and_sent_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
