/*
 * normalize.h — repair PDF-extracted protocol text.
 *
 * Input: UTF-8 text as produced by read (valid UTF-8, LF line ends, no NUL).
 * Output: the text every later stage sees, in a fixed shape:
 *   - paragraphs separated by exactly one blank line ("\n\n");
 *   - a heading ("§ 171", "Reservation", "Beslutsgång", a § title) and each
 *     numbered or bulleted point is its own line (lines separated by "\n");
 *     other broken lines of a paragraph are joined with one space;
 *   - line-end hyphens resolved per occurrence (joined, kept, or a suspended
 *     compound kept: "hälso- och");
 *   - page furniture (running headers/footers, page numbers) removed;
 *   - characters folded: NFC, soft hyphen removed, private-use bullets ->
 *     "•", NBSP -> space, ligatures -> letters; runs of spaces -> one space,
 *     no trailing spaces on a line.
 * plus an offset map from every output byte back to the input bytes, the
 * page each stretch of output came from, statistics and (on request) a log
 * of every edit with its reason.
 *
 * Ownership: a normalizer_t holds read-only resources (the furniture
 * lexicon, the Swedish dictionary) and scratch; one thread uses it at a
 * time (the driver makes one per worker).  A norm_result_t owns its buffers;
 * norm_result_release() frees them.
 */
#ifndef BESLUT_NORMALIZE_H
#define BESLUT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include "common/util.h"
#include "read/omap.h"

typedef struct normalizer normalizer_t;

typedef struct norm_page {
	uint32_t start;  /* first normalized byte of this page */
	int number;      /* printed page number, or ordinal if none printed */
} norm_page_t;

typedef struct norm_stats {
	size_t lines;            /* input lines */
	size_t hyphen_joins;     /* "sjuk-|hus" -> "sjukhus" */
	size_t hyphens_kept;     /* "EU-|programmet", "2020-|10-14" */
	size_t suspended_kept;   /* "hälso-| och" */
	size_t headers_removed;  /* furniture lines removed */
	size_t pages;            /* page count (form feeds or page evidence), >= 1 */
} norm_stats_t;

typedef enum norm_edit_kind {
	EDIT_JOIN,        /* hyphen removed, word joined */
	EDIT_KEEP_HYPHEN, /* hyphen kept, lines joined without space */
	EDIT_SUSPENDED,   /* suspended compound, hyphen kept, space kept */
	EDIT_FURNITURE,   /* line removed as page furniture */
	EDIT_CHAR,        /* character folded */
	EDIT_LINE_JOIN    /* line break replaced by a space */
} norm_edit_kind_t;

typedef struct norm_edit {
	norm_edit_kind_t kind;
	const char *reason;   /* static string: why this decision */
	uint32_t src_start;   /* input span of the edit */
	uint32_t src_end;
	uint32_t before;      /* offset in `log` of the text before (NUL-terminated) */
	uint32_t after;       /* offset in `log` of the text after (NUL-terminated) */
} norm_edit_t;

/* A span [start, end) of the input text given to normalize_run. */
typedef struct norm_span {
	uint32_t start, end;
} norm_span_t;

/* How many content (non-blank) lines at the start of the text have their
 * removed furniture recorded in norm_result_t.furniture. */
#define NORM_FURNITURE_LINES 12
/* running header lines (removed wherever they stand) recorded after those */
#define NORM_RUNNING_LINES 6

typedef struct norm_result {
	buf_t text;          /* normalized UTF-8 */
	omap_t map;          /* normalized byte -> input byte */
	norm_page_t *pages;  /* sorted by start; pages[0].start == 0 */
	size_t npages;
	norm_stats_t stats;
	norm_edit_t *edits;  /* only with NORM_LOG_EDITS */
	size_t nedits, edits_cap;
	buf_t log;           /* strings referenced by edits */
	/* The furniture lines removed among the first NORM_FURNITURE_LINES
	 * content lines, in input order: the first page's header, which
	 * holds the document's metadata ("Kommunfullmäktige  Sammanträdes-
	 * datum 2021-03-22  5 (40)", "SAMMANTRÄDESPROTOKOLL 2022-06-13").
	 * Each span is one input line, leading and trailing whitespace
	 * trimmed; the text is not in `text`.  Always recorded (no flag);
	 * NULL and 0 when none.  After them, the first NORM_RUNNING_LINES lines
	 * of running headers removed away from any page boundary. */
	norm_span_t *furniture;
	size_t nfurniture;
} norm_result_t;

#define NORM_LOG_EDITS 1u

/* lexdir: the lexicons/ directory (furniture words).  On failure returns
 * NULL and sets *err to an allocated message the caller frees. */
normalizer_t *normalizer_new(const char *lexdir, char **err);
void normalizer_free(normalizer_t *nz);

/* Normalize text[0..len).  Never fails on any byte string that is valid
 * UTF-8; out must be zero-initialised (or released) before the call. */
void normalize_run(normalizer_t *nz, const char *text, size_t len,
                   unsigned flags, norm_result_t *out);

/* The same for one segment of a longer text cut at a page or paragraph
 * boundary (window.c).  Pages are numbered on from the page before it
 * (prev_page > 0; continues: the segment's first page is that page
 * continued), as one run over the whole text numbers them after a
 * printed number; the dictionary budget is one for all segments
 * (*budget, what is left after each); the shape of the text (its
 * measure, double spacing, whether trailing and leading spaces say
 * anything) is learned from the first segment and used for the others
 * (*shape).  Furniture is found by repetition between the neighbouring
 * pages of the segment. */
typedef struct norm_shape {
	int known;
	unsigned W;
	int wrapped, noblank, dbl, trail_sig, lead_sig;
} norm_shape_t;
typedef struct norm_segment {
	int prev_page;        /* number of the page before the segment; 0 = it starts the text */
	int continues;        /* the segment starts inside that page */
	int later;            /* not the first segment (a verdict remembered from one costs no budget) */
	size_t *budget;       /* dictionary lookups left for the text, read and written */
	norm_shape_t *shape;  /* the text's shape: learned from the first segment, then used */
} norm_segment_t;
void normalize_run_segment(normalizer_t *nz, const char *text, size_t len, unsigned flags,
                           const norm_segment_t *sg, norm_result_t *out);

/* Page number of normalized offset off (binary search over pages). */
int norm_page_at(const norm_result_t *r, uint32_t off);

void norm_result_release(norm_result_t *r);

const char *norm_edit_kind_name(norm_edit_kind_t k);

#endif
