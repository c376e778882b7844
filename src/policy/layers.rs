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
//! - **Never less protection**: a layer that is broken, unreadable, not a
//!   regular file (a directory, a dangling link, a loop), over 1 MiB, or (for
//!   IT's files) suspiciously empty (0 bytes; nothing or no `[[brand]]` where
//!   its last valid version had some) is reported loudly and replaced by its
//!   last valid version, kept in the data directory (`SECONDLOOK_DATA_DIR`
//!   overrides it). Each layer is checked on its own, so a broken user file
//!   is dropped alone. Only a file that is not there at all means "no
//!   policy"; `brand = []` empties the brands on purpose.
//! - **The user only adds**: a user brand named like a protected brand adds
//!   the user's own trusted sites, not that brand's domains; user trusted
//!   hosts and brand domains that the link rules flag as a managed brand's
//!   lookalike are left out; `detection.user_additions = false` (managed)
//!   ignores the user's brands, trusted hosts and training domains.
//! - **Reloading**: [`Fingerprint`] says cheaply when any layer file changed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{BrandSection, Policy, PolicyFile, brand_key, parse_file, read_policy_text};

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
/// `policy.d/*.toml` in name order. Only what is missing (no entry at all,
/// not even a symbolic link) gives nothing: a directory, a dangling link, a
/// link loop or an unreadable entry where a policy file belongs is returned,
/// so that reading it fails loudly instead of silently meaning "no policy".
pub fn expand(path: &Path) -> Vec<PathBuf> {
    if !entry_exists(path) {
        return Vec::new();
    }
    let named_like_a_file = path.extension().is_some_and(|e| e == "toml");
    if path.is_file() || !path.is_dir() || named_like_a_file {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    let main = path.join("policy.toml");
    if entry_exists(&main) {
        out.push(main);
    }
    let dir = path.join("policy.d");
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            let mut extra: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            extra.sort();
            out.extend(extra);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !entry_exists(&dir) => {}
        // There, but not a directory that can be listed: report it.
        Err(_) => out.push(dir),
    }
    out
}

/// Something is at `path` (a file, a directory, any symbolic link, even a
/// dangling one), or it cannot be told because the directory is unreadable.
fn entry_exists(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(_) => true,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
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
}

#[derive(Clone)]
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
        if path.file_name().is_some_and(|n| n == "policy.d") {
            // `expand` gives the directory itself only when it cannot be listed.
            layers.extend(read_unlisted_dir(path, locations, &mut problems));
        } else if let Some(l) = read_layer(Source::Managed(path.clone()), locations, &mut problems)
        {
            layers.push(l);
        }
    }
    let all = layers.clone();
    let (file, settings, additions) = merge(&mut layers, managed_present, &mut problems);
    let mut used: Vec<Source> = all.iter().map(|l| l.source.clone()).collect();
    let (policy, settings) = match Policy::compile(file, &describe(&used)) {
        Ok(mut p) => {
            p.mark_user_additions(&additions.trusted, &additions.brands);
            (p, settings)
        }
        Err(e) => {
            // Each layer compiles on its own (checked when read), so this is
            // not expected; if it happens, the user's layers go first: the
            // organisation's policy stays in force.
            let mut without_user: Vec<Layer> = all
                .into_iter()
                .filter(|l| !matches!(l.source, Source::User(_)))
                .collect();
            used = without_user.iter().map(|l| l.source.clone()).collect();
            let (file, settings, _) = merge(&mut without_user, managed_present, &mut Vec::new());
            match Policy::compile(file, &describe(&used)) {
                Ok(p) => {
                    problems.push(format!(
                        "the layers do not combine ({e}); your own policy is left out, your organisation's policy stays in force"
                    ));
                    (p, settings)
                }
                Err(e2) => {
                    problems.push(format!(
                        "the layers do not combine ({e}; {e2}); using the built-in default policy only"
                    ));
                    used = vec![Source::Builtin];
                    match Policy::builtin() {
                        Ok(p) => (p, Vec::new()),
                        Err(e) => {
                            problems.push(format!("the built-in policy is broken ({e})"));
                            (empty_policy(), Vec::new())
                        }
                    }
                }
            }
        }
    };
    Effective {
        policy,
        settings,
        problems,
        layers: used,
    }
}

fn describe(layers: &[Source]) -> String {
    let names: Vec<String> = layers.iter().map(ToString::to_string).collect();
    format!("effective policy ({})", names.join(" < "))
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
    let previous = last_valid(locations, &source);
    let failure = match read_policy_text(&path) {
        Ok(text) => match check_layer(&text, &path, &source, previous.as_ref()) {
            Ok(file) => {
                // An empty file never replaces the last valid copy.
                if !text.trim().is_empty()
                    && let Err(e) = remember(locations, &source, &text)
                {
                    problems.push(format!(
                        "could not keep a copy of {} as the last valid version: {e}",
                        path.display()
                    ));
                }
                return Some(Layer { source, file });
            }
            Err(why) => format!("{loud} {} {why}", path.display()),
        },
        Err(e) => format!("{loud} {} cannot be read: {e}", path.display()),
    };
    match previous {
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

/// A managed `policy.d` that cannot be listed (unreadable, a loop, not a
/// directory): its files' last valid copies, in name order, stay in force.
fn read_unlisted_dir(dir: &Path, locations: &Locations, problems: &mut Vec<String>) -> Vec<Layer> {
    let why = match read_policy_text(dir) {
        Err(e) => e.to_string(),
        Ok(_) => "it is a file, not a directory".to_owned(),
    };
    let mut copies: Vec<PathBuf> = Vec::new();
    if let Some(prefix) = copy_path(locations, &Source::Managed(dir.to_owned())).and_then(|p| {
        Some((
            p.parent()?.to_owned(),
            p.file_name()?.to_string_lossy().into_owned(),
        ))
    }) {
        let (copy_dir, name) = prefix;
        let name = format!("{name}_");
        if let Ok(entries) = std::fs::read_dir(&copy_dir) {
            copies = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(&name))
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
        }
    }
    copies.sort();
    let mut out = Vec::new();
    for copy in &copies {
        let Ok(text) = read_policy_text(copy) else {
            continue;
        };
        let name = copy.display().to_string();
        if let Ok(file) = parse_file(&text, &name)
            && Policy::compile(file.clone(), &name).is_ok()
        {
            out.push(Layer {
                source: Source::Managed(dir.to_owned()),
                file,
            });
        }
    }
    problems.push(if out.is_empty() {
        format!("Your organisation's policy directory {} cannot be read: {why}\nThere is no earlier valid version of its files; they are left out until it is fixed.", dir.display())
    } else {
        format!("Your organisation's policy directory {} cannot be read: {why}\nProtection continues with the last valid versions of the {} file{} it held.", dir.display(), out.len(), if out.len() == 1 { "" } else { "s" })
    });
    out
}

/// A layer's text, checked on its own: it parses, it compiles alone (so one
/// layer's fault can never stop the others combining), and, for a managed
/// file, it is not suspiciously empty compared with its last valid version.
/// `Err` says what is wrong, after the file's name.
fn check_layer(
    text: &str,
    path: &Path,
    source: &Source,
    previous: Option<&PolicyFile>,
) -> Result<PolicyFile, String> {
    let name = path.display().to_string();
    if source.is_managed() && text.is_empty() {
        return Err("is empty (0 bytes), as a failed copy or a full disk leaves a file. To remove your organisation's policy, delete the file; to keep it without brands, write `brand = []` in it.".into());
    }
    let file = parse_file(text, &name).map_err(|e| format!("has problems:\n{e}"))?;
    Policy::compile(file.clone(), &name).map_err(|e| format!("has problems:\n{e}"))?;
    if let (true, Some(before)) = (source.is_managed(), previous) {
        let table: toml::Table = toml::from_str(text).unwrap_or_default();
        if table.is_empty() && sets_something(before) {
            return Err("sets nothing, although its last valid version did: a truncated or half-written file looks like this. To remove your organisation's policy, delete the file.".into());
        }
        if !table.contains_key("brand") && !before.brand.is_empty() {
            let names: Vec<&str> = before
                .brand
                .iter()
                .map(|b| b.name.as_str())
                .take(5)
                .collect();
            return Err(format!(
                "lists no [[brand]], although its last valid version protected {} ({}): a truncated or half-written file looks like this. To remove every brand on purpose, write `brand = []` in the file.",
                before.brand.len(),
                names.join(", ")
            ));
        }
    }
    Ok(file)
}

/// The file sets at least one key.
fn sets_something(file: &PolicyFile) -> bool {
    toml::Value::try_from(file)
        .ok()
        .and_then(|v| {
            v.as_table().map(|t| {
                t.values().any(|v| match v {
                    toml::Value::Table(t) => !t.is_empty(),
                    toml::Value::Array(a) => !a.is_empty(),
                    _ => true,
                })
            })
        })
        .unwrap_or(true)
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
    if text.len() as u64 > super::MAX_POLICY_BYTES {
        return Err(std::io::Error::other(
            "it is larger than the 1 MiB limit for policy files",
        ));
    }
    if read_policy_text(&path).is_ok_and(|old| old == text) {
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
    let text = read_policy_text(&path).ok()?;
    let name = path.display().to_string();
    let file = parse_file(&text, &name).ok()?;
    Policy::compile(file.clone(), &name).ok()?;
    Some(file)
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
struct Additions {
    /// Trusted hosts (as written) whose only source is a user layer.
    trusted: Vec<String>,
    /// [`brand_key`]s of brands that come from a user layer.
    brands: Vec<String>,
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
fn merge(
    layers: &mut [Layer],
    managed_present: bool,
    problems: &mut Vec<String>,
) -> (PolicyFile, Vec<Setting>, Additions) {
    let mut out = PolicyFile::default();
    let mut scalar: BTreeMap<&'static str, (String, Source)> = BTreeMap::new();
    let mut brands: Vec<(BrandSection, Source)> = Vec::new();
    let mut lists: BTreeMap<&'static str, Vec<(String, Source)>> = BTreeMap::new();
    let mut maps: BTreeMap<&'static str, BTreeMap<String, (String, Source)>> = BTreeMap::new();
    // `[detection] lure_words`: added up per language, like the lists.
    let mut lure_words: BTreeMap<String, Vec<(String, Source)>> = BTreeMap::new();

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
    let normal = |h: &str| super::normalize_domain(h).unwrap_or_else(|_| h.to_owned());

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
        let is_user = matches!(source, Source::User(_));
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
        // What a user layer adds as trusted: its trusted hosts, and the
        // domains of its brands named like an existing brand.
        let mut user_trusted: Vec<String> = Vec::new();
        if is_user {
            let mut kept = Vec::new();
            for mut b in brand.drain(..) {
                let key = brand_key(&b.name);
                let existing = managed_keys.contains(&key)
                    || brands.iter().any(|(x, _)| brand_key(&x.name) == key);
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
                            "{d} in your own brand \"{}\" ({source}) is left out: {why}. Links to it are checked as usual.",
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
            let vet_trusted = |h: &str| match super::open_host_problem(&normal(h), None) {
                Some(why) => Err(why),
                None => vet(&normal(h)),
            };
            user_trusted.retain(|h| match vet_trusted(h) {
                Ok(()) => true,
                Err(why) => {
                    problems.push(format!(
                        "{h}, trusted in your own policy ({source}), is left out: {why}. Links to it are checked as usual."
                    ));
                    false
                }
            });
            detection.trusted_hosts = Some(user_trusted);
        }
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
            "organization.help_hours",
            out.organization.help_hours,
            organization.help_hours,
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
        take!("report.from", out.report.from, report.from, source);
        take!(
            "report.reporter_email",
            out.report.reporter_email,
            report.reporter_email,
            source
        );
        take!(
            "report.include_identity",
            out.report.include_identity,
            report.include_identity,
            source
        );
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
        take!(
            "detection.user_additions",
            out.detection.user_additions,
            detection.user_additions,
            source
        );
        for b in brand.drain(..) {
            let key = brand_key(&b.name);
            match brands.iter_mut().find(|(x, _)| brand_key(&x.name) == key) {
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
                // The same value in a higher layer: the higher layer's.
                match list.iter_mut().find(|(x, _)| normal(x) == normal(&v)) {
                    Some(slot) => slot.1 = source.clone(),
                    None => list.push((v, source.clone())),
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
    let mut additions = Additions::default();
    for (b, source) in &brands {
        if matches!(source, Source::User(_)) {
            additions.brands.push(brand_key(&b.name));
        }
        settings.push(Setting {
            key: format!("brand.{}", toml_key(&b.name)),
            value: toml_value(b),
            source: source.clone(),
        });
    }
    out.brand = brands.into_iter().map(|(b, _)| b).collect();
    for (key, list) in lists {
        let values: Vec<String> = list.iter().map(|(v, _)| v.clone()).collect();
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
    (out, settings, additions)
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
        match read_policy_text(p) {
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
