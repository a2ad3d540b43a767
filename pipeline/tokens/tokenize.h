/*
 * tokenize.h — split normalized text into tokens and stem the words.
 *
 * A token is a run of letters/digits (a word or a number; inner hyphens and
 * apostrophes stay inside: "Covid-19", "1354-2020", "EU-programmet",
 * "2020-10-14"), a "§", or one punctuation character.  Whitespace is not a
 * token; line and paragraph structure is kept as flags on the tokens next to
 * it.  Sentence boundaries are flagged too (". " before an upper-case letter
 * or a line/paragraph end, except after a number in "§ 4." or after a word
 * that the stemmer's language lists as an abbreviation, such as the "a" of
 * "bl.a."; stem.h).
 *
 * Tokens hold offsets, never pointers: `off/len` into the normalized text,
 * `lower/stem` into the token list's string pool.  All strings in the pool
 * are NUL-terminated.
 *
 * The fields sym, stem_sym and classes are filled by the grammar
 * (grammar_annotate) from its own immutable tables — or here already, when
 * the stemmer carries the grammar's annotator (stemmer_set_annotator); then
 * tokens_t.annot names that grammar and grammar_annotate has nothing to do.
 * The forms of a token (lower, stem, case flags, symbols) depend on its
 * bytes alone and come from the stemmer's word memo (words.h), so a
 * repeated word costs one hash probe and one copy.
 */
#ifndef BESLUT_TOKENIZE_H
#define BESLUT_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>
#include "common/util.h"
#include "read/omap.h"
#include "stem.h"

typedef enum tok_kind {
	TK_WORD = 1,   /* letters, maybe with digits/inner hyphens; starts with a letter */
	TK_NUM,        /* starts with a digit: "160", "2020-10-14", "1354-2020", "2,5" */
	TK_SECT,       /* § */
	TK_PUNCT,      /* any other single non-space character */
} tok_kind_t;

enum tok_flags {
	TF_LINE_START = 1u << 0,  /* first token of a line */
	TF_LINE_END   = 1u << 1,  /* last token of a line */
	TF_PARA_START = 1u << 2,  /* first token of a paragraph (after a blank line) */
	TF_PARA_END   = 1u << 3,  /* last token of a paragraph */
	TF_SENT_START = 1u << 4,  /* first token of a sentence */
	TF_SENT_END   = 1u << 5,  /* last token of a sentence (usually "." "?" "!" ":" at line end) */
	TF_CAP        = 1u << 6,  /* word starting with an upper-case letter */
	TF_UPPER      = 1u << 7,  /* word of two or more letters, all upper case */
	TF_HEADING    = 1u << 8,  /* on a heading line: a short line of its own, no sentence end */
	TF_SPACE_BEFORE = 1u << 9 /* whitespace precedes the token */
};

typedef struct token {
	uint32_t off;             /* bytes in the normalized text … */
	uint16_t len;             /* … (at most BESLUT_MAX_TOKEN_BYTES) */
	uint16_t lower_len;       /* bytes of the lower-cased form */
	uint32_t lower;           /* offset in pool: lower-cased surface form, NUL-terminated;
	                           * the Snowball stem follows it unless stem_same (tok_stem) */
	uint8_t kind;             /* tok_kind_t */
	uint8_t stem_same;        /* the stem is lower itself (not a word, or no stemmer) */
	uint16_t col;             /* display column of the token's middle on its printed
	                           * source line, TOK_COL_NONE unknown (tokens_columns) */
	uint32_t flags;           /* tok_flags */
	uint32_t line;            /* 1-based line in the normalized text */
	uint32_t sym;             /* grammar symbol of lower, 0 = none (grammar_annotate) */
	uint32_t stem_sym;        /* grammar symbol of stem, 0 = none (grammar_annotate) */
	uint64_t classes;         /* lexicon class bits (grammar_annotate) */
} token_t;

#define TOK_COL_NONE UINT16_MAX

typedef struct tokens {
	token_t *v;   /* tokens in text order */
	size_t n, cap;
	buf_t pool;   /* lower-cased forms and stems, NUL-terminated */
	const void *annot; /* ctx of the annotator that filled sym, stem_sym and
	                    * classes (stem.h), NULL: they are zero */
} tokens_t;

#define TOKENS_INIT {NULL, 0, 0, BUF_INIT, NULL}

/* Tokenize text[0..len) into t (which is reset first).  st gives the
 * stems and the abbreviations (stem.h); it may be NULL (no stemming: stem
 * == lower; no abbreviations). */
void tokenize(const char *text, size_t len, stemmer_t *st, tokens_t *t);
/* Tokenize text[start..end) only (offsets stay absolute); start must be at a
 * paragraph start and first_line its line number.  Used to process a very
 * large document in windows. */
void tokenize_range(const char *text, size_t start, size_t end, uint32_t first_line,
                    stemmer_t *st, tokens_t *t);
void tokens_release(tokens_t *t);
/* Set the col of tokens [from, n) from the text before normalization:
 * orig[0..origlen) with omap from text to it (omap NULL: orig is text
 * itself).  The column is that of the token's middle on its printed line,
 * tabs to the next multiple of 8, one column per character, as a reader
 * of a table sees it; tokens mapped past orig keep TOK_COL_NONE.  One pass,
 * linear in the tokens and the source they cover. */
void tokens_columns(tokens_t *t, size_t from, const char *text, const char *orig, size_t origlen,
                    const omap_t *omap);

static inline const char *tok_lower(const tokens_t *t, const token_t *k) { return t->pool.data + k->lower; }
static inline const char *tok_stem(const tokens_t *t, const token_t *k)
{
	return t->pool.data + k->lower + (k->stem_same ? 0u : k->lower_len + 1u);
}
const char *tok_kind_name(tok_kind_t k);

#endif
