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
//!
//! ```sh
//! cargo run --release --example eval -- ../shared/corpus --brands tests/data/brands [--show N]
//! cargo run --release --example eval -- ../shared/corpus --brands tests/data/brands --only-brands
//! ```
//!
//! `--brands DIR` adds the multi-company run: every `companies/*.toml` is a
//! policy of one company's owned domains only (`companies_aliases/` the same
//! with `aliases`); `lookalikes.tsv` rows are judged under their company's
//! policy, and the top lists plus `benign_hard.tsv` under every company's.
//! Companies whose file name sorts in the first two thirds are the tuning
//! ("dev") set; the last third is reported apart as held out.

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
                .and_then(|l| l.brand.as_ref())
                .map(|b| b.name());
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

/// One company of the multi-company set.
struct Company {
    stem: String,
    policy: Policy,
    held_out: bool,
}

/// A company whose policy the check refused, and why.
type Refused = (String, String);

/// The companies whose policy loads, and those the policy check refuses
/// (with the reason): a refused policy is what IT would see, so it is
/// reported, and its rows are counted as skipped rather than ending the run.
fn load_companies(dir: &Path) -> Result<(Vec<Company>, Vec<Refused>), String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir.join("companies"))
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_owned))
        .collect();
    stems.sort();
    let dev = stems.len() * 2 / 3;
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for (i, stem) in stems.iter().enumerate() {
        for (suffix, sub) in [("", "companies"), ("+aliases", "companies_aliases")] {
            let path = dir.join(sub).join(format!("{stem}.toml"));
            if !path.exists() {
                continue;
            }
            let policy = match Policy::from_path(&path) {
                Ok(p) => p,
                Err(e) => {
                    refused.push((format!("{stem}{suffix}"), e.to_string()));
                    continue;
                }
            };
            out.push(Company {
                stem: format!("{stem}{suffix}"),
                policy,
                held_out: i >= dev,
            });
        }
    }
    Ok((out, refused))
}

/// The brand of `policy` that owns the domain named in a row's source
/// ("dnstwist … of hp.com", "… (hp.com)"), if the source names one.
fn source_brand(policy: &Policy, source: &str) -> Option<secondlook::refs::BrandRef> {
    let tokens = source.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '\'' | ','));
    for t in tokens {
        if let Some(b) = policy
            .brands
            .iter()
            .position(|b| b.domains.iter().any(|d| d == t))
        {
            return policy.brand_ref(b);
        }
    }
    None
}

#[derive(Default)]
struct Tally {
    by_kind: BTreeMap<String, (usize, usize)>,
    wrong_brand: Vec<String>,
    same_brand: usize,
    missed: BTreeMap<String, Vec<String>>,
}

fn multi_company(corpus: &Path, dir: &Path, show: usize) -> Result<(), String> {
    let (companies, refused) = load_companies(dir)?;
    for (stem, why) in &refused {
        println!("  policy refused: {stem}: {why}");
    }
    let mut skipped = 0usize;
    let rows = read(&dir.join("lookalikes.tsv"))?;
    let mut per_company: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut tallies: [Tally; 2] = [Tally::default(), Tally::default()];
    for line in rows.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(domain), Some(stem), Some(kind)) = (cols.first(), cols.get(1), cols.get(2))
        else {
            continue;
        };
        let source = cols.get(3).copied().unwrap_or("");
        let Some(c) = companies.iter().find(|c| c.stem == *stem) else {
            if refused.iter().any(|(r, _)| r == stem) {
                skipped += 1;
                continue;
            }
            return Err(format!("lookalikes.tsv names an unknown company {stem}"));
        };
        let t = &mut tallies[usize::from(c.held_out)];
        let a = analyze(domain, &c.policy);
        let k = t.by_kind.entry((*kind).to_owned()).or_default();
        let pc = per_company.entry(c.stem.clone()).or_default();
        k.1 += 1;
        pc.1 += 1;
        if flagged(a.verdict) {
            k.0 += 1;
            pc.0 += 1;
            let named = a.links.first().and_then(|l| l.brand.as_ref());
            // Every brand in the policy is the company's; a row made from one
            // domain may rightly name a sister brand (duo-sso under Cisco).
            if named.is_some() && named == source_brand(&c.policy, source).as_ref() {
                t.same_brand += 1;
            }
            if named.is_none() {
                let name = named.map_or("-", |b| b.name());
                t.wrong_brand
                    .push(format!("{domain}({stem}: named {name})"));
            }
        } else {
            t.missed
                .entry((*kind).to_owned())
                .or_default()
                .push(format!("{domain}({stem})"));
        }
    }
    // False positives: the dev top lists and benign_hard.tsv under every company.
    let alexa = read(&corpus.join("benign/alexa_top100k_2015.csv"))?;
    let umbrella = read(&corpus.join("benign/umbrella_top10k_2021.txt"))?;
    let hard = read(&dir.join("benign_hard.tsv")).unwrap_or_default();
    let cross = read(&dir.join("benign_cross.tsv")).unwrap_or_default();
    // benign_cross.tsv: domains one company owns; judged under the others'.
    let cross_rows: Vec<(&str, &str)> = cross
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split('\t');
            Some((c.next()?.trim(), c.next().unwrap_or("").trim()))
        })
        .filter(|(d, _)| !d.is_empty())
        .collect();
    let top: Vec<&str> = alexa
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .chain(umbrella.lines())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let hard_rows: Vec<(&str, &str)> = hard
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split('\t');
            Some((c.next()?.trim(), c.next().unwrap_or("").trim()))
        })
        .filter(|(d, _)| !d.is_empty())
        .collect();
    let fps: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = companies
            .iter()
            .map(|c| {
                let top = &top;
                let hard_rows = &hard_rows;
                let cross_rows = &cross_rows;
                s.spawn(move || {
                    let mut top_fp = 0;
                    let mut hard_fp = 0;
                    let mut examples = Vec::new();
                    for d in top {
                        let a = analyze(d, &c.policy);
                        if flagged(a.verdict) {
                            top_fp += 1;
                            let rule = a
                                .links
                                .first()
                                .and_then(|l| l.findings.first())
                                .map_or("message", |f| f.rule);
                            examples.push(format!("{d}({rule})"));
                        }
                    }
                    let own = c.stem.trim_end_matches("+aliases");
                    let others = cross_rows.iter().filter(|(_, o)| *o != own);
                    for (d, _) in hard_rows.iter().chain(others) {
                        let a = analyze(d, &c.policy);
                        if flagged(a.verdict) {
                            hard_fp += 1;
                            let rule = a
                                .links
                                .first()
                                .and_then(|l| l.findings.first())
                                .map_or("message", |f| f.rule);
                            examples.push(format!("hard:{d}({rule})"));
                        }
                    }
                    (top_fp, hard_fp, examples)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 0, vec!["thread panicked".into()])))
            .collect()
    });
    println!(
        "== multi-company run ({} policies, {} top-list domains, {} benign_hard rows each)",
        companies.len(),
        top.len(),
        hard_rows.len()
    );
    if !refused.is_empty() {
        println!(
            "  {} policies refused by the policy check (above); their {skipped} lookalike rows are skipped",
            refused.len()
        );
    }
    println!(
        "  per company: lookalikes flagged; top lists flagged; benign_hard (+ benign_cross not owned by it) flagged"
    );
    let mut totals = [(0usize, 0usize, 0usize, 0usize, 0usize); 2];
    for (c, (top_fp, hard_fp, examples)) in companies.iter().zip(&fps) {
        let (hit, total) = per_company.get(&c.stem).copied().unwrap_or((0, 0));
        let tt = &mut totals[usize::from(c.held_out)];
        tt.0 += hit;
        tt.1 += total;
        tt.2 += top_fp;
        tt.3 += hard_fp;
        tt.4 += 1;
        let r = Rate { hit, total };
        let f = Rate {
            hit: *top_fp,
            total: top.len(),
        };
        println!(
            "    {:<28}{} {:>4}/{:<4} {:6.2}%   top {:>4} ({:.3}%)   hard {:>3}/{}",
            c.stem,
            if c.held_out { "*" } else { " " },
            hit,
            total,
            r.pct(),
            top_fp,
            f.pct(),
            hard_fp,
            hard_rows.len()
        );
        if show > 0 && !c.held_out && !examples.is_empty() {
            println!(
                "      e.g. {}",
                examples
                    .iter()
                    .take(show)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    for (i, name) in ["dev (tuned on)", "held out (*, untouched)"]
        .iter()
        .enumerate()
    {
        let t = &tallies[i];
        let (hit, total, top_fp, hard_fp, n) = totals[i];
        println!("  {name}: flagged by kind");
        for (kind, (h, n)) in &t.by_kind {
            let r = Rate { hit: *h, total: *n };
            println!("    {kind:<24} {h:>5}/{n:<5} {:6.2}%", r.pct());
        }
        let r = Rate { hit, total };
        println!("    {:<24} {hit:>5}/{total:<5} {:6.2}%", "all", r.pct());
        let f = Rate {
            hit: top_fp,
            total: top.len() * n,
        };
        let h = Rate {
            hit: hard_fp,
            total: hard_rows.len() * n,
        };
        println!(
            "    top lists flagged: {top_fp}/{} ({:.3}%); benign_hard flagged: {hard_fp}/{} ({:.2}%)",
            f.total,
            f.pct(),
            h.total,
            h.pct()
        );
        println!(
            "    flagged rows naming the brand whose domain the row was made from: {}/{hit}",
            t.same_brand
        );
        let show = if i == 0 { show } else { 0 };
        println!(
            "    flagged rows naming no brand of the company: {}{}",
            t.wrong_brand.len(),
            if t.wrong_brand.is_empty() || show == 0 {
                String::new()
            } else {
                format!(
                    ": {}",
                    t.wrong_brand
                        .iter()
                        .take(show)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        );
        if show > 0 {
            for (kind, list) in &t.missed {
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
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut corpus = PathBuf::from("../shared/corpus");
    let mut show = 0;
    let mut brands: Option<PathBuf> = None;
    let mut only_brands = false;
    while let Some(a) = args.next() {
        if a == "--brands" {
            brands = args.next().map(PathBuf::from);
        } else if a == "--only-brands" {
            only_brands = true;
        } else if a == "--show" {
            show = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
        } else {
            corpus = PathBuf::from(a);
        }
    }
    if let Some(dir) = &brands {
        multi_company(&corpus, dir, show)?;
        if only_brands {
            return Ok(());
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
