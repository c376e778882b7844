//! The policy from the Windows registry, where Group Policy and Intune put
//! it: `HKLM\SOFTWARE\Policies\SecondLook` is a managed layer (it locks
//! what it sets, like `%ProgramData%\SecondLook\policy.toml`, and wins over
//! it), `HKCU\SOFTWARE\Policies\SecondLook` a user layer (the Chrome
//! convention; it can only add, like the user's own file).
//!
//! The registry tree maps onto the TOML keys one to one (the ADMX
//! templates in `packaging/windows/` write exactly this):
//!
//! - a section is a subkey: `…\SecondLook\organization`, value `name`
//!   (`REG_SZ`); `…\SecondLook\report\smtp`, value `port` (`REG_DWORD`);
//! - true/false is a `REG_DWORD` 1 or 0;
//! - a list of strings is a subkey of numbered values, as Chrome's list
//!   policies: `…\SecondLook\indicators\blocked`, values `1` = `x.com`,
//!   `2` = `y.com` (a `REG_MULTI_SZ` or a `REG_SZ` holding a JSON list is
//!   read too);
//! - a list of tables (`brand`, `report.webhook`) and the tables of rules
//!   (`detection.severity`, `detection.disabled`, `detection.lure_words`)
//!   are a `REG_SZ` holding JSON, as Chrome's dictionary policies
//!   (`brand` = `[{"name": "Acme", "domains": ["acme.com"]}]`), or
//!   subkeys: `…\brand\1` with `name` and a `domains` subkey;
//!   `…\detection\severity`, value `typosquat` = `dangerous`.
//!
//! Names are matched without regard to case, as Windows does. The result is
//! checked exactly like a TOML file ([`super::platform`]); a problem names
//! the registry value, e.g.
//! `HKLM\SOFTWARE\Policies\SecondLook\indicators\blocked: "co.uk" is a public suffix …`.

use super::platform::{Converted, Places, json_to_toml};
use crate::policy::schema::{self, Type};

/// The machine layer's key.
pub const MACHINE_KEY: &str = r"HKLM\SOFTWARE\Policies\SecondLook";
/// The user layer's key.
pub const USER_KEY: &str = r"HKCU\SOFTWARE\Policies\SecondLook";

/// More keys or values than a policy has: a runaway tree is refused.
#[cfg(windows)]
const MAX_ENTRIES: usize = 20_000;
/// Deeper than any policy key (`report\webhook\1\url` is 4).
const MAX_DEPTH: usize = 6;

/// Which of the two policy keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hive {
    /// `HKLM\SOFTWARE\Policies\SecondLook`: the organisation's, locked.
    Machine,
    /// `HKCU\SOFTWARE\Policies\SecondLook`: the user layer.
    User,
}

impl Hive {
    /// The key a layer path names, if it names one.
    pub fn of(path: &str) -> Option<Hive> {
        if path.eq_ignore_ascii_case(MACHINE_KEY) {
            Some(Hive::Machine)
        } else if path.eq_ignore_ascii_case(USER_KEY) {
            Some(Hive::User)
        } else {
            None
        }
    }

    /// The key's full name.
    pub fn key(self) -> &'static str {
        match self {
            Hive::Machine => MACHINE_KEY,
            Hive::User => USER_KEY,
        }
    }
}

/// A registry value, as far as a policy uses one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `REG_SZ` or `REG_EXPAND_SZ` (not expanded).
    Sz(String),
    /// `REG_MULTI_SZ`.
    MultiSz(Vec<String>),
    /// `REG_DWORD`.
    Dword(u32),
    /// `REG_QWORD`.
    Qword(u64),
    /// Any other type, by its name (`REG_BINARY`): refused.
    Other(String),
}

/// A registry key: its values and subkeys, in the order read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Key {
    /// Named values (the unnamed default value is left out).
    pub values: Vec<(String, Value)>,
    /// Subkeys.
    pub keys: Vec<(String, Key)>,
}

impl Key {
    /// Nothing is set under this key.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.keys.iter().all(|(_, k)| k.is_empty())
    }
}

/// Convert the tree under `root` (named `root_name` in messages) to the
/// policy's TOML, or say every value that has no TOML form.
pub fn convert(root: &Key, root_name: &str) -> Result<Converted, Vec<String>> {
    let mut c = Conv {
        places: Places::new(),
        problems: Vec::new(),
    };
    c.places.insert(Vec::new(), root_name.to_owned());
    let table = c.table(root, &mut Vec::new(), &mut Vec::new(), root_name);
    if c.problems.is_empty() {
        Ok(Converted::from_table(&table, &c.places))
    } else {
        Err(c.problems)
    }
}

struct Conv {
    places: Places,
    problems: Vec<String>,
}

/// The schema's spelling of `name` under `schema` (Windows compares names
/// without case), or `name` itself for a key the schema does not know
/// (the check then says "unknown key … did you mean").
fn canonical(schema: &[String], name: &str) -> String {
    schema::children(&schema.join("."))
        .map(|k| schema::name(k.path))
        .find(|n| n.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

/// The schema's type of the key at `path` (`["indicators", "blocked"]`; a
/// key in a list of tables is named by the list: `["brand", "domains"]`),
/// or `None` for a key the schema does not know.
fn type_of(path: &[&str]) -> Option<Type> {
    schema::find(&path.join(".")).map(|k| k.ty)
}

fn number(name: &str) -> Option<u32> {
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        .then(|| name.parse().ok())
        .flatten()
        .filter(|n| *n > 0)
}

fn strs(p: &[String]) -> Vec<&str> {
    p.iter().map(String::as_str).collect()
}

impl Conv {
    /// A subkey read as a table of its values and subkeys.
    fn table(
        &mut self,
        key: &Key,
        schema: &mut Vec<String>,
        path: &mut Vec<String>,
        at: &str,
    ) -> toml::Table {
        let mut out = toml::Table::new();
        let in_map = matches!(
            type_of(&strs(schema)),
            Some(Type::StrMap | Type::StrListMap)
        );
        let list_map = type_of(&strs(schema)) == Some(Type::StrListMap);
        for (name, value) in &key.values {
            if name.is_empty() {
                continue;
            }
            let name = if in_map {
                name.clone()
            } else {
                canonical(schema, name)
            };
            let place = format!(r"{at}\{name}");
            schema.push(name.clone());
            path.push(name.clone());
            self.places.insert(path.clone(), place.clone());
            let shape = if list_map {
                Some(Type::StrList)
            } else if in_map {
                Some(Type::Str)
            } else {
                type_of(&strs(schema))
            };
            if let Some(v) = self.value(value, shape, &place) {
                out.insert(name, v);
            }
            schema.pop();
            path.pop();
        }
        for (name, sub) in &key.keys {
            let name = if in_map {
                name.clone()
            } else {
                canonical(schema, name)
            };
            let place = format!(r"{at}\{name}");
            if path.len() >= MAX_DEPTH {
                self.problems.push(format!(
                    "{place}: is nested deeper than any policy key; remove it"
                ));
                continue;
            }
            schema.push(name.clone());
            path.push(name.clone());
            self.places.insert(path.clone(), place.clone());
            let shape = if list_map {
                Some(Type::StrList)
            } else {
                type_of(&strs(schema))
            };
            let v = match shape {
                Some(Type::StrList) => toml::Value::Array(self.list(sub, &place)),
                Some(Type::TableList) => {
                    let mut items = Vec::new();
                    for (n, entry) in self.numbered(sub, &place, true) {
                        path.push(n.to_string());
                        let place = format!(r"{place}\{n}");
                        self.places.insert(path.clone(), place.clone());
                        items.push(toml::Value::Table(self.table(entry, schema, path, &place)));
                        path.pop();
                    }
                    toml::Value::Array(items)
                }
                _ => toml::Value::Table(self.table(sub, schema, path, &place)),
            };
            out.insert(name, v);
            schema.pop();
            path.pop();
        }
        out
    }

    /// A list subkey's numbered values, in number order.
    fn list(&mut self, key: &Key, at: &str) -> Vec<toml::Value> {
        for (name, _) in &key.keys {
            self.problems.push(format!(
                r"{at}\{name}: a list holds numbered values (1, 2, 3 …), not subkeys; remove the subkey"
            ));
        }
        let mut items: Vec<(u32, &Value)> = Vec::new();
        for (name, v) in &key.values {
            match number(name) {
                Some(n) => items.push((n, v)),
                None if name.is_empty() => {}
                None => self.problems.push(format!(
                    r"{at}\{name}: the entries of a list are values named 1, 2, 3 …; rename it"
                )),
            }
        }
        items.sort_by_key(|(n, _)| *n);
        items
            .into_iter()
            .filter_map(|(n, v)| self.value(v, Some(Type::Str), &format!(r"{at}\{n}")))
            .collect()
    }

    /// The numbered subkeys of a list of tables, in number order.
    fn numbered<'k>(&mut self, key: &'k Key, at: &str, tables: bool) -> Vec<(u32, &'k Key)> {
        let mut out = Vec::new();
        for (name, sub) in &key.keys {
            match number(name) {
                Some(n) => out.push((n, sub)),
                None => self.problems.push(format!(
                    r"{at}\{name}: the entries of a list are subkeys named 1, 2, 3 …; rename it"
                )),
            }
        }
        if tables {
            for (name, _) in &key.values {
                if !name.is_empty() {
                    self.problems.push(format!(
                        r"{at}\{name}: each entry of this list is a numbered subkey (…\1, …\2) holding its values; move the value into one"
                    ));
                }
            }
        }
        out.sort_by_key(|(n, _)| *n);
        out
    }

    fn value(&mut self, value: &Value, shape: Option<Type>, at: &str) -> Option<toml::Value> {
        let structured = matches!(
            shape,
            Some(Type::StrList | Type::Table | Type::TableList | Type::StrMap | Type::StrListMap)
        );
        let v = match value {
            Value::Sz(s) if structured => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => match json_to_toml(&j) {
                    Ok(v) => v,
                    Err(why) => {
                        self.problems.push(format!("{at}: {why}"));
                        return None;
                    }
                },
                Err(e) => {
                    self.problems.push(format!(
                        "{at}: is not valid JSON ({e}); write this key as JSON (e.g. [\"a\", \"b\"] for a list) or as a subkey of numbered values"
                    ));
                    return None;
                }
            },
            Value::Sz(s) => toml::Value::String(s.clone()),
            // A multi-line text box (the ADMX's JSON policies) writes its
            // lines as a REG_MULTI_SZ: one JSON text.
            Value::MultiSz(v) if structured && shape != Some(Type::StrList) => {
                return self.value(&Value::Sz(v.join("\n")), shape, at);
            }
            Value::MultiSz(v) => {
                toml::Value::Array(v.iter().cloned().map(toml::Value::String).collect())
            }
            Value::Dword(n) if shape == Some(Type::Bool) && *n <= 1 => {
                toml::Value::Boolean(*n == 1)
            }
            Value::Dword(n) => toml::Value::Integer(i64::from(*n)),
            Value::Qword(n) => match i64::try_from(*n) {
                Ok(i) => toml::Value::Integer(i),
                Err(_) => {
                    self.problems
                        .push(format!("{at}: the number {n} is too large"));
                    return None;
                }
            },
            Value::Other(kind) => {
                self.problems.push(format!(
                    "{at}: is a {kind} value, which a policy does not use: write text as REG_SZ, true/false and numbers as REG_DWORD"
                ));
                return None;
            }
        };
        Some(v)
    }
}

/// What is under `hive`'s key on this machine: `Ok(None)` when the key is
/// not there or holds nothing (Group Policy's "Not configured" everywhere).
#[cfg(windows)]
pub fn read(hive: Hive) -> std::io::Result<Option<Key>> {
    let (root, path) = match hive {
        Hive::Machine => (winreg::HKLM, r"SOFTWARE\Policies\SecondLook"),
        Hive::User => (winreg::HKCU, r"SOFTWARE\Policies\SecondLook"),
    };
    let key = match root.open_subkey(path) {
        Ok(k) => k,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut budget = MAX_ENTRIES;
    let tree = read_key(&key, 0, &mut budget)?;
    Ok((!tree.is_empty()).then_some(tree))
}

#[cfg(windows)]
fn read_key(key: &winreg::RegKey, depth: usize, budget: &mut usize) -> std::io::Result<Key> {
    use winreg::enums::RegType;
    use winreg::types::FromRegValue;
    let too_many = || {
        std::io::Error::other(format!(
            "it holds more than {MAX_ENTRIES} keys and values, more than any policy"
        ))
    };
    let mut out = Key::default();
    for item in key.enum_values() {
        let (name, raw) = item?;
        *budget = budget.checked_sub(1).ok_or_else(too_many)?;
        let v = match raw.vtype {
            RegType::REG_SZ | RegType::REG_EXPAND_SZ => Value::Sz(String::from_reg_value(&raw)?),
            RegType::REG_MULTI_SZ => Value::MultiSz(Vec::<String>::from_reg_value(&raw)?),
            RegType::REG_DWORD => Value::Dword(u32::from_reg_value(&raw)?),
            RegType::REG_QWORD => Value::Qword(u64::from_reg_value(&raw)?),
            other => Value::Other(format!("{other:?}")),
        };
        out.values.push((name, v));
    }
    for name in key.enum_keys() {
        let name = name?;
        *budget = budget.checked_sub(1).ok_or_else(too_many)?;
        if depth >= MAX_DEPTH {
            out.keys.push((
                name,
                Key {
                    values: vec![(String::new(), Value::Sz(String::new()))],
                    keys: vec![("…".into(), Key::default())],
                },
            ));
            continue;
        }
        let sub = key.open_subkey(&name)?;
        out.keys.push((name, read_key(&sub, depth + 1, budget)?));
    }
    Ok(out)
}

/// There is no registry here.
#[cfg(not(windows))]
pub fn read(_hive: Hive) -> std::io::Result<Option<Key>> {
    Ok(None)
}

/// The policy text of `hive`'s key and where each line came from;
/// `Ok(None)` when nothing is set. `Err` says what is wrong.
pub fn read_converted(hive: Hive) -> Result<Option<Converted>, String> {
    match read(hive) {
        Ok(None) => Ok(None),
        Ok(Some(tree)) => convert(&tree, hive.key())
            .map(Some)
            .map_err(|p| format!("has problems:\n{}", p.join("\n"))),
        Err(e) => Err(format!("cannot be read: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sz(s: &str) -> Value {
        Value::Sz(s.to_owned())
    }

    fn key(values: &[(&str, Value)], keys: Vec<(&str, Key)>) -> Key {
        Key {
            values: values
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
            keys: keys.into_iter().map(|(n, k)| (n.to_owned(), k)).collect(),
        }
    }

    /// What IT's GPO writes for the Twilio-like policy: sections as
    /// subkeys, lists as numbered values, brands as numbered subkeys and
    /// as JSON, booleans as DWORDs.
    fn gpo() -> Key {
        key(
            &[],
            vec![
                (
                    "Organization",
                    key(
                        &[("Name", sz("Twilio"))],
                        vec![(
                            "never_ask",
                            key(
                                &[
                                    ("2", sz("IT will never text you a link.")),
                                    ("1", sz("We never ask for your code.")),
                                ],
                                vec![],
                            ),
                        )],
                    ),
                ),
                (
                    "brand",
                    key(
                        &[],
                        vec![(
                            "1",
                            key(
                                &[("name", sz("Twilio"))],
                                vec![(
                                    "domains",
                                    key(
                                        &[("1", sz("twilio.com")), ("2", sz("twilio.okta.com"))],
                                        vec![],
                                    ),
                                )],
                            ),
                        )],
                    ),
                ),
                (
                    "indicators",
                    key(
                        &[("training", sz(r#"["twilio-training.example"]"#))],
                        vec![("blocked", key(&[("1", sz("twilio-okta.net"))], vec![]))],
                    ),
                ),
                (
                    "detection",
                    key(
                        &[("user_additions", Value::Dword(0))],
                        vec![
                            ("severity", key(&[("typosquat", sz("dangerous"))], vec![])),
                            (
                                "lure_words",
                                key(
                                    &[("es", Value::MultiSz(vec!["portal del empleado".into()]))],
                                    vec![("en", key(&[("1", sz("PeopleHub"))], vec![]))],
                                ),
                            ),
                        ],
                    ),
                ),
                (
                    "report",
                    key(
                        &[
                            ("email", sz("phishing@twilio.example")),
                            (
                                "webhook",
                                sz(
                                    r#"[{"url": "https://hooks.twilio.example/x", "format": "slack"}]"#,
                                ),
                            ),
                        ],
                        vec![(
                            "smtp",
                            key(
                                &[
                                    ("host", sz("smtp.twilio.example")),
                                    ("port", Value::Dword(587)),
                                ],
                                vec![],
                            ),
                        )],
                    ),
                ),
                (
                    "desktop",
                    key(
                        &[
                            ("watch_clipboard", Value::Dword(1)),
                            ("notify", sz("dangerous")),
                        ],
                        vec![],
                    ),
                ),
                ("events", key(&[("system_log", Value::Dword(0))], vec![])),
            ],
        )
    }

    #[test]
    fn a_group_policy_tree_is_the_same_policy_as_its_toml() {
        let c = convert(&gpo(), MACHINE_KEY).unwrap();
        expect_test::expect![[r#"
            [[brand]]
            domains = ["twilio.com", "twilio.okta.com"]
            name = "Twilio"
            [desktop]
            notify = "dangerous"
            watch_clipboard = true
            [detection]
            user_additions = false
            [detection.lure_words]
            en = ["PeopleHub"]
            es = ["portal del empleado"]
            [detection.severity]
            typosquat = "dangerous"
            [events]
            system_log = false
            [indicators]
            blocked = ["twilio-okta.net"]
            training = ["twilio-training.example"]
            [organization]
            name = "Twilio"
            never_ask = ["We never ask for your code.", "IT will never text you a link."]
            [report]
            email = "phishing@twilio.example"
            [report.smtp]
            host = "smtp.twilio.example"
            port = 587
            [[report.webhook]]
            format = "slack"
            url = "https://hooks.twilio.example/x"
        "#]]
        .assert_eq(&c.text);
        let file =
            crate::policy::parse_file(&c.text, MACHINE_KEY).unwrap_or_else(|e| panic!("{e}"));
        let policy = crate::policy::Policy::compile(file, MACHINE_KEY).unwrap();
        let a = crate::analysis::analyze("log in at twilio-okta.net", &policy);
        assert_eq!(a.verdict, crate::Verdict::Dangerous);
        assert!(!policy.events.system_log());
    }

    /// The file's messages, at the registry value they are about.
    #[test]
    fn problems_name_the_registry_value() {
        let tree = key(
            &[],
            vec![
                (
                    "organization",
                    key(
                        &[("nme", sz("Acme")), ("help_url", sz("http://x.example"))],
                        vec![],
                    ),
                ),
                (
                    "indicators",
                    key(&[], vec![("blocked", key(&[("1", sz("co.uk"))], vec![]))]),
                ),
                (
                    "desktop",
                    key(&[("watch_clipboard", Value::Dword(7))], vec![]),
                ),
            ],
        );
        let c = convert(&tree, MACHINE_KEY).unwrap();
        let msgs: Vec<String> = crate::policy::validate::check(&c.text, MACHINE_KEY)
            .iter()
            .map(|p| c.relocate(p))
            .collect();
        let all = msgs.join("\n");
        for want in [
            r"HKLM\SOFTWARE\Policies\SecondLook\organization\nme: unknown key `nme` in [organization]; did you mean `name`?",
            r#"HKLM\SOFTWARE\Policies\SecondLook\indicators\blocked: blocked: "co.uk" is a public suffix"#,
            r"HKLM\SOFTWARE\Policies\SecondLook\desktop\watch_clipboard: `watch_clipboard` must be true or false",
            r"HKLM\SOFTWARE\Policies\SecondLook\organization\help_url: ",
        ] {
            assert!(all.contains(want), "missing {want:?} in\n{all}");
        }
    }

    #[test]
    fn values_with_no_policy_form_are_refused_with_a_fix() {
        let tree = key(
            &[("brand", sz("[{\"name\": \"Acme\""))],
            vec![(
                "indicators",
                key(
                    &[],
                    vec![(
                        "blocked",
                        key(
                            &[
                                ("first", sz("x.example")),
                                ("2", Value::Other("REG_BINARY".into())),
                            ],
                            vec![],
                        ),
                    )],
                ),
            )],
        );
        let all = convert(&tree, USER_KEY).unwrap_err().join("\n");
        for want in [
            r"HKCU\SOFTWARE\Policies\SecondLook\brand: is not valid JSON",
            r"HKCU\SOFTWARE\Policies\SecondLook\indicators\blocked\first: the entries of a list are values named 1, 2, 3",
            r"HKCU\SOFTWARE\Policies\SecondLook\indicators\blocked\2: is a REG_BINARY value",
        ] {
            assert!(all.contains(want), "missing {want:?} in\n{all}");
        }
        assert_eq!(
            Hive::of(r"hklm\software\policies\secondlook"),
            Some(Hive::Machine)
        );
        assert_eq!(Hive::of(r"C:\ProgramData\SecondLook\policy.toml"), None);
        assert!(Key::default().is_empty());
    }
}
