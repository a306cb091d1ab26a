/*
 * clean.h - from raw article text to clean, segmented text.
 *
 * One call per article; the cleaner keeps its buffers between calls, so
 * steady-state cleaning allocates nothing.  Every step that removes text
 * records what and why (for `show --explain`).
 */
#ifndef SL_CLEAN_H
#define SL_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "normalize.h"
#include "rules.h"
#include "segment.h"
#include "storyline.h"

typedef struct clean_line {
    size_t start, end;     /* trimmed line in the source text */
    uint8_t kind;          /* sl_para_kind */
    uint8_t keep;          /* 1 while the line stays in the clean text */
    int32_t same_as;       /* repeated-paragraph: index of the first copy */
    norm_span form;        /* its matching form, in the cleaner's forms */
    const char *reason;    /* why it went, when !keep */
    const char *detail;
} clean_line;

typedef struct clean_removal {
    const char *reason, *detail; /* static or owned by the rules */
    size_t off, len;             /* text in the cleaner's removed buffer */
    char note[64];               /* a detail made for this removal */
} clean_removal;

typedef struct cleaner {
    buf nfc;            /* the NFC copy, when the input needed one */
    buf text;           /* the clean text */
    buf removed;        /* removed texts, back to back */
    buf form;           /* scratch: the given title's and the first line's
                           forms, to compare them */
    buf forms;          /* the matching form of every line, each followed
                           by a NUL (the rules' regexes read to it) */
    norm_span *pform;   /* the forms of the clean paragraphs (n_para) */
    size_t cap_pform;
    buf title;          /* a title taken from the text */
    clean_line *lines;
    size_t n_lines, cap_lines;
    sl_paragraph *para;
    size_t n_para, cap_para;
    clean_removal *rem;
    size_t n_rem, cap_rem;
    const char *notes[8];
    size_t n_notes;
    uint64_t *slots;    /* open addressing: line index + 1, 0 empty */
    size_t cap_slots;
    segmenter seg;
    norm_nfc_table nfct; /* which code points NFC could change */
    int no_segment;     /* set by a caller that needs no sentence or token
                           counts (the stream deduper): they stay 0 */
    /* results of the last clean_run */
    const char *title_p;
    size_t title_len;
    unsigned char hash[16];
    size_t n_sentences, n_tokens;
} cleaner;

/*
 * Clean text[0, len) with rules.  title is the given title or NULL.  On
 * SL_OK the results are in c (text, para, the paragraphs' matching forms
 * in forms at pform, rem, notes, title_p, hash, counts) until the next
 * call.  Errors: SL_EUTF8 and SL_EEMPTY (with a
 * message in err naming the byte offset), SL_ENOMEM, SL_ETOOBIG.
 */
sl_status clean_run(cleaner *c, const rules *r, const char *text, size_t len,
                    const char *title, char *err, size_t errlen);

void clean_free(cleaner *c);

#endif
