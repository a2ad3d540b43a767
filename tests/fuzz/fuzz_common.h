/*
 * fuzz_common.h — shared by the libFuzzer targets in tests/fuzz/.
 *
 *   fz_dir()         where the grammars and lexicons are: $BESLUT_GRAMMARS /
 *                    $BESLUT_LEXICONS, else the source tree the target was
 *                    built in (FUZZ_SRCDIR, set by tests/fuzz.mk).
 *   fz_json_value()  a strict RFC 8259 JSON checker (no allocation): objects,
 *                    arrays, strings with valid escapes and valid UTF-8 and
 *                    no raw control characters, numbers, literals; nesting
 *                    bounded.
 *   fz_check_jsonl() every line of one document's output is one JSON object
 *                    with the envelope of docs/records.md (type, schema,
 *                    doc, id, item, page, span), no duplicate top-level key;
 *                    exactly one `document` record and it comes first; ids
 *                    unique and of the form DOC#TYPE/N; spans inside the
 *                    source.  A violation prints the line and aborts, which
 *                    libFuzzer reports as a crash with the input saved.
 *
 * Header-only: each target is one translation unit.
 */
#ifndef BESLUT_FUZZ_COMMON_H
#define BESLUT_FUZZ_COMMON_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

/* An allocated path: $env, else FUZZ_SRCDIR/sub. */
static inline char *fz_dir(const char *env, const char *sub)
{
	const char *e = getenv(env);
	size_t n = e && *e ? strlen(e) + 1 : strlen(FUZZ_SRCDIR) + strlen(sub) + 2;
	char *p = malloc(n);
	if (!p)
		abort();
	if (e && *e)
		memcpy(p, e, n);
	else
		snprintf(p, n, "%s/%s", FUZZ_SRCDIR, sub);
	return p;
}

/* Whole file into a malloc'd NUL-terminated buffer; NULL if unreadable. */
static inline char *fz_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			b = realloc(b, cap);
		}
		if (!b)
			abort();
		size_t k = fread(b + n, 1, cap - n - 1, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

static inline void fz_fail(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz check failed: %s\n  line: %.*s\n", what, (int)(len > 600 ? 600 : len), line);
	abort();
}

/* ---- strict JSON ---- */

typedef struct fz_json {
	const char *p, *end;
	int depth;
} fz_json_t;

#define FZ_JSON_MAX_DEPTH 64

static inline void fz_ws(fz_json_t *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Length of the valid UTF-8 sequence at s (shortest form, no surrogates,
 * <= U+10FFFF), or 0. */
static inline size_t fz_utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; min = 0x80; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; min = 0x800; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; min = 0x10000; }
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static inline int fz_hex4(const char *p)
{
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

/* A string at j->p (which is '"'); s and n receive its raw contents. */
static inline int fz_json_string(fz_json_t *j, const char **s, size_t *n)
{
	if (j->p >= j->end || *j->p != '"')
		return 0;
	const char *start = ++j->p;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			if (s)
				*s = start;
			if (n)
				*n = (size_t)(j->p - start);
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			if (j->end - j->p < 2)
				return 0;
			char e = j->p[1];
			if (e == 'u') {
				if (j->end - j->p < 6 || !fz_hex4(j->p + 2))
					return 0;
				j->p += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				j->p += 2;
			} else {
				return 0;
			}
			continue;
		}
		size_t k = fz_utf8_len((const unsigned char *)j->p, (const unsigned char *)j->end);
		if (!k)
			return 0;
		j->p += k;
	}
	return 0;
}

static inline int fz_json_number(fz_json_t *j)
{
	const char *p = j->p;
	if (p < j->end && *p == '-')
		p++;
	if (p >= j->end)
		return 0;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (p < j->end && *p == '.') {
		p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return 0;
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return 0;
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	j->p = p;
	return 1;
}

static inline int fz_json_value(fz_json_t *j);

static inline int fz_json_lit(fz_json_t *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static inline int fz_json_value(fz_json_t *j)
{
	fz_ws(j);
	if (j->p >= j->end)
		return 0;
	char c = *j->p;
	if (c == '"')
		return fz_json_string(j, NULL, NULL);
	if (c == 't')
		return fz_json_lit(j, "true");
	if (c == 'f')
		return fz_json_lit(j, "false");
	if (c == 'n')
		return fz_json_lit(j, "null");
	if (c == '-' || (c >= '0' && c <= '9'))
		return fz_json_number(j);
	if (c != '{' && c != '[')
		return 0;
	if (++j->depth > FZ_JSON_MAX_DEPTH)
		return 0;
	j->p++;
	fz_ws(j);
	char close = c == '{' ? '}' : ']';
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	for (;;) {
		if (c == '{') {
			fz_ws(j);
			if (!fz_json_string(j, NULL, NULL))
				return 0;
			fz_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return 0;
			j->p++;
		}
		if (!fz_json_value(j))
			return 0;
		fz_ws(j);
		if (j->p >= j->end)
			return 0;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == close) {
			j->p++;
			j->depth--;
			return 1;
		}
		return 0;
	}
}

/* ---- the envelope ---- */

typedef struct fz_span {
	const char *s;
	size_t n;
} fz_span_t;

static inline int fz_eq(fz_span_t a, const char *s, size_t n)
{
	return a.n == n && memcmp(a.s, s, n) == 0;
}

/* Non-negative integer at j->p (no sign, fraction or exponent; any number
 * of digits, as the schema allows): its value, saturated at LLONG_MAX;
 * -1 if not one. */
static inline long long fz_json_uint(fz_json_t *j)
{
	const char *p = j->p;
	if (p >= j->end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < j->end && p[1] >= '0' && p[1] <= '9')
		return -1; /* leading zero */
	long long v = 0;
	while (p < j->end && *p >= '0' && *p <= '9') {
		v = v > (LLONG_MAX - 9) / 10 ? LLONG_MAX : v * 10 + (*p - '0');
		p++;
	}
	if (p < j->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return -1;
	j->p = p;
	return v;
}

typedef struct fz_ids {
	char **v;
	size_t n, cap;
} fz_ids_t;

static inline void fz_ids_clear(fz_ids_t *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		free(ids->v[i]);
	ids->n = 0;
}

/* Check one line (without its '\n').  Returns 1 if it is the document record. */
static inline int fz_check_record(const char *line, size_t len, const char *doc, size_t srclen,
                           fz_ids_t *ids)
{
	fz_json_t j = {line, line + len, 0};
	{
		fz_json_t all = j;
		if (!fz_json_value(&all))
			fz_fail("not valid JSON", line, len);
		fz_ws(&all);
		if (all.p != all.end)
			fz_fail("text after the JSON value", line, len);
	}
	if (*j.p != '{')
		fz_fail("not a JSON object", line, len);
	j.p++;
	enum { K_TYPE, K_SCHEMA, K_DOC, K_ID, K_ITEM, K_PAGE, K_SPAN, K_N };
	static const char *const names[K_N] = {"type", "schema", "doc", "id", "item", "page", "span"};
	int seen[K_N] = {0};
	fz_span_t type = {NULL, 0}, id = {NULL, 0}, docv = {NULL, 0};
	long long span[2] = {-1, -1};
	int item_null = 0, page_null = 0;
	fz_span_t keys[256];
	size_t nkeys = 0;
	for (;;) {
		fz_ws(&j);
		if (*j.p == '}')
			break;
		fz_span_t k;
		fz_json_string(&j, &k.s, &k.n);
		for (size_t i = 0; i < nkeys; i++)
			if (fz_eq(keys[i], k.s, k.n))
				fz_fail("duplicate key", line, len);
		if (nkeys < sizeof keys / sizeof keys[0])
			keys[nkeys++] = k;
		fz_ws(&j);
		j.p++; /* ':' */
		fz_ws(&j);
		int which = -1;
		for (int i = 0; i < K_N; i++)
			if (fz_eq(k, names[i], strlen(names[i])))
				which = i;
		const char *vstart = j.p;
		switch (which) {
		case K_TYPE:
		case K_DOC:
		case K_ID: {
			fz_span_t v;
			if (!fz_json_string(&j, &v.s, &v.n) || v.n == 0)
				fz_fail("type/doc/id not a non-empty string", line, len);
			if (which == K_TYPE)
				type = v;
			else if (which == K_DOC)
				docv = v;
			else
				id = v;
			break;
		}
		case K_SCHEMA:
			if (fz_json_uint(&j) != 1)
				fz_fail("schema is not 1", line, len);
			break;
		case K_ITEM:
			if (*j.p == 'n') {
				item_null = 1;
				fz_json_lit(&j, "null");
			} else if (*j.p == '"') {
				fz_json_string(&j, NULL, NULL);
			} else if (fz_json_uint(&j) < 0) {
				fz_fail("item is not an integer, string or null", line, len);
			}
			break;
		case K_PAGE:
			if (*j.p == 'n') {
				page_null = 1;
				fz_json_lit(&j, "null");
			} else if (fz_json_uint(&j) < 1) {
				fz_fail("page is not a positive integer or null", line, len);
			}
			break;
		case K_SPAN:
			if (*j.p != '[')
				fz_fail("span is not an array", line, len);
			j.p++;
			fz_ws(&j);
			span[0] = fz_json_uint(&j);
			fz_ws(&j);
			if (*j.p != ',')
				fz_fail("span is not [start, end]", line, len);
			j.p++;
			fz_ws(&j);
			span[1] = fz_json_uint(&j);
			fz_ws(&j);
			if (*j.p != ']' || span[0] < 0 || span[1] < 0)
				fz_fail("span is not [start, end]", line, len);
			j.p++;
			break;
		default:
			fz_json_value(&j);
			break;
		}
		(void)vstart;
		if (which >= 0)
			seen[which] = 1;
		fz_ws(&j);
		if (*j.p == ',')
			j.p++;
	}
	for (int i = 0; i < K_N; i++)
		if (!seen[i]) {
			char msg[64];
			snprintf(msg, sizeof msg, "envelope field \"%s\" missing", names[i]);
			fz_fail(msg, line, len);
		}
	if (!fz_eq(docv, doc, strlen(doc)))
		fz_fail("doc is not the document id", line, len);
	/* id = DOC#TYPE/N */
	size_t dl = strlen(doc);
	if (id.n < dl + type.n + 3 || memcmp(id.s, doc, dl) != 0 || id.s[dl] != '#' ||
	    memcmp(id.s + dl + 1, type.s, type.n) != 0 || id.s[dl + 1 + type.n] != '/')
		fz_fail("id is not DOC#TYPE/N", line, len);
	const char *num = id.s + dl + type.n + 2;
	if (num == id.s + id.n || *num == '0')
		fz_fail("id is not DOC#TYPE/N (N >= 1)", line, len);
	for (const char *q = num; q < id.s + id.n; q++)
		if (*q < '0' || *q > '9')
			fz_fail("id is not DOC#TYPE/N (N a number)", line, len);
	for (size_t i = 0; i < ids->n; i++)
		if (strlen(ids->v[i]) == id.n && memcmp(ids->v[i], id.s, id.n) == 0)
			fz_fail("id not unique in the document", line, len);
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? 2 * ids->cap : 64;
		ids->v = realloc(ids->v, ids->cap * sizeof *ids->v);
		if (!ids->v)
			abort();
	}
	char *copy = malloc(id.n + 1);
	if (!copy)
		abort();
	memcpy(copy, id.s, id.n);
	copy[id.n] = '\0';
	ids->v[ids->n++] = copy;
	if (span[0] > span[1] || (size_t)span[1] > srclen)
		fz_fail("span outside the source or reversed", line, len);
	int is_doc = fz_eq(type, "document", 8);
	if (is_doc && (!item_null || !page_null || span[0] != 0 || (size_t)span[1] != srclen))
		fz_fail("document record: item/page not null or span not the whole input", line, len);
	return is_doc;
}

/* Check one document's JSON Lines output (see the top of this file). */
static inline void fz_check_jsonl(const char *out, size_t len, const char *doc, size_t srclen)
{
	static fz_ids_t ids;
	fz_ids_clear(&ids);
	if (len == 0 || out[len - 1] != '\n')
		fz_fail("output empty or not ended by a newline", out, len);
	size_t ndoc = 0, nline = 0;
	for (const char *p = out, *end = out + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);
		if (n == 0)
			fz_fail("empty line in the output", p, n);
		if (memchr(p, '\0', n))
			fz_fail("NUL byte in the output", p, n);
		int is_doc = fz_check_record(p, n, doc, srclen, &ids);
		if (is_doc && nline != 0)
			fz_fail("document record is not the first line", p, n);
		ndoc += (size_t)is_doc;
		nline++;
		p = nl + 1;
	}
	if (ndoc != 1)
		fz_fail("not exactly one document record", out, len);
}

/* The source's length as the first line (the document record) states it
 * ("bytes": the input after gzip decoding), which every span must stay
 * within. */
static inline size_t fz_doc_bytes(const char *out, size_t len)
{
	const char *nl = memchr(out, '\n', len);
	size_t n = nl ? (size_t)(nl - out) : len;
	static const char key[] = "\"bytes\": ";
	for (size_t i = 0; i + sizeof key - 1 < n; i++)
		if (memcmp(out + i, key, sizeof key - 1) == 0)
			return (size_t)strtoull(out + i + sizeof key - 1, NULL, 10);
	fz_fail("document record without bytes", out, n);
	return 0;
}

#endif
