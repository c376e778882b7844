//! `brand-combo`: a brand's name combined with other words in a domain the
//! brand does not own.
//!
//! ## What it flags
//! The registrable name contains a brand keyword plus something else:
//! `twilio-sso.com`, `twilio-okta.net`, `sendgrid-okta.org`,
//! `oktalogin-twilio.com`, `twiliohelpdesk.com`. Matching is on the
//! look-alike-folded form, so `tw1lio-login.com` counts too.
//! With an identity, IT or lure word next to the name (sso, okta, login,
//! helpdesk, hr, vpn, tracking, …, see [`super::words::IDENTITY`]) it is
//! `dangerous`; otherwise `suspicious`, or `info` for `widely_used` brands
//! (microsoftstore.com is most likely Microsoft's own or a fan site).
//!
//! ## Why it matters
//! This is the 0ktapus pattern (`victim-sso.com`, `victim-okta.com`,
//! `oktalogin-victim.com`). Chromium, dnstwist and phishing_catcher all miss
//! it for a company's own name.
//!
//! ## Not flagged
//! For brands marked `widely_used` (Apple, Google) a name inside another
//! word. Keywords shorter than five letters (`okta`, `ups`) must stand as a
//! word of their own too (`okta-login`, not `boktal`).
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::names;
use super::words::{identity_word_in, is_made_of_words};
use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::{Evidence, LureKind};
use crate::host::HostFacts;
use crate::policy::{Brand, Keyword, KeywordHit, Origin, Policy};
use crate::refs::BrandRef;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "brand-combo",
    detects: "a brand name combined with other words in a domain the brand does not own (twilio-okta.net)",
    severity: "dangerous with sign-in, IT or lure words; else suspicious (info for widely used brands)",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Dangerous, Suspicious};
    super::Examples {
        flagged: &[
            E::twilio("log in at twilio-sso.com").at(Dangerous),
            E::twilio("https://twilio-okta.net/x").at(Dangerous),
            E::twilio("sendgrid-okta.org").at(Dangerous),
            E::twilio("oktalogin-twilio.com").at(Dangerous),
            E::builtin("Settle the duties at dhl-customs-nl.com").at(Dangerous), // courier word, country code
            E::builtin("dhl-douane.com").at(Dangerous), // a courier word in Dutch and French
            E::twilio("twiliohelpdesk.com").at(Dangerous),
            E::twilio("twiliofans.com").at(Suspicious), // no sign-in, IT or lure word
            E::twilio("tw1lio-login.com").at(Dangerous), // look-alike spelling
            E::builtin("apple-id-verify.com").at(Dangerous),
            E::builtin("okta-login.com").at(Dangerous), // a short keyword as a word of its own
            E::builtin("twilio-okta.com").at(Dangerous), // Okta's name
            E::twilio_with(ING, "mijning-inloggen.nl").at(Dangerous), // a possessive in another language
            E::twilio_with(BNP, "bnpp-entra.com").at(Dangerous), // an abbreviation, a sign-in product
        ],
        not_flagged: &[
            E::twilio("twilio.com"), // own
            E::twilio("www.twilio.com"),
            E::builtin("dhl-nl.com"), // a country code alone is no lure word
            E::twilio("twilio.net"),  // see brand-other-suffix
            E::twilio("twilight.com"),
            E::twilio("example.com"),
            E::builtin("pineapple.com"), // a widely used brand inside another word
            E::builtin("purchase.com"),
            E::builtin("groups.io"), // a short keyword must stand as a word
            E::builtin("boktal.com"),
            E::twilio_with(ING, "verdieping.nl"), // a word that ends in a short name
            E::twilio_with(BNP, "bnp-central.com"), // `entra` inside a word is no lure word
        ],
    }
};

/// A company with a three-letter name, for the examples.
const ING: &str = "[[brand]]\nname = \"ING\"\ndomains = [\"ing.com\"]\n";

/// A company whose name starts with an abbreviation, for the examples.
const BNP: &str = "[[brand]]\nname = \"BNP Paribas\"\ndomains = [\"bnpparibas.com\"]\n";

/// Keywords shorter than this must stand as a word of their own.
const MIN_FREE_KEYWORD: usize = 5;

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if host.registrable.is_none() || subject.listed {
        return;
    }
    let folded = host.label_folded.as_str();
    // An identity provider's own name (okta, duo) is itself a sign-in word.
    let org_word = |s: &str| {
        policy
            .combo_keywords
            .iter()
            .find(|w| crate::text::has(s, w))
            .map(String::as_str)
    };
    let lure_in = |s: &str| -> Option<String> {
        identity_word_in(s)
            .map(str::to_owned)
            .or_else(|| org_word(s).map(str::to_owned))
    };
    let mut best: Option<(Severity, usize, KeywordHit, Option<String>)> = None;
    // The fold reads letters side by side (`lh` as `h`), which can swallow
    // a name's last letter into the word glued after it (`dhlhelp`,
    // `shellhelp`): the label is also read letter by letter.
    let by_letter = (!host.non_ascii)
        .then(|| crate::host::letter_fold(&host.label))
        .filter(|l| l != folded);
    let forms = std::iter::once(folded).chain(by_letter.as_deref());
    for (folded, hit) in forms.flat_map(|f| policy.keyword_hits(f).into_iter().map(move |h| (f, h)))
    {
        let Some(brand) = policy.brands.get(hit.brand) else {
            continue;
        };
        let Some(kw) = brand.keywords.get(hit.keyword) else {
            continue;
        };
        if folded == kw.folded {
            continue;
        }
        let left = folded.get(..hit.start).unwrap_or("");
        let right = folded.get(hit.end..).unwrap_or("");
        // A name with a digit found only after folding is a real word
        // (`autho` in `authorize` is not `auth0`): the fold must explain the
        // difference, and a letter written where the name has a digit does not.
        if kw.text.bytes().any(|b| b.is_ascii_digit()) && !crate::text::has(&host.label, &kw.text) {
            continue;
        }
        // Everyday names: the brand's own name (`orange`, `apple`) must stand
        // as a word; another owned domain's everyday label (`office`, `live`)
        // and household names count only among known words.
        let own_everyday = kw.generic && kw.origin == Origin::Name && !brand.widely_used;
        let everyday = brand.widely_used || kw.generic;
        if everyday && !own_everyday && !rest_is_words(left, right) {
            continue;
        }
        // The brand's own everyday name and short names stand as a word of
        // their own or glued to known words (`applefind`, `deltavpn`). The
        // everyday name may also start the label glued to other letters
        // that hold a lure word in the same part (`appleviewdevice`; not
        // `deltaair-support`, where `deltaair` is the name); a second ordinary
        // word glued on is another business (`deltadental`,
        // `orangetheory`), and a name inside another word is not the
        // brand's (`pineapple`).
        let starts_label = own_everyday
            && left.is_empty()
            && kw.text.chars().count() >= 5
            && lure_in(right.split('-').next().unwrap_or("")).is_some();
        if (own_everyday || kw.text.chars().count() < MIN_FREE_KEYWORD)
            && !token_is_word(left, right)
            && !starts_label
        {
            continue;
        }
        // The short distinctive side of `icloud` / `t-mobile` starts a word.
        if (kw.bounded.0 && !starts_word(left)) || (kw.bounded.1 && !ends_word(right)) {
            continue;
        }
        let lure = lure_in(left).or_else(|| lure_in(right)).or_else(|| {
            // An identity provider's name is its own lure; an everyday one
            // (`office`) is not.
            (!kw.generic)
                .then(|| identity_word_in(&kw.folded).map(str::to_owned))
                .flatten()
        });
        // Derived names (initials, words of the name) count only beside a
        // lure word, and never for household names.
        if kw.needs_lure() && (brand.widely_used || !(lure.is_some() && token_is_word(left, right)))
        {
            continue;
        }
        // Another owned domain's everyday label (`live`, `office`) counts
        // only with a sign-in word (`live-login`; not `livehelpnow`).
        if kw.generic
            && kw.origin != Origin::Name
            && !brand.widely_used
            && !lure
                .as_deref()
                .is_some_and(|w| names::is_sign_in_or_it(w) && names::lure_kind(w) != LureKind::It)
        {
            continue;
        }
        let severity = if lure.is_some() {
            Severity::Dangerous
        } else if everyday && !own_everyday {
            // Household names with filler words are mostly the brand's own or
            // fan sites (microsoftstore.com, zoominfo.com): worth a mention only.
            Severity::Info
        } else {
            Severity::Suspicious
        };
        let len = hit.end - hit.start;
        let rank = |k: &Keyword| u8::from(!k.needs_lure());
        let better = best.as_ref().is_none_or(|(s, l, h, _)| {
            let old = brand_kw(policy, h).map_or(0, rank);
            (severity, rank(kw), len) > (*s, old, *l)
        });
        if better {
            best = Some((severity, len, hit, lure));
        }
    }
    if let Some((severity, _, hit, lure)) = best {
        let (Some(brand), Some(kw), Some(brand_ref)) = (
            policy.brands.get(hit.brand),
            brand_kw(policy, &hit),
            policy.brand_ref(hit.brand),
        ) else {
            return;
        };
        out.push(Finding {
            rule: RULE.id,
            severity,
            brand: Some(brand_ref.clone()),
            evidence: combined(host, brand, brand_ref, kw, lure),
        });
        return;
    }
    if let Some(h) = names::short_name(policy, &host.label) {
        let household = policy.brands.get(h.brand).is_some_and(|b| b.widely_used);
        let severity = if h.lure.is_some() {
            Severity::Dangerous
        } else if h.words && !household {
            Severity::Suspicious
        } else {
            return;
        };
        let (Some(brand), Some(kw), Some(brand_ref)) = (
            policy.brands.get(h.brand),
            policy
                .brands
                .get(h.brand)
                .and_then(|b| b.keywords.get(h.keyword)),
            policy.brand_ref(h.brand),
        ) else {
            return;
        };
        out.push(Finding {
            rule: RULE.id,
            severity,
            brand: Some(brand_ref.clone()),
            evidence: other_name(host, brand, brand_ref, kw, h.lure.map(str::to_owned)),
        });
        return;
    }
    if !host.non_ascii
        && let Some(m) = names::misspelt_combination(policy, &host.label)
    {
        let (Some(brand), Some(brand_ref)) =
            (policy.brands.get(m.brand), policy.brand_ref(m.brand))
        else {
            return;
        };
        // Beside filler words only (`boolingmy`): a warning, not an alarm.
        let severity = if m
            .lures
            .iter()
            .any(|w| names::lure_kind(w) != LureKind::Filler)
        {
            Severity::Dangerous
        } else {
            Severity::Suspicious
        };
        out.push(Finding {
            rule: RULE.id,
            severity,
            brand: Some(brand_ref.clone()),
            evidence: Evidence::MisspeltCombined {
                site: host.display_registrable().to_owned(),
                brand: brand_ref,
                lures: m.lures.iter().map(|w| (*w, names::lure_kind(w))).collect(),
                core: m.core,
                how: m.edit,
                other_suffix: other_suffix(host, brand),
            },
        });
    }
}

fn brand_kw<'p>(policy: &'p Policy, hit: &KeywordHit) -> Option<&'p Keyword> {
    policy.brands.get(hit.brand)?.keywords.get(hit.keyword)
}

/// The text left of a hit ends at a word boundary, or in known words.
fn starts_word(left: &str) -> bool {
    let l = left.rsplit(['-', '.']).next().unwrap_or("");
    l.is_empty() || words(l)
}

/// The text right of a hit starts at a word boundary, or with known words.
fn ends_word(right: &str) -> bool {
    let r = right.split(['-', '.']).next().unwrap_or("");
    r.is_empty() || words(r)
}

/// The whole rest of the label around the keyword is made of known words
/// (`apple-id-verify`), so an everyday word is used as the brand's name.
fn rest_is_words(left: &str, right: &str) -> bool {
    let l = left.trim_matches('-');
    let r = right.trim_matches('-');
    (l.is_empty() || words(l)) && (r.is_empty() || words(r)) && !(l.is_empty() && r.is_empty())
}

/// Within its hyphen-separated part, the keyword stands alone or is glued
/// only to known words (`okta-x`, `oktalogin`, not `boktal`).
fn token_is_word(left: &str, right: &str) -> bool {
    let l = left.rsplit('-').next().unwrap_or("");
    let r = right.split('-').next().unwrap_or("");
    (l.is_empty() || words(l)) && (r.is_empty() || words(r))
}

/// Known words (lure, filler) and digits only, in comparison form.
fn words(folded: &str) -> bool {
    is_made_of_words(folded) || names::made_of_words(folded, true)
}

/// The brand's own name with words added; another of its names says what
/// it is and which word is the lure.
fn combined(
    host: &HostFacts,
    brand: &Brand,
    brand_ref: BrandRef,
    kw: &Keyword,
    lure: Option<String>,
) -> Evidence {
    if kw.origin != Origin::Name {
        return other_name(host, brand, brand_ref, kw, lure);
    }
    Evidence::NameCombined {
        site: host.display_registrable().to_owned(),
        brand: brand_ref,
        label: host.label.clone(),
        name: kw.text.clone(),
        other_suffix: other_suffix(host, brand),
    }
}

/// The suffix, when it is not the brand's main one.
fn other_suffix(host: &HostFacts, brand: &Brand) -> Option<String> {
    match (host.suffix.as_deref(), brand.main_suffix()) {
        (Some(suffix), Some(main)) if suffix != main => Some(suffix.to_owned()),
        _ => None,
    }
}

/// "nwh-sso.com is not Northwind Haulage's: “nwh” is what Northwind Haulage
/// staff call the company, and “-sso” is a sign-in word."
fn other_name(
    host: &HostFacts,
    brand: &Brand,
    brand_ref: BrandRef,
    kw: &Keyword,
    lure: Option<String>,
) -> Evidence {
    Evidence::OtherNameCombined {
        site: host.display_registrable().to_owned(),
        brand: brand_ref,
        label: host.label.clone(),
        written: kw.text.clone(),
        kind: names::name_kind(brand, kw),
        lure: lure.map(|w| {
            let kind = names::lure_kind(&w);
            (w, kind)
        }),
        other_suffix: other_suffix(host, brand),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{builtin, run, twilio};
    use expect_test::expect;

    #[test]
    fn incident_domains() {
        let p = twilio();
        expect![
            "dangerous Twilio: twilio-sso.com is not Twilio's: it adds “-sso” to Twilio's name."
        ]
        .assert_eq(&run(&RULE, &p, "log in at twilio-sso.com"));
        expect!["dangerous Twilio: twilio-okta.net is not Twilio's: it adds “-okta” to Twilio's name and ends in .net."]
            .assert_eq(&run(&RULE, &p, "https://twilio-okta.net/x"));
        expect!["dangerous SendGrid: sendgrid-okta.org is not SendGrid's: it adds “-okta” to SendGrid's name and ends in .org."]
            .assert_eq(&run(&RULE, &p, "sendgrid-okta.org"));
        expect!["dangerous Twilio: oktalogin-twilio.com is not Twilio's: it adds “oktalogin-” to Twilio's name."]
            .assert_eq(&run(&RULE, &p, "oktalogin-twilio.com"));
        expect!["dangerous Twilio: twiliohelpdesk.com is not Twilio's: it adds “helpdesk” to Twilio's name."]
            .assert_eq(&run(&RULE, &p, "twiliohelpdesk.com"));
    }

    #[test]
    fn other_words_are_suspicious_and_lookalike_spelling_is_explained() {
        let p = twilio();
        expect![
            "suspicious Twilio: twiliofans.com is not Twilio's: it adds “fans” to Twilio's name."
        ]
        .assert_eq(&run(&RULE, &p, "twiliofans.com"));
        expect!["dangerous Twilio: tw1lio-login.com is not Twilio's: it hides Twilio's name, spelled with look-alike characters, inside a longer name."]
            .assert_eq(&run(&RULE, &p, "tw1lio-login.com"));
    }

    #[test]
    fn widely_useds_and_short_names_need_a_lure_word() {
        let p = builtin();
        expect!["dangerous Apple: apple-id-verify.com is not Apple's: it adds “-id-verify” to Apple's name."]
            .assert_eq(&run(&RULE, &p, "apple-id-verify.com"));
        expect!["dangerous Okta: twilio-okta.com is not Okta's: it adds “twilio-” to Okta's name."]
            .assert_eq(&run(&RULE, &p, "twilio-okta.com"));
    }
}

#[cfg(test)]
mod name_tests {
    //! The matching steps of `rules::names` as this rule explains them.
    use super::*;
    use crate::rules::testing::run;
    use expect_test::expect;

    const NORTHWIND: &str = "[organization]\nname = \"Northwind Haulage\"\nsign_in = [\"https://northwind.okta.com\"]\n\n[[brand]]\nname = \"Northwind Haulage\"\ndomains = [\"northwindhaulage.com\", \"northwind.okta.com\"]\naliases = [\"NWH\", \"nwhaul\"]\n";
    const SHORT: &str = "[[brand]]\nname = \"HP\"\ndomains = [\"hp.com\"]\n\n[[brand]]\nname = \"X\"\ndomains = [\"x.com\"]\n\n[[brand]]\nname = \"3M\"\ndomains = [\"3m.com\"]\n";

    fn policy(toml: &str) -> Policy {
        Policy::from_toml(toml, "test").unwrap()
    }

    #[test]
    fn aliases_initials_and_glued_names() {
        let p = policy(NORTHWIND);
        expect!["dangerous Northwind Haulage: nwh-sso.com is not Northwind Haulage's: “nwh” is what Northwind Haulage staff call the company, and “-sso” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "nwh-sso.com"));
        expect!["dangerous Northwind Haulage: nwhaul-okta.com is not Northwind Haulage's: “nwhaul” is what Northwind Haulage staff call the company, and “-okta” is the name of a sign-in service."]
            .assert_eq(&run(&RULE, &p, "nwhaul-okta.com"));
        expect!["dangerous Northwind Haulage: northwindsso.com is not Northwind Haulage's: “northwind” is Northwind Haulage's own domain name, and “sso” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "northwindsso.com"));
        expect!["dangerous Northwind Haulage: addoktanorthwind.com is not Northwind Haulage's: “northwind” is Northwind Haulage's own domain name, and “okta” is the name of a sign-in service."]
            .assert_eq(&run(&RULE, &p, "addoktanorthwind.com"));
        expect!["dangerous Northwind Haulage: nh-helpdesk.com is not Northwind Haulage's: “nh” is Northwind Haulage's initials, and “-helpdesk” is an IT word."]
            .assert_eq(&run(&RULE, &p, "nh-helpdesk.com"));
        // Initials need a lure word; nothing else matches them.
        for not in [
            "nh-news.com",
            "nwh.com",
            "nhs.co.uk",
            "ownhome.com",
            "northwind.okta.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn misspelt_and_split_names_in_combinations() {
        let p = policy(NORTHWIND);
        expect!["dangerous Northwind Haulage: nortwhind-sso.com is not Northwind Haulage's: “nortwhind” misspells Northwind Haulage's name (“hw” swapped), and “sso” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "nortwhind-sso.com"));
        expect!["dangerous Northwind Haulage: north-wind-okta.net is not Northwind Haulage's: “north-wind” splits Northwind Haulage's name with a hyphen, and “okta” is the name of a sign-in service and ends in .net."]
            .assert_eq(&run(&RULE, &p, "north-wind-okta.net"));
        // Beside a filler word only, a long misspelt name is a warning.
        expect!["suspicious Northwind Haulage: my-nortwhind.com is not Northwind Haulage's: “nortwhind” misspells Northwind Haulage's name (“hw” swapped), and “my” is a word lookalike names add."]
            .assert_eq(&run(&RULE, &p, "my-nortwhind.com"));
        for not in [
            "cloud-login.com",
            "southwind-sso.com",
            "nortwhind.com",
            "my-nortwind-haulage.org",
            "porthwind-my.com", // beside a filler word, the first letter is kept
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn short_names() {
        let p = policy(SHORT);
        expect!["dangerous HP: hp-okta.com is not HP's: “hp” is HP's name, and “-okta” is the name of a sign-in service."]
            .assert_eq(&run(&RULE, &p, "hp-okta.com"));
        expect!["dangerous X: x-helpdesk.net is not X's: “x” is X's name, and “-helpdesk” is an IT word and ends in .net."]
            .assert_eq(&run(&RULE, &p, "x-helpdesk.net"));
        expect!["dangerous 3M: 3mssologin.com is not 3M's: “3m” is 3M's name, and “sso” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "3mssologin.com"));
        for not in [
            "boxer.com",
            "php.net",
            "xray.com",
            "theme.co",
            "hpx.com",
            "3mx.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn everyday_words_and_their_distinctive_part() {
        let p = policy(
            "[[brand]]\nname = \"iCloud\"\ndomains = [\"icloud.com\"]\n\n[[brand]]\nname = \"Orange\"\ndomains = [\"orange.com\"]\n\n[[brand]]\nname = \"Outlook\"\ndomains = [\"live.com\", \"outlook.com\"]\n",
        );
        expect!["dangerous iCloud: myicloud-login.com is not iCloud's: it adds “my” and “-login” to iCloud's name."]
            .assert_eq(&run(&RULE, &p, "myicloud-login.com"));
        expect!["dangerous Orange: orange-sso.fr is not Orange's: it adds “-sso” to Orange's name and ends in .fr."]
            .assert_eq(&run(&RULE, &p, "orange-sso.fr"));
        // The brand's own everyday name may start the label, never end inside a word.
        expect!["dangerous Orange: orangefacture.com is not Orange's: it adds “facture” to Orange's name."]
            .assert_eq(&run(&RULE, &p, "orangefacture.com"));
        expect!["dangerous Outlook: live-login.com is not Outlook's: “live” is Outlook's own domain name, and “-login” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "live-login.com"));
        // Lost-device lures, in the languages they target.
        expect!["dangerous iCloud: findmyicloud.us is not iCloud's: it adds “findmy” to iCloud's name and ends in .us."].assert_eq(&run(&RULE, &p, "findmyicloud.us"));
        expect!["dangerous iCloud: suporteicloud.net is not iCloud's: it adds “suporte” to iCloud's name and ends in .net."].assert_eq(&run(&RULE, &p, "suporteicloud.net"));
        for not in [
            "magicloud.com",
            "pineapple.com",
            "agentorange.com",
            "livehelpnow.net",
            "live24.gr",
            "reporterlive.com", // an owned everyday label is not misspelt (`rlive`)
            "wikicloud.org",
            "orangetheory.com", // a second ordinary word glued on is not a lure word
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn sign_in_products_and_romanised_lure_words() {
        let p = policy(NORTHWIND);
        expect!["dangerous Northwind Haulage: nh-o365.com is not Northwind Haulage's: “nh” is Northwind Haulage's initials, and “-o365” is the name of a sign-in service."].assert_eq(&run(&RULE, &p, "nh-o365.com"));
        expect!["dangerous Northwind Haulage: entra-northwind.com is not Northwind Haulage's: “northwind” is Northwind Haulage's own domain name, and “entra-” is the name of a sign-in service."].assert_eq(&run(&RULE, &p, "entra-northwind.com"));
        expect!["dangerous Northwind Haulage: nwh-timesheet.com is not Northwind Haulage's: “nwh” is what Northwind Haulage staff call the company, and “-timesheet” is an IT word."].assert_eq(&run(&RULE, &p, "nwh-timesheet.com"));
        expect!["dangerous Northwind Haulage: northwindroguin.jp is not Northwind Haulage's: “northwind” is Northwind Haulage's own domain name, and “roguin” is a sign-in word and ends in .jp."].assert_eq(&run(&RULE, &p, "northwindroguin.jp"));
        expect!["dangerous Northwind Haulage: nh-sahayata.in is not Northwind Haulage's: “nh” is Northwind Haulage's initials, and “-sahayata” is an IT word and ends in .in."].assert_eq(&run(&RULE, &p, "nh-sahayata.in"));
        // `entra` inside another word is no lure word.
        // A three-letter alias is not compared misspelt (`dns` for `nwh`).
        for not in [
            "nh-central.com",
            "nh-entrance.com",
            "nwhcentral.com",
            "azure-nwb.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn small_words_short_last_words_and_abbreviations() {
        let p = policy(
            "[[brand]]\nname = \"Banco do Brasil\"\ndomains = [\"bb.com.br\"]\n\n[[brand]]\nname = \"Air France-KLM\"\ndomains = [\"airfranceklm.com\"]\n\n[[brand]]\nname = \"BNP Paribas\"\ndomains = [\"bnpparibas.com\"]\n\n[[brand]]\nname = \"Capital One\"\ndomains = [\"capitalone.com\"]\n",
        );
        expect!["dangerous Banco do Brasil: bancobrasil-suporte.com is not Banco do Brasil's: “bancobrasil” is part of Banco do Brasil's name, and “-suporte” is a lure word and ends in .com."].assert_eq(&run(&RULE, &p, "bancobrasil-suporte.com"));
        expect!["dangerous Banco do Brasil: bbrasil-login.com is not Banco do Brasil's: “bbrasil” shortens Banco do Brasil's name, and “-login” is a sign-in word and ends in .com."].assert_eq(&run(&RULE, &p, "bbrasil-login.com"));
        expect!["dangerous Banco do Brasil: bdobrasilsso.com is not Banco do Brasil's: “bdobrasil” shortens Banco do Brasil's name, and “sso” is a sign-in word and ends in .com."].assert_eq(&run(&RULE, &p, "bdobrasilsso.com"));
        expect!["dangerous Air France-KLM: afklm-helpdesk.com is not Air France-KLM's: “afklm” shortens Air France-KLM's name, and “-helpdesk” is an IT word."].assert_eq(&run(&RULE, &p, "afklm-helpdesk.com"));
        expect!["dangerous BNP Paribas: bnpp-vpn.net is not BNP Paribas': “bnpp” shortens BNP Paribas' name, and “-vpn” is an IT word and ends in .net."].assert_eq(&run(&RULE, &p, "bnpp-vpn.net"));
        expect!["dangerous BNP Paribas: bnp-okta.com is not BNP Paribas': “bnp” is part of BNP Paribas' name, and “-okta” is the name of a sign-in service."].assert_eq(&run(&RULE, &p, "bnp-okta.com"));
        // Derived names need a lure word; a short everyday last word is no name.
        for not in [
            "bancobrasil.com",
            "afklm.com",
            "bnp-news.com",
            "cone-login.com",
            "bnpp.fr",
            "bmp-okta.com", // a derived word of three letters is not misspelt
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    /// Accents a domain cannot spell (`Itaú`), number words written as
    /// digits (`capital1`) and a two-word name shortened to its first
    /// syllable and last word (`capone`): names beside lure words.
    #[test]
    fn accents_digits_and_first_syllables_beside_lure_words() {
        let p = policy(
            "[organization]\nname = \"Itaú Unibanco\"\n\n[[brand]]\nname = \"Itaú\"\ndomains = [\"itau.com.br\"]\n\n[[brand]]\nname = \"Capital One\"\ndomains = [\"capitalone.com\"]\n",
        );
        expect!["dangerous Itaú: itauunibancologin.co is not Itaú's: “itauunibanco” is the full name of the company behind Itaú, and “login” is a sign-in word and ends in .co."].assert_eq(&run(&RULE, &p, "itauunibancologin.co"));
        expect!["dangerous Capital One: capital1timesheet.biz is not Capital One's: “capital1” shortens Capital One's name, and “timesheet” is an IT word and ends in .biz."].assert_eq(&run(&RULE, &p, "capital1timesheet.biz"));
        expect!["dangerous Capital One: caponehelp.info is not Capital One's: “capone” shortens Capital One's name, and “help” is an IT word and ends in .info."].assert_eq(&run(&RULE, &p, "caponehelp.info"));
        for not in [
            "itauunibanco.com", // the organisation's name needs a lure word
            "capone.com",       // a surname, without a lure word
            "capital1.com",
            "caponeblog.com",
            "alcapone-museum.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    const DELTA: &str = "[[brand]]\nname = \"Delta Air Lines\"\ndomains = [\"delta.com\"]\n\n[[brand]]\nname = \"Shell\"\ndomains = [\"shell.com\"]\n\n[[brand]]\nname = \"DHL\"\ndomains = [\"dhl.com\"]\n";

    #[test]
    fn an_everyday_name_the_company_goes_by_beside_lure_words() {
        let p = policy(DELTA);
        expect!["dangerous Delta Air Lines: support-delta.com is not Delta Air Lines': it adds “support-” to Delta Air Lines' name."]
            .assert_eq(&run(&RULE, &p, "support-delta.com"));
        expect!["dangerous Delta Air Lines: deltavpn.com is not Delta Air Lines': it adds “vpn” to Delta Air Lines' name."]
            .assert_eq(&run(&RULE, &p, "deltavpn.com"));
        expect!["dangerous Delta Air Lines: deltaair-support.com is not Delta Air Lines': “deltaair” is part of Delta Air Lines' name, and “-support” is an IT word."]
            .assert_eq(&run(&RULE, &p, "deltaair-support.com"));
        expect!["suspicious Delta Air Lines: mydelta.com is not Delta Air Lines': it adds “my” to Delta Air Lines' name."]
            .assert_eq(&run(&RULE, &p, "mydelta.com"));
        for not in [
            "deltadental.com",
            "deltafaucet.com",
            "deltaair.com", // part of the name needs a lure word
            "shelby.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn lure_words_in_other_languages() {
        let p = policy(DELTA);
        expect!["dangerous Delta Air Lines: delta-ayuda.com is not Delta Air Lines': it adds “-ayuda” to Delta Air Lines' name."]
            .assert_eq(&run(&RULE, &p, "delta-ayuda.com"));
        expect!["dangerous Delta Air Lines: hilfe-delta.de is not Delta Air Lines': it adds “hilfe-” to Delta Air Lines' name and ends in .de."]
            .assert_eq(&run(&RULE, &p, "hilfe-delta.de"));
        expect!["dangerous Delta Air Lines: deltaair-cuenta.com is not Delta Air Lines': “deltaair” is part of Delta Air Lines' name, and “-cuenta” is a sign-in word."]
            .assert_eq(&run(&RULE, &p, "deltaair-cuenta.com"));
        expect!["dangerous Delta Air Lines: delta-assistance.fr is not Delta Air Lines': it adds “-assistance” to Delta Air Lines' name and ends in .fr."]
            .assert_eq(&run(&RULE, &p, "delta-assistance.fr"));
        // The staff and access words of the 0ktapus lures, in other languages.
        expect!["dangerous Delta Air Lines: deltamitarbeiter.com is not Delta Air Lines': it adds “mitarbeiter” to Delta Air Lines' name."].assert_eq(&run(&RULE, &p, "deltamitarbeiter.com"));
        expect!["dangerous Delta Air Lines: seguridad-delta.com is not Delta Air Lines': it adds “seguridad-” to Delta Air Lines' name."].assert_eq(&run(&RULE, &p, "seguridad-delta.com"));
        expect!["dangerous DHL: dhlzugang.com is not DHL's: it adds “zugang” to DHL's name."]
            .assert_eq(&run(&RULE, &p, "dhlzugang.com"));
        expect!["dangerous DHL: empleadosdhl.com is not DHL's: it adds “empleados” to DHL's name."]
            .assert_eq(&run(&RULE, &p, "empleadosdhl.com"));
    }

    const ING_BA: &str = "[[brand]]\nname = \"ING\"\ndomains = [\"ing.com\"]\n\n[[brand]]\nname = \"British Airways\"\ndomains = [\"britishairways.com\"]\n\n[[brand]]\nname = \"Delta Air Lines\"\ndomains = [\"delta.com\"]\n";

    #[test]
    fn filler_words_in_other_languages() {
        let p = policy(ING_BA);
        // A possessive (`mijn`, `mein`, `mi`, `minha`) joins a name to a
        // lure word as `my` does: the name stands as a word of its own.
        expect!["dangerous ING: mijning-assistance.top is not ING's: it adds “mijn” and “-assistance” to ING's name and ends in .top."].assert_eq(&run(&RULE, &p, "mijning-assistance.top"));
        expect!["dangerous ING: meining-sicherheit.de is not ING's: it adds “mein” and “-sicherheit” to ING's name and ends in .de."].assert_eq(&run(&RULE, &p, "meining-sicherheit.de"));
        for not in [
            "verdieping.nl", // a word that ends in the name
            "mijnwerk.nl",
            "mining-login.com",
            "flying-login.com", // `fly` is no filler: `flying` is a word
            "meinung.de",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    const SHORTENED: &str = "[organization]\nname = \"LG Electronics\"\n\n[[brand]]\nname = \"LG\"\ndomains = [\"lg.com\"]\n\n[[brand]]\nname = \"American Express\"\ndomains = [\"americanexpress.com\"]\n\n[[brand]]\nname = \"The Home Depot\"\ndomains = [\"homedepot.com\"]\n";

    #[test]
    fn shortened_names_and_the_organisations_name_beside_lure_words() {
        let p = policy(SHORTENED);
        // The first words and the start of the last; initials and the last word.
        expect!["dangerous American Express: americanexp-sicherheit.org is not American Express': “americanexp” shortens American Express' name, and “-sicherheit” is a sign-in word and ends in .org."].assert_eq(&run(&RULE, &p, "americanexp-sicherheit.org"));
        expect!["dangerous The Home Depot: hdepot-inloggen.biz is not The Home Depot's: “hdepot” shortens The Home Depot's name, and “-inloggen” is a sign-in word and ends in .biz."].assert_eq(&run(&RULE, &p, "hdepot-inloggen.biz"));
        // The organisation's name for the brand LG.
        expect!["dangerous LG: lgelectronics-konto.de is not LG's: “lgelectronics” is the full name of the company behind LG, and “-konto” is a sign-in word and ends in .de."].assert_eq(&run(&RULE, &p, "lgelectronics-konto.de"));
        expect!["dangerous LG: staff-lgelectronics.me is not LG's: “lgelectronics” is the full name of the company behind LG, and “staff-” is an IT word and ends in .me."].assert_eq(&run(&RULE, &p, "staff-lgelectronics.me"));
        // A name split by a hyphen keeps its filler-looking word (`home`).
        expect!["dangerous The Home Depot: home-depotmitarbeiter.com is not The Home Depot's: “home-depot” splits The Home Depot's name with a hyphen, and “mitarbeiter” is an IT word."].assert_eq(&run(&RULE, &p, "home-depotmitarbeiter.com"));
        for not in [
            "americanexp.com", // shortened names need a lure word
            "hdepot.com",
            "lgelectronics.com",
            "americaneagle-support.com",
            "homedepth-login.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn a_name_read_letter_by_letter_before_a_glued_word() {
        let p = policy(DELTA);
        // Side by side, `lh` reads as `h` and swallows the name's `l`.
        expect!["dangerous DHL: dhlhelp.com is not DHL's: it adds “help” to DHL's name."]
            .assert_eq(&run(&RULE, &p, "dhlhelp.com"));
        expect![
            "dangerous Shell: shellhelpdesk.com is not Shell's: it adds “helpdesk” to Shell's name."
        ]
        .assert_eq(&run(&RULE, &p, "shellhelpdesk.com"));
        for not in ["dhlhouse.com", "shellholiday.com"] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }
}
