/*
 * entities.c - named entities through the public API (storyline.h):
 * the built-in model of ner.h, loaded on first use, over tokens given or
 * over text split by the segmenter.
 */
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "engine.h"
#include "ner.h"
#include "utf8.h"

/* A model from a file, kept whole in memory (a few MB). */
static ner_model *from_file(const char *path, char *msg, size_t n) {
    buf b = {0};
    if (engine_read_file(path, (size_t)256 << 20, &b, msg, n)) return NULL;
    ner_model *m = ner_load(b.p ? b.p : "", b.len, msg, n);
    if (!m) buf_free(&b);
    else m->owned = b.p; /* the weights point into it */
    return m;
}

static sl_status ready(sl_engine *e, size_t n) {
    if (!e->ner) {
        char msg[256];
        const char *path = e->opt.ner_model_path;
        if (!(e->ner = path ? from_file(path, msg, sizeof msg) : ner_default(msg, sizeof msg)))
            return engine_err(e, SL_EMODEL, "%s: %s", path ? path : "the built-in NER model", msg);
    }
    if (!e->nr.s && !(e->nr.s = calloc(1, sizeof *e->nr.s))) return engine_err(e, SL_ENOMEM, "out of memory");
    if (n > e->nr.cap) {
        size_t nc = n * 2;
        uint8_t *t = realloc(e->nr.tags, nc);
        if (t) e->nr.tags = t;
        ner_tok *k = realloc(e->nr.tok, nc * sizeof *k);
        if (k) e->nr.tok = k;
        sl_span *sp = realloc(e->nr.span, nc * sizeof *sp);
        if (sp) e->nr.span = sp;
        if (!t || !k || !sp) return engine_err(e, SL_ENOMEM, "out of memory");
        e->nr.cap = nc;
    }
    return SL_OK;
}

SL_API sl_status sl_tag_tokens(sl_engine *e, const char *const *tok, const size_t *len,
                               const unsigned char *first, size_t n, const char **tags) {
    sl_status s = ready(e, n);
    if (s != SL_OK) return s;
    for (size_t i = 0; i < n; i++)
        e->nr.tok[i] = (ner_tok){tok[i], (uint32_t)len[i], i == 0 || (first && first[i])};
    if (ner_tag(e->ner, e->nr.s, e->nr.tok, n, e->nr.tags)) return engine_err(e, SL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) tags[i] = ner_tag_names[e->nr.tags[i]];
    return SL_OK;
}

static const char *const type_names[] = {"PER", "ORG", "LOC", "MISC"};

/* The length of a possessive ending of w[0, n) ('s or ’s), or 0. */
static size_t possessive(const char *w, size_t n) {
    if (n > 2 && w[n - 1] == 's' && w[n - 2] == '\'') return 2;
    if (n > 4 && w[n - 1] == 's' && !memcmp(w + n - 4, "\xE2\x80\x99", 3)) return 4;
    return 0;
}

/* The tokens of one sentence, tk[0, n) of text, onto the document being
 * gathered in e->nr.tok (*m of them so far).  The tagger learnt from
 * tokens that split a possessive off ("China 's"), so a word's 's is a
 * token of its own here, and no part of a mention. */
static sl_status add_sentence(sl_engine *e, const char *text, const sl_token *tk, size_t n, size_t *m) {
    sl_status s = ready(e, *m + 2 * n);
    if (s != SL_OK) return s;
    sl_span *at = e->nr.span;
    for (size_t i = 0; i < n; i++) {
        const char *w = text + tk[i].start;
        size_t len = tk[i].end - tk[i].start, p = possessive(w, len);
        e->nr.tok[*m] = (ner_tok){w, (uint32_t)(len - p), i == 0};
        at[(*m)++] = (sl_span){tk[i].start, tk[i].end - p};
        if (p) {
            e->nr.tok[*m] = (ner_tok){"'s", 2, 0};
            at[(*m)++] = (sl_span){tk[i].end - p, tk[i].end};
        }
    }
    return SL_OK;
}

static int capitalised(const ner_tok *t) {
    unsigned char c = t->n ? (unsigned char)t->s[0] : 0;
    return (c >= 'A' && c <= 'Z') || c >= 0xC0;
}

/* The names the alias data lists (data/entities.txt) are found where the
 * model found nothing: a run of up to four capitalised tokens it tagged
 * O, the longest that folds to a listed name, gets the name's type.  So
 * "Zelensky spoke." has its person whether or not the model knows the
 * word, and a user who adds a name to the data has it found.  A name the
 * model found that the data lists takes the data's type ("Kiev" is a
 * place even where the model took it for a team). */
#define ALIAS_WORDS 4
static int b_tag(const char *type) {
    return !strcmp(type, "PER") ? NER_B_PER : !strcmp(type, "ORG") ? NER_B_ORG
         : !strcmp(type, "LOC") ? NER_B_LOC : NER_B_MISC;
}

/* Tag tokens [i, j) as a name of the type the data lists for their text,
 * if it lists one: 1 if so, 0 if not, -1 when memory runs out. */
static int retag_listed(sl_engine *e, const char *text, size_t i, size_t j) {
    const sl_span *at = e->nr.span;
    const char *type;
    if (canon_key(e->canon, text + at[i].start, at[j - 1].end - at[i].start, &e->ekey)) return -1;
    if (!canon_entity(e->canon, e->ekey.p, &type)) return 0;
    for (size_t k = i; k < j; k++) e->nr.tags[k] = (uint8_t)(b_tag(type) + (k > i));
    return 1;
}

static sl_status alias_names(sl_engine *e, const char *text, size_t m) {
    sl_status s = entityidx_load(e);
    if (s != SL_OK) return s;
    const uint8_t *tg = e->nr.tags;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + 1;
        int r = 0;
        if (tg[i] != NER_O) { /* the model's name: the data's type, if listed */
            while (j < m && tg[j] == tg[i] + 1) j++;
            r = retag_listed(e, text, i, j);
        } else { /* the longest run of capitalised words that the data lists */
            size_t run = 0;
            while (run < ALIAS_WORDS && i + run < m && tg[i + run] == NER_O &&
                   capitalised(&e->nr.tok[i + run]) && (run == 0 || !e->nr.tok[i + run].first))
                run++;
            for (j = i + run; j > i && !(r = retag_listed(e, text, i, j)); j--) {}
            if (!r) j = i + (run ? run : 1); /* none listed: on past the run */
        }
        if (r < 0) return engine_err(e, SL_ENOMEM, "out of memory");
        i = j - 1;
    }
    return SL_OK;
}

/* Tag the document gathered (m tokens of text): the model, then the
 * alias data's names. */
static sl_status tag_gathered(sl_engine *e, const char *text, size_t m) {
    if (!m) return SL_OK;
    if (ner_tag(e->ner, e->nr.s, e->nr.tok, m, e->nr.tags)) return engine_err(e, SL_ENOMEM, "out of memory");
    return alias_names(e, text, m);
}

/* The names tagged in the m tokens gathered, into e->mentions; their
 * number into *count. */
static sl_status mentions_of_tags(sl_engine *e, size_t m, size_t *count) {
    *count = 0;
    const uint8_t *tg = e->nr.tags;
    const sl_span *at = e->nr.span;
    for (size_t i = 0; i < m; i++) {
        if (tg[i] == NER_O) continue;
        int type = (tg[i] + 1) / 2;
        size_t j = i + 1;
        while (j < m && !e->nr.tok[j].first && tg[j] == (uint8_t)(2 * type)) j++; /* its I- tags */
        if (array_grow((void **)&e->mentions, &e->cap_mentions, *count + 1, sizeof *e->mentions))
            return engine_err(e, SL_ENOMEM, "out of memory");
        e->mentions[(*count)++] = (sl_mention){at[i].start, at[j - 1].end, type_names[type - 1]};
        i = j - 1;
    }
    return SL_OK;
}

/* The tagger's room for a document is some 230 bytes a token, and every
 * batch worker has its own: after a long article it is given back, so
 * that memory stays what usual articles need. */
#define KEEP_TOKENS 4096
static void shrink(sl_engine *e) {
    if (e->nr.cap <= 2 * KEEP_TOKENS && (!e->nr.s || e->nr.s->cap <= 2 * KEEP_TOKENS)) return;
    if (e->nr.s) ner_scratch_free(e->nr.s);
    free(e->nr.tags), free(e->nr.tok), free(e->nr.span);
    e->nr.tags = NULL, e->nr.tok = NULL, e->nr.span = NULL;
    e->nr.cap = 0;
}

sl_status entities_in(sl_engine *e, const char *text, const sl_span *sent, size_t n_sent,
                      const sl_token *tok, size_t n_tok, const sl_mention **out, size_t *n) {
    size_t m = 0, k = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < n_sent; i++) {
        size_t first = k;
        while (k < n_tok && tok[k].start < sent[i].end) k++;
        if (k == first) continue;
        sl_status s = add_sentence(e, text, tok + first, k - first, &m);
        if (s != SL_OK) return s;
    }
    sl_status s = tag_gathered(e, text, m);
    if (s == SL_OK) s = mentions_of_tags(e, m, n);
    if (s == SL_OK) *out = e->mentions;
    shrink(e);
    return s;
}

sl_status entities_tokens(sl_engine *e, const char *text, size_t len, size_t *n) {
    *n = 0;
    size_t bad, m = 0;
    if (utf8_check(text, len, &bad) != UTF8_OK)
        return engine_err(e, SL_EUTF8, "invalid UTF-8 or a NUL at byte %zu", bad);
    segmenter *sg = &e->seg;
    for (size_t p = 0; p < len;) {
        size_t q = p;
        while (q < len && text[q] != '\n') q++;
        segment_reset(sg);
        if (segment_sentences(sg, text, p, q)) return engine_err(e, SL_ENOMEM, "out of memory");
        for (size_t k = 0; k < sg->n_sent; k++) {
            size_t first = sg->n_tok;
            if (segment_tokens(sg, text, sg->sent[k].start, sg->sent[k].end))
                return engine_err(e, SL_ENOMEM, "out of memory");
            if (sg->n_tok == first) continue;
            sl_status s = add_sentence(e, text, sg->tok + first, sg->n_tok - first, &m);
            if (s != SL_OK) return s;
        }
        p = q + 1;
    }
    sl_status s = tag_gathered(e, text, m);
    if (s == SL_OK) *n = m;
    return s;
}

SL_API sl_status sl_entities_of(sl_engine *e, const char *text, size_t len, const sl_mention **out,
                                size_t *n) {
    *out = NULL;
    *n = 0;
    size_t m;
    sl_status s = entities_tokens(e, text, len, &m);
    if (s == SL_OK) s = mentions_of_tags(e, m, n);
    if (s == SL_OK) *out = e->mentions;
    return s;
}

void ner_room_free(ner_room *r) {
    if (r->s) ner_scratch_free(r->s);
    free(r->s);
    free(r->tags);
    free(r->tok);
    free(r->span);
    *r = (ner_room){0};
}

void entities_free(sl_engine *e) {
    ner_free(e->ner);
    e->ner = NULL;
    ner_room_free(&e->nr);
    free(e->mentions);
    e->mentions = NULL;
    e->cap_mentions = 0;
}
