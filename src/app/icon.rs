//! The app and tray icon, drawn in code (no image decoder needed): a
//! rounded badge in the state's colour with a white ring, the "second look"
//! lens. `assets/second-look.svg` is the same design for installers.

/// What the icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconState {
    /// Watching the clipboard: calm blue.
    Watching,
    /// Paused or watching off: grey.
    Paused,
    /// The last copied link was suspicious or dangerous: red.
    Warning,
}

impl IconState {
    fn rgb(self) -> [u8; 3] {
        match self {
            IconState::Watching => [0x1f, 0x5f, 0xa8],
            IconState::Paused => [0x80, 0x80, 0x80],
            IconState::Warning => [0xc6, 0x28, 0x28],
        }
    }
}

/// RGBA pixels of a `size`×`size` icon.
pub fn rgba(size: u32, state: IconState) -> Vec<u8> {
    let [r, g, b] = state.rgb();
    let s = size as f32;
    let c = s / 2.0;
    let mut out = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let dx = x as f32 + 0.5 - c;
            let dy = y as f32 + 0.5 - c;
            let d = (dx * dx + dy * dy).sqrt() / c;
            // Lens ring, a handle to the lower right, on a filled disc.
            let on_handle =
                dx > 0.0 && dy > 0.0 && (dx - dy).abs() < s * 0.07 && d > 0.55 && d < 0.9;
            let ring = (d > 0.38 && d < 0.55) || on_handle;
            let (pr, pg, pb, a) = if d > 1.0 {
                (0, 0, 0, 0)
            } else if ring {
                (255, 255, 255, 255)
            } else {
                (r, g, b, 255)
            };
            // Soft edge.
            let a = if d > 0.96 && d <= 1.0 { a / 2 } else { a };
            out.extend_from_slice(&[pr, pg, pb, a]);
        }
    }
    out
}

/// The window icon.
pub fn window_icon() -> egui::IconData {
    egui::IconData {
        rgba: rgba(64, IconState::Watching),
        width: 64,
        height: 64,
    }
}
