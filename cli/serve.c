/*
 * serve.c - `storyline serve`: a JSON API and a web page over a store, on
 * libmicrohttpd, while new articles keep arriving.
 *
 *   GET  /api/stories[?since=&until=&min_size=]   the stories
 *   GET  /api/stories/ID                          one, with timeline and claim groups
 *   GET  /api/articles/ID                         one article
 *   GET  /api/search?q=...[&story=&entity=&source=&since=&until=&stance=&limit=&page=]
 *   GET  /api/entities[?story=&type=]             the entities
 *   GET  /api/entities/NAME                       one, by any spelling, with its articles
 *   GET  /api/claims[?story=&speaker=&stance=]    the claims
 *   POST /api/articles                            ingest one JSON article or a JSONL
 *                                                 body (Authorization: Bearer TOKEN)
 *   GET  /  and /app.js                           the page
 *
 * Reads run on a pool of threads, each with its own read-only engine
 * (WAL: they see each commit as it lands and never wait for the writer);
 * ingest runs on one writer engine under a lock, and a thread finds the
 * claims of new articles on it between ingests, a batch at a time.
 * Each read thread keeps its last search answers while the store is
 * unchanged (kept_* below).  Responses are built
 * with jansson, so every string is escaped as JSON; the page puts data
 * in the document with textContent only.  Caps: connections, header
 * size (MHD's connection memory), request time, body size.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char usage_serve[] =
    "usage: storyline serve [--db FILE] [--listen ADDR:PORT] [--token-file F]\n"
    "                       [--threads N] [--max-body SIZE]\n"
    "\n"
    "Serve the store over HTTP: a JSON API (GET /api/stories, /api/stories/ID,\n"
    "/api/articles/ID, /api/search?q=..., /api/entities, /api/entities/NAME,\n"
    "/api/claims; POST /api/articles ingests one JSON article or a JSONL body)\n"
    "and a web page at / with the stories, their timelines and claims, and a\n"
    "search box; new stories appear without a reload.  Reads run while\n"
    "articles are ingested.  Stops on SIGINT or SIGTERM.\n"
    "\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0: any\n"
    "                      free one, printed)\n"
    "  --token-file F      the token POST must give as 'Authorization: Bearer\n"
    "                      TOKEN' (its first line); without it, POST is refused\n"
    "  --threads N         threads answering requests (default 2)\n"
    "  --max-body SIZE     the largest POST body (default 16M)\n";

#define MAX_CONNECTIONS 256
#define TIMEOUT_SECONDS 30
#define HEADER_MEMORY (64 * 1024) /* a connection's buffer: headers cap */
#define MAX_ID 512

typedef struct server {
    const char *db;
    char token[256];
    int has_token;
    size_t max_body;
    pthread_mutex_t wlock; /* the writer engine */
    sl_engine *writer;
    pthread_key_t reader; /* each thread's read-only engine, as an rthread */
    pthread_mutex_t rlock; /* the list of them, to close */
    struct rthread **readers;
    size_t n_readers, cap_readers;
    pthread_t claims;      /* finds the claims of new articles */
    pthread_mutex_t qlock;
    pthread_cond_t wake;
    int stopping;
    _Atomic int ingests;   /* waiting for the writer or on it: claims wait */
} server;

/* ---- responses ------------------------------------------------------------------- */

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type, const char *body,
                                 size_t n, int copy) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(n, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (!strncmp(type, "text/html", 9))
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

#define JSON_TYPE "application/json; charset=utf-8"

/* s, JSON made by json_dumps, as the body (taken: freed by MHD). */
static enum MHD_Result send_dumped(struct MHD_Connection *c, unsigned status, char *s) {
    size_t n = strlen(s);
    struct MHD_Response *r = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", JSON_TYPE);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* j as the body (taken: freed here). */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) return send_text(c, 500, "application/json", "{\"error\":\"out of memory\"}", 25, 0);
    return send_dumped(c, status, s);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg) {
    json_t *j = json_object();
    json_t *m = json_string(msg); /* NULL when msg is not UTF-8 */
    json_object_set_new(j, "error", m ? m : json_string("error"));
    return send_json(c, status, j);
}

/* The HTTP status that fits an engine's error. */
static unsigned status_of(sl_status s) {
    switch (s) {
    case SL_ENOTFOUND: return 404;
    case SL_EINVAL: case SL_EJSON: case SL_EUTF8: case SL_EEMPTY: return 400;
    case SL_ETOOBIG: return 413;
    case SL_ECONFLICT: return 409;
    default: return 500;
    }
}

static json_t *str(const char *s) {
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static json_t *strs(const char *const *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, str(v[i]));
    return a;
}

static json_t *ids(const int64_t *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_integer(v[i]));
    return a;
}

/* ---- engines and the answers they keep ------------------------------------------------- */

/* A read thread's last search answers (the JSON bodies), by request,
 * valid while its connection sees the store unchanged (sl_data_version):
 * a newsroom asks the same searches over and over, and an answer kept is
 * a memcpy where a search of a common word is milliseconds (Solr keeps a
 * query result cache for the same reason).  KEPT_WAYS answers a set, the
 * one used least lately makes room; a thread holds at most KEPT_BYTES of
 * bodies (past that it forgets them all and starts again). */
#define KEPT_SETS 256
#define KEPT_WAYS 4
#define KEPT_BYTES ((size_t)32 << 20)

typedef struct kept {
    uint64_t hash; /* 0: empty */
    uint64_t used; /* the thread's clock when last asked for */
    char *key, *body;
    size_t n;
} kept;

typedef struct rthread {
    sl_engine *e;
    int64_t version; /* of the store the answers are of */
    uint64_t clock;
    size_t bytes;    /* of the bodies kept */
    kept slot[KEPT_SETS][KEPT_WAYS];
} rthread;

static void kept_clear(rthread *t) {
    for (size_t i = 0; i < KEPT_SETS; i++)
        for (size_t j = 0; j < KEPT_WAYS; j++) {
            free(t->slot[i][j].key);
            free(t->slot[i][j].body);
            t->slot[i][j] = (kept){0, 0, NULL, NULL, 0};
        }
    t->bytes = 0;
}

static uint64_t kept_hash(const char *key) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = (h ^ *p) * 1099511628211ULL;
    return h ? h : 1;
}

/* The answer kept for key, or NULL; first forgets every answer if the
 * store changed since they were made. */
static const kept *kept_get(rthread *t, const char *key) {
    int64_t v = sl_data_version(t->e);
    if (v < 0 || v != t->version) {
        kept_clear(t);
        t->version = v;
        return NULL;
    }
    uint64_t h = kept_hash(key);
    kept *set = t->slot[h % KEPT_SETS];
    for (size_t j = 0; j < KEPT_WAYS; j++)
        if (set[j].hash == h && !strcmp(set[j].key, key)) {
            set[j].used = ++t->clock;
            return &set[j];
        }
    return NULL;
}

static void kept_put(rthread *t, const char *key, const char *body, size_t n) {
    if (t->version < 0 || n > KEPT_BYTES / 16) return;
    if (t->bytes + n > KEPT_BYTES) kept_clear(t);
    uint64_t h = kept_hash(key);
    kept *set = t->slot[h % KEPT_SETS], *k = &set[0];
    for (size_t j = 1; j < KEPT_WAYS; j++)
        if (set[j].used < k->used) k = &set[j];
    char *kk = strdup(key), *b = malloc(n ? n : 1);
    if (!kk || !b) {
        free(kk), free(b);
        return;
    }
    memcpy(b, body, n);
    t->bytes += n - k->n;
    free(k->key), free(k->body);
    *k = (kept){h, ++t->clock, kk, b, n};
}

static rthread *reader(server *sv) {
    rthread *t = pthread_getspecific(sv->reader);
    if (t) return t;
    if (!(t = calloc(1, sizeof *t))) return NULL;
    sl_options opt;
    sl_options_init(&opt);
    opt.readonly = 1;
    if (sl_open(sv->db, &opt, &t->e) != SL_OK) {
        warnx("%s", sl_errmsg(t->e));
        sl_close(t->e);
        free(t);
        return NULL;
    }
    t->version = -1;
    pthread_mutex_lock(&sv->rlock);
    if (sv->n_readers == sv->cap_readers) {
        size_t nc = sv->cap_readers ? 2 * sv->cap_readers : 8;
        rthread **n = realloc(sv->readers, nc * sizeof *n);
        if (n) sv->readers = n, sv->cap_readers = nc;
    }
    if (sv->n_readers < sv->cap_readers) sv->readers[sv->n_readers++] = t;
    pthread_mutex_unlock(&sv->rlock);
    pthread_setspecific(sv->reader, t);
    return t;
}

/* ---- GET handlers --------------------------------------------------------------------- */

static const char *arg(struct MHD_Connection *c, const char *k) {
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
    return v && *v ? v : NULL;
}

/* A positive number argument into *out; 0 ok (absent: unchanged), -1 bad. */
static int num_arg(struct MHD_Connection *c, const char *k, int64_t *out) {
    const char *v = arg(c, k);
    if (!v) return 0;
    return parse_id(v, out);
}

static json_t *story_json(const sl_story *s, int timeline) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "label", str(s->label));
    json_object_set_new(o, "terms", strs(s->terms, s->n_terms));
    json_t *arts = json_array();
    for (size_t i = 0; i < s->n_entries; i++) json_array_append_new(arts, str(s->entries[i].id));
    json_object_set_new(o, "articles", arts);
    json_object_set_new(o, "first_seen", str(s->first_seen));
    json_object_set_new(o, "last_update", str(s->last_update));
    json_object_set_new(o, "outlets", strs(s->outlets, s->n_outlets));
    json_object_set_new(o, "reports", json_integer((json_int_t)s->n_articles));
    json_object_set_new(o, "copies", json_integer((json_int_t)s->n_copies));
    if (!timeline) return o;
    json_t *t = json_array();
    for (size_t i = 0; i < s->n_entries; i++) {
        const sl_story_entry *x = &s->entries[i];
        if (x->copy_of) continue;
        json_t *e = json_object(), *cp = json_array();
        json_object_set_new(e, "id", str(x->id));
        json_object_set_new(e, "date", str(x->date));
        json_object_set_new(e, "source", str(x->source));
        json_object_set_new(e, "title", str(x->title));
        for (size_t j = 0; j < s->n_entries; j++) {
            const sl_story_entry *y = &s->entries[j];
            if (!y->copy_of || strcmp(y->copy_of, x->id)) continue;
            json_t *k = json_object();
            json_object_set_new(k, "id", str(y->id));
            json_object_set_new(k, "date", str(y->date));
            json_object_set_new(k, "source", str(y->source));
            json_array_append_new(cp, k);
        }
        json_object_set_new(e, "copies", cp);
        json_array_append_new(t, e);
    }
    json_object_set_new(o, "timeline", t);
    return o;
}

static int add_story(void *ud, const sl_story *s) {
    json_array_append_new(ud, story_json(s, 0));
    return 0;
}

static int one_story(void *ud, const sl_story *s) {
    *(json_t **)ud = story_json(s, 1);
    return 0;
}

static json_t *claim_json(const sl_claim *c) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "group", json_integer(c->group));
    json_object_set_new(o, "story", c->story ? json_integer(c->story) : json_null());
    json_object_set_new(o, "article", str(c->article));
    json_object_set_new(o, "date", str(c->date));
    json_object_set_new(o, "outlet", str(c->outlet));
    json_object_set_new(o, "speaker", str(c->speaker));
    json_object_set_new(o, "entity", str(c->entity_name));
    json_object_set_new(o, "source", str(c->source));
    json_object_set_new(o, "cue", str(c->cue));
    json_object_set_new(o, "stance", str(c->stance));
    json_object_set_new(o, "negated", json_boolean(c->negated));
    json_object_set_new(o, "content", str(c->content));
    json_object_set_new(o, "direct", json_boolean(c->direct));
    json_object_set_new(o, "values", strs(c->values, c->n_values));
    json_object_set_new(o, "copy", json_boolean(c->copy));
    json_object_set_new(o, "disputes", ids(c->disputes, c->n_disputes));
    return o;
}

typedef struct claims_out {
    json_t *arr;
    int groups; /* as groups (a story's view), else as claims */
} claims_out;

static int add_group(void *ud, const sl_claim_group *g) {
    claims_out *x = ud;
    if (!x->groups) {
        for (size_t i = 0; i < g->n_claims; i++)
            if (g->claims[i].selected) json_array_append_new(x->arr, claim_json(&g->claims[i]));
        return 0;
    }
    const sl_claim *f = &g->claims[0];
    json_t *o = json_object(), *cl = json_array();
    json_object_set_new(o, "id", json_integer(g->id));
    json_object_set_new(o, "speaker",
                        str(f->entity_name ? f->entity_name : f->speaker ? f->speaker : f->source));
    json_object_set_new(o, "stance", str(f->stance));
    json_object_set_new(o, "negated", json_boolean(f->negated));
    json_object_set_new(o, "articles", json_integer((json_int_t)g->n_articles));
    json_object_set_new(o, "reports", json_integer((json_int_t)g->n_reports));
    json_object_set_new(o, "outlets", json_integer((json_int_t)g->n_outlets));
    for (size_t i = 0; i < g->n_claims; i++) json_array_append_new(cl, claim_json(&g->claims[i]));
    json_object_set_new(o, "claims", cl);
    json_object_set_new(o, "disputes", ids(g->disputes, g->n_disputes));
    json_object_set_new(o, "disputed_by", ids(g->disputed_by, g->n_disputed_by));
    json_array_append_new(x->arr, o);
    return 0;
}

static json_t *entity_json(const sl_entity *en) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(en->id));
    json_object_set_new(o, "name", str(en->name));
    json_object_set_new(o, "type", str(en->type));
    json_object_set_new(o, "variants", strs(en->variants, en->n_variants));
    json_object_set_new(o, "articles", strs(en->article_ids, en->n_article_ids));
    json_object_set_new(o, "outlets", json_integer((json_int_t)en->outlets));
    if (en->link_kind) {
        json_t *l = json_object();
        json_object_set_new(l, "kind", str(en->link_kind));
        json_object_set_new(l, "name", str(en->link_name));
        json_object_set_new(o, "link", l);
    } else {
        json_object_set_new(o, "link", json_null());
    }
    return o;
}

static int add_entity(void *ud, const sl_entity *en) {
    json_array_append_new(ud, entity_json(en));
    return 0;
}

static int set_entity(void *ud, const sl_entity *en) {
    json_t *o = ud;
    json_t *x = entity_json(en);
    json_object_update(o, x); /* copies x's members: x is still ours */
    json_decref(x);
    json_object_set_new(o, "mentioned_in", json_array());
    return 0;
}

static int add_entity_article(void *ud, const sl_entity_article *a) {
    json_t *arr = json_object_get(ud, "mentioned_in");
    json_t *o = json_object();
    json_object_set_new(o, "id", str(a->id));
    json_object_set_new(o, "date", str(a->date));
    json_object_set_new(o, "source", str(a->source));
    json_object_set_new(o, "title", str(a->title));
    json_object_set_new(o, "story", a->story ? json_integer(a->story) : json_null());
    json_array_append_new(arr, o);
    return 0;
}

/* Marks (0x01 ... 0x02) out of s, their places (characters) into marks. */
static json_t *unmarked(const char *s, json_t **marks) {
    *marks = json_array();
    if (!s) return json_null();
    size_t n = strlen(s), k = 0, chars = 0, start = 0;
    char *p = malloc(n + 1);
    if (!p) return json_null();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 1) start = chars;
        else if (c == 2) {
            json_t *m = json_array();
            json_array_append_new(m, json_integer((json_int_t)start));
            json_array_append_new(m, json_integer((json_int_t)chars));
            json_array_append_new(*marks, m);
        } else {
            p[k++] = s[i];
            if ((c & 0xC0) != 0x80) chars++;
        }
    }
    p[k] = '\0';
    json_t *j = str(p);
    free(p);
    return j;
}

static int add_hit(void *ud, const sl_search_hit *h) {
    json_t *o = json_object(), *m;
    json_object_set_new(o, "id", str(h->id));
    json_object_set_new(o, "title", unmarked(h->title_marked ? h->title_marked : h->title, &m));
    json_object_set_new(o, "title_marks", m);
    json_object_set_new(o, "source", str(h->source));
    json_object_set_new(o, "date", str(h->date));
    json_object_set_new(o, "story", h->story ? json_integer(h->story) : json_null());
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "snippet", unmarked(h->snippet, &m));
    json_object_set_new(o, "snippet_marks", m);
    json_object_set_new(o, "copies", strs(h->copies, h->n_copies));
    json_array_append_new(ud, o);
    return 0;
}

/* An id from a path: URL-decoded already by MHD for arguments, not for
 * paths: decoded here; NULL when empty, too long or holding a control
 * character or a slash. */
static char *path_id(const char *p) {
    size_t n = strlen(p);
    if (!n || n > MAX_ID * 3) return NULL;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (p[i] == '%' && i + 2 < n + 1 && sscanf(p + i + 1, "%2x", &v) == 1 && isxdigit((unsigned char)p[i + 1]) &&
            isxdigit((unsigned char)p[i + 2]))
            s[k++] = (char)v, i += 2;
        else s[k++] = p[i];
    }
    s[k] = '\0';
    int ok = k > 0 && k <= MAX_ID;
    for (size_t i = 0; ok && i < k; i++) ok = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f && s[i] != '/';
    if (!ok) {
        free(s);
        return NULL;
    }
    return s;
}

/* The search arguments as one key: each present one as name=length:value. */
static char *search_key(struct MHD_Connection *c) {
    static const char *const names[] = {"q", "story", "entity", "source", "since", "until", "stance", "limit", "page"};
    size_t n = 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = arg(c, names[i]);
        if (v) n += strlen(names[i]) + strlen(v) + 24;
    }
    char *key = malloc(n), *p = key;
    if (!key) return NULL;
    *p = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = arg(c, names[i]);
        if (v) p += sprintf(p, "%s=%zu:%s;", names[i], strlen(v), v);
    }
    return key;
}

static enum MHD_Result get(server *sv, struct MHD_Connection *c, const char *url) {
    rthread *rt = reader(sv);
    if (!rt) return send_error(c, 503, "the store cannot be opened");
    sl_engine *e = rt->e;
    sl_status s = SL_OK;
    json_t *out = NULL;
    if (!strcmp(url, "/api/stories")) {
        sl_story_filter f = {arg(c, "since"), arg(c, "until"), 0};
        int64_t min = 0;
        if ((f.since && !is_date(f.since)) || (f.until && !is_date(f.until)) || num_arg(c, "min_size", &min))
            return send_error(c, 400, "since and until are dates YYYY-MM-DD, min_size a count");
        f.min_size = (size_t)min;
        out = json_array();
        s = sl_stories(e, &f, add_story, out);
    } else if (!strncmp(url, "/api/stories/", 13)) {
        int64_t id;
        if (parse_id(url + 13, &id)) return send_error(c, 400, "a story id is a positive number");
        s = sl_story_get(e, id, one_story, &out);
        if (s == SL_OK && out) {
            claims_out x = {json_array(), 1};
            sl_claim_filter f = {json_integer_value(json_object_get(out, "id")), NULL, NULL};
            s = sl_claim_groups(e, &f, add_group, &x);
            json_object_set_new(out, "claim_groups", x.arr);
        }
    } else if (!strncmp(url, "/api/articles/", 14)) {
        char *id = path_id(url + 14);
        if (!id) return send_error(c, 400, "a bad article id");
        const sl_doc *d;
        s = sl_get(e, id, &d);
        if (s == SL_OK) {
            out = json_object();
            json_object_set_new(out, "id", str(d->id));
            json_object_set_new(out, "source", str(d->source));
            json_object_set_new(out, "url", str(d->url));
            json_object_set_new(out, "date", str(d->date));
            json_object_set_new(out, "title", str(d->title));
            json_t *t = json_stringn(d->text, d->text_len);
            json_object_set_new(out, "text", t ? t : json_null());
            int64_t story = 0;
            if (sl_story_of(e, id, &story) == SL_OK && story) json_object_set_new(out, "story", json_integer(story));
            else json_object_set_new(out, "story", json_null());
        }
        free(id);
    } else if (!strcmp(url, "/api/search")) {
        sl_search_query q = {.text = arg(c, "q"), .entity = arg(c, "entity"), .source = arg(c, "source"),
                             .since = arg(c, "since"), .until = arg(c, "until"), .stance = arg(c, "stance")};
        int64_t limit = 10, page = 1;
        if (!q.text) return send_error(c, 400, "search needs q");
        if (num_arg(c, "story", &q.story) || num_arg(c, "limit", &limit) || num_arg(c, "page", &page) ||
            limit > 1000 || (q.since && !is_date(q.since)) || (q.until && !is_date(q.until)) ||
            (q.stance && !is_stance(q.stance)))
            return send_error(c, 400, "story, limit, page are positive numbers, since and until dates, stance a stance");
        q.limit = (size_t)limit;
        q.offset = (size_t)(page - 1) * (size_t)limit;
        char *key = search_key(c);
        const kept *k = key ? kept_get(rt, key) : NULL;
        if (k) {
            free(key);
            return send_text(c, 200, JSON_TYPE, k->body, k->n, 1);
        }
        json_t *hits = json_array();
        sl_search_totals tot;
        s = sl_search(e, &q, &tot, add_hit, hits);
        out = json_object();
        json_object_set_new(out, "query", str(q.text));
        json_object_set_new(out, "hits", hits);
        json_object_set_new(out, "groups", json_integer((json_int_t)tot.groups));
        json_object_set_new(out, "articles", json_integer((json_int_t)tot.articles));
        json_object_set_new(out, "page", json_integer(page));
        json_object_set_new(out, "limit", json_integer(limit));
        char *body = s == SL_OK && key ? json_dumps(out, JSON_COMPACT) : NULL;
        if (body) {
            json_decref(out);
            kept_put(rt, key, body, strlen(body));
            free(key);
            return send_dumped(c, 200, body);
        }
        free(key);
    } else if (!strcmp(url, "/api/entities")) {
        sl_entity_filter f = {0, arg(c, "type")};
        if (num_arg(c, "story", &f.story)) return send_error(c, 400, "story is a positive number");
        out = json_array();
        s = sl_entities(e, &f, add_entity, out);
    } else if (!strncmp(url, "/api/entities/", 14)) {
        char *name = path_id(url + 14);
        if (!name) return send_error(c, 400, "a bad entity name");
        out = json_object();
        s = sl_entity_get(e, name, set_entity, add_entity_article, out);
        free(name);
    } else if (!strcmp(url, "/api/claims")) {
        sl_claim_filter f = {0, arg(c, "speaker"), arg(c, "stance")};
        if (num_arg(c, "story", &f.story) || (f.stance && !is_stance(f.stance)))
            return send_error(c, 400, "story is a positive number, stance a stance");
        claims_out x = {json_array(), 0};
        s = sl_claim_groups(e, &f, add_group, &x);
        out = x.arr;
    } else {
        return send_error(c, 404, "no such resource");
    }
    if (s != SL_OK) {
        json_decref(out);
        return send_error(c, status_of(s), sl_errmsg(e));
    }
    return send_json(c, 200, out);
}

/* ---- POST /api/articles ---------------------------------------------------------------- */

typedef struct upload {
    char *body;
    size_t len, cap;
    int too_big;
} upload;

static int token_ok(server *sv, struct MHD_Connection *c) {
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!sv->has_token || !h || strncmp(h, "Bearer ", 7)) return 0;
    /* compared in time that does not depend on where they differ */
    const char *t = h + 7;
    size_t a = strlen(t), b = strlen(sv->token);
    unsigned diff = (unsigned)(a ^ b);
    for (size_t i = 0; i < b; i++) diff |= (unsigned char)sv->token[i] ^ (unsigned char)(i < a ? t[i] : 0);
    return diff == 0;
}

/* What one POST did: counts, and the first messages of what it refused
 * (the reader names the body's temporary file: "body" instead). */
typedef struct posted {
    const char *path;
    json_t *errs;
    size_t stored, present, rejected;
    int fatal;
} posted;

static void post_refused(posted *p, const char *origin, const char *m) {
    p->rejected++;
    if (json_array_size(p->errs) >= 100) return;
    char whole[1200], msg[1200];
    if (origin) snprintf(whole, sizeof whole, "%s: %s", origin, m);
    else snprintf(whole, sizeof whole, "%s", m);
    const char *at = strstr(whole, p->path);
    if (at) snprintf(msg, sizeof msg, "%.*sbody%s", (int)(at - whole), whole, at + strlen(p->path));
    else snprintf(msg, sizeof msg, "%s", whole);
    json_array_append_new(p->errs, str(msg));
}

static int post_one(void *ud, const sl_article *a, sl_status s, sl_outcome out, const char *err) {
    posted *p = ud;
    if (s == SL_OK) {
        if (out == SL_PRESENT) p->present++;
        else p->stored++;
        return 0;
    }
    post_refused(p, a->origin, err);
    if (s == SL_ENOMEM || s == SL_ESTORE) p->fatal = 1;
    return p->fatal;
}

static enum MHD_Result ingest(server *sv, struct MHD_Connection *c, upload *u) {
    /* one JSON object over several lines is one article: made one line */
    char *body = u->body;
    size_t len = u->len;
    json_error_t jerr;
    json_t *one = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    char *line = NULL;
    if (one && json_is_object(one) && (line = json_dumps(one, JSON_COMPACT))) body = line, len = strlen(line);
    json_decref(one);
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/storyline-post-XXXXXX.jsonl", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 6);
    if (fd < 0) {
        free(line);
        return send_error(c, 500, "cannot keep the body");
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, body + off, len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    int wrote = off == len && write(fd, "\n", 1) == 1;
    close(fd);
    free(line);
    if (!wrote) {
        unlink(path);
        return send_error(c, 500, "cannot keep the body");
    }
    /* The body's articles are read and held before the writer is taken,
     * then cleaned and tagged on every core (sl_ingest_batch) as the CLI
     * does: one article at a time on the writer's thread was a fifth of
     * the CLI's speed. */
    const char *paths[] = {path};
    sl_reader *r = NULL;
    posted p = {path, json_array(), 0, 0, 0, 0};
    held **hs = NULL;
    sl_article *as = NULL;
    size_t n = 0, cap = 0;
    sl_status s = sl_reader_open(paths, 1, SL_FORMAT_JSONL, 0, &r);
    const sl_article *a;
    sl_status rs;
    while (s == SL_OK && (rs = sl_reader_next(r, &a)) != SL_DONE) {
        if (rs != SL_OK) {
            post_refused(&p, NULL, sl_reader_errmsg(r));
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            held **g = realloc(hs, nc * sizeof *g);
            if (!g) {
                s = SL_ENOMEM;
                break;
            }
            hs = g;
            cap = nc;
        }
        if (!(hs[n] = hold(a, NULL, 0))) s = SL_ENOMEM;
        else n++;
    }
    sl_reader_close(r);
    unlink(path);
    if (s == SL_OK && n && !(as = malloc(n * sizeof *as))) s = SL_ENOMEM;
    for (size_t i = 0; s == SL_OK && i < n; i++) as[i] = hs[i]->a;
    char emsg[512] = "out of memory";
    if (s == SL_OK) {
        atomic_fetch_add(&sv->ingests, 1);
        pthread_mutex_lock(&sv->wlock);
        if (n) s = sl_ingest_batch(sv->writer, as, n, post_one, &p);
        if (s == SL_OK && p.fatal) s = SL_ESTORE;
        if (s == SL_OK) s = sl_commit(sv->writer);
        snprintf(emsg, sizeof emsg, "%s", sl_errmsg(sv->writer));
        pthread_mutex_unlock(&sv->wlock);
        atomic_fetch_sub(&sv->ingests, 1);
    }
    for (size_t i = 0; i < n; i++) free(hs[i]);
    free(hs);
    free(as);
    if (p.stored) pthread_cond_signal(&sv->wake); /* their claims, soon */
    if (s != SL_OK) {
        json_decref(p.errs);
        return send_error(c, status_of(s), emsg);
    }
    json_t *out = json_object();
    json_object_set_new(out, "stored", json_integer((json_int_t)p.stored));
    json_object_set_new(out, "present", json_integer((json_int_t)p.present));
    json_object_set_new(out, "rejected", json_integer((json_int_t)p.rejected));
    json_object_set_new(out, "errors", p.errs);
    return send_json(c, p.stored + p.present ? 200 : 400, out);
}

/* ---- claims of new articles -------------------------------------------------------------- */

/* One batch of sl_claims_update at a time (about 64 articles), then the
 * writer is let go, so that ingest never waits long behind it; *more
 * says whether articles are left. */
static int one_batch(void *ud, size_t done, size_t total) {
    *(int *)ud = done < total;
    return 1;
}

/* Every second, or when woken after an ingest: the claims of articles not
 * analysed yet, a batch at a time, until there are none. */
static void *claims_thread(void *arg) {
    server *sv = arg;
    /* the lowest priority on Linux (a thread is a task of its own): the
     * answers to requests and the ingests come first on the CPU */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
    for (;;) {
        pthread_mutex_lock(&sv->qlock);
        if (!sv->stopping) {
            struct timespec t;
            clock_gettime(CLOCK_REALTIME, &t);
            t.tv_sec += 1;
            pthread_cond_timedwait(&sv->wake, &sv->qlock, &t);
        }
        int stop = sv->stopping;
        pthread_mutex_unlock(&sv->qlock);
        for (int more = 1; more && !stop;) {
            more = 0;
            /* ingest comes first: a mutex is not fair, and a batch of
             * claims after another would starve it */
            if (atomic_load(&sv->ingests)) {
                more = 1;
                nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
                goto again;
            }
            pthread_mutex_lock(&sv->wlock);
            sl_status s = sl_claims_update(sv->writer, 0, one_batch, &more);
            if (s != SL_OK) warnx("claims: %s", sl_errmsg(sv->writer)), more = 0;
            pthread_mutex_unlock(&sv->wlock);
        again:
            pthread_mutex_lock(&sv->qlock);
            stop = sv->stopping;
            pthread_mutex_unlock(&sv->qlock);
        }
        if (stop) return NULL;
    }
}

/* ---- the page ------------------------------------------------------------------------- */

/* cli/page/index.html and app.js, compiled in (tools/embed.c) */
extern const char sl_data_index_html[], sl_data_app_js[];
extern const unsigned long sl_data_index_html_len, sl_data_app_js_len;

/* ---- dispatch --------------------------------------------------------------------------- */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *data_size, void **con) {
    server *sv = cls;
    (void)version;
    if (!strcmp(method, "POST")) {
        if (strcmp(url, "/api/articles")) return send_error(c, 405, "only POST /api/articles writes");
        upload *u = *con;
        if (!u) { /* the headers: refuse early, before any body is read */
            if (!token_ok(sv, c)) return send_error(c, 401, sv->has_token ? "a valid token is needed"
                                                                        : "this server takes no writes (no --token-file)");
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            if (cl && strtoull(cl, NULL, 10) > sv->max_body) return send_error(c, 413, "the body is too large");
            if (!(u = calloc(1, sizeof *u))) return MHD_NO;
            *con = u;
            return MHD_YES;
        }
        if (*data_size) {
            if (!u->too_big && u->len + *data_size > sv->max_body) u->too_big = 1;
            if (!u->too_big) {
                if (u->len + *data_size + 1 > u->cap) {
                    size_t nc = u->cap ? u->cap : 65536;
                    while (nc < u->len + *data_size + 1) nc *= 2;
                    char *n = realloc(u->body, nc);
                    if (!n) return MHD_NO;
                    u->body = n, u->cap = nc;
                }
                memcpy(u->body + u->len, data, *data_size);
                u->len += *data_size;
            }
            *data_size = 0;
            return MHD_YES;
        }
        if (u->too_big) return send_error(c, 413, "the body is too large");
        if (!u->len) return send_error(c, 400, "an empty body");
        return ingest(sv, c, u);
    }
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) return send_error(c, 405, "GET, or POST /api/articles");
    if (!*con) { /* the first call: headers only */
        *con = (void *)1;
        return MHD_YES;
    }
    if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
        return send_text(c, 200, "text/html; charset=utf-8", sl_data_index_html, sl_data_index_html_len, 0);
    if (!strcmp(url, "/app.js"))
        return send_text(c, 200, "text/javascript; charset=utf-8", sl_data_app_js, sl_data_app_js_len, 0);
    if (strncmp(url, "/api/", 5)) return send_error(c, 404, "no such page");
    return get(sv, c, url);
}

static void done(void *cls, struct MHD_Connection *c, void **con, enum MHD_RequestTerminationCode why) {
    (void)cls, (void)c, (void)why;
    if (*con && *con != (void *)1) {
        upload *u = *con;
        free(u->body);
        free(u);
    }
    *con = NULL;
}

/* "127.0.0.1:8080" into a socket address; 0, or -1 when it is not one. */
static int parse_listen(const char *s, struct sockaddr_in *a) {
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || colon - s > 63) return -1;
    char host[64];
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port < 0 || port > 65535) return -1;
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static int read_token(const char *path, char *out, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fgets(out, (int)n, f) != NULL;
    fclose(f);
    if (!ok) return -2;
    out[strcspn(out, "\r\n")] = '\0';
    return strlen(out) >= 8 ? 0 : -2;
}

int cmd_serve(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},         {"listen", required_argument, 0, 'l'},
        {"token-file", required_argument, 0, 't'}, {"threads", required_argument, 0, 'n'},
        {"max-body", required_argument, 0, 'm'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    server sv = {.db = DEFAULT_DB, .max_body = 16u << 20};
    const char *listen = "127.0.0.1:8080", *token_file = NULL;
    int64_t threads = 2;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': sv.db = optarg; break;
        case 'l': listen = optarg; break;
        case 't': token_file = optarg; break;
        case 'n':
            if (parse_id(optarg, &threads) || threads > 64)
                return usage_error(usage_serve, "--threads needs a count from 1 to 64, not '%s'", optarg);
            break;
        case 'm':
            if (parse_cli_size(optarg, &sv.max_body))
                return usage_error(usage_serve, "--max-body needs a size such as 16M, not '%s'", optarg);
            break;
        case 'h': fputs(usage_serve, stdout); return 0;
        default: fputs(usage_serve, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_serve, "unexpected argument '%s'", argv[optind]);
    struct sockaddr_in addr;
    if (parse_listen(listen, &addr))
        return usage_error(usage_serve, "--listen needs an IPv4 ADDR:PORT such as 127.0.0.1:8080, not '%s'", listen);
    if (token_file) {
        int t = read_token(token_file, sv.token, sizeof sv.token);
        if (t == -1) err(1, "%s", token_file);
        if (t == -2) errx(1, "%s: the first line must be a token of 8 characters or more", token_file);
        sv.has_token = 1;
    }
    if (access(sv.db, F_OK) != 0) {
        warnx("%s: no such store; run 'storyline ingest --db %s PATH' first", sv.db, sv.db);
        return 1;
    }
    if (!(sv.writer = open_engine(sv.db, NULL))) return 1; /* migrates an older store too */
    pthread_mutex_init(&sv.wlock, NULL);
    pthread_mutex_init(&sv.rlock, NULL);
    pthread_mutex_init(&sv.qlock, NULL);
    pthread_cond_init(&sv.wake, NULL);
    pthread_key_create(&sv.reader, NULL);
    /* SIGINT and SIGTERM are waited for, not delivered to a worker */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, &sv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)TIMEOUT_SECONDS, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, done, &sv, MHD_OPTION_END);
    if (!d) {
        warnx("cannot listen on %s: %s", listen, strerror(errno));
        sl_close(sv.writer);
        return 1;
    }
    if (pthread_create(&sv.claims, NULL, claims_thread, &sv)) {
        warnx("cannot start a thread");
        MHD_stop_daemon(d);
        sl_close(sv.writer);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
    printf("serving %s on http://%s:%u/%s\n", sv.db, host, info ? (unsigned)info->port : ntohs(addr.sin_port),
           sv.has_token ? "" : " (read only: no --token-file)");
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    pthread_mutex_lock(&sv.qlock);
    sv.stopping = 1;
    pthread_cond_signal(&sv.wake);
    pthread_mutex_unlock(&sv.qlock);
    pthread_join(sv.claims, NULL);
    for (size_t i = 0; i < sv.n_readers; i++) {
        kept_clear(sv.readers[i]);
        sl_close(sv.readers[i]->e);
        free(sv.readers[i]);
    }
    free(sv.readers);
    sl_close(sv.writer);
    fprintf(stderr, "storyline serve: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
