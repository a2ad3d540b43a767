/*
 * degrade — break clean Swedish text the way PDF text extraction does.
 *
 * Reads clean text (one paragraph per line, as the corpus web pages are) and
 * writes two files: PREFIX.txt, the text as pdftotext would give it from a
 * typeset protocol, and PREFIX.truth.txt, the clean paragraphs separated by
 * blank lines, words exactly as in the input.  The damage, all drawn from
 * one --seed so that the same arguments always give the same bytes:
 *   - lines wrapped greedily at --width characters;
 *   - line-end hyphenation at the points Debian's Swedish patterns allow
 *     (libhyphen, hyph_sv_SE.dic), and breaks after real hyphens
 *     ("EU-|programmet", "2020-|10-14", suspended "hälso-| och");
 *   - page furniture every --page-lines lines, even inside a paragraph and
 *     right after a hyphenated line end, in one of several layouts:
 *       region        PROTOKOLL / "Regionstyrelsen 14 oktober 2020  Sida 13 (80)"
 *                     header and the DOKUMENT-ID / ARBGRP footer
 *       region-plain  the same header only
 *       kommun        "Kommunfullmäktige  Sammanträdesdatum 2021-03-22  5 (40)"
 *                     header, "Justerandes sign   Utdragsbestyrkande" footer
 *       sida-av       "Sida 3 av 12" footer (and sometimes a header)
 *       bare          a bare page number as footer, pages split by form feeds
 *   - a blank line after every line, or not; form feeds between pages;
 *     trailing spaces; bullets as the private-use glyph U+F0B7; soft
 *     hyphens inside words and at line ends; fi/fl ligatures.
 * Every choice left on "auto" is drawn from the seed; the draws happen in a
 * fixed order whether or not an option overrides them, so fixing one option
 * does not reshuffle the others.
 */
#include <hyphen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DICT "/usr/share/hyphen/hyph_sv_SE.dic"
#define MAX_HYPH_RUN 60      /* longest letter run handed to libhyphen */
#define MAX_BREAKS 128

static const char SHY[] = "\xC2\xAD";        /* U+00AD soft hyphen */
static const char PUA_BULLET[] = "\xEF\x82\xB7"; /* U+F0B7 */
static const char BULLET[] = "\xE2\x80\xA2";  /* U+2022 */

/* ---------------------------------------------------------------- util */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("degrade: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

typedef struct {
	char *p;
	size_t len, cap;
} str_t;

static void s_reserve(str_t *s, size_t extra)
{
	if (s->len + extra + 1 <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < s->len + extra + 1)
		cap *= 2;
	s->p = xrealloc(s->p, cap);
	s->cap = cap;
}

static void s_putn(str_t *s, const char *p, size_t n)
{
	s_reserve(s, n);
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void s_puts(str_t *s, const char *p) { s_putn(s, p, strlen(p)); }

static void s_printf(str_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	s_reserve(s, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

static void s_clear(str_t *s)
{
	s->len = 0;
	if (s->p)
		s->p[0] = '\0';
}

static char *xstrndup(const char *p, size_t n)
{
	char *q = xrealloc(NULL, n + 1);
	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

/* Characters (code points) in p[0..n): bytes that are not continuations. */
static size_t u8_width(const char *p, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			w++;
	return w;
}

/* Decode one code point at p (n > 0 bytes left); *adv gets its length.
 * Malformed bytes decode as themselves, one byte long. */
static uint32_t u8_decode(const char *p, size_t n, size_t *adv)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] < 0x80 || n < 2) {
		*adv = 1;
		return u[0];
	}
	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		*adv = 2;
		return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	}
	if ((u[0] & 0xF0) == 0xE0 && n >= 3 && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80) {
		*adv = 3;
		return ((uint32_t)(u[0] & 0x0F) << 12) |
		       ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
	}
	if ((u[0] & 0xF8) == 0xF0 && n >= 4 && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80 && (u[3] & 0xC0) == 0x80) {
		*adv = 4;
		return ((uint32_t)(u[0] & 0x07) << 18) |
		       ((uint32_t)(u[1] & 0x3F) << 12) |
		       ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
	}
	*adv = 1;
	return u[0];
}

/* A letter the Latin-1 pattern file can see. */
static bool latin1_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}

static bool latin1_upper(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

/* A letter or digit of any script, roughly: ASCII alnum or non-ASCII. */
static bool wordish(unsigned char b)
{
	return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
	       (b >= 'A' && b <= 'Z') || b >= 0x80;
}

/* ----------------------------------------------------------------- rng */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32) : 0;
}

static int rnd_range(int lo, int hi) /* inclusive */
{
	return lo + (int)rnd_below((uint32_t)(hi - lo + 1));
}

static bool chance(double p)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53 < p;
}

/* -------------------------------------------------------------- config */

enum layout { L_REGION, L_REGION_PLAIN, L_KOMMUN, L_SIDA_AV, L_BARE, L_COUNT };
static const char *const layout_name[L_COUNT] = {
	"region", "region-plain", "kommun", "sida-av", "bare"
};

typedef struct {
	uint64_t seed;
	int width;        /* characters per line */
	int layout;
	int blank;        /* blank line after every line */
	int ff;           /* form feed between pages */
	int page_lines;   /* text lines per page */
	double hyph_rate; /* chance a line-end word is hyphenated when it can be */
	int soft;         /* soft hyphens */
	int pua;          /* bullets as U+F0B7 */
	int lig;          /* fi/fl ligatures */
	int trail;        /* trailing space on every line */
	int para_gap;     /* extra blank line between paragraphs */
	int hang;         /* hanging indent for list items */
	const char *dict;
	bool verbose;
} cfg_t;

#define AUTO (-1)

/* Everything about the page furniture of one document. */
typedef struct {
	const char *body;
	int year, month, day;
	int first_page, total_pages;
	bool kommun_title;  /* SAMMANTRÄDESPROTOKOLL line above the kommun header */
	bool sida_header;   /* header line in the sida-av layout */
	int sign_gap;       /* spaces between "Justerandes sign" and "Utdragsbestyrkande" */
	int bare_indent;    /* spaces before a bare page number */
	char docid[64];
} furniture_t;

static const char *const bodies[] = {
	"Regionstyrelsen", "Regionfullmäktige", "Kommunstyrelsen",
	"Kommunfullmäktige", "Socialnämnden", "Byggnadsnämnden",
	"Regionala utvecklingsnämnden", "Barn- och utbildningsnämnden",
};
static const char *const months[] = {
	"januari", "februari", "mars", "april", "maj", "juni", "juli",
	"augusti", "september", "oktober", "november", "december",
};

/* ------------------------------------------------------------- breaks */

typedef struct {
	size_t off;  /* break after this many bytes of the token */
	char kind;   /* 'p' pattern point (add a hyphen), 'h' after a real hyphen */
} brk_t;

/* The break points of tok[0..n): after real hyphens that join two word
 * parts, and at the pattern points of every letter run that is plain
 * Latin-1, not an acronym, at least two letters from either end. */
static size_t token_breaks(HyphenDict *dict, const char *tok, size_t n,
                           brk_t *out, size_t max)
{
	size_t nb = 0;
	uint32_t cps[256];
	size_t offs[257];
	size_t ncp = 0;
	bool plain = true;

	for (size_t i = 0; i < n;) {
		size_t adv;
		uint32_t c = u8_decode(tok + i, n - i, &adv);
		if (ncp < 256) {
			cps[ncp] = c;
			offs[ncp] = i;
			ncp++;
		} else {
			plain = false;
		}
		if (c > 0xFF && c != 0x2019)
			plain = false; /* a letter the patterns cannot see */
		i += adv;
	}
	offs[ncp] = n;

	for (size_t k = 1; k + 1 < ncp && nb < max; k++)
		if (cps[k] == '-' && wordish((unsigned char)tok[offs[k - 1]]) &&
		    cps[k - 1] != '-' && wordish((unsigned char)tok[offs[k + 1]]))
			out[nb++] = (brk_t){ offs[k + 1], 'h' };
	if (!plain || !dict)
		goto sort;

	for (size_t i = 0; i < ncp;) {
		if (!latin1_letter(cps[i])) {
			i++;
			continue;
		}
		size_t j = i, upper = 0;
		while (j < ncp && latin1_letter(cps[j])) {
			upper += latin1_upper(cps[j]);
			j++;
		}
		size_t len = j - i;
		/* runs glued to digits ("KL18") are codes, not words */
		bool glued = (i > 0 && cps[i - 1] < 0x80 && cps[i - 1] >= '0' &&
		              cps[i - 1] <= '9') ||
		             (j < ncp && cps[j] >= '0' && cps[j] <= '9');
		if (len >= 4 && len <= MAX_HYPH_RUN && upper < 2 && !glued) {
			char w[MAX_HYPH_RUN + 1];
			char hy[MAX_HYPH_RUN + 5];
			for (size_t k = 0; k < len; k++) {
				uint32_t c = cps[i + k];
				if (latin1_upper(c))
					c += 0x20;
				w[k] = (char)(unsigned char)c;
			}
			w[len] = '\0';
			char **rep = NULL;
			int *pos = NULL, *cut = NULL;
			memset(hy, 0, sizeof hy);
			if (hnj_hyphen_hyphenate2(dict, w, (int)len, hy, NULL, &rep,
			                          &pos, &cut) == 0) {
				/* break after letter k: k+1 letters left, len-k-1 right */
				for (size_t k = 1; k + 3 <= len && nb < max; k++) {
					if (!(hy[k] & 1) || (rep && rep[k]))
						continue;
					out[nb++] = (brk_t){ offs[i + k + 1], 'p' };
				}
			}
			if (rep) {
				for (size_t k = 0; k < len; k++)
					free(rep[k]);
				free(rep);
			}
			free(pos);
			free(cut);
		}
		i = j;
	}
sort:
	/* insertion sort by offset; lists are short */
	for (size_t a = 1; a < nb; a++) {
		brk_t t = out[a];
		size_t b = a;
		while (b > 0 && out[b - 1].off > t.off) {
			out[b] = out[b - 1];
			b--;
		}
		out[b] = t;
	}
	return nb;
}

/* -------------------------------------------------------------- wrap */

typedef struct {
	char *text;
	bool hyphen_end; /* ends inside a word (hyphen, soft hyphen, suspended) */
	bool para_end;
} line_t;

typedef struct {
	const cfg_t *cfg;
	HyphenDict *dict;
	line_t *lines;
	size_t nlines, cap;
	str_t cur;       /* line being built */
	size_t col;      /* its width in characters */
	bool content;    /* it holds a word */
	const char *cont_indent;
	/* counts for -v */
	size_t n_pattern, n_real, n_suspended, n_shy_end, n_shy_mid;
} wrap_t;

static void push_line(wrap_t *w, bool hyphen_end)
{
	if (w->nlines == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->lines = xrealloc(w->lines, w->cap * sizeof *w->lines);
	}
	w->lines[w->nlines++] = (line_t){ xstrndup(w->cur.p, w->cur.len),
	                                  hyphen_end, false };
	s_clear(&w->cur);
	s_puts(&w->cur, w->cont_indent);
	w->col = strlen(w->cont_indent);
	w->content = false;
}

static void put_word(wrap_t *w, const char *p, size_t n)
{
	if (w->content) {
		s_putn(&w->cur, " ", 1);
		w->col++;
	}
	s_putn(&w->cur, p, n);
	w->col += u8_width(p, n);
	w->content = true;
}

/* Put the first off bytes of tok and the line-end mark for kind, then
 * start a new line. */
static void break_word(wrap_t *w, const char *tok, brk_t b)
{
	put_word(w, tok, b.off);
	if (b.kind == 'p') {
		if (w->cfg->soft && chance(0.15)) {
			s_puts(&w->cur, SHY);
			w->n_shy_end++;
		} else {
			s_puts(&w->cur, "-");
		}
		w->n_pattern++;
	} else {
		w->n_real++;
	}
	push_line(w, true);
}

/* Is this item a list point: "•", "-", "1." or "2)" at its start? */
static bool list_item(const char *p)
{
	if (!strncmp(p, BULLET, 3) || !strncmp(p, "- ", 2))
		return true;
	size_t i = 0;
	while (p[i] >= '0' && p[i] <= '9')
		i++;
	return i > 0 && i < 3 && (p[i] == '.' || p[i] == ')') && p[i + 1] == ' ';
}

static void wrap_paragraph(wrap_t *w, const char *para)
{
	const cfg_t *cfg = w->cfg;
	size_t W = (size_t)cfg->width;
	bool item = list_item(para);
	const char *first_indent = item ? " " : "";
	w->cont_indent = item && cfg->hang ? "   " : "";

	s_clear(&w->cur);
	s_puts(&w->cur, first_indent);
	w->col = strlen(first_indent);
	w->content = false;

	const char *p = para;
	if (item && cfg->pua && !strncmp(p, BULLET, 3)) {
		/* the glyph of a Symbol-font bullet, as a word of its own */
		put_word(w, PUA_BULLET, 3);
		p += 3;
	}
	brk_t br[MAX_BREAKS];
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - tok);

		for (;;) {
			size_t tw = u8_width(tok, n);
			size_t sp = w->content ? 1 : 0;
			size_t nb = token_breaks(w->dict, tok, n, br, MAX_BREAKS);

			/* Sometimes end the line after a real hyphen on purpose,
			 * so that kept hyphens are tested often. */
			if (w->content && w->col * 10 >= W * 5) {
				size_t h = SIZE_MAX;
				for (size_t k = 0; k < nb; k++)
					if (br[k].kind == 'h' &&
					    w->col + sp + u8_width(tok, br[k].off) <= W)
						h = k;
				if (h != SIZE_MAX && chance(0.45)) {
					break_word(w, tok, br[h]);
					tok += br[h].off;
					n -= br[h].off;
					continue;
				}
			}
			if (w->col + sp + tw <= W || !w->content) {
				/* fits (or nothing else would): the whole token */
				if (cfg->soft && tw >= 8 && chance(0.03)) {
					size_t pts[MAX_BREAKS], np = 0;
					for (size_t k = 0; k < nb; k++)
						if (br[k].kind == 'p')
							pts[np++] = br[k].off;
					if (np) {
						size_t at = pts[rnd_below((uint32_t)np)];
						str_t t = { 0 };
						s_putn(&t, tok, at);
						s_puts(&t, SHY);
						s_putn(&t, tok + at, n - at);
						put_word(w, t.p, t.len);
						free(t.p);
						w->n_shy_mid++;
						break;
					}
				}
				put_word(w, tok, n);
				/* suspended compound ("hälso-") ending the line */
				if (n >= 3 && tok[n - 1] == '-' && tok[n - 2] != '-' &&
				    wordish((unsigned char)tok[n - 2]) && *p &&
				    w->col * 10 >= W * 5 && chance(0.5)) {
					w->n_suspended++;
					push_line(w, true);
				}
				break;
			}
			/* does not fit: hyphenate at the last point that does */
			size_t best = SIZE_MAX;
			if (chance(cfg->hyph_rate))
				for (size_t k = 0; k < nb; k++) {
					size_t pw = u8_width(tok, br[k].off) +
					            (br[k].kind == 'p');
					if (w->col + sp + pw <= W)
						best = k;
				}
			if (best != SIZE_MAX) {
				break_word(w, tok, br[best]);
				tok += br[best].off;
				n -= br[best].off;
				continue;
			}
			push_line(w, false);
		}
	}
	if (w->content || w->nlines == 0) {
		push_line(w, false);
	}
	w->lines[w->nlines - 1].para_end = true;
}

/* ------------------------------------------------------------ furniture */

static void date_iso(str_t *s, const furniture_t *f)
{
	s_printf(s, "%04d-%02d-%02d", f->year, f->month, f->day);
}

/* The lines of the header of page number pg (NULL-separated in out). */
static void header_lines(const cfg_t *cfg, const furniture_t *f, int pg,
                         str_t *out)
{
	switch (cfg->layout) {
	case L_REGION:
	case L_REGION_PLAIN:
		s_puts(out, "PROTOKOLL\n");
		s_printf(out, "%s %d %s %d  Sida %d (%d)\n", f->body, f->day,
		         months[f->month - 1], f->year, pg, f->total_pages);
		break;
	case L_KOMMUN:
		if (f->kommun_title)
			s_puts(out, "SAMMANTRÄDESPROTOKOLL\n");
		s_printf(out, "%s  Sammanträdesdatum ", f->body);
		date_iso(out, f);
		s_printf(out, "  %d (%d)\n", pg, f->total_pages);
		break;
	case L_SIDA_AV:
		if (f->sida_header) {
			s_puts(out, "SAMMANTRÄDESPROTOKOLL  ");
			date_iso(out, f);
			s_puts(out, "\n");
		}
		break;
	default:
		break;
	}
}

static void footer_lines(const cfg_t *cfg, const furniture_t *f, int pg,
                         str_t *out)
{
	switch (cfg->layout) {
	case L_REGION:
		s_puts(out, " DOKUMENT-ID ORDFÖRANDE SIGN JUSTERARE SIGN\n");
		s_printf(out, "%s\n", f->docid);
		break;
	case L_KOMMUN:
		s_printf(out, "Justerandes sign%*sUtdragsbestyrkande\n",
		         f->sign_gap, "");
		break;
	case L_SIDA_AV:
		s_printf(out, "Sida %d av %d\n", pg, f->total_pages);
		break;
	case L_BARE:
		s_printf(out, "%*s%d\n", f->bare_indent, "", pg);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------- output */

typedef struct {
	const cfg_t *cfg;
	str_t out;
} emit_t;

/* One line of extracted text; blank-line style adds an empty line. */
static void emit_line(emit_t *e, const char *text, size_t n)
{
	s_putn(&e->out, text, n);
	/* pdftotext ends a line with a space, unless it ends in a hyphen */
	bool hyph = (n >= 1 && text[n - 1] == '-') ||
	            (n >= 2 && !memcmp(text + n - 2, SHY, 2));
	if (e->cfg->trail && n && !hyph)
		s_puts(&e->out, " ");
	s_puts(&e->out, "\n");
	if (e->cfg->blank)
		s_puts(&e->out, "\n");
}

/* Content line, with ligatures drawn per occurrence. */
static void emit_text_line(emit_t *e, const char *t)
{
	if (!e->cfg->lig) {
		emit_line(e, t, strlen(t));
		return;
	}
	str_t s = { 0 };
	for (const char *p = t; *p; p++) {
		if (p[0] == 'f' && (p[1] == 'i' || p[1] == 'l') && chance(0.4)) {
			s_puts(&s, p[1] == 'i' ? "\xEF\xAC\x81" : "\xEF\xAC\x82");
			p++;
		} else {
			s_putn(&s, p, 1);
		}
	}
	emit_line(e, s.p ? s.p : "", s.len);
	free(s.p);
}

static void emit_block(emit_t *e, const char *block)
{
	for (const char *p = block; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		emit_line(e, p, n);
		p += n + (nl != NULL);
	}
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fputs("usage: degrade [options] INPUT OUTPREFIX\n"
	      "Writes OUTPREFIX.txt (degraded) and OUTPREFIX.truth.txt (clean).\n"
	      "  --seed N          random seed (default 1)\n"
	      "  --width N         line width in characters (auto: 55..95)\n"
	      "  --layout NAME     region | region-plain | kommun | sida-av | bare | auto\n"
	      "  --blank yes|no    blank line after every line\n"
	      "  --ff yes|no       form feed between pages\n"
	      "  --page-lines N    text lines per page (auto: 28..50)\n"
	      "  --hyph-rate P     chance to hyphenate a word that does not fit (auto: 0.6..1)\n"
	      "  --soft yes|no     soft hyphens\n"
	      "  --pua yes|no      bullets as U+F0B7\n"
	      "  --ligatures yes|no  fi/fl ligatures\n"
	      "  --trailing yes|no trailing space on every line\n"
	      "  --dict PATH       hyphenation patterns (" DEFAULT_DICT ")\n"
	      "  -v                describe the choices on standard output\n"
	      "Every option defaults to auto: drawn from the seed.\n",
	      f);
}

static int parse_bool(const char *opt, const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "0"))
		return 0;
	if (!strcmp(v, "auto"))
		return AUTO;
	fprintf(stderr, "degrade: %s wants yes, no or auto, not '%s'\n", opt, v);
	exit(2);
}

static long parse_num(const char *opt, const char *v, long lo, long hi)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < lo || n > hi) {
		fprintf(stderr, "degrade: %s wants a number %ld..%ld, not '%s'\n",
		        opt, lo, hi, v);
		exit(2);
	}
	return n;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		perror(path);
		exit(2);
	}
	str_t s = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		s_putn(&s, buf, n);
	if (ferror(f)) {
		perror(path);
		exit(2);
	}
	if (f != stdin)
		fclose(f);
	*len = s.len;
	return s.p ? s.p : xstrndup("", 0);
}

static void write_file(const char *prefix, const char *suffix, const str_t *s)
{
	str_t path = { 0 };
	s_printf(&path, "%s%s", prefix, suffix);
	FILE *f = fopen(path.p, "wb");
	if (!f || fwrite(s->p ? s->p : "", 1, s->len, f) != s->len ||
	    fclose(f) != 0) {
		perror(path.p);
		exit(2);
	}
	free(path.p);
}

/* Trim ASCII white space and NBSP from both ends of p[0..*n). */
static const char *trim(const char *p, size_t *n)
{
	for (;;) {
		if (*n && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r')) {
			p++, (*n)--;
		} else if (*n >= 2 && !memcmp(p, "\xC2\xA0", 2)) {
			p += 2, *n -= 2;
		} else {
			break;
		}
	}
	for (;;) {
		if (*n && (p[*n - 1] == ' ' || p[*n - 1] == '\t' || p[*n - 1] == '\r'))
			(*n)--;
		else if (*n >= 2 && !memcmp(p + *n - 2, "\xC2\xA0", 2))
			*n -= 2;
		else
			break;
	}
	return p;
}

int main(int argc, char **argv)
{
	cfg_t cfg = { .seed = 1, .width = AUTO, .layout = AUTO, .blank = AUTO,
	              .ff = AUTO, .page_lines = AUTO, .hyph_rate = -1,
	              .soft = AUTO, .pua = AUTO, .lig = AUTO, .trail = AUTO,
	              .para_gap = AUTO, .hang = AUTO, .dict = DEFAULT_DICT };
	const char *pos[2];
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-v")) {
			cfg.verbose = true;
			takes = false;
		} else if (a[0] == '-' && a[1] == '-' && !v) {
			fprintf(stderr, "degrade: %s wants a value\n", a);
			return 2;
		} else if (!strcmp(a, "--seed")) {
			char *end;
			cfg.seed = strtoull(v, &end, 10);
			if (*end || !*v) {
				fprintf(stderr, "degrade: bad seed '%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--width")) {
			cfg.width = (int)parse_num(a, v, 20, 400);
		} else if (!strcmp(a, "--page-lines")) {
			cfg.page_lines = (int)parse_num(a, v, 5, 10000);
		} else if (!strcmp(a, "--layout")) {
			cfg.layout = AUTO;
			if (strcmp(v, "auto")) {
				int k = 0;
				while (k < L_COUNT && strcmp(v, layout_name[k]))
					k++;
				if (k == L_COUNT) {
					fprintf(stderr, "degrade: no layout '%s'\n", v);
					return 2;
				}
				cfg.layout = k;
			}
		} else if (!strcmp(a, "--hyph-rate")) {
			char *end;
			cfg.hyph_rate = strtod(v, &end);
			if (*end || !*v || !(cfg.hyph_rate >= 0 && cfg.hyph_rate <= 1)) {
				fprintf(stderr, "degrade: --hyph-rate wants 0..1\n");
				return 2;
			}
		} else if (!strcmp(a, "--blank")) {
			cfg.blank = parse_bool(a, v);
		} else if (!strcmp(a, "--ff")) {
			cfg.ff = parse_bool(a, v);
		} else if (!strcmp(a, "--soft")) {
			cfg.soft = parse_bool(a, v);
		} else if (!strcmp(a, "--pua")) {
			cfg.pua = parse_bool(a, v);
		} else if (!strcmp(a, "--ligatures")) {
			cfg.lig = parse_bool(a, v);
		} else if (!strcmp(a, "--trailing")) {
			cfg.trail = parse_bool(a, v);
		} else if (!strcmp(a, "--dict")) {
			cfg.dict = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "degrade: unknown option %s\n", a);
			usage(stderr);
			return 2;
		} else {
			takes = false;
			if (npos == 2) {
				usage(stderr);
				return 2;
			}
			pos[npos++] = a;
		}
		if (takes)
			i++;
	}
	if (npos != 2) {
		usage(stderr);
		return 2;
	}

	/* Draw every choice, in a fixed order, then let options override. */
	rng_state = cfg.seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
	int d_width = rnd_range(55, 95);
	int d_layout = (int)rnd_below(L_COUNT);
	int d_blank = chance(0.5);
	int d_page = rnd_range(28, 50);
	double d_hyph = 0.6 + 0.4 * (double)rnd_below(1001) / 1000.0;
	int d_soft = chance(0.35);
	int d_pua = chance(0.5);
	int d_lig = chance(0.25);
	int d_trail = chance(0.5);
	int d_gap = chance(0.5);
	int d_hang = chance(0.5);
	double ff_draw = (double)rnd_below(1000) / 1000.0;
	if (cfg.width == AUTO)
		cfg.width = d_width;
	if (cfg.layout == AUTO)
		cfg.layout = d_layout;
	if (cfg.blank == AUTO)
		cfg.blank = d_blank;
	if (cfg.page_lines == AUTO)
		cfg.page_lines = d_page;
	if (cfg.hyph_rate < 0)
		cfg.hyph_rate = d_hyph;
	if (cfg.soft == AUTO)
		cfg.soft = d_soft;
	if (cfg.pua == AUTO)
		cfg.pua = d_pua;
	if (cfg.lig == AUTO)
		cfg.lig = d_lig;
	if (cfg.trail == AUTO)
		cfg.trail = d_trail;
	cfg.para_gap = cfg.blank ? d_gap : (d_gap || chance(0.7));
	cfg.hang = d_hang;
	if (cfg.ff == AUTO) {
		static const double ff_p[L_COUNT] = { 0.3, 0.3, 0.6, 0.6, 1.0 };
		cfg.ff = ff_draw < ff_p[cfg.layout];
	}

	furniture_t fur = { 0 };
	fur.body = bodies[rnd_below(sizeof bodies / sizeof bodies[0])];
	fur.year = rnd_range(2018, 2025);
	fur.month = rnd_range(1, 12);
	fur.day = rnd_range(1, 28);
	fur.first_page = chance(0.3) ? rnd_range(2, 20) : 1;
	fur.kommun_title = chance(0.4);
	fur.sida_header = chance(0.5);
	fur.sign_gap = rnd_range(3, 24);
	fur.bare_indent = rnd_range(0, 40);
	snprintf(fur.docid, sizeof fur.docid, "ARBGRP%d-%u-%d, %d.0",
	         rnd_range(100, 999), 1000000000u + rnd_below(1000000000u),
	         rnd_range(10, 99), rnd_range(1, 9));
	int extra_pages = chance(0.5) ? rnd_range(1, 30) : 0;

	HyphenDict *dict = hnj_hyphen_load(cfg.dict);
	if (!dict) {
		fprintf(stderr, "degrade: cannot load hyphenation patterns %s\n",
		        cfg.dict);
		return 2;
	}

	size_t len;
	char *text = read_all(pos[0], &len);

	/* Paragraphs: the non-empty lines of the input. */
	str_t truth = { 0 };
	wrap_t w = { .cfg = &cfg, .dict = dict, .cont_indent = "" };
	size_t npara = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		const char *p = trim(text + i, &n);
		i = nl ? (size_t)(nl - text) + 1 : len;
		if (!n)
			continue;
		char *para = xstrndup(p, n);
		if (npara++)
			s_puts(&truth, "\n\n");
		s_putn(&truth, para, n);
		wrap_paragraph(&w, para);
		free(para);
	}
	if (truth.len)
		s_puts(&truth, "\n");

	/* Pages: about page_lines lines each; a page would rather end on a
	 * hyphenated line when one is near. */
	size_t *starts = xrealloc(NULL, (w.nlines + 1) * sizeof *starts);
	size_t npages = 0, mid_word = 0;
	for (size_t i = 0; i < w.nlines || npages == 0;) {
		starts[npages++] = i;
		size_t target = (size_t)(cfg.page_lines + rnd_range(-3, 3));
		size_t j = i;
		while (j < w.nlines && j - i < target) {
			j++;
			if (j - i + 4 >= target && j < w.nlines &&
			    w.lines[j - 1].hyphen_end && chance(0.6))
				break;
		}
		if (j < w.nlines && w.lines[j - 1].hyphen_end)
			mid_word++;
		if (j == i)
			break;
		i = j;
	}
	starts[npages] = w.nlines;
	fur.total_pages = fur.first_page + (int)npages - 1 + extra_pages;

	emit_t e = { .cfg = &cfg };
	str_t block = { 0 };
	for (size_t pg = 0; pg < npages; pg++) {
		int num = fur.first_page + (int)pg;
		if (pg && cfg.ff)
			s_puts(&e.out, "\f");
		s_clear(&block);
		header_lines(&cfg, &fur, num, &block);
		if (block.len) {
			emit_block(&e, block.p);
			if (chance(0.5))
				emit_line(&e, "", 0);
		}
		for (size_t k = starts[pg]; k < starts[pg + 1]; k++) {
			emit_text_line(&e, w.lines[k].text);
			if (w.lines[k].para_end && cfg.para_gap && k + 1 < w.nlines)
				s_puts(&e.out, "\n");
		}
		s_clear(&block);
		footer_lines(&cfg, &fur, num, &block);
		if (block.len) {
			/* a few empty lines above, or (region) a line of one space */
			int gap = rnd_range(0, 2);
			for (int g = 0; g < gap; g++) {
				if (cfg.layout == L_REGION && g == 1)
					emit_line(&e, " ", 1);
				else
					emit_line(&e, "", 0);
			}
			emit_block(&e, block.p);
		}
	}
	if (cfg.ff)
		s_puts(&e.out, "\f");

	str_t prefix = { 0 };
	s_puts(&prefix, pos[1]);
	write_file(prefix.p, ".txt", &e.out);
	write_file(prefix.p, ".truth.txt", &truth);

	if (cfg.verbose)
		printf("seed=%llu width=%d layout=%s blank=%s ff=%s page-lines=%d "
		       "hyph-rate=%.2f soft=%s pua=%s ligatures=%s trailing=%s: "
		       "%zu paragraphs, %zu lines, %zu pages (%zu break mid-word), "
		       "%zu pattern hyphens (%zu soft), %zu real, %zu suspended, "
		       "%zu soft hyphens inside lines\n",
		       (unsigned long long)cfg.seed, cfg.width,
		       layout_name[cfg.layout], cfg.blank ? "yes" : "no",
		       cfg.ff ? "yes" : "no", cfg.page_lines, cfg.hyph_rate,
		       cfg.soft ? "yes" : "no", cfg.pua ? "yes" : "no",
		       cfg.lig ? "yes" : "no", cfg.trail ? "yes" : "no", npara,
		       w.nlines, npages, mid_word, w.n_pattern, w.n_shy_end,
		       w.n_real, w.n_suspended, w.n_shy_mid);

	for (size_t k = 0; k < w.nlines; k++)
		free(w.lines[k].text);
	free(w.lines);
	free(w.cur.p);
	free(starts);
	free(block.p);
	free(e.out.p);
	free(truth.p);
	free(prefix.p);
	free(text);
	hnj_hyphen_free(dict);
	return 0;
}
