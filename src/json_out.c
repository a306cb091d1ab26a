/*
 * json_out.c - JSON output with jansson (a well-kept library; output is not
 * on the ingest hot path, so its speed does not matter here).
 *
 * Keys appear in a fixed order and absent fields are null, so the same
 * article always prints the same bytes.
 */
#include "json_out.h"

#include <jansson.h>
#include <string.h>

static const char *const kind_name[] = {"body", "heading", "list-item"};

static json_t *str_or_null(const char *s) {
    return s ? json_string_nocheck(s) : json_null();
}

static void hex(const unsigned char *h, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[32] = '\0';
}

static int dump_cb(const char *p, size_t n, void *ud) { return buf_put(ud, p, n) ? -1 : 0; }

static const char *const token_kind[] = {"", "word", "number", "punct", "symbol"};

static json_t *segments(const sl_span *sentences, size_t ns, const sl_token *tokens, size_t nt) {
    json_t *seg = json_object(), *sa = json_array(), *ta = json_array();
    for (size_t i = 0; i < ns; i++)
        json_array_append_new(sa, json_pack("[II]", (json_int_t)sentences[i].start,
                                            (json_int_t)sentences[i].end));
    for (size_t i = 0; i < nt; i++) {
        unsigned k = tokens[i].kind <= SL_TOK_SYMBOL ? (unsigned)tokens[i].kind : 0;
        json_array_append_new(ta, json_pack("[IIs]", (json_int_t)tokens[i].start,
                                            (json_int_t)tokens[i].end, token_kind[k]));
    }
    json_object_set_new_nocheck(seg, "sentences", sa);
    json_object_set_new_nocheck(seg, "tokens", ta);
    return seg;
}

/* The relations of one article: links with the other article's id in b. */
static json_t *duplicates(const sl_dup_link *links, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const sl_dup_link *l = &links[i];
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "id", str_or_null(l->b));
        json_object_set_new_nocheck(o, "kind", json_string_nocheck(sl_dup_kind_name(l->kind)));
        json_object_set_new_nocheck(o, "similarity", json_real(l->similarity));
        json_object_set_new_nocheck(o, "containment", json_real(l->containment));
        json_object_set_new_nocheck(o, "paragraphs", json_integer((json_int_t)l->paragraphs));
        json_object_set_new_nocheck(o, "words", json_integer((json_int_t)l->words));
        json_object_set_new_nocheck(o, "shared", str_or_null(l->shared));
        json_array_append_new(a, o);
    }
    return a;
}

int json_doc(const sl_doc *d, int flags, const sl_span *sentences, size_t ns,
             const sl_token *tokens, size_t nt, const sl_dup_link *links, size_t n_links,
             buf *out) {
    int summary = flags & SL_JSON_SUMMARY;
    json_t *o = json_object();
    if (!o) return -1;
    char h[33];
    hex(d->hash, h);
    json_object_set_new_nocheck(o, "id", str_or_null(d->id));
    json_object_set_new_nocheck(o, "source", str_or_null(d->source));
    json_object_set_new_nocheck(o, "url", str_or_null(d->url));
    json_object_set_new_nocheck(o, "date", str_or_null(d->date));
    json_object_set_new_nocheck(o, "title", str_or_null(d->title));
    if (summary) {
        json_object_set_new_nocheck(o, "bytes", json_integer((json_int_t)d->text_len));
        json_object_set_new_nocheck(o, "sentences", json_integer((json_int_t)d->n_sentences));
        json_object_set_new_nocheck(o, "tokens", json_integer((json_int_t)d->n_tokens));
        json_object_set_new_nocheck(o, "hash", json_string_nocheck(h));
        json_object_set_new_nocheck(o, "origin", str_or_null(d->origin));
    } else {
        json_object_set_new_nocheck(o, "text",
                                    d->text ? json_stringn_nocheck(d->text, d->text_len) : json_null());
        json_t *paras = json_array();
        for (size_t i = 0; i < d->n_paragraphs; i++) {
            const sl_paragraph *p = &d->paragraphs[i];
            json_t *po = json_object();
            json_object_set_new_nocheck(po, "kind", json_string_nocheck(kind_name[p->kind]));
            json_object_set_new_nocheck(po, "start", json_integer((json_int_t)p->start));
            json_object_set_new_nocheck(po, "end", json_integer((json_int_t)p->end));
            json_object_set_new_nocheck(po, "text", json_stringn_nocheck(d->text + p->start, p->end - p->start));
            json_array_append_new(paras, po);
        }
        json_object_set_new_nocheck(o, "paragraphs", paras);
        json_t *rem = json_array();
        for (size_t i = 0; i < d->n_removed; i++) {
            json_t *ro = json_object();
            json_object_set_new_nocheck(ro, "reason", str_or_null(d->removed[i].reason));
            json_object_set_new_nocheck(ro, "detail", str_or_null(d->removed[i].detail));
            json_object_set_new_nocheck(ro, "text", str_or_null(d->removed[i].text));
            json_array_append_new(rem, ro);
        }
        json_object_set_new_nocheck(o, "removed", rem);
        json_t *notes = json_array();
        for (size_t i = 0; i < d->n_notes; i++)
            json_array_append_new(notes, json_string_nocheck(d->notes[i]));
        json_object_set_new_nocheck(o, "notes", notes);
        json_object_set_new_nocheck(o, "sentences", json_integer((json_int_t)d->n_sentences));
        json_object_set_new_nocheck(o, "tokens", json_integer((json_int_t)d->n_tokens));
        json_object_set_new_nocheck(o, "hash", json_string_nocheck(h));
        json_object_set_new_nocheck(o, "origin", str_or_null(d->origin));
        json_t *extra = NULL;
        if (d->extra) extra = json_loads(d->extra, JSON_DECODE_ANY, NULL);
        json_object_set_new_nocheck(o, "extra", extra ? extra : json_null());
        if (links) json_object_set_new_nocheck(o, "duplicates", duplicates(links, n_links));
        if (flags & SL_JSON_SEGMENTS)
            json_object_set_new_nocheck(o, "segments", segments(sentences, ns, tokens, nt));
    }
    int rc = json_dump_callback(o, dump_cb, out,
                                JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
    json_decref(o);
    return rc ? -1 : 0;
}
