//! Start at login, the XDG way (Linux and BSD desktops): the packages
//! install `/etc/xdg/autostart/second-look.desktop` for everyone; a user
//! turns it off with a same-named file in `~/.config/autostart` that says
//! `Hidden=true` (the autostart specification: a user file overrides the
//! system one). Without a system entry (a build from source), turning it on
//! writes a user entry that runs this executable.
//!
//! On Windows the MSI writes `HKLM\…\CurrentVersion\Run` "SecondLook" for
//! everyone; a user turns it off the way Task Manager's Startup apps does
//! (a "disabled" record under `HKCU\…\Explorer\StartupApproved\Run`), and
//! without a machine entry turning it on writes the user's own `HKCU` Run
//! value. Whatever the system does with those records, `--background` (what
//! every start-at-login entry runs) quits at once when the user's setting is
//! off (`App::run`).
//!
//! On macOS the LaunchAgent owns start-at-login; the user changes it in
//! Login Items, which [`Autostart::set`] says instead of changing it.

use std::path::{Path, PathBuf};

/// The entry's file name, the same in the system and user directories.
pub const DESKTOP_FILE: &str = "second-look.desktop";

/// Why start-at-login could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    /// The Windows registry could not be changed.
    #[error(
        "start at login could not be changed in the registry ({key}: {source}); ask IT whether a policy blocks it"
    )]
    Registry {
        /// The key.
        key: String,
        /// Why.
        source: std::io::Error,
    },
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
        "on this system start at login is set in the system settings (macOS: System Settings > General > Login Items)"
    )]
    Unsupported,
}

/// The name of the Windows `Run` values (the MSI's and the app's).
pub const RUN_VALUE: &str = "SecondLook";

/// Windows: the registry keys involved (paths under HKCU / HKLM; tests put
/// all of them under a scratch key in HKCU).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunKeys {
    /// This user's `Run` key (HKCU).
    pub user_run: String,
    /// Every user's `Run` key, where the MSI writes (HKLM unless
    /// `machine_in_user_hive`).
    pub machine_run: String,
    /// Tests: `machine_run` is under HKCU too (no administrator needed).
    pub machine_in_user_hive: bool,
    /// Task Manager's enabled/disabled records (HKCU).
    pub approved: String,
}

impl Default for RunKeys {
    fn default() -> RunKeys {
        RunKeys {
            user_run: r"Software\Microsoft\Windows\CurrentVersion\Run".to_owned(),
            machine_run: r"Software\Microsoft\Windows\CurrentVersion\Run".to_owned(),
            machine_in_user_hive: false,
            approved: r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
                .to_owned(),
        }
    }
}

/// Where the autostart entries live.
#[derive(Debug, Clone)]
pub struct Autostart {
    /// `$XDG_CONFIG_HOME/autostart`.
    pub user_dir: Option<PathBuf>,
    /// `$XDG_CONFIG_DIRS/*/autostart`, most important first.
    pub system_dirs: Vec<PathBuf>,
    /// Windows: the registry keys.
    pub run_keys: RunKeys,
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
            run_keys: RunKeys::default(),
        }
    }

    /// Entries nowhere (an app without start-at-login: tests).
    pub fn none() -> Autostart {
        Autostart {
            user_dir: None,
            system_dirs: Vec::new(),
            run_keys: RunKeys::default(),
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
        if cfg!(windows) {
            return self.enabled_windows();
        }
        if cfg!(target_os = "macos") {
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
        if cfg!(windows) {
            return self.set_windows(on, exe);
        }
        if cfg!(target_os = "macos") {
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

#[cfg(windows)]
impl Autostart {
    fn enabled_windows(&self) -> bool {
        registry::enabled(&self.run_keys)
    }
    fn set_windows(&self, on: bool, exe: &Path) -> Result<(), AutostartError> {
        registry::set(&self.run_keys, on, exe)
    }
}

#[cfg(not(windows))]
impl Autostart {
    fn enabled_windows(&self) -> bool {
        false
    }
    fn set_windows(&self, _on: bool, _exe: &Path) -> Result<(), AutostartError> {
        Err(AutostartError::Unsupported)
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

/// Windows start-at-login in the registry.
#[cfg(windows)]
mod registry {
    use std::path::Path;

    use winreg::enums::{REG_BINARY, RegType};
    use winreg::{HKCU, HKLM, RegKey, RegValue};

    use super::{AutostartError, RUN_VALUE, RunKeys};

    /// Task Manager's record: first byte 2 = enabled, 3 = disabled, then a
    /// timestamp (zeros are accepted).
    const ENABLED: [u8; 12] = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const DISABLED: [u8; 12] = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    fn machine(keys: &RunKeys) -> &'static RegKey {
        if keys.machine_in_user_hive {
            HKCU
        } else {
            HKLM
        }
    }

    fn has_value(root: &RegKey, key: &str) -> bool {
        root.open_subkey(key)
            .and_then(|k| k.get_raw_value(RUN_VALUE))
            .is_ok()
    }

    fn disabled(keys: &RunKeys) -> bool {
        HKCU.open_subkey(&keys.approved)
            .and_then(|k| k.get_raw_value(RUN_VALUE))
            .is_ok_and(|v| v.bytes.first().is_some_and(|b| b & 1 == 1))
    }

    pub fn enabled(keys: &RunKeys) -> bool {
        (has_value(HKCU, &keys.user_run) || has_value(machine(keys), &keys.machine_run))
            && !disabled(keys)
    }

    pub fn set(keys: &RunKeys, on: bool, exe: &Path) -> Result<(), AutostartError> {
        let fail = |key: &str| {
            let key = key.to_owned();
            move |source| AutostartError::Registry { key, source }
        };
        let (approved, _) = HKCU
            .create_subkey(&keys.approved)
            .map_err(fail(&keys.approved))?;
        let record = RegValue {
            bytes: if on { &ENABLED[..] } else { &DISABLED[..] }.into(),
            vtype: REG_BINARY as RegType,
        };
        approved
            .set_raw_value(RUN_VALUE, &record)
            .map_err(fail(&keys.approved))?;
        let machine_entry = has_value(machine(keys), &keys.machine_run);
        let (user_run, _) = HKCU
            .create_subkey(&keys.user_run)
            .map_err(fail(&keys.user_run))?;
        if on && !machine_entry {
            let command = format!("\"{}\" --background", exe.display());
            user_run
                .set_value(RUN_VALUE, &command)
                .map_err(fail(&keys.user_run))?;
        } else if !on || machine_entry {
            match user_run.delete_value(RUN_VALUE) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(fail(&keys.user_run)(e));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Run on Windows, or under Wine (`scripts/check-windows`): the real
/// registry, under a scratch key in HKCU.
#[cfg(all(test, windows))]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod windows_tests {
    use super::*;

    fn keys(name: &str) -> RunKeys {
        let base = format!(r"Software\SecondLookTest\{name}");
        let _ = winreg::HKCU.delete_subkey_all(&base);
        RunKeys {
            user_run: format!(r"{base}\UserRun"),
            machine_run: format!(r"{base}\MachineRun"),
            machine_in_user_hive: true,
            approved: format!(r"{base}\StartupApproved"),
        }
    }

    fn autostart(run_keys: RunKeys) -> Autostart {
        Autostart {
            run_keys,
            ..Autostart::none()
        }
    }

    #[test]
    fn without_the_msi_entry_the_user_entry_runs_this_executable() {
        let k = keys("user");
        let a = autostart(k.clone());
        assert!(!a.enabled());
        a.set(true, Path::new(r"C:\Apps\Second Look\secondlook.exe"))
            .unwrap();
        assert!(a.enabled());
        let command: String = winreg::HKCU
            .open_subkey(&k.user_run)
            .unwrap()
            .get_value(RUN_VALUE)
            .unwrap();
        assert_eq!(
            command,
            r#""C:\Apps\Second Look\secondlook.exe" --background"#
        );
        a.set(false, Path::new("x")).unwrap();
        assert!(!a.enabled());
        assert!(
            winreg::HKCU
                .open_subkey(&k.user_run)
                .unwrap()
                .get_raw_value(RUN_VALUE)
                .is_err(),
            "the user's value is gone"
        );
    }

    #[test]
    fn the_msi_entry_is_turned_off_and_on_for_this_user_only() {
        let k = keys("machine");
        let (machine, _) = winreg::HKCU.create_subkey(&k.machine_run).unwrap();
        machine
            .set_value(
                RUN_VALUE,
                &r#""C:\Program Files\Second Look\secondlook.exe" --background"#.to_owned(),
            )
            .unwrap();
        let a = autostart(k.clone());
        assert!(a.enabled(), "the MSI's entry starts it");
        a.set(false, Path::new("x")).unwrap();
        assert!(!a.enabled(), "turned off by the StartupApproved record");
        assert!(
            machine.get_raw_value(RUN_VALUE).is_ok(),
            "the machine entry is not touched"
        );
        a.set(true, Path::new("x")).unwrap();
        assert!(a.enabled());
        assert!(
            winreg::HKCU
                .open_subkey(&k.user_run)
                .and_then(|u| u.get_raw_value(RUN_VALUE))
                .is_err(),
            "no second entry next to the MSI's"
        );
    }
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
            ..Autostart::none()
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
