//! `idn-spoof`: international names that fail the checks browsers apply
//! before they show Unicode (Chromium's IDN spoof checker, UTS #39), in the
//! parts of the name `homoglyph` does not judge.
//!
//! ## What it flags (`suspicious`, whatever brand it imitates)
//! - Deviation characters, which IDNA 2003 and 2008 map differently (`ß`
//!   → `ss`, `ς` → `σ`): the same written address can lead to two sites.
//! - A combining mark stacked on a Latin, Cyrillic or Greek letter that
//!   does not compose into one letter (`i` + U+0307): it can hide a dot or
//!   accent, or add one.
//! - A sub-name (left of the registrable name) that mixes Latin with
//!   another script, or Cyrillic, Greek and Armenian with each other
//!   (`аpple.example.com`). The registrable name itself is `homoglyph`'s.
//!
//! Browsers show such hosts in their coded (punycode) form; the explanation
//! says so in words.
//!
//! ## Why it matters
//! These characters exist to make a name look like another one.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use unicode_normalization::char::is_combining_mark;
use unicode_script::{Script, UnicodeScript};

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::{Evidence, IdnTrick};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "idn-spoof",
    detects: "international names browsers refuse to show as written: deviation characters (ß, ς), stacked marks, mixed scripts in a sub-name",
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
            E::twilio("https://straße-login.com/").at(Suspicious),
            E::twilio("https://twi\u{0131}\u{0307}lio-help.com/").at(Suspicious), // stacked marks
            E::twilio("https://login.\u{0430}pple.example.com/").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("https://münchen.de/"),
            E::twilio("https://日本語.jp/"),
            E::twilio("https://テスト.example.com/"),
            E::twilio("https://हिंदी.भारत/"),
            E::twilio("hindi-हिंदी.in"), // Devanagari marks on Devanagari letters
            E::twilio("https://twilio-okta.com/"), // any ASCII host
            E::twilio("https://café.fr/"),
        ],
    }
};

fn check(subject: &Subject<'_>, _policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if !host.non_ascii || subject.listed {
        return;
    }
    let finding = |trick: IdnTrick| Finding {
        rule: RULE.id,
        severity: Severity::Suspicious,
        brand: None,
        evidence: Evidence::IdnSpoof {
            host: host.display().to_owned(),
            ascii: host.ascii.clone(),
            trick,
        },
    };
    if let Some(c) = host.unicode.chars().find(|c| matches!(c, 'ß' | 'ς')) {
        let other = if c == 'ß' { "ss" } else { "σ" };
        out.push(finding(IdnTrick::Deviation(c, other)));
        return;
    }
    let mut prev: Option<char> = None;
    for c in host.unicode.chars() {
        if is_combining_mark(c)
            && let Some(base) = prev
            && matches!(
                base.script(),
                Script::Latin | Script::Cyrillic | Script::Greek
            )
        {
            out.push(finding(IdnTrick::StackedMark(base, c)));
            return;
        }
        if !is_combining_mark(c) {
            prev = Some(c);
        }
    }
    for label in host.subdomain.split('.') {
        if let Some(mix) = super::homoglyph::mixed_scripts_in(label) {
            out.push(finding(IdnTrick::MixedSubName {
                mix,
                label: label.to_owned(),
            }));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn deviation_characters() {
        expect!["suspicious -: straße-login.com contains “ß”, which some systems read as “ss”: the same address can lead to two different sites. Browsers show such an address in its coded form (xn--strae-login-y6a.com)."].assert_eq(&run(&RULE, &twilio(), "https://straße-login.com/"));
    }

    #[test]
    fn stacked_marks() {
        expect!["suspicious -: twiı̇lio-help.com stacks a mark on the letter “ı” (“ı̇”), so it can look like another name. Browsers show such an address in its coded form (xn--twilio-help-1zb422d.com)."].assert_eq(&run(&RULE, &twilio(), "https://twi\u{0131}\u{0307}lio-help.com/"));
    }

    #[test]
    fn mixed_scripts_in_a_sub_name() {
        expect!["suspicious -: login.аpple.example.com mixes Cyrillic and Latin letters in one part of its name (“аpple”), a trick to look like another name. Browsers show such an address in its coded form (login.xn--pple-43d.example.com)."].assert_eq(&run(&RULE, &twilio(), "https://login.\u{0430}pple.example.com/"));
    }
}
