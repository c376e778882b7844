//! The app's settings: the user's choices (`settings.toml` in the config
//! directory) under the organisation's `[desktop]` policy section. A value
//! the managed policy sets is locked: shown, not changeable.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::policy::Policy;

/// Environment variable replacing the settings file location (tests, kiosks).
pub const SETTINGS_ENV: &str = "SECONDLOOK_SETTINGS";

/// Which verdicts raise a desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NotifyLevel {
    /// Suspicious and dangerous links (the default).
    #[default]
    Suspicious,
    /// Dangerous links only.
    Dangerous,
    /// Never; the tray icon still changes.
    Off,
}

impl NotifyLevel {
    /// Parse the policy/settings word.
    pub fn parse(s: &str) -> Option<NotifyLevel> {
        match s {
            "suspicious" => Some(NotifyLevel::Suspicious),
            "dangerous" => Some(NotifyLevel::Dangerous),
            "off" => Some(NotifyLevel::Off),
            _ => None,
        }
    }

    /// Words for the settings screen.
    pub fn label(self) -> &'static str {
        match self {
            NotifyLevel::Suspicious => "Suspicious and dangerous links",
            NotifyLevel::Dangerous => "Dangerous links only",
            NotifyLevel::Off => "Never",
        }
    }

    /// Does a link with this verdict notify?
    pub fn notifies(self, verdict: crate::Verdict) -> bool {
        use crate::Verdict;
        match self {
            NotifyLevel::Suspicious => verdict >= Verdict::Suspicious,
            NotifyLevel::Dangerous => verdict == Verdict::Dangerous,
            NotifyLevel::Off => false,
        }
    }
}

/// What the user chose; `None`: not chosen (the policy's or the built-in
/// default applies).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSettings {
    /// Watch the clipboard.
    pub watch_clipboard: Option<bool>,
    /// Start at login.
    pub start_at_login: Option<bool>,
    /// Notification level.
    pub notify: Option<NotifyLevel>,
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be written.
    #[error(
        "your settings could not be saved to {path}: {source}. Check that the folder is writable."
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl UserSettings {
    /// The settings file: `SECONDLOOK_SETTINGS`, else `settings.toml` in
    /// the user's config directory.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(SETTINGS_ENV) {
            return Some(PathBuf::from(p));
        }
        directories::ProjectDirs::from("", "", "SecondLook")
            .map(|d| d.config_dir().join("settings.toml"))
    }

    /// Read `path`; a missing or unreadable file gives the defaults (a
    /// broken settings file must not stop the protection).
    pub fn load(path: &Path) -> UserSettings {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| toml::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Write `path` (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let err = |source| SettingsError::Write {
            path: path.to_owned(),
            source,
        };
        let text = toml::to_string(self).map_err(|e| err(std::io::Error::other(e)))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

/// One setting's value and whether the organisation locked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<T> {
    /// The value in force.
    pub value: T,
    /// Set by the managed policy: the control is shown disabled.
    pub locked: bool,
}

/// The settings in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    /// Watch the clipboard.
    pub watch_clipboard: Value<bool>,
    /// Start at login.
    pub start_at_login: Value<bool>,
    /// Notification level.
    pub notify: Value<NotifyLevel>,
}

/// Managed policy (locked) > the user's choice > user or built-in policy
/// default > built-in (watch on, start at login on, notify suspicious).
/// `locked`: whether a key comes from the managed policy
/// ([`crate::policy::layers::Effective::is_locked`]).
pub fn resolve(user: &UserSettings, policy: &Policy, locked: impl Fn(&str) -> bool) -> Resolved {
    let desk = &policy.desktop;
    fn pick<T: Copy>(locked: bool, policy: Option<T>, user: Option<T>, default: T) -> Value<T> {
        let value = if locked {
            policy.unwrap_or(default)
        } else {
            user.or(policy).unwrap_or(default)
        };
        Value { value, locked }
    }
    Resolved {
        watch_clipboard: pick(
            locked("desktop.watch_clipboard"),
            desk.watch_clipboard,
            user.watch_clipboard,
            true,
        ),
        start_at_login: pick(
            locked("desktop.start_at_login"),
            desk.start_at_login,
            user.start_at_login,
            true,
        ),
        notify: pick(
            locked("desktop.notify"),
            desk.notify.and_then(|n| NotifyLevel::parse(n.as_str())),
            user.notify,
            NotifyLevel::Suspicious,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::layers::{Effective, Locations, load};

    fn effective(managed: Option<&str>, user: Option<&str>) -> (tempfile::TempDir, Effective) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut loc = Locations::default();
        if let Some(m) = managed {
            let p = dir.path().join("managed.toml");
            std::fs::write(&p, m).unwrap_or_else(|e| panic!("{e}"));
            loc.managed.push(p);
        }
        if let Some(u) = user {
            let p = dir.path().join("user.toml");
            std::fs::write(&p, u).unwrap_or_else(|e| panic!("{e}"));
            loc.user.push(p);
        }
        let eff = load(&loc);
        assert!(eff.problems.is_empty(), "{:?}", eff.problems);
        (dir, eff)
    }

    #[test]
    fn defaults_watch_start_and_notify_suspicious() {
        let (_d, eff) = effective(None, None);
        let r = resolve(&UserSettings::default(), &eff.policy, |k| eff.is_locked(k));
        assert_eq!(
            r,
            Resolved {
                watch_clipboard: Value {
                    value: true,
                    locked: false
                },
                start_at_login: Value {
                    value: true,
                    locked: false
                },
                notify: Value {
                    value: NotifyLevel::Suspicious,
                    locked: false
                },
            }
        );
    }

    #[test]
    fn the_user_choice_beats_a_user_policy_default_but_not_a_managed_value() {
        let (_d, eff) = effective(
            Some("[desktop]\nwatch_clipboard = true\n"),
            Some("[desktop]\nnotify = \"dangerous\"\nstart_at_login = false\n"),
        );
        let user = UserSettings {
            watch_clipboard: Some(false),
            start_at_login: Some(true),
            notify: None,
        };
        let r = resolve(&user, &eff.policy, |k| eff.is_locked(k));
        assert_eq!(
            r.watch_clipboard,
            Value {
                value: true,
                locked: true
            }
        );
        assert_eq!(
            r.start_at_login,
            Value {
                value: true,
                locked: false
            }
        );
        assert_eq!(
            r.notify,
            Value {
                value: NotifyLevel::Dangerous,
                locked: false
            }
        );
    }

    #[test]
    fn settings_round_trip_and_a_broken_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("sub/settings.toml");
        let s = UserSettings {
            watch_clipboard: Some(false),
            start_at_login: None,
            notify: Some(NotifyLevel::Off),
        };
        s.save(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(UserSettings::load(&p), s);
        std::fs::write(&p, "watch_clipboard = \"maybe\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(UserSettings::load(&p), UserSettings::default());
    }

    #[test]
    fn notify_levels() {
        use crate::Verdict::*;
        assert!(NotifyLevel::Suspicious.notifies(Suspicious));
        assert!(NotifyLevel::Suspicious.notifies(Dangerous));
        assert!(!NotifyLevel::Suspicious.notifies(Unknown));
        assert!(!NotifyLevel::Dangerous.notifies(Suspicious));
        assert!(NotifyLevel::Dangerous.notifies(Dangerous));
        assert!(!NotifyLevel::Off.notifies(Dangerous));
    }
}
