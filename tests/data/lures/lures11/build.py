#!/usr/bin/env python3
"""Number the hand-typed rows in src/*.txt and write dev.tsv.

Each src line is `s|class|company|text` or `h|class|company|text`; the file
name gives the language (en_s.txt / en_h.txt -> en). `company` is a short key
(SAB, PCE, ...) or `-`; it is replaced by the full `company` value of
companies.tsv. Nothing is generated: this only adds ids, expands s/h to
smish/ham and the company key, and writes TAB-separated rows.
"""
import os
ORDER = ["en_s", "en_h", "es", "de", "fr", "pt", "it", "nl", "ja",
         "ko", "zh", "pl", "tr", "ar", "hi", "sv", "id"]
KEYS = {
    "SAB": "Sablewood Mutual Insurance Co.",
    "PCE": "Penhallow Civil Engineering Ltd",
    "UPA": "Universidad Politécnica de Alcaraz",
    "KHN": "Kühlhaus Nordheide GmbH",
    "GFL": "Groupe Ferrand-Lacoste",
    "CAJ": "Banco Cajueiro S.A.",
    "CNG": "Cantieri Navali Gargano S.p.A.",
    "WHD": "Waterschap Hoge Dijken",
    "SHR": "Shirakaba Railway Co., Ltd.",
    "DDL": "Dhanvantari Diagnostics Pvt Ltd",
    "-": "-",
}
here = os.path.dirname(os.path.abspath(__file__))
rows = []
for name in ORDER:
    lang = name.split("_")[0]
    for line in open(os.path.join(here, "src", name + ".txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        l, cls, company, text = line.split("|", 3)
        label = {"s": "smish", "h": "ham"}[l]
        assert "\t" not in text
        rows.append((label, cls, lang, KEYS[company], text))
with open(os.path.join(here, "dev.tsv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("id\tlabel\tclass\tlang\tcompany\ttext\n")
    for i, r in enumerate(rows, 1):
        f.write("\t".join((f"l11-{i:03d}",) + r) + "\n")
print(len(rows), "rows")
