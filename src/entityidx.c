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
 *      entity of its surname made before it, if no other person has that
 *      surname;
 *   5. a demonym ("Chinese") stays an entity of its own, linked to its
 *      country ("demonym of" China).
 */
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "engine.h"

extern const char sl_data_entities_txt[];
extern const unsigned long sl_data_entities_txt_len;

static sl_status load(sl_engine *e) {
    if (e->canon) return SL_OK;
    char msg[512];
    e->canon = canon_parse(sl_data_entities_txt, sl_data_entities_txt_len, "entities.txt", msg, sizeof msg);
    return e->canon ? SL_OK : engine_err(e, SL_EMODEL, "%s", msg);
}

/* One mention being resolved. */
typedef struct held {
    char *text, *key;
    const char *type;
    int words;
} held;

static int64_t made(sl_engine *e, const char *key, const char *name, const char *type) {
    const char *surname = !strcmp(type, "PER") && strchr(key, ' ') ? canon_last_word(key) : NULL;
    int64_t id = store_entity_make(e->st, key, name, type, surname, e->err, sizeof e->err);
    if (id <= 0 || !surname) return id;
    /* a one-word entity of its surname, made before any full name */
    int64_t old = store_entity_get(e->st, surname, e->err, sizeof e->err);
    if (old <= 0) return old < 0 ? -1 : id;
    int64_t only = store_entity_by_surname(e->st, surname, surname, e->err, sizeof e->err);
    if (only == -1) return -1;
    if (only == id && store_entity_merge(e->st, old, id, e->err, sizeof e->err) != SL_OK) return -1;
    return id;
}

/* The entity of a key: found, or made. */
static int64_t entity_of(sl_engine *e, const char *key, const char *name, const char *type, int words) {
    int64_t id = store_entity_get(e->st, key, e->err, sizeof e->err);
    if (id) return id;
    if (words == 1 && !strcmp(type, "PER")) {
        int64_t p = store_entity_by_surname(e->st, key, key, e->err, sizeof e->err);
        if (p == -1) return -1;
        if (p > 0) return p;
    }
    return made(e, key, name, type);
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

sl_status entityidx_put(sl_engine *e, int64_t seq, const char *text, const sl_mention *m, size_t n) {
    if (!n || !e->st) return SL_OK;
    sl_status s = load(e);
    if (s != SL_OK) return s;
    held *h = calloc(n, sizeof *h);
    if (!h) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && s == SL_OK; i++) {
        h[i].text = strndup(text + m[i].start, m[i].end - m[i].start);
        if (!h[i].text || canon_key(e->canon, h[i].text, strlen(h[i].text), &e->ekey) ||
            !(h[i].key = strdup(e->ekey.p)))
            s = engine_err(e, SL_ENOMEM, "out of memory");
        h[i].type = m[i].type;
        h[i].words = h[i].key ? words_of(h[i].key) : 0;
    }
    /* 2: short mentions to the longest person's name in the article */
    for (size_t i = 0; i < n && s == SL_OK; i++) {
        if (h[i].words != 1) continue;
        size_t best = n;
        for (size_t j = 0; j < n; j++)
            if (h[j].words > 1 && !strcmp(h[j].type, "PER") && has_word(h[j].key, h[i].key) &&
                (best == n || h[j].words > h[best].words))
                best = j;
        if (best == n) continue;
        char *k = strdup(h[best].key);
        if (!k) {
            s = engine_err(e, SL_ENOMEM, "out of memory");
            break;
        }
        free(h[i].key);
        h[i].key = k;
        h[i].type = "PER";
        h[i].words = h[best].words;
    }
    for (size_t i = 0; i < n && s == SL_OK; i++) {
        const char *type = h[i].type, *name = h[i].text;
        /* 3: the alias data */
        const char *atype, *aname = canon_entity(e->canon, h[i].key, &atype);
        const char *key = h[i].key;
        if (aname) {
            if (canon_key(e->canon, aname, strlen(aname), &e->ekey)) {
                s = engine_err(e, SL_ENOMEM, "out of memory");
                break;
            }
            key = e->ekey.p, name = aname, type = atype;
        }
        if (!*key) continue; /* nothing left of it ("..." ) */
        int64_t id = entity_of(e, key, name, type, words_of(key));
        if (id < 0) {
            s = SL_ESTORE;
            break;
        }
        /* 5: a demonym and its country */
        const char *country = canon_demonym(e->canon, key);
        if (country) {
            if (canon_key(e->canon, country, strlen(country), &e->ekey2)) {
                s = engine_err(e, SL_ENOMEM, "out of memory");
                break;
            }
            const char *ctype, *cname = canon_entity(e->canon, e->ekey2.p, &ctype);
            int64_t c = entity_of(e, e->ekey2.p, cname ? cname : country, cname ? ctype : "LOC", 0);
            if (c < 0 || store_entity_link(e->st, id, "demonym of", c, e->err, sizeof e->err) != SL_OK) {
                s = SL_ESTORE;
                break;
            }
        }
        s = store_mention_put(e->st, seq, (int64_t)m[i].start, (int64_t)m[i].end, id, m[i].type, h[i].text,
                              e->err, sizeof e->err);
    }
    for (size_t i = 0; i < n; i++) free(h[i].text), free(h[i].key);
    free(h);
    return s;
}

void entityidx_free(sl_engine *e) {
    canon_free(e->canon);
    e->canon = NULL;
    buf_free(&e->ekey);
    buf_free(&e->ekey2);
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
    return e->st ? SL_OK : engine_err(e, SL_EINVAL, "no store is open");
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

SL_API sl_status sl_entity_get(sl_engine *e, const char *name, sl_entity_cb cb,
                               int (*art)(void *ud, const sl_entity_article *a), void *ud) {
    sl_status s = readable(e);
    if (s == SL_OK) s = load(e);
    if (s != SL_OK) return s;
    /* by key (any spelling the rules or the data join), then as written */
    if (canon_key(e->canon, name, strlen(name), &e->ekey)) return engine_err(e, SL_ENOMEM, "out of memory");
    const char *atype, *aname = canon_entity(e->canon, e->ekey.p, &atype);
    if (aname && canon_key(e->canon, aname, strlen(aname), &e->ekey)) return engine_err(e, SL_ENOMEM, "out of memory");
    int64_t id = store_entity_get(e->st, e->ekey.p, e->err, sizeof e->err);
    if (id == 0 && !strchr(e->ekey.p, ' ')) id = store_entity_by_surname(e->st, e->ekey.p, e->ekey.p, e->err, sizeof e->err);
    if (id == 0 || id == -2) id = store_entity_by_text(e->st, name, e->err, sizeof e->err);
    if (id < 0) return SL_ESTORE;
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
