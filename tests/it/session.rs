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

/// A headless Wayland compositor with the wlr data-control protocol (sway),
/// killed when dropped.
pub struct Sway {
    child: Child,
    _dir: tempfile::TempDir,
    /// The compositor's socket.
    pub socket: std::path::PathBuf,
    /// Its `XDG_RUNTIME_DIR`, for Wayland clients started by the test.
    pub runtime_dir: std::path::PathBuf,
}

impl Drop for Sway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start sway headless (no GPU, no input devices). sway refuses to run as
/// root, so as root it runs as `nobody` (root still reaches its socket).
pub fn sway() -> Option<Sway> {
    let dir = tempfile::tempdir().ok()?;
    let runtime_dir = dir.path().join("run");
    std::fs::create_dir(&runtime_dir).ok()?;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let mut cmd = if root {
        let owned = Command::new("chown")
            .args(["nobody:nogroup"])
            .arg(dir.path())
            .arg(&runtime_dir)
            .status()
            .is_ok_and(|s| s.success());
        if !owned {
            return None;
        }
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "sway",
        ]);
        c
    } else {
        Command::new("sway")
    };
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700)).ok()?;
    let child = cmd
        .args(["-c", "/dev/null"])
        .env("HOME", dir.path())
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .env("WLR_BACKENDS", "headless")
        .env("WLR_LIBINPUT_NO_DEVICES", "1")
        .env("WLR_RENDERER", "pixman")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut sway = Sway {
        child,
        _dir: dir,
        socket: std::path::PathBuf::new(),
        runtime_dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let socket = std::fs::read_dir(&sway.runtime_dir)
            .ok()
            .and_then(|entries| {
                entries.flatten().map(|e| e.path()).find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("wayland-") && !n.ends_with(".lock"))
                })
            });
        if let Some(socket) = socket
            && std::os::unix::net::UnixStream::connect(&socket).is_ok()
        {
            sway.socket = socket;
            return Some(sway);
        }
        if matches!(sway.child.try_wait(), Ok(Some(_))) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
