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
//! ## Not flagged
//! Hosts not on the list, whatever else they look like (other rules judge them).
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "blocked-indicator",
    detects: "a domain your security team has marked as an attack ([indicators] blocked)",
    severity: "dangerous",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Dangerous;
    const BLOCKED: &str = "[indicators]\nblocked = [\"twilio-sso.com\", \"evil.example.net\"]";
    super::Examples {
        flagged: &[
            E::twilio_with(BLOCKED, "https://twilio-sso.com/login").at(Dangerous),
            E::twilio_with(BLOCKED, "https://a.evil.example.net/x").at(Dangerous), // under a blocked domain
        ],
        not_flagged: &[
            E::twilio_with(BLOCKED, "https://example.net"),
            E::twilio_with(BLOCKED, "twilio.com"),
            E::twilio_with(BLOCKED, "https://notevil.example.net"), // not under evil.example.net
        ],
    }
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
}
