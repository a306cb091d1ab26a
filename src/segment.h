/*
 * segment.h - sentences and tokens as byte offsets into clean text.
 *
 * No allocation per token: spans go into arrays owned by a segmenter that
 * grow amortised and are reused across documents (reset keeps memory).
 * Input is valid UTF-8 (already validated and NFC-normalised by clean.c).
 */
#ifndef SL_SEGMENT_H
#define SL_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "storyline.h"

typedef struct segmenter {
    sl_span *sent;   /* sentences found so far */
    size_t n_sent, cap_sent;
    sl_token *tok;   /* tokens found so far */
    size_t n_tok, cap_tok;
} segmenter;

/* Forget the spans, keep the memory. */
void segment_reset(segmenter *s);
void segment_free(segmenter *s);

/*
 * Split text[start, end) - one paragraph, no '\n' inside - into sentences,
 * appending their spans (offsets into text) to s->sent.  Spans are trimmed
 * of surrounding whitespace and never empty.
 *   - A sentence ends after . ! ? or an ellipsis (… or ...), together with
 *     any closing quotes and brackets that follow (” ’ " ' ) ]), when
 *     whitespace follows and then an uppercase letter, a digit, or an
 *     opening quote or bracket.
 *   - Abbreviations do not end a sentence: titles (Mr. Mrs. Ms. Dr. Prof.
 *     Gen. Sen. Rep. Gov. Lt. Col. Sgt. Capt. St. Jr. Sr. Rev.), months
 *     (Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.),
 *     e.g. i.e. etc. vs. approx. No. Nos. Inc. Ltd. Co. Corp. and dotted
 *     initialisms (U.S. U.K. U.N. E.U.) and single initials (J. Smith).
 * Returns 0, or -1 when memory runs out.
 */
int segment_sentences(segmenter *s, const char *text, size_t start,
                      size_t end);

/*
 * Split text[start, end) into tokens, appending to s->tok:
 *   - words: letters and digits (any script: Unicode categories L*, M*, N*),
 *     keeping internal apostrophes (' and ’) and hyphens (- and ‐) between
 *     letters or digits: China's, dual-use, Zelenskyy's, COVID-19;
 *   - numbers: digits with internal , or . followed by a digit: 1,000.5,
 *     200, 23, 2022 (kind SL_TOK_NUMBER); a word that starts with a digit
 *     and holds letters (10th, 5G) is SL_TOK_WORD;
 *   - $ € £ % & @ # + = < > and other symbols (Unicode S*) one per token
 *     (SL_TOK_SYMBOL); all other non-space characters one per token
 *     (SL_TOK_PUNCT), except that "..." is one token;
 *   - whitespace (ASCII and Unicode Z*) separates and is never a token.
 * Returns 0, or -1 when memory runs out.
 */
int segment_tokens(segmenter *s, const char *text, size_t start, size_t end);

#endif
