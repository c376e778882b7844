//! Windows: `GetClipboardSequenceNumber` is the change token; the
//! clipboard's formats, by name, are what it offers. The clipboard is
//! opened before the formats are listed and closed after the text is read,
//! so the content cannot change in between. Through `clipboard-win`, the
//! same crate arboard uses.

use clipboard_win::{formats, raw};

use super::{Offer, Platform, err};
use crate::desktop::clipboard::Clip;

pub struct WindowsClipboard {
    board: Option<arboard::Clipboard>,
}

impl WindowsClipboard {
    pub fn new() -> WindowsClipboard {
        WindowsClipboard { board: None }
    }
}

/// The open clipboard and the names of its formats.
pub struct WindowsOffer<'a> {
    open: clipboard_win::Clipboard,
    formats: Vec<(u32, String)>,
    names: Vec<String>,
    board: &'a mut Option<arboard::Clipboard>,
}

impl Platform for WindowsClipboard {
    const TEXT: &'static [&'static str] = &["CF_UNICODETEXT"];
    /// What arboard decodes.
    const IMAGE: &'static [&'static str] = &["CF_DIB", "CF_DIBV5", "PNG"];
    type Offer<'a> = WindowsOffer<'a>;

    fn change_token(&mut self) -> Option<u64> {
        raw::seq_num().map(|n| u64::from(n.get()))
    }

    fn offer(&mut self) -> Result<Option<WindowsOffer<'_>>, String> {
        let open = clipboard_win::Clipboard::new_attempts(10).map_err(err)?;
        let formats: Vec<(u32, String)> = raw::EnumFormats::new()
            .filter_map(|f| raw::format_name_big(f).map(|name| (f, name)))
            .collect();
        if formats.is_empty() {
            return Ok(None);
        }
        let names = formats.iter().map(|(_, n)| n.clone()).collect();
        Ok(Some(WindowsOffer {
            open,
            formats,
            names,
            board: &mut self.board,
        }))
    }
}

impl WindowsOffer<'_> {
    fn id(&self, name: &str) -> Option<u32> {
        self.formats
            .iter()
            .find(|(_, n)| n == name)
            .map(|(f, _)| *f)
    }
}

impl Offer for WindowsOffer<'_> {
    fn formats(&self) -> &[String] {
        &self.names
    }

    /// Only the 4 bytes of the flag are read.
    fn flag(&mut self, format: &str) -> Option<u32> {
        let id = self.id(format)?;
        let mut flag = [0xffu8; 4];
        matches!(raw::get(id, &mut flag), Ok(4)).then(|| u32::from_le_bytes(flag))
    }

    /// At most `max` bytes of the text (UTF-16 on the clipboard: at most
    /// `2 * max` bytes of it are copied).
    fn read_text(self, _format: &str, max: usize) -> Result<Clip, String> {
        let size = raw::size(formats::CF_UNICODETEXT).map_or(0, |s| s.get());
        let mut buf = vec![0u8; size.min(max.saturating_mul(2).saturating_add(2))];
        let n = raw::get(formats::CF_UNICODETEXT, &mut buf).map_err(err)?;
        drop(self.open);
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

    fn read_image(self, _format: &str) -> Result<Clip, String> {
        // arboard opens the clipboard itself, so ours is closed first.
        drop(self.open);
        super::read_image(self.board)
    }
}
