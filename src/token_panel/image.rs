//! A picture of a QR code, chosen (`token-import-image`) or pasted into the import field: the
//! browser only turns it into pixels (drawn to a canvas, read back as RGBA); the core reads
//! the codes and imports their texts ([`webtoken_token::panel::image`]).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, ClipboardEvent, Event, File, HtmlCanvasElement, ImageBitmap,
};
use zeroize::Zeroizing;

use super::{Dispatch, Message};
use webtoken_token::panel::image::ImageMessage;
use webtoken_token::qr::read;

/// The listener of the picture file input.
pub(super) fn chosen(dispatch: Dispatch<Message>) -> impl FnMut(&Event) {
    move |event| {
        if let Some(file) = super::chosen_file(event) {
            read(file, dispatch.clone());
        }
    }
}

/// The import field's paste listener: a pasted picture is read; pasted text is left to the
/// field.
pub(super) fn pasted(dispatch: Dispatch<Message>) -> impl FnMut(&Event) {
    move |event| {
        let Some(items) = event
            .dyn_ref::<ClipboardEvent>()
            .and_then(ClipboardEvent::clipboard_data)
            .map(|data| data.items())
        else {
            return;
        };
        let picture = (0..items.length())
            .filter_map(|i| items.get(i))
            .filter(|item| item.kind() == "file" && item.type_().starts_with("image/"))
            .find_map(|item| item.get_as_file().ok().flatten());
        if let Some(file) = picture {
            event.prevent_default();
            read(file, dispatch.clone());
        }
    }
}

/// Opens `file` as a picture and sends its pixels (or that it is none).
fn read(file: File, dispatch: Dispatch<Message>) {
    wasm_bindgen_futures::spawn_local(async move {
        let message = pixels(&file).await.unwrap_or(ImageMessage::NotAnImage);
        dispatch.send(Message::Image(message));
    });
}

/// The picture's RGBA pixels through a canvas; `None` if the browser cannot open it.
/// `createImageBitmap` decodes the file itself (no `blob:` URL, so the page's `img-src` stays
/// `'self' data:`).
async fn pixels(file: &File) -> Option<ImageMessage> {
    let window = web_sys::window()?;
    let bitmap = JsFuture::from(window.create_image_bitmap_with_blob(file).ok()?)
        .await
        .ok()?
        .dyn_into::<ImageBitmap>()
        .ok()?;
    let (width, height) = (bitmap.width(), bitmap.height());
    // A picture over the core's bounds is not drawn: the core refuses it by its size alone
    // (it checks the size before the bytes), with the message that says so.
    if !read::fits(width, height) {
        bitmap.close();
        return Some(ImageMessage::Pixels {
            width,
            height,
            rgba: Zeroizing::default(),
        });
    }
    let context = canvas(width, height)?;
    let drawn = context.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0);
    bitmap.close();
    drawn.ok()?;
    Some(ImageMessage::Pixels {
        width,
        height,
        rgba: rgba(&context, width, height)?,
    })
}

/// The RGBA pixels drawn on `context`'s canvas of `width` x `height` (wiped when dropped: a
/// picture of a QR code holds its secret).
pub(super) fn rgba(
    context: &CanvasRenderingContext2d,
    width: u32,
    height: u32,
) -> Option<Zeroizing<Vec<u8>>> {
    let data = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()?;
    Some(Zeroizing::new(data.data().0))
}

/// A new `width` x `height` canvas's 2D context (a picture or a camera frame is drawn on it
/// and read back).
pub(super) fn canvas(width: u32, height: u32) -> Option<CanvasRenderingContext2d> {
    let canvas = (web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?)
    .dyn_into::<HtmlCanvasElement>()
    .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}
