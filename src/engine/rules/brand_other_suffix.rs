//! `brand-other-suffix`: a brand's exact name under a suffix it does not own.
//!
//! ## What it flags
//! The registrable name is exactly a brand keyword, but the domain is not one
//! the brand owns: `twilio.net`, `twilio.org`, `twilio.co`, `twilio.github.io`.
//!
//! ## Why it matters
//! Two of the six Twilio-incident domains were `twilio.net` and `twilio.org`.
//! Chromium deliberately allows such cross-suffix matches; we do not.
//! `dangerous`, except `info` for brands marked `widely_used` (household
//! names own their .net and .org as a rule: netflix.net) and for brands
//! marked `country_sites` under a country suffix (Google really runs
//! google.ru; the policy just does not list it).
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
    id: "brand-other-suffix",
    detects: "a brand's exact name under a suffix it does not own (twilio.net, twilio.org)",
    severity: "dangerous (info for widely used brands and country sites)",
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
            E::twilio("twilio.net").at(Dangerous),
            E::twilio("https://twilio.org/login").at(Dangerous),
            E::twilio("https://twilio.github.io").at(Dangerous), // a private suffix
            E::builtin("amazon.cz").at(Info), // a country site of a brand marked country_sites
        ],
        not_flagged: &[
            E::twilio("twilio.com"),     // owned
            E::twilio("twilio-sso.com"), // see brand-combo
            E::twilio("tw1lio.net"),     // see homoglyph
            E::twilio("www.twilio.com"),
        ],
    }
};

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    let Some(suffix) = host.suffix.as_deref() else {
        return;
    };
    if host.registrable.is_none()
        || subject.listed
        || crate::rules::hosting::is_cdn_infrastructure(suffix)
    {
        return;
    }
    let label = host.label.as_str();
    let Some((bi, brand)) = policy.brands.iter().enumerate().find(|(_, b)| {
        b.keywords.iter().any(|k| {
            k.text == label
                && (k.origin == crate::policy::Origin::Name
                    || k.origin == crate::policy::Origin::Domain && !k.generic)
        })
    }) else {
        return;
    };
    let Some(bref) = policy.brand_ref(bi) else {
        return;
    };
    let site = host.display_registrable().to_owned();
    let country = !suffix.contains('.') && suffix.len() == 2
        || suffix.rsplit('.').next().is_some_and(|l| l.len() == 2);
    let (severity, evidence) = if host.suffix_private {
        (
            Severity::Dangerous,
            Evidence::OpenPlatform {
                site,
                brand: bref.clone(),
                suffix: suffix.to_owned(),
            },
        )
    } else {
        // Household names own their .net/.org and country sites as a rule
        // (netflix.net, google.ru); the policy just does not list them all.
        let severity = if (brand.country_sites && country) || brand.widely_used {
            Severity::Info
        } else {
            Severity::Dangerous
        };
        let main_suffix = brand
            .main_suffix()
            .filter(|m| *m != suffix)
            .map(str::to_owned);
        (
            severity,
            Evidence::OtherSuffix {
                site,
                brand: bref.clone(),
                suffix: suffix.to_owned(),
                main_suffix,
            },
        )
    };
    out.push(Finding {
        rule: RULE.id,
        severity,
        brand: Some(bref),
        evidence,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{builtin, run, twilio};
    use expect_test::expect;

    #[test]
    fn incident_domains() {
        let p = twilio();
        expect!["dangerous Twilio: twilio.net is not Twilio's: it uses Twilio's name but ends in .net instead of .com."]
            .assert_eq(&run(&RULE, &p, "twilio.net"));
        expect!["dangerous Twilio: twilio.org is not Twilio's: it uses Twilio's name but ends in .org instead of .com."]
            .assert_eq(&run(&RULE, &p, "https://twilio.org/login"));
        expect!["dangerous Twilio: twilio.github.io is not Twilio's: it is a site on github.io, a service where anyone can publish under any name."]
            .assert_eq(&run(&RULE, &p, "https://twilio.github.io"));
    }

    #[test]
    fn country_sites_are_milder() {
        let p = builtin();
        expect!["info Amazon: amazon.cz is not Amazon's: it uses Amazon's name but ends in .cz instead of .com."]
            .assert_eq(&run(&RULE, &p, "amazon.cz"));
    }
}
