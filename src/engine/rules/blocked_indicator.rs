//! `blocked-indicator`: a domain the security team has marked as an attack.
//!
//! ## What it flags
//! A host equal to or under a domain in the policy's `[indicators] blocked`
//! list (the incident's takedown list, domains from earlier reports) →
//! always `dangerous`.
//!
//! ## Why it matters
//! Attackers reuse infrastructure within hours (Okta saw several new sites
//! per target per day); once the team knows a domain, everyone should.
//!
//! ## Example (flagged)
//! `https://twilio-sso.com/login` with `blocked = ["twilio-sso.com"]`.
//!
//! ## Not flagged
//! Hosts not on the list, whatever else they look like (other rules judge them).

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "blocked-indicator",
    detects: "a domain your security team has marked as an attack ([indicators] blocked)",
    severity: "dangerous",
    check,
};

fn check(subject: &Subject<'_>, _policy: &Policy, out: &mut Vec<Finding>) {
    let Some(domain) = subject.blocked else {
        return;
    };
    out.push(Finding {
        rule: RULE.id,
        severity: Severity::Dangerous,
        brand: None,
        evidence: Evidence::Blocked {
            domain: domain.to_owned(),
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{TWILIO_POLICY, run};
    use expect_test::expect;

    fn policy() -> Policy {
        let text = format!(
            "{TWILIO_POLICY}\n[indicators]\nblocked = [\"twilio-sso.com\", \"evil.example.net\"]\n"
        );
        Policy::from_toml(&text, "p").unwrap()
    }

    #[test]
    fn blocked_domains_and_their_subdomains() {
        let p = policy();
        expect!["dangerous -: Your security team has marked twilio-sso.com as an attack."]
            .assert_eq(&run(&RULE, &p, "https://twilio-sso.com/login"));
        expect!["dangerous -: Your security team has marked evil.example.net as an attack."]
            .assert_eq(&run(&RULE, &p, "https://a.evil.example.net/x"));
    }

    #[test]
    fn not_flagged() {
        let p = policy();
        for text in [
            "https://example.net",
            "twilio.com",
            "https://notevil.example.net",
        ] {
            assert_eq!(run(&RULE, &p, text), "", "{text}");
        }
    }
}
