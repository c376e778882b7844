//! Systematic search for characters that make Second Look judge another
//! host than the one a phone opens (issue #17 §1): every assigned
//! character from U+0080 up to `LIMIT` (default U+2FFFF) is glued to names
//! in each of the places of `secondlook::invariants::glue_texts`, and the
//! `destinations` invariant is checked on each text. Failures are printed
//! grouped by template and general category, with the first few examples.
//!
//! cargo run --release --example glue_search [-- LIMIT_HEX]

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool

use std::collections::BTreeMap;

use regex::Regex;
use secondlook::{Policy, analyze, invariants};

const CATEGORIES: &[&str] = &[
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi",
    "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn",
];

fn main() {
    let limit = std::env::args()
        .nth(1)
        .and_then(|h| u32::from_str_radix(h.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x2FFFF);
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let cats: Vec<(&str, Regex)> = CATEGORIES
        .iter()
        .map(|c| (*c, Regex::new(&format!(r"^\p{{{c}}}$")).unwrap()))
        .collect();
    let category = |c: char| {
        let s = c.to_string();
        cats.iter()
            .find(|(_, re)| re.is_match(&s))
            .map_or("?", |(n, _)| n)
    };
    let mut fails: BTreeMap<(usize, &str), Vec<(char, String)>> = BTreeMap::new();
    let (mut chars, mut texts) = (0u64, 0u64);
    for u in 0x80..=limit {
        let Some(c) = char::from_u32(u) else { continue };
        let cat = category(c);
        if matches!(cat, "Cn" | "Co" | "Cc") {
            continue;
        }
        chars += 1;
        for (t, text) in invariants::glue_texts(c).into_iter().enumerate() {
            texts += 1;
            let a = analyze(&text, &policy);
            if let Err(e) = invariants::destinations(&text, &a) {
                fails.entry((t, cat)).or_default().push((c, e));
            }
        }
    }
    println!(
        "{chars} characters, {texts} texts, {} failing groups",
        fails.len()
    );
    let templates = invariants::glue_texts('\u{2603}');
    for ((t, cat), v) in &fails {
        println!(
            "\ntemplate {t} {:?} category {cat}: {} characters",
            templates[*t].replace('\u{2603}', "{c}"),
            v.len()
        );
        for (c, e) in v.iter().take(4) {
            println!("  U+{:04X} {c:?}: {e}", *c as u32);
        }
    }
}
