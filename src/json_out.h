/*
 * json_out.h - storyline's objects as one line of JSON.
 */
#ifndef SL_JSON_OUT_H
#define SL_JSON_OUT_H

#include "buf.h"
#include "storyline.h"

/* Append d as one JSON object (no newline) to out, as sl_doc_json()
 * describes for flags; the segments, when asked for, are sentences[0, ns)
 * and tokens[0, nt).  0, or -1 when memory runs out. */
int json_doc(const sl_doc *d, int flags, const sl_span *sentences, size_t ns,
             const sl_token *tokens, size_t nt, const sl_dup_link *links, size_t n_links,
             buf *out);

#endif
