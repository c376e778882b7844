//! `typosquat`: a name one small edit away from a brand's.
//!
//! ## What it flags
//! The registrable name differs from a brand keyword (five letters or more)
//! by one insertion, omission, substitution, transposition or repetition, or
//! by a hyphen: `twiilio.com`, `twlio.com`, `tqilio.com`, `twilo.com`,
//! `twi-lio.com`. Compared both as written and after folding look-alike
//! characters. `suspicious`.
//!
//! ## Why it matters
//! Misspellings survive a quick glance, on a phone more than anywhere.
//!
//! ## Not flagged
//! Exact-name or look-alike matches (other rules), names that are not near
//! a keyword, and Chromium's false-positive filters for keywords under six
//! letters and `widely_used` brands: an edit at the first letter
//! (`gmail`/`tmall`) or names that differ only in trailing digits. Typos
//! of names under five letters (and the filtered ones of five) count only
//! as typed, under a suffix the brand owns the name under (`ibn.com` for
//! IBM, `cuthy.com` for Authy), and never when the label is itself a known
//! word (`auth.com`, `hr.com`, `go.com`): Chromium matches no name that is
//! a popular site of its own, and offline the word lists stand for that.
//! Folded keywords of eight or more letters are also matched within two
//! look-alike edits.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::{Evidence, Misspelling};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "typosquat",
    detects: "a name one typing mistake away from a brand's (twiilio.com, twlio.com)",
    severity: "suspicious (info for widely used brands)",
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
            E::twilio("twiilio.com").at(Suspicious),
            E::twilio("twlio.com").at(Suspicious),
            E::twilio("tqilio.com").at(Suspicious),
            E::twilio("twiilo.com").at(Suspicious),
            E::twilio("twi-lio.com").at(Suspicious),
            E::twilio("5endgridd.com").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("twilio.com"),
            E::twilio("twilight.com"),
            E::twilio("tw1lio.com"),     // see homoglyph
            E::twilio("twilio-sso.com"), // see brand-combo
            E::twilio("example.com"),
            E::builtin("tmall.com"),  // a first-letter edit of gmail
            E::builtin("bchase.com"), // Chromium's filter for everyday-word brands: a first-letter edit
            E::twilio("auth.com"),    // under five letters: a typo only of a shorter name
        ],
    }
};

/// Keywords shorter than this are too short to compare by edits.
const MIN_KEYWORD: usize = 5;
/// Below this length an edit at the first letter is too often another real
/// name (`gmail`/`tmall`), as Chromium found.
const LONG_ENOUGH_FOR_FIRST_LETTER: usize = 6;
/// Folded keywords at least this long are compared within two edits.
const LONG_KEYWORD: usize = 8;

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let Some(host) = &link.host else { return };
    if host.registrable.is_none() || host.non_ascii || subject.listed {
        return;
    }
    let label = host.label.as_str();
    let folded = host.label_folded.as_str();
    let dehyphenated = label.contains('-').then(|| label.replace('-', ""));
    for (bi, brand) in policy.brands.iter().enumerate() {
        for kw in &brand.keywords {
            let n = kw.text.chars().count();
            // The whole name written with hyphens (`hewlett-packard-enterprise`,
            // `3-m`): under any suffix.
            if (kw.needs_lure() && kw.origin == crate::policy::Origin::NameWord || n < MIN_KEYWORD)
                && n >= 2
                && dehyphenated.as_deref() == Some(kw.text.as_str())
                && !kw.generic
            {
                if let Some(evidence) = misspelt(policy, host, bi, Misspelling::Hyphen) {
                    out.push(Finding {
                        rule: RULE.id,
                        severity: Severity::Suspicious,
                        brand: policy.brand_ref(bi),
                        evidence,
                    });
                }
                return;
            }
            // Derived names count only beside lure words (brand-combo).
            if kw.needs_lure() {
                continue;
            }
            if n < MIN_KEYWORD || label == kw.text || label.chars().count() < MIN_KEYWORD {
                if let Some(f) = short_typo(host, policy, brand, bi, kw) {
                    out.push(f);
                    return;
                }
                continue;
            }
            // Same look but not a swap of two letters: that is `homoglyph`'s.
            if folded == kw.folded && !is_transposition(label, &kw.text) {
                continue;
            }
            let dehyphenated = dehyphenated.as_deref() == Some(kw.text.as_str());
            let raw = near(label, &kw.text);
            // Long names survive two look-alike edits (`senelgrid`, `serdgridl`).
            // The fold must explain the difference: as written, the name is
            // at most three edits away and keeps its first letter (`tmall`
            // is not `hotmail`, `jobmail` not `hotmail`).
            let near_folded = (near(folded, &kw.folded)
                || (!brand.widely_used
                    && kw.folded.len() >= LONG_KEYWORD
                    && within_two(folded, &kw.folded)))
                && label.is_ascii()
                && osa_at_most(label, &kw.text, 3)
                && folded.chars().next() == kw.folded.chars().next();
            if !(dehyphenated || raw || near_folded) {
                continue;
            }
            if (brand.widely_used || n < LONG_ENOUGH_FOR_FIRST_LETTER)
                && chromium_false_positive(label, &kw.text)
            {
                if let Some(f) = short_typo(host, policy, brand, bi, kw) {
                    out.push(f);
                    return;
                }
                continue;
            }
            let how = if raw {
                Misspelling::OneLetter(describe_edit(label, &kw.text))
            } else if dehyphenated {
                Misspelling::Hyphen
            } else {
                Misspelling::LookAlike
            };
            let Some(evidence) = misspelt(policy, host, bi, how) else {
                return;
            };
            out.push(Finding {
                rule: RULE.id,
                // Near-misses of household names are too often other real
                // sites (Chromium keeps them as metrics only): a mention.
                severity: if brand.widely_used {
                    Severity::Info
                } else {
                    Severity::Suspicious
                },
                brand: policy.brand_ref(bi),
                evidence,
            });
            return;
        }
    }
}

/// Typos of names of two to five characters (`ibn`, `cusco`): one edit as
/// written, under a suffix the brand owns the name under (`ibn.com` for
/// `ibm.com`). Chromium skips such short names altogether, and its
/// first-letter filter exists because folded look-alikes of short names are
/// other real names (`gmail`/`tmall`); here only an edit as typed counts,
/// never one found after folding, so both hold. A label that is a known
/// word (`auth`, `hr`, `go`) is never such a typo.
fn short_typo(
    host: &crate::host::HostFacts,
    policy: &Policy,
    brand: &crate::policy::Brand,
    bi: usize,
    kw: &crate::policy::Keyword,
) -> Option<Finding> {
    let label = host.label.as_str();
    let n = kw.text.chars().count();
    // A known word is not a typo (`auth.com` is not Authy's, `hr.com` not
    // HP's, `go.com` not GE's): Chromium only matches names that are not
    // themselves popular sites; offline, the word lists stand for that.
    // The cheap tests (the edit, the suffix) come before the word lists:
    // every label of a feed meets a short name here (issue #16).
    if !(2..LONG_ENOUGH_FOR_FIRST_LETTER).contains(&n)
        || label == kw.text
        || (kw.generic && kw.origin != crate::policy::Origin::Name)
        || brand.widely_used
        || label.chars().count() < 2
    {
        return None;
    }
    let dehyphenated = label.contains('-') && label.replace('-', "") == kw.text;
    if !(near(label, &kw.text) || dehyphenated)
        || !super::names::under_own_suffix(host, brand, kw)
        || is_known_word(label, &kw.text)
    {
        return None;
    }
    let how = if dehyphenated {
        Misspelling::Hyphen
    } else {
        Misspelling::OneLetter(describe_edit(label, &kw.text))
    };
    Some(Finding {
        rule: RULE.id,
        severity: Severity::Suspicious,
        brand: policy.brand_ref(bi),
        evidence: misspelt(policy, host, bi, how)?,
    })
}

/// The label is an everyday word, a number or made of sign-in, lure and
/// filler words (`auth`, `hr`, `go`, `myid`, `35`), and not the name with
/// something added (`okta0`, `3my` stay typos).
fn is_known_word(label: &str, name: &str) -> bool {
    let digits = label.bytes().filter(u8::is_ascii_digit).count();
    let words = super::names::made_of_words(label, false)
        && (digits == 0 || digits == label.len())
        && !label.contains(name);
    super::names::is_everyday(label) || words
}

/// "{site} is not {brand's}: it {how}."
fn misspelt(
    policy: &Policy,
    host: &crate::host::HostFacts,
    bi: usize,
    how: Misspelling,
) -> Option<Evidence> {
    Some(Evidence::Misspelt {
        site: host.display_registrable().to_owned(),
        brand: policy.brand_ref(bi)?,
        how,
    })
}

/// Optimal-string-alignment distance of exactly one (one insertion,
/// omission, substitution or swap of neighbours), in linear time and
/// without allocating.
pub(crate) fn near(a: &str, b: &str) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    let (x, y): (Vec<char>, Vec<char>) = if a.is_ascii() && b.is_ascii() {
        return near_slices(a.as_bytes(), b.as_bytes());
    } else {
        (a.chars().collect(), b.chars().collect())
    };
    near_slices(&x, &y)
}

fn near_slices<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(p, q)| p == q).count();
    let (a, b) = (
        a.get(prefix..).unwrap_or(&[]),
        b.get(prefix..).unwrap_or(&[]),
    );
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Greater => a.get(1..) == Some(b),
        std::cmp::Ordering::Less => b.get(1..) == Some(a),
        std::cmp::Ordering::Equal => {
            a.get(1..) == b.get(1..)
                || (a.len() >= 2
                    && a.first() == b.get(1)
                    && a.get(1) == b.first()
                    && a.get(2..) == b.get(2..))
        }
    }
}

fn within_two(a: &str, b: &str) -> bool {
    a.len().abs_diff(b.len()) <= 2 && osa_at_most(a, b, 2)
}

/// Longest name [`osa_at_most`] compares on the stack.
const OSA_STACK: usize = 64;

/// `strsim::osa_distance(a, b) <= k`, the same computation on the bytes
/// of two ASCII names without allocating (issue #16: every label of a feed
/// meets the long names here), after the length test (every edit changes
/// the length by one character at most). Anything else asks strsim.
fn osa_at_most(a: &str, b: &str, k: usize) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii()) || y.len() > OSA_STACK || k >= OSA_STACK {
        return strsim::osa_distance(a, b) <= k;
    }
    if x.len().abs_diff(y.len()) > k {
        return false;
    }
    // Distances are capped at k + 1 (min and + of non-negative costs
    // commute with the cap, so "at most k" is decided exactly), which
    // keeps them in a byte: three rows of 65 bytes on the stack.
    let cap = (k + 1) as u8;
    let mut prev_two = [0u8; OSA_STACK + 1];
    let mut curr = [0u8; OSA_STACK + 1];
    for (j, v) in prev_two.iter_mut().enumerate().take(y.len() + 1) {
        *v = (j as u8).min(cap);
    }
    let mut prev = prev_two;
    let mut prev_min = 0u8;
    for (i, &ac) in x.iter().enumerate() {
        curr[0] = ((i + 1).min(usize::from(cap))) as u8;
        let mut row_min = curr[0];
        for (j, &bc) in y.iter().enumerate() {
            let cost = u8::from(ac != bc);
            let mut d = (curr[j] + 1).min(prev[j + 1] + 1).min(prev[j] + cost);
            if i > 0 && j > 0 && ac != bc && x[i - 1] == bc && y[j - 1] == ac {
                d = d.min(prev_two[j - 1] + 1);
            }
            let d = d.min(cap);
            curr[j + 1] = d;
            row_min = row_min.min(d);
        }
        // Two rows over the bound: every later row is over it too (a
        // cell reads the row above and, for a swap, the one above that).
        if row_min >= cap && prev_min >= cap {
            return false;
        }
        prev_min = row_min;
        std::mem::swap(&mut prev_two, &mut prev);
        std::mem::swap(&mut prev, &mut curr);
    }
    prev[y.len()] < cap
}

#[cfg(test)]
mod near_tests {
    use super::{near, osa_at_most};

    #[test]
    fn osa_at_most_is_strsims_distance() {
        let letters = [
            "", "a", "b", "ab", "ba", "tw", "il", "io", "wi", "li", "o", "-", "1",
        ];
        let mut words = Vec::new();
        for a in letters {
            for b in letters {
                for c in letters {
                    words.push(format!("{a}{b}{c}"));
                }
            }
        }
        words.extend(
            [
                "twilio", "sendgrid", "twiilio", "sendgird", "sengdrid", "authy", "é", "twílio",
            ]
            .map(String::from),
        );
        words.push("a".repeat(70));
        words.push("a".repeat(65));
        for a in &words {
            for b in words.iter().step_by(7) {
                let d = strsim::osa_distance(a, b);
                for k in 0..4 {
                    assert_eq!(osa_at_most(a, b, k), d <= k, "{a} {b} {k}");
                }
            }
        }
    }

    #[test]
    fn near_is_osa_distance_one() {
        for (a, b, d) in [
            ("twilio", "twiilio", true),
            ("twilio", "twlio", true),
            ("twilio", "tqilio", true),
            ("twilio", "twiilo", true),
            ("twilio", "twilio", false),
            ("twilio", "twllo", false),
            ("ab", "ba", true),
            ("abc", "cab", false),
            ("tẁilio", "twilio", true),
            ("", "a", true),
        ] {
            assert_eq!(near(a, b), d, "{a} {b}");
            assert_eq!(
                near(a, b),
                strsim::osa_distance(a, b) == 1,
                "{a} {b} agrees with strsim"
            );
        }
    }
}

/// `a` is `b` with two neighbouring characters swapped.
pub(crate) fn is_transposition(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a.get(i) != b.get(i)).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1
        && a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i))
}

/// Chromium's `IsLikelyEditDistanceFalsePositive`: first-letter edits and
/// names that differ only in trailing digits.
fn chromium_false_positive(label: &str, keyword: &str) -> bool {
    let first_differs = label.chars().next() != keyword.chars().next();
    let l = label.trim_end_matches(|c: char| c.is_ascii_digit());
    let k = keyword.trim_end_matches(|c: char| c.is_ascii_digit());
    first_differs || (l == k && l.len() != label.len())
}

/// Describe the single edit that turns `keyword` into `written`.
pub(crate) fn describe_edit(written: &str, keyword: &str) -> String {
    let w: Vec<char> = written.chars().collect();
    let k: Vec<char> = keyword.chars().collect();
    let first = w
        .iter()
        .zip(&k)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(k.len()));
    let at = |v: &[char], i: usize| v.get(i).copied().unwrap_or(' ');
    if w.len() == k.len() + 1 {
        format!("an extra “{}”", at(&w, first))
    } else if w.len() + 1 == k.len() {
        format!("a missing “{}”", at(&k, first))
    } else if at(&w, first) == at(&k, first + 1) && at(&w, first + 1) == at(&k, first) {
        format!("“{}{}” swapped", at(&k, first), at(&k, first + 1))
    } else {
        format!("“{}” instead of “{}”", at(&w, first), at(&k, first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    #[test]
    fn one_edit_away() {
        let p = twilio();
        expect!["suspicious Twilio: twiilio.com is not Twilio's: it misspells Twilio's name by one letter (an extra “i”)."]
            .assert_eq(&run(&RULE, &p, "twiilio.com"));
        expect!["suspicious Twilio: twlio.com is not Twilio's: it misspells Twilio's name by one letter (a missing “i”)."]
            .assert_eq(&run(&RULE, &p, "twlio.com"));
        expect!["suspicious Twilio: tqilio.com is not Twilio's: it misspells Twilio's name by one letter (“q” instead of “w”)."]
            .assert_eq(&run(&RULE, &p, "tqilio.com"));
        expect!["suspicious Twilio: twiilo.com is not Twilio's: it misspells Twilio's name by one letter (“li” swapped)."]
            .assert_eq(&run(&RULE, &p, "twiilo.com"));
        expect!["suspicious Twilio: twi-lio.com is not Twilio's: it misspells Twilio's name by one letter (an extra “-”)."]
            .assert_eq(&run(&RULE, &p, "twi-lio.com"));
        expect!["suspicious SendGrid: 5endgridd.com is not SendGrid's: it misspells SendGrid's name with look-alike characters."]
            .assert_eq(&run(&RULE, &p, "5endgridd.com"));
    }
}
