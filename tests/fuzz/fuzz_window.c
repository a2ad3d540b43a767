/*
 * fuzz_window.c — libFuzzer target for a document read in windows
 * (window.h): the path a file longer than one window (256 KiB) takes in
 * the command line's driver, with a window of a few hundred bytes so that
 * a fuzz input is cut into many segments.
 *
 * The input is written to an in-memory file and read as the driver reads
 * a file (driver.c process()): read_input_head() → window_document() with
 * the session's tools (session_window_env) → the document record, then
 * the records from the temporary file; an input that is not longer than
 * the window, or that window_document() hands back (UTF-16), goes through
 * session_document() as in the driver.  The window is 256, 512 or
 * 1024 bytes by the input's length mod 3, so that the cuts move as the
 * fuzzer grows and shrinks an input.
 *
 * Checks: every output line is strict JSON with the record envelope
 * (fuzz_common.h: fz_check_jsonl), the `document` record first; the same
 * input run on a second session that has one helper thread (the views of
 * a round matched on two threads, as `-j 2` does for one large input)
 * gives identical bytes; the temporary file is closed and gone.
 */
#define _GNU_SOURCE
#include "api/beslut_int.h"
#include "fuzz_common.h"
#include "output/guard.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

static beslut_model *model;
static beslut_session *solo, *pair;
static int memfd = -1;
static char mempath[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *gdir = fz_dir("BESLUT_GRAMMARS", "grammars");
	char *lexdir = fz_dir("BESLUT_LEXICONS", "lexicons");
	beslut_model_opts mo = {.grammars = gdir, .lexicons = lexdir, .diagnostics = stderr};
	char *err = NULL;
	model = beslut_model_load(&mo, &err);
	if (model)
		solo = beslut_session_new(model, &err);
	if (solo)
		pair = beslut_session_new(model, &err);
	if (pair && session_add_helpers(pair, 1, &err) != 0)
		pair = NULL;
	memfd = memfd_create("fuzz_window", 0);
	if (!model || !solo || !pair || memfd < 0) {
		fprintf(stderr, "fuzz_window: %s\n", err ? err : memfd < 0 ? strerror(errno) : "no model");
		exit(2);
	}
	snprintf(mempath, sizeof mempath, "/proc/self/fd/%d", memfd);
	free(gdir);
	free(lexdir);
	return 0;
}

/* The input as a file of exactly its bytes. */
static void put_file(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0) != 0)
		abort();
	for (size_t at = 0; at < size;) {
		ssize_t n = pwrite(memfd, data + at, size - at, (off_t)at);
		if (n <= 0)
			abort();
		at += (size_t)n;
	}
}

/* One document as driver.c process() and deliver() run a file: out
 * receives the document record and the records after it. */
static void run_file(beslut_session *s, size_t window, buf_t *out)
{
	input_t in;
	memset(&in, 0, sizeof in);
	buf_t head = BUF_INIT;
	int fd = -1;
	int rc = read_input_head(mempath, "fuzz.txt", 0, 0, window, &in, &head, &fd);
	if (rc == 1) {
		window_env_t env;
		memset(&env, 0, sizeof env);
		session_window_env(s, &env);
		env.window = window;
		env.quiet = 1;
		FILE *spill = NULL;
		size_t at = out->len;
		int wr = window_document(&env, &in, &head, fd, out, &spill);
		free(env.helpers);
		if (wr == WINDOW_DONE) {
			schema_guard(out, at);
			if (spill) {
				char blk[4096];
				size_t n;
				while ((n = fread(blk, 1, sizeof blk, spill)) > 0)
					buf_add(out, blk, n);
				if (ferror(spill))
					fz_fail("the temporary file of records cannot be read", "", 0);
				fclose(spill);
			}
			input_release(&in);
			return;
		}
		if (spill)
			fz_fail("window_document handed the document back with a temporary file", "", 0);
	}
	buf_release(&head);
	session_document(s, &in, DUMP_NONE, 0, out, NULL);
	input_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t window = (size_t)256 << (size % 3);
	put_file(data, size);
	buf_t a = BUF_INIT, b = BUF_INIT;
	run_file(solo, window, &a);
	run_file(pair, window, &b);
	fz_check_jsonl(a.data ? a.data : "", a.len, "fuzz.txt", fz_doc_bytes(a.data ? a.data : "", a.len));
	if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)) {
		size_t i = 0;
		while (i < a.len && i < b.len && a.data[i] == b.data[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fprintf(stderr, "one thread:  ...%.*s\ntwo threads: ...%.*s\n",
		        (int)(a.len - from > 400 ? 400 : a.len - from), a.data + from,
		        (int)(b.len - from > 400 ? 400 : b.len - from), b.data + from);
		fz_fail("the run with a helper thread gives other bytes", "", 0);
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
