#!/usr/bin/env python3
"""Rebuild lookalikes.tsv and removed.tsv of the brands2 set, then check the invariants.

Offline and deterministic: only dnstwist.Fuzzer(...).generate() is used (no DNS,
whois or HTTP), every random choice comes from random.Random seeded with a fixed
string, and all output is sorted.

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install dnstwist==20250130 publicsuffixlist idna
    /tmp/venv/bin/python generate.py [--pool FILE] [--words /usr/share/dict/words] [--counts]

The corpus is read from $SECONDLOOK_CORPUS, else ../../shared/corpus and
/work/shared/corpus.
"""
import argparse
import os
import random
import re
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import dnstwist
import idna
from publicsuffixlist import PublicSuffixList

HERE = Path(__file__).resolve().parent
PSL = PublicSuffixList(only_icann=True)
DNSTWIST_VERSION = '20250130'

# --- words ---------------------------------------------------------------
# 0ktapus / Scattered Spider lure words (English).
LURES_EN = [
    'sso', 'okta', 'login', 'signin', 'helpdesk', 'help', 'support', 'servicedesk', 'it', 'vpn',
    'hr', 'payroll', 'benefits', 'portal', 'auth', 'mfa', 'duo', 'verify', 'secure', 'account',
    'corp', 'internal', 'citrix', 'workday', 'okta-sso', 'sso-login', 'myaccount', 'my', 'employee',
    'staff', 'schedule', 'reset', 'password', 'remote', 'access', 'intranet', 'onelogin', 'desk',
    'ticket', '2fa',
]
# The same lures in other languages (es, de, fr, pt, it, nl).
LURES_FOREIGN = [
    'ayuda', 'soporte', 'cuenta', 'verificar', 'acceso', 'seguridad', 'empleados',   # es
    'hilfe', 'konto', 'anmeldung', 'sicherheit', 'mitarbeiter', 'zugang',            # de
    'assistance', 'compte', 'connexion', 'securite', 'verification',                 # fr
    'suporte', 'conta', 'acesso', 'entrar',                                          # pt
    'aiuto', 'accesso', 'sicurezza', 'assistenza',                                   # it
    'inloggen', 'klantenservice', 'beveiliging',                                     # nl
]
LURES = LURES_EN + LURES_FOREIGN

TLDS = ['com', 'net', 'org', 'co', 'io', 'us', 'info', 'biz', 'xyz', 'online', 'site', 'app',
        'dev', 'me', 'cc', 'co.uk', 'de', 'support', 'help', 'live', 'cloud', 'top', 'shop', 'fr']

FUZZERS = ['addition', 'bitsquatting', 'cyrillic', 'homoglyph', 'hyphenation', 'insertion',
           'omission', 'plural', 'repetition', 'replacement', 'subdomain', 'transposition',
           'vowel-swap', 'dictionary', 'tld-swap', 'various']
WEIGHT = {'dictionary': 4, 'tld-swap': 2}
LETTER_EDITS = {'addition', 'bitsquatting', 'homoglyph', 'insertion', 'omission', 'plural',
                'repetition', 'replacement', 'subdomain', 'transposition', 'vowel-swap',
                'hyphenation', 'various'}
IDN_KINDS = {'homoglyph', 'cyrillic'}
MAIN_BUDGET = 180        # dnstwist rows from each company's main domain
OTHER_BUDGET = 30        # dnstwist rows from the first domain of each further brand
HOMOGLYPH_CAP = 40
N_GLUED, N_MISSPELT, N_SPLIT, N_SHORT, N_ALIAS, N_PARTIAL = 16, 16, 10, 24, 30, 16

# Natural word splits of brand labels (hyphen at a word boundary), or de-hyphenation.
WORD_SPLITS = {
    'deltavacations': ['delta-vacations'], 'squareup': ['square-up'], 'afterpay': ['after-pay'],
    'discordapp': ['discord-app'], 'discord': ['dis-cord'], 'bmwgroup': ['bmw-group'],
    'bmwusa': ['bmw-usa'], 'deutschepost': ['deutsche-post'], 'dpdhl': ['dp-dhl'],
    'jpmorganchase': ['jpmorgan-chase', 'jp-morgan-chase', 'jp-morganchase', 'jpmorgan-chase-co'],
    'jpmorgan': ['jp-morgan'], 'jpmchase': ['jpm-chase'],
    'americanexpress': ['american-express', 'americanex-press'],
    'wellsfargo': ['wells-fargo'], 'wellsfargoadvisors': ['wells-fargo-advisors', 'wellsfargo-advisors'],
    'unitedhealthgroup': ['united-health-group', 'unitedhealth-group', 'united-healthgroup'],
    'changehealthcare': ['change-healthcare', 'change-health-care'],
    'morganstanley': ['morgan-stanley'], 'britishairways': ['british-airways', 'british-air-ways'],
    'homedepot': ['home-depot', 'the-home-depot'], 'societegenerale': ['societe-generale', 'ste-generale'],
    'sgcib': ['sg-cib'], 'nescafe': ['nes-cafe'], 'nespresso': ['nes-presso'],
    'paypal': ['pay-pal'], 'paypalobjects': ['paypal-objects'], 'primevideo': ['prime-video'],
    'braintreepayments': ['braintree-payments', 'brain-tree-payments'],
    'netflix': ['net-flix'], 'samsung': ['sam-sung'], 'toyota-global': ['toyotaglobal'],
    'credit-suisse': ['creditsuisse'], 'jetstar': ['jet-star'], 'target': ['tar-get'],
    'amazon': ['ama-zon'], 'allianz': ['alli-anz'], 'qantas': ['qan-tas'], 'kpmg': ['kp-mg'],
    'lexus': ['lex-us'], 'optum': ['opt-um'], 'unitedhealthcare': ['united-healthcare'],
    'homedepot-ca': [], 'etrade': ['e-trade'], 'visaeurope': ['visa-europe'],
}

# Parts of multi-word names, used with lure words (kind partial-combo).
PARTIAL = {
    'delta': ['deltaair', 'delta-air', 'deltaairlines', 'delta-airlines', 'deltaairline', 'flydelta'],
    'jpmorgan-chase': ['jpmorgan', 'jp-morgan', 'jpmorganchase', 'chasebank', 'chase-bank'],
    'american-express': ['americanexp', 'amexpress', 'american-express', 'amexcard', 'americanexpres'],
    'wells-fargo': ['wells-fargo', 'wfargo', 'wellsfargobank', 'wellsfargo-bank'],
    'unitedhealth-group': ['unitedhealth', 'united-health', 'unitedhealthcare', 'uhcgroup', 'optumrx'],
    'morgan-stanley': ['morgan-stanley', 'mstanley', 'morganstan', 'etrade-ms'],
    'british-airways': ['britishair', 'british-air', 'britishairway', 'british-airways', 'flyba'],
    'home-depot': ['home-depot', 'thehomedepot', 'homedepo', 'hdepot'],
    'societe-generale': ['societe-generale', 'sgenerale', 'socgenerale', 'societegen'],
    'dhl': ['dhl-express', 'dhlexpress', 'deutschepost', 'deutsche-post', 'dhlgroup', 'dhl-paket'],
    'ubs': ['creditsuisse', 'credit-suisse', 'ubsgroup', 'ubs-group'],
    'toyota': ['toyotamotor', 'toyota-motor', 'toyotafinancial', 'toyota-financial'],
    'qantas': ['qantasair', 'qantas-airways', 'qantaslink', 'qantas-points'],
    'samsung': ['samsung-electronics', 'samsungelectronics', 'samsungaccount'],
    'block': ['cashapp', 'cash-app', 'squareup', 'square-up', 'blockinc'],
    'amazon': ['amazonweb', 'amazon-web-services', 'awsamazon', 'amazonprime', 'amazon-prime'],
    'lg': ['lgelectronics', 'lg-electronics'],
    'bmw': ['bmwgroup', 'bmw-group'],
    'ing': ['ingbank', 'ing-bank', 'mijning', 'ing-groep'],
    'att': ['atandt', 'at-and-t', 'att-wireless'],
}

# Candidates the company runs itself but its policy does not list (country sites, defensive).
KNOWN_OWNED = {
    'shell.us': 'Shell USA', 'shell.de': "Shell's German site", 'shell.fr': "Shell's French site",
    'visa.co.uk': "Visa's UK site", 'visa.de': "Visa's German site", 'visa.fr': "Visa's French site",
    'bmw.fr': 'BMW France', 'ing.fr': 'ING France', 'dhl.fr': 'DHL France (corpus top list)',
    'axa.de': 'AXA Germany', 'axa.co.uk': 'AXA UK', 'axa.be': 'AXA Belgium', 'axa.es': 'AXA Spain',
    'axabanque.fr': 'AXA Banque', 'paypal.de': "PayPal's German site", 'paypal.fr': "PayPal's French site",
    'samsung.de': "Samsung's German site", 'toyota.de': 'Toyota Germany', 'toyota.co.uk': 'Toyota GB',
    'toyota.fr': 'Toyota France', 'nestle.de': 'Nestlé Germany', 'nestle.co.uk': 'Nestlé UK',
    'nestle.fr': 'Nestlé France', 'nestle.jp': 'Nestlé Japan', 'allianz.fr': 'Allianz France',
    'allianz.co.uk': 'Allianz UK', 'netflix.net': "Netflix's corporate domain",
    'kpmg.de': 'KPMG Germany', 'kpmg.us': 'KPMG US', 'kpmg.co.uk': 'KPMG UK',
    'chase.co.uk': "Chase UK, JPMorgan Chase's UK bank", 'americanexpress.co.uk': 'American Express UK',
    'americanexpress.de': 'American Express Germany', 'americanexpress.fr': 'American Express France',
    'amextravel.com': 'American Express Travel', 'lexus.co.uk': 'Lexus UK', 'lexus.de': 'Lexus Germany',
    'homedepot.com.mx': 'The Home Depot Mexico', 'morganstanleyclientserv.com': 'Morgan Stanley client service',
    'chasepaymentech.com': 'Chase Paymentech', 'samsungtomorrow.com': "Samsung's newsroom",
    'toyotafinancial.com': 'Toyota Financial Services', 'paypal-community.com': "PayPal's community site",
    'amazonaws.com': "Amazon's AWS hosting domain", 'bmw.it': 'BMW Italy', 'dhl-usa.com': 'DHL US',
    'epost.de': "Deutsche Post's E-POST service", 'dhl.us': 'DHL US', 'amazon.jp': 'Amazon Japan', 'myuhc.com': "UnitedHealthcare's member site",
}

# Real, unrelated sites I recognise that are not in benign_hard.tsv (reason given).
KNOWN_REAL = {
    'discord.me': 'third-party Discord server directory, not Discord Inc.',
}

# Popular only because people mistype the brand: kept as lookalikes despite a top-list hit.
TYPO_MAGNETS = set()

# OpenPhish: brand tokens (substring of the registrable label), and short tokens
# that must stand alone between label boundaries or hyphens.
REPORTED_TOKENS = {
    'paypal': 'paypal', 'paypll': 'paypal', 'amazon': 'amazon', 'amaz0n': 'amazon', 'amzn': 'amazon',
    'netflix': 'netflix', 'dhl': 'dhl', 'deutschepos': 'dhl', 'chase': 'jpmorgan-chase',
    'jpmorgan': 'jpmorgan-chase', 'wellsfargo': 'wells-fargo', 'americanexpress': 'american-express',
    'americamexpress': 'american-express', 'amex': 'american-express', 'discord': 'discord',
    'samsung': 'samsung', 'cashapp': 'block', 'squareup': 'block', 'afterpay': 'block',
    'qantas': 'qantas', 'jetstar': 'qantas', 'kpmg': 'kpmg', 'bmw': 'bmw', 'toyota': 'toyota',
    'lexus': 'toyota', 'visa': 'visa', 'target': 'target', 'delta': 'delta', 'allianz': 'allianz',
    'nestle': 'nestle', 'nespresso': 'nestle', 'societegenerale': 'societe-generale',
    'homedepot': 'home-depot', 'unitedhealth': 'unitedhealth-group', 'optum': 'unitedhealth-group',
    'morganstanley': 'morgan-stanley', 'etrade': 'morgan-stanley', 'britishairways': 'british-airways',
    'venmo': 'paypal', 'creditsuisse': 'ubs', 'shell': 'shell',
}
REPORTED_DELIMITED = {'att': 'att', 'ubs': 'ubs', 'ing': 'ing', 'axa': 'axa', 'lg': 'lg', 'uhc': 'unitedhealth-group'}

OPENPHISH_EXCLUDE = {
    # the company's own domains
    'amazon.co.za': "Amazon's own South African site", 'amazon.eg': "Amazon's own Egyptian site",
    'amazon.ie': "Amazon's own Irish site", 'amazon.pl': "Amazon's own Polish site",
    'amazonaws.com': "Amazon's own hosting domain (the phish is on a customer's bucket)",
    # tokens inside other words or names
    'cipamazonas.org.pe': 'Amazonas, the Peruvian region', 'iniciamazon.com.br': 'unclear, not clearly Amazon',
    'amazonkaseeds.com': 'unclear, not clearly Amazon', 'innovatramzn.com': 'token inside another word',
    'dynamexcard.com': 'token inside "dynamex"', 'felabzamexico.com': 'token inside "mexico"',
    'wavespringchase.com': 'token inside another name', 'chasejackpot.xyz': 'gambling, not a Chase imitation',
    'chasejustleft.xyz': 'unclear, not clearly Chase', 'chasexz.com': 'unclear, not clearly Chase',
    'hittingtargets.com.au': 'the word "target"', 'targetdiskmode.com': 'the word "target"',
    'tutargeta2026.com': 'Spanish "tarjeta"/"target", not the retailer',
    'deltatrade-dex.com': 'the word "delta" (crypto exchange)', 'toyotalaval.com': 'a Toyota dealer name',
    'visacssd.cfd': 'unclear, not clearly Visa', 'visahost.top': 'travel-visa or unrelated',
    'visahots.club': 'unclear, not clearly Visa', 'visahots.top': 'unclear, not clearly Visa',
    'visass.sbs': 'unclear, not clearly Visa', 'visaxpert.org': 'travel-visa consultancy name',
    'lg-xfinity.com': 'imitates Xfinity, not LG', 'lg8ems.top': 'unclear, not clearly LG',
    'teams-lg.com': 'unclear, not clearly LG', 'ubs.qa': 'plausibly UBS-related or unrelated; not clear',
    'discordfarsi.ir': 'a community site', 'att-bet.com': 'gambling, not an AT&T imitation',
    'att-77.com': 'unclear, not clearly AT&T', 'bmwrepairdiamondbar.com': 'an independent repair shop',
    'bmwrepairrancho.com': 'an independent repair shop', 'eibmw.com': 'unclear, not clearly BMW',
    'xbmwij.top': 'random letters', 'buypaypalaccounts.com': 'account seller, not a PayPal imitation',
    'xn--paypalgebhrenrechner-xec.de': 'a PayPal fee calculator site',
    'dhlvarese.it': 'plausibly a local DHL service partner', 'dhlmilano.it': 'plausibly a local DHL service partner',
    'dhlexpress.bg': 'plausibly DHL-owned country domain', 'dhlexpress.ee': 'plausibly DHL-owned country domain',
    'dhlexpress.hu': 'plausibly DHL-owned country domain', 'dhldanhao.com': 'third-party tracking-number site',
    'dhllionstour2025.com': 'plausibly a DHL sponsorship site', 'dhlguestmanagement.com': 'unclear',
    'xadhl.cc': 'unclear, not clearly DHL', 'dhlservicepoint.rs': 'plausibly a DHL service partner',
    'dhlservicepoint.hr': 'plausibly a DHL service partner', 'dhlservicepoints.ch': 'plausibly a DHL service partner',
    'apk1netflixtoto.top': 'gambling', 'netflixbet.top': 'gambling',
    'netflixcasino-au.com': 'casino spam using the name', 'netflixcasino.fyi': 'casino spam using the name',
    'netflixcasino783.com': 'casino spam using the name', 'netflixcasino784.com': 'casino spam using the name',
    'netflixcasinobelgique.com': 'casino spam using the name', 'netflixcasinocanada.com': 'casino spam using the name',
    'netflixcasinonz.com': 'casino spam using the name', 'netflixcasinouk.com': 'casino spam using the name',
    'netflixhasnohomepage.com': 'unclear', 'netflixinyourneighborhoodnm.com': 'a promotional or fan site',
    'netflixfeitoaqui.com.br': 'unclear', 'netflixinject.web.id': 'a hacking-tool site',
    'nestli.pro': 'unclear, not clearly Nestlé', 'alianzati.com': 'Spanish "alianza"',
    'anunciaconalianzalima.com': 'Alianza Lima, a football club',
}

FIRST_SEEN = {}


# --- helpers -------------------------------------------------------------
def reg(d):
    try:
        return PSL.privatesuffix(d)
    except Exception:
        return None


def label_of(d):
    r = reg(d)
    if not r:
        return None
    return r[: -len(PSL.publicsuffix(r)) - 1]


def to_unicode(d):
    try:
        return idna.decode(d).lower()
    except Exception:
        return None


def to_puny(d):
    try:
        return idna.encode(d).decode().lower()
    except Exception:
        return d


def corpus_dir():
    for c in (os.environ.get('SECONDLOOK_CORPUS'), HERE / '../../shared/corpus',
              HERE / '../../../shared/corpus', '/work/shared/corpus'):
        if c and Path(c, 'README.md').exists():
            return Path(c)
    sys.exit('corpus not found: set SECONDLOOK_CORPUS')


def read_tsv(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            rows.append(dict(zip(head, line.rstrip('\n').split('\t'))))
    return rows


def norm_alias(a):
    return re.sub(r'[^a-z0-9]', '', a.lower().replace('&', 'and'))


def load_policies():
    comps = {}
    for p in sorted((HERE / 'companies').glob('*.toml')):
        t = tomllib.load(open(p, 'rb'))
        comps[p.stem] = {'org': t['organization']['name'],
                         'brands': [(b['name'], [d.lower() for d in b['domains']]) for b in t['brand']]}
    aliases = {}
    for p in sorted((HERE / 'companies_aliases').glob('*.toml')):
        t = tomllib.load(open(p, 'rb'))
        aliases[p.stem] = t['brand'][0]['aliases']
    return comps, aliases


def owners(d, comps):
    d = to_puny(d)
    out = set()
    for s, c in comps.items():
        for _, doms in c['brands']:
            for od in doms:
                if d == od or d.endswith('.' + od):
                    out.add(s)
    return out


# --- edits used by misspelt-combo -----------------------------------------
QWERTY = dnstwist.Fuzzer.qwerty


def one_edits(w):
    out = set()
    for i in range(len(w)):
        out.add(w[:i] + w[i + 1:])                                    # omission
        out.add(w[:i] + w[i] + w[i:])                                 # repetition
        for c in QWERTY.get(w[i], ''):
            out.add(w[:i] + c + w[i + 1:])                            # keyboard replacement
            out.add(w[:i] + c + w[i:])                                # insertion
        if w[i] in 'aeiou':
            for v in 'aeiou':
                out.add(w[:i] + v + w[i + 1:])                        # vowel swap
        for b in range(8):                                            # bit flip
            c = chr(ord(w[i]) ^ (1 << b))
            if re.fullmatch(r'[a-z0-9]', c):
                out.add(w[:i] + c + w[i + 1:])
    for i in range(len(w) - 1):
        out.add(w[:i] + w[i + 1] + w[i] + w[i + 2:])                  # transposition
    out.discard(w)
    return sorted(x for x in out if re.fullmatch(r'[a-z0-9]([a-z0-9-]*[a-z0-9])?', x) and len(x) >= 3)


# --- main ------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pool', help='dump every candidate (domain, company, kind) here')
    ap.add_argument('--words', help='word list: print the COMMON_WORDS hits and exit')
    ap.add_argument('--counts', action='store_true', help='print the count tables')
    args = ap.parse_args()

    comps, aliases = load_policies()
    corpus = corpus_dir()
    top = set()
    for line in open(corpus / 'benign/alexa_top100k_2015.csv', encoding='utf-8'):
        parts = line.strip().split(',')
        if len(parts) == 2 and parts[0] != 'rank':
            top.add(parts[1].lower())
    for line in open(corpus / 'benign/umbrella_top10k_2021.txt', encoding='utf-8'):
        top.add(line.strip().lower())
    benign_hard = {r['domain']: r['note'] for r in read_tsv(HERE / 'benign_hard.tsv')}
    benign_cross = {r['domain']: r for r in read_tsv(HERE / 'benign_cross.tsv')}
    words = None
    if args.words:
        words = {w.strip().lower() for w in open(args.words, encoding='utf-8', errors='replace')
                 if re.fullmatch(r'[a-z]{3,}', w.strip())}
    common = words if words is not None else COMMON_WORDS
    word_hits = set()

    removed = {}      # (domain, company) -> (kind, reason)
    pool = []

    def reject(d, stem, kind, secondary=False):
        """Return the reason to drop candidate d for company stem, or None to keep it."""
        r = reg(d) or d
        own = owners(d, comps)
        if stem in own:
            return 'owned: in the company\'s own policy'
        if own:
            return 'owned by another company of this set (%s)' % ', '.join(sorted(own))
        for x in (d, r):
            if x in KNOWN_OWNED:
                return "the company's own site, not in its policy: " + KNOWN_OWNED[x]
        for x in (d, r):
            if x in benign_hard:
                return 'a real, unrelated site listed in benign_hard.tsv'
            if x in benign_cross:
                return 'owned by another company of this set (%s), listed in benign_cross.tsv' % benign_cross[x]['owner']
        for x in (d, r):
            if x in KNOWN_REAL:
                return 'a real, unrelated site I recognise: ' + KNOWN_REAL[x]
        if (d in top or r in top or 'www.' + d in top) and d not in TYPO_MAGNETS:
            return 'a popular site in the corpus top lists (Alexa top-100k 2015 or Umbrella top-10k 2021)'
        if secondary and kind in ('tld-swap', 'various'):
            lab = label_of(d) or ''
            if lab in common:
                word_hits.add(lab)
                return 'a further brand whose name is an English word, under another suffix (owner unknown)'
        if kind in LETTER_EDITS:
            lab = label_of(d) or ''
            if lab in common:
                word_hits.add(lab)
                return 'the registrable label is an English word (letter-editing fuzzer)'
        return None

    rows = {}   # (domain, company) -> (kind, source)

    def add(d, stem, kind, source):
        rows[(d, stem)] = (kind, source)

    for stem, c in comps.items():
        main = c['brands'][0][1][0]
        targets = [(main, MAIN_BUDGET)]
        for _, doms in c['brands'][1:]:
            first = next((d for d in doms if reg(d) == d), None)
            if first:
                targets.append((first, OTHER_BUDGET))
        homoglyph_rows = 0
        taken = set()
        for target, budget in targets:
            fz = dnstwist.Fuzzer(target, dictionary=LURES, tld_dictionary=list(TLDS))
            seen = set()
            cands = {}
            for kind in FUZZERS:
                fz.generate(fuzzers=[kind])
                ds = sorted({p['domain'] for p in fz.domains} - seen - {target})
                seen.update(ds)
                keep = []
                for d in ds:
                    pool.append((d, stem, kind))
                    why = reject(d, stem, kind, secondary=target != main)
                    if why:
                        removed[(d, stem)] = (kind, why)
                    else:
                        keep.append(d)
                random.Random('dnstwist:%s:%s:%s' % (stem, target, kind)).shuffle(keep)
                if kind == 'homoglyph':
                    # alternate ASCII look-alikes (rn for m, cl for d, vv for w, 1 for l) with IDNs
                    asc = [d for d in keep if 'xn--' not in d]
                    idn = [d for d in keep if 'xn--' in d]
                    keep = [d for pair in zip(asc, idn) for d in pair]
                    keep += asc[len(keep) // 2:] + idn[len(keep) // 2:]
                cands[kind] = keep
            n = 0
            progress = True
            while n < budget and progress:
                progress = False
                for kind in FUZZERS:
                    for _ in range(WEIGHT.get(kind, 1)):
                        if n >= budget or not cands[kind]:
                            break
                        d = cands[kind][0]
                        u = to_unicode(d) if kind in IDN_KINDS and 'xn--' in d else None
                        cost = 2 if u and u != d else 1
                        if kind == 'homoglyph' and homoglyph_rows + cost > HOMOGLYPH_CAP:
                            cands[kind] = []
                            break
                        if n + cost > budget:
                            cands[kind].pop(0)
                            continue
                        cands[kind].pop(0)
                        if d in taken:
                            continue
                        src = 'dnstwist %s %s of %s (offline)' % (DNSTWIST_VERSION, kind, target)
                        add(d, stem, kind, src)
                        taken.add(d)
                        if cost == 2:
                            add(u, stem, kind, src + ', Unicode form')
                            taken.add(u)
                        n += cost
                        if kind == 'homoglyph':
                            homoglyph_rows += cost
                        progress = True

        # --- this set's own kinds ---
        labels = []
        for _, doms in c['brands']:
            for d in doms:
                lab = label_of(d)
                if lab and lab not in labels and reg(d) == d:
                    labels.append(lab)
        main_label = label_of(main)
        main_tld = PSL.publicsuffix(main)
        other_tlds = [t for t in TLDS if t != main_tld]

        def take(kind, gen, n, source_fn, company=None):
            company = company or stem
            rnd = random.Random('%s:%s' % (kind, company))
            got = 0
            tries = 0
            while got < n and tries < 20000:
                tries += 1
                d, src = gen(rnd)
                if d is None:
                    break
                d = d.lower()
                if (d, company) in rows or d in taken or (d, company) in removed:
                    continue
                if not dnstwist.VALID_FQDN_REGEX.match(d) or not reg(d):
                    continue
                pool.append((d, company, kind))
                why = reject(d, stem, kind)
                if why:
                    removed[(d, company)] = (kind, why)
                    continue
                add(d, company, kind, src)
                taken.add(d)
                got += 1

        def gen_glued(rnd):
            lab = main_label if rnd.random() < 0.6 else rnd.choice(labels)
            w = rnd.choice(LURES).replace('-', '')
            d = (lab + w if rnd.random() < 0.6 else w + lab) + '.' + rnd.choice(other_tlds)
            return d, 'brand label %s glued to lure word %s' % (lab, w)
        take('glued', gen_glued, N_GLUED, None)

        long_labels = [l for l in labels if len(l) >= 4]
        if long_labels:
            def gen_mis(rnd):
                lab = main_label if main_label in long_labels and rnd.random() < 0.6 else rnd.choice(long_labels)
                m = rnd.choice(one_edits(lab))
                w = rnd.choice(LURES)
                d = (m + '-' + w if rnd.random() < 0.6 else w + '-' + m) + '.' + rnd.choice(TLDS)
                return d, 'one-edit misspelling %s of %s plus lure word %s' % (m, lab, w)
            take('misspelt-combo', gen_mis, N_MISSPELT, None)

        splits = []
        for lab in labels:
            splits += [(s, lab) for s in WORD_SPLITS.get(lab, [])]
        for lab in labels:
            if '-' not in lab:
                splits += [(lab[:i] + '-' + lab[i:], lab) for i in range(1, len(lab))
                           if (lab[:i] + '-' + lab[i:], lab) not in splits]
        split_state = {'i': 0}

        def gen_split(rnd):
            i = split_state['i']
            if i >= len(splits) * 3:
                return None, None
            split_state['i'] += 1
            s, lab = splits[i % len(splits)]
            tld = main_tld if i < len(splits) else rnd.choice(TLDS)
            return s + '.' + tld, 'hyphen split %s of %s' % (s, lab)
        if splits:
            take('split', gen_split, N_SPLIT, None)

        shorts = sorted({l for l in labels if len(l) <= 3})
        patterns = ['{s}-{w}.{t}', '{w}-{s}.{t}', '{s}.{w}-{w2}.{t}', '{w}.{s}-{w2}.{t}',
                    '{s}-{w}-{w2}.{t}', '{s}{w}.{t}']

        def combo_gen(tokens, what):
            def g(rnd):
                s = rnd.choice(tokens)
                w, w2 = rnd.choice(LURES), rnd.choice(LURES_EN)
                if w == w2:
                    return '', ''
                d = rnd.choice(patterns).format(s=s, w=w, w2=w2, t=rnd.choice(TLDS))
                return d, '%s %s beside lure words' % (what, s)
            return g
        if shorts:
            take('short-combo', combo_gen(shorts, 'short label'), N_SHORT, None)

        if stem in PARTIAL:
            def gen_partial(rnd):
                p = rnd.choice(PARTIAL[stem])
                w = rnd.choice(LURES)
                r = rnd.random()
                d = (p + '-' + w if r < 0.5 else (w + '-' + p if r < 0.8 else p + w.replace('-', ''))) + '.' + rnd.choice(TLDS)
                return d, 'part of the name %s plus lure word %s' % (p, w)
            take('partial-combo', gen_partial, N_PARTIAL, None)

        if stem in aliases:
            toks = sorted({norm_alias(a) for a in aliases[stem]})
            take('alias-combo', combo_gen(toks, 'alias'), N_ALIAS, None, company=stem + '+aliases')
            for (d, co), (k, src) in list(rows.items()):
                if co == stem + '+aliases' and k == 'alias-combo' and 'companies_aliases' not in src:
                    rows[(d, co)] = (k, src + ' (companies_aliases/%s.toml)' % stem)

    # --- reported (OpenPhish) ---
    reported = {}
    for line in open(corpus / 'phishing/openphish_urls.tsv', encoding='utf-8', errors='replace'):
        url, _, seen_date = line.rstrip('\n').partition('\t')
        if url == 'url':
            continue
        try:
            h = (urlsplit(url).hostname or '').lower().rstrip('.')
        except Exception:
            continue
        r = reg(h)
        if not r:
            continue
        lab = label_of(r)
        hit = set()
        for t, s in REPORTED_TOKENS.items():
            if t in lab:
                hit.add(s)
        for t, s in REPORTED_DELIMITED.items():
            if re.search(r'(^|-)%s($|-)' % t, lab):
                hit.add(s)
        for s in hit:
            if r in OPENPHISH_EXCLUDE:
                removed[(r, s)] = ('reported', 'OpenPhish match excluded by review: ' + OPENPHISH_EXCLUDE[r])
                continue
            if owners(r, comps) or r in KNOWN_OWNED:
                removed[(r, s)] = ('reported', 'OpenPhish match owned by a company of this set')
                continue
            if (r, s) not in reported or seen_date < reported[(r, s)]:
                reported[(r, s)] = seen_date
    for (r, s), dt in reported.items():
        rows.setdefault((r, s), ('reported', 'phishing/openphish_urls.tsv, first seen %s' % dt))
        if rows[(r, s)][0] != 'reported':
            rows[(r, s)] = ('reported', 'phishing/openphish_urls.tsv, first seen %s; also %s' % (dt, rows[(r, s)][0]))
    for k in list(removed):
        if k in rows:
            del removed[k]

    if words is not None:
        print('COMMON_WORDS = {%s}' % ', '.join(repr(w) for w in sorted(word_hits)))
        return

    # --- write ---
    with open(HERE / 'lookalikes.tsv', 'w', encoding='utf-8') as f:
        f.write('domain\tcompany\tkind\tsource\n')
        for (d, s) in sorted(rows):
            k, src = rows[(d, s)]
            f.write('%s\t%s\t%s\t%s\n' % (d, s, k, src))
    with open(HERE / 'removed.tsv', 'w', encoding='utf-8') as f:
        f.write('domain\tcompany\tkind\treason\n')
        for (d, s) in sorted(removed):
            k, why = removed[(d, s)]
            f.write('%s\t%s\t%s\t%s\n' % (d, s, k, why))
    if args.pool:
        with open(args.pool, 'w', encoding='utf-8') as f:
            for d, s, k in sorted(set(pool)):
                f.write('%s\t%s\t%s\n' % (d, s, k))

    check(comps, aliases, rows, benign_hard, benign_cross)
    if args.counts:
        counts(rows, removed)


def check(comps, aliases, rows, benign_hard, benign_cross):
    ncols = {'lookalikes.tsv': 4, 'benign_hard.tsv': 2, 'benign_cross.tsv': 4, 'removed.tsv': 4}
    for name, n in ncols.items():
        text = (HERE / name).read_text(encoding='utf-8')
        assert text.endswith('\n'), name
        lines = text.split('\n')[:-1]
        for i, line in enumerate(lines):
            assert len(line.split('\t')) == n, (name, i, line)
            dom = line.split('\t')[0]
            assert dom == dom.lower(), (name, dom)
    lk = (HERE / 'lookalikes.tsv').read_text(encoding='utf-8').split('\n')[1:-1]
    keys = [tuple(l.split('\t')[:2]) for l in lk]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), 'lookalikes.tsv sorted, unique'
    assert len(keys) >= 6000, len(keys)
    homo = Counter()
    all_domains = {d for d, _ in keys}
    for l in lk:
        d, s, k, _ = l.split('\t')
        assert not owners(d, comps), ('owned lookalike', d)
        assert d not in benign_hard and d not in benign_cross, ('benign lookalike', d)
        assert (reg(to_puny(d)) or '') not in benign_hard, ('benign registrable', d)
        if k == 'alias-combo':
            assert s.endswith('+aliases') and s[:-8] in aliases, l
        else:
            assert s in comps, l
        if k == 'homoglyph':
            homo[s] += 1
        if k in IDN_KINDS:
            twin = to_unicode(d) if d.isascii() else to_puny(d)
            if twin != d and ('xn--' in d or not d.isascii()):
                assert twin in all_domains, ('IDN twin missing', d, twin)
    assert all(v <= HOMOGLYPH_CAP for v in homo.values()), homo
    for d in benign_hard:
        assert not owners(d, comps), ('benign_hard owned', d, owners(d, comps))
    for d, r in benign_cross.items():
        assert owners(d, comps) == {r['owner']}, ('benign_cross owner', d, owners(d, comps))
        assert r['resembles'] in comps or r['resembles'] == '-', r
    print('ok: %d lookalikes, %d benign_hard, %d benign_cross' % (len(keys), len(benign_hard), len(benign_cross)))


def counts(rows, removed):
    by_kind = Counter(k for k, _ in rows.values())
    print('| kind | rows |\n|---|---:|')
    for k in FUZZERS + ['glued', 'misspelt-combo', 'split', 'short-combo', 'partial-combo', 'alias-combo', 'reported']:
        print('| %s | %d |' % (k, by_kind[k]))
    print('| **total** | **%d** |' % len(rows))
    cols = ['dnstwist', 'homoglyph', 'dictionary', 'tld-swap', 'glued', 'misspelt-combo', 'split',
            'short-combo', 'partial-combo', 'alias-combo', 'reported']
    per = defaultdict(Counter)
    for (d, s), (k, _) in rows.items():
        per[s][k] += 1
        per[s]['rows'] += 1
        if k in FUZZERS:
            per[s]['dnstwist'] += 1
    print()
    print('| company | rows | ' + ' | '.join(cols) + ' |')
    print('|---|---:|' + '---:|' * len(cols))
    for s in sorted(per):
        print('| %s | %d | ' % (s, per[s]['rows']) + ' | '.join(str(per[s][c]) for c in cols) + ' |')
    print()
    print(Counter(why.split(':')[0].split(' (')[0] for _, why in removed.values()))


# English words (wamerican 2020.12.07) met as registrable labels; made with --words.
COMMON_WORDS = {'aft', 'aha', 'airways', 'ale', 'amazons', 'apt', 'are', 'ash', 'ass', 'atty', 'awe', 'awes', 'axe', 'bash', 'black', 'bloc', 'blocks', 'bow', 'bus', 'case', 'cash', 'chase', 'chased', 'chaser', 'chases', 'chasm', 'chose', 'clock', 'cord', 'dash', 'deltas', 'depot', 'ding', 'discard', 'discoed', 'discords', 'doom', 'ell', 'espresso', 'flock', 'gash', 'get', 'group', 'hell', 'hubs', 'int', 'lix', 'lock', 'log', 'nestled', 'nestles', 'nexus', 'pal', 'papal', 'pay', 'payments', 'plexus', 'post', 'pot', 'press', 'rang', 'rig', 'ring', 'rings', 'ruing', 'rung', 'sash', 'saws', 'shall', 'shells', 'shill', 'sing', 'star', 'sung', 'tar', 'targets', 'tat', 'tidal', 'trade', 'venom', 'video', 'visas', 'vise', 'was', 'watt', 'ways', 'yaws', 'zing'}

if __name__ == '__main__':
    main()
