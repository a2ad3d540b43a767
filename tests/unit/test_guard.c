/*
 * test_guard.c — the schema guard at emission (guard.h): a value the
 * schema forbids is nulled or its record dropped, with a warning in the
 * document record and stats.records kept right; other lines stay byte for
 * byte.  The grammars no longer produce these values (tests/run-badinput
 * schema-source-*), so the guard is tested here on hand-written lines.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "output/guard.h"
#include "common/util.h"

#define DOC "{\"type\": \"document\", \"id\": \"d\", \"stats\": {\"records\": %d}, \"warnings\": []}\n"

static char *guard(const char *lines, int nrec)
{
	buf_t b = BUF_INIT;
	buf_add(&b, "prefix\n", 7);
	buf_printf(&b, DOC, nrec);
	buf_add(&b, lines, strlen(lines));
	schema_guard(&b, 7);
	ck_assert(b.len >= 7 && memcmp(b.data, "prefix\n", 7) == 0);
	char *s = xmalloc(b.len + 1);
	memcpy(s, b.data, b.len);
	s[b.len] = 0;
	buf_release(&b);
	return s;
}

START_TEST(clean_lines_untouched)
{
	const char *in = "{\"type\": \"att_sats\", \"id\": \"d#att_sats/1\", \"number\": 1, \"text\": \"x\"}\n"
	                 "{\"type\": \"vote\", \"id\": \"d#vote/1\", \"method\": \"omröstning\"}\n";
	char *out = guard(in, 2);
	ck_assert_ptr_nonnull(strstr(out, "\"warnings\": []"));
	ck_assert_str_eq(strchr(strchr(out, '\n') + 1, '\n') + 1, in);
	free(out);
}
END_TEST

START_TEST(number_zero_nulled)
{
	char *out = guard("{\"type\": \"att_sats\", \"id\": \"d#att_sats/1\", \"number\": 0, \"text\": \"x\"}\n", 1);
	ck_assert_ptr_nonnull(strstr(out, "\"number\": null"));
	ck_assert_ptr_nonnull(strstr(out, "d#att_sats/1: att_sats number below 1 set to null (schema guard)"));
	ck_assert_ptr_nonnull(strstr(out, "\"records\": 1"));
	free(out);
}
END_TEST

START_TEST(text_null_and_method_null_dropped)
{
	char *out = guard("{\"type\": \"att_sats\", \"id\": \"d#att_sats/1\", \"number\": 1, \"text\": null}\n"
	                  "{\"type\": \"item\", \"id\": \"d#item/1\"}\n"
	                  "{\"type\": \"vote\", \"id\": \"d#vote/1\", \"method\": null}\n",
	                  3);
	ck_assert_ptr_null(strstr(out, "\"type\": \"att_sats\""));
	ck_assert_ptr_null(strstr(out, "\"type\": \"vote\""));
	ck_assert_ptr_nonnull(strstr(out, "{\"type\": \"item\", \"id\": \"d#item/1\"}\n"));
	ck_assert_ptr_nonnull(strstr(out, "att_sats without text dropped (schema guard)"));
	ck_assert_ptr_nonnull(strstr(out, "vote without method dropped (schema guard)"));
	ck_assert_ptr_nonnull(strstr(out, "\"records\": 1"));
	free(out);
}
END_TEST

START_TEST(party_outside_pattern_nulled)
{
	char *out = guard("{\"type\": \"proposal\", \"id\": \"d#proposal/1\", \"by\": [{\"name\": null, "
	                  "\"party\": \"SOCIALDEMOKRATISKA GRUPPEN\", \"role\": null}, "
	                  "{\"name\": \"A\", \"party\": \"SD\", \"role\": null}]}\n",
	                  1);
	ck_assert_ptr_nonnull(strstr(out, "{\"name\": null, \"party\": null, \"role\": null}"));
	ck_assert_ptr_nonnull(strstr(out, "\"party\": \"SD\""));
	ck_assert_ptr_nonnull(strstr(out, "party that is no party abbreviation set to null (schema guard)"));
	free(out);
}
END_TEST

/* Lines that look clean at a glance but are not: an escaped key or
 * party, a key given twice, a party deep inside arrays. */
START_TEST(escapes_and_repeats_checked)
{
	char *out = guard("{\"type\": \"proposal\", \"id\": \"d#proposal/1\", \"by\": [[{\"party\": \"s\\u0041\"}]]}\n"
	                  "{\"type\": \"proposal\", \"id\": \"d#proposal/2\", \"rank\": 0, \"rank\": 2}\n"
	                  "{\"type\": \"proposal\", \"id\": \"d#proposal/3\", \"ra\\u006ek\": -1}\n"
	                  "{\"type\": \"item\", \"type\": \"vote\", \"id\": \"d#vote/1\"}\n"
	                  "{\"type\": \"att_sats\", \"id\": \"d#att_sats/1\", \"text\": \"a \\\"b\\\"\", \"number\": 2}\n",
	                  5);
	ck_assert_ptr_nonnull(strstr(out, "d#proposal/1: party that is no party abbreviation"));
	ck_assert_ptr_null(strstr(out, "d#proposal/2:"));
	ck_assert_ptr_nonnull(strstr(out, "d#proposal/3: proposal rank below 1 set to null"));
	ck_assert_ptr_nonnull(strstr(out, "d#vote/1: vote without method dropped"));
	ck_assert_ptr_null(strstr(out, "d#att_sats/1:"));
	ck_assert_ptr_nonnull(strstr(out, "\"records\": 4"));
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("guard");
	tcase_add_test(tc, clean_lines_untouched);
	tcase_add_test(tc, number_zero_nulled);
	tcase_add_test(tc, text_null_and_method_null_dropped);
	tcase_add_test(tc, party_outside_pattern_nulled);
	tcase_add_test(tc, escapes_and_repeats_checked);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
