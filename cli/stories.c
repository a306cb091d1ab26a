/*
 * stories.c - the storyline commands that read and make stories:
 * stories, story, recluster.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char usage_stories[] =
    "usage: storyline stories [--db FILE] [--json | --assignments] [--since DATE]\n"
    "                         [--until DATE] [--min-size N]\n"
    "\n"
    "The stories: articles about one event, grouped as they were ingested (in\n"
    "date order within each batch).  Largest first; each with its id, size\n"
    "(independent reports, and copies folded under them), outlets, first and\n"
    "last date, and a label: the title of its most central article and its\n"
    "most telling terms.\n"
    "\n"
    "  --since DATE    only stories with articles on or after DATE (YYYY-MM-DD)\n"
    "  --until DATE    only stories with articles on or before DATE\n"
    "  --min-size N    only stories of N articles or more (copies count)\n"
    "  --json          one object per story: id, label, terms, articles (ids,\n"
    "                  by date), first_seen, last_update, outlets, reports,\n"
    "                  copies\n"
    "  --assignments   one line per article: ID<TAB>STORY (for scoring)\n";

const char usage_story[] =
    "usage: storyline story [--db FILE] [--json] ID\n"
    "\n"
    "One story's timeline: its articles by date, each with its outlet and\n"
    "title, and the exact and near copies of each folded under it; then its\n"
    "claim groups that several reports carry or that dispute or are disputed\n"
    "(storyline claims --story ID lists them all).  The id of a story merged\n"
    "into another shows that one.\n"
    "\n"
    "  --json    one object: the fields of 'stories --json', timeline\n"
    "            [{id, date, source, title, similarity, copies: [{id, date,\n"
    "            source}]}] and claim_groups [{id, speaker, stance, first:\n"
    "            {claim, article, date, outlet}, articles, reports, outlets,\n"
    "            claims: [{id, article, outlet, copy, cue, content}], disputes,\n"
    "            disputed_by}]\n";

const char usage_recluster[] =
    "usage: storyline recluster [--db FILE]\n"
    "\n"
    "Make every story again from the stored articles, in date order (then\n"
    "ingest order), with this storyline's settings.  Needed after an upgrade\n"
    "that changed them (other commands say so); the same store always gives\n"
    "the same stories and ids.\n";

/* The fields both commands print in JSON, without the closing brace. */
static void story_json_head(const sl_story *s) {
    printf("{\"id\":%lld,\"label\":", (long long)s->id);
    json_or_null(s->label);
    printf(",\"terms\":[");
    for (size_t i = 0; i < s->n_terms; i++) {
        if (i) putchar(',');
        print_json_string(s->terms[i]);
    }
    printf("],\"articles\":[");
    for (size_t i = 0; i < s->n_entries; i++) {
        if (i) putchar(',');
        print_json_string(s->entries[i].id);
    }
    printf("],\"first_seen\":");
    json_or_null(s->first_seen);
    printf(",\"last_update\":");
    json_or_null(s->last_update);
    printf(",\"outlets\":[");
    for (size_t i = 0; i < s->n_outlets; i++) {
        if (i) putchar(',');
        print_json_string(s->outlets[i]);
    }
    printf("],\"reports\":%zu,\"copies\":%zu", s->n_articles, s->n_copies);
}

static void terms_line(const sl_story *s) {
    for (size_t i = 0; i < s->n_terms; i++) printf("%s%s", i ? ", " : "", s->terms[i]);
}

typedef struct list_ctx {
    int json, assignments;
    size_t n;
} list_ctx;

static int print_story(void *ud, const sl_story *s) {
    list_ctx *c = ud;
    c->n++;
    if (c->assignments) {
        for (size_t i = 0; i < s->n_entries; i++) printf("%s\t%lld\n", s->entries[i].id, (long long)s->id);
        return 0;
    }
    if (c->json) {
        story_json_head(s);
        printf("}\n");
        return 0;
    }
    printf("story %lld  %zu report%s", (long long)s->id, s->n_articles, s->n_articles == 1 ? "" : "s");
    if (s->n_copies) printf(" + %zu cop%s", s->n_copies, s->n_copies == 1 ? "y" : "ies");
    printf(", %zu outlet%s", s->n_outlets, s->n_outlets == 1 ? "" : "s");
    if (s->first_seen)
        printf(", %s%s%s", s->first_seen,
               s->last_update && strcmp(s->last_update, s->first_seen) ? " .. " : "",
               s->last_update && strcmp(s->last_update, s->first_seen) ? s->last_update : "");
    printf("\n  %s\n", s->label ? s->label : "-");
    if (s->n_terms) {
        printf("  terms: ");
        terms_line(s);
        putchar('\n');
    }
    return 0;
}

int is_date(const char *s) {
    int y, m, d;
    char tail;
    return sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(s) == 10 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
}

int cmd_stories(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"assignments", no_argument, 0, 'a'},
        {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'},
        {"min-size", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    list_ctx lc = {0, 0, 0};
    sl_story_filter f = {NULL, NULL, 0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': lc.json = 1; break;
        case 'a': lc.assignments = 1; break;
        case 's':
        case 'u':
            if (!is_date(optarg))
                return usage_error(usage_stories, "--%s needs a date YYYY-MM-DD, not '%s'",
                                   c == 's' ? "since" : "until", optarg);
            if (c == 's') f.since = optarg;
            else f.until = optarg;
            break;
        case 'm': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 0)
                return usage_error(usage_stories, "--min-size needs a count, not '%s'", optarg);
            f.min_size = (size_t)n;
            break;
        }
        case 'h': fputs(usage_stories, stdout); return 0;
        default: fputs(usage_stories, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_stories, "unexpected argument '%s'", argv[optind]);
    if (lc.json && lc.assignments) return usage_error(usage_stories, "--json or --assignments, not both");
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_status s = sl_stories(e, &f, print_story, &lc);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else if (!lc.json && !lc.assignments && lc.n == 0) printf("no stories\n");
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}

typedef struct story_ctx {
    int json;
    int64_t id; /* the story shown (an alias resolves) */
} story_ctx;

/* Entries that copy entry i (their copy_of is its id), then i's own
 * copies' copies are not chained: a copy names its earliest original. */
static int print_timeline(void *ud, const sl_story *s) {
    story_ctx *c = ud;
    c->id = s->id;
    if (c->json) {
        story_json_head(s);
        printf(",\"timeline\":[");
        int first = 1;
        for (size_t i = 0; i < s->n_entries; i++) {
            const sl_story_entry *x = &s->entries[i];
            if (x->copy_of) continue;
            printf("%s{\"id\":", first ? "" : ",");
            first = 0;
            print_json_string(x->id);
            printf(",\"date\":");
            json_or_null(x->date);
            printf(",\"source\":");
            json_or_null(x->source);
            printf(",\"title\":");
            json_or_null(x->title);
            printf(",\"similarity\":%.4f,\"copies\":[", x->similarity);
            int fc = 1;
            for (size_t j = 0; j < s->n_entries; j++) {
                const sl_story_entry *y = &s->entries[j];
                if (!y->copy_of || strcmp(y->copy_of, x->id) != 0) continue;
                printf("%s{\"id\":", fc ? "" : ",");
                fc = 0;
                print_json_string(y->id);
                printf(",\"date\":");
                json_or_null(y->date);
                printf(",\"source\":");
                json_or_null(y->source);
                putchar('}');
            }
            printf("]}");
        }
        printf("]"); /* the claims follow (story_claims), then the brace */
        return 0;
    }
    list_ctx lc = {0, 0, 0};
    print_story(&lc, s);
    putchar('\n');
    for (size_t i = 0; i < s->n_entries; i++) {
        const sl_story_entry *x = &s->entries[i];
        if (x->copy_of) continue;
        printf("%-10s  %-24.24s  %s\n", x->date ? x->date : "(no date)", x->source ? x->source : "-",
               x->title ? x->title : x->id);
        printf("%-10s  %-24s  id %s", "", "", x->id);
        if (i) printf(", similarity %.3f", x->similarity);
        putchar('\n');
        for (size_t j = 0; j < s->n_entries; j++) {
            const sl_story_entry *y = &s->entries[j];
            if (!y->copy_of || strcmp(y->copy_of, x->id) != 0) continue;
            printf("%-10s    copy: %s, %s, %s\n", "", y->id, y->date ? y->date : "(no date)",
                   y->source ? y->source : "-");
        }
    }
    return 0;
}

int cmd_story(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    story_ctx sc = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': sc.json = 1; break;
        case 'h': fputs(usage_story, stdout); return 0;
        default: fputs(usage_story, stderr); return 2;
        }
    }
    if (optind + 1 != argc) return usage_error(usage_story, "story needs one ID");
    char *end;
    long long id = strtoll(argv[optind], &end, 10);
    if (end == argv[optind] || *end || id <= 0)
        return usage_error(usage_story, "a story id is a positive number, not '%s'", argv[optind]);
    if (access(db, F_OK) != 0) { /* writable: claims are found when first shown */
        warnx("%s: no such store; run 'storyline ingest --db %s PATH' first", db, db);
        return 1;
    }
    sl_engine *e = open_engine(db, NULL);
    if (!e) return 1;
    sl_status s = sl_story_get(e, id, print_timeline, &sc);
    int rc = s == SL_OK ? 0 : 1;
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else rc = story_claims(e, sc.id, sc.json);
    if (s == SL_OK && sc.json) printf("}\n");
    sl_close(e);
    return rc;
}

int cmd_recluster(int argc, char **argv) {
    const char *db = DEFAULT_DB;
    int rc = simple_opts(argc, argv, usage_recluster, &db, NULL);
    if (rc >= 0) return rc;
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store", db);
        return 1;
    }
    sl_engine *e = open_engine(db, NULL);
    if (!e) return 1;
    sl_status s = sl_recluster(e);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else printf("reclustered %s\n", db);
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}
