/*
 * stem.c — Snowball stems through libstemmer, memoised; the language's
 * abbreviations (stem.h).
 *
 * Stemming every token costs ~60 ns; protocol text repeats its words, so a
 * memo keyed by the lower-cased word answers most calls with one hash and
 * one compare.  Entries live in an arena that is dropped with the table
 * when it fills (see stem.h).
 */
#include "stem.h"
#include "words.h"
#include "common/limits.h"
#include "common/util.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct memo_slot {  /* 24 bytes */
	const char *word;   /* arena copy, NULL = empty */
	const char *stem;   /* arena copy */
	uint16_t wlen, slen; /* tokens are at most BESLUT_MAX_TOKEN_BYTES */
	uint32_t hash;      /* low half of the word's hash */
} memo_slot_t;

struct stemmer {
	const tok_lang_t *lang;
	struct sb_stemmer *sb;   /* NULL: no stemming */
	memo_slot_t *slot;   /* BESLUT_STEM_CACHE_SLOTS entries */
	size_t used;
	arena_t arena;       /* words and stems of the memo */
	size_t hits, misses;
	word_memo_t *words;  /* the tokenizer's memo (words.h), made on first use */
	tok_annot_fn annot;  /* the grammar's symbols of a word, NULL: none */
	const void *annot_ctx;
};

stemmer_t *stemmer_new(const tok_lang_t *lang)
{
	struct sb_stemmer *sb = NULL;
	if (lang && lang->stemmer && !(sb = sb_stemmer_new(lang->stemmer, "UTF_8")))
		return NULL;
	stemmer_t *s = xcalloc(1, sizeof *s);
	s->lang = lang;
	s->sb = sb;
	s->slot = xcalloc(BESLUT_STEM_CACHE_SLOTS, sizeof *s->slot);
	return s;
}

void stemmer_free(stemmer_t *s)
{
	if (!s)
		return;
	if (s->sb)
		sb_stemmer_delete(s->sb);
	free(s->slot);
	arena_release(&s->arena);
	word_memo_free(s->words);
	free(s);
}

int stemmer_known(const char *name)
{
	struct sb_stemmer *sb = sb_stemmer_new(name, "UTF_8");
	if (sb)
		sb_stemmer_delete(sb);
	return sb != NULL;
}

int stemmer_abbrev(const stemmer_t *s, const char *lower, size_t n)
{
	if (!s || !s->lang)
		return 0;
	size_t lo = 0, hi = s->lang->nabbrev;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = s->lang->abbrev[mid];
		int d = strncmp(w, lower, n);
		if (d == 0)
			d = w[n] != '\0';
		if (d == 0)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void stemmer_stats(const stemmer_t *s, size_t *hits, size_t *misses)
{
	*hits = s->hits;
	*misses = s->misses;
	if (s->words)
		word_memo_stats(s->words, hits, misses);
}

void stemmer_set_annotator(stemmer_t *s, tok_annot_fn fn, const void *ctx)
{
	s->annot = fn;
	s->annot_ctx = ctx;
}

tok_annot_fn stemmer_annotator(const stemmer_t *s, const void **ctx)
{
	*ctx = s->annot_ctx;
	return s->annot;
}

word_memo_t *stemmer_words(stemmer_t *s)
{
	if (!s->words)
		s->words = word_memo_new(BESLUT_STEM_CACHE_SLOTS);
	return s->words;
}

const char *stemmer_stem_raw(stemmer_t *s, const char *lower, size_t len, size_t *out_len)
{
	const sb_symbol *st = s->sb ? sb_stemmer_stem(s->sb, (const sb_symbol *)lower, (int)len) : NULL;
	if (!st) {
		*out_len = len;
		return lower;
	}
	*out_len = (size_t)sb_stemmer_length(s->sb);
	return (const char *)st;
}

const char *stemmer_stem(stemmer_t *s, const char *lower, size_t len, size_t *out_len)
{
	if (!s->sb) {
		*out_len = len;
		return lower;
	}
	uint64_t h = hash_words(lower, len);
	size_t mask = BESLUT_STEM_CACHE_SLOTS - 1;
	size_t i = (size_t)h & mask;
	for (;;) {
		memo_slot_t *e = &s->slot[i];
		if (!e->word)
			break;
		if (e->hash == (uint32_t)h && e->wlen == len && memcmp(e->word, lower, len) == 0) {
			s->hits++;
			*out_len = e->slen;
			return e->stem;
		}
		i = (i + 1) & mask;
	}
	s->misses++;
	const sb_symbol *st = sb_stemmer_stem(s->sb, (const sb_symbol *)lower, (int)len);
	size_t sl = st ? (size_t)sb_stemmer_length(s->sb) : len;
	if (!st)
		st = (const sb_symbol *)lower;
	if (len > UINT16_MAX || sl > UINT16_MAX) { /* not kept (the caller copies the stem at once) */
		*out_len = sl;
		return (const char *)st;
	}
	if (s->used + 1 > BESLUT_STEM_CACHE_SLOTS / 4 * 3) {
		memset(s->slot, 0, BESLUT_STEM_CACHE_SLOTS * sizeof *s->slot);
		arena_release(&s->arena);
		s->used = 0;
		i = (size_t)h & mask;
	}
	memo_slot_t *e = &s->slot[i];
	e->word = arena_strndup(&s->arena, lower, len);
	e->stem = arena_strndup(&s->arena, (const char *)st, sl);
	e->wlen = (uint16_t)len;
	e->slen = (uint16_t)sl;
	e->hash = (uint32_t)h;
	s->used++;
	*out_len = sl;
	return e->stem;
}
