/*
 * engine.c - sl_engine: runs the stages for each article and owns the
 * store.  Everything a program does goes through here.
 *
 * Articles are written in batches, one transaction each (batch_articles or
 * batch_bytes, whichever comes first), so a crash loses at most the batch
 * in flight; re-running the same input completes it because articles
 * already stored are recognised by id and hash and skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "clean.h"
#include "engine.h"
#include "terms.h"
#include "json_out.h"
#include "normalize.h"
#include "pool.h"
#include "rules.h"
#include "segment.h"
#include "store.h"
#include "storyline.h"
#include "utf8.h"

extern const char sl_data_boilerplate_rules[];
extern const unsigned long sl_data_boilerplate_rules_len;

static const char *const status_text[] = {
    [SL_OK] = "ok",
    [SL_DONE] = "done",
    [SL_ERROR] = "error",
    [SL_ENOMEM] = "out of memory",
    [SL_EINVAL] = "invalid argument",
    [SL_EIO] = "input/output error",
    [SL_EUTF8] = "invalid UTF-8",
    [SL_EJSON] = "malformed JSON",
    [SL_ETOOBIG] = "too big",
    [SL_EEMPTY] = "no text",
    [SL_ESTORE] = "store error",
    [SL_ENOTFOUND] = "not found",
    [SL_ECONFLICT] = "id conflict",
    [SL_EVERSION] = "unsupported store version",
    [SL_ERULES] = "malformed rules file",
    [SL_EMODEL] = "unusable model",
};

SL_API const char *sl_strerror(sl_status code) {
    if ((unsigned)code < sizeof status_text / sizeof *status_text && status_text[code])
        return status_text[code];
    return "unknown status";
}

SL_API const char *sl_version(void) { return SL_VERSION; }

SL_API void sl_options_init(sl_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->max_article_bytes = (size_t)4 << 20;
    /* A commit writes every index page the batch touched, and inserts by
     * hash and by id touch pages all over their indexes: at a million
     * articles (scale corpus, --dups-only) batches of 2,000 wrote 50 GB
     * in 161 s, batches of 20,000 about a fifth of that in 97 s (with the
     * writer's 64 MiB page cache, store.c).  50,000 gained 4 % more, for a
     * larger batch lost on a crash. */
    opt->batch_articles = 20000;
    opt->batch_bytes = (size_t)64 << 20;
}

sl_status engine_err(sl_engine *e, sl_status s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, sizeof e->err, fmt, ap);
    va_end(ap);
    return s;
}

SL_API const char *sl_errmsg(const sl_engine *e) {
    if (!e) return "out of memory";
    return e->err;
}

int engine_read_file(const char *path, size_t max, buf *out, char *msg, size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, n, "%s", strerror(errno));
        return 1;
    }
    char chunk[65536];
    size_t k;
    out->max = max;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_put(out, chunk, k)) {
            fclose(f);
            buf_free(out);
            snprintf(msg, n, "larger than %zu bytes", max);
            return 2;
        }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_free(out);
        snprintf(msg, n, "read error");
        return 1;
    }
    return 0;
}

static sl_status load_rules(sl_engine *e, const char *path) {
    char msg[512];
    if (!path) {
        e->rules = rules_parse(sl_data_boilerplate_rules, sl_data_boilerplate_rules_len,
                               "boilerplate.rules", msg, sizeof msg);
        return e->rules ? SL_OK : engine_err(e, SL_ERULES, "%s", msg);
    }
    buf b = {0};
    int rc = engine_read_file(path, (size_t)16 << 20, &b, msg, sizeof msg);
    if (rc) return engine_err(e, rc == 2 ? SL_ERULES : SL_EIO, "%s: %s", path, rc == 2 ? "too large for a rules file" : msg);
    e->rules = rules_parse(b.p ? b.p : "", b.len, path, msg, sizeof msg);
    buf_free(&b);
    return e->rules ? SL_OK : engine_err(e, SL_ERULES, "%s", msg);
}

SL_API sl_status sl_open(const char *path, const sl_options *opt, sl_engine **out) {
    sl_engine *e = calloc(1, sizeof *e);
    *out = e;
    if (!e) return SL_ENOMEM;
    if (opt) e->opt = *opt;
    else sl_options_init(&e->opt);
    sl_options def;
    sl_options_init(&def);
    if (!e->opt.max_article_bytes) e->opt.max_article_bytes = def.max_article_bytes;
    if (!e->opt.batch_articles) e->opt.batch_articles = def.batch_articles;
    if (!e->opt.batch_bytes) e->opt.batch_bytes = def.batch_bytes;
    e->cl.text.max = e->opt.max_article_bytes + 1;
    sl_status s = load_rules(e, e->opt.rules_path);
    if (s != SL_OK) return s;
    if (path) {
        s = store_open(path, e->opt.readonly, &e->st, e->err, sizeof e->err);
        if (s != SL_OK) return s;
        s = dupindex_open(e);
        if (s == SL_OK) s = deferred_open(e);
        if (s != SL_OK) return s;
    }
    return SL_OK;
}

SL_API sl_status sl_commit(sl_engine *e) {
    e->pending = 0;
    e->pending_bytes = 0;
    if (!e->st) return SL_OK;
    sl_status s = dupindex_settle(e); /* stories read the copies */
    if (s == SL_OK) s = storyidx_flush(e);
    if (s == SL_OK) s = store_commit(e->st, e->err, sizeof e->err);
    if (s != SL_OK) { /* what it made may be gone */
        entityidx_forget(e);
        dupindex_forget(e);
    }
    return s;
}

SL_API int64_t sl_data_version(sl_engine *e) {
    return e && e->st ? store_data_version(e->st, e->err, sizeof e->err) : -1;
}

static void free_slots(sl_engine *e);

SL_API void sl_close(sl_engine *e) {
    if (!e) return;
    if (e->st && dupindex_settle(e) == SL_OK && storyidx_flush(e) == SL_OK)
        store_commit(e->st, e->err, sizeof e->err);
    store_close(e->st);
    free((void *)e->stored_keys);
    if (!e->rules_borrowed) rules_free(e->rules);
    clean_free(&e->cl);
    buf_free(&e->kbuf);
    buf_free(&e->nbuf);
    buf_free(&e->tbuf);
    buf_free(&e->dstr);
    buf_free(&e->json);
    buf_free(&e->form);
    free(e->srem);
    free(e->para);
    free(e->rem);
    free(e->rem_off);
    segment_free(&e->seg);
    dupindex_free(e);
    storyidx_free(e);
    entities_free(e);
    claims_free(e);
    entityidx_free(e);
    for (unsigned w = 0; w < 64; w++) {
        terms_free(e->wterms[w]);
        ner_room_free(&e->wroom[w]);
    }
    buf_free(&e->tblob);
    free_slots(e);
    free(e);
}

/* Check an optional metadata string: valid UTF-8 (line breaks and other
 * characters are kept; JSON output escapes them).  SL_OK or SL_EUTF8. */
static sl_status check_field(sl_engine *e, const char *name, const char *v) {
    if (!v) return SL_OK;
    size_t bad;
    int u = utf8_check(v, strlen(v), &bad);
    if (u != UTF8_OK)
        return engine_err(e, SL_EUTF8, "invalid UTF-8 at byte %zu of field %s", bad, name);
    return SL_OK;
}

/* The given title, trimmed and in NFC, or NULL when empty. */
static const char *clean_title(sl_engine *e, const char *t) {
    if (!t) return NULL;
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r') t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n' || t[n - 1] == '\r')) n--;
    if (!n) return NULL;
    buf_reset(&e->tbuf);
    size_t bad;
    int nfc = 0;
    norm_check(&e->cl.nfct, t, n, &bad, &nfc); /* validity was checked before */
    int rc = nfc ? norm_nfc(t, n, &e->tbuf) : buf_put(&e->tbuf, t, n);
    return rc ? NULL : e->tbuf.p;
}

static void hex(const unsigned char *h, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Clean a, leaving the result in e->cl; *title gets the title to keep. */
static sl_status run_clean(sl_engine *e, const sl_article *a, const char **title) {
    if (!a || (!a->text && a->text_len)) return engine_err(e, SL_EINVAL, "no article");
    const char *fields[][2] = {{"id", a->id},       {"source", a->source}, {"url", a->url},
                               {"date", a->date},   {"title", a->title},
                               {"extra", a->extra}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        sl_status s = check_field(e, fields[i][0], fields[i][1]);
        if (s != SL_OK) return s;
    }
    if (a->id && !*a->id) return engine_err(e, SL_EINVAL, "empty id");
    /* A leading BOM is dropped by cleaning, so it does not count. */
    size_t len = a->text_len;
    if (len >= 3 && memcmp(a->text, "\xEF\xBB\xBF", 3) == 0) len -= 3;
    if (len > e->opt.max_article_bytes)
        return engine_err(e, SL_ETOOBIG, "text is %zu bytes, over the cap of %zu (--max-article-bytes)",
                       len, e->opt.max_article_bytes);
    if (!a->text || a->text_len == 0) return engine_err(e, SL_EEMPTY, "no text");
    const char *given = clean_title(e, a->title);
    sl_status s = clean_run(&e->cl, e->rules, a->text, a->text_len, given, e->err, sizeof e->err);
    if (s == SL_ETOOBIG)
        return engine_err(e, s, "clean text is over the cap of %zu bytes", e->opt.max_article_bytes);
    if (s != SL_OK) return s;
    *title = given ? given : e->cl.title_p;
    return SL_OK;
}

/* ---- exact keys stored lately (engine.h) ---------------------------------- */

static uint64_t stored_key(const unsigned char hash[16]) {
    return ((uint64_t)le_get(hash, 4) << 32 | le_get(hash + 4, 4)) | 1;
}

static int stored_key_seen(sl_engine *e, const unsigned char hash[16]) {
    uint64_t k = stored_key(hash);
    return e->stored_keys &&
           atomic_load_explicit(&e->stored_keys[k & (STORED_KEYS - 1)], memory_order_relaxed) == k;
}

static void stored_key_put(sl_engine *e, const unsigned char hash[16]) {
    uint64_t k = stored_key(hash);
    if (e->stored_keys) atomic_store_explicit(&e->stored_keys[k & (STORED_KEYS - 1)], k, memory_order_relaxed);
}

static int warm_key(void *ud, const unsigned char hash[16]) {
    stored_key_put(ud, hash);
    return 0;
}

/* The keys of the newest articles stored before this engine opened: a
 * copy of one of them takes the short path too (a stream of wire copies
 * into a store a server keeps open, or a file ingested again).  From the
 * hash index, about 10 ms for 100,000 articles. */
static sl_status warm_keys(sl_engine *e) {
    int64_t max = store_max_seq(e->st, e->err, sizeof e->err);
    if (max < 0) return SL_ESTORE;
    return store_hashes_after(e->st, max - STORED_KEYS, warm_key, e, e->err, sizeof e->err);
}

/* Store what cleaning made of a (in c, maybe another engine's cleaner;
 * f its fingerprint or NULL) and index it.  n_terms TERMS_SKIPPED: the
 * worker took it for an exact copy and made no terms. */
static sl_status store_cleaned(sl_engine *e, const cleaner *c, const sl_article *a,
                               const char *title, const fingerprint *f, const term *terms,
                               size_t n_terms, const ent_ref *refs, size_t n_refs, const char *rstr,
                               sl_outcome *outcome) {
    sl_status s;
    char hid[40];
    const char *id = a->id;
    if (!id) {
        hid[0] = 'h';
        hex(c->hash, 8, hid + 1);
        id = hid;
    }
    if (outcome) *outcome = SL_STORED;
    if (!e->st) return SL_OK;
    if (e->fp_state < 0) return engine_err(e, SL_EVERSION, "%s", e->fp_msg);
    if (e->deferred && !e->opt.dups_only) return deferred_refuse(e);

    buf_reset(&e->kbuf);
    buf_reset(&e->nbuf);
    static const char kind_letter[] = {'b', 'h', 'l'};
    for (size_t i = 0; i < c->n_para; i++)
        if (buf_putc(&e->kbuf, kind_letter[c->para[i].kind])) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n_notes; i++)
        if ((i && buf_putc(&e->nbuf, '\n')) || buf_puts(&e->nbuf, c->notes[i]))
            return engine_err(e, SL_ENOMEM, "out of memory");
    if (c->n_rem > e->cap_srem) {
        store_removal *n = realloc(e->srem, c->n_rem * 2 * sizeof *n);
        if (!n) return engine_err(e, SL_ENOMEM, "out of memory");
        e->srem = n;
        e->cap_srem = c->n_rem * 2;
    }
    for (size_t i = 0; i < c->n_rem; i++) {
        const clean_removal *r = &c->rem[i];
        e->srem[i] = (store_removal){r->reason, r->note[0] ? r->note : r->detail,
                                     c->removed.p + r->off, r->len};
    }
    store_row row = {
        .id = id, .source = a->source, .url = a->url, .date = a->date, .title = title,
        .extra = a->extra, .origin = a->origin, .text = c->text.p, .text_len = c->text.len,
        .kinds = e->kbuf.p, .notes = e->nbuf.len ? e->nbuf.p : NULL, .hash = c->hash,
        .n_sentences = (int64_t)c->n_sentences, .n_tokens = (int64_t)c->n_tokens,
    };
    if ((s = store_begin(e->st, e->err, sizeof e->err)) != SL_OK) return s;
    int inserted;
    int64_t seq;
    s = store_insert(e->st, &row, e->srem, c->n_rem, &inserted, &seq, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    if (!inserted) {
        unsigned char old[16];
        if (store_find(e->st, id, old, e->err, sizeof e->err) < 0) return SL_ESTORE;
        if (memcmp(old, c->hash, 16) != 0)
            return engine_err(e, SL_ECONFLICT,
                           "id '%s' is already stored with different text; nothing changed", id);
        if (outcome) *outcome = SL_PRESENT;
        return SL_OK;
    }
    s = dupindex_add(e, seq, c->text.p, c->text.len, c->para, c->n_para, c->hash, f);
    if (s != SL_OK) return s;
    if (e->opt.dups_only && !e->deferred && (s = deferred_mark(e)) != SL_OK) return s;
    stored_key_put(e, c->hash);
    /* An exact copy is not weighed: no terms are stored, and placing
     * makes them from the text should it ever stand alone (its original
     * removed).  Its entities are its original's: none are stored for it,
     * whether or not the worker took it for a copy (its original may have
     * been stored after the worker looked), as a rebuild does. */
    if (e->exact_of && !e->opt.no_index) goto counted;
    if (e->opt.dups_only) goto counted; /* terms and entities: at the rebuild */
    if (n_terms == TERMS_SKIPPED) {
        /* Bulk loading knows no copies yet: the same. */
        if (e->fp_state != 1 || e->opt.no_index) goto counted;
        terms = NULL; /* not a copy after all: its terms and entities here */
        refs = NULL;
    }
    if (!refs) { /* one article at a time: its entities here */
        const sl_mention *ment;
        if ((s = entities_in(e, c->text.p, c->seg.sent, c->seg.n_sent, c->seg.tok, c->seg.n_tok, &ment,
                             &n_refs)) != SL_OK ||
            (s = entityidx_load(e)) != SL_OK || (s = entityidx_local(e, c->text.p, ment, n_refs, &refs)) != SL_OK)
            return s;
        rstr = e->rstr.p;
    }
    if ((s = entityidx_put(e, seq, refs, n_refs, rstr)) != SL_OK) return s;
    if (!terms) { /* one article at a time: its terms here */
        if (!e->terms && !(e->terms = terms_new())) return engine_err(e, SL_ENOMEM, "out of memory");
        if (terms_of(e->terms, c->text.p, c->text.len, c->seg.sent, c->seg.n_sent, c->seg.tok,
                     c->seg.n_tok, title, &terms, &n_terms))
            return engine_err(e, SL_ENOMEM, "out of memory");
    }
    if (storyidx_encode(terms, n_terms, &e->tblob)) return engine_err(e, SL_ENOMEM, "out of memory");
    s = store_terms_put(e->st, seq, e->tblob.p, e->tblob.len, e->err, sizeof e->err);
    if (s != SL_OK) return s;
counted:
    e->pending++;
    e->pending_bytes += c->text.len;
    if (e->pending >= e->opt.batch_articles || e->pending_bytes >= e->opt.batch_bytes)
        return sl_commit(e);
    return SL_OK;
}

SL_API sl_status sl_ingest(sl_engine *e, const sl_article *a, sl_outcome *outcome) {
    const char *title;
    sl_status s = run_clean(e, a, &title);
    if (s != SL_OK) return s;
    return store_cleaned(e, &e->cl, a, title, NULL, NULL, 0, NULL, 0, NULL, outcome);
}

/* ---- sl_ingest_batch --------------------------------------------------------- */

#ifndef SLOTS_PER_WORKER
#define SLOTS_PER_WORKER 16
#endif

static const ent_ref no_refs[1];

struct ingest_slot {
    sl_engine *e;       /* cleans: no store */
    fp_ctx fp;
    fingerprint f;
    term terms[TERMS_MAX]; /* the article's story terms */
    size_t n_terms;
    const ent_ref *refs;   /* its named entities (in e's memory) */
    size_t n_refs;
    const char *title;
    sl_status st;
};

typedef struct ingest_run {
    sl_engine *e;
    const sl_article *a;
    int fingerprint;    /* the index wants the fingerprint */
    sl_ingest_cb cb;
    void *ud;
} ingest_run;

static void ingest_prepare(void *ctx, unsigned w, size_t i) {
    ingest_run *r = ctx;
    struct ingest_slot *sl = &r->e->slots[i % r->e->n_slots];
    sl->st = run_clean(sl->e, &r->a[i], &sl->title);
    if (sl->st != SL_OK || !r->e->st) return;
    const cleaner *c = &sl->e->cl;
    /* terms with the worker's context (its stem cache), kept in the slot;
     * none for what looks like an exact copy of an article just stored */
    sl->refs = NULL;
    sl->n_refs = 0;
    int copy = stored_key_seen(r->e, c->hash);
    if (r->e->opt.dups_only) { /* terms and entities wait for the rebuild */
        sl->n_terms = 0;
        sl->refs = no_refs;
        goto fingerprint;
    }
    if (copy) {
        sl->n_terms = TERMS_SKIPPED;
        goto fingerprint;
    }
    const term *t;
    if (terms_of(r->e->wterms[w], c->text.p, c->text.len, c->seg.sent, c->seg.n_sent, c->seg.tok,
                 c->seg.n_tok, sl->title, &t, &sl->n_terms)) {
        sl->st = engine_err(sl->e, SL_ENOMEM, "out of memory");
        return;
    }
    memcpy(sl->terms, t, sl->n_terms * sizeof *t);
    const sl_mention *ment;
    ner_room own = sl->e->nr; /* the slot tags in its worker's room (its own stays empty) */
    sl->e->nr = r->e->wroom[w];
    sl->st = entities_in(sl->e, c->text.p, c->seg.sent, c->seg.n_sent, c->seg.tok, c->seg.n_tok, &ment,
                         &sl->n_refs);
    r->e->wroom[w] = sl->e->nr;
    sl->e->nr = own;
    if (sl->st == SL_OK) sl->st = entityidx_local(sl->e, c->text.p, ment, sl->n_refs, &sl->refs);
    if (sl->st != SL_OK) return;
    if (!sl->refs) sl->refs = no_refs; /* none, and looked for */
fingerprint:
    if (!r->fingerprint) return;
    /* an exact copy's link needs only the counts; should it not be one
     * after all, the writer fingerprints it */
    if ((copy ? fp_words : fp_compute)(&sl->fp, c->text.p, c->text.len, c->para, c->n_para, c->forms.p,
                                       c->pform, &sl->f))
        sl->st = engine_err(sl->e, SL_ENOMEM, "out of memory");
    else
        memcpy(sl->f.exact, c->hash, 16);
}

static int ingest_consume(void *ctx, size_t i) {
    ingest_run *r = ctx;
    sl_engine *e = r->e;
    struct ingest_slot *sl = &e->slots[i % e->n_slots];
    if (sl->st != SL_OK) return r->cb(r->ud, &r->a[i], sl->st, 0, sl->e->err);
    sl_outcome out = 0;
    sl_status s = store_cleaned(e, &sl->e->cl, &r->a[i], sl->title, r->fingerprint ? &sl->f : NULL,
                                sl->terms, sl->n_terms, sl->refs, sl->n_refs, sl->e->rstr.p, &out);
    return r->cb(r->ud, &r->a[i], s, s == SL_OK ? out : 0, s == SL_OK ? NULL : e->err);
}

/* An engine for a slot: no store, and the rules of its parent, which
 * outlives it (compiled rules take about 500 KiB, which is what kept the
 * window small; regexec() may run on one regex from several threads). */
static sl_engine *slot_engine(const sl_engine *parent) {
    sl_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->opt = parent->opt;
    e->cl.text.max = e->opt.max_article_bytes + 1;
    e->rules = parent->rules;
    e->rules_borrowed = 1;
    e->canon = parent->canon;
    e->canon_borrowed = 1;
    return e;
}

static void free_slots(sl_engine *e) {
    for (unsigned i = 0; i < e->n_slots; i++) {
        sl_close(e->slots[i].e);
        fp_ctx_free(&e->slots[i].fp);
    }
    free(e->slots);
    e->slots = NULL;
    e->n_slots = 0;
}

SL_API sl_status sl_ingest_batch(sl_engine *e, const sl_article *a, size_t n, sl_ingest_cb cb,
                                 void *ud) {
    unsigned workers = e->opt.threads ? e->opt.threads : pool_cores();
    if (workers > 64) workers = 64;
    /* SLOTS_PER_WORKER slots a worker: cleaning and tagging go on while
     * the writer is busy with a commit (tens of milliseconds). */
    if (e->st) {
        sl_status s = entityidx_load(e); /* before the slots: they borrow it */
        if (s != SL_OK) return s;
    }
    if (e->n_slots != SLOTS_PER_WORKER * workers || (e->n_slots && e->slots[0].e->canon != e->canon)) {
        free_slots(e);
        e->slots = calloc(SLOTS_PER_WORKER * workers, sizeof *e->slots);
        if (!e->slots) return engine_err(e, SL_ENOMEM, "out of memory");
        e->n_slots = SLOTS_PER_WORKER * workers;
        for (unsigned i = 0; i < e->n_slots; i++)
            if (!(e->slots[i].e = slot_engine(e))) {
                free_slots(e);
                return engine_err(e, SL_ENOMEM, "out of memory");
            }
    }
    if (e->st && !e->stored_keys) {
        if (!(e->stored_keys = calloc(STORED_KEYS, sizeof *e->stored_keys)))
            return engine_err(e, SL_ENOMEM, "out of memory");
        sl_status s = warm_keys(e);
        if (s != SL_OK) return s;
    }
    for (unsigned w = 0; w < workers; w++)
        if (!e->wterms[w] && !(e->wterms[w] = terms_new())) return engine_err(e, SL_ENOMEM, "out of memory");
    ingest_run r = {e, a, e->st && e->fp_state == 1 && !e->opt.no_index, cb, ud};
    pool_fns f = {&r, ingest_prepare, ingest_consume};
    if (pool_run(&f, n, n >= 8 ? workers : 1, e->n_slots))
        return engine_err(e, SL_ENOMEM, "out of memory");
    return SL_OK;
}

/* ---- building the doc handed out ---------------------------------------- */

#define NO_STR ((size_t)-1)

static size_t put_str(sl_engine *e, const char *s, size_t n) {
    if (!s) return NO_STR;
    size_t off = e->dstr.len;
    if (buf_put(&e->dstr, s, n) || buf_putc(&e->dstr, '\0')) return NO_STR - 1;
    return off;
}

static const char *str_at(sl_engine *e, size_t off) {
    return off >= NO_STR - 1 ? NULL : e->dstr.p + off;
}

static int need_para(sl_engine *e, size_t n) {
    if (n <= e->cap_para) return 0;
    sl_paragraph *p = realloc(e->para, n * 2 * sizeof *p);
    if (!p) return -1;
    e->para = p;
    e->cap_para = n * 2;
    return 0;
}

typedef struct {
    sl_engine *e;
    size_t off[11]; /* id source url date title extra origin text kinds notes */
    size_t text_len;
    int64_t ns, nt;
    unsigned char hash[16];
} get_ctx;

static int on_row(void *ud, const store_row *r) {
    get_ctx *g = ud;
    sl_engine *e = g->e;
    const char *v[] = {r->id, r->source, r->url, r->date, r->title, r->extra, r->origin,
                       r->text, r->kinds, r->notes};
    for (size_t i = 0; i < 10; i++) {
        size_t n = i == 7 ? r->text_len : (v[i] ? strlen(v[i]) : 0);
        g->off[i] = put_str(e, v[i], n);
        if (g->off[i] == NO_STR - 1) return -1;
    }
    g->text_len = r->text_len;
    g->ns = r->n_sentences;
    g->nt = r->n_tokens;
    if (r->hash) memcpy(g->hash, r->hash, 16);
    else memset(g->hash, 0, 16);
    return 0;
}

static int on_removal(void *ud, const store_removal *m) {
    get_ctx *g = ud;
    sl_engine *e = g->e;
    if (e->n_rem + 1 > e->cap_rem) {
        size_t nc = e->cap_rem ? e->cap_rem * 2 : 16;
        sl_removal *r = realloc(e->rem, nc * sizeof *r);
        if (!r) return -1;
        e->rem = r;
        size_t *o = realloc(e->rem_off, nc * 3 * sizeof *o);
        if (!o) return -1;
        e->rem_off = o;
        e->cap_rem = nc;
    }
    size_t *o = e->rem_off + 3 * e->n_rem++;
    o[0] = put_str(e, m->reason, strlen(m->reason));
    o[1] = put_str(e, m->detail, m->detail ? strlen(m->detail) : 0);
    o[2] = put_str(e, m->text ? m->text : "", m->text_len);
    return (o[0] == NO_STR - 1 || o[1] == NO_STR - 1 || o[2] == NO_STR - 1) ? -1 : 0;
}

/* Paragraph spans from text ('\n' between paragraphs) and kind letters. */
static int split_paragraphs(sl_engine *e, const char *text, size_t len, const char *kinds) {
    size_t n = 0, start = 0;
    size_t nk = kinds ? strlen(kinds) : 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n') continue;
        if (need_para(e, n + 1)) return -1;
        char k = n < nk ? kinds[n] : 'b';
        e->para[n].start = start;
        e->para[n].end = i;
        e->para[n].kind = k == 'h' ? SL_PARA_HEADING : k == 'l' ? SL_PARA_LIST : SL_PARA_BODY;
        n++;
        start = i + 1;
    }
    e->doc.paragraphs = e->para;
    e->doc.n_paragraphs = len ? n : 0;
    return 0;
}

SL_API sl_status sl_get(sl_engine *e, const char *id, const sl_doc **out) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (!id) return engine_err(e, SL_EINVAL, "no id");
    buf_reset(&e->dstr);
    e->n_rem = 0;
    get_ctx g = {.e = e};
    sl_status s = store_get(e->st, id, on_row, on_removal, &g, e->err, sizeof e->err);
    if (s == SL_ENOMEM) return engine_err(e, s, "out of memory");
    if (s != SL_OK) return s;
    sl_doc *d = &e->doc;
    memset(d, 0, sizeof *d);
    e->doc_stored = 1;
    d->id = str_at(e, g.off[0]);
    d->source = str_at(e, g.off[1]);
    d->url = str_at(e, g.off[2]);
    d->date = str_at(e, g.off[3]);
    d->title = str_at(e, g.off[4]);
    d->extra = str_at(e, g.off[5]);
    d->origin = str_at(e, g.off[6]);
    d->text = str_at(e, g.off[7]);
    d->text_len = g.text_len;
    memcpy(d->hash, g.hash, 16);
    d->n_sentences = (size_t)g.ns;
    d->n_tokens = (size_t)g.nt;
    for (size_t i = 0; i < e->n_rem; i++)
        e->rem[i] = (sl_removal){str_at(e, e->rem_off[3 * i]), str_at(e, e->rem_off[3 * i + 1]),
                                 str_at(e, e->rem_off[3 * i + 2])};
    d->removed = e->rem;
    d->n_removed = e->n_rem;
    /* Notes: split the stored string in place. */
    char *notes = (char *)str_at(e, g.off[9]);
    d->notes = e->notes;
    for (char *p = notes; p && *p && d->n_notes < 16;) {
        e->notes[d->n_notes++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    if (split_paragraphs(e, d->text ? d->text : "", d->text_len, str_at(e, g.off[8])))
        return engine_err(e, SL_ENOMEM, "out of memory");
    *out = d;
    return SL_OK;
}

SL_API sl_status sl_clean(sl_engine *e, const sl_article *a, const sl_doc **out) {
    const char *title;
    sl_status s = run_clean(e, a, &title);
    if (s != SL_OK) return s;
    cleaner *c = &e->cl;
    sl_doc *d = &e->doc;
    memset(d, 0, sizeof *d);
    e->doc_stored = 0;
    d->id = a->id;
    d->source = a->source;
    d->url = a->url;
    d->date = a->date;
    d->title = title;
    d->extra = a->extra;
    d->origin = a->origin;
    d->text = c->text.p;
    d->text_len = c->text.len;
    d->paragraphs = c->para;
    d->n_paragraphs = c->n_para;
    if (c->n_rem > e->cap_rem) {
        sl_removal *r = realloc(e->rem, c->n_rem * 2 * sizeof *r);
        size_t *o = realloc(e->rem_off, c->n_rem * 6 * sizeof *o);
        if (r) e->rem = r;
        if (o) e->rem_off = o;
        if (!r || !o) return engine_err(e, SL_ENOMEM, "out of memory");
        e->cap_rem = c->n_rem * 2;
    }
    for (size_t i = 0; i < c->n_rem; i++) {
        clean_removal *r = &c->rem[i];
        e->rem[i] = (sl_removal){r->reason, r->note[0] ? r->note : r->detail, c->removed.p + r->off};
    }
    d->removed = e->rem;
    d->n_removed = c->n_rem;
    d->notes = c->notes;
    d->n_notes = c->n_notes;
    memcpy(d->hash, c->hash, 16);
    d->n_sentences = c->n_sentences;
    d->n_tokens = c->n_tokens;
    *out = d;
    return SL_OK;
}

typedef struct {
    sl_engine *e;
    sl_doc_cb cb;
    void *ud;
} list_ctx;

static int on_list_row(void *ud, const store_row *r) {
    list_ctx *l = ud;
    sl_doc d = {0};
    d.id = r->id;
    d.source = r->source;
    d.url = r->url;
    d.date = r->date;
    d.title = r->title;
    d.origin = r->origin;
    d.text_len = r->text_len;
    if (r->hash) memcpy(d.hash, r->hash, 16);
    d.n_sentences = (size_t)r->n_sentences;
    d.n_tokens = (size_t)r->n_tokens;
    return l->cb(l->ud, &d);
}

SL_API sl_status sl_list(sl_engine *e, sl_doc_cb cb, void *ud) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    list_ctx l = {e, cb, ud};
    return store_list(e->st, on_list_row, &l, e->err, sizeof e->err);
}

SL_API sl_status sl_segment(sl_engine *e, const sl_doc *d, const sl_span **sentences,
                            size_t *n_sentences, const sl_token **tokens, size_t *n_tokens) {
    segment_reset(&e->seg);
    for (size_t i = 0; i < d->n_paragraphs; i++) {
        const sl_paragraph *p = &d->paragraphs[i];
        if (segment_sentences(&e->seg, d->text, p->start, p->end) ||
            segment_tokens(&e->seg, d->text, p->start, p->end))
            return engine_err(e, SL_ENOMEM, "out of memory");
    }
    if (sentences) *sentences = e->seg.sent;
    if (n_sentences) *n_sentences = e->seg.n_sent;
    if (tokens) *tokens = e->seg.tok;
    if (n_tokens) *n_tokens = e->seg.n_tok;
    return SL_OK;
}

SL_API sl_status sl_match_form(sl_engine *e, const char *text, size_t len, const char **out,
                               size_t *out_len) {
    buf_reset(&e->form);
    if (norm_match_form(text, len, &e->form) || buf_putc(&e->form, '\0'))
        return engine_err(e, SL_ENOMEM, "out of memory");
    e->form.len--;
    *out = e->form.p;
    *out_len = e->form.len;
    return SL_OK;
}

SL_API sl_status sl_stats_get(sl_engine *e, sl_stats *out) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    return store_stats(e->st, out, e->err, sizeof e->err);
}

SL_API sl_status sl_removed_counts(sl_engine *e, sl_count_cb cb, void *ud) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    return store_removed_counts(e->st, cb, ud, e->err, sizeof e->err);
}

SL_API sl_status sl_doc_json(sl_engine *e, const sl_doc *d, int flags, const char **out) {
    const sl_span *sent = NULL;
    const sl_token *tok = NULL;
    size_t ns = 0, nt = 0;
    if ((flags & SL_JSON_SEGMENTS) && !(flags & SL_JSON_SUMMARY)) {
        sl_status s = sl_segment(e, d, &sent, &ns, &tok, &nt);
        if (s != SL_OK) return s;
    }
    sl_dup_link *links = NULL;
    size_t n_links = 0;
    int with_links = !(flags & SL_JSON_SUMMARY) && d == &e->doc && e->doc_stored && e->fp_state == 1;
    if (with_links) {
        sl_status s = dupindex_links(e, d->id, &links, &n_links);
        if (s != SL_OK) return s;
    }
    buf_reset(&e->json);
    if (json_doc(d, flags, sent, ns, tok, nt, with_links ? links : NULL, n_links, &e->json))
        return engine_err(e, SL_ENOMEM, "out of memory");
    *out = e->json.p;
    return SL_OK;
}

/* ---- analyses deferred by opt.dups_only -------------------------------------- */

/* Bulk loading for duplicates (opt.dups_only) stores each article and its
 * duplicate relations, and leaves the rest to the rebuild: the tagger
 * (about 60 % of an ingest's CPU on new text), the story terms (most of
 * what is left), the full-text index and the placing in stories.  The
 * store says so in its meta table: 'deferred' for the entities and terms,
 * 'search_stale' for the full-text index (store_search_sync waits while
 * it is set); stories need no mark, their articles wait above
 * stories_upto.  The rebuild (dupindex.c) tags every article again, in
 * ingest order, makes the terms an article lacks as ingest makes them,
 * and drops both marks; sl_close() then places the waiting articles. */

sl_status deferred_mark(sl_engine *e) {
    sl_status s = store_meta_set(e->st, "deferred", "ingested with --dups-only", e->err, sizeof e->err);
    if (s == SL_OK) s = store_meta_set(e->st, "search_stale", "ingested with --dups-only", e->err, sizeof e->err);
    if (s == SL_OK) e->deferred = 1;
    return s;
}

sl_status deferred_refuse(sl_engine *e) {
    return e->deferred ? engine_err(e, SL_EVERSION,
                                    "articles were ingested with --dups-only: their entities, stories and "
                                    "search index wait for 'storyline reindex'")
                       : SL_OK;
}

sl_status deferred_open(sl_engine *e) {
    char v[64];
    int found = store_meta_get(e->st, "deferred", v, sizeof v, e->err, sizeof e->err);
    if (found < 0) return SL_ESTORE;
    e->deferred = found > 0;
    return SL_OK;
}
