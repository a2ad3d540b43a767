/*
 * sqlite_out.c — the relational schema derived from the record schema,
 * and the writer (see sqlite_out.h).
 *
 * Derivation, per record type and per declared field (hidden `_` fields
 * are never written, so never stored):
 *   text, date, sha256, enum, any  -> TEXT column
 *   count, ordinal, bool           -> INTEGER column
 *   actor                          -> FIELD_name, FIELD_party, FIELD_role
 *   object                         -> its fields flattened as FIELD_SUB
 *   list(actor) of a record        -> rows of `actors`
 *   list(object | scalar)          -> a child table, one row per element
 *   any other list (nested)        -> TEXT column holding the JSON
 */
#include "sqlite_out.h"
#include "json_read.h"
#include "common/value.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PATH 8
/* Documents are committed in batches of at most this many documents or
 * seconds; within a batch each document is its own savepoint. */
#define BATCH_DOCS 256
#define BATCH_SECONDS 1.0
#define FK "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"

/* Envelope names every record carries (docs/records.md). */
#define DOC_TYPE "document"
#define ITEM_TYPE "item"

typedef struct col {
	char *name;
	const char *path[MAX_PATH];  /* field names from the record (or list element) */
	int np;
	int isint;
	int unique;
} col_t;

enum { TB_DOC, TB_TYPE, TB_OBJS, TB_SCALARS };

typedef struct tbl {
	char *name;
	int kind;
	const stype_t *type;
	const char *field;       /* the list field, for child tables */
	int parent;              /* index of the parent table (children), -1 */
	col_t *cols;
	size_t ncols, ccap;
	const char **actor_fields;
	size_t nactor, acap;
	int *kids;
	size_t nkids, kcap;
	sqlite3_stmt *ins;
} tbl_t;

typedef struct plan {
	tbl_t *t;
	size_t n, cap;
	int *type_tbl;           /* schema type index -> table index */
	int doc_tbl, item_tbl;   /* -1 when the schema has none */
	const stype_t *item_type;
	char *err;
} plan_t;

struct sqlite_out {
	sqlite3 *db;
	const schema_t *schema;
	char *version;
	plan_t p;
	sqlite3_stmt *ins_rec, *ins_actor, *del_doc, *max_rec;
	int in_tx;               /* a batch transaction is open */
	size_t tx_docs;          /* documents in it */
	double tx_start;         /* when it began */
};

/* ---- the plan ---- */

static const char *const TABLE_NAMES[][2] = {
	/* record type or TYPE_FIELD -> table, where the plain plural reads badly */
	{"att_sats", "att_satser"},
	{"jav", "jav"},
	{"vote_ballots", "ballots"},
};

static char *table_name(const char *key, int plural)
{
	for (size_t i = 0; i < sizeof TABLE_NAMES / sizeof TABLE_NAMES[0]; i++)
		if (strcmp(TABLE_NAMES[i][0], key) == 0)
			return xstrdup(TABLE_NAMES[i][1]);
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%s", key, plural ? "s" : "");
	return buf_detach(&b, NULL);
}

static int add_table(plan_t *p, char *name, int kind, const stype_t *type, const char *field, int parent)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->t[i].name, name) == 0 && !p->err) {
			buf_t e = BUF_INIT;
			buf_printf(&e, "two tables would be named %s", name);
			p->err = buf_detach(&e, NULL);
		}
	GROW(p->t, p->cap, p->n + 1);
	tbl_t *t = &p->t[p->n];
	memset(t, 0, sizeof *t);
	t->name = name;
	t->kind = kind;
	t->type = type;
	t->field = field;
	t->parent = parent;
	if (parent >= 0) {
		tbl_t *pt = &p->t[parent];
		GROW(pt->kids, pt->kcap, pt->nkids + 1);
		pt->kids[pt->nkids++] = (int)p->n;
	}
	return (int)p->n++;
}

static const char *const ENVELOPE[] = {
	"id", "document_id", "key", "item", "item_id", "page", "span_start", "span_end",
	"doc", "schema", "position", "type",
};

static void add_col(plan_t *p, int ti, const char *name, const char *const *path, int np, int isint)
{
	tbl_t *t = &p->t[ti];
	int clash = 0;
	for (size_t i = 0; i < sizeof ENVELOPE / sizeof ENVELOPE[0]; i++)
		clash |= strcmp(ENVELOPE[i], name) == 0;
	for (size_t i = 0; i < t->ncols; i++)
		clash |= strcmp(t->cols[i].name, name) == 0;
	if (t->parent >= 0) {
		buf_t pc = BUF_INIT;
		buf_printf(&pc, "%s_id", p->t[t->parent].type->name);
		clash |= strcmp(pc.data, name) == 0;
		buf_release(&pc);
	}
	if (clash && !p->err) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "table %s: column %s is declared twice or collides with a key column",
		           t->name, name);
		p->err = buf_detach(&e, NULL);
	}
	if (np > MAX_PATH) {
		if (!p->err)
			p->err = xstrdup("record schema nested too deeply for the database");
		return;
	}
	GROW(t->cols, t->ccap, t->ncols + 1);
	col_t *c = &t->cols[t->ncols++];
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	for (int i = 0; i < np; i++)
		c->path[i] = path[i];
	c->np = np;
	c->isint = isint;
}

static char *join(const char *prefix, const char *name)
{
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%s%s", prefix, *prefix && *name ? "_" : "", name);
	return buf_detach(&b, NULL);
}

static int is_scalar(int k)
{
	return k != SK_ACTOR && k != SK_OBJECT && k != SK_LIST;
}

static void add_field(plan_t *p, int ti, const char *colname, const skind_t *k,
                      const char **path, int np, int top)
{
	static const char *const ACTOR_KEYS[] = {"name", "party", "role"};
	switch (k->k) {
	case SK_COUNT:
	case SK_ORDINAL:
	case SK_BOOL:
		add_col(p, ti, colname, path, np, 1);
		break;
	case SK_ACTOR:
		for (int i = 0; i < 3; i++) {
			char *cn = join(colname, ACTOR_KEYS[i]);
			path[np] = ACTOR_KEYS[i];
			add_col(p, ti, cn, path, np + 1, 0);
			free(cn);
		}
		break;
	case SK_OBJECT:
		for (size_t i = 0; i < k->nfields; i++) {
			const sfield_t *f = &k->fields[i];
			if (f->name[0] == '_')
				continue;
			char *cn = join(colname, f->name);
			path[np] = f->name;
			add_field(p, ti, cn, &f->kind, path, np + 1, 0);
			free(cn);
		}
		break;
	case SK_LIST: {
		const skind_t *e = k->elem;
		tbl_t *t = &p->t[ti];
		if (top && e && e->k == SK_ACTOR && t->kind == TB_TYPE) {
			GROW(t->actor_fields, t->acap, t->nactor + 1);
			t->actor_fields[t->nactor++] = path[0];
		} else if (top && e && (e->k == SK_OBJECT || e->k == SK_ACTOR || is_scalar(e->k))) {
			buf_t key = BUF_INIT;
			buf_printf(&key, "%s_%s", t->type->name, path[0]);
			const stype_t *type = t->type;
			int scalar = is_scalar(e->k);
			int ci = add_table(p, table_name(key.data, 0), scalar ? TB_SCALARS : TB_OBJS, type,
			                   path[0], ti);
			buf_release(&key);
			const char *sub[MAX_PATH];
			add_field(p, ci, scalar ? "value" : "", e, sub, 0, 0);
		} else {
			add_col(p, ti, colname, path, np, 0); /* JSON text */
		}
		break;
	}
	default: /* text, date, sha256, enum, any */
		add_col(p, ti, colname, path, np, 0);
		break;
	}
}

static void plan_free(plan_t *p)
{
	for (size_t i = 0; i < p->n; i++) {
		tbl_t *t = &p->t[i];
		for (size_t c = 0; c < t->ncols; c++)
			free(t->cols[c].name);
		free(t->cols);
		free(t->actor_fields);
		free(t->kids);
		free(t->name);
		if (t->ins)
			sqlite3_finalize(t->ins);
	}
	free(p->t);
	free(p->type_tbl);
	free(p->err);
	memset(p, 0, sizeof *p);
}

static int plan_build(plan_t *p, const schema_t *s)
{
	memset(p, 0, sizeof *p);
	p->doc_tbl = p->item_tbl = -1;
	p->type_tbl = xcalloc(s->ntypes ? s->ntypes : 1, sizeof *p->type_tbl);
	for (size_t i = 0; i < s->ntypes; i++) {
		const stype_t *ty = &s->types[i];
		int isdoc = strcmp(ty->name, DOC_TYPE) == 0;
		int ti = add_table(p, table_name(ty->name, 1), isdoc ? TB_DOC : TB_TYPE, ty, NULL, -1);
		p->type_tbl[i] = ti;
		if (isdoc)
			p->doc_tbl = ti;
		if (strcmp(ty->name, ITEM_TYPE) == 0) {
			p->item_tbl = ti;
			p->item_type = ty;
		}
		for (size_t f = 0; f < ty->nfields; f++) {
			const sfield_t *fd = &ty->fields[f];
			if (fd->name[0] == '_')
				continue;
			const char *path[MAX_PATH] = {fd->name};
			add_field(p, ti, fd->name, &fd->kind, path, 1, 1);
			if (isdoc && strcmp(fd->name, "sha256") == 0)
				p->t[ti].cols[p->t[ti].ncols - 1].unique = 1;
		}
	}
	if (!p->err && p->doc_tbl < 0)
		p->err = xstrdup("the record schema declares no document type");
	if (!p->err) {
		const tbl_t *d = &p->t[p->doc_tbl];
		int has = 0;
		for (size_t c = 0; c < d->ncols; c++)
			has |= d->cols[c].unique;
		if (!has)
			p->err = xstrdup("the document record has no sha256 field");
	}
	return p->err ? -1 : 0;
}

/* ---- DDL ---- */

static void cols_ddl(buf_t *b, const tbl_t *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		buf_printf(b, ",\n  \"%s\" %s%s", t->cols[c].name, t->cols[c].isint ? "INTEGER" : "TEXT",
		           t->cols[c].unique ? " UNIQUE" : "");
}

static void plan_ddl(const plan_t *p, buf_t *b)
{
	const char *docs = p->t[p->doc_tbl].name;
	buf_printf(b, "CREATE TABLE IF NOT EXISTS \"%s\" (\n  id INTEGER PRIMARY KEY,\n  doc TEXT NOT NULL,\n"
	              "  key TEXT NOT NULL,\n  schema INTEGER,\n  span_start INTEGER,\n  span_end INTEGER",
	           docs);
	cols_ddl(b, &p->t[p->doc_tbl]);
	buf_printf(b, "\n);\n");
	buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_doc\" ON \"%s\"(doc);\n", docs, docs);
	buf_printf(b, "CREATE TABLE IF NOT EXISTS records (\n  id INTEGER PRIMARY KEY,\n"
	              "  document_id INTEGER NOT NULL REFERENCES \"%s\"(id) " FK ",\n"
	              "  type TEXT NOT NULL,\n  key TEXT NOT NULL,\n  item INTEGER,\n  page INTEGER,\n"
	              "  span_start INTEGER,\n  span_end INTEGER\n);\n"
	              "CREATE INDEX IF NOT EXISTS records_document ON records(document_id);\n",
	           docs);
	for (size_t i = 0; i < p->n; i++) {
		const tbl_t *t = &p->t[i];
		if (t->kind == TB_DOC)
			continue;
		buf_printf(b, "CREATE TABLE IF NOT EXISTS \"%s\" (\n", t->name);
		if (t->kind == TB_TYPE) {
			buf_printf(b, "  id INTEGER PRIMARY KEY REFERENCES records(id) " FK ",\n"
			              "  document_id INTEGER NOT NULL REFERENCES \"%s\"(id) " FK ",\n"
			              "  key TEXT NOT NULL,\n  item INTEGER,\n",
			           docs);
			if (p->item_tbl >= 0)
				buf_printf(b, "  item_id INTEGER REFERENCES \"%s\"(id) " FK ",\n", p->t[p->item_tbl].name);
			else
				buf_printf(b, "  item_id INTEGER,\n");
			buf_printf(b, "  page INTEGER,\n  span_start INTEGER,\n  span_end INTEGER");
		} else {
			buf_printf(b, "  id INTEGER PRIMARY KEY,\n");
			const tbl_t *pt = &p->t[t->parent];
			if (pt->kind != TB_DOC)
				buf_printf(b, "  \"%s_id\" INTEGER NOT NULL REFERENCES \"%s\"(id) " FK ",\n",
				           pt->type->name, pt->name);
			buf_printf(b, "  document_id INTEGER NOT NULL REFERENCES \"%s\"(id) " FK ",\n"
			              "  position INTEGER NOT NULL",
			           docs);
		}
		cols_ddl(b, t);
		buf_printf(b, "\n);\n");
		/* (document_id, item) serves look-ups by document too */
		if (t->kind != TB_TYPE)
			buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_document\" ON \"%s\"(document_id);\n", t->name,
			           t->name);
		if (t->kind == TB_TYPE) {
			buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_item\" ON \"%s\"(item_id);\n", t->name, t->name);
			buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_item_number\" ON \"%s\"(document_id, item);\n",
			           t->name, t->name);
		} else if (p->t[t->parent].kind != TB_DOC) {
			buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_parent\" ON \"%s\"(\"%s_id\");\n", t->name,
			           t->name, p->t[t->parent].type->name);
		}
	}
	buf_printf(b, "CREATE TABLE IF NOT EXISTS actors (\n  id INTEGER PRIMARY KEY,\n"
	              "  record_id INTEGER NOT NULL REFERENCES records(id) " FK ",\n"
	              "  document_id INTEGER NOT NULL REFERENCES \"%s\"(id) " FK ",\n"
	              "  field TEXT NOT NULL,\n  position INTEGER NOT NULL,\n"
	              "  name TEXT,\n  party TEXT,\n  role TEXT\n);\n"
	              "CREATE INDEX IF NOT EXISTS actors_record ON actors(record_id);\n"
	              "CREATE INDEX IF NOT EXISTS actors_document ON actors(document_id);\n"
	              "CREATE INDEX IF NOT EXISTS actors_party ON actors(party);\n"
	              "CREATE INDEX IF NOT EXISTS actors_name ON actors(name);\n",
	           docs);
}

int sqlite_out_ddl(const schema_t *s, buf_t *out, char **err)
{
	plan_t p;
	if (plan_build(&p, s) != 0) {
		*err = p.err;
		p.err = NULL;
		plan_free(&p);
		return -1;
	}
	plan_ddl(&p, out);
	plan_free(&p);
	return 0;
}

/* ---- writing ---- */

static char *db_error(sqlite3 *db, const char *what)
{
	buf_t e = BUF_INIT;
	buf_printf(&e, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return buf_detach(&e, NULL);
}

static int prepare(sqlite_out_t *o, const char *sql, sqlite3_stmt **st, char **err)
{
	if (sqlite3_prepare_v2(o->db, sql, -1, st, NULL) != SQLITE_OK) {
		*err = db_error(o->db, "database");
		return -1;
	}
	return 0;
}

static int prepare_inserts(sqlite_out_t *o, char **err)
{
	plan_t *p = &o->p;
	buf_t b = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		tbl_t *t = &p->t[i];
		buf_reset(&b);
		size_t nparam;
		buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
		if (t->kind == TB_DOC) {
			buf_adds(&b, "doc, key, schema, span_start, span_end");
			nparam = 5;
		} else if (t->kind == TB_TYPE) {
			buf_adds(&b, "id, document_id, key, item, item_id, page, span_start, span_end");
			nparam = 8;
		} else if (p->t[t->parent].kind == TB_DOC) {
			buf_adds(&b, "document_id, position");
			nparam = 2;
		} else {
			buf_printf(&b, "\"%s_id\", document_id, position", p->t[t->parent].type->name);
			nparam = 3;
		}
		for (size_t c = 0; c < t->ncols; c++)
			buf_printf(&b, ", \"%s\"", t->cols[c].name);
		buf_adds(&b, ") VALUES (?");
		for (size_t k = 1; k < nparam + t->ncols; k++)
			buf_adds(&b, ", ?");
		buf_adds(&b, ")");
		rc = prepare(o, b.data, &t->ins, err);
	}
	buf_reset(&b);
	if (rc == 0)
		rc = prepare(o, "INSERT INTO records (id, document_id, type, key, item, page, span_start, span_end)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &o->ins_rec, err);
	if (rc == 0)
		rc = prepare(o, "INSERT INTO actors (record_id, document_id, field, position, name, party, role)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?)", &o->ins_actor, err);
	if (rc == 0) {
		const tbl_t *d = &p->t[p->doc_tbl];
		const char *shacol = NULL;
		for (size_t c = 0; c < d->ncols; c++)
			if (d->cols[c].unique)
				shacol = d->cols[c].name;
		buf_printf(&b, "DELETE FROM \"%s\" WHERE \"%s\" = ?1 OR (\"%s\" IS NULL AND doc = ?2)", d->name,
		           shacol, shacol);
		rc = prepare(o, b.data, &o->del_doc, err);
	}
	if (rc == 0)
		rc = prepare(o, "SELECT coalesce(max(id), 0) FROM records", &o->max_rec, err);
	buf_release(&b);
	return rc;
}

sqlite_out_t *sqlite_out_open(const char *path, const schema_t *s, const char *version, char **err)
{
	sqlite_out_t *o = xcalloc(1, sizeof *o);
	o->schema = s;
	o->version = xstrdup(version ? version : "");
	if (plan_build(&o->p, s) != 0) {
		*err = o->p.err;
		o->p.err = NULL;
		sqlite_out_close(o, NULL);
		return NULL;
	}
	if (sqlite3_open_v2(path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s: cannot open the database: %s", path,
		           o->db ? sqlite3_errmsg(o->db) : "out of memory");
		*err = buf_detach(&e, NULL);
		sqlite_out_close(o, NULL);
		return NULL;
	}
	sqlite3_busy_timeout(o->db, 60000);
	buf_t ddl = BUF_INIT;
	buf_adds(&ddl, "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\n"
	               "PRAGMA foreign_keys = ON;\nPRAGMA cache_size = -65536;\nPRAGMA temp_store = MEMORY;\nBEGIN;\n");
	plan_ddl(&o->p, &ddl);
	buf_adds(&ddl, "COMMIT;\n");
	char *msg = NULL;
	if (sqlite3_exec(o->db, ddl.data, NULL, NULL, &msg) != SQLITE_OK) {
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s: cannot create the tables: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		*err = buf_detach(&e, NULL);
		buf_release(&ddl);
		sqlite_out_close(o, NULL);
		return NULL;
	}
	buf_release(&ddl);
	if (prepare_inserts(o, err) != 0) {
		char *e2 = *err;
		buf_t e = BUF_INIT;
		buf_printf(&e, "%s (a database written by another version of beslut?)", e2);
		free(e2);
		*err = buf_detach(&e, NULL);
		sqlite_out_close(o, NULL);
		return NULL;
	}
	return o;
}

int sqlite_out_close(sqlite_out_t *o, char **err)
{
	if (!o)
		return 0;
	int rc = 0;
	char *cerr = NULL;
	if (o->db && sqlite_out_commit(o, &cerr) != 0) {
		if (err)
			*err = cerr;
		else
			free(cerr);
		rc = -1;
	}
	sqlite3_finalize(o->ins_rec);
	sqlite3_finalize(o->ins_actor);
	sqlite3_finalize(o->del_doc);
	sqlite3_finalize(o->max_rec);
	plan_free(&o->p);
	if (o->db && sqlite3_close(o->db) != SQLITE_OK && rc == 0) {
		if (err)
			*err = db_error(o->db, "closing the database");
		rc = -1;
	}
	free(o->version);
	free(o);
	return rc;
}

static const value_t *at_path(const value_t *v, const char *const *path, int np)
{
	for (int i = 0; i < np; i++) {
		if (!v || v->k != V_OBJ)
			return NULL;
		v = v_get(v, path[i]);
	}
	return v;
}

static void bind_val(sqlite3_stmt *st, int idx, const value_t *v)
{
	if (!v || v->k == V_NULL) {
		sqlite3_bind_null(st, idx);
	} else if (v->k == V_BOOL) {
		sqlite3_bind_int(st, idx, v->u.b);
	} else if (v->k == V_INT) {
		sqlite3_bind_int64(st, idx, v->u.i);
	} else if (v->k == V_STR) {
		sqlite3_bind_text(st, idx, v->u.s.s, (int)v->u.s.n, SQLITE_STATIC);
	} else {
		buf_t b = BUF_INIT;
		json_write_value(&b, v);
		sqlite3_bind_text(st, idx, b.data ? b.data : "", (int)b.len, SQLITE_TRANSIENT);
		buf_release(&b);
	}
}

static void bind_cols(sqlite3_stmt *st, int first, const tbl_t *t, const value_t *v)
{
	for (size_t c = 0; c < t->ncols; c++)
		bind_val(st, first + (int)c, at_path(v, t->cols[c].path, t->cols[c].np));
}

static int step(sqlite_out_t *o, sqlite3_stmt *st, char **err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		*err = db_error(o->db, what);
		return -1;
	}
	return 0;
}

static const char *str_of(const value_t *v)
{
	return v && v->k == V_STR ? v->u.s.s : NULL;
}

static int is_int(const value_t *v)
{
	return v && v->k == V_INT;
}

static void bind_span(sqlite3_stmt *st, int idx, const value_t *rec)
{
	const value_t *sp = v_get(rec, "span");
	if (sp && sp->k == V_ARR && sp->u.a.n == 2) {
		bind_val(st, idx, sp->u.a.v[0]);
		bind_val(st, idx + 1, sp->u.a.v[1]);
	} else {
		sqlite3_bind_null(st, idx);
		sqlite3_bind_null(st, idx + 1);
	}
}

/* Child tables of table ti for the record value v (row id rid). */
static int write_children(sqlite_out_t *o, int ti, const value_t *v, sqlite3_int64 rid,
                          sqlite3_int64 docid, char **err)
{
	const tbl_t *t = &o->p.t[ti];
	for (size_t k = 0; k < t->nkids; k++) {
		const tbl_t *c = &o->p.t[t->kids[k]];
		const value_t *list = v_get(v, c->field);
		if (!list || list->k != V_ARR)
			continue;
		for (size_t i = 0; i < list->u.a.n; i++) {
			const value_t *e = list->u.a.v[i];
			int p = 1;
			if (t->kind != TB_DOC)
				sqlite3_bind_int64(c->ins, p++, rid);
			sqlite3_bind_int64(c->ins, p++, docid);
			sqlite3_bind_int64(c->ins, p++, (sqlite3_int64)i);
			if (c->kind == TB_SCALARS)
				bind_val(c->ins, p, e);
			else
				bind_cols(c->ins, p, c, e);
			if (step(o, c->ins, err, c->name))
				return -1;
		}
	}
	return 0;
}

static int write_actors(sqlite_out_t *o, const tbl_t *t, const value_t *rec, sqlite3_int64 rid,
                        sqlite3_int64 docid, char **err)
{
	for (size_t f = 0; f < t->nactor; f++) {
		const value_t *list = v_get(rec, t->actor_fields[f]);
		if (!list || list->k != V_ARR)
			continue;
		for (size_t i = 0; i < list->u.a.n; i++) {
			const value_t *a = list->u.a.v[i];
			sqlite3_stmt *st = o->ins_actor;
			sqlite3_bind_int64(st, 1, rid);
			sqlite3_bind_int64(st, 2, docid);
			sqlite3_bind_text(st, 3, t->actor_fields[f], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
			bind_val(st, 5, v_get(a, "name"));
			bind_val(st, 6, v_get(a, "party"));
			bind_val(st, 7, v_get(a, "role"));
			if (step(o, st, err, "actors"))
				return -1;
		}
	}
	return 0;
}

static int exec(sqlite_out_t *o, const char *sql, char **err)
{
	if (sqlite3_exec(o->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*err = db_error(o->db, sql);
		return -1;
	}
	return 0;
}

/* One document: recs[0] is its document record. */
static int write_document(sqlite_out_t *o, value_t **recs, size_t n, char **err)
{
	plan_t *p = &o->p;
	const value_t *d = recs[0];
	long long *item_no = NULL;
	size_t *item_at = NULL;
	const char *status = str_of(v_get(d, "status"));
	int ok = status && strcmp(status, "ok") == 0;
	const char *doc = str_of(v_get(d, "doc"));
	if (!doc || !str_of(v_get(d, "id"))) {
		*err = xstrdup("document record without doc or id");
		return -1;
	}
	if (!o->in_tx) {
		if (exec(o, "BEGIN IMMEDIATE", err))
			return -1;
		o->in_tx = 1;
		o->tx_docs = 0;
		o->tx_start = time_now();
	}
	if (exec(o, "SAVEPOINT doc", err))
		return -1;
	const tbl_t *dt = &p->t[p->doc_tbl];
	const value_t *sha = ok ? v_get(d, "sha256") : NULL;
	bind_val(o->del_doc, 1, sha);
	sqlite3_bind_text(o->del_doc, 2, doc, -1, SQLITE_STATIC);
	if (step(o, o->del_doc, err, "deleting the earlier copy"))
		goto fail;
	sqlite3_stmt *st = dt->ins;
	bind_val(st, 1, v_get(d, "doc"));
	bind_val(st, 2, v_get(d, "id"));
	bind_val(st, 3, v_get(d, "schema"));
	bind_span(st, 4, d);
	bind_cols(st, 6, dt, d);
	for (size_t c = 0; c < dt->ncols; c++)
		if (dt->cols[c].unique && !ok)
			sqlite3_bind_null(st, 6 + (int)c);
	if (step(o, st, err, dt->name))
		goto fail;
	sqlite3_int64 docid = sqlite3_last_insert_rowid(o->db);
	if (write_children(o, p->doc_tbl, d, docid, docid, err))
		goto fail;
	if (sqlite3_step(o->max_rec) != SQLITE_ROW) {
		sqlite3_reset(o->max_rec);
		*err = db_error(o->db, "records");
		goto fail;
	}
	sqlite3_int64 base = sqlite3_column_int64(o->max_rec, 0);
	sqlite3_reset(o->max_rec);
	/* the document's item records by number (the first of each number) */
	size_t nitems = 0;
	item_no = xcalloc(n, sizeof *item_no);
	item_at = xcalloc(n, sizeof *item_at);
	for (size_t j = 1; j < n && p->item_tbl >= 0; j++) {
		const char *tj = str_of(v_get(recs[j], "type"));
		const value_t *num = v_get(recs[j], "number");
		if (tj && strcmp(tj, p->item_type->name) == 0 && is_int(num)) {
			item_no[nitems] = num->u.i;
			item_at[nitems++] = j;
		}
	}
	for (size_t i = 1; i < n; i++) {
		const value_t *r = recs[i];
		const char *type = str_of(v_get(r, "type"));
		const char *key = str_of(v_get(r, "id"));
		if (!type || !key) {
			*err = xstrdup("record without type or id");
			goto fail;
		}
		sqlite3_int64 rid = base + (sqlite3_int64)i;
		const value_t *item = v_get(r, "item");
		st = o->ins_rec;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, docid);
		sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
		bind_val(st, 5, item);
		bind_val(st, 6, v_get(r, "page"));
		bind_span(st, 7, r);
		if (step(o, st, err, "records"))
			goto fail;
		size_t ti;
		if (!schema_type(o->schema, type, &ti) || p->type_tbl[ti] == p->doc_tbl)
			continue; /* not a declared record type: kept in records only */
		int tbi = p->type_tbl[ti];
		const tbl_t *t = &p->t[tbi];
		/* the item record of this document with the record's item number */
		sqlite3_int64 item_id = 0;
		for (size_t j = 0; j < nitems && is_int(item) && !item_id; j++)
			if (item_no[j] == item->u.i)
				item_id = base + (sqlite3_int64)item_at[j];
		st = t->ins;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, docid);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
		bind_val(st, 4, item);
		if (item_id)
			sqlite3_bind_int64(st, 5, item_id);
		else
			sqlite3_bind_null(st, 5);
		bind_val(st, 6, v_get(r, "page"));
		bind_span(st, 7, r);
		bind_cols(st, 9, t, r);
		if (step(o, st, err, t->name))
			goto fail;
		if (write_actors(o, t, r, rid, docid, err) || write_children(o, tbi, r, rid, docid, err))
			goto fail;
	}
	free(item_no);
	free(item_at);
	item_no = NULL;
	item_at = NULL;
	if (exec(o, "RELEASE doc", err))
		goto fail;
	if (++o->tx_docs >= BATCH_DOCS || time_now() - o->tx_start >= BATCH_SECONDS)
		return sqlite_out_commit(o, err);
	return 0;
fail:
	free(item_no);
	free(item_at);
	sqlite3_exec(o->db, "ROLLBACK TO doc; RELEASE doc", NULL, NULL, NULL);
	return -1;
}

int sqlite_out_commit(sqlite_out_t *o, char **err)
{
	if (!o->in_tx)
		return 0;
	o->in_tx = 0;
	if (sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*err = db_error(o->db, "commit");
		sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

long sqlite_out_write(sqlite_out_t *o, const char *s, size_t len, char **err)
{
	arena_t a = ARENA_INIT;
	value_t **recs = NULL;
	size_t n = 0, cap = 0;
	long docs = 0;
	int rc = 0;
	size_t line = 0;
	for (size_t pos = 0; pos < len && rc == 0;) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) : len;
		line++;
		size_t ll = end - pos;
		int blank = 1;
		for (size_t k = pos; k < end && blank; k++)
			blank = s[k] == ' ' || s[k] == '\t' || s[k] == '\r';
		if (!blank) {
			value_t *v;
			const char *msg;
			size_t at;
			if (json_parse(&a, s + pos, ll, &v, &msg, &at) != 0 || v->k != V_OBJ) {
				buf_t e = BUF_INIT;
				buf_printf(&e, "line %zu: %s", line, v && v->k != V_OBJ ? "not a JSON object" : msg);
				*err = buf_detach(&e, NULL);
				rc = -1;
				break;
			}
			const char *type = str_of(v_get(v, "type"));
			if (type && strcmp(type, DOC_TYPE) == 0 && n) {
				rc = write_document(o, recs, n, err);
				docs += rc == 0;
				n = 0;
			}
			if (rc == 0 && !n && !(type && strcmp(type, DOC_TYPE) == 0)) {
				buf_t e = BUF_INIT;
				buf_printf(&e, "line %zu: a record before its document record", line);
				*err = buf_detach(&e, NULL);
				rc = -1;
			}
			GROW(recs, cap, n + 1);
			recs[n++] = v;
		}
		pos = end + 1;
	}
	if (rc == 0 && n) {
		rc = write_document(o, recs, n, err);
		docs += rc == 0;
	}
	free(recs);
	arena_release(&a);
	return rc == 0 ? docs : -1;
}

int sqlite_out_is_db(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char h[16];
	size_t n = fread(h, 1, sizeof h, f);
	fclose(f);
	return n == 16 && memcmp(h, "SQLite format 3", 16) == 0;
}

int sqlite_out_hashes(const char *path, char ***v, size_t *n, size_t *cap, char **err)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		*err = db_error(db, path);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 60000);
	sqlite3_stmt *st = NULL;
	/* a database without the table yet has no documents done */
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'documents'",
	                       -1, &st, NULL) != SQLITE_OK) {
		*err = db_error(db, path);
		sqlite3_close(db);
		return -1;
	}
	int has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	int rc = 0;
	if (has) {
		if (sqlite3_prepare_v2(db, "SELECT sha256 FROM documents WHERE sha256 IS NOT NULL", -1, &st, NULL) !=
		    SQLITE_OK) {
			*err = db_error(db, path);
			sqlite3_close(db);
			return -1;
		}
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			const unsigned char *h = sqlite3_column_text(st, 0);
			GROW(*v, *cap, *n + 1);
			(*v)[(*n)++] = xstrdup((const char *)h);
		}
		if (s != SQLITE_DONE) {
			*err = db_error(db, path);
			rc = -1;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rc;
}
