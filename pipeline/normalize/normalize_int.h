/*
 * normalize_int.h — private to the normalizer (normalize.h): the
 * normalizer's resources, the line record every pass reads and writes, the
 * state of one run, and the small UTF-8 and hashing helpers the passes
 * share.  The passes, one file each:
 *
 *   normalize.c            resources, the run (normalize_run) and pass 4:
 *                          output with character folding
 *   normalize_lines.c      pass 1: lines, their flags and measure
 *   normalize_furniture.c  pass 2: pages and page furniture
 *   normalize_hyphen.c     pass 3: joins and line-end hyphens, with the
 *                          document's evidence for ambiguous hyphens
 *   normalize_words.c      the layout words (lexicons/layout.tsv)
 */
#ifndef BESLUT_NORMALIZE_INT_H
#define BESLUT_NORMALIZE_INT_H

#include "normalize.h"
#include "dict.h"
#include "common/limits.h"
#include "normalize_words.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>


/* ---- resources ---- */

typedef struct furn_entry {
	char *key;      /* folded, spaces collapsed */
	size_t len;
	bool prefix;
	bool box;       /* heads a signature box: removed wherever it stands */
	bool running;   /* a running header line: removed wherever it stands */
	bool suffix;    /* running, matched at the end of a short recurring line */
} furn_entry_t;

typedef struct memo_slot {
	uint64_t h;     /* 0 = empty */
	uint32_t run;   /* the last run (document) that asked */
	uint8_t v;      /* W_DICT_* verdict */
} memo_slot_t;

#define MEMO_SLOTS (1u << 16)   /* dictionary verdicts kept per normalizer (1 MB) */

typedef struct nline {
	uint32_t s, e;          /* content bytes, whitespace trimmed */
	uint16_t lead, trail;   /* whitespace characters trimmed on each side */
	uint16_t gap;           /* blank lines before */
	uint16_t clen;          /* characters of content (capped) */
	uint16_t flags;
	uint8_t sep;            /* separator after this line (SEP_*) */
	uint8_t why;            /* index into reasons[] */
} nline_t;

enum {
	LF_FF = 1,        /* a form feed precedes the line */
	LF_FURN = 2,      /* removed as furniture */
	LF_ANCHOR = 4,    /* strong printed page number ("Sida 13 (80)") */
	LF_WEAKNUM = 8,   /* bare page number ("13", "- 13 -") */
	LF_SECT = 16,     /* "§ 171" or "171 §" alone on its line */
	LF_ITEM = 32,     /* numbered point or bullet character */
	LF_DNR = 64,      /* "Dnr 1310-2020" */
	LF_NUMITEM = 128, /* LF_ITEM by a marker that also occurs in running text
	                     ("1. ", "2) ", "- ", "– "): not an item after a full line
	                     unless it continues a numbering */
	LF_HEAD = 256,    /* carries an item heading ("Ks § 38  Dnr …", "Paragraf 31",
	                     "Title   § 12"): furniture only as a repeat */
	LF_BOX = 512,     /* part of a signature box ("Rättelse bestyrks", dates, signers) */
	LF_HEADLEAD = 1024, /* LF_HEAD with the heading at the start of the line */
	LF_RUN = 2048,    /* part of a running header removed wherever it stands */
};

enum { SEP_END, SEP_SPACE, SEP_JOIN, SEP_KEEP, SEP_SUSP, SEP_NL, SEP_PARA };

typedef struct pevent {
	uint32_t line;     /* boundary before content line `line` */
	int after;         /* printed number of the page that starts here, or -1 */
	int before;        /* printed number of the page that ends here, or -1 */
} pevent_t;

typedef struct hyq {
	uint32_t line;         /* line A (ends with the hyphen) */
	uint64_t hj, hh;       /* folded hashes of joined / hyphenated form */
	uint32_t jc, hc;       /* occurrences elsewhere */
} hyq_t;

typedef struct qslot {
	uint64_t h;
	uint32_t count;
	uint8_t used;
} qslot_t;

struct normalizer {
	layout_words_t lw;      /* lexicons/layout.tsv */
	int seg_prev_page;        /* normalize_run_segment: the page before the text (0: none) */
	int seg_continues;        /* … its first page continues that page */
	size_t *seg_budget;       /* … the dictionary budget of all segments */
	int seg_later;            /* … not the first segment: the same run of the memo */
	norm_shape_t *seg_shape;  /* … the shape of the text */
	furn_entry_t *furn;
	size_t nfurn;
	uint8_t box_first[256]; /* folded first bytes of the box entries */
	Hunhandle *hs;
	const UNormalizer2 *nfc;
	uint8_t trouble[0x10000 / 8]; /* BMP code points NFC may change */
	memo_slot_t *memo;
	size_t memo_n;
	size_t dict_budget;     /* dictionary lookups left in this run */
	uint32_t run;           /* runs so far: memo entries are charged once per run */
	/* scratch, reused between runs */
	nline_t *lines;
	size_t lines_cap;
	pevent_t *ev;
	size_t ev_cap;
	hyq_t *hq;
	size_t hq_cap;
	UChar *u16a, *u16b;
	size_t u16_cap;
	char word[512];
};

/* ---- small helpers ---- */

static const char *const reasons[] = {
	"",
	"last line",
	"§ heading",
	"line after § heading",
	"title line continues",
	"title ends",
	"Dnr line",
	"numbered point or bullet",
	"leading-space bullet",
	"lower-case (or parenthesis) continuation",
	"full line continues",
	"page-break trace (leading space, sentence continues)",
	"deliberate line end",
	"paragraph mark (trailing double space)",
	"heading line follows",
	"soft hyphen",
	"suspended compound (conjunction follows)",
	"digit next to hyphen",
	"acronym before hyphen",
	"single letter before hyphen",
	"document has joined form only",
	"document has hyphenated form only",
	"capital after hyphen",
	"right part is no word (dictionary)",
	"dictionary knows joined form",
	"both halves are words, joined form is not",
	"unknown word broken by hyphenation",
	"punctuation after hyphen",
	"left part is no word (dictionary)",
	"comma continues",
	"dictionary budget of this document spent: word-internal break assumed",
	"capitalised non-word before a word, joined form no word: a name in a compound",
	"long line ends with a word no sentence ends with (preposition, conjunction, article)",
	"hanging indent: the point's text continues",
	"item heading after a sentence",
	"number after a preposition or conjunction continues the sentence",
};

enum {
	W_NONE, W_LAST, W_SECT, W_AFTER_SECT, W_TITLE, W_TITLE_END, W_DNR, W_ITEM,
	W_LEADBULLET, W_LOWER, W_FULL, W_TRACE, W_DELIB, W_PARAMARK, W_HEADNEXT,
	W_SHY, W_SUSP, W_DIGIT, W_ACRONYM, W_SINGLE, W_DOC_JOIN, W_DOC_HYPH,
	W_CAPITAL, W_DICT_NORIGHT, W_DICT_JOIN, W_DICT_HALVES, W_DEFAULT_JOIN,
	W_PUNCT, W_DICT_NOLEFT, W_COMMA, W_NO_BUDGET, W_DICT_NAME, W_DANGLING,
	W_HANG, W_HEADLINE, W_NUMTEXT,
	W_COUNT
};

_Static_assert(sizeof reasons / sizeof reasons[0] == W_COUNT, "one reason text per W_* code");

static inline bool is_cont(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Code point at s[i] (i < len) and its length; invalid bytes yield U+FFFD-like -1. */
static inline int32_t cp_at(const unsigned char *s, size_t len, size_t i, int *n)
{
	if (s[i] < 0x80) {
		*n = 1;
		return s[i];
	}
	return utf8_decode(s + i, len - i, n);
}

/* Start of the code point ending just before position i (i > lo). */
static inline size_t cp_back(const unsigned char *s, size_t lo, size_t i)
{
	size_t j = i - 1;
	while (j > lo && is_cont(s[j]) && i - j < 4)
		j--;
	return j;
}

static inline bool cp_alpha(int32_t c)
{
	if (c < 0)
		return false;
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	return u_isalpha(c) != 0;
}

static inline bool cp_digit(int32_t c)
{
	if (c < 0)
		return false;
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return u_isdigit(c) != 0;
}

static inline bool cp_upper(int32_t c)
{
	if (c < 0)
		return false;
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	return u_isupper(c) || u_istitle(c);
}

static inline bool cp_lower(int32_t c)
{
	if (c < 0)
		return false;
	if (c < 0x80)
		return c >= 'a' && c <= 'z';
	return u_islower(c) != 0;
}

/* Fold one byte position for case-insensitive keys: ASCII and Latin-1
 * capitals (C3 80..C3 9E) to lower case.  Returns the folded byte. */
static inline unsigned char fold_byte(const unsigned char *s, size_t i, size_t len)
{
	unsigned char b = s[i];
	if (b >= 'A' && b <= 'Z')
		return (unsigned char)(b + 32);
	if (is_cont(b) && i > 0 && s[i - 1] == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97)
		return (unsigned char)(b + 0x20);
	(void)len;
	return b;
}

#define FNV_OFF 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static inline uint64_t fnv_step(uint64_t h, unsigned char b)
{
	return (h ^ b) * FNV_PRIME;
}

static inline uint64_t fnv_fin(uint64_t h)
{
	return h ? h : 1;
}

/* Byte classes of the evidence scan: 1 starts or continues a word (ASCII
 * letters and digits, lead bytes of letters), 2 continues one (UTF-8
 * continuation bytes), 0 ends it.  General punctuation (E2), CJK
 * punctuation (E3) and the private-use/compatibility block (EF) are not
 * words; C2 holds NBSP, soft hyphen, « » and §. */
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const uint8_t word_class[256] = {
	R16(0), R16(0), R16(0),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	R16(2), R16(2), R16(2), R16(2),
	0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	R16(1),
	1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
#undef R16

/* Whitespace (other than line ends) at t[i]; *n its length. */
static inline bool ws_at(const unsigned char *t, size_t len, size_t i, int *n)
{
	unsigned char b = t[i];
	if (b == ' ' || b == '\t' || b == '\r' || b == '\v') {
		*n = 1;
		return true;
	}
	if (b == 0xC2 && i + 1 < len && t[i + 1] == 0xA0) {
		*n = 2;
		return true;
	}
	return false;
}

static inline bool ws_before(const unsigned char *t, size_t lo, size_t e, int *n)
{
	unsigned char b = t[e - 1];
	if (b == ' ' || b == '\t' || b == '\r' || b == '\v') {
		*n = 1;
		return true;
	}
	if (b == 0xA0 && e >= lo + 2 && t[e - 2] == 0xC2) {
		*n = 2;
		return true;
	}
	return false;
}

/* ---- edit log ---- */

typedef struct run {
	normalizer_t *nz;
	const unsigned char *t;
	size_t len;
	unsigned flags;
	norm_result_t *r;
	nline_t *L;
	size_t n;              /* content lines */
	unsigned W;            /* measure in characters */
	bool dbl;              /* double spaced */
	bool trail_sig;        /* trailing double space marks paragraph ends */
	bool lead_sig;         /* leading space marks bullets / page traces */
	bool wrapped;          /* lines were broken at a measure (PDF), not paragraphs (web) */
	bool noblank;          /* wrapped without any blank lines: a line end is all we have */
	size_t nev;
	size_t nhq;
	bool space;            /* output ends with a space */
} run_t;

#define ATT_MARK (4u << 24 | (uint32_t)'@' << 16 | 'a') /* item_mark() of an "att" point */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Shared between the files of this stage. */
bool starts_att(const run_t *ru, const nline_t *l);
bool att_marker(const layout_words_t *lw, const unsigned char *s, size_t n);
size_t digits_at(const unsigned char *s, size_t n, size_t i, long *val);
long page_number(const layout_words_t *lw, const unsigned char *s, size_t n, uint16_t *flags);
size_t capital_at(const unsigned char *s, size_t n, size_t i);
long heading_number(const layout_words_t *lw, const unsigned char *s, size_t n);
bool has_col_gap(const unsigned char *s, size_t n);
void classify(run_t *ru, nline_t *l);
size_t count_chars(const unsigned char *t, size_t s, size_t e);
size_t scan_lines(run_t *ru);
bool wide_gap(const unsigned char *s, size_t n);
bool caps_line(const run_t *ru, const nline_t *l);
bool inner_punct(const run_t *ru, const nline_t *l);
bool name_split(const run_t *ru, const nline_t *A, const nline_t *B);
bool decision_heading(const run_t *ru, const nline_t *l);
bool ends_with_kap(const run_t *ru, const nline_t *l);
bool one_cap_word(const run_t *ru, const nline_t *l);
void doc_shape(run_t *ru);
uint64_t line_key(const unsigned char *t, const nline_t *l);
void find_furniture(run_t *ru);
void signature_boxes(run_t *ru);
void running_headers(run_t *ru);
int32_t first_cp(const run_t *ru, const nline_t *l);
int line_hyphen(const run_t *ru, const nline_t *l, size_t *hp);
void decide(run_t *ru);
void page_rhythm(run_t *ru);
void gather_evidence(run_t *ru);

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

#endif
