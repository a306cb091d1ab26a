/*
 * claimgroup.c - the stored claims gathered within each story, when read
 * (sl_claim_groups):
 *
 *   - one claim group: claims of one speaker (its entity, else its words
 *     or its source's in lower case) that reject alike (a speaker's denial is not its
 *     claim) and say much the same: Dice over their content's terms
 *     (terms.h: stems and numbers; not the words of saying, such as
 *     "claims", data/cues.txt) at least SAME_DICE with at least
 *     two terms shared, and not when both give numbers and share none;
 *     linked claims chain (single link);
 *   - a denial (stance deny, not negated) disputes the groups of the
 *     other speakers' claims its content's terms overlap most: those
 *     shared over the smaller set, at least DISPUTE_OVERLAP and two shared
 *     ("China denied claims that ... its citizens [are] fighting in
 *     Ukraine" against "155 Chinese citizens are fighting ... in
 *     Ukraine").
 *
 * Groups are made again on every read, so they follow stories as they
 * grow and merge; a group's id is its earliest stored claim's.  Neither
 * threshold could be tuned on labelled data (there is none for claim
 * groups): both were set on the seeds and on the cases of
 * tests/cli/claims.t.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "engine.h"
#include "store.h"
#include "terms.h"

#define SAME_DICE 0.6
#define DISPUTE_OVERLAP 0.5
#define MAX_COMPARED 4096 /* a claim is compared with this many before it at most */

enum { F_SPEAKER, F_SOURCE, F_CUE, F_STANCE, F_CONTENT, F_VALUES, F_ARTICLE, F_DATE, F_OUTLET, F_ENTITY, N_F };
#define NONE ((size_t)-1)

typedef struct gclaim {
    int64_t id, article, entity;
    size_t str[N_F];   /* offsets into the arena, NONE for NULL */
    int negated, direct, rejects, selected, copy;
    uint64_t who;      /* the speaker's key; 0: unknown */
    size_t t0, nt;     /* content terms: keys[t0, t0 + nt), sorted */
    size_t root;
} gclaim;

/* A claim's index under a key: its speaker's, then its group's. */
typedef struct keyed {
    uint64_t key;
    size_t i;
} keyed;

typedef struct link {
    size_t from, to; /* roots: from disputes to */
} link;

typedef struct grouper {
    sl_engine *e;
    const sl_claim_filter *f;
    int64_t want_entity;
    int (*cb)(void *, const sl_claim_group *);
    void *ud;
    sl_status st;
    int stop;
    int64_t story;
    gclaim *c;
    size_t n, cap;
    buf arena;
    buf text;        /* a content being read */
    uint32_t *keys;
    size_t nk, cap_k;
    keyed *order;    /* claim indexes, sorted by speaker, then by group */
    link *links;
    size_t n_links, cap_links;
    /* what one group hands out */
    sl_claim *out;
    size_t cap_out;
    const char **vals;
    size_t cap_vals;
    int64_t *ids;
    size_t cap_ids;
    int64_t *seqs;
    size_t cap_seqs;
    const char **outs;
    size_t cap_outs;
} grouper;

static size_t put(grouper *g, const char *s) {
    if (!s) return NONE;
    size_t at = g->arena.len;
    if (buf_put(&g->arena, s, strlen(s) + 1)) {
        g->st = SL_ENOMEM;
        return NONE;
    }
    return at;
}

static const char *str(const grouper *g, size_t off) {
    return off == NONE ? NULL : g->arena.p + off;
}

/* ---- comparing ----------------------------------------------------------------- */

static size_t shared(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else k++, i++, j++;
    }
    return k;
}

static int numbers(const uint32_t *a, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (TERM_KIND(a[i]) == TERM_NUMBER) return 1;
    return 0;
}

static int same_claim(const grouper *g, const gclaim *x, const gclaim *y) {
    const uint32_t *a = g->keys + x->t0, *b = g->keys + y->t0;
    size_t k = shared(a, x->nt, b, y->nt);
    if (k < 2 || 2.0 * (double)k < SAME_DICE * (double)(x->nt + y->nt)) return 0;
    if (numbers(a, x->nt) && numbers(b, y->nt)) { /* their numbers must meet */
        int met = 0;
        for (size_t i = 0, j = 0; i < x->nt && j < y->nt && !met;) {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else met = TERM_KIND(a[i]) == TERM_NUMBER, i++, j++;
        }
        return met;
    }
    return 1;
}

/* How much of what denial d and claim c are about they share: over the
 * smaller set, 0 below two terms or DISPUTE_OVERLAP. */
static double disputes(const grouper *g, const gclaim *d, const gclaim *c) {
    size_t k = shared(g->keys + d->t0, d->nt, g->keys + c->t0, c->nt);
    size_t small = d->nt < c->nt ? d->nt : c->nt;
    double o = small ? (double)k / (double)small : 0;
    return k >= 2 && o >= DISPUTE_OVERLAP ? o : 0;
}

static size_t find(gclaim *c, size_t i) {
    while (c[i].root != i) i = c[i].root = c[c[i].root].root;
    return i;
}

static void join(gclaim *c, size_t i, size_t j) {
    size_t a = find(c, i), b = find(c, j);
    if (a != b) c[a > b ? a : b].root = a < b ? a : b; /* the earlier claim leads */
}

static int by_key(const void *x, const void *y) {
    const keyed *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static int by_string(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int by_seq(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* ---- handing out a story's groups ------------------------------------------------- */

static int add_link(grouper *g, size_t from, size_t to) {
    for (size_t i = 0; i < g->n_links; i++)
        if (g->links[i].from == from && g->links[i].to == to) return 0;
    if (array_grow((void **)&g->links, &g->cap_links, g->n_links + 1, sizeof *g->links)) return -1;
    g->links[g->n_links++] = (link){from, to};
    return 0;
}

/* Hand out the group of the claims mem[0, k) (indexes, in order), root r:
 * min_id[root] is a group's id, its smallest claim id. */
static sl_status emit(grouper *g, const keyed *mem, size_t k, size_t r, const int64_t *min_id) {
    size_t nv = 0, any = 0;
    for (size_t i = 0; i < k; i++) {
        const gclaim *c = &g->c[mem[i].i];
        any |= (size_t)c->selected;
        const char *v = str(g, c->str[F_VALUES]);
        if (v) {
            nv++;
            for (const char *p = v; *p; p++) nv += *p == '\n';
        }
    }
    if (!any) return SL_OK;
    size_t nl = 0;
    for (size_t i = 0; i < g->n_links; i++) nl += g->links[i].from == r || g->links[i].to == r;
    if (array_grow((void **)&g->out, &g->cap_out, k, sizeof *g->out) ||
        array_grow((void **)&g->vals, &g->cap_vals, nv + 1, sizeof *g->vals) ||
        array_grow((void **)&g->ids, &g->cap_ids, nl + 1, sizeof *g->ids) ||
        array_grow((void **)&g->seqs, &g->cap_seqs, k, sizeof *g->seqs) ||
        array_grow((void **)&g->outs, &g->cap_outs, k, sizeof *g->outs))
        return SL_ENOMEM;
    int64_t *disp = g->ids, *by;
    size_t n_disp = 0, n_by = 0, n_outs = 0, used = 0;
    for (size_t i = 0; i < g->n_links; i++)
        if (g->links[i].from == r) disp[n_disp++] = min_id[g->links[i].to];
    by = g->ids + n_disp;
    for (size_t i = 0; i < g->n_links; i++)
        if (g->links[i].to == r) by[n_by++] = min_id[g->links[i].from];
    for (size_t m = 0; m < k; m++) {
        gclaim *c = &g->c[mem[m].i];
        sl_claim *o = &g->out[m];
        *o = (sl_claim){
            .id = c->id, .group = min_id[r], .story = g->story,
            .article = str(g, c->str[F_ARTICLE]), .date = str(g, c->str[F_DATE]),
            .outlet = str(g, c->str[F_OUTLET]), .speaker = str(g, c->str[F_SPEAKER]),
            .entity = c->entity, .entity_name = str(g, c->str[F_ENTITY]),
            .source = str(g, c->str[F_SOURCE]), .cue = str(g, c->str[F_CUE]),
            .stance = str(g, c->str[F_STANCE]), .content = str(g, c->str[F_CONTENT]),
            .negated = c->negated, .direct = c->direct, .selected = c->selected, .copy = c->copy,
            .values = g->vals + used, .disputes = disp, .n_disputes = n_disp,
        };
        if (o->outlet) g->outs[n_outs++] = o->outlet;
        char *v = c->str[F_VALUES] == NONE ? NULL : g->arena.p + c->str[F_VALUES];
        while (v) { /* "155\n$200 billion", split in place */
            g->vals[used++] = v;
            o->n_values++;
            char *end = strchr(v, '\n');
            if (end) *end = '\0';
            v = end ? end + 1 : NULL;
        }
        if (!o->n_values) o->values = NULL;
    }
    qsort(g->outs, n_outs, sizeof *g->outs, by_string);
    size_t arts = 0, reports = 0, outlets = 0;
    for (int copies = 0; copies < 2; copies++) { /* the reports, then every article */
        size_t n = 0;
        for (size_t m = 0; m < k; m++)
            if (copies || !g->out[m].copy) g->seqs[n++] = g->c[mem[m].i].article;
        qsort(g->seqs, n, sizeof *g->seqs, by_seq);
        size_t d = 0;
        for (size_t i = 0; i < n; i++) d += !i || g->seqs[i] != g->seqs[i - 1];
        if (copies) arts = d;
        else reports = d;
    }
    for (size_t i = 0; i < n_outs; i++) outlets += !i || strcmp(g->outs[i], g->outs[i - 1]);
    sl_claim_group grp = {
        .id = min_id[r], .story = g->story, .claims = g->out, .n_claims = k, .n_articles = arts, .n_reports = reports,
        .n_outlets = outlets, .disputes = disp, .disputed_by = by, .n_disputes = n_disp,
        .n_disputed_by = n_by,
    };
    if (g->cb(g->ud, &grp)) g->stop = 1;
    return SL_OK;
}

/* Group the claims gathered (one story's) and hand the groups out. */
static sl_status flush(grouper *g) {
    if (!g->n) return SL_OK;
    gclaim *c = g->c;
    keyed *o = realloc(g->order, g->n * sizeof *o);
    if (!o) return SL_ENOMEM;
    g->order = o;
    for (size_t i = 0; i < g->n; i++) o[i] = (keyed){c[i].who, i}, c[i].root = i;
    qsort(o, g->n, sizeof *o, by_key);
    for (size_t a = 0; a < g->n;) {
        size_t b = a;
        while (b < g->n && o[b].key == o[a].key) b++;
        if (o[a].key)
            for (size_t i = a + 1; i < b; i++)
                for (size_t j = i > a + MAX_COMPARED ? i - MAX_COMPARED : a; j < i; j++) {
                    gclaim *x = &c[o[i].i], *y = &c[o[j].i];
                    if (x->rejects == y->rejects && same_claim(g, x, y)) join(c, o[i].i, o[j].i);
                }
        a = b;
    }
    for (size_t i = 0; i < g->n; i++) c[i].root = find(c, i);
    g->n_links = 0;
    for (size_t i = 0; i < g->n; i++) { /* a denial disputes the claims it overlaps most */
        if (!c[i].rejects) continue;
        double best = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t j = 0, seen = 0; j < g->n && seen < MAX_COMPARED; j++) {
                if (c[j].rejects || !c[j].who || c[j].who == c[i].who) continue;
                seen++;
                double ov = disputes(g, &c[i], &c[j]);
                if (pass == 0 && ov > best) best = ov;
                if (pass == 1 && ov > 0 && ov >= best && add_link(g, c[i].root, c[j].root)) return SL_ENOMEM;
            }
    }
    int64_t *min_id = malloc(g->n * sizeof *min_id);
    if (!min_id) return SL_ENOMEM;
    for (size_t i = 0; i < g->n; i++) min_id[i] = INT64_MAX;
    for (size_t i = 0; i < g->n; i++)
        if (c[i].id < min_id[c[i].root]) min_id[c[i].root] = c[i].id;
    /* members by group; a group's root is its first report, so groups
     * come in order of their first report */
    for (size_t i = 0; i < g->n; i++) o[i] = (keyed){c[i].root, i};
    qsort(o, g->n, sizeof *o, by_key);
    sl_status s = SL_OK;
    for (size_t a = 0; a < g->n && s == SL_OK && !g->stop;) {
        size_t b = a;
        while (b < g->n && o[b].key == o[a].key) b++;
        s = emit(g, o + a, b - a, (size_t)o[a].key, min_id);
        a = b;
    }
    free(min_id);
    g->n = g->nk = 0;
    buf_reset(&g->arena);
    return s;
}

static int selected(const grouper *g, const store_claim *c) {
    const sl_claim_filter *f = g->f;
    if (!f) return 1;
    if (f->stance && (!c->stance || strcmp(f->stance, c->stance))) return 0;
    if (!f->speaker) return 1;
    if (g->want_entity && c->entity == g->want_entity) return 1;
    const char *w[] = {c->speaker, c->source, c->entity_name};
    for (size_t i = 0; i < 3; i++)
        if (w[i] && strcasestr(w[i], f->speaker)) return 1;
    return 0;
}

/* What a content is about: its words but those of saying ("claims",
 * "denied"), into g->text.  0, or -1 out of memory. */
static int about(grouper *g, const char *s) {
    buf_reset(&g->text);
    if (buf_puts(&g->text, s) || buf_putc(&g->text, '\0')) return -1;
    g->text.len--;
    char *p = g->text.p;
    for (size_t i = 0; p[i];) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z'))) {
            i++;
            continue;
        }
        size_t j = i;
        while ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z')) j++;
        if (claims_saying(g->e, p + i, j - i)) memset(p + i, ' ', j - i);
        i = j;
    }
    return 0;
}

/* Who a claim is of, as a key: its entity; else its speaker's words, or
 * its source's ("U.S. officials") unless a pronoun alone, in lower case;
 * 0 when unknown. */
static uint64_t speaker_key(const store_claim *c) {
    static const char *const pronouns[] = {"he", "she", "it", "they", "we", "i", "you"};
    if (c->entity > 0) return (uint64_t)c->entity;
    const char *w = c->speaker ? c->speaker : c->source;
    if (!w) return 0;
    char low[256];
    size_t n = 0;
    for (const char *p = w; *p && n < sizeof low; p++) low[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    for (size_t i = 0; i < sizeof pronouns / sizeof *pronouns; i++)
        if (strlen(pronouns[i]) == n && !memcmp(low, pronouns[i], n)) return 0;
    return XXH3_64bits(low, n) | (1ull << 63); /* never an entity id */
}

static int on_claim(void *ud, const store_claim *sc) {
    grouper *g = ud;
    if (sc->story != g->story || (sc->story == 0 && g->n && g->c[g->n - 1].article != sc->article)) {
        /* a new story; claims of articles in none are grouped by article */
        if ((g->st = flush(g)) != SL_OK || g->stop) return 1;
        g->story = sc->story;
    }
    if (array_grow((void **)&g->c, &g->cap, g->n + 1, sizeof *g->c)) {
        g->st = SL_ENOMEM;
        return 1;
    }
    gclaim *c = &g->c[g->n];
    *c = (gclaim){.id = sc->id, .article = sc->article, .entity = sc->entity, .negated = sc->negated,
                  .direct = sc->direct, .who = speaker_key(sc), .selected = selected(g, sc), .copy = sc->copy};
    c->rejects = sc->stance && !strcmp(sc->stance, "deny") && !sc->negated;
    const char *v[N_F] = {sc->speaker, sc->source, sc->cue, sc->stance, sc->content, sc->values,
                          sc->article_id, sc->date, sc->outlet, sc->entity_name};
    for (int i = 0; i < N_F; i++) c->str[i] = put(g, v[i]);
    if (g->st != SL_OK) return 1;
    const term *t;
    size_t nt = 0;
    if (!g->e->terms && !(g->e->terms = terms_new())) return g->st = SL_ENOMEM, 1;
    if (about(g, sc->content ? sc->content : "") ||
        terms_of(g->e->terms, g->text.p, g->text.len, NULL, 0, NULL, 0, NULL, &t, &nt) ||
        array_grow((void **)&g->keys, &g->cap_k, g->nk + nt, sizeof *g->keys))
        return g->st = SL_ENOMEM, 1;
    c->t0 = g->nk;
    for (size_t i = 0; i < nt; i++) /* a name is its word too: once is enough */
        if (TERM_KIND(t[i].key) != TERM_NAME) g->keys[g->nk++] = t[i].key;
    c->nt = g->nk - c->t0;
    g->n++;
    return 0;
}

SL_API sl_status sl_claim_groups(sl_engine *e, const sl_claim_filter *f,
                                 int (*cb)(void *ud, const sl_claim_group *grp), void *ud) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (deferred_refuse(e) != SL_OK) return SL_EVERSION; /* speakers are entities */
    grouper g = {.e = e, .f = f, .cb = cb, .ud = ud, .st = SL_OK, .story = -1};
    sl_status s = SL_OK;
    int64_t story = 0;
    if (f && f->story > 0 && (story = store_story_resolve(e->st, f->story, e->err, sizeof e->err)) < 0)
        return SL_ESTORE;
    if (f && f->speaker && (s = entityidx_find(e, f->speaker, &g.want_entity)) != SL_OK) return s;
    s = store_claims_each(e->st, story, on_claim, &g, e->err, sizeof e->err);
    if (s == SL_OK && g.st == SL_OK && !g.stop) g.st = flush(&g);
    if (s == SL_OK && g.st != SL_OK) s = engine_err(e, g.st, "out of memory");
    free(g.c), free(g.keys), free(g.order), free(g.links), free(g.out), free(g.vals), free(g.ids), free(g.seqs), free(g.outs);
    buf_free(&g.arena);
    buf_free(&g.text);
    return s;
}
