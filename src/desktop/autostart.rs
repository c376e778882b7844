//! Start at login, the XDG way (Linux and BSD desktops): the packages
//! install `/etc/xdg/autostart/second-look.desktop` for everyone; a user
//! turns it off with a same-named file in `~/.config/autostart` that says
//! `Hidden=true` (the autostart specification: a user file overrides the
//! system one). Without a system entry (a build from source), turning it on
//! writes a user entry that runs this executable.
//!
//! On Windows and macOS the installer owns start-at-login (the MSI's `Run`
//! value, the LaunchAgent); the user changes it in the system settings
//! (Task Manager's Startup apps, Login Items), which [`Autostart::set`]
//! says instead of changing it.

use std::path::{Path, PathBuf};

/// The entry's file name, the same in the system and user directories.
pub const DESKTOP_FILE: &str = "second-look.desktop";

/// Why start-at-login could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    /// The user entry could not be written or removed.
    #[error(
        "start at login could not be changed ({path}: {source}); check that the folder is writable"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// This system's start-at-login is not managed by the app.
    #[error(
        "on this system start at login is set in the system settings (Windows: Settings > Apps > Startup; macOS: System Settings > General > Login Items)"
    )]
    Unsupported,
}

/// Where the autostart entries live.
#[derive(Debug, Clone)]
pub struct Autostart {
    /// `$XDG_CONFIG_HOME/autostart`.
    pub user_dir: Option<PathBuf>,
    /// `$XDG_CONFIG_DIRS/*/autostart`, most important first.
    pub system_dirs: Vec<PathBuf>,
}

impl Autostart {
    /// The directories of this session (XDG environment variables honoured).
    pub fn from_environment() -> Autostart {
        let user_dir = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".config")))
            .map(|d| d.join("autostart"));
        let dirs = std::env::var("XDG_CONFIG_DIRS")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/etc/xdg".to_owned());
        let system_dirs = dirs
            .split(':')
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|p| p.join("autostart"))
            .collect();
        Autostart {
            user_dir,
            system_dirs,
        }
    }

    fn user_file(&self) -> Option<PathBuf> {
        self.user_dir.as_ref().map(|d| d.join(DESKTOP_FILE))
    }

    fn system_file(&self) -> Option<PathBuf> {
        self.system_dirs
            .iter()
            .map(|d| d.join(DESKTOP_FILE))
            .find(|p| p.is_file())
    }

    /// Does the app start at login for this user?
    pub fn enabled(&self) -> bool {
        if !cfg!(all(unix, not(target_os = "macos"))) {
            return true;
        }
        match self
            .user_file()
            .and_then(|p| std::fs::read_to_string(p).ok())
        {
            Some(text) => !is_hidden(&text),
            None => self.system_file().is_some(),
        }
    }

    /// Turn start-at-login on or off for this user; `exe` is what a user
    /// entry runs when there is no system entry.
    pub fn set(&self, on: bool, exe: &Path) -> Result<(), AutostartError> {
        if !cfg!(all(unix, not(target_os = "macos"))) {
            return Err(AutostartError::Unsupported);
        }
        let Some(user_file) = self.user_file() else {
            return Err(AutostartError::Unsupported);
        };
        let io = |source| AutostartError::Io {
            path: user_file.clone(),
            source,
        };
        let system = self.system_file().is_some();
        let content = match (on, system) {
            (true, true) | (false, false) => None,
            (true, false) => Some(entry(exe, false)),
            (false, true) => Some(entry(exe, true)),
        };
        match content {
            None => match std::fs::remove_file(&user_file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
                _ => Ok(()),
            },
            Some(text) => {
                if let Some(dir) = user_file.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                std::fs::write(&user_file, text).map_err(io)
            }
        }
    }
}

fn is_hidden(desktop_entry: &str) -> bool {
    desktop_entry.lines().any(|l| {
        let l = l.trim();
        l.eq_ignore_ascii_case("Hidden=true")
            || l.eq_ignore_ascii_case("X-GNOME-Autostart-enabled=false")
    })
}

/// The desktop entry for the user's autostart directory.
fn entry(exe: &Path, hidden: bool) -> String {
    let exec = exe
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace(' ', "\\s");
    format!(
        "[Desktop Entry]\nType=Application\nName=Second Look\nComment=Checks copied links for lookalikes of your organisation\nExec={exec} --background\nIcon=second-look\nTerminal=false\nX-GNOME-Autostart-enabled={}\nHidden={hidden}\n",
        !hidden
    )
}

#[cfg(all(test, unix, not(target_os = "macos")))]
mod tests {
    use super::*;

    fn setup(system: bool) -> (tempfile::TempDir, Autostart) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sys = dir.path().join("etc/xdg/autostart");
        std::fs::create_dir_all(&sys).unwrap_or_else(|e| panic!("{e}"));
        if system {
            std::fs::write(
                sys.join(DESKTOP_FILE),
                entry(Path::new("/usr/bin/secondlook"), false),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let a = Autostart {
            user_dir: Some(dir.path().join("home/.config/autostart")),
            system_dirs: vec![sys],
        };
        (dir, a)
    }

    #[test]
    fn a_user_override_hides_the_system_entry_and_removing_it_restores_it() {
        let (_d, a) = setup(true);
        assert!(a.enabled());
        a.set(false, Path::new("/usr/bin/secondlook"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!a.enabled());
        let text = std::fs::read_to_string(a.user_file().unwrap_or_default()).unwrap_or_default();
        assert!(text.contains("Hidden=true"), "{text}");
        a.set(true, Path::new("/usr/bin/secondlook"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(a.enabled());
        assert!(!a.user_file().unwrap_or_default().exists());
    }

    #[test]
    fn without_a_system_entry_a_user_entry_runs_this_executable() {
        let (_d, a) = setup(false);
        assert!(!a.enabled());
        a.set(true, Path::new("/opt/my apps/secondlook"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(a.enabled());
        let text = std::fs::read_to_string(a.user_file().unwrap_or_default()).unwrap_or_default();
        assert!(
            text.contains("Exec=/opt/my\\sapps/secondlook --background"),
            "{text}"
        );
        a.set(false, Path::new("/x"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!a.enabled());
    }
}
