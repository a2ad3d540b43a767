/*
 * value.h — JSON values for record fields, and the JSON writer.
 *
 * Values are allocated from an arena (the document's); they are never freed
 * one by one.  Strings are copied into the arena and need not be
 * NUL-terminated at the source.  Object keys keep insertion order, so the
 * output is deterministic; setting an existing key replaces its value.
 *
 * json_write_string() escapes everything JSON requires: '"', '\\', and all
 * control characters below U+0020 (as \n, \t, … or \u00XX); it also
 * escapes U+2028/U+2029 so that a line of JSONL is a line for every reader.
 * Input that is not valid UTF-8 has each bad byte replaced by U+FFFD.
 */
#ifndef BESLUT_VALUE_H
#define BESLUT_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

typedef enum vkind { V_NULL, V_BOOL, V_INT, V_STR, V_ARR, V_OBJ } vkind_t;

typedef struct value value_t;
struct value {
	vkind_t k;
	union {
		int b;                                    /* V_BOOL */
		long long i;                              /* V_INT */
		struct { const char *s; size_t n; } s;    /* V_STR (NUL-terminated too) */
		struct { value_t **v; size_t n, cap; } a; /* V_ARR */
		struct { const char **key; value_t **v; size_t n, cap; } o; /* V_OBJ */
	} u;
};

value_t *v_null(arena_t *a);
value_t *v_bool(arena_t *a, int b);
value_t *v_int(arena_t *a, long long i);
value_t *v_str(arena_t *a, const char *s, size_t n);
value_t *v_cstr(arena_t *a, const char *s);   /* NULL -> null value */
value_t *v_arr(arena_t *a);
value_t *v_obj(arena_t *a);
void v_push(arena_t *a, value_t *arr, value_t *x);
void v_set(arena_t *a, value_t *obj, const char *key, value_t *x); /* key copied */
/* An object with room for n members, filled by v_put: the caller's keys are
 * distinct, absent from obj, and outlive the arena (a grammar's field
 * names); they are not copied. v_set works on such an object as on any. */
value_t *v_obj_n(arena_t *a, size_t n);
void v_put(arena_t *a, value_t *obj, const char *key, value_t *x);
value_t *v_get(const value_t *obj, const char *key);   /* NULL if absent */
int v_is_null(const value_t *v);                        /* NULL pointer or V_NULL */
int v_equal(const value_t *x, const value_t *y);
value_t *v_clone(arena_t *a, const value_t *v);          /* a deep copy in a */

/* Append JSON text to b. */
void json_write_string(buf_t *b, const char *s, size_t n);
void json_write_value(buf_t *b, const value_t *v);
/* Decimal digits of an integer, as printf's %llu / %lld write them. */
void json_write_uint(buf_t *b, unsigned long long u);
void json_write_int(buf_t *b, long long i);

#endif
