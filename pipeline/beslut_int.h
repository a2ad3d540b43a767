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
#include "driver.h"
#include "grammar.h"
#include "read.h"
#include "util.h"
#include "window.h"

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
