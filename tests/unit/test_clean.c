/*
 * test_clean.c - the cleaning stage on texts we wrote for the purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "clean.h"

extern const char sl_data_boilerplate_rules[];
extern const unsigned long sl_data_boilerplate_rules_len;

typedef struct fix {
    rules *r;
    cleaner c;
    char err[256];
} fix;

static int setup(void **state) {
    fix *f = calloc(1, sizeof *f);
    f->r = rules_parse(sl_data_boilerplate_rules, sl_data_boilerplate_rules_len,
                       "boilerplate.rules", f->err, sizeof f->err);
    *state = f;
    return f->r ? 0 : -1;
}

static int teardown(void **state) {
    fix *f = *state;
    clean_free(&f->c);
    rules_free(f->r);
    free(f);
    return 0;
}

static sl_status run(fix *f, const char *text, const char *title) {
    return clean_run(&f->c, f->r, text, strlen(text), title, f->err, sizeof f->err);
}

/* Paragraph i of the clean text as a C string (static buffer). */
static const char *para(fix *f, size_t i) {
    static char out[1024];
    assert_true(i < f->c.n_para);
    snprintf(out, sizeof out, "%.*s", (int)(f->c.para[i].end - f->c.para[i].start),
             f->c.text.p + f->c.para[i].start);
    return out;
}

static const char A[] = "The river ferry Aster ran aground near the harbour mouth on Tuesday.";
static const char B[] = "Forty passengers were taken off by lifeboat, the coastguard said.";
static const char C[] = "Engineers will inspect the hull once the tide turns tonight.";

static void repeated_block_is_stored_once(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "%s\n%s\n%s\n%s\n%s\n%s\n", A, B, C, A, B, C);
    assert_int_equal(run(f, text, "Ferry aground"), SL_OK);
    assert_int_equal(f->c.n_para, 3);
    assert_string_equal(para(f, 0), A);
    assert_string_equal(para(f, 2), C);
    assert_int_equal(f->c.n_rem, 3);
    for (size_t i = 0; i < 3; i++) assert_string_equal(f->c.rem[i].reason, "repeated-paragraph");
    assert_string_equal(f->c.rem[0].note, "same as paragraph 1");
    assert_string_equal(f->c.rem[2].note, "same as paragraph 3");
    assert_string_equal(f->c.removed.p + f->c.rem[1].off, B);
}

static void short_repeats_are_kept(void **state) {
    fix *f = *state;
    char text[512];
    snprintf(text, sizeof text, "%s\nYes.\n%s\nYes.\n", A, B);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 4);
    assert_int_equal(f->c.n_rem, 0);
}

static void read_more_list_is_removed(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text,
             "%s\n%s\nRead more:\n- Harbour master resigns\n- Ferry fares to rise in spring\n", A, B);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 2);
    assert_int_equal(f->c.n_rem, 3);
    assert_string_equal(f->c.rem[0].reason, "read-more");
    assert_string_equal(f->c.removed.p + f->c.rem[0].off, "Read more:");
    assert_string_equal(f->c.removed.p + f->c.rem[2].off, "- Ferry fares to rise in spring");
    assert_non_null(strstr(f->c.rem[0].detail, "boilerplate.rules:"));
}

static void block_stops_at_real_paragraph(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "%s\nRelated\n- Other story\n%s\n", A, C);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 2);
    assert_string_equal(para(f, 1), C);
}

static void prompts_and_copyright_are_removed(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text,
             "%s\nShare this article\n%s\nSubscribe to our newsletter for daily updates\n%s\n"
             "\xC2\xA9 2026 Harbour Gazette. All rights reserved.\n", A, B, C);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 3);
    assert_int_equal(f->c.n_rem, 3);
    assert_string_equal(f->c.rem[0].reason, "share-prompt");
    assert_string_equal(f->c.rem[1].reason, "subscribe-prompt");
    assert_string_equal(f->c.rem[2].reason, "copyright");
}

static void headline_first_line_becomes_title(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "Ferry runs aground at harbour mouth\n%s\n%s\n", A, B);
    assert_int_equal(run(f, text, NULL), SL_OK);
    assert_int_equal(f->c.title_len, strlen("Ferry runs aground at harbour mouth"));
    assert_memory_equal(f->c.title_p, "Ferry runs aground at harbour mouth", f->c.title_len);
    assert_int_equal(f->c.n_para, 2); /* the headline is not also body text */
    assert_string_equal(para(f, 0), A);
    assert_string_equal(f->c.notes[0], "title: the first line, which reads as a headline");
    /* a short one-sentence line ending in a period still reads as a headline */
    snprintf(text, sizeof text, "Harbour reopens after the storm.\n%s\n", A);
    assert_int_equal(run(f, text, NULL), SL_OK);
    assert_int_equal(f->c.n_para, 1);
}

static void lead_paragraph_is_title_and_stays(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "%s %s\n%s\n", A, B, C); /* two sentences: a lead */
    assert_int_equal(run(f, text, NULL), SL_OK);
    assert_int_equal(f->c.n_para, 2);
    assert_int_equal(f->c.title_len, strlen(A) + 1 + strlen(B));
    assert_string_equal(f->c.notes[0], "title: the first paragraph (no headline line)");
    /* a single line is never split into title and nothing */
    assert_int_equal(run(f, "Short line alone", NULL), SL_OK);
    assert_int_equal(f->c.n_para, 1);
}

static void given_title_repeated_in_text_is_dropped(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "Ferry \xE2\x80\x9C" "Aster\xE2\x80\x9D runs aground\n%s\n", A);
    assert_int_equal(run(f, text, "Ferry \"Aster\" Runs Aground"), SL_OK);
    assert_int_equal(f->c.n_para, 1);
    assert_string_equal(f->c.rem[0].reason, "title-repeated");
}

static void headings_and_list_items_are_marked(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text,
             "%s\nWhat Happens Next\n%s\nThe council listed three steps:\n"
             "- Close the slipway.\n- Survey the channel.\n2) Reopen by Friday.\n%s\n", A, B, C);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 8);
    assert_int_equal(f->c.para[0].kind, SL_PARA_BODY);
    assert_int_equal(f->c.para[1].kind, SL_PARA_HEADING);
    assert_int_equal(f->c.para[3].kind, SL_PARA_BODY); /* ends in a colon */
    assert_int_equal(f->c.para[4].kind, SL_PARA_LIST);
    assert_int_equal(f->c.para[6].kind, SL_PARA_LIST);
    assert_int_equal(f->c.para[7].kind, SL_PARA_BODY);
    /* sentences never run across paragraphs: each list item is its own */
    assert_true(f->c.n_sentences >= 8);
}

static void bom_crlf_and_spaces(void **state) {
    fix *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "\xEF\xBB\xBF  %s  \r\n\r\n\t%s\xC2\xA0\r\n", A, B);
    assert_int_equal(run(f, text, "t"), SL_OK);
    assert_int_equal(f->c.n_para, 2);
    assert_string_equal(para(f, 0), A);
    assert_string_equal(para(f, 1), B);
    assert_string_equal(f->c.rem[0].reason, "bom");
}

static void invalid_utf8_names_the_byte(void **state) {
    fix *f = *state;
    assert_int_equal(run(f, "Good start\nthen \xC3(", "t"), SL_EUTF8);
    assert_string_equal(f->err, "invalid UTF-8 at byte 16 of the text");
    /* after a BOM, offsets still count from the start of the input */
    assert_int_equal(run(f, "\xEF\xBB\xBF" "ab\xFF", "t"), SL_EUTF8);
    assert_string_equal(f->err, "invalid UTF-8 at byte 5 of the text");
    const char nul[] = "abc\0def";
    assert_int_equal(clean_run(&f->c, f->r, nul, 7, "t", f->err, sizeof f->err), SL_EUTF8);
    assert_string_equal(f->err, "NUL byte at byte 3 of the text");
}

static void empty_text(void **state) {
    fix *f = *state;
    assert_int_equal(run(f, " \n\t\n", "t"), SL_EEMPTY);
    assert_int_equal(run(f, "Share this article\n", "t"), SL_EEMPTY);
    assert_string_equal(f->err, "no text left after cleaning");
}

static void nfc_is_applied_and_noted(void **state) {
    fix *f = *state;
    assert_int_equal(run(f, "The cafe\xCC\x81 reopened.", "t"), SL_OK);
    assert_string_equal(para(f, 0), "The caf\xC3\xA9 reopened.");
    assert_string_equal(f->c.notes[0], "unicode: normalised to NFC");
}

static void hash_ignores_case_quotes_space(void **state) {
    fix *f = *state;
    unsigned char h1[16];
    assert_int_equal(run(f, "He said \xE2\x80\x9Cgo\xE2\x80\x9D \xE2\x80\x94 now.", "t"), SL_OK);
    memcpy(h1, f->c.hash, 16);
    assert_int_equal(run(f, "he  said \"GO\" - now.", "t"), SL_OK);
    assert_memory_equal(h1, f->c.hash, 16);
    assert_int_equal(run(f, "he said \"GO\" - later.", "t"), SL_OK);
    assert_memory_not_equal(h1, f->c.hash, 16);
}

/* The hash comes from the paragraphs' matching forms, made once; it must
 * be the hash of the clean text's own matching form (what the store
 * compares), also when a paragraph's form is empty (only invisible
 * characters), starts with an invisible character before a space, or has
 * spaces the trimming leaves inside. */
static void hash_from_forms_is_hash_of_text(void **state) {
    fix *f = *state;
    const char *texts[] = {
        "Plain text.\nSecond paragraph here.",
        "a\xc2\xad b\n\xc2\xad\xc2\xad\nnext \xe2\x80\x9cquoted\xe2\x80\x9d line\nend",
        "\xc2\xad x leads with a soft hyphen\nTAIL\xc2\xad",
        "one\xe2\x80\x83\xe2\x80\x83two \xc2\xa0 three\n\xe2\x80\x8d" "four",
        "\xc3\x89t\xc3\xa9 \xe2\x80\x94 caf\xc3\xa9\n\xc3\x9fstra\xc3\x9f" "e\n\xe2\x80\xa6",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        assert_int_equal(run(f, texts[i], "A title"), SL_OK);
        unsigned char want[16];
        norm_match_hash(f->c.text.p, f->c.text.len, want);
        assert_memory_equal(f->c.hash, want, 16);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeated_block_is_stored_once),
        cmocka_unit_test(short_repeats_are_kept),
        cmocka_unit_test(read_more_list_is_removed),
        cmocka_unit_test(block_stops_at_real_paragraph),
        cmocka_unit_test(prompts_and_copyright_are_removed),
        cmocka_unit_test(headline_first_line_becomes_title),
        cmocka_unit_test(lead_paragraph_is_title_and_stays),
        cmocka_unit_test(given_title_repeated_in_text_is_dropped),
        cmocka_unit_test(headings_and_list_items_are_marked),
        cmocka_unit_test(bom_crlf_and_spaces),
        cmocka_unit_test(invalid_utf8_names_the_byte),
        cmocka_unit_test(empty_text),
        cmocka_unit_test(nfc_is_applied_and_noted),
        cmocka_unit_test(hash_ignores_case_quotes_space),
        cmocka_unit_test(hash_from_forms_is_hash_of_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
