/*
 * test_grammar.c — the grammar engine: lexer and parser diagnostics, name
 * resolution, the matcher (literals, stems, lexicon classes, regexes,
 * predicates, repetition, assertions, captures, conflicts, budget) and the
 * actions (text, int, date, value, lower, actor(s), list, each, exists,
 * count, if, option_index, merge), triggers and lexicon look-ups.
 *
 * Grammars are written to a temporary file and compiled with the small
 * lexicons of tests/grammar-lexicons/; texts are tokenized by the real
 * tokenizer.  run() renders the records as "TYPE {json}" lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/grammar.h"
#include "rules/grammar_int.h"
#include "tokens/tokenize.h"
#include "common/value.h"

#define LEXDIR "tests/grammar-lexicons"

static char diagbuf[8192];

/* Compile src; diagnostics land in diagbuf. */
static grammar_t *compile_src(const char *src, int *ne, int *nw)
{
	char path[] = "/tmp/test_grammar_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs(src, f);
	fclose(f);
	FILE *d = fmemopen(diagbuf, sizeof diagbuf, "w");
	memset(diagbuf, 0, sizeof diagbuf);
	const char *files[] = {"tests/unit/records.bg", path};
	grammar_t *g = grammar_compile(files, 2, LEXDIR, d, ne, nw);
	fclose(d);
	unlink(path);
	return g;
}

static grammar_t *must_compile(const char *src)
{
	int ne = 0, nw = 0;
	grammar_t *g = compile_src(src, &ne, &nw);
	if (!g)
		ck_abort_msg("grammar failed to compile:\n%s", diagbuf);
	return g;
}

static char out[16384];

/* Run g over text; out = one line per record plus warnings. */
static const char *run_g(grammar_t *g, const char *text, recvec_t *keep)
{
	stemmer_t *st = stemmer_new(grammar_lang(g));
	tokens_t toks = TOKENS_INIT;
	tokenize(text, strlen(text), st, &toks);
	grammar_annotate(g, &toks);
	tokens_columns(&toks, 0, text, text, strlen(text), NULL);
	matcher_t *m = matcher_new(g);
	arena_t a = ARENA_INIT;
	recvec_t rv = RECVEC_INIT;
	value_t *w = v_arr(&a);
	match_input_t in = {text, strlen(text), &toks, &a, NULL};
	matcher_run(m, &in, &rv, NULL, w);
	buf_t o = BUF_INIT;
	for (size_t i = 0; i < rv.n; i++) {
		buf_printf(&o, "%s%s ", rv.v[i].type, rv.v[i].merge ? " merge" : "");
		json_write_value(&o, rv.v[i].fields);
		buf_addc(&o, '\n');
		if (keep) {
			record_t *r = recvec_push(keep);
			*r = rv.v[i];
			r->fields = NULL;
		}
	}
	for (size_t i = 0; i < w->u.a.n; i++)
		buf_printf(&o, "warning: %s\n", w->u.a.v[i]->u.s.s);
	snprintf(out, sizeof out, "%s", o.data ? o.data : "");
	buf_release(&o);
	recvec_release(&rv);
	arena_release(&a);
	matcher_free(m);
	tokens_release(&toks);
	stemmer_free(st);
	return out;
}

static const char *run(const char *src, const char *text)
{
	grammar_t *g = must_compile(src);
	run_g(g, text, NULL);
	grammar_free(g);
	return out;
}

/* ------------------------------------------------------------ diagnostics */

START_TEST(diag_format_and_recovery)
{
	int ne = 0, nw = 0;
	grammar_t *g = compile_src("rule a: \"x\" => ;\nrule b: \"y\" => t { };\nrule c \"z\" => t { };\n", &ne, &nw);
	ck_assert_ptr_null(g);
	ck_assert_int_eq(ne, 2);
	ck_assert_ptr_nonnull(strstr(diagbuf, ":1:16: error: expected a record type, found ';'\n"
	                                      "rule a: \"x\" => ;\n               ^\n"));
	ck_assert_ptr_nonnull(strstr(diagbuf, ":3:8: error: expected ':'"));
}
END_TEST

START_TEST(diag_lexer)
{
	int ne = 0, nw = 0;
	ck_assert_ptr_null(compile_src("rule a: \"x => t { };\nrule b: \"y\" => t { };\n", &ne, &nw));
	ck_assert_int_eq(ne, 1);
	ck_assert_ptr_nonnull(strstr(diagbuf, "unterminated string"));
	ck_assert_ptr_null(compile_src("rule a: /x(/ => t { };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "bad regex: missing closing parenthesis"));
	ck_assert_ptr_null(compile_src("rule a: \"x\"{5,2} => t { };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "bad quantifier bounds"));
}
END_TEST

START_TEST(diag_resolver)
{
	int ne = 0, nw = 0;
	ck_assert_ptr_null(compile_src("rule a: <nope> => t { };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "unknown pattern '<nope>'"));
	ck_assert_ptr_null(compile_src("pattern p = \"a\" <q>;\npattern q = <p>;\nrule a: <p> => t { };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "recursive pattern"));
	ck_assert_ptr_null(compile_src("rule a: x:\"a\" => t { v = text(y) };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "unknown capture 'y' (the pattern captures: x)"));
	ck_assert_ptr_null(compile_src("rule a: @nope => t { };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "unknown lexicon class '@nope'"));
	ck_assert_ptr_null(compile_src("rule a: x:\"a\" => t { v = shout(x) };\n", &ne, &nw));
	ck_assert_ptr_nonnull(strstr(diagbuf, "unknown function 'shout'"));
	grammar_t *g = compile_src("pattern unused = \"a\";\nrule e: ^line => t { };\nrule ok: \"b\" => t { };\n", &ne, &nw);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(nw, 2);
	ck_assert_ptr_nonnull(strstr(diagbuf, "pattern 'unused' is never used"));
	ck_assert_ptr_nonnull(strstr(diagbuf, "can only match an empty span"));
	grammar_free(g);
}
END_TEST

/* ---------------------------------------------------------------- matcher */

START_TEST(match_literals_stems_classes)
{
	ck_assert_str_eq(run("rule r: \"till\" \"förmån\" \"för\" x:WORD => t { v = text(x) };",
	                     "Yrkande till förmån för Anna."), "t {\"v\": \"Anna\"}\n");
	ck_assert_str_eq(run("rule r: x:~reserverar ~sig => t { v = text(x) };",
	                     "De reserverade sig. Hon reserverar sig."),
	                 "t {\"v\": \"reserverade\"}\nt {\"v\": \"reserverar\"}\n");
	/* multi-token lexicon entry, case-insensitive, longest entry */
	ck_assert_str_eq(run("lexicon role = \"role.tsv\"; rule r: x:@role => t { v = value(x), s = text(x) };",
	                     "Vice Ordföranden talar."),
	                 "t {\"v\": \"vice ordförande\", \"s\": \"Vice Ordföranden\"}\n");
	/* "(s)" is three tokens in text and in the lexicon */
	ck_assert_str_eq(run("lexicon party = \"party.tsv\"; rule r: CAP x:@party => t { v = value(x) };",
	                     "Ek (s) yrkar."), "t {\"v\": \"S\"}\n");
}
END_TEST

START_TEST(match_predicates_regex_kinds)
{
	ck_assert_str_eq(run("rule r: x:( /\\d{4}/ ) => t { v = int(x) };", "År 2020 och 12345."),
	                 "t {\"v\": 2020}\n");
	ck_assert_str_eq(run("rule r: x:( /ANNA/i & CAP ) => t { v = text(x) };", "anna Anna"),
	                 "t {\"v\": \"Anna\"}\n");
	ck_assert_str_eq(run("rule r: \"a\" x:( !( \"b\" | \"c\" ) )+ \"z\" => t { v = text(x) };",
	                     "a b z a d e z"), "t {\"v\": \"d e\"}\n");
	ck_assert_str_eq(run("rule r: x:( SECT NUM ) => t { v = text(x) };", "Se § 12 nedan"),
	                 "t {\"v\": \"§ 12\"}\n");
	ck_assert_str_eq(run("rule r: x:UPPER => t { v = text(x) };", "Ett KS beslut"), "t {\"v\": \"KS\"}\n");
	/* LSTART / PSTART: a token that starts a line / a paragraph */
	ck_assert_str_eq(run("rule r: \"Beslut\" x:( ( !LSTART )+ ) => t { v = text(x) };", "Beslut om taxa\nnästa rad"),
	                 "t {\"v\": \"om taxa\"}\n");
	ck_assert_str_eq(run("rule r: x:( PSTART ( !PSTART )* ) => t { v = text(x) };", "ett två\ntre\n\nfyra"),
	                 "t {\"v\": \"ett två tre\"}\nt {\"v\": \"fyra\"}\n");
}
END_TEST

START_TEST(match_repetition_greedy_lazy)
{
	ck_assert_str_eq(run("rule r: \"a\" x:( . )* \"z\" => t { v = text(x) };", "a b z c z"),
	                 "t {\"v\": \"b z c\"}\n");
	ck_assert_str_eq(run("rule r: \"a\" x:( . )*? \"z\" => t { v = text(x) };", "a b z c z"),
	                 "t {\"v\": \"b\"}\n");
	ck_assert_str_eq(run("rule r: x:( \"b\"{2,3} ) => t { v = text(x) };", "b b b b"),
	                 "t {\"v\": \"b b b\"}\n");
	ck_assert_str_eq(run("rule r: x:( \"b\"{2,3}? ) => t { v = text(x) };", "b b b b"),
	                 "t {\"v\": \"b b\"}\nt {\"v\": \"b b\"}\n");
	/* a loop whose body can match nothing terminates */
	ck_assert_str_eq(run("rule r: \"a\" x:( \"b\"? )* \"c\" => t { v = text(x) };", "a b b c"),
	                 "t {\"v\": \"b b\"}\n");
}
END_TEST

START_TEST(match_assertions)
{
	ck_assert_str_eq(run("rule r: ^line x:WORD => t { v = text(x) };", "Ett två\nTre fyra"),
	                 "t {\"v\": \"Ett\"}\nt {\"v\": \"Tre\"}\n");
	ck_assert_str_eq(run("rule r: x:WORD $para => t { v = text(x) };", "Ett två\n\nTre fyra"),
	                 "t {\"v\": \"två\"}\nt {\"v\": \"fyra\"}\n");
}
END_TEST

START_TEST(match_conflicts)
{
	const char *g = "rule a priority 1 group g: \"x\" => t { r = \"a\" };\n"
	                "rule b priority 2 group g: \"x\" => t { r = \"b\" };\n"
	                "rule c group g: \"x\" \"y\" => t { r = \"c\" };\n"
	                "rule d priority 2 group g: \"x\" => t { r = \"d\" };\n"
	                "rule e group h: \"y\" => u { };\n";
	ck_assert_str_eq(run(g, "x y x"), "t {\"r\": \"c\"}\nu {}\nt {\"r\": \"b\"}\n");
	/* non-overlapping within a group */
	ck_assert_str_eq(run("rule r: x:( \"a\" \"a\" ) => t { v = text(x) };", "a a a a a"),
	                 "t {\"v\": \"a a\"}\nt {\"v\": \"a a\"}\n");
}
END_TEST

START_TEST(match_budget_pathological)
{
	/* exponential without memoization and budget */
	char text[4096] = "";
	for (int i = 0; i < 400; i++)
		strcat(text, "a ");
	ck_assert_str_eq(run("rule r: ( ( \"a\" | \"a\" \"a\" )* )* \"b\" => t { };", text), "");
	ck_assert_str_eq(run("rule r: ( . )* ( . )* ( . )* \"b\" => t { };", text), "");
}
END_TEST


/* ------------------------------------------------- required-token filters */

/* The paths of rule r (primary filters; each may have conjuncts). */
static uint32_t rule_paths(const grammar_t *g, const rule_t *r)
{
	uint32_t np = 0;
	for (uint32_t q = 0; q < r->nfilt; q++)
		np += !g->rfcj[r->filt + q];
	return np;
}

/* The primary filter of rule `name` (of its only path), or NULL. */
static const filter_t *rule_filter(const grammar_t *g, const char *name)
{
	for (uint32_t i = 0; i < g->nrules; i++)
		if (strcmp(g->rules[i].name, name) == 0)
			return rule_paths(g, &g->rules[i]) == 1 ? &g->filters[g->rfilt[g->rules[i].filt]] : NULL;
	return NULL;
}

static int tokset_has_word(const grammar_t *g, uint32_t ts, const char *w)
{
	const tokset_t *t = &g->toksets[ts];
	uint32_t sym = sym_find(g, w, strlen(w));
	for (uint32_t q = 0; sym && q < t->nsym; q++)
		if (g->tsv[t->sym + q] == sym)
			return 1;
	return 0;
}

START_TEST(filter_structure)
{
	grammar_t *g = must_compile(
		"pattern name = CAP ( CAP ){0,2};\n"
		"pattern names = <name> ( ( \",\" | \"och\" ) <name> ){0,3};\n"
		"rule r: by:<names> ( \",\" )? \"yrkar\" t:( !\".\" )+ => t { by = text(by), t = text(t) };\n"
		"rule s: \"x\" ( . )* \"y\" => t { };\n"
		"rule u: ( \"A\" \"b\" | \"C\" \"d\" ) \"e\" => t { };\n"
		"rule v: \"yrkar\" WORD => t { };\n"
		"rule w: ( CAP \"b\" | CAP CAP \"d\" ) ( . )* \"e\" => t { };\n");
	/* r: the verb after at most 4 names of 3 words, 3 separators and a comma */
	const filter_t *f = rule_filter(g, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->reach, 4 * 3 + 3 + 1);
	ck_assert(tokset_has_word(g, f->need, "yrkar"));
	ck_assert(tokset_has_word(g, f->pre, "och"));
	/* s: unbounded prefix */
	f = rule_filter(g, "s");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->reach, REACH_INF);
	ck_assert(tokset_has_word(g, f->need, "y"));
	/* u: "e" after two tokens of the alternation */
	f = rule_filter(g, "u");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->reach, 2);
	ck_assert(tokset_has_word(g, f->need, "e"));
	/* w: "e" only after anything at all; one filter per alternative is better */
	for (uint32_t i = 0; i < g->nrules; i++)
		if (strcmp(g->rules[i].name, "w") == 0)
			ck_assert_uint_eq(rule_paths(g, &g->rules[i]), 2);
	/* v: the first token is the prefilter's business; WORD is not selective */
	ck_assert_ptr_null(rule_filter(g, "v"));
	grammar_free(g);
}
END_TEST

/* Conditions of the whole rule as conjuncts: a word each alternative has,
 * wherever it stands in it, and a later word of the sequence. */
START_TEST(filter_conjuncts)
{
	grammar_t *g = must_compile(
		"pattern name = CAP ( CAP ){0,2};\n"
		"rule r: <name> ( \"i\" \"en\" \"motion\" | \"i\" \"motion\" | \"om\" \"motionen\" ) ( . ){0,3} \"yrkar\" => t { };\n"
		"rule q: <name> \"i\" ( \"a\" | \"b\" ) => t { };\n");
	/* r: every path (one per alternative) also asks for "motion" or
	 * "motionen" within 5 tokens, the last word of each alternative */
	const rule_t *r = NULL;
	for (uint32_t i = 0; i < g->nrules; i++)
		if (strcmp(g->rules[i].name, "r") == 0)
			r = &g->rules[i];
	ck_assert_ptr_nonnull(r);
	uint32_t paths = rule_paths(g, r), seen_motion = 0;
	ck_assert_uint_ge(paths, 1);
	for (uint32_t k = 0; k < r->nfilt; k++) {
		const filter_t *x = &g->filters[g->rfilt[r->filt + k]];
		if (g->rfcj[r->filt + k] && tokset_has_word(g, x->need, "motion") &&
		    tokset_has_word(g, x->need, "motionen") && !tokset_has_word(g, x->need, "en")) {
			ck_assert(g->toksets[x->pre].any);
			ck_assert_uint_eq(x->reach, 5);
			seen_motion++;
		}
	}
	ck_assert_uint_eq(seen_motion, paths);
	/* q: "a" or "b" right after "i" (reach 4) */
	const filter_t *f = rule_filter(g, "q");
	ck_assert_ptr_nonnull(f);
	ck_assert(tokset_has_word(g, f->need, "a") && tokset_has_word(g, f->need, "b"));
	grammar_free(g);
	/* the records are those of the rule without conditions */
	const char *gr = "pattern name = CAP ( CAP ){0,2};\n"
	                 "rule r: n:<name> ( \"i\" \"en\" \"motion\" | \"i\" \"motion\" ) ( . ){0,3} \"yrkar\" => t { n = text(n) };\n";
	ck_assert_str_eq(run(gr, "Anna Ek i en motion har yrkar. Per i motion yrkar. Eva i en motion och och och och yrkar."),
	                 "t {\"n\": \"Anna Ek\"}\nt {\"n\": \"Per\"}\n");
}
END_TEST

START_TEST(filter_far_and_absent)
{
	/* the required word 300 tokens away (unbounded prefix) still matches */
	char text[8192] = "x";
	for (int i = 0; i < 300; i++)
		strcat(text, " a");
	strcat(text, " y.");
	ck_assert_str_eq(run("rule s: \"x\" n:( \"a\" )* \"y\" => t { n = count(n) };", text), "t {\"n\": 1}\n");
	ck_assert_str_eq(run("rule s: \"x\" n:( . )*? \"y\" => t { n = text(n) };", "x b c\n\nd y"),
	                 "t {\"n\": \"b c d\"}\n");
	/* absent, or out of reach, or behind a token the prefix cannot take */
	ck_assert_str_eq(run("rule s: \"x\" ( \"a\" )* \"y\" => t { };", "x a a a z"), "");
	ck_assert_str_eq(run("rule s: \"x\" ( \"a\" ){0,2} \"y\" => t { };", "x a a a y"), "");
	ck_assert_str_eq(run("rule s: \"x\" ( \"a\" ){0,5} \"y\" => t { };", "x a b a y"), "");
	ck_assert_str_eq(run("rule s: \"x\" ( \"a\" ){0,5} \"y\" => t { };", "x a a a y"), "t {}\n");
	/* a list of names before the verb, at every start */
	const char *g = "pattern name = CAP ( CAP ){0,2};\n"
	                "pattern names = <name> ( ( \",\" | \"och\" ) <name> ){0,3};\n"
	                "rule r: by:<names> ( \",\" )? \"yrkar\" t:( !\".\" )+ => t { by = text(by), t = text(t) };\n";
	ck_assert_str_eq(run(g, "Anna Ek, Per Berg och Eva yrkar bifall. Anna Ek tycker. Per Ek, yrkar avslag."),
	                 "t {\"by\": \"Anna Ek, Per Berg och Eva\", \"t\": \"bifall\"}\n"
	                 "t {\"by\": \"Per Ek\", \"t\": \"avslag\"}\n");
}
END_TEST

/* Matching with and without filters gives the same records: the reference
 * hides each required word behind a double negation (not selective, so no
 * filter is built). */
START_TEST(filter_equivalence)
{
	static const char *const pairs[][2] = {
		{"rule r: a:( CAP )+ \"yrkar\" t:( !\".\" )* => t { a = text(a), t = text(t) };",
		 "rule r: a:( CAP )+ !!\"yrkar\" t:( !\".\" )* => t { a = text(a), t = text(t) };"},
		{"rule r: ( \"A\" | \"B\" \"c\" ) ( . ){0,3}? x:\"d\" => t { x = text(x) };",
		 "rule r: ( \"A\" | \"B\" \"c\" ) ( . ){0,3}? x:!!\"d\" => t { x = text(x) };"},
		{"rule r: ( CAP ){2} ( \"och\" CAP )? ( \"(\" x:UPPER \")\" )? \"yrkar\" => t { x = text(x) };",
		 "rule r: ( CAP ){2} ( \"och\" CAP )? ( \"(\" x:UPPER \")\" )? !!\"yrkar\" => t { x = text(x) };"},
	};
	const char *text = "Anna Ek yrkar bifall. A b d. B c e f d. Per Ek och Eva (S) yrkar. Ek Ö (KD) yrkar\n"
	                   "A\n\nd B c d d yrkar Anna yrkar";
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		char a[16384];
		snprintf(a, sizeof a, "%s", run(pairs[i][0], text));
		ck_assert_str_eq(a, run(pairs[i][1], text));
		ck_assert_str_ne(a, "");
	}
}
END_TEST

/* A rule whose required word occurs nowhere in the document is not even
 * offered as a candidate (match.c, "Absent required tokens"), though its
 * first token (CAP, a lexicon class) is everywhere; a rule of the same
 * shape whose required word is there still matches. */
START_TEST(filter_absent_document)
{
	const char *src =
		"lexicon party = \"party.tsv\";\n"
		"rule a: x:( CAP CAP ) \"qzxabsent\" => ta { };\n"
		"rule b: x:@party \"qzxabsent2\" => tb { };\n"
		"rule c: x:( CAP CAP ) \"yrkar\" => tc { x = text(x) };\n";
	const char *text = "Anna Ek yrkar bifall. Per Berg (s) tycker. Eva Ek yrkar avslag.";
	grammar_t *g = must_compile(src);
	stemmer_t *st = stemmer_new(grammar_lang(g));
	tokens_t toks = TOKENS_INIT;
	tokenize(text, strlen(text), st, &toks);
	grammar_annotate(g, &toks);
	tokens_columns(&toks, 0, text, text, strlen(text), NULL);
	matcher_t *m = matcher_new(g);
	arena_t a = ARENA_INIT;
	recvec_t rv = RECVEC_INIT;
	match_input_t in = {text, strlen(text), &toks, &a, NULL};
	matcher_run(m, &in, &rv, NULL, NULL);
	uint32_t seen = 0;
	for (uint32_t r = 0; r < g->nrules; r++) {
		const char *nm = g->rules[r].name;
		if (strcmp(nm, "a") == 0 || strcmp(nm, "b") == 0) {
			ck_assert_uint_ne(g->rules[r].nfilt, 0);
			ck_assert_int_eq(matcher_rule_offered(m, r), 0);
			seen++;
		} else if (strcmp(nm, "c") == 0) {
			ck_assert_int_eq(matcher_rule_offered(m, r), 1);
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 3);
	ck_assert_uint_eq(rv.n, 2);
	ck_assert_str_eq(rv.v[0].type, "tc");
	recvec_release(&rv);
	arena_release(&a);
	matcher_free(m);
	tokens_release(&toks);
	stemmer_free(st);
	/* the same rules, the required word present: a and b match */
	ck_assert_str_eq(run(src, "Anna Ek qzxabsent. Per Ek yrkar."), "ta {}\ntc {\"x\": \"Per Ek\"}\n");
	grammar_free(g);
}
END_TEST

START_TEST(regex_cache_by_text)
{
	/* the same regex over the same and over differently cased text */
	ck_assert_str_eq(run("rule r: x:/Ab+/ => t { v = text(x) };", "Abb abb Abb ABB Abb"),
	                 "t {\"v\": \"Abb\"}\nt {\"v\": \"Abb\"}\nt {\"v\": \"Abb\"}\n");
	ck_assert_str_eq(run("rule r: x:( /ab+/i & !/Ab+/ ) => t { v = text(x) };", "Abb abb Abb ABB"),
	                 "t {\"v\": \"abb\"}\nt {\"v\": \"ABB\"}\n");
	/* the quick no before a regex runs on a new text (first bytes): a
	 * class PCRE2 keeps as a caseless letter, an inline (?i) with the
	 * letters that fold beyond ASCII (long s), a minimum length */
	ck_assert_str_eq(run("rule r: x:/[Pp]ar/ => t { v = text(x) };", "par Par PAR xpar"),
	                 "t {\"v\": \"par\"}\nt {\"v\": \"Par\"}\n");
	ck_assert_str_eq(run("rule r: x:/(?i)sk/ => t { v = text(x) };", "SK sk \xc5\xbfk tk"),
	                 "t {\"v\": \"SK\"}\nt {\"v\": \"sk\"}\nt {\"v\": \"\xc5\xbfk\"}\n");
	ck_assert_str_eq(run("rule r: x:/\\p{L}{3,}s/ => t { v = text(x) };", "as abs abcs \xc3\xa5\xc3\xa4\xc3\xb6s"),
	                 "t {\"v\": \"abcs\"}\nt {\"v\": \"\xc3\xa5\xc3\xa4\xc3\xb6s\"}\n");
	/* the bytes a match can begin and end with, from the source: a
	 * suffix alternation, an optional group, a caseless k that folds
	 * beyond ASCII (Kelvin sign), \d beyond ASCII, \p{Lu} and a class
	 * with escapes and a character beyond ASCII */
	ck_assert_str_eq(run("rule r: x:/\\p{L}+(nämnd|nämnden)/ => t { v = text(x) };",
	                     "Kulturnämnd Kulturnämnden Kulturnämnds"),
	                 "t {\"v\": \"Kulturnämnd\"}\nt {\"v\": \"Kulturnämnden\"}\n");
	ck_assert_str_eq(run("rule r: x:/bifall(a|s)?/i => t { v = text(x) };", "bifall BIFALLA bifallet"),
	                 "t {\"v\": \"bifall\"}\nt {\"v\": \"BIFALLA\"}\n");
	ck_assert_str_eq(run("rule r: x:/ok/i => t { v = text(x) };", "OK ok o\xe2\x84\xaa oj"),
	                 "t {\"v\": \"OK\"}\nt {\"v\": \"ok\"}\nt {\"v\": \"o\xe2\x84\xaa\"}\n");
	ck_assert_str_eq(run("rule r: x:/\\d+/ => t { v = text(x) };", "12 x3 \xd9\xa3\xd9\xa4"),
	                 "t {\"v\": \"12\"}\nt {\"v\": \"\xd9\xa3\xd9\xa4\"}\n");
	ck_assert_str_eq(run("rule r: x:/\\p{Lu}[\\p{L}'’-]*[sxz]/ => t { v = text(x) };", "Anders Bo lutz Lutz Ax"),
	                 "t {\"v\": \"Anders\"}\nt {\"v\": \"Lutz\"}\nt {\"v\": \"Ax\"}\n");
	/* kind and flag requirements of predicates */
	ck_assert_str_eq(run("rule r: x:( CAP & WORD & !\"Ett\" ) => t { v = text(x) };", "Ett 12 två Tre ÖÄ"),
	                 "t {\"v\": \"Tre\"}\nt {\"v\": \"ÖÄ\"}\n");
}
END_TEST

/* Records of g over each text in turn with one matcher (signatures kept
 * from text to text), written into dst. */
static int docs_prefixes = 1;      /* run_docs: families of shared prefixes on */
static uint64_t docs_replays;      /* run_docs: attempts answered from their recordings */
static uint64_t docs_steps;        /* run_docs: steps of all attempts (matcher_steps) … */
static size_t docs_hits;           /* … and those that ran out of them */

static void run_docs(grammar_t *g, int share, const char *const *texts, size_t ntexts, buf_t *dst)
{
	stemmer_t *st = stemmer_new(grammar_lang(g));
	matcher_t *m = matcher_new(g);
	matcher_share_signatures(m, share);
	matcher_share_prefixes(m, docs_prefixes);
	for (size_t d = 0; d < ntexts; d++) {
		const char *text = texts[d];
		tokens_t toks = TOKENS_INIT;
		tokenize(text, strlen(text), st, &toks);
		grammar_annotate(g, &toks);
		tokens_columns(&toks, 0, text, text, strlen(text), NULL);
	tokens_columns(&toks, 0, text, text, strlen(text), NULL);
		arena_t a = ARENA_INIT;
		recvec_t rv = RECVEC_INIT;
		value_t *w = v_arr(&a);
		match_input_t in = {text, strlen(text), &toks, &a, NULL};
		buf_t dump = BUF_INIT;
		matcher_run(m, &in, &rv, &dump, w);
		for (size_t i = 0; i < rv.n; i++) {
			buf_printf(dst, "%s %u %u ", rv.v[i].type, rv.v[i].tok_start, rv.v[i].tok_end);
			json_write_value(dst, rv.v[i].fields);
			buf_addc(dst, '\n');
		}
		for (size_t i = 0; i < w->u.a.n; i++)
			buf_printf(dst, "warning: %s\n", w->u.a.v[i]->u.s.s);
		buf_add(dst, dump.data ? dump.data : "", dump.len);
		buf_release(&dump);
		recvec_release(&rv);
		arena_release(&a);
		tokens_release(&toks);
	}
	docs_replays = matcher_prefix_replays(m);
	matcher_steps(m, &docs_steps, &docs_hits);
	matcher_free(m);
	stemmer_free(st);
}

/* Token signatures (match.c, "Signatures") share candidate lists, guard,
 * token set and predicate results between tokens that read alike: the
 * same records with every token on its own, over texts that repeat
 * words with other case, kind, flags and lexicon classes. */
START_TEST(signature_cache_equivalence)
{
	const char *src =
		"lexicon party = \"party.tsv\";\n"
		"lexicon role = \"role.tsv\";\n"
		"pattern name = CAP ( CAP ){0,2};\n"
		"rule a: by:<name> ( \"(\" p:@party \")\" )? \"yrkar\" t:( !\".\" )+ => y { by = text(by), t = text(t) };\n"
		"rule b: x:/Ab+/ => ab { v = text(x) };\n"
		"rule c: x:( /ab+/i & !/Ab+/ ) ( \"yrkar\" )? => ab2 { v = text(x) };\n"
		"rule d: r:@role ( . ){0,3}? \"beslut\" => rb { r = value(r) };\n"
		"rule e: x:( UPPER & WORD ) => up { v = text(x) };\n"
		"rule f: x:( NUM | SECT ) ( NUM )? => num { v = text(x) };\n"
		"trigger tr = ~yrka;\n";
	static const char *const texts[] = {
		"Anna Ek yrkar bifall. Abb abb ABB aBB Abbb. Vice ordföranden tog beslut. Ek (s) yrkar avslag.\n"
		"KS Ks ks § 12 12 § Anna yrkar. ordförande A b beslut.\n\nYrkar Ek? Ek yrkande.",
		"Abb Abb abb. Per Ek (m) yrkar bifall. KS beslut § 3. Ordföranden ordföranden beslut.\n"
		"Eva yrkade. Anna Ek yrkar\n",
		"",
		"abb ABB Abb. Yrkar Per.",
	};
	grammar_t *g = must_compile(src);
	buf_t on = BUF_INIT, off = BUF_INIT;
	run_docs(g, 1, texts, sizeof texts / sizeof *texts, &on);
	run_docs(g, 0, texts, sizeof texts / sizeof *texts, &off);
	ck_assert_ptr_nonnull(on.data);
	ck_assert_str_eq(on.data, off.data);
	ck_assert_ptr_nonnull(strstr(on.data, "\"by\": \"Anna Ek\""));
	ck_assert_ptr_nonnull(strstr(on.data, "ab 5 6 {\"v\": \"Abb\"}"));
	ck_assert_ptr_nonnull(strstr(on.data, "ab2 7 8 {\"v\": \"ABB\"}"));
	ck_assert_ptr_nonnull(strstr(on.data, "up 23 24 {\"v\": \"KS\"}"));
	buf_release(&on);
	buf_release(&off);
	grammar_free(g);
}
END_TEST

/* ---------------------------------------------------------------- actions */

/* Rules that open alike (match.c, "Shared openings") skip the attempts
 * an earlier rule's failure within the common opening rules out: the same
 * records and matches as with openings made different (a predicate of the
 * same meaning in each rule's copy of the name pattern), within a group
 * and across groups. */
START_TEST(shared_openings_equivalence)
{
	static const char *const shared =
		"pattern name = CAP ( CAP ){0,2};\n"
		"pattern names = <name> ( ( \",\" | \"och\" ) <name> ){0,3};\n"
		"rule a group g1: by:<names> \"yrkar\" \"bifall\" => a { by = text(by) };\n"
		"rule b group g1: by:<names> \"yrkar\" t:( !\".\" )+ => b { by = text(by), t = text(t) };\n"
		"rule c group g2: who:<names> \"yrkar\" \"avslag\" => c { who = text(who) };\n"
		"rule d group g2: who:<names> ( \"tycker\" | \"anser\" ) => d { who = text(who) };\n"
		"rule e group g3: who:<names> ( \",\" )? ( \"tycker\" | \"yrkar\" ) => e { who = text(who) };\n";
	static const char *const apart =
		"pattern namea = CAP ( CAP ){0,2};\n"
		"pattern nameb = ( CAP & !\"zzb\" ) ( CAP ){0,2};\n"
		"pattern namec = ( CAP & !\"zzc\" ) ( CAP ){0,2};\n"
		"pattern named = ( CAP & !\"zzd\" ) ( CAP ){0,2};\n"
		"pattern namee = ( CAP & !\"zze\" ) ( CAP ){0,2};\n"
		"pattern namesa = <namea> ( ( \",\" | \"och\" ) <namea> ){0,3};\n"
		"pattern namesb = <nameb> ( ( \",\" | \"och\" ) <nameb> ){0,3};\n"
		"pattern namesc = <namec> ( ( \",\" | \"och\" ) <namec> ){0,3};\n"
		"pattern namesd = <named> ( ( \",\" | \"och\" ) <named> ){0,3};\n"
		"pattern namese = <namee> ( ( \",\" | \"och\" ) <namee> ){0,3};\n"
		"rule a group g1: by:<namesa> \"yrkar\" \"bifall\" => a { by = text(by) };\n"
		"rule b group g1: by:<namesb> \"yrkar\" t:( !\".\" )+ => b { by = text(by), t = text(t) };\n"
		"rule c group g2: who:<namesc> \"yrkar\" \"avslag\" => c { who = text(who) };\n"
		"rule d group g2: who:<namesd> ( \"tycker\" | \"anser\" ) => d { who = text(who) };\n"
		"rule e group g3: who:<namese> ( \",\" )? ( \"tycker\" | \"yrkar\" ) => e { who = text(who) };\n";
	static const char *const texts[] = {
		"Anna Ek yrkar bifall. Per Berg och Eva yrkar avslag. Olle tycker. Eva, Per anser.\n"
		"Kalle Ek Berg Lind yrkar x y. Anna Ek Berg, Per och Eva Lind, yrkar. Ek och. Ek, tycker",
		"Per Ek. Anna yrkar bifall till Per Ek. Yrkar Anna? Eva Ek Lind Berg Ek yrkar avslag.",
	};
	grammar_t *gs = must_compile(shared), *ga = must_compile(apart);
	uint32_t nopen = 0;
	for (uint32_t r = 0; r < gs->nrules; r++)
		nopen += gs->rules[r].nopen;
	ck_assert_uint_ge(nopen, 4);
	for (uint32_t r = 0; r < ga->nrules; r++)
		ck_assert_uint_eq(ga->rules[r].nopen, 0);
	buf_t on = BUF_INIT, off = BUF_INIT;
	run_docs(gs, 1, texts, sizeof texts / sizeof *texts, &on);
	run_docs(ga, 1, texts, sizeof texts / sizeof *texts, &off);
	ck_assert_ptr_nonnull(on.data);
	ck_assert_str_eq(on.data, off.data);
	ck_assert_ptr_nonnull(strstr(on.data, "a 0 4 {\"by\": \"Anna Ek\"}"));
	ck_assert_ptr_nonnull(strstr(on.data, "d "));
	ck_assert_ptr_nonnull(strstr(on.data, "c "));
	buf_release(&on);
	buf_release(&off);
	grammar_free(gs);
	grammar_free(ga);
}
END_TEST

/* Shared prefixes (match.c): the later rules of a family run only their
 * rest, from the exits the first one recorded.  The same records as with
 * every rule run whole: captures inside the prefix under other names, a
 * prefix read in several ways (lists of names), an earlier rule of the
 * family matching (its recording ends early, a later rule needs more),
 * rules of the family in other groups. */
START_TEST(shared_prefix_replay)
{
	static const char *const src =
		"pattern name = CAP ( CAP ){0,2};\n"
		"pattern names = <name> ( ( \",\" | \"och\" ) <name> ){0,3};\n"
		"pattern head = n:<names> ( \",\" )? ( \"yrkar\" | \"föreslår\" ) ( \"därför\" )?;\n"
		"rule a group g: by:<head> \"bifall\" t:( !\".\" )+ \".\" => t { by = text(by), t = text(t) };\n"
		"rule b group g: who:<head> \"avslag\" => t { b = text(who), n = text(n) };\n"
		"rule c group g: x:<head> ( \"att\" )? t:( !\".\" ){2,}? \".\" => t { x = text(x), t = text(t) };\n"
		"rule d group h: y:<head> ( . ){0,2}? \"avslag\" => t { v = text(y) };\n"
		"rule e group h: z:<head> \"att\" ( . ){0,3}? \"avslås\" => t { z = text(z) };\n";
	static const char *const texts[] = {
		"Anna Ek yrkar bifall till förslaget. Per Berg och Eva Lind yrkar avslag.\n"
		"Kalle Ek Berg, Per och Eva Lind yrkar att det avslås. Olle föreslår därför att x y z.\n"
		"Eva Ek, Per Ek, Anna Ek yrkar därför bifall. Ek och Berg yrkar nu avslag.",
		"Anna yrkar. Per Ek föreslår att ärendet avslås. Ek Lind, yrkar avslag och bifall.",
	};
	grammar_t *g = must_compile(src);
	buf_t on = BUF_INIT, off = BUF_INIT;
	run_docs(g, 1, texts, sizeof texts / sizeof *texts, &on);
	uint64_t replays = docs_replays;
	docs_prefixes = 0;
	run_docs(g, 1, texts, sizeof texts / sizeof *texts, &off);
	docs_prefixes = 1;
	ck_assert_uint_gt(replays, 5);
	ck_assert_uint_eq(docs_replays, 0);
	ck_assert_ptr_nonnull(on.data);
	ck_assert_str_eq(on.data, off.data);
	ck_assert_ptr_nonnull(strstr(on.data, "\"by\": \"Anna Ek yrkar\", \"t\": \"till förslaget\""));
	ck_assert_ptr_nonnull(strstr(on.data, "\"b\": \"Per Berg och Eva Lind yrkar\""));
	ck_assert_ptr_nonnull(strstr(on.data, "\"x\": "));
	ck_assert_ptr_nonnull(strstr(on.data, "\"v\": "));
	ck_assert_ptr_nonnull(strstr(on.data, "\"z\": "));
	buf_release(&on);
	buf_release(&off);
	grammar_free(g);
}
END_TEST

/* The resolve settings of grammars/resolve.bg that actor(), date() and
 * option_index() read (capture names and lexicon classes are declared). */
#define RESOLVE                                                                                          \
	"lexicon party = \"party.tsv\"; lexicon role = \"role.tsv\"; lexicon month = \"month.tsv\";\n"     \
	"resolve actor { name = name, genitive = gname, party = party, role = role,\n"                     \
	"                party_lexicon = @party, role_lexicon = @role };\n"                                 \
	"resolve date { month_lexicon = @month };\n"                                                      \
	"resolve option { label = label, standing = standing };\n"                                        \
	"resolve genitive { ending = \"s\", not_after = \"sxz\" };\n"

START_TEST(actions_text_int_date_lower)
{
	ck_assert_str_eq(run("rule r: \"x\" c:( . . . ) => t { v = text(c) };", "x ett\ntvå  tre"),
	                 "t {\"v\": \"ett två tre\"}\n");
	ck_assert_str_eq(run(RESOLVE "rule r: \"den\" d:( NUM @month NUM ) => t { v = date(d) };"
	                     "rule s: d:/\\d{4}-\\d\\d-\\d\\d/ => u { v = date(d) };",
	                     "den 3 mars 2021 och 2020-10-14"),
	                 "t {\"v\": \"2021-03-03\"}\nu {\"v\": \"2020-10-14\"}\n");
	ck_assert_str_eq(run("rule r: c:( CAP CAP ) => t { v = lower(c), n = int(c) };", "Region Norrbotten"),
	                 "t {\"v\": \"region norrbotten\", \"n\": null}\n");
}
END_TEST

START_TEST(actions_actors_list_each)
{
	const char *g = RESOLVE
	                "pattern person = CAP CAP?;\n"
	                "pattern actor = a:( role:@role? name:<person> \"(\" party:( WORD ) \")\" );\n"
	                "rule r: by:( <actor> ( ( \",\" | \"och\" ) <actor> )* ) \"yrkar\"\n"
	                "  => t { by = actors(by), n = count(a), names = list(by) { n = text(name) } }\n"
	                "  => each a person { name = text(name) };";
	ck_assert_str_eq(run(g, "Ordföranden Anna Ek (s) och Bo Berg (xyz) yrkar"),
	                 "t {\"by\": [{\"name\": \"Anna Ek\", \"party\": \"S\", \"role\": \"ordförande\"}, "
	                 "{\"name\": \"Bo Berg\", \"party\": \"XYZ\", \"role\": null}], \"n\": 2, "
	                 "\"names\": [{\"n\": \"Anna Ek\"}, {\"n\": \"Bo Berg\"}]}\n"
	                 "person {\"name\": \"Anna Ek\"}\nperson {\"name\": \"Bo Berg\"}\n");
	ck_assert_str_eq(run(RESOLVE "rule r: x:( gname:( CAP CAP ) ) \"förslag\" => t { a = actor(x) };", "Anna Eks förslag"),
	                 /* the JSON writer leaves out "_" fields such as "_genitive" */
	                 "t {\"a\": {\"name\": \"Anna Eks\", \"party\": null, \"role\": null}}\n");
}
END_TEST

START_TEST(actions_exists_if_option_index_merge)
{
	const char *g = "rule r: \"bifall\" ( \"till\" w:( name:CAP ) )? {bifall} => t merge { "
	                "b = exists(bifall), w = if(w, text(w), \"ingen\"), k = 12, f = false, z = null, "
	                "o = { inner = \"x\" } };";
	ck_assert_str_eq(run(g, "bifall till Anna. bifall."),
	                 "t merge {\"b\": true, \"w\": \"Anna\", \"k\": 12, \"f\": false, \"z\": null, \"o\": {\"inner\": \"x\"}}\n"
	                 "t merge {\"b\": true, \"w\": \"ingen\", \"k\": 12, \"f\": false, \"z\": null, \"o\": {\"inner\": \"x\"}}\n");
	const char *g2 = RESOLVE "rule r: \"förslag\" opts:( o:( name:CAP ) ( \"och\" o:( name:CAP ) )* ) \",\" "
	                 "\"bifall\" \"till\" w:( gname:CAP ) => v { i = option_index(opts, w) };";
	ck_assert_str_eq(run(g2, "förslag Anna och Bo , bifall till Bos"), "v {\"i\": 1}\n");
}
END_TEST

START_TEST(actions_column)
{
	/* column(x, h): the head above the mark, by printed column; the head
	 * is found outside the row element; tabs count to the next multiple
	 * of 8 and å/ä/ö as one column each. */
	const char *g = "lexicon vote = \"vote.tsv\";\n"
	                "rule r: ^line CAP hd:( @vote @vote @vote @vote ) $line "
	                "( ^line b:( nm:CAP x:\"X\" ) $line )+ "
	                "=> t { v = list(b) { n = text(nm), v = column(x, hd) } };";
	const char *text = "Namn   Ja   Nej   Avstår   Frånvarande\n"
	                   "Åsa   X\n"
	                   "Öberg        X\n"
	                   "Ek\t\t\tX\n"
	                   "Björk                               X\n";
	ck_assert_str_eq(run(g, text),
	                 "t {\"v\": [{\"n\": \"Åsa\", \"v\": \"ja\"}, {\"n\": \"Öberg\", \"v\": \"nej\"}, "
	                 "{\"n\": \"Ek\", \"v\": \"avstår\"}, {\"n\": \"Björk\", \"v\": \"frånvarande\"}]}\n");
}
END_TEST

START_TEST(records_spans)
{
	grammar_t *g = must_compile("rule r: \"b\" \"c\" => t { };");
	recvec_t rv = RECVEC_INIT;
	run_g(g, "a  b c d", &rv);
	ck_assert_uint_eq(rv.n, 1);
	ck_assert_uint_eq(rv.v[0].tok_start, 1);
	ck_assert_uint_eq(rv.v[0].tok_end, 3);
	ck_assert_uint_eq(rv.v[0].start, 3);
	ck_assert_uint_eq(rv.v[0].end, 6);
	ck_assert_str_eq(rv.v[0].rule, "r");
	ck_assert_str_eq(rv.v[0].type, "t");
	recvec_release(&rv);
	grammar_free(g);
}
END_TEST

/* Records come out by start token, and in the order they were made where
 * two start at the same token, although a long match makes its records
 * before those of the shorter matches that start inside it. */
START_TEST(records_in_start_order)
{
	const char *g = "rule lng group g1: \"A\" \"b\" p:( name:\"c\" ) p:( name:\"d\" ) "
	                "=> each p person { name = text(name) };\n"
	                "rule mid group g2: \"b\" => u { v = \"b\" };\n"
	                "rule sam group g3: \"c\" => tc { x = \"c\" };\n"
	                "rule lst group g4: \"d\" => ab { v = \"d\" };";
	ck_assert_str_eq(run(g, "A b c d"),
	                 "u {\"v\": \"b\"}\nperson {\"name\": \"c\"}\ntc {\"x\": \"c\"}\n"
	                 "person {\"name\": \"d\"}\nab {\"v\": \"d\"}\n");
	/* many records, each block out of order: the same order at scale */
	buf_t t = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_adds(&t, "A b c d . ");
	grammar_t *gg = must_compile(g);
	recvec_t rv = RECVEC_INIT;
	run_g(gg, t.data, &rv);
	ck_assert_uint_eq(rv.n, 1500);
	for (size_t i = 0; i < rv.n; i++) {
		static const char *want[] = {"u", "person", "tc", "person", "ab"};
		ck_assert_str_eq(rv.v[i].type, want[i % 5]);
		ck_assert_uint_eq(rv.v[i].tok_start, (i / 5) * 5 + 1 + (i % 5 + 1) / 2);
	}
	recvec_release(&rv);
	grammar_free(gg);
	buf_release(&t);
}
END_TEST

START_TEST(triggers_uncovered)
{
	const char *g = "rule r: \"a\" ~reserverar => t { };\ntrigger res = ~reserverar;";
	ck_assert_str_eq(run(g, "Hon reserverar sig. Sedan a reserverar. Ingen sak."),
	                 "t {}\nwarning: uncovered res: Hon reserverar sig.\n");
}
END_TEST

START_TEST(lexicon_value_and_dump)
{
	grammar_t *g = must_compile("lexicon party = \"party.tsv\"; lexicon role = \"role.tsv\";\n"
	                            "rule r: x:@party => t { v = value(x) };");
	ck_assert_str_eq(grammar_lexicon_value(g, "party", "Socialdemokraterna"), "S");
	ck_assert_str_eq(grammar_lexicon_value(g, "party", "(m)"), "M");
	ck_assert_str_eq(grammar_lexicon_value(g, "role", "vice ordföranden"), "vice ordförande");
	ck_assert_ptr_null(grammar_lexicon_value(g, "party", "piratpartiet"));
	ck_assert_ptr_null(grammar_lexicon_value(g, "nosuch", "s"));
	ck_assert_uint_eq(grammar_rule_count(g), 1);
	char d[8192];
	FILE *f = fmemopen(d, sizeof d, "w");
	grammar_dump(g, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(d, "rule r  group t"));
	ck_assert_ptr_nonnull(strstr(d, "class  @party"));
	grammar_free(g);
}
END_TEST

/* Subroutines (match.c, "Subroutines"): a grammar whose patterns are
 * called gives the records, the steps and the budget hits of the same
 * grammar with every pattern inlined — two calls of one subroutine at the
 * same token (the memo keeps them apart), backtracking from the rule back
 * into a subroutine that returned, captures inside a subroutine under a
 * family's shared prefix, a trigger, and a rule without memo (a loop
 * register) that runs out of steps. */
/* What run_subs gives: the records, the steps and budget hits, the dump. */
typedef struct subs_run {
	buf_t out;
	uint64_t steps;
	size_t hits;
	char *dump;
} subs_run_t;

static void run_subs(const char *mode, const char *src, const char *const *texts, size_t n, subs_run_t *r)
{
	setenv("BESLUT_SUBROUTINES", mode, 1);
	grammar_t *g = must_compile(src);
	unsetenv("BESLUT_SUBROUTINES");
	size_t dlen = 0;
	*r = (subs_run_t){BUF_INIT, 0, 0, NULL};
	FILE *f = open_memstream(&r->dump, &dlen);
	grammar_dump(g, f);
	fclose(f);
	run_docs(g, 1, texts, n, &r->out);
	r->steps = docs_steps;
	r->hits = docs_hits;
	grammar_free(g);
}

static void subs_run_release(subs_run_t *r)
{
	free(r->dump);
	buf_release(&r->out);
}

START_TEST(subroutines_match_as_inlined)
{
	const char *src =
		"lexicon party = \"party.tsv\";\n"
		"pattern nm = CAP ( CAP ){0,2};\n"
		"pattern who = w:( <nm> ( \"(\" p:@party \")\" )? );\n"
		"pattern whos = <who> ( ( \",\" | \"och\" ) <who> ){0,6};\n"
		"pattern amb = ( CAP | CAP CAP ){1,4};\n"
		"rule r1: m:( <whos> \"a\" | <whos> \"b\" ) => t { v = text(m) };\n"
		"rule r2: x:<whos> y:CAP \"slut\" => t { by = text(x), t = text(y) };\n"
		"rule r3: x:<whos> \"yrkar\" t:( !\".\" )+ => y { by = text(x), t = text(t) };\n"
		"rule r4: x:<whos> \"yrkar\" \"bifall\" => b { by = text(x), t = \"bifall\" };\n"
		"rule r5: ( ( <amb> )? )* \"nej\" \"nu\" => u { v = \"nej\" };\n"
		"trigger tr = <whos> \"begär\";\n";
	static const char *const texts[] = {
		"Anna Ek (S) och Bo Berg b. Eva Lund , Per Holm (M) a.\n",
		"Anna Ek och Bo Berg Cecilia slut. Anna Ek (S) yrkar bifall. Bo Berg (M) yrkar avslag.\n",
		"Anna Ek (S) begär ordet.\n",
		"Aa Bb Cc Dd Ee Ff Gg Hh Ii Jj Kk Ll Mm Nn Oo Pp Qq Rr Ss Tt Uu Vv Ww Xx nej då nu\n",
	};
	size_t nt = sizeof texts / sizeof *texts;
	subs_run_t on, off;
	run_subs("all", src, texts, nt, &on);
	run_subs("0", src, texts, nt, &off);
	ck_assert_ptr_nonnull(strstr(on.dump, "subroutine <whos>"));
	ck_assert_ptr_nonnull(strstr(on.dump, "call   <whos>"));
	ck_assert_ptr_null(strstr(off.dump, "subroutine"));
	ck_assert_ptr_nonnull(on.out.data);
	ck_assert_str_eq(on.out.data, off.out.data);
	ck_assert_uint_eq(on.steps, off.steps);
	ck_assert_uint_eq(on.hits, off.hits);
	ck_assert_uint_gt(on.hits, 0);
	/* the second call at the same token, after the first failed there */
	ck_assert_ptr_nonnull(strstr(on.out.data, "{\"v\": \"Anna Ek (S) och Bo Berg b\"}"));
	ck_assert_ptr_nonnull(strstr(on.out.data, "{\"v\": \"Eva Lund , Per Holm (M) a\"}"));
	/* the rule takes a name back from the subroutine's match */
	ck_assert_ptr_nonnull(strstr(on.out.data, "\"by\": \"Anna Ek och Bo Berg\", \"t\": \"Cecilia\""));
	ck_assert_ptr_nonnull(strstr(on.out.data, "\"by\": \"Anna Ek (S)\", \"t\": \"bifall\""));
	ck_assert_ptr_nonnull(strstr(on.out.data, "\"by\": \"Bo Berg (M)\", \"t\": \"avslag\""));
	ck_assert_ptr_nonnull(strstr(on.out.data, "warning: uncovered tr: Anna Ek (S) begär ordet."));
	subs_run_release(&on);
	subs_run_release(&off);
}
END_TEST

/* A run of one-token alternatives in an alternation with others is one
 * set test (grammar_codegen.c): the same records as with each of them
 * tested on its own (written as predicates, of which no set is made), in
 * fewer steps — an alternative after a run that matched the same token,
 * an alternative of two tokens before a run that holds its first, a
 * nested alternation, a capture in an alternative. */
START_TEST(alternative_runs_as_sets)
{
	const char *as_set =
		"pattern w = \"Anna\" | \"Bo\" | \"Cecilia\" \"Ek\" | \"Cecilia\" | \"Dan\" | \"Bo\" \"Berg\" | ( \"Eva\" | \"Bo\" ) | x:CAP \"Ö\";\n"
		"rule r: v:<w> t:( !\".\" ){1,3} \".\" => t { v = text(v), t = text(t), x = text(x) };\n";
	const char *alone =
		"pattern w = ( \"Anna\" & WORD ) | ( \"Bo\" & WORD ) | \"Cecilia\" \"Ek\" | ( \"Cecilia\" & WORD ) | ( \"Dan\" & WORD )"
		" | \"Bo\" \"Berg\" | ( \"Eva\" | \"Bo\" ) | x:CAP \"Ö\";\n"
		"rule r: v:<w> t:( !\".\" ){1,3} \".\" => t { v = text(v), t = text(t), x = text(x) };\n";
	static const char *const texts[] = {
		"Bo Berg yrkar bifall . Cecilia Ek säger nej . Cecilia yrkar ja . Dan säger a b c d .\n",
		"Eva säger hej . Olle Ö yrkar x . Anna yrkar avslag . Bo yrkar bifall .\n",
	};
	size_t nt = sizeof texts / sizeof *texts;
	subs_run_t a, b;
	run_subs("0", as_set, texts, nt, &a);
	run_subs("0", alone, texts, nt, &b);
	ck_assert_ptr_nonnull(a.out.data);
	ck_assert_str_eq(a.out.data, b.out.data);
	ck_assert_uint_lt(a.steps, b.steps);
	ck_assert(strstr(a.dump, "set    anna bo\n") || strstr(a.dump, "set    bo anna\n"));
	ck_assert(strstr(a.dump, "set    cecilia dan\n") || strstr(a.dump, "set    dan cecilia\n"));
	ck_assert_ptr_null(strstr(b.dump, "set    anna"));
	/* the first alternative that matches wins, as in the chain */
	ck_assert_ptr_nonnull(strstr(a.out.data, "{\"v\": \"Bo\", \"t\": \"Berg yrkar bifall\", \"x\": null}"));
	ck_assert_ptr_nonnull(strstr(a.out.data, "{\"v\": \"Cecilia Ek\", \"t\": \"säger nej\", \"x\": null}"));
	ck_assert_ptr_nonnull(strstr(a.out.data, "{\"v\": \"Cecilia\", \"t\": \"yrkar ja\", \"x\": null}"));
	ck_assert_ptr_nonnull(strstr(a.out.data, "{\"v\": \"Eva\", \"t\": \"säger hej\", \"x\": null}"));
	ck_assert_ptr_nonnull(strstr(a.out.data, "{\"v\": \"Olle Ö\", \"t\": \"yrkar x\", \"x\": \"Olle\"}"));
	ck_assert_ptr_null(strstr(a.out.data, "a b c d"));
	subs_run_release(&a);
	subs_run_release(&b);
}
END_TEST

/* A run of some groups only (match_range_t.only) gives those groups'
 * records as a whole run does; merged with the other groups' records by
 * matcher_record_before they are the whole run's records in its order,
 * and matcher_triggers gives its warnings. */
static void rec_line(buf_t *b, const record_t *r)
{
	buf_printf(b, "%s %s %u %u ", r->rule, r->type, r->tok_start, r->tok_end);
	json_write_value(b, r->fields);
	buf_addc(b, '\n');
}

START_TEST(groups_matched_apart)
{
	const char *src =
		"rule a1 group ga: x:( CAP CAP ) => t { v = text(x) };\n"
		"rule a2 group ga: x:CAP \"yrkar\" => ta { };\n"
		"rule b1 group gb: x:\"Ek\" ( . ){0,3} \"bifall\" => y { by = text(x) };\n"
		"rule b2 group gb: \"Anna\" x:CAP => tb { };\n"
		"rule c1 group gc: x:\"yrkar\" . => tc { x = text(x) };\n"
		"trigger tr = \"begär\";\n";
	const char *text = "Anna Ek yrkar bifall. Bo Berg yrkar avslag. Eva begär ordet. Anna Ek Bo.\n";
	grammar_t *g = must_compile(src);
	stemmer_t *st = stemmer_new(grammar_lang(g));
	tokens_t toks = TOKENS_INIT;
	tokenize(text, strlen(text), st, &toks);
	grammar_annotate(g, &toks);
	tokens_columns(&toks, 0, text, text, strlen(text), NULL);
	matcher_t *m = matcher_new(g);
	size_t ng = matcher_groups(m);
	arena_t a = ARENA_INIT;
	match_input_t in = {text, strlen(text), &toks, &a, NULL};
	/* the whole run */
	recvec_t whole = RECVEC_INIT;
	value_t *ww = v_arr(&a);
	uint32_t *carry = xcalloc(ng, sizeof *carry);
	match_range_t rg = {0, 0, carry, NULL, NULL};
	matcher_run_range(m, &in, &rg, &whole, NULL, ww);
	ck_assert_uint_ge(whole.n, 6);
	ck_assert_uint_eq(ww->u.a.n, 1);
	/* each group alone, then merged with the others' records */
	for (size_t gi = 0; gi < ng; gi++) {
		uint8_t *only = xcalloc(ng, 1);
		only[gi] = 1;
		recvec_t part = RECVEC_INIT, kept = RECVEC_INIT, all = RECVEC_INIT;
		for (size_t i = 0; i < whole.n; i++)
			if (!only[whole.v[i].group])
				*recvec_push(&kept) = whole.v[i];
		memset(carry, 0, ng * sizeof *carry);
		match_range_t r1 = {0, 0, carry, NULL, only};
		value_t *w1 = v_arr(&a);
		matcher_run_range(m, &in, &r1, &part, NULL, w1);
		ck_assert_uint_eq(w1->u.a.n, 0); /* no triggers in a partial run */
		for (size_t i = 0; i < part.n; i++)
			ck_assert_uint_eq(part.v[i].group, gi);
		size_t p = 0, q = 0;
		while (p < kept.n || q < part.n) {
			int tq = p == kept.n || (q < part.n && matcher_record_before(&part.v[q], &kept.v[p]));
			*recvec_push(&all) = tq ? part.v[q++] : kept.v[p++];
		}
		buf_t x = BUF_INIT, y = BUF_INIT;
		for (size_t i = 0; i < whole.n; i++)
			rec_line(&x, &whole.v[i]);
		for (size_t i = 0; i < all.n; i++)
			rec_line(&y, &all.v[i]);
		ck_assert_str_eq(x.data, y.data);
		value_t *w2 = v_arr(&a);
		matcher_triggers(m, &in, &all, w2, 0, 0);
		ck_assert_uint_eq(w2->u.a.n, 1);
		ck_assert_str_eq(w2->u.a.v[0]->u.s.s, ww->u.a.v[0]->u.s.s);
		buf_release(&x);
		buf_release(&y);
		recvec_release(&part);
		recvec_release(&kept);
		recvec_release(&all);
		free(only);
	}
	free(carry);
	recvec_release(&whole);
	arena_release(&a);
	matcher_free(m);
	tokens_release(&toks);
	stemmer_free(st);
	grammar_free(g);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("grammar");
	TCase *t = tcase_create("grammar");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, diag_format_and_recovery);
	tcase_add_test(t, diag_lexer);
	tcase_add_test(t, diag_resolver);
	tcase_add_test(t, match_literals_stems_classes);
	tcase_add_test(t, match_predicates_regex_kinds);
	tcase_add_test(t, match_repetition_greedy_lazy);
	tcase_add_test(t, match_assertions);
	tcase_add_test(t, match_conflicts);
	tcase_add_test(t, match_budget_pathological);
	tcase_add_test(t, filter_structure);
	tcase_add_test(t, filter_conjuncts);
	tcase_add_test(t, filter_far_and_absent);
	tcase_add_test(t, filter_equivalence);
	tcase_add_test(t, filter_absent_document);
	tcase_add_test(t, regex_cache_by_text);
	tcase_add_test(t, signature_cache_equivalence);
	tcase_add_test(t, shared_openings_equivalence);
	tcase_add_test(t, shared_prefix_replay);
	tcase_add_test(t, actions_text_int_date_lower);
	tcase_add_test(t, actions_actors_list_each);
	tcase_add_test(t, actions_exists_if_option_index_merge);
	tcase_add_test(t, actions_column);
	tcase_add_test(t, records_spans);
	tcase_add_test(t, records_in_start_order);
	tcase_add_test(t, triggers_uncovered);
	tcase_add_test(t, lexicon_value_and_dump);
	tcase_add_test(t, subroutines_match_as_inlined);
	tcase_add_test(t, alternative_runs_as_sets);
	tcase_add_test(t, groups_matched_apart);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
