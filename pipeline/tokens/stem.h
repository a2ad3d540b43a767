/*
 * stem.h — the language of the tokens: Snowball stemming with a memo, and
 * the abbreviations whose period ends no sentence.
 *
 * A tok_lang_t is what the grammar declares about the language of its
 * texts (`resolve tokens { stemmer = …, abbreviations = … }`,
 * grammars/README.md): immutable, owned by the grammar, shared by every
 * thread.  A stemmer_t is one thread's use of it: the tokenizer takes it
 * for both (tokenize.h), so no table of words is global.
 *
 * A stemmer_t is used by one thread at a time (libstemmer's state is not
 * shared).  Input must be lower-case UTF-8: libstemmer leaves capitalised
 * words unchanged.  The returned stem is owned by the stemmer and valid
 * until the next call.
 *
 * The memo is the thread's word memo (words.h): keyed by a token's bytes,
 * it keeps its lower form, stem and symbols, and is emptied when full, so
 * memory stays bounded on a growing vocabulary.
 */
#ifndef BESLUT_STEM_H
#define BESLUT_STEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct stemmer stemmer_t;
typedef struct word_memo word_memo_t;

/* What a grammar knows of a word: the symbols of its lower-cased form and
 * of its stem (stem NULL: the stem is the lower-cased form) and the
 * lexicon classes of the form.  A pure function of its arguments for a
 * given ctx, so the tokenizer may remember its answers (tokenize.h). */
typedef void (*tok_annot_fn)(const void *ctx, const char *lower, size_t llen, const char *stem,
                             size_t slen, uint32_t *sym, uint32_t *stem_sym, uint64_t *classes);

typedef struct tok_lang {
	const char *stemmer;         /* Snowball algorithm name; NULL: no stemming (stem == word) */
	const char *const *abbrev;   /* lower-case words whose final period ends no sentence, sorted (strcmp) */
	size_t nabbrev;
} tok_lang_t;

/* A stemmer for lang (NULL: no stemming, no abbreviations); NULL if
 * libstemmer lacks lang->stemmer.  lang must outlive the stemmer. */
stemmer_t *stemmer_new(const tok_lang_t *lang);
void stemmer_free(stemmer_t *s);
/* Whether libstemmer has the algorithm `name`. */
int stemmer_known(const char *name);
/* Whether lower[0..n) is one of the language's abbreviations (s may be NULL). */
int stemmer_abbrev(const stemmer_t *s, const char *lower, size_t n);
/* The stem of lower[0..len), not remembered (valid until the next call). */
const char *stemmer_stem_raw(stemmer_t *s, const char *lower, size_t len, size_t *out_len);
/* Word memo statistics (for the benchmark). */
void stemmer_stats(const stemmer_t *s, size_t *hits, size_t *misses);
/* Let the tokenizer fill in the symbols of its tokens with fn (ctx: its
 * grammar); fn NULL: leave them zero.  Set once, before the first use. */
void stemmer_set_annotator(stemmer_t *s, tok_annot_fn fn, const void *ctx);
tok_annot_fn stemmer_annotator(const stemmer_t *s, const void **ctx);
/* The thread's word memo (words.h), made on first use with
 * BESLUT_STEM_CACHE_SLOTS slots. */
word_memo_t *stemmer_words(stemmer_t *s);

#endif
