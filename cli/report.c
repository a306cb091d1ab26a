/*
 * report.c - `storyline report --html OUT.html`: one self-contained page
 * (no script, no external asset: it reads offline and can be mailed)
 * with the stories and their timelines, each story's claim groups with
 * the denials beside the claims they dispute, its entities with their
 * spellings, and the duplicate groups with what differs between copies.
 *
 * Every text that comes from an article goes through html(), so that a
 * title such as <script>alert(1)</script> shows as text.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char usage_report[] =
    "usage: storyline report [--db FILE] --html OUT.html [--story ID] [--max-stories N]\n"
    "\n"
    "Write one self-contained HTML page (no scripts, no external files) of\n"
    "what the store knows: the stories, largest first, each with its\n"
    "timeline (copies folded under the reports they copy), its claim groups\n"
    "with the denials beside the claims they dispute, and its entities with\n"
    "their spellings; then the duplicate groups, with what differs between\n"
    "each copy and its group's representative.  Claims are found first for\n"
    "articles not analysed yet.\n"
    "\n"
    "  --html OUT.html   the page to write (- for standard output)\n"
    "  --story ID        that story only (and the duplicate groups of its\n"
    "                    articles)\n"
    "  --max-stories N   the N largest stories (default 100)\n";

/* s as HTML text (also fit inside a double-quoted attribute). */
static void html(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void html_or(FILE *f, const char *s, const char *none) {
    if (s) html(f, s);
    else fputs(none, f);
}

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:1em 2em;color:#222}"
    "h1{margin-bottom:.2em}h2{border-bottom:2px solid #ccc;margin-top:2em}"
    "h3{margin:1.5em 0 .2em}h4{margin:1em 0 .3em;color:#555}"
    ".meta{color:#666;font-size:90%}code{font-size:85%;color:#555}"
    "ol.timeline{list-style:none;padding-left:0}ol.timeline>li{margin:.3em 0;padding-left:7.5em;text-indent:-7.5em}"
    "time{display:inline-block;width:7em;color:#555;text-indent:0}"
    ".outlet{color:#06c}.copies{color:#777;font-size:90%;margin:.1em 0 .1em 7.5em;text-indent:0}"
    ".group{border-left:3px solid #9bd;padding:.2em .8em;margin:.6em 0}"
    ".deny{border-left-color:#d66}.pair{display:flex;gap:1em}.pair>div{flex:1}"
    ".stance{font-variant:small-caps;font-weight:bold}.wording{margin:.2em 0}"
    "q{font-style:italic}.only{background:#fff3cd;padding:.1em .3em}"
    "ul.ents{columns:2}article.story{border-top:1px solid #eee}";

typedef struct report {
    FILE *f;
    sl_engine *e;
    int64_t story;
    size_t max_stories, n_stories;
    int64_t *ids;
    size_t n_ids, cap_ids;
    sl_status st;
} report;

/* ---- one story ----------------------------------------------------------------- */

static void timeline(FILE *f, const sl_story *s) {
    fputs("<ol class=\"timeline\">\n", f);
    for (size_t i = 0; i < s->n_entries; i++) {
        const sl_story_entry *x = &s->entries[i];
        if (x->copy_of) continue;
        fputs("<li><time>", f);
        html_or(f, x->date, "(no date)");
        fputs("</time> <span class=\"outlet\">", f);
        html_or(f, x->source, "-");
        fputs("</span> <b>", f);
        html(f, x->title ? x->title : x->id);
        fputs("</b> <code>", f);
        html(f, x->id);
        fputs("</code>", f);
        for (size_t j = 0; j < s->n_entries; j++) {
            const sl_story_entry *y = &s->entries[j];
            if (!y->copy_of || strcmp(y->copy_of, x->id)) continue;
            fputs("<div class=\"copies\">copy: <code>", f);
            html(f, y->id);
            fputs("</code> ", f);
            html_or(f, y->date, "(no date)");
            fputs(", <span class=\"outlet\">", f);
            html_or(f, y->source, "-");
            fputs("</span></div>", f);
        }
        fputs("</li>\n", f);
    }
    fputs("</ol>\n", f);
}

/* The claim groups of a story, kept (they refer to one another). */
typedef struct kept_group {
    int64_t id;
    char *html; /* the group's box, rendered */
    int64_t *disputes, *disputed_by;
    size_t n_disputes, n_disputed_by, reports;
    int deny;
} kept_group;

typedef struct groups_ctx {
    kept_group *g;
    size_t n, cap, hidden;
    int failed;
} groups_ctx;

static const char *who(const sl_claim *c) {
    return c->entity_name ? c->entity_name : c->speaker ? c->speaker : c->source ? c->source : "(unknown)";
}

static int keep_group(void *ud, const sl_claim_group *g) {
    groups_ctx *x = ud;
    if (g->n_reports < 2 && !g->n_disputes && !g->n_disputed_by) {
        x->hidden++;
        return 0;
    }
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        kept_group *n = realloc(x->g, nc * sizeof *n);
        if (!n) return x->failed = 1;
        x->g = n, x->cap = nc;
    }
    kept_group *k = &x->g[x->n];
    memset(k, 0, sizeof *k);
    const sl_claim *first = &g->claims[0];
    k->id = g->id;
    k->reports = g->n_reports;
    k->deny = first->stance && !strcmp(first->stance, "deny") && !first->negated;
    size_t len = 0;
    FILE *f = open_memstream(&k->html, &len);
    k->disputes = malloc((g->n_disputes + 1) * sizeof *k->disputes);
    k->disputed_by = malloc((g->n_disputed_by + 1) * sizeof *k->disputed_by);
    if (!f || !k->disputes || !k->disputed_by) {
        if (f) fclose(f);
        return x->failed = 1;
    }
    memcpy(k->disputes, g->disputes, g->n_disputes * sizeof *g->disputes);
    memcpy(k->disputed_by, g->disputed_by, g->n_disputed_by * sizeof *g->disputed_by);
    k->n_disputes = g->n_disputes, k->n_disputed_by = g->n_disputed_by;
    fprintf(f, "<div class=\"group%s\" id=\"group-%lld\"><b>", k->deny ? " deny" : "", (long long)g->id);
    html(f, who(first));
    fputs("</b> <span class=\"stance\">", f);
    html(f, first->stance);
    if (first->negated) fputs(" (negated)", f);
    fprintf(f, "</span> <span class=\"meta\">group %lld: %zu report%s, %zu outlet%s</span>\n", (long long)g->id,
            g->n_reports, g->n_reports == 1 ? "" : "s", g->n_outlets, g->n_outlets == 1 ? "" : "s");
    for (size_t i = 0; i < g->n_claims; i++) {
        const sl_claim *c = &g->claims[i];
        fputs("<div class=\"wording\"><span class=\"outlet\">", f);
        html_or(f, c->outlet, "-");
        fputs("</span> ", f);
        html_or(f, c->date, "");
        fputs(" <code>", f);
        html(f, c->article);
        fputs("</code>: ", f);
        if (c->source) {
            html(f, c->source);
            fputc(' ', f);
        }
        html(f, c->cue);
        fputs(" <q>", f);
        html(f, c->content);
        fputs("</q>", f);
        if (c->copy) fputs(" <span class=\"meta\">(copy)</span>", f);
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
    fclose(f);
    x->n++;
    return 0;
}

static const kept_group *find_group(const groups_ctx *x, int64_t id) {
    for (size_t i = 0; i < x->n; i++)
        if (x->g[i].id == id) return &x->g[i];
    return NULL;
}

static void claims_section(report *r, int64_t story) {
    groups_ctx x = {0};
    sl_claim_filter cf = {story, NULL, NULL};
    sl_status s = sl_claim_groups(r->e, &cf, keep_group, &x);
    if (s == SL_OK && x.failed) s = SL_ENOMEM;
    if (s != SL_OK) {
        r->st = s;
        return;
    }
    FILE *f = r->f;
    fputs("<h4>Claims</h4>\n", f);
    if (!x.n) fputs("<p class=\"meta\">No claim is carried by two reports or disputed.</p>\n", f);
    /* each claim disputed, its denials beside it; then the rest */
    for (size_t i = 0; i < x.n; i++) {
        const kept_group *g = &x.g[i];
        if (!g->n_disputed_by) continue;
        fputs("<div class=\"pair\"><div>", f);
        fputs(g->html, f);
        fputs("</div><div>", f);
        for (size_t j = 0; j < g->n_disputed_by; j++) {
            const kept_group *d = find_group(&x, g->disputed_by[j]);
            if (d) fputs(d->html, f);
        }
        fputs("</div></div>\n", f);
    }
    for (size_t i = 0; i < x.n; i++) {
        const kept_group *g = &x.g[i];
        if (g->n_disputed_by) continue;
        int shown = 0; /* a denial shown beside every claim it disputes */
        for (size_t j = 0; j < g->n_disputes; j++) {
            const kept_group *c = find_group(&x, g->disputes[j]);
            shown |= c != NULL;
        }
        if (!shown) fputs(g->html, f);
    }
    if (x.hidden)
        fprintf(f, "<p class=\"meta\">%zu more claim group%s of one report.</p>\n", x.hidden,
                x.hidden == 1 ? "" : "s");
    for (size_t i = 0; i < x.n; i++) free(x.g[i].html), free(x.g[i].disputes), free(x.g[i].disputed_by);
    free(x.g);
}

typedef struct ents_ctx {
    FILE *f;
    size_t n;
} ents_ctx;

static int entity_item(void *ud, const sl_entity *en) {
    ents_ctx *x = ud;
    if (x->n++ >= 40) return 1;
    fputs("<li><b>", x->f);
    html(x->f, en->name);
    fputs("</b> <span class=\"meta\">", x->f);
    html(x->f, en->type);
    fprintf(x->f, ", %zu article%s", en->articles, en->articles == 1 ? "" : "s");
    if (en->link_kind) {
        fputs(", ", x->f);
        html(x->f, en->link_kind);
        fputc(' ', x->f);
        html(x->f, en->link_name);
    }
    fputs("</span>", x->f);
    if (en->n_variants > 1 || (en->n_variants == 1 && strcmp(en->variants[0], en->name))) {
        fputs(": ", x->f);
        for (size_t i = 0; i < en->n_variants; i++) {
            if (i) fputs(", ", x->f);
            html(x->f, en->variants[i]);
        }
    }
    fputs("</li>\n", x->f);
    return 0;
}

static void entities_section(report *r, int64_t story, const char *title) {
    fprintf(r->f, "<h4>%s</h4>\n<ul class=\"ents\">\n", title);
    ents_ctx x = {r->f, 0};
    sl_entity_filter ef = {story, NULL};
    sl_status s = sl_entities(r->e, &ef, entity_item, &x);
    if (s != SL_OK) r->st = s;
    fputs("</ul>\n", r->f);
}

static int story_page(void *ud, const sl_story *s) {
    report *r = ud;
    FILE *f = r->f;
    fprintf(f, "<article class=\"story\" id=\"story-%lld\">\n<h3>", (long long)s->id);
    html_or(f, s->label, "(no label)");
    fprintf(f, "</h3>\n<p class=\"meta\">story %lld: %zu report%s", (long long)s->id, s->n_articles,
            s->n_articles == 1 ? "" : "s");
    if (s->n_copies) fprintf(f, " and %zu cop%s", s->n_copies, s->n_copies == 1 ? "y" : "ies");
    fprintf(f, ", %zu outlet%s", s->n_outlets, s->n_outlets == 1 ? "" : "s");
    if (s->first_seen) {
        fputs(", ", f);
        html(f, s->first_seen);
        if (s->last_update && strcmp(s->last_update, s->first_seen)) {
            fputs(" to ", f);
            html(f, s->last_update);
        }
    }
    if (s->n_terms) {
        fputs("; terms: ", f);
        for (size_t i = 0; i < s->n_terms; i++) {
            if (i) fputs(", ", f);
            html(f, s->terms[i]);
        }
    }
    fputs("</p>\n", f);
    timeline(f, s);
    return 0;
}

/* A story: its page head and timeline (from the callback), then what
 * needs other calls on the engine. */
static void one_story(report *r, int64_t id) {
    sl_status s = sl_story_get(r->e, id, story_page, r);
    if (s != SL_OK) {
        r->st = s;
        return;
    }
    claims_section(r, id);
    entities_section(r, id, "Entities");
    fputs("</article>\n", r->f);
}

static int collect_story(void *ud, const sl_story *s) {
    report *r = ud;
    if (r->n_ids >= r->max_stories) return 1;
    if (r->n_ids == r->cap_ids) {
        size_t nc = r->cap_ids ? 2 * r->cap_ids : 64;
        int64_t *n = realloc(r->ids, nc * sizeof *n);
        if (!n) {
            r->st = SL_ENOMEM;
            return 1;
        }
        r->ids = n, r->cap_ids = nc;
    }
    r->ids[r->n_ids++] = s->id;
    return 0;
}

/* ---- duplicate groups ------------------------------------------------------------- */

/* The paragraphs of a stored article, copied. */
typedef struct paras {
    char *title;
    char **p;
    size_t n;
} paras;

static void paras_free(paras *p) {
    for (size_t i = 0; i < p->n; i++) free(p->p[i]);
    free(p->p), free(p->title);
    memset(p, 0, sizeof *p);
}

static int paras_of(sl_engine *e, const char *id, paras *out) {
    const sl_doc *d;
    memset(out, 0, sizeof *out);
    if (sl_get(e, id, &d) != SL_OK) return -1;
    out->title = d->title ? strdup(d->title) : NULL;
    out->p = calloc(d->n_paragraphs + 1, sizeof *out->p);
    if (!out->p) return -1;
    for (size_t i = 0; i < d->n_paragraphs; i++) {
        size_t n = d->paragraphs[i].end - d->paragraphs[i].start;
        if (!(out->p[i] = strndup(d->text + d->paragraphs[i].start, n))) return -1;
        out->n++;
    }
    return 0;
}

static int has(const paras *p, const char *s) {
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->p[i], s)) return 1;
    return 0;
}

/* What a copy has that its representative has not, and the other way. */
static void differs(FILE *f, const paras *rep, const paras *c) {
    int any = 0;
    if ((rep->title || c->title) && (!rep->title || !c->title || strcmp(rep->title, c->title))) {
        fputs("<li>title: <span class=\"only\">", f);
        html_or(f, c->title, "(none)");
        fputs("</span> for <span class=\"only\">", f);
        html_or(f, rep->title, "(none)");
        fputs("</span></li>\n", f);
        any = 1;
    }
    for (int side = 0; side < 2; side++) {
        const paras *a = side ? rep : c, *b = side ? c : rep;
        size_t shown = 0, more = 0;
        for (size_t i = 0; i < a->n; i++) {
            if (has(b, a->p[i])) continue;
            if (shown++ >= 5) {
                more++;
                continue;
            }
            fprintf(f, "<li>only in %s: <span class=\"only\">", side ? "the representative" : "the copy");
            html(f, a->p[i]);
            fputs("</span></li>\n", f);
            any = 1;
        }
        if (more) fprintf(f, "<li>and %zu more paragraph%s</li>\n", more, more == 1 ? "" : "s");
    }
    if (!any) fputs("<li>the same paragraphs and title (they differ in spacing, case or punctuation only)</li>\n", f);
}

typedef struct dups_ctx {
    report *r;
    size_t n;
    /* the groups, copied: sl_get may not be called inside sl_dups */
    struct dgroup {
        int kind;
        double similarity;
        char *rep;
        char **members;
        size_t n_members;
    } *g;
    size_t cap;
    int failed;
} dups_ctx;

static int keep_dup(void *ud, const sl_dup_group *g) {
    dups_ctx *x = ud;
    if (g->kind == SL_DUP_PARTIAL || !g->representative) return 0;
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        struct dgroup *n = realloc(x->g, nc * sizeof *n);
        if (!n) return x->failed = 1;
        x->g = n, x->cap = nc;
    }
    struct dgroup *d = &x->g[x->n++];
    d->kind = g->kind, d->similarity = g->similarity;
    d->rep = strdup(g->representative);
    d->members = calloc(g->n_members + 1, sizeof *d->members);
    d->n_members = 0;
    if (!d->rep || !d->members) return x->failed = 1;
    for (size_t i = 0; i < g->n_members; i++)
        if (!(d->members[d->n_members++] = strdup(g->members[i]))) return x->failed = 1;
    return 0;
}

static void dups_section(report *r, const char *const *only, size_t n_only) {
    dups_ctx x = {r, 0, NULL, 0, 0};
    sl_status s = sl_dups(r->e, keep_dup, &x);
    if (s == SL_OK && x.failed) s = SL_ENOMEM;
    FILE *f = r->f;
    fputs("<section id=\"duplicates\">\n<h2>Duplicate groups</h2>\n", f);
    size_t shown = 0;
    for (size_t i = 0; s == SL_OK && i < x.n; i++) {
        struct dgroup *d = &x.g[i];
        int in = !only;
        for (size_t k = 0; !in && k < n_only; k++)
            for (size_t m = 0; m < d->n_members; m++) in |= !strcmp(only[k], d->members[m]);
        if (!in) continue;
        shown++;
        fprintf(f, "<div class=\"group\"><b>%s</b> <span class=\"meta\">%zu articles, similarity %.3f;"
                   " representative <code>", d->kind == SL_DUP_EXACT ? "exact copies" : "near copies",
                d->n_members, d->similarity);
        html(f, d->rep);
        fputs("</code></span>\n", f);
        paras rep;
        if (paras_of(r->e, d->rep, &rep)) {
            paras_free(&rep);
            continue;
        }
        for (size_t m = 0; m < d->n_members; m++) {
            if (!strcmp(d->members[m], d->rep)) continue;
            paras c;
            fputs("<div class=\"wording\">copy <code>", f);
            html(f, d->members[m]);
            fputs("</code><ul>\n", f);
            if (!paras_of(r->e, d->members[m], &c)) differs(f, &rep, &c);
            paras_free(&c);
            fputs("</ul></div>\n", f);
        }
        paras_free(&rep);
        fputs("</div>\n", f);
    }
    if (!shown) fputs("<p class=\"meta\">No exact or near copies.</p>\n", f);
    fputs("</section>\n", f);
    for (size_t i = 0; i < x.n; i++) {
        for (size_t m = 0; m < x.g[i].n_members; m++) free(x.g[i].members[m]);
        free(x.g[i].members), free(x.g[i].rep);
    }
    free(x.g);
    if (s != SL_OK) r->st = s;
}

/* The ids of a story's articles, for its duplicate groups. */
typedef struct story_ids {
    char **id;
    size_t n;
} story_ids;

static int collect_ids(void *ud, const sl_story *s) {
    story_ids *x = ud;
    x->id = calloc(s->n_entries + 1, sizeof *x->id);
    if (!x->id) return 1;
    for (size_t i = 0; i < s->n_entries; i++)
        if ((x->id[x->n] = strdup(s->entries[i].id))) x->n++;
    return 0;
}

int cmd_report(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},    {"html", required_argument, 0, 'o'},
        {"story", required_argument, 0, 's'}, {"max-stories", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB, *out = NULL;
    report r = {.max_stories = 100, .st = SL_OK};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'o': out = optarg; break;
        case 's':
            if (parse_id(optarg, &r.story)) return usage_error(usage_report, "--story needs a story id, not '%s'", optarg);
            break;
        case 'm': {
            int64_t n;
            if (parse_id(optarg, &n)) return usage_error(usage_report, "--max-stories needs a count, not '%s'", optarg);
            r.max_stories = (size_t)n;
            break;
        }
        case 'h': fputs(usage_report, stdout); return 0;
        default: fputs(usage_report, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_report, "unexpected argument '%s'", argv[optind]);
    if (!out) return usage_error(usage_report, "report needs --html OUT.html");
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store; run 'storyline ingest --db %s PATH' first", db, db);
        return 1;
    }
    sl_engine *e = open_engine(db, NULL);
    if (!e) return 1;
    r.e = e;
    sl_status s = claims_analyse(e, r.story);
    story_ids only = {0};
    if (s == SL_OK && r.story) s = sl_story_get(e, r.story, collect_ids, &only);
    else if (s == SL_OK) s = sl_stories(e, NULL, collect_story, &r);
    if (s == SL_OK && r.st != SL_OK) s = r.st;
    if (s != SL_OK) {
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        return 1;
    }
    /* written to a temporary file beside OUT, renamed when whole */
    char *tmp = NULL;
    FILE *f = stdout;
    if (strcmp(out, "-")) {
        if (asprintf(&tmp, "%s.tmp", out) < 0 || !(f = fopen(tmp, "w"))) {
            warn("%s", tmp ? tmp : out);
            free(tmp);
            for (size_t i = 0; i < only.n; i++) free(only.id[i]);
            free(only.id), free(r.ids);
            sl_close(e);
            return 1;
        }
    }
    r.f = f;
    sl_stats stats;
    int have_stats = sl_stats_get(e, &stats) == SL_OK;
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html(f, r.story ? "storyline report: one story" : "storyline report");
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<header><h1>storyline report</h1>\n<p class=\"meta\">", style);
    html(f, db);
    if (have_stats) fprintf(f, ": %lld articles from %lld outlets", (long long)stats.articles, (long long)stats.sources);
    fprintf(f, "; written %s.</p>\n<p><a href=\"#stories\">Stories</a> &middot; <a href=\"#duplicates\">Duplicate "
               "groups</a></p></header>\n<section id=\"stories\">\n<h2>Stories</h2>\n", when);
    if (r.story) one_story(&r, r.story);
    for (size_t i = 0; !r.story && i < r.n_ids && r.st == SL_OK; i++) one_story(&r, r.ids[i]);
    if (!r.story && !r.n_ids) fputs("<p class=\"meta\">No stories.</p>\n", f);
    fputs("</section>\n", f);
    if (r.st == SL_OK) dups_section(&r, r.story ? (const char *const *)only.id : NULL, only.n);
    fputs("</body></html>\n", f);
    int bad = ferror(f) != 0;
    if (f != stdout && fclose(f)) bad = 1;
    if (r.st != SL_OK) warnx("%s", sl_errmsg(e));
    else if (bad) warn("%s", tmp ? tmp : "stdout");
    else if (tmp && rename(tmp, out)) warn("%s", out), bad = 1;
    if (tmp && (bad || r.st != SL_OK)) unlink(tmp);
    free(tmp);
    for (size_t i = 0; i < only.n; i++) free(only.id[i]);
    free(only.id), free(r.ids);
    sl_close(e);
    return r.st == SL_OK && !bad ? 0 : 1;
}
