/*
 * jsonl.h - a strict, fast parser for one JSON object per line.
 *
 * Why not jansson here: on our news JSONL jansson parses about 75 MB/s on
 * one core (it builds a tree and allocates per value), below the ingest
 * target of 120 MB/s for the whole pipeline.  This parser only pulls out the
 * six string fields storyline knows and copies every other member verbatim;
 * it allocates nothing per line once its buffers are warm.  jansson is still
 * used to write JSON (src/json_out.c), where speed does not matter.
 *
 * The grammar is RFC 8259 exactly: any value is accepted for unknown
 * members (and validated), numbers and literals are checked, strings may
 * not hold raw control characters, \u escapes must be well formed and
 * surrogates paired.  The caller checks UTF-8 before (utf8_check()).
 */
#ifndef SL_JSONL_H
#define SL_JSONL_H

#include <stddef.h>

#include "buf.h"

enum jsonl_field {
    JSONL_ID, JSONL_SOURCE, JSONL_URL, JSONL_DATE, JSONL_TITLE, JSONL_TEXT,
    JSONL_NFIELDS
};

typedef struct jsonl_record {
    /* Unescaped values of the known fields, NUL-terminated, pointing into
     * the parser's buffer; NULL when the member is absent or null.  A
     * number is accepted for "id" (its text is kept as is); any other
     * non-string value for a known field is an error.  len[] is the byte
     * length (a value may hold a NUL from \u0000). */
    const char *val[JSONL_NFIELDS];
    size_t len[JSONL_NFIELDS];
    /* The unknown members as one JSON object, "{...}", each member copied
     * verbatim from the line (compact: whitespace between tokens outside
     * strings dropped), in input order; NULL when there are none. */
    const char *extra;
    size_t extra_len;
} jsonl_record;

typedef struct jsonl_parser {
    buf out;        /* unescaped values */
    buf extra;      /* the unknown members */
    char err[160];  /* what went wrong, e.g. "expected ':' after key" */
    size_t err_off; /* byte offset in the line where it went wrong */
} jsonl_parser;

/*
 * Parse line[0, len) - one JSON object, optionally surrounded by
 * whitespace (a trailing "\r" too) - into rec.  Returns 0, or -1 with
 * p->err and p->err_off set: not an object, trailing garbage, a duplicate
 * key, a bad escape, a wrong type for a known field, ...  Returns -2 when
 * memory runs out.  rec is valid until the next call with p.
 */
int jsonl_parse(jsonl_parser *p, const char *line, size_t len,
                jsonl_record *rec);

void jsonl_free(jsonl_parser *p);

#endif
