#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::panel::image::tests::picture;

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

fn pixels(message: ImageMessage) -> (u32, u32, Vec<u8>) {
    let ImageMessage::Pixels {
        width,
        height,
        rgba,
    } = message
    else {
        panic!("pixels");
    };
    (width, height, rgba.to_vec())
}

/// A camera live since `since`.
fn live(since: u64) -> Camera {
    let mut camera = Camera::default();
    assert_eq!(camera.start(), Step::Open);
    assert_eq!(camera.opened(since), Step::Wait);
    camera
}

#[test]
fn the_button_opens_the_camera_once() {
    let mut camera = Camera::default();
    assert!(!camera.is_on());
    assert_eq!(camera.start(), Step::Open);
    assert!(camera.is_on());
    assert_eq!(camera.start(), Step::Wait);
}

#[test]
fn frames_are_read_a_few_times_a_second() {
    let mut camera = live(1_000);
    assert_eq!(camera.tick(1_000), Step::Read);
    assert_eq!(camera.tick(1_000 + SCAN_EVERY_MS - 1), Step::Wait);
    assert_eq!(camera.tick(1_000 + SCAN_EVERY_MS), Step::Read);
    // Nothing is read before the stream is there, nor after it stopped.
    let mut asking = Camera::default();
    asking.start();
    assert_eq!(asking.tick(5_000), Step::Wait);
    assert_eq!(camera.stop(), Step::Stop(None));
    assert_eq!(camera.tick(9_000), Step::Wait);
}

#[test]
fn the_first_frame_with_a_code_stops_the_camera_and_imports_its_text() {
    let mut camera = live(0);
    let (w, h, blank) = (60, 40, vec![255; 60 * 40 * 4]);
    assert_eq!(camera.frame(w, h, &blank), Step::Wait);
    assert!(camera.is_on());
    let (w, h, rgba) = pixels(picture(&[URI]));
    let Step::Stop(Some(ImageMessage::Read(texts))) = camera.frame(w, h, &rgba) else {
        panic!("the code was not read");
    };
    assert_eq!(texts.as_slice(), [URI.to_owned()]);
    assert!(!camera.is_on());
    // A late frame after the stop imports nothing more.
    assert_eq!(camera.frame(w, h, &rgba), Step::Wait);
}

#[test]
fn a_minute_without_a_code_stops_the_camera_with_a_message() {
    let mut camera = live(10_000);
    assert_eq!(camera.tick(10_000 + TIMEOUT_MS - 1), Step::Read);
    assert_eq!(
        camera.tick(10_000 + TIMEOUT_MS),
        Step::Stop(Some(ImageMessage::Problem(Text::CameraTimedOut)))
    );
    assert!(!camera.is_on());
    assert_eq!(camera.tick(10_000 + TIMEOUT_MS + 1), Step::Wait);
}

#[test]
fn a_refusal_says_why_and_changes_nothing_else() {
    for (name, text) in [
        ("NotAllowedError", Text::CameraDenied),
        ("SecurityError", Text::CameraDenied),
        ("NotFoundError", Text::CameraMissing),
        ("NotReadableError", Text::CameraMissing),
    ] {
        let mut camera = Camera::default();
        camera.start();
        assert_eq!(
            camera.refused(Refusal::from_error_name(name)),
            Step::Stop(Some(ImageMessage::Problem(text))),
            "{name}"
        );
        assert!(!camera.is_on());
    }
}

#[test]
fn a_stream_given_after_stop_is_stopped_at_once() {
    let mut camera = Camera::default();
    camera.start();
    assert_eq!(camera.stop(), Step::Stop(None));
    assert_eq!(camera.opened(3_000), Step::Stop(None));
    assert!(!camera.is_on());
    // Leaving the page with the camera off does nothing.
    assert_eq!(camera.stop(), Step::Wait);
}

#[test]
fn a_large_frame_is_scaled_to_its_longest_side_keeping_its_shape() {
    assert_eq!(frame_size(0, 720), None, "no frame yet");
    assert_eq!(frame_size(640, 0), None);
    assert_eq!(
        frame_size(640, 480),
        Some((640, 480)),
        "small frames as they are"
    );
    assert_eq!(frame_size(1920, 1080), Some((FRAME_SIDE, 720)));
    assert_eq!(frame_size(1080, 1920), Some((720, FRAME_SIDE)));
    assert_eq!(
        frame_size(100_000, 1),
        Some((FRAME_SIDE, 1)),
        "a side of 1 at least"
    );
}
