//! The desktop app (feature `gui`): the egui window, the tray, the
//! notifications and the system clipboard. It only shows the state kept in
//! [`crate::desktop::model::Model`] and forwards clicks; the analysis, the
//! policy and the reports are the library's.
//!
//! Threads: the UI thread draws; the clipboard watcher
//! ([`crate::desktop::clipboard`]), the policy watcher, report delivery, the
//! tray and notification clicks each run on their own thread and send an
//! [`Event`] through one channel, then wake the UI with
//! `request_repaint`. Nothing repaints continuously.

pub mod icon;
pub mod notify;
pub mod qr;
pub mod system_clipboard;
pub mod tray;
pub mod view;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use crate::desktop::autostart::Autostart;
use crate::desktop::clipboard::{self, Control, WatchEvent};
use crate::desktop::instance;
use crate::desktop::model::{Effect, Model, Screen, Source, deliver_in_background};
use crate::desktop::settings::UserSettings;
use crate::policy::layers::{self, Effective, Locations};
use crate::report::outbox::Outbox;
use icon::IconState;
use tray::Action;

/// What the background threads tell the window.
#[derive(Debug)]
pub enum Event {
    /// From the clipboard watcher.
    Watch(WatchEvent),
    /// A tray menu click.
    Tray(Action),
    /// A notification was clicked: show the verdict.
    ShowVerdict,
    /// A policy file changed.
    Policy(Box<Effective>),
    /// A report delivery attempt finished.
    Delivery,
    /// A notification could not be shown (no notification daemon): why.
    NotShown(String),
}

/// Sends events to the window and wakes it.
#[derive(Clone)]
pub struct Inbox {
    tx: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Inbox {
    /// Send `event` and wake the UI (also when the window is hidden).
    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok() {
            (self.wake)();
        }
    }
}

/// Is the clipboard being watched?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watching {
    /// Yes.
    On,
    /// Paused until then (`None`: until resumed).
    Paused(Option<Instant>),
    /// Turned off in the settings (or by the organisation).
    Off,
    /// Not possible here; the reason.
    Unavailable(String),
}

/// The window and its connections to the rest of the app.
pub struct App {
    /// The state the window shows (with the settings).
    pub model: Model,
    /// Start-at-login entries.
    pub autostart: Autostart,
    /// Clipboard watching state.
    pub watching: Watching,
    /// A risky copied link the user has not looked at yet (tray icon red).
    pub warning: bool,
    events: Receiver<Event>,
    inbox: Option<Inbox>,
    clipboard_control: Option<Sender<Control>>,
    tray: Option<tray::Tray>,
    quitting: bool,
    last_icon: Option<(IconState, bool)>,
    /// A message for the user about the app itself (no tray, no notifications).
    pub app_status: Option<String>,
    /// Frames left during which the window is kept hidden (`--background`:
    /// eframe shows the window after its first frame, so it is hidden again).
    hide_frames: u8,
    /// Why there is no tray icon (shown on hover).
    pub tray_problem: Option<String>,
    /// The technical detail behind [`App::app_status`], for IT (on hover).
    pub status_detail: Option<String>,
    /// "Keep watching in the background or quit?" is open (no tray).
    pub close_dialog: bool,
    /// Put the keyboard in the paste box on the next frame.
    pub focus_paste: bool,
    /// The organisation's logo (`organization.logo`), checked and decoded.
    pub logo: Option<egui::ColorImage>,
    /// The logo as a texture, made on the first frame that shows it.
    pub logo_texture: Option<egui::TextureHandle>,
    /// Settings' "Your e-mail address in reports" field.
    pub reporter_email: String,
    /// The address reports give now (confirmed, else the policy's pattern).
    pub reporter_email_in_use: Option<String>,
    /// What became of the address the user last entered, in words.
    pub reporter_email_note: Option<String>,
}

impl App {
    /// An app with no background services: what the UI tests drive.
    pub fn offline(model: Model) -> App {
        let (_tx, events) = std::sync::mpsc::channel();
        let (confirmed, reporter_email_in_use) = model.reporter_email();
        App {
            model,
            autostart: Autostart::none(),
            watching: Watching::Off,
            warning: false,
            events,
            inbox: None,
            clipboard_control: None,
            tray: None,
            quitting: false,
            last_icon: None,
            app_status: None,
            hide_frames: 0,
            tray_problem: None,
            status_detail: None,
            close_dialog: false,
            focus_paste: true,
            logo: None,
            logo_texture: None,
            reporter_email: confirmed.unwrap_or_default(),
            reporter_email_in_use,
            reporter_email_note: None,
        }
    }

    /// Settings' "Use this address": the reporter's e-mail address,
    /// validated and kept where `secondlook report --reporter-email` keeps
    /// it (the data directory, beside the outbox), for every later report.
    pub fn confirm_reporter_email(&mut self) {
        match self.model.confirm_reporter_email(&self.reporter_email) {
            Ok(address) => {
                self.reporter_email_note = Some(format!(
                    "Saved. Your reports now give {address} as the address to reply to."
                ));
                self.reporter_email_in_use = Some(address.clone());
                self.reporter_email = address;
            }
            Err(note) => self.reporter_email_note = Some(note),
        }
    }

    /// Is there a tray icon to bring the window back?
    pub fn has_tray(&self) -> bool {
        self.tray.is_some()
    }

    /// "Keep watching in the background": hide the window; the watcher
    /// goes on, and starting Second Look again shows it.
    pub fn hide_to_background(&mut self, ctx: &egui::Context) {
        self.close_dialog = false;
        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
    }

    /// Quit for good (the user chose it).
    pub fn quit(&mut self, ctx: &egui::Context) {
        self.close_dialog = false;
        self.quitting = true;
        self.stop_watching();
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// A file dropped on the window: a PNG is checked for a QR code, text
    /// is checked like pasted text. At most 1 MiB is read.
    pub fn drop_file(&mut self, path: Option<&std::path::Path>, bytes: Option<&[u8]>) {
        const MAX: u64 = 1 << 20;
        let data = match (bytes, path) {
            (Some(b), _) => Ok(b.get(..MAX as usize).unwrap_or(b).to_vec()),
            (None, Some(p)) => std::fs::File::open(p).and_then(|f| {
                let mut v = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX), &mut v).map(|_| v)
            }),
            (None, None) => return,
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                self.model.status = Some(format!("The dropped file could not be read ({e})."));
                return;
            }
        };
        self.model.screen = Screen::Check;
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            #[cfg(all(unix, not(target_os = "macos")))]
            {
                if let clipboard::Clip::Image {
                    width,
                    height,
                    rgba,
                } = system_clipboard::decode_png(&data)
                    && let Some(text) = qr::decode(width, height, &rgba).into_iter().next()
                {
                    let analysis = crate::analyze(&text, &self.model.policy);
                    self.model
                        .show_checked(text, analysis, crate::desktop::model::Source::QrCode);
                    return;
                }
                self.model.status = Some("No QR code was found in the dropped picture.".into());
            }
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            {
                self.model.status = Some(
                    "Pictures cannot be dropped here on this system yet: copy the picture instead."
                        .into(),
                );
            }
            return;
        }
        match String::from_utf8(data) {
            Ok(text) => {
                self.model.set_input(&text);
                self.model.status = None;
            }
            Err(_) => {
                self.model.status = Some(
                    "Second Look can check dropped text files and PNG pictures of QR codes; this file is neither.".into(),
                );
            }
        }
    }

    /// Override the settings (tests; the settings screen).
    pub fn with_user_settings(
        mut self,
        user: UserSettings,
        path: Option<std::path::PathBuf>,
    ) -> App {
        self.model = self.model.with_user_settings(user, path);
        self
    }

    /// Start the background services (clipboard watcher, policy watcher,
    /// tray, outbox retries) and connect them to `ctx`.
    fn start(&mut self, ctx: &egui::Context, inbox: Inbox) {
        // Policy changes: a few stat calls every 5 s, on a thread (which
        // also makes the watcher: that reads and compiles every layer).
        let policy_inbox = inbox.clone();
        let _ = std::thread::Builder::new()
            .name("policy-watch".into())
            .spawn(move || {
                let (mut watcher, _) = layers::Watcher::new(Locations::from_environment);
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    if let Some(eff) = watcher.poll() {
                        policy_inbox.send(Event::Policy(Box::new(eff)));
                    }
                }
            });
        // The signed indicator feed: fetched on start and every interval,
        // on its own thread; a new feed is applied at once.
        let feed_inbox = inbox.clone();
        let _ = crate::feed::command::run_in_background(move || {
            let eff = layers::load(&Locations::from_environment());
            feed_inbox.send(Event::Policy(Box::new(eff)));
        });
        // Reports left from an earlier run (offline, crash, reboot), and
        // temporary files a killed writer left: recovered or removed first.
        if let Some(outbox) = self.model.outbox.clone() {
            let delivery_inbox = inbox.clone();
            let _ = std::thread::Builder::new()
                .name("outbox-retry".into())
                .spawn(move || {
                    if crate::report::deliver::recover(&outbox) > 0 {
                        delivery_inbox.send(Event::Delivery);
                    }
                    if outbox.next_due().is_some() {
                        crate::report::deliver::send_until_delivered(
                            &outbox,
                            Duration::from_secs(24 * 3600),
                        );
                        delivery_inbox.send(Event::Delivery);
                    }
                });
        }
        let tray_inbox = inbox.clone();
        match tray::Tray::start(move |a| tray_inbox.send(Event::Tray(a))) {
            Ok(t) => self.tray = Some(t),
            Err(e) => {
                self.tray_problem = Some(e);
                self.app_status = Some(
                    "No tray icon on this desktop: open Second Look from your applications menu to come back to this window.".into(),
                );
            }
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            // Light or dark as the desktop says, where winit cannot tell.
            let ctx = ctx.clone();
            let _ = std::thread::Builder::new()
                .name("theme".into())
                .spawn(move || {
                    if let Some(theme) = portal_theme(None) {
                        ctx.options_mut(|o| o.fallback_theme = theme);
                        ctx.request_repaint();
                    }
                });
        }
        if self.model.settings.watch_clipboard.value {
            self.start_watching(&inbox);
        }
        self.inbox = Some(inbox);
        let locked = self.model.locked_start_at_login();
        self.apply(ctx, locked);
        ctx.request_repaint();
    }

    fn start_watching(&mut self, inbox: &Inbox) {
        match system_clipboard::open() {
            Ok(source) => {
                let w =
                    clipboard::Watcher::new(source, self.model.shared_policy(), Some(qr::decode));
                let (ctl, rx) = clipboard::control_channel();
                let inbox = inbox.clone();
                match clipboard::spawn(w, rx, move |e| inbox.send(Event::Watch(e))) {
                    Ok(_) => {
                        self.clipboard_control = Some(ctl);
                        self.watching = Watching::On;
                    }
                    Err(e) => self.watching = Watching::Unavailable(e.to_string()),
                }
            }
            Err(e) => self.watching = Watching::Unavailable(e),
        }
    }

    fn stop_watching(&mut self) {
        if let Some(c) = self.clipboard_control.take() {
            let _ = c.send(Control::Quit);
        }
        self.watching = Watching::Off;
    }

    fn control(&self, c: Control) {
        if let Some(tx) = &self.clipboard_control {
            let _ = tx.send(c);
        }
    }

    /// Pause watching for `d` (`None`: until resumed).
    pub fn pause(&mut self, d: Option<Duration>) {
        if self.clipboard_control.is_none() {
            return;
        }
        let until = d.map(|d| Instant::now() + d);
        self.control(Control::Pause(until));
        self.watching = Watching::Paused(until);
    }

    /// Resume watching.
    pub fn resume(&mut self) {
        if self.clipboard_control.is_some() {
            self.control(Control::Resume);
            self.watching = Watching::On;
        }
    }

    /// Carry out what a click or a tray action asked for (decided in
    /// [`crate::desktop::model`]); what fails is said in the status line.
    pub fn apply(&mut self, ctx: &egui::Context, effect: Effect) {
        let problem = match effect {
            Effect::None => None,
            Effect::Deliver(id) => {
                let (Some(outbox), Some(inbox)) = (self.model.outbox.clone(), self.inbox.clone())
                else {
                    // No background services (tests): the report waits in
                    // the outbox for the next `outbox send` or app start.
                    return;
                };
                let done = move || inbox.send(Event::Delivery);
                deliver_in_background(outbox, id, done)
                    .err()
                    .map(|e| format!("The report is saved but could not be sent yet: {e}"))
            }
            Effect::RetryNow => {
                if let (Some(outbox), Some(inbox)) = (self.model.outbox.clone(), self.inbox.clone())
                {
                    let _ = std::thread::Builder::new()
                        .name("outbox-retry-now".into())
                        .spawn(move || {
                            crate::report::deliver::send_due(&outbox, true);
                            inbox.send(Event::Delivery);
                        });
                }
                None
            }
            Effect::Open(url) => open_external(&url).err(),
            Effect::OpenFolder(dir) => open_folder(&dir).err(),
            Effect::Copy(text) => {
                ctx.copy_text(text);
                None
            }
            Effect::Pause(d) => {
                self.pause(d);
                None
            }
            Effect::Resume => {
                self.resume();
                None
            }
            Effect::Watch(on) => {
                match (on, self.inbox.clone()) {
                    (true, Some(inbox)) if self.clipboard_control.is_none() => {
                        self.start_watching(&inbox);
                    }
                    (false, _) => self.stop_watching(),
                    _ => {}
                }
                None
            }
            Effect::StartAtLogin(on) => {
                let result = std::env::current_exe()
                    .map_err(|e| e.to_string())
                    .and_then(|exe| self.autostart.set(on, &exe).map_err(|e| e.to_string()));
                self.model.start_at_login = self.autostart.enabled();
                result.err()
            }
            Effect::ReadStartAtLogin => {
                self.model.start_at_login = self.autostart.enabled();
                None
            }
            Effect::Hide => {
                self.hide_to_background(ctx);
                None
            }
            Effect::Quit => {
                self.quit(ctx);
                None
            }
            Effect::Problem(p) => Some(p),
        };
        if let Some(p) = problem {
            self.app_status = Some(p);
        }
    }

    /// Act on one background event (what [`App::logic`] does with each
    /// event from the channel; tests call it directly).
    pub fn handle(&mut self, ctx: &egui::Context, event: Event) {
        match event {
            Event::Watch(WatchEvent::Checked {
                text,
                analysis,
                origin,
            }) => {
                // Ctrl+C in this window (from the paste box, the verdict or
                // the preview) is not news: no second warning about it.
                let focused = ctx.input(|i| i.viewport().focused == Some(true));
                if focused && !text.trim().is_empty() && self.model.input.contains(text.as_str()) {
                    return;
                }
                let notify = analysis
                    .links
                    .iter()
                    .any(|l| self.model.settings.notify.value.notifies(l.verdict));
                let risky = analysis.verdict >= crate::Verdict::Suspicious;
                let message = notify.then(|| notify::message(&analysis)).flatten();
                // A copied link replaces the paste box only when it matters
                // or the user is looking at nothing else.
                if risky || self.model.input.is_empty() {
                    self.model.show_checked(text, *analysis, origin.into());
                }
                if risky {
                    self.warning = true;
                }
                if notify && let (Some((title, body)), Some(inbox)) = (message, self.inbox.clone())
                {
                    let failed = inbox.clone();
                    let shown = notify::show(
                        &title,
                        &body,
                        move || inbox.send(Event::ShowVerdict),
                        move |e| failed.send(Event::NotShown(e)),
                    );
                    if let Err(e) = shown {
                        self.handle(ctx, Event::NotShown(e));
                    }
                }
            }
            Event::NotShown(e) => {
                // No notification daemon: bring the window up instead.
                self.app_status = Some(
                    "Notifications cannot be shown on this desktop, so warnings open this window."
                        .into(),
                );
                self.status_detail = Some(e);
                self.show_window(ctx);
            }
            Event::Watch(WatchEvent::SkippedSecret) => {
                self.model.status = Some("Skipped: the copied content is marked secret by a password manager, so it was not read.".into());
            }
            Event::Watch(WatchEvent::NothingToCheck) => {
                self.model.status = Some("The clipboard has no link to check.".into());
                self.show_window(ctx);
            }
            Event::Watch(WatchEvent::Unavailable(e)) => {
                self.model.status = Some(format!("The clipboard could not be read: {e}"));
            }
            Event::Tray(Action::Open) | Event::ShowVerdict => {
                if self.model.screen != Screen::Urgent {
                    self.model.screen = Screen::Check;
                }
                self.focus_paste = true;
                self.show_window(ctx);
            }
            Event::Tray(Action::CheckNow) => self.control(Control::CheckNow),
            Event::Tray(Action::Pause(d)) => self.apply(ctx, Effect::Pause(d)),
            Event::Tray(Action::Resume) => self.apply(ctx, Effect::Resume),
            Event::Tray(Action::Report) => {
                self.model.begin_report();
                self.show_window(ctx);
            }
            Event::Tray(Action::Urgent) => {
                self.model.begin_urgent();
                self.show_window(ctx);
            }
            Event::Tray(Action::Quit) => self.apply(ctx, Effect::Quit),
            Event::Policy(eff) => {
                let locked = self.model.set_policy(*eff);
                self.apply(ctx, locked);
            }
            Event::Delivery => self.model.refresh_reports(),
        }
    }

    fn show_window(&mut self, ctx: &egui::Context) {
        self.warning = false;
        self.hide_frames = 0;
        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
        ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
    }

    /// Input for the next frame, before any widget sees it. A paste into
    /// the paste box while it shows what the clipboard watcher (or a QR
    /// code) brought in replaces that text instead of adding to it: the
    /// watcher often fills the box with the very text the user then
    /// pastes, and the link would be listed twice.
    pub fn before_input(&mut self, ctx: &egui::Context, raw_input: &egui::RawInput) {
        let pastes = raw_input
            .events
            .iter()
            .any(|e| matches!(e, egui::Event::Paste(_)));
        if pastes
            && self.model.source != Source::Pasted
            && ctx.memory(|m| m.has_focus(view::paste_box_id()))
        {
            self.model.input.clear();
        }
    }

    /// Everything that is not drawing: events, pause expiry, the tray
    /// icon, closing to the tray. Runs also while the window is hidden.
    pub fn logic(&mut self, ctx: &egui::Context) {
        if self.hide_frames > 0 {
            self.hide_frames -= 1;
            if self.tray.is_some() || self.clipboard_control.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
                ctx.request_repaint();
            } else {
                // Nothing would bring a hidden window back: stay visible.
                self.hide_frames = 0;
            }
        }
        while let Ok(ev) = self.events.try_recv() {
            self.handle(ctx, ev);
        }
        if let Watching::Paused(Some(until)) = self.watching {
            let now = Instant::now();
            if now >= until {
                self.watching = Watching::On;
            } else {
                // Wake once when the pause ends, to update the icon.
                ctx.request_repaint_after(until - now);
            }
        }
        let paused = matches!(
            self.watching,
            Watching::Paused(_) | Watching::Off | Watching::Unavailable(_)
        );
        let state = if self.warning {
            IconState::Warning
        } else if paused {
            IconState::Paused
        } else {
            IconState::Watching
        };
        if self.last_icon != Some((state, paused)) {
            if let Some(t) = &self.tray {
                t.set_state(state, matches!(self.watching, Watching::Paused(_)));
            }
            self.last_icon = Some((state, paused));
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.quitting {
            if self.tray.is_some() {
                // The tray brings it back; the card says so.
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
            } else if self.clipboard_control.is_some() {
                // No tray: protection stops only if the user says so.
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.close_dialog = true;
            }
        }
    }
}

/// Open one of the organisation's own addresses (the policy's sign-in page
/// or help page) or a `mailto:` report in the user's programs. Never called
/// with a link from analysed text: only `https:` and `mailto:` are accepted.
pub fn open_external(url: &str) -> Result<(), String> {
    if !(url.starts_with("https://") || url.starts_with("mailto:")) {
        return Err(format!(
            "Second Look only opens https: and mailto: addresses from the policy, not {url}"
        ));
    }
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("could not open {url}: {e}"))
}

/// Open a folder of Second Look's own (the outbox) in the file manager.
pub fn open_folder(dir: &std::path::Path) -> Result<(), String> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("could not open {}: {e}", dir.display()))
}

struct EframeApp(App);

impl eframe::App for EframeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.0.logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        view::ui(&mut self.0, ui);
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.0.before_input(ctx, raw_input);
        // Shift+Insert pastes on Linux too (egui-winit maps it on Windows
        // only): ask for the clipboard, which arrives as a paste event.
        if !cfg!(windows) {
            raw_input.events.retain(|e| match e {
                egui::Event::Key {
                    key: egui::Key::Insert,
                    pressed,
                    modifiers,
                    ..
                } if modifiers.shift_only() => {
                    if *pressed {
                        ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
                    }
                    false
                }
                _ => true,
            });
        }
    }
}

/// The desktop's light or dark preference from the XDG desktop portal
/// (`org.freedesktop.appearance` `color-scheme`: 1 dark, 2 light; GNOME,
/// KDE and others set it), used when winit cannot tell (X11). At most a
/// second, off the UI thread; `None` without a portal or a preference.
/// `bus`: the session bus's address (`None`: this session's).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn portal_theme(bus: Option<&str>) -> Option<egui::Theme> {
    use zbus::zvariant::{OwnedValue, Value};
    let builder = match bus {
        Some(address) => zbus::blocking::connection::Builder::address(address),
        None => zbus::blocking::connection::Builder::session(),
    };
    let conn = builder
        .ok()?
        .method_timeout(Duration::from_millis(1000))
        .build()
        .ok()?;
    let call = |method: &str| {
        conn.call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.portal.Settings"),
            method,
            &("org.freedesktop.appearance", "color-scheme"),
        )
        .ok()
        .and_then(|m| m.body().deserialize::<OwnedValue>().ok())
    };
    // ReadOne (portal v2) answers the value; Read (older) a value in a value.
    let value = call("ReadOne").or_else(|| call("Read"))?;
    let value = match Value::from(value) {
        Value::Value(inner) => *inner,
        v => v,
    };
    match u32::try_from(value).ok()? {
        1 => Some(egui::Theme::Dark),
        2 => Some(egui::Theme::Light),
        _ => None,
    }
}

/// The policy's logo (`organization.logo`, see [`crate::policy::check_logo`])
/// as pixels for the card: a PNG of at most 256 KiB and 1024×1024 pixels,
/// the size checked before any pixel is decoded. Anything else: no logo.
pub fn load_logo(logo: &str) -> Option<egui::ColorImage> {
    use image::ImageDecoder as _;
    let bytes = crate::policy::logo_bytes(logo).ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(1024);
    limits.max_image_height = Some(1024);
    limits.max_alloc = Some(1024 * 1024 * 8);
    let decoder =
        image::codecs::png::PngDecoder::with_limits(std::io::Cursor::new(bytes), limits).ok()?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || w > 1024 || h > 1024 {
        return None;
    }
    let img = image::DynamicImage::from_decoder(decoder)
        .ok()?
        .into_rgba8();
    Some(egui::ColorImage::from_rgba_unmultiplied(
        [w as usize, h as usize],
        img.as_raw(),
    ))
}

/// How the app is started.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Start in the tray without showing the window (start at login).
    pub background: bool,
}

/// Run the desktop app until the user quits. Returns a message when no
/// window can be opened (no display).
pub fn run(options: Options) -> Result<(), String> {
    let effective = layers::load(&Locations::from_environment());
    let outbox = Outbox::from_environment();
    let model = Model::new(effective, outbox);
    let settings_path = UserSettings::default_path();
    let user = settings_path
        .as_deref()
        .map(UserSettings::load)
        .unwrap_or_default();
    let mut app = App::offline(model).with_user_settings(user, settings_path);
    app.autostart = Autostart::from_environment();
    app.model.start_at_login = app.autostart.enabled();
    if options.background && !app.model.settings.start_at_login.value {
        // A machine-wide entry (the MSI's Run value, a LaunchAgent) starts
        // everyone; a user who turned start-at-login off is respected here.
        eprintln!(
            "Second Look: start at login is turned off in Settings, so it does not start in the background. Run `secondlook` to open the window."
        );
        return Ok(());
    }
    // One copy per user: a second start shows the running copy's window.
    let instance = match instance::dir().map(|d| instance::claim(&d, !options.background)) {
        Some(Ok(instance::Claim::First(i))) => Some(i),
        Some(Ok(instance::Claim::Shown)) => {
            if !options.background {
                eprintln!("Second Look is already running: its window was brought forward.");
            }
            return Ok(());
        }
        Some(Ok(instance::Claim::NoAnswer(why))) => {
            return Err(format!(
                "{why}. A second copy is not started (it would warn twice about every link). If Second Look seems stuck, end it (Quit in its tray menu, or your task manager) and start it again."
            ));
        }
        Some(Err(e)) => {
            app.app_status = Some(format!(
                "Second Look could not check whether it is already running ({e}); if you see every warning twice, quit one copy."
            ));
            None
        }
        None => None,
    };
    app.logo = app
        .model
        .policy
        .organization
        .logo
        .as_deref()
        .and_then(load_logo);
    if options.background {
        app.hide_frames = 2;
    }
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Second Look")
            .with_app_id("second-look")
            .with_inner_size([980.0, 700.0])
            .with_min_inner_size([640.0, 420.0])
            .with_icon(Arc::new(icon::window_icon()))
            .with_visible(!options.background),
        ..Default::default()
    };
    eframe::run_native(
        "Second Look",
        native,
        Box::new(move |cc| {
            let (tx, rx) = std::sync::mpsc::channel();
            let ctx = cc.egui_ctx.clone();
            let inbox = Inbox {
                tx,
                wake: Arc::new(move || ctx.request_repaint()),
            };
            app.events = rx;
            view::install_style(&cc.egui_ctx);
            if let Some(i) = instance {
                let show = inbox.clone();
                if let Err(e) = i.serve(move || show.send(Event::Tray(Action::Open))) {
                    app.app_status = Some(format!(
                        "Starting Second Look again will not bring this window back ({e})."
                    ));
                }
            }
            app.start(&cc.egui_ctx, inbox);
            Ok(Box::new(EframeApp(app)))
        }),
    )
    .map_err(|e| {
        format!(
            "The Second Look window could not be opened ({e}). Is there a desktop session (DISPLAY or WAYLAND_DISPLAY)? The command line works without one: secondlook check \"TEXT\"."
        )
    })
}
