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
#include "grammar_compile_int.h"

enum { K_NAME, K_CLASS, K_STR, K_NUM, K_STRLIST };

typedef struct rkey {
	const char *step, *key;
	int kind;
	size_t off;      /* into resolve_cfg_t */
	size_t noff;     /* a list's count (size_t) in resolve_cfg_t */
} rkey_t;

#define RK(step, key, kind, field) {step, key, kind, offsetof(resolve_cfg_t, field), 0}
#define RKL(step, key, field, count) {step, key, K_STRLIST, offsetof(resolve_cfg_t, field), offsetof(resolve_cfg_t, count)}
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
	RKL("counted_vote", "tally", tally, ntally),
	RK("option_kind", "lexicon", K_CLASS, option_kind_lexicon),
	RK("option_kind", "skip", K_CLASS, option_kind_skip),
	RK("option_kind", "slack", K_NUM, option_kind_slack),
	RK("party_proposal", "own", K_STR, party_proposal_own),
	RK("party_proposal", "backing", K_STR, party_proposal_backing),
	RK("document", "kind_numbered", K_STR, document_kind_numbered),
	RK("document", "kind_other", K_STR, document_kind_other),
	RK("document", "name_lexicon", K_CLASS, document_name_lexicon),
	RK("tokens", "stemmer", K_STR, tokens_stemmer),
	RK("tokens", "abbreviations", K_STR, tokens_abbreviations),
	RKL("prefilter", "frequent", prefilter_frequent, nfrequent),
	RK("outcome", "approve", K_STR, outcome_approve),
	RK("outcome", "own", K_STR, outcome_own),
	RK("outcome", "reject", K_STR, outcome_reject),
	RK("outcome", "support", K_STR, outcome_support),
	RKL("outcome", "send_back", outcome_send_back, nsend_back),
	RKL("outcome", "amend", outcome_amend, namend),
	RK("outcome", "kind_lexicon", K_CLASS, outcome_kind_lexicon),
	RK("rank", "lexicon", K_CLASS, rank_lexicon),
	RK("rank", "head", K_STR, rank_head),
	RKL("derived_ballots", "sides", ballots_sides, nsides),
	RK("derived_ballots", "rest", K_STR, ballots_rest),
	RKL("derived_ballots", "voter", ballots_voter, nvoter),
	RK("derived_ballots", "absent_status", K_STR, ballots_absent_status),
	RK("derived_ballots", "absent_vote", K_STR, ballots_absent_vote),
	RK("link", "party_lexicon", K_CLASS, link_party_lexicon),
	RK("link", "code_lexicon", K_CLASS, link_code_lexicon),
	RK("link", "word_lexicon", K_CLASS, link_word_lexicon),
	RK("organisation", "code_lexicon", K_CLASS, org_code_lexicon),
	RK("organisation", "alias_lexicon", K_CLASS, org_alias_lexicon),
	RK("organisation", "name_lexicon", K_CLASS, org_name_lexicon),
	RK("organisation", "skip_lexicon", K_CLASS, org_skip_lexicon),
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
	loc_t stemmer_loc = {0, 0}, abbrev_loc = {0, 0};
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
			size_t *nx = (size_t *)(void *)((char *)rc + k->noff);
			if (set[ki]) {
				int same = *nx == s->v.nitems;
				for (size_t j = 0; same && j < s->v.nitems; j++)
					same = strcmp(x[j], s->v.items[j].s) == 0;
				if (!same)
					diag_at(c, s->loc, 1, "resolve %s.%s set twice with different values", s->step,
					        s->key);
			}
			for (size_t j = 0; j < s->v.nitems; j++)
				x[j] = s->v.items[j].s;
			*nx = s->v.nitems;
		} else {
			const char **x = (const char **)(void *)base;
			if (set[ki] && strcmp(*x, s->v.s) != 0)
				diag_at(c, s->loc, 1, "resolve %s.%s set twice with different values", s->step, s->key);
			*x = s->v.s;
		}
		set[ki] = 1;
		if (k->off == offsetof(resolve_cfg_t, tokens_stemmer))
			stemmer_loc = s->v.loc;
		if (k->off == offsetof(resolve_cfg_t, tokens_abbreviations))
			abbrev_loc = s->v.loc;
	}
	memset(&g->lang, 0, sizeof g->lang);
	if (rc->tokens_stemmer && !stemmer_known(rc->tokens_stemmer))
		diag_at(c, stemmer_loc, 1, "libstemmer has no algorithm '%s'", rc->tokens_stemmer);
	else
		g->lang.stemmer = rc->tokens_stemmer;
	if (rc->tokens_abbreviations) {
		const char **w;
		g->lang.nabbrev = load_word_list(c, g, rc->tokens_abbreviations, abbrev_loc, &w);
		g->lang.abbrev = w;
	}
}
