/*
 * match_vm.c — the backtracking VM of the matcher (match_int.h): single-
 * token predicates, sets, assertions, guards, required-token filters,
 * the failure memo, vm_exec and the recordings of rule families.
 */
#include "match_int.h"

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
	uint64_t *w = &m->sigp[(size_t)m->tsig[pos] * m->sgw + 2 * (id >> 6)];
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

/* kind: BT_BRANCH or BT_REG, with the call site of a branch above it
 * (bt_t.kind) */
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
		memset(m->dm, 0, (m->dmax + 1) * sizeof *m->dm);
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
int guard_eval(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i)
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
int guard_ok(matcher_t *m, const match_input_t *in, uint32_t gd, uint32_t i)
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

/* The token sets token pos is in, as bits ORed into b (tsw words): a set
 * has it when it is `any`, when one of its classes starts at the token or
 * has the token's symbol after its first word, when its symbols or stems
 * have the token's, or else when one of its predicates accepts the token
 * (tried in the order of the sets and of their predicates).  The first
 * tests read the matcher's index of the sets (match_setup.c, tsx_init). */
void tokset_row(matcher_t *m, const match_input_t *in, uint64_t *b, uint32_t pos)
{
	const grammar_t *g = m->g;
	const token_t *t = &in->toks->v[pos];
	uint32_t w = m->tsw;
	for (uint32_t k = 0; k < w; k++)
		b[k] |= m->tsx_any[k];
	for (uint64_t c = t->classes; c; c &= c - 1) {
		const uint64_t *x = m->tsx_cls + (size_t)__builtin_ctzll(c) * w;
		for (uint32_t k = 0; k < w; k++)
			b[k] |= x[k];
	}
	if (t->sym) {
		for (uint64_t c = g->sym_inner[t->sym]; c; c &= c - 1) {
			const uint64_t *x = m->tsx_in + (size_t)__builtin_ctzll(c) * w;
			for (uint32_t k = 0; k < w; k++)
				b[k] |= x[k];
		}
		for (uint32_t q = m->tsx_sym_off[t->sym]; q < m->tsx_sym_off[t->sym + 1]; q++)
			b[m->tsx_sym[q] >> 6] |= 1ull << (m->tsx_sym[q] & 63);
	}
	if (t->stem_sym)
		for (uint32_t q = m->tsx_stem_off[t->stem_sym]; q < m->tsx_stem_off[t->stem_sym + 1]; q++)
			b[m->tsx_stem[q] >> 6] |= 1ull << (m->tsx_stem[q] & 63);
	for (uint32_t q = 0; q < m->ntsx_pred; q++) {
		uint32_t k = m->tsx_pred[q];
		if (b[k >> 6] >> (k & 63) & 1)
			continue;
		const tokset_t *s = &g->toksets[k];
		for (uint32_t p = 0; p < s->npred; p++)
			if (pm_eval(m, in, g->tsv[s->pred + p], pos)) {
				b[k >> 6] |= 1ull << (k & 63);
				break;
			}
	}
}

/* Is token pos in token set k?  Read from its signature's bits (see
 * "Signatures"). */
static inline int tokset_has(matcher_t *m, const match_input_t *in, uint32_t k, uint32_t pos)
{
	(void)in;
	return (m->sigb[(size_t)m->tsig[pos] * m->tsw + (k >> 6)] >> (k & 63)) & 1;
}

void filters_reset(matcher_t *m)
{
	for (uint32_t f = 0; f < m->g->nfilters; f++)
		m->fst[f].stamp = m->fst[f].skip = 0;
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
 * 0, its skip is set to the first token where the filter could pass:
 * with no `need` token in [i, q), every passing token i' >= i has a need
 * token at or after q within its reach (i' >= q - reach) and, when the run
 * of `pre` tokens from i breaks at brk < q, starts after brk (the run from
 * any i' <= brk breaks there too); more generally, it starts after the
 * last token before q that is not in `pre` (found by pre_last_out). */
int filter_ok(matcher_t *m, const match_input_t *in, uint32_t f, uint32_t i)
{
	fstate_t *fl = &m->fst[f];
	if (i < fl->skip)
		return 0;
	if (fl->stamp == i + 1)
		return fl->res;
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
	if (fl->pre_any) {
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
	fl->stamp = i + 1;
	fl->res = (uint8_t)(ns->need_found && ns->need_pos <= lim);
	if (!fl->res) {
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
		fl->skip = skip;
	}
	return fl->res;
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
	 * the prefix's (0 when not after an exit); cont steps were spent after
	 * it, s0 the steps at the last exit.  An instruction at or beyond plim
	 * leaves the prefix (UINT32_MAX: not recording, or after an exit).
	 * Nothing after the prefix leads back into it, so while after an exit
	 * hi grows past the prefix: hp keeps the prefix's furthest
	 * instruction meanwhile, hr the furthest beyond it. */
	int inp = 1;
	size_t cbase = 0;
	unsigned csteps = 0, s0 = 0;
	uint32_t plim = fm ? r->entry + fm->len : UINT32_MAX, hp = 0, hr = 0;
	/* the CALL whose subroutine runs, 0 in the rule's own code (see
	 * "Subroutines"; subroutines come before every rule in the code, so
	 * their instructions neither raise hi nor leave a prefix) */
	uint32_t cs = 0;
	for (;;) {
		if (pc >= plim) {
			if (!fam_exit(m, fm, pc - r->entry, pos, steps - csteps)) {
				fm = NULL;
			} else {
				inp = 0;
				cbase = sp;
				s0 = steps;
				hp = hi;
			}
			plim = UINT32_MAX;
		}
		if (++steps > BESLUT_MATCH_STEP_BUDGET) {
			*steps_io = steps;
			*hi_io = hi > hr ? hi : hr;
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
				/* positions near the start: a direct table per instruction
				 * (per memo slot: in a subroutine, one per call and
				 * instruction) */
				uint32_t d = pos - start;
				uint32_t slot = cs ? r->ncode + code[cs].b + (pc - code[cs].a) : pc - r->entry;
				if (d < 64 && slot < m->dmax) {
					uint64_t bit = 1ull << d;
					dmemo_t *dm = &m->dm[slot];
					if (dm->gen != m->gen) {
						dm->gen = m->gen;
						dm->bits = bit;
					} else if (dm->bits & bit) {
						goto fail;
					} else {
						dm->bits |= bit;
					}
				} else if (memo_seen(m, (uint64_t)(r->entry + slot) << 32 | pos)) {
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
						*hi_io = hi > hr ? hi : hr;
						m->exec_steps += steps - steps0;
						return -1;
					}
					if (in_->a > hi)
						hi = in_->a;
					if (!ok) {
						pc = in_->b;
						continue;
					}
					bt_push(m, &sp, BT_BRANCH | cs << 1, in_->b, pos, (uint32_t)m->ntr);
					pos += (uint32_t)adv;
					pc = in_->a + 1;
					continue;
				}
			}
			bt_push(m, &sp, BT_BRANCH | cs << 1, in_->b, pos, (uint32_t)m->ntr);
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
			tr_push(m, TR_OPEN, in_->a, pos, cs ? TRO_SUB | pc : pc - r->entry);
			pc++;
			continue;
		case OP_CLOSE:
			tr_push(m, TR_CLOSE, 0, pos, cs ? TRO_SUB | pc : pc - r->entry);
			pc++;
			continue;
		case OP_FLAG:
			tr_push(m, TR_FLAG, in_->a, pos, cs ? TRO_SUB | pc : pc - r->entry);
			pc++;
			continue;
		case OP_CALL:
			/* no step: the steps are those of the code inlined */
			steps--;
			cs = pc;
			pc = in_->a;
			continue;
		case OP_RET:
			steps--;
			pc = cs + 1;
			cs = 0;
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
			*hi_io = hi > hr ? hi : hr;
			m->exec_steps += steps - steps0;
			return 1;
		}
	fail:
		for (;;) {
			if (sp == 0) {
				if (fm) {
					if (!inp) {
						csteps += steps - s0;
						if (hi > hr)
							hr = hi;
						hi = hp;
					}
					fm->complete = 1;
					fm->pend = steps - csteps;
					fm->phi = hi - r->entry;
				}
				*steps_io = steps;
				*hi_io = hi > hr ? hi : hr;
				m->exec_steps += steps - steps0;
				return 0;
			}
			bt_t *b = &m->bt[--sp];
			if (sp < cbase) {
				/* the rest failed from this exit: back in the prefix */
				csteps += steps - s0;
				inp = 1;
				cbase = 0;
				plim = r->entry + fm->len;
				if (hi > hr)
					hr = hi;
				hi = hp;
			}
			if ((b->kind & 1) == BT_REG) {
				m->regs[b->pc] = b->pos;
				continue;
			}
			pc = b->pc;
			pos = b->pos;
			cs = b->kind >> 1;
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
	m->steps_total += steps;
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
int vm_run(matcher_t *m, const match_input_t *in, const rule_t *r, uint32_t start,
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
int vm_run_fam(matcher_t *m, const match_input_t *in, const rule_t *r, fam_t *fm,
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
				const insn_t *c = &code[t->off & TRO_SUB ? t->off & ~TRO_SUB : r->entry + t->off];
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
