//! The one way tests start `secondlook`.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A `secondlook` process to start: arguments, environment, standard
/// input and a time limit, set one builder call at a time.
///
/// ```ignore
/// let out = Bin::new().arg("check").policy(data("twilio.toml")).arg("twilio-okta.net").output();
/// ```
///
/// The environment is the test's own plus what is set here (nothing is
/// added behind the test's back); [`Bin::isolated`] points every file the
/// app reads or writes into one directory.
#[derive(Debug, Clone)]
pub struct Bin {
    via: Option<(String, Vec<String>)>,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
}

impl Default for Bin {
    fn default() -> Self {
        Bin::new()
    }
}

impl Bin {
    /// The test build of `secondlook`, no arguments, an empty standard
    /// input, at most 120 s for [`Bin::output`].
    pub fn new() -> Bin {
        Bin {
            via: None,
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            timeout: Duration::from_secs(120),
        }
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Bin {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// More arguments.
    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Bin {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// `--policy PATH`, at this place in the arguments.
    pub fn policy(self, path: impl AsRef<Path>) -> Bin {
        self.arg("--policy").arg(path.as_ref())
    }

    /// Set an environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Bin {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Remove an environment variable.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Bin {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Everything the app reads or writes besides the managed policy under
    /// `dir`: no user policy (`none.toml`), `data/`, `settings.toml`,
    /// `run/` (the single-instance socket), `config/` (autostart).
    pub fn isolated(self, dir: &Path) -> Bin {
        self.env("SECONDLOOK_USER_POLICY", dir.join("none.toml"))
            .env("SECONDLOOK_DATA_DIR", dir.join("data"))
            .env("SECONDLOOK_SETTINGS", dir.join("settings.toml"))
            .env("SECONDLOOK_RUNTIME_DIR", dir.join("run"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
    }

    /// The app as a desktop session starts it: on X `display` (no Wayland)
    /// with session bus `bus` (`unix:path=/nonexistent` for none: no tray,
    /// no notifications), the managed policy `policy`, and everything else
    /// [`Bin::isolated`] under `dir`. Add `--background` for the login copy.
    pub fn desktop(display: &str, bus: &str, policy: &Path, dir: &Path) -> Bin {
        Bin::new()
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .env("SECONDLOOK_MANAGED_POLICY", policy)
            .isolated(dir)
    }

    /// These bytes on standard input (default: none, the input is closed).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Bin {
        self.stdin = Some(bytes.into());
        self
    }

    /// How long [`Bin::output`] waits before it kills the process and fails.
    pub fn timeout(mut self, timeout: Duration) -> Bin {
        self.timeout = timeout;
        self
    }

    /// Start it through `program args… secondlook` (`setpriv` to drop root).
    pub fn via(mut self, program: &str, args: &[&str]) -> Bin {
        self.via = Some((
            program.to_owned(),
            args.iter().map(|a| (*a).to_owned()).collect(),
        ));
        self
    }

    fn command(&self) -> Command {
        let exe = env!("CARGO_BIN_EXE_secondlook");
        let mut c = match &self.via {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        c.args(&self.args);
        for (k, v) in &self.env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    }

    /// Start it with `io()` for standard input, output and error.
    fn start(&self, io: fn() -> Stdio) -> Child {
        self.command()
            .stdin(io())
            .stdout(io())
            .stderr(io())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: does not start: {e}", self.describe()))
    }

    fn describe(&self) -> String {
        let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        format!("secondlook {}", args.join(" "))
    }

    /// Run it to the end and return what it printed and its status. Fails
    /// the test when it does not start, or does not end within the time
    /// limit (it is killed then).
    pub fn output(self) -> Output {
        let what = self.describe();
        let mut child = self.start(Stdio::piped);
        let input = child.stdin.take().expect("piped stdin");
        let bytes = self.stdin.unwrap_or_default();
        let writer = std::thread::spawn(move || {
            let mut input = input;
            // A reader that stops early (a cap) may close the pipe: fine.
            let _ = input.write_all(&bytes);
        });
        let read = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut out = Vec::new();
                let _ = r.read_to_end(&mut out);
                out
            })
        };
        let stdout = read(Box::new(child.stdout.take().expect("piped stdout")));
        let stderr = read(Box::new(child.stderr.take().expect("piped stderr")));
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for the process") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: did not finish within {:?}", self.timeout);
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let _ = writer.join();
        Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        }
    }

    /// Start it and leave it running, its output discarded; it is killed
    /// when the [`Running`] is dropped. (No time limit: the test decides.)
    pub fn spawn(self) -> Running {
        Running(self.start(Stdio::null))
    }
}

/// A started `secondlook`, killed (and reaped) when dropped.
#[derive(Debug)]
pub struct Running(Child);

impl std::ops::Deref for Running {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What the process wrote to standard output, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the process wrote to standard error, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
