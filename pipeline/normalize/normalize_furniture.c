/*
 * normalize_furniture.c — pass 2 of the normalizer (normalize_int.h):
 * page boundaries from form feeds and printed page numbers, and the page
 * furniture removed around them (running headers and footers, page
 * numbers, signature boxes), recorded for the document's metadata.
 */
#include "normalize_int.h"

/* ---- pass 2: pages and furniture ---- */

#define ZONE_K 5

/* Fold s[0..n) into k (case folded, runs of spaces and tabs one space,
 * trimmed); returns the key's length.  k holds 164 bytes. */
static size_t fold_key(const unsigned char *s, size_t n, unsigned char *k)
{
	size_t o = 0;
	bool sp = true;
	for (size_t i = 0; i < n && o < 163; i++) {
		unsigned char b = fold_byte(s, i, n);
		if (b == ' ' || b == '\t') {
			if (!sp)
				k[o++] = ' ';
			sp = true;
			continue;
		}
		sp = false;
		k[o++] = b;
	}
	while (o && k[o - 1] == ' ')
		o--;
	return o;
}

/* Does the folded key k[0..o) match an entry of the lexicon?  box: only
 * the signature-box entries. */
static bool lexicon_key(const normalizer_t *nz, const unsigned char *k, size_t o, bool box)
{
	for (size_t i = 0; i < nz->nfurn; i++) {
		const furn_entry_t *fe = &nz->furn[i];
		if ((box && !fe->box) || fe->suffix || fe->len > o || memcmp(k, fe->key, fe->len) != 0)
			continue;
		if (fe->len == o)
			return true;
		if (fe->prefix) {
			unsigned char b = k[fe->len];
			if (b == ' ' || b == ':' || (b >= '0' && b <= '9'))
				return true;
		}
	}
	return false;
}

/* A column gap: a tab or two spaces at s[i]. */
static inline bool col_gap(const unsigned char *s, size_t n, size_t i)
{
	return s[i] == '\t' || (s[i] == ' ' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'));
}

/* The line matches the lexicon as a whole, or column by column: a
 * signature footer set in columns ("Justerare      Utdragsbestyrkande",
 * "Ordförandens signatur   Justerarens signatur") is furniture when
 * every column is. */
static bool lexicon_furniture(const normalizer_t *nz, const unsigned char *s, size_t n)
{
	if (!nz->nfurn || n > 160)
		return false;
	unsigned char k[164];
	size_t o = fold_key(s, n, k);
	if (lexicon_key(nz, k, o, false))
		return true;
	size_t i = 0, cols = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && !col_gap(s, n, j))
			j++;
		if (j == n && i == 0)
			return false; /* one column: matched above */
		o = fold_key(s + i, j - i, k);
		if (!lexicon_key(nz, k, o, false))
			return false;
		cols++;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		i = j;
	}
	return cols >= 2;
}

/* Byte classes of line_key: 0 itself, 1 an ASCII capital (+32), 2 a
 * digit, 3 a space or tab, 4 the second byte of a Latin-1 capital after
 * C3 (+0x20, fold_byte). */
static const uint8_t key_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 0, 4, 4, 4, 4, 4, 4, 4, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Key of a line: folded, digit runs -> '#', spaces collapsed. */
uint64_t line_key(const unsigned char *t, const nline_t *l)
{
	uint64_t h = FNV_OFF;
	bool dig = false, sp = false;
	for (size_t i = l->s; i < l->e; i++) {
		unsigned char b = t[i];
		switch (key_class[b]) {
		case 2:
			if (!dig)
				h = fnv_step(h, '#');
			dig = true;
			sp = false;
			continue;
		case 3:
			if (!sp)
				h = fnv_step(h, ' ');
			sp = true;
			dig = false;
			continue;
		case 1:
			b = (unsigned char)(b + 32);
			break;
		case 4:
			if (i > 0 && t[i - 1] == 0xC3)
				b = (unsigned char)(b + 0x20);
			break;
		default:
			break;
		}
		dig = sp = false;
		h = fnv_step(h, b);
	}
	return fnv_fin(h);
}

enum { ZK_ANCHOR, ZK_FF, ZK_START, ZK_END };

typedef struct zone {
	uint32_t c;        /* centre: boundary line (FF) or anchor line */
	uint32_t lo, hi;   /* window [lo, hi) */
	uint8_t kind;      /* ZK_*: FF = boundary before line c; START/END of text */
} zone_t;

static void add_event(run_t *ru, uint32_t line, int after, int before)
{
	normalizer_t *nz = ru->nz;
	if (ru->nev && nz->ev[ru->nev - 1].line == line) {
		pevent_t *p = &nz->ev[ru->nev - 1];
		if (after >= 0)
			p->after = after;
		if (before >= 0)
			p->before = before;
		return;
	}
	GROW(nz->ev, nz->ev_cap, ru->nev + 1);
	nz->ev[ru->nev++] = (pevent_t){line, after, before};
}

#define ZKEY(z, j) keys[(size_t)(z) * (2 * ZONE_K + 2) + ((j) - Z[z].lo)]

/* A line carrying an item heading is furniture only as a repeat: the
 * same line with the same § number earlier in this zone or a neighbouring
 * one (a running header naming the § on its continuation page).  A §
 * number heads one item, so its first line stays, whatever it looks like:
 * "Ks § 38  Dnr 2023/512" and "Ks § 39  Dnr 2024/044" at the tops of two
 * pages share a folded key but are two items. */
static bool head_repeated(run_t *ru, const zone_t *Z, size_t nz_, size_t zi, const uint64_t *keys,
                          uint32_t li)
{
	const nline_t *l = &ru->L[li];
	uint64_t k = ZKEY(zi, li);
	long v = heading_number(&ru->nz->lw, ru->t + l->s, l->e - l->s);
	size_t a = zi >= 2 ? zi - 2 : 0, b = zi + 3 < nz_ ? zi + 3 : nz_;
	for (size_t z = a; z < b; z++) {
		for (uint32_t j = Z[z].lo; j < Z[z].hi && j < li; j++) {
			const nline_t *m = &ru->L[j];
			if ((m->flags & LF_HEAD) && ZKEY(z, j) == k &&
			    heading_number(&ru->nz->lw, ru->t + m->s, m->e - m->s) == v)
				return true;
		}
	}
	return false;
}

static bool eligible(run_t *ru, const zone_t *Z, size_t nz_, size_t zi, const uint64_t *keys,
                     uint32_t li, bool near_ff)
{
	nline_t *l = &ru->L[li];
	if (l->flags & LF_HEAD)
		return head_repeated(ru, Z, nz_, zi, keys, li);
	if (l->flags & (LF_ANCHOR | LF_FURN))
		return true;
	if ((l->flags & LF_WEAKNUM) && near_ff)
		return true;
	if (l->flags & LF_SECT)
		return false;
	if (lexicon_furniture(ru->nz, ru->t + l->s, l->e - l->s))
		return true;
	/* recurs in a neighbouring zone? */
	uint64_t k = keys[li - Z[zi].lo + (size_t)zi * (2 * ZONE_K + 2)];
	size_t a = zi >= 2 ? zi - 2 : 0, b = zi + 3 < nz_ ? zi + 3 : nz_;
	for (size_t z = a; z < b; z++) {
		if (z == zi)
			continue;
		const zone_t *o = &Z[z];
		if (o->lo < Z[zi].hi && Z[zi].lo < o->hi && o->c == Z[zi].c)
			continue;
		for (uint32_t j = o->lo; j < o->hi; j++) {
			if (j == li)
				continue;
			if (keys[j - o->lo + z * (2 * ZONE_K + 2)] == k)
				return true;
		}
	}
	return false;
}

void find_furniture(run_t *ru)
{
	size_t n = ru->n;
	nline_t *L = ru->L;
	long *num = NULL;
	size_t ncap = 0;
	zone_t *Z = NULL;
	size_t nzn = 0, zcap = 0;
	ru->nev = 0;
	for (size_t i = 0; i < n; i++) {
		nline_t *l = &L[i];
		classify(ru, l);
		uint16_t fl = 0;
		long v = -1;
		if (l->clen <= 120)
			v = page_number(&ru->nz->lw, ru->t + l->s, l->e - l->s, &fl);
		l->flags |= fl;
		bool ffz = (l->flags & LF_FF) != 0;
		if (!(fl & LF_ANCHOR) && !ffz)
			continue;
		GROW(num, ncap, nzn + 1);
		GROW(Z, zcap, nzn + 1);
		num[nzn] = (fl & LF_ANCHOR) ? v : -1;
		zone_t *z = &Z[nzn++];
		z->c = (uint32_t)i;
		z->kind = ffz && !(fl & LF_ANCHOR) ? ZK_FF : ZK_ANCHOR;
		z->lo = (uint32_t)(i >= ZONE_K ? i - ZONE_K : 0);
		z->hi = (uint32_t)(i + ZONE_K + 1 < n ? i + ZONE_K + 1 : n);
		if (ffz && (fl & LF_ANCHOR)) {
			/* both: a form feed right before an anchor line; make a
			 * separate FF zone too so the boundary is recorded */
			GROW(num, ncap, nzn + 1);
			GROW(Z, zcap, nzn + 1);
			num[nzn] = -1;
			Z[nzn] = (zone_t){(uint32_t)i, Z[nzn - 1].lo, Z[nzn - 1].hi, ZK_FF};
			nzn++;
		}
	}
	if (!nzn) {
		free(num);
		free(Z);
		return;
	}
	/* the start and the end of the text bound the first and last page:
	 * zones too (the first header, the last footer) */
	GROW(num, ncap, nzn + 2);
	GROW(Z, zcap, nzn + 2);
	memmove(Z + 1, Z, nzn * sizeof *Z);
	memmove(num + 1, num, nzn * sizeof *num);
	Z[0] = (zone_t){0, 0, (uint32_t)(ZONE_K < n ? ZONE_K : n), ZK_START};
	num[0] = -1;
	nzn++;
	Z[nzn] = (zone_t){(uint32_t)n, (uint32_t)(n > ZONE_K ? n - ZONE_K : 0), (uint32_t)n, ZK_END};
	num[nzn] = -1;
	nzn++;
	/* keys of the lines of each zone, laid out zone by zone */
	size_t stride = 2 * ZONE_K + 2;
	uint64_t *keys = xmalloc(nzn * stride * sizeof *keys);
	for (size_t z = 0; z < nzn; z++)
		for (uint32_t j = Z[z].lo; j < Z[z].hi; j++)
			keys[z * stride + (j - Z[z].lo)] = line_key(ru->t, &L[j]);
	pevent_t *free_g = NULL; /* anchor groups without a form feed: {first line after, number, first line} */
	size_t nfree = 0, free_cap = 0;
	for (size_t z = 0; z < nzn; z++) {
		const zone_t *zz = &Z[z];
		uint32_t c = zz->c;
		int after = -1, before = -1;
		uint32_t first_after = c;
		if (zz->kind == ZK_START || zz->kind == ZK_END) {
			/* walk inwards from the edge of the text */
			if (zz->kind == ZK_START) {
				for (uint32_t j = 0; j < zz->hi; j++) {
					if (!eligible(ru, Z, nzn, z, keys, j, true))
						break;
					L[j].flags |= LF_FURN;
				}
			} else {
				for (uint32_t j = c; j > zz->lo; j--) {
					if (!eligible(ru, Z, nzn, z, keys, j - 1, true))
						break;
					L[j - 1].flags |= LF_FURN;
				}
			}
			continue;
		}
		if (zz->kind == ZK_FF) {
			/* footer side: lines before the boundary */
			for (uint32_t j = c; j > zz->lo; j--) {
				uint32_t li = j - 1;
				if (!eligible(ru, Z, nzn, z, keys, li, true))
					break;
				L[li].flags |= LF_FURN;
				if ((L[li].flags & (LF_ANCHOR | LF_WEAKNUM)) && before < 0) {
					uint16_t fl = 0;
					long v = page_number(&ru->nz->lw, ru->t + L[li].s, L[li].e - L[li].s, &fl);
					if (v > 0 && v < 1000000)
						before = (int)v;
				}
			}
			/* header side: the boundary line and after */
			for (uint32_t j = c; j < zz->hi; j++) {
				if (!eligible(ru, Z, nzn, z, keys, j, true))
					break;
				L[j].flags |= LF_FURN;
				if ((L[j].flags & (LF_ANCHOR | LF_WEAKNUM)) && after < 0) {
					uint16_t fl = 0;
					long v = page_number(&ru->nz->lw, ru->t + L[j].s, L[j].e - L[j].s, &fl);
					if (v > 0 && v < 1000000)
						after = (int)v;
				}
			}
			add_event(ru, c, after, before);
			continue;
		}
		/* anchor zone: the anchor line and its group (an anchor line
		 * that carries an item heading stays, unless a repeat) */
		if (!(L[c].flags & LF_HEAD) || eligible(ru, Z, nzn, z, keys, c, false))
			L[c].flags |= LF_FURN;
		for (uint32_t j = c; j > zz->lo; j--) {
			uint32_t li = j - 1;
			if ((L[li + 1].flags & LF_FF) || !eligible(ru, Z, nzn, z, keys, li, false))
				break;
			L[li].flags |= LF_FURN;
		}
		first_after = c + 1;
		for (uint32_t j = c + 1; j < zz->hi; j++) {
			if ((L[j].flags & LF_FF) || !eligible(ru, Z, nzn, z, keys, j, false))
				break;
			L[j].flags |= LF_FURN;
			first_after = j + 1;
		}
		/* if a form feed bounds the group, the number belongs to it */
		uint32_t g0 = c;
		while (g0 > 0 && (L[g0 - 1].flags & LF_FURN) && !(L[g0].flags & LF_FF))
			g0--;
		int pn = num[z] > 0 && num[z] < 1000000 ? (int)num[z] : -1;
		if (L[g0].flags & LF_FF) {
			add_event(ru, g0, pn, -1);
		} else if (first_after < n && (L[first_after].flags & LF_FF)) {
			/* footer: the page ends at the form feed */
			add_event(ru, first_after, -1, pn);
		} else {
			/* no form feed: header or footer is decided below */
			GROW(free_g, free_cap, nfree + 1);
			free_g[nfree++] = (pevent_t){first_after, pn, (int)g0};
		}
	}
	/* Groups with a page number but no form feed: a header starts its
	 * page, a footer ends it.  Footers they are when the last one ends the
	 * text, or when page 1 is numbered after some text; else headers. */
	if (nfree) {
		bool footer = free_g[nfree - 1].line >= n ||
		              (free_g[0].after == 1 && free_g[0].before >= 3);
		for (size_t k = 0; k < nfree; k++) {
			if (footer)
				add_event(ru, free_g[k].line, -1, free_g[k].after);
			else
				add_event(ru, free_g[k].line, free_g[k].after, -1);
		}
	}
	free(free_g);
	/* events may be out of order where zones overlap: sort by line (insertion, nearly sorted) */
	pevent_t *ev = ru->nz->ev;
	for (size_t i = 1; i < ru->nev; i++) {
		pevent_t x = ev[i];
		size_t j = i;
		while (j > 0 && ev[j - 1].line > x.line) {
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = x;
	}
	/* merge duplicates */
	size_t o = 0;
	for (size_t i = 0; i < ru->nev; i++) {
		if (o && ev[o - 1].line == ev[i].line) {
			if (ev[i].after >= 0)
				ev[o - 1].after = ev[i].after;
			if (ev[i].before >= 0)
				ev[o - 1].before = ev[i].before;
			continue;
		}
		ev[o++] = ev[i];
	}
	ru->nev = o;
	free(keys);
	free(num);
	free(Z);
}

/* Signature boxes ("Rättelse bestyrks" / "2020-10-   2020-10-" / "Kenneth
 * Backgård (SJVP)  Glenn Berggård (V)") are printed on the page wherever
 * the template puts them, and pdftotext may drop them mid-text, far from
 * any page boundary.  A box is recognised by its label, a line the
 * lexicon marks "box" (a phrase no sentence is), and it takes with it the
 * date lines right under it (digits and separators only) and, after those,
 * one line of signers set in columns, each "Name (PARTY)". */
static bool date_only_line(const run_t *ru, const nline_t *l)
{
	if (l->clen > 40)
		return false;
	bool digit = false;
	for (size_t i = l->s; i < l->e; i++) {
		unsigned char b = ru->t[i];
		if (b >= '0' && b <= '9')
			digit = true;
		else if (b != '-' && b != '.' && b != '/' && b != ' ' && b != '\t')
			return false;
	}
	return digit;
}

static bool signers_line(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s, i = 0, cols = 0;
	if (l->clen > 160)
		return false;
	while (i < n) {
		size_t j = i;
		while (j < n && !col_gap(s, n, j))
			j++;
		/* "Kenneth Backgård (SJVP)": a capital, words, "(" capitals ")" */
		if (!capital_at(s, n, i) || s[j - 1] != ')')
			return false;
		size_t p = j - 1, caps = 0;
		while (p > i && s[p - 1] >= 'A' && s[p - 1] <= 'Z')
			p--, caps++;
		if (caps < 1 || caps > 6 || p < i + 3 || s[p - 1] != '(' || s[p - 2] != ' ')
			return false;
		for (size_t q = i; q + 2 < p; q++)
			if (s[q] >= '0' && s[q] <= '9')
				return false;
		cols++;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		i = j;
	}
	return cols >= 1 && cols <= 4;
}

void signature_boxes(run_t *ru)
{
	const normalizer_t *nz = ru->nz;
	nline_t *L = ru->L;
	size_t n = ru->n;
	for (size_t i = 0; i < n; i++) {
		nline_t *l = &L[i];
		if (l->clen > 40 || !nz->box_first[fold_byte(ru->t, l->s, l->e)] || (l->flags & LF_FURN))
			continue;
		unsigned char k[164];
		size_t o = fold_key(ru->t + l->s, l->e - l->s, k);
		if (!lexicon_key(nz, k, o, true))
			continue;
		l->flags |= LF_FURN | LF_BOX;
		size_t j = i + 1, dates = 0;
		while (j < n && dates < 3 && !(L[j].flags & LF_FURN) && date_only_line(ru, &L[j])) {
			L[j++].flags |= LF_FURN | LF_BOX;
			dates++;
		}
		if (dates && j < n && !(L[j].flags & LF_FURN) && signers_line(ru, &L[j]))
			L[j].flags |= LF_FURN | LF_BOX;
		i = j - 1;
	}
}

/* Running headers that do not keep to page boundaries.  Some templates
 * repeat a header block at the top of each page or of each item ("Göteborgs
 * Stad Kommunstyrelsen, protokoll"; "Kommunstyrelsen" / "Protokoll nr 23" /
 * "Sammanträdesdatum: 2024-09-11"), and an extraction without form feeds or
 * page numbers leaves them wherever the page broke, between the lines of a
 * sentence or around the first heading of the page.  Lines the lexicon
 * marks "running" (prefix) are removed wherever they stand; lines ending
 * in an entry marked "suffix" when they are short and recur in the
 * document.  A short line standing one or two lines before a running line
 * is the rest of the block (the body's name printed beside it) when the
 * same line stands there in several blocks: of the lines found there, the
 * most frequent one, seen at least twice. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* How many times key k occurs in the sorted array s[0..n). */
static size_t key_count(const uint64_t *s, size_t n, uint64_t k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t first = lo;
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid] <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - first;
}

/* The keys of all lines, sorted, made when first asked for (most texts
 * never need them). */
typedef struct keyset {
	uint64_t *sorted; /* NULL: not made yet */
} keyset_t;

static size_t keyset_count(const run_t *ru, keyset_t *ks, uint64_t key)
{
	if (!ks->sorted) {
		ks->sorted = xmalloc((ru->n ? ru->n : 1) * sizeof *ks->sorted);
		for (size_t i = 0; i < ru->n; i++)
			ks->sorted[i] = line_key(ru->t, &ru->L[i]);
		qsort(ks->sorted, ru->n, sizeof *ks->sorted, cmp_u64);
	}
	return key_count(ks->sorted, ru->n, key);
}

static bool running_line(const run_t *ru, const nline_t *l, keyset_t *ks)
{
	const normalizer_t *nz = ru->nz;
	if (l->clen > 60 || (l->flags & (LF_FURN | LF_SECT | LF_HEAD)))
		return false;
	unsigned char k[164];
	size_t o = fold_key(ru->t + l->s, l->e - l->s, k);
	for (size_t f = 0; f < nz->nfurn; f++) {
		const furn_entry_t *fe = &nz->furn[f];
		if (!fe->running || fe->len > o)
			continue;
		if (!fe->suffix) {
			if (memcmp(k, fe->key, fe->len) != 0)
				continue;
			if (fe->len == o || k[fe->len] == ' ' || k[fe->len] == ':' || (k[fe->len] >= '0' && k[fe->len] <= '9'))
				return true;
			continue;
		}
		/* suffix: "… , protokoll", at most six words, seen again */
		if (fe->len == o || memcmp(k + o - fe->len, fe->key, fe->len) != 0)
			continue;
		unsigned char before = k[o - fe->len - 1];
		if (before != ' ' && before != ',' && !(fe->key[0] == ' ' || fe->key[0] == ','))
			continue;
		size_t words = 1;
		for (size_t q = 0; q < o; q++)
			words += k[q] == ' ';
		if (words > 6)
			continue;
		if (keyset_count(ru, ks, line_key(ru->t, l)) >= 2)
			return true;
	}
	return false;
}

static bool short_name_line(const run_t *ru, const nline_t *l)
{
	if (l->clen < 3 || l->clen > 50 || !cp_upper(first_cp(ru, l)))
		return false;
	size_t words = 1;
	for (size_t i = l->s; i < l->e; i++) {
		unsigned char b = ru->t[i];
		if ((b >= '0' && b <= '9') || b == '.' || b == ':' || b == ',' || b == '(' ||
		    (b == 0xC2 && i + 1 < l->e && ru->t[i + 1] == 0xA7)) /* § */
			return false;
		words += b == ' ';
	}
	return words <= 6;
}

void running_headers(run_t *ru)
{
	nline_t *L = ru->L;
	size_t n = ru->n;
	if (!n)
		return;
	keyset_t ks = {NULL};
	size_t nrun = 0;
	for (size_t i = 0; i < n; i++)
		if (running_line(ru, &L[i], &ks)) {
			L[i].flags |= LF_FURN | LF_RUN;
			nrun++;
		}
	if (nrun) {
		/* candidates: short lines one or two content lines before a
		 * running line that starts its block.  The most frequent one
		 * is the block's; where it stands in one block only, it must be
		 * the farther of two short lines (the body's name, then the
		 * page's first heading printed beside the block) */
		uint64_t best = 0;
		size_t bestc = 0, bestd = 0;
		uint64_t *cand = xmalloc(2 * n * sizeof *cand);
		uint8_t *cdist = xmalloc(2 * n);
		size_t nc = 0;
		for (size_t i = 1; i < n; i++) {
			if (!(L[i].flags & LF_RUN) || (L[i - 1].flags & LF_RUN))
				continue;
			for (size_t d = 1; d <= 2 && d <= i; d++) {
				const nline_t *c = &L[i - d];
				if ((c->flags & LF_FURN) || !short_name_line(ru, c))
					break;
				cand[nc] = line_key(ru->t, c);
				cdist[nc++] = (uint8_t)d;
			}
		}
		uint64_t *csort = xmalloc((nc ? nc : 1) * sizeof *csort);
		memcpy(csort, cand, nc * sizeof *csort);
		qsort(csort, nc, sizeof *csort, cmp_u64);
		for (size_t a = 0; a < nc; a++) {
			size_t cnt = key_count(csort, nc, cand[a]);
			if (cnt > bestc || (cnt == bestc && cdist[a] > bestd)) {
				bestc = cnt;
				best = cand[a];
				bestd = cdist[a];
			}
		}
		if (bestc >= 2 || (bestc == 1 && bestd == 2))
			for (size_t i = 1; i < n; i++) {
				if (!(L[i].flags & LF_RUN) || (L[i - 1].flags & LF_RUN))
					continue;
				for (size_t d = 1; d <= 2 && d <= i; d++) {
					nline_t *c = &L[i - d];
					if ((c->flags & LF_FURN) || !short_name_line(ru, c))
						break;
					if (line_key(ru->t, c) == best && (bestc >= 2 || d == 2)) {
						c->flags |= LF_FURN | LF_RUN;
						break;
					}
				}
			}
		free(cdist);
		free(csort);
		free(cand);
	}
	free(ks.sorted);
}
