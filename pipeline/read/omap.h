/*
 * omap.h — offset maps from a derived text back to the bytes it came from.
 *
 * Every stage that rewrites text (read: decoding, BOM, CRLF; normalize:
 * hyphen joins, furniture removal, line joining, character folding) builds
 * an omap_t while it writes its output.  The map is a sorted list of
 * segments; a segment says "dst bytes [dst, dst+dlen) came from src bytes
 * [src, src+slen)".  A copied segment is linear (byte i maps to src+i);
 * in a replacement segment every byte maps to the whole source range (a
 * character fold such as U+F0B7 -> "•", or an inserted separator with
 * slen == 0).
 *
 * Bytes of the source that no segment covers were removed (a line-end
 * hyphen, a page header).  A span [a, b) of the derived text maps to
 * [start of a's source, end of (b-1)'s source), so a record's span covers
 * everything removed inside it — hyphens and furniture included.
 *
 * Appending is amortised O(1): omap_copy() extends the last segment when
 * the new bytes continue it linearly.  Lookup is a binary search.
 */
#ifndef BESLUT_OMAP_H
#define BESLUT_OMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct omap_seg {
	uint32_t dst;   /* first derived byte */
	uint32_t dlen;  /* derived bytes */
	uint32_t src;   /* first source byte */
	uint32_t slen;  /* source bytes */
	uint32_t repl;  /* 1: a replacement, never extended by omap_copy */
} omap_seg_t;

typedef struct omap {
	omap_seg_t *seg; /* sorted by dst, contiguous: seg[i].dst + seg[i].dlen == seg[i+1].dst */
	size_t n, cap;
	uint32_t dst_len; /* derived bytes mapped so far */
} omap_t;

#define OMAP_INIT {NULL, 0, 0, 0}

/* n derived bytes copied verbatim from source offset src. */
void omap_copy(omap_t *m, uint32_t src, uint32_t n);
/* dlen derived bytes that replace source bytes [src, src+slen). */
void omap_replace(omap_t *m, uint32_t dlen, uint32_t src, uint32_t slen);
/* Map derived span [a, b) to source span [*sa, *sb).  a == b maps to an
 * empty span at a's source position.  Offsets past the end clamp. */
void omap_span(const omap_t *m, uint32_t a, uint32_t b, uint32_t *sa, uint32_t *sb);
/* Source offset of derived byte a (start of its segment's range for a replacement). */
uint32_t omap_point(const omap_t *m, uint32_t a);
/* omap_point() for offsets that mostly grow: the cursor remembers the
 * segment of the last answer, so a pass over a text in order costs one
 * step per segment instead of a binary search per query. */
typedef struct omap_cursor {
	const omap_t *m;
	size_t i;
} omap_cursor_t;
uint32_t omap_cursor_point(omap_cursor_t *c, uint32_t a);
/* Append to out the map of m's derived bytes [a, b), sources shifted by
 * shift (bytes of [a, b) past m's end map as omap_point clamps them). */
void omap_slice(omap_t *out, const omap_t *m, uint32_t a, uint32_t b, int64_t shift);
/* Empty, its segments kept for reuse. */
void omap_reset(omap_t *m);
void omap_release(omap_t *m);

#endif
