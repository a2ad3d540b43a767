/*
 * tokenize.c — normalized text to tokens with lower-cased forms, stems and
 * structure flags (see tokenize.h for what a token is).
 *
 * One pass over the bytes.  ASCII is classified by table; other code points
 * are decoded and classified through ICU's character properties (u_isalnum,
 * u_isupper, u_tolower).  Whitespace is skipped but counted: the newlines
 * before a token decide its line/paragraph flags, and the flags that
 * depend on what follows (LINE_END, PARA_END, SENT_END) are set on the
 * previous token when the next one is seen.  A second, token-level pass
 * marks sentence boundaries and heading lines.
 */
#include "tokenize.h"
#include "words.h"
#include "common/limits.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

const char *tok_kind_name(tok_kind_t k)
{
	switch (k) {
	case TK_WORD: return "word";
	case TK_NUM: return "num";
	case TK_SECT: return "sect";
	case TK_PUNCT: return "punct";
	}
	return "?";
}

enum { C_OTHER, C_SPACE, C_NL, C_ALPHA, C_DIGIT };

static const unsigned char ASCII_CLASS[128] = {
	C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_OTHER, C_SPACE, C_NL, C_SPACE, C_SPACE, C_SPACE, C_OTHER, C_OTHER,
	C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_SPACE, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT,
	C_DIGIT, C_DIGIT, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_OTHER, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
	C_OTHER, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,
	C_ALPHA, C_ALPHA, C_ALPHA, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,
};

/* 1 for the ASCII letters and digits (C_ALPHA, C_DIGIT), 0 for every other byte. */
#define Z16 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
static const unsigned char ASCII_ALNUM[256] = {
	Z16, Z16, Z16,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	Z16, Z16, Z16, Z16, Z16, Z16, Z16, Z16,
};
#undef Z16

static inline int ascii_class(unsigned char c)
{
	return c < 0x80 ? ASCII_CLASS[c] : C_OTHER;
}

/* U+00C0..U+00FF (Å Ä Ö é …) are two bytes C3 xx: letters except × and ÷. */
static inline int latin1_letter(const unsigned char *p, size_t left)
{
	return p[0] == 0xC3 && left >= 2 && p[1] >= 0x80 && p[1] <= 0xBF && p[1] != 0x97 && p[1] != 0xB7;
}

/* Class of the code point at p; *n = its byte length, *cp = the code point. */
static inline int char_class(const unsigned char *p, size_t left, int *n, int32_t *cp)
{
	if (p[0] < 0x80) {
		*n = 1;
		*cp = p[0];
		return ASCII_CLASS[p[0]];
	}
	if (latin1_letter(p, left)) {
		*n = 2;
		*cp = 0xC0 + (p[1] - 0x80);
		return C_ALPHA;
	}
	*cp = utf8_decode(p, left, n);
	if (*cp < 0)
		return C_OTHER;
	if (u_isalpha(*cp) || u_getCombiningClass(*cp) > 0 || u_charType(*cp) == U_NON_SPACING_MARK)
		return C_ALPHA;
	if (u_isdigit(*cp))
		return C_DIGIT;
	if (u_isUWhiteSpace(*cp))
		return C_SPACE;
	return C_OTHER;
}

/* Write the lower-cased form of s[0..n) and a NUL to out (room for n + 1
 * bytes: no form is longer than its source) and return its length.  Sets
 * *letters and *upper to the count of letters and of upper-case letters,
 * and *first_upper when the first letter is upper case. */
static size_t lower_into(char *dst, const char *s, size_t n, size_t *letters, size_t *upper,
                         int *first_upper)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = dst;
	size_t i = 0, nl = 0, nu = 0;
	int fu = -1;
	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			int up = c >= 'A' && c <= 'Z';
			int al = up || (c >= 'a' && c <= 'z');
			nl += al;
			nu += up;
			if (al && fu < 0)
				fu = up;
			*o++ = (char)(up ? c + 32 : c);
			i++;
			continue;
		}
		if (latin1_letter(p + i, n - i)) {
			int up = p[i + 1] <= 0x9E; /* À..Þ */
			nl++;
			nu += up;
			if (fu < 0)
				fu = up;
			*o++ = (char)0xC3;
			*o++ = (char)(up ? p[i + 1] + 0x20 : p[i + 1]);
			i += 2;
			continue;
		}
		int len;
		int32_t cp = utf8_decode(p + i, n - i, &len);
		if (cp < 0) {
			*o++ = (char)p[i];
			i++;
			continue;
		}
		if (u_isalpha(cp)) {
			int up = u_isupper(cp) != 0;
			nl++;
			nu += up;
			if (fu < 0)
				fu = up;
		}
		char out[4];
		int m = utf8_encode((uint32_t)u_tolower(cp), out);
		if (m > len) { /* a longer lower-case form: rare, stay within the reservation */
			memcpy(o, p + i, (size_t)len);
			o += len;
		} else {
			memcpy(o, out, (size_t)m);
			o += m;
		}
		i += (size_t)len;
	}
	*o = '\0';
	*letters = nl;
	*upper = nu;
	*first_upper = fu > 0;
	return (size_t)(o - dst);
}

/* A hash of the memo key s[0..n), equal to hash_words(s, n): the last
 * partial word is read whole and masked when eight bytes lie before lim. */
static inline uint64_t key_hash(const char *s, size_t n, const char *lim)
{
	size_t tail = n & 7;
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || (tail && lim - (s + n - tail) < 8))
		return hash_words(s, n);
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	if (n) {
		memcpy(&w, s, 8);
		w &= (1ull << (8 * n)) - 1;
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	h *= 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 32);
}

/* The forms of the token s[0..n) of kind `kind`: lower-cased form, stem
 * (st NULL: none), case flags and, with an annotator, symbols, into *e,
 * the lower-cased form into lower (n + 1 bytes) and *stem. */
_Static_assert((TF_CAP | TF_UPPER) <= UINT8_MAX, "case flags fit word_entry_t.flags");
_Static_assert(BESLUT_MAX_TOKEN_BYTES + 4 <= UINT16_MAX, "a token's length fits token_t.len");
_Static_assert(sizeof(token_t) == 40, "token_t stays 40 bytes");

static void word_forms(const char *s, size_t n, tok_kind_t kind, stemmer_t *st, tok_annot_fn annot,
                       const void *actx, word_entry_t *e, char *lower, const char **stem)
{
	size_t letters, upper;
	int first_upper;
	memset(e, 0, sizeof *e);
	size_t ll = lower_into(lower, s, n, &letters, &upper, &first_upper);
	e->llen = (uint16_t)ll;
	if (kind == TK_WORD) {
		if (first_upper)
			e->flags |= (uint8_t)TF_CAP;
		if (letters >= 2 && upper == letters)
			e->flags |= (uint8_t)TF_UPPER;
	}
	*stem = lower;
	e->stem_same = 1;
	e->slen = e->llen;
	if (kind == TK_WORD && st) {
		size_t sl;
		const char *sm = stemmer_stem_raw(st, lower, ll, &sl);
		if (sl != ll || memcmp(sm, lower, sl) != 0) {
			*stem = sm;
			e->stem_same = 0;
			e->slen = (uint16_t)sl;
		}
	}
	if (annot)
		annot(actx, lower, ll, e->stem_same ? NULL : *stem, e->slen, &e->sym, &e->stem_sym, &e->classes);
}

/* Lower-cased form and stem of token k into the pool, its case flags and
 * symbols: from the memo (k->classes holds the key's hash) or computed. */
static inline void token_forms(tokens_t *t, token_t *k, const char *text, stemmer_t *st, word_memo_t *wm,
                               tok_annot_fn annot, const void *actx)
{
	size_t s = k->off, tl = k->len;
	tok_kind_t kind = (tok_kind_t)k->kind;
	const word_entry_t *e;
	word_entry_t fresh;
	const char *stem;
	if (wm && tl <= WORD_MEMO_MAX_KEY) {
		uint64_t h = k->classes;
		e = word_memo_find(wm, text + s, tl, h);
		if (!e) {
			char tmp[WORD_MEMO_MAX_KEY + 1];
			word_forms(text + s, tl, kind, st, annot, actx, &fresh, tmp, &stem);
			e = word_memo_put(wm, text + s, tl, h, &fresh, tmp, stem);
		}
		/* the memo holds "lower\0" or "lower\0stem\0": copy it whole */
		size_t need = word_forms_len(e);
		if (!t->pool.data || t->pool.cap - t->pool.len < need)
			buf_grow(&t->pool, need);
		memcpy(t->pool.data + t->pool.len, word_lower(e), need);
	} else { /* no memo, or a long token: the lower-cased form in place */
		if (!t->pool.data || t->pool.cap - t->pool.len < tl + 1)
			buf_grow(&t->pool, tl + 1);
		word_forms(text + s, tl, kind, st, annot, actx, &fresh, t->pool.data + t->pool.len, &stem);
		e = &fresh;
		if (!e->stem_same) { /* stem is libstemmer's: the pool may move */
			size_t need = word_forms_len(e);
			if (t->pool.cap - t->pool.len < need)
				buf_grow(&t->pool, need);
			char *o = t->pool.data + t->pool.len + e->llen + 1;
			memcpy(o, stem, e->slen);
			o[e->slen] = '\0';
		}
	}
	k->lower = (uint32_t)t->pool.len;
	k->lower_len = e->llen;
	k->stem_same = e->stem_same;
	k->flags |= e->flags;
	k->sym = e->sym;
	k->stem_sym = e->stem_sym;
	k->classes = e->classes;
	t->pool.len += word_forms_len(e);
}

/* Tokens ls..le are a line (le + 1 starts the next one, its forms known):
 * a heading when short, not ending a sentence, starting with a §, a
 * number or a capital, and not continued by a lower-case word. */
static void mark_heading(tokens_t *t, const char *text, size_t ls, size_t le)
{
	const token_t *last = &t->v[le];
	const char *lc = text + last->off;
	int ends_sentence = last->kind == TK_PUNCT && last->len == 1 &&
	                    (*lc == '.' || *lc == '!' || *lc == '?' || *lc == ':' || *lc == ';' || *lc == ',');
	const token_t *first = &t->v[ls];
	int starts_ok = first->kind == TK_SECT || (first->flags & TF_CAP) || first->kind == TK_NUM;
	/* a line continued by a lower-case word is not a heading */
	const token_t *next = le + 1 < t->n ? &t->v[le + 1] : NULL;
	int continued = next && !(next->flags & TF_PARA_START) && next->kind == TK_WORD &&
	                !(next->flags & TF_CAP);
	if (le - ls + 1 <= 14 && !ends_sentence && starts_ok && !continued)
		for (size_t j = ls; j <= le; j++)
			t->v[j].flags |= TF_HEADING;
}

void tokenize_range(const char *text, size_t start, size_t end, uint32_t first_line,
                    stemmer_t *st, tokens_t *t)
{
	const unsigned char *p = (const unsigned char *)text;
	t->n = 0;
	buf_reset(&t->pool);
	buf_grow(&t->pool, (end - start) + (end - start) / 2);
	const void *actx = NULL;
	tok_annot_fn annot = st ? stemmer_annotator(st, &actx) : NULL;
	word_memo_t *wm = st ? stemmer_words(st) : NULL;
	t->annot = annot ? actx : NULL;
	uint32_t line = first_line;
	int newlines = 2; /* the range starts a paragraph */
	int space = 1;
	size_t i = start;
	while (i < end) {
		int n;
		int32_t cp;
		int cls = char_class(p + i, end - i, &n, &cp);
		if (cls == C_NL) {
			newlines++;
			line++;
			space = 1;
			i++;
			continue;
		}
		if (cls == C_SPACE) {
			space = 1;
			i += (size_t)n;
			continue;
		}
		size_t s = i;
		tok_kind_t kind;
		if (cls == C_ALPHA || cls == C_DIGIT) {
			kind = cls == C_ALPHA ? TK_WORD : TK_NUM;
			i += (size_t)n;
			size_t lim = end - s > BESLUT_MAX_TOKEN_BYTES ? s + BESLUT_MAX_TOKEN_BYTES : end;
			while (i < lim) {
				while (i < lim && ASCII_ALNUM[p[i]]) /* the common case, one table load a byte */
					i++;
				if (i >= lim)
					break;
				int n2;
				int32_t cp2;
				int c2 = char_class(p + i, end - i, &n2, &cp2);
				if (c2 == C_ALPHA || c2 == C_DIGIT) {
					i += (size_t)n2;
					continue;
				}
				/* inner joiners: "Covid-19", "2020-10-14", "X:s", "2,5", "1.2" */
				if (i + 1 < end && (p[i] == '-' || p[i] == '\'' || p[i] == ':' ||
				                    p[i] == ',' || p[i] == '.' || p[i] == '/')) {
					int n3;
					int32_t cp3;
					int c3 = char_class(p + i + 1, end - i - 1, &n3, &cp3);
					int prev_digit = p[i - 1] >= '0' && p[i - 1] <= '9';
					if (p[i] == '-' || p[i] == '\'') {
						if (c3 == C_ALPHA || c3 == C_DIGIT) {
							i += 1;
							continue;
						}
					} else if (p[i] == ':') {
						/* genitive or ordinal suffix: "SD:s", "1:a" (1-3 letters) */
						size_t j = i + 1, letters = 0;
						while (j < end && letters < 4 && ascii_class(p[j]) == C_ALPHA)
							j++, letters++;
						if (letters >= 1 && letters <= 3 &&
						    (j >= end || ascii_class(p[j]) != C_ALPHA)) {
							i = j;
							continue;
						}
					} else if (prev_digit && c3 == C_DIGIT) {
						i += 1; /* 2,5  1.2  1/3 */
						continue;
					}
				}
				break;
			}
		} else {
			i += (size_t)n;
			kind = (cp == 0xA7) ? TK_SECT : TK_PUNCT;
		}
		if (t->n == t->cap)
			GROW(t->v, t->cap, t->n + 1);
		token_t *k = &t->v[t->n];
		memset(k, 0, sizeof *k);
		k->col = TOK_COL_NONE;
		k->off = (uint32_t)s;
		k->len = (uint16_t)(i - s); /* at most BESLUT_MAX_TOKEN_BYTES (+ one character) */
		k->kind = (uint8_t)kind;
		k->line = line;
		if (space)
			k->flags |= TF_SPACE_BEFORE;
		if (newlines >= 1 || t->n == 0) {
			k->flags |= TF_LINE_START;
			if (t->n)
				t->v[t->n - 1].flags |= TF_LINE_END;
		}
		if (newlines >= 2 || t->n == 0) {
			k->flags |= TF_PARA_START;
			if (t->n)
				t->v[t->n - 1].flags |= TF_PARA_END;
		}
		newlines = 0;
		space = 0;
		/* the forms come in a second loop, the memo's lines fetched ahead */
		k->classes = wm && i - s <= WORD_MEMO_MAX_KEY ? key_hash(text + s, i - s, text + end) : 0;
		t->n++;
	}
	size_t ls = 0; /* first token of the current line */
	for (size_t j = 0; j < t->n; j++) {
		if (wm && j + 16 < t->n)
			word_memo_prefetch(wm, t->v[j + 16].classes, 0);
		if (wm && j + 8 < t->n)
			word_memo_prefetch(wm, t->v[j + 8].classes, 1);
		token_forms(t, &t->v[j], text, st, wm, annot, actx);
		if (j > 0 && (t->v[j].flags & TF_LINE_START)) { /* the line before is whole, and its next token */
			mark_heading(t, text, ls, j - 1);
			ls = j;
		}
	}
	if (t->n)
		mark_heading(t, text, ls, t->n - 1);
	if (t->n)
		t->v[t->n - 1].flags |= TF_LINE_END | TF_PARA_END;

	/* Sentences (headings are marked above, line by line). */
	size_t line_first = 0; /* first token of the line of token j */
	for (size_t j = 0; j < t->n; j++) {
		token_t *k = &t->v[j];
		token_t *nx = j + 1 < t->n ? &t->v[j + 1] : NULL;
		if (k->flags & TF_LINE_START)
			line_first = j;
		const token_t *lf = &t->v[line_first];
		/* the line is a point of a list: "- …", "• …", "1. …" */
		int point = (lf->kind == TK_PUNCT && (text[lf->off] == '-' || (unsigned char)text[lf->off] >= 0x80)) ||
		            (lf->kind == TK_NUM && line_first + 1 < t->n && t->v[line_first + 1].kind == TK_PUNCT &&
		             (text[t->v[line_first + 1].off] == '.' || text[t->v[line_first + 1].off] == ')'));
		int end_here = 0;
		if (k->flags & TF_PARA_END)
			end_here = 1;
		else if ((k->flags & TF_LINE_END) && point && nx && (nx->flags & TF_CAP))
			end_here = 1; /* a list point ends where a capitalised line follows */
		else if ((k->flags & TF_LINE_END) && nx && (nx->flags & TF_CAP) && j > 0 && k->kind == TK_PUNCT &&
		         ((k->len == 3 && memcmp(text + k->off, "\xe2\x80\x9d", 3) == 0) || (k->len == 1 && text[k->off] == '"')) &&
		         t->v[j - 1].kind == TK_PUNCT && t->v[j - 1].len == 1 &&
		         (text[t->v[j - 1].off] == '.' || text[t->v[j - 1].off] == '!' || text[t->v[j - 1].off] == '?'))
			end_here = 1; /* a quotation closed at the end of its line: ".”" */
		else if ((k->flags & TF_LINE_END) && ((k->flags & TF_HEADING) || (nx && (nx->flags & TF_HEADING))))
			end_here = 1;
		else if ((k->flags & TF_LINE_END) && nx &&
		         (nx->kind == TK_NUM || (nx->kind == TK_PUNCT && (text[nx->off] == '-' ||
		                                                          (unsigned char)text[nx->off] >= 0x80))))
			end_here = 1; /* next line is a numbered point or a bullet */
		else if (k->kind == TK_PUNCT && k->len == 1) {
			char c = text[k->off];
			if (c == '!' || c == '?')
				end_here = 1;
			else if (c == '.') {
				const token_t *pv = j ? &t->v[j - 1] : NULL;
				int abbrev = pv && pv->kind == TK_WORD && pv->off + pv->len == k->off &&
				             stemmer_abbrev(st, tok_lower(t, pv), pv->lower_len);
				int after_sect_num = pv && pv->kind == TK_NUM && j >= 2 && t->v[j - 2].kind == TK_SECT;
				if (!abbrev && !after_sect_num &&
				    (!nx || (nx->flags & (TF_CAP | TF_LINE_START)) || nx->kind == TK_SECT ||
				     nx->kind == TK_NUM))
					end_here = 1;
			} else if (c == ':' && (k->flags & TF_LINE_END))
				end_here = 1;
		}
		if (end_here) {
			k->flags |= TF_SENT_END;
			if (nx)
				nx->flags |= TF_SENT_START;
		}
	}
	if (t->n)
		t->v[0].flags |= TF_SENT_START;
}

void tokenize(const char *text, size_t len, stemmer_t *st, tokens_t *t)
{
	tokenize_range(text, 0, len, 1, st, t);
}

#define HI8 0x8080808080808080ull
#define LO7 0x7F7F7F7F7F7F7F7Full

/* 0x80 in each byte of x that equals c, else 0 (exact: no carries). */
static inline uint64_t byte_eq(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (0x0101010101010101ull * c);
	return ~(((y & LO7) + LO7) | y) & HI8;
}

/* Bytes of m (each 0x80 or 0) that are set. */
static inline size_t bytes_set(uint64_t m)
{
	return (size_t)(((m >> 7) * 0x0101010101010101ull) >> 56);
}

/* Characters (bytes that are no UTF-8 continuation byte) in s[0..n); may
 * read s[0..8) whole when wide (s has eight bytes). */
static inline size_t chars_in(const char *s, size_t n, int wide)
{
	const uint64_t HI = HI8;
	size_t cont = 0, i = 0;
	if (n <= 8 && wide && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		uint64_t x;
		memcpy(&x, s, 8);
		uint64_t c = x & ~(x << 1) & HI; /* 10xxxxxx: bit 7 set, bit 6 clear */
		if (n < 8)
			c &= (1ull << (8 * n)) - 1; /* little-endian: the first n bytes */
		return n - bytes_set(c);
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		cont += bytes_set(x & ~(x << 1) & HI);
	}
	for (; i < n; i++)
		cont += ((unsigned char)s[i] & 0xC0) == 0x80;
	return n - cont;
}

void tokens_columns(tokens_t *t, size_t from, const char *text, const char *orig, size_t origlen,
                    const omap_t *omap)
{
	if (!orig)
		return;
	omap_cursor_t cur = {omap, 0};
	size_t tend = t->n ? (size_t)t->v[t->n - 1].off + t->v[t->n - 1].len : 0; /* text is that long */
	size_t pos = 0;  /* orig[pos] is at column col of its line */
	long col = 0;
	int known = 0;   /* pos and col describe a real position */
	for (size_t k = from; k < t->n; k++) {
		token_t *tk = &t->v[k];
		uint32_t a = omap ? omap_cursor_point(&cur, tk->off) : tk->off;
		if (a > origlen)
			continue;
		if (!known || a < pos) { /* from the start of a's line */
			pos = a;
			while (pos > 0 && orig[pos - 1] != '\n')
				pos--;
			col = 0;
			known = 1;
		}
		while (pos < a) {
			size_t m = a - pos < 8 ? a - pos : 8;
			if (pos + 8 <= origlen && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
				/* up to eight bytes at once when no line end or tab is among them */
				uint64_t x, keep = m == 8 ? ~0ull : (1ull << (8 * m)) - 1;
				memcpy(&x, orig + pos, 8);
				if (!((byte_eq(x, '\n') | byte_eq(x, '\t')) & keep)) {
					col += (long)(m - bytes_set((x & ~(x << 1) & HI8) & keep));
					pos += m;
					continue;
				}
			}
			for (size_t e = pos + m; pos < e; pos++) {
				unsigned char b = (unsigned char)orig[pos];
				if (b == '\n')
					col = 0;
				else if (b == '\t')
					col = (col / 8 + 1) * 8;
				else if ((b & 0xC0) != 0x80)
					col++;
			}
		}
		long w = (long)chars_in(text + tk->off, tk->len, tk->off + 8 <= tend);
		long c = col + w / 2;
		tk->col = (uint16_t)(c < TOK_COL_NONE ? c : TOK_COL_NONE - 1);
	}
}

void tokens_release(tokens_t *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
	buf_release(&t->pool);
	t->annot = NULL;
}
