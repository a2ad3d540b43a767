/*
 * link_write.c — the end of the linking step (link_int.h): ballots
 * derived from a voting list and the parties' positions, the links
 * written into the records, the organisation's canonical name and code,
 * and character offsets for byte spans.
 */
#include "link_int.h"

/* ------------------------------------------------------------ derived ballots */

static int same_text_ci(const value_t *x, const value_t *y)
{
	return x && y && x->k == V_STR && y->k == V_STR && x->u.s.n == y->u.s.n &&
	       strncasecmp(x->u.s.s, y->u.s.s, x->u.s.n) == 0;
}

static int str_in(const char *k, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k, v[i]) == 0)
			return 1;
	return 0;
}

/* The members who could vote: those of the attendance lists whose status
 * is one of derived_ballots.voter (ledamöter, serving substitutes; each
 * person once), and those whose status is derived_ballots.absent_status. */
static void roll_of(const resolve_cfg_t *rc, const recvec_t *rv, const char *dead, roll_t *r)
{
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i] || !rv->v[i].type || strcmp(rv->v[i].type, "attendance") != 0)
			continue;
		const value_t *f = rv->v[i].fields;
		const char *st = str_field(f, "status");
		const value_t *nm = v_get(f, "name"), *pt = v_get(f, "party");
		if (!st || !nm || nm->k != V_STR || !pt || pt->k != V_STR)
			continue;
		int voter = str_in(st, rc->ballots_voter, rc->nvoter);
		int absent = rc->ballots_absent_status && strcmp(st, rc->ballots_absent_status) == 0;
		if (!voter && !absent)
			continue;
		int dup = 0;
		for (size_t k = 0; k < r->n && !dup; k++)
			dup = same_text_ci(r->m[k].name, nm);
		if (dup)
			continue;
		long long a, b;
		GROW(r->m, r->cap, r->n + 1);
		r->m[r->n++] = (member_t){nm, pt, int_field(f, "present_from", &a) ? (long)a : -1,
		                          int_field(f, "present_to", &b) ? (long)b : -1, absent};
	}
}

static int in_parties(const value_t *list, const value_t *party)
{
	for (size_t k = 0; list && list->k == V_ARR && k < list->u.a.n; k++)
		if (same_text_ci(v_get(list->u.a.v[k], "party"), party))
			return 1;
	return 0;
}

/* A counted vote whose text says how each party voted ("Ledamöterna från
 * SD röstar nej", "Övriga ledamöter röstar ja") and whose members are
 * known from the attendance list: one ballot per member, derived: true,
 * when every member present is covered and the derived counts agree with
 * the printed ones.  Ballots printed by name are kept (derived: false).
 * The sides are the first tally values (counted_vote), each with the
 * hidden field that lists its parties (derived_ballots.sides). */
static void derive_ballots(const resolve_cfg_t *rc, arena_t *a, value_t *vf, const roll_t *roll, long item_no)
{
	size_t ns = rc->nsides;
	if (ns < 2 || ns > rc->ntally || !rc->counted_method || !rc->ballots_absent_vote)
		return;
	const char *const *VOTE = rc->tally;
	const value_t *side[RESOLVE_MAX_LIST];
	int any = 0;
	for (size_t q = 0; q < ns; q++) {
		side[q] = v_get(vf, rc->ballots_sides[q]);
		any |= !v_is_null(side[q]);
	}
	const char *rest = rc->ballots_rest ? str_field(vf, rc->ballots_rest) : NULL;
	const char *m = str_field(vf, "method");
	if ((!any && !rest) || !m || strcmp(m, rc->counted_method) != 0 || !roll->n)
		return;
	const value_t *printed = v_get(vf, "ballots");
	value_t *out = v_arr(a);
	long long n[RESOLVE_MAX_LIST] = {0};
	for (size_t k = 0; printed && printed->k == V_ARR && k < printed->u.a.n; k++) {
		value_t *b = printed->u.a.v[k];
		v_set(a, b, "derived", v_bool(a, 0));
		v_push(a, out, b);
		const char *bv = str_field(b, "vote");
		for (size_t q = 0; q < ns; q++)
			n[q] += bv && strcmp(bv, VOTE[q]) == 0;
	}
	for (size_t k = 0; k < roll->n; k++) {
		const member_t *mb = &roll->m[k];
		int listed = 0;
		for (size_t q = 0; printed && printed->k == V_ARR && q < printed->u.a.n && !listed; q++)
			listed = same_text_ci(v_get(printed->u.a.v[q], "name"), mb->name);
		if (listed)
			continue;
		int here = !mb->absent && (item_no < 0 || ((mb->from < 0 || mb->from <= item_no) && (mb->to < 0 || item_no <= mb->to)));
		const char *vote = NULL;
		if (!here)
			vote = rc->ballots_absent_vote;
		for (size_t q = 0; q < ns && !vote; q++)
			if (in_parties(side[q], mb->party))
				vote = VOTE[q];
		if (!vote && rest)
			vote = rest;
		if (!vote)
			return; /* a member present whose vote the text does not state */
		for (size_t q = 0; q < ns; q++)
			n[q] += strcmp(vote, VOTE[q]) == 0;
		value_t *b = v_obj(a);
		v_set(a, b, "name", (value_t *)mb->name);
		v_set(a, b, "party", (value_t *)mb->party);
		v_set(a, b, "vote", v_cstr(a, vote));
		v_set(a, b, "derived", v_bool(a, 1));
		v_push(a, out, b);
	}
	/* the printed counts must agree */
	value_t *cn = v_get(vf, "counts");
	for (size_t q = 0; q < ns; q++) {
		long long c;
		if (cn && cn->k == V_OBJ && int_field(cn, VOTE[q], &c) && c != n[q])
			return;
	}
	if (!n[0] && !n[1])
		return;
	v_set(a, vf, "ballots", out);
	if (!cn || cn->k != V_OBJ) {
		cn = v_obj(a);
		for (size_t q = 0; q < rc->ntally; q++)
			v_set(a, cn, VOTE[q], v_null(a));
		v_set(a, vf, "counts", cn);
	}
	for (size_t q = 0; q < ns; q++)
		if (v_is_null(v_get(cn, VOTE[q])))
			v_set(a, cn, VOTE[q], v_int(a, n[q]));
}

/* ------------------------------------------------------------ writing */

static const char *make_id(arena_t *a, const char *doc, const char *type, size_t n)
{
	buf_t b = BUF_INIT;
	buf_adds(&b, doc ? doc : "");
	buf_addc(&b, '#');
	buf_adds(&b, type);
	buf_addc(&b, '/');
	json_write_uint(&b, n);
	const char *s = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return s;
}

static void write_item(ctx_t *c)
{
	arena_t *a = c->a;
	for (size_t vi = 0; vi < c->nv; vi++)
		derive_ballots(c->rc, a, c->v[vi].f, c->roll, c->item_no);
	link_votes(c);
	outcomes(c);
	for (size_t vi = 0; vi < c->nv; vi++) {
		vote_t *v = &c->v[vi];
		const value_t *opts = v_get(v->f, "options");
		for (int o = 0; o < v->nopt; o++) {
			value_t *ids = v_arr(a);
			for (size_t j = 0; j < c->np; j++)
				if (v->hit[o][j])
					v_push(a, ids, v_cstr(a, c->p[j].id));
			v_set(a, opts->u.a.v[o], "proposal_ids", ids);
		}
	}
	for (size_t i = 0; i < c->np; i++) {
		prop_t *p = &c->p[i];
		const char *o = OUT_NAME[p->out];
		v_set(a, p->f, "outcome", v_cstr(a, o));
		v_set(a, p->f, "outcome_basis", v_cstr(a, o ? p->basis : NULL));
	}
	/* reservations: the last vote of the item in which a reserver's
	 * proposal lost, else the item's last vote with a result */
	for (size_t r = 0; r < c->nres; r++) {
		value_t *rf = c->rv->v[c->res[r]].fields;
		const value_t *by = v_get(rf, "by");
		const char *vid = NULL, *any = NULL;
		for (size_t vi = 0; vi < c->nv; vi++) {
			vote_t *v = &c->v[vi];
			long won;
			int sl;
			if (!vote_result(c->rc, v, &won, &sl))
				continue;
			any = v->id;
			for (int o = 0; o < v->nopt; o++) {
				if (o == won && !sl)
					continue;
				for (size_t j = 0; j < c->np; j++) {
					if (!v->hit[o][j])
						continue;
					for (size_t k = 0; by && by->k == V_ARR && k < by->u.a.n; k++) {
						const char *rn = name_key(a, by->u.a.v[k]);
						const char *rp = actor_party(by->u.a.v[k]);
						int m = 0;
						for (int q = 0; q < c->p[j].nact && !m; q++)
							m = rn ? (c->p[j].names[q] && strcmp(rn, c->p[j].names[q]) == 0)
							       : (rp && c->p[j].parties[q] && strcmp(rp, c->p[j].parties[q]) == 0);
						if (m)
							vid = v->id;
					}
				}
			}
		}
		v_set(a, rf, "vote_id", v_cstr(a, vid ? vid : any));
	}
	/* motions: the decision points of their item */
	for (size_t m = 0; m < c->nmot; m++) {
		value_t *ids = v_arr(a);
		for (size_t d = 0; d < c->ndec; d++)
			v_push(a, ids, v_cstr(a, c->id[c->dec[d]]));
		v_set(a, c->rv->v[c->mot[m]].fields, "att_sats_ids", ids);
	}
}

static void clear_item(ctx_t *c)
{
	for (size_t i = 0; i < c->np; i++)
		text_release(&c->p[i].text);
	for (size_t vi = 0; vi < c->nv; vi++) {
		for (int o = 0; o < c->v[vi].nopt; o++)
			free(c->v[vi].hit[o]);
		free(c->v[vi].hit);
	}
	c->np = c->nv = c->nres = c->ndec = c->nmot = 0;
}

static int type_is(const record_t *r, const char *t) { return r->type && strcmp(r->type, t) == 0; }

void link_document(arena_t *a, recvec_t *rv, const char *dead, const long *item_of,
                   const char *doc, const grammar_t *g)
{
	static const size_t zero[3] = {0, 0, 0};
	link_document_from(a, rv, dead, item_of, doc, g, zero, NULL);
}

void link_document_from(arena_t *a, recvec_t *rv, const char *dead, const long *item_of,
                        const char *doc, const grammar_t *g, const size_t before[3],
                        struct lexmemo **memo)
{
	static const resolve_cfg_t none;
	ctx_t c = {0};
	c.a = a;
	c.rc = g ? grammar_resolve(g) : &none;
	c.L.g = g;
	c.L.rc = c.rc;
	c.L.a = a;
	if (memo && *memo && !lexmemo_fits(*memo, g)) {
		link_memo_free(*memo); /* another grammar, or grown too large: start again */
		*memo = NULL;
	}
	if (memo && !*memo && g)
		*memo = lexmemo_new(g);
	c.L.memo = memo ? *memo : g ? lexmemo_new(g) : NULL;
	c.rv = rv;
	size_t pcap = 0, vcap = 0, rcap = 0, dcap = 0, mcap = 0;
	size_t nprop = before[0], nvote = before[1], natt = before[2];
	/* ids first: every live proposal, vote and att_sats in output order */
	const char **pid = xcalloc(rv->n ? rv->n : 1, sizeof *pid);
	c.id = pid;
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i])
			continue;
		record_t *r = &rv->v[i];
		if (type_is(r, "proposal"))
			pid[i] = make_id(a, doc, "proposal", ++nprop);
		else if (type_is(r, "vote"))
			pid[i] = make_id(a, doc, "vote", ++nvote);
		else if (type_is(r, "att_sats"))
			pid[i] = make_id(a, doc, "att_sats", ++natt);
	}
	roll_t roll = {NULL, 0, 0};
	roll_of(c.rc, rv, dead, &roll);
	c.roll = &roll;
	size_t i = 0;
	while (i < rv->n) {
		long it = item_of[i];
		c.item_no = -1;
		size_t j = i;
		for (; j < rv->n && item_of[j] == it; j++) {
			if (dead[j])
				continue;
			record_t *r = &rv->v[j];
			if (type_is(r, "proposal")) {
				GROW(c.p, pcap, c.np + 1);
				prop_t *p = &c.p[c.np++];
				memset(p, 0, sizeof *p);
				p->r = j;
				p->f = r->fields;
				p->id = pid[j];
				p->kind = str_field(r->fields, "kind");
				p->role = kind_role(c.rc, p->kind);
				long long rk;
				p->rank = int_field(r->fields, "rank", &rk) ? (long)rk : 0;
				const value_t *by = v_get(r->fields, "by");
				for (size_t k = 0; by && by->k == V_ARR && k < by->u.a.n && p->nact < PMAX; k++) {
					const value_t *ac = by->u.a.v[k];
					if (!ac || ac->k != V_OBJ)
						continue;
					p->names[p->nact] = name_key(a, ac);
					p->parties[p->nact] = actor_party(ac);
					p->nact++;
				}
				const value_t *su = v_get(r->fields, "supports");
				p->has_supports = su && su->k == V_OBJ;
				p->supports = p->has_supports ? name_key(a, su) : NULL;
				text_init(&p->text, v_get(r->fields, "text"));
			} else if (type_is(r, "item")) {
				long long num;
				if (int_field(r->fields, "number", &num))
					c.item_no = (long)num;
			} else if (type_is(r, "vote")) {
				const value_t *bl = v_get(r->fields, "ballots");
				for (size_t k = 0; bl && bl->k == V_ARR && k < bl->u.a.n; k++)
					if (bl->u.a.v[k]->k == V_OBJ && !v_get(bl->u.a.v[k], "derived"))
						v_set(a, bl->u.a.v[k], "derived", v_bool(a, 0));
				GROW(c.v, vcap, c.nv + 1);
				c.v[c.nv++] = (vote_t){j, r->fields, pid[j], 0, NULL};
			} else if (type_is(r, "reservation")) {
				GROW(c.res, rcap, c.nres + 1);
				c.res[c.nres++] = j;
			} else if (type_is(r, "att_sats")) {
				const char *of = str_field(r->fields, "of");
				if (of && strcmp(of, "decision") == 0) {
					GROW(c.dec, dcap, c.ndec + 1);
					c.dec[c.ndec++] = j;
				}
			} else if (type_is(r, "motion")) {
				GROW(c.mot, mcap, c.nmot + 1);
				c.mot[c.nmot++] = j;
			}
		}
		if (it >= 0) {
			write_item(&c);
		} else {
			/* outside any agenda item: not one beslutsgång, nothing linked */
			for (size_t k = 0; k < c.nv; k++) {
				const value_t *opts = v_get(c.v[k].f, "options");
				for (size_t o = 0; opts && opts->k == V_ARR && o < opts->u.a.n; o++)
					v_set(a, opts->u.a.v[o], "proposal_ids", v_arr(a));
			}
			for (size_t k = 0; k < c.np; k++) {
				v_set(a, c.p[k].f, "outcome", v_null(a));
				v_set(a, c.p[k].f, "outcome_basis", v_null(a));
			}
			for (size_t k = 0; k < c.nres; k++)
				v_set(a, rv->v[c.res[k]].fields, "vote_id", v_null(a));
			for (size_t k = 0; k < c.nmot; k++)
				v_set(a, rv->v[c.mot[k]].fields, "att_sats_ids", v_arr(a));
		}
		clear_item(&c);
		i = j;
	}
	free(c.p);
	free(c.v);
	free(c.res);
	free(c.dec);
	free(c.mot);
	free(pid);
	free(roll.m);
	if (!memo)
		link_memo_free(c.L.memo);
}

/* ------------------------------------------------------------ organisation */

static const char *lexv(const grammar_t *g, const char *cls, const char *s)
{
	return cls ? grammar_lexicon_value(g, cls, s) : NULL;
}

static const char *org_code(const grammar_t *g, const char *s)
{
	const resolve_cfg_t *rc = grammar_resolve(g);
	const char *v = lexv(g, rc->org_code_lexicon, s);
	return v ? v : lexv(g, rc->org_alias_lexicon, s);
}

void link_organisation(arena_t *a, const grammar_t *g, value_t *doc)
{
	const value_t *org = v_get(doc, "organisation");
	v_set(a, doc, "kommunkod", v_null(a));
	if (!g || !org || org->k != V_STR || !org->u.s.n)
		return;
	const char *code = org_code(g, org->u.s.s);
	if (!code) {
		/* without the words that do not name it, then without the genitive ending */
		text_t x;
		text_init(&x, org);
		buf_t b = BUF_INIT;
		for (size_t k = 0; k < x.t.n; k++) {
			const char *w = low(&x, k);
			const char *v = lexv(g, grammar_resolve(g)->org_skip_lexicon, w);
			if (v)
				continue;
			if (b.len)
				buf_addc(&b, ' ');
			buf_adds(&b, w);
		}
		const char *ge = grammar_resolve(g)->genitive_ending;
		size_t gl = ge ? strlen(ge) : 0;
		if (b.len) {
			code = org_code(g, b.data);
			if (!code && gl && b.len > gl + 1 && memcmp(b.data + b.len - gl, ge, gl) == 0) {
				b.len -= gl;
				b.data[b.len] = '\0';
				code = org_code(g, b.data);
			}
		}
		buf_release(&b);
		text_release(&x);
	}
	if (!code)
		return;
	const char *name = lexv(g, grammar_resolve(g)->org_name_lexicon, code);
	if (name)
		v_set(a, doc, "organisation", v_cstr(a, name));
	v_set(a, doc, "kommunkod", v_cstr(a, code));
}

/* ------------------------------------------------------------ characters */

#define CI_BLOCK 256

/* The characters before each block, counted from the start bits (bits
 * past n are 0). */
static void ci_count_blocks(char_index_t *ci)
{
	size_t nbytes = ci->n / 8 + 1;
	uint64_t cp = 0;
	for (size_t b = 0; b < ci->nblocks; b++) {
		ci->block[b] = cp;
		size_t lo = b * (CI_BLOCK / 8), hi = lo + CI_BLOCK / 8 < nbytes ? lo + CI_BLOCK / 8 : nbytes;
		for (size_t k = lo; k < hi; k++)
			cp += (uint64_t)__builtin_popcount(ci->starts[k]);
	}
}

/* A bit per source byte that starts a character: a valid UTF-8 sequence is
 * one character, a byte that is not part of one is one (the reader decodes
 * it as Windows-1252). */
void char_index_init(char_index_t *ci, const char *src, size_t n)
{
	ci->s = (const unsigned char *)src;
	ci->n = n;
	ci->base = 0;
	ci->cp_base = 0;
	ci->nblocks = n / CI_BLOCK + 1;
	ci->block = xmalloc(ci->nblocks * sizeof *ci->block);
	ci->starts = xcalloc(n / 8 + 1, 1);
	for (size_t k = 0; k < n;) {
		if (!(k & 7) && k + 8 <= n) { /* eight ASCII bytes: eight starts */
			uint64_t x;
			memcpy(&x, ci->s + k, 8);
			if (!(x & 0x8080808080808080ull)) {
				ci->starts[k / 8] = 0xFF;
				k += 8;
				continue;
			}
		}
		int len = 1;
		if (utf8_decode(ci->s + k, n - k, &len) < 0 || len < 1)
			len = 1;
		ci->starts[k / 8] |= (unsigned char)(1u << (k % 8));
		k += (size_t)len;
	}
	ci_count_blocks(ci);
}

/* UTF-16 source (the reader decoded it, and said so): a character starts at
 * every two-byte unit that is not the second half of a surrogate pair (a
 * byte order mark counts as one). */
static void char_index_utf16(char_index_t *ci, int be)
{
	memset(ci->starts, 0, ci->n / 8 + 1);
	for (size_t k = 0; k + 1 < ci->n; k += 2) {
		unsigned u = be ? (unsigned)ci->s[k] << 8 | ci->s[k + 1] : (unsigned)ci->s[k + 1] << 8 | ci->s[k];
		if (u < 0xDC00 || u > 0xDFFF)
			ci->starts[k / 8] |= (unsigned char)(1u << (k % 8));
	}
	ci_count_blocks(ci);
}

void char_index_for_input(char_index_t *ci, const input_t *in)
{
	char_index_init(ci, in->src.data ? in->src.data : "", in->src.len);
	static const char u16[] = "decoded from UTF-16"; /* read.c's warning */
	for (size_t i = 0; i < in->nwarnings; i++)
		if (in->warnings[i] && strncmp(in->warnings[i], u16, sizeof u16 - 1) == 0) {
			char_index_utf16(ci, strncmp(in->warnings[i] + sizeof u16 - 1, "BE", 2) == 0);
			break;
		}
}

uint64_t char_index_at(const char_index_t *ci, size_t off)
{
	off = off < ci->base ? 0 : off - ci->base;
	if (off > ci->n)
		off = ci->n;
	size_t b = off / CI_BLOCK;
	uint64_t cp = ci->block[b];
	size_t k = b * CI_BLOCK; /* a multiple of 64 */
	for (; k + 64 <= off; k += 64) {
		uint64_t w;
		memcpy(&w, ci->starts + k / 8, sizeof w);
		cp += (uint64_t)__builtin_popcountll(w);
	}
	for (; k + 8 <= off; k += 8)
		cp += (uint64_t)__builtin_popcount(ci->starts[k / 8]);
	if (k < off)
		cp += (uint64_t)__builtin_popcount(ci->starts[k / 8] & ((1u << (off - k)) - 1u));
	return ci->cp_base + cp;
}

void char_index_release(char_index_t *ci)
{
	free(ci->block);
	free(ci->starts);
	ci->block = NULL;
	ci->starts = NULL;
}
