//! `homoglyph`: a name that looks like a brand's but is spelled with other
//! characters, and names that mix scripts or are written wholly in look-alike
//! letters.
//!
//! ## What it flags
//! - The UTS #39 skeleton of the name, lower-cased and with `0`/`o`, `1`/`l`,
//!   `rn`/`m` folded, equals a brand keyword's, although the text differs:
//!   `tw1lio.com`, `tẁilio.com`, `xn--tilio-…`, Cyrillic `twіlio.com` →
//!   `dangerous`.
//! - A name with accented or foreign letters one edit away from a brand
//!   (`seŋdgṛid.com`) → `dangerous`.
//! - Without a brand: Latin mixed with another script in one name, beyond
//!   what Chromium's restriction level allows (Latin with Han and kana,
//!   Han and Bopomofo, or Han and Hangul) → `suspicious`. A name written
//!   entirely in look-alike Cyrillic, Greek or Armenian letters is
//!   `whole-script`'s.
//!
//! ## Why it matters
//! A browser may show these exactly like the real name.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use unicode_script::Script;

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::Evidence;
use crate::host::{HostFacts, script_names};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "homoglyph",
    detects: "a name that looks like a brand's but uses other characters (tw1lio.com, tẁilio.com), or mixes scripts",
    severity: "dangerous when a brand is imitated, else suspicious",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Dangerous, Suspicious};
    super::Examples {
        flagged: &[
            E::twilio("tw1lio.com").at(Dangerous),
            E::twilio("https://tẁilio.com").at(Dangerous),
            E::twilio("https://xn--tilio-1v1b.com").at(Dangerous),
            E::twilio("tw\u{0456}lio.com").at(Dangerous),
            E::twilio("seŋdgṛid.com").at(Dangerous),
            E::twilio("ex\u{0430}mple.com").at(Suspicious),
            E::twilio("https://한국テスト.com/").at(Suspicious), // Hangul with kana: no one writes so
            E::builtin("раураӏ.com").at(Dangerous),
            E::twilio("https://ѕепԁԍгіԁ.com/").at(Dangerous), // whole-script Cyrillic
            E::twilio("https://τωιιο.com/").at(Dangerous),    // whole-script Greek
            E::twilio_with(SHORT_BRANDS, "ьт.com").at(Dangerous), // whole-script Cyrillic
            E::twilio_with(SHORT_BRANDS, "ᴍailchimp.com").at(Dangerous), // a small capital
            E::twilio_with(SHORT_BRANDS, "3ň.com").at(Dangerous), // a short name, accented
            E::twilio_with(GROUPS, "maerslc.com").at(Dangerous), // “lc” side by side reads “k”
            E::twilio_with(GROUPS, "llbbc.co.uk").at(Dangerous), // “llb” reads “b”, under BBC's suffix
            E::twilio_with(GROUPS, "shc11.com").at(Dangerous),   // “c1” read one by one, not as “d”
        ],
        not_flagged: &[
            E::twilio("twilio.com"),
            E::twilio("münchen.de"),              // one script, no brand
            E::twilio("https://пример.рф"),       // Cyrillic on a Cyrillic home suffix
            E::twilio("https://テスト-blog.jp/"), // Latin with kana, as Japanese is written
            E::twilio("twilio.net"),
            E::twilio("example.com"),
            E::twilio_with(SHORT_BRANDS, "3ň.net"), // not a suffix 3M owns its name under
            E::twilio_with(SHORT_BRANDS, "жк.com"), // letters that look like no Latin ones
            E::twilio_with(GROUPS, "lbbc.com"), // a short name's groups only under its own suffix
            E::twilio_with(GROUPS, "naerslc.com"), // a group and a wrong letter: long names only
            E::twilio_with(GROUPS, "shelf.com"),
        ],
    }
};

/// Names written with letter groups, for the examples above.
const GROUPS: &str = "[[brand]]\nname = \"Maersk\"\ndomains = [\"maersk.com\"]\n\n[[brand]]\nname = \"BBC\"\ndomains = [\"bbc.co.uk\"]\n\n[[brand]]\nname = \"Shell\"\ndomains = [\"shell.com\"]\n\n[[brand]]\nname = \"Kaiser Permanente\"\ndomains = [\"kaiserpermanente.org\"]\n";

/// Short brands for the examples above.
const SHORT_BRANDS: &str = "[[brand]]\nname = \"BT\"\ndomains = [\"bt.com\"]\n\n[[brand]]\nname = \"3M\"\ndomains = [\"3m.com\"]\n\n[[brand]]\nname = \"Mailchimp\"\ndomains = [\"mailchimp.com\"]\n";

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if host.registrable.is_none() || subject.listed {
        return;
    }
    let label = host.label.as_str();
    let folded = host.label_folded.as_str();
    // The label's letters, read once for every name compared.
    let mut letters = Letters::default();
    for (bi, brand) in policy.brands.iter().enumerate() {
        for kw in brand.keywords.iter().filter(|k| !k.needs_lure()) {
            // Three-letter names (`dpd`, `bpd`) collide by chance.
            // Three-letter names and shorter: only under the brand's own suffix.
            let same_look = folded == kw.folded
                && (host.non_ascii
                    && (kw.text.chars().count() >= 4 || !whole_script_at_home(host))
                    || kw.text.chars().count() >= 4
                    || super::names::under_own_suffix(host, brand, kw))
                && label != kw.text
                && !super::typosquat::is_transposition(label, &kw.text);
            let accented_near = host.non_ascii
                && kw.text.chars().count() >= 4
                && super::typosquat::near(folded, &kw.folded);
            if !(same_look || accented_near || short_accented(host, brand, kw)) {
                if let Some(groups) = letter_groups(host, brand, kw, &mut letters)
                    && let Some(bref) = policy.brand_ref(bi)
                {
                    out.push(Finding {
                        rule: RULE.id,
                        severity: Severity::Dangerous,
                        brand: Some(bref.clone()),
                        evidence: Evidence::LetterGroups {
                            site: host.display_registrable().to_owned(),
                            brand: bref,
                            target: brand.main_domain().unwrap_or(&kw.text).to_owned(),
                            groups,
                        },
                    });
                    return;
                }
                continue;
            }
            let Some(bref) = policy.brand_ref(bi) else {
                return;
            };
            out.push(Finding {
                rule: RULE.id,
                severity: Severity::Dangerous,
                brand: Some(bref.clone()),
                evidence: Evidence::LookAlike {
                    site: host.display_registrable().to_owned(),
                    brand: bref,
                    target: brand.main_domain().unwrap_or(&kw.text).to_owned(),
                    differences: differences(label, &kw.text),
                    mixed: mixed_scripts(host).filter(|_| host.non_ascii),
                },
            });
            return;
        }
    }
    if !host.non_ascii {
        return;
    }
    if let Some(mix) = mixed_scripts(host) {
        out.push(Finding {
            rule: RULE.id,
            severity: Severity::Suspicious,
            brand: None,
            evidence: Evidence::MixedScripts {
                site: host.display_registrable().to_owned(),
                mix,
            },
        });
    }
}

/// A name of two or three characters written with foreign letters where
/// the name has others (`3ň.com`, `aňd.com` for `3m`, `amd`), one edit
/// apart once folded, under a suffix the brand owns the name under: every
/// character that differs is a non-ASCII one, so no plain short name
/// (`3n.com`, `and.com`) is taken for the brand.
fn short_accented(
    host: &HostFacts,
    brand: &crate::policy::Brand,
    kw: &crate::policy::Keyword,
) -> bool {
    let n = kw.text.chars().count();
    host.non_ascii
        && (2..=3).contains(&n)
        && host.label.chars().count() == n
        && host
            .label
            .chars()
            .zip(kw.text.chars())
            .all(|(a, b)| a == b || !a.is_ascii())
        && super::typosquat::near(&host.label_folded, &kw.folded)
        && super::names::under_own_suffix(host, brand, kw)
}

/// The name written with dnstwist's multi-letter look-alikes, letters
/// that read as one other letter side by side (`maerslc` for `maersk`,
/// `lcaiser` for `kaiser`, `llbbc` for `bbc`; and the reverse, `k` where
/// the name has `lc`), or with look-alike letters the fold's pairs misread
/// (`shc11` for `shell`: `c1` side by side is a `d`): the whole name,
/// letter for letter as a reader takes it in
/// ([`crate::host::letter_units`]). A long name ([`LONG_NAME`]) may have
/// one other letter wrong beside a group. Names of four letters or more,
/// shorter ones under a suffix the brand owns the name under. Returns
/// where the writing differs.
fn letter_groups(
    host: &HostFacts,
    brand: &crate::policy::Brand,
    kw: &crate::policy::Keyword,
    letters: &mut Letters,
) -> Option<Vec<(String, String)>> {
    if host.label == kw.text
        || host.label.len() > super::names::MAX_LABEL
        || !(kw.text.chars().count() >= 4 || super::names::under_own_suffix(host, brand, kw))
    {
        return None;
    }
    let long = kw.text.chars().count() >= LONG_NAME;
    // Side by side first (`maerslc`), then one by one (`shc11`, where `c1`
    // side by side would be a `d`).
    [true, false].into_iter().find_map(|merge| {
        let name = kw.letters.get(usize::from(!merge))?;
        // One by one, an ASCII label has a unit per character (its
        // comparison base is the label lower-cased): a label of another
        // length cannot match, and its units need not be read.
        if !merge && host.label.is_ascii() && host.label.len() != name.len() {
            return None;
        }
        let written = letters.of(&host.label, merge);
        if written.len() != name.len() {
            return None;
        }
        let grouped = written
            .iter()
            .zip(name)
            .any(|(a, b)| a.written.chars().count() != b.written.chars().count());
        // A long name may also have one other letter typed wrong
        // (`lcaiserpermamente`), when a group is there too.
        let wrong = written
            .iter()
            .zip(name)
            .filter(|(a, b)| a.class != b.class)
            .count();
        // Only as typed: in a name with foreign letters the skeleton's
        // letters would be shown (`π` for `п`).
        if !(wrong == 0 || wrong == 1 && long && grouped && !host.non_ascii) {
            return None;
        }
        let mut differ: Vec<(String, String)> = written
            .iter()
            .zip(name)
            .filter(|(a, b)| a.written != b.written)
            .map(|(a, b)| (a.written.to_string(), b.written.to_string()))
            .collect();
        differ.dedup();
        differ.truncate(3);
        (!differ.is_empty()).then_some(differ)
    })
}

/// Names at least this long may have one letter typed wrong besides the
/// letters written in groups.
const LONG_NAME: usize = 8;

/// A label's [`crate::host::letter_units`] (of its
/// [`crate::host::confusable_base`] form), side by side and one by one,
/// each read the first time a name is compared with it.
#[derive(Default)]
struct Letters {
    side_by_side: Option<Vec<crate::host::LetterUnit>>,
    one_by_one: Option<Vec<crate::host::LetterUnit>>,
}

impl Letters {
    fn of(&mut self, label: &str, side_by_side: bool) -> &[crate::host::LetterUnit] {
        let slot = if side_by_side {
            &mut self.side_by_side
        } else {
            &mut self.one_by_one
        };
        slot.get_or_insert_with(|| {
            crate::host::letter_units(&crate::host::confusable_base(label), side_by_side)
        })
    }
}

/// Up to three characters written instead of the name's own (“ẁ” instead
/// of “w”) when the two names have the same length.
fn differences(written: &str, keyword: &str) -> Vec<(char, char)> {
    let w: Vec<char> = written.chars().collect();
    let k: Vec<char> = keyword.chars().collect();
    if w.len() != k.len() {
        return Vec::new();
    }
    w.iter()
        .zip(&k)
        .filter(|(a, b)| a != b)
        .take(3)
        .map(|(a, b)| (*a, *b))
        .collect()
}

/// "Latin and Cyrillic" when the registrable name mixes Latin with a script
/// other than the East Asian ones it is commonly written with.
fn mixed_scripts(host: &HostFacts) -> Option<String> {
    mixed_scripts_in(&host.label)
}

/// [`mixed_scripts`] for any one label (also `idn-spoof`'s check of
/// sub-names): beyond what Chromium's "highly restrictive" level allows.
pub(crate) fn mixed_scripts_in(label: &str) -> Option<String> {
    use unicode_script::UnicodeScript;
    let mut scripts: Vec<Script> = label
        .chars()
        .map(|c| c.script())
        .filter(|s| !matches!(s, Script::Common | Script::Inherited | Script::Unknown))
        .collect();
    scripts.sort_by_key(|s| s.full_name());
    scripts.dedup();
    // The combinations Chromium's restriction level allows with Latin: the
    // scripts Japanese, Chinese and Korean are written in, each set alone.
    let writing_systems: [&[Script]; 3] = [
        &[Script::Han, Script::Hiragana, Script::Katakana],
        &[Script::Han, Script::Bopomofo],
        &[Script::Han, Script::Hangul],
    ];
    if scripts.len() < 2
        || writing_systems.iter().any(|allowed| {
            scripts
                .iter()
                .all(|s| *s == Script::Latin || allowed.contains(s))
        })
    {
        return None;
    }
    let names = script_names(&scripts);
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => Some(format!("{} and {last}", rest.join(", "))),
        _ => None,
    }
}

/// The name is written wholly in one script under one of that script's
/// home suffixes (`вк.рф`): there a short name in it is ordinary.
fn whole_script_at_home(host: &HostFacts) -> bool {
    use unicode_script::UnicodeScript;
    let mut scripts = host
        .label
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.script());
    let Some(first) = scripts.next() else {
        return false;
    };
    scripts.all(|s| s == first) && super::whole_script::at_home(host, first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{builtin, run, twilio};
    use expect_test::expect;

    #[test]
    fn lookalike_characters() {
        let p = twilio();
        expect!["dangerous Twilio: tw1lio.com is not Twilio's: it imitates twilio.com with look-alike characters (“1” instead of “i”)."]
            .assert_eq(&run(&RULE, &p, "tw1lio.com"));
        expect!["dangerous Twilio: tẁilio.com is not Twilio's: it imitates twilio.com with look-alike characters (“ẁ” instead of “w”)."]
            .assert_eq(&run(&RULE, &p, "https://tẁilio.com"));
        expect!["dangerous Twilio: tẁilio.com is not Twilio's: it imitates twilio.com with look-alike characters (“ẁ” instead of “w”)."]
            .assert_eq(&run(&RULE, &p, "https://xn--tilio-1v1b.com"));
        expect!["dangerous Twilio: twіlio.com is not Twilio's: it imitates twilio.com with look-alike characters (“і” instead of “i”). It mixes Cyrillic and Latin letters."]
            .assert_eq(&run(&RULE, &p, "tw\u{0456}lio.com"));
        expect!["dangerous SendGrid: seŋdgṛid.com is not SendGrid's: it imitates sendgrid.com with look-alike characters (“ŋ” instead of “n”, “ṛ” instead of “r”)."]
            .assert_eq(&run(&RULE, &p, "seŋdgṛid.com"));
    }

    #[test]
    fn letters_that_read_as_one_side_by_side() {
        let p = crate::Policy::from_toml(GROUPS, "test").unwrap();
        expect!["dangerous Maersk: maerslc.com is not Maersk's: it imitates maersk.com with letters that read as others when side by side (“lc” instead of “k”)."]
            .assert_eq(&run(&RULE, &p, "maerslc.com"));
        expect!["dangerous BBC: llbbc.co.uk is not BBC's: it imitates bbc.co.uk with letters that read as others when side by side (“llb” instead of “b”)."]
            .assert_eq(&run(&RULE, &p, "llbbc.co.uk"));
        expect!["dangerous Shell: shc11.com is not Shell's: it imitates shell.com with letters that read as others when side by side (“c” instead of “e”, “1” instead of “l”)."]
            .assert_eq(&run(&RULE, &p, "shc11.com"));
        expect!["dangerous Kaiser Permanente: lcaiserpermamente.org is not Kaiser Permanente's: it imitates kaiserpermanente.org with letters that read as others when side by side (“lc” instead of “k”, “m” instead of “n”)."]
            .assert_eq(&run(&RULE, &p, "lcaiserpermamente.org"));
        expect!["dangerous Maersk: rnaers1c.com is not Maersk's: it imitates maersk.com with letters that read as others when side by side (“rn” instead of “m”, “1c” instead of “k”)."]
            .assert_eq(&run(&RULE, &p, "rnaers1c.com"));
        for not in [
            "lbbc.com",
            "naerslc.com",
            "maersk.com",
            "shelf.com",
            "welcome.com",
        ] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn letters_unicode_does_not_map_and_short_names() {
        let p = crate::Policy::from_toml(SHORT_BRANDS, "test").unwrap();
        expect!["dangerous BT: ьт.com is not BT's: it imitates bt.com with look-alike characters (“ь” instead of “b”, “т” instead of “t”)."]
            .assert_eq(&run(&RULE, &p, "ьт.com"));
        expect!["dangerous Mailchimp: ᴍailchimp.com is not Mailchimp's: it imitates mailchimp.com with look-alike characters (“ᴍ” instead of “m”)."].assert_eq(&run(&RULE, &p, "ᴍailchimp.com"));
        expect!["dangerous 3M: 3ň.com is not 3M's: it imitates 3m.com with look-alike characters (“ň” instead of “m”)."]
            .assert_eq(&run(&RULE, &p, "3ň.com"));
        for not in ["3ň.net", "3n.com", "bt.com", "ьт.рф"] {
            assert_eq!(run(&RULE, &p, not), "", "{not}");
        }
    }

    #[test]
    fn scripts_without_a_brand() {
        let p = twilio();
        // A whole name in look-alike letters is `whole-script`'s, not this rule's.
        expect![""].assert_eq(&run(&RULE, &p, "раураӏ.com"));
        expect!["suspicious -: 한국テスト.com mixes Hangul and Katakana letters in one name, a trick used to imitate familiar names."]
            .assert_eq(&run(&RULE, &p, "https://한국テスト.com/"));
        expect!["suspicious -: exаmple.com mixes Cyrillic and Latin letters in one name, a trick used to imitate familiar names."]
            .assert_eq(&run(&RULE, &p, "ex\u{0430}mple.com"));
        expect!["dangerous PayPal: раураӏ.com is not PayPal's: it imitates paypal.com with look-alike characters (“р” instead of “p”, “а” instead of “a”, “у” instead of “y”)."]
            .assert_eq(&run(&RULE, &builtin(), "раураӏ.com"));
    }
}
