/*
 * random_text.h — texts made of random pieces for the unit tests that
 * compare a fast function with a plain reference on many inputs.
 */
#ifndef BESLUT_TEST_RANDOM_TEXT_H
#define BESLUT_TEST_RANDOM_TEXT_H

#include <stddef.h>
#include <string.h>

/* The next value of a small linear congruential generator. */
static inline unsigned rt_next(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed;
}

/* Pieces drawn with seed appended to buf until it holds at least want
 * bytes (buf must hold want plus the longest piece); returns the length. */
static inline size_t random_text(char *buf, size_t want, const char *const *piece, size_t npiece,
                                 unsigned *seed)
{
	size_t n = 0;
	while (n < want) {
		const char *p = piece[(rt_next(seed) >> 16) % npiece];
		size_t l = strlen(p);
		memcpy(buf + n, p, l);
		n += l;
	}
	return n;
}

#endif
