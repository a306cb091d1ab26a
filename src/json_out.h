/*
 * json_out.h - storyline's objects as one line of JSON.
 */
#ifndef SL_JSON_OUT_H
#define SL_JSON_OUT_H

#include "buf.h"
#include "storyline.h"

/* Append d as one JSON object (no newline) to out; summary: only the
 * listing fields.  0, or -1 when memory runs out. */
int json_doc(const sl_doc *d, int summary, buf *out);

#endif
