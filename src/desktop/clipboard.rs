//! The clipboard watcher: a background thread that notices new clipboard
//! content cheaply, skips what password managers mark secret, analyses new
//! text (and QR codes in copied images) off the UI thread, and hands the
//! result to the UI through a callback that sends on a channel and wakes
//! the window.
//!
//! Privacy: clipboard text is held only in memory, only when it contains a
//! link, and only as long as the window shows it. Nothing is written,
//! logged or sent; content marked secret is not even read.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::analysis::{Analysis, analyze_bytes};
use crate::policy::Policy;

/// How often the watcher looks for a change.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// At most this much clipboard text is read (a message, not a document).
pub const MAX_CLIPBOARD_BYTES: usize = 64 * 1024;
/// Images larger than this (pixels) are not scanned for QR codes.
pub const MAX_IMAGE_PIXELS: usize = 4096 * 4096;

/// What the clipboard holds, as far as the watcher may know.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Clip {
    /// Text (at most the cap; `total` is its full length in bytes).
    Text {
        /// The first bytes.
        text: String,
        /// The full length.
        total: usize,
    },
    /// An image, RGBA 8-bit.
    Image {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
        /// `width * height * 4` bytes.
        rgba: Vec<u8>,
    },
    /// Marked secret by a password manager: not read.
    Concealed,
    /// Nothing we read (empty, files, unknown formats).
    #[default]
    Empty,
}

/// A clipboard the watcher can read. Implemented for the real system
/// clipboard by the app, and by fakes in tests.
pub trait ClipboardSource: Send {
    /// A value that changes whenever the clipboard content changes, when
    /// the platform offers one cheaply (X11 XFixes events, macOS
    /// `changeCount`, Windows sequence number). `None`: not available; the
    /// watcher then reads and compares a hash.
    fn change_token(&mut self) -> Option<u64>;
    /// Read the clipboard: first check for a password manager's secret
    /// marker (then return [`Clip::Concealed`] without reading), then read
    /// at most `max_text` bytes of text, or an image.
    fn read(&mut self, max_text: usize) -> Result<Clip, String>;
}

/// Where a checked text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Copied text.
    Text,
    /// A QR code in a copied image.
    QrCode,
}

/// What the watcher tells the UI.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// New clipboard content with at least one link, analysed.
    Checked {
        /// The text (for the window and a report the user may choose to send).
        text: String,
        /// Its analysis.
        analysis: Box<Analysis>,
        /// Text or QR code.
        origin: Origin,
    },
    /// New content was marked secret and was not read.
    SkippedSecret,
    /// The clipboard holds nothing to check (no link, empty, an image
    /// without a QR code); only sent for "Check clipboard now".
    NothingToCheck,
    /// The clipboard could not be read (shown in the window, not logged).
    Unavailable(String),
}

/// What the UI tells the watcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Stop watching until the given time (`None`: until resumed).
    Pause(Option<Instant>),
    /// Watch again.
    Resume,
    /// Read the clipboard now, even when paused or unchanged.
    CheckNow,
    /// End the thread.
    Quit,
}

/// Decodes QR codes in an image (feature `gui` provides one with `rqrr`).
pub type QrDecoder = fn(width: usize, height: usize, rgba: &[u8]) -> Vec<String>;

/// The watcher's loop state; [`Watcher::step`] is one poll, so tests drive
/// it without threads or timers.
pub struct Watcher<C: ClipboardSource> {
    source: C,
    policy: Arc<Mutex<Arc<Policy>>>,
    qr: Option<QrDecoder>,
    last_token: Option<u64>,
    last_hash: Option<u64>,
    paused_until: Option<Option<Instant>>,
    primed: bool,
}

impl<C: ClipboardSource> Watcher<C> {
    /// A watcher reading `source`, analysing under the shared `policy`
    /// (the UI replaces it when the policy changes).
    pub fn new(source: C, policy: Arc<Mutex<Arc<Policy>>>, qr: Option<QrDecoder>) -> Self {
        Watcher {
            source,
            policy,
            qr,
            last_token: None,
            last_hash: None,
            paused_until: None,
            primed: false,
        }
    }

    /// Remember the content present at start, so that what was copied
    /// before the app started is not announced.
    pub fn prime(&mut self) {
        self.primed = true;
        self.last_token = self.source.change_token();
        if let Ok(clip) = self.source.read(MAX_CLIPBOARD_BYTES) {
            self.last_hash = Some(hash_clip(&clip));
        }
    }

    /// Is watching paused now?
    pub fn paused(&self, now: Instant) -> bool {
        match self.paused_until {
            None => false,
            Some(None) => true,
            Some(Some(until)) => now < until,
        }
    }

    /// Apply a control message; returns false for [`Control::Quit`].
    pub fn control(&mut self, c: Control) -> bool {
        match c {
            Control::Pause(until) => self.paused_until = Some(until),
            Control::Resume => self.paused_until = None,
            Control::CheckNow | Control::Quit => {}
        }
        c != Control::Quit
    }

    /// One poll. `force`: "Check clipboard now" (read even if paused or
    /// unchanged, and say when there is nothing to check).
    pub fn step(&mut self, force: bool, now: Instant) -> Option<WatchEvent> {
        if !force && self.paused(now) {
            return None;
        }
        if let Some(Some(until)) = self.paused_until
            && now >= until
        {
            self.paused_until = None;
        }
        let token = self.source.change_token();
        if !force && token.is_some() && token == self.last_token {
            return None;
        }
        self.last_token = token;
        let clip = match self.source.read(MAX_CLIPBOARD_BYTES) {
            Ok(c) => c,
            Err(e) => return force.then_some(WatchEvent::Unavailable(e)),
        };
        let hash = hash_clip(&clip);
        if !force && self.last_hash == Some(hash) {
            return None;
        }
        self.last_hash = Some(hash);
        let nothing = force.then_some(WatchEvent::NothingToCheck);
        let (text, total, origin) = match clip {
            Clip::Concealed => return Some(WatchEvent::SkippedSecret),
            Clip::Empty => return nothing,
            Clip::Text { text, total } => (text, total, Origin::Text),
            Clip::Image {
                width,
                height,
                rgba,
            } => {
                let decode = self.qr?;
                if width.saturating_mul(height) > MAX_IMAGE_PIXELS
                    || rgba.len() < width.saturating_mul(height).saturating_mul(4)
                {
                    return nothing;
                }
                let codes = decode(width, height, &rgba);
                if codes.is_empty() {
                    return nothing;
                }
                let text = codes.join("\n");
                let total = text.len();
                (text, total, Origin::QrCode)
            }
        };
        let policy = match self.policy.lock() {
            Ok(p) => Arc::clone(&p),
            Err(p) => Arc::clone(&p.into_inner()),
        };
        let analysis = analyze_bytes(text.as_bytes(), total, &policy);
        if analysis.links.is_empty() {
            // Text without a link is dropped here: it is not the app's business.
            return nothing;
        }
        Some(WatchEvent::Checked {
            text,
            analysis: Box::new(analysis),
            origin,
        })
    }
}

fn hash_clip(clip: &Clip) -> u64 {
    let mut h = DefaultHasher::new();
    match clip {
        Clip::Text { text, total } => (0u8, text, total).hash(&mut h),
        Clip::Image {
            width,
            height,
            rgba,
        } => (1u8, width, height, rgba).hash(&mut h),
        Clip::Concealed => 2u8.hash(&mut h),
        Clip::Empty => 3u8.hash(&mut h),
    }
    h.finish()
}

/// Run the watcher on its own thread (priming it there unless the caller
/// already did): poll every [`POLL_INTERVAL`] while
/// `enabled`, obey `control`, and pass each event to `emit` (which sends it
/// to the UI and wakes it).
pub fn spawn<C: ClipboardSource + 'static>(
    mut watcher: Watcher<C>,
    control: Receiver<Control>,
    emit: impl Fn(WatchEvent) + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("clipboard-watch".into())
        .spawn(move || {
            if !watcher.primed {
                watcher.prime();
            }
            loop {
                let force = match control.recv_timeout(POLL_INTERVAL) {
                    Ok(c) => {
                        if !watcher.control(c) {
                            return;
                        }
                        c == Control::CheckNow
                    }
                    Err(RecvTimeoutError::Timeout) => false,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                if let Some(ev) = watcher.step(force, Instant::now()) {
                    emit(ev);
                }
            }
        })
}

/// A control channel for [`spawn`].
pub fn control_channel() -> (Sender<Control>, Receiver<Control>) {
    std::sync::mpsc::channel()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;

    /// A clipboard in memory that counts what was read.
    #[derive(Default)]
    struct Fake {
        clip: Arc<Mutex<(u64, Clip)>>,
        reads: Arc<Mutex<Vec<String>>>,
    }

    impl ClipboardSource for Fake {
        fn change_token(&mut self) -> Option<u64> {
            self.clip.lock().ok().map(|c| c.0)
        }
        fn read(&mut self, max: usize) -> Result<Clip, String> {
            let c = self.clip.lock().map_err(|e| e.to_string())?.1.clone();
            if let Clip::Text { text, .. } = &c {
                assert!(text.len() <= max);
                if let Ok(mut r) = self.reads.lock() {
                    r.push(text.clone());
                }
            }
            Ok(c)
        }
    }

    type Shared = Arc<Mutex<(u64, Clip)>>;
    type Reads = Arc<Mutex<Vec<String>>>;

    fn set(f: &Shared, clip: Clip) {
        if let Ok(mut c) = f.lock() {
            c.0 += 1;
            c.1 = clip;
        }
    }

    fn text(s: &str) -> Clip {
        Clip::Text {
            text: s.to_owned(),
            total: s.len(),
        }
    }

    fn watcher() -> (Watcher<Fake>, Shared, Reads) {
        let fake = Fake::default();
        let clip = Arc::clone(&fake.clip);
        let reads = Arc::clone(&fake.reads);
        let policy = Arc::new(Mutex::new(Arc::new(crate::rules::testing::twilio())));
        (Watcher::new(fake, policy, None), clip, reads)
    }

    #[test]
    fn a_copied_lookalike_is_analysed_once() {
        let (mut w, clip, _) = watcher();
        w.prime();
        let now = Instant::now();
        assert!(w.step(false, now).is_none(), "nothing new");
        set(&clip, text("log in at twilio-okta.net now"));
        match w.step(false, now) {
            Some(WatchEvent::Checked {
                analysis, origin, ..
            }) => {
                assert_eq!(analysis.verdict, Verdict::Dangerous);
                assert_eq!(origin, Origin::Text);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            w.step(false, now).is_none(),
            "same content, no second event"
        );
    }

    #[test]
    fn concealed_content_is_skipped_without_being_read() {
        let (mut w, clip, reads) = watcher();
        w.prime();
        set(&clip, Clip::Concealed);
        assert!(matches!(
            w.step(false, Instant::now()),
            Some(WatchEvent::SkippedSecret)
        ));
        assert!(reads.lock().map(|r| r.is_empty()).unwrap_or(false));
    }

    #[test]
    fn text_without_links_stays_silent_unless_asked() {
        let (mut w, clip, _) = watcher();
        w.prime();
        set(&clip, text("see you at 6"));
        assert!(w.step(false, Instant::now()).is_none());
        assert!(matches!(
            w.step(true, Instant::now()),
            Some(WatchEvent::NothingToCheck)
        ));
    }

    #[test]
    fn pause_for_a_while_then_resume_by_itself() {
        let (mut w, clip, _) = watcher();
        w.prime();
        let now = Instant::now();
        w.control(Control::Pause(Some(now + Duration::from_secs(900))));
        set(&clip, text("twilio-sso.com"));
        assert!(w.step(false, now).is_none(), "paused");
        assert!(
            matches!(w.step(true, now), Some(WatchEvent::Checked { .. })),
            "check now works while paused"
        );
        set(&clip, text("twilio-okta.com"));
        assert!(
            matches!(
                w.step(false, now + Duration::from_secs(901)),
                Some(WatchEvent::Checked { .. })
            ),
            "resumed after the pause"
        );
        w.control(Control::Pause(None));
        assert!(w.paused(now + Duration::from_secs(100_000)));
        w.control(Control::Resume);
        assert!(!w.paused(now));
    }

    #[test]
    fn qr_codes_in_images_are_decoded_and_checked() {
        fn decoder(_w: usize, _h: usize, _rgba: &[u8]) -> Vec<String> {
            vec!["https://twilio-okta.com/login".to_owned()]
        }
        let (mut w, clip, _) = watcher();
        w.qr = Some(decoder);
        w.prime();
        set(
            &clip,
            Clip::Image {
                width: 2,
                height: 2,
                rgba: vec![0; 16],
            },
        );
        match w.step(false, Instant::now()) {
            Some(WatchEvent::Checked {
                origin, analysis, ..
            }) => {
                assert_eq!(origin, Origin::QrCode);
                assert_eq!(analysis.verdict, Verdict::Dangerous);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_thread_reports_through_the_callback_and_quits() {
        let (mut w, clip, _) = watcher();
        w.prime();
        let (ctl, rx) = control_channel();
        let (tx, events) = std::sync::mpsc::channel();
        let handle = spawn(w, rx, move |e| {
            let _ = tx.send(e);
        })
        .unwrap_or_else(|e| panic!("{e}"));
        set(&clip, text("twilio-okta.net"));
        let got = events.recv_timeout(Duration::from_secs(5));
        assert!(matches!(got, Ok(WatchEvent::Checked { .. })), "{got:?}");
        let _ = ctl.send(Control::Quit);
        assert!(handle.join().is_ok());
    }
}
