//! Times `analyze` on whole files (median of 5, one core, release) and
//! lists them slowest first: the check that every 1 MiB input stays within
//! the 100 ms budget (issue #17 §2). The figures go to docs/benchmarks.md.
//!
//! The time is the thread's CPU time (Linux: `/proc/thread-self/schedstat`,
//! nanoseconds on a CPU), so a machine shared with other builds does not
//! inflate it with time spent waiting for a core; elsewhere it falls back
//! to wall-clock time and says so.
//!
//! Each row ends with a SHA-256 prefix of the input's JSON analysis
//! (verdict, links, findings, explanations): the same digests before and
//! after a speed change mean the verdicts did not change.
//!
//! cargo run --release --example time_inputs -- fuzz/seeds/analyze-long/*

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool

use std::time::{Duration, Instant};

use secondlook::{Policy, analysis::analyze_bytes, json::AnalysisJson};
use sha2::{Digest, Sha256};

/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Nanoseconds this thread has run on a CPU, where the kernel tells.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Runs `f` and returns its CPU time (wall-clock time without a CPU clock).
fn measure(f: impl FnOnce()) -> Duration {
    let (c, t) = (cpu_ns(), Instant::now());
    f();
    match (c, cpu_ns()) {
        (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
        _ => t.elapsed(),
    }
}

fn main() {
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let clock = if cpu_ns().is_some() {
        "CPU time of the analysing thread"
    } else {
        "wall-clock time (no CPU clock here)"
    };
    println!("median of 5, {clock}");
    let mut rows: Vec<(Duration, usize, String, String)> = Vec::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                measure(|| {
                    std::hint::black_box(analyze_bytes(
                        std::hint::black_box(&bytes),
                        bytes.len(),
                        &policy,
                    ));
                })
            })
            .collect();
        times.sort();
        let a = analyze_bytes(&bytes, bytes.len(), &policy);
        let json = serde_json::to_string(&AnalysisJson::new(&a)).unwrap();
        let digest: String = Sha256::digest(json.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        rows.push((times[2], bytes.len(), path, digest));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (t, len, path, digest) in rows {
        println!(
            "{:>9.1} ms  {:>8} B  {:>7.1} MB/s  {digest}  {path}",
            t.as_secs_f64() * 1e3,
            len,
            len as f64 / t.as_secs_f64() / 1e6
        );
    }
}
