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
//! - The same combining mark twice on one letter (shown once).
//! - A character IDNA keeps but that shows as blank space (`twi⠀lio.com`,
//!   the Braille blank U+2800).
//! - A letter, mark, digit or punctuation character UTS #39 does not allow
//!   in identifiers: IPA and small-capital letters (`ɡoogle.com`,
//!   `ᴛwilio.com`), `ĸ`, letters of scripts no longer in use (Cherokee),
//!   punctuation a phone takes into the name (`¡twilio.com`). Chromium
//!   shows these in coded form.
//! - A Chinese or Japanese character that looks like a slash, hyphen, dot
//!   or `o` (`ノ`, `一`, `ー`, `〇`) beside a Latin letter or digit.
//! - A sub-name (left of the registrable name) that mixes Latin with
//!   another script, or Cyrillic, Greek and Armenian with each other
//!   (`аpple.example.com`). The registrable name itself is `homoglyph`'s,
//!   and a name wholly in look-alike letters `whole-script`'s.
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
    detects: "international names browsers refuse to show as written: deviation characters (ß, ς), stacked or doubled marks, blank-looking or disallowed characters (ɡ, ᴛ, ¡), CJK look-alikes of / and -, mixed scripts in a sub-name",
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
            E::twilio("https://\u{0261}oogle.com/").at(Suspicious), // IPA script g, no Google here
            E::twilio("https://twi\u{2800}lio-help.com/").at(Suspicious), // Braille blank
            E::twilio("https://example\u{4E00}login.com/").at(Suspicious), // 一 as a hyphen
        ],
        not_flagged: &[
            E::twilio("https://münchen.de/"),
            E::twilio("https://日本語.jp/"),
            E::twilio("https://テスト.example.com/"),
            E::twilio("https://हिंदी.भारत/"),
            E::twilio("hindi-हिंदी.in"), // Devanagari marks on Devanagari letters
            E::twilio("https://twilio-okta.com/"), // any ASCII host
            E::twilio("https://café.fr/"),
            E::twilio("https://l·l.cat/"), // the Catalan middle dot is allowed
            E::twilio("https://テスト・ブログ.jp/"),
            E::twilio("https://ᓀᐦᐃᔭᐍᐏᐣ.ca/"), // Canadian syllabics, which Chromium allows
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
    let mut prev_mark: Option<char> = None;
    for c in host.unicode.chars() {
        if is_combining_mark(c)
            && let Some(base) = prev
        {
            if matches!(
                base.script(),
                Script::Latin | Script::Cyrillic | Script::Greek
            ) {
                out.push(finding(IdnTrick::StackedMark(base, c)));
                return;
            }
            // The same mark twice shows as one (Chromium refuses it).
            if prev_mark == Some(c) {
                out.push(finding(IdnTrick::DoubledMark(base, c)));
                return;
            }
        }
        if is_combining_mark(c) {
            prev_mark = Some(c);
        } else {
            prev = Some(c);
            prev_mark = None;
        }
    }
    if let Some(c) = host.unicode.chars().find(|c| INVISIBLE.contains(c)) {
        out.push(finding(IdnTrick::Invisible(c)));
        return;
    }
    // A part that mixes scripts or is wholly in look-alike letters is
    // flagged as such (`homoglyph`, `whole-script`, below): its letters are
    // not named again.
    let explained = |label: &str| {
        super::homoglyph::mixed_scripts_in(label).is_some()
            || super::whole_script::whole_script_reading(label, host).is_some()
    };
    let disallowed_char = host
        .unicode
        .split('.')
        .filter(|l| !explained(l))
        .find_map(|l| l.chars().find(|c| disallowed(*c)));
    if let Some(c) = disallowed_char {
        out.push(finding(IdnTrick::Disallowed(c)));
        return;
    }
    for label in host.unicode.split('.') {
        if let Some((c, reads_as)) = cjk_lookalike_beside_latin(label) {
            out.push(finding(IdnTrick::CjkLookalike(c, reads_as)));
            return;
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

/// Characters that IDNA keeps in a name but that show as blank space
/// (the Braille blank, Hangul and Khitan fillers, Khmer inherent vowels).
/// Those IDNA removes (zero-width characters, variation selectors) leave
/// the name as read, and are `deceptive-url`'s when the text hid them.
const INVISIBLE: &[char] = &[
    '\u{2800}',
    '\u{115F}',
    '\u{1160}',
    '\u{3164}',
    '\u{FFA0}',
    '\u{17B4}',
    '\u{17B5}',
    '\u{16FE4}',
    '\u{1D159}',
];

/// A letter, mark, digit or punctuation character outside what UTS #39
/// allows in identifiers (`Identifier_Status=Allowed`), which Chromium
/// shows in coded form: IPA and small-capital letters (`ɡ`, `ᴛ`), `ĸ`,
/// letters of scripts no longer in use, punctuation (`¡`, `«`). The
/// scripts Chromium allows besides (Canadian syllabics, Miao, Mongolian,
/// Tifinagh, Yi) are left alone, and so are symbols and emoji (see
/// `text::glued` and `deceptive-url`).
fn disallowed(c: char) -> bool {
    use unicode_security::GeneralSecurityProfile;
    if c.is_ascii() || c.identifier_allowed() || INVISIBLE.contains(&c) {
        return false;
    }
    if matches!(
        c.script(),
        Script::Canadian_Aboriginal
            | Script::Miao
            | Script::Mongolian
            | Script::Tifinagh
            | Script::Yi
    ) {
        return false;
    }
    // Symbols (emoji, ™ and the like) and emoji skin tones are judged
    // where they are glued in.
    !crate::text::is_other_symbol(c) && !('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Chinese and Japanese characters that look like a slash, a hyphen, a dot
/// or an `o` (Chromium's list), written beside a Latin letter or digit.
fn cjk_lookalike_beside_latin(label: &str) -> Option<(char, &'static str)> {
    const LOOKALIKES: &[(char, &str)] = &[
        ('\u{30CE}', "/"),  // ノ
        ('\u{30BD}', "/"),  // ソ
        ('\u{30BE}', "/"),  // ゾ
        ('\u{30F3}', "/"),  // ン
        ('\u{4E3F}', "/"),  // 丿
        ('\u{4E40}', "\\"), // 乀
        ('\u{4E41}', "\\"), // 乁
        ('\u{4E36}', "."),  // 丶
        ('\u{4E00}', "-"),  // 一
        ('\u{30FC}', "-"),  // ー
        ('\u{3127}', "-"),  // ㄧ
        ('\u{3007}', "o"),  // 〇
    ];
    let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let chars: Vec<char> = label.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let Some((_, reads_as)) = LOOKALIKES.iter().find(|(l, _)| l == c) else {
            continue;
        };
        let before = i.checked_sub(1).and_then(|j| chars.get(j));
        if latin(before) || latin(chars.get(i + 1)) {
            return Some((*c, reads_as));
        }
    }
    None
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
    fn disallowed_and_blank_characters() {
        let p = twilio();
        expect!["suspicious -: ɡoogle.com contains “ɡ” (U+0261), a character browsers do not allow in an address they show, because it can pass for another one. Browsers show such an address in its coded form (xn--oogle-qmc.com)."].assert_eq(&run(&RULE, &p, "https://\u{0261}oogle.com/"));
        expect!["suspicious -: ¡twilio.com contains “¡” (U+00A1), a character browsers do not allow in an address they show, because it can pass for another one. Browsers show such an address in its coded form (xn--twilio-vga.com)."].assert_eq(&run(&RULE, &p, "¡twilio.com"));
        expect!["suspicious -: twi⠀lio-help.com contains a character that shows as blank space (U+2800), so it can look like another name. Browsers show such an address in its coded form (xn--twilio-help-cc3h.com)."].assert_eq(&run(&RULE, &p, "https://twi\u{2800}lio-help.com/"));
    }

    #[test]
    fn doubled_marks_and_cjk_lookalikes() {
        let p = twilio();
        expect!["suspicious -: بّّ.com puts the same mark twice on the letter “ب” (“بّّ”), which shows as once, so it can look like another name. Browsers show such an address in its coded form (xn--ngb6fa.com)."].assert_eq(&run(&RULE, &p, "https://\u{0628}\u{0651}\u{0651}.com/"));
        expect!["suspicious -: example一login.com puts “一”, a Chinese or Japanese character that looks like “-”, beside Latin letters, so it can look like another name. Browsers show such an address in its coded form (xn--examplelogin-mt4s.com)."].assert_eq(&run(&RULE, &p, "https://example\u{4E00}login.com/"));
        expect![""].assert_eq(&run(&RULE, &p, "https://一二三.jp/"));
    }

    #[test]
    fn mixed_scripts_in_a_sub_name() {
        expect!["suspicious -: login.аpple.example.com mixes Cyrillic and Latin letters in one part of its name (“аpple”), a trick to look like another name. Browsers show such an address in its coded form (login.xn--pple-43d.example.com)."].assert_eq(&run(&RULE, &twilio(), "https://login.\u{0430}pple.example.com/"));
    }
}
