//! Tidy tests: the shape of the tree that the architecture relies on.
//!
//! The engine (`src/engine/`) is the pure core: text in, analysis out. It
//! must not reach the file system, the environment, threads, processes, the
//! network, the clock, the GUI, reports or the desktop; those belong to the
//! shell around it. Every rule file is registered in the rule list.

use std::path::{Path, PathBuf};

use secondlook::rules::{LINK_RULES, MESSAGE_RULES, RELATION_RULES};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The code of a file without its unit tests (`#[cfg(test)]` onwards: the
/// convention in this tree is one test module at the end of a file), and
/// without comments.
fn code_of(src: &str) -> String {
    let body = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    body.lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("//")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the engine may not name: each is a way out of pure analysis.
const FORBIDDEN_IN_ENGINE: &[(&str, &str)] = &[
    ("std::fs", "the file system"),
    ("File::", "the file system"),
    ("std::env", "the environment"),
    ("env::var", "the environment"),
    ("std::thread", "threads"),
    ("std::sync::mpsc", "threads"),
    ("std::process", "processes"),
    ("TcpStream", "the network"),
    ("UdpSocket", "the network"),
    ("ToSocketAddrs", "the network"),
    ("SystemTime", "the clock"),
    ("Instant::now", "the clock"),
    ("directories::", "the file system"),
    ("eframe", "the GUI"),
    ("egui", "the GUI"),
    ("arboard", "the clipboard"),
    ("notify_rust", "the desktop"),
    ("crate::app", "the GUI"),
    ("crate::desktop", "the desktop"),
    ("crate::report", "reports"),
    ("crate::cli", "the command line"),
    ("crate::wire", "wire formats"),
    ("crate::json", "wire formats"),
    ("println!", "output"),
    ("eprintln!", "output"),
];

/// The crate-root modules the engine may use: its own (re-exported at the
/// root) and the compiled policy it judges under.
const ENGINE_MAY_USE: &[&str] = &[
    "engine", "analysis", "explain", "extract", "host", "lure", "phone", "refs", "rules", "text",
    "policy",
];

#[test]
fn the_engine_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let files = rust_files(&root);
    assert!(files.len() > 20, "src/engine has the analysis core");
    let mut problems = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().display().to_string();
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        for (name, what) in FORBIDDEN_IN_ENGINE {
            if code.contains(name) {
                problems.push(format!("src/engine/{rel} names {name} ({what})"));
            }
        }
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let module: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !module.is_empty()
                && module
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase())
                && !ENGINE_MAY_USE.contains(&module.as_str())
            {
                problems.push(format!("src/engine/{rel} uses crate::{module}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the engine must stay pure (move this code to the shell):\n{}",
        problems.join("\n")
    );
}

/// The forbidden list bites: a file that reads a file is caught.
#[test]
fn the_purity_check_catches_a_file_read() {
    let code = code_of("use std::fs;\nfn f() { let _ = std::fs::read(\"x\"); }\n");
    assert!(FORBIDDEN_IN_ENGINE.iter().any(|(n, _)| code.contains(n)));
    let tests_only = code_of("fn f() {}\n#[cfg(test)]\nmod tests { use std::fs; }\n");
    assert!(
        !FORBIDDEN_IN_ENGINE
            .iter()
            .any(|(n, _)| tests_only.contains(n))
    );
}

/// Every rule file (a file under src/engine/rules that declares a `RULE`)
/// is in one of the three registries, and every registered id is unique.
#[test]
fn every_rule_file_is_registered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/rules");
    let mut registered: Vec<&str> = LINK_RULES.iter().map(|r| r.id).collect();
    registered.extend(MESSAGE_RULES.iter().map(|r| r.id));
    registered.extend(RELATION_RULES.iter().map(|r| r.id));
    let mut unique = registered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), registered.len(), "rule ids are unique");

    let mut declared = 0;
    for f in rust_files(&root) {
        let src = std::fs::read_to_string(&f).unwrap();
        let Some(at) = src.find("pub const RULE") else {
            continue;
        };
        declared += 1;
        let after = &src[at..];
        let id = after
            .split("id: \"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{} declares RULE without an id", f.display()));
        assert!(
            registered.contains(&id),
            "{} declares rule {id} but it is not in LINK_RULES, MESSAGE_RULES or RELATION_RULES",
            f.display()
        );
        let file_stem = f.file_stem().unwrap().to_string_lossy().replace('_', "-");
        assert_eq!(id, file_stem, "a rule's file is named after its id");
    }
    assert_eq!(
        declared,
        registered.len(),
        "every registered rule has its own file"
    );
}

/// The policy is compiled without the rules: `Severity`, `hosting`, the
/// rule ids, the word lists and a brand's names are leaves both import
/// (`src/engine/{severity,hosting,rule_ids,words}.rs`,
/// `src/engine/policy/names.rs`), so there is no policy ↔ rules circle.
#[test]
fn the_policy_does_not_import_the_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/policy");
    for f in rust_files(&root) {
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for name in [
            "crate::rules",
            "crate::engine::rules",
            "super::super::rules",
        ] {
            assert!(
                !code.contains(name),
                "{} uses {name}: move what it needs into a leaf module",
                f.display()
            );
        }
    }
}

/// The policy is compiled without the lure analysis (which reads the
/// compiled policy): the folding of lure words and the list of vocabulary
/// languages are a leaf both import (`src/engine/fold.rs`), so there is no
/// policy ↔ lure circle.
#[test]
fn the_policy_does_not_import_the_lure_analysis() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/policy");
    let files = rust_files(&root);
    assert!(files.len() >= 3, "src/engine/policy has its files");
    for f in files {
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for name in [
            "crate::lure",
            "crate::engine::lure",
            "super::super::lure",
            "super::lure",
            "secondlook::lure",
        ] {
            assert!(
                !code.contains(name),
                "{} uses {name}: use the leaf crate::engine::fold instead",
                f.display()
            );
        }
    }
}
