//! Word lists the brand rules combine with brand names.
//!
//! `IDENTITY` words are what the 0ktapus / Scattered Spider campaigns put next
//! to a company name (CISA AA23-320A: `-sso`, `-servicedesk`, `-okta`,
//! `-helpdesk`, `-cms`, `oktalogin-`; Twilio's report: "Twilio", "Okta",
//! "SSO"), the security words Chromium's combo-squatting check uses, and the
//! consumer lure words of parcel, bank and prize smishing (`-tracking`,
//! `-refund`) and of lost-device phishing in the languages it targets
//! (`findmy-`, `buscar-`, `-localizador`, `suporte-`). A brand name joined to one of them is `dangerous`.
//! `GENERIC` words are common filler in lookalike names (`my-`, `-online`,
//! `-app`). They only count towards recognising a brand name as a separate
//! word (`apple-online` is Apple plus a word; `pineapple` is not).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::host::comparison_form;

/// The lure words of one language that attackers put in domain names
/// beside a brand (`delta-ayuda.com`, `hilfe-telekom.de`,
/// `orange-assistance.fr`): the `[domain]` table of each vocabulary file
/// (`assets/lures/<lang>.toml`, [`crate::engine::fold::FILES`]), so a
/// language's lure words live in one reviewed file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainWords {
    /// Sign-in and account words (`cuenta`, `konto`, `compte`).
    #[serde(default)]
    pub sign_in: Vec<String>,
    /// Help-desk and support words (`ayuda`, `hilfe`, `assistance`).
    #[serde(default)]
    pub it: Vec<String>,
    /// Other lure words (`factura`, `rechnung`, `colis`).
    #[serde(default)]
    pub other: Vec<String>,
    /// Filler words, like [`GENERIC`]'s `my`: they only help recognise a
    /// brand name as a word of its own (`mijn` in `mijning-assistance`,
    /// `mein`, `mi`, `minha`); never a lure by themselves.
    #[serde(default)]
    pub filler: Vec<String>,
}

/// The `[domain]` table alone, read from a whole vocabulary file.
#[derive(Deserialize)]
struct DomainTable {
    #[serde(default)]
    domain: DomainWords,
}

/// Every language's domain lure words, lower case and ASCII (a word a
/// domain cannot spell is left out), each once, in file order.
static DOMAIN_WORDS: LazyLock<DomainWords> = LazyLock::new(|| {
    let mut all = DomainWords::default();
    for (_, text) in crate::engine::fold::FILES {
        // A broken file is reported by the vocabulary tests; here it is
        // left out rather than stopping the analysis.
        let Ok(t) = toml::from_str::<DomainTable>(text) else {
            continue;
        };
        for (from, to) in [
            (t.domain.sign_in, &mut all.sign_in),
            (t.domain.it, &mut all.it),
            (t.domain.other, &mut all.other),
            (t.domain.filler, &mut all.filler),
        ] {
            for w in from {
                let w = w.trim().to_ascii_lowercase();
                if !w.is_empty()
                    && w.bytes().all(|b| b.is_ascii_alphanumeric())
                    && !IDENTITY.contains(&w.as_str())
                    && !ROMANISED.contains(&w.as_str())
                    && !GENERIC.contains(&w.as_str())
                    && !to.contains(&w)
                {
                    to.push(w);
                }
            }
        }
    }
    all
});

/// The domain lure words of every vocabulary file (see [`DomainWords`]).
pub fn domain_words() -> &'static DomainWords {
    &DOMAIN_WORDS
}

/// Every lure word: [`IDENTITY`] and every language's domain lure words.
pub static LURE_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let d = domain_words();
    IDENTITY
        .iter()
        .copied()
        .chain(ROMANISED.iter().copied())
        .chain(d.sign_in.iter().map(String::as_str))
        .chain(d.it.iter().map(String::as_str))
        .chain(d.other.iter().map(String::as_str))
        .collect()
});

/// Every filler word: [`GENERIC`] and every language's domain filler words
/// (`mijn`, `mein`, `mi`).
pub fn filler_words() -> impl Iterator<Item = &'static str> {
    GENERIC
        .iter()
        .copied()
        .chain(domain_words().filler.iter().map(String::as_str))
}

/// `word` is a filler word ([`filler_words`]) and no lure word.
pub fn is_filler(word: &str) -> bool {
    !is_lure_word(word) && filler_words().any(|w| w == word)
}

/// `word` is a lure word ([`LURE_WORDS`]).
pub fn is_lure_word(word: &str) -> bool {
    LURE_WORDS.contains(&word)
}

/// Words that turn a brand lookalike into a sign-in, IT or consumer lure.
#[rustfmt::skip]
pub const IDENTITY: &[&str] = &[
    // Sign-in and IT words (0ktapus, CISA AA23-320A, Chromium's security words).
    "sso", "okta", "oktalogin", "login", "logon", "signin", "signon", "auth", "mfa", "2fa", "otp",
    "vpn", "helpdesk", "servicedesk", "help", "desk", "support", "it", "hr", "cms", "portal",
    "reset", "verify", "verification", "account", "accounts", "secure", "security", "schedule",
    "password", "passwd", "id", "uid", "identity", "access", "admin", "onelogin", "duo", "adfs",
    "citrix", "workday", "remote", "employee", "staff", "payroll", "benefits", "corp", "internal",
    "intranet", "session", "sessions", "device", "update", "activate", "unlock", "recovery",
    "recover", "confirm", "wallet", "billing", "invoice", "payment", "refund", "alert", "webmail",
    "mail", "office", "outlook", "teams", "token", "ticket", "tickets",
    // Microsoft's sign-in products and the identity and HR words of help-desk
    // phishing ("victim-o365", "entra-victim", "victim-idp", "timesheet-victim").
    "entra", "azure", "o365", "office365", "m365", "idp", "timesheet", "timesheets",
    // Consumer lure words (parcel, bank and prize smishing).
    "delivery", "track", "tracking", "parcel", "package", "shipping", "claim", "notice",
    "notification", "customer", "service", "services", "payments", "pay", "rewards", "prize",
    "gift", "bill", "card", "kyc", "locked", "suspended", "unpaid", "fee", "fees", "toll",
    // Courier lures: customs duties and redelivery ("dhl-duty-pay").
    "duty", "duties", "customs", "clearance", "redelivery", "redeliver", "shipment", "reschedule",
    // Lost-device lures ("find my iPhone"), in English, Spanish and Portuguese.
    "find", "findmy", "locate", "locator", "location", "locations", "lost", "maps",
    "buscar", "encontrar", "localizar", "localizador", "localizacion", "rastreio", "rastrear",
    "dispositivo", "dispositivos", "mapa", "mapas", "perdido", "soporte", "suporte",
    "atendimento", "reclamacion", "reclamaciones", "reporte", "oficial", "ayuda", "ajuda",
];

/// Lure words of languages whose vocabulary is written in another script,
/// as they are written in Latin letters in domain names: Japanese rōmaji
/// (`roguin` ログイン "log in", `kaiin` 会員 "member", the account of a
/// member site) and Hindi (`sahayata` सहायता "help"). A language written in
/// Latin letters keeps its words in its vocabulary file's `[domain]` table.
#[rustfmt::skip]
pub const ROMANISED: &[&str] = &["roguin", "kaiin", "sahayata"];

/// Lure words that are also a common piece of other words (`entra` in
/// `central`, `entrance`): they count only as a whole part of what is left
/// beside a name (`bb-entra`, `hsbcentra`), like the two-letter words.
pub const WHOLE_PART: &[&str] = &["entra"];

/// Filler words that only help recognise a brand name as a word of its own.
#[rustfmt::skip]
pub const GENERIC: &[&str] = &[
    "my", "online", "app", "apps", "web", "www", "cloud", "info", "news", "shop", "store",
    "official", "global", "group", "team", "com", "net", "org", "us", "uk", "eu", "hub", "dash",
    "center", "centre", "care", "bank", "banking", "express", "ship", "post", "free", "the",
    "get", "go", "new", "live", "home", "user", "users", "client", "member", "members", "plus",
    "pro", "prime", "direct", "now", "today", "cdn", "api", "dev", "test", "hq", "inc", "ltd",
];

/// Country codes, filler only as a whole part after a hyphen
/// (`dhl-customs-nl`), never glued to a name (`homedepth` is no Home Depot
/// in Thailand) and never a lure word of their own (`dhl-nl`).
#[rustfmt::skip]
pub const COUNTRY: &[&str] = &[
    "nl", "de", "fr", "es", "pt", "br", "mx", "ca", "au", "jp", "cn", "kr", "ch", "be", "se",
    "dk", "fi", "pl", "ie", "nz", "za", "ar", "cl", "tr", "sg", "hk", "tw", "ph", "vn", "th",
    "ae", "sa", "cz", "ro", "gr", "hu", "at", "in",
];

struct Folded {
    identity: Vec<String>,
    all: Vec<String>,
}

static FOLDED: LazyLock<Folded> = LazyLock::new(|| {
    let identity: Vec<String> = LURE_WORDS.iter().map(|w| comparison_form(w)).collect();
    let mut all = identity.clone();
    all.extend(filler_words().map(comparison_form));
    all.sort_by_key(|w| std::cmp::Reverse(w.len()));
    Folded { identity, all }
});

/// The lure word (as listed, [`LURE_WORDS`]) that `folded` contains, if any. Two-letter
/// words (`it`, `hr`, `id`) and [`WHOLE_PART`] words count only as a whole
/// hyphen-separated part.
pub fn identity_word_in(folded: &str) -> Option<&'static str> {
    let parts: Vec<&str> = folded
        .split(|c: char| c == '-' || c == '.' || c.is_ascii_digit() && c != '2')
        .filter(|p| !p.is_empty())
        .collect();
    for (i, w) in FOLDED.identity.iter().enumerate() {
        let hit = if w.len() <= 2 || WHOLE_PART.contains(&w.as_str()) {
            parts.iter().any(|p| p == w)
        } else {
            crate::text::has(folded, w)
        };
        if hit {
            return LURE_WORDS.get(i).copied();
        }
    }
    None
}

/// `folded` is made only of known words, digits and hyphens (and is not empty).
pub fn is_made_of_words(folded: &str) -> bool {
    let pieces: Vec<&str> = folded
        .split(|c: char| c == '-' || c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    !folded.is_empty() && pieces.iter().all(|p| splits_into_words(p))
}

fn splits_into_words(piece: &str) -> bool {
    let n = piece.len();
    if n > 64 {
        return false;
    }
    // reachable[i]: piece[..i] splits into words.
    let mut reachable = vec![false; n + 1];
    if let Some(r) = reachable.get_mut(0) {
        *r = true;
    }
    for i in 0..n {
        if !reachable.get(i).copied().unwrap_or(false) {
            continue;
        }
        let rest = piece.get(i..).unwrap_or("");
        for w in &FOLDED.all {
            if w.as_bytes().first() == rest.as_bytes().first()
                && rest.starts_with(w.as_str())
                && let Some(r) = reachable.get_mut(i + w.len())
            {
                *r = true;
            }
        }
    }
    reachable.get(n).copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_words_are_found_in_folded_labels() {
        assert_eq!(identity_word_in(&comparison_form("-okta")), Some("okta"));
        assert_eq!(
            identity_word_in(&comparison_form("oktalogin-")),
            Some("okta")
        );
        assert_eq!(identity_word_in(&comparison_form("-hr")), Some("hr"));
        assert_eq!(
            identity_word_in(&comparison_form("three")),
            None,
            "hr only as a part"
        );
        assert_eq!(identity_word_in(&comparison_form("fans")), None);
        // Microsoft's sign-in products, the HR and identity words of help-desk
        // phishing, and romanised Japanese and Hindi lure words.
        for (label, word) in [
            ("-o365", "o365"),
            ("azure-", "azure"),
            ("-idp", "idp"),
            ("timesheet", "timesheet"),
            ("-entra", "entra"),
            ("roguin-", "roguin"),
            ("kaiin", "kaiin"),
            ("-sahayata", "sahayata"),
        ] {
            assert_eq!(
                identity_word_in(&comparison_form(label)),
                Some(word),
                "{label}"
            );
        }
        // `entra` is a piece of other words: only a whole part counts.
        for label in ["central", "entrance", "-sentra"] {
            assert_eq!(identity_word_in(&comparison_form(label)), None, "{label}");
        }
    }

    #[test]
    fn word_splitting() {
        assert!(is_made_of_words(&comparison_form("support")));
        assert!(is_made_of_words(&comparison_form("my-login24")));
        assert!(is_made_of_words(&comparison_form("idverify")));
        assert!(!is_made_of_words(&comparison_form("pine")));
        assert!(!is_made_of_words(""));
    }
}
