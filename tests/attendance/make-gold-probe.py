#!/usr/bin/env python3
"""Writes gold-probe/*.jsonl: attendance gold for probe protocols
(tests/probe/<case>/input.txt), typed by hand from their cover pages in the
same line format as make-gold.py (status|name|party|role|from|to|substitute
name|substitute party|note).  `doc` is the case name."""
import json, os
ST = {"L": "ledamot", "T": "tjänstgörande_ersättare", "E": "ersättare", "O": "övrig"}
DOCS = {
"ks_granby_2020": """
L|Annika Löfberg|S|ordförande
L|Rolf Ahnström|C|vice ordförande
L|Petra Sjöqvist|M
L|Kent Wallgren|SD
L|Hussein Darwish|S
L|Elin Bergkvist|V
L|Tord Nyrén|KD
""",
"mhn_savsjoholm_2012": """
L|Anita Ström|S|ordförande
L|Rolf Dahl|M|vice ordförande
L|Göran Tell|C
L|Berit Krantz|M
L|Sven Eklöf|KD
L|Ulla Grip|S
L|Ragnar Ek|S
L|Mona Wall|V
L|Kurt Sjöman|L
T|Ragnar Ek|S||||Lisbeth Holm|S
O|Jonas Berg||miljöchef
O|Siri Hägg||miljöinspektör|23|23
O|Karl Öberg||sekreterare
""",
"ofn_vikbygden_2024": """
L|Eva Lind|S|ordförande
L|Kent Aronsson|M|vice ordförande
L|Nils Hjort|C
T|Agneta Bly|S||33|33|Eva Lind|S
L|Rune Falk|SD
O|Camilla Sten||enhetschef
O|Tove Ring||handläggare
O|Alva Mörk||sekreterare
""",
"rs_osterdal_2023": """
L|Sofia Rask|S|ordförande
L|Tomas Eld|M|förste vice ordförande
L|Anneli Fors|SD|andre vice ordförande
L|Mikael Dunér|S
L|Jessica Holmgren|S
L|Pär Ekdahl|S
L|Leila Hassan|S
L|Per Sundqvist|C||124|127
T|Ingrid Vall|C||128|129
L|Ylva Brandt|V
L|Hans-Erik Moberg|M
L|Karin Öst|M
L|Lars Wiik|KD
L|Fredrik Nyman|SD
L|Maja Törnqvist|SD
L|Rebecka Lund|MP
E|Ingrid Vall|C||124|127
E|Sven Tallroth|S
E|Emil Forsberg|M
O|Anna Lindahl||regiondirektör
O|Mats Hed||ekonomidirektör
O|Kristin Alvén||nämndsekreterare
""",
"utbildningsutskott_lakeby_2022": """
L|Anders Holmgren|S|ordförande
L|Sofia Nyberg|C|vice ordförande
L|Kerstin Åhman|S
L|Lena Sjödin|S||27|32
L|Maria Ek|M
L|Peter Larsson|L
L|Jonas Wiklund|SD
T|Tomas Berg|S||29|29
O|Malin Åberg||förvaltningschef
O|Jenny Falk||verksamhetschef grundskola|31|32
O|Ahmed Rashid||controller|28|28
O|Elin Sundberg||utredare|29|30
O|Karolina Vik||nämndsekreterare
""",
"son_individutskott_kvarnbo_2022": """
L|Ann-Christin Wallin|S|ordförande
L|Lars Nyhlen|M|vice ordförande
L|Eva Lind|C
L|Maria Sjöholm|S
T|Hassan Ali|S||101|105
O|Karin Bergwall||enhetschef|98|106
O|Mikael Strand||socialsekreterare|99|101
O|Linnea Dahl||socialsekreterare|103|105
O|Jenny Holm||nämndsekreterare
""",
}
os.makedirs("gold-probe", exist_ok=True)
for doc, body in DOCS.items():
    out = [{"type": "document", "doc": doc, "annotated": ["attendance"]}]
    for line in body.strip().splitlines():
        st, name, party, role, fr, to, sfn, sfp, note = (line.split("|") + [""] * 9)[:9]
        out.append({"type": "attendance", "doc": doc, "item": None, "name": name,
                    "party": party or None, "role": role or None, "status": ST[st],
                    "present_from": int(fr) if fr else None, "present_to": int(to) if to else None,
                    "substitute_for": {"name": sfn, "party": sfp or None, "role": None} if sfn else None,
                    "note": note or None})
    with open(os.path.join("gold-probe", doc + ".jsonl"), "w", encoding="utf-8") as g:
        for r in out:
            g.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(doc, len(out) - 1)
