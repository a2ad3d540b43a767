/*
 * test_json.c — the JSON reader: what the writer writes reads back equal;
 * escapes, surrogate pairs and malformed input.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "output/json_read.h"
#include "common/util.h"
#include "common/value.h"

static value_t *parse(arena_t *a, const char *s)
{
	value_t *v = NULL;
	const char *err = NULL;
	size_t at = 0;
	return json_parse(a, s, strlen(s), &v, &err, &at) == 0 ? v : NULL;
}

START_TEST(round_trip_with_writer)
{
	arena_t a = ARENA_INIT;
	value_t *o = v_obj(&a);
	const char *odd = "O'Brien \"K\" \\ '); DROP TABLE x; -- åäöÅÄÖ\t\n\x01 \xe2\x80\xa8 \xf0\x9f\x98\x80";
	v_set(&a, o, "name", v_cstr(&a, odd));
	v_set(&a, o, "n", v_int(&a, -42));
	v_set(&a, o, "big", v_int(&a, 9007199254740993LL));
	v_set(&a, o, "b", v_bool(&a, 1));
	v_set(&a, o, "z", v_null(&a));
	value_t *arr = v_arr(&a);
	v_push(&a, arr, v_int(&a, 0));
	v_push(&a, arr, v_obj(&a));
	v_push(&a, arr, v_arr(&a));
	v_set(&a, o, "list", arr);
	buf_t b = BUF_INIT;
	json_write_value(&b, o);
	value_t *back = parse(&a, b.data);
	ck_assert_ptr_nonnull(back);
	ck_assert(v_equal(o, back));
	ck_assert_str_eq(v_get(back, "name")->u.s.s, odd);
	buf_release(&b);
	arena_release(&a);
}
END_TEST

START_TEST(escapes)
{
	arena_t a = ARENA_INIT;
	value_t *v = parse(&a, " [\"\\u00e5\\/\\b\\f\\r\", \"\\ud83d\\ude00\", \"a\\u0000b\"] ");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->u.a.v[0]->u.s.s, "\xc3\xa5/\b\f\r");
	ck_assert_str_eq(v->u.a.v[1]->u.s.s, "\xf0\x9f\x98\x80");
	ck_assert_uint_eq(v->u.a.v[2]->u.s.n, 3);
	ck_assert_int_eq(memcmp(v->u.a.v[2]->u.s.s, "a\0b", 3), 0);
	arena_release(&a);
}
END_TEST

START_TEST(rejects_malformed)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"abc", "\"\\x\"", "\"\\ud83d\"", "\"\\ude00\"",
		"01", "1.5", "1e3", "-", "tru", "nul", "[1] x", "\"a\tb\"", "\"\xff\"", "{1:2}",
		"99999999999999999999", "{\"a\\u0000\":1}",
	};
	arena_t a = ARENA_INIT;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		value_t *v = NULL;
		const char *err = NULL;
		size_t at = 0;
		ck_assert_msg(json_parse(&a, bad[i], strlen(bad[i]), &v, &err, &at) == -1, "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(err);
	}
	arena_release(&a);
}
END_TEST

START_TEST(depth_limit)
{
	arena_t a = ARENA_INIT;
	char deep[2 * (JSON_MAX_DEPTH + 2) + 1];
	size_t n = JSON_MAX_DEPTH + 2;
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	ck_assert_ptr_null(parse(&a, deep));
	ck_assert_ptr_nonnull(parse(&a, "[[[[1]]]]"));
	arena_release(&a);
}
END_TEST

/* integers are written as printf writes them */
START_TEST(integers_as_printf)
{
	static const long long v[] = {0, 1, -1, 9, 10, -10, 123456789, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char want[32];
		snprintf(want, sizeof want, "%lld", v[i]);
		buf_t b = BUF_INIT;
		json_write_int(&b, v[i]);
		ck_assert_str_eq(b.data, want);
		buf_reset(&b);
		json_write_uint(&b, (unsigned long long)v[i]);
		snprintf(want, sizeof want, "%llu", (unsigned long long)v[i]);
		ck_assert_str_eq(b.data, want);
		buf_release(&b);
	}
}
END_TEST

/* An object sized up front and filled with v_put writes like one built
 * with v_set, keeps the caller's key pointers, and grows when v_set adds
 * a member past its size or replaces one. */
START_TEST(sized_object_like_v_set)
{
	arena_t a = ARENA_INIT;
	static const char *keys[] = {"type", "text", "n"};
	value_t *p = v_obj_n(&a, 3), *s = v_obj(&a);
	for (int i = 0; i < 3; i++) {
		v_put(&a, p, keys[i], v_int(&a, i));
		v_set(&a, s, keys[i], v_int(&a, i));
	}
	ck_assert_uint_eq(p->u.o.cap, 3);
	ck_assert_ptr_eq(p->u.o.key[1], keys[1]);
	buf_t bp = BUF_INIT, bs = BUF_INIT;
	json_write_value(&bp, p);
	json_write_value(&bs, s);
	ck_assert_str_eq(bp.data, bs.data);
	v_set(&a, p, "extra", v_bool(&a, 1)); /* past the size: grows */
	v_set(&a, p, "n", v_null(&a));        /* replaces */
	ck_assert_uint_eq(p->u.o.n, 4);
	ck_assert(v_is_null(v_get(p, "n")));
	ck_assert_int_eq(v_get(p, "text")->u.i, 1);
	ck_assert_int_eq(v_get(p, "extra")->u.b, 1);
	value_t *e = v_obj_n(&a, 0);
	buf_reset(&bp);
	json_write_value(&bp, e);
	ck_assert_str_eq(bp.data, "{}");
	buf_release(&bp);
	buf_release(&bs);
	arena_release(&a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, round_trip_with_writer);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, rejects_malformed);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, integers_as_printf);
	tcase_add_test(tc, sized_object_like_v_set);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
