#!/usr/bin/python3
"""tests/postgres/pg2sqlite.py CONNINFO OUT.sqlite SCHEMA.sql

Reads every table of a PostgreSQL database loaded by tools/load-postgres
back into a new SQLite database made from SCHEMA.sql (`beslut --dump sql`),
so that tests/archive/check_db.py can compare it with the JSON Lines.  The
values come back as JSON (json_agg): texts and numbers exactly as stored.
"""
import json
import re
import sqlite3
import subprocess
import sys


def main():
    conninfo, out, schema = sys.argv[1:4]
    sql = open(schema, encoding="utf-8").read()
    db = sqlite3.connect(out)
    db.executescript(sql)
    tables = re.findall(r'CREATE TABLE IF NOT EXISTS "?(\w+)"? \(', sql)
    cols = {t: [r[1] for r in db.execute('PRAGMA table_info("%s")' % t)] for t in tables}
    q = "SELECT json_build_object(%s)" % ", ".join(
        "'%s', (SELECT coalesce(json_agg(t), '[]') FROM (SELECT %s FROM \"%s\" ORDER BY id) t)" % (
            t, ", ".join('"%s"' % c for c in cols[t]), t) for t in tables)
    r = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", q],
                       stdout=subprocess.PIPE, check=True)
    data = json.loads(r.stdout.decode("utf-8"))
    for t in tables:
        db.executemany('INSERT INTO "%s" (%s) VALUES (%s)' % (
            t, ", ".join('"%s"' % c for c in cols[t]), ", ".join("?" * len(cols[t]))),
            [[row[c] for c in cols[t]] for row in data[t]])
    db.commit()


if __name__ == "__main__":
    main()
