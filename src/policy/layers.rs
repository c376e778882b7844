//! The effective policy: built-in default < user policy < managed policy.
//!
//! - **Where**: managed files are IT's (`/etc/secondlook/policy.toml` then
//!   `/etc/secondlook/policy.d/*.toml` in name order on Linux;
//!   `%ProgramData%\SecondLook\policy.toml` on Windows;
//!   `/Library/Application Support/SecondLook/policy.toml` on macOS). The user
//!   file is `policy.toml` in the user's config directory. The environment
//!   variables `SECONDLOOK_MANAGED_POLICY` and `SECONDLOOK_USER_POLICY` (a file
//!   or a directory) replace these locations, for tests and IT trials.
//! - **Who wins**: a key set by a higher layer replaces the lower one's, so a
//!   key set by a managed file cannot be changed by the user. Brands, trusted
//!   hosts, combo keywords, lure words and indicators are added up: a user can add their
//!   own, never remove the organisation's. With a managed layer present, the
//!   user's `[detection] severity` and `disabled` (which could only weaken
//!   protection) are ignored, and that is said.
//! - **Never less protection**: a layer that is broken or unreadable is
//!   reported loudly and replaced by its last valid version, kept in the data
//!   directory (`SECONDLOOK_DATA_DIR` overrides it).
//! - **Reloading**: [`Fingerprint`] says cheaply when any layer file changed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{BrandSection, Policy, PolicyFile, parse_file};

/// Where a layer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `assets/default-policy.toml`, compiled in.
    Builtin,
    /// The user's own file.
    User(PathBuf),
    /// A file written by IT.
    Managed(PathBuf),
}

impl Source {
    /// Values from this source cannot be changed by the user.
    pub fn is_managed(&self) -> bool {
        matches!(self, Source::Managed(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Builtin => f.write_str("built-in default"),
            Source::User(p) => write!(f, "user: {}", p.display()),
            Source::Managed(p) => write!(f, "managed: {}", p.display()),
        }
    }
}

/// The files each layer is read from.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// IT's files, in the order they apply (later wins).
    pub managed: Vec<PathBuf>,
    /// The user's files.
    pub user: Vec<PathBuf>,
    /// Where last valid copies are kept; `None`: not kept.
    pub data_dir: Option<PathBuf>,
}

/// Environment variable replacing the managed policy location.
pub const MANAGED_ENV: &str = "SECONDLOOK_MANAGED_POLICY";
/// Environment variable replacing the user policy location.
pub const USER_ENV: &str = "SECONDLOOK_USER_POLICY";
/// Environment variable replacing the data directory.
pub const DATA_ENV: &str = "SECONDLOOK_DATA_DIR";

impl Locations {
    /// The locations for this machine and user, with the environment
    /// overrides applied.
    pub fn from_environment() -> Locations {
        let dirs = directories::ProjectDirs::from("", "", "SecondLook");
        let managed = match std::env::var_os(MANAGED_ENV) {
            Some(p) => expand(Path::new(&p)),
            None => expand(&default_managed_dir()),
        };
        let user = match std::env::var_os(USER_ENV) {
            Some(p) => expand(Path::new(&p)),
            None => dirs
                .as_ref()
                .map(|d| d.config_dir().join("policy.toml"))
                .filter(|p| p.exists())
                .into_iter()
                .collect(),
        };
        let data_dir = std::env::var_os(DATA_ENV)
            .map(PathBuf::from)
            .or_else(|| dirs.map(|d| d.data_dir().to_owned()));
        Locations {
            managed,
            user,
            data_dir,
        }
    }
}

/// The file `secondlook policy install` writes: `policy.toml` in the
/// managed directory (or `SECONDLOOK_MANAGED_POLICY` when it names a file
/// or a directory).
pub fn managed_policy_file() -> PathBuf {
    let base = std::env::var_os(MANAGED_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(default_managed_dir);
    if base.extension().is_some_and(|e| e == "toml") {
        base
    } else {
        base.join("policy.toml")
    }
}

/// Copy `from` to `to` atomically (temporary file in the same directory,
/// fsync, rename): the app never reads half a policy.
pub fn install_managed(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::io::Write as _;
    let text = std::fs::read(from)?;
    let dir = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(".policy.toml.installing");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, to)
}

fn default_managed_dir() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base).join("SecondLook")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/SecondLook")
    } else {
        PathBuf::from("/etc/secondlook")
    }
}

/// A file stands for itself; a directory for its `policy.toml` and then its
/// `policy.d/*.toml` in name order. Missing paths give nothing.
pub fn expand(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    let main = path.join("policy.toml");
    if main.is_file() {
        out.push(main);
    }
    if let Ok(entries) = std::fs::read_dir(path.join("policy.d")) {
        let mut extra: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .collect();
        extra.sort();
        out.extend(extra);
    }
    out
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
}

struct Layer {
    source: Source,
    file: PolicyFile,
}

/// Read every layer and merge them. Never fails: broken layers are replaced
/// by their last valid copy (or left out) and reported in `problems`.
pub fn load(locations: &Locations) -> Effective {
    let mut problems = Vec::new();
    let mut layers = Vec::new();
    match parse_file(super::BUILTIN_POLICY, super::BUILTIN_SOURCE) {
        Ok(file) => layers.push(Layer {
            source: Source::Builtin,
            file,
        }),
        Err(e) => problems.push(format!(
            "the built-in policy is broken ({e}); please report this bug"
        )),
    }
    for path in &locations.user {
        if let Some(l) = read_layer(Source::User(path.clone()), locations, &mut problems) {
            layers.push(l);
        }
    }
    let managed_present = !locations.managed.is_empty();
    for path in &locations.managed {
        if let Some(l) = read_layer(Source::Managed(path.clone()), locations, &mut problems) {
            layers.push(l);
        }
    }
    let (file, settings) = merge(&mut layers, managed_present, &mut problems);
    let names: Vec<String> = layers.iter().map(|l| l.source.to_string()).collect();
    let source = format!("effective policy ({})", names.join(" < "));
    let policy = match Policy::compile(file, &source) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!(
                "the layers do not combine ({e}); using the built-in default policy only"
            ));
            match Policy::builtin() {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("the built-in policy is broken ({e})"));
                    empty_policy()
                }
            }
        }
    };
    Effective {
        policy,
        settings,
        problems,
        layers: layers.into_iter().map(|l| l.source).collect(),
    }
}

fn empty_policy() -> Policy {
    Policy::empty("empty policy")
}

fn read_layer(source: Source, locations: &Locations, problems: &mut Vec<String>) -> Option<Layer> {
    let path = match &source {
        Source::User(p) | Source::Managed(p) => p.clone(),
        Source::Builtin => return None,
    };
    let loud = if source.is_managed() {
        "Your organisation's policy"
    } else {
        "Your own policy"
    };
    let failure = match std::fs::read_to_string(&path) {
        Ok(text) => match parse_file(&text, &path.display().to_string()) {
            Ok(file) => {
                if let Err(e) = remember(locations, &source, &text) {
                    problems.push(format!(
                        "could not keep a copy of {} as the last valid version: {e}",
                        path.display()
                    ));
                }
                return Some(Layer { source, file });
            }
            Err(e) => format!("{loud} {} has problems:\n{e}", path.display()),
        },
        Err(e) => format!("{loud} {} cannot be read: {e}", path.display()),
    };
    match last_valid(locations, &source) {
        Some(file) => {
            problems.push(format!(
                "{failure}\nProtection continues with the last valid version of this file."
            ));
            Some(Layer { source, file })
        }
        None => {
            problems.push(format!("{failure}\nThere is no earlier valid version; this file is left out until it is fixed."));
            None
        }
    }
}

/// Where the last valid copy of a layer file is kept.
fn copy_path(locations: &Locations, source: &Source) -> Option<PathBuf> {
    let dir = locations.data_dir.as_ref()?.join("last-valid-policy");
    let (kind, path) = match source {
        Source::User(p) => ("user", p),
        Source::Managed(p) => ("managed", p),
        Source::Builtin => return None,
    };
    let name: String = path
        .display()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(dir.join(format!("{kind}-{name}")))
}

/// Keep `text` as the last valid version (write to a temporary file, sync, rename).
fn remember(locations: &Locations, source: &Source, text: &str) -> std::io::Result<()> {
    let Some(path) = copy_path(locations, source) else {
        return Ok(());
    };
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)
}

fn last_valid(locations: &Locations, source: &Source) -> Option<PolicyFile> {
    let path = copy_path(locations, source)?;
    let text = std::fs::read_to_string(&path).ok()?;
    parse_file(&text, &path.display().to_string()).ok()
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

/// Merge layers (lowest first) key by key; record each value's source.
fn merge(
    layers: &mut [Layer],
    managed_present: bool,
    problems: &mut Vec<String>,
) -> (PolicyFile, Vec<Setting>) {
    let mut out = PolicyFile::default();
    let mut scalar: BTreeMap<&'static str, (String, Source)> = BTreeMap::new();
    let mut brands: Vec<(BrandSection, Source)> = Vec::new();
    let mut lists: BTreeMap<&'static str, Vec<(String, Source)>> = BTreeMap::new();
    let mut maps: BTreeMap<&'static str, BTreeMap<String, (String, Source)>> = BTreeMap::new();
    // `[detection] lure_words`: added up per language, like the lists.
    let mut lure_words: BTreeMap<String, Vec<(String, Source)>> = BTreeMap::new();

    macro_rules! take {
        ($key:literal, $dst:expr, $src:expr, $source:expr) => {
            if let Some(v) = $src.take() {
                scalar.insert($key, (toml_value(&v), $source.clone()));
                $dst = Some(v);
            }
        };
    }
    for layer in layers.iter_mut() {
        let source = layer.source.clone();
        let f = &mut layer.file;
        // An exhaustive destructure: a new key that is not merged is a compile error.
        let PolicyFile {
            organization,
            brand,
            detection,
            indicators,
            report,
            desktop,
        } = f;
        take!(
            "organization.name",
            out.organization.name,
            organization.name,
            source
        );
        take!(
            "organization.never_ask",
            out.organization.never_ask,
            organization.never_ask,
            source
        );
        take!(
            "organization.sign_in",
            out.organization.sign_in,
            organization.sign_in,
            source
        );
        take!(
            "organization.help_contact",
            out.organization.help_contact,
            organization.help_contact,
            source
        );
        take!(
            "organization.help_phone",
            out.organization.help_phone,
            organization.help_phone,
            source
        );
        take!(
            "organization.help_url",
            out.organization.help_url,
            organization.help_url,
            source
        );
        take!(
            "organization.logo",
            out.organization.logo,
            organization.logo,
            source
        );
        take!(
            "organization.color",
            out.organization.color,
            organization.color,
            source
        );
        take!("report.email", out.report.email, report.email, source);
        take!("report.smtp", out.report.smtp, report.smtp, source);
        take!("report.webhook", out.report.webhook, report.webhook, source);
        take!(
            "desktop.watch_clipboard",
            out.desktop.watch_clipboard,
            desktop.watch_clipboard,
            source
        );
        take!(
            "desktop.start_at_login",
            out.desktop.start_at_login,
            desktop.start_at_login,
            source
        );
        take!("desktop.notify", out.desktop.notify, desktop.notify, source);
        for b in brand.drain(..) {
            match brands
                .iter_mut()
                .find(|(x, _)| x.name.eq_ignore_ascii_case(&b.name))
            {
                Some(slot) => *slot = (b, source.clone()),
                None => brands.push((b, source.clone())),
            }
        }
        let additive: [(&'static str, Option<Vec<String>>); 4] = [
            ("detection.trusted_hosts", detection.trusted_hosts.take()),
            ("detection.combo_keywords", detection.combo_keywords.take()),
            ("indicators.blocked", indicators.blocked.take()),
            ("indicators.training", indicators.training.take()),
        ];
        for (key, values) in additive {
            let list = lists.entry(key).or_default();
            for v in values.unwrap_or_default() {
                if !list.iter().any(|(x, _)| *x == v) {
                    list.push((v, source.clone()));
                }
            }
        }
        for (lang, words) in detection.lure_words.take().unwrap_or_default() {
            let list = lure_words.entry(lang).or_default();
            for w in words {
                if !list.iter().any(|(x, _)| *x == w) {
                    list.push((w, source.clone()));
                }
            }
        }
        let weakening: [(&'static str, Option<BTreeMap<String, String>>); 2] = [
            ("detection.severity", detection.severity.take()),
            ("detection.disabled", detection.disabled.take()),
        ];
        for (key, entries) in weakening {
            let Some(entries) = entries else { continue };
            if managed_present && matches!(source, Source::User(_)) {
                problems.push(format!(
                    "{key} in your own policy ({}) is ignored: your organisation manages this computer's policy",
                    source
                ));
                continue;
            }
            let map = maps.entry(key).or_default();
            for (k, v) in entries {
                map.insert(k, (v, source.clone()));
            }
        }
    }

    let mut settings: Vec<Setting> = scalar
        .into_iter()
        .map(|(key, (value, source))| Setting {
            key: key.to_owned(),
            value,
            source,
        })
        .collect();
    for (b, source) in &brands {
        settings.push(Setting {
            key: format!("brand.{}", toml_key(&b.name)),
            value: toml_value(b),
            source: source.clone(),
        });
    }
    out.brand = brands.into_iter().map(|(b, _)| b).collect();
    for (key, list) in lists {
        let values: Vec<String> = list.iter().map(|(v, _)| v.clone()).collect();
        for (v, source) in &list {
            settings.push(Setting {
                key: key.to_owned(),
                value: toml_value(v),
                source: source.clone(),
            });
        }
        let values = (!values.is_empty()).then_some(values);
        match key {
            "detection.trusted_hosts" => out.detection.trusted_hosts = values,
            "detection.combo_keywords" => out.detection.combo_keywords = values,
            "indicators.blocked" => out.indicators.blocked = values,
            _ => out.indicators.training = values,
        }
    }
    if !lure_words.is_empty() {
        let mut merged = BTreeMap::new();
        for (lang, list) in lure_words {
            for (w, source) in &list {
                settings.push(Setting {
                    key: format!("detection.lure_words.{lang}"),
                    value: toml_value(w),
                    source: source.clone(),
                });
            }
            merged.insert(lang, list.into_iter().map(|(w, _)| w).collect());
        }
        out.detection.lure_words = Some(merged);
    }
    for (key, map) in maps {
        for (k, (v, source)) in &map {
            settings.push(Setting {
                key: format!("{key}.{k}"),
                value: toml_value(v),
                source: source.clone(),
            });
        }
        let values: BTreeMap<String, String> = map.into_iter().map(|(k, (v, _))| (k, v)).collect();
        if key == "detection.severity" {
            out.detection.severity = Some(values);
        } else {
            out.detection.disabled = Some(values);
        }
    }
    (out, settings)
}

/// What the layer files look like now (names, sizes, modification times):
/// compare two to know, cheaply, whether the policy must be re-read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<(PathBuf, Option<FileStamp>)>);

/// Size and modification time of one file.
type FileStamp = (u64, Option<SystemTime>);

impl Fingerprint {
    /// Take the fingerprint of the files `locations` names. Pass locations
    /// re-read with [`Locations::from_environment`] to notice new files in
    /// `policy.d`.
    pub fn of(locations: &Locations) -> Fingerprint {
        Fingerprint(
            locations
                .managed
                .iter()
                .chain(&locations.user)
                .map(|p| {
                    let meta = std::fs::metadata(p)
                        .ok()
                        .map(|m| (m.len(), m.modified().ok()));
                    (p.clone(), meta)
                })
                .collect(),
        )
    }
}

impl Effective {
    /// "Set by your organisation": the key's value comes from a managed file.
    pub fn is_locked(&self, key: &str) -> bool {
        self.settings.iter().any(|s| s.key == key && s.locked())
    }
}

/// Check files as IT would before deploying: every problem of every file.
pub fn check_files(paths: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::read_to_string(p) {
            Ok(text) => out.extend(
                super::validate::check(&text, &p.display().to_string())
                    .iter()
                    .map(ToString::to_string),
            ),
            Err(e) => out.push(format!(
                "{}: cannot be read ({e}); check the path and permissions",
                p.display()
            )),
        }
    }
    out
}

/// Re-reads the policy when any layer file changes: call [`Watcher::poll`]
/// every few seconds (a few `stat` calls; nothing is read unless something
/// changed). Locations are re-computed on each poll, so a file added to
/// `policy.d` or a newly created user policy is noticed.
pub struct Watcher {
    locate: Box<dyn Fn() -> Locations + Send>,
    last: Fingerprint,
}

impl Watcher {
    /// Start watching; returns the watcher and the policy as it is now.
    pub fn new(locate: impl Fn() -> Locations + Send + 'static) -> (Watcher, Effective) {
        let locations = locate();
        let last = Fingerprint::of(&locations);
        let effective = load(&locations);
        (
            Watcher {
                locate: Box::new(locate),
                last,
            },
            effective,
        )
    }

    /// The new effective policy if any layer file changed since the last call.
    pub fn poll(&mut self) -> Option<Effective> {
        let locations = (self.locate)();
        let now = Fingerprint::of(&locations);
        if now == self.last {
            return None;
        }
        self.last = now;
        Some(load(&locations))
    }
}
