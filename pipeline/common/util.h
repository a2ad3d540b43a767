/*
 * util.h — the few building blocks every stage uses: checked allocation,
 * a growable byte buffer (buf_t), a bump arena (arena_t) and a growable
 * array macro.
 *
 * Invariants of buf_t (after git's strbuf): `data` is either NULL with
 * len == cap == 0, or points to cap bytes of which the first len are used
 * and data[len] == '\0'.  A buf_t owns its bytes; buf_release() frees them
 * and leaves an empty buffer that may be reused.
 *
 * An arena owns everything allocated from it; arena_release() frees all at
 * once.  Nothing allocated from an arena is freed on its own.
 *
 * Allocation failure is fatal (xmalloc prints and exits 3): the program
 * cannot keep the promise "nothing is lost" without memory.
 */
#ifndef BESLUT_UTIL_H
#define BESLUT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *p (an array of elements of size `size`, capacity *cap) so that it
 * holds at least `need` elements. */
void grow_array(void **p, size_t *cap, size_t need, size_t size);
#define GROW(arr, cap, need) grow_array((void **)&(arr), &(cap), (need), sizeof *(arr))

typedef struct buf {
	char *data;   /* bytes, NUL-terminated when non-NULL */
	size_t len;   /* bytes used */
	size_t cap;   /* bytes allocated (excluding the terminating NUL) */
} buf_t;

#define BUF_INIT {NULL, 0, 0}
void buf_grow(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *p, size_t n);
void buf_addc(buf_t *b, char c);
void buf_adds(buf_t *b, const char *s);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
void buf_reset(buf_t *b);     /* len = 0, keeps the memory */
void buf_release(buf_t *b);   /* frees, leaves an empty buffer */
char *buf_detach(buf_t *b, size_t *len); /* caller owns the result */

typedef struct arena_chunk arena_chunk_t;
typedef struct arena {
	arena_chunk_t *head; /* newest chunk first */
	size_t used;         /* bytes used in head */
	size_t total;        /* bytes handed out, for statistics */
} arena_t;

#define ARENA_INIT {NULL, 0, 0}
void *arena_alloc(arena_t *a, size_t n);          /* 16-byte aligned, zeroed */
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_strdup(arena_t *a, const char *s);
void arena_release(arena_t *a);

/* UTF-8 helpers. utf8_decode returns the code point at s (len bytes left)
 * and stores its length in *n; an invalid sequence yields -1 with *n = 1. */
int32_t utf8_decode(const unsigned char *s, size_t len, int *n);
int utf8_encode(uint32_t cp, char out[4]);
size_t utf8_valid_prefix(const unsigned char *s, size_t len); /* bytes of the longest valid prefix */

/* SHA-256 of a byte string as 64 lower-case hex digits + NUL; uses the
 * CPU's SHA extensions where it has them.  The portable version is kept
 * callable so that the tests can compare the two. */
void sha256_hex(const void *data, size_t len, char out[65]);
void sha256_hex_portable(const void *data, size_t len, char out[65]);
/* The same over bytes given piece by piece (a stream read in windows). */
typedef struct sha256_ctx {
	uint32_t h[8];
	unsigned char buf[64];
	size_t nbuf;
	uint64_t len;
	int hw;
} sha256_ctx_t;
void sha256_init(sha256_ctx_t *c);
void sha256_update(sha256_ctx_t *c, const void *data, size_t n);
void sha256_final_hex(sha256_ctx_t *c, char out[65]);

/* A hash of s[0..n) read eight bytes at a time (FNV-1a byte by byte was
 * a chain of multiplies as long as the word, on every token). */
static inline uint64_t hash_words(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	h *= 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 32);
}

/* Seconds on the monotonic clock, and CPU seconds of the calling thread. */
double time_now(void);
double thread_cpu_now(void);

#endif
