//! The real clipboard for the watcher, one file per platform behind one
//! shared reading step. A platform only says what the clipboard offers
//! (the names of its formats, [`Platform::offer`]) and reads a format it
//! is told to ([`Offer::read_text`], [`Offer::read_image`]); which formats
//! mean "secret: do not look" and whether anything is read is decided here,
//! in [`read_checked`], the only way a platform's clipboard reaches the
//! watcher ([`Checked`]). So the password managers' markers are checked
//! **before a byte of the content is read** on every platform, and no
//! platform can skip them. At most the cap is read.
//!
//! - X11 (and XWayland, `x11.rs`): listens for XFixes selection-owner
//!   events (no polling of the content: the token changes only when
//!   someone copies) and asks the owner for its TARGETS. Text is read with
//!   x11rb, images with arboard.
//! - Wayland without XWayland (`wayland.rs`): the wlr data-control protocol
//!   (KDE Plasma, sway, Hyprland and other wlroots desktops); each new
//!   selection is the change, and its MIME types are what it offers.
//!   GNOME offers no such protocol: [`open`] says so, and the paste window
//!   is the way in. A copied image (offered as `image/png`, no text) is
//!   read up to [`MAX_PNG_BYTES`] and decoded by [`decode_png`] for QR codes.
//! - Windows (`windows.rs`): `GetClipboardSequenceNumber` is the change
//!   token; the clipboard is open from the list of formats until the text
//!   is read, so the content cannot change in between. Through
//!   `clipboard-win`, the same crate arboard uses.
//! - macOS (`macos.rs`): `NSPasteboard.changeCount` is the change token; the
//!   pasteboard's types are what it offers.
//!
//! The markers ([`SECRET_MARKERS`], [`HISTORY_FLAG`]): `x-kde-passwordManagerHint`
//! (KeePassXC, Bitwarden desktop and others on Linux), Qt's name for the
//! concealed type, `ExcludeClipboardContentFromMonitorProcessing`,
//! `Clipboard Viewer Ignore` and `CanIncludeInClipboardHistory` = 0
//! (KeePass, 1Password, Bitwarden, Windows' own password fields), and
//! `org.nspasteboard.ConcealedType` / `TransientType` (the nspasteboard.org
//! convention: 1Password, Bitwarden, KeePassXC). Each is checked wherever
//! it appears: a marker is a marker on any platform.

use crate::desktop::clipboard::{Clip, ClipboardSource};

#[cfg(target_os = "macos")]
mod macos;
#[cfg(all(unix, not(target_os = "macos")))]
mod png;
#[cfg(all(unix, not(target_os = "macos")))]
mod wayland;
#[cfg(windows)]
mod windows;
#[cfg(all(test, windows))]
mod windows_tests;
#[cfg(all(unix, not(target_os = "macos")))]
mod x11;

#[cfg(all(unix, not(target_os = "macos")))]
pub use png::{MAX_PNG_BYTES, decode_png};

/// Open the system clipboard for watching, or say why it cannot be watched.
pub fn open() -> Result<Box<dyn ClipboardSource>, String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        if std::env::var_os("DISPLAY").is_some() {
            return x11::X11Clipboard::open(None).map(Checked::boxed);
        }
        if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return open_wayland(None);
        }
        Err("Watching the clipboard needs a desktop session (X11 or Wayland); paste messages into this window instead.".to_owned())
    }
    #[cfg(windows)]
    {
        Ok(Checked::boxed(windows::WindowsClipboard::new()))
    }
    #[cfg(target_os = "macos")]
    {
        Ok(Checked::boxed(macos::MacClipboard::new()))
    }
    #[cfg(not(any(unix, windows)))]
    {
        Err("Watching the clipboard is not available on this system; paste messages into this window.".to_owned())
    }
}

/// The clipboard of one X11 display (`":0"`); tests use their own Xvfb.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn open_x11(display: &str) -> Result<Box<dyn ClipboardSource>, String> {
    x11::X11Clipboard::open(Some(display)).map(Checked::boxed)
}

/// The Wayland clipboard of the session in `WAYLAND_DISPLAY`, or of the
/// compositor listening on `socket` (tests run their own).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn open_wayland(socket: Option<&std::path::Path>) -> Result<Box<dyn ClipboardSource>, String> {
    wayland::WaylandClipboard::open(socket).map(Checked::boxed)
}

impl ClipboardSource for Box<dyn ClipboardSource> {
    fn change_token(&mut self) -> Option<u64> {
        (**self).change_token()
    }
    fn read(&mut self, max_text: usize) -> Result<Clip, String> {
        (**self).read(max_text)
    }
}

/// Formats whose presence means "secret: do not look", on any platform:
/// the KDE/KeePassXC hint and Qt's name for macOS's concealed type (X11
/// targets, Wayland MIME types), Microsoft's clipboard-monitor convention
/// and the older viewer convention KeePass and Ditto honour (Windows), and
/// nspasteboard.org's concealed and transient types (macOS).
pub const SECRET_MARKERS: &[&str] = &[
    "x-kde-passwordManagerHint",
    "application/x-nspasteboard-concealed-type",
    "ExcludeClipboardContentFromMonitorProcessing",
    "Clipboard Viewer Ignore",
    "org.nspasteboard.ConcealedType",
    "org.nspasteboard.TransientType",
];

/// A 4-byte format whose value 0 means "keep out of the clipboard
/// history", which password managers set on what they copy (Windows).
pub const HISTORY_FLAG: &str = "CanIncludeInClipboardHistory";

/// One platform's clipboard, as the shared step sees it. Nothing here
/// decides what is secret: that is [`read_checked`]'s.
pub trait Platform: Send {
    /// The formats text is read from, in order of preference.
    const TEXT: &'static [&'static str];
    /// The formats an image is read from, in order of preference.
    const IMAGE: &'static [&'static str];
    /// What the clipboard offers now, until it is read.
    type Offer<'a>: Offer
    where
        Self: 'a;
    /// A value that changes whenever the clipboard content changes (see
    /// [`ClipboardSource::change_token`]).
    fn change_token(&mut self) -> Option<u64>;
    /// The current content's formats, without reading any of it; `None`:
    /// nobody offers anything.
    fn offer(&mut self) -> Result<Option<Self::Offer<'_>>, String>;
}

/// The clipboard's current content, described but not yet read.
pub trait Offer {
    /// The names of the formats it is offered in.
    fn formats(&self) -> &[String];
    /// The 4-byte value of a marker format ([`HISTORY_FLAG`]), for the
    /// platforms where markers carry one; `None`: no such value.
    fn flag(&mut self, _format: &str) -> Option<u32> {
        None
    }
    /// Read at most `max` bytes of the text in `format` (one of the
    /// platform's [`Platform::TEXT`] that [`Offer::formats`] lists).
    fn read_text(self, format: &str, max: usize) -> Result<Clip, String>;
    /// Read the image in `format` (one of [`Platform::IMAGE`]).
    fn read_image(self, format: &str) -> Result<Clip, String>;
}

/// What [`decide`] found: the one format to read, or why nothing is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// A marker is present: nothing is read.
    Concealed,
    /// Read the text in this format.
    Text(&'static str),
    /// Read the image in this format.
    Image(&'static str),
    /// Nothing the watcher reads.
    Empty,
}

/// The markers first, then text in the platform's order, then an image.
fn decide<P: Platform>(offer: &mut P::Offer<'_>) -> Decision {
    let offered = |name: &str| offer.formats().iter().any(|f| f == name);
    if SECRET_MARKERS.iter().any(|m| offered(m)) {
        return Decision::Concealed;
    }
    let history = offered(HISTORY_FLAG);
    let text = P::TEXT.iter().copied().find(|t| offered(t));
    let image = P::IMAGE.iter().copied().find(|t| offered(t));
    if history && offer.flag(HISTORY_FLAG) == Some(0) {
        return Decision::Concealed;
    }
    match (text, image) {
        (Some(t), _) => Decision::Text(t),
        (None, Some(i)) => Decision::Image(i),
        (None, None) => Decision::Empty,
    }
}

/// The one reading step of every platform: the offer's formats are
/// checked for secret markers, and only then is one format read.
pub fn read_checked<P: Platform>(platform: &mut P, max_text: usize) -> Result<Clip, String> {
    let Some(mut offer) = platform.offer()? else {
        return Ok(Clip::Empty);
    };
    match decide::<P>(&mut offer) {
        Decision::Concealed => Ok(Clip::Concealed),
        Decision::Text(format) => offer.read_text(format, max_text),
        Decision::Image(format) => offer.read_image(format),
        Decision::Empty => Ok(Clip::Empty),
    }
}

/// A platform's clipboard as the watcher's [`ClipboardSource`]: every read
/// goes through [`read_checked`]. Platforms implement [`Platform`], never
/// [`ClipboardSource`] themselves.
pub struct Checked<P: Platform>(pub P);

impl<P: Platform + 'static> Checked<P> {
    fn boxed(platform: P) -> Box<dyn ClipboardSource> {
        Box::new(Checked(platform))
    }
}

impl<P: Platform> ClipboardSource for Checked<P> {
    fn change_token(&mut self) -> Option<u64> {
        self.0.change_token()
    }
    fn read(&mut self, max_text: usize) -> Result<Clip, String> {
        read_checked(&mut self.0, max_text)
    }
}

fn err(e: impl std::fmt::Display) -> String {
    format!("the clipboard cannot be read ({e})")
}

/// Copied images are decoded by arboard (PNG on X11, DIB on Windows, TIFF
/// on macOS); `None` when the clipboard holds no image.
fn read_image(board: &mut Option<arboard::Clipboard>) -> Result<Clip, String> {
    if board.is_none() {
        *board = Some(arboard::Clipboard::new().map_err(err)?);
    }
    let Some(board) = board.as_mut() else {
        return Ok(Clip::Empty);
    };
    match board.get_image() {
        Ok(img) => Ok(Clip::Image {
            width: img.width,
            height: img.height,
            rgba: img.bytes.into_owned(),
        }),
        Err(arboard::Error::ContentNotAvailable) => Ok(Clip::Empty),
        Err(e) => Err(err(e)),
    }
}

/// Text targets and MIME types, in order of preference (X11 and Wayland).
#[cfg(all(unix, not(target_os = "macos")))]
const TEXT_TARGETS: &[&str] = &[
    "UTF8_STRING",
    "text/plain;charset=utf-8",
    "text/plain",
    "STRING",
    "TEXT",
];

/// Clipboard text decoded from at most the cap: `cut` when more was on the
/// clipboard (`total`: its length), then kept to `max` bytes without
/// splitting a character. Every platform's text reader ends here.
fn text_clip(mut text: String, cut: bool, total: usize, max: usize) -> Clip {
    if cut && text.ends_with('\u{FFFD}') {
        // A character cut at the cap.
        text.pop();
    }
    text.truncate(crate::analysis::floor_char_boundary(&text, max));
    Clip::Text { text, total }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A platform in memory that records what was read.
    struct Fake {
        formats: Vec<String>,
        flag: Option<u32>,
        reads: Arc<Mutex<Vec<String>>>,
    }

    struct FakeOffer<'a>(&'a mut Fake);

    impl Platform for Fake {
        const TEXT: &'static [&'static str] = &["UTF8_STRING", "TEXT"];
        const IMAGE: &'static [&'static str] = &["image/png"];
        type Offer<'a> = FakeOffer<'a>;
        fn change_token(&mut self) -> Option<u64> {
            Some(1)
        }
        fn offer(&mut self) -> Result<Option<FakeOffer<'_>>, String> {
            Ok((!self.formats.is_empty()).then_some(FakeOffer(self)))
        }
    }

    impl Offer for FakeOffer<'_> {
        fn formats(&self) -> &[String] {
            &self.0.formats
        }
        fn flag(&mut self, format: &str) -> Option<u32> {
            self.0.reads.lock().unwrap().push(format!("flag {format}"));
            self.0.flag
        }
        fn read_text(self, format: &str, max: usize) -> Result<Clip, String> {
            self.0.reads.lock().unwrap().push(format!("text {format}"));
            Ok(text_clip("hunter2".into(), false, 7, max))
        }
        fn read_image(self, format: &str) -> Result<Clip, String> {
            self.0.reads.lock().unwrap().push(format!("image {format}"));
            Ok(Clip::Empty)
        }
    }

    /// What a read of a clipboard offering `formats` returns and reads.
    fn read(formats: &[&str], flag: Option<u32>) -> (Clip, Vec<String>) {
        let reads = Arc::new(Mutex::new(Vec::new()));
        let mut source = Checked(Fake {
            formats: formats.iter().map(|f| (*f).to_owned()).collect(),
            flag,
            reads: Arc::clone(&reads),
        });
        let clip = source.read(1024).unwrap();
        let reads = reads.lock().unwrap().clone();
        (clip, reads)
    }

    #[test]
    fn every_marker_hides_the_content_before_anything_is_read() {
        for marker in SECRET_MARKERS {
            let (clip, reads) = read(&["UTF8_STRING", marker, "image/png"], None);
            assert_eq!(clip, Clip::Concealed, "{marker}");
            assert!(reads.is_empty(), "{marker}: {reads:?}");
        }
        // The history flag: 0 hides, and only the flag is looked at.
        let (clip, reads) = read(&["UTF8_STRING", HISTORY_FLAG], Some(0));
        assert_eq!(clip, Clip::Concealed);
        assert_eq!(reads, ["flag CanIncludeInClipboardHistory"]);
    }

    #[test]
    fn ordinary_content_is_read_in_the_platform_s_order() {
        let (clip, reads) = read(&["TEXT", "UTF8_STRING", "image/png"], None);
        assert!(matches!(clip, Clip::Text { .. }), "{clip:?}");
        assert_eq!(reads, ["text UTF8_STRING"]);
        // History allowed (1), or a flag without a value: ordinary text.
        for flag in [Some(1), None] {
            let (_, reads) = read(&["TEXT", HISTORY_FLAG], flag);
            assert_eq!(reads.last().map(String::as_str), Some("text TEXT"));
        }
        let (_, reads) = read(&["image/png", "text/html"], None);
        assert_eq!(reads, ["image image/png"]);
        // Nothing readable, or nothing at all: nothing is read.
        assert_eq!(read(&["text/html"], None), (Clip::Empty, vec![]));
        assert_eq!(read(&[], None), (Clip::Empty, vec![]));
    }
}
