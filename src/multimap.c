/*
 * multimap.c - open addressing with linear probing; a key's values are a
 * list of nodes, newest first.  The home slot comes from the key alone
 * (a multiply-shift onto any capacity), so the table grows without
 * anything but the slots.  It grows by half at 80 % full: doubling at
 * 75 % left the deduper's tables 40 % full on average at 1M articles,
 * and the slots are most of its memory.
 */
#include "multimap.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define MM_ONE 0x80000000u

static size_t home(uint32_t key, size_t cap) {
    uint32_t h = key * 0x9E3779B1u;
    return (size_t)(((uint64_t)h * cap) >> 32);
}

static size_t step(size_t i, size_t cap) { return i + 1 == cap ? 0 : i + 1; }

static int rehash(multimap *m, size_t ncap) {
    mm_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].ref) continue;
        size_t j = home(m->slots[i].key, ncap);
        while (ns[j].ref) j = step(j, ncap);
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

static const mm_slot *lookup(const multimap *m, uint32_t key) {
    if (!m->cap) return NULL;
    for (size_t i = home(key, m->cap);; i = step(i, m->cap)) {
        if (!m->slots[i].ref) return NULL;
        if (m->slots[i].key == key) return &m->slots[i];
    }
}

int mm_add(multimap *m, uint32_t key, uint32_t value) {
    if (value > MM_MAX_VALUE) return -1;
    if ((m->used + 1) * 5 > m->cap * 4 && rehash(m, m->cap ? m->cap + m->cap / 2 : 1024)) return -1;
    size_t i = home(key, m->cap);
    while (m->slots[i].ref && m->slots[i].key != key) i = step(i, m->cap);
    mm_slot *s = &m->slots[i];
    if (!s->ref) {
        *s = (mm_slot){key, value | MM_ONE};
        m->used++;
        return 0;
    }
    uint32_t head;
    if (s->ref & MM_ONE) {
        /* the single value becomes a list of one */
        if (array_grow((void **)&m->nodes, &m->cap_nodes, m->n_nodes + 2, sizeof *m->nodes)) return -1;
        m->nodes[m->n_nodes] = (mm_node){s->ref & ~MM_ONE, 0};
        head = (uint32_t)++m->n_nodes;
    } else {
        size_t count = 0;
        for (uint32_t p = s->ref; p && count < MM_CAP; p = m->nodes[p - 1].next) count++;
        if (count >= MM_CAP) return 0;
        if (array_grow((void **)&m->nodes, &m->cap_nodes, m->n_nodes + 1, sizeof *m->nodes)) return -1;
        head = s->ref;
    }
    m->nodes[m->n_nodes] = (mm_node){value, head};
    s->ref = (uint32_t)++m->n_nodes;
    return 0;
}

void mm_prefetch(const multimap *m, uint32_t key) {
    if (m->cap) __builtin_prefetch(&m->slots[home(key, m->cap)]);
}

size_t mm_get(const multimap *m, uint32_t key, uint32_t out[MM_CAP]) {
    const mm_slot *s = lookup(m, key);
    if (!s) return 0;
    if (s->ref & MM_ONE) {
        out[0] = s->ref & ~MM_ONE;
        return 1;
    }
    size_t n = 0;
    for (uint32_t p = s->ref; p && n < MM_CAP; p = m->nodes[p - 1].next) out[n++] = m->nodes[p - 1].value;
    return n;
}

int mm_each(const multimap *m, int (*cb)(void *ud, uint32_t key, uint32_t value), void *ud) {
    for (size_t i = 0; i < m->cap; i++) {
        const mm_slot *s = &m->slots[i];
        if (!s->ref) continue;
        if (s->ref & MM_ONE) {
            int rc = cb(ud, s->key, s->ref & ~MM_ONE);
            if (rc) return rc;
            continue;
        }
        for (uint32_t p = s->ref; p; p = m->nodes[p - 1].next) {
            int rc = cb(ud, s->key, m->nodes[p - 1].value);
            if (rc) return rc;
        }
    }
    return 0;
}

void mm_clear(multimap *m) {
    free(m->slots);
    free(m->nodes);
    memset(m, 0, sizeof *m);
}
