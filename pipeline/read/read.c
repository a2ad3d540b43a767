/*
 * read.c — bytes in, valid UTF-8 text out (see read.h for the contract).
 *
 * Files are read with read(2) in BESLUT_READ_CHUNK blocks into one buffer;
 * a gzip stream (magic 1f 8b) is inflated with zlib, members concatenated,
 * and a stream that ends before its trailer is an error.  The decode pass
 * copies runs of valid UTF-8 verbatim (one omap segment per run) and
 * handles the exceptions byte by byte.
 */
#include "read.h"
#include "common/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/ucnv.h>
#include <zlib.h>

void input_warn(input_t *in, const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GROW(in->warnings, in->warnings_cap, in->nwarnings + 1);
	in->warnings[in->nwarnings++] = buf_detach(&b, NULL);
}

static int fail(input_t *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(input_t *in, const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(in->error);
	in->error = buf_detach(&b, NULL);
	return -1;
}

static size_t doc_limit(size_t max)
{
	return max == 0 ? BESLUT_DOC_BYTES_DEFAULT : max > BESLUT_MAX_DOC_BYTES ? BESLUT_MAX_DOC_BYTES : max;
}

/* Read all of fd into b, at most max bytes. */
static int slurp(int fd, buf_t *b, const char *path, input_t *in, size_t max)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > max)
			return fail(in, "%s: input too large (%lld bytes; the limit is %zu, --max-doc-bytes)", path,
			            (long long)st.st_size, max);
		buf_grow(b, (size_t)st.st_size);
	}
	for (;;) {
		buf_grow(b, BESLUT_READ_CHUNK);
		ssize_t r = read(fd, b->data + b->len, BESLUT_READ_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return fail(in, "%s: read error: %s", path, strerror(errno));
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
		if (b->len > max)
			return fail(in, "%s: input too large (over %zu bytes, --max-doc-bytes)", path, max);
	}
	b->data[b->len] = '\0';
	return 0;
}

/* Inflate a gzip byte string (one or more members) into out. */
static int gunzip(const buf_t *gz, buf_t *out, const char *path, input_t *in, size_t max)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return fail(in, "%s: cannot initialise zlib", path);
	zs.next_in = (unsigned char *)gz->data;
	size_t left = gz->len;
	int rc = Z_OK;
	buf_grow(out, gz->len < max / 4 ? gz->len * 4 : max); /* a guess, never past the limit */
	for (;;) {
		if (zs.avail_in == 0) {
			unsigned chunk = left > (1u << 30) ? (1u << 30) : (unsigned)left;
			zs.avail_in = chunk;
			left -= chunk;
		}
		buf_grow(out, BESLUT_READ_CHUNK);
		zs.next_out = (unsigned char *)out->data + out->len;
		zs.avail_out = BESLUT_READ_CHUNK;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len = (size_t)((char *)zs.next_out - out->data);
		if (out->len > max) {
			inflateEnd(&zs);
			return fail(in, "%s: decompressed input too large (over %zu bytes, --max-doc-bytes)", path,
			            max);
		}
		if (rc == Z_STREAM_END) {
			/* another member follows? (skip trailing zero padding) */
			while (zs.avail_in && *zs.next_in == 0)
				zs.next_in++, zs.avail_in--;
			if (zs.avail_in == 0 && left == 0)
				break;
			/* bytes that start no gzip member: ignored with a warning,
			 * as gzip(1) does ("trailing garbage ignored") */
			if (zs.avail_in == 0 ? 0
			    : zs.next_in[0] != 0x1f || (zs.avail_in >= 2 && zs.next_in[1] != 0x8b)) {
				input_warn(in, "%zu trailing bytes after the gzip data ignored",
				           (size_t)zs.avail_in + left);
				break;
			}
			if (inflateReset(&zs) != Z_OK)
				break;
			continue;
		}
		if (rc == Z_OK)
			continue;
		if (rc == Z_BUF_ERROR && zs.avail_in == 0 && left == 0) {
			inflateEnd(&zs);
			return fail(in, "%s: truncated gzip stream (ends after %lu compressed bytes, "
			            "%zu bytes decompressed)", path, zs.total_in, out->len);
		}
		if (rc == Z_BUF_ERROR)
			continue;
		const char *msg = zs.msg ? zs.msg : zError(rc);
		unsigned long at = zs.total_in;
		inflateEnd(&zs);
		return fail(in, "%s: corrupt gzip stream at compressed byte %lu: %s", path, at, msg);
	}
	inflateEnd(&zs);
	out->data[out->len] = '\0';
	return 0;
}

/* Windows-1252 -> Unicode for bytes 0x80..0xFF, built through ICU. */
static void cp1252_table(uint32_t tab[128])
{
	UErrorCode err = U_ZERO_ERROR;
	UConverter *cv = ucnv_open("windows-1252", &err);
	for (int b = 0; b < 128; b++) {
		tab[b] = 0xFFFD;
		if (U_FAILURE(err) || !cv)
			continue;
		char c = (char)(b + 128);
		UChar u[4];
		UErrorCode e2 = U_ZERO_ERROR;
		int32_t n = ucnv_toUChars(cv, u, 4, &c, 1, &e2);
		if (U_SUCCESS(e2) && n == 1 && u[0] != 0x1A)
			tab[b] = u[0];
	}
	if (cv)
		ucnv_close(cv);
}

/* Whether the first bytes look like binary data rather than text.  Text,
 * whatever its encoding, has almost no C0 control characters besides tab,
 * LF, CR and FF (a stray NUL is removed with a warning, not refused).
 * Random or compressed bytes have about 11 % of them and are mostly invalid
 * UTF-8, so either over 5 % controls, or over 1 % controls together with
 * over 20 % invalid UTF-8, is binary; both thresholds are many standard
 * deviations away from what an 8 KB sample of either kind gives. */
static int looks_binary(const unsigned char *s, size_t n)
{
	size_t probe = n < 8192 ? n : 8192, ctl = 0, inval = 0, nul = 0;
	for (size_t i = 0; i < probe;) {
		unsigned c = s[i];
		if (c == 0)
			nul++; /* removed from text, counted apart ("a \0b \0c") */
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
			ctl++;
		if (c >= 0x80) {
			int len;
			if (utf8_decode(s + i, n - i, &len) < 0) {
				inval++;
				i++;
			} else {
				i += (size_t)len;
			}
			continue;
		}
		i++;
	}
	if (!probe)
		return 0;
	return nul * 2 > probe || ctl * 20 > probe || (ctl * 100 > probe && inval * 5 > probe);
}

/* UTF-16 by its byte order mark, or without one by its zero bytes: text
 * in a Latin script has a zero high byte in nearly every code unit, all
 * at even offsets (big-endian) or all at odd ones (little-endian); NULs
 * sprinkled into UTF-8 text fall on both.  Returns 0, 1 (LE) or 2 (BE);
 * *skip is the length of the mark. */
static int utf16_kind(const unsigned char *s, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE && !(n >= 4 && s[2] == 0 && s[3] == 0)) {
		*skip = 2;
		return 1;
	}
	if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
		*skip = 2;
		return 2;
	}
	size_t probe = (n < 8192 ? n : 8192) & ~(size_t)1, z0 = 0, z1 = 0;
	if (probe < 16)
		return 0;
	for (size_t i = 0; i < probe; i += 2) {
		z0 += s[i] == 0;
		z1 += s[i + 1] == 0;
	}
	size_t pairs = probe / 2;
	if (z1 * 10 > pairs * 3 && z0 * 50 < pairs)
		return 1;
	if (z0 * 10 > pairs * 3 && z1 * 50 < pairs)
		return 2;
	return 0;
}

/* UTF-16 source -> UTF-8 text, with the same repairs as decode(): CRLF
 * and CR to LF, NUL removed, an unpaired surrogate becomes U+FFFD.  Each
 * character maps to its code units in the source. */
static void decode_utf16(input_t *in, int be, size_t skip)
{
	const unsigned char *s = (const unsigned char *)in->src.data;
	size_t n = in->src.len & ~(size_t)1, nul = 0, bad = 0;
	buf_grow(&in->text, n);
	for (size_t i = skip; i < n;) {
		uint32_t u = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
		size_t len = 2;
		if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
			uint32_t lo = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
			if (lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				len = 4;
			}
		}
		if (u >= 0xD800 && u < 0xE000) {
			u = 0xFFFD;
			bad++;
		}
		if (u == 0) {
			nul++;
		} else if (u == '\r') {
			size_t j = i + 2;
			int crlf = j + 1 < n && (be ? (s[j] == 0 && s[j + 1] == '\n') : (s[j] == '\n' && s[j + 1] == 0));
			if (!crlf) {
				buf_addc(&in->text, '\n');
				omap_replace(&in->map, 1, (uint32_t)i, 2);
			}
		} else if (!(u == 0xFEFF && i == skip)) {
			char out[4];
			int m = utf8_encode(u, out);
			buf_add(&in->text, out, (size_t)m);
			omap_replace(&in->map, (uint32_t)m, (uint32_t)i, (uint32_t)len);
		}
		i += len;
	}
	if (!in->text.data)
		buf_grow(&in->text, 0);
	input_warn(in, "decoded from UTF-16%s", be ? "BE" : "LE");
	if (in->src.len & 1)
		input_warn(in, "odd final byte of UTF-16 input ignored");
	if (nul)
		input_warn(in, "%zu NUL character%s removed", nul, nul == 1 ? "" : "s");
	if (bad)
		input_warn(in, "%zu unpaired UTF-16 surrogate%s replaced by U+FFFD", bad, bad == 1 ? "" : "s");
}

/* Decode source bytes s[0..n), which start at source offset base, into
 * text and map (see read_decode_slice in read.h). */
static void decode_bytes(const unsigned char *s, size_t n, uint32_t base, int at_start, buf_t *text,
                         omap_t *map, size_t *nul_out, size_t *bad_out)
{
	size_t i = 0;
	size_t nul = 0, bad = 0, cr = 0;
	uint32_t tab[128];
	int have_tab = 0;
	buf_grow(text, n);
	if (at_start && n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	while (i < n) {
		size_t run = i;
		/* verbatim run: valid UTF-8 without NUL or CR */
		while (i < n) {
			unsigned c = s[i];
			if (c >= 0x80) {
				int len;
				if (utf8_decode(s + i, n - i, &len) < 0)
					break;
				i += (size_t)len;
				continue;
			}
			if (c == 0 || c == '\r')
				break;
			i++;
		}
		if (i > run) {
			buf_add(text, s + run, i - run);
			omap_copy(map, base + (uint32_t)run, (uint32_t)(i - run));
		}
		if (i >= n)
			break;
		unsigned c = s[i];
		if (c == 0) {
			nul++;
			i++;
		} else if (c == '\r') {
			if (i + 1 < n && s[i + 1] == '\n') {
				i++; /* dropped; the LF is copied by the next run */
			} else {
				buf_addc(text, '\n');
				omap_replace(map, 1, base + (uint32_t)i, 1);
				i++;
			}
			cr++;
		} else {
			if (!have_tab) {
				cp1252_table(tab);
				have_tab = 1;
			}
			char out[4];
			int m = utf8_encode(tab[c - 128], out);
			buf_add(text, out, (size_t)m);
			omap_replace(map, (uint32_t)m, base + (uint32_t)i, 1);
			bad++;
			i++;
		}
	}
	if (!text->data)
		buf_grow(text, 0);
	*nul_out += nul;
	*bad_out += bad;
}

void read_decode_slice(const void *src, size_t n, uint32_t base, int at_start, buf_t *text, omap_t *map,
                       size_t *nul, size_t *bad)
{
	decode_bytes(src, n, base, at_start, text, map, nul, bad);
}

void read_decode_warnings(input_t *in, size_t nul, size_t bad)
{
	if (nul)
		input_warn(in, "%zu NUL byte%s removed", nul, nul == 1 ? "" : "s");
	if (bad)
		input_warn(in, "%zu byte%s not valid UTF-8, decoded as Windows-1252", bad,
		           bad == 1 ? "" : "s");
}

static void decode(input_t *in)
{
	size_t nul = 0, bad = 0;
	decode_bytes((const unsigned char *)in->src.data, in->src.len, 0, 1, &in->text, &in->map, &nul, &bad);
	read_decode_warnings(in, nul, bad);
}

int read_sniff(input_t *in, const void *head, size_t n, const char *path)
{
	size_t skip;
	if (utf16_kind(head, n, &skip))
		return 1;
	if (looks_binary(head, n)) {
		fail(in, "%s: binary data, not text (control bytes and invalid UTF-8 in the first %zu bytes)",
		     path, n < 8192 ? n : (size_t)8192);
		return -1;
	}
	return 0;
}

static int finish(input_t *in, const char *path)
{
	if (in->src.len == 0)
		return fail(in, "%s: empty input (0 bytes)", path);
	size_t skip;
	int u16 = utf16_kind((const unsigned char *)in->src.data, in->src.len, &skip);
	if (u16) {
		decode_utf16(in, u16 == 2, skip);
		return 0;
	}
	if (looks_binary((const unsigned char *)in->src.data, in->src.len))
		return fail(in, "%s: binary data, not text (control bytes and invalid UTF-8 in the first %zu bytes)",
		            path, in->src.len < 8192 ? in->src.len : (size_t)8192);
	decode(in);
	return 0;
}

int read_finish(input_t *in, const char *path)
{
	return finish(in, path);
}

static int from_raw(input_t *in, buf_t *raw, const char *path, size_t max)
{
	if (raw->len >= 2 && (unsigned char)raw->data[0] == 0x1f && (unsigned char)raw->data[1] == 0x8b) {
		in->gzip = 1;
		int rc = gunzip(raw, &in->src, path, in, max);
		buf_release(raw);
		if (rc)
			return rc;
	} else {
		in->src = *raw;
		*raw = (buf_t)BUF_INIT;
	}
	if (!in->src.data)
		buf_grow(&in->src, 0);
	return finish(in, path);
}

int read_input(const char *path, const char *doc, input_t *in)
{
	return read_input_ex(path, doc, 0, 0, in);
}

/* Open path for read_input_ex / read_input_head: 0 = stdin; -1 with
 * in->error set. */
static int open_input(const char *path, unsigned flags, input_t *in)
{
	if (strcmp(path, "-") == 0)
		return 0;
	/* O_NONBLOCK: opening a FIFO without a writer must not block
	 * before we know what the path is */
	int fd = open(path, O_RDONLY | O_CLOEXEC | ((flags & READ_REGULAR_ONLY) ? O_NONBLOCK : 0));
	if (fd < 0)
		return fail(in, "%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(in, "%s: is a directory", path);
	}
	if ((flags & READ_REGULAR_ONLY) && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return fail(in, "%s: not a regular file, not read", path);
	}
	if (flags & READ_REGULAR_ONLY)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int read_input_ex(const char *path, const char *doc, unsigned flags, size_t max_bytes, input_t *in)
{
	return read_input_head(path, doc, flags, max_bytes, 0, in, NULL, NULL);
}

int read_input_head(const char *path, const char *doc, unsigned flags, size_t max_bytes, size_t head_max,
                    input_t *in, buf_t *head, int *fd_out)
{
	size_t max = doc_limit(max_bytes);
	in->path = xstrdup(path);
	in->doc = xstrdup(doc);
	int is_stdin = strcmp(path, "-") == 0;
	int fd = open_input(path, flags, in);
	if (fd < 0)
		return -1;
	const char *name = is_stdin ? "<stdin>" : path;
	buf_t raw = BUF_INIT;
	if (head_max) {
		/* the first head_max bytes and one more: does the input end there? */
		for (;;) {
			buf_grow(&raw, BESLUT_READ_CHUNK);
			ssize_t r = read(fd, raw.data + raw.len, BESLUT_READ_CHUNK);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (!is_stdin)
					close(fd);
				buf_release(&raw);
				return fail(in, "%s: read error: %s", name, strerror(errno));
			}
			if (r == 0)
				break;
			raw.len += (size_t)r;
			if (raw.len > head_max) {
				*head = raw;
				*fd_out = fd;
				return 1;
			}
		}
	}
	int rc = slurp(fd, &raw, name, in, max);
	if (!is_stdin)
		close(fd);
	if (rc) {
		buf_release(&raw);
		return rc;
	}
	if (!raw.data)
		buf_grow(&raw, 0);
	return from_raw(in, &raw, name, max);
}

int read_memory(const void *data, size_t len, const char *doc, input_t *in)
{
	in->path = xstrdup(doc);
	in->doc = xstrdup(doc);
	buf_t raw = BUF_INIT;
	buf_add(&raw, data, len);
	return from_raw(in, &raw, doc, doc_limit(0));
}

int read_bytes(buf_t *raw, const char *path, const char *doc, size_t max_bytes, input_t *in)
{
	in->path = xstrdup(path);
	in->doc = xstrdup(doc);
	if (!raw->data)
		buf_grow(raw, 0);
	return from_raw(in, raw, path, doc_limit(max_bytes));
}

void input_release(input_t *in)
{
	free(in->path);
	free(in->doc);
	buf_release(&in->src);
	buf_release(&in->text);
	omap_release(&in->map);
	free(in->error);
	for (size_t i = 0; i < in->nwarnings; i++)
		free(in->warnings[i]);
	free(in->warnings);
	memset(in, 0, sizeof *in);
}
