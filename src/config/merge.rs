//! Combining the layers (built-in < user < managed) key by key, as the
//! schema ([`crate::policy::schema::KEYS`]) says for each key, with each value's
//! source. Reads no file: the layers are read by [`super::layers`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::platform::Kind;
use crate::policy::schema::{self, Merge};
use crate::policy::{BrandSection, Policy, PolicyFile, brand_key};

/// Where a layer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `assets/default-policy.toml`, compiled in.
    Builtin,
    /// The user's own file.
    User(PathBuf),
    /// A file written by IT.
    Managed(PathBuf),
    /// IT's signed indicator feed (`[feed] url`), as last accepted.
    Feed(String),
}

impl Source {
    /// Values from this source cannot be changed by the user.
    pub fn is_managed(&self) -> bool {
        matches!(self, Source::Managed(_) | Source::Feed(_))
    }

    /// How IT deployed it: a file, Group Policy (a registry key), a
    /// configuration profile (managed preferences); the feed and the
    /// built-in policy count as files.
    pub fn kind(&self) -> Kind {
        match self {
            Source::Builtin | Source::Feed(_) => Kind::File,
            Source::User(p) | Source::Managed(p) => Kind::of(p),
        }
    }

    /// What the window and `policy show` say about a value from this
    /// source: "Set by your organisation" (with "(Group Policy)" or
    /// "(configuration profile)" when it came that way); `None` when the
    /// user may change it.
    pub fn locked_label(&self) -> Option<&'static str> {
        self.is_managed().then(|| self.kind().locked_label())
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Builtin => f.write_str("built-in default"),
            Source::User(p) => write!(f, "user: {}", p.display()),
            Source::Managed(p) => write!(f, "managed: {}", p.display()),
            Source::Feed(url) => write!(f, "feed: {url}"),
        }
    }
}

/// One value of the effective policy and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Dotted key (`organization.name`, `brand`, `detection.trusted_hosts`).
    pub key: String,
    /// The value, as TOML.
    pub value: String,
    /// The layer it came from.
    pub source: Source,
}

impl Setting {
    /// Set by the organisation: shown as "Set by your organisation", not editable.
    pub fn locked(&self) -> bool {
        self.source.is_managed()
    }
}

/// The policy every part of the product uses, with its provenance.
#[derive(Debug, Clone)]
pub struct Effective {
    /// The compiled policy.
    pub policy: Policy,
    /// Every value and its source, in a stable order.
    pub settings: Vec<Setting>,
    /// Problems with the layers (broken, unreadable, ignored keys), to show
    /// loudly. Protection went on with the last valid versions.
    pub problems: Vec<String>,
    /// The layers in effect, lowest first.
    pub layers: Vec<Source>,
    /// The indicator feed the managed policy names (`[feed]`), if any.
    pub feed: Option<crate::feed::FeedConfig>,
}

/// One layer's file and where it came from.
#[derive(Clone)]
pub(crate) struct Layer {
    /// Where it came from.
    pub(crate) source: Source,
    /// Its file, checked.
    pub(crate) file: PolicyFile,
}

impl Effective {
    /// "Set by your organisation": the key is lockable (its schema row says
    /// so: a single value, not a list a user may add to) and its value comes
    /// from a managed file.
    pub fn is_locked(&self, key: &str) -> bool {
        schema::lockable(key) && self.settings.iter().any(|s| s.key == key && s.locked())
    }

    /// How the window labels a locked key ([`Effective::is_locked`]): "Set
    /// by your organisation", "Set by your organisation (Group Policy)" or
    /// "… (configuration profile)"; `None` when the key is not locked.
    pub fn locked_label(&self, key: &str) -> Option<&'static str> {
        locked_label(&self.settings, key)
    }
}

/// How a locked key is labelled, given the effective settings (see
/// [`Effective::locked_label`]); `None` when the key is not locked.
pub fn locked_label(settings: &[Setting], key: &str) -> Option<&'static str> {
    if !schema::lockable(key) {
        return None;
    }
    settings
        .iter()
        .filter(|s| s.key == key)
        .find_map(|s| s.source.locked_label())
}

fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

fn toml_value<T: serde::Serialize>(v: &T) -> String {
    toml::Value::try_from(v)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// What the user's own layers added, to be shown as theirs.
#[derive(Default)]
pub(crate) struct Additions {
    /// Trusted hosts (as written) whose only source is a user layer.
    pub(crate) trusted: Vec<String>,
    /// [`brand_key`]s of brands that come from a user layer.
    pub(crate) brands: Vec<String>,
}

/// A policy made of the managed layers' brands only: what a user addition
/// must not imitate. `None` when there is no managed brand.
fn managed_guard(layers: &[Layer]) -> Option<Result<Policy, String>> {
    let brand: Vec<BrandSection> = layers
        .iter()
        .filter(|l| l.source.is_managed())
        .flat_map(|l| l.file.brand.iter().cloned())
        .collect();
    if brand.is_empty() {
        return None;
    }
    let file = PolicyFile {
        brand,
        ..PolicyFile::default()
    };
    Some(Policy::compile(file, "managed brands").map_err(|e| e.to_string()))
}

/// Why `host` (a user addition) would make a lookalike of a managed brand
/// safe: the real link rules, run on it under the managed brands alone,
/// say it imitates one. `None`: it may be added.
fn imitates_managed(guard: &Policy, host: &str) -> Option<String> {
    let analysis = crate::analysis::analyze(&format!("https://{host}/"), guard);
    analysis
        .links
        .iter()
        .flat_map(|l| &l.findings)
        .find(|f| f.severity >= crate::rules::Severity::Suspicious && f.brand.is_some())
        .map(|f| {
            let brand = f.brand.as_ref().map_or("", |b| b.name());
            format!(
                "it looks like {brand}, a brand your organisation protects ({})",
                f.explanation().trim_end_matches(".")
            )
        })
}

/// Merge layers (lowest first) key by key; record each value's source.
///
/// The user's layers only add: a brand they name like an existing one
/// (built-in or managed, spaces and case aside) adds its domains as the
/// user's own trusted hosts, never to that brand; a trusted host or brand
/// domain that imitates a managed brand is left out; and with
/// `detection.user_additions = false` from a higher layer their brands,
/// trusted hosts and training domains are ignored. Each is reported.
pub(crate) fn merge(
    layers: &mut [Layer],
    managed_present: bool,
    problems: &mut Vec<String>,
) -> (PolicyFile, Vec<Setting>, Additions) {
    let mut m = Merged::default();

    // The highest layer that sets `detection.user_additions` decides.
    let user_additions = layers
        .iter()
        .rev()
        .find_map(|l| l.file.detection.user_additions)
        .unwrap_or(true);
    let managed_keys: Vec<String> = layers
        .iter()
        .filter(|l| l.source.is_managed())
        .flat_map(|l| l.file.brand.iter().map(|b| brand_key(&b.name)))
        .collect();
    let guard = match managed_guard(layers) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            problems.push(format!("your organisation's brands cannot be compiled together ({e}); the additions in your own policy are ignored until this is fixed"));
            Some(Policy::empty("no additions"))
        }
    };
    // A user addition that may be trusted; otherwise the reason it is not.
    let vet = |host: &str| -> Result<(), String> {
        match &guard {
            Some(g) if g.brands.is_empty() => {
                Err("the organisation's brands could not be checked".into())
            }
            Some(g) => imitates_managed(g, host).map_or(Ok(()), Err),
            None => Ok(()),
        }
    };
    let normal = |h: &str| crate::policy::normalize_domain(h).unwrap_or_else(|_| h.to_owned());

    for layer in layers.iter_mut() {
        let source = layer.source.clone();
        let is_user = matches!(source, Source::User(_));
        let is_feed = matches!(source, Source::Feed(_));
        let f = &mut layer.file;
        let PolicyFile {
            brand,
            detection,
            indicators,
            feed,
            ..
        } = f;
        if is_user && !feed.is_empty() {
            problems.push(format!(
                "[feed] in your own policy ({source}) is ignored: only your organisation's policy chooses the indicator feed"
            ));
            *feed = crate::policy::FeedSection::default();
        }
        if is_user && !user_additions {
            let had = !brand.is_empty()
                || detection
                    .trusted_hosts
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
                || indicators.training.as_ref().is_some_and(|v| !v.is_empty());
            brand.clear();
            detection.trusted_hosts = None;
            indicators.training = None;
            if had {
                problems.push(format!(
                    "your organisation has switched off additions from your own policy (detection.user_additions = false): the brands, trusted hosts and training domains in your own policy ({source}) are ignored"
                ));
            }
        }
        // What a user layer or the feed adds as trusted: its trusted hosts,
        // and the domains of its brands named like an existing brand. Both
        // are vetted: neither may make a managed brand's lookalike safe.
        let mut user_trusted: Vec<String> = Vec::new();
        if is_user || is_feed {
            let whose = if is_feed {
                "the indicator feed"
            } else {
                "your own policy"
            };
            let mut kept = Vec::new();
            for mut b in brand.drain(..) {
                let key = brand_key(&b.name);
                if is_feed && let Some(existing) = m.brand_named(&key) {
                    // The feed's names for a protected brand: more detection.
                    let names: Vec<String> = b
                        .aliases
                        .take()
                        .into_iter()
                        .chain(b.keywords.take())
                        .flatten()
                        .collect();
                    let owned = add_aliases(existing, names);
                    user_trusted
                        .extend(b.domains.drain(..).filter(|d| !owned.contains(&normal(d))));
                    continue;
                }
                let existing = managed_keys.contains(&key)
                    || m.by_name
                        .values()
                        .flatten()
                        .any(|(name, _, _)| brand_key(name) == key);
                if existing {
                    problems.push(format!(
                        "your own policy ({source}) names a brand \"{}\" like one that is already protected: its domains are kept as sites you trust yourself, not as that brand's",
                        b.name.trim()
                    ));
                    user_trusted.append(&mut b.domains);
                    continue;
                }
                b.domains.retain(|d| match vet(&normal(d)) {
                    Ok(()) => true,
                    Err(why) => {
                        problems.push(format!(
                            "{d} in the brand \"{}\" of {whose} ({source}) is left out: {why}. Links to it are checked as usual.",
                            b.name.trim()
                        ));
                        false
                    }
                });
                if !b.domains.is_empty() {
                    kept.push(b);
                }
            }
            *brand = kept;
            user_trusted.extend(detection.trusted_hosts.take().unwrap_or_default());
            let vet_trusted = |h: &str| match crate::policy::open_host_problem(&normal(h), None) {
                Some(why) => Err(why),
                None => vet(&normal(h)),
            };
            user_trusted.retain(|h| match vet_trusted(h) {
                Ok(()) => true,
                Err(why) => {
                    problems.push(format!(
                        "{h}, trusted in {whose} ({source}), is left out: {why}. Links to it are checked as usual."
                    ));
                    false
                }
            });
            detection.trusted_hosts = Some(user_trusted);
        }
        m.add_layer(&layer.file, &source, managed_present, problems, normal);
    }
    m.finish(problems)
}

/// Add `names` to a brand's `aliases` (as TOML, case aside once each);
/// returns the brand's domains, normalised.
fn add_aliases(brand: &mut toml::Value, names: Vec<String>) -> Vec<String> {
    let Some(table) = brand.as_table_mut() else {
        return Vec::new();
    };
    let owned: Vec<String> = table
        .get("domains")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .map(|d| crate::policy::normalize_domain(d).unwrap_or_else(|_| d.to_owned()))
        .collect();
    if !names.is_empty() {
        let aliases = table
            .entry("aliases")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        if let Some(list) = aliases.as_array_mut() {
            for n in names {
                let known = list
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .any(|x| x.eq_ignore_ascii_case(&n));
                if !known {
                    list.push(toml::Value::String(n));
                }
            }
        }
    }
    owned
}

/// Values, each with the layer it came from.
type Sourced = Vec<(String, Source)>;

/// The layers' values so far, by schema row, each with its source.
#[derive(Default)]
struct Merged {
    /// [`Merge::Replace`]: the highest layer's value.
    replaced: BTreeMap<&'static str, (toml::Value, Source)>,
    /// [`Merge::ByName`]: entries in order, each with its name.
    by_name: BTreeMap<&'static str, Vec<(String, toml::Value, Source)>>,
    /// [`Merge::AddUp`]: every value (as written) once.
    added: BTreeMap<&'static str, Sourced>,
    /// [`Merge::AddUpEach`]: per entry, every value once.
    added_each: BTreeMap<&'static str, BTreeMap<String, Sourced>>,
    /// [`Merge::EachUnlessManaged`]: per entry, the highest layer's value.
    each: BTreeMap<&'static str, BTreeMap<String, (toml::Value, Source)>>,
}

impl Merged {
    /// The brand (as TOML) taken so far whose [`brand_key`] is `key`.
    fn brand_named(&mut self, key: &str) -> Option<&mut toml::Value> {
        self.by_name
            .get_mut("brand")?
            .iter_mut()
            .find(|(name, _, _)| brand_key(name) == key)
            .map(|(_, v, _)| v)
    }

    /// Take one layer's values (higher than every layer taken before), as
    /// the schema says for each key.
    fn add_layer(
        &mut self,
        file: &PolicyFile,
        source: &Source,
        managed_present: bool,
        problems: &mut Vec<String>,
        normal: impl Fn(&str) -> String,
    ) {
        let table = match toml::Value::try_from(file) {
            Ok(toml::Value::Table(t)) => t,
            _ => {
                problems.push(format!(
                    "the policy from {source} cannot be combined with the others; please report this bug"
                ));
                return;
            }
        };
        let strings = |v: &toml::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        for key in schema::KEYS {
            let Some(value) = lookup(&table, key.path) else {
                continue;
            };
            match key.merge {
                Merge::Section | Merge::Part => {}
                Merge::Replace => {
                    self.replaced
                        .insert(key.path, (value.clone(), source.clone()));
                }
                Merge::ByName => {
                    let list = self.by_name.entry(key.path).or_default();
                    for entry in value.as_array().into_iter().flatten() {
                        let name = entry
                            .get("name")
                            .and_then(toml::Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let slot = list
                            .iter_mut()
                            .find(|(x, _, _)| brand_key(x) == brand_key(&name));
                        match slot {
                            Some(slot) => *slot = (name, entry.clone(), source.clone()),
                            None => list.push((name, entry.clone(), source.clone())),
                        }
                    }
                }
                Merge::AddUp => {
                    let list = self.added.entry(key.path).or_default();
                    for v in strings(value) {
                        // The same value in a higher layer: the higher layer's.
                        match list.iter_mut().find(|(x, _)| normal(x) == normal(&v)) {
                            Some(slot) => slot.1 = source.clone(),
                            None => list.push((v, source.clone())),
                        }
                    }
                }
                Merge::AddUpEach => {
                    let per_entry = self.added_each.entry(key.path).or_default();
                    for (entry, values) in value.as_table().into_iter().flatten() {
                        let list = per_entry.entry(entry.clone()).or_default();
                        for w in strings(values) {
                            if !list.iter().any(|(x, _)| *x == w) {
                                list.push((w, source.clone()));
                            }
                        }
                    }
                }
                Merge::EachUnlessManaged => {
                    if managed_present && matches!(source, Source::User(_)) {
                        problems.push(format!(
                            "{} in your own policy ({}) is ignored: your organisation manages this computer's policy",
                            key.path, source
                        ));
                        continue;
                    }
                    let map = self.each.entry(key.path).or_default();
                    for (k, v) in value.as_table().into_iter().flatten() {
                        map.insert(k.clone(), (v.clone(), source.clone()));
                    }
                }
            }
        }
    }

    /// The merged file, every value with its source (in a stable order:
    /// single values by key, brands, lists, tables), and what the user added.
    fn finish(self, problems: &mut Vec<String>) -> (PolicyFile, Vec<Setting>, Additions) {
        let mut out = toml::Table::new();
        let mut settings: Vec<Setting> = Vec::new();
        let mut additions = Additions::default();
        for (key, (value, source)) in self.replaced {
            settings.push(Setting {
                key: key.to_owned(),
                value: value.to_string(),
                source,
            });
            insert(&mut out, key, value);
        }
        for (key, list) in self.by_name {
            let mut entries = Vec::new();
            for (name, value, source) in list {
                if matches!(source, Source::User(_)) {
                    additions.brands.push(brand_key(&name));
                }
                settings.push(Setting {
                    key: format!("{key}.{}", toml_key(&name)),
                    value: value.to_string(),
                    source,
                });
                entries.push(value);
            }
            if !entries.is_empty() {
                insert(&mut out, key, toml::Value::Array(entries));
            }
        }
        for (key, list) in self.added {
            if key == "detection.trusted_hosts" {
                additions.trusted = list
                    .iter()
                    .filter(|(_, s)| matches!(s, Source::User(_)))
                    .map(|(v, _)| v.clone())
                    .collect();
            }
            for (v, source) in &list {
                settings.push(Setting {
                    key: key.to_owned(),
                    value: toml_value(v),
                    source: source.clone(),
                });
            }
            if !list.is_empty() {
                let values = list.into_iter().map(|(v, _)| toml::Value::String(v));
                insert(&mut out, key, toml::Value::Array(values.collect()));
            }
        }
        for (key, per_entry) in self.added_each {
            if per_entry.is_empty() {
                continue;
            }
            let mut merged = toml::Table::new();
            for (entry, list) in per_entry {
                for (w, source) in &list {
                    settings.push(Setting {
                        key: format!("{key}.{entry}"),
                        value: toml_value(w),
                        source: source.clone(),
                    });
                }
                let values = list.into_iter().map(|(w, _)| toml::Value::String(w));
                merged.insert(entry, toml::Value::Array(values.collect()));
            }
            insert(&mut out, key, toml::Value::Table(merged));
        }
        for (key, map) in self.each {
            let mut merged = toml::Table::new();
            for (k, (v, source)) in map {
                settings.push(Setting {
                    key: format!("{key}.{k}"),
                    value: v.to_string(),
                    source,
                });
                merged.insert(k, v);
            }
            insert(&mut out, key, toml::Value::Table(merged));
        }
        let file = match toml::Value::Table(out).try_into::<PolicyFile>() {
            Ok(file) => file,
            Err(e) => {
                problems.push(format!(
                    "the layers cannot be combined ({e}); please report this bug"
                ));
                PolicyFile::default()
            }
        };
        (file, settings, additions)
    }
}

/// The value at a dotted `path` in `table`, if set.
fn lookup<'t>(table: &'t toml::Table, path: &str) -> Option<&'t toml::Value> {
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// Set the value at a dotted `path` in `table`, making the tables on the way.
fn insert(table: &mut toml::Table, path: &str, value: toml::Value) {
    match path.split_once('.') {
        None => {
            table.insert(path.to_owned(), value);
        }
        Some((first, rest)) => {
            let inner = table
                .entry(first)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = inner {
                insert(t, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(source: Source, text: &str) -> Layer {
        Layer {
            source,
            file: crate::policy::parse_file(text, "p.toml").unwrap(),
        }
    }

    fn as_toml(file: &PolicyFile) -> toml::Value {
        toml::Value::try_from(file).unwrap()
    }

    /// A layer merged alone comes out as it went in: no key is dropped
    /// (the failure a key left out of a hand-written merge had).
    #[test]
    fn one_layer_keeps_every_key() {
        let text = include_str!("../../packaging/policies/complete.toml");
        let managed = Source::Managed(PathBuf::from("/etc/secondlook/policy.toml"));
        let mut layers = vec![layer(managed, text)];
        let before = as_toml(&layers[0].file);
        let mut problems = Vec::new();
        let (file, settings, _) = merge(&mut layers, true, &mut problems);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(as_toml(&file), before);
        assert!(settings.iter().all(Setting::locked));
    }

    /// Only lockable keys lock: a managed list the user may add to does not.
    #[test]
    fn only_lockable_keys_are_locked() {
        let managed = Source::Managed(PathBuf::from("/etc/secondlook/policy.toml"));
        let text = "[organization]\nname = \"Acme\"\n[detection]\ntrusted_hosts = [\"acme.service-now.com\"]\n";
        let mut layers = vec![layer(managed, text)];
        let (file, settings, _) = merge(&mut layers, true, &mut Vec::new());
        let policy = Policy::compile(file, "merged").unwrap();
        let e = Effective {
            policy,
            settings,
            problems: Vec::new(),
            layers: Vec::new(),
            feed: None,
        };
        assert!(e.is_locked("organization.name"));
        assert!(!e.is_locked("detection.trusted_hosts"));
        assert!(
            e.settings
                .iter()
                .any(|s| s.key == "detection.trusted_hosts" && s.locked()),
            "the value is still shown as the organisation's"
        );
    }
}
