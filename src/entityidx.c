/*
 * entityidx.c - an article's mentions resolved to entities and stored;
 * the entities read back (storyline.h, "canonical entities").
 *
 * Resolution, for each mention the tagger found:
 *   1. its key (canon.h): general folding, then the first-name table;
 *   2. in the article: a one-word mention that is a word of a longer
 *      person's name there ("Zelensky", "Lin") takes that name's key and
 *      type, whatever the tagger called it;
 *   3. the alias data: a variant's key becomes its entity's (Kiev: Kyiv);
 *   4. across the store: the entity of that key; else a one-word person
 *      is the one person of that surname, if there is exactly one; else a
 *      new entity.  A new person of several words takes over the one-word
 *      person of its surname made before it, if no other person has that
 *      surname (a place or group of that name stays apart);
 *   5. a demonym ("Chinese") stays an entity of its own, linked to its
 *      country ("demonym of" China).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "canon.h"
#include "engine.h"

extern const char sl_data_entities_txt[];
extern const unsigned long sl_data_entities_txt_len;

sl_status entityidx_load(sl_engine *e) {
    if (e->canon) return SL_OK;
    char msg[512];
    e->canon = canon_parse(sl_data_entities_txt, sl_data_entities_txt_len, "entities.txt", msg, sizeof msg);
    return e->canon ? SL_OK : engine_err(e, SL_EMODEL, "%s", msg);
}

#define NO_OFF ((size_t)-1)

static size_t put_str(sl_engine *e, const char *s, size_t n, int *failed) {
    size_t off = e->rstr.len;
    if (buf_put(&e->rstr, s, n) || buf_putc(&e->rstr, '\0')) *failed = 1;
    return off;
}

static int words_of(const char *key) {
    int n = *key != '\0';
    for (; *key; key++) n += *key == ' ';
    return n;
}

/* Whether word (a one-word key) is one of key's words. */
static int has_word(const char *key, const char *word) {
    size_t n = strlen(word);
    for (const char *p = key; (p = strstr(p, word)); p++)
        if ((p == key || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
    return 0;
}

/* Steps 1, 2, 3 and the demonym of 5: all that needs no store, so that the
 * cleaning workers do it. */
sl_status entityidx_local(sl_engine *e, const char *text, const sl_mention *m, size_t n,
                          const ent_ref **out) {
    *out = NULL;
    buf_reset(&e->rstr);
    if (!n) return SL_OK;
    if (!e->canon) return engine_err(e, SL_EINVAL, "entities: no alias data loaded");
    if (array_grow((void **)&e->refs, &e->cap_refs, n, sizeof *e->refs)) return engine_err(e, SL_ENOMEM, "out of memory");
    int failed = 0;
    ent_ref *r = e->refs;
    for (size_t i = 0; i < n; i++) {
        r[i] = (ent_ref){m[i].start, m[i].end, m[i].type, m[i].type, 0, 0, NO_OFF, NO_OFF, NO_OFF, NULL, 0};
        r[i].text = put_str(e, text + m[i].start, m[i].end - m[i].start, &failed);
        if (failed || canon_key(e->canon, text + m[i].start, m[i].end - m[i].start, &e->ekey)) {
            failed = 1;
            break;
        }
        r[i].key = put_str(e, e->ekey.p, e->ekey.len, &failed);
        r[i].words = words_of(e->ekey.p);
    }
    /* rstr is stable from here: only read while steps 2 and 3 choose */
    for (size_t i = 0; i < n && !failed; i++) {
        /* 2: a short mention to the longest person's name in the article */
        if (r[i].words == 1) {
            size_t best = n;
            for (size_t j = 0; j < n; j++)
                if (r[j].words > 1 && !strcmp(r[j].mtype, "PER") &&
                    has_word(e->rstr.p + r[j].key, e->rstr.p + r[i].key) &&
                    (best == n || r[j].words > r[best].words))
                    best = j;
            if (best < n) r[i].key = r[best].key, r[i].etype = "PER", r[i].words = r[best].words;
        }
    }
    for (size_t i = 0; i < n && !failed; i++) {
        /* 3: the alias data: the entity's key, name and type */
        const char *atype, *aname = canon_entity(e->canon, e->rstr.p + r[i].key, &atype);
        if (aname) {
            if (canon_key(e->canon, aname, strlen(aname), &e->ekey)) {
                failed = 1;
                break;
            }
            r[i].key = put_str(e, e->ekey.p, e->ekey.len, &failed);
            r[i].name = put_str(e, aname, strlen(aname), &failed);
            r[i].etype = atype;
            r[i].words = words_of(e->ekey.p);
        }
        /* 5: a demonym's country */
        const char *country = canon_demonym(e->canon, e->rstr.p + r[i].key);
        if (country) {
            if (canon_key(e->canon, country, strlen(country), &e->ekey)) {
                failed = 1;
                break;
            }
            const char *ctype, *cname = canon_entity(e->canon, e->ekey.p, &ctype);
            r[i].ckey = put_str(e, e->ekey.p, e->ekey.len, &failed);
            r[i].cname = put_str(e, cname ? cname : country, strlen(cname ? cname : country), &failed);
            r[i].ctype = cname ? ctype : "LOC";
        }
    }
    if (failed) return engine_err(e, SL_ENOMEM, "out of memory");
    *out = r;
    return SL_OK;
}

/* key -> entity id, for the keys met lately: most mentions are of an
 * entity met before, and a lookup in the store costs microseconds on the
 * writer's thread.  Keyed by a 64-bit hash of the key. */
#define ENT_CACHE (1u << 16)

typedef struct ent_cache {
    uint64_t h[ENT_CACHE];
    int64_t id[ENT_CACHE];
} ent_cache;

static int64_t *cached(sl_engine *e, const char *key, uint64_t *hash) {
    if (!e->ecache && !(e->ecache = calloc(1, sizeof *e->ecache))) return NULL;
    uint64_t h = XXH3_64bits(key, strlen(key)) | 1;
    *hash = h;
    size_t j = (size_t)h & (ENT_CACHE - 1);
    return e->ecache->h[j] == h ? &e->ecache->id[j] : NULL;
}

static void cache_put(sl_engine *e, uint64_t h, int64_t id) {
    if (!e->ecache) return;
    size_t j = (size_t)h & (ENT_CACHE - 1);
    e->ecache->h[j] = h, e->ecache->id[j] = id;
}

static void cache_drop(sl_engine *e, const char *key) {
    uint64_t h;
    if (cached(e, key, &h)) e->ecache->h[(size_t)h & (ENT_CACHE - 1)] = 0;
}

/* The store changed under the cache (a failed batch): forget. */
void entityidx_forget(sl_engine *e) {
    if (e->ecache) memset(e->ecache, 0, sizeof *e->ecache);
}

static int64_t made(sl_engine *e, const char *key, const char *name, const char *type) {
    const char *surname = !strcmp(type, "PER") && strchr(key, ' ') ? canon_last_word(key) : NULL;
    int64_t id = store_entity_make(e->st, key, name, type, surname, e->err, sizeof e->err);
    if (id <= 0 || !surname) return id;
    /* a one-word person of its surname, made before any full name (a
     * place or a group of that name stays: "Spain" is not Mr Spain) */
    int64_t old = store_entity_person(e->st, surname, e->err, sizeof e->err);
    if (old <= 0) return old < 0 ? -1 : id;
    int64_t only = store_entity_by_surname(e->st, surname, surname, e->err, sizeof e->err);
    if (only == -1) return -1;
    if (only == id) {
        if (store_entity_merge(e->st, old, id, e->err, sizeof e->err) != SL_OK) return -1;
        /* the one key the cache can hold for the entity merged away is
         * its own: forget that, not the lot (a merge comes every few
         * articles, and forgetting all made every key a lookup again) */
        cache_drop(e, surname);
    }
    return id;
}

/* Step 4: the entity of a key, found or made; *fresh: not from the
 * cache (its links are written then). */
static int64_t entity_of(sl_engine *e, const char *key, const char *name, const char *type, int words,
                         int *fresh) {
    uint64_t h = 0;
    int64_t *c = cached(e, key, &h);
    *fresh = !c;
    if (c) return *c;
    int64_t id = store_entity_get(e->st, key, e->err, sizeof e->err);
    if (!id && words == 1 && !strcmp(type, "PER")) {
        id = store_entity_by_surname(e->st, key, key, e->err, sizeof e->err);
        if (id == -2) id = 0;
        if (id > 0) return id; /* not cached: a full name may come to share it */
    }
    if (!id) id = made(e, key, name, type);
    if (id > 0) cache_put(e, h, id);
    return id;
}

/* Mentions of one entity in one spelling, by entity then spelling then
 * place: one row each. */
typedef struct placed {
    int64_t id;
    const char *text;
    size_t start, end;
    const char *type;
} placed;

static int by_entity(const void *a, const void *b) {
    const placed *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    int c = strcmp(x->text, y->text);
    if (c) return c;
    return x->start < y->start ? -1 : x->start > y->start;
}

sl_status entityidx_put(sl_engine *e, int64_t seq, const ent_ref *r, size_t n, const char *str) {
    if (!n || !e->st) return SL_OK;
    placed *p = malloc(n * sizeof *p);
    if (!p) return engine_err(e, SL_ENOMEM, "out of memory");
    size_t np = 0;
    sl_status s = SL_OK;
    for (size_t i = 0; i < n && s == SL_OK; i++) {
        const char *key = str + r[i].key;
        if (!*key) continue; /* nothing left of it ("...") */
        const char *name = str + (r[i].name != NO_OFF ? r[i].name : r[i].text);
        int fresh;
        int64_t id = entity_of(e, key, name, r[i].etype, r[i].words, &fresh);
        if (id < 0) s = SL_ESTORE;
        else if (fresh && r[i].ckey != NO_OFF) {
            int cf;
            int64_t c = entity_of(e, str + r[i].ckey, str + r[i].cname, r[i].ctype, 0, &cf);
            if (c < 0 || store_entity_link(e->st, id, "demonym of", c, e->err, sizeof e->err) != SL_OK)
                s = SL_ESTORE;
        }
        p[np++] = (placed){id, str + r[i].text, r[i].start, r[i].end, r[i].mtype};
    }
    qsort(p, np, sizeof *p, by_entity);
    for (size_t a = 0; a < np && s == SL_OK;) {
        size_t b = a;
        buf_reset(&e->ekey);
        for (; b < np && p[b].id == p[a].id && !strcmp(p[b].text, p[a].text); b++) {
            char span[48];
            int len = snprintf(span, sizeof span, "%s%zu-%zu", b > a ? " " : "", p[b].start, p[b].end);
            if (buf_put(&e->ekey, span, (size_t)len)) s = engine_err(e, SL_ENOMEM, "out of memory");
        }
        if (s == SL_OK && buf_putc(&e->ekey, '\0')) s = engine_err(e, SL_ENOMEM, "out of memory");
        if (s == SL_OK)
            s = store_mentions_put(e->st, seq, p[a].id, p[a].text, p[a].type, (int64_t)(b - a), e->ekey.p, e->err,
                                   sizeof e->err);
        a = b;
    }
    free(p);
    return s;
}

void entityidx_free(sl_engine *e) {
    if (!e->canon_borrowed) canon_free(e->canon);
    e->canon = NULL;
    free(e->refs);
    e->refs = NULL;
    buf_free(&e->rstr);
    free(e->ecache);
    e->ecache = NULL;
    buf_free(&e->ekey);
}

/* ---- reading ------------------------------------------------------------- */

/* One entity being described: its spellings, articles and link. */
typedef struct described {
    sl_engine *e;
    sl_entity_cb cb;
    void *ud;
    buf str;
    size_t *off;
    size_t n, cap;
    int failed, stop;
    char *link_kind, *link_name;
    const char **ptrs;
} described;

static int keep(described *d, const char *s) {
    if (array_grow((void **)&d->off, &d->cap, d->n + 1, sizeof *d->off)) return d->failed = 1;
    d->off[d->n++] = d->str.len;
    if (buf_puts(&d->str, s ? s : "") || buf_putc(&d->str, '\0')) d->failed = 1;
    return d->failed;
}

static int on_variant(void *ud, const char *text, int64_t n) { return keep(ud, text); }

static int on_article_id(void *ud, const char *id, const char *date, const char *source, const char *title,
                         int64_t story) {
    return keep(ud, id);
}

static int on_link(void *ud, const char *kind, const char *name) {
    described *d = ud;
    if (d->link_kind) return 0;
    d->link_kind = strdup(kind ? kind : "");
    d->link_name = strdup(name ? name : "");
    if (!d->link_kind || !d->link_name) d->failed = 1;
    return 1;
}

static int on_entity(void *ud, const store_entity *row) {
    described *d = ud;
    sl_engine *e = d->e;
    d->n = 0;
    buf_reset(&d->str);
    free(d->link_kind), free(d->link_name);
    d->link_kind = d->link_name = NULL;
    char *name = strdup(row->name ? row->name : ""), *type = strdup(row->type ? row->type : "");
    if (!name || !type) {
        free(name), free(type);
        d->failed = 1;
        return 1;
    }
    /* the rows below run in other statements, beside this one's */
    sl_status s = store_entity_variants(e->st, row->id, on_variant, d, e->err, sizeof e->err);
    size_t nv = d->n;
    if (s == SL_OK) s = store_entity_articles(e->st, row->id, on_article_id, d, e->err, sizeof e->err);
    if (s == SL_OK) s = store_entity_links(e->st, row->id, on_link, d, e->err, sizeof e->err);
    if (s != SL_OK || d->failed || !(d->ptrs = realloc(d->ptrs, (d->n + 1) * sizeof *d->ptrs))) {
        free(name), free(type);
        d->failed = 1;
        return 1;
    }
    for (size_t i = 0; i < d->n; i++) d->ptrs[i] = d->str.p + d->off[i];
    sl_entity en = {row->id, name, type, (size_t)row->articles, (size_t)row->outlets,
                    d->ptrs, nv, d->ptrs + nv, d->n - nv, d->link_kind, d->link_name};
    d->stop = d->cb(d->ud, &en);
    free(name), free(type);
    return d->stop;
}

static void described_free(described *d) {
    buf_free(&d->str);
    free(d->off);
    free(d->ptrs);
    free(d->link_kind), free(d->link_name);
}

static sl_status readable(sl_engine *e) {
    return e->st ? deferred_refuse(e) : engine_err(e, SL_EINVAL, "no store is open");
}

SL_API sl_status sl_entities(sl_engine *e, const sl_entity_filter *f, sl_entity_cb cb, void *ud) {
    sl_status s = readable(e);
    if (s != SL_OK) return s;
    described d = {.e = e, .cb = cb, .ud = ud};
    int64_t story = f && f->story > 0 ? store_story_resolve(e->st, f->story, e->err, sizeof e->err) : 0;
    if (story < 0) return SL_ESTORE;
    s = store_entities(e->st, story, f ? f->type : NULL, on_entity, &d, e->err, sizeof e->err);
    if (s == SL_OK && d.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    described_free(&d);
    return s;
}

typedef struct art_ctx {
    int (*art)(void *, const sl_entity_article *);
    void *ud;
} art_ctx;

static int on_article(void *ud, const char *id, const char *date, const char *source, const char *title,
                      int64_t story) {
    art_ctx *a = ud;
    sl_entity_article x = {id, date, source, title, story};
    return a->art(a->ud, &x);
}

sl_status entityidx_find(sl_engine *e, const char *name, int64_t *out) {
    *out = 0;
    sl_status s = readable(e);
    if (s == SL_OK) s = entityidx_load(e);
    if (s != SL_OK) return s;
    /* by key (any spelling the rules or the data join), then as written */
    if (canon_key(e->canon, name, strlen(name), &e->ekey)) return engine_err(e, SL_ENOMEM, "out of memory");
    const char *atype, *aname = canon_entity(e->canon, e->ekey.p, &atype);
    if (aname && canon_key(e->canon, aname, strlen(aname), &e->ekey)) return engine_err(e, SL_ENOMEM, "out of memory");
    int64_t id = store_entity_get(e->st, e->ekey.p, e->err, sizeof e->err);
    if (id == 0 && !strchr(e->ekey.p, ' ')) id = store_entity_by_surname(e->st, e->ekey.p, e->ekey.p, e->err, sizeof e->err);
    if (id == 0 || id == -2) id = store_entity_by_text(e->st, name, e->err, sizeof e->err);
    if (id < 0) return SL_ESTORE;
    *out = id;
    return SL_OK;
}

SL_API sl_status sl_entity_get(sl_engine *e, const char *name, sl_entity_cb cb,
                               int (*art)(void *ud, const sl_entity_article *a), void *ud) {
    int64_t id;
    sl_status s = entityidx_find(e, name, &id);
    if (s != SL_OK) return s;
    if (id == 0) return engine_err(e, SL_ENOTFOUND, "no entity '%s'", name);
    described d = {.e = e, .cb = cb, .ud = ud};
    s = store_entity_one(e->st, id, on_entity, &d, e->err, sizeof e->err);
    if (s == SL_OK && d.failed) s = engine_err(e, SL_ENOMEM, "out of memory");
    described_free(&d);
    if (s == SL_OK && art && !d.stop) {
        art_ctx a = {art, ud};
        s = store_entity_articles(e->st, id, on_article, &a, e->err, sizeof e->err);
    }
    return s;
}
