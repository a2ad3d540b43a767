/*
 * fuzz_pipeline.c — libFuzzer target for one document through the whole
 * in-memory pipeline: read → normalize → tokenize + stem → annotate →
 * match with the project's grammars (grammars/, lexicons/) → assemble.
 *
 * The stages are called through their headers in the order driver.c's
 * process() calls them for one document (the header's furniture lines
 * matched for document metadata first, then the text; a fuzz input is far
 * below BESLUT_WINDOW_BYTES, so it is one window).  Each input is run
 * twice with the same normalizer, stemmer and matcher — as a worker runs
 * document after document — and the two outputs must be identical bytes.
 * Every output line must be one JSON object with the record envelope
 * (fuzz_common.h: fz_check_jsonl).
 * The input is the document's bytes as a file would hold them: gzip is
 * detected by its magic bytes, as for a file.
 */
#include "assemble.h"
#include "grammar.h"
#include "normalize.h"
#include "read.h"
#include "tokenize.h"
#include "fuzz_common.h"

static grammar_t *g;
static normalizer_t *nz;
static stemmer_t *st;
static matcher_t *m;
static tokens_t toks = TOKENS_INIT;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *gdir = fz_dir("BESLUT_GRAMMARS", "grammars");
	char *lexdir = fz_dir("BESLUT_LEXICONS", "lexicons");
	int ne = 0, nw = 0;
	g = grammar_load_dir(gdir, lexdir, stderr, &ne, &nw);
	if (!g) {
		fprintf(stderr, "fuzz_pipeline: the grammars in %s do not compile (%d errors)\n", gdir, ne);
		exit(2);
	}
	char *err = NULL;
	nz = normalizer_new(lexdir, &err);
	if (!nz) {
		fprintf(stderr, "fuzz_pipeline: %s\n", err ? err : "normalizer_new failed");
		exit(2);
	}
	st = stemmer_new();
	m = matcher_new(g);
	if (!st || !m) {
		fprintf(stderr, "fuzz_pipeline: no stemmer or matcher\n");
		exit(2);
	}
	free(gdir);
	free(lexdir);
	return 0;
}

/* driver.c furniture_metadata(): the first page's header lines, matched on
 * their own; only `document` records are kept, merged into the document. */
static void furniture_metadata(const input_t *in, const norm_result_t *nr, arena_t *arena,
                               recvec_t *recs)
{
	if (!nr->nfurniture)
		return;
	buf_t ft = BUF_INIT;
	for (size_t k = 0; k < nr->nfurniture; k++) {
		const norm_span_t *sp = &nr->furniture[k];
		if (sp->end > sp->start && sp->end <= in->text.len)
			buf_add(&ft, in->text.data + sp->start, sp->end - sp->start);
		buf_add(&ft, "\n\n", 2);
	}
	tokenize(ft.data, ft.len, st, &toks);
	grammar_annotate(g, &toks);
	recvec_t tmp = RECVEC_INIT;
	match_input_t mi = {ft.data, ft.len, &toks, arena, NULL, 0, NULL};
	matcher_run(m, &mi, &tmp, NULL, NULL);
	for (size_t i = 0; i < tmp.n; i++) {
		if (strcmp(tmp.v[i].type, "document") != 0)
			continue;
		record_t *r = recvec_push(recs);
		*r = tmp.v[i];
		r->start = r->end = 0;
		r->tok_start = r->tok_end = 0;
		r->merge = 1;
	}
	recvec_release(&tmp);
	buf_release(&ft);
}

/* One document, as driver.c process() runs it with DUMP_NONE. */
static void one_document(const uint8_t *data, size_t size, buf_t *out, size_t *srclen)
{
	input_t in;
	memset(&in, 0, sizeof in);
	read_memory(data, size, "fuzz.txt", &in);
	*srclen = in.src.len;
	norm_result_t nr;
	memset(&nr, 0, sizeof nr);
	arena_t arena = ARENA_INIT, warena = ARENA_INIT;
	value_t *warnings = v_arr(&arena);
	recvec_t recs = RECVEC_INIT, wrecs = RECVEC_INIT;
	size_t ntokens = 0;
	if (!in.error) {
		normalize_run(nz, in.text.data, in.text.len, 0, &nr);
		const char *text = nr.text.data ? nr.text.data : "";
		furniture_metadata(&in, &nr, &arena, &recs);
		if (nr.text.len) {
			value_t *ww = v_arr(&warena);
			tokenize_range(text, 0, nr.text.len, 1, st, &toks);
			match_input_t mi = {text, nr.text.len, &toks, &warena, in.text.data, in.text.len, &nr.map};
			grammar_annotate(g, &toks);
			matcher_run(m, &mi, &wrecs, NULL, ww);
			ntokens = toks.n;
			for (size_t i = 0; i < wrecs.n; i++)
				*recvec_push(&recs) = wrecs.v[i];
			for (size_t i = 0; i < ww->u.a.n; i++)
				v_push(&arena, warnings, ww->u.a.v[i]);
		}
	}
	doc_result_t d = {&in, in.error ? NULL : &nr, &recs, warnings, ntokens, &arena, 0u, g};
	assemble_document(&d, out);
	recvec_release(&recs);
	recvec_release(&wrecs);
	arena_release(&warena);
	arena_release(&arena);
	if (!in.error)
		norm_result_release(&nr);
	input_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf_t a = BUF_INIT, b = BUF_INIT;
	size_t srclen = 0, srclen2 = 0;
	one_document(data, size, &a, &srclen);
	one_document(data, size, &b, &srclen2);
	fz_check_jsonl(a.data ? a.data : "", a.len, "fuzz.txt", srclen);
	if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)) {
		size_t i = 0;
		while (i < a.len && i < b.len && a.data[i] == b.data[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fprintf(stderr, "first run:  ...%.*s\nsecond run: ...%.*s\n",
		        (int)(a.len - from > 400 ? 400 : a.len - from), a.data + from,
		        (int)(b.len - from > 400 ? 400 : b.len - from), b.data + from);
		fz_fail("the second run of the same input gives other bytes", "", 0);
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
