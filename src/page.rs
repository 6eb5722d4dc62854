//! The page's elements, looked up by `data-testid`, and the few browser readings every part
//! uses: the page's language, its marks and its paint.

use web_sys::{Document, Element};

use webtoken_engine::i18n::Lang;

pub use webtoken_engine::draw::MissingElement;

/// The language the page is shown in, from the `lang` attribute of `<html>` (which the bank
/// section keeps up to date); Japanese when it names neither language.
pub fn page_lang(document: &Document) -> Lang {
    let tag = document
        .document_element()
        .and_then(|el| el.get_attribute("lang"))
        .unwrap_or_default();
    Lang::preferred([tag.as_str()])
}

/// The language for a first visit: the browser's preferred languages
/// (`navigator.languages`, then `navigator.language`), Japanese when it prefers neither.
pub fn browser_lang() -> Lang {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Lang::default();
    };
    let mut tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if let Some(tag) = navigator.language() {
        tags.push(tag);
    }
    Lang::preferred(tags.iter().map(String::as_str))
}

/// The page's element with this `data-testid`, if any.
pub fn by_testid(document: &Document, id: &str) -> Option<Element> {
    document
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
}

/// Shows or hides an element with the `hidden` attribute, skipping the write when it is
/// already so.
pub fn show(element: &Element, shown: bool) {
    if shown {
        if element.has_attribute("hidden") {
            let _ = element.remove_attribute("hidden");
        }
    } else if !element.has_attribute("hidden") {
        let _ = element.set_attribute("hidden", "");
    }
}

/// Sets an element's text (never HTML), skipping the write when it is unchanged.
pub fn set_text(element: &Element, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// Sets the Performance API mark `name` (the page-load bench, `scripts/bench.py load`, reads
/// the marks named `webtoken-*` to show where a load's time goes).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// The longest [`painted`] waits for a frame, in milliseconds.
pub const PAINT_WAIT_MS: i32 = 100;

/// Resolves once the browser has drawn a frame with what is in the document now: the next
/// animation frame, then a task (which runs after that frame is painted). A hidden page draws
/// no frames, so it waits [`PAINT_WAIT_MS`] at most; without a window it resolves at once.
pub async fn painted() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.request_animation_frame(&resolve);
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, PAINT_WAIT_MS);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    gloo_timers::future::TimeoutFuture::new(0).await;
}
