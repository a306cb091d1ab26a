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
    "Each line is a paragraph of its own, split into sentences and tokens.\n"
    "  (default)  one line per entity: LINE:START-END, the type and the text\n"
    "             (START, END: byte offsets into the line)\n"
    "  --json     one object per input line: {\"char_entities\": [[start, end,\n"
    "             \"TYPE\", \"text\"], ...]}, offsets in characters\n"
    "  --conll    read CoNLL tokens instead (the token in the first column, a\n"
    "             blank line between sentences) and write each line back with\n"
    "             its IOB2 tag appended as the last column\n"
    "  --model F  a model made by make ner-model, not the built-in one\n";

/* A sentence of CoNLL lines being read. */
typedef struct conll {
    char **line;
    size_t n, cap;
} conll;

static int flush_conll(sl_engine *e, conll *c, const char *name, size_t lineno) {
    if (!c->n) return 0;
    const char **tok = malloc(c->n * sizeof *tok), **tags = malloc(c->n * sizeof *tags);
    size_t *len = malloc(c->n * sizeof *len);
    int rc = 0;
    if (!tok || !tags || !len) {
        warnx("out of memory");
        rc = -1;
    } else {
        for (size_t i = 0; i < c->n; i++) {
            tok[i] = c->line[i];
            len[i] = strcspn(c->line[i], " \t");
        }
        if (sl_tag_tokens(e, tok, len, c->n, tags) != SL_OK) {
            warnx("%s:%zu: %s", name, lineno, sl_errmsg(e));
            rc = -1;
        } else {
            for (size_t i = 0; i < c->n; i++) printf("%s %s\n", c->line[i], tags[i]);
        }
    }
    for (size_t i = 0; i < c->n; i++) free(c->line[i]);
    c->n = 0;
    free(tok), free(tags), free(len);
    return rc;
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
    const char *name = optind < argc ? argv[optind] : "-";
    FILE *in = strcmp(name, "-") ? fopen(name, "rb") : stdin;
    if (!in) {
        warn("%s", name);
        return 1;
    }
    if (!strcmp(name, "-")) name = "<stdin>";
    sl_engine *e;
    if (sl_open(NULL, &opt, &e) != SL_OK) {
        warnx("%s", e ? sl_errmsg(e) : "out of memory");
        sl_close(e);
        return 1;
    }
    if (sl_tag_tokens(e, NULL, NULL, 0, NULL) != SL_OK) { /* the model, before any input */
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        if (in != stdin) fclose(in);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int bad = 0;
    conll sent = {0};
    while ((got = getline(&line, &cap, in)) != -1) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (as_conll) {
            if (!n || !strncmp(line, "-DOCSTART-", 10)) {
                if (flush_conll(e, &sent, name, lineno)) bad = 1;
                if (n) printf("%s O\n", line);
                else putchar('\n');
                continue;
            }
            if (sent.n == sent.cap) {
                size_t nc = sent.cap ? 2 * sent.cap : 64;
                char **l = realloc(sent.line, nc * sizeof *l);
                if (!l) {
                    warnx("out of memory");
                    bad = 1;
                    break;
                }
                sent.line = l, sent.cap = nc;
            }
            if (!(sent.line[sent.n] = strdup(line))) {
                warnx("out of memory");
                bad = 1;
                break;
            }
            sent.n++;
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
    if (as_conll && flush_conll(e, &sent, name, lineno)) bad = 1;
    if (ferror(in)) {
        warnx("%s: read error", name);
        bad = 1;
    }
    free(sent.line);
    free(line);
    if (in != stdin) fclose(in);
    sl_close(e);
    return bad ? 1 : 0;
}
