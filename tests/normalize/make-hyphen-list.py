#!/usr/bin/env python3
"""List the line-end hyphens of a pdftotext protocol as a golden-list draft.

    tests/normalize/make-hyphen-list.py corpus/001_8b838460e9bf283a.txt > draft.tsv

One row per line-end hyphen, in text order: left fragment, right fragment,
proposed output form.  The proposal uses shape only (conjunction after the
break -> suspended compound "X- och", digit or capital or acronym -> keep,
else join); every row must then be checked by hand, which is what makes the
list golden.  Page-header lines (PROTOKOLL / "... Sida N (M)" / DOKUMENT-ID /
ARBGRP...) are skipped when looking for the right fragment.
"""
import re
import sys

WORD = r"[0-9A-Za-z\u00C0-\u024F]+"
CONJ = {"och", "eller", "samt", "respektive", "resp", "alternativt", "liksom", "men", "som"}
HEADER = re.compile(r"^\s*(PROTOKOLL|.*Sida \d+ \(\d+\)|DOKUMENT-ID.*|ARBGRP[0-9-]+, [0-9.]+)\s*$")


def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    content = [l.strip() for l in lines if l.strip() and not HEADER.match(l)]
    print("left\tright\texpected")
    for a, b in zip(content, content[1:]):
        m = re.search("(" + WORD + ")-$", a)
        if not m:
            continue
        left = m.group(1)
        # the fragment ends at the last non-letter-digit (inner hyphen included)
        left = re.split(r"[^0-9A-Za-z\u00C0-\u024F]", left)[-1]
        r = re.match(WORD, b)
        if not r:
            continue
        right = r.group(0)
        if right in CONJ:
            form = left + "- " + right
        elif left[-1].isdigit() and right[0].isupper():
            continue  # a dangling date, not a word hyphen
        elif left[-1].isdigit() or right[0].isdigit() or len(left) == 1 \
                or (len(left) >= 2 and left.isupper() and not right.isupper()) or right[0].isupper():
            form = left + "-" + right
        else:
            form = left + right
        print(f"{left}\t{right}\t{form}")


if __name__ == "__main__":
    main(sys.argv[1])
