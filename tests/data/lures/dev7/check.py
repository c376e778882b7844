#!/usr/bin/env python3
"""Validate lures7 (companies.tsv, dev7.tsv) and print counts. Splits on TAB only."""
import collections, os, re, sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/data/lures
SMISH = {"push-approval", "code-request", "callback", "credential-link", "payroll-hr", "chat-move",
         "remote-tool", "qr", "shortener-lure", "consumer-delivery", "consumer-toll", "consumer-bank",
         "consumer-prize", "gift-card-fraud"}
HAM = {"genuine-otp", "it-notice-real", "colleague", "delivery-real", "appointment", "personal",
       "marketing", "bank-real", "work-notification", "innocent-password"}
LANGS = ["en", "de", "es", "fr", "pt", "it", "nl", "ja", "ko", "zh", "tr", "pl", "sv"]
MAIN = ["en", "de", "es", "fr", "pt", "it", "nl", "ja"]
errors = []

def err(msg):
    errors.append(msg)

def read(name, header, nfields):
    raw = open(os.path.join(HERE, name), "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"): err(f"{name}: BOM")
    if b"\r" in raw: err(f"{name}: CR found")
    if not raw.endswith(b"\n"): err(f"{name}: no final LF")
    text = raw.decode("utf-8")  # raises if not UTF-8
    lines = text.split("\n")[:-1]
    if lines[0] != header: err(f"{name}: bad header {lines[0]!r}")
    rows = []
    for i, l in enumerate(lines[1:], 2):
        f = l.split("\t")
        if len(f) != nfields: err(f"{name}:{i}: {len(f)} fields, want {nfields}")
        if any(ord(c) < 32 for c in l if c != "\t"): err(f"{name}:{i}: control character")
        if any(x != x.strip() or not x for x in f): err(f"{name}:{i}: empty field or stray spaces")
        rows.append(f)
    return rows

companies = read("companies.tsv", "company\towned_domains\tsign_in\thelp_phone\tnever_ask", 5)
owned = {}
for c in companies:
    if len(c) != 5: continue
    owned[c[0]] = c[1].split(",")
    for u in c[2].split(","):
        if not u.startswith("https://"): err(f"companies.tsv: sign_in not https: {u}")
    if not 3 <= len(re.sub(r"\D", "", c[3])) <= 20: err(f"companies.tsv: bad help_phone {c[3]}")
if len(owned) != len(companies): err("companies.tsv: duplicate company")

rows = read("dev7.tsv", "id\tlabel\tclass\tlang\tcompany\ttext", 6)
ids, texts = set(), {}
for n, r in enumerate(rows, 1):
    if len(r) != 6: continue
    rid, label, cls, lang, co, text = r
    if rid != f"d7-{n:03d}": err(f"{rid}: id out of order (want d7-{n:03d})")
    if rid in ids: err(f"{rid}: duplicate id")
    ids.add(rid)
    if label not in ("smish", "ham"): err(f"{rid}: bad label {label}")
    if (label == "smish" and cls not in SMISH) or (label == "ham" and cls not in HAM):
        err(f"{rid}: class {cls} does not fit label {label}")
    if lang not in LANGS: err(f"{rid}: bad lang {lang}")
    if co != "-" and co not in owned: err(f"{rid}: unknown company {co}")
    # newline escaping: the only backslash sequence allowed is \n, never at the end
    if re.search(r"\\(?!n)", text) or text.endswith("\\n"): err(f"{rid}: bad backslash escape")
    key = re.sub(r"\W+", " ", text.lower()).strip()
    if key in texts: err(f"{rid}: duplicate text of {texts[key]}")
    texts[key] = rid
    # WebOTP: last line "@domain #code" must be an owned domain of the company
    last = text.split("\\n")[-1]
    m = re.fullmatch(r"@([\w.-]+) #(\d{4,8})", last)
    if m:
        if label != "ham": err(f"{rid}: WebOTP line in smish")
        if co != "-" and not any(m.group(1) == d or m.group(1).endswith("." + d) for d in owned[co]):
            err(f"{rid}: WebOTP domain {m.group(1)} not owned by {co}")
        if m.group(2) not in text.replace(" ", "")[: -len(last)]: err(f"{rid}: WebOTP code not in body")
    # smish must not link to a host under the receiving company's owned domains
    if label == "smish" and co != "-":
        for host in re.findall(r"(?:https?://)?((?:[\w-]+\.)+[a-z]{2,})(?:/|\b)", text.lower()):
            if any(host == d or host.endswith("." + d) for d in owned[co]):
                err(f"{rid}: smish links owned host {host}")

if errors:
    print("\n".join(errors)); print(f"FAIL: {len(errors)} problems"); sys.exit(1)

lab = collections.Counter(r[1] for r in rows)
print(f"dev7.tsv: {len(rows)} rows, smish {lab['smish']}, ham {lab['ham']}")
bylang = collections.Counter((r[3], r[1]) for r in rows)
print("\n| lang | smish | ham | total |\n|---|---:|---:|---:|")
for l in LANGS:
    print(f"| {l} | {bylang[l,'smish']} | {bylang[l,'ham']} | {bylang[l,'smish']+bylang[l,'ham']} |")
cl = collections.Counter((r[2], r[3]) for r in rows)
print("\n| label | class | " + " | ".join(LANGS) + " | total |")
print("|---|---|" + "---:|" * (len(LANGS) + 1))
for label, classes in (("smish", sorted(SMISH)), ("ham", sorted(HAM))):
    for c in classes:
        tot = sum(cl[c, l] for l in LANGS)
        print(f"| {label} | {c} | " + " | ".join(str(cl[c, l]) for l in LANGS) + f" | {tot} |")
cos = collections.Counter(r[4] for r in rows)
print("\nRows per receiving company: " + ", ".join(f"{k} {v}" for k, v in cos.most_common()))
# near-duplicates within a language (information only): token Jaccard, char bigrams for ja/zh/ko
def feats(t, lang):
    t = re.sub(r"\W+", " ", t.lower()).strip()
    if lang in ("ja", "zh", "ko"):
        t = t.replace(" ", "")
        return {t[i:i + 2] for i in range(len(t) - 1)}
    return set(t.split())
pairs = []
bl = collections.defaultdict(list)
for r in rows: bl[r[3]].append((r[0], feats(r[5], r[3])))
for l, items in bl.items():
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = items[i][1], items[j][1]
            jac = len(a & b) / max(1, len(a | b))
            if jac >= 0.4: pairs.append((jac, items[i][0], items[j][0]))
print("\nNear-duplicate pairs (Jaccard >= 0.40): " + (", ".join(f"{a}/{b} {j:.2f}" for j, a, b in sorted(pairs, reverse=True)) or "none"))
low = [l for l in MAIN if bylang[l, 'smish'] + bylang[l, 'ham'] < 25 or not bylang[l, 'smish'] or not bylang[l, 'ham']]
if low or len(rows) < 450:
    print(f"FAIL: too few rows ({len(rows)}) or languages under 25 rows / missing a label: {low}"); sys.exit(1)
print("\nOK")
