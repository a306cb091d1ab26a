/*
 * canon.h - one key for the spellings of a name, and what the alias data
 * (data/entities.txt) says of it.
 *
 * A key is the name folded by general rules: accents and case dropped
 * (Unicode compatibility decomposition, marks stripped, case folded),
 * full stops and apostrophes dropped ("U.S." is "us"), words parted by
 * single spaces, a leading "the" dropped, a word's transliterated ending
 * -yy, -iy, -ij, -ii or -yi written -y (Zelenskyy, Zelenskiy: zelensky),
 * and a first name that the data lists as one name in two spellings
 * written the first way (Vladimir Zelensky: volodymyr zelensky, while
 * Vladimir Putin stays a Putin).  Then the data's aliases map a key to
 * its entity's (Kiev: kyiv), which also gives the entity's name and type.
 */
#ifndef SL_CANON_H
#define SL_CANON_H

#include <stddef.h>

#include "buf.h"

typedef struct canon canon;

/* Read the data text[0, n) (name is used in messages).  NULL with a
 * message naming the line in err. */
canon *canon_parse(const char *text, size_t n, const char *name, char *err, size_t errlen);
void canon_free(canon *c);

/* The key of the name s[0, n) (UTF-8) into out, NUL-terminated (out->len
 * without the NUL).  0, or -1 when memory runs out. */
int canon_key(const canon *c, const char *s, size_t n, buf *out);

/* What the data says of a key: the entity's name, and its type ("PER",
 * "ORG", "LOC", "MISC") in *type; NULL when it says nothing. */
const char *canon_entity(const canon *c, const char *key, const char **type);

/* The country a demonym's key names ("chinese": "China"), or NULL. */
const char *canon_demonym(const canon *c, const char *key);

/* The last word of a key (a surname): a pointer into key. */
const char *canon_last_word(const char *key);

#endif
