/*
 * entities.c - `storyline entities` and `storyline entity NAME`: the
 * people, bodies, places and other names of the store, resolved across
 * spellings.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char usage_entities[] =
    "usage: storyline entities [--db FILE] [--story ID] [--type PER|ORG|LOC|MISC] [--json]\n"
    "\n"
    "The named entities of the stored articles, each one name for all the\n"
    "spellings met (data/entities.txt and the rules of storyline(1)), with\n"
    "its type, its spellings and how many articles and outlets mention it;\n"
    "most mentioned first.\n"
    "  --story ID  only entities of that story's articles\n"
    "  --type T    only entities of that type\n"
    "  --json      one object per entity: {\"id\", \"name\", \"type\", \"variants\",\n"
    "              \"articles\": [ids], \"outlets\", \"link\"}\n";

const char usage_entity[] =
    "usage: storyline entity [--db FILE] [--json] NAME\n"
    "\n"
    "One entity, found by any of its spellings (\"Kiev\" finds Kyiv, \"Zelenskyy\"\n"
    "Volodymyr Zelensky), and the articles that mention it, with their stories.\n"
    "  --json  {\"id\", \"name\", \"type\", \"variants\", \"articles\": [{\"id\", \"date\",\n"
    "          \"source\", \"title\", \"story\"}], \"outlets\", \"link\"}\n";

static void json_list(const char *const *v, size_t n) {
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        if (i) putchar(',');
        print_json_string(v[i]);
    }
    putchar(']');
}

static void json_link(const sl_entity *en) {
    printf(",\"link\":");
    if (!en->link_kind) {
        printf("null");
        return;
    }
    printf("{\"kind\":");
    print_json_string(en->link_kind);
    printf(",\"name\":");
    print_json_string(en->link_name);
    putchar('}');
}

static void json_head(const sl_entity *en) {
    printf("{\"id\":%lld,\"name\":", (long long)en->id);
    print_json_string(en->name);
    printf(",\"type\":");
    print_json_string(en->type);
    printf(",\"variants\":");
    json_list(en->variants, en->n_variants);
    printf(",\"outlets\":%zu", en->outlets);
    json_link(en);
}

static void text_head(const sl_entity *en) {
    printf("%s  %s  %zu article%s, %zu outlet%s", en->name, en->type, en->articles,
           en->articles == 1 ? "" : "s", en->outlets, en->outlets == 1 ? "" : "s");
    if (en->link_kind) printf(", %s %s", en->link_kind, en->link_name);
    putchar('\n');
    if (en->n_variants) {
        printf("  as: ");
        for (size_t i = 0; i < en->n_variants; i++) printf("%s%s", i ? ", " : "", en->variants[i]);
        putchar('\n');
    }
}

typedef struct list_ctx {
    int json;
    size_t n;
} list_ctx;

static int print_entity(void *ud, const sl_entity *en) {
    list_ctx *c = ud;
    c->n++;
    if (c->json) {
        json_head(en);
        printf(",\"articles\":");
        json_list(en->article_ids, en->n_article_ids);
        printf("}\n");
    } else {
        text_head(en);
    }
    return 0;
}

int cmd_entities(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"story", required_argument, 0, 's'},
        {"type", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    list_ctx lc = {0, 0};
    sl_entity_filter f = {0, NULL};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': lc.json = 1; break;
        case 's':
            if (parse_id(optarg, &f.story))
                return usage_error(usage_entities, "--story needs a story id, not '%s'", optarg);
            break;
        case 't':
            if (strcmp(optarg, "PER") && strcmp(optarg, "ORG") && strcmp(optarg, "LOC") && strcmp(optarg, "MISC"))
                return usage_error(usage_entities, "--type must be PER, ORG, LOC or MISC, not '%s'", optarg);
            f.type = optarg;
            break;
        case 'h': fputs(usage_entities, stdout); return 0;
        default: fputs(usage_entities, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_entities, "unexpected argument '%s'", argv[optind]);
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_status s = sl_entities(e, &f, print_entity, &lc);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else if (!lc.json && lc.n == 0) printf("no entities\n");
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}

typedef struct one_ctx {
    int json, n;
} one_ctx;

static int print_head(void *ud, const sl_entity *en) {
    one_ctx *c = ud;
    if (c->json) {
        json_head(en);
        printf(",\"articles\":[");
    } else {
        text_head(en);
        putchar('\n');
    }
    return 0;
}

static int print_article(void *ud, const sl_entity_article *a) {
    one_ctx *c = ud;
    if (c->json) {
        printf("%s{\"id\":", c->n++ ? "," : "");
        print_json_string(a->id);
        printf(",\"date\":");
        json_or_null(a->date);
        printf(",\"source\":");
        json_or_null(a->source);
        printf(",\"title\":");
        json_or_null(a->title);
        printf(",\"story\":");
        if (a->story) printf("%lld}", (long long)a->story);
        else printf("null}");
        return 0;
    }
    printf("%-10s  %-24.24s  story %-6lld %s\n", a->date ? a->date : "(no date)", a->source ? a->source : "-",
           (long long)a->story, a->title ? a->title : a->id);
    return 0;
}

int cmd_entity(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    one_ctx oc = {0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': oc.json = 1; break;
        case 'h': fputs(usage_entity, stdout); return 0;
        default: fputs(usage_entity, stderr); return 2;
        }
    }
    if (argc - optind != 1) return usage_error(usage_entity, "entity needs one NAME");
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_status s = sl_entity_get(e, argv[optind], print_head, print_article, &oc);
    if (s == SL_OK && oc.json) printf("]}\n");
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}
