/*
 * json_read.c — a strict recursive-descent JSON reader (see json_read.h).
 */
#include "json_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct jp {
	arena_t *a;
	const char *s;
	size_t n, i;
	const char *err;
	buf_t tmp;      /* string being unescaped */
} jp_t;

static int fail(jp_t *p, const char *msg)
{
	if (!p->err)
		p->err = msg;
	return -1;
}

static void ws(jp_t *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	                       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(jp_t *p, uint32_t *cp)
{
	if (p->n - p->i < 4)
		return fail(p, "truncated \\u escape");
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
		else return fail(p, "bad \\u escape");
	}
	*cp = v;
	return 0;
}

/* A string at p->i (the opening quote) into p->tmp. */
static int string(jp_t *p)
{
	buf_reset(&p->tmp);
	p->i++; /* " */
	for (;;) {
		size_t start = p->i;
		while (p->i < p->n && p->s[p->i] != '"' && p->s[p->i] != '\\' &&
		       (unsigned char)p->s[p->i] >= 0x20)
			p->i++;
		if (p->i > start) {
			size_t len = p->i - start;
			if (utf8_valid_prefix((const unsigned char *)p->s + start, len) != len)
				return fail(p, "string is not valid UTF-8");
			buf_add(&p->tmp, p->s + start, len);
		}
		if (p->i >= p->n)
			return fail(p, "unterminated string");
		char c = p->s[p->i++];
		if (c == '"')
			return 0;
		if (c != '\\')
			return fail(p, "control character in string");
		if (p->i >= p->n)
			return fail(p, "unterminated string");
		c = p->s[p->i++];
		switch (c) {
		case '"': buf_addc(&p->tmp, '"'); break;
		case '\\': buf_addc(&p->tmp, '\\'); break;
		case '/': buf_addc(&p->tmp, '/'); break;
		case 'b': buf_addc(&p->tmp, '\b'); break;
		case 'f': buf_addc(&p->tmp, '\f'); break;
		case 'n': buf_addc(&p->tmp, '\n'); break;
		case 'r': buf_addc(&p->tmp, '\r'); break;
		case 't': buf_addc(&p->tmp, '\t'); break;
		case 'u': {
			uint32_t cp, lo;
			if (hex4(p, &cp))
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
					return fail(p, "lone surrogate in \\u escape");
				p->i += 2;
				if (hex4(p, &lo))
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(p, "lone surrogate in \\u escape");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return fail(p, "lone surrogate in \\u escape");
			}
			char u[4];
			int k = utf8_encode(cp, u);
			buf_add(&p->tmp, u, (size_t)k);
			break;
		}
		default:
			return fail(p, "bad escape in string");
		}
	}
}

static int value(jp_t *p, value_t **out, int depth);

static int literal(jp_t *p, const char *word, size_t len)
{
	if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
		return fail(p, "unexpected character");
	p->i += len;
	return 0;
}

static int number(jp_t *p, value_t **out)
{
	size_t start = p->i;
	if (p->s[p->i] == '-')
		p->i++;
	size_t digits = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	if (p->i == digits)
		return fail(p, "bad number");
	if (p->i - digits > 1 && p->s[digits] == '0')
		return fail(p, "number with a leading zero");
	if (p->i < p->n && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E'))
		return fail(p, "number is not an integer");
	char tmp[32];
	size_t len = p->i - start;
	if (len >= sizeof tmp)
		return fail(p, "integer out of range");
	memcpy(tmp, p->s + start, len);
	tmp[len] = '\0';
	errno = 0;
	long long v = strtoll(tmp, NULL, 10);
	if (errno == ERANGE)
		return fail(p, "integer out of range");
	*out = v_int(p->a, v);
	return 0;
}

static int value(jp_t *p, value_t **out, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return fail(p, "nested too deeply");
	ws(p);
	if (p->i >= p->n)
		return fail(p, "unexpected end of input");
	char c = p->s[p->i];
	switch (c) {
	case '{': {
		value_t *o = v_obj(p->a);
		p->i++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			*out = o;
			return 0;
		}
		for (;;) {
			ws(p);
			if (p->i >= p->n || p->s[p->i] != '"')
				return fail(p, "expected a key");
			if (string(p))
				return -1;
			if (memchr(p->tmp.data ? p->tmp.data : "", '\0', p->tmp.len))
				return fail(p, "NUL in a key");
			char *key = arena_strndup(p->a, p->tmp.data ? p->tmp.data : "", p->tmp.len);
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return fail(p, "expected ':'");
			p->i++;
			value_t *x;
			if (value(p, &x, depth + 1))
				return -1;
			v_set(p->a, o, key, x);
			ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == '}') {
				p->i++;
				*out = o;
				return 0;
			}
			return fail(p, "expected ',' or '}'");
		}
	}
	case '[': {
		value_t *arr = v_arr(p->a);
		p->i++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			*out = arr;
			return 0;
		}
		for (;;) {
			value_t *x;
			if (value(p, &x, depth + 1))
				return -1;
			v_push(p->a, arr, x);
			ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == ']') {
				p->i++;
				*out = arr;
				return 0;
			}
			return fail(p, "expected ',' or ']'");
		}
	}
	case '"':
		if (string(p))
			return -1;
		*out = v_str(p->a, p->tmp.data ? p->tmp.data : "", p->tmp.len);
		return 0;
	case 't':
		if (literal(p, "true", 4))
			return -1;
		*out = v_bool(p->a, 1);
		return 0;
	case 'f':
		if (literal(p, "false", 5))
			return -1;
		*out = v_bool(p->a, 0);
		return 0;
	case 'n':
		if (literal(p, "null", 4))
			return -1;
		*out = v_null(p->a);
		return 0;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return number(p, out);
		return fail(p, "unexpected character");
	}
}

int json_parse(arena_t *a, const char *s, size_t n, value_t **out, const char **err, size_t *at)
{
	jp_t p = {a, s, n, 0, NULL, BUF_INIT};
	value_t *v = NULL;
	int rc = value(&p, &v, 0);
	if (rc == 0) {
		ws(&p);
		if (p.i < p.n)
			rc = fail(&p, "text after the value");
	}
	buf_release(&p.tmp);
	if (rc) {
		if (err)
			*err = p.err;
		if (at)
			*at = p.i;
		return -1;
	}
	*out = v;
	return 0;
}
