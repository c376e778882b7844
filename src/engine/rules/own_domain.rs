//! `own-domain`: the host is the organisation's own (or a brand's own).
//!
//! ## What it flags
//! A host equal to, or under, a domain listed in a `[[brand]] domains` entry
//! or in `[detection] trusted_hosts`. This is the only way a link is called
//! `safe`. A host the security team blocked is never safe.
//!
//! ## Why it matters
//! "Unknown" must never look like "safe": only names the policy lists are
//! vouched for, so an employee learns that a green badge means "ours".
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::extract::Kind;
use crate::policy::{Owner, Policy};

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "own-domain",
    detects: "the host is a domain the policy lists as owned (the only way a link is safe)",
    severity: "safe",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Safe;
    super::Examples {
        flagged: &[
            E::twilio("https://twilio.com").at(Safe),
            E::twilio("see www.twilio.com/docs").at(Safe),
            E::twilio("https://twilio.okta.com/app").at(Safe),
            E::twilio("mail support@sendgrid.com").at(Safe),
            E::twilio("https://www.twilio.com/login").at(Safe),
        ],
        not_flagged: &[
            E::twilio("https://twilio.com.evil.example"), // the registrable domain is evil.example
            E::twilio("eviltwilio.com"),                  // not under twilio.com
            E::twilio("https://twilio.com@evil.example/"),
            E::twilio("okta.com"),
            E::twilio("evil.okta.com"),
            E::twilio("twilio.net"),
            E::twilio("http://10.0.0.1/"), // IP addresses
        ],
    }
};

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    // A name longer than DNS allows opens nothing, whatever it ends in.
    if subject.blocked.is_some() || host.ascii.len() > crate::host::MAX_HOST_LEN {
        return;
    }
    // A joiner (ZWJ/ZWNJ) inside the name makes browsers refuse it or open
    // another site; a symbol glued inside it was cut off to read it: the
    // address as written is not the owned one.
    if link.hidden.iter().any(|k| {
        matches!(
            k,
            crate::text::EditKind::Invisible('\u{200C}' | '\u{200D}')
                | crate::text::EditKind::Symbol
        )
    }) {
        return;
    }
    let email = link.kind == Kind::Email;
    let b = match subject.owner {
        None => return,
        Some(Owner::Trusted) => {
            out.push(Finding {
                rule: RULE.id,
                severity: Severity::Safe,
                brand: None,
                evidence: Evidence::Trusted {
                    email,
                    host: host.display().to_owned(),
                    by_user: policy.trusted_by_user(host),
                    organization: policy.organization_name().to_owned(),
                },
            });
            return;
        }
        Some(Owner::Brand(b)) => b,
    };
    let (Some(brand), Some(owner)) = (policy.brands.get(b), policy.brand_ref(b)) else {
        return;
    };
    out.push(Finding {
        rule: RULE.id,
        severity: Severity::Safe,
        brand: Some(owner.clone()),
        evidence: Evidence::Owned {
            email,
            host: host.display().to_owned(),
            brand: owner,
            added_by_user: brand.added_by_user,
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn owned_hosts_and_subdomains_are_safe() {
        let p = twilio();
        expect!["safe Twilio: This link goes to twilio.com, one of Twilio's own domains."]
            .assert_eq(&run(&RULE, &p, "https://twilio.com"));
        expect!["safe Twilio: This link goes to www.twilio.com, one of Twilio's own domains."]
            .assert_eq(&run(&RULE, &p, "see www.twilio.com/docs"));
        expect!["safe Twilio: This link goes to twilio.okta.com, one of Twilio's own domains."]
            .assert_eq(&run(&RULE, &p, "https://twilio.okta.com/app"));
        expect!["safe SendGrid: This address is at sendgrid.com, one of SendGrid's own domains."]
            .assert_eq(&run(&RULE, &p, "mail support@sendgrid.com"));
    }

    #[test]
    fn what_the_user_added_is_shown_as_theirs() {
        let mut p = Policy::from_toml(
            "[organization]\nname = \"Twilio\"\n[[brand]]\nname = \"My Bank\"\ndomains = [\"mybank.example\"]\n[detection]\ntrusted_hosts = [\"wiki.example.org\", \"twilio.zendesk.com\"]\n",
            "p",
        )
        .unwrap();
        expect!["safe -: This link goes to twilio.zendesk.com, a service Twilio lists as trusted."]
            .assert_eq(&run(&RULE, &p, "https://twilio.zendesk.com/hc"));
        p.mark_user_additions(
            &["wiki.example.org".into()],
            &[crate::policy::brand_key("My Bank")],
        );
        expect!["safe -: This link goes to wiki.example.org, a site you added as trusted."]
            .assert_eq(&run(&RULE, &p, "https://wiki.example.org/page"));
        expect!["safe -: This link goes to twilio.zendesk.com, a service Twilio lists as trusted."]
            .assert_eq(&run(&RULE, &p, "https://twilio.zendesk.com/hc"));
        expect!["safe My Bank: This link goes to mybank.example, one of My Bank's own domains (a brand you added)."]
            .assert_eq(&run(&RULE, &p, "https://mybank.example/"));
    }
}
