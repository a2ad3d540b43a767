/*
 * grammar_subs.c — subroutines of the grammar compiler
 * (grammar_compile_int.h): a pattern that the rules would inline many
 * times is generated once, at the start of the code, and called.
 *
 * Which patterns: greedily, the one whose copies cost the most
 * instructions, counted over the declarations' references: the copies
 * of a pattern's body are those generated where subroutines are called
 * (rule and trigger bodies and the patterns inlined into them) and those
 * generated inside subroutine bodies (where every reference is inlined, so
 * a subroutine never calls another).  A pattern with registers (a loop
 * whose body may match nothing) stays inlined.  The choice changes the
 * size of the code, never what a rule matches nor the steps it takes
 * (see "Subroutines" in match.c).  The environment variable
 * BESLUT_SUBROUTINES=0 turns them off, =all makes one of every pattern
 * that saves an instruction (for tests and measurements).
 */
#include "grammar_compile_int.h"

#include <stdlib.h>
#include <string.h>

enum {
	SUB_MAX = 64,          /* subroutines at most */
	SUB_MIN_SAVED = 2048,  /* instructions a subroutine must save */
	SUB_MIN_LEN = 16,      /* its own instructions at least */
};

/* The references of each declaration, by referenced declaration. */
typedef struct refs {
	uint32_t *from, *to; /* edge i: decl from[i] references decl to[i] (once per occurrence) */
	size_t n, cap;
	uint32_t *off;       /* by referenced decl: its edges in byto[off[d] .. off[d + 1]) */
	uint32_t *byto;
} refs_t;

static void refs_walk(refs_t *r, uint32_t from, const pnode_t *n)
{
	if (n->k == PN_REF) {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 256;
			r->from = xrealloc(r->from, r->cap * sizeof *r->from);
			r->to = xrealloc(r->to, r->cap * sizeof *r->to);
		}
		r->from[r->n] = from;
		r->to[r->n++] = (uint32_t)n->idx;
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		refs_walk(r, from, n->kids[i]);
}

/* Copies of each declaration's body: cc in call context, cs inside
 * subroutine bodies (done: computed in this round). */
typedef struct copies {
	uint64_t *cc, *cs;
	uint8_t *done;
} copies_t;

static uint64_t sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static void copies_of(const compile_t *c, const refs_t *r, copies_t *k, uint32_t d)
{
	if (k->done[d])
		return;
	k->done[d] = 1; /* the references form no cycle (resolve() checked) */
	const decl_t *x = &c->decls[d];
	uint64_t cc = x->kind == D_RULE || x->kind == D_TRIGGER, cs = x->sub_len ? 1 : 0;
	for (uint32_t q = r->off[d]; q < r->off[d + 1]; q++) {
		uint32_t f = r->from[r->byto[q]];
		copies_of(c, r, k, f);
		cs = sat(cs, k->cs[f]);
		if (!x->sub_len)
			cc = sat(cc, k->cc[f]);
	}
	if (x->sub_len)
		cc = 0; /* called, not copied, where calls are made */
	k->cc[d] = cc;
	k->cs[d] = cs;
}

/* Generate pattern d as a subroutine; 0 (and nothing kept) when it has
 * registers, is too short, or fails to generate. */
static int sub_gen(cg_t *cg, decl_t *d, uint32_t min_len)
{
	grammar_t *g = cg->g;
	uint32_t mark = g->ncode, nr = cg->nregs;
	int errs = cg->c->diag.nerr;
	cg->in_sub = 1;
	cg->nregs = 0;
	int ok = gen(cg, d->pat);
	emit(g, OP_RET, 0, 0);
	cg->in_sub = 0;
	ok = ok && cg->nregs == 0 && g->ncode - mark >= min_len && cg->c->diag.nerr == errs;
	cg->nregs = nr;
	if (!ok) {
		g->ncode = mark;
		return 0;
	}
	d->sub_entry = mark;
	d->sub_len = g->ncode - mark;
	GROW(g->subs, g->subs_cap, g->nsubs + 1);
	g->subs[g->nsubs++] = (rule_t){.name = d->name, .entry = mark, .ncode = d->sub_len,
	                               .nslots = d->sub_len, .guard = GUARD_NONE};
	return 1;
}

void subs_build(cg_t *cg)
{
	compile_t *c = cg->c;
	size_t nd = c->ndecls;
	const char *env = getenv("BESLUT_SUBROUTINES");
	if (nd == 0 || c->diag.nerr || (env && strcmp(env, "0") == 0))
		return;
	int all = env && strcmp(env, "all") == 0;
	uint64_t min_saved = all ? 1 : SUB_MIN_SAVED;
	refs_t r = {0};
	for (size_t i = 0; i < nd; i++) {
		const decl_t *d = &c->decls[i];
		if (!d->bad && d->pat && d->kind != D_LEXICON)
			refs_walk(&r, (uint32_t)i, d->pat);
	}
	r.off = xcalloc(nd + 2, sizeof *r.off);
	for (size_t i = 0; i < r.n; i++)
		r.off[r.to[i] + 2]++;
	for (size_t d = 0; d < nd; d++)
		r.off[d + 2] += r.off[d + 1];
	r.byto = xmalloc((r.n ? r.n : 1) * sizeof *r.byto);
	for (size_t i = 0; i < r.n; i++)
		r.byto[r.off[r.to[i] + 1]++] = (uint32_t)i;
	copies_t k = {xcalloc(nd, sizeof *k.cc), xcalloc(nd, sizeof *k.cs), xcalloc(nd, 1)};
	uint8_t *tried = xcalloc(nd, 1);
	for (int nsub = 0; nsub < SUB_MAX;) {
		memset(k.done, 0, nd);
		for (uint32_t d = 0; d < nd; d++)
			copies_of(c, &r, &k, d);
		/* the pattern whose call-context copies cost the most */
		uint32_t best = UINT32_MAX;
		uint64_t best_saved = 0;
		for (uint32_t d = 0; d < nd; d++) {
			const decl_t *x = &c->decls[d];
			if (x->kind != D_PATTERN || x->bad || x->sub_len || tried[d] || x->shaped != 2 ||
			    k.cc[d] < 2)
				continue;
			uint64_t cost = x->xsize, saved = (k.cc[d] - 1) * cost;
			if (cost && saved / cost != k.cc[d] - 1)
				saved = UINT64_MAX;
			saved = saved > k.cc[d] ? saved - k.cc[d] : 0; /* the calls */
			if (saved > best_saved) {
				best_saved = saved;
				best = d;
			}
		}
		if (best == UINT32_MAX || best_saved < min_saved)
			break;
		tried[best] = 1;
		nsub += sub_gen(cg, &c->decls[best], all ? 2 : SUB_MIN_LEN);
	}
	free(tried);
	free(k.cc);
	free(k.cs);
	free(k.done);
	free(r.from);
	free(r.to);
	free(r.off);
	free(r.byto);
}

uint32_t insn_weight(const grammar_t *g, const insn_t *in)
{
	if (in->op == OP_CALL)
		for (uint32_t q = 0; q < g->nsubs; q++)
			if (g->subs[q].entry == in->a)
				return g->subs[q].ncode - 1; /* without its RET */
	return 1;
}
