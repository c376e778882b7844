//! The effective policy: precedence, locking, fallback to the last valid
//! layer, reloading, and the `secondlook policy` commands.

use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;

use crate::support::Bin;

use secondlook::policy::layers::{Fingerprint, Locations, Source, load};
use secondlook::{Verdict, analyze};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        Setup { _dir: dir, root }
    }
    fn locations(&self, managed: &[&Path], user: &[&Path]) -> Locations {
        Locations {
            managed: managed.iter().map(|p| p.to_path_buf()).collect(),
            user: user.iter().map(|p| p.to_path_buf()).collect(),
            data_dir: Some(self.root.join("data")),
        }
    }
}

/// The Twilio-like test policy plus indicators, as IT would deploy it.
fn managed() -> String {
    let base = std::fs::read_to_string(crate::data("twilio.toml")).unwrap();
    format!(
        "{base}\n[indicators]\nblocked = [\"twilio-help.net\"]\ntraining = [\"twi1io-training.com\"]\n"
    )
}

const USER: &str = r#"
[organization]
name = "Not Twilio"
help_contact = "my manager"

[[brand]]
name = "Twilio"
domains = ["evil.example.com"]

[[brand]]
name = "My Bank"
domains = ["mybank.example"]

[detection]
trusted_hosts = ["wiki.example.org"]
disabled = { typosquat = "too noisy" }
"#;

#[test]
fn managed_over_user_over_default_with_sources() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let u = write(&s.root, "user/policy.toml", USER);
    let e = load(&s.locations(&[&m], &[&u]));
    assert_eq!(e.policy.organization.name, "Twilio", "managed wins");
    assert!(e.is_locked("organization.name"));
    assert_eq!(
        e.policy.organization.help_contact.as_deref(),
        Some("my manager"),
        "user fills what managed leaves"
    );
    assert!(!e.is_locked("organization.help_contact"));
    assert!(
        e.policy.brands.iter().any(|b| b.name == "Microsoft"),
        "built-in brands stay"
    );
    let twilio = e.policy.brands.iter().find(|b| b.name == "Twilio").unwrap();
    assert_eq!(
        twilio.domains,
        ["twilio.com", "twilio.okta.com"],
        "the user cannot redefine the organisation's brand"
    );
    assert!(
        e.policy.brands.iter().any(|b| b.name == "My Bank"),
        "user additions are kept"
    );
    assert_eq!(
        e.layers,
        [
            Source::Builtin,
            Source::User(u.clone()),
            Source::Managed(m.clone())
        ]
    );
    let setting = e
        .settings
        .iter()
        .find(|x| x.key == "organization.name")
        .unwrap();
    assert_eq!(setting.source, Source::Managed(m));
}

#[test]
fn user_cannot_weaken_a_managed_policy() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let u = write(&s.root, "user/policy.toml", USER);
    let e = load(&s.locations(&[&m], &[&u]));
    assert!(
        e.policy.disabled.is_empty(),
        "user's disabled rules are refused"
    );
    assert!(
        e.problems.iter().any(
            |p| p.contains("detection.disabled in your own policy") && p.contains("is ignored")
        )
    );
    // The user's trusted host is an addition and is kept.
    assert_eq!(
        analyze("https://wiki.example.org/page", &e.policy).verdict,
        Verdict::Safe
    );
    // Without a managed policy, the user's own settings apply.
    let e = load(&s.locations(&[], &[&u]));
    assert!(e.policy.disabled.contains_key("typosquat"));
    assert_eq!(e.policy.organization.name, "Not Twilio");
}

#[test]
fn policy_d_files_apply_in_name_order() {
    let s = Setup::new();
    write(&s.root, "etc/policy.toml", &managed());
    write(
        &s.root,
        "etc/policy.d/20-name.toml",
        "[organization]\nname = \"Second\"\n",
    );
    write(
        &s.root,
        "etc/policy.d/10-name.toml",
        "[organization]\nname = \"First\"\n[indicators]\nblocked = [\"sendgrid-okta.org\"]\n",
    );
    let files = secondlook::policy::layers::expand(&s.root.join("etc"));
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["policy.toml", "10-name.toml", "20-name.toml"]);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let e = load(&s.locations(&refs, &[]));
    assert_eq!(e.policy.organization.name, "Second");
    assert!(
        e.policy.blocked.contains("sendgrid-okta.org")
            && e.policy.blocked.contains("twilio-help.net"),
        "indicators add up"
    );
}

#[test]
fn blocked_and_training_indicators_change_verdicts() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let e = load(&s.locations(&[&m], &[]));
    let a = analyze(
        "Helpdesk: open https://login.twilio-help.net/now",
        &e.policy,
    );
    assert_eq!(a.verdict, Verdict::Dangerous);
    assert_eq!(a.links[0].findings[0].rule, "blocked-indicator");
    assert!(
        a.links[0]
            .explanation()
            .contains("Your security team has marked twilio-help.net as an attack.")
    );
    let a = analyze("Please confirm at twi1io-training.com", &e.policy);
    assert!(a.is_training());
    assert!(
        a.verdict >= Verdict::Suspicious,
        "a simulation looks like the real thing"
    );
}

#[test]
fn a_broken_layer_falls_back_to_its_last_valid_version() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let loc = s.locations(&[&m], &[]);
    assert!(load(&loc).problems.is_empty());
    write(
        &s.root,
        "etc/policy.toml",
        "[organization\nname = \"Twilio\"\n",
    );
    let e = load(&loc);
    assert!(
        e.problems[0].starts_with("Your organisation's policy"),
        "{:?}",
        e.problems
    );
    assert!(
        e.problems[0].contains("last valid version"),
        "{:?}",
        e.problems
    );
    assert!(
        e.policy.blocked.contains("twilio-help.net"),
        "protection kept"
    );
    assert_eq!(e.policy.organization.name, "Twilio");
}

#[test]
fn a_broken_layer_with_no_earlier_version_is_left_out_loudly() {
    let s = Setup::new();
    let m = write(
        &s.root,
        "etc/policy.toml",
        "[[brand]]\nname = \"X\"\ndomains = [\"com\"]\n",
    );
    let e = load(&s.locations(&[&m], &[]));
    assert!(
        e.problems[0].contains("is not a domain") || e.problems[0].contains("public suffix"),
        "{:?}",
        e.problems
    );
    assert!(e.problems[0].contains("left out until it is fixed"));
    assert!(
        e.policy.brands.iter().any(|b| b.name == "Microsoft"),
        "the built-in protection remains"
    );
}

#[test]
fn an_unreadable_managed_file_is_reported_not_skipped() {
    let s = Setup::new();
    let not_a_file = s.root.join("etc/policy.toml");
    std::fs::create_dir_all(&not_a_file).unwrap();
    let e = load(&s.locations(&[&not_a_file], &[]));
    assert!(
        e.problems.iter().any(|p| p.contains("cannot be read")),
        "{:?}",
        e.problems
    );
}

#[test]
fn changes_are_noticed_and_reloaded() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let loc = s.locations(&[&m], &[]);
    let before = Fingerprint::of(&loc);
    assert_eq!(before, Fingerprint::of(&loc), "no change, no reload");
    assert_eq!(
        analyze("reload-test.net", &load(&loc).policy).verdict,
        Verdict::Unknown
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        &s.root,
        "etc/policy.toml",
        &managed().replace(
            "blocked = [\"twilio-help.net\"]",
            "blocked = [\"twilio-help.net\", \"reload-test.net\"]",
        ),
    );
    assert_ne!(before, Fingerprint::of(&loc));
    assert_eq!(
        analyze("reload-test.net", &load(&loc).policy).verdict,
        Verdict::Dangerous
    );
}

fn cli(args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    env.iter()
        .fold(Bin::new().args(args), |b, (k, v)| b.env(k, v))
        .output()
}

#[test]
fn policy_check_lists_every_problem_and_exits_2() {
    let s = Setup::new();
    let good = write(&s.root, "good.toml", &managed());
    let bad = write(
        &s.root,
        "bad.toml",
        "[organization]\nnme = \"X\"\n[[brand]]\nname = \"X\"\ndomains = [\"co.uk\"]\n",
    );
    let out = cli(&["policy", "check", good.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.toml: valid"));
    let out = cli(
        &[
            "policy",
            "check",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:2:1: unknown key `nme` in [organization]; did you mean `name`?"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:5:12: \"co.uk\" is a public suffix"),
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");
}

#[test]
fn check_and_show_use_the_effective_policy_from_the_environment() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let data = s.root.join("data");
    let env = [
        ("SECONDLOOK_MANAGED_POLICY", m.as_path()),
        ("SECONDLOOK_USER_POLICY", s.root.as_path()),
        ("SECONDLOOK_DATA_DIR", data.as_path()),
    ];
    let out = cli(
        &[
            "check",
            "--json",
            "reset at https://twilio-help.net and twi1io-training.com",
        ],
        &env,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "dangerous");
    assert_eq!(v["links"][0]["findings"][0]["rule"], "blocked-indicator");
    assert_eq!(v["training"], true);
    let out = cli(&["policy", "show", "--json"], &env);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "organization.name")
        .unwrap();
    assert_eq!(name["value"], "\"Twilio\"");
    assert_eq!(name["locked"], true);
    assert!(name["source"].as_str().unwrap().starts_with("managed: "));
}

#[test]
fn the_watcher_reloads_when_a_file_is_added_to_policy_d() {
    let s = Setup::new();
    write(&s.root, "etc/policy.toml", &managed());
    let etc = s.root.join("etc");
    let data = s.root.join("data");
    let (mut w, first) = secondlook::policy::layers::Watcher::new(move || Locations {
        managed: secondlook::policy::layers::expand(&etc),
        user: Vec::new(),
        data_dir: Some(data.clone()),
    });
    assert!(!first.policy.blocked.contains("sendgrid-okta.org"));
    assert!(w.poll().is_none(), "nothing changed");
    write(
        &s.root,
        "etc/policy.d/90-new.toml",
        "[indicators]\nblocked = [\"sendgrid-okta.org\"]\n",
    );
    let reloaded = w.poll().expect("a new file is noticed");
    assert!(reloaded.policy.blocked.contains("sendgrid-okta.org"));
    assert!(w.poll().is_none(), "and read once");
}

#[test]
fn policy_install_checks_then_replaces_the_managed_policy() {
    let s = Setup::new();
    let managed_dir = s.root.join("programdata/SecondLook");
    let target = managed_dir.join("policy.toml");
    let good = write(&s.root, "good.toml", &managed());
    let bad = write(&s.root, "bad.toml", "[organization]\nnme = \"X\"\n");
    let env = [("SECONDLOOK_MANAGED_POLICY", managed_dir.as_path())];

    let out = cli(&["policy", "install", bad.to_str().unwrap()], &env);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown key `nme`") && err.contains("NOT installed"),
        "{err}"
    );
    assert!(!target.exists(), "nothing written for a broken policy");

    let out = cli(&["policy", "install", good.to_str().unwrap()], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), managed());
    let out = cli(&["policy", "show"], &env);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("programdata/SecondLook/policy.toml"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ---- Issue #17 §3: protection that nothing silently removes. ----

/// A watcher over `etc/` (policy.toml and policy.d) and `user/policy.toml`,
/// as the app's policy-watch thread runs it.
fn watcher(
    s: &Setup,
) -> (
    secondlook::policy::layers::Watcher,
    secondlook::policy::layers::Effective,
) {
    let etc = s.root.join("etc");
    let user = s.root.join("user");
    let data = s.root.join("data");
    secondlook::policy::layers::Watcher::new(move || Locations {
        managed: secondlook::policy::layers::expand(&etc),
        user: secondlook::policy::layers::expand(&user),
        data_dir: Some(data.clone()),
    })
}

/// The managed Twilio policy is in force: its name, brand and indicator.
fn assert_managed_in_force(e: &secondlook::policy::layers::Effective) {
    assert_eq!(e.policy.organization.name, "Twilio", "{:?}", e.problems);
    let twilio: Vec<_> = e
        .policy
        .brands
        .iter()
        .filter(|b| b.name == "Twilio")
        .collect();
    assert_eq!(twilio.len(), 1, "one Twilio brand");
    assert_eq!(twilio[0].domains, ["twilio.com", "twilio.okta.com"]);
    assert!(
        e.policy.blocked.contains("twilio-help.net"),
        "{:?}",
        e.problems
    );
    assert_eq!(
        analyze("https://twilio-help.net/x", &e.policy).verdict,
        Verdict::Dangerous
    );
}

/// Wait until the file system's modification time moves on, so a rewrite
/// is noticed by the size-and-time fingerprint even at the same size.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[test]
fn a_broken_or_odd_user_layer_is_dropped_alone_and_the_managed_policy_stays() {
    for (what, user) in [
        (
            "a public suffix as an owned domain",
            "[[brand]]\nname = \"Mine\"\ndomains = [\"co.uk\"]\n",
        ),
        (
            "a type error",
            "[[brand]]\nname = \"Mine\"\ndomains = \"mine.example\"\n",
        ),
        ("an unknown key", "[organization]\nnmae = \"Mine\"\n"),
        ("not TOML", "[[brand\nname = \"Mine\"\n"),
    ] {
        let s = Setup::new();
        write(&s.root, "etc/policy.toml", &managed());
        let u = write(&s.root, "user/policy.toml", user);
        // Through the real loader.
        let e = load(&s.locations(&[&s.root.join("etc/policy.toml")], &[&u]));
        assert_managed_in_force(&e);
        assert!(
            e.problems.iter().any(|p| p.starts_with("Your own policy")
                && p.contains(&u.display().to_string())
                && p.contains("left out until it is fixed")),
            "{what}: {:?}",
            e.problems
        );
        assert!(
            !e.problems.iter().any(|p| p.contains("do not combine")),
            "{what}: {:?}",
            e.problems
        );
        assert!(!e.layers.contains(&Source::User(u.clone())), "{what}");
    }
    // Through the app's reload path: a valid user layer turned odd.
    let s = Setup::new();
    write(&s.root, "etc/policy.toml", &managed());
    write(
        &s.root,
        "user/policy.toml",
        "[[brand]]\nname = \"My Bank\"\ndomains = [\"mybank.example\"]\n",
    );
    let (mut w, first) = watcher(&s);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert!(first.policy.brands.iter().any(|b| b.name == "My Bank"));
    tick();
    write(
        &s.root,
        "user/policy.toml",
        "[[brand]]\nname = \"My Bank\"\ndomains = [\"co.uk\"]\n",
    );
    let e = w.poll().expect("the change is noticed");
    assert_managed_in_force(&e);
    assert!(
        e.problems
            .iter()
            .any(|p| p.contains("co.uk") && p.contains("last valid version")),
        "{:?}",
        e.problems
    );
    assert!(
        e.policy.brands.iter().any(|b| b.name == "My Bank"),
        "the user's last valid version stays"
    );
}

#[cfg(unix)]
#[test]
fn a_managed_file_replaced_by_something_else_is_loud_and_the_last_valid_version_stays() {
    type Fault = (&'static str, fn(&Path), &'static str);
    let faults: [Fault; 8] = [
        (
            "a directory",
            |p| std::fs::create_dir(p).unwrap(),
            "it is a directory",
        ),
        (
            "a symbolic link loop",
            |p| std::os::unix::fs::symlink(p, p).unwrap(),
            "symbolic links",
        ),
        (
            "a dangling symbolic link",
            |p| std::os::unix::fs::symlink(p.with_file_name("gone.toml"), p).unwrap(),
            "a symbolic link to a file that does not exist",
        ),
        (
            "0 bytes",
            |p| std::fs::write(p, "").unwrap(),
            "is empty (0 bytes)",
        ),
        (
            "only comments",
            |p| std::fs::write(p, "# policy\n\n").unwrap(),
            "sets nothing, although its last valid version did",
        ),
        (
            "a file without brands",
            |p| std::fs::write(p, "[organization]\nname = \"Twilio\"\n").unwrap(),
            "lists no [[brand]], although its last valid version protected 3 (Twilio, SendGrid, Authy)",
        ),
        (
            "more than 1 MiB",
            |p| {
                let mut big = managed();
                big.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
                std::fs::write(p, big).unwrap()
            },
            "larger than 1024 KiB, the limit for policy files",
        ),
        (
            "a named pipe",
            |p| {
                let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
                assert!(ok, "mkfifo");
            },
            "not a regular file",
        ),
    ];
    for (what, fault, says) in faults {
        let s = Setup::new();
        let main = write(&s.root, "etc/policy.toml", &managed());
        let (mut w, first) = watcher(&s);
        assert!(first.problems.is_empty(), "{what}: {:?}", first.problems);
        assert_managed_in_force(&first);
        let copy = std::fs::read_dir(s.root.join("data/last-valid-policy"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("managed-")
            })
            .expect("a last valid copy is kept");
        let kept = std::fs::read_to_string(&copy).unwrap();
        tick();
        std::fs::remove_file(&main).unwrap();
        fault(&main);
        let e = w
            .poll()
            .unwrap_or_else(|| panic!("{what}: the change is noticed"));
        assert_managed_in_force(&e);
        let problem = e
            .problems
            .iter()
            .find(|p| p.starts_with("Your organisation's policy"))
            .unwrap_or_else(|| panic!("{what}: {:?}", e.problems));
        assert!(problem.contains(says), "{what}: {problem}");
        assert!(
            problem.contains("Protection continues with the last valid version"),
            "{what}: {problem}"
        );
        assert_eq!(
            std::fs::read_to_string(&copy).unwrap(),
            kept,
            "{what}: the last valid copy is untouched"
        );
        // The command line says it too, on stderr and in `policy show`.
        let data = s.root.join("data");
        let env = [
            ("SECONDLOOK_MANAGED_POLICY", s.root.join("etc")),
            ("SECONDLOOK_USER_POLICY", s.root.join("user")),
            ("SECONDLOOK_DATA_DIR", data),
        ];
        let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
        let out = cli(&["policy", "show"], &env);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stdout.contains("PROBLEM: Your organisation's policy") && stdout.contains(says),
            "{what}: {stdout}"
        );
        assert!(
            stdout.contains("organization.name = \"Twilio\""),
            "{what}: {stdout}"
        );
        assert!(
            stderr.contains("secondlook: warning: Your organisation's policy"),
            "{what}: {stderr}"
        );
        let out = cli(&["policy", "show", "--json"], &env);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p.as_str().unwrap().contains(says)),
            "{what}: {v}"
        );
        let out = cli(&["check", "--json", "https://twilio-help.net/x"], &env);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["verdict"], "dangerous", "{what}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{what}"
        );
    }
}

#[test]
fn deleting_the_managed_file_removes_it_and_brand_list_empty_on_purpose_is_adopted() {
    let s = Setup::new();
    let main = write(&s.root, "etc/policy.toml", &managed());
    let (mut w, first) = watcher(&s);
    assert_managed_in_force(&first);
    // `brand = []` says "no brands" on purpose: adopted, not suspect.
    tick();
    write(
        &s.root,
        "etc/policy.toml",
        "brand = []\n[organization]\nname = \"Twilio\"\n",
    );
    let e = w.poll().expect("noticed");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert!(!e.policy.brands.iter().any(|b| b.name == "Twilio"));
    assert_eq!(e.policy.organization.name, "Twilio");
    // Deleting the file (ENOENT) is "no managed policy", quietly.
    tick();
    write(&s.root, "etc/policy.toml", &managed());
    assert_managed_in_force(&w.poll().expect("noticed"));
    std::fs::remove_file(&main).unwrap();
    let e = w.poll().expect("noticed");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.layers, [Source::Builtin]);
    assert_eq!(e.policy.organization.name, "");
}

#[cfg(unix)]
#[test]
fn an_unreadable_managed_file_or_directory_is_loud_and_the_last_valid_version_stays() {
    use std::os::unix::fs::PermissionsExt;
    // Root reads anything, so the command line runs as `nobody` there.
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    for what in ["file", "directory"] {
        let s = Setup::new();
        std::fs::set_permissions(&s.root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let etc = s.root.join("etc");
        write(&s.root, "etc/policy.toml", &managed());
        let data = s.root.join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).unwrap();
        let run = |args: &[&str]| {
            let b = if root {
                Bin::new().via(
                    "setpriv",
                    &["--reuid=65534", "--regid=65534", "--clear-groups", "--"],
                )
            } else {
                Bin::new()
            };
            b.args(args)
                .env("SECONDLOOK_MANAGED_POLICY", &etc)
                .env("SECONDLOOK_USER_POLICY", s.root.join("user"))
                .env("SECONDLOOK_DATA_DIR", &data)
                .env("HOME", &data)
                .output()
        };
        let out = run(&["policy", "show", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["problems"],
            serde_json::json!([]),
            "{what}: a valid load first"
        );
        let target = if what == "file" {
            etc.join("policy.toml")
        } else {
            etc.clone()
        };
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o000)).unwrap();
        let out = run(&["policy", "show", "--json"]);
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let problems = v["problems"].to_string();
        assert!(
            problems.contains("cannot be read") && problems.contains("ermission denied"),
            "{what}: {problems}"
        );
        assert!(
            problems.contains("Protection continues with the last valid version"),
            "{what}: {problems}"
        );
        let name = v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "organization.name")
            .cloned();
        assert_eq!(
            name.map(|n| n["value"].clone()),
            Some("\"Twilio\"".into()),
            "{what}"
        );
    }
}

#[test]
fn a_brand_named_with_other_spaces_or_case_is_the_same_brand() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    for name in ["Twilio ", "twilio", " TWILIO", "Twilio\t"] {
        let u = write(
            &s.root,
            "user/policy.toml",
            &format!("[[brand]]\nname = {name:?}\ndomains = [\"partner.example.net\"]\n"),
        );
        let e = load(&s.locations(&[&m], &[&u]));
        assert_managed_in_force(&e);
        assert_eq!(
            e.policy
                .brands
                .iter()
                .filter(|b| secondlook::policy::brand_key(&b.name)
                    == secondlook::policy::brand_key("Twilio"))
                .count(),
            1,
            "{name:?}"
        );
        // The user's domain is the user's addition, not Twilio's.
        let a = analyze("https://partner.example.net/", &e.policy);
        assert_eq!(a.verdict, Verdict::Safe, "{name:?}");
        assert_eq!(a.links[0].brand, None, "{name:?}: not owned by Twilio");
        assert!(
            a.links[0]
                .explanation()
                .contains("a site you added as trusted"),
            "{}",
            a.links[0].explanation()
        );
    }
    // Two entries in one file: a problem, the file is refused.
    let twice = "[[brand]]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n[[brand]]\nname = \"acme \"\ndomains = [\"acme-login.example\"]\n";
    let f = write(&s.root, "twice.toml", twice);
    let problems = secondlook::policy::layers::check_files(&[f]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("brand \"acme\" is listed twice")),
        "{problems:?}"
    );
    // In policy.d, a later file's "TWILIO " replaces the earlier brand
    // (IT's own layers), never adds a second one.
    write(
        &s.root,
        "etc/policy.d/50-twilio.toml",
        "[[brand]]\nname = \"TWILIO \"\ndomains = [\"twilio.com\"]\n",
    );
    let files = secondlook::policy::layers::expand(&s.root.join("etc"));
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let e = load(&s.locations(&refs, &[]));
    let names: Vec<&str> = e
        .policy
        .brands
        .iter()
        .map(|b| b.name.as_str())
        .filter(|n| n.eq_ignore_ascii_case("twilio"))
        .collect();
    assert_eq!(names, ["TWILIO"]);
}

#[test]
fn a_user_layer_never_makes_a_lookalike_of_a_managed_brand_safe() {
    let s = Setup::new();
    let m = write(&s.root, "etc/policy.toml", &managed());
    let u = write(
        &s.root,
        "user/policy.toml",
        r#"
[[brand]]
name = "My Bank"
domains = ["mybank.example", "sendgrid-login.com"]

[[brand]]
name = "Only Fakes"
domains = ["twilio-okta.com"]

[[brand]]
name = "Twilio"
domains = ["twilio-support.com"]

[[brand]]
name = "Okta"
domains = ["okta.com"]

[detection]
trusted_hosts = ["twilio-sso.com", "intranet.example.net", "tw1lio.com"]
"#,
    );
    let (mut w, e) = {
        let etc = s.root.join("etc");
        let user = u.clone();
        let data = s.root.join("data");
        secondlook::policy::layers::Watcher::new(move || Locations {
            managed: secondlook::policy::layers::expand(&etc),
            user: vec![user.clone()],
            data_dir: Some(data.clone()),
        })
    };
    for e in [e, load(&s.locations(&[&m], &[&u]))] {
        assert_managed_in_force(&e);
        for host in [
            "sendgrid-login.com",
            "twilio-okta.com",
            "twilio-support.com",
            "twilio-sso.com",
            "tw1lio.com",
        ] {
            let a = analyze(&format!("https://{host}/login"), &e.policy);
            assert!(a.verdict >= Verdict::Suspicious, "{host}: {:?}", a.verdict);
            assert!(
                e.problems.iter().any(|p| p.starts_with(host)
                    && p.contains("is left out: it looks like")
                    && p.contains("a brand your organisation protects")),
                "{host}: {:?}",
                e.problems
            );
        }
        assert!(
            e.problems
                .iter()
                .any(|p| p.starts_with("okta.com, trusted in your own policy")
                    && p.contains("anyone can get a sign-in page under okta.com")),
            "{:?}",
            e.problems
        );
        assert!(
            !e.problems.iter().any(|p| p.contains("do not combine")),
            "{:?}",
            e.problems
        );
        assert!(e.layers.contains(&Source::User(u.clone())));
        assert!(
            !e.policy.brands.iter().any(|b| b.name == "Only Fakes"),
            "a brand left without domains is dropped"
        );
        let a = analyze("https://mybank.example/", &e.policy);
        assert_eq!(a.verdict, Verdict::Safe);
        expect_test::expect![
            "This link goes to mybank.example, one of My Bank's own domains (a brand you added)."
        ]
        .assert_eq(&a.links[0].findings[0].explanation());
        let a = analyze("https://intranet.example.net/", &e.policy);
        assert_eq!(a.verdict, Verdict::Safe);
        expect_test::expect![
            "This link goes to intranet.example.net, a site you added as trusted."
        ]
        .assert_eq(&a.links[0].findings[0].explanation());
    }
    assert!(w.poll().is_none());
    // The organisation's own trusted host keeps the organisation's words,
    // even when the user lists it too.
    tick();
    write(
        &s.root,
        "etc/policy.toml",
        &format!(
            "{}\n[detection]\ntrusted_hosts = [\"intranet.example.net\"]\n",
            managed()
        ),
    );
    let e = w.poll().expect("noticed");
    let a = analyze("https://intranet.example.net/", &e.policy);
    expect_test::expect![
        "This link goes to intranet.example.net, a service Twilio lists as trusted."
    ]
    .assert_eq(&a.links[0].findings[0].explanation());
}

#[test]
fn the_managed_policy_can_switch_user_additions_off() {
    let s = Setup::new();
    let m = write(
        &s.root,
        "etc/policy.toml",
        &format!("{}\n[detection]\nuser_additions = false\n", managed()),
    );
    let u = write(
        &s.root,
        "user/policy.toml",
        "[organization]\nhelp_contact = \"my manager\"\n[[brand]]\nname = \"My Bank\"\ndomains = [\"mybank.example\"]\n[detection]\ntrusted_hosts = [\"intranet.example.net\"]\n[indicators]\ntraining = [\"real-attack.example\"]\nblocked = [\"bad.example\"]\n",
    );
    let e = load(&s.locations(&[&m], &[&u]));
    assert_managed_in_force(&e);
    assert!(e.is_locked("detection.user_additions"));
    assert!(!e.policy.brands.iter().any(|b| b.name == "My Bank"));
    assert_eq!(
        analyze("https://intranet.example.net/", &e.policy).verdict,
        Verdict::Unknown
    );
    assert_eq!(
        analyze("https://mybank.example/", &e.policy).verdict,
        Verdict::Unknown
    );
    assert!(!e.policy.training.contains("real-attack.example"));
    assert!(
        e.policy.blocked.contains("bad.example"),
        "what only adds protection stays"
    );
    assert_eq!(
        e.policy.organization.help_contact.as_deref(),
        Some("my manager")
    );
    assert!(
        e.problems
            .iter()
            .any(|p| p.contains("detection.user_additions = false") && p.contains("are ignored")),
        "{:?}",
        e.problems
    );
    let env = [
        ("SECONDLOOK_MANAGED_POLICY", m.as_path()),
        ("SECONDLOOK_USER_POLICY", u.as_path()),
        ("SECONDLOOK_DATA_DIR", s.root.as_path()),
    ];
    let out = cli(&["policy", "show"], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("detection.user_additions = false    # managed: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("PROBLEM: your organisation has switched off additions"),
        "{stdout}"
    );
    // A user cannot switch them back on.
    let u2 = write(
        &s.root,
        "user2/policy.toml",
        "[detection]\nuser_additions = true\ntrusted_hosts = [\"intranet.example.net\"]\n",
    );
    let e = load(&s.locations(&[&m], &[&u2]));
    assert_eq!(
        analyze("https://intranet.example.net/", &e.policy).verdict,
        Verdict::Unknown
    );
}

#[test]
fn hosts_anyone_can_publish_under_are_refused_as_owned_or_trusted() {
    let s = Setup::new();
    let refused = [
        (
            "bit.ly",
            "anyone can publish under bit.ly; list the exact link or leave it out",
        ),
        (
            "docs.google.com",
            "anyone can publish under docs.google.com; list the exact link or leave it out",
        ),
        (
            "github.io",
            "anyone can publish under github.io; list the exact link or leave it out",
        ),
        (
            "blogspot.com",
            "anyone can publish under blogspot.com; list the exact link or leave it out",
        ),
        ("okta.com", "anyone can get a sign-in page under okta.com"),
        ("x.bit.ly", "anyone can publish under bit.ly"),
    ];
    for (host, says) in refused {
        for (key, text) in [
            (
                "trusted_hosts",
                format!("[detection]\ntrusted_hosts = [\"{host}\"]\n"),
            ),
            (
                "brand domains",
                format!("[[brand]]\nname = \"Acme\"\ndomains = [\"acme.example\", \"{host}\"]\n"),
            ),
        ] {
            let f = write(&s.root, "p.toml", &text);
            let problems = secondlook::policy::layers::check_files(std::slice::from_ref(&f));
            assert!(
                problems.iter().any(|p| p.contains(says)),
                "{host} in {key}: {problems:?}"
            );
            let out = cli(&["policy", "check", f.to_str().unwrap()], &[]);
            assert_eq!(out.status.code(), Some(2), "{host} in {key}");
            let err = secondlook::Policy::from_toml(&text, "p.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{host} in {key}, loading: {err}");
            // And as a user layer: refused, the managed policy stays.
            let m = write(&s.root, "etc/policy.toml", &managed());
            let e = load(&s.locations(&[&m], &[&f]));
            assert_managed_in_force(&e);
            assert!(
                e.problems.iter().any(|p| p.contains(says)),
                "{host}: {:?}",
                e.problems
            );
        }
    }
    for host in [
        "acme.okta.com",
        "acme.github.io",
        "acme.service-now.com",
        "bad.example",
    ] {
        let f = write(
            &s.root,
            "ok.toml",
            &format!(
                "[detection]\ntrusted_hosts = [\"{host}\"]\n[indicators]\nblocked = [\"bit.ly\"]\n"
            ),
        );
        assert_eq!(
            secondlook::policy::layers::check_files(&[f]),
            Vec::<String>::new(),
            "{host}"
        );
    }
}

#[test]
fn the_builtin_and_example_policies_load() {
    for name in ["complete.toml", "minimal.toml", "twilio-like.toml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("packaging/policies")
            .join(name);
        secondlook::Policy::from_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let p = secondlook::Policy::builtin().unwrap();
    let okta = p.brands.iter().find(|b| b.name == "Okta").unwrap();
    assert!(
        okta.domains.contains(&"okta.com".to_owned()),
        "a platform's own brand keeps its root"
    );
}

#[cfg(unix)]
#[test]
fn a_policy_d_file_replaced_after_a_valid_load_is_loud_and_kept() {
    let s = Setup::new();
    write(&s.root, "etc/policy.toml", &managed());
    let extra = write(
        &s.root,
        "etc/policy.d/10-indicators.toml",
        "[indicators]\nblocked = [\"sendgrid-okta.org\"]\n",
    );
    let (mut w, first) = watcher(&s);
    assert!(first.policy.blocked.contains("sendgrid-okta.org"));
    for (what, says) in [
        ("dangling", "does not exist"),
        ("empty", "is empty (0 bytes)"),
    ] {
        tick();
        std::fs::remove_file(&extra).unwrap();
        if what == "dangling" {
            std::os::unix::fs::symlink(s.root.join("nowhere.toml"), &extra).unwrap();
        } else {
            std::fs::write(&extra, "").unwrap();
        }
        let e = w.poll().expect("noticed");
        assert_managed_in_force(&e);
        assert!(e.policy.blocked.contains("sendgrid-okta.org"), "{what}");
        assert!(
            e.problems
                .iter()
                .any(|p| p.contains("10-indicators.toml") && p.contains(says)),
            "{what}: {:?}",
            e.problems
        );
    }
    // A policy.d that is not a directory one can list is reported too.
    std::fs::remove_dir_all(s.root.join("etc/policy.d")).unwrap();
    std::os::unix::fs::symlink(s.root.join("etc/policy.d"), s.root.join("etc/policy.d")).unwrap();
    let e = w.poll().expect("noticed");
    assert!(
        e.problems
            .iter()
            .any(|p| p.contains("policy.d cannot be read")
                && p.contains("symbolic links")
                && p.contains("last valid versions of the 1 file it held")),
        "{:?}",
        e.problems
    );
    assert!(
        e.policy.blocked.contains("sendgrid-okta.org"),
        "{:?}",
        e.problems
    );
    assert_managed_in_force(&e);
}

#[cfg(unix)]
#[test]
fn check_with_a_policy_file_that_is_a_pipe_or_too_big_fails_at_once_saying_why() {
    let s = Setup::new();
    let pipe = s.root.join("pipe.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let big = write(&s.root, "big.toml", &format!("# {}\n", "x".repeat(1 << 20)));
    for (file, says) in [
        (&pipe, "not a regular file"),
        (&big, "larger than 1024 KiB, the limit for policy files"),
    ] {
        let started = std::time::Instant::now();
        let out = cli(&["check", "--policy", file.to_str().unwrap(), "x"], &[]);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        let out = cli(&["policy", "check", file.to_str().unwrap()], &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(says));
    }
}

#[test]
fn lure_words_add_up_per_language_and_help_phone_is_a_setting() {
    let s = Setup::new();
    let m = write(
        &s.root,
        "etc/policy.toml",
        &format!(
            "{}\n[detection]\nlure_words = {{ es = [\"portal del empleado\"] }}\n",
            managed().replace(
                "[organization]\n",
                "[organization]\nhelp_phone = \"+1 415 555 0100\"\n"
            )
        ),
    );
    let u = write(
        &s.root,
        "user/policy.toml",
        "[detection]\nlure_words = { es = [\"nómina nueva\"], en = [\"PeopleHub\"] }\n",
    );
    let e = load(&s.locations(&[&m], &[&u]));
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(
        e.policy.lure_words.get("es").map(Vec::len),
        Some(2),
        "{:?}",
        e.policy.lure_words
    );
    assert_eq!(
        e.policy.lure_words.get("en").map(Vec::as_slice),
        Some(&["PeopleHub".to_owned()][..])
    );
    assert_eq!(
        e.policy.organization.help_phone.as_deref(),
        Some("+1 415 555 0100")
    );
    assert!(e.is_locked("organization.help_phone"));
    // A policy word is a lure story: with a link that is not the company's own, suspicious.
    let a = analyze(
        "Accede hoy al portal del empleado: https://example.org/x",
        &e.policy,
    );
    assert_eq!(a.verdict, Verdict::Suspicious);
    assert!(
        a.explanation().contains("portal del empleado"),
        "{}",
        a.explanation()
    );
    // The callback explanation names the published number.
    let a = analyze(
        "Twilio IT: your account is locked. Call us now on 0800 123 4567.",
        &e.policy,
    );
    assert!(
        a.explanation()
            .contains("the number your organisation published: +1 415 555 0100."),
        "{}",
        a.explanation()
    );
}
