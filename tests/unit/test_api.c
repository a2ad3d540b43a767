/*
 * test_api.c — the public interface (include/beslut.h): a model loaded
 * from the project's grammars and lexicons, documents run from memory on
 * a session, their records iterated, and the failures it promises to
 * survive.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beslut.h"

static beslut_model *M;
static beslut_session *S;

static void setup(void)
{
	beslut_model_opts mo = {.grammars = "grammars", .lexicons = "lexicons", .diagnostics = stderr};
	char *err = NULL;
	M = beslut_model_load(&mo, &err);
	ck_assert_msg(M != NULL, "model: %s", err ? err : "?");
	S = beslut_session_new(M, &err);
	ck_assert_msg(S != NULL, "session: %s", err ? err : "?");
}

static void teardown(void)
{
	beslut_session_free(S);
	beslut_model_free(M);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The output with the value of `key` replaced by `as` (tests/mask-version). */
static char *mask(const char *s, size_t n, const char *key, const char *as)
{
	char *r = malloc(n + strlen(as) + 1);
	const char *k = strstr(s, key);
	if (!k) {
		memcpy(r, s, n);
		r[n] = '\0';
		return r;
	}
	const char *v = k + strlen(key);
	const char *e = strchr(v, '"');
	size_t head = (size_t)(v - s);
	memcpy(r, s, head);
	strcpy(r + head, as);
	size_t tail = n - (size_t)(e - s);
	memcpy(r + head + strlen(as), e, tail);
	r[head + strlen(as) + tail] = '\0';
	return r;
}

/* A golden case run from memory gives the golden output, byte for byte:
 * the interface runs the same per-document path as the command line. */
START_TEST(golden_case_from_memory)
{
	size_t n, ne;
	char *text = slurp("tests/golden/bmn_paragraf/input.txt", &n);
	char *want = slurp("tests/golden/bmn_paragraf/expected.jsonl", &ne);
	beslut_doc *d = beslut_run(S, text, n, "input.txt", 0);
	size_t len;
	const char *got = beslut_doc_jsonl(d, &len);
	ck_assert_int_eq(beslut_doc_ok(d), 1);
	/* the version and grammar hash compared as placeholders, as run-golden does */
	char *m1 = mask(got, len, "\"beslut_version\": \"", "VERSION");
	char *m2 = mask(m1, strlen(m1), "\"grammar_hash\": \"", "GRAMMAR-HASH");
	size_t at = 0;
	while (m2[at] && m2[at] == want[at])
		at++;
	ck_assert_msg(m2[at] == want[at], "differs at byte %zu: %.60s", at, m2 + at);
	free(m1);
	free(m2);
	beslut_doc_free(d);
	free(text);
	free(want);
}
END_TEST

START_TEST(records_iterated_in_order)
{
	static const char text[] = "Kommunfullmäktige\n\n§ 12\n\nBudget 2021\n\nAnna Ek (S) yrkar bifall till "
	                           "kommunstyrelsens förslag.\n\nKommunfullmäktige beslutar\n\natt anta budgeten.\n";
	beslut_doc *d = beslut_run(S, text, sizeof text - 1, "kf", BESLUT_EXPLAIN);
	size_t all, n, lines = 0, at = 0;
	const char *jl = beslut_doc_jsonl(d, &all);
	const char *line;
	while ((line = beslut_doc_next(d, &n))) {
		ck_assert_uint_eq(strlen(line), n);          /* NUL-terminated, no newline */
		ck_assert_int_eq(memcmp(jl + at, line, n), 0);
		ck_assert_int_eq(jl[at + n], '\n');
		if (lines == 0)
			ck_assert_ptr_nonnull(strstr(line, "{\"type\": \"document\", \"schema\": 1, \"doc\": \"kf\""));
		else
			ck_assert_ptr_nonnull(strstr(line, "\"rule\": ")); /* BESLUT_EXPLAIN */
		at += n + 1;
		lines++;
	}
	ck_assert_uint_eq(at, all);
	ck_assert_uint_eq(lines, beslut_doc_count(d));
	ck_assert_uint_ge(lines, 3); /* document, item, att_sats at least */
	ck_assert_ptr_null(beslut_doc_next(d, &n));
	/* the same bytes on the same session: the same output */
	beslut_doc *e = beslut_run(S, text, sizeof text - 1, "kf", BESLUT_EXPLAIN);
	size_t all2;
	const char *jl2 = beslut_doc_jsonl(e, &all2);
	ck_assert_uint_eq(all, all2);
	ck_assert_int_eq(memcmp(jl, jl2, all), 0);
	beslut_doc_free(e);
	beslut_doc_free(d);
}
END_TEST

START_TEST(unreadable_and_empty_documents)
{
	static const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0";
	beslut_doc *d = beslut_run(S, bin, sizeof bin - 1, "a.out", 0);
	size_t n;
	const char *line = beslut_doc_next(d, &n);
	ck_assert_int_eq(beslut_doc_ok(d), 0);
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(strstr(line, "\"status\": \"error\""));
	ck_assert_ptr_null(beslut_doc_next(d, &n));
	beslut_doc_free(d);
	d = beslut_run(S, NULL, 0, "empty", 0);
	ck_assert_uint_eq(beslut_doc_count(d), 1);
	beslut_doc_free(d);
}
END_TEST

START_TEST(model_errors)
{
	char *err = NULL;
	beslut_model_opts bad = {.grammars = "/nonexistent-grammars", .lexicons = "lexicons"};
	ck_assert_ptr_null(beslut_model_load(&bad, &err));
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	beslut_model_opts none = {0};
	ck_assert_ptr_null(beslut_model_load(&none, &err));
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api");
	TCase *t = tcase_create("api");
	tcase_set_timeout(t, 60);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, golden_case_from_memory);
	tcase_add_test(t, records_iterated_in_order);
	tcase_add_test(t, unreadable_and_empty_documents);
	tcase_add_test(t, model_errors);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
