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
#include "random_text.h"

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
	ck_assert_uint_eq(T.v[0].len, 256);
	/* a two-byte letter that starts within the limit stays whole */
	memcpy(s + 255, "\xc3\xa4", 2);
	tokenize(s, n, ST, &T);
	ck_assert_uint_eq(T.v[0].len, 257);
	ck_assert_uint_eq(T.v[1].off, 257);
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
	/* characters, not bytes: short and long words, ASCII or not, eight
	 * bytes before the end of the text or fewer */
	const char *u = "Överförmyndarnämndens \xc3\x85r\xc3\xa5 Ek\tb\xc3\xa4sta\nNej \xc3\x84ndrade";
	tokenize(u, strlen(u), ST, &T);
	tokens_columns(&T, 0, u, u, strlen(u), NULL);
	ck_assert_uint_eq(T.n, 6);
	ck_assert_uint_eq(T.v[0].col, 10); /* 21 characters (24 bytes) */
	ck_assert_uint_eq(T.v[1].col, 23); /* "Årå" at 22 */
	ck_assert_uint_eq(T.v[2].col, 27); /* "Ek" at 26 */
	ck_assert_uint_eq(T.v[3].col, 34); /* "bästa" after the tab at 32 */
	ck_assert_uint_eq(T.v[4].col, 1);  /* "Nej" */
	ck_assert_uint_eq(T.v[5].col, 7);  /* "Ändrade" at 4, 7 characters */
}
END_TEST

/* The forms of a token come from the word memo after its first sight:
 * the same as a fresh stemmer (no memo yet) and as the path of long
 * tokens (never remembered) give, for ASCII and non-ASCII words alike. */
static void same_tokens(const tokens_t *a, const tokens_t *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const token_t *x = &a->v[i], *y = &b->v[i];
		ck_assert_uint_eq(x->off, y->off);
		ck_assert_uint_eq(x->len, y->len);
		ck_assert_uint_eq(x->kind, y->kind);
		ck_assert_uint_eq(x->flags, y->flags);
		ck_assert_uint_eq(x->lower_len, y->lower_len);
		ck_assert_str_eq(tok_lower(a, x), tok_lower(b, y));
		ck_assert_str_eq(tok_stem(a, x), tok_stem(b, y));
		ck_assert_int_eq(x->stem_same, y->stem_same);
		ck_assert_uint_eq(x->sym, y->sym);
		ck_assert_uint_eq(x->stem_sym, y->stem_sym);
		ck_assert_uint_eq(x->classes, y->classes);
	}
}

START_TEST(memo_gives_the_same_tokens)
{
	const char *s = "Reservationer RESERVATIONER reservationer Ärendet ärendet ÄRENDET "
	                "naïve Naïve Ωmega ωmega SD:s 2020-10-14 § 12. Beslut beslut, Ordförandens";
	tokenize(s, strlen(s), ST, &T); /* fills the memo */
	tokens_t again = TOKENS_INIT, fresh = TOKENS_INIT;
	tokenize(s, strlen(s), ST, &again); /* from the memo */
	stemmer_t *st2 = stemmer_new(grammar_lang(G));
	tokenize(s, strlen(s), st2, &fresh); /* computed */
	same_tokens(&again, &fresh);
	same_tokens(&T, &fresh);
	/* the same words as one another: an upper-case word and its
	 * lower-case twin share forms, not case flags */
	ck_assert_str_eq(tok_lower(&T, &T.v[0]), tok_lower(&T, &T.v[2]));
	ck_assert_str_eq(tok_stem(&T, &T.v[3]), tok_stem(&T, &T.v[5]));
	ck_assert(T.v[1].flags & TF_UPPER);
	ck_assert(!(T.v[2].flags & (TF_UPPER | TF_CAP)));
	ck_assert(T.v[3].flags & TF_CAP);
	ck_assert_str_eq(tok_lower(&T, &T.v[8]), "ωmega");
	ck_assert_str_eq(tok_lower(&T, &T.v[9]), "ωmega");
	size_t h, m;
	stemmer_stats(ST, &h, &m);
	ck_assert_uint_eq(h + m, 2 * T.n);
	ck_assert_uint_ge(h, T.n);
	tokens_release(&again);
	tokens_release(&fresh);
	stemmer_free(st2);
}
END_TEST

START_TEST(long_tokens_bypass_the_memo)
{
	/* 70 and 80 letters: longer than the memo's keys */
	char s[256];
	snprintf(s, sizeof s, "%s %s", "Överklagandena-överklagandena-överklagandena-överklagandena-Xx",
	         "ÖVERKLAGANDENA-ÖVERKLAGANDENA-ÖVERKLAGANDENA-ÖVERKLAGANDENA-ÖVERKLAGANDENA");
	tokenize(s, strlen(s), ST, &T);
	ck_assert_uint_eq(T.n, 2);
	ck_assert_uint_gt(T.v[0].len, 64);
	ck_assert_str_eq(tok_lower(&T, &T.v[0]),
	                 "överklagandena-överklagandena-överklagandena-överklagandena-xx");
	ck_assert(T.v[0].flags & TF_CAP);
	ck_assert(T.v[1].flags & TF_UPPER);
	for (size_t i = 0; i < T.n; i++) {
		size_t sl;
		const char *want = stemmer_stem_raw(ST, tok_lower(&T, &T.v[i]), T.v[i].lower_len, &sl);
		ck_assert_uint_eq(strlen(tok_stem(&T, &T.v[i])), sl);
		ck_assert_mem_eq(tok_stem(&T, &T.v[i]), want, sl);
	}
	ck_assert_str_ne(tok_stem(&T, &T.v[1]), tok_lower(&T, &T.v[1]));
}
END_TEST

/* With the grammar's annotator the tokenizer fills in the symbols, once
 * per distinct word, and grammar_annotate finds them done. */
static size_t annot_calls;
static void count_annot(const void *ctx, const char *lower, size_t llen, const char *stem, size_t slen,
                        uint32_t *sym, uint32_t *stem_sym, uint64_t *classes)
{
	annot_calls++;
	grammar_annotate_word(ctx, lower, llen, stem, slen, sym, stem_sym, classes);
}

START_TEST(annotator_fills_symbols)
{
	const char *s = "Kommunstyrelsen beslutar att bifalla yrkandet. Kommunstyrelsen beslutar";
	tokens_t plain = TOKENS_INIT;
	tokenize(s, strlen(s), ST, &plain);
	ck_assert_ptr_null(plain.annot);
	grammar_annotate(G, &plain);
	stemmer_t *st2 = stemmer_new(grammar_lang(G));
	stemmer_set_annotator(st2, count_annot, G);
	annot_calls = 0;
	tokenize(s, strlen(s), st2, &T);
	ck_assert_ptr_eq(T.annot, G);
	ck_assert_uint_eq(annot_calls, 6); /* the last two words are known */
	same_tokens(&T, &plain);
	grammar_annotate(G, &T); /* nothing left to do */
	same_tokens(&T, &plain);
	size_t nsym = 0;
	for (size_t i = 0; i < T.n; i++)
		nsym += T.v[i].sym != 0;
	ck_assert_uint_gt(nsym, 0);
	tokens_release(&plain);
	stemmer_free(st2);
}
END_TEST

/* Columns on random lines of words, spaces, tabs, line ends and two- and
 * three-byte characters: the same as counted from the start of each
 * token's line, byte by byte. */
START_TEST(columns_random_lines)
{
	static const char *const piece[] = {"a", "Xy", " ", "  ", "\t", "\n", "\xc3\xa5", "\xc3\x96rn", "\xe2\x80\x93",
	                                    "2020", "kommunen", "\xc3\xa4r\xc3\xa5"};
	unsigned seed = 12345;
	char s[400];
	for (int round = 0; round < 300; round++) {
		size_t n = random_text(s, 300, piece, sizeof piece / sizeof *piece, &seed);
		s[n] = '\0';
		tokenize(s, n, ST, &T);
		tokens_columns(&T, 0, s, s, n, NULL);
		for (size_t k = 0; k < T.n; k++) {
			size_t a = T.v[k].off, ls = a;
			while (ls > 0 && s[ls - 1] != '\n')
				ls--;
			long col = 0, w = 0;
			for (size_t i = ls; i < a; i++)
				col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + (((unsigned char)s[i] & 0xC0) != 0x80);
			for (size_t i = a; i < a + T.v[k].len; i++)
				w += ((unsigned char)s[i] & 0xC0) != 0x80;
			ck_assert_uint_eq(T.v[k].col, (unsigned)(col + w / 2));
		}
	}
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
	tcase_add_test(t, columns_random_lines);
	tcase_add_test(t, long_runs_are_split);
	tcase_add_test(t, no_language);
	tcase_add_test(t, memo_gives_the_same_tokens);
	tcase_add_test(t, long_tokens_bypass_the_memo);
	tcase_add_test(t, annotator_fills_symbols);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
