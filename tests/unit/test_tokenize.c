/*
 * test_tokenize.c — tokens, their kinds and flags, lower-case forms and
 * stems, with the language the project's grammars declare (grammars/,
 * `resolve tokens`: Snowball Swedish, lexicons/abbreviation.tsv).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens/tokenize.h"
#include "rules/grammar.h"

static tokens_t T;
static stemmer_t *ST;
static grammar_t *G;

static void setup_once(void)
{
	G = grammar_load_dir("grammars", "lexicons", stderr, NULL, NULL);
}

static void teardown_once(void)
{
	grammar_free(G);
}

static void setup(void)
{
	memset(&T, 0, sizeof T);
	ck_assert_ptr_nonnull(G);
	ST = stemmer_new(grammar_lang(G));
	ck_assert_ptr_nonnull(ST);
}

static void teardown(void)
{
	tokens_release(&T);
	stemmer_free(ST);
}

static char *surface(const char *text, size_t i)
{
	static char b[512];
	snprintf(b, sizeof b, "%.*s", (int)T.v[i].len, text + T.v[i].off);
	return b;
}

START_TEST(words_numbers_punct)
{
	const char *s = "§ 171 Dnr 1354-2020: EU-programmet, Covid-19 och SD:s förslag 2,5 mkr.";
	tokenize(s, strlen(s), ST, &T);
	const char *want[] = {"§", "171", "Dnr", "1354-2020", ":", "EU-programmet", ",", "Covid-19",
	                      "och", "SD:s", "förslag", "2,5", "mkr", "."};
	ck_assert_uint_eq(T.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < T.n; i++)
		ck_assert_str_eq(surface(s, i), want[i]);
	ck_assert_int_eq(T.v[0].kind, TK_SECT);
	ck_assert_int_eq(T.v[1].kind, TK_NUM);
	ck_assert_int_eq(T.v[2].kind, TK_WORD);
	ck_assert_int_eq(T.v[3].kind, TK_NUM);
	ck_assert_int_eq(T.v[4].kind, TK_PUNCT);
	ck_assert(T.v[2].flags & TF_CAP);
	ck_assert(!(T.v[2].flags & TF_UPPER));
	ck_assert_str_eq(tok_lower(&T, &T.v[5]), "eu-programmet");
}
END_TEST

START_TEST(lower_case_and_stems)
{
	const char *s = "ÖVERGRIPANDE Reserverar reservationer Ordförandens förslag";
	tokenize(s, strlen(s), ST, &T);
	ck_assert_uint_eq(T.n, 5);
	ck_assert(T.v[0].flags & TF_UPPER);
	ck_assert_str_eq(tok_lower(&T, &T.v[0]), "övergripande");
	ck_assert_str_eq(tok_lower(&T, &T.v[1]), "reserverar");
	/* the stem is computed on the lower-cased form */
	ck_assert_str_eq(tok_stem(&T, &T.v[1]), "reserver");
	ck_assert_str_eq(tok_stem(&T, &T.v[3]), "ordförand");
	size_t h, m;
	stemmer_stats(ST, &h, &m);
	ck_assert_uint_eq(h + m, 5);
}
END_TEST

START_TEST(line_and_paragraph_flags)
{
	const char *s = "Reservation\n\nGlenn Berggård (V) reserverar sig\nmot beslutet.\n\nSlut";
	tokenize(s, strlen(s), ST, &T);
	ck_assert(T.v[0].flags & TF_PARA_START);
	ck_assert(T.v[0].flags & TF_PARA_END);
	ck_assert(T.v[0].flags & TF_HEADING);
	ck_assert(T.v[1].flags & TF_PARA_START);
	ck_assert(T.v[1].flags & TF_SENT_START);
	ck_assert_uint_eq(T.v[1].line, 3);
	size_t mot = 8;
	ck_assert_str_eq(surface(s, mot), "mot");
	ck_assert(T.v[mot].flags & TF_LINE_START);
	ck_assert(!(T.v[mot].flags & TF_PARA_START));
	ck_assert(T.v[mot - 1].flags & TF_LINE_END);
	ck_assert(!(T.v[mot - 1].flags & TF_SENT_END)); /* the sentence goes on */
	ck_assert(T.v[mot + 2].flags & TF_SENT_END);     /* "." */
	ck_assert(T.v[T.n - 1].flags & TF_PARA_END);
}
END_TEST

START_TEST(sentence_ends_and_abbreviations)
{
	const char *s = "Det gäller bl.a. vården enl. 4 kap. 5 § och § 4. Nästa mening börjar. Slut";
	tokenize(s, strlen(s), ST, &T);
	int ends = 0;
	for (size_t i = 0; i < T.n; i++)
		if (T.v[i].flags & TF_SENT_END) {
			ends++;
			if (i + 1 < T.n)
				ck_assert_str_eq(surface(s, i + 1), ends == 1 ? "Slut" : "?");
		}
	ck_assert_int_eq(ends, 2); /* after "börjar." and at the end; not after bl.a. kap. § 4. */
}
END_TEST

START_TEST(numbered_points_end_sentences)
{
	const char *s = "Regionstyrelsen beslutar att\n1. anta planen\n2. ge uppdrag.";
	tokenize(s, strlen(s), ST, &T);
	ck_assert_str_eq(surface(s, 2), "att");
	ck_assert(T.v[2].flags & TF_SENT_END);
	ck_assert(T.v[3].flags & TF_SENT_START);
	ck_assert(T.v[3].flags & TF_LINE_START);
}
END_TEST

START_TEST(window_offsets_are_absolute)
{
	const char *s = "Första stycket.\n\nAndra stycket här.";
	tokenize_range(s, 18, strlen(s), 3, ST, &T);
	ck_assert_uint_eq(T.n, 4);
	ck_assert_uint_eq(T.v[0].off, 18); /* "ö" is two bytes */
	ck_assert_uint_eq(T.v[0].line, 3);
	ck_assert(T.v[0].flags & TF_PARA_START);
}
END_TEST

START_TEST(long_runs_are_split)
{
	size_t n = 100000;
	char *s = malloc(n + 1);
	memset(s, 'a', n);
	s[n] = '\0';
	tokenize(s, n, ST, &T);
	ck_assert_uint_ge(T.n, n / 256);
	for (size_t i = 0; i < T.n; i++)
		ck_assert_uint_le(T.v[i].len, 256);
	free(s);
}
END_TEST

START_TEST(no_language)
{
	/* without a declared language: no stems, and every period before a
	 * capital ends a sentence */
	stemmer_t *plain = stemmer_new(NULL);
	const char *s = "Det gäller bl.a. Vården. Reserverar";
	tokenize(s, strlen(s), plain, &T);
	ck_assert_str_eq(tok_stem(&T, &T.v[T.n - 1]), "reserverar");
	ck_assert(T.v[5].flags & TF_SENT_END); /* the "." after "a" */
	stemmer_free(plain);
}
END_TEST

/* A token's column on its printed source line: tabs to the next multiple
 * of 8, one column per character, the middle of the token; through the
 * offset map where the normalized text differs from the source. */
START_TEST(source_columns)
{
	const char *s = "Namn\tJa  X\nÖla Ek";
	tokenize(s, strlen(s), ST, &T);
	for (size_t i = 0; i < T.n; i++)
		ck_assert_uint_eq(T.v[i].col, TOK_COL_NONE);
	tokens_columns(&T, 0, s, s, strlen(s), NULL);
	ck_assert_uint_eq(T.n, 5);
	ck_assert_uint_eq(T.v[0].col, 2);  /* "Namn": 0 + 4/2 */
	ck_assert_uint_eq(T.v[1].col, 9);  /* "Ja" after the tab at 8 */
	ck_assert_uint_eq(T.v[2].col, 12); /* "X" after two spaces */
	ck_assert_uint_eq(T.v[3].col, 1);  /* "Öla" on the next line: 3 characters */
	ck_assert_uint_eq(T.v[4].col, 5);
	/* normalized "Ja X" from the source "   Ja\t\tX": two copied pieces */
	const char *orig = "   Ja\t\tX";
	const char *norm = "Ja X";
	omap_t m = OMAP_INIT;
	omap_copy(&m, 3, 2);
	omap_replace(&m, 1, 5, 2);
	omap_copy(&m, 7, 1);
	tokenize(norm, strlen(norm), ST, &T);
	tokens_columns(&T, 0, norm, orig, strlen(orig), &m);
	ck_assert_uint_eq(T.v[0].col, 4);  /* "Ja" at 3 */
	ck_assert_uint_eq(T.v[1].col, 16); /* "X" after two tabs */
	omap_release(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tokenize");
	TCase *t = tcase_create("tokenize");
	tcase_add_unchecked_fixture(t, setup_once, teardown_once);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, words_numbers_punct);
	tcase_add_test(t, lower_case_and_stems);
	tcase_add_test(t, line_and_paragraph_flags);
	tcase_add_test(t, sentence_ends_and_abbreviations);
	tcase_add_test(t, numbered_points_end_sentences);
	tcase_add_test(t, window_offsets_are_absolute);
	tcase_add_test(t, source_columns);
	tcase_add_test(t, long_runs_are_split);
	tcase_add_test(t, no_language);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
