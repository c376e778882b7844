//! QR codes in copied images (attackers put the link in a QR code so that
//! mail filters never see it): decoded with `rqrr`, then analysed like text.

/// Every QR code's text in an RGBA image.
pub fn decode(width: usize, height: usize, rgba: &[u8]) -> Vec<String> {
    if rgba.len() < width.saturating_mul(height).saturating_mul(4) {
        return Vec::new();
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let i = (y * width + x) * 4;
        match rgba.get(i..i + 4) {
            // Transparent pixels count as white (screenshots of codes on
            // transparent backgrounds).
            Some(&[r, g, b, a]) => {
                let luma = (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000;
                let a = u32::from(a);
                ((luma * a + 255 * (255 - a)) / 255) as u8
            }
            _ => 255,
        }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}
