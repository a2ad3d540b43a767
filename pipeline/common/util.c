/*
 * util.c — checked allocation, byte buffers, arenas, UTF-8 and SHA-256.
 *
 * Small, dependency-free pieces that every stage shares.  See util.h for
 * the invariants; nothing here keeps global state.
 */
#include "util.h"

#include <time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "beslut: out of memory (%zu bytes)\n", n);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void grow_array(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c < need)
		c += c / 2 + 8;
	if (c > SIZE_MAX / size)
		oom(SIZE_MAX);
	*p = xrealloc(*p, c * size);
	*cap = c;
}

/* ---- buf_t ---- */

void buf_grow(buf_t *b, size_t extra)
{
	size_t need = b->len + extra;
	if (b->data && need <= b->cap)
		return;
	size_t c = b->cap ? b->cap : 64;
	while (c < need)
		c += c / 2 + 64;
	b->data = xrealloc(b->data, c + 1);
	b->cap = c;
}

void buf_add(buf_t *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_addc(buf_t *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_adds(buf_t *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	buf_grow(b, 64);
	int n = vsnprintf(b->data + b->len, b->cap - b->len + 1, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n > b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len + 1, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(buf_t *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_release(buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(buf_t *b, size_t *len)
{
	if (!b->data)
		buf_grow(b, 0);
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* ---- arena_t ---- */

struct arena_chunk {
	arena_chunk_t *next;
	size_t size;                 /* usable bytes in mem */
	_Alignas(16) unsigned char mem[];
};

#define ARENA_CHUNK (64u * 1024u)

void *arena_alloc(arena_t *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->used + n > a->head->size) {
		size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		arena_chunk_t *c = xmalloc(sizeof *c + sz);
		c->size = sz;
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	void *p = a->head->mem + a->used;
	a->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_release(arena_t *a)
{
	arena_chunk_t *c = a->head;
	while (c) {
		arena_chunk_t *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = a->total = 0;
}

/* ---- UTF-8 ---- */

int32_t utf8_decode(const unsigned char *s, size_t len, int *n)
{
	*n = 1;
	if (len == 0)
		return -1;
	unsigned c = s[0];
	if (c < 0x80)
		return (int32_t)c;
	int need;
	uint32_t cp, min;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)need >= len)
		return -1;
	for (int i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*n = need + 1;
	return (int32_t)cp;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_valid_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* ASCII fast path, 8 bytes at a time */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		int n;
		if (utf8_decode(s + i, len - i, &n) < 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

/* ---- SHA-256 (FIPS 180-4) ---- */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + S1 + ch + K256[i] + w[i];
		uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
		uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + mj;
		hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
/* The same compression with the x86 SHA extensions: rounds in groups of
 * four (sha256rnds2 twice), the message schedule with sha256msg1/msg2.
 * The state is kept as ABEF / CDGH, the layout the instructions use. */
__attribute__((target("sha,sse4.1")))
static void sha256_blocks_ni(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i tmp = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i s1 = _mm_loadu_si128((const __m128i *)&h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);          /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);            /* EFGH */
	__m128i s0 = _mm_alignr_epi8(tmp, s1, 8);    /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);         /* CDGH */
	for (size_t b = 0; b < nblocks; b++, p += 64) {
		__m128i abef = s0, cdgh = s1, w[4];
		for (int i = 0; i < 16; i++) {
			__m128i m;
			if (i < 4) {
				m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), MASK);
			} else {
				__m128i t = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
				m = _mm_sha256msg2_epu32(t, w[(i + 3) & 3]);
			}
			w[i & 3] = m;
			__m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K256[4 * i]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, k);
			k = _mm_shuffle_epi32(k, 0x0E);
			s0 = _mm_sha256rnds2_epu32(s0, s1, k);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1B);           /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);            /* DCHG */
	s0 = _mm_blend_epi16(tmp, s1, 0xF0);         /* DCBA */
	s1 = _mm_alignr_epi8(s1, tmp, 8);            /* ABEF */
	_mm_storeu_si128((__m128i *)&h[0], s0);
	_mm_storeu_si128((__m128i *)&h[4], s1);
}

/* CPUID directly: __builtin_cpu_supports("sha") is GCC's; clang knows no
 * "sha" feature string. */
static int have_sha_ni(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19))) /* SSE4.1 */
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1; /* SHA extensions */
}
#else
static void sha256_blocks_ni(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	for (size_t b = 0; b < nblocks; b++)
		sha256_block(h, p + 64 * b);
}
static int have_sha_ni(void) { return 0; }
#endif

static void sha256_impl(const void *data, size_t len, char out[65], int hw)
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *p = data;
	size_t i = len / 64 * 64;
	if (hw) {
		sha256_blocks_ni(h, p, len / 64);
	} else {
		for (size_t j = 0; j < i; j += 64)
			sha256_block(h, p + j);
	}
	unsigned char tail[128] = {0};
	size_t rem = len - i;
	if (rem)
		memcpy(tail, p + i, rem);
	tail[rem] = 0x80;
	size_t tl = rem + 9 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		tail[tl - 1 - k] = (unsigned char)(bits >> (8 * k));
	if (hw) {
		sha256_blocks_ni(h, tail, tl / 64);
	} else {
		sha256_block(h, tail);
		if (tl == 128)
			sha256_block(h, tail + 64);
	}
	static const char hex[] = "0123456789abcdef";
	for (int k = 0; k < 8; k++)
		for (int j = 0; j < 4; j++) {
			unsigned byte = (h[k] >> (24 - 8 * j)) & 0xFF;
			out[8 * k + 2 * j] = hex[byte >> 4];
			out[8 * k + 2 * j + 1] = hex[byte & 15];
		}
	out[64] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	sha256_impl(data, len, out, have_sha_ni());
}

void sha256_hex_portable(const void *data, size_t len, char out[65])
{
	sha256_impl(data, len, out, 0);
}

void sha256_init(sha256_ctx_t *c)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, h0, sizeof h0);
	c->nbuf = 0;
	c->len = 0;
	c->hw = have_sha_ni();
}

static void sha256_ctx_blocks(sha256_ctx_t *c, const unsigned char *p, size_t nblocks)
{
	if (c->hw) {
		sha256_blocks_ni(c->h, p, nblocks);
	} else {
		for (size_t j = 0; j < nblocks; j++)
			sha256_block(c->h, p + 64 * j);
	}
}

void sha256_update(sha256_ctx_t *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	c->len += n;
	if (c->nbuf) {
		size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;
		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take;
		p += take;
		n -= take;
		if (c->nbuf < 64)
			return;
		sha256_ctx_blocks(c, c->buf, 1);
		c->nbuf = 0;
	}
	if (n >= 64) {
		sha256_ctx_blocks(c, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n) {
		memcpy(c->buf, p, n);
		c->nbuf = n;
	}
}

void sha256_final_hex(sha256_ctx_t *c, char out[65])
{
	unsigned char tail[128] = {0};
	size_t rem = c->nbuf;
	memcpy(tail, c->buf, rem);
	tail[rem] = 0x80;
	size_t tl = rem + 9 <= 64 ? 64 : 128;
	uint64_t bits = c->len * 8;
	for (int k = 0; k < 8; k++)
		tail[tl - 1 - k] = (unsigned char)(bits >> (8 * k));
	sha256_ctx_blocks(c, tail, tl / 64);
	static const char hex[] = "0123456789abcdef";
	for (int k = 0; k < 8; k++)
		for (int j = 0; j < 4; j++) {
			unsigned byte = (c->h[k] >> (24 - 8 * j)) & 0xFF;
			out[8 * k + 2 * j] = hex[byte >> 4];
			out[8 * k + 2 * j + 1] = hex[byte & 15];
		}
	out[64] = '\0';
}

double time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double thread_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
