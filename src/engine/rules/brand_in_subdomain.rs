//! `brand-in-subdomain`: a brand's name or domain placed in front of someone
//! else's domain (target embedding).
//!
//! ## What it flags
//! - An owned domain written into the sub-names: `twilio.com.account-verify.info`,
//!   `twilio-com.secure-login.net` → `dangerous`.
//! - A brand keyword as a sub-name: `login.twilio.evil.example` →
//!   `dangerous` with a sign-in/IT word anywhere in the host, else `suspicious`.
//! - A brand name split by the dot before the registrable name: `tw.ilio.com`,
//!   `sendg.rid.com` → `suspicious`.
//! - A brand-named customer account on a shared identity or IT platform
//!   that the policy does not list exactly (`twilio-sso.okta.com`,
//!   `twilio.onelogin.com`) → `dangerous` (`suspicious` for a widely used
//!   brand the organisation does not own): anyone can open an account under
//!   any name there.
//!
//! ## Why it matters
//! People read a host from the left; the owner is on the right.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::words::identity_word_in;
use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::host::comparison_form;
use crate::policy::Policy;
use crate::rules::hosting::{identity_platform, is_cdn_infrastructure};

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "brand-in-subdomain",
    detects: "a brand's name or domain in front of someone else's domain (twilio.com.account-verify.info)",
    severity: "dangerous for an embedded domain or with sign-in words, else suspicious",
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
            E::twilio("https://twilio.com.account-verify.info/login").at(Dangerous),
            E::twilio("twilio-com.secure-login.net").at(Dangerous),
            E::twilio("https://login.twilio.evil.example/").at(Dangerous),
            E::twilio("twilio.evil.co.uk").at(Suspicious),
            E::twilio("https://twilio-sso.okta.com/").at(Dangerous),
            E::twilio("twilio.oktapreview.com").at(Dangerous),
            E::twilio("twilio.onelogin.com").at(Dangerous),
            E::twilio("https://twilio-login.service-now.com/").at(Dangerous),
            E::twilio("twilio-support.zendesk.com").at(Dangerous),
            E::twilio("https://twilio.atlassian.net/").at(Dangerous),
            E::twilio("tw.ilio.com").at(Suspicious),
            E::twilio("sendg.rid.com").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("www.twilio.com"),
            E::twilio("twilio.okta.com"), // listed
            E::twilio("mytwilio.com"),    // see brand-combo
            E::twilio("twil.io"),         // the suffix is not part of the name
            E::twilio("a.b.example.com"),
        ],
    }
};

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    let Some(registrable) = host.registrable.as_deref() else {
        return;
    };
    if host.subdomain.is_empty() || subject.listed || is_cdn_infrastructure(registrable) {
        return;
    }
    let reg = host.display_registrable();
    let sub_ascii = host
        .ascii
        .strip_suffix(registrable)
        .unwrap_or("")
        .trim_end_matches('.');
    // 1. An owned domain written into the sub-names.
    for (bi, brand) in policy.brands.iter().enumerate() {
        for (d, hyphen) in brand.domains.iter().zip(&brand.domains_hyphenated) {
            let dotted = contains_bounded(sub_ascii, d, b'.');
            let hyphened = !dotted
                && sub_ascii
                    .split('.')
                    .any(|l| contains_bounded(l, hyphen, b'-'));
            if dotted || hyphened {
                let shown = if dotted { d.clone() } else { hyphen.clone() };
                let Some(bref) = policy.brand_ref(bi) else {
                    return;
                };
                out.push(Finding {
                    rule: RULE.id,
                    severity: Severity::Dangerous,
                    brand: Some(bref.clone()),
                    evidence: Evidence::InFront {
                        host: host.display().to_owned(),
                        brand: bref,
                        site: reg.to_owned(),
                        shown,
                    },
                });
                return;
            }
        }
    }
    // 2. A brand keyword as a sub-name or a hyphen-separated part of one.
    let sub_folded = comparison_form(&host.subdomain);
    let on_platform = identity_platform(registrable).is_some();
    for (bi, brand) in policy.brands.iter().enumerate() {
        // On a shared platform a tenant glued to a word (`twiliookta`) is
        // as much the brand's name as `twilio-okta` (names of 4+ letters);
        // a shorter name glued to lure words that make up the rest of the
        // part, one of them a sign-in or IT word (`abbidp`, `aadesk`,
        // `tntstaff`; not `abbott`).
        let Some(kw) = brand.keywords.iter().find(|kw| {
            sub_folded.split(['.', '-']).any(|part| {
                part == kw.folded
                    || (on_platform
                        && kw.folded.chars().count() >= 4
                        && part.contains(kw.folded.as_str()))
                    || (on_platform && glued_to_lure_words(part, &kw.folded))
            })
        }) else {
            continue;
        };
        // Short and derived names count only with a lure word in the host.
        let lure_needed = kw.is_short() || kw.needs_lure();
        if let Some(platform) = identity_platform(registrable) {
            // Anyone can open an account on the platform under any name:
            // only the tenant the policy lists is the brand's.
            let tenant = sub_ascii;
            let listed: Vec<&str> = brand
                .domains
                .iter()
                .filter(|d| crate::host::is_at_or_under(d, platform) && d.as_str() != platform)
                .map(String::as_str)
                .collect();
            let Some(bref) = policy.brand_ref(bi) else {
                return;
            };
            out.push(Finding {
                rule: RULE.id,
                severity: if brand.widely_used {
                    Severity::Suspicious
                } else {
                    Severity::Dangerous
                },
                brand: Some(bref.clone()),
                evidence: Evidence::Tenant {
                    host: host.display().to_owned(),
                    brand: bref,
                    tenant: tenant.to_owned(),
                    platform: platform.to_owned(),
                    listed: listed.iter().map(|d| (*d).to_owned()).collect(),
                },
            });
            return;
        }
        let lure = identity_word_in(&comparison_form(&host.unicode.replace(&kw.text, "")));
        if lure_needed && lure.is_none() {
            continue;
        }
        let Some(bref) = policy.brand_ref(bi) else {
            return;
        };
        out.push(Finding {
            rule: RULE.id,
            severity: if lure.is_some() {
                Severity::Dangerous
            } else {
                Severity::Suspicious
            },
            brand: Some(bref.clone()),
            evidence: Evidence::InFront {
                host: host.display().to_owned(),
                brand: bref,
                site: reg.to_owned(),
                shown: kw.text.clone(),
            },
        });
        return;
    }
    // 3. A brand name split by the dot before the registrable name
    // (`tw.ilio.com`, `twil.io.com`).
    let last_sub = host.subdomain.rsplit('.').next().unwrap_or("");
    let joined = format!("{last_sub}{}", host.label);
    for (bi, brand) in policy.brands.iter().enumerate() {
        let split = brand.keywords.iter().any(|kw| {
            !kw.needs_lure()
                && kw.text.chars().count() >= 4
                && joined.contains(kw.text.as_str())
                && !last_sub.contains(kw.text.as_str())
                && !host.label.contains(kw.text.as_str())
        });
        if split && let Some(bref) = policy.brand_ref(bi) {
            out.push(Finding {
                rule: RULE.id,
                severity: Severity::Suspicious,
                brand: Some(bref.clone()),
                evidence: Evidence::SplitByDot {
                    host: host.display().to_owned(),
                    brand: bref,
                    site: reg.to_owned(),
                },
            });
            return;
        }
    }
}

/// `part` is the short name `name` (2–3 characters) with lure words glued
/// in front or behind, one of them a sign-in or IT word (`abbidp`,
/// `oktabb`); both in comparison form.
fn glued_to_lure_words(part: &str, name: &str) -> bool {
    let n = name.chars().count();
    if !(2..4).contains(&n) || part.len() <= name.len() {
        return false;
    }
    let words = |rest: &str| {
        crate::rules::names::made_of_words(rest, true) && identity_word_in(rest).is_some()
    };
    part.strip_prefix(name).is_some_and(words) || part.strip_suffix(name).is_some_and(words)
}

/// `needle` occurs in `hay` with `sep` (or the start/end) on both sides.
fn contains_bounded(hay: &str, needle: &str, sep: u8) -> bool {
    let bytes = hay.as_bytes();
    hay.match_indices(needle).any(|(i, m)| {
        (i == 0 || bytes.get(i - 1) == Some(&sep))
            && bytes.get(i + m.len()).is_none_or(|b| *b == sep)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn embedded_domains() {
        let p = twilio();
        expect!["dangerous Twilio: twilio.com.account-verify.info is not Twilio's: the real site is account-verify.info; “twilio.com” in front of it is only a disguise."]
            .assert_eq(&run(&RULE, &p, "https://twilio.com.account-verify.info/login"));
        expect!["dangerous Twilio: twilio-com.secure-login.net is not Twilio's: the real site is secure-login.net; “twilio-com” in front of it is only a disguise."]
            .assert_eq(&run(&RULE, &p, "twilio-com.secure-login.net"));
    }

    #[test]
    fn brand_as_sub_name() {
        let p = twilio();
        expect!["dangerous Twilio: login.twilio.evil.example is not Twilio's: the real site is evil.example; “twilio” in front of it is only a disguise."]
            .assert_eq(&run(&RULE, &p, "https://login.twilio.evil.example/"));
        expect!["suspicious Twilio: twilio.evil.co.uk is not Twilio's: the real site is evil.co.uk; “twilio” in front of it is only a disguise."]
            .assert_eq(&run(&RULE, &p, "twilio.evil.co.uk"));
    }

    #[test]
    fn lookalike_tenants_on_shared_platforms() {
        let p = twilio();
        expect!["dangerous Twilio: twilio-sso.okta.com is not Twilio's: anyone can open an account named “twilio-sso” on okta.com. Twilio uses only twilio.okta.com."].assert_eq(&run(&RULE, &p, "https://twilio-sso.okta.com/"));
        expect!["dangerous Twilio: twilio.oktapreview.com is not Twilio's: anyone can open an account named “twilio” on oktapreview.com. Twilio has not listed an account there as its own."].assert_eq(&run(&RULE, &p, "twilio.oktapreview.com"));
    }

    /// A name of two or three letters glued to lure words in a tenant:
    /// the rest of the part is made of lure words, one of them a sign-in
    /// or IT word; other words that start with the name are no tenant of it.
    #[test]
    fn short_names_glued_to_lure_words_in_tenants() {
        let p = crate::policy::Policy::from_toml(
            "[[brand]]\nname = \"ABB\"\ndomains = [\"abb.com\"]\n\n[[brand]]\nname = \"TNT\"\ndomains = [\"tnt.com\"]\n",
            "test",
        )
        .expect("a valid policy");
        expect!["dangerous ABB: abbidp.okta.com is not ABB's: anyone can open an account named “abbidp” on okta.com. ABB has not listed an account there as its own."].assert_eq(&run(&RULE, &p, "abbidp.okta.com"));
        expect!["dangerous TNT: tntstaff.zendesk.com is not TNT's: anyone can open an account named “tntstaff” on zendesk.com. TNT has not listed an account there as its own."].assert_eq(&run(&RULE, &p, "tntstaff.zendesk.com"));
        expect!["dangerous ABB: ssoabb.sharepoint.com is not ABB's: anyone can open an account named “ssoabb” on sharepoint.com. ABB has not listed an account there as its own."].assert_eq(&run(&RULE, &p, "ssoabb.sharepoint.com"));
        for not in [
            "abbott.okta.com",
            "abbey.sharepoint.com",
            "abbmy.onelogin.com", // a filler word alone
            "abbidp.example.com", // no shared platform: brand-combo's part
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    /// The registry test checks that it fires; this, that the flagged
    /// examples are attributed to the brand named in front.
    #[test]
    fn every_flagged_example_is_twilio_s_or_sendgrid_s() {
        for e in RULE.examples.flagged {
            let p = crate::rules::testing::under(e.under);
            let r = run(&RULE, &p, e.text);
            assert!(
                r.contains(" Twilio: ") || r.contains(" SendGrid: "),
                "{}: {r}",
                e.text
            );
        }
    }

    #[test]
    fn split_names() {
        let p = twilio();
        expect!["suspicious Twilio: tw.ilio.com is not Twilio's: it splits Twilio's name with a dot, and the real site is ilio.com."]
            .assert_eq(&run(&RULE, &p, "tw.ilio.com"));
    }
}
