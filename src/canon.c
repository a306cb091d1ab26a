/*
 * canon.c - name keys and the alias data of canon.h.
 */
#include "canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* One thing the data says: key -> value (an entity's name and type, a
 * first name's first spelling, a demonym's country). */
typedef struct said {
    char *key, *value, *type;
} said;

typedef struct table {
    said *v;
    size_t n, cap;
} table;

struct canon {
    table entity, given, demonym;
};

static int by_key(const void *a, const void *b) { return strcmp(((const said *)a)->key, ((const said *)b)->key); }

static const said *find(const table *t, const char *key) {
    said probe = {(char *)key, NULL, NULL};
    return t->n ? bsearch(&probe, t->v, t->n, sizeof *t->v, by_key) : NULL;
}

static void table_free(table *t) {
    for (size_t i = 0; i < t->n; i++) free(t->v[i].key), free(t->v[i].value), free(t->v[i].type);
    free(t->v);
}

/* A word's transliterated ending, written one way. */
static size_t fold_ending(char *w, size_t n) {
    static const char *const ends[] = {"yy", "iy", "ij", "ii", "yi"};
    if (n <= 4) return n;
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
        if (w[n - 2] == ends[i][0] && w[n - 1] == ends[i][1]) {
            w[n - 2] = 'y';
            return n - 1;
        }
    return n;
}

/* The general rules of canon.h, without the first-name table. */
static int fold(const char *s, size_t n, buf *out) {
    buf_reset(out);
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
                                      UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                          UTF8PROC_CASEFOLD);
    if (k < 0) return buf_puts(out, "") ? -1 : 0; /* not UTF-8: no key (checked before) */
    const char *p = (const char *)m;
    size_t i = 0, words = 0;
    while (i < (size_t)k) {
        /* a word: letters and digits, full stops and apostrophes dropped */
        char w[256];
        size_t wn = 0;
        while (i < (size_t)k) {
            unsigned char c = (unsigned char)p[i];
            if (c == '.' || c == '\'') {
                i++;
                continue;
            }
            if (c == 0xE2 && i + 2 < (size_t)k && (unsigned char)p[i + 1] == 0x80 &&
                ((unsigned char)p[i + 2] == 0x99 || (unsigned char)p[i + 2] == 0x98)) {
                i += 3; /* ’ ‘ */
                continue;
            }
            int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
            if (c >= 0x80) { /* a letter of another script, or a dash or space */
                utf8proc_int32_t cp;
                utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)p + i, k - (utf8proc_ssize_t)i, &cp);
                if (len <= 0) len = 1, cp = 0;
                utf8proc_category_t cat = utf8proc_category(cp);
                alnum = cat <= UTF8PROC_CATEGORY_LO || (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
                if (!alnum) {
                    i += (size_t)len;
                    break;
                }
                for (utf8proc_ssize_t j = 0; j < len && wn < sizeof w; j++) w[wn++] = p[i + (size_t)j];
                i += (size_t)len;
                continue;
            }
            i++;
            if (!alnum) break;
            if (wn < sizeof w) w[wn++] = (char)c;
        }
        if (!wn) continue;
        wn = fold_ending(w, wn);
        if ((words && buf_putc(out, ' ')) || buf_put(out, w, wn)) {
            free(m);
            return -1;
        }
        words++;
    }
    free(m);
    if (words > 1 && out->len > 4 && !memcmp(out->p, "the ", 4)) {
        memmove(out->p, out->p + 4, out->len - 4);
        out->len -= 4;
    }
    if (buf_putc(out, '\0')) return -1;
    out->len--;
    return 0;
}

int canon_key(const canon *c, const char *s, size_t n, buf *out) {
    if (fold(s, n, out)) return -1;
    char *sp = strchr(out->p, ' ');
    if (!c || !sp) return 0;
    *sp = '\0'; /* the first name, looked up alone */
    const said *g = find(&c->given, out->p);
    *sp = ' ';
    if (!g) return 0;
    size_t rest = out->len - (size_t)(sp - out->p), gn = strlen(g->value);
    char *tail = strdup(sp);
    if (!tail) return -1;
    buf_reset(out);
    int rc = buf_put(out, g->value, gn) || buf_put(out, tail, rest) || buf_putc(out, '\0');
    free(tail);
    if (rc) return -1;
    out->len--;
    return 0;
}

const char *canon_entity(const canon *c, const char *key, const char **type) {
    const said *x = c ? find(&c->entity, key) : NULL;
    if (type) *type = x ? x->type : NULL;
    return x ? x->value : NULL;
}

const char *canon_demonym(const canon *c, const char *key) {
    const said *x = c ? find(&c->demonym, key) : NULL;
    return x ? x->value : NULL;
}

const char *canon_last_word(const char *key) {
    const char *sp = strrchr(key, ' ');
    return sp ? sp + 1 : key;
}

/* ---- the data file ------------------------------------------------------ */

static int put(table *t, const char *key, const char *value, const char *type) {
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 64;
        said *v = realloc(t->v, nc * sizeof *v);
        if (!v) return -1;
        t->v = v, t->cap = nc;
    }
    said *x = &t->v[t->n];
    x->key = strdup(key);
    x->value = strdup(value);
    x->type = type ? strdup(type) : NULL;
    if (!x->key || !x->value || (type && !x->type)) {
        free(x->key), free(x->value), free(x->type);
        return -1;
    }
    t->n++;
    return 0;
}

canon *canon_parse(const char *text, size_t n, const char *name, char *err, size_t errlen) {
    canon *c = calloc(1, sizeof *c);
    buf key = {0};
    if (!c) goto oom;
    /* first names first: the entity lines' keys use them */
    for (int pass = 0; pass < 2; pass++) {
        size_t line = 0;
        for (size_t at = 0; at < n;) {
            size_t end = at;
            while (end < n && text[end] != '\n') end++;
            line++;
            char row[1024];
            size_t len = end - at < sizeof row - 1 ? end - at : sizeof row - 1;
            memcpy(row, text + at, len);
            row[len] = '\0';
            at = end + 1;
            if (len && row[len - 1] == '\r') row[--len] = '\0';
            if (!len || row[0] == '#') continue;
            char *field[64];
            size_t nf = 0;
            for (char *f = row; f && nf < 64;) {
                char *tab = strchr(f, '\t');
                if (tab) *tab = '\0';
                field[nf++] = f;
                f = tab ? tab + 1 : NULL;
            }
            const char *kind = field[0];
            int given = !strcmp(kind, "given"), demonym = !strcmp(kind, "demonym");
            int typed = !strcmp(kind, "PER") || !strcmp(kind, "ORG") || !strcmp(kind, "LOC") || !strcmp(kind, "MISC");
            if (nf < 2 || (!given && !demonym && !typed) || ((given || demonym) && nf < 3)) {
                snprintf(err, errlen, "%s:%zu: expected PER, ORG, LOC, MISC, given or demonym, then names"
                         " parted by tabs", name, line);
                goto fail;
            }
            if ((pass == 0) != given) continue;
            for (size_t i = 1; i < nf; i++) {
                if (canon_key(c, field[i], strlen(field[i]), &key)) goto oom;
                if (given) { /* every spelling to the first one's */
                    buf first = {0};
                    if (fold(field[1], strlen(field[1]), &first) || put(&c->given, key.p, first.p, NULL)) {
                        buf_free(&first);
                        goto oom;
                    }
                    buf_free(&first);
                } else if (demonym) {
                    if (i > 1 && put(&c->demonym, key.p, field[1], NULL)) goto oom;
                } else if (put(&c->entity, key.p, field[1], kind)) {
                    goto oom;
                }
            }
        }
        table *t = pass == 0 ? &c->given : &c->entity;
        qsort(t->v, t->n, sizeof *t->v, by_key);
        if (pass == 1) qsort(c->demonym.v, c->demonym.n, sizeof *c->demonym.v, by_key);
    }
    buf_free(&key);
    return c;
oom:
    snprintf(err, errlen, "%s: out of memory", name);
fail:
    buf_free(&key);
    canon_free(c);
    return NULL;
}

void canon_free(canon *c) {
    if (!c) return;
    table_free(&c->entity);
    table_free(&c->given);
    table_free(&c->demonym);
    free(c);
}
