//! `named-sender`: the message names its sender, and the link is that name
//! with words added on a site the sender does not own.
//!
//! ## What it flags
//! A name written in the message's words (outside its links) as a proper
//! name — capitalised, one to three words ("Rabobank", "Deutsche Bank",
//! "India Post"), or an acronym of three or more capitals ("ASFINAG") —
//! that is also a whole part of a link's name, with other parts added:
//! `rabobank-scanner-aanvraag.com`, `deutschebank-phototan.info`,
//! `indiapost-redelivery.in.net`, or a sub-name in front of someone else's
//! site (`bancoestado-cl.seguridad-web.com`). The link is neither owned
//! nor trusted, and no link rule has already found it suspicious (for the
//! brands the policy knows, `brand-combo` says more). → `suspicious`.
//!
//! ## Not flagged
//! The name alone as the link's name (`ING: … ing.nl/x`: whoever owns it,
//! the text and the link agree); a name that is an everyday or lure word
//! ("Secure", "Account", "Delivery"), a function word of a vocabulary
//! ("Your", "Hello"), or a name in lower case; added parts that are only
//! a country code or filler (`rabobank-nl`, as `brand-combo` reads them);
//! owned and trusted hosts.
//!
//! ## Why it matters
//! The built-in brand list cannot know every bank, carrier, toll operator
//! and office in every country; the message says who it claims to be, and
//! a link that spells that name with "scanner", "phototan" or "redelivery"
//! added is the lure's own address. It needs no list at all.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use super::{Finding, RelationFindings, RelationLink, RelationRule, Severity};
use crate::engine::explain::Evidence;
use crate::policy::Policy;

/// The registry entry.
pub const RULE: RelationRule = RelationRule {
    id: "named-sender",
    detects: "a sender named in the message whose name, with words added, is the link's (Rabobank: … rabobank-scanner-aanvraag.com)",
    severity: "suspicious",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Suspicious;
    super::Examples {
        flagged: &[
            E::builtin("Rabobank: uw Rabo Scanner moet vervangen worden. Vraag een nieuwe aan via rabobank-scanner-aanvraag.com").at(Suspicious),
            E::builtin("Deutsche Bank: Ihr photoTAN-Verfahren muss aktualisiert werden: deutschebank-phototan.info").at(Suspicious), // two words, glued in the link
            E::builtin("ASFINAG: offene Mautforderung, zahlen Sie bis heute: asfinag-mautservice.eu").at(Suspicious), // an acronym
            E::builtin("BancoEstado: su cuenta ha sido bloqueada. Reactívela en bancoestado-cl.seguridad-web.com").at(Suspicious), // a sub-name in front of another site
            E::twilio("Harbour Water: your meter reading is overdue, submit it at harbourwater-meter-portal.com").at(Suspicious),
        ],
        not_flagged: &[
            E::builtin("ING: uw nieuwe pas is onderweg. Bekijk de status op ing.nl/pas"), // the name alone is the link's name
            E::builtin("Secure your account: secure-account-center.com"), // a lure word is no name
            E::builtin("Your order has shipped, track it at your-order-tracking.com"), // a function word is no name
            E::builtin("Rabobank: meer informatie op rabobank-nl.com"), // only a country code added
            E::builtin("GLS: il tuo pacco è al ParcelShop. Dettagli su gls-italy.com"), // a country name: a company's own country site
            E::twilio("Twilio: your invoice is ready at twilio.com/console/billing"), // owned
            E::builtin("Met vriendelijke groet, rabobank-scanner-aanvraag.com"), // no name in the words
        ],
    }
};

fn check(text: &str, links: &[RelationLink<'_>], policy: &Policy) -> RelationFindings {
    // The words, with every link blanked: a name only inside a link is
    // not a name the message gives.
    let mut words = text.as_bytes().to_vec();
    for l in links {
        if let Some(b) = words.get_mut(l.link.normalized_span.clone()) {
            b.fill(b' ');
        }
    }
    let words = String::from_utf8_lossy(&words);
    let names = names_in(&words);
    if names.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, l) in links.iter().enumerate() {
        if l.severity >= Severity::Suspicious || l.link.via.is_some() {
            continue;
        }
        let Some(host) = &l.link.host else { continue };
        let Some(site) = &host.registrable else {
            continue;
        };
        if host.non_ascii || policy.owner_of(host).is_some() || policy.listed(host) {
            continue;
        }
        let label = host.label.as_str();
        let found = names.iter().find(|(_, key)| {
            label != key.as_str()
                && (added_to(label, key, true)
                    || host
                        .subdomain
                        .split('.')
                        .any(|sub| sub != key.as_str() && in_front(sub, key)))
        });
        if let Some((name, _)) = found {
            out.push((
                i,
                Finding {
                    rule: RULE.id,
                    severity: Severity::Suspicious,
                    brand: None,
                    evidence: Evidence::NamedSender {
                        name: name.clone(),
                        site: site.clone(),
                    },
                },
            ));
        }
    }
    out
}

/// `key` is a whole part of a sub-name in front of someone else's site
/// (`bancoestado-cl.seguridad-web.com`): with any part added, a country
/// code too.
fn in_front(sub: &str, key: &str) -> bool {
    added_to(sub, key, false)
}

/// `key` is a whole part (or a run of whole parts, hyphens left out) of
/// `label`, with other parts added; with `filler_apart`, parts that are
/// only country codes, country names or filler do not count as added
/// (`rabobank-nl`, `gls-italy`: a company's own country sites).
fn added_to(label: &str, key: &str, filler_apart: bool) -> bool {
    let parts: Vec<&str> = label.split('-').filter(|p| !p.is_empty()).collect();
    for i in 0..parts.len() {
        let mut joined = String::new();
        for j in i..parts.len() {
            joined.push_str(parts.get(j).copied().unwrap_or_default());
            if joined.len() > key.len() {
                break;
            }
            if joined == key && (i, j + 1) != (0, parts.len()) {
                let rest = parts
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k < i || *k > j)
                    .map(|(_, p)| *p);
                let mut rest = rest.peekable();
                let only_filler = filler_apart
                    && rest.peek().is_some()
                    && rest.all(|p| {
                        crate::engine::words::COUNTRY.contains(&p)
                            || COUNTRY_NAMES.contains(&p)
                            || crate::engine::words::is_filler(p)
                    });
                if !only_filler {
                    return true;
                }
            }
        }
    }
    false
}

/// Country names as companies put them after their own name
/// (`gls-italy.com`, `ikea-deutschland`), in English and their own
/// language.
#[rustfmt::skip]
const COUNTRY_NAMES: &[&str] = &[
    "italy", "italia", "spain", "espana", "france", "germany", "deutschland", "austria",
    "osterreich", "oesterreich", "schweiz", "suisse", "svizzera", "switzerland", "nederland",
    "netherlands", "holland", "belgium", "belgie", "belgique", "portugal", "brasil", "brazil",
    "mexico", "chile", "argentina", "colombia", "peru", "usa", "america", "canada", "uk",
    "britain", "ireland", "india", "japan", "nippon", "korea", "china", "taiwan", "australia",
    "sverige", "sweden", "norge", "norway", "danmark", "denmark", "suomi", "finland", "polska",
    "poland", "romania", "turkiye", "turkey", "indonesia", "europe", "europa", "global",
    "international", "intl", "world",
];

/// Function words of every vocabulary (its `common`, `negation`, `ask`
/// and `determiners` words), lower case: a capitalised "Your" or "Hola"
/// starts a sentence, it names no one.
static FUNCTION_WORDS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    crate::lure::VOCABULARIES
        .iter()
        .flat_map(|v| {
            v.common
                .iter()
                .chain(&v.negation)
                .chain(&v.ask)
                .chain(&v.determiners)
        })
        .map(|w| w.to_lowercase())
        .collect()
});

/// The proper names in `words`: runs of one to three capitalised ASCII
/// words ("Rabobank", "Deutsche Bank", "BancoEstado") or acronyms of three
/// or more capitals, each as written and as a link would spell it (lower
/// case, the words joined), each once, at most [`MAX_NAMES`]. One pass
/// over the words, each looked up in a set: linear-ish in the text.
fn names_in(words: &str) -> Vec<(String, String)> {
    // Tokens: runs of letters and digits, with where they start and end.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in words.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            tokens.push((s, i));
        }
    }
    if let Some(s) = start {
        tokens.push((s, words.len()));
    }
    let capitalised = |t: &str| {
        t.is_ascii()
            && t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && !FUNCTION_WORDS.contains(&t.to_ascii_lowercase())
    };
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (n, (s, e)) in tokens.iter().enumerate() {
        let Some(first) = words.get(*s..*e) else {
            continue;
        };
        if !capitalised(first) {
            continue;
        }
        let mut end = *e;
        let mut key = String::new();
        for (k, (ts, te)) in tokens.iter().enumerate().skip(n).take(3) {
            let Some(t) = words.get(*ts..*te) else { break };
            // The words of one name stand side by side, one space apart.
            if k > n && (!capitalised(t) || words.get(end..*ts) != Some(" ")) {
                break;
            }
            end = *te;
            key.push_str(&t.to_ascii_lowercase());
            let acronym = k == n && t.len() >= 3 && t.bytes().all(|b| b.is_ascii_uppercase());
            if (key.len() >= 4 || acronym) && distinctive(&key) {
                let shown = words.get(*s..end).unwrap_or_default().to_owned();
                if out.len() < MAX_NAMES && seen.insert(key.clone()) {
                    out.push((shown, key.clone()));
                }
            }
        }
    }
    out
}

/// At most this many names are read from one message (a text has a few).
const MAX_NAMES: usize = 512;

/// A name that is not an everyday, lure, filler or function word.
fn distinctive(key: &str) -> bool {
    !crate::policy::names::is_everyday(key)
        && !crate::engine::words::is_lure_word(key)
        && !crate::engine::words::is_filler(key)
        && !FUNCTION_WORDS.contains(key)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{builtin, twilio};
    use expect_test::expect;

    fn explain(text: &str, policy: &crate::Policy) -> String {
        crate::analyze(text, policy)
            .links
            .iter()
            .flat_map(|l| l.findings.iter())
            .filter(|f| f.rule == "named-sender")
            .map(|f| format!("{} {}", f.severity, f.explanation()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn names_the_sender_and_the_site() {
        expect!["suspicious The message says it is from Rabobank, but the link goes to rabobank-scanner-aanvraag.com, which is not Rabobank's address."]
            .assert_eq(&explain("Rabobank: uw Rabo Scanner moet vervangen worden. Vraag direct een nieuwe aan via rabobank-scanner-aanvraag.com", &builtin()));
        expect!["suspicious The message says it is from India Post, but the link goes to indiapost-redelivery.in.net, which is not India Post's address."]
            .assert_eq(&explain("India Post: your parcel is held. Update your address: indiapost-redelivery.in.net", &builtin()));
        expect!["suspicious The message says it is from BancoEstado, but the link goes to seguridad-web.com, which is not BancoEstado's address."]
            .assert_eq(&explain("BancoEstado: Su CuentaRUT ha sido bloqueada. Reactívela en bancoestado-cl.seguridad-web.com", &builtin()));
        expect![""].assert_eq(&explain(
            "Twilio: your invoice is ready at twilio.com/console/billing",
            &twilio(),
        ));
    }
}
