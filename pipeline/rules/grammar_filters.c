/*
 * grammar_filters.c — the required-token filters of the rules (a token
 * every match must contain, within reach) and their shared openings
 * (grammar_compile_int.h).
 */
#include "grammar_compile_int.h"

/* ------------------------------------------------ required-token filters */

static void tsb_add(tsb_t *b, int which, uint32_t x)
{
	GROW(b->v[which], b->cap[which], b->n[which] + 1);
	b->v[which][b->n[which]++] = x;
}

void tsb_free(tsb_t *b)
{
	for (int i = 0; i < 3; i++)
		free(b->v[i]);
	memset(b, 0, sizeof *b);
}

static int tsb_empty(const tsb_t *b)
{
	return !b->any && !b->cls && !b->cls_in && !b->n[0] && !b->n[1] && !b->n[2];
}

static uint32_t reach_add(uint32_t a, uint32_t b)
{
	if (a == REACH_INF || b == REACH_INF || a + b < a || a + b >= REACH_INF)
		return REACH_INF;
	return a + b;
}

/* Sort and deduplicate the members of b. */
static void tsb_norm(tsb_t *b)
{
	for (int k = 0; k < 3; k++) {
		size_t w = 0;
		if (b->n[k] > 1)
			qsort(b->v[k], b->n[k], sizeof *b->v[k], u32_cmp);
		for (size_t i = 0; i < b->n[k]; i++)
			if (w == 0 || b->v[k][w - 1] != b->v[k][i])
				b->v[k][w++] = b->v[k][i];
		b->n[k] = w;
	}
}

/* b |= a, members appended (b is not normalized). */
static void tsb_merge(tsb_t *b, const tsb_t *a)
{
	b->any |= a->any;
	b->cls |= a->cls;
	b->cls_in |= a->cls_in;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < a->n[k]; i++)
			tsb_add(b, k, a->v[k][i]);
}

/* Most tokens one match of n can consume (REACH_INF: unbounded). */
static uint32_t max_len(cg_t *cg, const pnode_t *n)
{
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: return (uint32_t)lit_tokens(cg, n, n->k == PN_STEM);
	case PN_CLASS: return cg->g->classes[n->idx].maxlen;
	case PN_REGEX: case PN_ANY: case PN_KIND: case PN_TFLAG: case PN_AND: case PN_NOT: return 1;
	case PN_REF: {
		/* memoized per declaration (patterns are used by many rules) */
		if (!cg->mlen)
			cg->mlen = xcalloc(cg->c->ndecls + 1, sizeof *cg->mlen);
		if (!cg->mlen[n->idx]) {
			uint32_t x = max_len(cg, cg->c->decls[n->idx].pat);
			cg->mlen[n->idx] = x == REACH_INF ? REACH_INF : x + 1;
		}
		return cg->mlen[n->idx] == REACH_INF ? REACH_INF : cg->mlen[n->idx] - 1;
	}
	case PN_CAP: return max_len(cg, n->kids[0]);
	case PN_SEQ: {
		uint32_t s = 0;
		for (size_t i = 0; i < n->nkids; i++)
			s = reach_add(s, max_len(cg, n->kids[i]));
		return s;
	}
	case PN_ALT: {
		uint32_t s = 0;
		for (size_t i = 0; i < n->nkids; i++) {
			uint32_t x = max_len(cg, n->kids[i]);
			if (x > s)
				s = x;
		}
		return s;
	}
	case PN_REP: {
		uint32_t x = max_len(cg, n->kids[0]), s = 0;
		if (x == 0)
			return 0;
		if (n->max < 0)
			return REACH_INF;
		for (int i = 0; i < n->max && s != REACH_INF; i++)
			s = reach_add(s, x);
		return s;
	}
	default: return 0; /* assertions, flags */
	}
}

/* Every test of a token that a match of n can consume, into b. */
static void leaves_add(cg_t *cg, const pnode_t *n, tsb_t *b)
{
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		size_t nt = lit_tokens(cg, n, stem);
		for (size_t k = 0; k < nt; k++)
			tsb_add(b, stem, tok_sym(cg, k, stem));
		return;
	}
	case PN_CLASS:
		b->cls |= 1ull << n->idx;
		b->cls_in |= 1ull << n->idx;
		return;
	case PN_ANY: b->any = 1; return;
	case PN_REGEX: case PN_KIND: case PN_TFLAG: case PN_AND: case PN_NOT: {
		int64_t p = pred_of(cg, n);
		if (p < 0)
			b->any = 1;
		else
			tsb_add(b, 2, (uint32_t)p);
		return;
	}
	case PN_REF: {
		/* memoized per declaration */
		if (!cg->lvc) {
			cg->lvc = xcalloc(cg->c->ndecls + 1, sizeof *cg->lvc);
			cg->lvc_done = xcalloc(cg->c->ndecls + 1, 1);
		}
		tsb_t *t = &cg->lvc[n->idx];
		if (!cg->lvc_done[n->idx]) {
			leaves_add(cg, cg->c->decls[n->idx].pat, t);
			tsb_norm(t);
			cg->lvc_done[n->idx] = 1;
		}
		tsb_merge(b, t);
		return;
	}
	default:
		for (size_t i = 0; i < n->nkids; i++)
			leaves_add(cg, n->kids[i], b);
		return;
	}
}

/* The tests the first token of a match of n passes, into b; returns 1 when
 * n can match the empty string (then b is incomplete). */
static int first_add(cg_t *cg, const pnode_t *n, tsb_t *b)
{
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		if (lit_tokens(cg, n, stem) == 0)
			return 1;
		tsb_add(b, stem, tok_sym(cg, 0, stem));
		return 0;
	}
	case PN_CLASS: b->cls |= 1ull << n->idx; return 0;
	case PN_ANY: b->any = 1; return 0;
	case PN_REGEX: case PN_KIND: case PN_TFLAG: case PN_AND: case PN_NOT: {
		int64_t p = pred_of(cg, n);
		if (p < 0)
			b->any = 1;
		else
			tsb_add(b, 2, (uint32_t)p);
		return 0;
	}
	case PN_REF: {
		/* memoized per declaration */
		if (!cg->fac) {
			cg->fac = xcalloc(cg->c->ndecls + 1, sizeof *cg->fac);
			cg->fac_done = xcalloc(cg->c->ndecls + 1, 1);
		}
		tsb_t *t = &cg->fac[n->idx];
		if (!cg->fac_done[n->idx]) {
			int nul = first_add(cg, cg->c->decls[n->idx].pat, t);
			tsb_norm(t);
			cg->fac_done[n->idx] = (uint8_t)(1 + nul);
		}
		tsb_merge(b, t);
		return cg->fac_done[n->idx] - 1;
	}
	case PN_CAP: return first_add(cg, n->kids[0], b);
	case PN_SEQ:
		for (size_t i = 0; i < n->nkids; i++)
			if (!first_add(cg, n->kids[i], b))
				return 0;
		return 1;
	case PN_ALT: {
		int nul = 0;
		for (size_t i = 0; i < n->nkids; i++)
			nul |= first_add(cg, n->kids[i], b);
		return nul;
	}
	case PN_REP: {
		int nul = first_add(cg, n->kids[0], b);
		return n->min == 0 || nul;
	}
	default: return 1;
	}
}

/* An element of a flattened sequence; opt: may be skipped (the remaining
 * iterations of a repetition), never used as the required element. */
typedef struct fel {
	const pnode_t *n;
	int opt;
} fel_t;

typedef struct felvec {
	fel_t *v;
	size_t n, cap;
} felvec_t;

static void fel_push(felvec_t *v, const pnode_t *n, int opt)
{
	GROW(v->v, v->cap, v->n + 1);
	v->v[v->n++] = (fel_t){n, opt};
}

/* The top-level sequence of a pattern: sequences, references and captures
 * opened up; a repetition of at least one becomes its first iteration
 * followed by the rest (optional). */
static void flatten(cg_t *cg, const pnode_t *n, felvec_t *v)
{
	if (n->k == PN_SEQ) {
		for (size_t i = 0; i < n->nkids; i++)
			flatten(cg, n->kids[i], v);
	} else if (n->k == PN_REF) {
		flatten(cg, cg->c->decls[n->idx].pat, v);
	} else if (n->k == PN_CAP) {
		flatten(cg, n->kids[0], v);
	} else if (n->k == PN_REP && n->min >= 1) {
		flatten(cg, n->kids[0], v);
		if (n->max != 1)
			fel_push(v, n, 1);
	} else {
		fel_push(v, n, 0);
	}
}

/* Is a predicate likely to accept few tokens?  Only a guess (it decides
 * which filter a rule gets, never whether a match is found).  Of the token
 * kinds only SECT is rare: a § mark stands in headings and citations. */
static int pred_narrow(const grammar_t *g, uint32_t p)
{
	const pred_t *pr = &g->preds[p];
	switch (pr->op) {
	case PR_LIT: case PR_STEM: case PR_CLASS1: return 1;
	case PR_KIND: return pr->a == TK_SECT;
	case PR_REGEX: {
		const unsigned char *s = (const unsigned char *)g->re_src[pr->a];
		if (s[0] == '(')
			s++;
		return s[0] >= 0x80 || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
		       (s[0] >= '0' && s[0] <= '9');
	}
	case PR_AND: return pred_narrow(g, pr->a) || pred_narrow(g, pr->b);
	case PR_OR: return pred_narrow(g, pr->a) && pred_narrow(g, pr->b);
	default: return 0;
	}
}

static int pred_has_regex(const grammar_t *g, uint32_t p)
{
	const pred_t *pr = &g->preds[p];
	switch (pr->op) {
	case PR_REGEX: return 1;
	case PR_AND: case PR_OR: return pred_has_regex(g, pr->a) || pred_has_regex(g, pr->b);
	case PR_NOT: return pred_has_regex(g, pr->a);
	default: return 0;
	}
}

/* Symbols too frequent to be worth a filter (resolve prefilter.frequent). */
static int sym_common(const grammar_t *g, uint32_t sym)
{
	for (size_t i = 0; i < g->rc.nfrequent; i++)
		if (strcmp(g->syms[sym], g->rc.prefilter_frequent[i]) == 0)
			return 1;
	return 0;
}

static int tsb_narrow(const grammar_t *g, const tsb_t *b)
{
	if (b->any)
		return 0;
	for (size_t i = 0; i < b->n[0]; i++)
		if (sym_common(g, b->v[0][i]))
			return 0;
	for (size_t i = 0; i < b->n[2]; i++)
		if (!pred_narrow(g, b->v[2][i]))
			return 0;
	return 1;
}

/* Sorted, deduplicated members (predicates: those without a regex first,
 * as they are cheaper) appended to g->tsv. */
static tokset_t tokset_store(grammar_t *g, tsb_t *b)
{
	tokset_t t = {.cls = b->cls, .cls_in = b->cls_in, .any = (uint8_t)(b->any != 0)};
	uint32_t *off[3] = {&t.sym, &t.stem, &t.pred}, *cnt[3] = {&t.nsym, &t.nstem, &t.npred};
	for (int k = 0; k < 3; k++) {
		uint32_t *v = b->v[k];
		size_t n = b->n[k], w = 0;
		if (n > 1)
			qsort(v, n, sizeof *v, u32_cmp);
		for (size_t i = 0; i < n; i++)
			if (w == 0 || v[w - 1] != v[i])
				v[w++] = v[i];
		if (k == 2) { /* cheap predicates first */
			size_t q = 0;
			uint32_t *tmp = xmalloc((w ? w : 1) * sizeof *tmp);
			for (int pass = 0; pass < 2; pass++)
				for (size_t i = 0; i < w; i++)
					if (pred_has_regex(g, v[i]) == pass)
						tmp[q++] = v[i];
			if (w)
				memcpy(v, tmp, w * sizeof *v);
			free(tmp);
		}
		GROW(g->tsv, g->tsv_cap, g->ntsv + w);
		if (w)
			memcpy(g->tsv + g->ntsv, v, w * sizeof *v);
		*off[k] = g->ntsv;
		*cnt[k] = (uint32_t)w;
		for (size_t i = 0; i < w && k < 2; i++)
			*(k == 0 ? &t.symmask : &t.stemmask) |= 1ull << (v[i] & 63);
		g->ntsv += (uint32_t)w;
	}
	return t;
}

static int tokset_eq(const grammar_t *g, const tokset_t *a, const tokset_t *b)
{
	return a->cls == b->cls && a->cls_in == b->cls_in && a->symmask == b->symmask && a->stemmask == b->stemmask && a->any == b->any && a->nsym == b->nsym &&
	       a->nstem == b->nstem && a->npred == b->npred &&
	       (!a->nsym || !memcmp(g->tsv + a->sym, g->tsv + b->sym, a->nsym * sizeof *g->tsv)) &&
	       (!a->nstem || !memcmp(g->tsv + a->stem, g->tsv + b->stem, a->nstem * sizeof *g->tsv)) &&
	       (!a->npred || !memcmp(g->tsv + a->pred, g->tsv + b->pred, a->npred * sizeof *g->tsv));
}

static void tsb_copy(tsb_t *d, const tsb_t *s)
{
	*d = *s;
	for (int k = 0; k < 3; k++) {
		d->v[k] = s->n[k] ? xmalloc(s->n[k] * sizeof *s->v[k]) : NULL;
		d->cap[k] = s->n[k];
		if (s->n[k])
			memcpy(d->v[k], s->v[k], s->n[k] * sizeof *s->v[k]);
	}
}

/* Store a token set, shared with an identical one; returns its index. */
static uint32_t tokset_intern(grammar_t *g, tsb_t *b)
{
	uint32_t mark = g->ntsv;
	tokset_t t = tokset_store(g, b);
	for (uint32_t q = 0; q < g->ntoksets; q++)
		if (tokset_eq(g, &g->toksets[q], &t)) {
			g->ntsv = mark;
			return q;
		}
	GROW(g->toksets, g->toksets_cap, g->ntoksets + 1);
	g->toksets[g->ntoksets] = t;
	return g->ntoksets++;
}

/* Store filter (need, pre, reach), shared with an identical one; returns
 * its index. */
static uint32_t filter_store(grammar_t *g, tsb_t *need, tsb_t *pre, uint32_t reach)
{
	filter_t f = {.reach = reach};
	f.need = tokset_intern(g, need);
	f.pre = tokset_intern(g, pre);
	for (uint32_t q = 0; q < g->nfilters; q++)
		if (g->filters[q].reach == f.reach && g->filters[q].need == f.need && g->filters[q].pre == f.pre)
			return q;
	GROW(g->filters, g->filters_cap, g->nfilters + 1);
	g->filters[g->nfilters] = f;
	return g->nfilters++;
}

/* Filters of the paths of a rule: each path is a primary filter
 * (cj[k] == 0) followed by its conjuncts (cj[k] == 1), filters of later
 * elements of the same path that must pass as well. */
typedef struct fids {
	uint32_t *v;
	uint8_t *cj;
	size_t n, cap, cjcap;
} fids_t;

#define FILTER_CONJ 4 /* conjuncts per path at most */

static void fids_push(fids_t *o, uint32_t f, int cj)
{
	GROW(o->v, o->cap, o->n + 1);
	GROW(o->cj, o->cjcap, o->n + 1);
	o->v[o->n] = f;
	o->cj[o->n++] = (uint8_t)cj;
}

/* The number of entries of the path at out[k] (its primary and conjuncts). */
static size_t fids_path_len(const fids_t *o, size_t k)
{
	size_t e = k + 1;
	while (e < o->n && o->cj[e])
		e++;
	return e - k;
}

/* Linear search of the sequence el[0..nel), after elements that gave pre
 * and reach: the first element that cannot be empty, starts with selective
 * tests and follows something.  Returns 2 and appends its filter to out,
 * followed by the filters of the next such elements (conjuncts: the same
 * argument holds for every element of the sequence, with pre and reach
 * taken from the sequence's start); else returns 1 when the first element
 * is selective (its tests, into *fb), 0 otherwise. */
static int filter_linear(cg_t *cg, const fel_t *el, size_t nel, tsb_t *pre, uint32_t reach, tsb_t *fb,
                         fids_t *out)
{
	grammar_t *g = cg->g;
	int res = 0, nconj = 0;
	for (size_t j = 0; j < nel; j++) {
		const fel_t *e = &el[j];
		int first = tsb_empty(pre) && reach == 0;
		if (!e->opt) {
			tsb_t need = {0};
			if (!first_add(cg, e->n, &need) && tsb_narrow(g, &need)) {
				if (res == 2) {
					/* a conjunct asks only for its need within reach
					 * (any pre: following a wide pre run costs more
					 * than it saves) */
					tsb_t any = {.any = 1};
					fids_push(out, filter_store(g, &need, &any, reach), 1);
					tsb_free(&need);
					if (++nconj == FILTER_CONJ)
						return 2;
				} else if (!first) {
					fids_push(out, filter_store(g, &need, pre, reach), 0);
					tsb_free(&need);
					res = 2;
				} else if (!res) {
					*fb = need;
					res = 1;
					memset(&need, 0, sizeof need);
				}
			}
			tsb_free(&need);
		}
		leaves_add(cg, e->n, pre);
		reach = reach_add(reach, max_len(cg, e->n));
	}
	return res;
}

/* Does a predicate accept most tokens? */
static int pred_wide(const grammar_t *g, uint32_t p)
{
	const pred_t *pr = &g->preds[p];
	switch (pr->op) {
	case PR_ANY: case PR_KIND: case PR_NOT: return 1;
	case PR_AND: return pred_wide(g, pr->a) && pred_wide(g, pr->b);
	case PR_OR: return pred_wide(g, pr->a) || pred_wide(g, pr->b);
	default: return 0;
	}
}

/* A rough price of checking filter f: the tokens its prefix scan may
 * cover. */
static uint32_t filter_cost(const grammar_t *g, uint32_t f)
{
	const filter_t *fl = &g->filters[f];
	const tokset_t *pre = &g->toksets[fl->pre];
	int wide = pre->any;
	for (uint32_t q = 0; q < pre->npred && !wide; q++)
		wide = pred_wide(g, g->tsv[pre->pred + q]);
	uint32_t r = fl->reach == REACH_INF ? 1000 : fl->reach;
	if (!wide && r > 2)
		r = 2;
	return r;
}

/* Filters for the sequence el[0..nel) after pre and reach (not changed):
 * the linear search; failing that, the first alternation met is split into
 * its alternatives, each searched with the rest of the sequence (a match
 * follows one of them); failing that, a selective first element.  Appends
 * one filter per path to out; returns 0 when some path has none (then the
 * rule gets no filter). */
static int filter_search(cg_t *cg, const fel_t *el, size_t nel, const tsb_t *pre, uint32_t reach,
                         int *budget, fids_t *out)
{
	tsb_t p = {0}, fb = {0};
	tsb_copy(&p, pre);
	size_t lin = out->n;
	int st = filter_linear(cg, el, nel, &p, reach, &fb, out);
	tsb_free(&p);
	uint32_t lcost = st == 2 ? filter_cost(cg->g, out->v[lin]) : 0;
	if (st == 2 && lcost <= 2) {
		tsb_free(&fb);
		return 1;
	}
	/* split the first alternation */
	tsb_copy(&p, pre);
	uint32_t rch = reach;
	int ok = 0;
	for (size_t j = 0; j < nel; j++) {
		const fel_t *e = &el[j];
		if (!e->opt && e->n->k == PN_ALT) {
			if (--*budget < 0)
				break;
			size_t mark = out->n;
			ok = 1;
			for (size_t k = 0; k < e->n->nkids && ok; k++) {
				felvec_t sub = {0};
				flatten(cg, e->n->kids[k], &sub);
				for (size_t q = j + 1; q < nel; q++)
					fel_push(&sub, el[q].n, el[q].opt);
				ok = filter_search(cg, sub.v, sub.n, &p, rch, budget, out);
				free(sub.v);
			}
			if (ok && st == 2) {
				/* keep the paths only when each is cheaper than the linear one */
				for (size_t q = mark; q < out->n && ok; q++)
					ok = out->cj[q] || filter_cost(cg->g, out->v[q]) < lcost;
			}
			if (!ok)
				out->n = mark;
			break;
		}
		leaves_add(cg, e->n, &p);
		rch = reach_add(rch, max_len(cg, e->n));
	}
	tsb_free(&p);
	if (st == 2) {
		if (ok) { /* the paths replace the linear filter (and its conjuncts) */
			size_t pl = fids_path_len(out, lin);
			if (out->n - lin > pl) {
				memmove(out->v + lin, out->v + lin + pl, (out->n - lin - pl) * sizeof *out->v);
				memmove(out->cj + lin, out->cj + lin + pl, (out->n - lin - pl) * sizeof *out->cj);
			}
			out->n -= pl;
		}
		tsb_free(&fb);
		return 1;
	}
	if (!ok && st == 1) {
		tsb_t none = {0};
		fids_push(out, filter_store(cg->g, &fb, &none, 0), 0);
		ok = 1;
	}
	tsb_free(&fb);
	return ok;
}

#define RC_MAX 8       /* conditions kept per node */
#define RULE_CONDS 6   /* conjuncts added to a rule's paths */

void rc_free(rcvec_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		tsb_free(&c->v[i].need);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Append (need, reach), taking need over; a set that is not selective or
 * one more than RC_MAX is dropped. */
static void rc_push(const grammar_t *g, rcvec_t *c, tsb_t *need, uint32_t reach)
{
	if (c->n >= RC_MAX || !tsb_narrow(g, need)) {
		tsb_free(need);
		return;
	}
	GROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = (rcond_t){*need, reach};
	memset(need, 0, sizeof *need);
}

/* Do a and b (normalized) have a member in common? */
static int tsb_meet(const tsb_t *a, const tsb_t *b)
{
	if ((a->cls & b->cls) || (a->cls_in & b->cls_in))
		return 1;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0, j = 0; i < a->n[k] && j < b->n[k];) {
			if (a->v[k][i] == b->v[k][j])
				return 1;
			if (a->v[k][i] < b->v[k][j])
				i++;
			else
				j++;
		}
	return 0;
}

/* b |= a */
static void tsb_union(tsb_t *b, const tsb_t *a)
{
	b->any |= a->any;
	b->cls |= a->cls;
	b->cls_in |= a->cls_in;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < a->n[k]; i++)
			tsb_add(b, k, a->v[k][i]);
	tsb_norm(b);
}

/* The conditions every match of n meets, reach counted from its start. */
static void req_collect(cg_t *cg, const pnode_t *n, rcvec_t *out, int depth)
{
	grammar_t *g = cg->g;
	if (depth > 64)
		return;
	switch (n->k) {
	case PN_LIT:
	case PN_STEM: {
		int stem = n->k == PN_STEM;
		size_t nt = lit_tokens(cg, n, stem);
		uint32_t sym[RC_MAX];
		size_t ns = 0;
		for (size_t k = 0; k < nt && ns < RC_MAX; k++)
			sym[ns++] = tok_sym(cg, k, stem);
		for (size_t k = 0; k < ns; k++) {
			tsb_t need = {0};
			tsb_add(&need, stem, sym[k]);
			rc_push(g, out, &need, (uint32_t)k);
		}
		return;
	}
	case PN_CLASS: {
		tsb_t need = {0};
		need.cls = 1ull << n->idx;
		rc_push(g, out, &need, 0);
		return;
	}
	case PN_REGEX: case PN_KIND: case PN_TFLAG: case PN_AND: case PN_NOT: {
		int64_t p = pred_of(cg, n);
		if (p >= 0) {
			tsb_t need = {0};
			tsb_add(&need, 2, (uint32_t)p);
			rc_push(g, out, &need, 0);
		}
		return;
	}
	case PN_REF: {
		/* memoized per declaration */
		if (!cg->rcc) {
			cg->rcc = xcalloc(cg->c->ndecls + 1, sizeof *cg->rcc);
			cg->rcc_done = xcalloc(cg->c->ndecls + 1, 1);
		}
		rcvec_t *m = &cg->rcc[n->idx];
		if (!cg->rcc_done[n->idx]) {
			req_collect(cg, cg->c->decls[n->idx].pat, m, depth + 1);
			cg->rcc_done[n->idx] = 1;
		}
		for (size_t q = 0; q < m->n; q++) {
			tsb_t need = {0};
			tsb_copy(&need, &m->v[q].need);
			rc_push(g, out, &need, m->v[q].reach);
		}
		return;
	}
	case PN_CAP: req_collect(cg, n->kids[0], out, depth + 1); return;
	case PN_REP:
		if (n->min >= 1)
			req_collect(cg, n->kids[0], out, depth + 1);
		return;
	case PN_SEQ: {
		uint32_t off = 0;
		for (size_t i = 0; i < n->nkids; i++) {
			rcvec_t sub = {0};
			req_collect(cg, n->kids[i], &sub, depth + 1);
			for (size_t q = 0; q < sub.n; q++)
				rc_push(g, out, &sub.v[q].need, reach_add(off, sub.v[q].reach));
			rc_free(&sub);
			off = reach_add(off, max_len(cg, n->kids[i]));
		}
		return;
	}
	case PN_ALT: {
		if (n->nkids == 0)
			return;
		rcvec_t *sub = xcalloc(n->nkids, sizeof *sub);
		int ok = 1;
		for (size_t i = 0; i < n->nkids && ok; i++) {
			req_collect(cg, n->kids[i], &sub[i], depth + 1);
			for (size_t q = 0; q < sub[i].n; q++)
				tsb_norm(&sub[i].v[q].need);
			ok = sub[i].n > 0;
		}
		if (ok) {
			/* what the alternatives require in common: each condition
			 * of the first with, from every other, the first condition
			 * sharing a member with it */
			for (size_t q = 0; q < sub[0].n; q++) {
				uint32_t reach = sub[0].v[q].reach;
				tsb_t need = {0};
				tsb_copy(&need, &sub[0].v[q].need);
				size_t i = 1;
				for (; i < n->nkids; i++) {
					size_t z = 0;
					while (z < sub[i].n && !tsb_meet(&sub[i].v[z].need, &sub[0].v[q].need))
						z++;
					if (z == sub[i].n)
						break;
					tsb_union(&need, &sub[i].v[z].need);
					if (sub[i].v[z].reach > reach)
						reach = sub[i].v[z].reach;
				}
				if (i == n->nkids)
					rc_push(g, out, &need, reach);
				else
					tsb_free(&need);
			}
			/* the union of each alternative's first and of each one's last */
			for (int last = 0; last < 2; last++) {
				tsb_t need = {0};
				uint32_t reach = 0;
				for (size_t i = 0; i < n->nkids; i++) {
					const rcond_t *c = &sub[i].v[last ? sub[i].n - 1 : 0];
					tsb_union(&need, &c->need);
					if (c->reach > reach)
						reach = c->reach;
				}
				rc_push(g, out, &need, reach);
			}
		}
		for (size_t i = 0; i < n->nkids; i++)
			rc_free(&sub[i]);
		free(sub);
		return;
	}
	default: return; /* ., assertions, flags: nothing required */
	}
}

typedef struct fpath {
	uint32_t prim;      /* primary filter */
	uint32_t cj, ncj;   /* its conjuncts: ids.v[cj .. cj + ncj) */
} fpath_t;

static int fpath_cmp(const void *a, const void *b)
{
	uint32_t x = ((const fpath_t *)a)->prim, y = ((const fpath_t *)b)->prim;
	return x < y ? -1 : x > y;
}

/* The required-token filters of a rule: paths, each a primary filter and
 * its conjuncts (every filter of some path passing lets it be tried),
 * stored as g->rfilt[r->filt .. r->filt + r->nfilt). */
void filter_build(cg_t *cg, rule_t *r, const pnode_t *pat)
{
	grammar_t *g = cg->g;
	felvec_t el = {0};
	flatten(cg, pat, &el);
	tsb_t pre = {0};
	fids_t ids = {0};
	int budget = 32;
	r->filt = r->nfilt = 0;
	/* the rule's conditions as filters (reach 0 at the start is the
	 * first-token prefilter's business) */
	uint32_t cf[RULE_CONDS];
	size_t ncf = 0;
	{
		rcvec_t rc = {0};
		req_collect(cg, pat, &rc, 0);
		tsb_t any = {.any = 1};
		for (size_t q = 0; q < rc.n && ncf < RULE_CONDS; q++) {
			if (rc.v[q].reach == 0)
				continue;
			uint32_t f = filter_store(g, &rc.v[q].need, &any, rc.v[q].reach);
			size_t z = 0;
			while (z < ncf && cf[z] != f)
				z++;
			if (z == ncf)
				cf[ncf++] = f;
		}
		rc_free(&rc);
	}
	if (!filter_search(cg, el.v, el.n, &pre, 0, &budget, &ids) || ids.n == 0) {
		/* no path filters: the conditions alone, as one path */
		ids.n = 0;
		for (size_t q = 0; q < ncf; q++)
			fids_push(&ids, cf[q], q > 0);
		ncf = 0;
		if (ids.n == 0)
			goto done;
	}
	/* every path gets the rule's conditions as conjuncts */
	for (size_t k = ids.n; ncf > 0 && k-- > 0;) {
		if (ids.cj[k])
			continue;
		size_t e = k + fids_path_len(&ids, k);
		for (size_t q = 0; q < ncf; q++) {
			fids_push(&ids, 0, 1);
			memmove(ids.v + e + 1, ids.v + e, (ids.n - 1 - e) * sizeof *ids.v);
			memmove(ids.cj + e + 1, ids.cj + e, (ids.n - 1 - e) * sizeof *ids.cj);
			ids.v[e] = cf[q];
			ids.cj[e] = 1;
		}
	}
	/* the paths, each with its conjuncts sorted and unique, sorted by
	 * primary; paths with the same primary keep the conjuncts common to
	 * them (a match follows one of them) */
	size_t np = 0;
	fpath_t *pv = xmalloc(ids.n * sizeof *pv);
	for (size_t k = 0; k < ids.n;) {
		size_t len = fids_path_len(&ids, k), w = 0;
		uint32_t *c = ids.v + k + 1;
		if (len > 2)
			qsort(c, len - 1, sizeof *c, u32_cmp);
		for (size_t q = 0; q < len - 1; q++)
			if ((w == 0 || c[w - 1] != c[q]) && c[q] != ids.v[k] &&
			    /* implied by the primary */
			    !(g->filters[c[q]].need == g->filters[ids.v[k]].need &&
			      g->filters[c[q]].reach >= g->filters[ids.v[k]].reach))
				c[w++] = c[q];
		pv[np++] = (fpath_t){ids.v[k], (uint32_t)(k + 1), (uint32_t)w};
		k += len;
	}
	if (np > 1)
		qsort(pv, np, sizeof *pv, fpath_cmp);
	size_t w = 0;
	for (size_t k = 0; k < np; k++) {
		if (w > 0 && pv[w - 1].prim == pv[k].prim) {
			fpath_t *a = &pv[w - 1];
			uint32_t *av = ids.v + a->cj, *bv = ids.v + pv[k].cj, nn = 0;
			for (uint32_t x = 0, y = 0; x < a->ncj && y < pv[k].ncj;) {
				if (av[x] < bv[y])
					x++;
				else if (av[x] > bv[y])
					y++;
				else
					av[nn++] = av[x], x++, y++;
			}
			a->ncj = nn;
			continue;
		}
		pv[w++] = pv[k];
	}
	np = w;
	/* a single filter on the first token only repeats the prefilter */
	if (!(np == 1 && pv[0].ncj == 0 && g->filters[pv[0].prim].reach == 0)) {
		size_t tot = 0;
		for (size_t k = 0; k < np; k++)
			tot += 1 + pv[k].ncj;
		GROW(g->rfilt, g->rfilt_cap, g->nrfilt + tot);
		GROW(g->rfcj, g->rfcj_cap, g->nrfilt + tot);
		r->filt = g->nrfilt;
		for (size_t k = 0; k < np; k++) {
			g->rfcj[g->nrfilt] = 0;
			g->rfilt[g->nrfilt++] = pv[k].prim;
			for (uint32_t q = 0; q < pv[k].ncj; q++) {
				g->rfcj[g->nrfilt] = 1;
				g->rfilt[g->nrfilt++] = ids.v[pv[k].cj + q];
			}
		}
		r->nfilt = (uint32_t)tot;
	}
	free(pv);
done:
	free(ids.cj);
	free(ids.v);
	tsb_free(&pre);
	free(el.v);
}

/* What every token a predicate accepts has (kind, flags): the matcher's
 * quick no.  Operands have smaller indexes than the predicates using them. */
void pred_requirements(grammar_t *g)
{
	for (uint32_t p = 0; p < g->npreds; p++) {
		pred_t *pr = &g->preds[p];
		pr->rkind = 0;
		pr->rflags = 0;
		switch (pr->op) {
		case PR_KIND: pr->rkind = (uint8_t)pr->a; break;
		case PR_TFLAG:
			if (pr->a && !(pr->a & (pr->a - 1)))
				pr->rflags = pr->a;
			break;
		case PR_AND: {
			const pred_t *x = &g->preds[pr->a], *y = &g->preds[pr->b];
			pr->rflags = x->rflags | y->rflags;
			pr->rkind = x->rkind ? x->rkind : y->rkind;
			break;
		}
		case PR_OR: {
			const pred_t *x = &g->preds[pr->a], *y = &g->preds[pr->b];
			pr->rflags = x->rflags & y->rflags;
			pr->rkind = x->rkind == y->rkind ? x->rkind : 0;
			break;
		}
		default: break;
		}
	}
}

/* ------------------------------------------------------ shared openings */

/* Do instruction k of rules a and b do the same thing?  The same operation
 * and operand, branch targets at the same offset from the entry; capture
 * sites may differ (they do not steer the matcher). */
static int insn_same(const grammar_t *g, const rule_t *a, const rule_t *b, uint32_t k)
{
	const insn_t *x = &g->code[a->entry + k], *y = &g->code[b->entry + k];
	if (x->op != y->op)
		return 0;
	switch (x->op) {
	case OP_SPLIT: return x->a - a->entry == y->a - b->entry && x->b - a->entry == y->b - b->entry;
	case OP_JMP: return x->a - a->entry == y->a - b->entry;
	case OP_CALL: return x->a == y->a && x->b == y->b;
	case OP_OPEN: case OP_CLOSE: case OP_FLAG: case OP_ANY: case OP_MATCH: return 1;
	default: return x->a == y->a;
	}
}

/* Openings lighter than this (insn_weight) are not recorded: a failure
 * within them costs about as little as the check.  A rule keeps at most OPENING_MAX of them
 * (the longest, then the nearest): the matcher reads them all before each
 * attempt. */
#define OPENING_MIN 4
#define OPENING_MAX 8

/* For every rule, the earlier rules whose programs begin like its own, and
 * for how many instructions (see match.c, "Shared openings").  Rules are
 * sorted by group and source order by now, which is the order the matcher
 * tries the candidates of a token in. */
void openings_build(grammar_t *g)
{
	for (uint32_t r = 0; r < g->nrules; r++) {
		rule_t *x = &g->rules[r];
		x->open = g->nopens;
		x->nopen = 0;
		for (uint32_t o = r; o-- > 0;) {
			rule_t *y = &g->rules[o];
			uint32_t k = 0, lim = x->ncode < y->ncode ? x->ncode : y->ncode, kw = 0;
			while (k < lim && insn_same(g, y, x, k))
				kw += insn_weight(g, &g->code[x->entry + k++]);
			if (kw < OPENING_MIN)
				continue;
			/* nearest first; a full list gives up its lightest opening */
			opening_t *v = g->opens ? g->opens + x->open : NULL; /* none yet: no offset to NULL */
			if (x->nopen == OPENING_MAX) {
				uint32_t w = 0;
				for (uint32_t q = 1; q < x->nopen; q++)
					if (v[q].w <= v[w].w)
						w = q;
				if (v[w].w >= kw)
					continue;
				memmove(v + w, v + w + 1, (x->nopen - w - 1) * sizeof *v);
				x->nopen--;
				g->nopens--;
			}
			GROW(g->opens, g->opens_cap, g->nopens + 1);
			g->opens[g->nopens++] = (opening_t){.rule = o, .len = k, .w = kw};
			x->nopen++;
		}
		for (uint32_t q = 0; q < x->nopen; q++)
			g->rules[g->opens[x->open + q].rule].opener = 1;
	}
}
