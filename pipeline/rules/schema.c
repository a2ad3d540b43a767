/*
 * schema.c — look-ups in the declared record schema and its JSON form
 * (see schema.h).  The `record` statement itself is parsed in
 * grammar_parse.c and checked against rule actions in grammar_compile.c.
 */
#include <string.h>
#include "schema.h"
#include "common/value.h"

static const char *const KIND_NAMES[SK__COUNT] = {
	"text", "count", "ordinal", "bool", "date", "sha256", "actor", "any", "enum", "list", "object",
};

const char *schema_kind_name(int k)
{
	return k >= 0 && k < SK__COUNT ? KIND_NAMES[k] : "?";
}

int schema_kind_find(const char *name)
{
	for (int k = 0; k < SK_ENUM; k++)
		if (strcmp(KIND_NAMES[k], name) == 0)
			return k;
	return -1;
}

const stype_t *schema_type(const schema_t *s, const char *name, size_t *idx)
{
	for (size_t i = 0; s && i < s->ntypes; i++)
		if (strcmp(s->types[i].name, name) == 0) {
			if (idx)
				*idx = i;
			return &s->types[i];
		}
	return NULL;
}

const sfield_t *schema_field(const sfield_t *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

int schema_enum_has(const skind_t *k, const char *str)
{
	for (size_t i = 0; i < k->nenums; i++)
		if (strcmp(k->enums[i], str) == 0)
			return 1;
	return 0;
}

static void dump_str(buf_t *b, const char *s)
{
	json_write_string(b, s, strlen(s));
}

static void dump_fields(const sfield_t *f, size_t n, buf_t *b);

static void dump_kind(const skind_t *k, buf_t *b)
{
	buf_adds(b, "{\"kind\": ");
	dump_str(b, schema_kind_name(k->k));
	buf_printf(b, ", \"nullable\": %s", k->nullable ? "true" : "false");
	if (k->k == SK_ENUM) {
		buf_adds(b, ", \"values\": [");
		for (size_t i = 0; i < k->nenums; i++) {
			if (i)
				buf_adds(b, ", ");
			dump_str(b, k->enums[i]);
		}
		buf_addc(b, ']');
	} else if (k->k == SK_LIST) {
		buf_adds(b, ", \"elem\": ");
		dump_kind(k->elem, b);
	} else if (k->k == SK_OBJECT) {
		buf_adds(b, ", \"fields\": ");
		dump_fields(k->fields, k->nfields, b);
	}
	buf_addc(b, '}');
}

static void dump_fields(const sfield_t *f, size_t n, buf_t *b)
{
	buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(b, ", ");
		buf_adds(b, "{\"name\": ");
		dump_str(b, f[i].name);
		buf_printf(b, ", \"hidden\": %s", f[i].name[0] == '_' ? "true" : "false");
		if (f[i].has_default)
			buf_printf(b, ", \"default\": %s", f[i].default_bool ? "true" : "false");
		buf_adds(b, ", \"value\": ");
		dump_kind(&f[i].kind, b);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

void schema_dump_json(const schema_t *s, buf_t *out)
{
	buf_adds(out, "{\"types\": [");
	for (size_t i = 0; s && i < s->ntypes; i++) {
		if (i)
			buf_adds(out, ",\n  ");
		buf_adds(out, "{\"type\": ");
		dump_str(out, s->types[i].name);
		buf_adds(out, ", \"fields\": ");
		dump_fields(s->types[i].fields, s->types[i].nfields, out);
		buf_addc(out, '}');
	}
	buf_adds(out, "]}\n");
}
