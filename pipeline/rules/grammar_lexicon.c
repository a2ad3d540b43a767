/*
 * grammar_lexicon.c — the grammar's symbols (lower-cased words and stems)
 * and its lexicons: TSV files loaded into one trie over symbols, looked up
 * longest-first (grammar_compile_int.h).
 */
#include "common/util.h"
#include "grammar_compile_int.h"

/* ------------------------------------------------------------- symbols */

uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
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
void symhash_spread(grammar_t *g)
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

uint32_t sym_intern(grammar_t *g, const char *s, size_t n)
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

uint32_t tnode_new(grammar_t *g)
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

/* Open lexicons/FILE for a declaration at loc: its index in c->src, or -1
 * after a diagnostic. */
static int lexicon_open(compile_t *c, const char *file, loc_t loc)
{
	buf_t path = BUF_INIT;
	const char *lexdir = c->lexdir ? c->lexdir : "lexicons";
	buf_printf(&path, "%s/%s", lexdir, file);
	if (!lexicon_confined(lexdir, file, path.data)) {
		diag_at(c, loc, 1, "lexicon file \"%s\" is outside the lexicon directory %s", file, lexdir);
		buf_release(&path);
		return -1;
	}
	int fi = src_add_file(c, path.data);
	if (fi < 0) {
		if (errno == ENODEV)
			diag_at(c, loc, 1, "cannot read lexicon file %s: not a regular file", path.data);
		else if (errno == EFBIG)
			diag_at(c, loc, 1, "cannot read lexicon file %s: larger than %u bytes", path.data,
			        BESLUT_GRAMMAR_MAX_FILE);
		else
			diag_at(c, loc, 1, "cannot read lexicon file %s: %s", path.data, strerror(errno));
	}
	buf_release(&path);
	return fi;
}

/* One line of a lexicon file: the entry [es, ee) and its value [vs, ve)
 * (empty: none), spaces trimmed; ls is the line's start. */
typedef struct lexline {
	size_t ls, es, ee, vs, ve;
} lexline_t;

/* The next entry line of s from *pos (the header, empty lines and
 * comments skipped); 0 at the end. */
static int lexicon_next(const gsrc_t *s, size_t *pos, lexline_t *l)
{
	const char *t = s->text;
	while (*pos < s->len) {
		size_t ls = *pos, le = ls;
		while (le < s->len && t[le] != '\n')
			le++;
		*pos = le + 1;
		if (ls == 0)
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
		*l = (lexline_t){ls, es, ee, vs, ve};
		return 1;
	}
	return 0;
}

/* Load lexicons/FILE into class cls.  Diagnostics point into the file. */
void load_lexicon(compile_t *c, grammar_t *g, uint32_t cls, const decl_t *d)
{
	int fi = lexicon_open(c, d->file, d->loc);
	if (fi < 0)
		return;
	const gsrc_t *s = &c->src[fi];
	tokens_t toks = TOKENS_INIT;
	const char *t = s->text;
	size_t pos = 0;
	lexline_t l;
	uint64_t bit = 1ull << cls;
	while (lexicon_next(s, &pos, &l)) {
		tokenize(t + l.es, l.ee - l.es, NULL, &toks);
		if (toks.n == 0) {
			diag_at(c, (loc_t){(uint32_t)fi, (uint32_t)l.ls}, 0, "empty lexicon entry ignored");
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
		g->lexval[g->nlexval] = l.ve > l.vs ? arena_strndup(&g->mem, t + l.vs, l.ve - l.vs)
		                                    : arena_strndup(&g->mem, t + l.es, l.ee - l.es);
		g->tnodes[node].value = (int32_t)g->nlexval++;
		g->classes[cls].nentries++;
	}
	tokens_release(&toks);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The words (word and number tokens) of the entries of lexicons/FILE,
 * lower-cased, sorted and distinct, in the grammar's arena. */
size_t load_word_list(compile_t *c, grammar_t *g, const char *file, loc_t loc, const char ***out)
{
	*out = NULL;
	int fi = lexicon_open(c, file, loc);
	if (fi < 0)
		return 0;
	const gsrc_t *s = &c->src[fi];
	tokens_t toks = TOKENS_INIT;
	const char **v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	lexline_t l;
	while (lexicon_next(s, &pos, &l)) {
		tokenize(s->text + l.es, l.ee - l.es, NULL, &toks);
		if (toks.n == 0)
			diag_at(c, (loc_t){(uint32_t)fi, (uint32_t)l.ls}, 0, "empty lexicon entry ignored");
		for (size_t k = 0; k < toks.n; k++) {
			const token_t *tk = &toks.v[k];
			if (tk->kind != TK_WORD && tk->kind != TK_NUM)
				continue;
			GROW(v, cap, n + 1);
			v[n++] = arena_strndup(&g->mem, tok_lower(&toks, tk), tk->lower_len);
		}
	}
	tokens_release(&toks);
	if (n > 1)
		qsort(v, n, sizeof *v, str_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || strcmp(v[i], v[u - 1]) != 0)
			v[u++] = v[i];
	const char **res = u ? arena_alloc(&g->mem, u * sizeof *res) : NULL;
	if (u)
		memcpy(res, v, u * sizeof *res);
	free(v);
	*out = res;
	return u;
}

int class_find(const grammar_t *g, const char *name)
{
	for (uint32_t i = 0; i < g->nclasses; i++)
		if (strcmp(g->classes[i].name, name) == 0)
			return (int)i;
	return -1;
}

int grammar_class_index(const grammar_t *g, const char *cls)
{
	return g && cls ? class_find(g, cls) : -1;
}

/* Whether tokenize() makes w[0..n) one token whose lower-cased form is w
 * itself: lower-case ASCII letters, digits and the lower-case letters of
 * U+00DF..U+00FF (not U+00F7), shorter than a token's longest run. */
static int plain_word(const char *w, size_t n)
{
	const unsigned char *p = (const unsigned char *)w;
	if (n == 0 || n >= BESLUT_MAX_TOKEN_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c == 0xC3 && i + 1 < n && p[i + 1] >= 0x9F && p[i + 1] <= 0xBF && p[i + 1] != 0xB7) {
			i++;
			continue;
		}
		return 0;
	}
	return 1;
}

const char *grammar_lexicon_value_at(const grammar_t *g, int ci, const char *word, size_t n)
{
	if (!g || ci < 0 || (uint32_t)ci >= g->nclasses || !word)
		return NULL;
	if (plain_word(word, n)) {
		/* one token, its lower-cased form the word: one step of the trie */
		int64_t ch = trie_child(g, g->classes[ci].root, sym_find(g, word, n));
		return ch >= 0 && g->tnodes[ch].value >= 0 ? g->lexval[g->tnodes[ch].value] : NULL;
	}
	tokens_t toks = TOKENS_INIT;
	tokenize(word, n, NULL, &toks);
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

const char *grammar_lexicon_value(const grammar_t *g, const char *cls, const char *word)
{
	int ci = class_find(g, cls);
	if (ci < 0 || !word)
		return NULL;
	return grammar_lexicon_value_at(g, ci, word, strlen(word));
}
