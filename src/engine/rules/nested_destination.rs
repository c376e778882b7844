//! `nested-destination`: a link whose address carries another link, as
//! redirectors do (`?next=https://…`, `google.com/url?q=…`, Outlook Safe
//! Links `?url=…`, Proofpoint `urldefense.com/v3/__https://…__`,
//! `l.facebook.com/l.php?u=…`).
//!
//! ## What it flags
//! The outer link is at least as bad as the link inside it: a redirect
//! through an owned or well-known domain ends where the inner link goes.
//! - `https://www.twilio.com/login?next=https://twilio-okta.com/` → the
//!   outer link is `dangerous`: it goes through twilio.com but ends at
//!   twilio-okta.com.
//! - An owned domain forwarding to a site nobody vouches for is no longer
//!   `safe`, only `unknown`.
//!
//! The inner link is found by extraction ([`crate::extract::Link::via`]) and
//! analysed as a link of its own; this rule lifts the outer link to it.
//!
//! ## Why it matters
//! Open redirects on trusted domains and mail-security rewriters make a
//! link look like it goes to a known site while it ends elsewhere.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, RelationFindings, RelationLink, RelationRule, Severity};
use crate::engine::explain::{Evidence, NestedInner, NestedThrough};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: RelationRule = RelationRule {
    id: "nested-destination",
    detects: "a link that carries another link in its address (redirectors, mail-security rewriters): it ends where the inner link goes",
    severity: "the inner link's (unknown at least when the outer one is owned)",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Dangerous, Info, Suspicious};
    super::Examples {
        flagged: &[
            E::twilio("https://www.twilio.com/login?next=https://twilio-okta.com/").at(Dangerous),
            E::twilio("https://www.google.com/url?q=https%3A%2F%2Ftwilio-okta.com%2Flogin&sa=D").at(Dangerous),
            E::twilio("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Ftwilio-sso.com%2F&data=05").at(Dangerous),
            E::twilio("https://urldefense.com/v3/__https://twilio-okta.net/login__;!!ABC$").at(Dangerous),
            E::twilio("https://l.facebook.com/l.php?u=https%253A%252F%252Ftwilio-okta.com%252F&h=AT0").at(Dangerous),
            E::twilio("https://urldefense.proofpoint.com/v2/url?u=https-3A__twilio-2Dokta.com_login&d=DwMF").at(Dangerous),
            E::twilio("https://www.twilio.com/go#next=//twilio-okta.com/").at(Dangerous),
            E::twilio("https://twilio.com/r?to=https://example.org/").at(Info), // an owned domain forwarding to an unknown site is not safe
            E::twilio("https://www.twilio.com/?next=https://www.twilio.com/?next=https://www.twilio.com/?next=https://www.twilio.com/?next=https://evil.example/").at(Suspicious), // nested deeper than is read
        ],
        not_flagged: &[
            E::twilio("https://www.twilio.com/login?next=https://www.twilio.com/console"), // ends at an owned domain
            E::twilio("https://twilio.com/?q=hello%20world"),
            E::twilio("https://example.com/?q=hello"),
        ],
    }
};

fn check(_text: &str, links: &[RelationLink<'_>], _policy: &Policy) -> RelationFindings {
    let mut out = Vec::new();
    for (i, inner) in links.iter().enumerate() {
        let Some(o) = inner.link.via else { continue };
        let Some(outer) = links.get(o) else { continue };
        if inner.link.nested_beyond
            && let Some(oh) = &outer.link.host
        {
            // Links nested past what is read: neither the outer link nor
            // any link read out of it may look safe.
            let group = links
                .iter()
                .enumerate()
                .filter(|(_, l)| l.link.via == Some(o))
                .map(|(at, _)| at);
            for at in std::iter::once(o).chain(group) {
                out.push((
                    at,
                    Finding {
                        rule: RULE.id,
                        severity: Severity::Suspicious,
                        brand: None,
                        evidence: Evidence::NestedBeyond {
                            through: oh.display_registrable().to_owned(),
                        },
                    },
                ));
            }
        }
        if inner.severity <= outer.severity {
            continue;
        }
        let (Some(oh), Some(ih)) = (&outer.link.host, &inner.link.host) else {
            continue;
        };
        let known = match inner.brand {
            Some(b) if inner.severity >= Severity::Suspicious => NestedInner::Imitates(b.clone()),
            _ if inner.severity >= Severity::Suspicious => NestedInner::WarningSigns,
            _ => NestedInner::Unknown,
        };
        let through = match &inner.link.glued_symbols {
            Some(symbols) if inner.link.symbols_dropped => NestedThrough::DroppedSymbols {
                symbols: symbols.clone(),
                host: ih.display().to_owned(),
            },
            Some(symbols) => NestedThrough::GluedSymbols {
                symbols: symbols.clone(),
                host: ih.display().to_owned(),
                ascii: ih.ascii.clone(),
            },
            None => NestedThrough::Redirect {
                through: oh.display_registrable().to_owned(),
                ends: ih.display().to_owned(),
            },
        };
        // The links read between the outer one and this one (`?next=` in
        // `?next=`) carry it too: each is lifted like the outer one.
        for (at, mid) in links.iter().enumerate().take(i).skip(o + 1) {
            if mid.link.via == Some(o)
                && mid.severity < inner.severity
                && let Some(mh) = &mid.link.host
                && carries(&mid.link.url, &ih.ascii)
            {
                out.push((
                    at,
                    Finding {
                        rule: RULE.id,
                        severity: inner.severity.max(Severity::Info),
                        brand: inner.brand.cloned(),
                        evidence: Evidence::Nested {
                            through: NestedThrough::Redirect {
                                through: mh.display_registrable().to_owned(),
                                ends: ih.display().to_owned(),
                            },
                            inner: known.clone(),
                        },
                    },
                ));
            }
        }
        out.push((
            o,
            Finding {
                rule: RULE.id,
                severity: inner.severity.max(Severity::Info),
                brand: inner.brand.cloned(),
                evidence: Evidence::Nested {
                    through,
                    inner: known,
                },
            },
        ));
    }
    out
}

/// `url` carries `host` somewhere after its own host (raw or
/// percent-encoded, up to three times).
fn carries(url: &str, host: &str) -> bool {
    let after = url
        .find("://")
        .map_or(url, |i| url.get(i + 3..).unwrap_or(""));
    let rest = after
        .find(['/', '?', '#'])
        .and_then(|i| after.get(i..))
        .unwrap_or("");
    let mut text = rest.to_ascii_lowercase();
    for _ in 0..3 {
        if text.contains(host) {
            return true;
        }
        let decoded = crate::extract::percent_decode_lossy(&text);
        if decoded == text {
            return false;
        }
        text = decoded;
    }
    text.contains(host)
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::rules::testing::twilio;
    use expect_test::expect;

    fn outer(text: &str) -> String {
        let a = analyze(text, &twilio());
        let Some(l) = a.links.first() else {
            return "no link".into();
        };
        format!("{} {}: {}", a.verdict, l.verdict, l.explanation())
    }

    #[test]
    fn an_owned_redirect_to_a_lookalike_is_dangerous() {
        expect!["dangerous dangerous: This link goes through twilio.com but ends at twilio-okta.com, which is not Twilio's but imitates it (see the link inside it). Twilio signs in only at https://twilio.okta.com."]
        .assert_eq(&outer("https://www.twilio.com/login?next=https://twilio-okta.com/"));
    }

    #[test]
    fn an_owned_redirect_to_an_unknown_site_is_not_safe() {
        expect![[r#"unknown unknown: This link goes through twilio.com but ends at example.org, which Second Look cannot vouch for (see the link inside it)."#]]
        .assert_eq(&outer("https://twilio.com/r?to=https://example.org/"));
    }

    #[test]
    fn links_nested_deeper_than_read_are_never_safe() {
        let chain = |n: usize| {
            let mut s = String::new();
            for _ in 0..n {
                s.push_str("https://www.twilio.com/login?next=");
            }
            s + "https://evil.example/"
        };
        // Within the depth read, the end is found and judged.
        expect!["unknown unknown: This link goes through twilio.com but ends at evil.example, which Second Look cannot vouch for (see the link inside it)."]
            .assert_eq(&outer(&chain(2)));
        expect!["suspicious suspicious: This link goes through twilio.com and then through address after address hidden inside each other, deeper than anyone checks: where it ends is hidden. Do not open it. Twilio signs in only at https://twilio.okta.com."]
            .assert_eq(&outer(&chain(3)));
        for n in 3..40 {
            let a = analyze(&chain(n), &twilio());
            assert!(
                a.links.iter().all(|l| l.verdict != crate::Verdict::Safe),
                "{n} levels: {:?}",
                a.links
                    .iter()
                    .map(|l| (&l.link.url, l.verdict))
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_symbol_a_phone_ends_the_link_at_does_not_hide_the_name_after_it() {
        let p = crate::Policy::from_toml(
            "[indicators]\nblocked = [\"evil-blocked.com\"]\n",
            "blocked",
        )
        .unwrap();
        let a = analyze("™evil-blocked.com", &p);
        assert_eq!(a.verdict, crate::Verdict::Dangerous);
        let hosts: Vec<_> = a
            .links
            .iter()
            .filter_map(|l| l.link.host.as_ref().map(|h| h.ascii.clone()))
            .collect();
        assert_eq!(hosts, ["tmevil-blocked.com", "evil-blocked.com"]);
        expect!["Some phones end the link at the “™” in front of it and open evil-blocked.com, a different site, which shows warning signs of its own."]
            .assert_eq(&a.links[0].findings.iter().find(|f| f.rule == "nested-destination").map(|f| f.explanation()).unwrap_or_default());
    }

    #[test]
    fn not_flagged() {
        assert!(
            outer("https://www.twilio.com/login?next=https://www.twilio.com/console")
                .starts_with("safe safe")
        );
        assert!(outer("https://twilio.com/?q=hello%20world").starts_with("safe safe"));
    }
}
