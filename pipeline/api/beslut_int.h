/*
 * beslut_int.h — the session of include/beslut.h as the command line's
 * driver uses it (private to pipeline/).
 *
 * A session is one thread's tools over a grammar: normalizer, stemmer,
 * matcher, token and record scratch, and optionally helper sessions that
 * match the windows of one large document on more threads.  Every
 * document, whether from beslut_run() or from a file the driver read,
 * goes through session_document(): normalize → the first page's header
 * matched for document metadata → tokenize + annotate + match in windows
 * of about BESLUT_WINDOW_BYTES cut at paragraph boundaries → assemble →
 * schema guard.
 */
#ifndef BESLUT_INT_H
#define BESLUT_INT_H

#include "beslut.h"
#include "rules/grammar.h"
#include "read/read.h"
#include "common/util.h"
#include "window.h"

/* What session_document() writes: the records, or one of the dumps. */
typedef enum dump_kind {
	DUMP_NONE = 0,   /* records (JSON Lines) */
	DUMP_NORMALIZED, /* repaired text, paragraphs separated by a blank line */
	DUMP_EDITS,      /* the normalizer's edit log as JSON Lines */
	DUMP_TOKENS,     /* one token per line */
	DUMP_MATCHES     /* one match per line */
} dump_kind_t;

/* Counts and stage times of a run, added to by each document. */
typedef struct run_stats {
	size_t inputs, failed, records, bytes, tokens;
	double t_read, t_normalize, t_tokenize, t_match, t_assemble; /* seconds, summed over threads */
	double t_wall;                /* seconds, the whole run */
	double t_dict, t_dict_cpu;    /* start-up: loading the spelling dictionary (wall, CPU) */
	double t_setup;               /* start-up: the workers' normalizers, stemmers, matchers */
	double t_first;               /* from the start of run() to the first document's output */
} run_stats_t;

/* A session over g (NULL: dumps of text and tokens only); lexdir for the
 * normalizer's lexicons, with_normalizer 0 for a helper.  NULL with *err. */
beslut_session *session_new(const grammar_t *g, const char *lexdir, int with_normalizer, char **err);
/* n helper sessions for the windows of one large document; -1 with *err. */
int session_add_helpers(beslut_session *s, int n, char **err);
/* The session's tools and helpers for a document read in windows
 * (window.h): grammar, normalizer, stemmer, matcher, tokens, helpers
 * (env->helpers allocated; the caller frees it). */
void session_window_env(beslut_session *s, window_env_t *env);
/* One document that has been read (in->error set: only its document
 * record): the records (dump DUMP_NONE) or the dump, appended to out;
 * stage times, tokens and records added to stats (may be NULL). */
void session_document(beslut_session *s, const input_t *in, dump_kind_t dump, unsigned asm_flags, buf_t *out,
                      run_stats_t *stats);

#endif
