/*
 * assemble.h — turn the grammar's raw records into finished output records.
 *
 * The grammar says what the text states; assemble adds what follows from
 * the document as a whole, generically (no extraction rules live here):
 *   - the envelope of records.md: type, schema, doc, id, item, page, span
 *     (byte offsets in the source, through both offset maps);
 *   - the agenda item of every record (the last `item` record that starts
 *     at or before it: its § number, or "kN" for the N-th unnumbered item);
 *   - merges: a `merge` record adds its non-null fields to the record of its
 *     type in the same item (item, document, or the nearest record of that
 *     type in the item);
 *   - actors: a name printed in the genitive ("Glenn Berggårds förslag") is
 *     brought to its base form using the names seen in the document; a
 *     named actor without party gets the party printed with the same name
 *     in the same item, else elsewhere in the document;
 *   - defaults: every field of the type is present (null, or false for the
 *     boolean flags);
 *   - counted votes: counts are derived from a voting list when not
 *     printed, and a list that disagrees with printed counts is a document
 *     warning;
 *   - the `document` record: source, bytes, sha256, status, kind, body,
 *     organisation, date, pages, stats, warnings; when the text states no
 *     meeting date or body, the document's name may ("gbg-ks-2024-10-16":
 *     an ISO date; a word of lexicon class `docname`), with a warning.
 * Output order: the document record, then records by position in the text.
 * Ids are DOC#TYPE/N, N counting records of that type in output order, so
 * the same input always gives the same ids.
 */
#ifndef BESLUT_ASSEMBLE_H
#define BESLUT_ASSEMBLE_H

#include "read/read.h"
#include "normalize/normalize.h"
#include "common/record.h"
#include "common/value.h"
#include "rules/grammar.h"

#define BESLUT_SCHEMA_VERSION 1

enum { ASM_EXPLAIN = 1u };

typedef struct doc_result {
	const input_t *in;           /* the input; in->error set = status error */
	const norm_result_t *norm;   /* NULL when the input failed */
	recvec_t *recs;              /* the grammar's records (reordered/merged in place) */
	value_t *warnings;           /* V_ARR of V_STR from the matcher, or NULL */
	size_t ntokens;              /* tokens in the document */
	arena_t *arena;              /* where the values live */
	unsigned flags;              /* ASM_* */
	const grammar_t *grammar;    /* lexicon look-ups for the document's name; may be NULL */
} doc_result_t;

/* Append the document's JSON Lines to out. */
void assemble_document(const doc_result_t *d, buf_t *out);

/* A document assembled in batches (window.c, for a document read in
 * windows): each batch is the records of a stretch of the document that
 * starts at an item (or at the start), in text order; what the document
 * as a whole decides is carried from batch to batch in an asm_carry_t —
 * ids and item ordinals counted on, the document's fields and warnings
 * (kept in the order one whole run gives them), the persons seen (for
 * parties and names of later actors), the chair last named.  What a batch
 * cannot see is what lies after it (a party printed only later) and
 * votes of earlier batches (a vote printed again far from its item).
 * assemble_batch appends the batch's records, not the document record;
 * assemble_finish appends the document record, with the source's sha256
 * and length given (the source is not in memory).  Records' start/end in
 * a batch are in the coordinates d->norm's pages and maps use. */
typedef struct asm_carry asm_carry_t;
asm_carry_t *asm_carry_new(void);
void asm_carry_free(asm_carry_t *c);
void assemble_batch(const doc_result_t *d, asm_carry_t *c, buf_t *out);
void assemble_finish(const doc_result_t *d, asm_carry_t *c, const char *sha256, long long bytes, buf_t *out);
/* The character offsets of the source bytes the next batch (or the
 * document record) spans (link.h; the source is not in memory). */
struct char_index;
void asm_carry_set_chars(asm_carry_t *c, const struct char_index *ci);
/* Records written so far (the document record not counted). */
size_t asm_carry_records(const asm_carry_t *c);

#endif
