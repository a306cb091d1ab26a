/*
 * search.c - `storyline search QUERY`: full-text search of the stored
 * articles, a hit a duplicate group, with filters and pages.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char usage_search[] =
    "usage: storyline search [--db FILE] [--json] [--story ID] [--entity NAME]\n"
    "                        [--source S] [--since DATE] [--until DATE]\n"
    "                        [--stance STANCE] [--limit N] [--page N] QUERY...\n"
    "\n"
    "Search the stored articles' titles and texts (BM25, a match in the title\n"
    "weighing ten of the text).  The copies of an article (exact and near,\n"
    "as its story folds them) are one hit, \"+N copies\"; pages count those\n"
    "hits, and the number of them that match is given.  QUERY: words (all\n"
    "must match; any case, accents folded), \"a phrase\", OR between\n"
    "alternatives, word* for a prefix.\n"
    "\n"
    "  --story ID       only articles of that story\n"
    "  --entity NAME    only articles that name that entity (any spelling)\n"
    "  --source S       only articles from that outlet\n"
    "  --since DATE     only articles dated on or after DATE (YYYY-MM-DD)\n"
    "  --until DATE     only articles dated on or before DATE\n"
    "  --stance STANCE  only articles with a claim of that stance (deny, ...;\n"
    "                   finds the claims of articles not analysed yet)\n"
    "  --limit N        hits a page (default 10)\n"
    "  --page N         which page (default 1)\n"
    "  --json           one object: {\"query\", \"groups\", \"articles\", \"page\",\n"
    "                   \"limit\", \"hits\": [{\"id\", \"title\", \"source\", \"date\",\n"
    "                   \"story\", \"score\", \"snippet\", \"snippet_marks\",\n"
    "                   \"title_marks\", \"copies\": [ids]}]}, marks as [start, end]\n"
    "                   character offsets of the matches\n";

typedef struct search_ctx {
    int json, tty;
    size_t n, first;
} search_ctx;

/* s with its match marks (0x01 ... 0x02) as [...] or, on a terminal, bold. */
static void print_marked(const char *s, int tty) {
    for (; s && *s; s++) {
        if (*s == 1) fputs(tty ? "\033[1m" : "[", stdout);
        else if (*s == 2) fputs(tty ? "\033[0m" : "]", stdout);
        else if (*s == '\n') putchar(' ');
        else putchar(*s);
    }
}

/* s without its marks as a JSON string, then ,"name":[[start, end], ...]
 * in characters. */
static void json_marked(const char *s, const char *name) {
    if (!s) {
        printf("null,\"%s\":[]", name);
        return;
    }
    size_t n = strlen(s), k = 0;
    char *plain = malloc(n + 1);
    if (!plain) err(1, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (s[i] != 1 && s[i] != 2) plain[k++] = s[i];
    plain[k] = '\0';
    print_json_string(plain);
    free(plain);
    printf(",\"%s\":[", name);
    size_t chars = 0, start = 0;
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 1) start = chars;
        else if (c == 2) printf("%s[%zu,%zu]", first ? "" : ",", start, chars), first = 0;
        else if ((c & 0xC0) != 0x80) chars++;
    }
    putchar(']');
}

static int print_hit(void *ud, const sl_search_hit *h) {
    search_ctx *c = ud;
    c->n++;
    if (c->json) {
        printf("%s{\"id\":", c->n > 1 ? "," : "");
        print_json_string(h->id);
        printf(",\"title\":");
        json_marked(h->title_marked, "title_marks");
        printf(",\"source\":");
        json_or_null(h->source);
        printf(",\"date\":");
        json_or_null(h->date);
        printf(",\"story\":");
        if (h->story) printf("%lld", (long long)h->story);
        else printf("null");
        printf(",\"score\":%.4f,\"snippet\":", h->score);
        json_marked(h->snippet, "snippet_marks");
        printf(",\"copies\":[");
        for (size_t i = 0; i < h->n_copies; i++) {
            if (i) putchar(',');
            print_json_string(h->copies[i]);
        }
        printf("]}");
        return 0;
    }
    printf("\n%zu. ", c->first + c->n);
    if (h->title_marked) print_marked(h->title_marked, c->tty);
    else fputs(h->id, stdout);
    printf("\n   %s  %s  %s", h->id, h->date ? h->date : "(no date)", h->source ? h->source : "-");
    if (h->story) printf("  story %lld", (long long)h->story);
    printf("  score %.2f", h->score);
    if (h->n_copies) printf("  +%zu cop%s", h->n_copies, h->n_copies == 1 ? "y" : "ies");
    printf("\n   ");
    print_marked(h->snippet, c->tty);
    putchar('\n');
    return 0;
}

static int parse_count(const char *s, size_t *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v <= 0 || v > 1000000) return -1;
    *out = (size_t)v;
    return 0;
}

int cmd_search(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"json", no_argument, 0, 'j'},
        {"story", required_argument, 0, 's'},  {"entity", required_argument, 0, 'e'},
        {"source", required_argument, 0, 'o'}, {"since", required_argument, 0, 'a'},
        {"until", required_argument, 0, 'u'},  {"stance", required_argument, 0, 't'},
        {"limit", required_argument, 0, 'l'},  {"page", required_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    sl_search_query q = {0};
    search_ctx sc = {0, isatty(1), 0, 0};
    size_t page = 1, limit = 10;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': sc.json = 1; break;
        case 's':
            if (parse_id(optarg, &q.story)) return usage_error(usage_search, "--story needs a story id, not '%s'", optarg);
            break;
        case 'e': q.entity = optarg; break;
        case 'o': q.source = optarg; break;
        case 'a':
        case 'u':
            if (!is_date(optarg))
                return usage_error(usage_search, "--%s needs a date YYYY-MM-DD, not '%s'", c == 'a' ? "since" : "until",
                                   optarg);
            if (c == 'a') q.since = optarg;
            else q.until = optarg;
            break;
        case 't':
            if (!is_stance(optarg)) return usage_error(usage_search, "no stance '%s'", optarg);
            q.stance = optarg;
            break;
        case 'l':
            if (parse_count(optarg, &limit)) return usage_error(usage_search, "--limit needs a count, not '%s'", optarg);
            break;
        case 'p':
            if (parse_count(optarg, &page)) return usage_error(usage_search, "--page needs a number, not '%s'", optarg);
            break;
        case 'h': fputs(usage_search, stdout); return 0;
        default: fputs(usage_search, stderr); return 2;
        }
    }
    if (optind == argc) return usage_error(usage_search, "search needs a QUERY");
    /* the words of the query, as one string */
    size_t len = 1;
    for (int i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
    char *text = calloc(1, len);
    if (!text) err(1, "out of memory");
    for (int i = optind; i < argc; i++) {
        if (i > optind) strcat(text, " ");
        strcat(text, argv[i]);
    }
    q.text = text;
    q.limit = limit;
    q.offset = (page - 1) * limit;
    sc.first = q.offset;
    /* a stance filter needs the claims found: a store we may write */
    sl_engine *e = q.stance ? (access(db, F_OK) ? open_existing(db) : open_engine(db, NULL)) : open_existing(db);
    if (!e) {
        free(text);
        return 1;
    }
    sl_status s = q.stance ? claims_analyse(e, 0) : SL_OK;
    sl_search_totals tot;
    /* JSON: an error before the object is begun, not half-way through */
    if (sc.json && s == SL_OK) s = sl_search(e, &q, &tot, NULL, NULL);
    if (sc.json && s == SL_OK) {
        printf("{\"query\":");
        print_json_string(text);
        printf(",\"hits\":[");
    }
    if (s == SL_OK) s = sl_search(e, &q, &tot, print_hit, &sc);
    if (sc.json && s == SL_OK)
        printf("],\"groups\":%zu,\"articles\":%zu,\"page\":%zu,\"limit\":%zu}\n", tot.groups, tot.articles, page,
               limit);
    else if (s == SL_OK && !sc.json) {
        size_t pages = (tot.groups + limit - 1) / limit;
        if (!tot.groups) printf("no matches\n");
        else if (!sc.n) printf("%zu hit%s; no page %zu (%zu page%s)\n", tot.groups, tot.groups == 1 ? "" : "s", page,
                               pages, pages == 1 ? "" : "s");
        else
            printf("\n%zu hit%s (%zu article%s), page %zu of %zu\n", tot.groups, tot.groups == 1 ? "" : "s",
                   tot.articles, tot.articles == 1 ? "" : "s", page, pages);
    }
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    sl_close(e);
    free(text);
    return s == SL_OK ? 0 : 1;
}
