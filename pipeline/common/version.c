/*
 * version.c — the version string and the grammar hash (see version.h).
 */
#include "version.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BESLUT_VERSION
#define BESLUT_VERSION "unknown"
#endif

static char g_hash[65];

const char *beslut_version(void)
{
	return BESLUT_VERSION;
}

void version_set_grammar_hash(const char *hex)
{
	if (!hex) {
		g_hash[0] = '\0';
		return;
	}
	snprintf(g_hash, sizeof g_hash, "%s", hex);
}

const char *version_grammar_hash(void)
{
	return g_hash[0] ? g_hash : NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append every file of dir whose name ends in suffix, sorted, to b. */
static int add_dir(buf_t *b, const char *dir, const char *label, const char *suffix, char **err)
{
	DIR *d = opendir(dir);
	if (!d) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s: cannot read directory: %s", dir, strerror(errno));
		*err = buf_detach(&e, NULL);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0, sl = strlen(suffix);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		GROW(names, cap, n + 1);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_name);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		buf_t path = BUF_INIT, data = BUF_INIT;
		buf_printf(&path, "%s/%s", dir, names[i]);
		FILE *f = rc == 0 ? fopen(path.data, "rb") : NULL;
		if (rc == 0 && !f) {
			buf_t e = BUF_INIT;
			buf_printf(&e, "%s: %s", path.data, strerror(errno));
			*err = buf_detach(&e, NULL);
			rc = -1;
		}
		if (f) {
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
				buf_add(&data, chunk, got);
			if (ferror(f)) {
				buf_t e = BUF_INIT;
				buf_printf(&e, "%s: read error", path.data);
				*err = buf_detach(&e, NULL);
				rc = -1;
			}
			fclose(f);
			buf_printf(b, "%s/%s\n%zu\n", label, names[i], data.len);
			buf_add(b, data.data ? data.data : "", data.len);
		}
		buf_release(&path);
		buf_release(&data);
		free(names[i]);
	}
	free(names);
	return rc;
}

int grammar_hash_dirs(const char *gdir, const char *lexdir, char out[65], char **err)
{
	buf_t b = BUF_INIT;
	*err = NULL;
	int rc = add_dir(&b, gdir, "grammars", ".bg", err);
	if (rc == 0)
		rc = add_dir(&b, lexdir, "lexicons", ".tsv", err);
	if (rc == 0)
		sha256_hex(b.data ? b.data : "", b.len, out);
	buf_release(&b);
	return rc;
}
