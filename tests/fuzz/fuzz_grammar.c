/*
 * fuzz_grammar.c — libFuzzer target for the grammar compiler
 * (grammar_compile in grammar.h).
 *
 * The input is one .bg file, compiled together with the project's record
 * schema (grammars/records.bg) and lexicons (lexicons/), with diagnostics
 * written (to /dev/null) so that their formatting runs too.  A grammar
 * that compiles is then dumped (--dump grammar) and run with a fresh
 * matcher over a short fixed protocol text (tests/golden/kf_counted_vote),
 * so that what the compiler built is also executed.  Compiling the same
 * bytes twice must agree on success and on the error and warning counts.
 */
#include "rules/grammar.h"
#include "tokens/stem.h"
#include "tokens/tokenize.h"
#include "fuzz_common.h"

#include <unistd.h>

static char *schema_file, *lexdir, *text;
static size_t textlen;
static char bg_path[64];
static FILE *devnull;

static void cleanup(void)
{
	unlink(bg_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *gdir = fz_dir("BESLUT_GRAMMARS", "grammars");
	size_t n = strlen(gdir) + sizeof "/records.bg";
	schema_file = malloc(n);
	snprintf(schema_file, n, "%s/records.bg", gdir);
	free(gdir);
	lexdir = fz_dir("BESLUT_LEXICONS", "lexicons");
	char *tdir = fz_dir("BESLUT_FUZZ_TEXT", "tests/golden/kf_counted_vote/input.txt");
	text = fz_slurp(tdir, &textlen);
	if (!text) {
		fprintf(stderr, "fuzz_grammar: cannot read %s\n", tdir);
		exit(2);
	}
	free(tdir);
	const char *tmp = getenv("TMPDIR");
	snprintf(bg_path, sizeof bg_path, "%.30s/fuzz-grammar-%ld.bg", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	atexit(cleanup);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		exit(2);
	return 0;
}

static grammar_t *compile(const uint8_t *data, size_t size, int *ne, int *nw)
{
	FILE *f = fopen(bg_path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	const char *files[] = {schema_file, bg_path};
	return grammar_compile(files, 2, lexdir, devnull, ne, nw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ne = 0, nw = 0, ne2 = 0, nw2 = 0;
	grammar_t *g = compile(data, size, &ne, &nw);
	grammar_t *g2 = compile(data, size, &ne2, &nw2);
	if (!g != !g2 || ne != ne2 || nw != nw2)
		fz_fail("two compilations of the same grammar disagree", (const char *)data, size);
	if (!g && ne == 0)
		fz_fail("compilation failed with no error counted", (const char *)data, size);
	if (g && ne != 0)
		fz_fail("compilation succeeded with errors counted", (const char *)data, size);
	if (g) {
		grammar_dump(g, devnull);
		(void)grammar_rule_count(g);
		tokens_t toks = TOKENS_INIT;
		stemmer_t *st = stemmer_new(grammar_lang(g)); /* the language the grammar declares */
		if (!st)
			fz_fail("a compiled grammar whose stemmer cannot be made", (const char *)data, size);
		tokenize(text, textlen, st, &toks);
		grammar_annotate(g, &toks);
		tokens_columns(&toks, 0, text, text, textlen, NULL);
		matcher_t *m = matcher_new(g);
		arena_t a = ARENA_INIT;
		recvec_t rv = RECVEC_INIT;
		value_t *w = v_arr(&a);
		match_input_t in = {text, textlen, &toks, &a, NULL};
		matcher_run(m, &in, &rv, NULL, w);
		for (size_t i = 0; i < rv.n; i++)
			if (!rv.v[i].type || rv.v[i].start > rv.v[i].end || rv.v[i].end > textlen)
				fz_fail("a record without type or with a span outside the text", (const char *)data, size);
		recvec_release(&rv);
		arena_release(&a);
		matcher_free(m);
		tokens_release(&toks);
		stemmer_free(st);
		grammar_free(g);
		grammar_free(g2);
	}
	return 0;
}
