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
#include "normalize_int.h"

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
