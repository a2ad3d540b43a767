/*
 * match_int.h — private to the matcher (grammar.h, match.c): the matcher's
 * scratch (struct matcher), the per-rule recordings of shared prefixes,
 * the token signatures, and the helpers its files share:
 *
 *   match.c        matcher_run: candidates per token, signatures, the
 *                  conflict resolution, records and triggers
 *   match_setup.c  matcher_new / matcher_free and the tables built once per
 *                  matcher from the grammar (families, filters, regexes)
 *   match_vm.c     the backtracking VM: predicates, guards, required-token
 *                  filters, the memo, vm_exec and the family recordings
 */
#ifndef BESLUT_MATCH_INT_H
#define BESLUT_MATCH_INT_H

#include <stdlib.h>
#include <string.h>
#include "rules/grammar_int.h"
#include "rules/regex_fast.h"


/* Regex results by distinct token text (see "Signatures"): a word table
 * keyed by the token's bytes gives the id of its regex result vector
 * (every regex of the grammar run once per distinct text, the vectors
 * interned).  Kept across documents; the words are dropped when more than
 * WT_KEEP have accumulated, the vectors (few) only with the signatures. */
#define WT_KEEP 32768
#define RXV_KEEP 65536
typedef struct wtent {
	uint64_t head;       /* its first bytes (up to 8, zero-padded): most words compare here */
	uint32_t key, len;   /* bytes wkey[key .. key + len) */
	uint32_t hash;
	uint32_t rx;         /* its regex result vector */
	uint32_t sig;        /* signature + 1 of the last token with this text, or 0 */
} wtent_t;

/* Families of rules that begin with the same instructions P (see "Shared
 * prefixes"), and what the last attempt that executed P recorded: the
 * states in which it left P, in order. */
typedef struct pexit {
	uint32_t off, pos;   /* first instruction after P (offset) and token */
	uint32_t psteps;     /* steps spent in P before it */
	uint32_t tr, ntr;    /* its trail: the family's ptr[tr .. tr + ntr) */
} pexit_t;

typedef struct ptrail {
	uint32_t off, pos;   /* instruction (offset) that wrote the event, token */
} ptrail_t;

typedef struct fam {
	uint32_t len;        /* instructions of P */
	uint32_t stamp;      /* token + 1 of the recording, 0 = none */
	uint8_t complete;    /* every exit recorded, P explored to its end */
	uint32_t pend;       /* complete: steps of P in all */
	uint32_t phi;        /* complete: furthest offset executed in P */
	pexit_t *ex;
	uint32_t nex;
	size_t ex_cap;
	ptrail_t *ptr;
	uint32_t nptr;
	size_t ptr_cap;
} fam_t;

#define FAM_NONE UINT32_MAX
#define FAM_MIN 6            /* shorter shared prefixes are not worth recording */
#define FAM_EXITS 256        /* a recording stops (incomplete) beyond these */
#define FAM_TRAIL 8192

/* The memo of an instruction for positions start + 0..63 (see
 * "Memoization"): the attempt that wrote it, and the failed positions. */
typedef struct dmemo {
	uint64_t bits;
	uint32_t gen;
} dmemo_t;

/* Per-rule cost statistics (BESLUT_RULE_STATS=1). */
typedef struct rstat {
	uint64_t attempts, steps, matches, budget;
	uint64_t exec;    /* steps really executed (less than steps where a shared prefix was not re-run) */
	uint64_t ns;      /* time in its attempts */
	uint64_t checks, passed, fns; /* its required-token filter checks, those passed, their time */
} rstat_t;

typedef struct bt {
	uint32_t pc;      /* resume here (BT_BRANCH) or register index (BT_REG) */
	uint32_t pos;     /* token position, or the register's old value */
	uint32_t trail;   /* trail length to restore */
	uint32_t kind;    /* BT_BRANCH / BT_REG, and above bit 0 the call site of a
	                   * branch taken in a subroutine (0: in the rule's code) */
} bt_t;

enum { BT_BRANCH, BT_REG };

#define TRO_SUB 0x80000000u

/* Memo slots with a direct table (see "Memoization"); a rule's slots
 * beyond (its later calls) use the hash table. */
#ifndef DM_SLOTS
#define DM_SLOTS 16384
#endif

/* Per token set and document (see "Required tokens"): as the `pre` of
 * filters, where its run of tokens from the current token ends; as the
 * `need` of filters, where its next token is.  Shared by all filters
 * with the same set, so each token is tested at most once per set. */
typedef struct tsstate {
	uint8_t brk_real;    /* brk is not in the set (or is n) */
	uint8_t need_found;  /* need_pos holds a member */
	uint32_t brk_from;   /* tokens [brk_from, brk) are in the set */
	uint32_t brk;
	uint32_t need_pos;   /* need_found: first member at or after the scan start */
	uint32_t need_scan;  /* no member in [scan start, need_scan) */
	uint32_t back_lo;    /* as the `pre` of filters: the last non-member in */
	uint32_t back_q;     /* [back_lo, back_q) is back_b, or none (UINT32_MAX) */
	uint32_t back_b;
	uint32_t occ_c;      /* as a `need`: cursor into its occurrences (see need_first) */
} tsstate_t;

/* A required-token filter as filter_ok reads it: its state in the
 * document and what it reads of its definition, together. */
typedef struct fstate {
	uint32_t stamp;      /* token + 1 of its last check */
	uint32_t skip;       /* it fails at every token before this one */
	uint32_t need, pre;  /* token sets */
	uint32_t reach;
	uint8_t res;         /* the answer at stamp */
	uint8_t pre_any;     /* pre has every token */
} fstate_t;

/* A token signature (see "Signatures"): everything a token-local test
 * reads, with the cached answers of those tests. */
typedef struct sig {
	uint32_t sym, stem_sym;
	uint64_t classes;
	uint32_t flags;           /* masked by sig_flags */
	uint32_t rx;              /* regex result vector of its text (sig_text only) */
	uint32_t hash;
	uint32_t mlo, mhi;        /* its rules that may start, guards passed: its smask row, 0 outside words [mlo, mhi) */
	uint32_t need, nneed;     /* ts_done: npool[need .. need + nneed): the `need` sets it is in, ascending */
	uint32_t pstamp;          /* pgen when its sets were added to tspres */
	uint8_t kind;
	uint8_t ts_done;          /* its token set bits are computed */
	uint8_t cands_done;       /* its candidate rules are computed */
} sig_t;

struct matcher {
	const grammar_t *g;
	pcre2_match_data *md;     /* PCRE2 match data for regex predicates */
	bt_t *bt;                 /* backtrack stack */
	size_t bt_cap;
	trail_ent_t *tr;          /* capture events of the current path */
	size_t ntr, tr_cap;
	uint32_t *tro;            /* per event: offset of the instruction that wrote it from the
	                           * rule's entry, or TRO_SUB | its index in a subroutine (tr_cap) */
	uint32_t *rfam;           /* per rule: its family (see "Shared prefixes"), or FAM_NONE */
	fam_t *fam;
	uint32_t nfam;
	uint64_t fam_replays;     /* attempts answered from a recording (statistics) */
	int fam_off;              /* test mode: every rule runs whole */
	uint64_t exec_steps;      /* instructions the machine really executed (statistics) */
	trail_ent_t *best;        /* trail of the group's best match so far */
	size_t nbest, best_cap;
	uint32_t *regs;           /* loop-progress registers */
	uint32_t *stamp;          /* per rule/trigger: last token it was a candidate at, +1 */
	uint32_t nstamp;
	uint32_t *cand;           /* candidate rule indexes at the current token */
	size_t cand_cap;
	uint32_t *next_free;      /* per group: first token where its next match may start */
	cnode_t *nodes;           /* capture tree of the match being acted on */
	size_t nodes_cap;
	int32_t *cover;           /* per token: record-coverage prefix sums (triggers) */
	size_t cover_cap;
	record_t *sort_tmp;       /* sort_records: the records in order … */
	size_t sort_cap;
	uint16_t *rxcls;          /* word_find: a new word's characters as rxfast classes */
	size_t rxcls_cap;
	uint64_t *skey;           /* … and two arrays of (tok_start, position) keys */
	size_t skey_cap;
	act_ctx_t actx;           /* action evaluation scratch */
	size_t budget_hits;       /* attempts that ran out of steps (statistics) */
	uint64_t steps_total;     /* steps of every attempt, as counted for the budget (statistics) */
	uint64_t *memo;           /* failed (SPLIT pc, position) states of this attempt: open addressing */
	uint32_t *memo_gen;       /* attempt number that wrote each slot (no clearing between attempts) */
	uint32_t memo_cap;        /* slots, a power of two */
	uint32_t memo_n;          /* slots used by the current attempt */
	uint32_t gen;             /* current attempt number */
	dmemo_t *dm;              /* per memo slot of a rule below dmax: its failed positions near the start */
	uint32_t dmax;            /* memo slots of the longest rule or trigger (rule_t.nslots), at most DM_SLOTS */
	uint32_t *gstamp;         /* per guard: token + 1 it was evaluated at */
	uint8_t *gres;            /* per guard: its result there */
	fstate_t *fst;            /* per filter: its state and a copy of its definition */
	uint32_t *rfl;            /* per rule: its filter list (rules with the same filters share one) */
	uint32_t *lskip;          /* per filter list: it fails at every token before this one */
	uint32_t *lstamp;         /* per filter list: token + 1 of its last check */
	uint8_t *lres;            /* per filter list: the answer there */
	uint32_t nfl;             /* filter lists */
	uint32_t *rgrp;           /* per rule: its group, its filter list (compact copies) */
	uint32_t *lfilt;          /* per filter list: first index in g->rfilt, count */
	tsstate_t *tss;           /* per token set: cursors over the document */
	wtent_t *wt;              /* distinct token texts (sig_text only) */
	uint32_t nwt;
	size_t wt_cap;
	uint32_t *wth;            /* open addressing: word + 1, or 0 */
	uint32_t *symrx;          /* per symbol: regex result vector + 1 of its text, or 0 (sig_text only) */
	uint32_t *symsig;         /* per symbol: signature + 1 of the last token with exactly its text, or 0 */
	uint32_t wth_cap;         /* a power of two */
	char *wkey;               /* their bytes */
	size_t nwkey, wkey_cap;
	uint64_t *rxv;            /* interned regex result vectors, rxw words each */
	uint32_t rxw;             /* words per vector */
	uint32_t nrxv;
	size_t rxv_cap;           /* words allocated */
	uint32_t *rxh;            /* open addressing: vector + 1, or 0 */
	uint32_t rxh_cap;
	uint64_t *rxtmp;          /* rxw words: the vector being built */
	uint64_t *rxfirst;        /* per byte, rxw words: the regexes a match of which can begin … */
	uint64_t *rxlast;         /* … and end with it (every regex where unknown) */
	uint32_t *rxmin;          /* per regex: the fewest characters a match has */
	buf_t sbuf;               /* scratch text */
	uint32_t *pmid;           /* per predicate: its memo slot, or UINT32_MAX (cheap leaves) */
	uint32_t pmw;             /* predicate memo words per signature */
	uint32_t tsw;             /* token set words per signature */
	uint32_t sgw;             /* words per signature in sigp: pmw pairs (known, value) */
	uint32_t sig_flags;       /* token flags any test reads (the rest are not in signatures) */
	int sig_text;             /* signatures include the token's bytes (the grammar has regexes) */
	int sig_off;              /* test mode: every token its own signature (no sharing) */
	sig_t *sig;               /* distinct token signatures */
	uint32_t nsig;
	size_t sig_cap;
	uint32_t *sigh;           /* open addressing: signature + 1, or 0 */
	uint32_t sigh_cap;        /* a power of two */
	uint64_t *sigb;           /* per signature, tsw words: its token sets */
	size_t sigb_cap;          /* words allocated */
	uint64_t *sigp;           /* per signature, sgw words: its predicate results */
	size_t sigp_cap;          /* words allocated */
	uint32_t nrw;             /* words of a rule mask */
	uint64_t *smask;          /* per signature, nrw words: its candidate rules */
	size_t smask_cap;         /* words allocated */
	uint64_t *awake;          /* nrw words: the rules not asleep (see "Sleeping rules") */
	uint32_t *whead;          /* per token of the document: a rule that wakes there, or UINT32_MAX */
	size_t whead_cap;
	uint32_t *wnext;          /* per rule: the next rule that wakes at the same token */
	uint32_t *npool;          /* need set lists of the signatures */
	size_t nnpool, npool_cap;
	uint32_t pgen;            /* sig_prepare calls (stamps pstamp) */
	uint32_t *tsig;           /* per token of the document: its signature */
	size_t tsig_cap;
	uint64_t *tspres;         /* tsw words: token sets with a member in the document */
	uint64_t *tsx_any;        /* tsw words: the token sets of every token */
	uint64_t *tsx_cls;        /* per class bit c, tsw words: the sets with c in cls */
	uint64_t *tsx_in;         /* per class bit c, tsw words: the sets with c in cls_in */
	uint32_t *tsx_sym_off;    /* per symbol s: its sets are tsx_sym[tsx_sym_off[s] .. [s + 1]) */
	uint32_t *tsx_sym;
	uint32_t *tsx_stem_off;   /* the same by stem symbol */
	uint32_t *tsx_stem;
	uint32_t *tsx_pred;       /* the sets with predicates, ascending */
	uint32_t ntsx_pred;
	uint64_t *needmask;       /* tsw words: token sets that are the `need` of some filter */
	uint32_t *occ_off;        /* per token set + 1: its members in the document are occ[occ_off[k] .. occ_off[k + 1]) (need sets only) */
	uint32_t *occ;            /* those members, ascending per set */
	size_t occ_cap;
	uint8_t *ldead;           /* per filter list: no `need` of its filters occurs in the document */
	uint32_t last_n;          /* tokens of the last document (test hook) */
	uint32_t *gsstamp;        /* per guard: tick of its last evaluation for a signature */
	uint8_t *gsres;           /* per guard: the result then */
	uint32_t gtick;
	unsigned last_steps;      /* steps of the last vm_run */
	uint32_t last_reach;      /* furthest instruction (offset from the entry) the last vm_run executed */
	uint32_t *ostamp;         /* per rule: token + 1 where it failed, or would have (see "Shared openings") */
	uint32_t *oreach;         /* per rule: the furthest instruction offset that failure executed */
	rstat_t *rstats;          /* per rule, BESLUT_RULE_STATS=1 only (else NULL) */
};

/* Shared between the files of this stage. */
int guard_eval(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i);
int guard_ok(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i);
void tokset_row(matcher_t *m, const match_input_t *in, uint64_t *b, uint32_t pos);
void filters_reset(matcher_t *m);
int filter_ok(matcher_t *m, const match_input_t *in, uint32_t f, uint32_t i);
int vm_run(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
                  uint32_t *end_out);
int vm_run_fam(matcher_t *m, const match_input_t *in, const rule_t *r, fam_t *fm,
                      uint32_t start, uint32_t *end_out);

static inline int rule_filters_ok(matcher_t *m, const match_input_t *in, uint32_t l, uint32_t i)
{
	if (m->lstamp[l] == i + 1)
		return m->lres[l];
	const uint32_t *fv = m->g->rfilt + m->lfilt[2 * l], nf = m->lfilt[2 * l + 1];
	const uint8_t *cj = m->g->rfcj + m->lfilt[2 * l];
	/* a path passes when its primary and its conjuncts pass; a failing
	 * one cannot pass before the skip of the filter that failed, and the
	 * rule not before the first of its paths' skips */
	uint32_t skip = UINT32_MAX, q = 0;
	int ok = 0;
	while (q < nf) {
		uint32_t f = fv[q];
		int pass = filter_ok(m, in, f, i);
		q++;
		while (pass && q < nf && cj[q]) {
			f = fv[q++];
			pass = filter_ok(m, in, f, i);
		}
		if (pass) {
			ok = 1;
			break;
		}
		if (m->fst[f].skip < skip)
			skip = m->fst[f].skip;
		while (q < nf && cj[q])
			q++;
	}
	if (!ok)
		m->lskip[l] = skip;
	m->lstamp[l] = i + 1;
	m->lres[l] = (uint8_t)ok;
	return ok;
}

#endif
