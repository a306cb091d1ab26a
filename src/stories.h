/*
 * stories.h - streaming clustering of articles into stories.
 *
 * Articles come in order of their date (then ingest order).  Each one is
 * weighed by TF-IDF: document frequencies counted as articles arrive, on
 * top of background frequencies from a news corpus (terms.h), so that the
 * first articles of a corpus are weighed as well as the later ones.  Its
 * words, names, numbers and, once more, the terms of its title are four
 * unit vectors.  The open stories that share its terms (an inverted index
 * over their recent members) are the candidates; the similarity to a
 * story is the average, over its last STORY_MEMBERS members, of a
 * weighted sum of the four cosines, lowered by the days since the story
 * was last updated.  The best story at or above the threshold takes the
 * article; otherwise it starts a story.  Exact and near copies join their
 * original's story without being weighed (they are not independent
 * reports).  A story closes when the stream has moved STORY_OPEN_DAYS
 * past its last update, or when more than STORY_OPEN_MAX are open (the
 * least recently updated goes): memory is bounded by the open stories,
 * not by the articles seen.
 *
 * Average link over recent members rather than a centroid: on the dev
 * corpora a centroid lets a story drift to a second event of the same
 * kind (two coaches hired and fired by one team), and the average keeps
 * them apart (BCubed on ecbplus dev 0.86 -> 0.89, make eval).
 *
 * This module knows nothing of the store: the engine feeds it articles
 * and saves what it decides (src/storyidx.c).
 */
#ifndef SL_STORIES_H
#define SL_STORIES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "terms.h"

#define STORY_MEMBERS 32     /* members a story is compared by */
#define STORY_OPEN_MAX 5000  /* open stories at most */
#define STORY_OPEN_DAYS 120  /* a story closes this long after its last update */
#define STORY_CANDIDATES 16  /* stories compared an article, most shared terms first */
#define STORY_KEYS 32        /* the article's heaviest terms find the candidates */
#define STORY_POSTINGS 256   /* stories read a term: its newest */

typedef struct story_params {
    double threshold;   /* join a story at this similarity or above */
    double w_words, w_names, w_numbers; /* weights of the cosines */
    double w_titles;    /* weight of the cosine of the titles' terms */
    double title;       /* a title word counts this many times */
    double tau, grace;  /* time: similarity / (1 + max(0, days - grace) / tau) */
    double merge;       /* two open stories this similar (average link
                           between their members) become one; 0: never */
    double background;  /* weight of the background frequencies against the
                           corpus's own (1: a background article counts as
                           one of the corpus) */
} story_params;

/* The defaults, chosen on the dev files of ../shared/data (make eval). */
void story_params_default(story_params *p);
/* "stories1 th=0.14 w=1,0.2,0.6,0.25 title=2 tau=300 grace=3 ...", stored with a
 * corpus: stories made with other settings are rebuilt, not mixed. */
const char *story_params_string(const story_params *p, char *out, size_t n);

/* Change p by "th=0.25 wn=0.3 wd=0.4 ww=1 title=2 tau=300 grace=3" (any
 * of them): how the settings are tuned on dev data (SL_STORY_PARAMS in
 * the environment; the store then needs 'storyline recluster').  0 or -1. */
int story_params_parse(story_params *p, const char *spec);

typedef struct story_state story_state;

story_state *story_new(const story_params *p);
void story_free(story_state *s);

/* Document frequencies learnt so far, as a store keeps them: 8 bytes a
 * term (key, count; little-endian).  save writes them into out; load adds
 * them.  0, or -1 (memory; a blob of the wrong size). */
int story_df_save(const story_state *s, buf *out);
int story_df_load(story_state *s, const void *blob, size_t n);
void story_docs_add(story_state *s, uint64_t docs);

/* What one article did, for the caller to save. */
typedef struct story_event {
    int64_t story;   /* the story it joined or started */
    int created;     /* 1: a new story */
    double similarity; /* to that story (0 for a new one) */
} story_event;

/* Day numbers: days since 1970-01-01, or STORY_NO_DAY. */
#define STORY_NO_DAY INT32_MIN

/*
 * Place one article (terms t[0, n), day) in a story; copy_of, when not 0,
 * is the story of the article it copies.  next_id is the id a new story
 * takes.  0, or -1 when memory runs out.
 */
int story_add(story_state *s, const term *t, size_t n, int32_t day, int64_t copy_of,
              int64_t next_id, story_event *ev);

/* Reopen a stored story with its last members (oldest first), on load. */
int story_reopen(story_state *s, int64_t id, int32_t last_day, const term *const *members,
                 const size_t *n_members, size_t k);

/* Join each story started since the last call to the open story most
 * like it, when at least p.merge alike: the older id stays (a report
 * that started a story of its own when it was one with an open story).  *out
 * (borrowed until the next call) says which went into which. */
typedef struct story_merged {
    int64_t into, from;
    double similarity;
} story_merged;
int story_merge(story_state *s, const story_merged **out, size_t *n);

/* Stories that closed since the last call (the caller marks them so):
 * *ids borrowed until the next call. */
void story_closed(story_state *s, const int64_t **ids, size_t *n);

uint64_t story_docs(const story_state *s);

/* Of k articles' terms, the one most like the others (the highest sum of
 * similarities, the first on a tie), with the current frequencies: what
 * labels a story.  -1 when memory runs out. */
long story_central(story_state *s, const term *const *t, const size_t *n, size_t k);
/* The inverse document frequency of a key now. */
double story_idf(const story_state *s, uint32_t key);

/* Parse a date ("YYYY-MM-DD", more after it ignored) to a day number, or
 * STORY_NO_DAY. */
int32_t story_day(const char *date);

#endif
