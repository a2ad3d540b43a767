/*
 * emit.h — the output sink: JSON Lines to stdout or to a file.
 *
 * Output is collected in a block of BESLUT_OUT_BLOCK bytes and written
 * with one write(2) per block.  A file is written atomically: to a
 * temporary file beside it, renamed over the target by emit_close(commit=1);
 * emit_close(commit=0) removes the temporary file and leaves any existing
 * target untouched.  An existing target keeps its mode (a new one gets
 * 0666 less the umask); a target that is a symbolic link is written
 * through: the file it points to is replaced, the link stays; a target
 * that exists but is no regular file is refused.  While the temporary
 * file exists, SIGTERM, SIGINT and SIGHUP remove it and then end the
 * process with the same signal.
 */
#ifndef BESLUT_EMIT_H
#define BESLUT_EMIT_H

#include <stddef.h>
#include "common/util.h"

typedef struct emitter {
	int fd;         /* destination (1 for stdout) */
	char *path;     /* target file, NULL for stdout */
	char *tmp;      /* temporary file being written, NULL for stdout */
	buf_t block;    /* pending bytes */
	int failed;     /* a write failed; errno text in error */
	char *error;
} emitter_t;

/* Open path (NULL = stdout).  Returns 0, or -1 with e->error set. */
int emit_open(emitter_t *e, const char *path);
void emit_write(emitter_t *e, const char *data, size_t len);
/* Flush and finish; returns 0, or -1 with e->error set.  Frees e's memory. */
int emit_close(emitter_t *e, int commit);

#endif
