//! The Group Policy templates (`packaging/windows/SecondLook.admx` and
//! `en-US/SecondLook.adml`), generated from the policy schema
//! ([`crate::policy::schema::KEYS`]: each row's path, type and one-line
//! doc), so that every key is in them, written where [`super::registry`]
//! reads it, and explained in the words of the policy guide's key table
//! (which is generated from the same rows). Regenerate with
//! `cargo run -q --example admx`; a test fails when the files differ.
//!
//! Each key is one policy, in a category per section, for both Computer
//! (HKLM, locked) and User (HKCU, the user layer) Configuration:
//! text as a text box, true/false as Enabled/Disabled (1/0), numbers as a
//! number box, lists of strings as a list box (numbered values, as Chrome's
//! list policies), rule tables as a name/value list, and the lists of
//! tables (`brand`, `report.webhook`) and `detection.lure_words` as JSON
//! in a multi-line box, as Chrome's dictionary policies.

use crate::policy::schema::{self, KEYS, Key, Type};

/// The registry key (under HKLM or HKCU) the templates write to.
pub const POLICY_KEY: &str = r"Software\Policies\SecondLook";

/// One policy of the templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dotted key (`indicators.blocked`).
    pub key: String,
    /// The policy's name and element id (`indicators_blocked`).
    pub id: String,
    /// The type of its value (its schema row's).
    pub shape: Type,
    /// Its category: the section (`report_smtp`), or the top.
    pub category: String,
    /// The registry key, under HKLM/HKCU.
    pub registry_key: String,
    /// The value name (`None`: the policy owns the whole key, a list).
    pub value_name: Option<String>,
    /// What it means (docs/policy.md).
    pub explain: String,
}

fn id_of(key: &str) -> String {
    key.replace('.', "_")
}

/// A schema row's doc and type as plain text (no Markdown backticks).
fn plain(s: &str) -> String {
    s.replace('`', "").trim().to_owned()
}

/// Inside a list of tables (`brand.name`): written as part of the list's
/// JSON, not a policy of its own.
fn in_table_list(k: &Key) -> bool {
    let mut path = schema::parent(k.path);
    while !path.is_empty() {
        if schema::find(path).is_some_and(|p| p.ty == Type::TableList) {
            return true;
        }
        path = schema::parent(path);
    }
    false
}

/// Every policy, in schema order; sections and the fields of lists of
/// tables are not policies of their own (the JSON of the list holds them).
pub fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    for k in KEYS {
        if k.ty == Type::Table || in_table_list(k) {
            continue;
        }
        let (key, shape) = (k.path.to_owned(), k.ty);
        let (section, name) = match key.rsplit_once('.') {
            Some((s, n)) => (s.to_owned(), n.to_owned()),
            None => (String::new(), key.clone()),
        };
        let sub = section
            .split('.')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\\");
        let parent_key = if sub.is_empty() {
            POLICY_KEY.to_owned()
        } else {
            format!(r"{POLICY_KEY}\{sub}")
        };
        let owns_key = matches!(shape, Type::StrList | Type::StrMap);
        let mut explain = format!("{} ({})", plain(k.doc), plain(k.shown));
        if shape == Type::TableList {
            // A list of tables: what each entry's keys mean.
            let fields: Vec<String> = schema::children(k.path)
                .map(|f| {
                    format!(
                        "{} ({}): {}",
                        schema::name(f.path),
                        plain(f.shown),
                        plain(f.doc)
                    )
                })
                .collect();
            explain = format!(
                "{explain}\nEach entry has these keys.\n{}",
                fields.join("\n")
            );
        }
        let how = match shape {
            Type::Str => "Enter the text.",
            Type::Bool => "Enabled: true. Disabled: false. Not configured: not set here.",
            Type::Int { .. } => "Enter the number.",
            Type::StrList => "Click Show and enter one entry per line.",
            Type::StrMap => "Click Show: the name is the rule id, the value the text.",
            Type::StrListMap => {
                "Enter JSON, e.g. {\"en\": [\"benefits portal\"], \"es\": [\"portal del empleado\"]}."
            }
            Type::TableList if key == "brand" => {
                "Enter JSON, one object per brand, e.g. [{\"name\": \"Example Corp\", \"domains\": [\"example.com\"]}]."
            }
            Type::TableList => {
                "Enter JSON, one object per entry, e.g. [{\"url\": \"https://hooks.example.com/x\", \"format\": \"json\"}]."
            }
            Type::Table => "",
        };
        explain.push_str("\n\n");
        explain.push_str(&format!(
            "{how}\n\nPolicy key: {key} (docs/policy.md). Computer Configuration writes HKLM, the organisation's layer{}; User Configuration writes HKCU, the user's layer, which can only add. Registry: {}{}.",
            if k.lockable {
                " (locked: \"Set by your organisation (Group Policy)\")"
            } else {
                ""
            },
            parent_key,
            if owns_key {
                format!(r"\{name}, numbered values")
            } else {
                format!(", value {name}")
            }
        ));
        out.push(Entry {
            key: key.clone(),
            id: id_of(&key),
            shape,
            category: if section.is_empty() {
                "SecondLook".to_owned()
            } else {
                id_of(&section)
            },
            registry_key: if owns_key {
                format!(r"{parent_key}\{name}")
            } else {
                parent_key
            },
            value_name: (!owns_key).then_some(name),
            explain,
        });
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The categories: Second Look, then one per section (`report_smtp` under
/// `report`), in schema order.
fn categories() -> Vec<(String, String, String)> {
    KEYS.iter()
        .filter(|k| k.ty == Type::Table)
        .map(|k| {
            let parent = k
                .path
                .rsplit_once('.')
                .map_or("SecondLook".to_owned(), |(p, _)| id_of(p));
            (id_of(k.path), k.path.to_owned(), parent)
        })
        .collect()
}

/// `SecondLook.admx`.
pub fn admx() -> String {
    let mut x = String::new();
    x.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
        "<!-- Generated by `cargo run -q --example admx` from the policy schema (src/engine/policy/schema.rs): do not edit. -->\n",
        "<policyDefinitions xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" revision=\"1.0\" schemaVersion=\"1.0\" xmlns=\"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions\">\n",
        "  <policyNamespaces>\n",
        "    <target prefix=\"secondlook\" namespace=\"SecondLook.Policies\" />\n",
        "  </policyNamespaces>\n",
        "  <resources minRequiredRevision=\"1.0\" />\n",
        "  <supportedOn>\n",
        "    <definitions>\n",
        "      <definition name=\"SUPPORTED_SECONDLOOK\" displayName=\"$(string.SUPPORTED_SECONDLOOK)\" />\n",
        "    </definitions>\n",
        "  </supportedOn>\n",
        "  <categories>\n",
        "    <category name=\"SecondLook\" displayName=\"$(string.SecondLook)\" />\n",
    ));
    for (id, _, parent) in categories() {
        x.push_str(&format!(
            "    <category name=\"cat_{id}\" displayName=\"$(string.cat_{id})\">\n      <parentCategory ref=\"{}\" />\n    </category>\n",
            if parent == "SecondLook" { parent } else { format!("cat_{parent}") }
        ));
    }
    x.push_str("  </categories>\n  <policies>\n");
    for e in entries() {
        let cat = if e.category == "SecondLook" {
            e.category.clone()
        } else {
            format!("cat_{}", e.category)
        };
        let presentation = if e.shape == Type::Bool {
            String::new()
        } else {
            format!(" presentation=\"$(presentation.{})\"", e.id)
        };
        let value = match (&e.value_name, e.shape) {
            (Some(v), Type::Bool) => format!(" valueName=\"{}\"", esc(v)),
            _ => String::new(),
        };
        x.push_str(&format!(
            "    <policy name=\"{id}\" class=\"Both\" displayName=\"$(string.{id})\" explainText=\"$(string.{id}_Explain)\"{presentation} key=\"{key}\"{value}>\n      <parentCategory ref=\"{cat}\" />\n      <supportedOn ref=\"SUPPORTED_SECONDLOOK\" />\n",
            id = e.id,
            key = esc(&e.registry_key),
        ));
        let v = e.value_name.as_deref().map(esc).unwrap_or_default();
        let element = match e.shape {
            Type::Bool => {
                x.push_str("      <enabledValue>\n        <decimal value=\"1\" />\n      </enabledValue>\n      <disabledValue>\n        <decimal value=\"0\" />\n      </disabledValue>\n");
                None
            }
            Type::Str => Some(format!(
                "<text id=\"{}\" valueName=\"{v}\" maxLength=\"4096\" />",
                e.id
            )),
            Type::Int { min, max } => Some(format!(
                "<decimal id=\"{}\" valueName=\"{v}\" minValue=\"{min}\" maxValue=\"{max}\" />",
                e.id
            )),
            Type::StrList => Some(format!(
                "<list id=\"{}\" key=\"{}\" valuePrefix=\"\" />",
                e.id,
                esc(&e.registry_key)
            )),
            Type::StrMap => Some(format!(
                "<list id=\"{}\" key=\"{}\" explicitValue=\"true\" />",
                e.id,
                esc(&e.registry_key)
            )),
            Type::StrListMap | Type::TableList | Type::Table => Some(format!(
                "<multiText id=\"{}\" valueName=\"{v}\" maxLength=\"0\" />",
                e.id
            )),
        };
        if let Some(el) = element {
            x.push_str(&format!(
                "      <elements>\n        {el}\n      </elements>\n"
            ));
        }
        x.push_str("    </policy>\n");
    }
    x.push_str("  </policies>\n</policyDefinitions>\n");
    x
}

/// `en-US/SecondLook.adml`.
pub fn adml() -> String {
    let mut strings = vec![
        ("SecondLook".to_owned(), "Second Look".to_owned()),
        (
            "SUPPORTED_SECONDLOOK".to_owned(),
            "Second Look 0.1 or later".to_owned(),
        ),
    ];
    for (id, key, _) in categories() {
        strings.push((format!("cat_{id}"), format!("[{key}]")));
    }
    let mut presentations = Vec::new();
    for e in entries() {
        strings.push((e.id.clone(), e.key.clone()));
        strings.push((format!("{}_Explain", e.id), e.explain.clone()));
        let label = esc(&e.key);
        let p = match e.shape {
            Type::Bool | Type::Table => continue,
            Type::Str => format!(
                "<textBox refId=\"{}\"><label>{label}</label></textBox>",
                e.id
            ),
            Type::Int { .. } => format!(
                "<decimalTextBox refId=\"{}\">{label}</decimalTextBox>",
                e.id
            ),
            Type::StrList | Type::StrMap => {
                format!("<listBox refId=\"{}\">{label}</listBox>", e.id)
            }
            Type::StrListMap | Type::TableList => format!(
                "<multiTextBox refId=\"{}\">{label} (JSON)</multiTextBox>",
                e.id
            ),
        };
        presentations.push(format!(
            "      <presentation id=\"{}\">\n        {p}\n      </presentation>\n",
            e.id
        ));
    }
    let mut x = String::new();
    x.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
        "<!-- Generated by `cargo run -q --example admx` from the policy schema (src/engine/policy/schema.rs): do not edit. -->\n",
        "<policyDefinitionResources xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" revision=\"1.0\" schemaVersion=\"1.0\" xmlns=\"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions\">\n",
        "  <displayName>Second Look</displayName>\n",
        "  <description>Second Look's managed policy: the keys of policy.toml (docs/policy.md).</description>\n",
        "  <resources>\n    <stringTable>\n",
    ));
    for (id, text) in strings {
        x.push_str(&format!(
            "      <string id=\"{id}\">{}</string>\n",
            esc(&text)
        ));
    }
    x.push_str("    </stringTable>\n    <presentationTable>\n");
    for p in presentations {
        x.push_str(&p);
    }
    x.push_str("    </presentationTable>\n  </resources>\n</policyDefinitionResources>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const ADMX: &str = include_str!("../../packaging/windows/SecondLook.admx");
    const ADML: &str = include_str!("../../packaging/windows/en-US/SecondLook.adml");

    #[test]
    fn the_templates_are_generated_from_the_schema() {
        assert!(
            ADMX == admx() && ADML == adml(),
            "packaging/windows/SecondLook.admx or en-US/SecondLook.adml is out of date: run `cargo run -q --example admx`"
        );
    }

    /// Every key of the schema is in the templates, written where the
    /// registry reader reads it, and explained in its schema row's words
    /// (those of docs/policy.md's key table).
    #[test]
    fn every_key_is_a_policy_with_its_explanation() {
        let e = entries();
        for k in KEYS {
            if k.ty == Type::Table {
                continue;
            }
            let covered = e
                .iter()
                .find(|p| p.key == k.path || k.path.starts_with(&format!("{}.", p.key)));
            let Some(p) = covered else {
                panic!("{} is not in the ADMX", k.path);
            };
            assert!(
                p.explain.contains(&plain(k.doc)),
                "{}: the explanation lacks the schema's doc",
                k.path
            );
        }
        let blocked = e.iter().find(|p| p.key == "indicators.blocked").unwrap();
        assert_eq!(
            blocked.registry_key,
            r"Software\Policies\SecondLook\indicators\blocked"
        );
        let notify = e.iter().find(|p| p.key == "desktop.notify").unwrap();
        assert_eq!(notify.registry_key, r"Software\Policies\SecondLook\desktop");
        assert_eq!(notify.value_name.as_deref(), Some("notify"));
        assert!(
            e.iter()
                .any(|p| p.key == "events.system_log" && p.shape == Type::Bool)
        );
    }

    /// Parse with a real XML parser: well-formed, and every name the
    /// template refers to exists (strings and presentations in the ADML,
    /// categories and the supportedOn definition in the ADMX), ids unique.
    /// What Group Policy writes for each template policy, read back by
    /// the registry reader, is that key: the templates and the reader
    /// agree on every path, value name and type.
    #[test]
    fn what_each_policy_writes_is_read_back_as_its_key() {
        use crate::config::registry::{Key, Value, convert};
        fn at<'k>(root: &'k mut Key, path: &str) -> &'k mut Key {
            let mut k = root;
            for part in path
                .trim_start_matches(POLICY_KEY)
                .split('\\')
                .filter(|p| !p.is_empty())
            {
                let i = match k.keys.iter().position(|(n, _)| n == part) {
                    Some(i) => i,
                    None => {
                        k.keys.push((part.to_owned(), Key::default()));
                        k.keys.len() - 1
                    }
                };
                k = &mut k.keys[i].1;
            }
            k
        }
        for e in entries() {
            let mut root = Key::default();
            let key = at(&mut root, &e.registry_key);
            let (value, name) = match e.shape {
                Type::Str => (Value::Sz("x".into()), e.value_name.clone()),
                Type::Bool => (Value::Dword(1), e.value_name.clone()),
                Type::Int { .. } => (Value::Dword(25), e.value_name.clone()),
                Type::StrList => (Value::Sz("x".into()), Some("1".into())),
                Type::StrMap => (Value::Sz("x".into()), Some("typosquat".into())),
                Type::StrListMap => (
                    Value::MultiSz(vec!["{\"en\":".into(), "[\"x\"]}".into()]),
                    e.value_name.clone(),
                ),
                Type::TableList => (
                    Value::MultiSz(vec!["[{\"name\": \"x\"}]".into()]),
                    e.value_name.clone(),
                ),
                Type::Table => continue,
            };
            key.values.push((name.unwrap_or_default(), value));
            let c = convert(&root, "HKLM").unwrap_or_else(|p| panic!("{}: {p:?}", e.key));
            let table: toml::Table =
                toml::from_str(&c.text).unwrap_or_else(|err| panic!("{}: {err}", e.key));
            let mut v = toml::Value::Table(table);
            for part in e.key.split('.') {
                v = v
                    .get(part)
                    .cloned()
                    .unwrap_or_else(|| panic!("{} not read back from\n{}", e.key, c.text));
            }
            let ok = match e.shape {
                Type::Bool => v == toml::Value::Boolean(true),
                Type::Int { .. } => v == toml::Value::Integer(25),
                Type::Str => v.is_str(),
                Type::StrList => v.as_array().is_some_and(|a| a.len() == 1),
                _ => v.is_table() || v.is_array(),
            };
            assert!(ok, "{} read back as {v}", e.key);
        }
    }

    fn parse(xml: &str) -> Vec<(String, BTreeMap<String, String>)> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a =
                                a.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}"));
                            (
                                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                                a.unescape_value()
                                    .unwrap_or_else(|err| panic!("{err}"))
                                    .into_owned(),
                            )
                        })
                        .collect();
                    out.push((name, attrs));
                }
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
        out
    }

    #[test]
    fn the_templates_are_well_formed_and_consistent() {
        let admx = parse(ADMX);
        let adml = parse(ADML);
        assert_eq!(admx[0].0, "policyDefinitions");
        assert_eq!(adml[0].0, "policyDefinitionResources");
        let strings: BTreeSet<&String> = adml
            .iter()
            .filter(|(n, _)| n == "string")
            .map(|(_, a)| &a["id"])
            .collect();
        let presentations: BTreeMap<&String, ()> = adml
            .iter()
            .filter(|(n, _)| n == "presentation")
            .map(|(_, a)| (&a["id"], ()))
            .collect();
        let categories: BTreeSet<&String> = admx
            .iter()
            .filter(|(n, _)| n == "category")
            .map(|(_, a)| &a["name"])
            .collect();
        let mut policies = BTreeSet::new();
        for (name, a) in &admx {
            for v in a.values() {
                if let Some(id) = v
                    .strip_prefix("$(string.")
                    .and_then(|s| s.strip_suffix(')'))
                {
                    assert!(
                        strings.contains(&id.to_owned()),
                        "$(string.{id}) is not in the ADML"
                    );
                }
                if let Some(id) = v
                    .strip_prefix("$(presentation.")
                    .and_then(|s| s.strip_suffix(')'))
                {
                    assert!(
                        presentations.contains_key(&id.to_owned()),
                        "$(presentation.{id}) is not in the ADML"
                    );
                }
            }
            if name == "parentCategory" {
                assert!(
                    categories.contains(&a["ref"]),
                    "unknown category {}",
                    a["ref"]
                );
            }
            if name == "policy" {
                assert!(
                    policies.insert(a["name"].clone()),
                    "policy {} twice",
                    a["name"]
                );
                assert!(
                    a["key"].starts_with(POLICY_KEY),
                    "{} writes outside {POLICY_KEY}",
                    a["name"]
                );
                assert_eq!(a["class"], "Both");
            }
        }
        // Each presentation control refers to an element of its policy.
        let elements: BTreeSet<&String> = admx
            .iter()
            .filter(|(n, _)| matches!(n.as_str(), "text" | "decimal" | "list" | "multiText"))
            .filter_map(|(_, a)| a.get("id"))
            .collect();
        for (n, a) in &adml {
            if let Some(r) = a.get("refId") {
                assert!(
                    elements.contains(r),
                    "<{n} refId=\"{r}\"> has no element in the ADMX"
                );
            }
        }
        assert_eq!(policies.len(), entries().len());
        let ids: Vec<&String> = adml
            .iter()
            .filter(|(n, _)| n == "string")
            .map(|(_, a)| &a["id"])
            .collect();
        assert_eq!(ids.len(), strings.len(), "a string id is defined twice");
    }
}
