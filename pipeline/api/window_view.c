/*
 * window_view.c — the view a window is matched in (window_int.h): its
 * normalized text with the context before and after it, the original text
 * of its segments, and the maps between them.
 */
#include "window_int.h"

/* Between two segments: a paragraph break in the view, a line end in
 * the original text. */
void view_sep(view_t *x, uint32_t src_at)
{
	size_t n = x->v.len;
	int add = n == 0 ? 0 : x->v.data[n - 1] != '\n' ? 2 : (n < 2 || x->v.data[n - 2] != '\n') ? 1 : 0;
	if (add) {
		buf_add(&x->v, "\n\n", (size_t)add);
		omap_replace(&x->vmap, (uint32_t)add, (uint32_t)x->o.len, 0);
	}
	if (x->o.len && x->o.data[x->o.len - 1] != '\n') {
		buf_addc(&x->o, '\n');
		omap_replace(&x->omap, 1, src_at, 0);
	}
}

/* Append the normalized bytes [a, b) of g to the view, and its text to
 * the original text (once per segment). */
void view_add(view_t *x, const seg_t *g, uint32_t a, uint32_t b)
{
	uint32_t obase = (uint32_t)x->o.len;
	buf_add(&x->o, g->text.data ? g->text.data : "", g->text.len);
	omap_slice(&x->omap, &g->tmap, 0, (uint32_t)g->text.len, 0);
	buf_add(&x->v, g->nr.text.data ? g->nr.text.data + a : "", b - a);
	omap_slice(&x->vmap, &g->nr.map, a, b, (int64_t)obase);
}

/* Empty, its buffers kept for the next view of the thread. */
void view_reset(view_t *x)
{
	x->v.len = 0;
	x->o.len = 0;
	omap_reset(&x->vmap);
	omap_reset(&x->omap);
}

void view_release(view_t *x)
{
	buf_release(&x->v);
	buf_release(&x->o);
	omap_release(&x->vmap);
	omap_release(&x->omap);
}

/* First token at or after byte off. */
uint32_t tok_at(const tokens_t *t, size_t off)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}
