/*
 * schema.h — the record schema, declared once as data.
 *
 * `grammars/records.bg` declares every record type a rule may emit, its
 * fields in output order and the kind of each value:
 *
 *     record reservation {
 *         by: actors?, against: text?, in_favour_of: text?,
 *         written: bool = false,
 *     };
 *
 * The grammar parser reads `record` statements into a schema_t that lives
 * in the grammar's arena (immutable after compilation, shared by threads).
 * The compiler checks every rule action against it (unknown type, unknown
 * field, a literal outside an enum: a located error); assemble completes
 * records from it (every field present, in declared order, defaults
 * filled); `--dump schema` prints it as JSON, from which tools/gen-schema
 * writes docs/beslut.schema.json and against which the loaders and
 * tools/eval are checked.
 *
 * Fields whose name starts with '_' are hidden: rules may set them for
 * assemble to read, they are never written.
 */
#ifndef BESLUT_SCHEMA_H
#define BESLUT_SCHEMA_H

#include <stddef.h>
#include <stdio.h>
#include "common/util.h"

typedef enum skind_code {
	SK_TEXT,     /* a string (non-null: at least one character) */
	SK_COUNT,    /* an integer >= 0 */
	SK_ORDINAL,  /* an integer >= 1 */
	SK_BOOL,
	SK_DATE,     /* "YYYY-MM-DD" */
	SK_SHA256,   /* 64 lower-case hex digits */
	SK_ACTOR,    /* {name, party, role} */
	SK_ANY,      /* any value (for experiments and tests; not in the project's schema) */
	SK_ENUM,     /* one of a list of strings */
	SK_LIST,     /* an array of elem */
	SK_OBJECT,   /* an object with declared fields */
	SK__COUNT
} skind_code_t;

typedef struct sfield sfield_t;

typedef struct skind {
	unsigned char k;          /* skind_code_t */
	unsigned char nullable;   /* written `kind?` */
	const char **enums;       /* SK_ENUM values */
	size_t nenums;
	struct skind *elem;       /* SK_LIST element kind */
	sfield_t *fields;         /* SK_OBJECT fields */
	size_t nfields;
} skind_t;

struct sfield {
	const char *name;
	skind_t kind;
	int has_default;          /* `= false` / `= true`: written instead of null */
	int default_bool;
	unsigned file, off;       /* where declared (grammar source, byte offset) */
};

typedef struct stype {
	const char *name;
	sfield_t *fields;
	size_t nfields;
	unsigned file, off;
} stype_t;

typedef struct schema {
	stype_t *types;           /* in declaration order */
	size_t ntypes;
	size_t cap;               /* while parsing */
} schema_t;

/* Name of a kind code ("text", "count", …). */
const char *schema_kind_name(int k);
/* Kind code of a name, or -1 (the simple kinds only: not enum/list/object). */
int schema_kind_find(const char *name);

/* The declared type of that name, its index via *idx (may be NULL); NULL if none. */
const stype_t *schema_type(const schema_t *s, const char *name, size_t *idx);
/* A field of a type or an object kind; NULL if none. */
const sfield_t *schema_field(const sfield_t *f, size_t n, const char *name);
/* Is str one of the enum's values? */
int schema_enum_has(const skind_t *k, const char *str);

/* The schema as one JSON object (`--dump schema`):
 * {"types": [{"type": T, "fields": [{"name", "kind", "nullable", …}]}]}. */
void schema_dump_json(const schema_t *s, buf_t *out);

#endif
