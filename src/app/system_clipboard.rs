//! The real clipboard for the watcher. Every platform's source checks the
//! password managers' "secret" markers **before reading a byte of the
//! content**, and reads at most the cap:
//!
//! - X11 (and XWayland): listens for XFixes selection-owner events (no
//!   polling of the content: the token changes only when someone copies),
//!   asks the owner for its TARGETS and skips the content when it lists
//!   `x-kde-passwordManagerHint` (KeePassXC, Bitwarden desktop and others)
//!   or Qt's concealed type. Text is read with x11rb, images with arboard.
//! - Windows: `GetClipboardSequenceNumber` is the change token; formats
//!   `ExcludeClipboardContentFromMonitorProcessing`, `Clipboard Viewer
//!   Ignore`, or `CanIncludeInClipboardHistory` = 0 (KeePass, 1Password,
//!   Bitwarden, Windows' own password fields) mean secret. Through
//!   `clipboard-win`, the same crate arboard uses.
//! - macOS: `NSPasteboard.changeCount` is the change token;
//!   `org.nspasteboard.ConcealedType` or `org.nspasteboard.TransientType`
//!   (the nspasteboard.org convention: 1Password, Bitwarden, KeePassXC)
//!   mean secret.
//!
//! - Wayland without XWayland: the wlr data-control protocol (KDE Plasma,
//!   sway, Hyprland and other wlroots desktops); each new selection is the
//!   change, and its MIME types are checked for the same markers as on X11
//!   before the text is asked for. GNOME offers no such protocol: [`open`]
//!   says so, and the paste window is the way in. A copied image (offered
//!   as `image/png`, no text) is read up to [`MAX_PNG_BYTES`] and decoded
//!   by [`decode_png`] for QR codes.

use crate::desktop::clipboard::{Clip, ClipboardSource};

/// Open the system clipboard for watching, or say why it cannot be watched.
pub fn open() -> Result<Box<dyn ClipboardSource>, String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        if std::env::var_os("DISPLAY").is_some() {
            return x11::X11Clipboard::open(None).map(|c| Box::new(c) as Box<dyn ClipboardSource>);
        }
        if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return open_wayland(None);
        }
        Err("Watching the clipboard needs a desktop session (X11 or Wayland); paste messages into this window instead.".to_owned())
    }
    #[cfg(windows)]
    {
        Ok(Box::new(windows::WindowsClipboard::new()))
    }
    #[cfg(target_os = "macos")]
    {
        Ok(Box::new(macos::MacClipboard::new()))
    }
    #[cfg(not(any(unix, windows)))]
    {
        Err("Watching the clipboard is not available on this system; paste messages into this window.".to_owned())
    }
}

/// The clipboard of one X11 display (`":0"`); tests use their own Xvfb.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn open_x11(display: &str) -> Result<Box<dyn ClipboardSource>, String> {
    x11::X11Clipboard::open(Some(display)).map(|c| Box::new(c) as Box<dyn ClipboardSource>)
}

/// The Wayland clipboard of the session in `WAYLAND_DISPLAY`, or of the
/// compositor listening on `socket` (tests run their own).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn open_wayland(socket: Option<&std::path::Path>) -> Result<Box<dyn ClipboardSource>, String> {
    wayland::WaylandClipboard::open(socket).map(|c| Box::new(c) as Box<dyn ClipboardSource>)
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

impl ClipboardSource for Box<dyn ClipboardSource> {
    fn change_token(&mut self) -> Option<u64> {
        (**self).change_token()
    }
    fn read(&mut self, max_text: usize) -> Result<Clip, String> {
        (**self).read(max_text)
    }
}

/// Targets (X11) and MIME types (Wayland) that mean "secret: do not look"
/// (KDE/KeePassXC convention, and Qt's name for macOS's concealed type,
/// which some apps also set on Linux).
#[cfg(all(unix, not(target_os = "macos")))]
const SECRET_TARGETS: &[&str] = &[
    "x-kde-passwordManagerHint",
    "application/x-nspasteboard-concealed-type",
];
/// Text targets and MIME types, in order of preference.
#[cfg(all(unix, not(target_os = "macos")))]
const TEXT_TARGETS: &[&str] = &[
    "UTF8_STRING",
    "text/plain;charset=utf-8",
    "text/plain",
    "STRING",
    "TEXT",
];

/// The largest copied PNG read (a 4K screenshot is about 10 MB).
#[cfg(all(unix, not(target_os = "macos")))]
pub const MAX_PNG_BYTES: usize = 32 << 20;

/// A copied PNG (how Wayland offers images) as RGBA, for the QR decoder.
/// The header's dimensions are checked against the watcher's pixel cap
/// before any pixel is decoded, and the decoder's allocations are capped:
/// a PNG that claims a huge size costs nothing. What cannot be decoded, or
/// is too large, is nothing to check.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn decode_png(bytes: &[u8]) -> Clip {
    use crate::desktop::clipboard::MAX_IMAGE_PIXELS;
    use image::ImageDecoder as _;
    use image::codecs::png::PngDecoder;

    let mut limits = image::Limits::default();
    // 16-bit RGBA is 8 bytes a pixel; the RGBA copy below is 4.
    limits.max_alloc = Some((MAX_IMAGE_PIXELS as u64) * 8);
    let Ok(decoder) = PngDecoder::with_limits(std::io::Cursor::new(bytes), limits) else {
        return Clip::Empty;
    };
    let (w, h) = decoder.dimensions();
    let (width, height) = (w as usize, h as usize);
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Clip::Empty;
    }
    match image::DynamicImage::from_decoder(decoder) {
        Ok(img) => Clip::Image {
            width,
            height,
            rgba: img.into_rgba8().into_raw(),
        },
        Err(_) => Clip::Empty,
    }
}

/// Clipboard text decoded from at most the cap: `cut` when more was on the
/// clipboard (`total`: its length), then kept to `max` bytes without
/// splitting a character. Every platform's source ends here.
fn text_clip(mut text: String, cut: bool, total: usize, max: usize) -> Clip {
    if cut && text.ends_with('\u{FFFD}') {
        // A character cut at the cap.
        text.pop();
    }
    text.truncate(crate::analysis::floor_char_boundary(&text, max));
    Clip::Text { text, total }
}

#[cfg(all(unix, not(target_os = "macos")))]
mod x11 {
    use std::time::{Duration, Instant};

    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xfixes::{ConnectionExt as _, SelectionEventMask};
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, CreateWindowAux, WindowClass};
    use x11rb::rust_connection::RustConnection;

    use crate::desktop::clipboard::{Clip, ClipboardSource};

    use super::{SECRET_TARGETS, TEXT_TARGETS};

    pub struct X11Clipboard {
        conn: RustConnection,
        window: u32,
        clipboard: u32,
        targets: u32,
        property: u32,
        secret: Vec<u32>,
        text: Vec<u32>,
        png: u32,
        changes: u64,
        board: Option<arboard::Clipboard>,
        incr: u32,
    }

    use super::err;

    impl X11Clipboard {
        pub fn open(display: Option<&str>) -> Result<X11Clipboard, String> {
            let (conn, screen) = x11rb::connect(display).map_err(err)?;
            let root = conn
                .setup()
                .roots
                .get(screen)
                .map(|s| s.root)
                .ok_or_else(|| err("no screen"))?;
            let window = conn.generate_id().map_err(err)?;
            conn.create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                root,
                0,
                0,
                1,
                1,
                0,
                WindowClass::INPUT_OUTPUT,
                0,
                &CreateWindowAux::new(),
            )
            .map_err(err)?;
            let atom = |name: &str| -> Result<u32, String> {
                Ok(conn
                    .intern_atom(false, name.as_bytes())
                    .map_err(err)?
                    .reply()
                    .map_err(err)?
                    .atom)
            };
            let clipboard = atom("CLIPBOARD")?;
            let targets = atom("TARGETS")?;
            let property = atom("SECONDLOOK_TARGETS")?;
            let png = atom("image/png")?;
            let incr = atom("INCR")?;
            let secret = SECRET_TARGETS
                .iter()
                .map(|t| atom(t))
                .collect::<Result<_, _>>()?;
            let text = TEXT_TARGETS
                .iter()
                .map(|t| atom(t))
                .collect::<Result<_, _>>()?;
            conn.xfixes_query_version(5, 0)
                .map_err(err)?
                .reply()
                .map_err(err)?;
            conn.xfixes_select_selection_input(
                window,
                clipboard,
                SelectionEventMask::SET_SELECTION_OWNER
                    | SelectionEventMask::SELECTION_WINDOW_DESTROY
                    | SelectionEventMask::SELECTION_CLIENT_CLOSE,
            )
            .map_err(err)?;
            conn.flush().map_err(err)?;
            Ok(X11Clipboard {
                conn,
                window,
                clipboard,
                targets,
                property,
                secret,
                text,
                png,
                changes: 0,
                board: None,
                incr,
            })
        }

        fn drain(&mut self) -> Result<Option<Event>, String> {
            let ev = self.conn.poll_for_event().map_err(err)?;
            if let Some(Event::XfixesSelectionNotify(_)) = ev {
                self.changes += 1;
            }
            Ok(ev)
        }

        /// Ask the clipboard owner to convert to `target` and read at most
        /// `max` bytes of the answer: `(type, bytes, bytes not read)`.
        /// `None`: nobody owns the clipboard or the owner refused.
        fn request(
            &mut self,
            target: u32,
            max: usize,
        ) -> Result<Option<(u32, Vec<u8>, u32)>, String> {
            self.conn
                .convert_selection(
                    self.window,
                    self.clipboard,
                    target,
                    self.property,
                    x11rb::CURRENT_TIME,
                )
                .map_err(err)?;
            self.conn.flush().map_err(err)?;
            let deadline = Instant::now() + Duration::from_millis(500);
            while Instant::now() < deadline {
                match self.drain()? {
                    Some(Event::SelectionNotify(e)) if e.requestor == self.window => {
                        if e.property == x11rb::NONE {
                            return Ok(None);
                        }
                        let words = u32::try_from(max.div_ceil(4)).unwrap_or(u32::MAX);
                        let reply = self
                            .conn
                            .get_property(true, self.window, self.property, AtomEnum::ANY, 0, words)
                            .map_err(err)?
                            .reply()
                            .map_err(err)?;
                        return Ok(Some((reply.type_, reply.value, reply.bytes_after)));
                    }
                    Some(_) => {}
                    None => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            Err(err(
                "the application that owns the clipboard did not answer",
            ))
        }

        /// The owner's TARGETS (empty when nobody owns the clipboard).
        fn owner_targets(&mut self) -> Result<Vec<u32>, String> {
            let owner = self
                .conn
                .get_selection_owner(self.clipboard)
                .map_err(err)?
                .reply()
                .map_err(err)?
                .owner;
            if owner == x11rb::NONE {
                return Ok(Vec::new());
            }
            Ok(match self.request(self.targets, 16 * 1024)? {
                Some((_, bytes, _)) => bytes
                    .chunks_exact(4)
                    .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
                None => Vec::new(),
            })
        }

        /// The text, at most `max` bytes of it. Text too large to be sent
        /// in one piece (the INCR protocol, hundreds of KiB) is not a
        /// message anyone copied to check: it is left alone.
        fn read_text(&mut self, target: u32, max: usize) -> Result<Clip, String> {
            match self.request(target, max)? {
                Some((ty, _, _)) if ty == self.incr => Ok(Clip::Empty),
                Some((_, bytes, after)) => Ok(super::text_clip(
                    String::from_utf8_lossy(&bytes).into_owned(),
                    after > 0,
                    bytes.len() + after as usize,
                    max,
                )),
                None => Ok(Clip::Empty),
            }
        }
    }

    impl ClipboardSource for X11Clipboard {
        fn change_token(&mut self) -> Option<u64> {
            while let Ok(Some(_)) = self.drain() {}
            Some(self.changes)
        }

        fn read(&mut self, max_text: usize) -> Result<Clip, String> {
            let targets = self.owner_targets()?;
            if targets.iter().any(|t| self.secret.contains(t)) {
                return Ok(Clip::Concealed);
            }
            // Text first (in our order of preference), then an image.
            if let Some(&target) = self.text.iter().find(|t| targets.contains(t)) {
                return self.read_text(target, max_text);
            }
            if !targets.contains(&self.png) {
                return Ok(Clip::Empty);
            }
            // Images through arboard (PNG decoding); it talks to $DISPLAY.
            super::read_image(&mut self.board)
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
mod wayland {
    use std::collections::HashMap;
    use std::os::fd::AsFd;
    use std::time::{Duration, Instant};

    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use rustix::pipe::{PipeFlags, pipe_with};
    use wayland_client::backend::{ObjectId, WaylandError};
    use wayland_client::globals::{GlobalListContents, registry_queue_init};
    use wayland_client::protocol::{wl_registry, wl_seat};
    use wayland_client::{
        Connection, Dispatch, EventQueue, Proxy, QueueHandle, event_created_child,
    };
    use wayland_protocols_wlr::data_control::v1::client::{
        zwlr_data_control_device_v1::{self, ZwlrDataControlDeviceV1},
        zwlr_data_control_manager_v1::ZwlrDataControlManagerV1,
        zwlr_data_control_offer_v1::{self, ZwlrDataControlOfferV1},
    };

    use super::{MAX_PNG_BYTES, SECRET_TARGETS, TEXT_TARGETS, err};
    use crate::desktop::clipboard::{Clip, ClipboardSource};

    /// What the compositor told us about the clipboard.
    #[derive(Default)]
    struct State {
        /// Offers announced but not yet made the selection: their types.
        offers: HashMap<ObjectId, Vec<String>>,
        /// The clipboard's current offer and its MIME types.
        selection: Option<(ZwlrDataControlOfferV1, Vec<String>)>,
        /// How many times the selection changed.
        changes: u64,
        /// The compositor ended our access (the seat went away).
        finished: bool,
    }

    pub struct WaylandClipboard {
        _conn: Connection,
        queue: EventQueue<State>,
        state: State,
        _device: ZwlrDataControlDeviceV1,
    }

    impl WaylandClipboard {
        pub fn open(socket: Option<&std::path::Path>) -> Result<WaylandClipboard, String> {
            let conn = match socket {
                Some(path) => std::os::unix::net::UnixStream::connect(path)
                    .map_err(err)
                    .and_then(|s| Connection::from_socket(s).map_err(err))?,
                None => Connection::connect_to_env().map_err(err)?,
            };
            let (globals, mut queue) = registry_queue_init::<State>(&conn).map_err(err)?;
            let qh = queue.handle();
            let manager: ZwlrDataControlManagerV1 = globals.bind(&qh, 1..=2, ()).map_err(|_| {
                "This Wayland desktop does not let apps watch the clipboard (no data-control protocol, as on GNOME); paste messages into this window instead.".to_owned()
            })?;
            let seat: wl_seat::WlSeat = globals.bind(&qh, 1..=7, ()).map_err(err)?;
            let device = manager.get_data_device(&seat, &qh, ());
            let mut state = State::default();
            queue.roundtrip(&mut state).map_err(err)?;
            Ok(WaylandClipboard {
                _conn: conn,
                queue,
                state,
                _device: device,
            })
        }

        /// Take in whatever the compositor sent, without waiting.
        fn pump(&mut self) -> Result<(), String> {
            self.queue.flush().map_err(err)?;
            if let Some(guard) = self.queue.prepare_read() {
                match guard.read() {
                    Ok(_) => {}
                    Err(WaylandError::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(err(e)),
                }
            }
            self.queue.dispatch_pending(&mut self.state).map_err(err)?;
            Ok(())
        }

        /// Ask the owner for `mime` and read at most `max` bytes of it,
        /// giving up after 500 ms: `(bytes, more was sent)`.
        fn receive(
            &mut self,
            offer: &ZwlrDataControlOfferV1,
            mime: &str,
            max: usize,
        ) -> Result<(Vec<u8>, bool), String> {
            let (reader, writer) =
                pipe_with(PipeFlags::CLOEXEC | PipeFlags::NONBLOCK).map_err(err)?;
            offer.receive(mime.to_owned(), writer.as_fd());
            self.queue.flush().map_err(err)?;
            drop(writer);
            let deadline = Instant::now() + Duration::from_millis(500);
            let mut bytes = Vec::new();
            let mut chunk = vec![0u8; 16 * 1024];
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(err(
                        "the application that owns the clipboard did not answer",
                    ));
                }
                let timeout = Timespec {
                    tv_sec: 0,
                    tv_nsec: i64::from(left.subsec_nanos()),
                };
                let mut fds = [PollFd::new(&reader, PollFlags::IN)];
                if poll(&mut fds, Some(&timeout)).map_err(err)? == 0 {
                    continue;
                }
                match rustix::io::read(&reader, &mut chunk) {
                    Ok(0) => return Ok((bytes, false)),
                    Ok(n) => {
                        bytes.extend_from_slice(&chunk[..n]);
                        if bytes.len() > max {
                            return Ok((bytes, true));
                        }
                    }
                    Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {}
                    Err(e) => return Err(err(e)),
                }
            }
        }
    }

    impl ClipboardSource for WaylandClipboard {
        fn change_token(&mut self) -> Option<u64> {
            self.pump().ok()?;
            (!self.state.finished).then_some(self.state.changes)
        }

        fn read(&mut self, max_text: usize) -> Result<Clip, String> {
            self.pump()?;
            let Some((offer, types)) = self.state.selection.clone() else {
                return Ok(Clip::Empty);
            };
            if types.iter().any(|t| SECRET_TARGETS.contains(&t.as_str())) {
                return Ok(Clip::Concealed);
            }
            let Some(mime) = TEXT_TARGETS.iter().find(|m| types.iter().any(|t| t == *m)) else {
                // No text: an image, for the QR codes in it.
                if !types.iter().any(|t| t == "image/png") {
                    return Ok(Clip::Empty);
                }
                let (bytes, more) = self.receive(&offer, "image/png", MAX_PNG_BYTES)?;
                return Ok(if more {
                    Clip::Empty
                } else {
                    super::decode_png(&bytes)
                });
            };
            let (bytes, more) = self.receive(&offer, mime, max_text)?;
            let total = if more {
                bytes.len().max(max_text + 1)
            } else {
                bytes.len()
            };
            let kept = String::from_utf8_lossy(&bytes[..bytes.len().min(max_text)]).into_owned();
            Ok(super::text_clip(kept, more, total, max_text))
        }
    }

    impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for State {
        fn event(
            _: &mut Self,
            _: &wl_registry::WlRegistry,
            _: wl_registry::Event,
            _: &GlobalListContents,
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
        }
    }

    impl Dispatch<wl_seat::WlSeat, ()> for State {
        fn event(
            _: &mut Self,
            _: &wl_seat::WlSeat,
            _: wl_seat::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
        }
    }

    impl Dispatch<ZwlrDataControlManagerV1, ()> for State {
        fn event(
            _: &mut Self,
            _: &ZwlrDataControlManagerV1,
            _: <ZwlrDataControlManagerV1 as Proxy>::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
        }
    }

    impl Dispatch<ZwlrDataControlDeviceV1, ()> for State {
        fn event(
            state: &mut Self,
            _: &ZwlrDataControlDeviceV1,
            event: zwlr_data_control_device_v1::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
            use zwlr_data_control_device_v1::Event;
            match event {
                Event::DataOffer { id } => {
                    state.offers.insert(id.id(), Vec::new());
                }
                Event::Selection { id } => {
                    state.changes += 1;
                    if let Some((old, _)) = state.selection.take() {
                        old.destroy();
                    }
                    state.selection = id.map(|offer| {
                        let types = state.offers.remove(&offer.id()).unwrap_or_default();
                        (offer, types)
                    });
                }
                Event::PrimarySelection { id: Some(offer) } => {
                    // The middle-click selection is not watched.
                    state.offers.remove(&offer.id());
                    offer.destroy();
                }
                Event::Finished => state.finished = true,
                _ => {}
            }
        }

        event_created_child!(State, ZwlrDataControlDeviceV1, [
            zwlr_data_control_device_v1::EVT_DATA_OFFER_OPCODE => (ZwlrDataControlOfferV1, ()),
        ]);
    }

    impl Dispatch<ZwlrDataControlOfferV1, ()> for State {
        fn event(
            state: &mut Self,
            offer: &ZwlrDataControlOfferV1,
            event: zwlr_data_control_offer_v1::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
            if let zwlr_data_control_offer_v1::Event::Offer { mime_type } = event {
                state.offers.entry(offer.id()).or_default().push(mime_type);
            }
        }
    }
}

#[cfg(windows)]
mod windows {
    use clipboard_win::{formats, raw};

    use super::err;
    use crate::desktop::clipboard::{Clip, ClipboardSource};

    /// Registered formats whose presence means "secret: do not look"
    /// (Microsoft's clipboard-monitor convention, and the older viewer
    /// convention KeePass and Ditto honour).
    const SECRET_FORMATS: &[&str] = &[
        "ExcludeClipboardContentFromMonitorProcessing",
        "Clipboard Viewer Ignore",
    ];
    /// A DWORD format: 0 means "keep out of the clipboard history", which
    /// password managers set on what they copy.
    const HISTORY_FORMAT: &str = "CanIncludeInClipboardHistory";
    /// Formats that hold an image arboard can decode.
    const CF_DIB: u32 = 8;
    const CF_DIBV5: u32 = 17;

    pub struct WindowsClipboard {
        secret: Vec<u32>,
        history: Option<u32>,
        png: Option<u32>,
        board: Option<arboard::Clipboard>,
    }

    impl WindowsClipboard {
        pub fn new() -> WindowsClipboard {
            WindowsClipboard {
                secret: SECRET_FORMATS
                    .iter()
                    .filter_map(|n| raw::register_format(n).map(|f| f.get()))
                    .collect(),
                history: raw::register_format(HISTORY_FORMAT).map(|f| f.get()),
                png: raw::register_format("PNG").map(|f| f.get()),
                board: None,
            }
        }

        /// Is anything on the clipboard marked secret? Looks at the list of
        /// formats only, except for the 4-byte history flag.
        fn concealed(&self) -> bool {
            if self.secret.iter().any(|&f| raw::is_format_avail(f)) {
                return true;
            }
            let Some(history) = self.history.filter(|&f| raw::is_format_avail(f)) else {
                return false;
            };
            let mut flag = [0xffu8; 4];
            matches!(raw::get(history, &mut flag), Ok(4) if u32::from_le_bytes(flag) == 0)
        }

        /// At most `max` bytes of the text (UTF-16 on the clipboard: at most
        /// `2 * max` bytes of it are copied).
        fn read_text(max: usize) -> Result<Clip, String> {
            let size = raw::size(formats::CF_UNICODETEXT).map_or(0, |s| s.get());
            let mut buf = vec![0u8; size.min(max.saturating_mul(2).saturating_add(2))];
            let n = raw::get(formats::CF_UNICODETEXT, &mut buf).map_err(err)?;
            buf.truncate(n);
            let units: Vec<u16> = buf
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let cut = units.len() * 2 < size.saturating_sub(2);
            let text = String::from_utf16_lossy(&units);
            // The full length is known in UTF-16 units; in UTF-8 bytes it is
            // at least that many (enough to say the text was cut).
            let total = if cut {
                (size / 2).max(text.len() + 1)
            } else {
                text.len()
            };
            Ok(super::text_clip(text, cut, total, max))
        }
    }

    impl ClipboardSource for WindowsClipboard {
        fn change_token(&mut self) -> Option<u64> {
            raw::seq_num().map(|n| u64::from(n.get()))
        }

        fn read(&mut self, max_text: usize) -> Result<Clip, String> {
            // The markers are checked before the clipboard is opened, and
            // again once it is (the content may change in between).
            if self.concealed() {
                return Ok(Clip::Concealed);
            }
            let image = {
                let _open = clipboard_win::Clipboard::new_attempts(10).map_err(err)?;
                if self.concealed() {
                    return Ok(Clip::Concealed);
                }
                if raw::is_format_avail(formats::CF_UNICODETEXT) {
                    return Self::read_text(max_text);
                }
                [Some(CF_DIB), Some(CF_DIBV5), self.png]
                    .into_iter()
                    .flatten()
                    .any(raw::is_format_avail)
            };
            // arboard opens the clipboard itself, so ours is closed first.
            if image {
                super::read_image(&mut self.board)
            } else {
                Ok(Clip::Empty)
            }
        }
    }
}

#[cfg(target_os = "macos")]
mod macos {
    use objc2::rc::autoreleasepool;
    use objc2_app_kit::NSPasteboard;
    use objc2_foundation::NSString;

    use crate::desktop::clipboard::{Clip, ClipboardSource};

    /// Pasteboard types that mean "secret" or "do not keep" (nspasteboard.org).
    const SECRET_TYPES: &[&str] = &[
        "org.nspasteboard.ConcealedType",
        "org.nspasteboard.TransientType",
    ];
    /// `NSPasteboardTypeString`.
    const TEXT_TYPE: &str = "public.utf8-plain-text";
    const IMAGE_TYPES: &[&str] = &["public.tiff", "public.png"];

    pub struct MacClipboard {
        board: Option<arboard::Clipboard>,
    }

    impl MacClipboard {
        pub fn new() -> MacClipboard {
            MacClipboard { board: None }
        }
    }

    impl ClipboardSource for MacClipboard {
        fn change_token(&mut self) -> Option<u64> {
            let count = NSPasteboard::generalPasteboard().changeCount();
            Some(count as u64)
        }

        fn read(&mut self, max_text: usize) -> Result<Clip, String> {
            // `None`: an image, read through arboard outside the pool.
            let found: Option<Clip> = autoreleasepool(|_| {
                let board = NSPasteboard::generalPasteboard();
                let types: Vec<String> = board
                    .types()
                    .map(|t| t.iter().map(|t| t.to_string()).collect())
                    .unwrap_or_default();
                if types.iter().any(|t| SECRET_TYPES.contains(&t.as_str())) {
                    return Some(Clip::Concealed);
                }
                if types.iter().any(|t| t == TEXT_TYPE) {
                    let Some(s) = board.stringForType(&NSString::from_str(TEXT_TYPE)) else {
                        return Some(Clip::Empty);
                    };
                    // UTF-16 units: at most `max_text` of them are copied.
                    let units = s.length();
                    let text = if units > max_text {
                        s.substringToIndex(max_text).to_string()
                    } else {
                        s.to_string()
                    };
                    let total = if units > max_text {
                        units.max(text.len() + 1)
                    } else {
                        text.len()
                    };
                    return Some(super::text_clip(text, units > max_text, total, max_text));
                }
                if types.iter().any(|t| IMAGE_TYPES.contains(&t.as_str())) {
                    None
                } else {
                    Some(Clip::Empty)
                }
            });
            match found {
                Some(clip) => Ok(clip),
                None => super::read_image(&mut self.board),
            }
        }
    }
}

/// Run on Windows, or under Wine (`scripts/check-windows`): the real
/// Windows clipboard, written with the formats password managers set.
#[cfg(all(test, windows))]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod windows_tests {
    use clipboard_win::{Clipboard, options::NoClear, raw};

    use super::windows::WindowsClipboard;
    use crate::desktop::clipboard::{Clip, ClipboardSource};

    const MESSAGE: &str = "Your password expired, log in at twilio-okta.net";

    /// Put `text` on the clipboard, with extra `(format name, bytes)`.
    fn copy(text: &str, extra: &[(&str, &[u8])]) {
        let _open = Clipboard::new_attempts(50).unwrap();
        raw::empty().unwrap();
        raw::set_string_with(text, NoClear).unwrap();
        for (name, data) in extra {
            let format = raw::register_format(name).unwrap().get();
            raw::set_without_clear(format, data).unwrap();
        }
    }

    #[test]
    fn windows_clipboard_text_is_read_and_changes_are_seen() {
        // One test, so that no other test writes the clipboard meanwhile.
        let mut source = WindowsClipboard::new();
        copy(MESSAGE, &[]);
        let first = source.change_token();
        assert!(first.is_some(), "GetClipboardSequenceNumber gives a token");
        assert_eq!(
            source.read(64 * 1024).unwrap(),
            Clip::Text {
                text: MESSAGE.to_owned(),
                total: MESSAGE.len()
            }
        );
        assert_eq!(source.change_token(), first, "reading is not a change");

        // A password manager's copy: each marker alone hides the text.
        for marker in [
            "ExcludeClipboardContentFromMonitorProcessing",
            "Clipboard Viewer Ignore",
        ] {
            copy("hunter2-secret", &[(marker, b"\0")]);
            assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed, "{marker}");
        }
        copy(
            "hunter2-secret",
            &[("CanIncludeInClipboardHistory", &0u32.to_le_bytes())],
        );
        assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed);
        // ... but history allowed (1) is ordinary text.
        copy(
            MESSAGE,
            &[("CanIncludeInClipboardHistory", &1u32.to_le_bytes())],
        );
        assert!(matches!(source.read(64 * 1024).unwrap(), Clip::Text { .. }));
        assert_ne!(source.change_token(), first, "every copy is a change");

        // The cap: at most `max` bytes are read, and the total says more.
        let long = format!("{MESSAGE} {}é", "x".repeat(100_000));
        copy(&long, &[]);
        match source.read(1000).unwrap() {
            Clip::Text { text, total } => {
                assert!(
                    text.len() <= 1000 && text.starts_with(MESSAGE),
                    "{}",
                    text.len()
                );
                assert!(total > 1000, "{total}");
            }
            other => panic!("{other:?}"),
        }

        // An empty clipboard.
        {
            let _open = Clipboard::new_attempts(50).unwrap();
            raw::empty().unwrap();
        }
        assert_eq!(source.read(64 * 1024).unwrap(), Clip::Empty);
    }
}

#[cfg(all(test, unix, not(target_os = "macos")))]
#[allow(clippy::unwrap_used)]
mod png_tests {
    use super::decode_png;
    use crate::desktop::clipboard::Clip;

    fn png(width: u32, height: u32, rgba: Vec<u8>) -> Vec<u8> {
        let img = image::RgbaImage::from_raw(width, height, rgba).unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// A QR code for `text` as a PNG.
    fn qr_png(text: &str) -> Vec<u8> {
        let (w, h, rgba) = crate::app::qr::tests::qr_image(text);
        png(u32::try_from(w).unwrap(), u32::try_from(h).unwrap(), rgba)
    }

    /// PNG's CRC-32 (of a chunk's type and data).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// Set the IHDR's size (fixing its CRC).
    fn claim_size(bytes: &mut [u8], width: u32, height: u32) {
        assert_eq!(&bytes[12..16], b"IHDR");
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    }

    #[test]
    fn a_copied_png_with_a_qr_code_gives_its_link() {
        let Clip::Image {
            width,
            height,
            rgba,
        } = decode_png(&qr_png("https://twilio-okta.net/login"))
        else {
            panic!("not decoded");
        };
        assert_eq!(rgba.len(), width * height * 4);
        assert_eq!(
            crate::app::qr::decode(width, height, &rgba),
            ["https://twilio-okta.net/login"]
        );
    }

    #[test]
    fn a_png_claiming_a_huge_size_is_not_decoded() {
        // A valid 1×1 PNG whose header then claims 100000×100000 pixels:
        // refused from the header alone.
        let mut bytes = png(1, 1, vec![0, 0, 0, 255]);
        claim_size(&mut bytes, 100_000, 100_000);
        assert_eq!(decode_png(&bytes), Clip::Empty);
        // A size under the cap gets as far as the pixels, which are
        // missing: still nothing, and no panic.
        claim_size(&mut bytes, 64, 64);
        assert_eq!(decode_png(&bytes), Clip::Empty);
    }

    #[test]
    fn bytes_that_are_not_a_png_give_nothing() {
        assert_eq!(decode_png(b""), Clip::Empty);
        assert_eq!(decode_png(b"\x89PNG\r\n\x1a\n garbage"), Clip::Empty);
        let good = qr_png("https://example.com");
        assert_eq!(decode_png(&good[..good.len() / 2]), Clip::Empty);
    }
}
