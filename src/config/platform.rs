//! Policies that IT deploys with the platform's own tools rather than as a
//! TOML file: Windows Group Policy (the registry, [`super::registry`]) and
//! macOS configuration profiles (managed preferences,
//! [`super::managed_prefs`]).
//!
//! Each reader turns what it finds into the same value tree as a TOML
//! file, and [`Converted`] writes that tree out as TOML text, one key per
//! line, remembering where each line's value was set. The text then goes
//! through exactly the checks, layer rules and last-valid-copy handling of
//! a file (`layers::load`); a problem found on line 7 is reported at the
//! registry value or the profile key that line came from, with the same
//! message a file would get.

use std::collections::BTreeMap;
use std::path::Path;

use crate::policy::Problem;

/// Where a platform policy layer comes from, told by the path that stands
/// for it in [`super::layers::Locations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary TOML file.
    File,
    /// A Windows registry key (`HKLM\SOFTWARE\Policies\SecondLook`,
    /// `HKCU\SOFTWARE\Policies\SecondLook`): Group Policy or Intune.
    Registry,
    /// A macOS managed preferences file (`/Library/Managed Preferences/…
    /// .plist`): a configuration profile from Jamf, Intune, Kandji.
    ManagedPreferences,
}

impl Kind {
    /// What a layer at `path` is.
    pub fn of(path: &Path) -> Kind {
        let text = path.to_string_lossy();
        if super::registry::Hive::of(&text).is_some() {
            Kind::Registry
        } else if path.extension().is_some_and(|e| e == "plist") {
            Kind::ManagedPreferences
        } else {
            Kind::File
        }
    }

    /// How the window and `policy show` name a value IT set this way.
    pub fn locked_label(self) -> &'static str {
        match self {
            Kind::File => "Set by your organisation",
            Kind::Registry => "Set by your organisation (Group Policy)",
            Kind::ManagedPreferences => "Set by your organisation (configuration profile)",
        }
    }
}

/// A policy converted to TOML text, with where each line was set.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The policy as TOML.
    pub text: String,
    /// For each line of `text`, where its value was set.
    lines: Vec<String>,
}

/// Where each part of a converted tree was set, by its path (keys, and
/// 1-based entry numbers for lists of tables: `["brand", "2", "name"]`).
/// The longest recorded prefix of a path names it.
pub type Places = BTreeMap<Vec<String>, String>;

impl Converted {
    /// Write `table` out as TOML, one key (or section header) per line.
    pub fn from_table(table: &toml::Table, places: &Places) -> Converted {
        let mut out = Converted::default();
        out.section(table, &mut Vec::new(), places, None);
        out
    }

    /// The problem, located where the value was set instead of at a line
    /// of the generated text.
    pub fn relocate(&self, problem: &Problem) -> String {
        match self.lines.get(problem.line.saturating_sub(1)) {
            Some(place) => format!("{place}: {}", problem.message),
            None => format!("{}: {}", problem.file, problem.message),
        }
    }

    fn line(&mut self, text: String, path: &[String], places: &Places) {
        self.text.push_str(&text);
        self.text.push('\n');
        self.lines.push(place_of(path, places));
    }

    /// One table: its plain values, then its sub-tables and lists of tables
    /// as `[a.b]` / `[[a.b]]` sections. `header` is the line naming it.
    fn section(
        &mut self,
        table: &toml::Table,
        path: &mut Vec<String>,
        places: &Places,
        header: Option<String>,
    ) {
        if let Some(h) = header {
            self.line(h, path, places);
        }
        for (k, v) in table {
            if section_like(v) {
                continue;
            }
            path.push(k.clone());
            self.line(format!("{} = {v}", key(k)), path, places);
            path.pop();
        }
        for (k, v) in table {
            path.push(k.clone());
            let dotted = dotted(path);
            match v {
                toml::Value::Table(t) => {
                    self.section(t, path, places, Some(format!("[{dotted}]")));
                }
                toml::Value::Array(items) if section_like(v) => {
                    for (i, item) in items.iter().enumerate() {
                        if let toml::Value::Table(t) = item {
                            path.push((i + 1).to_string());
                            self.section(t, path, places, Some(format!("[[{dotted}]]")));
                            path.pop();
                        }
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
}

/// A table, or a non-empty list of tables only: written as sections.
fn section_like(v: &toml::Value) -> bool {
    match v {
        toml::Value::Table(_) => true,
        toml::Value::Array(a) => !a.is_empty() && a.iter().all(toml::Value::is_table),
        _ => false,
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        k.to_owned()
    } else {
        toml::Value::String(k.to_owned()).to_string()
    }
}

/// The dotted TOML name of a section (entry numbers left out).
fn dotted(path: &[String]) -> String {
    path.iter()
        .filter(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| key(p))
        .collect::<Vec<_>>()
        .join(".")
}

fn place_of(path: &[String], places: &Places) -> String {
    (0..=path.len())
        .rev()
        .find_map(|n| places.get(&path[..n]))
        .cloned()
        .unwrap_or_default()
}

/// Convert a JSON value (a Group Policy string holding JSON, as Chrome's
/// dictionary policies do) to a TOML value; `null` has no TOML form.
pub fn json_to_toml(v: &serde_json::Value) -> Result<toml::Value, String> {
    Ok(match v {
        serde_json::Value::Null => {
            return Err("null is not a value a policy can have: leave the key out".into());
        }
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => toml::Value::Integer(i),
            (None, Some(f)) => toml::Value::Float(f),
            _ => return Err(format!("the number {n} is too large")),
        },
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        serde_json::Value::Array(a) => {
            toml::Value::Array(a.iter().map(json_to_toml).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(o) => toml::Value::Table(
            o.iter()
                .map(|(k, v)| Ok((k.clone(), json_to_toml(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn one_key_per_line_and_problems_where_the_value_was_set() {
        let table: toml::Table = toml::from_str(
            r#"
            [organization]
            name = "Acme"
            [[brand]]
            name = "Acme"
            domains = ["acme.com"]
            [[brand]]
            name = "Acme Pay"
            domains = ["co.uk"]
            [detection]
            severity = { typosquat = "dangerous" }
            "#,
        )
        .unwrap();
        let mut places = Places::new();
        places.insert(p(&[]), "ROOT".into());
        places.insert(p(&["brand", "2"]), r"ROOT\brand\2".into());
        places.insert(
            p(&["brand", "2", "domains"]),
            r"ROOT\brand\2\domains".into(),
        );
        let c = Converted::from_table(&table, &places);
        expect_test::expect![[r#"
            [[brand]]
            domains = ["acme.com"]
            name = "Acme"
            [[brand]]
            domains = ["co.uk"]
            name = "Acme Pay"
            [detection]
            [detection.severity]
            typosquat = "dangerous"
            [organization]
            name = "Acme"
        "#]]
        .assert_eq(&c.text);
        let problems = crate::policy::validate::check(&c.text, "generated");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let msg = c.relocate(&problems[0]);
        assert!(
            msg.starts_with(r"ROOT\brand\2\domains: ")
                && msg.contains("\"co.uk\" is a public suffix"),
            "{msg}"
        );
    }

    #[test]
    fn json_null_is_refused() {
        let v: serde_json::Value = serde_json::from_str(r#"{"a": [1, "x", true, null]}"#).unwrap();
        assert!(json_to_toml(&v).unwrap_err().contains("null"));
        let v: serde_json::Value = serde_json::from_str(r#"{"a": [1, "x", 2.5]}"#).unwrap();
        assert_eq!(
            json_to_toml(&v).unwrap().to_string(),
            r#"{ a = [1, "x", 2.5] }"#
        );
    }
}
