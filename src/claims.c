/*
 * claims.c - attributions through the public API (storyline.h): the
 * text's tokens and names (entities.c), the attribution tagger and its
 * grouping (attrib.h), then each attribution's stance, negation,
 * quotation and numbers.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attrib.h"
#include "engine.h"
#include "ner.h"

extern const char sl_data_cues_txt[];
extern const unsigned long sl_data_cues_txt_len;

typedef struct claims_ctx {
    at_model *model;
    cue_words *cues;
    at_scratch s;
    at_tok *tok;
    uint8_t *tags;
    at_frag *frag;
    size_t cap;
    sl_span *spans;  /* every attribution's, back to back */
    size_t cap_spans;
    sl_attribution *attr;
    size_t cap_attr;
} claims_ctx;

static sl_status load(sl_engine *e) {
    if (e->claims && e->claims->model) return SL_OK;
    if (!e->claims && !(e->claims = calloc(1, sizeof *e->claims))) return engine_err(e, SL_ENOMEM, "out of memory");
    claims_ctx *c = e->claims;
    char msg[256];
    if (!c->cues && !(c->cues = cues_parse(sl_data_cues_txt, sl_data_cues_txt_len, "cues.txt", msg, sizeof msg)))
        return engine_err(e, SL_EMODEL, "%s", msg);
    if (!(c->model = at_default(msg, sizeof msg)))
        return engine_err(e, SL_EMODEL, "the built-in attribution model: %s", msg);
    return SL_OK;
}

int claims_saying(sl_engine *e, const char *w, size_t n) {
    if (load(e) != SL_OK) return 0;
    int v = cues_listed(e->claims->cues, w, n);
    return v && v != CUE_NEGATION;
}

void claims_free(sl_engine *e) {
    claims_ctx *c = e->claims;
    if (!c) return;
    at_free(c->model);
    cues_free(c->cues);
    at_scratch_free(&c->s);
    free(c->tok), free(c->tags), free(c->frag), free(c->spans), free(c->attr);
    free(c);
    e->claims = NULL;
}

static int line_break_between(const char *text, size_t from, size_t to) {
    return memchr(text + from, '\n', to - from) != NULL;
}

sl_status claims_tokens(sl_engine *e, const char *text, size_t len, const at_tok **tok, const sl_span **span,
                        size_t *n) {
    *n = 0;
    if (!e->claims && !(e->claims = calloc(1, sizeof *e->claims))) return engine_err(e, SL_ENOMEM, "out of memory");
    claims_ctx *c = e->claims;
    size_t m;
    sl_status s = entities_tokens(e, text, len, &m);
    if (s != SL_OK) return s;
    if (m > c->cap) {
        size_t nc = 2 * m;
        at_tok *t = realloc(c->tok, nc * sizeof *t);
        if (t) c->tok = t;
        uint8_t *g = realloc(c->tags, nc);
        if (g) c->tags = g;
        at_frag *f = realloc(c->frag, nc * sizeof *f);
        if (f) c->frag = f;
        if (!t || !g || !f) return engine_err(e, SL_ENOMEM, "out of memory");
        c->cap = nc;
    }
    for (size_t i = 0; i < m; i++) {
        const ner_tok *k = &e->nr.tok[i];
        int para = i == 0 || line_break_between(text, e->nr.span[i - 1].end, e->nr.span[i].start);
        const ner_lex *x = ner_lookup(&e->ner->lex, ner_word_key(k->s, k->n));
        c->tok[i] = (at_tok){k->s, k->n, (uint8_t)(k->first || para), (uint8_t)para, e->nr.tags[i],
                             x ? x->coarse : 0, x ? x->cluster : 0};
    }
    *tok = c->tok;
    *span = e->nr.span;
    *n = m;
    return SL_OK;
}

/* Numbers among tokens [first, end): a digit's token, with a currency
 * sign before it and a scale word after it ("$200 billion"). */
static size_t values(const at_tok *t, const sl_span *at, size_t first, size_t end, sl_span *out) {
    static const char *const scale[] = {"million", "billion", "trillion", "thousand", "hundred", "percent", "%"};
    size_t k = 0;
    for (size_t i = first; i < end; i++) {
        if (!t[i].n || t[i].s[0] < '0' || t[i].s[0] > '9') continue;
        size_t a = i, b = i + 1;
        if (a > first && (at_is(&t[a - 1], "$") || at_is(&t[a - 1], "\xE2\x82\xAC") || at_is(&t[a - 1], "\xC2\xA3"))) a--;
        while (b < end) {
            int any = 0;
            for (size_t j = 0; j < sizeof scale / sizeof *scale; j++)
                if (t[b].n == strlen(scale[j]) && !strncasecmp(t[b].s, scale[j], t[b].n)) any = 1;
            if (!any) break;
            b++;
        }
        out[k++] = (sl_span){at[a].start, at[b - 1].end};
        i = b - 1;
    }
    return k;
}

/* The longest name of a person, organisation or place (NER tags) in tokens
 * [first, end), as tokens into *a, *b; 0 when none. */
static int name_in(const at_tok *t, size_t first, size_t end, size_t *a, size_t *b) {
    int found = 0;
    for (size_t i = first; i < end; i++) {
        if (t[i].ner != NER_B_PER && t[i].ner != NER_B_ORG && t[i].ner != NER_B_LOC) continue;
        size_t j = i + 1;
        while (j < end && t[j].ner == t[i].ner + 1) j++;
        if (!found || j - i > *b - *a) *a = i, *b = j, found = 1;
        i = j - 1;
    }
    return found;
}

/* The name of tags b (then i) that ends nearest before token end, from
 * token first on; 0 when none. */
static int name_before(const at_tok *t, size_t first, size_t end, int b, size_t *x, size_t *y) {
    for (size_t i = end; i-- > first;)
        if (t[i].ner == b) {
            size_t j = i + 1;
            while (j < end && t[j].ner == b + 1) j++;
            *x = i, *y = j;
            return 1;
        }
    return 0;
}

/* The speaker of the attribution before, and the sentence of its cue. */
typedef struct earlier {
    sl_span speaker;
    size_t sent; /* AT_NONE: none yet */
} earlier;

static int is_word(const at_tok *w, const char *s) {
    size_t n = strlen(s);
    return w->n == n && !strncasecmp(w->s, s, n);
}

static int same_word(const at_tok *a, const at_tok *b) {
    return a->n == b->n && !strncasecmp(a->s, b->s, a->n);
}

static int named(uint8_t ner) {
    return ner == NER_B_PER || ner == NER_I_PER || ner == NER_B_ORG || ner == NER_I_ORG || ner == NER_B_LOC ||
           ner == NER_I_LOC;
}

/* The whole name token i is part of, into [*a, *b): back over I- tags
 * to its B- tag (B- tags are odd, I- even). */
static void name_around(const at_tok *t, size_t m, size_t i, size_t *a, size_t *b) {
    size_t x = i;
    while (x > 0 && t[x].ner != NER_O && t[x].ner % 2 == 0) x--;
    size_t y = x + 1;
    while (y < m && t[y].ner == t[x].ner + 1) y++;
    *a = x, *b = y;
}

/* A role ("the ministry", "the spokesperson", "officials") stands for the
 * name its head word was last seen in or beside, before token first:
 * "Foreign Ministry", "spokesperson Lin Jian", "U.S. officials".  0 when
 * none. */
static int role_name(const at_tok *t, size_t m, size_t first, const at_tok *head, size_t *a, size_t *b) {
    for (size_t i = first; i-- > 0;) {
        if (!same_word(&t[i], head)) continue;
        if (named(t[i].ner)) return name_around(t, m, i, a, b), 1;
        for (size_t j = i + 1; j < first && j <= i + 2; j++)
            if (t[j].ner == NER_B_PER) return name_around(t, m, j, a, b), 1;
        if (i > 0 && named(t[i - 1].ner)) return name_around(t, m, i - 1, a, b), 1;
    }
    return 0;
}

/* Who the source of the attribution made of fragments [f, g) is: a name
 * in it; for a role, the name it was last seen with (role_name); for a
 * lone "he" or "she", the last person named before it; for
 * "it" or "they", the speaker of the attribution before (prev).  With no
 * source at all ("Zelensky has made a claim that ...", "..., he said,
 * adding that ..."): the speaker of the attribution before when its cue
 * is in the same sentence, else the person, else the organisation, named
 * nearest before the cue in its sentence. */
static sl_span speaker(const claims_ctx *c, const at_tok *t, const sl_span *at, size_t m, size_t f, size_t g,
                       const earlier *prev) {
    sl_span none = {0, 0};
    int sourced = 0; /* a source of cue words alone ("claim") is the tagger's slip */
    for (size_t h = f; h < g; h++)
        if (c->frag[h].role == ROLE_SOURCE)
            for (size_t i = c->frag[h].first; i < c->frag[h].end; i++)
                sourced |= !cues_listed(c->cues, t[i].s, t[i].n);
    for (size_t h = f; !sourced && h < g; h++) {
        const at_frag *x = &c->frag[h];
        if (x->role != ROLE_CUE) continue;
        size_t a, b, from = c->s.sent[x->first];
        if (prev->sent == from && prev->speaker.end > prev->speaker.start) return prev->speaker;
        if (name_before(t, from, x->first, NER_B_PER, &a, &b) || name_before(t, from, x->first, NER_B_ORG, &a, &b))
            return (sl_span){at[a].start, at[b - 1].end};
        return none;
    }
    for (size_t h = f; h < g; h++) {
        const at_frag *x = &c->frag[h];
        if (x->role != ROLE_SOURCE) continue;
        size_t a, b;
        if (name_in(t, x->first, x->end, &a, &b)) return (sl_span){at[a].start, at[b - 1].end};
        if (x->end - x->first != 1) { /* a role: its last word is its head */
            size_t h2 = x->end;
            while (h2 > x->first && !(t[h2 - 1].n && ((t[h2 - 1].s[0] | 32) >= 'a' && (t[h2 - 1].s[0] | 32) <= 'z'))) h2--;
            if (h2 > x->first && role_name(t, m, x->first, &t[h2 - 1], &a, &b))
                return (sl_span){at[a].start, at[b - 1].end};
            continue;
        }
        const at_tok *w = &t[x->first];
        if (is_word(w, "it") || is_word(w, "they")) return prev->speaker;
        if (!is_word(w, "he") && !is_word(w, "she")) {
            if (role_name(t, m, x->first, w, &a, &b)) return (sl_span){at[a].start, at[b - 1].end};
            continue;
        }
        for (size_t i = x->first; i-- > 0;) /* back to the last person named */
            if (t[i].ner == NER_B_PER) {
                size_t j = i + 1;
                while (j < m && t[j].ner == NER_I_PER) j++;
                return (sl_span){at[i].start, at[j - 1].end};
            }
    }
    return none;
}

/* The stance a quotation states in the first person ("We urge Ukraine to
 * ...", "I deny ..."): the first cue word within three tokens after an
 * opening "I" or "we" at the start of content fragment x; -1 when none. */
static int first_person(const claims_ctx *c, const at_tok *t, const at_frag *x) {
    size_t i = x->first;
    while (i < x->end && c->s.quote[i] == AT_Q_OPEN) i++;
    if (i >= x->end || !(is_word(&t[i], "we") || is_word(&t[i], "i"))) return -1;
    for (size_t j = i + 1; j < x->end && j <= i + 3; j++) {
        int w = cues_word(c->cues, t[j].s, t[j].n);
        if (w == CUE_NEGATION) return -1;
        if (w) return w - 1;
    }
    return -1;
}

SL_API sl_status sl_attributions_of(sl_engine *e, const char *text, size_t len, const sl_attribution **out,
                                    size_t *n) {
    *out = NULL;
    *n = 0;
    sl_status st = load(e);
    const at_tok *t;
    const sl_span *at;
    size_t m;
    if (st == SL_OK) st = claims_tokens(e, text, len, &t, &at, &m);
    if (st != SL_OK || !m) return st;
    claims_ctx *c = e->claims;
    if (at_tag(c->model, &c->s, c->cues, t, m, c->tags)) return engine_err(e, SL_ENOMEM, "out of memory");
    size_t na, nf = at_group(&c->s, t, m, c->tags, c->frag, &na);
    if (nf == AT_NOMEM) return engine_err(e, SL_ENOMEM, "out of memory");
    /* room: each fragment one span, and the numbers (at most a token each) */
    size_t want = nf + m;
    if (array_grow((void **)&c->spans, &c->cap_spans, want, sizeof *c->spans) ||
        array_grow((void **)&c->attr, &c->cap_attr, na + 1, sizeof *c->attr))
        return engine_err(e, SL_ENOMEM, "out of memory");
    size_t used = 0, count = 0;
    earlier prev = {{0, 0}, AT_NONE};
    for (size_t f = 0; f < nf;) {
        uint32_t id = c->frag[f].attr;
        sl_attribution *a = &c->attr[count++];
        memset(a, 0, sizeof *a);
        a->stance = stance_names[STANCE_ASSERT];
        size_t g = f;
        for (int role = ROLE_SOURCE; role <= ROLE_CONTENT; role++) {
            sl_span *first = c->spans + used;
            size_t k = 0;
            for (; g < nf && c->frag[g].attr == id && c->frag[g].role == (uint32_t)role; g++, k++)
                c->spans[used++] = (sl_span){at[c->frag[g].first].start, at[c->frag[g].end - 1].end};
            if (role == ROLE_SOURCE) a->source = first, a->n_source = k;
            if (role == ROLE_CUE) a->cue = first, a->n_cue = k;
            if (role == ROLE_CONTENT) a->content = first, a->n_content = k;
        }
        int stance = -1, quoted = -1;
        for (size_t h = f; h < g; h++) {
            const at_frag *x = &c->frag[h];
            if (x->role == ROLE_CUE) {
                /* the cue's words, and the three before it in its sentence */
                size_t from = x->first >= 3 ? x->first - 3 : 0;
                while (from < x->first && c->s.sent[from] != c->s.sent[x->first]) from++;
                for (size_t i = from; i < x->end; i++) {
                    int w = cues_word(c->cues, t[i].s, t[i].n);
                    if (w == CUE_NEGATION) a->negated = 1;
                    else if (w && i >= x->first && stance < 0) stance = w - 1;
                }
            } else if (x->role == ROLE_CONTENT) {
                if (h == f || c->frag[h - 1].role != ROLE_CONTENT) { /* the first fragment */
                    a->direct = c->s.quote[x->first] == AT_Q_OPEN || c->s.quote[x->first] == AT_Q_IN;
                    if (a->direct) quoted = first_person(c, t, x);
                }
                size_t k = values(t, at, x->first, x->end, c->spans + used);
                if (!a->values) a->values = c->spans + used;
                a->n_values += k;
                used += k;
            }
        }
        if (!a->n_values) a->values = NULL;
        a->speaker = speaker(c, t, at, m, f, g, &prev);
        prev.speaker = a->speaker;
        for (size_t h = f; h < g; h++)
            if (c->frag[h].role == ROLE_CUE) prev.sent = c->s.sent[c->frag[h].first];
        /* a neutral cue ("he added") takes the stance the quotation states */
        if ((stance < 0 || stance == STANCE_ASSERT) && quoted >= 0) stance = quoted;
        if (stance >= 0) a->stance = stance_names[stance];
        f = g;
    }
    *out = c->attr;
    *n = count;
    return SL_OK;
}
