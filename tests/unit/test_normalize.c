/*
 * test_normalize.c — the normalizer: furniture, paragraphs, headings,
 * line-end hyphens (with the hand-checked list of seed 001), pages, the
 * offset-map property, character folding and linear time on pathological
 * input.
 *
 * Run from the repository root (lexicons/, corpus/, tests/normalize/).
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize/normalize.h"
#include "read/omap.h"
#include "common/util.h"

/* Time limits are loose, and looser under the sanitizers. */
#if defined(__SANITIZE_ADDRESS__)
#define TIME_SCALE 4.0
#else
#define TIME_SCALE 1.0
#endif

#define SEED001 "corpus/001_8b838460e9bf283a.txt"
#define HYPHENS001 "tests/normalize/001-hyphens.tsv"

static normalizer_t *nz;

static void setup(void)
{
	char *err = NULL;
	nz = normalizer_new("lexicons", &err);
	ck_assert_msg(nz != NULL, "normalizer_new: %s", err ? err : "?");
}

static void teardown(void)
{
	normalizer_free(nz);
	nz = NULL;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
	buf_t b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	if (!b.data)
		buf_grow(&b, 1);
	return buf_detach(&b, len);
}

static void run(const char *s, size_t n, unsigned flags, norm_result_t *r)
{
	memset(r, 0, sizeof *r);
	normalize_run(nz, s, n, flags, r);
}

static void run_str(const char *s, norm_result_t *r)
{
	run(s, strlen(s), NORM_LOG_EDITS, r);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Offset of needle in the normalized text, or -1. */
static long find(const norm_result_t *r, const char *needle)
{
	const char *p = strstr(r->text.data, needle);
	return p ? (long)(p - r->text.data) : -1;
}

#define ASSERT_HAS(r, s) ck_assert_msg(find(r, s) >= 0, "missing in output: \"%s\"", s)
#define ASSERT_HASNT(r, s) ck_assert_msg(find(r, s) < 0, "unexpected in output: \"%s\"", s)

/* The output invariants of normalize.h hold for any input. */
static void check_shape(const norm_result_t *r)
{
	const char *t = r->text.data;
	size_t n = r->text.len;
	ck_assert(t != NULL);
	ck_assert_uint_eq(r->map.dst_len, n);
	ck_assert_uint_ge(r->npages, 1);
	ck_assert_uint_eq(r->pages[0].start, 0);
	for (size_t i = 1; i < r->npages; i++)
		ck_assert_uint_le(r->pages[i - 1].start, r->pages[i].start);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(!(t[i] == ' ' && (i + 1 == n || t[i + 1] == '\n' || t[i + 1] == ' ')),
		              "trailing or double space at %zu", i);
		ck_assert_msg(!(t[i] == '\n' && i + 2 < n && t[i + 1] == '\n' && t[i + 2] == '\n'),
		              "more than one blank line at %zu", i);
	}
	/* segments are contiguous */
	uint32_t d = 0;
	for (size_t i = 0; i < r->map.n; i++) {
		ck_assert_uint_eq(r->map.seg[i].dst, d);
		d += r->map.seg[i].dlen;
	}
	ck_assert_uint_eq(d, n);
}

/* ---- seed 001 ---- */

START_TEST(seed_furniture_removed)
{
	size_t n;
	char *s = slurp(SEED001, &n);
	norm_result_t r;
	run(s, n, 0, &r);
	check_shape(&r);
	/* the header inside "hushåll-" … "ning" is gone and the word whole */
	ASSERT_HAS(&r, "har en delvis god ekonomisk hushållning. Det finansiella resultatmålet");
	ASSERT_HASNT(&r, "Sida 13");
	ASSERT_HASNT(&r, "Sida 30");
	ASSERT_HASNT(&r, "Sida 59");
	ASSERT_HASNT(&r, "PROTOKOLL");
	ASSERT_HASNT(&r, "DOKUMENT-ID");
	ASSERT_HASNT(&r, "ARBGRP757");
	ASSERT_HASNT(&r, "Rättelse bestyrks");
	ASSERT_HASNT(&r, "2020-10- 2020-10-");
	ASSERT_HASNT(&r, "Kenneth Backgård (SJVP) Glenn Berggård (V)");
	/* 12 header lines and two signature boxes of three lines */
	ck_assert_uint_eq(r.stats.headers_removed, 18);
	ck_assert_uint_eq(r.stats.lines, 5189);
	norm_result_release(&r);
	free(s);
}
END_TEST

START_TEST(seed_pages)
{
	size_t n;
	char *s = slurp(SEED001, &n);
	norm_result_t r;
	run(s, n, 0, &r);
	long a = find(&r, "ning. Det finansiella resultatmålet");
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)a), 13);
	long b = find(&r, "hushållning. Det finansiella");
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)b), 12); /* "hushåll" is on page 12 */
	long c = find(&r, "2021-2023.\n\nBeslutsförslagets påverkan avseende jämställdhet\n\nRegion Norrbotten ska");
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)c + 12), 30);
	long d = find(&r, "För att tillmötesgå dessa behov");
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)d), 59);
	/* before the first printed number pages are counted back from it */
	ck_assert_int_le(norm_page_at(&r, 0), 12);
	ck_assert_int_ge(norm_page_at(&r, 0), 1);
	ck_assert_uint_eq(r.stats.pages, r.npages);
	ck_assert_uint_ge(r.npages, 4);
	norm_result_release(&r);
	free(s);
}
END_TEST

START_TEST(seed_paragraphs_and_headings)
{
	size_t n;
	char *s = slurp(SEED001, &n);
	norm_result_t r;
	run(s, n, 0, &r);
	check_shape(&r);
	/* § lines are paragraphs; title lines joined into one; Dnr its own line */
	ck_assert_int_eq(find(&r, "§ 160\n\nVal av protokolljusterare\n\nRegionstyrelsens beslut\n\n"), 0);
	ASSERT_HAS(&r, "\n\n§ 161\n\nFastställande av slutlig föredragningslista\n\n");
	ASSERT_HAS(&r, "\n\n§ 163\n\nDelegationsbeslut anmälda till regionstyrelsen 2020-10-14\n\nDnr 1310-2020\n\n");
	ASSERT_HAS(&r, "\n\nMeddelanden till regionstyrelsen 2020-10-14\n\nDnr 1334-2020\n\n");
	ASSERT_HAS(&r, "\n\nÅterrapportering av regionstyrelsens uppdrag till regiondirektören\n\nDnr 1387-2020\n\n");
	ASSERT_HAS(&r, "\n\nNy driftsorganisation i Region Norrbotten\n\nDnr 1351-2020\n\n");
	ASSERT_HAS(&r, "\n\nMotion 2-2020 om utredning av förändrad organisations- och verksamhetsform för den "
	               "regionala kollektivtrafikmyndigheten\n\nDnr 266-2020\n\n");
	/* a sentence broken over double-spaced lines is one line */
	ASSERT_HAS(&r, "\n\nRegionstyrelsen beslutar att utse ledamoten Glenn Berggård (V) att jämte ordföranden "
	               "justera protokollet.\n\n");
	ASSERT_HAS(&r, "Regionstyrelsen beslutar att ärendet ”Avtal om förstudie, Kiruna nya sjukhus” lyfts ut för "
	               "att återkomma vid ett senare sammanträde, samt att i övrigt fastställa föredragningslistan.");
	/* headings are lines of their own */
	ASSERT_HAS(&r, "\n\nReservationer\n\nGlenn Berggård (V) och Anders Öberg (S) reserverar sig mot beslutet.\n\n");
	ASSERT_HAS(&r, "\n\nBeslutsgång\n\nOrdföranden ställer eget förslag mot Glenn Berggårds förslag och finner "
	               "att regionstyrelsen bifaller ordförandens förslag.\n\n");
	ASSERT_HAS(&r, "\n\nReservation\n\nAnders Öberg (S) reserverar sig mot beslutet.");
	ASSERT_HAS(&r, "\n\nProtokollsanteckning\n\n");
	/* numbered points start lines */
	ASSERT_HAS(&r, "Regionstyrelsen beslutar att:\n1. Regiondirektören får i uppdrag att genomföra en förstudie "
	               "av förutsättningarna");
	ASSERT_HAS(&r, "senast 2021-06-30.\n2. Finansieringen av kostnaden för förstudien bedöms uppgå till högst "
	               "2 mnkr");
	ASSERT_HAS(&r, "\n1. Reglemente för regionstyrelsen fastställs.\n2. Reglemente för regionala "
	               "utvecklingsnämnden fastställs.\n");
	/* "… från tidigare 20 till" / "6. Dessa är:" is a sentence, not a point */
	ASSERT_HAS(&r, "från tidigare 20 till 6. Dessa är:\n");
	/* bullets that lost their glyph (leading space) are lines */
	ASSERT_HAS(&r, "Dessa är:\nEtt livskraftigt län\nTrygga norrbottningar med god livskvalitet\n");
	ASSERT_HAS(&r, "ska besluta att\nutreda samt redovisa för- och nackdelar");
	ASSERT_HAS(&r, "\nredovisa förslag till förändringar i Norrbotten samt\nredovisa resultatet till "
	               "regionfullmäktige oktober 2019\n\n");
	/* a page-break trace (leading space, sentence goes on) is not a bullet */
	ASSERT_HAS(&r, "Kollektivtrafiken påverkas negativt av färre resenärer");
	ASSERT_HAS(&r, "Telefontillgängligheten för hälsocentralerna har försämrats, dock har lanseringen");
	/* suspended compounds and kept hyphens */
	ASSERT_HAS(&r, "Uppsägnings- och avtalstider");
	ASSERT_HAS(&r, "Marianne Sandström (SD) föreslår");
	ASSERT_HAS(&r, "juli-september 2020, dnr 981-2020");
	ASSERT_HAS(&r, "dnr 1354-2020");
	ASSERT_HAS(&r, "det nya EU-programmet");
	ASSERT_HAS(&r, "kvalitetsregistret SveDem");
	norm_result_release(&r);
	free(s);
}
END_TEST

/* ---- the golden list of line-end hyphens ---- */

/* Letters and digits as the list's generator counts them: ASCII, and
 * U+00C0..U+024F (lead bytes C3..C9). */
static bool frag_byte(unsigned char b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
	       (b >= 0xC3 && b <= 0xC9);
}

/* Start of the letter/digit run ending at e (exclusive), whole code points. */
static size_t frag_start(const unsigned char *t, size_t e)
{
	size_t i = e;
	while (i > 0) {
		size_t j = i - 1;
		while (j > 0 && (t[j] & 0xC0) == 0x80 && i - j < 4)
			j--;
		if (!frag_byte(t[j]))
			break;
		i = j;
	}
	return i;
}

typedef struct golden {
	char left[128], right[128], expected[300];
} golden_t;

/* Output offset of source byte x: the first output byte of a linear
 * segment covering x.  Segments are in source order (the normalizer emits
 * in input order), so the cursor only moves forward. */
static long out_of_src(const omap_t *m, size_t *cur, uint32_t x)
{
	while (*cur < m->n) {
		const omap_seg_t *g = &m->seg[*cur];
		if (g->dlen == g->slen && x >= g->src && x < g->src + g->slen)
			return (long)(g->dst + (x - g->src));
		if (g->src > x && g->dlen == g->slen)
			return -1;
		(*cur)++;
	}
	return -1;
}

START_TEST(seed_hyphen_golden_list)
{
	size_t n, gn;
	char *s = slurp(SEED001, &n);
	char *g = slurp(HYPHENS001, &gn);
	golden_t *rows = NULL;
	size_t nrows = 0, cap = 0;
	bool header = true;
	for (char *line = strtok(g, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		if (header) {
			header = false;
			continue;
		}
		GROW(rows, cap, nrows + 1);
		golden_t *w = &rows[nrows++];
		ck_assert_int_eq(sscanf(line, "%127[^\t]\t%127[^\t]\t%299[^\n]", w->left, w->right, w->expected), 3);
	}
	ck_assert_uint_ge(nrows, 500);
	norm_result_t r;
	run(s, n, 0, &r);
	/* find the line-end hyphens of the source in order and render each
	 * as the normalizer wrote it */
	const unsigned char *t = (const unsigned char *)s;
	size_t k = 0, cur = 0, right = 0, wrong = 0;
	buf_t msg = BUF_INIT;
	for (size_t i = 1; i < n && k < nrows; i++) {
		if (t[i] != '\n')
			continue;
		size_t e = i;
		while (e > 0 && t[e - 1] == ' ')
			e--;
		if (e < 2 || t[e - 1] != '-')
			continue;
		size_t ls = frag_start(t, e - 1);
		if (ls == e - 1)
			continue;
		if (strlen(rows[k].left) != e - 1 - ls || memcmp(t + ls, rows[k].left, e - 1 - ls) != 0)
			continue; /* a header line or a hyphen the list does not hold */
		/* the right fragment: next line with the same first bytes */
		size_t rl = strlen(rows[k].right), rs = i + 1;
		while (rs + rl <= n && memcmp(t + rs, rows[k].right, rl) != 0)
			rs++;
		ck_assert_msg(rs + rl <= n, "right fragment %s not found", rows[k].right);
		long a = out_of_src(&r.map, &cur, (uint32_t)ls);
		size_t cur2 = cur;
		long b = out_of_src(&r.map, &cur2, (uint32_t)(rs + rl - 1));
		buf_t got = BUF_INIT;
		if (a >= 0 && b >= a) {
			const char *o = r.text.data;
			for (long x = a; x <= b; x++) {
				if (o[x] == '\n') {
					if (!got.len || got.data[got.len - 1] != '|')
						buf_addc(&got, '|');
				} else {
					buf_addc(&got, o[x]);
				}
			}
		} else {
			buf_adds(&got, "(not mapped)");
		}
		if (strcmp(got.data, rows[k].expected) == 0) {
			right++;
		} else {
			wrong++;
			buf_printf(&msg, "  %s|%s: expected \"%s\", got \"%s\"\n", rows[k].left, rows[k].right,
			           rows[k].expected, got.data);
		}
		buf_release(&got);
		k++;
	}
	fprintf(stderr, "001 line-end hyphens: %zu right of %zu (%zu listed)\n", right, right + wrong, nrows);
	ck_assert_msg(k == nrows, "only %zu of %zu listed hyphens found in the source", k, nrows);
	ck_assert_msg(wrong == 0, "%zu wrong:\n%s", wrong, msg.data ? msg.data : "");
	buf_release(&msg);
	norm_result_release(&r);
	free(rows);
	free(g);
	free(s);
}
END_TEST

/* ---- offset-map property ---- */

/* For every token (maximal run of non-space bytes) of the normalized text,
 * the source bytes it maps to, without line-end hyphens that were joined,
 * soft hyphens, whitespace and removed furniture, are the token. */
/* Output [a, b) is made of verbatim copies only (a same-length
 * replacement such as U+F0B7 -> "•" has dlen == slen but other bytes). */
static bool all_verbatim(const norm_result_t *r, const char *src, uint32_t a, uint32_t b)
{
	const omap_t *m = &r->map;
	for (size_t i = 0; i < m->n; i++) {
		const omap_seg_t *g = &m->seg[i];
		if (g->dst + g->dlen <= a || g->dst >= b)
			continue;
		if (g->dlen != g->slen || memcmp(r->text.data + g->dst, src + g->src, g->dlen) != 0)
			return false;
	}
	return true;
}

static void check_map_property_x(const char *src, size_t n, const norm_result_t *r, bool folded_ok);

static void check_map_property(const char *src, size_t n, const norm_result_t *r)
{
	check_map_property_x(src, n, r, false);
}

/* folded_ok: tokens holding a folded character (a replacement segment)
 * are skipped */
static void check_map_property_x(const char *src, size_t n, const norm_result_t *r, bool folded_ok)
{
	size_t sn = n;
	unsigned char *drop = xcalloc(sn + 1, 1);
	for (size_t i = 0; i < r->nedits; i++) {
		const norm_edit_t *e = &r->edits[i];
		if (e->kind == EDIT_FURNITURE)
			memset(drop + e->src_start, 1, e->src_end - e->src_start);
		if (e->kind == EDIT_JOIN && src[e->src_start] == '-')
			drop[e->src_start] = 1;
		if (e->kind == EDIT_JOIN && e->src_start + 3 <= n &&
		    memcmp(src + e->src_start, "\xE2\x80\x90", 3) == 0)
			memset(drop + e->src_start, 1, 3);
	}
	/* soft hyphens go; NBSP is whitespace (trimmed at line ends) */
	for (size_t i = 0; i + 1 < sn; i++)
		if ((unsigned char)src[i] == 0xC2 &&
		    ((unsigned char)src[i + 1] == 0xAD || (unsigned char)src[i + 1] == 0xA0))
			drop[i] = drop[i + 1] = 1;
	const char *t = r->text.data;
	size_t len = r->text.len, i = 0, tokens = 0;
	buf_t got = BUF_INIT;
	while (i < len) {
		if (t[i] == ' ' || t[i] == '\n') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && t[j] != ' ' && t[j] != '\n')
			j++;
		if (folded_ok && !all_verbatim(r, src, (uint32_t)i, (uint32_t)j)) {
			i = j;
			continue;
		}
		uint32_t sa, sb;
		omap_span(&r->map, (uint32_t)i, (uint32_t)j, &sa, &sb);
		ck_assert_uint_le(sa, sb);
		ck_assert_uint_le(sb, n);
		buf_reset(&got);
		for (uint32_t x = sa; x < sb; x++) {
			char c = src[x];
			if (drop[x] || c == ' ' || c == '\n' || c == '\f' || c == '\t' || c == '\r')
				continue;
			buf_addc(&got, c);
		}
		ck_assert_msg(got.len == j - i && memcmp(got.data, t + i, j - i) == 0,
		              "token \"%.*s\" maps to \"%s\" (source %u..%u)", (int)(j - i), t + i,
		              got.data ? got.data : "", sa, sb);
		tokens++;
		i = j;
	}
	ck_assert(tokens > 0 || folded_ok);
	buf_release(&got);
	free(drop);
}

START_TEST(seed_offset_map_property)
{
	size_t n;
	char *s = slurp(SEED001, &n);
	norm_result_t r;
	run(s, n, NORM_LOG_EDITS, &r);
	check_shape(&r);
	check_map_property(s, n, &r);
	norm_result_release(&r);
	free(s);
}
END_TEST

START_TEST(offset_map_property_synthetic)
{
	const char *s =
	    "PROTOKOLL\nKommunstyrelsen 2020-01-01  Sida 1 (3)\n\nOrdföranden föreslår att sjuk-\n\nhuset "
	    "byggs om. Glenn  Berggård   (V) reserverar sig.\fPROTOKOLL\nKommunstyrelsen 2020-01-01  Sida 2 "
	    "(3)\n\nhälso-\n\noch sjukvård, EU-\n\nprogrammet, dnr 1354-\n\n2020 och sjuk\xC2\xADhus.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	check_map_property(s, strlen(s), &r);
	ASSERT_HAS(&r, "sjukhuset byggs om. Glenn Berggård (V) reserverar sig.");
	ASSERT_HAS(&r, "hälso- och sjukvård, EU-programmet, dnr 1354-2020 och sjukhus.");
	ASSERT_HASNT(&r, "PROTOKOLL");
	ASSERT_HASNT(&r, "Sida");
	ck_assert_uint_eq(r.npages, 2);
	ck_assert_int_eq(r.pages[0].number, 1);
	ck_assert_int_eq(r.pages[1].number, 2);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "hälso-")), 2);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "sjukhuset")), 1);
	norm_result_release(&r);
}
END_TEST

/* ---- hyphens one by one ---- */

static void expect_join(const char *in, const char *want, norm_edit_kind_t kind)
{
	norm_result_t r;
	run_str(in, &r);
	check_shape(&r);
	ck_assert_msg(find(&r, want) >= 0, "\"%s\" -> \"%s\", want \"%s\"", in, r.text.data, want);
	bool seen = false;
	for (size_t i = 0; i < r.nedits; i++)
		if (r.edits[i].kind == kind) {
			seen = true;
			ck_assert(r.edits[i].reason && r.edits[i].reason[0]);
		}
	ck_assert_msg(seen, "no %s edit for \"%s\"", norm_edit_kind_name(kind), in);
	norm_result_release(&r);
}

START_TEST(hyphen_cases)
{
	expect_join("Kiruna nya sjuk-\nhus lyfts ut.\n", "Kiruna nya sjukhus lyfts ut.", EDIT_JOIN);
	expect_join("föreslår Mari-\nanne att.\n", "föreslår Marianne att.", EDIT_JOIN);
	expect_join("i det nya EU-\nprogrammet för\n", "i det nya EU-programmet för", EDIT_KEEP_HYPHEN);
	expect_join("dnr 1354-\n2020 och\n", "dnr 1354-2020 och", EDIT_KEEP_HYPHEN);
	expect_join("den 2020-\n10-14 i\n", "den 2020-10-14 i", EDIT_KEEP_HYPHEN);
	expect_join("perioden juli-\nseptember 2020.\n", "perioden juli-september 2020.", EDIT_KEEP_HYPHEN);
	expect_join("av Covid-\n19 ska\n", "av Covid-19 ska", EDIT_KEEP_HYPHEN);
	expect_join("ca 8 mnkr. Uppsägnings-\noch avtalstider för\n", "Uppsägnings- och avtalstider",
	            EDIT_SUSPENDED);
	expect_join("tillgången till hälso-\n\noch sjukvården.\n", "hälso- och sjukvården.", EDIT_SUSPENDED);
	expect_join("med Luleå-\nBoden och\n", "med Luleå-Boden och", EDIT_KEEP_HYPHEN);
	expect_join("via e-\npost och\n", "via e-post och", EDIT_KEEP_HYPHEN);
	expect_join("så kallt Laf-\ntak för\n", "så kallt Laf-tak för", EDIT_KEEP_HYPHEN);
	expect_join("listan OPF-\nKR gäller\n", "listan OPF-KR gäller", EDIT_KEEP_HYPHEN);
	expect_join("ett katastrof-\nberedskap\n", "ett katastrofberedskap", EDIT_JOIN);
	/* document evidence beats the dictionary either way */
	expect_join("registret Sve-\nDem och registret SveDem.\n", "registret SveDem och", EDIT_JOIN);
	expect_join("Bodentvätten ligger vid Boden-\ntvätten.\n", "vid Bodentvätten.", EDIT_JOIN);
	/* a soft hyphen at the line end is a break */
	expect_join("smitt\xC2\xAD\nspridning av\n", "smittspridning av", EDIT_JOIN);
}
END_TEST

START_TEST(hyphen_stats)
{
	norm_result_t r;
	run_str("a sjuk-\nhus b EU-\nprogrammet c hälso-\noch d\n", &r);
	ck_assert_uint_eq(r.stats.hyphen_joins, 1);
	ck_assert_uint_eq(r.stats.hyphens_kept, 1);
	ck_assert_uint_eq(r.stats.suspended_kept, 1);
	ck_assert_uint_eq(r.stats.lines, 4);
	norm_result_release(&r);
}
END_TEST

/* ---- characters ---- */

START_TEST(character_folding)
{
	const char *s = "\xEF\xAC\x81nansiell\xC2\xA0plan \xEF\x82\xB7 punkt soft\xC2\xADhyphen "
	                "A\xCC\x8A och \xEF\xAC\x82ygel   tre  \xEF\x82\xA7 x\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ck_assert_str_eq(r.text.data, "finansiell plan • punkt softhyphen Å och flygel tre • x");
	/* the ligature maps back to its three bytes */
	uint32_t sa, sb;
	omap_span(&r.map, 0, 2, &sa, &sb);
	ck_assert_uint_eq(sa, 0);
	ck_assert_uint_eq(sb, 3);
	/* "Å" (NFC) maps back to A + combining ring */
	long a = find(&r, "Å");
	omap_span(&r.map, (uint32_t)a, (uint32_t)a + 2, &sa, &sb);
	ck_assert_int_eq(memcmp(s + sa, "A\xCC\x8A", 3), 0);
	ck_assert_uint_eq(sb - sa, 3);
	/* a composition exclusion that NFC lengthens: U+FB2C -> three code points */
	norm_result_t r2;
	run_str("x \xEF\xAC\xAC y\n", &r2);
	ck_assert_str_eq(r2.text.data, "x \xD7\xA9\xD6\xBC\xD7\x81 y");
	norm_result_release(&r2);
	size_t chars = 0;
	for (size_t i = 0; i < r.nedits; i++)
		chars += r.edits[i].kind == EDIT_CHAR;
	ck_assert_uint_ge(chars, 6);
	norm_result_release(&r);
}
END_TEST

START_TEST(ascii_and_nfc_untouched)
{
	const char *s = "Regionstyrelsen beslutar att godkänna rapporten.\n";
	norm_result_t r;
	run_str(s, &r);
	ck_assert_str_eq(r.text.data, "Regionstyrelsen beslutar att godkänna rapporten.");
	ck_assert_uint_eq(r.map.n, 1); /* one verbatim segment */
	ck_assert_uint_eq(r.nedits, 0);
	norm_result_release(&r);
	run_str("", &r);
	ck_assert_uint_eq(r.text.len, 0);
	ck_assert_uint_eq(r.npages, 1);
	norm_result_release(&r);
}
END_TEST

/* ---- web-page style: one paragraph per line ---- */

START_TEST(clean_text_keeps_lines)
{
	const char *s =
	    "Beslut i korthet - regionstyrelsen 14 september\n\nRegionfullmäktige har gett 40 uppdrag till "
	    "regionstyrelsen och regionala utvecklingsnämnden som ingår i planen, däribland:\n\n"
	    " \xE2\x80\xA2 Utveckla samverkan mellan primärvård och psykiatrin.\n \xE2\x80\xA2 Minimera "
	    "patientresandet.\n\nGlenn Berggård (V) föreslår avslag och att regionstyrelsens plan 2023-2025 "
	    "anpassas till vänsterpartiets förslag till strategisk plan.\n"
	    "Anders Öberg (S) föreslår bifall med ett tillägg om att regionen ska verka för att behålla "
	    "verksamheten.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "Beslut i korthet - regionstyrelsen 14 september\n\nRegionfullmäktige");
	ASSERT_HAS(&r, "däribland:\n• Utveckla samverkan mellan primärvård och psykiatrin.\n• Minimera patientresandet.\n\n");
	ASSERT_HAS(&r, "strategisk plan.\nAnders Öberg (S)");
	norm_result_release(&r);
}
END_TEST

START_TEST(single_spaced_wrapped_text)
{
	/* typeset text without blank lines: line ends are all there is */
	const char *s =
	    "Det råder ett fortsatt ansträngt bemanningsläge inom regionens\n"
	    "tandvård och därmed ett behov av att förlänga den tillfälligt\n"
	    "höjda ersättningen för resa med egen bil till och från tandvård.\n"
	    "Regionstyrelsen beslutar att\n"
	    "1. Höja resebidraget med egen bil från 15 kronor till 18,50 kronor\n"
	    "   per mil för resor i samband med tandvårdsbesök.\n"
	    "2. Beslutet gäller från och med 2022-11-01.\n"
	    "Regionen har genomfört dialoger med de hälsocentraler som har\n"
	    "störst brister i följsamheten till målindikatorerna i beställ-\n"
	    "ningen Vårdval primärvård.\n"
	    "Glenn Berggård (V) reserverar sig.\n"
	    "Samtliga verksamheter i dialogen har gjort åtgärdsplaner för att\n"
	    "komma till rätta med de brister som identifierats under året.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "egen bil till och från tandvård.\n\nRegionstyrelsen beslutar att\n1. Höja resebidraget "
	               "med egen bil från 15 kronor till 18,50 kronor per mil för resor i samband med "
	               "tandvårdsbesök.\n2. Beslutet gäller från och med 2022-11-01.\n\nRegionen har");
	ASSERT_HAS(&r, "i beställningen Vårdval primärvård.\n\nGlenn Berggård (V) "
	               "reserverar sig.\n\nSamtliga verksamheter");
	norm_result_release(&r);
}
END_TEST

/* ---- pages ---- */

START_TEST(form_feed_pages)
{
	const char *s = "Kommunstyrelsen\n2021-03-01\nFörsta sidans text.\n1\n\f"
	                "Kommunstyrelsen\n2021-03-01\nAndra sidans text.\n2\n\f"
	                "Kommunstyrelsen\n2021-03-01\nTredje sidans text.\n3\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ck_assert_uint_eq(r.npages, 3);
	ck_assert_uint_eq(r.stats.pages, 3);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Andra")), 2);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Tredje")), 3);
	ck_assert_int_eq(norm_page_at(&r, 0), 1);
	/* the running header recurs at the boundaries and goes; the first
	 * page's copy has no page before it but a neighbour after it */
	ck_assert_msg(find(&r, "Kommunstyrelsen\n2021") < 0 || find(&r, "Andra sidans") > find(&r, "Kommunstyrelsen"),
	              "%s", r.text.data);
	ASSERT_HASNT(&r, "text.\n\n2");
	ck_assert_uint_ge(r.stats.headers_removed, 4);
	norm_result_release(&r);
}
END_TEST

START_TEST(sida_av_pages)
{
	const char *s = "Protokollet börjar här och fortsätter.\n\nSida 4 av 9\n\nMer text efter sidbrytningen.\n\n"
	                "Sida 5 av 9\n\nSista raden.\n";
	norm_result_t r;
	run_str(s, &r);
	ASSERT_HASNT(&r, "Sida");
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Mer text")), 4);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Sista")), 5);
	ck_assert_int_eq(norm_page_at(&r, 0), 3);
	norm_result_release(&r);
	/* footers: "Sida 1 av 3" after page 1's text, the last one ends the text */
	run_str("Första sidans text.\n\nSida 1 av 3\n\nAndra sidans text.\n\nSida 2 av 3\n\n"
	        "Tredje sidans text.\n\nSida 3 av 3\n", &r);
	ASSERT_HASNT(&r, "Sida");
	ck_assert_uint_eq(r.npages, 3);
	ck_assert_int_eq(norm_page_at(&r, 0), 1);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Andra")), 2);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Tredje")), 3);
	norm_result_release(&r);
	/* "se sida 13" in running text is not a page number */
	run_str("Detta framgår av bilagan, se sida 13\n\noch mer.\n", &r);
	ASSERT_HAS(&r, "se sida 13");
	norm_result_release(&r);
}
END_TEST

START_TEST(kommun_layout_pages)
{
	/* header "… Sammanträdesdatum …  N (M)" on every page, signature
	 * footer on every page, the first header and the last footer at the
	 * edges of the text */
	const char *s = "Kommunfullmäktige  Sammanträdesdatum 2021-03-22  1 (3)\n\n"
	                "Kommunfullmäktige beslutar att anta planen som\n\n"
	                "Justerandes sign        Utdragsbestyrkande\n"
	                "Kommunfullmäktige  Sammanträdesdatum 2021-03-22  2 (3)\n"
	                "gäller OPF-\nKR och hela kommunen.\n\n"
	                "Justerandes sign        Utdragsbestyrkande\n"
	                "Kommunfullmäktige  Sammanträdesdatum 2021-03-22  3 (3)\n"
	                "Sista sidan.\n\n"
	                "Justerandes sign        Utdragsbestyrkande\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HASNT(&r, "Justerandes");
	ASSERT_HASNT(&r, "Sammanträdesdatum");
	ASSERT_HASNT(&r, "(3)");
	ASSERT_HAS(&r, "anta planen som gäller OPF-KR och hela kommunen.");
	ck_assert_int_eq(norm_page_at(&r, 0), 1);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "gäller")), 2);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Sista")), 3);
	ck_assert_uint_eq(r.stats.headers_removed, 6);
	check_map_property(s, strlen(s), &r);
	norm_result_release(&r);
}
END_TEST

/* ---- item headings are never furniture (unless a repeat) ---- */

/* A kommun layout where every § starts a page: the heading line right
 * under the running header shares its folded key ("ks § # dnr #/#") with
 * the next page's heading, but the two are items, not furniture. */
static const char *const HEAD_PAGE1 =
    "NORRÅS KOMMUN                     PROTOKOLL                         Sida\n"
    "                                  Kommunstyrelsen                   7 (22)\n"
    "                                  2024-03-12\n\n";
static const char *const HEAD_PAGE2 =
    "NORRÅS KOMMUN                     PROTOKOLL                         Sida\n"
    "                                  Kommunstyrelsen                   8 (22)\n"
    "                                  2024-03-12\n\n";
static const char *const HEAD_PAGE3 =
    "NORRÅS KOMMUN                     PROTOKOLL                         Sida\n"
    "                                  Kommunstyrelsen                   9 (22)\n"
    "                                  2024-03-12\n\n";
static const char *const HEAD_BODY =
    "Ett bolag har visat intresse för att förvärva cirka 2,5 hektar av kommunens mark\n"
    "inom fastigheten Norrås 4:12 för etablering av en logistikanläggning.\n\n";
static const char *const HEAD_FOOT = "\n\nJusterare                       Utdragsbestyrkande\n";

START_TEST(heading_lines_not_furniture)
{
	buf_t b = BUF_INIT;
	buf_adds(&b, HEAD_PAGE1);
	buf_adds(&b, "Ks § 38                                                    Dnr 2023/512\n\n");
	buf_adds(&b, "Försäljning av del av fastigheten Norrås 4:12\n\n");
	buf_adds(&b, HEAD_BODY);
	buf_adds(&b, HEAD_FOOT);
	buf_adds(&b, HEAD_PAGE2);
	buf_adds(&b, "Ks § 39                                                    Dnr 2024/044\n\n");
	buf_adds(&b, "Revidering av delegationsordning för kommunstyrelsen\n\n");
	buf_adds(&b, HEAD_BODY);
	buf_adds(&b, HEAD_FOOT);
	buf_adds(&b, HEAD_PAGE3);
	buf_adds(&b, "Paragraf 40\n\nAnmälan av delegationsbeslut\n\n");
	buf_adds(&b, HEAD_BODY);
	buf_adds(&b, HEAD_FOOT);
	norm_result_t r;
	run(b.data, b.len, NORM_LOG_EDITS, &r);
	check_shape(&r);
	check_map_property(b.data, b.len, &r);
	ck_assert_msg(find(&r, "Ks § 38 Dnr 2023/512\n\nFörsäljning") == 0, "%s", r.text.data);
	ASSERT_HAS(&r, "\n\nKs § 39 Dnr 2024/044\n\nRevidering av delegationsordning");
	ASSERT_HAS(&r, "\n\nParagraf 40\n\nAnmälan av delegationsbeslut");
	ASSERT_HASNT(&r, "PROTOKOLL");
	ASSERT_HASNT(&r, "2024-03-12");
	ASSERT_HASNT(&r, "(22)");
	/* the signature footer in columns goes too (issue of "Justerare") */
	ASSERT_HASNT(&r, "Justerare");
	ASSERT_HASNT(&r, "Utdragsbestyrkande");
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Ks § 39")), 8);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Paragraf 40")), 9);
	norm_result_release(&r);
	buf_release(&b);

	/* a running header naming the § on its continuation pages: the first
	 * line stays (it is the heading), its repeats go */
	buf_adds(&b, HEAD_PAGE1);
	buf_adds(&b, "Ks § 38                                                    Dnr 2023/512\n\n");
	buf_adds(&b, "Försäljning av del av fastigheten Norrås 4:12\n\n");
	buf_adds(&b, HEAD_BODY);
	buf_adds(&b, HEAD_FOOT);
	buf_adds(&b, HEAD_PAGE2);
	buf_adds(&b, "Ks § 38                                                    Dnr 2023/512\n\n");
	buf_adds(&b, "Kommunstyrelsen beslutar att godkänna försäljningen.\n\n");
	buf_adds(&b, HEAD_FOOT);
	run(b.data, b.len, NORM_LOG_EDITS, &r);
	check_shape(&r);
	ck_assert_msg(find(&r, "Ks § 38 Dnr 2023/512\n\nFörsäljning") == 0, "%s", r.text.data);
	ck_assert_int_eq(find(&r, "Ks § 38"), find(&r, "Ks § 38 Dnr 2023/512\n\nFörsäljning"));
	ck_assert_msg(strstr(r.text.data + 1, "Ks § 38") == NULL, "the repeat stays: %s", r.text.data);
	ASSERT_HAS(&r, "logistikanläggning.\n\nKommunstyrelsen beslutar att godkänna försäljningen.");
	norm_result_release(&r);
	buf_release(&b);

	/* the § number right of the title, at the top of each page; and a
	 * page number on the heading line itself: the heading stays */
	const char *s = "Kommunstyrelsen  Sammanträdesdatum 2021-03-22  4 (9)\n\n"
	                "Renhållningstaxa 2021                                  § 12\n\n"
	                "Kommunstyrelsen beslutar att anta taxan.\n\n"
	                "Kommunstyrelsen  Sammanträdesdatum 2021-03-22  5 (9)\n\n"
	                "Medborgarförslag om farthinder på Skolgatan            § 13\n\n"
	                "Kommunstyrelsen beslutar att avslå förslaget.\n\n"
	                "§ 14                                         Sida 6 (9)\n\n"
	                "Val av ombud\n\nKommunstyrelsen beslutar att utse Eva Ek.\n";
	run_str(s, &r);
	check_shape(&r);
	ck_assert_int_eq(find(&r, "Renhållningstaxa 2021 § 12"), 0);
	ASSERT_HAS(&r, "\n\nMedborgarförslag om farthinder på Skolgatan § 13");
	ASSERT_HAS(&r, "\n\n§ 14 Sida 6 (9)");
	ASSERT_HASNT(&r, "Sammanträdesdatum");
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Medborgarförslag")), 5);
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Val av ombud")), 6);
	norm_result_release(&r);
}
END_TEST

/* ---- the first page's header is recorded ---- */

static bool furniture_is(const char *src, const norm_result_t *r, size_t i, const char *want)
{
	const norm_span_t *f = &r->furniture[i];
	return f->end - f->start == strlen(want) && memcmp(src + f->start, want, strlen(want)) == 0;
}

START_TEST(first_header_recorded)
{
	const char *s = "                                                          SAMMANTRÄDESPROTOKOLL                 1(3)\n"
	                "HEDEBY KOMMUN\n"
	                "Kommunfullmäktige                                         Sammanträdesdatum\n"
	                "                                                          2023-06-19\n\n"
	                "Plats och tid           Kommunhuset, Hedeby, kl. 18.00–21.40\n\n"
	                "§ 45\n\nVal av justerare\n\nKommunfullmäktige beslutar att utse Eva Ek.\n\n"
	                "Justerandes signatur                          Utdragsbestyrkande\n"
	                "                                                          SAMMANTRÄDESPROTOKOLL                 2(3)\n"
	                "HEDEBY KOMMUN\n"
	                "Kommunfullmäktige                                         Sammanträdesdatum\n"
	                "                                                          2023-06-19\n\n"
	                "§ 46\n\nBudget 2024\n\nKommunfullmäktige beslutar att anta budgeten.\n\n"
	                "Justerandes signatur                          Utdragsbestyrkande\n";
	norm_result_t r;
	run(s, strlen(s), 0, &r);
	check_shape(&r);
	/* the first page's furniture: its header and its footer, not the
	 * second page's header (within the first twelve lines too) */
	ck_assert_uint_eq(r.nfurniture, 5);
	ck_assert(furniture_is(s, &r, 0, "SAMMANTRÄDESPROTOKOLL                 1(3)"));
	ck_assert(furniture_is(s, &r, 1, "HEDEBY KOMMUN"));
	ck_assert(furniture_is(s, &r, 2, "Kommunfullmäktige                                         Sammanträdesdatum"));
	ck_assert(furniture_is(s, &r, 3, "2023-06-19"));
	ck_assert(furniture_is(s, &r, 4, "Justerandes signatur                          Utdragsbestyrkande"));
	/* recorded, not kept */
	ASSERT_HASNT(&r, "HEDEBY");
	ASSERT_HASNT(&r, "2023-06-19");
	ASSERT_HASNT(&r, "Justerandes");
	ck_assert_int_eq(find(&r, "Plats och tid"), 0);
	norm_result_release(&r);
	ck_assert_ptr_null(r.furniture);
	ck_assert_uint_eq(r.nfurniture, 0);
	/* one line: "Region Mälarvik  Regionfullmäktige  Protokoll 2021-06-15  Sida 4 (9)" */
	const char *s2 = "Region Mälarvik        Regionfullmäktige        Protokoll 2021-06-15        Sida 4 (9)\n\n"
	                 "§ 54\nNy struktur för akutsjukvården\nRS 2021/88\n\nText.\n";
	run_str(s2, &r);
	ck_assert_uint_eq(r.nfurniture, 1);
	ck_assert(furniture_is(s2, &r, 0,
	                       "Region Mälarvik        Regionfullmäktige        Protokoll 2021-06-15        Sida 4 (9)"));
	norm_result_release(&r);
	/* nothing removed, nothing recorded; only the first lines count */
	run_str("Regionstyrelsen beslutar att godkänna rapporten.\n", &r);
	ck_assert_uint_eq(r.nfurniture, 0);
	ck_assert_ptr_null(r.furniture);
	norm_result_release(&r);
	size_t n;
	char *seed = slurp(SEED001, &n);
	run(seed, n, 0, &r);
	ck_assert_uint_le(r.nfurniture, NORM_FURNITURE_LINES);
	for (size_t i = 0; i < r.nfurniture; i++)
		ck_assert_uint_le(r.furniture[i].end, n);
	norm_result_release(&r);
	free(seed);
}
END_TEST

/* ---- signature footers and boxes ---- */

START_TEST(signature_footers)
{
	static const char *const footers[] = {
	    "Justerare                       Utdragsbestyrkande",
	    "Justerandes signatur       Utdragsbestyrkande",
	    "Ordförandens signatur    Justerarens signatur    Utdragsbestyrkande",
	    "Sekreterare\tJusterare\tUtdragsbestyrkande",
	    "Justerarens signatur",
	};
	for (size_t f = 0; f < sizeof footers / sizeof footers[0]; f++) {
		buf_t b = BUF_INIT;
		static const char *const text[] = {"Kommunen växer.", "Skolan byggs om i år.",
		                                   "Text på sidan 3 som fortsätter."};
		for (int pg = 1; pg <= 3; pg++) {
			buf_printf(&b, "Kommunstyrelsen  Sammanträdesdatum 2021-03-22  %d (3)\n\n", pg);
			buf_printf(&b, "%s\n\n%s\n", text[pg - 1], footers[f]);
		}
		norm_result_t r;
		run(b.data, b.len, NORM_LOG_EDITS, &r);
		check_shape(&r);
		ck_assert_msg(find(&r, "Utdragsbestyrkande") < 0 && find(&r, "signatur") < 0 &&
		                  find(&r, "Justerare") < 0 && find(&r, "Sekreterare") < 0,
		              "footer \"%s\" left: %s", footers[f], r.text.data);
		ASSERT_HAS(&r, "Text på sidan 3 som fortsätter.");
		norm_result_release(&r);
		buf_release(&b);
	}
	/* far from a page boundary those words are text */
	norm_result_t r;
	run_str("Sekreterare\n\nAnna Ek\n\nJusterare  Utdragsbestyrkande\n\nMer text här.\n\nOch här.\n"
	        "Och mer.\n\nSista.\n\nSlut.\n\nRader.\n\nTill.\n\nSist.\n", &r);
	ASSERT_HAS(&r, "Justerare Utdragsbestyrkande");
	norm_result_release(&r);
}
END_TEST

START_TEST(signature_boxes)
{
	const char *s = "Region Norrbotten har anlitat särskild juridisk kompetens, se bilaga 2.\n\n \n\n"
	                "Rättelse bestyrks \n\n2020-10-   2020-10- \n\n \n\n"
	                "Kenneth Backgård (SJVP)  Glenn Berggård (V) \n\n"
	                "KPMG har lämnat ett antal rekommendationer.\n\n"
	                "Rättelse bestyrks\nAnna Ek är sekreterare.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	check_map_property(s, strlen(s), &r);
	ASSERT_HAS(&r, "se bilaga 2.\n\nKPMG har lämnat");
	ASSERT_HASNT(&r, "Rättelse");
	/* without the dates it is no box: the line under the label stays */
	ASSERT_HAS(&r, "Anna Ek är sekreterare.");
	ck_assert_uint_eq(r.stats.headers_removed, 4);
	bool box = false;
	for (size_t i = 0; i < r.nedits; i++)
		box |= r.edits[i].kind == EDIT_FURNITURE && strcmp(r.edits[i].reason, "signature box") == 0;
	ck_assert(box);
	norm_result_release(&r);
}
END_TEST

/* ---- numbered points continue their numbering ---- */

START_TEST(numbered_points_sequence)
{
	static const char *const body =
	    "Kommunfullmäktige beslutar att bifalla motionens andra att-sats och att avslå motionens\n"
	    "första att-sats samt att i övrigt anse motionen besvarad med hänvisning till yttrandet.\n"
	    "Sofia Hallberg (C) yrkar bifall till motionen i sin helhet och yrkar därutöver att frågan\n"
	    "om upphandling ska utredas vidare av kommunstyrelsen under det kommande verksamhetsåret.\n"
	    "Anders Grön (M) yrkar bifall till kommunstyrelsens förslag och avslag på samtliga övriga\n"
	    "yrkanden som har framställts under överläggningen i kommunfullmäktige under kvällen.\n"
	    "Eva Lind (SD) yrkar i första hand avslag på motionen och i andra hand bifall till det\n"
	    "förslag som kommunstyrelsen har lämnat i ärendet efter beredning i arbetsutskottet.\n";
	for (int dbl = 0; dbl < 2; dbl++) {
		const char *nl = dbl ? "\n\n" : "\n";
		buf_t b = BUF_INIT;
		for (const char *p = body; *p; p++) {
			if (*p == '\n')
				buf_adds(&b, nl);
			else
				buf_addc(&b, *p);
		}
		buf_printf(&b, "%sSofia Hallberg (C) och Nils Vik (C) föreslår i en motion att%s", nl, nl);
		buf_printf(&b, "1. andelen lokalproducerade livsmedel i kommunens kök ska öka till 40 procent till 2022,%s", nl);
		buf_printf(&b, "2. kommunen ska ta fram en strategi för upphandling av lokalproducerade livsmedel%s", nl);
		buf_printf(&b, "som ska vara klar senast vid utgången av verksamhetsåret efter beslutet i fullmäktige,%s", nl);
		buf_printf(&b, "3. strategin ska följas upp årligen.%s", nl);
		buf_printf(&b, "%sVi har följande förslag i ärendet:%s", nl, nl);
		buf_printf(&b, "- kommunen ska ta fram en strategi för upphandling av lokalproducerade livsmedel och%s", nl);
		buf_printf(&b, "följa upp den årligen i samband med bokslutet och delårsrapporten i kommunstyrelsen%s", nl);
		buf_printf(&b, "- kommunen ska rapportera till fullmäktige.%s", nl);
		buf_printf(&b, "%sAntalet ledamöter i utskottet har minskat från tidigare 20 till 12 och det antal som%s", nl, nl);
		buf_printf(&b, "finns kvar i nämnden efter omorganisationen har samtidigt ökat från tidigare 20 till%s", nl);
		buf_printf(&b, "6. Dessa är fler än förut.%s", nl);
		norm_result_t r;
		run(b.data, b.len, NORM_LOG_EDITS, &r);
		check_shape(&r);
		ASSERT_HAS(&r, "i en motion att\n1. andelen lokalproducerade livsmedel i kommunens kök ska öka till 40 "
		               "procent till 2022,\n2. kommunen ska ta fram en strategi för upphandling av "
		               "lokalproducerade livsmedel som ska vara klar senast vid utgången av verksamhetsåret "
		               "efter beslutet i fullmäktige,\n3. strategin ska följas upp årligen.");
		ASSERT_HAS(&r, "i kommunstyrelsen\n- kommunen ska rapportera till fullmäktige.");
		/* a number that continues no numbering is text */
		ASSERT_HAS(&r, "ökat från tidigare 20 till 6. Dessa är fler än förut.");
		norm_result_release(&r);
		buf_release(&b);
	}
}
END_TEST

/* A long line that ends on a preposition goes on, even on a page whose
 * tables make the text look unwrapped. */
START_TEST(dangling_preposition_joins)
{
	const char *s = "Kommunstyrelsens beslut\n"
	                "Kommunstyrelsen beslutar att godkänna försäljning av del av Norrås 4:12 till\n"
	                "Nordlog Fastigheter AB för 3 750 000 kronor.\n\n"
	                "Omröstningsresultat\n"
	                "                                          Ja          Nej       Avstår\n"
	                "Marie Holmgren (S), ordförande            X\n"
	                "Stefan Lund (M)                                       X\n"
	                "Anders Backman (S)                        X\n"
	                "Summa                                     2           1         0\n\n"
	                "Beslutet skickas till\nNordlog Fastigheter AB\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "Norrås 4:12 till Nordlog Fastigheter AB för 3 750 000 kronor.");
	/* a short line is a deliberate end */
	ASSERT_HAS(&r, "Beslutet skickas till\nNordlog Fastigheter AB");
	norm_result_release(&r);
}
END_TEST

/* A line that ends on a preposition before a number that is no point goes
 * on, however short ("… kommunbidrag om\n1,5 mnkr"); a lead-in before a
 * point ("… beslutar att\n1. …") and a number that continues a numbering
 * do not. */
START_TEST(dangling_before_number_joins)
{
	const char *s = "Kommunstyrelsen beslutar att\n"
	                "1. Nämndens hemställan om utökat kommunbidrag om\n"
	                "1,5 mnkr från år 2025 godkänns.\n"
	                "2. Projektet godkänns med en budget om\n"
	                "464 mnkr.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "kommunbidrag om 1,5 mnkr från år 2025 godkänns.");
	ASSERT_HAS(&r, "budget om 464 mnkr.");
	ASSERT_HAS(&r, "beslutar att\n1. Nämndens");
	ASSERT_HAS(&r, "godkänns.\n2. Projektet");
	norm_result_release(&r);
}
END_TEST

/* A § heading with its registry number ("§ 351 Ärendenummer SLK-…", the
 * word of class dnr in any case, Ä included) starts its own paragraph even
 * after a full line that ends no sentence (the last line of a list of
 * recipients). */
START_TEST(sect_with_registry_number_is_a_heading)
{
	const char *s = "Kommunstyrelsen beslutar att godkänna avtalet med bolaget för åren 2025 till och med 2027.\n"
	                "Protokollsutdrag skickas till\n"
	                "Skrivelse till Europeiska kommissionen genom stadsledningskontoret och dess avdelning\n"
	                "§ 351 Ärendenummer SLK-2025-00091\n\n"
	                "Remiss om ökat uppgiftsutbyte\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "dess avdelning\n\n§ 351 Ärendenummer SLK-2025-00091");
	norm_result_release(&r);
}
END_TEST

/* Paragraphs separated by blank lines, several lines each, is not double
 * spacing: a blank line still ends a paragraph.  A running header set in
 * tabs, a "Sida N av M" footer and form feeds make one page each; a §
 * heading set in columns after a finished sentence is its own paragraph,
 * and the title under it stays its own line (probe kf_storviken_2025). */
START_TEST(paragraph_spaced_pages_and_headings)
{
	const char *hdr = "Storvikens kommun\tProtokoll\tKommunfullmäktige 2025-03-24\n\n";
	buf_t b = BUF_INIT;
	buf_adds(&b, hdr);
	buf_adds(&b, "Plats och tid: Storvikens folkets hus, kl. 18.00–22.40\n\n"
	             "Beslutet är justerat och anslaget på kommunens digitala anslagstavla 2025-03-28.\n\n");
	for (int p = 1; p <= 3; p++) {
		if (p > 1) {
			buf_printf(&b, "\f%s", hdr);
		}
		for (int k = 0; k < 2; k++) {
			int sec = 20 + 2 * p + k;
			buf_printf(&b, "§ %d                                                        Dnr KS 2024/06%02d\n\n", sec, sec);
			buf_printf(&b, "Ärende nummer %d om ett reglemente\n\n", sec);
			/* every page's text its own (digits fold to one key, so
			 * words differ): only the header and footer recur */
			static const char *const what[] = {"kommunstyrelsen", "valnämnden", "byggnadsnämnden",
			                                   "kulturnämnden", "socialnämnden", "miljönämnden"};
			const char *w = what[2 * (p - 1) + k];
			buf_printf(&b, "Jäv\nGöran Vikström (S), som är ledamot i %s, anmäler jäv och\n"
			           "deltar inte i handläggningen av ärendet.\n\n"
			           "Ärendebeskrivning för %s\n"
			           "Reglementet för %s har reviderats med anledning av den nya organisation som\n"
			           "gäller från och med 2025-01-01 och antas i sin helhet enligt bilagan i dag.\n\n"
			           "Beslut om %s\n"
			           "Kommunfullmäktige antar reviderat reglemente för %s enligt bilaga.\n\n",
			           w, w, w, w, w);
		}
		buf_printf(&b, "Justerares signatur: ____  ____\t\tSida %d av 3\n", p);
	}
	norm_result_t r;
	run(b.data, b.len, NORM_LOG_EDITS, &r);
	check_shape(&r);
	ck_assert_uint_eq(r.npages, 3);
	ASSERT_HASNT(&r, "Sida");
	ASSERT_HASNT(&r, "Storvikens kommun");
	ASSERT_HAS(&r, "anslagstavla 2025-03-28.\n\n§ 22 Dnr KS 2024/0622\n\nÄrende nummer 22 om ett reglemente\n\nJäv\n");
	ASSERT_HAS(&r, "enligt bilaga.\n\n§ 23 Dnr KS 2024/0623\n\nÄrende nummer 23");
	ASSERT_HAS(&r, "enligt bilaga.\n\n§ 24 Dnr KS 2024/0624\n\nÄrende nummer 24");
	ASSERT_HAS(&r, "den nya organisation som gäller från och med 2025-01-01");
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "§ 26")), 3);
	norm_result_release(&r);
	/* single spaced, no blank lines: the heading's padding does not make
	 * it a full line that the title would continue */
	run_str("Kommunfullmäktige antar reviderat reglemente för kommunstyrelsen enligt bilagan.\n"
	        "§ 23                                                        Dnr KS 2024/0877\n"
	        "Försäljning av fastigheten Storviken 4:118 (Gamla brandstationen)\n"
	        "Ärendebeskrivning\n"
	        "Fastigheten har stått tom sedan 2021. Efter anbudsförfarande har högsta anbud\n"
	        "lämnats av Kustbygg i Storviken AB med 6,4 miljoner kronor enligt protokollet.\n", &r);
	check_shape(&r);
	ASSERT_HAS(&r, "enligt bilagan.\n\n§ 23 Dnr KS 2024/0877\nFörsäljning av fastigheten Storviken 4:118 "
	               "(Gamla brandstationen)\n");
	norm_result_release(&r);
	buf_release(&b);
}
END_TEST

/* The lines of a numbered point indented to where its text starts are
 * that point's text, whatever they start with: not bullets, not page
 * breaks (probe kf_storviken_2025 § 23, § 25, § 27). */
START_TEST(hanging_indent_points)
{
	const char *s =
	    "Kommunstyrelsens förslag till kommunfullmäktige\n"
	    "1. Fastigheten Storviken 4:118 säljs till Kustbygg i Storviken AB för\n"
	    "   6 400 000 kronor enligt upprättat köpeavtal.\n"
	    "2. Kommundirektören får i uppdrag att underteckna köpeavtal och köpebrev.\n\n"
	    "Kommunfullmäktiges beslut\n"
	    "1. Kommunens stämmoombud instrueras att vid årsstämman rösta för att fastställa\n"
	    "   resultaträkning och balansräkning, att disponera resultatet enligt styrelsens\n"
	    "   förslag och att bevilja styrelsen och verkställande direktören ansvarsfrihet\n"
	    "   för räkenskapsåret 2024.\n"
	    "2. Linn Ek (L) entledigas från uppdraget som ersättare i barn- och utbildnings-\n"
	    "   nämnden.\n"
	    "3. Till ny ersättare i barn- och utbildningsnämnden för tiden till och med\n"
	    "   2026-12-31 väljs Oskar Brink (L).\n\n"
	    "Paragrafen förklaras omedelbart justerad.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "kommunfullmäktige\n1. Fastigheten Storviken 4:118 säljs till Kustbygg i Storviken AB för "
	               "6 400 000 kronor enligt upprättat köpeavtal.\n2. Kommundirektören");
	ASSERT_HAS(&r, "rösta för att fastställa resultaträkning och balansräkning, att disponera resultatet "
	               "enligt styrelsens förslag och att bevilja styrelsen och verkställande direktören "
	               "ansvarsfrihet för räkenskapsåret 2024.\n2. Linn Ek (L) entledigas från uppdraget som "
	               "ersättare i barn- och utbildningsnämnden.\n3. Till ny ersättare");
	ASSERT_HAS(&r, "till och med 2026-12-31 väljs Oskar Brink (L).\n\nParagrafen");
	ck_assert_uint_eq(r.npages, 1);
	norm_result_release(&r);
	/* dash points under a point ("instrueras att" / "   – fastställa …")
	 * stay lines of the paragraph (probe kf_tornsjo_2019 § 40) */
	run_str("Kommunfullmäktiges beslut\n"
	        "1. Kommunens ombud vid årsstämman i Tornsjö Bostäder AB instrueras att\n"
	        "   – fastställa resultaträkning och balansräkning för 2018,\n"
	        "   – disponera vinsten enligt styrelsens förslag,\n"
	        "   – bevilja styrelsen och verkställande direktören ansvarsfrihet för 2018.\n"
	        "2. Till ombud vid stämman utses Gunnar Lilja (S) med Ingela Frisk (M) som ersättare.\n\n"
	        "Paragrafen justeras omedelbart.\n", &r);
	check_shape(&r);
	ASSERT_HAS(&r, "instrueras att\n– fastställa resultaträkning och balansräkning för 2018,\n– disponera "
	               "vinsten enligt styrelsens förslag,\n– bevilja styrelsen och verkställande direktören "
	               "ansvarsfrihet för 2018.\n2. Till ombud");
	ck_assert_uint_eq(r.npages, 1);
	norm_result_release(&r);
}
END_TEST

/* A number after a preposition or conjunction is the sentence's, unless
 * it continues a numbering or "att" leads into points. */
START_TEST(number_after_preposition)
{
	norm_result_t r;
	run_str("Kommunstyrelsens beslut\n"
	        "Uppföljningen ska redovisas för kommunstyrelsen senast under\n"
	        "2. kvartalet 2025 tillsammans med bokslutet.\n\n"
	        "Kommunstyrelsen beslutar att\n"
	        "1. godkänna redovisningen, och\n"
	        "2. lägga den till handlingarna.\n", &r);
	check_shape(&r);
	ASSERT_HAS(&r, "senast under 2. kvartalet 2025 tillsammans med bokslutet.");
	ASSERT_HAS(&r, "beslutar att\n1. godkänna redovisningen, och\n2. lägga den till handlingarna.");
	norm_result_release(&r);
}
END_TEST

/* "14 §" alone is a heading like "§ 14": its own paragraph, and never
 * furniture, even where "16 §" tops the next page (probe valn_hokarum_2018). */
START_TEST(number_first_headings)
{
	const char *s =
	    "Protokollet har justerats 2018-09-10. Anslaget sätts upp 2018-09-11 och tas ned 2018-10-03.\n\n"
	    "Valnämnden                      2018-09-10                                  2 (3)\n\n"
	    "14 §\nRapport från valdagen den 9 september 2018\nDnr VN 2018/4\n\n"
	    "Valsamordnaren rapporterar om genomförandet av valdagen.\n\n"
	    "Valnämndens beslut\nValnämnden noterar informationen.\n\n"
	    "15 §\nOnsdagsräkning\nDnr VN 2018/4\n\n"
	    "Valnämnden beslutar att onsdagsräkningen genomförs den 12 september 2018.\n\n"
	    "Valnämnden                      2018-09-10                                  3 (3)\n\n"
	    "16 §\nArvode till röstmottagare\nDnr VN 2018/7\n\n"
	    "Valnämnden beslutar att arvodet höjs till 1 600 kronor.\n";
	norm_result_t r;
	run_str(s, &r);
	check_shape(&r);
	ASSERT_HAS(&r, "2018-10-03.\n\n14 §\n\nRapport från valdagen den 9 september 2018\n\nDnr VN 2018/4");
	ASSERT_HAS(&r, "informationen.\n\n15 §\n\nOnsdagsräkning");
	ASSERT_HAS(&r, "2018.\n\n16 §\n\nArvode till röstmottagare");
	ASSERT_HASNT(&r, "(3)");
	norm_result_release(&r);
}
END_TEST

/* "Forts. MHN § 24" under the running header of the page that goes on
 * with § 24 is furniture; the item's own heading stays (probe
 * mhn_savsjoholm_2012). */
START_TEST(continuation_heading_furniture)
{
	const char *hdr = "SÄVSJÖHOLMS KOMMUN                          SAMMANTRÄDESPROTOKOLL             Sida %d\n"
	                  "Miljö- och hälsoskyddsnämnden               2012-03-14\n\n";
	buf_t b = BUF_INIT;
	buf_printf(&b, hdr, 1);
	buf_adds(&b, "Taxa för prövning och tillsyn enligt miljöbalken\nMHN § 24    Dnr M 2012-0113\n\n"
	             "Ärendet\nMiljökontoret har tagit fram förslag till ny taxa baserad på underlaget.\n\n");
	buf_printf(&b, hdr, 2);
	buf_adds(&b, "Forts. MHN § 24\n\nNämnden har således beslutat enligt förslaget till beslut.\n\n"
	             "Redovisning av delegationsbeslut\nMHN § 25\n\nBeslut\nNämnden godkänner redovisningen.\n\n");
	buf_printf(&b, hdr, 3);
	buf_adds(&b, "Forts § 25\n\nNämnden har inget mer att anföra i ärendet.\n");
	norm_result_t r;
	run(b.data, b.len, NORM_LOG_EDITS, &r);
	check_shape(&r);
	ASSERT_HASNT(&r, "Forts");
	ASSERT_HAS(&r, "MHN § 24 Dnr M 2012-0113");
	ASSERT_HAS(&r, "\nMHN § 25\n");
	ck_assert_int_eq(norm_page_at(&r, (uint32_t)find(&r, "Nämnden har således")), 2);
	norm_result_release(&r);
	buf_release(&b);
}
END_TEST

/* ---- linear time on pathological input ---- */

START_TEST(pathological_hyphen_lines)
{
	/* 100,000 consecutive hyphenated lines of distinct letter strings */
	buf_t b = BUF_INIT;
	uint32_t x = 12345;
	static const char *const letters[] = {"a", "b", "d", "e", "g", "k", "l", "m", "n", "o",
	                                      "r", "s", "t", "u", "v", "\xC3\xA5", "\xC3\xA4", "\xC3\xB6"};
	for (int i = 0; i < 100000; i++) {
		int k = 2 + (int)(x % 6);
		for (int j = 0; j < k; j++) {
			x = x * 1103515245u + 12345u;
			buf_adds(&b, letters[(x >> 16) % 18]);
		}
		buf_adds(&b, "-\n");
	}
	norm_result_t r;
	double t0 = now();
	run(b.data, b.len, 0, &r);
	double dt = now() - t0;
	ck_assert_uint_eq(r.stats.lines, 100000);
	ck_assert_uint_eq(r.stats.hyphen_joins + r.stats.hyphens_kept + r.stats.suspended_kept, 99999);
	ck_assert_msg(dt < 2.0 * TIME_SCALE, "100k hyphenated lines took %.2f s", dt);
	norm_result_release(&r);
	buf_release(&b);
}
END_TEST

START_TEST(pathological_long_line)
{
	/* one 50 MB line */
	size_t n = 50u << 20;
	char *s = xmalloc(n + 1);
	static const char pat[] = "Regionstyrelsen  beslutar att-sats, 2020-10-14. ";
	for (size_t i = 0; i < n; i++)
		s[i] = pat[i % (sizeof pat - 1)];
	s[n] = '\0';
	norm_result_t r;
	double t0 = now();
	run(s, n, 0, &r);
	double dt = now() - t0;
	ck_assert_uint_eq(r.stats.lines, 1);
	ck_assert_uint_lt(r.text.len, n);
	ck_assert_msg(dt < 10.0 * TIME_SCALE, "a 50 MB line took %.2f s", dt);
	norm_result_release(&r);
	/* and a form feed every 64 bytes: 200,000 pages, each with its own words */
	buf_t b = BUF_INIT;
	for (uint32_t i = 0; b.len < n / 4; i++) {
		char w[8];
		uint32_t x = i;
		for (int k = 0; k < 6; k++, x /= 26)
			w[k] = (char)('a' + x % 26);
		w[6] = '\0';
		buf_printf(&b, "Ordet %s finns i texten och %s har en egen sida i protokollet.\f", w, w);
	}
	size_t pages = 0;
	for (size_t i = 0; i < b.len; i++)
		pages += b.data[i] == '\f';
	t0 = now();
	run(b.data, b.len, 0, &r);
	dt = now() - t0;
	ck_assert_uint_eq(r.npages, pages);
	ck_assert_uint_eq(r.stats.headers_removed, 0);
	ck_assert_msg(dt < 10.0 * TIME_SCALE, "%zu form feeds took %.2f s", pages, dt);
	norm_result_release(&r);
	buf_release(&b);
	free(s);
}
END_TEST

/* Random documents from protocol-like pieces keep every invariant. */
START_TEST(random_documents)
{
	static const char *const piece[] = {
	    "sjuk-", "hus", "EU-", "programmet", " ", "  ", "\n", "\n\n", "\f", "\xC2\xA0", "\xC2\xAD", "-",
	    "\xEF\x82\xB7", "\xEF\xAC\x81", "A\xCC\x8A", "\xCC\x8A", "\xC3\xA5", "§ 12", "1. ", "Sida 3 (9)",
	    "PROTOKOLL", "Dnr 12-2020", " och ", "Regionstyrelsen", "beslutar", "att", ".", ":", ",", "2020-",
	    "10-14", "\t", "Justerandes sign", "\xE2\x80\x93", "\xE2\x80\x90", "(", ")", "\xE2\x80\xA2 ", "7",
	};
	uint32_t x = 42;
	for (int d = 0; d < 3000; d++) {
		buf_t b = BUF_INIT;
		x = x * 1664525u + 1013904223u;
		int k = 1 + (int)((x >> 8) % 120);
		for (int i = 0; i < k; i++) {
			x = x * 1664525u + 1013904223u;
			buf_adds(&b, piece[(x >> 12) % (sizeof piece / sizeof piece[0])]);
		}
		norm_result_t r;
		run(b.data ? b.data : "", b.len, NORM_LOG_EDITS, &r);
		check_shape(&r);
		for (size_t i = 0; i < r.nedits; i++) {
			ck_assert_uint_le(r.edits[i].src_start, r.edits[i].src_end);
			ck_assert_uint_le(r.edits[i].src_end, b.len);
			ck_assert_uint_lt(r.edits[i].after, r.log.len);
		}
		for (size_t i = 0; i < r.map.n; i++)
			ck_assert_uint_le((size_t)r.map.seg[i].src + r.map.seg[i].slen, b.len);
		check_map_property_x(b.data ? b.data : "", b.len, &r, true);
		norm_result_release(&r);
		buf_release(&b);
	}
}
END_TEST

START_TEST(edit_kind_names)
{
	ck_assert_str_eq(norm_edit_kind_name(EDIT_JOIN), "join");
	ck_assert_str_eq(norm_edit_kind_name(EDIT_KEEP_HYPHEN), "keep_hyphen");
	ck_assert_str_eq(norm_edit_kind_name(EDIT_SUSPENDED), "suspended");
	ck_assert_str_eq(norm_edit_kind_name(EDIT_FURNITURE), "furniture");
	ck_assert_str_eq(norm_edit_kind_name(EDIT_CHAR), "char");
	ck_assert_str_eq(norm_edit_kind_name(EDIT_LINE_JOIN), "line_join");
	char *err = NULL;
	normalizer_t *bad = normalizer_new("/nonexistent-lexdir", &err);
	ck_assert_ptr_null(bad);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

static Suite *normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *c = tcase_create("seed001");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 120);
	tcase_add_test(c, seed_furniture_removed);
	tcase_add_test(c, seed_pages);
	tcase_add_test(c, seed_paragraphs_and_headings);
	tcase_add_test(c, seed_hyphen_golden_list);
	tcase_add_test(c, seed_offset_map_property);
	suite_add_tcase(s, c);
	c = tcase_create("units");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 60);
	tcase_add_test(c, offset_map_property_synthetic);
	tcase_add_test(c, hyphen_cases);
	tcase_add_test(c, hyphen_stats);
	tcase_add_test(c, character_folding);
	tcase_add_test(c, ascii_and_nfc_untouched);
	tcase_add_test(c, clean_text_keeps_lines);
	tcase_add_test(c, single_spaced_wrapped_text);
	tcase_add_test(c, form_feed_pages);
	tcase_add_test(c, sida_av_pages);
	tcase_add_test(c, kommun_layout_pages);
	tcase_add_test(c, heading_lines_not_furniture);
	tcase_add_test(c, first_header_recorded);
	tcase_add_test(c, signature_footers);
	tcase_add_test(c, signature_boxes);
	tcase_add_test(c, numbered_points_sequence);
	tcase_add_test(c, dangling_preposition_joins);
	tcase_add_test(c, dangling_before_number_joins);
	tcase_add_test(c, sect_with_registry_number_is_a_heading);
	tcase_add_test(c, paragraph_spaced_pages_and_headings);
	tcase_add_test(c, hanging_indent_points);
	tcase_add_test(c, number_after_preposition);
	tcase_add_test(c, number_first_headings);
	tcase_add_test(c, continuation_heading_furniture);
	tcase_add_test(c, edit_kind_names);
	tcase_add_test(c, random_documents);
	suite_add_tcase(s, c);
	c = tcase_create("pathological");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 120);
	tcase_add_test(c, pathological_hyphen_lines);
	tcase_add_test(c, pathological_long_line);
	suite_add_tcase(s, c);
	return s;
}

static Suite *suite(void)
{
	return normalize_suite();
}

#include "check_main.h"
