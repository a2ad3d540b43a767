/*
 * normalize.c — repair PDF-extracted protocol text (see normalize.h).
 *
 * How it works
 * ------------
 * pdftotext turns a typeset page back into lines, and on the way it loses
 * everything a reader uses to see structure: where a paragraph ends, which
 * line is a heading, which hyphen belongs to the word and which one the
 * typesetter put there to break it, and which lines are not text at all but
 * the running header that the page repeats ("PROTOKOLL / Regionstyrelsen
 * 14 oktober 2020  Sida 13 (80) / DOKUMENT-ID …").  Protocols printed from
 * Word come out "double spaced": a blank line after every line, so a blank
 * line says nothing about paragraphs.  Web pages come out the opposite way:
 * one paragraph per line.  The normalizer rebuilds the text in four linear
 * passes over the lines, never looking at a line more than a bounded number
 * of times:
 *
 * 1. Lines.  The input is cut at '\n' and '\f'.  Blank lines are not kept:
 *    each content line remembers how many blank lines preceded it (its
 *    "gap"), whether a form feed did, its leading and trailing whitespace
 *    and its length in characters.  From the whole document we learn its
 *    measure W (the 95th percentile of line lengths: the width the
 *    typesetter filled), whether it is double spaced (a blank line after
 *    nearly every line, so that few lines are set tight; paragraphs
 *    separated by blank lines leave many tight lines inside them and are
 *    not double spacing, however many one-line paragraphs there are), and
 *    whether trailing
 *    double spaces (Word's paragraph mark) and leading spaces (a bullet
 *    glyph pdftotext dropped, or the first line of a new page) carry
 *    information at all — a signal that is on almost every line is noise.
 *
 * 2. Pages and furniture.  Page boundaries come from form feeds and from
 *    printed page numbers ("Sida 13 (80)", "Sida 3 av 9", a line "13 (80)"
 *    or one ending in "  5 (40)" after a column gap; a bare "13" only next
 *    to a form feed).  The start and the end of the text bound the first
 *    and the last page.  Around each boundary we look at a
 *    small window of lines (a "zone") and reduce each line to a key: case
 *    folded, digit runs collapsed to '#', so "Sida 13 (80)" and "Sida 30
 *    (80)" and two meeting dates share a key.  Starting at the boundary and
 *    walking outwards, a line is furniture while it is a page number, or
 *    matches the furniture lexicon (lexicons/furniture.tsv), or its key
 *    recurs in one of the two neighbouring zones on either side.  The walk
 *    stops at the first line that is none of these, so a header group is
 *    removed whole and nothing past real text is touched.  Comparing zones
 *    with their neighbours (not with all zones) keeps this linear and lets
 *    a 100 MB file of many documents separated by form feeds be handled
 *    like one document.  Each boundary records the printed number it
 *    carries (a number next to a form feed is a header after it or a
 *    footer before it; without form feeds the numbers are footers when the
 *    last one ends the text or "1" follows text, else headers); numbers are
 *    propagated to the pages that print none.
 *    A footer set in columns ("Justerare      Utdragsbestyrkande") matches
 *    the lexicon when every column does.  A line carrying an item heading
 *    ("§ 45", "15 §", "Ks § 38   Dnr 2023/512", "Paragraf 31", "Title   § 12") is
 *    never furniture by the lexicon or by a folded key: where every § starts
 *    a page, "Ks § 38 …" and "Ks § 39 …" at two page tops share their key
 *    but are two items.  The one safe evidence is a repeat: the same line
 *    with the same § number earlier near a neighbouring boundary (a running
 *    header naming the § on its continuation page); the first occurrence
 *    always stays.  An anchor line with a heading on it stays too, and
 *    still marks its page.
 *    The first page's header is the document's own metadata ("Kommun-
 *    fullmäktige  Sammanträdesdatum 2021-03-22  5 (40)"): the furniture
 *    of the first page among the first NORM_FURNITURE_LINES lines is
 *    recorded as input spans (norm_result_t.furniture) for the document
 *    rules, while the text itself keeps none of it.
 *    Signature boxes ("Rättelse bestyrks" / "2020-10-   2020-10-" /
 *    "Kenneth Backgård (SJVP)  Glenn Berggård (V)") land wherever the
 *    template put them, mid-page too: a label the lexicon marks "box",
 *    the date-only lines right under it and, after those, one line of
 *    signers "Name (PARTY)" in columns are removed wherever they stand.
 *    Running headers that an extraction without form feeds or page
 *    numbers leaves wherever the page broke ("Protokoll nr 23" /
 *    "Sammanträdesdatum: 2024-09-11", "<Org> Kommunstyrelsen, protokoll"
 *    above each item) are removed wherever they stand too: lines the
 *    lexicon marks "running", short recurring lines ending in a "suffix"
 *    entry, and the short line (the body's name) that stands one or two
 *    lines above such a block in several blocks.  The first few distinct
 *    ones are recorded with the first page's furniture, as the witness of
 *    the document's body and date where no page header is known.
 *
 * 3. Joins.  For each pair of consecutive content lines A, B (furniture
 *    skipped, so "hushåll-" / header / "ning" is a pair) we decide the
 *    separator: nothing (hyphen removed or kept), one space (a broken line
 *    of a paragraph), a newline (a list item, a line of its own) or a
 *    paragraph break.  The rules look at shape only:
 *      - "§ 171" (or "171 §") is a paragraph of its own, and the lines
 *        after it up to "Dnr …" are its title: joined into one line; a
 *        line opening with a heading ("§ 23      Dnr KS 2024/0877") after
 *        a finished sentence starts a paragraph, and a heading set in
 *        columns is long by its padding, so it is never a "full" line
 *        that the next one would continue;
 *      - a numbered point ("1. ", "2) ", "a) ") or a bullet (a bullet
 *        character, or a leading space where a bullet glyph was lost)
 *        starts a line; after "…:" or another point, in the same paragraph.
 *        A marker that also occurs in running text ("…från tidigare 20
 *        till" / "6. Dessa är") after a full line that ends no sentence is
 *        text, unless it continues the numbering of the point the previous
 *        line belongs to ("1. … till 2022," / "2. kommunen …", "a)" then
 *        "b)", a dash bullet after a dash bullet); so is a number after a
 *        line ending on a preposition or conjunction ("… senast under" /
 *        "2. kvartalet"), except "att", which leads into points as often;
 *      - a line indented to where the text of the point above starts
 *        ("1. Fastigheten … för" / "   6 400 000 kronor …") is a hanging
 *        indent: it continues the point, whatever it starts with, and is
 *        neither a lost bullet nor a page-break trace;
 *      - a line starting with a lower-case letter continues the previous
 *        one; so does any line after a line that was full, i.e. the first
 *        word of B would not have fitted in W after A ("would it have
 *        fitted?" is the typesetter's own test), unless A ended a sentence
 *        with a paragraph mark (trailing double space) or B looks like a
 *        heading;
 *      - a long line (by the measure, even where tables keep the text
 *        from looking wrapped) ending on a word no sentence ends with
 *        ("till", "av", "och", "att") continues;
 *      - anything else is a deliberate line end: a heading, the end of a
 *        paragraph.
 *    A leading-space line that continues the previous sentence is not a
 *    bullet but the trace of a page break (pdftotext indents the first line
 *    of a page), so it also marks a page boundary.  A page that starts
 *    with a new paragraph leaves the same trace, indistinguishable from a
 *    bullet on its own; where known boundaries are much further apart than
 *    the median page, a leading-space line about one page length on is
 *    taken as the missing break (pages have a rhythm).
 *
 *    Line-end hyphens are decided one by one, cheapest evidence first:
 *    a conjunction after the line break ("Uppsägnings-| och") is a
 *    suspended compound; digits on either side ("1354-|2020", "Covid-|19")
 *    keep the hyphen, so does an acronym before it ("EU-|programmet") or a
 *    single letter ("e-|post": hyphenation never leaves one letter); then
 *    the document itself: if the joined form occurs elsewhere in the text
 *    and the hyphenated one does not, join ("Sve-|Dem" when "SveDem"
 *    occurs), and the reverse keeps the hyphen ("januari-|augusti"); a
 *    capital after the break keeps it ("Luleå-|Boden"); last the Swedish
 *    dictionary.  We use hunspell rather than the hyphenation patterns of
 *    libhyphen: patterns only say where a word MAY be broken, and
 *    "juli|september" is as legal a break as "sjuk|hus"; hunspell says
 *    which strings are words, which is the question.  A right part that is
 *    no word ("lingarna") or a left part that is none ("kvalitetsre") means
 *    a word was broken: join; a joined form that is a word ("sjukhus"):
 *    join; two words whose join is none ("juli", "september"): keep; a
 *    capitalised non-word before a word, no word joined ("Laf-|tak"): a
 *    name in a compound, keep.
 *    Hunspell answers in 1-100 µs (Swedish compounds are the slow ones), so
 *    only the ambiguous letter-letter cases reach it, the cheap questions
 *    are asked first, answers are memoised per normalizer, and a document
 *    gets a budget of lookups proportional to its size (past it: join).
 *    The document evidence needs one extra scan over the text, done only
 *    when some hyphen needs it, against a small hash set of wanted forms
 *    behind a bit filter on length and first and last letters.
 *
 * 4. Output.  The kept lines are copied with the separators between them,
 *    folding characters on the way (NFC, soft hyphen, private-use bullets,
 *    NBSP, ligatures, runs of spaces) and appending to the offset map as
 *    bytes are written: verbatim runs with omap_copy, everything else with
 *    omap_replace.  Removed bytes (a line-end hyphen, furniture, surplus
 *    spaces) are simply not mapped, so a token's mapped source with them
 *    removed is the token.  NFC costs nothing on ordinary text: a table of
 *    the BMP says which characters can change under NFC; only a run
 *    starting at the character before such a one goes through ICU.
 */
#include "normalize.h"
#include "dict.h"
#include "limits.h"
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

/* ---- normalizer lifetime ---- */

static char *fold_key_str(const char *s, size_t n, size_t *outlen)
{
	char *k = xmalloc(n + 1);
	size_t o = 0;
	bool sp = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = fold_byte((const unsigned char *)s, i, n);
		if (b == ' ' || b == '\t') {
			if (!sp)
				k[o++] = ' ';
			sp = true;
			continue;
		}
		sp = false;
		k[o++] = (char)b;
	}
	while (o && k[o - 1] == ' ')
		o--;
	k[o] = '\0';
	*outlen = o;
	return k;
}

static int load_furniture(normalizer_t *nz, const char *lexdir, char **err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/furniture.tsv", lexdir);
	FILE *f = fopen(path, "r");
	if (!f) {
		buf_t m = BUF_INIT;
		buf_printf(&m, "%s: %s", path, strerror(errno));
		*err = buf_detach(&m, NULL);
		return -1;
	}
	char line[1024];
	size_t cap = 0;
	bool header = true;
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (header) {
			header = false;
			continue;
		}
		if (n == 0 || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		size_t elen = tab ? (size_t)(tab - line) : n;
		const char *val = tab ? tab + 1 : "line";
		if (elen == 0)
			continue;
		GROW(nz->furn, cap, nz->nfurn + 1);
		furn_entry_t *fe = &nz->furn[nz->nfurn++];
		fe->key = fold_key_str(line, elen, &fe->len);
		fe->prefix = strncmp(val, "prefix", 6) == 0;
		fe->box = strncmp(val, "box", 3) == 0;
		fe->running = strncmp(val, "running", 7) == 0;
		fe->suffix = strncmp(val, "suffix", 6) == 0;
		if (fe->suffix)
			fe->running = true;
		if (fe->running)
			fe->prefix = true;
		if (fe->box && fe->len)
			nz->box_first[(unsigned char)fe->key[0]] = 1;
	}
	fclose(f);
	return 0;
}

normalizer_t *normalizer_new(const char *lexdir, char **err)
{
	normalizer_t *nz = xcalloc(1, sizeof *nz);
	if (err)
		*err = NULL;
	if (lexdir) {
		char *e = NULL;
		if (load_furniture(nz, lexdir, &e) < 0 || layout_words_load(&nz->lw, lexdir, &e) < 0) {
			if (err)
				*err = e;
			else
				free(e);
			normalizer_free(nz);
			return NULL;
		}
	}
	UErrorCode uerr = U_ZERO_ERROR;
	nz->nfc = unorm2_getNFCInstance(&uerr);
	if (U_FAILURE(uerr) || !nz->nfc) {
		if (err) {
			buf_t m = BUF_INIT;
			buf_printf(&m, "ICU NFC normalizer: %s", u_errorName(uerr));
			*err = buf_detach(&m, NULL);
		}
		normalizer_free(nz);
		return NULL;
	}
	for (UChar32 c = 0x80; c < 0x10000; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES ||
		    u_getCombiningClass(c) != 0)
			nz->trouble[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	/* The process's one dictionary (dict.h); without it ambiguous hyphens
	 * fall back to the shape and document rules (see the essay above). */
	nz->hs = dict_get();
	nz->memo = xcalloc(MEMO_SLOTS, sizeof *nz->memo);
	return nz;
}

void normalizer_free(normalizer_t *nz)
{
	if (!nz)
		return;
	layout_words_free(&nz->lw);
	for (size_t i = 0; i < nz->nfurn; i++)
		free(nz->furn[i].key);
	free(nz->furn);
	free(nz->memo);
	free(nz->lines);
	free(nz->ev);
	free(nz->hq);
	free(nz->u16a);
	free(nz->u16b);
	free(nz);
}

const char *norm_edit_kind_name(norm_edit_kind_t k)
{
	switch (k) {
	case EDIT_JOIN: return "join";
	case EDIT_KEEP_HYPHEN: return "keep_hyphen";
	case EDIT_SUSPENDED: return "suspended";
	case EDIT_FURNITURE: return "furniture";
	case EDIT_CHAR: return "char";
	case EDIT_LINE_JOIN: return "line_join";
	}
	return "unknown";
}

static const char *norm_reason_text(unsigned why)
{
	return why < sizeof reasons / sizeof reasons[0] ? reasons[why] : "";
}

void norm_result_release(norm_result_t *r)
{
	buf_release(&r->text);
	omap_release(&r->map);
	free(r->pages);
	free(r->edits);
	buf_release(&r->log);
	free(r->furniture);
	memset(r, 0, sizeof *r);
}

int norm_page_at(const norm_result_t *r, uint32_t off)
{
	if (!r->npages)
		return 1;
	size_t lo = 0, hi = r->npages;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->pages[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return r->pages[lo].number;
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

static void log_edit(run_t *ru, norm_edit_kind_t k, unsigned why, uint32_t s, uint32_t e,
                     const char *before, size_t blen, const char *after, size_t alen)
{
	norm_result_t *r = ru->r;
	GROW(r->edits, r->edits_cap, r->nedits + 1);
	norm_edit_t *ed = &r->edits[r->nedits++];
	ed->kind = k;
	ed->reason = norm_reason_text(why);
	ed->src_start = s;
	ed->src_end = e;
	ed->before = (uint32_t)r->log.len;
	buf_add(&r->log, before, blen);
	buf_addc(&r->log, '\0');
	ed->after = (uint32_t)r->log.len;
	buf_add(&r->log, after, alen);
	buf_addc(&r->log, '\0');
}

/* ---- pass 1: lines ---- */

#define ATT_MARK (4u << 24 | (uint32_t)'@' << 16 | 'a') /* item_mark() of an "att" point */

/* The line opens with the word that opens a point (class point: "att",
 * as written) and a space, and goes on. */
static bool starts_att(const run_t *ru, const nline_t *l)
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
static bool att_marker(const layout_words_t *lw, const unsigned char *s, size_t n)
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

static size_t digits_at(const unsigned char *s, size_t n, size_t i, long *val)
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
static long page_number(const layout_words_t *lw, const unsigned char *s, size_t n, uint16_t *flags)
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
static size_t capital_at(const unsigned char *s, size_t n, size_t i)
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
static long heading_number(const layout_words_t *lw, const unsigned char *s, size_t n)
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
static bool has_col_gap(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '\t' || (s[i] == ' ' && s[i + 1] == ' '))
			return true;
	return false;
}

static void classify(run_t *ru, nline_t *l)
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

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Characters (non-continuation bytes) in t[s, e), eight bytes at a time. */
static size_t count_chars(const unsigned char *t, size_t s, size_t e)
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
static size_t scan_lines(run_t *ru)
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
static bool wide_gap(const unsigned char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t')
			return true;
		run = s[i] == ' ' ? run + 1 : 0;
		if (run >= 4)
			return true;
	}
	return false;
}

/* Every letter of the line is a capital, and it has three or more
 * ("YTTRANDE ÖVER ANSÖKAN OM", "HÄLLBERGET"). */
static bool caps_line(const run_t *ru, const nline_t *l)
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
static bool inner_punct(const run_t *ru, const nline_t *l)
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
static bool name_split(const run_t *ru, const nline_t *A, const nline_t *B)
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
static bool decision_heading(const run_t *ru, const nline_t *l)
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
static bool ends_with_kap(const run_t *ru, const nline_t *l)
{
	size_t n = l->e - l->s;
	const unsigned char *s = ru->t + l->s;
	if (n && s[n - 1] == '.')
		n--;
	return lw_ends_word(&ru->nz->lw.c[LW_CHAPTER], s, n);
}

/* The line is one capitalised word ("Reservationer", "Yrkanden"). */
static bool one_cap_word(const run_t *ru, const nline_t *l)
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

static int32_t first_cp(const run_t *ru, const nline_t *l);

static void doc_shape(run_t *ru)
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

/* Key of a line: folded, digit runs -> '#', spaces collapsed. */
static uint64_t line_key(const unsigned char *t, const nline_t *l)
{
	uint64_t h = FNV_OFF;
	bool dig = false, sp = false;
	for (size_t i = l->s; i < l->e; i++) {
		unsigned char b = fold_byte(t, i, l->e);
		if (b >= '0' && b <= '9') {
			if (!dig)
				h = fnv_step(h, '#');
			dig = true;
			sp = false;
			continue;
		}
		dig = false;
		if (b == ' ' || b == '\t') {
			if (!sp)
				h = fnv_step(h, ' ');
			sp = true;
			continue;
		}
		sp = false;
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

static void find_furniture(run_t *ru)
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

static void signature_boxes(run_t *ru)
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

static bool running_line(const run_t *ru, const nline_t *l, const uint64_t *sorted, size_t n, uint64_t key)
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
		if (key_count(sorted, n, key) >= 2)
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

static void running_headers(run_t *ru)
{
	nline_t *L = ru->L;
	size_t n = ru->n;
	if (!n)
		return;
	uint64_t *keys = xmalloc(n * sizeof *keys);
	uint64_t *sorted = xmalloc(n * sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = keys[i] = line_key(ru->t, &L[i]);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	size_t nrun = 0;
	for (size_t i = 0; i < n; i++)
		if (running_line(ru, &L[i], sorted, n, keys[i])) {
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
				cand[nc] = keys[i - d];
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
					if (keys[i - d] == best && (bestc >= 2 || d == 2)) {
						c->flags |= LF_FURN | LF_RUN;
						break;
					}
				}
			}
		free(cdist);
		free(csort);
		free(cand);
	}
	free(sorted);
	free(keys);
}

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

static int32_t first_cp(const run_t *ru, const nline_t *l)
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
static int line_hyphen(const run_t *ru, const nline_t *l, size_t *hp)
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

static void decide(run_t *ru)
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
		} else if ((B->flags & LF_HEADLEAD) && !blower && ends_sentence(ac)) {
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
		           (A->clen + 1 + fw) * 10 > ru->W * 9 && A->clen * 10 >= ru->W * 8 &&
		           dangling_word(ru, A)) {
			/* the typesetter's test without the measure's certainty
			 * (a page of tables is not "wrapped"): a long line that
			 * ends on "till" goes on */
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

static void page_rhythm(run_t *ru)
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

static void gather_evidence(run_t *ru)
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

/* ---- pass 4: output with character folding ---- */

static inline bool trouble(const normalizer_t *nz, int32_t c)
{
	if (c < 0x80)
		return false;
	if (c < 0x10000)
		return (nz->trouble[c >> 3] >> (c & 7)) & 1;
	return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES ||
	       u_getCombiningClass(c) != 0;
}

static inline void out_copy(run_t *ru, size_t s, size_t e)
{
	if (e > s) {
		buf_add(&ru->r->text, ru->t + s, e - s);
		omap_copy(&ru->r->map, (uint32_t)s, (uint32_t)(e - s));
	}
}

static inline void out_repl(run_t *ru, const char *d, size_t dl, size_t s, size_t sl)
{
	buf_add(&ru->r->text, d, dl);
	omap_replace(&ru->r->map, (uint32_t)dl, (uint32_t)s, (uint32_t)sl);
}

/* NFC of the segment starting at p (a starter followed by characters NFC
 * may change, or such characters alone).  Returns the end of the segment. */
static size_t nfc_segment(run_t *ru, size_t p, size_t e)
{
	normalizer_t *nz = ru->nz;
	const unsigned char *t = ru->t;
	size_t q = p;
	int m;
	int32_t c = cp_at(t, e, q, &m);
	q += (size_t)m;
	while (q < e) {
		c = cp_at(t, e, q, &m);
		if (!trouble(nz, c))
			break;
		q += (size_t)m;
	}
	/* NFC may lengthen a few characters up to threefold (U+FB2C) */
	size_t need = (q - p) * 4 + 16;
	if (need > nz->u16_cap) {
		nz->u16a = xrealloc(nz->u16a, need * sizeof(UChar));
		nz->u16b = xrealloc(nz->u16b, need * sizeof(UChar));
		nz->u16_cap = need;
	}
	UErrorCode err = U_ZERO_ERROR;
	int32_t ul = 0;
	u_strFromUTF8(nz->u16a, (int32_t)nz->u16_cap, &ul, (const char *)t + p, (int32_t)(q - p), &err);
	if (U_FAILURE(err)) {
		out_copy(ru, p, q);
		return q;
	}
	int32_t nl = unorm2_normalize(nz->nfc, nz->u16a, ul, nz->u16b, (int32_t)nz->u16_cap, &err);
	if (U_FAILURE(err)) {
		out_copy(ru, p, q);
		return q;
	}
	int32_t bl = 0;
	u_strToUTF8(NULL, 0, &bl, nz->u16b, nl, &err);
	err = U_ZERO_ERROR;
	buf_t *o = &ru->r->text;
	buf_grow(o, (size_t)bl + 1);
	u_strToUTF8(o->data + o->len, (int32_t)(o->cap - o->len), &bl, nz->u16b, nl, &err);
	if (U_FAILURE(err)) {
		out_copy(ru, p, q);
		return q;
	}
	if ((size_t)bl == q - p && memcmp(o->data + o->len, t + p, q - p) == 0) {
		o->data[o->len] = '\0';
		out_copy(ru, p, q);
		return q;
	}
	size_t at = o->len;
	o->len += (size_t)bl;
	o->data[o->len] = '\0';
	omap_replace(&ru->r->map, (uint32_t)bl, (uint32_t)p, (uint32_t)(q - p));
	if (ru->flags & NORM_LOG_EDITS) {
		log_edit(ru, EDIT_CHAR, W_NONE, (uint32_t)p, (uint32_t)q, (const char *)t + p, q - p,
		         o->data + at, (size_t)bl);
		ru->r->edits[ru->r->nedits - 1].reason = "NFC";
	}
	ru->space = false;
	return q;
}

static void fold_edit(run_t *ru, size_t s, size_t sl, const char *to, size_t tl, const char *why)
{
	if (!(ru->flags & NORM_LOG_EDITS))
		return;
	log_edit(ru, EDIT_CHAR, W_NONE, (uint32_t)s, (uint32_t)(s + sl), (const char *)ru->t + s, sl, to, tl);
	ru->r->edits[ru->r->nedits - 1].reason = why;
}

/* Copy t[s, e) to the output, folding characters.  Bytes accumulate in a
 * pending verbatim run [run, p) that is flushed before any replacement, so
 * ordinary text costs one comparison per byte and one omap_copy per run. */
static void emit_text(run_t *ru, size_t s, size_t e)
{
	const unsigned char *t = ru->t;
	const normalizer_t *nz = ru->nz;
	size_t p = s, run = s;
	while (p < e) {
		size_t q = p;
		/* eight bytes at a time: printable ASCII and single spaces
		 * (not after a space) stay in the pending run as they are */
		while (q + 8 <= e) {
			uint64_t x = load8(t + q);
			uint64_t lo = (x - ONES * 0x20) & ~x;          /* a byte < 0x20 */
			uint64_t de = ((x ^ ONES * 0x7F) - ONES) & ~(x ^ ONES * 0x7F); /* DEL */
			uint64_t sp = ((x ^ ONES * 0x20) - ONES) & ~(x ^ ONES * 0x20) & HIGHS;
			if ((x | lo | de) & HIGHS)
				break;
			if ((sp & (sp >> 8)) || ((sp & 0x80) && (q == p ? ru->space : t[q - 1] == ' ')))
				break;
			q += 8;
		}
		if (q != p)
			ru->space = t[q - 1] == ' ';
		while (q < e && (unsigned char)(t[q] - 0x21) < 0x5E)
			q++;
		if (q != p) {
			if (t[q - 1] != ' ')
				ru->space = false;
			p = q;
			if (p >= e)
				break;
		}
		unsigned char c = t[p];
		if (c < 0x80) {
			if (c == ' ' && !ru->space) {
				ru->space = true;
				p++;
				continue;
			}
			/* a second space, a tab, a control character */
			out_copy(ru, run, p);
			if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
				if (!ru->space) {
					out_repl(ru, " ", 1, p, 1);
					ru->space = true;
				}
				p++;
				run = p;
				continue;
			}
			ru->space = false;
			run = p;
			p++;
			continue;
		}
		int m;
		int32_t cp = cp_at(t, e, p, &m);
		if (cp < 0) {
			ru->space = false;
			p++;
			continue;
		}
		if (cp < 0xA0 || (cp > 0xAD && cp < 0x300)) {
			/* Latin-1 and Latin Extended letters: never special */
			ru->space = false;
			p += (size_t)m;
			continue;
		}
		if (cp == 0xA0) {
			out_copy(ru, run, p);
			if (!ru->space) {
				out_repl(ru, " ", 1, p, 2);
				fold_edit(ru, p, 2, " ", 1, "NBSP");
				ru->space = true;
			}
			p += 2;
			run = p;
			continue;
		}
		if (cp == 0xAD) {
			out_copy(ru, run, p);
			fold_edit(ru, p, 2, "", 0, "soft hyphen");
			p += 2;
			run = p;
			continue;
		}
		if (cp >= 0xE000 && cp <= 0xF8FF) {
			out_copy(ru, run, p);
			out_repl(ru, "\xE2\x80\xA2", 3, p, (size_t)m);
			fold_edit(ru, p, (size_t)m, "\xE2\x80\xA2", 3, "private-use bullet");
			ru->space = false;
			p += (size_t)m;
			run = p;
			continue;
		}
		if (cp >= 0xFB00 && cp <= 0xFB06) {
			static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
			const char *l = lig[cp - 0xFB00];
			out_copy(ru, run, p);
			out_repl(ru, l, strlen(l), p, (size_t)m);
			fold_edit(ru, p, (size_t)m, l, strlen(l), "ligature");
			ru->space = false;
			p += (size_t)m;
			run = p;
			continue;
		}
		if (trouble(nz, cp)) {
			/* start the NFC segment at the preceding character when it
			 * is still in the pending run (it may compose with this one) */
			size_t st = p;
			if (p > run) {
				size_t b = cp_back(t, run, p);
				if (b >= run && t[b] != ' ')
					st = b;
			}
			out_copy(ru, run, st);
			p = nfc_segment(ru, st, e);
			run = p;
			continue;
		}
		ru->space = false;
		p += (size_t)m;
	}
	out_copy(ru, run, p);
}

/* Up to n bytes of text ending at e / starting at s, on whole code points. */
static size_t tail_start(const unsigned char *t, size_t lo, size_t e, size_t n)
{
	size_t s = e > lo + n ? e - n : lo;
	while (s < e && is_cont(t[s]))
		s++;
	return s;
}

static size_t head_end(const unsigned char *t, size_t s, size_t hi, size_t n)
{
	size_t e = s + n < hi ? s + n : hi;
	while (e > s && e < hi && is_cont(t[e]))
		e--;
	return e;
}

static void log_join(run_t *ru, const nline_t *A, const nline_t *B, norm_edit_kind_t k,
                     const char *after_mid, size_t hl, size_t span_hl)
{
	const unsigned char *t = ru->t;
	buf_t b = BUF_INIT, a = BUF_INIT;
	size_t ts = tail_start(t, A->s, A->e, 24), he = head_end(t, B->s, B->e, 24);
	buf_add(&b, t + ts, A->e - ts);
	buf_addc(&b, '|');
	buf_add(&b, t + B->s, he - B->s);
	buf_add(&a, t + ts, A->e - ts - hl);
	buf_adds(&a, after_mid);
	buf_add(&a, t + B->s, he - B->s);
	/* the span runs from the hyphen (if any) to the next line's text */
	log_edit(ru, k, A->why, (uint32_t)(A->e - span_hl), B->s, b.data, b.len, a.data, a.len);
	buf_release(&b);
	buf_release(&a);
}

static void emit(run_t *ru)
{
	nline_t *L = ru->L;
	size_t n = ru->n;
	norm_result_t *r = ru->r;
	normalizer_t *nz = ru->nz;
	bool log = (ru->flags & NORM_LOG_EDITS) != 0;
	size_t ev = 0;
	size_t pcap = ru->nev + 1;
	r->pages = xmalloc(pcap * sizeof *r->pages);
	int *known = xmalloc(pcap * sizeof *known);
	r->npages = 1;
	r->pages[0].start = 0;
	known[0] = -1;
	/* estimate output size: input length */
	buf_grow(&r->text, ru->len + 16);
	ru->space = true;
	size_t prev = n;
	bool rec_first = true; /* recording the first page's furniture */
	size_t nrunrec = 0;    /* running header lines recorded, distinct */
	uint64_t runkeys[NORM_RUNNING_LINES];
	for (size_t i = 0; i < n; i++) {
		nline_t *l = &L[i];
		while (ev < ru->nev && nz->ev[ev].line <= i) {
			if (nz->ev[ev].before >= 0 && prev != n)
				known[r->npages - 1] = nz->ev[ev].before;
			if (prev != n) {
				r->pages[r->npages].start = (uint32_t)r->text.len;
				known[r->npages] = nz->ev[ev].after;
				r->npages++;
			} else if (nz->ev[ev].after >= 0) {
				known[0] = nz->ev[ev].after;
			}
			ev++;
		}
		/* the first page's furniture is recorded: up to the next
		 * page's number or form feed after some text */
		if (prev != n && (l->flags & (LF_FF | ((l->flags & LF_FURN) ? LF_ANCHOR | LF_WEAKNUM : 0))))
			rec_first = false;
		if (l->flags & LF_FURN) {
			r->stats.headers_removed++;
			/* the first running header block too: where no page
			 * boundary is known, it is the one witness of the body */
			bool runrec = false; /* a running line not recorded yet */
			if ((l->flags & LF_RUN) && nrunrec < NORM_RUNNING_LINES) {
				uint64_t key = line_key(ru->t, l);
				runrec = true;
				for (size_t q = 0; q < nrunrec; q++)
					runrec &= runkeys[q] != key;
				if (runrec)
					runkeys[nrunrec] = key;
			}
			if ((rec_first && i < NORM_FURNITURE_LINES && r->nfurniture < NORM_FURNITURE_LINES) || runrec) {
				if (!r->furniture)
					r->furniture = xmalloc((NORM_FURNITURE_LINES + NORM_RUNNING_LINES) * sizeof *r->furniture);
				r->furniture[r->nfurniture++] = (norm_span_t){l->s, l->e};
				nrunrec += runrec;
			}
			if (log)
				log_edit(ru, EDIT_FURNITURE, W_NONE, l->s, l->e, (const char *)ru->t + l->s,
				         l->e - l->s, "", 0);
			if (log)
				r->edits[r->nedits - 1].reason = (l->flags & LF_BOX) ? "signature box"
				                                 : (l->flags & LF_RUN) ? "running header"
				                                 : (l->flags & (LF_ANCHOR | LF_WEAKNUM))
				                                     ? "page number"
				                                     : "running header/footer near page boundary";
			continue;
		}
		size_t e = l->e;
		size_t hp = 0;
		int hk = (l->sep == SEP_JOIN || l->sep == SEP_KEEP || l->sep == SEP_SUSP)
		             ? line_hyphen(ru, l, &hp)
		             : 0;
		if (l->sep == SEP_JOIN && hk)
			e = hp;
		emit_text(ru, l->s, e);
		/* separator to the next kept line */
		size_t j = i + 1;
		while (j < n && (L[j].flags & LF_FURN))
			j++;
		if (j >= n) {
			prev = i;
			continue; /* the last line; furniture after it is still counted */
		}
		nline_t *B = &L[j];
		uint32_t gs = l->e, gl = B->s - l->e;
		switch (l->sep) {
		case SEP_SPACE:
		case SEP_SUSP:
			if (ru->t[l->e] == ' ')
				out_copy(ru, gs, gs + 1); /* the line's own trailing space */
			else
				out_repl(ru, " ", 1, gs, gl);
			ru->space = true;
			break;
		case SEP_NL:
			out_repl(ru, "\n", 1, gs, gl);
			ru->space = true;
			break;
		case SEP_PARA:
		case SEP_END:
			out_repl(ru, "\n\n", 2, gs, gl);
			ru->space = true;
			break;
		default:
			break;
		}
		if (l->sep == SEP_JOIN) {
			if (hk)
				r->stats.hyphen_joins++;
			if (log)
				log_join(ru, l, B, EDIT_JOIN, "", l->e - hp, l->e - hp);
		} else if (l->sep == SEP_KEEP) {
			r->stats.hyphens_kept++;
			if (log)
				log_join(ru, l, B, EDIT_KEEP_HYPHEN, "", 0, hk ? l->e - hp : 0);
		} else if (l->sep == SEP_SUSP) {
			r->stats.suspended_kept++;
			if (log)
				log_join(ru, l, B, EDIT_SUSPENDED, " ", 0, hk ? l->e - hp : 0);
		} else if (l->sep == SEP_SPACE && log) {
			log_join(ru, l, B, EDIT_LINE_JOIN, " ", 0, 0);
		}
		prev = i;
	}
	/* events after the last line (trailing form feeds) */
	while (ev < ru->nev) {
		if (nz->ev[ev].before >= 0)
			known[r->npages - 1] = nz->ev[ev].before;
		if (nz->ev[ev].line >= n) {
			/* a footer that ends the text starts no page */
			ev++;
			continue;
		}
		r->pages[r->npages].start = (uint32_t)r->text.len;
		known[r->npages] = nz->ev[ev].after;
		r->npages++;
		ev++;
	}
	/* trim a final paragraph separator that nothing follows */
	/* number the pages: forward from printed numbers, backward before the first */
	size_t np = r->npages, first = np;
	for (size_t k = 0; k < np; k++)
		if (known[k] >= 0) {
			first = k;
			break;
		}
	if (nz->seg_prev_page > 0) {
		/* a segment after others (normalize_run_segment): numbered on
		 * from the page before it, as in one run over the whole text */
		int cur = nz->seg_prev_page;
		for (size_t k = 0; k < np; k++) {
			if (known[k] >= 0)
				cur = known[k];
			else if (!(k == 0 && nz->seg_continues))
				cur++;
			r->pages[k].number = cur;
		}
	} else if (first == np) {
		for (size_t k = 0; k < np; k++)
			r->pages[k].number = (int)k + 1;
	} else {
		for (size_t k = 0; k < first; k++) {
			long v = (long)known[first] - (long)(first - k);
			r->pages[k].number = v >= 1 ? (int)v : (int)k + 1;
		}
		int cur = known[first];
		for (size_t k = first; k < np; k++) {
			if (known[k] >= 0)
				cur = known[k];
			else
				cur++;
			r->pages[k].number = cur;
		}
	}
	free(known);
	r->stats.pages = np;
}

void normalize_run_segment(normalizer_t *nz, const char *text, size_t len, unsigned flags,
                           const norm_segment_t *sg, norm_result_t *out)
{
	nz->seg_prev_page = sg->prev_page;
	nz->seg_continues = sg->continues;
	nz->seg_budget = sg->budget;
	nz->seg_shape = sg->shape;
	nz->seg_later = sg->later;
	normalize_run(nz, text, len, flags, out);
	if (sg->budget)
		*sg->budget = nz->dict_budget;
	nz->seg_prev_page = nz->seg_continues = nz->seg_later = 0;
	nz->seg_budget = NULL;
	nz->seg_shape = NULL;
}

void normalize_run(normalizer_t *nz, const char *text, size_t len, unsigned flags, norm_result_t *out)
{
	norm_result_release(out);
	run_t ru;
	memset(&ru, 0, sizeof ru);
	ru.nz = nz;
	ru.t = (const unsigned char *)text;
	ru.len = len > BESLUT_MAX_DOC_BYTES ? BESLUT_MAX_DOC_BYTES : len;
	ru.flags = flags;
	ru.r = out;
	if (ru.len == 0) {
		out->pages = xmalloc(sizeof *out->pages);
		out->pages[0] = (norm_page_t){0, 1};
		out->npages = 1;
		out->stats.pages = 1;
		buf_grow(&out->text, 1);
		return;
	}
	/* Hunspell answers in 1-100 µs; a document gets 1000 lookups plus one
	 * per 8 KB (memo hits are free), so no input can make this stage
	 * slow: 100 MB of text costs at most ~13,000 lookups.  Seed 001
	 * (160 KB) needs about 140; past the budget a word-internal break is
	 * assumed, which is what the dictionary says in 97 % of the cases. */
	nz->dict_budget = nz->seg_budget ? *nz->seg_budget : 1000 + ru.len / 8192;
	/* A full memo is cleared between documents, never inside one that
	 * fits (it adds at most dict_budget entries), so the verdicts of a
	 * document are those of a fresh normalizer.  The segments of one
	 * text after the first are the same run: a verdict costs once. */
	if (!nz->seg_later)
		nz->run++;
	if ((nz->memo_n + nz->dict_budget) * 4 >= MEMO_SLOTS * 3) {
		memset(nz->memo, 0, MEMO_SLOTS * sizeof *nz->memo);
		nz->memo_n = 0;
	}
	out->stats.lines = scan_lines(&ru);
	doc_shape(&ru);
	find_furniture(&ru);
	signature_boxes(&ru);
	running_headers(&ru);
	decide(&ru);
	page_rhythm(&ru);
	gather_evidence(&ru);
	emit(&ru);
}
