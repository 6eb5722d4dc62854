//! Reading QR codes from an image (issue 20): the browser turns a chosen or pasted picture into
//! pixels (a canvas's RGBA); everything else is here. The pixels are bounded, turned into
//! 8-bit luma, and searched by the `quircs` crate (pure Rust, so the same in every browser).
//!
//! ```
//! use webtoken_token::qr::read::{ReadError, read_rgba};
//! // A white 8x8 picture holds no QR code.
//! assert_eq!(read_rgba(8, 8, &[255; 8 * 8 * 4]), Err(ReadError::NotFound));
//! ```

use webtoken_engine::i18n::qr::Text;
use webtoken_engine::i18n::{Lang, fill};
use zeroize::Zeroizing;

#[cfg(test)]
mod tests;

/// The longest side read, in pixels.
pub const MAX_SIDE: u32 = 4096;
/// The most pixels read (16 megapixels): a photo from a phone fits, and the search stays short.
pub const MAX_PIXELS: u64 = 16_000_000;
/// The most codes read from one picture.
pub const MAX_CODES: usize = 16;

/// Why no text came out of a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError {
    /// A picture with no pixels.
    Empty,
    /// Larger than [`MAX_SIDE`] or [`MAX_PIXELS`].
    TooLarge {
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// Fewer (or more) bytes than the size says.
    Truncated {
        /// Bytes the size needs.
        expected: u64,
        /// Bytes given.
        got: usize,
    },
    /// No QR code was found.
    NotFound,
    /// A QR code was found but could not be read (blurred, cut off, damaged).
    Unreadable,
    /// The browser could not open the file as a picture.
    NotAnImage,
}

impl ReadError {
    /// The message in `lang` (from the `[qr]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ReadError::Empty => Text::ReadEmpty.get(lang).to_owned(),
            ReadError::TooLarge { width, height } => fill(
                Text::ReadTooLarge.get(lang),
                &[
                    ("width", width),
                    ("height", height),
                    ("side", &MAX_SIDE),
                    ("mp", &(MAX_PIXELS / 1_000_000)),
                ],
            ),
            ReadError::Truncated { .. } => Text::ReadTruncated.get(lang).to_owned(),
            ReadError::NotFound => Text::ReadNotFound.get(lang).to_owned(),
            ReadError::Unreadable => Text::ReadUnreadable.get(lang).to_owned(),
            ReadError::NotAnImage => Text::ReadNotAnImage.get(lang).to_owned(),
        }
    }
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ReadError {}

/// Whether a picture of `width` x `height` pixels is within the sizes the reader takes: not
/// empty, at most [`MAX_SIDE`] a side and [`MAX_PIXELS`] in all. One that is not is refused
/// by its size alone, so the shell need not draw it to read its pixels.
pub fn fits(width: u32, height: u32) -> bool {
    size_error(width, height).is_none()
}

/// Why a picture of `width` x `height` pixels is refused by its size alone, if it is.
fn size_error(width: u32, height: u32) -> Option<ReadError> {
    if width == 0 || height == 0 {
        return Some(ReadError::Empty);
    }
    let pixels = u64::from(width) * u64::from(height);
    (width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS)
        .then_some(ReadError::TooLarge { width, height })
}

/// Checks a picture's size against the limits and the bytes given (`per_pixel` bytes each).
fn check(width: u32, height: u32, per_pixel: u64, got: usize) -> Result<(), ReadError> {
    if let Some(refused) = size_error(width, height) {
        return Err(refused);
    }
    let expected = u64::from(width) * u64::from(height) * per_pixel;
    if u64::try_from(got).ok() != Some(expected) {
        return Err(ReadError::Truncated { expected, got });
    }
    Ok(())
}

/// The texts of the QR codes in a picture of `width` x `height` pixels given as RGBA bytes
/// (a canvas's `getImageData`), row by row; transparent pixels count as white (a PNG with no
/// background). The texts are in the order found; codes that cannot be read are left out
/// while another one could be read.
pub fn read_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<String>, ReadError> {
    check(width, height, 4, rgba.len())?;
    let luma: Zeroizing<Vec<u8>> = Zeroizing::new(
        rgba.chunks_exact(4)
            .map(|p| {
                let [r, g, b, a] = [p[0], p[1], p[2], p[3]].map(u32::from);
                // ITU-R BT.601 weights, then over white by alpha.
                let l = (299 * r + 587 * g + 114 * b) / 1000;
                ((l * a + 255 * (255 - a)) / 255) as u8
            })
            .collect(),
    );
    read_luma(width, height, &luma)
}

/// The texts of the QR codes in a picture of 8-bit luma (0 black, 255 white), row by row.
pub fn read_luma(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, ReadError> {
    check(width, height, 1, luma.len())?;
    let mut decoder = quircs::Quirc::default();
    let mut found = false;
    let mut texts = Vec::new();
    for code in decoder
        .identify(width as usize, height as usize, luma)
        .take(MAX_CODES)
    {
        found = true;
        let text = code
            .ok()
            .and_then(|code| code.decode().ok())
            .and_then(|data| String::from_utf8(data.payload).ok());
        if let Some(text) = text
            && !texts.contains(&text)
        {
            texts.push(text);
        }
    }
    if !found {
        return Err(ReadError::NotFound);
    }
    if texts.is_empty() {
        Err(ReadError::Unreadable)
    } else {
        Ok(texts)
    }
}
