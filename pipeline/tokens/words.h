/*
 * words.h — the tokenizer's per-thread memo of words: one probe per token
 * gives everything the tokenizer derives from the token's bytes alone —
 * the lower-cased form, the stem, the case flags and, when the stemmer
 * has an annotator (stem.h), the grammar's symbols and lexicon classes.
 *
 * The key is the token's surface bytes (at most WORD_MEMO_MAX_KEY; longer
 * tokens are not remembered).  The table has a fixed number of slots
 * (open addressing, 8 bytes a slot: a tag of the hash and the entry's
 * offset); entries live in one buffer.  When three quarters of the slots
 * or the buffer's byte budget are used, everything is dropped and refilled,
 * so memory stays bounded on a growing vocabulary.  Not thread-safe: one
 * memo per thread (it belongs to the thread's stemmer_t).
 */
#ifndef BESLUT_WORDS_H
#define BESLUT_WORDS_H

#include <stddef.h>
#include <stdint.h>

#define WORD_MEMO_MAX_KEY 64

typedef struct word_memo word_memo_t;

typedef struct word_entry {
	uint64_t classes;     /* lexicon classes of the lower-cased form */
	uint32_t sym, stem_sym;
	uint8_t flags;        /* TF_CAP | TF_UPPER (tokenize.h; both below 256) */
	uint8_t klen;         /* bytes of the key (surface form, <= WORD_MEMO_MAX_KEY) */
	uint16_t llen;        /* bytes of the lower-cased form */
	uint16_t slen;        /* bytes of the stem */
	uint8_t stem_same;    /* the stem is the lower-cased form (slen == llen, no copy) */
	uint8_t key_lower;    /* the key is the lower-cased form (not stored twice) */
	/* then key[klen] unless key_lower, lower[llen] '\0', and unless
	 * stem_same stem[slen] '\0': the entry's first klen bytes are the key */
} word_entry_t;

static inline const char *word_lower(const word_entry_t *e)
{
	return (const char *)(e + 1) + (e->key_lower ? 0 : e->klen);
}

/* Bytes from word_lower(e) to copy: "lower\0" or "lower\0stem\0". */
static inline size_t word_forms_len(const word_entry_t *e)
{
	return (size_t)e->llen + 1 + (e->stem_same ? 0 : (size_t)e->slen + 1);
}

word_memo_t *word_memo_new(size_t slots); /* slots: a power of two */
void word_memo_free(word_memo_t *m);
/* Adds the memo's hits and misses to *hits and *misses. */
void word_memo_stats(const word_memo_t *m, size_t *hits, size_t *misses);
/* The entry of key[0..n) (n <= WORD_MEMO_MAX_KEY), h = hash_words(key, n);
 * NULL if there is none (counted as a miss).  Valid until the next put. */
const word_entry_t *word_memo_find(word_memo_t *m, const char *key, size_t n, uint64_t h);
/* A hint: fetch the slot of hash h into the cache (entry 0), or the entry
 * its first slot names (entry 1), for a lookup a few tokens later. */
void word_memo_prefetch(const word_memo_t *m, uint64_t h, int entry);
/* Remember e (its fields; klen = n) with its key, lower-cased form and
 * stem (stem ignored when e->stem_same); returns the stored entry. */
const word_entry_t *word_memo_put(word_memo_t *m, const char *key, size_t n, uint64_t h,
                                  const word_entry_t *e, const char *lower, const char *stem);

#endif
