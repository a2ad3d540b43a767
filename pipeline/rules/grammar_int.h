/*
 * grammar_int.h — private structures of the grammar engine, shared by its
 * stages: grammar_lex.c (sources, diagnostics, lexer), grammar_parse.c
 * (statements → syntax trees), grammar_compile.c (symbols, lexicons, name
 * resolution, code generation, prefilter), grammar_dump.c, match.c (the
 * backtracking matcher) and actions.c (capture trees → records).
 *
 * Compile-time data (sources, lexer tokens, syntax trees) lives in a
 * compile_t and its arena and is freed when compilation ends.  Everything
 * the matcher needs lives in the immutable grammar_t: symbols, lexicon
 * tries, one flat instruction array for all rules, single-token predicates,
 * compiled regexes, the rules (sorted by group, then source order), the
 * triggers and the two prefilter indexes.
 */
#ifndef BESLUT_GRAMMAR_INT_H
#define BESLUT_GRAMMAR_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdint.h>
#include "grammar.h"
#include "schema.h"
#include "resolve.h"
#include "common/limits.h"
#include "common/util.h"

/* ---------------------------------------------------------------- sources */

typedef struct gsrc {
	char *path;       /* as given (owned) */
	char *text;       /* whole file, NUL-terminated (owned) */
	size_t len;       /* bytes of text */
} gsrc_t;

/* A position in some source: file index (into compile_t.src, or a lexicon
 * file registered there too) and byte offset. */
typedef struct loc {
	uint32_t file;
	uint32_t off;
} loc_t;

typedef struct diag {
	FILE *out;        /* NULL: count only */
	int nerr;         /* errors reported */
	int nwarn;        /* warnings reported */
	int warn_capped;  /* 1 after 5 * BESLUT_MAX_DIAGNOSTICS warnings: the rest not shown */
	int gave_up;      /* 1 after BESLUT_MAX_DIAGNOSTICS errors */
} diag_t;

/* ------------------------------------------------------------ lexer tokens */

enum gtok_type {
	GT_EOF,
	GT_NAME,    /* identifier */
	GT_STRING,  /* "…", str holds the decoded text */
	GT_NUMBER,  /* integer, num */
	GT_REGEX,   /* /…/flags, str holds the source, flags in num (1 = i) */
	GT_ARROW,   /* => */
	GT_PUNCT,   /* single character in ch */
};

typedef struct gtok {
	uint8_t type;     /* gtok_type */
	uint8_t bad;      /* the lexer already reported an error on it */
	char ch;          /* GT_PUNCT character */
	uint32_t off;     /* byte offset in the file */
	const char *str;  /* GT_NAME / GT_STRING / GT_REGEX text (arena, NUL-terminated) */
	long long num;    /* GT_NUMBER value, GT_REGEX flags */
} gtok_t;

/* ------------------------------------------------------------ syntax trees */

typedef enum pn_kind {
	PN_LIT,      /* "word …": s = literal text (may tokenize to several tokens) */
	PN_STEM,     /* ~word: s = word */
	PN_CLASS,    /* @class: s = class name; idx = class after resolution */
	PN_REGEX,    /* /re/: s = source, arg = flags; idx = regex index */
	PN_ANY,      /* . */
	PN_KIND,     /* WORD NUM SECT PUNCT: arg = tok_kind_t */
	PN_TFLAG,    /* CAP UPPER: arg = token flag bit */
	PN_AND,      /* kids[0] & kids[1] … */
	PN_NOT,      /* !kids[0] */
	PN_REF,      /* <name>: s = name; idx = pattern decl index */
	PN_SEQ,      /* kids in order (zero kids: empty) */
	PN_ALT,      /* kids as alternatives */
	PN_REP,      /* kids[0]{min,max}; max < 0 = unbounded; lazy */
	PN_ASSERT,   /* ^line …: arg = assertion code (AS_*) */
	PN_CAP,      /* s:kids[0] */
	PN_FLAG,     /* {s} */
} pn_kind_t;

enum assert_code {
	AS_LINE_START, AS_LINE_END, AS_PARA_START, AS_PARA_END,
	AS_SENT_START, AS_SENT_END, AS_HEAD
};

typedef struct pnode pnode_t;
struct pnode {
	uint8_t k;          /* pn_kind_t */
	uint8_t lazy;       /* PN_REP: lazy quantifier */
	loc_t loc;          /* where it was written */
	const char *s;      /* see pn_kind_t */
	int arg;            /* see pn_kind_t */
	int min, max;       /* PN_REP bounds */
	int idx;            /* resolved index, see pn_kind_t */
	pnode_t **kids;     /* children (arena) */
	size_t nkids;
};

typedef enum ex_kind {
	EX_STR, EX_INT, EX_BOOL, EX_NULL,
	EX_OBJ,     /* { keys[i] = vals[i] } */
	EX_CALL,    /* fn(args) [body for list] */
	EX_CAP,     /* a capture name as a function argument: s; cap = name id */
} ex_kind_t;

enum fn_code {
	FN_TEXT, FN_INT, FN_DATE, FN_VALUE, FN_LOWER, FN_ACTOR, FN_ACTORS,
	FN_LIST, FN_EXISTS, FN_COUNT, FN_IF, FN_OPTION_INDEX, FN_COLUMN, FN__COUNT
};

typedef struct expr expr_t;
struct expr {
	uint8_t k;          /* ex_kind_t */
	loc_t loc;
	const char *s;      /* EX_STR text, EX_CAP name, EX_CALL function name */
	long long i;        /* EX_INT value, EX_BOOL value */
	int fn;             /* EX_CALL: fn_code */
	int cap;            /* EX_CAP: capture name id (after resolution) */
	expr_t **args;      /* EX_CALL arguments */
	size_t nargs;
	const char **keys;  /* EX_OBJ keys (grammar-owned after resolution) */
	expr_t **vals;      /* EX_OBJ values */
	size_t nf;
	expr_t *body;       /* FN_LIST: the object built per element (EX_OBJ) */
};

typedef struct action {
	loc_t loc;
	const char *type;   /* record type (grammar-owned after resolution) */
	const char *each;   /* capture name for `each`, or NULL */
	int each_cap;       /* its name id */
	int merge;          /* `merge` given */
	expr_t *obj;        /* EX_OBJ with the fields */
} action_t;

typedef enum decl_kind { D_LEXICON, D_PATTERN, D_RULE, D_TRIGGER } decl_kind_t;

typedef struct decl {
	uint8_t kind;       /* decl_kind_t */
	loc_t loc;          /* of the name */
	const char *name;
	const char *file;   /* D_LEXICON: file name */
	pnode_t *pat;       /* D_PATTERN / D_RULE / D_TRIGGER */
	long long priority; /* D_RULE */
	const char *group;  /* D_RULE: explicit group or NULL */
	action_t *acts;     /* D_RULE actions */
	size_t nacts;
	int used;           /* D_PATTERN: referenced somewhere */
	int state;          /* D_PATTERN: 0 new, 1 resolving, 2 done (cycle check) */
	int bad;            /* had an error; skip in later passes */
	int shaped;         /* D_PATTERN: 0 new, 1 measuring, 2 measured, 3 too large */
	uint32_t xdepth;    /* D_PATTERN: tree depth with references expanded */
	uint64_t xsize;     /* D_PATTERN: instructions it generates (saturated) */
	uint32_t sub_entry; /* D_PATTERN: first instruction of its subroutine … */
	uint32_t sub_len;   /* … and its instructions with the RET, 0 = none (inlined) */
	uint32_t inlined;   /* D_PATTERN, compile time: copies the rules would inline */
} decl_t;

/* A `resolve STEP { key = value, … };` setting (grammar_parse.c), checked
 * and copied into the grammar's resolve_cfg_t by grammar_resolve.c. */
enum rval_kind { RV_STR, RV_NUM, RV_NAME, RV_CLASS, RV_LIST };

typedef struct rval rval_t;
struct rval {
	uint8_t k;          /* rval_kind */
	loc_t loc;
	const char *s;      /* RV_STR text, RV_NAME / RV_CLASS name */
	long long num;      /* RV_NUM */
	rval_t *items;      /* RV_LIST elements (not lists) */
	size_t nitems;
};

typedef struct rsetting {
	loc_t loc;          /* of the key */
	const char *step;
	loc_t step_loc;
	const char *key;
	rval_t v;
} rsetting_t;

/* Compilation context: one per grammar_compile() call. */
typedef struct compile {
	diag_t diag;
	gsrc_t *src;        /* grammar files, then lexicon files (for diagnostics) */
	size_t nsrc, src_cap;
	arena_t *ast;       /* lexer tokens, syntax trees: the grammar's arena (actions must outlive compilation) */
	decl_t *decls;
	size_t ndecls, decls_cap;
	const char *lexdir;
	schema_t *schema;   /* the grammar's record schema, filled by `record` statements */
	rsetting_t *rset;   /* `resolve` settings in source order */
	size_t nrset, rset_cap;
	uint32_t *dtab;     /* open addressing, (kind, name) -> decl index + 1 (compile_all) */
	size_t dtab_mask;
} compile_t;

/* Diagnostics (grammar_lex.c). */
void diag_at(compile_t *c, loc_t at, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Read a file into c->src; returns its index or -1 (errno set). */
int src_add_file(compile_t *c, const char *path);
/* Lex file `file` into a malloc'd array of tokens ending with GT_EOF. */
gtok_t *glex(compile_t *c, uint32_t file, size_t *ntok);
/* Parse file `file`, appending declarations to c->decls (grammar_parse.c). */
void gparse(compile_t *c, uint32_t file);
struct grammar;
/* Check the `resolve` settings and fill g->rc (grammar_resolve.c); after
 * the lexicons are loaded (a class value must name a declared class). */
void resolve_settings(compile_t *c, struct grammar *g);

/* ----------------------------------------------------------- compiled form */

/* Instructions of the backtracking matcher (see match.c for semantics). */
typedef enum op {
	OP_LIT,       /* token sym == a */
	OP_STEM,      /* token stem_sym == a */
	OP_CLASS,     /* longest entry of lexicon class a */
	OP_PRED,      /* single-token predicate a */
	OP_SET,       /* token sym (or stem sym | SET_STEM) in sorted set a */
	OP_ANY,       /* any token */
	OP_SPLIT,     /* try a, on failure b */
	OP_JMP,       /* goto a */
	OP_ASSERT,    /* zero-width assertion a (AS_*) */
	OP_OPEN,      /* open capture of capdef a */
	OP_CLOSE,     /* close the innermost open capture */
	OP_FLAG,      /* flag capture of capdef a */
	OP_MARK,      /* reg[a] = pos (restored on backtrack) */
	OP_PROGRESS,  /* fail if reg[a] == pos (empty loop iteration) */
	OP_MATCH,     /* success */
	OP_CALL,      /* run the subroutine at a, then go on after the call; b: the first
	               * of the caller's memo slots for it (see "Subroutines" in match.c) */
	OP_RET,       /* the end of a subroutine: back after its call */
} op_t;

/* 8 bytes, aligned: the code is a million of them.  Operand a is below
 * INSN_A_LIMIT (the code generator checks: instruction indexes, symbols,
 * sets, predicates, capture sites, classes, registers). */
typedef struct insn {
	uint32_t op : 8;  /* op_t */
	uint32_t a : 24;  /* operand, see op_t */
	uint32_t b;       /* operand, see op_t */
} insn_t;

#define INSN_A_LIMIT (1u << 24)

typedef enum pred_op {
	PR_LIT, PR_STEM, PR_CLASS1, PR_REGEX, PR_ANY, PR_KIND, PR_TFLAG,
	PR_AND, PR_OR, PR_NOT
} pred_op_t;

/* Single-token predicate tree node; operands of AND/OR/NOT are pred indexes. */
typedef struct pred {
	uint8_t op;     /* pred_op_t */
	uint8_t rkind;  /* a token it accepts has this kind (0: any); a quick no */
	uint32_t a, b;  /* sym / class / regex index / kind / flag bit, or operands */
	uint32_t rflags; /* a token it accepts has all these flags; a quick no */
} pred_t;

/* A capture site: the name and the lexicon classes referenced inside it
 * (value() of the capture prefers those classes). */
typedef struct capdef {   /* 16 bytes: one per capture site, 72,000 of them */
	uint64_t classes;  /* lexicon classes used inside, 0 = unknown */
	uint32_t name;     /* capture name id */
	uint8_t is_flag;   /* {name} */
} capdef_t;

typedef struct rule {
	const char *name;     /* grammar-owned */
	uint32_t group;       /* group index (groups sorted by first appearance) */
	long long priority;
	uint32_t entry;       /* first instruction */
	uint32_t ncode;       /* instructions */
	uint32_t nslots;      /* memo slots: ncode, then those of the subroutines it calls,
	                       * one run of sub_len per call (see "Subroutines" in match.c) */
	uint32_t nregs;       /* MARK/PROGRESS registers */
	uint32_t order;       /* source order (declaration index) */
	action_t *acts;       /* grammar-owned copies */
	size_t nacts;
	uint8_t nullable;     /* can match the empty string */
	uint32_t guard;       /* first-token guard (shared between rules), GUARD_NONE if any token may start */
	uint32_t filt, nfilt; /* required-token filters g->rfilt[filt .. filt + nfilt), by path (a primary
	                         filter and its conjuncts, g->rfcj): every filter of one path must pass (none: no filter) */
	uint32_t open, nopen; /* shared openings g->opens[open .. open + nopen) (rules only, see match.c) */
	uint8_t opener;       /* some later rule lists this one among its shared openings */
} rule_t;

/* A shared opening: the program of a rule begins with the same `len`
 * instructions as that of the earlier rule `rule` (same operations and
 * tests, branch targets at the same offsets; capture sites may differ).
 * An attempt of `rule` that failed without executing an instruction past
 * offset len - 1 tells that the later rule fails at that token too. */
typedef struct opening {
	uint32_t rule;        /* index of the earlier rule */
	uint32_t len;         /* instructions in common */
	uint32_t w;           /* their weight (insn_weight) */
} opening_t;

#define GUARD_NONE UINT32_MAX
#define REACH_INF UINT32_MAX

/* A union of single-token tests: a token belongs to the set when any test
 * accepts it.  Symbols and stems are sorted runs of g->tsv. */
typedef struct tokset {
	uint64_t cls;         /* token starts an entry of one of these classes */
	uint64_t cls_in;      /* token's symbol occurs after the first word of an entry of these classes */
	uint32_t sym, nsym;   /* g->tsv[sym .. sym + nsym): sorted symbols */
	uint32_t stem, nstem; /* g->tsv[stem .. stem + nstem): sorted stem symbols */
	uint32_t pred, npred; /* g->tsv[pred .. pred + npred): predicate indexes */
	uint64_t symmask;     /* bit (s & 63) for each member symbol s: a quick no */
	uint64_t stemmask;
	uint8_t any;          /* every token */
} tokset_t;

/* Required-token filter of a rule (see match.c, "Required tokens"): every
 * match starting at token i contains a token p in [i, i + reach] that is in
 * `need`, and every token in [i, p) is in `pre`. */
typedef struct filter {
	uint32_t need;        /* token set index */
	uint32_t pre;         /* token set index */
	uint32_t reach;       /* REACH_INF: unbounded */
} filter_t;

/* Prefilter: which rules can start at a token.  CSR lists of rule indexes
 * (ascending) keyed by the first token's sym, stem sym, class bits, kind and
 * flag bits; `any` lists rules that must be tried everywhere. */
typedef struct pindex {
	uint32_t *sym_off;    /* nsyms+2 offsets into list */
	uint32_t *stem_off;   /* nsyms+2 */
	uint32_t class_off[65];
	uint32_t kind_off[6];
	uint32_t flag_off[33];
	uint32_t *list;       /* rule indexes */
	uint32_t *any;        /* rules without a usable first key */
	uint32_t nany;
	uint64_t class_used;  /* class bits with a non-empty list */
	uint32_t flag_used;   /* flag bits with a non-empty list */
	uint32_t nlist;
} pindex_t;

typedef struct lexclass {
	const char *name;     /* class name (grammar-owned) */
	const char *file;     /* lexicon file as declared */
	uint32_t root;        /* trie root node */
	uint32_t nentries;
	uint32_t maxlen;      /* tokens of the longest entry */
} lexclass_t;

/* Trie node over token symbols; children found through the edge hash. */
typedef struct tnode {
	int32_t value;        /* entry index into lexval, -1 if no entry ends here */
} tnode_t;

typedef struct tedge {
	uint64_t key;         /* (parent node + 1) << 32 | sym; 0 = empty slot */
	uint32_t child;
} tedge_t;

struct grammar {
	arena_t mem;          /* strings, syntax trees and actions (the compile arena, kept) */
	/* symbols: lower-cased words and stems */
	const char **syms;    /* id -> string; syms[0] unused */
	uint32_t *symlen;
	uint32_t nsyms;
	size_t syms_cap;
	uint32_t *symhash;    /* open addressing: id or 0 */
	uint32_t symhash_cap; /* power of two */
	uint64_t *sym_start;  /* by sym: classes with an entry starting with it */
	uint64_t *sym_single; /* by sym: classes with a one-token entry equal to it */
	uint64_t *sym_inner;  /* by sym: classes with an entry that has it after the first word */
	/* lexicons */
	lexclass_t classes[64];
	uint32_t nclasses;
	tnode_t *tnodes;
	uint32_t ntnodes;
	size_t tnodes_cap;
	tedge_t *tedges;      /* open addressing */
	uint32_t tedges_cap, ntedges;
	const char **lexval;  /* entry index -> canonical value (or the entry text) */
	uint32_t nlexval;
	size_t lexval_cap;
	/* code */
	insn_t *code;
	uint32_t ncode;
	size_t code_cap;
	uint8_t code_big;     /* compile time: an operand a reached INSN_A_LIMIT */
	uint32_t *setv;       /* members of all sets, each set sorted: sym, or stem sym | SET_STEM */
	uint32_t nsetv;
	size_t setv_cap;
	uint32_t *set_off;    /* set i = setv[set_off[i] .. set_off[i + 1]) */
	uint32_t nsets;
	size_t set_off_cap;
	insn_t *guardv;       /* guard members: the first consuming instructions (op, a) of a rule, sorted */
	uint32_t nguardv;
	size_t guardv_cap;
	uint32_t *guard_off;  /* guard i = guardv[guard_off[i] .. guard_off[i + 1]) */
	uint32_t nguards;
	size_t guard_off_cap;
	uint32_t *predhash;   /* compile time: hash-consing of preds (index + 1, 0 = empty) */
	uint32_t predhash_cap;
	pred_t *preds;
	uint32_t npreds;
	size_t preds_cap;
	pcre2_code **re;
	const char **re_src;  /* regex sources, for dump */
	uint8_t *re_jit;      /* 1 when JIT compiled */
	uint8_t *re_ci;       /* 1 when caseless (/…/i) */
	struct rxfast *rxfast; /* the regexes answered without PCRE2 (regex_fast.h) */
	uint32_t nre;
	size_t re_cap;
	capdef_t *capdefs;
	uint32_t ncapdefs;
	size_t capdefs_cap;
	const char **capnames;  /* name id -> name */
	uint32_t ncapnames;
	size_t capnames_cap;
	const char **groups;    /* group index -> name */
	uint32_t ngroups;
	size_t groups_cap;
	rule_t *rules;          /* sorted by group, then source order */
	uint32_t nrules;
	rule_t *trigs;          /* triggers; name is the trigger name */
	uint32_t ntrigs;
	rule_t *subs;           /* subroutines (name, entry, ncode), at the start of the code */
	uint32_t nsubs;
	size_t subs_cap;
	pindex_t rix, tix;      /* prefilters for rules and triggers */
	filter_t *filters;      /* required-token filters, shared by rules */
	uint32_t nfilters;
	size_t filters_cap;
	uint32_t *rfilt;        /* filter indexes of the rules, by path (see rule_t.filt) */
	uint8_t *rfcj;          /* per rfilt entry: 0 = a path's primary filter, 1 = a conjunct of the path before */
	size_t rfcj_cap;
	uint32_t nrfilt;
	size_t rfilt_cap;
	tokset_t *toksets;      /* token sets of the filters (distinct) */
	uint32_t ntoksets;
	size_t toksets_cap;
	uint32_t *tsv;          /* members of the filters' token sets */
	uint32_t ntsv;
	size_t tsv_cap;
	opening_t *opens;       /* shared openings of the rules */
	uint32_t nopens;
	size_t opens_cap;
	uint32_t max_regs;
	int class_month, class_party, class_role; /* class index or -1 (from rc) */
	resolve_cfg_t rc;       /* the declared resolve steps (strings in mem) */
	tok_lang_t lang;        /* the tokens' language from rc (words in mem) */
	schema_t schema;        /* declared record types (types array owned, the rest in mem) */
};

#define SET_STEM 0x80000000u

/* The instructions that instruction in stands for: those of its
 * subroutine for a CALL, else 1 (grammar_subs.c). */
uint32_t insn_weight(const grammar_t *g, const insn_t *in);

/* Symbols (grammar_compile.c). */
uint32_t sym_find(const grammar_t *g, const char *s, size_t n);
/* Longest entry of class cls starting at token pos, not beyond lim; returns
 * the end token (> pos) or pos when none; *val receives the entry index. */
uint32_t lex_longest(const grammar_t *g, uint32_t cls, const token_t *t, uint32_t pos,
                     uint32_t lim, int32_t *val);

/* Matcher scratch shared with actions.c. */
typedef struct trail_ent {
	uint8_t kind;     /* TR_OPEN, TR_CLOSE, TR_FLAG */
	uint32_t capdef;  /* TR_OPEN / TR_FLAG */
	uint32_t pos;     /* token position */
} trail_ent_t;

enum { TR_OPEN, TR_CLOSE, TR_FLAG };

/* Capture tree node; node 0 is the whole match. */
typedef struct cnode {
	uint32_t start, end;   /* token span */
	int32_t name;          /* capture name id, -1 for the root */
	int32_t parent;        /* -1 for the root */
	int32_t first, last;   /* children */
	int32_t next;          /* next sibling */
	uint32_t capdef;       /* capture site (root: unused) */
	uint8_t is_flag;       /* flag capture */
} cnode_t;

typedef struct act_ctx {
	const grammar_t *g;
	const match_input_t *in;
	cnode_t *nodes;        /* capture tree */
	size_t nnodes;
	int32_t *tmp;          /* stack of node ids: element lists of nested list()/each */
	size_t tmp_n, tmp_cap; /* in use / allocated */
	buf_t sbuf;            /* scratch string */
	int32_t each_node;     /* the element an `each` action is building, -1 */
	int32_t each_cap;      /* its capture name */
} act_ctx_t;

/* Test hook: share token signatures between tokens (on, the default) or
 * give every token its own (off); the output is the same either way. */
void matcher_share_signatures(matcher_t *m, int on);
/* Test hooks: families of rules with a shared prefix off (every rule runs
 * whole); how many attempts were answered from a family's recording. */
void matcher_share_prefixes(matcher_t *m, int on);
/* Test hook: the steps of every attempt so far, as the step budget counts
 * them, and the attempts that ran out of them. */
void matcher_steps(const matcher_t *m, uint64_t *steps, size_t *budget_hits);
uint64_t matcher_prefix_replays(const matcher_t *m);
/* Test hook: was rule r among the candidates of some token of the last
 * document matched (after the prefilter, guards and the document's
 * absent required tokens)? */
int matcher_rule_offered(const matcher_t *m, uint32_t r);

/* Build the capture tree of a match from its trail into *nodes (grown). */
size_t capture_tree(const trail_ent_t *tr, size_t ntr, uint32_t start, uint32_t end,
                    const grammar_t *g, cnode_t **nodes, size_t *cap);
/* Run the actions of rule r over the capture tree in ctx; append records. */
void actions_run(act_ctx_t *ctx, const rule_t *r, recvec_t *out);
/* Text of tokens [s, e) with whitespace collapsed into b (reset first). */
void span_text(const match_input_t *in, uint32_t s, uint32_t e, buf_t *b);

#endif
