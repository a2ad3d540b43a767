/*
 * link_int.h — private to the linking step (link.h): the per-document
 * view of proposals, votes, reservations and motions that link.c builds
 * and link_write.c writes back, and the text helpers both use.
 *
 *   link.c        texts, party sets, names; the links of each item
 *   link_lex.c    lexicon look-ups, kept per document
 *   link_write.c  derived ballots, writing the links into the records,
 *                 the organisation, character offsets
 */
#ifndef BESLUT_LINK_INT_H
#define BESLUT_LINK_INT_H

#include <stdlib.h>
#include <string.h>
#include "link.h"
#include "tokens/tokenize.h"
#include "rules/resolve.h"
#include "common/util.h"




#define PMAX 16

typedef struct text {
	tokens_t t;
	const char *s;   /* the text tokenized (arena) */
	struct text_memo *m;   /* what link.c found in the text, once (NULL: no tokens) */
} text_t;

typedef struct lexmemo lexmemo_t;
#define LX_MEMO_WORDS 4096   /* a memo kept from stretch to stretch holds at most about this many words */

typedef struct lx {
	const grammar_t *g;
	const resolve_cfg_t *rc;   /* the classes of resolve link */
	arena_t *a;
	lexmemo_t *memo;   /* the lexicon answers of the document (NULL: none kept) */
} lx_t;

/* What a proposal's kind means to the linking (resolve outcome). */
enum {
	KR_APPROVE = 1u << 0,    /* approving the proposal put ("bifall") */
	KR_OWN = 1u << 1,        /* a party's own alternative */
	KR_REJECT = 1u << 2,     /* rejecting it */
	KR_SUPPORT = 1u << 3,    /* supporting another's proposal */
	KR_SEND_BACK = 1u << 4,  /* sending the matter back, postponing it */
	KR_AMEND = 1u << 5,      /* amending it */
};

typedef struct prop {
	size_t r;             /* record index */
	value_t *f;
	const char *kind;
	unsigned role;        /* KR_ bits of kind */
	long rank;
	int nact;
	const char *names[PMAX];   /* name keys (NULL: party only) */
	const char *parties[PMAX];
	const char *supports;      /* name key of the supported actor */
	int has_supports;
	text_t text;
	const char *id;
	int out;
	const char *basis;
} prop_t;

typedef struct vote {
	size_t r;
	value_t *f;
	const char *id;
	int nopt;
	char **hit;   /* [option][proposal] */
} vote_t;

typedef struct ctx {
	arena_t *a;
	lx_t L;
	const resolve_cfg_t *rc;   /* the grammar's resolve settings (all off without a grammar) */
	prop_t *p;
	size_t np;
	vote_t *v;
	size_t nv;
	size_t *res, nres;   /* reservation records */
	size_t *dec, ndec;   /* decision att_sats records */
	size_t *mot, nmot;   /* motions */
	recvec_t *rv;
	const char **id;     /* id of each live proposal, vote, att_sats record */
	const struct roll *roll;   /* members who could vote (attendance) */
	long item_no;        /* the item's § number, -1 if none */
} ctx_t;

typedef struct member {
	const value_t *name, *party;
	long from, to;   /* paragraphs attended, -1 = not printed */
	int absent;      /* listed as absent from the meeting */
} member_t;

typedef struct roll {
	member_t *m;
	size_t n, cap;
} roll_t;

/* Shared between the files of this stage. */
void text_init(text_t *x, const value_t *v);
void text_release(text_t *x);
lexmemo_t *lexmemo_new(const grammar_t *g);
/* m holds answers of g, and not too many to keep on */
int lexmemo_fits(const lexmemo_t *m, const grammar_t *g);
/* The value of word w in lexicon class cls (grammar_lexicon_value), and
 * that of w's longest prefix of five characters or more that the class
 * lists; NULL: none (link_lex.c). */
const char *lx_value(const lx_t *L, const char *cls, const char *w);
const char *lx_prefix_value(const lx_t *L, const char *cls, const char *w);
/* The id of word w[0..n) in the document's memo (0: none kept), and the
 * value (prefix: of its longest prefix) the word of id has in class cls. */
uint32_t lx_word(const lx_t *L, const char *w, size_t n);
const char *lx_word_value(const lx_t *L, uint32_t id, const char *cls, int prefix);
const char *low(const text_t *x, size_t k);
const char *name_key(arena_t *a, const value_t *actor);
const char *actor_party(const value_t *actor);
extern const char *const OUT_NAME[];
const char *str_field(const value_t *f, const char *k);
void link_votes(ctx_t *c);
int int_field(const value_t *f, const char *k, long long *out);
int vote_result(const resolve_cfg_t *rc, const vote_t *v, long *won, int *single_lost);
unsigned kind_role(const resolve_cfg_t *rc, const char *kind);
void outcomes(ctx_t *c);

#endif
