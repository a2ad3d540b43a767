/*
 * assemble_values.c — small comparisons of field values that the record
 * stage's steps share (assemble_int.h): non-empty strings, flags, words,
 * the records' type numbers.
 */
#include "assemble_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const value_t *str_or_null(const value_t *v)
{
	return v && v->k == V_STR && v->u.s.n ? v : NULL;
}

int flag_set(const value_t *f, const char *key)
{
	const value_t *x = v_get(f, key);
	return x && x->k == V_BOOL && x->u.b;
}

int same_str_ci(const value_t *x, const value_t *y)
{
	return x && y && x->k == V_STR && y->k == V_STR && x->u.s.n && x->u.s.n == y->u.s.n &&
	       strncasecmp(x->u.s.s, y->u.s.s, x->u.s.n) == 0;
}

int same_int(const value_t *x, const value_t *y)
{
	return x && y && x->k == V_INT && y->k == V_INT && x->u.i == y->u.i;
}

static int word_byte(char c)
{
	return (unsigned char)c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

/* Lower-cased words of s (letters and digits), for label comparison. */
size_t words_of(const char *s, size_t n, char words[][48], size_t max)
{
	size_t k = 0, i = 0;
	while (i < n && k < max) {
		while (i < n && !word_byte(s[i]))
			i++;
		size_t j = 0;
		while (i < n && word_byte(s[i])) {
			if (j < 47)
				words[k][j++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
			i++;
		}
		if (j) {
			words[k][j] = '\0';
			k++;
		}
	}
	return k;
}

/* Every word of x is a word of y (x has at least one word). */
int words_within(const value_t *x, const value_t *y)
{
	if (!x || !y || x->k != V_STR || y->k != V_STR)
		return 0;
	char xw[16][48], yw[32][48];
	size_t nx = words_of(x->u.s.s, x->u.s.n, xw, 16), ny = words_of(y->u.s.s, y->u.s.n, yw, 32);
	if (!nx)
		return 0;
	for (size_t i = 0; i < nx; i++) {
		size_t j = 0;
		while (j < ny && strcmp(xw[i], yw[j]) != 0)
			j++;
		if (j == ny)
			return 0;
	}
	return 1;
}

int named_actor(const value_t *x)
{
	return x && x->k == V_OBJ && str_or_null(v_get(x, "name"));
}

static const char *const RT_NAMES[RT_OTHER] = {"document", "item", "att_sats", "proposal", "vote"};


/* tid[i] = type number of record i; returns the number of type numbers. */
size_t type_ids(const recvec_t *rv, int *tid)
{
	const char **other = NULL;
	size_t nother = 0, cap = 0;
	/* the type strings seen, by pointer (a rule's records share its
	 * action's string): most records need no string comparison */
	enum { SEEN = 512 };
	const char *seen_p[SEEN] = {NULL};
	int seen_id[SEEN];
	size_t nseen = 0;
	for (size_t i = 0; i < rv->n; i++) {
		const char *t = rv->v[i].type;
		int id = -1;
		size_t h = ((uintptr_t)t >> 3) * 0x9E3779B97F4A7C15ull >> 55; /* 9 bits */
		while (seen_p[h] && seen_p[h] != t)
			h = (h + 1) & (SEEN - 1);
		if (seen_p[h]) {
			tid[i] = seen_id[h];
			continue;
		}
		for (int k = 0; k < RT_OTHER && id < 0; k++)
			if (strcmp(t, RT_NAMES[k]) == 0)
				id = k;
		for (size_t k = 0; k < nother && id < 0; k++)
			if (other[k] == t || strcmp(other[k], t) == 0)
				id = RT_OTHER + (int)k;
		if (id < 0) {
			GROW(other, cap, nother + 1);
			other[nother] = t;
			id = RT_OTHER + (int)nother++;
		}
		if (nseen < SEEN / 2) { /* h is t's free slot */
			seen_p[h] = t;
			seen_id[h] = id;
			nseen++;
		}
		tid[i] = id;
	}
	free(other);
	return RT_OTHER + nother;
}
