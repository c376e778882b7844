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
        x11::X11Clipboard::open().map(|c| Box::new(c) as Box<dyn ClipboardSource>)
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        Err("Watching the clipboard is not available on this system yet; paste messages into this window.".to_owned())
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

/// Cut `text` to at most `max` bytes on a character boundary.
pub fn cap(mut text: String, max: usize) -> Clip {
    let total = text.len();
    if total > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
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

    use super::cap;
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
    }

    fn err(e: impl std::fmt::Display) -> String {
        format!("the clipboard cannot be read ({e})")
    }

    impl X11Clipboard {
        pub fn open() -> Result<X11Clipboard, String> {
            if std::env::var_os("DISPLAY").is_none() {
                return Err("Watching the clipboard needs an X11 (or XWayland) session here; paste messages into this window instead.".to_owned());
            }
            let (conn, screen) = x11rb::connect(None).map_err(err)?;
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
            })
        }

        fn drain(&mut self) -> Result<Option<Event>, String> {
            let ev = self.conn.poll_for_event().map_err(err)?;
            if let Some(Event::XfixesSelectionNotify(_)) = ev {
                self.changes += 1;
            }
            Ok(ev)
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
            self.conn
                .convert_selection(
                    self.window,
                    self.clipboard,
                    self.targets,
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
                            return Ok(Vec::new());
                        }
                        let reply = self
                            .conn
                            .get_property(true, self.window, self.property, AtomEnum::ATOM, 0, 4096)
                            .map_err(err)?
                            .reply()
                            .map_err(err)?;
                        return Ok(reply.value32().map(Iterator::collect).unwrap_or_default());
                    }
                    Some(_) => {}
                    None => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            Err(err(
                "the application that owns the clipboard did not answer",
            ))
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
            let has_text = targets.iter().any(|t| self.text.contains(t));
            let has_png = targets.contains(&self.png);
            if !has_text && !has_png {
                return Ok(Clip::Empty);
            }
            if self.board.is_none() {
                self.board = Some(arboard::Clipboard::new().map_err(err)?);
            }
            let Some(board) = self.board.as_mut() else {
                return Ok(Clip::Empty);
            };
            if has_text {
                return match board.get_text() {
                    Ok(t) => Ok(cap(t, max_text)),
                    Err(arboard::Error::ContentNotAvailable) => Ok(Clip::Empty),
                    Err(e) => Err(err(e)),
                };
            }
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
