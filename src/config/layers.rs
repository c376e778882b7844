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

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use super::merge::{Effective, Setting, Source};
use super::merge::{Layer, merge};
use super::platform::{Converted, Kind};
use super::read_policy_text;
use crate::policy::{Policy, PolicyFile, parse_file};

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
            // Group Policy and configuration profiles after the files: they win.
            None => [expand(&default_managed_dir()), platform_managed()].concat(),
        };
        let user = match std::env::var_os(USER_ENV) {
            Some(p) => expand(Path::new(&p)),
            None => dirs
                .as_ref()
                .map(|d| d.config_dir().join("policy.toml"))
                .filter(|p| p.exists())
                .into_iter()
                .chain(platform_user())
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

/// The managed layers IT deployed with the platform's tools, present on
/// this machine: `HKLM\SOFTWARE\Policies\SecondLook` on Windows; the
/// managed preferences of a configuration profile on macOS.
fn platform_managed() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if cfg!(windows)
        && matches!(
            super::registry::read(super::registry::Hive::Machine),
            Ok(Some(_)) | Err(_)
        )
    {
        out.push(PathBuf::from(super::registry::MACHINE_KEY));
    }
    if cfg!(target_os = "macos") {
        out.extend(super::managed_prefs::present());
    }
    out
}

/// `HKCU\SOFTWARE\Policies\SecondLook` on Windows, when it holds anything.
fn platform_user() -> Vec<PathBuf> {
    if cfg!(windows)
        && matches!(
            super::registry::read(super::registry::Hive::User),
            Ok(Some(_)) | Err(_)
        )
    {
        vec![PathBuf::from(super::registry::USER_KEY)]
    } else {
        Vec::new()
    }
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

/// Read every layer and merge them. Never fails: broken layers are replaced
/// by their last valid copy (or left out) and reported in `problems`.
pub fn load(locations: &Locations) -> Effective {
    let mut problems = Vec::new();
    let mut layers = Vec::new();
    match parse_file(crate::policy::BUILTIN_POLICY, crate::policy::BUILTIN_SOURCE) {
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
    let feed = feed_config(&layers, &mut problems);
    if let Some(config) = &feed {
        let (file, feed_problems) = crate::feed::layer(locations.data_dir.as_deref(), config);
        problems.extend(feed_problems);
        if let Some(file) = file {
            layers.push(Layer {
                source: Source::Feed(config.url.clone()),
                file,
            });
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
            // not expected; if it happens, the user's layers and the feed go
            // first: the organisation's policy files stay in force.
            let mut without_user: Vec<Layer> = all
                .into_iter()
                .filter(|l| !matches!(l.source, Source::User(_) | Source::Feed(_)))
                .collect();
            used = without_user.iter().map(|l| l.source.clone()).collect();
            let (file, settings, _) = merge(&mut without_user, managed_present, &mut Vec::new());
            match Policy::compile(file, &describe(&used)) {
                Ok(p) => {
                    problems.push(format!(
                        "the layers do not combine ({e}); your own policy and the indicator feed are left out, your organisation's policy stays in force"
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
        feed,
    }
}

/// The `[feed]` settings of the managed layers (a later file wins key by
/// key). `None` without both `url` and `public_key`.
fn feed_config(layers: &[Layer], problems: &mut Vec<String>) -> Option<crate::feed::FeedConfig> {
    let mut f = crate::policy::FeedSection::default();
    for l in layers.iter().filter(|l| l.source.is_managed()) {
        let s = &l.file.feed;
        f.url = s.url.clone().or(f.url);
        f.signature_url = s.signature_url.clone().or(f.signature_url);
        f.public_key = s.public_key.clone().or(f.public_key);
        f.interval_minutes = s.interval_minutes.or(f.interval_minutes);
    }
    match (f.url, f.public_key) {
        (Some(url), Some(public_key)) => Some(crate::feed::FeedConfig {
            signature_url: f.signature_url.unwrap_or_else(|| format!("{url}.minisig")),
            url,
            public_key,
            interval_minutes: f
                .interval_minutes
                .unwrap_or(crate::feed::DEFAULT_INTERVAL_MINUTES),
        }),
        (Some(url), None) => {
            problems.push(format!("Your organisation's policy names the indicator feed {url} but no feed.public_key to check its signature: the feed is not fetched. Add feed.public_key (the RW… line of the feed's .pub file)."));
            None
        }
        (None, Some(_)) => {
            problems.push("Your organisation's policy sets feed.public_key but no feed.url: no feed is fetched.".into());
            None
        }
        (None, None) => None,
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
        Source::Builtin | Source::Feed(_) => return None,
    };
    let loud = if source.is_managed() {
        "Your organisation's policy"
    } else {
        "Your own policy"
    };
    let previous = last_valid(locations, &source);
    let read = match read_layer_text(&path) {
        Ok(Some(read)) => Ok(read),
        // A platform layer with nothing set: no layer, quietly.
        Ok(None) => return None,
        Err(why) => Err(why),
    };
    let failure = match read {
        Ok((text, converted)) => {
            match check_layer(&text, &path, &source, previous.as_ref(), converted.as_ref()) {
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
            }
        }
        Err(why) => format!("{loud} {} {why}", path.display()),
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

/// A layer's TOML text: a file's, or a platform layer's converted to TOML
/// (with where each line was set). `Ok(None)`: a platform layer with
/// nothing set. `Err` says why it cannot be read, after the layer's name.
fn read_layer_text(path: &Path) -> Result<Option<(String, Option<Converted>)>, String> {
    let converted = match Kind::of(path) {
        Kind::File => {
            return read_policy_text(path)
                .map(|text| Some((text, None)))
                .map_err(|e| format!("cannot be read: {e}"));
        }
        Kind::Registry => match super::registry::Hive::of(&path.to_string_lossy()) {
            Some(hive) => super::registry::read_converted(hive)?,
            None => None,
        },
        Kind::ManagedPreferences => super::managed_prefs::read_converted(path)?,
    };
    Ok(converted.map(|c| (c.text.clone(), Some(c))))
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
    converted: Option<&Converted>,
) -> Result<PolicyFile, String> {
    let name = path.display().to_string();
    if source.is_managed() && text.is_empty() && converted.is_none() {
        return Err("is empty (0 bytes), as a failed copy or a full disk leaves a file. To remove your organisation's policy, delete the file; to keep it without brands, write `brand = []` in it.".into());
    }
    let file = parse_file(text, &name).map_err(|e| match (converted, &e) {
        (Some(c), crate::policy::PolicyError::Problems { problems }) => format!(
            "has problems:\n{}",
            problems
                .iter()
                .map(|p| c.relocate(p))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        _ => format!("has problems:\n{e}"),
    })?;
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
        Source::Builtin | Source::Feed(_) => return None,
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
                .cloned()
                .chain(
                    locations
                        .data_dir
                        .iter()
                        .flat_map(|d| crate::feed::Store::new(d).files()),
                )
                .map(|p| {
                    let meta = match Kind::of(&p) {
                        // A registry key has no size or time for its whole
                        // tree: a hash of what it holds stands for both.
                        Kind::Registry => registry_stamp(&p),
                        _ => std::fs::metadata(&p)
                            .ok()
                            .map(|m| (m.len(), m.modified().ok())),
                    };
                    (p, meta)
                })
                .collect(),
        )
    }
}

fn registry_stamp(path: &Path) -> Option<FileStamp> {
    use std::hash::{Hash, Hasher};
    let hive = super::registry::Hive::of(&path.to_string_lossy())?;
    let tree = super::registry::read(hive).ok()??;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{tree:?}").hash(&mut h);
    Some((h.finish(), None))
}

/// Check files as IT would before deploying: every problem of every file.
pub fn check_files(paths: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        if Kind::of(p) == Kind::ManagedPreferences {
            // A profile's settings as a plist: the same checks, named at the key.
            match super::managed_prefs::read_converted(p) {
                Ok(Some(c)) => out.extend(
                    crate::policy::validate::check(&c.text, &p.display().to_string())
                        .iter()
                        .map(|problem| c.relocate(problem)),
                ),
                Ok(None) => {}
                Err(why) => out.push(format!("{} {why}", p.display())),
            }
            continue;
        }
        match read_policy_text(p) {
            Ok(text) => out.extend(
                crate::policy::validate::check(&text, &p.display().to_string())
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
