/*
 * test_normalize_keys.c — the normalizer's byte-level helpers against
 * byte-by-byte references: line_key (folded, digit runs one '#', space
 * runs one ' ') and wide_gap (a tab or four spaces in a row).
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "normalize/normalize_int.h"
#include "random_text.h"

static uint64_t line_key_ref(const unsigned char *t, const nline_t *l)
{
	uint64_t h = FNV_OFF;
	bool dig = false, sp = false;
	for (size_t i = l->s; i < l->e; i++) {
		unsigned char b = fold_byte(t, i, l->e);
		if (b >= '0' && b <= '9') {
			if (!dig)
				h = fnv_step(h, '#');
			dig = true;
			sp = false;
			continue;
		}
		dig = false;
		if (b == ' ' || b == '\t') {
			if (!sp)
				h = fnv_step(h, ' ');
			sp = true;
			continue;
		}
		sp = false;
		h = fnv_step(h, b);
	}
	return fnv_fin(h);
}

START_TEST(line_key_random_lines)
{
	static const char *const piece[] = {"a", "Q", "7", "12", " ", "  ", "\t", "\xc3\x85", "\xc3\xa5", "\xc3\x97",
	                                    "\xc3\x9f", "\xc2\x85", "\xe2\x80\x93", "Sida", "(80)", "-", "\xc3"};
	unsigned seed = 7;
	unsigned char t[200];
	for (int round = 0; round < 20000; round++) {
		size_t n = random_text((char *)t, 120, piece, sizeof piece / sizeof *piece, &seed);
		rt_next(&seed);
		nline_t l;
		memset(&l, 0, sizeof l);
		l.s = (seed >> 16) % 8;
		l.e = (uint32_t)n - (seed >> 20) % 8;
		ck_assert_uint_eq(line_key(t, &l), line_key_ref(t, &l));
	}
	/* case and digits fold, space runs collapse */
	const unsigned char *a = (const unsigned char *)"Sida 13 av  80", *b = (const unsigned char *)"SIDA 7 AV\t80";
	nline_t la = {0}, lb = {0};
	la.e = 14;
	lb.e = 12;
	ck_assert_uint_eq(line_key(a, &la), line_key(b, &lb));
}
END_TEST

static bool wide_gap_ref(const unsigned char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t')
			return true;
		run = s[i] == ' ' ? run + 1 : 0;
		if (run >= 4)
			return true;
	}
	return false;
}

START_TEST(wide_gap_every_short_string)
{
	unsigned char b[64];
	for (size_t n = 0; n <= 12; n++)
		for (uint32_t bits = 0; bits < (1u << n); bits++)
			for (size_t tab = 0; tab <= n; tab++) {
				for (size_t i = 0; i < n; i++)
					b[i] = (bits >> i & 1) ? ' ' : 'a';
				if (tab < n)
					b[tab] = '\t';
				ck_assert_int_eq(wide_gap(b, n), wide_gap_ref(b, n));
			}
	memset(b, 'x', sizeof b);
	memcpy(b + 57, "    ", 4);
	ck_assert(wide_gap(b, 61) && !wide_gap(b, 60));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("normalize_keys");
	TCase *t = tcase_create("keys");
	tcase_add_test(t, line_key_random_lines);
	tcase_add_test(t, wide_gap_every_short_string);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
