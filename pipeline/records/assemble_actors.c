/*
 * assemble_actors.c — the actors of a document as a whole (assemble.h):
 * the persons seen with a party, a name printed in the genitive brought to
 * its base form (resolve genitive), a person named by one word, a missing
 * party taken from the same name elsewhere, and a party's own proposal
 * backed by another party (resolve party_proposal).
 *
 * The person lookups scan the (small) list of distinct names of the
 * document.
 */
#include "assemble_int.h"

#include <stdlib.h>
#include <string.h>

static int is_actor(const value_t *v)
{
	return v && v->k == V_OBJ && v_get(v, "name") && v_get(v, "party");
}

void collect(persons_t *ps, const value_t *v, long item)
{
	if (!v)
		return;
	if (v->k == V_ARR) {
		for (size_t i = 0; i < v->u.a.n; i++)
			collect(ps, v->u.a.v[i], item);
		return;
	}
	if (v->k != V_OBJ)
		return;
	if (is_actor(v)) {
		const value_t *nm = str_or_null(v_get(v, "name"));
		const value_t *g = v_get(v, "_genitive");
		if (nm && !(g && g->k == V_BOOL && g->u.b)) {
			GROW(ps->v, ps->cap, ps->n + 1);
			ps->v[ps->n++] = (person_t){nm->u.s.s, nm->u.s.n, str_or_null(v_get(v, "party")), item};
		}
	}
	for (size_t i = 0; i < v->u.o.n; i++)
		collect(ps, v->u.o.v[i], item);
}

static int known(const persons_t *ps, const char *name, size_t n)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].nlen == n && memcmp(ps->v[i].name, name, n) == 0)
			return 1;
	return 0;
}

static const value_t *party_of(const persons_t *ps, const char *name, size_t n, long item)
{
	const value_t *any = NULL;
	for (size_t i = 0; i < ps->n; i++) {
		const person_t *p = &ps->v[i];
		if (!p->party || p->nlen != n || memcmp(p->name, name, n) != 0)
			continue;
		if (p->item == item)
			return p->party;
		if (!any)
			any = p->party;
	}
	return any;
}

/* Base form of a name printed in the genitive (resolve genitive): the
 * name without the ending when the document knows that name, else unless
 * the letter before the ending is one that takes no ending. */
static void base_form(arena_t *a, const resolve_cfg_t *rc, const persons_t *ps, value_t *actor)
{
	const char *e = rc->genitive_ending;
	size_t el = e ? strlen(e) : 0;
	value_t *nm = v_get(actor, "name");
	if (!el || !nm || nm->k != V_STR)
		return;
	const char *s = nm->u.s.s;
	size_t n = nm->u.s.n;
	if (known(ps, s, n) || n < el + 1 || memcmp(s + n - el, e, el) != 0)
		return;
	if (known(ps, s, n - el)) {
		v_set(a, actor, "name", v_str(a, s, n - el));
		return;
	}
	char prev = s[n - el - 1];
	if (!(prev && rc->genitive_not_after && strchr(rc->genitive_not_after, prev)))
		v_set(a, actor, "name", v_str(a, s, n - el));
}

/* A person named by one word ("Carinas yrkande", "Berggårds förslag"):
 * the one person of the item, else of the document, whose first or last
 * name that is; NULL when none or more than one. */
static const person_t *by_one_name(const persons_t *ps, const char *s, size_t n, long item)
{
	for (int pass = 0; pass < 2; pass++) {
		const person_t *hit = NULL;
		int many = 0;
		for (size_t i = 0; i < ps->n; i++) {
			const person_t *p = &ps->v[i];
			if (pass == 0 && p->item != item)
				continue;
			const char *sp = memchr(p->name, ' ', p->nlen);
			if (!sp)
				continue;
			const char *ls = p->name + p->nlen;
			while (ls > p->name && ls[-1] != ' ')
				ls--;
			int first = (size_t)(sp - p->name) == n && memcmp(p->name, s, n) == 0;
			int last = (size_t)(p->name + p->nlen - ls) == n && memcmp(ls, s, n) == 0;
			if (!first && !last)
				continue;
			if (hit && !(hit->nlen == p->nlen && memcmp(hit->name, p->name, p->nlen) == 0))
				many = 1;
			hit = p;
		}
		if (hit && !many)
			return hit;
		if (many)
			return NULL;
	}
	return NULL;
}

void fix_actors(arena_t *a, const grammar_t *gr, const persons_t *ps, value_t *v, long item)
{
	if (!v)
		return;
	if (v->k == V_ARR) {
		for (size_t i = 0; i < v->u.a.n; i++)
			fix_actors(a, gr, ps, v->u.a.v[i], item);
		return;
	}
	if (v->k != V_OBJ)
		return;
	if (is_actor(v)) {
		const value_t *g = v_get(v, "_genitive");
		if (g && g->k == V_BOOL && g->u.b)
			base_form(a, asm_cfg(gr), ps, v);
		const value_t *nm = str_or_null(v_get(v, "name"));
		if (nm && !memchr(nm->u.s.s, ' ', nm->u.s.n) && !known(ps, nm->u.s.s, nm->u.s.n)) {
			const person_t *p = by_one_name(ps, nm->u.s.s, nm->u.s.n, item);
			if (p) {
				v_set(a, v, "name", v_str(a, p->name, p->nlen));
				nm = v_get(v, "name");
			}
		}
		if (nm && v_is_null(v_get(v, "party"))) {
			const value_t *p = party_of(ps, nm->u.s.s, nm->u.s.n, item);
			if (p)
				v_set(a, v, "party", (value_t *)p);
		}
	}
	for (size_t i = 0; i < v->u.o.n; i++)
		fix_actors(a, gr, ps, v->u.o.v[i], item);
}

/* Whether the actor list (or actor) `who` holds an actor that `w` names:
 * the same name, or, for an actor known by role alone, the same role. */
int names_actor(const value_t *who, const value_t *w)
{
	if (!who || !w || w->k != V_OBJ)
		return 0;
	if (who->k == V_ARR) {
		for (size_t i = 0; i < who->u.a.n; i++)
			if (names_actor(who->u.a.v[i], w))
				return 1;
		return 0;
	}
	if (who->k != V_OBJ)
		return 0;
	const value_t *wn = str_or_null(v_get(w, "name")), *wr = str_or_null(v_get(w, "role"));
	if (wn)
		return same_str_ci(wn, v_get(who, "name"));
	if (wr)
		return same_str_ci(wr, v_get(who, "role"));
	return 0;
}

/* … or, for an actor known by party alone, an actor of that party. */
int names_actor_or_party(const value_t *who, const value_t *w)
{
	if (names_actor(who, w))
		return 1;
	const value_t *wp = str_or_null(v_get(w, "party"));
	if (!wp || str_or_null(v_get(w, "name")) || str_or_null(v_get(w, "role")) || !who)
		return 0;
	if (who->k == V_ARR) {
		for (size_t i = 0; i < who->u.a.n; i++)
			if (names_actor_or_party(who->u.a.v[i], w))
				return 1;
		return 0;
	}
	return who->k == V_OBJ && same_str_ci(wp, v_get(who, "party"));
}

/* A proposal of the kind that is a party's own alternative whose owners
 * (`_owners`) are of another party than every speaker with a party backs
 * their proposal (resolve party_proposal). */
void party_proposal(arena_t *a, const grammar_t *gr, value_t *f)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	const value_t *owners = v_get(f, "_owners"), *kind = v_get(f, "kind"), *by = v_get(f, "by");
	if (!rc->party_proposal_own || !rc->party_proposal_backing || !owners || owners->k != V_ARR ||
	    !owners->u.a.n || !kind || kind->k != V_STR || strcmp(kind->u.s.s, rc->party_proposal_own) != 0 || !by ||
	    by->k != V_ARR)
		return;
	int known_party = 0;
	for (size_t i = 0; i < by->u.a.n; i++) {
		const value_t *bp = v_get(by->u.a.v[i], "party");
		if (!bp || bp->k != V_STR)
			continue;
		known_party = 1;
		for (size_t j = 0; j < owners->u.a.n; j++)
			if (v_equal(bp, v_get(owners->u.a.v[j], "party")))
				return; /* the speaker's own party */
	}
	if (known_party)
		v_set(a, f, "kind", v_cstr(a, rc->party_proposal_backing));
}
