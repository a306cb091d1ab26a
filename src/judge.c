/*
 * judge.c - the verification of judge.h: one thread and a ring of
 * JUDGE_QUEUE jobs, filled and taken back in order by one caller.
 *
 * A job's state: FREE (the caller's, filled while FREE), QUEUED (the
 * thread's), DONE (the caller's again); it changes under the mutex.  The
 * caller fills slot `tail` and takes back slot `head`; the thread works
 * through those in between, in order, so the verdicts come back in the
 * order the articles went out.
 */
#include "judge.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- one candidate ---------------------------------------------------------- */

size_t judge_paragraphs(sl_paragraph **p, size_t *cap, const char *text, size_t len) {
    if (!len) return 0;
    size_t n = 0, start = 0;
    for (;;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (array_grow((void **)p, cap, n + 1, sizeof **p)) return (size_t)-1;
        (*p)[n++] = (sl_paragraph){start, end, SL_PARA_BODY};
        if (!nl) return n;
        start = end + 1;
    }
}

int judge_fingerprint(fp_ctx *ctx, sl_paragraph **p, size_t *cap, const char *text, size_t len,
                      const unsigned char *hash, fingerprint *f) {
    if (!text) text = "";
    size_t np = judge_paragraphs(p, cap, text, len);
    if (np == (size_t)-1 || fp_compute(ctx, text, len, *p, np, NULL, NULL, f)) return -1;
    if (hash) memcpy(f->exact, hash, 16);
    else memset(f->exact, 0, 16);
    return 0;
}

int judge_one(judge_scratch *w, fp_ctx *x, const fingerprint *a, const char *text, size_t len,
              const unsigned char *hash, fp_verdict *v) {
    if (judge_fingerprint(&w->fp, &w->para, &w->cap_para, text, len, hash, &w->f)) return -1;
    fp_rules r = {FP_NEAR_JACCARD, FP_NEAR_CONTAINMENT, FP_PARTIAL_WORDS, FP_PARTIAL_TOPIC, 1};
    return fp_decide(x, a, &w->f, &r, v);
}

void judge_scratch_free(judge_scratch *w) {
    fp_ctx_free(&w->fp);
    free(w->para);
    memset(w, 0, sizeof *w);
}

/* ---- the thread ------------------------------------------------------------- */

enum { FREE, QUEUED, DONE };

struct judge {
    judge_job job[JUDGE_QUEUE];
    size_t head, tail; /* oldest out, next to fill (counts, not indexes) */
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    pthread_t thread;
    judge_scratch w;
    fp_ctx x;
};

static void run_job(judge *j, judge_job *jb) {
    jb->failed = 0;
    for (size_t i = 0; i < jb->n && !jb->failed; i++)
        if (judge_one(&j->w, &j->x, &jb->a, jb->text.p + jb->off[i], jb->off[i + 1] - jb->off[i],
                      jb->has_hash[i] ? jb->hash[i] : NULL, &jb->v[i]))
            jb->failed = 1;
}

static void *judge_main(void *arg) {
    judge *j = arg;
    size_t next = 0;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        judge_job *jb = &j->job[next % JUDGE_QUEUE];
        while (!j->stop && jb->state != QUEUED) pthread_cond_wait(&j->work, &j->mu);
        if (jb->state != QUEUED) break; /* stopped, and nothing left */
        pthread_mutex_unlock(&j->mu);
        run_job(j, jb);
        pthread_mutex_lock(&j->mu);
        jb->state = DONE;
        next++;
        pthread_cond_signal(&j->done);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

judge *judge_start(void) {
    judge *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->done, NULL);
    if (pthread_create(&j->thread, NULL, judge_main, j)) {
        pthread_cond_destroy(&j->work);
        pthread_cond_destroy(&j->done);
        pthread_mutex_destroy(&j->mu);
        free(j);
        return NULL;
    }
    return j;
}

void judge_stop(judge *j) {
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL); /* it finishes what was queued first */
    for (size_t i = 0; i < JUDGE_QUEUE; i++) {
        judge_job *jb = &j->job[i];
        buf_free(&jb->text);
        free(jb->words);
        free(jb->seqs);
        free(jb->shingles);
        free(jb->paras);
    }
    judge_scratch_free(&j->w);
    fp_ctx_free(&j->x);
    pthread_cond_destroy(&j->work);
    pthread_cond_destroy(&j->done);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

/* Copy n items of size sz from src into *dst (capacity *cap).  0, or -1. */
static int copy_into(void **dst, size_t *cap, const void *src, size_t n, size_t sz) {
    if (n && array_grow(dst, cap, n, sz)) return -1;
    if (n) memcpy(*dst, src, n * sz);
    return 0;
}

judge_job *judge_open(judge *j, int64_t seq, const fingerprint *a) {
    if (j->tail - j->head >= JUDGE_QUEUE) return NULL; /* the caller takes one back first */
    judge_job *jb = &j->job[j->tail % JUDGE_QUEUE];
    /* FREE: until it is QUEUED the thread only reads its state, under the mutex */
    if (copy_into((void **)&jb->words, &jb->cap_words, a->words, a->n_words, sizeof *a->words) ||
        copy_into((void **)&jb->seqs, &jb->cap_seqs, a->seq, a->n_seq, sizeof *a->seq) ||
        copy_into((void **)&jb->shingles, &jb->cap_shingles, a->shingles, a->n_shingles, sizeof *a->shingles) ||
        copy_into((void **)&jb->paras, &jb->cap_paras, a->paras, a->n_paras, sizeof *a->paras))
        return NULL;
    jb->a = *a;
    jb->a.words = jb->words;
    jb->a.seq = a->seq ? jb->seqs : NULL;
    jb->a.shingles = jb->shingles;
    jb->a.paras = jb->paras;
    jb->seq = seq;
    jb->n = 0;
    jb->failed = 0;
    buf_reset(&jb->text);
    jb->off[0] = 0;
    return jb;
}

int judge_add(judge_job *jb, int64_t cand, const char *text, size_t len, const unsigned char *hash) {
    if (jb->n >= JUDGE_MAX_CAND) return 0; /* the caller ranks them: the rest are not judged */
    if (len && buf_put(&jb->text, text, len)) return -1;
    jb->cand[jb->n] = cand;
    jb->has_hash[jb->n] = hash != NULL;
    if (hash) memcpy(jb->hash[jb->n], hash, 16);
    jb->off[++jb->n] = jb->text.len;
    return 0;
}

void judge_submit(judge *j, judge_job *jb) {
    pthread_mutex_lock(&j->mu);
    jb->state = QUEUED;
    j->tail++;
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
}

judge_job *judge_done(judge *j, int wait) {
    if (j->head == j->tail) return NULL;
    judge_job *jb = &j->job[j->head % JUDGE_QUEUE];
    pthread_mutex_lock(&j->mu);
    while (wait && jb->state != DONE) pthread_cond_wait(&j->done, &j->mu);
    int done = jb->state == DONE;
    pthread_mutex_unlock(&j->mu);
    return done ? jb : NULL;
}

/* A job's room is kept for the next one up to this much an array: each
 * slot otherwise kept the room of the largest job it ever had (the
 * candidates' texts of a long article's crowd; 25 MB in all over 300,000
 * articles of the scale corpus). */
#define JOB_KEEP_BYTES ((size_t)32 << 10)

static void trim(void **p, size_t *cap, size_t size) {
    if (*cap * size <= JOB_KEEP_BYTES) return;
    free(*p);
    *p = NULL;
    *cap = 0;
}

void judge_release(judge *j, judge_job *jb) {
    if (jb->text.cap > JOB_KEEP_BYTES) buf_free(&jb->text);
    trim((void **)&jb->words, &jb->cap_words, sizeof *jb->words);
    trim((void **)&jb->seqs, &jb->cap_seqs, sizeof *jb->seqs);
    trim((void **)&jb->shingles, &jb->cap_shingles, sizeof *jb->shingles);
    trim((void **)&jb->paras, &jb->cap_paras, sizeof *jb->paras);
    pthread_mutex_lock(&j->mu);
    jb->state = FREE;
    pthread_mutex_unlock(&j->mu);
    j->head++;
}

size_t judge_pending(const judge *j) { return j->tail - j->head; }
