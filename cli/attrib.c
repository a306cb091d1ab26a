/*
 * attrib.c - `storyline attributions`: who said what in text, or in a
 * JSONL stream of articles, with no store.
 */
#include <err.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char usage_attributions[] =
    "usage: storyline attributions [--jsonl] [FILE | -]\n"
    "\n"
    "Find the attributed statements in text read from FILE or standard\n"
    "input: who (source) says (cue) what (content), the cue's stance\n"
    "(assert, deny, urge, accuse, warn, promise, acknowledge, question; from\n"
    "data/cues.txt), a negation before it, whether the content is a quotation,\n"
    "and the numbers in it.  No store is opened.\n"
    "  (default)  the input is one text (a line is a paragraph); one line per\n"
    "             attribution: source, cue, stance, content, parted by tabs\n"
    "             (fragments of a role joined by \" ... \")\n"
    "  --jsonl    one article a line, {\"id\", \"text\"}; for each one line\n"
    "             {\"id\", \"attributions\": [{\"source\": [[start, end], ...],\n"
    "             \"cue\": [...], \"content\": [...], \"stance\", \"negated\",\n"
    "             \"direct\", \"values\": [...], \"speaker\"}]}, offsets in\n"
    "             characters into the text (what ../shared/tools/score_attrib.py\n"
    "             reads); speaker: the name the source stands for (\"Lin Jian\"\n"
    "             for \"Spokesperson Lin Jian\", the last person named for \"he\"),\n"
    "             or null\n";

/* Characters (code points) of text before each byte offset, counted on
 * the way: offsets asked for in any order, text read once. */
typedef struct charmap {
    size_t *at; /* per byte: its character */
    size_t n;
} charmap;

static int charmap_make(charmap *m, const char *s, size_t len) {
    size_t *at = realloc(m->at, (len + 1) * sizeof *at);
    if (!at) return -1;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        at[i] = k;
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    at[len] = k;
    m->at = at, m->n = len;
    return 0;
}

static void print_spans(const char *key, const sl_span *sp, size_t n, const charmap *cm) {
    printf("\"%s\":[", key);
    for (size_t i = 0; i < n; i++) printf("%s[%zu,%zu]", i ? "," : "", cm->at[sp[i].start], cm->at[sp[i].end]);
    putchar(']');
}

static void print_bytes(const char *s, size_t n) {
    char *z = strndup(s, n);
    if (z) print_json_string(z);
    else fputs("\"\"", stdout);
    free(z);
}

static void print_role(const char *text, const sl_span *sp, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(" ... ", stdout);
        for (size_t j = sp[i].start; j < sp[i].end; j++) putchar(text[j] == '\n' || text[j] == '\t' ? ' ' : text[j]);
    }
}

static void print_json(json_t *id, const char *text, const sl_attribution *a, size_t n, const charmap *cm) {
    fputs("{\"id\":", stdout);
    if (json_is_string(id)) print_json_string(json_string_value(id));
    else printf("%lld", (long long)json_integer_value(id));
    fputs(",\"attributions\":[", stdout);
    for (size_t i = 0; i < n; i++) {
        if (i) putchar(',');
        putchar('{');
        print_spans("source", a[i].source, a[i].n_source, cm);
        putchar(',');
        print_spans("cue", a[i].cue, a[i].n_cue, cm);
        putchar(',');
        print_spans("content", a[i].content, a[i].n_content, cm);
        printf(",\"stance\":\"%s\",\"negated\":%s,\"direct\":%s,\"values\":[", a[i].stance,
               a[i].negated ? "true" : "false", a[i].direct ? "true" : "false");
        for (size_t v = 0; v < a[i].n_values; v++) {
            if (v) putchar(',');
            print_bytes(text + a[i].values[v].start, a[i].values[v].end - a[i].values[v].start);
        }
        fputs("],\"speaker\":", stdout);
        if (a[i].speaker.end > a[i].speaker.start)
            print_bytes(text + a[i].speaker.start, a[i].speaker.end - a[i].speaker.start);
        else
            fputs("null", stdout);
        putchar('}');
    }
    puts("]}");
}

static void print_text(const char *text, const sl_attribution *a, size_t n) {
    for (size_t i = 0; i < n; i++) {
        print_role(text, a[i].source, a[i].n_source);
        putchar('\t');
        print_role(text, a[i].cue, a[i].n_cue);
        printf("\t%s%s\t", a[i].stance, a[i].negated ? " (negated)" : "");
        print_role(text, a[i].content, a[i].n_content);
        putchar('\n');
    }
}

/* The whole of in; NULL when memory runs out. */
static char *slurp(FILE *in, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p) {
        n += fread(p + n, 1, cap - n, in);
        if (n < cap) break;
        char *q = realloc(p, cap *= 2);
        if (!q) free(p);
        p = q;
    }
    *len = n;
    return p;
}

int cmd_attributions(int argc, char **argv) {
    static const struct option opts[] = {
        {"jsonl", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int jsonl = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': jsonl = 1; break;
        case 'h': fputs(usage_attributions, stdout); return 0;
        default: fputs(usage_attributions, stderr); return 2;
        }
    }
    if (argc - optind > 1) return usage_error(usage_attributions, "attributions reads one FILE or standard input");
    const char *name;
    FILE *in = open_input(optind < argc ? argv[optind] : "-", &name);
    if (!in) return 1;
    sl_engine *e;
    if (sl_open(NULL, NULL, &e) != SL_OK) {
        warnx("%s", e ? sl_errmsg(e) : "out of memory");
        sl_close(e);
        if (in != stdin) fclose(in);
        return 1;
    }
    const sl_attribution *a;
    size_t n;
    /* the models, before any input */
    if (sl_attributions_of(e, "", 0, &a, &n) != SL_OK) {
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        if (in != stdin) fclose(in);
        return 1;
    }
    int bad = 0;
    charmap cm = {0};
    if (!jsonl) {
        size_t len;
        char *text = slurp(in, &len);
        if (!text) {
            warnx("out of memory");
            bad = 1;
        } else if (sl_attributions_of(e, text, len, &a, &n) != SL_OK) {
            warnx("%s: %s", name, sl_errmsg(e));
            bad = 1;
        } else {
            print_text(text, a, n);
        }
        free(text);
    } else {
        char *line = NULL;
        size_t cap = 0, lineno = 0;
        while (getline(&line, &cap, in) != -1) {
            lineno++;
            if (line[strspn(line, " \t\r\n")] == '\0') continue;
            json_error_t jerr;
            json_t *o = json_loads(line, 0, &jerr);
            json_t *jt = o ? json_object_get(o, "text") : NULL, *jid = o ? json_object_get(o, "id") : NULL;
            if (!o || !json_is_string(jt) || !(json_is_string(jid) || json_is_integer(jid))) {
                if (!o) warnx("%s:%zu:%d: not JSON: %s", name, lineno, jerr.column, jerr.text);
                else warnx("%s:%zu: expected an object with a string \"text\" and an \"id\"", name, lineno);
                json_decref(o);
                bad = 1;
                continue;
            }
            char idbuf[32];
            const char *id = json_is_string(jid) ? json_string_value(jid) : idbuf;
            if (!json_is_string(jid)) snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(jid));
            const char *text = json_string_value(jt);
            size_t len = json_string_length(jt);
            if (sl_attributions_of(e, text, len, &a, &n) != SL_OK) {
                warnx("%s:%zu: %s: %s", name, lineno, id, sl_errmsg(e));
                bad = 1;
            } else if (charmap_make(&cm, text, len)) {
                warnx("out of memory");
                bad = 1;
            } else {
                print_json(jid, text, a, n, &cm);
            }
            json_decref(o);
        }
        free(line);
    }
    if (ferror(in)) {
        warnx("%s: read error", name);
        bad = 1;
    }
    free(cm.at);
    if (in != stdin) fclose(in);
    sl_close(e);
    return bad ? 1 : 0;
}
