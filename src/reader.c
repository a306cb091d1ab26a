/*
 * reader.c - articles from files, directory trees and stdin.
 *
 * Memory stays flat however large the input: JSONL is read through one
 * buffer of (cap + 1 MiB), a line longer than the cap is skipped without
 * being held, and directory trees are walked lazily, one sorted directory
 * listing per level.  Every rejection names the input and the position;
 * the next call carries on with the rest.  The reader checks structure
 * (JSON, sizes); the engine checks the text itself (UTF-8, emptiness).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "jsonl.h"
#include "storyline.h"

#define READ_CHUNK ((size_t)1 << 20)
/* Room for an article's metadata beside its text on one JSON line. */
#define LINE_SLACK ((size_t)64 << 10)

typedef struct frame {
    char *dir;
    char **names;
    size_t n, i;
} frame;

struct sl_reader {
    char **paths;       /* the paths given */
    size_t n_paths, next_path;
    sl_format format;
    size_t max;         /* cap on one article */
    frame *stack;       /* directories being walked */
    size_t depth, cap_stack;
    /* the open file */
    int fd;             /* -1 when none */
    char *path;         /* its name, for messages */
    sl_format cur;      /* its format */
    uint64_t line;      /* JSONL line number */
    uint64_t file_done; /* bytes of it consumed */
    char *rbuf;         /* JSONL read buffer */
    size_t rcap, rstart, rend;
    int eof;
    buf txt;            /* a whole .txt article */
    const char *raw;    /* the bytes of the last article */
    size_t raw_len;
    sl_format raw_format;
    jsonl_parser jp;
    sl_article art;
    char id[256];
    char origin[4096 + 64];
    char err[4096 + 256];
    uint64_t done, total;
};

static sl_status rerr(sl_reader *r, sl_status s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return s;
}

SL_API const char *sl_reader_errmsg(const sl_reader *r) { return r ? r->err : "out of memory"; }

SL_API void sl_reader_raw(const sl_reader *r, const char **bytes, size_t *len, sl_format *format) {
    *bytes = r->raw;
    *len = r->raw_len;
    if (format) *format = r->raw_format;
}

SL_API void sl_reader_progress(const sl_reader *r, uint64_t *done, uint64_t *total) {
    if (done) *done = r->done;
    if (total) *total = r->total;
}

static const char *ext_of(const char *name) {
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    return dot && dot != (slash ? slash + 1 : name) ? dot + 1 : "";
}

/* The format a file name implies, or AUTO when it says nothing. */
static sl_format format_of(const char *name) {
    const char *e = ext_of(name);
    if (strcmp(e, "txt") == 0) return SL_FORMAT_TXT;
    if (strcmp(e, "jsonl") == 0 || strcmp(e, "ndjson") == 0) return SL_FORMAT_JSONL;
    return SL_FORMAT_AUTO;
}

/* Is a file found while walking a directory one to read? */
static int wanted(const sl_reader *r, const char *name) {
    sl_format f = format_of(name);
    if (f == SL_FORMAT_AUTO) return 0;
    return r->format == SL_FORMAT_AUTO || r->format == f;
}

static int by_bytes(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/') p[k++] = '/';
    memcpy(p + k, name, b + 1);
    return p;
}

/* List a directory, sorted, without hidden entries.  -1 and errno. */
static int list_dir(const char *dir, char ***names, size_t *n) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    size_t cap = 16, k = 0;
    char **v = malloc(cap * sizeof *v);
    struct dirent *de;
    while (v && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (k == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        if (!(v[k] = strdup(de->d_name))) break;
        k++;
    }
    int failed = !v || de != NULL;
    closedir(d);
    if (failed) {
        for (size_t i = 0; v && i < k; i++) free(v[i]);
        free(v);
        errno = ENOMEM;
        return -1;
    }
    qsort(v, k, sizeof *v, by_bytes);
    *names = v;
    *n = k;
    return 0;
}

static void free_frame(frame *f) {
    for (size_t i = 0; i < f->n; i++) free(f->names[i]);
    free(f->names);
    free(f->dir);
}

/* Sum the sizes of the files a walk of path would read (0 for stdin). */
static uint64_t size_of(const sl_reader *r, const char *path, int top) {
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0) return 0;
    if (S_ISREG(st.st_mode)) return (top || wanted(r, path)) ? (uint64_t)st.st_size : 0;
    if (!S_ISDIR(st.st_mode)) return 0;
    char **names;
    size_t n;
    if (list_dir(path, &names, &n)) return 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = join(path, names[i]);
        struct stat ls;
        if (p && lstat(p, &ls) == 0 && !S_ISLNK(ls.st_mode)) sum += size_of(r, p, 0);
        else if (p && S_ISLNK(ls.st_mode) && stat(p, &ls) == 0 && S_ISREG(ls.st_mode) && wanted(r, p))
            sum += (uint64_t)ls.st_size;
        free(p);
        free(names[i]);
    }
    free(names);
    return sum;
}

SL_API sl_status sl_reader_open(const char *const *paths, size_t n, sl_format format,
                                size_t max_article_bytes, sl_reader **out) {
    *out = NULL;
    if ((n && !paths) || format > SL_FORMAT_JSONL) return SL_EINVAL;
    sl_reader *r = calloc(1, sizeof *r);
    if (!r) return SL_ENOMEM;
    r->fd = -1;
    r->format = format;
    r->max = max_article_bytes ? max_article_bytes : ((size_t)4 << 20);
    r->paths = calloc(n ? n : 1, sizeof *r->paths);
    if (!r->paths) goto nomem;
    r->n_paths = n;
    for (size_t i = 0; i < n; i++)
        if (!(r->paths[i] = strdup(paths[i]))) goto nomem;
    r->rcap = r->max + LINE_SLACK + READ_CHUNK;
    r->txt.max = r->max + 3; /* a BOM does not count against the cap */
    r->jp.out.max = r->max + LINE_SLACK;
    r->jp.extra.max = LINE_SLACK + r->max;
    int unknown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(paths[i], "-") == 0) unknown = 1;
        r->total += size_of(r, paths[i], 1);
    }
    if (unknown) r->total = 0;
    *out = r;
    return SL_OK;
nomem:
    sl_reader_close(r);
    return SL_ENOMEM;
}

static void close_file(sl_reader *r) {
    if (r->fd > 0) close(r->fd);
    r->fd = -1;
    free(r->path);
    r->path = NULL;
    r->rstart = r->rend = 0;
    r->eof = 0;
    r->line = 0;
    r->file_done = 0;
}

SL_API void sl_reader_close(sl_reader *r) {
    if (!r) return;
    close_file(r);
    for (size_t i = 0; i < r->n_paths; i++) free(r->paths[i]);
    free(r->paths);
    while (r->depth) free_frame(&r->stack[--r->depth]);
    free(r->stack);
    free(r->rbuf);
    buf_free(&r->txt);
    jsonl_free(&r->jp);
    free(r);
}

/* Open a file to read next; takes ownership of path. */
static sl_status open_file(sl_reader *r, char *path) {
    r->path = path;
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            sl_status s = rerr(r, SL_EIO, "%s: cannot open: %s", path, strerror(errno));
            close_file(r);
            return s;
        }
    }
    r->cur = r->format != SL_FORMAT_AUTO ? r->format : format_of(path);
    return SL_OK;
}

static sl_status push_dir(sl_reader *r, char *dir) {
    char **names;
    size_t n;
    if (list_dir(dir, &names, &n)) {
        sl_status s = rerr(r, SL_EIO, "%s: cannot read directory: %s", dir, strerror(errno));
        free(dir);
        return s;
    }
    if (r->depth == r->cap_stack) {
        size_t nc = r->cap_stack ? r->cap_stack * 2 : 8;
        frame *ns = realloc(r->stack, nc * sizeof *ns);
        if (!ns) {
            frame f = {dir, names, n, 0};
            free_frame(&f);
            return rerr(r, SL_ENOMEM, "out of memory");
        }
        r->stack = ns;
        r->cap_stack = nc;
    }
    r->stack[r->depth++] = (frame){dir, names, n, 0};
    return SL_OK;
}

/* Move to the next file.  SL_OK with a file open, SL_DONE, or an error
 * about one path (the walk goes on at the next call). */
static sl_status next_file(sl_reader *r) {
    for (;;) {
        if (r->depth) {
            frame *f = &r->stack[r->depth - 1];
            if (f->i == f->n) {
                free_frame(f);
                r->depth--;
                continue;
            }
            char *p = join(f->dir, f->names[f->i++]);
            if (!p) return rerr(r, SL_ENOMEM, "out of memory");
            struct stat ls, st;
            if (lstat(p, &ls) != 0) {
                sl_status s = rerr(r, SL_EIO, "%s: %s", p, strerror(errno));
                free(p);
                return s;
            }
            if (S_ISDIR(ls.st_mode)) {
                sl_status s = push_dir(r, p);
                if (s != SL_OK) return s;
                continue;
            }
            /* Symlinks to files are followed, to directories not (no cycles). */
            if ((S_ISREG(ls.st_mode) || (S_ISLNK(ls.st_mode) && stat(p, &st) == 0 &&
                                         S_ISREG(st.st_mode))) &&
                wanted(r, p))
                return open_file(r, p);
            free(p);
            continue;
        }
        if (r->next_path == r->n_paths) return SL_DONE;
        const char *given = r->paths[r->next_path++];
        char *p = strdup(given);
        if (!p) return rerr(r, SL_ENOMEM, "out of memory");
        if (strcmp(p, "-") == 0) return open_file(r, p);
        struct stat st;
        if (stat(p, &st) != 0) {
            sl_status s = rerr(r, SL_EIO, "%s: %s", p, strerror(errno));
            free(p);
            return s;
        }
        if (S_ISDIR(st.st_mode)) {
            sl_status s = push_dir(r, p);
            if (s != SL_OK) return s;
            continue;
        }
        return open_file(r, p);
    }
}

/* Read more bytes into the JSONL buffer.  0, or -1 with errno. */
static int fill(sl_reader *r) {
    if (r->rstart > 0 && (r->rstart == r->rend || r->rend + READ_CHUNK > r->rcap)) {
        memmove(r->rbuf, r->rbuf + r->rstart, r->rend - r->rstart);
        r->rend -= r->rstart;
        r->rstart = 0;
    }
    size_t room = r->rcap - r->rend;
    if (room > READ_CHUNK) room = READ_CHUNK;
    ssize_t k;
    do k = read(r->fd, r->rbuf + r->rend, room);
    while (k < 0 && errno == EINTR);
    if (k < 0) return -1;
    if (k == 0) r->eof = 1;
    r->rend += (size_t)k;
    return 0;
}

static void consumed(sl_reader *r, size_t n) {
    r->file_done += n;
    r->done += n;
}

/* The first non-blank byte of the stream decides its format (AUTO only). */
static sl_status sniff(sl_reader *r) {
    for (;;) {
        for (size_t i = r->rstart; i < r->rend; i++) {
            unsigned char c = (unsigned char)r->rbuf[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            if (c == 0xEF && i + 2 < r->rend && (unsigned char)r->rbuf[i + 1] == 0xBB) {
                i += 2;
                continue;
            }
            r->cur = c == '{' ? SL_FORMAT_JSONL : SL_FORMAT_TXT;
            return SL_OK;
        }
        if (r->eof || r->rend - r->rstart > 4096) {
            r->cur = SL_FORMAT_TXT;
            return SL_OK;
        }
        if (fill(r)) return rerr(r, SL_EIO, "%s: read error: %s", r->path, strerror(errno));
    }
}

/* The whole file as one article; bytes already in rbuf come first. */
static sl_status read_txt(sl_reader *r) {
    buf_reset(&r->txt);
    struct stat st;
    if (r->fd > 0 && fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size > r->max + 3) {
        consumed(r, (size_t)st.st_size);
        return rerr(r, SL_ETOOBIG, "%s: %lld bytes, over the cap of %zu (--max-article-bytes)",
                    r->path, (long long)st.st_size, r->max);
    }
    int toobig = 0;
    size_t total = r->rend - r->rstart;
    if (total && buf_put(&r->txt, r->rbuf + r->rstart, total)) toobig = 1;
    r->rstart = r->rend = 0;
    char chunk[65536];
    for (;;) {
        ssize_t k = read(r->fd, chunk, sizeof chunk);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return rerr(r, SL_EIO, "%s: read error: %s", r->path, strerror(errno));
        if (k == 0) break;
        total += (size_t)k;
        if (!toobig && buf_put(&r->txt, chunk, (size_t)k)) toobig = 1;
    }
    consumed(r, total);
    if (toobig)
        return rerr(r, SL_ETOOBIG, "%s: %zu bytes, over the cap of %zu (--max-article-bytes)",
                    r->path, total, r->max);
    if (total == 0) return rerr(r, SL_EEMPTY, "%s: empty file", r->path);
    /* The stem is the id. */
    const char *base = strrchr(r->path, '/');
    base = base ? base + 1 : r->path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) n = (size_t)(dot - base);
    if (n >= sizeof r->id) n = sizeof r->id - 1;
    memcpy(r->id, base, n);
    r->id[n] = '\0';
    int from_stdin = strcmp(r->path, "-") == 0;
    snprintf(r->origin, sizeof r->origin, "%s", from_stdin ? "<stdin>" : r->path);
    memset(&r->art, 0, sizeof r->art);
    r->art.id = from_stdin ? NULL : r->id;
    r->art.text = r->txt.p;
    r->art.text_len = r->txt.len;
    r->art.origin = r->origin;
    r->raw = r->txt.p;
    r->raw_len = r->txt.len;
    r->raw_format = SL_FORMAT_TXT;
    return SL_OK;
}

/* The next JSON line as an article.  SL_DONE at the end of the file. */
static sl_status read_jsonl(sl_reader *r) {
    const char *name = strcmp(r->path, "-") == 0 ? "<stdin>" : r->path;
    size_t cap = r->max + LINE_SLACK;
    for (;;) {
        char *nl = memchr(r->rbuf + r->rstart, '\n', r->rend - r->rstart);
        if (!nl && !r->eof && r->rend - r->rstart <= cap) {
            if (fill(r)) return rerr(r, SL_EIO, "%s: read error: %s", name, strerror(errno));
            continue;
        }
        if ((!nl && r->rend - r->rstart > cap) || (nl && (size_t)(nl - r->rbuf) - r->rstart > cap)) {
            /* Too long: skip to the end of the line without keeping it. */
            r->line++;
            uint64_t line = r->line, skipped = 0;
            for (;;) {
                nl = memchr(r->rbuf + r->rstart, '\n', r->rend - r->rstart);
                size_t upto = nl ? (size_t)(nl - r->rbuf) + 1 : r->rend;
                skipped += upto - r->rstart;
                consumed(r, upto - r->rstart);
                r->rstart = upto;
                if (nl || r->eof) break;
                if (fill(r)) return rerr(r, SL_EIO, "%s: read error: %s", name, strerror(errno));
            }
            return rerr(r, SL_ETOOBIG,
                        "%s:%llu: line of %llu bytes is too long (--max-article-bytes %zu, plus %zu for the other fields)",
                        name, (unsigned long long)line, (unsigned long long)skipped, r->max, LINE_SLACK);
        }
        if (!nl && r->rstart == r->rend) return SL_DONE;
        /* A line: up to nl, or the rest of the file. */
        size_t end = nl ? (size_t)(nl - r->rbuf) : r->rend;
        const char *line = r->rbuf + r->rstart;
        size_t len = end - r->rstart;
        r->line++;
        consumed(r, len + (nl ? 1 : 0));
        r->rstart = end + (nl ? 1 : 0);
        size_t i = 0;
        if (r->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) i = 3;
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
        if (i == len) continue; /* blank lines separate nothing; skip them */
        /* UTF-8 is checked by the engine, field by field, which names the
         * field and the offset in it; checking the whole line here too
         * cost a second pass over every byte. */
        jsonl_record rec;
        int rc = jsonl_parse(&r->jp, line + (i >= 3 && line[0] == '\xEF' ? 3 : 0),
                             len - (i >= 3 && line[0] == '\xEF' ? 3 : 0), &rec);
        if (rc == -2) return rerr(r, SL_ENOMEM, "%s:%llu: out of memory", name, (unsigned long long)r->line);
        if (rc < 0)
            return rerr(r, SL_EJSON, "%s:%llu: byte %zu: %s", name, (unsigned long long)r->line,
                        r->jp.err_off, r->jp.err);
        snprintf(r->origin, sizeof r->origin, "%s:%llu", name, (unsigned long long)r->line);
        if (!rec.val[JSONL_TEXT])
            return rerr(r, SL_EEMPTY, "%s: no \"text\" field", r->origin);
        memset(&r->art, 0, sizeof r->art);
        r->art.id = rec.val[JSONL_ID];
        r->art.source = rec.val[JSONL_SOURCE];
        r->art.url = rec.val[JSONL_URL];
        r->art.date = rec.val[JSONL_DATE];
        r->art.title = rec.val[JSONL_TITLE];
        r->art.text = rec.val[JSONL_TEXT];
        r->art.text_len = rec.len[JSONL_TEXT];
        r->art.extra = rec.extra;
        r->art.origin = r->origin;
        r->raw = line;
        r->raw_len = len;
        r->raw_format = SL_FORMAT_JSONL;
        /* A NUL inside a metadata field would cut it short: refuse it. */
        for (int f = 0; f < JSONL_NFIELDS; f++)
            if (f != JSONL_TEXT && rec.val[f] && strlen(rec.val[f]) != rec.len[f])
                return rerr(r, SL_EUTF8, "%s: NUL character (\\u0000) in field \"%s\"", r->origin,
                            (const char *[]){"id", "source", "url", "date", "title", "text"}[f]);
        return SL_OK;
    }
}

SL_API sl_status sl_reader_next(sl_reader *r, const sl_article **out) {
    for (;;) {
        if (r->fd < 0) {
            sl_status s = next_file(r);
            if (s != SL_OK) return s;
        }
        if (r->cur == SL_FORMAT_AUTO || r->cur == SL_FORMAT_JSONL) {
            if (!r->rbuf && !(r->rbuf = malloc(r->rcap))) return rerr(r, SL_ENOMEM, "out of memory");
        }
        if (r->cur == SL_FORMAT_AUTO) {
            sl_status s = sniff(r);
            if (s != SL_OK) {
                close_file(r);
                return s;
            }
        }
        sl_status s;
        if (r->cur == SL_FORMAT_TXT) {
            s = read_txt(r);
            close_file(r);
        } else {
            s = read_jsonl(r);
            if (s == SL_DONE) {
                close_file(r);
                continue;
            }
            if (s == SL_EIO) close_file(r);
        }
        if (s == SL_OK) *out = &r->art;
        return s;
    }
}
