/*
 * main.c - the storyline command.  Argument parsing and output only: all
 * work goes through the public API in storyline.h.
 *
 * Exit status: 0 success; 1 when an input was rejected or a lookup failed;
 * 2 for usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "storyline.h"


static const char *prog = "storyline";

static void warnx(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- help ---------------------------------------------------------------- */

static const char usage_main[] =
    "usage: storyline [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "Turn a stream of news articles into clean text, copies and stories in SQLite.\n"
    "\n"
    "commands:\n"
    "  ingest PATH... | -   clean, segment and store articles (.txt trees, JSONL, stdin)\n"
    "  show ID              one article: text, paragraphs, what cleaning removed\n"
    "  list                 every stored article, one per line\n"
    "  stats                figures about the corpus\n"
    "  dedup [PATH...]      drop exact and near copies from a JSONL stream (no store)\n"
    "  dups                 groups of exact and near copies, and partial copies, stored\n"
    "  check PATH... | -    does an article copy a stored one? (stores nothing)\n"
    "  rm ID...             remove articles, their index entries and relations\n"
    "  reindex              rebuild the duplicate index (after an upgrade)\n"
    "  stories              the stories: articles about one event, grouped\n"
    "  story ID             one story's timeline, copies folded under reports\n"
    "  recluster            make the stories again with current settings\n"
    "  tag [FILE]           named entities (PER, ORG, LOC, MISC) in text (no store)\n"
    "  entities             the named entities stored, each across its spellings\n"
    "  entity NAME          one entity by any spelling, and the articles naming it\n"
    "  attributions [FILE]  who said what in text or JSONL articles (no store)\n"
    "  claims               who said what in the stored articles, across outlets\n"
    "  search QUERY         full-text search, copies folded into one hit\n"
    "  report --html OUT    one self-contained HTML page of stories, claims, copies\n"
    "  serve                a JSON API and a web page over the store, with live ingest\n"
    "  help COMMAND         help for a command (also: storyline COMMAND --help)\n"
    "  --version            the version (also: storyline version)\n"
    "\n"
    "Commands with a store take --db FILE (default " DEFAULT_DB ").  See storyline(1).\n";

static const char usage_ingest[] =
    "usage: storyline ingest [--db FILE] [--format auto|txt|jsonl] [--quiet]\n"
    "                        [--max-article-bytes N] [--rules FILE] [--dry-run]\n"
    "                        [--batch N] [--no-index | --dups-only] [--threads N]\n"
    "                        PATH... | -\n"
    "\n"
    "Read articles, clean and segment them, and store each new one.  PATH is a\n"
    ".txt file (the stem is the id), a .jsonl/.ndjson file (fields id, source, url,\n"
    "date, title, text; others are kept), a directory (walked for both), or - for\n"
    "standard input.  Articles already stored (same id, same text) are skipped, so\n"
    "re-running a command after a crash completes it.\n"
    "\n"
    "  --db FILE                the store (default " DEFAULT_DB ")\n"
    "  --format F               auto (by extension or first byte), txt or jsonl\n"
    "  --max-article-bytes N    reject larger articles (default 4M; K, M, G\n"
    "                           suffixes; at most 1G)\n"
    "  --rules FILE             boilerplate rules (default: the built-in copy of\n"
    "                           data/boilerplate.rules)\n"
    "  --dry-run                clean and segment only; store nothing\n"
    "  --batch N                articles per transaction (default 20000)\n"
    "  --no-index               skip duplicate detection and the search index\n"
    "                           (bulk loading); dups, check and search refuse\n"
    "                           until 'storyline reindex'\n"
    "  --dups-only              find duplicates and nothing else (deduplicating\n"
    "                           a dataset in a store): named entities, stories,\n"
    "                           claims and search wait for 'storyline reindex'\n"
    "  --threads N              clean and fingerprint on N threads (default: one\n"
    "                           per core); one writer stores, in input order\n"
    "  -q, --quiet              no progress bar and no summary line\n"
    "\n"
    "Prints a summary: read (every input), stored, already present, rejected.\n"
    "Each rejected input gets one line on stderr with its file and its line\n"
    "and byte offset (from 0); the rest is still ingested; the exit status is\n"
    "then 1.  A dry run does not look in the store: nothing is \"present\".\n";

static const char usage_dedup[] =
    "usage: storyline dedup [--keep first|longest] [--pairs | --clusters] [--explain]\n"
    "                       [--threshold J] [--format auto|txt|jsonl]\n"
    "                       [--max-article-bytes N] [--rules FILE] [--threads N]\n"
    "                       [--quiet] [PATH... | -]\n"
    "\n"
    "Find exact, near and partial copies in a stream of articles, with no store:\n"
    "the dataset use case.  Reads the PATHs, or standard input when there are none.\n"
    "Every relation is verified on the word 5-shingle sets and the shared\n"
    "paragraphs of the two articles, never on a hash collision alone.\n"
    "\n"
    "Output (stdout), one of:\n"
    "  (default)         the kept articles, each line as it was read: every\n"
    "                    article that is not an exact or near copy of another\n"
    "  --pairs           one line per relation: ID<TAB>EARLIER-ID<TAB>KIND, with\n"
    "                    KIND exact, near or partial, as they are found\n"
    "  --clusters        at the end, one line per article: ID<TAB>CLUSTER, the\n"
    "                    cluster named by its representative's id\n"
    "\n"
    "  --keep first      keep the first article of each group as it arrives\n"
    "                    (streaming; the default)\n"
    "  --keep longest    keep the longest; written at the end, in input order\n"
    "  --explain         with --pairs: add similarity (Jaccard), containment,\n"
    "                    shared paragraphs and their words\n"
    "  --threshold J     Jaccard from which a copy is near (default 0.25)\n"
    "  --threads N       clean and fingerprint on N threads (default: one per\n"
    "                    core; above one, the input is read on one more);\n"
    "                    the output is the same for any N\n"
    "  -q, --quiet       no summary on stderr\n"
    "\n"
    "A summary goes to stderr: read, kept, copies, partial links, rejected.\n"
    "Bad input is reported as by ingest and skipped; the exit status is then 1.\n";

static const char usage_dups[] =
    "usage: storyline dups [--db FILE] [--json] [--kind exact,near,partial] [--threshold J]\n"
    "\n"
    "The stored duplicate relations: each group of exact and near copies (its\n"
    "members in ingest order, its representative: the earliest, then the\n"
    "longest), then each partial copy (two articles sharing paragraphs).\n"
    "Every relation was verified on the articles' word 5-shingles and\n"
    "paragraphs when the later one was ingested.\n"
    "\n"
    "  --kind K,...     only these kinds (default all)\n"
    "  --threshold J    only near links with Jaccard >= J (relations are stored\n"
    "                   from 0.25)\n"
    "  --json           one object per group or partial link: kind, members,\n"
    "                   representative, similarity, evidence\n";

static const char usage_check[] =
    "usage: storyline check [--db FILE] [--json] [--format auto|txt|jsonl] PATH... | -\n"
    "\n"
    "Say whether each article copies a stored one, or is copied by one, and\n"
    "which: exact, near or partial, with the similarity.  Nothing is stored.\n"
    "  --json    one object per article: {\"id\", \"matches\": [{\"id\", \"kind\",\n"
    "            \"similarity\", \"containment\", \"paragraphs\", \"words\"}]}\n";

static const char usage_rm[] =
    "usage: storyline rm [--db FILE] ID...\n"
    "\n"
    "Remove stored articles: text, what cleaning removed, index entries and\n"
    "relations.  Articles that were grouped through a removed one are indexed\n"
    "again, so their groups stay whole.\n";

static const char usage_reindex[] =
    "usage: storyline reindex [--db FILE]\n"
    "\n"
    "Rebuild the duplicate index and every relation from the stored clean\n"
    "texts, with this storyline's fingerprint parameters, and find every\n"
    "article's named entities again; after 'ingest --no-index' or\n"
    "'ingest --dups-only', build the search index and place the new articles\n"
    "in stories too.  Needed when a store was built by a storyline with other\n"
    "parameters (commands say so), or before entities.\n";

static const char usage_show[] =
    "usage: storyline show [--db FILE] [--json] [--explain] [--segments] ID\n"
    "\n"
    "Print one stored article: metadata, then its clean text (subheadings marked\n"
    "\"## \", list items as written).\n"
    "\n"
    "  --json       one JSON object: id, source, url, date, title, text,\n"
    "               paragraphs ({kind, start, end, text}; byte offsets into\n"
    "               text), removed ({reason, detail, text}), notes,\n"
    "               sentences, tokens, hash, origin, extra\n"
    "  --explain    also list what cleaning did: every removed paragraph with\n"
    "               its reason and rule, and the notes (title choice, NFC)\n"
    "  --segments   also list the sentences, one a line with their byte\n"
    "               offsets, each followed by its tokens separated by \" | \";\n"
    "               with --json, add \"segments\": {\"sentences\": [[start, end]],\n"
    "               \"tokens\": [[start, end, kind]]}\n";

static const char usage_list[] =
    "usage: storyline list [--db FILE] [--json]\n"
    "\n"
    "Every stored article in ingest order: id, date, source and title, separated\n"
    "by tabs.  --json: one object per line with id, source, url, date, title,\n"
    "bytes, sentences, tokens, hash and origin.\n";

static const char usage_stats[] =
    "usage: storyline stats [--db FILE] [--json]\n"
    "\n"
    "Figures about the corpus: articles, sources, text size, paragraphs,\n"
    "sentences, tokens, distinct texts, removals by reason, store size.\n";

FILE *open_input(const char *arg, const char **name) {
    int std = !strcmp(arg, "-");
    FILE *in = std ? stdin : fopen(arg, "rb");
    if (!in) warnx("%s: %s", arg, strerror(errno));
    *name = std ? "<stdin>" : arg;
    return in;
}

int usage_error(const char *usage, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

/* ---- common ---------------------------------------------------------------- */

sl_engine *open_engine(const char *db, const sl_options *opt) {
    sl_engine *e = NULL;
    sl_status s = sl_open(db, opt, &e);
    if (s != SL_OK) {
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        return NULL;
    }
    return e;
}

int parse_id(const char *s, int64_t *out) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v <= 0) return -1;
    *out = v;
    return 0;
}

/* Read-only commands must not create a store that is not there. */
sl_engine *open_existing(const char *db) {
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store; run 'storyline ingest --db %s PATH' first", db, db);
        return NULL;
    }
    sl_options opt;
    sl_options_init(&opt);
    opt.readonly = 1;
    return open_engine(db, &opt);
}

/* A size such as 4096, 64K, 4M or 1G (KiB, MiB, GiB also); at most 1 GiB,
 * the largest article a buffer may hold. */
int parse_cli_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *s == '-' || errno == ERANGE) return -1;
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (v > (1ULL << 30) >> shift) return -1;
    v <<= shift;
    if (*end == 'i' && end[-1] != *s) end++; /* KiB, MiB */
    if (*end == 'B' || *end == 'b') end++;
    if (*end || v == 0) return -1;
    *out = (size_t)v;
    return 0;
}

/* --format: auto, txt or jsonl.  0, or -1 for anything else. */
static int parse_format(const char *s, sl_format *out) {
    if (strcmp(s, "auto") == 0) *out = SL_FORMAT_AUTO;
    else if (strcmp(s, "txt") == 0) *out = SL_FORMAT_TXT;
    else if (strcmp(s, "jsonl") == 0) *out = SL_FORMAT_JSONL;
    else return -1;
    return 0;
}

static void human(double bytes, char *out, size_t n) {
    const char *unit[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) {
        bytes /= 1000;
        u++;
    }
    if (u == 0) snprintf(out, n, "%.0f B", bytes);
    else snprintf(out, n, "%.1f %s", bytes, unit[u]);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- ingest ---------------------------------------------------------------- */

typedef struct progress {
    int on;
    double start, last;
    uint64_t articles;
} progress;

/* done of total input bytes (total 0: unknown) */
static void progress_draw(progress *p, uint64_t done, uint64_t total, int final) {
    if (!p->on) return;
    double t = now();
    if (!final && t - p->last < 0.1) return;
    p->last = t;
    double el = t - p->start;
    double rate = el > 0 ? done / el : 0;
    char d[32], sp[32];
    human((double)done, d, sizeof d);
    human(rate, sp, sizeof sp);
    fprintf(stderr, "\r\033[K%llu articles  %s  %s/s", (unsigned long long)p->articles, d, sp);
    if (total) {
        double f = done >= total ? 1.0 : (double)done / (double)total;
        int w = 24, k = (int)(f * w);
        fprintf(stderr, "  [%.*s%*s] %3d%%", k, "########################", w - k, "", (int)(f * 100));
        if (!final && rate > 0 && done < total) {
            long eta = (long)((double)(total - done) / rate);
            fprintf(stderr, "  ETA %ld:%02ld", eta / 60, eta % 60);
        }
    }
    if (final) fputc('\n', stderr);
    fflush(stderr);
}


static char *hold_str(char **at, const char *s, size_t n) {
    if (!s) return NULL;
    char *d = memcpy(*at, s, n);
    d[n] = '\0';
    *at += n + 1;
    return d;
}

held *hold(const sl_article *a, const char *raw, size_t raw_len) {
    const char *f[] = {a->id, a->source, a->url, a->date, a->title, a->extra, a->origin};
    size_t len[7], size = sizeof(held) + a->text_len + 1 + raw_len + 1;
    for (int i = 0; i < 7; i++) size += (len[i] = f[i] ? strlen(f[i]) : 0) + 1;
    held *h = malloc(size);
    if (!h) return NULL;
    char *at = (char *)(h + 1);
    h->a.id = hold_str(&at, a->id, len[0]);
    h->a.source = hold_str(&at, a->source, len[1]);
    h->a.url = hold_str(&at, a->url, len[2]);
    h->a.date = hold_str(&at, a->date, len[3]);
    h->a.title = hold_str(&at, a->title, len[4]);
    h->a.extra = hold_str(&at, a->extra, len[5]);
    h->a.origin = hold_str(&at, a->origin, len[6]);
    h->a.text = hold_str(&at, a->text ? a->text : "", a->text_len);
    h->a.text_len = a->text_len;
    h->raw = hold_str(&at, raw ? raw : "", raw_len);
    h->raw_len = raw_len;
    return h;
}

/* Articles are ingested in batches, cleaned on every core
 * (sl_ingest_batch); each result comes back here in input order. */
typedef struct ingest_run {
    progress *p;
    uint64_t stored, present, rejected, done, undated, dated;
    int fatal, dry;
    char first_undated[256]; /* "ID (ORIGIN)" of the first with no date */
} ingest_run;

/* A date stories can place: it starts YYYY-MM-DD. */
static int placeable_date(const char *d) {
    int y, m, day, n = 0;
    return sscanf(d, "%4d-%2d-%2d%n", &y, &m, &day, &n) == 3 && n == 10 && m >= 1 && m <= 12 &&
           day >= 1 && day <= 31;
}

static int ingested(void *ud, const sl_article *a, sl_status s, sl_outcome out, const char *err) {
    ingest_run *u = ud;
    u->done++;
    if (s == SL_OK) {
        if (out == SL_STORED) u->stored++;
        else u->present++;
        if (out == SL_STORED && !u->dry) {
            if (!a->date) {
                if (!u->undated++)
                    snprintf(u->first_undated, sizeof u->first_undated, "%s (%s)", a->id ? a->id : "",
                             a->origin ? a->origin : "<article>");
            } else if (placeable_date(a->date)) {
                u->dated++;
            } else {
                if (u->p->on) fputs("\r\033[K", stderr);
                warnx("%s: article %s: date '%s' is not YYYY-MM-DD; its story places it in ingest order",
                      a->origin ? a->origin : "<article>", a->id ? a->id : "", a->date);
            }
        }
    } else {
        if (u->p->on) fputs("\r\033[K", stderr);
        warnx("%s: %s", a->origin ? a->origin : "<article>", err);
        u->rejected++;
        if (s == SL_ESTORE || s == SL_ENOMEM) {
            u->fatal = 1;
            return 1;
        }
    }
    return 0;
}

/* Articles held for one batch (ingest and dedup). */
enum { BATCH_ARTICLES = 1024, BATCH_BYTES = 8 << 20 };

/* Store a batch read ahead: its rejected inputs are reported in their
 * turn, before its articles' outcomes (as when one thread read and
 * stored). */
static void ingest_flush(ingest_run *u, sl_engine *e, const ra_batch *b, sl_article *as) {
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->it[i].h) {
            as[n++] = b->it[i].h->a;
        } else if (b->it[i].why) {
            if (u->p->on) fputs("\r\033[K", stderr);
            warnx("%s", b->it[i].why);
            u->rejected++;
        }
    }
    if (b->oom) {
        warnx("out of memory");
        u->fatal = 1;
    }
    if (n && !u->fatal && sl_ingest_batch(e, as, n, ingested, u) != SL_OK) {
        warnx("%s", sl_errmsg(e));
        u->fatal = 1;
    }
    u->p->articles = u->done;
    progress_draw(u->p, b->done, b->total, 0);
}

/* What the reading thread keeps of an article: its fields. */
static held *ingest_take(void *ud, const sl_reader *r, const sl_article *a, char **why) {
    (void)ud, (void)r, (void)why;
    return hold(a, NULL, 0);
}

static int cmd_ingest(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"format", required_argument, 0, 'f'},
        {"max-article-bytes", required_argument, 0, 'm'},
        {"rules", required_argument, 0, 'r'},
        {"dry-run", no_argument, 0, 'n'},
        {"batch", required_argument, 0, 'b'},
        {"no-index", no_argument, 0, 'I'},
        {"dups-only", no_argument, 0, 'D'},
        {"threads", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    sl_format format = SL_FORMAT_AUTO;
    int quiet = 0, dry = 0, c;
    sl_options opt;
    sl_options_init(&opt);
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'f':
            if (parse_format(optarg, &format))
                return usage_error(usage_ingest, "--format must be auto, txt or jsonl, not '%s'", optarg);
            break;
        case 'm':
            if (parse_cli_size(optarg, &opt.max_article_bytes))
                return usage_error(usage_ingest, "--max-article-bytes needs a size such as 4M, not '%s'", optarg);
            break;
        case 'r': opt.rules_path = optarg; break;
        case 'n': dry = 1; break;
        case 'b': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (end == optarg || *end || *optarg == '-' || n == 0 || n > 10000000)
                return usage_error(usage_ingest, "--batch needs a number of articles, not '%s'", optarg);
            opt.batch_articles = (unsigned)n;
            break;
        }
        case 'I': opt.no_index = 1; break;
        case 'D': opt.dups_only = 1; break;
        case 'j': {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (end == optarg || *end || t < 1 || t > 64)
                return usage_error(usage_ingest, "--threads needs a number from 1 to 64, not '%s'", optarg);
            opt.threads = (unsigned)t;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_ingest, stdout); return 0;
        default: fputs(usage_ingest, stderr); return 2;
        }
    }
    if (optind == argc) return usage_error(usage_ingest, "ingest needs a PATH, or - for standard input");
    if (opt.no_index && opt.dups_only)
        return usage_error(usage_ingest, "--no-index skips duplicate detection, --dups-only keeps only it: "
                                         "choose one");
    sl_engine *e = open_engine(dry ? NULL : db, &opt);
    if (!e) return 1;
    sl_reader *r;
    if (sl_reader_open((const char *const *)argv + optind, (size_t)(argc - optind), format,
                       opt.max_article_bytes, &r) != SL_OK) {
        warnx("out of memory");
        sl_close(e);
        return 1;
    }
    progress p = {.on = !quiet && isatty(2), .start = now()};
    p.last = p.start; /* first frame after 100 ms, when the rate means something */
    ingest_run u = {.p = &p, .dry = dry};
    uint64_t n_read = 0; /* inputs, even those that never become articles */
    /* Batches go through the cleaning threads together, read and parsed
     * on a thread of their own, a batch ahead (with --threads 1, on this
     * one). */
    sl_article *as = malloc(BATCH_ARTICLES * sizeof *as);
    readahead *ra = as ? ra_start(r, ingest_take, &u, BATCH_ARTICLES, BATCH_BYTES, opt.threads != 1) : NULL;
    if (!ra) {
        warnx("out of memory");
        u.fatal = 1;
    }
    ra_batch b;
    while (!u.fatal && ra_next(ra, &b)) {
        n_read += b.read;
        ingest_flush(&u, e, &b, as);
        ra_batch_free(&b);
    }
    ra_stop(ra);
    free(as);
    int fatal = u.fatal;
    uint64_t stored = u.stored, present = u.present, rejected = u.rejected;
    if (sl_commit(e) != SL_OK) {
        warnx("%s", sl_errmsg(e));
        fatal = 1;
    }
    uint64_t done, total;
    sl_reader_progress(r, &done, &total);
    progress_draw(&p, done, total, 1);
    sl_reader_close(r);
    /* Among dated articles, one without a date is placed by where it came
     * (an input with no dates at all, a tree of .txt files, needs no word) */
    if (u.undated && u.dated)
        warnx("%llu article%s had no date, the first %s; placed in stories in ingest order",
              (unsigned long long)u.undated, u.undated == 1 ? "" : "s", u.first_undated);
    const char *why = sl_stories_stale(e);
    if (why && stored) warnx("new articles are in no story: %s", why);
    sl_close(e);
    if (!quiet)
        printf("read %llu, %s %llu, already present %llu, rejected %llu\n",
               (unsigned long long)n_read, dry ? "cleaned" : "stored", (unsigned long long)stored,
               (unsigned long long)present, (unsigned long long)rejected);
    if (fatal) warnx("stopped early; articles committed so far are kept, re-run to finish");
    return (rejected || fatal) ? 1 : 0;
}

/* ---- dedup ----------------------------------------------------------------- */

typedef struct kept {
    long off;       /* where its raw line is in the spool file */
    size_t len;
    size_t length;  /* its text length, for --keep longest */
} kept;


/* What the dedup loop keeps between articles. */
typedef struct dedup_run {
    sl_dedup *d;
    int pairs, clusters, explain;
    FILE *spool;
    kept *ks;
    size_t cap_ks;
    held **batch;           /* the raw lines of the batch, by article */
    const sl_article *first;
    uint64_t n_kept, n_exact, n_near, n_partial, rejected;
    int fatal;
} dedup_run;

/* One article's outcome, in input order. */
static int dedup_one(void *ud, const sl_article *a, sl_status s, const char *err,
                     const sl_dup_match *m, size_t nm) {
    dedup_run *u = ud;
    const held *h = u->batch[a - u->first];
    if (s != SL_OK) {
        warnx("%s: %s", a->origin ? a->origin : "<article>", err);
        u->rejected++;
        return 0;
    }
    size_t me = sl_dedup_count(u->d) - 1;
    int copy = 0, exact = 0;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].kind == SL_DUP_PARTIAL) u->n_partial++;
        else copy = 1;
        exact |= m[i].kind == SL_DUP_EXACT;
        if (u->pairs) {
            printf("%s\t%s\t%s", sl_dedup_id(u->d, me), m[i].id, sl_dup_kind_name(m[i].kind));
            if (u->explain)
                printf("\t%.3f\t%.3f\t%zu\t%zu", m[i].similarity, m[i].containment,
                       m[i].shared_paragraphs, m[i].shared_words);
            putchar('\n');
        }
    }
    if (copy) {
        if (exact) u->n_exact++;
        else u->n_near++;
    }
    if (u->spool) {
        if (me >= u->cap_ks) {
            size_t nc = u->cap_ks ? u->cap_ks * 2 : 1024;
            kept *nk = realloc(u->ks, nc * sizeof *nk);
            if (!nk) {
                warnx("out of memory");
                u->fatal = 1;
                return 1;
            }
            u->ks = nk;
            u->cap_ks = nc;
        }
        u->ks[me] = (kept){ftell(u->spool), h->raw_len, a->text_len};
        if (fwrite(h->raw, 1, h->raw_len, u->spool) != h->raw_len) {
            warnx("cannot write the spool file: %s", strerror(errno));
            u->fatal = 1;
            return 1;
        }
    } else if (!u->pairs && !u->clusters && !copy) {
        fwrite(h->raw, 1, h->raw_len, stdout);
        putchar('\n');
        u->n_kept++;
    }
    return 0;
}

/* What the reading thread keeps of an article: its fields, and its raw
 * line when the kept articles are the output. */
static held *dedup_take(void *ud, const sl_reader *r, const sl_article *a, char **why) {
    const dedup_run *u = ud;
    const char *raw;
    size_t raw_len;
    sl_format raw_format;
    sl_reader_raw(r, &raw, &raw_len, &raw_format);
    if (!u->pairs && !u->clusters && raw_format != SL_FORMAT_JSONL) {
        if (asprintf(why, "%s: the kept-article output copies JSON lines; use --pairs or --clusters for text files",
                     a->origin ? a->origin : "<article>") < 0)
            *why = NULL;
        return NULL;
    }
    return hold(a, raw, u->pairs || u->clusters ? 0 : raw_len);
}

/* Run a batch through the deduper: its rejected inputs are reported in
 * their turn, before its articles' outcomes. */
static void dedup_flush(dedup_run *u, const ra_batch *b, held **hs, sl_article *as, sl_engine *e) {
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->it[i].h) {
            hs[n] = b->it[i].h;
            as[n++] = b->it[i].h->a;
        } else if (b->it[i].why) {
            warnx("%s", b->it[i].why);
            u->rejected++;
        }
    }
    if (b->oom) {
        warnx("out of memory");
        u->fatal = 1;
    }
    u->batch = hs;
    u->first = as;
    if (n && !u->fatal && sl_dedup_add_batch(u->d, as, n, dedup_one, u) != SL_OK) {
        warnx("%s", sl_errmsg(e));
        u->fatal = 1;
    }
}

static int cmd_dedup(int argc, char **argv) {
    static const struct option opts[] = {
        {"keep", required_argument, 0, 'k'},
        {"pairs", no_argument, 0, 'p'},
        {"clusters", no_argument, 0, 'c'},
        {"explain", no_argument, 0, 'x'},
        {"threshold", required_argument, 0, 't'},
        {"format", required_argument, 0, 'f'},
        {"max-article-bytes", required_argument, 0, 'm'},
        {"rules", required_argument, 0, 'r'},
        {"threads", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int longest = 0, pairs = 0, clusters = 0, explain = 0, quiet = 0, c;
    sl_format format = SL_FORMAT_AUTO;
    sl_options opt;
    sl_options_init(&opt);
    sl_dedup_options dopt;
    sl_dedup_options_init(&dopt);
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (strcmp(optarg, "first") == 0) longest = 0;
            else if (strcmp(optarg, "longest") == 0) longest = 1;
            else return usage_error(usage_dedup, "--keep must be first or longest, not '%s'", optarg);
            break;
        case 'p': pairs = 1; break;
        case 'c': clusters = 1; break;
        case 'x': explain = 1; break;
        case 't': {
            char *end;
            double j = strtod(optarg, &end);
            if (end == optarg || *end || !(j > 0 && j <= 1))
                return usage_error(usage_dedup, "--threshold needs a number in (0, 1], not '%s'", optarg);
            dopt.near_threshold = j;
            break;
        }
        case 'f':
            if (parse_format(optarg, &format))
                return usage_error(usage_dedup, "--format must be auto, txt or jsonl, not '%s'", optarg);
            break;
        case 'm':
            if (parse_cli_size(optarg, &opt.max_article_bytes))
                return usage_error(usage_dedup, "--max-article-bytes needs a size such as 4M, not '%s'", optarg);
            break;
        case 'r': opt.rules_path = optarg; break;
        case 'j': {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (end == optarg || *end || t < 1 || t > 64)
                return usage_error(usage_dedup, "--threads needs a number from 1 to 64, not '%s'", optarg);
            dopt.threads = (unsigned)t;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_dedup, stdout); return 0;
        default: fputs(usage_dedup, stderr); return 2;
        }
    }
    if (pairs && clusters) return usage_error(usage_dedup, "choose one of --pairs and --clusters");
    if (explain && !pairs) return usage_error(usage_dedup, "--explain goes with --pairs");
    dopt.evidence = explain; /* only --explain prints shared paragraphs */
    sl_engine *e = open_engine(NULL, &opt);
    if (!e) return 1;
    sl_dedup *d = NULL;
    sl_status ds = sl_dedup_open(e, &dopt, &d);
    if (ds != SL_OK) {
        warnx("%s", ds == SL_ENOMEM ? "out of memory" : sl_errmsg(e));
        sl_dedup_close(d);
        sl_close(e);
        return 1;
    }
    const char *stdin_only[] = {"-"};
    const char *const *paths = optind < argc ? (const char *const *)argv + optind : stdin_only;
    size_t n_paths = optind < argc ? (size_t)(argc - optind) : 1;
    sl_reader *r;
    if (sl_reader_open(paths, n_paths, format, opt.max_article_bytes, &r) != SL_OK) {
        warnx("out of memory");
        sl_dedup_close(d);
        sl_close(e);
        return 1;
    }
    /* --keep longest and --clusters decide at the end; the raw lines wait
     * in a spool file, not in memory. */
    dedup_run u = {.d = d, .pairs = pairs, .clusters = clusters, .explain = explain};
    /* --keep longest decides at the end; the raw lines wait in a spool
     * file, not in memory. */
    u.spool = (longest && !pairs && !clusters) ? tmpfile() : NULL;
    /* Batches of articles go through the deduper's threads together,
     * read on a thread of their own (with --threads 1, on this one). */
    held **hs = malloc(BATCH_ARTICLES * sizeof *hs);
    sl_article *as = malloc(BATCH_ARTICLES * sizeof *as);
    readahead *ra = hs && as ? ra_start(r, dedup_take, &u, BATCH_ARTICLES, BATCH_BYTES,
                                        dopt.threads != 1) : NULL;
    uint64_t n_read = 0;
    if (!ra) {
        warnx("out of memory");
        u.fatal = 1;
    }
    ra_batch b;
    while (!u.fatal && ra_next(ra, &b)) {
        n_read += b.read;
        dedup_flush(&u, &b, hs, as, e);
        ra_batch_free(&b);
    }
    ra_stop(ra);
    free(hs);
    free(as);
    FILE *spool = u.spool;
    kept *ks = u.ks;
    int fatal = u.fatal;
    uint64_t n_kept = u.n_kept, n_exact = u.n_exact, n_near = u.n_near, n_partial = u.n_partial,
             rejected = u.rejected;
    size_t n = sl_dedup_count(d);
    if (!fatal && clusters)
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\n", sl_dedup_id(d, i), sl_dedup_id(d, sl_dedup_representative(d, i)));
    if (!fatal && spool) {
        /* The longest of each group, in input order (ties: the first). */
        size_t *best = malloc((n ? n : 1) * sizeof *best);
        if (!best) fatal = 1;
        for (size_t i = 0; best && i < n; i++) best[i] = (size_t)-1;
        for (size_t i = 0; best && i < n; i++) {
            size_t g = sl_dedup_representative(d, i);
            if (best[g] == (size_t)-1 || ks[i].length > ks[best[g]].length) best[g] = i;
        }
        char *line = NULL;
        for (size_t i = 0; best && i < n; i++) {
            if (best[sl_dedup_representative(d, i)] != i) continue;
            char *nl = realloc(line, ks[i].len ? ks[i].len : 1);
            if (!nl) { fatal = 1; break; }
            line = nl;
            if (fseek(spool, ks[i].off, SEEK_SET) || fread(line, 1, ks[i].len, spool) != ks[i].len) {
                warnx("cannot read the spool file back");
                fatal = 1;
                break;
            }
            fwrite(line, 1, ks[i].len, stdout);
            putchar('\n');
            n_kept++;
        }
        free(line);
        free(best);
    }
    if (spool) fclose(spool);
    free(ks);
    if (!quiet)
        fprintf(stderr, "read %llu, kept %llu, copies %llu (exact %llu, near %llu), partial links %llu, rejected %llu\n",
                (unsigned long long)n_read, (unsigned long long)(pairs || clusters ? n - n_exact - n_near : n_kept),
                (unsigned long long)(n_exact + n_near), (unsigned long long)n_exact,
                (unsigned long long)n_near, (unsigned long long)n_partial, (unsigned long long)rejected);
    sl_reader_close(r);
    sl_dedup_close(d);
    sl_close(e);
    if (fflush(stdout) != 0) {
        warnx("cannot write the output: %s", strerror(errno));
        fatal = 1;
    }
    return (rejected || fatal) ? 1 : 0;
}

/* ---- check, dups, rm, reindex ------------------------------------------------ */


typedef struct check_ctx {
    int json, n;
    const char *name;
} check_ctx;


/* The article's header, printed with its first match (or after a check
 * that found none), so that a failed check prints nothing on stdout. */
static void check_header(const check_ctx *c) {
    if (c->json) {
        printf("{\"id\":");
        print_json_string(c->name);
        printf(",\"matches\":[");
    } else {
        printf("%s:\n", c->name);
    }
}

static int print_match(void *ud, const sl_dup_match *m) {
    check_ctx *c = ud;
    if (c->n == 0) check_header(c);
    if (c->json)
        printf("%s{\"id\":\"%s\",\"kind\":\"%s\",\"similarity\":%.4f,\"containment\":%.4f,"
               "\"paragraphs\":%zu,\"words\":%zu}",
               c->n ? "," : "", m->id, sl_dup_kind_name(m->kind), m->similarity, m->containment,
               m->shared_paragraphs, m->shared_words);
    else
        printf("  %s copy of %s (similarity %.3f, containment %.3f, %zu shared paragraphs)\n",
               sl_dup_kind_name(m->kind), m->id, m->similarity, m->containment,
               m->shared_paragraphs);
    c->n++;
    return 0;
}

void json_or_null(const char *s) {
    if (s) print_json_string(s);
    else printf("null");
}

/* A JSON string (ids and origins are UTF-8 already checked). */
void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch < 0x20) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

static int cmd_check(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    int json = 0, c;
    sl_format format = SL_FORMAT_AUTO;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'f':
            if (parse_format(optarg, &format))
                return usage_error(usage_check, "--format must be auto, txt or jsonl, not '%s'", optarg);
            break;
        case 'h': fputs(usage_check, stdout); return 0;
        default: fputs(usage_check, stderr); return 2;
        }
    }
    if (optind == argc) return usage_error(usage_check, "check needs a PATH, or - for standard input");
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_reader *r;
    if (sl_reader_open((const char *const *)argv + optind, (size_t)(argc - optind), format, 0, &r) != SL_OK) {
        warnx("out of memory");
        sl_close(e);
        return 1;
    }
    int bad = 0;
    const sl_article *a;
    sl_status s;
    while ((s = sl_reader_next(r, &a)) != SL_DONE) {
        if (s != SL_OK) {
            warnx("%s", sl_reader_errmsg(r));
            bad = 1;
            continue;
        }
        const char *name = a->id ? a->id : a->origin ? a->origin : "<article>";
        check_ctx cc = {json, 0, name};
        s = sl_check(e, a, print_match, &cc);
        if (s == SL_OK && cc.n == 0) {
            check_header(&cc);
            if (!json) printf("  no copy found\n");
        }
        if (json && (s == SL_OK || cc.n)) printf("]}\n");
        if (s != SL_OK) {
            warnx("%s: %s", a->origin ? a->origin : name, sl_errmsg(e));
            bad = 1;
            if (s == SL_EVERSION || s == SL_ESTORE) break;
        }
    }
    sl_reader_close(r);
    sl_close(e);
    return bad;
}

typedef struct dups_ctx {
    int json;
    int kinds;        /* bit per sl_dup_kind */
    double threshold;
    size_t groups, partial;
} dups_ctx;

static int print_group(void *ud, const sl_dup_group *g) {
    dups_ctx *c = ud;
    if (!(c->kinds & (1 << g->kind))) return 0;
    if (g->kind == SL_DUP_NEAR && g->similarity < c->threshold) return 0;
    if (g->kind == SL_DUP_PARTIAL) c->partial++;
    else c->groups++;
    if (c->json) {
        printf("{\"kind\":\"%s\",\"members\":[", sl_dup_kind_name(g->kind));
        for (size_t i = 0; i < g->n_members; i++) {
            if (i) putchar(',');
            print_json_string(g->members[i]);
        }
        printf("],\"representative\":");
        if (g->representative) print_json_string(g->representative);
        else printf("null");
        printf(",\"similarity\":%.4f,\"evidence\":[", g->similarity);
        for (size_t i = 0; i < g->n_links; i++) {
            const sl_dup_link *l = &g->links[i];
            printf("%s{\"a\":", i ? "," : "");
            print_json_string(l->a);
            printf(",\"b\":");
            print_json_string(l->b);
            printf(",\"kind\":\"%s\",\"similarity\":%.4f,\"containment\":%.4f,\"paragraphs\":%zu,"
                   "\"words\":%zu,\"shared\":",
                   sl_dup_kind_name(l->kind), l->similarity, l->containment, l->paragraphs, l->words);
            if (l->shared) print_json_string(l->shared);
            else printf("null");
            putchar('}');
        }
        printf("]}\n");
        return 0;
    }
    if (g->kind == SL_DUP_PARTIAL) {
        const sl_dup_link *l = &g->links[0];
        printf("partial: %s shares %zu paragraph%s (%zu words, paragraphs %s) with %s; similarity %.3f\n",
               l->a, l->paragraphs, l->paragraphs == 1 ? "" : "s", l->words,
               l->shared ? l->shared : "-", l->b, l->similarity);
        return 0;
    }
    printf("%s group of %zu, representative %s, lowest similarity %.3f:\n", sl_dup_kind_name(g->kind),
           g->n_members, g->representative, g->similarity);
    for (size_t i = 0; i < g->n_links; i++)
        printf("  %s ~ %s  %s %.3f\n", g->links[i].a, g->links[i].b, sl_dup_kind_name(g->links[i].kind),
               g->links[i].similarity);
    return 0;
}

static int cmd_dups(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"kind", required_argument, 0, 'k'},
        {"threshold", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    dups_ctx dc = {0, (1 << SL_DUP_EXACT) | (1 << SL_DUP_NEAR) | (1 << SL_DUP_PARTIAL), 0, 0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': dc.json = 1; break;
        case 'k': {
            dc.kinds = 0;
            char *list = strdup(optarg), *save = NULL;
            for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
                if (strcmp(k, "exact") == 0) dc.kinds |= 1 << SL_DUP_EXACT;
                else if (strcmp(k, "near") == 0) dc.kinds |= 1 << SL_DUP_NEAR;
                else if (strcmp(k, "partial") == 0) dc.kinds |= 1 << SL_DUP_PARTIAL;
                else {
                    int rc = usage_error(usage_dups, "--kind takes exact, near and partial, not '%s'", k);
                    free(list);
                    return rc;
                }
            }
            free(list);
            break;
        }
        case 't': {
            char *end;
            dc.threshold = strtod(optarg, &end);
            if (end == optarg || *end || dc.threshold < 0 || dc.threshold > 1)
                return usage_error(usage_dups, "--threshold needs a number in [0, 1], not '%s'", optarg);
            break;
        }
        case 'h': fputs(usage_dups, stdout); return 0;
        default: fputs(usage_dups, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage_dups, "unexpected argument '%s'", argv[optind]);
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_status s = sl_dups(e, print_group, &dc);
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    else if (!dc.json && dc.groups + dc.partial == 0) printf("no duplicates\n");
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}

static int cmd_rm(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'h': fputs(usage_rm, stdout); return 0;
        default: fputs(usage_rm, stderr); return 2;
        }
    }
    if (optind == argc) return usage_error(usage_rm, "rm needs an ID");
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store", db);
        return 1;
    }
    sl_engine *e = open_engine(db, NULL);
    if (!e) return 1;
    int bad = 0;
    for (int i = optind; i < argc; i++) {
        if (sl_remove(e, argv[i]) != SL_OK) {
            warnx("%s", sl_errmsg(e));
            bad = 1;
        } else {
            printf("removed %s\n", argv[i]);
        }
    }
    sl_close(e);
    return bad;
}

static int cmd_reindex(int argc, char **argv) {
    const char *db = DEFAULT_DB;
    int json = 0;
    int rc = simple_opts(argc, argv, usage_reindex, &db, &json);
    if (rc >= 0) return rc;
    if (access(db, F_OK) != 0) {
        warnx("%s: no such store", db);
        return 1;
    }
    sl_options opt;
    sl_options_init(&opt);
    opt.rebuild_index = 1;
    sl_engine *e = open_engine(db, &opt);
    if (!e) return 1;
    sl_close(e);
    printf("reindexed %s\n", db);
    return 0;
}

/* ---- show ------------------------------------------------------------------ */

static void print_field(const char *name, const char *v) {
    printf("%-8s %s\n", name, v && *v ? v : "-");
}

/* Print t, cut at max bytes on a character boundary; with_size says how
 * long the whole was. */
static void print_excerpt(const char *t, size_t max, int with_size) {
    size_t n = strlen(t);
    if (n <= max) {
        printf("%s", t);
        return;
    }
    size_t k = max;
    while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80) k--; /* whole characters */
    printf("%.*s…", (int)k, t);
    if (with_size) printf(" (%zu bytes)", n);
}

/* Each sentence with its offsets, then its tokens. */
static int print_segments(sl_engine *e, const sl_doc *d) {
    const sl_span *sent;
    const sl_token *tok;
    size_t ns, nt, t = 0;
    if (sl_segment(e, d, &sent, &ns, &tok, &nt) != SL_OK) {
        warnx("%s", sl_errmsg(e));
        return 1;
    }
    printf("\nsegments: %zu sentences, %zu tokens\n", ns, nt);
    for (size_t i = 0; i < ns; i++) {
        printf("  [%zu, %zu) %.*s\n   ", sent[i].start, sent[i].end,
               (int)(sent[i].end - sent[i].start), d->text + sent[i].start);
        while (t < nt && tok[t].start < sent[i].start) t++; /* any outside a sentence */
        for (int first = 1; t < nt && tok[t].end <= sent[i].end; t++, first = 0)
            printf("%s%.*s", first ? " " : " | ", (int)(tok[t].end - tok[t].start), d->text + tok[t].start);
        printf("\n");
    }
    return 0;
}

static int cmd_show(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"explain", no_argument, 0, 'x'},
        {"segments", no_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = DEFAULT_DB;
    int json = 0, explain = 0, segments = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'x': explain = 1; break;
        case 's': segments = 1; break;
        case 'h': fputs(usage_show, stdout); return 0;
        default: fputs(usage_show, stderr); return 2;
        }
    }
    if (argc - optind != 1) return usage_error(usage_show, "show needs one ID");
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    const sl_doc *d;
    sl_status s = sl_get(e, argv[optind], &d);
    if (s != SL_OK) {
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        return 1;
    }
    if (json) {
        const char *j;
        if (sl_doc_json(e, d, segments ? SL_JSON_SEGMENTS : 0, &j) != SL_OK) {
            warnx("%s", sl_errmsg(e));
            sl_close(e);
            return 1;
        }
        puts(j);
        sl_close(e);
        return 0;
    }
    char hash[33];
    for (int i = 0; i < 16; i++) snprintf(hash + 2 * i, 3, "%02x", d->hash[i]);
    print_field("id", d->id);
    print_field("title", d->title);
    print_field("source", d->source);
    print_field("date", d->date);
    print_field("url", d->url);
    print_field("origin", d->origin);
    printf("%-8s %zu paragraphs, %zu sentences, %zu tokens, %zu bytes, hash %s\n", "size",
           d->n_paragraphs, d->n_sentences, d->n_tokens, d->text_len, hash);
    for (size_t i = 0; i < d->n_paragraphs; i++) {
        const sl_paragraph *p = &d->paragraphs[i];
        printf("\n%s%.*s\n", p->kind == SL_PARA_HEADING ? "## " : "", (int)(p->end - p->start),
               d->text + p->start);
    }
    if (segments && print_segments(e, d)) {
        sl_close(e);
        return 1;
    }
    if (explain) {
        printf("\ncleaning:\n");
        for (size_t i = 0; i < d->n_notes; i++) printf("  note: %s\n", d->notes[i]);
        size_t heads = 0, items = 0;
        for (size_t i = 0; i < d->n_paragraphs; i++) {
            heads += d->paragraphs[i].kind == SL_PARA_HEADING;
            items += d->paragraphs[i].kind == SL_PARA_LIST;
        }
        printf("  kept: %zu paragraph%s (%zu subheading%s, %zu list item%s)\n", d->n_paragraphs,
               d->n_paragraphs == 1 ? "" : "s", heads, heads == 1 ? "" : "s", items,
               items == 1 ? "" : "s");
        if (d->n_removed == 0) printf("  removed: nothing\n");
        for (size_t i = 0; i < d->n_removed; i++) {
            const sl_removal *m = &d->removed[i];
            printf("  removed %s", m->reason);
            if (m->detail && *m->detail) printf(" (%s)", m->detail);
            if (m->text && *m->text) {
                printf(": ");
                print_excerpt(m->text, 160, 1);
            }
            printf("\n");
        }
    }
    sl_close(e);
    return 0;
}

/* ---- list ------------------------------------------------------------------ */

typedef struct {
    sl_engine *e;
    int json;
    int failed;
} list_ctx;

static int list_one(void *ud, const sl_doc *d) {
    list_ctx *l = ud;
    if (l->json) {
        const char *j;
        if (sl_doc_json(l->e, d, SL_JSON_SUMMARY, &j) != SL_OK) {
            l->failed = 1;
            return 1;
        }
        puts(j);
    } else {
        printf("%s\t%s\t%s\t", d->id, d->date ? d->date : "-", d->source ? d->source : "-");
        print_excerpt(d->title ? d->title : "-", 100, 0);
        putchar('\n');
    }
    return 0;
}

int simple_opts(int argc, char **argv, const char *usage, const char **db, int *json) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': *db = optarg; break;
        case 'j':
            if (!json) return usage_error(usage, "this command has no --json");
            *json = 1;
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc) return usage_error(usage, "unexpected argument '%s'", argv[optind]);
    return -1;
}

static int cmd_list(int argc, char **argv) {
    const char *db = DEFAULT_DB;
    int json = 0;
    int rc = simple_opts(argc, argv, usage_list, &db, &json);
    if (rc >= 0) return rc;
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    list_ctx l = {e, json, 0};
    sl_status s = sl_list(e, list_one, &l);
    if (s != SL_OK || l.failed) warnx("%s", sl_errmsg(e));
    sl_close(e);
    return (s != SL_OK || l.failed) ? 1 : 0;
}

/* ---- stats ----------------------------------------------------------------- */

typedef struct {
    int json;
    int n;
} count_ctx;

static int print_count(void *ud, const char *key, uint64_t count) {
    count_ctx *c = ud;
    if (c->json) printf("%s\"%s\":%llu", c->n ? "," : "", key, (unsigned long long)count);
    else printf("  %-22s %llu\n", key, (unsigned long long)count);
    c->n++;
    return 0;
}

static int cmd_stats(int argc, char **argv) {
    const char *db = DEFAULT_DB;
    int json = 0;
    int rc = simple_opts(argc, argv, usage_stats, &db, &json);
    if (rc >= 0) return rc;
    sl_engine *e = open_existing(db);
    if (!e) return 1;
    sl_stats st;
    sl_status s = sl_stats_get(e, &st);
    if (s != SL_OK) {
        warnx("%s", sl_errmsg(e));
        sl_close(e);
        return 1;
    }
    count_ctx cc = {json, 0};
    if (json) {
        printf("{\"articles\":%llu,\"sources\":%llu,\"text_bytes\":%llu,\"paragraphs\":%llu,"
               "\"sentences\":%llu,\"tokens\":%llu,\"distinct_texts\":%llu,\"removed\":%llu,"
               "\"db_bytes\":%llu,\"schema_version\":%d,\"removed_by_reason\":{",
               (unsigned long long)st.articles, (unsigned long long)st.sources,
               (unsigned long long)st.text_bytes, (unsigned long long)st.paragraphs,
               (unsigned long long)st.sentences, (unsigned long long)st.tokens,
               (unsigned long long)st.distinct_texts, (unsigned long long)st.removed,
               (unsigned long long)st.db_bytes, st.schema_version);
        s = sl_removed_counts(e, print_count, &cc);
        printf("}}\n");
    } else {
        char tb[32], dbb[32];
        human((double)st.text_bytes, tb, sizeof tb);
        human((double)st.db_bytes, dbb, sizeof dbb);
        printf("articles                 %llu\n", (unsigned long long)st.articles);
        printf("sources                  %llu\n", (unsigned long long)st.sources);
        printf("clean text               %s\n", tb);
        printf("paragraphs               %llu\n", (unsigned long long)st.paragraphs);
        printf("sentences                %llu\n", (unsigned long long)st.sentences);
        printf("tokens                   %llu\n", (unsigned long long)st.tokens);
        printf("distinct texts           %llu\n", (unsigned long long)st.distinct_texts);
        printf("removed by cleaning      %llu\n", (unsigned long long)st.removed);
        s = sl_removed_counts(e, print_count, &cc);
        printf("store                    %s, %s, schema %d\n", db, dbb, st.schema_version);
    }
    if (s != SL_OK) warnx("%s", sl_errmsg(e));
    sl_close(e);
    return s == SL_OK ? 0 : 1;
}

/* ---- main ------------------------------------------------------------------ */

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *usage;
} commands[] = {
    {"ingest", cmd_ingest, usage_ingest},
    {"show", cmd_show, usage_show},
    {"list", cmd_list, usage_list},
    {"stats", cmd_stats, usage_stats},
    {"dedup", cmd_dedup, usage_dedup},
    {"dups", cmd_dups, usage_dups},
    {"check", cmd_check, usage_check},
    {"rm", cmd_rm, usage_rm},
    {"reindex", cmd_reindex, usage_reindex},
    {"stories", cmd_stories, usage_stories},
    {"story", cmd_story, usage_story},
    {"recluster", cmd_recluster, usage_recluster},
    {"tag", cmd_tag, usage_tag},
    {"entities", cmd_entities, usage_entities},
    {"entity", cmd_entity, usage_entity},
    {"attributions", cmd_attributions, usage_attributions},
    {"claims", cmd_claims, usage_claims},
    {"search", cmd_search, usage_search},
    {"report", cmd_report, usage_report},
    {"serve", cmd_serve, usage_serve},
};

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("storyline %s\n", sl_version());
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(usage_main, stdout);
            return 0;
        }
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                fputs(commands[i].usage, stdout);
                return 0;
            }
        warnx("no command '%s'", argv[2]);
        fputs(usage_main, stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(cmd, commands[i].name) == 0) {
            /* getopt names argv[0] in its messages: "storyline show: ..." */
            char name[64];
            snprintf(name, sizeof name, "storyline %s", cmd);
            argv[1] = name;
            return commands[i].run(argc - 1, argv + 1);
        }
    warnx("no command '%s'", cmd);
    fputs(usage_main, stderr);
    return 2;
}
