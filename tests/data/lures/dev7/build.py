# Numbers the hand-written rows in src/*.txt (class|company|text) and writes dev7.tsv.
import os
CO = {"AQ":"Aerolíneas Quetzal","HP":"Helvora Pharma AG","EA":"Energia Atlântica","LM":"Laurentide Mutuelle",
      "CV":"Casa Velluti","UZ":"Universiteit Zuiderhaven","TG":"Tsukiyo Games","MR":"Mercy Ridge Medical Center",
      "SL":"Stadt Lindenbrück","BS":"Banque Sabelle","-":"-"}
HAM = {"genuine-otp","it-notice-real","colleague","delivery-real","appointment","personal","marketing","bank-real","work-notification","innocent-password"}
here = os.path.dirname(os.path.abspath(__file__))
out = ["id\tlabel\tclass\tlang\tcompany\ttext"]
n = 0
for lang in ["en","de","es","fr","it","nl","pt","ja","ko","zh","tr","pl","sv"]:
    for line in open(os.path.join(here,"src",lang+".txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line: continue
        cls, co, text = line.split("|", 2)
        n += 1
        out.append("\t".join([f"d7-{n:03d}", "ham" if cls in HAM else "smish", cls, lang, CO[co], text]))
open(os.path.join(os.path.dirname(here),"dev7.tsv"),"w",encoding="utf-8").write("\n".join(out)+"\n")
print(n)
