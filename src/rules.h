/*
 * rules.h - boilerplate rules loaded from a data file.
 *
 * The rules are data, not code: data/boilerplate.rules documents the
 * format, the build embeds that file as the default, and users may pass
 * their own.  Rules are matched against a paragraph's matching form.
 */
#ifndef SL_RULES_H
#define SL_RULES_H

#include <stddef.h>

#include "buf.h"

enum rule_scope { RULE_LINE, RULE_BLOCK };

typedef struct rules rules;

/*
 * Parse rules from text[0, n); name is used in messages and in each rule's
 * detail ("boilerplate.rules:12").  Returns NULL and writes a message
 * naming name and the line into err on failure.
 */
rules *rules_parse(const char *text, size_t n, const char *name, char *err,
                   size_t errlen);
void rules_free(rules *r);

/* Non-zero when every regex rule could be read for the literal-prefix
 * gate (see data/boilerplate.rules); a slow rule makes it 0. */
int rules_gate_exact(const rules *r);

/* Paragraphs longer than this (bytes) are never matched. */
size_t rules_max_length(const rules *r);

/*
 * The first rule matching form[0, n) (a matching form, NUL-terminated), or
 * -1.  On a match *reason, *detail and *scope describe the rule; the
 * strings live as long as r.
 */
int rules_match(const rules *r, const char *form, size_t n,
                const char **reason, const char **detail,
                enum rule_scope *scope);

#endif
