/*
 * fuzz_normalize.c — libFuzzer target for the normalizer (normalize.h).
 *
 * The bytes go through read_memory() first, so the normalizer sees what it
 * is promised (valid UTF-8, LF line ends, no NUL); inputs the reader
 * refuses are skipped.  normalize_run() is then called twice with the same
 * normalizer — once plain, once logging its edits — and must give the same
 * text both times (a memo or the edit log must not change the output).
 * Checks on the result, from the contract in normalize.h:
 *   - valid UTF-8, no NUL, no CR; never three line breaks in a row (one
 *     blank line between paragraphs); no space at the end of a line;
 *   - the offset map covers the whole output and every span maps inside
 *     the input text;
 *   - pages sorted, the first at 0; furniture spans inside the input;
 *   - every edit's source span inside the input and its strings in the log.
 */
#include "normalize/normalize.h"
#include "read/read.h"
#include "fuzz_common.h"

static normalizer_t *nz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *lexdir = fz_dir("BESLUT_LEXICONS", "lexicons");
	char *err = NULL;
	nz = normalizer_new(lexdir, &err);
	if (!nz) {
		fprintf(stderr, "fuzz_normalize: %s\n", err ? err : "normalizer_new failed");
		exit(2);
	}
	free(lexdir);
	return 0;
}

static void check_result(const norm_result_t *r, size_t inlen)
{
	const char *t = r->text.data ? r->text.data : "";
	size_t n = r->text.len;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		if (c == '\0' || c == '\r')
			fz_fail("NUL or CR in the normalized text", t, n);
		if (c == '\n' && i + 2 < n && t[i + 1] == '\n' && t[i + 2] == '\n')
			fz_fail("more than one blank line in a row", t, n);
		if (c == ' ' && i + 1 < n && t[i + 1] == '\n')
			fz_fail("space at the end of a line", t, n);
		size_t k = fz_utf8_len((const unsigned char *)t + i, (const unsigned char *)t + n);
		if (!k)
			fz_fail("normalized text is not valid UTF-8", t, n);
		i += k;
	}
	if (r->map.dst_len != n)
		fz_fail("offset map does not cover the normalized text", t, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t sa, sb;
		omap_span(&r->map, (uint32_t)i, (uint32_t)i + 1, &sa, &sb);
		if (sa > sb || sb > inlen)
			fz_fail("offset map points outside the input", t, n);
	}
	if (r->npages < 1 || !r->pages || r->pages[0].start != 0)
		fz_fail("no first page at offset 0", t, n);
	for (size_t i = 1; i < r->npages; i++)
		if (r->pages[i].start < r->pages[i - 1].start || r->pages[i].start > n)
			fz_fail("pages not sorted or past the text", t, n);
	for (size_t i = 0; i < r->nfurniture; i++)
		if (r->furniture[i].start > r->furniture[i].end || r->furniture[i].end > inlen)
			fz_fail("furniture span outside the input", t, n);
	for (size_t i = 0; i < r->nedits; i++) {
		const norm_edit_t *e = &r->edits[i];
		if (e->src_start > e->src_end || e->src_end > inlen)
			fz_fail("edit span outside the input", t, n);
		if (e->before >= r->log.len || e->after >= r->log.len)
			fz_fail("edit text outside the log", t, n);
		if (!norm_edit_kind_name(e->kind))
			fz_fail("edit of no kind", t, n);
	}
	(void)norm_page_at(r, (uint32_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in;
	memset(&in, 0, sizeof in);
	if (read_memory(data, size, "fuzz.txt", &in) != 0) {
		input_release(&in);
		return -1; /* not text: not added to the corpus */
	}
	norm_result_t a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	normalize_run(nz, in.text.data, in.text.len, 0, &a);
	normalize_run(nz, in.text.data, in.text.len, NORM_LOG_EDITS, &b);
	check_result(&a, in.text.len);
	check_result(&b, in.text.len);
	if (a.text.len != b.text.len || (a.text.len && memcmp(a.text.data, b.text.data, a.text.len)))
		fz_fail("second run (with the edit log) gives other text", in.text.data, in.text.len);
	if (a.npages != b.npages || a.nfurniture != b.nfurniture)
		fz_fail("second run gives other pages or furniture", in.text.data, in.text.len);
	norm_result_release(&a);
	norm_result_release(&b);
	input_release(&in);
	return 0;
}
