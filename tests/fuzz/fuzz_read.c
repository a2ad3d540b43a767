/*
 * fuzz_read.c — libFuzzer target for the reader (read.h): any bytes, as
 * plain text or as a gzip stream (detected by its magic bytes), through
 * read_memory().
 *
 * Checks the reader's contract: it either fails with an error message or
 * gives text that is valid UTF-8 with LF line ends and no NUL, an offset
 * map that points into the source, and the same result when run again.
 */
#include "read/read.h"
#include "fuzz_common.h"

static void check_text(const input_t *in)
{
	const char *t = in->text.data ? in->text.data : "";
	size_t n = in->text.len;
	if (n && in->text.data[n] != '\0')
		fz_fail("text not NUL-terminated", t, n);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		if (c == '\0' || c == '\r')
			fz_fail("NUL or CR in the text", t, n);
		size_t k = fz_utf8_len((const unsigned char *)t + i, (const unsigned char *)t + n);
		if (!k)
			fz_fail("text is not valid UTF-8", t, n);
		i += k;
	}
	/* every text byte maps into the source, in order */
	if (in->map.dst_len != n)
		fz_fail("offset map does not cover the text", t, n);
	uint32_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t sa, sb, s = omap_point(&in->map, (uint32_t)i);
		omap_span(&in->map, (uint32_t)i, (uint32_t)i + 1, &sa, &sb);
		if (s > in->src.len || sa > sb || sb > in->src.len)
			fz_fail("offset map points outside the source", t, n);
		if (s < prev)
			fz_fail("offset map runs backwards", t, n);
		prev = s;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	int ra = read_memory(data, size, "fuzz.txt", &a);
	int rb = read_memory(data, size, "fuzz.txt", &b);
	if (ra != rb || (ra != 0) != (a.error != NULL))
		fz_fail("result or error differs between two reads", "", 0);
	if (ra == 0) {
		check_text(&a);
		if (a.text.len != b.text.len || (a.text.len && memcmp(a.text.data, b.text.data, a.text.len)))
			fz_fail("text differs between two reads", "", 0);
		if (a.nwarnings != b.nwarnings)
			fz_fail("warnings differ between two reads", "", 0);
	} else if (!a.error[0] || strcmp(a.error, b.error) != 0) {
		fz_fail("empty error, or error differs between two reads", a.error, strlen(a.error));
	}
	input_release(&a);
	input_release(&b);
	return 0;
}
