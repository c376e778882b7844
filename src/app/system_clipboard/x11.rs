//! X11 (and XWayland): XFixes selection-owner events are the change token;
//! the owner's TARGETS, by name, are what it offers. Text is read with
//! x11rb, images with arboard.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xfixes::{ConnectionExt as _, SelectionEventMask};
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, CreateWindowAux, WindowClass};
use x11rb::rust_connection::RustConnection;

use super::{Offer, Platform, TEXT_TARGETS, err};
use crate::desktop::clipboard::Clip;

/// At most this many atom names are remembered (atoms live as long as the
/// X server; the cache is emptied when full).
const MAX_NAMES: usize = 4096;

pub struct X11Clipboard {
    conn: RustConnection,
    window: u32,
    clipboard: u32,
    targets: u32,
    property: u32,
    changes: u64,
    board: Option<arboard::Clipboard>,
    incr: u32,
    names: HashMap<u32, String>,
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
        let incr = atom("INCR")?;
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
            changes: 0,
            board: None,
            incr,
            names: HashMap::new(),
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
    fn request(&mut self, target: u32, max: usize) -> Result<Option<(u32, Vec<u8>, u32)>, String> {
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

    /// The names of `atoms` (the server's, asked once per atom and
    /// remembered); an atom the server does not know has no name.
    fn names(&mut self, atoms: &[u32]) -> Result<Vec<(u32, String)>, String> {
        if self.names.len() > MAX_NAMES {
            self.names.clear();
        }
        let mut asked = Vec::new();
        for &atom in atoms {
            if !self.names.contains_key(&atom) && !asked.iter().any(|(a, _)| *a == atom) {
                asked.push((atom, self.conn.get_atom_name(atom).map_err(err)?));
            }
        }
        for (atom, cookie) in asked {
            if let Ok(reply) = cookie.reply() {
                self.names
                    .insert(atom, String::from_utf8_lossy(&reply.name).into_owned());
            }
        }
        Ok(atoms
            .iter()
            .filter_map(|a| self.names.get(a).map(|n| (*a, n.clone())))
            .collect())
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

/// The owner's targets, by name.
pub struct X11Offer<'a> {
    clipboard: &'a mut X11Clipboard,
    atoms: Vec<u32>,
    formats: Vec<String>,
}

impl Platform for X11Clipboard {
    const TEXT: &'static [&'static str] = TEXT_TARGETS;
    const IMAGE: &'static [&'static str] = &["image/png"];
    type Offer<'a> = X11Offer<'a>;

    fn change_token(&mut self) -> Option<u64> {
        while let Ok(Some(_)) = self.drain() {}
        Some(self.changes)
    }

    fn offer(&mut self) -> Result<Option<X11Offer<'_>>, String> {
        let targets = self.owner_targets()?;
        if targets.is_empty() {
            return Ok(None);
        }
        let (atoms, formats) = self.names(&targets)?.into_iter().unzip();
        Ok(Some(X11Offer {
            clipboard: self,
            atoms,
            formats,
        }))
    }
}

impl Offer for X11Offer<'_> {
    fn formats(&self) -> &[String] {
        &self.formats
    }

    fn read_text(self, format: &str, max: usize) -> Result<Clip, String> {
        let atom = self.formats.iter().position(|f| f == format);
        match atom.and_then(|i| self.atoms.get(i).copied()) {
            Some(atom) => self.clipboard.read_text(atom, max),
            None => Ok(Clip::Empty),
        }
    }

    fn read_image(self, _format: &str) -> Result<Clip, String> {
        // Images through arboard (PNG decoding); it talks to $DISPLAY.
        super::read_image(&mut self.clipboard.board)
    }
}
