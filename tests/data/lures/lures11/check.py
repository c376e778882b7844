#!/usr/bin/env python3
"""Validate dev.tsv (lures11) and companies.tsv and print counts.

Checks: UTF-8, LF only, final newline, headers, field counts, ids l11-001..
unique and in order, label/class pairing, lang values, companies exist,
no duplicate texts after normalisation, no smish link on a host the
receiving company owns, no smish row carrying the company's real help_phone, WebOTP `@domain #code` lines on an owned domain (for
company rows), and prints the closest pairs within a language (token /
character-bigram Jaccard) so near-duplicates can be reviewed.
"""
import collections, os, re, sys, unicodedata

here = os.path.dirname(os.path.abspath(__file__))
SMISH = {"push-approval", "code-request", "callback", "credential-link",
         "payroll-hr", "chat-move", "remote-tool", "qr", "gift-card-fraud",
         "consumer-delivery", "consumer-toll", "consumer-bank",
         "consumer-prize", "shortener-lure", "sim-swap", "account-recovery",
         "job-scam"}
HAM = {"genuine-otp", "it-notice-real", "colleague", "work-notification",
       "delivery-real", "appointment", "personal", "marketing", "bank-real"}
LANGS = ["en", "es", "de", "fr", "pt", "it", "nl", "ja", "ko", "zh", "pl",
         "tr", "ar", "hi", "sv", "id"]
errors = []

def read(name, nfields):
    raw = open(os.path.join(here, name), "rb").read()
    text = raw.decode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        errors.append(f"{name}: BOM")
    if "\r" in text:
        errors.append(f"{name}: CR found")
    if not text.endswith("\n"):
        errors.append(f"{name}: no final LF")
    lines = text.split("\n")[:-1]
    out = []
    for n, line in enumerate(lines, 1):
        f = line.split("\t")
        if len(f) != nfields:
            errors.append(f"{name}:{n}: {len(f)} fields, want {nfields}")
        if any(unicodedata.category(ch) == "Cc" for ch in line.replace("\t", "")):
            errors.append(f"{name}:{n}: control character")
        out.append(f)
    return out

comp = read("companies.tsv", 5)
if comp[0] != ["company", "owned_domains", "sign_in", "help_phone", "never_ask"]:
    errors.append("companies.tsv: bad header")
owned = {}
helpphone = {}
for f in comp[1:]:
    doms = f[1].split(",")
    if any(" " in d or not d for d in doms):
        errors.append(f"companies.tsv: bad domains for {f[0]}")
    owned[f[0]] = doms
    helpphone[f[0]] = f[3]
    host = re.sub(r"^https://", "", f[2]).split("/")[0]
    if not any(host == d or host.endswith("." + d) for d in doms) and host not in ("login.microsoftonline.com", "accounts.google.com"):
        errors.append(f"companies.tsv: sign_in host {host} not owned ({f[0]})")
if len(owned) != 10:
    errors.append(f"companies.tsv: {len(owned)} companies, want 10")

rows = read("dev.tsv", 6)
if rows[0] != ["id", "label", "class", "lang", "company", "text"]:
    errors.append("dev.tsv: bad header")
rows = [r for r in rows[1:] if len(r) == 6]
seen = {}
HOST = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s:,)]|$)", re.I)
for i, (rid, label, cls, lang, company, text) in enumerate(rows, 1):
    if rid != f"l11-{i:03d}":
        errors.append(f"{rid}: id out of order (want l11-{i:03d})")
    if label == "smish":
        if cls not in SMISH:
            errors.append(f"{rid}: class {cls} is not a smish class")
    elif label == "ham":
        if cls not in HAM:
            errors.append(f"{rid}: class {cls} is not a ham class")
    else:
        errors.append(f"{rid}: bad label {label}")
    if lang not in LANGS:
        errors.append(f"{rid}: bad lang {lang}")
    if company != "-" and company not in owned:
        errors.append(f"{rid}: unknown company {company}")
    if not text.strip():
        errors.append(f"{rid}: empty text")
    norm = re.sub(r"\W+", " ", text.lower()).strip()
    if norm in seen:
        errors.append(f"{rid}: duplicate text of {seen[norm]}")
    seen[norm] = rid
    if company != "-":
        doms = owned[company]
        hosts = [h.lower() for h in HOST.findall(text.replace("\\n", " "))]
        if label == "smish":
            for h in hosts:
                if any(h == d or h.endswith("." + d) for d in doms):
                    errors.append(f"{rid}: smish links owned host {h}")
        hp = re.sub(r"\D", "", helpphone[company])[-7:]
        if label == "smish" and hp in re.sub(r"\D", "", text):
            errors.append(f"{rid}: smish uses the company's real help_phone")
        for m in re.finditer(r"(?:^|\\n)@([a-z0-9.-]+) #\d+", text):
            d = m.group(1)
            if not any(d == o or d.endswith("." + o) for o in doms):
                errors.append(f"{rid}: WebOTP domain {d} not owned")

if errors:
    print("\n".join(errors))
    sys.exit(1)

def toks(t):
    return set(re.findall(r"\w+", t.lower()))
def bigr(t):
    t = re.sub(r"\s+", "", t.lower())
    return {t[i:i + 2] for i in range(len(t) - 1)}
def jac(a, b):
    return len(a & b) / len(a | b) if a | b else 0.0
bylang = collections.defaultdict(list)
for r in rows:
    bylang[r[3]].append(r)
pairs = []
for lang, rs in bylang.items():
    for i in range(len(rs)):
        for j in range(i + 1, len(rs)):
            a, b = rs[i][5], rs[j][5]
            pairs.append((max(jac(toks(a), toks(b)), jac(bigr(a), bigr(b))), rs[i][0], rs[j][0]))
pairs.sort(reverse=True)
print("closest pairs (max of token / bigram Jaccard, same language):")
for s, a, b in pairs[:8]:
    print(f"  {s:.2f} {a} {b}")

lab = collections.Counter(r[1] for r in rows)
print(f"\n{len(rows)} rows: smish {lab['smish']} ({100*lab['smish']/len(rows):.0f}%), ham {lab['ham']} ({100*lab['ham']/len(rows):.0f}%)\n")
langs = [l for l in LANGS if any(r[3] == l for r in rows)]
print("| lang | smish | ham | total |\n|---|---:|---:|---:|")
for l in langs:
    s = sum(1 for r in rows if r[3] == l and r[1] == "smish")
    h = sum(1 for r in rows if r[3] == l and r[1] == "ham")
    print(f"| {l} | {s} | {h} | {s+h} |")
cc = collections.Counter((r[1], r[2], r[3]) for r in rows)
print("\n| label | class | " + " | ".join(langs) + " | total |")
print("|---|---|" + "---:|" * (len(langs) + 1))
for label, classes in (("smish", SMISH), ("ham", HAM)):
    present = sorted({r[2] for r in rows if r[1] == label})
    for c in present:
        vals = [cc[(label, c, l)] for l in langs]
        print(f"| {label} | {c} | " + " | ".join(map(str, vals)) + f" | {sum(vals)} |")
co = collections.Counter(r[4] for r in rows)
print("\nRows per receiving company: " + ", ".join(f"{k} {v}" for k, v in co.most_common()))
print("\nOK")
