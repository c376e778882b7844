//! `overlong-host`: a host name longer than DNS allows (253 characters, or
//! a part longer than 63).
//!
//! ## What it flags
//! Such a name cannot belong to any real website; it exists to push the
//! real end of the address out of sight or to break security tools →
//! `suspicious`. (Its analysis is bounded: see [`crate::host::suffixes`].)
//!
//! ## Why it matters
//! A phone shows the start of a long address and cuts the rest.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::host::{HostKind, MAX_HOST_LEN};
use crate::policy::Policy;

/// The longest part (label) of a name DNS allows.
const MAX_LABEL_LEN: usize = 63;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "overlong-host",
    detects: "a host name longer than DNS allows (over 253 characters, or a part over 63)",
    severity: "suspicious",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Suspicious;
    super::Examples {
        flagged: &[
            E::twilio(concat!(
                "https://",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
                "twilio-okta.com/"
            )).at(Suspicious), // 271 characters
            E::twilio("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/").at(Suspicious), // a part of 70 characters
        ],
        not_flagged: &[
            E::twilio("https://a.b.c.example.co.uk/"),
            E::twilio("twilio-okta.com"),
            E::twilio("http://127.0.0.1/"),
            // A long Chinese sentence ended by `。` before the name.
            E::twilio("已到達台北信義郵局，請於7日內攜帶證件領取\u{3002}post.gov.tw"),
        ],
    }
};

fn check(subject: &Subject<'_>, _policy: &Policy, out: &mut Vec<Finding>) {
    let Some(host) = &subject.link.host else {
        return;
    };
    if host.kind != HostKind::Domain {
        return;
    }
    let n = host.ascii.len();
    let evidence = if n > MAX_HOST_LEN {
        Evidence::TooLong {
            len: n,
            max: MAX_HOST_LEN,
        }
    } else if host.ascii.split('.').any(|l| l.len() > MAX_LABEL_LEN)
        // A long CJK sentence ended by `。` before the name is not a part
        // built to hide the end: the name after it is what the reader sees.
        && super::deceptive_url::sentence_end_dots(subject.link)
            .is_none_or(|after| after.split('.').any(|l| l.len() > MAX_LABEL_LEN))
    {
        Evidence::LabelTooLong { max: MAX_LABEL_LEN }
    } else {
        return;
    };
    out.push(Finding {
        rule: RULE.id,
        severity: Severity::Suspicious,
        brand: None,
        evidence,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn too_long() {
        let long = format!("https://{}twilio-okta.com/", "a.".repeat(200));
        expect!["suspicious -: This address is 415 characters long; no real website name can be longer than 253, so it is built to hide where it goes."].assert_eq(&run(&RULE, &twilio(), &long));
        let label = format!("https://{}.com/", "a".repeat(70));
        expect!["suspicious -: A part of this address is longer than the 63 characters a real website name allows, so it is built to hide where it goes."].assert_eq(&run(&RULE, &twilio(), &label));
    }
}
