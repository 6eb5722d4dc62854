//! The camera, for a QR code to import (issue 20): the shell only runs `getUserMedia`, the
//! live preview, a timer and a canvas; every decision (when a frame is read, when the camera
//! stops, what is said) is the core's ([`webtoken_token::panel::camera`]). A code read goes
//! to the panel as [`webtoken_token::panel::image::ImageMessage::Read`], the same import as a picture's.
//!
//! The stream is the `<video>`'s `srcObject` (no URL), so the page's CSP needs no `media-src`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, Element, HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack,
};
use zeroize::Zeroizing;

use super::{Dispatch, Message};
use crate::clock;
use webtoken_token::panel::camera::{Camera, Refusal, SCAN_EVERY_MS, Step, frame_size};

/// The camera's elements and the core's state.
struct Scanner {
    camera: RefCell<Camera>,
    stream: RefCell<Option<MediaStream>>,
    /// Counts the camera's openings: a timer of an earlier one ends itself.
    opening: RefCell<u32>,
    view: Element,
    video: HtmlVideoElement,
    dispatch: Dispatch<Message>,
}

/// Shows the "scan with the camera" button where the browser offers a camera, and listens to
/// it, to "Stop" and to the page being left.
pub(super) fn install(
    button: &Element,
    stop: &Element,
    view: &Element,
    video: &Element,
    dispatch: Dispatch<Message>,
    listeners: &mut Vec<EventListener>,
) {
    let Some(video) = video.dyn_ref::<HtmlVideoElement>().cloned() else {
        return;
    };
    if !offered() {
        return;
    }
    let _ = button.remove_attribute("hidden");
    let scanner = Rc::new(Scanner {
        camera: RefCell::default(),
        stream: RefCell::default(),
        opening: RefCell::new(0),
        view: view.clone(),
        video,
        dispatch,
    });
    let on = |scanner: &Rc<Scanner>, step: fn(&mut Camera) -> Step| {
        let scanner = scanner.clone();
        move |_: &web_sys::Event| {
            let next = step(&mut scanner.camera.borrow_mut());
            scanner.run(next);
        }
    };
    listeners.push(EventListener::new(
        button,
        "click",
        on(&scanner, Camera::start),
    ));
    listeners.push(EventListener::new(
        stop,
        "click",
        on(&scanner, Camera::stop),
    ));
    if let Some(window) = web_sys::window() {
        listeners.push(EventListener::new(
            &window,
            "pagehide",
            on(&scanner, Camera::stop),
        ));
    }
}

/// Whether `navigator.mediaDevices.getUserMedia` exists (only in a secure context).
fn offered() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window.navigator(), &"mediaDevices".into())
        .ok()
        .filter(|devices| devices.is_object())
        .and_then(|devices| js_sys::Reflect::get(&devices, &"getUserMedia".into()).ok())
        .is_some_and(|f| f.is_function())
}

impl Scanner {
    /// Does what the core decided.
    fn run(self: &Rc<Self>, step: Step) {
        match step {
            Step::Wait => {}
            Step::Open => self.open(),
            Step::Read => {
                if let Some((width, height, rgba)) = self.frame() {
                    let next = self.camera.borrow_mut().frame(width, height, &rgba);
                    self.run(next);
                }
            }
            Step::Stop(message) => {
                self.close();
                if let Some(message) = message {
                    self.dispatch.send(Message::Image(message));
                }
            }
            _ => {}
        }
    }

    /// Asks for the camera (the back one on a phone) and shows the preview.
    fn open(self: &Rc<Self>) {
        let _ = self.view.remove_attribute("hidden");
        let opening = {
            let mut opening = self.opening.borrow_mut();
            *opening = opening.wrapping_add(1);
            *opening
        };
        let scanner = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match ask().await {
                Ok(stream) => {
                    let next = scanner.camera.borrow_mut().opened(clock::now_ms() as u64);
                    if next != Step::Wait {
                        stop_tracks(&stream);
                        return scanner.run(next);
                    }
                    scanner.video.set_src_object(Some(&stream));
                    let _ = scanner.video.play();
                    *scanner.stream.borrow_mut() = Some(stream);
                    scanner.scan(opening).await;
                }
                Err(error) => {
                    let name = error
                        .dyn_ref::<DomException>()
                        .map(DomException::name)
                        .unwrap_or_default();
                    let next = scanner
                        .camera
                        .borrow_mut()
                        .refused(Refusal::from_error_name(&name));
                    scanner.run(next);
                }
            }
        });
    }

    /// The timer: asks the core at each beat while this opening lasts.
    async fn scan(self: &Rc<Self>, opening: u32) {
        let beat = (SCAN_EVERY_MS / 3) as u32;
        while self.camera.borrow().is_on() && *self.opening.borrow() == opening {
            gloo_timers::future::TimeoutFuture::new(beat).await;
            if *self.opening.borrow() != opening {
                return;
            }
            let next = self.camera.borrow_mut().tick(clock::now_ms() as u64);
            self.run(next);
        }
    }

    /// The video's current frame as RGBA pixels (wiped when dropped: a frame of a QR code
    /// holds its secret), at the core's [`frame_size`];
    /// `None` before the first frame.
    fn frame(&self) -> Option<(u32, u32, Zeroizing<Vec<u8>>)> {
        // HAVE_CURRENT_DATA: a frame to draw.
        if self.video.ready_state() < 2 {
            return None;
        }
        let (width, height) = frame_size(self.video.video_width(), self.video.video_height())?;
        let context = super::image::canvas(width, height)?;
        context
            .draw_image_with_html_video_element_and_dw_and_dh(
                &self.video,
                0.0,
                0.0,
                f64::from(width),
                f64::from(height),
            )
            .ok()?;
        Some((width, height, super::image::rgba(&context, width, height)?))
    }

    /// Stops every track and hides the preview.
    fn close(&self) {
        if let Some(stream) = self.stream.borrow_mut().take() {
            stop_tracks(&stream);
        }
        self.video.set_src_object(None);
        let _ = self.view.set_attribute("hidden", "");
    }
}

/// `getUserMedia({video: {facingMode: "environment"}, audio: false})`.
async fn ask() -> Result<MediaStream, JsValue> {
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let video = js_sys::Object::new();
    js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into())?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into::<MediaStream>()
}

fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}
