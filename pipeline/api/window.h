/*
 * window.h — one long document in bounded windows.
 *
 * A document (a file, or stdin: one stream is one document) longer than
 * one window (BESLUT_STREAM_WINDOW source bytes, or BESLUT_WINDOW_BYTES in
 * the environment) is never held whole.  Its source is read in blocks
 * (gzip inflated as it comes, the SHA-256 taken as it comes) and cut into
 * segments of about one window, at a form feed where one lies within a
 * quarter window after the target, else before a "§" paragraph, else at a
 * blank line, a line end, a character boundary.  Each segment is decoded
 * (read.h) and normalized (normalize_run_segment: pages numbered on from
 * the segments before) on its own.  The matcher sees a view of the segment
 * with the end of the segment before it (BESLUT_WINDOW_CONTEXT) and the
 * start of the one after it (BESLUT_WINDOW_LOOKAHEAD) as context: matches
 * start only in the segment, a match that starts in it is finished in the
 * segment after, and the rule groups' left-to-right non-overlap is carried
 * on exactly (matcher_run_range: a group whose last match ran past the cut
 * starts again at its end).  Records get their source spans at once and
 * wait for assembly until the item they belong to is complete: every
 * record before the start of the last item seen is final, and is assembled
 * (assemble_batch, with the document's state carried) and written to a
 * temporary file (unlinked at once, in TMPDIR).  At the end the document
 * record (it comes first, and holds the SHA-256 and the counts) is made,
 * and the caller writes it and then the file.  Memory is bounded by a few
 * windows whatever the input's length.
 *
 * What a window cannot see is listed in docs/performance.md ("Windows"):
 * the normalizer learns the page layout from the segment, a party or
 * name printed only in a later window, a vote printed again in a later
 * window.  A document shorter than one window takes the whole-document
 * path and its output is what it always was.
 */
#ifndef BESLUT_WINDOW_H
#define BESLUT_WINDOW_H

#include <stdio.h>
#include "rules/grammar.h"
#include "normalize/normalize.h"
#include "read/read.h"
#include "common/record.h"
#include "tokens/tokenize.h"

typedef struct window_tools {
	stemmer_t *st;
	matcher_t *m;
	tokens_t *toks;
} window_tools_t;

typedef struct window_env {
	const grammar_t *grammar;
	normalizer_t *nz;
	stemmer_t *st;
	matcher_t *m;
	tokens_t *toks;
	int nhelpers;           /* more threads for the views of a round */
	window_tools_t *helpers; /* nhelpers of them */
	unsigned asm_flags;     /* ASM_* */
	size_t window;          /* source bytes per segment */
	size_t max_bytes;       /* the document's limit, decompressed */
	int quiet;
	/* out: */
	double t_read, t_normalize, t_tokenize, t_match, t_assemble;
	size_t tokens, records, bytes;
} window_env_t;

/* The window size: BESLUT_WINDOW_BYTES from the environment (at least
 * 256), else BESLUT_STREAM_WINDOW. */
size_t window_bytes(void);

enum { WINDOW_DONE = 0, WINDOW_WHOLE = 1 };

/* The document whose first raw bytes read_input_head() left in *head
 * (more than env->window of them) and the rest in fd.  Returns
 * WINDOW_DONE with the document record appended to out and the other
 * records in *spill (a temporary file, rewound; NULL when there are
 * none); in->error is set when the input failed (then only the document
 * record is written).  Returns WINDOW_WHOLE with in read whole (UTF-16
 * input is decoded whole) for the whole-document path.  fd is closed
 * unless it is 0 (stdin); head is released. */
int window_document(window_env_t *env, input_t *in, buf_t *head, int fd, buf_t *out, FILE **spill);

/* driver.c: the document fields the grammar finds in the first page's
 * header (removed as furniture), as merge records at offset 0. */
void furniture_records(const grammar_t *g, stemmer_t *st, matcher_t *m, tokens_t *toks, const char *text,
                       size_t textlen, const norm_result_t *nr, arena_t *arena, recvec_t *out);

#endif
