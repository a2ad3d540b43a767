/*
 * assemble_int.h — private to the record stage (assemble.h): the indexes
 * assemble.c builds over a document's records and the steps it runs, by
 * file:
 *
 *   assemble.c         order, items, merges, att-sats copies, the order of
 *                      the steps, completion from the schema, output
 *   assemble_actors.c  persons, genitives, missing parties, party proposals
 *   assemble_votes.c   counted votes, options, chair, look-backs, checks
 *   assemble_doc.c     envelope, fields, the document record
 *   assemble_values.c  comparisons of values the steps share
 *
 * Every step reads what it turns on (words, values, lexicon classes) from
 * the grammar's resolve settings (resolve.h); with no grammar, or a step
 * not declared, the step is not taken.
 */
#ifndef BESLUT_ASSEMBLE_INT_H
#define BESLUT_ASSEMBLE_INT_H

#include "assemble.h"
#include "rules/resolve.h"

/* The resolve settings of g (all off when g is NULL). */
const resolve_cfg_t *asm_cfg(const grammar_t *g);

/* Record types as numbers, so that the assembler's scans compare ints:
 * the types the steps read first, any other type string a grammar emits
 * after them (distinct strings of one document, numbered as they appear). */
enum rtype {
	RT_DOCUMENT, RT_ITEM, RT_ATT_SATS, RT_PROPOSAL, RT_VOTE, RT_OTHER
};
/* tid[i] = the type number of record i (RT_*, then one per other type);
 * returns how many numbers there are (assemble_values.c). */
size_t type_ids(const recvec_t *rv, int *tid);

/* The live votes of a document in record order (those not to be merged),
 * for the look-backs of a vote printed again: a vote is found among
 * votes, never by a scan over every record before it. */
typedef struct vote_index {
	size_t *v;
	size_t n;
} vote_index_t;

/* The records [lo[i], hi[i]) of the item record i belongs to (records are
 * sorted, so an item's records are contiguous). */
typedef struct item_bounds {
	size_t *lo, *hi; /* per record: its item's first record, one past its last */
} item_bounds_t;

typedef struct item_ref {
	uint32_t start;
	long number;    /* § number, or -1 */
	size_t ordinal; /* 1-based among items */
	record_t *rec;
} item_ref_t;

/* Records written so far per type (ids are TYPE/N). */
typedef struct type_counts {
	const char **type;  /* grammar-owned type names */
	size_t *n;
	size_t len, cap;
} type_counts_t;

/* ---- values (assemble_values.c) ---- */
const value_t *str_or_null(const value_t *v);      /* a non-empty string, else NULL */
int flag_set(const value_t *f, const char *key);    /* field key is true */
int same_str_ci(const value_t *x, const value_t *y);
int same_int(const value_t *x, const value_t *y);
/* Lower-cased words of s (letters and digits), for label comparison. */
size_t words_of(const char *s, size_t n, char words[][48], size_t max);
int words_within(const value_t *x, const value_t *y); /* every word of x is one of y */
int named_actor(const value_t *x);

/* ---- actors (assemble_actors.c) ---- */
typedef struct person {
	const char *name;   /* arena string */
	size_t nlen;
	const value_t *party; /* V_STR or NULL */
	long item;          /* index of the item it was seen in, -1 none */
} person_t;

typedef struct persons {
	person_t *v;
	size_t n, cap;
} persons_t;

/* Add the named actors with a party in v (any depth) to ps. */
void collect(persons_t *ps, const value_t *v, long item);

/* What a document assembled in batches carries from one to the next
 * (assemble.h; assemble_carry.c). */
struct asm_carry {
	arena_t arena;        /* docf, warnings, persons, chair; renewed each batch */
	value_t *docf;
	value_t *warn[4];     /* matcher's, repeated numbers, vote checks, self-checks */
	persons_t ps;         /* distinct (name, party) seen, item -2 */
	const value_t *chair; /* the chair named last */
	size_t nitems, numbered, nlive;
	type_counts_t count;
	const struct char_index *ci; /* character offsets of the source bytes the batch spans */
	struct lexmemo *lexmemo;     /* the linking's lexicon answers (link.h) */
};

/* The whole document (c NULL) or one batch of it (assemble.c). */
void assemble_core(const doc_result_t *d, asm_carry_t *c, buf_t *out);
/* Keep what the next batch needs in a fresh arena (assemble_carry.c). */
void carry_renew(asm_carry_t *c, const value_t *docf, value_t *const add[4], const persons_t *ps);
/* Genitive names to base form, one-word names to full names, missing
 * parties from ps, in every actor of v. */
void fix_actors(arena_t *a, const grammar_t *g, const persons_t *ps, value_t *v, long item);
int names_actor(const value_t *who, const value_t *w);
int names_actor_or_party(const value_t *who, const value_t *w);
void party_proposal(arena_t *a, const grammar_t *g, value_t *f);

/* ---- votes (assemble_votes.c) ---- */
size_t votes_before(const vote_index_t *vx, size_t i);
int is_counted(const grammar_t *g, const value_t *f);
void check_vote(arena_t *a, const grammar_t *g, value_t *fields, value_t *warnings, const char *where);
long option_for_label(const grammar_t *g, const value_t *opts, const value_t *label, int owners);
void resolve_counted(arena_t *a, const grammar_t *g, value_t *f);
void own_options(arena_t *a, const grammar_t *g, recvec_t *rv, const char *dead, const int *tid,
                 const long *item_of, const item_bounds_t *ib, size_t vi);
void chair_by_name(arena_t *a, recvec_t *rv, const char *dead, const int *tid, const value_t **carry);
void collective_options(arena_t *a, recvec_t *rv, const char *dead, const int *tid, const item_bounds_t *ib,
                        size_t vi);
long same_vote(const grammar_t *g, const recvec_t *rv, const char *dead, const vote_index_t *vx, size_t i);
long named_vote(const grammar_t *g, const recvec_t *rv, const char *dead, const vote_index_t *vx,
                const long *item_of, size_t i);
long asked_vote(const grammar_t *g, const recvec_t *rv, const char *dead, const vote_index_t *vx,
                const long *item_of, size_t i, size_t best);
int options_named(const recvec_t *rv, const char *dead, const int *tid, const item_bounds_t *ib, size_t vi);
void check_section(arena_t *a, const grammar_t *g, const recvec_t *rv, const char *dead,
                   const item_bounds_t *ib, size_t ci, const char *where, value_t *warnings);

/* ---- output (assemble_doc.c) ---- */
int same_body(const value_t *x, const value_t *doc);
void write_item_key(buf_t *out, const item_ref_t *items, long idx);
struct char_index;
void envelope(buf_t *out, const doc_result_t *d, const char *type, size_t n, const item_ref_t *items, long idx,
              const record_t *r, const struct char_index *ci);
void write_fields(buf_t *out, const value_t *fields);
/* The document record; given_sha (with given_bytes, given_ci) when the
 * source is not in memory. */
void write_document(buf_t *out, const doc_result_t *d, value_t *docf, value_t *warnings, size_t nitems_numbered,
                    size_t nrecords, const char *given_sha, long long given_bytes,
                    const struct char_index *given_ci);
/* Every live record, ids counted on in count. */
void write_records(buf_t *out, const doc_result_t *d, const recvec_t *rv, const char *dead, const item_ref_t *items,
                   const long *item_of, type_counts_t *count, const struct char_index *ci);
size_t type_count(const type_counts_t *c, const char *type);
void type_counts_release(type_counts_t *c);

#endif
