//! Speed goals (one core): a typical SMS in under 100 µs; a 1 MB clipboard
//! text in under 50 ms; a 1 MB worst case in under 100 ms; the bulk path
//! (`check --lines`) at 200k domains/s or more; a single host of up to 1 MiB
//! (many labels, glued names) under 100 ms. Results and the command are recorded in docs/benchmarks.md.
//!
//! ```sh
//! cargo bench --bench analysis
//! ```

#![allow(clippy::expect_used)] // a benchmark with a broken fixture should stop

use std::hint::black_box;
use std::time::Duration;

/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use secondlook::{Policy, analyze};

mod inputs;
use inputs::{clipboard_text, domains, worst_case};

const TWILIO: &str = include_str!("../tests/data/twilio.toml");

const SMS: &str = "Twilio IT Department: your password has expired. Log in at twilio-okta.net/reset within 24 hours to keep access.";

fn benches(c: &mut Criterion) {
    let policy = Policy::from_toml(TWILIO, "twilio").expect("valid policy");
    let builtin = Policy::builtin().expect("valid built-in policy");

    let mut g = c.benchmark_group("message");
    g.bench_function("sms_twilio_policy", |b| {
        b.iter(|| analyze(black_box(SMS), &policy))
    });
    g.bench_function("sms_builtin_policy", |b| {
        b.iter(|| analyze(black_box(SMS), &builtin))
    });
    g.finish();

    let text = clipboard_text(1_000_000);
    let mut g = c.benchmark_group("clipboard");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("1mb_twilio_policy", |b| {
        b.iter(|| analyze(black_box(&text), &policy))
    });
    g.finish();

    let worst = worst_case(1_000_000);
    let mut g = c.benchmark_group("worst_case");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(worst.len() as u64));
    g.bench_function("1mb_adversarial_twilio_policy", |b| {
        b.iter(|| analyze(black_box(&worst), &policy))
    });
    // The costliest unit per byte in the fuzzer's corpus
    // (examples/worst_case_search): a defanged dotted word that is not a
    // domain, 80k times.
    let fuzz = "h**ta(.)rihk\n".repeat(1_000_000 / 13);
    g.throughput(Throughput::Bytes(fuzz.len() as u64));
    g.bench_function("1mb_fuzz_found_twilio_policy", |b| {
        b.iter(|| analyze(black_box(&fuzz), &policy))
    });
    g.finish();

    // Linear growth: the same inputs at four sizes. Throughput (bytes/s)
    // stays flat when time grows linearly; docs/benchmarks.md compares the
    // per-byte times within one run.
    let mut g = c.benchmark_group("growth");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for size in [128_000, 256_000, 512_000, 1_000_000] {
        for (name, text) in [
            ("worst_case", worst_case(size)),
            ("clipboard", clipboard_text(size)),
        ] {
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(criterion::BenchmarkId::new(name, size), &text, |b, text| {
                b.iter(|| analyze(black_box(text), &policy))
            });
        }
    }
    g.finish();

    // Long hosts (issue #17 §2): one host of many labels, a brand name
    // glued to itself, and labels mixed with invisible characters and
    // symbols, and the three slowest shapes `examples/long_search` found,
    // each at four sizes up to 1 MiB. Flat bytes/s = linear.
    let mut g = c.benchmark_group("long_hosts");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for size in [128 << 10, 256 << 10, 512 << 10, 1 << 20] {
        let labels = format!("https://{}com", "a.".repeat(size / 2));
        let glued = "brand-okta.com".repeat(size / 14);
        let mixed = format!(
            "https://{}.com",
            "tw\u{200B}ilio-okta\u{2122}.".repeat(size / 20)
        );
        // The slowest shapes of `examples/long_search` at 1 MiB: a host of
        // numeric labels (refused as IPv4), long-30's mixed unit, and HTML
        // anchors that show one name over another target.
        let numeric = format!("https://{}", "1.".repeat(size / 2));
        let unit = "a\u{200B}b\u{2122}c\u{3002}d[.]e%2e1-2-3.\u{1F512}";
        let long30 = format!("https://{}", unit.repeat(size / unit.len()));
        let anchors = format!(
            "<a href=\"https://evil.example/\">{}</a>",
            "twilio.com ".repeat((size - 40) / 11)
        );
        for (name, text) in [
            ("labels", labels),
            ("glued", glued),
            ("mixed", mixed),
            ("numeric", numeric),
            ("long30", long30),
            ("anchors", anchors),
        ] {
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(criterion::BenchmarkId::new(name, size), &text, |b, text| {
                b.iter(|| analyze(black_box(text), &policy))
            });
        }
    }
    g.finish();

    let list = domains(100_000);
    let mut g = c.benchmark_group("bulk");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(list.len() as u64));
    g.bench_function("100k_domains_twilio_policy", |b| {
        b.iter(|| {
            for d in &list {
                black_box(analyze(d, &policy));
            }
        })
    });
    g.finish();
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
