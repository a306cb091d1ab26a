/*
 * test_jsonl.c - unit tests of the JSONL line parser (src/jsonl.c).
 *
 * Every test states exact values: the unescaped bytes and their lengths,
 * the verbatim text of extra, and for each class of error the message and
 * the byte offset, since the reader shows both to the user.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

/* Parse line (up to its NUL) with a fresh parser; it must succeed. */
static void parse_ok(jsonl_parser *p, const char *line, jsonl_record *r) {
    int rc = jsonl_parse(p, line, strlen(line), r);
    if (rc != 0) print_error("unexpected error \"%s\" at %zu in %s\n", p->err, p->err_off, line);
    assert_int_equal(rc, 0);
    assert_string_equal(p->err, "");
}

/* The value of field f must be exactly the n bytes of want. */
static void assert_field(const jsonl_record *r, int f, const char *want, size_t n) {
    assert_non_null(r->val[f]);
    assert_int_equal(r->len[f], n);
    assert_memory_equal(r->val[f], want, n);
    assert_int_equal(r->val[f][n], '\0');
}

static void assert_field_str(const jsonl_record *r, int f, const char *want) {
    assert_field(r, f, want, strlen(want));
}

static void assert_absent(const jsonl_record *r, int f) {
    assert_null(r->val[f]);
    assert_int_equal(r->len[f], 0);
}

static void assert_extra(const jsonl_record *r, const char *want) {
    if (!want) {
        assert_null(r->extra);
        assert_int_equal(r->extra_len, 0);
        return;
    }
    assert_non_null(r->extra);
    assert_string_equal(r->extra, want);
    assert_int_equal(r->extra_len, strlen(want));
}

/* line[0, len) must fail with exactly err at offset off, and leave the
 * record empty. */
static void expect_error_n(const char *line, size_t len, const char *err, size_t off) {
    jsonl_parser p = {0};
    jsonl_record r;
    memset(&r, 0xA5, sizeof r);
    int rc = jsonl_parse(&p, line, len, &r);
    if (rc != -1 || strcmp(p.err, err) != 0 || p.err_off != off)
        print_error("line %s: got rc %d \"%s\" at %zu, want \"%s\" at %zu\n",
                    line, rc, p.err, p.err_off, err, off);
    assert_int_equal(rc, -1);
    assert_string_equal(p.err, err);
    assert_int_equal(p.err_off, off);
    for (int f = 0; f < JSONL_NFIELDS; f++) assert_null(r.val[f]);
    assert_null(r.extra);
    jsonl_free(&p);
}

static void expect_error(const char *line, const char *err, size_t off) {
    expect_error_n(line, strlen(line), err, off);
}

/* ---- known fields ------------------------------------------------------ */

static void test_all_fields(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p,
             "{\"id\":\"a1\",\"source\":\"www.example.com\","
             "\"url\":\"https://x.example/a?b=1\",\"date\":\"2005-01-02\","
             "\"title\":\"Ad sales\",\"text\":\"Body text.\"}",
             &r);
    assert_field_str(&r, JSONL_ID, "a1");
    assert_field_str(&r, JSONL_SOURCE, "www.example.com");
    assert_field_str(&r, JSONL_URL, "https://x.example/a?b=1");
    assert_field_str(&r, JSONL_DATE, "2005-01-02");
    assert_field_str(&r, JSONL_TITLE, "Ad sales");
    assert_field_str(&r, JSONL_TEXT, "Body text.");
    assert_extra(&r, NULL);
    jsonl_free(&p);
}

static void test_fields_in_any_order(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"t\",\"date\":\"d\",\"id\":\"i\"}", &r);
    assert_field_str(&r, JSONL_ID, "i");
    assert_field_str(&r, JSONL_DATE, "d");
    assert_field_str(&r, JSONL_TEXT, "t");
    assert_absent(&r, JSONL_SOURCE);
    jsonl_free(&p);
}

static void test_missing_fields(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"only\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "only");
    for (int f = 0; f < JSONL_NFIELDS; f++)
        if (f != JSONL_TEXT) assert_absent(&r, f);
    assert_extra(&r, NULL);
    jsonl_free(&p);
}

static void test_empty_object(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{}", &r);
    for (int f = 0; f < JSONL_NFIELDS; f++) assert_absent(&r, f);
    assert_extra(&r, NULL);
    parse_ok(&p, " { \t } ", &r);
    assert_extra(&r, NULL);
    jsonl_free(&p);
}

static void test_empty_string_value(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"title\":\"\",\"text\":\"x\"}", &r);
    assert_field(&r, JSONL_TITLE, "", 0);
    assert_field_str(&r, JSONL_TEXT, "x");
    jsonl_free(&p);
}

static void test_null_is_absent(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"id\":null,\"title\": null ,\"date\":null,\"text\":\"x\"}", &r);
    assert_absent(&r, JSONL_ID);
    assert_absent(&r, JSONL_TITLE);
    assert_absent(&r, JSONL_DATE);
    assert_field_str(&r, JSONL_TEXT, "x");
    assert_extra(&r, NULL);
    jsonl_free(&p);
}

static void test_numeric_id(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"id\":12345,\"text\":\"x\"}", &r);
    assert_field_str(&r, JSONL_ID, "12345");
    parse_ok(&p, "{\"id\": -1.5E+3 }", &r);
    assert_field_str(&r, JSONL_ID, "-1.5E+3");
    parse_ok(&p, "{\"id\":0}", &r);
    assert_field_str(&r, JSONL_ID, "0");
    jsonl_free(&p);
}

static void test_key_match_is_exact(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"Text\":\"a\",\"text \":\"b\",\"tex\":\"c\",\"texts\":\"d\"}", &r);
    assert_absent(&r, JSONL_TEXT);
    assert_extra(&r, "{\"Text\":\"a\",\"text \":\"b\",\"tex\":\"c\",\"texts\":\"d\"}");
    jsonl_free(&p);
}

static void test_escaped_key_is_known(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"t\\u0065xt\":\"x\",\"\\u0069d\":\"7\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "x");
    assert_field_str(&r, JSONL_ID, "7");
    assert_extra(&r, NULL);
    jsonl_free(&p);
}

/* ---- strings ------------------------------------------------------------ */

static void test_simple_escapes(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "a\"b\\c/d\be\ff\ng\rh\ti");
    parse_ok(&p, "{\"text\":\"\\n\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "\n");
    jsonl_free(&p);
}

static void test_unicode_escapes(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"caf\\u00e9\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "caf\xc3\xa9");
    parse_ok(&p, "{\"text\":\"\\u0041\\u00E9\\u20ac\\uFFFF\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf");
    parse_ok(&p, "{\"text\":\"\\u007f\\u0080\\u07ff\\u0800\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80");
    jsonl_free(&p);
}

static void test_surrogate_pairs(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"x\\ud83d\\ude00y\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "x\xf0\x9f\x98\x80y");
    parse_ok(&p, "{\"text\":\"\\uD800\\uDC00\\uDBFF\\uDFFF\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
    jsonl_free(&p);
}

static void test_escaped_nul(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"text\":\"a\\u0000b\",\"title\":\"\\u0000\"}", &r);
    assert_field(&r, JSONL_TEXT, "a\0b", 3);
    assert_field(&r, JSONL_TITLE, "\0", 1);
    jsonl_free(&p);
}

static void test_raw_utf8_copied(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    /* Bytes >= 0x80 whose low seven bits are '"' (0xA2), '\\' (0xDC) or a
     * control (0x80-0x9F) must not end a plain run. */
    const char *text = "\xc2\xa2 \xdc\x80 \xc3\x9c caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    char line[128];
    snprintf(line, sizeof line, "{\"text\":\"%s\"}", text);
    parse_ok(&p, line, &r);
    assert_field_str(&r, JSONL_TEXT, text);
    jsonl_free(&p);
}

/* An escape or a quote at every position relative to the 8-byte words of
 * the fast scan, in a long run. */
static void test_escape_at_every_offset(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    char line[256], want[128];
    for (size_t i = 0; i < 40; i++) {
        size_t n = 0;
        memcpy(line, "{\"text\":\"", 9);
        size_t k = 9;
        for (size_t j = 0; j < 60; j++) {
            if (j == i) {
                memcpy(line + k, "\\\"", 2);
                k += 2;
                want[n++] = '"';
            }
            line[k++] = (char)('a' + j % 26);
            want[n++] = (char)('a' + j % 26);
        }
        memcpy(line + k, "\"}", 3);
        parse_ok(&p, line, &r);
        assert_field(&r, JSONL_TEXT, want, n);
        /* The string ends at offset 9 + i: everything after is junk. */
        line[9 + i] = '"';
        line[10 + i] = '}';
        assert_int_equal(jsonl_parse(&p, line, 11 + i, &r), 0);
        assert_field(&r, JSONL_TEXT, want, i);
        /* A raw control byte at that offset is found exactly too; bytes
         * >= 0x80 around it are not mistaken for one. */
        for (size_t j = 0; j < 60; j++) line[9 + j] = (char)(j % 3 ? 'x' : 0xE9);
        line[9 + i] = '\t';
        memcpy(line + 69, "\"}", 3);
        assert_int_equal(jsonl_parse(&p, line, 71, &r), -1);
        assert_string_equal(p.err, "control character in string");
        assert_int_equal(p.err_off, 9 + i);
    }
    jsonl_free(&p);
}

static void test_long_text(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    size_t n = 100000;
    char *line = malloc(n + 32);
    assert_non_null(line);
    memcpy(line, "{\"text\":\"", 9);
    for (size_t i = 0; i < n; i++) line[9 + i] = (char)('a' + i % 26);
    memcpy(line + 9 + n, "\\n\"}", 5);
    parse_ok(&p, line, &r);
    assert_int_equal(r.len[JSONL_TEXT], n + 1);
    assert_memory_equal(r.val[JSONL_TEXT], line + 9, n);
    assert_int_equal(r.val[JSONL_TEXT][n], '\n');
    assert_int_equal(r.val[JSONL_TEXT][n + 1], '\0');
    free(line);
    jsonl_free(&p);
}

/* ---- unknown members: extra --------------------------------------------- */

static void test_extra_every_type(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p,
             "{\"id\":\"1\",\"s\":\"a\\nb\\u00e9\\\"\",\"n\":-1.5e+3,\"i\":0,"
             "\"t\":true,\"f\":false,\"z\":null,\"a\":[1,\"x\",[],{}],"
             "\"o\":{\"k\":{\"k2\":[null,-0.0E-1]}},\"e\":{},\"text\":\"t\"}",
             &r);
    assert_field_str(&r, JSONL_ID, "1");
    assert_field_str(&r, JSONL_TEXT, "t");
    assert_extra(&r,
                 "{\"s\":\"a\\nb\\u00e9\\\"\",\"n\":-1.5e+3,\"i\":0,\"t\":true,"
                 "\"f\":false,\"z\":null,\"a\":[1,\"x\",[],{}],"
                 "\"o\":{\"k\":{\"k2\":[null,-0.0E-1]}},\"e\":{}}");
    jsonl_free(&p);
}

static void test_extra_order_and_known_between(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"z\":1,\"id\":\"x\",\"a\":2,\"text\":\"t\",\"m\":3}", &r);
    assert_extra(&r, "{\"z\":1,\"a\":2,\"m\":3}");
    assert_field_str(&r, JSONL_ID, "x");
    parse_ok(&p, "{\"label\":\"business\"}", &r);
    assert_extra(&r, "{\"label\":\"business\"}");
    jsonl_free(&p);
}

static void test_extra_whitespace_removed(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p,
             "{ \"a\" : [ 1 , 2 ,\t[ ] ] ,\r\n \"b\" : { \"c d\" : \"x  y\" , \"e\":{ } } ,"
             " \"text\" : \"t\" }",
             &r);
    assert_extra(&r, "{\"a\":[1,2,[]],\"b\":{\"c d\":\"x  y\",\"e\":{}}}");
    jsonl_free(&p);
}

static void test_extra_keys_verbatim(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"k\\u00e9y\\n\":\"v\\/\",\"caf\xc3\xa9\":1}", &r);
    assert_extra(&r, "{\"k\\u00e9y\\n\":\"v\\/\",\"caf\xc3\xa9\":1}");
    jsonl_free(&p);
}

static void test_nested_duplicates_kept(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    /* Nested objects are opaque data: only the top level must be unique. */
    parse_ok(&p, "{\"o\":{\"k\":1,\"k\":2},\"p\":{\"text\":1}}", &r);
    assert_extra(&r, "{\"o\":{\"k\":1,\"k\":2},\"p\":{\"text\":1}}");
    assert_absent(&r, JSONL_TEXT);
    jsonl_free(&p);
}

static void test_many_unknown_keys(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    enum { N = 2000 };
    size_t cap = N * 16 + 64, k = 0;
    char *line = malloc(cap);
    assert_non_null(line);
    line[k++] = '{';
    for (int i = 0; i < N; i++)
        k += (size_t)snprintf(line + k, cap - k, "%s\"k%d\":%d", i ? "," : "", (N - i) * 7 % N, i);
    line[k++] = '}';
    line[k] = '\0';
    parse_ok(&p, line, &r);
    assert_int_equal(r.extra_len, k);
    assert_memory_equal(r.extra, line, k);

    /* The same key again at the end. */
    size_t at = k - 1;
    snprintf(line + at, cap - at, ",\"k%d\":0}", 1234);
    expect_error(line, "duplicate key \"k1234\"", at + 1);
    free(line);
    jsonl_free(&p);
}

/* ---- whitespace --------------------------------------------------------- */

static void test_whitespace_variants(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    const char *lines[] = {
        "{\"text\":\"x\"}\r",
        "  {\"text\":\"x\"}  ",
        "\t{\t\"text\"\t:\t\"x\"\t}\t",
        "{\r\n\"text\"\r\n:\r\n\"x\"\r\n}\r\n",
        " \r{ \"text\" : \"x\" , \"a\" : 1 } \r",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        parse_ok(&p, lines[i], &r);
        assert_field_str(&r, JSONL_TEXT, "x");
    }
    assert_extra(&r, "{\"a\":1}");
    jsonl_free(&p);
}

static void test_length_is_respected(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    const char *line = "{\"text\":\"x\"}garbage";
    assert_int_equal(jsonl_parse(&p, line, 12, &r), 0);
    assert_field_str(&r, JSONL_TEXT, "x");
    assert_int_equal(jsonl_parse(&p, line, 11, &r), -1);
    assert_string_equal(p.err, "expected ',' or '}'");
    assert_int_equal(p.err_off, 11);
    jsonl_free(&p);
}

/* ---- reuse -------------------------------------------------------------- */

static void test_parser_reuse(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"id\":\"one\",\"title\":\"First\",\"text\":\"first body\",\"x\":[1]}", &r);
    assert_field_str(&r, JSONL_TITLE, "First");
    assert_extra(&r, "{\"x\":[1]}");

    parse_ok(&p, "{\"id\":\"two\",\"text\":\"2\"}", &r);
    assert_field_str(&r, JSONL_ID, "two");
    assert_field_str(&r, JSONL_TEXT, "2");
    assert_absent(&r, JSONL_TITLE);
    assert_extra(&r, NULL);

    /* An error in between leaves nothing behind either. */
    assert_int_equal(jsonl_parse(&p, "{\"text\":", 8, &r), -1);
    assert_string_equal(p.err, "expected a value");
    parse_ok(&p, "{\"source\":\"s\"}", &r);
    assert_string_equal(p.err, "");
    assert_int_equal(p.err_off, 0);
    assert_absent(&r, JSONL_ID);
    assert_absent(&r, JSONL_TEXT);
    assert_field_str(&r, JSONL_SOURCE, "s");
    jsonl_free(&p);
    jsonl_free(&p); /* twice is harmless */
    jsonl_free(NULL);
}

/* ---- errors ------------------------------------------------------------- */

static void test_err_empty(void **state) {
    (void)state;
    expect_error("", "empty line", 0);
    expect_error(" \t\r ", "empty line", 0);
    expect_error("\r", "empty line", 0);
    expect_error_n(NULL, 0, "empty line", 0);
}

static void test_err_not_object(void **state) {
    (void)state;
    expect_error("[1,2]", "not a JSON object", 0);
    expect_error("  \"x\"", "not a JSON object", 2);
    expect_error("null", "not a JSON object", 0);
    expect_error("42", "not a JSON object", 0);
    expect_error("\xef\xbb\xbf{}", "not a JSON object", 0); /* a BOM */
}

static void test_err_truncated(void **state) {
    (void)state;
    expect_error("{", "expected a key", 1);
    expect_error("{\"te", "unterminated string", 1);
    expect_error("{\"text\"", "expected ':' after key", 7);
    expect_error("{\"text\":", "expected a value", 8);
    expect_error("{\"text\":\"abc", "unterminated string", 8);
    expect_error("{\"text\":\"abc\\", "unterminated string", 8);
    expect_error("{\"text\":\"abc\"", "expected ',' or '}'", 13);
    expect_error("{\"text\":\"abc\",", "expected a key", 14);
    expect_error("{\"a\":[1,", "expected a value", 8);
    expect_error("{\"a\":{\"b\":1", "expected ',' or '}'", 11);
    expect_error("{\"a\":\"x", "unterminated string", 5);
    expect_error("{\"a\":tr", "invalid literal", 5);
}

static void test_err_missing_colon(void **state) {
    (void)state;
    expect_error("{\"text\" \"x\"}", "expected ':' after key", 8);
    expect_error("{\"a\",1}", "expected ':' after key", 4);
    expect_error("{\"a\":{\"b\" 1}}", "expected ':' after key", 10);
}

static void test_err_missing_comma(void **state) {
    (void)state;
    expect_error("{\"id\":\"1\" \"text\":\"x\"}", "expected ',' or '}'", 10);
    expect_error("{\"a\":[1 2]}", "expected ',' or ']'", 8);
    expect_error("{\"a\":{\"b\":1 \"c\":2}}", "expected ',' or '}'", 12);
    expect_error("{\"a\":[1}", "expected ',' or ']'", 7);
    expect_error("{\"a\":{\"b\":1]}", "expected ',' or '}'", 11);
}

static void test_err_trailing_comma(void **state) {
    (void)state;
    expect_error("{\"id\":\"1\",}", "trailing comma", 9);
    expect_error("{\"a\":[1,]}", "trailing comma", 7);
    expect_error("{\"a\":{\"b\":1 , }}", "trailing comma", 12);
    expect_error("{,}", "expected a key", 1);
    expect_error("{\"a\":[,]}", "expected a value", 6);
    expect_error("{\"a\":1,,\"b\":2}", "expected a key", 7);
}

static void test_err_single_quotes(void **state) {
    (void)state;
    expect_error("{'id':'1'}", "expected a key", 1);
    expect_error("{\"id\":'1'}", "expected a value", 6);
    expect_error("{\"a\":'x'}", "expected a value", 5);
}

static void test_err_literals(void **state) {
    (void)state;
    expect_error("{\"a\":tru}", "invalid literal", 5);
    expect_error("{\"a\":nul}", "invalid literal", 5);
    expect_error("{\"a\":fals}", "invalid literal", 5);
    expect_error("{\"text\":nul}", "invalid literal", 8);
    expect_error("{\"a\":True}", "expected a value", 5);
    expect_error("{\"a\":nullx}", "expected ',' or '}'", 9);
    expect_error("{\"a\":NaN}", "expected a value", 5);
    expect_error("{\"a\":undefined}", "expected a value", 5);
}

static void test_err_numbers(void **state) {
    (void)state;
    expect_error("{\"a\":01}", "invalid number", 6);
    expect_error("{\"a\":-01}", "invalid number", 7);
    expect_error("{\"a\":1.}", "invalid number", 7);
    expect_error("{\"a\":-}", "invalid number", 6);
    expect_error("{\"a\":-a}", "invalid number", 6);
    expect_error("{\"a\":1e}", "invalid number", 7);
    expect_error("{\"a\":1E+}", "invalid number", 8);
    expect_error("{\"a\":+1}", "invalid number", 5);
    expect_error("{\"a\":.5}", "invalid number", 5);
    expect_error("{\"a\":1.e5}", "invalid number", 7);
    expect_error("{\"a\":0x10}", "expected ',' or '}'", 6);
    expect_error("{\"id\":01}", "invalid number", 7);
    expect_error("{\"id\":+1}", "invalid number", 6);
    expect_error("{\"a\":[1,-]}", "invalid number", 9);
}

static void test_good_numbers(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    parse_ok(&p, "{\"a\":[0,-0,1.5,1E5,1e-5,123.456e+78,-0.0,10,9007199254740993]}", &r);
    assert_extra(&r, "{\"a\":[0,-0,1.5,1E5,1e-5,123.456e+78,-0.0,10,9007199254740993]}");
    jsonl_free(&p);
}

static void test_err_control_characters(void **state) {
    (void)state;
    expect_error("{\"text\":\"a\tb\"}", "control character in string", 10);
    expect_error("{\"text\":\"a\nb\"}", "control character in string", 10);
    expect_error("{\"a\x01\":1}", "control character in string", 3);
    expect_error("{\"a\":[\"\x1f\"]}", "control character in string", 7);
    expect_error_n("{\"text\":\"a\0b\"}", 14, "control character in string", 10);
    /* Outside strings a control byte is just not JSON. */
    expect_error("{\"a\":1,\x01}", "expected a key", 7);
}

static void test_err_bad_escapes(void **state) {
    (void)state;
    expect_error("{\"text\":\"a\\x\"}", "invalid escape", 10);
    expect_error("{\"text\":\"\\a\"}", "invalid escape", 9);
    expect_error("{\"text\":\"\\U0041\"}", "invalid escape", 9);
    expect_error("{\"text\":\"\\'\"}", "invalid escape", 9);
    expect_error("{\"a\":\"\\x\"}", "invalid escape", 6);
    expect_error("{\"\\x\":1}", "invalid escape", 2);
    expect_error("{\"text\":\"\\u12\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\u12G4\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\u123", "invalid \\u escape", 9);
}

static void test_err_surrogates(void **state) {
    (void)state;
    expect_error("{\"text\":\"\\ud800\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"ab\\uDFFF\"}", "invalid \\u escape", 11);
    expect_error("{\"text\":\"\\ude00\\ud83d\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\ud83d\\ud83d\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\ud83dx\\ude00\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\ud83d\\n\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\ud83d\\u00e9\"}", "invalid \\u escape", 9);
    expect_error("{\"text\":\"\\ud83d\\ude0", "invalid \\u escape", 9);
    expect_error("{\"a\":\"x\\ud800\"}", "invalid \\u escape", 7);
    expect_error("{\"\\udc00\":1}", "invalid \\u escape", 2);
}

static void test_err_duplicate_keys(void **state) {
    (void)state;
    expect_error("{\"text\":\"a\",\"text\":\"b\"}", "duplicate key \"text\"", 12);
    expect_error("{\"id\":null,\"id\":\"x\"}", "duplicate key \"id\"", 11);
    expect_error("{\"text\":\"a\",\"t\\u0065xt\":\"b\"}", "duplicate key \"text\"", 12);
    expect_error("{\"a\":1,\"b\":2,\"a\":3}", "duplicate key \"a\"", 13);
    expect_error("{\"a\":1,\"\\u0061\":2}", "duplicate key \"a\"", 7);
    /* The first key seen twice, in line order, is the one reported. */
    expect_error("{\"b\":1,\"a\":1,\"a\":2,\"b\":3}", "duplicate key \"a\"", 13);
    expect_error("{\"b\":1,\"a\":1,\"b\":2,\"a\":3,\"a\":4}", "duplicate key \"b\"", 13);
    expect_error("{\"\":1,\"\":2}", "duplicate key \"\"", 6);
    expect_error("{\"x\\u0000\\n\":1,\"x\\u0000\\n\":2}", "duplicate key \"x??\"", 15);
}

static void test_err_duplicate_long_key(void **state) {
    (void)state;
    char line[512], key[101], want[100];
    memset(key, 'k', 100);
    key[100] = '\0';
    snprintf(line, sizeof line, "{\"%s\":1,\"%s\":2}", key, key);
    snprintf(want, sizeof want, "duplicate key \"%.60s...\"", key);
    expect_error(line, want, 106);

    /* Cut at a character boundary: 59 ASCII bytes, then 2-byte "é"s. */
    char ukey[200];
    memset(ukey, 'k', 59);
    for (int i = 0; i < 40; i++) memcpy(ukey + 59 + 2 * i, "\xc3\xa9", 2);
    ukey[139] = '\0';
    snprintf(line, sizeof line, "{\"%s\":1,\"%s\":2}", ukey, ukey);
    snprintf(want, sizeof want, "duplicate key \"%.59s...\"", ukey);
    expect_error(line, want, 145);
}

static void test_err_trailing_garbage(void **state) {
    (void)state;
    expect_error("{\"text\":\"x\"} x", "trailing characters after the object", 13);
    expect_error("{}{}", "trailing characters after the object", 2);
    expect_error("{\"a\":1}}", "trailing characters after the object", 7);
    expect_error("{},", "trailing characters after the object", 2);
    expect_error("{}\r\r0", "trailing characters after the object", 4);
}

/* "{\"a\":" then n opening brackets, matching closers and "}". */
static char *nested(int n, char open, char close) {
    char *s = malloc((size_t)n * 2 + 8);
    if (!s) return NULL;
    memcpy(s, "{\"a\":", 5);
    for (int i = 0; i < n; i++) s[5 + i] = open;
    for (int i = 0; i < n; i++) s[5 + n + i] = close;
    memcpy(s + 5 + 2 * n, "}", 2);
    return s;
}

static void test_depth_limit(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    /* The line's object is level 1: 63 more levels are allowed. */
    char *ok = nested(63, '[', ']');
    assert_non_null(ok);
    parse_ok(&p, ok, &r);
    assert_string_equal(r.extra, ok);
    free(ok);

    char *deep = nested(64, '[', ']');
    assert_non_null(deep);
    expect_error(deep, "nested too deep", 5 + 63);
    free(deep);

    /* Objects count as levels just the same. */
    char line[1024];
    size_t k = 0;
    line[k++] = '{';
    for (int i = 0; i < 64; i++) {
        memcpy(line + k, "\"k\":{", 5);
        k += 5;
    }
    for (int i = 0; i < 65; i++) line[k++] = '}';
    line[k] = '\0';
    expect_error(line, "nested too deep", 1 + 63 * 5 + 4);

    /* A hostile line far deeper than the cap fails cleanly. */
    char *huge = nested(100000, '[', ']');
    assert_non_null(huge);
    expect_error(huge, "nested too deep", 5 + 63);
    free(huge);
    jsonl_free(&p);
}

static void test_err_wrong_type(void **state) {
    (void)state;
    expect_error("{\"text\":5}", "field \"text\" must be a string", 8);
    expect_error("{\"title\":[\"a\"]}", "field \"title\" must be a string", 9);
    expect_error("{\"source\":{}}", "field \"source\" must be a string", 10);
    expect_error("{\"url\":false}", "field \"url\" must be a string", 7);
    expect_error("{\"date\":true}", "field \"date\" must be a string", 8);
    expect_error("{\"date\":-1}", "field \"date\" must be a string", 8);
    expect_error("{\"id\":true}", "field \"id\" must be a string or a number", 6);
    expect_error("{\"id\":[1]}", "field \"id\" must be a string or a number", 6);
    expect_error("{\"id\":{\"a\":1}}", "field \"id\" must be a string or a number", 6);
}

/* ---- caps ----------------------------------------------------------------- */

static void test_value_too_large(void **state) {
    (void)state;
    jsonl_parser p = {0};
    jsonl_record r;
    p.out.max = 8;
    assert_int_equal(jsonl_parse(&p, "{\"text\":\"abcdefghij\"}", 21, &r), -1);
    assert_string_equal(p.err, "value too large");
    assert_int_equal(p.err_off, 8);
    /* Still usable, and small values fit. */
    parse_ok(&p, "{\"text\":\"abc\"}", &r);
    assert_field_str(&r, JSONL_TEXT, "abc");
    jsonl_free(&p);

    jsonl_parser q = {0};
    q.extra.max = 10;
    assert_int_equal(jsonl_parse(&q, "{\"a\":[1,2,3,4,5,6,7,8]}", 23, &r), -1);
    assert_string_equal(q.err, "value too large");
    parse_ok(&q, "{\"a\":[1]}", &r);
    assert_extra(&r, "{\"a\":[1]}");
    jsonl_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_fields),
        cmocka_unit_test(test_fields_in_any_order),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_empty_object),
        cmocka_unit_test(test_empty_string_value),
        cmocka_unit_test(test_null_is_absent),
        cmocka_unit_test(test_numeric_id),
        cmocka_unit_test(test_key_match_is_exact),
        cmocka_unit_test(test_escaped_key_is_known),
        cmocka_unit_test(test_simple_escapes),
        cmocka_unit_test(test_unicode_escapes),
        cmocka_unit_test(test_surrogate_pairs),
        cmocka_unit_test(test_escaped_nul),
        cmocka_unit_test(test_raw_utf8_copied),
        cmocka_unit_test(test_escape_at_every_offset),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_extra_every_type),
        cmocka_unit_test(test_extra_order_and_known_between),
        cmocka_unit_test(test_extra_whitespace_removed),
        cmocka_unit_test(test_extra_keys_verbatim),
        cmocka_unit_test(test_nested_duplicates_kept),
        cmocka_unit_test(test_many_unknown_keys),
        cmocka_unit_test(test_whitespace_variants),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_parser_reuse),
        cmocka_unit_test(test_err_empty),
        cmocka_unit_test(test_err_not_object),
        cmocka_unit_test(test_err_truncated),
        cmocka_unit_test(test_err_missing_colon),
        cmocka_unit_test(test_err_missing_comma),
        cmocka_unit_test(test_err_trailing_comma),
        cmocka_unit_test(test_err_single_quotes),
        cmocka_unit_test(test_err_literals),
        cmocka_unit_test(test_err_numbers),
        cmocka_unit_test(test_good_numbers),
        cmocka_unit_test(test_err_control_characters),
        cmocka_unit_test(test_err_bad_escapes),
        cmocka_unit_test(test_err_surrogates),
        cmocka_unit_test(test_err_duplicate_keys),
        cmocka_unit_test(test_err_duplicate_long_key),
        cmocka_unit_test(test_err_trailing_garbage),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_err_wrong_type),
        cmocka_unit_test(test_value_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
