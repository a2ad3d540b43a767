/*
 * driver.c — inputs, workers, stages, ordered output (see driver.h).
 *
 * The list of inputs is built first (directory walks sorted, so runs are
 * deterministic).  Workers take the next input index from a shared counter,
 * run the whole pipeline on it into a buffer of their own, and hand the
 * buffer back; the main thread writes the buffers in input order as they
 * complete.  The only state shared between threads is that counter and the
 * result slots, both under one mutex; the grammar is immutable.
 */
#include "driver.h"
#include "archive.h"
#include "assemble.h"
#include "container.h"
#include "dict.h"
#include "emit.h"
#include "guard.h"
#include "limits.h"
#include "normalize.h"
#include "read.h"
#include "tokenize.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- the input list ---- */

typedef struct input_ref {
	char *path;  /* what to open */
	char *doc;   /* document id */
	char *err;   /* found-time error (unreadable directory, not a regular file) */
	int named;   /* named on the command line: opened even if not a regular file */
	char *member; /* container.h: the member of the archive at path, or NULL */
	size_t mindex;
} input_ref_t;

typedef struct input_list {
	input_ref_t *v;
	size_t n, cap;
} input_list_t;

static void add_input(input_list_t *l, const char *path, const char *doc, const char *err)
{
	GROW(l->v, l->cap, l->n + 1);
	size_t dl = strlen(doc);
	if (dl > 3 && strcmp(doc + dl - 3, ".gz") == 0)
		dl -= 3;
	l->v[l->n++] = (input_ref_t){xstrdup(path), xstrndup(doc, dl), err ? xstrdup(err) : NULL, 0, NULL, 0};
}

/* Each input member of the archive at path (container.h), as doc/MEMBER. */
static void add_container(input_list_t *l, const char *path, const char *doc)
{
	container_member_t *m;
	size_t n;
	char *err;
	int rc = container_list(path, &m, &n, &err);
	for (size_t i = 0; i < n; i++) {
		buf_t id = BUF_INIT;
		if (*m[i].name)
			buf_printf(&id, "%s/%s", doc, m[i].name);
		else /* x.txt.xz: one stream, document x.txt */
			buf_add(&id, doc, strlen(doc) > 3 ? strlen(doc) - 3 : strlen(doc));
		add_input(l, path, id.data, m[i].err);
		l->v[l->n - 1].member = xstrdup(m[i].name);
		l->v[l->n - 1].mindex = m[i].index;
		buf_release(&id);
	}
	if (rc)
		add_input(l, path, doc, err);
	container_members_free(m, n);
	free(err);
}

static int wanted(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcmp(name + n - 4, ".txt") == 0) ||
	       (n > 7 && strcmp(name + n - 7, ".txt.gz") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories already walked, by (device, inode): a symbolic link back
 * to an ancestor (a loop) or a second way to the same directory is
 * walked once. */
typedef struct dir_seen {
	dev_t *dev;
	ino_t *ino;
	size_t n, cap, cap2;
} dir_seen_t;

static int seen_before(dir_seen_t *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->dev[i] == dev && s->ino[i] == ino)
			return 1;
	GROW(s->dev, s->cap, s->n + 1);
	GROW(s->ino, s->cap2, s->n + 1);
	s->dev[s->n] = dev;
	s->ino[s->n] = ino;
	s->n++;
	return 0;
}

static const char *file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* Walk dir: directories (through symbolic links too) once each, regular
 * files (through symbolic links too) named *.txt / *.txt.gz as inputs.  A
 * wanted name that is a FIFO, device or socket is never opened: it
 * becomes an input with an error, so it has its document record. */
static void walk(input_list_t *l, const char *dir, const char *rel, dir_seen_t *seen, int quiet)
{
	DIR *d = opendir(dir);
	if (!d) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s: cannot read directory: %s", dir, strerror(errno));
		add_input(l, dir, *rel ? rel : dir, e.data);
		buf_release(&e);
		return;
	}
	struct stat dst;
	if (fstat(dirfd(d), &dst) == 0 && seen_before(seen, dst.st_dev, dst.st_ino)) {
		if (!quiet)
			fprintf(stderr, "beslut: %s: directory already walked (a symbolic link loop or a "
			        "second link to it), skipped\n", dir);
		closedir(d);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", hidden files */
		GROW(names, cap, n + 1);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		buf_t full = BUF_INIT, r = BUF_INIT;
		buf_printf(&full, "%s/%s", dir, names[i]);
		buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		struct stat st;
		int ok = stat(full.data, &st) == 0;
		if (ok && S_ISDIR(st.st_mode)) {
			walk(l, full.data, r.data, seen, quiet);
		} else if (ok && S_ISREG(st.st_mode) && container_name(names[i])) {
			add_container(l, full.data, r.data);
		} else if (wanted(names[i])) {
			if (ok && !S_ISREG(st.st_mode)) {
				buf_t e = BUF_INIT;
				buf_printf(&e, "%s: %s, not read", full.data, file_kind(st.st_mode));
				add_input(l, full.data, r.data, e.data);
				buf_release(&e);
			} else {
				add_input(l, full.data, r.data, NULL); /* dangling: fails at read time */
			}
		}
		buf_release(&full);
		buf_release(&r);
		free(names[i]);
	}
	free(names);
}

static void build_inputs(input_list_t *l, const char *const *paths, size_t npaths, int quiet)
{
	if (npaths == 0) {
		add_input(l, "-", "-", NULL);
		return;
	}
	dir_seen_t seen = {NULL, NULL, 0, 0, 0};
	for (size_t i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct stat st;
		if (strcmp(p, "-") == 0) {
			add_input(l, "-", "-", NULL);
		} else if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t n = strlen(p);
			char *dir = xstrndup(p, n);
			while (n > 1 && dir[n - 1] == '/')
				dir[--n] = '\0';
			walk(l, dir, "", &seen, quiet);
			free(dir);
		} else {
			const char *doc = p;
			while (doc[0] == '.' && doc[1] == '/')
				doc += 2;
			/* a path named on the command line is opened whatever it is
			 * (a FIFO from <(...) too); a missing file fails at read time */
			if (container_name(p) && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				add_container(l, p, doc);
				continue;
			}
			add_input(l, p, doc, NULL);
			l->v[l->n - 1].named = 1;
		}
	}
	free(seen.dev);
	free(seen.ino);
}

/* The input that is the file -o replaces, if any. */
static const char *input_is_output(const input_list_t *l, const char *output)
{
	struct stat o, st;
	if (!output || strcmp(output, "-") == 0 || stat(output, &o) != 0)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].err && strcmp(l->v[i].path, "-") != 0 && stat(l->v[i].path, &st) == 0 &&
		    st.st_dev == o.st_dev && st.st_ino == o.st_ino)
			return l->v[i].path;
	return NULL;
}

static void free_inputs(input_list_t *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].doc);
		free(l->v[i].err);
		free(l->v[i].member);
	}
	free(l->v);
}

/* ---- archive runs (archive.h): document ids, shards, skip-done ---- */

static void archive_inputs(archive_t *a, input_list_t *l)
{
	archive_ref_t *refs = xcalloc(l->n ? l->n : 1, sizeof *refs);
	for (size_t i = 0; i < l->n; i++)
		refs[i] = (archive_ref_t){l->v[i].path, l->v[i].doc, l->v[i].err, 1, l->v[i].member,
		                          l->v[i].mindex};
	archive_select(a, refs, l->n);
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		l->v[i].doc = refs[i].doc;
		l->v[i].err = refs[i].err;
		if (refs[i].keep) {
			l->v[k++] = l->v[i];
		} else {
			free(l->v[i].path);
			free(l->v[i].doc);
			free(l->v[i].err);
			free(l->v[i].member);
		}
	}
	l->n = k;
	free(refs);
}

/* One input's output: to the archive's database, or to the sink. */
static void deliver(const run_opts_t *o, emitter_t *em, size_t i, const buf_t *b)
{
	if (o->archive && archive_deliver(o->archive, i, b->data ? b->data : "", b->len))
		return;
	emit_write(em, b->data ? b->data : "", b->len);
}

/* ---- one worker ---- */

typedef struct worker {
	const run_opts_t *o;
	normalizer_t *nz;
	stemmer_t *st;
	matcher_t *m;
	tokens_t toks;
	recvec_t recs;
	run_stats_t stats;
	struct worker *helpers;  /* extra workers for the windows of one large document */
	int nhelpers;
} worker_t;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the calling thread. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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
	const run_opts_t *o;
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

static void run_window(worker_t *w, const window_job_t *j, window_t *win)
{
	const run_opts_t *o = j->o;
	win->warnings = v_arr(&win->arena);
	double ta = now();
	tokenize_range(j->text, win->start, win->end, win->first_line, w->st, &w->toks);
	double tb = now();
	win->t_tok = tb - ta;
	win->ntok = w->toks.n;
	if (o->dump == DUMP_TOKENS) {
		if (o->grammar)
			grammar_annotate(o->grammar, &w->toks);
		dump_tokens(&win->dump, j->doc, j->text, &w->toks);
	} else if (o->grammar) {
		match_input_t mi = {j->text, j->len, &w->toks, &win->arena, j->orig, j->origlen, j->omap};
		grammar_annotate(o->grammar, &w->toks);
		matcher_run(w->m, &mi, &win->recs, o->dump == DUMP_MATCHES ? &win->dump : NULL, win->warnings);
		win->t_match = now() - tb;
	}
}

static void *window_thread(void *p)
{
	void **args = p;
	worker_t *w = args[0];
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
static window_t *run_windows(worker_t *w, const char *doc, const char *text, size_t len,
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
	window_job_t j = {w->o, doc, text, len, in->text.data, in->text.len, omap,
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
static void furniture_metadata(worker_t *w, const input_t *in, const norm_result_t *nr, arena_t *arena)
{
	if (!nr->nfurniture)
		return;
	buf_t ft = BUF_INIT;
	for (size_t k = 0; k < nr->nfurniture; k++) {
		const norm_span_t *sp = &nr->furniture[k];
		if (sp->end > sp->start && sp->end <= in->text.len)
			buf_add(&ft, in->text.data + sp->start, sp->end - sp->start);
		buf_add(&ft, "\n\n", 2);
	}
	tokenize(ft.data, ft.len, w->st, &w->toks);
	grammar_annotate(w->o->grammar, &w->toks);
	recvec_t tmp = RECVEC_INIT;
	match_input_t mi = {ft.data, ft.len, &w->toks, arena, NULL, 0, NULL};
	matcher_run(w->m, &mi, &tmp, NULL, NULL);
	for (size_t i = 0; i < tmp.n; i++) {
		if (strcmp(tmp.v[i].type, "document") != 0)
			continue;
		record_t *r = recvec_push(&w->recs);
		*r = tmp.v[i];
		r->start = r->end = 0; /* merged into the document record */
		r->tok_start = r->tok_end = 0;
		r->merge = 1;
	}
	recvec_release(&tmp);
	buf_release(&ft);
}

static void process(worker_t *w, const input_ref_t *ref, buf_t *out)
{
	const run_opts_t *o = w->o;
	input_t in;
	memset(&in, 0, sizeof in);
	double t0 = now();
	if (ref->err) {
		in.path = xstrdup(ref->path);
		in.doc = xstrdup(ref->doc);
		in.error = xstrdup(ref->err);
	} else if (ref->member) { /* container.h */
		container_read(ref->path, ref->member, ref->mindex, ref->doc, o->max_doc_bytes, &in);
	} else {
		read_input_ex(ref->path, ref->doc, ref->named ? 0 : READ_REGULAR_ONLY, o->max_doc_bytes, &in);
	}
	double t1 = now();
	w->stats.t_read += t1 - t0;
	w->stats.inputs++;
	w->stats.bytes += in.src.len;
	if (in.error) {
		w->stats.failed++;
		if (!o->quiet)
			fprintf(stderr, "beslut: %s\n", in.error);
	}

	norm_result_t nr;
	memset(&nr, 0, sizeof nr);
	arena_t arena = ARENA_INIT;
	value_t *warnings = v_arr(&arena);
	size_t ntokens = 0, nwins = 0;
	window_t *wins = NULL;
	w->recs.n = 0;
	if (!in.error) {
		normalize_run(w->nz, in.text.data, in.text.len,
		              o->dump == DUMP_EDITS ? NORM_LOG_EDITS : 0, &nr);
		double t2 = now();
		w->stats.t_normalize += t2 - t1;
		if (o->dump == DUMP_NORMALIZED) {
			buf_add(out, nr.text.data, nr.text.len);
			if (nr.text.len && nr.text.data[nr.text.len - 1] != '\n')
				buf_addc(out, '\n');
		} else if (o->dump == DUMP_EDITS) {
			dump_edits(out, &in, &nr);
		} else {
			const char *text = nr.text.data ? nr.text.data : "";
			if (o->grammar && o->dump == DUMP_NONE)
				furniture_metadata(w, &in, &nr, &arena);
			wins = run_windows(w, in.doc, text, nr.text.len, &in, &nr.map, &nwins);
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
				w->stats.t_tokenize += win->t_tok;
				w->stats.t_match += win->t_match;
			}
		}
	}
	w->stats.tokens += ntokens;
	if (o->dump == DUMP_NONE) {
		double ta = now();
		doc_result_t d = {&in, in.error ? NULL : &nr, &w->recs, warnings, ntokens, &arena,
		                  o->explain ? ASM_EXPLAIN : 0u, o->grammar};
		size_t at = out->len;
		assemble_document(&d, out);
		schema_guard(out, at);
		w->stats.records += w->recs.n;
		w->stats.t_assemble += now() - ta;
	}
	for (size_t k = 0; k < nwins; k++) { /* the records' values live here until now */
		recvec_release(&wins[k].recs);
		arena_release(&wins[k].arena);
		buf_release(&wins[k].dump);
	}
	free(wins);
	arena_release(&arena);
	if (!in.error)
		norm_result_release(&nr);
	input_release(&in);
}

/* ---- threads and ordered output ---- */

typedef struct pool {
	const input_list_t *inputs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;         /* next input to take */
	buf_t *out;          /* one result per input */
	char *done;          /* result ready */
} pool_t;

typedef struct thread_arg {
	pool_t *pool;
	worker_t *w;
} thread_arg_t;

static void *thread_main(void *p)
{
	thread_arg_t *ta = p;
	pool_t *pl = ta->pool;
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		size_t i = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		if (i >= pl->inputs->n)
			break;
		buf_t b = BUF_INIT;
		process(ta->w, &pl->inputs->v[i], &b);
		pthread_mutex_lock(&pl->mu);
		pl->out[i] = b;
		pl->done[i] = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	return NULL;
}

static int worker_init(worker_t *w, const run_opts_t *o, int with_normalizer)
{
	memset(w, 0, sizeof *w);
	w->o = o;
	char *err = NULL;
	w->nz = with_normalizer ? normalizer_new(o->lexdir, &err) : NULL;
	if (with_normalizer && !w->nz) {
		fprintf(stderr, "beslut: %s\n", err ? err : "cannot set up the normalizer");
		free(err);
		return -1;
	}
	w->st = stemmer_new();
	if (!w->st) {
		fprintf(stderr, "beslut: libstemmer has no Swedish stemmer\n");
		return -1;
	}
	if (o->grammar)
		w->m = matcher_new(o->grammar);
	return 0;
}

static void worker_release(worker_t *w, run_stats_t *total)
{
	if (total) {
		total->inputs += w->stats.inputs;
		total->failed += w->stats.failed;
		total->records += w->stats.records;
		total->bytes += w->stats.bytes;
		total->tokens += w->stats.tokens;
		total->t_read += w->stats.t_read;
		total->t_normalize += w->stats.t_normalize;
		total->t_tokenize += w->stats.t_tokenize;
		total->t_match += w->stats.t_match;
		total->t_assemble += w->stats.t_assemble;
	}
	for (int i = 0; i < w->nhelpers; i++)
		worker_release(&w->helpers[i], NULL);
	free(w->helpers);
	if (w->nz)
		normalizer_free(w->nz);
	stemmer_free(w->st);
	if (w->m)
		matcher_free(w->m);
	tokens_release(&w->toks);
	recvec_release(&w->recs);
}

int run(const run_opts_t *o, run_stats_t *stats)
{
	run_stats_t total;
	memset(&total, 0, sizeof total);
	double t_start = now();
	input_list_t inputs = {NULL, 0, 0};
	build_inputs(&inputs, o->paths, o->npaths, o->quiet);
	const char *same = input_is_output(&inputs, o->output);
	if (same) {
		fprintf(stderr, "beslut: %s is an input and the output file (-o): refused\n", same);
		free_inputs(&inputs);
		return 2;
	}

	char *derr = NULL;
	double t_dict = now(), c_dict = cpu_now();
	int dict_rc = dict_setup(o->dictionary, o->no_dictionary, &derr);
	total.t_dict = now() - t_dict;
	total.t_dict_cpu = cpu_now() - c_dict;
	if (dict_rc != 0) {
		fprintf(stderr, "beslut: %s\n", derr);
		free(derr);
		free_inputs(&inputs);
		return 3;
	}
	emitter_t em;
	if (emit_open(&em, o->output) != 0) {
		dict_release();
		fprintf(stderr, "beslut: %s\n", em.error);
		free(em.error);
		free_inputs(&inputs);
		return 3;
	}
	if (o->archive)
		archive_inputs(o->archive, &inputs);
	int nthreads = o->threads < 1 ? 1 : o->threads;
	if ((size_t)nthreads > inputs.n)
		nthreads = (int)inputs.n;
	if (nthreads < 1)
		nthreads = 1;
	worker_t *ws = xcalloc((size_t)nthreads, sizeof *ws);
	int setup_failed = 0;
	double t_setup = now();
	for (int i = 0; i < nthreads && !setup_failed; i++)
		setup_failed = worker_init(&ws[i], o, 1) != 0;
	/* a single input gets the other threads for its windows */
	if (!setup_failed && nthreads == 1 && o->threads > 1 && o->dump != DUMP_NORMALIZED &&
	    o->dump != DUMP_EDITS) {
		ws[0].nhelpers = o->threads - 1;
		ws[0].helpers = xcalloc((size_t)ws[0].nhelpers, sizeof *ws[0].helpers);
		for (int i = 0; i < ws[0].nhelpers && !setup_failed; i++)
			setup_failed = worker_init(&ws[0].helpers[i], o, 0) != 0;
	}

	total.t_setup = now() - t_setup;
	if (!setup_failed && nthreads == 1) {
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < inputs.n; i++) {
			buf_reset(&b);
			process(&ws[0], &inputs.v[i], &b);
			deliver(o, &em, i, &b);
			if (i == 0)
				total.t_first = now() - t_start;
		}
		buf_release(&b);
	} else if (!setup_failed) {
		pool_t pl = {&inputs, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0,
		             xcalloc(inputs.n, sizeof(buf_t)), xcalloc(inputs.n, 1)};
		pthread_t *tids = xcalloc((size_t)nthreads, sizeof *tids);
		thread_arg_t *args = xcalloc((size_t)nthreads, sizeof *args);
		for (int i = 0; i < nthreads; i++) {
			args[i] = (thread_arg_t){&pl, &ws[i]};
			pthread_create(&tids[i], NULL, thread_main, &args[i]);
		}
		for (size_t i = 0; i < inputs.n; i++) {
			pthread_mutex_lock(&pl.mu);
			while (!pl.done[i])
				pthread_cond_wait(&pl.cv, &pl.mu);
			buf_t b = pl.out[i];
			pl.out[i] = (buf_t)BUF_INIT;
			pthread_mutex_unlock(&pl.mu);
			deliver(o, &em, i, &b);
			buf_release(&b);
			if (i == 0)
				total.t_first = now() - t_start;
		}
		for (int i = 0; i < nthreads; i++)
			pthread_join(tids[i], NULL);
		free(tids);
		free(args);
		free(pl.out);
		free(pl.done);
		pthread_mutex_destroy(&pl.mu);
		pthread_cond_destroy(&pl.cv);
	}
	for (int i = 0; i < nthreads; i++)
		worker_release(&ws[i], &total);
	free(ws);
	dict_release();
	container_cleanup();
	free_inputs(&inputs);

	int rc = emit_close(&em, !setup_failed);
	if (rc != 0) {
		fprintf(stderr, "beslut: %s\n", em.error);
		free(em.error);
	}
	total.t_wall = now() - t_start;
	if (stats)
		*stats = total;
	if (setup_failed || rc != 0)
		return 3;
	return total.failed ? 1 : 0;
}
