/*
 * omap.c — offset maps (see omap.h for the model).
 */
#include "omap.h"
#include "common/util.h"

#include <stdlib.h>

static void push(omap_t *m, uint32_t dlen, uint32_t src, uint32_t slen, uint32_t repl)
{
	GROW(m->seg, m->cap, m->n + 1);
	m->seg[m->n++] = (omap_seg_t){m->dst_len, dlen, src, slen, repl};
	m->dst_len += dlen;
}

void omap_copy(omap_t *m, uint32_t src, uint32_t n)
{
	if (n == 0)
		return;
	if (m->n) {
		omap_seg_t *l = &m->seg[m->n - 1];
		if (!l->repl && l->src + l->slen == src) {
			l->dlen += n;
			l->slen += n;
			m->dst_len += n;
			return;
		}
	}
	push(m, n, src, n, 0);
}

void omap_replace(omap_t *m, uint32_t dlen, uint32_t src, uint32_t slen)
{
	if (dlen == 0)
		return;
	/* Never merged with its neighbour: even a same-length replacement
	 * must not read as a verbatim copy. */
	push(m, dlen, src, slen, 1);
}

/* Index of the segment holding derived byte a (a < dst_len). */
static size_t find(const omap_t *m, uint32_t a)
{
	size_t lo = 0, hi = m->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->seg[mid].dst <= a)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t start_of(const omap_t *m, uint32_t a)
{
	const omap_seg_t *s = &m->seg[find(m, a)];
	if (!s->repl)
		return s->src + (a - s->dst);
	return s->src;
}

static uint32_t end_of(const omap_t *m, uint32_t a)
{
	const omap_seg_t *s = &m->seg[find(m, a)];
	if (!s->repl)
		return s->src + (a - s->dst) + 1;
	return s->src + s->slen;
}

uint32_t omap_point(const omap_t *m, uint32_t a)
{
	if (m->n == 0)
		return a;
	if (a >= m->dst_len) {
		const omap_seg_t *l = &m->seg[m->n - 1];
		return l->src + l->slen;
	}
	return start_of(m, a);
}

uint32_t omap_cursor_point(omap_cursor_t *c, uint32_t a)
{
	const omap_t *m = c->m;
	if (m->n == 0 || a >= m->dst_len)
		return omap_point(m, a);
	if (c->i >= m->n || m->seg[c->i].dst > a)
		c->i = find(m, a);
	while (m->seg[c->i].dst + m->seg[c->i].dlen <= a)
		c->i++;
	const omap_seg_t *s = &m->seg[c->i];
	return s->repl ? s->src : s->src + (a - s->dst);
}

void omap_span(const omap_t *m, uint32_t a, uint32_t b, uint32_t *sa, uint32_t *sb)
{
	if (m->n == 0) {
		*sa = a;
		*sb = b < a ? a : b;
		return;
	}
	if (a >= m->dst_len) {
		*sa = *sb = omap_point(m, m->dst_len);
		return;
	}
	if (b > m->dst_len)
		b = m->dst_len;
	*sa = start_of(m, a);
	*sb = b <= a ? *sa : end_of(m, b - 1);
	if (*sb < *sa)
		*sb = *sa;
}

void omap_slice(omap_t *out, const omap_t *m, uint32_t a, uint32_t b, int64_t shift)
{
	if (a >= b)
		return;
	if (m->n == 0) {
		omap_copy(out, (uint32_t)((int64_t)a + shift), b - a);
		return;
	}
	for (size_t i = a < m->dst_len ? find(m, a) : m->n - 1; i < m->n && m->seg[i].dst < b; i++) {
		const omap_seg_t *g = &m->seg[i];
		uint32_t s0 = g->dst > a ? g->dst : a;
		uint32_t e0 = g->dst + g->dlen < b ? g->dst + g->dlen : b;
		if (e0 <= s0)
			continue;
		if (g->repl)
			omap_replace(out, e0 - s0, (uint32_t)((int64_t)g->src + shift), g->slen);
		else
			omap_copy(out, (uint32_t)((int64_t)g->src + (s0 - g->dst) + shift), e0 - s0);
	}
	if (m->dst_len < b) /* bytes past the map: as omap_point clamps */
		omap_replace(out, b - (m->dst_len > a ? m->dst_len : a), (uint32_t)((int64_t)omap_point(m, m->dst_len) + shift), 0);
}

void omap_reset(omap_t *m)
{
	m->n = 0;
	m->dst_len = 0;
}

void omap_release(omap_t *m)
{
	free(m->seg);
	m->seg = NULL;
	m->n = m->cap = 0;
	m->dst_len = 0;
}
