//! Facts about one host, computed once and shared by every rule.
//!
//! The registrable domain and public suffix come from the Public Suffix List
//! (crate `psl`, private section included: `twilio.github.io` is registrable
//! by anyone). Comparison forms come from the UTS #39 confusable skeleton
//! (crate `unicode-security`), lower-cased *after* the skeleton and folded
//! further by [`visual_fold`] so that `0`/`o`, `1`/`l`/`i`, `rn`/`m`, `vv`/`w`
//! compare equal.

use std::borrow::Cow;
use std::net::IpAddr;

use unicode_normalization::char::is_combining_mark;
use unicode_script::{Script, UnicodeScript};

/// Longest host name DNS allows; longer ones cannot be real.
pub const MAX_HOST_LEN: usize = 253;

/// What kind of host a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    /// A domain name.
    Domain,
    /// An IP address literal (any notation in the text; normalised here).
    Ip(IpAddr),
}

/// Everything the rules need to know about a host.
#[derive(Debug, Clone)]
pub struct HostFacts {
    /// ASCII (punycode) form, lower case, without a trailing dot.
    pub ascii: String,
    /// The form a person reads (Unicode labels decoded).
    pub unicode: String,
    /// Domain or IP literal.
    pub kind: HostKind,
    /// Registrable domain (eTLD+1), ASCII; `None` for IPs and bare suffixes.
    pub registrable: Option<String>,
    /// Registrable domain as a person reads it.
    pub registrable_unicode: Option<String>,
    /// Public suffix, ASCII (`com`, `co.uk`, `github.io`).
    pub suffix: Option<String>,
    /// The suffix is in the Public Suffix List (not just "the last label").
    pub suffix_known: bool,
    /// The suffix is from the list's private section (a hosting platform).
    pub suffix_private: bool,
    /// The registrable domain without its suffix (`twilio-okta`), Unicode,
    /// lower case (IDNA maps to lower case).
    pub label: String,
    /// [`comparison_form`] of `label`; empty for a name longer than DNS
    /// allows (it has no registrable domain, and only rules that need one
    /// compare the folded label).
    pub label_folded: String,
    /// The labels left of the registrable domain, Unicode, lower case (`login.twilio`).
    pub subdomain: String,
    /// Scripts used by letters of the host (Common and Inherited left out).
    pub scripts: Vec<Script>,
    /// The host contains characters outside ASCII once decoded.
    pub non_ascii: bool,
    /// The host was written with a trailing dot.
    pub trailing_dot: bool,
}

impl HostFacts {
    /// Build facts from a host as the `url` crate parsed it.
    pub fn from_url_host<S: AsRef<str>>(host: &url::Host<S>) -> HostFacts {
        match host {
            url::Host::Ipv4(ip) => HostFacts::ip(IpAddr::V4(*ip)),
            url::Host::Ipv6(ip) => HostFacts::ip(IpAddr::V6(*ip)),
            url::Host::Domain(d) => HostFacts::domain(d.as_ref()),
        }
    }

    fn ip(ip: IpAddr) -> HostFacts {
        HostFacts {
            ascii: ip.to_string(),
            unicode: ip.to_string(),
            kind: HostKind::Ip(ip),
            registrable: None,
            registrable_unicode: None,
            suffix: None,
            suffix_known: false,
            suffix_private: false,
            label: String::new(),
            label_folded: String::new(),
            subdomain: String::new(),
            scripts: Vec::new(),
            non_ascii: false,
            trailing_dot: false,
        }
    }

    /// Facts about an ASCII (already IDNA-processed) domain name.
    pub fn domain(ascii: &str) -> HostFacts {
        let trailing_dot = ascii.ends_with('.');
        let ascii = ascii.trim_end_matches('.').to_ascii_lowercase();
        // A name longer than DNS allows is shown as written: decoding every
        // label of a 1 MiB host is work nobody needs (and not linear).
        let unicode = if ascii.len() > MAX_HOST_LEN {
            ascii.clone()
        } else {
            to_unicode(&ascii)
        };
        let (registrable, suffix, suffix_known, suffix_private) = if ascii.len() > MAX_HOST_LEN {
            (None, None, false, false)
        } else {
            let domain = psl::domain(ascii.as_bytes());
            let suffix = match &domain {
                Some(d) => Some(d.suffix()),
                None => psl::suffix(ascii.as_bytes()),
            };
            let suffix_str = suffix.and_then(|s| std::str::from_utf8(s.as_bytes()).ok());
            (
                domain
                    .and_then(|d| std::str::from_utf8(d.as_bytes()).ok())
                    .map(str::to_owned),
                suffix_str.map(str::to_owned),
                suffix.is_some_and(|s| s.is_known()),
                suffix.is_some_and(|s| s.typ() == Some(psl::Type::Private)),
            )
        };
        let registrable_unicode = registrable.as_deref().map(to_unicode);
        let (label, subdomain) = match (&registrable, &suffix) {
            (Some(reg), Some(suf)) => {
                let label_ascii = reg
                    .strip_suffix(suf.as_str())
                    .map(|l| l.trim_end_matches('.'))
                    .unwrap_or(reg);
                let sub_ascii = ascii
                    .strip_suffix(reg.as_str())
                    .map(|s| s.trim_end_matches('.'))
                    .unwrap_or("");
                (to_unicode(label_ascii), to_unicode(sub_ascii))
            }
            _ => (unicode.clone(), String::new()),
        };
        let mut scripts: Vec<Script> = if unicode.is_ascii() {
            if unicode.bytes().any(|b| b.is_ascii_alphabetic()) {
                vec![Script::Latin]
            } else {
                Vec::new()
            }
        } else {
            unicode
                .chars()
                .map(|c| c.script())
                .filter(|s| !matches!(s, Script::Common | Script::Inherited | Script::Unknown))
                .collect()
        };
        scripts.sort_by_key(|s| s.full_name());
        scripts.dedup();
        // An over-long name has no registrable domain, and every rule that
        // compares the folded label needs one: folding 1 MiB is work nobody
        // reads.
        let label_folded = if registrable.is_none() && label.len() > MAX_HOST_LEN {
            String::new()
        } else {
            comparison_form(&label)
        };
        HostFacts {
            non_ascii: !unicode.is_ascii(),
            label_folded,
            ascii,
            unicode,
            kind: HostKind::Domain,
            registrable,
            registrable_unicode,
            suffix,
            suffix_known,
            suffix_private,
            label,
            subdomain,
            scripts,
            trailing_dot,
        }
    }

    /// The host is `domain` or a subdomain of it (both ASCII, lower case).
    pub fn is_at_or_under(&self, domain: &str) -> bool {
        is_at_or_under(&self.ascii, domain)
    }

    /// The host as a person should read it: Unicode, or ASCII when equal.
    pub fn display(&self) -> &str {
        &self.unicode
    }

    /// The registrable domain as a person reads it, or the host itself.
    pub fn display_registrable(&self) -> &str {
        self.registrable_unicode.as_deref().unwrap_or(&self.unicode)
    }
}

/// `host` is `domain` or a subdomain of it (`a.b.c` is under `b.c`, not
/// under `.c` or `b.c.d`).
pub fn is_at_or_under(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// `host` and each parent domain in turn: `a.b.c`, `b.c`, `c`.
///
/// Only names DNS allows are walked: a suffix longer than [`MAX_HOST_LEN`]
/// cannot be any listed domain, so the walk of an over-long host starts at
/// its first suffix short enough. Every lookup along the walk hashes at
/// most [`MAX_HOST_LEN`] bytes, however long the host: the walk is linear
/// in the host's length, not quadratic (a host of 65,536 labels took 10 s).
pub fn suffixes(host: &str) -> impl Iterator<Item = &str> {
    let start = if host.len() > MAX_HOST_LEN {
        let from = host.len() - MAX_HOST_LEN;
        host.get(from..)
            .and_then(|tail| tail.find('.').map(|i| from + i + 1))
            .and_then(|i| host.get(i..))
    } else {
        Some(host)
    };
    std::iter::successors(start, |h| after_first_dot(h))
}

/// What follows the first `.` of `s`, if it has one: `s.split_once('.')`'s
/// second half, found by a byte loop (issue #16: every line of a feed walks
/// its host's suffixes a dozen times, and the `char` searcher's set-up
/// costs more than a short host's scan).
fn after_first_dot(s: &str) -> Option<&str> {
    let i = s.bytes().position(|b| b == b'.')?;
    s.get(i + 1..)
}

/// `s` holds `xn--` (the ACE prefix of a punycode label) in any case when
/// `any_case`, else as written: `str::contains` without the Two-Way
/// searcher's set-up, which costs more than the scan of a host.
pub(crate) fn has_ace_prefix(s: &str, any_case: bool) -> bool {
    s.as_bytes().windows(4).any(|w| {
        if any_case {
            w.eq_ignore_ascii_case(b"xn--")
        } else {
            w == b"xn--"
        }
    })
}

/// Decode punycode labels for display; falls back to the input.
pub fn to_unicode(ascii: &str) -> String {
    if !has_ace_prefix(ascii, false) {
        return ascii.to_owned();
    }
    let (decoded, result) = idna::domain_to_unicode(ascii);
    if result.is_ok() {
        decoded
    } else {
        ascii.to_owned()
    }
}

/// The form two labels are compared in: UTS #39 skeleton, combining marks
/// removed, lower-cased, the [`extra_confusable`] letters read as the Latin
/// ones they look like, then [`visual_fold`]ed.
///
/// Two labels with the same comparison form look alike to a hurried reader.
pub fn comparison_form(s: &str) -> String {
    visual_fold(&confusable_base(s))
}

/// [`comparison_form`] before the visual fold: the UTS #39 skeleton
/// without combining marks, lower case, with [`extra_confusable`] letters
/// read as Latin (ASCII text is only lower-cased).
pub fn confusable_base(s: &str) -> String {
    if s.is_ascii() {
        // Fast path: for ASCII the skeleton only maps characters that the
        // visual fold maps to the same class anyway (m→rn, 0→O, 1/I→l).
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in unicode_security::skeleton(s).filter(|c| !is_combining_mark(*c)) {
        for l in c.to_lowercase() {
            match extra_confusable(l) {
                Some(latin) => out.push(latin),
                None => out.push(l),
            }
        }
    }
    out
}

/// One letter as a reader takes it in: what it reads as (`shape`) and
/// what is written (`written`: one character, or a group that reads as one
/// letter side by side, `lc` for `k`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterUnit {
    /// The letter it reads as, in its look-alike class (`b` and `d` are
    /// one class, `c` and `e`, `1` `i` `l`, …: [`visual_fold`]'s).
    pub class: char,
    /// The letter it reads as, before the class (`k` for `lc`).
    pub shape: char,
    /// As written: one ASCII character is a static string (no allocation
    /// per letter; issue #16), anything else owned.
    pub written: Cow<'static, str>,
}

/// Every ASCII character as a string of its own, for [`LetterUnit::written`].
const ASCII_CHARS: &str = "\0\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f";

/// `c` as a string: borrowed from [`ASCII_CHARS`] when ASCII.
fn char_str(c: char) -> Cow<'static, str> {
    let i = c as usize;
    match ASCII_CHARS.get(i..i + 1) {
        Some(one) if c.is_ascii() => Cow::Borrowed(one),
        _ => Cow::Owned(c.to_string()),
    }
}

/// The letters of `s` ([`confusable_base`] form) as a reader takes them
/// in, with dnstwist's multi-letter look-alikes read as the one letter they
/// imitate: `cl`, `dl` → `d`; `lc`, `lk` → `k`; `lb` → `b`; `rn`, `nn` →
/// `m`; `vv`, `uu` → `w`; `lh` → `h` (with `1` or `|` for `l`), repeated
/// (`llb` is `lb` is `b`; `ic` also for `k`). With
/// `side_by_side` false, every character is a letter of its own (`shc11` reads as
/// `shell` one by one, while `c1` side by side is a `d`). Linear: each
/// character is pushed once and every merge removes one unit.
pub fn letter_units(s: &str, side_by_side: bool) -> Vec<LetterUnit> {
    let single = |c: char| {
        let class = match c {
            '1' | 'i' | 'l' | '|' | '!' => 'l',
            '0' => 'o',
            'b' => 'd',
            'q' => 'g',
            'c' | '3' => 'e',
            'v' => 'u',
            '5' => 's',
            other => other,
        };
        let shape = match c {
            '1' | '|' | '!' => 'l',
            '0' => 'o',
            '5' => 's',
            '3' => 'e',
            other => other,
        };
        (class, shape)
    };
    let is_l = |w: &str| matches!(w, "l" | "1" | "|");
    let merge = |a: &LetterUnit, b: &LetterUnit| -> Option<char> {
        let (aw, bw) = (a.written.as_ref(), b.written.as_ref());
        if is_l(aw) && matches!(b.shape, 'b' | 'k' | 'h') {
            Some(b.shape)
        } else if (is_l(aw) || aw == "i") && bw == "c" {
            Some('k')
        } else if a.shape == 'd' && is_l(bw) || aw == "c" && (is_l(bw) || bw == "i") {
            Some('d')
        } else if matches!(aw, "r" | "n") && bw == "n" {
            Some('m')
        } else if matches!(aw, "v" | "u") && matches!(bw, "v" | "u") {
            Some('w')
        } else {
            None
        }
    };
    let mut out: Vec<LetterUnit> = Vec::with_capacity(s.len());
    for c in s.chars() {
        let (class, shape) = single(c);
        out.push(LetterUnit {
            class,
            shape,
            written: char_str(c),
        });
        while side_by_side && out.len() >= 2 {
            let (Some(b), Some(a)) = (out.last(), out.get(out.len() - 2)) else {
                break;
            };
            let Some(shape) = merge(a, b) else { break };
            let written = Cow::Owned(format!("{}{}", a.written, b.written));
            out.truncate(out.len() - 2);
            out.push(LetterUnit {
                class: single(shape).0,
                shape,
                written,
            });
        }
    }
    out
}

/// Letters that UTS #39 does not map to the Latin letter they look like
/// in a domain name, read as that letter:
/// - Chromium's supplement to the confusables list (its IDN spoof
///   checker's extra skeleton mappings): Cyrillic `к` `т` `ь` `в` `м` `н`
///   `п` `ш` `є`, `ԍ`, and Latin `ĸ` `ŧ` `ħ` `ƅ` `ŋ` (`окта`, `ьт`, `ԍооԍӏе`);
/// - Latin small capitals (`ᴍ`, `ʙ`, `ɢ`), which read as lower-case
///   letters;
/// - Latin letters with a stroke, hook or descender (`ꞑ`, `ⱨ`, `ƀ`, `ɇ`),
///   which a glance reads as the plain letter.
///
/// Applied only to names that are not plain ASCII (the fast path of
/// [`comparison_form`] never sees these letters).
pub fn extra_confusable(c: char) -> Option<char> {
    Some(match c {
        // Chromium's extra confusables.
        'ĸ' | 'κ' | 'к' | 'қ' | 'ҝ' | 'ҟ' | 'ҡ' | 'ӄ' | 'ԟ' | 'ⱪ' | 'ꝁ' | 'ᴋ' => 'k',
        'ŧ' | 'т' | 'ҭ' | 'ԏ' | 'ᴛ' | 'ƫ' | 'ƭ' => 't',
        'ƅ' | 'ь' | 'ҍ' | 'в' | 'ʙ' | 'ƀ' | 'ɓ' => 'b',
        'ħ' | 'н' | 'ћ' | 'ң' | 'ҥ' | 'ӈ' | 'ӊ' | 'ԋ' | 'ԧ' | 'ԩ' | 'ʜ' | 'ⱨ' | 'ɦ' => {
            'h'
        }
        'ŋ' | 'п' | 'ᴨ' | 'ԥ' | 'ɴ' | 'ꞑ' | 'ɲ' | 'ƞ' => 'n',
        'ω' | 'ш' | 'щ' | 'ɯ' | 'ᴡ' => 'w',
        // UTS #39 writes `м` and `ᴍ` as `ʍ`.
        'м' | 'ӎ' | 'ᴍ' | 'ʍ' | 'ɱ' => 'm',
        'є' | 'ҽ' | 'ҿ' | 'ᴇ' | 'ɇ' => 'e',
        'ԍ' | 'ɢ' | 'ǥ' | 'ɠ' => 'g',
        'ԃ' | 'ᴅ' | 'đ' | 'ɗ' => 'd',
        'ҫ' => 'c',
        'ұ' | 'ʏ' | 'ɏ' => 'y',
        'ҳ' | 'ӽ' | 'ӿ' | 'χ' => 'x',
        'ᴀ' => 'a',
        'ɪ' | 'ɨ' => 'i',
        'ᴊ' | 'ɉ' | 'ʝ' => 'j',
        'ʟ' | 'ł' => 'l',
        'ᴘ' | 'ƥ' => 'p',
        'ʀ' | 'ɍ' => 'r',
        'ʉ' => 'u',
        'ƶ' | 'ȥ' => 'z',
        _ => return None,
    })
}

/// Fold ASCII characters that are easy to mistake for one another into one
/// class each (`1`, `i`, `l`, `|` → `l`; `0` → `o`; `rn`, `nn`, `m` → `rn`;
/// `vv`, `uu`, `vu`, `uv` → `w`; `cl`, `c1`, `ci` → `d`; `lh` → `h`; `b` → `d`;
/// `q` → `g`; `c` → `e`; `v` → `u`; `5` → `s`; `3` → `e`).
///
/// Only for comparing; never shown. Taken from the ASCII homoglyph table that
/// dnstwist generates lookalikes with.
pub fn visual_fold(s: &str) -> String {
    fold_with(s, true)
}

/// [`visual_fold`] letter by letter, without its pairs (`rn`, `cl`, `lh`,
/// …): `dhlhelp` keeps its `dhl`, which side by side reads `dhhelp`.
pub fn letter_fold(s: &str) -> String {
    fold_with(s, false)
}

fn fold_with(s: &str, pairs: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 4);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        let pair = match (b, next) {
            _ if !pairs => None,
            (b'r', Some(b'n')) | (b'n', Some(b'n')) => Some("rn"),
            (b'v' | b'u', Some(b'v' | b'u')) => Some("w"),
            (b'c', Some(b'l' | b'1' | b'i' | b'|')) => Some("d"),
            (b'l', Some(b'h')) => Some("h"),
            _ => None,
        };
        if let Some(p) = pair {
            out.push_str(p);
            i += 2;
            continue;
        }
        let folded = match b {
            b'm' => {
                out.push_str("rn");
                i += 1;
                continue;
            }
            b'1' | b'i' | b'l' | b'|' | b'!' => 'l',
            b'0' => 'o',
            b'b' => 'd',
            b'q' => 'g',
            b'c' => 'e',
            b'3' => 'e',
            b'v' => 'u',
            b'5' => 's',
            _ => {
                // Copy one whole character (it may be non-ASCII).
                let len = utf8_len(b);
                if let Some(chunk) = s.get(i..i + len) {
                    out.push_str(chunk);
                }
                i += len;
                continue;
            }
        };
        out.push(folded);
        i += 1;
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Human names of the scripts, for explanations ("Latin and Cyrillic").
pub fn script_names(scripts: &[Script]) -> Vec<&'static str> {
    scripts.iter().map(|s| s.full_name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ascii_character_is_its_own_string() {
        assert_eq!(ASCII_CHARS.len(), 128);
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(char_str(c), c.to_string(), "{b}");
            assert!(matches!(char_str(c), Cow::Borrowed(_)));
        }
        assert_eq!(char_str('ẁ'), "ẁ");
    }

    #[test]
    fn suffix_walk_and_ace_prefix_as_the_std_searchers() {
        for s in [
            "",
            ".",
            "a",
            "a.b",
            "a..b",
            ".a.",
            "login.twilio.co.uk",
            "é.x",
        ] {
            assert_eq!(after_first_dot(s), s.split_once('.').map(|(_, r)| r), "{s}");
        }
        for s in [
            "",
            "xn-",
            "xn--",
            "a.xn--p1ai",
            "XN--P1AI",
            "xXn--",
            "xn-x-",
        ] {
            assert_eq!(has_ace_prefix(s, false), s.contains("xn--"), "{s}");
            assert_eq!(
                has_ace_prefix(s, true),
                s.to_ascii_lowercase().contains("xn--"),
                "{s}"
            );
        }
    }

    #[test]
    fn letters_side_by_side() {
        let read = |s: &str, side: bool| -> String {
            letter_units(s, side)
                .iter()
                .map(|u| format!("{}={}", u.written, u.shape))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(read("maerslc", true), "m=m a=a e=e r=r s=s lc=k");
        assert_eq!(read("llbbc", true), "llb=b b=b c=c");
        assert_eq!(read("cllelta", true), "cll=d e=e l=l t=t a=a");
        assert_eq!(read("rnvv", true), "rn=m vv=w");
        assert_eq!(read("shc11", true), "s=s h=h c11=d");
        assert_eq!(read("shc11", false), "s=s h=h c=c 1=l 1=l");
        assert_eq!(letter_fold("dhlhelp"), "dhlhelp");
        assert_eq!(visual_fold("dhlhelp"), "dhhelp");
    }

    #[test]
    fn registrable_domain_and_label() {
        let h = HostFacts::domain("login.twilio-okta.co.uk");
        assert_eq!(h.registrable.as_deref(), Some("twilio-okta.co.uk"));
        assert_eq!(h.suffix.as_deref(), Some("co.uk"));
        assert_eq!(h.label, "twilio-okta");
        assert_eq!(h.subdomain, "login");
        assert!(h.suffix_known && !h.suffix_private);
    }

    #[test]
    fn letters_unicode_does_not_map_read_as_latin() {
        // Whole-script Cyrillic names of short brands (Chromium's extras).
        for (written, latin) in [
            ("окта", "okta"),
            ("ьт", "bt"),
            ("іьм", "ibm"),
            ("ԍе", "ge"),
            ("теӏеком", "telekom"),
            // Small capitals and letters with a stroke or descender.
            ("ᴍailchimp", "mailchimp"),
            ("ʙt", "bt"),
            ("ƅŧ", "bt"),
            ("aꞑd", "and"),
        ] {
            assert_eq!(
                comparison_form(written),
                comparison_form(latin),
                "{written}"
            );
        }
        // Letters that look like no Latin letter stay apart.
        assert_ne!(comparison_form("пример"), comparison_form("npnmep"));
        assert_ne!(comparison_form("жк"), comparison_form("xk"));
    }

    #[test]
    fn private_suffixes_count() {
        let h = HostFacts::domain("twilio.github.io");
        assert_eq!(h.registrable.as_deref(), Some("twilio.github.io"));
        assert_eq!(h.label, "twilio");
        assert!(h.suffix_private);
    }

    #[test]
    fn punycode_is_decoded_for_display_and_comparison() {
        let h = HostFacts::domain("xn--pple-43d.com");
        assert_eq!(h.unicode, "\u{0430}pple.com");
        assert!(h.non_ascii);
        assert_eq!(h.label_folded, comparison_form("apple"));
        assert_eq!(script_names(&h.scripts), vec!["Cyrillic", "Latin"]);
    }

    #[test]
    fn skeleton_is_lowercased_after_and_digits_fold() {
        assert_eq!(comparison_form("0kta"), comparison_form("okta"));
        assert_eq!(comparison_form("tw1lio"), comparison_form("twilio"));
        assert_eq!(comparison_form("twi1io"), comparison_form("twilio"));
        assert_eq!(comparison_form("rnicrosoft"), comparison_form("microsoft"));
        assert_eq!(comparison_form("tvvilio"), comparison_form("twilio"));
        assert_eq!(comparison_form("t\u{1E81}ilio"), comparison_form("twilio"));
        assert_eq!(
            comparison_form("\u{0455}endgrid"),
            comparison_form("sendgrid")
        );
        assert_ne!(comparison_form("twilight"), comparison_form("twilio"));
    }

    #[test]
    fn at_or_under() {
        let h = HostFacts::domain("www.twilio.com");
        assert!(h.is_at_or_under("twilio.com"));
        assert!(!h.is_at_or_under("lio.com"));
        assert!(!HostFacts::domain("eviltwilio.com").is_at_or_under("twilio.com"));
    }

    #[test]
    fn trailing_dot_is_dropped_but_remembered() {
        let h = HostFacts::domain("twilio.com.");
        assert_eq!(h.ascii, "twilio.com");
        assert!(h.trailing_dot);
    }
}
