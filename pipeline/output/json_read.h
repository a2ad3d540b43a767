/*
 * json_read.h — parse one JSON text into arena values (value.h).
 *
 * The reader for the project's own output (a line of JSON Lines): objects,
 * arrays, strings (every escape, surrogate pairs joined), integers, true,
 * false, null.  A number with a fraction or an exponent is an error (no
 * record field holds one), as is anything after the value but white
 * space.  Strings are checked to be valid UTF-8.  Nesting is limited to
 * JSON_MAX_DEPTH levels.
 */
#ifndef BESLUT_JSON_READ_H
#define BESLUT_JSON_READ_H

#include <stddef.h>
#include "common/value.h"

#define JSON_MAX_DEPTH 64

/* Parse s[0..n) into *out (allocated in a).  Returns 0, or -1 with a
 * static message in *err and the byte offset of the problem in *at. */
int json_parse(arena_t *a, const char *s, size_t n, value_t **out, const char **err, size_t *at);

#endif
