/*
 * test_read.c — the read stage: gzip by magic, BOM, CRLF, Windows-1252
 * fallback, NUL bytes, and the inputs that must fail with a message.
 */
#include <check.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "read/read.h"
#include "read/omap.h"

static buf_t gz(const char *s, size_t n)
{
	buf_t out = BUF_INIT;
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	buf_grow(&out, n + 64);
	z.next_in = (unsigned char *)s;
	z.avail_in = (unsigned)n;
	z.next_out = (unsigned char *)out.data;
	z.avail_out = (unsigned)out.cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

static int has_warning(const input_t *in, const char *needle)
{
	for (size_t i = 0; i < in->nwarnings; i++)
		if (strstr(in->warnings[i], needle))
			return 1;
	return 0;
}

START_TEST(plain_utf8_is_identity)
{
	input_t in = {0};
	const char *s = "§ 160\nVal av protokolljusterare\n";
	ck_assert_int_eq(read_memory(s, strlen(s), "x.txt", &in), 0);
	ck_assert_str_eq(in.text.data, s);
	ck_assert_uint_eq(in.src.len, strlen(s));
	ck_assert_uint_eq(omap_point(&in.map, 5), 5);
	ck_assert_uint_eq(in.nwarnings, 0);
	ck_assert_int_eq(in.gzip, 0);
	input_release(&in);
}
END_TEST

START_TEST(bom_and_crlf)
{
	input_t in = {0};
	const char s[] = "\xEF\xBB\xBFrad ett\r\nrad tv\xC3\xA5\rslut";
	ck_assert_int_eq(read_memory(s, sizeof s - 1, "x.txt", &in), 0);
	ck_assert_str_eq(in.text.data, "rad ett\nrad två\nslut");
	ck_assert_uint_eq(omap_point(&in.map, 0), 3);   /* after the BOM */
	ck_assert_uint_eq(omap_point(&in.map, 8), 12);  /* "rad två" after CRLF */
	uint32_t a, b;
	omap_span(&in.map, 0, 7, &a, &b);
	ck_assert_uint_eq(a, 3);
	ck_assert_uint_eq(b, 10);
	input_release(&in);
}
END_TEST

START_TEST(latin1_decoded_as_cp1252)
{
	input_t in = {0};
	const char s[] = "Regionstyrelsen beslutar att ge v\xE5rdf\xF6rbundet \x96 \x80 5 mkr";
	ck_assert_int_eq(read_memory(s, sizeof s - 1, "x.txt", &in), 0);
	ck_assert_str_eq(in.text.data, "Regionstyrelsen beslutar att ge vårdförbundet – € 5 mkr");
	ck_assert(has_warning(&in, "Windows-1252"));
	/* "å" (2 bytes) maps to the one source byte 0xE5 at 33 */
	uint32_t a, b;
	omap_span(&in.map, 33, 35, &a, &b);
	ck_assert_uint_eq(a, 33);
	ck_assert_uint_eq(b, 34);
	input_release(&in);
}
END_TEST

START_TEST(nul_bytes_dropped_with_warning)
{
	input_t in = {0};
	const char s[] = "ja\0nej\0\0avst\xC3\xA5r, Omröstningen utfaller med 43 ja mot 38 nej.";
	ck_assert_int_eq(read_memory(s, sizeof s - 1, "x.txt", &in), 0);
	ck_assert_str_eq(in.text.data, "janejavstår, Omröstningen utfaller med 43 ja mot 38 nej.");
	ck_assert(has_warning(&in, "3 NUL bytes"));
	ck_assert_uint_eq(omap_point(&in.map, 2), 3);
	input_release(&in);
}
END_TEST

START_TEST(gzip_by_magic)
{
	const char *s = "Omröstning begärs och verkställs.\n";
	buf_t z = gz(s, strlen(s));
	input_t in = {0};
	ck_assert_int_eq(read_memory(z.data, z.len, "x.txt", &in), 0);
	ck_assert_int_eq(in.gzip, 1);
	ck_assert_str_eq(in.text.data, s);
	ck_assert_uint_eq(in.src.len, strlen(s)); /* spans count decompressed bytes */
	input_release(&in);
	buf_release(&z);
}
END_TEST

START_TEST(gzip_two_members)
{
	buf_t a = gz("first ", 6), b = gz("second", 6);
	buf_add(&a, b.data, b.len);
	input_t in = {0};
	ck_assert_int_eq(read_memory(a.data, a.len, "x.txt", &in), 0);
	ck_assert_str_eq(in.text.data, "first second");
	input_release(&in);
	buf_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(truncated_gzip_fails)
{
	char big[20000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + (i * 7919) % 26);
	buf_t z = gz(big, sizeof big);
	input_t in = {0};
	ck_assert_int_eq(read_memory(z.data, z.len / 2, "t.txt.gz", &in), -1);
	ck_assert_ptr_nonnull(strstr(in.error, "truncated gzip"));
	ck_assert_ptr_nonnull(strstr(in.error, "t.txt.gz"));
	input_release(&in);
	buf_release(&z);
}
END_TEST

START_TEST(empty_and_binary_fail)
{
	input_t in = {0};
	ck_assert_int_eq(read_memory("", 0, "e.txt", &in), -1);
	ck_assert_ptr_nonnull(strstr(in.error, "empty input"));
	input_release(&in);
	unsigned char bin[4096];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 31 % 251);
	ck_assert_int_eq(read_memory(bin, sizeof bin, "b.txt", &in), -1);
	ck_assert_ptr_nonnull(strstr(in.error, "binary"));
	input_release(&in);
}
END_TEST

START_TEST(random_bytes_always_binary)
{
	/* Uniform random bytes are about 11 % C0 controls: a detector with a
	 * threshold near that flips on some draws.  Every one of 500 seeded
	 * 20 KB draws (and their 300-byte prefixes) must be refused. */
	static unsigned char bin[20000];
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int draw = 0; draw < 500; draw++) {
		for (size_t i = 0; i < sizeof bin; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			bin[i] = (unsigned char)(x >> 24);
		}
		if (bin[0] == 0x1f && bin[1] == 0x8b)
			bin[0] = 0; /* not a gzip magic by chance */
		input_t in = {0};
		ck_assert_msg(read_memory(bin, sizeof bin, "r.txt", &in) == -1, "draw %d read as text", draw);
		ck_assert_ptr_nonnull(strstr(in.error, "binary"));
		input_release(&in);
		ck_assert_msg(read_memory(bin, 300, "r.txt", &in) == -1, "prefix of draw %d read as text", draw);
		input_release(&in);
	}
}
END_TEST

START_TEST(latin1_with_nuls_is_text)
{
	/* Windows-1252 text (every å ä ö invalid UTF-8) with a NUL per line is
	 * still text. */
	buf_t b = BUF_INIT;
	for (int i = 0; i < 200; i++)
{
		buf_adds(&b, "F\xf6rvaltningen f\xf6resl\xe5r att \xe4rendet \xe5terremitteras.");
		buf_addc(&b, 0);
		buf_addc(&b, '\n');
	}
	input_t in = {0};
	ck_assert_int_eq(read_memory(b.data, b.len, "l.txt", &in), 0);
	ck_assert(has_warning(&in, "NUL"));
	ck_assert(has_warning(&in, "Windows-1252"));
	input_release(&in);
	buf_release(&b);
}
END_TEST

START_TEST(missing_path_fails)
{
	input_t in = {0};
	ck_assert_int_eq(read_input("/nonexistent/dir/x.txt", "x.txt", &in), -1);
	ck_assert_ptr_nonnull(strstr(in.error, "cannot open"));
	ck_assert_ptr_nonnull(strstr(in.error, "/nonexistent/dir/x.txt"));
	input_release(&in);
}
END_TEST

/* omap_slice: a part of a map, its sources shifted, maps every derived
 * byte as the whole map does (replacements kept whole, bytes past the map
 * clamped); omap_reset empties a map for reuse. */
START_TEST(omap_slice_maps_as_the_whole)
{
	omap_t m = OMAP_INIT, out = OMAP_INIT;
	omap_copy(&m, 0, 10);     /* derived 0..10 <- source 0..10 */
	omap_replace(&m, 2, 10, 5); /* derived 10..12 replace source 10..15 */
	omap_copy(&m, 15, 8);     /* derived 12..20 <- source 15..23 */
	omap_slice(&out, &m, 4, 24, 100);
	ck_assert_uint_eq(out.dst_len, 20);
	for (uint32_t a = 4; a < 20; a++)
		ck_assert_uint_eq(omap_point(&out, a - 4), omap_point(&m, a) + 100);
	ck_assert_uint_eq(omap_point(&out, 19), omap_point(&m, m.dst_len) + 100); /* past the map */
	uint32_t sa, sb, ta, tb;
	omap_span(&out, 10 - 4, 12 - 4, &sa, &sb);
	omap_span(&m, 10, 12, &ta, &tb);
	ck_assert_uint_eq(sa, ta + 100);
	ck_assert_uint_eq(sb, tb + 100);
	omap_reset(&out);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_uint_eq(out.dst_len, 0);
	omap_slice(&out, &m, 12, 14, 0);
	ck_assert_uint_eq(omap_point(&out, 0), 15);
	ck_assert_uint_eq(omap_point(&out, 1), 16);
	omap_release(&out);
	omap_release(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read");
	TCase *t = tcase_create("read");
	tcase_add_test(t, plain_utf8_is_identity);
	tcase_add_test(t, bom_and_crlf);
	tcase_add_test(t, latin1_decoded_as_cp1252);
	tcase_add_test(t, nul_bytes_dropped_with_warning);
	tcase_add_test(t, gzip_by_magic);
	tcase_add_test(t, gzip_two_members);
	tcase_add_test(t, truncated_gzip_fails);
	tcase_add_test(t, empty_and_binary_fail);
	tcase_add_test(t, random_bytes_always_binary);
	tcase_add_test(t, latin1_with_nuls_is_text);
	tcase_add_test(t, missing_path_fails);
	tcase_add_test(t, omap_slice_maps_as_the_whole);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
