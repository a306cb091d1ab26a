/* test_canon.c - name keys: the general folding rules and the alias data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "canon.h"

static const char data[] =
    "# a comment\n"
    "LOC\tKyiv\tKiev\n"
    "PER\tMuammar Gaddafi\tQaddafi\n"
    "given\tVolodymyr\tVladimir\n"
    "demonym\tChina\tChinese\n";

static const char *key(const canon *c, const char *s, buf *b) {
    assert_int_equal(canon_key(c, s, strlen(s), b), 0);
    return b->p;
}

static void folds_case_accents_stops_and_endings(void **state) {
    buf b = {0};
    assert_string_equal(key(NULL, "Zelenskyy", &b), "zelensky");
    assert_string_equal(key(NULL, "ZELENSKIY", &b), "zelensky");
    assert_string_equal(key(NULL, "Zelensky", &b), "zelensky");
    assert_string_equal(key(NULL, "Łódź", &b), "łodz");
    assert_string_equal(key(NULL, "Fran\xC3\xA7ois Hollande", &b), "francois hollande");
    assert_string_equal(key(NULL, "U.S.", &b), "us");
    assert_string_equal(key(NULL, "the  European-Union", &b), "european union");
    assert_string_equal(key(NULL, "O\xE2\x80\x99" "Brien", &b), "obrien");
    assert_string_equal(key(NULL, "Ivy", &b), "ivy"); /* short words keep -iy, -yy */
    buf_free(&b);
}

static void first_names_fold_only_with_the_data(void **state) {
    char err[256];
    canon *c = canon_parse(data, sizeof data - 1, "t", err, sizeof err);
    assert_non_null(c);
    buf b = {0};
    assert_string_equal(key(c, "Vladimir Zelensky", &b), "volodymyr zelensky");
    assert_string_equal(key(c, "Vladimir Putin", &b), "volodymyr putin");
    assert_string_equal(key(NULL, "Vladimir Putin", &b), "vladimir putin");
    assert_string_equal(key(c, "Vladimir", &b), "vladimir"); /* a first name alone is kept */
    const char *type;
    assert_string_equal(canon_entity(c, "kiev", &type), "Kyiv");
    assert_string_equal(type, "LOC");
    assert_string_equal(canon_entity(c, "kyiv", &type), "Kyiv");
    assert_string_equal(canon_entity(c, "qaddafi", &type), "Muammar Gaddafi");
    assert_null(canon_entity(c, "kharkiv", &type));
    assert_null(type);
    assert_string_equal(canon_demonym(c, "chinese"), "China");
    assert_null(canon_demonym(c, "china"));
    assert_string_equal(canon_last_word("volodymyr zelensky"), "zelensky");
    assert_string_equal(canon_last_word("kyiv"), "kyiv");
    buf_free(&b);
    canon_free(c);
}

static void bad_lines_are_named(void **state) {
    char err[256];
    static const char bad[] = "LOC\tKyiv\tKiev\nPLACE\tParis\n";
    assert_null(canon_parse(bad, sizeof bad - 1, "mine.txt", err, sizeof err));
    assert_non_null(strstr(err, "mine.txt:2:"));
    static const char short_given[] = "given\tVolodymyr\n";
    assert_null(canon_parse(short_given, sizeof short_given - 1, "g.txt", err, sizeof err));
    assert_non_null(strstr(err, "g.txt:1:"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_case_accents_stops_and_endings),
        cmocka_unit_test(first_names_fold_only_with_the_data),
        cmocka_unit_test(bad_lines_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
