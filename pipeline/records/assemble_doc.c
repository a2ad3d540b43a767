/*
 * assemble_doc.c — what is written: the envelope of every record, its
 * fields, and the `document` record with what the document's name says
 * when its text does not (resolve document) and a meeting date printed
 * without a year completed from the text.
 */
#include "assemble_int.h"
#include "common/limits.h"
#include "link.h"
#include "common/version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last word of s[0..n) lower-cased into w (ASCII case only; å ä ö
 * are compared as printed). */
static size_t last_word(const char *s, size_t n, char *w, size_t cap)
{
	size_t b = n;
	while (b > 0 && s[b - 1] != ' ')
		b--;
	size_t k = 0;
	for (size_t i = b; i < n && k + 1 < cap; i++)
		w[k++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	w[k] = '\0';
	return k;
}

/* A body named in a heading is the document's body: "Regionstyrelsen" in
 * Regionstyrelsen's protocol, "Arbetsutskottet" in "Kommunstyrelsens
 * arbetsutskott" (the last words agree up to a definite ending). */
int same_body(const value_t *x, const value_t *doc)
{
	if (!x || !doc || x->k != V_STR || doc->k != V_STR)
		return 0;
	char a[64], b[64];
	size_t na = last_word(x->u.s.s, x->u.s.n, a, sizeof a), nb = last_word(doc->u.s.s, doc->u.s.n, b, sizeof b);
	size_t m = na < nb ? na : nb;
	if (m < 5 || (na > nb ? na - nb : nb - na) > 3)
		return 0;
	return strncmp(a, b, m) == 0;
}

void write_item_key(buf_t *out, const item_ref_t *items, long idx)
{
	if (idx < 0)
		buf_adds(out, "null");
	else if (items[idx].number >= 0)
		json_write_int(out, items[idx].number);
	else {
		buf_add(out, "\"k", 2);
		json_write_uint(out, items[idx].ordinal);
		buf_addc(out, '"');
	}
}

void envelope(buf_t *out, const doc_result_t *d, const char *type, size_t n, const item_ref_t *items, long idx,
              const record_t *r, const char_index_t *ci)
{
	const input_t *in = d->in;
	buf_adds(out, "{\"type\": ");
	json_write_string(out, type, strlen(type));
	buf_adds(out, ", \"schema\": ");
	json_write_int(out, BESLUT_SCHEMA_VERSION);
	buf_adds(out, ", \"doc\": ");
	size_t dl = strlen(in->doc);
	json_write_string(out, in->doc, dl);
	buf_adds(out, ", \"id\": ");
	buf_t id = BUF_INIT; /* DOC#TYPE/N */
	buf_add(&id, in->doc, dl);
	buf_addc(&id, '#');
	buf_adds(&id, type);
	buf_addc(&id, '/');
	json_write_uint(&id, n);
	json_write_string(out, id.data, id.len);
	buf_release(&id);
	buf_adds(out, ", \"item\": ");
	if (r)
		write_item_key(out, items, idx);
	else
		buf_adds(out, "null");
	if (r && d->norm) {
		uint32_t ta, tb, sa, sb;
		omap_span(&d->norm->map, r->start, r->end, &ta, &tb);
		omap_span(&in->map, ta, tb, &sa, &sb);
		buf_adds(out, ", \"page\": ");
		json_write_int(out, norm_page_at(d->norm, r->start));
		buf_adds(out, ", \"span\": [");
		json_write_uint(out, sa);
		buf_add(out, ", ", 2);
		json_write_uint(out, sb);
		buf_addc(out, ']');
		if (ci) {
			buf_adds(out, ", \"char_span\": [");
			json_write_uint(out, char_index_at(ci, sa));
			buf_add(out, ", ", 2);
			json_write_uint(out, char_index_at(ci, sb));
			buf_addc(out, ']');
		}
	} else {
		buf_adds(out, ", \"page\": null, \"span\": [0, ");
		json_write_uint(out, in->src.len);
		buf_addc(out, ']');
		if (ci) {
			buf_adds(out, ", \"char_span\": [0, ");
			json_write_uint(out, char_index_at(ci, in->src.len));
			buf_addc(out, ']');
		}
	}
}

void write_fields(buf_t *out, const value_t *fields)
{
	for (size_t i = 0; i < fields->u.o.n; i++) {
		if (fields->u.o.key[i][0] == '_')
			continue;
		buf_adds(out, ", ");
		json_write_string(out, fields->u.o.key[i], strlen(fields->u.o.key[i]));
		buf_adds(out, ": ");
		json_write_value(out, fields->u.o.v[i]);
	}
}

/* What the document's name says when its text does not: a meeting date
 * written in ISO form ("gbg-ks-2024-10-16.txt"), and a body named by a word
 * of the lexicon class of resolve document.name_lexicon ("ks").  Fills the null fields of o; returns a
 * warning naming what was taken, or NULL. */
static const char *from_name(arena_t *a, const doc_result_t *d, value_t *o)
{
	const char *doc = d->in->doc ? d->in->doc : d->in->path;
	if (!doc)
		return NULL;
	const char *base = strrchr(doc, '/');
	base = base ? base + 1 : doc;
	int took_date = 0, took_body = 0;
	if (v_is_null(v_get(o, "date"))) {
		for (const char *p = base; *p && !took_date; p++) {
			int ok = strlen(p) >= 10 && (p == base || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)p[10]);
			for (int k = 0; ok && k < 10; k++)
				ok = (k == 4 || k == 7) ? p[k] == '-' : isdigit((unsigned char)p[k]) != 0;
			int mo = ok ? (p[5] - '0') * 10 + (p[6] - '0') : 0, da = ok ? (p[8] - '0') * 10 + (p[9] - '0') : 0;
			if (ok && (p[0] == '1' || p[0] == '2') && mo >= 1 && mo <= 12 && da >= 1 && da <= 31) {
				v_set(a, o, "date", v_str(a, p, 10));
				took_date = 1;
			}
		}
	}
	const char *cls = asm_cfg(d->grammar)->document_name_lexicon;
	if (v_is_null(v_get(o, "body")) && d->grammar && cls) {
		char word[64];
		for (const char *p = base; *p && !took_body;) {
			size_t n = 0;
			while (p[n] && isalpha((unsigned char)p[n]) && n < sizeof word - 1)
				n++;
			if (n) {
				memcpy(word, p, n);
				word[n] = '\0';
				const char *v = grammar_lexicon_value(d->grammar, cls, word);
				if (v) {
					v_set(a, o, "body", v_cstr(a, v));
					took_body = 1;
				}
				p += n;
			} else {
				p++;
			}
		}
	}
	if (!took_date && !took_body)
		return NULL;
	return took_date && took_body ? "date and body taken from the document's name"
	       : took_date            ? "date taken from the document's name"
	                              : "body taken from the document's name";
}

static value_t *complete_date(arena_t *a, const norm_result_t *nr, value_t *date, value_t *warnings)
{
	if (!date || date->k != V_STR || date->u.s.n != 7 || memcmp(date->u.s.s, "--", 2) != 0)
		return date;
	const char *t = nr ? nr->text.data : NULL;
	size_t n = nr ? nr->text.len : 0;
	const char *md = date->u.s.s + 2; /* "MM-DD" */
	int count[200] = {0}; /* full dates per year 1900..2099 */
	int year = 0;
	for (const char *q = t; q && (q = memchr(q, '-', (size_t)(t + n - q))); q++) {
		/* q at the first '-' of "YYYY-MM-DD" */
		if (q - t < 4 || q + 6 > t + n || q[3] != '-')
			continue;
		const char *y = q - 4;
		int ok = 1;
		for (int k = 0; k < 4; k++)
			ok &= y[k] >= '0' && y[k] <= '9';
		for (int k = 1; k <= 5; k++)
			ok &= k == 3 || (q[k] >= '0' && q[k] <= '9');
		if (!ok || (y > t && y[-1] >= '0' && y[-1] <= '9') || (q + 6 < t + n && q[6] >= '0' && q[6] <= '9'))
			continue;
		int yr = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
		if (yr < 1900 || yr >= 2100)
			continue;
		if (memcmp(q + 1, md, 5) == 0) {
			year = yr;
			break;
		}
		count[yr - 1900]++;
	}
	const char *how = "a full date with the same day and month";
	if (!year) {
		int best = 0, tie = 0;
		for (int k = 1; k < 200; k++) {
			if (count[k] > count[best]) {
				best = k;
				tie = 0;
			} else if (count[k] && count[k] == count[best]) {
				tie = 1;
			}
		}
		if (count[best] && !tie)
			year = 1900 + best;
		how = "the year of most full dates in the text";
	}
	if (!year)
		return v_null(a);
	char buf[32];
	snprintf(buf, sizeof buf, "%04d-%.5s", year, md);
	buf_t w = BUF_INIT;
	buf_printf(&w, "meeting date printed without a year; %d taken from %s", year, how);
	v_push(a, warnings, v_str(a, w.data, w.len));
	buf_release(&w);
	return v_str(a, buf, 10);
}

void write_document(buf_t *out, const doc_result_t *d, value_t *docf, value_t *warnings, size_t nitems_numbered,
                    size_t nrecords, const char *given_sha, long long given_bytes, const char_index_t *given_ci)
{
	arena_t *a = d->arena;
	const input_t *in = d->in;
	char sha[65];
	if (given_sha)
		memcpy(sha, given_sha, 65);
	else
		sha256_hex(in->src.data ? in->src.data : "", in->src.len, sha);
	long long bytes = given_sha ? given_bytes : (long long)in->src.len;
	char_index_t ci;
	if (given_ci) {
		envelope(out, d, "document", 1, NULL, -1, NULL, given_ci);
	} else {
		char_index_for_input(&ci, in);
		envelope(out, d, "document", 1, NULL, -1, NULL, &ci);
		char_index_release(&ci);
	}
	value_t *o = v_obj(a);
	v_set(a, o, "source", v_cstr(a, in->path));
	v_set(a, o, "bytes", v_int(a, bytes));
	v_set(a, o, "sha256", v_cstr(a, sha));
	v_set(a, o, "status", v_cstr(a, in->error ? "error" : "ok"));
	v_set(a, o, "error", v_cstr(a, in->error));
	v_set(a, o, "gzip", v_bool(a, in->gzip));
	value_t *kind = v_get(docf, "kind");
	if (v_is_null(kind)) {
		const resolve_cfg_t *rc = asm_cfg(d->grammar);
		const char *k = nitems_numbered ? rc->document_kind_numbered : rc->document_kind_other;
		kind = in->error || !k ? v_null(a) : v_cstr(a, k);
	}
	v_set(a, o, "kind", kind);
	const char *keys[] = {"body", "organisation", "kommunkod", "date", NULL};
	for (int i = 0; keys[i]; i++) {
		value_t *x = v_get(docf, keys[i]);
		if (i == 3)
			x = complete_date(a, d->norm, x, warnings);
		v_set(a, o, keys[i], x ? x : v_null(a));
	}
	link_organisation(a, d->grammar, o); /* canonical name and SCB code */
	const char *named = NULL;
	if (!in->error)
		named = from_name(a, d, o);
	if (d->norm) {
		const norm_stats_t *s = &d->norm->stats;
		v_set(a, o, "pages", v_int(a, (long long)d->norm->npages));
		value_t *st = v_obj(a);
		v_set(a, st, "lines", v_int(a, (long long)s->lines));
		v_set(a, st, "hyphen_joins", v_int(a, (long long)s->hyphen_joins));
		v_set(a, st, "hyphens_kept", v_int(a, (long long)(s->hyphens_kept + s->suspended_kept)));
		v_set(a, st, "headers_removed", v_int(a, (long long)s->headers_removed));
		v_set(a, st, "tokens", v_int(a, (long long)d->ntokens));
		v_set(a, st, "records", v_int(a, (long long)nrecords));
		v_set(a, o, "stats", st);
	} else {
		v_set(a, o, "pages", v_null(a));
		v_set(a, o, "stats", v_null(a));
	}
	value_t *w = v_arr(a);
	for (size_t i = 0; i < in->nwarnings && w->u.a.n < BESLUT_MAX_WARNINGS; i++)
		v_push(a, w, v_cstr(a, in->warnings[i]));
	for (size_t i = 0; warnings && i < warnings->u.a.n && w->u.a.n < BESLUT_MAX_WARNINGS; i++)
		v_push(a, w, warnings->u.a.v[i]);
	if (named && w->u.a.n < BESLUT_MAX_WARNINGS)
		v_push(a, w, v_cstr(a, named));
	v_set(a, o, "warnings", w);
	v_set(a, o, "beslut_version", v_cstr(a, beslut_version())); /* version.h */
	v_set(a, o, "grammar_hash", v_cstr(a, version_grammar_hash()));
	write_fields(out, o);
	buf_adds(out, "}\n");
}

size_t type_count(const type_counts_t *c, const char *type)
{
	for (size_t i = 0; i < c->len; i++)
		if (c->type[i] == type || strcmp(c->type[i], type) == 0)
			return c->n[i];
	return 0;
}

/* The next id number of a record of the type. */
static size_t type_next(type_counts_t *c, const char *type)
{
	for (size_t i = 0; i < c->len; i++)
		if (c->type[i] == type || strcmp(c->type[i], type) == 0)
			return ++c->n[i];
	size_t cap = c->cap;
	GROW(c->type, cap, c->len + 1);
	GROW(c->n, c->cap, c->len + 1);
	c->type[c->len] = type;
	c->n[c->len] = 1;
	return c->n[c->len++];
}

void type_counts_release(type_counts_t *c)
{
	free(c->type);
	free(c->n);
	memset(c, 0, sizeof *c);
}

void write_records(buf_t *out, const doc_result_t *d, const recvec_t *rv, const char *dead, const item_ref_t *items,
                   const long *item_of, type_counts_t *count, const char_index_t *ci)
{
	for (size_t i = 0; i < rv->n; i++) {
		if (dead[i])
			continue;
		const record_t *r = &rv->v[i];
		envelope(out, d, r->type, type_next(count, r->type), items, item_of[i], r, ci);
		write_fields(out, r->fields);
		if (d->flags & ASM_EXPLAIN) {
			buf_adds(out, ", \"rule\": ");
			json_write_string(out, r->rule ? r->rule : "", r->rule ? strlen(r->rule) : 0);
			buf_printf(out, ", \"tokens\": [%u, %u]", r->tok_start, r->tok_end);
		}
		buf_adds(out, "}\n");
	}
}
