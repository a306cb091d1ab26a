/*
 * test_text.c - UTF-8 validation, NFC, the matching form and its hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

static void check_ok(const char *s, size_t n) {
    size_t bad = 12345;
    assert_int_equal(utf8_check(s, n, &bad), UTF8_OK);
}

static void check_bad(const char *s, size_t n, int what, size_t at) {
    size_t bad = 12345;
    assert_int_equal(utf8_check(s, n, &bad), what);
    assert_int_equal(bad, at);
}

static void utf8_valid(void **state) {
    (void)state;
    check_ok("", 0);
    check_ok("plain ascii text that is longer than one word", 45);
    check_ok("Kyiv\xE2\x80\x99s caf\xC3\xA9 \xF0\x9F\x93\xB0", 19);
    check_ok("\xF4\x8F\xBF\xBF", 4); /* U+10FFFF */
}

static void utf8_invalid(void **state) {
    (void)state;
    check_bad("abc\x80", 4, UTF8_INVALID, 3);              /* stray continuation */
    check_bad("\xC0\x80", 2, UTF8_INVALID, 0);             /* overlong NUL */
    check_bad("ab\xE0\x80\x80", 5, UTF8_INVALID, 2);       /* overlong */
    check_bad("\xED\xA0\x80", 3, UTF8_INVALID, 0);         /* surrogate */
    check_bad("x\xF4\x90\x80\x80", 5, UTF8_INVALID, 1);    /* past U+10FFFF */
    check_bad("abcdefgh\xC3", 9, UTF8_INVALID, 8);         /* truncated at the end */
    check_bad("caf\xC3(", 5, UTF8_INVALID, 3);             /* bad continuation */
    check_bad("\xFF", 1, UTF8_INVALID, 0);
}

static void utf8_nul_exact_offset(void **state) {
    (void)state;
    /* the word-at-a-time path must still find the exact byte */
    char s[40];
    memset(s, 'a', sizeof s);
    s[19] = '\0';
    check_bad(s, sizeof s, UTF8_NUL, 19);
    s[19] = 'a';
    s[0] = '\0';
    check_bad(s, sizeof s, UTF8_NUL, 0);
}

static norm_nfc_table table;

/* Might s change under NFC?  (s is valid UTF-8.) */
static int needs_nfc(const char *s, size_t n) {
    size_t bad;
    int nfc = -1;
    assert_int_equal(norm_check(&table, s, n, &bad, &nfc), UTF8_OK);
    return nfc;
}

/* The same, one code point at a time: the reference for norm_check. */
static int any_sensitive(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += utf8_decode((const unsigned char *)s + i, &cp);
        if (norm_nfc_sensitive(&table, cp)) return 1;
    }
    return 0;
}

static void nfc(void **state) {
    (void)state;
    assert_false(needs_nfc("plain", 5));
    /* curly quotes, dashes and precomposed letters never change under NFC:
     * the fast path */
    assert_false(needs_nfc("\xE2\x80\x9CHi\xE2\x80\x9D \xE2\x80\x94 x", 12));
    assert_false(needs_nfc("Caf\xC3\xA9 M\xC3\xBCller", 13));
    const char *decomposed = "Cafe\xCC\x81"; /* e + combining acute */
    assert_true(needs_nfc(decomposed, strlen(decomposed)));
    /* a singleton decomposition: ANGSTROM SIGN becomes A with ring */
    assert_true(needs_nfc("\xE2\x84\xAB", 3));
    /* a composition whose second part is not a combining mark (Oriya) */
    assert_true(needs_nfc("\xE0\xAD\x87\xE0\xAC\xBE", 6));
    buf b = {0};
    assert_int_equal(norm_nfc(decomposed, strlen(decomposed), &b), BUF_OK);
    assert_string_equal(b.p, "Caf\xC3\xA9");
    buf_free(&b);
}

/* Every code point the quick check lets through is unchanged by NFC. */
static void nfc_quick_check_is_exact_alone(void **state) {
    (void)state;
    size_t wrong = 0;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if ((cp >= 0xD800 && cp <= 0xDFFF) || norm_nfc_sensitive(&table, cp)) continue;
        char in[4];
        size_t n = utf8_encode(cp, in);
        buf b = {0};
        assert_int_equal(norm_nfc(in, n, &b), BUF_OK);
        if (b.len != n || memcmp(b.p, in, n) != 0) wrong++;
        buf_free(&b);
    }
    assert_int_equal(wrong, 0);
}

static void match_form_fast_path_edges(void **state) {
    (void)state;
    /* runs of ASCII that straddle the 8-byte words: doubled spaces, tabs,
     * capitals, DEL and spaces at word edges must all come out the same as
     * byte by byte */
    const char *cases[][2] = {
        {"Abcdefgh Ijklmnop", "abcdefgh ijklmnop"},
        {"abcdefg  hijklmno  pq", "abcdefg hijklmno pq"},
        {"abcdefgh\tIJKLMNOP\n", "abcdefgh ijklmnop"},
        {"x       y", "x y"},
        {"abcdefgh ", "abcdefgh"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{", "abcdefghijklmnopqrstuvwxyz@[`{"},
        {"abcdefg\x7fhijk", "abcdefg\x7fhijk"},
        {"a b c d e f g h i j", "a b c d e f g h i j"},
        /* invisible format characters vanish, an ellipsis is three dots */
        {"wo\xC2\xADrd and\xE2\x80\x8B more\xEF\xBB\xBF text\xE2\x80\xA6", "word and more text..."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf b = {0};
        assert_int_equal(norm_match_form(cases[i][0], strlen(cases[i][0]), &b), BUF_OK);
        assert_string_equal(b.p ? b.p : "", cases[i][1]);
        buf_free(&b);
    }
}

/* The matching form one character at a time, the obvious way: the
 * reference the word-at-a-time code must agree with. */
static void reference_form(const char *in, size_t n, buf *out) {
    int pending = 0, started = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += utf8_decode((const unsigned char *)in + i, &cp);
        int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
                    cp == '\f' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A);
        if (space) { pending = started; continue; }
        if (pending) buf_putc(out, ' ');
        pending = 0;
        started = 1;
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        else if (cp == 0x2019 || cp == 0x2018) cp = '\'';
        else if (cp == 0x201C || cp == 0x201D) cp = '"';
        else if (cp == 0x2014 || cp == 0x2013) cp = '-';
        else if (cp == 0xC9) cp = 0xE9; /* the only other capital in the alphabet */
        char enc[4];
        buf_put(out, enc, utf8_encode(cp, enc));
    }
}

static void agree_on_random_texts(const char *const *alphabet, size_t na, unsigned seed) {
    for (int round = 0; round < 20000; round++) {
        char in[400];
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        size_t want = (seed >> 16) % 90;
        for (size_t j = 0; j < want; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = alphabet[(seed >> 16) % na];
            memcpy(in + n, piece, strlen(piece));
            n += strlen(piece);
        }
        buf got = {0}, exp = {0};
        assert_int_equal(norm_match_form(in, n, &got), BUF_OK);
        reference_form(in, n, &exp);
        if (got.len != exp.len || (got.len && memcmp(got.p, exp.p, got.len) != 0)) {
            print_error("round %d: input '%.*s' gave '%s', expected '%s'\n", round, (int)n, in,
                        got.p ? got.p : "", exp.p ? exp.p : "");
            fail();
        }
        buf_free(&got);
        buf_free(&exp);
    }
}

static void match_form_agrees_with_reference(void **state) {
    (void)state;
    /* every kind of character the fast paths must hand to the byte loop */
    static const char *const mixed[] = {"a", "b", "Z", "Q", " ", " ", " ", "\t", "\n",
                                        ".", ",", "7", "\x7f", "\xE2\x80\x99",
                                        "\xE2\x80\x9C", "\xE2\x80\x94", "\xC3\x89",
                                        "\xC2\xA0", "~", "@"};
    agree_on_random_texts(mixed, sizeof mixed / sizeof *mixed, 12345);
    /* mostly plain ASCII, so that 8- and 16-byte runs take the fast paths */
    static const char *const plain[] = {"a", "b", "Z", "Q", "e", "r", "t", "o", "Ab", "s ",
                                        " ", ".", ",", "xyz", "HELLO", "\n", "  ",
                                        "\xE2\x80\x99"};
    agree_on_random_texts(plain, sizeof plain / sizeof *plain, 777);
}

/* The fused check agrees with the two separate passes it replaces. */
static void check_agrees_with_separate_passes(void **state) {
    (void)state;
    static const char *const inputs[] = {
        "plain", "Caf\xC3\xA9", "Cafe\xCC\x81", "ab\xFF", "abcdefgh\xC3", "x\xED\xA0\x80",
        "\xE2\x84\xAB ok", "\xE2\x80\x9Cquoted\xE2\x80\x9D", "",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        size_t n = strlen(inputs[i]), bad1 = 99, bad2 = 99;
        int nfc = -1;
        int u1 = utf8_check(inputs[i], n, &bad1);
        int u2 = norm_check(&table, inputs[i], n, &bad2, &nfc);
        assert_int_equal(u1, u2);
        if (u1 == UTF8_OK) assert_int_equal(nfc, any_sensitive(inputs[i], n));
        else assert_int_equal(bad1, bad2);
    }
    size_t bad;
    int nfc;
    assert_int_equal(norm_check(&table, "abc\0def", 7, &bad, &nfc), UTF8_NUL);
    assert_int_equal(bad, 3);
}

static void match_form(void **state) {
    (void)state;
    const char *in = "  The PORT\xE2\x80\x99s \t \xE2\x80\x9CSafe\xE2\x80\x9D \xE2\x80\x94 Stra\xC3\x9F" "e\n\nNEXT\xC2\xA0line  ";
    buf b = {0};
    assert_int_equal(norm_match_form(in, strlen(in), &b), BUF_OK);
    assert_string_equal(b.p, "the port's \"safe\" - strasse next line");
    buf_free(&b);
}

static void match_hash(void **state) {
    (void)state;
    unsigned char a[16], b[16], c[16];
    const char *x = "The ferry \xE2\x80\x9C" "Aster\xE2\x80\x9D sank.";
    const char *y = "the  FERRY \"aster\"\nsank.";
    const char *z = "the ferry \"aster\" floated.";
    norm_match_hash(x, strlen(x), a);
    norm_match_hash(y, strlen(y), b);
    norm_match_hash(z, strlen(z), c);
    assert_memory_equal(a, b, 16);
    assert_memory_not_equal(a, c, 16);
    /* the streaming hash equals the hash of the built form */
    buf f = {0};
    norm_match_form(x, strlen(x), &f);
    norm_match_hash(f.p, f.len, c);
    assert_memory_equal(a, c, 16);
    buf_free(&f);
}

static void match_hash_long_text(void **state) {
    (void)state;
    /* longer than the 4 KiB chunk, with multibyte characters across it */
    char big[10000];
    for (size_t i = 0; i + 3 <= sizeof big; i += 3) memcpy(big + i, "\xC3\x89" "a", 3);
    size_t n = sizeof big - sizeof big % 3;
    buf f = {0};
    assert_int_equal(norm_match_form(big, n, &f), BUF_OK);
    assert_int_equal(f.len, n);
    assert_memory_equal(f.p, "\xC3\xA9" "a", 3); /* É folded to é */
    unsigned char h1[16], h2[16];
    norm_match_hash(big, n, h1);
    norm_match_hash(f.p, f.len, h2);
    assert_memory_equal(h1, h2, 16);
    buf_free(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_valid),  cmocka_unit_test(utf8_invalid),
        cmocka_unit_test(utf8_nul_exact_offset), cmocka_unit_test(nfc),
        cmocka_unit_test(match_form),  cmocka_unit_test(match_hash),
        cmocka_unit_test(match_hash_long_text),
        cmocka_unit_test(nfc_quick_check_is_exact_alone),
        cmocka_unit_test(match_form_fast_path_edges),
        cmocka_unit_test(match_form_agrees_with_reference),
        cmocka_unit_test(check_agrees_with_separate_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
