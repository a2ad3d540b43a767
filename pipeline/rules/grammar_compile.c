/*
 * grammar_compile.c — from declarations to the immutable grammar_t.
 *
 * Passes, in order (each one only runs on what the previous left intact):
 *
 *   1. parse every file (grammar_parse.c) into declarations;
 *   2. declare: check duplicate names, load each lexicon once (TSV with a
 *      header line; entries tokenized with the real tokenizer so "(s)" is
 *      the three tokens the document will have) into per-class tries over
 *      token symbols;
 *   3. resolve: <name> references (unknown, recursive), @class names,
 *      capture names used by actions;
 *   4. generate code: every rule and trigger pattern is inlined into one
 *      flat instruction array (match.c explains the instructions); literal
 *      words become symbol compares, `~word` the symbol of its stem,
 *      single-token operands of & and ! become predicate trees, regexes
 *      are compiled and JIT-compiled once;
 *   5. order rules by group (first appearance) and source order, and build
 *      the prefilter: the FIRST set of each rule — symbols, stems, lexicon
 *      classes, token kinds or flags its first token must have — inverted
 *      into lists "which rules can start at a token with key k";
 *   6. warnings: unused patterns, rules that can only match nothing.
 *
 * Symbols: every word a literal, stem or lexicon entry mentions gets a
 * small integer id (the lower-cased form; stems share the table).
 * grammar_annotate() stores a token's ids and its lexicon-class bits, so
 * the matcher compares integers only.
 */
#include "grammar_compile_int.h"

/* ---------------------------------------------------------- resolution */

/* Declarations by (kind, name), so that name checks and lookups stay
 * linear in the number of declarations.  A slot holds the first live
 * declaration of its kind and name; dtab_slot() returns the slot where
 * one is or would go. */
static size_t dtab_slot(const compile_t *c, int kind, const char *name)
{
	size_t p = (hash_bytes(name, strlen(name)) ^ (uint32_t)kind * 0x9E3779B1u) & c->dtab_mask;
	for (;;) {
		uint32_t v = c->dtab[p];
		if (!v || (c->decls[v - 1].kind == kind && strcmp(c->decls[v - 1].name, name) == 0))
			return p;
		p = (p + 1) & c->dtab_mask;
	}
}

static decl_t *pattern_find(compile_t *c, const char *name)
{
	uint32_t v = c->dtab[dtab_slot(c, D_PATTERN, name)];
	return v ? &c->decls[v - 1] : NULL;
}

uint32_t capname_intern(grammar_t *g, const char *s)
{
	for (uint32_t i = 0; i < g->ncapnames; i++)
		if (strcmp(g->capnames[i], s) == 0)
			return i;
	GROW(g->capnames, g->capnames_cap, g->ncapnames + 1);
	g->capnames[g->ncapnames] = s;
	return g->ncapnames++;
}

static int capname_find(const grammar_t *g, const char *s)
{
	for (uint32_t i = 0; i < g->ncapnames; i++)
		if (strcmp(g->capnames[i], s) == 0)
			return (int)i;
	return -1;
}

/* Resolve references and classes in a tree; returns 0 on error. */
static int resolve(cg_t *cg, pnode_t *n)
{
	compile_t *c = cg->c;
	int ok = 1;
	switch (n->k) {
	case PN_CLASS:
		n->idx = class_find(cg->g, n->s);
		if (n->idx < 0) {
			diag_at(c, n->loc, 1, "unknown lexicon class '@%s' (declare it with: lexicon %s = \"%s.tsv\";)",
			        n->s, n->s, n->s);
			return 0;
		}
		return 1;
	case PN_REF: {
		decl_t *d = pattern_find(c, n->s);
		if (!d) {
			diag_at(c, n->loc, 1, "unknown pattern '<%s>'", n->s);
			return 0;
		}
		d->used = 1;
		n->idx = (int)(d - c->decls);
		if (d->state == 1) {
			diag_at(c, n->loc, 1, "recursive pattern '<%s>' (patterns may not refer to themselves)", n->s);
			return 0;
		}
		if (d->state == 0) {
			if (cg->refdepth >= BESLUT_GRAMMAR_MAX_NESTING) {
				diag_at(c, n->loc, 1, "patterns refer to patterns more than %d levels deep",
				        BESLUT_GRAMMAR_MAX_NESTING);
				return 0;
			}
			d->state = 1;
			cg->refdepth++;
			if (!resolve(cg, d->pat))
				d->bad = 1;
			cg->refdepth--;
			d->state = 2;
		}
		if (d->bad)
			return 0;
		return 1;
	}
	case PN_CAP:
	case PN_FLAG:
		capname_intern(cg->g, n->s);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n->nkids; i++)
		ok &= resolve(cg, n->kids[i]);
	return ok;
}

/* The size of the code a tree generates ({m,n} is unrolled, a reference
 * inlined) and its depth with references expanded, both bounded so that
 * code generation and the recursive passes over the tree stay small: the
 * first node past a limit is reported with its location.  Returns 0 after
 * an error.  Sizes saturate above BESLUT_GRAMMAR_MAX_INSNS. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s = a + b;
	return s > BESLUT_GRAMMAR_MAX_INSNS + 1ull ? BESLUT_GRAMMAR_MAX_INSNS + 1ull : s;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > (BESLUT_GRAMMAR_MAX_INSNS + 1ull) / a)
		return BESLUT_GRAMMAR_MAX_INSNS + 1ull;
	return a * b;
}

static int shape_in(cg_t *cg, const pnode_t *n, uint32_t *depth, uint64_t *size);

/* The recursion itself is bounded: a chain of patterns each referring to
 * the one before is resolved shallowly, but measured here in depth. */
static int shape(cg_t *cg, const pnode_t *n, uint32_t *depth, uint64_t *size)
{
	if (cg->shdepth >= BESLUT_GRAMMAR_MAX_DEPTH) {
		diag_at(cg->c, n->loc, 1, "pattern nested more than %d levels deep (with its <references> expanded)",
		        BESLUT_GRAMMAR_MAX_DEPTH);
		return 0;
	}
	cg->shdepth++;
	int ok = shape_in(cg, n, depth, size);
	cg->shdepth--;
	return ok;
}

static int shape_in(cg_t *cg, const pnode_t *n, uint32_t *depth, uint64_t *size)
{
	compile_t *c = cg->c;
	uint32_t dk = 0;
	uint64_t sz = 0;
	*depth = 1;
	*size = 1;
	if (n->k == PN_REF) {
		decl_t *d = &c->decls[n->idx];
		if (d->shaped == 3 || d->shaped == 1)
			return 0;
		if (d->shaped == 0) {
			d->shaped = 1;
			if (!shape(cg, d->pat, &d->xdepth, &d->xsize)) {
				d->shaped = 3;
				return 0;
			}
			d->shaped = 2;
		}
		dk = d->xdepth, sz = d->xsize;
	} else {
		for (size_t i = 0; i < n->nkids; i++) {
			uint32_t kd;
			uint64_t ks;
			if (!shape(cg, n->kids[i], &kd, &ks))
				return 0;
			if (kd > dk)
				dk = kd;
			sz = sat_add(sz, ks);
		}
	}
	switch (n->k) {
	case PN_LIT: case PN_STEM: {
		uint64_t words = 1;
		for (const char *q = n->s; q && *q; q++)
			words += *q == ' ';
		sz = words;
		break;
	}
	case PN_ALT: sz = sat_add(sz, 2 * (uint64_t)n->nkids); break;
	case PN_CAP: sz = sat_add(sz, 2); break;
	case PN_REP:
		/* min copies, then max-min optional ones (or one loop), each with
		 * a split and bookkeeping */
		sz = sat_mul(sat_add(sz, 3), n->max < 0 ? (uint64_t)n->min + 1 : (uint64_t)n->max);
		break;
	case PN_REF: case PN_SEQ: break;
	default: sz = 1; break; /* one instruction or predicate */
	}
	*depth = dk + 1;
	*size = sz;
	if (*depth > BESLUT_GRAMMAR_MAX_DEPTH) {
		diag_at(c, n->loc, 1, "pattern nested more than %d levels deep (with its <references> expanded)",
		        BESLUT_GRAMMAR_MAX_DEPTH);
		return 0;
	}
	if (sz > BESLUT_GRAMMAR_MAX_INSNS) {
		diag_at(c, n->loc, 1, "pattern expands to more than %u matcher instructions (repetitions "
		        "{m,n} are unrolled, so nested ones multiply)", BESLUT_GRAMMAR_MAX_INSNS);
		return 0;
	}
	return 1;
}

/* Capture names a tree can produce (through references). */
static void collect_names(cg_t *cg, const pnode_t *n)
{
	if (n->k == PN_CAP || n->k == PN_FLAG) {
		uint32_t id = capname_intern(cg->g, n->s);
		size_t j;
		for (j = 0; j < cg->nnames; j++)
			if (cg->names[j] == id)
				break;
		if (j == cg->nnames) {
			GROW(cg->names, cg->names_cap, cg->nnames + 1);
			cg->names[cg->nnames++] = id;
		}
	}
	if (n->k == PN_REF)
		collect_names(cg, cg->c->decls[n->idx].pat);
	for (size_t i = 0; i < n->nkids; i++)
		collect_names(cg, n->kids[i]);
}

static int name_known(cg_t *cg, const char *s, int *id)
{
	*id = capname_find(cg->g, s);
	if (*id < 0)
		return 0;
	for (size_t j = 0; j < cg->nnames; j++)
		if (cg->names[j] == (uint32_t)*id)
			return 1;
	return 0;
}

static void unknown_capture(cg_t *cg, loc_t at, const char *s)
{
	buf_t b = BUF_INIT;
	for (size_t j = 0; j < cg->nnames; j++)
		buf_printf(&b, "%s%s", j ? ", " : "", cg->g->capnames[cg->names[j]]);
	if (cg->nnames)
		diag_at(cg->c, at, 1, "unknown capture '%s' (the pattern captures: %s)", s, b.data);
	else
		diag_at(cg->c, at, 1, "unknown capture '%s' (the pattern has no captures)", s);
	buf_release(&b);
}

static int resolve_expr(cg_t *cg, expr_t *e)
{
	int ok = 1;
	if (e->k == EX_CAP) {
		if (!name_known(cg, e->s, &e->cap)) {
			unknown_capture(cg, e->loc, e->s);
			return 0;
		}
		return 1;
	}
	for (size_t i = 0; i < e->nargs; i++)
		ok &= resolve_expr(cg, e->args[i]);
	for (size_t i = 0; i < e->nf; i++)
		ok &= resolve_expr(cg, e->vals[i]);
	if (e->body)
		ok &= resolve_expr(cg, e->body);
	return ok;
}

/* ------------------------------------------------- the declared schema */

static int check_value(compile_t *c, const expr_t *e, const skind_t *k, const char *type, const char *field);

/* The fields an action or a list element sets, against the declared ones. */
static int check_fields(compile_t *c, const expr_t *obj, const sfield_t *f, size_t nf, const char *type)
{
	int ok = 1;
	for (size_t i = 0; obj && i < obj->nf; i++) {
		const sfield_t *sf = schema_field(f, nf, obj->keys[i]);
		if (!sf) {
			diag_at(c, obj->vals[i]->loc, 1, "record type '%s' has no field '%s' (see the record declaration)",
			        type, obj->keys[i]);
			ok = 0;
			continue;
		}
		ok &= check_value(c, obj->vals[i], &sf->kind, type, sf->name);
	}
	return ok;
}

static int check_value(compile_t *c, const expr_t *e, const skind_t *k, const char *type, const char *field)
{
	if (k->k == SK_ANY)
		return 1;
	switch (e->k) {
	case EX_STR:
		if (k->k == SK_ENUM && !schema_enum_has(k, e->s)) {
			diag_at(c, e->loc, 1, "\"%s\" is not a declared value of %s.%s", e->s, type, field);
			return 0;
		}
		if (k->k != SK_ENUM && k->k != SK_TEXT && k->k != SK_DATE) {
			diag_at(c, e->loc, 1, "%s.%s holds a %s, not a string", type, field, schema_kind_name(k->k));
			return 0;
		}
		return 1;
	case EX_INT:
		if (k->k != SK_COUNT && k->k != SK_ORDINAL) {
			diag_at(c, e->loc, 1, "%s.%s holds a %s, not a number", type, field, schema_kind_name(k->k));
			return 0;
		}
		if (e->i < (k->k == SK_ORDINAL ? 1 : 0)) {
			diag_at(c, e->loc, 1, "%s.%s holds %s: %lld is out of range", type, field,
			        k->k == SK_ORDINAL ? "an ordinal (>= 1)" : "a count (>= 0)", e->i);
			return 0;
		}
		return 1;
	case EX_BOOL:
		if (k->k != SK_BOOL) {
			diag_at(c, e->loc, 1, "%s.%s holds a %s, not true or false", type, field, schema_kind_name(k->k));
			return 0;
		}
		return 1;
	case EX_NULL:
		return 1; /* null stands for "not stated"; assemble writes the default */
	case EX_OBJ:
		if (k->k != SK_OBJECT) {
			diag_at(c, e->loc, 1, "%s.%s holds a %s, not an object", type, field, schema_kind_name(k->k));
			return 0;
		}
		return check_fields(c, e, k->fields, k->nfields, type);
	case EX_CALL:
		if (e->fn == FN_IF)
			return check_value(c, e->args[1], k, type, field) & check_value(c, e->args[2], k, type, field);
		if (e->fn == FN_LIST && e->body) {
#define TEXT_K {.k = SK_TEXT, .nullable = 1} /* a const object is no constant expression in C */
			static const sfield_t actor_f[] = {{.name = "name", .kind = TEXT_K}, {.name = "party", .kind = TEXT_K},
			                                   {.name = "role", .kind = TEXT_K}};
#undef TEXT_K
			if (k->k == SK_LIST && k->elem->k == SK_ACTOR)
				return check_fields(c, e->body, actor_f, 3, type);
			if (k->k != SK_LIST || k->elem->k != SK_OBJECT) {
				diag_at(c, e->loc, 1, "%s.%s holds a %s, not a list of objects", type, field,
				        schema_kind_name(k->k));
				return 0;
			}
			return check_fields(c, e->body, k->elem->fields, k->elem->nfields, type);
		}
		return 1;
	default:
		return 1;
	}
}

/* An action names a declared record type and sets only its fields. */
static int check_action(compile_t *c, const action_t *a)
{
	const stype_t *t = schema_type(c->schema, a->type, NULL);
	if (!t) {
		if (c->schema->ntypes == 0)
			diag_at(c, a->loc, 1, "record type '%s' is not declared: the grammar set has no 'record' "
			                      "statements (grammars/records.bg declares them)", a->type);
		else
			diag_at(c, a->loc, 1, "unknown record type '%s' (not declared by a 'record' statement)", a->type);
		return 0;
	}
	return check_fields(c, a->obj, t->fields, t->nfields, t->name);
}

/* ------------------------------------------------------------- driver */

static int rule_cmp(const void *a, const void *b)
{
	const rule_t *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static uint32_t group_intern(grammar_t *g, const char *name)
{
	for (uint32_t i = 0; i < g->ngroups; i++)
		if (strcmp(g->groups[i], name) == 0)
			return i;
	GROW(g->groups, g->groups_cap, g->ngroups + 1);
	g->groups[g->ngroups] = name;
	return g->ngroups++;
}

static int gen_program(cg_t *cg, decl_t *d, rule_t *r)
{
	grammar_t *g = cg->g;
	cg->nregs = 0;
	cg->nsubslots = 0;
	r->entry = g->ncode;
	int ok = gen(cg, d->pat);
	emit(g, OP_MATCH, 0, 0);
	if (g->code_big) {
		diag_at(cg->c, d->loc, 1, "the grammar's code exceeds %u instructions (or operands)", INSN_A_LIMIT - 1);
		ok = 0;
	}
	r->ncode = g->ncode - r->entry;
	r->nslots = r->ncode + cg->nsubslots;
	r->nregs = cg->nregs;
	r->nullable = (uint8_t)nullable(cg, d->pat);
	r->name = d->name;
	r->order = (uint32_t)(d - cg->c->decls);
	if (cg->nregs > g->max_regs)
		g->max_regs = cg->nregs;
	return ok;
}

static void compile_all(compile_t *c, grammar_t *g)
{
	cg_t cg = {.c = c, .g = g, .toks = TOKENS_INIT};
	g->class_month = g->class_party = g->class_role = -1;

	/* pass 2: names and lexicons */
	size_t tsz = 16;
	while (tsz < 2 * c->ndecls + 2)
		tsz *= 2;
	c->dtab = xcalloc(tsz, sizeof *c->dtab);
	c->dtab_mask = tsz - 1;
	for (size_t i = 0; i < c->ndecls && !c->diag.gave_up; i++) {
		decl_t *d = &c->decls[i];
		/* the first live declaration of the same kind and name */
		size_t slot = dtab_slot(c, d->kind, d->name);
		uint32_t prev = c->dtab[slot];
		if (!prev || c->decls[prev - 1].bad)
			c->dtab[slot] = (uint32_t)i + 1; /* none (or only a bad one): d is the first */
		for (size_t j = prev && !c->decls[prev - 1].bad ? prev - 1 : i; j < i; j = i) {
			decl_t *e = &c->decls[j];
			if (d->kind == D_LEXICON && e->kind == D_LEXICON) {
				if (strcmp(d->file, e->file) != 0) {
					diag_at(c, d->loc, 1, "lexicon class '%s' already declared with file \"%s\"", d->name,
					        e->file);
					d->bad = 1;
				} else {
					d->bad = 2; /* same declaration again: fine, load once */
				}
				break;
			}
			if (d->kind == e->kind) {
				static const char *what[] = {"lexicon", "pattern", "rule", "trigger"};
				diag_at(c, d->loc, 1, "%s '%s' defined twice", what[d->kind], d->name);
				d->bad = 1;
				break;
			}
		}
		if (d->kind == D_LEXICON && !d->bad) {
			if (g->nclasses == 64) {
				diag_at(c, d->loc, 1, "too many lexicon classes (at most 64)");
				d->bad = 1;
				continue;
			}
			uint32_t ci = g->nclasses++;
			g->classes[ci].name = d->name;
			g->classes[ci].file = d->file;
			g->classes[ci].root = tnode_new(g);
			load_lexicon(c, g, ci, d);
		}
	}
	resolve_settings(c, g);
	cg.st = stemmer_new(&g->lang); /* the stems of ~word literals */
	g->class_month = g->rc.date_month_lexicon ? class_find(g, g->rc.date_month_lexicon) : -1;
	g->class_party = g->rc.actor_party_lexicon ? class_find(g, g->rc.actor_party_lexicon) : -1;
	g->class_role = g->rc.actor_role_lexicon ? class_find(g, g->rc.actor_role_lexicon) : -1;

	/* pass 3: resolve patterns first (so unused ones are found), then rules */
	for (size_t i = 0; i < c->ndecls && !c->diag.gave_up; i++) {
		decl_t *d = &c->decls[i];
		if (d->bad || d->kind == D_LEXICON)
			continue;
		if (d->kind == D_PATTERN) {
			if (d->state == 0) {
				d->state = 1;
				if (!resolve(&cg, d->pat))
					d->bad = 1;
				d->state = 2;
			}
			continue;
		}
		if (!resolve(&cg, d->pat)) {
			d->bad = 1;
			continue;
		}
		uint32_t xd;
		uint64_t xs;
		if (!shape(&cg, d->pat, &xd, &xs)) {
			d->bad = 1;
			continue;
		}
		if (d->kind == D_RULE) {
			cg.nnames = 0;
			collect_names(&cg, d->pat);
			for (size_t a = 0; a < d->nacts; a++) {
				action_t *ac = &d->acts[a];
				if (ac->each && !name_known(&cg, ac->each, &ac->each_cap)) {
					unknown_capture(&cg, ac->loc, ac->each);
					d->bad = 1;
				}
				if (!resolve_expr(&cg, ac->obj) || !check_action(c, ac))
					d->bad = 1;
			}
		}
	}

	/* pass 4: code */
	size_t nr = 0, nt = 0;
	for (size_t i = 0; i < c->ndecls; i++)
		nr += c->decls[i].kind == D_RULE, nt += c->decls[i].kind == D_TRIGGER;
	g->rules = xcalloc(nr ? nr : 1, sizeof *g->rules);
	g->trigs = xcalloc(nt ? nt : 1, sizeof *g->trigs);
	subs_build(&cg);
	for (size_t i = 0; i < c->ndecls && !c->diag.gave_up; i++) {
		decl_t *d = &c->decls[i];
		if (d->bad || (d->kind != D_RULE && d->kind != D_TRIGGER))
			continue;
		rule_t *r = d->kind == D_RULE ? &g->rules[g->nrules] : &g->trigs[g->ntrigs];
		if (!gen_program(&cg, d, r)) {
			d->bad = 1;
			continue;
		}
		if (d->kind == D_RULE) {
			r->priority = d->priority;
			r->acts = d->acts;
			r->nacts = d->nacts;
			r->group = group_intern(g, d->group ? d->group : d->acts[0].type);
			g->nrules++;
		} else {
			g->ntrigs++;
		}
	}
	if (g->nrules > 1)
		qsort(g->rules, g->nrules, sizeof *g->rules, rule_cmp);

	/* pass 5: prefilter */
	keyvec_t kv = {0};
	for (uint32_t i = 0; i < g->nrules; i++) {
		rule_t *r = &g->rules[i];
		if (!first_keys(g, r, i, &kv))
			diag_at(c, c->decls[r->order].loc, 0,
			        "rule '%s' can only match an empty span and never produces a record", r->name);
	}
	keys_unique(&kv);
	build_index(g, &g->rix, &kv);
	for (uint32_t i = 0; i < g->nrules; i++)
		filter_build(&cg, &g->rules[i], c->decls[g->rules[i].order].pat);
	pred_requirements(g);
	openings_build(g);
	regexes_fast(g);
	kv.n = 0;
	for (uint32_t i = 0; i < g->ntrigs; i++) {
		rule_t *r = &g->trigs[i];
		if (!first_keys(g, r, i, &kv))
			diag_at(c, c->decls[r->order].loc, 0, "trigger '%s' can only match an empty span", r->name);
	}
	keys_unique(&kv);
	build_index(g, &g->tix, &kv);
	free(kv.v);

	/* the two largest arrays, grown by doubling, cut to their size */
	if (g->ncode && g->code_cap > g->ncode) {
		g->code = xrealloc(g->code, (size_t)g->ncode * sizeof *g->code);
		g->code_cap = g->ncode;
	}
	if (g->ncapdefs && g->capdefs_cap > g->ncapdefs) {
		g->capdefs = xrealloc(g->capdefs, (size_t)g->ncapdefs * sizeof *g->capdefs);
		g->capdefs_cap = g->ncapdefs;
	}

	/* pass 6: warnings */
	for (size_t i = 0; i < c->ndecls; i++) {
		decl_t *d = &c->decls[i];
		if (d->kind == D_PATTERN && !d->used && !d->bad)
			diag_at(c, d->loc, 0, "pattern '%s' is never used", d->name);
	}
	tokens_release(&cg.toks);
	free(cg.names);
	free(cg.mlen);
	free(cg.lith);
	free(cg.clc);
	free(cg.cdh);
	free(cg.nm);
	free(cg.litv);
	for (size_t i = 0; i < c->ndecls + 1; i++) {
		if (cg.lvc)
			tsb_free(&cg.lvc[i]);
		if (cg.fac)
			tsb_free(&cg.fac[i]);
	}
	free(cg.lvc);
	free(cg.lvc_done);
	free(cg.fac);
	free(cg.fac_done);
	if (cg.rcc)
		for (size_t i = 0; i < c->ndecls + 1; i++)
			rc_free(&cg.rcc[i]);
	free(cg.rcc);
	free(cg.rcc_done);
	stemmer_free(cg.st);
}

void grammar_free(grammar_t *g)
{
	if (!g)
		return;
	rxfast_free(g->rxfast);
	for (uint32_t i = 0; i < g->nre; i++)
		pcre2_code_free(g->re[i]);
	free(g->re);
	free(g->re_src);
	free(g->re_jit);
	free(g->re_ci);
	free(g->syms);
	free(g->symlen);
	free(g->symhash);
	free(g->sym_start);
	free(g->sym_single);
	free(g->sym_inner);
	free(g->filters);
	free(g->toksets);
	free(g->rfilt);
	free(g->rfcj);
	free(g->tsv);
	free(g->opens);
	free(g->tnodes);
	free(g->tedges);
	free(g->lexval);
	free(g->code);
	free(g->preds);
	free(g->predhash);
	free(g->guardv);
	free(g->guard_off);
	free(g->setv);
	free(g->set_off);
	free(g->capdefs);
	free(g->capnames);
	free(g->groups);
	free(g->rules);
	free(g->trigs);
	free(g->subs);
	pindex_t *ix[2] = {&g->rix, &g->tix};
	for (int i = 0; i < 2; i++) {
		free(ix[i]->sym_off);
		free(ix[i]->stem_off);
		free(ix[i]->list);
		free(ix[i]->any);
	}
	free(g->schema.types);
	arena_release(&g->mem);
	free(g);
}

grammar_t *grammar_compile(const char *const *files, size_t nfiles, const char *lexdir,
                           FILE *diag, int *nerrors, int *nwarnings)
{
	grammar_t *g = xcalloc(1, sizeof *g);
	compile_t c = {.diag = {.out = diag}, .lexdir = lexdir, .ast = &g->mem, .schema = &g->schema};
	for (size_t i = 0; i < nfiles; i++) {
		int fi = src_add_file(&c, files[i]);
		if (fi < 0) {
			diag_at(&c, (loc_t){UINT32_MAX, 0}, 1, "cannot read %s: %s", files[i],
			        errno == ENODEV ? "not a regular file"
			        : errno == EFBIG ? "larger than the limit for a grammar file" : strerror(errno));
			continue;
		}
		gparse(&c, (uint32_t)fi);
	}
	if (!c.diag.gave_up)
		compile_all(&c, g);
	if (nerrors)
		*nerrors = c.diag.nerr;
	if (nwarnings)
		*nwarnings = c.diag.nwarn;
	for (size_t i = 0; i < c.nsrc; i++) {
		free(c.src[i].path);
		free(c.src[i].text);
	}
	free(c.src);
	free(c.decls);
	free(c.rset);
	free(c.dtab);
	if (c.diag.nerr) {
		grammar_free(g);
		return NULL;
	}
	symhash_spread(g);
	return g;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

grammar_t *grammar_load_dir(const char *gdir, const char *lexdir, FILE *diag,
                            int *nerrors, int *nwarnings)
{
	DIR *dir = opendir(gdir);
	if (!dir) {
		if (diag)
			fprintf(diag, "%s: error: cannot open grammar directory: %s\n", gdir, strerror(errno));
		if (nerrors)
			*nerrors = 1;
		if (nwarnings)
			*nwarnings = 0;
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 3 && de->d_name[0] != '.' && strcmp(de->d_name + l - 3, ".bg") == 0) {
			GROW(names, cap, n + 1);
			buf_t p = BUF_INIT;
			buf_printf(&p, "%s/%s", gdir, de->d_name);
			names[n++] = buf_detach(&p, NULL);
		}
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, str_cmp);
	if (n == 0) { /* nothing to match with: no records at all, silently */
		if (diag)
			fprintf(diag, "%s: error: no grammar files (*.bg) in the grammar directory\n", gdir);
		if (nerrors)
			*nerrors = 1;
		if (nwarnings)
			*nwarnings = 0;
		free(names);
		return NULL;
	}
	grammar_t *g = grammar_compile((const char *const *)names, n, lexdir, diag, nerrors, nwarnings);
	if (g && g->nrules == 0) {
		if (diag)
			fprintf(diag, "%s: error: the grammar files define no rule\n", gdir);
		if (nerrors)
			*nerrors = 1;
		grammar_free(g);
		g = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return g;
}

const resolve_cfg_t *grammar_resolve(const grammar_t *g)
{
	return &g->rc;
}

const tok_lang_t *grammar_lang(const grammar_t *g)
{
	return g ? &g->lang : NULL;
}

const struct schema *grammar_schema(const grammar_t *g)
{
	return &g->schema;
}

size_t grammar_rule_count(const grammar_t *g)
{
	return g ? g->nrules : 0;
}

void grammar_annotate_word(const void *ctx, const char *lower, size_t llen, const char *stem,
                           size_t slen, uint32_t *sym, uint32_t *stem_sym, uint64_t *classes)
{
	const grammar_t *g = ctx;
	uint32_t s = sym_find(g, lower, llen);
	*sym = s;
	*stem_sym = stem ? sym_find(g, stem, slen) : s;
	*classes = s ? g->sym_start[s] : 0;
}

void grammar_annotate(const grammar_t *g, tokens_t *t)
{
	if (t->annot == g) /* the tokenizer did it (grammar_annotate_word) */
		return;
	for (size_t i = 0; i < t->n; i++) {
		token_t *k = &t->v[i];
		const char *lw = t->pool.data + k->lower;
		uint32_t s = sym_find(g, lw, k->lower_len);
		k->sym = s;
		if (k->stem_same) {
			k->stem_sym = s;
		} else {
			const char *st = tok_stem(t, k);
			k->stem_sym = sym_find(g, st, strlen(st));
		}
		k->classes = s ? g->sym_start[s] : 0;
	}
}
