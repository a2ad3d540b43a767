/*
 * test_dict.c — the shared spelling dictionary: one handle for all
 * threads, verdicts that do not depend on the load of the process.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize/dict.h"
#include "common/util.h"

static atomic_int burn_stop;

static void *burn(void *p)
{
	volatile unsigned long x = 0;
	while (!atomic_load(&burn_stop))
		x++;
	return p;
}

static void burners(pthread_t *t, int n)
{
	atomic_store(&burn_stop, 0);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, burn, NULL);
}

static void burners_stop(pthread_t *t, int n)
{
	atomic_store(&burn_stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* Hunspell's compound-check limit reads clock(): it must count this
 * thread's calls, not the CPU time that other threads burn. */
START_TEST(clock_counts_calls_not_cpu_time)
{
	pthread_t t[3];
	burners(t, 3);
	clock_t a = clock();
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
	clock_t b = clock();
	burners_stop(t, 3);
	ck_assert_int_eq((long)(b - a), 1);
}
END_TEST

typedef struct words {
	char **v;
	size_t n;
	char *verdict;
} words_t;

static void load_words(words_t *w)
{
	memset(w, 0, sizeof *w);
	FILE *f = fopen("tests/determinism/joined.txt", "r");
	ck_assert_ptr_nonnull(f);
	char line[512];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		GROW(w->v, cap, w->n + 1);
		w->v[w->n++] = xstrdup(line);
	}
	fclose(f);
	ck_assert_uint_gt(w->n, 600);
	w->verdict = xcalloc(w->n, 1);
}

static void free_words(words_t *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	free(w->verdict);
}

static void *spell_all(void *p)
{
	words_t *w = p;
	Hunhandle *h = dict_get();
	for (size_t i = 0; i < w->n; i++)
		w->verdict[i] = (char)(dict_spell(h, w->v[i]) != 0);
	return NULL;
}

/* The same words asked by eight threads at once, with three more
 * threads burning CPU, get the verdicts of a quiet single thread. */
START_TEST(verdicts_same_under_load)
{
	char *err = NULL;
	if (dict_setup(NULL, 0, &err) != 0) {
		free(err);
		return; /* no dictionary installed: nothing to compare */
	}
	words_t base;
	load_words(&base);
	spell_all(&base);
	enum { N = 8 };
	words_t w[N];
	pthread_t t[N], b[3];
	burners(b, 3);
	for (int k = 0; k < N; k++) {
		load_words(&w[k]);
		pthread_create(&t[k], NULL, spell_all, &w[k]);
	}
	for (int k = 0; k < N; k++)
		pthread_join(t[k], NULL);
	burners_stop(b, 3);
	for (int k = 0; k < N; k++) {
		for (size_t i = 0; i < base.n; i++)
			ck_assert_msg(w[k].verdict[i] == base.verdict[i], "verdict of %s flipped", base.v[i]);
		free_words(&w[k]);
	}
	free_words(&base);
	dict_release();
}
END_TEST

START_TEST(missing_dictionary_is_an_error)
{
	char *err = NULL;
	ck_assert_int_eq(dict_setup("/nonexistent/sv_SE", 0, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sv_SE.aff"));
	free(err);
	ck_assert_ptr_null(dict_get());
	err = NULL;
	ck_assert_int_eq(dict_setup("/nonexistent/sv_SE", 1, &err), 0);
	ck_assert_ptr_null(dict_get());
	dict_release();
}
END_TEST

/* A load started ahead (dict_preload) gives dict_setup the result that
 * loading then would give; with other arguments dict_setup loads anew;
 * one never taken up is waited for and freed by dict_release. */
START_TEST(preload_is_taken_up_by_setup)
{
	char *err = NULL;
	dict_preload("/nonexistent/sv_SE", 0);
	ck_assert_int_eq(dict_setup("/nonexistent/sv_SE", 0, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sv_SE.aff"));
	free(err);
	ck_assert_ptr_null(dict_get());
	dict_release();

	FILE *f = fopen(DICT_DEFAULT ".aff", "r");
	if (!f)
		return; /* the rest needs the default dictionary */
	fclose(f);
	Hunhandle *direct_h;
	ck_assert_int_eq(dict_setup(NULL, 0, NULL), 0);
	direct_h = dict_get();
	ck_assert_ptr_nonnull(direct_h);
	int direct_ok = dict_spell(direct_h, "sjukhus"), direct_bad = dict_spell(direct_h, "sjukxqhus");
	dict_release();

	dict_preload(NULL, 0);
	err = NULL;
	ck_assert_int_eq(dict_setup(NULL, 0, &err), 0);
	ck_assert_ptr_null(err);
	Hunhandle *h = dict_get();
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(dict_spell(h, "sjukhus"), direct_ok);
	ck_assert_int_eq(dict_spell(h, "sjukxqhus"), direct_bad);
	ck_assert_int_ne(direct_ok, direct_bad);
	ck_assert_double_gt(dict_load_cpu(), 0.0);
	dict_release();

	/* other arguments: the preload is dropped, the dictionary asked for loads */
	dict_preload("/nonexistent/sv_SE", 0);
	ck_assert_int_eq(dict_setup(NULL, 0, &err), 0);
	ck_assert_ptr_nonnull(dict_get());
	dict_release();
	dict_preload(NULL, 0);
	ck_assert_int_eq(dict_setup(NULL, 1, NULL), 0);
	ck_assert_ptr_null(dict_get());
	dict_release();

	/* never taken up */
	dict_preload(NULL, 0);
	dict_release();
}
END_TEST

/* dict_spell keeps Hunspell's answers by word: the same answers as
 * Hunspell itself, asked again, and after the table was emptied for being
 * full. */
START_TEST(spell_answers_kept)
{
	FILE *f = fopen(DICT_DEFAULT ".aff", "r");
	if (!f)
		return; /* needs the default dictionary */
	fclose(f);
	ck_assert_int_eq(dict_setup(NULL, 0, NULL), 0);
	Hunhandle *h = dict_get();
	ck_assert_ptr_nonnull(h);
	static const char *const words[] = {"sjukhus", "sjukxqhus", "kommunstyrelsen", "lingarna", "tivt",
	                                    "beslut", "Laf", "tak", "Lafxtak", "motionen"};
	size_t nw = sizeof words / sizeof *words;
	int want[16];
	for (size_t i = 0; i < nw; i++)
		want[i] = Hunspell_spell(h, words[i]);
	ck_assert_int_ne(want[0], want[1]);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < nw; i++)
			ck_assert_int_eq(dict_spell(h, words[i]), want[i]);
	char w[32];
	for (int i = 0; i < 20000; i++) { /* more words than the table holds */
		snprintf(w, sizeof w, "ordx%dq", i);
		ck_assert_int_eq(dict_spell(h, w), 0);
	}
	for (size_t i = 0; i < nw; i++)
		ck_assert_int_eq(dict_spell(h, words[i]), want[i]);
	dict_release();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dict");
	TCase *t = tcase_create("dict");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, clock_counts_calls_not_cpu_time);
	tcase_add_test(t, verdicts_same_under_load);
	tcase_add_test(t, missing_dictionary_is_an_error);
	tcase_add_test(t, preload_is_taken_up_by_setup);
	tcase_add_test(t, spell_answers_kept);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
