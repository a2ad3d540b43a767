/*
 * assemble_votes.c — votes across the records of an item (assemble.h):
 * counted votes checked against their voting lists and resolved to the
 * options Ja and Nej name (resolve counted_vote), options named by the
 * kind of yrkande alone (resolve option_kind), the chair who puts the
 * propositions, propositions on the item's proposals, the look-backs that
 * find the vote a repeated count or list belongs to, and the self-checks
 * of the beslutsgång.
 */
#include "assemble_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The number of indexed votes before record i. */
size_t votes_before(const vote_index_t *vx, size_t i)
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

/* ---- counted votes ---- */

/* A voting list (`ballots`) counted by the sides of resolve
 * counted_vote.tally: the counts when the text printed none, the ones it
 * left out when it agrees, else a warning. */
void check_vote(arena_t *a, const grammar_t *gr, value_t *fields, value_t *warnings, const char *where)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	const int nk = (int)rc->ntally;
	const char *const *VOTE_KEYS = rc->tally;
	value_t *ballots = v_get(fields, "ballots");
	if (!nk || !ballots || ballots->k != V_ARR || ballots->u.a.n == 0)
		return;
	long long tally[RESOLVE_MAX_LIST] = {0};
	for (size_t i = 0; i < ballots->u.a.n; i++) {
		const value_t *vt = v_get(ballots->u.a.v[i], "vote");
		if (!vt || vt->k != V_STR)
			continue;
		for (int k = 0; k < nk; k++)
			if (strcmp(vt->u.s.s, VOTE_KEYS[k]) == 0)
				tally[k]++;
	}
	value_t *counts = v_get(fields, "counts");
	if (v_is_null(counts)) {
		counts = v_obj(a);
		for (int k = 0; k < nk; k++)
			v_set(a, counts, VOTE_KEYS[k], v_int(a, tally[k]));
		v_set(a, fields, "counts", counts);
		return;
	}
	int mismatch = 0;
	for (int k = 0; k < nk; k++) {
		const value_t *c = v_get(counts, VOTE_KEYS[k]);
		if (c && c->k == V_INT && c->u.i != tally[k])
			mismatch = 1;
	}
	if (!mismatch) {
		/* the list agrees with what the text printed: it gives what the
		 * text left out ("Med 31 röster mot 18 och 2 som avstod", absent
		 * members only in the list) */
		for (int k = 0; k < nk; k++)
			if (v_is_null(v_get(counts, VOTE_KEYS[k])))
				v_set(a, counts, VOTE_KEYS[k], v_int(a, tally[k]));
		return;
	}
	if (!warnings)
		return;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s: vote counts disagree with the voting list (printed/listed):", where);
	for (int k = 0; k < nk; k++) {
		const value_t *c = v_get(counts, VOTE_KEYS[k]);
		if (c && c->k == V_INT)
			buf_printf(&b, " %s %lld/%lld", VOTE_KEYS[k], c->u.i, tally[k]);
		else
			buf_printf(&b, " %s -/%lld", VOTE_KEYS[k], tally[k]);
	}
	v_push(a, warnings, v_str(a, b.data, b.len));
	buf_release(&b);
}

/* Two label words are the same word, also when one is the other in the
 * genitive ("Bergs" / "Berg"). */
static int word_eq(const char *x, const char *y, const char *e)
{
	size_t nx = strlen(x), ny = strlen(y), el = e ? strlen(e) : 0;
	if (nx == ny)
		return strcmp(x, y) == 0;
	if (el && nx == ny + el && memcmp(x + ny, e, el) == 0)
		return strncmp(x, y, ny) == 0;
	if (el && ny == nx + el && memcmp(y + nx, e, el) == 0)
		return strncmp(x, y, nx) == 0;
	return 0;
}


/* Index of the option a Ja/Nej label names: the option sharing the most
 * words with it (ties: none); -1 if none shares a word.  With `owners`,
 * the words of an option's owner count twice ("Ja för bifall till Anna
 * Eks yrkande"). */
long option_for_label(const grammar_t *gr, const value_t *opts, const value_t *label, int owners)
{
	const char *gen = asm_cfg(gr)->genitive_ending;
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
				if (word_eq(lw[a], bw[b], gen)) {
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
void resolve_counted(arena_t *a, const grammar_t *gr, value_t *f)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	if (!is_counted(gr, f) || rc->ntally < 2)
		return;
	const value_t *opts = v_get(f, "options");
	long idx[2] = {-1, -1};
	const char *keys[2] = {rc->tally[0], rc->tally[1]}; /* the Ja and Nej sides */
	/* a side that means rejecting ("Ja för avslag"), as the grammar read it */
	int rej[2] = {flag_set(f, "_ja_rejects"), flag_set(f, "_nej_rejects")};
	for (int k = 0; k < 2; k++) {
		value_t *x = v_get(f, keys[k]);
		if (x && x->k == V_INT)
			idx[k] = (long)x->u.i;
		else if (x && x->k == V_STR)
			idx[k] = option_for_label(gr, opts, x, 1);
	}
	/* Two options put against each other: a Ja and a Nej that both have a
	 * label mean different options, so one named option gives the other
	 * ("Ja för bifall till förslaget, nej för avslag"). */
	const value_t *xj = v_get(f, keys[0]), *xn = v_get(f, keys[1]);
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
	const value_t *cj = v_get(c, keys[0]), *cn = v_get(c, keys[1]);
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

/* The proposal kind an option label names by one word (resolve
 * option_kind): after a leading word of class `skip`, one word that begins
 * with an entry of class `lexicon` and has at most `slack` bytes more
 * (whole characters); the entry's value, or NULL. */
static const char *label_kind(const grammar_t *gr, const value_t *lab)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	if (!rc->option_kind_lexicon || !lab || lab->k != V_STR)
		return NULL;
	const char *s = lab->u.s.s;
	size_t n = lab->u.s.n;
	char w[128];
	const char *sp = memchr(s, ' ', n);
	if (sp && rc->option_kind_skip && (size_t)(sp - s) < sizeof w && (size_t)(sp - s) + 1 < n) {
		memcpy(w, s, (size_t)(sp - s));
		w[sp - s] = '\0';
		if (grammar_lexicon_value(gr, rc->option_kind_skip, w)) {
			n -= (size_t)(sp - s) + 1;
			s = sp + 1;
		}
	}
	if (!n || n >= sizeof w || memchr(s, ' ', n))
		return NULL;
	for (size_t cut = 0; cut <= (size_t)rc->option_kind_slack && cut < n; cut++) {
		if (cut && ((unsigned char)s[n - cut] & 0xC0) == 0x80)
			continue; /* inside a character */
		memcpy(w, s, n - cut);
		w[n - cut] = '\0';
		const char *v = grammar_lexicon_value(gr, rc->option_kind_lexicon, w);
		if (v)
			return v;
	}
	return NULL;
}

void own_options(arena_t *a, const grammar_t *gr, recvec_t *rv, const char *dead, const int *tid,
                 const long *item_of, const item_bounds_t *ib, size_t vi)
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
		const char *kind = gk ? gk->u.s.s : label_kind(gr, v_get(opt, "label"));
		if (!kind)
			continue;
		const value_t *who = NULL;
		int many = 0;
		for (size_t j = ib->lo[vi]; j < ib->hi[vi]; j++) {
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

void chair_by_name(arena_t *a, recvec_t *rv, const char *dead, const int *tid, const value_t **carry)
{
	const value_t *cur = carry ? *carry : NULL;
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
	if (carry)
		*carry = cur;
}

/* A proposition put on "yrkandena" without naming them (`_collective`):
 * its options are the item's proposals made before it (one option per
 * distinct text, owned by the first proposer; kinds named in `_except`
 * left out), and the option the finding named (options[0], "X:s yrkande",
 * "det egna yrkandet" with the chair as owner) is the proposal it names.
 * A finding that names no proposal stays the first option, the proposals
 * follow it. */
void collective_options(arena_t *a, recvec_t *rv, const char *dead, const int *tid, const item_bounds_t *ib,
                        size_t vi)
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

/* A vote printed again away from its item (a voting list in an
 * appendix, "Ja-röst för A, Nej-röst för B" over it): the nearest live vote
 * before it with the same Ja and Nej labels, or the same Ja and Nej
 * counts; -1 if none. */
long same_vote(const grammar_t *gr, const recvec_t *rv, const char *dead, const vote_index_t *vx, size_t i)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	if (rc->ntally < 2)
		return -1;
	const char *kj = rc->tally[0], *kn = rc->tally[1]; /* the Ja and Nej sides */
	const value_t *f = rv->v[i].fields;
	const value_t *cj = v_get(v_get(f, "counts"), kj), *cn = v_get(v_get(f, "counts"), kn);
	const value_t *ja = v_get(f, kj), *nej = v_get(f, kn);
	int labels = ja && nej && ja->k == V_STR && nej->k == V_STR;
	int counts = cj && cn && cj->k == V_INT && cn->k == V_INT;
	if (!labels && !counts)
		return -1; /* nothing to recognise the vote by */
	for (size_t x = votes_before(vx, i); x-- > 0;) { /* the vote is printed before its repeat */
		size_t j = vx->v[x];
		if (dead[j])
			continue;
		const value_t *g = rv->v[j].fields;
		if (same_str_ci(ja, v_get(g, kj)) && same_str_ci(nej, v_get(g, kn)))
			return (long)j;
		const value_t *gc = v_get(g, "counts");
		if (same_int(cj, v_get(gc, kj)) && same_int(cn, v_get(gc, kn)))
			return (long)j;
	}
	return -1;
}

/* The nearest live vote before record i in its item whose options the
 * Ja and Nej labels of i both name (different options); -1 if none. */
long named_vote(const grammar_t *gr, const recvec_t *rv, const char *dead, const vote_index_t *vx,
                const long *item_of, size_t i)
{
	const resolve_cfg_t *rc = asm_cfg(gr);
	if (rc->ntally < 2)
		return -1;
	const value_t *f = rv->v[i].fields;
	const value_t *ja = v_get(f, rc->tally[0]), *nej = v_get(f, rc->tally[1]);
	if (!ja || !nej || ja->k != V_STR || nej->k != V_STR)
		return -1;
	for (size_t x = votes_before(vx, i); x-- > 0 && item_of[vx->v[x]] == item_of[i];) {
		size_t k = vx->v[x];
		if (dead[k])
			continue;
		const value_t *opts = v_get(rv->v[k].fields, "options");
		long a = option_for_label(gr, opts, ja, 0), b = option_for_label(gr, opts, nej, 0);
		if (a >= 0 && b >= 0 && a != b)
			return (long)k;
	}
	return -1;
}

int is_counted(const grammar_t *gr, const value_t *f)
{
	const char *cm = asm_cfg(gr)->counted_method;
	const value_t *m = v_get(f, "method");
	return cm && m && m->k == V_STR && strcmp(m->u.s.s, cm) == 0;
}

/* For the counted part of a vote (record i) whose nearest vote `best` was
 * taken without a count: the nearest vote before best in the item that
 * was put as a counted one and has neither counts nor a voting list yet;
 * -1 if none (or best is itself counted). */
long asked_vote(const grammar_t *gr, const recvec_t *rv, const char *dead, const vote_index_t *vx,
                const long *item_of, size_t i, size_t best)
{
	if (best >= i || !is_counted(gr, rv->v[i].fields) || is_counted(gr, rv->v[best].fields))
		return -1;
	for (size_t x = votes_before(vx, best); x-- > 0 && item_of[vx->v[x]] == item_of[i];) {
		size_t k = vx->v[x];
		if (dead[k])
			continue;
		const value_t *g = rv->v[k].fields;
		if (is_counted(gr, g) && v_is_null(v_get(g, "counts")) && v_is_null(v_get(g, "ballots")))
			return (long)k;
	}
	return -1;
}

/* ---- self-checks ---- */

/* Whether the owners the options of vote record vi name made a proposal
 * in its item: 1 when some owner did, when an option is standing, or when
 * no option names an owner or the item has no proposals. */
int options_named(const recvec_t *rv, const char *dead, const int *tid, const item_bounds_t *ib, size_t vi)
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
void check_section(arena_t *a, const grammar_t *gr, const recvec_t *rv, const char *dead,
                   const item_bounds_t *ib, size_t ci, const char *where, value_t *warnings)
{
	const value_t *cf = rv->v[ci].fields;
	const value_t *needs = str_or_null(v_get(cf, "needs"));
	if (!needs || !warnings)
		return;
	int counted = flag_set(cf, "counted");
	for (size_t j = ib->lo[ci]; j < ib->hi[ci]; j++) {
		if (dead[j] || strcmp(rv->v[j].type, needs->u.s.s) != 0)
			continue;
		if (!counted || (is_counted(gr, rv->v[j].fields) && !v_is_null(v_get(rv->v[j].fields, "counts"))))
			return;
	}
	const value_t *h = str_or_null(v_get(cf, "heading"));
	buf_t b = BUF_INIT;
	buf_printf(&b, "check: %s: section \"%.*s\" without a %s record%s", where, h ? (int)h->u.s.n : 0,
	           h ? h->u.s.s : "", needs->u.s.s, counted ? " with counts" : "");
	v_push(a, warnings, v_str(a, b.data, b.len));
	buf_release(&b);
}
