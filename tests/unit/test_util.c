/*
 * test_util.c — buffers, arenas, UTF-8, SHA-256, offset maps, JSON values.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "read/omap.h"
#include "common/util.h"
#include "common/value.h"

START_TEST(buf_grows_and_terminates)
{
	buf_t b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_int_eq(b.data[1000], '\0');
	buf_printf(&b, "%d-%s", 42, "y");
	ck_assert_str_eq(b.data + 1000, "42-y");
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	buf_release(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(buf_printf_long)
{
	buf_t b = BUF_INIT;
	char big[5000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "<%s>", big);
	ck_assert_uint_eq(b.len, 5001);
	ck_assert_int_eq(b.data[5000], '>');
	buf_release(&b);
}
END_TEST

START_TEST(arena_alignment_and_zero)
{
	arena_t a = ARENA_INIT;
	for (int i = 0; i < 10000; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)(i % 97) + 1);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		ck_assert_int_eq(p[0], 0);
		p[0] = 1;
	}
	char *big = arena_alloc(&a, 1u << 20); /* larger than a chunk */
	big[(1u << 20) - 1] = 'z';
	ck_assert_str_eq(arena_strndup(&a, "hello world", 5), "hello");
	arena_release(&a);
}
END_TEST

START_TEST(utf8_decode_valid_and_invalid)
{
	int n;
	ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC3\xA5", 2, &n), 0xE5);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(utf8_decode((const unsigned char *)"\xEF\x82\xB7", 3, &n), 0xF0B7);
	ck_assert_int_eq(utf8_decode((const unsigned char *)"\xE5", 1, &n), -1); /* Latin-1 å */
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC0\x80", 2, &n), -1); /* overlong */
	ck_assert_int_eq(utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &n), -1); /* surrogate */
	ck_assert_uint_eq(utf8_valid_prefix((const unsigned char *)"abcdefghij\xC3\xA5x\xFFz", 14), 13);
	char out[4];
	ck_assert_int_eq(utf8_encode(0x20AC, out), 3);
	ck_assert_int_eq(memcmp(out, "\xE2\x82\xAC", 3), 0);
}
END_TEST

START_TEST(sha256_known_vectors)
{
	char h[65];
	sha256_hex("", 0, h);
	ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two blocks */
	sha256_hex(m, strlen(m), h);
	ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(sha256_hardware_matches_portable)
{
	unsigned char *buf = malloc(5000);
	uint32_t x = 12345;
	for (size_t i = 0; i < 5000; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	char a[65], b[65];
	for (size_t n = 0; n <= 5000; n += (n < 200 ? 1 : 97)) {
		sha256_hex(buf, n, a);
		sha256_hex_portable(buf, n, b);
		ck_assert_str_eq(a, b);
	}
	free(buf);
}
END_TEST

START_TEST(omap_linear_and_gaps)
{
	/* source "sjuk-\nhus ok" -> derived "sjukhus ok" */
	omap_t m = OMAP_INIT;
	omap_copy(&m, 0, 4);   /* sjuk */
	omap_copy(&m, 6, 6);   /* hus ok */
	ck_assert_uint_eq(m.n, 2);
	ck_assert_uint_eq(m.dst_len, 10);
	uint32_t a, b;
	omap_span(&m, 0, 7, &a, &b); /* "sjukhus" covers the hyphen and newline */
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 9);
	omap_span(&m, 8, 10, &a, &b);
	ck_assert_uint_eq(a, 10);
	ck_assert_uint_eq(b, 12);
	omap_span(&m, 3, 3, &a, &b); /* empty */
	ck_assert_uint_eq(a, 3);
	ck_assert_uint_eq(b, 3);
	omap_span(&m, 5, 99, &a, &b); /* clamps */
	ck_assert_uint_eq(b, 12);
	omap_release(&m);
}
END_TEST

START_TEST(omap_replacement_maps_whole_range)
{
	omap_t m = OMAP_INIT;
	omap_copy(&m, 0, 2);            /* "a " */
	omap_replace(&m, 3, 2, 3);      /* U+F0B7 (3 bytes) -> "•" (3 bytes): a replacement */
	omap_copy(&m, 5, 1);
	ck_assert_uint_eq(m.n, 3);      /* not merged into a copy */
	uint32_t a, b;
	omap_span(&m, 3, 4, &a, &b);    /* a byte inside the replacement */
	ck_assert_uint_eq(a, 2);
	ck_assert_uint_eq(b, 5);
	omap_replace(&m, 1, 6, 0);      /* inserted byte */
	omap_span(&m, 6, 7, &a, &b);
	ck_assert_uint_eq(a, 6);
	ck_assert_uint_eq(b, 6);
	ck_assert_uint_eq(omap_point(&m, 2), 2);
	omap_release(&m);
}
END_TEST

START_TEST(omap_many_segments_binary_search)
{
	omap_t m = OMAP_INIT;
	for (uint32_t i = 0; i < 10000; i++)
		omap_copy(&m, i * 3, 2); /* drop every third byte */
	ck_assert_uint_eq(m.n, 10000);
	for (uint32_t d = 0; d < 20000; d += 7)
		ck_assert_uint_eq(omap_point(&m, d), (d / 2) * 3 + d % 2);
	omap_release(&m);
}
END_TEST

static char *to_json(const value_t *v)
{
	buf_t b = BUF_INIT;
	json_write_value(&b, v);
	return buf_detach(&b, NULL);
}

START_TEST(json_escapes_everything)
{
	arena_t a = ARENA_INIT;
	const char raw[] = "q\"b\\n\n t\t c\x01 del\x7f \xE2\x80\xA8 bad\xFF å";
	value_t *s = v_str(&a, raw, sizeof raw - 1);
	char *j = to_json(s);
	ck_assert_str_eq(j, "\"q\\\"b\\\\n\\n t\\t c\\u0001 del\x7f \\u2028 bad\xEF\xBF\xBD å\"");
	free(j);
	arena_release(&a);
}
END_TEST

START_TEST(json_objects_keep_order_and_hide_private)
{
	arena_t a = ARENA_INIT;
	value_t *o = v_obj(&a);
	v_set(&a, o, "b", v_int(&a, -3));
	v_set(&a, o, "a", v_bool(&a, 1));
	v_set(&a, o, "_hidden", v_bool(&a, 1));
	value_t *arr = v_arr(&a);
	for (int i = 0; i < 10; i++)
		v_push(&a, arr, v_int(&a, i));
	v_set(&a, o, "list", arr);
	v_set(&a, o, "n", v_null(&a));
	v_set(&a, o, "b", v_cstr(&a, "x")); /* replaces, keeps position */
	char *j = to_json(o);
	ck_assert_str_eq(j, "{\"b\": \"x\", \"a\": true, \"list\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], \"n\": null}");
	free(j);
	ck_assert(v_equal(v_get(o, "list"), arr));
	ck_assert(!v_equal(v_get(o, "a"), v_get(o, "b")));
	ck_assert(v_is_null(v_get(o, "missing")));
	arena_release(&a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("util");
	TCase *t = tcase_create("core");
	tcase_add_test(t, buf_grows_and_terminates);
	tcase_add_test(t, buf_printf_long);
	tcase_add_test(t, arena_alignment_and_zero);
	tcase_add_test(t, utf8_decode_valid_and_invalid);
	tcase_add_test(t, sha256_known_vectors);
	tcase_add_test(t, sha256_hardware_matches_portable);
	tcase_add_test(t, omap_linear_and_gaps);
	tcase_add_test(t, omap_replacement_maps_whole_range);
	tcase_add_test(t, omap_many_segments_binary_search);
	tcase_add_test(t, json_escapes_everything);
	tcase_add_test(t, json_objects_keep_order_and_hide_private);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
