//! Deterministic worst-case search for long inputs (issue #17 §2): each
//! input family below is grown from 64 KiB to 1 MiB and `analyze` is timed
//! on each size (CPU time of this thread, median of 3), so a family whose
//! time per byte rises with size (worse than linear) or whose 1 MiB input
//! takes more than 100 ms stands out. The families build what libFuzzer's
//! short inputs never reach: one long host of many labels, brand names
//! glued to themselves, mixed invisible characters and symbols, defanged
//! and look-alike dots, percent-encoding, nested `?next=` chains. The
//! figures go to docs/security.md.
//!
//! cargo run --release --example long_search
//! cargo run --release --example long_search -- --digest   # verdicts' fingerprint per input
//! cargo run --release --example long_search -- labels emoji  # only families named so
//!
//! `--digest` prints a SHA-256 of each 1 MiB input's JSON analysis (verdict,
//! every link, finding and explanation) instead of times: the same digests
//! before and after a speed change mean the verdicts did not change.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool

use std::time::{Duration, Instant};

use secondlook::{Policy, analysis::analyze_bytes, json::AnalysisJson};
use sha2::{Digest, Sha256};

/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Nanoseconds this thread has run on a CPU (Linux), so a machine shared
/// with other builds does not count time spent waiting for a core.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn measure(f: impl FnOnce()) -> Duration {
    let (c, t) = (cpu_ns(), Instant::now());
    f();
    match (c, cpu_ns()) {
        (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
        _ => t.elapsed(),
    }
}

/// `prefix`, then `unit` repeated while it fits in `size` bytes, then `suffix`.
fn grow(prefix: &str, unit: &str, suffix: &str, size: usize) -> String {
    let n = size.saturating_sub(prefix.len() + suffix.len()) / unit.len().max(1);
    let mut s = String::with_capacity(size);
    s.push_str(prefix);
    for _ in 0..n {
        s.push_str(unit);
    }
    s.push_str(suffix);
    s
}

/// Each family: a name, and the text of a given size.
type Family = (&'static str, fn(usize) -> String);

const FAMILIES: &[Family] = &[
    ("labels a.", |n| grow("https://", "a.", "com", n)),
    ("labels 1. (numeric)", |n| grow("https://", "1.", "", n)),
    ("labels ab. no scheme", |n| grow("", "ab.", "com", n)),
    ("one label", |n| grow("https://", "a", ".com", n)),
    ("hyphens", |n| grow("https://a", "-", "a.com", n)),
    ("digits", |n| grow("https://", "1", "", n)),
    ("glued brand-okta.com", |n| {
        grow("", "brand-okta.com", "", n)
    }),
    ("glued twilio-okta.com https", |n| {
        grow("https://", "twilio-okta.com", "", n)
    }),
    ("glued twilio.com no dots", |n| {
        grow("https://", "twiliocom", ".com", n)
    }),
    ("brand labels twilio-okta.", |n| {
        grow("https://", "twilio-okta.", "com", n)
    }),
    ("zero-width labels", |n| {
        grow("https://", "tw\u{200B}ilio-okta.", "com", n)
    }),
    ("zero-width + symbol (bench mixed)", |n| {
        grow("https://", "tw\u{200B}ilio-okta\u{2122}.", "com", n)
    }),
    ("mixed invisible/symbol/dots (long-30)", |n| {
        grow(
            "https://",
            "a\u{200B}b\u{2122}c\u{3002}d[.]e%2e1-2-3.\u{1F512}",
            "",
            n,
        )
    }),
    ("emoji inside labels", |n| {
        grow("https://", "okta\u{1F512}twilio.", "com", n)
    }),
    ("emoji between names", |n| {
        grow("", "\u{1F449}twilio.com", "", n)
    }),
    ("look-alike dots", |n| {
        grow("https://", "twilio\u{3002}", "com", n)
    }),
    ("defanged dots", |n| grow("hxxps://", "twilio[.]", "com", n)),
    ("defanged (dot) no scheme", |n| grow("", "a(.)", "com", n)),
    ("bidi + ZWJ", |n| {
        grow("https://", "a\u{202E}b\u{200D}.", "com", n)
    }),
    ("combining marks", |n| {
        grow("https://", "a\u{0301}\u{0301}.", "com", n)
    }),
    ("Cyrillic look-alikes", |n| {
        grow("https://", "twіlіo.", "com", n)
    }),
    ("punycode labels", |n| {
        grow("https://", "xn--pple-43d.", "com", n)
    }),
    ("percent-encoded host", |n| {
        grow("https://", "%74%77.", "com", n)
    }),
    ("percent-encoded dots", |n| {
        grow("https://tw", "%2e", "com", n)
    }),
    ("HTML entity dots", |n| {
        grow("https://", "twilio&#46;", "com", n)
    }),
    ("nested ?next= chain", |n| {
        grow("", "https://twilio.com/?next=", "https://evil.example/", n)
    }),
    ("nested encoded next", |n| {
        grow(
            "https://a.com/r?next=",
            "https%3A%2F%2Fa.com%2F%3Fnext%3D",
            "x",
            n,
        )
    }),
    ("userinfo chain", |n| {
        grow("https://", "twilio.com@", "evil.example", n)
    }),
    ("many short links", |n| grow("", "twilio-okta.com ", "", n)),
    ("many e-mail addresses", |n| {
        grow("", "it@twilio-help.com ", "", n)
    }),
    ("hyphen line breaks", |n| {
        grow("", "twilio-\nokta.com ", "", n)
    }),
    ("markdown shown vs target", |n| {
        grow("", "[twilio.com](https://evil.example/) ", "", n)
    }),
    ("brackets around a link", |n| {
        grow("", "(", "twilio-okta.com", n)
    }),
    ("damaged schemes", |n| {
        grow("", "ttps://twilio-okta.com ", "", n)
    }),
    ("scheme-less slashes", |n| {
        grow("", "//", "twilio-okta.com", n)
    }),
    ("words and dots", |n| {
        grow("", "login.twilio verify.now ", "", n)
    }),
    // From the fuzz programs (fuzz/seeds/analyze-gen): shapes the families
    // above did not cover.
    ("invalid punycode labels", |n| {
        grow("https://", "a.a.xn--zz.", "com", n)
    }),
    ("labels a.1. no scheme", |n| grow("", "a.1.", "", n)),
    // The readers' readings of runs no browser opens (2026-12-03): names
    // glued to CJK words, disguised delimiters, CJK brackets, fillers.
    ("names glued to Japanese words", |n| {
        grow("", "ログインはtwilio-okta.comから", "", n)
    }),
    ("names between Hangul, one host", |n| {
        grow("https://", "지금twilio.", "com", n)
    }),
    ("full-width colons between names", |n| {
        grow("", "twilio.com.evil.com：", "", n)
    }),
    ("CJK brackets inside labels", |n| {
        grow("https://", "x〈a.", "com", n)
    }),
    ("Hangul fillers and percent signs", |n| {
        grow("", "x\u{3164}a.co％", "uk", n)
    }),
    ("HTML anchors shown vs target", |n| {
        grow(
            "<a href=\"https://evil.example/\">",
            "twilio.com ",
            "</a>",
            n,
        )
    }),
    ("shown <target> pairs", |n| {
        grow("", "twilio.com <https://evil.example/> ", "", n)
    }),
    // Names behind a host that leads nowhere (2026-12-04/06, found by the
    // fuzzer): backslashes, punctuation inside a host, a CJK full stop.
    ("backslashes in the path", |n| {
        grow("https://evil.example", "\\twilio.co", ".com/login", n)
    }),
    ("punctuation inside one host", |n| {
        grow("https://", "twiloi,okta.", "net", n)
    }),
    ("CJK sentences before tenants", |n| {
        grow("", "【ログイン】7日です。twilio.okta.com ", "", n)
    }),
];

const SIZES: [usize; 5] = [64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20];

fn main() {
    let policy =
        Policy::from_toml(include_str!("../tests/data/twilio.toml"), "twilio.toml").unwrap();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let digest = args.iter().any(|a| a == "--digest");
    // Other arguments pick families by a part of their name.
    let picked: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let families = FAMILIES
        .iter()
        .filter(|(name, _)| picked.is_empty() || picked.iter().any(|p| name.contains(p.as_str())));
    if digest {
        for (name, make) in families {
            let text = make(1 << 20);
            let a = analyze_bytes(text.as_bytes(), text.len(), &policy);
            let json = serde_json::to_string(&AnalysisJson::new(&a)).unwrap();
            let hash = Sha256::digest(json.as_bytes());
            let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
            println!("{hex}  {:<10} {name}", a.verdict.as_str());
        }
        return;
    }
    if cpu_ns().is_none() {
        println!("(no CPU clock on this system: wall-clock times)");
    }
    println!("ms at 64 KiB … 1 MiB (CPU time, median of 3); ns/byte at 64 KiB and 1 MiB");
    let mut worst: Vec<(Duration, &str)> = Vec::new();
    for (name, make) in families {
        let mut row = Vec::new();
        for size in SIZES {
            let text = make(size);
            let mut t: Vec<Duration> = (0..3)
                .map(|_| {
                    measure(|| {
                        std::hint::black_box(analyze_bytes(
                            std::hint::black_box(text.as_bytes()),
                            text.len(),
                            &policy,
                        ));
                    })
                })
                .collect();
            t.sort();
            row.push((t[1], text.len()));
        }
        let per_byte = |(t, len): (Duration, usize)| t.as_secs_f64() * 1e9 / len as f64;
        let times: Vec<String> = row
            .iter()
            .map(|(t, _)| format!("{:>7.1}", t.as_secs_f64() * 1e3))
            .collect();
        let first = row.first().copied().map(per_byte).unwrap_or(0.0);
        let last = row.last().copied().map(per_byte).unwrap_or(0.0);
        println!(
            "{}  | {first:>5.1} → {last:>5.1} ns/B  {name}",
            times.join(" ")
        );
        worst.push((row.last().map(|r| r.0).unwrap_or_default(), name));
    }
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    println!("slowest at 1 MiB:");
    for (t, name) in worst.iter().take(5) {
        println!("{:>7.1} ms  {name}", t.as_secs_f64() * 1e3);
    }
}
