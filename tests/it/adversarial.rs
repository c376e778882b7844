//! The adversarial corpus: every hostile input in tests/data/adversarial.txt
//! with its verdict and explanation pinned in adversarial.expected
//! (`UPDATE_EXPECT=1 cargo test` after a deliberate change; review the diff).

use secondlook::analyze;

pub(crate) fn decode(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("\\u{") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 3..];
        let end = tail.find('}').expect("closed escape");
        let c = u32::from_str_radix(&tail[..end], 16)
            .ok()
            .and_then(char::from_u32)
            .expect("valid escape");
        out.push(c);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
}

#[test]
fn adversarial_corpus() {
    let p = crate::twilio();
    let corpus = include_str!("../data/adversarial.txt");
    let mut report = String::new();
    let mut failures: Vec<String> = Vec::new();
    for line in corpus.lines() {
        if line.starts_with("# ") || line.trim().is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix("## ") {
            report.push_str(&format!("\n## {section}\n"));
            continue;
        }
        let text = decode(line);
        let a = analyze(&text, &p);
        // Every line is judged as it would be opened (both halves).
        if let Err(e) = secondlook::invariants::destinations(&text, &a) {
            failures.push(format!("{line}: {e}"));
        }
        report.push_str(&format!("{line}\n  => {}\n", a.verdict));
        for l in &a.links {
            let rules: Vec<&str> = l.findings.iter().map(|f| f.rule).collect();
            report.push_str(&format!(
                "  link {:?} host {:?}: {} [{}] {}\n",
                l.link.text,
                l.link
                    .host
                    .as_ref()
                    .map(|h| h.ascii.as_str())
                    .unwrap_or("-"),
                l.verdict,
                rules.join(","),
                l.explanation()
            ));
        }
        for f in &a.message_findings {
            report.push_str(&format!("  message: {} {}\n", f.severity, f.rule));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    expect_test::expect_file!["../data/adversarial.expected"].assert_eq(&report);
}

/// Every seed the fuzzer was given (fuzz/seeds/analyze: the inputs that
/// once broke an invariant, and the shapes it starts from) keeps all the
/// invariants the fuzz target checks, on every `cargo test`, so a finding
/// fixed once stays fixed without a fuzz run.
#[test]
fn fuzz_seeds_keep_the_invariants() {
    let p = crate::twilio();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/analyze");
    let mut seen = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/analyze is in the tree") {
        let path = entry.expect("readable directory").path();
        let bytes = std::fs::read(&path).expect("readable seed");
        let text = String::from_utf8_lossy(&bytes);
        seen += 1;
        if let Err(e) = secondlook::invariants::all(&text, &p) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(seen >= 60, "only {seen} seeds found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
