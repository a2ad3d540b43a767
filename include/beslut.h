/*
 * beslut.h — the public interface of beslut: turn the text of Swedish
 * council protocols into JSON Lines records.
 *
 *     beslut_model_opts mo = {.grammars = "grammars", .lexicons = "lexicons"};
 *     char *err = NULL;
 *     beslut_model *m = beslut_model_load(&mo, &err);      // once
 *     beslut_session *s = beslut_session_new(m, &err);      // one per thread
 *     beslut_doc *d = beslut_run(s, text, len, "kf-2021-03-22", 0);
 *     const char *line;
 *     size_t n;
 *     while ((line = beslut_doc_next(d, &n)))               // one record per line
 *             handle(line, n);
 *     beslut_doc_free(d);
 *     beslut_session_free(s);
 *     beslut_model_free(m);
 *
 * Contract:
 *   - A model is the compiled grammars (the .bg files of a grammars directory), their lexicons and
 *     the normalizer's lexicons (the .tsv files of a lexicons directory) and the spelling
 *     dictionary.  It is immutable once loaded and may be shared by any
 *     number of threads.  The spelling dictionary is one per process: load
 *     one model at a time.
 *   - A session holds the scratch of one thread (normalizer, stemmer,
 *     matcher).  Use a session from one thread at a time; run documents one
 *     after another on it.  Free the sessions before their model.
 *   - beslut_run() never fails on any byte string: a document that cannot
 *     be read (binary data, too large, undecodable) yields its `document`
 *     record with status "error".  The bytes may be gzip, UTF-8 (with or
 *     without BOM), UTF-16 or Windows-1252, as a file would hold them.
 *   - The output of a document is JSON Lines in the format of
 *     docs/records.md: the `document` record first, then the records in
 *     text order; the same bytes and name always give the same output, on
 *     any session and thread.
 *   - Strings passed in are copied; nothing returned needs freeing except
 *     through the matching *_free function.  Errors (*err) are allocated
 *     messages the caller frees with free().
 */
#ifndef BESLUT_H
#define BESLUT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct beslut_model beslut_model;
typedef struct beslut_session beslut_session;
typedef struct beslut_doc beslut_doc;

typedef struct beslut_model_opts {
	const char *grammars;    /* directory of *.bg files (required) */
	const char *lexicons;    /* directory of *.tsv files (required) */
	const char *dictionary;  /* Hunspell PREFIX(.aff/.dic); NULL: the system's Swedish one */
	int no_dictionary;       /* run without the spelling dictionary */
	FILE *diagnostics;       /* grammar errors and warnings with file:line:col; NULL: none */
} beslut_model_opts;

/* Load a model; NULL with *err set (err may be NULL) when a grammar does
 * not compile or a lexicon or the dictionary cannot be read. */
beslut_model *beslut_model_load(const beslut_model_opts *o, char **err);
void beslut_model_free(beslut_model *m);

/* A session over model m; NULL with *err set on failure. */
beslut_session *beslut_session_new(const beslut_model *m, char **err);
void beslut_session_free(beslut_session *s);

enum {
	BESLUT_EXPLAIN = 1u  /* add "rule" and "tokens" to every record */
};

/* Run one document held in memory: data[0..len) as a file would hold it;
 * name is the document id ("doc" of every record, as a file's name
 * without its directory and .gz).  Never NULL. */
beslut_doc *beslut_run(beslut_session *s, const void *data, size_t len, const char *name, unsigned flags);

/* 1 when the document was read (status "ok"), 0 when its document record
 * has status "error". */
int beslut_doc_ok(const beslut_doc *d);
/* The number of records written (the document record included). */
size_t beslut_doc_count(const beslut_doc *d);
/* The next record as one JSON object (no newline, NUL-terminated, *len
 * its length), or NULL after the last.  Valid until the next call. */
const char *beslut_doc_next(beslut_doc *d, size_t *len);
/* All records as JSON Lines (each line ends with '\n'). */
const char *beslut_doc_jsonl(const beslut_doc *d, size_t *len);
void beslut_doc_free(beslut_doc *d);

#ifdef __cplusplus
}
#endif

#endif
