/*
 * assemble_carry.c — a document assembled in batches (assemble.h): what
 * one batch hands the next (the document's fields and warnings, the
 * persons seen, the chair, ids and item ordinals counted on), and the
 * document record written at the end.
 */
#include "assemble_int.h"
#include "common/limits.h"
#include "link.h"

#include <stdlib.h>
#include <string.h>

void asm_carry_set_chars(asm_carry_t *c, const char_index_t *ci)
{
	c->ci = ci;
}

asm_carry_t *asm_carry_new(void)
{
	asm_carry_t *c = xcalloc(1, sizeof *c);
	c->docf = v_obj(&c->arena);
	for (int k = 0; k < 4; k++)
		c->warn[k] = v_arr(&c->arena);
	return c;
}

void asm_carry_free(asm_carry_t *c)
{
	if (!c)
		return;
	free(c->ps.v);
	type_counts_release(&c->count);
	arena_release(&c->arena);
	link_memo_free(c->lexmemo);
	free(c);
}

size_t asm_carry_records(const asm_carry_t *c)
{
	return c->nlive;
}

/* Keep what the next batch needs in a fresh arena (so the carry stays
 * as small as what it holds): the document's fields, the warnings (at
 * most BESLUT_MAX_WARNINGS in all), the persons, the chair. */
void carry_renew(asm_carry_t *c, const value_t *docf, value_t *const add[4], const persons_t *ps)
{
	arena_t na = ARENA_INIT;
	value_t *nd = v_clone(&na, docf);
	value_t *nw[4];
	size_t total = 0;
	for (int k = 0; k < 4; k++) {
		nw[k] = v_arr(&na);
		const value_t *lists[2] = {c->warn[k], add[k]};
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; lists[l] && i < lists[l]->u.a.n && total < BESLUT_MAX_WARNINGS; i++, total++)
				v_push(&na, nw[k], v_clone(&na, lists[l]->u.a.v[i]));
	}
	/* the persons, each (name, party) once where first seen, at most
	 * BESLUT_CARRY_PERSONS of them (the most recent) */
	persons_t all = {NULL, 0, 0};
	size_t hcap = 64;
	while (hcap < 2 * (c->ps.n + ps->n + 1))
		hcap *= 2;
	uint64_t *seen = xcalloc(hcap, sizeof *seen);
	const persons_t *srcs[2] = {&c->ps, ps};
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < srcs[l]->n; i++) {
			const person_t *p = &srcs[l]->v[i];
			uint64_t h = 1469598103934665603ull;
			for (size_t k = 0; k < p->nlen; k++)
				h = (h ^ (unsigned char)p->name[k]) * 1099511628211ull;
			h = (h ^ 0xff) * 1099511628211ull;
			for (size_t k = 0; p->party && k < p->party->u.s.n; k++)
				h = (h ^ (unsigned char)p->party->u.s.s[k]) * 1099511628211ull;
			h |= 1;
			size_t slot = (size_t)(h >> 7) & (hcap - 1);
			int dup = 0;
			while (seen[slot]) {
				if (seen[slot] == h) {
					dup = 1; /* (a hash collision drops a person: harmless) */
					break;
				}
				slot = (slot + 1) & (hcap - 1);
			}
			if (dup)
				continue;
			seen[slot] = h;
			GROW(all.v, all.cap, all.n + 1);
			all.v[all.n++] = *p;
		}
	free(seen);
	size_t from = all.n > BESLUT_CARRY_PERSONS ? all.n - BESLUT_CARRY_PERSONS : 0;
	persons_t np = {NULL, 0, 0};
	for (size_t i = from; i < all.n; i++) {
		const person_t *p = &all.v[i];
		GROW(np.v, np.cap, np.n + 1);
		np.v[np.n++] = (person_t){arena_strndup(&na, p->name, p->nlen), p->nlen,
		                          p->party ? v_clone(&na, p->party) : NULL, -2};
	}
	free(all.v);
	const value_t *chair = c->chair ? v_clone(&na, c->chair) : NULL;
	free(c->ps.v);
	arena_release(&c->arena);
	c->arena = na;
	c->docf = nd;
	for (int k = 0; k < 4; k++)
		c->warn[k] = nw[k];
	c->ps = np;
	c->chair = chair;
}

void assemble_batch(const doc_result_t *d, asm_carry_t *c, buf_t *out)
{
	assemble_core(d, c, out);
}

void assemble_finish(const doc_result_t *d, asm_carry_t *c, const char *sha256, long long bytes, buf_t *out)
{
	arena_t *a = d->arena;
	value_t *docf = v_clone(a, c->docf);
	value_t *warnings = v_arr(a);
	if (d->warnings)
		for (size_t i = 0; i < d->warnings->u.a.n; i++)
			v_push(a, warnings, d->warnings->u.a.v[i]);
	for (int k = 0; k < 4; k++)
		for (size_t i = 0; i < c->warn[k]->u.a.n; i++)
			v_push(a, warnings, v_clone(a, c->warn[k]->u.a.v[i]));
	if (d->in->error)
		write_document(out, d, docf, warnings, 0, 0, sha256, bytes, c->ci);
	else
		write_document(out, d, docf, warnings, c->numbered, c->nlive, sha256, bytes, c->ci);
}
