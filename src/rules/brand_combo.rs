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
//! ## Example (flagged)
//! `twilio-okta.net` → dangerous, Twilio.
//!
//! ## Not flagged
//! `twilio.com` (own), `twilio.net` (see `brand-other-suffix`), and for brands
//! marked `widely_used` (Apple, Google) a name inside another word:
//! `pineapple.com`, `purchase.com`. Keywords shorter than five letters (`okta`,
//! `ups`) must stand as a word of their own too (`okta-login`, not `boktal`).

use super::words::{identity_word_in, is_made_of_words};
use super::{Finding, LinkRule, Severity, Subject, possessive};
use crate::host::HostFacts;
use crate::policy::{Brand, KeywordHit, Policy};

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "brand-combo",
    detects: "a brand name combined with other words in a domain the brand does not own (twilio-okta.net)",
    severity: "dangerous with sign-in, IT or lure words; else suspicious (info for widely used brands)",
    check,
};

/// Keywords shorter than this must stand as a word of their own.
const MIN_FREE_KEYWORD: usize = 5;

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if host.registrable.is_none() || subject.listed {
        return;
    }
    let folded = host.label_folded.as_str();
    let mut best: Option<(Severity, usize, KeywordHit)> = None;
    for hit in policy.keyword_hits(folded) {
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
        if brand.widely_used && !rest_is_words(left, right) {
            continue;
        }
        if kw.text.chars().count() < MIN_FREE_KEYWORD && !token_is_word(left, right) {
            continue;
        }
        // An identity provider's own name (okta, duo) is itself a sign-in word.
        let org_word = |s: &str| policy.combo_keywords.iter().any(|w| s.contains(w.as_str()));
        let severity = if identity_word_in(left).is_some()
            || identity_word_in(right).is_some()
            || identity_word_in(&kw.folded).is_some()
            || org_word(left)
            || org_word(right)
        {
            Severity::Dangerous
        } else if brand.widely_used {
            // Household names with filler words are mostly the brand's own or
            // fan sites (microsoftstore.com, zoominfo.com): worth a mention only.
            Severity::Info
        } else {
            Severity::Suspicious
        };
        let len = hit.end - hit.start;
        let better = best
            .as_ref()
            .is_none_or(|(s, l, _)| (severity, len) > (*s, *l));
        if better {
            best = Some((severity, len, hit));
        }
    }
    let Some((severity, _, hit)) = best else {
        return;
    };
    let Some(brand) = policy.brands.get(hit.brand) else {
        return;
    };
    let keyword = brand
        .keywords
        .get(hit.keyword)
        .map_or("", |k| k.text.as_str());
    out.push(Finding {
        rule: RULE.id,
        severity,
        brand: Some(hit.brand),
        explanation: explain(host, brand, keyword),
    });
}

/// The whole rest of the label around the keyword is made of known words
/// (`apple-id-verify`), so an everyday word is used as the brand's name.
fn rest_is_words(left: &str, right: &str) -> bool {
    let l = left.trim_matches('-');
    let r = right.trim_matches('-');
    (l.is_empty() || is_made_of_words(l))
        && (r.is_empty() || is_made_of_words(r))
        && !(l.is_empty() && r.is_empty())
}

/// Within its hyphen-separated part, the keyword stands alone or is glued
/// only to known words (`okta-x`, `oktalogin`, not `boktal`).
fn token_is_word(left: &str, right: &str) -> bool {
    let l = left.rsplit('-').next().unwrap_or("");
    let r = right.split('-').next().unwrap_or("");
    (l.is_empty() || is_made_of_words(l)) && (r.is_empty() || is_made_of_words(r))
}

fn explain(host: &HostFacts, brand: &Brand, keyword: &str) -> String {
    let label = host.label.as_str();
    let name = possessive(&brand.name);
    let mut s = format!("{} is not {name}: ", host.display_registrable());
    match label.find(keyword) {
        Some(pos) => {
            let before = label.get(..pos).unwrap_or("");
            let after = label.get(pos + keyword.len()..).unwrap_or("");
            let added = match (before.is_empty(), after.is_empty()) {
                (false, false) => format!("“{before}” and “{after}”"),
                (false, true) => format!("“{before}”"),
                _ => format!("“{after}”"),
            };
            s.push_str(&format!(
                "it adds {added} to {} name",
                possessive(&brand.name)
            ));
        }
        None => s.push_str(&format!(
            "it hides {} name, spelled with look-alike characters, inside a longer name",
            possessive(&brand.name)
        )),
    }
    if let (Some(suffix), Some(main)) = (host.suffix.as_deref(), brand.main_suffix())
        && suffix != main
    {
        s.push_str(&format!(" and ends in .{suffix}"));
    }
    s.push('.');
    s
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
    fn not_flagged() {
        let p = twilio();
        for text in [
            "twilio.com",
            "www.twilio.com",
            "twilio.net",
            "twilight.com",
            "example.com",
        ] {
            assert_eq!(run(&RULE, &p, text), "", "{text}");
        }
    }

    #[test]
    fn widely_useds_and_short_names_need_a_lure_word() {
        let p = builtin();
        assert_eq!(run(&RULE, &p, "pineapple.com"), "");
        assert_eq!(run(&RULE, &p, "purchase.com"), "");
        assert_eq!(run(&RULE, &p, "groups.io"), "");
        expect!["dangerous Apple: apple-id-verify.com is not Apple's: it adds “-id-verify” to Apple's name."]
            .assert_eq(&run(&RULE, &p, "apple-id-verify.com"));
        expect!["dangerous Okta: twilio-okta.com is not Okta's: it adds “twilio-” to Okta's name."]
            .assert_eq(&run(&RULE, &p, "twilio-okta.com"));
    }
}
