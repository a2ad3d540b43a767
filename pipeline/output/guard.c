/*
 * guard.c — schema guard at emission (see guard.h): a small JSON reader
 * for the lines assemble_document() writes, the checks, and the rewrite.
 */
#include "guard.h"
#include "common/limits.h"
#include "common/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD_MAX_DEPTH 64

typedef struct jp {
	const char *s, *e;
	arena_t *a;
	int depth;
	int bad;
} jp_t;

static void ws(jp_t *p)
{
	while (p->s < p->e && (*p->s == ' ' || *p->s == '\t' || *p->s == '\r' || *p->s == '\n'))
		p->s++;
}

static int hex4(const char *s, unsigned *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
		           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return -1;
		*u = *u * 16 + d;
	}
	return 0;
}

static value_t *jstring(jp_t *p)
{
	buf_t b = BUF_INIT;
	p->s++; /* '"' */
	while (p->s < p->e && *p->s != '"') {
		char c = *p->s++;
		if (c != '\\') {
			buf_addc(&b, c);
			continue;
		}
		if (p->s >= p->e)
			break;
		c = *p->s++;
		switch (c) {
		case 'n': buf_addc(&b, '\n'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'u': {
			unsigned u, lo;
			if (p->e - p->s < 4 || hex4(p->s, &u) != 0) {
				p->bad = 1;
				break;
			}
			p->s += 4;
			if (u >= 0xD800 && u < 0xDC00 && p->e - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u' &&
			    hex4(p->s + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				p->s += 6;
			}
			char o[4];
			buf_add(&b, o, (size_t)utf8_encode(u, o));
			break;
		}
		default: buf_addc(&b, c); break; /* " \ / */
		}
	}
	if (p->s >= p->e)
		p->bad = 1;
	else
		p->s++;
	value_t *v = v_str(p->a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return v;
}

static value_t *jvalue(jp_t *p)
{
	ws(p);
	if (p->bad || p->s >= p->e || ++p->depth > GUARD_MAX_DEPTH) {
		p->bad = 1;
		return v_null(p->a);
	}
	value_t *v;
	char c = *p->s;
	if (c == '"') {
		v = jstring(p);
	} else if (c == '{' || c == '[') {
		int obj = c == '{';
		v = obj ? v_obj(p->a) : v_arr(p->a);
		p->s++;
		ws(p);
		if (p->s < p->e && *p->s == (obj ? '}' : ']')) {
			p->s++;
		} else {
			while (!p->bad) {
				ws(p);
				if (obj) {
					if (p->s >= p->e || *p->s != '"') {
						p->bad = 1;
						break;
					}
					value_t *k = jstring(p);
					ws(p);
					if (p->s >= p->e || *p->s != ':') {
						p->bad = 1;
						break;
					}
					p->s++;
					v_set(p->a, v, k->u.s.s, jvalue(p));
				} else {
					v_push(p->a, v, jvalue(p));
				}
				ws(p);
				if (p->s < p->e && *p->s == ',') {
					p->s++;
					continue;
				}
				if (p->s < p->e && *p->s == (obj ? '}' : ']')) {
					p->s++;
					break;
				}
				p->bad = 1;
			}
		}
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		char *end;
		long long i = strtoll(p->s, &end, 10);
		if (end == p->s || (end < p->e && (*end == '.' || *end == 'e' || *end == 'E')))
			p->bad = 1; /* the records have no other numbers */
		p->s = end;
		v = v_int(p->a, i);
	} else if (p->e - p->s >= 4 && memcmp(p->s, "null", 4) == 0) {
		p->s += 4;
		v = v_null(p->a);
	} else if (p->e - p->s >= 4 && memcmp(p->s, "true", 4) == 0) {
		p->s += 4;
		v = v_bool(p->a, 1);
	} else if (p->e - p->s >= 5 && memcmp(p->s, "false", 5) == 0) {
		p->s += 5;
		v = v_bool(p->a, 0);
	} else {
		p->bad = 1;
		v = v_null(p->a);
	}
	p->depth--;
	return v;
}

/* NULL when the line is not one JSON object. */
static value_t *parse_line(arena_t *a, const char *s, size_t n)
{
	jp_t p = {s, s + n, a, 0, 0};
	value_t *v = jvalue(&p);
	ws(&p);
	return p.bad || p.s != p.e || v->k != V_OBJ ? NULL : v;
}

static int is_str(const value_t *v, const char *s)
{
	return v && v->k == V_STR && strcmp(v->u.s.s, s) == 0;
}

static int party_bytes_ok(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
			i++;
			continue;
		}
		int len;
		int32_t u = utf8_decode(s + i, n - i, &len);
		if (u != 0xC5 && u != 0xC4 && u != 0xD6) /* Å Ä Ö */
			return 0;
		i += (size_t)len;
	}
	return 1;
}

static int party_ok(const value_t *v)
{
	return v->k == V_STR && party_bytes_ok((const unsigned char *)v->u.s.s, v->u.s.n);
}

/* Null every "party" that breaks the pattern; count them. */
static int fix_parties(arena_t *a, value_t *v)
{
	int n = 0;
	if (!v)
		return 0;
	if (v->k == V_ARR) {
		for (size_t i = 0; i < v->u.a.n; i++)
			n += fix_parties(a, v->u.a.v[i]);
	} else if (v->k == V_OBJ) {
		for (size_t i = 0; i < v->u.o.n; i++) {
			value_t *x = v->u.o.v[i];
			if (strcmp(v->u.o.key[i], "party") == 0 && !v_is_null(x) && !party_ok(x)) {
				v->u.o.v[i] = v_null(a);
				n++;
			} else {
				n += fix_parties(a, x);
			}
		}
	}
	return n;
}

static void warn(arena_t *a, value_t *w, const value_t *rec, const char *what)
{
	const value_t *id = v_get(rec, "id");
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s: %s (schema guard)", id && id->k == V_STR ? id->u.s.s : "?", what);
	v_push(a, w, v_str(a, b.data, b.len));
	buf_release(&b);
}

/* 0 keep as is, 1 changed, -1 drop */
static int check_record(arena_t *a, value_t *r, value_t *w)
{
	const value_t *type = v_get(r, "type");
	int changed = 0;
	if (is_str(type, "att_sats")) {
		value_t *t = v_get(r, "text");
		if (!t || t->k != V_STR) {
			warn(a, w, r, "att_sats without text dropped");
			return -1;
		}
		value_t *num = v_get(r, "number");
		if (num && num->k == V_INT && num->u.i < 1) {
			warn(a, w, r, "att_sats number below 1 set to null");
			v_set(a, r, "number", v_null(a));
			changed = 1;
		}
	} else if (is_str(type, "vote")) {
		value_t *m = v_get(r, "method");
		if (!m || m->k != V_STR) {
			warn(a, w, r, "vote without method dropped");
			return -1;
		}
	} else if (is_str(type, "proposal")) {
		value_t *rank = v_get(r, "rank");
		if (rank && rank->k == V_INT && rank->u.i < 1) {
			warn(a, w, r, "proposal rank below 1 set to null");
			v_set(a, r, "rank", v_null(a));
			changed = 1;
		}
	}
	if (!is_str(type, "document")) {
		int np = fix_parties(a, r);
		if (np) {
			warn(a, w, r, "party that is no party abbreviation set to null");
			changed = 1;
		}
	}
	return changed;
}

/* ------------------------------------------------------------ the quick look */

/* Almost every line needs no change: a look at the line's bytes, without
 * building its values, that says so for sure (else the line is parsed and
 * checked as above).  It follows jvalue() on the lines jvalue() accepts;
 * whatever it cannot follow is "unsure". */
typedef struct qs {
	const char *s, *e;
	int unsure;
	int bad_party;             /* a "party" that is neither null nor a party code */
	const char *type;          /* the top-level string values (NULL: none) ... */
	size_t type_n;
	int has_type, type_str, has_text, text_str, has_method, method_str;
	int low_number, low_rank;  /* "number" / "rank" an integer below 1, or maybe */
} qs_t;

static void qws(qs_t *q)
{
	while (q->s < q->e && (*q->s == ' ' || *q->s == '\t' || *q->s == '\r' || *q->s == '\n'))
		q->s++;
}

/* a string at q->s: its bytes [*b, *b + *n) between the quotes; *esc when
 * it holds an escape */
static void qstring(qs_t *q, const char **b, size_t *n, int *esc)
{
	const char *p = ++q->s;
	*esc = 0;
	for (;;) {
		/* the first quote not after a backslash; a backslash takes the next byte */
		const char *quote = p < q->e ? memchr(p, '"', (size_t)(q->e - p)) : NULL;
		if (!quote) {
			q->unsure = 1;
			q->s = q->e;
			return;
		}
		const char *bs = memchr(p, '\\', (size_t)(quote - p));
		if (!bs) {
			p = quote;
			break;
		}
		*esc = 1;
		p = bs + 2;
	}
	*b = q->s;
	*n = (size_t)(p - q->s);
	q->s = p + 1;
}

#define KEY_IS(b, n, k) ((n) == sizeof(k) - 1 && memcmp((b), (k), sizeof(k) - 1) == 0)

enum { QK_OTHER, QK_PARTY, QK_TYPE, QK_TEXT, QK_METHOD, QK_NUMBER, QK_RANK };

static void qvalue(qs_t *q, int depth, int key)
{
	qws(q);
	if (q->unsure || q->s >= q->e || depth > GUARD_MAX_DEPTH - 4) {
		q->unsure = 1;
		return;
	}
	char c = *q->s;
	if (key == QK_PARTY && c != '"' && c != 'n')
		q->bad_party = 1;
	if (c == '"') {
		const char *b = NULL;
		size_t n = 0;
		int esc;
		qstring(q, &b, &n, &esc);
		if (q->unsure)
			return;
		if (key == QK_PARTY && (esc || !party_bytes_ok((const unsigned char *)b, n)))
			q->bad_party = 1;
		if (key == QK_TYPE) {
			if (esc)
				q->unsure = 1;
			q->type = b;
			q->type_n = n;
		}
		q->type_str |= key == QK_TYPE;
		q->text_str |= key == QK_TEXT;
		q->method_str |= key == QK_METHOD;
	} else if (c == '{' || c == '[') {
		int obj = c == '{';
		q->s++;
		qws(q);
		if (q->s < q->e && *q->s == (obj ? '}' : ']')) {
			q->s++;
			return;
		}
		for (;;) {
			qws(q);
			int k = QK_OTHER;
			if (obj) {
				if (q->s >= q->e || *q->s != '"') {
					q->unsure = 1;
					return;
				}
				const char *b = NULL;
				size_t n = 0;
				int esc;
				qstring(q, &b, &n, &esc);
				if (q->unsure || esc) {
					q->unsure = 1;
					return;
				}
				if (KEY_IS(b, n, "party"))
					k = QK_PARTY;
				else if (depth == 1 && n >= 4 && n <= 6) {
					int *seen = NULL;
					if (KEY_IS(b, n, "type"))
						k = QK_TYPE, seen = &q->has_type;
					else if (KEY_IS(b, n, "text"))
						k = QK_TEXT, seen = &q->has_text;
					else if (KEY_IS(b, n, "method"))
						k = QK_METHOD, seen = &q->has_method;
					else if (KEY_IS(b, n, "number"))
						k = QK_NUMBER;
					else if (KEY_IS(b, n, "rank"))
						k = QK_RANK;
					if (seen && (*seen)++)
						q->unsure = 1; /* a key twice */
				}
				qws(q);
				if (q->s >= q->e || *q->s != ':') {
					q->unsure = 1;
					return;
				}
				q->s++;
			}
			qvalue(q, depth + 1, k);
			if (q->unsure)
				return;
			qws(q);
			if (q->s < q->e && *q->s == ',') {
				q->s++;
				continue;
			}
			if (q->s < q->e && *q->s == (obj ? '}' : ']')) {
				q->s++;
				return;
			}
			q->unsure = 1;
			return;
		}
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		/* an integer below 1 starts with '-' or '0' */
		if (c == '-' || c == '0') {
			q->low_number |= key == QK_NUMBER;
			q->low_rank |= key == QK_RANK;
		}
		q->s++;
		while (q->s < q->e && *q->s >= '0' && *q->s <= '9')
			q->s++;
	} else if (q->e - q->s >= 4 && (memcmp(q->s, "null", 4) == 0 || memcmp(q->s, "true", 4) == 0)) {
		q->s += 4;
	} else if (q->e - q->s >= 5 && memcmp(q->s, "false", 5) == 0) {
		q->s += 5;
	} else {
		q->unsure = 1;
	}
}

/* 1 when check_record() would keep the line s[0..n) as it is (or it is no
 * JSON object), 0 when it may not */
static int line_clean(const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return 0;
	qs_t q = {.s = s, .e = s + n};
	qws(&q);
	if (q.s >= q.e || *q.s != '{')
		return 1; /* no object: parse_line() rejects it */
	qvalue(&q, 1, QK_OTHER);
	qws(&q);
	if (q.unsure || q.s != q.e || (q.has_type && !q.type_str))
		return 0;
	const char *t = q.type;
	size_t tn = q.type_n;
	if (t && KEY_IS(t, tn, "att_sats") && (!q.has_text || !q.text_str || q.low_number))
		return 0;
	if (t && KEY_IS(t, tn, "vote") && !(q.has_method && q.method_str))
		return 0;
	if (t && KEY_IS(t, tn, "proposal") && q.low_rank)
		return 0;
	return (t && KEY_IS(t, tn, "document")) || !q.bad_party;
}

void schema_guard(buf_t *out, size_t start)
{
	if (!out->data || out->len <= start)
		return;
	arena_t a = ARENA_INIT;
	value_t *warnings = v_arr(&a);
	const char *base = out->data + start, *end = out->data + out->len;
	const char *doc_end = memchr(base, '\n', (size_t)(end - base));
	if (!doc_end)
		return;
	/* first pass: does any record need a change? */
	size_t nlines = 0, cap = 0;
	struct fix { size_t s, e; value_t *v; int what; } *fx = NULL;
	size_t dropped = 0;
	for (const char *q = doc_end + 1; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		const char *le = nl ? nl : end;
		value_t *r = line_clean(q, (size_t)(le - q)) ? NULL : parse_line(&a, q, (size_t)(le - q));
		int what = r ? check_record(&a, r, warnings) : 0;
		if (what) {
			GROW(fx, cap, nlines + 1);
			fx[nlines++] = (struct fix){(size_t)(q - out->data), (size_t)(le - out->data), r, what};
			dropped += what < 0;
		}
		q = nl ? nl + 1 : end;
	}
	if (!nlines) {
		arena_release(&a);
		return;
	}
	buf_t nb = BUF_INIT;
	buf_add(&nb, out->data, start);
	value_t *doc = parse_line(&a, base, (size_t)(doc_end - base));
	if (doc) {
		value_t *w = v_get(doc, "warnings");
		if (w && w->k == V_ARR)
			for (size_t i = 0; i < warnings->u.a.n && w->u.a.n < BESLUT_MAX_WARNINGS; i++)
				v_push(&a, w, warnings->u.a.v[i]);
		value_t *st = v_get(doc, "stats");
		value_t *nr = st && st->k == V_OBJ ? v_get(st, "records") : NULL;
		if (nr && nr->k == V_INT && nr->u.i >= (long long)dropped)
			v_set(&a, st, "records", v_int(&a, nr->u.i - (long long)dropped));
		json_write_value(&nb, doc);
		buf_addc(&nb, '\n');
	} else {
		buf_add(&nb, base, (size_t)(doc_end - base) + 1);
	}
	size_t pos = (size_t)(doc_end - out->data) + 1;
	for (size_t i = 0; i < nlines; i++) {
		buf_add(&nb, out->data + pos, fx[i].s - pos);
		if (fx[i].what > 0)
			json_write_value(&nb, fx[i].v);
		pos = fx[i].e;
		if (fx[i].what < 0 && pos < out->len)
			pos++; /* the newline of a dropped line */
	}
	buf_add(&nb, out->data + pos, out->len - pos);
	buf_release(out);
	*out = nb;
	free(fx);
	arena_release(&a);
}
