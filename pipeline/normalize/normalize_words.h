/*
 * normalize_words.h — the words the normalizer reads layout by, loaded from
 * lexicons/layout.tsv when a normalizer is made (private to normalize*.c).
 *
 * The normalizer knows the classes below (what a word tells it about the
 * layout), never the words: a conjunction of a suspended compound, a word
 * a line cannot end a sentence on, the lead-in of a list of points, the
 * word that opens a point, the words of a printed page number, and so on.
 * A class with no words is a cue the normalizer does not see.
 */
#ifndef BESLUT_NORMALIZE_WORDS_H
#define BESLUT_NORMALIZE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

enum layout_class {
	LW_CONJ,       /* "conj" */
	LW_DANGLING,   /* "dangling" */
	LW_LEAD_IN,    /* "lead_in" */
	LW_POINT,      /* "point" */
	LW_POINT_JOIN, /* "point_join" */
	LW_PAGE,       /* "page" (any case) */
	LW_PAGE_OF,    /* "page_of" (any case) */
	LW_ITEM_WORD,  /* "item_word" (any case) */
	LW_DNR,        /* "dnr" (any case) */
	LW_DECISION,   /* "decision" (capital) */
	LW_CHAPTER,    /* "chapter" */
	LW_NOT_BODY,   /* "not_body" */
	LW__COUNT
};

typedef struct wordlist {
	char **w;       /* NUL-terminated words, in file order */
	size_t *len;
	size_t n;
	size_t maxlen;  /* bytes of the longest word */
} wordlist_t;

typedef struct layout_words {
	wordlist_t c[LW__COUNT];
} layout_words_t;

/* Load lexdir/layout.tsv; 0, or -1 with *err an allocated message. */
int layout_words_load(layout_words_t *lw, const char *lexdir, char **err);
void layout_words_free(layout_words_t *lw);

/* s[0..n) is a word of the list. */
bool lw_is(const wordlist_t *l, const unsigned char *s, size_t n);
/* … with its first letter in either case ("Beslut"). */
bool lw_is_cap(const wordlist_t *l, const unsigned char *s, size_t n);
/* s[0..n) begins with a word of the list, ASCII letters in any case: its
 * length (the first such word in file order), else 0. */
size_t lw_starts_ci(const wordlist_t *l, const unsigned char *s, size_t n);
/* s[0..n) ends with a space and a word of the list. */
bool lw_ends_word(const wordlist_t *l, const unsigned char *s, size_t n);

#endif
