//! macOS: `NSPasteboard.changeCount` is the change token; the general
//! pasteboard's types are what it offers.

use objc2::rc::autoreleasepool;
use objc2_app_kit::NSPasteboard;
use objc2_foundation::NSString;

use super::{Offer, Platform};
use crate::desktop::clipboard::Clip;

pub struct MacClipboard {
    board: Option<arboard::Clipboard>,
}

impl MacClipboard {
    pub fn new() -> MacClipboard {
        MacClipboard { board: None }
    }
}

/// The pasteboard's types.
pub struct MacOffer<'a> {
    types: Vec<String>,
    board: &'a mut Option<arboard::Clipboard>,
}

impl Platform for MacClipboard {
    /// `NSPasteboardTypeString`.
    const TEXT: &'static [&'static str] = &["public.utf8-plain-text"];
    const IMAGE: &'static [&'static str] = &["public.tiff", "public.png"];
    type Offer<'a> = MacOffer<'a>;

    fn change_token(&mut self) -> Option<u64> {
        let count = NSPasteboard::generalPasteboard().changeCount();
        Some(count as u64)
    }

    fn offer(&mut self) -> Result<Option<MacOffer<'_>>, String> {
        let types: Vec<String> = autoreleasepool(|_| {
            NSPasteboard::generalPasteboard()
                .types()
                .map(|t| t.iter().map(|t| t.to_string()).collect())
                .unwrap_or_default()
        });
        Ok((!types.is_empty()).then_some(MacOffer {
            types,
            board: &mut self.board,
        }))
    }
}

impl Offer for MacOffer<'_> {
    fn formats(&self) -> &[String] {
        &self.types
    }

    fn read_text(self, format: &str, max_text: usize) -> Result<Clip, String> {
        Ok(autoreleasepool(|_| {
            let board = NSPasteboard::generalPasteboard();
            let Some(s) = board.stringForType(&NSString::from_str(format)) else {
                return Clip::Empty;
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
            super::text_clip(text, units > max_text, total, max_text)
        }))
    }

    /// Through arboard, outside the pool.
    fn read_image(self, _format: &str) -> Result<Clip, String> {
        super::read_image(self.board)
    }
}
