/*
 * grammar.h — the pattern-grammar engine: compile rule files once, match
 * them over a document's tokens, build records.
 *
 * The language is described in grammars/README.md.  Compilation runs in
 * passes (read → lex → parse → resolve names and lexicon classes → compile
 * regexes → build the prefilter) and produces an immutable grammar_t that
 * any number of threads share.  Each thread matches with its own matcher_t
 * (scratch: backtracking stacks, capture trail, PCRE2 match data).
 *
 * Diagnostics are written as `path:line:col: error: message`, followed by
 * the offending line and a caret; compilation recovers at the next `;` and
 * stops after BESLUT_MAX_DIAGNOSTICS errors.
 */
#ifndef BESLUT_GRAMMAR_H
#define BESLUT_GRAMMAR_H

#include <stdio.h>
#include "tokens/tokenize.h"
#include "common/record.h"

typedef struct grammar grammar_t;
typedef struct matcher matcher_t;

/* Compile the given grammar files; lexicon files are looked up in lexdir.
 * Diagnostics go to diag (may be NULL).  Returns NULL when any error was
 * found; *nerrors / *nwarnings (may be NULL) receive the counts. */
grammar_t *grammar_compile(const char *const *files, size_t nfiles, const char *lexdir,
                           FILE *diag, int *nerrors, int *nwarnings);
/* All *.bg files of gdir, in sorted order. */
grammar_t *grammar_load_dir(const char *gdir, const char *lexdir, FILE *diag,
                            int *nerrors, int *nwarnings);
void grammar_free(grammar_t *g);
/* Human-readable compiled form (--dump grammar). */
void grammar_dump(const grammar_t *g, FILE *out);
size_t grammar_rule_count(const grammar_t *g);
/* The record schema the grammar set declares (schema.h); never NULL for a
 * compiled grammar. */
struct schema;
const struct schema *grammar_schema(const grammar_t *g);

/* The declared resolve steps (resolve.h); never NULL for a compiled grammar. */
struct resolve_cfg;
const struct resolve_cfg *grammar_resolve(const grammar_t *g);
/* The language of the tokens (`resolve tokens`): what a stemmer for this
 * grammar's documents is made with (stem.h); NULL when g is NULL. */
const tok_lang_t *grammar_lang(const grammar_t *g);

/* Canonical value of a lexicon entry: looks `word` (one or more
 * space-separated words, any case) up in lexicon class `cls`; NULL if absent.
 * Used by assemble for party codes and roles. */
const char *grammar_lexicon_value(const grammar_t *g, const char *cls, const char *word);
/* The same with the class as an index (grammar_class_index(): -1 when g
 * has no class cls) and the word as word[0..n). */
int grammar_class_index(const grammar_t *g, const char *cls);
const char *grammar_lexicon_value_at(const grammar_t *g, int ci, const char *word, size_t n);

/* Fill sym, stem_sym and classes of every token from the grammar's tables
 * (nothing to do when the tokenizer did it: t->annot == g). */
void grammar_annotate(const grammar_t *g, tokens_t *t);
/* The same for one word, as a tok_annot_fn (stem.h) with ctx = the grammar:
 * give it to a stemmer (stemmer_set_annotator) and its tokenizer fills the
 * tokens in as it goes, once per distinct word. */
void grammar_annotate_word(const void *ctx, const char *lower, size_t llen, const char *stem,
                           size_t slen, uint32_t *sym, uint32_t *stem_sym, uint64_t *classes);

matcher_t *matcher_new(const grammar_t *g);
void matcher_free(matcher_t *m);

/* The tokens' display columns, made when an action first asks for one
 * (column()): the arguments of tokens_columns() for toks. */
typedef struct col_src {
	tokens_t *toks;
	const char *text, *orig;
	size_t origlen;
	const struct omap *omap;
	int done;               /* made */
} col_src_t;

typedef struct match_input {
	const char *text;       /* normalized text */
	size_t len;
	const tokens_t *toks;   /* annotated tokens */
	arena_t *arena;         /* record values are allocated here */
	col_src_t *cols;        /* NULL: the tokens' columns are made (tokens_columns) */
} match_input_t;

/* Run every rule over the document, append records to out in text order
 * (stable: by start, then group order, then rule order).  When dump is not
 * NULL, one line per match is appended ("rule\ttok_start\ttok_end\ttext").
 * When warnings is not NULL, uncovered trigger sentences are pushed to it as
 * V_STR values. */
void matcher_run(matcher_t *m, const match_input_t *in, recvec_t *out, buf_t *dump,
                 value_t *warnings);
/* The same over a window of a longer text (window.c): matches start
 * only at tokens [first, limit) (limit 0 = to the end); the tokens
 * around them are context.  carry, when set, holds matcher_groups()
 * entries: per rule group, the token where its next match may start,
 * read before the run and written after it (so the groups' left-to-right
 * non-overlap goes on from the window before).  Trigger warnings come
 * only from sentences that start in [first, limit). */
typedef struct match_range {
	uint32_t first, limit;
	uint32_t *carry;
	uint32_t *gfirst; /* out, or NULL: per group (as carry), the token its first
	                   * match of the run starts at; UINT32_MAX: none */
	const uint8_t *only; /* or NULL: per group, 1 = its rules run (the other groups'
	                      * are not tried, and no triggers: matcher_triggers) */
} match_range_t;
void matcher_run_range(matcher_t *m, const match_input_t *in, const match_range_t *rg, recvec_t *out,
                       buf_t *dump, value_t *warnings);
size_t matcher_groups(const matcher_t *m);
/* The trigger warnings of sentences starting in tokens [first, limit)
 * that no record of recs covers (what matcher_run_range adds when it
 * runs every group); right after a matcher_run_range over the same
 * input, whose token signatures it reads. */
void matcher_triggers(matcher_t *m, const match_input_t *in, const recvec_t *recs, value_t *warnings,
                      uint32_t first, uint32_t limit);
/* Records are in the matcher's order when sorted by tok_start, then the
 * token their match starts at, then their rule's group (each list kept in
 * its own order within a tie): does a come before b? */
int matcher_record_before(const record_t *a, const record_t *b);

#endif
