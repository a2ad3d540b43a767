/*
 * regex_fast.c — token regexes as position automata over classes of code
 * points (see regex_fast.h).
 *
 * Parsing follows the pattern's source: an alternation of sequences of
 * pieces, a piece an atom with an optional quantifier, an atom a
 * parenthesised alternation (capturing or `(?:`), a bracket class, an
 * escape (\d \w \s \h \v \N, their negations, \p{…} \P{…}, an escaped
 * punctuation character), `.` or one literal character.  Each atom read
 * is a new position; a counted piece is read again for each copy (x{2,4}
 * is x x x? x?, x{2,} is x x+).  The Glushkov sets (nullable, first, last,
 * follow) are built as the parser returns.  Anything else makes the
 * pattern PCRE2's.
 */
#include "regex_fast.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/util.h"

#define W_MAX (RXF_MAXPOS / 64)
#define LO_END 0x250u                   /* code points [0, LO_END) … */
#define HI_BEG 0x2000u                  /* … and [HI_BEG, HI_END) are in the table */
#define HI_END 0x2070u
#define NTAB (LO_END + (HI_END - HI_BEG))
#define MAXREP 64                       /* largest count in x{m,n} taken */

/* A pattern's automaton while it is built: position sets of w words */
typedef struct {
	uint32_t w, npos, nullable;
	uint32_t first, last, follow, atoms; /* offsets in the build pool */
} nfa_t;

/* … and as it is run: a DFA over the pattern's own classes of code
 * points (those its positions tell apart), state 0 dead, 1 the start. */
typedef struct {
	uint32_t ok;      /* 0: the pattern is PCRE2's */
	uint32_t nl;      /* its classes */
	uint32_t lmap;    /* offset in bytes: class of the table -> its class */
	uint32_t delta;   /* offset in bytes: [state * nl + class] -> state */
	uint32_t acc;     /* offset in bytes: [state] -> accepting */
} rxprog_t;

struct rxfast {
	uint32_t n, nfast, neq;
	rxprog_t *prog;
	uint8_t *bytes;
	size_t nbytes, bytes_cap;
	uint16_t eq[NTAB]; /* table index -> class */
};

typedef struct {
	char *src;
	size_t len;
	uint8_t caseless;
} atom_t;

typedef struct {
	atom_t *v;
	size_t n, cap;
} atoms_t;

typedef struct {
	uint64_t first[W_MAX], last[W_MAX];
	int nullable;
} frag_t;

typedef struct {
	const char *s;
	size_t i, n;
	uint8_t caseless;
	int fail;
	uint32_t npos;
	uint32_t patom[RXF_MAXPOS];
	uint64_t follow[RXF_MAXPOS][W_MAX];
	atoms_t *atoms;
} ps_t;

/* ------------------------------------------------------------ sets */

static void set_or(uint64_t *d, const uint64_t *a)
{
	for (int k = 0; k < W_MAX; k++)
		d[k] |= a[k];
}

static frag_t f_empty(void)
{
	frag_t f;
	memset(&f, 0, sizeof f);
	f.nullable = 1;
	return f;
}

/* every position of `from` is followed by every position of `to` */
static void link(ps_t *p, const uint64_t *from, const uint64_t *to)
{
	for (int k = 0; k < W_MAX; k++)
		for (uint64_t b = from[k]; b; b &= b - 1)
			set_or(p->follow[k * 64 + __builtin_ctzll(b)], to);
}

static frag_t f_cat(ps_t *p, const frag_t *a, const frag_t *b)
{
	frag_t f;
	link(p, a->last, b->first);
	memcpy(f.first, a->first, sizeof f.first);
	if (a->nullable)
		set_or(f.first, b->first);
	memcpy(f.last, b->last, sizeof f.last);
	if (b->nullable)
		set_or(f.last, a->last);
	f.nullable = a->nullable && b->nullable;
	return f;
}

static frag_t f_alt(const frag_t *a, const frag_t *b)
{
	frag_t f = *a;
	set_or(f.first, b->first);
	set_or(f.last, b->last);
	f.nullable = a->nullable || b->nullable;
	return f;
}

/* ---------------------------------------------------------- parsing */

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static uint32_t atom_id(ps_t *p, const char *s, size_t len)
{
	atoms_t *a = p->atoms;
	for (size_t k = 0; k < a->n; k++)
		if (a->v[k].len == len && a->v[k].caseless == p->caseless && memcmp(a->v[k].src, s, len) == 0)
			return (uint32_t)k;
	GROW(a->v, a->cap, a->n + 1);
	char *c = xmalloc(len + 1);
	memcpy(c, s, len);
	c[len] = '\0';
	a->v[a->n] = (atom_t){c, len, p->caseless};
	return (uint32_t)a->n++;
}

static frag_t f_atom(ps_t *p, size_t from, size_t to)
{
	frag_t f;
	memset(&f, 0, sizeof f);
	if (p->npos == RXF_MAXPOS || to > p->n || to <= from) {
		p->fail = 1;
		return f;
	}
	uint32_t x = p->npos++;
	p->patom[x] = atom_id(p, p->s + from, to - from);
	memset(p->follow[x], 0, sizeof p->follow[x]);
	f.first[x / 64] = f.last[x / 64] = 1ull << (x % 64);
	return f;
}

/* The end of the bracket class opening at p->i, or 0. */
static size_t class_end(const ps_t *p)
{
	const char *s = p->s;
	size_t j = p->i + 1, n = p->n;
	if (j < n && s[j] == '^')
		j++;
	if (j < n && s[j] == ']')
		j++;
	while (j < n) {
		if (s[j] == '\\') {
			if (j + 1 >= n || s[j + 1] == 'Q' || s[j + 1] == 'E')
				return 0;
			if ((s[j + 1] == 'p' || s[j + 1] == 'P' || s[j + 1] == 'x') && j + 2 < n && s[j + 2] == '{') {
				const char *e = memchr(s + j + 2, '}', n - j - 2);
				if (!e)
					return 0;
				j = (size_t)(e - s) + 1;
			} else {
				j += 1 + utf8_len((unsigned char)s[j + 1]);
			}
			continue;
		}
		if (s[j] == '[' && j + 1 < n && s[j + 1] == ':') {
			const char *e = strstr(s + j + 2, ":]");
			if (!e || (size_t)(e - s) >= n)
				return 0;
			j = (size_t)(e - s) + 2;
			continue;
		}
		if (s[j] == ']')
			return j + 1;
		j += utf8_len((unsigned char)s[j]);
	}
	return 0;
}

static frag_t p_alt(ps_t *p);

static frag_t p_atom(ps_t *p)
{
	const char *s = p->s;
	size_t i = p->i;
	frag_t f = f_empty();
	unsigned char c = (unsigned char)s[i];
	if (c == '(') {
		p->i++;
		if (p->i < p->n && s[p->i] == '?') {
			if (p->i + 1 < p->n && s[p->i + 1] == ':')
				p->i += 2;
			else
				p->fail = 1;
		}
		if (p->fail)
			return f;
		f = p_alt(p);
		if (p->i >= p->n || s[p->i] != ')')
			p->fail = 1;
		else
			p->i++;
		return f;
	}
	size_t e = 0;
	if (c == '[') {
		e = class_end(p);
	} else if (c == '\\') {
		unsigned char d = i + 1 < p->n ? (unsigned char)s[i + 1] : 0;
		if (d && strchr("dDwWsShHvVN", d)) {
			e = i + 2;
		} else if (d == 'p' || d == 'P') {
			if (i + 2 < p->n && s[i + 2] == '{') {
				const char *q = memchr(s + i + 2, '}', p->n - i - 2);
				e = q ? (size_t)(q - s) + 1 : 0;
			} else {
				e = i + 3;
			}
		} else if (d >= ' ' && d < 0x7f && !(d >= '0' && d <= '9') && !(d >= 'a' && d <= 'z') &&
		           !(d >= 'A' && d <= 'Z')) {
			e = i + 2; /* an escaped punctuation character */
		}
	} else if (c == '.' || !strchr("^$|)*+?{}]", c)) {
		e = i + utf8_len(c);
	}
	if (!e) {
		p->fail = 1;
		return f;
	}
	p->i = e;
	return f_atom(p, i, e);
}

/* A quantifier at p->i: 1 with its bounds (max -1: none), or 0. */
static int p_quant(ps_t *p, int *min, int *max)
{
	const char *s = p->s;
	size_t i = p->i;
	if (i >= p->n)
		return 0;
	switch (s[i]) {
	case '?': *min = 0, *max = 1, i++; break;
	case '*': *min = 0, *max = -1, i++; break;
	case '+': *min = 1, *max = -1, i++; break;
	case '{': {
		size_t j = i + 1;
		long a = 0, b;
		if (j >= p->n || s[j] < '0' || s[j] > '9')
			return p->fail = 1, 0; /* PCRE2 reads it as a literal: left to PCRE2 */
		while (j < p->n && s[j] >= '0' && s[j] <= '9' && a <= MAXREP)
			a = a * 10 + (s[j++] - '0');
		b = a;
		if (j < p->n && s[j] == ',') {
			j++;
			b = -1;
			if (j < p->n && s[j] >= '0' && s[j] <= '9') {
				b = 0;
				while (j < p->n && s[j] >= '0' && s[j] <= '9' && b <= MAXREP)
					b = b * 10 + (s[j++] - '0');
			}
		}
		if (j >= p->n || s[j] != '}' || a > MAXREP || b > MAXREP || (b >= 0 && b < a))
			return p->fail = 1, 0;
		*min = (int)a, *max = (int)b;
		i = j + 1;
		break;
	}
	default: return 0;
	}
	if (i < p->n && s[i] == '+')
		return p->fail = 1, 0; /* possessive */
	if (i < p->n && s[i] == '?')
		i++; /* lazy: the same whole-text matches */
	p->i = i;
	return 1;
}

static frag_t p_piece(ps_t *p)
{
	size_t at = p->i;
	frag_t a = p_atom(p);
	int min = 1, max = 1;
	if (p->fail || !p_quant(p, &min, &max) || p->fail)
		return a;
	size_t after = p->i;
	/* copy k of the atom: the first one is read already */
	int copies = max < 0 ? (min > 0 ? min : 1) : max;
	frag_t f = f_empty();
	for (int k = 0; k < copies && !p->fail; k++) {
		frag_t c = a;
		if (k > 0) {
			p->i = at;
			c = p_atom(p);
		}
		if (max < 0 && k == copies - 1) {
			link(p, c.last, c.first); /* x* and the last x of x{m,} */
			if (min == 0)
				c.nullable = 1;
		} else if (k >= min) {
			c.nullable = 1; /* x? */
		}
		f = f_cat(p, &f, &c);
	}
	p->i = after;
	return f;
}

static frag_t p_seq(ps_t *p)
{
	frag_t f = f_empty();
	while (!p->fail && p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
		frag_t g = p_piece(p);
		f = f_cat(p, &f, &g);
	}
	return f;
}

static frag_t p_alt(ps_t *p)
{
	frag_t f = p_seq(p);
	while (!p->fail && p->i < p->n && p->s[p->i] == '|') {
		p->i++;
		frag_t g = p_seq(p);
		f = f_alt(&f, &g);
	}
	return f;
}

/* ----------------------------------------------------------- building */

typedef struct {
	uint64_t *v;
	size_t n, cap;
} pool_t;

static uint32_t pool_take(pool_t *p, size_t words)
{
	if (p->cap < p->n + words)
		GROW(p->v, p->cap, p->n + words);
	memset(p->v + p->n, 0, words * sizeof *p->v);
	uint32_t at = (uint32_t)p->n;
	p->n += words;
	return at;
}

static uint32_t bytes_take(rxfast_t *f, size_t n)
{
	if (f->bytes_cap < f->nbytes + n)
		GROW(f->bytes, f->bytes_cap, f->nbytes + n);
	memset(f->bytes + f->nbytes, 0, n);
	uint32_t at = (uint32_t)f->nbytes;
	f->nbytes += n;
	return at;
}

#define MAXSTATES 255 /* DFA states of one pattern (a byte each) */

/* The DFA of pattern pr (positions accepting each table class in B, neq
 * rows of pr->w words): subset construction from the start state, the
 * pattern's classes first.  0 when it needs more than MAXSTATES states
 * or 255 classes. */
static int dfa_build(rxfast_t *f, rxprog_t *out, const nfa_t *pr, const uint64_t *pool, const uint64_t *B)
{
	uint32_t w = pr->w, neq = f->neq;
	/* the pattern's classes: table classes with the same positions */
	uint8_t *lmap = xmalloc(neq + 1);
	uint32_t *lrep = xmalloc((neq + 1) * sizeof *lrep), nl = 0, ok = 1;
	for (uint32_t e = 0; e < neq && ok; e++) {
		uint32_t l = 0;
		while (l < nl && memcmp(B + (size_t)lrep[l] * w, B + (size_t)e * w, w * sizeof *B) != 0)
			l++;
		if (l == nl) {
			if (nl == 255)
				ok = 0;
			lrep[nl++] = e;
		}
		lmap[e] = (uint8_t)l;
	}
	/* states: position sets; 0 the empty set, 1 the start (no position,
	 * told apart by its index) */
	uint64_t *st = xcalloc((size_t)(MAXSTATES + 1) * w, sizeof *st);
	uint8_t *delta = xcalloc((size_t)(MAXSTATES + 1) * nl, 1), *acc = xcalloc(MAXSTATES + 1, 1);
	uint32_t ns = 2;
	acc[1] = (uint8_t)pr->nullable;
	uint64_t t[W_MAX];
	for (uint32_t q = 1; q < ns && ok; q++)
		for (uint32_t l = 0; l < nl && ok; l++) {
			const uint64_t *b = B + (size_t)lrep[l] * w;
			uint64_t any = 0;
			if (q == 1) {
				for (uint32_t k = 0; k < w; k++)
					any |= t[k] = pool[pr->first + k] & b[k];
			} else {
				memset(t, 0, sizeof t);
				for (uint32_t k = 0; k < w; k++)
					for (uint64_t x = st[(size_t)q * w + k]; x; x &= x - 1) {
						const uint64_t *fo = pool + pr->follow + (size_t)(k * 64 + (uint32_t)__builtin_ctzll(x)) * w;
						for (uint32_t j = 0; j < w; j++)
							t[j] |= fo[j];
					}
				for (uint32_t k = 0; k < w; k++)
					any |= t[k] &= b[k];
			}
			uint32_t to = 0;
			if (any) {
				for (to = 2; to < ns; to++)
					if (memcmp(st + (size_t)to * w, t, w * sizeof *t) == 0)
						break;
				if (to == ns) {
					if (ns > MAXSTATES) {
						ok = 0;
						break;
					}
					memcpy(st + (size_t)ns * w, t, w * sizeof *t);
					uint64_t a = 0;
					for (uint32_t k = 0; k < w; k++)
						a |= t[k] & pool[pr->last + k];
					acc[ns++] = a != 0;
				}
			}
			delta[(size_t)q * nl + l] = (uint8_t)to;
		}
	if (ok) {
		out->ok = 1;
		out->nl = nl;
		out->lmap = bytes_take(f, neq);
		memcpy(f->bytes + out->lmap, lmap, neq);
		out->delta = bytes_take(f, (size_t)ns * nl);
		memcpy(f->bytes + out->delta, delta, (size_t)ns * nl);
		out->acc = bytes_take(f, ns);
		memcpy(f->bytes + out->acc, acc, ns);
	}
	free(st);
	free(delta);
	free(acc);
	free(lmap);
	free(lrep);
	return (int)ok;
}

static uint32_t tab_cp(uint32_t t)
{
	return t < LO_END ? t : HI_BEG + (t - LO_END);
}

/* Which table code points each atom accepts, asked of PCRE2: bit a of
 * mem[t * aw] for atom a and table index t.  0 when an atom does not
 * compile alone. */
static int atoms_eval(const atoms_t *at, uint64_t *mem, size_t aw)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int ok = 1;
	for (size_t a = 0; a < at->n && ok; a++) {
		int err;
		PCRE2_SIZE eoff;
		uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED;
		if (at->v[a].caseless)
			opts |= PCRE2_CASELESS;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)at->v[a].src, at->v[a].len, opts, &err, &eoff, NULL);
		if (!re) {
			ok = 0;
			break;
		}
		for (uint32_t t = 0; t < NTAB; t++) {
			char b[4];
			int bl = utf8_encode(tab_cp(t), b);
			if (pcre2_match(re, (PCRE2_SPTR)b, (PCRE2_SIZE)bl, 0, 0, md, NULL) >= 0)
				mem[t * aw + a / 64] |= 1ull << (a % 64);
		}
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	return ok;
}

rxfast_t *rxfast_new(const char *const *src, const uint8_t *caseless, uint32_t n)
{
	rxfast_t *f = xcalloc(1, sizeof *f);
	f->n = n;
	f->prog = xcalloc(n + 1, sizeof *f->prog);
	atoms_t atoms = {0};
	pool_t pool = {0};
	nfa_t *nfa = xcalloc(n + 1, sizeof *nfa);
	ps_t *p = xmalloc(sizeof *p);
	/* 1. parse each pattern into its position automaton */
	for (uint32_t r = 0; r < n; r++) {
		memset(p, 0, offsetof(ps_t, patom));
		p->s = src[r];
		p->n = strlen(src[r]);
		p->caseless = caseless[r];
		p->atoms = &atoms;
		frag_t fr = p_alt(p);
		if (p->fail || p->i != p->n || p->npos == 0)
			continue;
		nfa_t *a = &nfa[r];
		a->w = (p->npos + 63) / 64;
		a->npos = p->npos;
		a->nullable = (uint32_t)fr.nullable;
		a->first = pool_take(&pool, a->w);
		memcpy(pool.v + a->first, fr.first, a->w * sizeof *pool.v);
		a->last = pool_take(&pool, a->w);
		memcpy(pool.v + a->last, fr.last, a->w * sizeof *pool.v);
		a->follow = pool_take(&pool, (size_t)p->npos * a->w);
		for (uint32_t x = 0; x < p->npos; x++)
			memcpy(pool.v + a->follow + (size_t)x * a->w, p->follow[x], a->w * sizeof *pool.v);
		a->atoms = pool_take(&pool, p->npos);
		for (uint32_t x = 0; x < p->npos; x++)
			pool.v[a->atoms + x] = p->patom[x];
	}
	free(p);
	/* 2. the code points every atom treats alike are one class */
	size_t aw = (atoms.n + 63) / 64 + 1;
	uint64_t *mem = xcalloc((size_t)NTAB * aw, sizeof *mem);
	int ok = atoms_eval(&atoms, mem, aw);
	uint32_t *rep = xmalloc(NTAB * sizeof *rep); /* a table index of each class */
	f->neq = 0;
	for (uint32_t t = 0; t < NTAB && ok; t++) {
		uint32_t e = 0;
		while (e < f->neq && memcmp(mem + (size_t)rep[e] * aw, mem + (size_t)t * aw, aw * sizeof *mem) != 0)
			e++;
		if (e == f->neq)
			rep[f->neq++] = t;
		f->eq[t] = (uint16_t)e;
	}
	/* 3. each pattern's positions accepting each class, and its DFA */
	uint64_t *B = NULL;
	size_t bcap = 0;
	for (uint32_t r = 0; r < n && ok; r++) {
		const nfa_t *a = &nfa[r];
		if (!a->w)
			continue;
		GROW(B, bcap, (size_t)f->neq * a->w + 1);
		memset(B, 0, ((size_t)f->neq * a->w + 1) * sizeof *B);
		for (uint32_t e = 0; e < f->neq; e++)
			for (uint32_t x = 0; x < a->npos; x++) {
				uint64_t at = pool.v[a->atoms + x];
				if (mem[(size_t)rep[e] * aw + at / 64] >> (at % 64) & 1)
					B[(size_t)e * a->w + x / 64] |= 1ull << (x % 64);
			}
		f->nfast += (uint32_t)dfa_build(f, &f->prog[r], a, pool.v, B);
	}
	free(B);
	free(rep);
	free(mem);
	free(nfa);
	free(pool.v);
	for (size_t a = 0; a < atoms.n; a++)
		free(atoms.v[a].src);
	free(atoms.v);
	return f;
}

void rxfast_free(rxfast_t *f)
{
	if (!f)
		return;
	free(f->prog);
	free(f->bytes);
	free(f);
}

int rxfast_has(const rxfast_t *f, uint32_t r)
{
	return f && r < f->n && f->prog[r].ok;
}

uint32_t rxfast_count(const rxfast_t *f)
{
	return f ? f->nfast : 0;
}

/* ----------------------------------------------------------- matching */

int rxfast_classes(const rxfast_t *f, const unsigned char *s, size_t len, uint16_t *cls)
{
	int n = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c = s[i], t;
		if (c < 0x80) {
			t = c;
			i++;
		} else if ((c & 0xe0) == 0xc0 && i + 1 < len && (s[i + 1] & 0xc0) == 0x80 && c >= 0xc2) {
			t = (c & 0x1f) << 6 | (s[i + 1] & 0x3f);
			if (t >= LO_END)
				return -1;
			i += 2;
		} else if ((c & 0xf0) == 0xe0 && i + 2 < len && (s[i + 1] & 0xc0) == 0x80 &&
		           (s[i + 2] & 0xc0) == 0x80) {
			uint32_t cp = (c & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
			if (cp < HI_BEG || cp >= HI_END)
				return -1;
			t = LO_END + (cp - HI_BEG);
			i += 3;
		} else {
			return -1;
		}
		cls[n++] = f->eq[t];
	}
	return n;
}

int rxfast_match(const rxfast_t *f, uint32_t r, const uint16_t *cls, int nch)
{
	const rxprog_t *pr = &f->prog[r];
	const uint8_t *lm = f->bytes + pr->lmap, *dl = f->bytes + pr->delta;
	uint32_t q = 1, nl = pr->nl;
	for (int k = 0; k < nch; k++) {
		q = dl[q * nl + lm[cls[k]]];
		if (!q)
			return 0;
	}
	return nch >= 0 && f->bytes[pr->acc + q];
}
