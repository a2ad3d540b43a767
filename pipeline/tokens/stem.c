/*
 * stem.c — Snowball stems through libstemmer; the language's
 * abbreviations; the thread's word memo (stem.h).
 *
 * Stemming every token costs ~60 ns; protocol text repeats its words, so
 * the tokenizer asks the word memo (words.c) first and stems only the
 * words it has not seen.
 */
#include "stem.h"
#include "words.h"
#include "common/limits.h"
#include "common/util.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct stemmer {
	const tok_lang_t *lang;
	struct sb_stemmer *sb;   /* NULL: no stemming */
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
	return s;
}

void stemmer_free(stemmer_t *s)
{
	if (!s)
		return;
	if (s->sb)
		sb_stemmer_delete(s->sb);
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
	*hits = *misses = 0;
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
