/*
 * match.c — the matcher: runs every compiled rule over a document's
 * annotated tokens and hands each winning match to the actions.
 *
 * THE ALGORITHM
 *
 * Each rule is a small program for a backtracking machine (the classic
 * design of Thompson/Pike programs run by a backtracking interpreter, as in
 * many regex engines), but over tokens instead of characters:
 *
 *   LIT s / STEM s       the token's symbol / stem symbol is s
 *   CLASS c              the longest lexicon entry of class c starting here
 *                        (a walk down the class trie, several tokens)
 *   SET s                the token's symbol (or stem symbol) is in sorted set s
 *                        (an alternation of one-token literals, one test)
 *   PRED p / ANY         one token satisfying predicate tree p / any token
 *   SPLIT a, b           continue at a; if that fails, resume at b
 *   JMP a
 *   ASSERT k             zero-width: line/paragraph/sentence boundary, heading
 *   OPEN d / CLOSE / FLAG d   append a capture event to the trail
 *   MARK r / PROGRESS r  guard a loop whose body can match nothing: PROGRESS
 *                        fails an iteration that did not move past MARK
 *   MATCH                success: the first path found wins (greedy or lazy
 *                        order is encoded in the SPLIT operand order)
 *
 * The machine keeps one explicit backtrack stack of (pc, position, trail
 * length) choice points plus register-restore entries.  Captures are never
 * written in place: OPEN/CLOSE/FLAG append events to a trail, and a choice
 * point remembers the trail length, so backtracking undoes captures by
 * truncation.  After a match the trail of the successful path is exactly
 * the capture events of that path, from which actions.c builds the capture
 * tree (nested spans, repeated names as siblings).
 *
 * Memoization.  Backtracking over alternatives is exponential in the
 * worst case (a list of actors, each of which can be read in several ways,
 * followed by a verb that is not there).  The matcher records every
 * (SPLIT instruction, position) it executes during one attempt; meeting the
 * same pair again means the whole continuation from that state has already
 * been explored and failed — a success would have ended the attempt — so
 * the branch fails at once.  That argument needs the continuation to depend
 * on (pc, position) only and no state to be revisited on a path that has not
 * consumed a token; both hold unless the program has loop-progress
 * registers (loops whose body can match nothing), so rules with registers
 * run unmemoized.  With memoization an attempt costs at most
 * O(instructions × tokens) steps (selective memoization after Davis et al.,
 * "Using Selective Memoization to Defeat ReDoS", 2021).  Positions less
 * than 64 tokens past the start, where nearly all states lie, are kept
 * in a direct table, one 64-bit word per instruction of the rule stamped
 * with the attempt number (no clearing); the others in a hash table.
 *
 * Backtracking can still be slow on pathological patterns such as
 * (.*)*x.  Every attempt (one rule at one start token) therefore has a
 * budget of BESLUT_MATCH_STEP_BUDGET instructions; an attempt that runs out
 * counts as "no match" and is tallied, so the total work per token is
 * bounded by (candidate rules × budget) whatever the input.
 *
 * Which rules are attempted at a token is decided by the prefilter built at
 * compile time: the FIRST set of each rule (the symbols, stems, lexicon
 * classes, token kinds or flags its first token must have) is inverted into
 * lists keyed by those properties.  At token i the matcher unions the lists
 * for the token's symbol, stem symbol, class bits, kind and flag bits, plus
 * the rules that must be tried everywhere (patterns starting with `.`,
 * a regex, a negation).  The union is deduplicated with a per-rule stamp and
 * sorted; rule indexes are ordered by (group, source order), so the sorted
 * candidate list visits groups in order and, within a group, rules in
 * source order.  The cost per token is therefore proportional to the rules
 * that can actually start there, not to the size of the grammar.
 *
 * Required tokens.  The prefilter only looks at the first token, and
 * most rules begin with something common (a capitalised word, a list of
 * actors) and fail much later, on a verb that is not there: with the
 * project's grammars some forty rules start with the same actor list and
 * used to re-read it at every capitalised word.  At compile time each
 * rule therefore also gets required-token filters (grammar_compile.c,
 * filter_build).  Walking the rule's top-level sequence (sequences,
 * references and captures opened up, a repetition of at least one as its
 * first iteration), the first element that cannot be empty, follows at
 * least one element and starts with selective tests (literals, stems,
 * lexicon classes, regexes that begin with a letter; not ".", ",", "och",
 * "att", "i", kinds, flags, negations) becomes `need`; every test of a
 * token the elements before it can consume (a multi-word lexicon entry:
 * the class bit of its first word, any later word of some entry) forms
 * the set `pre`; the most tokens they can consume is `reach` (unbounded
 * after a `*`).  Any match starting at token i then has a `need` token at
 * some p in [i, i + reach] with all of [i, p) in `pre` — a necessary
 * condition, whatever path the backtracking would take.  When the prefix
 * is costly to follow (a set accepting most tokens, e.g. `!"."`, over a
 * long reach), or when no element qualifies, the first alternation is
 * split instead: one filter per alternative and the rest of the sequence
 * (a match follows one of them), and the rule is tried when any passes.
 * Identical token sets and filters are shared between rules.
 *
 * Conjuncts.  One required token per path lets through every start that
 * has a common word in reach (a rule led by an actor list needs "en" of
 * "i en motion" in reach: nearly everywhere).  Every element of the
 * sequence gives a condition of the same form, and so does a word every
 * alternative of an alternation has (grammar_compile.c, req_collect: the
 * union of what the alternatives require, the largest reach); up to a
 * few such conditions of the whole rule, with reach counted from the
 * start and any `pre`, are added to each path as conjuncts, and a path
 * passes only when its primary filter and all its conjuncts pass (a
 * rule without path filters gets its conditions as its one path).  Each
 * is a necessary condition, so their conjunction is one.  A conjunct
 * with any `pre` costs one forward cursor step in its `need` list, and a
 * rule none of whose paths can pass in a document (some conjunct's
 * `need` absent from it) sleeps there like a rule whose filters failed.
 *
 * At run time each token set has, per document, two forward cursors:
 * where its run of tokens from the current token ends (followed only as
 * far as a reach needs), and where its next member is (read from the
 * list of the set's members in the document, made for the `need` sets
 * by the scan that maps tokens to signatures, so a failing filter
 * sleeps until that member can be in reach).  Queries come with
 * ascending tokens, so each token is tested at most about once per
 * token set, whatever the number of rules sharing it, and a check is
 * O(1) amortized; its answer is also
 * stamped per filter and token.  A rule whose filters all fail is not
 * attempted: it could not have matched, so the output is unchanged (only
 * the budget statistics can differ).  A failing filter also tells how far
 * it must keep failing (no `need` token before q: no pass before q -
 * reach, nor at or before the last token before q that is not in `pre`),
 * so the rule sleeps until then; rules with the same filters share one answer and
 * one such skip per token.
 *
 * Absent required tokens.  A rule led by a capitalised word or a lexicon
 * class is a candidate at every such token, and with many rules even an
 * O(1) sleeping check per candidate and token adds up.  The scan that maps
 * tokens to signatures therefore also ORs their token set bits into the
 * set of token sets present in the document; a filter list none of whose
 * `need` sets is present can pass nowhere in it, so its rules are asleep
 * for the whole document.  When some are, each signature met in the
 * document gets, once, a copy of its candidate list without them, and the
 * main loop reads those copies: such rules cost one test per signature
 * and document, not one per token.  (Their filters would have failed at
 * every token, so the output is the same.)
 *
 * Token tests are cheap: symbols through a 64-bit quick mask before a
 * binary search; each predicate carries the kind and flags that every
 * token it accepts has (a quick no: most words are not CAP); AND/OR
 * chains are evaluated along their spine without recursion; a regex
 * reads its answer from the token's regex result vector (below).
 *
 * Signatures.  Every test a token gets before a rule runs — the
 * prefilter lists, the guards, membership in the filters' token sets,
 * the predicates — reads only the token itself: its symbol, stem symbol,
 * class bits, kind, the flags some test reads, and (when the grammar has
 * regexes) the results of the grammar's regexes on its bytes.  That tuple
 * is the token's signature, and protocol text repeats them heavily (about
 * two thousand distinct ones in 20 MB of protocols).  The regex results
 * come from a word table keyed by the token's bytes: at the first token
 * with a given text every regex of the grammar runs once on it, and the
 * vector of answers is interned (about a hundred distinct vectors), so
 * the signature holds a small vector id, not the text.  Words that are no
 * symbol of the grammar thus share signatures whatever their text, and a
 * new word costs one word table entry and the regexes, not a signature
 * with all its token set tests (keyed by the text, 20 MB had 120,000
 * signatures, each tested against every token set).
 * Before the scan, each token of the document is mapped to its signature
 * through a per-matcher hash table; each signature keeps, built at the
 * first token that has it, the sorted candidate list with the rules whose
 * guard fails already dropped, its membership in every token set (about
 * a hundred tests, once per signature), and two bits (known, value) per
 * predicate worth remembering (other than a single compare), so the forty
 * rules that read the same names test each distinct token once.  The scan
 * that maps tokens to signatures also copies each token's token set bits
 * and candidate list position into per-token arrays, so the filters'
 * cursors and the main loop read consecutive memory and a token set check
 * is a bit test.  The answers depend on the signature only, so signatures
 * are kept from document to document, and dropped when more than
 * SIG_KEEP have accumulated.
 *
 * Shared openings.  Families of rules begin alike: twenty proposal rules
 * open with the same speaker and verb phrase, four motion rules with the
 * same lead-in, and differ only after it.  Where the opening does not
 * match, each of them used to discover that anew at the same token.  At
 * compile time each rule gets the list of earlier rules whose programs
 * begin with the same instructions (grammar_compile.c, openings_build:
 * same operations and tests, branch targets at the same offsets), and
 * for how many.  The machine's path through a program depends only on the
 * instructions it executes and the tokens, so when an attempt of rule A
 * at token i fails without executing any instruction beyond the first L
 * A shares with B, an attempt of B at i would execute the same
 * instructions, never leave them either, and fail too (with or without
 * memoization, and within the step budget or not: it cannot match).
 * Each attempt therefore notes the furthest instruction it executed; a
 * rule is not attempted at a token where one of its openings failed
 * within the shared part, and it counts as failed there the same way for
 * the rules after it.  Matches are not shared (only failures), and an
 * attempt that ran out of budget tells nothing.
 *
 * Shared prefixes.  Where the opening does match, the family still
 * re-reads it: eighteen proposal rules begin with the same speaker and
 * verb phrase (some 10,000 instructions: actor lists) and differ only in
 * what follows, and each used to run that head at every place it was
 * tried.  The rules are therefore grouped into families with a shared
 * prefix P (matcher_new, fam_init: pairs of rules with a shared opening,
 * longest first, merged while that saves more instructions; P must not
 * contain the rule's end, a SPLIT in it must try a branch inside it first,
 * and nothing after it may lead back into it; no loop registers).  The
 * first rule of a family attempted at a token runs normally and records
 * how it leaves P: each state (instruction after P, token, trail) in the
 * order it reaches them, with the steps spent in P before each.  That
 * sequence does not depend on what follows P: the path inside P depends
 * only on P and the tokens, the rest of the rule always fails back into P
 * before P goes on (a stack), and the memo entries of P and of the rest
 * never meet (different instructions).  A later rule of the family at the
 * same token does not run P: it runs its own rest from each recorded exit
 * in turn, with the trail rebuilt with its own capture sites and one memo
 * across the exits, and counts its steps as the whole run would have (the
 * recorded steps in P plus its own), so the step budget, the statistics
 * and the shared-opening reach come out the same.  When the recording
 * ended early (its rule matched, ran out of steps, or met the size limit)
 * and the later rule needs more exits, it runs whole and records anew.
 *
 * Conflicts: each group scans left to right independently.  At token i the
 * candidates of a group whose previous match ended at or before i are run;
 * the longest match wins, then the higher priority, then the earlier rule.
 * Its records are built at once and the group's next match may only start
 * at the winner's end.  Empty matches are ignored.
 *
 * Triggers are compiled the same way into their own program and prefilter.
 * After the rules, sentences not touched by any record's token span are
 * searched for a trigger match; each such sentence yields one warning.
 *
 * Memory: the grammar is read-only; everything mutable (stacks, trail, the
 * best trail, stamps, filter cursors, the regex cache, the signatures,
 * capture tree, PCRE2 match data) lives in matcher_t
 * and is reused from document to document, so matching allocates nothing
 * per token (records and values go to the caller's arena and vector).
 */
#include <stdlib.h>
#include <string.h>
#include "grammar_int.h"

/* Regex results by distinct token text (see "Signatures"): a word table
 * keyed by the token's bytes gives the id of its regex result vector
 * (every regex of the grammar run once per distinct text, the vectors
 * interned).  Kept across documents; the words are dropped when more than
 * WT_KEEP have accumulated, the vectors (few) only with the signatures. */
#define WT_KEEP 131072
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

/* Per-rule cost statistics (BESLUT_RULE_STATS=1). */
typedef struct rstat {
	uint64_t attempts, steps, matches, budget;
	uint64_t exec;    /* steps really executed (less than steps where a shared prefix was not re-run) */
} rstat_t;

typedef struct bt {
	uint32_t pc;      /* resume here (BT_BRANCH) or register index (BT_REG) */
	uint32_t pos;     /* token position, or the register's old value */
	uint32_t trail;   /* trail length to restore */
	uint32_t kind;    /* BT_BRANCH / BT_REG */
} bt_t;

enum { BT_BRANCH, BT_REG };

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

/* A token signature (see "Signatures"): everything a token-local test
 * reads, with the cached answers of those tests. */
typedef struct sig {
	uint32_t sym, stem_sym;
	uint64_t classes;
	uint32_t flags;           /* masked by sig_flags */
	uint32_t rx;              /* regex result vector of its text (sig_text only) */
	uint32_t hash;
	uint32_t cand, ncand;     /* cpool[cand .. cand + ncand): rules that may start, guards passed; cand == UINT32_MAX: not yet built */
	uint32_t dstamp;          /* document number its list below was made for */
	uint32_t dcand, dncand;   /* dpool[dcand .. dcand + dncand): cand without the rules asleep in the document */
	uint8_t kind;
	uint8_t ts_done;          /* its token set bits are computed */
} sig_t;

struct matcher {
	const grammar_t *g;
	pcre2_match_data *md;     /* PCRE2 match data for regex predicates */
	bt_t *bt;                 /* backtrack stack */
	size_t bt_cap;
	trail_ent_t *tr;          /* capture events of the current path */
	size_t ntr, tr_cap;
	uint32_t *tro;            /* per event: offset of the instruction that wrote it (tr_cap) */
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
	record_t *sort_tmp;       /* merge-sort scratch */
	size_t sort_cap;
	act_ctx_t actx;           /* action evaluation scratch */
	size_t budget_hits;       /* attempts that ran out of steps (statistics) */
	uint64_t *memo;           /* failed (SPLIT pc, position) states of this attempt: open addressing */
	uint32_t *memo_gen;       /* attempt number that wrote each slot (no clearing between attempts) */
	uint32_t memo_cap;        /* slots, a power of two */
	uint32_t memo_n;          /* slots used by the current attempt */
	uint32_t gen;             /* current attempt number */
	uint32_t *dgen;           /* per instruction of a rule (pc - entry): attempt that wrote dbits */
	uint64_t *dbits;          /* its failed positions start + 0..63 in that attempt */
	uint32_t dmax;            /* instructions of the longest rule or trigger */
	uint32_t *gstamp;         /* per guard: token + 1 it was evaluated at */
	uint8_t *gres;            /* per guard: its result there */
	uint32_t *fstamp;         /* per filter: token + 1 of its last check */
	uint8_t *fres;            /* per filter: the answer there */
	uint32_t *fskip;          /* per filter: it fails at every token before this one */
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
	uint8_t (*rxfirst)[32];   /* per regex: the bytes a match can begin with (all when unknown) */
	uint32_t *rxmin;          /* per regex: the fewest characters a match has */
	buf_t sbuf;               /* scratch text */
	uint32_t *pmid;           /* per predicate: its memo slot, or UINT32_MAX (cheap leaves) */
	uint32_t pmw;             /* predicate memo words per signature */
	uint32_t tsw;             /* token set words per signature */
	uint32_t sgw;             /* words per signature: tsw token set bits, then pmw pairs (known, value) */
	uint32_t sig_flags;       /* token flags any test reads (the rest are not in signatures) */
	int sig_text;             /* signatures include the token's bytes (the grammar has regexes) */
	int sig_off;              /* test mode: every token its own signature (no sharing) */
	sig_t *sig;               /* distinct token signatures */
	uint32_t nsig;
	size_t sig_cap;
	uint32_t *sigh;           /* open addressing: signature + 1, or 0 */
	uint32_t sigh_cap;        /* a power of two */
	uint64_t *sigb;           /* per signature, sgw words: token set and predicate results */
	size_t sigb_cap;          /* words allocated */
	uint32_t *cpool;          /* candidate lists of the signatures */
	size_t ncpool, cpool_cap;
	uint32_t *tsig;           /* per token of the document: its signature */
	size_t tsig_cap;
	uint64_t *tsb;            /* per token of the document, tsw words: its token sets */
	size_t tsb_cap;
	uint32_t *tcand;          /* per token of the document: its candidate list (offset, count in cbase) */
	size_t tcand_cap;
	const uint32_t *cbase;    /* cpool, or dpool when rules are asleep in the document */
	uint32_t *dpool;          /* candidate lists of the document's signatures without the sleeping rules */
	size_t ndpool, dpool_cap;
	uint64_t *tspres;         /* tsw words: token sets with a member in the document */
	uint64_t *needmask;       /* tsw words: token sets that are the `need` of some filter */
	uint32_t *occ_off;        /* per token set + 1: its members in the document are occ[occ_off[k] .. occ_off[k + 1]) (need sets only) */
	uint32_t *occ;            /* those members, ascending per set */
	size_t occ_cap;
	uint8_t *ldead;           /* per filter list: no `need` of its filters occurs in the document */
	uint32_t docno;           /* documents prepared (stamps dstamp) */
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

/* A memo slot for each predicate worth remembering per token: every
 * predicate a rule, a trigger, a guard or a token set tests directly,
 * unless it is a leaf cheaper than the memo (a symbol, stem, kind or flag
 * compare). */
static void pm_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint32_t next = 0;
	m->pmid = xmalloc((g->npreds + 1) * sizeof *m->pmid);
	for (uint32_t p = 0; p <= g->npreds; p++)
		m->pmid[p] = UINT32_MAX;
#define PM_MARK(p_)                                                                   \
	do {                                                                              \
		uint32_t p__ = (p_);                                                          \
		uint8_t op__ = g->preds[p__].op;                                              \
		if (m->pmid[p__] == UINT32_MAX && op__ != PR_LIT && op__ != PR_STEM &&        \
		    op__ != PR_KIND && op__ != PR_TFLAG && op__ != PR_ANY &&                   \
		    !(op__ == PR_NOT && g->preds[g->preds[p__].a].op == PR_LIT))              \
			m->pmid[p__] = next++;                                                    \
	} while (0)
	for (uint32_t q = 0; q < g->ncode; q++)
		if (g->code[q].op == OP_PRED)
			PM_MARK(g->code[q].a);
	for (uint32_t q = 0; q < g->nguardv; q++)
		if (g->guardv[q].op == OP_PRED)
			PM_MARK(g->guardv[q].a);
	for (uint32_t k = 0; k < g->ntoksets; k++)
		for (uint32_t q = 0; q < g->toksets[k].npred; q++)
			PM_MARK(g->tsv[g->toksets[k].pred + q]);
#undef PM_MARK
	m->pmw = (next + 63) / 64;
	m->tsw = (g->ntoksets + 63) / 64;
	m->sgw = m->tsw + 2 * m->pmw;
	/* the flags read by predicates and by the prefilter */
	uint32_t fl = g->rix.flag_used;
	int text = 0;
	for (uint32_t p = 0; p < g->npreds; p++) {
		fl |= g->preds[p].rflags;
		if (g->preds[p].op == PR_TFLAG)
			fl |= g->preds[p].a;
		if (g->preds[p].op == PR_REGEX)
			text = 1;
	}
	m->sig_flags = fl;
	m->sig_text = text;
}

/* Rules with the same required-token filters share one answer per token. */
static void fl_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	m->rfl = xmalloc((g->nrules + 1) * sizeof *m->rfl);
	m->rgrp = xmalloc((g->nrules + 1) * sizeof *m->rgrp);
	for (uint32_t r = 0; r < g->nrules; r++)
		m->rgrp[r] = g->rules[r].group;
	m->nfl = 0;
	for (uint32_t r = 0; r < g->nrules; r++) {
		const rule_t *x = &g->rules[r];
		uint32_t id = m->nfl;
		for (uint32_t o = 0; o < r && id == m->nfl; o++) {
			const rule_t *y = &g->rules[o];
			if (y->nfilt == x->nfilt &&
			    (x->nfilt == 0 || (memcmp(g->rfilt + y->filt, g->rfilt + x->filt,
			                              x->nfilt * sizeof *g->rfilt) == 0 &&
			                       memcmp(g->rfcj + y->filt, g->rfcj + x->filt, x->nfilt) == 0)))
				id = m->rfl[o];
		}
		if (id == m->nfl)
			m->nfl++;
		m->rfl[r] = id;
	}
	m->lfilt = xcalloc(2 * ((size_t)m->nfl + 1), sizeof *m->lfilt);
	for (uint32_t r = 0; r < g->nrules; r++) {
		m->lfilt[2 * m->rfl[r]] = g->rules[r].filt;
		m->lfilt[2 * m->rfl[r] + 1] = g->rules[r].nfilt;
	}
	uint32_t *rg = xmalloc(2 * ((size_t)g->nrules + 1) * sizeof *rg);
	for (uint32_t r = 0; r < g->nrules; r++) {
		rg[2 * r] = m->rgrp[r];
		rg[2 * r + 1] = m->rfl[r];
	}
	free(m->rgrp);
	m->rgrp = rg;
	m->lskip = xcalloc(m->nfl + 1, sizeof *m->lskip);
	m->lstamp = xcalloc(m->nfl + 1, sizeof *m->lstamp);
	m->lres = xcalloc(m->nfl + 1, 1);
	m->ldead = xcalloc(m->nfl + 1, 1);
}

/* Which lengths plen may rule r's shared prefix P have (see "Shared
 * prefixes")?  ok[plen] = 1 when P does not end the rule, a SPLIT in it
 * tries a branch in it first (its inline test is then P's own), and
 * nothing after it leads back into it.  Rules with registers: none. */
static void fam_lengths(const grammar_t *g, const rule_t *r, uint8_t *ok)
{
	uint32_t nc = r->ncode;
	memset(ok, 0, nc);
	if (r->nregs)
		return;
	/* from the end: the smallest target of the instructions at or after k */
	uint32_t lo = UINT32_MAX;
	for (uint32_t k = nc; k-- > 0;) {
		const insn_t *x = &g->code[r->entry + k];
		if (x->op == OP_SPLIT) {
			uint32_t t = x->a < x->b ? x->a : x->b;
			if (t - r->entry < lo)
				lo = t - r->entry;
		} else if (x->op == OP_JMP && x->a - r->entry < lo) {
			lo = x->a - r->entry;
		}
		ok[k] = lo >= k;
	}
	/* from the start: no MATCH in P, every first branch within it */
	ok[0] = 0;
	uint32_t amax = 0;
	int end = 0;
	for (uint32_t k = 0; k + 1 < nc; k++) {
		const insn_t *x = &g->code[r->entry + k];
		if (x->op == OP_MATCH)
			end = 1;
		if (x->op == OP_SPLIT && x->a - r->entry > amax)
			amax = x->a - r->entry;
		if (end || amax >= k + 1)
			ok[k + 1] = 0;
	}
}

typedef struct fpair {
	uint32_t a, b, len;
} fpair_t;

static int fpair_cmp(const void *x, const void *y)
{
	const fpair_t *p = x, *q = y;
	if (p->len != q->len)
		return p->len > q->len ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return (p->a > q->a) - (p->a < q->a);
}

/* The families: every rule starts alone; pairs of rules with a shared
 * opening, longest usable prefix first, merge their families over the
 * prefix all members can use, when that saves more (prefix length times
 * the members but one) than the two families apart. */
static void fam_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint32_t nr = g->nrules;
	m->rfam = xmalloc((nr + 1) * sizeof *m->rfam);
	uint8_t *ok = xcalloc(g->ncode + 1, 1);
	uint32_t *rf = xmalloc((nr + 1) * sizeof *rf), *flen = xmalloc((nr + 1) * sizeof *flen);
	uint32_t *fcnt = xmalloc((nr + 1) * sizeof *fcnt);
	for (uint32_t r = 0; r < nr; r++) {
		rf[r] = r;
		flen[r] = UINT32_MAX;
		fcnt[r] = 1;
		fam_lengths(g, &g->rules[r], ok + g->rules[r].entry);
	}
	fpair_t *pv = NULL;
	size_t np = 0, pcap = 0;
	for (uint32_t r = 0; r < nr; r++) {
		const rule_t *x = &g->rules[r];
		if (x->nopen == 0) /* g->opens is NULL when no rule has one */
			continue;
		const opening_t *o = g->opens + x->open;
		for (uint32_t q = 0; q < x->nopen; q++) {
			const rule_t *y = &g->rules[o[q].rule];
			uint32_t l = o[q].len;
			if (l + 1 > x->ncode)
				l = x->ncode - 1;
			if (l + 1 > y->ncode)
				l = y->ncode - 1;
			while (l >= FAM_MIN && !(ok[x->entry + l] && ok[y->entry + l]))
				l--;
			if (l < FAM_MIN)
				continue;
			GROW(pv, pcap, np + 1);
			pv[np++] = (fpair_t){o[q].rule, r, l};
		}
	}
	if (np)
		qsort(pv, np, sizeof *pv, fpair_cmp);
	for (size_t k = 0; k < np; k++) {
		uint32_t fa = rf[pv[k].a], fb = rf[pv[k].b];
		if (fa == fb)
			continue;
		uint32_t l = pv[k].len;
		if (flen[fa] < l)
			l = flen[fa];
		if (flen[fb] < l)
			l = flen[fb];
		uint64_t apart = 0, merged = (uint64_t)l * (fcnt[fa] + fcnt[fb] - 1);
		if (fcnt[fa] > 1)
			apart += (uint64_t)flen[fa] * (fcnt[fa] - 1);
		if (fcnt[fb] > 1)
			apart += (uint64_t)flen[fb] * (fcnt[fb] - 1);
		if (merged <= apart)
			continue;
		uint32_t r = 0;
		while (r < nr && !((rf[r] == fa || rf[r] == fb) && !ok[g->rules[r].entry + l]))
			r++;
		if (r < nr)
			continue;
		for (r = 0; r < nr; r++)
			if (rf[r] == fb)
				rf[r] = fa;
		flen[fa] = l;
		fcnt[fa] += fcnt[fb];
	}
	/* number the families of more than one rule */
	uint32_t *id = xmalloc((nr + 1) * sizeof *id), *len = xmalloc((nr + 1) * sizeof *len);
	for (uint32_t r = 0; r < nr; r++)
		id[r] = FAM_NONE;
	for (uint32_t r = 0; r < nr; r++) {
		uint32_t f = rf[r];
		if (fcnt[f] < 2)
			continue;
		if (id[f] == FAM_NONE) {
			id[f] = m->nfam;
			len[m->nfam++] = flen[f];
		}
		m->rfam[r] = id[f];
	}
	for (uint32_t r = 0; r < nr; r++)
		if (fcnt[rf[r]] < 2)
			m->rfam[r] = FAM_NONE;
	free(id);
	free(fcnt);
	free(rf);
	free(flen);
	flen = len;
	m->fam = xcalloc(m->nfam + 1, sizeof *m->fam);
	for (uint32_t f = 0; f < m->nfam; f++)
		m->fam[f].len = flen[f];
	if (getenv("BESLUT_FAMILIES")) {
		for (uint32_t f = 0; f < m->nfam; f++) {
			fprintf(stderr, "family %u (%u instructions):", f, flen[f]);
			for (uint32_t r = 0; r < g->nrules; r++)
				if (m->rfam[r] == f)
					fprintf(stderr, " %s", g->rules[r].name);
			fprintf(stderr, "\n");
		}
	}
	free(flen);
	free(pv);
	free(ok);
}

/* Can rule r match at token i as far as its filters can tell? */
static int filter_ok(matcher_t *m, const match_input_t *in, uint32_t f, uint32_t i);
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
		if (m->fskip[f] < skip)
			skip = m->fskip[f];
		while (q < nf && cj[q])
			q++;
	}
	if (!ok)
		m->lskip[l] = skip;
	m->lstamp[l] = i + 1;
	m->lres[l] = (uint8_t)ok;
	return ok;
}

/* A quick no for each regex before it runs on a new text (see word_find):
 * the bytes a match can begin with, from PCRE2's study of the pattern
 * compiled without the start anchor (its start bitmap, or its first code
 * unit), and the fewest characters of a match.  Where PCRE2 gives no
 * answer every byte is allowed. */
static void rx_quick_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	m->rxfirst = xmalloc((g->nre + 1) * sizeof *m->rxfirst);
	m->rxmin = xcalloc(g->nre + 1, sizeof *m->rxmin);
	for (uint32_t r = 0; r < g->nre; r++) {
		uint8_t *map = m->rxfirst[r];
		memset(map, 0xff, 32);
		uint32_t opts = 0, minlen = 0;
		pcre2_pattern_info(g->re[r], PCRE2_INFO_ARGOPTIONS, &opts);
		if (pcre2_pattern_info(g->re[r], PCRE2_INFO_MINLENGTH, &minlen) == 0)
			m->rxmin[r] = minlen;
		int err;
		PCRE2_SIZE eoff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)g->re_src[r], PCRE2_ZERO_TERMINATED,
		                               opts & ~(uint32_t)PCRE2_ANCHORED, &err, &eoff, NULL);
		if (!re)
			continue;
		const uint8_t *bits = NULL;
		uint32_t fct = 0, fcu = 0;
		if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits) {
			memcpy(map, bits, 32);
		} else if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &fct) == 0 && fct == 1 &&
		           pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &fcu) == 0 && fcu < 128) {
			/* a letter with its other ASCII case too (PCRE2 keeps [Pp]
			 * as a caseless p, and (?i) may be inside the pattern); k and
			 * s, which fold to letters beyond ASCII (Kelvin sign, long
			 * s), keep every byte */
			int lower = fcu | 0x20;
			int letter = lower >= 'a' && lower <= 'z';
			if (!letter || (lower != 'k' && lower != 's')) {
				memset(map, 0, 32);
				map[fcu >> 3] |= (uint8_t)(1u << (fcu & 7));
				if (letter) {
					uint32_t o = fcu ^ 0x20;
					map[o >> 3] |= (uint8_t)(1u << (o & 7));
				}
			}
		}
		pcre2_code_free(re);
	}
}

matcher_t *matcher_new(const grammar_t *g)
{
	matcher_t *m = xcalloc(1, sizeof *m);
	m->g = g;
	m->md = pcre2_match_data_create(1, NULL);
	m->regs = xcalloc(g->max_regs + 1, sizeof *m->regs);
	m->nstamp = g->nrules > g->ntrigs ? g->nrules : g->ntrigs;
	m->stamp = xcalloc(m->nstamp + 1, sizeof *m->stamp);
	m->cand_cap = m->nstamp + 1;
	m->cand = xmalloc(m->cand_cap * sizeof *m->cand);
	m->next_free = xcalloc(g->ngroups + 1, sizeof *m->next_free);
	m->actx.g = g;
	m->gstamp = xcalloc(g->nguards + 1, sizeof *m->gstamp);
	m->gres = xcalloc(g->nguards + 1, 1);
	m->fstamp = xcalloc(g->nfilters + 1, sizeof *m->fstamp);
	m->fres = xcalloc(g->nfilters + 1, 1);
	m->fskip = xcalloc(g->nfilters + 1, sizeof *m->fskip);
	fl_init(m);
	fam_init(m);
	m->tss = xcalloc(g->ntoksets + 1, sizeof *m->tss);
	m->rxw = (g->nre + 63) / 64;
	m->rxtmp = xcalloc(m->rxw + 1, sizeof *m->rxtmp);
	rx_quick_init(m);
	for (uint32_t r = 0; r < g->nrules; r++)
		if (g->rules[r].ncode > m->dmax)
			m->dmax = g->rules[r].ncode;
	for (uint32_t r = 0; r < g->ntrigs; r++)
		if (g->trigs[r].ncode > m->dmax)
			m->dmax = g->trigs[r].ncode;
	m->dgen = xcalloc(m->dmax + 1, sizeof *m->dgen);
	m->dbits = xcalloc(m->dmax + 1, sizeof *m->dbits);
	m->gsstamp = xcalloc(g->nguards + 1, sizeof *m->gsstamp);
	m->gsres = xcalloc(g->nguards + 1, 1);
	m->ostamp = xcalloc(g->nrules + 1, sizeof *m->ostamp);
	m->oreach = xcalloc(g->nrules + 1, sizeof *m->oreach);
	pm_init(m);
	m->needmask = xcalloc(m->tsw + 1, sizeof *m->needmask);
	for (uint32_t f = 0; f < g->nfilters; f++)
		m->needmask[g->filters[f].need >> 6] |= 1ull << (g->filters[f].need & 63);
	m->occ_off = xcalloc((size_t)g->ntoksets + 2, sizeof *m->occ_off);
	const char *st = getenv("BESLUT_RULE_STATS");
	if (st && *st && strcmp(st, "0") != 0)
		m->rstats = xcalloc(g->nrules + 1, sizeof *m->rstats);
	return m;
}

void matcher_share_signatures(matcher_t *m, int on)
{
	m->sig_off = !on;
}

void matcher_share_prefixes(matcher_t *m, int on)
{
	m->fam_off = !on;
}

uint64_t matcher_prefix_replays(const matcher_t *m)
{
	return m->fam_replays;
}

static int rstat_cmp(const void *a, const void *b)
{
	const rstat_t *x = *(const rstat_t *const *)a, *y = *(const rstat_t *const *)b;
	return x->steps < y->steps ? 1 : x->steps > y->steps ? -1 : (x > y) - (x < y);
}

/* The per-rule statistics, most steps first, on standard error. */
static void rstats_print(const matcher_t *m)
{
	const grammar_t *g = m->g;
	const rstat_t **ord = xmalloc((g->nrules + 1) * sizeof *ord);
	uint64_t tot = 0;
	for (uint32_t r = 0; r < g->nrules; r++) {
		ord[r] = &m->rstats[r];
		tot += m->rstats[r].steps;
	}
	qsort(ord, g->nrules, sizeof *ord, rstat_cmp);
	fprintf(stderr, "signatures %u, words %u, regex vectors %u (kept at the end)\n", m->nsig,
	        m->nwt, m->nrxv);
	fprintf(stderr, "attempts answered from a shared prefix's recording %llu; steps executed %llu\n",
	        (unsigned long long)m->fam_replays, (unsigned long long)m->exec_steps);
	fprintf(stderr, "rule statistics (one matcher): %llu steps in all\n"
	        "%-32s %10s %12s %12s %8s %8s %6s\n", (unsigned long long)tot,
	        "rule", "attempts", "steps", "executed", "matches", "budget", "steps%");
	for (uint32_t k = 0; k < g->nrules; k++) {
		const rstat_t *s = ord[k];
		if (!s->attempts)
			continue;
		fprintf(stderr, "%-32s %10llu %12llu %12llu %8llu %8llu %6.2f\n", g->rules[s - m->rstats].name,
		        (unsigned long long)s->attempts, (unsigned long long)s->steps, (unsigned long long)s->exec,
		        (unsigned long long)s->matches, (unsigned long long)s->budget,
		        tot ? 100.0 * (double)s->steps / (double)tot : 0.0);
	}
	free(ord);
}

void matcher_free(matcher_t *m)
{
	if (!m)
		return;
	if (m->rstats) {
		rstats_print(m);
		free(m->rstats);
	}
	pcre2_match_data_free(m->md);
	free(m->bt);
	free(m->tr);
	free(m->tro);
	for (uint32_t f = 0; f < m->nfam; f++) {
		free(m->fam[f].ex);
		free(m->fam[f].ptr);
	}
	free(m->fam);
	free(m->rfam);
	free(m->best);
	free(m->regs);
	free(m->stamp);
	free(m->cand);
	free(m->next_free);
	free(m->nodes);
	free(m->cover);
	free(m->sort_tmp);
	free(m->memo);
	free(m->gstamp);
	free(m->gres);
	free(m->fstamp);
	free(m->fres);
	free(m->fskip);
	free(m->rfl);
	free(m->rgrp);
	free(m->lfilt);
	free(m->lskip);
	free(m->lstamp);
	free(m->lres);
	free(m->tss);
	free(m->wt);
	free(m->wth);
	free(m->wkey);
	free(m->rxv);
	free(m->rxh);
	free(m->rxtmp);
	free(m->rxfirst);
	free(m->rxmin);
	free(m->pmid);
	free(m->sig);
	free(m->sigh);
	free(m->sigb);
	free(m->cpool);
	free(m->tsig);
	free(m->tsb);
	free(m->dpool);
	free(m->tspres);
	free(m->needmask);
	free(m->occ_off);
	free(m->occ);
	free(m->ldead);
	free(m->tcand);
	free(m->gsstamp);
	free(m->gsres);
	free(m->ostamp);
	free(m->oreach);
	free(m->memo_gen);
	free(m->dgen);
	free(m->dbits);
	free(m->actx.tmp);
	buf_release(&m->actx.sbuf);
	buf_release(&m->sbuf);
	free(m);
}

static int pred_eval(matcher_t *m, const match_input_t *in, uint32_t p, const token_t *t);

/* pred_eval with the common leaves answered in place. */
static inline int pred_fast(matcher_t *m, const match_input_t *in, uint32_t p, const token_t *t)
{
	const pred_t *pr = &m->g->preds[p];
	switch (pr->op) {
	case PR_LIT: return t->sym == pr->a;
	case PR_STEM: return t->stem_sym == pr->a;
	case PR_KIND: return t->kind == pr->a;
	case PR_TFLAG: return (t->flags & pr->a) != 0;
	case PR_NOT:
		if (m->g->preds[pr->a].op == PR_LIT)
			return t->sym != m->g->preds[pr->a].a;
		return pred_eval(m, in, p, t);
	default: return pred_eval(m, in, p, t);
	}
}

static int pred_eval(matcher_t *m, const match_input_t *in, uint32_t p, const token_t *t)
{
	const grammar_t *g = m->g;
	const pred_t *pr = &g->preds[p];
	if ((t->flags & pr->rflags) != pr->rflags || (pr->rkind && t->kind != pr->rkind))
		return 0;
	switch (pr->op) {
	case PR_LIT: return t->sym == pr->a;
	case PR_STEM: return t->stem_sym == pr->a;
	case PR_CLASS1: return t->sym && (g->sym_single[t->sym] >> pr->a & 1);
	case PR_ANY: return 1;
	case PR_KIND: return t->kind == pr->a;
	case PR_TFLAG: return (t->flags & pr->a) != 0;
	case PR_AND:
	case PR_OR: {
		/* a chain (((x1 & x2) & x3) & x4) left to right without recursing
		 * down the spine */
		uint32_t stack[32];
		int sp = 0, want = pr->op == PR_OR;
		const pred_t *x = pr;
		while (x->op == pr->op && sp < 32) {
			stack[sp++] = x->b;
			x = &g->preds[x->a];
		}
		if (pred_fast(m, in, (uint32_t)(x - g->preds), t) == want)
			return want;
		while (sp > 0)
			if (pred_fast(m, in, stack[--sp], t) == want)
				return want;
		return !want;
	}
	case PR_NOT: return !pred_fast(m, in, pr->a, t);
	case PR_REGEX: {
		/* the result vector of the token's text (sig_prepare) */
		const sig_t *sg = &m->sig[m->tsig[t - in->toks->v]];
		return (m->rxv[(size_t)sg->rx * m->rxw + (pr->a >> 6)] >> (pr->a & 63)) & 1;
	}
	}
	return 0;
}

/* Predicate p on token pos, remembered per token signature. */
static inline int pm_eval(matcher_t *m, const match_input_t *in, uint32_t p, uint32_t pos)
{
	const token_t *t = &in->toks->v[pos];
	uint32_t id = m->pmid[p];
	if (id == UINT32_MAX)
		return pred_fast(m, in, p, t);
	const pred_t *pr = &m->g->preds[p];
	if ((t->flags & pr->rflags) != pr->rflags || (pr->rkind && t->kind != pr->rkind))
		return 0;
	uint64_t *w = &m->sigb[(size_t)m->tsig[pos] * m->sgw + m->tsw + 2 * (id >> 6)];
	uint64_t bit = 1ull << (id & 63);
	if (w[0] & bit)
		return (w[1] & bit) != 0;
	int r = pred_eval(m, in, p, t);
	w[0] |= bit;
	if (r)
		w[1] |= bit;
	return r;
}

static int set_find(const uint32_t *v, uint32_t lo, uint32_t end, uint32_t key)
{
	uint32_t hi = end;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < end && v[lo] == key;
}

static inline int set_has(const grammar_t *g, uint32_t set, const token_t *t)
{
	uint32_t lo = g->set_off[set], hi = g->set_off[set + 1];
	if (t->sym && set_find(g->setv, lo, hi, t->sym))
		return 1;
	return t->stem_sym && set_find(g->setv, lo, hi, t->stem_sym | SET_STEM);
}

static int assert_ok(const token_t *v, uint32_t n, uint32_t pos, uint32_t code)
{
	switch (code) {
	case AS_LINE_START: return pos < n && (v[pos].flags & TF_LINE_START);
	case AS_PARA_START: return pos < n && (v[pos].flags & TF_PARA_START);
	case AS_SENT_START: return pos < n && (v[pos].flags & TF_SENT_START);
	case AS_HEAD: return pos < n && (v[pos].flags & TF_HEADING);
	case AS_LINE_END: return pos > 0 && (v[pos - 1].flags & TF_LINE_END);
	case AS_PARA_END: return pos > 0 && (v[pos - 1].flags & TF_PARA_END);
	case AS_SENT_END: return pos > 0 && (v[pos - 1].flags & TF_SENT_END);
	}
	return 0;
}

static inline void bt_push(matcher_t *m, size_t *sp, uint32_t kind, uint32_t pc, uint32_t pos,
                           uint32_t trail)
{
	if (*sp == m->bt_cap)
		GROW(m->bt, m->bt_cap, *sp + 1);
	m->bt[(*sp)++] = (bt_t){pc, pos, trail, kind};
}

static void tr_reserve(matcher_t *m, size_t need)
{
	if (need > m->tr_cap) {
		GROW(m->tr, m->tr_cap, need);
		m->tro = xrealloc(m->tro, m->tr_cap * sizeof *m->tro);
	}
}

static inline void tr_push(matcher_t *m, uint8_t kind, uint32_t cd, uint32_t pos, uint32_t off)
{
	if (m->ntr == m->tr_cap)
		tr_reserve(m, m->ntr + 1);
	m->tro[m->ntr] = off;
	m->tr[m->ntr++] = (trail_ent_t){kind, cd, pos};
}

static void memo_reset(matcher_t *m)
{
	if (++m->gen == 0) {
		/* wrapped: forget all old stamps */
		memset(m->memo_gen, 0, m->memo_cap * sizeof *m->memo_gen);
		memset(m->dgen, 0, (m->dmax + 1) * sizeof *m->dgen);
		m->gen = 1;
	}
	m->memo_n = 0;
}

/* Record state key; returns 1 if it was already recorded in this attempt. */
static int memo_seen(matcher_t *m, uint64_t key)
{
	if ((m->memo_n + 1) * 2 > m->memo_cap) {
		uint32_t oc = m->memo_cap, nc = oc ? oc * 2 : 4096;
		uint64_t *ok = m->memo;
		uint32_t *og = m->memo_gen;
		m->memo = xmalloc(nc * sizeof *m->memo);
		m->memo_gen = xcalloc(nc, sizeof *m->memo_gen);
		m->memo_cap = nc;
		for (uint32_t i = 0; i < oc; i++)
			if (og[i] == m->gen) {
				uint32_t j = (uint32_t)((ok[i] * 0x9E3779B97F4A7C15ull) >> 40) & (nc - 1);
				while (m->memo_gen[j] == m->gen)
					j = (j + 1) & (nc - 1);
				m->memo[j] = ok[i];
				m->memo_gen[j] = m->gen;
			}
		free(ok);
		free(og);
	}
	uint32_t mask = m->memo_cap - 1;
	uint32_t j = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
	while (m->memo_gen[j] == m->gen) {
		if (m->memo[j] == key)
			return 1;
		j = (j + 1) & mask;
	}
	m->memo[j] = key;
	m->memo_gen[j] = m->gen;
	m->memo_n++;
	return 0;
}

/* Does token i pass guard gd (one of its first-token tests)? */
static int guard_eval(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i)
{
	const grammar_t *g = m->g;
	const token_t *t = &in->toks->v[i];
	int ok = 0;
	for (uint32_t q = g->guard_off[gd]; q < g->guard_off[gd + 1] && !ok; q++) {
		const insn_t *x = &g->guardv[q];
		switch (x->op) {
		case OP_LIT: ok = t->sym == x->a; break;
		case OP_STEM: ok = t->stem_sym == x->a; break;
		case OP_CLASS: ok = (t->classes >> x->a) & 1; break;
		case OP_SET: ok = set_has(g, x->a, t); break;
		case OP_PRED: ok = pm_eval(m, in, x->a, i); break;
		default: ok = 1; break;
		}
	}
	return ok;
}

/* Can a trigger with guard gd start at token i?  Evaluated once per token. */
static int guard_ok(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i)
{
	if (gd == GUARD_NONE)
		return 1;
	if (m->gstamp[gd] == i + 1)
		return m->gres[gd];
	int ok = guard_eval(m, in, gd, i);
	m->gstamp[gd] = i + 1;
	m->gres[gd] = (uint8_t)ok;
	return ok;
}

static inline int sorted_has(const uint32_t *v, uint32_t n, uint32_t key)
{
	return set_find(v, 0, n, key);
}

static int tokset_eval(matcher_t *m, const match_input_t *in, const tokset_t *s, uint32_t pos)
{
	const grammar_t *g = m->g;
	const token_t *t = &in->toks->v[pos];
	if (s->any || (t->classes & s->cls))
		return 1;
	if (t->sym) {
		if (g->sym_inner[t->sym] & s->cls_in)
			return 1;
		if ((s->symmask >> (t->sym & 63) & 1) && sorted_has(g->tsv + s->sym, s->nsym, t->sym))
			return 1;
	}
	if (t->stem_sym && (s->stemmask >> (t->stem_sym & 63) & 1) && sorted_has(g->tsv + s->stem, s->nstem, t->stem_sym))
		return 1;
	for (uint32_t q = 0; q < s->npred; q++)
		if (pm_eval(m, in, g->tsv[s->pred + q], pos))
			return 1;
	return 0;
}

/* Is token pos in token set k?  Read from the token's bits (see
 * "Signatures"). */
static inline int tokset_has(matcher_t *m, const match_input_t *in, uint32_t k, uint32_t pos)
{
	(void)in;
	return (m->tsb[(size_t)pos * m->tsw + (k >> 6)] >> (k & 63)) & 1;
}

static void filters_reset(matcher_t *m)
{
	memset(m->fstamp, 0, (m->g->nfilters + 1) * sizeof *m->fstamp);
	memset(m->fskip, 0, (m->g->nfilters + 1) * sizeof *m->fskip);
	memset(m->lskip, 0, (m->nfl + 1) * sizeof *m->lskip);
	memset(m->lstamp, 0, (m->nfl + 1) * sizeof *m->lstamp);
	for (uint32_t k = 0; k < m->g->ntoksets; k++)
		m->tss[k] = (tsstate_t){.brk_from = 1, .brk = 0, .brk_real = 1, .back_q = UINT32_MAX,
		                        .occ_c = m->occ_off[k]};
}

/* The first member of need set k (state ns) at or after token p, or n
 * when there is none: read from the set's occurrences in the document
 * (sig_prepare).  Queries come with p ascending, so the cursor only moves
 * forward; one with a smaller p starts the set's list over. */
static uint32_t need_first(matcher_t *m, uint32_t k, tsstate_t *ns, uint32_t p, uint32_t n)
{
	uint32_t c = ns->occ_c, lo = m->occ_off[k], hi = m->occ_off[k + 1];
	if (c > lo && m->occ[c - 1] >= p)
		c = lo;
	while (c < hi && m->occ[c] < p)
		c++;
	ns->occ_c = c;
	return c < hi ? m->occ[c] : n;
}

/* The last token in [lo, q) not in token set k (state ps), or UINT32_MAX
 * when all are in it; scanned backwards from q, and kept for the other
 * filters with the same `pre` that ask about the same q. */
static uint32_t pre_last_out(matcher_t *m, const match_input_t *in, uint32_t k, tsstate_t *ps,
                             uint32_t lo, uint32_t q)
{
	if (ps->back_q == q && lo >= ps->back_lo)
		return ps->back_b != UINT32_MAX && ps->back_b >= lo ? ps->back_b : UINT32_MAX;
	uint32_t p = q;
	while (p > lo && tokset_has(m, in, k, p - 1))
		p--;
	ps->back_lo = lo;
	ps->back_q = q;
	ps->back_b = p > lo ? p - 1 : UINT32_MAX;
	return ps->back_b;
}

/* Can a rule with filter f match at token i?  0 only when no match can
 * exist (see "Required tokens").  Queries come with i ascending.  On a
 * 0, fskip[f] is set to the first token where the filter could pass:
 * with no `need` token in [i, q), every passing token i' >= i has a need
 * token at or after q within its reach (i' >= q - reach) and, when the run
 * of `pre` tokens from i breaks at brk < q, starts after brk (the run from
 * any i' <= brk breaks there too); more generally, it starts after the
 * last token before q that is not in `pre` (found by pre_last_out). */
static int filter_ok(matcher_t *m, const match_input_t *in, uint32_t f, uint32_t i)
{
	if (i < m->fskip[f])
		return 0;
	if (m->fstamp[f] == i + 1)
		return m->fres[f];
	const grammar_t *g = m->g;
	const filter_t *fl = &g->filters[f];
	const tokset_t *pre = &g->toksets[fl->pre];
	tsstate_t *ps = &m->tss[fl->pre], *ns = &m->tss[fl->need];
	uint32_t n = (uint32_t)in->toks->n;
	uint32_t want = n;
	if (fl->reach != REACH_INF && i + (uint64_t)fl->reach < n)
		want = i + fl->reach;
	/* the run of pre tokens from i, followed as far as the reach needs */
	if (!(ps->brk_from <= i && i <= ps->brk)) {
		ps->brk_from = ps->brk = i;
		ps->brk_real = 0;
	}
	if (pre->any) {
		ps->brk = n;
		ps->brk_real = 1;
	}
	if (!ps->brk_real && ps->brk < want) {
		uint32_t p = ps->brk;
		while (p < want && tokset_has(m, in, fl->pre, p))
			p++;
		ps->brk_real = p < want;
		ps->brk = p;
	}
	uint32_t lim = ps->brk < want ? ps->brk : want;
	/* first need token at or after i */
	if (!(ns->need_found && ns->need_pos >= i)) {
		uint32_t p = need_first(m, fl->need, ns, ns->need_scan > i ? ns->need_scan : i, n);
		ns->need_found = p < n;
		ns->need_pos = p;
		ns->need_scan = p < n ? p + 1 : n;
	}
	m->fstamp[f] = i + 1;
	m->fres[f] = (uint8_t)(ns->need_found && ns->need_pos <= lim);
	if (!m->fres[f]) {
		/* no need token in [i, q) */
		uint32_t q = ns->need_found ? ns->need_pos : ns->need_scan;
		uint32_t skip = i + 1;
		if (q >= n)
			skip = n;
		if (fl->reach != REACH_INF && q > fl->reach && q - fl->reach > skip)
			skip = q - fl->reach;
		if (ps->brk_real && ps->brk < q && ps->brk + 1 > skip)
			skip = ps->brk + 1;
		if (skip < q && q < n) {
			/* a pass at i' < q needs all of [i', q) in pre */
			uint32_t b = pre_last_out(m, in, fl->pre, ps, skip, q);
			if (b != UINT32_MAX)
				skip = b + 1;
		}
		m->fskip[f] = skip;
	}
	return m->fres[f];
}

/* Record an exit from the shared prefix of family fm: the state (pc,
 * pos, trail) the program enters the rest of the rule in, after psteps
 * steps in the prefix.  0 when the recording is full. */
static int fam_exit(matcher_t *m, fam_t *fm, uint32_t off, uint32_t pos, unsigned psteps)
{
	if (fm->nex == FAM_EXITS || fm->nptr + m->ntr > FAM_TRAIL)
		return 0;
	if (fm->nex == fm->ex_cap)
		GROW(fm->ex, fm->ex_cap, (size_t)fm->nex + 1);
	if (fm->ptr_cap < (size_t)fm->nptr + m->ntr)
		GROW(fm->ptr, fm->ptr_cap, (size_t)fm->nptr + m->ntr);
	fm->ex[fm->nex++] = (pexit_t){off, pos, psteps, fm->nptr, (uint32_t)m->ntr};
	for (size_t k = 0; k < m->ntr; k++)
		fm->ptr[fm->nptr++] = (ptrail_t){m->tro[k], m->tr[k].pos};
	return 1;
}

/* Run rule r from instruction pc at token pos (the attempt started at
 * token start), with *steps_io steps spent and *hi_io the furthest
 * instruction executed so far; both are updated.  The trail, memo and
 * registers are the caller's.  Returns 1 and the end token on a match, 0
 * when every path failed, -1 when the steps ran out.  With fm, the run
 * starts at the rule's entry and records how it leaves the family's shared
 * prefix (see "Shared prefixes"). */
static int vm_exec(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
                   uint32_t pc, uint32_t pos, unsigned *steps_io, uint32_t *hi_io, fam_t *fm,
                   int memo, uint32_t *end_out)
{
	const grammar_t *g = m->g;
	const insn_t *code = g->code;
	const token_t *v = in->toks->v;
	uint32_t n = (uint32_t)in->toks->n;
	uint32_t hi = *hi_io;
	size_t sp = 0;
	unsigned steps = *steps_io, steps0 = steps;
	/* recording: in the prefix or not; the choice points below cbase are
	 * the prefix's; cont steps were spent after it, s0 the steps at the
	 * last exit */
	int inp = 1;
	size_t cbase = 0;
	unsigned csteps = 0, s0 = 0;
	uint32_t plen = fm ? fm->len : 0, phi = 0;
	for (;;) {
		if (fm && inp) {
			uint32_t off = pc - r->entry;
			if (off >= plen) {
				if (!fam_exit(m, fm, off, pos, steps - csteps)) {
					fm = NULL;
				} else {
					inp = 0;
					cbase = sp;
					s0 = steps;
				}
			} else if (off > phi) {
				phi = off;
			}
		}
		if (++steps > BESLUT_MATCH_STEP_BUDGET) {
			*steps_io = steps;
			*hi_io = hi;
			m->exec_steps += steps - steps0;
			return -1;
		}
		if (pc > hi)
			hi = pc;
		const insn_t *in_ = &code[pc];
		switch (in_->op) {
		case OP_LIT:
			if (pos < n && v[pos].sym == in_->a) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case OP_STEM:
			if (pos < n && v[pos].stem_sym == in_->a) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case OP_CLASS:
			if (pos < n && (v[pos].classes >> in_->a & 1)) {
				uint32_t e = lex_longest(g, in_->a, v, pos, n, NULL);
				if (e > pos) {
					pos = e, pc++;
					continue;
				}
			}
			goto fail;
		case OP_SET:
			if (pos < n && set_has(g, in_->a, &v[pos])) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case OP_PRED:
			if (pos < n && pm_eval(m, in, in_->a, pos)) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case OP_ANY:
			if (pos < n) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case OP_SPLIT:
			/* A SPLIT met again at the same position: everything after it
			 * has been tried and failed (see "Memoization" above). */
			if (memo) {
				/* positions near the start: a direct table per instruction */
				uint32_t d = pos - start, slot = pc - r->entry;
				if (d < 64 && slot < r->ncode) {
					uint64_t bit = 1ull << d;
					if (m->dgen[slot] != m->gen) {
						m->dgen[slot] = m->gen;
						m->dbits[slot] = bit;
					} else if (m->dbits[slot] & bit) {
						goto fail;
					} else {
						m->dbits[slot] |= bit;
					}
				} else if (memo_seen(m, (uint64_t)pc << 32 | pos)) {
					goto fail;
				}
			}
			{
				/* The first branch begins with a one-token test or an
				 * assertion: run it here.  On failure the backtracking would
				 * resume at b at once, so go there without the choice point;
				 * on success push it and go on after the test.  Either way
				 * the test counts as the step it is (see "Shared openings"
				 * for hi). */
				const insn_t *x = &code[in_->a];
				int ok, adv = 1;
				switch (x->op) {
				case OP_LIT: ok = pos < n && v[pos].sym == x->a; break;
				case OP_STEM: ok = pos < n && v[pos].stem_sym == x->a; break;
				case OP_SET: ok = pos < n && set_has(g, x->a, &v[pos]); break;
				case OP_PRED: ok = pos < n && pm_eval(m, in, x->a, pos); break;
				case OP_ANY: ok = pos < n; break;
				case OP_ASSERT: ok = assert_ok(v, n, pos, x->a), adv = 0; break;
				default: ok = -1; break;
				}
				if (ok >= 0) {
					if (++steps > BESLUT_MATCH_STEP_BUDGET) {
						*steps_io = steps;
						*hi_io = hi;
						m->exec_steps += steps - steps0;
						return -1;
					}
					if (in_->a > hi)
						hi = in_->a;
					if (fm && inp && in_->a - r->entry > phi)
						phi = in_->a - r->entry;
					if (!ok) {
						pc = in_->b;
						continue;
					}
					bt_push(m, &sp, BT_BRANCH, in_->b, pos, (uint32_t)m->ntr);
					pos += (uint32_t)adv;
					pc = in_->a + 1;
					continue;
				}
			}
			bt_push(m, &sp, BT_BRANCH, in_->b, pos, (uint32_t)m->ntr);
			pc = in_->a;
			continue;
		case OP_JMP:
			pc = in_->a;
			continue;
		case OP_ASSERT:
			if (assert_ok(v, n, pos, in_->a)) {
				pc++;
				continue;
			}
			goto fail;
		case OP_OPEN:
			tr_push(m, TR_OPEN, in_->a, pos, pc - r->entry);
			pc++;
			continue;
		case OP_CLOSE:
			tr_push(m, TR_CLOSE, 0, pos, pc - r->entry);
			pc++;
			continue;
		case OP_FLAG:
			tr_push(m, TR_FLAG, in_->a, pos, pc - r->entry);
			pc++;
			continue;
		case OP_MARK:
			bt_push(m, &sp, BT_REG, in_->a, m->regs[in_->a], 0);
			m->regs[in_->a] = pos;
			pc++;
			continue;
		case OP_PROGRESS:
			if (m->regs[in_->a] == pos)
				goto fail;
			pc++;
			continue;
		case OP_MATCH:
			*end_out = pos;
			*steps_io = steps;
			*hi_io = hi;
			m->exec_steps += steps - steps0;
			return 1;
		}
	fail:
		for (;;) {
			if (sp == 0) {
				if (fm) {
					if (!inp)
						csteps += steps - s0;
					fm->complete = 1;
					fm->pend = steps - csteps;
					fm->phi = phi;
				}
				*steps_io = steps;
				*hi_io = hi;
				m->exec_steps += steps - steps0;
				return 0;
			}
			bt_t *b = &m->bt[--sp];
			if (fm && !inp && sp < cbase) {
				/* the rest failed from this exit: back in the prefix */
				csteps += steps - s0;
				inp = 1;
			}
			if (b->kind == BT_REG) {
				m->regs[b->pc] = b->pos;
				continue;
			}
			pc = b->pc;
			pos = b->pos;
			m->ntr = b->trail;
			break;
		}
	}
}

/* Start an attempt of rule r at token start: trail, memo, registers. */
static int vm_begin(matcher_t *m, const rule_t *r)
{
	int memo = r->nregs == 0;
	m->ntr = 0;
	if (memo)
		memo_reset(m);
	for (uint32_t i = 0; i < r->nregs; i++)
		m->regs[i] = UINT32_MAX;
	return memo;
}

/* The end of an attempt: last_steps, last_reach, the budget count. */
static int vm_end(matcher_t *m, const rule_t *r, int rc, unsigned steps, uint32_t hi)
{
	m->last_steps = steps;
	m->last_reach = hi - r->entry;
	if (rc < 0) {
		m->budget_hits++;
		return 0;
	}
	return rc;
}

/* Run rule r at token start.  Returns 1 and the end token on a match; the
 * trail (m->tr, m->ntr) then holds the match's capture events.  Sets
 * last_steps and last_reach (see "Shared openings"). */
static int vm_run(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
                  uint32_t *end_out)
{
	int memo = vm_begin(m, r);
	unsigned steps = 0;
	uint32_t hi = r->entry;
	int rc = vm_exec(m, in, r, start, r->entry, start, &steps, &hi, NULL, memo, end_out);
	return vm_end(m, r, rc, steps, hi);
}

/* vm_run for a rule of family fm: from the family's recording at this
 * token when there is one (the rest of the rule run from each recorded
 * exit in turn, the steps counted as the whole run would have counted
 * them), else a run that records. */
static int vm_run_fam(matcher_t *m, const match_input_t *in, const rule_t *r, fam_t *fm,
                      uint32_t start, uint32_t *end_out)
{
	const insn_t *code = m->g->code;
	unsigned steps = 0;
	uint32_t hi = r->entry;
	if (fm->stamp == start + 1) {
		vm_begin(m, r);
		unsigned csteps = 0;
		for (uint32_t k = 0; k < fm->nex; k++) {
			const pexit_t *x = &fm->ex[k];
			steps = x->psteps + csteps;
			if (steps > BESLUT_MATCH_STEP_BUDGET)
				return vm_end(m, r, -1, BESLUT_MATCH_STEP_BUDGET + 1, hi);
			/* the prefix's trail, with this rule's capture sites */
			tr_reserve(m, x->ntr);
			for (uint32_t q = 0; q < x->ntr; q++) {
				const ptrail_t *t = &fm->ptr[x->tr + q];
				const insn_t *c = &code[r->entry + t->off];
				m->tro[q] = t->off;
				m->tr[q] = (trail_ent_t){c->op == OP_OPEN ? TR_OPEN : c->op == OP_CLOSE ? TR_CLOSE : TR_FLAG,
				                         c->op == OP_CLOSE ? 0 : c->a, t->pos};
			}
			m->ntr = x->ntr;
			int rc = vm_exec(m, in, r, start, r->entry + x->off, x->pos, &steps, &hi, NULL, 1, end_out);
			if (rc != 0) {
				m->fam_replays++;
				return vm_end(m, r, rc, steps, hi);
			}
			csteps = steps - x->psteps;
		}
		if (fm->complete) {
			m->fam_replays++;
			steps = fm->pend + csteps;
			if (steps > BESLUT_MATCH_STEP_BUDGET)
				return vm_end(m, r, -1, BESLUT_MATCH_STEP_BUDGET + 1, hi);
			if (r->entry + fm->phi > hi)
				hi = r->entry + fm->phi;
			return vm_end(m, r, 0, steps, hi);
		}
		/* the recording stopped before this rule's answer: run it whole */
		steps = 0;
		hi = r->entry;
	}
	fm->stamp = start + 1;
	fm->nex = fm->nptr = 0;
	fm->complete = 0;
	int memo = vm_begin(m, r);
	int rc = vm_exec(m, in, r, start, r->entry, start, &steps, &hi, fm, memo, end_out);
	return vm_end(m, r, rc, steps, hi);
}

/* Candidate rules of index ix at token t, deduplicated, ascending. */
static size_t candidates(matcher_t *m, const pindex_t *ix, const token_t *t, uint32_t stamp)
{
	uint32_t *st = m->stamp, *c = m->cand;
	size_t nc = 0;
#define ADD_RANGE(lo, hi)                                   \
	for (uint32_t q_ = (lo); q_ < (hi); q_++) {             \
		uint32_t r_ = ix->list[q_];                         \
		if (st[r_] != stamp) {                              \
			st[r_] = stamp;                                 \
			c[nc++] = r_;                                   \
		}                                                   \
	}
	if (t->sym)
		ADD_RANGE(ix->sym_off[t->sym], ix->sym_off[t->sym + 1]);
	if (t->stem_sym)
		ADD_RANGE(ix->stem_off[t->stem_sym], ix->stem_off[t->stem_sym + 1]);
	uint64_t cb = t->classes & ix->class_used;
	while (cb) {
		int b = __builtin_ctzll(cb);
		cb &= cb - 1;
		ADD_RANGE(ix->class_off[b], ix->class_off[b + 1]);
	}
	if (t->kind < 5)
		ADD_RANGE(ix->kind_off[t->kind], ix->kind_off[t->kind + 1]);
	uint32_t fb = t->flags & ix->flag_used;
	while (fb) {
		int b = __builtin_ctz(fb);
		fb &= fb - 1;
		ADD_RANGE(ix->flag_off[b], ix->flag_off[b + 1]);
	}
	for (uint32_t q = 0; q < ix->nany; q++) {
		uint32_t r = ix->any[q];
		if (st[r] != stamp) {
			st[r] = stamp;
			c[nc++] = r;
		}
	}
#undef ADD_RANGE
	/* insertion sort: lists are short and mostly sorted */
	for (size_t i = 1; i < nc; i++) {
		uint32_t x = c[i];
		size_t j = i;
		while (j > 0 && c[j - 1] > x) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
	return nc;
}

/* Signatures kept from document to document at most; beyond, the cache
 * starts afresh at the next document. */
#define SIG_KEEP 65536

static void wt_clear(matcher_t *m)
{
	m->nwt = 0;
	m->nwkey = 0;
	if (m->wth)
		memset(m->wth, 0, m->wth_cap * sizeof *m->wth);
}

static void sig_clear(matcher_t *m)
{
	m->nsig = 0;
	m->ncpool = 0;
	if (m->sigh)
		memset(m->sigh, 0, m->sigh_cap * sizeof *m->sigh);
	/* the vectors the signatures and words refer to */
	wt_clear(m);
	m->nrxv = 0;
	if (m->rxh)
		memset(m->rxh, 0, m->rxh_cap * sizeof *m->rxh);
}

static void sig_rehash(matcher_t *m)
{
	uint32_t nc = m->sigh_cap ? m->sigh_cap * 2 : 4096;
	free(m->sigh);
	m->sigh = xcalloc(nc, sizeof *m->sigh);
	m->sigh_cap = nc;
	for (uint32_t k = 0; k < m->nsig; k++) {
		uint32_t j = m->sig[k].hash & (nc - 1);
		while (m->sigh[j])
			j = (j + 1) & (nc - 1);
		m->sigh[j] = k + 1;
	}
}

static uint64_t rxv_hash(const uint64_t *v, uint32_t w)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (uint32_t k = 0; k < w; k++) {
		x ^= v[k];
		x *= 0xD6E8FEB86659FD93ull;
		x ^= x >> 32;
	}
	return x;
}

/* The id of regex result vector m->rxtmp, interned. */
static uint32_t rxv_intern(matcher_t *m)
{
	uint32_t w = m->rxw;
	if (((size_t)m->nrxv + 1) * 2 > m->rxh_cap) {
		uint32_t nc = m->rxh_cap ? m->rxh_cap * 2 : 256;
		free(m->rxh);
		m->rxh = xcalloc(nc, sizeof *m->rxh);
		m->rxh_cap = nc;
		for (uint32_t k = 0; k < m->nrxv; k++) {
			uint32_t j = (uint32_t)rxv_hash(m->rxv + (size_t)k * w, w) & (nc - 1);
			while (m->rxh[j])
				j = (j + 1) & (nc - 1);
			m->rxh[j] = k + 1;
		}
	}
	uint32_t mask = m->rxh_cap - 1, j = (uint32_t)rxv_hash(m->rxtmp, w) & mask;
	for (;;) {
		uint32_t id = m->rxh[j];
		if (!id)
			break;
		if (memcmp(m->rxv + (size_t)(id - 1) * w, m->rxtmp, w * sizeof *m->rxtmp) == 0)
			return id - 1;
		j = (j + 1) & mask;
	}
	if (m->rxv_cap < ((size_t)m->nrxv + 1) * w)
		GROW(m->rxv, m->rxv_cap, ((size_t)m->nrxv + 1) * w);
	memcpy(m->rxv + (size_t)m->nrxv * w, m->rxtmp, w * sizeof *m->rxtmp);
	m->rxh[j] = m->nrxv + 1;
	return m->nrxv++;
}

/* A hash of s[0..n) read eight bytes at a time (FNV-1a byte by byte was
 * a chain of multiplies as long as the word, on every token). */
static inline uint64_t hash_words(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	h *= 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 32);
}

static inline int same_bytes(const char *a, const char *b, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		if (a[k] != b[k])
			return 0;
	return 1;
}

/* The word table entry of text txt[0..len) with hash h: looked up, or
 * made with every regex run on the text once. */
static uint32_t word_find(matcher_t *m, const char *txt, uint32_t len, uint32_t h)
{
	if (((size_t)m->nwt + 1) * 2 > m->wth_cap) {
		uint32_t nc = m->wth_cap ? m->wth_cap * 2 : 4096;
		free(m->wth);
		m->wth = xcalloc(nc, sizeof *m->wth);
		m->wth_cap = nc;
		for (uint32_t k = 0; k < m->nwt; k++) {
			uint32_t j = m->wt[k].hash & (nc - 1);
			while (m->wth[j])
				j = (j + 1) & (nc - 1);
			m->wth[j] = k + 1;
		}
	}
	uint64_t head = 0;
	memcpy(&head, txt, len < 8 ? len : 8);
	uint32_t mask = m->wth_cap - 1, j = h & mask;
	for (;;) {
		uint32_t id = m->wth[j];
		if (!id)
			break;
		const wtent_t *e = &m->wt[id - 1];
		if (e->hash == h && e->len == len && e->head == head &&
		    (len <= 8 || same_bytes(m->wkey + e->key + 8, txt + 8, len - 8)))
			return id - 1;
		j = (j + 1) & mask;
	}
	const grammar_t *g = m->g;
	memset(m->rxtmp, 0, m->rxw * sizeof *m->rxtmp);
	PCRE2_SPTR s = (PCRE2_SPTR)txt;
	for (uint32_t r = 0; r < g->nre; r++) {
		/* a text shorter than any match (bytes >= characters), or
		 * beginning with a byte no match begins with */
		if (len < m->rxmin[r] || (len && !(m->rxfirst[r][s[0] >> 3] >> (s[0] & 7) & 1)))
			continue;
		int rc = g->re_jit[r] ? pcre2_jit_match(g->re[r], s, len, 0, 0, m->md, NULL)
		                      : pcre2_match(g->re[r], s, len, 0, PCRE2_NO_UTF_CHECK, m->md, NULL);
		if (rc >= 0)
			m->rxtmp[r >> 6] |= 1ull << (r & 63);
	}
	uint32_t rx = rxv_intern(m);
	if (m->nwt == m->wt_cap)
		GROW(m->wt, m->wt_cap, (size_t)m->nwt + 1);
	if (m->wkey_cap < m->nwkey + len)
		GROW(m->wkey, m->wkey_cap, m->nwkey + len);
	if (len)
		memcpy(m->wkey + m->nwkey, txt, len);
	m->wt[m->nwt] = (wtent_t){head, (uint32_t)m->nwkey, len, h, rx, 0};
	m->nwkey += len;
	m->wth[j] = ++m->nwt;
	return m->nwt - 1;
}

static uint32_t sig_add(matcher_t *m, const token_t *t, uint32_t fl, uint32_t rx, uint32_t h)
{
	if (m->nsig == m->sig_cap)
		GROW(m->sig, m->sig_cap, (size_t)m->nsig + 1);
	size_t words = ((size_t)m->nsig + 1) * m->sgw + 1; /* + 1: never NULL, even with no token sets */
	if (m->sigb_cap < words)
		GROW(m->sigb, m->sigb_cap, words);
	if (m->sgw)
		memset(m->sigb + (size_t)m->nsig * m->sgw, 0, m->sgw * sizeof *m->sigb);
	sig_t *s = &m->sig[m->nsig];
	*s = (sig_t){.sym = t->sym, .stem_sym = t->stem_sym, .classes = t->classes, .flags = fl,
	             .rx = rx, .hash = h, .cand = UINT32_MAX, .ncand = 0, .kind = t->kind,
	             .dstamp = 0, .dcand = 0, .dncand = 0, .ts_done = 0};
	return m->nsig++;
}

/* The rules that may start at token i (of signature s): the candidates
 * whose guards pass, built at the first token with that signature. */
static void sig_cands(matcher_t *m, const match_input_t *in, sig_t *s, uint32_t i)
{
	const grammar_t *g = m->g;
	size_t nc = candidates(m, &g->rix, &in->toks->v[i], i + 1);
	if (++m->gtick == 0) {
		memset(m->gsstamp, 0, (g->nguards + 1) * sizeof *m->gsstamp);
		m->gtick = 1;
	}
	if (m->cpool_cap < m->ncpool + nc + 1) /* + 1: never a NULL pool, even for no candidates */
		GROW(m->cpool, m->cpool_cap, m->ncpool + nc + 1);
	uint32_t *out = m->cpool + m->ncpool;
	size_t k = 0;
	for (size_t q = 0; q < nc; q++) {
		uint32_t gd = g->rules[m->cand[q]].guard;
		if (gd != GUARD_NONE) {
			if (m->gsstamp[gd] != m->gtick) {
				m->gsstamp[gd] = m->gtick;
				m->gsres[gd] = (uint8_t)guard_eval(m, in, gd, i);
			}
			if (!m->gsres[gd])
				continue;
		}
		out[k++] = m->cand[q];
	}
	s->cand = (uint32_t)m->ncpool;
	s->ncand = (uint32_t)k;
	m->ncpool += k;
}

/* The signature of every token of the document (see "Signatures"). */
static void sig_prepare(matcher_t *m, const match_input_t *in)
{
	const token_t *v = in->toks->v;
	uint32_t n = (uint32_t)in->toks->n;
	if (m->tsig_cap < (size_t)n + 1)
		GROW(m->tsig, m->tsig_cap, (size_t)n + 1);
	if (m->tsb_cap < ((size_t)n + 1) * m->tsw + 1)
		GROW(m->tsb, m->tsb_cap, ((size_t)n + 1) * m->tsw + 1);
	if (m->tcand_cap < ((size_t)n + 1) * 2)
		GROW(m->tcand, m->tcand_cap, ((size_t)n + 1) * 2);
	if (m->nsig > SIG_KEEP || m->nrxv > RXV_KEEP || m->sig_off)
		sig_clear(m);
	else if (m->nwt > WT_KEEP || m->nwkey > (size_t)WT_KEEP * 16)
		wt_clear(m);
	if (!m->tspres)
		m->tspres = xcalloc(m->tsw + 1, sizeof *m->tspres);
	memset(m->tspres, 0, (m->tsw + 1) * sizeof *m->tspres);
	memset(m->occ_off, 0, ((size_t)m->g->ntoksets + 2) * sizeof *m->occ_off);
	m->last_n = n;
	for (uint32_t i = 0; i < n; i++) {
		const token_t *t = &v[i];
		uint32_t fl = t->flags & m->sig_flags;
		uint32_t rx = 0, wi = UINT32_MAX, id;
		if (m->sig_text) {
			const char *txt = in->text + t->off;
			uint32_t th = (uint32_t)hash_words(txt, t->len);
			wi = word_find(m, txt, t->len, th);
			rx = m->wt[wi].rx;
			/* the signature of the last token with this text, when its
			 * flags were the same (the rest comes from the text) */
			uint32_t c = m->wt[wi].sig;
			if (c && !m->sig_off) {
				const sig_t *s = &m->sig[c - 1];
				if (s->flags == fl && s->sym == t->sym && s->stem_sym == t->stem_sym &&
				    s->classes == t->classes && s->kind == t->kind && s->rx == rx) {
					id = c - 1;
					goto found;
				}
			}
		}
		uint64_t x = 14695981039346656037ull ^ rx;
		x ^= ((uint64_t)t->sym << 32 | t->stem_sym) * 0x9E3779B97F4A7C15ull;
		x ^= t->classes * 0xC2B2AE3D27D4EB4Full;
		x ^= ((uint64_t)fl << 8 | t->kind) * 0x165667B19E3779F9ull;
		x ^= x >> 31;
		x *= 0xD6E8FEB86659FD93ull;
		uint32_t h = (uint32_t)(x >> 32);
		if (m->sig_off) {
			id = sig_add(m, t, fl, rx, h);
			goto found;
		}
		if (((size_t)m->nsig + 1) * 2 > m->sigh_cap)
			sig_rehash(m);
		uint32_t mask = m->sigh_cap - 1, j = h & mask;
		for (;;) {
			id = m->sigh[j];
			if (!id) {
				id = sig_add(m, t, fl, rx, h);
				m->sigh[j] = id + 1;
				break;
			}
			const sig_t *s = &m->sig[id - 1];
			if (s->hash == h && s->sym == t->sym && s->stem_sym == t->stem_sym &&
			    s->classes == t->classes && s->flags == fl && s->kind == t->kind && s->rx == rx) {
				id--;
				break;
			}
			j = (j + 1) & mask;
		}
	found:
		if (wi != UINT32_MAX)
			m->wt[wi].sig = id + 1;
		m->tsig[i] = id;
		uint64_t *b = m->sigb + (size_t)id * m->sgw;
		if (!m->sig[id].ts_done) {
			/* every token set, once per signature */
			for (uint32_t k = 0; k < m->g->ntoksets; k++)
				if (tokset_eval(m, in, &m->g->toksets[k], i))
					b[k >> 6] |= 1ull << (k & 63);
			m->sig[id].ts_done = 1;
		}
		for (uint32_t w = 0; w < m->tsw; w++) {
			m->tsb[(size_t)i * m->tsw + w] = b[w];
			m->tspres[w] |= b[w];
			for (uint64_t nb = b[w] & m->needmask[w]; nb; nb &= nb - 1)
				m->occ_off[w * 64 + (uint32_t)__builtin_ctzll(nb) + 1]++;
		}
		if (m->sig[id].cand == UINT32_MAX)
			sig_cands(m, in, &m->sig[id], i);
		m->tcand[2 * i] = m->sig[id].cand;
		m->tcand[2 * i + 1] = m->sig[id].ncand;
	}
	/* the occurrences of the need sets, by set (counted above) */
	const grammar_t *g = m->g;
	for (uint32_t k = 0; k < g->ntoksets; k++)
		m->occ_off[k + 1] += m->occ_off[k];
	if (m->occ_cap < (size_t)m->occ_off[g->ntoksets] + 1)
		GROW(m->occ, m->occ_cap, (size_t)m->occ_off[g->ntoksets] + 1);
	for (uint32_t i = 0; i < n; i++) {
		const uint64_t *b = m->tsb + (size_t)i * m->tsw;
		for (uint32_t w = 0; w < m->tsw; w++)
			for (uint64_t x = b[w] & m->needmask[w]; x; x &= x - 1)
				m->occ[m->occ_off[w * 64 + (uint32_t)__builtin_ctzll(x)]++] = i;
	}
	/* each set's fill cursor ended at the next set's start: shift back */
	for (uint32_t k = g->ntoksets; k > 0; k--)
		m->occ_off[k] = m->occ_off[k - 1];
	m->occ_off[0] = 0;
	m->cbase = m->cpool;
	/* rules asleep in the whole document (see "Absent required tokens") */
	uint32_t ndead = 0;
	for (uint32_t l = 0; l < m->nfl; l++) {
		uint32_t nf = m->lfilt[2 * l + 1];
		const uint32_t *fv = nf ? g->rfilt + m->lfilt[2 * l] : NULL; /* rfilt is NULL without filters */
		/* dead: in every path some filter's need is absent */
		int alive = 0;
		for (uint32_t q = 0; q < nf && !alive;) {
			const uint8_t *cj = g->rfcj + m->lfilt[2 * l];
			int pass = 1;
			do {
				uint32_t k = g->filters[fv[q]].need;
				pass &= (int)(m->tspres[k >> 6] >> (k & 63)) & 1;
				q++;
			} while (q < nf && cj[q]);
			alive = pass;
		}
		m->ldead[l] = (uint8_t)(nf > 0 && !alive);
		ndead += m->ldead[l];
	}
	if (!ndead)
		return;
	if (++m->docno == 0) {
		for (uint32_t k = 0; k < m->nsig; k++)
			m->sig[k].dstamp = 0;
		m->docno = 1;
	}
	m->ndpool = 0;
	for (uint32_t i = 0; i < n; i++) {
		sig_t *s = &m->sig[m->tsig[i]];
		if (s->dstamp != m->docno) {
			if (m->dpool_cap < m->ndpool + s->ncand + 1)
				GROW(m->dpool, m->dpool_cap, m->ndpool + s->ncand + 1);
			const uint32_t *c = m->cpool + s->cand;
			uint32_t k = 0;
			for (uint32_t q = 0; q < s->ncand; q++)
				if (!m->ldead[m->rgrp[2 * c[q] + 1]])
					m->dpool[m->ndpool + k++] = c[q];
			s->dstamp = m->docno;
			s->dcand = (uint32_t)m->ndpool;
			s->dncand = k;
			m->ndpool += k;
		}
		m->tcand[2 * i] = s->dcand;
		m->tcand[2 * i + 1] = s->dncand;
	}
	m->cbase = m->dpool;
}

int matcher_rule_offered(const matcher_t *m, uint32_t r)
{
	for (uint32_t i = 0; i < m->last_n; i++) {
		const uint32_t *c = m->cbase + m->tcand[2 * i];
		for (uint32_t q = 0; q < m->tcand[2 * i + 1]; q++)
			if (c[q] == r)
				return 1;
	}
	return 0;
}

static void emit_match(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
                       uint32_t end, recvec_t *out, buf_t *dump)
{
	m->actx.in = in;
	m->actx.nnodes = capture_tree(m->best, m->nbest, start, end, m->g, &m->nodes, &m->nodes_cap);
	m->actx.nodes = m->nodes;
	actions_run(&m->actx, r, out);
	if (dump) {
		span_text(in, start, end, &m->sbuf);
		buf_printf(dump, "%s\t%u\t%u\t%s\n", r->name, start, end, m->sbuf.data ? m->sbuf.data : "");
	}
}

static int rec_before(const record_t *a, const record_t *b)
{
	return a->tok_start < b->tok_start;
}

/* Stable merge sort of v[0..n) by tok_start (records are nearly sorted). */
static void sort_records(matcher_t *m, record_t *v, size_t n)
{
	size_t i;
	for (i = 1; i < n; i++)
		if (rec_before(&v[i], &v[i - 1]))
			break;
	if (i >= n)
		return;
	if (m->sort_cap < n)
		GROW(m->sort_tmp, m->sort_cap, n);
	record_t *a = v, *b = m->sort_tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t p = lo, q = mid, k = lo;
			while (p < mid && q < hi)
				b[k++] = rec_before(&a[q], &a[p]) ? a[q++] : a[p++];
			while (p < mid)
				b[k++] = a[p++];
			while (q < hi)
				b[k++] = a[q++];
		}
		record_t *t = a;
		a = b, b = t;
	}
	if (a != v)
		memcpy(v, a, n * sizeof *v);
}

static void run_triggers(matcher_t *m, const match_input_t *in, const recvec_t *out, size_t base,
                         value_t *warnings, uint32_t first, uint32_t limit)
{
	const grammar_t *g = m->g;
	const token_t *v = in->toks->v;
	uint32_t n = (uint32_t)in->toks->n;
	if (m->cover_cap < (size_t)n + 1)
		GROW(m->cover, m->cover_cap, (size_t)n + 1);
	memset(m->cover, 0, ((size_t)n + 1) * sizeof *m->cover);
	for (size_t i = base; i < out->n; i++) {
		const record_t *r = &out->v[i];
		if (r->tok_start < r->tok_end && r->tok_end <= n) {
			m->cover[r->tok_start]++;
			m->cover[r->tok_end]--;
		}
	}
	for (uint32_t i = 1; i <= n; i++)
		m->cover[i] += m->cover[i - 1];
	/* the rule pass left token+1 stamps behind; triggers use the same values */
	memset(m->stamp, 0, (m->nstamp + 1) * sizeof *m->stamp);
	memset(m->gstamp, 0, (g->nguards + 1) * sizeof *m->gstamp);
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++) {
		int end_here = (v[i].flags & TF_SENT_END) || i + 1 == n ||
		               (v[i + 1].flags & TF_SENT_START);
		if (!end_here)
			continue;
		uint32_t e = i + 1, ss = s;
		s = e;
		if (ss < first || ss >= limit)
			continue; /* a context sentence of a window: another window's */
		int covered = 0;
		for (uint32_t j = ss; j < e && !covered; j++)
			covered = m->cover[j] > 0;
		if (covered)
			continue;
		for (uint32_t j = ss; j < e; j++) {
			size_t nc = candidates(m, &g->tix, &v[j], j + 1);
			int hit = -1;
			for (size_t k = 0; k < nc && hit < 0; k++) {
				uint32_t mend;
				if (g->trigs[m->cand[k]].guard != GUARD_NONE &&
				    !guard_ok(m, in, g->trigs[m->cand[k]].guard, j))
					continue;
				if (vm_run(m, in, &g->trigs[m->cand[k]], j, &mend) && mend > j)
					hit = (int)m->cand[k];
			}
			if (hit < 0)
				continue;
			if (warnings->k == V_ARR && warnings->u.a.n >= BESLUT_MAX_WARNINGS)
				return;
			span_text(in, ss, e, &m->sbuf);
			buf_t w = BUF_INIT;
			buf_printf(&w, "uncovered %s: ", g->trigs[hit].name);
			size_t len = m->sbuf.len;
			if (len > 200) {
				len = 200;
				while (len > 0 && ((unsigned char)m->sbuf.data[len] & 0xC0) == 0x80)
					len--;
				buf_add(&w, m->sbuf.data, len);
				buf_adds(&w, "…");
			} else {
				buf_add(&w, m->sbuf.data ? m->sbuf.data : "", len);
			}
			v_push(in->arena, warnings, v_str(in->arena, w.data, w.len));
			buf_release(&w);
			break;
		}
	}
}

/* Has rule r (index ri) failed at token i already, through an earlier
 * rule it shares its opening with (see "Shared openings")?  Then it is
 * noted as failed there itself, for the rules after it. */
static inline int opening_failed(matcher_t *m, const rule_t *r, uint32_t ri, uint32_t i)
{
	const opening_t *o = m->g->opens + r->open;
	for (uint32_t q = 0; q < r->nopen; q++)
		if (m->ostamp[o[q].rule] == i + 1 && m->oreach[o[q].rule] < o[q].len) {
			m->ostamp[ri] = i + 1;
			m->oreach[ri] = m->oreach[o[q].rule];
			return 1;
		}
	return 0;
}

void matcher_run(matcher_t *m, const match_input_t *in, recvec_t *out, buf_t *dump,
                 value_t *warnings)
{
	matcher_run_range(m, in, NULL, out, dump, warnings);
}

void matcher_run_range(matcher_t *m, const match_input_t *in, const match_range_t *rg, recvec_t *out,
                       buf_t *dump, value_t *warnings)
{
	const grammar_t *g = m->g;
	uint32_t n = (uint32_t)in->toks->n;
	size_t base = out->n;
	memset(m->next_free, 0, (g->ngroups + 1) * sizeof *m->next_free);
	uint32_t first = 0, limit = n;
	if (rg) {
		if (rg->carry)
			memcpy(m->next_free, rg->carry, (g->ngroups + 1) * sizeof *m->next_free);
		first = rg->first < n ? rg->first : n;
		limit = rg->limit && rg->limit < n ? rg->limit : n;
	}
	memset(m->stamp, 0, (m->nstamp + 1) * sizeof *m->stamp);
	memset(m->gstamp, 0, (g->nguards + 1) * sizeof *m->gstamp);
	memset(m->ostamp, 0, (g->nrules + 1) * sizeof *m->ostamp);
	for (uint32_t f = 0; f < m->nfam; f++)
		m->fam[f].stamp = 0;
	sig_prepare(m, in);
	filters_reset(m);
	for (uint32_t i = first; i < limit; i++) {
		const uint32_t *cand = m->cbase + m->tcand[2 * i];
		size_t nc = m->tcand[2 * i + 1];
		size_t k = 0;
		while (k < nc) {
			uint32_t grp = m->rgrp[2 * cand[k]];
			int best = -1;
			uint32_t best_end = 0;
			if (m->next_free[grp] > i) {
				/* inside the group's last match: none of its rules */
				while (k < nc && m->rgrp[2 * cand[k]] == grp)
					k++;
				continue;
			}
			for (; k < nc && m->rgrp[2 * cand[k]] == grp; k++) {
				uint32_t l = m->rgrp[2 * cand[k] + 1];
				if (i < m->lskip[l])
					continue;
				const rule_t *r = &g->rules[cand[k]];
				if (r->nopen && opening_failed(m, r, cand[k], i))
					continue;
				if (m->lfilt[2 * l + 1] && !rule_filters_ok(m, in, l, i))
					continue;
				uint32_t e;
				uint32_t fid = m->fam_off ? FAM_NONE : m->rfam[cand[k]];
				uint64_t ex0 = m->exec_steps;
				int hit = fid == FAM_NONE ? vm_run(m, in, r, i, &e)
				                          : vm_run_fam(m, in, r, &m->fam[fid], i, &e);
				if (!hit && r->opener && m->last_steps <= BESLUT_MATCH_STEP_BUDGET) {
					m->ostamp[cand[k]] = i + 1;
					m->oreach[cand[k]] = m->last_reach;
				}
				if (m->rstats) {
					rstat_t *st = &m->rstats[cand[k]];
					st->attempts++;
					st->steps += m->last_steps;
					st->exec += m->exec_steps - ex0;
					st->budget += m->last_steps > BESLUT_MATCH_STEP_BUDGET;
					st->matches += hit && e > i;
				}
				if (!hit || e <= i)
					continue;
				if (best < 0 || e > best_end ||
				    (e == best_end && r->priority > g->rules[best].priority)) {
					best = (int)cand[k];
					best_end = e;
					if (m->best_cap < m->ntr)
						GROW(m->best, m->best_cap, m->ntr);
					if (m->ntr)
						memcpy(m->best, m->tr, m->ntr * sizeof *m->tr);
					m->nbest = m->ntr;
				}
			}
			if (best >= 0) {
				emit_match(m, in, &g->rules[best], i, best_end, out, dump);
				m->next_free[grp] = best_end;
			}
		}
	}
	if (rg && rg->carry)
		memcpy(rg->carry, m->next_free, (g->ngroups + 1) * sizeof *m->next_free);
	if (out->n > base) /* out->v may still be NULL */
		sort_records(m, out->v + base, out->n - base);
	if (warnings && g->ntrigs)
		run_triggers(m, in, out, base, warnings, first, limit);
}

size_t matcher_groups(const matcher_t *m)
{
	return m->g->ngroups + 1;
}
