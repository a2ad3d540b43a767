/*
 * driver.h — find the inputs, run every stage on each, write the output.
 *
 * Inputs: each PATH is a file or a directory walked recursively for
 * `*.txt` and `*.txt.gz` in sorted (byte) order; "-" is stdin.  A path
 * that cannot be opened is still an input: it yields its `document`
 * record with status "error".  The walk follows symbolic links but walks
 * each directory (device, inode) once, so link loops end; a walked name
 * that is not a regular file (FIFO, device, socket) is never opened and
 * gets an error record; a path named on the command line is opened
 * whatever it is.  An input that is the -o file is refused (exit 2).
 *
 * Per document: read → normalize → tokenize + stem → annotate → match →
 * assemble → emit.  A document longer than one window (window.h) goes
 * through every stage in windows, its records through a temporary file,
 * so memory does not grow with it; with -j N and one input, the windows'
 * matching is spread over the threads.  Documents are processed by -j
 * worker threads, each with its own normalizer, stemmer and matcher over
 * the one shared, immutable grammar and the one shared spelling
 * dictionary (dict.h); output keeps input order.
 */
#ifndef BESLUT_DRIVER_H
#define BESLUT_DRIVER_H

#include <stddef.h>
#include "rules/grammar.h"
#include "api/beslut_int.h" /* dump_kind_t, run_stats_t */

typedef struct run_opts {
	const char *const *paths;  /* inputs; none = stdin */
	size_t npaths;
	const char *output;        /* NULL = stdout */
	const char *lexdir;        /* lexicons/ */
	const grammar_t *grammar;  /* NULL only for DUMP_NORMALIZED/EDITS/TOKENS */
	dump_kind_t dump;
	struct archive *archive;   /* archive.h: ids, shards, skip-done, database; may be NULL */
	int explain;               /* add rule and tokens to records */
	int threads;               /* worker threads, >= 1 */
	int quiet;                 /* no per-input error lines on stderr */
	int timings;               /* print per-stage timings to stderr */
	const char *dictionary;    /* Hunspell PREFIX(.aff/.dic); NULL = the default */
	int no_dictionary;         /* run without the spelling dictionary */
	size_t max_doc_bytes;      /* per document, decompressed; 0 = BESLUT_DOC_BYTES_DEFAULT */
} run_opts_t;


/* Returns the exit status: 0 all inputs ok, 1 some failed, 3 output error. */
int run(const run_opts_t *o, run_stats_t *stats);

#endif
