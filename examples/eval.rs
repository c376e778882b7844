//! Evaluate detection on the development corpus (not part of the product).
//!
//! ```sh
//! cargo run --release --example eval -- ../shared/corpus [--show N]
//! ```
//!
//! Prints recall by kind on the Twilio lookalikes, the false-positive rate on
//! the benign top lists, and flag rates on the SMS samples, under the Twilio
//! policy (`twilio/policy.toml`) and under the built-in default policy.
//! "Flagged" means a verdict of `suspicious` or `dangerous`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use secondlook::{Policy, Verdict, analyze};

fn flagged(v: Verdict) -> bool {
    v >= Verdict::Suspicious
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

struct Rate {
    hit: usize,
    total: usize,
}

impl Rate {
    fn pct(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.hit as f64 / self.total as f64
        }
    }
}

fn lookalikes(corpus: &Path, policy: &Policy, show: usize) -> Result<(), String> {
    let text = read(&corpus.join("twilio/lookalikes.tsv"))?;
    let mut by_kind: BTreeMap<String, Rate> = BTreeMap::new();
    let mut brand_right = Rate { hit: 0, total: 0 };
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(domain), Some(target), Some(kind)) = (cols.first(), cols.get(1), cols.get(3))
        else {
            continue;
        };
        let a = analyze(domain, policy);
        let r = by_kind
            .entry((*kind).to_owned())
            .or_insert(Rate { hit: 0, total: 0 });
        r.total += 1;
        if flagged(a.verdict) {
            r.hit += 1;
            brand_right.total += 1;
            let named = a
                .links
                .first()
                .and_then(|l| l.brand)
                .and_then(|b| policy.brands.get(b))
                .map(|b| b.name.as_str());
            if named == Some(*target) {
                brand_right.hit += 1;
            }
        } else {
            missed
                .entry((*kind).to_owned())
                .or_default()
                .push((*domain).to_owned());
        }
    }
    println!("  lookalikes (twilio/lookalikes.tsv), flagged by kind:");
    let mut all = Rate { hit: 0, total: 0 };
    for (kind, r) in &by_kind {
        all.hit += r.hit;
        all.total += r.total;
        println!(
            "    {kind:<24} {:>5}/{:<5} {:6.2}%",
            r.hit,
            r.total,
            r.pct()
        );
    }
    println!(
        "    {:<24} {:>5}/{:<5} {:6.2}%",
        "all",
        all.hit,
        all.total,
        all.pct()
    );
    println!(
        "    flagged rows naming the targeted brand: {}/{} ({:.2}%)",
        brand_right.hit,
        brand_right.total,
        brand_right.pct()
    );
    if show > 0 {
        for (kind, list) in &missed {
            println!(
                "    missed {kind}: {}",
                list.iter()
                    .take(show)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    Ok(())
}

fn benign(corpus: &Path, policy: &Policy, show: usize) -> Result<(), String> {
    let alexa = read(&corpus.join("benign/alexa_top100k_2015.csv"))?;
    let umbrella = read(&corpus.join("benign/umbrella_top10k_2021.txt"))?;
    let lists: [(&str, Vec<&str>); 2] = [
        (
            "alexa_top100k_2015",
            alexa
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').nth(1))
                .collect(),
        ),
        ("umbrella_top10k_2021", umbrella.lines().collect()),
    ];
    println!("  benign top lists, flagged (false positives):");
    for (name, domains) in lists {
        let mut r = Rate { hit: 0, total: 0 };
        let mut examples: Vec<String> = Vec::new();
        for d in domains {
            let d = d.trim();
            if d.is_empty() {
                continue;
            }
            r.total += 1;
            let a = analyze(d, policy);
            if flagged(a.verdict) {
                r.hit += 1;
                if examples.len() < show {
                    let rule = a
                        .links
                        .first()
                        .and_then(|l| l.findings.first())
                        .map_or("message", |f| f.rule);
                    examples.push(format!("{d}({rule})"));
                }
            }
        }
        println!(
            "    {name:<24} {:>5}/{:<6} {:6.3}%",
            r.hit,
            r.total,
            r.pct()
        );
        if !examples.is_empty() {
            println!("      e.g. {}", examples.join(" "));
        }
    }
    let rows = read(&corpus.join("twilio/benign.tsv"))?;
    let verdicts: Vec<String> = rows
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(|d| format!("{d}={}", analyze(d, policy).verdict))
        .collect();
    println!("  twilio/benign.tsv: {}", verdicts.join(" "));
    Ok(())
}

fn sms(corpus: &Path, policy: &Policy) -> Result<(), String> {
    println!("  SMS samples, flagged by label:");
    for file in ["sms/mishra_soni_dev.tsv", "sms/uci_sms_spam_dev.tsv"] {
        let text = read(&corpus.join(file))?;
        let mut by_label: BTreeMap<String, Rate> = BTreeMap::new();
        for line in text.lines().skip(1) {
            let mut cols = line.split('\t');
            let (Some(label), Some(msg)) = (cols.next(), cols.next()) else {
                continue;
            };
            let r = by_label
                .entry(label.to_owned())
                .or_insert(Rate { hit: 0, total: 0 });
            r.total += 1;
            if flagged(analyze(msg, policy).verdict) {
                r.hit += 1;
            }
        }
        for (label, r) in &by_label {
            println!(
                "    {file:<28} {label:<9} {:>5}/{:<5} {:6.2}%",
                r.hit,
                r.total,
                r.pct()
            );
        }
    }
    Ok(())
}

fn phishing(corpus: &Path, policy: &Policy) -> Result<(), String> {
    let text = read(&corpus.join("phishing/openphish_urls.tsv"))?;
    let mut r = Rate { hit: 0, total: 0 };
    let mut named = 0;
    for line in text.lines().skip(1) {
        let Some(url) = line.split('\t').next() else {
            continue;
        };
        r.total += 1;
        let a = analyze(url, policy);
        if flagged(a.verdict) {
            r.hit += 1;
            if a.links.iter().any(|l| l.brand.is_some()) {
                named += 1;
            }
        }
    }
    println!(
        "  openphish URLs flagged: {}/{} ({:.2}%), of which naming a brand: {named}",
        r.hit,
        r.total,
        r.pct()
    );
    Ok(())
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut corpus = PathBuf::from("../shared/corpus");
    let mut show = 0;
    while let Some(a) = args.next() {
        if a == "--show" {
            show = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
        } else {
            corpus = PathBuf::from(a);
        }
    }
    let twilio =
        Policy::from_path(&corpus.join("twilio/policy.toml")).map_err(|e| e.to_string())?;
    let builtin = Policy::builtin().map_err(|e| e.to_string())?;
    for (name, policy) in [
        ("Twilio policy", &twilio),
        ("built-in default policy", &builtin),
    ] {
        println!("== {name}");
        lookalikes(&corpus, policy, show)?;
        benign(&corpus, policy, show)?;
        sms(&corpus, policy)?;
        phishing(&corpus, policy)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eval: {e}");
            ExitCode::from(2)
        }
    }
}
