/*
 * assemble.c — finish records (see assemble.h): order, items, merges, the
 * steps of assemble_int.h in their order, completion from the declared
 * schema, output.
 *
 * All work is linear in the number of records except the person lookups,
 * which scan the (small) list of distinct names of the document.
 */
#include "assemble_int.h"
#include "link.h"
#include "common/version.h"
#include "rules/schema.h"

#include <stdlib.h>
#include <string.h>

const resolve_cfg_t *asm_cfg(const grammar_t *g)
{
	static const resolve_cfg_t none;
	return g ? grammar_resolve(g) : &none;
}


static void item_bounds(const long *item_of, size_t n, item_bounds_t *b)
{
	b->lo = xmalloc((n ? n : 1) * sizeof *b->lo);
	b->hi = xmalloc((n ? n : 1) * sizeof *b->hi);
	for (size_t i = 0; i < n; i++)
		b->lo[i] = i > 0 && item_of[i - 1] == item_of[i] ? b->lo[i - 1] : i;
	for (size_t i = n; i-- > 0;)
		b->hi[i] = i + 1 < n && item_of[i + 1] == item_of[i] ? b->hi[i + 1] : i + 1;
}

static int is_prop(const value_t *f)
{
	const value_t *p = v_get(f, "_prop");
	return p && p->k == V_BOOL && p->u.b;
}

static int is_decision(const value_t *f)
{
	const value_t *o = v_get(f, "of");
	return o && o->k == V_STR && strcmp(o->u.s.s, "decision") == 0;
}

static long item_index(const item_ref_t *items, size_t n, uint32_t start)
{
	long lo = -1, hi = (long)n;
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		if (items[mid].start <= start)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Copy the non-null fields of src into dst where dst has none; voting
 * lists are joined, objects completed field by field, and a counted
 * method (resolve counted_vote) replaces another. */
static void merge_fields(arena_t *a, const resolve_cfg_t *rc, value_t *dst, const value_t *src)
{
	for (size_t i = 0; i < src->u.o.n; i++) {
		const value_t *x = src->u.o.v[i];
		if (v_is_null(x))
			continue;
		/* a counted vote found later makes the proposition a counted one */
		int counted = rc->counted_method && strcmp(src->u.o.key[i], "method") == 0 && x->k == V_STR &&
		              strcmp(x->u.s.s, rc->counted_method) == 0;
		value_t *d = v_get(dst, src->u.o.key[i]);
		if (d && d->k == V_OBJ && x->k == V_OBJ)
			merge_fields(a, rc, d, x); /* counts from the text, completed by a table */
		else if (d && d->k == V_ARR && x->k == V_ARR && strcmp(src->u.o.key[i], "ballots") == 0)
			for (size_t k = 0; k < x->u.a.n; k++) /* a voting list over two pages */
				v_push(a, d, x->u.a.v[k]);
		else if (counted || v_is_null(d))
			v_set(a, dst, src->u.o.key[i], (value_t *)x);
	}
}

/* A fields object with every declared field of the type (schema.h) in
 * declared order: null, or a bool field's default, when not set; hidden
 * fields and any others the grammar set follow. */
static value_t *complete(arena_t *a, const stype_t *t, value_t *fields)
{
	if (!t)
		return fields;
	value_t *o = v_obj(a);
	for (size_t i = 0; i < t->nfields; i++) {
		const sfield_t *f = &t->fields[i];
		if (f->name[0] == '_')
			continue;
		value_t *x = v_get(fields, f->name);
		if (f->has_default && v_is_null(x))
			x = v_bool(a, f->default_bool);
		v_set(a, o, f->name, x ? x : v_null(a));
	}
	for (size_t i = 0; fields && i < fields->u.o.n; i++) /* extra fields the grammar set */
		if (!v_get(o, fields->u.o.key[i]))
			v_set(a, o, fields->u.o.key[i], fields->u.o.v[i]);
	return o;
}

void assemble_document(const doc_result_t *d, buf_t *out)
{
	assemble_core(d, NULL, out);
}

/* The whole document (c NULL), or one batch of it (assemble_carry.c). */
void assemble_core(const doc_result_t *d, asm_carry_t *c, buf_t *out)
{
	arena_t *a = d->arena;
	recvec_t *rv = d->recs;
	const grammar_t *g = d->grammar;
	const resolve_cfg_t *rc = asm_cfg(g);
	value_t *warnings = v_arr(a);
	value_t *mwarn = NULL; /* batches: the matcher's warnings kept apart */
	if (d->warnings)
		for (size_t i = 0; i < d->warnings->u.a.n; i++)
			v_push(a, c ? (mwarn ? mwarn : (mwarn = v_arr(a))) : warnings, d->warnings->u.a.v[i]);
	value_t *docf = v_obj(a);
	if (c)
		merge_fields(a, rc, docf, c->docf);

	if (!c && (!d->norm || d->in->error)) {
		write_document(out, d, docf, warnings, 0, 0, NULL, 0, NULL);
		return;
	}
	/* Records arrive sorted by window and, within one, by position; a stable
	 * insertion sort keeps equal starts in arrival order (document
	 * metadata from the first page's header first) in near-linear time. */
	for (size_t i = 1; i < rv->n; i++) {
		record_t r = rv->v[i];
		size_t j = i;
		while (j > 0 && rv->v[j - 1].start > r.start) {
			rv->v[j] = rv->v[j - 1];
			j--;
		}
		rv->v[j] = r;
	}
	int *tid = xmalloc((rv->n ? rv->n : 1) * sizeof *tid);
	size_t ntid = type_ids(rv, tid);

	/* 1. items */
	item_ref_t *items = NULL;
	size_t nitems = 0, icap = 0, numbered = 0;
	for (size_t i = 0; i < rv->n; i++) {
		record_t *r = &rv->v[i];
		if (tid[i] != RT_ITEM || r->merge)
			continue;
		const value_t *num = v_get(r->fields, "number");
		GROW(items, icap, nitems + 1);
		items[nitems] = (item_ref_t){r->start, num && num->k == V_INT ? (long)num->u.i : -1,
		                             (c ? c->nitems : 0) + nitems + 1, r};
		numbered += num && num->k == V_INT;
		nitems++;
	}

	/* 2. merges: into the item, the document, or the nearest record of the
	 * type in the same item */
	char *dead = xcalloc(rv->n ? rv->n : 1, 1);
	long *item_of = xmalloc((rv->n ? rv->n : 1) * sizeof *item_of);
	for (size_t i = 0; i < rv->n; i++)
		item_of[i] = item_index(items, nitems, rv->v[i].start);
	/* The § number of the item before printed again ("Omröstningslista
	 * KF § 59", a continuation page's "§ 59 (forts.)") goes on with that
	 * item: its records belong to the first heading, the repeat is no
	 * item.  (A number seen earlier but not just before starts an item:
	 * a file may hold several protocols.)  A repeat with a title of its
	 * own, other than the first one's, is an item of its own, and the
	 * document says the number was printed twice. */
	long *canon = xmalloc((nitems ? nitems : 1) * sizeof *canon);
	for (size_t k = 0; k < nitems; k++) {
		canon[k] = (long)k;
		if (k > 0 && items[k].number >= 0 && items[canon[k - 1]].number == items[k].number) {
			const value_t *t0 = str_or_null(v_get(items[canon[k - 1]].rec->fields, "title"));
			const value_t *t1 = str_or_null(v_get(items[k].rec->fields, "title"));
			if (t0 && t1 && !same_str_ci(t0, t1)) {
				buf_t m = BUF_INIT;
				buf_printf(&m, "check: item %ld: the number is printed twice, for two titles", items[k].number);
				v_push(a, warnings, v_str(a, m.data, m.len));
				buf_release(&m);
				continue;
			}
			canon[k] = canon[k - 1];
			dead[items[k].rec - rv->v] = 1;
		}
	}
	for (size_t i = 0; i < rv->n; i++)
		if (item_of[i] >= 0)
			item_of[i] = canon[item_of[i]];
	free(canon);
	size_t w_canon = warnings->u.a.n;
	item_bounds_t ib;
	item_bounds(item_of, rv->n, &ib);
	vote_index_t vx = {xmalloc((rv->n ? rv->n : 1) * sizeof *vx.v), 0};
	for (size_t i = 0; i < rv->n; i++)
		if (tid[i] == RT_VOTE && !rv->v[i].merge)
			vx.v[vx.n++] = i;
	/* next_same[i]: the next record after i of its type that is not to be
	 * merged (rv->n if none); last_live[t]: the last live record of type t
	 * seen so far in the merge loop (-1 if none) */
	size_t *next_same = xmalloc((rv->n ? rv->n : 1) * sizeof *next_same);
	long *last_live = xmalloc(ntid * sizeof *last_live);
	for (size_t t = 0; t < ntid; t++)
		last_live[t] = (long)rv->n;
	for (size_t i = rv->n; i-- > 0;) {
		next_same[i] = (size_t)last_live[tid[i]];
		if (!rv->v[i].merge)
			last_live[tid[i]] = (long)i;
	}
	for (size_t t = 0; t < ntid; t++)
		last_live[t] = -1;
	long moved_item = -2, moved_to = -1; /* a vote merged into another item */
	long red_item = -2, red_to = -1, red_from = -1; /* … or into an earlier vote */
	for (size_t i = 0; i < rv->n; i++) {
		record_t *r = &rv->v[i];
		if (!r->merge) {
			if (!dead[i])
				last_live[tid[i]] = (long)i;
			continue;
		}
		dead[i] = 1;
		if (tid[i] == RT_DOCUMENT) {
			merge_fields(a, rc, docf, r->fields);
			continue;
		}
		if (tid[i] == RT_ITEM) {
			if (item_of[i] >= 0)
				merge_fields(a, rc, items[item_of[i]].rec->fields, r->fields);
			continue;
		}
		/* the live record of the same type before it in the same item
		 * (what a vote's count or voting list describes comes before it;
		 * records are sorted, so an item's records are contiguous), else
		 * the first one after it */
		long best = -1;
		long prev = last_live[tid[i]];
		if (prev >= 0 && item_of[prev] == item_of[i])
			best = prev;
		if (best < 0 && next_same[i] < rv->n && item_of[next_same[i]] == item_of[i])
			best = (long)next_same[i];
		if (best >= 0 && tid[i] == RT_VOTE) {
			/* "Ja-röst för A, Nej-röst för B" names the options of the vote
			 * it belongs to, which may lie before a counter-proposition
			 * vote; the rest of that omröstning follows it there */
			long named = named_vote(g, rv, dead, &vx, item_of, i);
			if (named >= 0 && named != best) {
				best = named;
				red_item = item_of[i];
				red_to = named;
				red_from = (long)i;
			} else if (item_of[i] == red_item && best < red_from) {
				best = red_to;
			} else {
				/* a count after a proposition that did not ask for one
				 * ("… och finner att A antagits som motförslag") belongs
				 * to the proposition before it that did ("Omröstning
				 * begärs") and has no count yet */
				long asked = asked_vote(g, rv, dead, &vx, item_of, i, (size_t)best);
				if (asked >= 0) {
					best = asked;
					red_item = item_of[i];
					red_to = asked;
					red_from = (long)i;
				}
			}
		}
		if (best < 0 && tid[i] == RT_VOTE && item_of[i] == moved_item)
			best = moved_to; /* the rest of a vote printed away from its item */
		if (best < 0 && tid[i] == RT_VOTE) {
			best = same_vote(g, rv, dead, &vx, i);
			if (best >= 0) {
				moved_item = item_of[i];
				moved_to = best;
			}
		}
		if (best >= 0) {
			merge_fields(a, rc, rv->v[best].fields, r->fields);
		} else {
			dead[i] = 0; /* the first of its kind becomes the record */
			last_live[tid[i]] = (long)i;
		}
	}
	free(next_same);
	free(last_live);
	/* markers for the assembler's checks (types starting with '_') are
	 * never written out */
	char *marker = xcalloc(rv->n ? rv->n : 1, 1);
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && rv->v[i].type[0] == '_') {
			marker[i] = 1;
			dead[i] = 1;
		}
	for (size_t i = 0; i < rv->n; i++) /* a document record from a plain action */
		if (!dead[i] && tid[i] == RT_DOCUMENT) {
			merge_fields(a, rc, docf, rv->v[i].fields);
			dead[i] = 1;
		}

	/* 2b. a decision printed twice in an item (the preparing body's
	 * förslag, then the meeting's beslut in the same words) is one set of
	 * att-satser: the later copy is kept */
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i] || tid[i] != RT_ATT_SATS || item_of[i] < 0 || items[item_of[i]].number < 0)
			continue; /* only under a § heading (summary topics repeat phrases) */
		const value_t *fi = rv->v[i].fields;
		for (size_t j = i + 1; j < rv->n && item_of[j] == item_of[i]; j++) {
			if (dead[j] || tid[j] != RT_ATT_SATS)
				continue;
			const value_t *fj = rv->v[j].fields;
			if (v_equal(v_get(fi, "of"), v_get(fj, "of")) && v_equal(v_get(fi, "number"), v_get(fj, "number")) &&
			    v_equal(v_get(fi, "text"), v_get(fj, "text"))) {
				dead[i] = 1;
				break;
			}
		}
	}

	/* 2c. the points of a proposal printed before the decision ("Förslag
	 * till beslut") count only in an item without a decision of its own */
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i] || tid[i] != RT_ATT_SATS || !is_prop(rv->v[i].fields))
			continue;
		if (same_body(v_get(rv->v[i].fields, "_from"), v_get(docf, "body")))
			continue; /* the document's own body proposes: its decision */
		for (size_t j = ib.lo[i]; j < ib.hi[i]; j++)
			if (!dead[j] && tid[j] == RT_ATT_SATS && !is_prop(rv->v[j].fields) &&
			    is_decision(rv->v[j].fields)) {
				dead[i] = 1;
				break;
			}
	}

	/* 3. actors */
	persons_t ps = {NULL, 0, 0};
	size_t ncarried = c ? c->ps.n : 0; /* persons of the batches before, first */
	for (size_t i = 0; i < ncarried; i++) {
		GROW(ps.v, ps.cap, ps.n + 1);
		ps.v[ps.n++] = c->ps.v[i];
	}
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i])
			collect(&ps, rv->v[i].fields, item_of[i]);
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i])
			fix_actors(a, g, &ps, rv->v[i].fields, item_of[i]);

	/* 3a. "bifall till Moderaternas förslag" is the speaker's own
	 * alternative only from a member of that party; from another it backs
	 * a proposal (bifall) */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_PROPOSAL)
			party_proposal(a, g, rv->v[i].fields);

	/* 3b. an option named by the kind of yrkande alone ("ställer
	 * proposition på återremissyrkandet") belongs to the one who made the
	 * only yrkande of that kind in the item */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_VOTE)
			own_options(a, g, rv, dead, tid, item_of, &ib, i);

	/* 3b'. who puts the propositions: a vote that does not name its putter
	 * ("Ordföranden ställer …") was put by the chair named last before it
	 * ("Ordföranden Anna Ek (S) ställer …"), or, before any is named, by
	 * the first one named; an option owned by that role alone is the
	 * chair's */
	chair_by_name(a, rv, dead, tid, c ? &c->chair : NULL);

	/* 3c. a proposition on "yrkandena" puts the item's proposals */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_VOTE)
			collective_options(a, rv, dead, tid, &ib, i);

	/* 4. complete the fields; vote checks add document warnings */
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i])
			continue;
		record_t *r = &rv->v[i];
		r->fields = complete(a, g ? schema_type(grammar_schema(g), r->type, NULL) : NULL, r->fields);
		if (tid[i] == RT_VOTE) {
			buf_t where = BUF_INIT;
			buf_adds(&where, "item ");
			write_item_key(&where, items, item_of[i]);
			check_vote(a, g, r->fields, warnings, where.data);
			resolve_counted(a, g, r->fields);
			buf_release(&where);
		}
	}

	size_t w_votes = warnings->u.a.n;
	/* 4b. self-checks: a section of the beslutsgång without its records,
	 * a vote whose options name no proposal of its item */
	for (size_t i = 0; i < rv->n; i++) {
		if (!(marker[i] || (!dead[i] && tid[i] == RT_VOTE)) || item_of[i] < 0)
			continue;
		buf_t where = BUF_INIT;
		buf_adds(&where, "item ");
		write_item_key(&where, items, item_of[i]);
		if (marker[i] && strcmp(rv->v[i].type, "_check") == 0) {
			check_section(a, g, rv, dead, &ib, i, where.data, warnings);
		} else if (!marker[i] && !options_named(rv, dead, tid, &ib, i)) {
			buf_t b = BUF_INIT;
			buf_printf(&b, "check: %s: no option of the vote names a proposal of the item", where.data);
			v_push(a, warnings, v_str(a, b.data, b.len));
			buf_release(&b);
		}
		buf_release(&where);
	}
	free(marker);

	{ /* 4c. links between records (ids counted on from the batches before) */
		size_t before[3] = {0, 0, 0};
		if (c) {
			before[0] = type_count(&c->count, "proposal");
			before[1] = type_count(&c->count, "vote");
			before[2] = type_count(&c->count, "att_sats");
		}
		link_document_from(a, rv, dead, item_of, d->in->doc, d->grammar, before, c ? &c->lexmemo : NULL);
	}

	/* 5. output */
	size_t nlive = 0;
	for (size_t i = 0; i < rv->n; i++)
		nlive += !dead[i];
	type_counts_t own = {NULL, NULL, 0, 0};
	type_counts_t *count = c ? &c->count : &own; /* ids count records per type */
	char_index_t ci;
	const char_index_t *cip = &ci;
	if (c && c->ci)
		cip = c->ci;
	else
		char_index_for_input(&ci, d->in);
	if (c) {
		value_t *add[4] = {mwarn, v_arr(a), v_arr(a), v_arr(a)};
		for (size_t i = 0; i < warnings->u.a.n; i++)
			v_push(a, add[i < w_canon ? 1 : i < w_votes ? 2 : 3], warnings->u.a.v[i]);
		c->nitems += nitems;
		c->numbered += numbered;
		c->nlive += nlive;
		write_records(out, d, rv, dead, items, item_of, count, cip);
		persons_t mine = {ps.n > ncarried ? ps.v + ncarried : NULL, ps.n - ncarried, 0}; /* none: no pointer */
		carry_renew(c, docf, add, &mine); /* after the records: they may share its values */
	} else {
		write_document(out, d, docf, warnings, numbered, nlive, NULL, 0, cip);
		write_records(out, d, rv, dead, items, item_of, count, cip);
	}
	type_counts_release(&own);
	if (cip == &ci)
		char_index_release(&ci);
	free(ps.v);
	free(tid);
	free(ib.lo);
	free(ib.hi);
	free(vx.v);
	free(dead);
	free(item_of);
	free(items);
}
