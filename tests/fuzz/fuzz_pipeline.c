/*
 * fuzz_pipeline.c — libFuzzer target for one document through the whole
 * in-memory pipeline, through the public interface (include/beslut.h):
 * read → normalize → the first page's header → tokenize + stem → annotate
 * → match with the project's grammars (grammars/, lexicons/) → assemble →
 * schema guard, the same session_document() the command line runs.
 *
 * Each input is run twice on the same session — as a worker runs document
 * after document — and the two outputs must be identical bytes.  Every
 * output line must be one JSON object with the record envelope
 * (fuzz_common.h: fz_check_jsonl), and beslut_doc_next() must hand out
 * the same lines.  The input is the document's bytes as a file would hold
 * them: gzip is detected by its magic bytes, as for a file.
 */
#include "beslut.h"
#include "fuzz_common.h"

static beslut_model *model;
static beslut_session *session;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *gdir = fz_dir("BESLUT_GRAMMARS", "grammars");
	char *lexdir = fz_dir("BESLUT_LEXICONS", "lexicons");
	beslut_model_opts mo = {.grammars = gdir, .lexicons = lexdir, .diagnostics = stderr};
	char *err = NULL;
	model = beslut_model_load(&mo, &err);
	if (model)
		session = beslut_session_new(model, &err);
	if (!model || !session) {
		fprintf(stderr, "fuzz_pipeline: %s\n", err ? err : "no model");
		exit(2);
	}
	free(gdir);
	free(lexdir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	beslut_doc *a = beslut_run(session, data, size, "fuzz.txt", 0);
	beslut_doc *b = beslut_run(session, data, size, "fuzz.txt", 0);
	size_t na = 0, nb = 0;
	const char *ja = beslut_doc_jsonl(a, &na), *jb = beslut_doc_jsonl(b, &nb);
	fz_check_jsonl(ja, na, "fuzz.txt", fz_doc_bytes(ja, na));
	if (na != nb || (na && memcmp(ja, jb, na) != 0)) {
		size_t i = 0;
		while (i < na && i < nb && ja[i] == jb[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fprintf(stderr, "first run:  ...%.*s\nsecond run: ...%.*s\n",
		        (int)(na - from > 400 ? 400 : na - from), ja + from,
		        (int)(nb - from > 400 ? 400 : nb - from), jb + from);
		fz_fail("the second run of the same input gives other bytes", "", 0);
	}
	/* the iterator hands out the same lines, in order */
	size_t at = 0, n, lines = 0;
	const char *line;
	while ((line = beslut_doc_next(a, &n))) {
		if (at + n >= na + 1 || memcmp(ja + at, line, n) != 0 || ja[at + n] != '\n')
			fz_fail("beslut_doc_next differs from the JSON Lines", line, n);
		at += n + 1;
		lines++;
	}
	if (at != na || lines != beslut_doc_count(a))
		fz_fail("beslut_doc_next misses lines", "", 0);
	beslut_doc_free(a);
	beslut_doc_free(b);
	return 0;
}
