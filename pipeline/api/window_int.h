/*
 * window_int.h — the parts of the windowed reader (window.h) shared by its
 * files (private to pipeline/api/).
 *
 *   window.c      segments, merging, the threads of one document
 *   window_src.c  the source read and inflated as it comes, and where to
 *                 cut it into segments
 *   window_view.c the view a window is matched in
 */
#ifndef BESLUT_WINDOW_INT_H
#define BESLUT_WINDOW_INT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "window.h"
#include "read/read.h"
#include "read/omap.h"
#include "common/util.h"

/* ---- segments: the source cut at paragraph ends, decoded and normalized ---- */
typedef struct seg {
	size_t idx;
	uint32_t src0, src1;    /* global source bytes */
	buf_t text;             /* decoded */
	omap_t tmap;            /* text -> global source */
	norm_result_t nr;       /* nr.map: normalized -> text */
	int ends_page;          /* the source slice ends with a form feed */
	buf_t raw;              /* the source slice, until the document takes it (sw) */
	norm_page_t *gpages;    /* its pages in source offsets, until the document takes them */
	size_t ngpages;
} seg_t;

/* ---- the view a window is matched in (window_view.c) ---- */
typedef struct view {
	buf_t v, o;             /* normalized text; the original text of its segments */
	omap_t vmap, omap;      /* v -> o; o -> the document's source */
} view_t;

/* Between two segments: a paragraph break in the view, a line end in the
 * original text (src_at: the source offset it stands for). */
void view_sep(view_t *x, uint32_t src_at);
/* The normalized bytes [a, b) of g, and g's text to the original text. */
void view_add(view_t *x, const seg_t *g, uint32_t a, uint32_t b);
/* Empty, its buffers kept for the next view of the thread. */
void view_reset(view_t *x);
void view_release(view_t *x);
/* The first token at or after byte off. */
uint32_t tok_at(const tokens_t *t, size_t off);

/* ---- the source, read and inflated as it comes ---- */
typedef struct src {
	int fd;
	const char *name;       /* for messages */
	buf_t raw;              /* raw bytes not yet consumed: raw.data[rpos .. raw.len) */
	size_t rpos;
	int raw_eof;
	int gzip, zinit;
	z_stream zs;
	unsigned long zin;      /* compressed bytes consumed */
	buf_t buf;              /* decompressed bytes [base, base + buf.len) */
	uint64_t base;
	uint64_t total;
	sha256_ctx_t sha;
	size_t max;
	int eof;
	int too_large;          /* the error is the size limit: no bytes are reported */
	input_t *in;            /* errors and warnings go here */
} src_t;

/* Set s->in->error to the message; returns -1. */
int wsrc_fail(src_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append at least one more decompressed byte to s->buf: 0; 1 at the end
 * of the source; -1 on error (s->in->error set). */
int wsrc_more(src_t *s);
/* Have at least want bytes of s->buf from offset pos (relative to base),
 * or all that is left: 0, or -1 on error. */
int wsrc_need(src_t *s, size_t pos, size_t want);
/* Where to cut p[0..n) (n > target) into a segment ending in [target,
 * limit): after a form feed, else before a line that starts with "§",
 * else after a blank line, else after a line end, else at a character
 * boundary. */
size_t window_find_cut(const unsigned char *p, size_t n, size_t target, size_t limit);

#endif
