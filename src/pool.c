/*
 * pool.c - the ordered pool of pool.h.  Items are claimed under one mutex
 * (an item costs tens of microseconds; the lock, tens of nanoseconds).
 * While the item it needs next is not ready, the caller prepares others
 * rather than wait, but never one beyond the window: it would wait for
 * itself.
 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_WORKERS 64

typedef struct pool {
    const pool_fns *f;
    size_t n, window;
    size_t next;      /* first unclaimed item */
    size_t consumed;  /* items consumed */
    int stop;
    unsigned char *ready;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pool;

typedef struct worker_arg {
    pool *p;
    unsigned w;
} worker_arg;

/* Claim the next item into *i, under the lock.  A worker waits for the
 * window to move; the caller (wait == 0) does not.  0: nothing to claim. */
static int claim(pool *p, size_t *i, int wait) {
    for (;;) {
        if (p->stop || p->next >= p->n) return 0;
        if (!p->window || p->next < p->consumed + p->window) {
            *i = p->next++;
            return 1;
        }
        if (!wait) return 0;
        pthread_cond_wait(&p->cv, &p->mu);
    }
}

/* Prepare item i with the lock released; back under the lock, ready. */
static void prepare_one(pool *p, unsigned w, size_t i) {
    pthread_mutex_unlock(&p->mu);
    p->f->prepare(p->f->ctx, w, i);
    pthread_mutex_lock(&p->mu);
    p->ready[i] = 1;
    pthread_cond_broadcast(&p->cv);
}

static void *work(void *arg) {
    worker_arg *a = arg;
    pool *p = a->p;
    size_t i;
    pthread_mutex_lock(&p->mu);
    while (claim(p, &i, 1)) prepare_one(p, a->w, i);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int pool_run(const pool_fns *f, size_t n, unsigned workers, size_t window) {
    if (!n) return 0;
    pool p = {.f = f, .n = n, .window = window};
    p.ready = calloc(n, 1);
    if (!p.ready) return -1;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    pthread_t th[MAX_WORKERS];
    worker_arg args[MAX_WORKERS];
    unsigned started = 0;
    for (unsigned t = 1; t < workers; t++) {
        args[started] = (worker_arg){&p, t};
        if (pthread_create(&th[started], NULL, work, &args[started])) break;
        started++;
    }
    pthread_mutex_lock(&p.mu);
    for (size_t i = 0; i < n && !p.stop; i++) {
        while (!p.ready[i]) {
            size_t j;
            if (claim(&p, &j, 0)) prepare_one(&p, 0, j);
            else pthread_cond_wait(&p.cv, &p.mu);
        }
        pthread_mutex_unlock(&p.mu);
        int stop = f->consume(f->ctx, i);
        pthread_mutex_lock(&p.mu);
        p.consumed = i + 1;
        if (stop) p.stop = 1;
        pthread_cond_broadcast(&p.cv);
    }
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (unsigned t = 0; t < started; t++) pthread_join(th[t], NULL);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    free(p.ready);
    return 0;
}

unsigned pool_cores(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}
