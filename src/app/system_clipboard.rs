//! The real clipboard for the watcher. On X11 it listens for XFixes
//! selection-owner events (no polling of the content: the token changes
//! only when someone copies), asks the owner for its TARGETS and skips the
//! content when a password manager marks it secret
//! (`x-kde-passwordManagerHint`, set by KeePassXC, Bitwarden desktop and
//! others) — before reading a byte of it. Text and images are then read
//! with arboard.
//!
//! Elsewhere (Wayland-only sessions, Windows, macOS) the secret markers
//! are not checked yet, so the watcher does not start and the paste
//! window is the way in ([`open`] says why).

use crate::desktop::clipboard::{Clip, ClipboardSource};

/// Open the system clipboard for watching, or say why it cannot be watched.
pub fn open() -> Result<Box<dyn ClipboardSource>, String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        if std::env::var_os("DISPLAY").is_none() {
            return Err("Watching the clipboard needs an X11 (or XWayland) session here; paste messages into this window instead.".to_owned());
        }
        x11::X11Clipboard::open(None).map(|c| Box::new(c) as Box<dyn ClipboardSource>)
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        Err("Watching the clipboard is not available on this system yet; paste messages into this window.".to_owned())
    }
}

/// The clipboard of one X11 display (`":0"`); tests use their own Xvfb.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn open_x11(display: &str) -> Result<Box<dyn ClipboardSource>, String> {
    x11::X11Clipboard::open(Some(display)).map(|c| Box::new(c) as Box<dyn ClipboardSource>)
}

impl ClipboardSource for Box<dyn ClipboardSource> {
    fn change_token(&mut self) -> Option<u64> {
        (**self).change_token()
    }
    fn read(&mut self, max_text: usize) -> Result<Clip, String> {
        (**self).read(max_text)
    }
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

    /// Targets that mean "secret: do not look" (KDE/KeePassXC convention,
    /// and Qt's name for macOS's concealed type, which some apps also set
    /// on X11).
    const SECRET_TARGETS: &[&str] = &[
        "x-kde-passwordManagerHint",
        "application/x-nspasteboard-concealed-type",
    ];
    const TEXT_TARGETS: &[&str] = &[
        "UTF8_STRING",
        "text/plain;charset=utf-8",
        "text/plain",
        "STRING",
        "TEXT",
    ];

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

    fn err(e: impl std::fmt::Display) -> String {
        format!("the clipboard cannot be read ({e})")
    }

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
                Some((_, bytes, after)) => {
                    let total = bytes.len() + after as usize;
                    let mut text = String::from_utf8_lossy(&bytes).into_owned();
                    if after > 0 && text.ends_with('\u{FFFD}') {
                        // A character cut at the cap.
                        text.pop();
                    }
                    text.truncate(crate::analysis::floor_char_boundary(&text, max));
                    Ok(Clip::Text { text, total })
                }
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
            if self.board.is_none() {
                self.board = Some(arboard::Clipboard::new().map_err(err)?);
            }
            let Some(board) = self.board.as_mut() else {
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
    }
}
