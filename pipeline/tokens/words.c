/*
 * words.c — the tokenizer's word memo (words.h).
 */
#include "words.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct word_memo {
	uint64_t *slot;     /* 0 = empty; else (hash >> 32) << 32 | (offset / 8 + 1) */
	size_t nslots, used;
	char *ent;          /* entries, 8-byte aligned */
	size_t len, cap;    /* bytes used / allocated in ent */
	size_t budget;      /* most bytes ent may hold */
	size_t hits, misses;
};

word_memo_t *word_memo_new(size_t slots)
{
	word_memo_t *m = xcalloc(1, sizeof *m);
	m->nslots = slots < 16 ? 16 : slots;
	m->slot = xcalloc(m->nslots, sizeof *m->slot);
	m->budget = m->nslots * 64;
	return m;
}

void word_memo_free(word_memo_t *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m->ent);
	free(m);
}

void word_memo_stats(const word_memo_t *m, size_t *hits, size_t *misses)
{
	*hits += m->hits;
	*misses += m->misses;
}

const word_entry_t *word_memo_find(word_memo_t *m, const char *key, size_t n, uint64_t h)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	uint64_t tag = h >> 32;
	for (;;) {
		uint64_t s = m->slot[i];
		if (!s)
			break;
		if (s >> 32 == tag) {
			const word_entry_t *e = (const word_entry_t *)(m->ent + ((s & 0xFFFFFFFFu) - 1) * 8);
			if (e->klen == n && memcmp(e + 1, key, n) == 0) {
				m->hits++;
				return e;
			}
		}
		i = (i + 1) & mask;
	}
	m->misses++;
	return NULL;
}

void word_memo_prefetch(const word_memo_t *m, uint64_t h, int entry)
{
	const uint64_t *sl = &m->slot[(size_t)h & (m->nslots - 1)];
	if (!entry) {
		__builtin_prefetch(sl);
		return;
	}
	uint64_t s = *sl;
	if (s && s >> 32 == h >> 32)
		__builtin_prefetch(m->ent + ((s & 0xFFFFFFFFu) - 1) * 8);
}

const word_entry_t *word_memo_put(word_memo_t *m, const char *key, size_t n, uint64_t h,
                                  const word_entry_t *e, const char *lower, const char *stem)
{
	int key_lower = n == e->llen && memcmp(key, lower, n) == 0;
	size_t need = sizeof *e + (key_lower ? 0 : n) + (size_t)e->llen + 1 + (e->stem_same ? 0 : (size_t)e->slen + 1);
	need = (need + 7) & ~(size_t)7;
	if (m->used + 1 > m->nslots / 4 * 3 || m->len + need > m->budget) {
		memset(m->slot, 0, m->nslots * sizeof *m->slot);
		m->used = 0;
		m->len = 0;
	}
	if (m->len + need > m->cap) {
		size_t c = m->cap ? m->cap : 64 * 1024;
		while (c < m->len + need)
			c *= 2;
		m->ent = xrealloc(m->ent, c);
		m->cap = c;
	}
	size_t off = m->len;
	word_entry_t *x = (word_entry_t *)(m->ent + off);
	*x = *e;
	x->klen = (uint8_t)n;
	x->key_lower = (uint8_t)key_lower;
	char *p = (char *)(x + 1);
	if (!key_lower) {
		memcpy(p, key, n);
		p += n;
	}
	memcpy(p, lower, e->llen);
	p[e->llen] = '\0';
	if (!e->stem_same) {
		p += e->llen + 1;
		memcpy(p, stem, e->slen);
		p[e->slen] = '\0';
	}
	m->len += need;
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	while (m->slot[i])
		i = (i + 1) & mask;
	m->slot[i] = (h >> 32) << 32 | (uint64_t)(off / 8 + 1);
	m->used++;
	return x;
}
