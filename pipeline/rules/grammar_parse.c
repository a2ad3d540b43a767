/*
 * grammar_parse.c — the second stage: a recursive-descent parser from a
 * grammar file's tokens to declarations (decl_t) with pattern trees and
 * action expressions.  Names are not resolved here (that needs every file);
 * only what one statement can check is checked: syntax, quantifier bounds,
 * known functions and their argument shapes.
 *
 * Pattern precedence, loosest first:
 *
 *     A | B          alternation
 *     A B            sequence
 *     name:X         capture (X is the conjunction with its quantifiers,
 *                    so `by:<actor>+` captures the whole run once)
 *     A & B          one token satisfying both
 *     X* X+ X? X{m,n} (lazy with a trailing ?)
 *     !X             negation of a single-token atom
 *
 * Error recovery: the first error of a statement is reported, the rest of
 * the statement is skipped up to and including the next `;`.
 */
#include <stdlib.h>
#include <string.h>
#include "grammar_int.h"
#include "common/limits.h"

#define GRAMMAR_MAX_REPEAT 100   /* largest quantifier bound; {m,n} is unrolled */

typedef struct parser {
	compile_t *c;
	uint32_t file;
	gtok_t *t;      /* tokens, ending with GT_EOF */
	size_t n, i;
	int err;        /* an error was reported in this statement */
	int depth;      /* nesting of the construct being parsed */
} parser_t;

static const gtok_t *peek(parser_t *p, size_t k)
{
	size_t j = p->i + k;
	return &p->t[j < p->n ? j : p->n - 1];
}
static const gtok_t *cur(parser_t *p) { return peek(p, 0); }
static loc_t here(parser_t *p) { return (loc_t){p->file, cur(p)->off}; }
static void next(parser_t *p)
{
	if (cur(p)->bad)
		p->err = 1; /* already reported by the lexer: stay quiet, recover */
	if (cur(p)->type != GT_EOF)
		p->i++;
}
static int is_punct(const gtok_t *k, char ch) { return k->type == GT_PUNCT && k->ch == ch; }
static int is_name(const gtok_t *k, const char *s) { return k->type == GT_NAME && strcmp(k->str, s) == 0; }

static const char *describe(const gtok_t *k, char *b, size_t n)
{
	switch (k->type) {
	case GT_EOF: return "end of file";
	case GT_NAME: snprintf(b, n, "'%s'", k->str); return b;
	case GT_STRING: return "a string";
	case GT_NUMBER: return "a number";
	case GT_REGEX: return "a regex";
	case GT_ARROW: return "'=>'";
	default: snprintf(b, n, "'%c'", k->ch); return b;
	}
}

static void perr(parser_t *p, loc_t at, const char *fmt, const char *what)
{
	if (p->err)
		return;
	p->err = 1;
	diag_at(p->c, at, 1, fmt, what);
}

/* Enter one level of nesting; 0 (reported) past BESLUT_GRAMMAR_MAX_NESTING,
 * so that no input can exhaust the stack of this recursive parser. */
static int nest(parser_t *p)
{
	if (p->depth >= BESLUT_GRAMMAR_MAX_NESTING) {
		char m[96];
		snprintf(m, sizeof m, "nested more than %d levels deep", BESLUT_GRAMMAR_MAX_NESTING);
		perr(p, here(p), "%s", m);
		return 0;
	}
	p->depth++;
	return 1;
}

static void expected(parser_t *p, const char *what)
{
	if (p->err)
		return;
	char b[64], m[160];
	snprintf(m, sizeof m, "expected %s, found %s", what, describe(cur(p), b, sizeof b));
	perr(p, here(p), "%s", m);
}

static int accept(parser_t *p, char ch)
{
	if (is_punct(cur(p), ch)) {
		next(p);
		return 1;
	}
	return 0;
}

static int expect(parser_t *p, char ch)
{
	if (accept(p, ch))
		return 1;
	char w[8] = {'\'', ch, '\'', 0};
	expected(p, w);
	return 0;
}

static const char *expect_name(parser_t *p, const char *what)
{
	if (cur(p)->type == GT_NAME) {
		const char *s = cur(p)->str;
		next(p);
		return s;
	}
	expected(p, what);
	return NULL;
}

static pnode_t *pn_new(parser_t *p, pn_kind_t k, loc_t at)
{
	pnode_t *n = arena_alloc(p->c->ast, sizeof *n);
	n->k = (uint8_t)k;
	n->loc = at;
	n->idx = -1;
	return n;
}

/* Growable child list in the arena (copied on growth; trees are small). */
static void pn_add(parser_t *p, pnode_t *n, pnode_t *kid)
{
	size_t cap = 1;
	while (cap < n->nkids)
		cap *= 2;
	if (n->nkids == 0 || n->nkids == cap) {
		pnode_t **v = arena_alloc(p->c->ast, (n->nkids ? cap * 2 : 1) * sizeof *v);
		if (n->nkids)
			memcpy(v, n->kids, n->nkids * sizeof *v);
		n->kids = v;
	}
	n->kids[n->nkids++] = kid;
}

static pnode_t *p_alt(parser_t *p);

static int starts_term(const gtok_t *k)
{
	switch (k->type) {
	case GT_STRING: case GT_REGEX: case GT_NAME: return 1;
	case GT_PUNCT: return strchr("~@.<(^${!", k->ch) != NULL;
	default: return 0;
	}
}

static pnode_t *p_primary(parser_t *p)
{
	const gtok_t *k = cur(p);
	loc_t at = here(p);
	pnode_t *n;
	switch (k->type) {
	case GT_STRING:
		if (!*k->str) {
			perr(p, at, "%s", "empty string literal");
			return NULL;
		}
		n = pn_new(p, PN_LIT, at);
		n->s = k->str;
		next(p);
		return n;
	case GT_REGEX:
		n = pn_new(p, PN_REGEX, at);
		n->s = k->str;
		n->arg = (int)k->num;
		next(p);
		return n;
	case GT_NAME: {
		static const struct { const char *s; int k, arg; } kw[] = {
			{"WORD", PN_KIND, TK_WORD}, {"NUM", PN_KIND, TK_NUM},
			{"SECT", PN_KIND, TK_SECT}, {"PUNCT", PN_KIND, TK_PUNCT},
			{"CAP", PN_TFLAG, TF_CAP}, {"UPPER", PN_TFLAG, TF_UPPER},
			{"LSTART", PN_TFLAG, TF_LINE_START}, {"PSTART", PN_TFLAG, TF_PARA_START},
			{"HEAD", PN_ASSERT, AS_HEAD},
		};
		for (size_t j = 0; j < sizeof kw / sizeof kw[0]; j++)
			if (strcmp(k->str, kw[j].s) == 0) {
				n = pn_new(p, (pn_kind_t)kw[j].k, at);
				n->arg = kw[j].arg;
				next(p);
				return n;
			}
		perr(p, at, "unexpected name '%s' in a pattern (write <name> for a pattern, \"word\" for a word)",
		     k->str);
		return NULL;
	}
	case GT_PUNCT:
		break;
	default:
		expected(p, "a pattern");
		return NULL;
	}
	switch (k->ch) {
	case '~':
		next(p);
		if (cur(p)->type != GT_NAME && cur(p)->type != GT_STRING) {
			expected(p, "a word after '~'");
			return NULL;
		}
		n = pn_new(p, PN_STEM, at);
		n->s = cur(p)->str;
		next(p);
		return n;
	case '@':
		next(p);
		n = pn_new(p, PN_CLASS, at);
		n->s = expect_name(p, "a lexicon class name after '@'");
		return n->s ? n : NULL;
	case '.':
		next(p);
		return pn_new(p, PN_ANY, at);
	case '<':
		next(p);
		n = pn_new(p, PN_REF, at);
		n->s = expect_name(p, "a pattern name after '<'");
		if (!n->s || !expect(p, '>'))
			return NULL;
		return n;
	case '(':
		next(p);
		n = p_alt(p);
		if (!n || !expect(p, ')'))
			return NULL;
		return n;
	case '^':
	case '$': {
		int start = k->ch == '^';
		next(p);
		const char *w = cur(p)->type == GT_NAME ? cur(p)->str : "";
		int code = -1;
		if (strcmp(w, "line") == 0)
			code = start ? AS_LINE_START : AS_LINE_END;
		else if (strcmp(w, "para") == 0)
			code = start ? AS_PARA_START : AS_PARA_END;
		else if (strcmp(w, "sent") == 0)
			code = start ? AS_SENT_START : AS_SENT_END;
		if (code < 0) {
			expected(p, start ? "line, para or sent after '^'" : "line, para or sent after '$'");
			return NULL;
		}
		next(p);
		n = pn_new(p, PN_ASSERT, at);
		n->arg = code;
		return n;
	}
	case '{':
		next(p);
		n = pn_new(p, PN_FLAG, at);
		n->s = expect_name(p, "a flag name after '{'");
		if (!n->s || !expect(p, '}'))
			return NULL;
		return n;
	default:
		expected(p, "a pattern");
		return NULL;
	}
}

static pnode_t *p_prefix(parser_t *p)
{
	if (is_punct(cur(p), '!')) {
		loc_t at = here(p);
		next(p);
		if (!nest(p))
			return NULL;
		pnode_t *x = p_prefix(p);
		p->depth--;
		if (!x)
			return NULL;
		pnode_t *n = pn_new(p, PN_NOT, at);
		pn_add(p, n, x);
		return n;
	}
	return p_primary(p);
}

static pnode_t *p_postfix(parser_t *p)
{
	pnode_t *x = p_prefix(p);
	while (x) {
		const gtok_t *k = cur(p);
		loc_t at = here(p);
		int min, max;
		if (is_punct(k, '?')) {
			min = 0, max = 1;
			next(p);
		} else if (is_punct(k, '*')) {
			min = 0, max = -1;
			next(p);
		} else if (is_punct(k, '+')) {
			min = 1, max = -1;
			next(p);
		} else if (is_punct(k, '{') && peek(p, 1)->type == GT_NUMBER) {
			next(p);
			long long lo = cur(p)->num, hi;
			next(p);
			if (accept(p, ',')) {
				if (cur(p)->type == GT_NUMBER) {
					hi = cur(p)->num;
					next(p);
				} else {
					hi = -1;
				}
			} else {
				hi = lo;
			}
			if (!expect(p, '}'))
				return NULL;
			if (lo < 0 || (hi >= 0 && hi < lo) || hi == 0) {
				perr(p, at, "%s", "bad quantifier bounds (need 0 <= m <= n, n >= 1)");
				return NULL;
			}
			if (lo > GRAMMAR_MAX_REPEAT || hi > GRAMMAR_MAX_REPEAT) {
				char m[96];
				snprintf(m, sizeof m, "quantifier bound exceeds the limit of %d", GRAMMAR_MAX_REPEAT);
				perr(p, at, "%s", m);
				return NULL;
			}
			min = (int)lo, max = (int)hi;
		} else {
			break;
		}
		pnode_t *n = pn_new(p, PN_REP, at);
		n->min = min;
		n->max = max;
		if (is_punct(cur(p), '?')) {
			n->lazy = 1;
			next(p);
		}
		pn_add(p, n, x);
		x = n;
	}
	return x;
}

static pnode_t *p_conj(parser_t *p)
{
	pnode_t *x = p_postfix(p);
	if (!x || !is_punct(cur(p), '&'))
		return x;
	pnode_t *n = pn_new(p, PN_AND, x->loc);
	pn_add(p, n, x);
	while (accept(p, '&')) {
		pnode_t *y = p_postfix(p);
		if (!y)
			return NULL;
		pn_add(p, n, y);
	}
	return n;
}

static pnode_t *p_term(parser_t *p)
{
	if (cur(p)->type == GT_NAME && is_punct(peek(p, 1), ':')) {
		pnode_t *n = pn_new(p, PN_CAP, here(p));
		n->s = cur(p)->str;
		next(p);
		next(p);
		if (!nest(p))
			return NULL;
		pnode_t *x = p_term(p);
		p->depth--;
		if (!x)
			return NULL;
		pn_add(p, n, x);
		return n;
	}
	return p_conj(p);
}

static pnode_t *p_seq(parser_t *p)
{
	pnode_t *n = pn_new(p, PN_SEQ, here(p));
	while (starts_term(cur(p))) {
		pnode_t *x = p_term(p);
		if (!x)
			return NULL;
		pn_add(p, n, x);
	}
	if (n->nkids == 1)
		return n->kids[0];
	return n;
}

static pnode_t *p_alt_in(parser_t *p)
{
	pnode_t *x = p_seq(p);
	if (!x || !is_punct(cur(p), '|'))
		return x;
	pnode_t *n = pn_new(p, PN_ALT, x->loc);
	pn_add(p, n, x);
	while (accept(p, '|')) {
		pnode_t *y = p_seq(p);
		if (!y)
			return NULL;
		pn_add(p, n, y);
	}
	return n;
}

static pnode_t *p_alt(parser_t *p)
{
	if (!nest(p))
		return NULL;
	pnode_t *x = p_alt_in(p);
	p->depth--;
	return x;
}

static pnode_t *p_pattern(parser_t *p)
{
	loc_t at = here(p);
	pnode_t *x = p_alt(p);
	if (x && x->k == PN_SEQ && x->nkids == 0) {
		perr(p, at, "%s", "empty pattern");
		return NULL;
	}
	if (x && !is_punct(cur(p), ';') && cur(p)->type != GT_ARROW)
		expected(p, "a pattern element, '|', '=>' or ';'");
	return p->err ? NULL : x;
}

/* ------------------------------------------------------------ expressions */

static const struct fninfo {
	const char *name;
	const char *args;   /* one letter per argument: C capture, E expression */
} fns[FN__COUNT] = {
	[FN_TEXT] = {"text", "C"}, [FN_INT] = {"int", "C"}, [FN_DATE] = {"date", "C"},
	[FN_VALUE] = {"value", "C"}, [FN_LOWER] = {"lower", "C"}, [FN_ACTOR] = {"actor", "C"},
	[FN_ACTORS] = {"actors", "C"}, [FN_LIST] = {"list", "C"}, [FN_EXISTS] = {"exists", "C"},
	[FN_COUNT] = {"count", "C"}, [FN_IF] = {"if", "CEE"}, [FN_OPTION_INDEX] = {"option_index", "CC"},
	[FN_COLUMN] = {"column", "CC"},
};

static expr_t *ex_new(parser_t *p, ex_kind_t k, loc_t at)
{
	expr_t *e = arena_alloc(p->c->ast, sizeof *e);
	e->k = (uint8_t)k;
	e->loc = at;
	e->cap = -1;
	return e;
}

static expr_t *p_expr(parser_t *p);

static expr_t *p_object(parser_t *p)
{
	expr_t *o = ex_new(p, EX_OBJ, here(p));
	if (!expect(p, '{'))
		return NULL;
	size_t cap = 0;
	while (!is_punct(cur(p), '}')) {
		loc_t kat = here(p);
		const char *key = expect_name(p, "a field name");
		if (!key || !expect(p, '='))
			return NULL;
		expr_t *v = p_expr(p);
		if (!v)
			return NULL;
		for (size_t j = 0; j < o->nf; j++)
			if (strcmp(o->keys[j], key) == 0) {
				perr(p, kat, "field '%s' set twice", key);
				return NULL;
			}
		if (o->nf == cap) {
			size_t nc = cap ? cap * 2 : 8;
			const char **nk = arena_alloc(p->c->ast, nc * sizeof *nk);
			expr_t **nv = arena_alloc(p->c->ast, nc * sizeof *nv);
			if (o->nf) {
				memcpy(nk, o->keys, o->nf * sizeof *nk);
				memcpy(nv, o->vals, o->nf * sizeof *nv);
			}
			o->keys = nk, o->vals = nv, cap = nc;
		}
		o->keys[o->nf] = key;
		o->vals[o->nf++] = v;
		if (!accept(p, ','))
			break;
	}
	if (!expect(p, '}'))
		return NULL;
	return o;
}

static expr_t *p_expr_in(parser_t *p)
{
	const gtok_t *k = cur(p);
	loc_t at = here(p);
	expr_t *e;
	if (k->type == GT_STRING) {
		e = ex_new(p, EX_STR, at);
		e->s = k->str;
		next(p);
		return e;
	}
	if (k->type == GT_NUMBER) {
		e = ex_new(p, EX_INT, at);
		e->i = k->num;
		next(p);
		return e;
	}
	if (is_punct(k, '{'))
		return p_object(p);
	if (k->type != GT_NAME) {
		expected(p, "an expression");
		return NULL;
	}
	if (is_name(k, "true") || is_name(k, "false")) {
		e = ex_new(p, EX_BOOL, at);
		e->i = is_name(k, "true");
		next(p);
		return e;
	}
	if (is_name(k, "null")) {
		next(p);
		return ex_new(p, EX_NULL, at);
	}
	if (!is_punct(peek(p, 1), '(')) {
		perr(p, at, "a capture name ('%s') is not a value here; use text(…), value(…), … to convert it",
		     k->str);
		return NULL;
	}
	int fn = -1;
	for (int j = 0; j < FN__COUNT; j++)
		if (strcmp(fns[j].name, k->str) == 0)
			fn = j;
	if (fn < 0) {
		perr(p, at, "unknown function '%s'", k->str);
		return NULL;
	}
	e = ex_new(p, EX_CALL, at);
	e->fn = fn;
	e->s = k->str;
	next(p);
	next(p);
	const char *shape = fns[fn].args;
	size_t want = strlen(shape);
	e->args = arena_alloc(p->c->ast, want * sizeof *e->args);
	while (!is_punct(cur(p), ')')) {
		if (e->nargs > 0 && !expect(p, ','))
			return NULL;
		loc_t aat = here(p);
		if (e->nargs >= want) {
			char m[96];
			snprintf(m, sizeof m, "%s() takes %zu argument%s", fns[fn].name, want, want == 1 ? "" : "s");
			perr(p, aat, "%s", m);
			return NULL;
		}
		expr_t *a;
		if (shape[e->nargs] == 'C') {
			if (cur(p)->type != GT_NAME || is_punct(peek(p, 1), '(')) {
				char m[96];
				snprintf(m, sizeof m, "argument %zu of %s() must be a capture name", e->nargs + 1,
				         fns[fn].name);
				perr(p, aat, "%s", m);
				return NULL;
			}
			a = ex_new(p, EX_CAP, aat);
			a->s = cur(p)->str;
			next(p);
		} else {
			a = p_expr(p);
			if (!a)
				return NULL;
		}
		e->args[e->nargs++] = a;
	}
	if (e->nargs != want) {
		char m[96];
		snprintf(m, sizeof m, "%s() takes %zu argument%s", fns[fn].name, want, want == 1 ? "" : "s");
		perr(p, here(p), "%s", m);
		return NULL;
	}
	next(p);
	if (fn == FN_LIST) {
		if (!is_punct(cur(p), '{')) {
			expected(p, "'{' with the fields of each list element");
			return NULL;
		}
		e->body = p_object(p);
		if (!e->body)
			return NULL;
	}
	return e;
}

static expr_t *p_expr(parser_t *p)
{
	if (!nest(p))
		return NULL;
	expr_t *e = p_expr_in(p);
	p->depth--;
	return e;
}

static int p_action(parser_t *p, action_t *a)
{
	memset(a, 0, sizeof *a);
	a->loc = here(p);
	a->each_cap = -1;
	if (is_name(cur(p), "each") && peek(p, 1)->type == GT_NAME && peek(p, 2)->type == GT_NAME) {
		next(p);
		a->loc = here(p);
		a->each = cur(p)->str;
		next(p);
	}
	a->type = expect_name(p, "a record type");
	if (!a->type)
		return 0;
	if (is_name(cur(p), "merge")) {
		a->merge = 1;
		next(p);
	}
	if (is_punct(cur(p), '{')) {
		a->obj = p_object(p);
		if (!a->obj)
			return 0;
	} else {
		a->obj = ex_new(p, EX_OBJ, a->loc);
	}
	return 1;
}

/* ------------------------------------------------------- record schema */

#define SCHEMA_MAX_DEPTH 8   /* nesting of list(…) and { … } in a field's kind */

static sfield_t *p_fields(parser_t *p, size_t *n, int depth);

/* kind := NAME | enum(STRING, …) | list(kind) | { fields }, then an optional '?' */
static int p_kind(parser_t *p, skind_t *k, int depth)
{
	memset(k, 0, sizeof *k);
	if (depth > SCHEMA_MAX_DEPTH) {
		perr(p, here(p), "%s", "value kinds nested too deeply");
		return 0;
	}
	if (is_punct(cur(p), '{')) {
		k->k = SK_OBJECT;
		k->fields = p_fields(p, &k->nfields, depth + 1);
		if (p->err)
			return 0;
	} else {
		loc_t at = here(p);
		const char *name = expect_name(p, "a value kind");
		if (!name)
			return 0;
		if (strcmp(name, "enum") == 0) {
			k->k = SK_ENUM;
			if (!expect(p, '('))
				return 0;
			size_t cap = 0;
			do {
				if (cur(p)->type != GT_STRING) {
					expected(p, "a string value of the enum");
					return 0;
				}
				if (k->nenums == cap) {
					size_t nc = cap ? cap * 2 : 8;
					const char **nv = arena_alloc(p->c->ast, nc * sizeof *nv);
					if (k->nenums)
						memcpy(nv, k->enums, k->nenums * sizeof *nv);
					k->enums = nv, cap = nc;
				}
				k->enums[k->nenums++] = cur(p)->str;
				next(p);
			} while (accept(p, ','));
			if (!expect(p, ')'))
				return 0;
		} else if (strcmp(name, "list") == 0) {
			k->k = SK_LIST;
			if (!expect(p, '('))
				return 0;
			k->elem = arena_alloc(p->c->ast, sizeof *k->elem);
			if (!p_kind(p, k->elem, depth + 1) || !expect(p, ')'))
				return 0;
		} else {
			int code = schema_kind_find(name);
			if (code < 0) {
				perr(p, at, "unknown value kind '%s' (text, count, ordinal, bool, date, sha256, actor, any, "
				            "enum(…), list(…) or { fields })", name);
				return 0;
			}
			k->k = (unsigned char)code;
		}
	}
	if (accept(p, '?'))
		k->nullable = 1;
	return 1;
}

/* fields := '{' (NAME ':' kind ('=' true|false)?) (',' …)* ','? '}' */
static sfield_t *p_fields(parser_t *p, size_t *n, int depth)
{
	*n = 0;
	if (!expect(p, '{'))
		return NULL;
	sfield_t *v = NULL;
	size_t cap = 0;
	while (!is_punct(cur(p), '}')) {
		loc_t at = here(p);
		const char *name = expect_name(p, "a field name");
		if (!name || !expect(p, ':'))
			return NULL;
		for (size_t j = 0; j < *n; j++)
			if (strcmp(v[j].name, name) == 0) {
				perr(p, at, "field '%s' declared twice", name);
				return NULL;
			}
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sfield_t *nv = arena_alloc(p->c->ast, nc * sizeof *nv);
			if (*n)
				memcpy(nv, v, *n * sizeof *nv);
			v = nv, cap = nc;
		}
		sfield_t *f = &v[(*n)++];
		f->name = name;
		f->file = at.file, f->off = at.off;
		if (!p_kind(p, &f->kind, depth))
			return NULL;
		if (accept(p, '=')) {
			if (f->kind.k != SK_BOOL || !(is_name(cur(p), "true") || is_name(cur(p), "false"))) {
				perr(p, here(p), "%s", "only a bool field has a default (true or false)");
				return NULL;
			}
			f->has_default = 1;
			f->default_bool = is_name(cur(p), "true");
			next(p);
		}
		if (!accept(p, ','))
			break;
	}
	if (!expect(p, '}'))
		return NULL;
	return v;
}

static void p_record(parser_t *p)
{
	loc_t at = here(p);
	const char *name = expect_name(p, "a record type name");
	if (!name)
		return;
	schema_t *s = p->c->schema;
	if (schema_type(s, name, NULL)) {
		perr(p, at, "record type '%s' declared twice", name);
		return;
	}
	size_t nf = 0;
	sfield_t *f = p_fields(p, &nf, 0);
	if (p->err || !expect(p, ';'))
		return;
	GROW(s->types, s->cap, s->ntypes + 1);
	s->types[s->ntypes++] = (stype_t){.name = name, .fields = f, .nfields = nf, .file = at.file, .off = at.off};
}

/* ------------------------------------------------------ resolve settings */

#define STR_(x) #x
#define STR(x) STR_(x)
#define LIST_MAX_STR STR(RESOLVE_MAX_LIST)

/* VALUE: "string" | NUMBER | name | @class | ( VALUE, … ) (one level). */
static int p_rval(parser_t *p, rval_t *v, int in_list)
{
	const gtok_t *k = cur(p);
	memset(v, 0, sizeof *v);
	v->loc = here(p);
	if (k->type == GT_STRING || k->type == GT_NAME) {
		v->k = k->type == GT_STRING ? RV_STR : RV_NAME;
		v->s = k->str;
		next(p);
		return 1;
	}
	if (k->type == GT_NUMBER) {
		v->k = RV_NUM;
		v->num = k->num;
		next(p);
		return 1;
	}
	if (is_punct(k, '@')) {
		next(p);
		v->k = RV_CLASS;
		v->s = expect_name(p, "a lexicon class name after '@'");
		return v->s != NULL;
	}
	if (is_punct(k, '(') && !in_list) {
		next(p);
		v->k = RV_LIST;
		rval_t items[RESOLVE_MAX_LIST];
		size_t n = 0;
		while (!is_punct(cur(p), ')')) {
			if (n == RESOLVE_MAX_LIST) {
				perr(p, here(p), "%s", "too many values in one list (at most " LIST_MAX_STR ")");
				return 0;
			}
			if (!p_rval(p, &items[n], 1))
				return 0;
			n++;
			if (!accept(p, ','))
				break;
		}
		if (!expect(p, ')'))
			return 0;
		v->items = arena_alloc(p->c->ast, (n ? n : 1) * sizeof *v->items);
		memcpy(v->items, items, n * sizeof *items);
		v->nitems = n;
		return 1;
	}
	expected(p, in_list ? "a string, number, name or @class" : "a string, number, name, @class or a list");
	return 0;
}

/* resolve STEP { key = VALUE, … }; */
static void p_resolve(parser_t *p)
{
	loc_t sat = here(p);
	const char *step = expect_name(p, "a resolve step name");
	if (!step || !expect(p, '{'))
		return;
	compile_t *c = p->c;
	size_t first = c->nrset;
	while (!is_punct(cur(p), '}')) {
		loc_t kat = here(p);
		const char *key = expect_name(p, "a setting name");
		if (!key || !expect(p, '='))
			return;
		rval_t v;
		if (!p_rval(p, &v, 0))
			return;
		GROW(c->rset, c->rset_cap, c->nrset + 1);
		c->rset[c->nrset++] = (rsetting_t){.loc = kat, .step = step, .step_loc = sat, .key = key, .v = v};
		if (!accept(p, ','))
			break;
	}
	if (!expect(p, '}') || !expect(p, ';'))
		c->nrset = first;
}

/* ------------------------------------------------------------- statements */

static decl_t *new_decl(parser_t *p, decl_kind_t k, loc_t at, const char *name)
{
	compile_t *c = p->c;
	GROW(c->decls, c->decls_cap, c->ndecls + 1);
	decl_t *d = &c->decls[c->ndecls++];
	memset(d, 0, sizeof *d);
	d->kind = (uint8_t)k;
	d->loc = at;
	d->name = name;
	return d;
}

static void p_statement(parser_t *p)
{
	const gtok_t *k = cur(p);
	loc_t at = here(p);
	if (k->type != GT_NAME) {
		expected(p, "'record', 'lexicon', 'pattern', 'rule', 'trigger' or 'resolve'");
		return;
	}
	const char *kw = k->str;
	if (strcmp(kw, "record") == 0) {
		next(p);
		p_record(p);
		return;
	}
	if (strcmp(kw, "resolve") == 0) {
		next(p);
		p_resolve(p);
		return;
	}
	if (strcmp(kw, "lexicon") == 0) {
		next(p);
		loc_t nat = here(p);
		const char *name = expect_name(p, "a lexicon class name");
		if (!name || !expect(p, '='))
			return;
		if (cur(p)->type != GT_STRING) {
			expected(p, "a file name string");
			return;
		}
		const char *file = cur(p)->str;
		next(p);
		if (!expect(p, ';'))
			return;
		decl_t *d = new_decl(p, D_LEXICON, nat, name);
		d->file = file;
		return;
	}
	if (strcmp(kw, "pattern") == 0 || strcmp(kw, "trigger") == 0) {
		int is_pat = kw[0] == 'p';
		next(p);
		loc_t nat = here(p);
		const char *name = expect_name(p, is_pat ? "a pattern name" : "a trigger name");
		if (!name || !expect(p, '='))
			return;
		pnode_t *x = p_pattern(p);
		if (!x)
			return;
		if (cur(p)->type == GT_ARROW) {
			perr(p, here(p), "%s", is_pat ? "a pattern has no actions (did you mean 'rule'?)"
			                              : "a trigger has no actions");
			return;
		}
		if (!expect(p, ';'))
			return;
		decl_t *d = new_decl(p, is_pat ? D_PATTERN : D_TRIGGER, nat, name);
		d->pat = x;
		return;
	}
	if (strcmp(kw, "rule") == 0) {
		next(p);
		loc_t nat = here(p);
		const char *name = expect_name(p, "a rule name");
		if (!name)
			return;
		long long prio = 0;
		const char *group = NULL;
		for (;;) {
			if (is_name(cur(p), "priority")) {
				next(p);
				if (cur(p)->type != GT_NUMBER) {
					expected(p, "a number after 'priority'");
					return;
				}
				prio = cur(p)->num;
				next(p);
			} else if (is_name(cur(p), "group")) {
				next(p);
				group = expect_name(p, "a group name after 'group'");
				if (!group)
					return;
			} else {
				break;
			}
		}
		if (!expect(p, ':'))
			return;
		pnode_t *x = p_pattern(p);
		if (!x)
			return;
		if (cur(p)->type != GT_ARROW) {
			expected(p, "'=>' and an action");
			return;
		}
		action_t acts[16];
		size_t na = 0;
		while (cur(p)->type == GT_ARROW) {
			next(p);
			if (na == sizeof acts / sizeof acts[0]) {
				perr(p, here(p), "%s", "too many actions in one rule (at most 16)");
				return;
			}
			if (!p_action(p, &acts[na]))
				return;
			na++;
		}
		if (!expect(p, ';'))
			return;
		decl_t *d = new_decl(p, D_RULE, nat, name);
		d->pat = x;
		d->priority = prio;
		d->group = group;
		d->acts = arena_alloc(p->c->ast, na * sizeof *d->acts);
		memcpy(d->acts, acts, na * sizeof *d->acts);
		d->nacts = na;
		return;
	}
	perr(p, at, "expected 'record', 'lexicon', 'pattern', 'rule', 'trigger' or 'resolve', found '%s'", kw);
}

void gparse(compile_t *c, uint32_t file)
{
	parser_t p = {.c = c, .file = file};
	p.t = glex(c, file, &p.n);
	while (cur(&p)->type != GT_EOF && !c->diag.gave_up) {
		p.err = 0;
		p.depth = 0;
		size_t before = p.i, ndecls = c->ndecls, nrset = c->nrset;
		p_statement(&p);
		if (p.err) {
			c->ndecls = ndecls;
			c->nrset = nrset;
			/* recover: skip to the next ';' */
			while (cur(&p)->type != GT_EOF && !is_punct(cur(&p), ';'))
				next(&p);
			next(&p);
		} else if (p.i == before) {
			next(&p);
		}
	}
	free(p.t);
}
