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
    use super::Severity::{Dangerous, Info};
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
    for inner in links {
        let Some(o) = inner.link.via else { continue };
        let Some(outer) = links.get(o) else { continue };
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
    fn not_flagged() {
        assert!(
            outer("https://www.twilio.com/login?next=https://www.twilio.com/console")
                .starts_with("safe safe")
        );
        assert!(outer("https://twilio.com/?q=hello%20world").starts_with("safe safe"));
    }
}
