//! The Group Policy templates (`packaging/windows/SecondLook.admx` and
//! `en-US/SecondLook.adml`), generated from the schema
//! ([`super::validate::keys`]) and the key table of `docs/policy.md`, so
//! that every key is in them, written where [`super::registry`] reads it,
//! and explained in the words of the policy guide. Regenerate with
//! `cargo run -q --example admx`; a test fails when the files differ.
//!
//! Each key is one policy, in a category per section, for both Computer
//! (HKLM, locked) and User (HKCU, the user layer) Configuration:
//! text as a text box, true/false as Enabled/Disabled (1/0), numbers as a
//! number box, lists of strings as a list box (numbered values, as Chrome's
//! list policies), rule tables as a name/value list, and the lists of
//! tables (`brand`, `report.webhook`) and `detection.lure_words` as JSON
//! in a multi-line box, as Chrome's dictionary policies.

use super::validate::{Shape, keys};

/// The registry key (under HKLM or HKCU) the templates write to.
pub const POLICY_KEY: &str = r"Software\Policies\SecondLook";

/// One policy of the templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dotted key (`indicators.blocked`).
    pub key: String,
    /// The policy's name and element id (`indicators_blocked`).
    pub id: String,
    /// The shape of its value.
    pub shape: Shape,
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

/// The explanations of `docs/policy.md`'s key table, by dotted key.
fn explanations() -> Vec<(String, String, String)> {
    let doc = include_str!("../../docs/policy.md");
    let mut out = Vec::new();
    let Some(table) = doc.split("\n## Keys\n").nth(1) else {
        return out;
    };
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let [keys, kind, meaning] = cells[..] else {
            continue;
        };
        let names: Vec<String> = keys
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|k| k.replace("[]", ""))
            .collect();
        let Some(first) = names.first() else { continue };
        let parent = first.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
        for (i, n) in names.iter().enumerate() {
            let full = if i == 0 {
                n.clone()
            } else {
                format!("{parent}.{n}")
            };
            let plain = |s: &str| s.replace('`', "").trim().to_owned();
            out.push((full, plain(kind), plain(meaning)));
        }
    }
    out
}

/// Every policy, in schema order; sections and the fields of lists of
/// tables are not policies of their own (the JSON of the list holds them).
pub fn entries() -> Vec<Entry> {
    let docs = explanations();
    let all = keys();
    let mut out = Vec::new();
    for (key, shape) in &all {
        if *shape == Shape::Table {
            continue;
        }
        let parts: Vec<&str> = key.split('.').collect();
        // Inside a list of tables: written as part of the list's JSON.
        let in_list = (1..parts.len()).any(|n| {
            all.iter()
                .any(|(k, s)| *s == Shape::TableList && *k == parts[..n].join("."))
        });
        if in_list {
            continue;
        }
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
        let owns_key = matches!(shape, Shape::StrList | Shape::StrMap);
        let mut explain = docs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, kind, meaning)| {
                if kind.is_empty() {
                    meaning.clone()
                } else {
                    format!("{meaning} ({kind})")
                }
            })
            .unwrap_or_default();
        if *shape == Shape::TableList {
            // A list of tables: what each entry's keys mean.
            let fields: Vec<String> = docs
                .iter()
                .filter_map(|(k, kind, meaning)| {
                    let field = k.strip_prefix(key.as_str())?.strip_prefix('.')?;
                    Some(if kind.is_empty() {
                        format!("{field}: {meaning}")
                    } else {
                        format!("{field} ({kind}): {meaning}")
                    })
                })
                .collect();
            if !fields.is_empty() {
                explain = format!("Each entry has these keys.\n{}", fields.join("\n"));
            }
        }
        let how = match shape {
            Shape::Str => "Enter the text.",
            Shape::Bool => "Enabled: true. Disabled: false. Not configured: not set here.",
            Shape::Int => "Enter the number.",
            Shape::StrList => "Click Show and enter one entry per line.",
            Shape::StrMap => "Click Show: the name is the rule id, the value the text.",
            Shape::StrListMap => {
                "Enter JSON, e.g. {\"en\": [\"benefits portal\"], \"es\": [\"portal del empleado\"]}."
            }
            Shape::TableList if key == "brand" => {
                "Enter JSON, one object per brand, e.g. [{\"name\": \"Example Corp\", \"domains\": [\"example.com\"]}]."
            }
            Shape::TableList => {
                "Enter JSON, one object per entry, e.g. [{\"url\": \"https://hooks.example.com/x\", \"format\": \"json\"}]."
            }
            Shape::Table => "",
        };
        if !explain.is_empty() {
            explain.push_str("\n\n");
        }
        explain.push_str(&format!(
            "{how}\n\nPolicy key: {key} (docs/policy.md). Computer Configuration writes HKLM (locked: \"Set by your organisation (Group Policy)\"); User Configuration writes HKCU, the user's layer, which can only add. Registry: {}{}.",
            parent_key,
            if owns_key {
                format!(r"\{name}, numbered values")
            } else {
                format!(", value {name}")
            }
        ));
        out.push(Entry {
            key: key.clone(),
            id: id_of(key),
            shape: *shape,
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
    keys()
        .into_iter()
        .filter(|(_, s)| *s == Shape::Table)
        .map(|(k, _)| {
            let parent = k
                .rsplit_once('.')
                .map_or("SecondLook".to_owned(), |(p, _)| id_of(p));
            (id_of(&k), k, parent)
        })
        .collect()
}

/// `SecondLook.admx`.
pub fn admx() -> String {
    let mut x = String::new();
    x.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
        "<!-- Generated by `cargo run -q --example admx` from the policy schema and docs/policy.md: do not edit. -->\n",
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
        let presentation = if e.shape == Shape::Bool {
            String::new()
        } else {
            format!(" presentation=\"$(presentation.{})\"", e.id)
        };
        let value = match (&e.value_name, e.shape) {
            (Some(v), Shape::Bool) => format!(" valueName=\"{}\"", esc(v)),
            _ => String::new(),
        };
        x.push_str(&format!(
            "    <policy name=\"{id}\" class=\"Both\" displayName=\"$(string.{id})\" explainText=\"$(string.{id}_Explain)\"{presentation} key=\"{key}\"{value}>\n      <parentCategory ref=\"{cat}\" />\n      <supportedOn ref=\"SUPPORTED_SECONDLOOK\" />\n",
            id = e.id,
            key = esc(&e.registry_key),
        ));
        let v = e.value_name.as_deref().map(esc).unwrap_or_default();
        let element = match e.shape {
            Shape::Bool => {
                x.push_str("      <enabledValue>\n        <decimal value=\"1\" />\n      </enabledValue>\n      <disabledValue>\n        <decimal value=\"0\" />\n      </disabledValue>\n");
                None
            }
            Shape::Str => Some(format!(
                "<text id=\"{}\" valueName=\"{v}\" maxLength=\"4096\" />",
                e.id
            )),
            Shape::Int => Some(format!(
                "<decimal id=\"{}\" valueName=\"{v}\" minValue=\"1\" maxValue=\"65535\" />",
                e.id
            )),
            Shape::StrList => Some(format!(
                "<list id=\"{}\" key=\"{}\" valuePrefix=\"\" />",
                e.id,
                esc(&e.registry_key)
            )),
            Shape::StrMap => Some(format!(
                "<list id=\"{}\" key=\"{}\" explicitValue=\"true\" />",
                e.id,
                esc(&e.registry_key)
            )),
            Shape::StrListMap | Shape::TableList | Shape::Table => Some(format!(
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
            Shape::Bool | Shape::Table => continue,
            Shape::Str => format!(
                "<textBox refId=\"{}\"><label>{label}</label></textBox>",
                e.id
            ),
            Shape::Int => format!(
                "<decimalTextBox refId=\"{}\">{label}</decimalTextBox>",
                e.id
            ),
            Shape::StrList | Shape::StrMap => {
                format!("<listBox refId=\"{}\">{label}</listBox>", e.id)
            }
            Shape::StrListMap | Shape::TableList => format!(
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
        "<!-- Generated by `cargo run -q --example admx` from the policy schema and docs/policy.md: do not edit. -->\n",
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
    /// registry reader reads it, and explained from docs/policy.md.
    #[test]
    fn every_key_is_a_policy_with_its_explanation() {
        let e = entries();
        for (key, shape) in keys() {
            if shape == Shape::Table {
                continue;
            }
            let covered = e
                .iter()
                .any(|p| p.key == key || key.starts_with(&format!("{}.", p.key)));
            assert!(covered, "{key} is not in the ADMX");
        }
        for p in &e {
            assert!(
                !p.explain.starts_with('\n')
                    && !p.explain.starts_with("Enter")
                    && !p.explain.starts_with("Click"),
                "docs/policy.md has no row for {}",
                p.key
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
                .any(|p| p.key == "events.system_log" && p.shape == Shape::Bool)
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
        use crate::policy::registry::{Key, Value, convert};
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
                Shape::Str => (Value::Sz("x".into()), e.value_name.clone()),
                Shape::Bool => (Value::Dword(1), e.value_name.clone()),
                Shape::Int => (Value::Dword(25), e.value_name.clone()),
                Shape::StrList => (Value::Sz("x".into()), Some("1".into())),
                Shape::StrMap => (Value::Sz("x".into()), Some("typosquat".into())),
                Shape::StrListMap => (
                    Value::MultiSz(vec!["{\"en\":".into(), "[\"x\"]}".into()]),
                    e.value_name.clone(),
                ),
                Shape::TableList => (
                    Value::MultiSz(vec!["[{\"name\": \"x\"}]".into()]),
                    e.value_name.clone(),
                ),
                Shape::Table => continue,
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
                Shape::Bool => v == toml::Value::Boolean(true),
                Shape::Int => v == toml::Value::Integer(25),
                Shape::Str => v.is_str(),
                Shape::StrList => v.as_array().is_some_and(|a| a.len() == 1),
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
