//! What a profile picture may be: a PNG that decodes whole (every chunk's
//! checksum right, the image data complete), at most `MAX_SIDE` pixels a
//! side and `MAX_DECODED` bytes decoded, re-encoded from its pixels so
//! nothing else it carried (text chunks, EXIF, a second image, trailing
//! bytes) is stored or served. The checks are image-rs's `png` codec.

use png::{BitDepth, ColorType, Decoder, Encoder, Limits, Transformations};
use std::io::Cursor;

/// The longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// The most memory a decode may take (RGBA at 8 bits: 4 bytes a pixel).
pub const MAX_DECODED: usize = (MAX_SIDE as usize) * (MAX_SIDE as usize) * 4 + 1024 * 1024;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    #[error("must be a PNG image")]
    NotPng,
    #[error("must be at most {MAX_SIDE}×{MAX_SIDE} pixels")]
    TooLarge,
}

/// The picture's pixels, as a fresh PNG of 8-bit samples.
pub fn clean(bytes: &[u8]) -> Result<Vec<u8>, PictureError> {
    let mut decoder = Decoder::new_with_limits(Cursor::new(bytes), Limits { bytes: MAX_DECODED });
    // Palette and low bit depths to 8-bit samples, 16-bit down to 8.
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|_| PictureError::NotPng)?;
    let (width, height) = (reader.info().width, reader.info().height);
    if width == 0 || height == 0 {
        return Err(PictureError::NotPng);
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(PictureError::TooLarge);
    }
    let size = reader.output_buffer_size().ok_or(PictureError::TooLarge)?;
    let mut pixels = vec![0; size];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|_| PictureError::NotPng)?;
    // The rest of the stream must decode too (checksums up to IEND).
    reader.finish().map_err(|_| PictureError::NotPng)?;
    pixels.truncate(frame.buffer_size());
    encode(width, height, frame.color_type, &pixels)
}

fn encode(
    width: u32,
    height: u32,
    color: ColorType,
    pixels: &[u8],
) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| PictureError::NotPng)?;
    writer
        .write_image_data(pixels)
        .map_err(|_| PictureError::NotPng)?;
    writer.finish().map_err(|_| PictureError::NotPng)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real PNG of `w`×`h` RGBA pixels with a text chunk.
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = Encoder::new(&mut out, w, h);
        encoder.set_color(ColorType::Rgba);
        encoder.set_depth(BitDepth::Eight);
        encoder
            .add_text_chunk("Comment".into(), "secret location".into())
            .unwrap();
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![7u8; (w * h * 4) as usize])
            .unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn keeps_the_pixels_and_drops_the_rest() {
        let original = png(3, 2);
        assert!(original.windows(15).any(|w| w == b"secret location"));
        let cleaned = clean(&original).unwrap();
        assert!(!cleaned.windows(15).any(|w| w == b"secret location"));
        let mut reader = Decoder::new(Cursor::new(cleaned.as_slice()))
            .read_info()
            .unwrap();
        assert_eq!((reader.info().width, reader.info().height), (3, 2));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert!(buf.iter().all(|b| *b == 7));
    }

    #[test]
    fn refuses_bad_checksums_truncation_and_huge_dimensions() {
        let good = png(2, 2);
        // The IHDR chunk's CRC sits at bytes 29..33.
        let mut bad_crc = good.clone();
        bad_crc[30] ^= 0xff;
        assert_eq!(clean(&bad_crc), Err(PictureError::NotPng));
        assert_eq!(clean(&good[..good.len() - 20]), Err(PictureError::NotPng));
        assert_eq!(clean(b"\\x89PNG not really"), Err(PictureError::NotPng));
        // A header claiming 2^31 × 2^31 pixels (with a right CRC).
        let mut huge = good[..33].to_vec();
        huge[16..20].copy_from_slice(&(1u32 << 31).to_be_bytes());
        huge[20..24].copy_from_slice(&(1u32 << 31).to_be_bytes());
        let crc = crc(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        huge.extend_from_slice(&good[33..]);
        assert!(clean(&huge).is_err());
        assert_eq!(clean(&png(MAX_SIDE + 1, 1)), Err(PictureError::TooLarge));
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
}
