/*
 * bench-matcher.c — throughput of the grammar matcher alone.
 *
 *     bench-matcher [GRAMMAR_DIR [LEXICON_DIR [CORPUS_DIR [MEGABYTES]]]]
 *
 * Reads every *.txt of the corpus directory, repeats the text until it is
 * about MEGABYTES (default 8) long, tokenizes and annotates it once, then
 * times matcher_run() over it:
 *
 *   1. with the project's grammars;
 *   2. with the project's grammars plus nine times as many generated rules
 *      (literal-, stem-, lexicon- and capital-led rules over the corpus's
 *      own vocabulary, so they do fire), i.e. ten times the rule count.
 *
 * It prints rules, tokens/s and ns/token for both, and the ratio of the
 * per-token costs: with the prefilter the cost per token should stay
 * nearly flat as the rule count grows.  Exit status 0 unless loading fails.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "grammar.h"
#include "tokenize.h"
#include "util.h"
#include "value.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted names of dir ending with ext. */
static size_t list_dir(const char *dir, const char *ext, char ***out)
{
	DIR *d = opendir(dir);
	size_t n = 0, cap = 0;
	*out = NULL;
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), el = strlen(ext);
		if (l > el && de->d_name[0] != '.' && strcmp(de->d_name + l - el, ext) == 0) {
			GROW(*out, cap, n + 1);
			(*out)[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(*out, n, sizeof **out, cmp_str);
	return n;
}

static void read_file(const char *path, buf_t *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, n);
	fclose(f);
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

typedef struct result {
	size_t rules, records;
	double tps, ns;
} result_t;

static result_t bench(const grammar_t *g, const char *text, size_t len, tokens_t *toks, int reps)
{
	result_t r = {grammar_rule_count(g), 0, 0, 0};
	grammar_annotate(g, toks);
	matcher_t *m = matcher_new(g);
	double best = 1e30;
	for (int i = 0; i < reps; i++) {
		arena_t a = ARENA_INIT;
		recvec_t rv = RECVEC_INIT;
		value_t *w = v_arr(&a);
		match_input_t in = {text, len, toks, &a};
		double t0 = now();
		matcher_run(m, &in, &rv, NULL, w);
		double dt = now() - t0;
		if (dt < best)
			best = dt;
		r.records = rv.n;
		recvec_release(&rv);
		arena_release(&a);
	}
	matcher_free(m);
	r.tps = (double)toks->n / best;
	r.ns = best * 1e9 / (double)toks->n;
	return r;
}

int main(int argc, char **argv)
{
	const char *gdir = argc > 1 ? argv[1] : "grammars";
	const char *ldir = argc > 2 ? argv[2] : "lexicons";
	const char *cdir = argc > 3 ? argv[3] : "corpus";
	size_t mb = argc > 4 ? (size_t)atoi(argv[4]) : 8;

	/* the text */
	buf_t one = BUF_INIT, text = BUF_INIT;
	char **names;
	size_t nf = list_dir(cdir, ".txt", &names);
	for (size_t i = 0; i < nf; i++) {
		buf_t p = BUF_INIT;
		buf_printf(&p, "%s/%s", cdir, names[i]);
		read_file(p.data, &one);
		buf_adds(&one, "\n\n");
		buf_release(&p);
		free(names[i]);
	}
	free(names);
	if (one.len == 0) {
		fprintf(stderr, "bench-matcher: no *.txt in %s\n", cdir);
		return 1;
	}
	while (text.len < mb << 20)
		buf_add(&text, one.data, one.len);
	stemmer_t *st = stemmer_new();
	tokens_t toks = TOKENS_INIT;
	double t0 = now();
	tokenize(text.data, text.len, st, &toks);
	double ttok = now() - t0;

	/* 1. project grammars */
	int ne = 0, nw = 0;
	grammar_t *g = grammar_load_dir(gdir, ldir, NULL, &ne, &nw);
	if (!g) {
		fprintf(stderr, "bench-matcher: %d errors in %s\n", ne, gdir);
		return 1;
	}
	t0 = now();
	grammar_annotate(g, &toks);
	double tann = now() - t0;
	result_t r1 = bench(g, text.data, text.len, &toks, 3);
	size_t nrules = grammar_rule_count(g);
	grammar_free(g);

	/* 2. the same plus 9x generated rules, in a temporary grammar directory */
	char tmpl[] = "/tmp/bench-matcher-XXXXXX";
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	char **gfiles;
	size_t ng = list_dir(gdir, ".bg", &gfiles);
	for (size_t i = 0; i < ng; i++) {
		buf_t src = BUF_INIT, p = BUF_INIT, q = BUF_INIT;
		buf_printf(&p, "%s/%s", gdir, gfiles[i]);
		buf_printf(&q, "%s/%s", tmpl, gfiles[i]);
		read_file(p.data, &src);
		FILE *f = fopen(q.data, "wb");
		if (f) {
			fwrite(src.data ? src.data : "", 1, src.len, f);
			fclose(f);
		}
		buf_release(&src);
		buf_release(&p);
		buf_release(&q);
	}
	/* vocabulary: lower-cased words of 4+ bytes from the text */
	const char **vocab = NULL;
	size_t nv = 0, vcap = 0;
	for (size_t i = 0; i < toks.n && nv < 5000; i += 37) {
		const token_t *k = &toks.v[i];
		if (k->kind == TK_WORD && k->lower_len >= 4) {
			GROW(vocab, vcap, nv + 1);
			vocab[nv++] = tok_lower(&toks, k);
		}
	}
	buf_t gen = BUF_INIT;
	buf_adds(&gen, "# generated by bench-matcher\n");
	size_t extra = 9 * (nrules ? nrules : 10);
	for (size_t i = 0; i < extra && nv > 0; i++) {
		const char *w1 = vocab[rnd() % nv], *w2 = vocab[rnd() % nv];
		const char *grp = (i % 3 == 0) ? "gen_a" : (i % 3 == 1) ? "gen_b" : "gen_c";
		switch (rnd() % 10) {
		case 0: case 1: case 2: case 3:
			buf_printf(&gen, "rule gen%zu group %s: x:\"%s\" ( WORD | NUM ){0,3} \"%s\" => gen { t = text(x) };\n",
			           i, grp, w1, w2);
			break;
		case 4: case 5: case 6:
			buf_printf(&gen, "rule gen%zu group %s: x:~\"%s\" . \"%s\"? ( !\".\" ){0,2} => gen { t = text(x) };\n",
			           i, grp, w1, w2);
			break;
		case 7: case 8:
			buf_printf(&gen, "rule gen%zu group %s: x:@party \"%s\" => gen { t = text(x) };\n", i, grp, w1);
			break;
		default:
			buf_printf(&gen, "rule gen%zu group %s: x:( CAP CAP ) ~\"%s\" => gen { t = text(x) };\n", i, grp, w1);
			break;
		}
	}
	buf_t gp = BUF_INIT;
	buf_printf(&gp, "%s/zz-generated.bg", tmpl);
	FILE *f = fopen(gp.data, "wb");
	if (f) {
		fwrite(gen.data, 1, gen.len, f);
		fclose(f);
	}
	g = grammar_load_dir(tmpl, ldir, stderr, &ne, &nw);
	result_t r2 = {0};
	if (g) {
		r2 = bench(g, text.data, text.len, &toks, 3);
		grammar_free(g);
	} else {
		fprintf(stderr, "bench-matcher: generated grammar failed (%d errors)\n", ne);
	}
	/* clean up the temporary directory */
	for (size_t i = 0; i < ng; i++) {
		buf_t q = BUF_INIT;
		buf_printf(&q, "%s/%s", tmpl, gfiles[i]);
		unlink(q.data);
		buf_release(&q);
		free(gfiles[i]);
	}
	free(gfiles);
	unlink(gp.data);
	rmdir(tmpl);

	printf("text: %.1f MB, %zu tokens (tokenize %.1f MB/s, annotate %.1f M tokens/s)\n",
	       (double)text.len / 1048576.0, toks.n, (double)text.len / 1048576.0 / ttok,
	       (double)toks.n / tann / 1e6);
	printf("project grammars : %5zu rules  %6.2f M tokens/s  %6.1f ns/token  %zu records\n", r1.rules,
	       r1.tps / 1e6, r1.ns, r1.records);
	if (r2.rules)
		printf("10x rules        : %5zu rules  %6.2f M tokens/s  %6.1f ns/token  %zu records\n", r2.rules,
		       r2.tps / 1e6, r2.ns, r2.records);
	if (r2.rules && r1.ns > 0)
		printf("per-token cost ratio (10x / 1x rules): %.2f\n", r2.ns / r1.ns);
	buf_release(&gen);
	buf_release(&gp);
	free(vocab);
	tokens_release(&toks);
	stemmer_free(st);
	buf_release(&one);
	buf_release(&text);
	return g || r2.rules ? 0 : 1;
}
