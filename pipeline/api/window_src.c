/*
 * window_src.c — the source of a windowed document, read and inflated as
 * it comes, and where to cut it into segments (window_int.h).
 */
#include "window_int.h"
#include "common/limits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>




int wsrc_fail(src_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int wsrc_fail(src_t *s, const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(s->in->error);
	s->in->error = buf_detach(&b, NULL);
	return -1;
}

/* More raw bytes: 0, or 1 at the end, -1 on error. */
static int wsrc_raw_more(src_t *s)
{
	if (s->raw_eof)
		return 1;
	if (s->rpos == s->raw.len) {
		s->rpos = 0;
		s->raw.len = 0;
	}
	buf_grow(&s->raw, BESLUT_READ_CHUNK);
	for (;;) {
		ssize_t r = read(s->fd, s->raw.data + s->raw.len, BESLUT_READ_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return wsrc_fail(s, "%s: read error: %s", s->name, strerror(errno));
		}
		if (r == 0) {
			s->raw_eof = 1;
			return 1;
		}
		s->raw.len += (size_t)r;
		s->raw.data[s->raw.len] = '\0';
		return 0;
	}
}

static int wsrc_add(src_t *s, const void *p, size_t n)
{
	if (s->total + n > s->max && (s->too_large = 1))
		return s->gzip ? wsrc_fail(s, "%s: decompressed input too large (over %zu bytes, --max-doc-bytes)",
		                          s->name, s->max)
		               : wsrc_fail(s, "%s: input too large (over %zu bytes, --max-doc-bytes)", s->name, s->max);
	buf_add(&s->buf, p, n);
	sha256_update(&s->sha, p, n);
	s->total += n;
	return 0;
}

/* Append at least one more decompressed byte to s->buf: 0; 1 at the end
 * of the source; -1 on error (s->in->error set). */
int wsrc_more(src_t *s)
{
	if (s->eof)
		return 1;
	for (;;) {
		if (s->rpos == s->raw.len) {
			int r = wsrc_raw_more(s);
			if (r < 0)
				return -1;
			if (r > 0 && !s->gzip) {
				s->eof = 1;
				return 1;
			}
		}
		if (!s->gzip) {
			size_t n = s->raw.len - s->rpos;
			if (wsrc_add(s, s->raw.data + s->rpos, n))
				return -1;
			s->rpos = s->raw.len;
			return 0;
		}
		/* gzip: as read.c gunzip(), one member after another */
		size_t avail = s->raw.len - s->rpos;
		if (avail == 0 && s->raw_eof)
			return wsrc_fail(s, "%s: truncated gzip stream (ends after %lu compressed bytes, "
			                "%zu bytes decompressed)", s->name, s->zin, (size_t)s->total);
		unsigned char out[1 << 16];
		s->zs.next_in = (unsigned char *)s->raw.data + s->rpos;
		s->zs.avail_in = (unsigned)(avail > (1u << 30) ? (1u << 30) : avail);
		s->zs.next_out = out;
		s->zs.avail_out = sizeof out;
		int rc = inflate(&s->zs, Z_NO_FLUSH);
		size_t used = (size_t)((char *)s->zs.next_in - (s->raw.data + s->rpos));
		s->rpos += used;
		s->zin += used;
		size_t got = sizeof out - s->zs.avail_out;
		if (got && wsrc_add(s, out, got))
			return -1;
		if (rc == Z_STREAM_END) {
			/* another member? (zero padding skipped) */
			for (;;) {
				while (s->rpos < s->raw.len && s->raw.data[s->rpos] == 0)
					s->rpos++, s->zin++;
				if (s->rpos < s->raw.len)
					break;
				int r = wsrc_raw_more(s);
				if (r < 0)
					return -1;
				if (r > 0)
					break;
			}
			if (s->rpos == s->raw.len) {
				s->eof = 1;
				return got ? 0 : 1;
			}
			unsigned char c0 = (unsigned char)s->raw.data[s->rpos];
			unsigned char c1 = s->rpos + 1 < s->raw.len ? (unsigned char)s->raw.data[s->rpos + 1] : 0x8b;
			if (c0 != 0x1f || c1 != 0x8b) {
				size_t left = s->raw.len - s->rpos;
				s->rpos = s->raw.len;
				while (wsrc_raw_more(s) == 0) {
					left += s->raw.len - s->rpos;
					s->rpos = s->raw.len;
				}
				input_warn(s->in, "%zu trailing bytes after the gzip data ignored", left);
				s->eof = 1;
				return got ? 0 : 1;
			}
			if (inflateReset(&s->zs) != Z_OK) {
				s->eof = 1;
				return got ? 0 : 1;
			}
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			const char *msg = s->zs.msg ? s->zs.msg : zError(rc);
			return wsrc_fail(s, "%s: corrupt gzip stream at compressed byte %lu: %s", s->name, s->zin, msg);
		}
		if (got)
			return 0;
	}
}

/* Have at least want bytes of s->buf from offset pos (relative to base),
 * or all that is left: 0, or -1 on error. */
int wsrc_need(src_t *s, size_t pos, size_t want)
{
	while (s->buf.len - pos < want) {
		int r = wsrc_more(s);
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
	}
	return 0;
}

/* ---- cutting ---- */

/* Where to cut p[0..n) (n > target): after a form feed in [target,
 * limit), else before a line that starts with "§" (after spaces: an item
 * heading is a paragraph of its own in any layout, where a blank line
 * is not: double-spaced text has one after every line), else after a
 * blank line, else after a line end, else at a character boundary. */
size_t window_find_cut(const unsigned char *p, size_t n, size_t target, size_t limit)
{
	if (limit > n)
		limit = n;
	const unsigned char *ff = memchr(p + target, '\f', limit - target);
	if (ff)
		return (size_t)(ff - p) + 1;
	size_t any = 0, line = 0;
	for (size_t i = target; i < limit;) {
		const unsigned char *q = memchr(p + i, '\n', limit - i);
		if (!q)
			break;
		size_t j = (size_t)(q - p) + 1; /* after this LF */
		if (!line)
			line = j;
		size_t k = j;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k + 1 < n && p[k] == 0xC2 && p[k + 1] == 0xA7)
			return j;
		k = j;
		if (k < limit && p[k] == '\r')
			k++;
		if (k < limit && p[k] == '\n' && !any)
			any = k + 1;
		i = j;
	}
	if (any)
		return any;
	if (line)
		return line;
	for (size_t i = target; i < n; i++)
		if ((p[i] & 0xC0) != 0x80 && p[i - 1] != '\r')
			return i;
	return n;
}

