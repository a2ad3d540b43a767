/*
 * window.c — one long document in bounded windows (see window.h).
 *
 * Three segments are alive at a time: the one being matched, the one
 * before it (its end is the matcher's left context) and the one after it
 * (its start is the lookahead).  Offsets: each segment's text maps to
 * global source offsets (tmap), its normalized text to its text
 * (nr.map).  A view concatenates pieces of the three normalized texts
 * (with a paragraph break between them) and, for column(), the three
 * decoded texts, with maps built from slices of theirs; a record's
 * normalized span goes through both maps to its source span, as in a
 * whole-document run.  Records then carry source offsets, and the batches
 * are assembled with identity maps and the pages in source offsets.
 */
#include "window_int.h"
#include "records/assemble.h"
#include "output/guard.h"
#include "output/json_read.h"
#include "records/link.h"
#include "common/limits.h"
#include "common/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

size_t window_bytes(void)
{
	const char *e = getenv("BESLUT_WINDOW_BYTES");
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 10);
		if (*end == '\0' && v >= 256 && v <= (1ull << 30))
			return (size_t)v;
	}
	return BESLUT_STREAM_WINDOW;
}

/* ---- segments ---- */

static void seg_free(seg_t *g)
{
	if (!g)
		return;
	buf_release(&g->text);
	buf_release(&g->raw);
	free(g->gpages);
	omap_release(&g->tmap);
	norm_result_release(&g->nr);
	free(g);
}

/* ---- the document ---- */

typedef struct pend {
	record_t r;
	size_t seg;
} pend_t;

typedef struct seg_arena {
	size_t seg;
	arena_t a;
	value_t *warnings;
} seg_arena_t;

typedef struct wdoc {
	window_env_t *env;
	src_t src;
	size_t nul, bad;
	size_t nseg;
	int total_pages;
	int last_page;          /* number of the last page so far */
	size_t budget;          /* the normalizer's dictionary lookups left */
	int budget_known;       /* … given for the whole text at once (its length known) */
	norm_shape_t shape;     /* the text's shape, from the first segment */
	int prev_ends_page;
	size_t pages_seen;      /* pages found so far */
	norm_stats_t stats;
	buf_t first_text;       /* the first segment's normalized text (complete_date) */
	norm_page_t *pages;     /* in source offsets, of the segments still referenced */
	size_t npages, pages_cap;
	pend_t *pend;
	size_t npend, pend_cap;
	seg_arena_t *arenas;
	size_t narenas, arenas_cap;
	uint32_t *gcarry;       /* per rule group: global token of its next start */
	size_t ngroups;
	uint32_t tok_next;      /* global index of the next segment's first token */
	size_t sw_seg;          /* segments whose source bytes and pages sw and pages hold */
	size_t mseg;            /* segments known to the merge: the one merged and the next */
	size_t rematched;       /* views matched again with the carry */
	size_t views;
	long last_item_number;  /* of the last item assembled, -2 none */
	asm_carry_t *carry;
	FILE *spill;
	int spill_failed;
	buf_t obuf;
	norm_result_t fnorm;    /* identity maps, pages in source offsets */
	buf_t sw;               /* source bytes [sw_base, sw_base + sw.len): what records may still span */
	unsigned char *cst;     /* bit k: sw byte k starts a character (as char_index_init finds them) */
	size_t cst_cap;         /* bytes, zero past sw.len */
	uint64_t *cblk;         /* characters before each block of sw (char_index_t) */
	size_t cblk_cap;
	uint64_t sw_base;
	uint64_t sw_cp;         /* characters before sw_base (as link.h counts them) */
	uint64_t next_src0;     /* source start of the segment after the one just matched */
	arena_t garena;         /* what the schema guard said about the batches: */
	value_t *gwarn;         /* … its warnings (V_ARR), */
	long long gdropped;     /* … the records it dropped */
} wdoc_t;

/* ---- the characters of sw, kept as it grows and is cut ---- */

#define CST_BLOCK 256 /* bytes per block of a char_index_t (link_write.c) */

static void cst_room(wdoc_t *w)
{
	size_t need = (w->sw.len / CST_BLOCK + 1) * (CST_BLOCK / 8) + 8;
	if (w->cst_cap < need) {
		size_t nc = need + need / 2;
		w->cst = xrealloc(w->cst, nc);
		memset(w->cst + w->cst_cap, 0, nc - w->cst_cap);
		w->cst_cap = nc;
	}
}

/* The character starts of sw from byte p0 on (a start, or the end), decoded
 * anew: char_index_init's decoding from sw's first byte reaches p0 and
 * goes on from there alike. */
static void cst_decode(wdoc_t *w, size_t p0)
{
	size_t n = w->sw.len;
	cst_room(w);
	unsigned char *b = w->cst;
	size_t k = p0;
	for (; k < n && (k & 7); k++)
		b[k >> 3] &= (unsigned char)~(1u << (k & 7));
	if (k >> 3 < w->cst_cap)
		memset(b + (k >> 3), 0, w->cst_cap - (k >> 3));
	const unsigned char *p = (const unsigned char *)w->sw.data;
	for (k = p0; k < n;) {
		if (!(k & 7) && k + 8 <= n) { /* eight ASCII bytes: eight starts */
			uint64_t x;
			memcpy(&x, p + k, 8);
			if (!(x & 0x8080808080808080ull)) {
				b[k >> 3] = 0xFF;
				k += 8;
				continue;
			}
		}
		int len = 1;
		if (utf8_decode(p + k, n - k, &len) < 0 || len < 1)
			len = 1;
		b[k >> 3] |= (unsigned char)(1u << (k & 7));
		k += (size_t)len;
	}
}

/* sw grew from old bytes: a character that began in its last four bytes
 * may go on into the new ones. */
static void cst_append(wdoc_t *w, size_t old)
{
	size_t p0 = old > 4 ? old - 4 : 0;
	cst_room(w);
	while (p0 < old && !(w->cst[p0 >> 3] >> (p0 & 7) & 1))
		p0++;
	cst_decode(w, p0);
}

/* Characters that start in sw's first cut bytes. */
static uint64_t cst_count(const wdoc_t *w, size_t cut)
{
	uint64_t c = 0;
	size_t q = cut >> 3;
	for (size_t i = 0; i < q; i++)
		c += (uint64_t)__builtin_popcount(w->cst[i]);
	if (cut & 7)
		c += (uint64_t)__builtin_popcount(w->cst[q] & ((1u << (cut & 7)) - 1));
	return c;
}

/* sw lost its first cut bytes (sw.len is already the new length). */
static void cst_cut(wdoc_t *w, size_t cut)
{
	size_t n = w->sw.len;
	int at_start = n == 0 || (w->cst[cut >> 3] >> (cut & 7) & 1);
	unsigned char *b = w->cst;
	size_t q = cut >> 3, r = cut & 7, nb = n / 8 + 1;
	for (size_t i = 0; i < nb; i++) {
		unsigned lo = b[q + i], hi = q + i + 1 < w->cst_cap ? b[q + i + 1] : 0;
		b[i] = (unsigned char)(r ? (lo >> r | hi << (8 - r)) : lo);
	}
	memset(b + nb, 0, w->cst_cap - nb);
	if (n & 7)
		b[n >> 3] &= (unsigned char)((1u << (n & 7)) - 1);
	else
		b[n >> 3] = 0;
	if (!at_start) /* cut inside a character: the rest decoded anew */
		cst_decode(w, 0);
}

/* A char_index_t (link.h) over sw from the starts above; its arrays are
 * the document's (not to be released). */
static void cst_index(wdoc_t *w, char_index_t *ci)
{
	size_t n = w->sw.len;
	cst_room(w);
	size_t nblocks = n / CST_BLOCK + 1;
	if (w->cblk_cap < nblocks) {
		w->cblk_cap = nblocks + nblocks / 2;
		w->cblk = xrealloc(w->cblk, w->cblk_cap * sizeof *w->cblk);
	}
	uint64_t cp = 0;
	for (size_t bl = 0; bl < nblocks; bl++) {
		w->cblk[bl] = cp;
		const unsigned char *x = w->cst + bl * (CST_BLOCK / 8);
		for (size_t i = 0; i < CST_BLOCK / 8; i += 8) {
			uint64_t v;
			memcpy(&v, x + i, 8);
			cp += (uint64_t)__builtin_popcountll(v);
		}
	}
	memset(ci, 0, sizeof *ci);
	ci->s = (const unsigned char *)(w->sw.data ? w->sw.data : "");
	ci->n = n;
	ci->block = w->cblk;
	ci->starts = w->cst;
	ci->nblocks = nblocks;
	ci->base = (size_t)w->sw_base;
	ci->cp_base = w->sw_cp;
}

/* The schema guard (guard.h) over a batch's lines: it needs a document
 * record first, so it gets a stand-in whose warnings and record count
 * collect what it says; the real document record gets them at the end. */
static const char GUARD_DOC[] = "{\"warnings\": [], \"stats\": {\"records\": 1000000000}}\n";

static void guard_batch(wdoc_t *w, buf_t *b)
{
	if (!b->len)
		return;
	buf_t t = BUF_INIT;
	buf_adds(&t, GUARD_DOC);
	buf_add(&t, b->data, b->len);
	schema_guard(&t, 0);
	const char *nl = memchr(t.data, '\n', t.len);
	size_t dl = (size_t)(nl - t.data) + 1;
	if (dl != sizeof GUARD_DOC - 1 || memcmp(t.data, GUARD_DOC, dl) != 0) {
		value_t *d = NULL;
		const char *err;
		size_t at;
		if (json_parse(&w->garena, t.data, dl - 1, &d, &err, &at) == 0) {
			const value_t *wa = v_get(d, "warnings");
			if (!w->gwarn)
				w->gwarn = v_arr(&w->garena);
			for (size_t i = 0; wa && wa->k == V_ARR && i < wa->u.a.n; i++)
				if (w->gwarn->u.a.n < BESLUT_MAX_WARNINGS)
					v_push(&w->garena, w->gwarn, wa->u.a.v[i]);
			const value_t *nr = v_get(v_get(d, "stats"), "records");
			if (nr && nr->k == V_INT)
				w->gdropped += 1000000000LL - nr->u.i;
		}
	}
	buf_reset(b);
	buf_add(b, t.data + dl, t.len - dl);
	buf_release(&t);
}

/* The guard's findings into the document record at out[at..]. */
static void guard_document(wdoc_t *w, buf_t *out, size_t at)
{
	if (!w->gwarn && !w->gdropped)
		return;
	arena_t a = ARENA_INIT;
	value_t *d = NULL;
	const char *err;
	size_t pos;
	size_t len = out->len - at;
	while (len && out->data[at + len - 1] == '\n')
		len--;
	if (json_parse(&a, out->data + at, len, &d, &err, &pos) == 0 && d->k == V_OBJ) {
		value_t *wa = v_get(d, "warnings");
		for (size_t i = 0; w->gwarn && wa && wa->k == V_ARR && i < w->gwarn->u.a.n; i++)
			if (wa->u.a.n < BESLUT_MAX_WARNINGS)
				v_push(&a, wa, w->gwarn->u.a.v[i]);
		value_t *st = v_get(d, "stats");
		value_t *nr = st && st->k == V_OBJ ? v_get(st, "records") : NULL;
		if (nr && nr->k == V_INT && nr->u.i >= w->gdropped)
			v_set(&a, st, "records", v_int(&a, nr->u.i - w->gdropped));
		out->len = at;
		json_write_value(out, d);
		buf_addc(out, '\n');
	}
	arena_release(&a);
}

static int spill_write(wdoc_t *w, const buf_t *b)
{
	if (!b->len || w->spill_failed)
		return 0;
	if (!w->spill) {
		const char *dir = getenv("TMPDIR");
		buf_t p = BUF_INIT;
		buf_printf(&p, "%s/beslut-window-XXXXXX", dir && *dir ? dir : "/tmp");
		int fd = mkstemp(p.data);
		if (fd >= 0) {
			unlink(p.data);
			w->spill = fdopen(fd, "w+");
			if (!w->spill)
				close(fd);
		}
		buf_release(&p);
		if (!w->spill) {
			w->spill_failed = 1;
			return -1;
		}
	}
	if (fwrite(b->data, 1, b->len, w->spill) != b->len) {
		w->spill_failed = 1;
		return -1;
	}
	return 0;
}

/* Read the next segment [pos, cut) of the source (pos relative to the
 * buffer base) into a new seg; NULL at the end or on error. */
static seg_t *next_segment(wdoc_t *w)
{
	src_t *s = &w->src;
	size_t W = w->env->window, slack = W / BESLUT_STREAM_SLACK_DIV;
	if (wsrc_need(s, 0, W + slack + 1))
		return NULL;
	if (s->buf.len == 0)
		return NULL;
	size_t cut = s->buf.len <= W + slack && s->eof ? s->buf.len
	             : window_find_cut((const unsigned char *)s->buf.data, s->buf.len, W, W + slack);
	if (s->buf.len <= W + slack && s->eof)
		cut = s->buf.len;
	seg_t *g = xcalloc(1, sizeof *g);
	g->idx = w->nseg++;
	g->src0 = (uint32_t)s->base;
	g->src1 = (uint32_t)(s->base + cut);
	g->ends_page = cut > 0 && s->buf.data[cut - 1] == '\f';
	read_decode_slice(s->buf.data, cut, g->src0, g->src0 == 0, &g->text, &g->tmap, &w->nul, &w->bad);
	buf_add(&g->raw, s->buf.data, cut); /* for character offsets (sw) */
	memmove(s->buf.data, s->buf.data + cut, s->buf.len - cut);
	s->buf.len -= cut;
	s->buf.data[s->buf.len] = '\0';
	s->base += cut;
	return g;
}

static void normalize_segment(wdoc_t *w, seg_t *g)
{
	double t0 = time_now();
	int cont = g->idx > 0 && !w->prev_ends_page; /* its first page goes on from the one before */
	if (!w->budget_known) /* the whole text's budget, given as the text comes */
		w->budget += (g->idx == 0 ? 1000 : 0) + g->text.len / 8192;
	norm_segment_t sg = {g->idx > 0 ? w->last_page : 0, cont, g->idx > 0, &w->budget, &w->shape};
	normalize_run_segment(w->env->nz, g->text.data ? g->text.data : "", g->text.len, 0, &sg, &g->nr);
	w->total_pages += (int)g->nr.npages - (cont ? 1 : 0);
	if (g->nr.npages)
		w->last_page = g->nr.pages[g->nr.npages - 1].number;
	w->prev_ends_page = g->ends_page;
	norm_stats_t *t = &w->stats;
	t->lines += g->nr.stats.lines;
	t->hyphen_joins += g->nr.stats.hyphen_joins;
	t->hyphens_kept += g->nr.stats.hyphens_kept;
	t->suspended_kept += g->nr.stats.suspended_kept;
	t->headers_removed += g->nr.stats.headers_removed;
	if (g->idx == 0)
		buf_add(&w->first_text, g->nr.text.data ? g->nr.text.data : "", g->nr.text.len);
	for (size_t k = 0; k < g->nr.npages; k++) {
		uint32_t tp = omap_point(&g->nr.map, g->nr.pages[k].start);
		uint32_t sp = g->text.len ? omap_point(&g->tmap, tp) : g->src0;
		if (k == 0 && cont && w->pages_seen)
			continue; /* the same page as the last one before */
		g->gpages = xrealloc(g->gpages, (g->ngpages + 1) * sizeof *g->gpages);
		g->gpages[g->ngpages++] = (norm_page_t){sp, g->nr.pages[k].number};
		w->pages_seen++;
	}
	w->env->t_normalize += time_now() - t0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Assemble the pending records that start before horizon (all with
 * UINT32_MAX) with the matcher's warnings of the segment just matched. */
static void flush(wdoc_t *w, uint64_t horizon, value_t *warnings)
{
	window_env_t *env = w->env;
	double t0 = time_now();
	recvec_t batch = RECVEC_INIT;
	size_t keep = 0;
	for (size_t i = 0; i < w->npend; i++) {
		if ((uint64_t)w->pend[i].r.start < horizon)
			*recvec_push(&batch) = w->pend[i].r;
		else
			w->pend[keep++] = w->pend[i];
	}
	w->npend = keep;
	arena_t scratch = ARENA_INIT;
	doc_result_t d = {w->src.in, &w->fnorm, &batch, warnings, 0, &scratch, env->asm_flags, env->grammar};
	w->fnorm.pages = w->pages;
	w->fnorm.npages = w->npages;
	buf_reset(&w->obuf);
	char_index_t ci;
	cst_index(w, &ci);
	asm_carry_set_chars(w->carry, &ci);
	assemble_batch(&d, w->carry, &w->obuf);
	asm_carry_set_chars(w->carry, NULL);
	guard_batch(w, &w->obuf);
	/* the last item of the batch: the next batch's first item is no
	 * repeat of it (see the horizon) */
	for (size_t i = 0; i < batch.n; i++)
		if (!batch.v[i].merge && strcmp(batch.v[i].type, "item") == 0) {
			const value_t *num = v_get(batch.v[i].fields, "number");
			w->last_item_number = num && num->k == V_INT ? (long)num->u.i : -1;
		}
	spill_write(w, &w->obuf);
	recvec_release(&batch);
	arena_release(&scratch);
	/* arenas and pages no pending record needs */
	size_t oldest = SIZE_MAX;
	uint32_t first = UINT32_MAX;
	for (size_t i = 0; i < w->npend; i++) {
		if (w->pend[i].seg < oldest)
			oldest = w->pend[i].seg;
		if (w->pend[i].r.start < first)
			first = w->pend[i].r.start;
	}
	size_t ka = 0;
	for (size_t i = 0; i < w->narenas; i++) {
		if (w->arenas[i].seg < oldest && w->arenas[i].seg + 1 < w->mseg)
			arena_release(&w->arenas[i].a);
		else
			w->arenas[ka++] = w->arenas[i];
	}
	w->narenas = ka;
	/* the source bytes before what the pending records and the next
	 * window can span */
	uint64_t keep_from = first != UINT32_MAX && first < w->next_src0 ? first : w->next_src0;
	if (keep_from > w->sw_base) {
		size_t cut = (size_t)(keep_from - w->sw_base);
		if (cut > w->sw.len)
			cut = w->sw.len;
		w->sw_cp += cst_count(w, cut); /* characters as char_index_init counts them */
		memmove(w->sw.data, w->sw.data + cut, w->sw.len - cut);
		w->sw.len -= cut;
		w->sw.data[w->sw.len] = '\0';
		w->sw_base += cut;
		cst_cut(w, cut);
	}
	/* the pages before the one keep_from lies on: the pages of segments
	 * normalized ahead are here already, and the next records start on
	 * the page of the next segment's start, not on the last page */
	size_t drop = 0;
	while (drop + 1 < w->npages && w->pages[drop + 1].start <= keep_from)
		drop++;
	if (drop) {
		memmove(w->pages, w->pages + drop, (w->npages - drop) * sizeof *w->pages);
		w->npages -= drop;
	}
	env->t_assemble += time_now() - t0;
}

/* The start of the last item among the pending records that is no
 * repeat of the item before it, or UINT64_MAX-1 when there is none. */
static uint64_t horizon(wdoc_t *w)
{
	size_t n = 0;
	uint32_t *st = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < w->npend; i++)
		if (!w->pend[i].r.merge && strcmp(w->pend[i].r.type, "item") == 0) {
			GROW(st, cap, n + 1);
			st[n++] = (uint32_t)i;
		}
	uint64_t h = UINT64_MAX - 1;
	if (n) {
		/* by start (pending records are nearly sorted) */
		uint32_t *key = xmalloc(n * 2 * sizeof *key);
		for (size_t k = 0; k < n; k++) {
			key[2 * k] = w->pend[st[k]].r.start;
			key[2 * k + 1] = st[k];
		}
		qsort(key, n, 2 * sizeof *key, cmp_u32);
		for (size_t k = n; k-- > 0;) {
			const value_t *num = v_get(w->pend[key[2 * k + 1]].r.fields, "number");
			long nb = num && num->k == V_INT ? (long)num->u.i : -1;
			long before = w->last_item_number;
			if (k > 0) {
				const value_t *pn = v_get(w->pend[key[2 * k - 1]].r.fields, "number");
				before = pn && pn->k == V_INT ? (long)pn->u.i : -1;
			}
			if (nb < 0 || nb != before) {
				h = key[2 * k];
				break;
			}
		}
		free(key);
	}
	free(st);
	return h;
}

/* One view matched: its records with source spans and view-local token
 * numbers, the matcher's warnings, the groups' carry, all in an arena
 * that lives as long as a pending record needs it. */
typedef struct vres {
	seg_t *prev, *cur, *next;
	arena_t *arena;
	value_t *warnings;
	recvec_t recs;
	uint32_t first, limit;  /* the segment's own tokens in the view */
	uint32_t *carry;        /* per group, view-local: in (0: nothing blocked) and out */
	uint32_t *gfirst;       /* per group, view-local: where its first match starts (UINT32_MAX: none) */
	size_t ngroups;
	uint32_t *gcin;         /* when the views before it were merged as its match began: */
	uint32_t gnext;         /* … the groups' global carry and next token then (else NULL) */
	int carried;            /* matched with the carry the merge would give it */
	double t_tok, t_match;
} vres_t;

typedef window_tools_t vtools_t;

/* Match view r (its tokens made anew in the thread's view buffers x).
 * With only (per group, 1 = match again), the view was matched before
 * with another carry: only those groups are matched again, the records of
 * the others stand, merged in the matcher's order (a group's matches
 * depend only on the tokens and on where its own last match ended), and
 * the trigger warnings are made anew over all of them. */
static void run_view(const window_env_t *env, const vtools_t *tl, view_t *x, vres_t *r,
                     const uint8_t *only)
{
	seg_t *prev = r->prev, *cur = r->cur, *next = r->next;
	double t1 = time_now();
	view_reset(x);
	if (prev && prev->nr.text.len) {
		const char *t = prev->nr.text.data;
		size_t len = prev->nr.text.len, p = len > BESLUT_WINDOW_CONTEXT ? len - BESLUT_WINDOW_CONTEXT : 0;
		if (p > 0) {
			const char *q = p < len ? strstr(t + p, "\n\n") : NULL;
			if (!q)
				q = memchr(t + p, '\n', len - p);
			p = q ? (size_t)(q - t) + (q[1] == '\n' ? 2 : 1) : len;
		}
		view_add(x, prev, (uint32_t)p, (uint32_t)len);
		view_sep(x, cur->src0);
	}
	size_t own0 = x->v.len;
	view_add(x, cur, 0, (uint32_t)cur->nr.text.len);
	size_t own1 = x->v.len;
	if (next && next->nr.text.len) {
		const char *t = next->nr.text.data;
		size_t len = next->nr.text.len, q = len;
		if (len > BESLUT_WINDOW_LOOKAHEAD) {
			const char *e = strstr(t + BESLUT_WINDOW_LOOKAHEAD, "\n\n");
			q = e ? (size_t)(e - t) : len;
		}
		view_sep(x, next->src0);
		view_add(x, next, 0, (uint32_t)q);
	}
	tokenize_range(x->v.data ? x->v.data : "", 0, x->v.len, 1, tl->st, tl->toks);
	grammar_annotate(env->grammar, tl->toks);
	double t2 = time_now();
	r->t_tok = t2 - t1;
	r->first = tok_at(tl->toks, own0);
	r->limit = tok_at(tl->toks, own1);
	if (r->gcin) { /* the carry known: as merge_view would set it */
		int again = 0;
		for (size_t gi = 0; gi < r->ngroups && !again; gi++)
			again = r->gcin[gi] > r->gnext;
		if (again) {
			uint32_t tbase = r->gnext - r->first;
			for (size_t gi = 0; gi < r->ngroups; gi++)
				r->carry[gi] = r->gcin[gi] > tbase ? r->gcin[gi] - tbase : 0;
		}
		free(r->gcin);
		r->gcin = NULL;
		r->carried = 1;
	}
	r->warnings = v_arr(r->arena);
	recvec_t kept = RECVEC_INIT; /* with only: the other groups' records */
	if (only)
		for (size_t i = 0; i < r->recs.n; i++)
			if (!only[r->recs.v[i].group])
				*recvec_push(&kept) = r->recs.v[i];
	r->recs.n = 0;
	/* the columns when an action asks (most views never do) */
	col_src_t cols = {tl->toks, x->v.data ? x->v.data : "", x->o.data ? x->o.data : "", x->o.len, &x->vmap, 0};
	match_input_t mi = {x->v.data ? x->v.data : "", x->v.len, tl->toks, r->arena, &cols};
	match_range_t rg = {r->first, r->limit, r->carry, r->gfirst, only};
	if (r->first < r->limit) /* else no token of its own: nothing starts here */
		matcher_run_range(tl->m, &mi, &rg, &r->recs, NULL, r->warnings);
	for (size_t i = 0; i < r->recs.n; i++) { /* source spans */
		record_t *q = &r->recs.v[i];
		uint32_t oa, ob, sa0, sb0;
		omap_span(&x->vmap, q->start, q->end, &oa, &ob);
		omap_span(&x->omap, oa, ob, &sa0, &sb0);
		q->start = sa0;
		q->end = sb0;
	}
	if (only) {
		/* the two lists, each in the matcher's order, merged */
		recvec_t all = RECVEC_INIT;
		size_t a = 0, b = 0;
		while (a < kept.n || b < r->recs.n) {
			int take_b = a == kept.n || (b < r->recs.n && matcher_record_before(&r->recs.v[b], &kept.v[a]));
			*recvec_push(&all) = take_b ? r->recs.v[b++] : kept.v[a++];
		}
		recvec_release(&r->recs);
		recvec_release(&kept);
		r->recs = all;
		if (r->first < r->limit)
			matcher_triggers(tl->m, &mi, &r->recs, r->warnings, r->first, r->limit);
	}
	r->t_match = time_now() - t2;
}

/* The segment's source bytes and pages go to the document's (sw, pages)
 * when the merge first needs them: the view it merges and the next one,
 * never more, whatever was read ahead. */
static void take_segment(wdoc_t *w, seg_t *g)
{
	if (!g || g->idx != w->sw_seg)
		return;
	size_t old = w->sw.len;
	buf_add(&w->sw, g->raw.data ? g->raw.data : "", g->raw.len);
	cst_append(w, old);
	buf_release(&g->raw);
	for (size_t k = 0; k < g->ngpages; k++) {
		GROW(w->pages, w->pages_cap, w->npages + 1);
		w->pages[w->npages++] = g->gpages[k];
	}
	free(g->gpages);
	g->gpages = NULL;
	g->ngpages = 0;
	w->sw_seg++;
}

/* Hand a matched view's records to the document: token numbers made
 * global, the carry checked (a view matched before the one before it
 * was done assumed no group blocked at its start: when one was, it is
 * matched again with the carry), pending records, a flush. */
static void merge_view(wdoc_t *w, vres_t *r, const vtools_t *tl, view_t *vx)
{
	window_env_t *env = w->env;
	take_segment(w, r->cur);
	take_segment(w, r->next);
	w->mseg = r->cur->idx + (r->next ? 2 : 1);
	if (!r->carried) {
		/* A group blocked into the view changes nothing when the view's
		 * first match of that group starts where the block ends or later:
		 * a group's matches depend only on the tokens and on where its own
		 * last match ended (match.c), so then only its carry out changes
		 * (the block's end when the view has no match of it). */
		uint32_t tbase = w->tok_next - r->first, gnext = w->tok_next;
		uint8_t *again = NULL; /* the groups to match again */
		for (size_t gi = 0; gi < w->ngroups; gi++) {
			if (w->gcarry[gi] <= gnext)
				continue;
			if (r->gfirst[gi] < w->gcarry[gi] - tbase) {
				if (!again)
					again = xcalloc(w->ngroups + 1, 1);
				again[gi] = 1;
			} else if (r->carry[gi] < w->gcarry[gi] - tbase) {
				r->carry[gi] = w->gcarry[gi] - tbase;
			}
		}
		if (again) {
			/* those groups from where their blocks end; the carries of
			 * the others are kept (matcher_run_range copies them through) */
			for (size_t gi = 0; gi < w->ngroups; gi++)
				if (again[gi])
					r->carry[gi] = w->gcarry[gi] - tbase;
			env->t_tokenize += r->t_tok;
			env->t_match += r->t_match;
			run_view(env, tl, vx, r, again);
			free(again);
			w->rematched++;
		}
	}
	env->t_tokenize += r->t_tok;
	env->t_match += r->t_match;
	uint32_t tbase = w->tok_next - r->first; /* global index of the view's token 0 */
	for (size_t gi = 0; gi < w->ngroups; gi++)
		w->gcarry[gi] = r->carry[gi] + tbase;
	GROW(w->arenas, w->arenas_cap, w->narenas + 1);
	seg_arena_t *sa = &w->arenas[w->narenas++];
	sa->seg = r->cur->idx;
	sa->a = *r->arena;
	free(r->arena);
	r->arena = NULL;
	if (r->cur->idx == 0) { /* the first page's header: document fields first */
		recvec_t fr = RECVEC_INIT;
		furniture_records(env->grammar, tl->st, tl->m, tl->toks, r->cur->text.data ? r->cur->text.data : "",
		                  r->cur->text.len, &r->cur->nr, &sa->a, &fr);
		for (size_t i = 0; i < fr.n; i++) {
			GROW(w->pend, w->pend_cap, w->npend + 1);
			w->pend[w->npend++] = (pend_t){fr.v[i], 0};
		}
		recvec_release(&fr);
	}
	for (size_t i = 0; i < r->recs.n; i++) {
		record_t q = r->recs.v[i];
		q.tok_start += tbase;
		q.tok_end += tbase;
		GROW(w->pend, w->pend_cap, w->npend + 1);
		w->pend[w->npend++] = (pend_t){q, r->cur->idx};
	}
	recvec_release(&r->recs);
	w->tok_next += r->limit - r->first;
	env->tokens += r->limit - r->first;
	uint64_t h = UINT64_MAX;
	if (r->next) {
		h = horizon(w);
		size_t oldest = r->cur->idx;
		for (size_t i = 0; i < w->npend; i++)
			if (w->pend[i].seg < oldest)
				oldest = w->pend[i].seg;
		if (h == UINT64_MAX - 1 && oldest + BESLUT_WINDOW_HOLD <= r->cur->idx)
			h = UINT64_MAX; /* an item longer than the hold: split */
	}
	w->next_src0 = r->cur->src1;
	flush(w, h, r->warnings);
}

/* The rounds overlapped.  Every thread of the document (the caller and
 * env->nhelpers helpers, each with its own stemmer, matcher and tokens)
 * takes the next task it may do, in this order:
 *   merge   the next view in order once it is matched (one thread at a
 *           time: the carry, the pending records, assembly, the file);
 *   read    the next segment, decoded and normalized (one thread at a
 *           time: the source, the normalizer, the page count), while
 *           fewer than `ahead` segments wait for their merge;
 *   match   the next view whose following segment is known.
 * The reading side and the merging side share no state: a segment's
 * source bytes and pages pass to the document's when the merge takes it
 * (take_segment), so what the merge sees does not depend on how far the
 * reading got.  A view k is matched and merged only once segment k + 1
 * has been read or the source ended cleanly; on a read error the views
 * before it are merged and the rest dropped, as one thread would. */
typedef struct sched {
	wdoc_t *w;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t cap;             /* ring size of segs and res */
	seg_t **segs;           /* by idx % cap: read, not yet freed */
	vres_t *res;            /* by idx % cap */
	unsigned char *mstate;  /* by idx % cap: 0 waiting, 1 matching, 2 matched */
	size_t ahead;           /* segments read and not merged, at most */
	size_t nread;           /* segments read */
	int end;                /* the source ended cleanly */
	int failed;             /* it failed: no more reading */
	int reading, merging;
	double wait;            /* seconds threads waited for a task (BESLUT_WINDOW_STATS) */
	double busy[3];         /* CPU seconds spent merging, reading, matching */
	size_t nmatch;          /* next view to match */
	size_t nmerged;         /* views merged */
} sched_t;

static seg_t *sseg(const sched_t *S, size_t idx)
{
	return S->segs[idx % S->cap];
}

/* Views that will be merged at all (known once reading stopped). */
static int sched_finished(const sched_t *S)
{
	if (S->end)
		return S->nmerged == S->nread;
	if (S->failed)
		return S->nmerged + 1 >= S->nread;
	return 0;
}

static int view_ready(const sched_t *S, size_t k)
{
	return k + 1 < S->nread || (S->end && k < S->nread);
}

static void sched_work(sched_t *S, const vtools_t *tl)
{
	wdoc_t *w = S->w;
	view_t vx; /* this thread's view buffers, reused from view to view */
	memset(&vx, 0, sizeof vx);
	pthread_mutex_lock(&S->mu);
	for (;;) {
		if (!S->merging && S->nmerged < S->nmatch && S->mstate[S->nmerged % S->cap] == 2) {
			size_t k = S->nmerged;
			S->merging = 1;
			vres_t *r = &S->res[k % S->cap];
			pthread_mutex_unlock(&S->mu);
			double t0 = thread_cpu_now();
			merge_view(w, r, tl, &vx);
			free(r->carry);
			free(r->gfirst);
			if (r->arena) {
				arena_release(r->arena);
				free(r->arena);
			}
			memset(r, 0, sizeof *r);
			pthread_mutex_lock(&S->mu);
			if (k > 0) { /* the segment before it: no view needs it now */
				seg_free(sseg(S, k - 1));
				S->segs[(k - 1) % S->cap] = NULL;
			}
			S->mstate[k % S->cap] = 0;
			S->nmerged++;
			S->busy[0] += thread_cpu_now() - t0;
			S->merging = 0;
			pthread_cond_broadcast(&S->cv);
			continue;
		}
		if (!S->reading && !S->end && !S->failed && S->nread < S->nmerged + S->ahead) {
			S->reading = 1;
			pthread_mutex_unlock(&S->mu);
			double t0 = thread_cpu_now();
			seg_t *g = next_segment(w);
			int bad = w->src.in->error != NULL;
			if (g && !bad)
				normalize_segment(w, g);
			pthread_mutex_lock(&S->mu);
			if (!g || bad) {
				seg_free(g);
				if (bad)
					S->failed = 1;
				else
					S->end = 1;
			} else {
				S->segs[S->nread % S->cap] = g;
				S->nread++;
			}
			S->reading = 0;
			S->busy[1] += thread_cpu_now() - t0;
			pthread_cond_broadcast(&S->cv);
			continue;
		}
		if (view_ready(S, S->nmatch)) {
			size_t k = S->nmatch++;
			vres_t *r = &S->res[k % S->cap];
			r->prev = k > 0 ? sseg(S, k - 1) : NULL;
			r->cur = sseg(S, k);
			r->next = k + 1 < S->nread ? sseg(S, k + 1) : NULL;
			r->arena = xcalloc(1, sizeof *r->arena);
			r->carry = xcalloc(w->ngroups, sizeof *r->carry);
			r->gfirst = xcalloc(w->ngroups, sizeof *r->gfirst);
			r->ngroups = w->ngroups;
			if (k == S->nmerged && !S->merging) {
				/* no merge runs, and none can before this match: the
				 * carry it starts with is known, no need to match again */
				r->gcin = xmalloc((w->ngroups + 1) * sizeof *r->gcin);
				memcpy(r->gcin, w->gcarry, w->ngroups * sizeof *r->gcin);
				r->gnext = w->tok_next;
			}
			S->mstate[k % S->cap] = 1;
			pthread_mutex_unlock(&S->mu);
			double t0 = thread_cpu_now();
			run_view(w->env, tl, &vx, r, NULL); /* assumes no group blocked at its start: merge_view checks */
			double t1 = thread_cpu_now();
			pthread_mutex_lock(&S->mu);
			S->busy[2] += t1 - t0;
			S->mstate[k % S->cap] = 2;
			pthread_cond_broadcast(&S->cv);
			continue;
		}
		if (sched_finished(S))
			break;
		double t0 = time_now();
		pthread_cond_wait(&S->cv, &S->mu);
		S->wait += time_now() - t0;
	}
	pthread_mutex_unlock(&S->mu);
	view_release(&vx);
}

typedef struct sthread {
	sched_t *S;
	vtools_t tl;
} sthread_t;

static void *sched_thread(void *p)
{
	sthread_t *t = p;
	sched_work(t->S, &t->tl);
	return NULL;
}

static void run_segments(wdoc_t *w)
{
	window_env_t *env = w->env;
	size_t T = (size_t)env->nhelpers + 1;
	sched_t S;
	memset(&S, 0, sizeof S);
	S.w = w;
	pthread_mutex_init(&S.mu, NULL);
	pthread_cond_init(&S.cv, NULL);
	S.ahead = T == 1 ? 2 : T + 2; /* one thread: the view and the one after it */
	S.cap = S.ahead + 2;
	S.segs = xcalloc(S.cap, sizeof *S.segs);
	S.res = xcalloc(S.cap, sizeof *S.res);
	S.mstate = xcalloc(S.cap, 1);
	sthread_t *ts = xcalloc(T, sizeof *ts);
	pthread_t *tids = xcalloc(T, sizeof *tids);
	for (size_t i = 0; i + 1 < T; i++) {
		ts[i] = (sthread_t){&S, env->helpers[i]};
		pthread_create(&tids[i], NULL, sched_thread, &ts[i]);
	}
	vtools_t own = {env->st, env->m, env->toks};
	double t0 = time_now();
	sched_work(&S, &own);
	for (size_t i = 0; i + 1 < T; i++)
		pthread_join(tids[i], NULL);
	if (getenv("BESLUT_WINDOW_STATS"))
		fprintf(stderr, "windows: %zu views (%zu matched again), %zu thread(s), %.3f s; CPU s: merge %.3f, "
		        "read %.3f, match %.3f; waiting %.3f thread-seconds\n", S.nmerged, w->rematched, T, time_now() - t0, S.busy[0],
		        S.busy[1], S.busy[2], S.wait);
	/* what a failure left: views matched and not merged, segments */
	for (size_t k = S.nmerged; k < S.nmatch; k++) {
		vres_t *r = &S.res[k % S.cap];
		recvec_release(&r->recs);
		free(r->carry);
		free(r->gfirst);
		free(r->gcin);
		if (r->arena) {
			arena_release(r->arena);
			free(r->arena);
		}
	}
	for (size_t k = S.nmerged ? S.nmerged - 1 : 0; k < S.nread; k++)
		seg_free(sseg(&S, k));
	free(S.segs);
	free(S.res);
	free(S.mstate);
	free(ts);
	free(tids);
	pthread_cond_destroy(&S.cv);
	pthread_mutex_destroy(&S.mu);
}

int window_document(window_env_t *env, input_t *in, buf_t *head, int fd, buf_t *out, FILE **spill)
{
	*spill = NULL;
	double t0 = time_now();
	wdoc_t w;
	memset(&w, 0, sizeof w);
	w.env = env;
	src_t *s = &w.src;
	s->fd = fd;
	s->in = in;
	s->name = fd == 0 ? "<stdin>" : in->path;
	s->raw = *head;
	*head = (buf_t)BUF_INIT;
	s->max = env->max_bytes ? env->max_bytes : BESLUT_MAX_DOC_BYTES;
	if (s->max > BESLUT_MAX_DOC_BYTES)
		s->max = BESLUT_MAX_DOC_BYTES;
	sha256_init(&s->sha);
	w.last_item_number = -2;
	struct stat st;
	if (fd != 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > s->max &&
	    (s->too_large = 1))
		wsrc_fail(s, "%s: input too large (%lld bytes; the limit is %zu, --max-doc-bytes)", s->name,
		         (long long)st.st_size, s->max);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && !(s->raw.len >= 2 &&
	    (unsigned char)s->raw.data[0] == 0x1f && (unsigned char)s->raw.data[1] == 0x8b)) {
		/* its length is known: the dictionary budget of one whole run */
		w.budget = 1000 + (size_t)st.st_size / 8192;
		w.budget_known = 1;
	}
	if (!in->error && s->raw.len >= 2 && (unsigned char)s->raw.data[0] == 0x1f &&
	    (unsigned char)s->raw.data[1] == 0x8b) {
		s->gzip = 1;
		in->gzip = 1;
		if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
			wsrc_fail(s, "%s: cannot initialise zlib", s->name);
		else
			s->zinit = 1;
	}
	int rc = WINDOW_DONE;
	if (!in->error && wsrc_need(s, 0, 8192) == 0) {
		int k = read_sniff(in, s->buf.data ? s->buf.data : "", s->buf.len, s->name);
		if (k == 1) {
			/* UTF-16: decoded whole */
			while (wsrc_more(s) == 0)
				;
			if (!in->error) {
				in->src = s->buf;
				s->buf = (buf_t)BUF_INIT;
				if (!in->src.data)
					buf_grow(&in->src, 0);
				read_finish(in, s->name);
				rc = WINDOW_WHOLE;
			}
		}
	}
	env->t_read += time_now() - t0;
	if (!in->error && rc == WINDOW_DONE) {
		w.carry = asm_carry_new();
		w.ngroups = matcher_groups(env->m);
		w.gcarry = xcalloc(w.ngroups, sizeof *w.gcarry);
		run_segments(&w);
	}
	if (s->zinit)
		inflateEnd(&s->zs);
	if (fd != 0)
		close(fd);
	if (rc == WINDOW_WHOLE) {
		buf_release(&s->raw);
		buf_release(&s->buf);
		return rc;
	}
	/* the document record */
	double ta = time_now();
	char sha[65];
	if (s->too_large) { /* as a whole read refuses it: nothing kept */
		s->total = 0;
		sha256_init(&s->sha);
	}
	sha256_final_hex(&s->sha, sha);
	if (!in->error)
		read_decode_warnings(in, w.nul, w.bad);
	in->src.len = (size_t)s->total; /* its length; the bytes are not kept */
	env->bytes = (size_t)s->total;
	arena_t arena = ARENA_INIT;
	norm_result_t fin;
	memset(&fin, 0, sizeof fin);
	fin.text = w.first_text;
	fin.npages = (size_t)w.total_pages;
	fin.stats = w.stats;
	fin.stats.pages = fin.npages;
	doc_result_t d = {in, in->error ? NULL : &fin, NULL, NULL, env->tokens, &arena, env->asm_flags, env->grammar};
	if (!w.carry)
		w.carry = asm_carry_new();
	size_t doc_at = out->len;
	/* the source's characters: those before the window and in it */
	char_index_t fci;
	char_index_init(&fci, w.sw.data ? w.sw.data : "", w.sw.len);
	fci.base = (size_t)w.sw_base;
	fci.cp_base = w.sw_cp;
	if (s->too_large || in->error) { /* the length reported is 0 or what was read */
		char_index_release(&fci);
		char_index_init(&fci, "", 0);
		fci.base = (size_t)s->total;
		fci.cp_base = s->total; /* (an error record's characters: its bytes) */
	}
	asm_carry_set_chars(w.carry, &fci);
	assemble_finish(&d, w.carry, sha, (long long)s->total, out);
	if (!in->error)
		guard_document(&w, out, doc_at);
	env->records = in->error ? 0 : asm_carry_records(w.carry) - (size_t)w.gdropped;
	env->t_assemble += time_now() - ta;
	if (in->error || w.spill_failed) {
		if (w.spill_failed && !in->error) {
			/* nothing of the records could be kept: the document fails */
			in->error = xstrdup("cannot write the temporary file for a long document");
		}
		if (w.spill)
			fclose(w.spill);
		w.spill = NULL;
		if (w.spill_failed) {
			buf_reset(out);
			arena_release(&arena);
			arena = (arena_t)ARENA_INIT;
			d.norm = NULL;
			d.arena = &arena;
			asm_carry_t *c0 = asm_carry_new();
			asm_carry_set_chars(c0, &fci);
			assemble_finish(&d, c0, sha, (long long)s->total, out);
			asm_carry_free(c0);
			env->records = 0;
		}
	} else if (w.spill) {
		fflush(w.spill);
		rewind(w.spill);
		lseek(fileno(w.spill), 0, SEEK_SET);
		*spill = w.spill;
	}
	in->src.len = 0;
	arena_release(&arena);
	for (size_t i = 0; i < w.narenas; i++)
		arena_release(&w.arenas[i].a);
	free(w.arenas);
	free(w.pend);
	free(w.pages);
	free(w.gcarry);
	buf_release(&w.first_text);
	buf_release(&w.obuf);
	arena_release(&w.garena);
	char_index_release(&fci);
	buf_release(&w.sw);
	free(w.cst);
	free(w.cblk);
	buf_release(&s->raw);
	buf_release(&s->buf);
	asm_carry_free(w.carry);
	return WINDOW_DONE;
}
