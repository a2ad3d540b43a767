/*
 * container.c — archives as inputs through libarchive (see container.h).
 */
#include "container.h"
#include "common/limits.h"
#include "common/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int ends_with_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcasecmp(s + n - m, suf) == 0;
}

/* A single compressed stream, not an archive of members. */
static int is_raw(const char *name)
{
	return ends_with_ci(name, ".txt.xz");
}

int container_name(const char *name)
{
	static const char *const SUF[] = {".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz",
	                                  ".tar.bz2", ".tbz2", ".txt.xz", NULL};
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (base[0] == '.')
		return 0;
	for (int i = 0; SUF[i]; i++)
		if (ends_with_ci(base, SUF[i]))
			return 1;
	return 0;
}

static struct archive *open_archive(const char *path, char **err)
{
	struct archive *a = archive_read_new();
	if (!a) {
		*err = xstrdup("out of memory");
		return NULL;
	}
	archive_read_support_filter_all(a);
	if (is_raw(path))
		archive_read_support_format_raw(a);
	else
		archive_read_support_format_all(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s: cannot read the archive: %s", path, archive_error_string(a));
		*err = buf_detach(&e, NULL);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The member name without a leading "/" or "./". */
static const char *clean_name(const char *n)
{
	for (;;) {
		if (n[0] == '/')
			n++;
		else if (n[0] == '.' && n[1] == '/')
			n += 2;
		else
			return n;
	}
}

static int wanted_member(const char *n)
{
	size_t l = strlen(n);
	if (!((l > 4 && strcmp(n + l - 4, ".txt") == 0) || (l > 7 && strcmp(n + l - 7, ".txt.gz") == 0)))
		return 0;
	for (const char *c = n; c; c = strchr(c, '/')) { /* no hidden path component */
		if (*c == '/')
			c++;
		if (*c == '.')
			return 0;
	}
	return 1;
}

static int cmp_member(const void *x, const void *y)
{
	const container_member_t *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

void container_members_free(container_member_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].err);
	}
	free(m);
}

int container_list(const char *path, container_member_t **members, size_t *nmembers, char **err)
{
	*members = NULL;
	*nmembers = 0;
	*err = NULL;
	struct archive *a = open_archive(path, err);
	if (!a)
		return -1;
	container_member_t *m = NULL;
	size_t n = 0, cap = 0, idx = 0;
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (is_raw(path)) {
			GROW(m, cap, n + 1);
			m[n++] = (container_member_t){xstrdup(""), 0, NULL};
			break;
		}
		if (archive_entry_filetype(e) == AE_IFREG) {
			const char *nm = archive_entry_pathname_utf8(e);
			if (!nm)
				nm = archive_entry_pathname(e);
			if (!nm || utf8_valid_prefix((const unsigned char *)nm, strlen(nm)) != strlen(nm)) {
				GROW(m, cap, n + 1);
				buf_t id = BUF_INIT, msg = BUF_INIT;
				buf_printf(&id, "entry-%zu.txt", idx + 1);
				buf_printf(&msg, "%s: entry %zu: a member name that is not valid UTF-8, not read",
				           path, idx + 1);
				m[n++] = (container_member_t){buf_detach(&id, NULL), idx, buf_detach(&msg, NULL)};
			} else if (wanted_member(clean_name(nm))) {
				GROW(m, cap, n + 1);
				m[n++] = (container_member_t){xstrdup(clean_name(nm)), idx, NULL};
			}
		}
		idx++;
	}
	int rc = 0;
	if (r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		buf_t b = BUF_INIT;
		buf_printf(&b, "%s: cannot read the archive%s: %s", path, n ? " after its first members" : "",
		           archive_error_string(a) ? archive_error_string(a) : "unknown error");
		*err = buf_detach(&b, NULL);
		rc = -1;
	}
	archive_read_free(a);
	if (n > 1)
		qsort(m, n, sizeof *m, cmp_member);
	for (size_t i = 1; i < n; i++)
		if (strcmp(m[i].name, m[i - 1].name) == 0 && !m[i].err) {
			buf_t b = BUF_INIT;
			buf_printf(&b, "%s: a second member named %s (entry %zu), not read", path, m[i].name,
			           m[i].index + 1);
			m[i].err = buf_detach(&b, NULL);
		}
	*members = m;
	*nmembers = n;
	return rc;
}

/* ---- readers kept open between members ---- */

typedef struct reader {
	char *path;
	struct archive *a;
	size_t next;  /* entry number of the next header */
	int busy;
} reader_t;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static reader_t **g_readers; /* each allocated once: a busy reader never moves */
static size_t g_n, g_cap;

/* A reader of path positioned at or before entry index, marked busy; a new
 * one when none is free.  NULL with *err when the archive cannot be opened. */
static reader_t *take_reader(const char *path, size_t index, char **err)
{
	pthread_mutex_lock(&g_mu);
	reader_t *r = NULL;
	for (size_t i = 0; i < g_n; i++) {
		reader_t *c = g_readers[i];
		if (c->a && !c->busy && c->next <= index && strcmp(c->path, path) == 0 &&
		    (!r || c->next > r->next))
			r = c;
	}
	for (size_t i = 0; !r && i < g_n; i++)
		if (!g_readers[i]->a && !g_readers[i]->busy)
			r = g_readers[i];
	if (!r) {
		GROW(g_readers, g_cap, g_n + 1);
		r = g_readers[g_n++] = xcalloc(1, sizeof *r);
	}
	r->busy = 1;
	pthread_mutex_unlock(&g_mu);
	if (!r->a) {
		free(r->path);
		r->path = xstrdup(path);
		r->next = 0;
		r->a = open_archive(path, err);
		if (!r->a) {
			pthread_mutex_lock(&g_mu);
			r->busy = 0;
			pthread_mutex_unlock(&g_mu);
			return NULL;
		}
	}
	return r;
}

static void give_back(reader_t *r, int broken)
{
	pthread_mutex_lock(&g_mu);
	if (broken && r->a) {
		archive_read_free(r->a);
		r->a = NULL;
	}
	r->busy = 0;
	pthread_mutex_unlock(&g_mu);
}

void container_cleanup(void)
{
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < g_n; i++) {
		if (g_readers[i]->a)
			archive_read_free(g_readers[i]->a);
		free(g_readers[i]->path);
		free(g_readers[i]);
	}
	free(g_readers);
	g_readers = NULL;
	g_n = g_cap = 0;
	pthread_mutex_unlock(&g_mu);
}

static int member_fail(input_t *in, const char *src, const char *doc, char *msg)
{
	in->path = xstrdup(src);
	in->doc = xstrdup(doc);
	in->error = msg;
	return -1;
}

int container_read(const char *path, const char *name, size_t index, const char *doc,
                   size_t max_bytes, input_t *in)
{
	size_t max = max_bytes == 0 ? BESLUT_DOC_BYTES_DEFAULT
	             : max_bytes > BESLUT_MAX_DOC_BYTES ? BESLUT_MAX_DOC_BYTES : max_bytes;
	buf_t src = BUF_INIT;
	buf_printf(&src, "%s%s%s", path, *name ? "/" : "", name);
	char *err = NULL;
	reader_t *r = take_reader(path, index, &err);
	if (!r) {
		int rc = member_fail(in, src.data, doc, err);
		buf_release(&src);
		return rc;
	}
	struct archive_entry *e = NULL;
	int found = 0, broken = 0;
	buf_t b = BUF_INIT;
	while (r->next <= index) {
		int h = archive_read_next_header(r->a, &e);
		if (h != ARCHIVE_OK && h != ARCHIVE_WARN) {
			buf_printf(&b, "%s: cannot read the archive: %s", src.data,
			           archive_error_string(r->a) ? archive_error_string(r->a) : "entry missing");
			broken = 1;
			break;
		}
		found = r->next++ == index;
	}
	buf_t raw = BUF_INIT;
	if (found && archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    (unsigned long long)archive_entry_size(e) > max) {
		buf_printf(&b, "%s: larger than %zu bytes (--max-doc-bytes): %lld bytes, not read", src.data,
		           max, (long long)archive_entry_size(e));
		found = 0;
	}
	if (found) {
		char chunk[1 << 16];
		for (;;) {
			la_ssize_t got = archive_read_data(r->a, chunk, sizeof chunk);
			if (got == 0)
				break;
			if (got < 0) {
				buf_printf(&b, "%s: cannot read the member: %s", src.data,
				           archive_error_string(r->a) ? archive_error_string(r->a) : "read error");
				broken = 1;
				break;
			}
			if (raw.len + (size_t)got > max) {
				buf_printf(&b, "%s: larger than %zu bytes after decompression (--max-doc-bytes), not read",
				           src.data, max);
				broken = 1; /* the rest of the member is not skipped */
				break;
			}
			buf_add(&raw, chunk, (size_t)got);
		}
	}
	give_back(r, broken);
	if (b.len) {
		buf_release(&raw);
		int rc = member_fail(in, src.data, doc, buf_detach(&b, NULL));
		buf_release(&src);
		return rc;
	}
	int rc = read_bytes(&raw, src.data, doc, max, in);
	buf_release(&raw);
	buf_release(&src);
	return rc;
}
