/*
 * link.c — vote options to proposals, proposal outcomes, reservations to
 * votes, motions to decision points (see link.h and docs/research.md).
 *
 * Texts are compared as tokens (the tokenizer's lower-cased forms); words
 * are known only through lexicon classes of the grammar, named by
 * `resolve link` (grammars/resolve.bg):
 *   party_lexicon  party names and codes (party.tsv)
 *   code_lexicon   party codes (parties_parlgov.tsv)
 *   word_lexicon   glue / negation / noun / lead / lead_to (link.tsv)
 * and through the other resolve settings: the kinds of
 * proposal and the class of the words they begin (outcome), rank
 * compounds (rank), the counted vote's method and sides (counted_vote),
 * the genitive ending (genitive).
 */
#include "link_int.h"

/* ------------------------------------------------------------ texts */

static struct text_memo *text_memo_new(void);

void text_init(text_t *x, const value_t *v)
{
	x->t = (tokens_t)TOKENS_INIT;
	x->s = NULL;
	x->m = NULL;
	if (v && v->k == V_STR && v->u.s.n) {
		tokenize(v->u.s.s, v->u.s.n, NULL, &x->t);
		x->s = v->u.s.s;
		if (x->t.n)
			x->m = text_memo_new();
	}
}

const char *low(const text_t *x, size_t k) { return tok_lower(&x->t, &x->t.v[k]); }

static size_t u8len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *lex(const lx_t *L, const char *cls, const char *w) { return lx_value(L, cls, w); }

static uint32_t *word_ids(const lx_t *L, const text_t *x);

/* lex() (prefix: lx_prefix_value()) of token k of x, through the ids of
 * the text's words */
static const char *tok_value(const lx_t *L, const text_t *x, size_t k, const char *cls, int prefix)
{
	if (!L->g || !cls)
		return NULL;
	const uint32_t *id = word_ids(L, x);
	if (id && id[k])
		return lx_word_value(L, id[k], cls, prefix);
	return prefix ? lx_prefix_value(L, cls, low(x, k)) : lex(L, cls, low(x, k));
}

static int tok_is_link(const lx_t *L, const text_t *x, size_t k, const char *what)
{
	const char *v = tok_value(L, x, k, L->rc->link_word_lexicon, 0);
	return v && strcmp(v, what) == 0;
}

/* ------------------------------------------------------------ party sets */

typedef struct pset {
	int n;
	const char *c[PMAX];
} pset_t;

static int ps_has(const pset_t *s, const char *c)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->c[i], c) == 0)
			return 1;
	return 0;
}

static void ps_add(pset_t *s, const char *c)
{
	if (c && !ps_has(s, c) && s->n < PMAX)
		s->c[s->n++] = c;
}

static int ps_eq(const pset_t *x, const pset_t *y)
{
	if (x->n != y->n)
		return 0;
	for (int i = 0; i < x->n; i++)
		if (!ps_has(y, x->c[i]))
			return 0;
	return 1;
}

static int ps_meets(const pset_t *x, const pset_t *y)
{
	for (int i = 0; i < x->n; i++)
		if (ps_has(y, x->c[i]))
			return 1;
	return 0;
}

/* The party a word names: a code as printed ("KD"), or a party name ("Moderaternas");
 * a short name only when capitalised. */
static const char *party_of(const lx_t *L, const text_t *x, size_t k)
{
	const token_t *t = &x->t.v[k];
	if (t->kind != TK_WORD)
		return NULL;
	const char *w = low(x, k);
	const char *v = tok_value(L, x, k, L->rc->link_party_lexicon, 0);
	int upper = (t->flags & TF_UPPER) != 0 || (t->len == 1 && (t->flags & TF_CAP));
	if (upper) {
		if (v && strlen(v) == t->lower_len && strncasecmp(v, w, t->lower_len) == 0)
			return v;
		if (tok_value(L, x, k, L->rc->link_code_lexicon, 0) && x->s) /* a code as printed ("D") */
			return arena_strndup(L->a, x->s + t->off, t->len);
	}
	if (v && u8len(w) >= 4 && (u8len(w) >= 6 || (t->flags & TF_CAP)))
		return v;
	return NULL;
}

#define LMAX 8
typedef struct plists {
	int n;
	pset_t l[LMAX];
} plists_t;

/* word heads: words of four characters or more cut to five (tokens split at hyphens) */
typedef struct heads {
	char (*w)[24];
	size_t n, cap;
	int neg;
} heads_t;

/* What the text says, found once: the texts of proposals are asked per
 * decision point and per other proposal. */
enum { TM_LISTS = 1, TM_PARTIES = 2, TM_KIND = 4, TM_HEADS = 8 };
struct text_memo {
	unsigned have;   /* TM_ bits */
	plists_t lists;
	pset_t parties;
	const char *kind;
	heads_t heads;
	uint32_t *wid;   /* lx_word() of each token (NULL: not yet) */
};

static struct text_memo *text_memo_new(void) { return xcalloc(1, sizeof(struct text_memo)); }

void text_release(text_t *x)
{
	tokens_release(&x->t);
	if (x->m) {
		free(x->m->heads.w);
		free(x->m->wid);
		free(x->m);
		x->m = NULL;
	}
}

static void party_lists(const lx_t *L, const text_t *x, plists_t *out)
{
	out->n = 0;
	pset_t cur = {0, {0}};
	for (size_t k = 0; k < x->t.n; k++) {
		const token_t *t = &x->t.v[k];
		if (t->kind == TK_NUM)
			continue;
		const char *c = party_of(L, x, k);
		if (c) {
			ps_add(&cur, c);
		} else if (tok_is_link(L, x, k, "glue")) {
			continue;
		} else if (cur.n) {
			if (out->n < LMAX)
				out->l[out->n++] = cur;
			cur.n = 0;
		}
	}
	if (cur.n && out->n < LMAX)
		out->l[out->n++] = cur;
}

static void parties_in(const lx_t *L, const text_t *x, pset_t *out)
{
	out->n = 0;
	for (size_t k = 0; k < x->t.n; k++)
		ps_add(out, party_of(L, x, k));
}

/* the memo ids of x's words, found once (NULL: none kept) */
static uint32_t *word_ids(const lx_t *L, const text_t *x)
{
	if (!x->m || !L->memo)
		return NULL;
	if (!x->m->wid) {
		x->m->wid = xcalloc(x->t.n, sizeof *x->m->wid);
		for (size_t k = 0; k < x->t.n; k++) {
			const char *w = low(x, k);
			if (*w)
				x->m->wid[k] = lx_word(L, w, strlen(w));
		}
	}
	return x->m->wid;
}

static const plists_t no_lists;
static const pset_t no_parties;

/* party_lists() and parties_in() of a text, kept */
static const plists_t *lists_of(const lx_t *L, const text_t *x)
{
	if (!x->m)
		return &no_lists;
	if (!(x->m->have & TM_LISTS)) {
		party_lists(L, x, &x->m->lists);
		x->m->have |= TM_LISTS;
	}
	return &x->m->lists;
}

static const pset_t *parties_of(const lx_t *L, const text_t *x)
{
	if (!x->m)
		return &no_parties;
	if (!(x->m->have & TM_PARTIES)) {
		parties_in(L, x, &x->m->parties);
		x->m->have |= TM_PARTIES;
	}
	return &x->m->parties;
}

static int kind_value(const char *v)
{
	return v && *v && !(v[0] >= '0' && v[0] <= '9');
}

/* The kind a text turns on, other than approving: the last word a kind
 * word begins. */
static const char *kind_in(const ctx_t *c, const text_t *x)
{
	if (!c->rc->outcome_kind_lexicon)
		return NULL;
	for (size_t k = x->t.n; k-- > 0;) {
		if (x->t.v[k].kind != TK_WORD)
			continue;
		const char *v = tok_value(&c->L, x, k, c->rc->outcome_kind_lexicon, 1);
		if (kind_value(v) && !(kind_role(c->rc, v) & KR_APPROVE))
			return v;
	}
	return NULL;
}

/* kind_in() of a text, kept */
static const char *kind_of(const ctx_t *c, const text_t *x)
{
	if (!x->m)
		return kind_in(c, x);
	if (!(x->m->have & TM_KIND)) {
		x->m->kind = kind_in(c, x);
		x->m->have |= TM_KIND;
	}
	return x->m->kind;
}

/* The rank a text names ("förstahandsyrkande" -> 1), else 0. */
static long rank_in(const ctx_t *c, const text_t *x)
{
	const char *head = c->rc->rank_head, *cls = c->rc->rank_lexicon;
	if (!head || !*head || !cls)
		return 0;
	size_t hl = strlen(head);
	for (size_t k = 0; k < x->t.n; k++) {
		if (x->t.v[k].kind != TK_WORD)
			continue;
		/* a prefix ending in the head that the rank class lists */
		const char *w = low(x, k);
		char buf[128];
		for (const char *h = strstr(w, head); h; h = strstr(h + 1, head)) {
			size_t m = (size_t)(h - w) + hl;
			if (m >= sizeof buf)
				break;
			memcpy(buf, w, m);
			buf[m] = '\0';
			const char *v = lex(&c->L, cls, buf);
			if (v && v[0] >= '1' && v[0] <= '9')
				return strtol(v, NULL, 10);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ names */

/* A name's key: lower-cased words joined by one space (arena). */
const char *name_key(arena_t *a, const value_t *actor)
{
	const value_t *n = actor && actor->k == V_OBJ ? v_get(actor, "name") : NULL;
	if (!n || n->k != V_STR || !n->u.s.n)
		return NULL;
	text_t x;
	text_init(&x, n);
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < x.t.n; k++) {
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, low(&x, k));
	}
	const char *r = b.len ? arena_strndup(a, b.data, b.len) : NULL;
	buf_release(&b);
	text_release(&x);
	return r;
}

const char *actor_party(const value_t *actor)
{
	const value_t *p = actor && actor->k == V_OBJ ? v_get(actor, "party") : NULL;
	return p && p->k == V_STR && p->u.s.n ? p->u.s.s : NULL;
}

/* The name (or its genitive) in the text as whole words. */
static int name_in(const ctx_t *c, const char *key, const text_t *x)
{
	if (!key)
		return 0;
	const char *ge = c->rc->genitive_ending;
	size_t gl = ge ? strlen(ge) : 0;
	size_t nw = 1;
	for (const char *p = key; *p; p++)
		nw += *p == ' ';
	for (size_t k = 0; k + nw <= x->t.n; k++) {
		const char *p = key;
		size_t j;
		for (j = 0; j < nw; j++) {
			const char *w = low(x, k + j);
			size_t wl = strlen(w);
			const char *e = strchr(p, ' ');
			size_t pl = e ? (size_t)(e - p) : strlen(p);
			int ok = wl == pl && memcmp(w, p, pl) == 0;
			if (!ok && j == nw - 1 && gl)
				ok = wl == pl + gl && memcmp(w, p, pl) == 0 && memcmp(w + pl, ge, gl) == 0;
			if (!ok)
				break;
			p += pl + (e != NULL);
		}
		if (j == nw)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ items */

enum { O_NONE, O_ADOPTED, O_REJECTED, O_NOT_PUT, O_UNKNOWN };
const char *const OUT_NAME[] = {NULL, "adopted", "rejected", "not_put", NULL};

const char *str_field(const value_t *f, const char *k)
{
	const value_t *x = v_get(f, k);
	return x && x->k == V_STR ? x->u.s.s : NULL;
}

static int str_in(const char *k, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k, v[i]) == 0)
			return 1;
	return 0;
}

unsigned kind_role(const resolve_cfg_t *rc, const char *k)
{
	if (!k)
		return 0;
	unsigned r = 0;
	if (rc->outcome_approve && strcmp(k, rc->outcome_approve) == 0)
		r |= KR_APPROVE;
	if (rc->outcome_own && strcmp(k, rc->outcome_own) == 0)
		r |= KR_OWN;
	if (rc->outcome_reject && strcmp(k, rc->outcome_reject) == 0)
		r |= KR_REJECT;
	if (rc->outcome_support && strcmp(k, rc->outcome_support) == 0)
		r |= KR_SUPPORT;
	if (str_in(k, rc->outcome_send_back, rc->nsend_back))
		r |= KR_SEND_BACK;
	if (str_in(k, rc->outcome_amend, rc->namend))
		r |= KR_AMEND;
	return r;
}

static int backs(const prop_t *p)
{
	return (p->role & KR_SUPPORT) || p->has_supports;
}

static int kind_is(const prop_t *p, const char *k) { return p->kind && k && strcmp(p->kind, k) == 0; }

static int is_main(const prop_t *p)
{
	return (p->role & (KR_APPROVE | KR_OWN | KR_REJECT)) != 0;
}

static int is_send_back(const ctx_t *c, const char *k)
{
	return (kind_role(c->rc, k) & KR_SEND_BACK) != 0;
}

static int open_(const prop_t *p) { return p->out == O_NONE || p->out == O_UNKNOWN; }

static void setr(prop_t *p, int out, const char *basis)
{
	if (open_(p)) {
		p->out = out;
		p->basis = basis;
	}
}

static void mine_of(const prop_t *p, pset_t *s)
{
	s->n = 0;
	for (int i = 0; i < p->nact; i++)
		ps_add(s, p->parties[i]);
}

/* The party list a proposal's text names as its own. */
static void own_list(const ctx_t *c, const prop_t *p, int strict, pset_t *out)
{
	const plists_t *ls = lists_of(&c->L, &p->text);
	pset_t mine;
	mine_of(p, &mine);
	out->n = 0;
	for (int i = 0; i < ls->n; i++)
		if (ps_meets(&ls->l[i], &mine)) {
			*out = ls->l[i];
			return;
		}
	if (ls->n && !strict)
		*out = ls->l[0];
}

static int has_name(const prop_t *p, const char *key)
{
	for (int i = 0; key && i < p->nact; i++)
		if (p->names[i] && strcmp(p->names[i], key) == 0)
			return 1;
	return 0;
}

/* The proposal's text names another proposer or a party list. */
static int refers(const ctx_t *c, const prop_t *p)
{
	if (p->has_supports)
		return 1;
	for (size_t j = 0; j < c->np; j++)
		for (int k = 0; k < c->p[j].nact; k++) {
			const char *nm = c->p[j].names[k];
			if (nm && !has_name(p, nm) && name_in(c, nm, &p->text))
				return 1;
		}
	return parties_of(&c->L, &p->text)->n > 0;
}

/* The label without its lead ("bifall till motionen" -> "motionen"): the
 * index of its first token after the lead. */
static size_t label_object(const ctx_t *c, const text_t *x)
{
	if (x->t.n >= 2 && tok_is_link(&c->L, x, 0, "lead") && tok_is_link(&c->L, x, 1, "lead_to"))
		return 2;
	return 0;
}

/* tokens x[from..] as a contiguous run of words in y */
static int words_inside(const text_t *x, size_t from, const text_t *y)
{
	size_t n = x->t.n - from;
	if (!n)
		return 0;
	for (size_t k = 0; k + n <= y->t.n; k++) {
		size_t j = 0;
		while (j < n && strcmp(low(x, from + j), low(y, k + j)) == 0)
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

static void link_option(ctx_t *c, const value_t *opt, char *hit)
{
	size_t np = c->np;
	memset(hit, 0, np ? np : 1);
	text_t lab;
	text_init(&lab, v_get(opt, "label"));
	const char *kind = kind_in(c, &lab);
	long rank = rank_in(c, &lab);
	const value_t *owner = v_get(opt, "by");
	const char *oname = name_key(c->a, owner);
	const char *oparty = actor_party(owner);
	const value_t *st = v_get(opt, "standing");
	int standing = st && st->k == V_BOOL && st->u.b;
	int any = 0;
#define KIND_OK(p) ((!kind || kind_is((p), kind)) && (!rank || !(p)->rank || (p)->rank == rank))
	/* 1. by the owner's name, else a proposer named in the label */
	const char *names[PMAX];
	int nn = 0;
	if (oname)
		names[nn++] = oname;
	else
		for (size_t j = 0; j < np; j++)
			for (int k = 0; k < c->p[j].nact; k++)
				if (c->p[j].names[k] && nn < PMAX && name_in(c, c->p[j].names[k], &lab))
					names[nn++] = c->p[j].names[k];
	if (nn) {
		for (int pass = 0; pass < 2 && !any; pass++)
			for (size_t j = 0; j < np; j++) {
				int m = 0;
				for (int k = 0; k < nn && !m; k++)
					m = has_name(&c->p[j], names[k]);
				if (m && (pass || KIND_OK(&c->p[j]))) {
					hit[j] = 1;
					any = 1;
				}
			}
		/* "Eva Linds förstahandsyrkande" among her proposals printed
		 * without a rank: the first of them (the second for
		 * "andrahands…") */
		if (any && rank) {
			size_t nh = 0, ranked = 0;
			for (size_t j = 0; j < np; j++)
				if (hit[j]) {
					nh++;
					ranked += c->p[j].rank != 0;
				}
			if (nh > 1 && !ranked && (size_t)rank <= nh) {
				long k = 0;
				for (size_t j = 0; j < np; j++)
					if (hit[j])
						hit[j] = ++k == rank;
			}
		}
		if (any)
			goto done;
	}
	/* 2. by party: the owner's party, or the party list in the label */
	pset_t parties = {0, {0}};
	if (oparty && !oname)
		ps_add(&parties, oparty);
	if (!parties.n && !nn)
		parties_in(&c->L, &lab, &parties);
	if (parties.n) {
		for (size_t j = 0; j < np; j++) {
			prop_t *p = &c->p[j];
			if (!KIND_OK(p))
				continue;
			pset_t own, mine;
			own_list(c, p, 0, &own);
			mine_of(p, &mine);
			int by_text = ps_eq(&own, &parties) && (!(p->role & KR_REJECT) || (kind_role(c->rc, kind) & KR_REJECT));
			int sub = p->nact > 0;
			for (int k = 0; k < p->nact && sub; k++)
				sub = p->parties[k] && ps_has(&parties, p->parties[k]);
			if (by_text || sub) {
				hit[j] = 1;
				any = 1;
			}
		}
		if (any)
			goto done;
	}
	/* 3. the standing proposal: approving proposals that name no other yrkande */
	if (standing) {
		for (size_t j = 0; j < np; j++)
			if ((c->p[j].role & KR_APPROVE) && !refers(c, &c->p[j]))
				hit[j] = 1;
		goto done;
	}
	/* 4. a label naming only a kind */
	if (kind && !nn && !parties.n) {
		for (size_t j = 0; j < np; j++)
			if (kind_is(&c->p[j], kind))
				hit[j] = 1;
		goto done;
	}
	/* 5. the label's object in the proposal's text */
	{
		size_t from = label_object(c, &lab);
		size_t chars = 0;
		for (size_t k = from; k < lab.t.n; k++)
			chars += u8len(low(&lab, k)) + (k > from);
		if (chars >= 5)
			for (size_t j = 0; j < np; j++)
				if ((c->p[j].role & (KR_APPROVE | KR_OWN)) &&
				    words_inside(&lab, from, &c->p[j].text))
					hit[j] = 1;
	}
done:
#undef KIND_OK
	text_release(&lab);
}

void link_votes(ctx_t *c)
{
	for (size_t vi = 0; vi < c->nv; vi++) {
		vote_t *v = &c->v[vi];
		const value_t *opts = v_get(v->f, "options");
		v->nopt = opts && opts->k == V_ARR ? (int)opts->u.a.n : 0;
		v->hit = xcalloc(v->nopt ? (size_t)v->nopt : 1, sizeof *v->hit);
		char *named = xcalloc(c->np ? c->np : 1, 1);
		for (int o = 0; o < v->nopt; o++) {
			v->hit[o] = xcalloc(c->np ? c->np : 1, 1);
			link_option(c, opts->u.a.v[o], v->hit[o]);
			const value_t *st = v_get(opts->u.a.v[o], "standing");
			if (!(st && st->k == V_BOOL && st->u.b))
				for (size_t j = 0; j < c->np; j++)
					named[j] |= v->hit[o][j];
		}
		for (int o = 0; o < v->nopt; o++) {
			const value_t *st = v_get(opts->u.a.v[o], "standing");
			if (st && st->k == V_BOOL && st->u.b)
				for (size_t j = 0; j < c->np; j++)
					if (named[j])
						v->hit[o][j] = 0;
		}
		free(named);
	}
}

int int_field(const value_t *f, const char *k, long long *out)
{
	const value_t *x = v_get(f, k);
	if (x && x->k == V_INT) {
		*out = x->u.i;
		return 1;
	}
	return 0;
}

/* The vote's result: the adopted option (-1: none), and whether the text
 * determines it; *all_lost: a single option put alone was rejected. */
int vote_result(const resolve_cfg_t *rc, const vote_t *v, long *won, int *single_lost)
{
	*won = -1;
	*single_lost = 0;
	long long n = v->nopt, a;
	if (n == 0)
		return 0;
	int has_a = int_field(v->f, "adopted", &a);
	if (has_a && a >= 0 && a < n) {
		*won = (long)a;
		return 1;
	}
	const char *m = str_field(v->f, "method");
	if (m && rc->counted_method && rc->ntally >= 2 && strcmp(m, rc->counted_method) == 0) {
		const char *kj = rc->tally[0], *kn = rc->tally[1]; /* the Ja and Nej sides */
		long long ja = 0, nej = 0;
		int have = 0;
		const value_t *cn = v_get(v->f, "counts");
		if (cn && cn->k == V_OBJ) {
			long long x;
			if (int_field(cn, kj, &x)) {
				ja = x;
				have = 1;
			}
			if (int_field(cn, kn, &x)) {
				nej = x;
				have = 1;
			}
		}
		const value_t *b = v_get(v->f, "ballots");
		if (!have && b && b->k == V_ARR && b->u.a.n) {
			for (size_t i = 0; i < b->u.a.n; i++) {
				const char *bv = str_field(b->u.a.v[i], "vote");
				ja += bv && strcmp(bv, kj) == 0;
				nej += bv && strcmp(bv, kn) == 0;
			}
			have = 1;
		}
		if (!have || ja == nej)
			return 0;
		long long side, other;
		int hs = int_field(v->f, ja > nej ? kj : kn, &side);
		int ho = int_field(v->f, ja > nej ? kn : kj, &other);
		if (hs && side >= 0 && side < n) {
			*won = (long)side;
			return 1;
		}
		if (n == 1 && ho) {
			*single_lost = 1;
			return 1;
		}
		return 0;
	}
	if (n == 1 && !has_a) {
		*single_lost = 1;
		return 1;
	}
	return 0;
}

/* The proposals whose fate proposal i shares (i itself unless it backs someone). */
static void followed(const ctx_t *c, size_t i, char *set)
{
	memset(set, 0, c->np ? c->np : 1);
	const prop_t *p = &c->p[i];
	int any = 0;
	if (p->supports)
		for (size_t j = 0; j < c->np; j++)
			if (j != i && !(c->p[j].role & KR_SUPPORT) && has_name(&c->p[j], p->supports)) {
				set[j] = 1;
				any = 1;
			}
	if (!any)
		set[i] = 1;
}

/* the length of a separator between the parts of a word at p ('-', '\'',
 * U+2019), or 0 */
static size_t part_sep(const char *p)
{
	if (*p == '-' || *p == '\'')
		return 1;
	return strncmp(p, "\xE2\x80\x99", 3) == 0 ? 3 : 0;
}

static int head_cmp(const void *a, const void *b) { return strcmp(a, b); }

/* the distinct heads of x's words, sorted (heads_within merges them) */
static void heads_of(const ctx_t *c, const text_t *x, heads_t *h)
{
	h->n = 0;
	h->neg = 0;
	for (size_t k = 0; k < x->t.n; k++) {
		const token_t *t = &x->t.v[k];
		if (t->kind != TK_WORD && t->kind != TK_NUM)
			continue;
		const char *w = low(x, k);
		if (tok_is_link(&c->L, x, k, "negation"))
			h->neg = 1;
		const char *p = w;
		while (*p) {
			size_t sep;
			while ((sep = part_sep(p)))
				p += sep;
			/* one part: up to the next separator; its first five characters */
			size_t b = 0, ch = 0, n = 0;
			while (p[n] && !part_sep(p + n)) {
				n++;
				while (((unsigned char)p[n] & 0xC0) == 0x80)
					n++;
				if (++ch == 5)
					b = n;
			}
			if (ch < 5)
				b = n;
			if (ch >= 4 && n < 96 && b < sizeof h->w[0]) {
				GROW(h->w, h->cap, h->n + 1);
				memcpy(h->w[h->n], p, b);
				h->w[h->n][b] = '\0';
				h->n++;
			}
			p += n;
		}
	}
	if (h->n > 1) {
		qsort(h->w, h->n, sizeof h->w[0], head_cmp);
		size_t u = 1;
		for (size_t i = 1; i < h->n; i++)
			if (strcmp(h->w[i], h->w[u - 1]) != 0)
				memcpy(h->w[u++], h->w[i], sizeof h->w[0]);
		h->n = u;
	}
}

static const heads_t no_heads;

/* heads_of() a text, kept */
static const heads_t *heads_kept(const ctx_t *c, const text_t *x)
{
	if (!x->m)
		return &no_heads;
	if (!(x->m->have & TM_HEADS)) {
		heads_of(c, x, &x->m->heads);
		x->m->have |= TM_HEADS;
	}
	return &x->m->heads;
}

/* every head of x is a head of y (both sorted and distinct) */
static int heads_within(const heads_t *x, const heads_t *y)
{
	size_t j = 0;
	for (size_t i = 0; i < x->n; i++) {
		int d = 1;
		while (j < y->n && (d = strcmp(y->w[j], x->w[i])) < 0)
			j++;
		if (j == y->n || d != 0)
			return 0;
		j++;
	}
	return 1;
}

/* "stadsledningskontorets förslag": genitive words (with the genitive
 * ending) before a proposal noun */
static int genitive_noun(const ctx_t *c, const text_t *x, size_t k)
{
	const char *ge = c->rc->genitive_ending;
	if (k + 1 >= x->t.n || x->t.v[k].kind != TK_WORD || !ge || !*ge)
		return 0;
	const char *w = low(x, k);
	size_t n = strlen(w), gl = strlen(ge);
	return n >= gl + 1 && memcmp(w + n - gl, ge, gl) == 0 && tok_is_link(&c->L, x, k + 1, "noun");
}

static void rule_decision(ctx_t *c)
{
	if (!c->np)
		return; /* no proposal to follow a decision point */
	char *follows = xcalloc(c->np ? c->np : 1, 1);
	for (size_t di = 0; di < c->ndec; di++) {
		text_t d;
		text_init(&d, v_get(c->rv->v[c->dec[di]].fields, "text"));
		const plists_t *lists = lists_of(&c->L, &d);
		const char *dkind = kind_of(c, &d);
		unsigned drole = kind_role(c->rc, dkind);
		int negative = (drole & KR_REJECT) != 0;
		if (lists->n > 1)
			goto next;
		memset(follows, 0, c->np ? c->np : 1);
		int nf = 0;
		/* the point says what a proposal says */
		int near_ok = 0;
		const heads_t *dh = &no_heads;
		if (!lists->n) {
			dh = heads_kept(c, &d);
			near_ok = dh->n >= 4;
		}
		int named = -1; /* a genitive before a proposal noun in the point (-1: not yet seen) */
		for (size_t i = 0; i < c->np; i++) {
			prop_t *p = &c->p[i];
			if (backs(p))
				continue;
			if (near_ok && p->text.t.n) {
				const heads_t *ph = heads_kept(c, &p->text);
				if (heads_within(dh, ph) && ph->neg == dh->neg) {
					follows[i] = 1;
					nf++;
					continue;
				}
			}
			if ((p->role & KR_REJECT) || (dkind && !negative && !kind_is(p, dkind)))
				continue;
			const plists_t *pl = lists_of(&c->L, &p->text);
			if (lists->n) {
				pset_t own;
				own_list(c, p, 0, &own);
				if (pl->n && ps_eq(&own, &lists->l[0])) {
					follows[i] = 1;
					nf++;
				}
				continue;
			}
			if (named < 0) {
				named = 0;
				for (size_t k = 0; k < d.t.n; k++)
					named |= genitive_noun(c, &d, k);
			}
			if (named) {
				pset_t own;
				own_list(c, p, 1, &own);
				if (!own.n && (p->role & (KR_APPROVE | KR_AMEND))) {
					int m = 0;
					for (size_t k = 0; k < d.t.n && !m; k++) {
						if (!genitive_noun(c, &d, k))
							continue;
						for (size_t q = 0; q + 1 < p->text.t.n && !m; q++)
							m = strcmp(low(&d, k), low(&p->text, q)) == 0 && tok_is_link(&c->L, &p->text, q + 1, "noun");
					}
					if (m) {
						follows[i] = 1;
						nf++;
					}
				}
			} else if ((drole & KR_SEND_BACK) && kind_is(p, dkind)) {
				follows[i] = 1;
				nf++;
			}
		}
		if (!nf)
			goto next;
		int any_avslag = 0, any_back = 0;
		for (size_t i = 0; i < c->np; i++)
			if (follows[i]) {
				any_avslag |= (c->p[i].role & KR_REJECT) != 0;
				any_back |= (c->p[i].role & KR_SEND_BACK) != 0;
			}
		int neg = negative && !any_avslag;
		for (size_t i = 0; i < c->np; i++)
			if (follows[i])
				setr(&c->p[i], neg ? O_REJECTED : O_ADOPTED, "decision");
		if (neg || (drole & KR_AMEND) || any_back)
			goto next;
		for (size_t i = 0; i < c->np; i++) {
			prop_t *p = &c->p[i];
			if (!follows[i] && !backs(p) && is_main(p) && (!(p->role & KR_REJECT) || !refers(c, p)))
				setr(p, O_REJECTED, "decision_follows_another");
		}
	next:
		text_release(&d);
	}
	free(follows);
}

static void rule_opposes(ctx_t *c)
{
	for (size_t i = 0; i < c->np; i++) {
		prop_t *p = &c->p[i];
		if (!open_(p) || !(p->role & KR_REJECT))
			continue;
		const char *kind = kind_of(c, &p->text);
		if (kind_role(c->rc, kind) & KR_REJECT)
			kind = NULL;
		const plists_t *pl = lists_of(&c->L, &p->text);
		int outs = 0; /* bit 1 adopted, bit 2 rejected */
		for (size_t j = 0; j < c->np; j++) {
			prop_t *q = &c->p[j];
			if (j == i || open_(q) || (q->out != O_ADOPTED && q->out != O_REJECTED) || (q->role & KR_REJECT) ||
			    (kind && !kind_is(q, kind)))
				continue;
			int target = 0;
			for (int k = 0; k < q->nact && !target; k++)
				target = q->names[k] && !has_name(p, q->names[k]) && name_in(c, q->names[k], &p->text);
			if (!target && pl->n) {
				pset_t own;
				own_list(c, q, 0, &own);
				target = ps_eq(&own, &pl->l[0]);
			}
			if (target)
				outs |= q->out == O_ADOPTED ? 1 : 2;
		}
		if (outs == 1)
			setr(p, O_REJECTED, "opposes");
		else if (outs == 2)
			setr(p, O_ADOPTED, "opposes");
	}
}

static void rule_reservation(ctx_t *c)
{
	for (size_t i = 0; i < c->np; i++) {
		prop_t *p = &c->p[i];
		int hit = 0;
		for (size_t r = 0; r < c->nres && !hit; r++) {
			const value_t *by = v_get(c->rv->v[c->res[r]].fields, "by");
			for (size_t k = 0; by && by->k == V_ARR && k < by->u.a.n && !hit; k++) {
				const value_t *ra = by->u.a.v[k];
				const char *rn = name_key(c->a, ra);
				const char *rp = actor_party(ra);
				for (int m = 0; m < p->nact && !hit; m++) {
					if (rn)
						hit = p->names[m] && strcmp(p->names[m], rn) == 0;
					else if (rp)
						hit = p->parties[m] && strcmp(p->parties[m], rp) == 0;
					if (!hit && !p->names[m] && p->parties[m] && rp)
						hit = strcmp(p->parties[m], rp) == 0;
				}
			}
		}
		if (hit)
			setr(p, O_REJECTED, "reservation");
	}
}

static int same_words(const text_t *x, const text_t *y)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < x->t.n && x->t.v[i].kind == TK_PUNCT)
			i++;
		while (j < y->t.n && y->t.v[j].kind == TK_PUNCT)
			j++;
		if (i == x->t.n || j == y->t.n)
			return i == x->t.n && j == y->t.n;
		if (strcmp(low(x, i), low(y, j)) != 0)
			return 0;
		i++;
		j++;
	}
}

void outcomes(ctx_t *c)
{
	size_t np = c->np;
	char *tg = xcalloc(np ? np : 1, 1);
	/* vote */
	for (size_t i = 0; i < np; i++) {
		prop_t *p = &c->p[i];
		if (!open_(p))
			continue;
		followed(c, i, tg);
		int decided = O_NONE, linked = 0;
		for (size_t vi = 0; vi < c->nv; vi++) {
			vote_t *v = &c->v[vi];
			for (int o = 0; o < v->nopt; o++) {
				int meets = 0;
				for (size_t j = 0; j < np && !meets; j++)
					meets = tg[j] && v->hit[o][j];
				if (!meets)
					continue;
				linked = 1;
				long won;
				int single_lost;
				if (!vote_result(c->rc, v, &won, &single_lost))
					continue;
				decided = (!single_lost && won == o) ? O_ADOPTED : O_REJECTED;
			}
		}
		if (decided) {
			p->out = decided;
			p->basis = "vote";
		} else if (linked) {
			p->out = O_UNKNOWN;
		}
	}
	rule_decision(c);
	rule_opposes(c);
	rule_reservation(c);
	/* uncontested */
	{
		const char *k0 = NULL;
		int one = 1, nmain = 0, same = 1;
		const prop_t *first = NULL;
		for (size_t i = 0; i < np; i++) {
			const prop_t *p = &c->p[i];
			if (backs(p))
				continue;
			nmain++;
			if (!first) {
				first = p;
				k0 = p->kind;
			} else {
				one &= (k0 == NULL) == (p->kind == NULL) && (!k0 || strcmp(k0, p->kind) == 0);
				same &= same_words(&first->text, &p->text);
			}
		}
		if (!c->nv && nmain && one && k0 && (is_send_back(c, k0) || ((kind_role(c->rc, k0) & KR_APPROVE) && same)))
			for (size_t i = 0; i < np; i++)
				setr(&c->p[i], O_ADOPTED, "uncontested");
	}
	/* last left */
	int postponed = 0;
	for (size_t i = 0; i < np; i++)
		if ((c->p[i].role & KR_SEND_BACK) && c->p[i].out != O_REJECTED)
			postponed = 1;
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0, nleft = 0, left = 0;
		int others_lost = 1;
		for (size_t i = 0; i < np; i++) {
			const prop_t *p = &c->p[i];
			if (backs(p) || (pass == 0 && !is_main(p)))
				continue;
			n++;
			if (open_(p)) {
				nleft++;
				left = i;
			}
		}
		for (size_t i = 0; i < np; i++) {
			const prop_t *p = &c->p[i];
			if (backs(p) || (pass == 0 && !is_main(p)) || (nleft == 1 && i == left))
				continue;
			if (p->out != O_REJECTED)
				others_lost = 0;
		}
		if (n >= 2 && nleft == 1 && is_main(&c->p[left]) && !backs(&c->p[left]) && !postponed && others_lost)
			setr(&c->p[left], O_ADOPTED, "last_left");
	}
	/* decided / not put */
	int on_merits = 0, sent_back = 0;
	for (size_t i = 0; i < np; i++) {
		const prop_t *p = &c->p[i];
		if (p->out == O_ADOPTED && !backs(p) && is_main(p))
			on_merits = 1;
		if (p->out == O_ADOPTED && (p->role & KR_SEND_BACK))
			sent_back = 1;
	}
	for (size_t i = 0; i < np; i++) {
		prop_t *p = &c->p[i];
		if (on_merits && !sent_back && (p->role & KR_SEND_BACK))
			setr(p, O_REJECTED, "decided_on_merits");
		else if (sent_back && !(p->role & KR_SEND_BACK) && !backs(p))
			setr(p, O_NOT_PUT, "sent_back");
	}
	rule_opposes(c);
	/* backing proposals share the fate of the proposals they back */
	for (size_t i = 0; i < np; i++) {
		prop_t *p = &c->p[i];
		if (!open_(p) || !backs(p))
			continue;
		followed(c, i, tg);
		int outs = 0, o1 = 0;
		for (size_t j = 0; j < np; j++)
			if (tg[j] && j != i && !open_(&c->p[j])) {
				if (!o1)
					o1 = c->p[j].out;
				outs |= c->p[j].out == o1 ? 1 : 2;
			}
		if (outs == 1)
			setr(p, o1, "backs");
	}
	free(tg);
}
