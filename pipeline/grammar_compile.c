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
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "grammar_int.h"

/* ------------------------------------------------------------- symbols */

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
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

uint32_t sym_find(const grammar_t *g, const char *s, size_t n)
{
	if (!g->symhash_cap)
		return 0;
	uint32_t mask = g->symhash_cap - 1, i = (uint32_t)hash_words(s, n) & mask;
	for (;;) {
		uint32_t id = g->symhash[i];
		if (!id)
			return 0;
		if (g->symlen[id] == n) {
			/* words are short: compare in place */
			const char *y = g->syms[id];
			size_t k = 0;
			while (k < n && y[k] == s[k])
				k++;
			if (k == n)
				return id;
		}
		i = (i + 1) & mask;
	}
}

static void symhash_put(grammar_t *g, uint32_t id)
{
	uint32_t mask = g->symhash_cap - 1, i = (uint32_t)hash_words(g->syms[id], g->symlen[id]) & mask;
	while (g->symhash[i])
		i = (i + 1) & mask;
	g->symhash[i] = id;
}

/* After compilation: a sparser symbol table, since the lookups of
 * grammar_annotate mostly miss (most words are no symbol) and a miss ends
 * at the first empty slot. */
static void symhash_spread(grammar_t *g)
{
	uint32_t nc = g->symhash_cap;
	if (!nc)
		return;
	while (nc < 4 * (g->nsyms + 1))
		nc *= 2;
	if (nc == g->symhash_cap)
		return;
	free(g->symhash);
	g->symhash = xcalloc(nc, sizeof *g->symhash);
	g->symhash_cap = nc;
	for (uint32_t j = 1; j < g->nsyms; j++)
		symhash_put(g, j);
}

static uint32_t sym_intern(grammar_t *g, const char *s, size_t n)
{
	uint32_t id = sym_find(g, s, n);
	if (id)
		return id;
	if (g->nsyms == 0)
		g->nsyms = 1;
	if ((g->nsyms + 1) * 2 > g->symhash_cap) {
		uint32_t nc = g->symhash_cap ? g->symhash_cap * 2 : 1024;
		free(g->symhash);
		g->symhash = xcalloc(nc, sizeof *g->symhash);
		g->symhash_cap = nc;
		for (uint32_t j = 1; j < g->nsyms; j++)
			symhash_put(g, j);
	}
	if (g->nsyms + 1 > g->syms_cap) {
		size_t cap = g->syms_cap;
		GROW(g->syms, cap, g->nsyms + 1);
		g->symlen = xrealloc(g->symlen, cap * sizeof *g->symlen);
		g->sym_start = xrealloc(g->sym_start, cap * sizeof *g->sym_start);
		g->sym_single = xrealloc(g->sym_single, cap * sizeof *g->sym_single);
		g->sym_inner = xrealloc(g->sym_inner, cap * sizeof *g->sym_inner);
		g->syms_cap = cap;
	}
	id = g->nsyms++;
	g->syms[id] = arena_strndup(&g->mem, s, n);
	g->symlen[id] = (uint32_t)n;
	g->sym_start[id] = 0;
	g->sym_single[id] = 0;
	g->sym_inner[id] = 0;
	symhash_put(g, id);
	return id;
}

/* ------------------------------------------------------------ lexicons */

static uint32_t tnode_new(grammar_t *g)
{
	GROW(g->tnodes, g->tnodes_cap, g->ntnodes + 1);
	g->tnodes[g->ntnodes].value = -1;
	return g->ntnodes++;
}

static uint32_t edge_slot(const grammar_t *g, uint64_t key)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	uint32_t mask = g->tedges_cap - 1, i = (uint32_t)(h >> 32) & mask;
	while (g->tedges[i].key && g->tedges[i].key != key)
		i = (i + 1) & mask;
	return i;
}

static inline int64_t trie_child(const grammar_t *g, uint32_t node, uint32_t sym)
{
	if (!sym || !g->tedges_cap)
		return -1;
	uint64_t key = ((uint64_t)(node + 1) << 32) | sym;
	uint32_t i = edge_slot(g, key);
	return g->tedges[i].key ? (int64_t)g->tedges[i].child : -1;
}

static uint32_t trie_add(grammar_t *g, uint32_t node, uint32_t sym)
{
	int64_t c = trie_child(g, node, sym);
	if (c >= 0)
		return (uint32_t)c;
	if ((g->ntedges + 1) * 2 > g->tedges_cap) {
		tedge_t *old = g->tedges;
		uint32_t oc = g->tedges_cap;
		g->tedges_cap = oc ? oc * 2 : 1024;
		g->tedges = xcalloc(g->tedges_cap, sizeof *g->tedges);
		for (uint32_t j = 0; j < oc; j++)
			if (old[j].key)
				g->tedges[edge_slot(g, old[j].key)] = old[j];
		free(old);
	}
	uint32_t child = tnode_new(g);
	uint64_t key = ((uint64_t)(node + 1) << 32) | sym;
	uint32_t i = edge_slot(g, key);
	g->tedges[i].key = key;
	g->tedges[i].child = child;
	g->ntedges++;
	return child;
}

uint32_t lex_longest(const grammar_t *g, uint32_t cls, const token_t *t, uint32_t pos,
                     uint32_t lim, int32_t *val)
{
	uint32_t node = g->classes[cls].root, best = pos;
	for (uint32_t j = pos; j < lim; j++) {
		int64_t c = trie_child(g, node, t[j].sym);
		if (c < 0)
			break;
		node = (uint32_t)c;
		if (g->tnodes[node].value >= 0) {
			best = j + 1;
			if (val)
				*val = g->tnodes[node].value;
		}
	}
	return best;
}

/* Load lexicons/FILE into class cls.  Diagnostics point into the file. */
/* Whether a lexicon file name stays inside the lexicon directory: no
 * absolute path, no ".." component, and (after symbolic links) under the
 * directory's real path. */
static int lexicon_confined(const char *lexdir, const char *file, const char *path)
{
	if (!*file || file[0] == '/')
		return 0;
	for (const char *q = file; *q;) {
		size_t n = strcspn(q, "/");
		if (n == 2 && q[0] == '.' && q[1] == '.')
			return 0;
		q += n;
		while (*q == '/')
			q++;
	}
	char *rd = realpath(lexdir, NULL), *rp = realpath(path, NULL);
	int ok = 1;
	if (rd && rp) {
		size_t n = strlen(rd);
		ok = strncmp(rp, rd, n) == 0 && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
	}
	free(rd);
	free(rp);
	return ok;
}

static void load_lexicon(compile_t *c, grammar_t *g, uint32_t cls, const decl_t *d)
{
	buf_t path = BUF_INIT;
	const char *lexdir = c->lexdir ? c->lexdir : "lexicons";
	buf_printf(&path, "%s/%s", lexdir, d->file);
	if (!lexicon_confined(lexdir, d->file, path.data)) {
		diag_at(c, d->loc, 1, "lexicon file \"%s\" is outside the lexicon directory %s", d->file, lexdir);
		buf_release(&path);
		return;
	}
	int fi = src_add_file(c, path.data);
	if (fi < 0) {
		if (errno == ENODEV)
			diag_at(c, d->loc, 1, "cannot read lexicon file %s: not a regular file", path.data);
		else if (errno == EFBIG)
			diag_at(c, d->loc, 1, "cannot read lexicon file %s: larger than %u bytes", path.data,
			        BESLUT_GRAMMAR_MAX_FILE);
		else
			diag_at(c, d->loc, 1, "cannot read lexicon file %s: %s", path.data, strerror(errno));
		buf_release(&path);
		return;
	}
	buf_release(&path);
	const gsrc_t *s = &c->src[fi];
	tokens_t toks = TOKENS_INIT;
	const char *t = s->text;
	size_t i = 0, lineno = 0;
	uint64_t bit = 1ull << cls;
	while (i < s->len) {
		size_t ls = i, le = i;
		while (le < s->len && t[le] != '\n')
			le++;
		i = le + 1;
		if (lineno++ == 0)
			continue; /* header */
		size_t e = le;
		if (e > ls && t[e - 1] == '\r')
			e--;
		if (e == ls || t[ls] == '#')
			continue;
		size_t tab = ls;
		while (tab < e && t[tab] != '\t')
			tab++;
		size_t vs = tab < e ? tab + 1 : e, ve = vs;
		while (ve < e && t[ve] != '\t')
			ve++;
		/* trim spaces */
		size_t es = ls, ee = tab;
		while (es < ee && t[es] == ' ')
			es++;
		while (ee > es && t[ee - 1] == ' ')
			ee--;
		while (vs < ve && t[vs] == ' ')
			vs++;
		while (ve > vs && t[ve - 1] == ' ')
			ve--;
		tokenize(t + es, ee - es, NULL, &toks);
		if (toks.n == 0) {
			diag_at(c, (loc_t){(uint32_t)fi, (uint32_t)ls}, 0, "empty lexicon entry ignored");
			continue;
		}
		uint32_t node = g->classes[cls].root;
		if (toks.n > g->classes[cls].maxlen)
			g->classes[cls].maxlen = (uint32_t)toks.n;
		for (size_t k = 0; k < toks.n; k++) {
			const token_t *tk = &toks.v[k];
			uint32_t sym = sym_intern(g, tok_lower(&toks, tk), tk->lower_len);
			if (k == 0)
				g->sym_start[sym] |= bit;
			if (toks.n == 1)
				g->sym_single[sym] |= bit;
			if (k > 0)
				g->sym_inner[sym] |= bit;
			node = trie_add(g, node, sym);
		}
		if (g->tnodes[node].value >= 0)
			continue; /* duplicate: the first one wins */
		GROW(g->lexval, g->lexval_cap, g->nlexval + 1);
		g->lexval[g->nlexval] = ve > vs ? arena_strndup(&g->mem, t + vs, ve - vs)
		                                : arena_strndup(&g->mem, t + es, ee - es);
		g->tnodes[node].value = (int32_t)g->nlexval++;
		g->classes[cls].nentries++;
	}
	tokens_release(&toks);
}

static int class_find(const grammar_t *g, const char *name)
{
	for (uint32_t i = 0; i < g->nclasses; i++)
		if (strcmp(g->classes[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *grammar_lexicon_value(const grammar_t *g, const char *cls, const char *word)
{
	int ci = class_find(g, cls);
	if (ci < 0 || !word)
		return NULL;
	tokens_t toks = TOKENS_INIT;
	tokenize(word, strlen(word), NULL, &toks);
	const char *res = NULL;
	if (toks.n > 0) {
		/* tokens of a private list carry no symbols; look them up here */
		uint32_t node = g->classes[ci].root;
		size_t k;
		for (k = 0; k < toks.n; k++) {
			uint32_t sym = sym_find(g, tok_lower(&toks, &toks.v[k]), toks.v[k].lower_len);
			int64_t ch = trie_child(g, node, sym);
			if (ch < 0)
				break;
			node = (uint32_t)ch;
		}
		if (k == toks.n && g->tnodes[node].value >= 0)
			res = g->lexval[g->tnodes[node].value];
	}
	tokens_release(&toks);
	return res;
}

/* ---------------------------------------------------------- resolution */

typedef struct litent {
	uintptr_t key;      /* node address << 1 | stem, 0 = empty */
	uint32_t off, n;    /* symbols cg->litv[off .. off + n) */
} litent_t;

typedef struct cg {
	compile_t *c;
	grammar_t *g;
	stemmer_t *st;
	tokens_t toks;      /* scratch for tokenizing literals */
	uint32_t nregs;     /* registers of the rule being generated */
	uint32_t *names;    /* capture name ids of the current rule */
	size_t nnames, names_cap;
	uint32_t refdepth;  /* <references> being resolved inside each other */
	uint32_t shdepth;   /* nodes being measured inside each other (shape) */
	uint32_t *mlen;     /* per declaration: max_len of its pattern + 1, 0 = not yet */
	struct litent *lith; /* literal node -> its symbols (lit_lookup) */
	size_t lith_cap, nlit;
	uint32_t *litv;     /* the symbols */
	size_t nlitv, litv_cap;
	uint32_t lit_cur;   /* litv offset of the literal last looked up */
	uint64_t *clc;      /* per declaration: classes_in of its pattern, known */
	struct tsb *lvc;    /* per declaration: leaves_add of its pattern (normalized) */
	struct tsb *fac;    /* per declaration: first_add of its pattern */
	uint8_t *lvc_done, *fac_done; /* fac_done: 1 + its nullability */
	struct rcvec *rcc;  /* per declaration: req_collect of its pattern */
	uint8_t *rcc_done;
} cg_t;

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

static uint32_t capname_intern(grammar_t *g, const char *s)
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

/* -------------------------------------------------------- code generation */

static uint32_t emit(grammar_t *g, op_t op, uint32_t a, uint32_t b)
{
	GROW(g->code, g->code_cap, g->ncode + 1);
	g->code[g->ncode] = (insn_t){(uint8_t)op, a, b};
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

static int nullable(cg_t *cg, const pnode_t *n)
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
		if (strcmp(g->re_src[i], n->s) == 0) {
			uint32_t opts = 0;
			pcre2_pattern_info(g->re[i], PCRE2_INFO_ARGOPTIONS, &opts);
			if (!!(opts & PCRE2_CASELESS) == !!(n->arg & 1))
				return (int)i;
		}
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
	g->re[g->nre] = re;
	g->re_src[g->nre] = n->s;
	g->re_jit[g->nre] = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	return (int)g->nre++;
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
static size_t lit_tokens(cg_t *cg, const pnode_t *n, int stem)
{
	size_t nt = lit_lookup(cg, n, stem);
	if (nt == 0)
		diag_at(cg->c, n->loc, 1, "literal \"%s\" contains no token", n->s);
	return nt;
}

/* The symbol of token k of the literal last looked up. */
static uint32_t tok_sym(cg_t *cg, size_t k, int stem)
{
	(void)stem;
	return cg->litv[cg->lit_cur + k];
}

/* Single-token predicate of a tree, or -1 (error reported). */
static int64_t pred_of(cg_t *cg, const pnode_t *n)
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

static int u32_cmp(const void *a, const void *b)
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

static int gen(cg_t *cg, const pnode_t *n)
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
	case PN_REF:
		return gen(cg, cg->c->decls[n->idx].pat);
	case PN_SEQ: {
		int ok = 1;
		for (size_t i = 0; i < n->nkids; i++)
			ok &= gen(cg, n->kids[i]);
		return ok;
	}
	case PN_ALT: {
		/* alternatives that are all one literal or stem token: one set test */
		size_t mark = g->nsetv;
		if (set_collect(cg, n)) {
			uint32_t *v = g->setv + mark;
			size_t k = g->nsetv - mark;
			qsort(v, k, sizeof *v, u32_cmp);
			size_t w = 0;
			for (size_t i = 0; i < k; i++)
				if (w == 0 || v[w - 1] != v[i])
					v[w++] = v[i];
			g->nsetv = (uint32_t)(mark + w);
			for (uint32_t q = 0; q < g->nsets; q++)
				if (g->set_off[q + 1] - g->set_off[q] == w &&
				    memcmp(g->setv + g->set_off[q], v, w * sizeof *v) == 0) {
					g->nsetv = (uint32_t)mark; /* the same set exists: share it */
					emit(g, OP_SET, q, 0);
					return 1;
				}
			if (g->nsets == 0) {
				GROW(g->set_off, g->set_off_cap, 1);
				g->set_off[0] = 0;
			}
			GROW(g->set_off, g->set_off_cap, g->nsets + 2);
			g->set_off[g->nsets + 1] = g->nsetv;
			emit(g, OP_SET, g->nsets++, 0);
			return 1;
		}
		g->nsetv = (uint32_t)mark;
		/* SPLIT L1,next; L1: A; JMP end; next: SPLIT L2,next2; … last: Z; end: */
		uint32_t *jumps = xmalloc(n->nkids * sizeof *jumps);
		int ok = 1;
		for (size_t i = 0; i < n->nkids; i++) {
			uint32_t split = 0;
			if (i + 1 < n->nkids)
				split = emit(g, OP_SPLIT, g->ncode + 1, 0);
			ok &= gen(cg, n->kids[i]);
			if (i + 1 < n->nkids) {
				jumps[i] = emit(g, OP_JMP, 0, 0);
				g->code[split].b = g->ncode;
			}
		}
		for (size_t i = 0; i + 1 < n->nkids; i++)
			g->code[jumps[i]].a = g->ncode;
		free(jumps);
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
		GROW(g->capdefs, g->capdefs_cap, g->ncapdefs + 1);
		capdef_t *cd = &g->capdefs[g->ncapdefs];
		cd->name = capname_intern(g, n->s);
		cd->is_flag = n->k == PN_FLAG;
		cd->classes = n->k == PN_CAP ? classes_in(cg, n->kids[0]) : 0;
		uint32_t id = g->ncapdefs++;
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

/* ----------------------------------------------------------- prefilter */

enum { K_SYM, K_STEM, K_CLASS, K_KIND, K_FLAG, K_ANY };

typedef struct pkey {
	uint8_t type;
	uint32_t key;
	uint32_t rule;
} pkey_t;

typedef struct keyvec {
	pkey_t *v;
	size_t n, cap;
} keyvec_t;

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

static int first_keys(grammar_t *g, rule_t *r, uint32_t rule, keyvec_t *kv)
{
	uint32_t entry = r->entry, end = r->entry + r->ncode;
	insn_t *gv = NULL;
	size_t ngv = 0, gcap = 0;
	size_t span = end - entry;
	uint64_t *seen = xcalloc(span ? span : 1, sizeof *seen);
	uint32_t (*stack)[2] = xmalloc((span * 33 + 1) * sizeof *stack);
	size_t sp = 0, start = kv->n;
	int consumes = 0, any = 0;
	stack[sp][0] = entry, stack[sp][1] = 32; /* 32 = no pending flag */
	sp++;
	while (sp > 0 && !any) {
		sp--;
		uint32_t pc = stack[sp][0], fl = stack[sp][1];
		if (pc < entry || pc >= end || (seen[pc - entry] >> fl & 1))
			continue;
		seen[pc - entry] |= 1ull << fl;
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
			stack[sp][0] = in->b, stack[sp][1] = fl, sp++;
			stack[sp][0] = in->a, stack[sp][1] = fl, sp++;
			break;
		case OP_JMP:
			stack[sp][0] = in->a, stack[sp][1] = fl, sp++;
			break;
		case OP_ASSERT: {
			int f = assert_start_flag(in->a);
			stack[sp][0] = pc + 1, stack[sp][1] = f >= 0 ? (uint32_t)f : fl, sp++;
			break;
		}
		case OP_MATCH:
			break;
		default: /* OPEN CLOSE FLAG MARK PROGRESS */
			stack[sp][0] = pc + 1, stack[sp][1] = fl, sp++;
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

static void build_index(grammar_t *g, pindex_t *ix, const keyvec_t *kv)
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

static void keys_unique(keyvec_t *kv)
{
	if (kv->n > 1)
		qsort(kv->v, kv->n, sizeof *kv->v, key_cmp);
	size_t w = 0;
	for (size_t i = 0; i < kv->n; i++)
		if (w == 0 || key_cmp(&kv->v[w - 1], &kv->v[i]) != 0)
			kv->v[w++] = kv->v[i];
	kv->n = w;
}

/* ------------------------------------------------ required-token filters */

/* A token set under construction: symbols, stems and predicates (by index
 * 0, 1, 2), lexicon classes. */
typedef struct tsb {
	uint32_t *v[3];
	size_t n[3], cap[3];
	uint64_t cls, cls_in;
	int any;
} tsb_t;

static void tsb_add(tsb_t *b, int which, uint32_t x)
{
	GROW(b->v[which], b->cap[which], b->n[which] + 1);
	b->v[which][b->n[which]++] = x;
}

static void tsb_free(tsb_t *b)
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

/* Symbols too frequent to be worth a filter. */
static int sym_common(const grammar_t *g, uint32_t sym)
{
	static const char *const common[] = {".", ",", "(", ")", "-", "och", "att", "i"};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++)
		if (strcmp(g->syms[sym], common[i]) == 0)
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

/* Rule-level conditions (conjuncts of every path of a rule): a token of
 * `need` at most `reach` tokens after the start of every match.  Unlike
 * the required-token filters these look inside alternations: an
 * alternation requires what each alternative requires (the union of
 * their needs, the largest reach), which finds the words a family of
 * phrasings has in common wherever they stand. */
typedef struct rcond {
	tsb_t need;
	uint32_t reach;
} rcond_t;

typedef struct rcvec {
	rcond_t *v;
	size_t n, cap;
} rcvec_t;

#define RC_MAX 8       /* conditions kept per node */
#define RULE_CONDS 6   /* conjuncts added to a rule's paths */

static void rc_free(rcvec_t *c)
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
static void filter_build(cg_t *cg, rule_t *r, const pnode_t *pat)
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
static void pred_requirements(grammar_t *g)
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
	case OP_OPEN: case OP_CLOSE: case OP_FLAG: case OP_ANY: case OP_MATCH: return 1;
	default: return x->a == y->a;
	}
}

/* Openings shorter than this are not recorded: a failure within them costs
 * about as little as the check.  A rule keeps at most OPENING_MAX of them
 * (the longest, then the nearest): the matcher reads them all before each
 * attempt. */
#define OPENING_MIN 4
#define OPENING_MAX 8

/* For every rule, the earlier rules whose programs begin like its own, and
 * for how many instructions (see match.c, "Shared openings").  Rules are
 * sorted by group and source order by now, which is the order the matcher
 * tries the candidates of a token in. */
static void openings_build(grammar_t *g)
{
	for (uint32_t r = 0; r < g->nrules; r++) {
		rule_t *x = &g->rules[r];
		x->open = g->nopens;
		x->nopen = 0;
		for (uint32_t o = r; o-- > 0;) {
			rule_t *y = &g->rules[o];
			uint32_t k = 0, lim = x->ncode < y->ncode ? x->ncode : y->ncode;
			while (k < lim && insn_same(g, y, x, k))
				k++;
			if (k < OPENING_MIN)
				continue;
			/* nearest first; a full list gives up its shortest opening */
			opening_t *v = g->opens ? g->opens + x->open : NULL; /* none yet: no offset to NULL */
			if (x->nopen == OPENING_MAX) {
				uint32_t w = 0;
				for (uint32_t q = 1; q < x->nopen; q++)
					if (v[q].len <= v[w].len)
						w = q;
				if (v[w].len >= k)
					continue;
				memmove(v + w, v + w + 1, (x->nopen - w - 1) * sizeof *v);
				x->nopen--;
				g->nopens--;
			}
			GROW(g->opens, g->opens_cap, g->nopens + 1);
			g->opens[g->nopens++] = (opening_t){.rule = o, .len = k};
			x->nopen++;
		}
		for (uint32_t q = 0; q < x->nopen; q++)
			g->rules[g->opens[x->open + q].rule].opener = 1;
	}
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
	r->entry = g->ncode;
	int ok = gen(cg, d->pat);
	emit(g, OP_MATCH, 0, 0);
	r->ncode = g->ncode - r->entry;
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
	cg.st = stemmer_new();
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
	kv.n = 0;
	for (uint32_t i = 0; i < g->ntrigs; i++) {
		rule_t *r = &g->trigs[i];
		if (!first_keys(g, r, i, &kv))
			diag_at(c, c->decls[r->order].loc, 0, "trigger '%s' can only match an empty span", r->name);
	}
	keys_unique(&kv);
	build_index(g, &g->tix, &kv);
	free(kv.v);

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
	for (uint32_t i = 0; i < g->nre; i++)
		pcre2_code_free(g->re[i]);
	free(g->re);
	free(g->re_src);
	free(g->re_jit);
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

const struct schema *grammar_schema(const grammar_t *g)
{
	return &g->schema;
}

size_t grammar_rule_count(const grammar_t *g)
{
	return g ? g->nrules : 0;
}

void grammar_annotate(const grammar_t *g, tokens_t *t)
{
	for (size_t i = 0; i < t->n; i++) {
		token_t *k = &t->v[i];
		const char *lw = t->pool.data + k->lower;
		uint32_t s = sym_find(g, lw, k->lower_len);
		k->sym = s;
		if (k->stem == k->lower) {
			k->stem_sym = s;
		} else {
			const char *st = t->pool.data + k->stem;
			k->stem_sym = sym_find(g, st, strlen(st));
		}
		k->classes = s ? g->sym_start[s] : 0;
	}
}
