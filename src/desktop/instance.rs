//! One Second Look per user session. The first copy takes an exclusive lock
//! on `instance.lock` in the instance directory and listens there; a second
//! copy (a click on the launcher while the login copy runs in the
//! background) finds the lock taken, asks the running copy to show its
//! window and exits, so there is never a second clipboard watcher (and never
//! two notifications for one copy).
//!
//! - The lock is an OS file lock ([`std::fs::File::try_lock`]): it is
//!   released when the process ends, however it ends, so a crashed copy
//!   never blocks the next start.
//! - Unix: the running copy listens on the Unix domain socket
//!   `instance.sock` (mode 0600 in a 0700 directory: only the user). A
//!   request is one line, `show`; the answer is `ok`.
//! - Windows (no Unix sockets in std, and no loopback port): the second copy
//!   writes `show.request` next to the lock; the running copy looks for it
//!   four times a second (one `stat`) and removes it.
//!
//! The directory ([`dir`]): `SECONDLOOK_RUNTIME_DIR` if set; else the data
//! directory when `SECONDLOOK_DATA_DIR` is set (a separate set of data is a
//! separate instance: tests, portable use); else `$XDG_RUNTIME_DIR/secondlook`;
//! else the user's data directory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name.
pub const LOCK: &str = "instance.lock";
/// The socket's name (Unix).
pub const SOCKET: &str = "instance.sock";
/// The request file's name (Windows).
pub const REQUEST: &str = "show.request";

/// The instance directory for this user (see the module docs), or `None`
/// when the system gives none (then every start is a first start).
pub fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SECONDLOOK_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let data = crate::policy::layers::Locations::from_environment().data_dir;
    if std::env::var_os("SECONDLOOK_DATA_DIR").is_some_and(|d| !d.is_empty()) {
        return data;
    }
    if cfg!(unix)
        && let Some(run) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty())
    {
        return Some(PathBuf::from(run).join("secondlook"));
    }
    data
}

/// The outcome of [`claim`].
#[derive(Debug)]
pub enum Claim {
    /// This is the only copy: keep the [`Instance`] for the process's life.
    First(Instance),
    /// Another copy runs and was asked to show its window.
    Shown,
    /// Another copy holds the lock but did not answer in time (starting up,
    /// or stuck); the reason. Nothing is started twice.
    NoAnswer(String),
}

/// The running copy's lock and listener.
#[derive(Debug)]
pub struct Instance {
    _lock: File,
    dir: PathBuf,
    #[cfg(unix)]
    listener: Option<std::os::unix::net::UnixListener>,
}

/// Become the only copy in `dir`, or ask the running copy to show itself
/// (`show`: false for a background start, which then just exits). Errors
/// creating the directory or the lock file are returned: the caller starts
/// anyway (protection first) and says so.
pub fn claim(dir: &Path, show: bool) -> std::io::Result<Claim> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            if !show {
                return Ok(Claim::Shown);
            }
            return Ok(match ask_to_show(dir, Duration::from_secs(3)) {
                Ok(()) => Claim::Shown,
                Err(e) => Claim::NoAnswer(e),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    #[cfg(unix)]
    {
        let path = dir.join(SOCKET);
        // A socket left by a copy that ended: we hold the lock, so it is stale.
        let _ = std::fs::remove_file(&path);
        let listener = std::os::unix::net::UnixListener::bind(&path)?;
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        Ok(Claim::First(Instance {
            _lock: lock,
            dir: dir.to_owned(),
            listener: Some(listener),
        }))
    }
    #[cfg(not(unix))]
    {
        let _ = std::fs::remove_file(dir.join(REQUEST));
        Ok(Claim::First(Instance {
            _lock: lock,
            dir: dir.to_owned(),
        }))
    }
}

/// Ask the copy holding the lock in `dir` to show its window, waiting up to
/// `timeout` for it to answer.
pub fn ask_to_show(dir: &Path, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    #[cfg(unix)]
    {
        use std::io::{BufRead as _, Write as _};
        let path = dir.join(SOCKET);
        let mut last = String::new();
        while Instant::now() < deadline {
            match std::os::unix::net::UnixStream::connect(&path) {
                Ok(mut s) => {
                    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                    let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
                    let mut answer = String::new();
                    let asked = s.write_all(b"show\n").and_then(|()| {
                        std::io::BufReader::new(&s)
                            .read_line(&mut answer)
                            .map(|_| ())
                    });
                    match asked {
                        Ok(()) if answer.trim() == "ok" => return Ok(()),
                        Ok(()) => last = format!("it answered {:?}", answer.trim()),
                        Err(e) => last = e.to_string(),
                    }
                }
                // Still starting: the socket comes right after the lock.
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "Second Look is already running but did not answer ({last})"
        ))
    }
    #[cfg(not(unix))]
    {
        let path = dir.join(REQUEST);
        std::fs::write(&path, b"show\n").map_err(|e| {
            format!(
                "Second Look is already running but could not be asked to show its window ({e})"
            )
        })?;
        while Instant::now() < deadline {
            if !path.exists() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("Second Look is already running but did not answer".into())
    }
}

impl Instance {
    /// The directory this instance holds.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Serve "show" requests on a thread for the process's life, calling
    /// `show` for each. Errors starting the thread are returned.
    pub fn serve(mut self, show: impl Fn() + Send + 'static) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("instance".into())
            .spawn(move || self.run(show))
            .map(|_| ())
    }

    #[cfg(unix)]
    fn run(&mut self, show: impl Fn()) {
        use std::io::{BufRead as _, Write as _};
        let Some(listener) = self.listener.take() else {
            return;
        };
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut line = String::new();
            // At most one short line from our own user (the socket is 0600).
            let read = std::io::Read::take(&s, 64);
            if std::io::BufReader::new(read).read_line(&mut line).is_ok() && line.trim() == "show" {
                show();
                let _ = s.write_all(b"ok\n");
            } else {
                let _ = s.write_all(b"unknown request\n");
            }
        }
    }

    #[cfg(not(unix))]
    fn run(&mut self, show: impl Fn()) {
        let path = self.dir.join(REQUEST);
        loop {
            if path.exists() {
                let _ = std::fs::remove_file(&path);
                show();
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_second_claim_asks_the_first_to_show_and_a_background_one_just_exits() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = match claim(d.path(), true) {
            Ok(Claim::First(i)) => i,
            other => panic!("{other:?}"),
        };
        let (tx, rx) = mpsc::channel();
        first
            .serve(move || {
                let _ = tx.send(());
            })
            .unwrap_or_else(|e| panic!("{e}"));
        match claim(d.path(), true) {
            Ok(Claim::Shown) => {}
            other => panic!("{other:?}"),
        }
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok(), "not shown");
        match claim(d.path(), false) {
            Ok(Claim::Shown) => {}
            other => panic!("{other:?}"),
        }
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "a background start must not open the window"
        );
    }

    #[test]
    fn a_lock_left_by_an_ended_copy_does_not_block() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // A copy that ended: its lock file and socket are still there.
        match claim(d.path(), true) {
            Ok(Claim::First(i)) => drop(i),
            other => panic!("{other:?}"),
        }
        assert!(d.path().join(LOCK).exists());
        match claim(d.path(), true) {
            Ok(Claim::First(_)) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_held_lock_that_never_answers_is_reported_not_doubled() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let held = File::create(d.path().join(LOCK)).unwrap_or_else(|e| panic!("{e}"));
        held.lock().unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        match claim(d.path(), true) {
            Ok(Claim::NoAnswer(why)) => assert!(why.contains("already running"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
