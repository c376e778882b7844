#!/usr/bin/env python3
"""Number the hand-typed rows in src/*.txt and write ../lures9.tsv.

Each src line is `s|class|company|text` or `h|class|company|text`; the file
name gives the language (en_s.txt / en_h.txt -> en). Nothing is generated:
this only adds ids, expands s/h to smish/ham and writes TAB-separated rows.
"""
import os
ORDER = ["en_s", "en_h", "es", "pt", "fr", "de", "it", "nl", "ja",
         "ko", "ar", "hi", "zh", "pl", "tr"]
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
        rows.append((label, cls, lang, company, text))
with open(os.path.join(here, "..", "lures9.tsv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("id\tlabel\tclass\tlang\tcompany\ttext\n")
    for i, r in enumerate(rows, 1):
        f.write("\t".join((f"l9-{i:03d}",) + r) + "\n")
print(len(rows), "rows")
