/*
 * archive.h — runs over whole archives: stable document ids, input lists,
 * shards, skipping what is done, database output, progress and summary.
 *
 * main.c hands the archive options to archive_option(), calls
 * archive_begin() before run() and archive_end() after it; the driver
 * calls archive_select() once on its input list and archive_deliver() for
 * each document's output, in input order.
 *
 * Document ids (the `doc` of every record):
 *   - an input found by walking a directory: its path relative to that
 *     directory; a file named on the command line: the path as given;
 *     with --root DIR: the path relative to DIR (made absolute without
 *     resolving symbolic links), whatever the call; an input outside DIR is
 *     an error document;
 *   - `.gz` is left off the id (`a.txt.gz` is document `a.txt`) unless a
 *     file of the name without `.gz` exists beside it: then `a.txt` and
 *     `a.txt.gz` are two documents with those two ids, in every call;
 *   - standard input is `-`, or NAME with --doc-id NAME.
 *
 * --files-from LIST adds the paths in LIST (one a line, `-` = standard
 * input) to those on the command line.  --shard K/N keeps the inputs whose
 * rank in the input list sorted by (doc, path) is K-1 modulo N, so the N
 * shards partition any ordering of the same inputs.  --skip-done DB|JSONL
 * drops inputs whose content sha256 (after decompression) is that of a
 * document with status ok in the database or JSON Lines file (a missing
 * file counts as empty; standard input is never skipped).
 *
 * Output: `-o FILE.sqlite` (.sqlite, .sqlite3, .db) or `--format sqlite`
 * writes the records into an SQLite database (sqlite_out.h) instead of
 * JSON Lines.
 */
#ifndef BESLUT_ARCHIVE_H
#define BESLUT_ARCHIVE_H

#include <getopt.h>
#include <stddef.h>
#include "driver.h"
#include "rules/schema.h"

enum {
	ARCH_OPT_FIRST = 512,
	ARCH_OPT_FORMAT = ARCH_OPT_FIRST,
	ARCH_OPT_ROOT,
	ARCH_OPT_DOC_ID,
	ARCH_OPT_FILES_FROM,
	ARCH_OPT_SHARD,
	ARCH_OPT_SKIP_DONE,
	ARCH_OPT_LAST = ARCH_OPT_SKIP_DONE
};

#define ARCHIVE_LONGOPTS                                             \
	{"format", required_argument, NULL, ARCH_OPT_FORMAT},            \
	{"root", required_argument, NULL, ARCH_OPT_ROOT},                \
	{"doc-id", required_argument, NULL, ARCH_OPT_DOC_ID},            \
	{"files-from", required_argument, NULL, ARCH_OPT_FILES_FROM},    \
	{"shard", required_argument, NULL, ARCH_OPT_SHARD},              \
	{"skip-done", required_argument, NULL, ARCH_OPT_SKIP_DONE}

#define ARCHIVE_USAGE \
"      --format F      output format: jsonl (default) or sqlite (default for\n" \
"                      -o FILE.sqlite, .sqlite3, .db)\n" \
"      --root DIR      document ids relative to DIR, however the inputs are named\n" \
"      --doc-id NAME   document id of standard input (default '-')\n" \
"      --files-from L  read input paths from file L, one a line ('-' = stdin)\n" \
"      --shard K/N     process only the K-th of N parts of the inputs\n" \
"      --skip-done F   skip inputs already in database or JSON Lines file F\n"

typedef struct archive_ref {
	const char *path;  /* as the driver opens it */
	char *doc;         /* document id (malloc'd; may be replaced) */
	char *err;         /* found-time error or NULL (malloc'd; may be set) */
	int keep;          /* 1 on entry; cleared to drop the input */
	const char *member; /* container.h: member of the archive at path, or NULL */
	size_t mindex;
} archive_ref_t;

typedef struct archive archive_t;

/* A fresh archive state (never NULL; one per process). */
archive_t *archive_new(void);
/* One option (ARCH_OPT_*): NULL, or a usage message. */
const char *archive_option(archive_t *a, int opt, const char *arg);
/* Before run(): resolve the options against o (inputs from argv[0..argc)
 * and --files-from, output format), open the database.  Sets
 * o->archive.  Returns 0, or an exit status (2 usage, 3 output error)
 * after printing why. */
int archive_begin(archive_t *a, run_opts_t *o, char **argv, int argc, const schema_t *s,
                  const char *version);
/* The driver's input list: ids, shard, skip-done. */
void archive_select(archive_t *a, archive_ref_t *refs, size_t n);
/* The output of the i-th selected input.  Returns 1 if consumed (database
 * output), 0 if the caller writes it. */
int archive_deliver(archive_t *a, size_t i, const char *data, size_t len);
/* Whether archive_deliver() needs all the output lines of an input at
 * once (a database); else the lines of a long document that follow its
 * first buffer go to archive_tally() (whole lines) as they are written. */
int archive_takes_output(const archive_t *a);
void archive_tally(archive_t *a, const char *data, size_t len);
/* After run(): close the database, print the summary; returns the final
 * exit status (rc, or 3 if the database failed).  Frees what a holds. */
int archive_end(archive_t *a, int rc);

/* `beslut load -o DB FILE.jsonl...`: JSON Lines into the database. */
int archive_load(archive_t *a, run_opts_t *o, char **argv, int argc, const schema_t *s,
                 const char *version);
/* `--dump sql`: the CREATE statements of the database. */
int archive_dump_sql(const schema_t *s);

#endif
