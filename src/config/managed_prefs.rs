//! The policy from macOS managed preferences: a configuration profile
//! (`.mobileconfig`, deployed by Jamf, Intune, Kandji or any MDM) with a
//! `com.apple.ManagedClient.preferences` payload for the app's preference
//! domain [`DOMAIN`]. macOS writes its settings to
//! `/Library/Managed Preferences/<domain>.plist` (and, for a profile
//! scoped to a user, `/Library/Managed Preferences/<user>/<domain>.plist`),
//! readable by everyone and writable only by the system: a managed layer,
//! locked like `/Library/Application Support/SecondLook/policy.toml`, which
//! it wins over.
//!
//! The plist holds the TOML keys as they are: `organization` is a
//! dictionary with `name`, `brand` an array of dictionaries, true/false a
//! `<true/>`/`<false/>`, numbers `<integer>`. Keys the profile format adds
//! at the top (`PayloadUUID`, …) are left out. The result is checked
//! exactly like a TOML file ([`super::platform`]); a problem names the
//! plist and the key, e.g.
//! `/Library/Managed Preferences/com.example.secondlook.plist: indicators.blocked: "co.uk" is a public suffix …`.
//! A sample profile: `packaging/macos/SecondLook.mobileconfig`.

use std::path::{Path, PathBuf};

use super::platform::{Converted, Places};

/// The app's preference domain (its bundle identifier, `Info.plist`).
pub const DOMAIN: &str = "com.example.secondlook";

/// The directory macOS writes managed preferences to.
pub const MANAGED_PREFERENCES: &str = "/Library/Managed Preferences";

/// The managed preference files present on this Mac, machine first, then
/// the current user's (which win, as macOS applies them).
pub fn present() -> Vec<PathBuf> {
    let base = Path::new(MANAGED_PREFERENCES);
    let mut out = vec![base.join(format!("{DOMAIN}.plist"))];
    if let Some(user) = std::env::var_os("USER").filter(|u| !u.is_empty()) {
        out.push(base.join(user).join(format!("{DOMAIN}.plist")));
    }
    out.retain(|p| p.exists());
    out
}

/// Read the plist at `path` and convert it; `Ok(None)` when it sets
/// nothing. `Err` says what is wrong, after the file's name.
pub fn read_converted(path: &Path) -> Result<Option<Converted>, String> {
    let bytes = super::read_policy_bytes(path).map_err(|e| format!("cannot be read: {e}"))?;
    let value = plist::Value::from_reader(std::io::Cursor::new(bytes)).map_err(|e| {
        format!("is not a valid property list ({e}); reinstall the configuration profile")
    })?;
    convert(&value, &path.display().to_string())
        .map_err(|p| format!("has problems:\n{}", p.join("\n")))
}

/// Convert a managed preferences dictionary to the policy's TOML;
/// `Ok(None)` when it sets no key.
pub fn convert(value: &plist::Value, name: &str) -> Result<Option<Converted>, Vec<String>> {
    let Some(dict) = value.as_dictionary() else {
        return Err(vec![format!(
            "{name}: holds no dictionary of settings; the profile's payload must be a dictionary of keys"
        )]);
    };
    let mut places = Places::new();
    places.insert(Vec::new(), name.to_owned());
    let mut problems = Vec::new();
    let mut table = toml::Table::new();
    for (k, v) in dict {
        if k.starts_with("Payload") {
            continue;
        }
        let mut path = vec![k.clone()];
        if let Some(v) = to_toml(v, &mut path, name, &mut places, &mut problems) {
            table.insert(k.clone(), v);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((!table.is_empty()).then(|| Converted::from_table(&table, &places)))
}

fn to_toml(
    v: &plist::Value,
    path: &mut Vec<String>,
    name: &str,
    places: &mut Places,
    problems: &mut Vec<String>,
) -> Option<toml::Value> {
    let dotted = path
        .iter()
        .filter(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        .cloned()
        .collect::<Vec<_>>()
        .join(".");
    places.insert(path.clone(), format!("{name}: {dotted}"));
    Some(match v {
        plist::Value::String(s) => toml::Value::String(s.clone()),
        plist::Value::Boolean(b) => toml::Value::Boolean(*b),
        plist::Value::Integer(i) => match i.as_signed() {
            Some(i) => toml::Value::Integer(i),
            None => {
                problems.push(format!("{name}: {dotted}: the number {i} is too large"));
                return None;
            }
        },
        plist::Value::Real(f) => toml::Value::Float(*f),
        plist::Value::Array(items) => {
            let tables = items.iter().all(|i| i.as_dictionary().is_some());
            let mut out = Vec::new();
            for (n, item) in items.iter().enumerate() {
                // Entries of a list of tables are numbered, as sections are.
                if tables {
                    path.push((n + 1).to_string());
                }
                if let Some(v) = to_toml(item, path, name, places, problems) {
                    out.push(v);
                }
                if tables {
                    path.pop();
                }
            }
            toml::Value::Array(out)
        }
        plist::Value::Dictionary(d) => {
            let mut out = toml::Table::new();
            for (k, v) in d {
                path.push(k.clone());
                if let Some(v) = to_toml(v, path, name, places, problems) {
                    out.insert(k.clone(), v);
                }
                path.pop();
            }
            toml::Value::Table(out)
        }
        other => {
            let kind = match other {
                plist::Value::Data(_) => "<data>",
                plist::Value::Date(_) => "<date>",
                _ => "a value of another kind",
            };
            problems.push(format!(
                "{name}: {dotted}: is {kind}, which a policy does not use: write text as <string>, true/false as <true/> or <false/>, numbers as <integer>"
            ));
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/data/managed-preferences.plist");

    fn parse(xml: &str) -> plist::Value {
        plist::Value::from_reader(std::io::Cursor::new(xml.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn a_managed_preferences_plist_is_the_same_policy_as_its_toml() {
        let c = convert(
            &parse(FIXTURE),
            "/Library/Managed Preferences/com.example.secondlook.plist",
        )
        .unwrap()
        .unwrap();
        let file = crate::policy::parse_file(&c.text, "converted").unwrap();
        let policy = crate::policy::Policy::compile(file, "converted").unwrap();
        assert_eq!(policy.organization.name, "Twilio");
        assert!(policy.blocked.contains("twilio-okta.net"));
        assert_eq!(policy.brands[0].domains, ["twilio.com", "twilio.okta.com"]);
        assert_eq!(policy.desktop.watch_clipboard, Some(true));
        assert!(!policy.events.system_log());
        assert!(!c.text.contains("Payload"), "{}", c.text);
        let a = crate::analysis::analyze("log in at twilio-okta.net", &policy);
        assert_eq!(a.verdict, crate::Verdict::Dangerous);
    }

    #[test]
    fn problems_name_the_plist_key_with_the_files_message() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>organization</key><dict><key>nme</key><string>Acme</string></dict>
  <key>indicators</key><dict><key>blocked</key><array><string>co.uk</string></array></dict>
  <key>logo</key><data>AAAA</data>
</dict></plist>"#;
        let problems = convert(&parse(xml), "P").unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("P: logo: is <data>"),
            "{problems:?}"
        );
        let xml = xml.replace("<key>logo</key><data>AAAA</data>", "");
        let c = convert(&parse(&xml), "P").unwrap().unwrap();
        let problems = crate::policy::validate::check(&c.text, "P");
        let msgs: Vec<String> = problems.iter().map(|p| c.relocate(p)).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.starts_with("P: indicators.blocked: ")
                && m.contains("\"co.uk\" is a public suffix")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with(
                "P: organization.nme: unknown key `nme` in [organization]; did you mean `name`?"
            )),
            "{msgs:?}"
        );
    }

    /// A profile is a managed layer like IT's file: the user's own policy
    /// cannot change what it sets, the window and `policy show` say
    /// "configuration profile", a broken profile keeps the last valid one.
    #[test]
    fn a_profile_is_a_managed_layer_with_the_file_rules() {
        use crate::policy::layers::{Locations, Source, load};
        let dir = tempfile::tempdir().unwrap();
        let plist = dir.path().join(format!("{DOMAIN}.plist"));
        std::fs::write(&plist, FIXTURE).unwrap();
        let user = dir.path().join("user.toml");
        std::fs::write(
            &user,
            "[organization]\nname = \"Not Twilio\"\n[desktop]\nnotify = \"off\"\n[indicators]\nblocked = [\"mine.example\"]\n",
        )
        .unwrap();
        let locations = Locations {
            managed: vec![plist.clone()],
            user: vec![user.clone()],
            data_dir: Some(dir.path().join("data")),
        };
        let e = load(&locations);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.policy.organization.name, "Twilio");
        // Set by the profile: locked, and said so.
        assert_eq!(
            e.locked_label("organization.name"),
            Some("Set by your organisation (configuration profile)")
        );
        assert_eq!(
            e.locked_label("desktop.watch_clipboard"),
            Some("Set by your organisation (configuration profile)")
        );
        // The user's own value where the profile sets nothing.
        assert_eq!(
            e.policy.desktop.notify.map(|n| n.as_str()),
            Some("suspicious")
        );
        assert!(
            e.policy.blocked.contains("mine.example")
                && e.policy.blocked.contains("twilio-okta.net")
        );
        assert!(e.layers.contains(&Source::Managed(plist.clone())));

        // A broken profile: reported at the key, the last valid one stays.
        std::fs::write(
            &plist,
            FIXTURE.replace("<string>twilio.com</string>", "<string>co.uk</string>"),
        )
        .unwrap();
        let e = load(&locations);
        assert_eq!(e.policy.organization.name, "Twilio");
        assert!(e.policy.blocked.contains("twilio-okta.net"));
        let all = e.problems.join("\n");
        assert!(
            all.contains(&format!(
                "{}: brand.domains: \"co.uk\" is a public suffix",
                plist.display()
            )),
            "{all}"
        );
        assert!(
            all.contains("Protection continues with the last valid version"),
            "{all}"
        );
        // Not a property list at all: the same.
        std::fs::write(&plist, "not a plist").unwrap();
        let e = load(&locations);
        assert_eq!(e.policy.organization.name, "Twilio");
        assert!(
            e.problems
                .join("\n")
                .contains("is not a valid property list"),
            "{:?}",
            e.problems
        );
    }

    #[test]
    fn policy_check_reads_a_plist() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.plist");
        std::fs::write(&good, FIXTURE).unwrap();
        assert_eq!(
            crate::policy::layers::check_files(&[good]),
            Vec::<String>::new()
        );
        let bad = dir.path().join("bad.plist");
        std::fs::write(
            &bad,
            FIXTURE.replace(
                "<key>name</key><string>Twilio</string>\n    <key>never_ask</key>",
                "<key>nme</key><string>Twilio</string>\n    <key>never_ask</key>",
            ),
        )
        .unwrap();
        let problems = crate::policy::layers::check_files(std::slice::from_ref(&bad));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(&format!(
                "{}: organization.nme: unknown key `nme`",
                bad.display()
            )),
            "{problems:?}"
        );
    }

    #[test]
    fn the_sample_profile_carries_a_valid_policy() {
        let profile = parse(include_str!(
            "../../packaging/macos/SecondLook.mobileconfig"
        ));
        let settings = profile
            .as_dictionary()
            .and_then(|d| d.get("PayloadContent"))
            .and_then(|c| c.as_array())
            .and_then(|a| a.first())
            .and_then(|p| p.as_dictionary())
            .and_then(|p| p.get("PayloadContent"))
            .and_then(|c| c.as_dictionary())
            .and_then(|c| c.get(DOMAIN))
            .and_then(|d| d.as_dictionary())
            .and_then(|d| d.get("Forced"))
            .and_then(|f| f.as_array())
            .and_then(|a| a.first())
            .and_then(|f| f.as_dictionary())
            .and_then(|f| f.get("mcx_preference_settings"))
            .unwrap_or_else(|| panic!("the profile has no forced settings for {DOMAIN}"));
        let c = convert(settings, "sample").unwrap().unwrap();
        let file = crate::policy::parse_file(&c.text, "sample").unwrap_or_else(|e| panic!("{e}"));
        let policy = crate::policy::Policy::compile(file, "sample").unwrap();
        assert!(policy.blocked.contains("example-sso.com"));
    }
}
