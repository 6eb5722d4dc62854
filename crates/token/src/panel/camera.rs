//! The camera, for a QR code to import (issue 20): the shell runs `getUserMedia`, the live
//! preview, a timer and a canvas; this state decides when a frame is read, when the camera
//! stops and what the customer is told. Time comes in as an argument (milliseconds).
//!
//! The first frame that holds a readable code ends the scan: its texts go through the same
//! import as a picture
//! ([`ImageMessage::Read`](crate::panel::image::ImageMessage::Read)); the camera stops on
//! "Stop", on leaving the page, and after
//! [`TIMEOUT_MS`](crate::panel::camera::TIMEOUT_MS) without a code.

use crate::qr::read::read_rgba;
use crate::text::Text;
use zeroize::Zeroizing;

use super::image::ImageMessage;

/// A frame is read at most this often (about three times a second: quick to find a code,
/// light on a phone's battery).
pub const SCAN_EVERY_MS: u64 = 300;
/// The camera stops after this long without a code.
pub const TIMEOUT_MS: u64 = 60_000;
/// The longest side of a frame drawn for reading (a camera's frames are smaller; a larger
/// one is scaled down, which keeps a code readable and the search short).
pub const FRAME_SIDE: u32 = 1280;

/// The size a `width` x `height` video frame is drawn at for reading: as it is, or scaled
/// down to [`FRAME_SIDE`] on its longer side, keeping its shape (1 pixel a side at least);
/// `None` while the video has no frame yet (a side of 0).
pub fn frame_size(width: u32, height: u32) -> Option<(u32, u32)> {
    if width == 0 || height == 0 {
        return None;
    }
    let scale = (f64::from(FRAME_SIDE) / f64::from(width.max(height))).min(1.0);
    let side = |length: u32| ((f64::from(length) * scale) as u32).max(1);
    Some((side(width), side(height)))
}

/// Where the camera is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Off (the preview hidden).
    #[default]
    Off,
    /// Asked for (the browser may be asking the customer).
    Asking,
    /// Live since `since`; the last frame was read at `read`.
    Live { since: u64, read: Option<u64> },
}

/// The camera's state, held by the shell.
#[derive(Debug, Clone, Default)]
pub struct Camera {
    state: State,
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Nothing yet.
    Wait,
    /// Ask the browser for the camera (`getUserMedia`) and show the preview.
    Open,
    /// Draw the current frame and send its pixels ([`Camera::frame`]).
    Read,
    /// Stop every track and hide the preview; send the message to the panel, if any
    /// (as [`super::Message::Image`]).
    Stop(Option<ImageMessage>),
}

/// Why the camera could not be used (from `getUserMedia`'s error name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The customer or the browser refused the permission (`NotAllowedError`,
    /// `SecurityError`).
    Denied,
    /// No camera, or none that could be opened (`NotFoundError`, `NotReadableError`, ...).
    Missing,
}

impl Refusal {
    /// The refusal behind a `DOMException`'s `name`.
    pub fn from_error_name(name: &str) -> Refusal {
        match name {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => Refusal::Denied,
            _ => Refusal::Missing,
        }
    }

    fn text(self) -> Text {
        match self {
            Refusal::Denied => Text::CameraDenied,
            Refusal::Missing => Text::CameraMissing,
        }
    }
}

impl Camera {
    /// Whether the camera is asked for or live (the preview shown).
    pub fn is_on(&self) -> bool {
        self.state != State::Off
    }

    /// The "scan with the camera" button.
    pub fn start(&mut self) -> Step {
        if self.is_on() {
            return Step::Wait;
        }
        self.state = State::Asking;
        Step::Open
    }

    /// The browser gave a stream at `now`. `Stop(None)` if the camera was stopped meanwhile
    /// (the stream is then stopped at once).
    pub fn opened(&mut self, now: u64) -> Step {
        if self.state != State::Asking {
            return Step::Stop(None);
        }
        self.state = State::Live {
            since: now,
            read: None,
        };
        Step::Wait
    }

    /// The browser refused the camera.
    pub fn refused(&mut self, why: Refusal) -> Step {
        if self.state != State::Asking {
            return Step::Wait;
        }
        self.state = State::Off;
        Step::Stop(Some(ImageMessage::Problem(why.text())))
    }

    /// The timer, at `now`.
    pub fn tick(&mut self, now: u64) -> Step {
        let State::Live { since, read } = self.state else {
            return Step::Wait;
        };
        if now.saturating_sub(since) >= TIMEOUT_MS {
            self.state = State::Off;
            return Step::Stop(Some(ImageMessage::Problem(Text::CameraTimedOut)));
        }
        if read.is_some_and(|at| now.saturating_sub(at) < SCAN_EVERY_MS) {
            return Step::Wait;
        }
        self.state = State::Live {
            since,
            read: Some(now),
        };
        Step::Read
    }

    /// A frame's RGBA pixels: the first that holds a readable code stops the camera and goes
    /// to the import; a frame without one waits for the next.
    pub fn frame(&mut self, width: u32, height: u32, rgba: &[u8]) -> Step {
        if !matches!(self.state, State::Live { .. }) {
            return Step::Wait;
        }
        match read_rgba(width, height, rgba) {
            Ok(texts) => {
                self.state = State::Off;
                Step::Stop(Some(ImageMessage::Read(Zeroizing::new(texts))))
            }
            Err(_) => Step::Wait,
        }
    }

    /// "Stop", or the page is left: the camera stops, nothing is said.
    pub fn stop(&mut self) -> Step {
        if !self.is_on() {
            return Step::Wait;
        }
        self.state = State::Off;
        Step::Stop(None)
    }
}

#[cfg(test)]
mod tests;
