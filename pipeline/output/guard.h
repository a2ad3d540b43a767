/*
 * guard.h — the last check of a document's records before output.
 *
 * The grammar and the assembler should never produce a value that
 * docs/beslut.schema.json forbids; when they do, the output must still
 * validate.  schema_guard() re-reads the JSON Lines of one document
 * (written by assemble_document), and for a record that breaks one of the
 * constraints below either nulls the field (when the schema allows null)
 * or drops the record (when it does not), and says so in a warning of the
 * document record, whose stats.records is kept right.  Lines it does not
 * change are left byte for byte.  A quick look at each line's bytes passes
 * the lines that surely need no change; only the others are parsed.
 *
 *   att_sats.number   an integer >= 1 or null        -> null
 *   proposal.rank     an integer >= 1 or null        -> null
 *   actor.party       ^[A-ZÅÄÖ0-9-]+$ or null        -> null (anywhere in a record)
 *   att_sats.text     a string                       -> record dropped
 *   vote.method       a string                       -> record dropped
 */
#ifndef BESLUT_GUARD_H
#define BESLUT_GUARD_H

#include <stddef.h>
#include "common/util.h"

/* out[start..] holds one document's lines, its document record first. */
void schema_guard(buf_t *out, size_t start);

#endif
