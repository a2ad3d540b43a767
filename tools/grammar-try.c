/*
 * grammar-try.c — run one or more grammar files over a text and print the
 * records, for trying out rules and for the README examples
 * (tests/run-readme-examples).
 *
 *     grammar-try LEXDIR TEXTFILE GRAMMAR.bg...
 *
 * The text is taken as already normalized (no normalize stage).  Output:
 * one line per record, "TYPE FIELDS-AS-JSON", in record order (a `merge`
 * record shows as "TYPE merge {…}"), then one line "warning: …" per
 * uncovered trigger sentence.  Diagnostics go to stderr; exit 3 when the
 * grammar does not compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rules/grammar.h"
#include "tokens/tokenize.h"
#include "common/value.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: grammar-try LEXDIR TEXTFILE GRAMMAR.bg...\n");
		return 2;
	}
	int ne = 0, nw = 0;
	grammar_t *g = grammar_compile((const char *const *)argv + 3, (size_t)argc - 3, argv[1], stderr, &ne, &nw);
	if (!g)
		return 3;
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		grammar_free(g);
		return 2;
	}
	buf_t text = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&text, tmp, n);
	fclose(f);
	if (!text.data)
		buf_add(&text, "", 0);
	stemmer_t *st = stemmer_new(grammar_lang(g));
	tokens_t toks = TOKENS_INIT;
	tokenize(text.data, text.len, st, &toks);
	grammar_annotate(g, &toks);
	tokens_columns(&toks, 0, text.data, text.data, text.len, NULL);
	matcher_t *m = matcher_new(g);
	arena_t a = ARENA_INIT;
	recvec_t rv = RECVEC_INIT;
	value_t *w = v_arr(&a);
	match_input_t in = {text.data, text.len, &toks, &a, NULL};
	matcher_run(m, &in, &rv, NULL, w);
	buf_t o = BUF_INIT;
	for (size_t i = 0; i < rv.n; i++) {
		buf_reset(&o);
		json_write_value(&o, rv.v[i].fields);
		printf("%s%s %s\n", rv.v[i].type, rv.v[i].merge ? " merge" : "", o.data);
	}
	for (size_t i = 0; i < w->u.a.n; i++)
		printf("warning: %s\n", w->u.a.v[i]->u.s.s);
	buf_release(&o);
	recvec_release(&rv);
	arena_release(&a);
	matcher_free(m);
	tokens_release(&toks);
	stemmer_free(st);
	buf_release(&text);
	grammar_free(g);
	return 0;
}
