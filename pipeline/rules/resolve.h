/*
 * resolve.h — the declared resolve steps: what the generic steps after
 * matching (actions.c's actor()/date()/option_index(), the record stage)
 * read from the grammar instead of knowing it.
 *
 * A grammar file configures a step with a `resolve` statement
 * (grammars/README.md, "Resolve steps"; the project's settings are in
 * grammars/resolve.bg):
 *
 *     resolve actor { name = name, genitive = gname, party = party,
 *                     role = role, party_lexicon = @party, role_lexicon = @role };
 *     resolve counted_vote { method = "omröstning",
 *                            tally = ("ja", "nej", "avstår", "frånvarande") };
 *
 * Values are capture names (bare names), lexicon classes (@class), strings
 * and numbers; a list is written in parentheses.  The compiler checks each
 * step, key and value kind against the table in resolve.c and reports a
 * mistake at its file:line:col.  A step or key that no grammar declares is
 * off: the C code sees NULL (a string or name), -1 (a class) or 0 (a
 * number or list) and does not take that step.  So the C stages know
 * tokens, spans, fields and lexicon classes; the words, capture names,
 * class names and values they turn on are data.
 */
#ifndef BESLUT_RESOLVE_H
#define BESLUT_RESOLVE_H

#include <stddef.h>

#define RESOLVE_MAX_LIST 16

typedef struct resolve_cfg {
	/* actor(c): the child captures that hold the name, a name printed in
	 * the genitive, the party and the role, and the lexicon classes whose
	 * values give the party code and the role */
	const char *actor_name, *actor_genitive, *actor_party, *actor_role;
	const char *actor_party_lexicon, *actor_role_lexicon;
	/* date(c): the lexicon class of month names (values 1–12) */
	const char *date_month_lexicon;
	/* option_index(OPTS, W): the captures of an option's label and of the
	 * flag of a standing proposal */
	const char *option_label, *option_standing;
	/* a name in the genitive ends with `ending`, unless the letter before
	 * it is one of `not_after` (then the name is unchanged) */
	const char *genitive_ending, *genitive_not_after;
	/* counted votes: the `method` value of a vote counted by ballots, and
	 * the keys of a vote's `counts` (= the values of a ballot's `vote`);
	 * the first two are also the vote's fields that name the option each
	 * side voted for */
	const char *counted_method;
	const char *tally[RESOLVE_MAX_LIST];
	size_t ntally;
	/* the kind of proposal an option label names by one word: a word
	 * that begins with an entry of `lexicon` and has at most `slack` more
	 * bytes, after a leading word of class `skip` */
	const char *option_kind_lexicon, *option_kind_skip;
	long long option_kind_slack;
	/* a proposal of kind `own` (a party's own alternative) that backs
	 * owners of another party than the speaker's is of kind `backing` */
	const char *party_proposal_own, *party_proposal_backing;
	/* the document record: `kind` when the text has numbered items and
	 * when it has none; the lexicon class whose words in the document's
	 * name give its body */
	const char *document_kind_numbered, *document_kind_other;
	const char *document_name_lexicon;
	/* the language of the tokens (stem.h): the Snowball algorithm of the
	 * stems, and the lexicon file whose entries' words are abbreviations
	 * (a period after one ends no sentence) */
	const char *tokens_stemmer, *tokens_abbreviations;
	/* tokens so frequent that requiring one filters nothing: a
	 * required-token filter that one of them satisfies is not built
	 * (speed only) */
	const char *prefilter_frequent[RESOLVE_MAX_LIST];
	size_t nfrequent;
	/* linking proposals, votes and decisions (link.c): the kinds of
	 * proposal (values of proposal.kind) it reasons about — approving
	 * the proposal put, a party's own alternative, rejecting, supporting
	 * another's proposal, sending the matter back or postponing it,
	 * amending it — and the lexicon class of the words a kind begins
	 * ("avslagsyrkande") */
	const char *outcome_approve, *outcome_own, *outcome_reject, *outcome_support;
	const char *outcome_send_back[RESOLVE_MAX_LIST];
	size_t nsend_back;
	const char *outcome_amend[RESOLVE_MAX_LIST];
	size_t namend;
	const char *outcome_kind_lexicon;
	/* a rank compound ("förstahandsyrkande"): a prefix of a word ending
	 * in `head` that `lexicon` lists with a value 1–9 */
	const char *rank_lexicon, *rank_head;
	/* ballots derived from the parties' positions (link_write.c): the
	 * hidden vote fields listing the parties of the first sides of the
	 * tally, the field naming the side of the rest, the attendance
	 * statuses of a member who votes and of one reported absent, and the
	 * vote of a member not present */
	const char *ballots_sides[RESOLVE_MAX_LIST];
	size_t nsides;
	const char *ballots_rest;
	const char *ballots_voter[RESOLVE_MAX_LIST];
	size_t nvoter;
	const char *ballots_absent_status, *ballots_absent_vote;
	/* the classes linking reads texts by (link.c): party names and codes,
	 * party codes as printed, and the words it compares by (values glue,
	 * negation, noun, lead, lead_to) */
	const char *link_party_lexicon, *link_code_lexicon, *link_word_lexicon;
	/* the document's organisation → its official code and name
	 * (link_write.c): the classes of municipality names → code, other
	 * organisations → code, code → canonical name, and the words that do
	 * not name it ("kommun", "region") */
	const char *org_code_lexicon, *org_alias_lexicon, *org_name_lexicon, *org_skip_lexicon;
} resolve_cfg_t;

#endif
