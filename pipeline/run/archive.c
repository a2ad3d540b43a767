/*
 * archive.c — archive runs: ids, input lists, shards, skip-done, database
 * output, progress and summary (see archive.h).
 */
#include "archive.h"
#include "container.h"
#include "output/json_read.h"
#include "read/read.h"
#include "output/sqlite_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { FMT_AUTO, FMT_JSONL, FMT_SQLITE };

typedef struct tally {
	char *type;
	size_t n;
} tally_t;

struct archive {
	/* options */
	int format;
	char *root;            /* absolute, normalized */
	const char *doc_id;
	const char *files_from;
	const char *skip_done;
	int shard_k, shard_n;
	int active;            /* some archive option or database output */
	/* state */
	int quiet, records;    /* records: the output is records (no --dump) */
	char **paths;          /* inputs: argv + --files-from */
	size_t npaths, pcap;
	int no_inputs;         /* --files-from gave none: do not fall back to stdin */
	char **done;           /* sorted sha256 of documents done */
	size_t ndone, dcap;
	sqlite_out_t *db;
	char *db_path;
	int db_failed;
	long long *sizes;      /* bytes on disk of each selected input */
	size_t nsel;
	long long bytes_total, bytes_done;
	size_t files_done, docs, failed, skipped;
	tally_t *types;
	size_t ntypes, tcap;
	double t0, last;
	int progress;          /* a progress line is shown */
	int progress_shown;
};

/* One per process: option strings stay reachable when main returns early. */
static archive_t the_archive;

archive_t *archive_new(void)
{
	archive_t *a = &the_archive;
	memset(a, 0, sizeof *a);
	a->t0 = time_now();
	return a;
}

/* path made absolute (against the working directory) with "." and ".."
 * and repeated slashes removed; symbolic links are not resolved. */
static char *abs_path(const char *p)
{
	buf_t in = BUF_INIT;
	if (p[0] != '/') {
		char cwd[4096];
		if (getcwd(cwd, sizeof cwd))
			buf_adds(&in, cwd);
		buf_addc(&in, '/');
	}
	buf_adds(&in, p);
	char **parts = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;
	for (char *tok = strtok_r(in.data, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n)
				n--;
			continue;
		}
		GROW(parts, cap, n + 1);
		parts[n++] = tok;
	}
	buf_t out = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&out, "/%s", parts[i]);
	if (!n)
		buf_addc(&out, '/');
	free(parts);
	buf_release(&in);
	return buf_detach(&out, NULL);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

const char *archive_option(archive_t *a, int opt, const char *arg)
{
	a->active = 1;
	switch (opt) {
	case ARCH_OPT_FORMAT:
		if (strcmp(arg, "jsonl") == 0)
			a->format = FMT_JSONL;
		else if (strcmp(arg, "sqlite") == 0)
			a->format = FMT_SQLITE;
		else
			return "--format takes jsonl or sqlite";
		return NULL;
	case ARCH_OPT_ROOT: {
		struct stat st;
		if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
			return "--root needs a directory";
		free(a->root);
		a->root = abs_path(arg);
		return NULL;
	}
	case ARCH_OPT_DOC_ID:
		if (!*arg || strchr(arg, '\n'))
			return "--doc-id needs a name on one line";
		a->doc_id = arg;
		return NULL;
	case ARCH_OPT_FILES_FROM:
		a->files_from = arg;
		return NULL;
	case ARCH_OPT_SHARD: {
		int k, n, used = 0;
		if (sscanf(arg, "%d/%d%n", &k, &n, &used) != 2 || arg[used] || n < 1 || k < 1 || k > n)
			return "--shard takes K/N with 1 <= K <= N";
		a->shard_k = k;
		a->shard_n = n;
		return NULL;
	}
	case ARCH_OPT_SKIP_DONE:
		a->skip_done = arg;
		return NULL;
	}
	return "unknown option";
}

static void add_path(archive_t *a, const char *p, size_t n)
{
	GROW(a->paths, a->pcap, a->npaths + 1);
	a->paths[a->npaths++] = xstrndup(p, n);
}

static int read_list(archive_t *a, const char *list)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	if (!f) {
		fprintf(stderr, "beslut: %s: %s\n", list, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len > 0)
			add_path(a, line, (size_t)len);
	}
	free(line);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		fprintf(stderr, "beslut: %s: read error\n", list);
		return -1;
	}
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* sha256 of the documents with status ok in a JSON Lines file. */
static int jsonl_hashes(archive_t *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "beslut: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t lineno = 0;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (!strstr(line, "\"document\""))
			continue; /* only document records name their type so */
		arena_t ar = ARENA_INIT;
		value_t *v;
		const char *msg;
		size_t at;
		if (json_parse(&ar, line, (size_t)len, &v, &msg, &at) != 0) {
			fprintf(stderr, "beslut: %s:%zu: %s\n", path, lineno, msg);
			rc = -1;
		} else if (v->k == V_OBJ) {
			const value_t *t = v_get(v, "type"), *st = v_get(v, "status"), *h = v_get(v, "sha256");
			if (t && t->k == V_STR && strcmp(t->u.s.s, "document") == 0 && st && st->k == V_STR &&
			    strcmp(st->u.s.s, "ok") == 0 && h && h->k == V_STR) {
				GROW(a->done, a->dcap, a->ndone + 1);
				a->done[a->ndone++] = xstrdup(h->u.s.s);
			}
		}
		arena_release(&ar);
	}
	free(line);
	fclose(f);
	return rc;
}

static int load_done(archive_t *a)
{
	if (access(a->skip_done, F_OK) != 0)
		return 0; /* nothing done yet */
	int rc;
	if (sqlite_out_is_db(a->skip_done)) {
		char *err = NULL;
		rc = sqlite_out_hashes(a->skip_done, &a->done, &a->ndone, &a->dcap, &err);
		if (rc) {
			fprintf(stderr, "beslut: --skip-done %s: %s\n", a->skip_done, err);
			free(err);
		}
	} else {
		rc = jsonl_hashes(a, a->skip_done);
	}
	if (a->ndone > 1)
		qsort(a->done, a->ndone, sizeof *a->done, cmp_str);
	return rc;
}

static int usage(const char *msg)
{
	fprintf(stderr, "beslut: %s\nTry 'beslut --help'.\n", msg);
	return 2;
}

static int want_sqlite(const archive_t *a, const char *out)
{
	if (a->format != FMT_AUTO)
		return a->format == FMT_SQLITE;
	return out && (ends_with(out, ".sqlite") || ends_with(out, ".sqlite3") || ends_with(out, ".db"));
}

static int open_db(archive_t *a, run_opts_t *o, const schema_t *s, const char *version)
{
	if (!o->output)
		return usage("database output needs -o FILE");
	if (!s)
		return usage("database output needs the record schema");
	char *err = NULL;
	a->db = sqlite_out_open(o->output, s, version, &err);
	if (!a->db) {
		fprintf(stderr, "beslut: %s\n", err);
		free(err);
		return 3;
	}
	a->db_path = xstrdup(o->output);
	a->active = 1;
	o->output = NULL; /* nothing goes to the JSON Lines sink */
	return 0;
}

int archive_begin(archive_t *a, run_opts_t *o, char **argv, int argc, const schema_t *s,
                  const char *version)
{
	o->archive = a;
	a->quiet = o->quiet;
	a->records = o->dump == DUMP_NONE;
	for (int i = 0; i < argc; i++)
		add_path(a, argv[i], strlen(argv[i]));
	if (a->files_from) {
		if (strcmp(a->files_from, "-") == 0)
			for (size_t i = 0; i < a->npaths; i++)
				if (strcmp(a->paths[i], "-") == 0)
					return usage("--files-from - reads standard input: it cannot be an input too");
		if (read_list(a, a->files_from))
			return 2;
		a->no_inputs = a->npaths == 0;
	}
	o->paths = (const char *const *)a->paths;
	o->npaths = a->npaths;
	if (a->skip_done && load_done(a))
		return 2;
	if (want_sqlite(a, o->output)) {
		if (!a->records)
			return usage("--dump writes text, not a database");
		int rc = open_db(a, o, s, version);
		if (rc)
			return rc;
	}
	a->progress = !a->quiet && isatty(2);
	a->last = 0; /* the first finished file shows the line at once */
	return 0;
}

static char *join_gz(const char *doc)
{
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s.gz", doc);
	return buf_detach(&b, NULL);
}

typedef struct rank {
	const archive_ref_t *r;
	size_t i;
} rank_t;

static int cmp_rank(const void *x, const void *y)
{
	const rank_t *p = x, *q = y;
	int c = strcmp(p->r->doc, q->r->doc);
	if (!c)
		c = strcmp(p->r->path, q->r->path);
	if (!c)
		c = p->i < q->i ? -1 : p->i > q->i;
	return c;
}

static int is_done(const archive_t *a, const char *sha)
{
	return a->ndone && bsearch(&sha, a->done, a->ndone, sizeof *a->done, cmp_str) != NULL;
}

void archive_select(archive_t *a, archive_ref_t *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		archive_ref_t *r = &refs[i];
		if (a->no_inputs) {
			r->keep = 0;
			continue;
		}
		if (strcmp(r->path, "-") == 0) {
			if (a->doc_id) {
				free(r->doc);
				r->doc = xstrdup(a->doc_id);
			}
			continue;
		}
		if (a->root) {
			char *abs = abs_path(r->path);
			size_t rl = strlen(a->root);
			const char *rel = NULL;
			if (strcmp(a->root, "/") == 0)
				rel = abs + 1;
			else if (strncmp(abs, a->root, rl) == 0 && abs[rl] == '/')
				rel = abs + rl + 1;
			if (rel && *rel && r->member) { /* an archive member: ARCHIVE/MEMBER */
				buf_t id = BUF_INIT;
				if (*r->member)
					buf_printf(&id, "%s/%s", rel, r->member);
				else /* x.txt.xz */
					buf_add(&id, rel, strlen(rel) > 3 ? strlen(rel) - 3 : strlen(rel));
				if (ends_with(id.data, ".gz"))
					id.data[id.len -= 3] = '\0';
				free(r->doc);
				r->doc = buf_detach(&id, NULL);
			} else if (rel && *rel) {
				size_t len = strlen(rel);
				if (ends_with(rel, ".gz"))
					len -= 3;
				free(r->doc);
				r->doc = xstrndup(rel, len);
			} else if (!r->err) {
				buf_t e = BUF_INIT;
				buf_printf(&e, "%s: not under --root %s", r->path, a->root);
				r->err = buf_detach(&e, NULL);
			}
			free(abs);
		}
		/* a.txt.gz beside a.txt keeps its .gz */
		if (!r->member && ends_with(r->path, ".gz") && !ends_with(r->doc, ".gz")) {
			char *plain = xstrndup(r->path, strlen(r->path) - 3);
			struct stat st;
			if (stat(plain, &st) == 0 && S_ISREG(st.st_mode)) {
				char *d = join_gz(r->doc);
				free(r->doc);
				r->doc = d;
			}
			free(plain);
		}
	}
	if (a->shard_n > 1) {
		rank_t *rk = xcalloc(n ? n : 1, sizeof *rk);
		for (size_t i = 0; i < n; i++)
			rk[i] = (rank_t){&refs[i], i};
		qsort(rk, n, sizeof *rk, cmp_rank);
		for (size_t j = 0; j < n; j++)
			if (j % (size_t)a->shard_n != (size_t)(a->shard_k - 1))
				refs[rk[j].i].keep = 0;
		free(rk);
	}
	if (a->skip_done) {
		for (size_t i = 0; i < n; i++) {
			archive_ref_t *r = &refs[i];
			if (!r->keep || r->err || strcmp(r->path, "-") == 0)
				continue;
			input_t in;
			memset(&in, 0, sizeof in);
			int got = r->member ? container_read(r->path, r->member, r->mindex, r->doc, 0, &in)
			                    : read_input(r->path, r->doc, &in);
			if (got == 0 && !in.error) {
				char sha[65];
				sha256_hex(in.src.data ? in.src.data : "", in.src.len, sha);
				if (is_done(a, sha)) {
					r->keep = 0;
					a->skipped++;
				}
			}
			input_release(&in);
		}
	}
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (!refs[i].keep)
			continue;
		struct stat st;
		long long sz = strcmp(refs[i].path, "-") != 0 && stat(refs[i].path, &st) == 0 ? (long long)st.st_size : 0;
		GROW(a->sizes, cap, a->nsel + 1);
		a->sizes[a->nsel++] = sz;
		a->bytes_total += sz;
	}
}

/* Count the records of one document's output by type. */
static void tally(archive_t *a, const char *s, size_t len)
{
	static const char PFX[] = "{\"type\": \"";
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (end - pos > sizeof PFX && memcmp(s + pos, PFX, sizeof PFX - 1) == 0) {
			const char *t = s + pos + sizeof PFX - 1;
			const char *q = memchr(t, '"', (size_t)(s + end - t));
			if (q) {
				size_t tl = (size_t)(q - t);
				size_t k;
				for (k = 0; k < a->ntypes; k++)
					if (strlen(a->types[k].type) == tl && memcmp(a->types[k].type, t, tl) == 0)
						break;
				if (k == a->ntypes) {
					GROW(a->types, a->tcap, a->ntypes + 1);
					a->types[a->ntypes++] = (tally_t){xstrndup(t, tl), 0};
				}
				a->types[k].n++;
				if (tl == 8 && memcmp(t, "document", 8) == 0) {
					a->docs++;
					static const char ERR[] = "\"status\": \"error\"";
					buf_t line = BUF_INIT;
					buf_add(&line, s + pos, end - pos);
					if (strstr(line.data, ERR))
						a->failed++;
					buf_release(&line);
				}
			}
		}
		pos = end + 1;
	}
}

static void progress(archive_t *a, int final)
{
	double t = time_now();
	if (!a->progress || (!final && t - a->last < 0.25))
		return;
	a->last = t;
	double el = t - a->t0, mb = (double)a->bytes_done / 1e6;
	double rate = el > 0 ? mb / el : 0;
	buf_t b = BUF_INIT;
	buf_printf(&b, "\rbeslut: %zu/%zu files, %.1f/%.1f MB, %.1f MB/s", a->files_done, a->nsel, mb,
	           (double)a->bytes_total / 1e6, rate);
	if (rate > 0 && a->bytes_total > a->bytes_done) {
		long eta = (long)((double)(a->bytes_total - a->bytes_done) / 1e6 / rate + 0.5);
		buf_printf(&b, ", ETA %ld:%02ld", eta / 60, eta % 60);
	}
	buf_adds(&b, "\033[K");
	fputs(b.data, stderr);
	fflush(stderr);
	buf_release(&b);
	a->progress_shown = 1;
}

int archive_takes_output(const archive_t *a)
{
	return a->db != NULL;
}

void archive_tally(archive_t *a, const char *data, size_t len)
{
	if (a->records)
		tally(a, data, len);
}

int archive_deliver(archive_t *a, size_t i, const char *data, size_t len)
{
	if (a->records)
		tally(a, data, len);
	if (i < a->nsel)
		a->bytes_done += a->sizes[i];
	a->files_done++;
	progress(a, 0);
	if (!a->db)
		return 0;
	if (a->db_failed || !len)
		return 1;
	char *err = NULL;
	if (sqlite_out_write(a->db, data, len, &err) < 0) {
		if (a->progress_shown)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "beslut: %s: %s\n", a->db_path, err);
		free(err);
		a->db_failed = 1;
	}
	return 1;
}

static int cmp_tally(const void *x, const void *y)
{
	return strcmp(((const tally_t *)x)->type, ((const tally_t *)y)->type);
}

static void summary(archive_t *a)
{
	if (a->progress_shown)
		fputs("\r\033[K", stderr);
	if (a->quiet || !a->records || !(a->active || isatty(2)))
		return;
	if (a->ntypes > 1)
		qsort(a->types, a->ntypes, sizeof *a->types, cmp_tally);
	buf_t b = BUF_INIT;
	buf_printf(&b, "beslut: %zu document%s: %zu ok, %zu failed", a->docs, a->docs == 1 ? "" : "s",
	           a->docs - a->failed, a->failed);
	if (a->skip_done)
		buf_printf(&b, ", %zu skipped as done", a->skipped);
	buf_adds(&b, "; records:");
	int any = 0;
	for (size_t k = 0; k < a->ntypes; k++) {
		if (strcmp(a->types[k].type, "document") == 0)
			continue;
		buf_printf(&b, "%s %s %zu", any ? "," : "", a->types[k].type, a->types[k].n);
		any = 1;
	}
	if (!any)
		buf_adds(&b, " none");
	double el = time_now() - a->t0;
	buf_printf(&b, "; %.1f MB in %.1f s", (double)a->bytes_done / 1e6, el);
	if (a->db_path)
		buf_printf(&b, " -> %s", a->db_path);
	fprintf(stderr, "%s\n", b.data);
	buf_release(&b);
}

static void archive_free(archive_t *a)
{
	for (size_t i = 0; i < a->npaths; i++)
		free(a->paths[i]);
	free(a->paths);
	for (size_t i = 0; i < a->ndone; i++)
		free(a->done[i]);
	free(a->done);
	for (size_t i = 0; i < a->ntypes; i++)
		free(a->types[i].type);
	free(a->types);
	free(a->sizes);
	free(a->root);
	free(a->db_path);
	memset(a, 0, sizeof *a);
}

int archive_end(archive_t *a, int rc)
{
	if (a->db) {
		char *err = NULL;
		if (sqlite_out_close(a->db, &err) != 0) {
			fprintf(stderr, "beslut: %s: %s\n", a->db_path, err);
			free(err);
			a->db_failed = 1;
		}
		a->db = NULL;
	}
	summary(a);
	if (a->db_failed)
		rc = 3;
	archive_free(a);
	return rc;
}

int archive_load(archive_t *a, run_opts_t *o, char **argv, int argc, const schema_t *s,
                 const char *version)
{
	a->quiet = o->quiet;
	a->records = 1;
	a->active = 1;
	int rc = want_sqlite(a, o->output) ? open_db(a, o, s, version)
	                                   : usage("load writes a database: -o FILE.sqlite (or .sqlite3, .db, --format sqlite)");
	if (rc) {
		archive_free(a);
		return rc;
	}
	char *stdin_arg[] = {"-"};
	if (argc == 0) {
		argv = stdin_arg;
		argc = 1;
	}
	buf_t group = BUF_INIT;
	static const char DOC[] = "{\"type\": \"document\"";
	for (int i = 0; i < argc && !a->db_failed; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "beslut: %s: %s\n", argv[i], strerror(errno));
			a->db_failed = 1;
			break;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, f)) >= 0 && !a->db_failed) {
			if ((size_t)len >= sizeof DOC - 1 && memcmp(line, DOC, sizeof DOC - 1) == 0 && group.len) {
				archive_deliver(a, (size_t)-1, group.data, group.len);
				buf_reset(&group);
			}
			buf_add(&group, line, (size_t)len);
			if (len && line[len - 1] != '\n')
				buf_addc(&group, '\n');
		}
		if (group.len && !a->db_failed)
			archive_deliver(a, (size_t)-1, group.data, group.len);
		buf_reset(&group);
		free(line);
		if (f != stdin)
			fclose(f);
	}
	buf_release(&group);
	return archive_end(a, 0);
}

int archive_dump_sql(const schema_t *s)
{
	buf_t b = BUF_INIT;
	char *err = NULL;
	if (sqlite_out_ddl(s, &b, &err) != 0) {
		fprintf(stderr, "beslut: %s\n", err);
		free(err);
		return 3;
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
	return 0;
}
