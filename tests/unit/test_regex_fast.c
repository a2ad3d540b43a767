/*
 * test_regex_fast.c — token regexes answered without PCRE2: the same
 * answer as PCRE2 (compiled as the grammar compiles them: UTF, UCP,
 * anchored at both ends) for every pattern of the project's grammars and
 * for patterns of every construct taken, over corpus words and made-up
 * words, and for random patterns; constructs and characters it does not
 * take are left to PCRE2.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/grammar_int.h"
#include "rules/regex_fast.h"
#include "common/util.h"

/* Pattern src compiled as the grammar compiles a token regex (NULL when
 * PCRE2 refuses it). */
static pcre2_code *compile_as_grammar(const char *src, int caseless)
{
	int err;
	PCRE2_SIZE eoff;
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED | (caseless ? PCRE2_CASELESS : 0);
	return pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &err, &eoff, NULL);
}

/* PCRE2's answer for pattern src on word w. */
static int pcre_says(const char *src, int caseless, const char *w, size_t len)
{
	pcre2_code *re = compile_as_grammar(src, caseless);
	ck_assert_msg(re != NULL, "pattern %s does not compile", src);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)w, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

/* Words: the given ones, then every string of up to 4 characters over a
 * small alphabet (letters of both cases, å ä ö, ſ (folds to s), digits,
 * '-', ’, an en dash, a space). */
static const char *alpha[] = {"a", "s", "S", "k", "K", "n", "d", "e", "t", "å", "Ä", "ö",
                              "ſ", "1", "0", "-", "’", "–", " ", "r"};

static void each_word(void (*fn)(const char *w, size_t len, void *arg), void *arg)
{
	size_t na = sizeof alpha / sizeof *alpha;
	char w[32];
	for (size_t len = 0; len <= 4; len++) {
		size_t idx[4] = {0, 0, 0, 0};
		for (;;) {
			size_t n = 0;
			for (size_t k = 0; k < len; k++) {
				size_t l = strlen(alpha[idx[k]]);
				memcpy(w + n, alpha[idx[k]], l);
				n += l;
			}
			w[n] = '\0';
			fn(w, n, arg);
			size_t k = 0;
			while (k < len && ++idx[k] == na)
				idx[k++] = 0;
			if (k == len)
				break;
		}
	}
}

typedef struct {
	const rxfast_t *f;
	const char *const *src;
	const uint8_t *ci;
	uint32_t n;
	size_t checked, mismatches;
	pcre2_code **re;
	pcre2_match_data *md;
} diff_t;

static void compare(const char *w, size_t len, void *arg)
{
	diff_t *d = arg;
	uint16_t cls[64];
	if (len >= sizeof cls / sizeof *cls)
		return;
	int nch = rxfast_classes(d->f, (const unsigned char *)w, len, cls);
	if (nch < 0)
		return;
	for (uint32_t r = 0; r < d->n; r++) {
		if (!rxfast_has(d->f, r))
			continue;
		int fast = rxfast_match(d->f, r, cls, nch);
		int slow = pcre2_match(d->re[r], (PCRE2_SPTR)w, len, 0, 0, d->md, NULL) >= 0;
		d->checked++;
		if (fast != slow && d->mismatches++ < 5)
			fprintf(stderr, "/%s/%s on \"%s\": %d, PCRE2 %d\n", d->src[r], d->ci[r] ? "i" : "", w, fast, slow);
	}
}

static void diff_init(diff_t *d, const char *const *src, const uint8_t *ci, uint32_t n)
{
	memset(d, 0, sizeof *d);
	d->src = src, d->ci = ci, d->n = n;
	d->f = rxfast_new(src, ci, n);
	d->re = xcalloc(n + 1, sizeof *d->re);
	for (uint32_t r = 0; r < n; r++) {
		d->re[r] = compile_as_grammar(src[r], ci[r]);
		ck_assert_msg(d->re[r] != NULL, "pattern %s does not compile", src[r]);
	}
	d->md = pcre2_match_data_create(1, NULL);
}

static void diff_free(diff_t *d)
{
	for (uint32_t r = 0; r < d->n; r++)
		pcre2_code_free(d->re[r]);
	free(d->re);
	pcre2_match_data_free(d->md);
	rxfast_free((rxfast_t *)d->f);
}

/* Patterns of every construct taken: classes, escapes, properties,
 * literals (caseless too), groups, alternation with an empty branch,
 * every quantifier, counted repetition of groups, lazy quantifiers. */
static const char *taken[] = {
	"\\p{L}+",       "\\p{Ll}*s",        "\\p{Lu}\\p{Ll}{2,}", "[A-ZÅÄÖ]{1,4}",     "[^a-z]+",
	"\\d+",          "\\d{2,4}[.\\/:-]\\d+", "\\w*",            "\\W",                "\\P{L}",
	"s",             "K",                "(a|)n",              "(?:de|da){2,3}",     "(ak|s)*?e",
	"a{0}",          "a{2}",             "[a-zåäö]{0,3}s",     "\\p{L}*(nämnden|s)", "(s|ss)+",
	".*",            ".s",               "[\\p{L}’-]+",        "[[:alpha:]]+",       "\\-\\d",
	"\\s",           "\\S+",             "(e(n|t)?)+",         "å|Ä|ö+",             "[]a]+",
	"[^]]",          "\\pL\\PL",         "(?:)a",              "x{0,2}",             "(a|s)(d|e){0,}",
};
static const uint8_t taken_ci[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
                                   1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0};

START_TEST(constructs_agree_with_pcre2)
{
	uint32_t n = sizeof taken / sizeof *taken;
	ck_assert_uint_eq(n, sizeof taken_ci);
	diff_t d;
	diff_init(&d, taken, taken_ci, n);
	for (uint32_t r = 0; r < n; r++)
		ck_assert_msg(rxfast_has(d.f, r), "/%s/ left to PCRE2", taken[r]);
	each_word(compare, &d);
	ck_assert_uint_gt(d.checked, 1000000);
	ck_assert_uint_eq(d.mismatches, 0);
	diff_free(&d);
}
END_TEST

/* Every regex of the project's grammars, over the words of corpus/. */
START_TEST(project_regexes_agree_with_pcre2)
{
	int ne = 0, nw = 0;
	grammar_t *g = grammar_load_dir("grammars", "lexicons", stderr, &ne, &nw);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_gt(g->nre, 20);
	uint8_t *ci = xcalloc(g->nre + 1, 1);
	for (uint32_t r = 0; r < g->nre; r++) {
		uint32_t opts = 0;
		pcre2_pattern_info(g->re[r], PCRE2_INFO_ARGOPTIONS, &opts);
		ci[r] = (opts & PCRE2_CASELESS) != 0;
		ck_assert_uint_eq(ci[r], g->re_ci[r]); /* the grammar keeps the option it compiled with */
	}
	diff_t d;
	diff_init(&d, g->re_src, ci, g->nre);
	/* the grammar's own set answers the same patterns */
	ck_assert_uint_eq(rxfast_count(d.f), rxfast_count(g->rxfast));
	ck_assert_uint_ge(rxfast_count(d.f) * 10, g->nre * 9);
	buf_t text = BUF_INIT;
	FILE *fp = popen("cat corpus/*.txt", "r");
	ck_assert_ptr_nonnull(fp);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&text, chunk, got);
	pclose(fp);
	ck_assert_uint_gt(text.len, 100000);
	size_t words = 0;
	for (size_t i = 0; i < text.len;) {
		size_t j = i;
		while (j < text.len && !strchr(" \t\n\r().,;:!?\"", text.data[j]))
			j++;
		if (j > i) {
			char save = text.data[j];
			text.data[j] = '\0';
			compare(text.data + i, j - i, &d);
			text.data[j] = save;
			words++;
		}
		i = j + 1;
	}
	ck_assert_uint_gt(words, 10000);
	each_word(compare, &d);
	ck_assert_uint_eq(d.mismatches, 0);
	diff_free(&d);
	free(ci);
	buf_release(&text);
	grammar_free(g);
}
END_TEST

/* Patterns put together at random from pieces of every kind, taken or
 * not (anchors, look-aheads, possessive and broken quantifiers among
 * them): those PCRE2 compiles and this module takes give PCRE2's answer on
 * random words, and none makes the builder read out of bounds. */
static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

START_TEST(random_patterns_agree_with_pcre2)
{
	static const char *piece[] = {
		"a",    "s",      "S",      "k",     "å",          "Ä",     "ö",      "ſ",     "1",    "-",
		"’",    ".",      "\\d",    "\\w",   "\\W",        "\\s",   "\\p{L}", "\\p{Ll}", "\\p{Lu}", "\\P{L}",
		"[a-z]", "[^a-z]", "[A-ZÅÄÖ]", "[\\p{L}-]", "[]a]", "(",    ")",      "|",     "?",    "*",
		"+",    "{2}",    "{1,3}",  "{0,}",  "*?",         "+?",    "??",     "(?:",   "\\-",  "\\.",
		"[[:alpha:]]", "{", "}",    "^",     "$",          "\\b",   "(?=a)",  "a++"};
	static const char *letter[] = {"a", "s", "S", "k", "K", "å", "Ä", "ö", "ſ",
	                               "1", "-", "’", "–", " ", "é", "e", "n"};
	size_t np = sizeof piece / sizeof *piece, nl = sizeof letter / sizeof *letter;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t compiled = 0, nfast = 0, checks = 0, mismatches = 0;
	for (int it = 0; it < 3000; it++) {
		char pat[256];
		size_t pl = 0;
		for (uint32_t q = 0, k = 1 + rnd() % 7; q < k; q++) {
			const char *pc = piece[rnd() % np];
			size_t l = strlen(pc);
			memcpy(pat + pl, pc, l);
			pl += l;
		}
		pat[pl] = '\0';
		uint8_t ci = rnd() % 2;
		pcre2_code *re = compile_as_grammar(pat, ci);
		if (!re)
			continue;
		compiled++;
		const char *src[] = {pat};
		rxfast_t *f = rxfast_new(src, &ci, 1);
		if (rxfast_has(f, 0)) {
			nfast++;
			for (int w = 0; w < 100; w++) {
				char word[64];
				size_t wl = 0;
				for (uint32_t c = 0, len = rnd() % 7; c < len; c++) {
					const char *lt = letter[rnd() % nl];
					memcpy(word + wl, lt, strlen(lt));
					wl += strlen(lt);
				}
				word[wl] = '\0';
				uint16_t cls[64];
				int nch = rxfast_classes(f, (const unsigned char *)word, wl, cls);
				if (nch < 0)
					continue;
				int fast = rxfast_match(f, 0, cls, nch);
				int slow = pcre2_match(re, (PCRE2_SPTR)word, wl, 0, 0, md, NULL) >= 0;
				checks++;
				if (fast != slow && mismatches++ < 5)
					fprintf(stderr, "/%s/%s on \"%s\": %d, PCRE2 %d\n", pat, ci ? "i" : "", word, fast, slow);
			}
		}
		rxfast_free(f);
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	ck_assert_uint_gt(compiled, 1000);
	ck_assert_uint_gt(nfast, 500);
	ck_assert_uint_lt(nfast, compiled); /* some are PCRE2's */
	ck_assert_uint_gt(checks, 50000);
	ck_assert_uint_eq(mismatches, 0);
}
END_TEST

START_TEST(other_constructs_left_to_pcre2)
{
	static const char *src[] = {"^a",   "a$",  "\\bab", "a(?=b)", "(?i)a", "(a)\\1", "a++",
	                            "a{,3}", "a{x}", "\\Qa\\E", "a*+",  "\\x{41}", "(?<n>a)", "\\ta"};
	uint32_t n = sizeof src / sizeof *src;
	uint8_t ci[sizeof src / sizeof *src] = {0};
	rxfast_t *f = rxfast_new(src, ci, n);
	for (uint32_t r = 0; r < n; r++)
		ck_assert_msg(!rxfast_has(f, r), "/%s/ should be left to PCRE2", src[r]);
	ck_assert_uint_eq(rxfast_count(f), 0);
	rxfast_free(f);
}
END_TEST

START_TEST(characters_beyond_the_table)
{
	static const char *src[] = {"\\p{L}+"};
	uint8_t ci[] = {1};
	rxfast_t *f = rxfast_new(src, ci, 1);
	uint16_t cls[16];
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"Åsa", 4, cls), 3);
	ck_assert_int_eq(rxfast_match(f, 0, cls, 3), 1);
	/* the Kelvin sign (U+212A), a Greek letter, broken UTF-8: PCRE2's */
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"\xe2\x84\xaa", 3, cls), -1);
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"\xce\xb1", 2, cls), -1);
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"a\xc3", 2, cls), -1);
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"\xc0\x80", 2, cls), -1);
	/* the empty word */
	ck_assert_int_eq(rxfast_classes(f, (const unsigned char *)"", 0, cls), 0);
	ck_assert_int_eq(rxfast_match(f, 0, cls, 0), 0);
	ck_assert_int_eq(pcre_says("\\p{L}+", 1, "", 0), 0);
	rxfast_free(f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("regex_fast");
	TCase *tc = tcase_create("agree");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, constructs_agree_with_pcre2);
	tcase_add_test(tc, project_regexes_agree_with_pcre2);
	tcase_add_test(tc, random_patterns_agree_with_pcre2);
	tcase_add_test(tc, other_constructs_left_to_pcre2);
	tcase_add_test(tc, characters_beyond_the_table);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
