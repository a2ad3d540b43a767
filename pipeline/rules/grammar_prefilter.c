/*
 * grammar_prefilter.c — the first-token indexes that let the matcher
 * try only the rules that can start at a token (grammar_compile_int.h).
 */
#include "grammar_compile_int.h"

/* ----------------------------------------------------------- prefilter */

enum { K_SYM, K_STEM, K_CLASS, K_KIND, K_FLAG, K_ANY };

static int flag_index(uint32_t bit)
{
	int i = 0;
	while (bit > 1)
		bit >>= 1, i++;
	return i;
}

static int assert_start_flag(uint32_t code)
{
	switch (code) {
	case AS_LINE_START: return flag_index(TF_LINE_START);
	case AS_PARA_START: return flag_index(TF_PARA_START);
	case AS_SENT_START: return flag_index(TF_SENT_START);
	case AS_HEAD: return flag_index(TF_HEADING);
	default: return -1;
	}
}

static void key_add(keyvec_t *kv, int type, uint32_t key, uint32_t rule)
{
	GROW(kv->v, kv->cap, kv->n + 1);
	kv->v[kv->n++] = (pkey_t){(uint8_t)type, key, rule};
}

/* Keys of a predicate; returns 0 when it has none (must try everywhere).
 * level 0: selective keys only (symbols, stems, classes); 1: token flags
 * (CAP, UPPER) too; 2: token kinds too. */
static int pred_keys(const grammar_t *g, uint32_t p, keyvec_t *kv, uint32_t rule, int level)
{
	const pred_t *pr = &g->preds[p];
	switch (pr->op) {
	case PR_LIT: key_add(kv, K_SYM, pr->a, rule); return 1;
	case PR_STEM: key_add(kv, K_STEM, pr->a, rule); return 1;
	case PR_CLASS1: key_add(kv, K_CLASS, pr->a, rule); return 1;
	case PR_TFLAG:
		if (level < 1)
			return 0;
		key_add(kv, K_FLAG, (uint32_t)flag_index(pr->a), rule);
		return 1;
	case PR_KIND:
		if (level < 2)
			return 0;
		key_add(kv, K_KIND, pr->a, rule);
		return 1;
	case PR_AND: {
		/* either operand's keys will do; take the most selective */
		size_t mark = kv->n;
		for (int l = 0; l <= level; l++) {
			if (pred_keys(g, pr->a, kv, rule, l))
				return 1;
			kv->n = mark;
			if (pred_keys(g, pr->b, kv, rule, l))
				return 1;
			kv->n = mark;
		}
		return 0;
	}
	case PR_OR: {
		size_t mark = kv->n;
		if (pred_keys(g, pr->a, kv, rule, level) && pred_keys(g, pr->b, kv, rule, level))
			return 1;
		kv->n = mark;
		return 0;
	}
	default: return 0;
	}
}

/* FIRST set of the program at entry: appends keys for rule index `rule`.
 * Returns 0 when no token-consuming instruction is reachable. */
static int insn_cmp(const void *a, const void *b)
{
	const insn_t *x = a, *y = b;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return x->a < y->a ? -1 : x->a > y->a;
}

/* The guard of a rule: its first consuming instructions; at run time a
 * token that none of them accepts cannot start the rule.  Identical guards
 * are shared so that the matcher evaluates each once per token. */
static uint32_t guard_add(grammar_t *g, insn_t *v, size_t n)
{
	qsort(v, n, sizeof *v, insn_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || insn_cmp(&v[w - 1], &v[i]) != 0)
			v[w++] = v[i];
	for (uint32_t q = 0; q < g->nguards; q++) {
		uint32_t lo = g->guard_off[q], hi = g->guard_off[q + 1];
		if (hi - lo != w)
			continue;
		size_t i;
		for (i = 0; i < w; i++)
			if (insn_cmp(&g->guardv[lo + i], &v[i]) != 0)
				break;
		if (i == w)
			return q;
	}
	if (g->nguards == 0) {
		GROW(g->guard_off, g->guard_off_cap, 1);
		g->guard_off[0] = 0;
	}
	GROW(g->guardv, g->guardv_cap, g->nguardv + w);
	memcpy(g->guardv + g->nguardv, v, w * sizeof *v);
	g->nguardv += (uint32_t)w;
	GROW(g->guard_off, g->guard_off_cap, g->nguards + 2);
	g->guard_off[g->nguards + 1] = g->nguardv;
	return g->nguards++;
}

int first_keys(grammar_t *g, rule_t *r, uint32_t rule, keyvec_t *kv)
{
	uint32_t entry = r->entry, end = r->entry + r->ncode;
	insn_t *gv = NULL;
	size_t ngv = 0, gcap = 0;
	size_t span = r->nslots; /* the rule's instructions, then those of its calls (memo slots) */
	uint64_t *seen = xcalloc(span ? span : 1, sizeof *seen);
	uint32_t (*stack)[3] = xmalloc((span * 33 + 1) * sizeof *stack);
	size_t sp = 0, start = kv->n;
	int consumes = 0, any = 0;
	/* pc, pending flag (32 = none), the CALL whose subroutine pc is in (0 = none) */
	stack[sp][0] = entry, stack[sp][1] = 32, stack[sp][2] = 0;
	sp++;
	while (sp > 0 && !any) {
		sp--;
		uint32_t pc = stack[sp][0], fl = stack[sp][1], cs = stack[sp][2];
		if (!cs && (pc < entry || pc >= end))
			continue;
		uint32_t slot = cs ? r->ncode + g->code[cs].b + (pc - g->code[cs].a) : pc - entry;
		if (seen[slot] >> fl & 1)
			continue;
		seen[slot] |= 1ull << fl;
		const insn_t *in = &g->code[pc];
		int key_done = 0;
		if (in->op == OP_LIT || in->op == OP_STEM || in->op == OP_CLASS || in->op == OP_SET ||
		    in->op == OP_PRED || in->op == OP_ANY) {
			GROW(gv, gcap, ngv + 1);
			gv[ngv++] = (insn_t){in->op, in->a, 0};
		}
		switch (in->op) {
		case OP_LIT: key_add(kv, K_SYM, in->a, rule); key_done = 1; break;
		case OP_STEM: key_add(kv, K_STEM, in->a, rule); key_done = 1; break;
		case OP_CLASS: key_add(kv, K_CLASS, in->a, rule); key_done = 1; break;
		case OP_SET:
			for (uint32_t q = g->set_off[in->a]; q < g->set_off[in->a + 1]; q++)
				key_add(kv, g->setv[q] & SET_STEM ? K_STEM : K_SYM, g->setv[q] & ~SET_STEM, rule);
			key_done = 1;
			break;
		case OP_PRED:
		case OP_ANY: {
			size_t mark = kv->n;
			if (in->op == OP_PRED && pred_keys(g, in->a, kv, rule, 0)) {
				key_done = 1;
			} else if (fl < 32) {
				kv->n = mark;
				key_add(kv, K_FLAG, fl, rule);
				key_done = 1;
			} else if (in->op == OP_PRED && (pred_keys(g, in->a, kv, rule, 1) ||
			                                 pred_keys(g, in->a, kv, rule, 2))) {
				key_done = 1;
			} else {
				kv->n = mark;
				any = 1;
			}
			break;
		}
		case OP_SPLIT:
			stack[sp][0] = in->b, stack[sp][1] = fl, stack[sp][2] = cs, sp++;
			stack[sp][0] = in->a, stack[sp][1] = fl, stack[sp][2] = cs, sp++;
			break;
		case OP_JMP:
			stack[sp][0] = in->a, stack[sp][1] = fl, stack[sp][2] = cs, sp++;
			break;
		case OP_ASSERT: {
			int f = assert_start_flag(in->a);
			stack[sp][0] = pc + 1, stack[sp][1] = f >= 0 ? (uint32_t)f : fl, stack[sp][2] = cs, sp++;
			break;
		}
		case OP_CALL:
			stack[sp][0] = in->a, stack[sp][1] = fl, stack[sp][2] = pc, sp++;
			break;
		case OP_RET:
			stack[sp][0] = cs + 1, stack[sp][1] = fl, stack[sp][2] = 0, sp++;
			break;
		case OP_MATCH:
			break;
		default: /* OPEN CLOSE FLAG MARK PROGRESS */
			stack[sp][0] = pc + 1, stack[sp][1] = fl, stack[sp][2] = cs, sp++;
			break;
		}
		if (key_done)
			consumes = 1;
		if (any)
			consumes = 1;
	}
	free(seen);
	free(stack);
	int guarded = ngv > 0 && !any;
	for (size_t i = 0; i < ngv; i++)
		guarded &= gv[i].op != OP_ANY;
	r->guard = guarded ? guard_add(g, gv, ngv) : GUARD_NONE;
	free(gv);
	if (any) {
		kv->n = start;
		key_add(kv, K_ANY, 0, rule);
	}
	return consumes;
}

void build_index(grammar_t *g, pindex_t *ix, const keyvec_t *kv)
{
	uint32_t ns = g->nsyms ? g->nsyms : 1;
	ix->sym_off = xcalloc(ns + 2, sizeof *ix->sym_off);
	ix->stem_off = xcalloc(ns + 2, sizeof *ix->stem_off);
	memset(ix->class_off, 0, sizeof ix->class_off);
	memset(ix->kind_off, 0, sizeof ix->kind_off);
	memset(ix->flag_off, 0, sizeof ix->flag_off);
	/* count, dropping duplicate (type,key,rule) triples (kv is in rule order) */
	uint32_t nany = 0;
	for (size_t i = 0; i < kv->n; i++) {
		const pkey_t *k = &kv->v[i];
		switch (k->type) {
		case K_SYM: ix->sym_off[k->key + 1]++; break;
		case K_STEM: ix->stem_off[k->key + 1]++; break;
		case K_CLASS: ix->class_off[k->key + 1]++; break;
		case K_KIND: ix->kind_off[k->key + 1]++; break;
		case K_FLAG: ix->flag_off[k->key + 1]++; break;
		default: nany++; break;
		}
	}
	/* counts sit at [key + 1]; turn them into starts: off[key + 1] = start
	 * of list key.  Filling then advances off[key + 1] to the list's end,
	 * leaving list key = [off[key], off[key + 1]). */
	uint32_t total = 0;
	uint32_t *offs[5] = {ix->sym_off, ix->stem_off, ix->class_off, ix->kind_off, ix->flag_off};
	uint32_t lens[5] = {ns + 1, ns + 1, 64, 5, 32};
	for (int t = 0; t < 5; t++)
		for (uint32_t k = 0; k <= lens[t]; k++) {
			uint32_t c = offs[t][k];
			offs[t][k] = total;
			total += c;
		}
	ix->list = xmalloc((total ? total : 1) * sizeof *ix->list);
	ix->any = xmalloc((nany ? nany : 1) * sizeof *ix->any);
	ix->nlist = total;
	ix->nany = 0;
	for (size_t i = 0; i < kv->n; i++) {
		const pkey_t *k = &kv->v[i];
		uint32_t *o;
		switch (k->type) {
		case K_SYM: o = ix->sym_off; break;
		case K_STEM: o = ix->stem_off; break;
		case K_CLASS: o = ix->class_off; ix->class_used |= 1ull << k->key; break;
		case K_KIND: o = ix->kind_off; break;
		case K_FLAG: o = ix->flag_off; ix->flag_used |= 1u << k->key; break;
		default: ix->any[ix->nany++] = k->rule; continue;
		}
		ix->list[o[k->key + 1]++] = k->rule;
	}
}

static int key_cmp(const void *a, const void *b)
{
	const pkey_t *x = a, *y = b;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

void keys_unique(keyvec_t *kv)
{
	if (kv->n > 1)
		qsort(kv->v, kv->n, sizeof *kv->v, key_cmp);
	size_t w = 0;
	for (size_t i = 0; i < kv->n; i++)
		if (w == 0 || key_cmp(&kv->v[w - 1], &kv->v[i]) != 0)
			kv->v[w++] = kv->v[i];
	kv->n = w;
}
