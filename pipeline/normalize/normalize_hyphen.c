/*
 * normalize_hyphen.c — pass 3 of the normalizer (normalize_int.h): how
 * each line joins the next (space, nothing, a kept hyphen, a suspended
 * compound, a new line or paragraph), with the document's own evidence
 * and the spelling dictionary for ambiguous line-end hyphens.
 */
#include "normalize_int.h"

/* ---- pass 3: joins and hyphens ---- */

static bool is_conj(const run_t *ru, const unsigned char *s, size_t n)
{
	return lw_is(&ru->nz->lw.c[LW_CONJ], s, n);
}

/* Characters of the first word of a line. */
static unsigned first_word(const unsigned char *t, const nline_t *l)
{
	unsigned c = 0;
	for (size_t i = l->s; i < l->e && t[i] != ' ' && t[i] != '\t'; i++)
		c += !is_cont(t[i]);
	return c;
}

int32_t first_cp(const run_t *ru, const nline_t *l)
{
	int m;
	return cp_at(ru->t, l->e, l->s, &m);
}

static int32_t last_cp(const run_t *ru, const nline_t *l, size_t *at)
{
	size_t j = cp_back(ru->t, l->s, l->e);
	int m;
	if (at)
		*at = j;
	return cp_at(ru->t, l->e, j, &m);
}

/* Kind of line-end hyphen of line l: 0 none, 1 '-', 2 U+2010, 3 soft hyphen.
 * *hp is where the hyphen starts. */
int line_hyphen(const run_t *ru, const nline_t *l, size_t *hp)
{
	const unsigned char *t = ru->t;
	size_t e = l->e;
	int kind = 0;
	if (e - l->s >= 2 && t[e - 1] == '-') {
		*hp = e - 1;
		kind = 1;
	} else if (e - l->s >= 4 && t[e - 3] == 0xE2 && t[e - 2] == 0x80 && t[e - 1] == 0x90) {
		*hp = e - 3;
		kind = 2;
	} else if (e - l->s >= 3 && t[e - 2] == 0xC2 && t[e - 1] == 0xAD) {
		*hp = e - 2;
		return 3;
	} else {
		return 0;
	}
	size_t j = cp_back(t, l->s, *hp);
	int m;
	int32_t c = cp_at(t, *hp, j, &m);
	if (!(cp_alpha(c) || cp_digit(c)))
		return 0;
	return kind;
}

/* Fragment bounds: letters/digits left of the hyphen, right at B's start. */
static void fragments(const run_t *ru, const nline_t *A, size_t hp, const nline_t *B,
                      size_t *ls, size_t *rs, size_t *re)
{
	const unsigned char *t = ru->t;
	size_t i = hp;
	while (i > A->s && hp - i < 200) {
		size_t j = cp_back(t, A->s, i);
		int m;
		int32_t c = cp_at(t, i, j, &m);
		if (!(cp_alpha(c) || cp_digit(c)))
			break;
		i = j;
	}
	*ls = i;
	i = B->s;
	while (i < B->e && i - B->s < 200) {
		int m;
		int32_t c = cp_at(t, B->e, i, &m);
		if (!(cp_alpha(c) || cp_digit(c)))
			break;
		i += (size_t)m;
	}
	*rs = B->s;
	*re = i;
}

static bool all_upper(const unsigned char *t, size_t s, size_t e)
{
	size_t k = 0;
	for (size_t i = s; i < e;) {
		int m;
		int32_t c = cp_at(t, e, i, &m);
		if (!cp_upper(c))
			return false;
		i += (size_t)m;
		k++;
	}
	return k >= 2;
}

static size_t ncp(const unsigned char *t, size_t s, size_t e)
{
	size_t k = 0;
	for (size_t i = s; i < e; i++)
		k += !is_cont(t[i]);
	return k;
}

/* Dictionary verdict about L|R (W_DICT_* or 0 without a dictionary),
 * memoised per normalizer.  Hunspell is asked lazily: most joined forms
 * are words, and then one lookup decides. */
static uint8_t dict_verdict(normalizer_t *nz, const unsigned char *t, size_t ls, size_t le,
                            size_t rs, size_t re)
{
	if (!nz->hs || le - ls + re - rs + 2 > sizeof nz->word)
		return 0;
	uint64_t h = FNV_OFF;
	for (size_t i = ls; i < le; i++)
		h = fnv_step(h, t[i]);
	h = fnv_step(h, '|');
	for (size_t i = rs; i < re; i++)
		h = fnv_step(h, t[i]);
	h = fnv_fin(h);
	size_t mask = MEMO_SLOTS - 1, p = (size_t)h & mask;
	/* A remembered verdict costs the budget like a lookup the first time
	 * a document asks for it, so that what a document gets does not
	 * depend on the documents this normalizer saw before it. */
	while (nz->memo[p].h) {
		if (nz->memo[p].h == h) {
			if (nz->memo[p].run != nz->run) {
				if (nz->dict_budget == 0)
					return W_NO_BUDGET;
				nz->dict_budget--;
				nz->memo[p].run = nz->run;
			}
			return nz->memo[p].v;
		}
		p = (p + 1) & mask;
	}
	if (nz->dict_budget == 0)
		return W_NO_BUDGET;
	nz->dict_budget--;
	/* Cheapest questions first: a fragment that is no word (most right
	 * parts of a broken word: "lingarna", "tivt") is answered in a few
	 * microseconds, a compound joined form may take a hundred. */
	char *w = nz->word;
	size_t ll = le - ls, rl = re - rs;
	uint8_t v;
	memcpy(w, t + rs, rl);
	w[rl] = '\0';
	if (!dict_spell(nz->hs, w)) {
		v = W_DICT_NORIGHT;
	} else {
		memcpy(w, t + ls, ll);
		w[ll] = '\0';
		if (!dict_spell(nz->hs, w)) {
			/* a capitalised non-word before a word ("Laf-|tak",
			 * "Covid-|vård") is a name in a compound, unless the
			 * joined form is a word after all */
			v = W_DICT_NOLEFT;
			int m0;
			if (cp_upper(cp_at(t, le, ls, &m0))) {
				memcpy(w + ll, t + rs, rl);
				w[ll + rl] = '\0';
				if (!dict_spell(nz->hs, w))
					v = W_DICT_NAME;
			}
		} else {
			memcpy(w + ll, t + rs, rl);
			w[ll + rl] = '\0';
			v = dict_spell(nz->hs, w) ? W_DICT_JOIN : W_DICT_HALVES;
		}
	}
	if (nz->memo_n * 4 >= MEMO_SLOTS * 3) {
		memset(nz->memo, 0, MEMO_SLOTS * sizeof *nz->memo);
		nz->memo_n = 0;
		p = (size_t)h & mask;
	}
	nz->memo[p].h = h;
	nz->memo[p].run = nz->run;
	nz->memo[p].v = v;
	nz->memo_n++;
	return v;
}

/* Decide a line-end hyphen from shape alone.  Returns SEP_*, 0 when the
 * document and dictionary must be asked (why untouched), or -1 when the
 * line end is not a word hyphen after all. */
static int hyphen_shape(const run_t *ru, const nline_t *A, size_t hp, const nline_t *B, uint8_t *why)
{
	const unsigned char *t = ru->t;
	size_t ls, rs, re;
	fragments(ru, A, hp, B, &ls, &rs, &re);
	if (re == rs) {
		if (t[B->s] == ',' || t[B->s] == '/') {
			*why = W_SUSP;
			return SEP_KEEP;
		}
		*why = W_PUNCT;
		return SEP_KEEP;
	}
	if (is_conj(ru, t + rs, re - rs) && (re == B->e || t[re] == ' ' || t[re] == '\t' || t[re] == ',')) {
		*why = W_SUSP;
		return SEP_SUSP;
	}
	size_t j = cp_back(t, ls, hp);
	int m;
	int32_t lc = cp_at(t, hp, j, &m);
	int32_t rc = cp_at(t, re, rs, &m);
	if (cp_digit(lc) && cp_upper(rc))
		return -1; /* "2020-10-" then "Kenneth …": a dangling date, no word */
	if (cp_digit(lc) || cp_digit(rc)) {
		*why = W_DIGIT;
		return SEP_KEEP;
	}
	if (ncp(t, ls, hp) == 1) {
		*why = W_SINGLE;
		return SEP_KEEP;
	}
	bool lu = all_upper(t, ls, hp), ru_ = all_upper(t, rs, re);
	if (lu && !ru_) {
		*why = W_ACRONYM;
		return SEP_KEEP;
	}
	(void)rc;
	return 0;
}

static int hyphen_evidence(run_t *ru, const nline_t *A, size_t hp, const nline_t *B,
                           const hyq_t *q, uint8_t *why)
{
	const unsigned char *t = ru->t;
	size_t ls, rs, re;
	fragments(ru, A, hp, B, &ls, &rs, &re);
	if (q && q->jc > 0 && q->hc == 0) {
		*why = W_DOC_JOIN;
		return SEP_JOIN;
	}
	if (q && q->hc > 0 && q->jc == 0) {
		*why = W_DOC_HYPH;
		return SEP_KEEP;
	}
	int m;
	int32_t rc = cp_at(t, re, rs, &m);
	if (cp_upper(rc)) {
		/* "Luleå-|Boden", "OPF-|KR": a capital after the break */
		*why = W_CAPITAL;
		return SEP_KEEP;
	}
	uint8_t v = dict_verdict(ru->nz, t, ls, hp, rs, re);
	if (v == W_DICT_HALVES || v == W_DICT_NAME) {
		*why = v;
		return SEP_KEEP;
	}
	*why = v ? v : W_DEFAULT_JOIN;
	return SEP_JOIN;
}

static bool ends_sentence(int32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

/* B looks like a heading: short, no final punctuation, the next line
 * starts with a capital or B is followed tight (double-spaced docs). */
static bool heading_like(const run_t *ru, size_t bi)
{
	const nline_t *B = &ru->L[bi];
	if (B->clen * 2 > ru->W || (B->flags & LF_ITEM))
		return false;
	int32_t c = last_cp(ru, B, NULL);
	if (ends_sentence(c) || c == ',' || c == '-')
		return false;
	size_t ci = bi + 1;
	while (ci < ru->n && (ru->L[ci].flags & LF_FURN))
		ci++;
	if (ci >= ru->n)
		return true;
	const nline_t *C = &ru->L[ci];
	int32_t f = first_cp(ru, C);
	if (cp_lower(f))
		return false;
	return true;
}

/* Line l ends with a word no sentence ends with: a preposition, a
 * conjunction or an article ("… del av Norrås 4:12 till" / "Nordlog
 * Fastigheter AB …"). */
/* "§ 351 Ärendenummer SLK-2025-00091": a § heading with its registry
 * number (a word of class dnr right after the number) is a heading
 * wherever it stands, never the end of the line before it. */
static bool sect_dnr(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	if (n < 3 || s[0] != 0xC2 || s[1] != 0xA7)
		return false;
	size_t i = 2;
	while (i < n && s[i] == ' ')
		i++;
	size_t d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d || i - d > 4 || i == n || s[i] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	size_t w = lw_starts_ci(&ru->nz->lw.c[LW_DNR], s + i, n - i);
	return w && i + w < n && (s[i + w] == ' ' || s[i + w] == ':');
}

static bool dangling_word(const run_t *ru, const nline_t *l)
{
	const wordlist_t *w = &ru->nz->lw.c[LW_DANGLING];
	size_t e = l->e, b = e;
	while (b > l->s && ru->t[b - 1] != ' ' && ru->t[b - 1] != '\t' && e - b < w->maxlen)
		b--;
	if (b > l->s && ru->t[b - 1] != ' ' && ru->t[b - 1] != '\t')
		return false;
	if (b == l->s)
		return false;
	return lw_is(w, ru->t + b, e - b);
}

/* Line l ends with "att": "… beslutar att" leads into numbered points as
 * often as "att" continues a sentence. */
static bool dangling_att(const run_t *ru, const nline_t *l)
{
	return lw_ends_word(&ru->nz->lw.c[LW_POINT], ru->t + l->s, l->e - l->s);
}

/* Line l ends on the lead-in of a decision: "… beslutar", "… besluta",
 * "… föreslår", "… följande" (points follow on the next lines). */
static bool lead_in_end(const run_t *ru, const nline_t *l)
{
	return lw_ends_word(&ru->nz->lw.c[LW_LEAD_IN], ru->t + l->s, l->e - l->s) || dangling_att(ru, l);
}

static uint32_t item_mark(const run_t *ru, const nline_t *l);
static bool mark_next(uint32_t a, uint32_t b);

/* Line bi is a "1." (or "a)", "(1)") that a "2." of the same style
 * follows within the next lines: the first point of a list, whatever
 * the line before it ("… beslutar\n1. att …"). */
static bool list_starts(const run_t *ru, size_t bi, size_t n)
{
	const nline_t *L = ru->L;
	uint32_t m = item_mark(ru, &L[bi]);
	if (!m || (m >> 24) > 3 || (m & 0xFFFFu) != 1)
		return false;
	size_t end = bi + 40 < n ? bi + 40 : n;
	for (size_t j = bi + 1; j < end; j++) {
		if (L[j].flags & LF_FURN)
			continue;
		if ((L[j].flags & LF_ITEM) && mark_next(m, item_mark(ru, &L[j])))
			return true;
		if (L[j].flags & (LF_SECT | LF_HEAD))
			return false;
	}
	return false;
}

/* The marker of a numbered point or bullet, for numbering sequences:
 * kind << 24 | style << 16 | value ("2." -> 1,'.',2; "b)" -> 2,')',2;
 * "(3)" -> 3,')',3; "– " -> 4,dash,0); 0 if the line has none. */
static uint32_t item_mark(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s;
	long v;
	size_t k = digits_at(s, n, 0, &v);
	if (k && k <= 2 && k + 1 < n && (s[k] == '.' || s[k] == ')'))
		return 1u << 24 | (uint32_t)s[k] << 16 | (uint32_t)v;
	if (n >= 3 && s[1] == ')' && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 2u << 24 | (uint32_t)(s[0] >= 'a' ? 'a' : 'A') << 16 | (uint32_t)((s[0] | 0x20) - 'a' + 1);
	if (n >= 4 && s[0] == '(' && digits_at(s, n, 1, &v) && v < 100)
		return 3u << 24 | (uint32_t)')' << 16 | (uint32_t)v;
	if (att_marker(&ru->nz->lw, s, n) || ((l->flags & LF_ITEM) && starts_att(ru, l)))
		return ATT_MARK; /* every "att" the same mark */
	int m;
	int32_t c = cp_at(s, n, 0, &m);
	return 4u << 24 | ((uint32_t)c & 0xFFFFu);
}

/* b continues the numbering of a: the same kind and style, the next
 * number ("1." then "2.", "a)" then "b)"), or the same bullet again. */
static bool mark_next(uint32_t a, uint32_t b)
{
	if (!a || !b || (a >> 16) != (b >> 16))
		return false;
	return (a >> 24) == 4 ? (a & 0xFFFFu) == (b & 0xFFFFu) : (b & 0xFFFFu) == (a & 0xFFFFu) + 1;
}

/* Where the text of a point starts, in characters from the start of its
 * line's content: past the marker and the space after it ("1. ", "a) ",
 * "– "); 0 if the line has no marker. */
static unsigned mark_width(const run_t *ru, const nline_t *l)
{
	const unsigned char *s = ru->t + l->s;
	size_t n = l->e - l->s, i = 0;
	long v;
	size_t k = digits_at(s, n, 0, &v);
	if (k)
		i = k + 1;
	else if (att_marker(&ru->nz->lw, s, n) || ((l->flags & LF_ITEM) && starts_att(ru, l)))
		i = 3;
	else if (n >= 2 && s[1] == ')')
		i = 2;
	else if (s[0] == '(') {
		while (i < n && s[i] != ')' && i < 5)
			i++;
		i++;
	} else {
		int m;
		(void)cp_at(s, n, 0, &m);
		i = (size_t)m;
	}
	if (i > n)
		return 0;
	unsigned c = (unsigned)count_chars(s, 0, i);
	while (i < n && (s[i] == ' ' || s[i] == '\t')) {
		i++;
		c++;
	}
	return c;
}

/* A title's last lines may open in capitals or digits ("Genomförandebeslut
 * avseende inhyrning av" / "Masthuggskajens förskola", "… i nära
 * relationer" / "2024–2027"): line bi goes on with the title when the
 * decision heading follows within three lines, all set tight, and no line
 * up to it is a heading, a point or a finished sentence. */
static bool title_ahead(const run_t *ru, size_t bi)
{
	const nline_t *L = ru->L;
	size_t seen = 0;
	for (size_t j = bi; j < ru->n && seen < 4; j++) {
		const nline_t *c = &L[j];
		if (c->flags & LF_FURN)
			continue;
		if (c->gap > 0)
			return false; /* set tight, as a title is */
		if (j > bi && decision_heading(ru, c))
			return true;
		if ((c->flags & (LF_SECT | LF_DNR | LF_ITEM | LF_HEAD)) || c->clen > ru->W + 4 ||
		    ends_sentence(last_cp(ru, c, NULL)))
			return false;
		seen++;
	}
	return false;
}

void decide(run_t *ru)
{
	nline_t *L = ru->L;
	size_t n = ru->n;
	normalizer_t *nz = ru->nz;
	bool title = false, item = false;
	bool htitle = false; /* in the title under a heading line with more on it than the § */
	uint32_t mark = 0; /* marker of the point the current line belongs to, 0 if none */
	unsigned hang = 0; /* column where the text of that point starts, 0 if unknown */
	unsigned title_lines = 0;
	size_t ai = n, nhq = 0;
	/* traces found here become page events; keep them apart and merge */
	pevent_t *tr = NULL;
	size_t ntr = 0, trcap = 0;
	for (size_t bi = 0; bi < n; bi++) {
		if (L[bi].flags & LF_FURN)
			continue;
		if (ai == n) {
			ai = bi;
			item = (L[bi].flags & LF_ITEM) != 0;
			mark = item ? item_mark(ru, &L[bi]) : 0;
			hang = (L[bi].flags & LF_ITEM) ? L[bi].lead + mark_width(ru, &L[bi]) : 0;
			if (L[bi].flags & LF_SECT)
				title = false;
			continue;
		}
		nline_t *A = &L[ai], *B = &L[bi];
		uint8_t sep = SEP_PARA, why = W_DELIB;
		size_t hp = 0;
		int hk = line_hyphen(ru, A, &hp);
		int32_t bc = first_cp(ru, B);
		uint8_t hwhy = 0;
		int hs = -1;
		int32_t ac = last_cp(ru, A, NULL);
		/* "att …" points set without a column gap: a line opening with
		 * "att" after a blank line, where the line before leads in ("…
		 * beslutar") or ends a point of the same list with a comma */
		if (!(B->flags & LF_ITEM) && B->gap >= 1 && starts_att(ru, B) &&
		    (lead_in_end(ru, A) || ((ac == ',' || ac == ';' || lw_ends_word(&ru->nz->lw.c[LW_POINT_JOIN], ru->t + A->s, A->e - A->s)) &&
		                            mark == ATT_MARK)))
			B->flags |= LF_ITEM;
		bool blower = cp_lower(bc);
		/* "would B's first word have fitted after A?"  Proportional type
		 * makes W approximate: a line ending a sentence must be well
		 * filled and nearly at W; others get 10 % slack. */
		unsigned fw = first_word(ru->t, B);
		/* a heading set in columns ("§ 22      Dnr KS 2024/0612") is
		 * long by its padding, not because it filled the measure */
		bool measured = ru->wrapped &&
		                !((A->flags & LF_HEAD) && has_col_gap(ru->t + A->s, A->e - A->s)) &&
		                !wide_gap(ru->t + A->s, A->e - A->s); /* nor is a row of a table */
		bool full_strict = measured && A->clen + 1 + fw > ru->W && A->clen * 20 >= ru->W * 17;
		bool full_loose = measured && (A->clen + 1 + fw) * 10 > ru->W * 9 && A->clen * 10 >= ru->W * 8;
		bool paramark = ru->trail_sig && A->trail >= 2;
		/* a line indented to where the text of the point above starts
		 * ("1. Fastigheten … för" / "   6 400 000 kronor …") continues
		 * that point: a hanging indent, neither a bullet nor a page break */
		bool hanging = item && hang >= 2 && !(B->flags & (LF_ITEM | LF_SECT | LF_DNR | LF_HEAD)) &&
		               B->lead >= 2 && (unsigned)B->lead + 1 >= hang && B->lead <= hang + 1;
		bool leadb = ru->wrapped && ru->lead_sig && B->lead >= 1 && !(B->flags & (LF_SECT | LF_DNR)) &&
		             !hanging;
		/* a number after "för", "till", "och" is the sentence's
		 * ("… för\n6 400 000 kronor", "… till och med\n2. kvartalet"),
		 * unless it continues a numbering or the line leads into points
		 * ("… beslutar att\n1. …") */
		bool numtext = (B->flags & LF_NUMITEM) && cp_digit(bc) && dangling_word(ru, A) &&
		               !dangling_att(ru, A) && !mark_next(mark, item_mark(ru, B)) && !list_starts(ru, bi, n);
		bool ff_between = (B->flags & LF_FF) != 0;
		bool trace = false;
		if (hk == 1 || hk == 2) {
			if (!(B->flags & (LF_ITEM | LF_SECT)) && !(A->flags & LF_SECT) &&
			    !(leadb && !blower && !cp_digit(bc)))
				hs = hyphen_shape(ru, A, hp, B, &hwhy);
		}
		if (cp_digit(bc) && ends_with_kap(ru, A)) {
			/* "… enligt 5 kap.\n18 § plan- och bygglagen": a law cited */
			sep = SEP_SPACE;
			why = W_COMMA;
		} else if ((B->flags & LF_SECT) && ac == ',' && !(A->flags & (LF_SECT | LF_HEAD))) {
			/* "… som fullmäktige fastställde 2017-11-21,\n§ 142." (a page
			 * break before it): a citation going on, not a heading */
			sep = SEP_SPACE;
			why = W_COMMA;
		} else if (B->flags & LF_SECT) {
			sep = SEP_PARA;
			why = W_SECT;
			title = false;
		} else if (A->flags & LF_SECT) {
			sep = SEP_PARA;
			why = W_AFTER_SECT;
			title = true;
			title_lines = 0;
		} else if (hk == 3) {
			sep = SEP_JOIN;
			why = W_SHY;
		} else if (hs >= 0) {
			if (hs) {
				sep = (uint8_t)hs;
				why = hwhy;
			} else {
				sep = SEP_JOIN; /* provisional */
				why = W_NONE;
				GROW(nz->hq, nz->hq_cap, nhq + 1);
				hyq_t *q = &nz->hq[nhq++];
				memset(q, 0, sizeof *q);
				q->line = (uint32_t)ai;
			}
			if (leadb)
				trace = true;
		} else if (title) {
			if (B->flags & LF_DNR) {
				sep = SEP_PARA;
				why = W_DNR;
				title = false;
			} else if (B->flags & LF_ITEM) {
				sep = SEP_PARA;
				why = W_TITLE_END;
				title = false;
			} else if (!ends_sentence(ac) && title_lines < 6 && !decision_heading(ru, B) &&
			           (blower || (ru->dbl && B->gap == 0 && !(A->flags & LF_DNR)) ||
			            (B->gap <= 1 && caps_line(ru, A) && caps_line(ru, B)) ||
			            (!(A->flags & LF_DNR) && title_ahead(ru, bi)))) {
				/* (a title in capitals goes on in capitals, across the
				 * blank line of a double-spaced extraction) */
				sep = SEP_SPACE;
				why = W_TITLE;
				title_lines++;
			} else {
				sep = SEP_PARA;
				why = W_TITLE_END;
				title = false;
			}
		} else if (htitle && !(A->flags & LF_HEADLEAD) && !ends_sentence(ac) && title_lines < 6 &&
		           !decision_heading(ru, B) && title_ahead(ru, bi)) {
			/* the title under a heading line that carries the
			 * registry number ("§ 48 Ärendenummer SLK-2023-01060" /
			 * "Genomförandebeslut avseende inhyrning av" /
			 * "Masthuggskajens förskola" / "Beslut") */
			sep = SEP_SPACE;
			why = W_TITLE;
			title_lines++;
		} else if ((B->flags & LF_HEADLEAD) && !blower && (ends_sentence(ac) || sect_dnr(ru, B))) {
			/* "… enligt bilaga." / "§ 23      Dnr KS 2024/0877": a heading
			 * after a finished sentence starts its own paragraph, however
			 * full the line before */
			sep = SEP_PARA;
			why = W_HEADLINE;
		} else if (paramark && !blower) {
			sep = SEP_PARA;
			why = W_PARAMARK;
		} else if (hanging) {
			sep = SEP_SPACE;
			why = W_HANG;
		} else if (numtext) {
			sep = SEP_SPACE;
			why = W_NUMTEXT;
		} else if ((B->flags & LF_ITEM) &&
		           !((B->flags & LF_NUMITEM) && full_loose && !ends_sentence(ac) && ac != ')' &&
		             !mark_next(mark, item_mark(ru, B)) && !list_starts(ru, bi, n) && !lead_in_end(ru, A))) {
			/* a marker that also occurs in running text ("till\n6. Dessa")
			 * after a full line is text, unless it continues the
			 * numbering of the point before ("1. … till 2022,\n2. …") */
			sep = (ac == ':' || item || (!ends_sentence(ac) && ac != ')')) ? SEP_NL : SEP_PARA;
			why = W_ITEM;
		} else if (leadb) {
			bool cont = (blower || ac == ',' || (cp_digit(bc) && dangling_word(ru, A))) && full_loose &&
			            !ends_sentence(ac) && !paramark;
			if (cont) {
				sep = SEP_SPACE;
				why = W_TRACE;
				trace = true;
			} else {
				sep = (ac == ':' || item || (!ends_sentence(ac) && ac != ')')) ? SEP_NL : SEP_PARA;
				why = W_LEADBULLET;
			}
		} else if ((blower || bc == '(' || bc == ')' || bc == ',' || bc == ';') &&
		           !(ac == ':' && !full_loose) && !(bc == '(' && ends_sentence(ac)) &&
		           !(bc == '(' && one_cap_word(ru, A))) {
			/* ("Reservationer\n(M)-ledamöterna …": a heading word, then
			 * a line that starts with a party code) */
			sep = SEP_SPACE;
			why = W_LOWER;
		} else if (ac == ',' && !(B->flags & LF_DNR)) {
			sep = SEP_SPACE;
			why = W_COMMA;
		} else if (!(B->flags & (LF_DNR | LF_HEAD)) && (B->gap == 0 || (ru->dbl && B->gap == 1)) &&
		           (((A->clen + 1 + fw) * 10 > ru->W * 9 && A->clen * 10 >= ru->W * 8) ||
		            (cp_digit(bc) && !(B->flags & (LF_ITEM | LF_SECT)) && !dangling_att(ru, A))) &&
		           dangling_word(ru, A)) {
			/* the typesetter's test without the measure's certainty
			 * (a page of tables is not "wrapped"): a long line that
			 * ends on "till" goes on; so does any line that ends on it
			 * before a number that is no point ("… kommunbidrag om\n1,5
			 * mnkr") */
			sep = SEP_SPACE;
			why = W_DANGLING;
		} else if (B->flags & LF_DNR) {
			sep = SEP_PARA;
			why = W_DNR;
		} else if (B->gap == 1 && full_loose && A->clen * 10 >= ru->W * 9 && !ends_sentence(ac) &&
		           ac != ':' && !(B->flags & (LF_ITEM | LF_HEAD)) && !heading_like(ru, bi) &&
		           (inner_punct(ru, A) || cp_digit(bc) || name_split(ru, A, B))) {
			/* a full line that ends mid-sentence goes on after a blank
			 * line (extractions that put blank lines after most lines
			 * but not after headings are not "double spaced") */
			sep = SEP_SPACE;
			why = W_FULL;
		} else if ((!ru->dbl || !ru->wrapped) && B->gap >= 1) {
			sep = SEP_PARA;
			why = W_DELIB;
		} else if (ends_sentence(ac)) {
			if (full_strict && !paramark && ac != ':' && !(item && !cp_lower(bc))) {
				if (heading_like(ru, bi)) {
					why = W_HEADNEXT;
				} else {
					sep = SEP_SPACE;
					why = W_FULL;
				}
			}
		} else if (full_loose && !decision_heading(ru, B) && !(item && cp_upper(bc) && B->clen * 10 >= ru->W * 8 && ends_sentence(ac))) {
			sep = SEP_SPACE;
			why = W_FULL;
		}
		/* a deliberate end without a blank line is a line of the same
		 * paragraph, unless the text has no blank lines to tell */
		if (sep == SEP_PARA && (why == W_DELIB || why == W_HEADNEXT) && (!ru->dbl || !ru->wrapped) &&
		    B->gap == 0 && !ru->noblank)
			sep = SEP_NL;
		if (trace && !ff_between) {
			GROW(tr, trcap, ntr + 1);
			tr[ntr++] = (pevent_t){(uint32_t)bi, -1, -1};
		}
		A->sep = sep;
		A->why = why;
		if (A->flags & LF_HEADLEAD) {
			htitle = true;
			title_lines = 0;
		} else if (sep == SEP_NL || sep == SEP_PARA) {
			htitle = false;
		}
		if (sep == SEP_NL || sep == SEP_PARA) {
			item = (B->flags & LF_ITEM) || (leadb && why == W_LEADBULLET) ||
			       (leadb && why == W_ITEM);
			mark = (B->flags & LF_ITEM) ? item_mark(ru, B) : 0;
			hang = (B->flags & LF_ITEM) ? B->lead + mark_width(ru, B) : 0;
			if (B->flags & LF_SECT)
				title = false;
		}
		ai = bi;
	}
	if (ai < n) {
		L[ai].sep = SEP_END;
		L[ai].why = W_LAST;
	}
	ru->nhq = nhq;
	/* merge trace events into the sorted event list */
	if (ntr) {
		size_t total = ru->nev + ntr;
		pevent_t *m = xmalloc(total * sizeof *m);
		size_t i = 0, j = 0, o = 0;
		while (i < ru->nev || j < ntr) {
			if (j >= ntr || (i < ru->nev && nz->ev[i].line <= tr[j].line)) {
				if (j < ntr && i < ru->nev && nz->ev[i].line == tr[j].line)
					j++;
				m[o++] = nz->ev[i++];
			} else {
				m[o++] = tr[j++];
			}
		}
		free(nz->ev);
		nz->ev = m;
		nz->ev_cap = total;
		ru->nev = o;
	}
	free(tr);
}

/* Page breaks that left only a leading space on a new page's first line.
 * Those that continue a sentence were found by decide(); one that starts
 * a paragraph looks like a bullet whose glyph was lost.  Pages have a
 * rhythm, though: where the known breaks are much further apart than the
 * median page, a leading-space line about one page length after the last
 * break is taken as the next one. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void page_rhythm(run_t *ru)
{
	normalizer_t *nz = ru->nz;
	const nline_t *L = ru->L;
	size_t n = ru->n, nev = ru->nev;
	if (!ru->wrapped || !ru->lead_sig || nev < 4)
		return;
	uint32_t *d = xmalloc((nev - 1) * sizeof *d);
	for (size_t i = 0; i + 1 < nev; i++)
		d[i] = nz->ev[i + 1].line - nz->ev[i].line;
	qsort(d, nev - 1, sizeof *d, cmp_u32);
	uint32_t P = d[(nev - 1) / 2];
	free(d);
	if (P < 10)
		return;
	pevent_t *add = NULL;
	size_t nadd = 0, cap = 0;
	/* before the first known break, walking backwards */
	for (uint32_t prev = nz->ev[0].line;;) {
		if (prev < P * 6 / 5 + P / 2)
			break;
		uint32_t hi = prev - P * 4 / 5, lo = prev - P * 6 / 5, c = hi, found = 0;
		for (; c > lo; c--) {
			const nline_t *l = &L[c];
			if (l->lead >= 1 && !(l->flags & (LF_FURN | LF_SECT | LF_DNR | LF_ITEM)) &&
			    L[c - 1].lead == 0) {
				found = 1;
				break;
			}
		}
		if (found) {
			GROW(add, cap, nadd + 1);
			add[nadd++] = (pevent_t){c, -1, -1};
			prev = c;
		} else {
			prev -= P;
		}
	}
	for (size_t i = 0; i < nadd / 2; i++) {
		pevent_t x = add[i];
		add[i] = add[nadd - 1 - i];
		add[nadd - 1 - i] = x;
	}
	for (size_t k = 0; k < nev; k++) {
		uint32_t prev = nz->ev[k].line;
		uint32_t next = k + 1 < nev ? nz->ev[k + 1].line : (uint32_t)n;
		if ((uint64_t)(next - prev) * 2 <= (uint64_t)P * 3)
			continue;
		for (;;) {
			uint32_t lo = prev + P * 4 / 5, hi = prev + P * 6 / 5;
			uint32_t stop = next > P / 2 ? next - P / 2 : 0;
			if (lo >= stop)
				break;
			if (hi > stop)
				hi = stop;
			uint32_t c = lo, found = 0;
			for (; c < hi; c++) {
				const nline_t *l = &L[c];
				if (l->lead >= 1 && !(l->flags & (LF_FURN | LF_SECT | LF_DNR | LF_ITEM)) &&
				    (c == 0 || L[c - 1].lead == 0)) {
					found = 1;
					break;
				}
			}
			if (found) {
				GROW(add, cap, nadd + 1);
				add[nadd++] = (pevent_t){c, -1, -1};
				prev = c;
			} else {
				prev += P;
			}
		}
	}
	if (nadd) {
		size_t total = nev + nadd, i = 0, j = 0, o = 0;
		pevent_t *m = xmalloc(total * sizeof *m);
		while (i < nev || j < nadd)
			m[o++] = (j >= nadd || (i < nev && nz->ev[i].line <= add[j].line)) ? nz->ev[i++] : add[j++];
		free(nz->ev);
		nz->ev = m;
		nz->ev_cap = total;
		ru->nev = o;
	}
	free(add);
}

/* ---- document evidence for ambiguous hyphens ---- */

/* Pre-filter features of a word: folded first byte, second byte, last two
 * bytes and length.  Second and last bytes are not folded: only the first
 * letter of a word changes case in running text. */
static inline uint32_t bloom_feat(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a | (uint32_t)b << 8 | (uint32_t)c << 16 | (uint32_t)d << 24;
}

static inline unsigned bloom_bucket(uint32_t f, size_t len)
{
	uint64_t x = ((uint64_t)f << 8 | (len & 0xFF)) * 0x9E3779B97F4A7C15ull;
	return (unsigned)(x >> 48);
}

void gather_evidence(run_t *ru)
{
	normalizer_t *nz = ru->nz;
	const unsigned char *t = ru->t;
	size_t nq = ru->nhq;
	if (!nq)
		return;
	/* the set of wanted forms, sized by distinct forms (a long input
	 * repeats its words) so that it stays in cache during the scan */
	size_t cap = 1024, used = 0;
	qslot_t *tab = xcalloc(cap, sizeof *tab);
	uint64_t lenmask = 0;
	/* cheap pre-filter on (length, first byte, last byte) before hashing */
	uint64_t *bloom = xcalloc(1024, sizeof *bloom);
	for (size_t i = 0; i < nq; i++) {
		hyq_t *q = &nz->hq[i];
		const nline_t *A = &ru->L[q->line];
		size_t bi = q->line + 1;
		while (ru->L[bi].flags & LF_FURN)
			bi++;
		const nline_t *B = &ru->L[bi];
		size_t hp = A->e - 1;
		if (t[hp] != '-')
			hp = A->e - 3;
		size_t ls, rs, re;
		fragments(ru, A, hp, B, &ls, &rs, &re);
		uint64_t hj = FNV_OFF, hh;
		for (size_t k = ls; k < hp; k++)
			hj = fnv_step(hj, fold_byte(t, k, hp));
		hh = fnv_step(hj, '-');
		for (size_t k = rs; k < re; k++) {
			unsigned char b = fold_byte(t, k, re);
			hj = fnv_step(hj, b);
			hh = fnv_step(hh, b);
		}
		q->hj = fnv_fin(hj);
		q->hh = fnv_fin(hh);
		size_t jl = (hp - ls) + (re - rs);
		lenmask |= 1ull << (jl < 63 ? jl : 63);
		lenmask |= 1ull << (jl + 1 < 63 ? jl + 1 : 63);
		if (hp - ls >= 2 && re - rs >= 2) {
			uint32_t f = bloom_feat(fold_byte(t, ls, hp), t[ls + 1], t[re - 2], t[re - 1]);
			for (size_t x = jl; x <= jl + 1; x++) {
				unsigned bk = bloom_bucket(f, x);
				bloom[bk >> 6] |= 1ull << (bk & 63);
			}
		} else {
			memset(bloom, 0xFF, 1024 * sizeof *bloom);
		}
		uint64_t hs[2] = {q->hj, q->hh};
		for (int k = 0; k < 2; k++) {
			size_t p = (size_t)hs[k] & (cap - 1);
			while (tab[p].used && tab[p].h != hs[k])
				p = (p + 1) & (cap - 1);
			if (tab[p].used)
				continue;
			tab[p].used = 1;
			tab[p].h = hs[k];
			if (++used * 2 > cap) {
				size_t ncap = cap * 2;
				qslot_t *nt = xcalloc(ncap, sizeof *nt);
				for (size_t o = 0; o < cap; o++) {
					if (!tab[o].used)
						continue;
					size_t x = (size_t)tab[o].h & (ncap - 1);
					while (nt[x].used)
						x = (x + 1) & (ncap - 1);
					nt[x] = tab[o];
				}
				free(tab);
				tab = nt;
				cap = ncap;
			}
		}
	}
	/* one scan: tokens are runs of word bytes joined by inner hyphens */
	const unsigned char *cur = t, *end = t + ru->len;
	while (cur < end) {
		while (cur < end && word_class[*cur] != 1)
			cur++;
		if (cur == end)
			break;
		const unsigned char *w0 = cur;
		for (;;) {
			while (cur < end && word_class[*cur])
				cur++;
			if (cur + 1 < end && *cur == '-' && word_class[cur[1]] == 1) {
				cur++;
				continue;
			}
			break;
		}
		size_t s = (size_t)(w0 - t), i = (size_t)(cur - t);
		size_t tl = i - s;
		if (!(lenmask & (1ull << (tl < 63 ? tl : 63))))
			continue;
		if (tl >= 2) {
			unsigned bk = bloom_bucket(bloom_feat(fold_byte(t, s, i), t[s + 1], t[i - 2], t[i - 1]), tl);
			if (!(bloom[bk >> 6] >> (bk & 63) & 1))
				continue;
		}
		uint64_t h = FNV_OFF;
		for (size_t k = s; k < i; k++)
			h = fnv_step(h, fold_byte(t, k, i));
		h = fnv_fin(h);
		size_t p = (size_t)h & (cap - 1);
		while (tab[p].used) {
			if (tab[p].h == h) {
				tab[p].count++;
				break;
			}
			p = (p + 1) & (cap - 1);
		}
	}
	for (size_t k = 0; k < nq; k++) {
		hyq_t *q = &nz->hq[k];
		uint64_t hs[2] = {q->hj, q->hh};
		uint32_t c[2] = {0, 0};
		for (int x = 0; x < 2; x++) {
			size_t p = (size_t)hs[x] & (cap - 1);
			while (tab[p].used) {
				if (tab[p].h == hs[x]) {
					c[x] = tab[p].count;
					break;
				}
				p = (p + 1) & (cap - 1);
			}
		}
		q->jc = c[0];
		q->hc = c[1];
	}
	free(tab);
	free(bloom);
	for (size_t k = 0; k < nq; k++) {
		hyq_t *q = &nz->hq[k];
		nline_t *A = &ru->L[q->line];
		size_t bi = q->line + 1;
		while (ru->L[bi].flags & LF_FURN)
			bi++;
		size_t hp = A->e - 1;
		if (t[hp] != '-')
			hp = A->e - 3;
		uint8_t why = 0;
		A->sep = (uint8_t)hyphen_evidence(ru, A, hp, &ru->L[bi], q, &why);
		A->why = why;
	}
}
