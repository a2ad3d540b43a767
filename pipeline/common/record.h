/*
 * record.h — a record as the grammar engine produces it and assemble
 * finishes it.
 *
 * The engine fills type, rule, the token and normalized-text spans, the
 * merge flag and the record's own fields (a V_OBJ in the document arena).
 * assemble then adds the envelope (schema, doc, id, item, page, span in
 * input bytes) and writes it.  Records live in a recvec_t that owns the
 * array; field values belong to the document arena.
 */
#ifndef BESLUT_RECORD_H
#define BESLUT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "value.h"

typedef struct record {
	const char *type;     /* "item", "att_sats", …; points into the grammar (lives as long as it) */
	const char *rule;     /* name of the rule that produced it (grammar-owned) */
	uint32_t tok_start;   /* token span [tok_start, tok_end) */
	uint32_t tok_end;
	uint32_t start;       /* normalized-text byte span [start, end) */
	uint32_t end;
	int merge;            /* 1: merge fields into the record of this type in the same item */
	value_t *fields;      /* V_OBJ: the type's own fields (no envelope) */
	uint32_t mstart;      /* the token its match starts at … */
	uint32_t group;       /* … and its rule's group: with tok_start, the order the
	                       * matcher gives records in (matcher_run_range) */
} record_t;

typedef struct recvec {
	record_t *v;
	size_t n, cap;
} recvec_t;

#define RECVEC_INIT {NULL, 0, 0}
record_t *recvec_push(recvec_t *rv);  /* zeroed new record */
void recvec_release(recvec_t *rv);

#endif
