/*
 * actions.c — from a match to records: builds the capture tree from the
 * match's trail and evaluates the rule's actions over it.
 *
 * The capture tree: node 0 is the whole match; every `name:X` that took
 * part in the match is a node whose children are the captures made inside
 * X; `{flag}` is a leaf of zero width.  A name matched several times gives
 * several sibling nodes.  A capture that matched nothing (`role:@role?`
 * with no role) is dropped: exists() is false and text() null for it.
 *
 * Looking a name up in a scope (the root, a list element, an actor) finds
 * the first node with that name in a pre-order walk below the scope that
 * does not descend into nodes of the name it looks for; "all matches"
 * collects every such node.  A scope whose own name is looked up and that
 * has no such descendant finds itself (so `list(item) { t = text(item) }`
 * works).
 *
 * The elements of a capture c (for `each`, actors(), list(),
 * option_index()): every match of c; but when c matched once and its
 * children all carry one name and either there are several of them or they
 * have children of their own, those children — so `by:<actors>` with
 * `actors = a:(…) ("," a:(…))*` has the `a` nodes as elements.
 *
 * Values are built in the document arena (match_input_t.arena); strings
 * are assembled in one reused scratch buffer.
 */
#include <stdlib.h>
#include <string.h>
#include "rules/grammar_int.h"
#include "common/limits.h"

size_t capture_tree(const trail_ent_t *tr, size_t ntr, uint32_t start, uint32_t end,
                    const grammar_t *g, cnode_t **nodes, size_t *cap)
{
	if (*cap < ntr + 1)
		GROW(*nodes, *cap, ntr + 1);
	cnode_t *v = *nodes;
	v[0] = (cnode_t){start, end, -1, -1, -1, -1, -1, 0, 0};
	size_t n = 1;
	int32_t cur = 0;
	for (size_t i = 0; i < ntr; i++) {
		const trail_ent_t *t = &tr[i];
		if (t->kind == TR_CLOSE) {
			v[cur].end = t->pos;
			int32_t parent = v[cur].parent;
			if (parent < 0)
				continue;
			if (v[cur].start == v[cur].end && v[cur].first < 0 && (size_t)cur == n - 1) {
				/* an empty capture (`role:@role?` that matched nothing) is no capture */
				int32_t prev = -1;
				for (int32_t y = v[parent].first; y >= 0 && y != cur; y = v[y].next)
					prev = y;
				if (prev >= 0)
					v[prev].next = -1;
				else
					v[parent].first = -1;
				v[parent].last = prev;
				n--;
			}
			cur = parent;
			continue;
		}
		int32_t k = (int32_t)n++;
		v[k] = (cnode_t){t->pos, t->pos, (int32_t)g->capdefs[t->capdef].name, cur, -1, -1, -1,
		                 t->capdef, (uint8_t)(t->kind == TR_FLAG)};
		if (v[cur].last >= 0)
			v[v[cur].last].next = k;
		else
			v[cur].first = k;
		v[cur].last = k;
		if (t->kind == TR_OPEN)
			cur = k;
	}
	return n;
}

void span_text(const match_input_t *in, uint32_t s, uint32_t e, buf_t *b)
{
	buf_reset(b);
	if (s >= e || e > in->toks->n) {
		buf_add(b, "", 0);
		return;
	}
	const token_t *v = in->toks->v;
	uint32_t from = v[s].off, to = v[e - 1].off + v[e - 1].len;
	if (to > in->len)
		to = (uint32_t)in->len;
	buf_grow(b, from < to ? to - from : 0);
	char *o = b->data;
	size_t n = 0;
	int sp = 0;
	for (uint32_t i = from; i < to; i++) {
		char ch = in->text[i];
		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
			sp = 1;
			continue;
		}
		if (sp && n)
			o[n++] = ' ';
		sp = 0;
		o[n++] = ch;
	}
	o[n] = '\0';
	b->len = n;
}

/* ----------------------------------------------------------- lookups */

static void tmp_push(act_ctx_t *c, size_t *top, int32_t x)
{
	if (*top >= c->tmp_cap)
		GROW(c->tmp, c->tmp_cap, *top + 1);
	c->tmp[(*top)++] = x;
}

/* Append every match of name below scope to tmp[top…]; returns the count. */
static size_t find_all(act_ctx_t *c, int32_t scope, int32_t name, size_t *top)
{
	size_t before = *top;
	if (name < 0)
		return 0;
	/* iterative pre-order walk below scope */
	int32_t k = c->nodes[scope].first;
	while (k >= 0) {
		const cnode_t *x = &c->nodes[k];
		int descend = 1;
		if (x->name == name) {
			tmp_push(c, top, k);
			descend = 0;
		}
		if (descend && x->first >= 0) {
			k = x->first;
			continue;
		}
		while (k >= 0 && k != scope && c->nodes[k].next < 0)
			k = c->nodes[k].parent;
		if (k < 0 || k == scope)
			break;
		k = c->nodes[k].next;
	}
	if (*top == before && c->nodes[scope].name == name)
		tmp_push(c, top, scope);
	return *top - before;
}

static int32_t find_first(act_ctx_t *c, int32_t scope, int32_t name)
{
	size_t top = c->tmp_n, base = top;
	size_t k = find_all(c, scope, name, &top);
	return k ? c->tmp[base] : -1;
}

static size_t elements_of_one(act_ctx_t *c, size_t base, size_t *top);

/* Elements of capture `name` in scope, appended to tmp; returns the count:
 * the occurrences of the capture, or, when it occurs once, its elements. */
static size_t elements(act_ctx_t *c, int32_t scope, int32_t name, size_t *top)
{
	size_t base = *top;
	size_t k = find_all(c, scope, name, top);
	if (k != 1)
		return k;
	return elements_of_one(c, base, top);
}

/* For actors(): a capture that occurs more than once in scope ("X (S)
 * yrkar, med instämmande av Y (V), …": `by` twice) gives the elements of
 * each occurrence, in order. */
static size_t actor_elements(act_ctx_t *c, int32_t scope, int32_t name, size_t *top)
{
	size_t base = *top;
	size_t k = find_all(c, scope, name, top);
	if (k <= 1)
		return k ? elements_of_one(c, base, top) : 0;
	/* the occurrences are tmp[base…base+k); expand each after them, then
	 * move the result down */
	size_t out = *top;
	for (size_t i = 0; i < k; i++) {
		size_t b = *top;
		int32_t occ = c->tmp[base + i];
		tmp_push(c, top, occ);
		elements_of_one(c, b, top);
	}
	size_t n = *top - out;
	memmove(c->tmp + base, c->tmp + out, n * sizeof *c->tmp);
	*top = base + n;
	return n;
}

/* tmp[base] is the one occurrence of a capture: replace it by its
 * elements (its children, when they are all captures of one name);
 * returns the count.  An occurrence that carries a flag of its own
 * (`o:( lab:( … ) {egna} )`) is itself the element: the flag describes
 * it, not its children. */
static size_t elements_of_one(act_ctx_t *c, size_t base, size_t *top)
{
	const cnode_t *x = &c->nodes[c->tmp[base]];
	size_t nk = 0;
	int32_t nm = -1, same = 1, deep = 0;
	for (int32_t y = x->first; y >= 0; y = c->nodes[y].next) {
		if (c->nodes[y].is_flag)
			return 1;
		if (nk++ == 0)
			nm = c->nodes[y].name;
		else if (c->nodes[y].name != nm)
			same = 0;
		deep |= c->nodes[y].first >= 0;
	}
	if (nk == 0 || !same || (nk < 2 && !deep))
		return 1;
	int32_t parent = c->tmp[base];
	*top = base;
	for (int32_t y = c->nodes[parent].first; y >= 0; y = c->nodes[y].next)
		if (!c->nodes[y].is_flag)
			tmp_push(c, top, y);
	return *top - base;
}

static int32_t capid(const grammar_t *g, const char *s)
{
	if (!s)
		return -1;
	for (uint32_t i = 0; i < g->ncapnames; i++)
		if (strcmp(g->capnames[i], s) == 0)
			return (int32_t)i;
	return -1;
}

/* ------------------------------------------------------------ values */

static value_t *text_of(act_ctx_t *c, int32_t node)
{
	if (node < 0)
		return v_null(c->in->arena);
	span_text(c->in, c->nodes[node].start, c->nodes[node].end, &c->sbuf);
	return v_str(c->in->arena, c->sbuf.data, c->sbuf.len);
}

static void lower_text(act_ctx_t *c, uint32_t s, uint32_t e, buf_t *b)
{
	const tokens_t *t = c->in->toks;
	buf_reset(b);
	for (uint32_t p = s; p < e; p++) {
		if (p > s && (t->v[p].flags & TF_SPACE_BEFORE))
			buf_addc(b, ' ');
		buf_add(b, tok_lower(t, &t->v[p]), t->v[p].lower_len);
	}
	if (!b->data)
		buf_add(b, "", 0);
}

/* Canonical value of the first entry of class cls in [s, e), or NULL. */
static const char *class_value(const grammar_t *g, int cls, const token_t *v, uint32_t s, uint32_t e,
                               int exact)
{
	if (cls < 0)
		return NULL;
	for (uint32_t p = s; p < e; p++) {
		int32_t val = -1;
		uint32_t end = lex_longest(g, (uint32_t)cls, v, p, e, &val);
		if (end > p && (!exact || end == e))
			return g->lexval[val];
		if (exact)
			break;
	}
	return NULL;
}

static int all_digits(const char *s, size_t n);

/* The canonical value of the first lexicon entry in the capture; a value
 * written in digits is a number. */
static value_t *value_of(act_ctx_t *c, int32_t node)
{
	const grammar_t *g = c->g;
	if (node < 0)
		return v_null(c->in->arena);
	const cnode_t *x = &c->nodes[node];
	uint64_t mask = x->name >= 0 ? g->capdefs[x->capdef].classes : 0;
	if (!mask)
		mask = g->nclasses >= 64 ? ~0ull : (1ull << g->nclasses) - 1;
	const token_t *v = c->in->toks->v;
	for (uint32_t p = x->start; p < x->end; p++) {
		uint32_t best = p;
		int32_t bval = -1;
		for (uint32_t k = 0; k < g->nclasses; k++) {
			if (!(mask >> k & 1) || !(v[p].classes >> k & 1))
				continue;
			int32_t val = -1;
			uint32_t e = lex_longest(g, k, v, p, x->end, &val);
			if (e > best) {
				best = e;
				bval = val;
			}
		}
		if (bval >= 0) {
			const char *lv = g->lexval[bval];
			if (all_digits(lv, strlen(lv)) && strlen(lv) < 10)
				return v_int(c->in->arena, atol(lv)); /* "första" → 1 */
			return v_cstr(c->in->arena, lv);
		}
	}
	return v_null(c->in->arena);
}

static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static value_t *int_of(act_ctx_t *c, int32_t node)
{
	if (node < 0)
		return v_null(c->in->arena);
	const cnode_t *x = &c->nodes[node];
	const token_t *v = c->in->toks->v;
	for (uint32_t p = x->start; p < x->end; p++) {
		if (v[p].kind != TK_NUM)
			continue;
		const char *s = c->in->text + v[p].off;
		long long r = 0;
		uint32_t i = 0;
		for (; i < v[p].len && s[i] >= '0' && s[i] <= '9'; i++)
			if (i < BESLUT_MAX_NUMBER_DIGITS)
				r = r * 10 + (s[i] - '0');
		/* a longer run of digits is no § number, count or ordinal */
		return i > BESLUT_MAX_NUMBER_DIGITS ? v_null(c->in->arena) : v_int(c->in->arena, r);
	}
	return v_null(c->in->arena);
}

static int num_of(const char *s, size_t n)
{
	int r = 0;
	for (size_t i = 0; i < n; i++)
		r = r * 10 + (s[i] - '0');
	return r;
}

static value_t *date_of(act_ctx_t *c, int32_t node)
{
	arena_t *a = c->in->arena;
	if (node < 0)
		return v_null(a);
	const grammar_t *g = c->g;
	const cnode_t *x = &c->nodes[node];
	const token_t *v = c->in->toks->v;
	const char *text = c->in->text;
	for (uint32_t p = x->start; p < x->end; p++) {
		if (v[p].kind != TK_NUM)
			continue;
		const char *s = text + v[p].off;
		uint32_t n = v[p].len;
		if (n == 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) && s[7] == '-' &&
		    all_digits(s + 8, 2)) {
			int mo = num_of(s + 5, 2), d = num_of(s + 8, 2);
			if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31)
				return v_str(a, s, 10);
			continue;
		}
		if (n <= 2 && all_digits(s, n) && g->class_month >= 0 && p + 1 < x->end) {
			/* a span of days, "16–17 juni 2020": the first day */
			uint32_t mp = p + 1;
			if (mp + 1 < x->end && v[mp].kind == TK_PUNCT && v[mp + 1].kind == TK_NUM && v[mp + 1].len <= 2 &&
			    (text[v[mp].off] == '-' || (v[mp].len == 3 && memcmp(text + v[mp].off, "\xe2\x80\x93", 3) == 0)))
				mp += 2;
			int32_t val = -1;
			uint32_t e = lex_longest(g, (uint32_t)g->class_month, v, mp, x->end, &val);
			if (e <= mp)
				continue;
			int has_year = e < x->end && v[e].kind == TK_NUM && v[e].len == 4 &&
			               all_digits(text + v[e].off, 4);
			const char *ms = g->lexval[val];
			int mo = all_digits(ms, strlen(ms)) && strlen(ms) <= 2 ? num_of(ms, strlen(ms)) : 0;
			int d = num_of(s, n);
			if (mo < 1 || mo > 12 || d < 1 || d > 31)
				continue;
			char out[16];
			if (!has_year) { /* "14 september": ISO 8601 month-day, the year is left open */
				snprintf(out, sizeof out, "--%02d-%02d", mo, d);
				return v_str(a, out, 7);
			}
			snprintf(out, sizeof out, "%.4s-%02d-%02d", text + v[e].off, mo, d);
			return v_str(a, out, 10);
		}
	}
	return v_null(a);
}

/* Upper-case ASCII and the Swedish/Latin-1 letters (two-byte UTF-8 à–þ). */
static void upper_utf8(buf_t *b)
{
	unsigned char *s = (unsigned char *)b->data;
	for (size_t i = 0; i < b->len; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] -= 32;
		else if (s[i] == 0xC3 && i + 1 < b->len && s[i + 1] >= 0xA0 && s[i + 1] <= 0xBE &&
		         s[i + 1] != 0xB7) {
			s[i + 1] -= 0x20;
			i++;
		}
	}
}

/* Is b a party code as the schema writes one: capitals (A-Z, Å, Ä, Ö),
 * digits and hyphens? */
static int code_shaped(const buf_t *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	if (!b->len)
		return 0;
	for (size_t i = 0; i < b->len; i++) {
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')
			continue;
		if (s[i] == 0xC3 && i + 1 < b->len && (s[i + 1] == 0x85 || s[i + 1] == 0x84 || s[i + 1] == 0x96)) {
			i++; /* U+00C5, U+00C4, U+00D6 */
			continue;
		}
		return 0;
	}
	return 1;
}

/* The party of a capture: the value of the party lexicon (whole span, else
 * the first entry inside); else the value of a lexicon class its pattern
 * names ("party:( @partyadj <groupword> )"); else its text upper-cased when
 * that is a code of capitals, digits and hyphens ("(XYZ)"); else null. */
static value_t *party_of(act_ctx_t *c, int32_t node)
{
	arena_t *a = c->in->arena;
	const grammar_t *g = c->g;
	const cnode_t *x = &c->nodes[node];
	const token_t *v = c->in->toks->v;
	const char *val = class_value(g, g->class_party, v, x->start, x->end, 1);
	if (!val)
		val = class_value(g, g->class_party, v, x->start, x->end, 0);
	uint64_t mask = x->name >= 0 ? g->capdefs[x->capdef].classes : 0;
	for (uint32_t k = 0; !val && k < g->nclasses && k < 64; k++)
		if (mask >> k & 1)
			val = class_value(g, (int)k, v, x->start, x->end, 0);
	if (val)
		return v_cstr(a, val);
	uint32_t s = x->start, e = x->end;
	while (s < e && v[s].kind == TK_PUNCT)
		s++;
	while (e > s && v[e - 1].kind == TK_PUNCT)
		e--;
	if (s >= e)
		return v_null(a);
	span_text(c->in, s, e, &c->sbuf);
	upper_utf8(&c->sbuf);
	if (!code_shaped(&c->sbuf))
		return v_null(a);
	return v_str(a, c->sbuf.data, c->sbuf.len);
}

static value_t *actor_of(act_ctx_t *c, int32_t node)
{
	arena_t *a = c->in->arena;
	const grammar_t *g = c->g;
	value_t *o = v_obj(a);
	int32_t nm = find_first(c, node, capid(g, g->rc.actor_name));
	int genitive = 0;
	if (nm < 0) {
		nm = find_first(c, node, capid(g, g->rc.actor_genitive));
		genitive = nm >= 0;
	}
	value_t *name;
	if (nm >= 0) {
		name = text_of(c, nm);
	} else {
		int structured = 0;
		for (int32_t y = c->nodes[node].first; y >= 0; y = c->nodes[y].next)
			structured |= !c->nodes[y].is_flag;
		name = structured ? v_null(a) : text_of(c, node);
	}
	v_set(a, o, "name", name);
	int32_t pt = find_first(c, node, capid(g, g->rc.actor_party));
	v_set(a, o, "party", pt >= 0 ? party_of(c, pt) : v_null(a));
	int32_t rl = find_first(c, node, capid(g, g->rc.actor_role));
	value_t *role = v_null(a);
	if (rl >= 0) {
		const char *rv = class_value(g, g->class_role, c->in->toks->v, c->nodes[rl].start,
		                             c->nodes[rl].end, 0);
		role = rv ? v_cstr(a, rv) : text_of(c, rl);
	}
	v_set(a, o, "role", role);
	if (genitive)
		v_set(a, o, "_genitive", v_bool(a, 1));
	return o;
}

/* Lower-cased actor name of an option/winner node into b; 0 if none. */
static int actor_key(act_ctx_t *c, int32_t node, buf_t *b)
{
	int32_t nm = find_first(c, node, capid(c->g, c->g->rc.actor_name));
	int gen = 0;
	if (nm < 0) {
		nm = find_first(c, node, capid(c->g, c->g->rc.actor_genitive));
		gen = nm >= 0;
	}
	if (nm < 0)
		return 0;
	lower_text(c, c->nodes[nm].start, c->nodes[nm].end, b);
	const char *ge = c->g->rc.genitive_ending;
	size_t gl = ge ? strlen(ge) : 0;
	if (gen && gl && b->len > gl && memcmp(b->data + b->len - gl, ge, gl) == 0) {
		b->len -= gl;
		b->data[b->len] = '\0';
	}
	return 1;
}

/* The canonical party of the first `party` capture below node (the
 * party lexicon's value: "moderaternas" → M), into b; 0 if none. */
static int party_key(act_ctx_t *c, int32_t node, buf_t *b)
{
	int32_t p = find_first(c, node, capid(c->g, c->g->rc.actor_party));
	if (p < 0)
		return 0;
	const value_t *v = party_of(c, p);
	buf_reset(b);
	if (v->k != V_STR)
		return 0;
	buf_add(b, v->u.s.s, v->u.s.n);
	buf_addc(b, '\0');
	b->len--;
	return 1;
}

static void label_key(act_ctx_t *c, int32_t node, buf_t *b)
{
	int32_t lb = find_first(c, node, capid(c->g, c->g->rc.option_label));
	if (lb < 0)
		lb = node;
	lower_text(c, c->nodes[lb].start, c->nodes[lb].end, b);
}

static value_t *option_index(act_ctx_t *c, int32_t scope, const expr_t *e)
{
	arena_t *a = c->in->arena;
	int32_t w = find_first(c, scope, e->args[1]->cap);
	if (w < 0)
		return v_null(a);
	int32_t standing = capid(c->g, c->g->rc.option_standing);
	int w_standing = standing >= 0 && find_first(c, w, standing) >= 0;
	buf_t wn = BUF_INIT, wl = BUF_INIT, en = BUF_INIT, el = BUF_INIT;
	int has_wn = actor_key(c, w, &wn);
	buf_t wp = BUF_INIT;
	int has_wp = party_key(c, w, &wp);
	label_key(c, w, &wl);
	size_t base = c->tmp_n, top = base;
	size_t k = elements(c, scope, e->args[0]->cap, &top);
	c->tmp_n = top;
	long long found = -1;
	for (size_t i = 0; i < k && found < 0; i++) {
		int32_t x = c->tmp[base + i];
		if (w_standing && find_first(c, x, standing) >= 0)
			found = (long long)i;
		else if (has_wn && actor_key(c, x, &en) && en.len == wn.len && memcmp(en.data, wn.data, en.len) == 0)
			found = (long long)i;
		else if (!has_wn && has_wp && !actor_key(c, x, &en) && party_key(c, x, &en) && en.len == wp.len &&
		         memcmp(en.data, wp.data, en.len) == 0)
			found = (long long)i; /* owned by a party: "Moderaternas förslag" */
		else {
			label_key(c, x, &el);
			if (el.len && el.len == wl.len && memcmp(el.data, wl.data, el.len) == 0)
				found = (long long)i;
		}
	}
	c->tmp_n = base;
	buf_release(&wn);
	buf_release(&wp);
	buf_release(&wl);
	buf_release(&en);
	buf_release(&el);
	return found >= 0 ? v_int(a, found) : v_null(a);
}

/* Display column of the middle of token p on its printed line (the
 * tokenizer's col, tokens_columns()), or -1 when unknown. */
static long token_column(const match_input_t *in, uint32_t p)
{
	col_src_t *cs = in->cols;
	if (cs && !cs->done) {
		tokens_columns(cs->toks, 0, cs->text, cs->orig, cs->origlen, cs->omap);
		cs->done = 1;
	}
	uint16_t c = in->toks->v[p].col;
	return c == TOK_COL_NONE ? -1 : (long)c;
}

/* column(x, h): the lexicon value of the token of capture h whose column
 * on its printed line is nearest to that of capture x's first token — a
 * mark under a table's column head ("Ja  Nej  Avstår" … "X").  h is looked
 * up in the element first, then in the whole match (the head is printed
 * once, above the rows).  null when either is missing, columns are
 * unknown, or the nearest head token has no lexicon value. */
static value_t *column_of(act_ctx_t *c, int32_t scope, const expr_t *e)
{
	arena_t *a = c->in->arena;
	int32_t x = find_first(c, scope, e->args[0]->cap);
	int32_t h = find_first(c, scope, e->args[1]->cap);
	if (h < 0)
		h = find_first(c, 0, e->args[1]->cap);
	if (x < 0 || h < 0 || c->nodes[x].start >= c->nodes[x].end)
		return v_null(a);
	long xc = token_column(c->in, c->nodes[x].start);
	if (xc < 0)
		return v_null(a);
	const grammar_t *g = c->g;
	const token_t *v = c->in->toks->v;
	uint64_t mask = g->capdefs[c->nodes[h].capdef].classes;
	if (!mask)
		mask = ~0ull;
	long best = -1;
	int32_t bval = -1;
	for (uint32_t p = c->nodes[h].start; p < c->nodes[h].end; p++) {
		int32_t val = -1;
		for (uint32_t k = 0; k < g->nclasses && val < 0; k++)
			if ((mask >> k & 1) && (v[p].classes >> k & 1))
				lex_longest(g, k, v, p, p + 1, &val);
		if (val < 0)
			continue;
		long d = token_column(c->in, p) - xc;
		if (d < 0)
			d = -d;
		if (best < 0 || d < best) {
			best = d;
			bval = val;
		}
	}
	return bval >= 0 ? v_cstr(a, g->lexval[bval]) : v_null(a);
}

static value_t *eval(act_ctx_t *c, const expr_t *e, int32_t scope);

static value_t *eval_obj(act_ctx_t *c, const expr_t *o, int32_t scope)
{
	/* the parser refuses a field set twice; keys live in the grammar */
	value_t *v = v_obj_n(c->in->arena, o->nf);
	for (size_t i = 0; i < o->nf; i++)
		v_put(c->in->arena, v, o->keys[i], eval(c, o->vals[i], scope));
	return v;
}

/* The capture a field reads: found in scope; in the body of an `each`,
 * also a capture of the whole match that lies in no element ("each p
 * att_sats { …, _from = value(pb) }" with pb in the heading before the
 * points). */
static int32_t find_field(act_ctx_t *c, int32_t scope, int32_t cap)
{
	int32_t x = find_first(c, scope, cap);
	if (x >= 0 || scope != c->each_node || scope <= 0)
		return x;
	x = find_first(c, 0, cap);
	for (int32_t y = x; y >= 0; y = c->nodes[y].parent)
		if (c->nodes[y].name == c->each_cap)
			return -1;
	return x;
}

static value_t *eval(act_ctx_t *c, const expr_t *e, int32_t scope)
{
	arena_t *a = c->in->arena;
	switch (e->k) {
	case EX_STR: return v_cstr(a, e->s);
	case EX_INT: return v_int(a, e->i);
	case EX_BOOL: return v_bool(a, (int)e->i);
	case EX_NULL: return v_null(a);
	case EX_OBJ: return eval_obj(c, e, scope);
	case EX_CAP: return text_of(c, find_field(c, scope, e->cap));
	case EX_CALL: break;
	}
	int32_t cap = e->nargs ? e->args[0]->cap : -1;
	switch (e->fn) {
	case FN_TEXT: return text_of(c, find_field(c, scope, cap));
	case FN_INT: return int_of(c, find_field(c, scope, cap));
	case FN_DATE: return date_of(c, find_field(c, scope, cap));
	case FN_VALUE: return value_of(c, find_field(c, scope, cap));
	case FN_LOWER: {
		int32_t x = find_field(c, scope, cap);
		if (x < 0)
			return v_null(a);
		lower_text(c, c->nodes[x].start, c->nodes[x].end, &c->sbuf);
		return v_str(a, c->sbuf.data, c->sbuf.len);
	}
	case FN_ACTOR: {
		int32_t x = find_field(c, scope, cap);
		return x < 0 ? v_null(a) : actor_of(c, x);
	}
	case FN_EXISTS: return v_bool(a, find_field(c, scope, cap) >= 0);
	case FN_COUNT: {
		size_t top = c->tmp_n;
		size_t k = find_all(c, scope, cap, &top);
		return v_int(a, (long long)k);
	}
	case FN_IF:
		return find_field(c, scope, cap) >= 0 ? eval(c, e->args[1], scope) : eval(c, e->args[2], scope);
	case FN_OPTION_INDEX: return option_index(c, scope, e);
	case FN_COLUMN: return column_of(c, scope, e);
	case FN_ACTORS:
	case FN_LIST: {
		size_t base = c->tmp_n, top = base;
		size_t k = e->fn == FN_ACTORS ? actor_elements(c, scope, cap, &top) : elements(c, scope, cap, &top);
		c->tmp_n = top;
		value_t *arr = v_arr(a);
		for (size_t i = 0; i < k; i++) {
			int32_t x = c->tmp[base + i];
			v_push(a, arr, e->fn == FN_ACTORS ? actor_of(c, x) : eval_obj(c, e->body, x));
		}
		c->tmp_n = base;
		return arr;
	}
	}
	return v_null(a);
}

static void span_bytes(const match_input_t *in, uint32_t s, uint32_t e, record_t *r)
{
	const token_t *v = in->toks->v;
	r->tok_start = s;
	r->tok_end = e;
	r->start = s < e ? v[s].off : (s < in->toks->n ? v[s].off : (uint32_t)in->len);
	r->end = s < e ? v[e - 1].off + v[e - 1].len : r->start;
}

void actions_run(act_ctx_t *c, const rule_t *r, recvec_t *out)
{
	c->tmp_n = 0;
	c->each_node = -1;
	for (size_t i = 0; i < r->nacts; i++) {
		const action_t *ac = &r->acts[i];
		if (!ac->each) {
			value_t *f = eval_obj(c, ac->obj, 0);
			record_t *rec = recvec_push(out);
			rec->type = ac->type;
			rec->rule = r->name;
			rec->merge = ac->merge;
			rec->fields = f;
			span_bytes(c->in, c->nodes[0].start, c->nodes[0].end, rec);
			continue;
		}
		size_t base = c->tmp_n, top = base;
		size_t k = elements(c, 0, ac->each_cap, &top);
		c->tmp_n = top;
		for (size_t j = 0; j < k; j++) {
			int32_t x = c->tmp[base + j];
			c->each_node = x;
			c->each_cap = c->nodes[x].name;
			value_t *f = eval_obj(c, ac->obj, x);
			c->each_node = -1;
			record_t *rec = recvec_push(out);
			rec->type = ac->type;
			rec->rule = r->name;
			rec->merge = ac->merge;
			rec->fields = f;
			span_bytes(c->in, c->nodes[x].start, c->nodes[x].end, rec);
		}
		c->tmp_n = base;
	}
}
