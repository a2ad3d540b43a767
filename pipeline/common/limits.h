/*
 * limits.h — every hard limit of beslut, named once.
 *
 * Offsets inside a document are uint32_t, so one document (after
 * decompression) may hold at most BESLUT_MAX_DOC_BYTES bytes, and by default
 * (--max-doc-bytes) BESLUT_DOC_BYTES_DEFAULT; a larger input yields its
 * `document` record with status "error" and nothing else, and no more than
 * the limit (plus one read block) is ever held for it.
 * Each limit has a pathological test (tests/golden/ or tests/unit/).
 */
#ifndef BESLUT_LIMITS_H
#define BESLUT_LIMITS_H

#define BESLUT_MAX_DOC_BYTES     (1u << 31)  /* one decompressed input, bytes: the hard cap */
#define BESLUT_DOC_BYTES_DEFAULT (256u << 20) /* … and the default of --max-doc-bytes */
#define BESLUT_MAX_TOKEN_BYTES   256         /* longer runs are split into several tokens */
#define BESLUT_READ_CHUNK        (256u << 10) /* read()/gzread() block size */
#define BESLUT_OUT_BLOCK         (1u << 20)  /* output is written in blocks of this size */
#define BESLUT_MAX_WARNINGS      200         /* warnings kept per document record */
#define BESLUT_MAX_NUMBER_DIGITS 15         /* int() of a longer digit run is null (exact in a JSON double) */
#define BESLUT_SCHEMA_FILE      "records.bg" /* the record schema in the grammar directory */
#define BESLUT_MAX_DIAGNOSTICS   20          /* grammar errors reported before giving up */
#define BESLUT_STEM_CACHE_SLOTS  (1u << 15)  /* per-thread word memo (tokens/words.c), slots */
#define BESLUT_MAX_THREADS       64          /* -j upper bound */
#define BESLUT_MATCH_STEP_BUDGET 20000       /* matcher steps per rule and start token before it gives up */
#define BESLUT_WINDOW_BYTES      (4u << 20)  /* a larger document is matched in windows of this size … */
#define BESLUT_GRAMMAR_MAX_NESTING 64        /* ( … ), !, name: and f(…) nested in one statement */
#define BESLUT_GRAMMAR_MAX_DEPTH   512       /* a pattern tree with its <references> expanded */
#define BESLUT_GRAMMAR_MAX_INSNS   (1u << 20) /* matcher instructions of one rule ({m,n} is unrolled) */
#define BESLUT_GRAMMAR_MAX_FILE    (16u << 20) /* bytes of one grammar or lexicon file */
#define BESLUT_WINDOW_SLACK      (1u << 20)  /* … cut at a paragraph boundary within this much more */
/* A document longer than BESLUT_STREAM_WINDOW source bytes is read, normalized,
 * matched and assembled in windows of about that size (window.h; the
 * environment variable BESLUT_WINDOW_BYTES sets another size), so memory
 * is bounded by the window, not by the input.  With that path the default
 * of --max-doc-bytes is BESLUT_MAX_DOC_BYTES (nothing is held whole). */
#define BESLUT_STREAM_WINDOW     (256u << 10)
#define BESLUT_STREAM_SLACK_DIV  4           /* a cut is sought within window/4 after it */
#define BESLUT_WINDOW_CONTEXT    (8u << 10)  /* normalized bytes before a window its matcher sees */
#define BESLUT_WINDOW_LOOKAHEAD  (64u << 10) /* … and after it, so a match that starts in it ends */
#define BESLUT_WINDOW_HOLD       8           /* windows an open item is held back before it is split */
#define BESLUT_CARRY_PERSONS     1024        /* persons (name, party) a windowed document remembers */

#endif
