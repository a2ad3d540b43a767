#!/usr/bin/env python3
"""Writes gold/*.jsonl from the hand-typed lists below (one line per person:
status|name|party|role|from|to|substitute name|substitute party|note).
The lists are read off the excerpt texts in ../shared/corpus-real/excerpts/;
this script only spells them out as records."""
import json, os
ST = {"L": "ledamot", "T": "tjänstgörande_ersättare", "E": "ersättare", "O": "övrig"}
DOCS = {
"sunne-kf-2011-03-justerat-2011-04-04.txt": """
L|Ola Persson|C
L|Gunilla Ingemyr|C
L|Lena Gynnemo|C
L|Bengt Hedelin|C
L|Mirja Lundström|C
L|Kjerstin Persson|C
L|Ida Nilsson|C
L|Inge Andersson|C
L|Anna-Greta O Berggren|C
L|Karl-Johan Adolfsson|C
L|Bengt Gullström|C
L|Camilla Forslund|C
L|Elisabeth Olsson|C
L|Jan-Evert Rådhström|M
L|Jörn Okan|M
L|Åsa Rådhström|M
L|Robert Pedersen|M
L|Kerstin Sundén Bergqvist|M
L|Marianne Åhman|L
L|Emanuel Olsson|L
L|Tobias Eriksson|S
L|Anette Sätherberg|S
L|Gert Dahlberg|S
L|Agneta Carlsson|S
L|Lars Jonsson|S
L|Kari Gjulem|S
L|Mikael Lilja|S
L|Helena Anshammar|S
L|Jan-Erik Eriksson|S
L|Lena Birkefjärd|S
L|Kjell-Owe Larsson|S
L|Gerd Karlsson|S
L|Lars-Erik Hedlund|V
L|Tina Jörlén|MP
L|Eva Hallström|MP
L|Runar Filper|SD
T|Tomas Ögren|C||||Sven Emilsson|C
T|Hans Widlund|M||||Henrik Frykberger|M
T|Kerstin Johannesen|M||||Åsa Olsson|M
T|Lars-Gunnar Johnson|V||||Tellervo Zetterberg|V
T|Claes Lundgren|SD||||Jan Johansson|SD
O|Olle Edgren||kommunchef
O|Gunilla Nyström||kommunsekreterare
""",
"sala-kf-2013-06-19.txt": """
L|Lars Alderfors|L
L|Emil Andersson|S
L|Marcus Andersson|SBÄ
L|Annica Aspenbom|L
L|Eva Axelsson|KD
L|Karl-Axel Ekebom|S
L|Christer Eriksson|C
L|Gustaf Eriksson|C
L|Jan-Olov Eriksson|M
L|Magnus Eriksson|SBÄ
L|Monica Fahrman|MP
L|Mathias Goldkuhl|M
L|Carola Gunnarsson|C
L|Christer Gustafsson|C
L|Lotta Holmer|C
L|Ragge Jagero|SD
L|Bengt Jansson|S
L|Tomas Jansson|S
L|Michael PB Johansson|M
L|Tommy Johansson|S
L|Karin Karlsson|S
L|Amanda Lindblad|S
L|Bo Lindholm|SD
L|Peter Molin|M
L|Asa Nilsson|S
L|Joachim Nordlund|V
L|Victoria PaJen|SBÄ
L|Håkan Pettersson|KD
L|Maila Pettersson|C
L|Per-Olov Rapp|S
L|Ulrika Spåreho|S
L|Eva Stenberg|S
L|Gunnel Söderström|V
L|Maria Thunberg|M
L|Anders Westin|C
L|Erik Åberg|MP
T|Andreas Weiborn|M||||||kl
T|Allan Westin|M
T|Kerstin Larsson|C
T|Sven-Olof Pettersson|C
T|Eva Törnblom|S
T|Thomas Calissendorff|S
T|Kristina Nyberg|S
T|Daniel Ahlin|SBÄ
E|Pernilla johanssan|M||||||kl
E|Lars-johan Hylander|M||||||kl
E|Anna Gillerblad|C
E|Håkan Aspenbom|L
E|Agneta Sanneho Ögren|L
E|RolfNordström|KD||||||kl
E|Alf Ekebom|S
""",
"atvidaberg-ks-2013-01-09.txt": """
L|Lennart Haraldsson||ordförande
L|Sverre Moum
T|Odet Klaff|||||Elisabeth Edlund|
L|Thomas Lidberg
L|Maria Lind
L|Peder Griph
L|Siw Gustavsson
L|Sirvan Mostafaey
L|Lars-Erik Nilsson
L|Björn Moum
T|Bo Hasselblad|||||Kenneth Axelsson|
L|Åsa Merving
L|Sören Söderström
L|Astrid-Marie Jonsson
L|Lars Rasch
E|Kerstin Gustavsson
E|Lars-Åke Bergstrand
E|Marianne Sandberg
E|Ulf Dahl
E|Anki Sjöö-Törner
E|Anders Byström
E|Emmelie Dahl
E|Carl Donnér
E|Lennart Pettersson
E|Carin Palm
E|Mira Wedenberg
O|Kerstin Skarin||kommunchef
O|Rune Tessin
O|Bertil Jonsson
O|Anita Sjösvärd||kommunsekreterare
""",
"orust-ksau-2011-03-02.txt": """
L|Roger Hansson|||||||8:15-11:
L|Kerstin Gadde
L|Claes Nordevik
L|Ingrid Cassel
L|Bengt Johansson
L|Hans Pernervik|||||||11:30-12:
O|Lena Danielsson||kommunchef|||||8:15-11:
O|Börje Olsson||kanslichef
O|Susanne Gustavsson||verksamhetschef lärande
E|Hans Pernervik|||||||8:15-11:
O|Jan W Kjellberg||ordf. revisionen|6|6|||8:15-8:45
O|Bror Simonsson||vice ordf. revisionen|6|6|||8:15-8:45
O|Bengt Fredriksson||ekonomichef|6|7|||8:15-9:45
""",
"huddinge-kf-2015-05-11.txt": """
E|Johanna Bergman
E|Nicolas Holst
E|Claes-Johan Bonde
E|Anders Persson
E|Bengt Nylander
E|Gorges Barkho
E|Ingalill Söderberg
E|Lisbeth Krogh
E|Charlotte Björkman
E|Michael Hagström|||||||kom 17:20
E|Anna Larsson
E|Pran Malhotra
E|Claes Melkersson
E|Jonatan Spejare
E|Elisabeth Ulin Karlsson
E|Lars Johansson
E|Birgitta du Rées
E|Nils Nilsson
L|Emil Högberg|S
L|Daniel Dronjak Nordqvist|M
""",
}
os.makedirs("gold", exist_ok=True)
for doc, body in DOCS.items():
    out = [{"type": "document", "doc": doc, "annotated": ["attendance"]}]
    for line in body.strip().splitlines():
        f = (line.split("|") + [""] * 10)[:10]
        st, name, party, role, fr, to, sfn, sfp, note = f[:9]
        # a line may give the substitute at columns 7-8 (sfn, sfp) or, for
        # lists without parties, at 7 with 8 empty
        out.append({"type": "attendance", "doc": doc, "item": None, "name": name,
                    "party": party or None, "role": role or None, "status": ST[st],
                    "present_from": int(fr) if fr else None, "present_to": int(to) if to else None,
                    "substitute_for": {"name": sfn, "party": sfp or None, "role": None} if sfn else None,
                    "note": note or None})
    with open(os.path.join("gold", doc.replace(".txt", ".jsonl")), "w", encoding="utf-8") as g:
        for r in out:
            g.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(doc, len(out) - 1)
