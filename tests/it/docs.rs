//! Documentation that must stay true.

/// The README's rule table is the registry's.
#[test]
fn readme_lists_every_rule_as_the_registry_describes_it() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows = secondlook::rules::LINK_RULES
        .iter()
        .map(|r| (r.id, r.detects, r.severity))
        .chain(
            secondlook::rules::RELATION_RULES
                .iter()
                .map(|r| (r.id, r.detects, r.severity)),
        )
        .chain(
            secondlook::rules::MESSAGE_RULES
                .iter()
                .map(|r| (r.id, r.detects, r.severity)),
        );
    for (id, detects, severity) in rows {
        let row = format!("| `{id}` | {detects} | {severity} |");
        assert!(
            readme.contains(&row),
            "README.md lacks or misstates: {row}\n(regenerate: cargo run -q --example rules_table)"
        );
    }
}

/// The README's table of rule examples is the registry's data.
#[test]
fn readme_shows_every_rule_s_examples_as_the_registry_holds_them() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for row in secondlook::rules::examples_table().lines() {
        assert!(
            readme.contains(row),
            "README.md lacks or misstates: {row}\n(regenerate: cargo run -q --example rules_table)"
        );
    }
}

/// The README starts with exactly the two commands.
#[test]
fn readme_starts_with_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert_eq!(block.len(), 2, "{block:?}");
    assert_eq!(
        block[0], "cargo run",
        "secondlook with no command opens the app"
    );
    assert_eq!(block[1], "cargo test");
}

/// The analysis never touches the network: only `src/report/deliver.rs`
/// (sending a report the user confirmed) and `src/feed/fetch.rs` (the
/// signed indicator feed, from the URL the managed policy names) may use
/// networking, and nothing on the analysis path may use the report module
/// or the feed's fetching.
#[test]
fn only_report_delivery_touches_the_network() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let network = [
        "ureq",
        "lettre",
        "std::net::TcpStream",
        "TcpStream::",
        "UdpSocket",
        "ToSocketAddrs",
        "to_socket_addrs",
        "reqwest",
        "hyper::",
    ];
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    let analysis_path = ["engine", "wire", "policy"];
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let src = std::fs::read_to_string(&f).unwrap();
        if rel != "report/deliver.rs" && rel != "feed/fetch.rs" {
            for n in network {
                assert!(
                    !src.contains(n),
                    "{rel} mentions {n}: only report/deliver.rs and feed/fetch.rs may use the network"
                );
            }
        }
        if analysis_path
            .iter()
            .any(|a| rel == *a || rel.starts_with(&format!("{a}/")))
        {
            assert!(
                !src.contains("crate::report"),
                "{rel} (analysis path) uses the report module"
            );
            assert!(
                !src.contains("fetch::") && !src.contains("fetch_once"),
                "{rel} (analysis path) uses the feed's fetching"
            );
        }
    }
}
