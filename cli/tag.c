/*
 * tag.c - `storyline tag`: named entities of text, or of CoNLL tokens.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char usage_tag[] =
    "usage: storyline tag [--conll] [--json] [--model FILE] [FILE | -]\n"
    "\n"
    "Find the named entities (PER, ORG, LOC, MISC) in text read from FILE or\n"
    "standard input, with the built-in model (make ner-model retrains it).\n"
    "Each line is a document of its own, split into sentences and tokens;\n"
    "names listed in the alias data (data/entities.txt) are found there even\n"
    "where the model finds none, and take the type the data gives.\n"
    "  (default)  one line per entity: LINE:START-END, the type and the text\n"
    "             (START, END: byte offsets into the line)\n"
    "  --json     one object per input line: {\"char_entities\": [[start, end,\n"
    "             \"TYPE\", \"text\"], ...]}, offsets in characters\n"
    "  --conll    read CoNLL tokens instead (the token in the first column, a\n"
    "             blank line between sentences, a -DOCSTART- line before each\n"
    "             document) and write each line back with its IOB2 tag\n"
    "             appended as the last column: the model alone, scored on\n"
    "             gold tokens (no alias data)\n"
    "  --model F  a model made by make ner-model, not the built-in one\n"
    "The tagger reads a document whole (a line of text, a CoNLL document):\n"
    "how a word is used in one sentence tells of it in the others.\n";

/* A document of CoNLL lines being read: the token lines back to back, NUL
 * after each, how many blank lines came before each (the sentence
 * breaks, written back as they were read), and the arrays the tagger
 * takes, all kept for the next document. */
typedef struct conll {
    char *text;
    size_t len, cap_text;
    size_t *off;          /* where each line starts in text */
    const char **tok, **tags;
    size_t *tlen, *blanks;
    unsigned char *first; /* the line starts a sentence */
    size_t n, cap, tail;  /* tail: blank lines after the last token */
} conll;

/* A document with no -DOCSTART- line is tagged in parts of about this
 * many tokens (at a sentence break), so memory stays bounded. */
#define CONLL_DOC_MAX 100000

static int add_line(conll *c, const char *line, size_t n) {
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        size_t *off = realloc(c->off, nc * sizeof *off), *tlen = realloc(c->tlen, nc * sizeof *tlen);
        size_t *blanks = realloc(c->blanks, nc * sizeof *blanks);
        const char **tok = realloc(c->tok, nc * sizeof *tok), **tags = realloc(c->tags, nc * sizeof *tags);
        unsigned char *first = realloc(c->first, nc);
        if (off) c->off = off;
        if (tlen) c->tlen = tlen;
        if (blanks) c->blanks = blanks;
        if (tok) c->tok = tok;
        if (tags) c->tags = tags;
        if (first) c->first = first;
        if (!off || !tlen || !blanks || !tok || !tags || !first) return -1;
        c->cap = nc;
    }
    if (c->len + n + 1 > c->cap_text) {
        size_t nc = 2 * (c->len + n + 1);
        char *t = realloc(c->text, nc);
        if (!t) return -1;
        c->text = t, c->cap_text = nc;
    }
    c->first[c->n] = c->n == 0 || c->tail > 0;
    c->blanks[c->n] = c->tail;
    c->tail = 0;
    c->off[c->n++] = c->len;
    memcpy(c->text + c->len, line, n + 1);
    c->len += n + 1;
    return 0;
}

/* Tag the document read so far and write it back (blank lines before
 * its first token were written already). */
static int flush_conll(sl_engine *e, conll *c, const char *name, size_t lineno) {
    int rc = 0;
    if (c->n) {
        for (size_t i = 0; i < c->n; i++) {
            c->tok[i] = c->text + c->off[i];
            c->tlen[i] = strcspn(c->tok[i], " \t");
        }
        if (sl_tag_tokens(e, c->tok, c->tlen, c->first, c->n, c->tags) != SL_OK) {
            warnx("%s:%zu: %s", name, lineno, sl_errmsg(e));
            rc = -1;
        } else {
            for (size_t i = 0; i < c->n; i++) {
                for (size_t b = i ? c->blanks[i] : 0; b > 0; b--) putchar('\n');
                printf("%s %s\n", c->tok[i], c->tags[i]);
            }
        }
    }
    for (; c->tail > 0; c->tail--) putchar('\n');
    c->n = c->len = 0;
    return rc;
}

static void conll_free(conll *c) {
    free(c->text), free(c->off), free(c->tok), free(c->tags), free(c->tlen), free(c->blanks), free(c->first);
}

/* Characters (code points) in s[0, n). */
static size_t chars(const char *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static void json_bytes(const char *s, size_t n) {
    char *z = strndup(s, n);
    if (z) print_json_string(z);
    else fputs("\"\"", stdout);
    free(z);
}

int cmd_tag(int argc, char **argv) {
    static const struct option opts[] = {
        {"conll", no_argument, 0, 'c'},
        {"json", no_argument, 0, 'j'},
        {"model", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int as_conll = 0, json = 0, c;
    sl_options opt;
    sl_options_init(&opt);
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': as_conll = 1; break;
        case 'j': json = 1; break;
        case 'm': opt.ner_model_path = optarg; break;
        case 'h': fputs(usage_tag, stdout); return 0;
        default: fputs(usage_tag, stderr); return 2;
        }
    }
    if (argc - optind > 1) return usage_error(usage_tag, "tag reads one FILE or standard input");
    if (as_conll && json) return usage_error(usage_tag, "--conll writes CoNLL; it takes no --json");
    const char *name;
    FILE *in = open_input(optind < argc ? argv[optind] : "-", &name);
    if (!in) return 1;
    sl_engine *e;
    if (sl_open(NULL, &opt, &e) != SL_OK) {
        warnx("%s", e ? sl_errmsg(e) : "out of memory");
        sl_close(e);
        return 1;
    }
    if (sl_tag_tokens(e, NULL, NULL, NULL, 0, NULL) != SL_OK) { /* the model, before any input */
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        if (in != stdin) fclose(in);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int bad = 0;
    conll doc = {0};
    while ((got = getline(&line, &cap, in)) != -1) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (as_conll) {
            if (!n) {
                if (doc.n) doc.tail++;
                else putchar('\n');
                continue;
            }
            int docstart = !strncmp(line, "-DOCSTART-", 10);
            if (docstart || (doc.tail && doc.n >= CONLL_DOC_MAX)) {
                if (flush_conll(e, &doc, name, lineno)) bad = 1;
                if (docstart) {
                    printf("%s O\n", line);
                    continue;
                }
            }
            if (add_line(&doc, line, n)) {
                warnx("out of memory");
                bad = 1;
                break;
            }
            continue;
        }
        const sl_mention *m;
        size_t nm;
        if (sl_entities_of(e, line, n, &m, &nm) != SL_OK) {
            warnx("%s:%zu: %s", name, lineno, sl_errmsg(e));
            bad = 1;
            if (json) puts("{\"char_entities\":[]}");
            continue;
        }
        if (json) fputs("{\"char_entities\":[", stdout);
        for (size_t i = 0; i < nm; i++) {
            if (json) {
                printf("%s[%zu,%zu,\"%s\",", i ? "," : "", chars(line, m[i].start), chars(line, m[i].end),
                       m[i].type);
                json_bytes(line + m[i].start, m[i].end - m[i].start);
                putchar(']');
            } else {
                printf("%zu:%zu-%zu\t%s\t%.*s\n", lineno, m[i].start, m[i].end, m[i].type,
                       (int)(m[i].end - m[i].start), line + m[i].start);
            }
        }
        if (json) puts("]}");
    }
    if (as_conll && flush_conll(e, &doc, name, lineno)) bad = 1;
    if (ferror(in)) {
        warnx("%s: read error", name);
        bad = 1;
    }
    conll_free(&doc);
    free(line);
    if (in != stdin) fclose(in);
    sl_close(e);
    return bad ? 1 : 0;
}
