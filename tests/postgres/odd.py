#!/usr/bin/python3
"""tests/postgres/odd.py OUT.jsonl — one document whose names and texts hold
quotes, backslashes, SQL, tabs, newlines, COPY's own markers and every
Swedish letter (records as beslut writes them)."""
import json
import sys

NAMES = ["O'Brien \"Kalle\" Åström", "back\\slash \\\\ två \\N \\.", "x'); DROP TABLE documents; --",
         "Ärlig Öberg-Ångström éü ÅÄÖ åäö", "tab\there\nnewline\r\n\\.\nend", "emoji \U0001F600 and \u2028 sep",
         "$$; DROP TABLE items; $$ :x :'y' \\! \\q", ""]
d = "odd/namn's \"doc\"\t\\ ÅÄÖ.txt"
doc = {"type": "document", "schema": 1, "doc": d, "id": d + "#document/1",
       "item": None, "page": None, "span": [0, 10], "source": "odd.txt", "bytes": 10,
       "sha256": "0" * 63 + "1", "status": "ok", "error": None, "gzip": False, "kind": "protokoll",
       "body": NAMES[0], "organisation": NAMES[3], "date": "2024-01-01", "pages": 1, "stats": None,
       "warnings": NAMES}
recs = [doc]
recs.append({"type": "item", "schema": 1, "doc": d, "id": d + "#item/1", "item": 7, "page": 1, "span": [0, 1],
             "number": 7, "title": NAMES[2], "dnr": NAMES[1], "decided_by": NAMES[6], "mode": "beslutar",
             "adjusted_immediately": False})
recs.append({"type": "proposal", "schema": 1, "doc": d, "id": d + "#proposal/1", "item": 7, "page": 1,
             "span": [1, 2], "by": [{"name": n, "party": n[:3], "role": None} for n in NAMES], "kind": "ändring",
             "rank": 1, "supports": {"name": NAMES[4], "party": "S", "role": NAMES[5]}, "text": "".join(NAMES)})
recs.append({"type": "vote", "schema": 1, "doc": d, "id": d + "#vote/1", "item": 7, "page": 1, "span": [2, 3],
             "method": "omröstning", "options": [{"label": NAMES[2], "by": {"name": NAMES[0], "party": "V", "role": None},
             "standing": True}], "adopted": 0, "ja": 3, "nej": 2,
             "counts": {"ja": 3, "nej": 2, "avstår": 1, "frånvarande": 0},
             "ballots": [{"name": n, "party": "MP", "vote": v}
                         for n, v in zip(NAMES, ["ja", "nej", "avstår", "frånvarande"] * 2)]})
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
