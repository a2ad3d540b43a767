/*
 * grammar_compile_int.h — private to the grammar compiler (grammar_int.h
 * has what the matcher shares): the compiler's working state and the
 * functions its files share:
 *
 *   grammar_compile.c   name resolution, the declared schema checks, the
 *                       passes in order (grammar_compile, grammar_load_dir)
 *   grammar_lexicon.c   symbols, lexicon files and their tries
 *   grammar_codegen.c   syntax trees to matcher instructions and predicates
 *   grammar_prefilter.c first-token indexes of rules and triggers
 *   grammar_filters.c   required-token filters and shared openings
 */
#ifndef BESLUT_GRAMMAR_COMPILE_INT_H
#define BESLUT_GRAMMAR_COMPILE_INT_H

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "grammar_int.h"
#include "regex_fast.h"




typedef struct litent {
	uintptr_t key;      /* node address << 1 | stem, 0 = empty */
	uint32_t off, n;    /* symbols cg->litv[off .. off + n) */
} litent_t;

typedef struct cg {
	compile_t *c;
	grammar_t *g;
	stemmer_t *st;
	tokens_t toks;      /* scratch for tokenizing literals */
	uint32_t nregs;     /* registers of the rule being generated */
	uint32_t nsubslots; /* memo slots of the subroutines it calls so far */
	int in_sub;         /* generating a subroutine: its references are inlined */
	uint32_t *names;    /* capture name ids of the current rule */
	size_t nnames, names_cap;
	uint32_t refdepth;  /* <references> being resolved inside each other */
	uint32_t shdepth;   /* nodes being measured inside each other (shape) */
	uint32_t *mlen;     /* per declaration: max_len of its pattern + 1, 0 = not yet */
	struct litent *lith; /* literal node -> its symbols (lit_lookup) */
	size_t lith_cap, nlit;
	uint32_t *litv;     /* the symbols */
	size_t nlitv, litv_cap;
	uint32_t lit_cur;   /* litv offset of the literal last looked up */
	uint64_t *clc;      /* per declaration: classes_in of its pattern, known */
	struct tsb *lvc;    /* per declaration: leaves_add of its pattern (normalized) */
	struct tsb *fac;    /* per declaration: first_add of its pattern */
	uint8_t *lvc_done, *fac_done; /* fac_done: 1 + its nullability */
	struct rcvec *rcc;  /* per declaration: req_collect of its pattern */
	uint8_t *rcc_done;
	uint32_t *cdh;      /* capture sites by (name, classes, flag): capdef + 1, 0 = empty */
	size_t cdh_cap;
	struct nmemo *nm;   /* per syntax node: its predicate, its set (node_memo) */
	size_t nm_cap, nnm;
} cg_t;

typedef struct pkey {
	uint8_t type;
	uint32_t key;
	uint32_t rule;
} pkey_t;

typedef struct keyvec {
	pkey_t *v;
	size_t n, cap;
} keyvec_t;

/* A token set under construction: symbols, stems and predicates (by index
 * 0, 1, 2), lexicon classes. */
typedef struct tsb {
	uint32_t *v[3];
	size_t n[3], cap[3];
	uint64_t cls, cls_in;
	int any;
} tsb_t;

/* Rule-level conditions (conjuncts of every path of a rule): a token of
 * `need` at most `reach` tokens after the start of every match.  Unlike
 * the required-token filters these look inside alternations: an
 * alternation requires what each alternative requires (the union of
 * their needs, the largest reach), which finds the words a family of
 * phrasings has in common wherever they stand. */
typedef struct rcond {
	tsb_t need;
	uint32_t reach;
} rcond_t;

typedef struct rcvec {
	rcond_t *v;
	size_t n, cap;
} rcvec_t;

/* Shared between the files of this stage. */
uint32_t capname_intern(grammar_t *g, const char *s);
uint32_t hash_bytes(const char *s, size_t n);
void symhash_spread(grammar_t *g);
uint32_t sym_intern(grammar_t *g, const char *s, size_t n);
uint32_t tnode_new(grammar_t *g);
void load_lexicon(compile_t *c, grammar_t *g, uint32_t cls, const decl_t *d);
/* The words of the entries of lexicons/FILE (no class): lower-cased,
 * sorted, distinct, in the grammar's arena; their count. */
size_t load_word_list(compile_t *c, grammar_t *g, const char *file, loc_t loc, const char ***out);
int class_find(const grammar_t *g, const char *name);
uint32_t emit(grammar_t *g, op_t op, uint32_t a, uint32_t b);
int nullable(cg_t *cg, const pnode_t *n);
size_t lit_tokens(cg_t *cg, const pnode_t *n, int stem);
uint32_t tok_sym(cg_t *cg, size_t k, int stem);
int64_t pred_of(cg_t *cg, const pnode_t *n);
int u32_cmp(const void *a, const void *b);
int gen(cg_t *cg, const pnode_t *n);
/* Generate the subroutines, before the rules (grammar_subs.c). */
void subs_build(cg_t *cg);
int first_keys(grammar_t *g, rule_t *r, uint32_t rule, keyvec_t *kv);
void build_index(grammar_t *g, pindex_t *ix, const keyvec_t *kv);
void keys_unique(keyvec_t *kv);
void tsb_free(tsb_t *b);
void rc_free(rcvec_t *c);
void filter_build(cg_t *cg, rule_t *r, const pnode_t *pat);
void pred_requirements(grammar_t *g);
void openings_build(grammar_t *g);
void regexes_fast(grammar_t *g);

#endif
