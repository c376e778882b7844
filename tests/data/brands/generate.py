#!/usr/bin/env python3
"""Regenerate tests/data/brands/lookalikes.tsv (and removed.tsv) from the
company policies in tests/data/brands/companies/ (and the aliases in
companies_aliases/).

Written from the policy format (docs/policy.md) and public data only, without
looking at the detector's code.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install dnstwist==20250130 publicsuffixlist idna
    /tmp/venv/bin/python tests/data/brands/generate.py

Offline: dnstwist's Fuzzer class is used only to generate permutations; no
DNS, whois, HTTP or other network call is made. Deterministic: every random
choice uses random.Random seeded with a fixed string, output is sorted.
Corpus files are read from $SECONDLOOK_CORPUS (default: ../shared/corpus
beside the repository).
"""

import csv
import os
import random
import re
import sys
import tomllib
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import dnstwist
import idna
from publicsuffixlist import PublicSuffixList

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.environ.get("SECONDLOOK_CORPUS", os.path.join(REPO, "..", "shared", "corpus"))

DNSTWIST_VERSION = "20250130"
PER_COMPANY_DNSTWIST = 180   # rows per company from dnstwist fuzzers (incl. Unicode twins)
HOMOGLYPH_CAP = 40           # rows of kind homoglyph per company (punycode + Unicode rows)
PER_CUSTOM = {"glued": 16, "misspelt-combo": 16, "split": 10, "short-combo": 24, "alias-combo": 30}

# 0ktapus / Scattered Spider lure words (dnstwist's dictionary option).
LURE = [
    "sso", "okta", "login", "signin", "helpdesk", "help", "support", "servicedesk",
    "it", "vpn", "hr", "payroll", "benefits", "portal", "auth", "mfa", "duo",
    "verify", "secure", "account", "corp", "internal", "citrix", "workday",
    "okta-sso", "sso-login", "myaccount", "my", "employee", "staff", "schedule",
    "reset", "password", "remote", "access", "intranet", "onelogin", "desk",
    "ticket", "2fa",
]
# dnstwist tld-swap dictionary (22 TLDs).
TLDS = [
    "com", "net", "org", "co", "io", "us", "info", "biz", "xyz", "online", "site",
    "app", "dev", "me", "cc", "co.uk", "de", "support", "help", "live", "cloud", "top",
]
COMBO_TLDS = ["com", "net", "org", "co", "io", "us", "info", "xyz", "online", "app", "co.uk", "help"]

DNSTWIST_FUZZERS = [
    "addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion",
    "omission", "plural", "repetition", "replacement", "subdomain", "transposition",
    "vowel-swap", "dictionary", "tld-swap", "various",
]
# Kinds that edit the brand's letters (COMMON_WORDS applies to these).
EDIT_KINDS = set(DNSTWIST_FUZZERS) - {"dictionary", "tld-swap"}
# Stratification weights: the 0ktapus-style kinds get a larger share.
WEIGHT = {"dictionary": 4, "tld-swap": 2}

# Generated domains that are real, unrelated, well-known sites (or real sites of
# the same company that its policy does not list). Removed, with the reason.
KNOWN_REAL = {
    "wm.com": "Waste Management", "m3.com": "M3 Inc. medical portal", "omd.com": "OMD media agency",
    "cooking.com": "cooking retailer", "ft.com": "Financial Times", "bp.com": "BP", "rt.com": "RT news",
    "bd.com": "Becton Dickinson", "ean.com": "Expedia Affiliate Network", "aa.com": "American Airlines",
    "ticketea.com": "ticketing site", "ca.com": "CA Technologies", "ew.com": "Entertainment Weekly",
    "ey.com": "EY", "ae.com": "American Eagle Outfitters", "gm.com": "General Motors",
    "bge.com": "Baltimore Gas and Electric", "te.com": "TE Connectivity", "go.com": "Disney's go.com",
    "hm.com": "H&M", "yp.com": "Yellow Pages", "up.com": "Union Pacific", "ubm.com": "UBM",
    "nj.com": "NJ.com news", "pge.com": "PG&E", "pga.com": "PGA of America", "ppg.com": "PPG Industries",
    "lg.com": "LG Electronics", "pb.com": "Pitney Bowes", "aps.com": "Arizona Public Service",
    "xe.com": "XE currency converter", "xm.com": "XM broker", "x.co": "GoDaddy's x.co short links",
    "orange.co.uk": "formerly Orange UK (mobile operator), not Orange S.A.'s listed domains",
    "z.com": "GMO Internet's z.com", "bhp.com": "BHP", "ip.com": "IP.com patent search",
    "eu.com": "CentralNic sub-registry", "sa.com": "CentralNic sub-registry", "us.com": "CentralNic sub-registry",
    "za.com": "CentralNic sub-registry", "br.com": "CentralNic sub-registry", "uk.com": "CentralNic sub-registry",
    "gb.com": "CentralNic sub-registry", "de.com": "CentralNic sub-registry", "cn.com": "CentralNic sub-registry",
    "ru.com": "CentralNic sub-registry", "jpn.com": "CentralNic sub-registry",
    "sea.com": "Sea Limited", "era.com": "ERA Real Estate", "bbt.com": "BB&T (Truist)", "gt.com": "Grant Thornton",
    "nt.com": "Nortel", "amc.com": "AMC Networks", "adm.com": "ADM (Archer Daniels Midland)", "ams.com": "ams OSRAM",
    "ibi.com": "Information Builders", "bm.com": "Burson-Marsteller", "ing.com": "ING Group",
    "ee.com": "EE-branded or unrelated site; not in the BT policy and not a safe label either way",
    "bbc.uk": "the .uk twin of bbc.co.uk (reserved for the .co.uk holder)",
    "signal.com": "the generic word 'signal' in .com, registered long before Signal Messenger",
    "mgm.com": "Metro-Goldwyn-Mayer (the film studio, not MGM Resorts)",
}
# Labels that are English words (found with the wamerican word list, kept here
# so the script needs no word list): a permutation that is a dictionary word is
# almost certainly a registered, unrelated site, not a lookalike.
COMMON_WORDS = set("""
aid ample amt and apples are ash asp base bile booing bookings booming cap chimp dash disco ear eat era
flare gee gel gem gen get grange group hep hoe hooking hope hype imp lox man mes mpg oft ogle okra ops
oranges pus range rap resorts rooking saps sat sax sea signals sip soft sop sorts spa sup swap ten umps
yap yups zap
""".split())
# The company's own sites that its policy does not list (removed as owned).
OWNED_UNLISTED = {
    # cloudflare.net is Cloudflare's, but a public suffix (PSL private section): a policy cannot list it.
    "cloudflare": ["cloudflare.net"],
    "google": ["google.de", "google.co.uk", "google.org", "google.dev"],
    "microsoft": ["microsoft.net", "microsoft.de", "microsoft.us"],
    "apple": ["apple.co", "apple.de", "apple.co.uk"],
    "ibm": ["ibm.biz"],
    "rakuten": ["rakuten.de"],
    "santander": ["santander.de"],
    "telefonica": ["telefonica.net"],
    "t-mobile": ["t-mobile.de"],  # Deutsche Telekom's German site
}
# Typos of a brand that are popular only through mistyping: kept as lookalikes
# although they appear in the top lists.
TOPLIST_KEEP = {"goggle.com", "goole.com", "googe.com"}

# OpenPhish: brand tokens matched inside the registrable label (ICANN suffixes
# only, so shared-hosting names like x.webflow.io never count), and
# delimited tokens (-ups- etc.) for short ones. Rows are then reviewed:
OPENPHISH_TOKENS = {
    "coinbase": ["coinbase"], "roblox": ["roblox"], "apple": ["apple", "icloud"],
    "microsoft": ["microsoft", "office365", "outlook", "hotmail"], "google": ["google", "gmail"],
    "cloudflare": ["cloudflare"], "okta": ["okta"], "t-mobile": ["t-mobile", "tmobile"],
    "salesforce": ["salesforce"], "booking-holdings": ["booking", "agoda", "kayak", "priceline"],
    "deutsche-telekom": ["telekom"], "bank-of-america": ["bankofamerica", "bofa"],
    "santander": ["santander"], "rakuten": ["rakuten"], "orange": ["orange"],
    "twilio": ["twilio", "sendgrid"], "mailchimp": ["mailchimp"], "doordash": ["doordash"],
    "riot-games": ["riotgames", "leagueoflegends", "valorant"], "reddit": ["reddit"],
    "lloyds-banking-group": ["lloyds", "halifax"], "siemens": ["siemens"],
}
OPENPHISH_SHORT = {"ups": ["ups"], "bank-of-america": ["boa"]}
# ... and these are left out (the token is part of another word or brand, or
# the domain belongs to the company itself):
OPENPHISH_EXCLUDE = {
    "google.com": "owned by Google (phishing hosted on Google Sites/Docs)",
    "trycloudflare.com": "owned by Cloudflare (tunnel service abused for hosting)",
    "microsoft.design": "owned by Microsoft (Microsoft Design site)",
    "kayak.it": "KAYAK's own Italian site",
    "pineapple.page": "'apple' inside 'pineapple'",
    "applehomes.com.au": "unrelated real-estate name",
    "instantmobilebill.com": "'tmobile' inside 'instantmobilebill'",
    "etisalat-mobile.click": "imitates Etisalat, not T-Mobile",
    "fast-mobile-kaiyun.com": "unrelated",
    "haberimnoktasi.shop": "Turkish 'noktasi'",
    "haftanin-noktasi.com.tr": "Turkish 'noktasi'",
    "hizmetnoktasi.xyz": "Turkish 'noktasi'",
    "rebrabooking.it": "not clearly Booking.com",
    "smartbooking.co.nz": "not clearly Booking.com",
    "santanderabogados.co": "Santander the place (law firm name)",
    "santanderbranchdesign.com": "not clearly the bank",
    "santandercycling.com.co": "Santander the place",
    "orange-grenoble-casiers.fr": "not clearly Orange",
    "orangeautossale.com": "unrelated",
    "orangecentergeel.be": "not clearly Orange",
    "orangegames.org": "unrelated",
    "robloxanimalhospitalplush.com": "toy shop name, not an imitation",
    "robloxtutorial.com": "fan content, not an imitation",
    "robloxmodsapk.com": "mods site, not an imitation",
    "zugangmailer.de": "'gmail' inside 'zugangmailer' (German 'access mailer')",
}
# Rows that match no token but clearly imitate a company.
OPENPHISH_EXTRA = {"outiook-offlceauthyfyveriflive.icu": "microsoft"}

PSL = PublicSuffixList(only_icann=True)
POOL = []  # every candidate before sampling (written with --pool FILE)


def split_domain(d):
    """(label left of the public suffix, public suffix, subdomain part)."""
    suf = PSL.publicsuffix(d)
    reg = PSL.privatesuffix(d) or d
    label = reg[: -len(suf) - 1] if reg != suf else reg
    sub = d[: -len(reg) - 1] if d != reg else ""
    return label, suf, sub


def load_companies():
    comps = {}
    for fn in sorted(os.listdir(os.path.join(HERE, "companies"))):
        if not fn.endswith(".toml"):
            continue
        stem = fn[:-5]
        with open(os.path.join(HERE, "companies", fn), "rb") as f:
            pol = tomllib.load(f)
        aliases = []
        ap = os.path.join(HERE, "companies_aliases", fn)
        if os.path.exists(ap):
            with open(ap, "rb") as f:
                for b in tomllib.load(f)["brand"]:
                    aliases += b.get("aliases", [])
        comps[stem] = {"org": pol["organization"]["name"], "brands": pol["brand"], "aliases": aliases}
    return comps


def load_toplists():
    """Popular real domains (corpus benign lists): generated names found here are removed."""
    top = {}
    with open(os.path.join(CORPUS, "benign", "alexa_top100k_2015.csv"), newline="") as f:
        for r in csv.reader(f):
            if r and r[0] != "rank":
                top.setdefault(r[1].strip().lower(), "Alexa top-100k 2015")
    with open(os.path.join(CORPUS, "benign", "umbrella_top10k_2021.txt")) as f:
        for line in f:
            if line.strip():
                top.setdefault(line.strip().lower(), "Umbrella top-10k 2021")
    return top


def owned_by(domain, owned):
    """Stem of the company owning domain (equal to or under a listed domain)."""
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        d = ".".join(parts[i:])
        if d in owned:
            return owned[d]
    return None


def ascii_name_tokens(name):
    name = name.replace("&", " and ").replace("é", "e").replace("ó", "o").lower()
    return [t for t in re.split(r"[^a-z0-9]+", name) if t]


def alias_tokens(alias):
    a = alias.lower().replace("&", "and")
    a = re.sub(r"[^a-z0-9]+", "", a)
    return [a] if len(a) >= 2 else []


def misspellings(label):
    f = dnstwist.Fuzzer(label + ".com")
    f.generate(fuzzers=["omission", "transposition", "replacement", "repetition", "vowel-swap", "insertion", "bitsquatting"])
    out = set()
    for p in f.domains:
        m = p["domain"][:-4]
        if m != label and "." not in m and re.fullmatch(r"[a-z0-9-]+", m) and len(m) >= 2 \
                and not m.startswith("-") and not m.endswith("-"):
            out.add(m)
    return sorted(out)


# Natural word splits of main labels (both halves English words).
NATURAL_SPLITS = {
    "booking": ["boo-king"], "cloudflare": ["cloud-flare"], "coinbase": ["coin-base"],
    "doordash": ["door-dash"], "mailchimp": ["mail-chimp"], "riotgames": ["riot-games"],
    "salesforce": ["sales-force"],
}


def custom_candidates(stem, c, main_label):
    """Our own kinds: {kind: {domain: what it was made from}}."""
    rng = random.Random("custom:" + stem)
    words = sorted({w for w in LURE if len(w) >= 2})
    plain_words = [w.replace("-", "") for w in words]
    out = defaultdict(dict)
    # glued: brand+word without hyphen, any TLD.
    for w in plain_words:
        for t in rng.sample(COMBO_TLDS, 2):
            out["glued"][f"{main_label}{w}.{t}"] = main_label
            out["glued"][f"{w}{main_label}.{t}"] = main_label
    # misspelt-combo: one-edit misspelling + lure word.
    for m in misspellings(main_label):
        w = rng.choice(words)
        t = rng.choice(COMBO_TLDS[:6])
        form = rng.choice(["{m}-{w}", "{w}-{m}", "{m}{w}"])
        ww = w.replace("-", "") if form == "{m}{w}" else w
        out["misspelt-combo"][form.format(m=m, w=ww) + "." + t] = f"{main_label} misspelt {m}"
    # split: the brand split by a hyphen, at word boundaries (every TLD in the
    # small list), then at any other place (one random TLD each).
    toks = ascii_name_tokens(c["brands"][0]["name"])
    natural = list(NATURAL_SPLITS.get(main_label, []))
    if len(toks) > 1:
        for i in range(1, len(toks)):
            natural.append("".join(toks[:i]) + "-" + "".join(toks[i:]))
        natural.append("-".join(toks))
    if "-" in main_label:
        natural.append(main_label.replace("-", ""))
    for s in sorted(set(natural)):
        for t in ["com", "net", "org", "co"]:
            out["split"][f"{s}.{t}"] = c["brands"][0]["name"]
    for name in sorted({main_label, "".join(toks)}):
        for i in range(1, len(name)):
            if name[i - 1] != "-" and name[i] != "-":
                t = rng.choice(["net", "org", "co", "io", "us"])
                out["split"].setdefault(f"{name[:i]}-{name[i:]}.{t}", name)
    # short-combo: a short brand (<= 3 letters) as its own token beside lure words.
    shorts = set()
    for b in c["brands"]:
        for d in b["domains"]:
            lab = split_domain(d)[0]
            if len(lab) <= 3 and (len(lab) >= 2 or lab == main_label):
                shorts.add(lab)
    for s in sorted(shorts):
        for w in words:
            w2 = rng.choice([x for x in words if x != w and "-" not in x])
            for form in (f"{s}-{w}.{rng.choice(COMBO_TLDS)}", f"{w}-{s}.{rng.choice(COMBO_TLDS)}",
                         f"{s}.{w}-{w2}.{rng.choice(COMBO_TLDS)}", f"{s}-{w}-{w2}.{rng.choice(COMBO_TLDS)}",
                         f"{w}.{s}-{w2}.{rng.choice(COMBO_TLDS)}"):
                out["short-combo"][form] = s
    # alias-combo: staff abbreviations + lure words (companies_aliases only).
    for a in sorted({t for al in c["aliases"] for t in alias_tokens(al)}):
        for w in words:
            for form in (f"{a}-{w}.{rng.choice(COMBO_TLDS)}", f"{w}-{a}.{rng.choice(COMBO_TLDS)}",
                         f"{a}{w.replace('-', '')}.{rng.choice(COMBO_TLDS)}",
                         f"{a}.{w}-login.{rng.choice(COMBO_TLDS)}" if w != "login" else f"{a}.sso-login.com"):
                out["alias-combo"][form] = a
    return out


def stratify(by_kind, budget, rng_seed, row_cost):
    """Weighted round-robin allocation of `budget` rows over kinds, then a
    seeded sample inside each kind. row_cost(domain) = rows it produces."""
    alloc = {k: 0 for k in by_kind}
    avail = {k: sorted(v) for k, v in by_kind.items()}
    cap = {k: (HOMOGLYPH_CAP if k == "homoglyph" else 10**9) for k in by_kind}
    rows_avail = {k: sum(row_cost(d) for d in v) for k, v in avail.items()}
    left = budget
    while left > 0:
        progressed = False
        for k in sorted(avail):
            room = min(rows_avail[k], cap[k]) - alloc[k]
            give = min(WEIGHT.get(k, 1), room, left)
            if give > 0:
                alloc[k] += give
                left -= give
                progressed = True
        if not progressed:
            break
    chosen = {}
    for k in sorted(avail):
        pool = list(avail[k])
        random.Random(f"{rng_seed}:{k}").shuffle(pool)
        got, rows = [], 0
        for d in pool:
            if rows + row_cost(d) > alloc[k]:
                continue
            got.append(d)
            rows += row_cost(d)
        chosen[k] = got
    return chosen


def idn_rows(d):
    """[d] or [punycode, unicode] for an IDN."""
    if any(l.startswith("xn--") for l in d.split(".")):
        try:
            u = idna.decode(d)
        except Exception:
            try:
                u = d.encode().decode("idna")
            except Exception:
                return [d]
        return [d, u.lower()]
    return [d]


def openphish_reported(comps):
    path = os.path.join(CORPUS, "phishing", "openphish_urls.tsv")
    regs = set()
    with open(path, newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0] == "url":
                continue
            try:
                host = urlsplit(row[0]).hostname
            except ValueError:
                continue
            if not host:
                continue
            host = host.lower().rstrip(".")
            reg = PSL.privatesuffix(host)
            if reg:
                regs.add(reg)
    out = []
    for reg in sorted(regs):
        label = split_domain(reg)[0]
        hit = None
        for stem, toks in OPENPHISH_TOKENS.items():
            if any(t in label for t in toks):
                hit = stem
                break
        if not hit:
            for stem, toks in OPENPHISH_SHORT.items():
                if any(re.search(r"(^|-)" + re.escape(t) + r"(-|$)", label) for t in toks):
                    hit = stem
                    break
        hit = OPENPHISH_EXTRA.get(reg, hit)
        if hit and hit in comps and reg not in OPENPHISH_EXCLUDE:
            out.append((reg, hit))
    return out


def twilio_reported():
    path = os.path.join(CORPUS, "twilio", "lookalikes.tsv")
    out = []
    with open(path, newline="") as f:
        rd = csv.DictReader(f, delimiter="\t")
        for r in rd:
            if r["source"].startswith("dnstwist"):
                continue
            out.append((r["domain"].lower(), "twilio", "twilio/lookalikes.tsv: " + r["source"]))
    return out


def main():
    if dnstwist.__version__ != DNSTWIST_VERSION:
        print(f"warning: dnstwist {dnstwist.__version__}, expected {DNSTWIST_VERSION}", file=sys.stderr)
    comps = load_companies()
    owned = {}
    for stem, c in comps.items():
        for b in c["brands"]:
            for d in b["domains"]:
                owned[d.lower()] = stem
    toplists = load_toplists()
    benign = set()
    with open(os.path.join(HERE, "benign_hard.tsv"), encoding="utf-8") as f:
        next(f)
        benign = {l.split("\t")[0] for l in f if l.strip()}
    rows = {}      # (domain, company) -> (kind, source)
    removed = []   # (domain, company, kind, reason)

    def keep(d, stem, kind):
        o = owned_by(d, owned)
        if o == stem:
            removed.append((d, stem, kind, "owned: in the company's policy"))
            return False
        if o:
            removed.append((d, stem, kind, f"owned by another company in this set ({o})"))
            return False
        if d in OWNED_UNLISTED.get(stem, []):
            removed.append((d, stem, kind, "the company's own site, not listed in its policy"))
            return False
        reg = PSL.privatesuffix(d) or d
        what = "" if reg == d else f" (its registrable part {reg})"
        if d in benign or reg in benign:
            removed.append((d, stem, kind, "real unrelated site listed in benign_hard.tsv" + what))
            return False
        if d in KNOWN_REAL or reg in KNOWN_REAL:
            removed.append((d, stem, kind, "real domain: " + (KNOWN_REAL.get(d) or KNOWN_REAL[reg] + what)))
            return False
        reg_label = split_domain(reg)[0]
        if kind in EDIT_KINDS and reg_label in COMMON_WORDS:
            removed.append((d, stem, kind, f"registrable label '{reg_label}' is an English word: a real unrelated site"))
            return False
        if d not in TOPLIST_KEEP and (d in toplists or reg in toplists):
            where = toplists.get(d) or toplists[reg]
            what = d if d in toplists else f"its registrable part {reg}"
            removed.append((d, stem, kind, f"real popular site: {what} is in the {where} list"))
            return False
        return True

    for stem in sorted(comps):
        c = comps[stem]
        main_domain = c["brands"][0]["domains"][0]
        main_label = split_domain(main_domain)[0]
        f = dnstwist.Fuzzer(main_domain, dictionary=LURE, tld_dictionary=list(TLDS))
        f.generate(fuzzers=DNSTWIST_FUZZERS)
        by_kind = defaultdict(set)
        for p in f.domains:
            d = p["domain"].lower()
            if d == main_domain or not keep(d, stem, p["fuzzer"]):
                continue
            by_kind[p["fuzzer"]].add(d)
        # A domain is kept under the first kind that produced it (dnstwist's set semantics).
        for kind, ds in by_kind.items():
            POOL.extend((d, stem, kind) for d in ds)
        chosen = stratify(by_kind, PER_COMPANY_DNSTWIST, "dnstwist:" + stem, lambda d: len(idn_rows(d)))
        for kind, ds in chosen.items():
            for d in ds:
                for form in idn_rows(d):
                    rows.setdefault((form, stem), (kind, f"dnstwist {DNSTWIST_VERSION} {kind} of {main_domain} (offline)"))
        seen = {d for (d, s) in rows if s == stem}
        for kind, made in sorted(custom_candidates(stem, c, main_label).items()):
            company = stem + "+aliases" if kind == "alias-combo" else stem
            pool = sorted(d for d in made if d not in seen and d != main_domain and keep(d, stem, kind)
                          and dnstwist.VALID_FQDN_REGEX.match(d))
            POOL.extend((d, company, kind) for d in pool)
            rng = random.Random(f"{kind}:{stem}")
            if kind == "split":
                # word-boundary splits first, then random other splits
                first = [d for d in pool if made[d] == c["brands"][0]["name"]]
                rest = [d for d in pool if d not in first]
                rng.shuffle(first)
                rng.shuffle(rest)
                pool = (first + rest)
            else:
                rng.shuffle(pool)
            for d in pool[:PER_CUSTOM[kind]]:
                if kind == "alias-combo":
                    src = f"generate.py alias-combo of alias '{made[d]}' from companies_aliases/{stem}.toml"
                else:
                    src = f"generate.py {kind} of '{made[d]}' ({main_domain})"
                rows.setdefault((d, company), (kind, src))
                seen.add(d)
    # reported
    for d, stem, src in twilio_reported():
        rows[(d, stem)] = ("reported", src)
    for d, stem in openphish_reported(comps):
        rows[(d, stem)] = ("reported", "phishing/openphish_urls.tsv (OpenPhish community feed, registrable domain)")

    # Safety: nothing owned, nothing in benign_hard.
    out = []
    for (d, stem), (kind, src) in rows.items():
        if owned_by(d, owned) or d in benign:
            removed.append((d, stem, kind, "owned or in benign_hard.tsv"))
            continue
        out.append((d, stem, kind, src))
    out.sort()
    with open(os.path.join(HERE, "lookalikes.tsv"), "w", newline="") as f:
        f.write("domain\tcompany\tkind\tsource\n")
        for r in out:
            f.write("\t".join(r) + "\n")
    removed = sorted(set(removed))
    with open(os.path.join(HERE, "removed.tsv"), "w", newline="") as f:
        f.write("domain\tcompany\tkind\treason\n")
        for r in removed:
            f.write("\t".join(r) + "\n")
    if "--pool" in sys.argv:
        # Every candidate before sampling, for reviewing against top lists.
        with open(sys.argv[sys.argv.index("--pool") + 1], "w") as f:
            f.write("domain\tcompany\tkind\n")
            for r in sorted(set(POOL)):
                f.write("\t".join(r) + "\n")
    check(comps, owned)
    kinds = Counter(r[2] for r in out)
    print(f"{len(out)} rows; removed {len(removed)}", file=sys.stderr)
    for k, n in sorted(kinds.items()):
        print(f"  {k}\t{n}", file=sys.stderr)


def check(comps, owned):
    """The data set's own invariants; raises on a violation."""
    spec = {"lookalikes.tsv": ["domain", "company", "kind", "source"],
            "benign_hard.tsv": ["domain", "note"],
            "benign_cross.tsv": ["domain", "owner", "resembles", "note"],
            "removed.tsv": ["domain", "company", "kind", "reason"]}
    data = {}
    for fn, cols in spec.items():
        with open(os.path.join(HERE, fn), encoding="utf-8") as f:
            lines = f.read().split("\n")
        assert lines[-1] == "", fn + ": no final newline"
        assert lines[0].split("\t") == cols, fn + ": bad header"
        rows = [l.split("\t") for l in lines[1:-1]]
        for i, r in enumerate(rows, 2):
            assert len(r) == len(cols), f"{fn}:{i}: {len(r)} fields"
            assert r[0] == r[0].lower() and r[0] == r[0].strip() and r[0], f"{fn}:{i}: domain {r[0]!r}"
        data[fn] = rows
    look = data["lookalikes.tsv"]
    assert len(look) >= 6000, "fewer than 6000 lookalikes"
    assert look == sorted(look), "lookalikes.tsv not sorted"
    assert len({(r[0], r[1]) for r in look}) == len(look), "duplicate (domain, company)"
    benign = {r[0] for r in data["benign_hard.tsv"]}
    assert len(benign) == len(data["benign_hard.tsv"]) >= 300
    for r in data["benign_hard.tsv"] + data["benign_cross.tsv"]:
        assert r[0] not in {x[0] for x in look}, r[0] + " is both benign and a lookalike"
    for r in data["benign_hard.tsv"]:
        assert not owned_by(r[0], owned), r[0] + " in benign_hard is owned by a company of the set"
    for r in data["benign_cross.tsv"]:
        assert owned_by(r[0], owned) == r[1], r[0] + " in benign_cross: wrong owner"
    homo = Counter()
    by_company = defaultdict(set)
    for d, company, kind, _ in look:
        assert company.split("+")[0] in comps, company
        assert kind != "alias-combo" or company.endswith("+aliases")
        assert not owned_by(d, owned), d + " is owned"
        homo[company] += kind == "homoglyph"
        by_company[company].add(d)
    assert max(homo.values()) <= HOMOGLYPH_CAP, "too many homoglyphs"
    for d, company, kind, _ in look:
        if kind in ("homoglyph", "cyrillic") and "xn--" in d:
            assert idna_unicode(d) in by_company[company], d + ": Unicode twin missing"
        if kind in ("homoglyph", "cyrillic") and not d.isascii():
            assert idna.encode(d).decode() in by_company[company], d + ": punycode twin missing"


def idna_unicode(d):
    rows = idn_rows(d)
    return rows[-1]


if __name__ == "__main__":
    main()
