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
 *   CALL s / RET         run subroutine s, then go on after the CALL (see
 *                        "Subroutines")
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
 * for the whole document (below).  (Their filters would have failed at
 * every token, so the output is the same.)
 *
 * Sleeping rules.  Each signature keeps its candidate rules as a bit
 * mask (rule indexes in (group, source order)), and the matcher a mask
 * of the rules awake.  At each token the main loop visits the bits of
 * the two ANDed, in ascending order, so a rule that cannot start there
 * costs nothing, not a test per candidate and token.  A rule goes to
 * sleep when it is found unable to start before some later token: its
 * filter list's skip (see "Required tokens"), or its group's next free
 * token; it is listed under that token and woken there.  Between, it
 * would have been skipped at every token, so the output is the same.
 * The rules asleep in the whole document never wake.
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
 * first token that has it, the mask of its candidate rules with the
 * rules whose guard fails already dropped, its membership in every token
 * set (about a hundred tests, once per signature), and two bits (known,
 * value) per predicate worth remembering (other than a single compare),
 * so the forty rules that read the same names test each distinct token
 * once.  A token set check is a bit test in its signature's row (not a
 * copy per token: 96 bytes a token with the project's 744 sets, most of
 * a view's memory).  The answers depend on the signature only, so signatures
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
 * Subroutines.  A pattern that the rules would inline many times (a list
 * of actors: 168 copies, more than half of all instructions) is generated
 * once, at the start of the code, and called (grammar_subs.c chooses
 * which).  Inside a subroutine every reference is inlined, so calls never
 * nest: the machine's only extra state is the CALL it runs under (0 in the
 * rule's own code), kept in each choice point.  A rule calling it behaves
 * exactly as the rule with the pattern inlined: CALL and RET take no
 * step, so the steps and the step budget are the same; the memo keys an
 * instruction of a subroutine by the call it runs under (each rule has
 * nslots memo slots: its own instructions, then one run of the
 * subroutine's per CALL), so two calls at the same token never share a
 * failure; a capture event written in a subroutine names its instruction
 * in the code, which is the same for every rule of a family that calls
 * it; and as the subroutines lie before every rule, executing one neither
 * raises the furthest instruction of an attempt nor leaves a shared
 * prefix (the CALL itself is the furthest point, and an opening or
 * prefix holds a call whole or not at all).  Openings and families weigh
 * a call by the instructions of its subroutine.
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
#include "common/util.h"
#include "match_int.h"

#include <time.h>

/* Nanoseconds on the monotonic clock (BESLUT_RULE_STATS=1 only). */
static uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

/* Tokens ahead of the current one whose word table slot is fetched, and
 * whose signature is. */
#define WT_AHEAD 16
#define SIG_AHEAD 8

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
	m->nnpool = 0;
	if (m->sigh)
		memset(m->sigh, 0, m->sigh_cap * sizeof *m->sigh);
	/* the vectors the signatures and words refer to */
	wt_clear(m);
	if (m->symrx) {
		memset(m->symrx, 0, ((size_t)m->g->nsyms + 2) * sizeof *m->symrx);
		memset(m->symsig, 0, ((size_t)m->g->nsyms + 2) * sizeof *m->symsig);
	}
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

/* Are a[8..n) and b[8..n) the same (n > 8; the first eight bytes are
 * compared already)?  Eight bytes at a time, the last eight overlapping. */
static inline int same_tail(const char *a, const char *b, uint32_t n)
{
	uint64_t x, y;
	for (uint32_t k = 8; k + 8 < n; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, b + k, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
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
		    (len <= 8 || same_tail(m->wkey + e->key, txt, len)))
			return id - 1;
		j = (j + 1) & mask;
	}
	const grammar_t *g = m->g;
	memset(m->rxtmp, 0, m->rxw * sizeof *m->rxtmp);
	PCRE2_SPTR s = (PCRE2_SPTR)txt;
	/* the regexes a match of which can begin with the text's first byte
	 * and end with its last one, and is no longer than the text (bytes >=
	 * characters); an empty text is asked of every regex */
	const uint64_t *bf = m->rxfirst + (size_t)(len ? s[0] : 0) * m->rxw;
	const uint64_t *bl = m->rxlast + (size_t)(len ? s[len - 1] : 0) * m->rxw;
	/* the text's characters as classes for the regexes answered without
	 * PCRE2, once one is asked (-1: a character beyond their table, PCRE2
	 * answers all; -2: not made yet) */
	int nch = rxfast_count(g->rxfast) ? -2 : -1;
	for (uint32_t k = 0; k < m->rxw; k++) {
		for (uint64_t cand = len ? bf[k] & bl[k] : ~0ull; cand; cand &= cand - 1) {
			uint32_t r = k * 64 + (uint32_t)__builtin_ctzll(cand);
			if (r >= g->nre)
				break;
			if (len < m->rxmin[r])
				continue;
			if (nch == -2) {
				if (m->rxcls_cap < (size_t)len + 1)
					GROW(m->rxcls, m->rxcls_cap, (size_t)len + 1);
				nch = rxfast_classes(g->rxfast, s, len, m->rxcls);
			}
			int hit;
			if (nch >= 0 && rxfast_has(g->rxfast, r))
				hit = rxfast_match(g->rxfast, r, m->rxcls, nch);
			else
				hit = (g->re_jit[r] ? pcre2_jit_match(g->re[r], s, len, 0, 0, m->md, NULL)
				                    : pcre2_match(g->re[r], s, len, 0, PCRE2_NO_UTF_CHECK, m->md, NULL)) >= 0;
			if (hit)
				m->rxtmp[r >> 6] |= 1ull << (r & 63);
		}
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
	size_t words = ((size_t)m->nsig + 1) * m->tsw + 1; /* + 1: never NULL, even with no token sets */
	if (m->sigb_cap < words)
		GROW(m->sigb, m->sigb_cap, words);
	if (m->tsw)
		memset(m->sigb + (size_t)m->nsig * m->tsw, 0, m->tsw * sizeof *m->sigb);
	words = ((size_t)m->nsig + 1) * m->sgw + 1;
	if (m->sigp_cap < words)
		GROW(m->sigp, m->sigp_cap, words);
	if (m->sgw)
		memset(m->sigp + (size_t)m->nsig * m->sgw, 0, m->sgw * sizeof *m->sigp);
	words = ((size_t)m->nsig + 1) * m->nrw + 1;
	if (m->smask_cap < words)
		GROW(m->smask, m->smask_cap, words);
	memset(m->smask + (size_t)m->nsig * m->nrw, 0, m->nrw * sizeof *m->smask);
	sig_t *s = &m->sig[m->nsig];
	*s = (sig_t){.sym = t->sym, .stem_sym = t->stem_sym, .classes = t->classes, .flags = fl,
	             .rx = rx, .hash = h, .kind = t->kind};
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
	uint64_t *row = m->smask + (size_t)(s - m->sig) * m->nrw;
	uint32_t lo = UINT32_MAX, hi = 0;
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
		uint32_t r = m->cand[q];
		row[r >> 6] |= 1ull << (r & 63);
		if (r >> 6 < lo)
			lo = r >> 6;
		if ((r >> 6) + 1 > hi)
			hi = (r >> 6) + 1;
	}
	s->mlo = lo < hi ? lo : 0;
	s->mhi = hi;
	s->cands_done = 1;
}

/* The signature of every token of the document (see "Signatures"). */
static void sig_prepare(matcher_t *m, const match_input_t *in)
{
	const token_t *v = in->toks->v;
	uint32_t n = (uint32_t)in->toks->n;
	if (m->tsig_cap < (size_t)n + 1)
		GROW(m->tsig, m->tsig_cap, (size_t)n + 1);
	if (m->nsig > SIG_KEEP || m->nrxv > RXV_KEEP || m->sig_off)
		sig_clear(m);
	else if (m->nwt > WT_KEEP || m->nwkey > (size_t)WT_KEEP * 16)
		wt_clear(m);
	if (!m->tspres)
		m->tspres = xcalloc(m->tsw + 1, sizeof *m->tspres);
	memset(m->tspres, 0, (m->tsw + 1) * sizeof *m->tspres);
	memset(m->occ_off, 0, ((size_t)m->g->ntoksets + 2) * sizeof *m->occ_off);
	m->last_n = n;
	if (++m->pgen == 0) {
		for (uint32_t k = 0; k < m->nsig; k++)
			m->sig[k].pstamp = 0;
		m->pgen = 1;
	}
	/* A token whose text is its lower-cased form, a symbol of the grammar,
	 * has the regex answers of that symbol's text: they are kept by
	 * symbol (symrx), with the last signature of such a token (symsig),
	 * and the word table is not probed.  The word table is large and
	 * probed in no order: the hashes of the other texts first (in tsig,
	 * overwritten below; 0 for the symbols'), then each probe's slot and
	 * entry are fetched into the cache a few tokens ahead. */
	if (m->sig_text)
		for (uint32_t i = 0; i < n; i++) {
			const char *txt = in->text + v[i].off;
			if (v[i].sym && v[i].len == v[i].lower_len &&
			    memcmp(txt, in->toks->pool.data + v[i].lower, v[i].len) == 0)
				m->tsig[i] = 0;
			else
				m->tsig[i] = (uint32_t)hash_words(txt, v[i].len) | 1;
		}
	for (uint32_t i = 0; i < n; i++) {
		const token_t *t = &v[i];
		uint32_t fl = t->flags & m->sig_flags;
		uint32_t rx = 0, wi = UINT32_MAX, *last = NULL, id;
		if (m->sig_text) {
			const char *txt = in->text + t->off;
			uint32_t th = m->tsig[i];
			if (m->wth_cap) {
				uint32_t mask = m->wth_cap - 1;
				if (i + WT_AHEAD < n && m->tsig[i + WT_AHEAD])
					__builtin_prefetch(&m->wth[m->tsig[i + WT_AHEAD] & mask]);
				if (i + WT_AHEAD / 2 < n && m->tsig[i + WT_AHEAD / 2]) {
					uint32_t e = m->wth[m->tsig[i + WT_AHEAD / 2] & mask];
					if (e)
						__builtin_prefetch(&m->wt[e - 1]);
				}
				/* and the signature its last token had */
				if (i + WT_AHEAD / 4 < n) {
					uint32_t h4 = m->tsig[i + WT_AHEAD / 4], c4 = 0;
					if (!h4) {
						c4 = m->symsig[v[i + WT_AHEAD / 4].sym];
					} else {
						uint32_t e = m->wth[h4 & mask];
						if (e && m->wt[e - 1].hash == h4)
							c4 = m->wt[e - 1].sig;
					}
					if (c4)
						__builtin_prefetch(&m->sig[c4 - 1]);
				}
			}
			if (th) {
				wi = word_find(m, txt, t->len, th);
				rx = m->wt[wi].rx;
				last = &m->wt[wi].sig;
			} else {
				if (!m->symrx[t->sym]) {
					uint32_t w = word_find(m, txt, t->len, (uint32_t)hash_words(txt, t->len) | 1);
					m->symrx[t->sym] = m->wt[w].rx + 1;
				}
				rx = m->symrx[t->sym] - 1;
				last = &m->symsig[t->sym];
			}
			/* the signature of the last token with this text, when its
			 * flags were the same (the rest comes from the text) */
			uint32_t c = *last;
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
		if (last)
			*last = id + 1;
		m->tsig[i] = id;
		uint64_t *b = m->sigb + (size_t)id * m->tsw;
		if (!m->sig[id].ts_done) {
			/* every token set, once per signature */
			tokset_row(m, in, b, i);
			/* and the `need` sets among them, as a list */
			uint32_t nn = 0;
			for (uint32_t w = 0; w < m->tsw; w++)
				nn += (uint32_t)__builtin_popcountll(b[w] & m->needmask[w]);
			if (m->npool_cap < m->nnpool + nn + 1)
				GROW(m->npool, m->npool_cap, m->nnpool + nn + 1);
			m->sig[id].need = (uint32_t)m->nnpool;
			m->sig[id].nneed = nn;
			for (uint32_t w = 0; w < m->tsw; w++)
				for (uint64_t nb = b[w] & m->needmask[w]; nb; nb &= nb - 1)
					m->npool[m->nnpool++] = w * 64 + (uint32_t)__builtin_ctzll(nb);
			m->sig[id].ts_done = 1;
		}
		sig_t *sg = &m->sig[id];
		if (sg->pstamp != m->pgen) { /* its sets are present in the document */
			sg->pstamp = m->pgen;
			for (uint32_t w = 0; w < m->tsw; w++)
				m->tspres[w] |= b[w];
		}
		for (uint32_t q = 0; q < sg->nneed; q++)
			m->occ_off[m->npool[sg->need + q] + 1]++;
		if (!m->sig[id].cands_done)
			sig_cands(m, in, &m->sig[id], i);
	}
	/* the occurrences of the need sets, by set (counted above) */
	const grammar_t *g = m->g;
	for (uint32_t k = 0; k < g->ntoksets; k++)
		m->occ_off[k + 1] += m->occ_off[k];
	if (m->occ_cap < (size_t)m->occ_off[g->ntoksets] + 1)
		GROW(m->occ, m->occ_cap, (size_t)m->occ_off[g->ntoksets] + 1);
	for (uint32_t i = 0; i < n; i++) {
		if (i + SIG_AHEAD < n)
			__builtin_prefetch(&m->sig[m->tsig[i + SIG_AHEAD]]);
		const sig_t *sg = &m->sig[m->tsig[i]];
		for (uint32_t q = 0; q < sg->nneed; q++)
			m->occ[m->occ_off[m->npool[sg->need + q]]++] = i;
	}
	/* each set's fill cursor ended at the next set's start: shift back */
	for (uint32_t k = g->ntoksets; k > 0; k--)
		m->occ_off[k] = m->occ_off[k - 1];
	m->occ_off[0] = 0;
	/* rules asleep in the whole document (see "Absent required tokens") */
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
	}
}

int matcher_rule_offered(const matcher_t *m, uint32_t r)
{
	if (m->ldead[m->rgrp[2 * r + 1]])
		return 0;
	for (uint32_t i = 0; i < m->last_n; i++)
		if (m->smask[(size_t)m->tsig[i] * m->nrw + (r >> 6)] >> (r & 63) & 1)
			return 1;
	return 0;
}

static void emit_match(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
                       uint32_t end, recvec_t *out, buf_t *dump)
{
	m->actx.in = in;
	m->actx.nnodes = capture_tree(m->best, m->nbest, start, end, m->g, &m->nodes, &m->nodes_cap);
	m->actx.nodes = m->nodes;
	size_t n0 = out->n;
	actions_run(&m->actx, r, out);
	for (size_t k = n0; k < out->n; k++) {
		out->v[k].mstart = start;
		out->v[k].group = r->group;
	}
	if (dump) {
		span_text(in, start, end, &m->sbuf);
		buf_printf(dump, "%s\t%u\t%u\t%s\n", r->name, start, end, m->sbuf.data ? m->sbuf.data : "");
	}
}

/* Stable sort of v[0..n) by tok_start. Records are nearly sorted: a long
 * match's records come before those of shorter matches that start inside
 * it. The sort runs on 8-byte keys (tok_start, position), merges only
 * blocks that are out of order, and moves each record once. */
static void sort_records(matcher_t *m, record_t *v, size_t n)
{
	size_t i;
	for (i = 1; i < n; i++)
		if (v[i].tok_start < v[i - 1].tok_start)
			break;
	if (i >= n)
		return;
	if (m->sort_cap < n)
		GROW(m->sort_tmp, m->sort_cap, n);
	if (m->skey_cap < 2 * n)
		GROW(m->skey, m->skey_cap, 2 * n);
	uint64_t *a = m->skey, *b = m->skey + n;
	for (i = 0; i < n; i++)
		a[i] = (uint64_t)v[i].tok_start << 32 | i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			if (mid >= hi || a[mid - 1] < a[mid]) {
				memcpy(b + lo, a + lo, (hi - lo) * sizeof *a);
				continue;
			}
			size_t p = lo, q = mid, k = lo;
			while (p < mid && q < hi)
				b[k++] = a[q] < a[p] ? a[q++] : a[p++];
			while (p < mid)
				b[k++] = a[p++];
			while (q < hi)
				b[k++] = a[q++];
		}
		uint64_t *t = a;
		a = b, b = t;
	}
	for (i = 0; i < n; i++)
		m->sort_tmp[i] = v[(uint32_t)a[i]];
	memcpy(v, m->sort_tmp, n * sizeof *v);
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

/* Rule r sleeps until token `until` (see "Sleeping rules"): it could not
 * start a match before, or its group is blocked until then. */
static inline void rule_sleep(matcher_t *m, uint32_t r, uint32_t until, uint32_t limit)
{
	m->awake[r >> 6] &= ~(1ull << (r & 63));
	if (until < limit) {
		m->wnext[r] = m->whead[until];
		m->whead[until] = r;
	}
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
		if (rg->gfirst)
			memset(rg->gfirst, 0xff, (g->ngroups + 1) * sizeof *rg->gfirst);
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
	/* every rule awake but those asleep in the whole document */
	if (m->whead_cap < (size_t)n + 1)
		GROW(m->whead, m->whead_cap, (size_t)n + 1);
	memset(m->whead, 0xff, ((size_t)n + 1) * sizeof *m->whead);
	memset(m->awake, 0xff, m->nrw * sizeof *m->awake);
	for (uint32_t r = 0; r < g->nrules; r++)
		if (m->ldead[m->rgrp[2 * r + 1]] || (rg && rg->only && !rg->only[m->rgrp[2 * r]]))
			m->awake[r >> 6] &= ~(1ull << (r & 63));
	for (uint32_t i = first; i < limit; i++) {
		for (uint32_t r = m->whead[i]; r != UINT32_MAX; r = m->wnext[r])
			m->awake[r >> 6] |= 1ull << (r & 63);
		if (i + SIG_AHEAD < limit) {
			__builtin_prefetch(&m->sig[m->tsig[i + SIG_AHEAD]]);
			__builtin_prefetch(m->smask + (size_t)m->tsig[i + SIG_AHEAD] * m->nrw);
		}
		const sig_t *sg = &m->sig[m->tsig[i]];
		const uint64_t *row = m->smask + (size_t)m->tsig[i] * m->nrw;
		uint32_t grp = UINT32_MAX;
		int best = -1;
		uint32_t best_end = 0;
		for (uint32_t w = sg->mlo; w < sg->mhi; w++) {
			for (uint64_t bits = row[w] & m->awake[w]; bits; bits &= bits - 1) {
				uint32_t ri = w * 64 + (uint32_t)__builtin_ctzll(bits);
				if (m->rgrp[2 * ri] != grp) {
					if (best >= 0) {
						emit_match(m, in, &g->rules[best], i, best_end, out, dump);
						m->next_free[grp] = best_end;
						if (rg && rg->gfirst && rg->gfirst[grp] == UINT32_MAX)
							rg->gfirst[grp] = i;
					}
					grp = m->rgrp[2 * ri];
					best = -1;
					best_end = 0;
				}
				if (m->next_free[grp] > i) {
					/* inside the group's last match */
					rule_sleep(m, ri, m->next_free[grp], limit);
					continue;
				}
				uint32_t l = m->rgrp[2 * ri + 1];
				if (i < m->lskip[l]) {
					rule_sleep(m, ri, m->lskip[l], limit);
					continue;
				}
				const rule_t *r = &g->rules[ri];
				if (r->nopen && opening_failed(m, r, ri, i))
					continue;
				if (m->lfilt[2 * l + 1]) {
					uint64_t f0 = m->rstats ? clock_ns() : 0;
					int pass = rule_filters_ok(m, in, l, i);
					if (m->rstats) {
						rstat_t *st = &m->rstats[ri];
						st->checks++;
						st->passed += (uint64_t)pass;
						st->fns += clock_ns() - f0;
					}
					if (!pass) {
						rule_sleep(m, ri, m->lskip[l], limit);
						continue;
					}
				}
				uint32_t e;
				uint32_t fid = m->fam_off ? FAM_NONE : m->rfam[ri];
				uint64_t ex0 = m->exec_steps, t0 = m->rstats ? clock_ns() : 0;
				int hit = fid == FAM_NONE ? vm_run(m, in, r, i, &e)
				                          : vm_run_fam(m, in, r, &m->fam[fid], i, &e);
				if (!hit && r->opener && m->last_steps <= BESLUT_MATCH_STEP_BUDGET) {
					m->ostamp[ri] = i + 1;
					m->oreach[ri] = m->last_reach;
				}
				if (m->rstats) {
					rstat_t *st = &m->rstats[ri];
					st->attempts++;
					st->steps += m->last_steps;
					st->exec += m->exec_steps - ex0;
					st->budget += m->last_steps > BESLUT_MATCH_STEP_BUDGET;
					st->matches += hit && e > i;
					st->ns += clock_ns() - t0;
				}
				if (!hit || e <= i)
					continue;
				if (best < 0 || e > best_end ||
				    (e == best_end && r->priority > g->rules[best].priority)) {
					best = (int)ri;
					best_end = e;
					if (m->best_cap < m->ntr)
						GROW(m->best, m->best_cap, m->ntr);
					if (m->ntr)
						memcpy(m->best, m->tr, m->ntr * sizeof *m->tr);
					m->nbest = m->ntr;
				}
			}
		}
		if (best >= 0) {
			emit_match(m, in, &g->rules[best], i, best_end, out, dump);
			m->next_free[grp] = best_end;
			if (rg && rg->gfirst && rg->gfirst[grp] == UINT32_MAX)
				rg->gfirst[grp] = i;
		}
	}
	if (rg && rg->carry)
		memcpy(rg->carry, m->next_free, (g->ngroups + 1) * sizeof *m->next_free);
	if (out->n > base) /* out->v may still be NULL */
		sort_records(m, out->v + base, out->n - base);
	if (warnings && g->ntrigs && !(rg && rg->only))
		run_triggers(m, in, out, base, warnings, first, limit);
}

void matcher_triggers(matcher_t *m, const match_input_t *in, const recvec_t *recs, value_t *warnings,
                      uint32_t first, uint32_t limit)
{
	uint32_t n = (uint32_t)in->toks->n;
	if (!warnings || !m->g->ntrigs)
		return;
	run_triggers(m, in, recs, 0, warnings, first < n ? first : n, limit && limit < n ? limit : n);
}

int matcher_record_before(const record_t *a, const record_t *b)
{
	if (a->tok_start != b->tok_start)
		return a->tok_start < b->tok_start;
	if (a->mstart != b->mstart)
		return a->mstart < b->mstart;
	return a->group < b->group;
}

size_t matcher_groups(const matcher_t *m)
{
	return m->g->ngroups + 1;
}
