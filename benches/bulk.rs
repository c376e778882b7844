//! The bulk path against its floor (issue #16), in one run.
//!
//! The floor is the unavoidable work per domain of a feed: IDNA to ASCII,
//! a public-suffix lookup, the UTS #39 skeleton of the label, one hash
//! probe against the brands' names and a short JSON line. The bulk path is
//! what `secondlook check --lines --json` does per line, without the
//! process's reading and writing: `analyze` and the JSON line, explanations
//! included; the full path is the same through the whole message pipeline
//! (`analysis::analyze_full_path`: normalising and the four scans), as
//! every line took before the fast path. All run over the same 100,000 domains (the Alexa top list in
//! `../shared/corpus` when present, else the synthetic list of
//! `benches/inputs.rs`) under the Twilio-like policy; criterion times each,
//! then five interleaved rounds of each on this thread's CPU time (not wall
//! time: the machine is shared) give the ratios printed at the end.
//!
//! ```sh
//! cargo bench --bench bulk
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark with a broken fixture should stop

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use secondlook::analysis::analyze_full_path;
use secondlook::json::AnalysisJson;
use secondlook::{Analysis, Policy, analyze};

#[allow(dead_code)] // the other benchmarks use the rest
mod inputs;

const POLICY: &str = include_str!("../packaging/policies/twilio-like.toml");
const ALEXA: &str = "../shared/corpus/benign/alexa_top100k_2015.csv";
const N: usize = 100_000;

/// 100,000 domains: the real top list when the corpus is there.
fn domains() -> (Vec<String>, &'static str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(ALEXA);
    match std::fs::read_to_string(path) {
        Ok(csv) => {
            let list: Vec<String> = csv
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').nth(1))
                .map(str::to_owned)
                .take(N)
                .collect();
            (list, "Alexa top 100k (2015)")
        }
        Err(_) => (inputs::domains(N), "synthetic (benches/inputs.rs)"),
    }
}

#[derive(serde::Serialize)]
struct FloorLine<'a> {
    host: &'a str,
    registrable_domain: Option<&'a str>,
    verdict: &'static str,
}

/// One line's work: its JSON line appended to the buffer.
type LineWork<'a> = dyn Fn(&str, &mut Vec<u8>) + 'a;

/// The floor's work for one domain, its JSON line appended to `out`.
fn floor_line(domain: &str, names: &HashSet<String>, out: &mut Vec<u8>) {
    let ascii = idna::domain_to_ascii(domain).unwrap_or_default();
    let found = psl::domain(ascii.as_bytes());
    let registrable = found.and_then(|d| std::str::from_utf8(d.as_bytes()).ok());
    let label = found
        .and_then(|d| {
            let all = d.as_bytes();
            let suffix = d.suffix().as_bytes().len();
            all.get(..all.len().saturating_sub(suffix + 1))
        })
        .and_then(|l| std::str::from_utf8(l).ok())
        .unwrap_or(&ascii);
    let skeleton: String = unicode_security::skeleton(label).collect();
    let verdict = if names.contains(&skeleton) {
        "suspicious"
    } else {
        "unknown"
    };
    let line = FloorLine {
        host: &ascii,
        registrable_domain: registrable,
        verdict,
    };
    serde_json::to_writer(&mut *out, &line).unwrap();
    out.push(b'\n');
}

/// `check --lines --json`'s work for one line, its JSON line appended.
fn bulk_line(line: &str, policy: &Policy, out: &mut Vec<u8>) {
    json_line(&analyze(line, policy), out);
}

/// The same through the full message pipeline (normalising, the four
/// scans), as every line took before the fast path.
fn full_line(line: &str, policy: &Policy, out: &mut Vec<u8>) {
    json_line(&analyze_full_path(line, policy), out);
}

fn json_line(analysis: &Analysis, out: &mut Vec<u8>) {
    AnalysisJson::new(analysis).write_to(out);
    out.push(b'\n');
}

/// CPU time this thread has run (Linux: `/proc/thread-self/schedstat`);
/// wall time elsewhere.
fn thread_cpu() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn benches(c: &mut Criterion) {
    let policy = Policy::from_toml(POLICY, "twilio-like").expect("valid policy");
    let (list, source) = domains();
    let names: HashSet<String> = ["twilio", "sendgrid", "authy", "twil"]
        .iter()
        .map(|n| unicode_security::skeleton(n).collect())
        .collect();
    let mut out = Vec::with_capacity(64 << 20);

    let mut g = c.benchmark_group("bulk_floor");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(list.len() as u64));
    g.bench_function("floor_100k", |b| {
        b.iter(|| {
            out.clear();
            for d in &list {
                floor_line(black_box(d), &names, &mut out);
            }
        })
    });
    g.bench_function("bulk_path_100k", |b| {
        b.iter(|| {
            out.clear();
            for d in &list {
                bulk_line(black_box(d), &policy, &mut out);
            }
        })
    });
    g.bench_function("full_path_100k", |b| {
        b.iter(|| {
            out.clear();
            for d in &list {
                full_line(black_box(d), &policy, &mut out);
            }
        })
    });
    g.finish();

    // The ratios, on CPU time, the three interleaved.
    let mut rounds: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let floor_work = |d: &str, out: &mut Vec<u8>| floor_line(d, &names, out);
    let bulk_work = |d: &str, out: &mut Vec<u8>| bulk_line(d, &policy, out);
    let full_work = |d: &str, out: &mut Vec<u8>| full_line(d, &policy, out);
    let work: [&LineWork<'_>; 3] = [&floor_work, &bulk_work, &full_work];
    for _ in 0..5 {
        for (i, f) in work.iter().enumerate() {
            out.clear();
            let t = thread_cpu();
            for d in &list {
                f(d, &mut out);
            }
            rounds[i].push((thread_cpu() - t).as_secs_f64());
        }
    }
    let [floor, bulk, full] = rounds.map(median);
    let n = list.len() as f64;
    println!(
        "over {} domains ({source}), median of 5 interleaved rounds, CPU time of one thread:",
        list.len()
    );
    println!(
        "  floor {:.0} lines per CPU-second; bulk path {:.0} = {:.2} of the floor; \
         full path {:.0} = {:.2} of the floor",
        n / floor,
        n / bulk,
        floor / bulk,
        n / full,
        floor / full
    );
}

criterion_group!(bulk, benches);
criterion_main!(bulk);
