#!/usr/bin/python3
"""tests/archive/check_db.py NAME DB.sqlite OUT.jsonl SCHEMA.json

Checks that an SQLite database written by beslut holds exactly the records
of OUT.jsonl, re-deriving the mapping from the record schema on its own
(docs/database.md):
  - coverage: every declared (non-hidden) field of every type has its
    column, its actors rows or its child table;
  - counts: rows per table equal records per type in the JSON Lines;
  - round trip: every value of every record reads back equal (bools as 0/1,
    a null list as no rows).
Prints PASS/FAIL lines prefixed with NAME.
"""
import json
import sqlite3
import sys
from collections import Counter

NAMES = {"att_sats": "att_satser", "jav": "jav", "vote_ballots": "ballots"}
INT_KINDS = ("count", "ordinal", "bool")
ACTOR = ("name", "party", "role")


def table(t):
    return NAMES.get(t, t + "s")


def child(t, f):
    k = t + "_" + f
    return NAMES.get(k, k)


def flat(prefix, kind, path):
    """[(column, path, is_int)] for a value kind stored as columns."""
    k = kind["kind"]
    j = (lambda a, b: a + "_" + b if a and b else a or b)
    if k == "actor":
        return [(j(prefix, a), path + [a], False) for a in ACTOR]
    if k == "object":
        out = []
        for f in kind["fields"]:
            if not f["hidden"]:
                out += flat(j(prefix, f["name"]), f["value"], path + [f["name"]])
        return out
    if k == "list":
        return [(prefix, path, False)]  # nested list: JSON text
    return [(prefix, path, k in INT_KINDS)]


def plan(schema):
    """type -> dict(table, cols, actors: [field], children: [(field, table, cols, scalar)])."""
    p = {}
    for t in schema["types"]:
        name = t["type"]
        e = {"table": table(name), "cols": [], "actors": [], "children": []}
        for f in t["fields"]:
            if f["hidden"]:
                continue
            v = f["value"]
            if v["kind"] == "list" and v["elem"]["kind"] == "actor" and name != "document":
                e["actors"].append(f["name"])
            elif v["kind"] == "list" and v["elem"]["kind"] != "list":
                scalar = v["elem"]["kind"] not in ("actor", "object")
                cols = flat("value" if scalar else "", v["elem"], [])
                e["children"].append((f["name"], child(name, f["name"]), cols, scalar))
            else:
                e["cols"] += flat(f["name"], v, [f["name"]])
        p[name] = e
    return p


def get(v, path):
    for k in path:
        if not isinstance(v, dict):
            return None
        v = v.get(k)
    return v


def norm(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return v


def main():
    name, dbpath, jsonl, schemapath = sys.argv[1:5]
    fails = []
    db = sqlite3.connect(dbpath)
    schema = json.load(open(schemapath, encoding="utf-8"))
    p = plan(schema)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}

    # coverage
    missing = []
    for t, e in p.items():
        if e["table"] not in tables:
            missing.append(e["table"])
            continue
        have = {r[1]: r[2] for r in db.execute('pragma table_info("%s")' % e["table"])}
        for col, _, isint in e["cols"]:
            if col not in have or (isint and have[col] != "INTEGER"):
                missing.append("%s.%s" % (e["table"], col))
        for f, ct, cols, _ in e["children"]:
            if ct not in tables:
                missing.append(ct)
                continue
            chave = {r[1] for r in db.execute('pragma table_info("%s")' % ct)}
            missing += ["%s.%s" % (ct, c) for c, _, _ in cols if c not in chave]
    if "actors" not in tables:
        missing.append("actors")
    print(("FAIL %s/schema-coverage: not stored: %s" % (name, ", ".join(missing))) if missing
          else "PASS %s/schema-coverage (%d types)" % (name, len(p)))

    recs = [json.loads(l) for l in open(jsonl, encoding="utf-8") if l.strip()]
    # counts
    want = Counter(r["type"] for r in recs)
    got = {t: db.execute('select count(*) from "%s"' % p[t]["table"]).fetchone()[0] for t in p}
    bad = ["%s %d != %d" % (t, got[t], want.get(t, 0)) for t in p if got[t] != want.get(t, 0)]
    nrec = db.execute("select count(*) from records").fetchone()[0]
    if nrec != len(recs) - want["document"]:
        bad.append("records %d != %d" % (nrec, len(recs) - want["document"]))
    wa = sum(len(r.get(f) or []) for r in recs for f in p[r["type"]]["actors"])
    na = db.execute("select count(*) from actors").fetchone()[0]
    if na != wa:
        bad.append("actors %d != %d" % (na, wa))
    for t, e in p.items():
        for f, ct, _, _ in e["children"]:
            w = sum(len(r.get(f) or []) for r in recs if r["type"] == t)
            g = db.execute('select count(*) from "%s"' % ct).fetchone()[0]
            if g != w:
                bad.append("%s %d != %d" % (ct, g, w))
    print(("FAIL %s/row-counts: %s" % (name, "; ".join(bad))) if bad
          else "PASS %s/row-counts (%d records)" % (name, len(recs)))

    # round trip
    diffs = []
    for r in recs:
        t = r["type"]
        e = p[t]
        cols = [c for c, _, _ in e["cols"]]
        row = db.execute('select %s from "%s" where key = ?' % (
            ", ".join(["id"] + ['"%s"' % c for c in cols]), e["table"]), (r["id"],)).fetchall()
        if len(row) != 1:
            diffs.append("%s: %d rows" % (r["id"], len(row)))
            continue
        rid, vals = row[0][0], row[0][1:]
        for (c, path, _), v in zip(e["cols"], vals):
            w = norm(get(r, path))
            if t == "document" and c == "sha256" and r.get("status") != "ok":
                w = None
            if v != w:
                diffs.append("%s.%s: %r != %r" % (r["id"], c, v, w))
        for f in e["actors"]:
            got_a = db.execute("select name, party, role from actors where record_id = ? and field = ? "
                               "order by position", (rid, f)).fetchall()
            want_a = [tuple(a.get(k) for k in ACTOR) for a in (r.get(f) or [])]
            if got_a != want_a:
                diffs.append("%s.%s: %r != %r" % (r["id"], f, got_a, want_a))
        for f, ct, ccols, scalar in e["children"]:
            parent = "document_id" if t == "document" else t + "_id"
            got_c = db.execute('select %s from "%s" where "%s" = ? order by position' % (
                ", ".join('"%s"' % c for c, _, _ in ccols), ct, parent), (rid,)).fetchall()
            want_c = [tuple(norm(x if scalar else get(x, path)) for _, path, _ in ccols)
                      for x in (r.get(f) or [])]
            if got_c != want_c:
                diffs.append("%s.%s: %r != %r" % (r["id"], f, got_c, want_c))
    print(("FAIL %s/round-trip: %d differences, first: %s" % (name, len(diffs), "; ".join(diffs[:3])))
          if diffs else "PASS %s/round-trip (%d records)" % (name, len(recs)))
    fk = db.execute("pragma foreign_key_check").fetchall()
    print(("FAIL %s/foreign-keys: %r" % (name, fk[:3])) if fk else "PASS %s/foreign-keys" % name)


if __name__ == "__main__":
    main()
