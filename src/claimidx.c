/*
 * claimidx.c - claims in the store.
 *
 * 1. Finding them: the attributions of each stored article (claims.c),
 *    found when first asked for (sl_claims_update) and kept, with the
 *    speaker resolved to an entity: the article's mention that overlaps
 *    the name the source stands for; a demonym (Chinese) for its country,
 *    so that "a Chinese government spokesperson" speaks for China.  A meta
 *    key holds the tagger's fingerprint: after an upgrade every article
 *    is analysed again.
 * 2. Gathering them within each story into claim groups, and denials
 *    linked to what they deny, is claimgroup.c's, when they are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "engine.h"
#include "store.h"

#define CLAIMS_FORMAT 1     /* bumped when what is stored of a claim changes */
#define BATCH 64            /* articles analysed a transaction */

extern const char sl_attrib_model[], sl_attrib_model_end[];
extern const char sl_data_cues_txt[];
extern const unsigned long sl_data_cues_txt_len;

/* ---- 1. finding claims -------------------------------------------------------- */

static void tagger_print(char *out, size_t n) {
    XXH64_hash_t m = XXH3_64bits(sl_attrib_model, (size_t)(sl_attrib_model_end - sl_attrib_model));
    XXH64_hash_t c = XXH3_64bits(sl_data_cues_txt, sl_data_cues_txt_len);
    snprintf(out, n, "%d %016llx %016llx", CLAIMS_FORMAT, (unsigned long long)m, (unsigned long long)c);
}

typedef struct mention {
    size_t start, end;
    int64_t entity;
    int misc;
} mention;

typedef struct analyser {
    sl_engine *e;
    buf text;       /* the batch's texts and titles, back to back */
    size_t *off, *len, *toff; /* toff: the title's, or NO_TITLE */
    int64_t *seq;
    size_t n, cap;
    mention *m;
    size_t n_m, cap_m;
    buf s[6];       /* a claim's strings: speaker, source, cue, content, spans, values */
    int failed;
} analyser;
#define NO_TITLE ((size_t)-1)

static int todo(void *ud, int64_t seq, const char *text, size_t len, const char *title) {
    analyser *a = ud;
    if (a->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : BATCH;
        size_t *o = realloc(a->off, nc * sizeof *o);
        if (o) a->off = o;
        size_t *l = realloc(a->len, nc * sizeof *l);
        if (l) a->len = l;
        size_t *t = realloc(a->toff, nc * sizeof *t);
        if (t) a->toff = t;
        int64_t *q = realloc(a->seq, nc * sizeof *q);
        if (q) a->seq = q;
        if (!o || !l || !t || !q) return a->failed = 1;
        a->cap = nc;
    }
    a->off[a->n] = a->text.len;
    if (buf_put(&a->text, text, len) || buf_putc(&a->text, '\0')) return a->failed = 1;
    a->toff[a->n] = title && *title ? a->text.len : NO_TITLE;
    if (title && *title && (buf_puts(&a->text, title) || buf_putc(&a->text, '\0'))) return a->failed = 1;
    a->len[a->n] = len;
    a->seq[a->n++] = seq;
    return 0;
}

static int on_mention(void *ud, int64_t entity, const char *type, const char *spans) {
    analyser *a = ud;
    for (const char *p = spans; p && *p;) {
        char *end;
        unsigned long long s = strtoull(p, &end, 10), t;
        if (end == p || *end != '-') break;
        t = strtoull(end + 1, &end, 10);
        if (array_grow((void **)&a->m, &a->cap_m, a->n_m + 1, sizeof *a->m)) {
            a->failed = 1;
            return 1;
        }
        a->m[a->n_m++] = (mention){(size_t)s, (size_t)t, entity, type && !strcmp(type, "MISC")};
        p = end;
        while (*p == ' ') p++;
    }
    return 0;
}

/* The mention that overlaps [s, t) most (misc: a MISC one only, else any
 * other), or NULL. */
static const mention *overlapping(const analyser *a, size_t s, size_t t, int misc) {
    const mention *best = NULL;
    size_t most = 0;
    for (size_t i = 0; i < a->n_m; i++) {
        const mention *m = &a->m[i];
        if (m->misc != misc || m->end <= s || m->start >= t) continue;
        size_t o = (m->end < t ? m->end : t) - (m->start > s ? m->start : s);
        if (o > most) most = o, best = m;
    }
    return best;
}

/* Spans' text joined by " ... " into b; 0, or -1 out of memory. */
static int joined(buf *b, const char *text, const sl_span *sp, size_t n) {
    buf_reset(b);
    for (size_t i = 0; i < n; i++)
        if ((i && buf_puts(b, " ... ")) || buf_put(b, text + sp[i].start, sp[i].end - sp[i].start)) return -1;
    return buf_putc(b, '\0') ? -1 : (b->len--, 0);
}

static int put_spans(buf *b, char role, const sl_span *sp, size_t n) {
    char tmp[48];
    for (size_t i = 0; i < n; i++) {
        snprintf(tmp, sizeof tmp, "%s%c %zu-%zu", b->len ? " " : "", role, sp[i].start, sp[i].end);
        if (buf_puts(b, tmp)) return -1;
    }
    return 0;
}

/* The entity a claim's speaker stands for: the mention under its name
 * (mentions: when the text is the body), else the name looked up by any
 * spelling; with no name, a demonym in its source, for its country; 0
 * none. */
static int64_t speaker_entity(analyser *a, const char *text, const sl_attribution *x, int mentions) {
    sl_engine *e = a->e;
    if (x->speaker.end > x->speaker.start) {
        const mention *m = mentions ? overlapping(a, x->speaker.start, x->speaker.end, 0) : NULL;
        if (m) return m->entity;
        int64_t id = 0;
        char name[256];
        size_t n = x->speaker.end - x->speaker.start;
        if (n < sizeof name) {
            memcpy(name, text + x->speaker.start, n);
            name[n] = '\0';
            if (entityidx_find(e, name, &id) != SL_OK) id = 0;
        }
        return id;
    }
    for (size_t i = 0; mentions && i < x->n_source; i++) {
        const mention *d = overlapping(a, x->source[i].start, x->source[i].end, 0);
        if (d) return d->entity;
        if ((d = overlapping(a, x->source[i].start, x->source[i].end, 1))) {
            int64_t c = store_demonym_of(e->st, d->entity, e->err, sizeof e->err);
            return c > 0 ? c : 0;
        }
    }
    return 0;
}

/* The claims of text[0, len), the article's body or (title) its title,
 * stored from number *k on. */
static sl_status analyse(analyser *a, int64_t seq, const char *text, size_t len, int title, int64_t *k) {
    sl_engine *e = a->e;
    const sl_attribution *at;
    size_t n;
    sl_status s = sl_attributions_of(e, text, len, &at, &n);
    if (s == SL_EUTF8) n = 0; /* stored text is valid: cannot happen; analysed, with none */
    else if (s != SL_OK) return s;
    for (size_t i = 0; i < n; i++) {
        const sl_attribution *x = &at[i];
        buf *b = a->s;
        sl_span sp = x->speaker;
        if (joined(&b[0], text, &sp, sp.end > sp.start) || joined(&b[1], text, x->source, x->n_source) ||
            joined(&b[2], text, x->cue, x->n_cue) || joined(&b[3], text, x->content, x->n_content))
            return engine_err(e, SL_ENOMEM, "out of memory");
        buf_reset(&b[4]);
        buf_reset(&b[5]);
        if (put_spans(&b[4], title ? 'S' : 's', x->source, x->n_source) ||
            put_spans(&b[4], title ? 'C' : 'c', x->cue, x->n_cue) ||
            put_spans(&b[4], title ? 'T' : 't', x->content, x->n_content) || buf_putc(&b[4], '\0'))
            return engine_err(e, SL_ENOMEM, "out of memory");
        for (size_t v = 0; v < x->n_values; v++)
            if ((v && buf_putc(&b[5], '\n')) ||
                buf_put(&b[5], text + x->values[v].start, x->values[v].end - x->values[v].start))
                return engine_err(e, SL_ENOMEM, "out of memory");
        if (buf_putc(&b[5], '\0')) return engine_err(e, SL_ENOMEM, "out of memory");
        store_claim c = {
            .article = seq, .n = (*k)++, .entity = speaker_entity(a, text, x, !title),
            .speaker = b[0].len ? b[0].p : NULL, .source = b[1].len ? b[1].p : NULL,
            .cue = b[2].p, .stance = x->stance, .content = b[3].p, .spans = b[4].p,
            .values = x->n_values ? b[5].p : NULL, .negated = x->negated, .direct = x->direct,
        };
        if ((s = store_claim_put(e->st, &c, e->err, sizeof e->err)) != SL_OK) return s;
    }
    return SL_OK;
}

/* Article i of the batch: its title's claims (unless the text holds the
 * title, as the first line of a .txt file), then its text's. */
static sl_status analyse_article(analyser *a, size_t i) {
    sl_engine *e = a->e;
    a->n_m = 0;
    sl_status s = store_mentions_of(e->st, a->seq[i], on_mention, a, e->err, sizeof e->err);
    if (s != SL_OK) return s;
    if (a->failed) return engine_err(e, SL_ENOMEM, "out of memory");
    int64_t k = 0;
    const char *t = a->toff[i] != NO_TITLE ? a->text.p + a->toff[i] : NULL;
    if (t && !memmem(a->text.p + a->off[i], a->len[i], t, strlen(t))) { /* not when the text has it */
        if ((s = analyse(a, a->seq[i], t, strlen(t), 1, &k)) != SL_OK) return s;
    }
    /* An exact copy's text says what its original's says: its claims are
     * copied, with the speakers the original's names resolved (a copy
     * stores no names of its own), and the tagger is not run again. */
    int64_t orig = store_claims_original(e->st, a->seq[i], e->err, sizeof e->err);
    if (orig < 0) return SL_ESTORE;
    if (orig > 0) s = store_claims_copy(e->st, orig, a->seq[i], k, e->err, sizeof e->err);
    else s = analyse(a, a->seq[i], a->text.p + a->off[i], a->len[i], 0, &k);
    if (s != SL_OK) return s;
    return store_claims_done(e->st, a->seq[i], e->err, sizeof e->err);
}

static void analyser_free(analyser *a) {
    buf_free(&a->text);
    free(a->off), free(a->len), free(a->toff), free(a->seq), free(a->m);
    for (int i = 0; i < 6; i++) buf_free(&a->s[i]);
}

SL_API sl_status sl_claims_update(sl_engine *e, int64_t story,
                                  int (*progress)(void *ud, size_t done, size_t total), void *ud) {
    if (!e->st) return engine_err(e, SL_EINVAL, "no store is open");
    if (deferred_refuse(e) != SL_OK) return SL_EVERSION; /* speakers are entities */
    if (story > 0 && (story = store_story_resolve(e->st, story, e->err, sizeof e->err)) < 0) return SL_ESTORE;
    sl_status s = sl_commit(e);
    if (s != SL_OK) return s;
    char want[96], have[96];
    tagger_print(want, sizeof want);
    int got = store_meta_get(e->st, "claims", have, sizeof have, e->err, sizeof e->err);
    if (got < 0) return SL_ESTORE;
    int64_t total = 0;
    if (!got || strcmp(have, want)) { /* never analysed, or with another tagger */
        if ((s = store_begin(e->st, e->err, sizeof e->err)) != SL_OK ||
            (s = store_claims_clear(e->st, e->err, sizeof e->err)) != SL_OK ||
            (s = store_meta_set(e->st, "claims", want, e->err, sizeof e->err)) != SL_OK ||
            (s = store_commit(e->st, e->err, sizeof e->err)) != SL_OK)
            return s;
    }
    /* all articles: from where the last run stopped, so that a server
     * finding the claims of what it ingests a batch at a time does not
     * read every stored article again for each batch */
    int64_t after = 0;
    if (story <= 0 && (after = store_claims_upto(e->st, e->err, sizeof e->err)) < 0) return SL_ESTORE;
    if ((total = store_claims_todo_count(e->st, story, after, e->err, sizeof e->err)) < 0) return SL_ESTORE;
    analyser a = {.e = e};
    size_t done = 0;
    while (s == SL_OK && done < (size_t)total) {
        a.n = 0;
        buf_reset(&a.text);
        if ((s = store_claims_todo(e->st, story, after, BATCH, todo, &a, e->err, sizeof e->err)) != SL_OK) break;
        if (a.failed) {
            s = engine_err(e, SL_ENOMEM, "out of memory");
            break;
        }
        if (!a.n) break;
        if ((s = store_begin(e->st, e->err, sizeof e->err)) != SL_OK) break;
        for (size_t i = 0; i < a.n && s == SL_OK; i++) s = analyse_article(&a, i);
        if (s == SL_OK && story <= 0) s = store_claims_upto_set(e->st, a.seq[a.n - 1], e->err, sizeof e->err);
        if (s != SL_OK) break;
        if ((s = store_commit(e->st, e->err, sizeof e->err)) != SL_OK) break;
        after = a.seq[a.n - 1];
        done += a.n;
        if (progress && progress(ud, done, (size_t)total)) break;
    }
    if (s != SL_OK) {
        char msg[sizeof e->err];
        memcpy(msg, e->err, sizeof msg);
        store_rollback(e->st);
        engine_err(e, s, "%s", msg);
    }
    analyser_free(&a);
    return s;
}
