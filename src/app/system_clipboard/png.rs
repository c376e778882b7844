//! Copied PNG images (how Wayland offers images), decoded for the QR
//! decoder with their size checked first.

use crate::desktop::clipboard::Clip;

/// The largest copied PNG read (a 4K screenshot is about 10 MB).
pub const MAX_PNG_BYTES: usize = 32 << 20;

/// A copied PNG (how Wayland offers images) as RGBA, for the QR decoder.
/// The header's dimensions are checked against the watcher's pixel cap
/// before any pixel is decoded, and the decoder's allocations are capped:
/// a PNG that claims a huge size costs nothing. What cannot be decoded, or
/// is too large, is nothing to check.
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
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
