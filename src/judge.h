/*
 * judge.h - verifying candidate copies: fingerprint a stored text again
 * and decide what it is to a new article, here or on a thread of its own.
 *
 * An ingest's writer is its bottleneck (DESIGN.md: one writer), and a
 * third of its time went to fingerprinting candidates again from their
 * stored text while the other core waited.  A verdict changes nothing the
 * writer does next (only what it writes to the dups table), so the writer
 * hands each article's candidates over (their texts copied out of the
 * store) and writes the verdicts when they come back, in the order it
 * handed them over, before it commits.
 */
#ifndef SL_JUDGE_H
#define SL_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fingerprint.h"

/* Scratch for fingerprinting stored texts (one per thread). */
typedef struct judge_scratch {
    fp_ctx fp;
    fingerprint f;
    sl_paragraph *para;
    size_t cap_para;
} judge_scratch;

/* Paragraph spans of a stored text (paragraphs joined by '\n') into *p,
 * which grows; their number, or (size_t)-1 when memory runs out. */
size_t judge_paragraphs(sl_paragraph **p, size_t *cap, const char *text, size_t len);
/* The fingerprint of a stored text (and its hash or NULL) with ctx into
 * f, its paragraphs into *p.  0, or -1 when memory runs out. */
int judge_fingerprint(fp_ctx *ctx, sl_paragraph **p, size_t *cap, const char *text, size_t len,
                      const unsigned char *hash, fingerprint *f);
/* What candidate b (its stored text and hash or NULL) is to a, with x as
 * fp_decide's scratch (a may point into it, never into w).  0, or -1
 * when memory runs out. */
int judge_one(judge_scratch *w, fp_ctx *x, const fingerprint *a, const char *text, size_t len,
              const unsigned char *hash, fp_verdict *v);
void judge_scratch_free(judge_scratch *w);

#define JUDGE_MAX_CAND 32 /* candidates verified per article */

/* One article's candidates, and then their verdicts. */
typedef struct judge_job {
    int64_t seq;                  /* the new article */
    size_t n;                     /* candidates */
    int64_t cand[JUDGE_MAX_CAND];
    fp_verdict v[JUDGE_MAX_CAND]; /* set when the job is done */
    int failed;                   /* memory ran out: the verdicts are not set */
    /* private: the candidates' texts and hashes, the article's fingerprint */
    buf text;
    size_t off[JUDGE_MAX_CAND + 1];
    unsigned char hash[JUDGE_MAX_CAND][16];
    unsigned char has_hash[JUDGE_MAX_CAND];
    fingerprint a;
    uint64_t *words, *seqs;
    uint32_t *shingles;
    fp_para *paras;
    size_t cap_words, cap_seqs, cap_shingles, cap_paras;
    int state;
} judge_job;

typedef struct judge judge;

/* A thread that judges, or NULL when it cannot be started (memory, a
 * thread): the caller then judges on its own thread with judge_one. */
judge *judge_start(void);
/* Waits for the jobs handed over, drops their verdicts, ends the thread. */
void judge_stop(judge *j);

#define JUDGE_QUEUE 64 /* jobs out at most */

/* A job to fill for the article seq whose fingerprint is a (copied now).
 * With JUDGE_QUEUE jobs out, the caller takes the oldest back first
 * (judge_done with wait).  NULL when memory runs out. */
judge_job *judge_open(judge *j, int64_t seq, const fingerprint *a);
/* Add candidate cand with its stored text (copied).  0, or -1. */
int judge_add(judge_job *jb, int64_t cand, const char *text, size_t len, const unsigned char *hash);
/* Hand the job filled over. */
void judge_submit(judge *j, judge_job *jb);

/* The oldest job handed over, once it is done (wait: waits for it; else
 * NULL when it is not done yet), or NULL when none is out.  Valid until
 * judge_release. */
judge_job *judge_done(judge *j, int wait);
void judge_release(judge *j, judge_job *jb);
/* Jobs handed over and not released. */
size_t judge_pending(const judge *j);

#endif
