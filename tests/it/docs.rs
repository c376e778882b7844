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
    assert!(block[0].starts_with("cargo run -- check "));
    assert_eq!(block[1], "cargo test");
}

/// The analysis never touches the network: no networking crate is built.
/// (When reporting lands, its transport crates must stay out of the
/// analysis path; this list then moves to a check of `src/analysis`.)
#[test]
fn no_networking_crate_is_in_the_build() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for name in [
        "reqwest",
        "hyper",
        "ureq",
        "lettre",
        "tokio",
        "curl",
        "isahc",
        "attohttpc",
        "socket2",
        "mio",
        "trust-dns-resolver",
        "hickory-resolver",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{name}\"")),
            "{name} is in Cargo.lock"
        );
    }
}
