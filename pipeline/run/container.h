/*
 * container.h — archives as inputs: zip, tar (plain, gzip, xz, bzip2) and
 * a single xz-compressed text, read through libarchive.
 *
 * An archive is recognised by its name (container_name()).  Each member
 * that is a regular file named *.txt or *.txt.gz (no path component
 * starting with '.') is an input of its own, in sorted (byte) order of the
 * member names, with the document id ARCHIVE/MEMBER (`.gz` left off, as
 * for files); a `*.txt.xz` file is one input with the id of its name
 * without `.xz`.  Nothing is ever written to disk.
 *
 * Errors stay with what they concern: an archive that cannot be opened or
 * read gets an error document of its own (with the id of the archive);
 * a member that is corrupt, encrypted, a second member of the same name,
 * or larger than the document limit (--max-doc-bytes, also after its own
 * gzip) gets its own error document, and the other members are read.
 *
 * Reading: container_read() keeps a few open readers per archive (one per
 * thread reading it), each moving forward only, so that a compressed tar
 * is decompressed about once per worker, not once per member.
 * container_cleanup() closes them after the run.
 */
#ifndef BESLUT_CONTAINER_H
#define BESLUT_CONTAINER_H

#include <stddef.h>
#include "read/read.h"

/* 1 when name (a file name or path) is an archive beslut opens. */
int container_name(const char *name);

typedef struct container_member {
	char *name;     /* member name ("" for the one stream of a .txt.xz) */
	size_t index;   /* entry number in the archive */
	char *err;      /* found-time error (duplicate name), or NULL */
} container_member_t;

/* The input members of the archive at path, sorted.  Returns 0, or -1 with
 * *err (malloc'd) when the archive cannot be read: the members found
 * before the fault are still returned. */
int container_list(const char *path, container_member_t **members, size_t *n, char **err);
void container_members_free(container_member_t *m, size_t n);

/* Read member (name, index) of the archive at path into in, as
 * read_input_ex() reads a file: doc is the document id; at most max_bytes
 * (0 = the default limit).  Returns 0, or -1 with in->error set. */
int container_read(const char *path, const char *name, size_t index, const char *doc,
                   size_t max_bytes, input_t *in);

/* Close the readers kept open by container_read(). */
void container_cleanup(void);

#endif
