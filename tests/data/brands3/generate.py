#!/usr/bin/env python3
"""Rebuild lookalikes.tsv and removed.tsv of the brands3 evaluation set.

Inputs: companies/*.toml, companies_aliases/*.toml, benign_hard.tsv,
benign_cross.tsv and the dev corpus (top lists, OpenPhish). Offline: only
dnstwist.Fuzzer(...).generate() is used, no domain is resolved or fetched.
Deterministic: every random choice uses random.Random(fixed string).

    python3 generate.py            # writes lookalikes.tsv, removed.tsv, checks invariants
    python3 generate.py --counts   # also prints the count tables (markdown)
"""
import csv
import glob
import os
import random
import sys
import tomllib
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import dnstwist
import idna
from publicsuffixlist import PublicSuffixList

HERE = os.path.dirname(os.path.abspath(__file__))
PSL = PublicSuffixList(only_icann=True)
DNSTWIST = "dnstwist " + dnstwist.__version__


def corpus_dir():
    for c in (os.environ.get("SECONDLOOK_CORPUS"), os.path.join(HERE, "../../shared/corpus"), "/work/shared/corpus"):
        if c and os.path.isdir(c):
            return c
    sys.exit("corpus not found: set SECONDLOOK_CORPUS")


# 0ktapus / Scattered Spider vocabulary (sign-in, IT, HR words) and foreign lure words.
LURES_EN = [
    "sso", "okta", "login", "signin", "helpdesk", "help", "support", "servicedesk", "it", "vpn",
    "hr", "payroll", "benefits", "portal", "auth", "mfa", "duo", "verify", "secure", "account",
    "corp", "internal", "citrix", "workday", "okta-sso", "sso-login", "myaccount", "my", "employee",
    "staff", "schedule", "reset", "password", "remote", "access", "intranet", "onelogin", "desk",
    "ticket", "2fa", "azure", "entra", "o365", "webmail", "update", "hrportal", "timesheet", "idp",
]
LURES_FOREIGN = [
    # es
    "ayuda", "soporte", "cuenta", "verificar", "acceso", "seguridad", "empleados",
    # de
    "hilfe", "konto", "anmeldung", "sicherheit", "mitarbeiter", "zugang",
    # fr
    "assistance", "compte", "connexion", "securite", "verification",
    # pt
    "suporte", "conta", "acesso", "entrar", "seguranca",
    # it, nl
    "aiuto", "accesso", "assistenza", "inloggen", "klantenservice",
    # ja (romaji), hi (latin)
    "kaiin", "roguin", "sahayata",
]
LURES = LURES_EN + LURES_FOREIGN
SIMPLE_LURES = [w for w in LURES if "-" not in w]
TLDS = ["com", "net", "org", "co", "io", "us", "info", "biz", "xyz", "online", "site", "app", "dev",
        "me", "cc", "co.uk", "de", "support", "help", "live", "cloud", "top", "shop", "fr", "com.br", "in", "jp"]
FUZZERS = ["addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion", "omission",
           "plural", "repetition", "replacement", "subdomain", "transposition", "vowel-swap",
           "dictionary", "tld-swap", "various"]
WEIGHT = {"dictionary": 4, "tld-swap": 2}
MAIN_QUOTA, BRAND_QUOTA, MAX_EXTRA_BRANDS, HOMOGLYPH_CAP = 180, 30, 3, 40
OWN_QUOTA = {"glued": 16, "misspelt-combo": 16, "split": 10, "short-combo": 24, "partial-combo": 16,
             "alias-combo": 30, "subdomain-trick": 16, "platform-tenant": 16}

# Hosts anyone can get a name under (an IdP, help-desk, wiki or hosting tenant).
PLATFORMS = ["okta.com", "oktapreview.com", "okta-emea.com", "onelogin.com", "auth0.com", "zendesk.com",
             "freshdesk.com", "atlassian.net", "service-now.com", "my.salesforce.com", "slack.com",
             "sharepoint.com", "github.io", "netlify.app", "pages.dev", "webflow.io", "vercel.app",
             "firebaseapp.com", "azurewebsites.net", "zoom.us"]
# Registrable domains for subdomain tricks (none contains a brand of the set).
TRICK_WORDS = ["sso-login", "login-secure", "account-verify", "okta-auth", "helpdesk-portal", "secure-signin",
               "it-support", "verify-access", "mfa-reset", "staff-portal", "hr-benefits", "auth-portal",
               "password-reset", "vpn-access", "servicedesk-ticket", "employee-login"]

# Multi-word names: parts, or the name written out, that attackers combine with a lure word.
PARTIAL = {
    "bnp-paribas": ["bnp", "paribas", "bnpparibas", "bnp-paribas", "bnpp"],
    "lufthansa": ["lufthansa-group", "lufthansagrp", "milesandmore", "miles-more", "milesmore"],
    "sony": ["sonygroup", "sony-group", "playstationnetwork", "psn-sony"],
    "tcs": ["tata-consultancy", "tataconsultancy", "tataconsultancyservices", "tcs-tata", "tata-tcs"],
    "itau-unibanco": ["itauunibanco", "itau-unibanco", "unibanco", "bancoitau", "itaubank"],
    "vodafone": ["vodafonegroup", "vodafone-group", "myvodafone"],
    "air-france-klm": ["air-france", "airfrance-klm", "afklm", "klm-airfrance", "flyingblue"],
    "united-airlines": ["unitedairlines", "united-airlines", "united-air", "unitedair", "fly-united"],
    "ntt": ["nttgroup", "ntt-group", "ntt-data", "nttdocomo", "ntt-docomo"],
    "totalenergies": ["total-energies", "totalenergie", "total-energie", "totalgroup"],
    "reliance-industries": ["relianceindustries", "reliance-industries", "reliance-ind", "relianceind", "reliancejio", "jio-reliance"],
    "hdfc-bank": ["hdfc-bank", "hdfcnetbanking", "hdfc-netbanking", "hdfcbanking"],
    "banco-do-brasil": ["bancodobrasil", "banco-do-brasil", "bancobrasil", "bdobrasil", "bbrasil"],
    "volkswagen": ["vwgroup", "vw-group", "volkswagengroup", "volkswagen-ag", "vwag"],
    "capital-one": ["capital1", "capitalone-bank", "capital-one", "capone"],
    "mercadolibre": ["mercado-libre", "mercado-livre", "mercado-pago", "mlibre", "mercadopag"],
    "american-airlines": ["americanairlines", "american-airlines", "american-air", "aairlines", "aadvantage"],
    "lvmh": ["louis-vuitton", "lvmh-group", "moethennessy", "moet-hennessy", "christiandior"],
}
# Word boundaries for split (first), beside automatic de-hyphenation and other positions.
SPLITS = {
    "crowdstrike": ["crowd-strike"], "dropbox": ["drop-box"], "bitbucket": ["bit-bucket"],
    "airfrance": ["air-france"], "airfranceklm": ["airfrance-klm", "air-france-klm"], "capitalone": ["capital-one"],
    "mercadolibre": ["mercado-libre"], "mercadolivre": ["mercado-livre"], "mercadopago": ["mercado-pago"],
    "totalenergies": ["total-energies"], "volkswagen": ["volks-wagen"], "volkswagenag": ["volkswagen-ag"],
    "hdfcbank": ["hdfc-bank"], "playstation": ["play-station"], "lufthansa": ["luft-hansa"],
    "lufthansagroup": ["lufthansa-group"], "louisvuitton": ["louis-vuitton"], "petrobras": ["petro-bras"],
    "vodafone": ["voda-fone"], "infosys": ["info-sys"], "accenture": ["accen-ture"], "atlassian": ["atlas-sian"],
    "verizonwireless": ["verizon-wireless"], "hsbcnet": ["hsbc-net"], "nttdata": ["ntt-data"], "emirates": ["emi-rates"],
    "sephora": ["sep-hora"], "barclays": ["bar-clays"], "fedex": ["fed-ex"], "united": ["uni-ted"], "trello": ["trel-lo"],
}

# The companies' own country or service sites that are not in the policies (public knowledge).
KNOWN_OWNED = {
    "hsbc.fr", "hsbc.ca", "hsbc.com.au", "hsbc.com.mx", "hsbc.co.in", "hsbc.com.br", "hsbc.com.tr", "hsbc.ae",
    "hsbc.com.sg", "hsbc.com.my", "hsbc.co.id", "hsbc.com.ar", "hsbc.com.ph", "hsbc.com.eg", "hsbc.lk", "hsbc.de",
    "hsbc.us", "sony.de", "sony.fr", "sony.co.uk", "sony.jp", "sony.es", "sony.it", "sony.ru", "sony.pl", "sony.ca",
    "sony.eu", "sony.com.br", "sony.com.mx", "sony.com.au", "sony.co.in", "sony.com.tw", "sony.com.hk", "sony.com.cn",
    "sony.com.my", "sony.com.tr", "sony.com.ve", "sony.co.ir", "playstation.net", "vodafone.in", "vodafone.it",
    "vodafone.es", "vodafone.com.tr", "vodafone.com.eg", "vodafone.ie", "vodafone.cz", "vodafone.pt", "vodafone.nl",
    "vodafone.ro", "vodafone.gr", "vodafone.hu", "vodafone.com.au", "vodafone.co.nz", "vodafone.qa", "verizon.net",
    "airfrance.us", "airfrance.co.uk", "airfrance.es", "airfrance.de", "airfrance.it", "airfrance.ca",
    "barclays.fr", "barclays.es", "barclays.de", "barclays.us", "capitalone.ca", "capitalone.co.uk",
    "volkswagen.co.uk", "volkswagen.fr", "volkswagen.es", "volkswagen.ru", "volkswagen.co.jp", "volkswagen.co.in",
    "volkswagen.com.ar", "volkswagen.it", "volkswagen.at", "volkswagen.ch", "volkswagen.us", "vw.ca", "vw.com.br",
    "vw.com.mx", "vw.com.tr", "vw.co.za", "vw.de", "mercadolivre.com", "mercadolibre.cl", "mercadolibre.com.co",
    "mercadolibre.com.ve", "mercadolibre.com.pe", "mercadolibre.com.uy", "mercadolibre.com.ec", "mercadolibre.com.do",
    "mercadolibre.co.cr", "mercadopago.com.br", "mercadopago.com.ar", "mercadopago.com.mx", "sephora.it", "sephora.com.br",
    "sephora.fr", "louisvuitton.jp", "louisvuitton.cn", "itau.com", "itau.cl", "itau.com.ar", "itau.com.uy",
    "bnpparibas.net", "bnpparibas.pl", "bnpparibas.be", "petrobras.com", "total.com", "emirates.de", "emirates.co.uk",
    "klm.nl", "klm.fr", "klm.de", "klm.co.uk", "aa.com.br", "aa.com.ve", "hdfc.com", "ril.in", "jio.in", "docomo.jp",
    "nttdocomo.co.jp", "ntt-east.co.jp", "ntt-west.co.jp", "nttdata.co.jp", "dior.fr", "fedex.ca", "fedex.de",
    "fedexuk.net", "volkswagen.com.br", "airfrance.com.br", "infosys.co.in", "tcs.co.in", "dropbox.tech", "trello.io",
}
# OpenPhish: brand tokens searched in the registrable label; short ones only as a whole token.
PHISH_TOKENS = {
    "hsbc": "hsbc", "bnpparibas": "bnp-paribas", "paribas": "bnp-paribas", "lufthansa": "lufthansa",
    "milesandmore": "lufthansa", "playstation": "sony", "sony": "sony", "infosys": "infosys", "petrobras": "petrobras",
    "itau": "itau-unibanco", "unibanco": "itau-unibanco", "vodafone": "vodafone", "verizon": "verizon",
    "airfrance": "air-france-klm", "emirates": "emirates", "unitedairlines": "united-airlines",
    "atlassian": "atlassian", "bitbucket": "atlassian", "trello": "atlassian", "dropbox": "dropbox",
    "crowdstrike": "crowdstrike", "accenture": "accenture", "docomo": "ntt", "totalenergies": "totalenergies",
    "hdfc": "hdfc-bank", "bancodobrasil": "banco-do-brasil", "volkswagen": "volkswagen", "fedex": "fedex",
    "capitalone": "capital-one", "barclays": "barclays", "mercadolibre": "mercadolibre", "mercadolivre": "mercadolibre",
    "mercadopago": "mercadolibre", "americanairlines": "american-airlines", "aadvantage": "american-airlines",
    "louisvuitton": "lvmh", "sephora": "lvmh", "lvmh": "lvmh",
}
PHISH_SHORT = {"abb": "abb", "tcs": "tcs", "ntt": "ntt", "klm": "air-france-klm", "jio": "reliance-industries",
               "vw": "volkswagen", "bb": "banco-do-brasil", "bnp": "bnp-paribas"}
# Matches excluded after review (filled in after reading every match), domain -> reason.
OPENPHISH_EXCLUDE = {
    "p2pbybit-audit.com": "token inside other words (bybit + audit spells itau)",
    "akpp-volkswagen.ru": "a gearbox repair shop (AKPP) naming the car make",
    "vodafone-dachau.de": "a local Vodafone shop or dealer domain (town name), may be real",
    "vodafone-grossenhain.de": "a local Vodafone shop or dealer domain (town name), may be real",
    "vodafone-lauf.de": "a local Vodafone shop or dealer domain (town name), may be real",
    "hsbc.com.qa": "may be HSBC's own Qatar country domain",
    "mercadolibre.com.bo": "may be Mercado Libre's own Bolivia country domain",
}


def reg(d):
    return PSL.privatesuffix(d) or d


def label_of(d):
    r = reg(d)
    suf = PSL.publicsuffix(d) or ""
    return r[: len(r) - len(suf) - 1] if suf and r != suf else r.split(".")[0]


def load_tsv(name, nfields):
    path = os.path.join(HERE, name)
    rows = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.endswith("\n"), name + ": no final newline"
    lines = text.split("\n")[:-1]
    for i, line in enumerate(lines):
        parts = line.split("\t")
        assert len(parts) == nfields, f"{name}:{i+1}: {len(parts)} fields"
        if i:
            rows.append(parts)
    return rows


def load_companies():
    comps = {}
    for path in sorted(glob.glob(os.path.join(HERE, "companies", "*.toml"))):
        stem = os.path.basename(path)[:-5]
        with open(path, "rb") as f:
            pol = tomllib.load(f)
        comps[stem] = pol
    aliases = {}
    for path in sorted(glob.glob(os.path.join(HERE, "companies_aliases", "*.toml"))):
        stem = os.path.basename(path)[:-5]
        with open(path, "rb") as f:
            pol = tomllib.load(f)
        aliases[stem] = pol["brand"][0].get("aliases", [])
    return comps, aliases


def norm_alias(a):
    a = a.lower().replace("&", "and")
    return "".join(ch for ch in a if ch.isascii() and ch.isalnum())


class Builder:
    def __init__(self):
        self.comps, self.aliases = load_companies()
        self.owned = {}  # domain -> stem
        for stem, pol in self.comps.items():
            for b in pol["brand"]:
                for d in b["domains"]:
                    self.owned[d] = stem
        self.benign_hard = {r[0] for r in load_tsv("benign_hard.tsv", 2)}
        self.benign_cross = {r[0]: r[1] for r in load_tsv("benign_cross.tsv", 4)}
        cdir = corpus_dir()
        self.cdir = cdir
        top = set()
        with open(os.path.join(cdir, "benign/alexa_top100k_2015.csv")) as f:
            for row in csv.reader(f):
                if row and row[0] != "rank":
                    top.add(row[1].strip().lower())
        with open(os.path.join(cdir, "benign/umbrella_top10k_2021.txt")) as f:
            for line in f:
                top.add(line.strip().lower())
        self.top = top
        self.rows = {}  # (domain, company) -> (kind, source)
        self.removed = {}  # (domain, company, kind) -> reason
        self.seen = set()  # domains already used anywhere for a company

    def owner(self, d):
        for cand in (d, reg(d)):
            parts = cand.split(".")
            for i in range(len(parts) - 1):
                s = ".".join(parts[i:])
                if s in self.owned:
                    return self.owned[s]
        return None

    def reject(self, d, stem, kind=None):
        """Reason to drop a candidate domain for company stem, or None.

        A platform-tenant row lies under a popular platform (okta.com): only
        the whole name is checked against the lists, not its registrable part."""
        o = self.owner(d)
        if o == stem:
            return "owned: in the company's own policy"
        if o:
            return "owned by another company of this set (%s)" % o
        r = d if kind == "platform-tenant" else reg(d)
        if d in KNOWN_OWNED or r in KNOWN_OWNED:
            return "the company's own site, not in its policy (KNOWN_OWNED)"
        if d in self.benign_hard or r in self.benign_hard:
            return "a real, unrelated site listed in benign_hard.tsv"
        if d in self.benign_cross or r in self.benign_cross:
            return "listed in benign_cross.tsv"
        if d in self.top or r in self.top or "www." + d in self.top:
            return "a popular site in the corpus top lists (Alexa top-100k 2015, Umbrella top-10k 2021)"
        if PSL.publicsuffix(d) == d or not PSL.publicsuffix(d):
            return "not a registrable name"
        return None

    def offer(self, d, stem, kind, source, company=None):
        company = company or stem
        d = d.lower().rstrip(".")
        if (d, company) in self.rows or (d, stem) in self.rows:
            return False
        why = self.reject(d, stem, kind)
        if why:
            self.removed[(d, company, kind)] = why
            return False
        self.rows[(d, company)] = (kind, source)
        return True

    # ---------- dnstwist ----------
    def dnstwist_pool(self, domain):
        pool = {}
        for fz in FUZZERS:
            f = dnstwist.Fuzzer(domain, dictionary=LURES, tld_dictionary=list(TLDS))
            f.generate(fuzzers=[fz])
            for p in sorted(f.domains, key=lambda x: x["domain"]):
                d = p["domain"]
                if d and d != domain and d not in pool:
                    pool[d] = fz
        by = defaultdict(list)
        for d, fz in pool.items():
            by[fz].append(d)
        return by

    def sample_dnstwist(self, stem, domain, quota, counters):
        by = self.dnstwist_pool(domain)
        rnd = random.Random("brands3:dnstwist:" + stem + ":" + domain)
        for fz in by:
            by[fz].sort()
            rnd.shuffle(by[fz])
        if "homoglyph" in by:  # alternate ASCII look-alikes with IDNs
            asc = [d for d in by["homoglyph"] if "xn--" not in d]
            idn = [d for d in by["homoglyph"] if "xn--" in d]
            mixed = []
            while asc or idn:
                if asc:
                    mixed.append(asc.pop(0))
                if idn:
                    mixed.append(idn.pop(0))
            by["homoglyph"] = mixed
        got = 0
        src = f"{DNSTWIST} %s of {domain} (offline)"
        order = [fz for fz in FUZZERS if by.get(fz)]
        while got < quota and order:
            for fz in list(order):
                for _ in range(WEIGHT.get(fz, 1)):
                    if got >= quota:
                        break
                    if fz == "homoglyph" and counters["homoglyph"] >= HOMOGLYPH_CAP:
                        by[fz] = []
                    if not by[fz]:
                        if fz in order:
                            order.remove(fz)
                        break
                    d = by[fz].pop(0)
                    if "xn--" in d:
                        try:
                            u = idna.decode(d)
                        except idna.IDNAError:
                            u = None
                        if not u:
                            continue
                        if (self.reject(d, stem) is None and self.reject(u, stem) is None
                                and (d, stem) not in self.rows and (u, stem) not in self.rows):
                            self.offer(d, stem, fz, src % fz)
                            self.rows[(u, stem)] = (fz, src % fz + " (Unicode form)")
                            got += 2
                            counters[fz] += 2
                        else:
                            self.offer(d, stem, fz, src % fz)
                    elif self.offer(d, stem, fz, src % fz):
                        got += 1
                        counters[fz] += 1

    # ---------- own kinds ----------
    def labels(self, stem):
        out = []
        for b in self.comps[stem]["brand"]:
            for d in b["domains"]:
                suf = PSL.publicsuffix(d)
                if suf and suf.split(".")[-1] == suf and len(d.split(".")) == 2 and suf in ("abb", "bnpparibas"):
                    continue  # a brand TLD: the label before it is a generic word
                lab = label_of(d)
                if lab not in out:
                    out.append(lab)
        return out

    def main_tld(self, stem):
        d = self.comps[stem]["brand"][0]["domains"][0]
        return PSL.publicsuffix(d)

    def other_tlds(self, stem, rnd):
        t = [x for x in TLDS if x != self.main_tld(stem)]
        rnd.shuffle(t)
        return t

    def fill(self, stem, kind, gen, quota, company=None, source=""):
        n, tries = 0, 0
        for d, src in gen:
            tries += 1
            if tries > 5000 or n >= quota:
                break
            if self.offer(d, stem, kind, src or source, company):
                n += 1
        return n

    def gen_glued(self, stem):
        rnd = random.Random("brands3:glued:" + stem)
        labs = [l.replace("-", "") for l in self.labels(stem)]
        while True:
            lab, w = rnd.choice(labs), rnd.choice(SIMPLE_LURES)
            tld = rnd.choice(self.other_tlds(stem, rnd))
            name = lab + w if rnd.random() < 0.5 else w + lab
            yield f"{name}.{tld}", f"brand label {lab} glued to lure word {w}"

    def misspell(self, lab, rnd):
        kinds = ["omission", "repetition", "replacement", "insertion", "vowel-swap", "bitsquatting", "transposition"]
        kb = dnstwist.Fuzzer("x.com").keyboards
        core = lab.replace("-", "")
        for _ in range(50):
            k = rnd.choice(kinds)
            i = rnd.randrange(len(core))
            c = core[i]
            if k == "omission":
                out = core[:i] + core[i + 1:]
            elif k == "repetition":
                out = core[:i] + c + core[i:]
            elif k in ("replacement", "insertion"):
                near = "".join(sorted(set("".join(layout.get(c, "") for layout in kb)))) or "x"
                r = rnd.choice(near)
                out = core[:i] + r + core[i + 1:] if k == "replacement" else core[:i] + r + core[i:]
            elif k == "vowel-swap":
                if c not in "aeiou":
                    continue
                out = core[:i] + rnd.choice([v for v in "aeiou" if v != c]) + core[i + 1:]
            elif k == "bitsquatting":
                b = chr(ord(c) ^ rnd.choice([1, 2, 4, 8, 16, 32]))
                if b not in "abcdefghijklmnopqrstuvwxyz0123456789":
                    continue
                out = core[:i] + b + core[i + 1:]
            else:
                if i + 1 >= len(core) or core[i] == core[i + 1]:
                    continue
                out = core[:i] + core[i + 1] + core[i] + core[i + 2:]
            if out != core and out and out[0] != "-":
                return out, k
        return None, None

    def gen_misspelt(self, stem):
        rnd = random.Random("brands3:misspelt:" + stem)
        labs = [l for l in self.labels(stem) if len(l.replace("-", "")) >= 4]
        if not labs:
            return
        while True:
            lab = rnd.choice(labs)
            m, k = self.misspell(lab, rnd)
            if not m:
                continue
            w = rnd.choice(LURES)
            tld = rnd.choice(TLDS)
            form = rnd.randrange(3)
            name = f"{m}-{w}" if form == 0 else (f"{w}-{m}" if form == 1 else f"{m}{w.replace('-', '')}")
            yield f"{name}.{tld}", f"{k} of {lab} with lure word {w}"

    def gen_split(self, stem):
        rnd = random.Random("brands3:split:" + stem)
        main = self.main_tld(stem)
        cands = []
        for lab in self.labels(stem):
            if "-" in lab:
                cands.append((lab.replace("-", ""), "de-hyphenated " + lab))
            for s in SPLITS.get(lab, []):
                cands.append((s, "split at a word boundary of " + lab))
        for lab in self.labels(stem):
            core = lab.replace("-", "")
            pos = list(range(1, len(core)))
            rnd.shuffle(pos)
            for p in pos:
                cands.append((core[:p] + "-" + core[p:], "split of " + lab))
        for name, why in cands:
            yield f"{name}.{main}", why + " on the main suffix"
        for name, why in cands:
            for tld in self.other_tlds(stem, rnd)[:3]:
                yield f"{name}.{tld}", why

    def gen_short(self, stem):
        rnd = random.Random("brands3:short:" + stem)
        shorts = [l for l in self.labels(stem) if len(l) <= 4 and "-" not in l]
        if not shorts:
            return
        while True:
            s = rnd.choice(shorts)
            a, b = rnd.sample(SIMPLE_LURES, 2)
            tld = rnd.choice(TLDS)
            form = rnd.randrange(5)
            name = [f"{s}-{a}-{b}", f"{s}.{a}-{b}", f"{a}.{s}-{b}", f"{a}-{s}", f"{s}-{a}"][form]
            yield f"{name}.{tld}", f"short label {s} as its own token with {a}" + (f", {b}" if form < 3 else "")

    def gen_partial(self, stem):
        parts = PARTIAL.get(stem)
        if not parts:
            return
        rnd = random.Random("brands3:partial:" + stem)
        while True:
            p, w = rnd.choice(parts), rnd.choice(LURES)
            tld = rnd.choice(TLDS)
            form = rnd.randrange(3)
            name = f"{p}-{w}" if form == 0 else (f"{w}-{p}" if form == 1 else p.replace("-", "") + w.replace("-", ""))
            yield f"{name}.{tld}", f"name part {p} with lure word {w}"

    def gen_alias(self, stem):
        al = [norm_alias(a) for a in self.aliases.get(stem, [])]
        al = [a for a in al if a]
        if not al:
            return
        rnd = random.Random("brands3:alias:" + stem)
        while True:
            a = rnd.choice(al)
            w, w2 = rnd.sample(SIMPLE_LURES, 2)
            tld = rnd.choice(TLDS)
            form = rnd.randrange(4)
            name = [f"{a}-{w}", f"{a}{w}", f"{w}-{a}", f"{a}.{w}-{w2}"][form]
            yield f"{name}.{tld}", f"alias {a} of companies_aliases/{stem}.toml with {w}"

    def gen_trick(self, stem):
        rnd = random.Random("brands3:trick:" + stem)
        labs = self.labels(stem)
        doms = self.comps[stem]["brand"][0]["domains"]
        while True:
            lab = rnd.choice(labs)
            base = rnd.choice(TRICK_WORDS)
            tld = rnd.choice(["com", "net", "info", "online", "site", "top", "xyz", "support", "help", "co", "io", "live"])
            w = rnd.choice(SIMPLE_LURES)
            form = rnd.randrange(5)
            if form == 0:
                d = f"{lab}.{base}.{tld}"
            elif form == 1:
                d = f"{lab}.com-{base.split('-')[0]}.{tld}"
            elif form == 2:
                d = f"{w}.{lab}.{base}.{tld}"
            elif form == 3:
                d = f"{rnd.choice(doms)}.{base}.{tld}"
            else:
                d = f"{lab}-{w}.{base}.{tld}"
            yield d, f"brand {lab} as a subdomain of the lure domain {reg(d)}"

    def gen_platform(self, stem):
        rnd = random.Random("brands3:platform:" + stem)
        labs = self.labels(stem)
        while True:
            lab = rnd.choice(labs)
            plat = rnd.choice(PLATFORMS)
            if stem == "atlassian" and plat == "atlassian.net":
                continue
            w = rnd.choice(SIMPLE_LURES)
            form = rnd.randrange(4)
            t = [f"{lab}-{w}", f"{lab}{w}", f"{w}-{lab}", f"{lab}-{w}-{rnd.choice(SIMPLE_LURES)}"][form]
            yield f"{t}.{plat}", f"tenant name {t} on {plat}, which anyone can create"

    # ---------- OpenPhish ----------
    def reported(self):
        import re
        first = {}
        with open(os.path.join(self.cdir, "phishing/openphish_urls.tsv"), encoding="utf-8", errors="replace") as f:
            next(f)
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 2:
                    continue
                try:
                    host = (urlsplit(parts[0].strip()).hostname or "").lower()
                except ValueError:
                    continue
                if not host or host.replace(".", "").isdigit():
                    continue
                r = reg(host)
                lab = label_of(host)
                hits = set()
                for t, c in PHISH_TOKENS.items():
                    if t in lab.replace("-", ""):
                        hits.add(c)
                for t, c in PHISH_SHORT.items():
                    if re.search(r"(^|-)" + t + r"($|-)", lab):
                        hits.add(c)
                for c in hits:
                    if (r, c) not in first or parts[1] < first[(r, c)]:
                        first[(r, c)] = parts[1]
        out = []
        for (r, c), day in sorted(first.items()):
            if r in OPENPHISH_EXCLUDE:
                self.removed[(r, c, "reported")] = "OpenPhish match excluded by review: " + OPENPHISH_EXCLUDE[r]
                continue
            if self.offer(r, c, "reported", f"OpenPhish community feed, first seen {day}"):
                out.append(r)
        return out

    def build(self):
        for stem in sorted(self.comps):
            pol = self.comps[stem]
            counters = Counter()
            main = pol["brand"][0]["domains"][0]
            self.sample_dnstwist(stem, main, MAIN_QUOTA, counters)
            extra = []
            for b in pol["brand"][1:]:
                d = b["domains"][0]
                if reg(d) not in extra and label_of(d) != label_of(main):
                    extra.append(reg(d))
            for d in extra[:MAX_EXTRA_BRANDS]:
                self.sample_dnstwist(stem, d, BRAND_QUOTA, counters)
            self.fill(stem, "glued", self.gen_glued(stem), OWN_QUOTA["glued"])
            self.fill(stem, "misspelt-combo", self.gen_misspelt(stem) or [], OWN_QUOTA["misspelt-combo"])
            self.fill(stem, "split", self.gen_split(stem), OWN_QUOTA["split"])
            self.fill(stem, "short-combo", self.gen_short(stem) or [], OWN_QUOTA["short-combo"])
            self.fill(stem, "partial-combo", self.gen_partial(stem) or [], OWN_QUOTA["partial-combo"])
            if stem in self.aliases:
                self.fill(stem, "alias-combo", self.gen_alias(stem) or [], OWN_QUOTA["alias-combo"], company=stem + "+aliases")
            self.fill(stem, "subdomain-trick", self.gen_trick(stem), OWN_QUOTA["subdomain-trick"])
            self.fill(stem, "platform-tenant", self.gen_platform(stem), OWN_QUOTA["platform-tenant"])
        self.reported()

    def write(self):
        rows = sorted((d, c, k, s) for (d, c), (k, s) in self.rows.items())
        with open(os.path.join(HERE, "lookalikes.tsv"), "w", encoding="utf-8") as f:
            f.write("domain\tcompany\tkind\tsource\n")
            for r in rows:
                f.write("\t".join(r) + "\n")
        kept = {(d, c) for d, c, _, _ in rows}
        rem = sorted((d, c, k, why) for (d, c, k), why in self.removed.items() if (d, c) not in kept)
        with open(os.path.join(HERE, "removed.tsv"), "w", encoding="utf-8") as f:
            f.write("domain\tcompany\tkind\treason\n")
            for r in rem:
                f.write("\t".join(r) + "\n")
        return rows, rem

    def check(self, rows):
        look = load_tsv("lookalikes.tsv", 4)
        load_tsv("removed.tsv", 4)
        bh = load_tsv("benign_hard.tsv", 2)
        bc = load_tsv("benign_cross.tsv", 4)
        assert look == sorted(look), "lookalikes.tsv not sorted"
        assert len({(r[0], r[1]) for r in look}) == len(look), "duplicate (domain, company)"
        assert len(look) >= 8000, "fewer than 8000 lookalikes: %d" % len(look)
        for d, c, k, s in look:
            assert d == d.lower(), d
            assert self.owner(d) is None, "owned lookalike " + d
            r = d if k == "platform-tenant" else reg(d)
            assert d not in self.benign_hard and r not in self.benign_hard, "benign_hard lookalike " + d
            assert d not in self.benign_cross and r not in self.benign_cross, "benign_cross lookalike " + d
            if k == "platform-tenant":
                assert any(d.endswith("." + p) for p in PLATFORMS), d
            if k == "alias-combo":
                assert c.endswith("+aliases") and c[: -len("+aliases")] in self.aliases, c
            else:
                assert c in self.comps, c
        idn = {(d, c) for d, c, k, _ in look if k in ("homoglyph", "cyrillic")}
        for d, c in idn:
            if d.startswith("xn--") or ".xn--" in d:
                assert (idna.decode(d), c) in idn, "IDN without Unicode twin " + d
        hg = Counter(c for d, c, k, _ in look if k == "homoglyph")
        assert max(hg.values()) <= HOMOGLYPH_CAP, hg.most_common(1)
        assert len({r[0] for r in bh}) == len(bh), "duplicate benign_hard"
        for d, _ in bh:
            assert d == d.lower() and self.owner(d) is None, "benign_hard owned: " + d
        for d, owner, resembles, _ in bc:
            assert self.owner(d) == owner, f"benign_cross {d}: owner {self.owner(d)} != {owner}"
            assert resembles == "-" or resembles in self.comps, resembles


def counts(rows):
    kinds = FUZZERS + ["glued", "misspelt-combo", "split", "short-combo", "partial-combo", "alias-combo",
                       "subdomain-trick", "platform-tenant", "reported"]
    byk = Counter(r[2] for r in rows)
    print("| kind | rows |\n|---|---:|")
    for k in kinds:
        print(f"| {k} | {byk[k]} |")
    print(f"| **total** | **{len(rows)}** |\n")
    cols = ["dnstwist", "homoglyph", "dictionary", "tld-swap"] + kinds[16:]
    print("| company | rows | " + " | ".join(cols) + " |")
    print("|---|---:|" + "---:|" * len(cols))
    byc = defaultdict(Counter)
    for r in rows:
        byc[r[1]][r[2]] += 1
    for c in sorted(byc):
        k = byc[c]
        dn = sum(k[f] for f in FUZZERS)
        vals = [dn, k["homoglyph"], k["dictionary"], k["tld-swap"]] + [k[x] for x in kinds[16:]]
        print(f"| {c} | {sum(k.values())} | " + " | ".join(map(str, vals)) + " |")


def main():
    b = Builder()
    b.build()
    rows, rem = b.write()
    b.check(rows)
    if "--counts" in sys.argv:
        counts(rows)
        rc = Counter(r[3].split(" (")[0].split(":")[0] for r in rem)
        print("\n| reason | count |\n|---|---:|")
        for why, n in rc.most_common():
            print(f"| {why} | {n} |")
    print(f"lookalikes.tsv: {len(rows)} rows; removed.tsv: {len(rem)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
