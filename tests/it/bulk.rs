//! The bulk path (`check --lines`): the fast path for a bare host or a
//! plain web address gives the same analysis, byte for byte in JSON, as
//! the full path, over the dev corpus (the brand set's lookalikes and
//! benign domains, each under its company's policy and the Twilio one) in
//! many written forms, and on generated lines; `--jobs` keeps the output
//! of one job.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use secondlook::analysis::{analyze_full_path, takes_fast_path};
use secondlook::json::AnalysisJson;
use secondlook::{Policy, analyze};

use crate::support::Bin;
use crate::{data, twilio};

/// The JSON line `check --lines --json` writes for `line`, by both paths.
fn both(line: &str, policy: &Policy) -> (String, String) {
    let fast = serde_json::to_string(&AnalysisJson::new(&analyze(line, policy))).unwrap();
    let full = serde_json::to_string(&AnalysisJson::new(&analyze_full_path(line, policy))).unwrap();
    (fast, full)
}

/// The written forms of one domain: the plain ones the fast path takes and
/// neighbours that must take the full path (userinfo, ports, odd schemes,
/// defanging, nested links, trailing punctuation, white space, case).
fn forms(domain: &str, i: usize) -> Vec<String> {
    let mut v = vec![domain.to_owned(), format!("https://{domain}")];
    if i.is_multiple_of(8) {
        v.extend([
            format!("http://{domain}/login?user=a&next=%2Fhome#top"),
            format!("https://www.{domain}/a/b.html"),
            format!("https://{domain}/?next=twilio.com"),
            format!("https://{domain}/?url=https://twilio-okta.com/x"),
            format!("https://twilio.com@{domain}/"),
            format!("https://{domain}:8443/x"),
            format!("{domain}/reset"),
            format!("{domain}."),
            format!("https://{domain}/x."),
            format!("hxxps://{domain}"),
            domain.replace('.', "[.]"),
            format!("ftp://{domain}/f"),
            format!("intent://{domain}/#Intent;end"),
            format!("mailto:it@{domain}"),
            format!("HTTPS://{}", domain.to_ascii_uppercase()),
            domain.to_ascii_uppercase(),
            format!(" {domain}"),
            format!("{domain} now"),
            format!("https://{domain}/a&#46;b"),
            format!("https://{domain}/(x)"),
        ]);
    }
    v
}

fn tsv_first_column(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((
                cols.next()?.to_owned(),
                cols.next().unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

#[test]
fn fast_path_is_the_full_path_over_the_dev_corpus() {
    let brands = data("brands");
    let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
    for entry in std::fs::read_dir(brands.join("companies")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // A company whose policy the current checks refuse (x.toml lists
        // t.co) is judged under the Twilio policy only.
        if let Ok(policy) = Policy::from_path(&path) {
            policies.insert(stem, policy);
        }
    }
    assert!(policies.len() > 40, "{} company policies", policies.len());
    let twilio = twilio();
    let builtin = Policy::builtin().unwrap();
    let mut cases: Vec<(String, Option<String>)> = Vec::new();
    for (domain, company) in tsv_first_column(&brands.join("lookalikes.tsv")) {
        cases.push((domain, Some(company)));
    }
    for file in ["benign_hard.tsv", "benign_cross.tsv"] {
        for (domain, _) in tsv_first_column(&brands.join(file)) {
            cases.push((domain, None));
        }
    }
    for d in [
        "twilio.com",
        "login.twilio.com",
        "twilio.okta.com",
        "twilio-okta.com",
        "sendgrid.net",
        "bit.ly",
        "twilio.github.io",
        "xn--twlio-5va.com",
        "xn--80ak6aa92e.com",
        "tw1lio.co.uk",
        "twilio.com.evil.ws",
    ] {
        cases.push((d.to_owned(), None));
    }
    assert!(cases.len() > 11_000, "the dev corpus is there");
    let (mut fast, mut full, mut flagged) = (0usize, 0usize, 0usize);
    for (i, (domain, company)) in cases.iter().enumerate() {
        let company = company
            .as_deref()
            .map(|c| c.trim_end_matches("+aliases"))
            .and_then(|c| policies.get(c));
        let mut under: Vec<&Policy> = vec![&twilio];
        under.extend(company);
        if i.is_multiple_of(7) {
            under.push(&builtin);
        }
        for line in forms(domain, i) {
            for policy in &under {
                let (a, b) = both(&line, policy);
                assert_eq!(a, b, "fast and full paths differ on {line:?}");
                if takes_fast_path(&line) {
                    fast += 1;
                    if !a.contains(r#"{"verdict":"unknown""#) {
                        flagged += 1;
                    }
                } else {
                    full += 1;
                }
            }
        }
    }
    // The comparison is meaningful: most plain lines took the fast path,
    // many of them flagged, and the odd forms took the full one.
    assert!(fast > 20_000, "{fast} lines took the fast path");
    assert!(flagged > 10_000, "{flagged} fast-path lines were flagged");
    assert!(full > 20_000, "{full} lines took the full path");
}

#[test]
fn odd_lines_take_the_full_path() {
    for line in [
        "https://twilio.com@evil.example/",
        "twilio-okta.com/reset",
        "hxxps://twilio-okta[.]com",
        "https://twilio-okta.com/?u=https://evil.example",
        "twilio-okta.com.",
        "tw\u{200B}ilio-okta.com",
        "twilio-okta。com",
        "https://twilio-okta.com:443/",
        "intent://twilio-okta.com/#Intent;end",
        "Log in at twilio-okta.com",
        "node.js",
    ] {
        assert!(!takes_fast_path(line), "{line}");
    }
    for line in ["twilio-okta.com", "https://twilio-okta.com/login?a=1&b=2#c"] {
        assert!(takes_fast_path(line), "{line}");
    }
}

/// Pieces that build lines near the fast path's edge.
fn near_plain_line() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "https://",
        "http://",
        "HTTP://",
        "ftp://",
        "//",
        "twilio",
        "okta",
        "tw1lio",
        "-",
        "--",
        ".",
        "..",
        ".com",
        ".co.uk",
        ".net",
        ".io",
        ".xn--p1ai",
        "xn--",
        "www",
        "a",
        "Z",
        "0",
        "9",
        "/",
        "?",
        "#",
        "=",
        "&",
        "&#46;",
        "&amp;",
        "%2F",
        "@",
        ":",
        ":8080",
        ";",
        "!",
        "*",
        "_",
        "~",
        ",",
        "+",
        "$",
        "(",
        ")",
        "[.]",
        " ",
        "hxxp",
        "http:/",
        "é",
        "\u{200B}",
    ]);
    prop::collection::vec(pieces, 1..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_agrees_on_generated_lines(line in near_plain_line()) {
        let policy = twilio();
        let (a, b) = both(&line, &policy);
        prop_assert_eq!(a, b, "{:?}", line);
    }
}

/// `--jobs`: the same bytes, in input order, whatever the number of jobs.
#[test]
fn jobs_keep_input_order_and_bytes() {
    let mut input = String::new();
    for i in 0..5000 {
        match i % 4 {
            0 => input.push_str(&format!("twilio-login{i}.com\n")),
            1 => input.push_str(&format!("https://site{i}.example.org/a?b={i}\n")),
            2 => input.push_str("Your password expired, log in at twilio-okta.net/reset\n"),
            _ => input.push_str(&format!("plain words {i}\n")),
        }
    }
    let run = |jobs: &str, json: bool| {
        let mut args = vec!["check", "--lines", "--jobs", jobs];
        if json {
            args.push("--json");
        }
        let out = Bin::new()
            .args(&args)
            .policy(data("twilio.toml"))
            .stdin(input.as_bytes())
            .output();
        assert!(out.status.success(), "{}", crate::support::stderr(&out));
        crate::support::stdout(&out)
    };
    for json in [true, false] {
        let one = run("1", json);
        assert_eq!(one.lines().count(), 5000);
        for jobs in ["2", "3", "8"] {
            assert_eq!(run(jobs, json), one, "--jobs {jobs} --json={json}");
        }
    }
}

/// The hand-written JSON writer (`AnalysisJson::write_to`) and serde_json
/// give the same bytes for `analysis`.
fn assert_same_json(view: &AnalysisJson<'_>, what: &str) {
    let serde = serde_json::to_vec(view).unwrap();
    let mut hand = Vec::new();
    view.write_to(&mut hand);
    assert_eq!(
        String::from_utf8_lossy(&hand),
        String::from_utf8_lossy(&serde),
        "the writer and serde_json differ on {what:?}"
    );
}

#[test]
fn hand_written_json_is_serde_json_over_the_dev_corpus() {
    let twilio = twilio();
    let builtin = Policy::builtin().unwrap();
    let mut texts: Vec<String> = Vec::new();
    // Hostile inputs (escapes, control characters, invisible and non-BMP
    // characters, U+2028, over-long hosts, defanging).
    for line in include_str!("../data/adversarial.txt").lines() {
        if !line.starts_with('#') && !line.trim().is_empty() {
            texts.push(crate::adversarial::decode(line));
        }
    }
    // Messages: lures in eight languages, ordinary texts (message findings,
    // promises, phone numbers).
    let lures = data("lures");
    for file in ["dev.tsv", "dev2.tsv", "dev3.tsv", "dev4.tsv", "dev5.tsv"] {
        let tsv = std::fs::read_to_string(lures.join(file)).unwrap();
        texts.extend(
            tsv.lines()
                .skip(1)
                .filter_map(|l| l.split('\t').nth(5))
                .map(str::to_owned),
        );
    }
    // Domains: the brand set's lookalikes and benign names, some written
    // with a scheme, a path with quotes and backslashes, or a control
    // character.
    let brands = data("brands");
    for (i, (domain, _)) in tsv_first_column(&brands.join("lookalikes.tsv"))
        .into_iter()
        .chain(tsv_first_column(&brands.join("benign_hard.tsv")))
        .enumerate()
    {
        texts.push(match i % 4 {
            0 => domain,
            1 => format!("https://{domain}/a\"b\\c?d=\u{2028}"),
            2 => format!("{domain}\u{1}\t\u{7f}𝐚"),
            _ => format!("log in at {domain} now"),
        });
    }
    assert!(texts.len() > 12_000, "the dev corpus is there");
    for text in &texts {
        for policy in [&twilio, &builtin] {
            let a = analyze(text, policy);
            assert_same_json(&AnalysisJson::new(&a), text);
        }
    }
    // Raw bytes: invalid UTF-8 and the notes it gives.
    let a = secondlook::analysis::analyze_bytes(b"tw\xffilio-okta.com \x00\x1f", 9_999, &twilio);
    assert_same_json(&AnalysisJson::new(&a), "bytes");
}

/// Every string field of the view holding `s`, a message's explanation,
/// notes and promises included.
fn view_with<'a>(s: &'a str, strings: &'a [String]) -> AnalysisJson<'a> {
    use secondlook::json::{FindingJson, LinkJson};
    let finding = FindingJson {
        rule: "homoglyph",
        severity: "dangerous",
        brand: Some(s),
        explanation: s.to_owned(),
    };
    let link = |owned_host: bool, via: Option<usize>| LinkJson {
        url: s,
        text: s,
        span: [0, usize::MAX],
        kind: "web",
        host: Some(s),
        host_ascii: None,
        registrable_domain: Some(s),
        verdict: "suspicious",
        brand: None,
        did_you_mean: Some(s),
        refanged: owned_host,
        via,
        repaired_scheme: Some(s),
        findings: vec![
            FindingJson {
                brand: None,
                ..finding.clone()
            },
            finding.clone(),
        ],
        explanation: s.to_owned(),
        training: !owned_host,
        owned_host,
    };
    AnalysisJson {
        verdict: "dangerous",
        links: vec![
            link(false, None),
            link(true, Some(0)),
            link(false, Some(1234567890)),
        ],
        message_findings: vec![finding],
        explanation: s.to_owned(),
        never_ask: strings,
        notes: strings,
        policy: s,
        training: true,
    }
}

#[test]
fn hand_written_json_escapes_as_serde_json() {
    let mut every_ascii: String = (0u8..=0x7f).map(char::from).collect();
    every_ascii.push_str("\u{80}\u{9f}\u{a0}\u{ad}\u{2028}\u{2029}\u{feff}\u{fffd}\u{10000}\u{1f600}\u{10ffff}é\"\\\"");
    for s in [
        "",
        "\"",
        "\\",
        "\u{0}",
        "\u{1f}",
        "\u{7f}",
        "\u{2028}",
        "𝐚\u{1f}",
        every_ascii.as_str(),
    ] {
        let strings = vec![s.to_owned(), String::new(), every_ascii.clone()];
        assert_same_json(&view_with(s, &strings), s);
        assert_same_json(&view_with(s, &[]), s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any string, any character: the same escapes as serde_json.
    #[test]
    fn hand_written_json_escapes_any_string(s in "(\\PC|[\\x00-\\x1f\\x7f\"\\\\\u{2028}\u{2029}])*") {
        let strings = vec![s.clone()];
        let view = view_with(&s, &strings);
        let serde = serde_json::to_vec(&view).unwrap();
        let mut hand = Vec::new();
        view.write_to(&mut hand);
        prop_assert_eq!(hand, serde);
    }
}
