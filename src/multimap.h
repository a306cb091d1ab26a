/*
 * multimap.h - 32-bit keys to lists of 31-bit values, in 8-byte slots.
 *
 * The postings of duplicate detection kept in memory: the stream
 * deduper's (keys are 32 bits of a 64-bit hash, values its doc numbers)
 * and a store's recent postings (values are article seqs).  A key shared
 * by two hashes only adds a candidate, which verification drops.
 *
 * A key lists at most MM_CAP values; further adds are ignored, and a full
 * list reads as full (a phrase or boilerplate that many articles share is
 * no evidence of copying).
 */
#ifndef SL_MULTIMAP_H
#define SL_MULTIMAP_H

#include <stddef.h>
#include <stdint.h>

#define MM_CAP 64
#define MM_MAX_VALUE 0x7fffffffu

typedef struct mm_slot {
    uint32_t key;
    uint32_t ref; /* 0 empty; MM_ONE | value; else 1 + index of a list node */
} mm_slot;

typedef struct mm_node {
    uint32_t value;
    uint32_t next; /* node index + 1; 0: end */
} mm_node;

typedef struct multimap {
    mm_slot *slots;
    size_t cap, used;
    mm_node *nodes;
    size_t n_nodes, cap_nodes;
} multimap;

/* Add value (at most MM_MAX_VALUE) under key.  0, or -1 when memory
 * runs out. */
int mm_add(multimap *m, uint32_t key, uint32_t value);

/* The values under key into out (room for MM_CAP), newest first; their
 * number, MM_CAP when the list is full. */
size_t mm_get(const multimap *m, uint32_t key, uint32_t out[MM_CAP]);

/* Ask the CPU for key's home slot ahead of an mm_get of it: a lookup in
 * a table of millions of slots is a cache miss, and a batch of them
 * prefetched first overlap. */
void mm_prefetch(const multimap *m, uint32_t key);

/* Every (key, value); stops when cb returns non-zero, and returns that. */
int mm_each(const multimap *m, int (*cb)(void *ud, uint32_t key, uint32_t value), void *ud);

void mm_clear(multimap *m); /* empty, keeping no memory */

#endif
