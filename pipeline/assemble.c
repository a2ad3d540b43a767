/*
 * assemble.c — finish records: envelope, items, merges, actors, defaults,
 * vote checks, the document record (see assemble.h).
 *
 * All work is linear in the number of records except the person lookups,
 * which scan the (small) list of distinct names of the document.
 */
#include "assemble.h"
#include "link.h"
#include "version.h"
#include "limits.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fields of each type, in output order; flags default to false. */
typedef struct type_fields {
	const char *type;
	const char *fields[8];
	const char *flags[2];
} type_fields_t;

static const type_fields_t TYPES[] = {
	{"item", {"number", "title", "dnr", "decided_by", "mode", NULL}, {"adjusted_immediately", NULL}},
	{"att_sats", {"of", "number", "text", NULL}, {NULL}},
	{"motion", {"ref", "title", "submitters", "outcome", "att_sats_outcomes", NULL}, {NULL}},
	{"proposal", {"by", "kind", "rank", "supports", "text", NULL}, {NULL}},
	{"vote", {"method", "options", "adopted", "ja", "nej", "counts", "ballots", NULL}, {NULL}},
	{"reservation", {"by", "against", "in_favour_of", NULL}, {"written", NULL}},
	{"jav", {"by", NULL}, {NULL}},
	{"protocol_note", {"by", "text", NULL}, {NULL}},
	{NULL, {NULL}, {NULL}},
};

static const type_fields_t *type_of(const char *t)
{
	for (const type_fields_t *f = TYPES; f->type; f++)
		if (strcmp(f->type, t) == 0)
			return f;
	return NULL;
}

static int is_type(const record_t *r, const char *t)
{
	return strcmp(r->type, t) == 0;
}

/* Record types as numbers, so that the assembler's scans compare ints:
 * the known types first, any other type string a grammar emits after
 * them (distinct strings of one document, numbered as they appear). */
enum rtype {
	RT_DOCUMENT, RT_ITEM, RT_ATT_SATS, RT_MOTION, RT_PROPOSAL, RT_VOTE,
	RT_RESERVATION, RT_JAV, RT_NOTE, RT_OTHER
};
static const char *const RT_NAMES[RT_OTHER] = {
	"document", "item", "att_sats", "motion", "proposal", "vote", "reservation", "jav", "protocol_note",
};

/* tid[i] = type number of record i; returns the number of type numbers. */
static size_t type_ids(const recvec_t *rv, int *tid)
{
	const char **other = NULL;
	size_t nother = 0, cap = 0;
	for (size_t i = 0; i < rv->n; i++) {
		const char *t = rv->v[i].type;
		int id = -1;
		for (int k = 0; k < RT_OTHER && id < 0; k++)
			if (strcmp(t, RT_NAMES[k]) == 0)
				id = k;
		for (size_t k = 0; k < nother && id < 0; k++)
			if (other[k] == t || strcmp(other[k], t) == 0)
				id = RT_OTHER + (int)k;
		if (id < 0) {
			GROW(other, cap, nother + 1);
			other[nother] = t;
			id = RT_OTHER + (int)nother++;
		}
		tid[i] = id;
	}
	free(other);
	return RT_OTHER + nother;
}

/* The live votes of a document in record order (those not to be merged),
 * for the look-backs of a vote printed again: a vote is found among
 * votes, never by a scan over every record before it. */
typedef struct vote_index {
	size_t *v;
	size_t n;
} vote_index_t;

/* The number of indexed votes before record i. */
static size_t votes_before(const vote_index_t *vx, size_t i)
{
	size_t lo = 0, hi = vx->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vx->v[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- persons seen in the document ---- */

typedef struct person {
	const char *name;   /* arena string */
	size_t nlen;
	const value_t *party; /* V_STR or NULL */
	long item;          /* index of the item it was seen in, -1 none */
} person_t;

typedef struct persons {
	person_t *v;
	size_t n, cap;
} persons_t;

static int is_actor(const value_t *v)
{
	return v && v->k == V_OBJ && v_get(v, "name") && v_get(v, "party");
}

static const value_t *str_or_null(const value_t *v)
{
	return v && v->k == V_STR && v->u.s.n ? v : NULL;
}

static void collect(persons_t *ps, const value_t *v, long item)
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

/* Base form of a name printed in the genitive. */
static void base_form(arena_t *a, const persons_t *ps, value_t *actor)
{
	value_t *nm = v_get(actor, "name");
	if (!nm || nm->k != V_STR)
		return;
	const char *s = nm->u.s.s;
	size_t n = nm->u.s.n;
	if (known(ps, s, n) || n < 2)
		return;
	if (s[n - 1] == 's' && known(ps, s, n - 1)) {
		v_set(a, actor, "name", v_str(a, s, n - 1));
		return;
	}
	/* Swedish genitive: -s, except after s, x, z (the name is unchanged). */
	char last = s[n - 1], prev = s[n - 2];
	if (last == 's' && prev != 's' && prev != 'x' && prev != 'z')
		v_set(a, actor, "name", v_str(a, s, n - 1));
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

static void fix_actors(arena_t *a, const persons_t *ps, value_t *v, long item)
{
	if (!v)
		return;
	if (v->k == V_ARR) {
		for (size_t i = 0; i < v->u.a.n; i++)
			fix_actors(a, ps, v->u.a.v[i], item);
		return;
	}
	if (v->k != V_OBJ)
		return;
	if (is_actor(v)) {
		const value_t *g = v_get(v, "_genitive");
		if (g && g->k == V_BOOL && g->u.b)
			base_form(a, ps, v);
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
		fix_actors(a, ps, v->u.o.v[i], item);
}

static int flag_set(const value_t *f, const char *key);

/* ---- counted votes ---- */

static const char *const VOTE_KEYS[4] = {"ja", "nej", "avstår", "frånvarande"};

static void check_vote(arena_t *a, value_t *fields, value_t *warnings, const char *where)
{
	value_t *ballots = v_get(fields, "ballots");
	if (!ballots || ballots->k != V_ARR || ballots->u.a.n == 0)
		return;
	long long tally[4] = {0, 0, 0, 0};
	for (size_t i = 0; i < ballots->u.a.n; i++) {
		const value_t *vt = v_get(ballots->u.a.v[i], "vote");
		if (!vt || vt->k != V_STR)
			continue;
		for (int k = 0; k < 4; k++)
			if (strcmp(vt->u.s.s, VOTE_KEYS[k]) == 0)
				tally[k]++;
	}
	value_t *counts = v_get(fields, "counts");
	if (v_is_null(counts)) {
		counts = v_obj(a);
		for (int k = 0; k < 4; k++)
			v_set(a, counts, VOTE_KEYS[k], v_int(a, tally[k]));
		v_set(a, fields, "counts", counts);
		return;
	}
	int mismatch = 0;
	for (int k = 0; k < 4; k++) {
		const value_t *c = v_get(counts, VOTE_KEYS[k]);
		if (c && c->k == V_INT && c->u.i != tally[k])
			mismatch = 1;
	}
	if (!mismatch) {
		/* the list agrees with what the text printed: it gives what the
		 * text left out ("Med 31 röster mot 18 och 2 som avstod", absent
		 * members only in the list) */
		for (int k = 0; k < 4; k++)
			if (v_is_null(v_get(counts, VOTE_KEYS[k])))
				v_set(a, counts, VOTE_KEYS[k], v_int(a, tally[k]));
		return;
	}
	if (!warnings)
		return;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s: vote counts disagree with the voting list (printed/listed):", where);
	for (int k = 0; k < 4; k++) {
		const value_t *c = v_get(counts, VOTE_KEYS[k]);
		if (c && c->k == V_INT)
			buf_printf(&b, " %s %lld/%lld", VOTE_KEYS[k], c->u.i, tally[k]);
		else
			buf_printf(&b, " %s -/%lld", VOTE_KEYS[k], tally[k]);
	}
	v_push(a, warnings, v_str(a, b.data, b.len));
	buf_release(&b);
}

static int word_byte(char c)
{
	return (unsigned char)c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

/* Lower-cased words of s (letters and digits), for label comparison. */
static size_t words_of(const char *s, size_t n, char words[][48], size_t max)
{
	size_t k = 0, i = 0;
	while (i < n && k < max) {
		while (i < n && !word_byte(s[i]))
			i++;
		size_t j = 0;
		while (i < n && word_byte(s[i])) {
			if (j < 47)
				words[k][j++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
			i++;
		}
		if (j) {
			words[k][j] = '\0';
			k++;
		}
	}
	return k;
}

/* Two label words are the same word, also when one is the other in the
 * genitive ("Bergs" / "Berg"). */
static int word_eq(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y);
	if (nx == ny)
		return strcmp(x, y) == 0;
	if (nx == ny + 1 && x[ny] == 's')
		return strncmp(x, y, ny) == 0;
	if (ny == nx + 1 && y[nx] == 's')
		return strncmp(x, y, nx) == 0;
	return 0;
}

/* Index of the option a Ja/Nej label names: the option sharing the most
 * words with it (ties: none); -1 if none shares a word.  With `owners`,
 * the words of an option's owner count twice ("Ja för bifall till Anna
 * Eks yrkande"). */
static long option_for_label(const value_t *opts, const value_t *label, int owners)
{
	if (!label || label->k != V_STR || !opts || opts->k != V_ARR)
		return -1;
	char lw[16][48], ow[16][48], bw[16][48];
	size_t nl = words_of(label->u.s.s, label->u.s.n, lw, 16);
	long best = -1;
	size_t best_n = 0;
	int tie = 0;
	for (size_t i = 0; i < opts->u.a.n; i++) {
		const value_t *lab = v_get(opts->u.a.v[i], "label");
		if (!lab || lab->k != V_STR)
			continue;
		size_t no = words_of(lab->u.s.s, lab->u.s.n, ow, 16), common = 0;
		/* the owner's name; for an option made of a proposal, the names
		 * of all who made it (`_owners`: "Ja för bifall till A:s och
		 * B:s yrkande") */
		size_t nb = 0;
		const value_t *all = v_get(opts->u.a.v[i], "_owners");
		if (!all || all->k != V_ARR)
			all = NULL;
		for (size_t w = 0; owners && w < (all ? all->u.a.n : 1) && nb < 16; w++) {
			const value_t *who = all ? all->u.a.v[w] : v_get(opts->u.a.v[i], "by");
			const value_t *bn = str_or_null(v_get(who, "name"));
			if (bn)
				nb += words_of(bn->u.s.s, bn->u.s.n, bw + nb, 16 - nb);
		}
		for (size_t a = 0; a < nl; a++) {
			for (size_t b = 0; b < no; b++)
				if (strcmp(lw[a], ow[b]) == 0) {
					common++;
					break;
				}
			for (size_t b = 0; b < nb; b++)
				if (word_eq(lw[a], bw[b])) {
					common += 2;
					break;
				}
		}
		if (common > best_n) {
			best_n = common;
			best = (long)i;
			tie = 0;
		} else if (common && common == best_n) {
			tie = 1;
		}
	}
	return tie ? -1 : best;
}

/* A counted vote: ja/nej name options (as labels from the text, or already
 * as indexes); the count decides what was adopted. */
static void resolve_counted(arena_t *a, value_t *f)
{
	const value_t *m = v_get(f, "method");
	if (!m || m->k != V_STR || strcmp(m->u.s.s, "omröstning") != 0)
		return;
	const value_t *opts = v_get(f, "options");
	long idx[2] = {-1, -1};
	const char *keys[2] = {"ja", "nej"};
	/* a side that means rejecting ("Ja för avslag"), as the grammar read it */
	int rej[2] = {flag_set(f, "_ja_rejects"), flag_set(f, "_nej_rejects")};
	for (int k = 0; k < 2; k++) {
		value_t *x = v_get(f, keys[k]);
		if (x && x->k == V_INT)
			idx[k] = (long)x->u.i;
		else if (x && x->k == V_STR)
			idx[k] = option_for_label(opts, x, 1);
	}
	/* Two options put against each other: a Ja and a Nej that both have a
	 * label mean different options, so one named option gives the other
	 * ("Ja för bifall till förslaget, nej för avslag"). */
	const value_t *xj = v_get(f, "ja"), *xn = v_get(f, "nej");
	if (opts && opts->k == V_ARR && opts->u.a.n == 2 && xj && xn && xj->k != V_NULL && xn->k != V_NULL) {
		if (idx[0] >= 0 && idx[1] < 0 && idx[0] < 2)
			idx[1] = 1 - idx[0];
		else if (idx[1] >= 0 && idx[0] < 0 && idx[1] < 2)
			idx[0] = 1 - idx[1];
	}
	if (idx[0] >= 0 && idx[0] == idx[1])
		idx[0] = idx[1] = -1; /* a label that names both options decides nothing */
	/* one option put alone, one side rejecting it ("Ja för bifall och Nej
	 * för avslag på kommunstyrelsens förslag"): the other side is it */
	if (opts && opts->k == V_ARR && opts->u.a.n == 1 && xj && xn && xj->k == V_STR && xn->k == V_STR &&
	    rej[0] != rej[1]) {
		idx[0] = rej[0] ? -1 : 0;
		idx[1] = rej[1] ? -1 : 0;
	}
	/* A side whose label names none of the options put ("ställer
	 * proposition på förslagen", then "Nej för Eriks yrkande") is an
	 * option of its own, added after them. */
	value_t *ov = (value_t *)opts;
	for (int k = 0; k < 2; k++) {
		const value_t *x = v_get(f, keys[k]);
		if (idx[k] >= 0 || !x || x->k != V_STR || !x->u.s.n || rej[k])
			continue; /* ("Ja-röst för att avslå tilläggsyrkandet" names no option) */
		if (!ov || ov->k != V_ARR) {
			ov = v_arr(a);
			v_set(a, f, "options", ov);
		}
		if (ov->u.a.n >= 2 || (idx[1 - k] < 0 && ov->u.a.n >= 1))
			continue; /* never more than two options from a Ja/Nej pair */
		value_t *o = v_obj(a);
		v_set(a, o, "label", (value_t *)x);
		v_set(a, o, "by", v_null(a));
		v_set(a, o, "standing", v_bool(a, 0));
		v_push(a, ov, o);
		idx[k] = (long)ov->u.a.n - 1;
	}
	for (int k = 0; k < 2; k++)
		v_set(a, f, keys[k], idx[k] >= 0 ? v_int(a, idx[k]) : v_null(a));
	const value_t *c = v_get(f, "counts");
	const value_t *cj = v_get(c, "ja"), *cn = v_get(c, "nej");
	if (idx[0] >= 0 && idx[1] >= 0 && cj && cn && cj->k == V_INT && cn->k == V_INT && cj->u.i != cn->u.i)
		v_set(a, f, "adopted", v_int(a, cj->u.i > cn->u.i ? idx[0] : idx[1]));
	/* one option put alone, one side for rejecting it ("Ja för avslag och
	 * Nej för bifall till yrkandet från SD"): the count adopts it or not */
	if (opts && opts->k == V_ARR && opts->u.a.n == 1 && cj && cn && cj->k == V_INT && cn->k == V_INT &&
	    cj->u.i != cn->u.i) {
		int win = cj->u.i > cn->u.i ? 0 : 1;
		if (idx[win] == 0 && idx[1 - win] < 0)
			v_set(a, f, "adopted", v_int(a, 0));
		else if (idx[win] < 0 && idx[1 - win] == 0 && xj && xn && xj->k == V_STR && xn->k == V_STR &&
		         rej[win])
			v_set(a, f, "adopted", v_null(a));
	}
}

static void party_proposal(arena_t *a, value_t *f)
{
	const value_t *owners = v_get(f, "_owners"), *kind = v_get(f, "kind"), *by = v_get(f, "by");
	if (!owners || owners->k != V_ARR || !owners->u.a.n || !kind || kind->k != V_STR ||
	    strcmp(kind->u.s.s, "eget_förslag") != 0 || !by || by->k != V_ARR)
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
		v_set(a, f, "kind", v_cstr(a, "bifall"));
}

/* The last word of s[0..n) lower-cased into w (ASCII case only; å ä ö
 * are compared as printed). */
static size_t last_word(const char *s, size_t n, char *w, size_t cap)
{
	size_t b = n;
	while (b > 0 && s[b - 1] != ' ')
		b--;
	size_t k = 0;
	for (size_t i = b; i < n && k + 1 < cap; i++)
		w[k++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	w[k] = '\0';
	return k;
}

/* A body named in a heading is the document's body: "Regionstyrelsen" in
 * Regionstyrelsen's protocol, "Arbetsutskottet" in "Kommunstyrelsens
 * arbetsutskott" (the last words agree up to a definite ending). */
static int same_body(const value_t *x, const value_t *doc)
{
	if (!x || !doc || x->k != V_STR || doc->k != V_STR)
		return 0;
	char a[64], b[64];
	size_t na = last_word(x->u.s.s, x->u.s.n, a, sizeof a), nb = last_word(doc->u.s.s, doc->u.s.n, b, sizeof b);
	size_t m = na < nb ? na : nb;
	if (m < 5 || (na > nb ? na - nb : nb - na) > 3)
		return 0;
	return strncmp(a, b, m) == 0;
}

/* The records [*lo, *hi) of the item record i belongs to (records are
 * sorted, so an item's records are contiguous). */
typedef struct item_bounds {
	size_t *lo, *hi; /* per record: its item's first record, one past its last */
} item_bounds_t;

static void item_bounds(const long *item_of, size_t n, item_bounds_t *b)
{
	b->lo = xmalloc((n ? n : 1) * sizeof *b->lo);
	b->hi = xmalloc((n ? n : 1) * sizeof *b->hi);
	for (size_t i = 0; i < n; i++)
		b->lo[i] = i > 0 && item_of[i - 1] == item_of[i] ? b->lo[i - 1] : i;
	for (size_t i = n; i-- > 0;)
		b->hi[i] = i + 1 < n && item_of[i + 1] == item_of[i] ? b->hi[i + 1] : i + 1;
}

static void item_range(const item_bounds_t *b, size_t i, size_t *lo, size_t *hi)
{
	*lo = b->lo[i];
	*hi = b->hi[i];
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

/* The proposal kind an option label names by its noun alone
 * ("återremissyrkandet", "det avslagsyrkandet"), or NULL. */
static const char *label_kind(const value_t *lab)
{
	static const struct { const char *prefix, *kind; } k[] = {
		{"återremissyrkande", "återremiss"}, {"avslagsyrkande", "avslag"},
		{"bordläggningsyrkande", "bordläggning"}, {"tilläggsyrkande", "tillägg"},
		{"ändringsyrkande", "ändring"}, {"tilläggsförslag", "tillägg"}, {"ändringsförslag", "ändring"},
	};
	if (!lab || lab->k != V_STR)
		return NULL;
	const char *s = lab->u.s.s;
	size_t n = lab->u.s.n;
	if (n > 4 && strncasecmp(s, "det ", 4) == 0)
		s += 4, n -= 4;
	for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
		size_t pl = strlen(k[j].prefix);
		if (n >= pl && n <= pl + 2 && strncasecmp(s, k[j].prefix, pl) == 0 && !memchr(s, ' ', n))
			return k[j].kind;
	}
	return NULL;
}

static void own_options(arena_t *a, recvec_t *rv, const char *dead, const int *tid, const long *item_of,
                        const item_bounds_t *ib, size_t vi)
{
	value_t *opts = v_get(rv->v[vi].fields, "options");
	if (!opts || opts->k != V_ARR || item_of[vi] < 0)
		return;
	for (size_t o = 0; o < opts->u.a.n; o++) {
		value_t *opt = opts->u.a.v[o];
		const value_t *st = v_get(opt, "standing");
		if (!v_is_null(v_get(opt, "by")) || (st && st->k == V_BOOL && st->u.b))
			continue;
		/* the kind the grammar gave the option, else the one its label
		 * names by its noun */
		const value_t *gk = str_or_null(v_get(opt, "_kind"));
		const char *kind = gk ? gk->u.s.s : label_kind(v_get(opt, "label"));
		if (!kind)
			continue;
		const value_t *who = NULL;
		int many = 0;
		size_t lo, hi;
		item_range(ib, vi, &lo, &hi);
		for (size_t j = lo; j < hi; j++) {
			if (dead[j] || tid[j] != RT_PROPOSAL)
				continue;
			const value_t *kj = v_get(rv->v[j].fields, "kind");
			const value_t *by = v_get(rv->v[j].fields, "by");
			if (!kj || kj->k != V_STR || strcmp(kj->u.s.s, kind) != 0 || !by || by->k != V_ARR || !by->u.a.n)
				continue;
			if (who && !v_equal(who, by->u.a.v[0]))
				many = 1;
			who = by->u.a.v[0];
		}
		if (who && !many)
			v_set(a, opt, "by", (value_t *)who);
	}
}

static int same_str_ci(const value_t *x, const value_t *y);

static int flag_set(const value_t *f, const char *key)
{
	const value_t *x = v_get(f, key);
	return x && x->k == V_BOOL && x->u.b;
}

/* Whether the actor list (or actor) `who` holds an actor that `w` names:
 * the same name, or, for an actor known by role alone, the same role. */
static int names_actor(const value_t *who, const value_t *w)
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
static int names_actor_or_party(const value_t *who, const value_t *w)
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

/* Every word of x is a word of y (x has at least one word). */
static int words_within(const value_t *x, const value_t *y)
{
	if (!x || !y || x->k != V_STR || y->k != V_STR)
		return 0;
	char xw[16][48], yw[32][48];
	size_t nx = words_of(x->u.s.s, x->u.s.n, xw, 16), ny = words_of(y->u.s.s, y->u.s.n, yw, 32);
	if (!nx)
		return 0;
	for (size_t i = 0; i < nx; i++) {
		size_t j = 0;
		while (j < ny && strcmp(xw[i], yw[j]) != 0)
			j++;
		if (j == ny)
			return 0;
	}
	return 1;
}

static int named_actor(const value_t *x)
{
	return x && x->k == V_OBJ && str_or_null(v_get(x, "name"));
}

static void chair_by_name(arena_t *a, recvec_t *rv, const char *dead, const int *tid)
{
	const value_t *cur = NULL;
	for (size_t i = 0; i < rv->n && !cur; i++)
		if (!dead[i] && tid[i] == RT_VOTE && named_actor(v_get(rv->v[i].fields, "_chair")))
			cur = v_get(rv->v[i].fields, "_chair");
	if (!cur)
		return;
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i] || tid[i] != RT_VOTE)
			continue;
		value_t *f = rv->v[i].fields;
		const value_t *ch = v_get(f, "_chair");
		if (named_actor(ch)) {
			cur = ch;
			continue;
		}
		v_set(a, f, "_chair", (value_t *)cur);
		const value_t *role = str_or_null(v_get(cur, "role"));
		value_t *opts = v_get(f, "options");
		for (size_t k = 0; role && opts && opts->k == V_ARR && k < opts->u.a.n; k++) {
			const value_t *by = v_get(opts->u.a.v[k], "by");
			if (by && by->k == V_OBJ && !str_or_null(v_get(by, "name")) &&
			    same_str_ci(v_get(by, "role"), role))
				v_set(a, opts->u.a.v[k], "by", (value_t *)cur);
		}
	}
}

/* A proposition put on "yrkandena" without naming them (`_collective`):
 * its options are the item's proposals made before it (one option per
 * distinct text, owned by the first proposer; kinds named in `_except`
 * left out), and the option the finding named (options[0], "X:s yrkande",
 * "det egna yrkandet" with the chair as owner) is the proposal it names.
 * A finding that names no proposal stays the first option, the proposals
 * follow it. */
static void collective_options(arena_t *a, recvec_t *rv, const char *dead, const int *tid,
                               const item_bounds_t *ib, size_t vi)
{
	value_t *f = rv->v[vi].fields;
	value_t *opts = v_get(f, "options");
	if (!opts || opts->k != V_ARR)
		return;
	/* "det egna yrkandet": the putter's */
	const value_t *chair = v_get(f, "_chair");
	for (size_t k = 0; chair && chair->k == V_OBJ && k < opts->u.a.n; k++)
		if (flag_set(opts->u.a.v[k], "_own") && v_is_null(v_get(opts->u.a.v[k], "by")))
			v_set(a, opts->u.a.v[k], "by", (value_t *)chair);
	if (!flag_set(f, "_collective") || opts->u.a.n != 1)
		return;
	value_t *w = opts->u.a.v[0];
	const value_t *wby = v_get(w, "by");
	const value_t *except = str_or_null(v_get(f, "_except"));
	/* the owner of "det egna yrkandet" printed by role alone ("Ordföranden
	 * ställer …") is the person of that role who made a proposal */
	value_t *fresh = v_arr(a);
	long hit = -1;
	for (size_t j = ib->lo[vi]; j < vi; j++) {
		if (dead[j] || tid[j] != RT_PROPOSAL)
			continue;
		const value_t *pf = rv->v[j].fields;
		const value_t *kind = str_or_null(v_get(pf, "kind")), *by = v_get(pf, "by");
		const value_t *text = str_or_null(v_get(pf, "text"));
		if (except && same_str_ci(except, kind))
			continue;
		const value_t *label = text ? text : kind;
		if (!label)
			continue;
		if (!wby || v_is_null(wby)) {
			/* a finding by label ("stadsledningskontorets förslag") is the
			 * proposal that backs it */
			if (words_within(v_get(w, "label"), label))
				continue;
		}
		long dup = -1;
		for (size_t k = 0; k < fresh->u.a.n && dup < 0; k++)
			if (same_str_ci(v_get(fresh->u.a.v[k], "label"), label))
				dup = (long)k;
		if (hit < 0 && wby && !v_is_null(wby) && names_actor(by, wby))
			hit = dup >= 0 ? dup : (long)fresh->u.a.n;
		if (dup >= 0)
			continue;
		value_t *o = v_obj(a);
		v_set(a, o, "label", (value_t *)label);
		v_set(a, o, "by", by && by->k == V_ARR && by->u.a.n ? by->u.a.v[0] : v_null(a));
		v_set(a, o, "standing", v_bool(a, 0));
		if (kind)
			v_set(a, o, "_kind", (value_t *)kind);
		if (by && by->k == V_ARR && by->u.a.n > 1)
			v_set(a, o, "_owners", (value_t *)by);
		v_push(a, fresh, o);
	}
	if (!fresh->u.a.n)
		return;
	if (hit >= 0) {
		v_set(a, f, "options", fresh);
		v_set(a, f, "adopted", v_int(a, hit));
		return;
	}
	for (size_t k = 0; k < fresh->u.a.n; k++)
		v_push(a, opts, fresh->u.a.v[k]);
}

static int same_str_ci(const value_t *x, const value_t *y)
{
	return x && y && x->k == V_STR && y->k == V_STR && x->u.s.n && x->u.s.n == y->u.s.n &&
	       strncasecmp(x->u.s.s, y->u.s.s, x->u.s.n) == 0;
}

static int same_int(const value_t *x, const value_t *y)
{
	return x && y && x->k == V_INT && y->k == V_INT && x->u.i == y->u.i;
}

/* A vote printed again away from its item (a voting list in an
 * appendix, "Ja-röst för A, Nej-röst för B" over it): the nearest live vote
 * before it with the same Ja and Nej labels, or the same Ja and Nej
 * counts; -1 if none. */
static long same_vote(const recvec_t *rv, const char *dead, const vote_index_t *vx, size_t i)
{
	const value_t *f = rv->v[i].fields;
	const value_t *cj = v_get(v_get(f, "counts"), "ja"), *cn = v_get(v_get(f, "counts"), "nej");
	const value_t *ja = v_get(f, "ja"), *nej = v_get(f, "nej");
	int labels = ja && nej && ja->k == V_STR && nej->k == V_STR;
	int counts = cj && cn && cj->k == V_INT && cn->k == V_INT;
	if (!labels && !counts)
		return -1; /* nothing to recognise the vote by */
	for (size_t x = votes_before(vx, i); x-- > 0;) { /* the vote is printed before its repeat */
		size_t j = vx->v[x];
		if (dead[j])
			continue;
		const value_t *g = rv->v[j].fields;
		if (same_str_ci(v_get(f, "ja"), v_get(g, "ja")) && same_str_ci(v_get(f, "nej"), v_get(g, "nej")))
			return (long)j;
		const value_t *gc = v_get(g, "counts");
		if (same_int(cj, v_get(gc, "ja")) && same_int(cn, v_get(gc, "nej")))
			return (long)j;
	}
	return -1;
}

/* The nearest live vote before record i in its item whose options the
 * Ja and Nej labels of i both name (different options); -1 if none. */
static long named_vote(const recvec_t *rv, const char *dead, const vote_index_t *vx, const long *item_of, size_t i)
{
	const value_t *f = rv->v[i].fields;
	const value_t *ja = v_get(f, "ja"), *nej = v_get(f, "nej");
	if (!ja || !nej || ja->k != V_STR || nej->k != V_STR)
		return -1;
	for (size_t x = votes_before(vx, i); x-- > 0 && item_of[vx->v[x]] == item_of[i];) {
		size_t k = vx->v[x];
		if (dead[k])
			continue;
		const value_t *opts = v_get(rv->v[k].fields, "options");
		long a = option_for_label(opts, ja, 0), b = option_for_label(opts, nej, 0);
		if (a >= 0 && b >= 0 && a != b)
			return (long)k;
	}
	return -1;
}

static int is_counted(const value_t *f)
{
	const value_t *m = v_get(f, "method");
	return m && m->k == V_STR && strcmp(m->u.s.s, "omröstning") == 0;
}

/* For the counted part of a vote (record i) whose nearest vote `best` was
 * taken without a count: the nearest vote before best in the item that
 * was put as a counted one and has neither counts nor a voting list yet;
 * -1 if none (or best is itself counted). */
static long asked_vote(const recvec_t *rv, const char *dead, const vote_index_t *vx, const long *item_of,
                       size_t i, size_t best)
{
	if (best >= i || !is_counted(rv->v[i].fields) || is_counted(rv->v[best].fields))
		return -1;
	for (size_t x = votes_before(vx, best); x-- > 0 && item_of[vx->v[x]] == item_of[i];) {
		size_t k = vx->v[x];
		if (dead[k])
			continue;
		const value_t *g = rv->v[k].fields;
		if (is_counted(g) && v_is_null(v_get(g, "counts")) && v_is_null(v_get(g, "ballots")))
			return (long)k;
	}
	return -1;
}

/* ---- self-checks ---- */

/* Whether the owners the options of vote record vi name made a proposal
 * in its item: 1 when some owner did, when an option is standing, or when
 * no option names an owner or the item has no proposals. */
static int options_named(const recvec_t *rv, const char *dead, const int *tid, const item_bounds_t *ib, size_t vi)
{
	const value_t *opts = v_get(rv->v[vi].fields, "options");
	if (!opts || opts->k != V_ARR)
		return 1;
	int owners = 0;
	for (size_t k = 0; k < opts->u.a.n; k++) {
		const value_t *by = v_get(opts->u.a.v[k], "by");
		if (flag_set(opts->u.a.v[k], "standing"))
			return 1;
		owners += by && by->k == V_OBJ;
	}
	if (!owners)
		return 1;
	int any = 0;
	for (size_t j = ib->lo[vi]; j < ib->hi[vi]; j++) {
		if (dead[j] || tid[j] != RT_PROPOSAL)
			continue;
		any = 1;
		const value_t *pby = v_get(rv->v[j].fields, "by");
		for (size_t k = 0; k < opts->u.a.n; k++) {
			const value_t *by = v_get(opts->u.a.v[k], "by");
			if (by && by->k == V_OBJ && names_actor_or_party(pby, by))
				return 1;
			/* a party-only owner the proposal's text names ("bifall
			 * till tilläggsyrkande från KD, M och L") */
			const value_t *bp = str_or_null(v_get(by, "party"));
			if (bp && !str_or_null(v_get(by, "name")) && words_within(bp, v_get(rv->v[j].fields, "text")))
				return 1;
		}
	}
	return !any;
}

/* A `_check` marker (a section heading of the beslutsgång): its item must
 * hold a live record of the type it `needs` (`counted`: a vote with
 * counts); else a warning naming the heading. */
static void check_section(arena_t *a, const recvec_t *rv, const char *dead, const item_bounds_t *ib, size_t ci,
                          const char *where, value_t *warnings)
{
	const value_t *cf = rv->v[ci].fields;
	const value_t *needs = str_or_null(v_get(cf, "needs"));
	if (!needs || !warnings)
		return;
	int counted = flag_set(cf, "counted");
	for (size_t j = ib->lo[ci]; j < ib->hi[ci]; j++) {
		if (dead[j] || strcmp(rv->v[j].type, needs->u.s.s) != 0)
			continue;
		if (!counted || (is_counted(rv->v[j].fields) && !v_is_null(v_get(rv->v[j].fields, "counts"))))
			return;
	}
	const value_t *h = str_or_null(v_get(cf, "heading"));
	buf_t b = BUF_INIT;
	buf_printf(&b, "check: %s: section \"%.*s\" without a %s record%s", where, h ? (int)h->u.s.n : 0,
	           h ? h->u.s.s : "", needs->u.s.s, counted ? " with counts" : "");
	v_push(a, warnings, v_str(a, b.data, b.len));
	buf_release(&b);
}

/* ---- envelope ---- */

typedef struct item_ref {
	uint32_t start;
	long number;    /* § number, or -1 */
	size_t ordinal; /* 1-based among items */
	record_t *rec;
} item_ref_t;

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

static void write_item_key(buf_t *out, const item_ref_t *items, long idx)
{
	if (idx < 0)
		buf_adds(out, "null");
	else if (items[idx].number >= 0)
		buf_printf(out, "%ld", items[idx].number);
	else
		buf_printf(out, "\"k%zu\"", items[idx].ordinal);
}

static void envelope(buf_t *out, const doc_result_t *d, const char *type, size_t n,
                     const item_ref_t *items, long idx, const record_t *r, const char_index_t *ci)
{
	const input_t *in = d->in;
	buf_adds(out, "{\"type\": ");
	json_write_string(out, type, strlen(type));
	buf_printf(out, ", \"schema\": %d, \"doc\": ", BESLUT_SCHEMA_VERSION);
	json_write_string(out, in->doc, strlen(in->doc));
	buf_adds(out, ", \"id\": ");
	buf_t id = BUF_INIT;
	buf_printf(&id, "%s#%s/%zu", in->doc, type, n);
	json_write_string(out, id.data, id.len);
	buf_release(&id);
	buf_adds(out, ", \"item\": ");
	if (r)
		write_item_key(out, items, idx);
	else
		buf_adds(out, "null");
	if (r && d->norm) {
		uint32_t ta, tb, sa, sb;
		omap_span(&d->norm->map, r->start, r->end, &ta, &tb);
		omap_span(&in->map, ta, tb, &sa, &sb);
		buf_printf(out, ", \"page\": %d, \"span\": [%u, %u]", norm_page_at(d->norm, r->start), sa, sb);
		if (ci)
			buf_printf(out, ", \"char_span\": [%llu, %llu]", (unsigned long long)char_index_at(ci, sa),
			           (unsigned long long)char_index_at(ci, sb));
	} else {
		buf_printf(out, ", \"page\": null, \"span\": [0, %zu]", in->src.len);
		if (ci)
			buf_printf(out, ", \"char_span\": [0, %llu]", (unsigned long long)char_index_at(ci, in->src.len));
	}
}

static void write_fields(buf_t *out, const value_t *fields)
{
	for (size_t i = 0; i < fields->u.o.n; i++) {
		if (fields->u.o.key[i][0] == '_')
			continue;
		buf_adds(out, ", ");
		json_write_string(out, fields->u.o.key[i], strlen(fields->u.o.key[i]));
		buf_adds(out, ": ");
		json_write_value(out, fields->u.o.v[i]);
	}
}

/* Copy the non-null fields of src into dst where dst has none. */
static void merge_fields(arena_t *a, value_t *dst, const value_t *src)
{
	for (size_t i = 0; i < src->u.o.n; i++) {
		const value_t *x = src->u.o.v[i];
		if (v_is_null(x))
			continue;
		/* a counted vote found later makes the proposition a counted one */
		int counted = strcmp(src->u.o.key[i], "method") == 0 && x->k == V_STR &&
		              strcmp(x->u.s.s, "omröstning") == 0;
		value_t *d = v_get(dst, src->u.o.key[i]);
		if (d && d->k == V_OBJ && x->k == V_OBJ)
			merge_fields(a, d, x); /* counts from the text, completed by a table */
		else if (d && d->k == V_ARR && x->k == V_ARR && strcmp(src->u.o.key[i], "ballots") == 0)
			for (size_t k = 0; k < x->u.a.n; k++) /* a voting list over two pages */
				v_push(a, d, x->u.a.v[k]);
		else if (counted || v_is_null(d))
			v_set(a, dst, src->u.o.key[i], (value_t *)x);
	}
}

/* A fields object with every field of the type, in the type's order. */
static value_t *complete(arena_t *a, const char *type, value_t *fields)
{
	const type_fields_t *tf = type_of(type);
	if (!tf)
		return fields;
	value_t *o = v_obj(a);
	for (int i = 0; tf->fields[i]; i++) {
		value_t *x = v_get(fields, tf->fields[i]);
		v_set(a, o, tf->fields[i], x ? x : v_null(a));
	}
	for (int i = 0; tf->flags[i]; i++) {
		value_t *x = v_get(fields, tf->flags[i]);
		v_set(a, o, tf->flags[i], v_is_null(x) ? v_bool(a, 0) : x);
	}
	for (size_t i = 0; fields && i < fields->u.o.n; i++) /* extra fields the grammar set */
		if (!v_get(o, fields->u.o.key[i]))
			v_set(a, o, fields->u.o.key[i], fields->u.o.v[i]);
	return o;
}

/* What the document's name says when its text does not: a meeting date
 * written in ISO form ("gbg-ks-2024-10-16.txt"), and a body named by a word
 * of lexicon class `docname` ("ks").  Fills the null fields of o; returns a
 * warning naming what was taken, or NULL. */
static const char *from_name(arena_t *a, const doc_result_t *d, value_t *o)
{
	const char *doc = d->in->doc ? d->in->doc : d->in->path;
	if (!doc)
		return NULL;
	const char *base = strrchr(doc, '/');
	base = base ? base + 1 : doc;
	int took_date = 0, took_body = 0;
	if (v_is_null(v_get(o, "date"))) {
		for (const char *p = base; *p && !took_date; p++) {
			int ok = strlen(p) >= 10 && (p == base || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)p[10]);
			for (int k = 0; ok && k < 10; k++)
				ok = (k == 4 || k == 7) ? p[k] == '-' : isdigit((unsigned char)p[k]) != 0;
			int mo = ok ? (p[5] - '0') * 10 + (p[6] - '0') : 0, da = ok ? (p[8] - '0') * 10 + (p[9] - '0') : 0;
			if (ok && (p[0] == '1' || p[0] == '2') && mo >= 1 && mo <= 12 && da >= 1 && da <= 31) {
				v_set(a, o, "date", v_str(a, p, 10));
				took_date = 1;
			}
		}
	}
	if (v_is_null(v_get(o, "body")) && d->grammar) {
		char word[64];
		for (const char *p = base; *p && !took_body;) {
			size_t n = 0;
			while (p[n] && isalpha((unsigned char)p[n]) && n < sizeof word - 1)
				n++;
			if (n) {
				memcpy(word, p, n);
				word[n] = '\0';
				const char *v = grammar_lexicon_value(d->grammar, "docname", word);
				if (v) {
					v_set(a, o, "body", v_cstr(a, v));
					took_body = 1;
				}
				p += n;
			} else {
				p++;
			}
		}
	}
	if (!took_date && !took_body)
		return NULL;
	return took_date && took_body ? "date and body taken from the document's name"
	       : took_date            ? "date taken from the document's name"
	                              : "body taken from the document's name";
}

static value_t *complete_date(arena_t *a, const norm_result_t *nr, value_t *date, value_t *warnings)
{
	if (!date || date->k != V_STR || date->u.s.n != 7 || memcmp(date->u.s.s, "--", 2) != 0)
		return date;
	const char *t = nr ? nr->text.data : NULL;
	size_t n = nr ? nr->text.len : 0;
	const char *md = date->u.s.s + 2; /* "MM-DD" */
	int count[200] = {0}; /* full dates per year 1900..2099 */
	int year = 0;
	for (const char *q = t; q && (q = memchr(q, '-', (size_t)(t + n - q))); q++) {
		/* q at the first '-' of "YYYY-MM-DD" */
		if (q - t < 4 || q + 6 > t + n || q[3] != '-')
			continue;
		const char *y = q - 4;
		int ok = 1;
		for (int k = 0; k < 4; k++)
			ok &= y[k] >= '0' && y[k] <= '9';
		for (int k = 1; k <= 5; k++)
			ok &= k == 3 || (q[k] >= '0' && q[k] <= '9');
		if (!ok || (y > t && y[-1] >= '0' && y[-1] <= '9') || (q + 6 < t + n && q[6] >= '0' && q[6] <= '9'))
			continue;
		int yr = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
		if (yr < 1900 || yr >= 2100)
			continue;
		if (memcmp(q + 1, md, 5) == 0) {
			year = yr;
			break;
		}
		count[yr - 1900]++;
	}
	const char *how = "a full date with the same day and month";
	if (!year) {
		int best = 0, tie = 0;
		for (int k = 1; k < 200; k++) {
			if (count[k] > count[best]) {
				best = k;
				tie = 0;
			} else if (count[k] && count[k] == count[best]) {
				tie = 1;
			}
		}
		if (count[best] && !tie)
			year = 1900 + best;
		how = "the year of most full dates in the text";
	}
	if (!year)
		return v_null(a);
	char buf[32];
	snprintf(buf, sizeof buf, "%04d-%.5s", year, md);
	buf_t w = BUF_INIT;
	buf_printf(&w, "meeting date printed without a year; %d taken from %s", year, how);
	v_push(a, warnings, v_str(a, w.data, w.len));
	buf_release(&w);
	return v_str(a, buf, 10);
}

static void write_document(buf_t *out, const doc_result_t *d, value_t *docf, value_t *warnings,
                           size_t nitems_numbered, size_t nrecords)
{
	arena_t *a = d->arena;
	const input_t *in = d->in;
	char sha[65];
	sha256_hex(in->src.data ? in->src.data : "", in->src.len, sha);
	char_index_t ci;
	char_index_for_input(&ci, in);
	envelope(out, d, "document", 1, NULL, -1, NULL, &ci);
	char_index_release(&ci);
	value_t *o = v_obj(a);
	v_set(a, o, "source", v_cstr(a, in->path));
	v_set(a, o, "bytes", v_int(a, (long long)in->src.len));
	v_set(a, o, "sha256", v_cstr(a, sha));
	v_set(a, o, "status", v_cstr(a, in->error ? "error" : "ok"));
	v_set(a, o, "error", v_cstr(a, in->error));
	v_set(a, o, "gzip", v_bool(a, in->gzip));
	value_t *kind = v_get(docf, "kind");
	if (v_is_null(kind))
		kind = in->error ? v_null(a) : v_cstr(a, nitems_numbered ? "protokoll" : "other");
	v_set(a, o, "kind", kind);
	const char *keys[] = {"body", "organisation", "kommunkod", "date", NULL};
	for (int i = 0; keys[i]; i++) {
		value_t *x = v_get(docf, keys[i]);
		if (i == 3)
			x = complete_date(a, d->norm, x, warnings);
		v_set(a, o, keys[i], x ? x : v_null(a));
	}
	link_organisation(a, d->grammar, o); /* canonical name and SCB code */
	const char *named = NULL;
	if (!in->error)
		named = from_name(a, d, o);
	if (d->norm) {
		const norm_stats_t *s = &d->norm->stats;
		v_set(a, o, "pages", v_int(a, (long long)d->norm->npages));
		value_t *st = v_obj(a);
		v_set(a, st, "lines", v_int(a, (long long)s->lines));
		v_set(a, st, "hyphen_joins", v_int(a, (long long)s->hyphen_joins));
		v_set(a, st, "hyphens_kept", v_int(a, (long long)(s->hyphens_kept + s->suspended_kept)));
		v_set(a, st, "headers_removed", v_int(a, (long long)s->headers_removed));
		v_set(a, st, "tokens", v_int(a, (long long)d->ntokens));
		v_set(a, st, "records", v_int(a, (long long)nrecords));
		v_set(a, o, "stats", st);
	} else {
		v_set(a, o, "pages", v_null(a));
		v_set(a, o, "stats", v_null(a));
	}
	value_t *w = v_arr(a);
	for (size_t i = 0; i < in->nwarnings && w->u.a.n < BESLUT_MAX_WARNINGS; i++)
		v_push(a, w, v_cstr(a, in->warnings[i]));
	for (size_t i = 0; warnings && i < warnings->u.a.n && w->u.a.n < BESLUT_MAX_WARNINGS; i++)
		v_push(a, w, warnings->u.a.v[i]);
	if (named && w->u.a.n < BESLUT_MAX_WARNINGS)
		v_push(a, w, v_cstr(a, named));
	v_set(a, o, "warnings", w);
	v_set(a, o, "beslut_version", v_cstr(a, beslut_version())); /* version.h */
	v_set(a, o, "grammar_hash", v_cstr(a, version_grammar_hash()));
	write_fields(out, o);
	buf_adds(out, "}\n");
}

void assemble_document(const doc_result_t *d, buf_t *out)
{
	arena_t *a = d->arena;
	recvec_t *rv = d->recs;
	value_t *warnings = v_arr(a);
	if (d->warnings)
		for (size_t i = 0; i < d->warnings->u.a.n; i++)
			v_push(a, warnings, d->warnings->u.a.v[i]);
	value_t *docf = v_obj(a);

	if (!d->norm || d->in->error) {
		write_document(out, d, docf, warnings, 0, 0);
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

	/* 1. items */
	item_ref_t *items = NULL;
	size_t nitems = 0, icap = 0, numbered = 0;
	for (size_t i = 0; i < rv->n; i++) {
		record_t *r = &rv->v[i];
		if (!is_type(r, "item") || r->merge)
			continue;
		const value_t *num = v_get(r->fields, "number");
		GROW(items, icap, nitems + 1);
		items[nitems] = (item_ref_t){r->start, num && num->k == V_INT ? (long)num->u.i : -1,
		                             nitems + 1, r};
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
	int *tid = xmalloc((rv->n ? rv->n : 1) * sizeof *tid);
	size_t ntid = type_ids(rv, tid);
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
			merge_fields(a, docf, r->fields);
			continue;
		}
		if (tid[i] == RT_ITEM) {
			if (item_of[i] >= 0)
				merge_fields(a, items[item_of[i]].rec->fields, r->fields);
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
			long named = named_vote(rv, dead, &vx, item_of, i);
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
				long asked = asked_vote(rv, dead, &vx, item_of, i, (size_t)best);
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
			best = same_vote(rv, dead, &vx, i);
			if (best >= 0) {
				moved_item = item_of[i];
				moved_to = best;
			}
		}
		if (best >= 0) {
			merge_fields(a, rv->v[best].fields, r->fields);
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
			merge_fields(a, docf, rv->v[i].fields);
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
		size_t lo, hi;
		item_range(&ib, i, &lo, &hi);
		for (size_t j = lo; j < hi; j++)
			if (!dead[j] && tid[j] == RT_ATT_SATS && !is_prop(rv->v[j].fields) &&
			    is_decision(rv->v[j].fields)) {
				dead[i] = 1;
				break;
			}
	}

	/* 3. actors */
	persons_t ps = {NULL, 0, 0};
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i])
			collect(&ps, rv->v[i].fields, item_of[i]);
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i])
			fix_actors(a, &ps, rv->v[i].fields, item_of[i]);

	/* 3a. "bifall till Moderaternas förslag" is the speaker's own
	 * alternative only from a member of that party; from another it backs
	 * a proposal (bifall) */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_PROPOSAL)
			party_proposal(a, rv->v[i].fields);

	/* 3b. an option named by the kind of yrkande alone ("ställer
	 * proposition på återremissyrkandet") belongs to the one who made the
	 * only yrkande of that kind in the item */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_VOTE)
			own_options(a, rv, dead, tid, item_of, &ib, i);

	/* 3b'. who puts the propositions: a vote that does not name its putter
	 * ("Ordföranden ställer …") was put by the chair named last before it
	 * ("Ordföranden Anna Ek (S) ställer …"), or, before any is named, by
	 * the first one named; an option owned by that role alone is the
	 * chair's */
	chair_by_name(a, rv, dead, tid);

	/* 3c. a proposition on "yrkandena" puts the item's proposals */
	for (size_t i = 0; i < rv->n; i++)
		if (!dead[i] && tid[i] == RT_VOTE)
			collective_options(a, rv, dead, tid, &ib, i);

	/* 4. complete the fields; vote checks add document warnings */
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i])
			continue;
		record_t *r = &rv->v[i];
		r->fields = complete(a, r->type, r->fields);
		if (tid[i] == RT_VOTE) {
			buf_t where = BUF_INIT;
			buf_adds(&where, "item ");
			write_item_key(&where, items, item_of[i]);
			check_vote(a, r->fields, warnings, where.data);
			resolve_counted(a, r->fields);
			buf_release(&where);
		}
	}

	/* 4b. self-checks: a section of the beslutsgång without its records,
	 * a vote whose options name no proposal of its item */
	for (size_t i = 0; i < rv->n; i++) {
		if (!(marker[i] || (!dead[i] && tid[i] == RT_VOTE)) || item_of[i] < 0)
			continue;
		buf_t where = BUF_INIT;
		buf_adds(&where, "item ");
		write_item_key(&where, items, item_of[i]);
		if (marker[i] && strcmp(rv->v[i].type, "_check") == 0) {
			check_section(a, rv, dead, &ib, i, where.data, warnings);
		} else if (!marker[i] && !options_named(rv, dead, tid, &ib, i)) {
			buf_t b = BUF_INIT;
			buf_printf(&b, "check: %s: no option of the vote names a proposal of the item", where.data);
			v_push(a, warnings, v_str(a, b.data, b.len));
			buf_release(&b);
		}
		buf_release(&where);
	}
	free(marker);

	link_document(a, rv, dead, item_of, d->in->doc, d->grammar); /* 4c. links between records */

	/* 5. output */
	size_t nlive = 0;
	for (size_t i = 0; i < rv->n; i++)
		nlive += !dead[i];
	write_document(out, d, docf, warnings, numbered, nlive);
	size_t ntypes = sizeof TYPES / sizeof TYPES[0];
	size_t *count = xcalloc(ntypes + 1, sizeof *count);
	char_index_t ci;
	char_index_for_input(&ci, d->in);
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i])
			continue;
		record_t *r = &rv->v[i];
		const type_fields_t *tf = type_of(r->type);
		size_t ti = tf ? (size_t)(tf - TYPES) : ntypes;
		value_t *f = r->fields;
		envelope(out, d, r->type, ++count[ti], items, item_of[i], r, &ci);
		write_fields(out, f);
		if (d->flags & ASM_EXPLAIN) {
			buf_adds(out, ", \"rule\": ");
			json_write_string(out, r->rule ? r->rule : "", r->rule ? strlen(r->rule) : 0);
			buf_printf(out, ", \"tokens\": [%u, %u]", r->tok_start, r->tok_end);
		}
		buf_adds(out, "}\n");
	}
	free(count);
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
