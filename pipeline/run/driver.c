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
#include "api/beslut_int.h"
#include "archive.h"
#include "records/assemble.h"
#include "container.h"
#include "normalize/dict.h"
#include "output/emit.h"
#include "output/guard.h"
#include "common/limits.h"
#include "normalize/normalize.h"
#include "read/read.h"
#include "tokens/tokenize.h"
#include "api/window.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
		buf_printf(&r, "%s%s%s", rel, *rel && rel[strlen(rel) - 1] != '/' ? "/" : "", names[i]);
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
	size_t ndirs = 0;
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		ndirs += strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode);
	}
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
			/* ids: the path under the directory; with more than one
			 * directory named, the directory as named before it
			 * (d1/a.txt, d2/a.txt), as a file named keeps its path */
			const char *rel = dir;
			while (rel[0] == '.' && rel[1] == '/')
				rel += 2;
			if (ndirs < 2 || strcmp(rel, ".") == 0)
				rel = "";
			walk(l, dir, rel, &seen, quiet);
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

/* One input's output: to the archive's database, or to the sink; the
 * records of a long document follow its document record from the
 * temporary file (window.h), which is closed. */
static void deliver(const run_opts_t *o, emitter_t *em, size_t i, buf_t *b, FILE *spill)
{
	if (spill && o->archive && archive_takes_output(o->archive)) { /* one buffer (not bounded) */
		char blk[1 << 16];
		size_t n;
		while ((n = fread(blk, 1, sizeof blk, spill)) > 0)
			buf_add(b, blk, n);
		fclose(spill);
		spill = NULL;
	}
	if (o->archive && archive_deliver(o->archive, i, b->data ? b->data : "", b->len))
		return;
	emit_write(em, b->data ? b->data : "", b->len);
	if (spill) {
		buf_t blk = BUF_INIT;
		buf_grow(&blk, BESLUT_OUT_BLOCK);
		int fd = fileno(spill);
		size_t have = 0; /* bytes of a line not yet tallied at the start of blk */
		for (;;) {
			ssize_t n = read(fd, blk.data + have, BESLUT_OUT_BLOCK - have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (have && o->archive)
					archive_tally(o->archive, blk.data, have);
				if (have)
					emit_write(em, blk.data, have);
				break;
			}
			size_t len = have + (size_t)n, whole = len;
			while (whole > 0 && blk.data[whole - 1] != '\n')
				whole--;
			if (whole == 0)
				whole = len; /* a line longer than the block: written as it is */
			if (o->archive)
				archive_tally(o->archive, blk.data, whole);
			emit_write(em, blk.data, whole);
			memmove(blk.data, blk.data + whole, len - whole);
			have = len - whole;
		}
		buf_release(&blk);
		fclose(spill);
	}
}

/* ---- one worker ---- */

typedef struct worker {
	const run_opts_t *o;
	beslut_session *s;       /* the per-document pipeline (beslut_int.h) */
	run_stats_t stats;
} worker_t;

/* A document longer than one window (window.h): its records go to a
 * temporary file (*spill), the document record to out.  Returns 1 when
 * done so, 0 when in was read whole for the whole-document path. */
static int process_windows(worker_t *w, input_t *in, buf_t *head, int fd, buf_t *out, FILE **spill)
{
	const run_opts_t *o = w->o;
	window_env_t env;
	memset(&env, 0, sizeof env);
	session_window_env(w->s, &env); /* grammar, tools, helpers */
	env.asm_flags = o->explain ? ASM_EXPLAIN : 0u;
	env.window = window_bytes();
	env.max_bytes = o->max_doc_bytes;
	env.quiet = o->quiet;
	size_t at = out->len;
	int rc = window_document(&env, in, head, fd, out, spill);
	free(env.helpers);
	w->stats.t_read += env.t_read;
	if (rc == WINDOW_WHOLE)
		return 0;
	schema_guard(out, at);
	w->stats.inputs++;
	w->stats.bytes += env.bytes;
	w->stats.t_normalize += env.t_normalize;
	w->stats.t_tokenize += env.t_tokenize;
	w->stats.t_match += env.t_match;
	w->stats.t_assemble += env.t_assemble;
	w->stats.tokens += env.tokens;
	w->stats.records += env.records;
	if (in->error) {
		w->stats.failed++;
		if (!o->quiet)
			fprintf(stderr, "beslut: %s\n", in->error);
	}
	input_release(in);
	return 1;
}

static void process(worker_t *w, const input_ref_t *ref, buf_t *out, FILE **spill)
{
	const run_opts_t *o = w->o;
	input_t in;
	memset(&in, 0, sizeof in);
	*spill = NULL;
	double t0 = time_now();
	if (ref->err) {
		in.path = xstrdup(ref->path);
		in.doc = xstrdup(ref->doc);
		in.error = xstrdup(ref->err);
	} else if (ref->member) { /* container.h */
		container_read(ref->path, ref->member, ref->mindex, ref->doc, o->max_doc_bytes, &in);
	} else if (o->dump == DUMP_NONE && o->grammar) {
		buf_t head = BUF_INIT;
		int fd = -1;
		int rc = read_input_head(ref->path, ref->doc, ref->named ? 0 : READ_REGULAR_ONLY, o->max_doc_bytes,
		                         window_bytes(), &in, &head, &fd);
		if (rc == 1) {
			w->stats.t_read += time_now() - t0;
			if (process_windows(w, &in, &head, fd, out, spill))
				return;
			t0 = time_now();
		}
	} else {
		read_input_ex(ref->path, ref->doc, ref->named ? 0 : READ_REGULAR_ONLY, o->max_doc_bytes, &in);
	}
	double t1 = time_now();
	w->stats.t_read += t1 - t0;
	w->stats.inputs++;
	w->stats.bytes += in.src.len;
	if (in.error) {
		w->stats.failed++;
		if (!o->quiet)
			fprintf(stderr, "beslut: %s\n", in.error);
	}

	session_document(w->s, &in, o->dump, o->explain ? ASM_EXPLAIN : 0u, out, &w->stats);
	input_release(&in);
}

/* ---- threads and ordered output ---- */

typedef struct pool {
	const input_list_t *inputs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;         /* next input to take */
	buf_t *out;          /* one result per input */
	FILE **spill;        /* … and the records of a long document */
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
		FILE *sp = NULL;
		process(ta->w, &pl->inputs->v[i], &b, &sp);
		pthread_mutex_lock(&pl->mu);
		pl->out[i] = b;
		pl->spill[i] = sp;
		pl->done[i] = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	return NULL;
}

static int worker_init(worker_t *w, const run_opts_t *o)
{
	memset(w, 0, sizeof *w);
	w->o = o;
	char *err = NULL;
	w->s = session_new(o->grammar, o->lexdir, 1, &err);
	if (!w->s) {
		fprintf(stderr, "beslut: %s\n", err ? err : "cannot set up a session");
		free(err);
		return -1;
	}
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
	beslut_session_free(w->s);
}

int run(const run_opts_t *o, run_stats_t *stats)
{
	run_stats_t total;
	memset(&total, 0, sizeof total);
	double t_start = time_now();
	input_list_t inputs = {NULL, 0, 0};
	build_inputs(&inputs, o->paths, o->npaths, o->quiet);
	const char *same = input_is_output(&inputs, o->output);
	if (same) {
		fprintf(stderr, "beslut: %s is an input and the output file (-o): refused\n", same);
		free_inputs(&inputs);
		return 2;
	}

	char *derr = NULL;
	double t_dict = time_now();
	int dict_rc = dict_setup(o->dictionary, o->no_dictionary, &derr);
	total.t_dict = time_now() - t_dict;
	total.t_dict_cpu = dict_load_cpu(); /* the load may have run on a thread of its own */
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
	double t_setup = time_now();
	for (int i = 0; i < nthreads && !setup_failed; i++)
		setup_failed = worker_init(&ws[i], o) != 0;
	/* a single input gets the other threads for its windows */
	if (!setup_failed && nthreads == 1 && o->threads > 1 && o->dump != DUMP_NORMALIZED &&
	    o->dump != DUMP_EDITS) {
		char *err = NULL;
		setup_failed = session_add_helpers(ws[0].s, o->threads - 1, &err) != 0;
		if (setup_failed)
			fprintf(stderr, "beslut: %s\n", err ? err : "cannot set up a session");
		free(err);
	}

	total.t_setup = time_now() - t_setup;
	if (!setup_failed && nthreads == 1) {
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < inputs.n; i++) {
			buf_reset(&b);
			FILE *sp = NULL;
			process(&ws[0], &inputs.v[i], &b, &sp);
			deliver(o, &em, i, &b, sp);
			if (i == 0)
				total.t_first = time_now() - t_start;
		}
		buf_release(&b);
	} else if (!setup_failed) {
		pool_t pl = {&inputs, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0,
		             xcalloc(inputs.n, sizeof(buf_t)), xcalloc(inputs.n, sizeof(FILE *)), xcalloc(inputs.n, 1)};
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
			FILE *sp = pl.spill[i];
			pl.out[i] = (buf_t)BUF_INIT;
			pthread_mutex_unlock(&pl.mu);
			deliver(o, &em, i, &b, sp);
			buf_release(&b);
			if (i == 0)
				total.t_first = time_now() - t_start;
		}
		for (int i = 0; i < nthreads; i++)
			pthread_join(tids[i], NULL);
		free(tids);
		free(args);
		free(pl.out);
		free(pl.spill);
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
	total.t_wall = time_now() - t_start;
	if (stats)
		*stats = total;
	if (setup_failed || rc != 0)
		return 3;
	return total.failed ? 1 : 0;
}
