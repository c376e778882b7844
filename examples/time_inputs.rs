//! Times `analyze` on whole files (median of 5, one core, release) and
//! lists them slowest first: the check that every 1 MiB input stays within
//! the 100 ms budget (issue #17 §2). The figures go to docs/benchmarks.md.
//!
//! cargo run --release --example time_inputs -- fuzz/seeds/analyze-long/*

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool

use std::time::{Duration, Instant};

use secondlook::{Policy, analysis::analyze_bytes};

fn main() {
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let mut rows: Vec<(Duration, usize, String)> = Vec::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(analyze_bytes(
                    std::hint::black_box(&bytes),
                    bytes.len(),
                    &policy,
                ));
                t.elapsed()
            })
            .collect();
        times.sort();
        rows.push((times[2], bytes.len(), path));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (t, len, path) in rows {
        println!(
            "{:>9.1} ms  {:>8} B  {:>7.1} MB/s  {path}",
            t.as_secs_f64() * 1e3,
            len,
            len as f64 / t.as_secs_f64() / 1e6
        );
    }
}
