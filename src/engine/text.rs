//! Normalising free text before links are searched for.
//!
//! SMS and clipboard text hides links in ways a link finder does not see:
//! defanged forms (`hxxps[:]//example[.]com`), look-alike dots (`example。com`),
//! and invisible or direction-changing characters inside a word. [`normalize`]
//! undoes all of these in one linear pass and remembers every edit, so that a
//! span found in the normalised text maps back to the exact bytes the person
//! saw ([`Normalized::original_span`]), and so that rules can say what was
//! hidden inside a link ([`Normalized::edits_within`]).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What one edit of the normalising pass undid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EditKind {
    /// A defanged form (`hxxp`, `[.]`, `(dot)`, `[:]`, `[@]`) was turned back into a link.
    Refanged,
    /// A dot from another writing system (`。`, `．`, `｡`) was read as `.`.
    LookalikeDot,
    /// An invisible character (zero-width space or joiner, soft hyphen, BOM) was removed.
    Invisible(char),
    /// A character that changes the direction of text (bidi control) was removed.
    Bidi(char),
    /// A quoted-printable soft line break (`=` at the end of a line) was
    /// removed, joining what mail encoding had split.
    SoftBreak,
    /// A symbol (emoji, ™, ©), a quotation mark («, ”), an ellipsis or a CJK
    /// bracket was read as a space: people read it as a separator. A symbol
    /// glued between two parts of a name (`twilio.com™.ws`) is kept: a
    /// browser maps it into the name (`twilio.comtm.ws`), so it separates
    /// nothing.
    Symbol,
    /// An HTML character reference (`&#46;`, `&period;`, `&#x3a;`) was
    /// decoded, as a browser does when it shows mail or a web page.
    Entity,
    /// A line break right after a hyphen inside a word (`twilio-⏎okta.com`,
    /// as SMS clients wrap long names) was removed.
    LineBreak,
}

/// One change made by [`normalize`], in both coordinate systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the normalised text (empty for a removal).
    pub normalized: Range<usize>,
    /// Byte range in the original text.
    pub original: Range<usize>,
    /// What was undone.
    pub kind: EditKind,
}

/// Text after the normalising pass, with the map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalised text, in which links are searched for.
    pub text: String,
    /// Every edit, in order.
    pub edits: Vec<Edit>,
}

// One alternation, so the pass is a single linear scan (the `regex` crate
// guarantees linear time in the input size).
static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        // 1: scheme: hxxp, hXXps, h**p, h__p with : or [:] or (:)
        r"(h(?:xx|\*\*|__|tt)p(s?)\s?(?:(?:[\[\(\{]\s?)+:(?:\s?[\]\)\}])+|:)\s?(?:(?:[\[\(\{]\s?)+/(?:\s?[\]\)\}])+|/){1,2})",
        // 3: bracketed dot or the word dot in brackets
        r"|(\s?(?:[\[\(\{]\s?)+(?:[.\x{3002}\x{FF0E}\x{FF61}]|dot)(?:\s?[\]\)\}])+\s?)",
        // 4: bracketed at
        r"|(\s?(?:[\[\(\{]\s?)+(?:@|at)(?:\s?[\]\)\}])+\s?)",
        // 5: look-alike dots
        r"|([\x{3002}\x{FF0E}\x{FF61}])",
        // 6: invisible characters (incl. emoji variation selectors)
        r"|([\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}\x{00AD}\x{180E}\x{FE0E}\x{FE0F}])",
        // 7: bidi controls
        r"|([\x{202A}-\x{202E}\x{2066}-\x{2069}\x{200E}\x{200F}\x{061C}])",
        // 8: symbols (emoji, pictographs, ™, ©), quotation marks of every
        // language, the ellipsis and CJK brackets: separators to a reader
        // (unless glued inside a name: `kept_when_glued`)
        r"|(\p{So}|\p{Pi}|\p{Pf}|\x{2026}|[\x{3008}-\x{3011}])",
        // 9: quoted-printable soft line breaks (mail copied raw)
        r"|(=\r?\n)",
        // 10, 11, 12: HTML character references (numeric, hex, named)
        r"|(&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?)",
        r"|(&(period|colon|sol|bsol|commat|hyphen|dash|lowbar|quest|equals|num|percnt|amp|tilde|plus);)",
        // 15, 16: a line broken right after a hyphen inside a word
        r"|([A-Za-z0-9]-)\r?\n([A-Za-z0-9])",
    ))
    .ok()
});

/// At most this many passes: each is linear, and each pass after the first
/// only sees what the previous one uncovered (`[。]` → `[.]` → `.`).
const MAX_PASSES: usize = 4;

/// Undo defanging, look-alike dots and invisible characters.
///
/// Repeats the pass until nothing changes (at most [`MAX_PASSES`], so still
/// linear in `input.len()`), composing the offset maps; never fails. Text
/// with nothing to undo is returned unchanged with no edits.
pub fn normalize(input: &str) -> Normalized {
    let mut n = href_pass(input);
    for _ in 0..MAX_PASSES {
        let next = single_pass(&n.text);
        if next.edits.is_empty() {
            break;
        }
        n = if n.edits.is_empty() {
            next
        } else {
            compose(n, next)
        };
    }
    n
}

/// Quoted `href` values in HTML (`href="https://twilio.com⏎.evil.ws/"`).
static HREF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)href\s*=\s*(?:"([^"]*)"|'([^']*)')"#).ok());

/// Browsers remove tabs and line breaks inside an address (WHATWG URL
/// parsing) — in an HTML `href` that is what is opened, so they are removed
/// here too (as [`EditKind::LineBreak`]). In plain text a phone ends the
/// link at them instead, and so does Second Look. Linear.
fn href_pass(input: &str) -> Normalized {
    let unchanged = || Normalized {
        text: input.to_owned(),
        edits: Vec::new(),
    };
    let Some(re) = HREF.as_ref() else {
        return unchanged();
    };
    if !input.contains(['\t', '\n', '\r']) || !input.to_ascii_lowercase().contains("href") {
        return unchanged();
    }
    let mut text = String::with_capacity(input.len());
    let mut edits = Vec::new();
    let mut copied_to = 0;
    for c in re.captures_iter(input) {
        let Some(v) = c.get(1).or_else(|| c.get(2)) else {
            continue;
        };
        for (i, ch) in v.as_str().char_indices() {
            if matches!(ch, '\t' | '\n' | '\r') {
                let at = v.start() + i;
                text.push_str(input.get(copied_to..at).unwrap_or(""));
                edits.push(Edit {
                    normalized: text.len()..text.len(),
                    original: at..at + 1,
                    kind: EditKind::LineBreak,
                });
                copied_to = at + 1;
            }
        }
    }
    if edits.is_empty() {
        return unchanged();
    }
    text.push_str(input.get(copied_to..).unwrap_or(""));
    Normalized { text, edits }
}

/// `first` maps text1 → text0, `second` maps text2 → text1: return the
/// edits mapping text2 → text0, sorted, with both coordinates increasing.
/// Linear: both edit lists are sorted and swept once.
fn compose(first: Normalized, second: Normalized) -> Normalized {
    let mut edits: Vec<Edit> = Vec::with_capacity(first.edits.len() + second.edits.len());
    let mut absorbed = vec![false; first.edits.len()];
    let mut j = 0;
    for e2 in &second.edits {
        let o = first.original_span(e2.original.clone());
        edits.push(Edit {
            normalized: e2.normalized.clone(),
            original: o.clone(),
            kind: e2.kind,
        });
        // First-pass edits strictly inside what the second pass rewrote keep
        // their kind (an invisible character inside a defanged dot is still
        // a finding) as an empty marker at the end of the rewrite.
        // Skip first-pass edits wholly before this rewrite (a removal that
        // sits exactly at its start is before it, not inside).
        let before = |e1: &Edit| {
            if e1.normalized.is_empty() {
                e1.normalized.start <= e2.original.start
            } else {
                e1.normalized.end <= e2.original.start
            }
        };
        while first.edits.get(j).is_some_and(before) {
            j += 1;
        }
        let mut k = j;
        while let Some(e1) = first.edits.get(k) {
            if e1.normalized.start >= e2.original.end {
                break;
            }
            if let Some(a) = absorbed.get_mut(k) {
                *a = true;
            }
            if e1.kind != e2.kind {
                edits.push(Edit {
                    normalized: e2.normalized.end..e2.normalized.end,
                    original: o.end..o.end,
                    kind: e1.kind,
                });
            }
            k += 1;
        }
        j = k;
    }
    // First-pass edits the second pass did not touch, moved into text2 by
    // the length change of the second-pass edits before them.
    let mut delta: isize = 0;
    let mut next = 0;
    for (e1, _) in first.edits.iter().zip(&absorbed).filter(|(_, a)| !**a) {
        while let Some(e2) = second.edits.get(next) {
            if e2.original.end > e1.normalized.start {
                break;
            }
            delta += e2.normalized.len() as isize - e2.original.len() as isize;
            next += 1;
        }
        let len = e1.normalized.len();
        let start = e1.normalized.start.saturating_add_signed(delta);
        edits.push(Edit {
            normalized: start..start + len,
            original: e1.original.clone(),
            kind: e1.kind,
        });
    }
    edits.sort_by_key(|e| (e.normalized.start, e.original.start, e.normalized.end));
    Normalized {
        text: second.text,
        edits,
    }
}

/// What one match of [`PATTERN`] is, told from its text alone: the
/// alternatives start and end with characters no other one can, so no
/// capture groups are needed (resolving them ran the regex crate's bounded
/// backtracker on every match, a quarter of the time on text dense with
/// invisible characters and symbols). [`single_pass_with_captures`] is the
/// oracle the tests compare with.
fn classify(m: &str) -> Option<(Replacement, EditKind)> {
    let mut chars = m.chars();
    let first = chars.next()?;
    let second = chars.next();
    if second.is_none() {
        // The single-character alternatives (5, 6, 7, 8).
        return Some(match first {
            c if is_lookalike_dot(c) => (Replacement::Str("."), EditKind::LookalikeDot),
            c if is_invisible(c) => (Replacement::Str(""), EditKind::Invisible(c)),
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}' => (Replacement::Str(""), EditKind::Bidi(first)),
            _ => (Replacement::Symbol, EditKind::Symbol),
        });
    }
    match first {
        // 15-16: a name character, `-`, a line break, a name character
        // (under `(?i)` the Kelvin sign and long s count as letters).
        _ if second == Some('-') => Some((Replacement::Joined, EditKind::LineBreak)),
        // 1: `h` + `xx`/`**`/`__`/`tt` + `p` + maybe `s` (or `ſ`, its
        // case-insensitive twin).
        'h' | 'H' => {
            let secure = m
                .get(4..)
                .is_some_and(|r| r.starts_with(['s', 'S', '\u{17F}']));
            let scheme = if secure { "https://" } else { "http://" };
            Some((Replacement::Str(scheme), EditKind::Refanged))
        }
        // 9: quoted-printable soft line break.
        '=' => Some((Replacement::Str(""), EditKind::SoftBreak)),
        // 10-12: numeric character reference.
        '&' if second == Some('#') => {
            let digits = m.get(2..)?.trim_end_matches(';');
            let code = match digits.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => digits.parse::<u32>().ok(),
            };
            let c = code.and_then(char::from_u32).filter(|c| !c.is_control())?;
            Some((Replacement::Char(c), EditKind::Entity))
        }
        // 13-14: named character reference.
        '&' => {
            let c = match m.get(1..m.len() - 1)? {
                "period" => '.',
                "colon" => ':',
                "sol" => '/',
                "bsol" => '\\',
                "commat" => '@',
                "hyphen" | "dash" => '-',
                "lowbar" => '_',
                "quest" => '?',
                "equals" => '=',
                "num" => '#',
                "percnt" => '%',
                "amp" => '&',
                "tilde" => '~',
                _ => '+',
            };
            Some((Replacement::Char(c), EditKind::Entity))
        }
        // 3, 4: a bracketed dot or at (optionally spaced).
        _ => {
            let inner = m.trim_matches(|c: char| c.is_whitespace() || "[](){}".contains(c));
            if inner == "@" || inner.eq_ignore_ascii_case("at") {
                Some((Replacement::Str("@"), EditKind::Refanged))
            } else {
                Some((Replacement::Str("."), EditKind::Refanged))
            }
        }
    }
}

/// What a match is replaced with.
#[derive(Clone, Copy)]
enum Replacement {
    Str(&'static str),
    Char(char),
    /// A symbol: a space, unless glued inside a name (then kept).
    Symbol,
    /// A hyphen line break: the characters either side of the break.
    Joined,
}

/// One linear pass of the normalising regex.
fn single_pass(input: &str) -> Normalized {
    let Some(pattern) = PATTERN.as_ref() else {
        return Normalized {
            text: input.to_owned(),
            edits: Vec::new(),
        };
    };
    let mut text = String::new();
    let mut edits = Vec::new();
    let mut copied_to = 0;
    let mut memo = GlueMemo::default();
    for whole in pattern.find_iter(input) {
        let m = whole.as_str();
        let Some((replacement, kind)) = classify(m) else {
            continue;
        };
        let mut buf = [0u8; 4];
        let replacement: &str = match replacement {
            Replacement::Str(s) => s,
            Replacement::Char(c) => c.encode_utf8(&mut buf),
            Replacement::Symbol => {
                if kept_when_glued(input, whole.start(), whole.end())
                    && memo.glued(input, whole.start(), whole.end())
                {
                    continue;
                }
                " "
            }
            Replacement::Joined => {
                // `x-` + `\r?\n` + `y`: what is before and after the break.
                let (Some(dash), Some(newline)) = (m.find('-'), m.rfind('\n')) else {
                    continue;
                };
                let (Some(left), Some(right)) = (m.get(..=dash), m.get(newline + 1..)) else {
                    continue;
                };
                if text.capacity() == 0 {
                    text.reserve(input.len());
                }
                text.push_str(&input[copied_to..whole.start()]);
                let start = text.len();
                text.push_str(left);
                text.push_str(right);
                edits.push(Edit {
                    normalized: start..text.len(),
                    original: whole.range(),
                    kind,
                });
                copied_to = whole.end();
                continue;
            }
        };
        if replacement.eq_ignore_ascii_case(m) {
            // `https://` matched the scheme alternative but needs no change.
            continue;
        }
        if text.capacity() == 0 {
            text.reserve(input.len());
        }
        text.push_str(&input[copied_to..whole.start()]);
        let start = text.len();
        text.push_str(replacement);
        edits.push(Edit {
            normalized: start..text.len(),
            original: whole.range(),
            kind,
        });
        copied_to = whole.end();
    }
    if edits.is_empty() {
        return Normalized {
            text: input.to_owned(),
            edits,
        };
    }
    text.push_str(&input[copied_to..]);
    Normalized { text, edits }
}

/// The pass as first written, with the regex's capture groups: the
/// oracle [`single_pass`] is tested against (the same text and edits).
#[cfg(test)]
fn single_pass_with_captures(input: &str) -> Normalized {
    let Some(pattern) = PATTERN.as_ref() else {
        return Normalized {
            text: input.to_owned(),
            edits: Vec::new(),
        };
    };
    let mut text = String::with_capacity(input.len());
    let mut edits = Vec::new();
    let mut copied_to = 0;
    let mut memo = GlueMemo::default();
    for caps in pattern.captures_iter(input) {
        let Some(whole) = caps.get(0) else { continue };
        let (replacement, kind): (String, EditKind) = if caps.get(1).is_some() {
            let secure = caps.get(2).is_some_and(|m| !m.as_str().is_empty());
            let scheme = if secure { "https://" } else { "http://" };
            (scheme.to_owned(), EditKind::Refanged)
        } else if caps.get(3).is_some() {
            (".".to_owned(), EditKind::Refanged)
        } else if caps.get(4).is_some() {
            ("@".to_owned(), EditKind::Refanged)
        } else if caps.get(5).is_some() {
            (".".to_owned(), EditKind::LookalikeDot)
        } else if let Some(m) = caps.get(6) {
            let c = m.as_str().chars().next().unwrap_or('\u{200B}');
            (String::new(), EditKind::Invisible(c))
        } else if let Some(m) = caps.get(7) {
            let c = m.as_str().chars().next().unwrap_or('\u{202E}');
            (String::new(), EditKind::Bidi(c))
        } else if let Some(m) = caps.get(8) {
            if kept_when_glued(input, m.start(), m.end()) && memo.glued(input, m.start(), m.end()) {
                continue;
            }
            (" ".to_owned(), EditKind::Symbol)
        } else if caps.get(9).is_some() {
            (String::new(), EditKind::SoftBreak)
        } else if caps.get(10).is_some() {
            let code = match (caps.get(11), caps.get(12)) {
                (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
                (_, Some(dec)) => dec.as_str().parse::<u32>().ok(),
                _ => None,
            };
            match code.and_then(char::from_u32).filter(|c| !c.is_control()) {
                Some(c) => (c.to_string(), EditKind::Entity),
                None => continue,
            }
        } else if let Some(name) = caps.get(14) {
            let c = match name.as_str() {
                "period" => '.',
                "colon" => ':',
                "sol" => '/',
                "bsol" => '\\',
                "commat" => '@',
                "hyphen" | "dash" => '-',
                "lowbar" => '_',
                "quest" => '?',
                "equals" => '=',
                "num" => '#',
                "percnt" => '%',
                "amp" => '&',
                "tilde" => '~',
                _ => '+',
            };
            (c.to_string(), EditKind::Entity)
        } else if let (Some(left), Some(right)) = (caps.get(15), caps.get(16)) {
            (
                format!("{}{}", left.as_str(), right.as_str()),
                EditKind::LineBreak,
            )
        } else {
            continue;
        };
        if replacement.eq_ignore_ascii_case(whole.as_str()) {
            // `https://` matched the scheme alternative but needs no change.
            continue;
        }
        text.push_str(&input[copied_to..whole.start()]);
        let start = text.len();
        text.push_str(&replacement);
        edits.push(Edit {
            normalized: start..text.len(),
            original: whole.range(),
            kind,
        });
        copied_to = whole.end();
    }
    if edits.is_empty() {
        return Normalized {
            text: input.to_owned(),
            edits,
        };
    }
    text.push_str(&input[copied_to..]);
    Normalized { text, edits }
}

static SYMBOL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{So}\p{Pi}\p{Pf}]$").ok());

/// The character is a symbol (emoji, ™, Ⓜ) or a quotation mark, not an
/// ellipsis or a bracket (which IDNA never keeps inside a name).
fn is_symbol(s: &str) -> bool {
    // No ASCII character is a symbol or quotation mark in this sense
    // (`\p{So}`, `\p{Pi}`, `\p{Pf}`): the common case costs no regex.
    !s.is_ascii() && SYMBOL.as_ref().is_some_and(|re| re.is_match(s))
}

/// The symbol at `start..end` of `text` is one a name keeps when glued
/// inside it: a symbol or quotation mark ([`is_symbol`]), or one of the CJK
/// brackets (`〈` … `】`, U+3008–U+3011), which IDNA keeps in a name, between
/// characters that are not CJK text themselves (`x〈a.0co.uk` opens
/// `xn--xa-913a.0co.uk`, so it does not split the name for a reader
/// either). Beside Chinese or Japanese words (`見て「twilio-okta.com」です`)
/// such a bracket is the quotation mark of the language and ends the name.
fn kept_when_glued(text: &str, start: usize, end: usize) -> bool {
    let Some(m) = text.get(start..end) else {
        return false;
    };
    if is_symbol(m) {
        return true;
    }
    let bracket = !m.is_empty() && m.chars().all(|c| ('\u{3008}'..='\u{3011}').contains(&c));
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    // Between two words of such a script (`【重要】パスワード…`) it quotes
    // no name, and a phone's link finder runs through it as IDNA does.
    bracket && (before.is_some_and(is_unspaced_script) == after.is_some_and(is_unspaced_script))
}

static OTHER_SYMBOL: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\p{So}$").ok());

/// `hay` contains `needle`, as [`str::contains`] says: for the short
/// labels and words the rules compare (a hay of at most [`HAS_SCAN`]
/// bytes), a scan for the needle's first byte and a comparison there,
/// without the set-up of the standard library's Two-Way searcher, which
/// costs more than such a scan; longer hays take [`str::contains`], so
/// the time stays linear in the hay however the needle repeats.
pub fn has(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if h.len() > HAS_SCAN {
        return hay.contains(needle);
    }
    let Some((first, rest)) = n.split_first() else {
        return true;
    };
    n.len() <= h.len()
        && h.windows(n.len())
            .any(|w| w.first() == Some(first) && w.get(1..) == Some(rest))
}

/// The longest hay [`has`] scans itself (DNS's longest label and more).
pub const HAS_SCAN: usize = 96;

/// The character is an emoji or other symbol (`\p{So}`), not punctuation.
pub(crate) fn is_other_symbol(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    char_matches(&OTHER_SYMBOL, c)
}

/// `c` alone matches one of the single-character classes here (`None`:
/// the class failed to compile, and then nothing
/// matches).
fn char_matches(class: &LazyLock<Option<Regex>>, c: char) -> bool {
    let mut buf = [0u8; 4];
    class
        .as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

static GLUED_PUNCTUATION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{Po}\p{Pd}\p{Pc}]$").ok());

/// Punctuation that is neither a quotation mark nor a bracket (`¡`, `¿`,
/// `•`, `—`, `！`): a phone's link finder takes it into a name glued to it
/// (`¡twilio.com`), and IDNA keeps it (or maps it to ASCII punctuation no
/// registry gives out). Quotation marks and brackets end a link instead.
pub(crate) fn is_glued_punctuation(c: char) -> bool {
    char_matches(&GLUED_PUNCTUATION, c)
}

static GLUED_SYMBOL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{Sc}\p{Sm}\p{Sk}]$").ok());

/// Currency, mathematical and modifier symbols (`¢`, `±`, `˄`): a phone's
/// link finder takes them into a name glued to them (`¢𝄀a.0co.uk`), as it
/// does punctuation, and IDNA keeps them in a part of a name in front of
/// the registrable one, which its owner can create.
pub(crate) fn is_glued_symbol(c: char) -> bool {
    char_matches(&GLUED_SYMBOL, c)
}

static UNSPACED_SCRIPT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\x{30FC}\x{3005}]$").ok()
});

/// A letter (or mark) of a script written without spaces between words,
/// or whose words take particles glued on (Chinese, Japanese, Korean, Thai,
/// Lao, Khmer, Burmese; the Japanese length mark `ー` and iteration mark
/// `々`): `ログインはtwilio-okta.comから`, `twilio-okta.com에서`. A reader
/// sees the Latin name between such letters, and that is what is judged
/// (the whole run too, where a phone can open it). None of these scripts
/// is used to imitate Latin letters, so a Latin name is never cut inside
/// a look-alike (Cyrillic and Greek are not in the list).
pub(crate) fn is_unspaced_script(c: char) -> bool {
    !c.is_ascii() && char_matches(&UNSPACED_SCRIPT, c)
}

/// A character outside ASCII that IDNA (UTS #46, NFKC) maps to one that
/// ends a host or breaks an address (`：` → `:`, `／` → `/`, `＠` → `@`,
/// `﹖` → `?`, `℅` → `c/o`, an ideographic or no-break space → ` `): a
/// host that holds one cannot be opened as written, and the names around
/// it are what the text shows.
/// A character a browser refuses in a host with Latin letters around it:
/// one IDNA maps to a delimiter ([`maps_to_delimiter`]), or a
/// right-to-left letter or sign (Hebrew, Arabic: the Bidi rule of IDNA
/// refuses a label that mixes them with Latin letters). Hebrew and Arabic
/// glue one-letter prefixes to a word (`לtwilio-okta.com`, "to …"): a
/// reader sees the Latin name after it, and that is what is judged.
pub(crate) fn ends_a_latin_name(c: char) -> bool {
    use icu_properties::{CodePointMapData, props::BidiClass};
    if c.is_ascii() {
        return false;
    }
    let rtl = |c: char| {
        matches!(
            CodePointMapData::<BidiClass>::new().get(c),
            BidiClass::RightToLeft | BidiClass::ArabicLetter | BidiClass::ArabicNumber
        )
    };
    // Ideographic description characters (`⿰`), the CJK stroke U+31EF
    // (new in Unicode 16, ideographic description syntax), the object replacement character (what a
    // picture pasted into text leaves) and the replacement character: IDNA
    // disallows them.
    rtl(c)
        || maps_to_delimiter(c)
        || ('\u{2FF0}'..='\u{2FFF}').contains(&c)
        || c == '\u{31EF}'
        || c == '\u{FFFC}'
        || c == '\u{FFFD}'
        || {
            // What NFKC makes of it holds a dot or a right-to-left letter
            // (`⒈` → `1.`, `․` → `.`, `ℵ` → `א`): IDNA refuses it in a name.
            use unicode_normalization::UnicodeNormalization;
            std::iter::once(c)
                .nfkc()
                .any(|m| m != c && (m == '.' || m == '\u{3002}' || rtl(m)))
        }
}

pub(crate) fn maps_to_delimiter(c: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    !c.is_ascii()
        && std::iter::once(c)
            .nfkc()
            .any(|m| m.is_ascii_whitespace() || ":/?#@[]\\<>^|%".contains(m))
}

static QUOTE_OR_BRACKET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{Pi}\p{Pf}\p{Ps}\p{Pe}]$").ok());

/// A quotation mark or bracket of any language (`«`, `“`, `（`, `「`): it
/// ends a link, for a reader and for a phone after a space.
pub(crate) fn is_quote_or_bracket(c: char) -> bool {
    char_matches(&QUOTE_OR_BRACKET, c)
}

static UNREGISTRABLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{P}\p{Sc}\p{Sm}\p{Sk}]$").ok());

/// Punctuation and symbols other than emoji and pictographs (`¡`, `«`,
/// `€`, `±`): IDNA 2008, which domain registries follow, disallows them in
/// a name, so no one can register one that holds them.
pub(crate) fn is_unregistrable_char(c: char) -> bool {
    char_matches(&UNREGISTRABLE, c)
}

/// [`is_symbol`] for one character: a table for the Basic Multilingual
/// Plane (8 KiB, filled once from the same regex), the regex above it.
/// Runs of symbols ask this of every character around each one (found by
/// the fuzzer: a megabyte of U+FFFD took over a second).
pub(crate) fn is_symbol_char(c: char) -> bool {
    let code = c as u32;
    if c.is_ascii() {
        return false;
    }
    if let Ok(i) = usize::try_from(code)
        && i < 0x1_0000
    {
        return SYMBOL_BMP
            .get(i / 64)
            .is_some_and(|word| word >> (i % 64) & 1 == 1);
    }
    let mut buf = [0u8; 4];
    is_symbol(c.encode_utf8(&mut buf))
}

/// [`is_symbol`] of every character below U+10000, one bit each.
static SYMBOL_BMP: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; 0x1_0000 / 64];
    for (i, word) in bits.iter_mut().enumerate() {
        for b in 0..64u32 {
            let code = u32::try_from(i).unwrap_or(0) * 64 + b;
            let mut buf = [0u8; 4];
            if let Some(c) = char::from_u32(code)
                && is_symbol(c.encode_utf8(&mut buf))
            {
                *word |= 1 << b;
            }
        }
    }
    bits
});

/// The most invisible characters and symbols [`glue_sides`] passes over on
/// each side (a DNS label's length).
const MAX_GLUED_RUN: usize = 63;
/// The most parts made of symbols alone [`glue_sides`] passes over after a dot.
const MAX_SYMBOL_PARTS: usize = 16;

/// What [`glue_sides`] found around a symbol: a name character (or `/`,
/// `@`, a dot) before, a name character after, and whether a part made of
/// symbols alone ends before a dot there.
#[derive(Clone, Copy)]
struct GlueSides {
    before_ok: bool,
    after_ok: bool,
    label_ends: bool,
}

/// A symbol at `start..end` of `text` is glued inside a name: a letter,
/// digit, `-` or `.` right before it, and a letter, digit or `-` (or a `.`
/// and then one of those) right after, looking past invisible characters
/// and further symbols (`™️` is `™` + U+FE0F; a flag is two symbols). A
/// browser maps such a symbol into the name (`™` → `tm`) or keeps it in it
/// (emoji), so it must not split the name into a part that looks safe. A
/// symbol IDNA maps to letters (`Ⓣ` → `t`, `℡` → `tel`) is a letter in
/// disguise: it is part of the name with a name character on either side.
///
/// `sides`: what [`glue_sides`] found around it.
fn glued_with(text: &str, start: usize, end: usize, sides: GlueSides) -> bool {
    let GlueSides {
        before_ok,
        after_ok,
        label_ends,
    } = sides;
    let this = text.get(start..end).and_then(|s| s.chars().next());
    if this.is_some_and(maps_to_letters) {
        return before_ok || after_ok;
    }
    // Symbols that make up a whole part of a name before a dot (`❤.ws`,
    // emoji domains) are that part.
    (before_ok && after_ok) || label_ends
}

/// [`glued_with`] along a pass: symbols right after one another (a run) share
/// the sides the run's first one found, so a run of a million symbols is
/// looked around once, not once per symbol (found by the fuzzer).
#[derive(Default)]
struct GlueMemo {
    run: Option<(usize, GlueSides)>,
}

impl GlueMemo {
    fn glued(&mut self, text: &str, start: usize, end: usize) -> bool {
        let sides = match self.run {
            Some((run_end, sides)) if run_end == start => sides,
            _ => glue_sides(text, start, end),
        };
        self.run = Some((end, sides));
        glued_with(text, start, end, sides)
    }
}

/// The sides [`glued_with`] looks at around the symbol at `start..end`.
fn glue_sides(text: &str, start: usize, end: usize) -> GlueSides {
    let name_char = |c: char| {
        c.is_alphanumeric() || c == '-' || unicode_normalization::char::is_combining_mark(c)
    };
    let dot = |c: char| c == '.' || is_lookalike_dot(c);
    // (CJK brackets too, which IDNA keeps: `a.〈.〈.0co.uk` is one name.)
    let skip = |c: char| {
        is_invisible(c)
            || is_symbol_char(c)
            || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
            || ('\u{3008}'..='\u{3011}').contains(&c)
    };
    // A DNS label holds at most 63 characters, so a longer run of such
    // characters is no part of one name; bounding the runs passed over
    // keeps a text of a million symbols linear (each symbol of the run
    // asked this: found by the fuzzer, 0.9 s for 1 MiB).
    let (mut passed_back, mut passed_after) = (0usize, 0usize);
    let mut back = text
        .get(..start)
        .unwrap_or("")
        .chars()
        .rev()
        .skip_while(|c| {
            passed_back += 1;
            passed_back <= MAX_GLUED_RUN && skip(*c)
        });
    let mut after = text.get(end..).unwrap_or("").chars().skip_while(|c| {
        passed_after += 1;
        passed_after <= MAX_GLUED_RUN && skip(*c)
    });
    // Right after `//` or `@` the name has begun (`https://👉twilio.com`).
    let before_ok = back
        .next()
        .is_some_and(|c| name_char(c) || dot(c) || c == '/' || c == '@');
    let (after_ok, label_ends) = match after.next() {
        Some(c) if dot(c) => {
            // Invisible characters and symbols after the dot are passed
            // over as before it (`a㇀.` + ZWSP + `co.uk.com` opens
            // `a㇀.co.uk.com`, and so does `a㇀.👉co.uk.com` its own name).
            // A part made of symbols alone is a part of the name too
            // (`a©.🣀.com` opens `xn--a-nca.xn--in9h.com`): past it, the
            // same question is asked after its dot.
            let mut parts = 0;
            let more = loop {
                let mut symbols = 0;
                let mut seen = 0usize;
                let next = after.find(|c| {
                    seen += 1;
                    let passed = seen <= MAX_GLUED_RUN && skip(*c);
                    symbols += usize::from(passed && !is_invisible(*c));
                    !passed
                });
                parts += 1;
                match next {
                    Some(c) if dot(c) && symbols > 0 && parts < MAX_SYMBOL_PARTS => continue,
                    next => break next.is_some_and(name_char),
                }
            };
            (more, more)
        }
        Some(c) => (name_char(c), false),
        None => (false, false),
    };
    GlueSides {
        before_ok,
        after_ok,
        label_ends,
    }
}

/// A full stop of another script that IDNA maps to `.` (`。`, `．`, `｡`).
pub(crate) fn is_lookalike_dot(c: char) -> bool {
    matches!(c, '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// Characters the normalising pass removes as invisible.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{FE0E}'
            | '\u{FE0F}'
    )
}

/// A symbol that UTS #46 (IDNA) maps to ASCII letters or digits: circled,
/// parenthesised and squared letters, `™`, `℠`, `℡`, `㎏`. Only the blocks
/// that hold such symbols are asked, so emoji cost nothing.
fn maps_to_letters(c: char) -> bool {
    let u = c as u32;
    let candidate = (0x2100..=0x214F).contains(&u)
        || (0x2460..=0x24FF).contains(&u)
        || (0x3200..=0x33FF).contains(&u)
        || (0x1F100..=0x1F1FF).contains(&u);
    if !candidate {
        return false;
    }
    let mut buf = [0u8; 4];
    idna::domain_to_ascii(c.encode_utf8(&mut buf)).is_ok_and(|a| {
        !a.is_empty() && !a.starts_with("xn--") && a.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

impl Normalized {
    /// Map a byte range of the normalised text back to the original text.
    ///
    /// The result always lies inside the original text and on character
    /// boundaries, whatever range is given.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.map_start(span.start);
        let end = self.map_end(span.end).max(start);
        start..end
    }

    fn map_start(&self, p: usize) -> usize {
        // Last edit that starts at or before p.
        let i = self.edits.partition_point(|e| e.normalized.start <= p);
        match i.checked_sub(1).and_then(|i| self.edits.get(i)) {
            None => p,
            Some(e) if p < e.normalized.end => e.original.start,
            Some(e) => e.original.end + (p - e.normalized.end),
        }
    }

    fn map_end(&self, p: usize) -> usize {
        // Last edit that starts strictly before p.
        let i = self.edits.partition_point(|e| e.normalized.start < p);
        match i.checked_sub(1).and_then(|i| self.edits.get(i)) {
            None => p,
            Some(e) if p <= e.normalized.end => e.original.end,
            Some(e) => e.original.end + (p - e.normalized.end),
        }
    }

    /// The edits that lie inside a span of the normalised text.
    pub fn edits_within(&self, span: Range<usize>) -> impl Iterator<Item = &Edit> {
        let first = self
            .edits
            .partition_point(|e| e.normalized.start < span.start);
        self.edits
            .get(first..)
            .unwrap_or_default()
            .iter()
            .take_while(move |e| e.normalized.start < span.end)
            .filter(move |e| e.normalized.start > span.start || !e.normalized.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    /// [`has`] says what [`str::contains`] says, on short and long hays,
    /// empty needles, needles longer than the hay, repeats and non-ASCII.
    #[test]
    fn has_is_contains() {
        let hays = [
            "",
            "a",
            "aa",
            "aaaaab",
            "twilio-okta",
            "oktatwilio",
            "tw1lio",
            "ssologin-help",
            "münchen",
            "ab-ab-ab-abc",
            "xn--80ak6aa92e",
        ];
        let long = "ab".repeat(100) + "abc";
        let needles = [
            "",
            "a",
            "b",
            "ab",
            "abc",
            "aab",
            "okta",
            "twilio",
            "lio",
            "ü",
            "ünc",
            "-",
            "--",
            "zzz",
            "abababababababababababababababababababababababababababababababab",
        ];
        for h in hays.iter().copied().chain([long.as_str()]) {
            for n in needles.iter().copied().chain(hays.iter().copied()) {
                assert_eq!(has(h, n), h.contains(n), "{h:?} {n:?}");
            }
        }
    }

    #[test]
    fn refangs_schemes_dots_and_at() {
        assert_eq!(
            norm("hxxps[:]//twilio-okta[.]net/x"),
            "https://twilio-okta.net/x"
        );
        assert_eq!(norm("hXXp://a(.)b(dot)c"), "http://a.b.c");
        assert_eq!(norm("example [dot] com"), "example.com");
        assert_eq!(norm("it[@]twilio-help[.]com"), "it@twilio-help.com");
        assert_eq!(norm("h**ps://x.com"), "https://x.com");
    }

    #[test]
    fn plain_text_is_untouched() {
        let n = normalize("Log in at https://twilio.com today (really).");
        assert!(n.edits.is_empty());
        assert_eq!(n.text, "Log in at https://twilio.com today (really).");
    }

    #[test]
    fn removes_invisible_and_bidi_and_maps_back() {
        let input = "go to tw\u{200B}ilio\u{202E}.com now";
        let n = normalize(input);
        assert_eq!(n.text, "go to twilio.com now");
        let start = n.text.find("twilio").unwrap();
        let span = n.original_span(start..start + "twilio.com".len());
        assert_eq!(&input[span.clone()], "tw\u{200B}ilio\u{202E}.com");
        let kinds: Vec<_> = n.edits_within(start..start + 10).map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EditKind::Invisible('\u{200B}'), EditKind::Bidi('\u{202E}')]
        );
    }

    #[test]
    fn symbols_separate_words() {
        let input = "\u{1F449}twilio-okta.com\u{1F448} ok\u{1F600}";
        let n = normalize(input);
        assert_eq!(n.text, " twilio-okta.com  ok ");
        assert_eq!(&input[n.original_span(1..16)], "twilio-okta.com");
    }

    #[test]
    fn quoted_printable_soft_breaks_are_joined() {
        let input = "Log in: =0Ahttps://twilio-okta.=\nnet/reset";
        let n = normalize(input);
        assert_eq!(n.text, "Log in: =0Ahttps://twilio-okta.net/reset");
        let start = n.text.find("https").unwrap();
        let span = n.original_span(start..n.text.len());
        assert_eq!(&input[span], "https://twilio-okta.=\nnet/reset");
    }

    #[test]
    fn tabs_and_line_breaks_inside_an_href_are_removed() {
        let input = "<a href=\"https://twilio.com\n.evil.ws/\">x</a> and\tnot here";
        let n = normalize(input);
        assert_eq!(
            n.text,
            "<a href=\"https://twilio.com.evil.ws/\">x</a> and\tnot here"
        );
        let start = n.text.find("https").unwrap();
        let end = n.text.find("/\"").unwrap() + 1;
        assert_eq!(
            &input[n.original_span(start..end)],
            "https://twilio.com\n.evil.ws/"
        );
    }

    #[test]
    fn symbols_glued_inside_names_are_kept() {
        assert_eq!(norm("twilio.com\u{2122}.ws"), "twilio.com\u{2122}.ws");
        assert_eq!(
            norm("twilio.com\u{2122}\u{FE0F}.ws"),
            "twilio.com\u{2122}.ws"
        );
        assert_eq!(
            norm("twilio.com\u{1F1FA}\u{1F1F8}.ws"),
            "twilio.com\u{1F1FA}\u{1F1F8}.ws"
        );
        assert_eq!(
            norm("go \u{24C9}wilio-okta.com"),
            "go \u{24C9}wilio-okta.com"
        );
        // A letter in disguise stays with the name it touches (a browser
        // maps `™` to `tm`); other symbols separate at the edges.
        assert_eq!(norm("twilio.com\u{2122} today"), "twilio.com\u{2122} today");
        assert_eq!(norm("twilio.com\u{1F448} today"), "twilio.com  today");
    }

    #[test]
    fn html_character_references_and_hyphen_line_breaks() {
        assert_eq!(
            norm("twilio&#46;com and twilio&period;com &#x3a;"),
            "twilio.com and twilio.com :"
        );
        assert_eq!(
            norm("log in at twilio-\nokta.com"),
            "log in at twilio-okta.com"
        );
        assert_eq!(norm("hxxps:/twilio-okta.com"), "https://twilio-okta.com");
    }

    #[test]
    fn lookalike_dots() {
        let n = normalize("twilio\u{3002}com");
        assert_eq!(n.text, "twilio.com");
        assert_eq!(n.edits[0].kind, EditKind::LookalikeDot);
        assert_eq!(n.original_span(0..10), 0.."twilio\u{3002}com".len());
    }

    fn same_pass(input: &str) {
        let fast = single_pass(input);
        let oracle = single_pass_with_captures(input);
        assert_eq!(fast.text, oracle.text, "text of {input:?}");
        assert_eq!(fast.edits, oracle.edits, "edits of {input:?}");
    }

    /// The pass that tells matches apart by their text gives exactly what
    /// the capture groups gave, on the adversarial corpus, the fuzz seeds
    /// and the corners of `(?i)` (Kelvin sign, long s, upper-case names).
    #[test]
    fn the_pass_without_capture_groups_equals_the_one_with_them() {
        let corpus = include_str!("../../tests/data/adversarial.txt");
        for line in corpus.lines() {
            same_pass(line);
            same_pass(&normalize(line).text);
        }
        same_pass(corpus);
        for s in [
            "hxxp\u{17F}://x.com hXXPS[:]//a h**p://b h__ps : //c hTTps://d",
            "\u{212A}-\nx a-\r\n\u{17F} 9-\n9 -\nx x-\n-",
            "a[.]b a ( . ) b a{dot}b a[DOT]b a [ [ . ] ] b a(at)b a[AT]b a[@]b a[\u{3002}]b",
            "&#46; &#x3A; &#X2e &#0; &#1114112; &#x110000; &PERIOD; &period; &Colon; &amp;",
            "=\n =\r\n = \n",
            "\u{3002}\u{FF0E}\u{FF61} \u{200B}\u{FEFF}\u{00AD}\u{FE0F} \u{202E}\u{2066}\u{061C}",
            "twilio.com\u{2122}.ws \u{1F449}twilio.com\u{1F448} \u{00AB}x\u{00BB} \u{2026} \u{3008}\u{3011}",
            "https://a\u{200B}b\u{2122}c\u{3002}d[.]e%2e1-2-3.\u{1F512}a\u{200B}b",
            "\u{24B6}\u{24D0} \u{1F130} \u{2100}",
        ] {
            same_pass(s);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn the_pass_without_capture_groups_equals_the_one_with_them_on_generated_text(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "h", "H", "xx", "XX", "**", "__", "tt", "p", "s", "S", "\u{17F}", ":", "/", "\\",
                "[", "]", "(", ")", "{", "}", " ", "\t", ".", "dot", "DOT", "at", "@", "-", "\n",
                "\r", "=", "&", "#", "x", "3a", "46", ";", "period", "PERIOD", "sol", "a", "k",
                "\u{212A}", "9", "\u{3002}", "\u{FF0E}", "\u{200B}", "\u{FE0F}", "\u{202E}",
                "\u{2122}", "\u{1F512}", "\u{24C9}", "\u{00AB}", "\u{2026}", "\u{3010}",
                "\u{0301}", "\u{1F3FB}", "twilio", "com",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            same_pass(&text);
        }
    }

    #[test]
    fn refanging_is_idempotent() {
        for s in [
            "hxxps[:]//a[.]b",
            "x(.)y [dot] z",
            "plain text",
            "a\u{200B}b",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once);
        }
    }
}
