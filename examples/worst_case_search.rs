//! Looks for the costliest input per byte among the fuzzer's corpus: each
//! unit is repeated to 64 KB and analysed; the 10 slowest are then repeated
//! to 1 MB and timed (median of 5). docs/benchmarks.md quotes the result;
//! the winner becomes the `worst_case/fuzz_1mb` criterion benchmark input
//! when it beats the hand-made one.
//!
//! cargo run --release --example worst_case_search -- fuzz/corpus/analyze fuzz/seeds/analyze

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool

use std::time::{Duration, Instant};

use secondlook::{Policy, analyze};

fn repeat_to(unit: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + unit.len());
    while s.len() < size {
        s.push_str(unit);
        s.push('\n');
    }
    s
}

fn main() {
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let mut units: Vec<(String, String)> = Vec::new();
    for dir in std::env::args().skip(1) {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes).replace('\n', " ");
            if text.len() >= 4 {
                units.push((e.path().display().to_string(), text));
            }
        }
    }
    eprintln!("{} units", units.len());
    let mut timed: Vec<(Duration, &str, &str)> = units
        .iter()
        .map(|(name, unit)| {
            let text = repeat_to(unit, 64 * 1024);
            let t = Instant::now();
            std::hint::black_box(analyze(&text, &policy));
            (t.elapsed(), name.as_str(), unit.as_str())
        })
        .collect();
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    println!("slowest at 64 KB, then the same unit at 1 MB (median of 5):");
    for (t64, name, unit) in timed.iter().take(10) {
        let text = repeat_to(unit, 1 << 20);
        let mut runs: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(analyze(&text, &policy));
                t.elapsed()
            })
            .collect();
        runs.sort();
        println!(
            "{:>8.2} ms @64KB  {:>8.2} ms @1MB  {name}  {:?}",
            t64.as_secs_f64() * 1e3,
            runs[2].as_secs_f64() * 1e3,
            unit.chars().take(60).collect::<String>()
        );
    }
}
