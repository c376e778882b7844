//! A private desktop session for tests that need one: an X server (Xvfb)
//! and a D-Bus session bus, both killed when dropped. Tests that get `None`
//! say they were skipped: `.ci/run` installs both, so CI always runs them.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An Xvfb display.
pub struct Xvfb {
    child: Child,
    /// `":N"`.
    pub display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start Xvfb on a free display (it picks the number: `-displayfd`).
pub fn xvfb() -> Option<Xvfb> {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-noreset",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "800x600x24",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    let read = BufReader::new(child.stdout.take()?).read_line(&mut line);
    let x = Xvfb {
        child,
        display: format!(":{}", line.trim()),
    };
    if read.is_err() || line.trim().is_empty() {
        return None;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if x11rb::connect(Some(&x.display)).is_ok() {
            return Some(x);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// A private session bus.
pub struct Bus {
    child: Child,
    /// Its address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `dbus-daemon --session`.
pub fn bus() -> Option<Bus> {
    let mut child = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let address = line.trim().to_owned();
    (!address.is_empty()).then_some(Bus { child, address })
}

/// `secondlook --background` on `display` and `bus`, with the managed
/// `policy` and everything it writes (data, settings, autostart) under
/// `dir`; its output discarded.
pub fn app(display: &str, bus: &str, policy: &std::path::Path, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_secondlook"))
        .arg("--background")
        .env("DISPLAY", display)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("SECONDLOOK_MANAGED_POLICY", policy)
        .env("SECONDLOOK_USER_POLICY", dir.join("none.toml"))
        .env("SECONDLOOK_DATA_DIR", dir.join("data"))
        .env("SECONDLOOK_SETTINGS", dir.join("settings.toml"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test binary starts")
}
