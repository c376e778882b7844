//! The window's state and every action a click can take, without egui:
//! the text being checked and its verdict, the report being prepared, the
//! outbox, the settings. The egui view (`src/app`) reads this and calls its
//! methods; the tests drive it directly. What a click needs beyond the
//! model's state (a thread, another program, the clipboard, the watcher,
//! start-at-login) is returned as an [`Effect`], which the app carries out.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::analysis::{Analysis, analyze, message_text};
use crate::desktop::clipboard::Origin;
use crate::desktop::settings::{NotifyLevel, Resolved, UserSettings, resolve};
use crate::policy::Policy;
use crate::policy::layers::{Effective, Setting, Source as Layer};
use crate::report::outbox::{self, Entry, Outbox, Target};
use crate::report::{Entered, Kind, Report, deliver};

/// Where the text being checked came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed or pasted into the window.
    Pasted,
    /// Copied to the clipboard.
    Clipboard,
    /// A QR code in a copied image.
    QrCode,
}

impl Source {
    /// The event's `origin` field (`crate::events`).
    fn event_origin(self) -> &'static str {
        match self {
            Source::Pasted => "window",
            Source::Clipboard => "clipboard",
            Source::QrCode => "qr-code",
        }
    }
}

impl From<Origin> for Source {
    fn from(o: Origin) -> Source {
        match o {
            Origin::Text => Source::Clipboard,
            Origin::QrCode => Source::QrCode,
        }
    }
}

/// The screen the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// The paste box and the verdict.
    #[default]
    Check,
    /// The report preview.
    Report,
    /// Pending and delivered reports.
    Reports,
    /// Settings.
    Settings,
    /// "I already opened it / typed my password or code": what to do now,
    /// and the urgent report.
    Urgent,
}

/// The urgent path: what the user says they did, and how telling the
/// security team went.
#[derive(Debug, Clone, Default)]
pub struct Urgent {
    /// What the user ticked.
    pub entered: Vec<Entered>,
    /// An optional note ("I typed it at 10:40").
    pub note: String,
    /// How the urgent report went (`None`: not sent yet).
    pub sent: Option<Sent>,
}

/// Every choice on the urgent screen, in its order, with its words.
pub const ENTERED_CHOICES: [(Entered, &str); 6] = [
    (Entered::OpenedLink, "I opened the link"),
    (Entered::Password, "I typed my password"),
    (Entered::Code, "I typed or read out a code"),
    (
        Entered::ApprovedPush,
        "I approved a sign-in request on my phone",
    ),
    (Entered::CalledNumber, "I called the number in the message"),
    (
        Entered::InstalledApp,
        "I installed an app or gave remote access",
    ),
];

/// A report being prepared: exactly what will be sent.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The report (note and kind are edited in place).
    pub report: Report,
    /// Where it will go; empty: the mail-client fallback or a saved file.
    pub targets: Vec<Target>,
    /// Show the JSON as well as the readable text.
    pub show_json: bool,
}

/// How the last report went, for the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Saved in the outbox; delivery is under way.
    Queued {
        /// Report id.
        id: String,
    },
    /// Saved; the user's mail program should be opened with this link.
    MailClient {
        /// Report id.
        id: String,
        /// The `mailto:` link (to the security mailbox, never an analysed link).
        mailto: String,
    },
    /// Saved; no channel is configured: forward the file.
    SavedOnly {
        /// Report id.
        id: String,
        /// Where the file is.
        path: String,
    },
    /// Could not even be saved: the user must be told, nothing is lost silently.
    Failed(String),
}

/// What a click needs done that the model cannot do itself: start a
/// thread, open another program, reach the clipboard or the clipboard
/// watcher, change start-at-login, hide or close the window. The model's
/// click methods return one (the tray and the top bar's pause, resume,
/// hide and quit are effects themselves); the app carries it out
/// (`app::App::apply`) and decides nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[must_use]
pub enum Effect {
    /// Nothing more.
    #[default]
    None,
    /// Deliver the report with this id (already saved in the outbox) off
    /// the UI thread, then keep retrying the outbox ([`deliver_in_background`]).
    Deliver(String),
    /// A forced delivery pass over the outbox, off the UI thread.
    RetryNow,
    /// Open one of the policy's `https:` pages or a report's `mailto:` link
    /// (never a link from analysed text).
    Open(String),
    /// Open the outbox folder in the file manager.
    OpenFolder(PathBuf),
    /// Put this text on the clipboard (a saved report, for forwarding).
    Copy(String),
    /// Pause watching the clipboard for this long (`None`: until resumed).
    Pause(Option<Duration>),
    /// Watch the clipboard again after a pause.
    Resume,
    /// Start (`true`) or stop the clipboard watcher: the setting changed.
    Watch(bool),
    /// Turn start-at-login on or off, then read it back.
    StartAtLogin(bool),
    /// Read whether start-at-login is on (into [`Model::start_at_login`]).
    ReadStartAtLogin,
    /// Hide the window; watching goes on.
    Hide,
    /// Quit for good.
    Quit,
    /// Tell the user about the app itself (a setting was not saved).
    Problem(String),
}

/// Where the effective policy's values come from, and its problems: an
/// [`Effective`] without its compiled policy, which the model holds once
/// ([`Model::policy`]).
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// Every value and its source, in a stable order.
    pub settings: Vec<Setting>,
    /// Problems with the layers, to show loudly.
    pub problems: Vec<String>,
    /// The layers in effect, lowest first.
    pub layers: Vec<Layer>,
    /// The indicator feed the managed policy names (`[feed]`), if any.
    pub feed: Option<crate::feed::FeedConfig>,
}

impl Layers {
    /// The compiled policy, and the rest.
    fn split(effective: Effective) -> (Policy, Layers) {
        let Effective {
            policy,
            settings,
            problems,
            layers,
            feed,
        } = effective;
        let rest = Layers {
            settings,
            problems,
            layers,
            feed,
        };
        (policy, rest)
    }

    /// "Set by your organisation": the key is lockable (its schema row says
    /// so) and its value comes from a managed file, as
    /// [`Effective::is_locked`].
    pub fn is_locked(&self, key: &str) -> bool {
        crate::policy::schema::lockable(key)
            && self.settings.iter().any(|s| s.key == key && s.locked())
    }

    /// How the window labels a locked key: "Set by your organisation",
    /// with "(Group Policy)" or "(configuration profile)" when IT set it
    /// that way, as [`Effective::locked_label`]; `None` when not locked.
    pub fn locked_label(&self, key: &str) -> Option<&'static str> {
        crate::config::merge::locked_label(&self.settings, key)
    }
}

/// The window's state.
pub struct Model {
    /// Where each value of the policy comes from, and its problems.
    pub effective: Layers,
    /// The policy in use: the app's one copy, which the clipboard watcher
    /// shares ([`Model::shared_policy`]); replaced by [`Model::set_policy`].
    pub policy: Arc<Policy>,
    /// The clipboard watcher's handle on [`Model::policy`] (the same `Arc`).
    shared: Arc<Mutex<Arc<Policy>>>,
    /// The paste box.
    pub input: String,
    /// Where [`Model::input`] came from.
    pub source: Source,
    /// The analysis of [`Model::input`]; `None` when it is empty.
    pub analysis: Option<Analysis>,
    /// The screen shown.
    pub screen: Screen,
    /// The report being prepared.
    pub draft: Option<Draft>,
    /// The outcome of the last report.
    pub sent: Option<Sent>,
    /// A short status line ("Skipped: marked secret by a password manager").
    pub status: Option<String>,
    /// The outbox (`None`: no data directory on this system).
    pub outbox: Option<Outbox>,
    /// The reports in the outbox, newest first, as last read.
    pub reports: Vec<Entry>,
    /// The urgent path, while it is open.
    pub urgent: Option<Urgent>,
    /// The settings in force.
    pub settings: Resolved,
    /// The user's own choices.
    pub user_settings: UserSettings,
    /// Where the user's choices are saved (`None`: not saved; tests).
    pub settings_path: Option<PathBuf>,
    /// Whether start-at-login is on for this user, as last read (after a
    /// change, when the settings screen opens and when the policy changes;
    /// never per frame).
    pub start_at_login: bool,
}

impl Model {
    /// The reporter's address the user confirmed (kept beside the outbox,
    /// where `secondlook report --reporter-email` keeps it), and the one
    /// reports give now (the confirmed one, else the policy's pattern).
    pub fn reporter_email(&self) -> (Option<String>, Option<String>) {
        let confirmed = self
            .outbox
            .as_ref()
            .and_then(|o| o.dir().parent())
            .and_then(crate::report::Reporter::confirmed_email);
        let in_use = confirmed
            .clone()
            .or_else(|| crate::report::Reporter::detect(&self.policy).and_then(|r| r.email));
        (confirmed, in_use)
    }

    /// Settings' "Use this address": `typed` validated and kept for every
    /// later report. The address as kept, or what went wrong, in words.
    pub fn confirm_reporter_email(&self, typed: &str) -> Result<String, String> {
        let Some(dir) = self
            .outbox
            .as_ref()
            .and_then(|o| o.dir().parent())
            .map(std::path::Path::to_owned)
        else {
            return Err(
                "Not saved: Second Look has no folder to keep it in on this computer.".into(),
            );
        };
        crate::report::Reporter::confirm_email(&dir, typed).map_err(|e| format!("Not saved: {e}."))
    }

    /// A model under `effective`, with the outbox in its data directory.
    pub fn new(effective: Effective, outbox: Option<Outbox>) -> Model {
        let (policy, effective) = Layers::split(effective);
        let policy = Arc::new(policy);
        let settings = resolve(&UserSettings::default(), &policy, |k| {
            effective.is_locked(k)
        });
        let mut m = Model {
            effective,
            shared: Arc::new(Mutex::new(Arc::clone(&policy))),
            policy,
            input: String::new(),
            source: Source::Pasted,
            analysis: None,
            screen: Screen::Check,
            draft: None,
            sent: None,
            status: None,
            outbox,
            reports: Vec::new(),
            urgent: None,
            settings,
            user_settings: UserSettings::default(),
            settings_path: None,
            start_at_login: false,
        };
        m.refresh_reports();
        crate::events::policy_problems(&m.policy, &m.effective.problems);
        m
    }

    /// The user's settings (saved in `path`) under the policy's locks.
    pub fn with_user_settings(mut self, user: UserSettings, path: Option<PathBuf>) -> Model {
        self.settings = self.resolve(&user);
        self.user_settings = user;
        self.settings_path = path;
        self
    }

    /// The settings in force with `user`'s choices.
    fn resolve(&self, user: &UserSettings) -> Resolved {
        resolve(user, &self.policy, |k| self.effective.is_locked(k))
    }

    /// The policy for the clipboard watcher: always the model's own.
    pub fn shared_policy(&self) -> Arc<Mutex<Arc<Policy>>> {
        Arc::clone(&self.shared)
    }

    /// A tab of the top bar: "My reports" re-reads the outbox, "Settings"
    /// asks whether start-at-login is on.
    pub fn show_screen(&mut self, screen: Screen) -> Effect {
        self.screen = screen;
        match screen {
            Screen::Reports => {
                self.refresh_reports();
                Effect::None
            }
            Screen::Settings => Effect::ReadStartAtLogin,
            Screen::Check | Screen::Report | Screen::Urgent => Effect::None,
        }
    }

    /// "Watch the clipboard for links" (unless the organisation locked it).
    pub fn set_watch_clipboard(&mut self, on: bool) -> Effect {
        if self.settings.watch_clipboard.locked {
            return Effect::None;
        }
        self.user_settings.watch_clipboard = Some(on);
        match self.save_settings() {
            Effect::None => Effect::Watch(on),
            problem => problem,
        }
    }

    /// "Start Second Look when I log in" (unless locked).
    pub fn set_start_at_login(&mut self, on: bool) -> Effect {
        if self.settings.start_at_login.locked {
            return Effect::None;
        }
        self.user_settings.start_at_login = Some(on);
        // The entry is changed even when the settings file cannot be saved.
        let _ = self.save_settings();
        Effect::StartAtLogin(on)
    }

    /// The notification level (unless locked).
    pub fn set_notify(&mut self, level: NotifyLevel) -> Effect {
        if self.settings.notify.locked {
            return Effect::None;
        }
        self.user_settings.notify = Some(level);
        self.save_settings()
    }

    /// The settings in force again, and the user's choices saved.
    fn save_settings(&mut self) -> Effect {
        self.settings = self.resolve(&self.user_settings);
        match &self.settings_path {
            Some(p) => match self.user_settings.save(p) {
                Ok(()) => Effect::None,
                Err(e) => Effect::Problem(e.to_string()),
            },
            None => Effect::None,
        }
    }

    /// The organisation's start-at-login value, when it is locked and
    /// differs from what is set.
    pub fn locked_start_at_login(&self) -> Effect {
        let s = self.settings.start_at_login;
        if s.locked && self.start_at_login != s.value {
            Effect::StartAtLogin(s.value)
        } else {
            Effect::None
        }
    }

    /// The paste box changed: check it again (microseconds for a text
    /// message; the text is capped at [`crate::MAX_TEXT_BYTES`]).
    pub fn set_input(&mut self, text: &str) {
        self.input = text.to_owned();
        self.input_edited();
    }

    /// [`Model::input`] was edited in place (the window's text box): it is
    /// now the user's text; check it again.
    pub fn input_edited(&mut self) {
        self.source = Source::Pasted;
        self.reanalyze();
    }

    fn reanalyze(&mut self) {
        self.analysis = if self.input.trim().is_empty() {
            None
        } else {
            Some(analyze(&self.input, &self.policy))
        };
        if let Some(a) = &self.analysis {
            crate::events::verdict(a, &self.policy, self.source.event_origin());
        }
    }

    /// The clipboard watcher checked new content: show it.
    pub fn show_checked(&mut self, text: String, analysis: Analysis, source: Source) {
        self.input = text;
        self.source = source;
        crate::events::verdict(&analysis, &self.policy, source.event_origin());
        self.analysis = Some(analysis);
        self.screen = Screen::Check;
        self.status = None;
    }

    /// A new effective policy (a layer file changed): re-check what is
    /// shown, and apply its settings (a locked start-at-login is returned).
    pub fn set_policy(&mut self, effective: Effective) -> Effect {
        let (policy, rest) = Layers::split(effective);
        self.policy = Arc::new(policy);
        self.effective = rest;
        match self.shared.lock() {
            Ok(mut p) => *p = Arc::clone(&self.policy),
            Err(poisoned) => *poisoned.into_inner() = Arc::clone(&self.policy),
        }
        crate::events::policy_problems(&self.policy, &self.effective.problems);
        self.reanalyze();
        self.settings = self.resolve(&self.user_settings);
        self.locked_start_at_login()
    }

    /// Clear the paste box.
    pub fn clear(&mut self) {
        self.input.clear();
        self.analysis = None;
        self.source = Source::Pasted;
    }

    /// "Report": prepare the report of what is shown and show its preview.
    /// With nothing to report, opens an empty paste box for the message.
    pub fn begin_report(&mut self) {
        self.sent = None;
        let Some(analysis) = &self.analysis else {
            self.screen = Screen::Check;
            self.status = Some("Paste the message you want to report into the box first.".into());
            return;
        };
        // Exactly the text the analysis covered (the first MAX_TEXT_BYTES),
        // as `secondlook report` does.
        let text = message_text(self.input.as_bytes());
        let report = Report::new(&text, None, Kind::Phishing, analysis, &self.policy);
        self.draft = Some(Draft {
            report,
            targets: outbox::targets(&self.policy),
            show_json: false,
        });
        self.screen = Screen::Report;
    }

    /// Set the note in the draft.
    pub fn set_note(&mut self, note: &str) {
        if let Some(d) = &mut self.draft {
            let n = note.trim();
            d.report.note = (!n.is_empty()).then(|| note.to_owned());
        }
    }

    /// Phishing or just spam.
    pub fn set_kind(&mut self, kind: Kind) {
        if let Some(d) = &mut self.draft {
            d.report.kind = kind;
        }
    }

    /// "Cancel": nothing is saved or sent.
    pub fn cancel_report(&mut self) {
        self.draft = None;
        self.screen = Screen::Check;
    }

    /// Where the report will go, in words, for the preview.
    pub fn destination(&self) -> String {
        let Some(d) = &self.draft else {
            return String::new();
        };
        match (&d.targets[..], &self.policy.report.email) {
            ([], Some(to)) => format!("Your mail program will open with this report, addressed to {to}."),
            ([], None) => "Your organisation has not said where reports go: it will be saved on this computer, not sent, for you to forward.".to_owned(),
            (t, _) => {
                let mut names: Vec<String> = t.iter().map(target_words).collect();
                names.dedup();
                format!("It will go to {}.", names.join(" and "))
            }
        }
    }

    /// The organisation says where reports go (a channel, or an address
    /// for the mail program). Without, the report is only saved here.
    pub fn has_destination(&self) -> bool {
        self.draft.as_ref().is_some_and(|d| !d.targets.is_empty())
            || self.policy.report.email.is_some()
    }

    /// The preview's button: "Send report", or "Save report" when there is
    /// nowhere to send it (never "sent" when it is not).
    pub fn send_label(&self) -> &'static str {
        if self.has_destination() {
            "Send report"
        } else {
            "Save report"
        }
    }

    /// A report's state for "My reports".
    pub fn state_label(entry: &Entry) -> &'static str {
        if entry.saved_only() {
            "Saved on this computer — not sent"
        } else if entry.delivered() {
            "Delivered"
        } else {
            "Waiting to be delivered"
        }
    }

    /// The text of report `id` to copy for forwarding: subject and the
    /// readable report, exactly as it would have been sent.
    pub fn report_text(&self, id: &str) -> Option<String> {
        let e = self.reports.iter().find(|e| e.report.id == id)?;
        Some(format!(
            "Subject: {}\n\n{}",
            e.report.subject(),
            e.report.readable()
        ))
    }

    /// "Send": save the report durably in the outbox (before any delivery
    /// is tried). Returns [`Effect::Deliver`] to deliver it off the UI
    /// thread, or nothing when nothing is to be sent over the network
    /// (mail client, no channel, or the save failed; see [`Model::sent`]).
    pub fn confirm_report(&mut self) -> Effect {
        let Some(draft) = self.draft.take() else {
            return Effect::None;
        };
        self.screen = Screen::Reports;
        let Some(outbox) = &self.outbox else {
            self.sent = Some(Sent::Failed(
                "The report could not be saved: this system gives Second Look no data folder (set SECONDLOOK_DATA_DIR). Nothing was sent.".into(),
            ));
            return Effect::None;
        };
        let no_channel = draft.targets.is_empty();
        let entry = match outbox.enqueue(draft.report, draft.targets) {
            Ok(e) => e,
            Err(e) => {
                self.sent = Some(Sent::Failed(format!("The report was NOT saved: {e}")));
                return Effect::None;
            }
        };
        crate::events::report(&entry.report, &self.policy, "window");
        let id = entry.report.id.clone();
        self.sent = Some(if no_channel {
            match &self.policy.report.email {
                Some(to) => Sent::MailClient {
                    id,
                    mailto: deliver::mailto(&entry.report, to),
                },
                None => Sent::SavedOnly {
                    id: id.clone(),
                    path: outbox
                        .dir()
                        .join(format!("{id}.json"))
                        .display()
                        .to_string(),
                },
            }
        } else {
            Sent::Queued { id }
        });
        self.refresh_reports();
        if no_channel {
            Effect::None
        } else {
            Effect::Deliver(entry.report.id)
        }
    }

    /// "I already opened it / typed my password or code": show what to do
    /// now at once (from the policy, offline) and prepare the urgent report
    /// of what is shown (nothing is sent until the user says so).
    pub fn begin_urgent(&mut self) {
        if self.urgent.as_ref().is_none_or(|u| u.sent.is_some()) {
            self.urgent = Some(Urgent::default());
        }
        self.screen = Screen::Urgent;
    }

    /// Tick or untick one of [`ENTERED_CHOICES`].
    pub fn set_entered(&mut self, what: Entered, on: bool) {
        if let Some(u) = &mut self.urgent {
            u.entered.retain(|e| *e != what);
            if on {
                u.entered.push(what);
                u.entered.sort_by_key(|e| {
                    ENTERED_CHOICES
                        .iter()
                        .position(|(c, _)| c == e)
                        .unwrap_or(usize::MAX)
                });
            }
        }
    }

    /// The steps to take now, from the policy and what the user ticked:
    /// no network needed.
    pub fn what_to_do(&self) -> Vec<String> {
        let entered = self
            .urgent
            .as_ref()
            .map(|u| u.entered.clone())
            .unwrap_or_default();
        let org = &self.policy.organization;
        let has = |e: Entered| entered.contains(&e);
        let nothing_ticked = entered.is_empty();
        let mut steps = Vec::new();
        let call = match (&org.help_phone, &org.help_hours) {
            (Some(p), Some(h)) => Some(format!("Call the help desk now: {p} ({h}).")),
            (Some(p), None) => Some(format!("Call the help desk now: {p}.")),
            (None, _) => org
                .help_contact
                .as_ref()
                .map(|c| format!("Contact your security team now: {c}.")),
        };
        if has(Entered::InstalledApp) {
            steps.push("Disconnect this computer from the network now (turn Wi-Fi off or unplug the cable), but leave it switched on.".to_owned());
        }
        if has(Entered::Code) || has(Entered::ApprovedPush) {
            steps.push("Someone may be signing in as you right now: a code or an approved request lets them in.".to_owned());
        }
        steps.push(call.unwrap_or_else(|| {
            "Call your IT help desk now, on the number you already know (not one from the message).".to_owned()
        }));
        if nothing_ticked
            || has(Entered::Password)
            || has(Entered::Code)
            || has(Entered::ApprovedPush)
        {
            let place = org.sign_in.first().or(org.help_url.as_ref()).map_or_else(
                || "your organisation's real sign-in page".to_owned(),
                |u| format!("{u} (type it yourself; do not use the message's link)"),
            );
            steps.push(format!("Change your password now at {place}. If you used it anywhere else, change it there too."));
        }
        if has(Entered::OpenedLink) && !has(Entered::Password) {
            steps.push("Close the page and do not type anything into it.".to_owned());
        }
        if has(Entered::CalledNumber) {
            steps.push(
                "Do not call back. Tell the help desk what you said or gave on the call."
                    .to_owned(),
            );
        }
        steps.push("Do not delete the message yet: your security team may need it.".to_owned());
        steps
    }

    /// "Tell my security team now": save the urgent report (the message
    /// shown, if any, and what the user ticked) in the outbox before any
    /// delivery; returns the delivery to start, like [`Model::confirm_report`].
    /// Offline, it waits in the outbox and the steps stay on screen.
    pub fn send_urgent(&mut self) -> Effect {
        let Some(u) = self.urgent.as_mut() else {
            return Effect::None;
        };
        if u.sent.is_some() {
            return Effect::None;
        }
        let text = message_text(self.input.as_bytes());
        let analysis = match &self.analysis {
            Some(a) => a.clone(),
            None => analyze("", &self.policy),
        };
        let note = u.note.trim();
        let report = Report::new(
            &text,
            (!note.is_empty()).then_some(note),
            Kind::Phishing,
            &analysis,
            &self.policy,
        )
        .mark_urgent(u.entered.clone());
        let targets = outbox::targets(&self.policy);
        let Some(outbox) = &self.outbox else {
            u.sent = Some(Sent::Failed(
                "The report could not be saved: this system gives Second Look no data folder (set SECONDLOOK_DATA_DIR). Call the help desk instead.".into(),
            ));
            return Effect::None;
        };
        let no_channel = targets.is_empty();
        let entry = match outbox.enqueue(report, targets) {
            Ok(e) => e,
            Err(e) => {
                u.sent = Some(Sent::Failed(format!(
                    "The report was NOT saved ({e}). Call the help desk instead."
                )));
                return Effect::None;
            }
        };
        crate::events::report(&entry.report, &self.policy, "window");
        let id = entry.report.id.clone();
        u.sent = Some(if no_channel {
            match &self.policy.report.email {
                Some(to) => Sent::MailClient {
                    id,
                    mailto: deliver::mailto(&entry.report, to),
                },
                None => Sent::SavedOnly {
                    id: id.clone(),
                    path: outbox
                        .dir()
                        .join(format!("{id}.json"))
                        .display()
                        .to_string(),
                },
            }
        } else {
            Sent::Queued { id }
        });
        self.refresh_reports();
        if no_channel {
            Effect::None
        } else {
            Effect::Deliver(entry.report.id)
        }
    }

    /// Re-read the outbox (newest first).
    pub fn refresh_reports(&mut self) {
        if let Some(o) = &self.outbox {
            let (mut entries, _) = o.list();
            entries.sort_by(|a, b| b.report.created.cmp(&a.report.created));
            self.reports = entries;
        }
    }

    /// The thank-you for the last report, once every channel has it.
    pub fn thank_you(&self) -> Option<String> {
        let id = match self.sent.as_ref()? {
            Sent::Queued { id } | Sent::MailClient { id, .. } | Sent::SavedOnly { id, .. } => id,
            Sent::Failed(_) => return None,
        };
        let entry = self.reports.iter().find(|e| &e.report.id == id)?;
        let manual = !matches!(self.sent, Some(Sent::Queued { .. }));
        (entry.delivered() && (!manual || entry.report.training))
            .then(|| entry.report.thank_you(&self.policy))
    }

    /// The organisation's real sign-in pages, for "Go to the real sign-in
    /// page": from the policy only, never from the analysed text.
    pub fn real_sign_in(&self) -> Option<String> {
        let a = self.analysis.as_ref()?;
        for l in &a.links {
            if l.verdict >= crate::Verdict::Suspicious
                && let Some(b) = &l.brand
                && let Some(s) = b.sign_in().first()
            {
                return Some(s.clone());
            }
        }
        self.policy.organization.sign_in.first().cloned()
    }

    /// "Go to the real sign-in page": the policy's, never the text's.
    pub fn go_to_sign_in(&self) -> Effect {
        self.real_sign_in().map_or(Effect::None, Effect::Open)
    }

    /// The policy card's help page.
    pub fn open_help(&self) -> Effect {
        self.policy
            .organization
            .help_url
            .clone()
            .map_or(Effect::None, Effect::Open)
    }

    /// "Open my mail program" for the report saved for the mail client
    /// (the urgent one on the urgent screen).
    pub fn open_mail_program(&self) -> Effect {
        let sent = if self.screen == Screen::Urgent {
            self.urgent.as_ref().and_then(|u| u.sent.as_ref())
        } else {
            self.sent.as_ref()
        };
        match sent {
            Some(Sent::MailClient { mailto, .. }) => Effect::Open(mailto.clone()),
            _ => Effect::None,
        }
    }

    /// "Open the folder": the outbox's.
    pub fn open_outbox_folder(&self) -> Effect {
        self.outbox
            .as_ref()
            .map_or(Effect::None, |o| Effect::OpenFolder(o.dir().to_owned()))
    }

    /// "Copy the report text" of report `id`, for forwarding.
    pub fn copy_report_text(&self, id: &str) -> Effect {
        self.report_text(id).map_or(Effect::None, Effect::Copy)
    }

    /// "Retry now" on the reports screen.
    pub fn retry_now(&self) -> Effect {
        if self.outbox.is_some() {
            Effect::RetryNow
        } else {
            Effect::None
        }
    }
}

/// Where a report goes, in words (the server's address is for IT: the
/// window shows [`Target::describe`] on hover).
pub fn target_words(t: &Target) -> String {
    match t {
        Target::Smtp { to, .. } => format!("your security team's mailbox ({to})"),
        Target::Webhook(_) => "your security team's reporting system".to_owned(),
    }
}

/// Deliver report `id` (already saved) on a background thread, then keep
/// retrying the whole outbox with backoff for up to a day while the app
/// runs; `done` is called after the first attempt (to refresh the window).
pub fn deliver_in_background(
    outbox: Outbox,
    id: String,
    done: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("report-delivery".into())
        .spawn(move || {
            // Errors are kept in the entry (last_error) and shown in the window;
            // sent under the outbox's send lock, from the state on disk.
            let _ = deliver::send_now(&outbox, &id);
            done();
            deliver::send_until_delivered(&outbox, std::time::Duration::from_secs(24 * 3600));
            done();
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;
    use crate::policy::layers::{Locations, load};

    fn model(policy: &str) -> (tempfile::TempDir, Model) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("managed.toml");
        std::fs::write(&p, policy).unwrap_or_else(|e| panic!("{e}"));
        let eff = load(&Locations {
            managed: vec![p],
            user: vec![],
            data_dir: None,
        });
        let outbox = Outbox::new(dir.path());
        (dir, Model::new(eff, Some(outbox)))
    }

    #[test]
    fn paste_check_report_to_the_mail_client() {
        let policy = format!(
            "{}\n[report]\nemail = \"phishing@twilio.example\"\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let (_d, mut m) = model(&policy);
        m.set_input("Your schedule changed: twilio-okta.com");
        assert_eq!(
            m.analysis.as_ref().map(|a| a.verdict),
            Some(Verdict::Dangerous)
        );
        assert_eq!(m.real_sign_in().as_deref(), Some("https://twilio.okta.com"));
        m.begin_report();
        assert_eq!(m.screen, Screen::Report);
        m.set_note("from +1 555 0100");
        m.set_kind(Kind::Junk);
        let d = m.draft.as_ref().map(|d| d.report.clone());
        assert_eq!(
            d.as_ref().and_then(|r| r.note.as_deref()),
            Some("from +1 555 0100")
        );
        assert!(
            m.destination().contains("mail program"),
            "{}",
            m.destination()
        );
        assert!(
            m.confirm_report() == Effect::None,
            "no network channel configured"
        );
        match &m.sent {
            Some(Sent::MailClient { mailto, .. }) => {
                assert!(mailto.starts_with("mailto:"), "{mailto}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(m.reports.len(), 1);
        assert_eq!(m.reports.first().map(|e| e.report.kind), Some(Kind::Junk));
    }

    /// The window's verdicts, clipboard verdicts and reports reach the
    /// system log (a real datagram listener here) as events without the
    /// text; a verdict shown again is written once.
    #[cfg(unix)]
    #[test]
    fn verdicts_and_reports_are_events_for_the_soc_without_the_text() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("journal.sock");
        let sock = std::os::unix::net::UnixDatagram::bind(&path).unwrap_or_else(|e| panic!("{e}"));
        sock.set_nonblocking(true).unwrap_or_else(|e| panic!("{e}"));
        let events = || {
            let mut out = Vec::new();
            let mut buf = vec![0u8; 65536];
            while let Ok(n) = sock.recv(&mut buf) {
                out.push(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
            out
        };
        crate::events::set_test_sink(crate::events::Sink::Journal(path.clone()));
        let (_d, mut m) = model(crate::rules::testing::TWILIO_POLICY);
        let text = "Ticket 90210: schedule changed, see https://twilio-okta.com/s?u=bob";
        m.set_input(text);
        m.set_input(text);
        let got = events();
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("SECONDLOOK_ORIGIN=window\n")
                && got[0].contains("SECONDLOOK_DOMAIN=twilio-okta.com\n"),
            "{got:?}"
        );
        let a = analyze("copied: twilio-okta.net", &m.policy);
        m.show_checked("copied: twilio-okta.net".into(), a, Source::Clipboard);
        m.set_input(text);
        m.begin_report();
        m.set_note("from bob's phone");
        let _ = m.confirm_report();
        let got = events();
        crate::events::set_test_sink(crate::events::Sink::Off);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].contains("SECONDLOOK_ORIGIN=clipboard\n")
                && got[0].contains("SECONDLOOK_DOMAIN=twilio-okta.net\n"),
            "{got:?}"
        );
        assert!(
            got[2].contains("SECONDLOOK_EVENT=report\n")
                && got[2].contains("SECONDLOOK_REPORT_ID="),
            "{got:?}"
        );
        for e in &got {
            for secret in ["90210", "bob", "/s?u", "https://", "copied:"] {
                assert!(!e.contains(secret), "{secret:?} in {e}");
            }
        }
    }

    #[test]
    fn a_report_carries_exactly_the_text_that_was_analysed() {
        let (_d, mut m) = model(crate::rules::testing::TWILIO_POLICY);
        m.set_input(&format!(
            "{}é twilio-okta.net",
            "a".repeat(crate::MAX_TEXT_BYTES - 1)
        ));
        let notes = m
            .analysis
            .as_ref()
            .map(|a| a.notes.clone())
            .unwrap_or_default();
        assert!(
            notes.iter().any(|n| n.starts_with("Only the first")),
            "{notes:?}"
        );
        m.begin_report();
        let text = m
            .draft
            .as_ref()
            .map(|d| d.report.text.clone())
            .unwrap_or_default();
        assert_eq!(
            text.len(),
            crate::MAX_TEXT_BYTES - 1,
            "cut before the split 'é'"
        );
        assert!(m.input.starts_with(&text));
    }

    #[test]
    fn cancel_saves_nothing() {
        let (_d, mut m) = model(crate::rules::testing::TWILIO_POLICY);
        m.set_input("twilio-sso.com");
        m.begin_report();
        m.cancel_report();
        assert!(m.draft.is_none());
        assert_eq!(m.screen, Screen::Check);
        m.refresh_reports();
        assert!(m.reports.is_empty());
    }

    #[test]
    fn nowhere_to_send_is_saved_not_delivered() {
        let (_d, mut m) = model(crate::rules::testing::TWILIO_POLICY);
        m.set_input("Your schedule changed: twilio-okta.com");
        m.begin_report();
        assert_eq!(m.send_label(), "Save report");
        assert!(m.destination().contains("not sent"), "{}", m.destination());
        assert_eq!(m.confirm_report(), Effect::None);
        let id = match &m.sent {
            Some(Sent::SavedOnly { id, path }) => {
                assert!(std::path::Path::new(path).exists(), "{path}");
                id.clone()
            }
            other => panic!("{other:?}"),
        };
        let e = m
            .reports
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("saved"));
        assert_eq!(Model::state_label(&e), "Saved on this computer — not sent");
        assert_eq!(m.thank_you(), None, "no thanks: nobody has it");
        let text = m.report_text(&id).unwrap_or_default();
        assert!(
            text.starts_with("Subject: Phishing: Second Look report – twilio-okta.com"),
            "{text}"
        );
        assert!(text.contains("Your schedule changed: twilio-okta.com"));
    }

    #[test]
    fn with_a_destination_the_button_sends() {
        let policy = format!(
            "{}\n[report]\nemail = \"phishing@twilio.example\"\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let (_d, mut m) = model(&policy);
        m.set_input("twilio-okta.com");
        m.begin_report();
        assert_eq!(m.send_label(), "Send report");
    }

    #[test]
    fn reporting_nothing_asks_for_the_message() {
        let (_d, mut m) = model("");
        m.begin_report();
        assert!(m.draft.is_none());
        assert!(m.status.is_some());
    }

    #[test]
    fn the_urgent_path_shows_the_policy_s_steps_and_saves_an_urgent_report_offline() {
        let policy = crate::rules::testing::TWILIO_POLICY.replace(
            "sign_in = [\"https://twilio.okta.com\"]",
            "sign_in = [\"https://twilio.okta.com\"]\nhelp_phone = \"+1 555 0100\"\nhelp_hours = \"24/7\"",
        ) + "\n[[report.webhook]]\nurl = \"http://127.0.0.1:9/report\"\n";
        let (_d, mut m) = model(&policy);
        assert!(
            m.effective.problems.is_empty(),
            "{:?}",
            m.effective.problems
        );
        m.set_input("Your schedule changed: twilio-okta.com");
        m.begin_urgent();
        assert_eq!(m.screen, Screen::Urgent);
        // The steps are there at once, before anything is ticked or sent.
        let steps = m.what_to_do().join("\n");
        assert!(
            steps.contains("Call the help desk now: +1 555 0100 (24/7)."),
            "{steps}"
        );
        assert!(
            steps.contains("Change your password now at https://twilio.okta.com"),
            "{steps}"
        );
        m.set_entered(Entered::Code, true);
        m.set_entered(Entered::Password, true);
        m.set_entered(Entered::OpenedLink, true);
        m.set_entered(Entered::OpenedLink, false);
        assert!(m.what_to_do().join(" ").contains("signing in as you"));
        let Effect::Deliver(id) = m.send_urgent() else {
            panic!("{:?}", m.urgent.as_ref().map(|u| u.sent.clone()))
        };
        let r = m
            .reports
            .iter()
            .find(|e| e.report.id == id)
            .map(|e| e.report.clone())
            .unwrap_or_else(|| panic!("{id} saved"));
        assert!(r.urgent);
        assert_eq!(r.entered, vec![Entered::Password, Entered::Code]);
        assert_eq!(r.text, "Your schedule changed: twilio-okta.com");
        // Saved (nothing delivered: the server is unreachable) and shown.
        assert_eq!(m.reports.len(), 1);
        assert!(!m.reports[0].delivered());
        assert!(matches!(
            m.urgent.as_ref().and_then(|u| u.sent.clone()),
            Some(Sent::Queued { .. })
        ));
        assert_eq!(m.send_urgent(), Effect::None, "one click, one report");
        assert_eq!(m.reports.len(), 1);
    }

    #[test]
    fn the_urgent_path_works_with_nothing_shown_and_no_phone_in_the_policy() {
        let (_d, mut m) = model("");
        m.begin_urgent();
        let steps = m.what_to_do().join("\n");
        assert!(steps.contains("Call your IT help desk now"), "{steps}");
        assert!(
            steps.contains("your organisation's real sign-in page"),
            "{steps}"
        );
        assert!(
            m.send_urgent() == Effect::None,
            "no channel: saved for forwarding"
        );
        assert!(matches!(
            m.urgent.as_ref().and_then(|u| u.sent.clone()),
            Some(Sent::SavedOnly { .. })
        ));
        assert_eq!(m.reports.first().map(|e| e.report.urgent), Some(true));
    }

    #[test]
    fn clicks_that_leave_the_model_are_effects() {
        let policy = format!(
            "{}\n[report]\nemail = \"phishing@twilio.example\"\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let (d, mut m) = model(&policy);
        m.set_input("Your schedule changed: twilio-okta.com");
        assert_eq!(
            m.go_to_sign_in(),
            Effect::Open("https://twilio.okta.com".into())
        );
        assert_eq!(m.open_mail_program(), Effect::None, "nothing saved yet");
        m.begin_report();
        assert_eq!(m.confirm_report(), Effect::None, "the mail client sends it");
        let Effect::Open(mailto) = m.open_mail_program() else {
            panic!("{:?}", m.sent)
        };
        assert!(
            mailto.starts_with("mailto:phishing@twilio.example"),
            "{mailto}"
        );
        let id = m.reports[0].report.id.clone();
        assert!(matches!(m.copy_report_text(&id), Effect::Copy(t) if t.starts_with("Subject: ")));
        assert_eq!(m.copy_report_text("no-such-report"), Effect::None);
        assert_eq!(
            m.open_outbox_folder(),
            Effect::OpenFolder(d.path().join("outbox"))
        );
        assert_eq!(m.retry_now(), Effect::RetryNow);
        assert_eq!(m.show_screen(Screen::Settings), Effect::ReadStartAtLogin);
        assert_eq!(m.show_screen(Screen::Reports), Effect::None);
        assert_eq!(m.screen, Screen::Reports);
    }

    #[test]
    fn settings_are_saved_and_locked_ones_do_nothing() {
        let managed = format!(
            "{}\n[desktop]\nstart_at_login = true\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let (d, m) = model(&managed);
        let path = d.path().join("settings.toml");
        let mut m = m.with_user_settings(UserSettings::default(), Some(path.clone()));
        assert_eq!(m.set_watch_clipboard(false), Effect::Watch(false));
        assert!(!m.settings.watch_clipboard.value);
        assert_eq!(UserSettings::load(&path).watch_clipboard, Some(false));
        assert_eq!(m.set_notify(NotifyLevel::Dangerous), Effect::None);
        assert_eq!(m.settings.notify.value, NotifyLevel::Dangerous);
        // The organisation set start-at-login: the click changes nothing,
        // and the app is told to put the entry back when it differs.
        assert!(m.settings.start_at_login.locked);
        assert_eq!(m.set_start_at_login(false), Effect::None);
        m.start_at_login = false;
        assert_eq!(m.locked_start_at_login(), Effect::StartAtLogin(true));
        m.start_at_login = true;
        assert_eq!(m.locked_start_at_login(), Effect::None);
        // A settings file that cannot be written is said, not hidden.
        let blocker = d.path().join("a-file");
        std::fs::write(&blocker, "").unwrap_or_else(|e| panic!("{e}"));
        let mut m =
            m.with_user_settings(UserSettings::default(), Some(blocker.join("settings.toml")));
        assert!(matches!(m.set_notify(NotifyLevel::Off), Effect::Problem(_)));
    }

    #[test]
    fn the_app_holds_one_policy_which_the_watcher_shares() {
        let (d, mut m) = model(crate::rules::testing::TWILIO_POLICY);
        let shared = m.shared_policy();
        let same = |m: &Model| {
            shared
                .lock()
                .map(|p| Arc::ptr_eq(&p, &m.policy))
                .unwrap_or(false)
        };
        assert!(same(&m));
        m.set_input("https://console.twilio.com");
        assert_eq!(m.analysis.as_ref().map(|a| a.verdict), Some(Verdict::Safe));
        // A new policy (what the policy-watch thread sends): the window and
        // the watcher both use it, one copy.
        let p = d.path().join("other.toml");
        std::fs::write(&p, "").unwrap_or_else(|e| panic!("{e}"));
        let _ = m.set_policy(load(&Locations {
            managed: vec![p],
            user: vec![],
            data_dir: None,
        }));
        assert!(same(&m));
        assert!(!m.policy.brands.iter().any(|b| b.name == "Twilio"));
        assert_ne!(
            m.analysis.as_ref().map(|a| a.verdict),
            Some(Verdict::Safe),
            "what is shown is checked again"
        );
    }
}
