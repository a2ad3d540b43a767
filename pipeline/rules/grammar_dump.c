/*
 * grammar_dump.c — `--dump grammar`: the compiled grammar in readable form.
 *
 * Lexicon classes with their entry counts, then every rule in matching
 * order (by group, then source order) with its group, priority, first-token
 * keys (the prefilter) and its program, one instruction per line with
 * symbols, classes, regexes and capture names spelled out; then triggers.
 */
#include <string.h>
#include "grammar_int.h"

static const char *assert_name(uint32_t a)
{
	static const char *n[] = {"^line", "$line", "^para", "$para", "^sent", "$sent", "HEAD"};
	return a < sizeof n / sizeof n[0] ? n[a] : "?";
}

static void dump_pred(const grammar_t *g, uint32_t p, FILE *out)
{
	const pred_t *pr = &g->preds[p];
	switch (pr->op) {
	case PR_LIT: fprintf(out, "\"%s\"", g->syms[pr->a]); break;
	case PR_STEM: fprintf(out, "~%s", g->syms[pr->a]); break;
	case PR_CLASS1: fprintf(out, "@%s(1)", g->classes[pr->a].name); break;
	case PR_REGEX: fprintf(out, "/%s/", g->re_src[pr->a]); break;
	case PR_ANY: fputc('.', out); break;
	case PR_KIND: fputs(tok_kind_name((tok_kind_t)pr->a), out); break;
	case PR_TFLAG:
		fputs(pr->a == TF_CAP ? "CAP" : pr->a == TF_UPPER ? "UPPER" : pr->a == TF_LINE_START ? "LSTART" : "PSTART", out);
		break;
	case PR_NOT: fputc('!', out); dump_pred(g, pr->a, out); break;
	case PR_AND:
	case PR_OR:
		fputc('(', out);
		dump_pred(g, pr->a, out);
		fputs(pr->op == PR_AND ? " & " : " | ", out);
		dump_pred(g, pr->b, out);
		fputc(')', out);
		break;
	}
}

static void dump_code(const grammar_t *g, const rule_t *r, FILE *out)
{
	for (uint32_t pc = r->entry; pc < r->entry + r->ncode; pc++) {
		const insn_t *in = &g->code[pc];
		fprintf(out, "    %4u  ", pc - r->entry);
		switch (in->op) {
		case OP_LIT: fprintf(out, "lit    \"%s\"", g->syms[in->a]); break;
		case OP_STEM: fprintf(out, "stem   ~%s", g->syms[in->a]); break;
		case OP_CLASS: fprintf(out, "class  @%s", g->classes[in->a].name); break;
		case OP_PRED: fputs("pred   ", out); dump_pred(g, in->a, out); break;
		case OP_ANY: fputs("any", out); break;
		case OP_SET:
			fputs("set   ", out);
			for (uint32_t q = g->set_off[in->a]; q < g->set_off[in->a + 1]; q++)
				fprintf(out, " %s%s", g->setv[q] & SET_STEM ? "~" : "", g->syms[g->setv[q] & ~SET_STEM]);
			break;
		case OP_SPLIT: fprintf(out, "split  %u, %u", in->a - r->entry, in->b - r->entry); break;
		case OP_JMP: fprintf(out, "jmp    %u", in->a - r->entry); break;
		case OP_ASSERT: fprintf(out, "assert %s", assert_name(in->a)); break;
		case OP_OPEN: fprintf(out, "open   %s", g->capnames[g->capdefs[in->a].name]); break;
		case OP_CLOSE: fputs("close", out); break;
		case OP_FLAG: fprintf(out, "flag   {%s}", g->capnames[g->capdefs[in->a].name]); break;
		case OP_MARK: fprintf(out, "mark   r%u", in->a); break;
		case OP_PROGRESS: fprintf(out, "progress r%u", in->a); break;
		case OP_MATCH: fputs("match", out); break;
		case OP_CALL: {
			const char *name = "?";
			for (uint32_t i = 0; i < g->nsubs; i++)
				if (g->subs[i].entry == in->a)
					name = g->subs[i].name;
			fprintf(out, "call   <%s>", name);
			break;
		}
		case OP_RET: fputs("ret", out); break;
		}
		fputc('\n', out);
	}
}

static const char *flag_name(uint32_t bit)
{
	static const char *n[] = {"^line", "$line", "^para", "$para", "^sent", "$sent", "CAP", "UPPER", "HEAD",
	                          "space"};
	return bit < sizeof n / sizeof n[0] ? n[bit] : "?";
}

/* The prefilter keys under which rule index ri is listed. */
static void dump_keys(const grammar_t *g, const pindex_t *ix, uint32_t ri, FILE *out)
{
	int any = 0;
	fputs("  first:", out);
	for (uint32_t q = 0; q < ix->nany; q++)
		if (ix->any[q] == ri)
			fputs(" (anywhere)", out), any = 1;
	uint32_t ns = g->nsyms ? g->nsyms : 1;
	for (uint32_t s = 0; s <= ns && !any; s++) {
		for (uint32_t q = ix->sym_off[s]; q < ix->sym_off[s + 1]; q++)
			if (ix->list[q] == ri)
				fprintf(out, " \"%s\"", g->syms[s]);
		for (uint32_t q = ix->stem_off[s]; q < ix->stem_off[s + 1]; q++)
			if (ix->list[q] == ri)
				fprintf(out, " ~%s", g->syms[s]);
	}
	for (uint32_t c = 0; c < 64 && !any; c++)
		for (uint32_t q = ix->class_off[c]; q < ix->class_off[c + 1]; q++)
			if (ix->list[q] == ri)
				fprintf(out, " @%s", g->classes[c].name);
	for (uint32_t k = 0; k < 5 && !any; k++)
		for (uint32_t q = ix->kind_off[k]; q < ix->kind_off[k + 1]; q++)
			if (ix->list[q] == ri)
				fprintf(out, " %s", tok_kind_name((tok_kind_t)k));
	for (uint32_t f = 0; f < 32 && !any; f++)
		for (uint32_t q = ix->flag_off[f]; q < ix->flag_off[f + 1]; q++)
			if (ix->list[q] == ri)
				fprintf(out, " %s", flag_name(f));
	fputc('\n', out);
}

void grammar_dump(const grammar_t *g, FILE *out)
{
	if (!g)
		return;
	fprintf(out, "# %u lexicon classes, %u symbols, %u rules in %u groups, %u triggers, %u instructions\n",
	        g->nclasses, g->nsyms ? g->nsyms - 1 : 0, g->nrules, g->ngroups, g->ntrigs, g->ncode);
	for (uint32_t i = 0; i < g->nclasses; i++)
		fprintf(out, "lexicon %s = \"%s\"  # %u entries\n", g->classes[i].name, g->classes[i].file,
		        g->classes[i].nentries);
	for (uint32_t i = 0; i < g->nsubs; i++) {
		fprintf(out, "\nsubroutine <%s>\n", g->subs[i].name);
		dump_code(g, &g->subs[i], out);
	}
	for (uint32_t i = 0; i < g->nrules; i++) {
		const rule_t *r = &g->rules[i];
		fprintf(out, "\nrule %s  group %s  priority %lld%s\n", r->name, g->groups[r->group], r->priority,
		        r->nullable ? "  (can match empty)" : "");
		for (size_t a = 0; a < r->nacts; a++)
			fprintf(out, "  => %s%s%s%s\n", r->acts[a].each ? "each " : "",
			        r->acts[a].each ? r->acts[a].each : "", r->acts[a].each ? " " : "", r->acts[a].type);
		dump_keys(g, &g->rix, i, out);
		dump_code(g, r, out);
	}
	for (uint32_t i = 0; i < g->ntrigs; i++) {
		const rule_t *r = &g->trigs[i];
		fprintf(out, "\ntrigger %s\n", r->name);
		dump_keys(g, &g->tix, i, out);
		dump_code(g, r, out);
	}
}
