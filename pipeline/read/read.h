/*
 * read.h — read one input into memory and make it valid UTF-8 text.
 *
 * The source of a document is its bytes after decompression (gzip is
 * detected by its magic bytes, not by the file name); every span in the
 * output is an offset into those bytes.  From the source, read derives the
 * text the normalizer sees, with an offset map back to the source:
 *   - a UTF-8 byte order mark at the start is dropped;
 *   - CRLF becomes LF, a lone CR becomes LF;
 *   - NUL bytes are dropped (with a warning);
 *   - bytes that are not part of valid UTF-8 are decoded as Windows-1252
 *     through ICU (with a warning that counts them), so a Latin-1 file and
 *     a UTF-8 file with a stray byte both come out readable;
 *   - UTF-16 (LE or BE, by its byte order mark or, without one, by zero
 *     high bytes all at odd or all at even offsets) is decoded, with a
 *     warning; each character maps to its code units;
 *   - NULs do not make text binary (only when they are over half of it);
 *   - bytes after the last gzip member that start no member are ignored
 *     with a warning, as gzip(1) does.
 * Input that cannot be text (mostly control bytes), a truncated or corrupt
 * gzip stream, an unreadable path, an empty file and a file over
 * BESLUT_MAX_DOC_BYTES are errors: `error` says what happened, and the
 * caller still emits the document record.
 *
 * Ownership: an input_t owns all its buffers and strings;
 * input_release() frees them.
 */
#ifndef BESLUT_READ_H
#define BESLUT_READ_H

#include <stddef.h>
#include "common/util.h"
#include "omap.h"

typedef struct input {
	char *path;        /* path as opened ("-" for stdin) */
	char *doc;         /* document id (records.md: relative path without .gz) */
	buf_t src;         /* source bytes after decompression */
	buf_t text;        /* valid UTF-8, LF line ends, no NUL */
	omap_t map;        /* text byte -> source byte */
	int gzip;          /* source came from a gzip stream */
	char *error;       /* NULL, or why the input could not be processed */
	char **warnings;   /* allocated strings */
	size_t nwarnings, warnings_cap;
} input_t;

/* Read path ("-" = stdin) into in (zero-initialised by the caller), with
 * doc as its document id.  Returns 0 on success, -1 with in->error set. */
int read_input(const char *path, const char *doc, input_t *in);
/* The same with flags: READ_REGULAR_ONLY refuses (without blocking) a
 * path that is not a regular file — FIFO, device, socket; and with a
 * limit on the document's bytes, compressed and decompressed (0 =
 * BESLUT_DOC_BYTES_DEFAULT; never above BESLUT_MAX_DOC_BYTES). */
#define READ_REGULAR_ONLY 1u
int read_input_ex(const char *path, const char *doc, unsigned flags, size_t max_bytes, input_t *in);
/* The same, but a longer input is not read whole: when the input has
 * more than head_max bytes (head_max > 0), returns 1 with the first of
 * them in *head (at least head_max + 1, the raw bytes, gzip not
 * inflated), the descriptor in *fd_out (positioned after them; 0 for
 * stdin, else the caller closes it) and in->path/doc set, for the
 * caller to read on in a stream (window.c).  Else as read_input_ex. */
int read_input_head(const char *path, const char *doc, unsigned flags, size_t max_bytes, size_t head_max,
                    input_t *in, buf_t *head, int *fd_out);
/* Pieces of the decoding for a stream read in slices (window.c): 0 when
 * the first bytes are text the slices can decode, 1 when they are UTF-16
 * (decoded whole only), -1 with in->error set when they are binary. */
int read_sniff(input_t *in, const void *head, size_t n, const char *path);
/* Decode source bytes [0, n) that start at source offset base (a slice
 * that begins and ends at a line end or a character boundary, never
 * between CR and LF), appending to text and map; at_start: the slice
 * starts the source (a byte order mark is dropped).  NUL and
 * Windows-1252 bytes are counted into *nul and *bad, and
 * read_decode_warnings() turns the totals into the input's warnings, as
 * one read of the whole source would. */
void read_decode_slice(const void *src, size_t n, uint32_t base, int at_start, buf_t *text, omap_t *map,
                       size_t *nul, size_t *bad);
void read_decode_warnings(input_t *in, size_t nul, size_t bad);
/* Decode in->src (already decompressed) into in->text and in->map, as
 * read_input_ex does after reading. */
int read_finish(input_t *in, const char *path);
/* The same for bytes already in memory (tests, fuzzing); data is copied. */
int read_memory(const void *data, size_t len, const char *doc, input_t *in);
/* The same for bytes read elsewhere (an archive member, container.h):
 * raw is taken over; path names the input in messages and `source`. */
int read_bytes(buf_t *raw, const char *path, const char *doc, size_t max_bytes, input_t *in);
void input_warn(input_t *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void input_release(input_t *in);

#endif
