/*
 * stories.c - streaming clustering of articles into stories (stories.h).
 */
#include "stories.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Chosen on the dev files (make eval).  The titles' cosine at 0.2 took
 * giveme from 0.900 to 0.918 and ecbplus from 0.886 to 0.871 (a topic's
 * two events have alike headlines); numbers at 0.6 rather than 0.4 then
 * gave ecbplus back what tells its events apart (ages, tolls, counts):
 * 0.890, giveme 0.921, basil 0.978, the same within 0.005 for numbers
 * 0.55 to 0.6 and titles 0.2 to 0.3.  The merge step at 0.18 rather than
 * 0.25 then took ecbplus to 0.902 (0.896 to 0.902 for 0.15 to 0.2, 0.876
 * at 0.1), the others unchanged. */
void story_params_default(story_params *p) {
    p->threshold = 0.14;
    p->w_words = 1.0;
    p->w_names = 0.2;
    p->w_numbers = 0.6;
    p->title = 2.0;
    p->tau = 300.0;
    p->grace = 3.0;
    p->background = 0.0;
    p->merge = 0.18;
    p->w_titles = 0.25;
}

int story_params_parse(story_params *p, const char *spec) {
    /* "th=0.2 wn=0.3 ...": the keys of story_params_string, for tuning */
    while (spec && *spec) {
        while (*spec == ' ' || *spec == ',') spec++;
        if (!*spec) break;
        char key[16];
        double v;
        int used;
        if (sscanf(spec, "%15[a-z]=%lf%n", key, &v, &used) != 2) return -1;
        if (!strcmp(key, "th")) p->threshold = v;
        else if (!strcmp(key, "ww")) p->w_words = v;
        else if (!strcmp(key, "wn")) p->w_names = v;
        else if (!strcmp(key, "wd")) p->w_numbers = v;
        else if (!strcmp(key, "title")) p->title = v;
        else if (!strcmp(key, "tau")) p->tau = v;
        else if (!strcmp(key, "grace")) p->grace = v;
        else if (!strcmp(key, "bg")) p->background = v;
        else if (!strcmp(key, "merge")) p->merge = v;
        else if (!strcmp(key, "wt")) p->w_titles = v;
        else return -1;
        spec += used;
    }
    return 0;
}

const char *story_params_string(const story_params *p, char *out, size_t n) {
    snprintf(out, n, "stories1 th=%g w=%g,%g,%g,%g title=%g tau=%g grace=%g bg=%g merge=%g terms=%d members=%d",
             p->threshold, p->w_words, p->w_names, p->w_numbers, p->w_titles, p->title, p->tau, p->grace,
             p->background, p->merge, TERMS_MAX, STORY_MEMBERS);
    return out;
}

#define ID_SLOTS 16384 /* a power of two, over twice STORY_OPEN_MAX */
_Static_assert(ID_SLOTS >= 2 * STORY_OPEN_MAX, "ID_SLOTS");

/* A weighted term of one article: each of the four kinds a unit vector. */
typedef struct wterm {
    uint32_t key;
    float w;
} wterm;

typedef struct member {
    wterm *v;
    uint32_t n;
    uint8_t has[4]; /* the kinds present (3: title terms) */
} member;

/* The sums of a story's member vectors, by key: what makes the average
 * similarity to its members one pass over the article's terms.  v[0] sums
 * every member; for word keys v[1] sums the members with no names and
 * v[2] those with no numbers (they stand in for the missing kind). */
typedef struct sum_slot {
    uint32_t key; /* 0: empty */
    float v[3];
} sum_slot;
typedef struct sums {
    sum_slot *e;  /* key and sums side by side: a probe that finds its key
                   * finds the sums in the same cache line (two arrays cost
                   * two misses a hit) */
    uint32_t cap, used;
    uint32_t no_names, no_numbers; /* members lacking each kind */
} sums;

typedef struct ostory {
    int64_t id;        /* 0: a free slot */
    int32_t first_day, last_day;
    int dirty;         /* started since the last story_merge */
    member m[STORY_MEMBERS];
    uint32_t n_m, next_m; /* members held, ring position */
    sums sum;
} ostory;

/* key -> document frequency, open addressing */
typedef struct dfmap {
    uint32_t *key, *df;
    size_t cap, used;
} dfmap;

/* key -> open stories holding it: (slot, gen) pairs */
typedef struct plist {
    uint32_t key;
    uint32_t n, cap, pruned; /* pruned: length after the last prune */
    uint64_t *e;             /* slot << 32 | gen */
} plist;

struct story_state {
    story_params p;
    dfmap df;
    uint64_t docs;
    uint32_t bg_docs;
    ostory *open;
    size_t n_open, cap_open; /* slots in use (some free: id 0) */
    size_t live;
    plist *pl;
    size_t cap_pl, used_pl;
    uint64_t adds;
    int32_t stream_day;
    /* scratch */
    wterm *vec;
    size_t cap_vec;
    uint32_t *hits;
    size_t cap_hits;
    uint32_t *touched;
    size_t n_touched, cap_touched;
    int64_t *closed;
    size_t n_closed, cap_closed;
    story_merged *merged;
    size_t n_merged, cap_merged;
    struct { int64_t id; long slot; } ids[ID_SLOTS]; /* open story id -> slot */
    size_t *free_slots; /* closed slots, to reuse */
    size_t n_free, cap_free;
    /* per slot, bumped when its story closes: a posting (slot, gen) is of
     * an open story while the gens agree.  Apart from the slots, as the
     * candidate walk reads one for every posting. */
    uint32_t *gens;
    size_t cap_gens;
    /* the open stories from least to most recently updated, a list
     * through the slots (-1 ends it; prev -2: not in it): the one to close
     * when STORY_OPEN_MAX are open, without a scan of them all */
    struct lru { int32_t prev, next; } *lru;
    size_t cap_lru;
    int32_t lru_head, lru_tail;
};

static inline size_t mix(uint32_t k) { return (size_t)(k * 2654435761u); }

/* ---- document frequencies ------------------------------------------------ */

static int df_grow(dfmap *m) {
    size_t nc = m->cap ? m->cap * 2 : 4096;
    uint32_t *k = calloc(nc, sizeof *k), *d = calloc(nc, sizeof *d);
    if (!k || !d) {
        free(k), free(d);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i]) continue;
        size_t j = mix(m->key[i]) & (nc - 1);
        while (k[j]) j = (j + 1) & (nc - 1);
        k[j] = m->key[i], d[j] = m->df[i];
    }
    free(m->key), free(m->df);
    m->key = k, m->df = d, m->cap = nc;
    return 0;
}

static size_t df_find(const dfmap *m, uint32_t key) {
    size_t j = mix(key) & (m->cap - 1);
    while (m->key[j] && m->key[j] != key) j = (j + 1) & (m->cap - 1);
    return j;
}

static uint32_t df_get(const dfmap *m, uint32_t key) {
    if (!m->cap) return 0;
    size_t j = df_find(m, key);
    return m->key[j] ? m->df[j] : 0;
}

static int df_add(story_state *s, uint32_t key, uint32_t df) {
    dfmap *m = &s->df;
    if (2 * (m->used + 1) > m->cap && df_grow(m)) return -1;
    size_t j = df_find(m, key);
    if (!m->key[j]) m->key[j] = key, m->used++;
    m->df[j] += df;
    return 0;
}

int story_df_load(story_state *s, const void *blob, size_t n) {
    if (n % 8) return -1;
    const unsigned char *p = blob;
    for (size_t i = 0; i < n; i += 8, p += 8) {
        uint32_t k = le_get(p, 4), d = le_get(p + 4, 4);
        if (k && df_add(s, k, d)) return -1;
    }
    return 0;
}

int story_df_save(const story_state *s, buf *out) {
    buf_reset(out);
    if (buf_reserve(out, 8 * s->df.used)) return -1;
    unsigned char *p = (unsigned char *)out->p;
    for (size_t i = 0; i < s->df.cap; i++) {
        uint32_t k = s->df.key[i], d = s->df.df[i];
        if (!k) continue;
        le_put(p, k, 4);
        le_put(p + 4, d, 4);
        p += 8;
    }
    out->len = 8 * s->df.used;
    return 0;
}

void story_docs_add(story_state *s, uint64_t docs) { s->docs += docs; }
uint64_t story_docs(const story_state *s) { return s->docs; }

/* Count an article's terms. */
static int df_count(story_state *s, const term *t, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (df_add(s, t[i].key, 1)) return -1;
    s->docs++;
    return 0;
}

/* ---- weighting and similarity -------------------------------------------- */

/* The article's TF-IDF vector, each kind scaled to unit length, into
 * s->vec (sorted by key, as t is). */
static int weigh(story_state *s, const term *t, size_t n, member *out) {
    if (array_grow((void **)&s->vec, &s->cap_vec, 2 * n + 1, sizeof *s->vec)) return -1;
    double bg = s->p.background;
    double docs = (double)s->docs + bg * s->bg_docs + 1.0, norm[4] = {0, 0, 0, 0};
    size_t m = n;
    for (size_t i = 0; i < n; i++) {
        double tf = s->p.title * t[i].title + t[i].body;
        double df = (double)df_get(&s->df, t[i].key) + (bg > 0 ? bg * terms_bg_df(t[i].key) : 0.0);
        double idf = log(docs / (df + 0.5));
        double w = tf > 0 ? (1.0 + log(tf)) * idf : 0.0;
        if (w < 0) w = 0;
        s->vec[i] = (wterm){t[i].key, (float)w};
        norm[TERM_KIND(t[i].key)] += w * w;
        if (s->p.w_titles > 0 && t[i].title && idf > 0) {
            /* the title's terms again, as a fourth kind: a headline names
             * the event, and a page full of other text (a gallery, a
             * live blog) still has it */
            wterm x = {(t[i].key & 0x3fffffffu) | 3u << 30, (float)((1.0 + log(t[i].title)) * idf)};
            size_t j = m++;
            while (j > n && s->vec[j - 1].key > x.key) s->vec[j] = s->vec[j - 1], j--;
            s->vec[j] = x;
            norm[3] += (double)x.w * x.w;
        }
    }
    memset(out->has, 0, sizeof out->has);
    for (int k = 0; k < 4; k++) norm[k] = norm[k] > 0 ? 1.0 / sqrt(norm[k]) : 0.0;
    for (size_t i = 0; i < m; i++) {
        unsigned k = TERM_KIND(s->vec[i].key);
        s->vec[i].w = (float)(s->vec[i].w * norm[k]);
        if (s->vec[i].w > 0) out->has[k] = 1;
    }
    out->v = s->vec;
    out->n = (uint32_t)m;
    return 0;
}

/* The weighted sum of the four cosines; a kind one side lacks counts as
 * the words' cosine (no evidence either way). */
static double combo(const story_params *p, const member *a, const member *b) {
    double c[4] = {0, 0, 0, 0};
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i].key < b->v[j].key) i++;
        else if (a->v[i].key > b->v[j].key) j++;
        else {
            c[TERM_KIND(a->v[i].key)] += (double)a->v[i].w * (double)b->v[j].w;
            i++, j++;
        }
    }
    double names = a->has[1] && b->has[1] ? c[1] : c[0];
    double nums = a->has[2] && b->has[2] ? c[2] : c[0];
    double titles = a->has[3] && b->has[3] ? c[3] : c[0];
    return (p->w_words * c[0] + p->w_names * names + p->w_numbers * nums + p->w_titles * titles) /
           (p->w_words + p->w_names + p->w_numbers + p->w_titles);
}

static double decay(const story_params *p, int32_t day, int32_t last) {
    if (day == STORY_NO_DAY || last == STORY_NO_DAY || p->tau <= 0) return 1.0;
    double gap = fabs((double)day - (double)last) - p->grace;
    return gap > 0 ? 1.0 / (1.0 + gap / p->tau) : 1.0;
}

static const float *sums_get(const sums *m, uint32_t key) {
    if (!m->cap) return NULL;
    uint32_t j = (uint32_t)mix(key) & (m->cap - 1);
    while (m->e[j].key && m->e[j].key != key) j = (j + 1) & (m->cap - 1);
    return m->e[j].key ? m->e[j].v : NULL;
}

static int sums_add(sums *m, uint32_t key, float a, float b, float c) {
    if (2 * (m->used + 1) > m->cap) {
        uint32_t nc = m->cap ? m->cap * 2 : 256;
        sum_slot *e = calloc(nc, sizeof *e);
        if (!e) return -1;
        for (uint32_t i = 0; i < m->cap; i++) {
            if (!m->e[i].key) continue;
            uint32_t j = (uint32_t)mix(m->e[i].key) & (nc - 1);
            while (e[j].key) j = (j + 1) & (nc - 1);
            e[j] = m->e[i];
        }
        free(m->e);
        m->e = e, m->cap = nc;
    }
    uint32_t j = (uint32_t)mix(key) & (m->cap - 1);
    while (m->e[j].key && m->e[j].key != key) j = (j + 1) & (m->cap - 1);
    if (!m->e[j].key) m->e[j].key = key, m->used++;
    m->e[j].v[0] += a, m->e[j].v[1] += b, m->e[j].v[2] += c;
    return 0;
}

static int sums_member(sums *m, const member *d, float sign);

/* The story's sums made again from its members (after one leaves). */
static int sums_build(ostory *o) {
    sums *m = &o->sum;
    if (m->cap) memset(m->e, 0, m->cap * sizeof *m->e);
    m->used = m->no_names = m->no_numbers = 0;
    for (uint32_t i = 0; i < o->n_m; i++)
        if (sums_member(m, &o->m[i], 1.0f)) return -1;
    return 0;
}

/* Terms ahead whose sums slot story_sim() fetches early.  In perf samples
 * of a recluster of 100,000 scale-corpus articles story_add went from 1.99
 * to 1.59 times the (unchanged) candidate search, about 7 % of the whole;
 * the machine was too noisy that hour for wall times to show it. */
#ifndef SIM_AHEAD
#define SIM_AHEAD 8
#endif

/* The average of combo(a, member) over the story's members, from the
 * sums: combo is linear in each member once the stand-ins are split out. */
static double story_sim(const story_state *s, const ostory *o, const member *a) {
    if (!o->n_m) return 0.0;
    double w = 0, n = 0, d = 0, tt = 0, w_nonames = 0, w_nonum = 0;
    /* Each probe is a cache miss in a table of thousands of keys, and the
     * probe loop's branches keep the CPU from running ahead to the next:
     * the slot a few terms on is fetched early (SIM_AHEAD). */
    const uint32_t mask = o->sum.cap - 1, ahead = o->sum.cap ? SIM_AHEAD : 0;
    for (uint32_t i = 0; i < a->n && i < ahead; i++)
        __builtin_prefetch(&o->sum.e[(uint32_t)mix(a->v[i].key) & mask]);
    for (uint32_t i = 0; i < a->n; i++) {
        if (ahead && i + ahead < a->n) __builtin_prefetch(&o->sum.e[(uint32_t)mix(a->v[i + ahead].key) & mask]);
        const float *v = sums_get(&o->sum, a->v[i].key);
        if (!v) continue;
        double x = a->v[i].w;
        switch (TERM_KIND(a->v[i].key)) {
        case TERM_WORD:
            w += x * v[0], w_nonames += x * v[1], w_nonum += x * v[2];
            break;
        case TERM_NAME: n += x * v[0]; break;
        case TERM_NUMBER: d += x * v[0]; break;
        default: tt += x * v[0]; break;
        }
    }
    const story_params *p = &s->p;
    double names = a->has[1] ? n + w_nonames : w;
    double nums = a->has[2] ? d + w_nonum : w;
    double titles = a->has[3] ? tt : w;
    return (p->w_words * w + p->w_names * names + p->w_numbers * nums + p->w_titles * titles) /
           ((p->w_words + p->w_names + p->w_numbers + p->w_titles) * o->n_m);
}

long story_central(story_state *s, const term *const *t, const size_t *n, size_t k) {
    member *m = calloc(k ? k : 1, sizeof *m);
    double *sum = calloc(k ? k : 1, sizeof *sum);
    long best = k ? 0 : -1;
    for (size_t i = 0; m && sum && i < k; i++) {
        member a;
        if (weigh(s, t[i], n[i], &a) || !(m[i].v = malloc((a.n ? a.n : 1) * sizeof *a.v))) {
            best = -1;
            break;
        }
        memcpy(m[i].v, a.v, a.n * sizeof *a.v);
        m[i].n = a.n;
        memcpy(m[i].has, a.has, sizeof a.has);
    }
    if (!m || !sum) best = -1;
    for (size_t i = 0; best >= 0 && i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            double c = combo(&s->p, &m[i], &m[j]);
            sum[i] += c;
            sum[j] += c;
        }
    for (size_t i = 0; best >= 0 && i < k; i++)
        if (sum[i] > sum[best]) best = (long)i;
    for (size_t i = 0; m && i < k; i++) free(m[i].v);
    free(m);
    free(sum);
    return best;
}

double story_idf(const story_state *s, uint32_t key) {
    double docs = (double)s->docs + s->p.background * s->bg_docs + 1.0;
    double df = (double)df_get(&s->df, key) + (s->p.background > 0 ? s->p.background * terms_bg_df(key) : 0.0);
    double w = log(docs / (df + 0.5));
    return w > 0 ? w : 0;
}

/* ---- open stories and the inverted index ---------------------------------- */

static void member_free(member *m) {
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static void id_del(story_state *s, int64_t id);

static void lru_unlink(story_state *s, size_t slot) {
    int32_t p = s->lru[slot].prev, n = s->lru[slot].next;
    if (p == -2) return;
    if (p >= 0) s->lru[p].next = n;
    else s->lru_head = n;
    if (n >= 0) s->lru[n].prev = p;
    else s->lru_tail = p;
    s->lru[slot].prev = -2;
}

static void lru_push(story_state *s, size_t slot) {
    s->lru[slot] = (struct lru){s->lru_tail, -1};
    if (s->lru_tail >= 0) s->lru[s->lru_tail].next = (int32_t)slot;
    else s->lru_head = (int32_t)slot;
    s->lru_tail = (int32_t)slot;
}

static void close_slot(story_state *s, size_t slot) {
    ostory *o = &s->open[slot];
    if (!o->id) return;
    if (!array_grow((void **)&s->closed, &s->cap_closed, s->n_closed + 1, sizeof *s->closed))
        s->closed[s->n_closed++] = o->id;
    for (uint32_t i = 0; i < o->n_m; i++) member_free(&o->m[i]);
    o->n_m = o->next_m = 0;
    free(o->sum.e);
    memset(&o->sum, 0, sizeof o->sum);
    id_del(s, o->id);
    lru_unlink(s, slot);
    o->id = 0;
    s->gens[slot]++;
    s->live--;
    /* kept for the next new story (room for every slot was made when the
     * slot was) */
    s->free_slots[s->n_free++] = slot;
}

void story_closed(story_state *s, const int64_t **ids, size_t *n) {
    *ids = s->closed;
    *n = s->n_closed;
    s->n_closed = 0;
}

static plist *pl_get(story_state *s, uint32_t key, int create) {
    if (create && 2 * (s->used_pl + 1) > s->cap_pl) {
        size_t nc = s->cap_pl ? s->cap_pl * 2 : 4096;
        plist *np = calloc(nc, sizeof *np);
        if (!np) return NULL;
        for (size_t i = 0; i < s->cap_pl; i++) {
            if (!s->pl[i].key) continue;
            size_t j = mix(s->pl[i].key) & (nc - 1);
            while (np[j].key) j = (j + 1) & (nc - 1);
            np[j] = s->pl[i];
        }
        free(s->pl);
        s->pl = np;
        s->cap_pl = nc;
    }
    if (!s->cap_pl) return NULL;
    size_t j = mix(key) & (s->cap_pl - 1);
    while (s->pl[j].key && s->pl[j].key != key) j = (j + 1) & (s->cap_pl - 1);
    if (!s->pl[j].key) {
        if (!create) return NULL;
        s->pl[j].key = key;
        s->used_pl++;
    }
    return &s->pl[j];
}

static int live_entry(const story_state *s, uint64_t e) {
    size_t slot = (size_t)(e >> 32);
    return slot < s->n_open && s->gens[slot] == (uint32_t)e;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Drop entries of closed stories and repeats, when a list has doubled. */
static void pl_prune(story_state *s, plist *l) {
    qsort(l->e, l->n, sizeof *l->e, cmp_u64);
    uint32_t k = 0;
    for (uint32_t i = 0; i < l->n; i++)
        if (live_entry(s, l->e[i]) && (!k || l->e[k - 1] != l->e[i])) l->e[k++] = l->e[i];
    l->n = k;
    l->pruned = k;
}

/* Fetch early the slots in the table of term lists of the keys of
 * v[0, n) (of v[pick[0]], ... v[pick[n - 1]] when pick is not NULL), then
 * the lists' entries read next: each is a cache miss, and a loop that
 * meets them one by one waits for each (candidates() and post(), about
 * 30 % of a recluster's samples before). */
static void pl_prefetch(const story_state *s, const wterm *v, uint32_t n, const uint32_t *pick) {
    if (!s->cap_pl) return;
    size_t mask = s->cap_pl - 1;
    for (uint32_t i = 0; i < n; i++) __builtin_prefetch(&s->pl[mix(v[pick ? pick[i] : i].key) & mask]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t key = v[pick ? pick[i] : i].key;
        size_t j = mix(key) & mask;
        while (s->pl[j].key && s->pl[j].key != key) j = (j + 1) & mask;
        const plist *l = &s->pl[j];
        if (!l->key || !l->n) continue;
        if (pick) { /* the window candidates() reads, from its start */
            uint32_t j0 = l->n > STORY_POSTINGS ? l->n - STORY_POSTINGS : 0;
            __builtin_prefetch(&l->e[j0]);
        } else { /* the tail post() looks at */
            __builtin_prefetch(&l->e[l->n - 1]);
        }
    }
}

static int post(story_state *s, size_t slot, const member *m) {
    uint64_t e = (uint64_t)slot << 32 | s->gens[slot];
    pl_prefetch(s, m->v, m->n, NULL);
    for (uint32_t i = 0; i < m->n; i++) {
        plist *l = pl_get(s, m->v[i].key, 1);
        if (!l) return -1;
        int seen = 0;
        for (uint32_t j = l->n > 4 ? l->n - 4 : 0; j < l->n && !seen; j++) seen = l->e[j] == e;
        if (seen) continue;
        if (l->n == l->cap) {
            uint32_t nc = l->cap ? l->cap * 2 : 4;
            uint64_t *ne = realloc(l->e, nc * sizeof *ne);
            if (!ne) return -1;
            l->e = ne;
            l->cap = nc;
        }
        l->e[l->n++] = e;
        if (l->n >= 16 && l->n >= 2 * l->pruned) pl_prune(s, l);
    }
    return 0;
}

/* A free slot for a new story (the least recently updated closes when
 * STORY_OPEN_MAX are open). */
static long new_slot(story_state *s) {
    if (s->live >= STORY_OPEN_MAX && s->lru_head >= 0) close_slot(s, (size_t)s->lru_head);
    if (s->n_free) return (long)s->free_slots[--s->n_free]; /* the last closed first */
    if (array_grow((void **)&s->open, &s->cap_open, s->n_open + 1, sizeof *s->open) ||
        array_grow((void **)&s->free_slots, &s->cap_free, s->n_open + 1, sizeof *s->free_slots) ||
        array_grow((void **)&s->gens, &s->cap_gens, s->n_open + 1, sizeof *s->gens) ||
        array_grow((void **)&s->lru, &s->cap_lru, s->n_open + 1, sizeof *s->lru))
        return -1;
    memset(&s->open[s->n_open], 0, sizeof *s->open);
    s->gens[s->n_open] = 0;
    s->lru[s->n_open].prev = -2;
    return (long)s->n_open++;
}

/* Close the stories the stream has left behind. */
static void expire(story_state *s) {
    if (s->stream_day == STORY_NO_DAY) return;
    for (size_t i = 0; i < s->n_open; i++) {
        ostory *o = &s->open[i];
        if (o->id && o->last_day != STORY_NO_DAY && o->last_day < s->stream_day - STORY_OPEN_DAYS)
            close_slot(s, i);
    }
}

/* Keep a copy of m as the story's newest member. */
/* Add (sign 1) or take away (-1) a member's part of the story's sums. */
static int sums_member(sums *m, const member *d, float sign) {
    m->no_names += sign > 0 ? !d->has[1] : -(uint32_t)!d->has[1];
    m->no_numbers += sign > 0 ? !d->has[2] : -(uint32_t)!d->has[2];
    for (uint32_t j = 0; j < d->n; j++) {
        float w = sign * d->v[j].w;
        int word = TERM_KIND(d->v[j].key) == TERM_WORD;
        if (sums_add(m, d->v[j].key, w, word && !d->has[1] ? w : 0, word && !d->has[2] ? w : 0))
            return -1;
    }
    return 0;
}

/* Keep a copy of m as the story's newest member; the oldest leaves when
 * STORY_MEMBERS are held. */
static int remember(story_state *s, size_t slot, const member *m) {
    ostory *o = &s->open[slot];
    member *d = &o->m[o->next_m];
    if (o->n_m == STORY_MEMBERS) {
        if (sums_member(&o->sum, d, -1.0f)) return -1;
        member_free(d);
    } else {
        o->n_m++;
    }
    d->v = malloc((m->n ? m->n : 1) * sizeof *d->v);
    if (!d->v) return -1;
    memcpy(d->v, m->v, m->n * sizeof *d->v);
    d->n = m->n;
    memcpy(d->has, m->has, sizeof d->has);
    o->next_m = (o->next_m + 1) % STORY_MEMBERS;
    if (post(s, slot, d) || sums_member(&o->sum, d, 1.0f)) return -1;
    /* once a round, the sums again from the members: no rounding drift,
     * no keys of members gone */
    if (o->n_m == STORY_MEMBERS && o->next_m == 0) return sums_build(o);
    return 0;
}

static long slot_of(const story_state *s, int64_t id) {
    for (size_t i = (size_t)mix((uint32_t)id ^ (uint32_t)(id >> 32)) & (ID_SLOTS - 1);;
         i = (i + 1) & (ID_SLOTS - 1)) {
        if (!s->ids[i].id) return -1;
        if (s->ids[i].id == id) return s->ids[i].slot;
    }
}

static void id_put(story_state *s, int64_t id, size_t slot) {
    size_t i = (size_t)mix((uint32_t)id ^ (uint32_t)(id >> 32)) & (ID_SLOTS - 1);
    while (s->ids[i].id) i = (i + 1) & (ID_SLOTS - 1);
    s->ids[i].id = id;
    s->ids[i].slot = (long)slot;
}

/* Linear probing deletes by moving later entries of the run back. */
static void id_del(story_state *s, int64_t id) {
    size_t i = (size_t)mix((uint32_t)id ^ (uint32_t)(id >> 32)) & (ID_SLOTS - 1);
    while (s->ids[i].id && s->ids[i].id != id) i = (i + 1) & (ID_SLOTS - 1);
    if (!s->ids[i].id) return;
    s->ids[i].id = 0;
    for (size_t j = (i + 1) & (ID_SLOTS - 1); s->ids[j].id; j = (j + 1) & (ID_SLOTS - 1)) {
        size_t home = (size_t)mix((uint32_t)s->ids[j].id ^ (uint32_t)(s->ids[j].id >> 32)) & (ID_SLOTS - 1);
        /* move j to i when its home is not in (i, j] (cyclically) */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            s->ids[i] = s->ids[j];
            s->ids[j].id = 0;
            i = j;
        }
    }
}

static void touch(story_state *s, size_t slot, int32_t day) {
    ostory *o = &s->open[slot];
    ++s->adds;
    lru_unlink(s, slot);
    lru_push(s, slot);
    if (day != STORY_NO_DAY && (o->last_day == STORY_NO_DAY || day > o->last_day)) o->last_day = day;
    if (day != STORY_NO_DAY && (o->first_day == STORY_NO_DAY || day < o->first_day)) o->first_day = day;
}

/* x weighs more than y in m (ties: the earlier term): a total order. */
static inline int heavier(const member *m, uint32_t x, uint32_t y) {
    return m->v[x].w > m->v[y].w || (m->v[x].w == m->v[y].w && x < y);
}

/* The indices of m's STORY_KEYS heaviest terms of positive weight, in any
 * order, into top (room for TERMS_MAX); their number.  A selection, as
 * replacing the lightest of those kept cost a scan of them per term. */
static size_t heaviest(const member *m, uint32_t *top) {
    size_t n = 0;
    for (uint32_t i = 0; i < m->n && n < TERMS_MAX; i++)
        if (m->v[i].w > 0) top[n++] = i;
    if (n <= STORY_KEYS) return n;
    size_t lo = 0, hi = n; /* the STORY_KEYS first by `heavier` into top[0, STORY_KEYS) */
    while (hi - lo > 1) {
        uint32_t pivot = top[lo + (hi - lo) / 2], t;
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (heavier(m, top[i], pivot)) i++;
            while (heavier(m, pivot, top[j])) j--;
            if (i <= j) {
                t = top[i], top[i] = top[j], top[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (STORY_KEYS <= j) hi = j + 1;
        else if (STORY_KEYS >= i) lo = i;
        else break;
    }
    return STORY_KEYS;
}

/* Open stories sharing the heaviest terms of a (not the one in slot
 * skip), most shared first, into s->touched[0, *nc); s->hits are 0 again
 * after.  0 or -1. */
static int candidates(story_state *s, const member *m, long skip, size_t *count) {
    const member a = *m;
    if (s->cap_hits < s->n_open + 1) { /* hits are kept at 0 between calls */
        size_t nc = 2 * (s->n_open + 1);
        uint32_t *h = realloc(s->hits, nc * sizeof *h);
        if (!h) return -1;
        memset(h + s->cap_hits, 0, (nc - s->cap_hits) * sizeof *h);
        s->hits = h;
        s->cap_hits = nc;
    }
    /* the article's STORY_KEYS terms of most weight find the candidates */
    uint32_t top[TERMS_MAX];
    size_t nt = heaviest(&a, top);
    pl_prefetch(s, a.v, (uint32_t)nt, top);
    s->n_touched = 0;
    for (size_t q = 0; q < nt; q++) {
        plist *l = pl_get(s, a.v[top[q]].key, 0);
        if (!l) continue;
        /* the newest STORY_POSTINGS stories of a list: bounded work for a
         * term every story has (entries are appended as stories grow) */
        for (uint32_t j = l->n > STORY_POSTINGS ? l->n - STORY_POSTINGS : 0; j < l->n; j++) {
            if (!live_entry(s, l->e[j])) continue;
            uint32_t slot = (uint32_t)(l->e[j] >> 32);
            if ((long)slot == skip) continue;
            if (!s->hits[slot]) {
                if (array_grow((void **)&s->touched, &s->cap_touched, s->n_touched + 1,
                               sizeof *s->touched))
                    return -1;
                s->touched[s->n_touched++] = slot;
            }
            if (s->hits[slot] < STORY_KEYS) s->hits[slot]++;
        }
    }
    /* the STORY_CANDIDATES with most hits first (a counting sort: hits are
     * at most STORY_KEYS; ties keep the order met) */
    size_t nc = s->n_touched;
    if (nc > STORY_CANDIDATES) {
        size_t start[STORY_KEYS + 2] = {0};
        for (size_t i = 0; i < nc; i++) start[STORY_KEYS - s->hits[s->touched[i]] + 1]++;
        for (size_t h = 1; h <= STORY_KEYS + 1; h++) start[h] += start[h - 1];
        if (array_grow((void **)&s->touched, &s->cap_touched, 2 * nc, sizeof *s->touched)) return -1;
        uint32_t *sorted = s->touched + nc;
        for (size_t i = 0; i < nc; i++) sorted[start[STORY_KEYS - s->hits[s->touched[i]]]++] = s->touched[i];
        memcpy(s->touched, sorted, nc * sizeof *sorted);
    }
    for (size_t i = 0; i < nc; i++) s->hits[s->touched[i]] = 0;
    if (nc > STORY_CANDIDATES) nc = STORY_CANDIDATES;
    *count = nc;
    return 0;
}

int story_add(story_state *s, const term *t, size_t n, int32_t day, int64_t copy_of,
              int64_t next_id, story_event *ev) {
    ev->created = 0;
    ev->similarity = 0;
    if (day != STORY_NO_DAY && (s->stream_day == STORY_NO_DAY || day > s->stream_day)) {
        s->stream_day = day;
        if ((s->adds & 255) == 0) expire(s);
    }
    if (copy_of) {
        /* a copy joins its original's story, weighed by nothing */
        ev->story = copy_of;
        ev->similarity = 1.0;
        long slot = slot_of(s, copy_of);
        if (slot >= 0) touch(s, (size_t)slot, day);
        return 0;
    }
    if (df_count(s, t, n)) return -1;
    member a;
    if (weigh(s, t, n, &a)) return -1;
    size_t nc;
    if (candidates(s, &a, -1, &nc)) return -1;
    long best = -1;
    double bs = 0;
    for (size_t i = 0; i < nc; i++) {
        uint32_t slot = s->touched[i];
        const ostory *o = &s->open[slot];
        double sim = story_sim(s, o, &a) * decay(&s->p, day, o->last_day);
        if (sim > bs || (sim == bs && best >= 0 && o->id < s->open[best].id)) {
            bs = sim;
            best = slot;
        }
    }
    if (best < 0 || bs < s->p.threshold) {
        best = new_slot(s);
        if (best < 0) return -1;
        ostory *o = &s->open[best];
        o->id = next_id;
        o->dirty = 1; /* new: the merge step looks at it */
        id_put(s, next_id, (size_t)best);
        o->first_day = o->last_day = day;
        s->live++;
        ev->created = 1;
        bs = 0;
    }
    ev->story = s->open[best].id;
    ev->similarity = bs;
    touch(s, (size_t)best, day);
    return remember(s, (size_t)best, &a);
}

/* The average similarity between the members of stories a and b, from
 * their sums (one pass over the smaller; a kind one member lacks counts
 * as nothing here, not as the words' cosine), lowered by the days between
 * their last updates. */
static double between(const story_state *s, const ostory *a, const ostory *b) {
    if (!a->n_m || !b->n_m) return 0;
    if (a->sum.used > b->sum.used) {
        const ostory *t = a;
        a = b, b = t;
    }
    double c[4] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < a->sum.cap; i++) {
        const sum_slot *x = &a->sum.e[i];
        if (!x->key) continue;
        const float *v = sums_get(&b->sum, x->key);
        if (!v) continue;
        c[TERM_KIND(x->key)] += (double)x->v[0] * v[0];
    }
    const story_params *p = &s->p;
    double sim = (p->w_words * c[0] + p->w_names * c[1] + p->w_numbers * c[2] + p->w_titles * c[3]) /
                 ((p->w_words + p->w_names + p->w_numbers + p->w_titles) * a->n_m * b->n_m);
    return sim * decay(p, a->last_day, b->last_day);
}

int story_merge(story_state *s, const story_merged **out, size_t *n) {
    s->n_merged = 0;
    *out = s->merged;
    *n = 0;
    if (s->p.merge <= 0) {
        for (size_t i = 0; i < s->n_open; i++) s->open[i].dirty = 0;
        return 0;
    }
    for (size_t i = 0; i < s->n_open; i++) {
        ostory *a = &s->open[i];
        if (!a->id || !a->dirty || !a->n_m) continue;
        a->dirty = 0;
        /* candidates from its newest member's terms */
        const member *last = &a->m[(a->next_m + STORY_MEMBERS - 1) % STORY_MEMBERS];
        if (a->n_m < STORY_MEMBERS) last = &a->m[a->n_m - 1];
        size_t nc;
        if (candidates(s, last, (long)i, &nc)) return -1;
        long best = -1;
        double bs = 0;
        for (size_t k = 0; k < nc; k++) {
            const ostory *b = &s->open[s->touched[k]];
            double sim = between(s, a, b);
            if (sim > bs) bs = sim, best = s->touched[k];
        }
        if (best < 0 || bs < s->p.merge) continue;
        /* the older id stays: the younger's members move over */
        ostory *b = &s->open[best];
        ostory *keep = a->id < b->id ? a : b, *gone = a->id < b->id ? b : a;
        size_t keep_slot = (size_t)(keep - s->open), gone_slot = (size_t)(gone - s->open);
        if (array_grow((void **)&s->merged, &s->cap_merged, s->n_merged + 1, sizeof *s->merged))
            return -1;
        s->merged[s->n_merged++] = (story_merged){keep->id, gone->id, bs};
        uint32_t k0 = gone->n_m < STORY_MEMBERS ? 0 : gone->next_m; /* oldest first */
        for (uint32_t k = 0; k < gone->n_m; k++) {
            member *m = &gone->m[(k0 + k) % STORY_MEMBERS];
            if (remember(s, keep_slot, m)) return -1;
        }
        int32_t first = gone->first_day, lastd = gone->last_day;
        if (first != STORY_NO_DAY && (keep->first_day == STORY_NO_DAY || first < keep->first_day))
            keep->first_day = first;
        if (lastd != STORY_NO_DAY && (keep->last_day == STORY_NO_DAY || lastd > keep->last_day))
            keep->last_day = lastd;
        size_t closed = s->n_closed;
        close_slot(s, gone_slot);
        s->n_closed = closed; /* merged, not closed */
        keep->dirty = 0;
    }
    *out = s->merged;
    *n = s->n_merged;
    return 0;
}

int story_reopen(story_state *s, int64_t id, int32_t last_day, const term *const *members,
                 const size_t *n_members, size_t k) {
    long slot = new_slot(s);
    if (slot < 0) return -1;
    ostory *o = &s->open[slot];
    o->id = id;
    id_put(s, id, (size_t)slot);
    o->last_day = last_day;
    s->live++;
    touch(s, (size_t)slot, last_day);
    for (size_t i = 0; i < k; i++) {
        member a;
        if (weigh(s, members[i], n_members[i], &a) || remember(s, (size_t)slot, &a)) return -1;
    }
    if (last_day != STORY_NO_DAY && (s->stream_day == STORY_NO_DAY || last_day > s->stream_day))
        s->stream_day = last_day;
    return 0;
}

story_state *story_new(const story_params *p) {
    story_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (p) s->p = *p;
    else story_params_default(&s->p);
    s->bg_docs = terms_bg_docs();
    s->stream_day = STORY_NO_DAY;
    s->lru_head = s->lru_tail = -1;
    return s;
}

void story_free(story_state *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_open; i++) {
        for (uint32_t j = 0; j < s->open[i].n_m; j++) member_free(&s->open[i].m[j]);
        free(s->open[i].sum.e);
    }
    free(s->open);
    for (size_t i = 0; i < s->cap_pl; i++) free(s->pl[i].e);
    free(s->pl);
    free(s->df.key), free(s->df.df);
    free(s->vec), free(s->hits), free(s->touched), free(s->closed), free(s->merged), free(s->free_slots);
    free(s->gens), free(s->lru);
    free(s);
}

/* Days from civil date (proleptic Gregorian), after Howard Hinnant's
 * public-domain algorithm description. */
int32_t story_day(const char *date) {
    if (!date) return STORY_NO_DAY;
    int y, m, d;
    char tail;
    if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3) return STORY_NO_DAY;
    if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999) return STORY_NO_DAY;
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
