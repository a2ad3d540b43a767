/*
 * link.h — link a document's finished records to each other.
 *
 * Runs once per document after assemble has completed the records' fields
 * and before they are written.  It adds, by structure and lexicon classes
 * only (words come from grammars/link.bg's lexicons, named and given
 * meaning by the resolve settings of grammars/resolve.bg):
 *   - vote options: `proposal_ids`, the ids of the proposal records of the
 *     item the option puts (by owner name, party list, kind and rank in the
 *     label, the standing proposal, the label's object);
 *   - proposals: `outcome` (adopted / rejected / not_put, null when the
 *     text does not determine it) and `outcome_basis`, from the item's
 *     votes, decision points, reservations and the other proposals
 *     (docs/research.md lists the rules in order);
 *   - reservations: `vote_id`, the vote of the item the reservers lost;
 *   - motions: `att_sats_ids`, the decision points of their item.
 * Ids are the ones assemble writes: DOC#TYPE/N, N counting the live records
 * of the type in output order.
 */
#ifndef BESLUT_LINK_H
#define BESLUT_LINK_H

#include "common/record.h"
#include "rules/grammar.h"
#include "read/read.h"

/* rv: the document's records in output order; dead[i]: record i is not
 * written; item_of[i]: index of its agenda item (-1: none); doc: the
 * document id; g: the grammar (its lexicons; may be NULL). */
void link_document(arena_t *a, recvec_t *rv, const char *dead, const long *item_of,
                   const char *doc, const grammar_t *g);
/* The same for a stretch of a document (window.h) after which
 * before[0], [1], [2] proposals, votes and att_sats were written.  memo
 * (may be NULL) keeps the lexicon answers of the document from one stretch
 * to the next: *memo NULL at first, freed with link_memo_free(). */
struct lexmemo;
void link_document_from(arena_t *a, recvec_t *rv, const char *dead, const long *item_of,
                        const char *doc, const grammar_t *g, const size_t before[3],
                        struct lexmemo **memo);
void link_memo_free(struct lexmemo *m);

/* The document record's `organisation` canonical and its SCB code in
 * `kommunkod` (the classes of `resolve organisation`, grammars/resolve.bg);
 * an organisation no lexicon knows stays as printed, with kommunkod null. */
void link_organisation(arena_t *a, const grammar_t *g, value_t *doc);

/* Characters (Unicode code points) of src[0..off): character offsets beside
 * byte offsets.  A byte that is not part of valid UTF-8 is one character
 * (decoded as Windows-1252).  Each look-up reads at most 256 bytes. */
typedef struct char_index {
	const unsigned char *s;
	size_t n;
	uint64_t *block;   /* code points before each 256-byte block */
	unsigned char *starts; /* bit k: byte k starts a character */
	size_t nblocks;
	size_t base;       /* src is the source from byte base on (a window's), */
	uint64_t cp_base;  /* … with cp_base characters before it; 0 and 0 for a whole source */
} char_index_t;
void char_index_init(char_index_t *ci, const char *src, size_t n);
/* The index of an input's source: as above, or UTF-16 units when the
 * reader decoded the input from UTF-16. */
void char_index_for_input(char_index_t *ci, const input_t *in);
uint64_t char_index_at(const char_index_t *ci, size_t off);
void char_index_release(char_index_t *ci);

#endif
