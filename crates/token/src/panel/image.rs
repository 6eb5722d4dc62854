//! A QR code read from a picture (issue 20): the shell draws a chosen or pasted picture to a
//! canvas and sends its pixels ([`ImageMessage::Pixels`](crate::panel::image::ImageMessage::Pixels)); the panel reads the codes in them
//! ([`crate::qr::read`]) and sends their texts through the same import as the import field
//! (one URI, or several, one per code, as a list whose report names each entry).

use zeroize::Zeroizing;

use super::{Activity, Effect, Message, Notice, Panel, Storage, Typed};
use crate::qr::read::{ReadError, read_rgba};
use crate::text::Text;
use webtoken_engine::i18n::Lang;

/// What the shell sends about a picture.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageMessage {
    /// A picture's pixels: RGBA, row by row (a canvas's `getImageData`); wiped when dropped
    /// (a picture of a QR code holds its secret).
    Pixels {
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
        /// `width * height * 4` bytes.
        rgba: Zeroizing<Vec<u8>>,
    },
    /// The browser could not open the file as a picture.
    NotAnImage,
    /// The texts of the codes already read (a camera frame, [`super::camera`]); wiped when
    /// dropped.
    Read(Zeroizing<Vec<String>>),
    /// What to tell the customer about the camera (refused, missing, no code in time).
    Problem(Text),
}

impl std::fmt::Debug for ImageMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageMessage::Pixels { width, height, .. } => write!(f, "Pixels({width}x{height})"),
            ImageMessage::NotAnImage => f.write_str("NotAnImage"),
            ImageMessage::Read(texts) => write!(f, "Read({} codes)", texts.len()),
            ImageMessage::Problem(text) => write!(f, "Problem({text:?})"),
        }
    }
}

impl Panel {
    /// Reads the codes of a picture and imports their texts.
    pub(super) fn update_image(
        &mut self,
        message: ImageMessage,
        now: u64,
        lang: Lang,
        storage: &Storage,
    ) -> Vec<Effect> {
        // A picture chosen while work runs is not dropped unsaid (it is in no field).
        if matches!(self.activity, Activity::Working { .. }) {
            self.notice = Some(Notice::Problem(Text::ImportFileBusy));
            return Vec::new();
        }
        let read = match message {
            ImageMessage::Pixels {
                width,
                height,
                rgba,
            } => read_rgba(width, height, &rgba),
            ImageMessage::NotAnImage => Err(ReadError::NotAnImage),
            ImageMessage::Read(mut texts) => Ok(std::mem::take(&mut *texts)),
            ImageMessage::Problem(text) => {
                self.notice = Some(Notice::Problem(text));
                return Vec::new();
            }
        };
        match read {
            Err(e) => {
                self.notice = Some(Notice::QrImage(e));
                Vec::new()
            }
            Ok(texts) => {
                let texts = Zeroizing::new(texts);
                let text = Typed::new(texts.join("\n"));
                self.update(Message::Import(text), now, lang, storage)
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
