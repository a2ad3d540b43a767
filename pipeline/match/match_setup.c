/*
 * match_setup.c — a matcher's tables, built once from the grammar when the
 * matcher is made (match_int.h): prefilter maps, families of rules with a
 * shared prefix, required-token filters, the quick answers of regexes; and
 * the per-rule statistics printed when it is freed.
 */
#include "match_int.h"

/* A memo slot for each predicate worth remembering per token: every
 * predicate a rule, a trigger, a guard or a token set tests directly,
 * unless it is a leaf cheaper than the memo (a symbol, stem, kind or flag
 * compare). */
static void pm_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint32_t next = 0;
	m->pmid = xmalloc((g->npreds + 1) * sizeof *m->pmid);
	for (uint32_t p = 0; p <= g->npreds; p++)
		m->pmid[p] = UINT32_MAX;
#define PM_MARK(p_)                                                                   \
	do {                                                                              \
		uint32_t p__ = (p_);                                                          \
		uint8_t op__ = g->preds[p__].op;                                              \
		if (m->pmid[p__] == UINT32_MAX && op__ != PR_LIT && op__ != PR_STEM &&        \
		    op__ != PR_KIND && op__ != PR_TFLAG && op__ != PR_ANY &&                   \
		    !(op__ == PR_NOT && g->preds[g->preds[p__].a].op == PR_LIT))              \
			m->pmid[p__] = next++;                                                    \
	} while (0)
	for (uint32_t q = 0; q < g->ncode; q++)
		if (g->code[q].op == OP_PRED)
			PM_MARK(g->code[q].a);
	for (uint32_t q = 0; q < g->nguardv; q++)
		if (g->guardv[q].op == OP_PRED)
			PM_MARK(g->guardv[q].a);
	for (uint32_t k = 0; k < g->ntoksets; k++)
		for (uint32_t q = 0; q < g->toksets[k].npred; q++)
			PM_MARK(g->tsv[g->toksets[k].pred + q]);
#undef PM_MARK
	m->pmw = (next + 63) / 64;
	m->tsw = (g->ntoksets + 63) / 64;
	m->sgw = 2 * m->pmw;
	/* the flags read by predicates and by the prefilter */
	uint32_t fl = g->rix.flag_used;
	int text = 0;
	for (uint32_t p = 0; p < g->npreds; p++) {
		fl |= g->preds[p].rflags;
		if (g->preds[p].op == PR_TFLAG)
			fl |= g->preds[p].a;
		if (g->preds[p].op == PR_REGEX)
			text = 1;
	}
	m->sig_flags = fl;
	m->sig_text = text;
	if (text) {
		m->symrx = xcalloc((size_t)g->nsyms + 2, sizeof *m->symrx);
		m->symsig = xcalloc((size_t)g->nsyms + 2, sizeof *m->symsig);
	}
}

/* Rules with the same required-token filters share one answer per token. */
static void fl_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	m->rfl = xmalloc((g->nrules + 1) * sizeof *m->rfl);
	m->rgrp = xmalloc((g->nrules + 1) * sizeof *m->rgrp);
	for (uint32_t r = 0; r < g->nrules; r++)
		m->rgrp[r] = g->rules[r].group;
	m->nfl = 0;
	for (uint32_t r = 0; r < g->nrules; r++) {
		const rule_t *x = &g->rules[r];
		uint32_t id = m->nfl;
		for (uint32_t o = 0; o < r && id == m->nfl; o++) {
			const rule_t *y = &g->rules[o];
			if (y->nfilt == x->nfilt &&
			    (x->nfilt == 0 || (memcmp(g->rfilt + y->filt, g->rfilt + x->filt,
			                              x->nfilt * sizeof *g->rfilt) == 0 &&
			                       memcmp(g->rfcj + y->filt, g->rfcj + x->filt, x->nfilt) == 0)))
				id = m->rfl[o];
		}
		if (id == m->nfl)
			m->nfl++;
		m->rfl[r] = id;
	}
	m->lfilt = xcalloc(2 * ((size_t)m->nfl + 1), sizeof *m->lfilt);
	for (uint32_t r = 0; r < g->nrules; r++) {
		m->lfilt[2 * m->rfl[r]] = g->rules[r].filt;
		m->lfilt[2 * m->rfl[r] + 1] = g->rules[r].nfilt;
	}
	uint32_t *rg = xmalloc(2 * ((size_t)g->nrules + 1) * sizeof *rg);
	for (uint32_t r = 0; r < g->nrules; r++) {
		rg[2 * r] = m->rgrp[r];
		rg[2 * r + 1] = m->rfl[r];
	}
	free(m->rgrp);
	m->rgrp = rg;
	m->lskip = xcalloc(m->nfl + 1, sizeof *m->lskip);
	m->lstamp = xcalloc(m->nfl + 1, sizeof *m->lstamp);
	m->lres = xcalloc(m->nfl + 1, 1);
	m->ldead = xcalloc(m->nfl + 1, 1);
}

/* Which lengths plen may rule r's shared prefix P have (see "Shared
 * prefixes")?  ok[plen] = 1 when P does not end the rule, a SPLIT in it
 * tries a branch in it first (its inline test is then P's own), and
 * nothing after it leads back into it.  Rules with registers: none. */
static void fam_lengths(const grammar_t *g, const rule_t *r, uint8_t *ok)
{
	uint32_t nc = r->ncode;
	memset(ok, 0, nc);
	if (r->nregs)
		return;
	/* from the end: the smallest target of the instructions at or after k */
	uint32_t lo = UINT32_MAX;
	for (uint32_t k = nc; k-- > 0;) {
		const insn_t *x = &g->code[r->entry + k];
		if (x->op == OP_SPLIT) {
			uint32_t t = x->a < x->b ? x->a : x->b;
			if (t - r->entry < lo)
				lo = t - r->entry;
		} else if (x->op == OP_JMP && x->a - r->entry < lo) {
			lo = x->a - r->entry;
		}
		ok[k] = lo >= k;
	}
	/* from the start: no MATCH in P, every first branch within it */
	ok[0] = 0;
	uint32_t amax = 0;
	int end = 0;
	for (uint32_t k = 0; k + 1 < nc; k++) {
		const insn_t *x = &g->code[r->entry + k];
		if (x->op == OP_MATCH)
			end = 1;
		if (x->op == OP_SPLIT && x->a - r->entry > amax)
			amax = x->a - r->entry;
		if (end || amax >= k + 1)
			ok[k + 1] = 0;
	}
}

typedef struct fpair {
	uint32_t a, b, len, w; /* rules a < b, prefix instructions, their weight */
} fpair_t;

static int fpair_cmp(const void *x, const void *y)
{
	const fpair_t *p = x, *q = y;
	if (p->w != q->w)
		return p->w > q->w ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return (p->a > q->a) - (p->a < q->a);
}

/* The weight of each rule's first k instructions at pw[entry + k]: one
 * per instruction, a call the instructions of its subroutine (the work a
 * prefix stands for is that of its code inlined). */
static uint32_t *prefix_weights(const grammar_t *g)
{
	uint32_t *pw = xmalloc(((size_t)g->ncode + 1) * sizeof *pw);
	for (uint32_t r = 0; r < g->nrules; r++) {
		const rule_t *x = &g->rules[r];
		uint32_t acc = 0;
		for (uint32_t k = 0; k < x->ncode; k++) {
			pw[x->entry + k] = acc;
			acc += insn_weight(g, &g->code[x->entry + k]);
		}
	}
	return pw;
}

/* The families: every rule starts alone; pairs of rules with a shared
 * opening, longest usable prefix first, merge their families over the
 * prefix all members can use, when that saves more (prefix weight times
 * the members but one) than the two families apart. */
static void fam_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint32_t nr = g->nrules;
	m->rfam = xmalloc((nr + 1) * sizeof *m->rfam);
	uint8_t *ok = xcalloc(g->ncode + 1, 1);
	uint32_t *pw = prefix_weights(g);
#define W(r_, l_) pw[g->rules[r_].entry + (l_)]
	uint32_t *rf = xmalloc((nr + 1) * sizeof *rf), *flen = xmalloc((nr + 1) * sizeof *flen);
	uint32_t *fcnt = xmalloc((nr + 1) * sizeof *fcnt);
	for (uint32_t r = 0; r < nr; r++) {
		rf[r] = r;
		flen[r] = UINT32_MAX;
		fcnt[r] = 1;
		fam_lengths(g, &g->rules[r], ok + g->rules[r].entry);
	}
	fpair_t *pv = NULL;
	size_t np = 0, pcap = 0;
	for (uint32_t r = 0; r < nr; r++) {
		const rule_t *x = &g->rules[r];
		if (x->nopen == 0) /* g->opens is NULL when no rule has one */
			continue;
		const opening_t *o = g->opens + x->open;
		for (uint32_t q = 0; q < x->nopen; q++) {
			const rule_t *y = &g->rules[o[q].rule];
			uint32_t l = o[q].len;
			if (l + 1 > x->ncode)
				l = x->ncode - 1;
			if (l + 1 > y->ncode)
				l = y->ncode - 1;
			while (l > 0 && W(r, l) >= FAM_MIN && !(ok[x->entry + l] && ok[y->entry + l]))
				l--;
			if (W(r, l) < FAM_MIN || !(ok[x->entry + l] && ok[y->entry + l]))
				continue;
			GROW(pv, pcap, np + 1);
			pv[np++] = (fpair_t){o[q].rule, r, l, W(r, l)};
		}
	}
	if (np)
		qsort(pv, np, sizeof *pv, fpair_cmp);
	for (size_t k = 0; k < np; k++) {
		uint32_t fa = rf[pv[k].a], fb = rf[pv[k].b];
		if (fa == fb)
			continue;
		uint32_t l = pv[k].len;
		if (flen[fa] < l)
			l = flen[fa];
		if (flen[fb] < l)
			l = flen[fb];
		uint64_t apart = 0, merged = (uint64_t)W(fa, l) * (fcnt[fa] + fcnt[fb] - 1);
		if (fcnt[fa] > 1)
			apart += (uint64_t)W(fa, flen[fa]) * (fcnt[fa] - 1);
		if (fcnt[fb] > 1)
			apart += (uint64_t)W(fb, flen[fb]) * (fcnt[fb] - 1);
		if (merged <= apart)
			continue;
		uint32_t r = 0;
		while (r < nr && !((rf[r] == fa || rf[r] == fb) && !ok[g->rules[r].entry + l]))
			r++;
		if (r < nr)
			continue;
		for (r = 0; r < nr; r++)
			if (rf[r] == fb)
				rf[r] = fa;
		flen[fa] = l;
		fcnt[fa] += fcnt[fb];
	}
	/* number the families of more than one rule */
	uint32_t *id = xmalloc((nr + 1) * sizeof *id), *len = xmalloc((nr + 1) * sizeof *len);
	for (uint32_t r = 0; r < nr; r++)
		id[r] = FAM_NONE;
	for (uint32_t r = 0; r < nr; r++) {
		uint32_t f = rf[r];
		if (fcnt[f] < 2)
			continue;
		if (id[f] == FAM_NONE) {
			id[f] = m->nfam;
			len[m->nfam++] = flen[f];
		}
		m->rfam[r] = id[f];
	}
	for (uint32_t r = 0; r < nr; r++)
		if (fcnt[rf[r]] < 2)
			m->rfam[r] = FAM_NONE;
	free(id);
	free(fcnt);
	free(rf);
	free(flen);
	flen = len;
	m->fam = xcalloc(m->nfam + 1, sizeof *m->fam);
	for (uint32_t f = 0; f < m->nfam; f++)
		m->fam[f].len = flen[f];
	if (getenv("BESLUT_FAMILIES")) {
		for (uint32_t f = 0; f < m->nfam; f++) {
			fprintf(stderr, "family %u (%u instructions):", f, flen[f]);
			for (uint32_t r = 0; r < g->nrules; r++)
				if (m->rfam[r] == f)
					fprintf(stderr, " %s", g->rules[r].name);
			fprintf(stderr, "\n");
		}
	}
	free(flen);
	free(pv);
	free(ok);
	free(pw);
#undef W
}

/* Can rule r match at token i as far as its filters can tell? */

/* The bytes a match of a regex can begin and end with (see
 * rx_quick_init), from its source: a small parser of the patterns' common
 * forms (literals, escapes of punctuation, \d, \w, \p{..}, simple classes,
 * groups, alternations and quantifiers) that gives up on anything else.
 * Sets are over-approximations: a caseless letter brings its other ASCII
 * case, k and s under caseless matching (they fold to characters beyond
 * ASCII) every byte from 0x80, a character beyond ASCII its first and last
 * byte (every byte under caseless matching), \d, \w and \p{L}, \p{Lu},
 * \p{Ll} their ASCII members and every byte from 0x80, another property
 * or `.` every byte.  rx_ends returns 0 when it gave up (every byte). */
typedef struct rxp {
	const char *s;
	int caseless, bad;
} rxp_t;

typedef struct rxb {
	uint8_t first[32], last[32];
	int nullable;
} rxb_t;

static void rxb_all(uint8_t *map)
{
	memset(map, 0xff, 32);
}

static void rxb_high(uint8_t *map)
{
	memset(map + 16, 0xff, 16);
}

static void rxb_ascii(const rxp_t *p, uint8_t *map, unsigned c)
{
	map[c >> 3] |= (uint8_t)(1u << (c & 7));
	unsigned lower = c | 0x20;
	if (p->caseless && lower >= 'a' && lower <= 'z') {
		map[(c ^ 0x20) >> 3] |= (uint8_t)(1u << ((c ^ 0x20) & 7));
		if (lower == 'k' || lower == 's')
			rxb_high(map);
	}
}

static void rxb_range(const rxp_t *p, uint8_t *map, unsigned lo, unsigned hi)
{
	for (unsigned x = lo; x <= hi; x++)
		rxb_ascii(p, map, x);
}

/* The escape after a backslash at p->s: the characters it matches, into
 * map; 0 when not understood. */
static int rxb_escape(rxp_t *p, uint8_t *map)
{
	unsigned char e = (unsigned char)*p->s;
	if (e == 'd' || e == 'w') {
		rxb_range(p, map, '0', '9');
		if (e == 'w') {
			rxb_range(p, map, 'A', 'Z');
			rxb_range(p, map, 'a', 'z');
			rxb_ascii(p, map, '_');
		}
		rxb_high(map);
		p->s++;
		return 1;
	}
	if (e == 'p') {
		const char *name = p->s + 2, *end = p->s[1] == '{' ? strchr(name, '}') : NULL;
		if (!end)
			return 0;
		size_t k = (size_t)(end - name);
		int upper = k == 2 && name[0] == 'L' && name[1] == 'u';
		int lower = k == 2 && name[0] == 'L' && name[1] == 'l';
		if ((k == 1 && name[0] == 'L') || ((upper || lower) && p->caseless)) {
			rxb_range(p, map, 'A', 'Z');
			rxb_range(p, map, 'a', 'z');
		} else if (upper) {
			rxb_range(p, map, 'A', 'Z');
		} else if (lower) {
			rxb_range(p, map, 'a', 'z');
		} else {
			rxb_all(map);
		}
		rxb_high(map);
		p->s = end + 1;
		return 1;
	}
	if (e && e < 0x80 && !((e | 0x20) >= 'a' && (e | 0x20) <= 'z') && !(e >= '0' && e <= '9')) {
		rxb_ascii(p, map, e);
		p->s++;
		return 1;
	}
	return 0;
}

/* A class [...] at p->s: its characters into map. */
static void rxb_class(rxp_t *p, uint8_t *map)
{
	p->s++;
	if (*p->s == '^' || *p->s == ']') {
		p->bad = 1;
		return;
	}
	while (*p->s && *p->s != ']') {
		unsigned char a = (unsigned char)*p->s;
		if (a == '[') {
			p->bad = 1;
			return;
		}
		if (a == '\\') {
			p->s++;
			if (!rxb_escape(p, map)) {
				p->bad = 1;
				return;
			}
			continue;
		}
		if (a >= 0x80) {
			if (p->caseless)
				rxb_all(map);
			rxb_high(map);
			p->s++;
			continue;
		}
		if (p->s[1] == '-' && p->s[2] && p->s[2] != ']') {
			unsigned char b = (unsigned char)p->s[2];
			if (b >= 0x80 || b == '\\' || b < a) {
				p->bad = 1;
				return;
			}
			rxb_range(p, map, a, b);
			p->s += 3;
		} else {
			rxb_ascii(p, map, a);
			p->s++;
		}
	}
	if (*p->s != ']') {
		p->bad = 1;
		return;
	}
	p->s++;
}

static void rxb_alt(rxp_t *p, rxb_t *b);

/* One atom with its quantifier. */
static void rxb_atom(rxp_t *p, rxb_t *b)
{
	unsigned char c = (unsigned char)*p->s;
	b->nullable = 0;
	if (c == '(') {
		p->s++;
		if (*p->s == '?') {
			if (p->s[1] != ':') {
				p->bad = 1;
				return;
			}
			p->s += 2;
		}
		rxb_alt(p, b);
		if (p->bad || *p->s != ')') {
			p->bad = 1;
			return;
		}
		p->s++;
	} else {
		/* one character: the same first and last set, but for a
		 * character of several bytes */
		if (c == '[') {
			rxb_class(p, b->first);
		} else if (c == '\\') {
			p->s++;
			if (!rxb_escape(p, b->first))
				p->bad = 1;
		} else if (c == '.') {
			rxb_all(b->first);
			p->s++;
		} else if (c >= 0x80) {
			const char *q = p->s + 1;
			while (((unsigned char)*q & 0xC0) == 0x80)
				q++;
			if (p->caseless) {
				rxb_all(b->first);
				rxb_all(b->last);
			} else {
				b->first[c >> 3] |= (uint8_t)(1u << (c & 7));
				unsigned l = (unsigned char)q[-1];
				b->last[l >> 3] |= (uint8_t)(1u << (l & 7));
			}
			p->s = q;
		} else if (c && !strchr("|)?*+{^$", c)) {
			rxb_ascii(p, b->first, c);
			p->s++;
		} else {
			p->bad = 1;
		}
		if (p->bad)
			return;
		if (c < 0x80)
			memcpy(b->last, b->first, 32);
	}
	/* the quantifier */
	c = (unsigned char)*p->s;
	if (c == '?' || c == '*') {
		b->nullable = 1;
		p->s++;
	} else if (c == '+') {
		p->s++;
	} else if (c == '{') {
		const char *q = p->s + 1;
		if (*q < '0' || *q > '9') {
			p->bad = 1;
			return;
		}
		if (strtoul(q, NULL, 10) == 0)
			b->nullable = 1;
		while (*q && *q != '}')
			q++;
		if (!*q) {
			p->bad = 1;
			return;
		}
		p->s = q + 1;
	} else {
		return;
	}
	if (*p->s == '?' || *p->s == '+') /* lazy or possessive */
		p->s++;
}

/* A sequence: its first bytes are those of its atoms up to the first
 * that cannot be empty, its last bytes those of its atoms from the last
 * that cannot be empty. */
static void rxb_seq(rxp_t *p, rxb_t *b)
{
	memset(b, 0, sizeof *b);
	b->nullable = 1;
	while (!p->bad && *p->s && *p->s != '|' && *p->s != ')') {
		rxb_t a;
		memset(&a, 0, sizeof a);
		rxb_atom(p, &a);
		for (int k = 0; k < 32; k++) {
			if (b->nullable)
				b->first[k] |= a.first[k];
			b->last[k] = a.nullable ? b->last[k] | a.last[k] : a.last[k];
		}
		b->nullable &= a.nullable;
	}
}

static void rxb_alt(rxp_t *p, rxb_t *b)
{
	rxb_seq(p, b);
	while (!p->bad && *p->s == '|') {
		rxb_t a;
		p->s++;
		rxb_seq(p, &a);
		for (int k = 0; k < 32; k++) {
			b->first[k] |= a.first[k];
			b->last[k] |= a.last[k];
		}
		b->nullable |= a.nullable;
	}
}

static int rx_ends(const char *src, int caseless, rxb_t *b)
{
	rxp_t p = {src, caseless, 0};
	rxb_alt(&p, b);
	if (p.bad || *p.s || b->nullable) {
		rxb_all(b->first);
		rxb_all(b->last);
		return 0;
	}
	return 1;
}

/* A quick no for each regex before it runs on a new text (see word_find):
 * the bytes a match can begin with, from PCRE2's study of the pattern
 * compiled without the start anchor (its start bitmap, or its first code
 * unit) and from the source (rx_ends), the bytes it can end with (from
 * the source), and the fewest characters of a match.  Where neither
 * gives an answer every byte is allowed. */
static void rx_quick_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint8_t map[32];
	m->rxfirst = xcalloc((size_t)256 * m->rxw + 1, sizeof *m->rxfirst);
	m->rxlast = xcalloc((size_t)256 * m->rxw + 1, sizeof *m->rxlast);
	m->rxmin = xcalloc(g->nre + 1, sizeof *m->rxmin);
	for (uint32_t r = 0; r < g->nre; r++) {
		memset(map, 0xff, 32);
		uint32_t opts = 0, minlen = 0;
		pcre2_pattern_info(g->re[r], PCRE2_INFO_ARGOPTIONS, &opts);
		if (pcre2_pattern_info(g->re[r], PCRE2_INFO_MINLENGTH, &minlen) == 0)
			m->rxmin[r] = minlen;
		rxb_t ends;
		rx_ends(g->re_src[r], (opts & PCRE2_CASELESS) != 0, &ends);
		for (uint32_t b = 0; b < 256; b++)
			if (ends.last[b >> 3] >> (b & 7) & 1)
				m->rxlast[(size_t)b * m->rxw + r / 64] |= 1ull << (r % 64);
		int err;
		PCRE2_SIZE eoff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)g->re_src[r], PCRE2_ZERO_TERMINATED,
		                               opts & ~(uint32_t)PCRE2_ANCHORED, &err, &eoff, NULL);
		if (!re)
			continue;
		const uint8_t *bits = NULL;
		uint32_t fct = 0, fcu = 0;
		if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits) {
			memcpy(map, bits, 32);
		} else if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &fct) == 0 && fct == 1 &&
		           pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &fcu) == 0 && fcu < 128) {
			/* a letter with its other ASCII case too (PCRE2 keeps [Pp]
			 * as a caseless p, and (?i) may be inside the pattern); k and
			 * s, which fold to letters beyond ASCII (Kelvin sign, long
			 * s), keep every byte */
			int lower = fcu | 0x20;
			int letter = lower >= 'a' && lower <= 'z';
			if (!letter || (lower != 'k' && lower != 's')) {
				memset(map, 0, 32);
				map[fcu >> 3] |= (uint8_t)(1u << (fcu & 7));
				if (letter) {
					uint32_t o = fcu ^ 0x20;
					map[o >> 3] |= (uint8_t)(1u << (o & 7));
				}
			}
		}
		pcre2_code_free(re);
		/* and the first bytes from the source */
		for (int k = 0; k < 32; k++)
			map[k] &= ends.first[k];
		for (uint32_t b = 0; b < 256; b++)
			if (map[b >> 3] >> (b & 7) & 1)
				m->rxfirst[(size_t)b * m->rxw + r / 64] |= 1ull << (r % 64);
	}
}

/* The token sets by what puts a token in them (see tokset_row): the sets
 * of every token, by class bit, by inner class bit, by symbol and by stem
 * symbol, and the sets with predicates. */
static void tsx_csr(const grammar_t *g, int stem, uint32_t **off_out, uint32_t **list_out)
{
	uint32_t *off = xcalloc((size_t)g->nsyms + 3, sizeof *off);
	for (uint32_t k = 0; k < g->ntoksets; k++) {
		const tokset_t *s = &g->toksets[k];
		uint32_t from = stem ? s->stem : s->sym, nm = stem ? s->nstem : s->nsym;
		for (uint32_t q = 0; q < nm; q++)
			if (g->tsv[from + q] <= g->nsyms)
				off[g->tsv[from + q] + 2]++;
	}
	for (uint32_t x = 0; x <= g->nsyms + 1; x++)
		off[x + 1] += off[x];
	uint32_t *list = xmalloc(((size_t)off[g->nsyms + 2] + 1) * sizeof *list);
	for (uint32_t k = 0; k < g->ntoksets; k++) {
		const tokset_t *s = &g->toksets[k];
		uint32_t from = stem ? s->stem : s->sym, nm = stem ? s->nstem : s->nsym;
		for (uint32_t q = 0; q < nm; q++)
			if (g->tsv[from + q] <= g->nsyms)
				list[off[g->tsv[from + q] + 1]++] = k;
	}
	*off_out = off;
	*list_out = list;
}

static void tsx_init(matcher_t *m)
{
	const grammar_t *g = m->g;
	uint32_t w = m->tsw;
	m->tsx_any = xcalloc(w + 1, sizeof *m->tsx_any);
	m->tsx_cls = xcalloc((size_t)64 * w + 1, sizeof *m->tsx_cls);
	m->tsx_in = xcalloc((size_t)64 * w + 1, sizeof *m->tsx_in);
	m->tsx_pred = xmalloc(((size_t)g->ntoksets + 1) * sizeof *m->tsx_pred);
	for (uint32_t k = 0; k < g->ntoksets; k++) {
		const tokset_t *s = &g->toksets[k];
		uint64_t bit = 1ull << (k & 63);
		if (s->any)
			m->tsx_any[k >> 6] |= bit;
		for (uint64_t c = s->cls; c; c &= c - 1)
			m->tsx_cls[(size_t)__builtin_ctzll(c) * w + (k >> 6)] |= bit;
		for (uint64_t c = s->cls_in; c; c &= c - 1)
			m->tsx_in[(size_t)__builtin_ctzll(c) * w + (k >> 6)] |= bit;
		if (s->npred)
			m->tsx_pred[m->ntsx_pred++] = k;
	}
	tsx_csr(g, 0, &m->tsx_sym_off, &m->tsx_sym);
	tsx_csr(g, 1, &m->tsx_stem_off, &m->tsx_stem);
}

matcher_t *matcher_new(const grammar_t *g)
{
	matcher_t *m = xcalloc(1, sizeof *m);
	m->g = g;
	m->md = pcre2_match_data_create(1, NULL);
	m->regs = xcalloc(g->max_regs + 1, sizeof *m->regs);
	m->nstamp = g->nrules > g->ntrigs ? g->nrules : g->ntrigs;
	m->stamp = xcalloc(m->nstamp + 1, sizeof *m->stamp);
	m->cand_cap = m->nstamp + 1;
	m->cand = xmalloc(m->cand_cap * sizeof *m->cand);
	m->nrw = (g->nrules + 63) / 64;
	m->awake = xcalloc(m->nrw + 1, sizeof *m->awake);
	m->wnext = xcalloc(g->nrules + 1, sizeof *m->wnext);
	m->next_free = xcalloc(g->ngroups + 1, sizeof *m->next_free);
	m->actx.g = g;
	m->gstamp = xcalloc(g->nguards + 1, sizeof *m->gstamp);
	m->gres = xcalloc(g->nguards + 1, 1);
	m->fst = xcalloc(g->nfilters + 1, sizeof *m->fst);
	for (uint32_t f = 0; f < g->nfilters; f++)
		m->fst[f] = (fstate_t){.need = g->filters[f].need, .pre = g->filters[f].pre,
		                       .reach = g->filters[f].reach,
		                       .pre_any = g->toksets[g->filters[f].pre].any};
	fl_init(m);
	fam_init(m);
	m->tss = xcalloc(g->ntoksets + 1, sizeof *m->tss);
	m->rxw = (g->nre + 63) / 64;
	m->rxtmp = xcalloc(m->rxw + 1, sizeof *m->rxtmp);
	rx_quick_init(m);
	for (uint32_t r = 0; r < g->nrules; r++)
		if (g->rules[r].nslots > m->dmax)
			m->dmax = g->rules[r].nslots;
	for (uint32_t r = 0; r < g->ntrigs; r++)
		if (g->trigs[r].nslots > m->dmax)
			m->dmax = g->trigs[r].nslots;
	if (m->dmax > DM_SLOTS)
		m->dmax = DM_SLOTS; /* the slots beyond go to the memo's hash table */
	m->dm = xcalloc(m->dmax + 1, sizeof *m->dm);
	m->gsstamp = xcalloc(g->nguards + 1, sizeof *m->gsstamp);
	m->gsres = xcalloc(g->nguards + 1, 1);
	m->ostamp = xcalloc(g->nrules + 1, sizeof *m->ostamp);
	m->oreach = xcalloc(g->nrules + 1, sizeof *m->oreach);
	pm_init(m);
	tsx_init(m);
	m->needmask = xcalloc(m->tsw + 1, sizeof *m->needmask);
	for (uint32_t f = 0; f < g->nfilters; f++)
		m->needmask[g->filters[f].need >> 6] |= 1ull << (g->filters[f].need & 63);
	m->occ_off = xcalloc((size_t)g->ntoksets + 2, sizeof *m->occ_off);
	const char *st = getenv("BESLUT_RULE_STATS");
	if (st && *st && strcmp(st, "0") != 0)
		m->rstats = xcalloc(g->nrules + 1, sizeof *m->rstats);
	return m;
}

void matcher_share_signatures(matcher_t *m, int on)
{
	m->sig_off = !on;
}

void matcher_share_prefixes(matcher_t *m, int on)
{
	m->fam_off = !on;
}

void matcher_steps(const matcher_t *m, uint64_t *steps, size_t *budget_hits)
{
	*steps = m->steps_total;
	*budget_hits = m->budget_hits;
}

uint64_t matcher_prefix_replays(const matcher_t *m)
{
	return m->fam_replays;
}

static int rstat_cmp(const void *a, const void *b)
{
	const rstat_t *x = *(const rstat_t *const *)a, *y = *(const rstat_t *const *)b;
	uint64_t tx = x->ns + x->fns, ty = y->ns + y->fns;
	return tx < ty ? 1 : tx > ty ? -1 : (x > y) - (x < y);
}

/* The per-rule statistics, most time first, on standard error. */
static void rstats_print(const matcher_t *m)
{
	const grammar_t *g = m->g;
	const rstat_t **ord = xmalloc((g->nrules + 1) * sizeof *ord);
	uint64_t tot = 0, tns = 0;
	for (uint32_t r = 0; r < g->nrules; r++) {
		ord[r] = &m->rstats[r];
		tot += m->rstats[r].steps;
		tns += m->rstats[r].ns + m->rstats[r].fns;
	}
	qsort(ord, g->nrules, sizeof *ord, rstat_cmp);
	fprintf(stderr, "signatures %u, words %u, regex vectors %u (kept at the end)\n", m->nsig,
	        m->nwt, m->nrxv);
	fprintf(stderr, "attempts answered from a shared prefix's recording %llu; steps executed %llu\n",
	        (unsigned long long)m->fam_replays, (unsigned long long)m->exec_steps);
	fprintf(stderr, "rule statistics (one matcher): %llu steps, %.3f s in attempts and filter checks\n"
	        "%-32s %10s %12s %12s %8s %8s %6s %10s %10s %6s %10s %6s\n", (unsigned long long)tot, (double)tns * 1e-9,
	        "rule", "attempts", "steps", "executed", "matches", "budget", "steps%", "attempt_ms", "checks",
	        "pass%", "check_ms", "time%");
	for (uint32_t k = 0; k < g->nrules; k++) {
		const rstat_t *s = ord[k];
		if (!s->attempts && !s->checks)
			continue;
		fprintf(stderr, "%-32s %10llu %12llu %12llu %8llu %8llu %6.2f %10.1f %10llu %6.1f %10.1f %6.2f\n",
		        g->rules[s - m->rstats].name, (unsigned long long)s->attempts, (unsigned long long)s->steps,
		        (unsigned long long)s->exec, (unsigned long long)s->matches, (unsigned long long)s->budget,
		        tot ? 100.0 * (double)s->steps / (double)tot : 0.0, (double)s->ns * 1e-6,
		        (unsigned long long)s->checks, s->checks ? 100.0 * (double)s->passed / (double)s->checks : 0.0,
		        (double)s->fns * 1e-6, tns ? 100.0 * (double)(s->ns + s->fns) / (double)tns : 0.0);
	}
	free(ord);
}

void matcher_free(matcher_t *m)
{
	if (!m)
		return;
	if (m->rstats) {
		rstats_print(m);
		free(m->rstats);
	}
	pcre2_match_data_free(m->md);
	free(m->bt);
	free(m->tr);
	free(m->tro);
	for (uint32_t f = 0; f < m->nfam; f++) {
		free(m->fam[f].ex);
		free(m->fam[f].ptr);
	}
	free(m->fam);
	free(m->rfam);
	free(m->best);
	free(m->regs);
	free(m->stamp);
	free(m->cand);
	free(m->next_free);
	free(m->nodes);
	free(m->cover);
	free(m->sort_tmp);
	free(m->skey);
	free(m->rxcls);
	free(m->memo);
	free(m->gstamp);
	free(m->gres);
	free(m->fst);
	free(m->rfl);
	free(m->rgrp);
	free(m->lfilt);
	free(m->lskip);
	free(m->lstamp);
	free(m->lres);
	free(m->tss);
	free(m->wt);
	free(m->wth);
	free(m->symrx);
	free(m->symsig);
	free(m->wkey);
	free(m->rxv);
	free(m->rxh);
	free(m->rxtmp);
	free(m->rxfirst);
	free(m->rxlast);
	free(m->rxmin);
	free(m->pmid);
	free(m->sig);
	free(m->sigh);
	free(m->sigb);
	free(m->sigp);
	free(m->smask);
	free(m->awake);
	free(m->whead);
	free(m->wnext);
	free(m->npool);
	free(m->tsig);
	free(m->tspres);
	free(m->needmask);
	free(m->tsx_any);
	free(m->tsx_cls);
	free(m->tsx_in);
	free(m->tsx_sym_off);
	free(m->tsx_sym);
	free(m->tsx_stem_off);
	free(m->tsx_stem);
	free(m->tsx_pred);
	free(m->occ_off);
	free(m->occ);
	free(m->ldead);
	free(m->gsstamp);
	free(m->gsres);
	free(m->ostamp);
	free(m->oreach);
	free(m->memo_gen);
	free(m->dm);
	free(m->actx.tmp);
	buf_release(&m->actx.sbuf);
	buf_release(&m->sbuf);
	free(m);
}
