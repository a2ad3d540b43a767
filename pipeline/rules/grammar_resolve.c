/*
 * grammar_resolve.c — check the `resolve` settings of a grammar set and
 * copy them into its resolve_cfg_t (resolve.h).
 *
 * The table below is everything the engine can be told: a step, a key and
 * the kind of value the key takes.  An unknown step or key, a value of the
 * wrong kind, a class no grammar declares, or a key set twice with another
 * value is an error at its file:line:col.
 */
#include <stddef.h>
#include <string.h>
#include "grammar_int.h"

enum { K_NAME, K_CLASS, K_STR, K_NUM, K_STRLIST };

typedef struct rkey {
	const char *step, *key;
	int kind;
	size_t off;      /* into resolve_cfg_t */
} rkey_t;

#define RK(step, key, kind, field) {step, key, kind, offsetof(resolve_cfg_t, field)}
static const rkey_t KEYS[] = {
	RK("actor", "name", K_NAME, actor_name),
	RK("actor", "genitive", K_NAME, actor_genitive),
	RK("actor", "party", K_NAME, actor_party),
	RK("actor", "role", K_NAME, actor_role),
	RK("actor", "party_lexicon", K_CLASS, actor_party_lexicon),
	RK("actor", "role_lexicon", K_CLASS, actor_role_lexicon),
	RK("date", "month_lexicon", K_CLASS, date_month_lexicon),
	RK("option", "label", K_NAME, option_label),
	RK("option", "standing", K_NAME, option_standing),
	RK("genitive", "ending", K_STR, genitive_ending),
	RK("genitive", "not_after", K_STR, genitive_not_after),
	RK("counted_vote", "method", K_STR, counted_method),
	RK("counted_vote", "tally", K_STRLIST, tally),
	RK("option_kind", "lexicon", K_CLASS, option_kind_lexicon),
	RK("option_kind", "skip", K_CLASS, option_kind_skip),
	RK("option_kind", "slack", K_NUM, option_kind_slack),
	RK("party_proposal", "own", K_STR, party_proposal_own),
	RK("party_proposal", "backing", K_STR, party_proposal_backing),
	RK("document", "kind_numbered", K_STR, document_kind_numbered),
	RK("document", "kind_other", K_STR, document_kind_other),
	RK("document", "name_lexicon", K_CLASS, document_name_lexicon),
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static const char *const KIND_NAME[] = {"a capture name", "a lexicon class (@name)", "a string", "a number",
                                        "a list of strings"};

static int has_class(const grammar_t *g, const char *name)
{
	for (uint32_t i = 0; i < g->nclasses; i++)
		if (strcmp(g->classes[i].name, name) == 0)
			return 1;
	return 0;
}

static int rval_kind_ok(const rval_t *v, int kind)
{
	switch (kind) {
	case K_NAME: return v->k == RV_NAME;
	case K_CLASS: return v->k == RV_CLASS;
	case K_STR: return v->k == RV_STR;
	case K_NUM: return v->k == RV_NUM && v->num >= 0;
	default: break;
	}
	if (v->k != RV_LIST || v->nitems == 0)
		return 0;
	for (size_t i = 0; i < v->nitems; i++)
		if (v->items[i].k != RV_STR)
			return 0;
	return 1;
}

void resolve_settings(compile_t *c, grammar_t *g)
{
	resolve_cfg_t *rc = &g->rc;
	memset(rc, 0, sizeof *rc);
	char set[NKEYS] = {0};
	for (size_t i = 0; i < c->nrset; i++) {
		const rsetting_t *s = &c->rset[i];
		const rkey_t *k = NULL;
		int step_known = 0;
		for (size_t j = 0; j < NKEYS && !k; j++) {
			if (strcmp(KEYS[j].step, s->step) != 0)
				continue;
			step_known = 1;
			if (strcmp(KEYS[j].key, s->key) == 0)
				k = &KEYS[j];
		}
		if (!step_known) {
			diag_at(c, s->step_loc, 1, "unknown resolve step '%s'", s->step);
			continue;
		}
		if (!k) {
			diag_at(c, s->loc, 1, "resolve step '%s' has no setting '%s'", s->step, s->key);
			continue;
		}
		if (!rval_kind_ok(&s->v, k->kind)) {
			diag_at(c, s->v.loc, 1, "resolve %s.%s takes %s", s->step, s->key, KIND_NAME[k->kind]);
			continue;
		}
		if (k->kind == K_CLASS && !has_class(g, s->v.s)) {
			diag_at(c, s->v.loc, 1, "unknown lexicon class '@%s'", s->v.s);
			continue;
		}
		char *base = (char *)rc + k->off;
		size_t ki = (size_t)(k - KEYS);
		if (k->kind == K_NUM) {
			long long *x = (long long *)(void *)base;
			if (set[ki] && *x != s->v.num)
				diag_at(c, s->loc, 1, "resolve %s.%s set twice with different values", s->step, s->key);
			*x = s->v.num;
		} else if (k->kind == K_STRLIST) {
			const char **x = (const char **)(void *)base;
			if (set[ki]) {
				int same = rc->ntally == s->v.nitems;
				for (size_t j = 0; same && j < s->v.nitems; j++)
					same = strcmp(x[j], s->v.items[j].s) == 0;
				if (!same)
					diag_at(c, s->loc, 1, "resolve %s.%s set twice with different values", s->step,
					        s->key);
			}
			for (size_t j = 0; j < s->v.nitems; j++)
				x[j] = s->v.items[j].s;
			rc->ntally = s->v.nitems;
		} else {
			const char **x = (const char **)(void *)base;
			if (set[ki] && strcmp(*x, s->v.s) != 0)
				diag_at(c, s->loc, 1, "resolve %s.%s set twice with different values", s->step, s->key);
			*x = s->v.s;
		}
		set[ki] = 1;
	}
}
