"""Format and sanity check for dev4.tsv (and companies.tsv, whose last 12 rows are its organisations). Run: python3 check_dev4.py"""
import collections, itertools, pathlib, re, sys, unicodedata
D = pathlib.Path(__file__).parent
SMISH = {"push-approval", "code-request", "callback", "credential-link", "payroll-hr", "chat-move",
         "remote-tool", "qr", "consumer-delivery", "consumer-toll", "consumer-bank", "consumer-prize",
         "shortener-lure", "gift-card-fraud"}
HAM = {"genuine-otp", "it-notice-real", "colleague", "delivery-real", "appointment", "personal",
       "marketing", "bank-real", "work-notification"}
MIN = {"en": 60, **{l: 15 for l in "es de fr pt it nl ja".split()}, **{l: 10 for l in "sv pl tr zh ko id ro".split()}}
errors = []
def read(name, nf):
    raw = (D / name).read_bytes()
    text = raw.decode("utf-8")  # raises if not UTF-8
    if b"\r" in raw: errors.append(f"{name}: CR found")
    if raw.startswith(b"\xef\xbb\xbf"): errors.append(f"{name}: BOM")
    if not text.endswith("\n"): errors.append(f"{name}: no final LF")
    lines = text.split("\n")[:-1]
    for n, l in enumerate(lines, 1):
        if len(l.split("\t")) != nf: errors.append(f"{name}:{n}: {len(l.split(chr(9)))} fields")
        if any(unicodedata.category(c) == "Cc" and c != "\t" for c in l): errors.append(f"{name}:{n}: control char")
    return [l.split("\t") for l in lines]
comp = read("companies.tsv", 5)  # its last 12 rows are dev4's organisations
assert comp[0] == ["company", "owned_domains", "sign_in", "help_phone", "never_ask"], comp[0]
companies = {r[0]: r for r in comp[1:]}
assert len(companies) >= 12
rows = read("dev4.tsv", 6)
assert rows[0] == ["id", "label", "class", "lang", "company", "text"], rows[0]
rows = rows[1:]
ids = [r[0] for r in rows]
if len(ids) != len(set(ids)): errors.append("duplicate ids")
if ids != [f"d4-{i:03d}" for i in range(1, len(ids) + 1)]: errors.append("ids not d4-001.. in order")
norm = lambda t: re.sub(r"\W+", " ", t.lower()).strip()
seen = {}
for r in rows:
    i, label, cls, lang, company, text = r
    if label not in ("smish", "ham"): errors.append(f"{i}: label {label}")
    if (label == "smish") != (cls in SMISH) or (label == "ham") != (cls in HAM): errors.append(f"{i}: {label}/{cls}")
    if lang not in MIN: errors.append(f"{i}: lang {lang}")
    if company != "-" and company not in companies: errors.append(f"{i}: company {company}")
    if not text.strip() or text != text.strip(): errors.append(f"{i}: empty/untrimmed text")
    if norm(text) in seen: errors.append(f"{i}: duplicate text of {seen[norm(text)]}")
    seen[norm(text)] = i
    # domains of the receiving company
    hosts = re.findall(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s:#?]|$)", text.lower())
    hosts = [h for h in hosts if not re.fullmatch(r"[\d.]+", h)]
    if company != "-":
        owned = companies[company][1].split(",")
        on_owned = [h for h in hosts if any(h == d or h.endswith("." + d) for d in owned)]
        if label == "smish" and on_owned: errors.append(f"{i}: smish links to an owned domain {on_owned}")
        m = re.search(r"@([\w.-]+) #(\d+)$", text)
        if m and not any(m.group(1) == d or m.group(1).endswith("." + d) for d in owned):
            errors.append(f"{i}: WebOTP on a non-owned domain {m.group(1)}")
    if label == "ham" and company != "-" and cls == "it-notice-real":
        if companies[company][3].split()[-1][-4:] not in re.sub(r"\D", "", text) and "@" not in text:
            print(f"note {i}: IT notice without the help number or a security mailbox")
for e in errors: print("ERROR", e)
# near duplicates within a language (token Jaccard; char bigrams for CJK)
def feats(t, lang):
    t = norm(t)
    if lang in ("ja", "zh"): return {t[k:k + 2] for k in range(len(t) - 1)}
    return set(t.split())
bylang = collections.defaultdict(list)
for r in rows: bylang[r[3]].append(r)
near = []
for lang, rs in bylang.items():
    for a, b in itertools.combinations(rs, 2):
        fa, fb = feats(a[5], lang), feats(b[5], lang)
        j = len(fa & fb) / len(fa | fb)
        if j >= 0.45: near.append((round(j, 2), a[0], b[0]))
for n in sorted(near, reverse=True): print("near-dup", *n)
c = collections.Counter(r[1] for r in rows)
print("rows", len(rows), dict(c))
lc = collections.Counter((r[3], r[1]) for r in rows)
for lang, m in MIN.items():
    tot = lc[(lang, "smish")] + lc[(lang, "ham")]
    ok = tot >= m and lc[(lang, "smish")] and lc[(lang, "ham")]
    print(f"{lang}: smish {lc[(lang, 'smish')]} ham {lc[(lang, 'ham')]} total {tot} (min {m}){'' if ok else '  <-- TOO FEW'}")
    if not ok: errors.append(f"lang {lang} below minimum")
print("FAIL" if errors else "OK")
sys.exit(1 if errors else 0)
