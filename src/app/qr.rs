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

#[cfg(test)]
pub(crate) mod tests {
    use super::decode;

    /// An RGBA image of a QR code for `text`: 4 pixels a module, a 4-module
    /// white quiet zone, as a screenshot of a poster would be.
    pub(crate) fn qr_image(text: &str) -> (usize, usize, Vec<u8>) {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let n = code.width();
        let colors = code.to_colors();
        let (scale, quiet) = (4, 4);
        let size = (n + 2 * quiet) * scale;
        let mut rgba = vec![255u8; size * size * 4];
        for (i, c) in colors.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = (i % n + quiet, i / n + quiet);
                for y in my * scale..(my + 1) * scale {
                    for x in mx * scale..(mx + 1) * scale {
                        let p = (y * size + x) * 4;
                        rgba[p..p + 3].copy_from_slice(&[0, 0, 0]);
                    }
                }
            }
        }
        (size, size, rgba)
    }

    #[test]
    fn a_link_in_a_qr_code_is_read() {
        let (w, h, rgba) = qr_image("https://twilio-okta.net/login");
        assert_eq!(
            decode(w, h, &rgba),
            vec!["https://twilio-okta.net/login".to_owned()]
        );
    }

    #[test]
    fn an_image_without_a_code_or_too_short_gives_nothing() {
        assert!(decode(64, 64, &vec![255u8; 64 * 64 * 4]).is_empty());
        assert!(decode(64, 64, &[0u8; 10]).is_empty());
    }
}
