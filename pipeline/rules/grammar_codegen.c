/*
 * grammar_codegen.c — code generation of the grammar compiler
 * (grammar_compile_int.h): resolved syntax trees to the matcher's
 * instructions, single-token predicates and sets.
 */
#include "grammar_compile_int.h"

/* -------------------------------------------------------- code generation */

uint32_t emit(grammar_t *g, op_t op, uint32_t a, uint32_t b)
{
	GROW(g->code, g->code_cap, g->ncode + 1);
	if (a >= INSN_A_LIMIT || g->ncode + 1 >= INSN_A_LIMIT)
		g->code_big = 1; /* reported by gen_program */
	g->code[g->ncode] = (insn_t){.op = (uint8_t)op, .a = a & (INSN_A_LIMIT - 1), .b = b};
	return g->ncode++;
}

static uint32_t pred_slot(const grammar_t *g, uint8_t op, uint32_t a, uint32_t b)
{
	uint64_t h = ((uint64_t)op * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)a * 0xC2B2AE3D27D4EB4Full) ^
	             ((uint64_t)b * 0x165667B19E3779F9ull);
	uint32_t mask = g->predhash_cap - 1, i = (uint32_t)(h >> 32) & mask;
	while (g->predhash[i]) {
		const pred_t *p = &g->preds[g->predhash[i] - 1];
		if (p->op == op && p->a == a && p->b == b)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Predicates are hash-consed: the same test written twice (a pattern
 * inlined into many rules) gets one index, so rules can share guards. */
static uint32_t pred_new(grammar_t *g, pred_op_t op, uint32_t a, uint32_t b)
{
	if ((g->npreds + 1) * 2 > g->predhash_cap) {
		free(g->predhash);
		g->predhash_cap = g->predhash_cap ? g->predhash_cap * 2 : 256;
		g->predhash = xcalloc(g->predhash_cap, sizeof *g->predhash);
		for (uint32_t i = 0; i < g->npreds; i++)
			g->predhash[pred_slot(g, g->preds[i].op, g->preds[i].a, g->preds[i].b)] = i + 1;
	}
	uint32_t slot = pred_slot(g, (uint8_t)op, a, b);
	if (g->predhash[slot])
		return g->predhash[slot] - 1;
	GROW(g->preds, g->preds_cap, g->npreds + 1);
	g->preds[g->npreds] = (pred_t){.op = (uint8_t)op, .a = a, .b = b};
	g->predhash[slot] = g->npreds + 1;
	return g->npreds++;
}

int nullable(cg_t *cg, const pnode_t *n)
{
	switch (n->k) {
	case PN_SEQ:
		for (size_t i = 0; i < n->nkids; i++)
			if (!nullable(cg, n->kids[i]))
				return 0;
		return 1;
	case PN_ALT:
		for (size_t i = 0; i < n->nkids; i++)
			if (nullable(cg, n->kids[i]))
				return 1;
		return 0;
	case PN_REP: return n->min == 0 || nullable(cg, n->kids[0]);
	case PN_ASSERT: case PN_FLAG: return 1;
	case PN_CAP: return nullable(cg, n->kids[0]);
	case PN_REF: return nullable(cg, cg->c->decls[n->idx].pat);
	default: return 0;
	}
}

static uint64_t classes_in(cg_t *cg, const pnode_t *n)
{
	uint64_t m = 0;
	if (n->k == PN_CLASS && n->idx >= 0)
		m |= 1ull << n->idx;
	if (n->k == PN_REF) {
		/* memoized per declaration */
		if (!cg->clc)
			cg->clc = xcalloc(2 * (cg->c->ndecls + 1), sizeof *cg->clc);
		if (!cg->clc[2 * n->idx + 1]) {
			cg->clc[2 * n->idx] = classes_in(cg, cg->c->decls[n->idx].pat);
			cg->clc[2 * n->idx + 1] = 1;
		}
		m |= cg->clc[2 * n->idx];
	}
	for (size_t i = 0; i < n->nkids; i++)
		m |= classes_in(cg, n->kids[i]);
	return m;
}

static int regex_compile(cg_t *cg, const pnode_t *n)
{
	grammar_t *g = cg->g;
	for (uint32_t i = 0; i < g->nre; i++)
		if (strcmp(g->re_src[i], n->s) == 0 && g->re_ci[i] == (n->arg & 1))
			return (int)i;
	int err;
	PCRE2_SIZE eoff;
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED;
	if (n->arg & 1)
		opts |= PCRE2_CASELESS;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->s, PCRE2_ZERO_TERMINATED, opts, &err, &eoff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		loc_t at = n->loc;
		at.off += 1 + (uint32_t)eoff;
		diag_at(cg->c, at, 1, "bad regex: %s (at offset %zu)", (const char *)msg, (size_t)eoff);
		return -1;
	}
	GROW(g->re, g->re_cap, g->nre + 1);
	size_t cap = g->re_cap;
	g->re_src = xrealloc(g->re_src, cap * sizeof *g->re_src);
	g->re_jit = xrealloc(g->re_jit, cap * sizeof *g->re_jit);
	g->re_ci = xrealloc(g->re_ci, cap * sizeof *g->re_ci);
	g->re[g->nre] = re;
	g->re_src[g->nre] = n->s;
	g->re_jit[g->nre] = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	g->re_ci[g->nre] = (uint8_t)(n->arg & 1);
	return (int)g->nre++;
}

/* The regexes a position automaton answers (regex_fast.h), built once
 * all are compiled. */
void regexes_fast(grammar_t *g)
{
	g->rxfast = rxfast_new(g->re_src, g->re_ci, g->nre);
}

/* The symbols of a literal's tokens, made once per literal node: the
 * patterns are inlined into every rule that uses them and walked by
 * several passes, so the same literals were tokenized (and stemmed)
 * hundreds of thousands of times.  Sets cg->lit_cur; returns the count. */
static size_t lit_lookup(cg_t *cg, const pnode_t *n, int stem)
{
	uintptr_t key = (uintptr_t)n << 1 | (uintptr_t)(stem != 0);
	if ((cg->nlit + 1) * 2 > cg->lith_cap) {
		size_t nc = cg->lith_cap ? cg->lith_cap * 2 : 1024;
		litent_t *h = xcalloc(nc, sizeof *h);
		for (size_t i = 0; i < cg->lith_cap; i++)
			if (cg->lith[i].key) {
				size_t j = (size_t)(cg->lith[i].key * 0x9E3779B97F4A7C15ull >> 20) & (nc - 1);
				while (h[j].key)
					j = (j + 1) & (nc - 1);
				h[j] = cg->lith[i];
			}
		free(cg->lith);
		cg->lith = h;
		cg->lith_cap = nc;
	}
	size_t mask = cg->lith_cap - 1, j = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & mask;
	while (cg->lith[j].key && cg->lith[j].key != key)
		j = (j + 1) & mask;
	if (!cg->lith[j].key) {
		tokenize(n->s, strlen(n->s), stem ? cg->st : NULL, &cg->toks);
		GROW(cg->litv, cg->litv_cap, cg->nlitv + cg->toks.n + 1);
		cg->lith[j] = (litent_t){key, (uint32_t)cg->nlitv, (uint32_t)cg->toks.n};
		for (size_t k = 0; k < cg->toks.n; k++) {
			const token_t *t = &cg->toks.v[k];
			const char *s = stem ? tok_stem(&cg->toks, t) : tok_lower(&cg->toks, t);
			cg->litv[cg->nlitv++] = sym_intern(cg->g, s, stem ? strlen(s) : t->lower_len);
		}
		cg->nlit++;
	}
	cg->lit_cur = cg->lith[j].off;
	return cg->lith[j].n;
}

/* Tokenize a literal; returns the token count (symbols by tok_sym). */
size_t lit_tokens(cg_t *cg, const pnode_t *n, int stem)
{
	size_t nt = lit_lookup(cg, n, stem);
	if (nt == 0)
		diag_at(cg->c, n->loc, 1, "literal \"%s\" contains no token", n->s);
	return nt;
}

/* The symbol of token k of the literal last looked up. */
uint32_t tok_sym(cg_t *cg, size_t k, int stem)
{
	(void)stem;
	return cg->litv[cg->lit_cur + k];
}

/* Results memoized per syntax node: a pattern is inlined into every rule
 * that uses it, and its predicates and sets are the same each time (the
 * predicates and sets are interned), so each is made once. */
typedef struct nmemo {
	uintptr_t key;      /* node address << 1 | what (0 predicate, 1 set), 0 = empty */
	uint32_t val;       /* predicate index; set index, or UINT32_MAX: not a set */
} nmemo_t;

static nmemo_t *node_memo(cg_t *cg, const pnode_t *n, int what, int add)
{
	if (add && (cg->nnm + 1) * 2 > cg->nm_cap) {
		size_t nc = cg->nm_cap ? cg->nm_cap * 2 : 1024;
		nmemo_t *h = xcalloc(nc, sizeof *h);
		for (size_t i = 0; i < cg->nm_cap; i++)
			if (cg->nm[i].key) {
				size_t j = (size_t)(cg->nm[i].key * 0x9E3779B97F4A7C15ull >> 20) & (nc - 1);
				while (h[j].key)
					j = (j + 1) & (nc - 1);
				h[j] = cg->nm[i];
			}
		free(cg->nm);
		cg->nm = h;
		cg->nm_cap = nc;
	}
	if (!cg->nm_cap)
		return NULL;
	uintptr_t key = (uintptr_t)n << 1 | (uintptr_t)what;
	size_t mask = cg->nm_cap - 1, j = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & mask;
	while (cg->nm[j].key && cg->nm[j].key != key)
		j = (j + 1) & mask;
	if (cg->nm[j].key)
		return &cg->nm[j];
	if (!add)
		return NULL;
	cg->nm[j].key = key;
	cg->nnm++;
	return &cg->nm[j];
}

static int64_t pred_of_node(cg_t *cg, const pnode_t *n);

/* Single-token predicate of a tree, or -1 (error reported). */
int64_t pred_of(cg_t *cg, const pnode_t *n)
{
	const nmemo_t *e = node_memo(cg, n, 0, 0);
	if (e)
		return e->val;
	int64_t p = pred_of_node(cg, n);
	if (p >= 0) /* errors are not kept: each use reports its own */
		node_memo(cg, n, 0, 1)->val = (uint32_t)p;
	return p;
}

static int64_t pred_of_node(cg_t *cg, const pnode_t *n)
{
	grammar_t *g = cg->g;
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		size_t nt = lit_tokens(cg, n, stem);
		if (nt == 0)
			return -1;
		if (nt != 1) {
			diag_at(cg->c, n->loc, 1, "operand of '&' or '!' must match exactly one token; \"%s\" is %zu tokens",
			        n->s, nt);
			return -1;
		}
		return pred_new(g, stem ? PR_STEM : PR_LIT, tok_sym(cg, 0, stem), 0);
	}
	case PN_CLASS: return pred_new(g, PR_CLASS1, (uint32_t)n->idx, 0);
	case PN_REGEX: {
		int r = regex_compile(cg, n);
		return r < 0 ? -1 : (int64_t)pred_new(g, PR_REGEX, (uint32_t)r, 0);
	}
	case PN_ANY: return pred_new(g, PR_ANY, 0, 0);
	case PN_KIND: return pred_new(g, PR_KIND, (uint32_t)n->arg, 0);
	case PN_TFLAG: return pred_new(g, PR_TFLAG, (uint32_t)n->arg, 0);
	case PN_REF: return pred_of(cg, cg->c->decls[n->idx].pat);
	case PN_NOT: {
		int64_t a = pred_of(cg, n->kids[0]);
		return a < 0 ? -1 : (int64_t)pred_new(g, PR_NOT, (uint32_t)a, 0);
	}
	case PN_AND:
	case PN_ALT: {
		int64_t acc = pred_of(cg, n->kids[0]);
		for (size_t i = 1; acc >= 0 && i < n->nkids; i++) {
			int64_t b = pred_of(cg, n->kids[i]);
			acc = b < 0 ? -1 : (int64_t)pred_new(g, n->k == PN_AND ? PR_AND : PR_OR, (uint32_t)acc, (uint32_t)b);
		}
		return acc;
	}
	default:
		diag_at(cg->c, n->loc, 1, "operand of '&' or '!' must match exactly one token");
		return -1;
	}
}

int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Append the members of an alternation of single literal/stem tokens to
 * setv; returns 0 (leaving junk to drop) if some alternative is anything
 * else.  Sets of one-token alternatives behave exactly like the SPLIT chain:
 * each alternative consumes one token and captures nothing. */
static int set_collect(cg_t *cg, const pnode_t *n)
{
	grammar_t *g = cg->g;
	switch (n->k) {
	case PN_REF: return set_collect(cg, cg->c->decls[n->idx].pat);
	case PN_ALT:
		for (size_t i = 0; i < n->nkids; i++)
			if (!set_collect(cg, n->kids[i]))
				return 0;
		return 1;
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		if (lit_lookup(cg, n, stem) != 1)
			return 0;
		uint32_t sym = tok_sym(cg, 0, stem);
		GROW(g->setv, g->setv_cap, g->nsetv + 1);
		g->setv[g->nsetv++] = stem ? sym | SET_STEM : sym;
		return 1;
	}
	default: return 0;
	}
}

/* The set of the members set_collect appended to setv from mark on,
 * sorted and without repeats: an existing set with the same members, or
 * a new one. */
static uint32_t set_intern(grammar_t *g, size_t mark)
{
	uint32_t *v = g->setv + mark;
	size_t k = g->nsetv - mark;
	qsort(v, k, sizeof *v, u32_cmp);
	size_t w = 0;
	for (size_t i = 0; i < k; i++)
		if (w == 0 || v[w - 1] != v[i])
			v[w++] = v[i];
	g->nsetv = (uint32_t)(mark + w);
	for (uint32_t q = 0; q < g->nsets; q++)
		if (g->set_off[q + 1] - g->set_off[q] == w && memcmp(g->setv + g->set_off[q], v, w * sizeof *v) == 0) {
			g->nsetv = (uint32_t)mark; /* the same set exists: share it */
			return q;
		}
	if (g->nsets == 0) {
		GROW(g->set_off, g->set_off_cap, 1);
		g->set_off[0] = 0;
	}
	GROW(g->set_off, g->set_off_cap, g->nsets + 2);
	g->set_off[g->nsets + 1] = g->nsetv;
	return g->nsets++;
}

static size_t capdef_slot(const cg_t *cg, capdef_t cd)
{
	uint64_t h = (cd.classes ^ ((uint64_t)cd.name << 1 | cd.is_flag)) * 0x9E3779B97F4A7C15ull;
	size_t mask = cg->cdh_cap - 1, i = (size_t)(h >> 32) & mask;
	for (; cg->cdh[i]; i = (i + 1) & mask) {
		const capdef_t *x = &cg->g->capdefs[cg->cdh[i] - 1];
		if (x->name == cd.name && x->is_flag == cd.is_flag && x->classes == cd.classes)
			break;
	}
	return i;
}

/* A capture site: one per distinct (name, classes, flag), the same for
 * every place a pattern is inlined (a site only names the capture and the
 * classes its value() prefers; the matcher compares no sites). */
static uint32_t capdef_intern(cg_t *cg, capdef_t cd)
{
	grammar_t *g = cg->g;
	if ((g->ncapdefs + 1) * 2 > cg->cdh_cap) {
		free(cg->cdh);
		cg->cdh_cap = cg->cdh_cap ? cg->cdh_cap * 2 : 256;
		cg->cdh = xcalloc(cg->cdh_cap, sizeof *cg->cdh);
		for (uint32_t i = 0; i < g->ncapdefs; i++)
			cg->cdh[capdef_slot(cg, g->capdefs[i])] = i + 1;
	}
	size_t slot = capdef_slot(cg, cd);
	if (cg->cdh[slot])
		return cg->cdh[slot] - 1;
	GROW(g->capdefs, g->capdefs_cap, g->ncapdefs + 1);
	g->capdefs[g->ncapdefs] = cd;
	cg->cdh[slot] = g->ncapdefs + 1;
	return g->ncapdefs++;
}

int gen(cg_t *cg, const pnode_t *n)
{
	grammar_t *g = cg->g;
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		size_t nt = lit_tokens(cg, n, stem);
		if (nt == 0)
			return 0;
		for (size_t k = 0; k < nt; k++)
			emit(g, stem ? OP_STEM : OP_LIT, tok_sym(cg, k, stem), 0);
		return 1;
	}
	case PN_CLASS:
		emit(g, OP_CLASS, (uint32_t)n->idx, 0);
		return 1;
	case PN_ANY:
		emit(g, OP_ANY, 0, 0);
		return 1;
	case PN_REGEX: case PN_KIND: case PN_TFLAG: case PN_AND: case PN_NOT: {
		int64_t p = pred_of(cg, n);
		if (p < 0)
			return 0;
		emit(g, OP_PRED, (uint32_t)p, 0);
		return 1;
	}
	case PN_REF: {
		decl_t *d = &cg->c->decls[n->idx];
		if (cg->in_sub || !d->sub_len)
			return gen(cg, d->pat);
		emit(g, OP_CALL, d->sub_entry, cg->nsubslots);
		cg->nsubslots += d->sub_len;
		return 1;
	}
	case PN_SEQ: {
		int ok = 1;
		for (size_t i = 0; i < n->nkids; i++)
			ok &= gen(cg, n->kids[i]);
		return ok;
	}
	case PN_ALT: {
		/* alternatives that are all one literal or stem token: one set test */
		const nmemo_t *known = node_memo(cg, n, 1, 0);
		if (known && known->val != UINT32_MAX) {
			emit(g, OP_SET, known->val, 0);
			return 1;
		}
		size_t mark = g->nsetv;
		if (!known && set_collect(cg, n)) {
			uint32_t q = set_intern(g, mark);
			node_memo(cg, n, 1, 1)->val = q;
			emit(g, OP_SET, q, 0);
			return 1;
		}
		g->nsetv = (uint32_t)mark;
		if (!known)
			node_memo(cg, n, 1, 1)->val = UINT32_MAX;
		/* Each run of two or more one-token alternatives in a row is one
		 * set test, as a whole alternation of them is: the alternatives of
		 * a run consume one token and capture nothing, so where two of
		 * them match, the second goes on exactly as the first did.  The
		 * other alternatives keep their place: run[i] is the index one
		 * past the run that begins at alternative i (i + 1: no run). */
		size_t nk = n->nkids, *run = xmalloc(nk * sizeof *run);
		for (size_t i = 0; i < nk;) {
			size_t j = i;
			while (j < nk && set_collect(cg, n->kids[j]))
				j++;
			g->nsetv = (uint32_t)mark;
			run[i] = j - i >= 2 ? j : i + 1;
			i = run[i];
		}
		/* SPLIT L1,next; L1: A; JMP end; next: SPLIT L2,next2; … last: Z; end: */
		uint32_t *jumps = xmalloc(nk * sizeof *jumps);
		size_t nj = 0;
		int ok = 1;
		for (size_t i = 0; i < nk; i = run[i]) {
			int last = run[i] >= nk;
			uint32_t split = 0;
			if (!last)
				split = emit(g, OP_SPLIT, g->ncode + 1, 0);
			if (run[i] > i + 1) {
				size_t at = g->nsetv; /* the alternatives before may have made sets */
				for (size_t k = i; k < run[i]; k++)
					set_collect(cg, n->kids[k]);
				emit(g, OP_SET, set_intern(g, at), 0);
			} else {
				ok &= gen(cg, n->kids[i]);
			}
			if (!last) {
				jumps[nj++] = emit(g, OP_JMP, 0, 0);
				g->code[split].b = g->ncode;
			}
		}
		for (size_t i = 0; i < nj; i++)
			g->code[jumps[i]].a = g->ncode;
		free(jumps);
		free(run);
		return ok;
	}
	case PN_REP: {
		const pnode_t *x = n->kids[0];
		int ok = 1, empty = nullable(cg, x);
		for (int i = 0; i < n->min; i++)
			ok &= gen(cg, x);
		if (n->max < 0) {
			/* L: SPLIT body,out (lazy: out,body); body: [MARK r] X [PROGRESS r] JMP L; out: */
			uint32_t reg = empty ? cg->nregs++ : 0;
			uint32_t l = emit(g, OP_SPLIT, 0, 0);
			uint32_t body = g->ncode;
			if (empty)
				emit(g, OP_MARK, reg, 0);
			ok &= gen(cg, x);
			if (empty)
				emit(g, OP_PROGRESS, reg, 0);
			emit(g, OP_JMP, l, 0);
			g->code[l].a = n->lazy ? g->ncode : body;
			g->code[l].b = n->lazy ? body : g->ncode;
		} else {
			/* (X (X (X)?)?)? nested optionals; all splits exit to the end */
			int opt = n->max - n->min;
			uint32_t *splits = xmalloc((size_t)(opt > 0 ? opt : 1) * sizeof *splits);
			for (int i = 0; i < opt; i++) {
				splits[i] = emit(g, OP_SPLIT, 0, 0);
				ok &= gen(cg, x);
			}
			for (int i = 0; i < opt; i++) {
				uint32_t body = splits[i] + 1;
				g->code[splits[i]].a = n->lazy ? g->ncode : body;
				g->code[splits[i]].b = n->lazy ? body : g->ncode;
			}
			free(splits);
		}
		return ok;
	}
	case PN_ASSERT:
		emit(g, OP_ASSERT, (uint32_t)n->arg, 0);
		return 1;
	case PN_CAP:
	case PN_FLAG: {
		capdef_t cd = {.name = capname_intern(g, n->s), .is_flag = n->k == PN_FLAG,
		               .classes = n->k == PN_CAP ? classes_in(cg, n->kids[0]) : 0};
		uint32_t id = capdef_intern(cg, cd);
		if (n->k == PN_FLAG) {
			emit(g, OP_FLAG, id, 0);
			return 1;
		}
		emit(g, OP_OPEN, id, 0);
		int ok = gen(cg, n->kids[0]);
		emit(g, OP_CLOSE, 0, 0);
		return ok;
	}
	}
	return 0;
}
