/*
 * claims.c - `storyline claims`: who said what in the stored articles,
 * gathered into claim groups within each story, denials beside what they
 * deny; and the claims section of `storyline story`.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char usage_claims[] =
    "usage: storyline claims [--db FILE] [--story ID] [--speaker NAME] [--stance STANCE]\n"
    "                        [--json]\n"
    "\n"
    "The claims of the stored articles: who said what (source, cue, content),\n"
    "with its stance, whether it is a quotation, the numbers it gives, and its\n"
    "claim group: within a story, one speaker's claims that say much the same,\n"
    "whichever outlet carries them.  A denial's group disputes the groups it\n"
    "denies.  Articles are analysed when first asked for (about a millisecond\n"
    "each) and the claims kept.  By story, each group's claims by date.\n"
    "\n"
    "  --story ID        only that story's claims\n"
    "  --speaker NAME    only claims of that speaker: an entity by any spelling\n"
    "                    (\"Zelenskyy\"), else words of the speaker or source\n"
    "  --stance STANCE   assert, deny, urge, accuse, warn, promise, acknowledge\n"
    "                    or question\n"
    "  --json            one object per claim: {\"id\", \"group\", \"story\",\n"
    "                    \"article\", \"date\", \"outlet\", \"speaker\", \"entity\",\n"
    "                    \"entity_id\", \"source\", \"cue\", \"stance\", \"negated\",\n"
    "                    \"content\", \"direct\", \"values\", \"copy\" (its article copies\n"
    "                    another), \"disputes\": [group ids]}\n";

static const char *const stances[] = {"assert", "deny", "urge", "accuse", "warn",
                                      "promise", "acknowledge", "question"};

int is_stance(const char *s) {
    for (size_t i = 0; i < sizeof stances / sizeof *stances; i++)
        if (!strcmp(stances[i], s)) return 1;
    return 0;
}

typedef struct progress_ctx {
    int on, shown;
} progress_ctx;

static int progress(void *ud, size_t done, size_t total) {
    progress_ctx *p = ud;
    if (!p->on || total < 200) return 0;
    fprintf(stderr, "\ranalysing claims: %zu / %zu articles", done, total);
    p->shown = 1;
    return 0;
}

sl_status claims_analyse(sl_engine *e, int64_t story) {
    progress_ctx p = {isatty(2), 0};
    sl_status s = sl_claims_update(e, story, progress, &p);
    if (p.shown) fputc('\n', stderr);
    return s;
}

static void json_ids(const int64_t *v, size_t n) {
    putchar('[');
    for (size_t i = 0; i < n; i++) printf("%s%lld", i ? "," : "", (long long)v[i]);
    putchar(']');
}

static void claim_json(const sl_claim *c) {
    printf("{\"id\":%lld,\"group\":%lld,\"story\":%lld,\"article\":", (long long)c->id, (long long)c->group,
           (long long)c->story);
    print_json_string(c->article);
    printf(",\"date\":");
    json_or_null(c->date);
    printf(",\"outlet\":");
    json_or_null(c->outlet);
    printf(",\"speaker\":");
    json_or_null(c->speaker);
    printf(",\"entity\":");
    json_or_null(c->entity_name);
    printf(",\"entity_id\":");
    if (c->entity) printf("%lld", (long long)c->entity);
    else printf("null");
    printf(",\"source\":");
    json_or_null(c->source);
    printf(",\"cue\":");
    json_or_null(c->cue);
    printf(",\"stance\":");
    json_or_null(c->stance);
    printf(",\"negated\":%s,\"content\":", c->negated ? "true" : "false");
    json_or_null(c->content);
    printf(",\"direct\":%s,\"values\":[", c->direct ? "true" : "false");
    for (size_t i = 0; i < c->n_values; i++) {
        if (i) putchar(',');
        print_json_string(c->values[i]);
    }
    printf("],\"copy\":%s,\"disputes\":", c->copy ? "true" : "false");
    json_ids(c->disputes, c->n_disputes);
    printf("}\n");
}

/* Who a group's claims are of: the first claim's entity, else speaker,
 * else source. */
static const char *who(const sl_claim *c) {
    return c->entity_name ? c->entity_name : c->speaker ? c->speaker : c->source ? c->source : "(unknown)";
}

static void ids_line(const char *what, const int64_t *v, size_t n) {
    if (!n) return;
    printf("  %s group", what);
    if (n > 1) putchar('s');
    for (size_t i = 0; i < n; i++) printf("%s %lld", i ? "," : "", (long long)v[i]);
    putchar('\n');
}

static void claim_line(const sl_claim *c) {
    printf("  claim %lld  %s  %s  %s", (long long)c->id, c->date ? c->date : "(no date)",
           c->outlet ? c->outlet : "-", c->article);
    printf("\n    %s", who(c));
    if (c->source && strcmp(c->source, who(c))) printf(" (\"%s\")", c->source);
    printf(" %s (%s%s%s): %s\n", c->cue, c->stance, c->negated ? ", negated" : "", c->direct ? ", quoted" : "",
           c->content[0] ? c->content : "-");
}

static void group_head(const sl_claim_group *g) {
    const sl_claim *f = &g->claims[0];
    printf("group %lld  %s, %s%s: %zu claim%s, %zu article%s", (long long)g->id, who(f), f->stance,
           f->negated ? " (negated)" : "", g->n_claims, g->n_claims == 1 ? "" : "s", g->n_articles,
           g->n_articles == 1 ? "" : "s");
    if (g->n_reports != g->n_articles) printf(" (%zu cop%s)", g->n_articles - g->n_reports,
                                              g->n_articles - g->n_reports == 1 ? "y" : "ies");
    printf(", %zu outlet%s", g->n_outlets, g->n_outlets == 1 ? "" : "s");
    if (g->story) printf(", story %lld", (long long)g->story);
    putchar('\n');
    ids_line("disputes", g->disputes, g->n_disputes);
    ids_line("disputed by", g->disputed_by, g->n_disputed_by);
}

typedef struct list_ctx {
    int json;
    size_t n;
} list_ctx;

static int print_group(void *ud, const sl_claim_group *g) {
    list_ctx *l = ud;
    if (!l->json) {
        if (l->n) putchar('\n');
        group_head(g);
    }
    for (size_t i = 0; i < g->n_claims; i++) {
        if (!g->claims[i].selected) continue;
        l->n++;
        if (l->json) claim_json(&g->claims[i]);
        else claim_line(&g->claims[i]);
    }
    return 0;
}

/* A store that claims can be found in and kept: it must exist. */
static sl_engine *open_writable(const char *db) {
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store; run 'storyline ingest --db %s PATH' first", db, db);
        return NULL;
    }
    return open_engine(db, NULL);
}

int cmd_claims(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},      {"story", required_argument, 0, 's'},
        {"speaker", required_argument, 0, 'p'}, {"stance", required_argument, 0, 't'},
        {"json", no_argument, 0, 'j'},          {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    sl_claim_filter f = {0, NULL, NULL};
    list_ctx l = {0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 's':
            if (parse_id(optarg, &f.story))
                return usage_error(usage_claims, "--story needs a story id, not '%s'", optarg);
            break;
        case 'p': f.speaker = optarg; break;
        case 't':
            if (!is_stance(optarg)) return usage_error(usage_claims, "no stance '%s'", optarg);
            f.stance = optarg;
            break;
        case 'j': l.json = 1; break;
        case 'h': fputs(usage_claims, stdout); return 0;
        default: fputs(usage_claims, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_claims, "unexpected argument '%s'", argv[optind]);
    sl_engine *e = open_writable(db);
    if (!e) return 1;
    sl_status s = claims_analyse(e, f.story);
    if (s == SL_OK) s = sl_claim_groups(e, &f, print_group, &l);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else if (!l.json && l.n == 0) printf("no claims\n");
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}

/* ---- in `storyline story` ------------------------------------------------------ */

typedef struct section_ctx {
    int json;
    size_t groups, shown, hidden;
} section_ctx;

/* A group worth a line in a timeline: carried by two reports or more
 * (copies folded, as in the timeline), or disputing or disputed; the
 * others are counted. */
static int section_group(void *ud, const sl_claim_group *g) {
    section_ctx *x = ud;
    if (x->json) {
        const sl_claim *f = &g->claims[0];
        printf("%s{\"id\":%lld,\"speaker\":", x->groups++ ? "," : "", (long long)g->id);
        json_or_null(who(f));
        printf(",\"stance\":");
        print_json_string(f->stance);
        printf(",\"first\":{\"claim\":%lld,\"article\":", (long long)f->id);
        print_json_string(f->article);
        printf(",\"date\":");
        json_or_null(f->date);
        printf(",\"outlet\":");
        json_or_null(f->outlet);
        printf("},\"articles\":%zu,\"reports\":%zu,\"outlets\":%zu,\"claims\":[", g->n_articles, g->n_reports,
               g->n_outlets);
        for (size_t i = 0; i < g->n_claims; i++) {
            const sl_claim *c = &g->claims[i];
            printf("%s{\"id\":%lld,\"article\":", i ? "," : "", (long long)c->id);
            print_json_string(c->article);
            printf(",\"outlet\":");
            json_or_null(c->outlet);
            printf(",\"copy\":%s,\"cue\":", c->copy ? "true" : "false");
            json_or_null(c->cue);
            printf(",\"content\":");
            json_or_null(c->content);
            putchar('}');
        }
        printf("],\"disputes\":");
        json_ids(g->disputes, g->n_disputes);
        printf(",\"disputed_by\":");
        json_ids(g->disputed_by, g->n_disputed_by);
        putchar('}');
        return 0;
    }
    x->groups++;
    if (g->n_reports < 2 && !g->n_disputes && !g->n_disputed_by) {
        x->hidden++;
        return 0;
    }
    if (!x->shown++) printf("\nclaims carried by several articles, and disputes:\n");
    putchar('\n');
    group_head(g);
    for (size_t i = 0; i < g->n_claims; i++) claim_line(&g->claims[i]);
    return 0;
}

int story_claims(sl_engine *e, int64_t story, int json) {
    section_ctx x = {json, 0, 0, 0};
    sl_status s = claims_analyse(e, story);
    if (json) printf(",\"claim_groups\":[");
    sl_claim_filter f = {story, NULL, NULL};
    if (s == SL_OK) s = sl_claim_groups(e, &f, section_group, &x);
    if (json) printf("]");
    else if (s == SL_OK && x.hidden)
        printf("\n%zu more claim group%s of one article: storyline claims --story %lld\n", x.hidden,
               x.hidden == 1 ? "" : "s", (long long)story);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    return s == SL_OK ? 0 : 1;
}
