/*
 * value.c — arena-allocated JSON values and the JSON writer (see value.h).
 */
#include "value.h"

#include <stdio.h>
#include <string.h>

static value_t *mk(arena_t *a, vkind_t k)
{
	value_t *v = arena_alloc(a, sizeof *v);
	v->k = k;
	return v;
}

value_t *v_null(arena_t *a) { return mk(a, V_NULL); }

value_t *v_bool(arena_t *a, int b)
{
	value_t *v = mk(a, V_BOOL);
	v->u.b = !!b;
	return v;
}

value_t *v_int(arena_t *a, long long i)
{
	value_t *v = mk(a, V_INT);
	v->u.i = i;
	return v;
}

value_t *v_str(arena_t *a, const char *s, size_t n)
{
	value_t *v = mk(a, V_STR);
	v->u.s.s = arena_strndup(a, s, n);
	v->u.s.n = n;
	return v;
}

value_t *v_cstr(arena_t *a, const char *s)
{
	return s ? v_str(a, s, strlen(s)) : v_null(a);
}

value_t *v_arr(arena_t *a) { return mk(a, V_ARR); }
value_t *v_obj(arena_t *a) { return mk(a, V_OBJ); }

/* Arrays inside the arena grow by copying: the old block stays in the
 * arena until it is released (bounded by 2x the final size). */
void v_push(arena_t *a, value_t *arr, value_t *x)
{
	if (arr->u.a.n == arr->u.a.cap) {
		size_t c = arr->u.a.cap ? arr->u.a.cap * 2 : 4;
		value_t **nv = arena_alloc(a, c * sizeof *nv);
		if (arr->u.a.n)
			memcpy(nv, arr->u.a.v, arr->u.a.n * sizeof *nv);
		arr->u.a.v = nv;
		arr->u.a.cap = c;
	}
	arr->u.a.v[arr->u.a.n++] = x;
}

value_t *v_obj_n(arena_t *a, size_t n)
{
	value_t *v = mk(a, V_OBJ);
	if (n) {
		v->u.o.key = arena_alloc(a, n * sizeof *v->u.o.key);
		v->u.o.v = arena_alloc(a, n * sizeof *v->u.o.v);
		v->u.o.cap = n;
	}
	return v;
}

static void obj_room(arena_t *a, value_t *obj)
{
	if (obj->u.o.n == obj->u.o.cap) {
		size_t c = obj->u.o.cap ? obj->u.o.cap * 2 : 8;
		const char **nk = arena_alloc(a, c * sizeof *nk);
		value_t **nv = arena_alloc(a, c * sizeof *nv);
		if (obj->u.o.n) {
			memcpy(nk, obj->u.o.key, obj->u.o.n * sizeof *nk);
			memcpy(nv, obj->u.o.v, obj->u.o.n * sizeof *nv);
		}
		obj->u.o.key = nk;
		obj->u.o.v = nv;
		obj->u.o.cap = c;
	}
}

void v_put(arena_t *a, value_t *obj, const char *key, value_t *x)
{
	obj_room(a, obj);
	obj->u.o.key[obj->u.o.n] = key;
	obj->u.o.v[obj->u.o.n++] = x;
}

void v_set(arena_t *a, value_t *obj, const char *key, value_t *x)
{
	for (size_t i = 0; i < obj->u.o.n; i++)
		if (strcmp(obj->u.o.key[i], key) == 0) {
			obj->u.o.v[i] = x;
			return;
		}
	obj_room(a, obj);
	obj->u.o.key[obj->u.o.n] = arena_strdup(a, key);
	obj->u.o.v[obj->u.o.n++] = x;
}

value_t *v_get(const value_t *obj, const char *key)
{
	if (!obj || obj->k != V_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->u.o.n; i++)
		if (strcmp(obj->u.o.key[i], key) == 0)
			return obj->u.o.v[i];
	return NULL;
}

int v_is_null(const value_t *v)
{
	return !v || v->k == V_NULL;
}

int v_equal(const value_t *x, const value_t *y)
{
	if (v_is_null(x) || v_is_null(y))
		return v_is_null(x) && v_is_null(y);
	if (x->k != y->k)
		return 0;
	switch (x->k) {
	case V_BOOL: return x->u.b == y->u.b;
	case V_INT: return x->u.i == y->u.i;
	case V_STR: return x->u.s.n == y->u.s.n && memcmp(x->u.s.s, y->u.s.s, x->u.s.n) == 0;
	case V_ARR:
		if (x->u.a.n != y->u.a.n)
			return 0;
		for (size_t i = 0; i < x->u.a.n; i++)
			if (!v_equal(x->u.a.v[i], y->u.a.v[i]))
				return 0;
		return 1;
	case V_OBJ:
		if (x->u.o.n != y->u.o.n)
			return 0;
		for (size_t i = 0; i < x->u.o.n; i++)
			if (!v_equal(x->u.o.v[i], v_get(y, x->u.o.key[i])))
				return 0;
		return 1;
	default: return 1;
	}
}

void json_write_string(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	buf_grow(b, n + 2);
	/* printable ASCII and two-byte characters only: the string as it is */
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
			i++;
		else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80)
			i += 2;
		else
			break;
	}
	if (i == n) {
		char *o = b->data + b->len;
		o[0] = '"';
		if (n)
			memcpy(o + 1, s, n);
		o[n + 1] = '"';
		o[n + 2] = '\0';
		b->len += n + 2;
		return;
	}
	buf_addc(b, '"');
	size_t run = 0; /* start of the pending verbatim run; s[0..i) needs no escape */
	while (i < n) {
		unsigned c = p[i];
		const char *esc = NULL;
		char tmp[8];
		size_t adv = 1;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			i += 2; /* a two-byte character (U+0080..U+07FF): as it is */
			continue;
		}
		if (c == '"') esc = "\\\"";
		else if (c == '\\') esc = "\\\\";
		else if (c == '\n') esc = "\\n";
		else if (c == '\t') esc = "\\t";
		else if (c == '\r') esc = "\\r";
		else if (c == '\b') esc = "\\b";
		else if (c == '\f') esc = "\\f";
		else if (c < 0x20) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[c >> 4];
			tmp[5] = hex[c & 15];
			tmp[6] = '\0';
			esc = tmp;
		} else {
			int len;
			int32_t cp = utf8_decode(p + i, n - i, &len);
			if (cp < 0)
				esc = "\xEF\xBF\xBD"; /* U+FFFD for a bad byte */
			else if (cp == 0x2028)
				esc = "\\u2028";
			else if (cp == 0x2029)
				esc = "\\u2029";
			else {
				i += (size_t)len;
				continue;
			}
			adv = cp < 0 ? 1 : (size_t)len;
		}
		buf_add(b, s + run, i - run);
		buf_adds(b, esc);
		i += adv;
		run = i;
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

void json_write_uint(buf_t *b, unsigned long long u)
{
	char d[24];
	size_t k = sizeof d;
	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	buf_add(b, d + k, sizeof d - k);
}

void json_write_int(buf_t *b, long long i)
{
	if (i < 0) {
		buf_addc(b, '-');
		json_write_uint(b, 0ull - (unsigned long long)i);
	} else {
		json_write_uint(b, (unsigned long long)i);
	}
}

void json_write_value(buf_t *b, const value_t *v)
{
	if (v_is_null(v)) {
		buf_add(b, "null", 4);
		return;
	}
	switch (v->k) {
	case V_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		break;
	case V_INT:
		json_write_int(b, v->u.i);
		break;
	case V_STR:
		json_write_string(b, v->u.s.s, v->u.s.n);
		break;
	case V_ARR:
		buf_addc(b, '[');
		for (size_t i = 0; i < v->u.a.n; i++) {
			if (i)
				buf_add(b, ", ", 2);
			json_write_value(b, v->u.a.v[i]);
		}
		buf_addc(b, ']');
		break;
	case V_OBJ: {
		int first = 1;
		buf_addc(b, '{');
		for (size_t i = 0; i < v->u.o.n; i++) {
			if (v->u.o.key[i][0] == '_')
				continue; /* hidden working fields are never written */
			if (!first)
				buf_add(b, ", ", 2);
			first = 0;
			json_write_string(b, v->u.o.key[i], strlen(v->u.o.key[i]));
			buf_add(b, ": ", 2);
			json_write_value(b, v->u.o.v[i]);
		}
		buf_addc(b, '}');
		break;
	}
	default:
		buf_add(b, "null", 4);
	}
}

value_t *v_clone(arena_t *a, const value_t *v)
{
	if (!v)
		return NULL;
	switch (v->k) {
	case V_NULL: return v_null(a);
	case V_BOOL: return v_bool(a, v->u.b);
	case V_INT: return v_int(a, v->u.i);
	case V_STR: return v_str(a, v->u.s.s, v->u.s.n);
	case V_ARR: {
		value_t *r = v_arr(a);
		for (size_t i = 0; i < v->u.a.n; i++)
			v_push(a, r, v_clone(a, v->u.a.v[i]));
		return r;
	}
	case V_OBJ: {
		value_t *r = v_obj(a);
		for (size_t i = 0; i < v->u.o.n; i++)
			v_set(a, r, v->u.o.key[i], v_clone(a, v->u.o.v[i]));
		return r;
	}
	}
	return v_null(a);
}
