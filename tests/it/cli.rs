//! The command line, run as a real process (the contract scripts depend on).

use std::process::Output;

use crate::data;
use crate::support::Bin;

/// `secondlook check --policy tests/data/twilio.toml`.
fn check() -> Bin {
    Bin::new().arg("check").policy(data("twilio.toml"))
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn check_text_prints_a_readable_report_and_exits_0() {
    let out = check().arg("Log in at twilio-sso.com now").output();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("DANGEROUS\n"), "{text}");
    assert!(text.contains("twilio-sso.com is not Twilio's: it adds “-sso” to Twilio's name."));
    assert!(text.contains("Twilio will never ask"));
}

#[test]
fn json_has_the_contract_fields() {
    let out = check()
        .args(["--json", "see twilio-okta.net and twilio.com"])
        .output();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verdict"], "dangerous");
    assert!(v["explanation"].is_string());
    assert!(v["message_findings"].is_array());
    let l = &v["links"][0];
    for key in [
        "url",
        "host",
        "registrable_domain",
        "verdict",
        "brand",
        "findings",
    ] {
        assert!(l.get(key).is_some(), "links[].{key}");
    }
    assert_eq!(l["host"], "twilio-okta.net");
    assert_eq!(l["brand"], "Twilio");
    assert_eq!(l["findings"][0]["rule"], "brand-combo");
    assert_eq!(l["findings"][0]["severity"], "dangerous");
    assert!(l["findings"][0]["explanation"].is_string());
    assert_eq!(v["links"][1]["verdict"], "safe");
}

#[test]
fn stdin_is_the_message_when_no_text() {
    let out = check().arg("--json").stdin("reset at twilio.org").output();
    assert_eq!(json(&out)["verdict"], "dangerous");
}

#[test]
fn lines_mode_prints_one_object_per_line_in_order() {
    let input = b"twilio.com\ntwilio-sso.com\n\nhello\r\nexample.org\n";
    let out = Bin::new()
        .args(["check", "--lines"])
        .policy(data("twilio.toml"))
        .arg("--json")
        .stdin(input)
        .output();
    assert_eq!(out.status.code(), Some(0));
    let verdicts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["verdict"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        verdicts,
        ["safe", "dangerous", "unknown", "unknown", "unknown"]
    );
}

#[test]
fn help_lists_every_rule() {
    let out = Bin::new().arg("--help").output();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for rule in secondlook::rules::LINK_RULES {
        assert!(text.contains(rule.id), "{}", rule.id);
    }
    assert!(text.contains("message-lure"));
}

#[test]
fn version_names_the_build() {
    let out = Bin::new().arg("--version").output();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("secondlook {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}

#[test]
fn usage_and_policy_errors_exit_2_with_what_to_fix() {
    let out = Bin::new().args(["check", "--bogus"]).output();
    assert_eq!(out.status.code(), Some(2));

    let out = Bin::new()
        .arg("check")
        .policy("/nonexistent/policy.toml")
        .arg("x")
        .output();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot read policy file /nonexistent/policy.toml")
    );

    let broken = data("broken-policy.toml");
    let out = Bin::new().arg("check").policy(&broken).arg("x").output();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "broken-policy.toml:5:1: unknown key `domain` in [brand]; did you mean `domains`?"
        ),
        "{err}"
    );
}

#[test]
fn invalid_utf8_and_huge_stdin_are_handled() {
    let mut input = vec![0xffu8, 0xfe, b' '];
    input.extend_from_slice(b"twilio-sso.com ");
    input.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    let out = check().arg("--json").stdin(input).output();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verdict"], "dangerous");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("not valid text") && notes.contains("Only the first"),
        "{notes}"
    );
}

/// A machine-wide start-at-login entry runs `secondlook --background` for
/// everyone; a user who turned start-at-login off is respected: it quits at
/// once, says why, and opens nothing (no display is needed to see it).
#[cfg(feature = "gui")]
#[test]
fn background_start_respects_a_user_who_turned_start_at_login_off() {
    let dir = tempfile::tempdir().unwrap();
    let background = |start_at_login: bool| {
        let settings = dir.path().join("settings.toml");
        std::fs::write(&settings, format!("start_at_login = {start_at_login}\n")).unwrap();
        Bin::new()
            .arg("--background")
            .env("SECONDLOOK_SETTINGS", &settings)
            .env("SECONDLOOK_MANAGED_POLICY", dir.path().join("none.toml"))
            .env("HOME", dir.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
    };
    let out = background(false);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("start at login is turned off"), "{err}");

    // The negative control: with start at login on, it tries to open the
    // app (and, without a display, says it cannot).
    let out = background(true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("start at login is turned off"), "{err}");
    assert!(err.contains("could not be opened"), "{err}");
}

/// A page of the company's own site that forwards to a lookalike goes
/// *through* the site: the text says so instead of "imitates Twilio", and
/// the JSON marks the owned host so a script blocks the URL, not twilio.com.
#[test]
fn an_owned_page_that_leads_elsewhere_is_through_the_brands_site() {
    let msg = "https://www.twilio.com/login?next=https://twilio-okta.com/";
    let out = check().arg(msg).output();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("www.twilio.com · through Twilio's site"),
        "{text}"
    );
    assert!(!text.contains("www.twilio.com · imitates"), "{text}");
    assert!(text.contains("twilio-okta.com · imitates Twilio"), "{text}");
    let v = json(&check().args(["--json", msg]).output());
    assert_eq!(v["links"][0]["owned_host"], true);
    assert_eq!(v["links"][0]["registrable_domain"], "twilio.com");
    assert!(v["links"][1].get("owned_host").is_none(), "{v}");
    let safe = json(&check().args(["--json", "see twilio.com"]).output());
    assert!(safe["links"][0].get("owned_host").is_none(), "{safe}");
}
