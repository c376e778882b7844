//! Runs `secondlook::invariants::all` (spans, safety, destinations,
//! determinism) on each file named, or on each line of standard input with
//! `--lines`, under the Twilio-like test policy: the fuzz target's oracle,
//! for triaging a fuzzer's finding or checking a text by hand.
//!
//! cargo run --example invariants -- fuzz/artifacts/analyze/crash-*
//! printf '%s\n' 'https://twilio.com™.ws/' | cargo run --example invariants -- --lines

#![allow(clippy::unwrap_used, clippy::expect_used)] // a developer's tool

use std::io::Read;

use secondlook::Policy;

/// A fuzz program unit (`0x01, n, prefix (n bytes), unit`, see
/// fuzz/fuzz_targets/analyze.rs) grown as the target grows it: `prefix` +
/// `unit` repeated up to 1 MiB. Any other file is its own text.
fn expand(data: Vec<u8>) -> Vec<u8> {
    let [1, n, rest @ ..] = data.as_slice() else {
        return data;
    };
    let n = usize::from(*n).min(rest.len());
    let (prefix, unit) = rest.split_at(n);
    if unit.is_empty() {
        return data;
    }
    let mut out = prefix.to_vec();
    while out.len() + unit.len() <= 1 << 20 {
        out.extend_from_slice(unit);
    }
    out
}

fn main() {
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut texts: Vec<(String, String)> = Vec::new();
    if args.iter().any(|a| a == "--lines") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).unwrap();
        for (i, line) in s.lines().enumerate() {
            texts.push((format!("line {}", i + 1), line.to_string()));
        }
    }
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let bytes = std::fs::read(path).unwrap();
        let bytes = expand(bytes);
        texts.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
    }
    let mut failed = 0;
    for (name, text) in &texts {
        match secondlook::invariants::all(text, &policy) {
            Ok(a) => println!("{name}: ok ({:?}, {} links)", a.verdict, a.links.len()),
            Err(e) => {
                failed += 1;
                println!("{name}: FAILED: {e}");
            }
        }
    }
    println!("{} checked, {failed} failed", texts.len());
    if failed > 0 {
        std::process::exit(1);
    }
}
