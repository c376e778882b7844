//! `hidden-destination`: link shorteners, free hosting and dynamic DNS, where
//! the name in the link says nothing about who runs the site.
//!
//! ## What it flags
//! - Link shorteners (`bit.ly`, `tinyurl.com`) → `info`: the destination is
//!   hidden; Second Look never opens a link to find out.
//! - Free hosting and site builders (`*.web.app`, `*.weebly.com`) → `info`.
//! - Dynamic-DNS and wildcard-DNS names (`*.duckdns.org`, `10.0.0.1.nip.io`) → `suspicious`.
//!
//! The lists are in [`super::hosting`], with their sources.
//!
//! ## Why it matters
//! Attack sites live for hours on free services; a shortened link cannot be
//! judged at all without opening it.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::hosting::HostingKind;
use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "hidden-destination",
    detects: "link shorteners, free hosting and dynamic DNS, where the real destination or owner is hidden",
    severity: "info (suspicious for dynamic DNS)",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Info, Suspicious};
    super::Examples {
        flagged: &[
            E::twilio("https://bit.ly/3xYz").at(Info),
            E::twilio("https://secure-login-4411.web.app").at(Info),
            E::twilio("http://okta-sso.duckdns.org/").at(Suspicious),
            E::twilio("https://storage.googleapis.com/twilio-okta/login.html").at(Suspicious),
            E::twilio("https://docs.google.com/forms/d/e/twilio-sso/viewform").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("bitly.example.com"),
            E::twilio("https://twilio.com"), // a company's own domain
            E::twilio("https://example.com"),
            E::twilio("no-ip.com"), // the providers' own sites
            E::twilio("https://bit.ly/"),
        ],
    }
};

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if subject.owner.is_some() {
        return;
    }
    let Some((kind, service)) = subject.hosting else {
        return;
    };
    // A brand's name in the page address on a service anyone publishes
    // under (`storage.googleapis.com/twilio-okta/…`, a Google Form).
    if kind == HostingKind::FreeHosting {
        let page = link
            .parsed
            .as_ref()
            .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or("")).to_lowercase())
            .unwrap_or_default();
        let named = policy.brands.iter().enumerate().find_map(|(bi, b)| {
            b.keywords
                .iter()
                .find(|k| k.text.chars().count() >= 4 && page.contains(k.text.as_str()))
                .map(|k| (bi, k.text.clone()))
        });
        if let Some((bi, name)) = named {
            out.push(Finding {
                rule: RULE.id,
                severity: Severity::Suspicious,
                brand: policy.brand_ref(bi),
                evidence: Evidence::NameOnOpenHosting { service, name },
            });
            return;
        }
    }
    // The provider's own site (`no-ip.com`, `bit.ly/`) hides nothing.
    let path = link.parsed.as_ref().map_or("", |u| u.path());
    if host.ascii == service && (kind != HostingKind::Shortener || path.len() <= 1) {
        return;
    }
    let severity = match kind {
        HostingKind::Shortener | HostingKind::FreeHosting => Severity::Info,
        HostingKind::DynamicDns => Severity::Suspicious,
    };
    out.push(Finding {
        rule: RULE.id,
        severity,
        brand: None,
        evidence: Evidence::Hosting { kind, service },
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn hidden_owners() {
        let p = twilio();
        expect!["info -: bit.ly is a link shortener: where the link really leads is hidden until it is opened."]
            .assert_eq(&run(&RULE, &p, "https://bit.ly/3xYz"));
        expect!["info -: web.app is a free hosting service where anyone can publish a site, so the name says nothing about who runs it."]
            .assert_eq(&run(&RULE, &p, "https://secure-login-4411.web.app"));
        expect!["suspicious -: duckdns.org is a free dynamic-DNS service, often used for short-lived attack sites."]
            .assert_eq(&run(&RULE, &p, "http://okta-sso.duckdns.org/"));
        expect!["suspicious Twilio: Anyone can publish pages under storage.googleapis.com, so “twilio” in the page address proves nothing about who made it."].assert_eq(&run(
            &RULE,
            &p,
            "https://storage.googleapis.com/twilio-okta/login.html",
        ));
        expect!["suspicious Twilio: Anyone can publish pages under docs.google.com, so “twilio” in the page address proves nothing about who made it."].assert_eq(&run(
            &RULE,
            &p,
            "https://docs.google.com/forms/d/e/twilio-sso/viewform",
        ));
    }
}
