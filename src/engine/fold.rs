//! The folded form of text that the lure analysis ([`crate::lure`]) and the
//! policy's `[detection] lure_words` are both compared in, and the list of
//! vocabulary languages: a leaf both import, so the policy does not import
//! the lure analysis (which reads the compiled policy). Linear, no I/O.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// The vocabulary files, in the order languages are preferred on a tie.
pub const FILES: &[(&str, &str)] = &[
    ("en", include_str!("../../assets/lures/en.toml")),
    ("es", include_str!("../../assets/lures/es.toml")),
    ("de", include_str!("../../assets/lures/de.toml")),
    ("fr", include_str!("../../assets/lures/fr.toml")),
    ("pt", include_str!("../../assets/lures/pt.toml")),
    ("it", include_str!("../../assets/lures/it.toml")),
    ("nl", include_str!("../../assets/lures/nl.toml")),
    ("ja", include_str!("../../assets/lures/ja.toml")),
    ("sv", include_str!("../../assets/lures/sv.toml")),
    ("pl", include_str!("../../assets/lures/pl.toml")),
    ("tr", include_str!("../../assets/lures/tr.toml")),
    ("zh", include_str!("../../assets/lures/zh.toml")),
    ("ko", include_str!("../../assets/lures/ko.toml")),
    ("id", include_str!("../../assets/lures/id.toml")),
    ("ro", include_str!("../../assets/lures/ro.toml")),
    ("ar", include_str!("../../assets/lures/ar.toml")),
];

/// The language codes there is a vocabulary for ("en, es, …").
pub fn language_codes() -> String {
    FILES
        .iter()
        .map(|(code, _)| *code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CJK character (kana, ideographs, half-width katakana): such words
/// have no spaces around them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

/// Words of a text in the form they are compared in.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// Lower case, no accents, digit runs as `0`, one space between words,
    /// ` | ` between clauses (at commas, colons and sentence ends).
    pub text: String,
    /// Byte offsets of the clause breaks (`|`) in `text`.
    breaks: Vec<usize>,
    /// The breaks that end a sentence (`.`, `!`, `?`, a new line).
    sentences: Vec<usize>,
    /// Byte offsets in `text` of the `0`s that stand for a number of one
    /// to three digits on its own (not glued to letters, not an amount or
    /// a decimal): the number a number-matching lure asks you to type.
    pub short_numbers: Vec<usize>,
}

impl Folded {
    /// The clause (between commas) `at` is in.
    pub fn clause(&self, at: usize) -> usize {
        self.breaks.partition_point(|b| *b < at)
    }

    /// The sentence `at` is in.
    pub fn sentence(&self, at: usize) -> usize {
        self.sentences.partition_point(|b| *b < at)
    }
}

/// Fold `text` (see [`Folded`]). Linear in the text.
pub fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len() + 8);
    let mut breaks = Vec::new();
    let mut sentences = Vec::new();
    let mut space = true;
    let mut digits = false;
    let mut short_numbers = Vec::new();
    // The number being read: where its `0` is, how many digits, and
    // whether it can still be a short number on its own.
    let mut run = (0usize, 0usize, false);
    let mut prev = ' ';
    let mut chars = nfkd(text)
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .peekable();
    while let Some(c) = chars.next() {
        let before = std::mem::replace(&mut prev, c);
        if c.is_ascii_digit() || c.is_numeric() {
            if !digits {
                let alone = (space || out.chars().next_back().is_some_and(is_cjk))
                    && !matches!(before, '£' | '$' | '€' | '¥' | '₹' | '#' | '+');
                run = (out.len(), 0, alone);
                out.push('0');
                digits = true;
                space = false;
            }
            run.1 += 1;
            continue;
        }
        // "2.99", "1,480.00": one number.
        if digits && matches!(c, '.' | ',') && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            run.2 = false;
            continue;
        }
        if digits
            && run.2
            && run.1 <= 3
            && (!c.is_alphabetic() || is_cjk(c))
            && !matches!(c, '%' | '€' | '$' | '£' | '¥' | ':' | '/')
        {
            short_numbers.push(run.0);
        }
        if c.is_alphabetic() || c == '&' {
            digits = false;
            out.extend(c.to_lowercase());
            space = false;
            continue;
        }
        digits = false;
        let sentence = matches!(
            c,
            '.' | '!' | '?' | ';' | '\n' | '\r' | '。' | '！' | '？' | '…'
        );
        let clause = sentence || matches!(c, ':' | ',' | '、' | '：' | '，');
        if clause {
            if !out.ends_with("| ") {
                if !space {
                    out.push(' ');
                }
                breaks.push(out.len());
                out.push_str("| ");
            }
            if sentence
                && sentences.last() != breaks.last()
                && let Some(b) = breaks.last()
            {
                sentences.push(*b);
            }
            space = true;
        } else if !space {
            // Apostrophes too: "don't" is compared as "don t", "d'appeler"
            // as "d appeler", "CFO's" as "cfo s".
            out.push(' ');
            space = true;
        }
    }
    if digits && run.2 && run.1 <= 3 {
        short_numbers.push(run.0);
    }
    Folded {
        text: out,
        breaks,
        sentences,
        short_numbers,
    }
}

/// The NFKD decomposition of `text`, with ASCII passed through as it is:
/// an ASCII character is its own decomposition and a starter (canonical
/// combining class 0), so canonical reordering never crosses it and each
/// run of non-ASCII text decomposes on its own to the same characters as
/// within the whole text. Plain ASCII text (most messages) then costs no
/// decomposition at all.
fn nfkd(text: &str) -> Nfkd<'_> {
    Nfkd {
        rest: text,
        run: None,
    }
}

struct Nfkd<'a> {
    /// What is not decomposed yet.
    rest: &'a str,
    /// The run of non-ASCII text being decomposed.
    run: Option<unicode_normalization::Decompositions<std::str::Chars<'a>>>,
}

impl Iterator for Nfkd<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            if let Some(run) = &mut self.run {
                if let Some(c) = run.next() {
                    return Some(c);
                }
                self.run = None;
            }
            let first = *self.rest.as_bytes().first()?;
            if first.is_ascii() {
                self.rest = self.rest.get(1..).unwrap_or_default();
                return Some(char::from(first));
            }
            // The run ends at the next ASCII byte: a character boundary.
            let end = self
                .rest
                .bytes()
                .position(|b| b.is_ascii())
                .unwrap_or(self.rest.len());
            let (run, rest) = self.rest.split_at_checked(end)?;
            self.rest = rest;
            self.run = Some(run.nfkd());
        }
    }
}

/// A pattern in folded form (no clause marks, trimmed).
pub fn fold_pattern(p: &str) -> String {
    fold(p).text.replace("| ", "").trim().to_owned()
}

/// The match is a whole word: a space, the text's edge or a CJK character
/// on each side ("teamviewerをインストール" has a word "teamviewer").
pub fn bounded_at(text: &str, r: &Range<usize>) -> bool {
    let ok = |c: Option<char>| c.is_none_or(|c| c == ' ' || is_cjk(c));
    let before = text.get(..r.start).and_then(|s| s.chars().next_back());
    let after = text.get(r.end..).and_then(|s| s.chars().next());
    ok(before) && ok(after)
}

/// The match `r` of the word `word` in folded text is a whole word (always
/// for CJK words, which have no spaces).
pub fn is_whole_word(folded: &str, r: Range<usize>, word: &str) -> bool {
    word.chars().any(is_cjk) || bounded_at(folded, &r)
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    /// The decomposition with ASCII passed through equals NFKD of the whole
    /// text: accents, compatibility forms, combining marks out of order and
    /// at the start of a run, emoji, CJK, ASCII between them.
    #[test]
    fn nfkd_with_ascii_passed_through_is_nfkd() {
        let pieces = [
            "a",
            "Z",
            " ",
            ".",
            "\n",
            "1",
            "é",
            "e\u{0301}",
            "\u{0301}",
            "\u{0323}\u{0301}",
            "\u{0301}\u{0323}",
            "ﬁ",
            "Ａ",
            "①",
            "™",
            "ǅ",
            "Å",
            "한",
            "日本",
            "ｶﾞ",
            "\u{1F449}",
            "\u{200B}",
            "\u{FE0F}",
            "ﷺ",
            "ß",
            "İ",
            "\u{0345}",
            "\u{05B0}\u{05B1}",
        ];
        // Every pair and triple, and longer mixtures from a fixed sequence.
        let mut texts: Vec<String> = Vec::new();
        for a in pieces {
            for b in pieces {
                texts.push(format!("{a}{b}"));
                for c in ["", "x", "\u{0301}", "é"] {
                    texts.push(format!("{a}{c}{b}"));
                }
            }
        }
        let mut state = 7u32;
        for _ in 0..500 {
            let mut t = String::new();
            for _ in 0..12 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                t.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            texts.push(t);
        }
        for t in &texts {
            let ours: String = super::nfkd(t).collect();
            let whole: String = t.nfkd().collect();
            assert_eq!(ours, whole, "{t:?}");
        }
    }
}
