/*
 * beslut.c — the public interface (include/beslut.h) and the session
 * every document goes through (beslut_int.h).
 */
#include "beslut_int.h"
#include "records/assemble.h"
#include "normalize/dict.h"
#include "output/guard.h"
#include "common/limits.h"
#include "normalize/normalize.h"
#include "tokens/tokenize.h"
#include "common/version.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct beslut_session {
	const grammar_t *g;
	normalizer_t *nz;        /* NULL for a helper */
	stemmer_t *st;
	matcher_t *m;            /* NULL without a grammar */
	tokens_t toks;
	recvec_t recs;
	struct beslut_session *helpers; /* for the windows of one large document */
	int nhelpers;
};

struct beslut_model {
	grammar_t *g;
	char *lexdir;
};

struct beslut_doc {
	buf_t out;       /* JSON Lines */
	buf_t line;      /* the line beslut_doc_next returned */
	size_t pos;      /* next line */
	size_t count;
	int ok;
};

/* End of the window that starts at pos: a paragraph boundary after
 * BESLUT_WINDOW_BYTES, preferably one before a "§" heading. */
static size_t window_end(const char *text, size_t len, size_t pos)
{
	if (len - pos <= BESLUT_WINDOW_BYTES)
		return len;
	size_t target = pos + BESLUT_WINDOW_BYTES;
	size_t limit = target + BESLUT_WINDOW_SLACK < len ? target + BESLUT_WINDOW_SLACK : len;
	const char *hit = NULL, *any = NULL;
	for (const char *q = text + target; q + 2 < text + limit; q++) {
		q = memchr(q, '\n', (size_t)(text + limit - q));
		if (!q || q + 2 >= text + limit)
			break;
		if (q[1] != '\n')
			continue;
		if (!any)
			any = q + 2;
		if ((unsigned char)q[2] == 0xC2 && (unsigned char)q[3] == 0xA7) { /* § */
			hit = q + 2;
			break;
		}
	}
	if (hit)
		return (size_t)(hit - text);
	if (any)
		return (size_t)(any - text);
	const char *q = memchr(text + limit - 1, '\n', len - limit + 1);
	return q ? (size_t)(q - text) + 1 : len;
}

static void dump_tokens(buf_t *out, const char *doc, const char *text, const tokens_t *t)
{
	static const char *const fl[] = {"L", "l", "P", "p", "S", "s", "C", "U", "H", "_"};
	for (size_t i = 0; i < t->n; i++) {
		const token_t *k = &t->v[i];
		buf_printf(out, "%s\t%u\t%s\t", doc, k->line, tok_kind_name((tok_kind_t)k->kind));
		for (int b = 0; b < 10; b++)
			if (k->flags & (1u << b))
				buf_adds(out, fl[b]);
		buf_addc(out, '\t');
		buf_add(out, text + k->off, k->len);
		buf_printf(out, "\t%s\t%s\t%llx\n", tok_lower(t, k), tok_stem(t, k),
		           (unsigned long long)k->classes);
	}
}

static void dump_edits(buf_t *out, const input_t *in, const norm_result_t *nr)
{
	for (size_t i = 0; i < nr->nedits; i++) {
		const norm_edit_t *e = &nr->edits[i];
		uint32_t sa, sb;
		omap_span(&in->map, e->src_start, e->src_end, &sa, &sb);
		const char *kind = norm_edit_kind_name(e->kind);
		buf_adds(out, "{\"doc\": ");
		json_write_string(out, in->doc, strlen(in->doc));
		buf_adds(out, ", \"kind\": ");
		json_write_string(out, kind, strlen(kind));
		buf_adds(out, ", \"reason\": ");
		json_write_string(out, e->reason ? e->reason : "", e->reason ? strlen(e->reason) : 0);
		buf_printf(out, ", \"span\": [%u, %u], \"before\": ", sa, sb);
		const char *bf = nr->log.data ? nr->log.data + e->before : "";
		const char *af = nr->log.data ? nr->log.data + e->after : "";
		json_write_string(out, bf, strlen(bf));
		buf_adds(out, ", \"after\": ");
		json_write_string(out, af, strlen(af));
		buf_adds(out, "}\n");
	}
}

/* One window of a document: tokenized and matched on its own, with
 * its own records, warnings, dump text and value arena, so that windows
 * can run on different threads and be put together in order. */
typedef struct window {
	size_t start, end;     /* normalized-text bytes */
	uint32_t first_line;
	size_t ntok;           /* tokens in the window */
	recvec_t recs;
	arena_t arena;         /* the records' values */
	value_t *warnings;     /* V_ARR in arena */
	buf_t dump;            /* --dump tokens/matches text */
	double t_tok, t_match;
} window_t;

typedef struct window_job {
	const grammar_t *g;
	dump_kind_t dump;
	const char *doc;
	const char *text;
	size_t len;
	const char *orig;      /* text before normalization, and the map to it */
	size_t origlen;
	const omap_t *omap;
	window_t *wins;
	size_t nwins;
	pthread_mutex_t mu;
	size_t next;           /* next window to take */
} window_job_t;

static void run_window(beslut_session *w, const window_job_t *j, window_t *win)
{
	const grammar_t *g = j->g;
	win->warnings = v_arr(&win->arena);
	double ta = time_now();
	tokenize_range(j->text, win->start, win->end, win->first_line, w->st, &w->toks);
	double tb = time_now();
	win->t_tok = tb - ta;
	win->ntok = w->toks.n;
	if (j->dump == DUMP_TOKENS) {
		if (g)
			grammar_annotate(g, &w->toks);
		dump_tokens(&win->dump, j->doc, j->text, &w->toks);
	} else if (g) {
		/* the columns when an action asks (most documents never do) */
		col_src_t cols = {&w->toks, j->text, j->orig, j->origlen, j->omap, 0};
		match_input_t mi = {j->text, j->len, &w->toks, &win->arena, &cols};
		grammar_annotate(g, &w->toks);
		matcher_run(w->m, &mi, &win->recs, j->dump == DUMP_MATCHES ? &win->dump : NULL, win->warnings);
		win->t_match = time_now() - tb;
	}
}

static void *window_thread(void *p)
{
	void **args = p;
	beslut_session *w = args[0];
	window_job_t *j = args[1];
	for (;;) {
		pthread_mutex_lock(&j->mu);
		size_t i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->nwins)
			break;
		run_window(w, j, &j->wins[i]);
	}
	return NULL;
}

/* Cut the normalized text into windows and run them, on the worker's
 * helpers too when there is more than one window. */
static window_t *run_windows(beslut_session *w, dump_kind_t dump, const char *doc, const char *text, size_t len,
                             const input_t *in, const omap_t *omap, size_t *nwins)
{
	size_t n = 0, cap = 0, pos = 0;
	uint32_t line = 1;
	window_t *wins = NULL;
	while (pos < len) {
		size_t end = window_end(text, len, pos);
		GROW(wins, cap, n + 1);
		memset(&wins[n], 0, sizeof wins[n]);
		wins[n].start = pos;
		wins[n].end = end;
		wins[n].first_line = line;
		n++;
		for (const char *q = text + pos; (q = memchr(q, '\n', (size_t)(text + end - q))); q++)
			line++;
		pos = end;
	}
	window_job_t j = {w->g, dump, doc, text, len, in->text.data, in->text.len, omap,
	                  wins, n, PTHREAD_MUTEX_INITIALIZER, 0};
	int extra = n > 1 ? w->nhelpers : 0;
	if ((size_t)extra > n - 1)
		extra = (int)(n - 1);
	pthread_t *tids = extra ? xcalloc((size_t)extra, sizeof *tids) : NULL;
	void *(*args)[2] = extra ? xcalloc((size_t)extra, sizeof *args) : NULL;
	for (int i = 0; i < extra; i++) {
		args[i][0] = &w->helpers[i];
		args[i][1] = &j;
		pthread_create(&tids[i], NULL, window_thread, args[i]);
	}
	void *self[2] = {w, &j};
	window_thread(self);
	for (int i = 0; i < extra; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	free(args);
	pthread_mutex_destroy(&j.mu);
	*nwins = n;
	return wins;
}

/* The first page's header was removed as furniture, but it is where many
 * protocols print their body and meeting date.  Match the grammar over
 * those lines alone and keep only what it says about the document. */
void furniture_records(const grammar_t *g, stemmer_t *st, matcher_t *m, tokens_t *toks, const char *text,
                       size_t textlen, const norm_result_t *nr, arena_t *arena, recvec_t *out)
{
	if (!nr->nfurniture)
		return;
	buf_t ft = BUF_INIT;
	for (size_t k = 0; k < nr->nfurniture; k++) {
		const norm_span_t *sp = &nr->furniture[k];
		if (sp->end > sp->start && sp->end <= textlen)
			buf_add(&ft, text + sp->start, sp->end - sp->start);
		buf_add(&ft, "\n\n", 2);
	}
	tokenize(ft.data, ft.len, st, toks);
	grammar_annotate(g, toks);
	recvec_t tmp = RECVEC_INIT;
	match_input_t mi = {ft.data, ft.len, toks, arena, NULL};
	matcher_run(m, &mi, &tmp, NULL, NULL);
	for (size_t i = 0; i < tmp.n; i++) {
		if (strcmp(tmp.v[i].type, "document") != 0)
			continue;
		record_t *r = recvec_push(out);
		*r = tmp.v[i];
		r->start = r->end = 0; /* merged into the document record */
		r->tok_start = r->tok_end = 0;
		r->merge = 1;
	}
	recvec_release(&tmp);
	buf_release(&ft);
}

static void furniture_metadata(beslut_session *w, const input_t *in, const norm_result_t *nr, arena_t *arena)
{
	furniture_records(w->g, w->st, w->m, &w->toks, in->text.data, in->text.len, nr, arena, &w->recs);
}


void session_document(beslut_session *w, const input_t *in, dump_kind_t dump, unsigned asm_flags, buf_t *out,
                      run_stats_t *stats)
{
	run_stats_t none;
	if (!stats)
		stats = &none;
	norm_result_t nr;
	memset(&nr, 0, sizeof nr);
	arena_t arena = ARENA_INIT;
	value_t *warnings = v_arr(&arena);
	size_t ntokens = 0, nwins = 0;
	window_t *wins = NULL;
	w->recs.n = 0;
	if (!in->error) {
		double t1 = time_now();
		normalize_run(w->nz, in->text.data, in->text.len, dump == DUMP_EDITS ? NORM_LOG_EDITS : 0, &nr);
		double t2 = time_now();
		stats->t_normalize += t2 - t1;
		if (dump == DUMP_NORMALIZED) {
			buf_add(out, nr.text.data, nr.text.len);
			if (nr.text.len && nr.text.data[nr.text.len - 1] != '\n')
				buf_addc(out, '\n');
		} else if (dump == DUMP_EDITS) {
			dump_edits(out, in, &nr);
		} else {
			const char *text = nr.text.data ? nr.text.data : "";
			if (w->g && dump == DUMP_NONE)
				furniture_metadata(w, in, &nr, &arena);
			wins = run_windows(w, dump, in->doc, text, nr.text.len, in, &nr.map, &nwins);
			for (size_t k = 0; k < nwins; k++) {
				window_t *win = &wins[k];
				for (size_t i = 0; i < win->recs.n; i++) {
					record_t *r = recvec_push(&w->recs);
					*r = win->recs.v[i];
					r->tok_start += (uint32_t)ntokens;
					r->tok_end += (uint32_t)ntokens;
				}
				for (size_t i = 0; i < win->warnings->u.a.n; i++)
					v_push(&arena, warnings, win->warnings->u.a.v[i]);
				buf_add(out, win->dump.data ? win->dump.data : "", win->dump.len);
				ntokens += win->ntok;
				stats->t_tokenize += win->t_tok;
				stats->t_match += win->t_match;
			}
		}
	}
	stats->tokens += ntokens;
	if (dump == DUMP_NONE) {
		double ta = time_now();
		doc_result_t d = {in, in->error ? NULL : &nr, &w->recs, warnings, ntokens, &arena, asm_flags, w->g};
		size_t at = out->len;
		assemble_document(&d, out);
		schema_guard(out, at);
		stats->records += w->recs.n;
		stats->t_assemble += time_now() - ta;
	}
	for (size_t k = 0; k < nwins; k++) { /* the records' values live here until now */
		recvec_release(&wins[k].recs);
		arena_release(&wins[k].arena);
		buf_release(&wins[k].dump);
	}
	free(wins);
	arena_release(&arena);
	if (!in->error)
		norm_result_release(&nr);
}

/* ---- sessions ---- */

static void set_err(char **err, const char *msg)
{
	if (err)
		*err = xstrdup(msg);
}

beslut_session *session_new(const grammar_t *g, const char *lexdir, int with_normalizer, char **err)
{
	beslut_session *s = xcalloc(1, sizeof *s);
	s->g = g;
	if (err)
		*err = NULL;
	if (with_normalizer) {
		char *e = NULL;
		s->nz = normalizer_new(lexdir, &e);
		if (!s->nz) {
			if (err)
				*err = e ? e : xstrdup("cannot set up the normalizer");
			else
				free(e);
			beslut_session_free(s);
			return NULL;
		}
	}
	s->st = stemmer_new(grammar_lang(g));
	if (!s->st) {
		set_err(err, "libstemmer lacks the grammar's stemmer");
		beslut_session_free(s);
		return NULL;
	}
	if (g)
		stemmer_set_annotator(s->st, grammar_annotate_word, g);
	if (g)
		s->m = matcher_new(g);
	return s;
}

void session_window_env(beslut_session *s, window_env_t *env)
{
	env->grammar = s->g;
	env->nz = s->nz;
	env->st = s->st;
	env->m = s->m;
	env->toks = &s->toks;
	env->nhelpers = s->nhelpers;
	env->helpers = s->nhelpers ? xcalloc((size_t)s->nhelpers, sizeof *env->helpers) : NULL;
	for (int i = 0; i < s->nhelpers; i++)
		env->helpers[i] = (window_tools_t){s->helpers[i].st, s->helpers[i].m, &s->helpers[i].toks};
}

int session_add_helpers(beslut_session *s, int n, char **err)
{
	s->helpers = xcalloc((size_t)n, sizeof *s->helpers);
	for (int i = 0; i < n; i++) {
		beslut_session *h = session_new(s->g, NULL, 0, err);
		if (!h)
			return -1;
		s->helpers[i] = *h; /* the struct moves into the array */
		free(h);
		s->nhelpers = i + 1;
	}
	return 0;
}

static void session_release(beslut_session *s)
{
	for (int i = 0; i < s->nhelpers; i++)
		session_release(&s->helpers[i]);
	free(s->helpers);
	if (s->nz)
		normalizer_free(s->nz);
	if (s->st)
		stemmer_free(s->st);
	if (s->m)
		matcher_free(s->m);
	tokens_release(&s->toks);
	recvec_release(&s->recs);
}

void beslut_session_free(beslut_session *s)
{
	if (!s)
		return;
	session_release(s);
	free(s);
}

beslut_session *beslut_session_new(const beslut_model *m, char **err)
{
	return session_new(m->g, m->lexdir, 1, err);
}

/* ---- models ---- */

beslut_model *beslut_model_load(const beslut_model_opts *o, char **err)
{
	if (err)
		*err = NULL;
	if (!o || !o->grammars || !o->lexicons) {
		set_err(err, "a model needs a grammars and a lexicons directory");
		return NULL;
	}
	int ne = 0;
	grammar_t *g = grammar_load_dir(o->grammars, o->lexicons, o->diagnostics, &ne, NULL);
	if (!g) {
		if (err) {
			buf_t m = BUF_INIT;
			buf_printf(&m, "cannot load the grammars in %s (%d error%s)", o->grammars, ne, ne == 1 ? "" : "s");
			*err = buf_detach(&m, NULL);
		}
		return NULL;
	}
	char hash[65], *herr = NULL; /* the grammar hash of every document record (version.h) */
	if (grammar_hash_dirs(o->grammars, o->lexicons, hash, &herr) != 0) {
		if (err)
			*err = herr;
		else
			free(herr);
		grammar_free(g);
		return NULL;
	}
	version_set_grammar_hash(hash);
	char *derr = NULL;
	if (dict_setup(o->dictionary, o->no_dictionary, &derr) != 0) {
		if (err)
			*err = derr;
		else
			free(derr);
		grammar_free(g);
		return NULL;
	}
	beslut_model *m = xcalloc(1, sizeof *m);
	m->g = g;
	m->lexdir = xstrdup(o->lexicons);
	return m;
}

void beslut_model_free(beslut_model *m)
{
	if (!m)
		return;
	grammar_free(m->g);
	free(m->lexdir);
	free(m);
	dict_release();
}

/* ---- documents ---- */

beslut_doc *beslut_run(beslut_session *s, const void *data, size_t len, const char *name, unsigned flags)
{
	beslut_doc *d = xcalloc(1, sizeof *d);
	input_t in;
	memset(&in, 0, sizeof in);
	read_memory(data ? data : "", data ? len : 0, name ? name : "", &in);
	d->ok = in.error == NULL;
	session_document(s, &in, DUMP_NONE, flags & BESLUT_EXPLAIN ? ASM_EXPLAIN : 0u, &d->out, NULL);
	input_release(&in);
	for (size_t i = 0; i < d->out.len; i++)
		d->count += d->out.data[i] == '\n';
	return d;
}

int beslut_doc_ok(const beslut_doc *d)
{
	return d->ok;
}

size_t beslut_doc_count(const beslut_doc *d)
{
	return d->count;
}

const char *beslut_doc_next(beslut_doc *d, size_t *len)
{
	if (d->pos >= d->out.len)
		return NULL;
	const char *s = d->out.data + d->pos;
	const char *nl = memchr(s, '\n', d->out.len - d->pos);
	size_t n = nl ? (size_t)(nl - s) : d->out.len - d->pos;
	d->pos += n + (nl != NULL);
	buf_reset(&d->line);
	buf_add(&d->line, s, n);
	buf_addc(&d->line, '\0');
	if (len)
		*len = n;
	return d->line.data;
}

const char *beslut_doc_jsonl(const beslut_doc *d, size_t *len)
{
	if (len)
		*len = d->out.len;
	return d->out.data ? d->out.data : "";
}

void beslut_doc_free(beslut_doc *d)
{
	if (!d)
		return;
	buf_release(&d->out);
	buf_release(&d->line);
	free(d);
}
