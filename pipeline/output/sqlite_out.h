/*
 * sqlite_out.h — records into an SQLite database, through libsqlite3.
 *
 * The tables are derived from the record schema (grammars/records.bg) when
 * the database is opened; docs/database.md describes them.  In short:
 *
 *   documents        one row per document record; `sha256` UNIQUE (NULL
 *                    for a document with status "error"), the scalar fields
 *                    as columns (`beslut_version` and `grammar_hash` among
 *                    them), objects flattened (stats_lines, …)
 *   records          one row per other record: its envelope (document_id,
 *                    type, key = the record's `id`, item, page, span)
 *   one table per record type (items, att_satser, motions, proposals,
 *                    votes, reservations, jav, protocol_notes): id =
 *                    records.id, the envelope again, item_id → the item
 *                    record of the same document with that number, and a
 *                    column per scalar field (objects flattened, an actor
 *                    as NAME_name/NAME_party/NAME_role)
 *   actors           one row per actor of a list(actor) field (by,
 *                    submitters): record_id, field, position, name, party, role
 *   child tables     one per list of objects or scalars (vote_options,
 *                    ballots, motion_att_sats_outcomes, document_warnings):
 *                    a row per element with its position, FK to the parent
 *
 * Count, ordinal and bool fields are INTEGER columns; every table has a
 * document_id foreign key (ON DELETE CASCADE) with an index.
 *
 * Writing: sqlite_out_write() takes JSON Lines as beslut writes them (a
 * document record followed by that document's records) and stores each
 * document atomically: in a savepoint of its own, inside a transaction
 * that is committed every BATCH_DOCS documents or BATCH_SECONDS seconds
 * and on close (a commit per document costs a WAL append of every index
 * page it touches: 4x slower, see docs/database.md).  A run that is
 * killed loses at most its last batch, never half a document.  A document
 * already in the database (same sha256; for an error document, same doc)
 * is deleted first, so a re-run replaces and never duplicates.
 */
#ifndef BESLUT_SQLITE_OUT_H
#define BESLUT_SQLITE_OUT_H

#include <stddef.h>
#include "rules/schema.h"
#include "common/util.h"

typedef struct sqlite_out sqlite_out_t;

/* Open or create the database at path with the schema's tables.  version
 * is kept for messages only: each document row carries the beslut_version
 * of its record.  NULL with *err (allocated). */
sqlite_out_t *sqlite_out_open(const char *path, const schema_t *s, const char *version, char **err);

/* Store the documents in jsonl[0..len).  Returns the number of documents
 * stored, or -1 with *err (allocated): the failing document's transaction
 * is rolled back, documents before it stay. */
long sqlite_out_write(sqlite_out_t *db, const char *jsonl, size_t len, char **err);

/* Commit the documents written so far; 0, or -1 with *err. */
int sqlite_out_commit(sqlite_out_t *db, char **err);

/* Commit and close; returns 0, or -1 with *err. Frees db. */
int sqlite_out_close(sqlite_out_t *db, char **err);

/* The CREATE statements for the schema (what sqlite_out_open runs). Returns
 * 0, or -1 with *err when the schema cannot be mapped (a name collision). */
int sqlite_out_ddl(const schema_t *s, buf_t *out, char **err);

/* Is the file an SQLite database (by its header)? */
int sqlite_out_is_db(const char *path);

/* The sha256 of every document stored with status ok, appended to *v
 * (allocated strings).  Returns 0, or -1 with *err. */
int sqlite_out_hashes(const char *path, char ***v, size_t *n, size_t *cap, char **err);

#endif
