/*
 * stem.h — Snowball Swedish stemming with a memo.
 *
 * A stemmer_t is used by one thread at a time (libstemmer's state is not
 * shared).  Input must be lower-case UTF-8: libstemmer leaves capitalised
 * words unchanged.  The returned stem is owned by the stemmer and valid
 * until the next call.
 *
 * The memo is an open-addressing table of BESLUT_STEM_CACHE_SLOTS entries
 * keyed by the word; when it is three quarters full it is emptied and
 * refilled, so memory stays bounded on a growing vocabulary.
 */
#ifndef BESLUT_STEM_H
#define BESLUT_STEM_H

#include <stddef.h>

typedef struct stemmer stemmer_t;

stemmer_t *stemmer_new(void);   /* NULL if libstemmer lacks Swedish */
void stemmer_free(stemmer_t *s);
const char *stemmer_stem(stemmer_t *s, const char *lower, size_t len, size_t *out_len);
/* Memo statistics (for the benchmark). */
void stemmer_stats(const stemmer_t *s, size_t *hits, size_t *misses);

#endif
