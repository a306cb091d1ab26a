/*
 * pool.h - items prepared on several threads, consumed in order on the
 * caller's: cleaning and fingerprinting run on every core while one
 * writer indexes and stores (DESIGN.md: one writer).
 */
#ifndef SL_POOL_H
#define SL_POOL_H

#include <stddef.h>

typedef struct pool_fns {
    void *ctx;
    /* Prepare item i on worker w (0 is the caller's thread). */
    void (*prepare)(void *ctx, unsigned w, size_t i);
    /* Consume item i on the caller's thread, after its prepare and after
     * item i - 1; non-zero stops: nothing more is prepared or consumed. */
    int (*consume)(void *ctx, size_t i);
} pool_fns;

/*
 * Items 0 to n - 1 on `workers` threads in all (the caller's among them).
 * With window > 0, at most window items are prepared and not yet
 * consumed (item i is prepared after item i - window is consumed), so
 * they can live in window slots.  Returns 0, or -1 when the bookkeeping
 * could not be allocated (nothing ran).  A thread that cannot be started
 * leaves its share to the others.
 */
int pool_run(const pool_fns *f, size_t n, unsigned workers, size_t window);

/* One worker per online core, at most 64. */
unsigned pool_cores(void);

#endif
