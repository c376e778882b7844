//! The effective policy: precedence, locking, fallback to the last valid
//! layer, reloading, and the `secondlook policy` commands.

use std::path::{Path, PathBuf};
use std::process::Command;

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
            .explanation
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
    let mut c = Command::new(env!("CARGO_BIN_EXE_secondlook"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
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
        a.explanation.contains("portal del empleado"),
        "{}",
        a.explanation
    );
    // The callback explanation names the published number.
    let a = analyze(
        "Twilio IT: your account is locked. Call us now on 0800 123 4567.",
        &e.policy,
    );
    assert!(
        a.explanation
            .contains("the number your organisation published: +1 415 555 0100."),
        "{}",
        a.explanation
    );
}
