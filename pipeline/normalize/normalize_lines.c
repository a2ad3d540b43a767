/*
 * normalize_lines.c — pass 1 of the normalizer (normalize_int.h): split
 * the text into lines, trim them, and classify each (headings, points,
 * case numbers, page numbers, signature boxes); the measure of the text
 * and its spacing.
 */
#include "normalize_int.h"

/* ---- pass 1: lines ---- */

/* The line opens with the word that opens a point (class point: "att",
 * as written) and a space, and goes on. */
bool starts_att(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	const wordlist_t *w = &ru->nz->lw.c[LW_POINT];
	for (size_t i = 0; i < w->n; i++) {
		size_t k = w->len[i];
		if (n > k + 1 && memcmp(s, w->w[i], k) == 0 && s[k] == ' ')
			return true;
	}
	return false;
}

/* The word that opens a point ("att", "Att": class point, capital)
 * followed by a tab or at least two spaces, then text: the marker of an
 * att-sats printed as a list item. */
bool att_marker(const layout_words_t *lw, const unsigned char *s, size_t n)
{
	const wordlist_t *w = &lw->c[LW_POINT];
	size_t k = 0;
	for (size_t j = 0; j < w->n && !k; j++)
		if (n >= w->len[j] + 3 && lw_is_cap(w, s, w->len[j]))
			k = w->len[j];
	if (!k)
		return false;
	size_t i = k;
	if (s[i] == '\t')
		i++;
	else if (s[i] == ' ' && s[i + 1] == ' ')
		i += 2;
	else
		return false;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n;
}

size_t digits_at(const unsigned char *s, size_t n, size_t i, long *val)
{
	size_t j = i;
	long v = 0;
	while (j < n && s[j] >= '0' && s[j] <= '9' && j - i < 6) {
		v = v * 10 + (s[j] - '0');
		j++;
	}
	if (j < n && s[j] >= '0' && s[j] <= '9')
		return 0;
	*val = v;
	return j - i;
}

static size_t skip_sp(const unsigned char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* "N (M)", "N(M)", "N av M", "N/M" at s[i..n) up to the end: returns N or -1. */
static long page_tail(const layout_words_t *lw, const unsigned char *s, size_t n, size_t i)
{
	long a, b;
	size_t w;
	size_t k = digits_at(s, n, i, &a);
	if (!k || a < 1)
		return -1;
	i = skip_sp(s, n, i + k);
	if (i == n)
		return -2 - a; /* bare number: caller decides */
	if (s[i] == '(') {
		i = skip_sp(s, n, i + 1);
		k = digits_at(s, n, i, &b);
		if (!k)
			return -1;
		i = skip_sp(s, n, i + k);
		if (i >= n || s[i] != ')')
			return -1;
		i = skip_sp(s, n, i + 1);
	} else if (s[i] == '/') {
		i = skip_sp(s, n, i + 1);
		k = digits_at(s, n, i, &b);
		if (!k)
			return -1;
		i = skip_sp(s, n, i + k);
	} else if ((w = lw_starts_ci(&lw->c[LW_PAGE_OF], s + i, n - i)) > 0 && i + w < n && s[i + w] == ' ') {
		i = skip_sp(s, n, i + w + 1);
		k = digits_at(s, n, i, &b);
		if (!k)
			return -1;
		i = skip_sp(s, n, i + k);
	} else {
		return -1;
	}
	if (i != n || b < a)
		return -1;
	return a;
}

/* Page-number evidence on a content line: sets LF_ANCHOR / LF_WEAKNUM and
 * returns the number, or -1. */
long page_number(const layout_words_t *lw, const unsigned char *s, size_t n, uint16_t *flags)
{
	if (n == 0 || n > 200)
		return -1;
	unsigned char z = s[n - 1];
	if (!(z >= '0' && z <= '9') && z != ')' && !((z == '-' || z == ']') && (s[0] == '-' || s[0] == '[')))
		return -1;
	/* "… Sida N", "… Sida N (M)", "… Sida N av M", "Page N of M" (class
	 * page, at a word start) */
	const wordlist_t *pw = &lw->c[LW_PAGE];
	for (size_t i = 0; i + 5 <= n; i++) {
		if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t')
			continue;
		size_t w = lw_starts_ci(pw, s + i, n - i);
		if (!w)
			continue;
		size_t j = skip_sp(s, n, i + w);
		long v = page_tail(lw, s, n, j);
		/* a bare "sida 13" is text ("se sida 13") unless capitalised */
		if (v <= -3 && !(s[i] >= 'A' && s[i] <= 'Z'))
			continue;
		if (v >= 1 || v <= -3) {
			*flags |= LF_ANCHOR;
			return v >= 1 ? v : -2 - v;
		}
	}
	/* "Kommunfullmäktige  Sammanträdesdatum 2021-03-22  5 (40)": a page
	 * number "N (M)" at the end, after a column gap of two spaces */
	if (z == ')' && n >= 6) {
		size_t j = n - 1;
		while (j > 0 && s[j - 1] != '(')
			j--;
		size_t k = j > 0 ? j - 1 : 0; /* at '(' */
		while (k > 0 && s[k - 1] == ' ')
			k--;
		size_t d = k;
		while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
			d--;
		if (d < k && d >= 2 && s[d - 1] == ' ' && s[d - 2] == ' ') {
			long v = page_tail(lw, s, n, d);
			if (v >= 1) {
				*flags |= LF_ANCHOR;
				return v;
			}
		}
	}
	size_t i = 0;
	bool dash = false;
	if (s[0] == '-' || s[0] == '[') {
		dash = true;
		i = skip_sp(s, n, 1);
	}
	if (i < n && s[i] >= '0' && s[i] <= '9') {
		size_t e = n;
		if (dash && (s[e - 1] == '-' || s[e - 1] == ']')) {
			e--;
			while (e > i && s[e - 1] == ' ')
				e--;
		}
		long v = page_tail(lw, s, e, i);
		if (v >= 1 && !dash) {
			*flags |= LF_ANCHOR;
			return v;
		}
		if (v <= -3 && -2 - v < 1000) {
			*flags |= LF_WEAKNUM;
			return -2 - v;
		}
	}
	return -1;
}

/* A capital letter at s[i] (ASCII or Latin-1: "Å", "Ä", "Ö"): its length, else 0. */
size_t capital_at(const unsigned char *s, size_t n, size_t i)
{
	if (s[i] >= 'A' && s[i] <= 'Z')
		return 1;
	if (s[i] == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9E && s[i + 1] != 0x97)
		return 2;
	return 0;
}

/* A letter at s[i] (ASCII or Latin-1): its length, else 0. */
static size_t letter_at(const unsigned char *s, size_t n, size_t i)
{
	if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
		return 1;
	if (s[i] == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF && s[i + 1] != 0x97 &&
	    s[i + 1] != 0xB7)
		return 2;
	return 0;
}

/* The number of a heading's "N" at s[i..n): 1-4 digits ending the line or
 * followed by a space, '.', ':' or one letter ("§ 4 a" is "§ 4" then "a";
 * "§ 4a"); "§ 12-15" and "§ 12, 14" are references, not headings. */
static long heading_digits(const unsigned char *s, size_t n, size_t i)
{
	long v;
	size_t k = digits_at(s, n, i, &v);
	if (!k || k > 4 || v < 1)
		return -1;
	i += k;
	if (i == n || s[i] == ' ' || s[i] == '\t' || s[i] == '.' || s[i] == ':')
		return v;
	if (s[i] >= 'a' && s[i] <= 'z' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t'))
		return v;
	return -1;
}

/* The item heading a line carries, as item.bg reads one: "§ 45", "§ 45
 * Val av justerare", "Ks § 38  Dnr 2023/512" (a body's abbreviation of up
 * to four letters before the §, not "I" or "Se"), "Paragraf 31", or the
 * number right of a title after a column gap ("Renhållningstaxa 2021
 * § 12").  Returns the § number, or -1.  Cheap: it looks at the first and
 * the last dozen bytes only. */
long heading_number(const layout_words_t *lw, const unsigned char *s, size_t n)
{
	if (n < 3)
		return -1;
	size_t i = 0;
	size_t m = capital_at(s, n, 0);
	if (m) {
		size_t iw = lw_starts_ci(&lw->c[LW_ITEM_WORD], s, n);
		if (iw && iw < n && (s[iw] == ' ' || s[iw] == '\t'))
			return heading_digits(s, n, skip_sp(s, n, iw + 1));
		size_t j = m, c = 1, w;
		while (j < n && c <= 4 && (w = letter_at(s, n, j)) > 0) {
			j += w;
			c++;
		}
		if (c <= 4 && j < n && (s[j] == ' ' || s[j] == '\t') && !lw_is(&lw->c[LW_NOT_BODY], s, j))
			i = skip_sp(s, n, j);
	}
	if (i + 2 < n && s[i] == 0xC2 && s[i + 1] == 0xA7)
		return heading_digits(s, n, skip_sp(s, n, i + 2));
	/* "Title      § 12" */
	size_t e = n, d = n;
	while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9' && e - d < 5)
		d--;
	if (d == e || d < 6 || (s[d - 1] >= '0' && s[d - 1] <= '9'))
		return -1;
	size_t q = d;
	while (q > 0 && (s[q - 1] == ' ' || s[q - 1] == '\t') && d - q < 3)
		q--;
	if (q < 5 || s[q - 2] != 0xC2 || s[q - 1] != 0xA7)
		return -1;
	q -= 2;
	if (!(s[q - 1] == '\t' || (s[q - 1] == ' ' && s[q - 2] == ' ')))
		return -1;
	return heading_digits(s, n, d);
}

/* The heading a line carries stands at its start ("§ 45 …", "Ks § 38 …",
 * "Paragraf 31"), not right of a title. */
static bool heading_leads(const layout_words_t *lw, const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA7)
		return true;
	if (lw_starts_ci(&lw->c[LW_ITEM_WORD], s, n))
		return true;
	size_t j = 0, w;
	while (j < n && j < 8 && (w = letter_at(s, n, j)) > 0)
		j += w;
	j = skip_sp(s, n, j);
	return j + 1 < n && s[j] == 0xC2 && s[j + 1] == 0xA7;
}

/* A column gap (a tab, or two spaces) inside the line: a line set in
 * columns, whose length says nothing about the measure. */
bool has_col_gap(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '\t' || (s[i] == ' ' && s[i + 1] == ' '))
			return true;
	return false;
}

void classify(run_t *ru, nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	/* § heading: "§ 171", "§171", "§ 4 a" alone on the line */
	if (n >= 3 && s[0] == 0xC2 && s[1] == 0xA7) {
		size_t i = skip_sp(s, n, 2);
		long v;
		size_t k = digits_at(s, n, i, &v);
		if (k) {
			i = skip_sp(s, n, i + k);
			if (i < n && s[i] >= 'a' && s[i] <= 'z' && (i + 1 == n || s[i + 1] == ' '))
				i = skip_sp(s, n, i + 1);
			if (i < n && s[i] == '.')
				i++;
			if (i == n)
				l->flags |= LF_SECT;
		}
	}
	/* the number first: "15 §" */
	{
		long v;
		size_t k = digits_at(s, n, 0, &v);
		if (k && k <= 4 && v >= 1) {
			size_t i = skip_sp(s, n, k);
			if (i > k && i + 2 <= n && s[i] == 0xC2 && s[i + 1] == 0xA7) {
				i += 2;
				if (i < n && s[i] == '.')
					i++;
				if (i == n)
					l->flags |= LF_SECT;
			}
		}
	}
	/* numbered point: "1. X", "12) X", "a) X" */
	{
		long v;
		size_t k = digits_at(s, n, 0, &v);
		if (k && k <= 2 && k + 2 <= n && (s[k] == '.' || s[k] == ')') && s[k + 1] == ' ')
			l->flags |= LF_ITEM | LF_NUMITEM;
		else if (n >= 3 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
		         s[1] == ')' && s[2] == ' ')
			l->flags |= LF_ITEM | LF_NUMITEM;
		else if (n >= 4 && s[0] == '(' && k == 0 && s[1] >= '0' && s[1] <= '9' &&
		         (s[2] == ')' || (s[2] >= '0' && s[2] <= '9' && s[3] == ')')))
			l->flags |= LF_ITEM | LF_NUMITEM;
	}
	/* bullet characters */
	if (n >= 2 && (s[0] == '-' || s[0] == '*') && (s[1] == ' ' || s[1] == '\t'))
		l->flags |= LF_ITEM | (s[0] == '-' ? LF_NUMITEM : 0);
	else if (s[0] >= 0xC2) {
		int m;
		int32_t c = cp_at(s, n, 0, &m);
		bool bullet = c == 0x2022 || c == 0x00B7 || c == 0x25AA || c == 0x25CF || c == 0x25E6 ||
		              c == 0x2023 || c == 0x2043 || c == 0x25A0 || c == 0x25A1 || c == 0x27A2 ||
		              c == 0x2013 || c == 0x2014 || c == 0x2192 || c == 0x25BA ||
		              (c >= 0xE000 && c <= 0xF8FF);
		if (bullet && ((size_t)m == n || s[m] == ' ' || s[m] == '\t' || (c >= 0xE000 && c <= 0xF8FF) ||
		               c == 0x2022))
			l->flags |= LF_ITEM | (c == 0x2013 || c == 0x2014 ? LF_NUMITEM : 0);
	}
	/* an att-sats set as a list: "att<tab>text", "att    text" (the word,
	 * then a column gap) */
	const layout_words_t *lw = &ru->nz->lw;
	if (att_marker(lw, s, n))
		l->flags |= LF_ITEM;
	size_t dw = lw_starts_ci(&lw->c[LW_DNR], s, n);
	if (dw && (n == dw || s[dw] == ' ' || s[dw] == ':' || s[dw] == '.'))
		l->flags |= LF_DNR;
	if (heading_number(lw, s, n) >= 0)
		l->flags |= LF_HEAD | (heading_leads(lw, s, n) ? LF_HEADLEAD : 0);
}

/* Characters (non-continuation bytes) in t[s, e), eight bytes at a time. */
size_t count_chars(const unsigned char *t, size_t s, size_t e)
{
	size_t c = e - s, i = s;
	for (; i + 8 <= e; i += 8) {
		uint64_t x = load8(t + i);
		c -= (size_t)__builtin_popcountll(x & ~(x << 1) & HIGHS);
	}
	for (; i < e; i++)
		c -= is_cont(t[i]);
	return c;
}

/* Is the code point ending at e (e > s) a letter or digit? */
static bool alnum_before(const unsigned char *t, size_t s, size_t e)
{
	size_t j = cp_back(t, s, e);
	int m;
	int32_t c = cp_at(t, e, j, &m);
	return cp_alpha(c) || cp_digit(c);
}

/* Cut the text into content lines; returns the number of input lines. */
size_t scan_lines(run_t *ru)
{
	normalizer_t *nz = ru->nz;
	const unsigned char *t = ru->t;
	size_t len = ru->len, p = 0, nlines = 0;
	unsigned gap = 0;
	bool ff = false;
	size_t nl = 0;          /* next '\n' at or after p (len if none) */
	bool nl_ok = false;
	ru->n = 0;
	while (p < len) {
		/* remember the next newline: form feeds may cut one long line
		 * into many, and searching again from each piece would be
		 * quadratic */
		if (!nl_ok || nl < p) {
			const unsigned char *q = memchr(t + p, '\n', len - p);
			nl = q ? (size_t)(q - t) : len;
			nl_ok = true;
		}
		size_t le = nl;
		const unsigned char *f = memchr(t + p, '\f', le - p);
		bool byff = false;
		if (f) {
			le = (size_t)(f - t);
			byff = true;
		} else {
			nlines++;
		}
		/* trim */
		size_t s = p, e = le;
		unsigned lead = 0, trail = 0;
		int w;
		/* soft hyphens count as space at the edges of a line, except
		 * one right after a letter at the end: that one marks a break */
		for (;;) {
			if (s < e && ws_at(t, e, s, &w)) {
				s += (size_t)w;
				lead++;
			} else if (s + 1 < e && t[s] == 0xC2 && t[s + 1] == 0xAD) {
				s += 2;
			} else {
				break;
			}
		}
		for (;;) {
			if (e > s && ws_before(t, s, e, &w)) {
				e -= (size_t)w;
				trail++;
			} else if (e >= s + 2 && t[e - 2] == 0xC2 && t[e - 1] == 0xAD &&
			           (e == s + 2 || !alnum_before(t, s, e - 2))) {
				e -= 2;
			} else {
				break;
			}
		}
		if (s == e) {
			if (gap < 0xFFFF)
				gap++;
		} else {
			GROW(nz->lines, nz->lines_cap, ru->n + 1);
			nline_t *l = &nz->lines[ru->n++];
			memset(l, 0, sizeof *l);
			l->s = (uint32_t)s;
			l->e = (uint32_t)e;
			l->lead = (uint16_t)(lead > 0xFFFF ? 0xFFFF : lead);
			l->trail = (uint16_t)(trail > 0xFFFF ? 0xFFFF : trail);
			l->gap = (uint16_t)gap;
			l->flags = ff ? LF_FF : 0;
			size_t c = count_chars(t, s, e);
			l->clen = (uint16_t)(c > 0xFFFF ? 0xFFFF : c);
			gap = 0;
			ff = false;
		}
		if (byff)
			ff = true;
		p = le + 1;
	}
	ru->L = nz->lines;
	return nlines;
}

/* A gap of four or more spaces, or a tab, inside the line (justified
 * text widens its gaps to two or three spaces at most). */
bool wide_gap(const unsigned char *s, size_t n)
{
	if (memchr(s, '\t', n))
		return true;
	/* four spaces in a row cover one position i with i % 4 == 3: look
	 * at those only, and around them at most three each side */
	for (size_t i = 3; i < n; i += 4) {
		if (s[i] != ' ')
			continue;
		size_t a = i, b = i + 1;
		while (a > 0 && i - a < 3 && s[a - 1] == ' ')
			a--;
		while (b < n && b - i < 4 && s[b] == ' ')
			b++;
		if (b - a >= 4)
			return true;
	}
	return false;
}

/* Every letter of the line is a capital, and it has three or more
 * ("YTTRANDE ÖVER ANSÖKAN OM", "HÄLLBERGET"). */
bool caps_line(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s, i = 0, letters = 0;
	while (i < n) {
		int m;
		int32_t c = cp_at(s, n, i, &m);
		if (cp_alpha(c)) {
			if (!cp_upper(c))
				return false;
			letters++;
		}
		i += (size_t)(m > 0 ? m : 1);
	}
	return letters >= 3;
}

/* The line holds running-text punctuation inside it (". ", ", ", ": "):
 * prose, not a heading that happens to fill the measure. */
bool inner_punct(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == '.' || s[i] == ',' || s[i] == ':' || s[i] == ')') && s[i + 1] == ' ')
			return true;
	return false;
}

/* A name broken over the line end: A ends on a capitalised word and B
 * opens with one followed by a party in parentheses ("… från Kristoffer" /
 * "Nyström (SD) och …"). */
bool name_split(const run_t *ru, const nline_t *A, const nline_t *B)
{
	const unsigned char *a = ru->t + A->s, *b = ru->t + B->s;
	size_t na = A->e - A->s, nb = B->e - B->s, i = na;
	while (i > 0 && a[i - 1] != ' ')
		i--;
	int m;
	if (i == na || !cp_upper(cp_at(a, na, i, &m)) || !nb || !cp_upper(cp_at(b, nb, 0, &m)))
		return false;
	const unsigned char *sp = memchr(b, ' ', nb);
	return sp && (size_t)(sp - b) + 1 < nb && sp[1] == '(';
}

/* A short line ending on "beslut": the heading of a decision
 * ("Regionfullmäktiges beslut", "Beslut"), never the rest of a title. */
bool decision_heading(const run_t *ru, const nline_t *l)
{
	size_t n = l->e - l->s;
	const unsigned char *s = ru->t + l->s;
	while (n && (s[n - 1] == ' ' || s[n - 1] == ':'))
		n--;
	if (n > 40)
		return false;
	const wordlist_t *w = &ru->nz->lw.c[LW_DECISION];
	for (size_t i = 0; i < w->n; i++) {
		size_t k = w->len[i];
		if (n >= k && (n == k || s[n - k - 1] == ' ') && lw_is_cap(w, s + n - k, k))
			return true;
	}
	return false;
}

/* The line ends on "kap." or "kap" (a chapter of a law; its § follows). */
bool ends_with_kap(const run_t *ru, const nline_t *l)
{
	size_t n = l->e - l->s;
	const unsigned char *s = ru->t + l->s;
	if (n && s[n - 1] == '.')
		n--;
	return lw_ends_word(&ru->nz->lw.c[LW_CHAPTER], s, n);
}

/* The line is one capitalised word ("Reservationer", "Yrkanden"). */
bool one_cap_word(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	while (n && (s[n - 1] == ' ' || s[n - 1] == ':'))
		n--;
	if (n < 3 || memchr(s, ' ', n))
		return false;
	int m;
	return cp_upper(cp_at(s, n, 0, &m));
}

void doc_shape(run_t *ru)
{
	size_t hist[1025] = {0};
	size_t n = ru->n, big = 0, gap1 = 0, tight = 0, tr2 = 0, lead = 0;
	for (size_t i = 0; i < n; i++) {
		const nline_t *l = &ru->L[i];
		unsigned c = l->clen > 1024 ? 1024 : l->clen;
		/* a row of a table or a header set in columns is no measure of
		 * the running text: its width is the columns' */
		if (c >= 20 && !wide_gap(ru->t + l->s, l->e - l->s)) {
			hist[c]++;
			big++;
		}
		gap1 += l->gap == 1;
		tight += i > 0 && l->gap == 0;
		tr2 += l->trail >= 2;
		lead += l->lead >= 1;
	}
	unsigned W = 80;
	if (big) {
		size_t want = big - big / 20, acc = 0;
		for (unsigned c = 0; c <= 1024; c++) {
			acc += hist[c];
			if (acc >= want) {
				W = c;
				break;
			}
		}
	}
	ru->W = W < 20 ? 20 : W;
	/* Typeset text fills a measure of 60-130 characters; text with one
	 * paragraph per line has no measure, its long lines run on. */
	size_t nearW = 0;
	for (unsigned c = (W * 7) / 10; c <= 1024; c++)
		nearW += hist[c];
	ru->wrapped = W <= 140 && big >= 8 && nearW * 2 >= big;
	/* Short lines (headings, lists, one-line decisions) may outnumber the
	 * full ones; the text is still set to a measure when its long lines
	 * are commonly continued by a line in lower case. */
	if (!ru->wrapped && W <= 140 && big >= 8) {
		size_t lowcont = 0;
		for (size_t i = 1; i < n; i++) {
			const nline_t *a = &ru->L[i - 1], *b = &ru->L[i];
			if (a->clen * 10 >= W * 7 && b->gap <= 1 && cp_lower(first_cp(ru, b)))
				lowcont++;
		}
		ru->wrapped = lowcont >= 8 && lowcont * 4 >= nearW;
	}
	size_t gaps = 0;
	for (size_t i = 1; i < n; i++)
		gaps += ru->L[i].gap > 0;
	ru->noblank = ru->wrapped && gaps * 20 < n;
	/* Double spaced is a blank line after (nearly) every line, so that
	 * lines set tight are rare; a text whose paragraphs are separated by
	 * blank lines has many blank lines too, but also many tight pairs of
	 * lines inside its paragraphs (and one-line paragraphs do not make
	 * it double spaced). */
	ru->dbl = n > 2 && gap1 * 10 > n * 4 && tight * 10 < n * 3;
	ru->trail_sig = tr2 * 10 < n * 3;
	ru->lead_sig = lead * 10 < n * 2;
	norm_shape_t *sh = ru->nz->seg_shape; /* a text in segments: the first one's shape */
	if (sh && sh->known) {
		ru->W = sh->W;
		ru->wrapped = sh->wrapped;
		ru->noblank = sh->noblank;
		ru->dbl = sh->dbl;
		ru->trail_sig = sh->trail_sig;
		ru->lead_sig = sh->lead_sig;
	} else if (sh) {
		*sh = (norm_shape_t){1, ru->W, ru->wrapped, ru->noblank, ru->dbl, ru->trail_sig, ru->lead_sig};
	}
}
