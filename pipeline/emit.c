/*
 * emit.c — block-buffered, atomic output (see emit.h).
 */
#include "emit.h"
#include "limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_error(emitter_t *e, const char *what)
{
	if (e->failed)
		return;
	e->failed = 1;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s: %s: %s", e->path ? e->path : "<stdout>", what, strerror(errno));
	e->error = buf_detach(&b, NULL);
}

int emit_open(emitter_t *e, const char *path)
{
	memset(e, 0, sizeof *e);
	e->fd = 1;
	if (!path || strcmp(path, "-") == 0)
		return 0;
	e->path = xstrdup(path);
	buf_t t = BUF_INIT;
	buf_printf(&t, "%s.tmp.XXXXXX", path);
	e->tmp = buf_detach(&t, NULL);
	e->fd = mkstemp(e->tmp);
	if (e->fd < 0) {
		set_error(e, "cannot create temporary file");
		free(e->tmp);
		free(e->path);
		e->tmp = e->path = NULL;
		return -1;
	}
	fchmod(e->fd, 0644);
	return 0;
}

static void write_all(emitter_t *e, const char *data, size_t len)
{
	size_t off = 0;
	while (!e->failed && off < len) {
		ssize_t w = write(e->fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			set_error(e, "write error");
			break;
		}
		off += (size_t)w;
	}
}

static void flush(emitter_t *e)
{
	write_all(e, e->block.data, e->block.len);
	buf_reset(&e->block);
}

void emit_write(emitter_t *e, const char *data, size_t len)
{
	if (e->fd < 0)
		return;
	if (e->block.len + len > BESLUT_OUT_BLOCK)
		flush(e);
	if (len >= BESLUT_OUT_BLOCK) {
		write_all(e, data, len);
		return;
	}
	buf_add(&e->block, data, len);
}

int emit_close(emitter_t *e, int commit)
{
	int rc = 0;
	if (e->fd >= 0)
		flush(e);
	if (e->tmp) {
		if (close(e->fd) != 0)
			set_error(e, "close error");
		if (commit && !e->failed) {
			if (rename(e->tmp, e->path) != 0)
				set_error(e, "cannot rename temporary file into place");
		}
		if (!commit || e->failed)
			unlink(e->tmp);
	}
	rc = e->failed ? -1 : 0;
	buf_release(&e->block);
	free(e->tmp);
	free(e->path);
	e->tmp = e->path = NULL;
	e->fd = -1;
	return rc;
}
