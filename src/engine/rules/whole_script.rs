//! `whole-script`: a part of a name written entirely in Cyrillic, Greek or
//! Armenian letters chosen to look like Latin ones (`ѕепԁԍгіԁ.com`,
//! `τωιιο.com`), under a top-level domain not of that script: Chromium's
//! whole-script-confusable check, which shows such names in their coded
//! (punycode) form.
//!
//! ## What it flags
//! - A label made only of such letters (and digits or hyphens), outside the
//!   script's home suffixes (`.ru`, `.рф`, `.bg`, …, `.gr`, `.am`, or any
//!   top-level domain written in that script) → `suspicious`, whatever it
//!   imitates, with its Latin reading ("it reads as “sendgrid”").
//! - The same for the registrable name when its Latin reading is a brand's
//!   name, or one letter from it (`τωιιο` reads as "twiio") → `dangerous`
//!   for that brand. Which letters count, and how each
//!   reads, is [`LATIN_LOOKALIKES`] (Chromium's lists): letters the UTS #39
//!   skeleton does not map to Latin (`п`, `ԍ`, `τ`, `ω`) are in it too; for
//!   a brand's name also the small-capital shapes (`окта`, `ьт.com` for BT,
//!   names of up to three letters only under the brand's own suffix). A
//!   name whose skeleton is already the brand's is `homoglyph`'s.
//!
//! ## Why it matters
//! Every letter of `ѕепԁԍгіԁ` is a Cyrillic letter, so no mix of scripts
//! gives it away, yet it reads as "sendgrid". Honest names in these scripts
//! use letters with no Latin twin (`яндекс`), or sit under their own
//! country's domain (`пример.рф`).
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use unicode_script::{Script, UnicodeScript};

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::host::{HostFacts, comparison_form};
use crate::policy::Policy;
use crate::refs::BrandRef;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "whole-script",
    detects: "a name written wholly in Cyrillic, Greek or Armenian letters that look like Latin ones (ѕепԁԍгіԁ.com, τωιιο.com), outside that script's own domains",
    severity: "dangerous when it reads as a brand's name, else suspicious",
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
            E::twilio("раураӏ.com").at(Suspicious), // no PayPal in this policy
            E::twilio("https://ѕсоре.net/").at(Suspicious),
            E::twilio("https://ѕепԁԍгіԁ.example.com/").at(Suspicious), // a sub-name
        ],
        not_flagged: &[
            E::twilio("https://яндекс.рф/"),  // Cyrillic under a Cyrillic suffix
            E::twilio("https://пример.com/"), // letters with no Latin twin (м)
            E::twilio("https://комета.com/"), // small capitals alone: no brand, not flagged
            E::twilio("https://ѕсоре.ru/"),   // a Cyrillic home suffix
            E::twilio("https://ελληνικά.gr/"),
            E::twilio("https://ουτλοοκ.gr/"), // Greek under .gr
            E::twilio("https://münchen.de/"),
            E::builtin("раураӏ.com"), // the skeleton is PayPal's: homoglyph's
        ],
    }
};

/// Letters Chromium's whole-script-confusable check counts as looking
/// Latin (`idn_spoof_checker.cc`, lower case as IDNA leaves them), with
/// how each reads. Letters whose UTS #39 skeleton is a Latin letter count
/// too (see [`reading`]).
pub const LATIN_LOOKALIKES: &[(char, &str)] = &[
    // Cyrillic
    ('а', "a"),
    ('ы', "bl"),
    ('с', "c"),
    ('ԁ', "d"),
    ('е', "e"),
    ('ԍ', "g"),
    ('һ', "h"),
    ('і', "i"),
    ('ю', "io"),
    ('ј', "j"),
    ('ӏ', "l"),
    ('о', "o"),
    ('р', "p"),
    ('ԛ', "q"),
    ('ѕ', "s"),
    ('ԝ', "w"),
    ('х', "x"),
    ('у', "y"),
    ('ъ', "b"),
    ('ь', "b"),
    ('ҽ', "e"),
    ('п', "n"),
    ('г', "r"),
    ('ѵ', "v"),
    ('ѡ', "w"),
    // Greek
    ('α', "a"),
    ('ι', "i"),
    ('κ', "k"),
    ('ν', "v"),
    ('ρ', "p"),
    ('υ', "u"),
    ('ω', "w"),
    ('η', "n"),
    ('ο', "o"),
    ('τ', "t"),
    // Armenian
    ('ա', "w"),
    ('գ', "q"),
    ('զ', "q"),
    ('լ', "l"),
    ('հ', "h"),
    ('յ', "j"),
    ('ո', "n"),
    ('ս', "u"),
    ('օ', "o"),
    ('ց', "g"),
];

/// Cyrillic letters shaped like Latin small capitals (`т`, `м`, `к`, `н`,
/// `в`), as lookalike generators use them (dnstwist): too common in honest
/// Russian names for Chromium's list, so they count only when the whole
/// name then reads as a brand's (`окта` → "okta", `ьт` → "bt").
const SMALL_CAPITALS: &[(char, &str)] =
    &[('т', "t"), ('м', "m"), ('к', "k"), ('н', "h"), ('в', "b")];

/// Top-level domains of the countries that write in the script (ASCII):
/// a name in that script there is expected. A top-level domain written in
/// the script itself (`.рф`, `.онлайн`, `.ελ`) counts too.
fn home_suffixes(script: Script) -> &'static [&'static str] {
    match script {
        Script::Cyrillic => &[
            "bg", "by", "kg", "kz", "mk", "mn", "pyc", "rs", "ru", "su", "tj", "ua", "uz",
        ],
        Script::Greek => &["gr", "cy"],
        Script::Armenian => &["am"],
        _ => &[],
    }
}

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if !host.non_ascii || subject.listed || host.registrable.is_none() {
        return;
    }
    let finding = |severity,
                   part: Option<&str>,
                   script: Script,
                   reads_as: String,
                   brand: Option<(BrandRef, String)>| Finding {
        rule: RULE.id,
        severity,
        brand: brand.as_ref().map(|(b, _)| b.clone()),
        evidence: Evidence::WholeScript {
            site: if part.is_some() {
                host.display().to_owned()
            } else {
                host.display_registrable().to_owned()
            },
            part: part.map(str::to_owned),
            script: script.full_name(),
            reads_as,
            ascii: host.ascii.clone(),
            imitates: brand,
        },
    };
    let plain = whole_script_reading(&host.label, host);
    // Against a brand's name, small-capital look-alikes count too (`окта`).
    if let Some((script, reads_as)) = plain
        .clone()
        .or_else(|| reading_with(&host.label, host, true))
    {
        let folded = comparison_form(&reads_as);
        for (bi, brand) in policy.brands.iter().enumerate() {
            for kw in brand.keywords.iter().filter(|k| !k.needs_lure()) {
                let len = kw.text.chars().count();
                let reads_like = (kw.folded == folded
                    && (len >= 4 || super::names::under_own_suffix(host, brand, kw)))
                    || (len >= 5 && super::typosquat::near(&folded, &kw.folded));
                if !reads_like {
                    continue;
                }
                // The skeleton already reads as the brand: `homoglyph` says so.
                if host.label_folded == kw.folded
                    || (len >= 4 && super::typosquat::near(&host.label_folded, &kw.folded))
                {
                    return;
                }
                let Some(bref) = policy.brand_ref(bi) else {
                    return;
                };
                let target = brand.main_domain().unwrap_or(&kw.text).to_owned();
                out.push(finding(
                    Severity::Dangerous,
                    None,
                    script,
                    reads_as,
                    Some((bref, target)),
                ));
                return;
            }
        }
    }
    if let Some((script, reads_as)) = plain {
        out.push(finding(Severity::Suspicious, None, script, reads_as, None));
        return;
    }
    for part in host.subdomain.split('.') {
        if let Some((script, reads_as)) = whole_script_reading(part, host) {
            out.push(finding(
                Severity::Suspicious,
                Some(part),
                script,
                reads_as,
                None,
            ));
            return;
        }
    }
}

/// The Latin reading of one label of `host` made only of letters of one of
/// the scripts that look Latin, each a look-alike ([`reading`]), with
/// digits and hyphens, when the host's top-level domain is not that
/// script's ([`home_suffixes`]).
pub(crate) fn whole_script_reading(label: &str, host: &HostFacts) -> Option<(Script, String)> {
    reading_with(label, host, false)
}

/// [`whole_script_reading`], with [`SMALL_CAPITALS`] counted as look-alikes
/// too when `small_capitals`.
fn reading_with(label: &str, host: &HostFacts, small_capitals: bool) -> Option<(Script, String)> {
    let mut script = None;
    let mut reads_as = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_digit() || c == '-' {
            reads_as.push(c);
            continue;
        }
        let s = c.script();
        if !matches!(s, Script::Cyrillic | Script::Greek | Script::Armenian)
            || script.is_some_and(|x| x != s)
        {
            return None;
        }
        script = Some(s);
        let small = small_capitals
            .then(|| SMALL_CAPITALS.iter().find(|(l, _)| *l == c))
            .flatten()
            .map(|(_, r)| (*r).to_owned());
        reads_as.push_str(&small.or_else(|| reading(c))?);
    }
    let script = script?;
    if at_home(host, script) {
        return None;
    }
    Some((script, reads_as))
}

/// The host's top-level domain is one of `script`'s home suffixes
/// ([`home_suffixes`]) or is written in `script` (`.рф`).
pub(crate) fn at_home(host: &HostFacts, script: Script) -> bool {
    let tld = host.ascii.rsplit('.').next().unwrap_or("");
    let tld_unicode = crate::host::to_unicode(tld);
    home_suffixes(script).contains(&tld) || tld_unicode.chars().any(|c| c.script() == script)
}

/// How a Cyrillic, Greek or Armenian letter reads in Latin letters, if it
/// looks like one: from [`LATIN_LOOKALIKES`], else its UTS #39 skeleton
/// when that is Latin letters.
fn reading(c: char) -> Option<String> {
    if let Some((_, r)) = LATIN_LOOKALIKES.iter().find(|(l, _)| *l == c) {
        return Some((*r).to_owned());
    }
    let mut buf = [0u8; 4];
    let skeleton: String = unicode_security::skeleton(c.encode_utf8(&mut buf))
        .flat_map(char::to_lowercase)
        .collect();
    (!skeleton.is_empty() && skeleton.bytes().all(|b| b.is_ascii_lowercase())).then_some(skeleton)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{builtin, run, twilio};
    use expect_test::expect;

    #[test]
    fn whole_script_names_that_read_as_a_brand() {
        // Their skeletons, with the extra confusables, are the brand's name:
        // `homoglyph` names the brand, and this rule does not say it twice.
        let p = twilio();
        for (text, brand) in [
            ("https://ѕепԁԍгіԁ.com/", "SendGrid"),
            ("https://τωιιο.com/", "Twilio"),
        ] {
            assert_eq!(run(&RULE, &p, text), "", "{text}");
            let a = crate::analysis::analyze(text, &p);
            let l = a.links.first();
            assert_eq!(a.verdict, crate::Verdict::Dangerous, "{text}");
            assert_eq!(
                l.and_then(|l| l.brand.as_ref()).map(|b| b.name()),
                Some(brand),
                "{text}"
            );
        }
    }

    #[test]
    fn small_capitals_count_against_a_brand_s_name() {
        // One small capital (`тԝіӏіо`) is one letter from the skeleton's
        // reading, which `homoglyph` judges, as it does `ьт.com` for BT.
        expect![""].assert_eq(&run(&RULE, &twilio(), "https://тԝіӏіо.com/"));
        let bt =
            crate::Policy::from_toml("[[brand]]\nname = \"BT\"\ndomains = [\"bt.com\"]\n", "bt")
                .unwrap();
        let a = crate::analysis::analyze("https://ьт.com/", &bt);
        assert_eq!(a.verdict, crate::Verdict::Dangerous);
    }

    #[test]
    fn whole_script_names_without_a_brand() {
        let p = twilio();
        expect!["suspicious -: раураӏ.com is written in Cyrillic letters chosen to look like Latin ones: it reads as “paypal”. Browsers show such an address in its coded form (xn--80aa0cbo65f.com)."]
            .assert_eq(&run(&RULE, &p, "раураӏ.com"));
        expect!["suspicious -: ѕепԁԍгіԁ.example.com is written in Cyrillic letters chosen to look like Latin ones: “ѕепԁԍгіԁ” reads as “sendgrid”. Browsers show such an address in its coded form (xn--c1ad4a0fi83hca7g.example.com)."]
            .assert_eq(&run(&RULE, &p, "https://ѕепԁԍгіԁ.example.com/"));
        // The skeleton already reads as PayPal: homoglyph's finding, not this one.
        expect![""].assert_eq(&run(&RULE, &builtin(), "раураӏ.com"));
        // Small capitals count only against a brand's name.
        expect![""].assert_eq(&run(&RULE, &p, "https://окта.com/"));
        expect![""].assert_eq(&run(&RULE, &p, "https://комета.com/"));
    }

    #[test]
    fn home_suffixes_and_letters_without_a_latin_twin_are_left_alone() {
        let p = twilio();
        for ok in [
            "https://ѕсоре.ru/",
            "https://ѕсоре.онлайн/",
            "https://яндекс.com/",
            "https://ουτλοοκ.gr/",
            "https://օօ.am/",
            "https://ѕс-о.tj/",
        ] {
            assert_eq!(run(&RULE, &p, ok), "", "{ok}");
        }
        let h = HostFacts::domain("xn--c1ad4a0fi83hca7g.com");
        assert_eq!(
            whole_script_reading(&h.label, &h),
            Some((Script::Cyrillic, "sendgrid".to_owned()))
        );
    }

    #[test]
    fn every_listed_letter_is_of_a_lookalike_script_and_reads_as_latin() {
        for (c, r) in LATIN_LOOKALIKES {
            assert!(
                matches!(
                    c.script(),
                    Script::Cyrillic | Script::Greek | Script::Armenian
                ),
                "{c}"
            );
            assert!(
                !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase()),
                "{c}"
            );
            // What IDNA leaves in a host: lower case, as listed.
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c}");
        }
    }
}
