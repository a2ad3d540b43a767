/*
 * main.c — command line: parse options, load the grammar, hand over to the
 * driver.  Nothing else happens here.
 */
#include "run/driver.h"
#include "run/archive.h"
#include "rules/grammar.h"
#include "rules/schema.h"
#include "common/version.h"
#include "common/limits.h"
#include "normalize/dict.h"

#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
"usage: beslut [OPTIONS] [PATH...]        extract records as JSON Lines\n"
"       beslut normalize [OPTIONS] [PATH...]  print the repaired text\n"
"       beslut grammar check FILE...       check grammar files\n"
"       beslut load -o DB.sqlite [FILE.jsonl...]  load JSON Lines into a database\n"
"       beslut version                     the version and the grammar hash\n"
"\n"
"PATH is a file or a directory (walked recursively for *.txt and *.txt.gz,\n"
"in sorted order); '-' or no PATH reads standard input.  gzip input is\n"
"recognised by its content.\n"
"\n"
"options:\n"
"  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
"  -j, --jobs N        worker threads (default: the number of cores)\n"
"      --explain       add the producing rule and token span to each record\n"
"      --dump WHAT     show a stage instead of records: normalized, edits,\n"
"                      tokens, matches, grammar, schema, sql (the database's\n"
"                      CREATE statements)\n"
"      --grammars DIR  grammar files (default: $BESLUT_GRAMMARS, then grammars/\n"
"                      beside the program, then the installed data directory)\n"
"      --lexicons DIR  lexicon files (default: $BESLUT_LEXICONS, then the same)\n"
"      --dictionary P  Hunspell dictionary P.aff + P.dic (default:\n"
"                      /usr/share/hunspell/sv_SE); a missing one is an error\n"
"      --no-dictionary run without it (line-end hyphens decided by shape and\n"
"                      by the document alone)\n"
"      --max-doc-bytes N  largest document, decompressed (default 256M; suffix\n"
"                      K, M or G): a larger one gets an error record\n"
"      --timings       print time per stage and throughput on standard error\n"
ARCHIVE_USAGE
"  -q, --quiet         no per-input error lines, no progress or summary\n"
"  -h, --help          this text\n"
"  -V, --version       the version and the hash of the grammar files\n"
"\n"
"exit status: 0 every input processed; 1 some inputs failed (each still has\n"
"its document record, status \"error\"); 2 usage error; 3 grammar, lexicon,\n"
"dictionary or output error.\n";

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "beslut: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "Try 'beslut --help'.\n");
	return 2;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The data directory compiled in (share/beslut of the installation
 * prefix): written by the Makefile into datadir.c, linked into the
 * program only. */
extern const char beslut_datadir[];

/* Find a data directory NAME (grammars, lexicons): the environment
 * variable env, else beside the executable (bin/../NAME,
 * build-san/bin/../../NAME, bin/../share/beslut/NAME), else in the
 * compiled-in data directory.  NULL when none exists; tried then lists the
 * places looked at. */
static char *find_dir(const char *env, const char *name, buf_t *tried)
{
	const char *e = getenv(env);
	if (e && *e)
		return xstrdup(e);
	buf_printf(tried, "$%s (not set)", env);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* up[0] = the program's directory's parent, up[1] = its parent */
		char *cut[3] = {NULL, NULL, NULL};
		for (int k = 0; k < 3; k++) {
			cut[k] = strrchr(exe, '/');
			if (!cut[k])
				break;
			*cut[k] = '\0';
		}
		for (int k = 2; k >= 0; k--)
			if (cut[k])
				*cut[k] = '/';
		const char *fmt[] = {"%.*s/%s", "%.*s/%s", "%.*s/share/beslut/%s"};
		const int lvl[] = {1, 2, 1};
		for (int k = 0; k < 3; k++) {
			if (!cut[lvl[k]])
				continue;
			buf_t b = BUF_INIT;
			buf_printf(&b, fmt[k], (int)(cut[lvl[k]] - exe), exe, name);
			if (is_dir(b.data))
				return buf_detach(&b, NULL);
			buf_printf(tried, ", %s", b.data);
			buf_release(&b);
		}
	}
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s/%s", beslut_datadir, name);
	if (is_dir(b.data))
		return buf_detach(&b, NULL);
	buf_printf(tried, ", %s", b.data);
	buf_release(&b);
	return NULL;
}

/* The files named, with the grammar directory's record schema
 * (records.bg) first unless one of them is a records.bg. */
static int grammar_check(int argc, char **argv, const char *gdir, const char *lexdir)
{
	if (argc < 1)
		return usage_error("grammar check needs FILE arguments", NULL);
	int ne = 0, nw = 0;
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	size_t nf = 0;
	buf_t schema = BUF_INIT;
	int has_schema = 0;
	for (int i = 0; i < argc; i++) {
		const char *slash = strrchr(argv[i], '/');
		has_schema |= strcmp(slash ? slash + 1 : argv[i], BESLUT_SCHEMA_FILE) == 0;
	}
	buf_printf(&schema, "%s/%s", gdir, BESLUT_SCHEMA_FILE);
	if (!has_schema && access(schema.data, R_OK) == 0)
		files[nf++] = schema.data;
	for (int i = 0; i < argc; i++)
		files[nf++] = argv[i];
	grammar_t *g = grammar_compile(files, nf, lexdir, stderr, &ne, &nw);
	free(files);
	buf_release(&schema);
	if (g) {
		printf("%d file%s, %zu rules: ok (%d warning%s)\n", argc, argc == 1 ? "" : "s",
		       grammar_rule_count(g), nw, nw == 1 ? "" : "s");
		grammar_free(g);
		return 0;
	}
	fprintf(stderr, "%d error%s, %d warning%s\n", ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s");
	return 3;
}

/* beslut --version: the version, and the hash of the grammar files that a
 * run would load (or where they were looked for). */
static int print_version(char *gdir, char *lexdir, buf_t *gtried, buf_t *ltried)
{
	printf("beslut %s\n", beslut_version());
	int rc = 0;
	char hash[65], *err = NULL;
	if (!gdir || !lexdir) {
		printf("grammar: not found (looked in %s)\n", !gdir ? gtried->data : ltried->data);
	} else if (grammar_hash_dirs(gdir, lexdir, hash, &err) != 0) {
		printf("grammar: %s\n", err);
		free(err);
	} else {
		printf("grammar sha256 %s\ngrammars %s\nlexicons %s\n", hash, gdir, lexdir);
	}
	buf_release(gtried);
	buf_release(ltried);
	free(gdir);
	free(lexdir);
	return rc;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
	/* Blocks of 256 KiB and more (a window's source, text and maps) are
	 * mapped and given back when freed, instead of the dynamic threshold
	 * that keeps them in the heap once the first such block was freed:
	 * peak RSS 63.4 -> 59.5 MiB on a 20 MB stream at -j 2, for about 2 %
	 * more CPU (system time: the mappings). */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	/* No fastbins: small blocks freed (thousands while the grammar
	 * compiles) are merged as they are freed, not all at once on the
	 * first free of a large block, which cost a run of one short
	 * document 11 % of its CPU; 0.90x the CPU of such a run, no change
	 * on a 20 MB stream. */
	mallopt(M_MXFAST, 0);
#endif
	run_opts_t o;
	memset(&o, 0, sizeof o);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu > 0 ? (int)ncpu : 1;
	const char *gdir_opt = NULL, *ldir_opt = NULL;
	int dump_grammar = 0;
	int sub_normalize = 0, sub_grammar = 0, sub_load = 0;
	archive_t *arch = archive_new(); /* archive.h */
	int show_version = 0;
	if (argc > 1 && strcmp(argv[1], "version") == 0) {
		show_version = 1;
		argv++, argc--;
	} else if (argc > 1 && strcmp(argv[1], "load") == 0) {
		sub_load = 1;
		argv++, argc--;
	} else if (argc > 1 && strcmp(argv[1], "normalize") == 0) {
		sub_normalize = 1;
		argv++, argc--;
	} else if (argc > 2 && strcmp(argv[1], "grammar") == 0 && strcmp(argv[2], "check") == 0) {
		sub_grammar = 1;
		argv += 2, argc -= 2;
	} else if (argc > 1 && strcmp(argv[1], "grammar") == 0) {
		return usage_error("unknown grammar sub-command (try 'beslut grammar check FILE...')",
		                   argc > 2 ? argv[2] : NULL);
	}

	enum { OPT_EXPLAIN = 256, OPT_DUMP, OPT_GRAMMARS, OPT_LEXICONS, OPT_TIMINGS, OPT_DICT, OPT_NODICT, OPT_MAXDOC };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"jobs", required_argument, NULL, 'j'},
		{"explain", no_argument, NULL, OPT_EXPLAIN},
		{"dump", required_argument, NULL, OPT_DUMP},
		{"grammars", required_argument, NULL, OPT_GRAMMARS},
		{"lexicons", required_argument, NULL, OPT_LEXICONS},
		{"timings", no_argument, NULL, OPT_TIMINGS},
		{"dictionary", required_argument, NULL, OPT_DICT},
		{"no-dictionary", no_argument, NULL, OPT_NODICT},
		{"max-doc-bytes", required_argument, NULL, OPT_MAXDOC},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		ARCHIVE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:j:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case ':': {
			/* an option without its argument: say which and what it wants */
			const char *what;
			const char *opt = argv[optind - 1];
			switch (optopt) {
			case 'o': what = "a file name"; break;
			case 'j': what = "a number of threads"; break;
			case OPT_DUMP: what = "what to show (normalized, edits, tokens, matches, grammar)"; break;
			case OPT_GRAMMARS: case OPT_LEXICONS: what = "a directory"; break;
			case OPT_DICT: what = "a dictionary path (without .aff/.dic)"; break;
			case OPT_MAXDOC: what = "a size"; break;
			default: what = "an argument"; break;
			}
			fprintf(stderr, "beslut: option %s needs %s\n", opt, what);
			fprintf(stderr, "Try 'beslut --help'.\n");
			return 2;
		}
		case 'o':
			o.output = optarg;
			break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > BESLUT_MAX_THREADS)
				return usage_error("-j takes a number from 1 to 64", optarg);
			o.threads = (int)j;
			break;
		}
		case OPT_EXPLAIN:
			o.explain = 1;
			break;
		case OPT_DUMP:
			if (strcmp(optarg, "normalized") == 0) o.dump = DUMP_NORMALIZED;
			else if (strcmp(optarg, "edits") == 0) o.dump = DUMP_EDITS;
			else if (strcmp(optarg, "tokens") == 0) o.dump = DUMP_TOKENS;
			else if (strcmp(optarg, "matches") == 0) o.dump = DUMP_MATCHES;
			else if (strcmp(optarg, "grammar") == 0) dump_grammar = 1;
			else if (strcmp(optarg, "schema") == 0) dump_grammar = 2;
			else if (strcmp(optarg, "sql") == 0) dump_grammar = 3;
			else return usage_error("--dump takes normalized, edits, tokens, matches, grammar, schema or sql", optarg);
			break;
		case OPT_GRAMMARS:
			gdir_opt = optarg;
			break;
		case OPT_LEXICONS:
			ldir_opt = optarg;
			break;
		case OPT_DICT:
			o.dictionary = optarg;
			break;
		case OPT_NODICT:
			o.no_dictionary = 1;
			break;
		case OPT_MAXDOC: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			unsigned long long mul = 1;
			if (*end == 'K' || *end == 'k') mul = 1ull << 10, end++;
			else if (*end == 'M' || *end == 'm') mul = 1ull << 20, end++;
			else if (*end == 'G' || *end == 'g') mul = 1ull << 30, end++;
			if (errno || end == optarg || *end || optarg[0] == '-' || v == 0 ||
			    v > BESLUT_MAX_DOC_BYTES / mul)
				return usage_error("--max-doc-bytes takes a size from 1 to 2G (suffix K, M or G)",
				                   optarg);
			o.max_doc_bytes = (size_t)(v * mul);
			break;
		}
		case OPT_TIMINGS:
			o.timings = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case 'V':
			show_version = 1;
			break;
		default:
			if (c >= ARCH_OPT_FIRST && c <= ARCH_OPT_LAST) { /* archive.h */
				const char *msg = archive_option(arch, c, optarg);
				if (msg)
					return usage_error(msg, optarg);
				break;
			}
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
#ifdef __GLIBC__
	/* One malloc arena per worker, no more (glibc's default is eight per
	 * core): each arena keeps its own free blocks (about 1 MiB more at -j
	 * 2), and one shared arena made the two workers of a stream wait on its
	 * lock (3 % more wall time on 100 MB at -j 2). */
	mallopt(M_ARENA_MAX, o.threads > 1 ? o.threads : 1);
#endif
	buf_t gtried = BUF_INIT, ltried = BUF_INIT;
	char *lexdir = ldir_opt ? xstrdup(ldir_opt) : find_dir("BESLUT_LEXICONS", "lexicons", &ltried);
	char *gdir = gdir_opt ? xstrdup(gdir_opt) : find_dir("BESLUT_GRAMMARS", "grammars", &gtried);
	int rc;
	if (show_version)
		return print_version(gdir, lexdir, &gtried, &ltried);
	if (!gdir || !lexdir) {
		fprintf(stderr, "beslut: cannot find the %s: looked in %s\n"
		        "beslut: give --%s DIR or set %s\n", !gdir ? "grammar files" : "lexicon files",
		        !gdir ? gtried.data : ltried.data, !gdir ? "grammars" : "lexicons",
		        !gdir ? "BESLUT_GRAMMARS" : "BESLUT_LEXICONS");
		buf_release(&gtried);
		buf_release(&ltried);
		free(gdir);
		free(lexdir);
		return 3;
	}
	buf_release(&gtried);
	buf_release(&ltried);
	if (sub_grammar) {
		rc = grammar_check(argc - optind, argv + optind, gdir, lexdir);
		free(lexdir);
		free(gdir);
		return rc;
	}
	if (sub_normalize && o.dump != DUMP_EDITS)
		o.dump = DUMP_NORMALIZED;

	grammar_t *g = NULL;
	double t_grammar = 0, c_grammar = 0, t_hash = 0;
	if (o.dump == DUMP_NONE || o.dump == DUMP_MATCHES || o.dump == DUMP_TOKENS || dump_grammar || sub_load) {
		int ne = 0, nw = 0;
		/* the dictionary loads on a thread of its own meanwhile (run()
		 * takes it up; the error paths below wait for it and free it) */
		if (!dump_grammar && !sub_load)
			dict_preload(o.dictionary, o.no_dictionary);
		t_grammar = time_now();
		c_grammar = thread_cpu_now();
		g = grammar_load_dir(gdir, lexdir, stderr, &ne, &nw);
		t_grammar = time_now() - t_grammar;
		c_grammar = thread_cpu_now() - c_grammar;
		if (!g) {
			dict_release();
			fprintf(stderr, "beslut: cannot load the grammars in %s (%d error%s)\n", gdir, ne,
			        ne == 1 ? "" : "s");
			free(lexdir);
			free(gdir);
			return 3;
		}
		char hash[65], *herr = NULL;
		t_hash = time_now();
		int hrc = grammar_hash_dirs(gdir, lexdir, hash, &herr);
		t_hash = time_now() - t_hash;
		if (hrc != 0) {
			dict_release();
			fprintf(stderr, "beslut: %s\n", herr);
			free(herr);
			grammar_free(g);
			free(lexdir);
			free(gdir);
			return 3;
		}
		version_set_grammar_hash(hash);
	}
	if (dump_grammar) {
		if (dump_grammar == 3) {
			rc = archive_dump_sql(grammar_schema(g));
			grammar_free(g);
			free(lexdir);
			free(gdir);
			return rc;
		}
		if (dump_grammar == 2) {
			buf_t b = BUF_INIT;
			schema_dump_json(grammar_schema(g), &b);
			fwrite(b.data, 1, b.len, stdout);
			buf_release(&b);
		} else {
			grammar_dump(g, stdout);
		}
		grammar_free(g);
		free(lexdir);
		free(gdir);
		return 0;
	}
	o.grammar = g;
	o.lexdir = lexdir;
	o.paths = (const char *const *)(argv + optind);
	o.npaths = (size_t)(argc - optind);
	if (sub_load) { /* archive.h: JSON Lines into a database */
		rc = archive_load(arch, &o, argv + optind, argc - optind, grammar_schema(g), beslut_version());
		grammar_free(g);
		free(lexdir);
		free(gdir);
		return rc;
	}
	rc = archive_begin(arch, &o, argv + optind, argc - optind, g ? grammar_schema(g) : NULL,
	                   beslut_version());
	if (rc) {
		dict_release();
		archive_end(arch, rc);
		if (g)
			grammar_free(g);
		free(lexdir);
		free(gdir);
		return rc;
	}
	run_stats_t st;
	rc = run(&o, &st);
	rc = archive_end(arch, rc);
	if (o.timings) {
		double wall = st.t_wall;
		double mb = (double)st.bytes / 1e6;
		fprintf(stderr,
		        "start-up   seconds (CPU)\n"
		        "grammar    %7.3f (%.3f) compile the grammar files and lexicons\n"
		        "hash       %7.3f grammar hash\n"
		        "dictionary %7.3f (%.3f) load the spelling dictionary\n"
		        "workers    %7.3f normalizers, stemmers, matchers\n"
		        "first doc  %7.3f the input list and the first document, to its output\n",
		        t_grammar, c_grammar, t_hash, st.t_dict, st.t_dict_cpu, st.t_setup,
		        st.t_first > st.t_dict + st.t_setup ? st.t_first - st.t_dict - st.t_setup : 0.0);
		fprintf(stderr,
		        "inputs %zu (failed %zu), %.1f MB, %zu tokens, %zu records, %d thread%s\n"
		        "stage      seconds   MB/s\n"
		        "read       %7.3f %8.1f\nnormalize  %7.3f %8.1f\ntokenize   %7.3f %8.1f\n"
		        "match      %7.3f %8.1f\nassemble   %7.3f %8.1f\ntotal      %7.3f %8.1f\n",
		        st.inputs, st.failed, mb, st.tokens, st.records, o.threads,
		        o.threads == 1 ? "" : "s", st.t_read, st.t_read > 0 ? mb / st.t_read : 0,
		        st.t_normalize, st.t_normalize > 0 ? mb / st.t_normalize : 0, st.t_tokenize,
		        st.t_tokenize > 0 ? mb / st.t_tokenize : 0, st.t_match,
		        st.t_match > 0 ? mb / st.t_match : 0, st.t_assemble,
		        st.t_assemble > 0 ? mb / st.t_assemble : 0, wall, wall > 0 ? mb / wall : 0);
	}
	if (g)
		grammar_free(g);
	free(lexdir);
	free(gdir);
	return rc;
}
