/*
 * readahead.c - the reader on a thread of its own, one batch ahead.
 *
 * Reading and parsing a batch of JSON lines is a twentieth of the work
 * of `storyline dedup`, and while the caller's thread did it between
 * batches the other cores had nothing to prepare.  Here a thread reads
 * batch k + 1 while batch k goes through the deduper.  What it reads is
 * handed over whole, in input order, errors included: the caller prints
 * and counts them in their turn, so the output and its order are the
 * same as when one thread did everything (and are, with threads == 1).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct readahead {
    sl_reader *r;
    ra_take take;
    void *ud;
    size_t max_items, max_bytes;
    int threaded;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ra_batch ready;   /* read and not yet taken, when has_ready */
    int has_ready, done, stop;
};

/* Read one batch into b: at most max_items inputs (articles and
 * rejected ones) or about max_bytes of articles.  Returns 0 at
 * the end of the input (b may still hold items), 1 when there is more. */
static int fill_items(readahead *ra, ra_batch *b) {
    b->n = 0;
    b->read = 0;
    b->it = malloc(ra->max_items * sizeof *b->it);
    if (!b->it) {
        b->oom = 1;
        return 0;
    }
    size_t bytes = 0;
    const sl_article *a;
    sl_status s;
    while (b->n < ra->max_items && bytes < ra->max_bytes) {
        if ((s = sl_reader_next(ra->r, &a)) == SL_DONE) return 0;
        b->read++;
        ra_item *it = &b->it[b->n++];
        *it = (ra_item){0};
        if (s != SL_OK) {
            it->why = strdup(sl_reader_errmsg(ra->r));
            if (s == SL_ENOMEM || !it->why) {
                b->oom = 1;
                return 0;
            }
            continue;
        }
        it->h = ra->take(ra->ud, ra->r, a, &it->why);
        if (!it->h && !it->why) {
            b->oom = 1;
            return 0;
        }
        if (it->h) bytes += it->h->a.text_len + it->h->raw_len;
    }
    return 1;
}

/* fill_items, and where the reader is after it (for a progress bar) */
static int fill(readahead *ra, ra_batch *b) {
    int more = fill_items(ra, b);
    sl_reader_progress(ra->r, &b->done, &b->total);
    return more;
}

static void *run(void *arg) {
    readahead *ra = arg;
    for (int more = 1; more;) {
        ra_batch b = {0};
        more = fill(ra, &b) && !b.oom;
        pthread_mutex_lock(&ra->mu);
        while (ra->has_ready && !ra->stop) pthread_cond_wait(&ra->cv, &ra->mu);
        if (ra->stop) {
            pthread_mutex_unlock(&ra->mu);
            ra_batch_free(&b);
            break;
        }
        ra->ready = b;
        ra->has_ready = 1;
        if (!more) ra->done = 1;
        pthread_cond_broadcast(&ra->cv);
        pthread_mutex_unlock(&ra->mu);
    }
    return NULL;
}

readahead *ra_start(sl_reader *r, ra_take take, void *ud, size_t max_items, size_t max_bytes,
                    int threaded) {
    readahead *ra = calloc(1, sizeof *ra);
    if (!ra) return NULL;
    *ra = (readahead){.r = r, .take = take, .ud = ud, .max_items = max_items ? max_items : 1,
                      .max_bytes = max_bytes};
    pthread_mutex_init(&ra->mu, NULL);
    pthread_cond_init(&ra->cv, NULL);
    ra->threaded = threaded && pthread_create(&ra->th, NULL, run, ra) == 0;
    return ra;
}

int ra_next(readahead *ra, ra_batch *b) {
    *b = (ra_batch){0};
    if (!ra->threaded) {
        if (ra->done) return 0;
        ra->done = !fill(ra, b) || b->oom;
        if (b->n > 0 || b->oom) return 1;
        ra_batch_free(b);
        return 0;
    }
    pthread_mutex_lock(&ra->mu);
    while (!ra->has_ready && !ra->done) pthread_cond_wait(&ra->cv, &ra->mu);
    int got = ra->has_ready;
    if (got) {
        *b = ra->ready;
        ra->has_ready = 0;
        pthread_cond_broadcast(&ra->cv);
    }
    pthread_mutex_unlock(&ra->mu);
    if (got && (b->n > 0 || b->oom)) return 1;
    ra_batch_free(b);
    return 0;
}

void ra_batch_free(ra_batch *b) {
    for (size_t i = 0; i < b->n; i++) {
        free(b->it[i].h);
        free(b->it[i].why);
    }
    free(b->it);
    *b = (ra_batch){0};
}

void ra_stop(readahead *ra) {
    if (!ra) return;
    if (ra->threaded) {
        pthread_mutex_lock(&ra->mu);
        ra->stop = 1;
        pthread_cond_broadcast(&ra->cv);
        pthread_mutex_unlock(&ra->mu);
        pthread_join(ra->th, NULL);
        if (ra->has_ready) ra_batch_free(&ra->ready);
    }
    pthread_mutex_destroy(&ra->mu);
    pthread_cond_destroy(&ra->cv);
    free(ra);
}
