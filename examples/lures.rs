//! Evaluate the message (lure) rules on the labelled lure set (not part of
//! the product).
//!
//! ```sh
//! cargo run --release --example lures                     # dev and Mishra–Soni
//! cargo run --release --example lures -- --holdout        # plus the holdout figures
//! cargo run --release --example lures -- --show 40        # plus dev misses and false alarms
//! cargo run --release --example lures -- --corpus ../shared/corpus
//! ```
//!
//! Reads `tests/data/lures/{companies,dev,dev2,dev3,dev5,holdout}.tsv` (dev5
//! written with the request model, the others blind, see its README; a
//! `dev4.tsv`, `dev7.tsv` and `lures8.tsv` are read when present). Each row is analysed under a policy built from its
//! company's row (owned domains, sign-in, help phone, never_ask), or under
//! the built-in default policy for consumer and personal messages (`-`).
//! "Flagged" means `suspicious` or `dangerous`. Prints smish and ham flag
//! rates by class and by language. Misses are only ever shown for the dev
//! split: the holdout is for reporting, not tuning. The Mishra–Soni SMS set
//! (`sms/mishra_soni_dev.tsv` in the shared corpus) is optional.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use secondlook::{Policy, Verdict, analyze};

#[derive(Default)]
struct Rate {
    hit: usize,
    total: usize,
}

impl Rate {
    fn add(&mut self, hit: bool) {
        self.total += 1;
        if hit {
            self.hit += 1;
        }
    }
    fn show(&self) -> String {
        let pct = if self.total == 0 {
            0.0
        } else {
            100.0 * self.hit as f64 / self.total as f64
        };
        format!("{:>4}/{:<4} {:6.2}%", self.hit, self.total, pct)
    }
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The policy a company's row describes (see tests/data/lures/README.md).
fn company_policy(cols: &[&str]) -> Result<(String, Policy), String> {
    let [name, domains, sign_in, help_phone, never_ask] = cols else {
        return Err(format!("companies.tsv: bad row {cols:?}"));
    };
    let domains: Vec<&str> = domains.split(',').map(str::trim).collect();
    let sign_in: Vec<&str> = sign_in
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    // Sign-in pages on hosts the company does not own (an Entra tenant on
    // login.microsoftonline.com) must be trusted hosts, as the README says.
    let trusted: Vec<String> = sign_in
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter_map(|u| u.host_str().map(str::to_owned))
        .filter(|h| {
            !domains
                .iter()
                .any(|d| h == d || h.ends_with(&format!(".{d}")))
        })
        .collect();
    // An Entra sign-in's own account pages (password changes, security
    // info) are Microsoft's too: a deployed policy knows microsoft.com from
    // the built-in brands, which a company row's policy here leaves out
    // (lures8/README.md says such rows need it trusted).
    let mut trusted = trusted;
    if trusted.iter().any(|h| h == "login.microsoftonline.com") {
        trusted.push("myaccount.microsoft.com".to_owned());
    }
    let list = |v: &[&str]| v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
    let trusted_refs: Vec<&str> = trusted.iter().map(String::as_str).collect();
    let text = format!(
        "[organization]\nname = {}\nnever_ask = [{}]\nsign_in = [{}]\nhelp_contact = {}\nhelp_phone = {}\n\n[detection]\ntrusted_hosts = [{}]\n\n[[brand]]\nname = {}\ndomains = [{}]\n",
        toml_str(name),
        toml_str(never_ask),
        list(&sign_in),
        toml_str(help_phone),
        toml_str(help_phone),
        list(&trusted_refs),
        toml_str(name),
        list(&domains),
    );
    let policy = Policy::from_toml(&text, name).map_err(|e| format!("{name}: {e}"))?;
    Ok(((*name).to_owned(), policy))
}

struct Split {
    by_class: BTreeMap<(String, String), Rate>,
    by_lang: BTreeMap<(String, String), Rate>,
    all: BTreeMap<String, Rate>,
    wrong: Vec<String>,
}

fn run_split(
    path: &Path,
    policies: &BTreeMap<String, Policy>,
    builtin: &Policy,
) -> Result<Split, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut s = Split {
        by_class: BTreeMap::new(),
        by_lang: BTreeMap::new(),
        all: BTreeMap::new(),
        wrong: Vec::new(),
    };
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, label, class, lang, company, msg] = cols[..] else {
            return Err(format!("{}: bad row {line:?}", path.display()));
        };
        let msg = msg.replace("\\n", "\n");
        let policy = policies.get(company).unwrap_or(builtin);
        let a = analyze(&msg, policy);
        let flagged = a.verdict >= Verdict::Suspicious;
        let key = |k: &str| (label.to_owned(), k.to_owned());
        s.by_class.entry(key(class)).or_default().add(flagged);
        s.by_lang.entry(key(lang)).or_default().add(flagged);
        s.all.entry(label.to_owned()).or_default().add(flagged);
        if flagged != (label == "smish") {
            let rules: Vec<String> = a
                .message_findings
                .iter()
                .map(|f| format!("{}:{}", f.rule, f.severity))
                .chain(
                    a.links
                        .iter()
                        .flat_map(|l| l.findings.iter())
                        .map(|f| format!("{}:{}", f.rule, f.severity)),
                )
                .collect();
            s.wrong.push(format!(
                "    {id} {label} {class} {lang} [{}] -> {} {}\n      {msg}",
                company,
                a.verdict,
                rules.join(",")
            ));
        }
    }
    Ok(s)
}

fn print_split(name: &str, s: &Split, show: usize) {
    println!("== {name}");
    for (label, r) in &s.all {
        println!("  {label:<6} flagged {}", r.show());
    }
    println!("  by class:");
    for ((label, class), r) in &s.by_class {
        println!("    {label:<6} {class:<20} {}", r.show());
    }
    println!("  by language:");
    for ((label, lang), r) in &s.by_lang {
        println!("    {label:<6} {lang:<20} {}", r.show());
    }
    if show > 0 {
        println!("  wrong ({}):", s.wrong.len());
        for w in s.wrong.iter().take(show) {
            println!("{w}");
        }
    }
}

fn mishra_soni(corpus: &Path, builtin: &Policy) {
    let path = corpus.join("sms/mishra_soni_dev.tsv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "== Mishra–Soni: {} not found, skipped (optional)",
            path.display()
        );
        return;
    };
    let mut by_label: BTreeMap<String, Rate> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(label), Some(msg)) = (cols.next(), cols.next()) else {
            continue;
        };
        by_label
            .entry(label.to_owned())
            .or_default()
            .add(analyze(msg, builtin).verdict >= Verdict::Suspicious);
    }
    println!("== Mishra–Soni dev split (built-in default policy)");
    for (label, r) in &by_label {
        println!("  {label:<9} flagged {}", r.show());
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut show = 0;
    let mut with_holdout = false;
    let mut corpus = PathBuf::from("../shared/corpus");
    let mut data = PathBuf::from("tests/data/lures");
    while let Some(a) = args.next() {
        match a.as_str() {
            "--show" => show = args.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            "--corpus" => corpus = args.next().map(PathBuf::from).unwrap_or(corpus),
            "--holdout" => with_holdout = true,
            "--data" => data = args.next().map(PathBuf::from).unwrap_or(data),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let companies = std::fs::read_to_string(data.join("companies.tsv"))
        .map_err(|e| format!("cannot read {}: {e}", data.join("companies.tsv").display()))?;
    let mut policies = BTreeMap::new();
    for line in companies.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (name, p) = company_policy(&cols)?;
        policies.insert(name, p);
    }
    let builtin = Policy::builtin().map_err(|e| e.to_string())?;
    let dev = run_split(&data.join("dev.tsv"), &policies, &builtin)?;
    print_split("dev.tsv (tuning)", &dev, show);
    for (file, title) in [
        ("dev2.tsv", "dev2.tsv (second blind dev set, tuning)"),
        ("dev3.tsv", "dev3.tsv (third blind dev set, tuning)"),
        ("dev4.tsv", "dev4.tsv (fourth blind set)"),
        (
            "dev5.tsv",
            "dev5.tsv (written with the request model, tuning)",
        ),
        (
            "dev7.tsv",
            "dev7.tsv (seventh blind set, measured blind, then tuning)",
        ),
        (
            "lures8.tsv",
            "lures8.tsv (eighth blind set, measured blind, then tuning)",
        ),
        (
            "lures9.tsv",
            "lures9.tsv (ninth blind set, measured blind, then tuning)",
        ),
    ] {
        let path = data.join(file);
        if path.exists() {
            let split = run_split(&path, &policies, &builtin)?;
            print_split(title, &split, show);
        }
    }
    if with_holdout {
        let holdout = run_split(&data.join("holdout.tsv"), &policies, &builtin)?;
        print_split("holdout.tsv (reported, never tuned on)", &holdout, 0);
    }
    mishra_soni(&corpus, &builtin);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lures: {e}");
            ExitCode::from(2)
        }
    }
}
